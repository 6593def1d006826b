/* report_effects.c — the Main effects sheet: per response the level means
 * with delta and rank, S/N ratios, the ANOVA table and a main-effects plot. */
#include "report/report_internal.h"
#include "core/num.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Width in characters of the table columns after the first. */
#define SG_REFF_COL_WIDTH 13.0
/* Rows a main-effects panel occupies, and its size relative to the
 * standard chart (480 x 288 px). */
#define SG_REFF_PANEL_ROWS 13
#define SG_REFF_PANEL_X_SCALE 0.55
#define SG_REFF_PANEL_Y_SCALE 0.85

/* The grand mean of the S/N ratios: the mean of one factor's level S/N
 * means (all factors give the same in a balanced array); NAN when absent. */
static double grand_sn(const sg_taguchi_result *res)
{
    for (size_t f = 0; f < res->n_factors; f++) {
        const sg_taguchi_main *m = &res->mains[f];
        if (m->sn_na || m->n_levels == 0)
            continue;
        double s = 0.0;
        for (int l = 0; l < m->n_levels; l++)
            s += m->levels[l].sn_mean;
        return s / m->n_levels;
    }
    return NAN;
}

/* Common y range of the panels: all factors' level means (or S/N ratios),
 * widened by a tenth of their span on each side. */
static void panel_range(const sg_taguchi_result *res, bool sn, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t f = 0; f < res->n_factors; f++) {
        const sg_taguchi_main *m = &res->mains[f];
        for (int l = 0; l < m->n_levels; l++) {
            if (sn && m->levels[l].sn_na)
                continue;
            double v = sn ? m->levels[l].sn_mean : m->levels[l].mean;
            if (!isfinite(v))
                continue;
            *lo = fmin(*lo, v);
            *hi = fmax(*hi, v);
        }
    }
    double pad = 0.1 * (*hi - *lo);
    *lo -= pad;
    *hi += pad;
}

/* One main-effects panel of factor f at row r (response unit u): level values of the table
 * (header row h) on the x axis, its means (or S/N ratios) and the grand
 * mean line from column gc. */
static sg_status effect_panel(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r,
                              const sg_taguchi_result *res, const char *u, size_t f,
                              lxw_row_t h, lxw_col_t gc, bool sn, sg_error *err)
{
    const sg_taguchi_main *m = &res->mains[f];
    char title[300], xl[256], yl[256];
    lxw_col_t c = 1 + (lxw_col_t)(3 * f);
    snprintf(title, sizeof title, "%s: %s", res->response, m->name);
    sg_rlabel(xl, sizeof xl, m->name, m->unit);
    if (sn)
        snprintf(yl, sizeof yl, "Mean S/N [dB]");
    else
        sg_rlabel(yl, sizeof yl, "Mean", u);
    lxw_chart *ch = sg_rchart(ctx, LXW_CHART_LINE, title, xl, yl);
    if (!ch)
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for a chart");
    lxw_row_t last = h + (lxw_row_t)m->n_levels;
    lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
    lxw_chart_series *g = chart_add_series(ch, NULL, NULL);
    if (!s || !g)
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for a chart");
    chart_series_set_categories(s, "Main effects", h + 1, c, last, c);
    chart_series_set_values(s, "Main effects", h + 1, sn ? c + 2 : c + 1, last, sn ? c + 2 : c + 1);
    chart_series_set_name(s, sn ? "S/N" : "mean");
    chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
    chart_series_set_categories(g, "Main effects", h + 1, c, last, c);
    chart_series_set_values(g, "Main effects", h + 1, gc, last, gc);
    chart_series_set_name(g, "grand mean");
    chart_series_set_marker_type(g, LXW_CHART_MARKER_NONE);
    lxw_chart_line dash = {.color = 0x808080, .dash_type = LXW_CHART_LINE_DASH_DASH};
    chart_series_set_line(g, &dash);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
    /* labels below the plot even when the values are negative (S/N) */
    chart_axis_set_label_position(ch->x_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);
    /* one y scale for all panels, as in Minitab: a factor's effect is
     * judged against the others' */
    double lo, hi;
    panel_range(res, sn, &lo, &hi);
    if (lo < hi) {
        chart_axis_set_min(ch->y_axis, lo);
        chart_axis_set_max(ch->y_axis, hi);
        /* tick labels with the decimals a fifth of the span needs */
        int dec = 1 - (int)floor(log10((hi - lo) / 5.0));
        char nfmt[16] = "0";
        if (dec > 0) {
            if (dec > SG_RFMT_MAX_DECIMALS)
                dec = SG_RFMT_MAX_DECIMALS;
            nfmt[1] = '.';
            memset(nfmt + 2, '0', (size_t)dec);
            nfmt[2 + dec] = '\0';
        }
        chart_axis_set_num_format(ch->y_axis, nfmt);
    }
    chart_title_set_name_font(ch, &(lxw_chart_font){.size = 10, .bold = 1});
    lxw_chart_options o = {.x_scale = SG_REFF_PANEL_X_SCALE, .y_scale = SG_REFF_PANEL_Y_SCALE};
    RC(ctx, worksheet_insert_chart_opt(ws, r, c, ch, &o));
    sg_rprint_chart(ctx, ws, r, c, SG_REFF_PANEL_Y_SCALE * SG_RCHART_HEIGHT_PX);
    return SG_OK;
}

