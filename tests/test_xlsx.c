/* Tests of the workbook readers (io/xlsx.h, io/xls.h) through the table
 * reader (io/table.h): workbooks written by libxlsxwriter, and the same
 * tables saved by LibreOffice (shared strings, styles, formulas with cached
 * values, dates), as .xlsx and .xls. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/file.h"
#include "design/runsheet.h"
#include "io/table.h"
#include "io/xls.h"
#include "io/xlsx.h"
#include "table_test.h"

static char tmpdir[64];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/sg_test_xlsx_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(xlsx, .init = setup, .fini = teardown);

static const char *tpath(const char *name)
{
    static char p[4][200];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", tmpdir, name);
    return p[k];
}

static const char *const COLS[] = {"a", "day", "y"}; /* factors a, day; response y */
static const char *const UNITS[] = {"mm", "", "W"};

/* The brazing-like sheet "Runs" behind a "Notes" sheet: title row, units in
 * the headers, a date factor, a formula response with its cached value, an
 * unfilled run, a date column and notes the study does not use, and empty
 * formatted rows at the end. */
static void write_runs_book(const char *path, bool inline_strings)
{
    lxw_workbook_options opt = {.constant_memory = inline_strings ? LXW_TRUE : LXW_FALSE,
                                .tmpdir = tmpdir};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    cr_assert_not_null(wb);
    lxw_worksheet *notes = workbook_add_worksheet(wb, "Notes");
    worksheet_write_string(notes, 0, 0, "nothing here", NULL);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Runs");
    lxw_format *date = workbook_add_format(wb), *fill = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    format_set_bg_color(fill, 0xFFFF99);
    worksheet_write_string(ws, 0, 0, "Run sheet - brazing", NULL);
    const char *head[] = {"run", "a [mm]", "day", "y [W]", "notes"};
    for (lxw_col_t c = 0; c < 5; c++)
        worksheet_write_string(ws, 1, c, head[c], NULL);
    lxw_datetime d1 = {2024, 1, 1, 0, 0, 0}, d2 = {2024, 3, 15, 12, 0, 0};
    /* row 3 */
    worksheet_write_number(ws, 2, 0, 1, NULL);
    worksheet_write_number(ws, 2, 1, 2.385, NULL);
    worksheet_write_datetime(ws, 2, 2, &d1, date);
    worksheet_write_formula_num(ws, 2, 3, "=B3*4", NULL, 9.54);
    worksheet_write_string(ws, 2, 4, "ok", NULL);
    /* row 4: not yet run */
    worksheet_write_number(ws, 3, 0, 2, NULL);
    worksheet_write_number(ws, 3, 1, 3.125, NULL);
    worksheet_write_datetime(ws, 3, 2, &d2, date);
    worksheet_write_blank(ws, 3, 3, fill);
    /* row 5 */
    worksheet_write_number(ws, 4, 0, 3, NULL);
    worksheet_write_number(ws, 4, 1, -0.5, NULL);
    worksheet_write_number(ws, 4, 2, 45000, NULL);
    worksheet_write_number(ws, 4, 3, 1e-3, NULL);
    for (lxw_row_t r = 5; r < 9; r++)
        worksheet_write_blank(ws, r, 3, fill);
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);
}

static sg_table *read_req(const char *path, const sg_table_request *req, sg_error *err)
{
    sg_table *t = NULL;
    sg_table_read(path, req, &t, NULL, err);
    return t;
}

static void expect_runs(const sg_table *t)
{
    cr_assert_eq(t->n_rows, 2);
    cr_expect_eq(sg_table_at(t, 0, 0), 2.385);
    cr_expect_eq(sg_table_at(t, 0, 1), 45292.0); /* 2024-01-01 */
    cr_expect_eq(sg_table_at(t, 0, 2), 9.54);    /* the formula's cached value */
    cr_expect_eq(sg_table_at(t, 1, 0), -0.5);
    cr_expect_eq(sg_table_at(t, 1, 2), 1e-3);
    cr_expect_eq(t->line[0], 3);
    cr_expect_eq(t->line[1], 5);
    cr_expect_str_eq(t->run_id[1], "3");
    cr_assert_eq(t->n_excluded, 1);
    cr_expect_eq(t->excluded[0].line, 4);
    cr_expect_eq(t->excluded[0].reason, SG_EXCLUDED_NOT_RUN);
    cr_expect_str_eq(t->excluded[0].run_id, "2");
    cr_expect_str_eq(t->sheet, "Runs");
}

