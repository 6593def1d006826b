/* End-to-end tests of the `surrogate` binary (path in $SURROGATE_BIN, set by
 * `make test`; run from the project root). */
#include "cli_harness.h"
#include "light_study.h"
#include "table_test.h"

#define BRAZING "studies/brazing.toml"

TestSuite(cli, .init = harness_setup, .fini = harness_teardown);

#define STUDY_OK                                                                                 \
    "[study]\nname = \"t\"\n[data]\nfile = \"d.csv\"\n"                                          \
    "[[factor]]\nname = \"a\"\nmin = 1\nmax = 3\nlevels = [1, 2, 3]\n"                           \
    "[[response]]\nname = \"y\"\ngoal = \"maximize\"\n"

Test(cli, version_lists_libraries)
{
    result *r = run("--version", NULL);
    cr_expect_eq(r->code, 0);
    const char *want[] = {"surrogate 0.1.0", "GSL 2.", "NLopt 2.", "OpenBLAS 0.", "libxlsxwriter 1.",
                          "cJSON 1.", "libcsv 3."};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(strstr(r->out, want[i]) != NULL, "missing '%s' in:\n%s", want[i], r->out);
    cr_expect_str_eq(r->err, "");
}

Test(cli, help_and_usage)
{
    result *r = run("--help", NULL);
    cr_expect_eq(r->code, 0);
    cr_expect(strstr(r->out, "  check ") && strstr(r->out, "  run "), "%s", r->out);
    cr_expect(strstr(r->out, "exit codes"), "%s", r->out);
    r = run(NULL);
    cr_expect_eq(r->code, 2);
    cr_expect_str_eq(r->out, "");
    cr_expect(strstr(r->err, "usage: surrogate <command>"), "%s", r->err);
    r = run("check", "--help", NULL);
    cr_expect_eq(r->code, 0);
    cr_expect(strstr(r->out, "usage: surrogate check [options] <study.toml>"), "%s", r->out);
    cr_expect(strstr(r->out, "-q, --quiet") && strstr(r->out, "--json"), "%s", r->out);
    r = run("help", "run", NULL);
    cr_expect_eq(r->code, 0);
    cr_expect(strstr(r->out, "usage: surrogate run"), "%s", r->out);
}

/* Every command's description (not its summary or option table) is wrapped
 * for an 80-column terminal (doe's ran to 100 columns, report's to 91). */
Test(cli, help_text_fits_80_columns)
{
    const char *cmds[] = {"check", "analyze", "doe",  "fit",  "predict", "optimize",
                          "report", "sensitivity", "next", "loop", "run", "batch"};
    for (size_t c = 0; c < sizeof cmds / sizeof cmds[0]; c++) {
        result *r = run(cmds[c], "--help", NULL);
        cr_assert_eq(r->code, 0, "%s", cmds[c]);
        const char *options = strstr(r->out, "\noptions:");
        cr_assert_not_null(options, "%s", cmds[c]);
        /* after the usage line and the summary (also a line of the command
         * list of 'surrogate --help') */
        const char *text = strstr(r->out, "\n\n");
        text = text ? strstr(text + 2, "\n\n") : NULL;
        cr_assert_not_null(text, "%s", r->out);
        for (const char *line = text + 2; line < options;) {
            const char *end = strchr(line, '\n');
            size_t len = end ? (size_t)(end - line) : strlen(line);
            cr_expect(len <= 80, "%s --help: a line of %zu columns: %.*s", cmds[c], len, (int)len,
                      line);
            line += len + 1;
        }
    }
}

static const struct {
    const char *a, *b, *c;
    const char *want;
} usage_cases[] = {
    {"chek", BRAZING, NULL, "unknown command 'chek'; did you mean 'check'?"},
    {"frobnicate", NULL, NULL, "unknown command 'frobnicate'\nRun 'surrogate --help'"},
    {"check", "--jsno", BRAZING, "unknown option '--jsno' for 'check'; did you mean '--json'?"},
    {"check", "-x", BRAZING, "unknown option '-x' for 'check'"},
    {"check", NULL, NULL, "'check' needs a study file"},
    {"check", BRAZING, BRAZING, "'check' takes one study file"},
    {"run", "--json=yes", BRAZING, "option '--json' takes no value"},
    {"--quiet", "check", BRAZING, "'--quiet' is not a command"},
};

