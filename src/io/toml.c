/* toml.c — TOML 1.0.0 document structure: keys, tables and their
 * redefinition rules, arrays, inline tables, headers, entry points. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "io/toml_internal.h"

#define ARENA_FIRST_CHUNK ((size_t)16 * 1024)
#define TABLE_HASH_MIN 8 /* tables with more entries get a hash index */
#define STREAM_READ_CHUNK ((size_t)64 * 1024)

/* ---- tree building ---- */

static sg_toml_value *new_value(toml_parser *p, size_t pos, sg_toml_type type, uint8_t flags)
{
    sg_toml_value *v = sg_toml__alloc(p->doc, sizeof *v);
    if (!v) {
        sg_toml__oom(p);
        return NULL;
    }
    memset(v, 0, sizeof *v);
    v->type = (uint8_t)type;
    v->flags = flags;
    v->doc = p->doc;
    sg_toml__pos_lc(p, pos, &v->line, &v->col);
    return v;
}

static uint32_t hash_key(const char *k, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)k[i]) * 16777619u;
    return h;
}

/* Index of key in table t, or -1. */
static long tab_find(const sg_toml_value *t, const char *key, size_t n)
{
    const toml_entry *it = t->u.tab.items;
    if (t->u.tab.hash) {
        uint32_t m = 2 * t->u.tab.cap - 1;
        for (uint32_t h = hash_key(key, n) & m;; h = (h + 1) & m) {
            uint32_t s = t->u.tab.hash[h];
            if (!s)
                return -1;
            if (it[s - 1].keylen == n && memcmp(it[s - 1].key, key, n) == 0)
                return (long)(s - 1);
        }
    }
    for (uint32_t i = 0; i < t->u.tab.n; i++)
        if (it[i].keylen == n && memcmp(it[i].key, key, n) == 0)
            return (long)i;
    return -1;
}

static void hash_put(sg_toml_value *t, uint32_t idx)
{
    const toml_entry *e = &t->u.tab.items[idx];
    uint32_t m = 2 * t->u.tab.cap - 1;
    uint32_t h = hash_key(e->key, e->keylen) & m;
    while (t->u.tab.hash[h])
        h = (h + 1) & m;
    t->u.tab.hash[h] = idx + 1;
}

/* Append key (copied) -> val to table t; returns the entry index or -1. */
static long tab_insert(toml_parser *p, sg_toml_value *t, const char *key, size_t n, size_t kpos,
                       sg_toml_value *val)
{
    if (t->u.tab.n == t->u.tab.cap) {
        uint32_t nc = t->u.tab.cap ? t->u.tab.cap * 2 : 4;
        toml_entry *ni = sg_toml__alloc(p->doc, nc * sizeof *ni);
        if (!ni)
            return sg_toml__oom(p);
        if (t->u.tab.n)
            memcpy(ni, t->u.tab.items, t->u.tab.n * sizeof *ni);
        t->u.tab.items = ni;
        t->u.tab.cap = nc;
        if (nc > TABLE_HASH_MIN) {
            t->u.tab.hash = sg_toml__alloc(p->doc, 2 * (size_t)nc * sizeof(uint32_t));
            if (!t->u.tab.hash)
                return sg_toml__oom(p);
            memset(t->u.tab.hash, 0, 2 * (size_t)nc * sizeof(uint32_t));
            for (uint32_t i = 0; i < t->u.tab.n; i++)
                hash_put(t, i);
        }
    }
    char *k = sg_toml__alloc_str(p->doc, n + 1);
    if (!k)
        return sg_toml__oom(p);
    memcpy(k, key, n);
    k[n] = '\0';
    uint32_t idx = t->u.tab.n++;
    toml_entry *e = &t->u.tab.items[idx];
    e->key = k;
    e->keylen = (uint32_t)n;
    e->val = val;
    sg_toml__pos_lc(p, kpos, &e->line, &e->col);
    if (t->u.tab.hash)
        hash_put(t, idx);
    return (long)idx;
}

