/* xlsx.c — one sheet of an .xlsx workbook as rows of cell texts (xlsx.h):
 * libzip opens the archive in memory, expat streams each XML member. */
#include "io/xlsx.h"

#include <expat.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/str.h"

#define XLSX_CHUNK 65536            /* bytes inflated and parsed at a time */
#define XLSX_MAX_SHEETS 4096

/* A growing byte buffer. */
typedef struct text {
    char *s;
    size_t n, cap;
} text;

static bool text_add(text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->n + n + 1)
            cap *= 2;
        char *p = realloc(t->s, cap);
        if (!p)
            return false;
        t->s = p;
        t->cap = cap;
    }
    memcpy(t->s + t->n, s, n);
    t->n += n;
    t->s[t->n] = '\0';
    return true;
}

/* Shared state of every member's parse. */
typedef struct xlsx {
    const char *source;
    const char *member;   /* member being parsed (messages) */
    zip_t *zip;
    XML_Parser parser;
    sg_error *err;
    sg_status status;     /* first error; stops the parse */
    /* workbook.xml and its relationships */
    char **sheet_names, **sheet_rids;
    size_t n_sheets;
    char *target;         /* relationship target of the chosen sheet's id */
    const char *want_rid;
    /* shared strings: text of string i at strings.s + offsets[i] */
    text strings;
    size_t *offsets;
    size_t n_strings, cap_strings;
    /* the element text being collected (<v>, <t>) */
    text chars;
    bool collecting;
    int in_si, in_rph, in_is;
    /* the sheet */
    sg_xlsx_row_fn fn;
    void *ctx;
    long row, last_row;   /* current and last passed row numbers */
    size_t col;           /* column of the current cell */
    bool cell_shared;     /* the current cell's value is a shared-string index */
    text row_text;        /* the current row's values, NUL-separated */
    size_t *row_at;       /* per column: offset in row_text, SIZE_MAX when empty */
    size_t row_cols;      /* columns 0..row_cols-1 have a slot */
    const char **cells;
} xlsx;

/* ---- errors and small helpers --------------------------------------------- */

static void stop(xlsx *X, sg_status st)
{
    if (X->status == SG_OK)
        X->status = st;
    XML_StopParser(X->parser, XML_FALSE);
}

static void corrupt(xlsx *X, const char *what)
{
    stop(X, sg_error_set(X->err, SG_ERR_PARSE, "%s: corrupt workbook: %s:%lu: %s", X->source,
                         X->member, (unsigned long)XML_GetCurrentLineNumber(X->parser), what));
}

static void nomem(xlsx *X)
{
    stop(X, sg_error_set(X->err, SG_ERR_NOMEM, "%s: out of memory", X->source));
}

/* Element or attribute name without its namespace prefix. */
static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

static void on_chars(void *data, const XML_Char *s, int len)
{
    xlsx *X = data;
    if (X->collecting && X->status == SG_OK && !text_add(&X->chars, s, (size_t)len))
        nomem(X);
}

static void begin_text(xlsx *X)
{
    X->chars.n = 0;
    if (X->chars.s)
        X->chars.s[0] = '\0';
    X->collecting = true;
}

size_t sg_xlsx_ref_column(const char *ref, long *row)
{
    size_t c = 0, i = 0;
    for (; ref[i] >= 'A' && ref[i] <= 'Z' && i < 4; i++)
        c = c * 26 + (size_t)(ref[i] - 'A' + 1);
    if (i == 0 || ref[i] < '0' || ref[i] > '9')
        return SIZE_MAX;
    long r = 0;
    for (; ref[i] >= '0' && ref[i] <= '9' && r <= SG_XLSX_MAX_ROWS; i++)
        r = r * 10 + (ref[i] - '0');
    if (ref[i] != '\0')
        return SIZE_MAX;
    *row = r;
    return c - 1;
}

/* ---- streaming a member through expat ------------------------------------ */

typedef struct handlers {
    XML_StartElementHandler start;
    XML_EndElementHandler end;
} handlers;

