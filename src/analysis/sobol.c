/* sobol.c — Sobol indices (Saltelli first order, Jansen total) with
 * bootstrap intervals, and main effects, of a callback over a box. */
#include "analysis/sobol.h"

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The output counts as constant (indices undefined) when its variance is
 * at most this share of its squared mean (or exactly zero). */
#define SG_SOBOL_CONST_REL 1e-14

sg_sobol_options sg_sobol_options_defaults(void)
{
    sg_sobol_options o = {
        .n_base = SG_SOBOL_DEFAULT_N,
        .n_boot = SG_SOBOL_DEFAULT_BOOT,
        .level = SG_SOBOL_DEFAULT_LEVEL,
        .n_grid = SG_SOBOL_DEFAULT_GRID,
        .n_effect_base = SG_SOBOL_DEFAULT_EFFECT_BASE,
        .seed = 0,
    };
    return o;
}

void sg_sobol_result_destroy(sg_sobol_result *r)
{
    if (!r)
        return;
    free(r->mean);
    free(r->variance);
    free(r->first);
    free(r->total);
    free(r->grid);
    free(r->effect);
    free(r->effect_range);
    free(r);
}

/* splitmix64: turns the study seed into independent generator seeds. */
static uint64_t mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static gsl_rng *seeded_rng(uint64_t seed, uint64_t stream)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    if (g)
        gsl_rng_set(g, (unsigned long)(mix(seed ^ stream) & 0xFFFFFFFFu));
    return g;
}

/* U (n, dim) in (0,1): scrambled Sobol points (random digital shift per
 * dimension) when dim <= SG_SOBOL_MAX_QMC_DIM, else pseudo-random. */
static sg_status unit_sample(size_t n, size_t dim, uint64_t seed, double *U, int *qmc,
                             sg_error *err)
{
    gsl_rng *g = seeded_rng(seed, 0x50B01A11ULL);
    *qmc = dim <= SG_SOBOL_MAX_QMC_DIM;
    gsl_qrng *q = *qmc ? gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dim) : NULL;
    uint32_t shift[SG_SOBOL_MAX_QMC_DIM];
    sg_status st = SG_OK;
    if (!g || (*qmc && !q)) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory for the sensitivity sample");
        goto done;
    }
    if (!*qmc) {
        for (size_t k = 0; k < n * dim; k++)
            U[k] = gsl_rng_uniform_pos(g);
        goto done;
    }
    for (size_t c = 0; c < dim; c++)
        shift[c] = (uint32_t)gsl_rng_get(g);
    for (size_t k = 0; k < n; k++) {
        double *row = U + k * dim;
        if (gsl_qrng_get(q, row) != 0) {
            st = sg_error_set(err, SG_ERR_NUMERIC, "Sobol generator failed at point %zu", k);
            goto done;
        }
        for (size_t c = 0; c < dim; c++) /* shift, then centre in the 2^-32 cell */
            row[c] = ldexp((double)((uint32_t)ldexp(row[c], 32) ^ shift[c]) + 0.5, -32);
    }
done:
    gsl_qrng_free(q);
    gsl_rng_free(g);
    return st;
}

static sg_status check_args(size_t d, size_t n_out, const double *lb, const double *ub,
                            const sg_sobol_options *o, sg_error *err)
{
    if (d == 0 || n_out == 0)
        return sg_error_set(err, SG_ERR_INVALID, "sensitivity needs at least one factor and "
                                                 "one output");
    for (size_t i = 0; i < d; i++)
        if (!(isfinite(lb[i]) && isfinite(ub[i]) && lb[i] < ub[i]))
            return sg_error_set(err, SG_ERR_INVALID,
                                "sensitivity: factor %zu needs finite bounds lower < upper", i + 1);
    if (o->n_base < 16 || o->n_base > SG_SOBOL_MAX_N)
        return sg_error_set(err, SG_ERR_INVALID, "sensitivity: base sample %zu outside 16 .. %d",
                            o->n_base, SG_SOBOL_MAX_N);
    if (!(o->level > 0 && o->level < 1) || o->n_grid < 2 || o->n_effect_base < 1 ||
        o->n_effect_base > o->n_base)
        return sg_error_set(err, SG_ERR_INVALID,
                            "sensitivity: level must lie in (0, 1), grid >= 2 and "
                            "1 <= effect base <= base sample");
    return SG_OK;
}

