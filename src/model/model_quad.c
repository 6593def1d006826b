/* model_quad.c — the surrogate as the quadratic response surface, one
 * least-squares fit per response (model.h, type = "quadratic"): what an
 * engineer with a central composite or Box-Behnken design optimises, and
 * what fit recommends when the network is no better.
 *
 * The fit is the baseline's (rsm.h: the richest form the runs allow, terms
 * the design cannot separate dropped), so the model's cross-validation is
 * the quadratic figure fit prints beside the network.  The model file
 * stores the runs; the loader refits them, exactly as the fit does, so a
 * reloaded model predicts bit for bit like the fitted one.
 *
 * Spread: the standard error of the fitted mean at x, s·sqrt(t' (B'B)^-1 t)
 * with B the runs' kept terms, t the point's and s the residual sd (0
 * without residual degrees of freedom): small near the runs, growing away
 * from them, as kriging's sd.  (B'B)^-1 = R^-1 R^-T from B's QR, so the
 * prediction needs only u = R^-T t and |u|². */
#include "model/model_internal.h"

#include "analysis/regress.h"

#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sg_model__quad_clear(sg_model_quad *q)
{
    sg_rsm_destroy(q->fit);
    free(q->rinv);
    memset(q, 0, sizeof *q);
}

/* R^-1 (rank × rank, row-major, upper) of the QR of the runs' kept terms;
 * false when out of memory or R is singular (not possible for the terms
 * rsm.c keeps, each independent of those before it). */
static bool kept_rinv(sg_model_quad *q, const double *X, size_t n, size_t n_in)
{
    size_t p = sg_rsm_terms(q->fit), rk = q->rank;
    gsl_matrix *B = gsl_matrix_alloc(n, rk);
    gsl_vector *tau = gsl_vector_alloc(rk);
    double *t = malloc(p * sizeof *t);
    q->rinv = calloc(rk * rk, sizeof *q->rinv);
    bool ok = B && tau && t && q->rinv;
    for (size_t r = 0; ok && r < n; r++) {
        sg_rsm_term_values(q->fit, X + r * n_in, t);
        for (size_t a = 0, c = 0; a < p; a++)
            if (sg_rsm_term_kept(q->fit, a))
                gsl_matrix_set(B, r, c++, t[a]);
    }
    if (ok)
        ok = gsl_linalg_QR_decomp(B, tau) == GSL_SUCCESS;
    for (size_t i = 0; ok && i < rk; i++)
        ok = gsl_matrix_get(B, i, i) != 0.0;
    if (ok) {
        gsl_matrix_view R = gsl_matrix_submatrix(B, 0, 0, rk, rk);
        ok = gsl_linalg_tri_invert(CblasUpper, CblasNonUnit, &R.matrix) == GSL_SUCCESS;
        for (size_t i = 0; ok && i < rk; i++)
            for (size_t j = i; j < rk; j++)
                q->rinv[i * rk + j] = gsl_matrix_get(&R.matrix, i, j);
    }
    gsl_matrix_free(B);
    gsl_vector_free(tau);
    free(t);
    return ok;
}

/* The rows a fit is made from: the runs' settings, one response as fitted. */
typedef struct quad_rows {
    const double *X;            /* (n, k) */
    const double *y;            /* (n) log10 of a log-scale response's values */
    size_t n, k;
    const sg_rsm_factor *kinds; /* (k) */
} quad_rows;

/* The fit of the rows in the baseline's form (full false) or the full
 * quadratic's. */
static sg_status fit_rows(const quad_rows *d, bool full, sg_rsm **out, sg_error *err)
{
    return (full ? sg_rsm_fit_full : sg_rsm_fit_factors)(d->X, d->k, d->k, d->kinds, d->y, 1,
                                                          NULL, d->n, out, err);
}

