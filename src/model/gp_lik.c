/* gp_lik.c — Matérn 5/2 correlation, factorisation of R + gI with jitter
 * escalation, and the concentrated log-likelihood with its gradient.
 *
 * With K = s2 (R + gI) and a constant mean, the maximum-likelihood mu and
 * s2 for given (l, g) are
 *     mu = 1'A^-1 y / 1'A^-1 1,   s2 = (y - mu)' A^-1 (y - mu) / n,   A = R + gI,
 * and the negative concentrated log-likelihood is
 *     NLL(theta) = n/2 log(2 pi s2) + 1/2 log|A| + n/2.
 * Since mu and s2 are optimal, their derivatives drop out (envelope
 * theorem) and, with alpha = A^-1 (y - mu),
 *     dNLL/dtheta_k = -1/2 tr((alpha alpha' / s2 - A^-1) dA/dtheta_k),
 *     dA_ij/dlog l_k = 5/3 (1 + sqrt5 r) exp(-sqrt5 r) ((u_ik - u_jk) / l_k)^2,
 *     dA/dlog g      = g I.
 */
#include "model/gp_internal.h"

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* log(2 pi) */
#define LOG_2PI 1.83787706640934548356

double sg_gp__corr(const double *a, const double *b, const double *l, size_t d)
{
    double s = 0;
    for (size_t j = 0; j < d; j++) {
        double t = (a[j] - b[j]) / l[j];
        s += t * t;
    }
    double r = sqrt(s);
    return (1.0 + SG_GP_SQRT5 * r + (5.0 / 3.0) * s) * exp(-SG_GP_SQRT5 * r);
}

sg_status sg_gp__lik_init(sg_gp__lik *lk, const double *U, const double *y, size_t n, size_t d,
                          double jitter_min, double jitter_max, sg_error *err)
{
    memset(lk, 0, sizeof *lk);
    lk->n = n;
    lk->d = d;
    lk->U = U;
    lk->y = y;
    lk->jitter_min = jitter_min;
    lk->jitter_max = jitter_max;
    lk->L = malloc(n * n * sizeof *lk->L);
    lk->alpha = malloc((3 * n + 2 * d) * sizeof *lk->alpha);
    if (!lk->L || !lk->alpha) {
        sg_gp__lik_free(lk);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory for a %zu x %zu covariance matrix",
                            n, n);
    }
    lk->w = lk->alpha + n;
    lk->tmp = lk->w + n;
    lk->l = lk->tmp + n;
    lk->diff = lk->l + d;
    return SG_OK;
}

void sg_gp__lik_free(sg_gp__lik *lk)
{
    free(lk->L);
    free(lk->alpha);
    lk->L = lk->alpha = lk->w = lk->tmp = lk->l = lk->diff = NULL;
}

/* Solve A x = b in place (b -> x) with the lower factor L (n, n). */
static void chol_solve(const double *L, size_t n, double *b)
{
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, (int)n, L, (int)n, b, 1);
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, (int)n, L, (int)n, b, 1);
}

