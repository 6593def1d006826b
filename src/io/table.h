/* table.h — read a table of simulation results from a CSV file or a
 * workbook (.xlsx through io/xlsx.h, .xls through io/xls.h), chosen by the
 * file's content (a zip archive is an .xlsx, an OLE2 compound file an .xls).
 *
 * Header: the first row (at most SG_DATA_HEADER_SEARCH non-blank rows are
 * tried) whose cells name every requested column, or the row given by
 * `header_row`; rows above it (a title) are ignored.  A header cell
 * `name [unit]` names column `name`; its unit must equal the requested unit
 * when both are given.  Blank rows (every cell empty) are ignored anywhere.
 * Positions in messages: CSV "FILE:LINE", workbooks "FILE:Sheet!C7".
 *
 * CSV format: one header row of column names, then one row per run.
 * The delimiter is detected from the header row among ',', ';' and TAB
 * (the most frequent outside quotes wins; ties prefer ',' then ';').
 * The text must be UTF-8 or ASCII: a NUL byte (binary or UTF-16 file) is a
 * parse error.  A file that is not UTF-8 and holds no UTF-8 multi-byte
 * sequence at all is read as Windows-1252 (a spreadsheet's "CSV" export on
 * Windows; Latin-1 text reads the same) and converted to UTF-8, with
 * `from_cp1252` set so the caller can say so; any other byte that is not
 * UTF-8 (a file mixing encodings, or a byte Windows-1252 leaves undefined) is a
 * parse error "FILE:LINE:COL: byte 0xE4 is not UTF-8 text ...".  A UTF-8 byte-order mark, CRLF or CR line ends, quoted fields ("a,b",
 * "say ""hi""") and blank lines are accepted.  Numbers use C-locale notation
 * (1234.5, -1.2e-3) whatever the process locale; the whole field must be a
 * number (surrounding spaces are ignored).  Tokenising is done by libcsv.
 *
 * Only the requested columns are read; other columns are ignored.  The
 * requested columns are split into factors (the first n_factors) and
 * responses (the rest).  When responses are requested, a row whose response
 * cells are ALL empty is "not yet run" (a failed or unfinished simulation),
 * and a row missing a factor value or some response values is incomplete:
 * both are excluded and listed in `excluded` with the reason.  Any other
 * non-numeric or non-finite value in a requested column, or
 * one larger in magnitude than SG_DATA_MAX_ABS, is an error
 * "FILE:LINE:COLUMN: message" (LINE = 1-based line in the file).
 * Ragged rows, duplicate header names, missing columns and zero usable rows
 * are errors too, and so is a header of more than SG_DATA_MAX_COLUMNS columns.
 */
#ifndef SG_TABLE_H
#define SG_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Largest accepted data file, bytes. */
#define SG_DATA_MAX_BYTES ((size_t)256 * 1024 * 1024)
/* Most columns in the header row (more is SG_ERR_LIMIT: a header that long
 * is not a table of simulation runs, and duplicate-name checks are
 * quadratic in it). */
#define SG_DATA_MAX_COLUMNS 4096
/* Largest magnitude of a value in a requested column.  Larger values are
 * refused when the file is read ("FILE:LINE:COLUMN: '1e200' is too
 * large ..."): every later stage sums values, squares and products of them
 * (means, standard deviations, sums of squares, scaling), which must not
 * overflow to inf; with |x| <= 1e150 a square is at most 1e300 and a sum of
 * the squares of every row a file can hold stays finite.  No engineering
 * quantity in any unit comes near it. */
#define SG_DATA_MAX_ABS 1e150
/* Name of the optional run-identifier column (compared case-insensitively). */
#define SG_DATA_RUN_COLUMN "run"
/* Non-blank rows tried as the header when no header_row is given. */
#define SG_DATA_HEADER_SEARCH 64

typedef enum sg_table_format { SG_TABLE_CSV = 0, SG_TABLE_XLSX, SG_TABLE_XLS } sg_table_format;
/* Added where .xls cells read as empty: libfreexl reads no formula results. */
#define SG_TABLE_XLS_FORMULA_NOTE                                                         \
    "; in an .xls workbook a formula cell reads as empty (the .xls reader, libfreexl, "   \
    "does not read formula results): save the workbook as .xlsx"

/* Why a row was left out. */
typedef enum sg_exclude_reason {
    SG_EXCLUDED_NOT_RUN = 0,  /* every response cell empty */
    SG_EXCLUDED_NO_FACTOR,    /* a factor cell empty (`column`) */
    SG_EXCLUDED_NO_RESPONSE,  /* some response cells empty, the first is `column` */
    SG_EXCLUDED_FAILED        /* a response cell holds a mark with no digit ("n/a",
                                 "diverged", "#N/A"): a run that gave no result; `column`,
                                 the mark in `text` */
} sg_exclude_reason;

/* A row left out of the table. */
typedef struct sg_excluded_row {
    int line;      /* 1-based line number in the file (sheet row in a workbook) */
    size_t row;    /* 1-based data row number (header not counted) */
    char *run_id;  /* value of the run column, or NULL when there is none */
    sg_exclude_reason reason;
    size_t column; /* requested column index of the missing value (SIZE_MAX: not run) */
    char *text;    /* SG_EXCLUDED_FAILED: the cell as written (owned), else NULL */
    double *x;     /* SG_EXCLUDED_FAILED: the factor settings (n_factors, owned; codes
                      for named levels), NULL when a factor cell is not one */
} sg_excluded_row;