Test(xlsx, libxlsxwriter_book_with_title_units_formula_and_dates)
{
    for (int inl = 0; inl <= 1; inl++) {
        const char *p = tpath(inl ? "inline.xlsx" : "shared.xlsx");
        write_runs_book(p, inl);
        sg_table_request req = {.columns = COLS, .n_cols = 3, .n_factors = 2, .units = UNITS,
                                .sheet = "Runs"};
        sg_error err;
        sg_table *t = read_req(p, &req, &err);
        cr_assert_not_null(t, "%s", err.msg);
        cr_expect_eq(t->format, SG_TABLE_XLSX);
        expect_runs(t);
        sg_table_destroy(t);
    }
}

Test(xlsx, first_sheet_by_default_and_missing_sheet_lists_them)
{
    const char *p = tpath("b.xlsx");
    write_runs_book(p, false);
    sg_table_request req = {.columns = COLS, .n_cols = 3, .n_factors = 2};
    sg_error err;
    cr_expect_null(read_req(p, &req, &err));
    char want[300];
    snprintf(want, sizeof want,
             "%s:Notes!A1: no column 'a': the first row is not a header of column names (is "
             "this the data file?)",
             p);
    cr_expect_str_eq(err.msg, want);
    req.sheet = "Data";
    cr_expect_null(read_req(p, &req, &err));
    snprintf(want, sizeof want, "%s: no sheet 'Data'; sheets are: Notes, Runs", p);
    cr_expect_str_eq(err.msg, want);
}

/* One sheet "Runs" of string cells ("=n" writes the number n). */
static const char *write_cells(const char *name, const char *const *cells, int rows, int cols)
{
    const char *p = tpath(name);
    lxw_workbook *wb = workbook_new(p);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Runs");
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            const char *s = cells[r * cols + c];
            if (!s)
                continue;
            if (s[0] == '=')
                worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, atof(s + 1), NULL);
            else
                worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, s, NULL);
        }
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);
    return p;
}

static const struct {
    const char *cells[12]; /* 3 rows x 4 columns */
    const char *msg;       /* after "<tmpdir>/e.xlsx" */
} cell_errors[] = {
    {{"x", "a", "day", "y", "=1", "=2", "abc", "=4", NULL},
     ":Runs!C2: day: 'abc' is not a number"},
    /* in a response, text with a digit is a mistyped number (without one,
     * a failed run's mark: left out, test_table) */
    {{"x", "a", "day", "y", "=1", "=2", "=3", "4O", NULL}, ":Runs!D2: y: '4O' is not a number"},
    {{"a", "day", "y", "a", "=1", "=2", "=3", "=4", NULL},
     ":Runs!D1: duplicate column name 'a' (columns A and D)"},
    {{"a", "day", "q", NULL, "=1", "=2", "=3", NULL}, ": no column 'y'; columns are: a, day, q"},
    {{"a", "day", "y [kW]", NULL, "=1", "=2", "=3", NULL},
     ":Runs!C1: column 'y' is in [kW] but the study gives its unit as 'W'"},
    {{"a", "day", "y", NULL, "=1", "=2", "1,5", NULL},
     ":Runs!C2: y: '1,5' is not a number (use '.' as the decimal separator)"},
    {{"a", "day", "y", NULL, "=1", "=2", "=1e200", NULL},
     ":Runs!C2: y: '1E+200' is too large: values must lie within +-1e+150 (larger ones "
     "overflow sums of squares)"},
};

