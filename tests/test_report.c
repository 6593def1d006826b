/* test_report.c — the Excel report: input validation, safe writing, the XML
 * parts of the workbook, and the Calculator recalculated by a real
 * spreadsheet engine (LibreOffice Calc headless) against the C predictions.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "report/report.h"
#include "report_fixture.h"
#include "table_test.h"

/* Agreement required between recalculated formulas and C predictions. */
#define CALC_REL_TOL 1e-9

/* ---- helpers --------------------------------------------------------------- */

static char *make_tmpdir(void)
{
    char *d = strdup("/tmp/sg_report_test_XXXXXX");
    cr_assert_not_null(d);
    cr_assert_not_null(mkdtemp(d), "mkdtemp failed");
    return d;
}

static void rm_rf(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    int rc = system(cmd);
    (void)rc;
}

/* Whole output of a shell command (caller frees); NULL if it failed. */
static char *run_capture(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += got;
        if (cap - len < 4096) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int st = pclose(p);
    if (status)
        *status = st;
    if (buf)
        buf[len] = '\0';
    return buf;
}

static size_t count_files(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static char *read_all(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b)
        b[n] = '\0';
    fclose(fp);
    return b;
}

static char *unzip_part(const char *xlsx, const char *part)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' 2>/dev/null", xlsx, part);
    int st;
    char *out = run_capture(cmd, &st);
    cr_assert_not_null(out);
    cr_assert_eq(st, 0, "unzip of %s failed", part);
    return out;
}

/* ---- a tiny CSV reader for LibreOffice's output ------------------------------ */

#define CSV_MAX_ROWS 4000
#define CSV_MAX_COLS 64

typedef struct csv_table {
    size_t n_rows;
    size_t n_cols[CSV_MAX_ROWS];
    char *cell[CSV_MAX_ROWS][CSV_MAX_COLS];
} csv_table;

static csv_table *csv_parse(const char *text)
{
    csv_table *t = calloc(1, sizeof *t);
    cr_assert_not_null(t);
    const char *s = text;
    while (*s && t->n_rows < CSV_MAX_ROWS) {
        size_t r = t->n_rows++, c = 0;
        for (;;) {
            char field[4096];
            size_t n = 0;
            if (*s == '"') {
                s++;
                while (*s && !(*s == '"' && s[1] != '"')) {
                    if (*s == '"')
                        s++;
                    if (n < sizeof field - 1)
                        field[n++] = *s;
                    s++;
                }
                if (*s == '"')
                    s++;
            }
            while (*s && *s != ',' && *s != '\n' && *s != '\r') {
                if (n < sizeof field - 1)
                    field[n++] = *s;
                s++;
            }
            field[n] = '\0';
            if (c < CSV_MAX_COLS)
                t->cell[r][c++] = strdup(field);
            if (*s == ',') {
                s++;
                continue;
            }
            if (*s == '\r')
                s++;
            if (*s == '\n')
                s++;
            break;
        }
        t->n_cols[r] = c;
    }
    return t;
}

static void csv_free(csv_table *t)
{
    for (size_t r = 0; r < t->n_rows; r++)
        for (size_t c = 0; c < t->n_cols[r]; c++)
            free(t->cell[r][c]);
    free(t);
}

static const char *csv_get(const csv_table *t, size_t r, size_t c)
{
    if (r >= t->n_rows || c >= t->n_cols[r])
        return "";
    return t->cell[r][c];
}

/* Row whose column c equals text, searching from row `from`; SIZE_MAX if none. */
static size_t csv_find(const csv_table *t, size_t from, size_t c, const char *text)
{
    for (size_t r = from; r < t->n_rows; r++)
        if (strcmp(csv_get(t, r, c), text) == 0)
            return r;
    return (size_t)-1;
}

static double csv_num(const csv_table *t, size_t r, size_t c)
{
    const char *s = csv_get(t, r, c);
    char *end;
    double v = strtod(s, &end);
    cr_assert(end != s && *end == '\0', "cell (%zu,%zu) '%s' is not a number", r + 1, c + 1, s);
    return v;
}

static void assert_rel(double got, double want, const char *what)
{
    double rel = fabs(got - want) / fmax(fabs(want), 1e-300);
    cr_assert(rel <= CALC_REL_TOL, "%s: spreadsheet %.17g vs C %.17g (relative %.3g)", what,
              got, want, rel);
}

/* ---- validation and safety ----------------------------------------------------- */

