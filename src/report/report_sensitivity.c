/* report_sensitivity.c — the Sensitivity sheet: Sobol indices of every
 * response on the surrogate (first order and total, with their bootstrap
 * intervals), each factor's effect range, which factors have no effect in
 * the window, and a bar chart of the indices per response. */
#include "report/report_internal.h"
#include "model/sensitivity.h"

#include <math.h>
#include <stdio.h>

#define SG_RSENS_SHEET "Sensitivity"
#define SG_RSENS_COLS 9
/* Rows a chart takes (sg_rinsert_chart's standard size). */
#define SG_RSENS_CHART_ROWS 18

/* One index with its interval in columns c, c+1, c+2 (blank when n/a). */
static void index_cells(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                        const sg_sobol_ci *ci)
{
    if (isnan(ci->est)) {
        sg_rstr(ctx, ws, r, c, "n/a (constant)", ctx->note);
        return;
    }
    sg_rnum(ctx, ws, r, c, ci->est, ctx->num_bold[3]);
    sg_rnum(ctx, ws, r, c + 1, ci->lo, ctx->num[3]);
    sg_rnum(ctx, ws, r, c + 2, ci->hi, ctx->num[3]);
}

/* Response j's table from row r and its chart beside; the next free row. */
static lxw_row_t response_block(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, size_t j,
                                sg_status *st, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const sg_sensitivity *se = in->sensitivity;
    const sg_sobol_result *so = se->sobol;
    size_t nf = in->n_factors;
    char lab[200], buf[400], er[220];
    sg_rlabel(lab, sizeof lab, in->responses[j].name, in->responses[j].unit);
    int d = sg_sensitivity_decimals(se->resolution[j]);
    const sg_report_response *rr = &in->responses[j];
    if (rr->n_labels == 2 && rr->labels) /* pass/fail: a probability, no resolution */
        snprintf(buf, sizeof buf, "%s: the probability of \"%s\" (0 to 1); no effect: total "
                 "index below %.2f and effect range below %.*f", rr->name, rr->labels[1],
                 SG_SENSITIVITY_NEGLIGIBLE_SHARE, d, se->threshold[j]);
    else
        snprintf(buf, sizeof buf, "%s: observed range %.*f, resolution %.*f%s; no effect: total "
                 "index below %.2f and effect range below %.*f", lab, d, se->range[j], d,
                 se->resolution[j], rr->labels ? " (the most probable name's code, in the "
                                                 "study's order)" : "",
                 SG_SENSITIVITY_NEGLIGIBLE_SHARE, d, se->threshold[j]);
    sg_rstr(ctx, ws, r++, 0, buf, ctx->bold);
    char lo[64], hi[64];
    snprintf(lo, sizeof lo, "%.0f%% low", 100.0 * so->level);
    snprintf(hi, sizeof hi, "%.0f%% high", 100.0 * so->level);
    sg_rlabel(er, sizeof er, "Effect range", in->responses[j].unit);
    const char *hdr[SG_RSENS_COLS] = {"Factor", "First order", lo, hi, "Total", lo, hi, er,
                                      "Verdict"};
    sg_rheader_row(ctx, ws, r, hdr, SG_RSENS_COLS, 14.0);
    lxw_row_t h = r++;
    for (size_t i = 0; i < nf; i++, r++) {
        size_t k = sg_sobol_at(so, j, i);
        sg_rstr(ctx, ws, r, 0, in->factors[i].name, ctx->text);
        index_cells(ctx, ws, r, 1, &so->first[k]);
        index_cells(ctx, ws, r, 4, &so->total[k]);
        sg_rnum(ctx, ws, r, 7, so->effect_range[k], ctx->num[d > 4 ? 4 : d]);
        sg_rstr(ctx, ws, r, 8, se->negligible[k] ? "no effect in this window" : "matters",
                se->negligible[k] ? ctx->note : ctx->text);
    }
    snprintf(buf, sizeof buf, "%s: Sobol indices", in->responses[j].name);
    lxw_chart *ch = sg_rchart(ctx, LXW_CHART_BAR, buf, "Index (share of the variance)",
                              "Factor");
    lxw_chart_series *s1 = ch ? chart_add_series(ch, NULL, NULL) : NULL;
    lxw_chart_series *s2 = ch ? chart_add_series(ch, NULL, NULL) : NULL;
    if (!s1 || !s2) {
        *st = sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for a chart");
        return r;
    }
    lxw_row_t last = h + (lxw_row_t)nf;
    chart_series_set_categories(s1, SG_RSENS_SHEET, h + 1, 0, last, 0);
    chart_series_set_values(s1, SG_RSENS_SHEET, h + 1, 1, last, 1);
    chart_series_set_name(s1, "first order");
    chart_series_set_categories(s2, SG_RSENS_SHEET, h + 1, 0, last, 0);
    chart_series_set_values(s2, SG_RSENS_SHEET, h + 1, 4, last, 4);
    chart_series_set_name(s2, "total");
    chart_axis_set_min(ch->x_axis, 0.0);
    chart_axis_set_max(ch->x_axis, 1.0);
    chart_axis_set_reverse(ch->y_axis); /* first factor on top, as in the table */
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    sg_rinsert_chart(ctx, ws, r + 1, 0, ch);
    return r + 2 + SG_RSENS_CHART_ROWS;
}

sg_status sg_report_sheet_sensitivity(sg_rctx *ctx, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const sg_sensitivity *se = in->sensitivity;
    if (!se || se->n_factors != in->n_factors || se->n_responses != in->n_responses)
        return SG_OK;
    lxw_worksheet *ws = workbook_add_worksheet(ctx->wb, SG_RSENS_SHEET);
    if (!ws)
        return sg_error_set(err, SG_ERR_NOMEM, "report: cannot add the Sensitivity sheet");
    const sg_sobol_result *so = se->sobol;
    char buf[400];
    sg_rstr(ctx, ws, 0, 0, "Sensitivity of the surrogate over the factor window", ctx->title);
    snprintf(buf, sizeof buf,
             "Sobol indices on the model: first order = share of the variance a factor explains "
             "alone, total = with its interactions; %zu %s points, %zu evaluations, %.0f%% "
             "bootstrap intervals (%zu resamples). Effect range = max - min of the factor's "
             "main effect.",
             so->n_base, so->quasi_random ? "scrambled Sobol" : "pseudo-random", so->n_evals,
             100.0 * so->level, so->n_boot);
    RC(ctx, worksheet_merge_range(ws, 1, 0, 1, SG_RSENS_COLS - 1, "", ctx->wrap));
    sg_rstr(ctx, ws, 1, 0, buf, ctx->wrap);
    RC(ctx, worksheet_set_row(ws, 1, 30.0, NULL));
    sg_status st = SG_OK;
    lxw_row_t r = 3;
    for (size_t j = 0; j < in->n_responses && st == SG_OK; j++)
        r = response_block(ctx, ws, r, j, &st, err);
    sg_rcolumns(ctx, ws, 0, 0, 18);
    sg_rcolumns(ctx, ws, 1, 7, 14);
    sg_rcolumns(ctx, ws, 8, 8, 24);
    return st;
}
