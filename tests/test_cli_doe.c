/* End-to-end tests of `surrogate doe`: designs, run sheets, errors, and a
 * design filled in with a known function read back by check and analyze. */
#include <math.h>

#include "cli_harness.h"
#include "table_test.h"

#define BRAZING "studies/brazing.toml"

TestSuite(cli_doe, .init = harness_setup, .fini = harness_teardown);

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

Test(cli_doe, brazing_l27_text_and_sheets)
{
    char csv[256];
    snprintf(csv, sizeof csv, "%s", tmp_path("runs.csv"));
    result *r = run("doe", BRAZING, "--design", "L27", "--out", csv, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_not_null(strstr(r->out, "Design     L27(3^13): 27 runs, 4 factors"), "%s", r->out);
    char line[512];
    cr_assert(find_line(r->out, "Columns", "hold ", line, sizeof line));
    cr_expect_not_null(strstr(line, "column 5"), "%s", line);
    cr_assert(find_line(r->out, "Columns", "cooling ", line, sizeof line));
    cr_expect_not_null(strstr(line, "column 9"), "%s", line);
    cr_expect_not_null(strstr(r->out, "thickness x temperature interaction: columns 3, 4 (left "
                                      "free: estimable)"));
    cr_assert(find_line(r->out, "[C/min]", "27 ", line, sizeof line));
    int run_no = 0;
    double v[4];
    cr_assert_eq(sscanf(line, "%d %lf %lf %lf %lf", &run_no, &v[0], &v[1], &v[2], &v[3]), 5);
    cr_expect_eq(v[0], 150.0);
    cr_expect_eq(v[1], 1150.0);

    static char text[65536];
    slurp(csv, text, sizeof text);
    cr_expect_eq(count_lines(text), 28);
    cr_expect(strncmp(text, "run,thickness_um,temperature_C,hold_min,cooling_C_per_min,"
                            "stress_max_MPa,stress_path1_MPa,stress_path2_MPa\n1,50,1090,",
                      95) == 0,
              "%.200s", text);
    cr_expect_not_null(strstr(text, "\n27,150,1150,"));
    cr_expect_not_null(strstr(text, ",,\n"));
    /* the XLSX beside it is a zip file */
    char magic[3] = "";
    slurp(tmp_path("runs.xlsx"), magic, sizeof magic);
    cr_expect_str_eq(magic, "PK");
    cr_expect_eq(count_entries(), 2);
}

Test(cli_doe, json_keys)
{
    char csv[256];
    snprintf(csv, sizeof csv, "%s", tmp_path("j.csv"));
    result *r = run("doe", "--json", "--design", "auto", "--out", csv, BRAZING, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *doc = parse_out(r);
    cr_expect_str_eq(cJSON_GetObjectItem(doc, "command")->valuestring, "doe");
    cJSON *d = cJSON_GetObjectItem(doc, "doe");
    cr_assert_not_null(d);
    const char *keys[] = {"design", "kind", "runs", "seed", "csv", "xlsx", "factors",
                          "interaction_1x2", "table"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_expect_not_null(cJSON_GetObjectItem(d, keys[i]), "key %s", keys[i]);
    /* auto: the smallest array for four 3-level factors */
    cr_expect_str_eq(cJSON_GetObjectItem(d, "design")->valuestring, "L9(3^4)");
    cr_expect_str_eq(cJSON_GetObjectItem(d, "kind")->valuestring, "orthogonal_array");
    cr_expect_eq(cJSON_GetObjectItem(d, "runs")->valueint, 9);
    cr_expect_eq(cJSON_GetObjectItem(d, "seed")->valueint, 42);
    cr_expect_str_eq(cJSON_GetObjectItem(d, "csv")->valuestring, csv);
    cJSON *f = cJSON_GetObjectItem(d, "factors");
    cr_assert_eq(cJSON_GetArraySize(f), 4);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(f, 3), "column")->valuestring,
                     "cooling_C_per_min");
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(f, 3), "array_column")->valueint, 4);
    cJSON *ia = cJSON_GetObjectItem(d, "interaction_1x2");
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(ia, "estimable")));
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(ia, "columns")), 2);
    cJSON *t = cJSON_GetObjectItem(d, "table");
    cr_assert_eq(cJSON_GetArraySize(t), 9);
    cr_expect_eq(cJSON_GetArrayItem(cJSON_GetArrayItem(t, 8), 0)->valuedouble, 150.0);
    cJSON_Delete(doc);
}

