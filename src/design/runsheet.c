/* runsheet.c — CSV and XLSX run sheets, written atomically. */
#include "design/runsheet.h"

#include "core/atomic.h"
#include "core/num.h"
#include "core/zipread.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#define XLSX_MIN_WIDTH 8.0       /* column widths in Excel character units */
#define XLSX_MAX_WIDTH 40.0
#define XLSX_NOTES_WIDTH 40.0
#define XLSX_FILL_COLOR 0xFFF2CC /* light yellow: cells to fill in */
#define XLSX_HEAD_COLOR 0xD9E1F2 /* light blue header */
#define XLSX_FIRST_RUN_ROW 2     /* 0-based: title row, header row, then runs */
#define RUNSHEET_AUTHOR "surrogate " SG_VERSION
#define RUNSHEET_READ_MAX (256u * 1024 * 1024) /* largest run sheet inspected */

static const char *col_label(const sg_runsheet_column *c)
{
    return c->column ? c->column : "";
}

static sg_status check_name(const sg_runsheet_column *c, const char *kind, size_t i, sg_error *err)
{
    const char *s = c->column;
    if (!s || !*s)
        return sg_error_set(err, SG_ERR_INVALID, "%s %zu has no column name", kind, i + 1);
    if (strlen(s) >= SG_RUNSHEET_NAME_MAX)
        return sg_error_set(err, SG_ERR_INVALID, "%s %zu: column name longer than %d characters", kind, i + 1,
                            SG_RUNSHEET_NAME_MAX - 1);
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20)
            return sg_error_set(err, SG_ERR_INVALID, "%s column '%s' contains a control character", kind, s);
    if (strchr("=+-@", s[0]))
        return sg_error_set(err, SG_ERR_INVALID,
                            "%s column '%s' starts with '%c': a spreadsheet would read it as a "
                            "formula; rename the column",
                            kind, s, s[0]);
    if (strcmp(s, "run") == 0)
        return sg_error_set(err, SG_ERR_INVALID, "%s column may not be called 'run' (the run-number column)", kind);
    return SG_OK;
}

sg_status sg_runsheet_check(const sg_runsheet *rs, sg_error *err)
{
    if (!rs || rs->n_runs == 0 || rs->n_factors == 0 || !rs->x || !rs->factors ||
        (rs->n_responses && !rs->responses))
        return sg_error_set(err, SG_ERR_INVALID, "a run sheet needs at least one run and one factor");
    size_t total = rs->n_factors + rs->n_responses;
    for (size_t i = 0; i < total; i++) {
        int is_f = i < rs->n_factors;
        const sg_runsheet_column *c = is_f ? &rs->factors[i] : &rs->responses[i - rs->n_factors];
        sg_status st = check_name(c, is_f ? "factor" : "response", is_f ? i : i - rs->n_factors, err);
        if (st != SG_OK)
            return st;
        for (size_t j = 0; j < i; j++) {
            const sg_runsheet_column *d = j < rs->n_factors ? &rs->factors[j] : &rs->responses[j - rs->n_factors];
            if (strcmp(c->column, d->column) == 0)
                return sg_error_set(err, SG_ERR_INVALID, "column '%s' appears twice in the run sheet", c->column);
        }
    }
    for (size_t r = 0; r < rs->n_runs; r++)
        for (size_t j = 0; j < rs->n_factors; j++)
            if (!isfinite(rs->x[r * rs->n_factors + j]))
                return sg_error_set(err, SG_ERR_INVALID, "run %zu, factor '%s': value is not finite", r + 1,
                                    col_label(&rs->factors[j]));
    return SG_OK;
}

/* Create a temporary file beside path; *tmp receives its malloc'ed name. */
static sg_status make_temp(const char *path, char **tmp, sg_error *err)
{
    sg_status st = sg_atomic_begin(path, 0, tmp, err);
    if (st == SG_ERR_IO)
        sg_error_set(err, SG_ERR_IO, "%s: cannot create a file there: %s", path, strerror(errno));
    return st;
}

