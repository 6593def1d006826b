/* table_build.c — rows of cell texts into a table (table_internal.h): the
 * header search, `name [unit]` headers, incomplete rows, number checks. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "io/table_internal.h"

#define TABLE_NAME_ECHO_MAX 64 /* longest column name repeated in a message */
#define FIELD_SHOW_MAX 40      /* characters of a bad field quoted in messages */
#define PLACE_MAX 300          /* a place "FILE:Sheet!C7" in messages */

struct sg_table_builder {
    const sg_table_request *req;
    bool strict_width;
    locale_t c_loc;
    sg_table *t;
    sg_error *err;
    size_t *bad_column;
    bool have_header;
    char **first_row;       /* the first non-blank row: the header of the messages
                               when no row names every requested column */
    size_t n_first;
    int first_line;
    size_t n_tried;         /* non-blank rows tried as the header */
    size_t *col_index;      /* n_cols: file column of each requested column */
    size_t run_col;         /* file column of "run", or SIZE_MAX */
    size_t cap_rows, cap_excl;
    size_t n_data_rows;     /* data rows seen (excluded included) */
    bool past_units;        /* the row below the header was looked at as a units row */
};

/* ---- small helpers ------------------------------------------------------- */

static const char *trim(const char *s, size_t *len)
{
    size_t n = strlen(s);
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *len = n;
    return s;
}

static bool cell_empty(const char *f)
{
    size_t n;
    trim(f, &n);
    return n == 0;
}

static char *trimmed_copy(const char *s)
{
    size_t n;
    s = trim(s, &n);
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

static sg_status nomem(sg_table_builder *b)
{
    return sg_error_set(b->err, SG_ERR_NOMEM, "%s: out of memory", b->t->path);
}

void sg_table_column_label(const sg_table *t, size_t c, char *buf, size_t size)
{
    if (t->format == SG_TABLE_CSV) {
        snprintf(buf, size, "%zu", c + 1);
        return;
    }
    char tmp[16];
    size_t k = sizeof tmp - 1;
    tmp[k] = '\0';
    for (size_t v = c + 1; v && k; v = (v - 1) / 26)
        tmp[--k] = (char)('A' + (v - 1) % 26);
    snprintf(buf, size, "%s", tmp + k);
}

/* A sheet name as a spreadsheet writes it in a reference: quoted unless
 * letters, digits and '_' only. */
static bool sheet_needs_quotes(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return true;
    return false;
}

void sg_table_place(const sg_table *t, int line, size_t c, char *buf, size_t size)
{
    if (t->format == SG_TABLE_CSV || !t->sheet) {
        snprintf(buf, size, "%s:%d", t->path, line);
        return;
    }
    char col[16];
    sg_table_column_label(t, c == SIZE_MAX ? 0 : c, col, sizeof col);
    const char *q = sheet_needs_quotes(t->sheet) ? "'" : "";
    snprintf(buf, size, "%s:%s%s%s!%s%d", t->path, q, t->sheet, q, col, line);
}

/* Place plus the column name: CSV "FILE:LINE:name", workbook
 * "FILE:Sheet!C7: name". */
static void cell_place(const sg_table_builder *b, int line, size_t k, char *buf, size_t size)
{
    char at[PLACE_MAX];
    sg_table_place(b->t, line, b->col_index[k], at, sizeof at);
    if (snprintf(buf, size, "%s:%s%s", at, b->t->format == SG_TABLE_CSV ? "" : " ",
                 b->t->col_names[k]) < 0)
        buf[0] = '\0';
}

/* Does header cell `cell` name column `want`?  Either exactly, or as
 * "want [unit]"; then *unit / *unit_len give the unit (else *unit = NULL). */
static bool header_names(const char *cell, const char *want, const char **unit, size_t *unit_len)
{
    size_t n, w = strlen(want);
    const char *s = trim(cell, &n);
    *unit = NULL;
    *unit_len = 0;
    if (n == w && memcmp(s, want, w) == 0)
        return true;
    if (n < w + 3 || memcmp(s, want, w) != 0 || s[n - 1] != ']')
        return false;
    size_t i = w;
    while (i < n && s[i] == ' ')
        i++;
    if (i == w || s[i] != '[')
        return false;
    const char *u = s + i + 1;
    size_t ul = n - 1 - (i + 1);
    while (ul && *u == ' ')
        u++, ul--;
    while (ul && u[ul - 1] == ' ')
        ul--;
    if (memchr(u, '[', ul) || memchr(u, ']', ul))
        return false;
    *unit = u;
    *unit_len = ul;
    return true;
}

static size_t find_column(const char *const *cells, size_t n, const char *want, size_t from)
{
    const char *u;
    size_t ul;
    for (size_t i = from; i < n; i++)
        if (header_names(cells[i], want, &u, &ul))
            return i;
    return SIZE_MAX;
}

/* A row naming every requested column (any row when none is requested). */
static bool row_is_header(const sg_table_builder *b, const char *const *cells, size_t n)
{
    for (size_t k = 0; k < b->req->n_cols; k++)
        if (find_column(cells, n, b->req->columns[k], 0) == SIZE_MAX)
            return false;
    return true;
}

/* ---- the header ------------------------------------------------------------ */

static void list_columns(const sg_table *t, char *buf, size_t size)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < t->n_file_columns && k + 1 < size; i++) {
        if (!t->file_columns[i][0] && t->format != SG_TABLE_CSV)
            continue; /* an unnamed spreadsheet column */
        int n = snprintf(buf + k, size - k, "%s%s", k ? ", " : "", t->file_columns[i]);
        if (n < 0)
            break;
        k += (size_t)n;
    }
}

