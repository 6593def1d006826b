/* gp.c — options, data checks, multistart maximum-likelihood fit,
 * closed-form leave-one-out and accessors of the kriging model (gp.h). */
#include "model/gp.h"
#include "model/gp_internal.h"

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <nlopt.h>
#include <stdlib.h>
#include <string.h>

/* Value handed to NLopt where the likelihood cannot be evaluated (the
 * factorisation failed even with jitter): far above any real NLL, finite so
 * that L-BFGS's line search backs off instead of producing NaN. */
#define GP_NLL_FAILED 1e100
#define GP_LOG_2PI 1.83787706640934548356

sg_gp_options sg_gp_options_defaults(void)
{
    sg_gp_options o = {
        .n_starts = SG_GP_DEFAULT_N_STARTS,
        .max_eval = SG_GP_DEFAULT_MAX_EVAL,
        .ftol_rel = SG_GP_DEFAULT_FTOL_REL,
        .xtol_rel = SG_GP_DEFAULT_XTOL_REL,
        .length_min = SG_GP_DEFAULT_LENGTH_MIN,
        .length_max = SG_GP_DEFAULT_LENGTH_MAX,
        .nugget_min = SG_GP_DEFAULT_NUGGET_MIN,
        .nugget_max = SG_GP_DEFAULT_NUGGET_MAX,
        .jitter_min = SG_GP_DEFAULT_JITTER_MIN,
        .jitter_max = SG_GP_DEFAULT_JITTER_MAX,
        .length_prior_median = SG_GP_DEFAULT_PRIOR_MEDIAN,
        .length_prior_sd = SG_GP_DEFAULT_PRIOR_SD,
    };
    return o;
}

static bool pos_range(double lo, double hi)
{
    return isfinite(lo) && isfinite(hi) && lo > 0 && lo <= hi;
}

sg_status sg_gp_options_validate(const sg_gp_options *o, sg_error *err)
{
    if (o->n_starts < 1)
        return sg_error_set(err, SG_ERR_INVALID, "n_starts must be >= 1 (got %zu)", o->n_starts);
    if (o->max_eval < 1)
        return sg_error_set(err, SG_ERR_INVALID, "max_eval must be >= 1 (got %d)", o->max_eval);
    if (!(o->ftol_rel >= 0) || !isfinite(o->ftol_rel))
        return sg_error_set(err, SG_ERR_INVALID, "ftol_rel must be >= 0 (got %g)", o->ftol_rel);
    if (!(o->xtol_rel >= 0) || !isfinite(o->xtol_rel))
        return sg_error_set(err, SG_ERR_INVALID, "xtol_rel must be >= 0 (got %g)", o->xtol_rel);
    if (!pos_range(o->length_min, o->length_max))
        return sg_error_set(err, SG_ERR_INVALID,
                            "length_min must be > 0 and <= length_max (got %g, %g)",
                            o->length_min, o->length_max);
    if (!pos_range(o->nugget_min, o->nugget_max))
        return sg_error_set(err, SG_ERR_INVALID,
                            "nugget_min must be > 0 and <= nugget_max (got %g, %g)",
                            o->nugget_min, o->nugget_max);
    if (!(o->jitter_min >= 0) || !(o->jitter_max >= o->jitter_min) || !isfinite(o->jitter_max) ||
        (o->jitter_max > 0 && o->jitter_min == 0))
        return sg_error_set(err, SG_ERR_INVALID,
                            "jitter_min must be > 0 and <= jitter_max, or both 0 (got %g, %g)",
                            o->jitter_min, o->jitter_max);
    if (!(o->length_prior_median > 0) || !isfinite(o->length_prior_median))
        return sg_error_set(err, SG_ERR_INVALID, "length_prior_median must be > 0 (got %g)",
                            o->length_prior_median);
    if (!(o->length_prior_sd >= 0) || !isfinite(o->length_prior_sd))
        return sg_error_set(err, SG_ERR_INVALID,
                            "length_prior_sd must be >= 0 (0: no prior) (got %g)",
                            o->length_prior_sd);
    return SG_OK;
}