Test(report, check_target_errors)
{
    sg_error err;
    char *dir = make_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/ok.xlsx", dir);
    cr_assert_eq(sg_report_check_target(path, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(count_files(dir), 0, "the probe file must be removed");

    snprintf(path, sizeof path, "%s/missing/r.xlsx", dir);
    cr_assert_eq(sg_report_check_target(path, &err), SG_ERR_IO);
    cr_assert(strstr(err.msg, "does not exist"), "%s", err.msg);

    snprintf(path, sizeof path, "%s/", dir);
    cr_assert_eq(sg_report_check_target(path, &err), SG_ERR_IO);

    snprintf(path, sizeof path, "%s/sub", dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    cr_assert_eq(sg_report_check_target(path, &err), SG_ERR_IO);
    cr_assert(strstr(err.msg, "is a directory"), "%s", err.msg);

    snprintf(path, sizeof path, "%s/file", dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fclose(fp);
    snprintf(path, sizeof path, "%s/file/r.xlsx", dir);
    cr_assert_eq(sg_report_check_target(path, &err), SG_ERR_IO);
    cr_assert(strstr(err.msg, "not a directory"), "%s", err.msg);

    if (geteuid() != 0) { /* root ignores directory permissions */
        snprintf(path, sizeof path, "%s/ro", dir);
        cr_assert_eq(mkdir(path, 0500), 0);
        snprintf(path, sizeof path, "%s/ro/r.xlsx", dir);
        cr_assert_eq(sg_report_check_target(path, &err), SG_ERR_IO);
        cr_assert(strstr(err.msg, "cannot create"), "%s", err.msg);
    }
    cr_assert_eq(sg_report_check_target(NULL, &err), SG_ERR_IO);
    rm_rf(dir);
    free(dir);
}

typedef void (*breaker)(fixture *fx);
static void br_bounds(fixture *fx) { fx->factors[2].min = fx->factors[2].max; }
static void br_check(fixture *fx) { fx->in.model = NULL; }
static void br_table(fixture *fx) { fx->in.n_responses = 2; }
static void br_recommended(fixture *fx) { fx->recommended[1] = NAN; }
static void br_warnings(fixture *fx)
{
    fx->in.warnings = NULL;
    fx->in.n_warnings = 3;
}
static void br_optset(fixture *fx) { fx->in.optim_setting_values = NULL; }
static void br_noname(fixture *fx) { fx->responses[1].name = NULL; }

static const struct {
    breaker fn;
    const char *needle;
} breakers[] = {
    {br_bounds, "min < max"},
    {br_check, "check table needs"},
    {br_table, "the table has 7 columns"},
    {br_recommended, "recommended setting 2 is not finite"},
    {br_warnings, "warnings"},
    {br_optset, "optimisation settings"},
    {br_noname, "response 2 needs a name"},
};

TableTest(breakers, i, report, validate_errors)
{
    fixture fx;
    fixture_init(&fx, true);
    sg_report_input saved = fx.in;
    sg_report_factor sf[FX_NF];
    sg_report_response sr[FX_NR];
    double rec[FX_NF];
    memcpy(sf, fx.factors, sizeof sf);
    memcpy(sr, fx.responses, sizeof sr);
    memcpy(rec, fx.recommended, sizeof rec);
    {
        sg_error err;
        fx.in = saved;
        memcpy(fx.factors, sf, sizeof sf);
        memcpy(fx.responses, sr, sizeof sr);
        memcpy(fx.recommended, rec, sizeof rec);
        cr_assert_eq(sg_report_validate(&fx.in, &err), SG_OK, "%s", err.msg);
        breakers[i].fn(&fx);
        cr_assert_eq(sg_report_validate(&fx.in, &err), SG_ERR_INVALID, "case %zu", i);
        cr_assert(strstr(err.msg, breakers[i].needle), "case %zu: '%s'", i, err.msg);
    }
    fx.in = saved;
    fixture_free(&fx);
}

Test(report, validate_null_input)
{
    cr_assert_eq(sg_report_validate(NULL, NULL), SG_ERR_INVALID);
}

Test(report, failed_write_keeps_previous_report)
{
    char *dir = make_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/study.xlsx", dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs("previous report", fp);
    fclose(fp);

    fixture fx;
    fixture_init(&fx, false);
    fx.in.n_check = 0;
    sg_error err;
    /* invalid input: refused before anything is written */
    fx.factors[0].max = fx.factors[0].min;
    cr_assert_eq(sg_report_write(&fx.in, path, &err), SG_ERR_INVALID);
    fx.factors[0].max = 150;
    /* a failure while writing: a warning longer than Excel's cell limit */
    size_t big = 40000;
    char *longw = malloc(big + 1);
    cr_assert_not_null(longw);
    memset(longw, 'w', big);
    longw[big] = '\0';
    const char *warns[1] = {longw};
    fx.in.warnings = warns;
    fx.in.n_warnings = 1;
    cr_assert_neq(sg_report_write(&fx.in, path, &err), SG_OK);
    free(longw);
    fx.in.warnings = NULL;
    fx.in.n_warnings = 0;
    char *content = read_all(path);
    cr_assert_str_eq(content, "previous report");
    free(content);
    cr_assert_eq(count_files(dir), 1, "no temporary file may be left behind");

    /* the final rename fails (the target is a directory): no temporary left */
    char sub[600];
    snprintf(sub, sizeof sub, "%s/sub.xlsx", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    cr_assert_eq(sg_report_write(&fx.in, sub, &err), SG_ERR_IO);
    cr_assert_eq(count_files(dir), 2, "no temporary file may be left behind");
    cr_assert_eq(rmdir(sub), 0);

    /* missing directory */
    char bad[600];
    snprintf(bad, sizeof bad, "%s/nope/r.xlsx", dir);
    cr_assert_eq(sg_report_write(&fx.in, bad, &err), SG_ERR_IO);

    /* success replaces the file, keeping its permissions; only the Summary
     * and Data sheets exist */
    cr_assert_eq(chmod(path, 0640), 0);
    cr_assert_eq(sg_report_write(&fx.in, path, &err), SG_OK, "%s", err.msg);
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0640, "mode %o", (unsigned)(sb.st_mode & 0777));
    char fresh[600];
    snprintf(fresh, sizeof fresh, "%s/fresh.xlsx", dir);
    cr_assert_eq(sg_report_write(&fx.in, fresh, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(stat(fresh, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0644, "mode %o", (unsigned)(sb.st_mode & 0777));
    cr_assert_eq(unlink(fresh), 0);
    content = read_all(path);
    cr_assert(content && content[0] == 'P' && content[1] == 'K', "not a zip file");
    free(content);
    cr_assert_eq(count_files(dir), 1);
    char *wbx = unzip_part(path, "xl/workbook.xml");
    cr_assert(strstr(wbx, "name=\"Summary\"") && strstr(wbx, "name=\"Data\""));
    cr_assert(!strstr(wbx, "name=\"Calculator\"") && !strstr(wbx, "name=\"Model\""),
              "sheets without results must be omitted");
    free(wbx);
    fixture_free(&fx);
    rm_rf(dir);
    free(dir);
}

/* ---- the workbook's XML and LibreOffice recalculation ---------------------------- */

static const char *RECALC_XCU =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<oor:items xmlns:oor=\"http://openoffice.org/2001/registry\" "
    "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
    "<item oor:path=\"/org.openoffice.Office.Common/Misc\"><prop oor:name=\"FirstRun\" "
    "oor:op=\"fuse\"><value>false</value></prop></item>\n"
    /* 0 = always recalculate on load (1 = never, 2 = ask) */
    "<item oor:path=\"/org.openoffice.Office.Calc/Formula/Load\"><prop "
    "oor:name=\"OOXMLRecalcMode\" oor:op=\"fuse\"><value>0</value></prop></item>\n"
    "<item oor:path=\"/org.openoffice.Office.Calc/Formula/Load\"><prop "
    "oor:name=\"ODFRecalcMode\" oor:op=\"fuse\"><value>0</value></prop></item>\n"
    "</oor:items>\n";

/* A workbook whose formula carries a deliberately wrong cached value. */
static void write_probe(const char *path)
{
    lxw_workbook *wb = workbook_new(path);
    cr_assert_not_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Probe");
    worksheet_write_number(ws, 0, 0, 2.75, NULL);
    worksheet_write_formula_num(ws, 0, 1, "=TANH(A1)*3", NULL, 999.0);
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);
}

/* Check the Calculator CSV of a workbook written for model m at settings x
 * with the first n_check rows of table t; returns the largest relative
 * difference between the recalculated formulas and sg_model_predict. */
static double check_calculator_csv(const char *csv_path, const sg_model *m, const double *x,
                                   const sg_table *tab, size_t n_check, double *worst_sd)
{
    char *text = read_all(csv_path);
    cr_assert_not_null(text, "LibreOffice did not write %s", csv_path);
    csv_table *t = csv_parse(text);
    free(text);
    size_t nr = sg_model_n_out(m), nf = sg_model_n_in(m);
    double worst = 0.0, mean[FX_NR], sd[FX_NR];
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, NULL), SG_OK);

    /* predictions at the pre-filled settings */
    sg_model_predict(m, w, x, mean, sd);
    size_t rh = csv_find(t, 0, 0, "Response");
    cr_assert_neq(rh, (size_t)-1, "no prediction table");
    for (size_t k = 0; k < nr; k++) {
        size_t r = rh + 1 + k;
        cr_assert_str_eq(csv_get(t, r, 0), sg_model_response_name(m, k));
        double got = csv_num(t, r, 2), gsd = csv_num(t, r, 3);
        assert_rel(got, mean[k], "mean at the settings");
        assert_rel(gsd, sd[k], "spread at the settings");
        worst = fmax(worst, fabs(got - mean[k]) / fabs(mean[k]));
        *worst_sd = fmax(*worst_sd, fabs(gsd - sd[k]) / fabs(sd[k]));
    }
    /* check table: formula column beside the surrogate column */
    size_t ch = csv_find(t, 0, 0, "Data row");
    cr_assert_neq(ch, (size_t)-1, "no check table");
    for (size_t i = 0; i < n_check; i++) {
        size_t r = ch + 1 + i;
        double xi[FX_NF];
        for (size_t j = 0; j < nf; j++)
            xi[j] = sg_table_at(tab, i, j);
        sg_model_predict(m, w, xi, mean, NULL);
        for (size_t k = 0; k < nr; k++) {
            double f = csv_num(t, r, 1 + nf + 3 * k);
            assert_rel(csv_num(t, r, 2 + nf + 3 * k), mean[k], "surrogate value");
            assert_rel(f, mean[k], "check-table formula");
            worst = fmax(worst, fabs(f - mean[k]) / fabs(mean[k]));
        }
    }
    sg_model_work_destroy(w);
    csv_free(t);
    return worst;
}

/* The Calculator's interval columns, recalculated by LibreOffice, against
 * the calibrated interval computed here from the cross-validation: mean -+
 * half_width, the interval `predict` and `optimize` give (model/cv.h). */
static void check_calculator_interval(const char *csv_path, const sg_model *m,
                                      const sg_cv_result *cv, const double *x)
{
    char *text = read_all(csv_path);
    cr_assert_not_null(text, "LibreOffice did not write %s", csv_path);
    csv_table *t = csv_parse(text);
    free(text);
    size_t nr = sg_model_n_out(m);
    double mean[FX_NR], sd[FX_NR];
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, NULL), SG_OK);
    sg_model_predict(m, w, x, mean, sd);
    size_t rh = csv_find(t, 0, 0, "Response");
    cr_assert_neq(rh, (size_t)-1, "no prediction table");
    cr_assert(strstr(csv_get(t, rh, 4), "interval low"), "no interval column: %s", csv_get(t, rh, 4));
    for (size_t k = 0; k < nr; k++) {
        double half = cv->resp[k].half_width;
        assert_rel(csv_num(t, rh + 1 + k, 4), mean[k] - half, "interval low");
        assert_rel(csv_num(t, rh + 1 + k, 5), mean[k] + half, "interval high");
    }
    sg_model_work_destroy(w);
    csv_free(t);
}

/* Allowed settings of the activation workbooks 0 and 1, against the
 * settings {87.25, 1131.5, 23.75, 6.375}: book 0 gives thickness levels
 * (87.25 is none), temperature a step of 30 (1131.5 is off it) and cooling
 * a step of 0.125 (6.375 is on it); book 1 narrows hold to 20..22. */
static const double SETTING_LEVELS[] = {50, 100, 150};
static void setting_rules(fixture *fx, int book)
{
    if (book == 0) {
        fx->factors[0].n_levels = 3;
        fx->factors[0].levels = SETTING_LEVELS;
        fx->factors[1].step = 30;
        fx->factors[3].step = 0.125;
    } else if (book == 1) {
        fx->factors[2].max = 22;
    }
}

/* The Calculator's Check column, recalculated by LibreOffice, says why a
 * setting is not allowed (setting_rules). */
static void check_setting_flags(const char *csv_path, int book)
{
    static const char *const want[2][FX_NF] = {
        {"not one of the levels", "off the step of 30", "ok", "ok"},
        {"ok", "ok", "outside the fitted range 20 to 22", "ok"}};
    if (book > 1)
        return;
    char *text = read_all(csv_path);
    cr_assert_not_null(text);
    csv_table *t = csv_parse(text);
    free(text);
    size_t h = csv_find(t, 0, 0, "Factor");
    cr_assert_neq(h, (size_t)-1, "no factor table");
    cr_assert_str_eq(csv_get(t, h, 6), "Check");
    for (size_t i = 0; i < FX_NF; i++)
        cr_expect_str_eq(csv_get(t, h + 1 + i, 6), want[book][i], "book %d factor %zu", book,
                         i + 1);
    csv_free(t);
}

/* One workbook per hidden activation (output linear), then two with a
 * sigmoid and a tanh output. */
#define N_ACT_BOOKS (SG_ACT_COUNT + 2)

Test(report, workbook_xml_and_libreoffice_recalculation)
{
    char *dir = make_tmpdir();
    char pa[512], probe[512], cmd[8192], prof[512], files[2048] = "";
    snprintf(pa, sizeof pa, "%s/full.xlsx", dir);
    snprintf(probe, sizeof probe, "%s/probe.xlsx", dir);
    fixture fa;
    fixture_init(&fa, true);
    sg_error err;
    cr_assert_eq(sg_report_write(&fa.in, pa, &err), SG_OK, "%s", err.msg);
    write_probe(probe);
    strcat(files, "full.xlsx probe.xlsx");
    /* SG_REPORT_TEST_KEEP=path keeps a copy of the full workbook for inspection */
    const char *keep = getenv("SG_REPORT_TEST_KEEP");
    if (keep && keep[0]) {
        snprintf(cmd, sizeof cmd, "cp '%s' '%s'", pa, keep);
        cr_assert_eq(system(cmd), 0);
    }

    /* one workbook per hidden activation, shared and per-response networks */
    fixture fb[N_ACT_BOOKS];
    static const double xs[FX_NF] = {87.25, 1131.5, 23.75, 6.375};
    for (int a = 0; a < N_ACT_BOOKS; a++) {
        fixture_init(&fb[a], false);
        sg_activation hid = a < SG_ACT_COUNT ? (sg_activation)a
                            : a == SG_ACT_COUNT ? SG_ACT_RELU : SG_ACT_ELU;
        sg_activation out = a < SG_ACT_COUNT ? SG_ACT_LINEAR
                            : a == SG_ACT_COUNT ? SG_ACT_SIGMOID : SG_ACT_TANH;
        fb[a].model = fx_fit(&fb[a], hid, out, 2 + (size_t)(a % 2), a % 2 == 0);
        fb[a].in.model = fb[a].model;
        memcpy(fb[a].recommended, xs, sizeof xs);
        fb[a].in.recommended = fb[a].recommended;
        setting_rules(&fb[a], a);
        char p[600];
        snprintf(p, sizeof p, "%s/act%d.xlsx", dir, a);
        cr_assert_eq(sg_report_write(&fb[a].in, p, &err), SG_OK, "%s", err.msg);
        snprintf(files + strlen(files), sizeof files - strlen(files), " act%d.xlsx", a);
    }

    /* (a) the XML parts */
    char *wbx = unzip_part(pa, "xl/workbook.xml");
    const char *sheets[] = {"Summary",      "Data",         "Statistics",
                            "Main effects", "Model",        "Validation",
                            "Optimization", "Response surface", "Calculator"};
    const size_t n_sheets = sizeof sheets / sizeof sheets[0];
    for (size_t i = 0; i < n_sheets; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, "name=\"%s\"", sheets[i]);
        cr_assert(strstr(wbx, needle), "sheet %s missing from workbook.xml", sheets[i]);
    }
    free(wbx);
    char *ss = unzip_part(pa, "xl/sharedStrings.xml");
    cr_assert(strstr(ss, "stress_max"), "response name missing");
    cr_assert(strstr(ss, "thickness [um]"), "factor header with unit missing");
    cr_assert(strstr(ss, "Run 28 was excluded"), "warning text missing");
    cr_assert(strstr(ss, "Linear trend (scaled units)"), "the trend table is missing");
    free(ss);
    char part[64];
    snprintf(part, sizeof part, "xl/worksheets/sheet%zu.xml", n_sheets);
    char *cx = unzip_part(pa, part);
    cr_assert(strstr(cx, "SUMPRODUCT("), "no neuron formulas");
    cr_assert(strstr(cx, "TANH("), "no tanh formulas");
    /* each member's output adds its response's trend (recalculated below) */
    cr_assert(strstr(cx, "+SUMPRODUCT("), "no trend in the output formulas");
    cr_assert(strstr(cx, "STDEV("), "the model's spread is the sample sd");
    cr_assert(strstr(cx, "<dataValidation"), "no data validation on inputs");
    cr_assert(strstr(cx, "<formula1>50</formula1>"), "thickness lower bound missing");
    /* key values: the first and the last weight of the first network, stored
     * with libxlsxwriter's %.16G */
    {
        const sg_mlp *net = sg_model_member(fa.model, 0, 0);
        const double *p = sg_mlp_params_const(net);
        size_t np = sg_mlp_n_params(net);
        char v[64];
        snprintf(v, sizeof v, "<v>%.16G</v>", p[0]);
        cr_assert(strstr(cx, v), "weight %s missing from the Calculator", v);
        snprintf(v, sizeof v, "<v>%.16G</v>", p[np - 1]);
        cr_assert(strstr(cx, v), "weight %s missing from the Calculator", v);
    }
    free(cx);
    /* key value: the CV RMSE of stress_max on the Summary */
    char *sx = unzip_part(pa, "xl/worksheets/sheet1.xml");
    {
        char v[64];
        snprintf(v, sizeof v, "<v>%.16G</v>", fa.cv->resp[0].net.rmse);
        cr_assert(strstr(sx, v), "CV RMSE %s missing from the Summary", v);
    }
    free(sx);
    char *dx = unzip_part(pa, "xl/worksheets/sheet2.xml");
    cr_assert(strstr(dx, "<autoFilter"), "Data sheet without autofilter");
    cr_assert(strstr(dx, "state=\"frozen\""), "Data sheet header not frozen");
    free(dx);

    /* (b) LibreOffice, always recalculating on load */
    int st = system("command -v soffice >/dev/null 2>&1");
    if (st != 0) {
        rm_rf(dir);
        free(dir);
        cr_skip_test("soffice not found: install libreoffice-calc-nogui (make deps)");
    }
    snprintf(prof, sizeof prof, "%s/profile/user", dir);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", prof);
    cr_assert_eq(system(cmd), 0);
    char xcu[600];
    snprintf(xcu, sizeof xcu, "%s/registrymodifications.xcu", prof);
    FILE *fp = fopen(xcu, "w");
    cr_assert_not_null(fp);
    fputs(RECALC_XCU, fp);
    fclose(fp);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && flock /tmp/surrogate-soffice.lock "
             "soffice -env:UserInstallation=file://%s/profile --headless "
             "--norestore --nolockcheck --convert-to "
             "'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,false,false,false,"
             "false,-1' --outdir '%s/csv' %s 2>&1",
             dir, dir, dir, files);
    char *out = run_capture(cmd, &st);
    cr_assert_not_null(out);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "soffice failed: %s", out);
    cr_assert(!strstr(out, "rror") && !strstr(out, "epair"), "soffice reported: %s", out);
    free(out);

    /* the engine recalculated: the wrong cached value 999 is gone */
    char csv[700];
    snprintf(csv, sizeof csv, "%s/csv/probe-Probe.csv", dir);
    char *pt = read_all(csv);
    cr_assert_not_null(pt, "probe was not converted");
    csv_table *t = csv_parse(pt);
    free(pt);
    assert_rel(csv_num(t, 0, 1), tanh(2.75) * 3.0, "probe formula");
    csv_free(t);

    /* every sheet was converted: the workbook opened whole */
    for (size_t i = 0; i < n_sheets; i++) {
        snprintf(csv, sizeof csv, "%s/csv/full-%s.csv", dir, sheets[i]);
        struct stat sb;
        cr_assert_eq(stat(csv, &sb), 0, "sheet %s not converted", sheets[i]);
    }
    snprintf(csv, sizeof csv, "%s/csv/full-Calculator.csv", dir);
    double worst_sd = 0.0;
    double worst = check_calculator_csv(csv, fa.model, fa.recommended, fa.table,
                                        SG_REPORT_DEFAULT_CHECK_ROWS, &worst_sd);
    check_calculator_interval(csv, fa.model, fa.cv, fa.recommended);
    for (int a = 0; a < N_ACT_BOOKS; a++) {
        snprintf(csv, sizeof csv, "%s/csv/act%d-Calculator.csv", dir, a);
        double w = check_calculator_csv(csv, fb[a].model, fb[a].recommended, fb[a].table,
                                        SG_REPORT_DEFAULT_CHECK_ROWS, &worst_sd);
        worst = fmax(worst, w);
        check_setting_flags(csv, a);
        fixture_free(&fb[a]);
    }
    cr_log_info("Calculator (LibreOffice) vs sg_model_predict over %d workbooks: largest "
                "relative difference %.3g (predictions), %.3g (spreads)",
                N_ACT_BOOKS + 1, worst, worst_sd);
    fixture_free(&fa);
    rm_rf(dir);
    free(dir);
}