/* A header worth echoing in a message: at least two columns, each a short
 * printable name.  Anything else (the first line of an unrelated file, a
 * secret) is never repeated back. */
static bool header_is_plausible(const sg_table *t)
{
    if (t->n_file_columns < 2)
        return false;
    for (size_t i = 0; i < t->n_file_columns; i++) {
        const unsigned char *c = (const unsigned char *)t->file_columns[i];
        if (strlen((const char *)c) > TABLE_NAME_ECHO_MAX)
            return false;
        for (; *c; c++)
            if (*c < 0x20 || *c == 0x7f)
                return false;
    }
    return true;
}

static sg_status missing_column(sg_table_builder *b, size_t k, int line)
{
    sg_table *t = b->t;
    const char *want = b->req->columns[k];
    char at[PLACE_MAX];
    sg_table_place(t, line, SIZE_MAX, at, sizeof at);
    if (!header_is_plausible(t))
        return sg_error_set(b->err, SG_ERR_INVALID,
                            "%s: no column '%s': the first %s is not a header of column "
                            "names (is this the data file?)",
                            at, want, t->format == SG_TABLE_CSV ? "line" : "row");
    char cols[700];
    list_columns(t, cols, sizeof cols);
    const char *hint =
        sg_str_suggest(want, (const char *const *)t->file_columns, t->n_file_columns);
    if (b->bad_column)
        *b->bad_column = k;
    if (hint)
        return sg_error_set(b->err, SG_ERR_INVALID,
                            "%s: no column '%s' (did you mean '%s'?); columns are: %s", t->path,
                            want, hint, cols);
    return sg_error_set(b->err, SG_ERR_INVALID, "%s: no column '%s'; columns are: %s", t->path,
                        want, cols);
}

static sg_status duplicate(sg_table_builder *b, int line, size_t i, size_t j, const char *name)
{
    char at[PLACE_MAX], ci[16], cj[16];
    sg_table_place(b->t, line, j, at, sizeof at);
    sg_table_column_label(b->t, i, ci, sizeof ci);
    sg_table_column_label(b->t, j, cj, sizeof cj);
    return sg_error_set(b->err, SG_ERR_INVALID, "%s: duplicate column name '%s' (columns %s and %s)",
                        at, name, ci, cj);
}