/* Make tmp the file at path (frees tmp). */
static sg_status commit_temp(char *tmp, const char *path, sg_error *err)
{
    sg_status st = sg_atomic_commit(tmp, path, 0, err);
    if (st == SG_ERR_IO)
        sg_error_set(err, SG_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    return st;
}

/* Write s as one CSV field, quoted when it holds a delimiter or quote. */
static void csv_field(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",;\t\"\r\n") && s[0] != ' ') {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

/* The header line: run, the factors' and the responses' data columns. */
static void csv_header(FILE *fp, const sg_runsheet *rs)
{
    fputs("run", fp);
    for (size_t j = 0; j < rs->n_factors; j++)
        fputc(',', fp), csv_field(fp, rs->factors[j].column);
    for (size_t j = 0; j < rs->n_responses; j++)
        fputc(',', fp), csv_field(fp, rs->responses[j].column);
    fputc('\n', fp);
}

const char *sg_runsheet_label(const sg_runsheet_column *c, double v)
{
    if (!c->labels || c->n_labels == 0 || !isfinite(v))
        return NULL;
    double k = floor(v + 0.5);
    return c->labels[k <= 0 ? 0 : k >= (double)(c->n_labels - 1) ? c->n_labels - 1 : (size_t)k];
}

sg_status sg_runsheet_write_csv(const sg_runsheet *rs, const char *path, sg_error *err)
{
    sg_status st = sg_runsheet_check(rs, err);
    if (st != SG_OK)
        return st;
    if (!path || !*path)
        return sg_error_set(err, SG_ERR_INVALID, "no output file name for the CSV run sheet");
    char *tmp = NULL;
    if ((st = make_temp(path, &tmp, err)) != SG_OK)
        return st;
    FILE *fp = fopen(tmp, "w");
    if (!fp) {
        int e = errno;
        sg_atomic_abort(tmp);
        return sg_error_set(err, SG_ERR_IO, "%s: cannot write: %s", path, strerror(e));
    }
    csv_header(fp, rs);
    for (size_t r = 0; r < rs->n_runs; r++) {
        fprintf(fp, "%zu", r + 1);
        for (size_t j = 0; j < rs->n_factors; j++) {
            double v = rs->x[r * rs->n_factors + j];
            const char *name = sg_runsheet_label(&rs->factors[j], v);
            if (name) {
                fputc(',', fp);
                csv_field(fp, name);
            } else {
                sg_num_fprintf(fp, ",%.*g", SG_RUNSHEET_SIG_DIGITS, v);
            }
        }
        for (size_t j = 0; j < rs->n_responses; j++)
            fputc(',', fp);
        fputc('\n', fp);
    }
    int bad = ferror(fp);
    bad |= fflush(fp) != 0;
    bad |= fclose(fp) != 0;
    if (bad) {
        sg_atomic_abort(tmp);
        return sg_error_set(err, SG_ERR_IO, "%s: write failed (disk full?)", path);
    }
    return commit_temp(tmp, path, err); /* fsyncs, then renames */
}

/* "thickness_um [um]" into buf. */
static const char *header(const sg_runsheet_column *c, char *buf, size_t size)
{
    if (c->unit && *c->unit)
        snprintf(buf, size, "%s [%s]", c->column, c->unit);
    else
        snprintf(buf, size, "%s", c->column);
    return buf;
}

static double width_for(const char *s)
{
    double w = (double)strlen(s) + 2;
    return w < XLSX_MIN_WIDTH ? XLSX_MIN_WIDTH : w > XLSX_MAX_WIDTH ? XLSX_MAX_WIDTH : w;
}

/* Fill worksheet ws; returns the first libxlsxwriter error. */
static lxw_error fill_sheet(lxw_workbook *wb, lxw_worksheet *ws, const sg_runsheet *rs)
{
    lxw_format *title = workbook_add_format(wb), *head = workbook_add_format(wb);
    lxw_format *fill = workbook_add_format(wb), *notes = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 13);
    format_set_bold(head);
    format_set_text_wrap(head);
    format_set_bg_color(head, XLSX_HEAD_COLOR);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_unlocked(fill);
    format_set_bg_color(fill, XLSX_FILL_COLOR);
    format_set_border(fill, LXW_BORDER_THIN);
    format_set_unlocked(notes);
    format_set_border(notes, LXW_BORDER_THIN);
    char buf[SG_RUNSHEET_NAME_MAX + 64];
    size_t k = rs->n_factors, nr = rs->n_responses;
    lxw_col_t last = (lxw_col_t)(k + nr + 1); /* run, factors, responses, notes */
    snprintf(buf, sizeof buf, "Run sheet%s%s: design %s, %zu runs. Fill in the yellow cells.",
             rs->title ? " - " : "", rs->title ? rs->title : "", rs->design_name ? rs->design_name : "?",
             rs->n_runs);
    lxw_error e = worksheet_merge_range(ws, 0, 0, 0, last, buf, title);
    if (e)
        return e;
    worksheet_write_string(ws, 1, 0, "run", head);
    worksheet_set_column(ws, 0, 0, XLSX_MIN_WIDTH, NULL);
    for (size_t j = 0; j < k + nr; j++) {
        const sg_runsheet_column *c = j < k ? &rs->factors[j] : &rs->responses[j - k];
        header(c, buf, sizeof buf);
        if ((e = worksheet_write_string(ws, 1, (lxw_col_t)(j + 1), buf, head)) != LXW_NO_ERROR)
            return e;
        worksheet_set_column(ws, (lxw_col_t)(j + 1), (lxw_col_t)(j + 1), width_for(buf), NULL);
    }
    worksheet_write_string(ws, 1, last, "notes", head);
    worksheet_set_column(ws, last, last, XLSX_NOTES_WIDTH, NULL);
    for (size_t r = 0; r < rs->n_runs; r++) {
        lxw_row_t row = (lxw_row_t)(r + 2);
        if ((e = worksheet_write_number(ws, row, 0, (double)(r + 1), NULL)) != LXW_NO_ERROR)
            return e;
        for (size_t j = 0; j < k; j++) {
            const char *name = sg_runsheet_label(&rs->factors[j], rs->x[r * k + j]);
            if (name)
                worksheet_write_string(ws, row, (lxw_col_t)(j + 1), name, NULL);
            else
                worksheet_write_number(ws, row, (lxw_col_t)(j + 1), rs->x[r * k + j], NULL);
        }
        for (size_t j = 0; j < nr; j++)
            worksheet_write_blank(ws, row, (lxw_col_t)(k + 1 + j), fill);
        worksheet_write_blank(ws, row, last, notes);
    }
    worksheet_freeze_panes(ws, 2, 1);
    lxw_protection prot = {.format_columns = 1, .format_rows = 1};
    worksheet_protect(ws, NULL, &prot);
    return LXW_NO_ERROR;
}