static int arr_push(toml_parser *p, sg_toml_value *a, sg_toml_value *v)
{
    if (a->u.arr.n == a->u.arr.cap) {
        if (a->u.arr.cap >= UINT32_MAX / 2)
            return sg_toml__fail(p, p->pos, SG_ERR_LIMIT, "array has too many elements");
        uint32_t nc = a->u.arr.cap ? a->u.arr.cap * 2 : 4;
        sg_toml_value **ni = sg_toml__alloc(p->doc, nc * sizeof *ni);
        if (!ni)
            return sg_toml__oom(p);
        if (a->u.arr.n)
            memcpy(ni, a->u.arr.items, a->u.arr.n * sizeof *ni);
        a->u.arr.items = ni;
        a->u.arr.cap = nc;
    }
    a->u.arr.items[a->u.arr.n++] = v;
    return 0;
}

/* ---- whitespace, comments, newlines ---- */

static void skip_ws(toml_parser *p)
{
    while (p->pos < p->len && (p->buf[p->pos] == ' ' || p->buf[p->pos] == '\t'))
        p->pos++;
}

/* A comment starting at '#' up to (not including) the end of line. */
static int skip_comment(toml_parser *p)
{
    const char *b = p->buf;
    for (p->pos++; p->pos < p->len; p->pos++) {
        unsigned char c = (unsigned char)b[p->pos];
        if (c == '\n' || c == '\r')
            break;
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "control character U+%04X is not allowed in a comment",
                             c);
    }
    return 0;
}

/* Consume a newline (LF or CRLF) at p->pos; 1 if consumed, 0 if none. */
static int eat_newline(toml_parser *p)
{
    if (p->pos >= p->len)
        return 0;
    if (p->buf[p->pos] == '\n') {
        p->pos++;
    } else if (p->buf[p->pos] == '\r') {
        if (p->pos + 1 >= p->len || p->buf[p->pos + 1] != '\n')
            return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "carriage return must be followed by a line feed");
        p->pos += 2;
    } else
        return 0;
    sg_toml__newline(p, p->pos);
    return 1;
}

/* Whitespace, comments and newlines (inside arrays). */
static int skip_ws_nl(toml_parser *p)
{
    for (;;) {
        skip_ws(p);
        if (p->pos >= p->len)
            return 0;
        if (p->buf[p->pos] == '#' && skip_comment(p) < 0)
            return -1;
        int r = eat_newline(p);
        if (r < 0)
            return -1;
        if (!r)
            return 0;
    }
}

/* After a key/value pair or header: optional comment, then newline or EOF. */
static int end_of_line(toml_parser *p, const char *after)
{
    skip_ws(p);
    if (p->pos < p->len && p->buf[p->pos] == '#' && skip_comment(p) < 0)
        return -1;
    if (p->pos >= p->len)
        return 0;
    int r = eat_newline(p);
    if (r < 0)
        return -1;
    if (r == 0) {
        char tmp[16];
        return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected end of line after %s, found %s", after,
                         sg_toml__describe(p, p->pos, tmp));
    }
    return 0;
}

/* ---- keys ---- */

static int kbuf_push(toml_parser *p, const char *s, size_t n)
{
    if (sg_toml__grow((void **)&p->kbuf, &p->kcap, p->klen + n, 1) < 0)
        return sg_toml__oom(p);
    memcpy(p->kbuf + p->klen, s, n);
    p->klen += n;
    return 0;
}