/* The unit of header cell c for requested column k against the request. */
static sg_status check_unit(sg_table_builder *b, size_t k, size_t c, int line)
{
    const char *want = b->req->units ? b->req->units[k] : NULL, *u;
    size_t ul;
    header_names(b->t->file_columns[c], b->req->columns[k], &u, &ul);
    if (!want || !*want || !u || (strlen(want) == ul && memcmp(want, u, ul) == 0))
        return SG_OK;
    char at[PLACE_MAX];
    sg_table_place(b->t, line, c, at, sizeof at);
    if (b->bad_column)
        *b->bad_column = k;
    return sg_error_set(b->err, SG_ERR_INVALID,
                        "%s: column '%s' is in [%.*s] but the study gives its unit as '%s'", at,
                        b->req->columns[k], (int)(ul > FIELD_SHOW_MAX ? FIELD_SHOW_MAX : ul), u,
                        want);
}

static sg_status take_header(sg_table_builder *b, const char *const *cells, size_t n, int line)
{
    sg_table *t = b->t;
    t->file_columns = calloc(n ? n : 1, sizeof *t->file_columns);
    if (!t->file_columns)
        return nomem(b);
    for (size_t i = 0; i < n; i++, t->n_file_columns++)
        if (!(t->file_columns[i] = trimmed_copy(cells[i])))
            return nomem(b);
    const char *const *names = (const char *const *)t->file_columns;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i && names[i][0]; j++)
            if (strcmp(names[i], names[j]) == 0)
                return duplicate(b, line, j, i, names[i]);
    b->run_col = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(names[i], SG_DATA_RUN_COLUMN) == 0)
            b->run_col = i;
    for (size_t k = 0; k < b->req->n_cols; k++) {
        size_t c = find_column(names, n, b->req->columns[k], 0);
        if (c == SIZE_MAX)
            return missing_column(b, k, line);
        size_t again = find_column(names, n, b->req->columns[k], c + 1);
        if (again != SIZE_MAX)
            return duplicate(b, line, c, again, b->req->columns[k]);
        sg_status st = check_unit(b, k, c, line);
        if (st != SG_OK)
            return st;
        b->col_index[k] = c;
    }
    b->have_header = true;
    return SG_OK;
}

static sg_status keep_first_row(sg_table_builder *b, const char *const *cells, size_t n, int line)
{
    b->first_row = calloc(n ? n : 1, sizeof *b->first_row);
    if (!b->first_row)
        return nomem(b);
    for (size_t i = 0; i < n; i++, b->n_first++)
        if (!(b->first_row[i] = sg_str_dup(cells[i])))
            return nomem(b);
    b->first_line = line;
    return SG_OK;
}

/* A row before the header: the header itself, a title, or (past the
 * search) the end of the search with the first row as the header. */
static sg_status before_header(sg_table_builder *b, const char *const *cells, size_t n, int line)
{
    int want = b->req->header_row;
    if (want > 0)
        return line == want ? take_header(b, cells, n, line) : SG_OK;
    if (row_is_header(b, cells, n))
        return take_header(b, cells, n, line);
    if (!b->first_row) {
        sg_status st = keep_first_row(b, cells, n, line);
        if (st != SG_OK)
            return st;
    }
    if (++b->n_tried < SG_DATA_HEADER_SEARCH)
        return SG_OK;
    return take_header(b, (const char *const *)b->first_row, b->n_first, b->first_line);
}

/* ---- data rows --------------------------------------------------------------- */

static sg_status grow_rows(sg_table_builder *b)
{
    sg_table *t = b->t;
    if (t->n_rows < b->cap_rows)
        return SG_OK;
    size_t cap = b->cap_rows ? 2 * b->cap_rows : 64;
    double *x = realloc(t->x, cap * (t->n_cols ? t->n_cols : 1) * sizeof *x);
    if (x)
        t->x = x;
    int *ln = realloc(t->line, cap * sizeof *ln);
    if (ln)
        t->line = ln;
    size_t *rw = realloc(t->row, cap * sizeof *rw);
    if (rw)
        t->row = rw;
    bool ok = x && ln && rw;
    if (ok && b->run_col != SIZE_MAX) {
        char **r = realloc(t->run_id, cap * sizeof *r);
        if (r)
            t->run_id = r;
        ok = r != NULL;
    }
    if (!ok)
        return nomem(b);
    b->cap_rows = cap;
    return SG_OK;
}

