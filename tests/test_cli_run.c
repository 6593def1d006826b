/* test_cli_run.c — the whole pipeline end to end: `surrogate run` writes
 * the model, the results and the workbook with every sheet; `surrogate
 * report` rewrites the workbook from the saved files without refitting; a
 * failing run leaves the previous workbook untouched; a bad report path
 * fails before any work.  Runs on a light copy of the brazing study. */
#include <math.h>

#include "cli_harness.h"
#include "core/zipread.h"
#include "light_study.h"
#include "table_test.h"

TestSuite(cli_run, .init = harness_setup, .fini = harness_teardown, .timeout = 120);

static const char *const sheets[] = {"Summary",      "Data",       "Statistics",
                                     "Main effects", "Regression", "Model",      "Validation",
                                     "Optimization", "Response surface", "Sensitivity",
                                     "Calculator"};
#define N_SHEETS (sizeof sheets / sizeof sheets[0])

static char *path_copy(const char *name)
{
    static char p[8][256];
    static int k;
    k = (k + 1) % 8;
    snprintf(p[k], sizeof p[k], "%s", tmp_path(name));
    return p[k];
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Part `part` of the workbook (e.g. xl/workbook.xml: the sheet names;
 * xl/sharedStrings.xml: every text cell, in the order first written). */
static void workbook_part(const char *xlsx, const char *part, char *buf, size_t cap)
{
    char *data = NULL;
    size_t len = 0;
    sg_error err;
    cr_assert_eq(sg_zipread_member(xlsx, part, 64u << 20, &data, &len, &err), SG_OK, "%s: %s",
                 xlsx, err.msg);
    cr_assert_lt(len, cap, "%s of %s: %zu bytes", part, xlsx, len);
    memcpy(buf, data, len + 1);
    free(data);
}

static void expect_sheets(const char *xlsx, size_t n_expected, const char *const *names,
                          const char *missing)
{
    static char xml[65536];
    workbook_part(xlsx, "xl/workbook.xml", xml, sizeof xml);
    for (size_t i = 0; i < n_expected; i++) {
        char want[80];
        snprintf(want, sizeof want, "name=\"%s\"", names[i]);
        cr_expect(strstr(xml, want) != NULL, "sheet %s missing in %s", names[i], xlsx);
    }
    if (missing) {
        char want[80];
        snprintf(want, sizeof want, "name=\"%s\"", missing);
        cr_expect(strstr(xml, want) == NULL, "sheet %s should not be in %s", missing, xlsx);
    }
}

static bool same_file(const char *a, const char *b)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return system(cmd) == 0;
}

