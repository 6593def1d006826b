/* test_toml.c — TOML 1.0.0 reader: values, syntax forms, error positions,
 * redefinition rules, limits, lookup helpers and the conformance decoder. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/toml.h"
#include "io/toml_json.h"
#include "table_test.h"

/* Parse src (NUL-terminated) and return its tagged JSON, or NULL with err set. */
static char *to_json(const char *src, size_t len, sg_error *err)
{
    sg_toml_doc *doc = NULL;
    if (sg_toml_parse(src, len, "t.toml", &doc, err) != SG_OK)
        return NULL;
    char *json = NULL;
    sg_toml_json_tagged(sg_toml_root(doc), &json, err);
    sg_toml_destroy(doc);
    return json;
}

/* ------------------------------------------------------------------------
 * Scalars: "v = SRC" must give {"v": {"type": TYPE, "value": VALUE}}.
 */
typedef struct {
    const char *src, *type, *value;
} scalar_case;

static const scalar_case scalar_cases[] = {
    /* basic strings and escapes */
    {"\"hello\"", "string", "hello"},
    {"\"\"", "string", ""},
    {"\"a\\tb\"", "string", "a\tb"},
    {"\"\\b\\t\\n\\f\\r\\\"\\\\\"", "string", "\b\t\n\f\r\"\\"},
    {"\"\\u00E9t\\u00e9\"", "string", "\xC3\xA9t\xC3\xA9"},
    {"\"\\U0001F600\"", "string", "\xF0\x9F\x98\x80"},
    {"\"\\u007F\\u0080\\u07FF\\u0800\\uFFFF\"", "string", "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF"},
    {"\"\\U0010FFFF\"", "string", "\xF4\x8F\xBF\xBF"},
    {"\"tab\tinside\"", "string", "tab\tinside"},
    {"\"\xE6\x97\xA5\xE6\x9C\xAC \xC2\xB5m\"", "string", "\xE6\x97\xA5\xE6\x9C\xAC \xC2\xB5m"},
    {"\"# not a comment\"", "string", "# not a comment"},
    {"\"it's\"", "string", "it's"},
    /* literal strings */
    {"'C:\\Users\\nodejs'", "string", "C:\\Users\\nodejs"},
    {"''", "string", ""},
    {"'say \"hi\"'", "string", "say \"hi\""},
    {"'\\u00E9'", "string", "\\u00E9"},
    {"'tab\there'", "string", "tab\there"},
    /* multi-line basic strings */
    {"\"\"\"\nabc\"\"\"", "string", "abc"},
    {"\"\"\"abc\"\"\"", "string", "abc"},
    {"\"\"\"\r\na\r\nb\"\"\"", "string", "a\nb"},
    {"\"\"\"\n\nx\n\"\"\"", "string", "\nx\n"},
    {"\"\"\"a \\\n   b\"\"\"", "string", "a b"},
    {"\"\"\"a\\   \n  b\"\"\"", "string", "ab"},
    {"\"\"\"a\\\t\r\n\r\n\n  \t b\"\"\"", "string", "ab"},
    {"\"\"\"a\\\n\"\"\"", "string", "a"},
    {"\"\"\"a\"b\"\"c\"\"\"", "string", "a\"b\"\"c"},
    {"\"\"\"a\"\"\"\"", "string", "a\""},
    {"\"\"\"a\"\"\"\"\"", "string", "a\"\""},
    {"\"\"\"\"a\"\"\"", "string", "\"a"},
    {"\"\"\"\"\"\"", "string", ""},
    {"\"\"\"\n\"\"\"", "string", ""},
    {"\"\"\"\\u0041\\t\\\\\"\"\"", "string", "A\t\\"},
    {"\"\"\"x\ty\"\"\"", "string", "x\ty"},
    /* multi-line literal strings */
    {"'''\nx\\n'''", "string", "x\\n"},
    {"'''a\nb'''", "string", "a\nb"},
    {"''''a'''''", "string", "'a''"},
    {"'''a''b'''", "string", "a''b"},
    {"''''''", "string", ""},
    {"'''\r\nwin\r\n'''", "string", "win\n"},
    {"'''a \\\n b'''", "string", "a \\\n b"},
    /* integers */
    {"0", "integer", "0"},
    {"+0", "integer", "0"},
    {"-0", "integer", "0"},
    {"42", "integer", "42"},
    {"+17", "integer", "17"},
    {"-17", "integer", "-17"},
    {"1_000", "integer", "1000"},
    {"5_349_221", "integer", "5349221"},
    {"1_2_3_4_5", "integer", "12345"},
    {"9223372036854775807", "integer", "9223372036854775807"},
    {"-9223372036854775808", "integer", "-9223372036854775808"},
    {"+9223372036854775807", "integer", "9223372036854775807"},
    {"0xDEADBEEF", "integer", "3735928559"},
    {"0xdeadbeef", "integer", "3735928559"},
    {"0xdead_BEEF", "integer", "3735928559"},
    {"0x0", "integer", "0"},
    {"0x00ff", "integer", "255"},
    {"0x7FFFFFFFFFFFFFFF", "integer", "9223372036854775807"},
    {"0o01234567", "integer", "342391"},
    {"0o755", "integer", "493"},
    {"0o777_777", "integer", "262143"},
    {"0b11010110", "integer", "214"},
    {"0b0", "integer", "0"},
    {"0b1_0_1", "integer", "5"},
    {"0b0111111111111111111111111111111111111111111111111111111111111111", "integer",
     "9223372036854775807"},
    /* floats */
    {"+1.0", "float", "1.0"},
    {"3.1415", "float", "3.1415"},
    {"-0.01", "float", "-0.01"},
    {"5e+22", "float", "5e+22"},
    {"1e06", "float", "1000000.0"},
    {"-2E-2", "float", "-0.02"},
    {"6.626e-34", "float", "6.626e-34"},
    {"224_617.445_991_228", "float", "224617.445991228"},
    {"0.0", "float", "0.0"},
    {"-0.0", "float", "-0.0"},
    {"+0.0", "float", "0.0"},
    {"0e0", "float", "0.0"},
    {"1e-400", "float", "0.0"},
    {"1.7976931348623157e308", "float", "1.7976931348623157e+308"},
    {"0.1", "float", "0.1"},
    {"2.385", "float", "2.385"},
    {"1_0.2_5e1_0", "float", "102500000000.0"},
    {"inf", "float", "inf"},
    {"+inf", "float", "inf"},
    {"-inf", "float", "-inf"},
    {"nan", "float", "nan"},
    {"+nan", "float", "nan"},
    {"-nan", "float", "nan"},
    /* booleans */
    {"true", "bool", "true"},
    {"false", "bool", "false"},
    /* offset date-times */
    {"1979-05-27T07:32:00Z", "datetime", "1979-05-27T07:32:00Z"},
    {"1979-05-27t07:32:00z", "datetime", "1979-05-27T07:32:00Z"},
    {"1979-05-27 07:32:00Z", "datetime", "1979-05-27T07:32:00Z"},
    {"1979-05-27T00:32:00-07:00", "datetime", "1979-05-27T00:32:00-07:00"},
    {"1979-05-27T00:32:00+05:30", "datetime", "1979-05-27T00:32:00+05:30"},
    {"1979-05-27T00:32:00+00:00", "datetime", "1979-05-27T00:32:00+00:00"},
    {"1979-05-27T00:32:00.999999-07:00", "datetime", "1979-05-27T00:32:00.999999-07:00"},
    {"1979-05-27T00:32:00.5Z", "datetime", "1979-05-27T00:32:00.5Z"},
    {"1979-05-27T00:32:00.120Z", "datetime", "1979-05-27T00:32:00.120Z"},
    {"2000-02-29T23:59:60Z", "datetime", "2000-02-29T23:59:60Z"},
    {"0001-01-01T00:00:00Z", "datetime", "0001-01-01T00:00:00Z"},
    {"9999-12-31T23:59:59-23:59", "datetime", "9999-12-31T23:59:59-23:59"},
    /* local date-times */
    {"1979-05-27T07:32:00", "datetime-local", "1979-05-27T07:32:00"},
    {"1979-05-27 07:32:00", "datetime-local", "1979-05-27T07:32:00"},
    {"1979-05-27T00:32:00.999999", "datetime-local", "1979-05-27T00:32:00.999999"},
    {"1979-05-27T00:32:00.1234567891", "datetime-local", "1979-05-27T00:32:00.123456789"},
    /* local dates */
    {"1979-05-27", "date-local", "1979-05-27"},
    {"2000-02-29", "date-local", "2000-02-29"},
    {"2024-02-29", "date-local", "2024-02-29"},
    {"1900-02-28", "date-local", "1900-02-28"},
    {"2023-04-30", "date-local", "2023-04-30"},
    {"2023-12-31", "date-local", "2023-12-31"},
    {"2023-01-31", "date-local", "2023-01-31"},
    /* local times */
    {"07:32:00", "time-local", "07:32:00"},
    {"00:32:00.999999", "time-local", "00:32:00.999999"},
    {"23:59:59.5", "time-local", "23:59:59.5"},
    {"00:00:00", "time-local", "00:00:00"},
};

TableTest(scalar_cases, i, toml_values, scalar_table)
{
    {
        const scalar_case *c = &scalar_cases[i];
        char src[512], want[512];
        snprintf(src, sizeof src, "v = %s\n", c->src);
        sg_error err = {0};
        char *json = to_json(src, strlen(src), &err);
        cr_expect_not_null(json, "case %zu (%s): %s", i, c->src, err.msg);
        if (!json)
            return;
        /* expected JSON built with cJSON-compatible escaping of the value */
        char esc[400];
        size_t o = 0;
        for (const unsigned char *s = (const unsigned char *)c->value; *s && o + 8 < sizeof esc; s++) {
            switch (*s) {
            case '"': o += (size_t)sprintf(esc + o, "\\\""); break;
            case '\\': o += (size_t)sprintf(esc + o, "\\\\"); break;
            case '\b': o += (size_t)sprintf(esc + o, "\\b"); break;
            case '\f': o += (size_t)sprintf(esc + o, "\\f"); break;
            case '\n': o += (size_t)sprintf(esc + o, "\\n"); break;
            case '\r': o += (size_t)sprintf(esc + o, "\\r"); break;
            case '\t': o += (size_t)sprintf(esc + o, "\\t"); break;
            default:
                if (*s < 0x20)
                    o += (size_t)sprintf(esc + o, "\\u%04x", *s);
                else
                    esc[o++] = (char)*s;
            }
        }
        esc[o] = '\0';
        snprintf(want, sizeof want, "{\"v\":{\"type\":\"%s\",\"value\":\"%s\"}}", c->type, esc);
        cr_expect_str_eq(json, want, "case %zu (%s)", i, c->src);
        free(json);
    }
}

