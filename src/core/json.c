/* json.c — JSON building and reading on cJSON (json.h). */
#include "core/json.h"

#include "core/num.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- building ---------------------------------------------------------- */

cJSON *sg_json_build_begin(sg_json_builder *b)
{
    b->failed = false;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        b->failed = true;
    return root;
}

sg_status sg_json_build_end(sg_json_builder *b, cJSON *root, const char *what, cJSON **out,
                            sg_error *err)
{
    *out = NULL;
    if (b->failed || !root) {
        cJSON_Delete(root);
        return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory building the JSON document",
                            what ? what : "JSON");
    }
    *out = root;
    return SG_OK;
}

void sg_json_add(sg_json_builder *b, cJSON *parent, const char *key, cJSON *item)
{
    bool ok = false;
    if (item && parent) {
        if (cJSON_IsArray(parent))
            ok = cJSON_AddItemToArray(parent, item);
        else if (key)
            ok = cJSON_AddItemToObject(parent, key, item);
    }
    if (!ok) {
        cJSON_Delete(item);
        b->failed = true;
    }
}

/* Add the new container c; return it, or NULL when it (or its parent) failed. */
static cJSON *add_container(sg_json_builder *b, cJSON *parent, const char *key, cJSON *c)
{
    bool before = b->failed;
    b->failed = false;
    sg_json_add(b, parent, key, c);
    bool now = b->failed;
    b->failed = before || now;
    return now ? NULL : c;
}

cJSON *sg_json_object(sg_json_builder *b, cJSON *parent, const char *key)
{
    return add_container(b, parent, key, cJSON_CreateObject());
}

cJSON *sg_json_array(sg_json_builder *b, cJSON *parent, const char *key)
{
    return add_container(b, parent, key, cJSON_CreateArray());
}

