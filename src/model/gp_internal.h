/* gp_internal.h — private layout of sg_gp and the likelihood shared by
 * gp.c (fit), gp_lik.c (kernel, factorisation, likelihood) and
 * gp_predict.c.  Not installed; other modules use gp.h only. */
#ifndef SG_GP_INTERNAL_H
#define SG_GP_INTERNAL_H

#include "core/internal.h"

#include <stdbool.h>
#include <stddef.h>

#include "model/gp.h"

/* sqrt(5), the Matérn 5/2 constant. */
#define SG_GP_SQRT5 2.23606797749978969641

struct sg_gp {
    size_t n, d;
    double *lo, *hi;      /* (d) scaling bounds */
    double *U;            /* (n, d) training inputs scaled to [0,1] */
    double y_mean, y_sd;  /* standardisation; y_sd = 1 for a constant response */
    double *length;       /* (d) length scales, scaled units */
    double s2;            /* signal variance, standardised units */
    double g;             /* nugget ratio incl. jitter: noise var = s2 * g */
    double mu;            /* GLS constant mean, standardised */
    double *alpha;        /* (n) (R + gI)^-1 (y - mu) */
    double *L;            /* (n, n) lower Cholesky factor of R + gI, row-major */
    double *w1;           /* (n) L^-1 1 */
    double c1;            /* 1' (R + gI)^-1 1 */
    double *loo_resid;    /* (n) response unit */
    double *loo_var;      /* (n) response unit squared */
    sg_gp_info info;
};

struct sg_gp_work {
    size_t n, d;
    const sg_gp *owner;
    double *buf;          /* one allocation: u (d), r (n), v (n) */
    double *u, *r, *v;
};

/* Matérn 5/2 correlation between rows a and b (d values each, scaled
 * units) with length scales l (d). */
SG_INTERNAL double sg_gp__corr(const double *a, const double *b, const double *l, size_t d);

/* The concentrated likelihood of standardised data: U (n, d) scaled inputs,
 * y (n) standardised response, both borrowed.  Holds the n x n buffers. */
typedef struct sg_gp__lik {
    size_t n, d;
    const double *U, *y;
    double jitter_min, jitter_max;
    double *L;       /* (n, n) R + gI, then its Cholesky factor / inverse */
    double *alpha;   /* (n) (R + gI)^-1 (y - mu 1) */
    double *w;       /* (n) (R + gI)^-1 1 */
    double *tmp;     /* (n) scratch */
    double *l, *diff; /* (d) each: length scales, squared scaled differences */
    /* results of the last successful sg_gp__lik_factor */
    double mu, s2, logdet, c1, jitter;
} sg_gp__lik;

SG_INTERNAL sg_status sg_gp__lik_init(sg_gp__lik *lk, const double *U, const double *y, size_t n,
                                      size_t d, double jitter_min, double jitter_max,
                                      sg_error *err);
SG_INTERNAL void sg_gp__lik_free(sg_gp__lik *lk);

/* Build R + gI for length scales l (d) and nugget ratio g, factor it (with
 * jitter escalation), and compute mu, s2, alpha, w, c1, logdet.  On return
 * lk->L holds the lower Cholesky factor.  SG_ERR_NUMERIC when even
 * jitter_max fails or s2 is not positive. */
SG_INTERNAL sg_status sg_gp__lik_factor(sg_gp__lik *lk, const double *l, double g, sg_error *err);

/* Negative concentrated log-likelihood at theta = (log l (d), log g) and,
 * when grad is not NULL, its gradient (d + 1) w.r.t. theta.  Destroys
 * lk->L (turned into the inverse) when grad is requested.  Returns
 * SG_OK and *value, or SG_ERR_NUMERIC (factorisation failed). */
SG_INTERNAL sg_status sg_gp__neg_loglik(sg_gp__lik *lk, const double *theta, double *value,
                                        double *grad, sg_error *err);

#endif