sg_status sg_runsheet_write_xlsx(const sg_runsheet *rs, const char *path, sg_error *err)
{
    sg_status st = sg_runsheet_check(rs, err);
    if (st != SG_OK)
        return st;
    if (!path || !*path)
        return sg_error_set(err, SG_ERR_INVALID, "no output file name for the XLSX run sheet");
    char *tmp = NULL;
    if ((st = make_temp(path, &tmp, err)) != SG_OK)
        return st;
    /* libxlsxwriter writes the file by name */
    lxw_workbook *wb = workbook_new(tmp);
    lxw_doc_properties props = {.title = "Run sheet", .author = RUNSHEET_AUTHOR};
    if (wb)
        workbook_set_properties(wb, &props);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "runs") : NULL;
    lxw_error e = ws ? fill_sheet(wb, ws, rs) : LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_error ec = wb ? workbook_close(wb) : LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (e == LXW_NO_ERROR)
        e = ec;
    if (e != LXW_NO_ERROR) {
        sg_atomic_abort(tmp);
        return sg_error_set(err, SG_ERR_IO, "%s: cannot write the workbook: %s", path, lxw_strerror(e));
    }
    return commit_temp(tmp, path, err);
}

/* ---- what an existing run sheet holds ------------------------------------ */

/* Line-by-line state of a CSV run sheet: the header must be the one this
 * design writes; any field after the factor columns filled means results. */