Test(cli_run, run_writes_every_sheet_and_report_rewrites_without_refitting)
{
    setenv("SOURCE_DATE_EPOCH", "1795900000", 1);
    const char *study = path_copy("light.toml");
    light_brazing("light.toml", "out.xlsx");
    const char *xlsx = path_copy("out.xlsx"), *model = path_copy("brazing.model.json");
    const char *results = path_copy("brazing.model.results.json");
    result *r = run("run", "--verbose", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "== report (stage 7 of 7)") != NULL, "%s", r->out);
    /* no table twice: check's statistics are not repeated by analyze */
    cr_expect(strstr(r->out, "Statistics (n = ") && !strstr(r->out, "Descriptive statistics"));
    const char *study_line = strstr(r->out, "Study      brazing");
    cr_expect(study_line && !strstr(study_line + 1, "Study      brazing"), "study printed twice");
    cr_expect(strstr(r->out, "OK: finished check, analyze, fit, sensitivity, optimize, recommend, "
                             "report.") != NULL);
    cr_expect(strstr(r->out, "sheets: Summary, Data, Statistics, Main effects, Regression, Model, "
                             "Validation, Optimization, Response surface, Sensitivity, "
                             "Calculator") != NULL,
              "%s", r->out);
    cr_assert(exists(xlsx) && exists(model) && exists(results));
    expect_sheets(xlsx, N_SHEETS, sheets, NULL);
    /* the Validation sheet carries the between-levels figures of the L27 */
    {
        static char strings[1 << 18];
        workbook_part(xlsx, "xl/sharedStrings.xml", strings, sizeof strings);
        cr_expect(strstr(strings, "Between levels (4 folds") != NULL, "no between-levels line");
        cr_expect(strstr(strings, "of these held-out levels") != NULL);
        /* and, where the design cannot tell the error between levels, says so
         * (the light network's stress_max: thickness's curvature) */
        cr_expect(strstr(strings, "stress_max: the design cannot tell how accurate") != NULL,
                  "no design note on the Validation sheet");
        /* and what the errors mean, as fit's accuracy line */
        cr_expect(strstr(strings, "What the errors mean") != NULL);
        cr_expect(strstr(strings, "stress_max: cross-validated RMSE anywhere in the window (") !=
                      NULL,
                  "no accuracy statement on the Validation sheet");
        /* the Regression sheet (the fifth): the quadratic's predicted R² is
         * its leave-one-out Q² (tests/ref/cv_reference.py 0.99953004107862453)
         * and thickness's coded coefficient half its effect (-29.95 MPa) */
        cr_expect(strstr(strings, "stress_max [MPa]: full quadratic (15 terms), 27 runs") != NULL);
        static char reg[1 << 18];
        workbook_part(xlsx, "xl/worksheets/sheet5.xml", reg, sizeof reg);
        cr_expect(strstr(reg, "<v>0.99953004107862") != NULL, "no predicted R² on Regression");
        cr_expect(strstr(reg, "<v>-29.9499999999") || strstr(reg, "<v>-29.95000000000"),
                  "no coded thickness coefficient on Regression");
    }

    /* report: same workbook (up to the creation time in docProps), model untouched */
    const char *first = path_copy("first.xlsx");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cp -p '%s' '%s'", xlsx, first);
    cr_assert_eq(system(cmd), 0);
    struct stat before, after;
    cr_assert_eq(stat(model, &before), 0);
    r = run("report", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Report written to") != NULL, "%s", r->out);
    cr_assert_eq(stat(model, &after), 0);
    cr_expect(before.st_ino == after.st_ino && before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
                  before.st_mtim.tv_nsec == after.st_mtim.tv_nsec,
              "report rewrote the model file");
    expect_sheets(xlsx, N_SHEETS, sheets, NULL);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && mkdir a b && cd a && unzip -q ../first.xlsx && cd ../b && "
             "unzip -q ../out.xlsx && cd .. && diff -r -x core.xml a b >/dev/null",
             tmpdir);
    cr_expect_eq(system(cmd), 0, "report's workbook differs from run's");
    /* with SOURCE_DATE_EPOCH set the two workbooks are byte-identical,
     * document properties and zip headers included */
    cr_expect(same_file(first, xlsx), "report's workbook is not byte-identical to run's");
    unsetenv("SOURCE_DATE_EPOCH");
}

Test(cli_run, run_json_has_every_stage)
{
    const char *study = path_copy("light.toml");
    light_brazing("light.toml", "out.xlsx");
    result *r = run("run", "--json", "-q", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *doc = parse_out(r);
    const char *keys[] = {"check", "analyze", "fit", "optimize", "report"};
    for (size_t i = 0; i < 5; i++)
        cr_expect(cJSON_IsObject(cJSON_GetObjectItem(doc, keys[i])), "key %s", keys[i]);
    cJSON *rep = cJSON_GetObjectItem(doc, "report");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(rep, "sheets")), (int)N_SHEETS);
    cr_expect(strstr(cJSON_GetObjectItem(rep, "path")->valuestring, "out.xlsx") != NULL);
    cr_expect(strstr(cJSON_GetObjectItem(rep, "results")->valuestring,
                     "brazing.model.results.json") != NULL);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(doc, "ok")));
    cJSON_Delete(doc);
}

/* Copy the project's data file into the temporary directory. */
static const char *copy_data(const char *name)
{
    static char buf[16384];
    slurp("data/brazing_l27.csv", buf, sizeof buf);
    return put(name, buf);
}

