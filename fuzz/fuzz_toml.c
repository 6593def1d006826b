/* fuzz_toml.c — libFuzzer target for the TOML reader: parse arbitrary bytes,
 * then walk the tree through every accessor and lookup helper. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "io/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const sg_toml_value *v, int depth)
{
    size_t n = 1;
    if (depth > 3 * SG_TOML_MAX_DEPTH + 8)
        __builtin_trap(); /* the tree must stay within the documented depth */
    (void)sg_toml_line(v);
    (void)sg_toml_col(v);
    (void)sg_toml_type_name(sg_toml_type_of(v));
    switch (sg_toml_type_of(v)) {
    case SG_TOML_TABLE:
        for (size_t i = 0; i < sg_toml_table_size(v); i++) {
            const char *k = sg_toml_table_key(v, i);
            const sg_toml_value *c = sg_toml_table_value(v, i);
            if (!k || !c)
                __builtin_trap();
            if (strlen(k) > 0 && sg_toml_table_get(v, k) == NULL)
                __builtin_trap();
            sg_error err;
            double d;
            int64_t i64;
            bool b;
            const char *s;
            const sg_toml_value *t;
            sg_toml_get_float(v, k, true, &d, NULL, &err);
            sg_toml_get_integer(v, k, true, &i64, NULL, &err);
            sg_toml_get_bool(v, k, true, &b, NULL, &err);
            sg_toml_get_string(v, k, true, &s, NULL, &err);
            sg_toml_get_table(v, k, true, &t, NULL, &err);
            sg_toml_get_array(v, k, true, &t, NULL, &err);
            sg_toml_error_at_key(&err, SG_ERR_INVALID, v, i, "key %s", k);
            n += walk(c, depth + 1);
        }
        break;
    case SG_TOML_ARRAY:
        for (size_t i = 0; i < sg_toml_array_size(v); i++)
            n += walk(sg_toml_array_at(v, i), depth + 1);
        break;
    case SG_TOML_STRING: {
        size_t len;
        const char *s = sg_toml_string(v, &len);
        if (!s || s[len] != '\0')
            __builtin_trap();
        break;
    }
    default:
        break;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sg_toml_doc *doc = NULL;
    sg_error err;
    sg_status st = sg_toml_parse((const char *)data, size, "fuzz", &doc, &err);
    if (st == SG_OK) {
        walk(sg_toml_root(doc), 0);
        sg_error e2;
        sg_toml_get_integer(sg_toml_root(doc), "missing", true, NULL, NULL, &e2);
    } else if (doc || strncmp(err.msg, "fuzz:", 5) != 0) {
        __builtin_trap(); /* failures give no document and a positioned message */
    }
    sg_toml_destroy(doc);
    return 0;
}