/* Lenth's method on a saturated two-level array (taguchi.h): the pseudo
 * standard error, the margins, and each effect's t and p; returns the next
 * free row. */
static lxw_row_t lenth_rows(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r,
                            const sg_taguchi_result *res, const char *u)
{
    char buf[200];
    r++;
    sg_rstr(ctx, ws, r++, 0,
            "Lenth's method: each effect against a robust estimate of its noise (no error "
            "df: an unreplicated two-level array)",
            ctx->bold);
    const char *lab[] = {"Pseudo standard error", "Margin of error", "Simultaneous margin"};
    const double v[] = {res->lenth_pse, res->lenth_me, res->lenth_sme};
    for (size_t i = 0; i < 3; i++) {
        sg_rlabel(buf, sizeof buf, lab[i], u);
        sg_rstr(ctx, ws, r, 0, buf, ctx->bold);
        sg_rnum(ctx, ws, r++, 1, v[i], ctx->num[4]);
    }
    sg_num_snprintf(buf, sizeof buf, "t on %.3g df (%zu effects / 3)", res->lenth_df,
                    res->n_terms);
    sg_rstr(ctx, ws, r++, 0, buf, ctx->note);
    sg_rlabel(buf, sizeof buf, "Effect", u);
    const char *hd[] = {"Source", buf, "t", "p-value", "Verdict"};
    sg_rheader_row(ctx, ws, r++, hd, 5, SG_REFF_COL_WIDTH);
    for (size_t t = 0; t < res->n_terms; t++, r++) {
        const sg_taguchi_term *tm = &res->terms[t];
        double a = fabs(tm->effect);
        sg_rstr(ctx, ws, r, 0, tm->name, ctx->bold);
        sg_rnum(ctx, ws, r, 1, tm->effect, ctx->num[4]);
        sg_rnum(ctx, ws, r, 2, tm->lenth_t, ctx->num[3]);
        sg_rnum(ctx, ws, r, 3, tm->lenth_p, ctx->pval);
        sg_rstr(ctx, ws, r, 4,
                a > res->lenth_sme ? "active (beyond the simultaneous margin)"
                : a > res->lenth_me ? "active"
                                    : "",
                ctx->text);
    }
    return r;
}

/* The centre runs against the factorial runs (a two-level factorial with
 * centre runs): the curvature test; returns the next free row. */
