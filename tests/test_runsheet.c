/* test_runsheet.c — CSV and XLSX run sheets: content, atomicity, errors. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "design/runsheet.h"
#include "table_test.h"

#include <xlsxwriter.h>

static char dir[256];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/sg_runsheet_XXXXXX");
    cr_assert(mkdtemp(dir));
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[600];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            if (unlink(p) != 0)
                rmdir(p);
        }
    closedir(d);
    rmdir(dir);
}

TestSuite(runsheet, .init = make_dir, .fini = remove_dir);

static int count_entries(void)
{
    DIR *d = opendir(dir);
    cr_assert(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static const sg_runsheet_column factors[3] = {
    {.name = "thickness", .column = "thickness_um", .unit = "um"}, {.name = "temperature", .column = "temperature_C", .unit = "C"}, {.name = "note", .column = "odd, name", .unit = NULL}};
static const sg_runsheet_column responses[2] = {{.name = "stress", .column = "stress_max_MPa", .unit = "MPa"}, {.name = "p1", .column = "stress_path1_MPa", .unit = "MPa"}};
static const double x[4 * 3] = {50, 1090, 0.125, 100, 1120.5, -2.385, 150, 1150, 1e-7, 75.25, 1097.3518026322, 3};

static sg_runsheet sheet(void)
{
    sg_runsheet rs = {"Brazed joint", "lhs:4", 4, 3, 2, x, factors, responses};
    return rs;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    cr_assert(fp, "%s", path);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

Test(runsheet, csv_written_and_read_back)
{
    char path[300];
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    sg_runsheet rs = sheet();
    sg_error err;
    cr_assert_eq(sg_runsheet_write_csv(&rs, path, &err), SG_OK, "%s", err.msg);
    const char *want = "run,thickness_um,temperature_C,\"odd, name\",stress_max_MPa,stress_path1_MPa\n"
                       "1,50,1090,0.125,,\n"
                       "2,100,1120.5,-2.385,,\n"
                       "3,150,1150,1e-07,,\n"
                       "4,75.25,1097.35180263,3,,\n";
    cr_expect_str_eq(slurp(path), want);
    /* values read back equal the design to SG_RUNSHEET_SIG_DIGITS digits */
    FILE *fp = fopen(path, "r");
    char line[512];
    cr_assert(fgets(line, sizeof line, fp));
    for (int r = 0; r < 4; r++) {
        cr_assert(fgets(line, sizeof line, fp));
        int run;
        double v[2];
        cr_assert_eq(sscanf(line, "%d,%lf,%lf", &run, &v[0], &v[1]), 3);
        cr_expect_eq(run, r + 1);
        for (int j = 0; j < 2; j++)
            cr_expect_float_eq(v[j], x[r * 3 + j], 1e-9 * (1 + x[r * 3 + j]));
    }
    fclose(fp);
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    cr_expect_eq(sb.st_mode & 0777, 0644);
    cr_expect_eq(count_entries(), 1, "no temporary file left");
    /* overwrite in place */
    rs.n_runs = 1;
    cr_assert_eq(sg_runsheet_write_csv(&rs, path, &err), SG_OK);
    cr_expect_str_eq(slurp(path), "run,thickness_um,temperature_C,\"odd, name\",stress_max_MPa,stress_path1_MPa\n"
                                  "1,50,1090,0.125,,\n");
}

Test(runsheet, csv_without_responses)
{
    char path[300];
    snprintf(path, sizeof path, "%s/f.csv", dir);
    sg_runsheet rs = sheet();
    rs.n_responses = 0;
    rs.n_runs = 2;
    cr_assert_eq(sg_runsheet_write_csv(&rs, path, NULL), SG_OK);
    cr_expect_str_eq(slurp(path), "run,thickness_um,temperature_C,\"odd, name\"\n1,50,1090,0.125\n2,100,1120.5,-2.385\n");
}