static const char *cell_of(const char *const *cells, size_t n, size_t c)
{
    return c < n ? cells[c] : "";
}

/* The run column's value (trimmed copy) or NULL without a run column;
 * *st is SG_ERR_NOMEM when the copy fails. */
static char *run_of(sg_table_builder *b, const char *const *cells, size_t n, sg_status *st)
{
    *st = SG_OK;
    if (b->run_col == SIZE_MAX)
        return NULL;
    char *r = trimmed_copy(cell_of(cells, n, b->run_col));
    if (!r)
        *st = nomem(b);
    return r;
}

/* A ';'-delimited CSV may write its numbers with a decimal comma. */
static bool decimal_comma(const sg_table_builder *b)
{
    return b->t->format == SG_TABLE_CSV && b->t->delimiter == ';';
}

static sg_status convert_cell(sg_table_builder *b, const char *cell, int line, size_t k,
                              double *out);

/* A failed run's mark (response column k) and its factor settings, so that
 * the decision can tell when the optimum lies next to it; settings that do
 * not read as the study's leave x NULL (no error: the row is left out). */
static sg_status keep_failed(sg_table_builder *b, const char *const *cells, size_t n, size_t k,
                             sg_excluded_row *e)
{
    size_t nf = b->t->n_factors;
    e->text = trimmed_copy(cell_of(cells, n, b->col_index[k]));
    e->x = malloc((nf ? nf : 1) * sizeof *e->x);
    if (!e->text || !e->x) {
        free(e->text), free(e->x);
        e->text = NULL, e->x = NULL;
        return nomem(b);
    }
    sg_error quiet, *keep = b->err;
    b->err = &quiet;
    bool ok = true;
    for (size_t f = 0; f < nf && ok; f++)
        ok = convert_cell(b, cell_of(cells, n, b->col_index[f]), 0, f, &e->x[f]) == SG_OK;
    b->err = keep;
    if (!ok) {
        free(e->x);
        e->x = NULL;
    }
    return SG_OK;
}

static sg_status exclude_row(sg_table_builder *b, const char *const *cells, size_t n, int line,
                             sg_exclude_reason why, size_t column)
{
    sg_table *t = b->t;
    if (t->n_excluded == b->cap_excl) {
        size_t cap = b->cap_excl ? 2 * b->cap_excl : 8;
        sg_excluded_row *p = realloc(t->excluded, cap * sizeof *p);
        if (!p)
            return nomem(b);
        t->excluded = p;
        b->cap_excl = cap;
    }
    sg_excluded_row *e = &t->excluded[t->n_excluded];
    sg_status st;
    e->line = line;
    e->row = b->n_data_rows;
    e->reason = why;
    e->column = column;
    e->text = NULL;
    e->x = NULL;
    e->run_id = run_of(b, cells, n, &st);
    if (st == SG_OK && why == SG_EXCLUDED_FAILED)
        st = keep_failed(b, cells, n, column, e);
    if (st == SG_OK)
        t->n_excluded++;
    else
        free(e->run_id);
    return st;
}

/* A response cell that says a run gave no result: text with no digit
 * ("n/a", "diverged", "#N/A", "-"); text with a digit is a mistyped
 * number ("1O.5"), an error at its cell. */
static bool failure_mark(sg_table_builder *b, const char *cell, size_t k)
{
    if (cell_empty(cell) || (b->req->n_labels && b->req->n_labels[k] > 0))
        return false;
    for (const char *c = cell; *c; c++)
        if (*c >= '0' && *c <= '9')
            return false;
    size_t len;
    const char *s = trim(cell, &len);
    if (len && (*s == '+' || *s == '-') && len > 1) {
        s++;
        len--;
    }
    if ((len == 3 && strncasecmp(s, "inf", 3) == 0) ||
        (len == 8 && strncasecmp(s, "infinity", 8) == 0))
        return false; /* a value, not a failure (a fatigue run-out): refused as not finite */
    double v;
    sg_error e;
    return sg_table_parse_number_l(cell, b->c_loc, decimal_comma(b), &v, &e) != SG_OK;
}