Test(report, calculator_refused_for_huge_models)
{
    fixture fx;
    fixture_init(&fx, false);
    sg_model_spec spec = sg_model_spec_defaults();
    spec.n_hidden = 1;
    spec.hidden[0] = 6000; /* 3 responses x 2 members x 36001 parameters > 200000 */
    spec.train.epochs = 1;
    spec.ensemble = 2;
    sg_error err;
    cr_assert_eq(sg_model_fit(&spec, FX_NF, FX_NR, fx.X, fx.Y, fx.table->n_rows, NULL, NULL,
                              NULL, &fx.model, &err),
                 SG_OK, "%s", err.msg);
    fx.in.model = fx.model;
    char *dir = make_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/big.xlsx", dir);
    cr_assert_eq(sg_report_write(&fx.in, path, &err), SG_OK, "%s", err.msg);
    char *ss = unzip_part(path, "xl/sharedStrings.xml");
    cr_assert(strstr(ss, "Not written: the model has 216006 parameters"), "no refusal note");
    free(ss);
    fixture_free(&fx);
    rm_rf(dir);
    free(dir);
}

Test(report, suspicious_cells_highlighted_with_a_note)
{
    fixture fx;
    fixture_init(&fx, true);
    /* plant one suspicious run: data row 14, stress_max */
    sg_outlier planted = {.row = 13, .response = 0, .observed = 512.0, .predicted = 499.1,
                             .spread = 0.04, .half_width = 0.87, .z = 7.25};
    sg_outlier *saved = fx.cv->outliers;
    size_t saved_n = fx.cv->n_outliers;
    fx.cv->outliers = &planted;
    fx.cv->n_outliers = 1;
    char *dir = make_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/s.xlsx", dir);
    sg_error err;
    sg_status st = sg_report_write(&fx.in, path, &err);
    fx.cv->outliers = saved;
    fx.cv->n_outliers = saved_n;
    cr_assert_eq(st, SG_OK, "%s", err.msg);
    char *cm = unzip_part(path, "xl/comments1.xml");
    cr_assert(strstr(cm, "Suspicious: observed 512 MPa, cross-validated prediction 499.1 ± 0.87"),
              "no note with the calibrated half-width on the suspicious cell");
    cr_assert(strstr(cm, "ref=\"G18\""), "the note is not on the stress_max cell of row 14");
    free(cm);
    /* the note sits on the stress_max cell of data row 14: column G (run id
     * in B, four factors in C..F), sheet row 4 + 14 */
    char *dx = unzip_part(path, "xl/worksheets/sheet2.xml");
    cr_assert(strstr(dx, "<c r=\"G18\" s="), "stress_max cell of row 14 missing");
    free(dx);
    fixture_free(&fx);
    rm_rf(dir);
    free(dir);
}

