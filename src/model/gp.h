/* gp.h — Gaussian-process (kriging) regression of one response.
 *
 * Model.  Inputs are scaled to u in [0,1]^d over the given bounds, the
 * response is standardised (y - mean) / sd.  On that scale
 *     y(u) = mu + f(u) + e,   f ~ GP(0, s2 * k(u, u')),   e ~ N(0, s2 * g),
 * with the Matérn 5/2 kernel with one length scale per factor (ARD):
 *     k = (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r),
 *     r^2 = sum_j ((u_j - u'_j) / l_j)^2.
 * The mean is a CONSTANT mu estimated by generalised least squares
 * (ordinary kriging).  A linear trend was not chosen: on the small designs
 * this toolkit sees (9-27 runs) it spends d+1 of the few runs on a trend the
 * ARD kernel already represents through long length scales, and it makes
 * extrapolation follow a straight line that nothing in the data confirms.
 *
 * Hyper-parameters.  mu and the signal variance s2 have closed-form maximum
 * likelihood values for given length scales l and nugget ratio g (noise
 * variance / signal variance), so the optimiser works on the concentrated
 * log-likelihood of theta = (log l_1 .. log l_d, log g) only, with its
 * analytic gradient, plus a weak log-normal prior on each l_j whose median
 * grows with sqrt(d) (as in Hvarfner et al. 2024, "Vanilla Bayesian
 * optimization performs great in high dimensions"; without it, on 3-level
 * arrays the likelihood often runs to the smallest length scale, three
 * unrelated curves between which the prediction falls back to mu; with
 * length_prior_sd = 0 the fit is plain maximum likelihood), by NLopt's
 * L-BFGS inside bounds on theta, from
 * n_starts starts: the first l_j = SG_GP_START_LENGTH, g = SG_GP_START_NUGGET;
 * the others drawn log-uniformly from the start box by a SplitMix64 stream
 * seeded with the caller's seed.  The start with the largest likelihood wins
 * (the earliest on a tie), so the same data, options and seed give
 * bit-identical hyper-parameters.
 *
 * A factor at one value in every training row (a column nobody varied, or a
 * category name absent from a fold) has no length scale the data could
 * fix: it is held at SG_GP_FLAT_LENGTH, so predictions do not depend on it,
 * and the prior's sqrt(d) counts only the factors that vary.  Without
 * bounds its scaling range is [v, v + max(|v|, 1)].
 *
 * Numerics.  Cholesky factor of R + g I by GSL.  When it fails (not
 * positive definite in floating point) a jitter is added to the diagonal,
 * starting at jitter_min and growing tenfold up to jitter_max; the jitter
 * used is kept as part of the nugget (noise_var includes it).  When even
 * jitter_max fails the fit returns SG_ERR_NUMERIC, never NaN.
 *
 * Cost.  Each likelihood evaluation is O(n^3) (factor and inverse of an
 * n x n matrix) and the model holds O(n^2) memory; one prediction is O(n d)
 * for the mean and O(n^2) for its variance.  Tables above SG_GP_MAX_ROWS
 * rows are REFUSED with SG_ERR_LIMIT (no silent subsampling): use the
 * network, or subsample the table yourself.
 *
 * Threads.  A fitted sg_gp is immutable; every evaluation writes only into
 * an sg_gp_work, so one model may serve many threads, each with its own
 * work.  No function prints or exits.  The caller turns GSL's abort-on-error
 * handler off (gsl_set_error_handler_off) as everywhere in the library.
 */
#ifndef SG_GP_H
#define SG_GP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Largest table fitted (one likelihood evaluation at 2,000 rows is about
 * 3 GFLOP; the fit needs a few hundred evaluations per start). */
#define SG_GP_MAX_ROWS 2000
/* Relative range (to the largest |y|) below which the response is constant. */
#define SG_GP_CONST_REL 1e-12
/* Length scale of a factor every training row has at one value: the data
 * say nothing about it, so the kernel ignores it (its term (du / l)^2 is 0
 * for any du in range) instead of keeping whatever length a start gave. */
#define SG_GP_FLAT_LENGTH 1e300

