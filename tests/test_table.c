/* Tests of the CSV table reader (io/table.h). */
#include <criterion/criterion.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/table.h"
#include "table_test.h"
#include "core/hash.h"

static char tmpdir[64];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/sg_test_data_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_expect_eq(system(cmd), 0);
}

/* Write content (len bytes) to tmpdir/name; returns the path (static buffer). */
static const char *write_file(const char *name, const char *content, size_t len)
{
    static char path[160];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(content, 1, len, fp), len);
    fclose(fp);
    return path;
}

static const char *const COLS[] = {"a", "b", "y"}; /* factors a, b; response y */

TestSuite(data, .init = setup, .fini = teardown);

Test(data, reads_comma_file_with_run_column)
{
    const char *csv = "run,a,b,extra,y\n1,2.385,-1e-3,zz,10.5\n2,3.25,4,,11.75\n";
    const char *p = write_file("ok.csv", csv, strlen(csv));
    sg_table *t = NULL;
    sg_error err;
    size_t bad = 7;
    cr_assert_eq(sg_table_load(p, COLS, 3, 2, &t, &bad, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(bad, SIZE_MAX);
    cr_expect_eq(t->delimiter, ',');
    cr_expect_eq(t->n_rows, 2);
    cr_expect_eq(t->n_cols, 3);
    cr_expect_eq(t->n_factors, 2);
    cr_expect_eq(t->n_file_columns, 5);
    cr_expect_str_eq(t->file_columns[3], "extra");
    cr_expect_eq(sg_table_at(t, 0, 0), 2.385);
    cr_expect_eq(sg_table_at(t, 0, 1), -1e-3);
    cr_expect_eq(sg_table_at(t, 1, 2), 11.75);
    cr_expect_eq(t->line[0], 2);
    cr_expect_eq(t->line[1], 3);
    cr_expect_eq(t->row[1], 2);
    cr_assert_not_null(t->run_id);
    cr_expect_str_eq(t->run_id[1], "2");
    cr_expect_eq(t->n_excluded, 0);
    cr_expect_eq(t->hash, sg_hash_fnv1a64(csv, strlen(csv), SG_HASH_FNV1A64_INIT));
    sg_table_destroy(t);
}

/* Same numbers in every dialect. */
typedef struct dialect_case {
    const char *name;
    const char *content;
    size_t len; /* 0 = strlen */
    char delim;
} dialect_case;

static const char bom_crlf[] = "\xEF\xBB\xBF"
                               "a,b,y\r\n1.5,2,3.75\r\n-4,5e2,6\r\n";

static const dialect_case dialect_cases[] = {
    {"plain", "a,b,y\n1.5,2,3.75\n-4,5e2,6\n", 0, ','},
    {"bom_crlf", bom_crlf, sizeof bom_crlf - 1, ','},
    {"semicolon", "a;b;y\n1.5;2;3.75\n-4;5e2;6\n", 0, ';'},
    {"tab", "a\tb\ty\n1.5\t2\t3.75\n-4\t5e2\t6", 0, '\t'},
    {"quoted", "\"a\",\"b\",\"y\"\n\"1.5\",\" 2 \",3.75\n-4,\"5e2\",\"6\"\n", 0, ','},
    {"spaces_blank_lines", "a, b ,y\n\n 1.5 ,2,3.75\n   \n-4,5e2,6\n\n", 0, ','},
    {"cr_only", "a,b,y\r1.5,2,3.75\r-4,5e2,6\r", 0, ','},
    {"semicolon_with_commas_quoted", "a;b;y;note\n1.5;2;3.75;\"x,y,z\"\n-4;5e2;6;\"a;b\"\n", 0,
     ';'},
    /* Excel's CSV where the comma is the decimal separator */
    {"semicolon_decimal_comma", "a;b;y\n1,5;2;3,75\n-4;5e2;6,0\n", 0, ';'},
};

TableTest(dialect_cases, c, data, dialects_give_identical_tables)
{
    {
        size_t len = dialect_cases[c].len ? dialect_cases[c].len : strlen(dialect_cases[c].content);
        sg_table *t = NULL;
        sg_error err;
        sg_status st = sg_table_load_buffer(dialect_cases[c].content, len, dialect_cases[c].name, COLS, 3, 2, &t,
                                            NULL, &err);
        cr_assert_eq(st, SG_OK, "%s: %s", dialect_cases[c].name, err.msg);
        cr_expect_eq(t->delimiter, dialect_cases[c].delim, "%s", dialect_cases[c].name);
        cr_assert_eq(t->n_rows, 2, "%s", dialect_cases[c].name);
        const double want[6] = {1.5, 2, 3.75, -4, 500, 6};
        for (int i = 0; i < 6; i++)
            cr_expect_eq(t->x[i], want[i], "%s[%d]", dialect_cases[c].name, i);
        cr_expect_null(t->run_id);
        sg_table_destroy(t);
    }
}

Test(data, line_numbers_count_blank_lines_and_crlf)
{
    const char *csv = "a,b,y\r\n\r\n1,2,3\r\n\r\n\r\n4,5,6\r\n";
    sg_table *t = NULL;
    sg_error err;
    cr_assert_eq(sg_table_load_buffer(csv, strlen(csv), "x.csv", COLS, 3, 2, &t, NULL, &err), SG_OK);
    cr_expect_eq(t->line[0], 3);
    cr_expect_eq(t->line[1], 6);
    cr_expect_eq(t->row[1], 2);
    sg_table_destroy(t);
}

Test(data, rows_without_any_response_are_excluded)
{
    const char *csv = "run,a,b,y,z\nr1,1,2,3,4\nr2,1,2,,\nr3,5,6,7,8\nr4,,,,\n";
    const char *cols[] = {"a", "b", "y", "z"};
    sg_table *t = NULL;
    sg_error err;
    cr_assert_eq(sg_table_load_buffer(csv, strlen(csv), "f.csv", cols, 4, 2, &t, NULL, &err), SG_OK,
                 "%s", err.msg);
    cr_expect_eq(t->n_rows, 2);
    cr_assert_eq(t->n_excluded, 2);
    cr_expect_eq(t->excluded[0].line, 3);
    cr_expect_eq(t->excluded[0].row, 2);
    cr_expect_str_eq(t->excluded[0].run_id, "r2");
    cr_expect_eq(t->excluded[1].line, 5);
    cr_expect_str_eq(t->excluded[1].run_id, "r4");
    cr_expect_str_eq(t->run_id[1], "r3");
    cr_expect_eq(t->line[1], 4);
    sg_table_destroy(t);
}

Test(data, numbers_ignore_the_process_locale)
{
    /* Build a decimal-comma locale (de_DE) in the temp dir; under it plain
     * strtod("2.5") stops at the '.', so this proves the reader is immune. */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 '%s/de_DE.UTF-8' >/dev/null 2>&1",
             tmpdir);
    if (system(cmd) != 0)
        cr_skip_test("localedef cannot build de_DE.UTF-8 here");
    setenv("LOCPATH", tmpdir, 1);
    cr_assert_not_null(setlocale(LC_NUMERIC, "de_DE.UTF-8"));
    cr_assert_eq(strtod("2.5", NULL), 2.0, "the locale did not switch to a decimal comma");
    const char *csv = "a,b,y\n2.5,0.125,1e-2\n";
    sg_table *t = NULL;
    sg_error err;
    sg_status st = sg_table_load_buffer(csv, strlen(csv), "l.csv", COLS, 3, 2, &t, NULL, &err);
    double v = 0;
    sg_status st2 = sg_table_parse_number("7.75", &v, &err);
    setlocale(LC_NUMERIC, "C");
    cr_assert_eq(st, SG_OK, "%s", err.msg);
    cr_expect_eq(t->x[0], 2.5);
    cr_expect_eq(t->x[1], 0.125);
    cr_expect_eq(t->x[2], 1e-2);
    cr_expect_eq(st2, SG_OK);
    cr_expect_eq(v, 7.75);
    sg_table_destroy(t);
}

static const struct {
    const char *in;
    double want;
} number_ok[] = {{"2.385", 2.385}, {" -7.25e+3 ", -7250.0}, {"+.5", 0.5}, {"1E-2", 0.01},
          {"0", 0.0},       {"1e-320", 1e-320}};

TableTest(number_ok, i, data, parse_number_known_answers)
{
    {
        double v = -1;
        sg_error err;
        cr_expect_eq(sg_table_parse_number(number_ok[i].in, &v, &err), SG_OK, "%s", number_ok[i].in);
        cr_expect_eq(v, number_ok[i].want, "%s", number_ok[i].in);
    }
}

static const struct {
    const char *in;
    const char *msg;
} number_bad[] = {{"", "empty value"},
           {"  ", "empty value"},
           {"abc", "'abc' is not a number"},
           {"1,5", "'1,5' is not a number (use '.' as the decimal separator)"},
           {"inf", "'inf' is not a finite number"},
           {"-Infinity", "'-Infinity' is not a finite number"},
           {"NaN", "'NaN' is not a finite number"},
           {"1e999", "'1e999' is out of range (not a finite number)"},
           {"0x10", "'0x10' is not a number"},
           {"1.2.3", "'1.2.3' is not a number"},
           {"1e", "'1e' is not a number"},
           {"-", "'-' is not a number"},
           {"12 kg", "'12 kg' is not a number"}};

TableTest(number_bad, i, data, parse_number_rejects)
{
    {
        double v = 0;
        sg_error err;
        cr_expect_eq(sg_table_parse_number(number_bad[i].in, &v, &err), SG_ERR_INVALID, "%s", number_bad[i].in);
        cr_expect_str_eq(err.msg, number_bad[i].msg, "input '%s'", number_bad[i].in);
    }
}

typedef struct error_case {
    const char *content;
    sg_status status;
    const char *msg;  /* exact expected message (source "d.csv") */
    size_t bad_column;
} error_case;

static const error_case error_cases[] = {
    {"a,b,y\n1,x2,3\n", SG_ERR_INVALID, "d.csv:2:b: 'x2' is not a number", SIZE_MAX},
    {"a,b,y\n1,2,3\n\n1,2,inf\n", SG_ERR_INVALID, "d.csv:4:y: 'inf' is not a finite number",
     SIZE_MAX},
    {"a,b,y\n1,nan,3\n", SG_ERR_INVALID, "d.csv:2:b: 'nan' is not a finite number", SIZE_MAX},
    /* a response cell with a digit is a mistyped number, not a failed run */
    {"a,b,y\n1,2,3\n1,2,1O.5\n", SG_ERR_INVALID, "d.csv:3:y: '1O.5' is not a number", SIZE_MAX},
    /* sums of squares of such values overflow: refused at load (SG_DATA_MAX_ABS) */
    {"a,b,y\n1,2,3\n1, 1.7976931348623157e308 ,3\n", SG_ERR_INVALID,
     "d.csv:3:b: '1.7976931348623157e308' is too large: values must lie within +-1e+150 "
     "(larger ones overflow sums of squares)",
     SIZE_MAX},
    {"a,b,y\n1,2,-1.0000001e150\n", SG_ERR_INVALID,
     "d.csv:2:y: '-1.0000001e150' is too large: values must lie within +-1e+150 (larger ones "
     "overflow sums of squares)",
     SIZE_MAX},
    {"a,b,y\n\"1,5\",2,3\n", SG_ERR_INVALID,
     "d.csv:2:a: '1,5' is not a number (use '.' as the decimal separator)", SIZE_MAX},
    /* a decimal comma, but never a thousands separator beside it */
    {"a;b;y\n1.234,5;2;3\n", SG_ERR_INVALID,
     "d.csv:2:a: '1.234,5' is not a number (one decimal separator, no thousands separator)",
     SIZE_MAX},
    {"a;b;y\n1,234,5;2;3\n", SG_ERR_INVALID,
     "d.csv:2:a: '1,234,5' is not a number (one decimal separator, no thousands separator)",
     SIZE_MAX},
    {"a,b,y\n1,2,3\n1,2\n", SG_ERR_INVALID, "d.csv:3: row has 2 fields but the header has 3",
     SIZE_MAX},
    {"a,b,y\n1,2,3,4\n", SG_ERR_INVALID, "d.csv:2: row has 4 fields but the header has 3",
     SIZE_MAX},
    {"a,b,a,y\n1,2,3,4\n", SG_ERR_INVALID, "d.csv:1: duplicate column name 'a' (columns 1 and 3)",
     SIZE_MAX},
    {"a,bb,y\n1,2,3\n", SG_ERR_INVALID,
     "d.csv: no column 'b' (did you mean 'bb'?); columns are: a, bb, y", 1},
    {"a,b,q\n1,2,3\n", SG_ERR_INVALID, "d.csv: no column 'y'; columns are: a, b, q", 2},
    {"", SG_ERR_INVALID, "d.csv: the file is empty; expected a header row", SIZE_MAX},
    {"\xEF\xBB\xBF\n\n", SG_ERR_INVALID, "d.csv: the file is empty; expected a header row",
     SIZE_MAX},
    {"a,b,y\n", SG_ERR_INVALID, "d.csv: no data rows below the header", SIZE_MAX},
    {"a,b,y\n1,2,\n3,4,\n", SG_ERR_INVALID,
     "d.csv: no usable data rows (2 rows have no response values)", SIZE_MAX},
    {"a,b,y\n1,\"2,3\n", SG_ERR_PARSE, "d.csv:2: malformed CSV (unterminated quoted field)",
     SIZE_MAX},
    {"a,b,y\n1,2\"x\",3\n", SG_ERR_PARSE, NULL, SIZE_MAX},
};

TableTest(error_cases, c, data, every_error_names_file_row_and_column)
{
    {
        sg_table *t = (sg_table *)1;
        sg_error err;
        size_t bad = 99;
        sg_status st = sg_table_load_buffer(error_cases[c].content, strlen(error_cases[c].content), "d.csv",
                                            COLS, 3, 2, &t, &bad, &err);
        cr_expect_eq(st, error_cases[c].status, "case %zu: status %d (%s)", c, st, err.msg);
        cr_expect_null(t, "case %zu", c);
        if (error_cases[c].msg)
            cr_expect_str_eq(err.msg, error_cases[c].msg, "case %zu: got \"%s\"", c, err.msg);
        else
            cr_expect(strncmp(err.msg, "d.csv:2: malformed CSV", 22) == 0, "case %zu: %s", c,
                      err.msg);
        cr_expect_eq(bad, error_cases[c].bad_column, "case %zu: bad %zu", c, bad);
    }
    /* The limit itself is accepted. */
    sg_table *t = NULL;
    sg_error err;
    static const char edge[] = "a,b,y\n-1e150,2,1e150\n";
    cr_expect_eq(sg_table_load_buffer(edge, sizeof edge - 1, "d.csv", COLS, 3, 2, &t, NULL, &err),
                 SG_OK, "%s", err.msg);
    sg_table_destroy(t);
}

Test(data, file_errors)
{
    sg_table *t = NULL;
    sg_error err;
    char path[200];
    snprintf(path, sizeof path, "%s/missing.csv", tmpdir);
    cr_expect_eq(sg_table_load(path, COLS, 3, 2, &t, NULL, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "missing.csv: cannot open") != NULL, "%s", err.msg);
    cr_expect_null(t);
    const char *dup[] = {"a", "a"};
    cr_expect_eq(sg_table_load_buffer("a\n1\n", 4, "s", dup, 2, 1, &t, NULL, &err), SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "s: column 'a' requested twice");
}

Test(data, destroy_null_is_noop)
{
    sg_table_destroy(NULL);
}

Test(data, only_factor_columns_never_exclude)
{
    const char *csv = "a,b\n1,2\n3,4\n";
    sg_table *t = NULL;
    sg_error err;
    cr_assert_eq(sg_table_load_buffer(csv, strlen(csv), "f", COLS, 2, 2, &t, NULL, &err), SG_OK);
    cr_expect_eq(t->n_rows, 2);
    sg_table_destroy(t);
}

/* Fuzz finding: a line of TAB delimiters in a TAB file is a row of empty
 * cells; it was taken for a blank line, so it and the rows after it got the
 * previous row's line number.  Such rows are blank (every cell empty) and
 * ignored, as a spreadsheet's empty formatted rows are; the rows after them
 * keep their own lines. */
Test(data, tab_only_lines_are_blank_rows_and_lines_stay_true)
{
    const char *csv = "a\tb\ty\n\t\t\n1\t2\t3\n\t\t\n\n4\t5\t6\n";
    sg_table *t = NULL;
    sg_error err;
    cr_assert_eq(sg_table_load_buffer(csv, strlen(csv), "t.csv", COLS, 3, 2, &t, NULL, &err),
                 SG_OK, "%s", err.msg);
    cr_assert_eq(t->n_rows, 2);
    cr_expect_eq(t->line[0], 3);
    cr_expect_eq(t->line[1], 6);
    cr_expect_eq(t->row[1], 2);
    cr_expect_eq(t->n_excluded, 0);
    sg_table_destroy(t);
    const char *csv2 = "a\tb\ty\n1.5\t2\t\n\t\t\n7\t8\t9.25\n";
    const char *const rcols[] = {"y"}; /* one response, no factor */
    cr_assert_eq(sg_table_load_buffer(csv2, strlen(csv2), "t.csv", rcols, 1, 0, &t, NULL, &err),
                 SG_OK, "%s", err.msg);
    cr_assert_eq(t->n_rows, 1);
    cr_expect_eq(t->line[0], 4);
    cr_expect_eq(t->row[0], 2);
    cr_assert_eq(t->n_excluded, 1);
    cr_expect_eq(t->excluded[0].line, 2);
    cr_expect_eq(t->excluded[0].reason, SG_EXCLUDED_NOT_RUN);
    sg_table_destroy(t);
}

/* Fuzz finding: limits on the header width and on ragged rows. */
Test(data, header_width_limit_and_long_ragged_rows)
{
    size_t cap = 16 * (SG_DATA_MAX_COLUMNS + 8) + 64;
    char *csv = malloc(cap);
    cr_assert_not_null(csv);
    for (int extra = 0; extra <= 1; extra++) {
        size_t k = (size_t)sprintf(csv, "a,b,y");
        for (int i = 3; i < SG_DATA_MAX_COLUMNS + extra; i++)
            k += (size_t)sprintf(csv + k, ",c%d", i);
        k += (size_t)sprintf(csv + k, "\n1,2,3");
        for (int i = 3; i < SG_DATA_MAX_COLUMNS + extra; i++)
            k += (size_t)sprintf(csv + k, ",0");
        csv[k++] = '\n';
        sg_table *t = NULL;
        sg_error err;
        sg_status st = sg_table_load_buffer(csv, k, "w.csv", COLS, 3, 2, &t, NULL, &err);
        if (extra == 0) {
            cr_expect_eq(st, SG_OK, "%s", err.msg);
            cr_expect_eq(t ? t->n_file_columns : 0, (size_t)SG_DATA_MAX_COLUMNS);
        } else {
            cr_expect_eq(st, SG_ERR_LIMIT);
            cr_expect_str_eq(err.msg, "w.csv:1: the header has more than 4096 columns");
        }
        sg_table_destroy(t);
    }
    /* A row far wider than the header: fields beyond it are counted, not kept. */
    size_t k = (size_t)sprintf(csv, "a,b,y\n1,2,3");
    for (int i = 0; i < SG_DATA_MAX_COLUMNS + 5; i++)
        csv[k++] = ',';
    csv[k++] = '\n';
    sg_table *t = NULL;
    sg_error err;
    cr_expect_eq(sg_table_load_buffer(csv, k, "w.csv", COLS, 3, 2, &t, NULL, &err), SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "w.csv:2: row has 4104 fields but the header has 3");
    cr_expect_null(t);
    free(csv);
}

/* Fuzz finding: a NUL byte cut the cell short ("1<NUL>.5" was read as 1,
 * UTF-16 files lost every other byte); now it is a parse error. */
static const struct {
    const char *csv;
    size_t len;
    const char *msg;
} nul_cases[] = {
#define NUL_CASE(text, line) {text, sizeof text - 1, "n.csv:" #line ": NUL byte in the file"}
    NUL_CASE("a,b,y\n1\0.5,2,3\n", 2),
    NUL_CASE("a,b\0x,y\n1,2,3\n", 1),
    NUL_CASE("a,b,y\n1,2,3\n\n4,5,6\0\n", 4),
    NUL_CASE("\xff\xfe" "a\0,\0b\0,\0y\0\n\0", 1),
#undef NUL_CASE
};

TableTest(nul_cases, c, data, nul_byte_is_a_parse_error)
{
    {
        sg_table *t = NULL;
        sg_error err;
        cr_expect_eq(sg_table_load_buffer(nul_cases[c].csv, nul_cases[c].len, "n.csv", COLS, 3, 2, &t,
                                          NULL, &err),
                     SG_ERR_PARSE, "case %zu", c);
        cr_expect_null(t);
        cr_expect(strncmp(err.msg, nul_cases[c].msg, strlen(nul_cases[c].msg)) == 0, "case %zu: %s", c,
                  err.msg);
    }
}

/* Text must reach workbooks (XML) and JSON as UTF-8.  A Windows-1252 export
 * (no UTF-8 multi-byte sequence anywhere) is converted; a file mixing UTF-8
 * with other bytes, or holding a byte Windows-1252 leaves undefined, is
 * refused at that byte's line and column. */
Test(data, windows_1252_is_converted_and_mixed_encodings_are_refused)
{
    static const char cp1252[] = "run,a,b,y\nLauf-\xe4,1,2,3\n\x80 5\x96x,4,5,6\n";
    sg_table *t = NULL;
    sg_error err;
    cr_assert_eq(sg_table_load_buffer(cp1252, sizeof cp1252 - 1, "w.csv", COLS, 3, 2, &t, NULL,
                                      &err),
                 SG_OK, "%s", err.msg);
    cr_expect(t->from_cp1252);
    cr_expect_str_eq(t->run_id[0], "Lauf-\xc3\xa4");
    cr_expect_str_eq(t->run_id[1], "\xe2\x82\xac 5\xe2\x80\x93x"); /* euro sign, en dash */
    cr_expect_eq(t->hash, sg_hash_fnv1a64(cp1252, sizeof cp1252 - 1, SG_HASH_FNV1A64_INIT),
                 "the hash is of the file's bytes");
    sg_table_destroy(t);

    static const char utf8[] = "run,a,b,y\nLauf-\xc3\xa4,1,2,3\n";
    cr_assert_eq(sg_table_load_buffer(utf8, sizeof utf8 - 1, "u.csv", COLS, 3, 2, &t, NULL, &err),
                 SG_OK, "%s", err.msg);
    cr_expect(!t->from_cp1252);
    cr_expect_str_eq(t->run_id[0], "Lauf-\xc3\xa4");
    sg_table_destroy(t);

    static const struct {
        const char *csv, *msg;
    } bad[] = {
        {"run,a,b,y\nLauf-\xc3\xa4,1,2,3\nLauf-\xe4,4,5,6\n",
         "m.csv:3:6: byte 0xE4 is not UTF-8 text and the rest of the file is UTF-8"},
        {"\xef\xbb\xbfrun,a,b,y\nx\xe4,1,2,3\n",
         "m.csv:2:2: byte 0xE4 is not UTF-8 text and the rest of the file is UTF-8"},
        {"run,a,b,y\nr\xe4,1,2,3\nok\x81,4,5,6\n",
         "m.csv:3:3: byte 0x81 is not UTF-8 text nor Windows-1252 text"},
        {"run,a,b,y\r\nr\xc3\xa4\xc3\xa4,1,2,3\r\n\xed\xa0\x80,4,5,6\r\n", /* a surrogate */
         "m.csv:3:1: byte 0xED is not UTF-8 text"},
    };
    for (size_t c = 0; c < sizeof bad / sizeof bad[0]; c++) {
        t = NULL;
        cr_expect_eq(sg_table_load_buffer(bad[c].csv, strlen(bad[c].csv), "m.csv", COLS, 3, 2, &t,
                                          NULL, &err),
                     SG_ERR_PARSE, "case %zu", c);
        cr_expect_null(t);
        cr_expect(strncmp(err.msg, bad[c].msg, strlen(bad[c].msg)) == 0, "case %zu: %s", c,
                  err.msg);
    }
}

/* ---- header search, `name [unit]` headers, incomplete rows (issue 15) ---- */

static sg_table *read_csv_req(const char *csv, const sg_table_request *req, sg_error *err,
                              size_t *bad)
{
    sg_table *t = NULL;
    sg_table_read_buffer(csv, strlen(csv), "r.csv", req, &t, bad, err);
    return t;
}

/* The run sheet `doe` writes, saved as CSV by a spreadsheet: a title row,
 * units in the headers, a notes column, unfilled rows. */
Test(data, run_sheet_saved_as_csv_reads_with_title_units_and_unfilled_rows)
{
    const char *csv = "Run sheet - Brazing - L9,,,,\n"
                      "run,a [mm],b [s],y [W],notes\n"
                      "1,2.385,10,7.5,ok\n"
                      "2,2.5,20,,\n"
                      "3,3.125,30,9.25,\n"
                      ",,,,\n";
    const char *const units[] = {"mm", "s", "W"};
    sg_table_request req = {.columns = COLS, .n_cols = 3, .n_factors = 2, .units = units};
    sg_error err;
    sg_table *t = read_csv_req(csv, &req, &err, NULL);
    cr_assert_not_null(t, "%s", err.msg);
    cr_assert_eq(t->n_rows, 2);
    cr_expect_eq(sg_table_at(t, 1, 0), 3.125);
    cr_expect_eq(sg_table_at(t, 1, 2), 9.25);
    cr_expect_eq(t->line[1], 5);
    cr_expect_str_eq(t->run_id[1], "3");
    cr_assert_eq(t->n_excluded, 1);
    cr_expect_eq(t->excluded[0].line, 4);
    cr_expect_str_eq(t->excluded[0].run_id, "2");
    cr_expect_eq(t->excluded[0].reason, SG_EXCLUDED_NOT_RUN);
    char why[100];
    cr_expect_str_eq(sg_table_exclude_reason(t, &t->excluded[0], why, sizeof why),
                     "not yet run (no response values)");
    cr_expect_null(t->sheet);
    sg_table_destroy(t);
}

Test(data, missing_factor_or_some_responses_exclude_the_row_with_its_reason)
{
    const char *csv = "date,a,b,y,z,station\n"
                      "2024-01-02,1,2,3,4,N\n"
                      "2024-01-03,4,,6,7,N\n"
                      "2024-01-04,5,6,,8.5,S\n"
                      "2024-01-05,7,8,9,10,\n";
    const char *const cols[] = {"a", "b", "y", "z"};
    sg_table_request req = {.columns = cols, .n_cols = 4, .n_factors = 2};
    sg_error err;
    sg_table *t = read_csv_req(csv, &req, &err, NULL);
    cr_assert_not_null(t, "%s", err.msg);
    cr_expect_eq(t->n_rows, 2);
    cr_assert_eq(t->n_excluded, 2);
    cr_expect_eq(t->excluded[0].reason, SG_EXCLUDED_NO_FACTOR);
    cr_expect_eq(t->excluded[0].column, 1);
    cr_expect_eq(t->excluded[0].line, 3);
    cr_expect_eq(t->excluded[1].reason, SG_EXCLUDED_NO_RESPONSE);
    cr_expect_eq(t->excluded[1].column, 2);
    char why[100];
    cr_expect_str_eq(sg_table_exclude_reason(t, &t->excluded[0], why, sizeof why),
                     "no value for factor column 'b'");
    cr_expect_str_eq(sg_table_exclude_reason(t, &t->excluded[1], why, sizeof why),
                     "no value for response column 'y'");
    cr_expect_eq(sg_table_at(t, 1, 3), 10.0);
    sg_table_destroy(t);
}

Test(data, header_row_given_and_unit_mismatch_named)
{
    const char *csv = "a,b,y\nnotes,,\na [mm],b,y [W]\n1,2,3\n";
    sg_table_request req = {.columns = COLS, .n_cols = 3, .n_factors = 2, .header_row = 3};
    sg_error err;
    sg_table *t = read_csv_req(csv, &req, &err, NULL);
    cr_assert_not_null(t, "%s", err.msg);
    cr_expect_eq(t->n_rows, 1);
    cr_expect_eq(t->line[0], 4);
    sg_table_destroy(t);
    const char *const units[] = {"mm", "", "kW"};
    req.units = units;
    size_t bad = 0;
    cr_expect_null(read_csv_req(csv, &req, &err, &bad));
    cr_expect_str_eq(err.msg, "r.csv:3: column 'y' is in [W] but the study gives its unit as 'kW'");
    cr_expect_eq(bad, 2);
    req.header_row = 9;
    cr_expect_null(read_csv_req(csv, &req, &err, &bad));
    cr_expect_str_eq(err.msg, "r.csv: header_row 9 is empty or beyond the data");
}

static const struct {
    const char *csv;
    const char *msg;
} header_errors[] = {
    /* a column named with and without its unit is a duplicate */
    {"a,b,y,y [W]\n1,2,3,4\n", "r.csv:1: duplicate column name 'y' (columns 3 and 4)"},
    /* no row names every column: the first row is the header of the message */
    {"title\na,b,yy\n1,2,3\n",
     "r.csv:1: no column 'a': the first line is not a header of column names (is this the "
     "data file?)"},
    {"a,b,q\n1,2,3\n", "r.csv: no column 'y'; columns are: a, b, q"},
    /* a unit in brackets must close the cell */
    {"a,b,y [W] x\n1,2,3\n", "r.csv: no column 'y'; columns are: a, b, y [W] x"},
};

TableTest(header_errors, i, data, header_errors_name_the_place)
{
    sg_table_request req = {.columns = COLS, .n_cols = 3, .n_factors = 2};
    sg_error err;
    cr_expect_null(read_csv_req(header_errors[i].csv, &req, &err, NULL));
    cr_expect_str_eq(err.msg, header_errors[i].msg, "row %zu", i);
}

/* A run whose simulation failed: a response cell with a mark and no digit
 * ("n/a", "diverged", "#N/A", "NaN") leaves the row out with the mark and
 * its factor settings; "inf" is a value (refused as not finite). */
Test(data, failed_runs_are_left_out_with_their_mark)
{
    const char *csv = "run,a,b,y,z\n1,1,2,3,4\n2,4,5,n/a,7\n3,5,6,8,solver diverged\n"
                      "4,7,8,#N/A,\n5,9,10,NaN,11\n6,2,3,4,5\n";
    const char *const cols[] = {"a", "b", "y", "z"};
    sg_table_request req = {.columns = cols, .n_cols = 4, .n_factors = 2};
    sg_error err;
    sg_table *t = read_csv_req(csv, &req, &err, NULL);
    cr_assert_not_null(t, "%s", err.msg);
    cr_expect_eq(t->n_rows, 2);
    cr_assert_eq(t->n_excluded, 4);
    static const char *const marks[] = {"n/a", "solver diverged", "#N/A", "NaN"};
    static const size_t column[] = {2, 3, 2, 2};
    for (size_t i = 0; i < 4; i++) {
        const sg_excluded_row *e = &t->excluded[i];
        cr_expect_eq(e->reason, SG_EXCLUDED_FAILED, "row %zu", i);
        cr_expect_str_eq(e->text, marks[i]);
        cr_expect_eq(e->column, column[i]);
        cr_assert_not_null(e->x);
    }
    cr_expect_eq(t->excluded[1].x[0], 5.0);
    cr_expect_eq(t->excluded[1].x[1], 6.0);
    char why[300];
    cr_expect_str_eq(sg_table_exclude_reason(t, &t->excluded[0], why, sizeof why),
                     "no result: response column 'y' says 'n/a' (a failed run; if failures "
                     "gather in one region, the process may not work there)");
    sg_table_destroy(t);
    sg_table_request three = {.columns = COLS, .n_cols = 3, .n_factors = 2};
    cr_expect_null(read_csv_req("a,b,y\n1,2,3\n1,2,-inf\n", &three, &err, NULL));
    cr_expect(strstr(err.msg, "'-inf' is not a finite number"), "%s", err.msg);
}

/* A row of units under the header (as engineers write their sheets):
 * "mm", "[C]" or "(W)" are checked against the study's units and the row
 * is not data; a data row right below the header is read as data. */
Test(data, a_units_row_below_the_header_is_checked_and_skipped)
{
    const char *csv = "run,a,b,y\n,mm,[C],(W)\n1,1,2,3\n2,4,5,6\n";
    const char *const units[] = {"mm", "C", "W"};
    sg_table_request req = {.columns = COLS, .n_cols = 3, .n_factors = 2, .units = units};
    sg_error err;
    sg_table *t = read_csv_req(csv, &req, &err, NULL);
    cr_assert_not_null(t, "%s", err.msg);
    cr_expect_eq(t->n_rows, 2);
    cr_expect_eq(t->n_excluded, 0);
    cr_expect_eq(t->line[0], 3);
    sg_table_destroy(t);
    const char *const other[] = {"mm", "K", "W"};
    req.units = other;
    cr_expect_null(read_csv_req(csv, &req, &err, NULL));
    cr_expect_str_eq(err.msg, "r.csv:2:b: the units row gives column 'b' in 'C' but the study "
                              "gives its unit as 'K'");
    /* a first row that is data, and a not-yet-run row below the header */
    req.units = units;
    t = read_csv_req("a,b,y\n1,2,3\n", &req, &err, NULL);
    cr_assert_not_null(t, "%s", err.msg);
    cr_expect_eq(t->n_rows, 1);
    sg_table_destroy(t);
    t = read_csv_req("a,b,y\n1,2,\n3,4,5\n", &req, &err, NULL);
    cr_assert_not_null(t, "%s", err.msg);
    cr_expect_eq(t->n_rows, 1);
    cr_expect_eq(t->n_excluded, 1);
    sg_table_destroy(t);
}
