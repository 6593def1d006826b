/* table.c — CSV table reader (libcsv tokenises; this file checks and converts). */
#include "io/table.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "core/file.h"
#include "core/hash.h"
#include "core/num.h"
#include "core/utf8.h"

#define TABLE_NAME_ECHO_MAX 64 /* longest column name repeated in a message */
#define FIELD_SHOW_MAX 40 /* characters of a bad field quoted in messages */

/* ---- number parsing ---------------------------------------------------- */

static int is_blank(int c) { return c == ' ' || c == '\t'; }

/* Trim spaces/tabs; returns the start and sets *len. */
static const char *trim(const char *s, size_t *len)
{
    size_t n = strlen(s);
    while (n && is_blank((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && is_blank((unsigned char)s[n - 1]))
        n--;
    *len = n;
    return s;
}

static bool is_nonfinite_word(const char *s, size_t n)
{
    if (n && (*s == '+' || *s == '-')) {
        s++;
        n--;
    }
    return (n == 3 && (strncasecmp(s, "inf", 3) == 0 || strncasecmp(s, "nan", 3) == 0)) ||
           (n == 8 && strncasecmp(s, "infinity", 8) == 0);
}

static sg_status parse_number_l(const char *field, locale_t c_loc, double *out, sg_error *err)
{
    size_t n;
    const char *s = trim(field, &n);
    if (n == 0)
        return sg_error_set(err, SG_ERR_INVALID, "empty value");
    int show = n > FIELD_SHOW_MAX ? FIELD_SHOW_MAX : (int)n;
    if (is_nonfinite_word(s, n))
        return sg_error_set(err, SG_ERR_INVALID, "'%.*s' is not a finite number", show, s);
    bool has_comma = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ',') {
            has_comma = true;
        } else if (!isdigit(c) && c != '+' && c != '-' && c != '.' && c != 'e' && c != 'E') {
            return sg_error_set(err, SG_ERR_INVALID, "'%.*s' is not a number", show, s);
        }
    }
    if (has_comma)
        return sg_error_set(err, SG_ERR_INVALID,
                            "'%.*s' is not a number (use '.' as the decimal separator)", show, s);
    char buf[128];
    if (n >= sizeof buf)
        return sg_error_set(err, SG_ERR_INVALID, "'%.*s...' is too long for a number", show, s);
    memcpy(buf, s, n);
    buf[n] = '\0';
    locale_t old = uselocale(c_loc);
    errno = 0;
    char *end = NULL;
    double v = sg_num_parse(buf, &end);
    int e = errno;
    uselocale(old);
    if (end != buf + n || end == buf)
        return sg_error_set(err, SG_ERR_INVALID, "'%s' is not a number", buf);
    if (!isfinite(v) || (e == ERANGE && fabs(v) > 1.0))
        return sg_error_set(err, SG_ERR_INVALID, "'%s' is out of range (not a finite number)", buf);
    *out = v;
    return SG_OK;
}

sg_status sg_table_parse_number(const char *field, double *out, sg_error *err)
{
    locale_t c_loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (c_loc == (locale_t)0)
        return sg_error_set(err, SG_ERR_NOMEM, "cannot create the C locale");
    sg_status st = parse_number_l(field, c_loc, out, err);
    freelocale(c_loc);
    return st;
}

/* ---- loader state ------------------------------------------------------ */

typedef struct loader {
    const char *source;
    const char *const *want;   /* requested column names */
    size_t n_want, n_factors;
    locale_t c_loc;
    sg_table *t;
    sg_error *err;
    sg_status status;          /* first error; stops processing */
    size_t *bad_column;
    /* current row */
    char **fields;
    size_t n_fields, cap_fields;
    size_t n_dropped;          /* fields of the current row beyond the header's count
                                  (counted for the message, not stored) */
    int line;                  /* line of the chunk being fed */
    int row_line;              /* line where the current row started */
    bool row_pending;          /* next non-blank chunk starts a row */
    bool have_header;
    size_t *col_index;         /* n_want: file column of each requested column */
    size_t run_col;            /* file column of "run", or SIZE_MAX */
    size_t cap_rows, cap_excl;
    size_t n_data_rows;        /* data rows seen (excluded included) */
} loader;

static void clear_fields(loader *L)
{
    for (size_t i = 0; i < L->n_fields; i++)
        free(L->fields[i]);
    L->n_fields = 0;
}