#define TOY_HEAD                                                                                 \
    "[study]\nname = \"toy\"\nseed = 7\n[data]\nfile = \"runs.csv\"\n"                           \
    "[report]\nfile = \"out/toy.xlsx\"\n"
#define TOY_FACTORS                                                                              \
    "[[factor]]\nname = \"a\"\nunit = \"mm\"\nmin = 1\nmax = 3\nlevels = [1, 2, 3]\n"            \
    "[[factor]]\nname = \"b\"\ncolumn = \"b_C\"\nunit = \"C\"\nmin = 10\nmax = 30\n"             \
    "levels = [30, 10, 20]\n"                                                                    \
    "[[factor]]\nname = \"c\"\nmin = 0.5\nmax = 2.5\nlevels = [0.5, 1.5, 2.5]\n"
#define TOY_RESPONSE "[[response]]\nname = \"y\"\ncolumn = \"y_MPa\"\nunit = \"MPa\"\ngoal = \"minimize\"\n"

/* The known function the "simulations" compute: additive in a, b, c. */
static double toy_y(double a, double b, double c) { return 2.385 * a + 0.125 * b - 1.75 * c + 40; }

/* Fill the y column of the run sheet at path; run `skip` (1-based) stays empty. */
static void fill(const char *path, int skip)
{
    static char in[8192], out[16384];
    slurp(path, in, sizeof in);
    char *save = NULL, *ln = strtok_r(in, "\n", &save);
    cr_assert_not_null(ln);
    cr_assert_str_eq(ln, "run,a,b_C,c,y_MPa");
    size_t k = (size_t)snprintf(out, sizeof out, "%s\n", ln);
    while ((ln = strtok_r(NULL, "\n", &save))) {
        int runno;
        double a, b, c;
        cr_assert_eq(sscanf(ln, "%d,%lf,%lf,%lf,", &runno, &a, &b, &c), 4, "%s", ln);
        char *p = ln; /* keep "run,a,b,c," and drop any earlier response */
        for (int commas = 0; commas < 4; p++)
            commas += *p == ',';
        *p = '\0';
        if (runno == skip)
            k += (size_t)snprintf(out + k, sizeof out - k, "%s\n", ln);
        else
            k += (size_t)snprintf(out + k, sizeof out - k, "%s%.17g\n", ln, toy_y(a, b, c));
    }
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    fputs(out, fp);
    fclose(fp);
}

Test(cli_doe, filled_sheet_is_data_for_check_and_analyze)
{
    cr_assert_eq(mkdir(tmp_path("out"), 0700), 0);
    char study[256], csv[256];
    snprintf(study, sizeof study, "%s", put("s.toml", TOY_HEAD TOY_FACTORS TOY_RESPONSE));
    /* default --out: the study's [data] file, while it does not exist (issue 13) */
    result *r = run("doe", study, "--design", "L9", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    snprintf(csv, sizeof csv, "%s", tmp_path("runs.csv"));
    cr_expect_not_null(strstr(r->out, csv), "%s", r->out);
    struct stat st;
    cr_expect_eq(stat(tmp_path("out/toy.xlsx"), &st), -1); /* only the run sheets */
    cr_assert_eq(stat(tmp_path("runs.xlsx"), &st), 0);
    /* once the data file exists: the report directory, <study name>-runs.csv */
    r = run("doe", study, "--design", "L9", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_not_null(strstr(r->out, tmp_path("out/toy-runs.csv")), "%s", r->out);

    /* an unfilled sheet has no usable rows */
    r = run("check", study, NULL);
    cr_expect_eq(r->code, 1, "%s", r->out);

    fill(csv, 5);
    r = run("check", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_not_null(strstr(r->out, "8 rows used, 1 excluded"), "%s", r->out);
    cr_expect_not_null(strstr(r->out, "excluded line 6 (run 5): not yet run"), "%s", r->out);

    fill(csv, 0);
    r = run("check", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *doc = parse_out(r);
    cJSON *design = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "check"), "design");
    cr_expect_str_eq(cJSON_GetObjectItem(design, "standard_array")->valuestring, "L9(3^4)");
    cJSON_Delete(doc);

    r = run("analyze", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    doc = parse_out(r);
    cJSON *oa = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "analyze"), "orthogonal_array");
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(oa, "applies")));
    cJSON *ana = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(oa, "responses"), 0),
                                     "analysis");
    cJSON *me = cJSON_GetObjectItem(ana, "main_effects");
    /* additive function on a balanced array: delta = slope x (max level - min level) */
    const double want_delta[3] = {2.385 * 2, 0.125 * 20, 1.75 * 2};
    const int want_rank[3] = {1, 3, 2};
    for (int j = 0; j < 3; j++) {
        cJSON *m = cJSON_GetArrayItem(me, j);
        double got = cJSON_GetObjectItem(m, "delta")->valuedouble;
        cr_expect(fabs(got - want_delta[j]) < 1e-9, "factor %d: delta %.12g", j, got);
        cr_expect_eq(cJSON_GetObjectItem(m, "rank")->valueint, want_rank[j], "factor %d", j);
    }
    /* level mean of a = 1: 2.385 + 0.125*20 - 1.75*1.5 + 40 */
    cJSON *lv0 = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(me, 0), "levels"), 0);
    cr_expect(fabs(cJSON_GetObjectItem(lv0, "mean")->valuedouble - toy_y(1, 20, 1.5)) < 1e-9);
    /* best (minimize): a = 1, b = 10, c = 2.5; prediction exact for an additive function */
    cJSON *best = cJSON_GetObjectItem(ana, "best");
    cr_expect(fabs(cJSON_GetObjectItem(best, "predicted")->valuedouble - toy_y(1, 10, 2.5)) < 1e-9,
              "%s", cJSON_Print(best));
    cJSON_Delete(doc);
}