TableTest(usage_cases, c, cli, usage_errors_exit_2_with_hint)
{
    {
        result *r = run(usage_cases[c].a, usage_cases[c].b, usage_cases[c].c, NULL);
        cr_expect_eq(r->code, 2, "case %zu", c);
        cr_expect_str_eq(r->out, "", "case %zu", c);
        cr_expect(strstr(r->err, usage_cases[c].want) != NULL, "case %zu: stderr:\n%s", c, r->err);
    }
}

Test(cli, check_brazing_prints_summary)
{
    result *r = run("check", BRAZING, NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
    cr_expect_str_eq(r->err, "");
    const char *want[] = {"Study      brazing (FC-0208/304 brazed joint: residual stress)",
                          "27 rows used, 0 excluded",
                          "thickness      um            50       150  50, 100, 150",
                          "stress_max     MPa     minimize",
                          "balanced orthogonal array: yes",
                          "standard array: L27(3^13), factors in columns thickness = 1",
                          "duplicate runs: none",
                          "OK: the study and its data are valid."};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(strstr(r->out, want[i]) != NULL, "missing '%s' in:\n%s", want[i], r->out);
}

Test(cli, check_json_parses_and_has_documented_keys)
{
    /* options after the study path */
    result *r = run("check", BRAZING, "--json", "-q", NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
    cr_expect_str_eq(r->err, "");
    cJSON *doc = cJSON_Parse(r->out);
    cr_assert_not_null(doc, "stdout is not JSON:\n%s", r->out);
    cr_expect_str_eq(cJSON_GetObjectItem(doc, "command")->valuestring, "check");
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(doc, "ok")));
    cr_expect_eq(cJSON_GetObjectItem(doc, "exit_code")->valueint, 0);
    cJSON *chk = cJSON_GetObjectItem(doc, "check");
    cr_assert_not_null(chk);
    const char *keys[] = {"study",       "data",   "factors",    "responses",
                          "correlation", "design", "duplicates", "warnings"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_expect_not_null(cJSON_GetObjectItem(chk, keys[i]), "key %s", keys[i]);
    cJSON *data = cJSON_GetObjectItem(chk, "data");
    cr_expect_eq(cJSON_GetObjectItem(data, "rows_used")->valueint, 27);
    cr_expect_eq(cJSON_GetObjectItem(data, "rows_excluded")->valueint, 0);
    cJSON *design = cJSON_GetObjectItem(chk, "design");
    cr_expect_str_eq(cJSON_GetObjectItem(design, "standard_array")->valuestring, "L27(3^13)");
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(design, "orthogonal")));
    cJSON *factors = cJSON_GetObjectItem(chk, "factors");
    cr_assert_eq(cJSON_GetArraySize(factors), 4);
    cJSON *f0 = cJSON_GetArrayItem(factors, 0);
    cr_expect_str_eq(cJSON_GetObjectItem(f0, "column")->valuestring, "thickness_um");
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(f0, "stats"), "mean")->valuedouble, 100.0);
    cJSON *resp = cJSON_GetObjectItem(chk, "responses");
    cr_assert_eq(cJSON_GetArraySize(resp), 3);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(resp, 0), "goal")->valuestring,
                     "minimize");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(chk, "warnings")), 0);
    cJSON *corr = cJSON_GetObjectItem(chk, "correlation");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(corr, "columns")), 7);
    cJSON *rows = cJSON_GetObjectItem(corr, "r");
    cr_assert_eq(cJSON_GetArraySize(rows), 7);
    double r40 = cJSON_GetArrayItem(cJSON_GetArrayItem(rows, 4), 0)->valuedouble;
    cr_expect(r40 < -0.9 && r40 > -1.0, "r(stress_max, thickness) = %g", r40);
    cJSON_Delete(doc);
}