/* What to read.  Nothing is copied or kept beyond the call. */
typedef struct sg_table_request {
    const char *const *columns; /* n_cols names: factors first */
    size_t n_cols, n_factors;
    const char *const *units;   /* n_cols units or NULL; NULL or "" entries are not checked */
    const char *sheet;          /* workbook sheet name; NULL = the first sheet */
    int header_row;             /* 1-based row (line) of the header; 0 = find it */
    /* Named values (categories, verdicts): column k holds one of
     * labels[k][0 .. n_labels[k]) (matched exactly, else ignoring case, else
     * as equal numbers) and is stored as its index; any other text is an
     * error listing the names.  NULL, or n_labels[k] = 0: a number. */
    char *const *const *labels;
    const size_t *n_labels;
    /* Whose names they are, for that error: false, a study's (the hint: add
     * the name to 'levels'); true, a fitted model's, which knows no other */
    bool labels_of_model;
} sg_table_request;

/* A loaded table.  Everything is owned by the table; free with sg_table_destroy. */
typedef struct sg_table {
    char *path;              /* the path given to sg_table_load (for messages) */
    sg_table_format format;
    char *sheet;             /* workbook: the sheet read; CSV: NULL */
    char delimiter;          /* CSV: ',', ';' or '\t'; workbook: 0 */
    bool from_cp1252;        /* the file was Windows-1252 and was converted to UTF-8 */
    uint64_t hash;           /* FNV-1a 64 of the file's bytes (see core/hash.h) */
    size_t n_file_columns;   /* every header name in the file, in order */
    char **file_columns;
    size_t n_cols;           /* requested columns, in request order */
    size_t n_factors;        /* columns [0, n_factors) are factors, the rest responses */
    char **col_names;
    size_t n_rows;           /* usable rows */
    double *x;               /* (n_rows, n_cols) row-major values */
    int *line;               /* n_rows: 1-based line number of each row in the file */
    size_t *row;             /* n_rows: 1-based data row number (header not counted) */
    char **run_id;           /* n_rows run-column values, or NULL when the file has no run column */
    size_t n_excluded;       /* rows left out (not yet run, incomplete) */
    sg_excluded_row *excluded;
} sg_table;

/* Load columns[0..n_cols) from the CSV file at path; the first n_factors
 * are factors, the rest responses.  On success *out is a new table (caller
 * destroys).  On failure *out is NULL, err holds the message, and when the
 * failure concerns one requested column (missing from the file) *bad_column
 * (may be NULL) is set to its index, else to SIZE_MAX.
 * Statuses: SG_ERR_IO (cannot read), SG_ERR_PARSE (malformed CSV),
 * SG_ERR_INVALID (content), SG_ERR_LIMIT (file too large, too many columns),
 * SG_ERR_NOMEM. */
sg_status sg_table_load(const char *path, const char *const *columns, size_t n_cols,
                        size_t n_factors, sg_table **out, size_t *bad_column, sg_error *err);

/* Same, from len bytes in memory; `source` names the data in messages. */
sg_status sg_table_load_buffer(const char *buf, size_t len, const char *source,
                               const char *const *columns, size_t n_cols, size_t n_factors,
                               sg_table **out, size_t *bad_column, sg_error *err);

/* Read the table at path as req asks; statuses and *bad_column as
 * sg_table_load (a unit that differs from the requested one also sets it). */
sg_status sg_table_read(const char *path, const sg_table_request *req, sg_table **out,
                        size_t *bad_column, sg_error *err);

/* Same from len bytes in memory; `source` names the data in messages.  An
 * .xls workbook can be read from a file only (libfreexl opens a path). */
sg_status sg_table_read_buffer(const char *buf, size_t len, const char *source,
                               const sg_table_request *req, sg_table **out, size_t *bad_column,
                               sg_error *err);

/* "not yet run", "no value for factor 'x'", "no value for response 'y'"
 * into buf (size bytes); returns buf. */
/* Room for any reason sg_table_exclude_reason writes (a failed run's
 * mark and column name included). */
#define SG_TABLE_REASON_MAX 400
const char *sg_table_exclude_reason(const sg_table *t, const sg_excluded_row *e, char *buf,
                                    size_t size);

/* Free the table and everything in it.  NULL is a no-op. */
void sg_table_destroy(sg_table *t);

/* How messages name row (0-based) of t: "run <id>" from the run column,
 * else "run <data row> (line <file line>)". */
void sg_table_run_label(const sg_table *t, size_t row, char *buf, size_t cap);

/* Value at (row i, column j). */
static inline double sg_table_at(const sg_table *t, size_t i, size_t j)
{
    return t->x[i * t->n_cols + j];
}

/* Parse a whole field as a finite C-locale number (spaces around allowed).
 * Returns SG_OK, or SG_ERR_INVALID with a short reason ("empty value",
 * "'abc' is not a number", ...) in err — without a position. */
sg_status sg_table_parse_number(const char *field, double *out, sg_error *err);

#endif
