#include "rsm.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sg_rsm {
    size_t k, p, rank;
    double *mid;  /* (k) coding centre */
    double *half; /* (k) coding half-range, > 0 */
    double *coef; /* (p) */
    char warning[256];
};

size_t sg_rsm_n_terms(size_t k)
{
    return 1 + 2 * k + k * (k - 1) / 2;
}

/* Fill the p basis terms of coded point z (k). */
static void basis(size_t k, const double *z, double *t)
{
    size_t c = 0;
    t[c++] = 1.0;
    for (size_t i = 0; i < k; i++)
        t[c++] = z[i];
    for (size_t i = 0; i < k; i++)
        t[c++] = z[i] * z[i];
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            t[c++] = z[i] * z[j];
}

void sg_rsm_destroy(sg_rsm *m)
{
    if (!m)
        return;
    free(m->mid);
    free(m->half);
    free(m->coef);
    free(m);
}

sg_status sg_rsm_fit(const double *X, size_t ldx, size_t k, const double *y, size_t ldy,
                     const size_t *rows, size_t n, sg_rsm **out, sg_error *err)
{
    sg_status st = SG_OK;
    sg_rsm *m = NULL;
    gsl_matrix *A = NULL;
    gsl_vector *b = NULL, *c = NULL;
    gsl_matrix *cov = NULL;
    gsl_multifit_linear_workspace *w = NULL;
    double *z = NULL, *t = NULL;
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "rsm fit: no output");
    *out = NULL;
    if (!X || !y || k == 0)
        return sg_error_set(err, SG_ERR_INVALID, "rsm fit needs at least one factor");
    size_t p = sg_rsm_n_terms(k);
    if (n < p)
        return sg_error_set(err, SG_ERR_INVALID,
                            "a full quadratic in %zu factors has %zu terms but only %zu rows "
                            "are available",
                            k, p, n);
    m = calloc(1, sizeof *m);
    if (!m)
        goto nomem;
    m->k = k;
    m->p = p;
    m->mid = malloc(k * sizeof *m->mid);
    m->half = malloc(k * sizeof *m->half);
    m->coef = calloc(p, sizeof *m->coef);
    z = malloc(k * sizeof *z);
    t = malloc(p * sizeof *t);
    if (!m->mid || !m->half || !m->coef || !z || !t)
        goto nomem;
    for (size_t j = 0; j < k; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            double v = X[(rows ? rows[i] : i) * ldx + j];
            if (!isfinite(v)) {
                st = sg_error_set(err, SG_ERR_NUMERIC, "rsm fit: factor %zu of row %zu is not finite",
                                  j + 1, (rows ? rows[i] : i) + 1);
                goto fail;
            }
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
        m->mid[j] = 0.5 * (lo + hi);
        m->half[j] = hi > lo ? 0.5 * (hi - lo) : 1.0;
    }
    A = gsl_matrix_alloc(n, p);
    b = gsl_vector_alloc(n);
    c = gsl_vector_alloc(p);
    cov = gsl_matrix_alloc(p, p);
    w = gsl_multifit_linear_alloc(n, p);
    if (!A || !b || !c || !cov || !w)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        for (size_t j = 0; j < k; j++)
            z[j] = (X[r * ldx + j] - m->mid[j]) / m->half[j];
        basis(k, z, t);
        for (size_t q = 0; q < p; q++)
            gsl_matrix_set(A, i, q, t[q]);
        double v = y[r * ldy];
        if (!isfinite(v)) {
            st = sg_error_set(err, SG_ERR_NUMERIC, "rsm fit: response of row %zu is not finite",
                              r + 1);
            goto fail;
        }
        gsl_vector_set(b, i, v);
    }
    double chisq = 0.0;
    size_t rank = 0;
    int gs = gsl_multifit_linear_tsvd(A, b, SG_RSM_RANK_TOL, c, cov, &chisq, &rank, w);
    if (gs != GSL_SUCCESS) {
        st = sg_error_set(err, SG_ERR_NUMERIC, "rsm fit: least squares failed (%s)",
                          gsl_strerror(gs));
        goto fail;
    }
    m->rank = rank;
    for (size_t q = 0; q < p; q++) {
        m->coef[q] = gsl_vector_get(c, q);
        if (!isfinite(m->coef[q])) {
            st = sg_error_set(err, SG_ERR_NUMERIC, "rsm fit: coefficient %zu is not finite", q);
            goto fail;
        }
    }
    if (rank < p)
        snprintf(m->warning, sizeof m->warning,
                 "the design supports only %zu of the %zu quadratic terms; the response "
                 "surface uses the minimum-norm solution",
                 rank, p);
    *out = m;
    m = NULL;
    goto done;
nomem:
    st = sg_error_set(err, SG_ERR_NOMEM, "rsm fit: out of memory");
fail:
done:
    gsl_multifit_linear_free(w);
    gsl_matrix_free(cov);
    gsl_vector_free(c);
    gsl_vector_free(b);
    gsl_matrix_free(A);
    free(z);
    free(t);
    sg_rsm_destroy(m);
    return st;
}

double sg_rsm_predict(const sg_rsm *m, const double *x)
{
    /* Small fixed stack buffers would limit k; compute the sum directly. */
    double s = m->coef[0];
    size_t k = m->k, c = 1 + 2 * k;
    for (size_t i = 0; i < k; i++) {
        double zi = (x[i] - m->mid[i]) / m->half[i];
        s += m->coef[1 + i] * zi + m->coef[1 + k + i] * zi * zi;
        for (size_t j = i + 1; j < k; j++)
            s += m->coef[c++] * zi * (x[j] - m->mid[j]) / m->half[j];
    }
    return s;
}

size_t sg_rsm_n_factors(const sg_rsm *m) { return m->k; }
size_t sg_rsm_rank(const sg_rsm *m) { return m->rank; }
const char *sg_rsm_warning(const sg_rsm *m) { return m->warning; }
const double *sg_rsm_coefficients(const sg_rsm *m) { return m->coef; }
