/* test_json.c — the core JSON builder and reader: the non-finite rule,
 * exact round trips, out-of-memory (a NULL parent stands for a failed
 * allocation), and reader errors that name the key path. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

/* Build a document with f and print it compactly. */
static char *build(void (*f)(sg_json_builder *b, cJSON *root))
{
    sg_json_builder b;
    cJSON *root = sg_json_build_begin(&b), *doc = NULL;
    f(&b, root);
    sg_error err;
    cr_assert_eq(sg_json_build_end(&b, root, "test", &doc, &err), SG_OK, "%s", err.msg);
    char *text = NULL;
    cr_assert_eq(sg_json_print(doc, false, false, &text, NULL, &err), SG_OK);
    cJSON_Delete(doc);
    return text;
}

static void numbers_doc(sg_json_builder *b, cJSON *root)
{
    sg_json_number(b, root, "x", 2.385);
    sg_json_number(b, root, "nan", NAN);
    sg_json_number(b, root, "inf", -INFINITY);
    double v[] = {1.5, NAN, INFINITY};
    sg_json_numbers(b, root, "v", v, 3);
    sg_json_count(b, root, "n", 27);
    sg_json_string(b, root, "s", "MPa");
    sg_json_string(b, root, "none", NULL);
    sg_json_bool(b, root, "ok", true);
}

Test(json, report_numbers_non_finite_are_null)
{
    char *t = build(numbers_doc);
    cr_expect_str_eq(t, "{\"x\":2.385,\"nan\":null,\"inf\":null,\"v\":[1.5,null,null],\"n\":27,"
                        "\"s\":\"MPa\",\"none\":null,\"ok\":true}");
    free(t);
}

static void reason_doc(sg_json_builder *b, cJSON *root)
{
    sg_json_number_or_reason(b, root, "f", 4.25, NULL);
    sg_json_number_or_reason(b, root, "p", 0.5, "no error degrees of freedom");
    sg_json_number_or_reason(b, root, "q", NAN, NULL);
}

Test(json, number_or_reason)
{
    char *t = build(reason_doc);
    cr_expect_str_eq(t, "{\"f\":4.25,\"p\":null,\"p_reason\":\"no error degrees of freedom\","
                        "\"q\":null}");
    free(t);
}

static void exact_doc(sg_json_builder *b, cJSON *root)
{
    double v[] = {0.1, 1.0 / 3.0, NAN, INFINITY, -INFINITY, -2.385e-300};
    sg_json_exacts(b, root, "v", v, 6);
    sg_json_exact(b, root, "one", 1.0);
    sg_json_u64(b, root, "seed", UINT64_MAX);
}

Test(json, exact_numbers_round_trip_every_bit)
{
    char *t = build(exact_doc);
    cr_expect_str_eq(t, "{\"v\":[0.10000000000000001,0.33333333333333331,\"nan\",\"inf\",\"-inf\","
                        "-2.3850000000000001e-300],\"one\":1,\"seed\":\"18446744073709551615\"}");
    cJSON *doc = NULL;
    cr_assert_eq(sg_json_parse(t, strlen(t), "x.json", "test file", &doc, NULL), SG_OK);
    sg_json_reader r = {"x.json", SG_ERR_PARSE, NULL, SG_OK};
    sg_json_at root = sg_json_root(doc);
    double got[6];
    cr_assert(sg_json_get_exacts(&r, &root, "v", got, 6));
    cr_expect_eq(got[0], 0.1);
    cr_expect_eq(got[1], 1.0 / 3.0);
    cr_expect(isnan(got[2]));
    cr_expect(isinf(got[3]) && got[3] > 0);
    cr_expect(isinf(got[4]) && got[4] < 0);
    cr_expect_eq(got[5], -2.385e-300);
    uint64_t seed = 0;
    cr_expect(sg_json_get_u64(&r, &root, "seed", &seed));
    cr_expect_eq(seed, UINT64_MAX);
    cJSON_Delete(doc);
    free(t);
}

/* A failed allocation leaves a NULL parent: every later add is a no-op, and
 * the end returns SG_ERR_NOMEM with no tree. */
Test(json, out_of_memory_never_returns_a_half_built_tree)
{
    sg_json_builder b;
    cJSON *root = sg_json_build_begin(&b);
    sg_json_number(&b, root, "before", 1.25);
    cJSON *lost = NULL; /* as sg_json_object returns when cJSON_CreateObject fails */
    sg_json_number(&b, lost, "x", 2.0);
    cJSON *child = sg_json_object(&b, lost, "child");
    cr_expect_null(child);
    sg_json_string(&b, child, "s", "t");
    sg_json_number(&b, root, "after", 3.0); /* still added, but the build has failed */
    cJSON *doc = (cJSON *)&b;
    sg_error err;
    cr_expect_eq(sg_json_build_end(&b, root, "fit result", &doc, &err), SG_ERR_NOMEM);
    cr_expect_null(doc);
    cr_expect_str_eq(err.msg, "fit result: out of memory building the JSON document");
    /* a NULL item (a failed cJSON_Create*) fails the build too */
    root = sg_json_build_begin(&b);
    sg_json_add(&b, root, "k", NULL);
    cr_expect_eq(sg_json_build_end(&b, root, NULL, &doc, NULL), SG_ERR_NOMEM);
}