TableTest(cell_errors, i, xlsx, errors_name_file_sheet_and_cell)
{
    const char *p = write_cells("e.xlsx", cell_errors[i].cells, 3, 4);
    sg_table_request req = {.columns = COLS, .n_cols = 3, .n_factors = 2, .units = UNITS};
    sg_error err;
    cr_expect_null(read_req(p, &req, &err));
    char want[400];
    snprintf(want, sizeof want, "%s%s", p, cell_errors[i].msg);
    cr_expect_str_eq(err.msg, want, "row %zu: got %s", i, err.msg);
}

Test(xlsx, corrupt_and_encrypted_workbooks_are_named)
{
    const char *p = tpath("c.xlsx");
    write_runs_book(p, false);
    char *buf = NULL;
    size_t len = 0;
    sg_error err;
    cr_assert_eq(sg_file_read(p, SG_DATA_MAX_BYTES, &buf, &len, &err), SG_OK);
    sg_table_request req = {.columns = COLS, .n_cols = 3, .n_factors = 2};
    sg_table *t = NULL;
    cr_expect_eq(sg_table_read_buffer(buf, len / 2, "c.xlsx", &req, &t, NULL, &err),
                 SG_ERR_PARSE);
    cr_expect(strncmp(err.msg, "c.xlsx: corrupt workbook", 24) == 0, "%s", err.msg);
    /* a zip of something else */
    memcpy(buf + len - 100, "garbage!", 8);
    sg_status st = sg_table_read_buffer(buf, len, "c.xlsx", &req, &t, NULL, &err);
    cr_expect_neq(st, SG_OK);
    cr_expect_null(t);
    free(buf);
    /* an encrypted .xlsx is an OLE2 file holding an EncryptedPackage stream */
    static const char ole[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
                              "junkE\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0junk";
    const char *q = tpath("enc.xlsx");
    FILE *fp = fopen(q, "wb");
    cr_assert_not_null(fp);
    fwrite(ole, 1, sizeof ole - 1, fp);
    fclose(fp);
    cr_expect_eq(sg_table_read(q, &req, &t, NULL, &err), SG_ERR_INVALID);
    char want[300];
    snprintf(want, sizeof want, "%s: the workbook is encrypted; save it without a password", q);
    cr_expect_str_eq(err.msg, want);
    cr_expect_eq(sg_table_read_buffer(ole, sizeof ole - 1, "m.xls", &req, &t, NULL, &err),
                 SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "m.xls: an .xls workbook is read from a file only");
}

Test(xlsx, cell_references_and_serial_dates_known_answers)
{
    long row = 0;
    cr_expect_eq(sg_xlsx_ref_column("C7", &row), 2);
    cr_expect_eq(row, 7);
    cr_expect_eq(sg_xlsx_ref_column("AA10", &row), 26);
    cr_expect_eq(sg_xlsx_ref_column("XFD1048576", &row), 16383);
    cr_expect_eq(sg_xlsx_ref_column("7C", &row), SIZE_MAX);
    cr_expect_eq(sg_xlsx_ref_column("C", &row), SIZE_MAX);
    double v = 0;
    cr_expect(sg_xls_serial("2024-01-01", &v));
    cr_expect_eq(v, 45292.0);
    cr_expect(sg_xls_serial("1900-03-01", &v));
    cr_expect_eq(v, 61.0);
    cr_expect(sg_xls_serial("2024-03-15 12:00:00", &v));
    cr_expect_eq(v, 45366.5);
    cr_expect(sg_xls_serial("06:00:00", &v));
    cr_expect_eq(v, 0.25);
    cr_expect(!sg_xls_serial("2024-13-01", &v));
    cr_expect(!sg_xls_serial("noon", &v));
}

/* ---- files saved by LibreOffice -------------------------------------------- */

static void soffice_convert(const char *to, const char *files)
{
    if (system("command -v soffice >/dev/null 2>&1") != 0)
        cr_skip_test("soffice not found: install libreoffice-calc-nogui (make deps)");
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && soffice -env:UserInstallation=file://%s/profile --headless --norestore "
             "--nolockcheck --convert-to %s --outdir '%s/lo' %s >/dev/null 2>&1",
             tmpdir, tmpdir, to, tmpdir, files);
    int st = system(cmd);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "soffice failed: %s", cmd);
}

