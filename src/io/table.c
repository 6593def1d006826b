/* table.c — the table reader: content detection, the CSV rows (libcsv
 * tokenises), numbers; table_build.c checks and converts the rows. */
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
#include "io/table_internal.h"
#include "io/xls.h"
#include "io/xlsx.h"

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

sg_status sg_table_parse_number_l(const char *field, locale_t c_loc, bool decimal_comma,
                                  double *out, sg_error *err)
{
    size_t n;
    const char *s = trim(field, &n);
    if (n == 0)
        return sg_error_set(err, SG_ERR_INVALID, "empty value");
    int show = n > FIELD_SHOW_MAX ? FIELD_SHOW_MAX : (int)n;
    if (is_nonfinite_word(s, n))
        return sg_error_set(err, SG_ERR_INVALID, "'%.*s' is not a finite number", show, s);
    size_t commas = 0, points = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ',') {
            commas++;
        } else if (!isdigit(c) && c != '+' && c != '-' && c != '.' && c != 'e' && c != 'E') {
            return sg_error_set(err, SG_ERR_INVALID, "'%.*s' is not a number", show, s);
        }
        points += c == '.';
    }
    /* a decimal comma only where a comma cannot separate fields, and never
     * beside a point (1.234,5: a thousands separator, which we do not guess) */
    if (commas && !(decimal_comma && commas == 1 && points == 0))
        return sg_error_set(err, SG_ERR_INVALID,
                            decimal_comma ? "'%.*s' is not a number (one decimal separator, "
                                            "no thousands separator)"
                                          : "'%.*s' is not a number (use '.' as the decimal "
                                            "separator)",
                            show, s);
    char buf[128];
    if (n >= sizeof buf)
        return sg_error_set(err, SG_ERR_INVALID, "'%.*s...' is too long for a number", show, s);
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *comma = strchr(buf, ',');
    if (comma)
        *comma = '.';
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
    sg_status st = sg_table_parse_number_l(field, c_loc, false, out, err);
    freelocale(c_loc);
    return st;
}

/* ---- CSV rows into the builder --------------------------------------------- */