/* ---- option defaults (reasons in doc/model.md) ---- */
#define SG_GP_DEFAULT_N_STARTS 8
#define SG_GP_DEFAULT_MAX_EVAL 300       /* likelihood evaluations per start */
#define SG_GP_DEFAULT_FTOL_REL 1e-9      /* on the negative log-likelihood */
#define SG_GP_DEFAULT_XTOL_REL 1e-6      /* on the log-parameters */
#define SG_GP_DEFAULT_LENGTH_MIN 0.01    /* share of the factor's range */
#define SG_GP_DEFAULT_LENGTH_MAX 100.0
#define SG_GP_DEFAULT_NUGGET_MIN 1e-8    /* noise variance / signal variance */
#define SG_GP_DEFAULT_NUGGET_MAX 10.0
#define SG_GP_DEFAULT_JITTER_MIN 1e-10   /* added to the unit diagonal */
#define SG_GP_DEFAULT_JITTER_MAX 1e-4
#define SG_GP_DEFAULT_PRIOR_MEDIAN 0.5
#define SG_GP_DEFAULT_PRIOR_SD 2.5
/* First start and the box the other starts are drawn from (log-uniform). */
#define SG_GP_START_LENGTH 0.5
#define SG_GP_START_NUGGET 1e-6
#define SG_GP_START_LENGTH_LO 0.05
#define SG_GP_START_LENGTH_HI 2.0
#define SG_GP_START_NUGGET_LO 1e-8
#define SG_GP_START_NUGGET_HI 1e-1

typedef struct sg_gp_options {
    size_t n_starts;               /* >= 1 */
    int max_eval;                  /* >= 1, per start */
    double ftol_rel, xtol_rel;     /* >= 0 */
    double length_min, length_max; /* 0 < min <= max, shares of the factor range */
    double nugget_min, nugget_max; /* 0 < min <= max; equal values fix the ratio */
    double jitter_min, jitter_max; /* 0 <= min <= max; max 0 = no jitter */
    /* Weak log-normal prior on every length scale (maximum a posteriori):
     * log l ~ N(log(length_prior_median * sqrt(d)), length_prior_sd^2).
     * sd = 0 switches it off (plain maximum likelihood). */
    double length_prior_median;    /* > 0, share of the factor range, for d = 1 */
    double length_prior_sd;        /* >= 0, natural-log units */
} sg_gp_options;

/* The defaults above. */
sg_gp_options sg_gp_options_defaults(void);

/* Check every field; SG_ERR_INVALID naming the field
 * ("length_min must be > 0 and <= length_max (got 0)"). */
sg_status sg_gp_options_validate(const sg_gp_options *opt, sg_error *err);

typedef struct sg_gp sg_gp;
typedef struct sg_gp_work sg_gp_work;

/* How the fit went. */
typedef struct sg_gp_info {
    bool constant;       /* response constant: the fallback model (see sg_gp_fit) */
    size_t n_starts;     /* starts run */
    size_t best_start;   /* index of the winning start */
    size_t n_evals;      /* likelihood evaluations over all starts */
    int nlopt_result;    /* NLopt's code for the winning start */
    double jitter;       /* diagonal jitter of the final factor (0 = none) */
    double log_lik;      /* maximised concentrated log-likelihood, standardised response */
} sg_gp_info;

/* Fit a GP.  X is (n, d) and y (n) in engineering units (borrowed); lo, hi
 * (d each, may both be NULL: training min / max) are the bounds that scale
 * factor j to [0,1], lo[j] < hi[j]; points outside them are allowed.
 * opt may be NULL (defaults); seed drives the starts.
 * Requires n >= d + 2 and n <= SG_GP_MAX_ROWS (SG_ERR_LIMIT above) and
 * finite X, y (SG_ERR_INVALID naming the row and column otherwise).
 * A constant response (range <= SG_GP_CONST_REL * max |y|) gives the
 * fallback model: mean = that constant everywhere, variances 0, gradient 0,
 * LOO residuals and variances 0, length scales = length_max, signal and
 * noise variance 0, info.constant = true.  Caller owns *out. */
sg_status sg_gp_fit(const double *X, const double *y, size_t n, size_t d, const double *lo,
                    const double *hi, const sg_gp_options *opt, uint64_t seed, sg_gp **out,
                    sg_error *err);