static bool has_warning(const sg_report_warnings *w, const char *needle)
{
    for (size_t i = 0; i < w->n; i++)
        if (strstr(w->text[i], needle))
            return true;
    return false;
}

Test(report, standard_warnings_in_plain_words)
{
    fixture fx;
    fixture_init(&fx, true);
    sg_outlier planted = {.row = 13, .response = 0, .observed = 512.0, .predicted = 499.1,
                             .spread = 0.04, .half_width = 0.87, .z = 7.25};
    sg_outlier *saved = fx.cv->outliers;
    size_t saved_n = fx.cv->n_outliers;
    fx.cv->outliers = &planted;
    fx.cv->n_outliers = 1;
    fx.recommended[1] = 1160.5; /* above the 1150 C bound */
    sg_report_warnings w;
    sg_error err;
    sg_status st = sg_report_warnings_collect(&fx.in, &w, &err);
    fx.cv->outliers = saved;
    fx.cv->n_outliers = saved_n;
    cr_assert_eq(st, SG_OK, "%s", err.msg);
    cr_assert(has_warning(&w, "Run 28 (line 29) was left out"), "excluded run");
    cr_assert(has_warning(&w, "Run 14, stress_max: observed 512 MPa, cross-validated "
                              "prediction 499.1 ± 0.87 MPa — check this simulation."),
              "suspicious run");
    cr_assert(has_warning(&w, "The recommended temperature (1160.5 C) lies outside"),
              "extrapolation");
    /* the baseline gate's warning is there exactly when its verdict on the
     * tiny test model calls for one (worse, or undecided between levels) */
    sg_baseline_verdict v = sg_cv_baseline_verdict(fx.cv, 0, NULL, NULL);
    bool worse = v == SG_BASELINE_MODEL_WORSE || v == SG_BASELINE_UNDECIDED;
    cr_assert_eq(has_warning(&w, "stress_max: the model's cross-validated RMSE"), worse,
                 "verdict %d", (int)v);
    sg_report_warnings_destroy(&w);
    sg_report_warnings_destroy(&w); /* safe twice */
    sg_report_warnings_destroy(NULL);
    fx.in.n_factors = 0;
    cr_assert_eq(sg_report_warnings_collect(&fx.in, &w, &err), SG_ERR_INVALID);
    cr_assert_eq(w.n, 0);
    fx.in.n_factors = FX_NF;
    fixture_free(&fx);
}