/* Rows of results with empty requested cells are excluded, with the
 * reason; *excluded tells whether it was.  A table of factors only (the
 * input of predict) excludes nothing: an empty cell is an error there. */
static sg_status maybe_exclude(sg_table_builder *b, const char *const *cells, size_t n, int line,
                               bool *excluded)
{
    const sg_table *t = b->t;
    *excluded = false;
    if (t->n_cols == t->n_factors)
        return SG_OK;
    for (size_t k = 0; k < t->n_factors; k++)
        if (cell_empty(cell_of(cells, n, b->col_index[k]))) {
            *excluded = true;
            return exclude_row(b, cells, n, line, SG_EXCLUDED_NO_FACTOR, k);
        }
    for (size_t k = t->n_factors; k < t->n_cols; k++)
        if (failure_mark(b, cell_of(cells, n, b->col_index[k]), k)) {
            *excluded = true;
            return exclude_row(b, cells, n, line, SG_EXCLUDED_FAILED, k);
        }
    size_t n_empty = 0, first = SIZE_MAX;
    for (size_t k = t->n_factors; k < t->n_cols; k++)
        if (cell_empty(cell_of(cells, n, b->col_index[k]))) {
            n_empty++;
            if (first == SIZE_MAX)
                first = k;
        }
    if (n_empty == 0)
        return SG_OK;
    *excluded = true;
    if (n_empty == t->n_cols - t->n_factors)
        return exclude_row(b, cells, n, line, SG_EXCLUDED_NOT_RUN, SIZE_MAX);
    return exclude_row(b, cells, n, line, SG_EXCLUDED_NO_RESPONSE, first);
}

/* Index of a named value among labels, or SIZE_MAX. */
static size_t find_label(sg_table_builder *b, const char *cell, char *const *labels, size_t n)
{
    size_t len;
    const char *s = trim(cell, &len);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++)
            if (strlen(labels[i]) == len &&
                (pass ? strncasecmp(labels[i], s, len) : strncmp(labels[i], s, len)) == 0)
                return i;
    double v, w;
    sg_error e;
    if (sg_table_parse_number_l(cell, b->c_loc, decimal_comma(b), &v, &e) != SG_OK)
        return SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        if (sg_table_parse_number_l(labels[i], b->c_loc, false, &w, &e) == SG_OK && v == w)
            return i;
    return SIZE_MAX;
}

static sg_status convert_label(sg_table_builder *b, const char *cell, int line, size_t k,
                               double *out)
{
    char *const *labels = b->req->labels[k];
    size_t n = b->req->n_labels[k];
    size_t i = find_label(b, cell, labels, n);
    if (i != SIZE_MAX) {
        *out = (double)i;
        return SG_OK;
    }
    char at[PLACE_MAX], list[400] = "";
    for (size_t j = 0; j < n && strlen(list) + 80 < sizeof list; j++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s\"%s\"", j ? ", " : "",
                 labels[j]);
    size_t len;
    const char *s = trim(cell, &len);
    cell_place(b, line, k, at, sizeof at);
    bool model = b->req->labels_of_model;
    return sg_error_set(b->err, SG_ERR_INVALID,
                        "%s: '%.*s' is not one of the %s for '%s' (%s%s); %s",
                        at, (int)(len > FIELD_SHOW_MAX ? FIELD_SHOW_MAX : len), s,
                        model ? "names the model was fitted with" : "levels the study lists",
                        b->t->col_names[k], list, strlen(list) + 80 >= sizeof list ? ", ..." : "",
                        model ? "correct the cell (a new name needs runs with it and a new fit)"
                              : "add it to 'levels' or correct the cell");
}