Test(runsheet, xlsx_is_a_zip_with_the_sheet)
{
    char path[300], cmd[700];
    snprintf(path, sizeof path, "%s/runs.xlsx", dir);
    sg_runsheet rs = sheet();
    sg_error err;
    cr_assert_eq(sg_runsheet_write_xlsx(&rs, path, &err), SG_OK, "%s", err.msg);
    FILE *fp = fopen(path, "rb");
    cr_assert(fp);
    unsigned char magic[4];
    cr_assert_eq(fread(magic, 1, 4, fp), 4);
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fclose(fp);
    cr_expect(magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4, "zip header");
    cr_expect_gt(size, 3000);
    cr_expect_eq(count_entries(), 1, "no temporary file left");
    if (system("command -v unzip >/dev/null 2>&1") == 0) {
        snprintf(cmd, sizeof cmd, "unzip -l '%s' | grep -q 'xl/worksheets/sheet1.xml'", path);
        cr_expect_eq(system(cmd), 0, "sheet1.xml in the archive");
        snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/sharedStrings.xml | grep -q 'stress_max_MPa \\[MPa\\]'", path);
        cr_expect_eq(system(cmd), 0, "response header with unit");
        snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/sharedStrings.xml | grep -q 'design lhs:4, 4 runs'", path);
        cr_expect_eq(system(cmd), 0, "title row names the design");
        snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet1.xml | grep -q '<sheetProtection'", path);
        cr_expect_eq(system(cmd), 0, "protected sheet (unlocked response cells)");
        snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet1.xml | grep -q 'state=\"frozen\"'", path);
        cr_expect_eq(system(cmd), 0, "frozen header");
    }
}

Test(runsheet, nothing_left_on_failure)
{
    sg_runsheet rs = sheet();
    sg_error err;
    char path[300];
    /* directory that does not exist */
    snprintf(path, sizeof path, "%s/missing/runs.csv", dir);
    cr_expect_eq(sg_runsheet_write_csv(&rs, path, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "missing/runs.csv: cannot create a file there"), "%s", err.msg);
    snprintf(path, sizeof path, "%s/missing/runs.xlsx", dir);
    cr_expect_eq(sg_runsheet_write_xlsx(&rs, path, &err), SG_ERR_IO);
    /* target is a directory: the temporary file is written, the rename fails */
    snprintf(path, sizeof path, "%s/adir", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    cr_expect_eq(sg_runsheet_write_csv(&rs, path, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "adir: cannot write"), "%s", err.msg);
    cr_expect_eq(sg_runsheet_write_xlsx(&rs, path, &err), SG_ERR_IO);
    cr_expect_eq(count_entries(), 1, "only the directory itself remains");
    /* unwritable directory (skipped when running as root, who may write anyway) */
    if (geteuid() != 0) {
        char ro[200];
        snprintf(ro, sizeof ro, "%.150s/ro", dir);
        cr_assert_eq(mkdir(ro, 0555), 0);
        snprintf(path, sizeof path, "%s/runs.csv", ro);
        cr_expect_eq(sg_runsheet_write_csv(&rs, path, &err), SG_ERR_IO);
        cr_expect_eq(access(path, F_OK), -1);
        rmdir(ro);
    }
}

static const sg_runsheet_column dup_cols[2] = {{.name = "a", .column = "x", .unit = NULL}, {.name = "b", .column = "x", .unit = NULL}};
static const sg_runsheet_column runcol[1] = {{.name = "a", .column = "run", .unit = NULL}};
static const sg_runsheet_column empty[1] = {{.name = "a", .column = "", .unit = NULL}};
static const sg_runsheet_column ctrl[1] = {{.name = "a", .column = "a\nb", .unit = NULL}};
/* CSV injection: a header cell a spreadsheet would run as a formula */
static const sg_runsheet_column formula[1] = {{.name = "a", .column = "=HYPERLINK(\"http://x\")", .unit = NULL}};
static const sg_runsheet_column plus[1] = {{.name = "a", .column = "+cmd", .unit = NULL}};
static const sg_runsheet_column minus[1] = {{.name = "a", .column = "-2+3", .unit = NULL}};
static const sg_runsheet_column at[1] = {{.name = "a", .column = "@SUM(A1)", .unit = NULL}};
static const sg_runsheet_column resp_dup[1] = {{.name = "t", .column = "thickness_um", .unit = NULL}};
static const double nan_x[3] = {1, 0.0 / 0.0, 2};
static const struct { sg_runsheet rs; const char *msg; } invalid_sheets[] = {
    {{NULL, "x", 1, 2, 0, x, dup_cols, NULL}, "column 'x' appears twice"},
    {{NULL, "x", 1, 1, 0, x, runcol, NULL}, "may not be called 'run'"},
    {{NULL, "x", 1, 1, 0, x, empty, NULL}, "factor 1 has no column name"},
    {{NULL, "x", 1, 1, 0, x, ctrl, NULL}, "contains a control character"},
    {{NULL, "x", 1, 1, 0, x, formula, NULL}, "factor column '=HYPERLINK(\"http://x\")' starts with '='"},
    {{NULL, "x", 1, 1, 0, x, plus, NULL}, "factor column '+cmd' starts with '+': a spreadsheet would read it as a formula"},
    {{NULL, "x", 1, 1, 0, x, minus, NULL}, "starts with '-'"},
    {{NULL, "x", 1, 1, 0, x, at, NULL}, "starts with '@'"},
    {{NULL, "x", 1, 3, 1, x, factors, resp_dup}, "column 'thickness_um' appears twice"},
    {{NULL, "x", 1, 3, 0, nan_x, factors, NULL}, "run 1, factor 'temperature_C': value is not finite"},
    {{NULL, "x", 0, 3, 0, x, factors, NULL}, "at least one run and one factor"},
    {{NULL, "x", 1, 3, 2, x, factors, NULL}, "at least one run and one factor"},
};

TableTest(invalid_sheets, t, runsheet, invalid_sheets_write_nothing)
{
    char path[300];
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    {
        sg_error err;
        cr_expect_eq(sg_runsheet_write_csv(&invalid_sheets[t].rs, path, &err), SG_ERR_INVALID, "case %zu", t);
        cr_expect(strstr(err.msg, invalid_sheets[t].msg), "case %zu: %s", t, err.msg);
        cr_expect_eq(sg_runsheet_write_xlsx(&invalid_sheets[t].rs, path, &err), SG_ERR_INVALID, "case %zu", t);
    }
    cr_expect_eq(count_entries(), 0);
}

Test(runsheet, invalid_arguments_write_nothing)
{
    char path[300];
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    sg_runsheet rs = sheet();
    sg_error err;
    cr_expect_eq(sg_runsheet_write_csv(&rs, "", &err), SG_ERR_INVALID);
    cr_expect_eq(sg_runsheet_write_xlsx(&rs, NULL, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_runsheet_write_csv(NULL, path, &err), SG_ERR_INVALID);
    cr_expect_eq(count_entries(), 0);
}

/* Write a workbook with libxlsxwriter: author, and a value at (row, col)
 * (0-based) when col >= 0. */
static void workbook_with(const char *path, const char *author, int row, int col)
{
    lxw_workbook *wb = workbook_new(path);
    cr_assert_not_null(wb);
    lxw_doc_properties props = {.author = (char *)author};
    workbook_set_properties(wb, &props);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "runs");
    lxw_format *yellow = workbook_add_format(wb);
    format_set_bg_color(yellow, 0xFFF2CC);
    worksheet_write_number(ws, 2, 1, 50, NULL);
    worksheet_write_blank(ws, 2, 4, yellow);
    if (col >= 0)
        worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, 470.8, NULL);
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);
}