static lxw_row_t curvature_rows(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r,
                                const sg_curvature *c, const char *u)
{
    char buf[300];
    r++;
    sg_rstr(ctx, ws, r++, 0,
            "Curvature: the centre runs against the factorial runs (the effects above are of "
            "the factorial runs alone)",
            ctx->bold);
    sg_rlabel(buf, sizeof buf, "Difference (centre - factorial)", u);
    const char *hd[] = {"Centre runs", "Factorial runs", buf, "SS (1 df)", "F", "p-value"};
    sg_rheader_row(ctx, ws, r++, hd, 6, SG_REFF_COL_WIDTH);
    RC(ctx, sg_rnumber(ctx, ws, r, 0, (double)c->n_centre, ctx->integer));
    RC(ctx, sg_rnumber(ctx, ws, r, 1, (double)c->n_factorial, ctx->integer));
    sg_rnum(ctx, ws, r, 2, c->difference, ctx->num[4]);
    sg_rnum(ctx, ws, r, 3, c->ss, ctx->num[4]);
    sg_rnum(ctx, ws, r, 4, c->f, ctx->num[3]);
    sg_rnum(ctx, ws, r++, 5, c->p, ctx->pval);
    if (isfinite(c->p))
        sg_num_snprintf(buf, sizeof buf, "F against the pure error of the %zu centre runs (%zu "
                        "df)%s",
                        c->n_centre, c->df_pure,
                        c->p < 0.05 ? ": the surface curves; the axial runs of a central "
                                      "composite design would place the optimum ('surrogate "
                                      "doe --design axial')"
                                    : ": no curvature beyond their scatter");
    else
        sg_num_snprintf(buf, sizeof buf,
                        "No F test (%s: no pure error); the difference is %.3g times the "
                        "largest effect (%s)",
                        c->df_pure ? "the centre runs agree exactly" : "one centre run",
                        c->largest_effect > 0 ? fabs(c->difference) / c->largest_effect : 0.0,
                        c->largest_factor);
    sg_rstr(ctx, ws, r++, 0, buf, ctx->note);
    return r;
}

/* R², adjusted R² and S (root of the error mean square) of the ANOVA
 * model from row r; returns the next free row. */
static lxw_row_t fit_summary_rows(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r,
                                  const sg_taguchi_result *res, const char *u)
{
    char lab[128];
    bool err_ok = !res->ms_error_na && res->df_error > 0 && res->ss_total > 0.0;
    double r2 = res->ss_total > 0.0 ? 1.0 - res->ss_error / res->ss_total : NAN;
    double r2adj = err_ok && res->df_total > 0
                       ? 1.0 - res->ms_error / (res->ss_total / res->df_total)
                       : NAN;
    sg_rstr(ctx, ws, r, 0, "R²", ctx->bold);
    sg_rnum(ctx, ws, r++, 1, r2, ctx->pct);
    sg_rstr(ctx, ws, r, 0, "Adjusted R²", ctx->bold);
    sg_rnum(ctx, ws, r++, 1, r2adj, ctx->pct);
    sg_rlabel(lab, sizeof lab, "S (error sd)", u);
    sg_rstr(ctx, ws, r, 0, lab, ctx->bold);
    double sd = err_ok ? sqrt(res->ms_error) : NAN;
    sg_rnum(ctx, ws, r++, 1, sd, ctx->num[sg_rfmt_decimals_sig(sd) > 4 ? 4 : sg_rfmt_decimals_sig(sd)]);
    return r;
}

/* Level index of value v among factor m's level values (nearest). */
static int level_index(const sg_taguchi_main *m, double v)
{
    int best = -1;
    for (int l = 0; l < m->n_levels; l++)
        if (best < 0 || fabs(m->levels[l].value - v) < fabs(m->levels[best].value - v))
            best = l;
    return best;
}

/* Rows an interaction plot block occupies at least, and its chart's size
 * relative to the standard chart. */
#define SG_REFF_INTER_ROWS 16
#define SG_REFF_INTER_SCALE 0.9

