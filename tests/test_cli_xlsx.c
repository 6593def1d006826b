/* End-to-end tests of workbooks as data files (issue 15): the brazing table
 * saved by LibreOffice as .xlsx and .xls (title row, `name [unit]`
 * headers) gives the same check and fit as the CSV; a `doe` run sheet
 * filled in and saved by LibreOffice is read directly with its unfilled
 * runs listed as not yet run; a wide table with a date column and empty
 * cells fits after listing the excluded rows. */
#include <math.h>
#include <xlsxwriter.h>

#include "cli_harness.h"

TestSuite(cli_xlsx, .init = harness_setup, .fini = harness_teardown);

/* soffice --convert-to `to` of files (names inside tmpdir) into tmpdir/lo. */
static void soffice(const char *to, const char *infilter, const char *files)
{
    if (system("command -v soffice >/dev/null 2>&1") != 0)
        cr_skip_test("soffice not found: install libreoffice-calc-nogui (make deps)");
    char cmd[1500];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && soffice -env:UserInstallation=file://%s/profile --headless --norestore "
             "--nolockcheck %s%s%s --convert-to '%s' --outdir '%s/lo' %s >/dev/null 2>&1",
             tmpdir, tmpdir, infilter ? "'--infilter=" : "", infilter ? infilter : "",
             infilter ? "'" : "", to, tmpdir, files);
    int st = system(cmd);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "soffice failed: %s", cmd);
}

#define CSV_IN "CSV:44,34,76,1"           /* comma, double quote, UTF-8, from line 1 */
#define CSV_OUT "csv:Text - txt - csv (StarCalc):44,34,76,1"

static const char *light_study(const char *name, const char *data)
{
    char text[4096];
    snprintf(text, sizeof text,
             "[study]\nname = \"light\"\nseed = 11\n[data]\nfile = \"%s\"\n"
             "[[factor]]\nname = \"thickness\"\ncolumn = \"thickness_um\"\nunit = \"um\"\n"
             "min = 50\nmax = 150\n"
             "[[factor]]\nname = \"temperature\"\ncolumn = \"temperature_C\"\nunit = \"C\"\n"
             "min = 1090\nmax = 1150\n"
             "[[factor]]\nname = \"hold\"\ncolumn = \"hold_min\"\nmin = 20\nmax = 40\n"
             "[[factor]]\nname = \"cooling\"\ncolumn = \"cooling_C_per_min\"\nmin = 3\nmax = 7\n"
             "[[response]]\nname = \"stress_max\"\ncolumn = \"stress_max_MPa\"\nunit = \"MPa\"\n"
             "[model]\nhidden = [4]\nensemble = 2\n"
             "[train]\nepochs = 200\nvalidation = \"kfold:3\"\n[report]\nfile = \"light.xlsx\"\n",
             data);
    static char path[8][256];
    static int k;
    k = (k + 1) % 8;
    snprintf(path[k], sizeof path[k], "%s/%s", tmpdir, name);
    write_file(path[k], text);
    return path[k];
}

/* data/brazing_l27.csv with a title row and `name [unit]` headers. */
static void write_titled_brazing(const char *path)
{
    static char in[65536];
    slurp("data/brazing_l27.csv", in, sizeof in);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs("Brazing L27: residual stress (finite-element runs),,,,,,,\n", fp);
    fputs("run,thickness_um [um],temperature_C [C],hold_min [min],cooling_C_per_min [C/min],"
          "stress_max_MPa [MPa],stress_path1_MPa [MPa],stress_path2_MPa [MPa]\n",
          fp);
    fputs(strchr(in, '\n') + 1, fp);
    fclose(fp);
}

/* The part of `fit`'s text after the data line (the path differs). */
static const char *after_data(const char *out)
{
    const char *p = strstr(out, "\nModel:");
    return p ? p : out;
}

Test(cli_xlsx, brazing_as_xlsx_and_xls_checks_and_fits_as_the_csv)
{
    write_titled_brazing(tmp_path("brazing.csv"));
    soffice("xlsx", CSV_IN, "brazing.csv");
    soffice("xls", CSV_IN, "brazing.csv");
    const char *data[] = {"brazing.csv", "lo/brazing.xlsx", "lo/brazing.xls"};
    static char check_out[3][1 << 16], fit_out[3][1 << 16];
    for (int f = 0; f < 3; f++) {
        char name[32];
        snprintf(name, sizeof name, "s%d.toml", f);
        const char *study = light_study(name, data[f]);
        result *r = run("check", study, NULL);
        cr_assert_eq(r->code, 0, "%s: %s", data[f], r->err);
        cr_expect_not_null(strstr(r->out, "27 rows used, 0 excluded"), "%s", r->out);
        const char *stats = strstr(r->out, "\nFactors");
        cr_assert_not_null(stats);
        snprintf(check_out[f], sizeof check_out[f], "%.60000s", stats);
        r = run("fit", study, "--model", tpath(1, "m.model.json"), NULL);
        cr_assert_eq(r->code, 0, "%s: %s", data[f], r->err);
        snprintf(fit_out[f], sizeof fit_out[f], "%.60000s", after_data(r->out));
    }
    for (int f = 1; f < 3; f++) {
        cr_expect_str_eq(check_out[f], check_out[0], "%s", data[f]);
        cr_expect_str_eq(fit_out[f], fit_out[0], "%s", data[f]);
    }
    result *r = run("check", light_study("s1.toml", "lo/brazing.xlsx"), NULL);
    cr_expect_not_null(strstr(r->out, "(sheet brazing): 27 rows used"), "%s", r->out);
}

