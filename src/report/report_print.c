/* report_print.c — page set-up of every sheet: landscape, one page wide,
 * a print area, repeated header rows, header and footer.
 *
 * Sheet writers record what a print area must cover beyond their cells
 * (charts, via sg_rinsert_chart) or what it must leave out (bulk data such
 * as network weights, via sg_rprint_limit); sg_report_print_setup() applies
 * the set-up to all sheets once they are written. */
#include "report/report_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Rows and columns an inserted chart covers at most (its size is
 * 1.25 x 480 x 288 px; rows are 20 px, columns at least 64 px). */
#define SG_RPRINT_CHART_ROWS 19
#define SG_RPRINT_CHART_COLS 10
/* Longest header/footer text Excel accepts. */
#define SG_RPRINT_HF_MAX 255

/* The extent record of ws, created on first use; NULL when the table is full. */
static sg_rextent *extent_of(sg_rctx *ctx, lxw_worksheet *ws)
{
    for (size_t i = 0; i < ctx->n_extents; i++)
        if (ctx->extents[i].ws == ws)
            return &ctx->extents[i];
    if (ctx->n_extents == SG_RSHEETS_MAX)
        return NULL;
    sg_rextent *e = &ctx->extents[ctx->n_extents++];
    memset(e, 0, sizeof *e);
    e->ws = ws;
    return e;
}

void sg_rprint_chart(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c)
{
    sg_rextent *e = extent_of(ctx, ws);
    if (!e)
        return;
    lxw_row_t r1 = r + SG_RPRINT_CHART_ROWS;
    lxw_col_t c1 = (lxw_col_t)(c + SG_RPRINT_CHART_COLS);
    if (r1 > e->chart_row)
        e->chart_row = r1;
    if (c1 > e->chart_col)
        e->chart_col = c1;
}

void sg_rprint_limit(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t last_row, lxw_col_t last_col)
{
    sg_rextent *e = extent_of(ctx, ws);
    if (!e)
        return;
    e->limited = true;
    e->last_row = last_row;
    e->last_col = last_col;
}

void sg_rprint_titles(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t first, lxw_row_t last)
{
    sg_rextent *e = extent_of(ctx, ws);
    if (!e)
        return;
    e->has_titles = true;
    e->title_first = first;
    e->title_last = last;
}

/* Copy s into buf doubling '&' (Excel's header/footer escape). */
static void hf_escape(char *buf, size_t size, const char *s)
{
    size_t o = 0;
    for (; s && *s && o + 3 < size; s++) {
        buf[o++] = *s;
        if (*s == '&')
            buf[o++] = '&';
    }
    buf[o] = '\0';
}

/* The study's date as the Summary shows it, else "YYYY-MM-DD" of the
 * workbook's creation time (both fixed by the caller, so the same study
 * gives the same workbook). */
static void created_date(const sg_report_input *in, char *buf, size_t size)
{
    if (in->date && in->date[0]) {
        hf_escape(buf, size, in->date);
        return;
    }
    time_t t = (time_t)in->created;
    struct tm tm;
    if (in->created > 0 && gmtime_r(&t, &tm))
        strftime(buf, size, "%Y-%m-%d", &tm);
    else
        snprintf(buf, size, "%s", "");
}

static void setup_one(sg_rctx *ctx, lxw_worksheet *ws, bool one_page, const char *header,
                      const char *footer)
{
    sg_rextent *e = extent_of(ctx, ws);
    lxw_row_t last_row = ws->dim_rowmax;
    lxw_col_t last_col = ws->dim_colmax;
    if (e && e->limited) {
        last_row = e->last_row;
        last_col = e->last_col;
    } else if (e) {
        if (e->chart_row > last_row)
            last_row = e->chart_row;
        if (e->chart_col > last_col)
            last_col = e->chart_col;
    }
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    worksheet_fit_to_pages(ws, 1, one_page ? 1 : 0);
    RC(ctx, worksheet_print_area(ws, 0, 0, last_row, last_col));
    if (e && e->has_titles)
        RC(ctx, worksheet_repeat_rows(ws, e->title_first, e->title_last));
    else
        RC(ctx, worksheet_repeat_rows(ws, 0, 0));
    RC(ctx, worksheet_set_header(ws, header));
    RC(ctx, worksheet_set_footer(ws, footer));
}

void sg_report_print_setup(sg_rctx *ctx)
{
    char study[128], date[32], header[SG_RPRINT_HF_MAX + 1];
    hf_escape(study, sizeof study, ctx->in->title ? ctx->in->title : "surrogate report");
    created_date(ctx->in, date, sizeof date);
    snprintf(header, sizeof header, "&L%s&C&A&R%s", study, date);
    const char *footer = "&CPage &P of &N";
    lxw_sheet *sheet;
    bool first = true;
    STAILQ_FOREACH(sheet, ctx->wb->sheets, list_pointers) {
        if (sheet->is_chartsheet)
            continue;
        /* the first sheet is the Summary: one page */
        setup_one(ctx, sheet->u.worksheet, first, header, footer);
        first = false;
    }
}