/* A key (one or more dotted parts) into p->parts / p->kbuf. */
static int parse_key(toml_parser *p)
{
    const char *b = p->buf;
    p->nparts = 0;
    p->klen = 0;
    for (;;) {
        skip_ws(p);
        size_t at = p->pos, off = p->klen;
        if (at < p->len && (b[at] == '"' || b[at] == '\'')) {
            const char *s;
            size_t n;
            if (sg_toml__parse_string(p, false, &s, &n) < 0 || kbuf_push(p, s, n) < 0)
                return -1;
        } else if (at < p->len && sg_toml__is_bare((unsigned char)b[at])) {
            while (p->pos < p->len && sg_toml__is_bare((unsigned char)b[p->pos]))
                p->pos++;
            if (kbuf_push(p, b + at, p->pos - at) < 0)
                return -1;
        } else {
            char tmp[16];
            return sg_toml__fail(p, at, SG_ERR_PARSE,
                             "expected a key (letters, digits, '_', '-' or a quoted string), found %s",
                             sg_toml__describe(p, at, tmp));
        }
        if (p->nparts >= SG_TOML_MAX_DEPTH)
            return sg_toml__fail(p, at, SG_ERR_LIMIT, "key has more than %d dotted parts", SG_TOML_MAX_DEPTH);
        if (sg_toml__grow((void **)&p->parts, &p->pcap, p->nparts + 1, sizeof *p->parts) < 0)
            return sg_toml__oom(p);
        p->parts[p->nparts++] = (toml_keypart){off, p->klen - off, at};
        skip_ws(p);
        if (p->pos < p->len && b[p->pos] == '.') {
            p->pos++;
            continue;
        }
        return 0;
    }
}

/* "a.b.c" for parts [0, upto], quoting parts that are not bare. */
static const char *key_path(const toml_parser *p, size_t upto, char *out, size_t size)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i <= upto && i < p->nparts; i++) {
        const char *k = p->kbuf + p->parts[i].off;
        size_t n = p->parts[i].len;
        bool bare = n > 0;
        for (size_t j = 0; j < n; j++)
            if (!sg_toml__is_bare((unsigned char)k[j]))
                bare = false;
        int w = snprintf(out + o, size - o, bare ? "%s%.*s" : "%s\"%.*s\"", i ? "." : "", (int)n, k);
        if (w < 0 || (size_t)w >= size - o)
            break;
        o += (size_t)w;
    }
    return out;
}

#define KEYBUF 256

/* "an integer", "a string", ... for messages. */
static const char *type_with_article(const sg_toml_value *v)
{
    switch ((sg_toml_type)v->type) {
    case SG_TOML_ARRAY: return "an array";
    case SG_TOML_INTEGER: return "an integer";
    case SG_TOML_DATETIME: return "an offset date-time";
    case SG_TOML_DATETIME_LOCAL: return "a local date-time";
    case SG_TOML_DATE_LOCAL: return "a local date";
    case SG_TOML_TIME_LOCAL: return "a local time";
    case SG_TOML_STRING: return "a string";
    case SG_TOML_FLOAT: return "a float";
    case SG_TOML_BOOL: return "a boolean";
    case SG_TOML_TABLE: return "a table";
    }
    return "a value";
}

/* ---- values ---- */

static int parse_value(toml_parser *p, sg_toml_value **out);
static int parse_keyval(toml_parser *p, sg_toml_value *tbl);

static int depth_in(toml_parser *p, size_t at)
{
    if (++p->depth > SG_TOML_MAX_DEPTH)
        return sg_toml__fail(p, at, SG_ERR_LIMIT, "arrays, inline tables and dotted keys nested deeper than %d",
                         SG_TOML_MAX_DEPTH);
    return 0;
}

static int parse_array(toml_parser *p, sg_toml_value *a)
{
    size_t open = p->pos;
    if (depth_in(p, open) < 0)
        return -1;
    p->pos++;
    for (;;) {
        if (skip_ws_nl(p) < 0)
            return -1;
        if (p->pos < p->len && p->buf[p->pos] == ']') {
            p->pos++;
            break;
        }
        sg_toml_value *v;
        if (parse_value(p, &v) < 0 || arr_push(p, a, v) < 0)
            return -1;
        if (skip_ws_nl(p) < 0)
            return -1;
        if (p->pos < p->len && p->buf[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->buf[p->pos] == ']') {
            p->pos++;
            break;
        }
        char tmp[16];
        return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected ',' or ']' after an array element, found %s",
                         sg_toml__describe(p, p->pos, tmp));
    }
    p->depth--;
    return 0;
}