typedef struct loader {
    const char *source;
    sg_table *t;
    sg_table_builder *b;
    sg_error *err;
    sg_status status;          /* first error; stops processing */
    /* current row */
    char **fields;
    size_t n_fields, cap_fields;
    size_t n_dropped;          /* fields of the current row beyond the header's count
                                  (counted for the message, not stored) */
    int line;                  /* line of the chunk being fed */
    int row_line;              /* line where the current row started */
    bool row_pending;          /* next non-blank chunk starts a row */
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
    size_t width = L->t->n_file_columns; /* 0 until the header is found */
    if (width && L->n_fields == width) {
        L->n_dropped++; /* a ragged row: memory stays bounded by the header */
        return;
    }
    if (L->n_fields == SG_DATA_MAX_COLUMNS) {
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

static void on_row(int c, void *data)
{
    (void)c;
    loader *L = data;
    if (L->status == SG_OK)
        L->status = sg_table_builder_row(L->b, (const char *const *)L->fields, L->n_fields,
                                         L->n_fields + L->n_dropped, L->row_line);
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
    free(t->sheet);
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
        free(t->excluded[i].run_id), free(t->excluded[i].text), free(t->excluded[i].x);
    free(t->excluded);
    free(t);
}

/* Text goes into workbooks (XML) and JSON: it must be UTF-8.  A file
 * without a single UTF-8 multi-byte sequence is a Windows-1252 export and
 * is converted (*converted, caller frees); a mix is refused at its first
 * bad byte. */
static sg_status csv_text(sg_table *t, const char **buf, size_t *len, char **converted,
                          sg_error *err)
{
    sg_utf8_scan scan;
    sg_utf8_scan_text(*buf, *len, &scan);
    if (sg_utf8_is_cp1252(&scan)) {
        if (!(*converted = sg_utf8_from_cp1252(*buf, *len, len)))
            return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", t->path);
        *buf = *converted;
        t->from_cp1252 = true;
    } else if (scan.first_bad != SIZE_MAX) {
        size_t at = scan.n_multibyte ? scan.first_bad : scan.cp1252_undefined, col;
        int line;
        sg_utf8_position(*buf, at, &line, &col);
        return sg_error_set(err, SG_ERR_PARSE,
                            "%s:%d:%zu: byte 0x%02X is not UTF-8 text%s: save the file as CSV "
                            "in UTF-8",
                            t->path, line, col, (unsigned char)(*buf)[at],
                            scan.n_multibyte ? " and the rest of the file is UTF-8 (mixed encodings)"
                                             : " nor Windows-1252 text");
    }
    return SG_OK;
}

/* Feed the CSV text's rows to the builder, one physical line at a time so
 * every row knows its line number. */
static sg_status csv_rows(loader *L, struct csv_parser *p, const char *buf, size_t len)
{
    sg_table *t = L->t;
    size_t pos = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    t->delimiter = detect_delimiter(buf + pos, len - pos);
    csv_set_delim(p, (unsigned char)t->delimiter);
    csv_set_space_func(p, t->delimiter == '\t' ? space_only : space_or_tab);
    L->line = 0;
    while (pos < len && L->status == SG_OK) {
        size_t end = pos;
        while (end < len && buf[end] != '\n' && buf[end] != '\r')
            end++;
        if (end < len) {
            if (buf[end] == '\r' && end + 1 < len && buf[end + 1] == '\n')
                end++;
            end++;
        }
        L->line++;
        if (memchr(buf + pos, '\0', end - pos))
            /* C strings would silently cut the cell there ("1<NUL>.5" read as 1). */
            return sg_error_set(L->err, SG_ERR_PARSE,
                                "%s:%d: NUL byte in the file (binary or UTF-16 text?); save it "
                                "as CSV in UTF-8",
                                L->source, L->line);
        if (L->row_pending && !chunk_blank(buf + pos, end - pos, t->delimiter)) {
            L->row_line = L->line;
            L->row_pending = false;
        }
        if (csv_parse(p, buf + pos, end - pos, on_field, on_row, L) != end - pos &&
            L->status == SG_OK)
            return sg_error_set(L->err, SG_ERR_PARSE, "%s:%d: malformed CSV (%s; check the quotes)",
                                L->source, L->line, csv_strerror(csv_error(p)));
        pos = end;
    }
    if (L->status == SG_OK && csv_fini(p, on_field, on_row, L) != 0 && L->status == SG_OK)
        return sg_error_set(L->err, SG_ERR_PARSE,
                            "%s:%d: malformed CSV (unterminated quoted field)", L->source,
                            L->row_line);
    return L->status;
}

static sg_status read_csv(sg_table *t, sg_table_builder *b, const char *buf, size_t len,
                          sg_error *err)
{
    loader L = {0};
    char *converted = NULL;
    struct csv_parser p;
    L.source = t->path;
    L.t = t;
    L.b = b;
    L.err = err;
    L.row_pending = true;
    sg_status st = csv_text(t, &buf, &len, &converted, err);
    if (st == SG_OK && csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        st = sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", t->path);
    else if (st == SG_OK) {
        st = csv_rows(&L, &p, buf, len);
        csv_free(&p);
    }
    clear_fields(&L);
    free(L.fields);
    free(converted);
    return st;
}

/* Row callback of the workbook readers. */
static sg_status sheet_row(void *ctx, const char *const *cells, size_t n, int row)
{
    return sg_table_builder_row(ctx, cells, n, n, row);
}

static sg_table_format format_of(const char *buf, size_t len)
{
    if (len >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0)
        return SG_TABLE_XLSX;
    if (len >= 8 && memcmp(buf, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return SG_TABLE_XLS;
    return SG_TABLE_CSV;
}

/* A new table for the request: path, requested names, format. */
static sg_status new_table(const char *source, const sg_table_request *req, sg_table **out,
                           sg_error *err)
{
    sg_table *t = calloc(1, sizeof *t);
    *out = t;
    if (!t || !(t->path = sg_str_dup(source)) ||
        !(t->col_names = calloc(req->n_cols ? req->n_cols : 1, sizeof *t->col_names)))
        return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
    t->n_cols = req->n_cols;
    t->n_factors = req->n_factors;
    for (size_t i = 0; i < req->n_cols; i++)
        if (!(t->col_names[i] = sg_str_dup(req->columns[i])))
            return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
    return SG_OK;
}

static sg_status check_request(const char *source, const sg_table_request *req,
                               size_t *bad_column, sg_error *err)
{
    if (req->n_factors > req->n_cols || (req->n_cols && !req->columns))
        return sg_error_set(err, SG_ERR_INTERNAL, "%s: bad column request", source);
    for (size_t i = 0; i < req->n_cols; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(req->columns[i], req->columns[j]) == 0) {
                if (bad_column)
                    *bad_column = i;
                return sg_error_set(err, SG_ERR_INVALID, "%s: column '%s' requested twice",
                                    source, req->columns[i]);
            }
    return SG_OK;
}

/* The table from buf (path non-NULL: the file it was read from, needed
 * for .xls). */
static sg_status read_any(const char *buf, size_t len, const char *source, const char *path,
                          const sg_table_request *req, sg_table **out, size_t *bad_column,
                          sg_error *err)
{
    *out = NULL;
    if (bad_column)
        *bad_column = SIZE_MAX;
    sg_status st = check_request(source, req, bad_column, err);
    if (st != SG_OK)
        return st;
    sg_table *t = NULL;
    sg_table_builder *b = NULL;
    if ((st = new_table(source, req, &t, err)) != SG_OK)
        goto done;
    t->hash = sg_hash_fnv1a64(buf, len, SG_HASH_FNV1A64_INIT);
    t->format = format_of(buf, len);
    if (!(b = sg_table_builder_new(t, req, t->format == SG_TABLE_CSV, bad_column, err))) {
        st = sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
        goto done;
    }
    if (t->format == SG_TABLE_XLSX)
        st = sg_xlsx_rows(buf, len, source, req->sheet, sheet_row, b, &t->sheet, err);
    else if (t->format == SG_TABLE_XLS && path)
        st = sg_xls_rows(path, buf, len, source, req->sheet, sheet_row, b, &t->sheet, err);
    else if (t->format == SG_TABLE_XLS)
        st = sg_error_set(err, SG_ERR_INVALID, "%s: an .xls workbook is read from a file only",
                          source);
    else
        st = read_csv(t, b, buf, len, err);
    if (st == SG_OK)
        st = sg_table_builder_finish(b);
done:
    sg_table_builder_destroy(b);
    if (st != SG_OK) {
        sg_table_destroy(t);
        return st;
    }
    *out = t;
    return SG_OK;
}

sg_status sg_table_read_buffer(const char *buf, size_t len, const char *source,
                               const sg_table_request *req, sg_table **out, size_t *bad_column,
                               sg_error *err)
{
    return read_any(buf, len, source, NULL, req, out, bad_column, err);
}

sg_status sg_table_read(const char *path, const sg_table_request *req, sg_table **out,
                        size_t *bad_column, sg_error *err)
{
    *out = NULL;
    if (bad_column)
        *bad_column = SIZE_MAX;
    char *buf = NULL;
    size_t len = 0;
    sg_status st = sg_file_read(path, SG_DATA_MAX_BYTES, &buf, &len, err);
    if (st == SG_OK)
        st = read_any(buf, len, path, path, req, out, bad_column, err);
    free(buf);
    return st;
}

sg_status sg_table_load_buffer(const char *buf, size_t len, const char *source,
                               const char *const *columns, size_t n_cols, size_t n_factors,
                               sg_table **out, size_t *bad_column, sg_error *err)
{
    sg_table_request req = {.columns = columns, .n_cols = n_cols, .n_factors = n_factors};
    return sg_table_read_buffer(buf, len, source, &req, out, bad_column, err);
}

sg_status sg_table_load(const char *path, const char *const *columns, size_t n_cols,
                        size_t n_factors, sg_table **out, size_t *bad_column, sg_error *err)
{
    sg_table_request req = {.columns = columns, .n_cols = n_cols, .n_factors = n_factors};
    return sg_table_read(path, &req, out, bad_column, err);
}

void sg_table_run_label(const sg_table *t, size_t row, char *buf, size_t cap)
{
    if (t->run_id && t->run_id[row] && t->run_id[row][0])
        snprintf(buf, cap, "run %s", t->run_id[row]);
    else
        snprintf(buf, cap, "run %zu (line %d)", t->row[row], t->line[row]);
}