Test(report, fill_study_from_the_study_file)
{
    sg_study *s = NULL;
    sg_error err;
    cr_assert_eq(sg_study_load("studies/brazing.toml", &s, &err), SG_OK, "%s", err.msg);
    sg_report_factor f[8];
    sg_report_response r[8];
    cr_assert_leq(s->n_factors, 8);
    cr_assert_leq(s->n_responses, 8);
    sg_report_input in = {.n_check = 3};
    sg_report_fill_study(s, f, r, &in);
    cr_assert_eq(in.n_factors, 4);
    cr_assert_str_eq(in.factors[1].name, "temperature");
    cr_assert_str_eq(in.factors[1].unit, "C");
    cr_assert_float_eq(in.factors[1].min, 1090.0, 0.0);
    cr_assert_float_eq(in.factors[1].max, 1150.0, 0.0);
    cr_assert_str_eq(in.responses[0].name, "stress_max");
    cr_assert_str_eq(in.responses[0].goal, "minimize");
    cr_assert_eq(in.seed, 42);
    cr_assert_str_eq(in.title, "FC-0208/304 brazed joint: residual stress");
    cr_assert_eq(in.n_check, 3, "other fields untouched");
    in.n_check = 0;
    cr_assert_eq(sg_report_validate(&in, &err), SG_OK, "%s", err.msg);
    sg_study_destroy(s);
}