static int parse_inline_table(toml_parser *p, sg_toml_value *t)
{
    if (depth_in(p, p->pos) < 0)
        return -1;
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->buf[p->pos] == '}') {
        p->pos++;
        p->depth--;
        return 0;
    }
    for (;;) {
        char k = p->pos < p->len ? p->buf[p->pos] : '\0';
        if (k == '\n' || k == '\r' || k == '#')
            return sg_toml__fail(p, p->pos, SG_ERR_PARSE,
                             "expected a key in inline table, found %s (an inline table must be on one line)",
                             k == '#' ? "a comment" : "end of line");
        if (parse_keyval(p, t) < 0)
            return -1;
        skip_ws(p);
        char c = p->pos < p->len ? p->buf[p->pos] : '\0';
        if (c == ',') {
            p->pos++;
            skip_ws(p);
            if (p->pos < p->len && p->buf[p->pos] == '}')
                return sg_toml__fail(p, p->pos, SG_ERR_PARSE,
                                 "expected a key after ',': trailing commas are not allowed in an inline table");
            continue;
        }
        if (c == '}') {
            p->pos++;
            break;
        }
        char tmp[16];
        const char *found = sg_toml__describe(p, p->pos, tmp);
        if (c == '\n' || c == '\r' || c == '#')
            return sg_toml__fail(p, p->pos, SG_ERR_PARSE,
                             "expected ',' or '}' in inline table, found %s (an inline table must be on one line)",
                             c == '#' ? "a comment" : found);
        return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected ',' or '}' in inline table, found %s", found);
    }
    p->depth--;
    return 0;
}

static bool match_word(const toml_parser *p, const char *w)
{
    size_t n = strlen(w);
    return p->len - p->pos >= n && memcmp(p->buf + p->pos, w, n) == 0;
}

static int parse_value(toml_parser *p, sg_toml_value **out)
{
    size_t at = p->pos;
    sg_toml_value *v = new_value(p, at, SG_TOML_STRING, 0);
    if (!v)
        return -1;
    *out = v;
    char c = at < p->len ? p->buf[at] : '\0';
    if (c == '"' || c == '\'') {
        const char *s;
        size_t n;
        if (sg_toml__parse_string(p, true, &s, &n) < 0)
            return -1;
        char *copy = sg_toml__alloc_str(p->doc, n + 1);
        if (!copy)
            return sg_toml__oom(p);
        memcpy(copy, s, n + 1);
        v->u.str.s = copy;
        v->u.str.len = n;
        return 0;
    }
    if (c == 't' && match_word(p, "true")) {
        v->type = SG_TOML_BOOL;
        v->u.b = true;
        p->pos += 4;
        return 0;
    }
    if (c == 'f' && match_word(p, "false")) {
        v->type = SG_TOML_BOOL;
        v->u.b = false;
        p->pos += 5;
        return 0;
    }
    if (c == '[') {
        v->type = SG_TOML_ARRAY;
        return parse_array(p, v);
    }
    if (c == '{') {
        v->type = SG_TOML_TABLE;
        v->flags = TF_INLINE;
        return parse_inline_table(p, v);
    }
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || (c == 'i' && match_word(p, "inf")) ||
        (c == 'n' && match_word(p, "nan")))
        return sg_toml__parse_number_or_date(p, v);
    char tmp[16];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return sg_toml__fail(p, at, SG_ERR_PARSE,
                     "expected a value (string, number, true/false, date-time, array or inline table), "
                     "found %s%s",
                     sg_toml__describe(p, at, tmp), letter ? " (strings must be quoted)" : "");
}

