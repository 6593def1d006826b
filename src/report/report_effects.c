/* report_effects.c — the Main effects sheet: per response the level means
 * with delta and rank, S/N ratios, the ANOVA table and a main-effects plot. */
#include "report/report_internal.h"
#include "core/num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows a main-effects chart occupies. */
#define SG_REFF_CHART_ROWS 20

/* Write one response's block from row r; returns the next free row. */
static lxw_row_t write_response(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, size_t k,
                                const sg_taguchi_result *res, sg_status *st, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const char *u = in->responses[k].unit;
    char buf[1024], lab[256];
    size_t nf = res->n_factors;
    int maxl = 0;
    for (size_t f = 0; f < nf; f++)
        if (res->mains[f].n_levels > maxl)
            maxl = res->mains[f].n_levels;
    int d = sg_rfmt_decimals_sig(fabs(res->grand_mean));
    if (d > 4)
        d = 4;

    sg_rlabel(lab, sizeof lab, res->response, u);
    snprintf(buf, sizeof buf, "%s — goal %s; S/N %s, %s", lab,
             sg_taguchi_goal_name(res->goal), res->sn_name ? res->sn_name : "n/a",
             res->sn_formula ? res->sn_formula : "");
    sg_rstr(ctx, ws, r++, 0, buf, ctx->subtitle);
    sg_num_snprintf(buf, sizeof buf, "Grand mean %.6g %s over %zu runs.", res->grand_mean, u ? u : "",
             res->n_runs);
    sg_rstr(ctx, ws, r++, 0, buf, ctx->note);

    /* level table: per factor three columns (level value, mean, S/N) */
    lxw_row_t h = r;
    sg_rstr(ctx, ws, h, 0, "Level", ctx->header);
    for (size_t f = 0; f < nf; f++) {
        const sg_taguchi_main *m = &res->mains[f];
        lxw_col_t c = 1 + (lxw_col_t)(3 * f);
        sg_rlabel(lab, sizeof lab, m->name, m->unit);
        sg_rstr(ctx, ws, h, c, lab, ctx->header);
        snprintf(buf, sizeof buf, "%s: mean%s%s%s", m->name, u && u[0] ? " [" : "", u ? u : "",
                 u && u[0] ? "]" : "");
        sg_rstr(ctx, ws, h, c + 1, buf, ctx->header);
        snprintf(buf, sizeof buf, "%s: S/N [dB]", m->name);
        sg_rstr(ctx, ws, h, c + 2, buf, ctx->header);
    }
    RC(ctx, worksheet_set_row(ws, h, 45, NULL));
    for (int l = 0; l < maxl; l++) {
        lxw_row_t rr = h + 1 + (lxw_row_t)l;
        snprintf(buf, sizeof buf, "Level %d", l + 1);
        sg_rstr(ctx, ws, rr, 0, buf, ctx->bold);
        for (size_t f = 0; f < nf; f++) {
            const sg_taguchi_main *m = &res->mains[f];
            lxw_col_t c = 1 + (lxw_col_t)(3 * f);
            if (l >= m->n_levels)
                continue;
            const sg_taguchi_level *lv = &m->levels[l];
            double v = lv->value;
            int dv = sg_rfmt_decimals_exact(&v, 1, 1);
            bool best = m->best_level == l;
            sg_rnum(ctx, ws, rr, c, v, ctx->num[dv > 4 ? 4 : dv]);
            sg_rnum(ctx, ws, rr, c + 1, lv->mean, best ? ctx->num_bold[d] : ctx->num[d]);
            if (lv->sn_na)
                sg_rstr(ctx, ws, rr, c + 2, "n/a", ctx->note);
            else
                sg_rnum(ctx, ws, rr, c + 2, lv->sn_mean, ctx->num[3]);
        }
    }
    lxw_row_t dr = h + 1 + (lxw_row_t)maxl;
    sg_rstr(ctx, ws, dr, 0, "Delta (max - min)", ctx->bold);
    sg_rstr(ctx, ws, dr + 1, 0, "Rank", ctx->bold);
    for (size_t f = 0; f < nf; f++) {
        const sg_taguchi_main *m = &res->mains[f];
        lxw_col_t c = 1 + (lxw_col_t)(3 * f);
        sg_rnum(ctx, ws, dr, c + 1, m->delta, ctx->num[d]);
        RC(ctx, worksheet_write_number(ws, dr + 1, c + 1, m->rank, ctx->integer));
        if (m->sn_na) {
            sg_rstr(ctx, ws, dr, c + 2, "n/a", ctx->note);
        } else {
            sg_rnum(ctx, ws, dr, c + 2, m->sn_delta, ctx->num[3]);
            RC(ctx, worksheet_write_number(ws, dr + 1, c + 2, m->sn_rank, ctx->integer));
        }
    }
    sg_rstr(ctx, ws, dr + 2, 0, "Bold: the best level for the goal.", ctx->note);
    r = dr + 4;

    /* main-effects plot: one line per factor over the level index */
    sg_rlabel(lab, sizeof lab, "Mean response", u);
    snprintf(buf, sizeof buf, "%s: level means per factor", res->response);
    lxw_chart *ch = sg_rchart(ctx, LXW_CHART_LINE, buf, "Level (see table for values)", lab);
    if (!ch) {
        *st = sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for a chart");
        return r;
    }
    for (size_t f = 0; f < nf; f++) {
        lxw_col_t c = 1 + (lxw_col_t)(3 * f);
        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        if (!s) {
            *st = sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for a chart");
            return r;
        }
        chart_series_set_categories(s, "Main effects", h + 1, 0, h + (lxw_row_t)maxl, 0);
        chart_series_set_values(s, "Main effects", h + 1, c + 1,
                                h + (lxw_row_t)res->mains[f].n_levels, c + 1);
        chart_series_set_name(s, res->mains[f].name);
        chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
    }
    sg_rinsert_chart(ctx, ws, r, 0, ch);
    r += SG_REFF_CHART_ROWS;

    /* ANOVA */
    snprintf(buf, sizeof buf, "ANOVA of %s (sequential sums of squares)%s", res->response,
             res->pooling_applied ? ", with pooling" : "");
    sg_rstr(ctx, ws, r++, 0, buf, ctx->bold);
    char ssu[64], msu[64];
    snprintf(ssu, sizeof ssu, "SS [%s²]", u && u[0] ? u : "unit");
    snprintf(msu, sizeof msu, "MS [%s²]", u && u[0] ? u : "unit");
    const char *ah[] = {"Source", "df", ssu, msu, "F", "p-value", "Contribution [%]", "Note"};
    for (int c = 0; c < 8; c++)
        sg_rstr(ctx, ws, r, (lxw_col_t)c, ah[c], ctx->header);
    r++;
    for (size_t t = 0; t < res->n_terms; t++, r++) {
        const sg_taguchi_term *tm = &res->terms[t];
        sg_rstr(ctx, ws, r, 0, tm->name, ctx->bold);
        RC(ctx, worksheet_write_number(ws, r, 1, tm->df, ctx->integer));
        sg_rnum(ctx, ws, r, 2, tm->ss, ctx->num[4]);
        sg_rnum(ctx, ws, r, 3, tm->ms, ctx->num[4]);
        if (tm->f_na) {
            sg_rstr(ctx, ws, r, 4, "n/a", ctx->note);
            sg_rstr(ctx, ws, r, 5, "n/a", ctx->note);
        } else {
            sg_rnum(ctx, ws, r, 4, tm->f, ctx->num[3]);
            sg_rnum(ctx, ws, r, 5, tm->p, ctx->pval);
        }
        if (tm->pct_na)
            sg_rstr(ctx, ws, r, 6, "n/a", ctx->note);
        else
            sg_rnum(ctx, ws, r, 6, tm->pct, ctx->num[2]);
        snprintf(buf, sizeof buf, "%s%s%s", tm->pooled ? "pooled into error. " : "",
                 tm->f_na ? tm->f_na : "", tm->note);
        sg_rstr(ctx, ws, r, 7, buf, ctx->note);
    }
    sg_rstr(ctx, ws, r, 0, "Error", ctx->bold);
    RC(ctx, worksheet_write_number(ws, r, 1, res->df_error, ctx->integer));
    sg_rnum(ctx, ws, r, 2, res->ss_error, ctx->num[4]);
    if (res->ms_error_na)
        sg_rstr(ctx, ws, r, 7, res->ms_error_na, ctx->note);
    else
        sg_rnum(ctx, ws, r, 3, res->ms_error, ctx->num[4]);
    if (!res->pct_error_na)
        sg_rnum(ctx, ws, r, 6, res->pct_error, ctx->num[2]);
    r++;
    sg_rstr(ctx, ws, r, 0, "Total", ctx->bold);
    RC(ctx, worksheet_write_number(ws, r, 1, res->df_total, ctx->integer));
    sg_rnum(ctx, ws, r, 2, res->ss_total, ctx->num[4]);
    sg_rnum(ctx, ws, r, 6, 100.0, ctx->num[2]);
    r++;
    for (size_t c = 0; c < res->n_candidates; c++) {
        const sg_taguchi_candidate *cd = &res->candidates[c];
        if (cd->estimated)
            continue;
        snprintf(buf, sizeof buf, "Interaction %s x %s not estimated: %s",
                 res->mains[cd->f1].name, res->mains[cd->f2].name, cd->reason);
        sg_rstr(ctx, ws, r++, 0, buf, ctx->note);
    }
    r++;

    /* best combination */
    if (res->best_na) {
        snprintf(buf, sizeof buf, "Best level combination: not available (%s).", res->best_na);
        sg_rstr(ctx, ws, r++, 0, buf, ctx->note);
    } else {
        size_t off = (size_t)snprintf(buf, sizeof buf, "Best level combination (additive model): ");
        for (size_t f = 0; f < nf && off < sizeof buf; f++) {
            const sg_taguchi_main *m = &res->mains[f];
            double v = m->best_level >= 0 ? m->levels[m->best_level].value : NAN;
            off += (size_t)sg_num_snprintf(buf + off, sizeof buf - off, "%s%s = %.6g %s",
                                    f ? ", " : "", m->name, v, m->unit);
        }
        if (off < sizeof buf)
            sg_num_snprintf(buf + off, sizeof buf - off, "; predicted %.6g %s", res->predicted,
                     u ? u : "");
        sg_rstr(ctx, ws, r++, 0, buf, ctx->bold);
    }
    if (res->notes[0]) {
        /* one note per line */
        const char *p = res->notes;
        while (*p) {
            const char *e = strchr(p, '\n');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            if (n >= sizeof buf)
                n = sizeof buf - 1;
            memcpy(buf, p, n);
            buf[n] = '\0';
            if (n > 0)
                sg_rstr(ctx, ws, r++, 0, buf, ctx->warn);
            p += e ? (size_t)(e - p) + 1 : strlen(p);
        }
    }
    return r + 2;
}

