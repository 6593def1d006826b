/* report_calc_quad.c — the Calculator of a quadratic model ([model] type =
 * "quadratic"): its equation as live Excel formulas.
 *
 * The settings go into yellow cells (validated against the factor
 * bounds); each response's prediction is the polynomial in the factors'
 * units (log10 of a log-scale factor's setting; 10^ of it for a log-scale
 * response) over coefficient cells to the right, the same coefficients
 * as the Model sheet's; the interval is the calibrated one of `predict`
 * and `optimize`, clipped to the physical limits.  A column holds
 * surrogate's own value at the pre-filled settings, so the formulas can
 * be checked at a glance.  Category factors (indicator terms) are not
 * written: the caller leaves a note. */
#include "report/report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"

#define QC_FACTOR_ROW 5 /* first factor row (0-based) */
#define QC_COEF_COL 8   /* the coefficient block's first column */

/* The cell of factor i's setting as the polynomial reads it. */
static void setting_ref(const sg_model *m, size_t i, char *buf, size_t cap)
{
    lxw_row_t r = QC_FACTOR_ROW + (lxw_row_t)i;
    if (sg_model_factor_is_log(m, i))
        snprintf(buf, cap, "LOG10($C$%u)", (unsigned)r + 1);
    else
        snprintf(buf, cap, "$C$%u", (unsigned)r + 1);
}

/* Factor indices (a, b) of term q of a full quadratic in k numeric
 * factors (rsm.h's order: 1, x_i, x_i², x_a x_b for a < b); b = a for a
 * square, SIZE_MAX for a linear term, a = SIZE_MAX for the constant. */
static void term_factors(size_t q, size_t k, size_t *a, size_t *b)
{
    *a = *b = SIZE_MAX;
    if (q == 0)
        return;
    if (q <= k) {
        *a = q - 1;
        return;
    }
    if (q <= 2 * k) {
        *a = *b = q - 1 - k;
        return;
    }
    size_t p = q - 1 - 2 * k;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++, p--)
            if (p == 0) {
                *a = i;
                *b = j;
                return;
            }
}

/* The polynomial of response k over its coefficient column into f. */
static void poly_formula(const sg_model *m, size_t k, lxw_col_t coef_col, char *f, size_t cap)
{
    const sg_rsm *fit = sg_model_quadratic(m, k);
    size_t nf = sg_model_n_in(m), len = 0;
    char col[16];
    lxw_col_to_name(col, coef_col, true);
    for (size_t q = 0; q < sg_rsm_terms(fit) && len < cap; q++) {
        if (!sg_rsm_term_kept(fit, q))
            continue;
        size_t a, b;
        term_factors(q, nf, &a, &b);
        char xa[48] = "", xb[48] = "";
        if (a != SIZE_MAX)
            setting_ref(m, a, xa, sizeof xa);
        if (b != SIZE_MAX)
            setting_ref(m, b, xb, sizeof xb);
        len += (size_t)snprintf(f + len, cap - len, "%s%s%u%s%s%s%s", len ? "+" : "", col,
                                (unsigned)(QC_FACTOR_ROW + q + 1), a != SIZE_MAX ? "*" : "", xa,
                                b != SIZE_MAX ? "*" : "", xb);
    }
}

/* Pre-filled settings, a header and the yellow, validated input cells. */
static void write_factors(sg_rctx *ctx, lxw_worksheet *ws)
{
    const sg_report_input *in = ctx->in;
    const char *hdr[] = {"Factor", "Unit", "Setting", "Min", "Max"};
    for (int c = 0; c < 5; c++)
        sg_rstr(ctx, ws, QC_FACTOR_ROW - 1, (lxw_col_t)c, hdr[c], ctx->header);
    for (size_t i = 0; i < in->n_factors; i++) {
        const sg_report_factor *fa = &in->factors[i];
        lxw_row_t r = QC_FACTOR_ROW + (lxw_row_t)i;
        sg_rstr(ctx, ws, r, 0, fa->name, ctx->bold);
        sg_rstr(ctx, ws, r, 1, fa->unit, ctx->text);
        sg_rnum(ctx, ws, r, 2, ctx->settings[i], ctx->input);
        sg_rnum(ctx, ws, r, 3, fa->min, NULL);
        sg_rnum(ctx, ws, r, 4, fa->max, NULL);
        sg_report_range_validation(ctx, ws, r, 2, fa, "the quadratic");
    }
}

/* Each response's coefficients in the factors' units, one column each. */
static sg_status write_coefficients(sg_rctx *ctx, lxw_worksheet *ws, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const sg_model *m = in->model;
    size_t p = sg_rsm_terms(sg_model_quadratic(m, 0));
    double *unc = malloc(p * sizeof *unc);
    const char **names = calloc(in->n_factors, sizeof *names);
    if (!unc || !names) {
        free(unc);
        free(names);
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for the calculator");
    }
    for (size_t i = 0; i < in->n_factors; i++)
        names[i] = in->factors[i].name;
    sg_rstr(ctx, ws, QC_FACTOR_ROW - 2, QC_COEF_COL,
            "Coefficients in the factors' units (do not edit; the Model sheet's)", ctx->bold);
    sg_rstr(ctx, ws, QC_FACTOR_ROW - 1, QC_COEF_COL, "Term", ctx->header);
    char buf[256];
    for (size_t q = 0; q < p; q++) {
        if (q == 0)
            snprintf(buf, sizeof buf, "constant");
        else
            sg_rsm_term_name(sg_model_quadratic(m, 0), names, q, buf, sizeof buf);
        sg_rstr(ctx, ws, QC_FACTOR_ROW + (lxw_row_t)q, QC_COEF_COL, buf, ctx->text);
    }
    for (size_t k = 0; k < in->n_responses; k++) {
        const sg_rsm *fit = sg_model_quadratic(m, k);
        lxw_col_t c = (lxw_col_t)(QC_COEF_COL + 1 + k);
        sg_rstr(ctx, ws, QC_FACTOR_ROW - 1, c, in->responses[k].name, ctx->header);
        sg_rsm_uncoded(fit, sg_rsm_coefficients(fit), unc);
        for (size_t q = 0; q < p; q++)
            if (sg_rsm_term_kept(fit, q))
                RC(ctx, sg_rnumber(ctx, ws, QC_FACTOR_ROW + (lxw_row_t)q, c, unc[q],
                                   ctx->sci));
            else
                sg_rstr(ctx, ws, QC_FACTOR_ROW + (lxw_row_t)q, c, "dropped", ctx->text);
    }
    free(unc);
    free(names);
    return SG_OK;
}