void sg_gp_destroy(sg_gp *gp)
{
    if (!gp)
        return;
    free(gp->lo);
    free(gp->L);
    free(gp);
}

/* One allocation for every (n) and (d) array, one for L. */
static sg_gp *gp_alloc(size_t n, size_t d)
{
    sg_gp *gp = calloc(1, sizeof *gp);
    if (!gp)
        return NULL;
    gp->n = n;
    gp->d = d;
    gp->lo = calloc(3 * d + n * d + 4 * n, sizeof *gp->lo);
    gp->L = calloc(n * n, sizeof *gp->L);
    if (!gp->lo || !gp->L) {
        sg_gp_destroy(gp);
        return NULL;
    }
    gp->hi = gp->lo + d;
    gp->length = gp->hi + d;
    gp->U = gp->length + d;
    gp->alpha = gp->U + n * d;
    gp->w1 = gp->alpha + n;
    gp->loo_resid = gp->w1 + n;
    gp->loo_var = gp->loo_resid + n;
    return gp;
}

sg_status sg_gp_copy(const sg_gp *gp, sg_gp **out, sg_error *err)
{
    *out = NULL;
    size_t n = gp->n, d = gp->d;
    sg_gp *c = gp_alloc(n, d);
    if (!c)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory copying a GP of %zu rows", n);
    memcpy(c->lo, gp->lo, (3 * d + n * d + 4 * n) * sizeof *c->lo);
    memcpy(c->L, gp->L, n * n * sizeof *c->L);
    c->y_mean = gp->y_mean;
    c->y_sd = gp->y_sd;
    c->s2 = gp->s2;
    c->g = gp->g;
    c->mu = gp->mu;
    c->c1 = gp->c1;
    c->info = gp->info;
    *out = c;
    return SG_OK;
}

/* Checks shared by both fits; fills bounds, U and the standardisation.
 * Sets *constant for a constant response. */
static sg_status gp_prepare(sg_gp *gp, const double *X, const double *y, const double *lo,
                            const double *hi, double *ys, bool *constant, sg_error *err)
{
    size_t n = gp->n, d = gp->d;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++)
            if (!isfinite(X[i * d + j]))
                return sg_error_set(err, SG_ERR_INVALID,
                                    "factor %zu of row %zu is not a finite number", j + 1,
                                    i + 1);
        if (!isfinite(y[i]))
            return sg_error_set(err, SG_ERR_INVALID, "the response of row %zu is not finite",
                                i + 1);
    }
    for (size_t j = 0; j < d; j++) {
        double a, b;
        if (lo) {
            a = lo[j];
            b = hi[j];
        } else {
            a = b = X[j];
            for (size_t i = 1; i < n; i++) {
                a = fmin(a, X[i * d + j]);
                b = fmax(b, X[i * d + j]);
            }
        }
        if (!lo && a == b && isfinite(a)) /* unvaried: any range; see SG_GP_FLAT_LENGTH */
            b = a + fmax(fabs(a), 1.0);
        if (!isfinite(a) || !isfinite(b) || !(a < b))
            return sg_error_set(err, SG_ERR_INVALID,
                                lo ? "bounds of factor %zu must be finite with lo < hi "
                                     "(got %g, %g)"
                                   : "factor %zu is not finite in the training rows (%g .. %g)",
                                j + 1, a, b);
        gp->lo[j] = a;
        gp->hi[j] = b;
        for (size_t i = 0; i < n; i++)
            gp->U[i * d + j] = (X[i * d + j] - a) / (b - a);
    }
    double mean = 0, ymin = y[0], ymax = y[0], amax = 0;
    for (size_t i = 0; i < n; i++) {
        mean += y[i];
        ymin = fmin(ymin, y[i]);
        ymax = fmax(ymax, y[i]);
        amax = fmax(amax, fabs(y[i]));
    }
    mean /= (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (y[i] - mean) * (y[i] - mean);
    gp->y_mean = mean;
    *constant = ymax - ymin <= SG_GP_CONST_REL * amax;
    gp->y_sd = *constant ? 1.0 : sqrt(ss / (double)(n - 1));
    for (size_t i = 0; i < n; i++)
        ys[i] = *constant ? 0.0 : (y[i] - mean) / gp->y_sd;
    return SG_OK;
}