sg_status sg_gp__lik_factor(sg_gp__lik *lk, const double *l, double g, sg_error *err)
{
    size_t n = lk->n, d = lk->d;
    double *A = lk->L;
    /* Strict lower triangle and its mirror: the factorisation overwrites the
     * lower part only, so a retry restores it from the upper one. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            A[i * n + j] = A[j * n + i] = sg_gp__corr(lk->U + i * d, lk->U + j * d, l, d);
    double jitter = 0;
    gsl_matrix_view mv = gsl_matrix_view_array(A, n, n);
    for (;;) {
        for (size_t i = 0; i < n; i++)
            A[i * n + i] = 1.0 + g + jitter;
        if (gsl_linalg_cholesky_decomp1(&mv.matrix) == GSL_SUCCESS)
            break;
        jitter = jitter == 0 ? lk->jitter_min : 10.0 * jitter;
        if (jitter == 0 || jitter > lk->jitter_max)
            return sg_error_set(err, SG_ERR_NUMERIC,
                                "the %zu x %zu covariance matrix is not positive definite even "
                                "with a diagonal jitter of %g (duplicate rows, or length scales "
                                "far beyond the factor ranges?)",
                                n, n, lk->jitter_max);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < i; j++)
                A[i * n + j] = A[j * n + i];
    }
    lk->jitter = jitter;
    double logdet = 0;
    for (size_t i = 0; i < n; i++)
        logdet += log(A[i * n + i]);
    lk->logdet = 2.0 * logdet;

    double *z = lk->alpha, *w = lk->w;
    for (size_t i = 0; i < n; i++) {
        w[i] = 1.0;
        z[i] = lk->y[i];
    }
    chol_solve(A, n, w);
    chol_solve(A, n, z);
    double c1 = 0, cy = 0;
    for (size_t i = 0; i < n; i++) {
        c1 += w[i];
        cy += z[i];
    }
    if (!(c1 > 0) || !isfinite(c1))
        return sg_error_set(err, SG_ERR_NUMERIC,
                            "the generalised least-squares mean cannot be estimated "
                            "(1' A^-1 1 = %g)", c1);
    double mu = cy / c1, q = 0;
    for (size_t i = 0; i < n; i++) {
        z[i] -= mu * w[i];
        q += (lk->y[i] - mu) * z[i];
    }
    double s2 = q / (double)n;
    if (!(s2 > 0) || !isfinite(s2))
        return sg_error_set(err, SG_ERR_NUMERIC,
                            "the signal variance estimate is not positive (%g)", s2);
    lk->mu = mu;
    lk->s2 = s2;
    lk->c1 = c1;
    return SG_OK;
}

sg_status sg_gp__neg_loglik(sg_gp__lik *lk, const double *theta, double *value, double *grad,
                            sg_error *err)
{
    size_t n = lk->n, d = lk->d;
    double *l = lk->l, *diff = lk->diff;
    for (size_t j = 0; j < d; j++)
        l[j] = exp(theta[j]);
    double g = exp(theta[d]);
    sg_status st = sg_gp__lik_factor(lk, l, g, err);
    if (st != SG_OK)
        return st;
    *value = 0.5 * (double)n * (LOG_2PI + log(lk->s2) + 1.0) + 0.5 * lk->logdet;
    if (!grad)
        return SG_OK;

    gsl_matrix_view mv = gsl_matrix_view_array(lk->L, n, n);
    if (gsl_linalg_cholesky_invert(&mv.matrix) != GSL_SUCCESS)
        return sg_error_set(err, SG_ERR_NUMERIC, "inverting the covariance matrix failed");
    const double *Ai = lk->L, *a = lk->alpha;
    double inv_s2 = 1.0 / lk->s2;
    for (size_t k = 0; k <= d; k++)
        grad[k] = 0;
    for (size_t i = 0; i < n; i++) {
        const double *ui = lk->U + i * d;
        for (size_t j = 0; j < i; j++) {
            const double *uj = lk->U + j * d;
            double s = 0;
            for (size_t k = 0; k < d; k++) {
                double t = (ui[k] - uj[k]) / l[k];
                diff[k] = t * t;
                s += diff[k];
            }
            double r = sqrt(s);
            double kfac = (5.0 / 3.0) * (1.0 + SG_GP_SQRT5 * r) * exp(-SG_GP_SQRT5 * r);
            double W = a[i] * a[j] * inv_s2 - Ai[i * n + j];
            /* both (i, j) and (j, i): 2 * (-1/2) */
            for (size_t k = 0; k < d; k++)
                grad[k] -= W * kfac * diff[k];
        }
    }
    double aa = 0, tr = 0;
    for (size_t i = 0; i < n; i++) {
        aa += a[i] * a[i];
        tr += Ai[i * n + i];
    }
    grad[d] = -0.5 * g * (aa * inv_s2 - tr);
    return SG_OK;
}