/* Interaction plot of estimated term tm of response k from row r: the means
 * of the table's runs per level pair (rows: levels of f1, columns: levels of
 * f2) and a chart with one line per level of f2; returns the next free row. */
static lxw_row_t interaction_plot(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, size_t k,
                                  const sg_taguchi_result *res, const sg_taguchi_term *tm,
                                  sg_status *st, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const sg_table *t = in->table;
    const sg_taguchi_main *a = &res->mains[tm->f1], *b = &res->mains[tm->f2];
    char buf[512], xl[256], yl[256];
    bool sig = !tm->f_na && tm->p < 0.05;
    if (tm->f_na)
        snprintf(buf, sizeof buf, "Interaction %s x %s of %s (no F test: %s)", a->name, b->name,
                 res->response, tm->f_na);
    else
        sg_num_snprintf(buf, sizeof buf, "Interaction %s x %s of %s%s (p = %.3g)", a->name,
                        b->name, res->response, sig ? ": significant" : "", tm->p);
    sg_rstr(ctx, ws, r++, 0, buf, sig ? ctx->warn_line : ctx->bold);
    lxw_row_t h = r;
    sg_rlabel(xl, sizeof xl, a->name, a->unit);
    sg_rstr(ctx, ws, h, 0, xl, ctx->header);
    for (int j = 0; j < b->n_levels; j++) {
        if (b->levels[j].name[0])
            snprintf(buf, sizeof buf, "%s = %s", b->name, b->levels[j].name);
        else
            sg_num_snprintf(buf, sizeof buf, "%s = %.6g %s", b->name, b->levels[j].value, b->unit);
        sg_rstr(ctx, ws, h, 1 + (lxw_col_t)j, buf, ctx->header);
    }
    RC(ctx, worksheet_set_row(ws, h, 45, NULL)); /* "temperature = 1090 C": three lines */
    int d = sg_rfmt_decimals_sig(fabs(res->grand_mean));
    if (d > 4)
        d = 4;
    for (int i = 0; i < a->n_levels; i++) {
        double v = a->levels[i].value;
        sg_rnum(ctx, ws, h + 1 + (lxw_row_t)i, 0, v, ctx->num[sg_rfmt_decimals_exact(&v, 1, 1)]);
        for (int j = 0; j < b->n_levels; j++) {
            double sum = 0.0;
            size_t n = 0;
            for (size_t row = 0; row < t->n_rows; row++) {
                double y = sg_table_at(t, row, in->n_factors + k);
                if (isfinite(y) && level_index(a, sg_table_at(t, row, (size_t)tm->f1)) == i &&
                    level_index(b, sg_table_at(t, row, (size_t)tm->f2)) == j) {
                    sum += y;
                    n++;
                }
            }
            sg_rnum(ctx, ws, h + 1 + (lxw_row_t)i, 1 + (lxw_col_t)j, n ? sum / (double)n : NAN,
                    ctx->num[d]);
        }
    }
    sg_rlabel(yl, sizeof yl, "Mean", in->responses[k].unit);
    sg_num_snprintf(buf, sizeof buf, "%s: %s x %s%s", res->response, a->name, b->name,
                    sig ? " (significant)" : "");
    lxw_chart *ch = sg_rchart(ctx, LXW_CHART_LINE, buf, xl, yl);
    if (!ch) {
        *st = sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for a chart");
        return r;
    }
    lxw_row_t last = h + (lxw_row_t)a->n_levels;
    for (int j = 0; j < b->n_levels; j++) {
        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        if (!s) {
            *st = sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for a chart");
            return r;
        }
        chart_series_set_categories(s, "Main effects", h + 1, 0, last, 0);
        chart_series_set_values(s, "Main effects", h + 1, 1 + (lxw_col_t)j, last,
                                1 + (lxw_col_t)j);
        chart_series_set_name_range(s, "Main effects", h, 1 + (lxw_col_t)j);
        chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
    }
    chart_axis_set_label_position(ch->x_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);
    lxw_chart_options o = {.x_scale = SG_REFF_INTER_SCALE, .y_scale = SG_REFF_INTER_SCALE};
    lxw_col_t cc = (lxw_col_t)(b->n_levels + 2);
    RC(ctx, worksheet_insert_chart_opt(ws, r, cc, ch, &o));
    /* on paper the heading row above stays with the chart */
    sg_rprint_chart(ctx, ws, r - 1, cc,
                    SG_REFF_INTER_SCALE * SG_RCHART_HEIGHT_PX + LXW_DEF_ROW_HEIGHT_PIXELS);
    return r + SG_REFF_INTER_ROWS;
}