static sg_status fail(loader *L, sg_status st)
{
    L->status = st;
    return st;
}

static void on_field(void *s, size_t len, void *data)
{
    loader *L = data;
    if (L->status != SG_OK)
        return;
    if (L->have_header && L->n_fields == L->t->n_file_columns) {
        L->n_dropped++; /* a ragged row: memory stays bounded by the header */
        return;
    }
    if (!L->have_header && L->n_fields == SG_DATA_MAX_COLUMNS) {
        fail(L, sg_error_set(L->err, SG_ERR_LIMIT, "%s:%d: the header has more than %d columns",
                             L->source, L->row_line, SG_DATA_MAX_COLUMNS));
        return;
    }
    if (L->n_fields == L->cap_fields) {
        size_t cap = L->cap_fields ? 2 * L->cap_fields : 16;
        char **p = realloc(L->fields, cap * sizeof *p);
        if (!p) {
            fail(L, sg_error_set(L->err, SG_ERR_NOMEM, "%s: out of memory", L->source));
            return;
        }
        L->fields = p;
        L->cap_fields = cap;
    }
    char *f = malloc(len + 1);
    if (!f) {
        fail(L, sg_error_set(L->err, SG_ERR_NOMEM, "%s: out of memory", L->source));
        return;
    }
    if (len)
        memcpy(f, s, len);
    f[len] = '\0';
    L->fields[L->n_fields++] = f;
}

/* Comma-separated list of the file's columns into buf. */
static void list_columns(const sg_table *t, char *buf, size_t size)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < t->n_file_columns && k + 1 < size; i++) {
        int n = snprintf(buf + k, size - k, "%s%s", i ? ", " : "", t->file_columns[i]);
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

static sg_status take_header(loader *L)
{
    sg_table *t = L->t;
    t->n_file_columns = L->n_fields;
    t->file_columns = L->fields; /* take ownership */
    L->fields = NULL;
    L->n_fields = L->cap_fields = 0;
    for (size_t i = 0; i < t->n_file_columns; i++) {
        size_t n;
        const char *s = trim(t->file_columns[i], &n);
        memmove(t->file_columns[i], s, n);
        t->file_columns[i][n] = '\0';
    }
    for (size_t i = 0; i < t->n_file_columns; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->file_columns[i], t->file_columns[j]) == 0)
                return fail(L, sg_error_set(L->err, SG_ERR_INVALID,
                                            "%s:%d: duplicate column name '%s' (columns %zu and %zu)",
                                            L->source, L->row_line, t->file_columns[i], j + 1, i + 1));
    L->run_col = SIZE_MAX;
    for (size_t i = 0; i < t->n_file_columns; i++)
        if (strcasecmp(t->file_columns[i], SG_DATA_RUN_COLUMN) == 0)
            L->run_col = i;
    for (size_t k = 0; k < L->n_want; k++) {
        size_t found = SIZE_MAX;
        for (size_t i = 0; i < t->n_file_columns; i++)
            if (strcmp(t->file_columns[i], L->want[k]) == 0)
                found = i;
        if (found == SIZE_MAX && !header_is_plausible(t))
            return fail(L, sg_error_set(L->err, SG_ERR_INVALID,
                                        "%s:%d: no column '%s': the first line is not a header "
                                        "of column names (is this the data file?)",
                                        L->source, L->row_line, L->want[k]));
        if (found == SIZE_MAX) {
            char cols[700];
            list_columns(t, cols, sizeof cols);
            const char *hint = sg_str_suggest(L->want[k], (const char *const *)t->file_columns,
                                          t->n_file_columns);
            if (L->bad_column)
                *L->bad_column = k;
            if (hint)
                return fail(L, sg_error_set(L->err, SG_ERR_INVALID,
                                            "%s: no column '%s' (did you mean '%s'?); columns are: %s",
                                            L->source, L->want[k], hint, cols));
            return fail(L, sg_error_set(L->err, SG_ERR_INVALID,
                                        "%s: no column '%s'; columns are: %s", L->source,
                                        L->want[k], cols));
        }
        L->col_index[k] = found;
    }
    if (L->run_col != SIZE_MAX) {
        t->run_id = NULL; /* allocated with rows */
    }
    L->have_header = true;
    return SG_OK;
}