static sg_status convert_cell(sg_table_builder *b, const char *cell, int line, size_t k,
                              double *out)
{
    sg_error e;
    char at[PLACE_MAX];
    if (b->req->labels && b->req->n_labels && b->req->n_labels[k] > 0)
        return convert_label(b, cell, line, k, out);
    if (sg_table_parse_number_l(cell, b->c_loc, decimal_comma(b), out, &e) != SG_OK) {
        cell_place(b, line, k, at, sizeof at);
        return sg_error_set(b->err, e.status, "%s: %s", at, e.msg);
    }
    if (fabs(*out) > SG_DATA_MAX_ABS) {
        size_t n;
        const char *s = trim(cell, &n);
        cell_place(b, line, k, at, sizeof at);
        return sg_error_set(b->err, SG_ERR_INVALID,
                            "%s: '%.*s' is too large: values must lie within +-%g (larger ones "
                            "overflow sums of squares)",
                            at, (int)(n > FIELD_SHOW_MAX ? FIELD_SHOW_MAX : n), s,
                            SG_DATA_MAX_ABS);
    }
    return SG_OK;
}

static sg_status take_row(sg_table_builder *b, const char *const *cells, size_t n, int line)
{
    sg_table *t = b->t;
    b->n_data_rows++;
    bool excluded;
    sg_status st = maybe_exclude(b, cells, n, line, &excluded);
    if (st != SG_OK || excluded)
        return st;
    if ((st = grow_rows(b)) != SG_OK)
        return st;
    double *xr = t->x + t->n_rows * t->n_cols;
    for (size_t k = 0; k < t->n_cols; k++)
        if ((st = convert_cell(b, cell_of(cells, n, b->col_index[k]), line, k, &xr[k])) != SG_OK)
            return st;
    t->line[t->n_rows] = line;
    t->row[t->n_rows] = b->n_data_rows;
    if (b->run_col != SIZE_MAX) {
        t->run_id[t->n_rows] = run_of(b, cells, n, &st);
        if (st != SG_OK)
            return st;
    }
    t->n_rows++;
    return SG_OK;
}

static bool row_blank(const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!cell_empty(cells[i]))
            return false;
    return true;
}

/* The unit written in a units row's cell: "mm", "[mm]" or "(mm)" -> mm. */
static const char *unit_of_cell(const char *cell, size_t *len)
{
    const char *u = trim(cell, len);
    if (*len >= 2 && ((u[0] == '[' && u[*len - 1] == ']') || (u[0] == '(' && u[*len - 1] == ')'))) {
        u++;
        *len -= 2;
    }
    return u;
}

/* Is the row just below the header a row of units (every non-empty cell of
 * a numeric requested column text that is not a number, and some factor's
 * among them: a data row has numbers in its factor cells)?  If so each
 * unit is checked against the study's, as a "name [unit]" header is. */
static sg_status units_row(sg_table_builder *b, const char *const *cells, size_t n, int line,
                           bool *is_units)
{
    *is_units = false;
    size_t factor_text = 0;
    for (size_t k = 0; k < b->req->n_cols; k++) {
        const char *cell = cell_of(cells, n, b->col_index[k]);
        if (cell_empty(cell) || (b->req->n_labels && b->req->n_labels[k] > 0))
            continue;
        double v;
        sg_error e;
        if (sg_table_parse_number_l(cell, b->c_loc, decimal_comma(b), &v, &e) == SG_OK)
            return SG_OK;
        factor_text += k < b->req->n_factors;
    }
    if (!factor_text)
        return SG_OK; /* a data row has numbers in its factor cells, never text */
    for (size_t k = 0; k < b->req->n_cols; k++) {
        const char *want = b->req->units ? b->req->units[k] : NULL, *cell;
        size_t ul;
        cell = cell_of(cells, n, b->col_index[k]);
        if (cell_empty(cell) || (b->req->n_labels && b->req->n_labels[k] > 0) || !want || !*want)
            continue;
        const char *u = unit_of_cell(cell, &ul);
        if (strlen(want) == ul && memcmp(want, u, ul) == 0)
            continue;
        char at[PLACE_MAX];
        cell_place(b, line, k, at, sizeof at);
        return sg_error_set(b->err, SG_ERR_INVALID,
                            "%s: the units row gives column '%s' in '%.*s' but the study gives "
                            "its unit as '%s'",
                            at, b->req->columns[k], (int)(ul > FIELD_SHOW_MAX ? FIELD_SHOW_MAX : ul),
                            u, want);
    }
    *is_units = true;
    return SG_OK;
}