Test(cli_run, failing_run_keeps_the_previous_workbook)
{
    const char *data = path_copy("d.csv");
    copy_data("d.csv");
    const char *study = path_copy("light.toml");
    light_brazing_data("light.toml", "out.xlsx", "d.csv");
    const char *xlsx = path_copy("out.xlsx"), *keep = path_copy("keep.xlsx");
    result *r = run("run", "-q", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "cp -p '%s' '%s'", xlsx, keep);
    cr_assert_eq(system(cmd), 0);
    int entries = count_entries();
    /* corrupt a response cell: the run fails with exit 1, nothing changes */
    static char buf[16384];
    slurp(data, buf, sizeof buf);
    char *second = strchr(strchr(buf, '\n') + 1, '\n') + 1; /* line 3 */
    char *p = strstr(second, ",");
    cr_assert_not_null(p);
    p[1] = 'x'; /* the factor cell becomes non-numeric */
    put("d.csv", buf);
    r = run("run", study, NULL);
    cr_expect_eq(r->code, 1, "%s", r->err);
    cr_expect(strstr(r->err, "d.csv:") != NULL, "%s", r->err);
    cr_expect(same_file(xlsx, keep), "the previous workbook changed");
    cr_expect_eq(count_entries(), entries, "files were left behind");
    /* report refuses the stale model once the data changed (valid but different) */
    copy_data("d.csv");
    slurp(data, buf, sizeof buf);
    p = strstr(buf, "529.6");
    cr_assert_not_null(p, "run 1's stress_max not found");
    memcpy(p, "531.2", 5);
    put("d.csv", buf);
    r = run("report", study, NULL);
    cr_expect_eq(r->code, 1, "%s", r->err);
    cr_expect(strstr(r->err, "stale") != NULL && strstr(r->err, "surrogate run") != NULL, "%s",
              r->err);
    cr_expect(same_file(xlsx, keep), "the workbook changed");
}

static const char *bad_report_cmds[] = {"run", "fit", "optimize", "report"};

TableTest(bad_report_cmds, i, cli_run, bad_report_path_fails_before_any_work)
{
    const char *study = path_copy("light.toml");
    light_brazing("light.toml", "missing/out.xlsx");
    int entries = count_entries();
    const char *const *cmds = bad_report_cmds;
    {
        result *r = run(cmds[i], study, NULL);
        cr_expect_eq(r->code, 3, "%s: %s", cmds[i], r->err);
        cr_expect(strstr(r->err, "missing") != NULL && strstr(r->err, "does not exist") != NULL,
                  "%s: %s", cmds[i], r->err);
        cr_expect(strstr(r->out, "== check") == NULL, "%s started work: %s", cmds[i], r->out);
    }
    cr_expect_eq(count_entries(), entries, "files were written");
}

Test(cli_run, report_target_is_a_directory)
{
    const char *study = path_copy("light.toml");
    /* the report target is a directory */
    light_brazing("light.toml", ".");
    result *r = run("run", study, NULL);
    cr_expect_eq(r->code, 3, "%s", r->err);
}