Test(cli, run_performs_check_stage)
{
    /* the full pipeline on a light copy of the brazing study (fast under ASan) */
    char study[256];
    snprintf(study, sizeof study, "%s", light_brazing("light.toml", "out.xlsx"));
    result *r = run("run", "--verbose", study, NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "== check (stage 1 of") != NULL, "%s", r->out);
    cr_expect(strstr(r->out, "standard array: L27(3^13), factors in columns thickness = 1") != NULL, "%s", r->out);
    r = run("run", "--json", study, NULL);
    cr_expect_eq(r->code, 0);
    cJSON *doc = cJSON_Parse(r->out);
    cr_assert_not_null(doc, "%s", r->out);
    cr_expect_str_eq(cJSON_GetObjectItem(doc, "command")->valuestring, "run");
    cr_expect_not_null(cJSON_GetObjectItem(doc, "check"));
    cJSON_Delete(doc);
}

Test(cli, invalid_study_exits_1_and_writes_nothing)
{
    put("d.csv", "a,y\n1,2\n2,3\n3,4\n");
    const char *study = put("s.toml", "[study]\nname = \"t\"\n[data]\nfile = \"d.csv\"\n"
                                      "[[factor]]\nname = \"a\"\nmin = 3\nmax = 1\n"
                                      "[[response]]\nname = \"y\"\n[report]\nfile = \"out.xlsx\"\n");
    char path[256];
    snprintf(path, sizeof path, "%s", study);
    int before = count_entries();
    result *r = run("run", path, NULL);
    cr_expect_eq(r->code, 1);
    cr_expect_str_eq(r->out, "");
    char want[400];
    snprintf(want, sizeof want,
             "surrogate: error: %s:7:7: min (3) must be below max (1) for factor 'a'\n", path);
    cr_expect_str_eq(r->err, want);
    cr_expect_eq(count_entries(), before, "files were written");
    r = run("check", "--json", path, NULL);
    cr_expect_eq(r->code, 1);
    cJSON *doc = cJSON_Parse(r->out);
    cr_assert_not_null(doc, "%s", r->out);
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(doc, "ok")));
    cr_expect_eq(cJSON_GetObjectItem(doc, "exit_code")->valueint, 1);
    cr_expect(strstr(cJSON_GetObjectItem(doc, "error")->valuestring, ":7:7: min (3)") != NULL);
    cr_expect_null(cJSON_GetObjectItem(doc, "check"));
    cJSON_Delete(doc);
    cr_expect_eq(count_entries(), before, "files were written");
}

Test(cli, data_errors_exit_1)
{
    char path[256];
    snprintf(path, sizeof path, "%s", put("s.toml", STUDY_OK));
    put("d.csv", "a,y\n1,2\n2,3oops\n");
    result *r = run("check", path, NULL);
    cr_expect_eq(r->code, 1);
    cr_expect(strstr(r->err, "d.csv:3:y: '3oops' is not a number") != NULL, "%s", r->err);
    put("d.csv", "a,z\n1,2\n");
    r = run("check", path, NULL);
    cr_expect_eq(r->code, 1);
    cr_expect(strstr(r->err, "s.toml:11:8: ") != NULL, "%s", r->err);
    cr_expect(strstr(r->err, "no column 'y'; columns are: a, z") != NULL, "%s", r->err);
}

Test(cli, io_errors_exit_3)
{
    char path[256];
    snprintf(path, sizeof path, "%s/none.toml", tmpdir);
    result *r = run("check", path, NULL);
    cr_expect_eq(r->code, 3);
    cr_expect(strstr(r->err, "none.toml: cannot open: ") != NULL, "%s", r->err);
    snprintf(path, sizeof path, "%s", put("s.toml", STUDY_OK)); /* d.csv missing */
    r = run("check", path, NULL);
    cr_expect_eq(r->code, 3);
    cr_expect(strstr(r->err, "d.csv: cannot open") != NULL, "%s", r->err);
}