/* How many of the warnings contain needle. */
static size_t count_warnings(const sg_report_warnings *w, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++)
        n += strstr(w->text[i], needle) != NULL;
    return n;
}

/* The fixture's warnings with its suspicious runs replaced by planted[0..n). */
static void warnings_with_outliers(fixture *fx, sg_outlier *planted, size_t n,
                                   sg_report_warnings *w)
{
    sg_outlier *saved = fx->cv->outliers;
    size_t saved_n = fx->cv->n_outliers;
    fx->cv->outliers = planted;
    fx->cv->n_outliers = n;
    sg_error err;
    sg_status st = sg_report_warnings_collect(&fx->in, w, &err);
    fx->cv->outliers = saved;
    fx->cv->n_outliers = saved_n;
    cr_assert_eq(st, SG_OK, "%s", err.msg);
}

Test(report, cluster_of_neighbouring_runs_is_named_once)
{
    fixture fx;
    fixture_init(&fx, true);
    sg_outlier planted[2] = {
        {.row = 25, .response = 0, .observed = 439.7, .predicted = 435.5, .spread = 0.4,
         .z = 4.6, .scale = 0.91, .cluster_first = 24, .cluster_last = 26},
        {.row = 26, .response = 0, .observed = 439.7, .predicted = 423.8, .spread = 0.4,
         .z = 17.4, .scale = 0.91, .cluster_first = 24, .cluster_last = 26},
    };
    sg_report_warnings w;
    warnings_with_outliers(&fx, planted, 2, &w);
    cr_expect_eq(count_warnings(&w, "Run 25 to run 27, stress_max: these neighbouring runs "
                                    "deviate together"),
                 1, "the group is named once");
    cr_expect(has_warning(&w, "Run 27, stress_max: observed 439.7 MPa"));
    sg_report_warnings_destroy(&w);
    fixture_free(&fx);
}

/* A group off the additive pattern on scattered rows (a shuffled table)
 * names each of its runs, not the range between its first and last. */
Test(report, group_off_the_pattern_on_scattered_rows_names_each_run)
{
    fixture fx;
    fixture_init(&fx, true);
    sg_outlier planted[3];
    const size_t rows[3] = {8, 16, 24};
    for (int i = 0; i < 3; i++)
        planted[i] = (sg_outlier){.row = rows[i], .response = 0, .observed = 439.7,
                                  .predicted = 413.0, .spread = 0.4, .half_width = 7.3,
                                  .z = 21.4, .scale = 0.91, .cluster_first = 8,
                                  .cluster_last = 24, .off_pattern = true};
    sg_report_warnings w;
    warnings_with_outliers(&fx, planted, 3, &w);
    cr_expect_eq(count_warnings(&w, "Run 9, run 17 and run 25, stress_max: these neighbouring "
                                    "runs lie 19.5 MPa above the additive pattern"),
                 1, "the group is named once, each run listed");
    cr_expect_eq(count_warnings(&w, "Run 9 to"), 0);
    sg_report_warnings_destroy(&w);
    fixture_free(&fx);
}

/* Bytes of the file at path (caller frees); *len gets the size. */
static unsigned char *read_bytes(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "cannot open %s", path);
    cr_assert_eq(fseek(fp, 0, SEEK_END), 0);
    long n = ftell(fp);
    cr_assert_gt(n, 0);
    rewind(fp);
    unsigned char *b = malloc((size_t)n);
    cr_assert_not_null(b);
    cr_assert_eq(fread(b, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    *len = (size_t)n;
    return b;
}

static void expect_same_bytes(const char *a, const char *b)
{
    size_t na, nb;
    unsigned char *x = read_bytes(a, &na), *y = read_bytes(b, &nb);
    cr_expect_eq(na, nb, "%s has %zu bytes, %s %zu", a, na, b, nb);
    cr_expect(na == nb && memcmp(x, y, na) == 0, "%s and %s differ", a, b);
    free(x);
    free(y);
}

/* A fixed creation time (what the CLI passes from SOURCE_DATE_EPOCH) makes
 * two writes of the same input byte-identical, and it is the time in the
 * document properties; a decimal-comma locale changes no byte. */
Test(report, created_time_gives_byte_identical_workbooks)
{
    char *dir = make_tmpdir();
    char p1[512], p2[512], p3[512];
    snprintf(p1, sizeof p1, "%s/a.xlsx", dir);
    snprintf(p2, sizeof p2, "%s/b.xlsx", dir);
    snprintf(p3, sizeof p3, "%s/c.xlsx", dir);
    fixture fx;
    fixture_init(&fx, true);
    fx.in.created = 1795900000; /* 2026-11-28T21:06:40Z */
    sg_error err;
    cr_assert_eq(sg_report_write(&fx.in, p1, &err), SG_OK, "%s", err.msg);
    sleep(1); /* a second later: the clock must not matter */
    cr_assert_eq(sg_report_write(&fx.in, p2, &err), SG_OK, "%s", err.msg);
    expect_same_bytes(p1, p2);
    char *core = unzip_part(p1, "docProps/core.xml");
    cr_expect(strstr(core, ">2026-11-28T21:06:40Z</dcterms:created>") != NULL, "%s", core);
    free(core);

    cr_assert_not_null(setlocale(LC_ALL, "de_DE.UTF-8"),
                       "the de_DE.UTF-8 locale is missing: run 'make deps'");
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 2.5);
    cr_assert_str_eq(probe, "2,5", "the locale has no decimal comma");
    sg_status st = sg_report_write(&fx.in, p3, &err);
    setlocale(LC_ALL, "C");
    cr_assert_eq(st, SG_OK, "%s", err.msg);
    expect_same_bytes(p1, p3);
    fixture_free(&fx);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
    free(dir);
}