static int parse_keyval(toml_parser *p, sg_toml_value *tbl)
{
    char path[KEYBUF], tmp[16];
    if (parse_key(p) < 0)
        return -1;
    skip_ws(p);
    if (p->pos >= p->len || p->buf[p->pos] != '=')
        return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected '=' after the key '%s', found %s",
                         key_path(p, p->nparts - 1, path, sizeof path), sg_toml__describe(p, p->pos, tmp));
    p->pos++;
    skip_ws(p);
    size_t np = p->nparts;
    if (p->depth + (int)np - 1 > SG_TOML_MAX_DEPTH)
        return sg_toml__fail(p, p->parts[0].pos, SG_ERR_LIMIT,
                         "arrays, inline tables and dotted keys nested deeper than %d", SG_TOML_MAX_DEPTH);
    sg_toml_value *t = tbl;
    for (size_t i = 0; i + 1 < np; i++) {
        const toml_keypart *kp = &p->parts[i];
        long idx = tab_find(t, p->kbuf + kp->off, kp->len);
        if (idx < 0) {
            sg_toml_value *nt = new_value(p, kp->pos, SG_TOML_TABLE, TF_DOTTED);
            if (!nt || tab_insert(p, t, p->kbuf + kp->off, kp->len, kp->pos, nt) < 0)
                return -1;
            t = nt;
            continue;
        }
        sg_toml_value *v = t->u.tab.items[idx].val;
        const toml_entry *e = &t->u.tab.items[idx];
        key_path(p, i, path, sizeof path);
        if (v->type != SG_TOML_TABLE)
            return sg_toml__fail(p, kp->pos, SG_ERR_PARSE,
                             "cannot use '%s' as a table: it is already %s (defined at %d:%d)", path,
                             type_with_article(v), e->line, e->col);
        if (v->flags & TF_INLINE)
            return sg_toml__fail(p, kp->pos, SG_ERR_PARSE,
                             "cannot add keys to the inline table '%s' (defined at %d:%d): inline tables "
                             "are complete when written",
                             path, e->line, e->col);
        if (!(v->flags & TF_DOTTED))
            return sg_toml__fail(p, kp->pos, SG_ERR_PARSE,
                             "cannot add keys to table '%s' with a dotted key: it is defined by a [header] "
                             "(at %d:%d)",
                             path, v->line, v->col);
        t = v;
    }
    const toml_keypart *kp = &p->parts[np - 1];
    long idx = tab_find(t, p->kbuf + kp->off, kp->len);
    if (idx >= 0) {
        const toml_entry *e = &t->u.tab.items[idx];
        return sg_toml__fail(p, kp->pos, SG_ERR_PARSE, "duplicate key '%s' (first defined at %d:%d)",
                         key_path(p, np - 1, path, sizeof path), e->line, e->col);
    }
    idx = tab_insert(p, t, p->kbuf + kp->off, kp->len, kp->pos, NULL);
    if (idx < 0)
        return -1;
    if (p->pos >= p->len || p->buf[p->pos] == '\n' || p->buf[p->pos] == '\r' || p->buf[p->pos] == '#')
        return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected a value after '=', found %s",
                         p->pos < p->len && p->buf[p->pos] == '#' ? "a comment"
                                                                  : sg_toml__describe(p, p->pos, tmp));
    int saved = p->depth;
    p->depth += (int)np - 1;
    sg_toml_value *v;
    if (parse_value(p, &v) < 0)
        return -1;
    p->depth = saved;
    toml_entry *e = &t->u.tab.items[idx];
    e->val = v;
    return 0;
}