sg_status sg_table_builder_row(sg_table_builder *b, const char *const *cells, size_t n_stored,
                               size_t n_total, int line)
{
    if (n_stored == n_total && row_blank(cells, n_stored))
        return SG_OK;
    if (!b->have_header)
        return before_header(b, cells, n_stored, line);
    if (b->strict_width && n_total != b->t->n_file_columns) {
        char at[PLACE_MAX];
        sg_table_place(b->t, line, SIZE_MAX, at, sizeof at);
        return sg_error_set(b->err, SG_ERR_INVALID, "%s: row has %zu fields but the header has %zu",
                            at, n_total, b->t->n_file_columns);
    }
    if (!b->past_units) {
        b->past_units = true;
        bool is_units;
        sg_status st = units_row(b, cells, n_stored, line, &is_units);
        if (st != SG_OK || is_units)
            return st;
    }
    return take_row(b, cells, n_stored, line);
}

sg_status sg_table_builder_finish(sg_table_builder *b)
{
    sg_table *t = b->t;
    sg_status st;
    if (!b->have_header && b->req->header_row > 0)
        return sg_error_set(b->err, SG_ERR_INVALID, "%s: header_row %d is empty or beyond the data",
                            t->path, b->req->header_row);
    if (!b->have_header && b->first_row &&
        (st = take_header(b, (const char *const *)b->first_row, b->n_first, b->first_line)) !=
            SG_OK)
        return st;
    if (!b->have_header)
        return sg_error_set(b->err, SG_ERR_INVALID, "%s: the file is empty; expected a header row",
                            t->path);
    if (t->n_rows > 0)
        return SG_OK;
    if (t->n_excluded)
        return sg_error_set(b->err, SG_ERR_INVALID,
                            "%s: no usable data rows (%zu rows have no response values)%s",
                            t->path, t->n_excluded,
                            t->format == SG_TABLE_XLS ? SG_TABLE_XLS_FORMULA_NOTE : "");
    return sg_error_set(b->err, SG_ERR_INVALID, "%s: no data rows below the header", t->path);
}

sg_table_builder *sg_table_builder_new(sg_table *t, const sg_table_request *req,
                                       bool strict_width, size_t *bad_column, sg_error *err)
{
    sg_table_builder *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->req = req;
    b->t = t;
    b->strict_width = strict_width;
    b->err = err;
    b->bad_column = bad_column;
    b->run_col = SIZE_MAX;
    b->c_loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    b->col_index = calloc(req->n_cols ? req->n_cols : 1, sizeof *b->col_index);
    if (b->c_loc == (locale_t)0 || !b->col_index) {
        sg_table_builder_destroy(b);
        return NULL;
    }
    return b;
}

void sg_table_builder_destroy(sg_table_builder *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n_first; i++)
        free(b->first_row[i]);
    free(b->first_row);
    free(b->col_index);
    if (b->c_loc != (locale_t)0)
        freelocale(b->c_loc);
    free(b);
}

const char *sg_table_exclude_reason(const sg_table *t, const sg_excluded_row *e, char *buf,
                                    size_t size)
{
    const char *col = e->column < t->n_cols ? t->col_names[e->column] : "?";
    switch (e->reason) {
    case SG_EXCLUDED_NO_FACTOR:
        snprintf(buf, size, "no value for factor column '%s'", col);
        break;
    case SG_EXCLUDED_NO_RESPONSE:
        snprintf(buf, size, "no value for response column '%s'%s", col,
                 t->format == SG_TABLE_XLS ? SG_TABLE_XLS_FORMULA_NOTE : "");
        break;
    case SG_EXCLUDED_FAILED:
        snprintf(buf, size, "no result: response column '%s' says '%.60s' (a failed run; if "
                 "failures gather in one region, the process may not work there)",
                 col, e->text ? e->text : "");
        break;
    default:
        snprintf(buf, size, "not yet run (no response values)%s",
                 t->format == SG_TABLE_XLS ? SG_TABLE_XLS_FORMULA_NOTE : "");
        break;
    }
    return buf;
}