Test(cli_doe, seeded_designs_are_reproducible)
{
    char study[256];
    snprintf(study, sizeof study, "%s", put("s.toml", TOY_HEAD TOY_FACTORS TOY_RESPONSE));
    static char a[8192], b[8192], c[8192];
    char p1[256], p2[256], p3[256];
    snprintf(p1, sizeof p1, "%s", tmp_path("l1.csv"));
    snprintf(p2, sizeof p2, "%s", tmp_path("l2.csv"));
    snprintf(p3, sizeof p3, "%s", tmp_path("l3.csv"));
    cr_assert_eq(run("doe", "-q", study, "--design", "lhs:12", "--out", p1, NULL)->code, 0);
    cr_assert_eq(run("doe", "-q", study, "--design", "lhs:12", "--out", p2, "--seed", "7", NULL)->code, 0);
    cr_assert_eq(run("doe", "-q", study, "--design", "lhs:12", "--out", p3, "--seed", "8", NULL)->code, 0);
    slurp(p1, a, sizeof a);
    slurp(p2, b, sizeof b);
    slurp(p3, c, sizeof c);
    cr_expect_str_eq(a, b); /* the study seed is 7 */
    cr_expect_str_neq(a, c);
    cr_expect_eq(count_lines(a), 13);
    result *r = run("doe", "--json", study, "--design", "sobol:8", "--out", p1, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *doc = parse_out(r);
    cJSON *d = cJSON_GetObjectItem(doc, "doe");
    cr_expect_str_eq(cJSON_GetObjectItem(d, "kind")->valuestring, "sobol");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(d, "interaction_1x2")));
    cJSON *t = cJSON_GetObjectItem(d, "table");
    cr_assert_eq(cJSON_GetArraySize(t), 8);
    for (int i = 0; i < 8; i++) {
        double x = cJSON_GetArrayItem(cJSON_GetArrayItem(t, i), 1)->valuedouble;
        cr_expect(x >= 10 && x <= 30, "run %d: b = %g", i, x);
    }
    cJSON_Delete(doc);
}

/* The studies of the bad-input tests: many.toml (nine 7-level factors) and
 * s.toml (the toy study); out is the run sheet path, never written. */
static void bad_input_studies(char many[256], char toy[256], char out[256])
{
    const char *seven =
        "[[factor]]\nname = \"f%d\"\nmin = 1\nmax = 7\nlevels = [1, 2, 3, 4, 5, 6, 7]\n";
    char text[8192];
    size_t k = (size_t)snprintf(text, sizeof text, "%s", TOY_HEAD);
    for (int i = 0; i < 9; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, seven, i);
    snprintf(text + k, sizeof text - k, "%s", TOY_RESPONSE);
    snprintf(many, 256, "%s", put("many.toml", text));
    snprintf(toy, 256, "%s", put("s.toml", TOY_HEAD TOY_FACTORS TOY_RESPONSE));
    snprintf(out, 256, "%s", tmp_path("x.csv"));
}