/* Which sheets a report holds, and the report stage's JSON object. */
Test(report, sheet_names_and_json)
{
    sg_report_input in;
    memset(&in, 0, sizeof in);
    const char *names[SG_REPORT_MAX_SHEETS];
    cr_expect_eq(sg_report_sheet_names(&in, names, SG_REPORT_MAX_SHEETS), 2);
    cr_expect_str_eq(names[0], "Summary");
    cr_expect_str_eq(names[1], "Data");
    /* the pointers only say which parts are present (never read here) */
    static const sg_col_stats st;
    const sg_taguchi_result *eff[2] = {NULL, (const sg_taguchi_result *)&st};
    in.stats = &st;
    in.effects = eff;
    in.n_responses = 2;
    in.model = (const sg_model *)&st;
    in.optim = (const sg_optim_result *)&st;
    in.n_warnings = 3;
    in.date = "2026-11-29 01:00 UTC";
    const char *want[] = {"Summary", "Data",         "Statistics",       "Main effects",
                          "Model",   "Optimization", "Response surface", "Calculator"};
    cr_assert_eq(sg_report_sheet_names(&in, names, SG_REPORT_MAX_SHEETS), 8);
    for (size_t i = 0; i < 8; i++)
        cr_expect_str_eq(names[i], want[i]);
    cJSON *j = NULL;
    sg_error err;
    cr_assert_eq(sg_report_to_json(&in, "r/b.xlsx", "r/b.model.results.json", &j, &err), SG_OK,
                 "%s", err.msg);
    cJSON *sh = cJSON_GetObjectItem(j, "sheets");
    cr_assert_eq(cJSON_GetArraySize(sh), 8);
    for (int i = 0; i < 8; i++)
        cr_expect_str_eq(cJSON_GetArrayItem(sh, i)->valuestring, want[i]);
    cr_expect_str_eq(cJSON_GetObjectItem(j, "path")->valuestring, "r/b.xlsx");
    cr_expect_str_eq(cJSON_GetObjectItem(j, "results")->valuestring, "r/b.model.results.json");
    cr_expect_eq(cJSON_GetObjectItem(j, "warnings")->valuedouble, 3);
    cr_expect_str_eq(cJSON_GetObjectItem(j, "date")->valuestring, "2026-11-29 01:00 UTC");
    cJSON_Delete(j);
    /* `surrogate report` writes no results file: null */
    cr_assert_eq(sg_report_to_json(&in, "r/b.xlsx", NULL, &j, &err), SG_OK, "%s", err.msg);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(j, "results")));
    cJSON_Delete(j);
}

/* ---- print set-up (issue 14) ---------------------------------------------------- */

/* Occurrences of needle in b[0..n). */
static size_t count_mem(const unsigned char *b, size_t n, const char *needle)
{
    size_t k = strlen(needle), c = 0;
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(b + i, needle, k) == 0)
            c++;
    return c;
}

/* Every sheet of the full workbook prints landscape on A4, one page wide
 * (the Summary on one page), with a print area, repeated rows, and a header
 * naming the study, sheet and date over a "Page n of N" footer. */
Test(report, print_setup_of_every_sheet)
{
    char *dir = make_tmpdir();
    char pa[512], part[64], want[256];
    snprintf(pa, sizeof pa, "%s/full.xlsx", dir);
    fixture fx;
    fixture_init(&fx, true);
    fx.in.date = "2026-11-29 01:10 UTC";
    sg_error err;
    cr_assert_eq(sg_report_write(&fx.in, pa, &err), SG_OK, "%s", err.msg);
    const char *names[SG_REPORT_MAX_SHEETS];
    size_t ns = sg_report_sheet_names(&fx.in, names, SG_REPORT_MAX_SHEETS);
    cr_assert_geq(ns, 7);
    char *wbx = unzip_part(pa, "xl/workbook.xml");
    for (size_t s = 0; s < ns; s++) {
        snprintf(want, sizeof want,
                 "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"%zu\">", s);
        cr_expect(strstr(wbx, want), "no print area on sheet %s", names[s]);
        snprintf(want, sizeof want,
                 "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"%zu\">", s);
        cr_expect(strstr(wbx, want), "no repeated rows on sheet %s", names[s]);
        snprintf(part, sizeof part, "xl/worksheets/sheet%zu.xml", s + 1);
        char *x = unzip_part(pa, part);
        cr_expect(strstr(x, "orientation=\"landscape\""), "%s is not landscape", names[s]);
        cr_expect(strstr(x, "<pageSetUpPr fitToPage=\"1\"/>"), "%s not fitted", names[s]);
        /* fitToWidth defaults to 1 and is only written when it differs */
        cr_expect(!strstr(x, "fitToWidth=") || strstr(x, "fitToWidth=\"1\""),
                  "%s is not one page wide", names[s]);
        if (s == 0)
            cr_expect(!strstr(x, "fitToHeight="), "the Summary is not on one page");
        else
            cr_expect(strstr(x, "fitToHeight=\"0\""), "%s has a fixed page height", names[s]);
        cr_expect(strstr(x, "<oddHeader>&amp;L"),
                  "%s has no header", names[s]);
        cr_expect(strstr(x, "&amp;C&amp;A&amp;R2026-11-29 01:10 UTC</oddHeader>"),
                  "%s header lacks sheet name and date", names[s]);
        cr_expect(strstr(x, "<oddFooter>&amp;CPage &amp;P of &amp;N</oddFooter>"),
                  "%s has no page footer", names[s]);
        free(x);
    }
    /* column widths from content: the Validation sheet's verdict column
     * (designed 36 characters) widens to its longest verdict, which the
     * interval text beside it would otherwise cut */
    {
        char *vx = unzip_part(pa, "xl/worksheets/sheet6.xml");
        char *vs = unzip_part(pa, "xl/sharedStrings.xml");
        const char *col = strstr(vx, "<col min=\"15\" max=\"15\" width=\"");
        cr_assert_not_null(col, "no width for the verdict column");
        double w = strtod(col + strlen("<col min=\"15\" max=\"15\" width=\""), NULL);
        const char *verdicts[] = {"no usable predictive structure (Q² < 0.5)",
                                  "model worse than the quadratic baseline",
                                  "model better than the quadratic baseline",
                                  "neither better: worse only between levels (design note)",
                                  "neither better: the runs do not show the difference"};
        size_t longest = 0;
        for (size_t i = 0; i < 5; i++)
            if (strstr(vs, verdicts[i]) && strlen(verdicts[i]) > longest)
                longest = strlen(verdicts[i]) - (i == 0); /* "²" is two bytes */
        cr_expect_gt(longest, 36);
        cr_expect_geq(w, (double)longest, "verdict column %.1f wide for %zu characters", w,
                      longest);
        free(vx);
        free(vs);
    }
    /* bulk data stays off paper: the Calculator prints its left block only */
    cr_expect(strstr(wbx, ">Calculator!$A$1:$"), "Calculator print area missing");
    free(wbx);
    fixture_free(&fx);
    rm_rf(dir);
    free(dir);
}