/* Parse member `name`; *found = false (no error) when the archive lacks it. */
static sg_status parse_member(xlsx *X, const char *name, handlers h, bool *found)
{
    *found = false;
    zip_int64_t idx = zip_name_locate(X->zip, name, ZIP_FL_NOCASE);
    if (idx < 0)
        return SG_OK;
    *found = true;
    X->member = name;
    zip_file_t *f = zip_fopen_index(X->zip, (zip_uint64_t)idx, 0);
    if (!f) {
        int ze = zip_error_code_zip(zip_get_error(X->zip));
        if (ze == ZIP_ER_NOPASSWD || ze == ZIP_ER_WRONGPASSWD || ze == ZIP_ER_ENCRNOTSUPP)
            return sg_error_set(X->err, SG_ERR_INVALID,
                                "%s: the workbook is encrypted; save it without a password",
                                X->source);
        return sg_error_set(X->err, SG_ERR_PARSE, "%s: corrupt workbook: cannot open %s (%s)",
                            X->source, name, zip_strerror(X->zip));
    }
    X->parser = XML_ParserCreate(NULL);
    if (!X->parser) {
        zip_fclose(f);
        return sg_error_set(X->err, SG_ERR_NOMEM, "%s: out of memory", X->source);
    }
    XML_SetUserData(X->parser, X);
    XML_SetElementHandler(X->parser, h.start, h.end);
    XML_SetCharacterDataHandler(X->parser, on_chars);
    char *chunk = malloc(XLSX_CHUNK);
    size_t total = 0;
    X->status = chunk ? SG_OK : sg_error_set(X->err, SG_ERR_NOMEM, "%s: out of memory", X->source);
    for (bool done = false; X->status == SG_OK && !done;) {
        zip_int64_t got = zip_fread(f, chunk, XLSX_CHUNK);
        if (got < 0) {
            X->status = sg_error_set(X->err, SG_ERR_PARSE, "%s: corrupt workbook: %s: %s",
                                     X->source, name, zip_file_strerror(f));
            break;
        }
        total += (size_t)got;
        done = got == 0;
        if (total > SG_XLSX_MAX_XML_BYTES) {
            X->status = sg_error_set(X->err, SG_ERR_LIMIT,
                                     "%s: %s expands to more than %zu bytes", X->source, name,
                                     SG_XLSX_MAX_XML_BYTES);
            break;
        }
        if (XML_Parse(X->parser, chunk, (int)got, done) == XML_STATUS_ERROR && X->status == SG_OK)
            X->status = sg_error_set(X->err, SG_ERR_PARSE,
                                     "%s: corrupt workbook: %s:%lu:%lu: %s", X->source, name,
                                     (unsigned long)XML_GetCurrentLineNumber(X->parser),
                                     (unsigned long)XML_GetCurrentColumnNumber(X->parser) + 1,
                                     XML_ErrorString(XML_GetErrorCode(X->parser)));
    }
    free(chunk);
    XML_ParserFree(X->parser);
    X->parser = NULL;
    zip_fclose(f);
    return X->status;
}

/* ---- workbook.xml: the sheets; its .rels: where they are ------------------ */

static void wb_start(void *data, const XML_Char *name, const XML_Char **atts)
{
    xlsx *X = data;
    if (X->status != SG_OK || strcmp(local(name), "sheet") != 0)
        return;
    const char *nm = attr(atts, "name"), *rid = attr(atts, "id");
    if (!nm)
        {
        corrupt(X, "a sheet without a name");
        return;
    }
    if (X->n_sheets == XLSX_MAX_SHEETS)
        {
        corrupt(X, "too many sheets");
        return;
    }
    char **n = realloc(X->sheet_names, (X->n_sheets + 1) * sizeof *n);
    if (n)
        X->sheet_names = n;
    char **r = realloc(X->sheet_rids, (X->n_sheets + 1) * sizeof *r);
    if (r)
        X->sheet_rids = r;
    if (!n || !r)
        {
        nomem(X);
        return;
    }
    X->sheet_names[X->n_sheets] = sg_str_dup(nm);
    X->sheet_rids[X->n_sheets] = rid ? sg_str_dup(rid) : NULL;
    X->n_sheets++;
    if (!X->sheet_names[X->n_sheets - 1] || (rid && !X->sheet_rids[X->n_sheets - 1]))
        nomem(X);
}