Test(runsheet, state_of_csv_sheets)
{
    sg_runsheet rs = sheet();
    char path[300], text[2048];
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    cr_expect_eq(sg_runsheet_state_of(&rs, path, true, NULL), SG_RUNSHEET_ABSENT);
    cr_assert_eq(sg_runsheet_write_csv(&rs, path, NULL), SG_OK);
    cr_expect_eq(sg_runsheet_state_of(&rs, path, true, NULL), SG_RUNSHEET_BLANK);
    /* fill the second response of run 3 */
    snprintf(text, sizeof text, "%s", slurp(path));
    char *line3 = text;
    for (int i = 0; i < 3; i++)
        line3 = strchr(line3, '\n') + 1;
    char *eol = strchr(line3, '\n');
    char rest[2048];
    snprintf(rest, sizeof rest, "%s", eol);
    snprintf(eol, sizeof text - (size_t)(eol - text), "417.5%s", rest);
    FILE *fp = fopen(path, "wb");
    fputs(text, fp);
    fclose(fp);
    size_t run = 0;
    cr_expect_eq(sg_runsheet_state_of(&rs, path, true, &run), SG_RUNSHEET_FILLED);
    cr_expect_eq(run, 3);
    /* another design's columns */
    sg_runsheet other = rs;
    other.n_responses = 1;
    cr_expect_eq(sg_runsheet_state_of(&other, path, true, NULL), SG_RUNSHEET_FOREIGN);
}

Test(runsheet, state_of_xlsx_sheets)
{
    sg_runsheet rs = sheet();
    char path[300];
    snprintf(path, sizeof path, "%s/runs.xlsx", dir);
    cr_assert_eq(sg_runsheet_write_xlsx(&rs, path, NULL), SG_OK);
    cr_expect_eq(sg_runsheet_state_of(&rs, path, false, NULL), SG_RUNSHEET_BLANK);
    /* a value right of the factors in run 2's row (row 3 of the sheet) */
    workbook_with(path, "surrogate 0.1.0", 3, 4);
    size_t run = 0;
    cr_expect_eq(sg_runsheet_state_of(&rs, path, false, &run), SG_RUNSHEET_FILLED);
    cr_expect_eq(run, 2);
    /* values only in factor columns or the title rows: still blank */
    workbook_with(path, "surrogate 0.1.0", 1, 5);
    cr_expect_eq(sg_runsheet_state_of(&rs, path, false, NULL), SG_RUNSHEET_BLANK);
    /* someone else's workbook, and a file that is no workbook */
    workbook_with(path, "Jane Engineer", -1, -1);
    cr_expect_eq(sg_runsheet_state_of(&rs, path, false, NULL), SG_RUNSHEET_FOREIGN);
    FILE *fp = fopen(path, "wb");
    fputs("text", fp);
    fclose(fp);
    cr_expect_eq(sg_runsheet_state_of(&rs, path, false, NULL), SG_RUNSHEET_FOREIGN);
}

