/* toml_get.c — read access to a parsed TOML tree and the lookup helpers
 * loaders use (messages name the key and its position). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "io/toml_internal.h"
#include "core/num.h"

#define TABLE_NAME_MAX 256

const sg_toml_value *sg_toml_root(const sg_toml_doc *doc) { return doc ? doc->root : NULL; }
const char *sg_toml_source(const sg_toml_doc *doc) { return doc ? doc->source : NULL; }

sg_toml_type sg_toml_type_of(const sg_toml_value *v) { return v ? (sg_toml_type)v->type : SG_TOML_TABLE; }

const char *sg_toml_type_name(sg_toml_type t)
{
    switch (t) {
    case SG_TOML_TABLE: return "table";
    case SG_TOML_ARRAY: return "array";
    case SG_TOML_STRING: return "string";
    case SG_TOML_INTEGER: return "integer";
    case SG_TOML_FLOAT: return "float";
    case SG_TOML_BOOL: return "boolean";
    case SG_TOML_DATETIME: return "offset date-time";
    case SG_TOML_DATETIME_LOCAL: return "local date-time";
    case SG_TOML_DATE_LOCAL: return "local date";
    case SG_TOML_TIME_LOCAL: return "local time";
    }
    return "unknown type";
}

int sg_toml_line(const sg_toml_value *v) { return v ? v->line : 0; }
int sg_toml_col(const sg_toml_value *v) { return v ? v->col : 0; }
const char *sg_toml_value_source(const sg_toml_value *v) { return v ? v->doc->source : NULL; }

static bool is_table(const sg_toml_value *v) { return v && v->type == SG_TOML_TABLE; }
static bool is_array(const sg_toml_value *v) { return v && v->type == SG_TOML_ARRAY; }

size_t sg_toml_table_size(const sg_toml_value *t) { return is_table(t) ? t->u.tab.n : 0; }

const char *sg_toml_table_key(const sg_toml_value *t, size_t i)
{
    return is_table(t) && i < t->u.tab.n ? t->u.tab.items[i].key : NULL;
}

size_t sg_toml_table_key_len(const sg_toml_value *t, size_t i)
{
    return is_table(t) && i < t->u.tab.n ? t->u.tab.items[i].keylen : 0;
}

const sg_toml_value *sg_toml_table_value(const sg_toml_value *t, size_t i)
{
    return is_table(t) && i < t->u.tab.n ? t->u.tab.items[i].val : NULL;
}

int sg_toml_table_key_line(const sg_toml_value *t, size_t i)
{
    return is_table(t) && i < t->u.tab.n ? t->u.tab.items[i].line : 0;
}

int sg_toml_table_key_col(const sg_toml_value *t, size_t i)
{
    return is_table(t) && i < t->u.tab.n ? t->u.tab.items[i].col : 0;
}

const sg_toml_value *sg_toml_table_get(const sg_toml_value *t, const char *key)
{
    if (!is_table(t) || !key)
        return NULL;
    size_t n = strlen(key);
    for (uint32_t i = 0; i < t->u.tab.n && !t->u.tab.hash; i++)
        if (t->u.tab.items[i].keylen == n && memcmp(t->u.tab.items[i].key, key, n) == 0)
            return t->u.tab.items[i].val;
    if (!t->u.tab.hash)
        return NULL;
    /* same probing as the parser's tab_find */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)key[i]) * 16777619u;
    uint32_t m = 2 * t->u.tab.cap - 1;
    for (h &= m;; h = (h + 1) & m) {
        uint32_t s = t->u.tab.hash[h];
        if (!s)
            return NULL;
        const toml_entry *e = &t->u.tab.items[s - 1];
        if (e->keylen == n && memcmp(e->key, key, n) == 0)
            return e->val;
    }
}

size_t sg_toml_array_size(const sg_toml_value *a) { return is_array(a) ? a->u.arr.n : 0; }

const sg_toml_value *sg_toml_array_at(const sg_toml_value *a, size_t i)
{
    return is_array(a) && i < a->u.arr.n ? a->u.arr.items[i] : NULL;
}