/* Exact numeric values through the C API. */
static const struct {
    const char *src;
    int64_t want;
} int_cases[] = {
    {"v = 9223372036854775807", INT64_MAX},     {"v = -9223372036854775808", INT64_MIN},
    {"v = -9223372036854775807", -INT64_MAX},   {"v = 0x7fffffffffffffff", INT64_MAX},
    {"v = 0o777777777777777777777", INT64_MAX}, {"v = -1_234_567", -1234567},
    {"v = 0b1000", 8},                          {"v = 0xCAFE", 51966},
};

TableTest(int_cases, i, toml_values, integers_exact)
{
    {
        sg_toml_doc *doc = NULL;
        sg_error err;
        cr_assert_eq(sg_toml_parse(int_cases[i].src, strlen(int_cases[i].src), NULL, &doc, &err), SG_OK, "%s: %s",
                     int_cases[i].src, err.msg);
        const sg_toml_value *v = sg_toml_table_get(sg_toml_root(doc), "v");
        cr_expect_eq(sg_toml_type_of(v), SG_TOML_INTEGER);
        cr_expect_eq(sg_toml_integer(v), int_cases[i].want, "%s", int_cases[i].src);
        cr_expect_eq(sg_toml_float(v), (double)int_cases[i].want);
        sg_toml_destroy(doc);
    }
}

static const struct {
    const char *src;
    double want;
} float_cases[] = {
    {"v = 2.385", 2.385},       {"v = -6.02e23", -6.02e23}, {"v = 1e-7", 1e-7},
    {"v = 0.1", 0.1},           {"v = 3_141.592_65", 3141.59265},
    {"v = 1E+2", 100.0},        {"v = 4.9e-324", 4.9e-324},
};

TableTest(float_cases, i, toml_values, floats_exact)
{
    {
        sg_toml_doc *doc = NULL;
        sg_error err;
        cr_assert_eq(sg_toml_parse(float_cases[i].src, strlen(float_cases[i].src), NULL, &doc, &err), SG_OK, "%s",
                     err.msg);
        const sg_toml_value *v = sg_toml_table_get(sg_toml_root(doc), "v");
        cr_expect_eq(sg_toml_type_of(v), SG_TOML_FLOAT);
        cr_expect_eq(sg_toml_float(v), float_cases[i].want, "%s", float_cases[i].src);
        sg_toml_destroy(doc);
    }
}

Test(toml_values, floats_special)
{
    sg_toml_doc *doc = NULL;
    cr_assert_eq(sg_toml_parse("a = -inf\nb = nan\nc = -0.0", 25, NULL, &doc, NULL), SG_OK);
    const sg_toml_value *r = sg_toml_root(doc);
    cr_expect(isinf(sg_toml_float(sg_toml_table_get(r, "a"))) && sg_toml_float(sg_toml_table_get(r, "a")) < 0);
    cr_expect(isnan(sg_toml_float(sg_toml_table_get(r, "b"))));
    cr_expect(signbit(sg_toml_float(sg_toml_table_get(r, "c"))));
    sg_toml_destroy(doc);
}

Test(toml_values, datetime_fields)
{
    const char *src = "a = 1979-05-27T00:32:00.999999-07:30\n"
                      "b = 2024-02-29 23:59:60.25z\n"
                      "c = 2000-02-29\n"
                      "d = 07:32:01.000000001\n"
                      "e = 1979-05-27T07:32:00\n";
    sg_toml_doc *doc = NULL;
    sg_error err;
    cr_assert_eq(sg_toml_parse(src, strlen(src), NULL, &doc, &err), SG_OK, "%s", err.msg);
    const sg_toml_value *r = sg_toml_root(doc);
    const sg_toml_datetime *a = sg_toml_datetime_of(sg_toml_table_get(r, "a"));
    cr_assert_not_null(a);
    cr_expect_eq(sg_toml_type_of(sg_toml_table_get(r, "a")), SG_TOML_DATETIME);
    cr_expect(a->year == 1979 && a->month == 5 && a->day == 27 && a->hour == 0 && a->minute == 32 &&
              a->second == 0);
    cr_expect_eq(a->nanosecond, 999999000);
    cr_expect_eq(a->frac_digits, 6);
    cr_expect_eq(a->offset_minutes, -(7 * 60 + 30));
    cr_expect(!a->offset_is_z);
    const sg_toml_datetime *b = sg_toml_datetime_of(sg_toml_table_get(r, "b"));
    cr_expect(b->offset_is_z && b->offset_minutes == 0 && b->second == 60 && b->nanosecond == 250000000);
    cr_expect_eq(sg_toml_type_of(sg_toml_table_get(r, "c")), SG_TOML_DATE_LOCAL);
    const sg_toml_datetime *c = sg_toml_datetime_of(sg_toml_table_get(r, "c"));
    cr_expect(c->year == 2000 && c->month == 2 && c->day == 29 && c->hour == 0 && c->frac_digits == 0);
    const sg_toml_datetime *d = sg_toml_datetime_of(sg_toml_table_get(r, "d"));
    cr_expect_eq(sg_toml_type_of(sg_toml_table_get(r, "d")), SG_TOML_TIME_LOCAL);
    cr_expect(d->year == 0 && d->hour == 7 && d->minute == 32 && d->second == 1 && d->nanosecond == 1);
    cr_expect_eq(sg_toml_type_of(sg_toml_table_get(r, "e")), SG_TOML_DATETIME_LOCAL);
    cr_expect_null(sg_toml_datetime_of(r));
    sg_toml_destroy(doc);
}

Test(toml_values, strings_with_nul_and_lengths)
{
    const char *src = "a = \"x\\u0000y\"\n\"k\\u0000\" = 1\nb = 'é'\n";
    sg_toml_doc *doc = NULL;
    sg_error err;
    cr_assert_eq(sg_toml_parse(src, strlen(src), NULL, &doc, &err), SG_OK, "%s", err.msg);
    const sg_toml_value *r = sg_toml_root(doc);
    size_t len = 0;
    const char *s = sg_toml_string(sg_toml_table_get(r, "a"), &len);
    cr_expect_eq(len, 3);
    cr_expect_eq(memcmp(s, "x\0y", 4), 0);
    cr_expect_eq(sg_toml_table_size(r), 3);
    cr_expect_str_eq(sg_toml_table_key(r, 1), "k"); /* key with NUL: C view stops at it */
    s = sg_toml_string(sg_toml_table_get(r, "b"), &len);
    cr_expect_eq(len, 2);
    cr_expect_str_eq(s, "\xC3\xA9");
    cr_expect_null(sg_toml_string(r, &len));
    cr_expect_eq(len, 0);
    sg_toml_destroy(doc);
}

/* ------------------------------------------------------------------------
 * Documents: structure and key forms, compared as compact tagged JSON.
 */
typedef struct {
    const char *src, *json;
} doc_case;

#define I(n) "{\"type\":\"integer\",\"value\":\"" #n "\"}"
#define S(s) "{\"type\":\"string\",\"value\":\"" s "\"}"
#define B(b) "{\"type\":\"bool\",\"value\":\"" #b "\"}"

static const doc_case doc_cases[] = {
    {"", "{}"},
    {"\n\n  \t\n", "{}"},
    {"# only a comment", "{}"},
    {"#c\n#c\r\n", "{}"},
    {"\xEF\xBB\xBF", "{}"},
    {"\xEF\xBB\xBF" "a = 1", "{\"a\":" I(1) "}"},
    {"a = 1", "{\"a\":" I(1) "}"},
    {"a=1", "{\"a\":" I(1) "}"},
    {"  a \t=\t 1  # trailing\n", "{\"a\":" I(1) "}"},
    {"a = 1\r\nb = 2\r\n", "{\"a\":" I(1) ",\"b\":" I(2) "}"},
    /* key forms */
    {"bare_key-1 = 1", "{\"bare_key-1\":" I(1) "}"},
    {"1234 = 1", "{\"1234\":" I(1) "}"},
    {"-- = 1", "{\"--\":" I(1) "}"},
    {"true = 1", "{\"true\":" I(1) "}"},
    {"inf = 1", "{\"inf\":" I(1) "}"},
    {"\"quoted key\" = 1", "{\"quoted key\":" I(1) "}"},
    {"\"\" = 1", "{\"\":" I(1) "}"},
    {"'' = 1", "{\"\":" I(1) "}"},
    {"'lit.key' = 1", "{\"lit.key\":" I(1) "}"},
    {"\"\\u00e9\" = 1", "{\"\xC3\xA9\":" I(1) "}"},
    {"\"a\\\"b\" = 1", "{\"a\\\"b\":" I(1) "}"},
    {"a.b.c = 1", "{\"a\":{\"b\":{\"c\":" I(1) "}}}"},
    {"a . b . c = 1", "{\"a\":{\"b\":{\"c\":" I(1) "}}}"},
    {"a.\"b.c\".'d' = 1", "{\"a\":{\"b.c\":{\"d\":" I(1) "}}}"},
    {"3.14 = 1", "{\"3\":{\"14\":" I(1) "}}"},
    {"a.b = 1\na.c = 2", "{\"a\":{\"b\":" I(1) ",\"c\":" I(2) "}}"},
    {"a.b.c = 1\na.b.d = 2\na.e = 3", "{\"a\":{\"b\":{\"c\":" I(1) ",\"d\":" I(2) "},\"e\":" I(3) "}}"},
    /* tables */
    {"[t]", "{\"t\":{}}"},
    {"[t]\na = 1", "{\"t\":{\"a\":" I(1) "}}"},
    {"[ t ]\na = 1", "{\"t\":{\"a\":" I(1) "}}"},
    {"[a.b.c]\nx = 1", "{\"a\":{\"b\":{\"c\":{\"x\":" I(1) "}}}}"},
    {"[ a . \"b c\" . 'd' ]", "{\"a\":{\"b c\":{\"d\":{}}}}"},
    {"[a.b]\n[a]\nx = 1", "{\"a\":{\"b\":{},\"x\":" I(1) "}}"},
    {"[a]\n[a.b]\n[a.c]", "{\"a\":{\"b\":{},\"c\":{}}}"},
    {"x = 1\n[a]\ny = 2\n[b]\nz = 3", "{\"x\":" I(1) ",\"a\":{\"y\":" I(2) "},\"b\":{\"z\":" I(3) "}}"},
    {"[a] # comment\nx = 1", "{\"a\":{\"x\":" I(1) "}}"},
    {"[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true",
     "{\"fruit\":{\"apple\":{\"color\":" S("red") ",\"taste\":{\"sweet\":" B(true) "},\"texture\":{\"smooth\":" B(
         true) "}}}}"},
    {"a.b = 1\n[a.c]\nx = 2", "{\"a\":{\"b\":" I(1) ",\"c\":{\"x\":" I(2) "}}}"},
    {"[a]\nb.c = 1\n[a.b.d]", "{\"a\":{\"b\":{\"c\":" I(1) ",\"d\":{}}}}"},
    /* arrays of tables */
    {"[[p]]\nx = 1\n[[p]]\nx = 2", "{\"p\":[{\"x\":" I(1) "},{\"x\":" I(2) "}]}"},
    {"[[p]]\n[[p]]\n[[p]]", "{\"p\":[{},{},{}]}"},
    {"[[ p ]]", "{\"p\":[{}]}"},
    {"[[a.b]]\nx = 1\n[a]\ny = 2", "{\"a\":{\"b\":[{\"x\":" I(1) "}],\"y\":" I(2) "}}"},
    {"[[f]]\nn = 1\n[f.sub]\nm = 2\n[[f]]\nn = 3",
     "{\"f\":[{\"n\":" I(1) ",\"sub\":{\"m\":" I(2) "}},{\"n\":" I(3) "}]}"},
    {"[[f]]\n[[f.g]]\nx = 1\n[[f.g]]\nx = 2\n[[f]]\n[[f.g]]\nx = 3",
     "{\"f\":[{\"g\":[{\"x\":" I(1) "},{\"x\":" I(2) "}]},{\"g\":[{\"x\":" I(3) "}]}]}"},
    {"[[f]]\na.b = 1\n[[f]]\na.b = 2", "{\"f\":[{\"a\":{\"b\":" I(1) "}},{\"a\":{\"b\":" I(2) "}}]}"},
    /* arrays */
    {"a = []", "{\"a\":[]}"},
    {"a = [ ]", "{\"a\":[]}"},
    {"a = [1]", "{\"a\":[" I(1) "]}"},
    {"a = [1,2,]", "{\"a\":[" I(1) "," I(2) "]}"},
    {"a = [\n  1,\n  2, # two\n]", "{\"a\":[" I(1) "," I(2) "]}"},
    {"a = [ # open\n # only comments\n 1 # one\n , # comma\n ]", "{\"a\":[" I(1) "]}"},
    {"a = [\r\n1\r\n]", "{\"a\":[" I(1) "]}"},
    {"a = [1, \"x\", true]", "{\"a\":[" I(1) "," S("x") "," B(true) "]}"},
    {"a = [[1], [[2]], []]", "{\"a\":[[" I(1) "],[[" I(2) "]],[]]}"},
    {"a = [{x = 1}, {}]", "{\"a\":[{\"x\":" I(1) "},{}]}"},
    {"a = [\"\"\"x\ny\"\"\", '''z''']", "{\"a\":[" S("x\\ny") "," S("z") "]}"},
    /* inline tables */
    {"a = {}", "{\"a\":{}}"},
    {"a = { }", "{\"a\":{}}"},
    {"a = {x = 1}", "{\"a\":{\"x\":" I(1) "}}"},
    {"a = {x=1,y=2}", "{\"a\":{\"x\":" I(1) ",\"y\":" I(2) "}}"},
    {"a = { x . y = 1 , x.z = 2 }", "{\"a\":{\"x\":{\"y\":" I(1) ",\"z\":" I(2) "}}}"},
    {"a = {b = {c = {d = 1}}}", "{\"a\":{\"b\":{\"c\":{\"d\":" I(1) "}}}}"},
    {"a = {b = [1,\n2]}", "{\"a\":{\"b\":[" I(1) "," I(2) "]}}"},
    {"a = {\"q k\" = 1, 'l' = 2}", "{\"a\":{\"q k\":" I(1) ",\"l\":" I(2) "}}"},
    {"[t]\na = {x = 1}\n[t.b]", "{\"t\":{\"a\":{\"x\":" I(1) "},\"b\":{}}}"},
    {"p = {x = 1}\nq.r = {y = 2}", "{\"p\":{\"x\":" I(1) "},\"q\":{\"r\":{\"y\":" I(2) "}}}"},
    /* keys that look like values / other types */
    {"a = \"1\"\nb = '2'", "{\"a\":" S("1") ",\"b\":" S("2") "}"},
    {"x = 1 # c \xC3\xA9 \t\n", "{\"x\":" I(1) "}"},
    {"\"\xE6\x97\xA5\" = '\xE6\x97\xA5'", "{\"\xE6\x97\xA5\":" S("\xE6\x97\xA5") "}"},
};