static const char BRAZING_CSV[] = "Brazing results (title row)\n"
                                  "run,a [mm],day,y [W],station\n"
                                  "1,2.385,45292,9.54,N\n"
                                  "2,3.125,45366.5,,S\n"
                                  "3,-0.5,45000,0.001,N\n";

Test(xlsx, libreoffice_xlsx_and_xls_read_as_the_csv)
{
    FILE *fp = fopen(tpath("brazing.csv"), "w");
    cr_assert_not_null(fp);
    fputs(BRAZING_CSV, fp);
    fclose(fp);
    write_runs_book(tpath("runs.xlsx"), false);
    soffice_convert("xlsx", "brazing.csv");
    soffice_convert("xls", "brazing.csv runs.xlsx");
    const char *const files[] = {"brazing.csv", "lo/brazing.xlsx", "lo/brazing.xls",
                                 "lo/runs.xls"};
    const sg_table_format fmt[] = {SG_TABLE_CSV, SG_TABLE_XLSX, SG_TABLE_XLS, SG_TABLE_XLS};
    for (size_t f = 0; f < 4; f++) {
        sg_table_request req = {.columns = COLS, .n_cols = 3, .n_factors = 2, .units = UNITS,
                                .sheet = f == 3 ? "Runs" : NULL};
        sg_error err;
        sg_table *t = read_req(tpath(files[f]), &req, &err);
        cr_assert_not_null(t, "%s: %s", files[f], err.msg);
        cr_expect_eq(t->format, fmt[f], "%s", files[f]);
        if (f == 3) {
            /* libfreexl reads no formula results: the formula cell is empty */
            cr_assert_eq(t->n_rows, 1);
            cr_expect_eq(sg_table_at(t, 0, 2), 1e-3);
            cr_assert_eq(t->n_excluded, 2);
            cr_expect_eq(t->excluded[0].line, 3);
            cr_expect_str_eq(t->sheet, "Runs");
        } else {
            cr_assert_eq(t->n_rows, 2, "%s", files[f]);
            cr_expect_eq(sg_table_at(t, 0, 1), 45292.0, "%s", files[f]);
            cr_expect_eq(sg_table_at(t, 1, 2), 0.001, "%s", files[f]);
            cr_assert_eq(t->n_excluded, 1, "%s", files[f]);
            cr_expect_eq(t->excluded[0].line, 4, "%s", files[f]);
        }
        sg_table_destroy(t);
    }
}

/* The run sheet `doe` writes, re-saved by LibreOffice (its own shared
 * strings and styles; the merged title row), is read with every run listed
 * as not yet run. */
Test(xlsx, run_sheet_saved_by_libreoffice_lists_unfilled_runs)
{
    const double x[] = {1.5, 10, 2.5, 20, 3.5, 30};
    const sg_runsheet_column fac[] = {{.name = "a", .column = "a", .unit = "mm"}, {.name = "day", .column = "day", .unit = NULL}};
    const sg_runsheet_column res[] = {{.name = "y", .column = "y", .unit = "W"}};
    sg_runsheet rs = {.title = "Brazing", .design_name = "lhs:3", .n_runs = 3, .n_factors = 2,
                      .n_responses = 1, .x = x, .factors = fac, .responses = res};
    sg_error err;
    cr_assert_eq(sg_runsheet_write_xlsx(&rs, tpath("sheet.xlsx"), &err), SG_OK, "%s", err.msg);
    soffice_convert("xlsx", "sheet.xlsx");
    sg_table_request req = {.columns = COLS, .n_cols = 3, .n_factors = 2, .units = UNITS};
    for (int lo = 0; lo <= 1; lo++) {
        sg_table *t = NULL;
        sg_status st = sg_table_read(tpath(lo ? "lo/sheet.xlsx" : "sheet.xlsx"), &req, &t, NULL,
                                     &err);
        cr_expect_eq(st, SG_ERR_INVALID);
        cr_expect(strstr(err.msg, "no usable data rows (3 rows have no response values)"), "%s",
                  err.msg);
    }
}