static const struct {
    int many; /* 1: many.toml, 0: s.toml */
    const char *design;
    int code;
    const char *want;
} bad_design_cases[] = {
    /* more 7-level factors than L49(7^8) has columns */
    {1, "L49", 1, "do not fit L49(7^8)"},
    {0, "L8", 1, "do not fit L8(2^7)"},
    {0, "L5", 2, "L4(2^3), L8(2^7), L9(3^4)"},
    {0, "box-behnken", 2, "designs are auto, full, lhs:N, sobol:N"},
    {0, "lhs:1", 2, "run count must be 2"},
};

TableTest(bad_design_cases, c, cli_doe, bad_design_writes_nothing)
{
    char many[256], toy[256], out[256];
    bad_input_studies(many, toy, out);
    {
        result *r = run("doe", bad_design_cases[c].many ? many : toy, "--design", bad_design_cases[c].design,
                        "--out", out, NULL);
        cr_expect_eq(r->code, bad_design_cases[c].code, "case %zu: %s", c, r->err);
        cr_expect_not_null(strstr(r->err, bad_design_cases[c].want), "case %zu: %s", c, r->err);
        cr_expect_str_empty(r->out, "case %zu", c);
    }
    cr_expect_eq(count_entries(), 2, "case %zu: only the two study files exist", c);
}

Test(cli_doe, bad_input_writes_nothing)
{
    char many[256], toy[256], out[256];
    bad_input_studies(many, toy, out);
    /* levels inconsistent with the bounds: the study loader says where */
    const char *bad = put("bad.toml", TOY_HEAD "[[factor]]\nname = \"a\"\nmin = 1\nmax = 3\n"
                                               "levels = [1, 2, 4]\n" TOY_RESPONSE);
    result *r = run("doe", bad, "--out", out, NULL);
    cr_expect_eq(r->code, 1);
    cr_expect_not_null(strstr(r->err, "bad.toml:12:"), "%s", r->err);
    r = run("doe", "--json", bad, "--out", out, NULL);
    cr_expect_eq(r->code, 1);
    cJSON *doc = parse_out(r);
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(doc, "ok")));
    cJSON_Delete(doc);
    /* an output directory that does not exist: I/O error */
    r = run("doe", toy, "--out", tmp_path("no/such/dir/x.csv"), NULL);
    cr_expect_eq(r->code, 3, "%s", r->err);
    r = run("doe", toy, "--seed", "-4", "--out", out, NULL);
    cr_expect_eq(r->code, 2);
    cr_expect_eq(count_entries(), 3, "only the three study files exist");
}