static sg_status check_shape(size_t n, size_t d, const double *X, const double *y,
                             const double *lo, const double *hi, sg_gp **out, sg_error *err)
{
    if (!out || !X || !y || (!lo) != (!hi))
        return sg_error_set(err, SG_ERR_INVALID,
                            "sg_gp_fit: X, y and out are required; lo and hi go together");
    *out = NULL;
    if (d < 1)
        return sg_error_set(err, SG_ERR_INVALID, "a GP needs at least one factor");
    if (n < 2 || n < d + 2)
        return sg_error_set(err, SG_ERR_INVALID,
                            "a GP with %zu factor(s) needs at least %zu runs (got %zu)", d,
                            d + 2, n);
    if (n > SG_GP_MAX_ROWS)
        return sg_error_set(err, SG_ERR_LIMIT,
                            "%zu rows exceed the GP limit of %d (the fit costs O(n^3) time "
                            "and O(n^2) memory); use the network or subsample the table",
                            n, SG_GP_MAX_ROWS);
    return SG_OK;
}

/* The constant fallback documented in gp.h. */
static void make_constant(sg_gp *gp, double length_max)
{
    for (size_t j = 0; j < gp->d; j++)
        gp->length[j] = length_max;
    gp->s2 = gp->g = gp->mu = 0;
    gp->info.constant = true;
}

/* Copy the factor, compute L^-1 1 and the closed-form LOO (Dubrule 1983):
 * with A = R + gI and Q = A^-1 - A^-1 1 1' A^-1 / (1'A^-1 1) (the mean
 * re-estimated in every fold), e_i = (Q y)_i / Q_ii = alpha_i / Q_ii and
 * var_i = s2 / Q_ii.  Uses lk->L as scratch for A^-1. */
static sg_status finish(sg_gp *gp, sg_gp__lik *lk, sg_error *err)
{
    size_t n = gp->n;
    memcpy(gp->L, lk->L, n * n * sizeof *gp->L);
    memcpy(gp->alpha, lk->alpha, n * sizeof *gp->alpha);
    gp->mu = lk->mu;
    gp->c1 = lk->c1;
    gp->info.jitter = lk->jitter;
    gp->g += lk->jitter;
    for (size_t i = 0; i < n; i++)
        gp->w1[i] = 1.0;
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, (int)n, gp->L, (int)n,
                gp->w1, 1);
    gsl_matrix_view mv = gsl_matrix_view_array(lk->L, n, n);
    if (gsl_linalg_cholesky_invert(&mv.matrix) != GSL_SUCCESS)
        return sg_error_set(err, SG_ERR_NUMERIC, "inverting the covariance matrix failed");
    double sd = gp->y_sd;
    for (size_t i = 0; i < n; i++) {
        double q = lk->L[i * n + i] - lk->w[i] * lk->w[i] / lk->c1;
        if (!(q > 0) || !isfinite(q))
            return sg_error_set(err, SG_ERR_NUMERIC,
                                "leave-one-out variance of row %zu is not positive "
                                "(ill-conditioned covariance matrix)",
                                i + 1);
        gp->loo_resid[i] = sd * lk->alpha[i] / q;
        gp->loo_var[i] = sd * sd * gp->s2 / q;
    }
    return SG_OK;
}

/* ---- maximum likelihood ------------------------------------------------ */

typedef struct ml_ctx {
    sg_gp__lik *lk;
    size_t np, n_free;
    size_t *free_idx;     /* (n_free) */
    double *theta, *grad; /* (np) full parameter vector and gradient */
    double prior_mu, prior_w; /* log-normal length prior: mean of log l, 1 / sd^2 (0: none) */
    const double *lb, *ub;    /* (np) bounds on theta; equal: held, no prior */
    double best_f;        /* best NLL (+ prior) of the current start */
    double *best_theta;   /* (np) */
    size_t n_evals;
} ml_ctx;