sg_status sg_report_sheet_effects(sg_rctx *ctx, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    if (!in->effects)
        return SG_OK;
    bool any = false;
    for (size_t k = 0; k < in->n_responses; k++)
        any = any || in->effects[k] != NULL;
    if (!any)
        return SG_OK;
    lxw_worksheet *ws = workbook_add_worksheet(ctx->wb, "Main effects");
    if (!ws)
        return sg_error_set(err, SG_ERR_NOMEM, "report: cannot add the Main effects sheet");
    sg_rstr(ctx, ws, 0, 0, "Main effects, signal-to-noise ratios and ANOVA of the orthogonal array",
            ctx->title);
    sg_rstr(ctx, ws, 1, 0,
            "Level means of each response, their range (delta) and rank; S/N in dB (higher "
            "is better); ANOVA with percent contribution and estimable interactions.",
            ctx->note);
    lxw_row_t r = 3;
    sg_status st = SG_OK;
    for (size_t k = 0; k < in->n_responses && st == SG_OK; k++)
        if (in->effects[k])
            r = write_response(ctx, ws, r, k, in->effects[k], &st, err);
    RC(ctx, worksheet_set_column(ws, 0, 0, 24, NULL));
    RC(ctx, worksheet_set_column(ws, 1, (lxw_col_t)(3 * in->n_factors), 13, NULL));
    return st;
}