/* Formula cells: .xlsx gives their cached results; .xls (libfreexl reads no
 * formula results) says so instead of dropping the rows silently. */
Test(cli_xlsx, formula_cells_read_by_their_results_or_explained)
{
    static char in[65536];
    slurp("data/brazing_l27.csv", in, sizeof in);
    FILE *fp = fopen(tmp_path("formulas.csv"), "w");
    cr_assert_not_null(fp);
    fputs("run,thickness_um,temperature_C,hold_min,cooling_C_per_min,stress_max_MPa\n", fp);
    /* stress_max as a formula of a hidden helper column: =G{row}+0 */
    const char *line = strchr(in, '\n') + 1;
    for (int row = 2; *line; row++) {
        double v[8];
        cr_assert_eq(sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3],
                            &v[4], &v[5], &v[6], &v[7]), 8);
        fprintf(fp, "%g,%g,%g,%g,%g,=G%d+0,%.10g\n", v[0], v[1], v[2], v[3], v[4], row, v[5]);
        line = strchr(line, '\n');
        line = line ? line + 1 : "";
    }
    fclose(fp);
    soffice("xlsx", CSV_IN, "formulas.csv");
    soffice("xls", CSV_IN, "formulas.csv");
    result *r = run("check", light_study("fx.toml", "lo/formulas.xlsx"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_not_null(strstr(r->out, "27 rows used, 0 excluded"), "%s", r->out);
    cr_expect_not_null(strstr(r->out, "470.8"), "the formula results: %s", r->out);
    r = run("check", light_study("fs.toml", "lo/formulas.xls"), NULL);
    cr_expect_eq(r->code, 1, "%s", r->out);
    cr_expect_not_null(strstr(r->err, "formula cell reads as empty"), "%s", r->err);
    cr_expect_not_null(strstr(r->err, "save the workbook as .xlsx"), "%s", r->err);
}

#define TOY                                                                                      \
    "[study]\nname = \"toy\"\nseed = 7\n[data]\nfile = \"%s\"\n"                                 \
    "[[factor]]\nname = \"a\"\nunit = \"mm\"\nmin = 1\nmax = 3\nlevels = [1, 2, 3]\n"            \
    "[[factor]]\nname = \"b\"\ncolumn = \"b_C\"\nunit = \"C\"\nmin = 10\nmax = 30\n"             \
    "levels = [10, 20, 30]\n"                                                                    \
    "[[response]]\nname = \"y\"\ncolumn = \"y_MPa\"\nunit = \"MPa\"\n"                           \
    "[model]\nhidden = [3]\nensemble = 2\n[train]\nepochs = 100\nvalidation = \"kfold:3\"\n"   \
    "[report]\nfile = \"toy.xlsx\"\n"

/* Fill the LibreOffice CSV of the run sheet (title, header, run,a,b,y,notes
 * rows) with y = 2.385 a - 0.125 b + 40, leaving run `skip` empty. */
static void fill_lo_csv(const char *in_path, const char *out_path, int skip)
{
    static char in[16384];
    slurp(in_path, in, sizeof in);
    FILE *fp = fopen(out_path, "w");
    cr_assert_not_null(fp);
    int n_filled = 0;
    for (char *save = NULL, *ln = strtok_r(in, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        int run_no;
        double a, b;
        if (sscanf(ln, "%d,%lf,%lf,", &run_no, &a, &b) != 3) {
            fprintf(fp, "%s\n", ln); /* title and header rows stay as saved */
            continue;
        }
        if (run_no == skip)
            fprintf(fp, "%d,%.17g,%.17g,,\n", run_no, a, b);
        else
            fprintf(fp, "%d,%.17g,%.17g,%.17g,done\n", run_no, a, b, 2.385 * a - 0.125 * b + 40);
        n_filled += run_no != skip;
    }
    fclose(fp);
    cr_assert_eq(n_filled, 8, "the saved run sheet: %s", in_path);
}

Test(cli_xlsx, doe_run_sheet_filled_in_libreoffice_is_read_directly)
{
    char text[2048];
    snprintf(text, sizeof text, TOY, "runs.xlsx");
    const char *study = tpath(2, "toy.toml");
    write_file(study, text);
    result *r = run("doe", study, "--design", "L9", "--out", tpath(3, "runs.csv"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_not_null(strstr(r->out, "[data] file"), "%s", r->out);
    /* not filled in yet: every run is listed */
    r = run("check", study, NULL);
    cr_expect_eq(r->code, 1);
    cr_expect_not_null(strstr(r->err, "no usable data rows (9 rows have no response values)"),
                       "%s", r->err);
    /* LibreOffice opens the sheet, the team fills it in, LibreOffice saves it */
    soffice(CSV_OUT, NULL, "runs.xlsx");
    fill_lo_csv(tpath(4, "lo/runs.csv"), tpath(5, "filled.csv"), 5);
    soffice("xlsx", CSV_IN, "filled.csv");
    const char *data[] = {"lo/filled.xlsx", "filled.csv"};
    const char *where[] = {"excluded row 7 (run 5): not yet run", "excluded line 7 (run 5): not yet run"};
    for (int f = 0; f < 2; f++) {
        snprintf(text, sizeof text, TOY, data[f]);
        study = tpath(2, "filled.toml");
        write_file(study, text);
        r = run("check", study, NULL);
        cr_assert_eq(r->code, 0, "%s: %s", data[f], r->err);
        cr_expect_not_null(strstr(r->out, "8 rows used, 1 excluded"), "%s", r->out);
        cr_expect_not_null(strstr(r->out, where[f]), "%s", r->out);
    }
    r = run("fit", study, "--model", tpath(3, "toy.model.json"), NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
}

/* A wide table as engineers keep them: 7,752 rows x 25 columns (a date, a
 * station, 21 measured columns, two responses), some cells empty. */
#define WIDE_ROWS 7752
#define WIDE_COLS 25

static void write_wide_book(const char *path)
{
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = tmpdir};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Plant");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd hh:mm");
    worksheet_write_string(ws, 0, 0, "date", NULL);
    worksheet_write_string(ws, 0, 1, "station", NULL);
    char name[32];
    for (int c = 2; c < WIDE_COLS - 2; c++) {
        snprintf(name, sizeof name, "x%d [bar]", c - 1);
        worksheet_write_string(ws, 0, (lxw_col_t)c, name, NULL);
    }
    worksheet_write_string(ws, 0, WIDE_COLS - 2, "power [MW]", NULL);
    worksheet_write_string(ws, 0, WIDE_COLS - 1, "efficiency", NULL);
    for (int r = 1; r <= WIDE_ROWS; r++) {
        worksheet_write_number(ws, (lxw_row_t)r, 0, 43101.0 + r / 24.0, date);
        worksheet_write_string(ws, (lxw_row_t)r, 1, r % 2 ? "north" : "south", NULL);
        double x[WIDE_COLS];
        for (int c = 2; c < WIDE_COLS - 2; c++) {
            x[c] = 1.0 + 0.5 * sin(0.37 * r * (c - 1) + c);
            if (!(c == 4 && r % 500 == 7)) /* x3 missing now and then */
                worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, x[c], NULL);
        }
        if (r % 1000 != 11) /* a run not done yet */
            worksheet_write_number(ws, (lxw_row_t)r, WIDE_COLS - 2,
                                   400 + 30 * x[2] - 12 * x[3] + 5 * x[4] * x[5], NULL);
        if (r % 1000 != 11)
            worksheet_write_number(ws, (lxw_row_t)r, WIDE_COLS - 1, 0.3 + 0.05 * x[2] * x[3],
                                   NULL);
    }
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);
}

Test(cli_xlsx, wide_table_with_dates_and_gaps_fits_two_responses)
{
    write_wide_book(tmp_path("plant.xlsx"));
    const char *study = tpath(2, "plant.toml");
    write_file(study,
        "[study]\nname = \"plant\"\n[data]\nfile = \"plant.xlsx\"\nsheet = \"Plant\"\n"
        "[[factor]]\nname = \"x1\"\nunit = \"bar\"\nmin = 0.5\nmax = 1.5\n"
        "[[factor]]\nname = \"x2\"\nmin = 0.5\nmax = 1.5\n"
        "[[factor]]\nname = \"x3\"\nmin = 0.5\nmax = 1.5\n"
        "[[factor]]\nname = \"x4\"\nmin = 0.5\nmax = 1.5\n"
        "[[response]]\nname = \"power\"\nunit = \"MW\"\n"
        "[[response]]\nname = \"efficiency\"\n"
        "[model]\nhidden = [4]\nensemble = 1\n[train]\nepochs = 30\nvalidation = \"kfold:2\"\n"
        "[report]\nfile = \"plant.xlsx.out.xlsx\"\n");
    result *r = run("check", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    /* x3 empty at r % 500 == 7 (16 rows), not run at r % 1000 == 11 (8 rows) */
    cr_expect_not_null(strstr(r->out, "7728 rows used, 24 excluded"), "%s", r->out);
    cr_expect_not_null(strstr(r->out, "excluded row 8: no value for factor column 'x3'"), "%s",
                       r->out);
    cr_expect_not_null(strstr(r->out, "excluded row 12: not yet run (no response values)"), "%s",
                       r->out);
    r = run("fit", study, "--model", tpath(3, "plant.model.json"), NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
    cr_expect_not_null(strstr(r->out, "efficiency"), "%s", r->out);
}
