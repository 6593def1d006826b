/* toml_json.c — toml-test tagged JSON rendering of a TOML tree.  Written by
 * hand, not with cJSON: keys and strings may contain U+0000, which a
 * NUL-terminated cJSON string would cut short. */
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/toml_json.h"
#include "core/num.h"

#define FLOAT_MAX_DIGITS 17     /* %.17g always round-trips an IEEE double */
#define FLOAT_PLAIN_MIN_EXP (-5) /* decimal exponents printed without 'e' */
#define FLOAT_PLAIN_MAX_EXP 16

const char *sg_toml_json_format_float(double x, char *buf, size_t size)
{
    if (isnan(x)) {
        snprintf(buf, size, "nan");
        return buf;
    }
    if (isinf(x)) {
        snprintf(buf, size, x < 0 ? "-inf" : "inf");
        return buf;
    }
    int prec = 1;
    for (; prec < FLOAT_MAX_DIGITS; prec++) {
        sg_num_snprintf(buf, size, "%.*e", prec - 1, x);
        if (sg_num_parse(buf, NULL) == x)
            break;
    }
    /* buf is d.ddde±XX with prec significant digits; plain notation for
     * moderate magnitudes reads better ("100.0", not "1e+02") */
    int e10 = atoi(strchr(buf, 'e') + 1);
    if (x != 0.0 && e10 >= FLOAT_PLAIN_MIN_EXP && e10 < FLOAT_PLAIN_MAX_EXP) {
        int dec = prec - 1 - e10;
        sg_num_snprintf(buf, size, "%.*f", dec > 0 ? dec : 0, x);
    } else {
        sg_num_snprintf(buf, size, "%.*g", prec, x);
    }
    if (!strpbrk(buf, ".eEn")) {
        size_t n = strlen(buf);
        if (n + 3 <= size)
            memcpy(buf + n, ".0", 3);
    }
    return buf;
}

const char *sg_toml_json_format_datetime(const sg_toml_datetime *dt, sg_toml_type t, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
#define PUT(...)                                                                                           \
    do {                                                                                                   \
        int w_ = snprintf(buf + o, size - o, __VA_ARGS__);                                                 \
        if (w_ < 0 || (size_t)w_ >= size - o)                                                              \
            return buf;                                                                                    \
        o += (size_t)w_;                                                                                   \
    } while (0)
    if (t != SG_TOML_TIME_LOCAL)
        PUT("%04d-%02d-%02d", dt->year, dt->month, dt->day);
    if (t == SG_TOML_DATE_LOCAL)
        return buf;
    if (t != SG_TOML_TIME_LOCAL)
        PUT("T");
    PUT("%02d:%02d:%02d", dt->hour, dt->minute, dt->second);
    if (dt->frac_digits > 0) {
        char ns[10];
        snprintf(ns, sizeof ns, "%09d", dt->nanosecond);
        int nd = dt->frac_digits < 9 ? dt->frac_digits : 9;
        PUT(".%.*s", nd, ns);
    }
    if (t == SG_TOML_DATETIME) {
        if (dt->offset_is_z)
            PUT("Z");
        else {
            int m = dt->offset_minutes < 0 ? -dt->offset_minutes : dt->offset_minutes;
            PUT("%c%02d:%02d", dt->offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
        }
    }
#undef PUT
    return buf;
}

/* Growing output buffer; ok turns false on the first allocation failure. */
typedef struct jbuf {
    char *p;
    size_t len, cap;
    bool ok;
} jbuf;

static void put(jbuf *b, const char *s, size_t n)
{
    if (!b->ok)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->ok = false;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void put_s(jbuf *b, const char *s) { put(b, s, strlen(s)); }

/* A JSON string of n bytes of s (UTF-8 passed through; '"', '\\' and
 * control characters escaped as cJSON does, U+0000 as \u0000). */
static void put_str(jbuf *b, const char *s, size_t n)
{
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        const char *e = NULL;
        switch (c) {
        case '"': e = "\\\""; break;
        case '\\': e = "\\\\"; break;
        case '\b': e = "\\b"; break;
        case '\f': e = "\\f"; break;
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\t': e = "\\t"; break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", (unsigned)c);
                e = esc;
            }
        }
        if (e)
            put_s(b, e);
        else
            put(b, s + i, 1);
    }
    put(b, "\"", 1);
}

static void tagged(jbuf *b, const char *type, const char *value, size_t n)
{
    put_s(b, "{\"type\":");
    put_str(b, type, strlen(type));
    put_s(b, ",\"value\":");
    put_str(b, value, n);
    put_s(b, "}");
}

static void render(jbuf *b, const sg_toml_value *v)
{
    char buf[64];
    size_t n = 0;
    sg_toml_type t = sg_toml_type_of(v);
    switch (t) {
    case SG_TOML_TABLE:
        put_s(b, "{");
        for (size_t i = 0; i < sg_toml_table_size(v); i++) {
            if (i)
                put_s(b, ",");
            put_str(b, sg_toml_table_key(v, i), sg_toml_table_key_len(v, i));
            put_s(b, ":");
            render(b, sg_toml_table_value(v, i));
        }
        put_s(b, "}");
        return;
    case SG_TOML_ARRAY:
        put_s(b, "[");
        for (size_t i = 0; i < sg_toml_array_size(v); i++) {
            if (i)
                put_s(b, ",");
            render(b, sg_toml_array_at(v, i));
        }
        put_s(b, "]");
        return;
    case SG_TOML_STRING: {
        const char *s = sg_toml_string(v, &n);
        tagged(b, "string", s, n);
        return;
    }
    case SG_TOML_INTEGER:
        snprintf(buf, sizeof buf, "%lld", (long long)sg_toml_integer(v));
        tagged(b, "integer", buf, strlen(buf));
        return;
    case SG_TOML_FLOAT:
        sg_toml_json_format_float(sg_toml_float(v), buf, sizeof buf);
        tagged(b, "float", buf, strlen(buf));
        return;
    case SG_TOML_BOOL:
        tagged(b, "bool", sg_toml_bool(v) ? "true" : "false", sg_toml_bool(v) ? 4 : 5);
        return;
    case SG_TOML_DATETIME:
    case SG_TOML_DATETIME_LOCAL:
    case SG_TOML_DATE_LOCAL:
    case SG_TOML_TIME_LOCAL: {
        const char *name = t == SG_TOML_DATETIME         ? "datetime"
                           : t == SG_TOML_DATETIME_LOCAL ? "datetime-local"
                           : t == SG_TOML_DATE_LOCAL     ? "date-local"
                                                         : "time-local";
        sg_toml_json_format_datetime(sg_toml_datetime_of(v), t, buf, sizeof buf);
        tagged(b, name, buf, strlen(buf));
        return;
    }
    }
}

sg_status sg_toml_json_tagged(const sg_toml_value *v, char **out, sg_error *err)
{
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "sg_toml_json_tagged: NULL argument");
    *out = NULL;
    jbuf b = {NULL, 0, 0, true};
    render(&b, v);
    if (!b.ok || !b.p) {
        free(b.p);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory while rendering JSON");
    }
    *out = b.p;
    return SG_OK;
}