/* A Minitab response table from column c0, header at row r: one row per
 * level (level numbers), one column per factor, then Delta and Rank; the
 * level means (sn = false, d decimals) or the S/N ratios in dB.  Returns
 * the row after the table. */
static lxw_row_t response_table(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0,
                                const sg_taguchi_result *res, int maxl, bool sn, int d)
{
    size_t nf = res->n_factors;
    sg_rstr(ctx, ws, r, c0, "Level", ctx->header);
    for (size_t f = 0; f < nf; f++)
        sg_rstr(ctx, ws, r, (lxw_col_t)(c0 + 1 + f), res->mains[f].name, ctx->header);
    for (int l = 0; l < maxl; l++) {
        lxw_row_t rr = r + 1 + (lxw_row_t)l;
        RC(ctx, sg_rnumber(ctx, ws, rr, c0, l + 1, ctx->integer));
        for (size_t f = 0; f < nf; f++) {
            const sg_taguchi_main *m = &res->mains[f];
            lxw_col_t c = (lxw_col_t)(c0 + 1 + f);
            if (l >= m->n_levels)
                continue;
            const sg_taguchi_level *lv = &m->levels[l];
            bool best = (sn ? m->best_sn_level : m->best_level) == l;
            if (sn && lv->sn_na)
                sg_rstr(ctx, ws, rr, c, "n/a", ctx->note);
            else
                sg_rnum(ctx, ws, rr, c, sn ? lv->sn_mean : lv->mean,
                        best ? ctx->num_bold[d] : ctx->num[d]);
        }
    }
    lxw_row_t dr = r + 1 + (lxw_row_t)maxl;
    sg_rstr(ctx, ws, dr, c0, "Delta", ctx->bold);
    sg_rstr(ctx, ws, dr + 1, c0, "Rank", ctx->bold);
    for (size_t f = 0; f < nf; f++) {
        const sg_taguchi_main *m = &res->mains[f];
        lxw_col_t c = (lxw_col_t)(c0 + 1 + f);
        if (sn && m->sn_na) {
            sg_rstr(ctx, ws, dr, c, "n/a", ctx->note);
            continue;
        }
        sg_rnum(ctx, ws, dr, c, sn ? m->sn_delta : m->delta, ctx->num[d]);
        RC(ctx, sg_rnumber(ctx, ws, dr + 1, c, sn ? m->sn_rank : m->rank, ctx->integer));
    }
    return dr + 2;
}

/* The two response tables of Minitab side by side from row r: means and
 * S/N ratios (the latter only when some factor has them).  Returns the
 * next free row. */