Test(json, object_and_array_parents)
{
    sg_json_builder b;
    cJSON *root = sg_json_build_begin(&b);
    cJSON *a = sg_json_array(&b, root, "runs");
    cJSON *o = sg_json_object(&b, a, "ignored for arrays");
    sg_json_count(&b, o, "row", 3);
    sg_json_null(&b, a, NULL);
    cJSON *doc = NULL;
    cr_assert_eq(sg_json_build_end(&b, root, "t", &doc, NULL), SG_OK);
    char *t = NULL;
    size_t len = 0;
    cr_assert_eq(sg_json_print(doc, true, true, &t, &len, NULL), SG_OK);
    cr_expect_str_eq(t, "{\n\t\"runs\":\t[{\n\t\t\t\"row\":\t3\n\t\t}, null]\n}\n");
    cr_expect_eq(len, strlen(t));
    free(t);
    cJSON_Delete(doc);
}

/* ---- reader errors name the key path ---- */

static const char *DOC = "{\"members\": [{\"params\": [1, 2]}, {\"params\": [1, 2]},"
                         " {\"params\": {\"a\": 1}}], \"n\": -1, \"name\": 7,"
                         " \"v\": [1, \"x\", 3], \"flag\": 1, \"seed\": \"+5\"}";

/* Run one reading step on DOC and return the error message. */
static const char *read_error(int step)
{
    static sg_error err;
    cJSON *doc = NULL;
    cr_assert_eq(sg_json_parse(DOC, strlen(DOC), "model.json", "model file", &doc, &err), SG_OK,
                 "%s", err.msg);
    sg_json_reader r = {"model.json", SG_ERR_INVALID, &err, SG_OK};
    sg_json_at root = sg_json_root(doc), m, e;
    double d[2];
    size_t n = 0;
    bool flag;
    uint64_t u;
    bool ok = true;
    switch (step) {
    case 0:
        ok = sg_json_key(&r, &root, "members", &m) && sg_json_array_at(&r, &m, &n);
        cr_assert_eq(n, 3);
        for (size_t i = 0; ok && i < n; i++) {
            sg_json_item(&m, i ? &e : NULL, i, &e);
            ok = sg_json_get_numbers(&r, &e, "params", d, 2);
        }
        break;
    case 1:
        ok = sg_json_get_size(&r, &root, "n", 100, &n);
        break;
    case 2:
        ok = sg_json_get_string(&r, &root, "name") != NULL;
        break;
    case 3:
        ok = sg_json_get_numbers(&r, &root, "v", d, 2);
        break;
    case 4:
        ok = sg_json_get_bool(&r, &root, "flag", &flag);
        break;
    case 5:
        ok = sg_json_get_u64(&r, &root, "seed", &u);
        break;
    case 6:
        ok = sg_json_get_number(&r, &root, "missing", d);
        break;
    case 7:
        ok = sg_json_key(&r, &root, "members", &m) && sg_json_get_number(&r, &m, "x", d);
        break;
    }
    cr_expect_not(ok, "step %d", step);
    cr_expect_eq(r.st, SG_ERR_INVALID);
    cJSON_Delete(doc);
    return err.msg;
}

Test(json, reader_errors_name_the_key_path)
{
    cr_expect_str_eq(read_error(0), "model.json: members[2].params: expected an array of 2 "
                                    "finite numbers");
    cr_expect_str_eq(read_error(1), "model.json: n: expected an integer from 0 to 100");
    cr_expect_str_eq(read_error(2), "model.json: name: expected a string");
    cr_expect_str_eq(read_error(3), "model.json: v[1]: expected a finite number");
    cr_expect_str_eq(read_error(4), "model.json: flag: expected true or false");
    cr_expect_str_eq(read_error(5), "model.json: seed: expected an unsigned integer in a string");
    cr_expect_str_eq(read_error(6), "model.json: missing: missing");
    cr_expect_str_eq(read_error(7), "model.json: members: expected an object");
}

Test(json, first_error_is_kept)
{
    sg_error err;
    sg_json_reader r = {"r.json", SG_ERR_PARSE, &err, SG_OK};
    sg_json_at root = sg_json_root(NULL);
    cr_expect_not(sg_json_fail(&r, &root, "first %d", 1));
    cr_expect_not(sg_json_fail(&r, &root, "second"));
    cr_expect_eq(err.status, SG_ERR_PARSE);
    cr_expect_str_eq(err.msg, "r.json: first 1");
}

Test(json, long_paths_are_cut_with_dots)
{
    char key[SG_JSON_PATH_MAX * 2];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    sg_json_at root = sg_json_root(NULL), deep;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, key, 1);
    root.node = o;
    cr_assert(sg_json_has(&root, key, &deep));
    cr_expect_eq(strlen(deep.path), SG_JSON_PATH_MAX - 1);
    cr_expect_str_eq(deep.path + SG_JSON_PATH_MAX - 4, "...");
    cJSON_Delete(o);
}

Test(json, parse_refuses_nul_bytes_and_syntax_errors)
{
    sg_error err;
    cJSON *doc = NULL;
    cr_expect_eq(sg_json_parse("{\"a\":\0 1}", 9, "n.json", "results file", &doc, &err),
                 SG_ERR_PARSE);
    cr_expect_str_eq(err.msg, "n.json: not a valid results file (NUL byte at byte 5)");
    cr_expect_eq(sg_json_parse("{\"a\": [1, 2", 11, "t.json", "model file", &doc, &err),
                 SG_ERR_PARSE);
    cr_expect(strstr(err.msg, "t.json: not a valid model file (JSON syntax error or truncated "
                              "file near byte") == err.msg,
              "%s", err.msg);
    cr_expect_null(doc);
}
