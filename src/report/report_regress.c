/* report_regress.c — the Regression sheet: the quadratic regression of
 * every response (analysis/regress.h) as `analyze` prints it, with the
 * coefficients in the factors' units in cells an engineer can reuse. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"

/* Width of the figure columns (characters). */
#define REGRESS_COL_WIDTH 15.0

/* Decimals for a figure of magnitude v, at most 4. */
static lxw_format *num_for(sg_rctx *ctx, double v)
{
    int d = sg_rfmt_decimals_sig(fabs(v));
    return ctx->num[d > 4 ? 4 : d];
}

/* Figures of the fit from row r; returns the next free row. */
static lxw_row_t fit_rows(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, const sg_regress *g,
                          const char *unit)
{
    char lab[128];
    sg_rlabel(lab, sizeof lab, "S (residual sd)", unit);
    sg_rstr(ctx, ws, r, 0, lab, ctx->bold);
    sg_rnum(ctx, ws, r++, 1, g->s, num_for(ctx, g->s));
    const char *names[] = {"R²", "Adjusted R²", "Predicted R² (leave-one-out)"};
    const double v[] = {g->r2, g->r2_adj, g->r2_pred};
    for (size_t i = 0; i < 3; i++) {
        sg_rstr(ctx, ws, r, 0, names[i], ctx->bold);
        sg_rnum(ctx, ws, r++, 1, v[i], ctx->pct);
    }
    sg_rstr(ctx, ws, r, 0, "Regression F, p", ctx->bold);
    sg_rnum(ctx, ws, r, 1, g->f_model, num_for(ctx, g->f_model));
    sg_rnum(ctx, ws, r++, 2, g->p_model, ctx->pval);
    sg_rstr(ctx, ws, r, 0, "Lack of fit F, p", ctx->bold);
    sg_rnum(ctx, ws, r, 1, g->f_lof, num_for(ctx, g->f_lof));
    sg_rnum(ctx, ws, r, 2, g->p_lof, ctx->pval);
    sg_rstr(ctx, ws, r++, 3, sg_regress_lack_of_fit_verdict(g), ctx->text); /* F, p beside */
    return r;
}

/* The canonical analysis of response k's regression from row r: the
 * curvatures, the stationary point and what it is; returns the next free
 * row (r when not computed). */
static lxw_row_t stationary_rows(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, size_t k,
                                 const sg_regress *g)
{
    const sg_report_input *in = ctx->in;
    if (g->stationary_kind == SG_STATIONARY_NONE || !g->curvatures)
        return r;
    const char *goal = in->responses[k].goal ? in->responses[k].goal : "none";
    int sign = strcmp(goal, "maximize") == 0 ? 1 : strcmp(goal, "minimize") == 0 ? -1 : 0;
    sg_rstr(ctx, ws, r, 0, "Canonical analysis", ctx->bold);
    sg_rstr(ctx, ws, r++, 1, sg_regress_stationary_text(g, sign), ctx->text);
    sg_rstr(ctx, ws, r, 0, "Curvatures (principal axes, coded)", ctx->bold);
    for (size_t i = 0; i < g->k; i++)
        sg_rnum(ctx, ws, r, (lxw_col_t)(1 + i), g->curvatures[i], ctx->sci);
    r++;
    if (!g->stationary)
        return r;
    sg_rstr(ctx, ws, r, 0, "Stationary point (every slope 0)", ctx->bold);
    for (size_t i = 0; i < g->k && i < in->n_factors; i++) {
        char lab[160];
        sg_rlabel(lab, sizeof lab, in->factors[i].name, in->factors[i].unit);
        sg_rstr(ctx, ws, r, (lxw_col_t)(1 + i), lab, ctx->header);
        sg_rnum(ctx, ws, r + 1, (lxw_col_t)(1 + i), g->stationary[i],
                num_for(ctx, g->stationary[i]));
    }
    r += 2;
    bool lg = in->regress_log && in->regress_log[k];
    sg_rstr(ctx, ws, r, 0, "Response there", ctx->bold);
    sg_rnum(ctx, ws, r++, 1, lg ? pow(10.0, g->stationary_y) : g->stationary_y,
            num_for(ctx, g->stationary_y));
    return r;
}

/* One response's block from row r; returns the next free row. */
static lxw_row_t write_response(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, size_t k)
{
    const sg_report_input *in = ctx->in;
    const sg_regress *g = in->regress[k];
    const sg_report_response *rs = &in->responses[k];
    char buf[512], name[160];
    if (in->regress_log && in->regress_log[k])
        snprintf(name, sizeof name, "log10(%s)", rs->name);
    else
        sg_rlabel(name, sizeof name, rs->name, rs->unit);
    snprintf(buf, sizeof buf, "%s: %s, %zu runs, %zu residual degrees of freedom", name, g->form,
             g->n, g->df_error);
    sg_rstr(ctx, ws, r++, 0, buf, ctx->subtitle);
    if (g->dropped[0])
        sg_rstr(ctx, ws, r++, 0, g->dropped, ctx->warn_line);
    if (g->aliases[0])
        sg_rstr(ctx, ws, r++, 0, g->aliases, ctx->warn_line);
    r = fit_rows(ctx, ws, r, g, in->regress_log && in->regress_log[k] ? "decades" : rs->unit);
    static const char *const head[] = {"Term", "Coefficient (coded)", "SE coefficient", "t", "p",
                                       "Coefficient (factors' units)"};
    sg_rheader_row(ctx, ws, ++r, head, 6, REGRESS_COL_WIDTH);
    r++;
    for (size_t j = 0; j < g->n_terms; j++, r++) {
        const sg_regress_term *t = &g->terms[j];
        sg_rstr(ctx, ws, r, 0, j ? t->name : "constant", ctx->text);
        sg_rnum(ctx, ws, r, 1, t->coef, ctx->sci);
        sg_rnum(ctx, ws, r, 2, t->se, ctx->sci);
        sg_rnum(ctx, ws, r, 3, t->t, num_for(ctx, t->t));
        sg_rnum(ctx, ws, r, 4, t->p, ctx->pval);
        sg_rnum(ctx, ws, r, 5, t->uncoded, ctx->sci);
    }
    snprintf(buf, sizeof buf,
             "%s = the sum of each coefficient in the factors' units times its term, the "
             "settings in their units (x^2 its square, x*y the product)",
             name);
    sg_rstr(ctx, ws, r++, 0, buf, ctx->note);
    r = stationary_rows(ctx, ws, r, k, g);
    return r + 1;
}

sg_status sg_report_sheet_regression(sg_rctx *ctx, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    if (!sg_report_has_regression(in))
        return SG_OK;
    lxw_worksheet *ws = workbook_add_worksheet(ctx->wb, "Regression");
    if (!ws)
        return sg_error_set(err, SG_ERR_NOMEM, "report: cannot add the Regression sheet");
    sg_rstr(ctx, ws, 0, 0, "Quadratic regression (response-surface analysis)", ctx->title);
    sg_rstr(ctx, ws, 1, 0,
            "The richest quadratic the runs allow, by least squares. Coded coefficients: each "
            "factor from -1 at its smallest to +1 at its largest tested setting, so they "
            "compare; p below 0.05 marks a term the runs show.",
            ctx->note);
    lxw_row_t r = 3;
    for (size_t k = 0; k < in->n_responses; k++)
        if (in->regress[k])
            r = write_response(ctx, ws, r, k);
    sg_rcolumns(ctx, ws, 0, 0, 28);
    sg_rcolumns(ctx, ws, 1, 5, REGRESS_COL_WIDTH);
    return SG_OK;
}