static lxw_row_t response_tables(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r,
                                 const sg_taguchi_result *res, const char *u, int maxl, int d)
{
    char buf[300];
    size_t nf = res->n_factors;
    bool any_sn = false;
    for (size_t f = 0; f < nf; f++)
        any_sn = any_sn || !res->mains[f].sn_na;
    if (u && u[0])
        snprintf(buf, sizeof buf, "Response table for means [%s]", u);
    else
        snprintf(buf, sizeof buf, "Response table for means");
    sg_rstr(ctx, ws, r, 0, buf, ctx->bold);
    lxw_col_t c_sn = (lxw_col_t)(nf + 2);
    if (any_sn)
        sg_rstr(ctx, ws, r, c_sn, "Response table for signal-to-noise ratios [dB]", ctx->bold);
    r++;
    lxw_row_t end = response_table(ctx, ws, r, 0, res, maxl, false, d);
    if (any_sn)
        response_table(ctx, ws, r, c_sn, res, maxl, true, 3);
    return end;
}

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
            if (lv->name[0])
                sg_rstr(ctx, ws, rr, c, lv->name, NULL);
            else
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
        RC(ctx, sg_rnumber(ctx, ws, dr + 1, c + 1, m->rank, ctx->integer));
        if (m->sn_na) {
            sg_rstr(ctx, ws, dr, c + 2, "n/a", ctx->note);
        } else {
            sg_rnum(ctx, ws, dr, c + 2, m->sn_delta, ctx->num[3]);
            RC(ctx, sg_rnumber(ctx, ws, dr + 1, c + 2, m->sn_rank, ctx->integer));
        }
    }
    sg_rstr(ctx, ws, dr + 2, 0, "Bold: the best level for the goal.", ctx->note);
    r = response_tables(ctx, ws, dr + 4, res, u, maxl, d) + 1;

    /* grand means beside the table: the reference lines of the panels */
    lxw_col_t gc = 1 + (lxw_col_t)(3 * nf);
    double sn_grand = grand_sn(res);
    sg_rstr(ctx, ws, h, gc, "Grand mean", ctx->header);
    sg_rstr(ctx, ws, h, gc + 1, "Grand S/N [dB]", ctx->header);
    for (int l = 0; l < maxl; l++) {
        sg_rnum(ctx, ws, h + 1 + (lxw_row_t)l, gc, res->grand_mean, ctx->num[d]);
        sg_rnum(ctx, ws, h + 1 + (lxw_row_t)l, gc + 1, sn_grand, ctx->num[3]);
    }

    /* main-effects plots as Minitab draws them: one panel per factor, the
     * level values on the x axis, the grand mean as a reference line; a
     * row of panels for the means, one for the S/N ratios */
    for (int sn = 0; sn < 2 && *st == SG_OK; sn++) {
        if (sn && !isfinite(sn_grand))
            break;
        for (size_t f = 0; f < nf && *st == SG_OK; f++)
            *st = effect_panel(ctx, ws, r, res, u, f, h, (lxw_col_t)(sn ? gc + 1 : gc), sn != 0,
                               err);
        r += SG_REFF_PANEL_ROWS;
    }

    /* ANOVA */
    snprintf(buf, sizeof buf, "ANOVA of %s (sequential sums of squares)%s", res->response,
             res->pooling_applied ? ", with pooling" : "");
    sg_rstr(ctx, ws, r++, 0, buf, ctx->bold);
    char ssu[64], msu[64];
    snprintf(ssu, sizeof ssu, "SS [%s²]", u && u[0] ? u : "unit");
    snprintf(msu, sizeof msu, "MS [%s²]", u && u[0] ? u : "unit");
    const char *ah[] = {"Source",           "df",   ssu, msu, "F", "p-value", "Contribution [%]",
                        "Pure contribution [%]", "Note"};
    sg_rheader_row(ctx, ws, r, ah, 9, SG_REFF_COL_WIDTH);
    r++;
    for (size_t t = 0; t < res->n_terms; t++, r++) {
        const sg_taguchi_term *tm = &res->terms[t];
        sg_rstr(ctx, ws, r, 0, tm->name, ctx->bold);
        RC(ctx, sg_rnumber(ctx, ws, r, 1, tm->df, ctx->integer));
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
        if (tm->pct_pure_na)
            sg_rstr(ctx, ws, r, 7, "n/a", ctx->note);
        else
            sg_rnum(ctx, ws, r, 7, tm->pct_pure, ctx->num[2]);
        snprintf(buf, sizeof buf, "%s%s%s%s", tm->pooled ? "pooled into error. " : "",
                 tm->f_na ? tm->f_na : "", tm->f_na && tm->note[0] ? "; " : "", tm->note);
        sg_rstr(ctx, ws, r, 8, buf, ctx->note);
    }
    sg_rstr(ctx, ws, r, 0, "Error", ctx->bold);
    RC(ctx, sg_rnumber(ctx, ws, r, 1, res->df_error, ctx->integer));
    sg_rnum(ctx, ws, r, 2, res->ss_error, ctx->num[4]);
    if (res->ms_error_na)
        sg_rstr(ctx, ws, r, 8, res->ms_error_na, ctx->note);
    else
        sg_rnum(ctx, ws, r, 3, res->ms_error, ctx->num[4]);
    if (!res->pct_error_na)
        sg_rnum(ctx, ws, r, 6, res->pct_error, ctx->num[2]);
    if (!res->pct_error_pure_na)
        sg_rnum(ctx, ws, r, 7, res->pct_error_pure, ctx->num[2]);
    r++;
    sg_rstr(ctx, ws, r, 0, "Total", ctx->bold);
    RC(ctx, sg_rnumber(ctx, ws, r, 1, res->df_total, ctx->integer));
    sg_rnum(ctx, ws, r, 2, res->ss_total, ctx->num[4]);
    sg_rnum(ctx, ws, r, 6, 100.0, ctx->num[2]);
    r++;
    r = fit_summary_rows(ctx, ws, r, res, u);
    if (res->lenth)
        r = lenth_rows(ctx, ws, r, res, u);
    if (in->curvature && in->curvature[k].ok)
        r = curvature_rows(ctx, ws, r, &in->curvature[k], u);
    for (size_t c = 0; c < res->n_candidates; c++) {
        const sg_taguchi_candidate *cd = &res->candidates[c];
        if (cd->estimated)
            continue;
        snprintf(buf, sizeof buf, "Interaction %s x %s not estimated: %s",
                 res->mains[cd->f1].name, res->mains[cd->f2].name, cd->reason);
        sg_rstr(ctx, ws, r++, 0, buf, ctx->note);
    }
    r++;
    /* interaction plots of the estimated interactions (table cell means) */
    for (size_t t = 0; t < res->n_terms && ctx->in->table && *st == SG_OK; t++)
        if (res->terms[t].kind == SG_TERM_INTERACTION && res->terms[t].f1 >= 0 &&
            res->terms[t].f2 >= 0)
            r = interaction_plot(ctx, ws, r, k, res, &res->terms[t], st, err);

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
        if (off < sizeof buf && res->predicted_ci_na)
            sg_num_snprintf(buf + off, sizeof buf - off, "; predicted %.6g %s", res->predicted,
                     u ? u : "");
        else if (off < sizeof buf)
            sg_num_snprintf(buf + off, sizeof buf - off,
                            "; predicted %.6g ± %.3g %s (%.0f%% confidence interval)",
                            res->predicted, res->predicted_ci, u ? u : "",
                            100.0 * SG_TAGUCHI_CI_LEVEL);
        sg_rstr(ctx, ws, r++, 0, buf, ctx->bold);
        char tested[320];
        sg_taguchi_best_tested_text(res, tested, sizeof tested);
        tested[0] = (char)toupper((unsigned char)tested[0]); /* a sentence of its own here */
        sg_rstr(ctx, ws, r++, 0, tested, NULL);
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
            /* one line each, running over the empty cells to the right: a
             * wrapped note in column A would grow over the rows above */
            if (n > 0)
                sg_rstr(ctx, ws, r++, 0, buf, ctx->warn_line);
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
    sg_rcolumns(ctx, ws, 0, 0, 24);
    sg_rcolumns(ctx, ws, 1, (lxw_col_t)(3 * in->n_factors + 2), SG_REFF_COL_WIDTH);
    return st;
}