static bool field_empty(const char *f)
{
    size_t n;
    trim(f, &n);
    return n == 0;
}

static sg_status grow_rows(loader *L)
{
    sg_table *t = L->t;
    if (t->n_rows < L->cap_rows)
        return SG_OK;
    size_t cap = L->cap_rows ? 2 * L->cap_rows : 64;
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
    if (ok && L->run_col != SIZE_MAX) {
        char **r = realloc(t->run_id, cap * sizeof *r);
        if (r)
            t->run_id = r;
        ok = r != NULL;
    }
    if (!ok)
        return fail(L, sg_error_set(L->err, SG_ERR_NOMEM, "%s: out of memory", L->source));
    L->cap_rows = cap;
    return SG_OK;
}

static sg_status exclude_row(loader *L)
{
    sg_table *t = L->t;
    if (t->n_excluded == L->cap_excl) {
        size_t cap = L->cap_excl ? 2 * L->cap_excl : 8;
        sg_excluded_row *p = realloc(t->excluded, cap * sizeof *p);
        if (!p)
            return fail(L, sg_error_set(L->err, SG_ERR_NOMEM, "%s: out of memory", L->source));
        t->excluded = p;
        L->cap_excl = cap;
    }
    sg_excluded_row *e = &t->excluded[t->n_excluded];
    e->line = L->row_line;
    e->row = L->n_data_rows;
    e->run_id = NULL;
    if (L->run_col != SIZE_MAX) {
        size_t n;
        const char *s = trim(L->fields[L->run_col], &n);
        e->run_id = malloc(n + 1);
        if (!e->run_id)
            return fail(L, sg_error_set(L->err, SG_ERR_NOMEM, "%s: out of memory", L->source));
        memcpy(e->run_id, s, n);
        e->run_id[n] = '\0';
    }
    t->n_excluded++;
    return SG_OK;
}

static sg_status take_row(loader *L)
{
    sg_table *t = L->t;
    if (L->n_fields == 1 && t->n_file_columns > 1 && field_empty(L->fields[0]))
        return SG_OK; /* a line of spaces: treat as blank */
    if (L->n_fields + L->n_dropped != t->n_file_columns)
        return fail(L, sg_error_set(L->err, SG_ERR_INVALID,
                                    "%s:%d: row has %zu fields but the header has %zu",
                                    L->source, L->row_line, L->n_fields + L->n_dropped,
                                    t->n_file_columns));
    L->n_data_rows++;
    if (t->n_cols > t->n_factors) {
        bool all_empty = true;
        for (size_t k = t->n_factors; k < t->n_cols && all_empty; k++)
            all_empty = field_empty(L->fields[L->col_index[k]]);
        if (all_empty)
            return exclude_row(L);
    }
    if (grow_rows(L) != SG_OK)
        return L->status;
    double *xr = t->x + t->n_rows * t->n_cols;
    for (size_t k = 0; k < t->n_cols; k++) {
        sg_error e;
        if (parse_number_l(L->fields[L->col_index[k]], L->c_loc, &xr[k], &e) != SG_OK)
            return fail(L, sg_error_set(L->err, e.status, "%s:%d:%s: %s", L->source, L->row_line,
                                        t->col_names[k], e.msg));
        if (fabs(xr[k]) > SG_DATA_MAX_ABS) {
            size_t n;
            const char *s = trim(L->fields[L->col_index[k]], &n);
            return fail(L, sg_error_set(L->err, SG_ERR_INVALID,
                                        "%s:%d:%s: '%.*s' is too large: values must lie within "
                                        "+-%g (larger ones overflow sums of squares)",
                                        L->source, L->row_line, t->col_names[k],
                                        (int)(n > FIELD_SHOW_MAX ? FIELD_SHOW_MAX : n), s,
                                        SG_DATA_MAX_ABS));
        }
    }
    t->line[t->n_rows] = L->row_line;
    t->row[t->n_rows] = L->n_data_rows;
    if (L->run_col != SIZE_MAX) {
        size_t n;
        const char *s = trim(L->fields[L->run_col], &n);
        char *r = malloc(n + 1);
        if (!r)
            return fail(L, sg_error_set(L->err, SG_ERR_NOMEM, "%s: out of memory", L->source));
        memcpy(r, s, n);
        r[n] = '\0';
        t->run_id[t->n_rows] = r;
    }
    t->n_rows++;
    return SG_OK;
}