static double ml_objective(unsigned nz, const double *z, double *gz, void *data)
{
    ml_ctx *c = data;
    for (unsigned k = 0; k < nz; k++)
        c->theta[c->free_idx[k]] = z[k];
    c->n_evals++;
    double f;
    if (sg_gp__neg_loglik(c->lk, c->theta, &f, gz ? c->grad : NULL, NULL) != SG_OK ||
        !isfinite(f)) {
        if (gz)
            for (unsigned k = 0; k < nz; k++)
                gz[k] = 0;
        return GP_NLL_FAILED;
    }
    size_t d = c->np - 1;
    for (size_t k = 0; k < d; k++) {
        if (c->lb[k] == c->ub[k])
            continue; /* held: a prior term would only shift ftol_rel's scale */
        double t = c->theta[k] - c->prior_mu;
        f += 0.5 * c->prior_w * t * t;
        c->grad[k] += c->prior_w * t;
    }
    if (gz)
        for (unsigned k = 0; k < nz; k++)
            gz[k] = c->grad[c->free_idx[k]];
    if (f < c->best_f) {
        c->best_f = f;
        memcpy(c->best_theta, c->theta, c->np * sizeof *c->theta);
    }
    return f;
}

/* SplitMix64 step: the seeded stream of start points. */
static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double unit_draw(uint64_t *s)
{
    return (double)(splitmix64(s) >> 11) * 0x1.0p-53;
}

static double clampd(double v, double a, double b)
{
    return v < a ? a : (v > b ? b : v);
}

/* True when every training row has factor j at one value. */
static bool column_is_flat(const sg_gp *gp, size_t j)
{
    for (size_t i = 1; i < gp->n; i++)
        if (gp->U[i * gp->d + j] != gp->U[j])
            return false;
    return true;
}