/* Residual sd and R^-1 of q->fit over the rows. */
static sg_status finish(sg_model_quad *q, const quad_rows *d, sg_error *err)
{
    q->rank = sg_rsm_rank(q->fit);
    double sse = 0.0;
    for (size_t r = 0; r < d->n; r++) {
        double e = d->y[r] - sg_rsm_predict(q->fit, d->X + r * d->k);
        sse += e * e;
    }
    q->s = d->n > q->rank ? sqrt(sse / (double)(d->n - q->rank)) : 0.0;
    if (!kept_rinv(q, d->X, d->n, d->k))
        return sg_error_set(err, SG_ERR_NUMERIC, "the quadratic's terms could not be factorised");
    return SG_OK;
}

/* With fewer runs than the full quadratic's terms, a design that aliases
 * terms may still separate the interactions the reduced form loses (a
 * two-level fraction with centre runs): the full form replaces it when
 * analyze's regression takes it (regress.h, full_taken: left out one run at
 * a time it predicts better), so that the model and the equation analyze
 * prints are one.  q holds the reduced fit on entry. */
static sg_status prefer_full(sg_model_quad *q, const quad_rows *d, sg_error *err)
{
    sg_regress *g = NULL;
    sg_error quiet;
    sg_status st = sg_regress_quadratic(d->X, d->k, d->k, d->kinds, NULL, d->y, 1, d->n, &g,
                                        &quiet);
    bool full = st == SG_OK && g->full_taken;
    sg_regress_destroy(g);
    if (st == SG_ERR_NOMEM)
        return sg_error_set(err, st, "out of memory");
    if (!full)
        return SG_OK;
    sg_model_quad w;
    memset(&w, 0, sizeof w);
    st = fit_rows(d, true, &w.fit, err);
    if (st == SG_OK)
        st = finish(&w, d, err);
    if (st == SG_OK) {
        sg_model__quad_clear(q);
        *q = w;
    } else {
        sg_model__quad_clear(&w);
    }
    return st;
}

sg_status sg_model__quad_build(sg_model *m, size_t j, sg_error *err)
{
    size_t n = m->n_rows, k = m->n_in, no = m->n_out;
    sg_model_quad *q = &m->quad[j];
    sg_model__quad_clear(q);
    double *y = malloc(n * sizeof *y);
    sg_rsm_factor *kinds = malloc(k * sizeof *kinds);
    if (!y || !kinds) {
        free(y);
        free(kinds);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    }
    sg_model__rsm_kinds(&m->spec, k, kinds);
    sg_model__rsm_response(&m->spec, j, m->gy + j, no, n, y);
    quad_rows d = {m->qx, y, n, k, kinds};
    sg_status st = fit_rows(&d, false, &q->fit, err);
    if (st == SG_OK)
        st = finish(q, &d, err);
    if (st == SG_OK && sg_rsm_form_of(q->fit) != SG_RSM_FULL)
        st = prefer_full(q, &d, err);
    free(y);
    free(kinds);
    if (st != SG_OK)
        sg_error_prefix(err, m->rname[j]);
    return st;
}

sg_status sg_model__fit_quad(const sg_model_spec *spec, size_t n_in, size_t n_out,
                             const double *X, const double *Y, size_t n,
                             const char *const *response_names, sg_model **out, sg_error *err)
{
    *out = NULL;
    if (!X || !Y)
        return sg_error_set(err, SG_ERR_INVALID, "model fit: no data");
    sg_status st = sg_model__numbers_only(spec, n_out, response_names,
                                          "the quadratic (type = \"quadratic\")", "", err);
    if (st != SG_OK)
        return st;
    sg_model *m = NULL;
    st = sg_model__alloc_quad(spec, n_in, n_out, n, &m, err);
    for (size_t j = 0; st == SG_OK && response_names && j < n_out; j++)
        st = sg_model_set_string(&m->rname[j], response_names[j], err);
    if (st == SG_OK)
        st = sg_model__log_responses(spec, Y, n, n_out, m->gy, err); /* checks the values */
    if (st != SG_OK) {
        sg_model_destroy(m);
        return st;
    }
    memcpy(m->qx, X, n * n_in * sizeof *X);
    memcpy(m->gy, Y, n * n_out * sizeof *Y); /* the values themselves (model file) */
    sg_model__bounds_of_rows(m, X, n);
    for (size_t j = 0; j < n_out && st == SG_OK; j++)
        st = sg_model__quad_build(m, j, err);
    if (st != SG_OK) {
        sg_error_prefix(err, "quadratic (type = \"quadratic\")");
        sg_model_destroy(m);
        return st;
    }
    *out = m;
    return SG_OK;
}

