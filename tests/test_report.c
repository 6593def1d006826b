/* test_report.c — the Excel report: input validation, safe writing, the XML
 * parts of the workbook, and the Calculator recalculated by a real
 * spreadsheet engine (LibreOffice Calc headless) against the C predictions.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "report.h"
#include "report_fixture.h"

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

typedef void (*breaker)(sg_report_input *in, sg_report_model *md, sg_report_net *nets);
static void br_bounds(sg_report_input *in, sg_report_model *md, sg_report_net *n)
{
    (void)md; (void)n;
    static sg_report_factor f[4];
    memcpy(f, in->factors, sizeof f);
    f[2].min = f[2].max;
    in->factors = f;
}
static void br_no_model(sg_report_input *in, sg_report_model *md, sg_report_net *n)
{
    (void)md; (void)n;
    in->model = NULL;
}
static void br_width(sg_report_input *in, sg_report_model *md, sg_report_net *n)
{
    (void)in; (void)n;
    static double w[4];
    memcpy(w, md->x_width, sizeof w);
    w[1] = 0.0;
    md->x_width = w;
}
static void br_shape(sg_report_input *in, sg_report_model *md, sg_report_net *n)
{
    (void)in; (void)md;
    static size_t sz[8];
    memcpy(sz, n[1].sizes, (n[1].n_layers + 1) * sizeof *sz);
    sz[0] = 3;
    n[1].sizes = sz;
}
static void br_act(sg_report_input *in, sg_report_model *md, sg_report_net *n)
{
    (void)in; (void)md;
    static sg_activation a[8];
    memcpy(a, n[0].acts, n[0].n_layers * sizeof *a);
    a[0] = SG_ACT_COUNT;
    n[0].acts = a;
}
static void br_members(sg_report_input *in, sg_report_model *md, sg_report_net *n)
{
    (void)in; (void)n;
    md->n_members = 0;
}
static void br_stats(sg_report_input *in, sg_report_model *md, sg_report_net *n)
{
    (void)md; (void)n;
    static sg_report_stats s;
    s.n_cols = 2;
    in->stats = &s;
}

Test(report, validate_errors)
{
    const struct {
        breaker fn;
        const char *needle;
    } cases[] = {
        {br_bounds, "min < max"},        {br_no_model, "needs the model"},
        {br_width, "scaling width"},     {br_shape, "expected 4 -> 1"},
        {br_act, "unknown activation"},  {br_members, "members"},
        {br_stats, "statistics have 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture fx;
        fixture_init(&fx, false);
        sg_error err;
        cr_assert_eq(sg_report_validate(&fx.in, &err), SG_OK, "%s", err.msg);
        cases[i].fn(&fx.in, &fx.model, fx.nets);
        cr_assert_eq(sg_report_validate(&fx.in, &err), SG_ERR_INVALID, "case %zu", i);
        cr_assert(strstr(err.msg, cases[i].needle), "case %zu: '%s'", i, err.msg);
    }
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
    sg_error err;
    /* invalid input: refused before anything is written */
    fx.factors[0].max = fx.factors[0].min;
    cr_assert_eq(sg_report_write(&fx.in, path, &err), SG_ERR_INVALID);
    fixture_init(&fx, false);
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
    char *content = read_all(path);
    cr_assert_str_eq(content, "previous report");
    free(content);
    cr_assert_eq(count_files(dir), 1, "no temporary file may be left behind");

    /* the final rename fails (the target is a directory): no temporary left */
    char sub[600];
    snprintf(sub, sizeof sub, "%s/sub.xlsx", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    fixture_init(&fx, false);
    cr_assert_eq(sg_report_write(&fx.in, sub, &err), SG_ERR_IO);
    cr_assert_eq(count_files(dir), 2, "no temporary file may be left behind");
    cr_assert_eq(rmdir(sub), 0);

    /* missing directory */
    char bad[600];
    snprintf(bad, sizeof bad, "%s/nope/r.xlsx", dir);
    fixture_init(&fx, false);
    cr_assert_eq(sg_report_write(&fx.in, bad, &err), SG_ERR_IO);

    /* success replaces the file */
    cr_assert_eq(sg_report_write(&fx.in, path, &err), SG_OK, "%s", err.msg);
    content = read_all(path);
    cr_assert(content && content[0] == 'P' && content[1] == 'K', "not a zip file");
    free(content);
    cr_assert_eq(count_files(dir), 1);
    rm_rf(dir);
    free(dir);
}