/* The "doe" object: what was planned and where it went. */
Test(runsheet, json_of_an_lhs_sheet)
{
    sg_runsheet rs = sheet();
    sg_design d = {.name = "lhs:4", .kind = SG_DESIGN_LHS, .n_runs = 4, .n_factors = 3,
                   .x = (double *)x};
    cJSON *j = NULL;
    sg_error err;
    cr_assert_eq(sg_runsheet_to_json(&rs, &d, 7, "r.csv", "r.xlsx", &j, &err), SG_OK, "%s",
                 err.msg);
    cr_expect_str_eq(cJSON_GetObjectItem(j, "design")->valuestring, "lhs:4");
    cr_expect_str_eq(cJSON_GetObjectItem(j, "kind")->valuestring, "lhs");
    cr_expect_eq(cJSON_GetObjectItem(j, "runs")->valuedouble, 4);
    cr_expect_eq(cJSON_GetObjectItem(j, "seed")->valuedouble, 7);
    cr_expect_str_eq(cJSON_GetObjectItem(j, "csv")->valuestring, "r.csv");
    cr_expect_str_eq(cJSON_GetObjectItem(j, "xlsx")->valuestring, "r.xlsx");
    cJSON *f2 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "factors"), 2);
    cr_expect_str_eq(cJSON_GetObjectItem(f2, "column")->valuestring, "odd, name");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(f2, "unit")));
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(f2, "array_column")));
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(j, "interaction_1x2")));
    cJSON *tab = cJSON_GetObjectItem(j, "table");
    cr_assert_eq(cJSON_GetArraySize(tab), 4);
    cr_expect_eq(cJSON_GetArrayItem(cJSON_GetArrayItem(tab, 1), 2)->valuedouble, -2.385);
    cr_expect_eq(cJSON_GetArrayItem(cJSON_GetArrayItem(tab, 3), 1)->valuedouble, 1097.3518026322);
    cJSON_Delete(j);
}

Test(runsheet, json_of_an_orthogonal_array)
{
    static const double lv[3] = {1, 2, 3};
    sg_design_factor f[3];
    for (int i = 0; i < 3; i++)
        f[i] = (sg_design_factor){.name = factors[i].name, .min = 1, .max = 3, .levels = lv,
                                  .n_levels = 3};
    sg_design_spec spec;
    sg_design *d = NULL;
    sg_error err;
    sg_design_options opt = sg_design_options_default();
    cr_assert_eq(sg_design_parse("L9", &spec, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_design_generate(&spec, f, 3, &opt, &d, &err), SG_OK, "%s", err.msg);
    sg_runsheet rs = {"t", d->name, d->n_runs, 3, 0, d->x, factors, NULL};
    cJSON *j = NULL;
    cr_assert_eq(sg_runsheet_to_json(&rs, d, 42, "a.csv", "a.xlsx", &j, &err), SG_OK, "%s",
                 err.msg);
    cr_expect_str_eq(cJSON_GetObjectItem(j, "kind")->valuestring, "orthogonal_array");
    cr_expect_eq(cJSON_GetObjectItem(j, "runs")->valuedouble, 9);
    for (int i = 0; i < 3; i++)
        cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "factors"), i),
                                         "array_column")->valuedouble,
                     d->oa.factor_col[i] + 1, "factor %d", i);
    cJSON *ia = cJSON_GetObjectItem(j, "interaction_1x2");
    cr_assert(cJSON_IsObject(ia));
    cr_expect_eq(cJSON_IsTrue(cJSON_GetObjectItem(ia, "estimable")),
                 d->oa.interaction_kept || d->oa.interaction_orthogonal);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(ia, "columns")), d->oa.n_interaction);
    cr_expect_eq(cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "table"), 8), 2)
                     ->valuedouble,
                 d->x[8 * 3 + 2]);
    cJSON_Delete(j);
    sg_design_destroy(d);
}