/* Evaluate fn and refuse non-finite outputs. */
static sg_status eval(sg_sobol_fn fn, void *user, const double *X, size_t n, size_t n_out,
                      double *Y, sg_error *err)
{
    sg_status st = fn(user, X, n, Y, err);
    if (st != SG_OK)
        return st;
    for (size_t k = 0; k < n * n_out; k++)
        if (!isfinite(Y[k]))
            return sg_error_set(err, SG_ERR_NUMERIC,
                                "sensitivity: the function is not finite at sample point %zu",
                                k / n_out + 1);
    return SG_OK;
}

/* Variance of output j over rows idx (n; NULL = 0..n-1) of fA and fB. */
static double pooled_variance(const double *fA, const double *fB, const uint32_t *idx, size_t n,
                              size_t n_out, size_t j, double *mean)
{
    double s = 0.0, s2 = 0.0;
    for (size_t k = 0; k < n; k++) {
        size_t r = idx ? idx[k] : k;
        s += fA[r * n_out + j] + fB[r * n_out + j];
    }
    double m = s / (2.0 * (double)n);
    for (size_t k = 0; k < n; k++) {
        size_t r = idx ? idx[k] : k;
        double a = fA[r * n_out + j] - m, b = fB[r * n_out + j] - m;
        s2 += a * a + b * b;
    }
    if (mean)
        *mean = m;
    return s2 / (2.0 * (double)n - 1.0);
}

/* Saltelli first-order and Jansen total numerators over rows idx; f0 (the
 * output's mean) centres f(B): the same expectation, but no cancellation of
 * large terms when the mean is far from zero (410 +- 0.3 MPa). */
static void index_sums(const double *fA, const double *fB, const double *fAB, const uint32_t *idx,
                       size_t n, size_t n_out, size_t j, double f0, double *s1, double *st)
{
    double a = 0.0, b = 0.0;
    for (size_t k = 0; k < n; k++) {
        size_t r = (idx ? idx[k] : k) * n_out + j;
        double dab = fAB[r] - fA[r];
        a += (fB[r] - f0) * dab;
        b += dab * dab;
    }
    *s1 = a / (double)n;
    *st = b / (2.0 * (double)n);
}

typedef struct boot {
    size_t n_boot;
    uint32_t *idx;   /* (n_boot, N) resampled rows */
    double *var;     /* (n_boot, n_out) pooled variance of each resample */
    double *s1, *st; /* (n_boot) scratch */
} boot;

static void ci_from(double est, double *v, size_t nb, double level, sg_sobol_ci *ci)
{
    ci->est = est;
    ci->lo = ci->hi = est;
    if (nb < 2 || !isfinite(est))
        return;
    gsl_sort(v, 1, nb);
    ci->lo = gsl_stats_quantile_from_sorted_data(v, 1, nb, (1.0 - level) / 2.0);
    ci->hi = gsl_stats_quantile_from_sorted_data(v, 1, nb, (1.0 + level) / 2.0);
}

/* Indices of factor i for every output from fA, fB, fAB_i. */
static void indices_of(sg_sobol_result *r, const boot *bt, const double *fA, const double *fB,
                       const double *fAB, size_t i)
{
    size_t n = r->n_base, no = r->n_out;
    for (size_t j = 0; j < no; j++) {
        sg_sobol_ci *f1 = &r->first[sg_sobol_at(r, j, i)], *ft = &r->total[sg_sobol_at(r, j, i)];
        double V = r->variance[j];
        if (!(V > SG_SOBOL_CONST_REL * r->mean[j] * r->mean[j]) || V <= 0) {
            f1->est = f1->lo = f1->hi = NAN;
            ft->est = ft->lo = ft->hi = NAN;
            continue;
        }
        double s1, st;
        index_sums(fA, fB, fAB, NULL, n, no, j, r->mean[j], &s1, &st);
        for (size_t b = 0; b < bt->n_boot; b++) {
            double vb = bt->var[b * no + j];
            index_sums(fA, fB, fAB, bt->idx + b * n, n, no, j, r->mean[j], &bt->s1[b],
                       &bt->st[b]);
            bt->s1[b] = vb > 0 ? bt->s1[b] / vb : 0.0;
            bt->st[b] = vb > 0 ? bt->st[b] / vb : 0.0;
        }
        ci_from(s1 / V, bt->s1, bt->n_boot, r->level, f1);
        ci_from(st / V, bt->st, bt->n_boot, r->level, ft);
    }
}