TableTest(doc_cases, i, toml_documents, structure_table)
{
    {
        sg_error err = {0};
        char *json = to_json(doc_cases[i].src, strlen(doc_cases[i].src), &err);
        cr_expect_not_null(json, "case %zu: %s", i, err.msg);
        if (json)
            cr_expect_str_eq(json, doc_cases[i].json, "case %zu: %s", i, doc_cases[i].src);
        free(json);
    }
}

/* Documents are kept in written order and every key has a position. */
Test(toml_documents, order_and_positions)
{
    const char *src = "z = 1\ny = \"\xC3\xA9\xC3\xA9\"   \t# c\n\n[tab]\n  k = [1,\n    2]\n"
                      "[[arr]]\n[[arr]]\n  \xC3\xA9 = 0\n";
    sg_toml_doc *doc = NULL;
    sg_error err;
    /* non-ASCII bare key must fail; use a quoted one instead */
    cr_expect_eq(sg_toml_parse(src, strlen(src), "p.toml", &doc, &err), SG_ERR_PARSE);
    cr_expect_str_eq(err.msg, "p.toml:9:3: expected a key (letters, digits, '_', '-' or a quoted string), "
                              "found '\xC3\xA9'");
    src = "z = 1\ny = \"\xC3\xA9\xC3\xA9\"   \t# c\n\n[tab]\n  k = [1,\n    2]\n"
          "[[arr]]\n[[arr]]\n  \"\xC3\xA9\" = 0\n";
    cr_assert_eq(sg_toml_parse(src, strlen(src), "p.toml", &doc, &err), SG_OK, "%s", err.msg);
    const sg_toml_value *r = sg_toml_root(doc);
    cr_expect_str_eq(sg_toml_source(doc), "p.toml");
    cr_expect_str_eq(sg_toml_value_source(r), "p.toml");
    cr_expect_eq(sg_toml_line(r), 1);
    cr_expect_eq(sg_toml_col(r), 1);
    cr_expect_eq(sg_toml_table_size(r), 4);
    cr_expect_str_eq(sg_toml_table_key(r, 0), "z");
    cr_expect_str_eq(sg_toml_table_key(r, 1), "y");
    cr_expect_str_eq(sg_toml_table_key(r, 2), "tab");
    cr_expect_str_eq(sg_toml_table_key(r, 3), "arr");
    cr_expect_null(sg_toml_table_key(r, 4));
    cr_expect_null(sg_toml_table_value(r, 4));
    cr_expect_eq(sg_toml_table_key_line(r, 1), 2);
    cr_expect_eq(sg_toml_table_key_col(r, 1), 1);
    const sg_toml_value *y = sg_toml_table_value(r, 1);
    cr_expect_eq(sg_toml_line(y), 2);
    cr_expect_eq(sg_toml_col(y), 5);
    const sg_toml_value *tab = sg_toml_table_get(r, "tab");
    cr_expect_eq(sg_toml_line(tab), 4);
    cr_expect_eq(sg_toml_col(tab), 1);
    cr_expect_eq(sg_toml_table_key_line(tab, 0), 5);
    cr_expect_eq(sg_toml_table_key_col(tab, 0), 3);
    const sg_toml_value *k = sg_toml_table_get(tab, "k");
    cr_expect_eq(sg_toml_line(k), 5);
    cr_expect_eq(sg_toml_col(k), 7);
    cr_expect_eq(sg_toml_array_size(k), 2);
    cr_expect_eq(sg_toml_line(sg_toml_array_at(k, 1)), 6);
    cr_expect_eq(sg_toml_col(sg_toml_array_at(k, 1)), 5);
    cr_expect_null(sg_toml_array_at(k, 2));
    const sg_toml_value *arr = sg_toml_table_get(r, "arr");
    cr_expect_eq(sg_toml_array_size(arr), 2);
    const sg_toml_value *e1 = sg_toml_array_at(arr, 1);
    cr_expect_eq(sg_toml_line(e1), 8);
    cr_expect_eq(sg_toml_col(e1), 1);
    cr_expect_eq(sg_toml_table_key_line(e1, 0), 9);
    cr_expect_eq(sg_toml_table_key_col(e1, 0), 3);
    const sg_toml_value *zero = sg_toml_table_get(e1, "\xC3\xA9");
    cr_expect_eq(sg_toml_col(zero), 9); /* columns count code points */
    /* accessors on the wrong kind of node are harmless */
    cr_expect_eq(sg_toml_table_size(k), 0);
    cr_expect_eq(sg_toml_array_size(r), 0);
    cr_expect_null(sg_toml_table_get(k, "x"));
    cr_expect_null(sg_toml_table_get(r, NULL));
    cr_expect_eq(sg_toml_integer(y), 0);
    cr_expect_eq(sg_toml_float(y), 0.0);
    cr_expect(!sg_toml_bool(y));
    cr_expect_eq(sg_toml_line(NULL), 0);
    cr_expect_null(sg_toml_root(NULL));
    sg_toml_destroy(doc);
    sg_toml_destroy(NULL);
}

/* Positions after a BOM and through multi-line strings. */
Test(toml_documents, positions_bom_multiline)
{
    const char *src = "\xEF\xBB\xBFk = 1\ns = \"\"\"a\nb\"\"\"  ;";
    sg_toml_doc *doc = NULL;
    sg_error err;
    cr_expect_eq(sg_toml_parse(src, strlen(src), "b", &doc, &err), SG_ERR_PARSE);
    cr_expect_str_eq(err.msg, "b:3:7: expected end of line after a key/value pair, found ';'");
    src = "\xEF\xBB\xBFk = 1";
    cr_assert_eq(sg_toml_parse(src, strlen(src), "b", &doc, &err), SG_OK);
    cr_expect_eq(sg_toml_table_key_col(sg_toml_root(doc), 0), 1);
    cr_expect_eq(sg_toml_col(sg_toml_table_get(sg_toml_root(doc), "k")), 5);
    sg_toml_destroy(doc);
}

/* Many keys in one table (hash index) and lookups by key. */
Test(toml_documents, large_table_lookup)
{
    size_t cap = 200000, o = 0;
    char *src = malloc(cap);
    cr_assert_not_null(src);
    for (int i = 0; i < 5000; i++)
        o += (size_t)snprintf(src + o, cap - o, "key_%d = %d\n", i * 7919 % 100003, i);
    sg_toml_doc *doc = NULL;
    sg_error err;
    cr_assert_eq(sg_toml_parse(src, o, NULL, &doc, &err), SG_OK, "%s", err.msg);
    const sg_toml_value *r = sg_toml_root(doc);
    cr_expect_eq(sg_toml_table_size(r), 5000);
    for (int i = 0; i < 5000; i += 37) {
        char k[32];
        snprintf(k, sizeof k, "key_%d", i * 7919 % 100003);
        cr_expect_eq(sg_toml_integer(sg_toml_table_get(r, k)), i, "%s", k);
    }
    cr_expect_null(sg_toml_table_get(r, "key_1"));
    sg_toml_destroy(doc);
    /* a duplicate found through the hash index */
    o += (size_t)snprintf(src + o, cap - o, "key_%d = 0\n", 4999 * 7919 % 100003);
    cr_expect_eq(sg_toml_parse(src, o, "big", &doc, &err), SG_ERR_PARSE);
    cr_expect(strstr(err.msg, "big:5001:1: duplicate key") != NULL, "%s", err.msg);
    free(src);
}

