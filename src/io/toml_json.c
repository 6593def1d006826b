/* toml_json.c — toml-test tagged JSON rendering of a TOML tree (cJSON). */
#include <cJSON.h>
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

static cJSON *tagged(const char *type, const char *value)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    if (!cJSON_AddStringToObject(o, "type", type) || !cJSON_AddStringToObject(o, "value", value)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *render(const sg_toml_value *v)
{
    char buf[64];
    sg_toml_type t = sg_toml_type_of(v);
    switch (t) {
    case SG_TOML_TABLE: {
        cJSON *o = cJSON_CreateObject();
        if (!o)
            return NULL;
        for (size_t i = 0; i < sg_toml_table_size(v); i++) {
            cJSON *c = render(sg_toml_table_value(v, i));
            if (!c) {
                cJSON_Delete(o);
                return NULL;
            }
            cJSON_AddItemToObject(o, sg_toml_table_key(v, i), c);
        }
        return o;
    }
    case SG_TOML_ARRAY: {
        cJSON *a = cJSON_CreateArray();
        if (!a)
            return NULL;
        for (size_t i = 0; i < sg_toml_array_size(v); i++) {
            cJSON *c = render(sg_toml_array_at(v, i));
            if (!c) {
                cJSON_Delete(a);
                return NULL;
            }
            cJSON_AddItemToArray(a, c);
        }
        return a;
    }
    case SG_TOML_STRING:
        return tagged("string", sg_toml_string(v, NULL));
    case SG_TOML_INTEGER:
        snprintf(buf, sizeof buf, "%lld", (long long)sg_toml_integer(v));
        return tagged("integer", buf);
    case SG_TOML_FLOAT:
        return tagged("float", sg_toml_json_format_float(sg_toml_float(v), buf, sizeof buf));
    case SG_TOML_BOOL:
        return tagged("bool", sg_toml_bool(v) ? "true" : "false");
    case SG_TOML_DATETIME:
        return tagged("datetime", sg_toml_json_format_datetime(sg_toml_datetime_of(v), t, buf, sizeof buf));
    case SG_TOML_DATETIME_LOCAL:
        return tagged("datetime-local", sg_toml_json_format_datetime(sg_toml_datetime_of(v), t, buf, sizeof buf));
    case SG_TOML_DATE_LOCAL:
        return tagged("date-local", sg_toml_json_format_datetime(sg_toml_datetime_of(v), t, buf, sizeof buf));
    case SG_TOML_TIME_LOCAL:
        return tagged("time-local", sg_toml_json_format_datetime(sg_toml_datetime_of(v), t, buf, sizeof buf));
    }
    return NULL;
}

sg_status sg_toml_json_tagged(const sg_toml_value *v, char **out, sg_error *err)
{
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "sg_toml_json_tagged: NULL argument");
    *out = NULL;
    cJSON *j = render(v);
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    if (!text)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory while rendering JSON");
    size_t n = strlen(text);
    *out = malloc(n + 1);
    if (*out)
        memcpy(*out, text, n + 1);
    cJSON_free(text);
    if (!*out)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory while rendering JSON");
    return SG_OK;
}