static void on_row(int c, void *data)
{
    (void)c;
    loader *L = data;
    if (L->status == SG_OK) {
        if (!L->have_header)
            take_header(L);
        else
            take_row(L);
    }
    clear_fields(L);
    L->n_dropped = 0;
    L->row_pending = true;
}

static int space_only(unsigned char c) { return c == ' '; }
static int space_or_tab(unsigned char c) { return c == ' ' || c == '\t'; }

/* Most frequent of , ; TAB on the first line outside quotes. */
static char detect_delimiter(const char *s, size_t n)
{
    size_t count[3] = {0, 0, 0};
    const char cand[3] = {',', ';', '\t'};
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted)
            for (int k = 0; k < 3; k++)
                if (c == cand[k])
                    count[k]++;
    }
    int best = 0;
    for (int k = 1; k < 3; k++)
        if (count[k] > count[best])
            best = k;
    return cand[best];
}

/* True when the line holds only blanks; a TAB counts as blank only when it
 * is not the delimiter (a line of TAB delimiters is a row of empty cells). */
static bool chunk_blank(const char *s, size_t n, char delim)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == delim || (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n'))
            return false;
    return true;
}

void sg_table_destroy(sg_table *t)
{
    if (!t)
        return;
    free(t->path);
    for (size_t i = 0; i < t->n_file_columns; i++)
        free(t->file_columns[i]);
    free(t->file_columns);
    for (size_t i = 0; i < t->n_cols; i++)
        free(t->col_names ? t->col_names[i] : NULL);
    free(t->col_names);
    free(t->x);
    free(t->line);
    free(t->row);
    if (t->run_id)
        for (size_t i = 0; i < t->n_rows; i++)
            free(t->run_id[i]);
    free(t->run_id);
    for (size_t i = 0; i < t->n_excluded; i++)
        free(t->excluded[i].run_id);
    free(t->excluded);
    free(t);
}