Test(cli_doe, auto_without_levels_is_a_latin_hypercube)
{
    char study[256];
    snprintf(study, sizeof study, "%s",
             put("s.toml", TOY_HEAD "[[factor]]\nname = \"a\"\nunit = \"mm\"\nmin = 1\nmax = 3\n"
                                    "[[factor]]\nname = \"b\"\ncolumn = \"b_C\"\nmin = 10\n"
                                    "max = 30\nstep = 2.5\n"
                                    "[[factor]]\nname = \"c\"\nmin = 0.5\nmax = 2.5\n" TOY_RESPONSE));
    result *r = run("doe", "--json", study, "--out", tmp_path("runs.csv"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *doc = parse_out(r);
    cJSON *d = cJSON_GetObjectItem(doc, "doe");
    cr_expect_str_eq(cJSON_GetObjectItem(d, "design")->valuestring, "lhs:30");
    cr_expect_eq(cJSON_GetObjectItem(d, "seed")->valueint, 7);
    cJSON *t = cJSON_GetObjectItem(d, "table");
    cr_assert_eq(cJSON_GetArraySize(t), 30);
    for (int i = 0; i < 30; i++) {
        double b = cJSON_GetArrayItem(cJSON_GetArrayItem(t, i), 1)->valuedouble;
        double k = (b - 10) / 2.5;
        cr_expect(fabs(k - round(k)) < 1e-9 && b >= 10 && b <= 30, "run %d: b = %g", i, b);
    }
    cJSON_Delete(doc);
    /* filled in, the continuous design is data, but not an orthogonal array */
    fill(tmp_path("runs.csv"), 0);
    r = run("analyze", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_not_null(strstr(r->out, "30 rows used, 0 excluded"), "%s", r->out);
    cr_expect_not_null(strstr(r->out, "Not applicable: factor 'a' is not set at a few discrete"),
                       "%s", r->out);
}

Test(cli_doe, a_filled_run_sheet_is_never_overwritten)
{
    char study[256], csv[256], before[8192], after[8192];
    snprintf(study, sizeof study, "%s", put("s.toml", TOY_HEAD TOY_FACTORS TOY_RESPONSE));
    snprintf(csv, sizeof csv, "%s", tmp_path("runs.csv"));
    result *r = run("doe", study, "--design", "L9", "--out", csv, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    /* a blank sheet may be rewritten (the design is asked for again) */
    r = run("doe", study, "--design", "L9", "--out", csv, NULL);
    cr_assert_eq(r->code, 0, "blank sheet: %s", r->err);
    fill(csv, 0);
    size_t n = slurp(csv, before, sizeof before);
    r = run("doe", study, "--design", "L9", "--out", csv, NULL);
    cr_expect_eq(r->code, 3, "%s", r->err);
    cr_expect(strstr(r->err, "already holds results (run 1") != NULL, "%s", r->err);
    cr_expect(strstr(r->err, "--out") != NULL, "no way forward: %s", r->err);
    cr_expect_eq(slurp(csv, after, sizeof after), n);
    cr_expect_str_eq(after, before);
}

Test(cli_doe, a_foreign_file_at_the_xlsx_name_is_left_alone)
{
    char study[256], csv[256];
    snprintf(study, sizeof study, "%s", put("s.toml", TOY_HEAD TOY_FACTORS TOY_RESPONSE));
    snprintf(csv, sizeof csv, "%s", tmp_path("runs.csv"));
    result *r = run("doe", study, "--design", "L9", "--out", csv, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    /* someone else's file under the .xlsx name */
    put("runs.xlsx", "not a workbook\n");
    r = run("doe", study, "--design", "L9", "--out", csv, NULL);
    cr_expect_eq(r->code, 3, "%s", r->err);
    cr_expect(strstr(r->err, "was not written by surrogate") != NULL, "%s", r->err);
}

/* Before any simulation ran the study needs no [data] section; the run
 * sheet goes to the report directory, and a missing directory is named. */
Test(cli_doe, works_without_a_data_section)
{
    char study[256];
    snprintf(study, sizeof study, "%s",
             put("s.toml", "[study]\nname = \"toy\"\nseed = 7\n[report]\nfile = \"out/toy.xlsx\"\n"
                           TOY_FACTORS TOY_RESPONSE));
    result *r = run("doe", study, "--design", "L9", NULL);
    cr_expect_eq(r->code, 3);
    cr_expect(strstr(r->err, "out/toy-runs.csv") && strstr(r->err, "directory does not exist"),
              "%s", r->err);
    cr_assert_eq(mkdir(tmp_path("out"), 0700), 0);
    r = run("doe", study, "--design", "L9", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_not_null(strstr(r->out, tmp_path("out/toy-runs.csv")), "%s", r->out);
    r = run("check", study, NULL);
    cr_expect_eq(r->code, 1);
    cr_expect(strstr(r->err, "missing section [data]") != NULL, "%s", r->err);
}

/* A factor whose bounds span decades, under scale = "auto", is spread over
 * its range by a Latin hypercube (before there are runs, "auto" cannot
 * know it acts by ratios): doe says so, with where its smallest run lies,
 * and names the key.  Not for a factor declared "linear" or "log", nor for
 * one set at levels. */
Test(cli_doe, a_factor_spanning_decades_gets_a_note)
{
    const char *rate = "[[factor]]\nname = \"rate\"\nmin = 0.001\nmax = 10\n%s"
                       "[[factor]]\nname = \"load\"\nmin = 100\nmax = 1000\n";
    const char *scales[] = {"", "scale = \"linear\"\n", "scale = \"log\"\n",
                            "levels = [0.001, 0.1, 10]\n"};
    for (int k = 0; k < 4; k++) {
        char factors[512], text[1024], study[256];
        snprintf(factors, sizeof factors, rate, scales[k]);
        snprintf(text, sizeof text, "%s%s%s", TOY_HEAD, factors, TOY_RESPONSE);
        snprintf(study, sizeof study, "%s", put("s.toml", text));
        char out[64];
        snprintf(out, sizeof out, "runs%d.csv", k);
        result *r = run("doe", "--design", k == 3 ? "auto" : "lhs:12", study, "--out",
                        tmp_path(out), NULL);
        cr_assert_eq(r->code, 0, "%s", r->err);
        const char *note = strstr(r->out, "NOTE: factor rate spans 4.0 decades (0.001 to 10)");
        if (k == 0) {
            cr_expect_not_null(note, "%s", r->out);
            cr_expect_not_null(strstr(r->out, "scale = \"log\" in its [[factor]]"), "%s", r->out);
            /* 12 runs over the range: none in the lowest three decades */
            const char *at = note ? strstr(note, "the smallest at ") : NULL;
            cr_assert_not_null(at, "%s", r->out);
            cr_expect_gt(strtod(at + strlen("the smallest at "), NULL), 0.01);
            cr_expect_null(strstr(r->out, "factor load spans"), "%s", r->out);
        } else {
            cr_expect_null(note, "case %d: %s", k, r->out);
        }
    }
}

/* A rotatable central composite design planned, filled with the known
 * function and read back: check names it, and analyze's regression finds
 * the function's slopes in the factors' units (exact data: R² 100 %). */
Test(cli_doe, central_composite_planned_filled_and_regressed)
{
    char study[256], csv[256];
    snprintf(study, sizeof study, "%s",
             put("s.toml", TOY_HEAD
                 "[[factor]]\nname = \"a\"\nunit = \"mm\"\nmin = 1\nmax = 3\n"
                 "[[factor]]\nname = \"b\"\ncolumn = \"b_C\"\nunit = \"C\"\nmin = 10\nmax = 30\n"
                 "[[factor]]\nname = \"c\"\nmin = 0.5\nmax = 2.5\n" TOY_RESPONSE));
    result *r = run("doe", study, "--design", "ccd", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Design     ccd: 15 runs, 3 factors"), "%s", r->out);
    snprintf(csv, sizeof csv, "%s", tmp_path("runs.csv"));
    fill(csv, 0);
    r = run("check", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "central composite design: 8 cube runs (the full 2^3), 6 axial runs "
                             "at alpha = 1.682 (rotatable), 1 centre run"),
              "%s", r->out);
    r = run("analyze", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *doc = parse_out(r);
    cJSON *g = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "analyze"),
                                                      "regression"), 0);
    cJSON *terms = cJSON_GetObjectItem(g, "terms");
    const double slope[3] = {2.385, 0.125, -1.75};
    for (int j = 0; j < 3; j++) {
        double got = cJSON_GetObjectItem(cJSON_GetArrayItem(terms, j + 1), "uncoded")->valuedouble;
        cr_expect(fabs(got - slope[j]) < 1e-9, "factor %d: %.12g", j, got);
    }
    cr_expect(fabs(cJSON_GetObjectItem(cJSON_GetArrayItem(terms, 0), "uncoded")->valuedouble -
                   40.0) < 1e-8);
    cJSON_Delete(doc);
    r = run("doe", "--json", study, "--design", "bbd", "--out", tmp_path("bb.csv"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    doc = parse_out(r);
    cJSON *doe = cJSON_GetObjectItem(doc, "doe");
    cr_expect_str_eq(cJSON_GetObjectItem(doe, "kind")->valuestring, "box_behnken");
    cr_expect_eq(cJSON_GetObjectItem(doe, "runs")->valueint, 13);
    cJSON_Delete(doc);
    /* the screening design: planned, filled, named by check, curvature tested */
    r = run("doe", study, "--design", "2level", "--out", tmp_path("sc.csv"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Design     2level: 9 runs, 3 factors"), "%s", r->out);
    r = run("doe", "--json", study, "--design", "2level", "--out", tmp_path("sc2.csv"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    doc = parse_out(r);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "doe"), "kind")->valuestring,
                     "two_level");
    cJSON_Delete(doc);
    r = run("doe", study, "--design", "axial", "--out", tmp_path("ax.csv"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Design     axial: 6 runs, 3 factors") &&
                  strstr(r->out, "then append the rows to the 2level design's data"),
              "%s", r->out);
}