Test(cli_run, report_needs_a_saved_model_and_fit_then_optimize_fill_the_workbook)
{
    const char *study = path_copy("light.toml");
    light_brazing("light.toml", "out.xlsx");
    const char *xlsx = path_copy("out.xlsx");
    result *r = run("report", study, NULL);
    cr_expect_eq(r->code, 3, "%s", r->err);
    cr_expect(strstr(r->err, "surrogate fit") != NULL, "%s", r->err);
    cr_expect(!exists(xlsx));
    /* fit: the workbook without an Optimization sheet */
    r = run("fit", "-q", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    const char *fit_sheets[] = {"Summary",    "Data", "Model", "Validation", "Response surface",
                                "Calculator"};
    expect_sheets(xlsx, 6, fit_sheets, "Optimization");
    r = run("report", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    expect_sheets(xlsx, 6, fit_sheets, "Optimization");
    /* optimize on the saved model: every sheet but Sensitivity (no decision
     * summary), Validation from the saved results */
    r = run("optimize", "-q", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    const char *opt_sheets[] = {"Summary",      "Data",       "Statistics",
                                "Main effects", "Regression", "Model",      "Validation",
                                "Optimization", "Response surface", "Calculator"};
    expect_sheets(xlsx, 10, opt_sheets, "Sensitivity");
    /* the saved cross-validation calibrates the interval at the optimum */
    cr_expect(strstr(r->out, "interval calibrated by cross-validation") != NULL, "%s", r->out);
    /* report after it adds the decision: every sheet */
    r = run("report", "-q", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    expect_sheets(xlsx, N_SHEETS, sheets, NULL);
    /* a corrupt results file is refused by report */
    put("brazing.model.results.json", "{\"format\": \"surrogate-results\", \"version\": 1}");
    r = run("report", study, NULL);
    cr_expect_eq(r->code, 1, "%s", r->err);
    cr_expect(strstr(r->err, "not a valid results file") != NULL, "%s", r->err);
}

/* The unwrapped text of the summary block that starts with lead in out
 * (continuation lines are indented by two spaces or more). */
static void unwrap(const char *out, const char *lead, char *buf, size_t cap)
{
    const char *p = strstr(out, lead);
    cr_assert_not_null(p, "no '%s' in %s", lead, out);
    p += strlen(lead);
    size_t n = 0;
    for (;;) {
        size_t len = strcspn(p, "\n");
        if (n + len + 2 > cap)
            break;
        if (n)
            buf[n++] = ' ';
        memcpy(buf + n, p, len);
        n += len;
        p += len;
        if (*p != '\n' || strncmp(p + 1, "  ", 2) != 0)
            break;
        p += 1 + strspn(p + 1, " ");
    }
    buf[n] = '\0';
}

/* The workbook's Summary says what `run` prints, in the same order: the
 * answer, each factor's verdict, the prediction, the model quality. */
Test(cli_run, workbook_summary_says_what_run_prints)
{
    const char *study = path_copy("light.toml");
    light_brazing("light.toml", "out.xlsx");
    const char *xlsx = path_copy("out.xlsx");
    result *r = run("run", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    static char strings[1 << 18];
    workbook_part(xlsx, "xl/sharedStrings.xml", strings, sizeof strings);
    /* shared strings are numbered in the order they are first written, and
     * the Summary is written first, top to bottom */
    char want[2048];
    unwrap(r->out, "Answer: ", want, sizeof want);
    const char *at = strstr(strings, want);
    cr_expect_not_null(at, "answer '%s' not in the workbook", want);
    const char *keys[] = {"thickness ", "temperature ", "hold ", "cooling "};
    for (size_t i = 0; at && i < 4; i++) {
        const char *line = strstr(r->out, keys[i]);
        cr_assert_not_null(line);
        const char *v = strstr(line, "matters");
        const char *ne = strstr(line, "no effect in this window");
        const char *eol = strchr(line, '\n');
        const char *from = ne && ne < eol && (!v || ne < v) ? ne : v;
        cr_assert(from && from < eol, "no verdict on the %s line", keys[i]);
        snprintf(want, sizeof want, "%.*s", (int)(eol - from), from);
        const char *next = strstr(at, want);
        cr_expect_not_null(next, "verdict '%s' not after the answer", want);
        at = next ? next : at;
    }
    unwrap(r->out, "  predicted stress_max there: ", want, sizeof want);
    cr_expect_not_null(strstr(at, want), "prediction '%s' not in order", want);
    const char *q = strstr(r->out, "  stress_max     Q2");
    cr_assert_not_null(q, "%s", r->out);
    q += strlen("  stress_max     ");
    snprintf(want, sizeof want, "%.*s", (int)strcspn(q, "\n"), q);
    cr_expect_not_null(strstr(at, want), "quality '%s' not in order", want);
}

/* The light study on data file `name` holding csv; its path. */
static const char *light_study_on(const char *name, const char *csv)
{
    put(name, csv);
    const char *study = path_copy("light.toml");
    light_brazing_data("light.toml", "out.xlsx", name);
    return study;
}

/* Typos in two responses (1e12 for run 1's stress_max, 529.6 MPa; 1e12 for
 * run 2's stress_path1, which the objective does not use): fit flags both,
 * the answer warns about the one it follows, and only that one. */
Test(cli_run, answer_names_the_suspicious_runs_it_follows)
{
    static char buf[16384];
    slurp("data/brazing_l27.csv", buf, sizeof buf);
    char *p = strstr(buf, "529.6,410.39");
    cr_assert_not_null(p);
    memcpy(p, "1e12 ,410.39", 12);
    p = strstr(buf, "530.5,410.47");
    cr_assert_not_null(p);
    memcpy(p, "530.5,1e12  ", 12);
    const char *study = light_study_on("d.csv", buf);
    result *r = run("run", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_not_null(strstr(r->out, "Warnings that change the decision:\n"
                                      "  - run 1: stress_max observed 1e+12 MPa, where the other "
                                      "runs predict"),
                       "%s", r->out);
    cr_expect_null(strstr(r->out, "run 2: stress_path1"), "%s", r->out);
    r = run("fit", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_not_null(strstr(r->out, "run 1, stress_max: observed 1e+12 MPa"), "%s",
                       r->out);
    cr_expect_not_null(strstr(r->out, "run 2, stress_path1: observed 1e+12 MPa"),
                       "%s", r->out);
}

/* The brazing table with cooling set to 5 C/min in every run (into out). */
/* The brazing table with field `field` (0-based) of every run replaced by
 * value(its value, the run's 1-based index), printed with fmt (into out). */
static void brazing_with_column(size_t field, const char *fmt, double (*value)(double, int),
                                char *out, size_t cap)
{
    static char buf[16384];
    slurp("data/brazing_l27.csv", buf, sizeof buf);
    size_t o = 0;
    int k = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"), k++) {
        char *f = line;
        for (size_t c = 0; c < field; c++)
            f = strchr(f, ',') + 1;
        char *end = strchr(f, ','), v[64];
        snprintf(v, sizeof v, fmt, value(strtod(f, NULL), k));
        o += (size_t)snprintf(out + o, cap - o, "%.*s%s%s\n", (int)(f - line), line,
                              k ? v : "", k ? end : f);
    }
}

static double five(double v, int k)
{
    (void)v;
    (void)k;
    return 5.0;
}

/* The brazing table with cooling set to 5 C/min in every run (into out). */
static void cooling_at_5(char *out, size_t cap)
{
    brazing_with_column(4, "%g", five, out, cap);
}

/* The light study on that table, with `from` in the study replaced by `to`
 * (from NULL: as it is). */
static const char *cooling_at_5_study(const char *from, const char *to)
{
    static char out[16384], text[16384];
    cooling_at_5(out, sizeof out);
    const char *study = light_study_on("d.csv", out);
    if (from) {
        slurp(study, text, sizeof text - 256);
        light_replace(text, sizeof text, from, to);
        write_file(study, text);
    }
    return study;
}

/* run's answer on study has the verdict line, and optimize holds the factor
 * (its problem listing says `held`) and finds a single optimum. */
static void expect_held(const char *study, const char *verdict, const char *held)
{
    result *r = run("run", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, verdict), "%s", r->out);
    r = run("optimize", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, held), "%s", r->out);
    cr_expect(strstr(r->out, "distinct optima: 1\n"), "%s", r->out);
}

/* Cooling at 5 C/min in every run: no run shows its effect, so the
 * model ignores it, the search holds it at 5 and the answer says why
 * (before, it came out "mattering" and set to a bound no run had). */
Test(cli_run, a_factor_no_run_varied_is_held_and_named)
{
    expect_held(cooling_at_5_study(NULL, NULL),
                "  cooling        5 C/min      not varied: every run has 5 C/min, so its effect "
                "is unknown; keep it\n",
                "held at 5: every run has it");
}

/* The same table with cooling limited to 6 .. 7 C/min by [optimize]: the
 * search holds it at the nearest bound and the answer says the tested value
 * is excluded (before, the answer said "keep it" and set 5, outside the
 * user's bounds). */
Test(cli_run, a_factor_no_run_varied_outside_the_bounds_is_set_to_the_nearest)
{
    expect_held(
        cooling_at_5_study("[optimize]\n", "[optimize]\nbounds = { cooling = [6, 7] }\n"),
        "  cooling        6 C/min      not varied: every run has 5 C/min, which the [optimize] "
        "bounds exclude; its effect is unknown, so test this setting\n",
        "held at 6: every run has 5, outside the bounds");
}

/* The same table with kriging: it fitted nothing before ("factor 4 has the
 * same value in every run"); now the kernel holds cooling flat, the answer
 * keeps it at 5, and the Model sheet says so instead of a length scale. */
Test(cli_run, kriging_holds_a_factor_no_run_varied)
{
    const char *study = cooling_at_5_study("[model]\n", "[model]\ntype = \"gp\"\n");
    result *r = run("run", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "  cooling        5 C/min      not varied: every run has 5 C/min, so "
                             "its effect is unknown; keep it\n"),
              "%s", r->out);
    static char strings[1 << 18];
    workbook_part(path_copy("out.xlsx"), "xl/sharedStrings.xml", strings, sizeof strings);
    cr_expect(strstr(strings, "Length cooling [-]"));
    cr_expect(strstr(strings, ">not varied<"), "no 'not varied' on the Model sheet");
    /* predict says the answer holds at any cooling, which no run supports */
    r = run("predict", "--at", "thickness=100,temperature=1100,hold=30,cooling=3",
            path_copy("brazing.model.json"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "NOTE: cooling: no run varied it, so the model ignores it: the "
                             "predictions are the same at any setting of it, which no run "
                             "supports\n"),
              "%s", r->out);
}

/* Run 19 repeated as run 28 at the same settings, measured 2 MPa lower:
 * the answer compares with the setting by the mean of its two runs and
 * names both (before: run 28 alone, the luckier replicate). */
Test(cli_run, replicates_are_one_tested_setting)
{
    static char buf[16384];
    size_t n = slurp("data/brazing_l27.csv", buf, sizeof buf - 128);
    snprintf(buf + n, sizeof buf - n, "28,150,1090,20,7,468.8,410.89,402.315\n");
    const char *study = light_study_on("d.csv", buf);
    result *r = run("run", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    char answer[2048];
    unwrap(r->out, "Answer: ", answer, sizeof answer);
    cr_expect(strstr(answer, "best tested setting, runs 19 and 28 (mean "), "%s", answer);
    cr_expect(strstr(answer, "469.8 MPa"), "%s", answer);
    /* the Summary sheet counts the settings and gives the scatter (2 MPa
     * apart: sd 1.41), not "1 pairs of runs"; `report` from the saved
     * results too (before: no warning) */
    for (int pass = 0; pass < 2; pass++) {
        if (pass)
            cr_assert_eq(run("report", study, NULL)->code, 0);
        char *strings = unzip_part(tpath(0, "out.xlsx"), "xl/sharedStrings.xml", NULL);
        cr_assert_not_null(strings);
        cr_expect(strstr(strings, "1 setting run more than once gives different responses "
                                  "(stress_max: sd 1.41 MPa): noise no model can predict, or, "
                                  "for repeated simulations that should agree, runs to check"),
                  "pass %d", pass);
        free(strings);
    }
    r = run("optimize", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "best tested setting: runs 19 and 28: mean measured 469.8 MPa"), "%s",
              r->out);
}

/* The light study with `from` replaced by `to`. */
static const char *light_edited(const char *from, const char *to)
{
    static char text[16384];
    const char *study = path_copy("light.toml");
    light_brazing("light.toml", "out.xlsx");
    slurp(study, text, sizeof text - 256);
    light_replace(text, sizeof text, from, to);
    write_file(study, text);
    return study;
}

/* A constraint nothing meets (stress_path2 <= 375 MPa; the runs reach 401,
 * the model 384.1 at best):
 * the answer says so first, the constraint line says by how much the
 * settings miss it (before: "kept 16.7 MPa inside"), and the settings keep
 * the study's 5 C steps of temperature (before: 1097.41 C, the continuous
 * point, since no step point was feasible). */
Test(cli_run, a_constraint_nothing_meets_is_the_answer)
{
    const char *study =
        light_edited("[optimize]\n", "[optimize]\nconstraints = [\"stress_path2 <= 375\"]\n");
    result *r = run("run", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    char answer[2048];
    unwrap(r->out, "Answer: ", answer, sizeof answer);
    cr_expect(strstr(answer, "No setting meets every constraint, by the model or by any tested "
                             "run; the settings below come closest"),
              "%s", answer);
    char line[2048];
    unwrap(r->out, "  constraint stress_path2 <= 375: ", line, sizeof line);
    cr_expect(strstr(line, "beyond the bound"), "%s", line);
    cr_expect(!strstr(line, "inside"), "%s", line);
    const char *t = strstr(r->out, "  temperature    ");
    cr_assert_not_null(t, "%s", r->out);
    double temp = strtod(t + 17, NULL);
    cr_expect_eq(fmod(temp - 1090.0, 5.0), 0.0, "temperature %g off the 5 C steps", temp);
}

/* A weighted objective: the answer gives the best tested run's measured
 * responses in their units before the score (before: "measured 0.000"),
 * and the settings' predictions of each weighted response (before: none). */
Test(cli_run, a_weighted_answer_speaks_in_the_responses_units)
{
    const char *study = light_edited("response = \"stress_max\"\n",
                                     "weights = { stress_max = 1, stress_path2 = 1 }\n"
                                     "sense = \"minimize\"\n");
    result *r = run("run", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    char answer[2048];
    unwrap(r->out, "Answer: ", answer, sizeof answer);
    cr_expect(strstr(answer, "(measured stress_max 470.8 MPa, stress_path2 402.315 MPa; score "),
              "%s", answer);
    cr_expect(strstr(r->out, "  predicted there: stress_max "), "%s", r->out);
    cr_expect(strstr(r->out, "), stress_path2 "), "%s", r->out);
}

/* The light study on the brazing table with one column rewritten
 * (brazing_with_column). */
static const char *study_with_column(size_t field, const char *fmt, double (*value)(double, int))
{
    static char out[20000];
    brazing_with_column(field, fmt, value, out, sizeof out);
    return light_study_on("d.csv", out);
}

/* stress_max written with 8 decimals (529.60000003, ...): the verdicts give
 * the effects one digit beyond the interval's, not the data's 8 (before:
 * "moves stress_max by 60.01234567 MPa" beside +- 4 MPa). */
static double eight_decimals(double v, int k)
{
    return v + 1e-8 * k;
}

Test(cli_run, effects_keep_the_digits_the_interval_supports)
{
    const char *study = study_with_column(5, "%.8f", eight_decimals);
    result *r = run("run", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    const char *m = strstr(r->out, "moves stress_max by ");
    cr_assert_not_null(m, "%s", r->out);
    const char *dot = strchr(m + 20, '.'), *sp = strchr(m + 20, ' ');
    cr_assert(dot && sp && dot < sp, "%s", m);
    cr_expect_leq(sp - dot - 1, 2, "decimals in '%.40s'", m);
}

/* Temperatures written as achieved (up to 0.5 C off the nominal 1090, 1120
 * and 1150, eleven offsets): check still finds the L27, analyze its main
 * effects, optimize the main-effects best levels and fit holds out its
 * middle level between levels (before: "factor 'temperature' is not
 * discrete", and no temperature fold). */
static double achieved(double v, int k)
{
    return v + 0.1 * ((k * 7) % 11 - 5);
}

Test(cli_run, achieved_settings_keep_the_orthogonal_array)
{
    const char *study = study_with_column(2, "%.1f", achieved);
    result *r = run("run", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "design L27(3^13)"), "%s", r->out);
    cr_expect(strstr(r->out, "main effects and ANOVA of the array"), "%s", r->out);
    r = run("optimize", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "main-effects best levels (Taguchi): additive prediction"), "%s",
              r->out);
    /* and the between-levels validation holds out temperature's middle level too */
    r = run("fit", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "(factors 1, 2, 3, 4, each middle level held out in turn, 4 folds)"),
              "%s", r->out);
}

/* An engineer's sheet: a title, a units row under the header, a run whose
 * CFD solver diverged and an average row.  The units row is checked
 * and skipped, the failed run and the average row are left out with their
 * reasons, and since the optimum lies next to the failed run, the answer
 * says so among the warnings that change the decision. */
Test(cli_run, a_failed_run_next_to_the_optimum_is_a_warning)
{
    put("sim.csv", "Heat sink study - CFD results (rev B),,,,,\n,,,,,\n"
                   "Run,Fin height,Fin pitch,Air velocity,Max temperature,Pressure drop\n"
                   ",mm,mm,m/s,°C,Pa\n"
                   "1,20,2,1,92.4,12.1\n2,20,3,2,85.1,30.5\n3,20,4,3,81.7,55.2\n"
                   "4,30,2,2,80.3,41.0\n5,30,3,3,76.2,70.8\n6,30,4,1,84.9,9.8\n"
                   "7,40,2,3,71.5,98.3\n8,40,3,1,82.2,14.0\n"
                   "9,40,4,2,solver diverged after remeshing,\n"
                   ",,,,,\nAverage,,,,81.79,41.5\n");
    char study[512];
    snprintf(study, sizeof study, "%s", put(
        "hs.toml",
        "[study]\nname = \"heatsink\"\nseed = 3\n[data]\nfile = \"sim.csv\"\n"
        "[[factor]]\nname = \"height\"\ncolumn = \"Fin height\"\nunit = \"mm\"\nmin = 20\nmax = 40\n"
        "[[factor]]\nname = \"pitch\"\ncolumn = \"Fin pitch\"\nunit = \"mm\"\nmin = 2\nmax = 4\n"
        "[[factor]]\nname = \"velocity\"\ncolumn = \"Air velocity\"\nunit = \"m/s\"\nmin = 1\n"
        "max = 3\n"
        "[[response]]\nname = \"tmax\"\ncolumn = \"Max temperature\"\nunit = \"°C\"\n"
        "goal = \"minimize\"\n"
        "[[response]]\nname = \"dp\"\ncolumn = \"Pressure drop\"\nunit = \"Pa\"\n"
        "goal = \"minimize\"\n"
        "[optimize]\nresponse = \"tmax\"\nconstraints = [\"dp <= 50\"]\nstarts = 8\n"
        "[report]\nfile = \"hs.xlsx\"\n"));
    result *r = run("check", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "8 rows used, 2 excluded"), "%s", r->out);
    cr_expect(strstr(r->out, "excluded line 13 (run 9): no result: response column 'Max "
                             "temperature' says 'solver diverged after remeshing'"),
              "%s", r->out);
    r = run("run", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "run 9 (height 40 mm, pitch 4 mm, velocity 2 m/s) gave no result "
                             "('solver diverged after"),
              "%s", r->out);
    /* the workbook names the failed run whole among its warnings */
    static char strings[1 << 18];
    workbook_part(tmp_path("hs.xlsx"), "xl/sharedStrings.xml", strings, sizeof strings);
    cr_expect(strstr(strings, "Run 9 (line 13) was left out: no result: response column 'Max "
                              "temperature' says 'solver diverged after remeshing' (a failed run; "
                              "if failures gather in one region, the process may not work "
                              "there)."),
              "the failed run's reason is cut");
    /* a units row that disagrees with the study is an error at its cell */
    char text[2048];
    slurp(tmp_path("sim.csv"), text, sizeof text);
    char *u = strstr(text, ",m/s,");
    cr_assert_not_null(u);
    memcpy(u, ",m/h,", 5);
    put("sim.csv", text);
    r = run("check", study, NULL);
    cr_expect_eq(r->code, 1);
    cr_expect(strstr(r->err, "sim.csv:4:Air velocity: the units row gives column 'Air velocity' "
                             "in 'm/h' but the study gives its unit as 'm/s'"),
              "%s", r->err);
}

/* A saturated L8 of seven two-level factors with a little noise: the Main
 * effects sheet judges the effects by Lenth's method (no error df), as
 * analyze prints it. */
Test(cli_run, a_saturated_l8_is_judged_by_lenth_in_the_workbook)
{
    static const int l8[8][7] = {{0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 1, 1, 1, 1},
                                 {0, 1, 1, 0, 0, 1, 1}, {0, 1, 1, 1, 1, 0, 0},
                                 {1, 0, 1, 0, 1, 0, 1}, {1, 0, 1, 1, 0, 1, 0},
                                 {1, 1, 0, 0, 1, 1, 0}, {1, 1, 0, 1, 0, 0, 1}};
    static const double noise[8] = {0.02, -0.01, 0.015, -0.025, 0.005, 0.01, -0.02, 0.012};
    char csv[1024] = "a,b,c,d,e,f,g,y\n", toml[2048] =
        "[study]\nname = \"l8\"\nseed = 1\n[data]\nfile = \"l8.csv\"\n";
    for (int i = 0; i < 8; i++) {
        const int *x = l8[i];
        size_t k = strlen(csv);
        snprintf(csv + k, sizeof csv - k, "%d,%d,%d,%d,%d,%d,%d,%.4f\n", x[0], x[1], x[2], x[3],
                 x[4], x[5], x[6], 10 + 3 * x[0] - 2 * x[3] + noise[i]);
    }
    for (char c = 'a'; c <= 'g'; c++) {
        size_t k = strlen(toml);
        snprintf(toml + k, sizeof toml - k,
                 "[[factor]]\nname = \"%c\"\nmin = 0\nmax = 1\nlevels = [0, 1]\n", c);
    }
    strcat(toml, "[[response]]\nname = \"y\"\nunit = \"mm\"\ngoal = \"maximize\"\n"
                 "[optimize]\nstarts = 4\n[report]\nfile = \"l8.xlsx\"\n");
    put("l8.csv", csv);
    char study[512];
    snprintf(study, sizeof study, "%s", put("l8.toml", toml));
    result *r = run("analyze", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Lenth's method"), "%s", r->out);
    r = run("run", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    static char strings[1 << 18];
    workbook_part(tmp_path("l8.xlsx"), "xl/sharedStrings.xml", strings, sizeof strings);
    cr_expect(strstr(strings, "Lenth's method: each effect against a robust estimate"), "no Lenth");
    cr_expect(strstr(strings, "Pseudo standard error [mm]"), "no PSE");
    cr_expect(strstr(strings, "active (beyond the simultaneous margin)"), "no verdict");
}