Test(cli, excluded_runs_and_warnings_are_listed)
{
    char path[256];
    snprintf(path, sizeof path, "%s", put("s.toml", STUDY_OK));
    put("d.csv", "run,a,y\n1,1,2.5\n2,2,\n3,3,4.25\n4,2.5,1\n5,1,2.75\n");
    result *r = run("check", path, NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "4 rows used, 1 excluded") != NULL, "%s", r->out);
    cr_expect(strstr(r->out, "excluded line 3 (run 2): not yet run (no response values)") !=
                  NULL,
              "%s", r->out);
    cr_expect(strstr(r->out, "warning: factor 'a': 1 value not among the declared levels (e.g. "
                             "2.5; line 5)") != NULL,
              "%s", r->out);
    cr_expect(strstr(r->out, "duplicate runs (same factor settings) at lines 2, 6: responses "
                             "differ") != NULL,
              "%s", r->out);
    r = run("check", "--json", path, NULL);
    cJSON *doc = cJSON_Parse(r->out);
    cr_assert_not_null(doc);
    cJSON *ex = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "check"), "data"),
                                    "excluded");
    cr_assert_eq(cJSON_GetArraySize(ex), 1);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(ex, 0), "run")->valuestring, "2");
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(ex, 0), "line")->valueint, 3);
    cJSON *dup = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "check"), "duplicates");
    cr_assert_eq(cJSON_GetArraySize(dup), 1);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(dup, 0), "responses_differ")));
    cJSON_Delete(doc);
}

/* A 2x3 full factorial run twice is named as one (before: check named only
 * a catalogue array whose columns the factors are, L27(3^13) for a 3x3 run
 * three times); --json gives its levels. */
Test(cli, a_replicated_full_factorial_is_named)
{
    char path[256], csv[512];
    snprintf(path, sizeof path, "%s",
             put("s.toml", "[study]\nname = \"t\"\n[data]\nfile = \"d.csv\"\n"
                           "[[factor]]\nname = \"a\"\nmin = 1\nmax = 2\n"
                           "[[factor]]\nname = \"b\"\nmin = 1\nmax = 3\n"
                           "[[response]]\nname = \"y\"\ngoal = \"maximize\"\n"));
    size_t o = (size_t)snprintf(csv, sizeof csv, "a,b,y\n");
    for (int k = 0; k < 12; k++)
        o += (size_t)snprintf(csv + o, sizeof csv - o, "%d,%d,%d.25\n", 1 + k % 2, 1 + (k / 2) % 3,
                              k);
    put("d.csv", csv);
    result *r = run("check", path, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "  2x3 full factorial: every combination of levels run 2 times\n"),
              "%s", r->out);
    r = run("check", "--json", path, NULL);
    cJSON *doc = cJSON_Parse(r->out);
    cr_assert_not_null(doc);
    cJSON *d = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "check"), "design");
    cr_expect_str_eq(cJSON_GetObjectItem(d, "full_factorial")->valuestring, "2x3 full factorial");
    cr_expect_eq(cJSON_GetObjectItem(d, "runs_per_combination")->valueint, 2);
    cJSON *lv = cJSON_GetObjectItem(d, "full_factorial_levels");
    cr_assert_eq(cJSON_GetArraySize(lv), 2);
    cr_expect_eq(cJSON_GetArrayItem(lv, 1)->valueint, 3);
    cJSON_Delete(doc);
}

/* A replicated design (every one of 7 settings run twice): check lists the
 * first 5 duplicate groups and counts the rest (before: one line per
 * setting, 27 on a replicated L27); --json keeps every group. */
Test(cli, a_replicated_design_lists_a_few_duplicates_and_counts_the_rest)
{
    char path[256], csv[1024];
    snprintf(path, sizeof path, "%s", put("s.toml", STUDY_OK));
    size_t o = (size_t)snprintf(csv, sizeof csv, "run,a,y\n");
    for (int k = 0; k < 14; k++)
        o += (size_t)snprintf(csv + o, sizeof csv - o, "%d,%.1f,%d.5\n", k + 1, 1.0 + 0.2 * (k % 7),
                              k);
    put("d.csv", csv);
    result *r = run("check", path, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "duplicate runs (same factor settings) at lines 2, 9: responses "
                             "differ"),
              "%s", r->out);
    cr_expect(strstr(r->out, "  ... and 2 more settings run more than once (7 in all; --json "
                             "lists every one)\n"),
              "%s", r->out);
    cr_expect_null(strstr(r->out, "at lines 7, 14"), "the sixth group is listed: %s", r->out);
    r = run("check", "--json", path, NULL);
    cJSON *doc = cJSON_Parse(r->out);
    cr_assert_not_null(doc);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "check"),
                                                        "duplicates")),
                 7);
    cJSON_Delete(doc);
}