/* [a.b.c] or [[a.b.c]]: makes *cur the table that following pairs fill. */
static int parse_header(toml_parser *p, sg_toml_value **cur)
{
    char path[KEYBUF], tmp[16];
    size_t at = p->pos;
    bool aot = p->pos + 1 < p->len && p->buf[p->pos + 1] == '[';
    p->pos += aot ? 2 : 1;
    if (parse_key(p) < 0)
        return -1;
    skip_ws(p);
    if (aot ? !match_word(p, "]]") : !match_word(p, "]"))
        return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected '%s' to close the %s header, found %s",
                         aot ? "]]" : "]", aot ? "[[array of tables]]" : "[table]",
                         sg_toml__describe(p, p->pos, tmp));
    p->pos += aot ? 2 : 1;
    size_t np = p->nparts;
    sg_toml_value *t = p->doc->root;
    for (size_t i = 0; i < np; i++) {
        const toml_keypart *kp = &p->parts[i];
        bool last = i + 1 == np;
        long idx = tab_find(t, p->kbuf + kp->off, kp->len);
        key_path(p, i, path, sizeof path);
        if (idx < 0) {
            sg_toml_value *nv;
            if (last && aot) {
                nv = new_value(p, at, SG_TOML_ARRAY, AF_AOT);
                sg_toml_value *el = new_value(p, at, SG_TOML_TABLE, TF_DEFINED);
                if (!nv || !el || tab_insert(p, t, p->kbuf + kp->off, kp->len, kp->pos, nv) < 0 ||
                    arr_push(p, nv, el) < 0)
                    return -1;
                *cur = el;
                return 0;
            }
            nv = new_value(p, last ? at : kp->pos, SG_TOML_TABLE, last ? TF_DEFINED : TF_IMPLICIT);
            if (!nv || tab_insert(p, t, p->kbuf + kp->off, kp->len, kp->pos, nv) < 0)
                return -1;
            t = nv;
            continue;
        }
        sg_toml_value *v = t->u.tab.items[idx].val;
        const toml_entry *e = &t->u.tab.items[idx];
        if (v->type == SG_TOML_ARRAY) {
            if (!(v->flags & AF_AOT))
                return sg_toml__fail(p, kp->pos, SG_ERR_PARSE,
                                 "cannot use '%s' as a table: it is already an array (defined at %d:%d)",
                                 path, e->line, e->col);
            if (last && aot) {
                sg_toml_value *el = new_value(p, at, SG_TOML_TABLE, TF_DEFINED);
                if (!el || arr_push(p, v, el) < 0)
                    return -1;
                *cur = el;
                return 0;
            }
            if (last)
                return sg_toml__fail(p, kp->pos, SG_ERR_PARSE,
                                 "cannot define table [%s]: it is already an array of tables (defined at "
                                 "%d:%d)",
                                 path, v->line, v->col);
            t = v->u.arr.items[v->u.arr.n - 1];
            continue;
        }
        if (v->type != SG_TOML_TABLE)
            return sg_toml__fail(p, kp->pos, SG_ERR_PARSE,
                             "cannot use '%s' as a table: it is already %s (defined at %d:%d)", path,
                             type_with_article(v), e->line, e->col);
        if (v->flags & TF_INLINE)
            return sg_toml__fail(p, kp->pos, SG_ERR_PARSE,
                             "cannot extend the inline table '%s' (defined at %d:%d): inline tables are "
                             "complete when written",
                             path, e->line, e->col);
        if (last && aot)
            return sg_toml__fail(p, kp->pos, SG_ERR_PARSE,
                             "cannot define array of tables [[%s]]: '%s' is already a table (defined at "
                             "%d:%d)",
                             path, path, v->line, v->col);
        if (last) {
            if (v->flags & TF_DEFINED)
                return sg_toml__fail(p, kp->pos, SG_ERR_PARSE, "table [%s] is defined twice (first at %d:%d)",
                                 path, v->line, v->col);
            if (v->flags & TF_DOTTED)
                return sg_toml__fail(p, kp->pos, SG_ERR_PARSE,
                                 "table [%s] is already defined by dotted keys (at %d:%d)", path, e->line,
                                 e->col);
            v->flags = (uint8_t)((v->flags & ~TF_IMPLICIT) | TF_DEFINED);
            sg_toml__pos_lc(p, at, &v->line, &v->col);
        }
        t = v;
    }
    *cur = t;
    return 0;
}

static int parse_document(toml_parser *p)
{
    sg_toml_value *cur = p->doc->root;
    for (;;) {
        skip_ws(p);
        if (p->pos >= p->len)
            break;
        char c = p->buf[p->pos];
        if (c == '[') {
            if (parse_header(p, &cur) < 0 || end_of_line(p, "a table header") < 0)
                return -1;
        } else if (c == '#' || c == '\n' || c == '\r') {
            if (end_of_line(p, "a comment") < 0)
                return -1;
        } else if (parse_keyval(p, cur) < 0 || end_of_line(p, "a key/value pair") < 0) {
            return -1;
        }
    }
    if (p->bad_utf8 != SIZE_MAX)
        return sg_toml__fail(p, p->bad_utf8, SG_ERR_PARSE, "invalid UTF-8");
    return 0;
}