/* The integer after the first occurrence of tag in s at or after *p (and
 * *p moved past it); -1 when there is none. */
static long next_tag_int(const char **p, const char *tag)
{
    const char *q = strstr(*p, tag);
    if (!q)
        return -1;
    q += strlen(tag);
    *p = q;
    return strtol(q, NULL, 10);
}

/* Charts of every sheet of xlsx against its manual page breaks: no chart
 * starts above a break and ends below it.  Returns the number of breaks. */
static size_t expect_charts_between_breaks(const char *xlsx, size_t n_sheets)
{
    size_t total = 0;
    for (size_t s = 1; s <= n_sheets; s++) {
        char part[96];
        snprintf(part, sizeof part, "xl/worksheets/sheet%zu.xml", s);
        char *x = unzip_part(xlsx, part);
        long brk[1024];
        size_t nb = 0;
        for (const char *p = x; nb < 1024;) {
            long b = next_tag_int(&p, "<brk id=\"");
            if (b < 0)
                break;
            brk[nb++] = b;
        }
        free(x);
        total += nb;
        snprintf(part, sizeof part, "xl/worksheets/_rels/sheet%zu.xml.rels", s);
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "unzip -l '%s' '%s' >/dev/null 2>&1", xlsx, part);
        if (nb == 0 || system(cmd) != 0)
            continue;
        char *rels = unzip_part(xlsx, part);
        const char *p = rels;
        long dn = next_tag_int(&p, "../drawings/drawing");
        free(rels);
        if (dn < 0)
            continue;
        snprintf(part, sizeof part, "xl/drawings/drawing%ld.xml", dn);
        char *d = unzip_part(xlsx, part);
        p = d;
        for (;;) {
            long top = next_tag_int(&p, "<xdr:from><xdr:col>");
            if (top < 0)
                break;
            top = next_tag_int(&p, "<xdr:row>");
            long bottom = next_tag_int(&p, "<xdr:to><xdr:col>");
            bottom = next_tag_int(&p, "<xdr:row>");
            long off = next_tag_int(&p, "<xdr:rowOff>");
            for (size_t i = 0; i < nb; i++) /* a page starts at 0-based row brk[i] */
                cr_expect(!(top < brk[i] && (brk[i] < bottom || (brk[i] == bottom && off > 0))),
                          "sheet %zu: a chart on rows %ld..%ld crosses the break at %ld", s,
                          top, bottom, brk[i]);
        }
        free(d);
    }
    return total;
}

/* Chart titles and axis titles: a chart part with fewer than three
 * <c:title> elements lacks one of them. */
static void expect_titled_charts(const char *xlsx)
{
    char part[64];
    size_t n = 0;
    for (int i = 1; i < 200; i++) {
        char cmd[1024];
        snprintf(part, sizeof part, "xl/charts/chart%d.xml", i);
        snprintf(cmd, sizeof cmd, "unzip -l '%s' '%s' >/dev/null 2>&1", xlsx, part);
        if (system(cmd) != 0)
            break;
        char *x = unzip_part(xlsx, part);
        size_t titles = count_mem((const unsigned char *)x, strlen(x), "<c:title>");
        cr_expect_geq(titles, 3, "%s: %zu titles (chart + x axis + y axis wanted)", part,
                      titles);
        free(x);
        n++;
    }
    cr_expect_gt(n, 0, "the workbook has no charts");
}

/* LibreOffice prints the brazing workbook in at most 25 pages. */
#define PRINT_MAX_PAGES 25

Test(report, brazing_workbook_prints_in_few_pages, .timeout = 300)
{
    char *dir = make_tmpdir();
    char pa[512], cmd[2048], pdf[600];
    snprintf(pa, sizeof pa, "%s/brazing.xlsx", dir);
    fixture fx;
    fixture_init(&fx, true);
    sg_error err;
    cr_assert_eq(sg_report_write(&fx.in, pa, &err), SG_OK, "%s", err.msg);
    expect_titled_charts(pa);
    /* the long sheets have page breaks, and no chart is cut by one */
    const char *names[SG_REPORT_MAX_SHEETS];
    size_t ns = sg_report_sheet_names(&fx.in, names, SG_REPORT_MAX_SHEETS);
    cr_expect_gt(expect_charts_between_breaks(pa, ns), 0, "no manual page breaks");
    int st = system("command -v soffice >/dev/null 2>&1");
    if (st != 0) {
        fixture_free(&fx);
        rm_rf(dir);
        free(dir);
        cr_skip_test("soffice not found: install libreoffice-calc-nogui (make deps)");
    }
    snprintf(cmd, sizeof cmd,
             "cd '%s' && flock /tmp/surrogate-soffice.lock timeout 240 "
             "soffice -env:UserInstallation=file://%s/profile "
             "--headless --norestore --nolockcheck --convert-to pdf --outdir '%s' "
             "brazing.xlsx 2>&1",
             dir, dir, dir);
    char *out = run_capture(cmd, &st);
    cr_assert_not_null(out);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "soffice failed: %s", out);
    free(out);
    snprintf(pdf, sizeof pdf, "%s/brazing.pdf", dir);
    size_t n;
    unsigned char *b = read_bytes(pdf, &n);
    /* LibreOffice writes each page object as "/Type/Page/" (the tree is /Pages) */
    size_t pages = count_mem(b, n, "/Type/Page/");
    free(b);
    cr_expect_gt(pages, 0, "no pages found in the PDF");
    cr_expect_leq(pages, PRINT_MAX_PAGES, "the workbook prints in %zu pages", pages);
    fixture_free(&fx);
    rm_rf(dir);
    free(dir);
}
