/* sobol.h — variance-based (Sobol) sensitivity of a function of the factors
 * over a box: first-order and total indices with bootstrap confidence
 * intervals, and each factor's main effect and its range.
 *
 * The function is a callback (any f: box -> R^n_out, e.g. the surrogate
 * model, model/sensitivity.h, or a test function with known indices), so
 * this module depends on nothing but the numbers it is given.
 *
 * Estimators (Saltelli et al. 2010, "Variance based sensitivity analysis of
 * model output", Comput. Phys. Commun. 181, 259-270): A and B are two
 * (N, d) samples of the box, AB_i is A with column i taken from B;
 *   V     = variance of f over the 2N points of A and B
 *   S_i   = mean((f(B) - f0) (f(AB_i) - f(A))) / V      (first order; f0 = mean of f,
 *                                                        centring against cancellation)
 *   ST_i  = mean((f(A) - f(AB_i))^2) / (2 V)            (total, Jansen)
 * A and B are the two halves of a 2d-dimensional scrambled Sobol sequence
 * (GSL's generator with a seeded random digital shift) when 2d <= 40, else
 * pseudo-random points (result->quasi_random = 0).  Cost: N (d + 2)
 * evaluations.  Confidence intervals: percentile bootstrap over the N rows
 * (the same resample for every index).
 *
 * Main effect of factor i: m_i(v) = E[f | x_i = v], on n_grid evenly spaced
 * values v from lb_i to ub_i, each averaged over the first n_effect_base
 * rows of A; its range max_v m_i - min_v m_i is how far the factor alone can
 * move the response (in the response's unit).
 *
 * Deterministic: the same seed and inputs give identical results.  No
 * printing; the result is caller-owned (sg_sobol_result_destroy).
 */
#ifndef SG_SOBOL_H
#define SG_SOBOL_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define SG_SOBOL_DEFAULT_N 4096          /* base sample N (a power of two) */
#define SG_SOBOL_DEFAULT_BOOT 200        /* bootstrap resamples */
#define SG_SOBOL_DEFAULT_LEVEL 0.95      /* confidence-interval coverage */
#define SG_SOBOL_DEFAULT_GRID 9          /* main-effect grid points per factor */
#define SG_SOBOL_DEFAULT_EFFECT_BASE 512 /* base points averaged per grid point */
#define SG_SOBOL_MAX_QMC_DIM 40          /* GSL's Sobol generator: 2d <= 40 */
#define SG_SOBOL_MAX_N 1048576           /* largest base sample accepted */

/* Evaluate f at the n rows of X (n, d) row-major, writing Y (n, n_out)
 * row-major.  Returns SG_OK or an error (filled in err). */
typedef sg_status (*sg_sobol_fn)(void *user, const double *X, size_t n, double *Y,
                                 sg_error *err);

typedef struct sg_sobol_options {
    size_t n_base;        /* N >= 16 */
    size_t n_boot;        /* 0 = no intervals (lo = hi = estimate) */
    double level;         /* in (0, 1) */
    size_t n_grid;        /* >= 2 */
    size_t n_effect_base; /* >= 1, at most n_base */
    uint64_t seed;
} sg_sobol_options;

/* The SG_SOBOL_DEFAULT_* values, seed 0. */
sg_sobol_options sg_sobol_options_defaults(void);

/* An index and its bootstrap interval (NAN when the output is constant). */
typedef struct sg_sobol_ci {
    double est, lo, hi;
} sg_sobol_ci;

typedef struct sg_sobol_result {
    size_t n_factors, n_out, n_base, n_boot, n_grid;
    size_t n_evals;     /* function evaluations used */
    int quasi_random;   /* 1: scrambled Sobol points; 0: pseudo-random */
    double level;
    double *mean;       /* (n_out) mean of f over the box */
    double *variance;   /* (n_out) its variance (0: constant output) */
    sg_sobol_ci *first; /* (n_out, n_factors) first-order indices */
    sg_sobol_ci *total; /* (n_out, n_factors) total indices */
    double *grid;       /* (n_factors, n_grid) main-effect grid, factor units */
    double *effect;     /* (n_out, n_factors, n_grid) main effect m_i(v) */
    double *effect_range; /* (n_out, n_factors) max - min of the main effect */
} sg_sobol_result;

/* Indices of f over the box lb..ub (d factors, lb[i] < ub[i]); opt NULL =
 * defaults.  SG_ERR_INVALID for bad sizes, bounds or options; errors of fn
 * are passed through; SG_ERR_NUMERIC when fn returns a non-finite value.
 * Caller owns *out. */
sg_status sg_sobol_run(sg_sobol_fn fn, void *user, size_t d, size_t n_out, const double *lb,
                       const double *ub, const sg_sobol_options *opt, sg_sobol_result **out,
                       sg_error *err);

/* Free a result; NULL is a no-op. */
void sg_sobol_result_destroy(sg_sobol_result *r);

/* Index of output j, factor i in the (n_out, n_factors) arrays. */
static inline size_t sg_sobol_at(const sg_sobol_result *r, size_t j, size_t i)
{
    return j * r->n_factors + i;
}

#endif