static sg_status boot_init(boot *bt, size_t n_boot, size_t n, size_t n_out, uint64_t seed,
                           const double *fA, const double *fB, sg_error *err)
{
    memset(bt, 0, sizeof *bt);
    bt->n_boot = n_boot;
    if (n_boot == 0)
        return SG_OK;
    bt->idx = malloc(n_boot * n * sizeof *bt->idx);
    bt->var = malloc(n_boot * n_out * sizeof *bt->var);
    bt->s1 = malloc(n_boot * sizeof *bt->s1);
    bt->st = malloc(n_boot * sizeof *bt->st);
    gsl_rng *g = seeded_rng(seed, 0xB0075ULL);
    if (!bt->idx || !bt->var || !bt->s1 || !bt->st || !g) {
        gsl_rng_free(g);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory for the bootstrap");
    }
    for (size_t b = 0; b < n_boot; b++) {
        for (size_t k = 0; k < n; k++)
            bt->idx[b * n + k] = (uint32_t)gsl_rng_uniform_int(g, (unsigned long)n);
        for (size_t j = 0; j < n_out; j++)
            bt->var[b * n_out + j] = pooled_variance(fA, fB, bt->idx + b * n, n, n_out, j, NULL);
    }
    gsl_rng_free(g);
    return SG_OK;
}

static void boot_free(boot *bt)
{
    free(bt->idx);
    free(bt->var);
    free(bt->s1);
    free(bt->st);
}

/* Main effects: for each factor and grid value, the mean of f over the
 * first n_effect_base rows of A with that factor set to the value.  X is
 * scratch of (n_grid * n_effect_base, d), Y of (n_grid * n_effect_base, n_out). */
static sg_status main_effects(sg_sobol_fn fn, void *user, const double *A, const double *lb,
                              const double *ub, size_t n_eb, sg_sobol_result *r, double *X,
                              double *Y, sg_error *err)
{
    size_t d = r->n_factors, no = r->n_out, ng = r->n_grid;
    for (size_t i = 0; i < d; i++) {
        double *gx = r->grid + i * ng;
        for (size_t g = 0; g < ng; g++) {
            gx[g] = lb[i] + (ub[i] - lb[i]) * (double)g / (double)(ng - 1);
            for (size_t k = 0; k < n_eb; k++) {
                double *row = X + (g * n_eb + k) * d;
                memcpy(row, A + k * d, d * sizeof *row);
                row[i] = gx[g];
            }
        }
        sg_status st = eval(fn, user, X, ng * n_eb, no, Y, err);
        if (st != SG_OK)
            return st;
        r->n_evals += ng * n_eb;
        for (size_t j = 0; j < no; j++) {
            double *e = r->effect + (j * d + i) * ng, lo = INFINITY, hi = -INFINITY;
            for (size_t g = 0; g < ng; g++) {
                double s = 0.0;
                for (size_t k = 0; k < n_eb; k++)
                    s += Y[(g * n_eb + k) * no + j];
                e[g] = s / (double)n_eb;
                lo = fmin(lo, e[g]);
                hi = fmax(hi, e[g]);
            }
            r->effect_range[sg_sobol_at(r, j, i)] = hi - lo;
        }
    }
    return SG_OK;
}