/* A clipped interval bound: MAX / MIN against the physical limit. */
static void clipped(char *f, size_t cap, const char *expr, double limit, bool lower)
{
    if (isfinite(limit))
        sg_num_snprintf(f, cap, "=%s(%s,%.17g)", lower ? "MAX" : "MIN", expr, limit);
    else
        snprintf(f, cap, "=%s", expr);
}

/* Room for one response's formula: its polynomial (at most 36 terms of 7
 * factors, a few dozen characters each) and the wrapper around it. */
#define QC_FORMULA_MAX 16384

static sg_status write_predictions(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r0,
                                   const double *mean, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const sg_model *m = in->model;
    const char *hdr[] = {"Response", "Unit", "Predicted", "Interval low", "Interval high",
                         "surrogate at the pre-filled settings"};
    for (int c = 0; c < 6; c++)
        sg_rstr(ctx, ws, r0 - 1, (lxw_col_t)c, hdr[c], ctx->header);
    char expr[128];
    char *poly = malloc(QC_FORMULA_MAX), *f = malloc(QC_FORMULA_MAX + 32);
    if (!poly || !f) {
        free(poly);
        free(f);
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for the calculator");
    }
    for (size_t k = 0; k < in->n_responses; k++) {
        lxw_row_t r = r0 + (lxw_row_t)k;
        unsigned row1 = (unsigned)r + 1;
        bool lg = sg_model_response_is_log(m, k);
        int d = sg_rfmt_decimals_sig(fabs(mean[k]));
        sg_rstr(ctx, ws, r, 0, in->responses[k].name, ctx->bold);
        sg_rstr(ctx, ws, r, 1, in->responses[k].unit, ctx->text);
        poly_formula(m, k, (lxw_col_t)(QC_COEF_COL + 1 + k), poly, QC_FORMULA_MAX);
        snprintf(f, QC_FORMULA_MAX + 32, lg ? "=POWER(10,%s)" : "=%s", poly);
        RC(ctx, sg_rformula_num(ctx, ws, r, 2, f, ctx->num[d], mean[k]));
        sg_rnum(ctx, ws, r, 5, mean[k], ctx->num[d]);
        const sg_model_calibration *c = sg_model_calibration_of(m, k);
        if (!c)
            continue;
        double h = c->half_width, lo, hi;
        sg_model_interval(m, k, mean[k], h, &lo, &hi);
        sg_model_clip_interval(m, k, &lo, &hi);
        sg_num_snprintf(expr, sizeof expr, lg ? "C%u/POWER(10,%.17g)" : "C%u-%.17g", row1, h);
        clipped(f, QC_FORMULA_MAX, expr, sg_model_response_lower_limit(m, k), true);
        RC(ctx, sg_rformula_num(ctx, ws, r, 3, f, ctx->num[d], lo));
        sg_num_snprintf(expr, sizeof expr, lg ? "C%u*POWER(10,%.17g)" : "C%u+%.17g", row1, h);
        clipped(f, QC_FORMULA_MAX, expr, sg_model_response_upper_limit(m, k), false);
        RC(ctx, sg_rformula_num(ctx, ws, r, 4, f, ctx->num[d], hi));
    }
    free(poly);
    free(f);
    return SG_OK;
}

sg_status sg_report_calculator_quadratic(sg_rctx *ctx, lxw_worksheet *ws, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    double *mean = calloc(in->n_responses, sizeof *mean);
    if (!mean)
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for the calculator");
    sg_model_predict(in->model, ctx->mw, ctx->settings, mean, NULL);
    sg_rstr(ctx, ws, 0, 0, "Calculator", ctx->title);
    char note[400];
    snprintf(note, sizeof note,
             "The quadratic's equation as live formulas: type settings into the yellow cells "
             "(pre-filled: %s); the predictions%s update at once.",
             ctx->settings_label ? ctx->settings_label : "the middle of each range",
             sg_model_calibration_of(in->model, 0)
                 ? " and their calibrated intervals (as predict and optimize give them)"
                 : " (no calibrated interval: the model was fitted without cross-validation)");
    sg_rstr(ctx, ws, 1, 0, note, ctx->note);
    write_factors(ctx, ws);
    lxw_row_t r0 = QC_FACTOR_ROW + (lxw_row_t)in->n_factors + 2;
    sg_status st = write_coefficients(ctx, ws, err);
    if (st == SG_OK)
        st = write_predictions(ctx, ws, r0, mean, err);
    sg_rcolumns(ctx, ws, 0, 5, 14);
    sg_rcolumns(ctx, ws, QC_COEF_COL, (lxw_col_t)(QC_COEF_COL + in->n_responses), 16);
    free(mean);
    return st;
}