/* Build the GP with given hyper-parameters, no optimisation: length (d
 * values > 0, shares of the factor ranges), signal_var > 0 and noise_var
 * >= 0 (response unit squared).  mu is still estimated.  Same data rules
 * as sg_gp_fit (a constant response gives the fallback); opt may be NULL
 * (only its jitter settings are used).  Caller owns *out. */
sg_status sg_gp_fit_fixed(const double *X, const double *y, size_t n, size_t d, const double *lo,
                          const double *hi, const double *length, double signal_var,
                          double noise_var, const sg_gp_options *opt, sg_gp **out,
                          sg_error *err);

/* Deep copy: predicts, and reports, exactly like gp.  SG_ERR_NOMEM.
 * Caller owns *out. */
sg_status sg_gp_copy(const sg_gp *gp, sg_gp **out, sg_error *err);

/* Free a GP; NULL is a no-op. */
void sg_gp_destroy(sg_gp *gp);

/* ---- fitted values (owned by the model) ---- */
size_t sg_gp_n_rows(const sg_gp *gp);
size_t sg_gp_dim(const sg_gp *gp);
/* Length scales (d), as shares of each factor's range hi - lo. */
const double *sg_gp_length_scales(const sg_gp *gp);
/* Signal variance s2 and noise (nugget, including jitter) variance, in the
 * response unit squared. */
double sg_gp_signal_var(const sg_gp *gp);
double sg_gp_noise_var(const sg_gp *gp);
/* The estimated constant mean mu, response unit. */
double sg_gp_mean_const(const sg_gp *gp);
/* Bounds used for scaling (d each). */
const double *sg_gp_lo(const sg_gp *gp);
const double *sg_gp_hi(const sg_gp *gp);
const sg_gp_info *sg_gp_info_of(const sg_gp *gp);

/* Closed-form leave-one-out (Dubrule 1983), hyper-parameters fixed, mu
 * re-estimated without the row: residual_i = y_i - prediction of y_i from
 * the other rows, variance_i = its predictive variance INCLUDING the noise
 * (the latent one is variance_i - sg_gp_noise_var).  n values each, response
 * unit (squared).  Identical to refitting with sg_gp_fit_fixed n times. */
const double *sg_gp_loo_residuals(const sg_gp *gp);
const double *sg_gp_loo_variances(const sg_gp *gp);
/* mean(residual_i^2 / variance_i) over the LOO rows: about 1 when the
 * predictive variances are right, above 1 when they are too small.
 * Multiplying variances by it is the cross-validation estimate of the
 * variance of Bachoc (2013); sg_gp_predict does not apply it.  0 for the
 * constant fallback. */
double sg_gp_loo_variance_factor(const sg_gp *gp);

/* ---- evaluation (engineering units) ---- */

/* A workspace for one thread (O(n + d) memory).  Caller owns *out. */
sg_status sg_gp_work_create(const sg_gp *gp, sg_gp_work **out, sg_error *err);
/* Free a workspace; NULL is a no-op. */
void sg_gp_work_destroy(sg_gp_work *w);

/* Predictive mean at x (d), the variance of the latent mean f(x) (var, may
 * be NULL) and of a new observation, with the nugget (var_noisy, may be
 * NULL).  Both include the uncertainty of the estimated mu.  w must come
 * from sg_gp_work_create for this model. */
void sg_gp_predict(const sg_gp *gp, sg_gp_work *w, const double *x, double *mean, double *var,
                   double *var_noisy);

/* Batch: X (m, d) -> mean (m), var (m, may be NULL), var_noisy (m, may be
 * NULL).  SG_ERR_INVALID for a work of another model or a non-finite x. */
sg_status sg_gp_predict_batch(const sg_gp *gp, sg_gp_work *w, const double *X, size_t m,
                              double *mean, double *var, double *var_noisy, sg_error *err);

/* Gradient (d) of the predictive mean w.r.t. x, response unit per factor
 * unit; *mean (may be NULL) receives the mean. */
void sg_gp_gradient(const sg_gp *gp, sg_gp_work *w, const double *x, double *mean, double *grad);

#endif