static void no_end(void *data, const XML_Char *name)
{
    (void)data;
    (void)name;
}

static void rels_start(void *data, const XML_Char *name, const XML_Char **atts)
{
    xlsx *X = data;
    if (X->status != SG_OK || X->target || strcmp(local(name), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
    if (!id || !target || !X->want_rid || strcmp(id, X->want_rid) != 0)
        return;
    /* Targets are relative to xl/ or absolute within the package. */
    size_t n = strlen(target) + 4;
    if (!(X->target = malloc(n)))
        {
        nomem(X);
        return;
    }
    if (target[0] == '/')
        memcpy(X->target, target + 1, strlen(target));
    else
        snprintf(X->target, n, "xl/%s", target);
}

/* The index of the sheet to read, or an error listing the sheets. */
static sg_status choose_sheet(xlsx *X, const char *want, size_t *which)
{
    if (X->n_sheets == 0)
        return sg_error_set(X->err, SG_ERR_PARSE, "%s: corrupt workbook: it has no sheet",
                            X->source);
    *which = 0;
    if (!want)
        return SG_OK;
    for (size_t i = 0; i < X->n_sheets; i++)
        if (strcmp(X->sheet_names[i], want) == 0) {
            *which = i;
            return SG_OK;
        }
    char list[600];
    size_t k = 0;
    list[0] = '\0';
    for (size_t i = 0; i < X->n_sheets && k + 1 < sizeof list; i++) {
        int n = snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "", X->sheet_names[i]);
        if (n < 0)
            break;
        k += (size_t)n;
    }
    return sg_error_set(X->err, SG_ERR_INVALID, "%s: no sheet '%s'; sheets are: %s", X->source,
                        want, list);
}

/* ---- sharedStrings.xml ------------------------------------------------------- */

static void sst_start(void *data, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    xlsx *X = data;
    const char *n = local(name);
    if (strcmp(n, "si") == 0) {
        X->in_si = 1;
        begin_text(X);
        X->collecting = false;
    } else if (strcmp(n, "rPh") == 0) {
        X->in_rph++;
    } else if (strcmp(n, "t") == 0 && X->in_si && !X->in_rph) {
        X->collecting = true; /* runs of rich text add up */
    }
}

static void sst_end(void *data, const XML_Char *name)
{
    xlsx *X = data;
    const char *n = local(name);
    if (strcmp(n, "t") == 0) {
        X->collecting = false;
    } else if (strcmp(n, "rPh") == 0 && X->in_rph) {
        X->in_rph--;
    } else if (strcmp(n, "si") == 0 && X->in_si && X->status == SG_OK) {
        X->in_si = 0;
        if (X->strings.n + X->chars.n > SG_XLSX_MAX_STRING_BYTES)
            {
        stop(X, sg_error_set(X->err, SG_ERR_LIMIT,
                                        "%s: the shared strings hold more than %zu bytes",
                                        X->source, SG_XLSX_MAX_STRING_BYTES));
        return;
    }
        if (X->n_strings == X->cap_strings) {
            size_t cap = X->cap_strings ? 2 * X->cap_strings : 256;
            size_t *p = realloc(X->offsets, cap * sizeof *p);
            if (!p)
                {
        nomem(X);
        return;
    }
            X->offsets = p;
            X->cap_strings = cap;
        }
        X->offsets[X->n_strings++] = X->strings.n;
        if (!text_add(&X->strings, X->chars.s ? X->chars.s : "", X->chars.n + 1))
            nomem(X);
    }
}

/* ---- the sheet ------------------------------------------------------------------ */

static void clear_row(xlsx *X)
{
    for (size_t i = 0; i < X->row_cols; i++)
        X->row_at[i] = SIZE_MAX;
    X->row_text.n = 0;
}

/* Room for column c in the row slots. */
static bool row_slot(xlsx *X, size_t c)
{
    if (c < X->row_cols)
        return true;
    size_t cap = X->row_cols ? X->row_cols : 32;
    while (cap <= c)
        cap *= 2;
    size_t *at = realloc(X->row_at, cap * sizeof *at);
    if (at)
        X->row_at = at;
    const char **cells = realloc(X->cells, cap * sizeof *cells);
    if (cells)
        X->cells = cells;
    if (!at || !cells)
        return false;
    for (size_t i = X->row_cols; i < cap; i++)
        X->row_at[i] = SIZE_MAX;
    X->row_cols = cap;
    return true;
}

static void pass_row(xlsx *X)
{
    size_t n = 0;
    for (size_t i = 0; i < X->row_cols; i++)
        if (X->row_at[i] != SIZE_MAX)
            n = i + 1;
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        X->cells[i] = X->row_at[i] == SIZE_MAX ? "" : X->row_text.s + X->row_at[i];
    sg_status st = X->fn(X->ctx, X->cells, n, (int)X->row);
    if (st != SG_OK)
        stop(X, st);
    X->last_row = X->row;
}

static void row_start(xlsx *X, const char **atts)
{
    const char *r = attr(atts, "r");
    long n = X->last_row + 1;
    if (r) {
        char *end;
        n = strtol(r, &end, 10);
        if (*end || end == r)
            {
        corrupt(X, "a row number is not a number");
        return;
    }
    }
    if (n <= X->last_row || n > SG_XLSX_MAX_ROWS)
        {
        corrupt(X, "rows out of order or beyond the last row");
        return;
    }
    X->row = n;
    X->col = 0;
    clear_row(X);
}

static void cell_start(xlsx *X, const char **atts)
{
    const char *r = attr(atts, "r"), *t = attr(atts, "t");
    if (r) {
        long row = 0;
        size_t c = sg_xlsx_ref_column(r, &row);
        if (c == SIZE_MAX || row != X->row)
            {
        corrupt(X, "a cell reference outside its row");
        return;
    }
        X->col = c;
    }
    /* "n", "s", "str", "inlineStr", "b", "e", "d": only "s" changes the value */
    X->cell_shared = t && t[0] == 's' && t[1] == '\0';
}

/* The text of a finished <v> or inline <t> becomes the value of the
 * current cell, appended to the row's text. */
static void cell_value(xlsx *X, bool inline_text)
{
    const char *v = X->chars.s ? X->chars.s : "";
    size_t n = X->chars.n;
    if (!inline_text && X->cell_shared) {
        char *end;
        unsigned long i = strtoul(v, &end, 10);
        if (end == v || *end || i >= X->n_strings) {
            corrupt(X, "a shared string index out of range");
            return;
        }
        v = X->strings.s + X->offsets[i];
        n = strlen(v);
    }
    size_t c = X->col;
    if (c >= SG_XLSX_MAX_COLUMNS) {
        stop(X, sg_error_set(X->err, SG_ERR_LIMIT, "%s: row %ld has a value beyond column %d",
                             X->source, X->row, SG_XLSX_MAX_COLUMNS));
        return;
    }
    if (!row_slot(X, c)) {
        nomem(X);
        return;
    }
    X->row_at[c] = X->row_text.n;
    if (!text_add(&X->row_text, v, n) || !text_add(&X->row_text, "", 1))
        nomem(X);
}

static void sheet_start(void *data, const XML_Char *name, const XML_Char **atts)
{
    xlsx *X = data;
    if (X->status != SG_OK)
        return;
    const char *n = local(name);
    if (strcmp(n, "row") == 0)
        row_start(X, atts);
    else if (strcmp(n, "c") == 0)
        cell_start(X, atts);
    else if (strcmp(n, "v") == 0)
        begin_text(X);
    else if (strcmp(n, "is") == 0)
        X->in_is = 1, begin_text(X), X->collecting = false;
    else if (strcmp(n, "rPh") == 0)
        X->in_rph++;
    else if (strcmp(n, "t") == 0 && X->in_is && !X->in_rph)
        X->collecting = true;
}

static void sheet_end(void *data, const XML_Char *name)
{
    xlsx *X = data;
    if (X->status != SG_OK)
        return;
    const char *n = local(name);
    if (strcmp(n, "v") == 0) {
        X->collecting = false;
        cell_value(X, false);
    } else if (strcmp(n, "t") == 0 && X->in_is) {
        X->collecting = false;
    } else if (strcmp(n, "rPh") == 0 && X->in_rph) {
        X->in_rph--;
    } else if (strcmp(n, "is") == 0 && X->in_is) {
        X->in_is = 0;
        cell_value(X, true);
    } else if (strcmp(n, "c") == 0) {
        X->col++;
    } else if (strcmp(n, "row") == 0) {
        pass_row(X);
    }
}

/* ---- the whole ------------------------------------------------------------------ */

static void xlsx_free(xlsx *X)
{
    for (size_t i = 0; i < X->n_sheets; i++) {
        free(X->sheet_names[i]);
        free(X->sheet_rids[i]);
    }
    free(X->sheet_names);
    free(X->sheet_rids);
    free(X->target);
    free(X->strings.s);
    free(X->offsets);
    free(X->chars.s);
    free(X->row_text.s);
    free(X->row_at);
    free(X->cells);
    if (X->zip)
        zip_discard(X->zip);
}

static sg_status open_zip(xlsx *X, const char *buf, size_t len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
    if (src && !(X->zip = zip_open_from_source(src, ZIP_RDONLY, &ze)))
        zip_source_free(src);
    sg_status st = SG_OK;
    if (!X->zip)
        st = sg_error_set(X->err, SG_ERR_PARSE, "%s: corrupt workbook: %s", X->source,
                          zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return st;
}

/* The sheet's member: its relationship's target, else sheetN.xml. */
static sg_status locate_sheet(xlsx *X, size_t which)
{
    bool found;
    X->want_rid = X->sheet_rids[which];
    sg_status st = parse_member(X, "xl/_rels/workbook.xml.rels",
                                (handlers){rels_start, no_end}, &found);
    if (st != SG_OK || X->target)
        return st;
    char name[64];
    snprintf(name, sizeof name, "xl/worksheets/sheet%zu.xml", which + 1);
    return (X->target = sg_str_dup(name)) ? SG_OK
                                           : sg_error_set(X->err, SG_ERR_NOMEM,
                                                          "%s: out of memory", X->source);
}

sg_status sg_xlsx_rows(const char *buf, size_t len, const char *source, const char *sheet,
                       sg_xlsx_row_fn fn, void *ctx, char **sheet_name, sg_error *err)
{
    xlsx X = {.source = source, .err = err, .fn = fn, .ctx = ctx};
    if (sheet_name)
        *sheet_name = NULL;
    bool found;
    size_t which = 0;
    sg_status st = open_zip(&X, buf, len);
    if (st == SG_OK)
        st = parse_member(&X, "xl/workbook.xml", (handlers){wb_start, no_end}, &found);
    if (st == SG_OK && !found)
        st = sg_error_set(err, SG_ERR_PARSE,
                          "%s: corrupt workbook: a zip archive without xl/workbook.xml (not "
                          "an .xlsx file)",
                          source);
    if (st == SG_OK)
        st = choose_sheet(&X, sheet, &which);
    if (st == SG_OK && sheet_name && !(*sheet_name = sg_str_dup(X.sheet_names[which])))
        st = sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
    if (st == SG_OK)
        st = locate_sheet(&X, which);
    if (st == SG_OK)
        st = parse_member(&X, "xl/sharedStrings.xml", (handlers){sst_start, sst_end}, &found);
    if (st == SG_OK)
        st = parse_member(&X, X.target, (handlers){sheet_start, sheet_end}, &found);
    if (st == SG_OK && !found)
        st = sg_error_set(err, SG_ERR_PARSE, "%s: corrupt workbook: no member %s for sheet '%s'",
                          source, X.target, X.sheet_names[which]);
    xlsx_free(&X);
    return st;
}
