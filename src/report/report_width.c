/* report_width.c — column widths from the cells' content.
 *
 * sg_rstr and sg_rnum note every value written in a plain cell (titles,
 * notes, warnings and wrapped headers are left out: they run over empty
 * cells or wrap by design).  sg_rcolumns then sets a column range to the
 * designed width, widened where a value would not fit: a number always
 * (Excel shows "###"), a text only when the cell to its right holds
 * something (the text would be cut there; otherwise it runs over). */
#include "report/report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Characters of padding a number needs beside its digits. */
#define SG_RWIDTH_PAD 1.5
/* Bold text is about this much wider. */
#define SG_RWIDTH_BOLD 1.1

/* Characters of a UTF-8 string (continuation bytes not counted). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Whether cells of format f are sized by their content. */
static bool sized(const sg_rctx *ctx, const lxw_format *f)
{
    return f != ctx->title && f != ctx->subtitle && f != ctx->note && f != ctx->warn &&
           f != ctx->warn_line && f != ctx->header && f != ctx->wrap;
}

static void note_width(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double chars,
                       bool number)
{
    if (ctx->n_cw == ctx->cap_cw) {
        size_t cap = ctx->cap_cw ? 2 * ctx->cap_cw : 256;
        sg_rcellw *p = realloc(ctx->cw, cap * sizeof *p);
        if (!p)
            return; /* widths stay as designed */
        ctx->cw = p;
        ctx->cap_cw = cap;
    }
    ctx->cw[ctx->n_cw++] = (sg_rcellw){ws, r, c, chars, number};
}

void sg_rwidth_text(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                    const lxw_format *f)
{
    if (!s || !s[0] || !sized(ctx, f))
        return;
    double k = f && f->bold ? SG_RWIDTH_BOLD : 1.0;
    note_width(ctx, ws, r, c, k * (double)utf8_chars(s), false);
}

void sg_rwidth_number(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v,
                      const lxw_format *f)
{
    if (!isfinite(v) || !sized(ctx, f))
        return;
    /* decimals: the zeros after the point of the number format */
    const char *nf = f ? f->num_format : "";
    const char *dot = strchr(nf, '.');
    int d = 0;
    while (dot && dot[1 + d] == '0')
        d++;
    char buf[64];
    int n = strchr(nf, 'E') ? 12 : snprintf(buf, sizeof buf, "%.*f", d, fabs(v));
    double chars = (double)n + (v < 0) + (strchr(nf, '%') ? 3 : 0);
    if (!f || !nf[0])
        chars = fmin(chars, 11.0); /* General shows at most about 11 characters */
    note_width(ctx, ws, r, c, chars + SG_RWIDTH_PAD, true);
}

/* Whether (r, c) holds a value (a formatted blank does not stop text). */
static bool holds_value(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c)
{
    lxw_row *row = lxw_worksheet_find_row(ws, r);
    lxw_cell *cell = row ? lxw_worksheet_find_cell_in_row(row, c) : NULL;
    return cell && cell->type != BLANK_CELL;
}

/* Width column c of ws needs for its noted values, at least w. */
static double needed(const sg_rctx *ctx, lxw_worksheet *ws, lxw_col_t c, double w)
{
    for (size_t i = 0; i < ctx->n_cw; i++) {
        const sg_rcellw *x = &ctx->cw[i];
        if (x->ws != ws || x->c != c || x->chars <= w)
            continue;
        if (x->number || holds_value(ws, x->r, (lxw_col_t)(c + 1)))
            w = fmin(x->chars + 1.0, SG_RFMT_MAX_WIDTH);
    }
    return w;
}

void sg_rcolumns(sg_rctx *ctx, lxw_worksheet *ws, lxw_col_t first, lxw_col_t last, double width)
{
    lxw_col_t run = first;
    double run_w = needed(ctx, ws, first, width);
    for (lxw_col_t c = first + 1; c <= last + 1; c++) {
        double w = c <= last ? needed(ctx, ws, c, width) : -1.0;
        if (c <= last && w == run_w)
            continue;
        RC(ctx, worksheet_set_column(ws, run, (lxw_col_t)(c - 1), run_w, NULL));
        run = c;
        run_w = w;
        if (c == last + 1)
            break;
    }
}