static sg_status maximise(sg_gp *gp, sg_gp__lik *lk, const sg_gp_options *o, uint64_t seed,
                          sg_error *err)
{
    size_t d = gp->d, np = d + 1;
    sg_status st = SG_OK;
    double *buf = malloc((9 * np) * sizeof *buf);
    size_t *free_idx = malloc(np * sizeof *free_idx);
    nlopt_opt opt = NULL;
    if (!buf || !free_idx) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory for the GP fit");
        goto done;
    }
    double *lb = buf, *ub = lb + np, *theta = ub + np, *grad = theta + np,
           *best = grad + np, *start_best = best + np, *zlb = start_best + np,
           *zub = zlb + np, *z = zub + np;
    size_t d_varied = 0;
    for (size_t j = 0; j < d; j++) {
        bool flat = column_is_flat(gp, j);
        lb[j] = log(flat ? SG_GP_FLAT_LENGTH : o->length_min);
        ub[j] = log(flat ? SG_GP_FLAT_LENGTH : o->length_max);
        d_varied += !flat;
    }
    lb[d] = log(o->nugget_min);
    ub[d] = log(o->nugget_max);
    size_t n_free = 0;
    for (size_t k = 0; k < np; k++)
        if (lb[k] < ub[k])
            free_idx[n_free++] = k;
    for (size_t k = 0; k < n_free; k++) {
        zlb[k] = lb[free_idx[k]];
        zub[k] = ub[free_idx[k]];
    }
    ml_ctx c = {.lk = lk, .np = np, .n_free = n_free, .free_idx = free_idx, .theta = theta,
                .grad = grad, .best_theta = start_best, .lb = lb, .ub = ub,
                .prior_mu = log(o->length_prior_median * sqrt((double)(d_varied ? d_varied : 1))),
                .prior_w = o->length_prior_sd > 0 ? 1.0 / (o->length_prior_sd * o->length_prior_sd)
                                                  : 0.0};
    if (n_free > 0) {
        opt = nlopt_create(NLOPT_LD_LBFGS, (unsigned)n_free);
        if (!opt || nlopt_set_lower_bounds(opt, zlb) < 0 || nlopt_set_upper_bounds(opt, zub) < 0 ||
            nlopt_set_ftol_rel(opt, o->ftol_rel) < 0 || nlopt_set_xtol_rel(opt, o->xtol_rel) < 0 ||
            nlopt_set_maxeval(opt, o->max_eval) < 0 ||
            nlopt_set_min_objective(opt, ml_objective, &c) < 0) {
            st = sg_error_set(err, SG_ERR_NOMEM, "cannot set up NLopt for the GP fit");
            goto done;
        }
    }
    double best_f = HUGE_VAL;
    uint64_t stream = seed;
    size_t n_starts = n_free > 0 ? o->n_starts : 1;
    for (size_t s = 0; s < n_starts; s++) {
        for (size_t j = 0; j < d; j++) {
            double a = log(SG_GP_START_LENGTH_LO), b = log(SG_GP_START_LENGTH_HI);
            double v = s == 0 ? log(SG_GP_START_LENGTH) : a + (b - a) * unit_draw(&stream);
            theta[j] = clampd(v, lb[j], ub[j]);
        }
        double a = log(SG_GP_START_NUGGET_LO), b = log(SG_GP_START_NUGGET_HI);
        theta[d] = clampd(s == 0 ? log(SG_GP_START_NUGGET) : a + (b - a) * unit_draw(&stream),
                          lb[d], ub[d]);
        c.best_f = HUGE_VAL;
        int code = 0;
        if (n_free > 0) {
            for (size_t k = 0; k < n_free; k++)
                z[k] = theta[free_idx[k]];
            nlopt_srand((unsigned long)(seed ^ (uint64_t)s));
            double fz;
            code = (int)nlopt_optimize(opt, z, &fz);
        } else {
            ml_objective(0, z, NULL, &c); /* everything fixed: one evaluation */
        }
        if (c.best_f < best_f) {
            best_f = c.best_f;
            memcpy(best, start_best, np * sizeof *best);
            gp->info.best_start = s;
            gp->info.nlopt_result = code;
        }
    }
    gp->info.n_starts = n_starts;
    gp->info.n_evals = c.n_evals;
    if (!(best_f < GP_NLL_FAILED)) {
        st = sg_error_set(err, SG_ERR_NUMERIC,
                          "the GP likelihood could not be evaluated from any of %zu starts "
                          "(covariance matrix not positive definite)",
                          n_starts);
        goto done;
    }
    for (size_t j = 0; j < d; j++) /* exact for the flat test of the model's readers */
        gp->length[j] = column_is_flat(gp, j) ? SG_GP_FLAT_LENGTH : exp(best[j]);
    gp->g = exp(best[d]);
    st = sg_gp__lik_factor(lk, gp->length, gp->g, err);
    if (st == SG_OK) {
        gp->s2 = lk->s2;
        gp->info.log_lik = -(0.5 * (double)gp->n * (GP_LOG_2PI + log(lk->s2) + 1.0) +
                             0.5 * lk->logdet);
    }
done:
    nlopt_destroy(opt);
    free(free_idx);
    free(buf);
    return st;
}

/* ---- public fits -------------------------------------------------------- */

static sg_status fit_common(const double *X, const double *y, size_t n, size_t d,
                            const double *lo, const double *hi, const double *length,
                            double signal_var, double noise_var, const sg_gp_options *opt,
                            uint64_t seed, sg_gp **out, sg_error *err)
{
    sg_status st = check_shape(n, d, X, y, lo, hi, out, err);
    if (st != SG_OK)
        return st;
    sg_gp_options o = opt ? *opt : sg_gp_options_defaults();
    if ((st = sg_gp_options_validate(&o, err)) != SG_OK)
        return st;
    sg_gp *gp = gp_alloc(n, d);
    double *ys = malloc(n * sizeof *ys);
    sg_gp__lik lk = {0};
    if (!gp || !ys) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory for a GP of %zu rows", n);
        goto fail;
    }
    bool constant = false;
    if ((st = gp_prepare(gp, X, y, lo, hi, ys, &constant, err)) != SG_OK)
        goto fail;
    if (constant) {
        make_constant(gp, o.length_max);
        if (length)
            memcpy(gp->length, length, d * sizeof *length);
        free(ys);
        *out = gp;
        return SG_OK;
    }
    if ((st = sg_gp__lik_init(&lk, gp->U, ys, n, d, o.jitter_min, o.jitter_max, err)) != SG_OK)
        goto fail;
    if (length) {
        double s2 = signal_var / (gp->y_sd * gp->y_sd);
        memcpy(gp->length, length, d * sizeof *length);
        gp->g = noise_var / signal_var;
        if ((st = sg_gp__lik_factor(&lk, gp->length, gp->g, err)) != SG_OK)
            goto fail;
        gp->s2 = s2;
        /* NLL at the given s2: n/2 log(2 pi s2) + 1/2 log|A| + (y-mu)'A^-1(y-mu) / (2 s2) */
        double nll = 0.5 * (double)n * (GP_LOG_2PI + log(s2)) + 0.5 * lk.logdet +
                     0.5 * lk.s2 * (double)n / s2;
        gp->info.log_lik = -nll;
        gp->info.n_starts = 0;
    } else if ((st = maximise(gp, &lk, &o, seed, err)) != SG_OK) {
        goto fail;
    }
    if ((st = finish(gp, &lk, err)) != SG_OK)
        goto fail;
    sg_gp__lik_free(&lk);
    free(ys);
    *out = gp;
    return SG_OK;