static sg_status result_alloc(size_t d, size_t n_out, const sg_sobol_options *o,
                              sg_sobol_result **out, sg_error *err)
{
    sg_sobol_result *r = calloc(1, sizeof *r);
    if (!r)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    r->n_factors = d;
    r->n_out = n_out;
    r->n_base = o->n_base;
    r->n_boot = o->n_boot;
    r->n_grid = o->n_grid;
    r->level = o->level;
    r->mean = calloc(n_out, sizeof *r->mean);
    r->variance = calloc(n_out, sizeof *r->variance);
    r->first = calloc(n_out * d, sizeof *r->first);
    r->total = calloc(n_out * d, sizeof *r->total);
    r->grid = calloc(d * o->n_grid, sizeof *r->grid);
    r->effect = calloc(n_out * d * o->n_grid, sizeof *r->effect);
    r->effect_range = calloc(n_out * d, sizeof *r->effect_range);
    if (!r->mean || !r->variance || !r->first || !r->total || !r->grid || !r->effect ||
        !r->effect_range) {
        sg_sobol_result_destroy(r);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    }
    *out = r;
    return SG_OK;
}

sg_status sg_sobol_run(sg_sobol_fn fn, void *user, size_t d, size_t n_out, const double *lb,
                       const double *ub, const sg_sobol_options *opt, sg_sobol_result **out,
                       sg_error *err)
{
    *out = NULL;
    sg_sobol_options o = opt ? *opt : sg_sobol_options_defaults();
    if (!fn || !lb || !ub)
        return sg_error_set(err, SG_ERR_INVALID, "sensitivity: missing function or bounds");
    sg_status st = check_args(d, n_out, lb, ub, &o, err);
    if (st != SG_OK)
        return st;
    size_t n = o.n_base, ng = o.n_grid, neb = o.n_effect_base;
    size_t rows = n > ng * neb ? n : ng * neb;
    sg_sobol_result *r = NULL;
    boot bt = {0};
    double *U = malloc(n * 2 * d * sizeof *U), *A = malloc(n * d * sizeof *A);
    double *B = malloc(n * d * sizeof *B), *X = malloc(rows * d * sizeof *X);
    double *fA = malloc(n * n_out * sizeof *fA), *fB = malloc(n * n_out * sizeof *fB);
    double *Y = malloc(rows * n_out * sizeof *Y);
    if (!U || !A || !B || !X || !fA || !fB || !Y) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory for the sensitivity sample");
        goto done;
    }
    if ((st = result_alloc(d, n_out, &o, &r, err)) != SG_OK)
        goto done;
    if ((st = unit_sample(n, 2 * d, o.seed, U, &r->quasi_random, err)) != SG_OK)
        goto done;
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < d; i++) {
            A[k * d + i] = lb[i] + (ub[i] - lb[i]) * U[k * 2 * d + i];
            B[k * d + i] = lb[i] + (ub[i] - lb[i]) * U[k * 2 * d + d + i];
        }
    if ((st = eval(fn, user, A, n, n_out, fA, err)) != SG_OK ||
        (st = eval(fn, user, B, n, n_out, fB, err)) != SG_OK)
        goto done;
    r->n_evals = 2 * n;
    for (size_t j = 0; j < n_out; j++)
        r->variance[j] = pooled_variance(fA, fB, NULL, n, n_out, j, &r->mean[j]);
    if ((st = boot_init(&bt, o.n_boot, n, n_out, o.seed, fA, fB, err)) != SG_OK)
        goto done;
    for (size_t i = 0; i < d; i++) { /* AB_i: A with column i from B */
        memcpy(X, A, n * d * sizeof *X);
        for (size_t k = 0; k < n; k++)
            X[k * d + i] = B[k * d + i];
        if ((st = eval(fn, user, X, n, n_out, Y, err)) != SG_OK)
            goto done;
        r->n_evals += n;
        indices_of(r, &bt, fA, fB, Y, i);
    }
    st = main_effects(fn, user, A, lb, ub, neb, r, X, Y, err);
done:
    boot_free(&bt);
    free(U);
    free(A);
    free(B);
    free(X);
    free(fA);
    free(fB);
    free(Y);
    if (st != SG_OK) {
        sg_sobol_result_destroy(r);
        return st;
    }
    *out = r;
    return SG_OK;
}
