/* End-to-end tests of `surrogate next` on the light brazing study: the
 * proposals are printed with their reasons, written as a run sheet in doe's
 * format (CSV and XLSX, empty response cells) that never replaces a filled
 * one, the data file is untouched, the same seed gives the same sheet, and
 * bad options fail before any work. */
#include "cli_harness.h"
#include "light_study.h"

TestSuite(cli_next, .init = harness_setup, .fini = harness_teardown);

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

Test(cli_next, proposals_become_a_run_sheet_and_the_data_stay_untouched)
{
    static char study[512]; /* tmp_path's buffer is reused below */
    snprintf(study, sizeof study, "%s", light_brazing("light.toml", "out.xlsx"));
    static char before[1 << 16], after[1 << 16], sheet[8192], again[8192];
    slurp("data/brazing_l27.csv", before, sizeof before);
    result *r = run("next", study, "--runs", "3", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Next simulations (3)"), "%s", r->out);
    cr_expect(strstr(r->out, "expected improvement") || strstr(r->out, "exploration"), "%s",
              r->out);
    slurp("data/brazing_l27.csv", after, sizeof after);
    cr_expect_str_eq(before, after, "the data file changed");
    /* the study is named brazing: <report dir>/<study>-next.csv */
    static char csv[512];
    snprintf(csv, sizeof csv, "%s", tmp_path("brazing-next.csv"));
    slurp(csv, sheet, sizeof sheet);
    cr_expect(strncmp(sheet, "run,thickness_um,temperature_C,hold_min,cooling_C_per_min,"
                             "stress_max_MPa,stress_path1_MPa,stress_path2_MPa",
                      100) == 0,
              "%s", sheet);
    cr_expect_eq(count_lines(sheet), 4, "header and 3 runs: %s", sheet);
    /* empty response cells */
    cr_expect(strstr(sheet, ",,,") != NULL, "%s", sheet);
    cr_expect_eq(access(tmp_path("brazing-next.xlsx"), F_OK), 0);
    /* deterministic: the same sheet again (the blank sheet may be replaced) */
    r = run("next", study, "--runs", "3", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    slurp(csv, again, sizeof again);
    cr_expect_str_eq(sheet, again);
    /* JSON */
    r = run("next", study, "--runs", "2", "--json", "--out", tmp_path("j.csv"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *doc = cJSON_Parse(r->out);
    cr_assert_not_null(doc, "%s", r->out);
    cJSON *runs = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "next"), "runs");
    cr_expect_eq(cJSON_GetArraySize(runs), 2);
    cJSON *why = cJSON_GetObjectItem(cJSON_GetArrayItem(runs, 0), "reason");
    cr_assert(cJSON_IsString(why));
    /* the uncertainty is one sd, named so: a bare +- reads as the interval */
    cr_expect(strstr(why->valuestring, "sd ") && !strstr(why->valuestring, "+-"), "%s",
              why->valuestring);
    cr_expect(cJSON_IsObject(cJSON_GetObjectItem(doc, "fit")));
    cJSON_Delete(doc);
    /* the saved results keep the optimisation next ran: report rewrites
     * the workbook with its decision */
    r = run("report", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Optimization"), "%s", r->out);
}

Test(cli_next, a_filled_sheet_is_never_replaced)
{
    static char study[512]; /* tmp_path's buffer is reused below */
    snprintf(study, sizeof study, "%s", light_brazing("light.toml", "out.xlsx"));
    result *r = run("next", study, "--runs", "2", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    static char csv[512];
    snprintf(csv, sizeof csv, "%s", tmp_path("brazing-next.csv"));
    static char sheet[8192];
    slurp(csv, sheet, sizeof sheet);
    /* fill in the first run's stress_max */
    char *line2 = strchr(sheet, '\n') + 1;
    char *end = strchr(line2, '\n');
    cr_assert(end && end - line2 > 4 && end[-3] == ',' && end[-2] == ',' && end[-1] == ',');
    static char filled[8300];
    snprintf(filled, sizeof filled, "%.*s%s%s", (int)(end - 2 - sheet), sheet, "471.2,,",
             end);
    put("brazing-next.csv", filled);
    r = run("next", study, "--runs", "2", NULL);
    cr_expect_eq(r->code, 3, "%s", r->err);
    cr_expect(strstr(r->err, "already holds results"), "%s", r->err);
    static char kept[8300];
    slurp(csv, kept, sizeof kept);
    cr_expect_str_eq(kept, filled);
}

Test(cli_next, bad_options_fail_before_any_work)
{
    static char study[512]; /* tmp_path's buffer is reused below */
    snprintf(study, sizeof study, "%s", light_brazing("light.toml", "out.xlsx"));
    result *r = run("next", study, "--runs", "0", NULL);
    cr_expect_eq(r->code, 2, "%s", r->err);
    r = run("next", study, "--runs", "x", NULL);
    cr_expect_eq(r->code, 2, "%s", r->err);
    cr_expect_neq(access(tmp_path("brazing.model.json"), F_OK), 0, "no fit before the error");
}