static sg_runsheet_state csv_state(const sg_runsheet *rs, FILE *fp, size_t *run)
{
    char *want = NULL, *line = NULL;
    size_t want_len = 0, cap = 0;
    FILE *mem = open_memstream(&want, &want_len);
    if (!mem)
        return SG_RUNSHEET_FOREIGN;
    csv_header(mem, rs);
    fclose(mem);
    sg_runsheet_state state = SG_RUNSHEET_FOREIGN;
    ssize_t n = getline(&line, &cap, fp);
    if (n > 0 && (size_t)n == want_len && memcmp(line, want, want_len) == 0) {
        state = SG_RUNSHEET_BLANK;
        for (size_t r = 1; state == SG_RUNSHEET_BLANK && (n = getline(&line, &cap, fp)) > 0; r++) {
            size_t field = 0;
            for (const char *p = line; *p && *p != '\n' && *p != '\r'; p++) {
                if (*p == ',')
                    field++;
                else if (field > rs->n_factors && *p != ' ') {
                    state = SG_RUNSHEET_FILLED;
                    if (run)
                        *run = r;
                    break;
                }
            }
        }
    }
    free(line);
    free(want);
    return state;
}

/* 0-based column and row of an A1 reference ("F12"); false if malformed. */
static bool parse_cell_ref(const char *p, size_t *col, size_t *row)
{
    size_t c = 0, r = 0;
    const char *q = p;
    for (; *q >= 'A' && *q <= 'Z'; q++)
        c = c * 26 + (size_t)(*q - 'A' + 1);
    if (q == p || q - p > 3 || !(*q >= '1' && *q <= '9'))
        return false;
    for (; *q >= '0' && *q <= '9' && r < 10000000; q++)
        r = r * 10 + (size_t)(*q - '0');
    *col = c - 1;
    *row = r - 1;
    return *q == '"';
}

/* Any cell right of the factor columns, in a run row, holding a value. */
static sg_runsheet_state xlsx_cells_state(const sg_runsheet *rs, const char *xml, size_t *run)
{
    for (const char *p = strstr(xml, "<c r=\""); p; p = strstr(p + 1, "<c r=\"")) {
        size_t col, row;
        if (!parse_cell_ref(p + 6, &col, &row))
            return SG_RUNSHEET_FOREIGN;
        if (row < XLSX_FIRST_RUN_ROW || col <= rs->n_factors)
            continue;
        const char *end = strchr(p, '>');
        if (!end)
            return SG_RUNSHEET_FOREIGN;
        if (end[-1] == '/')
            continue; /* <c r="F3" s="4"/>: a blank formatted cell */
        const char *close = strstr(end, "</c>");
        if (close && (size_t)(close - end) > 1) {
            if (run)
                *run = row - XLSX_FIRST_RUN_ROW + 1;
            return SG_RUNSHEET_FILLED;
        }
    }
    return SG_RUNSHEET_BLANK;
}

static sg_runsheet_state xlsx_state(const sg_runsheet *rs, const char *path, size_t *run)
{
    char *core = NULL, *sheet = NULL;
    size_t len = 0;
    sg_runsheet_state state = SG_RUNSHEET_FOREIGN;
    if (sg_zipread_member(path, "docProps/core.xml", 64 * 1024, &core, &len, NULL) == SG_OK &&
        strstr(core, "<dc:creator>surrogate ") &&
        sg_zipread_member(path, "xl/worksheets/sheet1.xml", RUNSHEET_READ_MAX, &sheet, &len,
                          NULL) == SG_OK)
        state = xlsx_cells_state(rs, sheet, run);
    free(core);
    free(sheet);
    return state;
}

sg_runsheet_state sg_runsheet_state_of(const sg_runsheet *rs, const char *path, bool csv,
                                       size_t *run)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? SG_RUNSHEET_ABSENT : SG_RUNSHEET_FOREIGN;
    if (!S_ISREG(st.st_mode) || st.st_size > (off_t)RUNSHEET_READ_MAX)
        return SG_RUNSHEET_FOREIGN;
    if (!csv)
        return xlsx_state(rs, path, run);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return SG_RUNSHEET_FOREIGN;
    sg_runsheet_state state = csv_state(rs, fp, run);
    fclose(fp);
    return state;
}