Test(report, predict_matches_hand_computation)
{
    /* one member, 4-1 linear network: y = (w . s + b) * yw + ys */
    fixture fx;
    fixture_init(&fx, false);
    static const size_t sz[2] = {4, 1};
    static const sg_activation act[1] = {SG_ACT_LINEAR};
    static const double par[5] = {0.7183, -1.2914, 0.3321, 2.0417, -0.4412};
    sg_report_net nets[3];
    for (int k = 0; k < 3; k++)
        nets[k] = (sg_report_net){1, sz, act, par};
    fx.model.nets = nets;
    fx.model.n_members = 1;
    double x[4] = {87.5, 1102.25, 31.0, 6.125};
    double mean[3], sd[3], work[64];
    cr_assert_leq(sg_report_work_size(&fx.in), 64);
    sg_error err;
    cr_assert_eq(sg_report_predict(&fx.in, x, mean, sd, NULL, work, &err), SG_OK);
    for (int k = 0; k < 3; k++) {
        double z = par[4];
        for (int i = 0; i < 4; i++)
            z += par[i] * (x[i] - fx.model.x_shift[i]) / fx.model.x_width[i];
        double want = z * fx.model.y_width[k] + fx.model.y_shift[k];
        cr_assert_float_eq(mean[k], want, 1e-12 * fabs(want));
        cr_assert_float_eq(sd[k], 0.0, 0.0);
    }
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

/* Check the Calculator CSV of one fixture against the C predictions. */
static double check_calculator_csv(const char *csv_path, const fixture *fx)
{
    char *text = read_all(csv_path);
    cr_assert_not_null(text, "LibreOffice did not write %s", csv_path);
    csv_table *t = csv_parse(text);
    free(text);
    const sg_report_input *in = &fx->in;
    size_t nr = in->n_responses, nf = in->n_factors;
    double worst = 0.0;
    double mean[8], sd[8], work[4096];
    cr_assert_leq(sg_report_work_size(in), 4096);
    sg_error err;

    /* predictions at the pre-filled settings */
    cr_assert_eq(sg_report_predict(in, in->calc->settings, mean, sd, NULL, work, &err), SG_OK);
    size_t rh = csv_find(t, 0, 0, "Response");
    cr_assert_neq(rh, (size_t)-1, "no prediction table");
    for (size_t k = 0; k < nr; k++) {
        size_t r = rh + 1 + k;
        cr_assert_str_eq(csv_get(t, r, 0), in->responses[k].name);
        double got = csv_num(t, r, 2), gsd = csv_num(t, r, 3);
        assert_rel(got, mean[k], "mean at the settings");
        assert_rel(gsd, sd[k], "spread at the settings");
        worst = fmax(worst, fabs(got - mean[k]) / fabs(mean[k]));
        worst = fmax(worst, fabs(gsd - sd[k]) / fabs(sd[k]));
    }
    /* check table: formula column beside the surrogate column */
    size_t ch = csv_find(t, 0, 0, "Run");
    cr_assert_neq(ch, (size_t)-1, "no check table");
    for (size_t i = 0; i < in->calc->n_check; i++) {
        size_t r = ch + 1 + i;
        for (size_t k = 0; k < nr; k++) {
            double f = csv_num(t, r, 1 + nf + 3 * k);
            double s = in->calc->check_pred[i * nr + k];
            assert_rel(csv_num(t, r, 2 + nf + 3 * k), s, "surrogate value");
            assert_rel(f, s, "check-table formula");
            worst = fmax(worst, fabs(f - s) / fabs(s));
        }
    }
    csv_free(t);
    return worst;
}

Test(report, workbook_xml_and_libreoffice_recalculation, .timeout = 180)
{
    char *dir = make_tmpdir();
    char pa[512], pb[512], probe[512], cmd[4096], prof[512];
    snprintf(pa, sizeof pa, "%s/a.xlsx", dir);
    snprintf(pb, sizeof pb, "%s/b.xlsx", dir);
    snprintf(probe, sizeof probe, "%s/probe.xlsx", dir);
    fixture fa, fb;
    fixture_init(&fa, false);
    fixture_init(&fb, true);
    sg_error err;
    cr_assert_eq(sg_report_write(&fa.in, pa, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_report_write(&fb.in, pb, &err), SG_OK, "%s", err.msg);
    write_probe(probe);

    /* (a) the XML parts */
    char *wbx = unzip_part(pa, "xl/workbook.xml");
    const char *sheets[] = {"Summary", "Calculator"};
    for (size_t i = 0; i < sizeof sheets / sizeof sheets[0]; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, "name=\"%s\"", sheets[i]);
        cr_assert(strstr(wbx, needle), "sheet %s missing from workbook.xml", sheets[i]);
    }
    free(wbx);
    char *ss = unzip_part(pa, "xl/sharedStrings.xml");
    cr_assert(strstr(ss, "stress_max"), "response name missing");
    cr_assert(strstr(ss, "thickness [um]"), "factor header with unit missing");
    cr_assert(strstr(ss, fa.in.warnings[0]), "warning text missing");
    free(ss);
    /* the Calculator is the last sheet */
    char part[64];
    snprintf(part, sizeof part, "xl/worksheets/sheet%zu.xml",
             sizeof sheets / sizeof sheets[0]);
    char *cx = unzip_part(pa, part);
    cr_assert(strstr(cx, "SUMPRODUCT("), "no neuron formulas");
    cr_assert(strstr(cx, "TANH("), "no tanh formulas");
    cr_assert(strstr(cx, "STDEVP("), "population spread expected");
    cr_assert(strstr(cx, "<dataValidation"), "no data validation on inputs");
    cr_assert(strstr(cx, "<formula1>50</formula1>"), "thickness lower bound missing");
    free(cx);

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
             "cd '%s' && soffice -env:UserInstallation=file://%s/profile --headless "
             "--norestore --nolockcheck --convert-to "
             "'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,false,false,false,"
             "false,-1' --outdir '%s/csv' a.xlsx b.xlsx probe.xlsx 2>&1",
             dir, dir, dir);
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
    for (size_t i = 0; i < sizeof sheets / sizeof sheets[0]; i++) {
        snprintf(csv, sizeof csv, "%s/csv/a-%s.csv", dir, sheets[i]);
        struct stat sb;
        cr_assert_eq(stat(csv, &sb), 0, "sheet %s not converted", sheets[i]);
    }
    snprintf(csv, sizeof csv, "%s/csv/a-Calculator.csv", dir);
    double wa = check_calculator_csv(csv, &fa);
    snprintf(csv, sizeof csv, "%s/csv/b-Calculator.csv", dir);
    double wb = check_calculator_csv(csv, &fb);
    cr_log_info("Calculator vs C: largest relative difference %.3g (per-response nets), "
                "%.3g (shared net, all activations)", wa, wb);
    fprintf(stderr, "report: Calculator vs C largest relative difference %.3g / %.3g\n", wa,
            wb);
    rm_rf(dir);
    free(dir);
}