/* ------------------------------------------------------------------------
 * Errors: the first error's line, column and what was expected.
 */
typedef struct {
    const char *src;
    int line, col;
    const char *msg; /* substring of the message */
} err_case;

static const err_case err_cases[] = {
    /* keys and key/value pairs */
    {"= 1", 1, 1, "expected a key"},
    {"a", 1, 2, "expected '=' after the key 'a', found end of input"},
    {"a\nb = 1", 1, 2, "expected '=' after the key 'a', found end of line"},
    {"a = ", 1, 5, "expected a value after '=', found end of input"},
    {"a =\n1", 1, 4, "expected a value after '=', found end of line"},
    {"a = # c", 1, 5, "expected a value after '=', found a comment"},
    {"a = 1 b = 2", 1, 7, "expected end of line after a key/value pair, found 'b'"},
    {"a.b. = 1", 1, 6, "expected a key"},
    {"a. = 1", 1, 4, "expected a key"},
    {".a = 1", 1, 1, "expected a key"},
    {"a b = 1", 1, 3, "expected '=' after the key 'a'"},
    {"a.b c = 1", 1, 5, "expected '=' after the key 'a.b'"},
    {"a == 1", 1, 4, "expected a value"},
    {"a = 1\na = 2", 2, 1, "duplicate key 'a' (first defined at 1:1)"},
    {"a.b = 1\na.b = 2", 2, 3, "duplicate key 'a.b' (first defined at 1:3)"},
    {"\"a\" = 1\na = 2", 2, 1, "duplicate key 'a'"},
    {"a = 1\n'a' = 2", 2, 1, "duplicate key 'a'"},
    {"'a b' = 1\n\"a b\" = 2", 2, 1, "duplicate key '\"a b\"'"},
    {"a = 1\na.b = 2", 2, 1, "cannot use 'a' as a table: it is already an integer"},
    {"a = [1]\na.b = 2", 2, 1, "cannot use 'a' as a table: it is already an array"},
    {"'''a''' = 1", 1, 1, "multi-line strings cannot be keys"},
    {"\"\"\"a\"\"\" = 1", 1, 1, "multi-line strings cannot be keys"},
    {"a\xC3\xA9 = 1", 1, 2, "expected '='"},
    {"\xD0\xBA = 1", 1, 1, "expected a key"},
    {"\"k\nx\" = 1", 1, 3, "expected closing \" before end of line"},
    {"[a]\nb = 1\nb = 2", 3, 1, "duplicate key 'b' (first defined at 2:1)"},
    /* tables */
    {"[a]\nb = 1\n[a]", 3, 2, "table [a] is defined twice (first at 1:1)"},
    {"[a.b]\n[a]\n[a]", 3, 2, "table [a] is defined twice (first at 2:1)"},
    {"[a]\n[a.b]\n[a.b]", 3, 4, "table [a.b] is defined twice"},
    {"[a]\n[\"a\"]", 2, 2, "defined twice"},
    {"a = 1\n[a]", 2, 2, "cannot use 'a' as a table: it is already an integer (defined at 1:1)"},
    {"a = \"s\"\n[a.b]", 2, 2, "already a string"},
    {"a = 1979-05-27\n[a]", 2, 2, "already a local date"},
    {"a = 1.5\nb = 2\na.x = 1", 3, 1, "already a float (defined at 1:1)"},
    {"a = true\n[[a]]", 2, 3, "already a boolean"},
    {"a = []\n[[a]]", 2, 3, "cannot use 'a' as a table: it is already an array (defined at 1:1)"},
    {"a = []\n[a]", 2, 2, "already an array"},
    {"a = [{}]\n[a.b]", 2, 2, "already an array"},
    {"[[a]]\n[a]", 2, 2, "cannot define table [a]: it is already an array of tables"},
    {"[a]\n[[a]]", 2, 3, "cannot define array of tables [[a]]: 'a' is already a table"},
    {"[a.b]\n[[a]]", 2, 3, "already a table"},
    {"a = {}\n[a]", 2, 2, "cannot extend the inline table 'a'"},
    {"a = {b = 1}\n[a.c]", 2, 2, "cannot extend the inline table 'a'"},
    {"a = {b = 1}\n[[a.c]]", 2, 3, "inline table"},
    {"a = {b = {}}\n[a.b]", 2, 2, "inline table"},
    {"a = {b = 1}\na.c = 2", 2, 1, "cannot add keys to the inline table 'a'"},
    {"a = {b = 1}\na.b = 2", 2, 1, "cannot add keys to the inline table 'a'"},
    {"a = {b = {c = 1}, b.d = 2}", 1, 19, "cannot add keys to the inline table 'b'"},
    {"a.b = {c = 1}\na.b.d = 2", 2, 3, "inline table 'a.b'"},
    {"[a.b]\n[a]\nb.c = 1", 3, 1, "cannot add keys to table 'b' with a dotted key: it is defined by a [header]"},
    {"[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 4, 1, "with a dotted key"},
    {"[[a.b]]\n[a]\nb.y = 2", 3, 1, "cannot use 'b' as a table: it is already an array"},
    {"[fruit]\napple.color = 1\n[fruit.apple]", 3, 8, "table [fruit.apple] is already defined by dotted keys (at 2:1)"},
    {"[t1]\nt2.t3.v = 0\n[t1.t2.t3]", 3, 8, "already defined by dotted keys"},
    {"a.b.c = 1\n[a.b]", 2, 4, "already defined by dotted keys"},
    {"a.b = 1\n[a]", 2, 2, "already defined by dotted keys"},
    {"[a]\nb = 1\n[a.b]", 3, 4, "cannot use 'a.b' as a table: it is already an integer"},
    {"[[a]]\nb = 1\n[a.b]", 3, 4, "cannot use 'a.b' as a table"},
    {"[a]\n[a.b]\nc = 1\n[a.b.c]", 4, 6, "cannot use 'a.b.c' as a table"},
    {"[a", 1, 3, "expected ']' to close the [table] header, found end of input"},
    {"[a\n]", 1, 3, "expected ']'"},
    {"[a]]", 1, 4, "expected end of line after a table header, found ']'"},
    {"[a] b = 1", 1, 5, "expected end of line after a table header"},
    {"[[a]", 1, 4, "expected ']]' to close the [[array of tables]] header"},
    {"[[a] ]", 1, 4, "expected ']]'"},
    {"[ [a]]", 1, 3, "expected a key"},
    {"[]", 1, 2, "expected a key"},
    {"[[]]", 1, 3, "expected a key"},
    {"[a.]", 1, 4, "expected a key"},
    {"[a b]", 1, 4, "expected ']'"},
    {"[a]\n[]", 2, 2, "expected a key"},
    /* arrays */
    {"a = [1, 2", 1, 10, "expected ',' or ']' after an array element, found end of input"},
    {"a = [1 2]", 1, 8, "expected ',' or ']' after an array element, found '2'"},
    {"a = [1\n2]", 2, 1, "expected ',' or ']'"},
    {"a = [,]", 1, 6, "expected a value"},
    {"a = [1,,2]", 1, 8, "expected a value"},
    {"a = [1,2", 1, 9, "expected ',' or ']'"},
    {"a = [1,2\n", 2, 1, "expected ',' or ']' after an array element, found end of input"},
    {"a = [1] ]", 1, 9, "expected end of line"},
    {"a = [\n# c\x01\n]", 2, 4, "control character U+0001 is not allowed in a comment"},
    {"a = [1, hello]", 1, 9, "strings must be quoted"},
    /* inline tables */
    {"a = {", 1, 6, "expected a key"},
    {"a = {b = 1", 1, 11, "expected ',' or '}' in inline table, found end of input"},
    {"a = {b = 1,}", 1, 12, "trailing commas are not allowed in an inline table"},
    {"a = {b = 1\n}", 1, 11, "an inline table must be on one line"},
    {"a = {b = 1 # c\n}", 1, 12, "found a comment"},
    {"a = {\nb = 1}", 1, 6, "expected a key in inline table, found end of line (an inline table must be on one line)"},
    {"a = {b = 1,\nc = 2}", 1, 12, "must be on one line"},
    {"a = {b = 1, # c\n}", 1, 13, "found a comment"},
    {"a = {b = 1 c = 2}", 1, 12, "expected ',' or '}' in inline table, found 'c'"},
    {"a = {b = 1, b = 2}", 1, 13, "duplicate key 'b' (first defined at 1:6)"},
    {"a = {,}", 1, 6, "expected a key"},
    {"a = {b}", 1, 7, "expected '=' after the key 'b'"},
    {"a = {b = }", 1, 10, "expected a value"},
    {"a = {b.c = 1, b = 2}", 1, 15, "duplicate key 'b'"},
    {"a = {b = 1, b.c = 2}", 1, 13, "cannot use 'b' as a table"},
    /* values */
    {"a = hello", 1, 5, "expected a value (string, number, true/false, date-time, array or inline table), "
                        "found 'h' (strings must be quoted)"},
    {"a = True", 1, 5, "strings must be quoted"},
    {"a = tru", 1, 5, "expected a value"},
    {"a = truex", 1, 9, "expected end of line"},
    {"a = falsey", 1, 10, "expected end of line"},
    {"a = NaN", 1, 5, "expected a value"},
    {"a = Inf", 1, 5, "expected a value"},
    {"a = infinity", 1, 5, "expected a digit, 'inf' or 'nan', found 'i'"},
    {"a = nanx", 1, 5, "expected a digit"},
    {"a = +", 1, 6, "expected a digit, 'inf' or 'nan' after the sign, found end of input"},
    {"a = -x", 1, 6, "after the sign"},
    {"a = ++1", 1, 6, "after the sign"},
    {"a = @", 1, 5, "found '@'"},
    {"a = \x01", 1, 5, "found U+0001"},
    /* strings */
    {"a = \"abc", 1, 9, "expected closing \" before end of input"},
    {"a = \"abc\nb = 1", 1, 9, "expected closing \" before end of line"},
    {"a = \"abc\r\n", 1, 9, "end of line"},
    {"a = 'abc", 1, 9, "expected closing ' before end of input"},
    {"a = 'ab\nc'", 1, 8, "expected closing '"},
    {"a = \"\"\"abc", 1, 11, "expected closing \"\"\" before end of input"},
    {"a = \"\"\"abc\"\"", 1, 13, "expected closing \"\"\""},
    {"a = '''abc\n", 2, 1, "expected closing ''' before end of input"},
    {"a = \"\\q\"", 1, 6, "invalid escape '\\q' (expected one of"},
    {"a = \"\\x41\"", 1, 6, "invalid escape '\\x'"},
    {"a = \"\\e\"", 1, 6, "invalid escape '\\e'"},
    {"a = \"\\ \"", 1, 6, "invalid escape '\\' followed by ' '"},
    {"a = \"\\\"", 1, 8, "expected closing \""},
    {"a = \"\\u12\"", 1, 10, "expected 4 hexadecimal digits after '\\u'"},
    {"a = \"\\u12G4\"", 1, 10, "expected 4 hexadecimal digits"},
    {"a = \"\\U0001F60\"", 1, 15, "expected 8 hexadecimal digits after '\\U'"},
    {"a = \"\\uD800\"", 1, 6, "escape '\\uD800' is not a Unicode scalar value"},
    {"a = \"\\uDFFF\"", 1, 6, "not a Unicode scalar value"},
    {"a = \"\\U00110000\"", 1, 6, "not a Unicode scalar value"},
    {"a = \"\\UFFFFFFFF\"", 1, 6, "not a Unicode scalar value"},
    {"a = \"a\x01" "b\"", 1, 7, "control character U+0001 must be escaped in a string"},
    {"a = \"a\x7f\"", 1, 7, "control character U+007F"},
    {"a = \"a\x1f\"", 1, 7, "U+001F"},
    {"a = 'a\x08'", 1, 7, "U+0008"},
    {"a = \"\"\"a\x0b" "b\"\"\"", 1, 9, "control character U+000B"},
    {"a = '''a\x7f'''", 1, 9, "U+007F"},
    {"a = \"\"\"a\rb\"\"\"", 1, 9, "carriage return must be followed by a line feed"},
    {"a = '''a\rb'''", 1, 9, "carriage return"},
    {"a = '''a''''''", 1, 14, "too many quotes"},
    {"a = \"\"\"a\"\"\"\"\"\"", 1, 14, "too many quotes"},
    {"a = \"\"\"a\\ b\"\"\"", 1, 9, "invalid escape '\\' followed by ' '"},
    {"a = \"\"\"\\q\"\"\"", 1, 8, "invalid escape '\\q'"},
    {"a = \"\"\"\n\n\\u00\"\"\"", 3, 5, "expected 4 hexadecimal digits"},
    /* comments, newlines, positions in code points */
    {"# c\x01", 1, 4, "control character U+0001 is not allowed in a comment"},
    {"a = 1 # \x7f", 1, 9, "U+007F"},
    {"a = 1\rb = 2", 1, 6, "carriage return must be followed by a line feed"},
    {"a = 1\r", 1, 6, "carriage return"},
    {"\r", 1, 1, "carriage return"},
    {"# c\r", 1, 4, "carriage return"},
    {"a = \"\xC3\xA9\" x", 1, 9, "found 'x'"},
    {"\"\xE6\x97\xA5\xE6\x9C\xAC\" = 1\nb = \"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\" x", 2, 11, "found 'x'"},
    {"a = 1\n\n\n   b = = 2", 4, 8, "expected a value"},
    {"a = 1\r\nb = 2\r\nc", 3, 2, "expected '='"},
    /* UTF-8 */
    {"a = \"\xff\"", 1, 6, "invalid UTF-8 byte 0xFF"},
    {"a = 1\n# \xc0\xaf", 2, 3, "invalid UTF-8 byte 0xC0"},
    {"a = \"\xed\xa0\x80\"", 1, 6, "invalid UTF-8 byte 0xED"},
    {"a = \"\xf4\x90\x80\x80\"", 1, 6, "invalid UTF-8 byte 0xF4"},
    {"a = \"\xe2\x82\"", 1, 6, "invalid UTF-8"},
    {"a = \"\xe0\x80\x80\"", 1, 6, "invalid UTF-8"},
    {"a = \"\xf0\x80\x80\x80\"", 1, 6, "invalid UTF-8"},
    {"a = \"\x80\"", 1, 6, "invalid UTF-8 byte 0x80"},
    {"a = \"\xf8\x88\x80\x80\x80\"", 1, 6, "invalid UTF-8"},
    {"a = 'x'\n\xc3", 2, 1, "invalid UTF-8 byte 0xC3"},
    {"\xff = 1 \n= 2", 1, 1, "invalid UTF-8"},
    {"= 1\n\xff", 1, 1, "expected a key"},
    {"a = 1\nb = \"ok\"\nc = \"\x80\"", 3, 6, "invalid UTF-8"},
    {"a = 1 # ok \xe2\x82\xac then \xfe", 1, 19, "invalid UTF-8 byte 0xFE"},
    /* integers */
    {"a = 01", 1, 5, "leading zeros are not allowed in a decimal number"},
    {"a = -01", 1, 6, "leading zeros"},
    {"a = +00", 1, 6, "leading zeros"},
    {"a = 0_0", 1, 5, "leading zeros"},
    {"a = 1__2", 1, 6, "'_' in a number must be between two digits"},
    {"a = _1", 1, 5, "expected a value"},
    {"a = 1_", 1, 6, "'_' in a number must be between two digits"},
    {"a = -_1", 1, 6, "after the sign"},
    {"a = +0x1", 1, 5, "a sign is not allowed on 0x integers"},
    {"a = -0b1", 1, 5, "a sign is not allowed on 0b integers"},
    {"a = 0x", 1, 7, "expected a digit of a hexadecimal integer after '0x', found end of input"},
    {"a = 0xG", 1, 7, "expected a digit of a hexadecimal integer"},
    {"a = 0o8", 1, 7, "expected a digit of a octal integer"},
    {"a = 0o78", 1, 8, "unexpected '8' in octal integer"},
    {"a = 0b2", 1, 7, "binary integer"},
    {"a = 0b102", 1, 9, "unexpected '2' in binary integer"},
    {"a = 0x_1", 1, 7, "expected a digit"},
    {"a = 0x1_", 1, 8, "'_' in hexadecimal integer must be between two digits"},
    {"a = 0x1__2", 1, 8, "'_' in hexadecimal integer"},
    {"a = 0X1", 1, 6, "unexpected 'X' in number"},
    {"a = 0x1.5", 1, 8, "unexpected '.' in hexadecimal integer"},
    {"a = 9223372036854775808", 1, 5, "integer does not fit in 64 bits"},
    {"a = -9223372036854775809", 1, 5, "does not fit in 64 bits"},
    {"a = 99999999999999999999999", 1, 5, "does not fit"},
    {"a = 0x8000000000000000", 1, 5, "hexadecimal integer does not fit in 64 bits"},
    {"a = 0xFFFFFFFFFFFFFFFFF", 1, 5, "does not fit"},
    {"a = 0o1000000000000000000000", 1, 5, "octal integer does not fit"},
    {"a = 0b1111111111111111111111111111111111111111111111111111111111111111", 1, 5,
     "binary integer does not fit"},
    {"a = 1-2", 1, 6, "unexpected '-' in number"},
    {"a = 12a", 1, 7, "unexpected 'a' in number"},
    {"a = 1,", 1, 6, "expected end of line"},
    {"a = [1x]", 1, 7, "unexpected 'x' in number"},
    /* floats */
    {"a = 1e", 1, 7, "expected a digit in the exponent, found end of input"},
    {"a = 1e+", 1, 8, "expected a digit in the exponent"},
    {"a = 1.e5", 1, 7, "expected a digit after the decimal point, found 'e'"},
    {"a = .5", 1, 5, "expected a value"},
    {"a = 5.", 1, 7, "expected a digit after the decimal point"},
    {"a = 1.5.3", 1, 8, "unexpected '.' in number"},
    {"a = 1e5.1", 1, 8, "unexpected '.' in number"},
    {"a = 1e5e1", 1, 8, "unexpected 'e' in number"},
    {"a = 1_.0", 1, 6, "'_' in a number must be between two digits"},
    {"a = 1._0", 1, 7, "expected a digit after the decimal point, found '_'"},
    {"a = 1.0_", 1, 8, "'_'"},
    {"a = 1e_5", 1, 7, "expected a digit in the exponent, found '_'"},
    {"a = 1e5_", 1, 8, "'_'"},
    {"a = 03.14", 1, 5, "leading zeros"},
    {"a = -03.14", 1, 6, "leading zeros"},
    {"a = 00.1", 1, 5, "leading zeros"},
    {"a = 1e400", 1, 5, "float 1e400 is out of range"},
    {"a = -1.5e999", 1, 5, "out of range"},
    {"a = +inf_", 1, 6, "expected a digit"},
    {"a = 1.5 3", 1, 9, "expected end of line"},
    {"a = 1.5e3.", 1, 10, "unexpected '.'"},
    /* date-times */
    {"a = 1979-13-01", 1, 10, "month 13 out of range (1 to 12)"},
    {"a = 1979-00-01", 1, 10, "month 00 out of range"},
    {"a = 1979-01-00", 1, 13, "day 00 out of range (1 to 31)"},
    {"a = 1979-01-32", 1, 13, "day 32 out of range"},
    {"a = 1979-04-31", 1, 13, "day 31 out of range: 1979-04 has 30 days"},
    {"a = 1979-06-31", 1, 13, "has 30 days"},
    {"a = 1979-09-31", 1, 13, "has 30 days"},
    {"a = 1979-11-31", 1, 13, "has 30 days"},
    {"a = 2023-02-29", 1, 13, "day 29 out of range: 2023-02 has 28 days"},
    {"a = 1900-02-29", 1, 13, "1900-02 has 28 days"},
    {"a = 2100-02-29", 1, 13, "has 28 days"},
    {"a = 2000-02-30", 1, 13, "2000-02 has 29 days"},
    {"a = 1979-05-27T24:00:00", 1, 16, "hour 24 out of range (0 to 23)"},
    {"a = 1979-05-27T23:60:00", 1, 19, "minute 60 out of range (0 to 59)"},
    {"a = 1979-05-27T23:59:61", 1, 22, "second 61 out of range (0 to 60)"},
    {"a = 1979-05-27T07:32", 1, 21, "expected ':' in time HH:MM:SS[.fraction], found end of input"},
    {"a = 07:32", 1, 10, "expected ':' in time"},
    {"a = 7:32:00", 1, 6, "expected end of line after a key/value pair, found ':'"},
    {"a = 1979-5-27", 1, 11, "expected 2-digit month in date YYYY-MM-DD, found '-'"},
    {"a = 1979-05-7", 1, 14, "expected 2-digit day"},
    {"a = 79-05-27", 1, 7, "unexpected '-' in number"},
    {"a = 19790-05-27", 1, 10, "unexpected '-' in number"},
    {"a = 1979-05-27T", 1, 16, "expected 2-digit hour in time HH:MM:SS[.fraction], found end of input"},
    {"a = 1979-05-27T7:32:00", 1, 17, "expected 2-digit hour"},
    {"a = 1979-05-27T07:3:00", 1, 20, "expected 2-digit minute"},
    {"a = 1979-05-27T07:32:0", 1, 23, "expected 2-digit second"},
    {"a = 1979-05-27T07:32:00.", 1, 25, "expected digits after '.' in time"},
    {"a = 1979-05-27T07:32:00.Z", 1, 25, "expected digits after '.'"},
    {"a = 1979-05-27T07:32:00+07", 1, 27, "expected ':' in UTC offset +HH:MM"},
    {"a = 1979-05-27T07:32:00+7:00", 1, 26, "expected 2-digit offset hour"},
    {"a = 1979-05-27T07:32:00+0700", 1, 27, "expected ':' in UTC offset"},
    {"a = 1979-05-27T07:32:00+24:00", 1, 25, "offset hour 24 out of range"},
    {"a = 1979-05-27T07:32:00+07:60", 1, 28, "offset minute 60 out of range"},
    {"a = 1979-05-27T07:32:00-", 1, 25, "expected 2-digit offset hour"},
    {"a = 1979-05-27 07:32", 1, 21, "expected ':' in time"},
    {"a = 1979-05-27T07:32:00Zx", 1, 25, "expected end of line"},
    {"a = 1979-05-27T07:32:00 Z", 1, 25, "expected end of line"},
    {"a = 12:00:00Z", 1, 13, "expected end of line"},
    {"a = 12:00:00+01:00", 1, 13, "expected end of line"},
    {"a = 1979-05-27X", 1, 15, "expected end of line"},
    {"a = 1979-05-27 X", 1, 16, "expected end of line"},
    {"a = 1979-05-27T07:32:00.5.5", 1, 26, "expected end of line"},
    {"a = 25:00:00", 1, 5, "hour 25 out of range"},
    {"a = 12:5x:00", 1, 9, "expected 2-digit minute"},
    {"a = [1979-02-30]", 1, 14, "has 28 days"},
    {"a = {d = 1979-01-01T99:00:00}", 1, 21, "hour 99"},
};

TableTest(err_cases, i, toml_errors, first_error_positions)
{
    {
        const err_case *c = &err_cases[i];
        sg_toml_doc *doc = (sg_toml_doc *)&err_cases; /* must be reset to NULL */
        sg_error err = {0};
        sg_status st = sg_toml_parse(c->src, strlen(c->src), "e.toml", &doc, &err);
        cr_expect_eq(st, SG_ERR_PARSE, "case %zu (%s): status %d", i, c->src, st);
        cr_expect_null(doc, "case %zu", i);
        char prefix[64];
        snprintf(prefix, sizeof prefix, "e.toml:%d:%d: ", c->line, c->col);
        cr_expect(strncmp(err.msg, prefix, strlen(prefix)) == 0, "case %zu (%s): want %s, got: %s", i, c->src,
                  prefix, err.msg);
        cr_expect(strstr(err.msg, c->msg) != NULL, "case %zu (%s): want '%s' in: %s", i, c->src, c->msg,
                  err.msg);
        if (st == SG_OK)
            sg_toml_destroy(doc);
    }
}

/* Embedded NUL bytes are control characters wherever they appear. */
static const struct {
    const char *src;
    size_t len;
    int col;
} nul_cases[] = {
    {"a = 'x\0'", 8, 7},
    {"a = \"x\0\"", 8, 7},
    {"a = 1 #\0", 8, 8},
    {"a\0 = 1", 6, 2},
    {"a = \0", 5, 5},
};

TableTest(nul_cases, i, toml_errors, embedded_nul)
{
    {
        sg_toml_doc *doc = NULL;
        sg_error err;
        cr_expect_eq(sg_toml_parse(nul_cases[i].src, nul_cases[i].len, "n", &doc, &err), SG_ERR_PARSE, "case %zu", i);
        char prefix[32];
        snprintf(prefix, sizeof prefix, "n:1:%d: ", nul_cases[i].col);
        cr_expect(strncmp(err.msg, prefix, strlen(prefix)) == 0, "case %zu: %s", i, err.msg);
    }
}

/* ------------------------------------------------------------------------
 * Limits.
 */
static char *repeat(const char *pre, const char *unit, int n, const char *mid, const char *unit2, int n2,
                    const char *post)
{
    size_t lp = strlen(pre), lu = strlen(unit), lm = strlen(mid), lu2 = strlen(unit2), lq = strlen(post);
    char *s = malloc(lp + lu * (size_t)n + lm + lu2 * (size_t)n2 + lq + 1);
    cr_assert_not_null(s);
    char *o = s;
    memcpy(o, pre, lp);
    o += lp;
    for (int i = 0; i < n; i++, o += lu)
        memcpy(o, unit, lu);
    memcpy(o, mid, lm);
    o += lm;
    for (int i = 0; i < n2; i++, o += lu2)
        memcpy(o, unit2, lu2);
    memcpy(o, post, lq + 1);
    return s;
}

static sg_status parse_status(const char *src, sg_error *err)
{
    sg_toml_doc *doc = NULL;
    sg_status st = sg_toml_parse(src, strlen(src), "lim", &doc, err);
    sg_toml_destroy(doc);
    return st;
}

static const struct {
    const char *pre, *unit, *mid, *unit2, *post;
    int extra; /* 0: exactly at the limit (valid); 1: one beyond */
} shapes[] = {
    {"a = ", "[", "1", "]", "", 0},
    {"a = ", "{b = ", "1", "}", "", 0},
    {"a = ", "[{b = ", "1", "}]", "", 0},
};

TableTest(shapes, i, toml_limits, nesting_depth_shapes)
{
    const int D = SG_TOML_MAX_DEPTH;
    sg_error err;
    {
        int n = i == 2 ? D / 2 : D;
        char *ok = repeat(shapes[i].pre, shapes[i].unit, n, shapes[i].mid, shapes[i].unit2, n, "");
        cr_expect_eq(parse_status(ok, &err), SG_OK, "shape %zu: %s", i, err.msg);
        free(ok);
        char *bad = repeat(shapes[i].pre, shapes[i].unit, n + 1, shapes[i].mid, shapes[i].unit2, n + 1, "");
        cr_expect_eq(parse_status(bad, &err), SG_ERR_LIMIT, "shape %zu", i);
        cr_expect(strstr(err.msg, "nested deeper than 128") != NULL, "%s", err.msg);
        free(bad);
    }
}

Test(toml_limits, nesting_depth)
{
    const int D = SG_TOML_MAX_DEPTH;
    sg_error err;
    /* deepest array: error at the bracket that goes one level too deep */
    char *bad = repeat("a = ", "[", D + 1, "", "", 0, "");
    cr_expect_eq(parse_status(bad, &err), SG_ERR_LIMIT);
    char want[64];
    snprintf(want, sizeof want, "lim:1:%d: ", 5 + D);
    cr_expect(strncmp(err.msg, want, strlen(want)) == 0, "%s", err.msg);
    free(bad);
    /* hostile: a million brackets fail fast with the limit, not a crash */
    char *huge = repeat("a = ", "[", 1000000, "", "", 0, "");
    cr_expect_eq(parse_status(huge, &err), SG_ERR_LIMIT);
    free(huge);
    huge = repeat("a = ", "{b=", 1000000, "", "", 0, "");
    cr_expect_eq(parse_status(huge, &err), SG_ERR_LIMIT);
    free(huge);
}

Test(toml_limits, dotted_keys_and_headers)
{
    const int D = SG_TOML_MAX_DEPTH;
    sg_error err;
    char *ok = repeat("k", ".k", D - 1, " = 1", "", 0, "");
    cr_expect_eq(parse_status(ok, &err), SG_OK, "%s", err.msg);
    free(ok);
    char *bad = repeat("k", ".k", D, " = 1", "", 0, "");
    cr_expect_eq(parse_status(bad, &err), SG_ERR_LIMIT);
    cr_expect(strstr(err.msg, "key has more than 128 dotted parts") != NULL, "%s", err.msg);
    free(bad);
    ok = repeat("[k", ".k", D - 1, "]", "", 0, "\nx = 1");
    cr_expect_eq(parse_status(ok, &err), SG_OK, "%s", err.msg);
    free(ok);
    bad = repeat("[[k", ".k", D, "]]", "", 0, "");
    cr_expect_eq(parse_status(bad, &err), SG_ERR_LIMIT);
    free(bad);
    /* dotted key parts and container nesting share the budget */
    ok = repeat("k", ".k", 63, " = ", "[", 65, "");
    char *ok2 = repeat(ok, "", 0, "", "]", 65, "");
    cr_expect_eq(parse_status(ok2, &err), SG_OK, "%s", err.msg);
    free(ok);
    free(ok2);
    bad = repeat("k", ".k", 63, " = ", "[", 66, "");
    cr_expect_eq(parse_status(bad, &err), SG_ERR_LIMIT);
    free(bad);
    bad = repeat("a = ", "{b.c.d = ", 50, "1", "}", 50, "");
    cr_expect_eq(parse_status(bad, &err), SG_ERR_LIMIT);
    free(bad);
}

Test(toml_limits, input_size)
{
    sg_error err;
    sg_toml_doc *doc = NULL;
    char *big = malloc(SG_TOML_MAX_INPUT + 1); /* never read: the size check comes first */
    cr_assert_not_null(big);
    cr_expect_eq(sg_toml_parse(big, SG_TOML_MAX_INPUT + 1, "big.toml", &doc, &err), SG_ERR_LIMIT);
    cr_expect_null(doc);
    cr_expect_str_eq(err.msg, "big.toml:1:1: input is 67108865 bytes, above the limit of 67108864 bytes");
    free(big);
    FILE *fp = fopen("/dev/zero", "rb");
    cr_assert_not_null(fp);
    cr_expect_eq(sg_toml_parse_stream(fp, "zero", &doc, &err), SG_ERR_LIMIT);
    cr_expect_null(doc);
    cr_expect(strstr(err.msg, "zero:1:1: input is larger than the limit") != NULL, "%s", err.msg);
    fclose(fp);
}

/* ------------------------------------------------------------------------
 * Files, streams and argument checks.
 */
Test(toml_io, file_stream_and_arguments)
{
    char path[] = "/tmp/test_toml_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    const char *src = "[study]\nname = \"brazing\"\nbad = \n";
    cr_assert_eq(write(fd, src, strlen(src)), (ssize_t)strlen(src));
    close(fd);
    sg_toml_doc *doc = NULL;
    sg_error err;
    cr_expect_eq(sg_toml_parse_file(path, &doc, &err), SG_ERR_PARSE);
    char want[128];
    snprintf(want, sizeof want, "%s:3:7: expected a value after '=', found end of line", path);
    cr_expect_str_eq(err.msg, want);
    /* a stream is read to the end and left open */
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp);
    cr_expect_eq(sg_toml_parse_stream(fp, "s", &doc, &err), SG_ERR_PARSE);
    cr_expect_eq(fseek(fp, 0, SEEK_SET), 0); /* still open */
    fclose(fp);
    fp = fopen(path, "wb");
    fputs("x = 2.385\n", fp);
    fclose(fp);
    cr_assert_eq(sg_toml_parse_file(path, &doc, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(sg_toml_float(sg_toml_table_get(sg_toml_root(doc), "x")), 2.385);
    cr_expect_str_eq(sg_toml_source(doc), path);
    sg_toml_destroy(doc);
    unlink(path);
    cr_expect_eq(sg_toml_parse_file(path, &doc, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, ": cannot open: No such file") != NULL, "%s", err.msg);
    cr_expect_null(doc);
    cr_expect_eq(sg_toml_parse_file(NULL, &doc, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_toml_parse_file(path, NULL, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_toml_parse_stream(NULL, "x", &doc, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_toml_parse(NULL, 3, "x", &doc, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_toml_parse("a=1", 3, "x", NULL, &err), SG_ERR_INVALID);
    /* NULL buffer of length 0 is an empty document; NULL err is allowed */
    cr_expect_eq(sg_toml_parse(NULL, 0, NULL, &doc, NULL), SG_OK);
    cr_expect_eq(sg_toml_table_size(sg_toml_root(doc)), 0);
    cr_expect_str_eq(sg_toml_source(doc), "<string>");
    sg_toml_destroy(doc);
    cr_expect_eq(sg_toml_parse("a = ", 4, NULL, &doc, NULL), SG_ERR_PARSE);
    /* a buffer need not be NUL-terminated: only len bytes are read */
    cr_expect_eq(sg_toml_parse("a = 12345", 6, NULL, &doc, &err), SG_OK);
    cr_expect_eq(sg_toml_integer(sg_toml_table_get(sg_toml_root(doc), "a")), 12);
    sg_toml_destroy(doc);
}

/* ------------------------------------------------------------------------
 * Lookup helpers for loaders.
 */
static const char *helper_src = "name = \"brazing\"\n"
                                "seed = 42\n"
                                "rate = 2.385\n"
                                "flag = true\n"
                                "[model]\n"
                                "  hidden = [16, 8]\n"
                                "  opts = { lr = 0.001 }\n"
                                "[[factor]]\n"
                                "  name = \"thickness_um\"\n"
                                "  min = 50\n"
                                "[data.files]\n";

Test(toml_get, found_values)
{
    sg_toml_doc *doc = NULL;
    sg_error err;
    cr_assert_eq(sg_toml_parse(helper_src, strlen(helper_src), "s.toml", &doc, &err), SG_OK);
    const sg_toml_value *r = sg_toml_root(doc), *t = NULL, *a = NULL;
    const char *s = NULL;
    int64_t i = 0;
    double d = 0;
    bool b = false, found = false;
    cr_expect_eq(sg_toml_get_string(r, "name", true, &s, &found, &err), SG_OK);
    cr_expect_str_eq(s, "brazing");
    cr_expect(found);
    cr_expect_eq(sg_toml_get_integer(r, "seed", true, &i, NULL, &err), SG_OK);
    cr_expect_eq(i, 42);
    cr_expect_eq(sg_toml_get_float(r, "rate", true, &d, NULL, &err), SG_OK);
    cr_expect_eq(d, 2.385);
    cr_expect_eq(sg_toml_get_float(r, "seed", true, &d, NULL, &err), SG_OK); /* integer accepted */
    cr_expect_eq(d, 42.0);
    cr_expect_eq(sg_toml_get_bool(r, "flag", true, &b, NULL, &err), SG_OK);
    cr_expect(b);
    cr_expect_eq(sg_toml_get_table(r, "model", true, &t, NULL, &err), SG_OK);
    cr_expect_eq(sg_toml_get_array(t, "hidden", true, &a, NULL, &err), SG_OK);
    cr_expect_eq(sg_toml_array_size(a), 2);
    cr_expect_eq(sg_toml_get_table(t, "opts", true, &t, NULL, &err), SG_OK);
    cr_expect_eq(sg_toml_get_float(t, "lr", true, &d, NULL, &err), SG_OK);
    cr_expect_eq(d, 0.001);
    cr_expect_eq(sg_toml_get_array(r, "factor", true, &a, NULL, &err), SG_OK);
    cr_expect_eq(sg_toml_array_size(a), 1);
    /* optional and absent: SG_OK, *out untouched, found=false */
    i = -7;
    found = true;
    cr_expect_eq(sg_toml_get_integer(r, "absent", false, &i, &found, &err), SG_OK);
    cr_expect_eq(i, -7);
    cr_expect(!found);
    d = 1.5;
    cr_expect_eq(sg_toml_get_float(r, "absent", false, &d, NULL, &err), SG_OK);
    cr_expect_eq(d, 1.5);
    sg_toml_destroy(doc);
}

static const struct {
    int which; /* 0 string,1 int,2 float,3 bool,4 table,5 array */
    int where; /* 0 root,1 model,2 factor[0],3 data.files */
    const char *key;
    const char *msg;
} get_err_cases[] = {
    {0, 0, "seed", "s.toml:2:8: 'seed' must be a string, not an integer"},
    {1, 0, "name", "s.toml:1:8: 'name' must be an integer, not a string"},
    {1, 0, "rate", "s.toml:3:8: 'rate' must be an integer, not a float"},
    {2, 0, "name", "s.toml:1:8: 'name' must be a float, not a string"},
    {2, 0, "flag", "s.toml:4:8: 'flag' must be a float, not a boolean"},
    {3, 0, "seed", "s.toml:2:8: 'seed' must be a boolean, not an integer"},
    {4, 0, "name", "s.toml:1:8: 'name' must be a table, not a string"},
    {5, 0, "model", "s.toml:5:1: 'model' must be an array, not a table"},
    {4, 0, "factor", "s.toml:8:1: 'factor' must be a table, not an array"},
    {5, 1, "opts", "s.toml:7:10: 'opts' must be an array, not a table"},
    {0, 1, "hidden", "s.toml:6:12: 'hidden' must be a string, not an array"},
    {0, 0, "title", "s.toml:1:1: missing required key 'title' at the top level"},
    {1, 1, "layers", "s.toml:5:1: missing required key 'layers' in [model]"},
    {2, 2, "max", "s.toml:8:1: missing required key 'max' in [factor]"},
    {3, 3, "x", "s.toml:11:1: missing required key 'x' in [data.files]"},
    {4, 3, "y", "s.toml:11:1: missing required key 'y' in [data.files]"},
    {5, 2, "levels", "s.toml:8:1: missing required key 'levels' in [factor]"},
};

TableTest(get_err_cases, k, toml_get, error_message_table)
{
    sg_toml_doc *doc = NULL;
    sg_error err;
    cr_assert_eq(sg_toml_parse(helper_src, strlen(helper_src), "s.toml", &doc, &err), SG_OK);
    const sg_toml_value *r = sg_toml_root(doc), *t = NULL, *model = NULL, *fac = NULL, *files = NULL;
    const char *s = NULL;
    int64_t i = 0;
    double d = 0;
    bool b = false, found = false;
    sg_toml_get_table(r, "model", true, &model, NULL, &err);
    sg_toml_get_array(r, "factor", true, &t, NULL, &err);
    fac = sg_toml_array_at(t, 0);
    sg_toml_get_table(r, "data", true, &t, NULL, &err);
    sg_toml_get_table(t, "files", true, &files, NULL, &err);
    {
        const sg_toml_value *tab = get_err_cases[k].where == 0 ? r : get_err_cases[k].where == 1 ? model
                                                         : get_err_cases[k].where == 2 ? fac
                                                                               : files;
        sg_status st = SG_OK;
        found = false;
        switch (get_err_cases[k].which) {
        case 0: st = sg_toml_get_string(tab, get_err_cases[k].key, true, &s, &found, &err); break;
        case 1: st = sg_toml_get_integer(tab, get_err_cases[k].key, true, &i, &found, &err); break;
        case 2: st = sg_toml_get_float(tab, get_err_cases[k].key, true, &d, &found, &err); break;
        case 3: st = sg_toml_get_bool(tab, get_err_cases[k].key, true, &b, &found, &err); break;
        case 4: st = sg_toml_get_table(tab, get_err_cases[k].key, true, &t, &found, &err); break;
        default: st = sg_toml_get_array(tab, get_err_cases[k].key, true, &t, &found, &err); break;
        }
        cr_expect_eq(st, SG_ERR_INVALID, "case %zu", k);
        cr_expect_eq(err.status, SG_ERR_INVALID, "case %zu", k);
        cr_expect_str_eq(err.msg, get_err_cases[k].msg, "case %zu", k);
        cr_expect_eq(found, strstr(get_err_cases[k].msg, "missing") == NULL, "case %zu: found", k);
    }
    sg_toml_destroy(doc);
}

Test(toml_get, error_messages)
{
    sg_toml_doc *doc = NULL;
    sg_error err;
    cr_assert_eq(sg_toml_parse(helper_src, strlen(helper_src), "s.toml", &doc, &err), SG_OK);
    const sg_toml_value *r = sg_toml_root(doc), *model = NULL;
    int64_t i = 0;
    sg_toml_get_table(r, "model", true, &model, NULL, &err);
    /* wrong type is an error even when the key is optional */
    cr_expect_eq(sg_toml_get_integer(r, "name", false, &i, NULL, &err), SG_ERR_INVALID);
    /* not a table / NULL key */
    cr_expect_eq(sg_toml_get_integer(sg_toml_table_get(r, "seed"), "x", false, &i, NULL, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_toml_get_integer(r, NULL, false, &i, NULL, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_toml_get_integer(NULL, "x", false, &i, NULL, NULL), SG_ERR_INVALID);
    /* loaders' own messages */
    cr_expect_eq(sg_toml_error_at(&err, SG_ERR_INVALID, sg_toml_table_get(r, "rate"), "min (%g) must be below max (%g)",
                                  150.0, 50.0),
                 SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "s.toml:3:8: min (150) must be below max (50)");
    cr_expect_eq(sg_toml_error_at_key(&err, SG_ERR_INVALID, model, 1, "unknown key '%s'",
                                      sg_toml_table_key(model, 1)),
                 SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "s.toml:7:3: unknown key 'opts'");
    sg_toml_destroy(doc);
}

static const char *type_names[] = {"table", "array", "string", "integer", "float", "boolean",
                                   "offset date-time", "local date-time", "local date", "local time"};

TableTestN(SG_TOML_TIME_LOCAL - SG_TOML_TABLE + 1, row, toml_get, type_name_table)
{
    int t = SG_TOML_TABLE + (int)row;
    cr_expect_str_eq(sg_toml_type_name((sg_toml_type)t), type_names[t]);
}

Test(toml_get, type_names)
{
    cr_expect_str_eq(sg_toml_type_name((sg_toml_type)99), "unknown type");
}

/* ------------------------------------------------------------------------
 * Float and date-time formatting used by the decoder.
 */
static const double xs[] = {0.1, 2.385, 1.0 / 3.0, 6.02214076e23, 5e-324, 1.7976931348623157e308,
                            -123456.789, 100.0, 1e21, 0.30000000000000004};

TableTest(xs, i, toml_json, float_shortest_round_trip)
{
    char buf[40];
    {
        sg_toml_json_format_float(xs[i], buf, sizeof buf);
        cr_expect_eq(strtod(buf, NULL), xs[i], "%s", buf);
        cr_expect(strpbrk(buf, ".e") != NULL, "%s", buf);
        /* and it reads back through the TOML parser */
        char src[64];
        snprintf(src, sizeof src, "x = %s", buf);
        sg_toml_doc *doc = NULL;
        sg_error err;
        cr_assert_eq(sg_toml_parse(src, strlen(src), NULL, &doc, &err), SG_OK, "%s: %s", src, err.msg);
        cr_expect_eq(sg_toml_float(sg_toml_table_get(sg_toml_root(doc), "x")), xs[i]);
        sg_toml_destroy(doc);
    }
}

Test(toml_json, float_format_spellings)
{
    char buf[40];
    cr_expect_str_eq(sg_toml_json_format_float(0.1, buf, sizeof buf), "0.1");
    cr_expect_str_eq(sg_toml_json_format_float(100.0, buf, sizeof buf), "100.0");
    cr_expect_str_eq(sg_toml_json_format_float(-INFINITY, buf, sizeof buf), "-inf");
    cr_expect_str_eq(sg_toml_json_format_float(NAN, buf, sizeof buf), "nan");
}

/* ------------------------------------------------------------------------
 * The conformance decoder binary (build/toml-decoder).
 */
static int run_decoder(const char *input, size_t len, char *out, size_t outsz, char *errout, size_t errsz)
{
    const char *build = getenv("SURROGATE_BUILD");
    char dec[1024];
    snprintf(dec, sizeof dec, "%s/toml-decoder", build ? build : "build");
    if (access(dec, X_OK) != 0)
        return -2;
    char in[] = "/tmp/tdec_in_XXXXXX", o[] = "/tmp/tdec_out_XXXXXX", e[] = "/tmp/tdec_err_XXXXXX";
    int fi = mkstemp(in), fo = mkstemp(o), fe = mkstemp(e);
    cr_assert(fi >= 0 && fo >= 0 && fe >= 0);
    cr_assert_eq(write(fi, input, len), (ssize_t)len);
    close(fi);
    close(fo);
    close(fe);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' < '%s' > '%s' 2> '%s'", dec, in, o, e);
    int rc = system(cmd);
    FILE *f = fopen(o, "rb");
    size_t n = f ? fread(out, 1, outsz - 1, f) : 0;
    out[n] = '\0';
    if (f)
        fclose(f);
    f = fopen(e, "rb");
    n = f ? fread(errout, 1, errsz - 1, f) : 0;
    errout[n] = '\0';
    if (f)
        fclose(f);
    unlink(in);
    unlink(o);
    unlink(e);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* every 3rd document */
TableTestN((sizeof doc_cases / sizeof doc_cases[0] + 2) / 3, row, toml_decoder, valid_documents_round_trip)
{
    char out[65536], errout[4096];
    {
        size_t i = 3 * row;
        int rc = run_decoder(doc_cases[i].src, strlen(doc_cases[i].src), out, sizeof out, errout, sizeof errout);
        if (rc == -2)
            cr_skip_test("toml-decoder not built");
        cr_expect_eq(rc, 0, "case %zu: %s", i, errout);
        size_t n = strlen(out);
        cr_expect(n > 0 && out[n - 1] == '\n');
        if (n)
            out[n - 1] = '\0';
        cr_expect_str_eq(out, doc_cases[i].json, "case %zu", i);
        cr_expect_str_eq(errout, "");
    }
}

Test(toml_decoder, decoder_json_equals_library_json)
{
    char out[65536], errout[4096];
    /* decoder output re-encoded from its own JSON equals the library rendering */
    const char *study = "# study\ntitle = \"L27\"\n[[factor]]\nname = \"T\"\nlevels = [1090.0, 1120.5, 1.15e3]\n"
                        "when = 2026-11-29T01:00:00.25+01:00\n";
    int rc = run_decoder(study, strlen(study), out, sizeof out, errout, sizeof errout);
    if (rc == -2)
        cr_skip_test("toml-decoder not built");
    cr_expect_eq(rc, 0);
    sg_error err;
    char *json = to_json(study, strlen(study), &err);
    cr_assert_not_null(json);
    out[strcspn(out, "\n")] = '\0';
    cr_expect_str_eq(out, json);
    cr_expect(strstr(out, "{\"type\":\"float\",\"value\":\"1120.5\"}") != NULL, "%s", out);
    cr_expect(strstr(out, "{\"type\":\"datetime\",\"value\":\"2026-11-29T01:00:00.25+01:00\"}") != NULL);
    free(json);
}

/* every 7th error case */
TableTestN((sizeof err_cases / sizeof err_cases[0] + 6) / 7, row, toml_decoder, invalid_documents_exit_1_with_position)
{
    char out[4096], errout[4096];
    {
        size_t i = 7 * row;
        const err_case *c = &err_cases[i];
        int rc = run_decoder(c->src, strlen(c->src), out, sizeof out, errout, sizeof errout);
        if (rc == -2)
            cr_skip_test("toml-decoder not built");
        cr_expect_eq(rc, 1, "case %zu", i);
        cr_expect_str_eq(out, "", "case %zu", i);
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%d:%d: ", c->line, c->col);
        cr_expect(strncmp(errout, prefix, strlen(prefix)) == 0, "case %zu: want %s got %s", i, prefix, errout);
        cr_expect(strstr(errout, c->msg) != NULL, "case %zu: %s", i, errout);
    }
}

/* Floats agree bit for bit with strtod over many generated spellings
 * (exercises both the fast path and the strtod fallback). */
Test(toml_values, floats_match_strtod)
{
    uint64_t x = 0x9E3779B97F4A7C15u;
    char num[64], src[80];
    for (int k = 0; k < 20000; k++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int ndig = 1 + (int)(x % 19), dot = (int)((x >> 8) % (uint64_t)(ndig + 1));
        int o = 0;
        if ((x >> 16) & 1)
            num[o++] = '-';
        uint64_t y = x;
        for (int d = 0; d < ndig; d++) {
            if (d == dot && d > 0)
                num[o++] = '.';
            num[o++] = (char)('0' + (d == 0 && ndig > 1 && dot != 1 ? 1 + y % 9 : y % 10));
            y = y / 10 + (y << 7);
        }
        bool has_dot = dot > 0 && dot < ndig;
        if (!has_dot || (x >> 20) & 1)
            o += sprintf(num + o, "e%d", (int)((x >> 24) % 80) - 40);
        num[o] = '\0';
        if (num[0] == '0' && num[1] != '.' && num[1] != 'e' && num[1] != '\0')
            continue; /* leading zero: not TOML */
        if (num[0] == '-' && num[1] == '0' && num[2] != '.' && num[2] != 'e' && num[2] != '\0')
            continue;
        snprintf(src, sizeof src, "x = %s", num);
        sg_toml_doc *doc = NULL;
        sg_error err;
        cr_assert_eq(sg_toml_parse(src, strlen(src), NULL, &doc, &err), SG_OK, "%s: %s", src, err.msg);
        double got = sg_toml_float(sg_toml_table_get(sg_toml_root(doc), "x")), want = strtod(num, NULL);
        cr_assert(memcmp(&got, &want, sizeof got) == 0, "%s: %.17g vs %.17g", num, got, want);
        sg_toml_destroy(doc);
    }
}

/* ------------------------------------------------------------------------
 * U+0000 in strings and keys: lengths are kept, the tagged JSON (what the
 * toml-test decoder prints) has the whole string, loaders refuse it.
 */
Test(toml_nul, keys_and_strings_keep_their_length)
{
    const char *src = "\"k\\u0000z\" = \"a\\u0000\\u0000b\"\n[\"t\\u0000\"]\nx = 'q'\n";
    sg_toml_doc *doc = NULL;
    sg_error err;
    cr_assert_eq(sg_toml_parse(src, strlen(src), NULL, &doc, &err), SG_OK, "%s", err.msg);
    const sg_toml_value *r = sg_toml_root(doc);
    cr_assert_eq(sg_toml_table_size(r), 2);
    cr_expect_eq(sg_toml_table_key_len(r, 0), 3);
    cr_expect_eq(memcmp(sg_toml_table_key(r, 0), "k\0z", 4), 0);
    cr_expect_eq(sg_toml_table_key_len(r, 1), 2);
    cr_expect_eq(memcmp(sg_toml_table_key(r, 1), "t\0", 3), 0);
    cr_expect_eq(sg_toml_table_key_len(r, 2), 0, "out of range");
    cr_expect_eq(sg_toml_table_key_len(NULL, 0), 0);
    size_t len = 0;
    const char *s = sg_toml_string(sg_toml_table_value(r, 0), &len);
    cr_expect_eq(len, 4);
    cr_expect_eq(memcmp(s, "a\0\0b", 5), 0);
    /* "k" alone is another key */
    cr_expect_null(sg_toml_table_get(r, "k"));
    sg_toml_destroy(doc);
}

Test(toml_nul, tagged_json_has_the_whole_strings)
{
    static const struct {
        const char *src, *json;
    } cases[] = {
        /* toml-test valid/string/escapes-style cases */
        {"a = \"x\\u0000y\"\n", "{\"a\":{\"type\":\"string\",\"value\":\"x\\u0000y\"}}"},
        {"a = \"\\u0000\"\n", "{\"a\":{\"type\":\"string\",\"value\":\"\\u0000\"}}"},
        {"\"\\u0000\" = 1\n", "{\"\\u0000\":{\"type\":\"integer\",\"value\":\"1\"}}"},
        {"\"k\\u0000z\" = \"\\u0000\\u001f\\\"\\\\\"\n",
         "{\"k\\u0000z\":{\"type\":\"string\",\"value\":\"\\u0000\\u001f\\\"\\\\\"}}"},
        {"[\"a\\u0000b\".c]\nd = [\"\\u0000\", 'e']\n",
         "{\"a\\u0000b\":{\"c\":{\"d\":[{\"type\":\"string\",\"value\":\"\\u0000\"},"
         "{\"type\":\"string\",\"value\":\"e\"}]}}}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sg_error err;
        char *json = to_json(cases[i].src, strlen(cases[i].src), &err);
        cr_assert_not_null(json, "case %zu: %s", i, err.msg);
        cr_expect_str_eq(json, cases[i].json, "case %zu", i);
        free(json);
    }
}

Test(toml_nul, get_string_refuses_nul)
{
    const char *src = "name = \"ab\\u0000c\"\nok = \"abc\"\n";
    sg_toml_doc *doc = NULL;
    sg_error err;
    cr_assert_eq(sg_toml_parse(src, strlen(src), "n.toml", &doc, &err), SG_OK, "%s", err.msg);
    const char *out = "default";
    bool found = false;
    cr_expect_eq(sg_toml_get_string(sg_toml_root(doc), "name", true, &out, &found, &err),
                 SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "n.toml:1:8: 'name' contains U+0000 (written \\u0000), which is "
                              "not allowed here");
    cr_expect_str_eq(out, "default");
    cr_expect_eq(sg_toml_get_string(sg_toml_root(doc), "ok", true, &out, &found, &err), SG_OK);
    cr_expect_str_eq(out, "abc");
    sg_toml_destroy(doc);
}