/* ---- entry points ---- */

sg_status sg_toml_parse(const char *buf, size_t len, const char *source, sg_toml_doc **out,
                        sg_error *err)
{
    if (!source)
        source = "<string>";
    if (!out || (!buf && len))
        return sg_error_set(err, SG_ERR_INVALID, "%s: sg_toml_parse: NULL argument", source);
    *out = NULL;
    if (len > SG_TOML_MAX_INPUT)
        return sg_error_set(err, SG_ERR_LIMIT, "%s:1:1: input is %zu bytes, above the limit of %zu bytes",
                            source, len, SG_TOML_MAX_INPUT);
    if (!buf)
        buf = "";
    sg_toml_doc *doc = calloc(1, sizeof *doc);
    if (!doc)
        return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
    doc->next_chunk = ARENA_FIRST_CHUNK;
    doc->source = malloc(strlen(source) + 1);
    if (!doc->source) {
        free(doc);
        return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
    }
    strcpy(doc->source, source);
    toml_parser p = {0};
    p.buf = buf;
    p.len = len;
    p.doc = doc;
    p.err = err;
    p.line = 1;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        p.base = p.pos = 3;
    p.line_start = p.cc_pos = p.base;
    p.cc_col = 1;
    p.bad_utf8 = sg_toml__utf8_first_bad((const unsigned char *)buf, len);
    /* scratch buffers exist from the start so empty keys/strings have storage */
    if (sg_toml__grow((void **)&p.sbuf, &p.scap, 1, 1) < 0 || sg_toml__grow((void **)&p.kbuf, &p.kcap, 1, 1) < 0)
        sg_toml__oom(&p);
    else
        doc->root = new_value(&p, p.base, SG_TOML_TABLE, TF_DEFINED);
    if (doc->root)
        parse_document(&p);
    free(p.sbuf);
    free(p.kbuf);
    free(p.parts);
    if (p.failed) {
        sg_toml_destroy(doc);
        return p.status;
    }
    sg_error_clear(err);
    *out = doc;
    return SG_OK;
}

sg_status sg_toml_parse_stream(FILE *fp, const char *source, sg_toml_doc **out, sg_error *err)
{
    if (!source)
        source = "<stream>";
    if (out)
        *out = NULL;
    if (!fp || !out)
        return sg_error_set(err, SG_ERR_INVALID, "%s: sg_toml_parse_stream: NULL argument", source);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + STREAM_READ_CHUNK > cap) {
            size_t nc = cap ? cap * 2 : STREAM_READ_CHUNK;
            if (nc > SG_TOML_MAX_INPUT + STREAM_READ_CHUNK)
                nc = SG_TOML_MAX_INPUT + STREAM_READ_CHUNK;
            char *nb = realloc(buf, nc);
            if (!nb) {
                free(buf);
                return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
            }
            buf = nb;
            cap = nc;
        }
        size_t want = cap - len;
        size_t r = fread(buf + len, 1, want, fp);
        len += r;
        if (len > SG_TOML_MAX_INPUT) {
            free(buf);
            return sg_error_set(err, SG_ERR_LIMIT, "%s:1:1: input is larger than the limit of %zu bytes",
                                source, SG_TOML_MAX_INPUT);
        }
        if (r < want) {
            if (ferror(fp)) {
                free(buf);
                return sg_error_set(err, SG_ERR_IO, "%s: read error", source);
            }
            break;
        }
    }
    sg_status st = sg_toml_parse(buf, len, source, out, err);
    free(buf);
    return st;
}

sg_status sg_toml_parse_file(const char *path, sg_toml_doc **out, sg_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return sg_error_set(err, SG_ERR_INVALID, "sg_toml_parse_file: NULL argument");
    char *buf = NULL;
    size_t len = 0;
    sg_status st = sg_file_read(path, SG_TOML_MAX_INPUT, &buf, &len, err);
    if (st == SG_OK)
        st = sg_toml_parse(buf, len, path, out, err);
    free(buf);
    return st;
}