const char *sg_toml_string(const sg_toml_value *v, size_t *len)
{
    if (!v || v->type != SG_TOML_STRING) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = v->u.str.len;
    return v->u.str.s;
}

int64_t sg_toml_integer(const sg_toml_value *v) { return v && v->type == SG_TOML_INTEGER ? v->u.i : 0; }

double sg_toml_float(const sg_toml_value *v)
{
    if (v && v->type == SG_TOML_FLOAT)
        return v->u.f;
    if (v && v->type == SG_TOML_INTEGER)
        return (double)v->u.i;
    return 0.0;
}

bool sg_toml_bool(const sg_toml_value *v) { return v && v->type == SG_TOML_BOOL ? v->u.b : false; }

const sg_toml_datetime *sg_toml_datetime_of(const sg_toml_value *v)
{
    if (!v || v->type < SG_TOML_DATETIME)
        return NULL;
    return v->u.dt;
}

/* ---- messages ---- */

static sg_status verror_at(sg_error *err, sg_status status, const char *src, int line, int col,
                           const char *fmt, va_list ap)
{
    char msg[SG_ERROR_MSG_MAX];
    sg_num_vsnprintf(msg, sizeof msg, fmt, ap);
    return sg_error_set(err, status, "%s:%d:%d: %s", src ? src : "<toml>", line, col, msg);
}

sg_status sg_toml_error_at(sg_error *err, sg_status status, const sg_toml_value *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sg_status st = verror_at(err, status, sg_toml_value_source(v), sg_toml_line(v), sg_toml_col(v), fmt, ap);
    va_end(ap);
    return st;
}

sg_status sg_toml_error_at_key(sg_error *err, sg_status status, const sg_toml_value *table, size_t i,
                               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sg_status st = verror_at(err, status, sg_toml_value_source(table), sg_toml_table_key_line(table, i),
                             sg_toml_table_key_col(table, i), fmt, ap);
    va_end(ap);
    return st;
}

/* Depth-first search for target below node, pushing the keys on the way. */
static bool find_path(const sg_toml_value *node, const sg_toml_value *target, const char **keys, size_t *nk,
                      size_t cap)
{
    if (node == target)
        return true;
    if (node->type == SG_TOML_TABLE) {
        for (uint32_t i = 0; i < node->u.tab.n; i++) {
            if (*nk >= cap)
                return false;
            keys[(*nk)++] = node->u.tab.items[i].key;
            if (node->u.tab.items[i].val && find_path(node->u.tab.items[i].val, target, keys, nk, cap))
                return true;
            (*nk)--;
        }
    } else if (node->type == SG_TOML_ARRAY) {
        for (uint32_t i = 0; i < node->u.arr.n; i++)
            if (find_path(node->u.arr.items[i], target, keys, nk, cap))
                return true;
    }
    return false;
}

/* Dotted name of table t ("factor.levels"), or "" for the root.  Nodes do
 * not point to their parents (to stay small), so this searches the tree:
 * it only runs when a message is built. */
static const char *table_name(const sg_toml_value *t, char *out, size_t size)
{
    const char *keys[SG_TOML_MAX_DEPTH * 3];
    size_t nk = 0;
    out[0] = '\0';
    if (!find_path(t->doc->root, t, keys, &nk, sizeof keys / sizeof keys[0]))
        return out;
    size_t o = 0;
    for (size_t i = 0; i < nk; i++) {
        int w = snprintf(out + o, size - o, "%s%s", o ? "." : "", keys[i]);
        if (w < 0 || (size_t)w >= size - o)
            break;
        o += (size_t)w;
    }
    return out;
}

static const char *article(const char *word) { return strchr("aeiou", word[0]) ? "an" : "a"; }

/* Look up key; handles absence and NULL arguments.  Returns 1 when found
 * (in *v), 0 when absent and fine, or -1 with err set (status in *st). */