fail:
    sg_gp__lik_free(&lk);
    free(ys);
    sg_gp_destroy(gp);
    return st;
}

sg_status sg_gp_fit(const double *X, const double *y, size_t n, size_t d, const double *lo,
                    const double *hi, const sg_gp_options *opt, uint64_t seed, sg_gp **out,
                    sg_error *err)
{
    return fit_common(X, y, n, d, lo, hi, NULL, 0, 0, opt, seed, out, err);
}

sg_status sg_gp_fit_fixed(const double *X, const double *y, size_t n, size_t d, const double *lo,
                          const double *hi, const double *length, double signal_var,
                          double noise_var, const sg_gp_options *opt, sg_gp **out,
                          sg_error *err)
{
    if (out)
        *out = NULL;
    if (!length)
        return sg_error_set(err, SG_ERR_INVALID, "sg_gp_fit_fixed: length scales are required");
    for (size_t j = 0; j < d; j++)
        if (!(length[j] > 0) || !isfinite(length[j]))
            return sg_error_set(err, SG_ERR_INVALID,
                                "length scale %zu must be a positive number (got %g)", j + 1,
                                length[j]);
    if (!(signal_var > 0) || !isfinite(signal_var))
        return sg_error_set(err, SG_ERR_INVALID, "signal_var must be > 0 (got %g)", signal_var);
    if (!(noise_var >= 0) || !isfinite(noise_var))
        return sg_error_set(err, SG_ERR_INVALID, "noise_var must be >= 0 (got %g)", noise_var);
    return fit_common(X, y, n, d, lo, hi, length, signal_var, noise_var, opt, 0, out, err);
}

/* ---- accessors ---------------------------------------------------------- */

size_t sg_gp_n_rows(const sg_gp *gp) { return gp->n; }
size_t sg_gp_dim(const sg_gp *gp) { return gp->d; }
const double *sg_gp_length_scales(const sg_gp *gp) { return gp->length; }
double sg_gp_signal_var(const sg_gp *gp) { return gp->s2 * gp->y_sd * gp->y_sd; }
double sg_gp_noise_var(const sg_gp *gp) { return gp->g * gp->s2 * gp->y_sd * gp->y_sd; }
double sg_gp_mean_const(const sg_gp *gp) { return gp->y_mean + gp->y_sd * gp->mu; }
const double *sg_gp_lo(const sg_gp *gp) { return gp->lo; }
const double *sg_gp_hi(const sg_gp *gp) { return gp->hi; }
const sg_gp_info *sg_gp_info_of(const sg_gp *gp) { return &gp->info; }
const double *sg_gp_loo_residuals(const sg_gp *gp) { return gp->loo_resid; }
const double *sg_gp_loo_variances(const sg_gp *gp) { return gp->loo_var; }

double sg_gp_loo_variance_factor(const sg_gp *gp)
{
    if (gp->info.constant)
        return 0;
    double s = 0;
    for (size_t i = 0; i < gp->n; i++)
        s += gp->loo_resid[i] * gp->loo_resid[i] / gp->loo_var[i];
    return s / (double)gp->n;
}
