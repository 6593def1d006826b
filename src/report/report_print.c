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

void sg_rprint_chart(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                     double height_px)
{
    sg_rextent *e = extent_of(ctx, ws);
    if (!e)
        return;
    if (e->n_charts < SG_RPRINT_MAX_CHARTS) {
        e->chart_top[e->n_charts] = r;
        e->chart_px[e->n_charts] = height_px;
        e->n_charts++;
    }
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

void sg_rprint_fold_columns(sg_rctx *ctx, lxw_worksheet *ws, lxw_col_t first, lxw_col_t last,
                            double width0, double width)
{
    lxw_row_col_options fold = {.hidden = 1, .level = 1, .collapsed = 0};
    lxw_row_col_options button = {.hidden = 0, .level = 0, .collapsed = 1};
    RC(ctx, worksheet_set_column_opt(ws, first, first, width0, NULL, &fold));
    if (last > first)
        RC(ctx, worksheet_set_column_opt(ws, first + 1, last, width, NULL, &fold));
    RC(ctx, worksheet_set_column_opt(ws, last + 1, last + 1, LXW_DEF_COL_WIDTH, NULL, &button));
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

/* ---- keeping charts whole: our own page breaks ---------------------------------
 *
 * With "fit to one page wide" the spreadsheet scales the sheet by (printable
 * width / print-area width) and breaks pages where the rows fill the
 * printable height, cutting charts in two.  We estimate that scale, walk
 * the rows and place a manual break before any chart that would cross the
 * bottom of a page.  Every page we make is kept a little shorter than the
 * estimated capacity, so the spreadsheet never needs a break of its own
 * (LibreOffice honours manual breaks in fit-to-width mode; Excel ignores
 * them under "fit to" and breaks by itself). */

/* Printable area of A4 landscape with the margins of setup_one, in points. */
#define SG_RPRINT_BODY_W_PT ((11.69 - 2 * SG_RPRINT_MARGIN_LR) * 72.0)
#define SG_RPRINT_BODY_H_PT ((8.27 - 2 * SG_RPRINT_MARGIN_TB) * 72.0)
#define SG_RPRINT_MARGIN_LR 0.4
#define SG_RPRINT_MARGIN_TB 0.6
/* LibreOffice draws columns wider than Excel's pixel rule (measured 1.31 to
 * 1.44 times); the lower figure keeps the estimated scale at or above the
 * real one, so estimated pages are never longer than real ones. */
#define SG_RPRINT_LO_COL_FACTOR 1.25
/* Share of a page's estimated height we fill (wrapped text may grow rows). */
#define SG_RPRINT_FILL 0.92
/* Points per pixel (96 dpi). */
#define SG_RPRINT_PT_PER_PX 0.75

/* Width of column c in points (Excel's rule: 7 px a character + 5 px); of
 * overlapping column ranges the one starting nearest c wins. */
static double col_pt(const lxw_worksheet *ws, lxw_col_t c)
{
    double w = LXW_DEF_COL_WIDTH;
    for (lxw_col_t i = 0; i <= c && i < ws->col_options_max; i++) {
        const lxw_col_options *o = ws->col_options[i];
        if (o && o->firstcol <= c && c <= o->lastcol)
            w = o->width;
    }
    double px = w < 1.0 ? w * 12.0 : w * 7.0 + 5.0;
    return px * SG_RPRINT_PT_PER_PX;
}

/* Height of row r in points. */
static double row_pt(lxw_worksheet *ws, lxw_row_t r)
{
    lxw_row *row = lxw_worksheet_find_row(ws, r);
    return row && row->height_changed ? row->height : LXW_DEF_ROW_HEIGHT;
}

/* Last row a chart of height_px pixels anchored at row r covers. */
static lxw_row_t chart_end(lxw_worksheet *ws, lxw_row_t r, double height_px)
{
    double left = height_px * SG_RPRINT_PT_PER_PX;
    for (;;) {
        left -= row_pt(ws, r);
        if (left <= 0.0)
            return r;
        r++;
    }
}

/* Row heights of rows a..b in points. */
static double rows_pt(lxw_worksheet *ws, lxw_row_t a, lxw_row_t b)
{
    double h = 0.0;
    for (lxw_row_t r = a; r <= b; r++)
        h += row_pt(ws, r);
    return h;
}

/* The rows r..*end that must stay on one page from r: the chart(s)
 * anchored there and any chart starting inside them; *end = r if none. */
static void block_at(lxw_worksheet *ws, const sg_rextent *e, lxw_row_t r, lxw_row_t *end)
{
    *end = r;
    bool grown = true;
    bool any = false;
    while (grown) {
        grown = false;
        for (size_t i = 0; i < e->n_charts; i++) {
            lxw_row_t top = e->chart_top[i];
            if (top < r || top > *end || (top > r && !any))
                continue;
            lxw_row_t last = chart_end(ws, top, e->chart_px[i]);
            if (!any || last > *end) {
                *end = last;
                any = true;
                grown = true;
            }
        }
    }
}

/* Manual page breaks of ws (print area rows 0..last_row, columns
 * 0..last_col) keeping every chart on one page. */
static void paginate(sg_rctx *ctx, sg_rextent *e, lxw_row_t last_row, lxw_col_t last_col)
{
    lxw_worksheet *ws = e->ws;
    if (e->n_charts == 0)
        return;
    double width = 0.0;
    for (lxw_col_t c = 0; c <= last_col; c++)
        width += col_pt(ws, c) * SG_RPRINT_LO_COL_FACTOR;
    double scale = width > SG_RPRINT_BODY_W_PT ? SG_RPRINT_BODY_W_PT / width : 1.0;
    double page = SG_RPRINT_FILL * SG_RPRINT_BODY_H_PT / scale;
    double titles = e->has_titles ? rows_pt(ws, e->title_first, e->title_last)
                                  : row_pt(ws, 0);
    size_t nb = 0;
    double used = 0.0;
    for (lxw_row_t r = 0; r <= last_row && nb < SG_RPRINT_MAX_BREAKS;) {
        lxw_row_t end;
        block_at(ws, e, r, &end);
        double h = rows_pt(ws, r, end);
        if (used > titles && used + h > page) {
            e->breaks[nb++] = r; /* page starts at row r */
            used = titles;
        }
        used += h;
        r = end + 1;
    }
    e->breaks[nb] = 0;
    if (nb > 0)
        RC(ctx, worksheet_set_h_pagebreaks(ws, e->breaks));
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
    worksheet_set_margins(ws, SG_RPRINT_MARGIN_LR, SG_RPRINT_MARGIN_LR, SG_RPRINT_MARGIN_TB,
                          SG_RPRINT_MARGIN_TB);
    worksheet_fit_to_pages(ws, 1, one_page ? 1 : 0);
    RC(ctx, worksheet_print_area(ws, 0, 0, last_row, last_col));
    if (e && e->has_titles)
        RC(ctx, worksheet_repeat_rows(ws, e->title_first, e->title_last));
    else
        RC(ctx, worksheet_repeat_rows(ws, 0, 0));
    if (e && !one_page)
        paginate(ctx, e, last_row, last_col);
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
