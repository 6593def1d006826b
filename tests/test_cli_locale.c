/* test_cli_locale.c — the CLI under a decimal-comma locale (de_DE.UTF-8,
 * made by `make deps`) writes exactly what it writes under the C locale:
 * stdout of check/analyze/fit --json, the model file and the results file.
 * The CLI calls setlocale(LC_ALL, ""), so the library really runs under the
 * user's locale.  A missing locale fails the test. */
#include "cli_harness.h"
#include "light_study.h"

#include <locale.h>

TestSuite(cli_locale, .init = harness_setup, .fini = harness_teardown, .timeout = 240);

#define DECIMAL_COMMA_LOCALE "de_DE.UTF-8"

_Static_assert(sizeof ((result *)0)->out == 1 << 20, "outputs.check etc. must match result.out");

typedef struct outputs {
    char check[1 << 20], analyze[1 << 20], fit[1 << 20]; /* as result.out */
    char model[1 << 16], results[1 << 19];
    size_t n_model, n_results;
} outputs;

static outputs in_c, in_de;

/* Run check, analyze and fit --json on the light study (report in the
 * temporary directory) with LC_ALL=locale; keep stdout and the files. */
static void run_all(const char *locale, outputs *o)
{
    setenv("LC_ALL", locale, 1);
    const char *study = light_brazing("light.toml", "out.xlsx");
    static char path[256];
    snprintf(path, sizeof path, "%s", study);
    result *r = run("check", "--json", path, NULL);
    cr_assert_eq(r->code, 0, "%s: %s", locale, r->err);
    memcpy(o->check, r->out, sizeof o->check);
    r = run("analyze", "--json", path, NULL);
    cr_assert_eq(r->code, 0, "%s: %s", locale, r->err);
    memcpy(o->analyze, r->out, sizeof o->analyze);
    r = run("fit", "--json", "-q", path, NULL);
    cr_assert_eq(r->code, 0, "%s: %s", locale, r->err);
    memcpy(o->fit, r->out, sizeof o->fit);
    o->n_model = slurp(tmp_path("brazing.model.json"), o->model, sizeof o->model);
    o->n_results = slurp(tmp_path("brazing.model.results.json"), o->results, sizeof o->results);
    cr_assert_lt(o->n_results + 1, sizeof o->results, "results file larger than the buffer");
    unsetenv("LC_ALL");
}

Test(cli_locale, decimal_comma_locale_changes_no_output)
{
    /* the locale must exist and really use a decimal comma */
    cr_assert_not_null(setlocale(LC_ALL, DECIMAL_COMMA_LOCALE),
                       "locale %s is missing: run 'make deps'", DECIMAL_COMMA_LOCALE);
    char probe[16];
    snprintf(probe, sizeof probe, "%.2f", 1.25);
    setlocale(LC_ALL, "C");
    cr_assert_str_eq(probe, "1,25", "%s has no decimal comma", DECIMAL_COMMA_LOCALE);

    setenv("SOURCE_DATE_EPOCH", "1795900000", 1); /* the report date in fit's JSON */
    run_all("C", &in_c);
    run_all(DECIMAL_COMMA_LOCALE, &in_de);
    unsetenv("SOURCE_DATE_EPOCH");

    /* real content, with decimal points */
    cr_expect(strstr(in_c.check, "\"ok\":\ttrue") != NULL, "%s", in_c.check);
    cr_expect(strstr(in_c.model, "0.") != NULL);
    cr_expect_gt(in_c.n_model, 1000);
    cr_expect_gt(in_c.n_results, 1000);

    cr_expect_str_eq(in_de.check, in_c.check);
    cr_expect_str_eq(in_de.analyze, in_c.analyze);
    cr_expect_str_eq(in_de.fit, in_c.fit);
    cr_expect_eq(in_de.n_model, in_c.n_model);
    cr_expect(memcmp(in_de.model, in_c.model, in_c.n_model) == 0, "model files differ");
    cr_expect_eq(in_de.n_results, in_c.n_results);
    cr_expect(memcmp(in_de.results, in_c.results, in_c.n_results) == 0, "results files differ");
}

/* Numbers in the study file parse the same under a decimal-comma locale: a
 * factor bound of 2.75 is not read as 2 (strtod would stop at the '.'). */
Test(cli_locale, study_numbers_parse_with_a_point)
{
    cr_assert_not_null(setlocale(LC_ALL, DECIMAL_COMMA_LOCALE),
                       "locale %s is missing: run 'make deps'", DECIMAL_COMMA_LOCALE);
    setlocale(LC_ALL, "C");
    static char text[16384];
    slurp(light_brazing("light.toml", "out.xlsx"), text, sizeof text - 16);
    light_replace(text, sizeof text, "min = 3\n", "min = 2.75\n");
    const char *study = put("light.toml", text);
    setenv("LC_ALL", DECIMAL_COMMA_LOCALE, 1);
    result *r = run("check", "--json", study, NULL);
    unsetenv("LC_ALL");
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *doc = parse_out(r);
    cJSON *cooling = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "check"), "factors"), 3);
    cr_assert_str_eq(cJSON_GetObjectItem(cooling, "name")->valuestring, "cooling");
    cr_expect_eq(cJSON_GetObjectItem(cooling, "min")->valuedouble, 2.75);
    cr_expect(strstr(r->out, "\"min\":\t2.75,") != NULL, "%s", r->out);
    cJSON_Delete(doc);
}