static int lookup(const sg_toml_value *table, const char *key, bool required, bool *found,
                  const sg_toml_value **v, sg_error *err, sg_status *st)
{
    if (found)
        *found = false;
    if (!is_table(table) || !key) {
        *st = sg_error_set(err, SG_ERR_INVALID, "sg_toml_get: %s", key ? "not a table" : "NULL key");
        return -1;
    }
    *v = sg_toml_table_get(table, key);
    if (!*v) {
        if (!required) {
            *st = SG_OK;
            return 0;
        }
        char name[TABLE_NAME_MAX];
        table_name(table, name, sizeof name);
        if (name[0])
            *st = sg_toml_error_at(err, SG_ERR_INVALID, table, "missing required key '%s' in [%s]", key, name);
        else
            *st = sg_toml_error_at(err, SG_ERR_INVALID, table, "missing required key '%s' at the top level",
                                   key);
        return -1;
    }
    if (found)
        *found = true;
    return 1;
}

static sg_status wrong_type(sg_error *err, const sg_toml_value *v, const char *key, const char *want)
{
    const char *got = sg_toml_type_name((sg_toml_type)v->type);
    return sg_toml_error_at(err, SG_ERR_INVALID, v, "'%s' must be %s %s, not %s %s", key, article(want), want,
                            article(got), got);
}

/* Shared body: look up, check type, store. */
#define GET_BODY(TYPE_OK, WANT, STORE)                                                                   \
    const sg_toml_value *v = NULL;                                                                         \
    sg_status st = SG_OK;                                                                                  \
    int r = lookup(table, key, required, found, &v, err, &st);                                             \
    if (r <= 0)                                                                                            \
        return st;                                                                                         \
    if (!(TYPE_OK)) {                                                                                      \
        if (found)                                                                                         \
            *found = true;                                                                                 \
        return wrong_type(err, v, key, WANT);                                                              \
    }                                                                                                      \
    if (out)                                                                                               \
        STORE;                                                                                             \
    return SG_OK;

sg_status sg_toml_get_table(const sg_toml_value *table, const char *key, bool required,
                            const sg_toml_value **out, bool *found, sg_error *err)
{
    GET_BODY(v->type == SG_TOML_TABLE, "table", *out = v)
}

sg_status sg_toml_get_array(const sg_toml_value *table, const char *key, bool required,
                            const sg_toml_value **out, bool *found, sg_error *err)
{
    GET_BODY(v->type == SG_TOML_ARRAY, "array", *out = v)
}

static sg_status get_string_value(const sg_toml_value *table, const char *key, bool required,
                                  const sg_toml_value **out, bool *found, sg_error *err)
{
    GET_BODY(v->type == SG_TOML_STRING, "string", *out = v)
}

sg_status sg_toml_get_string(const sg_toml_value *table, const char *key, bool required, const char **out,
                             bool *found, sg_error *err)
{
    const sg_toml_value *v = NULL;
    sg_status st = get_string_value(table, key, required, &v, found, err);
    if (st != SG_OK || !v)
        return st;
    /* a C string cannot carry U+0000: refuse the value rather than cut it */
    if (strlen(v->u.str.s) != v->u.str.len)
        return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                "'%s' contains U+0000 (written \\u0000), which is not allowed here", key);
    if (out)
        *out = v->u.str.s;
    return SG_OK;
}

sg_status sg_toml_get_integer(const sg_toml_value *table, const char *key, bool required, int64_t *out,
                              bool *found, sg_error *err)
{
    GET_BODY(v->type == SG_TOML_INTEGER, "integer", *out = v->u.i)
}

sg_status sg_toml_get_float(const sg_toml_value *table, const char *key, bool required, double *out,
                            bool *found, sg_error *err)
{
    GET_BODY(v->type == SG_TOML_FLOAT || v->type == SG_TOML_INTEGER, "float", *out = sg_toml_float(v))
}

sg_status sg_toml_get_bool(const sg_toml_value *table, const char *key, bool required, bool *out,
                           bool *found, sg_error *err)
{
    GET_BODY(v->type == SG_TOML_BOOL, "boolean", *out = v->u.b)
}
