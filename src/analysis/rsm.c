#include "analysis/rsm.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sg_rsm {
    size_t k, p, rank;
    double *mid;  /* (k) coding centre */
    double *half; /* (k) coding half-range, > 0 */
    double *coef; /* (p), 0 for dropped terms */
    char warning[512];
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

/* Numerical rank of the columns cols[0..nc) of A (n >= nc). */
static sg_status column_rank(const gsl_matrix *A, const size_t *cols, size_t nc, size_t *rank,
                             sg_error *err)
{
    size_t n = A->size1;
    gsl_matrix *U = gsl_matrix_alloc(n, nc), *V = gsl_matrix_alloc(nc, nc);
    gsl_vector *S = gsl_vector_alloc(nc), *w = gsl_vector_alloc(nc);
    sg_status st = SG_OK;
    if (!U || !V || !S || !w) {
        st = sg_error_set(err, SG_ERR_NOMEM, "rsm fit: out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < nc; c++)
            gsl_matrix_set(U, i, c, gsl_matrix_get(A, i, cols[c]));
    int gs = gsl_linalg_SV_decomp(U, V, S, w);
    if (gs != GSL_SUCCESS) {
        st = sg_error_set(err, SG_ERR_NUMERIC, "rsm fit: SVD failed (%s)", gsl_strerror(gs));
        goto done;
    }
    double smax = gsl_vector_get(S, 0);
    *rank = 0;
    for (size_t c = 0; c < nc; c++)
        if (gsl_vector_get(S, c) > SG_RSM_RANK_TOL * smax)
            (*rank)++;
done:
    gsl_matrix_free(U);
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(w);
    return st;
}

/* Least squares on the kept columns (full rank); coef (p) gets 0 elsewhere. */
static sg_status solve_kept(const gsl_matrix *A, const gsl_vector *b, const size_t *keep,
                            size_t nk, double *coef, sg_error *err)
{
    size_t n = A->size1;
    gsl_matrix *As = gsl_matrix_alloc(n, nk), *cov = gsl_matrix_alloc(nk, nk);
    gsl_vector *c = gsl_vector_alloc(nk);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, nk);
    sg_status st = SG_OK;
    if (!As || !cov || !c || !w) {
        st = sg_error_set(err, SG_ERR_NOMEM, "rsm fit: out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t q = 0; q < nk; q++)
            gsl_matrix_set(As, i, q, gsl_matrix_get(A, i, keep[q]));
    double chisq = 0.0;
    int gs = gsl_multifit_linear(As, b, c, cov, &chisq, w);
    if (gs != GSL_SUCCESS) {
        st = sg_error_set(err, SG_ERR_NUMERIC, "rsm fit: least squares failed (%s)",
                          gsl_strerror(gs));
        goto done;
    }
    for (size_t q = 0; q < nk; q++)
        coef[keep[q]] = gsl_vector_get(c, q);
done:
    gsl_matrix_free(As);
    gsl_matrix_free(cov);
    gsl_vector_free(c);
    gsl_multifit_linear_free(w);
    return st;
}

/* Append the name of term q (" x2", " x1^2", " x1*x3") to buf. */
static void append_term(char *buf, size_t cap, size_t k, size_t q)
{
    char t[48];
    if (q == 0)
        snprintf(t, sizeof t, " 1");
    else if (q <= k)
        snprintf(t, sizeof t, " x%zu", q);
    else if (q <= 2 * k)
        snprintf(t, sizeof t, " x%zu^2", q - k);
    else {
        size_t c = 1 + 2 * k;
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++, c++)
                if (c == q)
                    snprintf(t, sizeof t, " x%zu*x%zu", i + 1, j + 1);
    }
    size_t len = strlen(buf);
    if (len + strlen(t) + 1 < cap)
        memcpy(buf + len, t, strlen(t) + 1);
}

sg_status sg_rsm_fit(const double *X, size_t ldx, size_t k, const double *y, size_t ldy,
                     const size_t *rows, size_t n, sg_rsm **out, sg_error *err)
{
    sg_status st = SG_OK;
    sg_rsm *m = NULL;
    gsl_matrix *A = NULL;
    gsl_vector *b = NULL;
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
    if (!A || !b)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        for (size_t j = 0; j < k; j++)
            z[j] = (X[r * ldx + j] - m->mid[j]) / m->half[j];
        basis(k, z, t);
        for (size_t q = 0; q < p; q++) {
            /* a range wider than DBL_MAX codes to inf/NaN; GSL's SVD must
             * only see finite entries (it can fail to converge otherwise) */
            if (!isfinite(t[q])) {
                st = sg_error_set(err, SG_ERR_NUMERIC,
                                  "rsm fit: the factors' range is too wide to code (row %zu)",
                                  r + 1);
                goto fail;
            }
            gsl_matrix_set(A, i, q, t[q]);
        }
        double v = y[r * ldy];
        if (!isfinite(v)) {
            st = sg_error_set(err, SG_ERR_NUMERIC, "rsm fit: response of row %zu is not finite",
                              r + 1);
            goto fail;
        }
        gsl_vector_set(b, i, v);
    }
    /* Greedy estimability: keep a term only if it raises the rank of the
     * columns kept so far (terms in order 1, linear, squares, interactions). */
    char dropped[320] = "";
    size_t *keep = malloc(p * sizeof *keep), q_kept = 0;
    if (!keep)
        goto nomem;
    for (size_t q = 0; q < p; q++) {
        keep[q_kept] = q;
        size_t r = 0;
        if ((st = column_rank(A, keep, q_kept + 1, &r, err)) != SG_OK) {
            free(keep);
            goto fail;
        }
        if (r == q_kept + 1)
            q_kept++;
        else
            append_term(dropped, sizeof dropped, k, q);
    }
    m->rank = q_kept;
    st = solve_kept(A, b, keep, q_kept, m->coef, err);
    free(keep);
    if (st != SG_OK)
        goto fail;
    for (size_t q = 0; q < p; q++) {
        if (!isfinite(m->coef[q])) {
            st = sg_error_set(err, SG_ERR_NUMERIC, "rsm fit: coefficient %zu is not finite", q);
            goto fail;
        }
    }
    if (q_kept < p) {
        char head[128];
        snprintf(head, sizeof head,
                 "the design supports only %zu of the %zu quadratic terms; dropped:", q_kept, p);
        if (snprintf(m->warning, sizeof m->warning, "%s%s", head, dropped) < 0)
            m->warning[0] = '\0';
    }
    *out = m;
    m = NULL;
    goto done;
nomem:
    st = sg_error_set(err, SG_ERR_NOMEM, "rsm fit: out of memory");
fail:
done:
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
