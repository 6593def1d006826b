/* runsheet.c — CSV and XLSX run sheets, written atomically. */
#include "design/runsheet.h"

#include "core/atomic.h"

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
    fputs("run", fp);
    for (size_t j = 0; j < rs->n_factors; j++)
        fputc(',', fp), csv_field(fp, rs->factors[j].column);
    for (size_t j = 0; j < rs->n_responses; j++)
        fputc(',', fp), csv_field(fp, rs->responses[j].column);
    fputc('\n', fp);
    for (size_t r = 0; r < rs->n_runs; r++) {
        fprintf(fp, "%zu", r + 1);
        for (size_t j = 0; j < rs->n_factors; j++)
            fprintf(fp, ",%.*g", SG_RUNSHEET_SIG_DIGITS, rs->x[r * rs->n_factors + j]);
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
        for (size_t j = 0; j < k; j++)
            worksheet_write_number(ws, row, (lxw_col_t)(j + 1), rs->x[r * k + j], NULL);
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
