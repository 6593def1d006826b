/* gp_predict.c — per-thread workspace, prediction and gradient of the
 * kriging model (gp.h).
 *
 * On the standardised scale, with r(u) (n) the correlations of u with the
 * training rows, v = L^-1 r, w1 = L^-1 1 and c1 = 1'A^-1 1:
 *     mean(u)      = mu + r' alpha
 *     var_latent   = s2 (1 - v'v + (1 - w1'v)^2 / c1)   (ordinary kriging,
 *                    the last term is the uncertainty of the estimated mu)
 *     var_noisy    = var_latent + s2 g
 * and d mean / d u_j = sum_i alpha_i dk(u, u_i)/du_j with
 *     dk/du_j = -5/3 (1 + sqrt5 r) exp(-sqrt5 r) (u_j - u_ij) / l_j^2.
 */
#include "model/gp.h"
#include "model/gp_internal.h"

#include <gsl/gsl_cblas.h>
#include <math.h>
#include <stdlib.h>

sg_status sg_gp_work_create(const sg_gp *gp, sg_gp_work **out, sg_error *err)
{
    *out = NULL;
    sg_gp_work *w = calloc(1, sizeof *w);
    if (!w || !(w->buf = malloc((gp->d + 2 * gp->n) * sizeof *w->buf))) {
        free(w);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory for a GP workspace");
    }
    w->n = gp->n;
    w->d = gp->d;
    w->owner = gp;
    w->u = w->buf;
    w->r = w->u + gp->d;
    w->v = w->r + gp->n;
    *out = w;
    return SG_OK;
}

void sg_gp_work_destroy(sg_gp_work *w)
{
    if (!w)
        return;
    free(w->buf);
    free(w);
}

static void scale_x(const sg_gp *gp, const double *x, double *u)
{
    for (size_t j = 0; j < gp->d; j++)
        u[j] = (x[j] - gp->lo[j]) / (gp->hi[j] - gp->lo[j]);
}

void sg_gp_predict(const sg_gp *gp, sg_gp_work *w, const double *x, double *mean, double *var,
                   double *var_noisy)
{
    size_t n = gp->n, d = gp->d;
    if (gp->info.constant) {
        *mean = gp->y_mean;
        if (var)
            *var = 0;
        if (var_noisy)
            *var_noisy = 0;
        return;
    }
    scale_x(gp, x, w->u);
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        w->r[i] = sg_gp__corr(w->u, gp->U + i * d, gp->length, d);
        m += w->r[i] * gp->alpha[i];
    }
    *mean = gp->y_mean + gp->y_sd * (gp->mu + m);
    if (!var && !var_noisy)
        return;
    for (size_t i = 0; i < n; i++)
        w->v[i] = w->r[i];
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, (int)n, gp->L, (int)n,
                w->v, 1);
    double vv = 0, wv = 0;
    for (size_t i = 0; i < n; i++) {
        vv += w->v[i] * w->v[i];
        wv += gp->w1[i] * w->v[i];
    }
    double t = 1.0 - wv;
    double lat = gp->s2 * (1.0 - vv + t * t / gp->c1);
    if (!(lat > 0)) /* rounding at a training point */
        lat = 0;
    double sd2 = gp->y_sd * gp->y_sd;
    if (var)
        *var = sd2 * lat;
    if (var_noisy)
        *var_noisy = sd2 * (lat + gp->s2 * gp->g);
}

sg_status sg_gp_predict_batch(const sg_gp *gp, sg_gp_work *w, const double *X, size_t m,
                              double *mean, double *var, double *var_noisy, sg_error *err)
{
    if (!w || w->owner != gp || w->n != gp->n || w->d != gp->d)
        return sg_error_set(err, SG_ERR_INVALID,
                            "sg_gp_predict_batch: the workspace belongs to another model");
    for (size_t k = 0; k < m; k++)
        for (size_t j = 0; j < gp->d; j++)
            if (!isfinite(X[k * gp->d + j]))
                return sg_error_set(err, SG_ERR_INVALID,
                                    "factor %zu of point %zu is not a finite number", j + 1,
                                    k + 1);
    for (size_t k = 0; k < m; k++)
        sg_gp_predict(gp, w, X + k * gp->d, mean + k, var ? var + k : NULL,
                      var_noisy ? var_noisy + k : NULL);
    return SG_OK;
}

void sg_gp_gradient(const sg_gp *gp, sg_gp_work *w, const double *x, double *mean, double *grad)
{
    size_t n = gp->n, d = gp->d;
    for (size_t j = 0; j < d; j++)
        grad[j] = 0;
    if (gp->info.constant) {
        if (mean)
            *mean = gp->y_mean;
        return;
    }
    double *u = w->u;
    scale_x(gp, x, u);
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        const double *ui = gp->U + i * d;
        double s = 0;
        for (size_t j = 0; j < d; j++) {
            double t = (u[j] - ui[j]) / gp->length[j];
            s += t * t;
        }
        double r = sqrt(s), e = exp(-SG_GP_SQRT5 * r);
        double k = (1.0 + SG_GP_SQRT5 * r + (5.0 / 3.0) * s) * e; /* as sg_gp__corr */
        m += k * gp->alpha[i];
        double f = -gp->alpha[i] * (5.0 / 3.0) * (1.0 + SG_GP_SQRT5 * r) * e;
        for (size_t j = 0; j < d; j++)
            grad[j] += f * (u[j] - ui[j]) / (gp->length[j] * gp->length[j]);
    }
    for (size_t j = 0; j < d; j++)
        grad[j] *= gp->y_sd / (gp->hi[j] - gp->lo[j]);
    if (mean)
        *mean = gp->y_mean + gp->y_sd * (gp->mu + m);
}