sg_status sg_table_load_buffer(const char *buf, size_t len, const char *source,
                               const char *const *columns, size_t n_cols, size_t n_factors,
                               sg_table **out, size_t *bad_column, sg_error *err)
{
    *out = NULL;
    if (bad_column)
        *bad_column = SIZE_MAX;
    if (n_factors > n_cols || (n_cols && !columns))
        return sg_error_set(err, SG_ERR_INTERNAL, "%s: bad column request", source);
    for (size_t i = 0; i < n_cols; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(columns[i], columns[j]) == 0) {
                if (bad_column)
                    *bad_column = i;
                return sg_error_set(err, SG_ERR_INVALID, "%s: column '%s' requested twice",
                                    source, columns[i]);
            }
    loader L = {0};
    struct csv_parser p;
    bool parser_ready = false;
    char *converted = NULL; /* the text in UTF-8 when the file is Windows-1252 */
    L.source = source;
    L.want = columns;
    L.n_want = n_cols;
    L.n_factors = n_factors;
    L.err = err;
    L.bad_column = bad_column;
    L.row_pending = true;
    L.c_loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    sg_table *t = calloc(1, sizeof *t);
    L.t = t;
    L.col_index = calloc(n_cols ? n_cols : 1, sizeof *L.col_index);
    if (!t || !L.col_index || L.c_loc == (locale_t)0) {
        sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
        goto fail;
    }
    t->path = sg_str_dup(source);
    t->col_names = calloc(n_cols ? n_cols : 1, sizeof *t->col_names);
    if (!t->path || !t->col_names) {
        sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
        goto fail;
    }
    t->n_cols = n_cols;
    t->n_factors = n_factors;
    for (size_t i = 0; i < n_cols; i++)
        if (!(t->col_names[i] = sg_str_dup(columns[i]))) {
            sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
            goto fail;
        }
    t->hash = sg_hash_fnv1a64(buf, len, SG_HASH_FNV1A64_INIT);

    /* Text goes into workbooks (XML) and JSON: it must be UTF-8.  A file
     * without a single UTF-8 multi-byte sequence is a Windows-1252 export
     * and is converted; a mix is refused at its first bad byte. */
    sg_utf8_scan scan;
    sg_utf8_scan_text(buf, len, &scan);
    if (sg_utf8_is_cp1252(&scan)) {
        if (!(converted = sg_utf8_from_cp1252(buf, len, &len))) {
            sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
            goto fail;
        }
        buf = converted;
        t->from_cp1252 = true;
    } else if (scan.first_bad != SIZE_MAX) {
        size_t at = scan.n_multibyte ? scan.first_bad : scan.cp1252_undefined, col;
        int line;
        sg_utf8_position(buf, at, &line, &col);
        sg_error_set(err, SG_ERR_PARSE,
                     "%s:%d:%zu: byte 0x%02X is not UTF-8 text%s: save the file as CSV in UTF-8",
                     source, line, col, (unsigned char)buf[at],
                     scan.n_multibyte ? " and the rest of the file is UTF-8 (mixed encodings)"
                                      : " nor Windows-1252 text");
        goto fail;
    }

    size_t pos = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    t->delimiter = detect_delimiter(buf + pos, len - pos);
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
        goto fail;
    }
    parser_ready = true;
    csv_set_delim(&p, (unsigned char)t->delimiter);
    csv_set_space_func(&p, t->delimiter == '\t' ? space_only : space_or_tab);

    /* Feed one physical line at a time so every row knows its line number. */
    L.line = 0;
    while (pos < len && L.status == SG_OK) {
        size_t end = pos;
        while (end < len && buf[end] != '\n' && buf[end] != '\r')
            end++;
        if (end < len) {
            if (buf[end] == '\r' && end + 1 < len && buf[end + 1] == '\n')
                end++;
            end++;
        }
        L.line++;
        if (memchr(buf + pos, '\0', end - pos)) {
            /* C strings would silently cut the cell there ("1<NUL>.5" read as 1). */
            sg_error_set(err, SG_ERR_PARSE,
                         "%s:%d: NUL byte in the file (binary or UTF-16 text?); save it as CSV "
                         "in UTF-8",
                         source, L.line);
            goto fail;
        }
        if (L.row_pending && !chunk_blank(buf + pos, end - pos, t->delimiter)) {
            L.row_line = L.line;
            L.row_pending = false;
        }
        if (csv_parse(&p, buf + pos, end - pos, on_field, on_row, &L) != end - pos &&
            L.status == SG_OK) {
            sg_error_set(err, SG_ERR_PARSE, "%s:%d: malformed CSV (%s; check the quotes)", source,
                         L.line, csv_strerror(csv_error(&p)));
            goto fail;
        }
        pos = end;
    }
    if (L.status == SG_OK && csv_fini(&p, on_field, on_row, &L) != 0 && L.status == SG_OK) {
        sg_error_set(err, SG_ERR_PARSE, "%s:%d: malformed CSV (unterminated quoted field)",
                     source, L.row_line);
        goto fail;
    }
    if (L.status != SG_OK)
        goto fail;
    if (!L.have_header) {
        sg_error_set(err, SG_ERR_INVALID, "%s: the file is empty; expected a header row", source);
        goto fail;
    }
    if (t->n_rows == 0) {
        if (t->n_excluded)
            sg_error_set(err, SG_ERR_INVALID,
                         "%s: no usable data rows (%zu rows have no response values)", source,
                         t->n_excluded);
        else
            sg_error_set(err, SG_ERR_INVALID, "%s: no data rows below the header", source);
        goto fail;
    }
    csv_free(&p);
    clear_fields(&L);
    free(L.fields);
    free(L.col_index);
    freelocale(L.c_loc);
    free(converted);
    *out = t;
    return SG_OK;

fail:
    if (parser_ready)
        csv_free(&p);
    clear_fields(&L);
    free(L.fields);
    free(L.col_index);
    if (L.c_loc != (locale_t)0)
        freelocale(L.c_loc);
    free(converted);
    sg_table_destroy(t);
    return err ? err->status : SG_ERR_INVALID;
}

sg_status sg_table_load(const char *path, const char *const *columns, size_t n_cols,
                        size_t n_factors, sg_table **out, size_t *bad_column, sg_error *err)
{
    *out = NULL;
    if (bad_column)
        *bad_column = SIZE_MAX;
    char *buf = NULL;
    size_t len = 0;
    sg_status st = sg_file_read(path, SG_DATA_MAX_BYTES, &buf, &len, err);
    if (st == SG_OK)
        st = sg_table_load_buffer(buf, len, path, columns, n_cols, n_factors, out, bad_column,
                                  err);
    free(buf);
    return st;
}