static cJSON *number(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

void sg_json_number(sg_json_builder *b, cJSON *parent, const char *key, double v)
{
    sg_json_add(b, parent, key, number(v));
}

void sg_json_count(sg_json_builder *b, cJSON *parent, const char *key, size_t v)
{
    sg_json_add(b, parent, key, cJSON_CreateNumber((double)v));
}

void sg_json_string(sg_json_builder *b, cJSON *parent, const char *key, const char *s)
{
    sg_json_add(b, parent, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

void sg_json_bool(sg_json_builder *b, cJSON *parent, const char *key, bool v)
{
    sg_json_add(b, parent, key, cJSON_CreateBool(v));
}

void sg_json_null(sg_json_builder *b, cJSON *parent, const char *key)
{
    sg_json_add(b, parent, key, cJSON_CreateNull());
}

void sg_json_number_or_reason(sg_json_builder *b, cJSON *parent, const char *key, double v,
                              const char *why)
{
    if (!why) {
        sg_json_number(b, parent, key, v);
        return;
    }
    char k[SG_JSON_PATH_MAX];
    int w = snprintf(k, sizeof k, "%s_reason", key ? key : "");
    sg_json_null(b, parent, key);
    if (w < 0 || (size_t)w >= sizeof k)
        b->failed = true;
    else
        sg_json_string(b, parent, k, why);
}

void sg_json_numbers(sg_json_builder *b, cJSON *parent, const char *key, const double *v,
                     size_t n)
{
    cJSON *a = sg_json_array(b, parent, key);
    for (size_t i = 0; a && i < n; i++)
        sg_json_add(b, a, NULL, number(v[i]));
}

static cJSON *exact(double v)
{
    if (isnan(v))
        return cJSON_CreateString("nan");
    if (isinf(v))
        return cJSON_CreateString(v > 0 ? "inf" : "-inf");
    char buf[40];
    sg_num_snprintf(buf, sizeof buf, "%.17g", v);
    return cJSON_CreateRaw(buf);
}

void sg_json_exact(sg_json_builder *b, cJSON *parent, const char *key, double v)
{
    sg_json_add(b, parent, key, exact(v));
}

void sg_json_exacts(sg_json_builder *b, cJSON *parent, const char *key, const double *v,
                    size_t n)
{
    cJSON *a = sg_json_array(b, parent, key);
    for (size_t i = 0; a && i < n; i++)
        sg_json_add(b, a, NULL, exact(v[i]));
}

void sg_json_u64(sg_json_builder *b, cJSON *parent, const char *key, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    sg_json_add(b, parent, key, cJSON_CreateString(buf));
}

sg_status sg_json_print(const cJSON *root, bool pretty, bool newline, char **text, size_t *len,
                        sg_error *err)
{
    *text = NULL;
    if (len)
        *len = 0;
    char *s = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
    size_t n = s ? strlen(s) : 0;
    char *t = s ? malloc(n + 2) : NULL;
    if (t) {
        memcpy(t, s, n);
        if (newline)
            t[n++] = '\n';
        t[n] = '\0';
    }
    cJSON_free(s);
    if (!t)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory printing a JSON document");
    *text = t;
    if (len)
        *len = n;
    return SG_OK;
}

/* ---- reading ----------------------------------------------------------- */

sg_status sg_json_parse(const char *text, size_t len, const char *source, const char *what,
                        cJSON **root, sg_error *err)
{
    *root = NULL;
    source = source ? source : "<json>";
    what = what ? what : "JSON document";
    const char *nul = memchr(text, '\0', len);
    if (nul) /* cJSON would keep the string before it: "thick<NUL>ness" read as "thick" */
        return sg_error_set(err, SG_ERR_PARSE, "%s: not a valid %s (NUL byte at byte %zu)",
                            source, what, (size_t)(nul - text));
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (!j) {
        size_t off = end && end >= text ? (size_t)(end - text) : 0;
        return sg_error_set(err, SG_ERR_PARSE,
                            "%s: not a valid %s (JSON syntax error or truncated file near byte "
                            "%zu)",
                            source, what, off);
    }
    *root = j;
    return SG_OK;
}

sg_json_at sg_json_root(const cJSON *root)
{
    sg_json_at a;
    a.node = root;
    a.path[0] = '\0';
    return a;
}

/* dst = base + suffix, "..." at the end when it does not fit. */
static void path_join(char *dst, const char *base, const char *sep, const char *name)
{
    int w = snprintf(dst, SG_JSON_PATH_MAX, "%s%s%s", base, *base ? sep : "", name);
    if (w < 0 || w >= SG_JSON_PATH_MAX)
        memcpy(dst + SG_JSON_PATH_MAX - 4, "...", 4);
}

bool sg_json_fail(sg_json_reader *r, const sg_json_at *at, const char *fmt, ...)
{
    if (r->st != SG_OK)
        return false;
    char msg[SG_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    if (sg_num_vsnprintf(msg, sizeof msg, fmt, ap) < 0)
        msg[0] = '\0';
    va_end(ap);
    sg_status st = r->status != SG_OK ? r->status : SG_ERR_INVALID;
    if (at && at->path[0])
        r->st = sg_error_set(r->err, st, "%s: %s: %s", r->source, at->path, msg);
    else
        r->st = sg_error_set(r->err, st, "%s: %s", r->source, msg);
    return false;
}

bool sg_json_has(const sg_json_at *at, const char *key, sg_json_at *out)
{
    const cJSON *v = cJSON_IsObject(at->node) ? cJSON_GetObjectItemCaseSensitive(at->node, key)
                                               : NULL;
    if (!v)
        return false;
    out->node = v;
    path_join(out->path, at->path, ".", key);
    return true;
}

bool sg_json_key(sg_json_reader *r, const sg_json_at *at, const char *key, sg_json_at *out)
{
    if (!cJSON_IsObject(at->node))
        return sg_json_fail(r, at, "expected an object");
    if (sg_json_has(at, key, out))
        return true;
    sg_json_at miss;
    miss.node = NULL;
    path_join(miss.path, at->path, ".", key);
    return sg_json_fail(r, &miss, "missing");
}

bool sg_json_array_at(sg_json_reader *r, const sg_json_at *at, size_t *n)
{
    if (!cJSON_IsArray(at->node))
        return sg_json_fail(r, at, "expected an array");
    *n = (size_t)cJSON_GetArraySize(at->node);
    return true;
}

void sg_json_item(const sg_json_at *arr, const sg_json_at *prev, size_t i, sg_json_at *out)
{
    out->node = prev ? (prev->node ? prev->node->next : NULL) : arr->node->child;
    char idx[32];
    snprintf(idx, sizeof idx, "[%zu]", i);
    path_join(out->path, arr->path, "", idx);
    if (!arr->path[0]) /* "[3]" at the root */
        snprintf(out->path, SG_JSON_PATH_MAX, "%s", idx);
}

bool sg_json_get_number(sg_json_reader *r, const sg_json_at *at, const char *key, double *out)
{
    sg_json_at v;
    if (!sg_json_key(r, at, key, &v))
        return false;
    if (!cJSON_IsNumber(v.node) || !isfinite(v.node->valuedouble))
        return sg_json_fail(r, &v, "expected a finite number");
    *out = v.node->valuedouble;
    return true;
}

/* A number, or the string "nan" / "inf" / "-inf". */
static bool exact_value(const cJSON *x, double *out)
{
    if (cJSON_IsNumber(x)) {
        *out = x->valuedouble;
        return true;
    }
    if (!cJSON_IsString(x))
        return false;
    if (strcmp(x->valuestring, "nan") == 0)
        *out = NAN;
    else if (strcmp(x->valuestring, "inf") == 0)
        *out = INFINITY;
    else if (strcmp(x->valuestring, "-inf") == 0)
        *out = -INFINITY;
    else
        return false;
    return true;
}

bool sg_json_get_exact(sg_json_reader *r, const sg_json_at *at, const char *key, double *out)
{
    sg_json_at v;
    if (!sg_json_key(r, at, key, &v))
        return false;
    if (!exact_value(v.node, out))
        return sg_json_fail(r, &v, "expected a number (or \"nan\", \"inf\", \"-inf\")");
    return true;
}

bool sg_json_get_size(sg_json_reader *r, const sg_json_at *at, const char *key, size_t max,
                      size_t *out)
{
    sg_json_at v;
    if (!sg_json_key(r, at, key, &v))
        return false;
    double d = cJSON_IsNumber(v.node) ? v.node->valuedouble : -1;
    if (!(d >= 0) || d != floor(d) || d > (double)max)
        return sg_json_fail(r, &v, "expected an integer from 0 to %zu", max);
    *out = (size_t)d;
    return true;
}

bool sg_json_get_bool(sg_json_reader *r, const sg_json_at *at, const char *key, bool *out)
{
    sg_json_at v;
    if (!sg_json_key(r, at, key, &v))
        return false;
    if (!cJSON_IsBool(v.node))
        return sg_json_fail(r, &v, "expected true or false");
    *out = cJSON_IsTrue(v.node);
    return true;
}

const char *sg_json_get_string(sg_json_reader *r, const sg_json_at *at, const char *key)
{
    sg_json_at v;
    if (!sg_json_key(r, at, key, &v))
        return NULL;
    if (!cJSON_IsString(v.node)) {
        sg_json_fail(r, &v, "expected a string");
        return NULL;
    }
    return v.node->valuestring;
}

bool sg_json_get_u64(sg_json_reader *r, const sg_json_at *at, const char *key, uint64_t *out)
{
    sg_json_at v;
    if (!sg_json_key(r, at, key, &v))
        return false;
    const char *s = cJSON_IsString(v.node) ? v.node->valuestring : NULL;
    char *end = NULL;
    errno = 0;
    unsigned long long x = s ? strtoull(s, &end, 10) : 0;
    if (!s || *s < '0' || *s > '9' || *end || errno)
        return sg_json_fail(r, &v, "expected an unsigned integer in a string");
    *out = (uint64_t)x;
    return true;
}

static bool get_array_of(sg_json_reader *r, const sg_json_at *at, const char *key, double *dst,
                         size_t n, bool allow_nonfinite)
{
    sg_json_at a;
    if (!sg_json_key(r, at, key, &a))
        return false;
    const char *what = allow_nonfinite ? "numbers" : "finite numbers";
    if (!cJSON_IsArray(a.node))
        return sg_json_fail(r, &a, "expected an array of %zu %s", n, what);
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a.node)
    {
        double x = 0;
        bool ok = allow_nonfinite ? exact_value(e, &x) : cJSON_IsNumber(e) && isfinite(e->valuedouble);
        if (!allow_nonfinite && ok)
            x = e->valuedouble;
        if (i >= n || !ok) {
            if (i < n) {
                sg_json_at bad;
                char idx[32];
                snprintf(idx, sizeof idx, "[%zu]", i);
                bad.node = e;
                path_join(bad.path, a.path, "", idx);
                return sg_json_fail(r, &bad, "expected a %s", allow_nonfinite ? "number" : "finite number");
            }
            return sg_json_fail(r, &a, "expected an array of %zu %s, found more", n, what);
        }
        dst[i++] = x;
    }
    if (i != n)
        return sg_json_fail(r, &a, "expected an array of %zu %s, found %zu", n, what, i);
    return true;
}

bool sg_json_get_numbers(sg_json_reader *r, const sg_json_at *at, const char *key, double *dst,
                         size_t n)
{
    return get_array_of(r, at, key, dst, n, false);
}

bool sg_json_get_exacts(sg_json_reader *r, const sg_json_at *at, const char *key, double *dst,
                        size_t n)
{
    return get_array_of(r, at, key, dst, n, true);
}