/* s·sqrt(|R^-T t|²) of response j's fit at the term values t (p); u
 * (rank) scratch. */
static double mean_se(const sg_model_quad *q, const double *t, double *u)
{
    size_t p = sg_rsm_terms(q->fit), rk = q->rank, c = 0;
    for (size_t a = 0; a < p; a++)
        if (sg_rsm_term_kept(q->fit, a))
            u[c++] = t[a];
    double h = 0.0;
    for (size_t j = rk; j-- > 0;) { /* (R^-T t)_j = sum_{i <= j} Rinv[i][j] t_i */
        double v = 0.0;
        for (size_t i = 0; i <= j; i++)
            v += q->rinv[i * rk + j] * u[i];
        h += v * v;
    }
    return q->s * sqrt(h);
}

void sg_model__quad_predict(const sg_model *m, size_t j, const double *x, double *t,
                            double *u, double *mean, double *sd)
{
    const sg_model_quad *q = &m->quad[j];
    double v = sg_rsm_predict(q->fit, x);
    *mean = sg_model__rsm_unit(&m->spec, j, v);
    if (!sd)
        return;
    sg_rsm_term_values(q->fit, x, t);
    *sd = mean_se(q, t, u);
    if (sg_model__is_log_y(&m->spec, j)) /* 10^v, its sd to first order */
        *sd *= *mean * log(10.0);
}

double sg_model__quad_gradient(const sg_model *m, size_t j, const double *x, double *grad)
{
    double v = sg_rsm_gradient(m->quad[j].fit, x, grad);
    double mean = sg_model__rsm_unit(&m->spec, j, v);
    if (sg_model__is_log_y(&m->spec, j)) /* d 10^v = 10^v ln 10 dv */
        for (size_t i = 0; i < m->n_in; i++)
            grad[i] *= mean * log(10.0);
    return mean;
}

size_t sg_model__quad_terms(const sg_model *m)
{
    size_t p = 0;
    for (size_t j = 0; m->quad && j < m->n_out; j++)
        if (m->quad[j].fit && sg_rsm_terms(m->quad[j].fit) > p)
            p = sg_rsm_terms(m->quad[j].fit);
    return p;
}

const sg_rsm *sg_model_quadratic(const sg_model *m, size_t j)
{
    return m->type == SG_MODEL_QUAD && j < m->n_out ? m->quad[j].fit : NULL;
}

void sg_model_quadratic_form(const sg_model *m, size_t j, char *buf, size_t cap)
{
    const sg_rsm *f = sg_model_quadratic(m, j);
    if (!f) {
        snprintf(buf, cap, "not a quadratic model");
        return;
    }
    size_t p = sg_rsm_terms(f), rk = sg_rsm_rank(f);
    if (sg_rsm_form_of(f) != SG_RSM_FULL || rk == p)
        snprintf(buf, cap, "%s", sg_rsm_description(f));
    else if (m->n_rows < p) /* prefer_full chose it */
        snprintf(buf, cap,
                 "full quadratic, %zu of its %zu terms separable by the design (taken over "
                 "the reduced form: left out one run at a time it predicts better)",
                 rk, p);
    else
        snprintf(buf, cap, "full quadratic, %zu of its %zu terms separable by the design", rk,
                 p);
}

double sg_model_quadratic_residual_sd(const sg_model *m, size_t j)
{
    return m->type == SG_MODEL_QUAD && j < m->n_out ? m->quad[j].s : 0.0;
}

bool sg_model_quadratic_saturated(const sg_model *m, size_t j)
{
    return m->type == SG_MODEL_QUAD && j < m->n_out && m->n_rows <= m->quad[j].rank;
}
