/* design.c — orthogonal-array, Latin-hypercube, Sobol and full-factorial designs. */
#include "design/design.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* Above this many runs the LHS maximin search (O(n^2 k) per candidate) is
 * skipped and the first candidate is used. */
#define SG_DESIGN_LHS_MAXIMIN_MAX_RUNS 2000
#define TWO_POW_32 4294967296.0

sg_design_options sg_design_options_default(void)
{
    sg_design_options o = {.seed = 42, .lhs_candidates = SG_DESIGN_LHS_CANDIDATES,
                           .interaction = SG_OA_KEEP_IF_FITS};
    return o;
}

void sg_design_destroy(sg_design *d)
{
    if (!d)
        return;
    free(d->x);
    free(d);
}

/* ---- names ------------------------------------------------------------------ */

static int prefix_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (tolower((unsigned char)*s) != *prefix)
            return 0;
    return 1;
}

static sg_status list_error(sg_error *err, const char *fmt_head, const char *text)
{
    char list[512] = "";
    sg_oa_list_names(list, sizeof list);
    return sg_error_set(err, SG_ERR_INVALID,
                        "%s '%s'; designs are auto, full, lhs:N, sobol:N (N runs), ccd, ccd:face, "
                        "bbd, 2level, axial or an orthogonal array: %s",
                        fmt_head, text, list);
}

static sg_status parse_runs(const char *num, const char *text, size_t *n, sg_error *err)
{
    if (!*num || !isdigit((unsigned char)*num))
        return sg_error_set(err, SG_ERR_INVALID, "design '%s': expected a run count after ':', e.g. lhs:30", text);
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(num, &end, 10);
    if (*end || errno)
        return sg_error_set(err, SG_ERR_INVALID, "design '%s': run count '%s' is not a whole number", text, num);
    if (v < 2 || v > SG_DESIGN_MAX_RUNS)
        return sg_error_set(err, SG_ERR_INVALID, "design '%s': run count must be 2..%d", text, SG_DESIGN_MAX_RUNS);
    *n = (size_t)v;
    return SG_OK;
}

sg_status sg_design_parse(const char *text, sg_design_spec *spec, sg_error *err)
{
    if (!text || !spec)
        return list_error(err, "no design name", "");
    memset(spec, 0, sizeof *spec);
    if (strlen(text) == 4 && prefix_ci(text, "auto")) {
        spec->kind = SG_DESIGN_AUTO;
        return SG_OK;
    }
    if (strlen(text) == 4 && prefix_ci(text, "full")) {
        spec->kind = SG_DESIGN_FULL;
        return SG_OK;
    }
    if (strlen(text) == 3 && prefix_ci(text, "ccd")) {
        spec->kind = SG_DESIGN_CCD;
        return SG_OK;
    }
    if (strlen(text) == 8 && prefix_ci(text, "ccd:face")) {
        spec->kind = SG_DESIGN_CCD;
        spec->face = true;
        return SG_OK;
    }
    if (strlen(text) == 3 && prefix_ci(text, "bbd")) {
        spec->kind = SG_DESIGN_BBD;
        return SG_OK;
    }
    if (strlen(text) == 6 && prefix_ci(text, "2level")) {
        spec->kind = SG_DESIGN_TWO_LEVEL;
        return SG_OK;
    }
    if (strlen(text) == 5 && prefix_ci(text, "axial")) {
        spec->kind = SG_DESIGN_AXIAL;
        return SG_OK;
    }
    if (prefix_ci(text, "lhs")) {
        if (text[3] != ':')
            return sg_error_set(err, SG_ERR_INVALID, "design '%s': give the number of runs, e.g. lhs:30", text);
        spec->kind = SG_DESIGN_LHS;
        return parse_runs(text + 4, text, &spec->n_runs, err);
    }
    if (prefix_ci(text, "sobol")) {
        if (text[5] != ':')
            return sg_error_set(err, SG_ERR_INVALID, "design '%s': give the number of runs, e.g. sobol:32", text);
        spec->kind = SG_DESIGN_SOBOL;
        return parse_runs(text + 6, text, &spec->n_runs, err);
    }
    if ((text[0] == 'L' || text[0] == 'l') && isdigit((unsigned char)text[1])) {
        sg_error sub;
        if (sg_oa_find(text, &spec->oa_index, &sub) != SG_OK)
            return sg_error_set(err, SG_ERR_INVALID, "design: %s", sub.msg);
        spec->kind = SG_DESIGN_OA;
        return SG_OK;
    }
    return list_error(err, "unknown design", text);
}

/* ---- factor checks ------------------------------------------------------------ */

static const char *fname(const sg_design_factor *f, size_t j, char *buf, size_t size)
{
    if (f->name && *f->name)
        snprintf(buf, size, "'%s'", f->name);
    else
        snprintf(buf, size, "%zu", j + 1);
    return buf;
}

double sg_design_linear_decades(const sg_design_factor *f)
{
    if (f->categorical || f->log_scale || !(f->min > 0) || !(f->max > f->min))
        return 0.0;
    double dec = log10(f->max / f->min);
    return dec >= SG_DESIGN_DECADES_NOTE ? dec : 0.0;
}

sg_status sg_design_check_factors(const sg_design_factor *f, size_t k, sg_error *err)
{
    if (!f || k == 0)
        return sg_error_set(err, SG_ERR_INVALID, "a design needs at least one factor");
    char nb[96];
    for (size_t j = 0; j < k; j++) {
        const sg_design_factor *g = &f[j];
        fname(g, j, nb, sizeof nb);
        if (!isfinite(g->min) || !isfinite(g->max) || !(g->min < g->max))
            return sg_error_set(err, SG_ERR_INVALID, "factor %s: min (%g) must be below max (%g)", nb, g->min, g->max);
        double tol = SG_DESIGN_BOUND_RTOL * (g->max - g->min);
        if (!isfinite(g->step) || g->step < 0 || g->step > g->max - g->min)
            return sg_error_set(err, SG_ERR_INVALID, "factor %s: step (%g) must be 0 (none) or in (0, max - min = %g]",
                                nb, g->step, g->max - g->min);
        if ((g->levels == NULL) != (g->n_levels == 0) || g->n_levels < 0)
            return sg_error_set(err, SG_ERR_INVALID, "factor %s: levels and their count disagree", nb);
        for (int i = 0; i < g->n_levels; i++) {
            double v = g->levels[i];
            if (!isfinite(v) || v < g->min - tol || v > g->max + tol)
                return sg_error_set(err, SG_ERR_INVALID, "factor %s: level %g outside the bounds [%g, %g]", nb, v,
                                    g->min, g->max);
            if (i > 0 && !(v > g->levels[i - 1]))
                return sg_error_set(err, SG_ERR_INVALID, "factor %s: levels must increase (%g after %g)", nb, v,
                                    g->levels[i - 1]);
        }
    }
    return SG_OK;
}

/* Snap x to min + j*step inside [min, max]. */
static double snap(const sg_design_factor *f, double x)
{
    if (f->step <= 0)
        return x;
    double j = floor((x - f->min) / f->step + 0.5);
    if (j < 0)
        j = 0;
    while (j > 0 && f->min + j * f->step > f->max)
        j -= 1;
    return f->min + j * f->step;
}

/* The setting at u in [0, 1] of the unit cube: a category's level
 * floor(u * L), else min + u (max - min) (on a log scale min (max /
 * min)^u) snapped to the step. */
static double place(const sg_design_factor *f, double u)
{
    if (f->categorical && f->n_levels > 0) {
        int c = (int)floor(u * f->n_levels);
        return f->levels[c < 0 ? 0 : c >= f->n_levels ? f->n_levels - 1 : c];
    }
    if (f->log_scale && f->min > 0)
        return snap(f, fmin(f->max, f->min * pow(f->max / f->min, u)));
    return snap(f, f->min + u * (f->max - f->min));
}

/* ---- generators ----------------------------------------------------------------- */

static sg_status alloc_design(sg_design **out, size_t n, size_t k, sg_design_kind kind, sg_error *err)
{
    sg_design *d = calloc(1, sizeof *d);
    if (d)
        d->x = malloc(sizeof *d->x * n * k);
    if (!d || !d->x) {
        sg_design_destroy(d);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory for a design of %zu runs", n);
    }
    d->n_runs = n;
    d->n_factors = k;
    d->kind = kind;
    *out = d;
    return SG_OK;
}

static sg_status need_levels(const sg_design_factor *f, size_t k, const char *what, sg_error *err)
{
    char nb[96];
    for (size_t j = 0; j < k; j++)
        if (f[j].n_levels < 2)
            return sg_error_set(err, SG_ERR_INVALID,
                                "factor %s has %s; %s designs need at least 2 levels per factor (levels = [...])",
                                fname(&f[j], j, nb, sizeof nb), f[j].n_levels ? "1 level" : "no levels", what);
    return SG_OK;
}

static sg_status gen_oa(const sg_design_spec *spec, int chosen, const sg_design_factor *f, size_t k,
                        const sg_design_options *opt, sg_design **out, sg_error *err)
{
    sg_status st = need_levels(f, k, "orthogonal-array", err);
    if (st != SG_OK)
        return st;
    if (k > SG_OA_MAX_COLS)
        return sg_error_set(err, SG_ERR_INVALID, "%zu factors: orthogonal arrays hold at most %d", k, SG_OA_MAX_COLS);
    int levels[SG_OA_MAX_COLS];
    for (size_t j = 0; j < k; j++)
        levels[j] = f[j].n_levels;
    sg_oa_choice ch;
    st = chosen ? sg_oa_choose((int)k, levels, opt->interaction, &ch, err)
                : sg_oa_assign(spec->oa_index, (int)k, levels, opt->interaction, &ch, err);
    if (st != SG_OK)
        return st;
    int *codes = NULL;
    if ((st = sg_oa_build(ch.array, &codes, err)) != SG_OK)
        return st;
    if ((st = alloc_design(out, (size_t)ch.runs, k, SG_DESIGN_OA, err)) != SG_OK) {
        free(codes);
        return st;
    }
    sg_design *d = *out;
    for (int r = 0; r < ch.runs; r++)
        for (size_t j = 0; j < k; j++)
            d->x[(size_t)r * k + j] = f[j].levels[codes[r * ch.cols + ch.factor_col[j]]];
    free(codes);
    d->oa = ch;
    snprintf(d->name, sizeof d->name, "%s", ch.name);
    return SG_OK;
}

static sg_status gen_full(const sg_design_factor *f, size_t k, sg_design **out, sg_error *err)
{
    sg_status st = need_levels(f, k, "full-factorial", err);
    if (st != SG_OK)
        return st;
    size_t n = 1;
    for (size_t j = 0; j < k; j++) {
        n *= (size_t)f[j].n_levels;
        if (n > SG_DESIGN_FULL_MAX_RUNS)
            return sg_error_set(err, SG_ERR_LIMIT,
                                "full factorial of these %zu factors exceeds %d runs; use an orthogonal array "
                                "(auto), lhs:N or sobol:N",
                                k, SG_DESIGN_FULL_MAX_RUNS);
    }
    if ((st = alloc_design(out, n, k, SG_DESIGN_FULL, err)) != SG_OK)
        return st;
    sg_design *d = *out;
    for (size_t r = 0; r < n; r++) {
        size_t rest = r; /* first factor changes slowest */
        for (size_t j = k; j-- > 0;) {
            d->x[r * k + j] = f[j].levels[rest % (size_t)f[j].n_levels];
            rest /= (size_t)f[j].n_levels;
        }
    }
    snprintf(d->name, sizeof d->name, "full");
    return SG_OK;
}

/* Smallest squared distance between rows of u (n x k, unit cube). */
static double min_dist2(const double *u, size_t n, size_t k)
{
    double best = HUGE_VAL;
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++) {
            double s = 0;
            for (size_t j = 0; j < k; j++) {
                double t = u[a * k + j] - u[b * k + j];
                s += t * t;
            }
            if (s < best)
                best = s;
        }
    return best;
}

static sg_status gen_lhs(size_t n, const sg_design_factor *f, size_t k, const sg_design_options *opt,
                         sg_design **out, sg_error *err)
{
    if (opt->lhs_candidates < 1)
        return sg_error_set(err, SG_ERR_INVALID, "lhs candidates must be at least 1 (got %d)", opt->lhs_candidates);
    sg_status st = SG_OK;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double *cand = malloc(sizeof *cand * n * k), *best = malloc(sizeof *best * n * k);
    size_t *perm = malloc(sizeof *perm * n);
    if (!rng || !cand || !best || !perm) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory for lhs:%zu", n);
        goto done;
    }
    gsl_rng_set(rng, opt->seed);
    int candidates = n > SG_DESIGN_LHS_MAXIMIN_MAX_RUNS ? 1 : opt->lhs_candidates;
    double best_d = -1;
    for (int c = 0; c < candidates; c++) {
        for (size_t j = 0; j < k; j++) {
            for (size_t i = 0; i < n; i++)
                perm[i] = i;
            gsl_ran_shuffle(rng, perm, n, sizeof *perm);
            for (size_t i = 0; i < n; i++) /* run i in stratum perm[i] of factor j */
                cand[i * k + j] = ((double)perm[i] + gsl_rng_uniform(rng)) / (double)n;
        }
        double dd = candidates > 1 ? min_dist2(cand, n, k) : 0;
        if (dd > best_d) {
            best_d = dd;
            memcpy(best, cand, sizeof *best * n * k);
        }
    }
    if ((st = alloc_design(out, n, k, SG_DESIGN_LHS, err)) != SG_OK)
        goto done;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++)
            (*out)->x[i * k + j] = place(&f[j], best[i * k + j]);
    snprintf((*out)->name, sizeof (*out)->name, "lhs:%zu", n);
done:
    gsl_rng_free(rng);
    free(cand);
    free(best);
    free(perm);
    return st;
}

static sg_status gen_sobol(size_t n, const sg_design_factor *f, size_t k, const sg_design_options *opt,
                           sg_design **out, sg_error *err)
{
    if (k > SG_DESIGN_SOBOL_MAX_DIM)
        return sg_error_set(err, SG_ERR_LIMIT, "sobol designs support at most %d factors (GSL); got %zu; use lhs:N",
                            SG_DESIGN_SOBOL_MAX_DIM, k);
    sg_status st = SG_OK;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)k);
    double v[SG_DESIGN_SOBOL_MAX_DIM];
    uint32_t mask[SG_DESIGN_SOBOL_MAX_DIM];
    if (!rng || !q) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory for sobol:%zu", n);
        goto done;
    }
    gsl_rng_set(rng, opt->seed);
    for (size_t j = 0; j < k; j++) /* random digital shift: XOR of the 32-bit fractions */
        mask[j] = (uint32_t)(gsl_rng_uniform(rng) * TWO_POW_32);
    if ((st = alloc_design(out, n, k, SG_DESIGN_SOBOL, err)) != SG_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        /* GSL starts after the origin; the sequence proper starts at it, so
         * that the first 2^m points form a (t, m, s)-net */
        if (i == 0)
            memset(v, 0, sizeof v);
        else if (gsl_qrng_get(q, v) != 0) {
            sg_design_destroy(*out);
            *out = NULL;
            st = sg_error_set(err, SG_ERR_NUMERIC, "GSL sobol generator failed at point %zu", i);
            goto done;
        }
        for (size_t j = 0; j < k; j++) {
            uint32_t bits = (uint32_t)(v[j] * TWO_POW_32) ^ mask[j];
            double u = ((double)bits + 0.5) / TWO_POW_32;
            (*out)->x[i * k + j] = place(&f[j], u);
        }
    }
    snprintf((*out)->name, sizeof (*out)->name, "sobol:%zu", n);
done:
    gsl_qrng_free(q);
    gsl_rng_free(rng);
    return st;
}

/* ---- response-surface designs ---- */

/* Factor f's setting at coded z in [-1, 1] (min .. max; by ratios on a log
 * scale), snapped to its step. */
static double coded(const sg_design_factor *f, double z) { return place(f, 0.5 * (z + 1.0)); }

/* A response-surface design needs numeric factors: a name has no centre. */
static sg_status need_numbers(const sg_design_factor *f, size_t k, const char *what,
                              sg_error *err)
{
    char nb[96];
    for (size_t j = 0; j < k; j++)
        if (f[j].categorical)
            return sg_error_set(err, SG_ERR_INVALID,
                                "design '%s': factor %s is a category (names have no centre "
                                "or axial setting); use lhs:N or an orthogonal array",
                                what, fname(&f[j], j, nb, sizeof nb));
    return SG_OK;
}

/* Row r of the design from coded settings z (k). */
static void put_coded(sg_design *d, size_t r, const sg_design_factor *f, const double *z)
{
    for (size_t j = 0; j < d->n_factors; j++)
        d->x[r * d->n_factors + j] = coded(&f[j], z[j]);
}

/* The two-level cube of a CCD or a screening design: the full 2^k up to 4
 * factors, the half fraction from 5 (the last factor the product of the
 * others), at coded +-c, into rows 0 .. returned - 1. */
static size_t put_cube(sg_design *d, const sg_design_factor *f, size_t k, double c)
{
    size_t free_k = k <= 4 ? k : k - 1, cube = (size_t)1 << free_k, r = 0;
    double z[SG_DESIGN_CCD_MAX_FACTORS];
    for (size_t i = 0; i < cube; i++, r++) { /* standard order: the first factor fastest */
        double prod = 1.0;
        for (size_t j = 0; j < free_k; j++) {
            double s = (i >> j) & 1 ? 1.0 : -1.0;
            z[j] = s * c;
            prod *= s;
        }
        if (free_k < k)
            z[k - 1] = prod * c;
        put_coded(d, r, f, z);
    }
    return r;
}

/* The 2k axial runs (factor j at coded -1, then +1, the others at their
 * centre) from row r; returns the row after them. */
static size_t put_axial(sg_design *d, const sg_design_factor *f, size_t k, size_t r)
{
    double z[SG_DESIGN_CCD_MAX_FACTORS];
    for (size_t j = 0; j < k; j++)
        for (int s = -1; s <= 1; s += 2, r++) {
            for (size_t g = 0; g < k; g++)
                z[g] = 0.0;
            z[j] = s;
            put_coded(d, r, f, z);
        }
    return r;
}

/* Runs of the cube put_cube writes. */
static size_t cube_runs(size_t k) { return (size_t)1 << (k <= 4 ? k : k - 1); }

/* The factors a cube is built for (the CCD's limit). */
static sg_status cube_factors(const char *what, size_t k, sg_error *err)
{
    if (k < 2 || k > SG_DESIGN_CCD_MAX_FACTORS)
        return sg_error_set(err, SG_ERR_INVALID,
                            "design '%s' is built for 2 to %d factors, not %zu; use lhs:N", what,
                            SG_DESIGN_CCD_MAX_FACTORS, k);
    return SG_OK;
}

static sg_status gen_ccd(bool face, const sg_design_factor *f, size_t k, sg_design **out,
                         sg_error *err)
{
    const char *what = face ? "ccd:face" : "ccd";
    sg_status st = need_numbers(f, k, what, err);
    if (st == SG_OK)
        st = cube_factors(what, k, err);
    if (st != SG_OK)
        return st;
    size_t cube = cube_runs(k);
    double alpha = face ? 1.0 : pow((double)cube, 0.25), c = 1.0 / alpha;
    if ((st = alloc_design(out, cube + 2 * k + 1, k, SG_DESIGN_CCD, err)) != SG_OK)
        return st;
    double z[SG_DESIGN_CCD_MAX_FACTORS] = {0};
    size_t r = put_axial(*out, f, k, put_cube(*out, f, k, c));
    put_coded(*out, r, f, z); /* the centre run */
    snprintf((*out)->name, sizeof (*out)->name, "%s", face ? "ccd:face" : "ccd");
    return SG_OK;
}

/* The screening design: the cube at min and max, then one centre run (a
 * simulation repeated gives the same result), whose difference from the
 * cube's mean tests curvature (analyze). */
static sg_status gen_two_level(const sg_design_factor *f, size_t k, sg_design **out,
                               sg_error *err)
{
    sg_status st = need_numbers(f, k, "2level", err);
    if (st == SG_OK)
        st = cube_factors("2level", k, err);
    if (st == SG_OK)
        st = alloc_design(out, cube_runs(k) + 1, k, SG_DESIGN_TWO_LEVEL, err);
    if (st != SG_OK)
        return st;
    size_t r = put_cube(*out, f, k, 1.0);
    double z[SG_DESIGN_CCD_MAX_FACTORS] = {0};
    put_coded(*out, r, f, z);
    snprintf((*out)->name, sizeof (*out)->name, "2level");
    return SG_OK;
}

/* The axial runs of a face-centred CCD: factor j at min, then max, the
 * others at their centre; appended to a 2level design's runs they make a
 * ccd:face (sequential experimentation: the curvature first, then where). */
static sg_status gen_axial(const sg_design_factor *f, size_t k, sg_design **out, sg_error *err)
{
    sg_status st = need_numbers(f, k, "axial", err);
    if (st == SG_OK)
        st = cube_factors("axial", k, err);
    if (st == SG_OK)
        st = alloc_design(out, 2 * k, k, SG_DESIGN_AXIAL, err);
    if (st != SG_OK)
        return st;
    put_axial(*out, f, k, 0);
    snprintf((*out)->name, sizeof (*out)->name, "axial");
    return SG_OK;
}

/* Box-Behnken for 3 to 5 factors: every pair of factors at (+-1, +-1), the
 * others at the centre, then one centre run. */
static sg_status gen_bbd(const sg_design_factor *f, size_t k, sg_design **out, sg_error *err)
{
    sg_status st = need_numbers(f, k, "bbd", err);
    if (st != SG_OK)
        return st;
    if (k < 3 || k > 5)
        return sg_error_set(err, SG_ERR_INVALID,
                            "design 'bbd' is built for 3 to 5 factors, not %zu; use ccd or "
                            "lhs:N",
                            k);
    if ((st = alloc_design(out, 2 * k * (k - 1) + 1, k, SG_DESIGN_BBD, err)) != SG_OK)
        return st;
    double z[5];
    size_t r = 0;
    for (size_t a = 0; a < k; a++)
        for (size_t b = a + 1; b < k; b++)
            for (int s = 0; s < 4; s++, r++) {
                for (size_t g = 0; g < k; g++)
                    z[g] = 0.0;
                z[a] = s & 1 ? 1.0 : -1.0;
                z[b] = s & 2 ? 1.0 : -1.0;
                put_coded(*out, r, f, z);
            }
    for (size_t g = 0; g < k; g++)
        z[g] = 0.0;
    put_coded(*out, r, f, z);
    snprintf((*out)->name, sizeof (*out)->name, "bbd");
    return SG_OK;
}

sg_status sg_design_generate(const sg_design_spec *spec, const sg_design_factor *f, size_t k,
                             const sg_design_options *opt, sg_design **out, sg_error *err)
{
    if (!spec || !out)
        return sg_error_set(err, SG_ERR_INVALID, "sg_design_generate: spec and out are required");
    *out = NULL;
    sg_status st = sg_design_check_factors(f, k, err);
    if (st != SG_OK)
        return st;
    sg_design_options def = sg_design_options_default();
    if (!opt)
        opt = &def;
    if ((spec->kind == SG_DESIGN_LHS || spec->kind == SG_DESIGN_SOBOL) &&
        (spec->n_runs < 2 || spec->n_runs > SG_DESIGN_MAX_RUNS))
        return sg_error_set(err, SG_ERR_INVALID, "run count %zu must be 2..%d", spec->n_runs, SG_DESIGN_MAX_RUNS);
    switch (spec->kind) {
    case SG_DESIGN_AUTO: {
        int all_levels = k <= SG_OA_MAX_COLS;
        for (size_t j = 0; j < k; j++)
            all_levels &= f[j].n_levels >= 2;
        if (all_levels) {
            sg_error sub;
            if (gen_oa(spec, 1, f, k, opt, out, &sub) == SG_OK)
                return SG_OK;
        }
        size_t n = SG_DESIGN_AUTO_RUNS_PER_FACTOR * k;
        return gen_lhs(n < 2 ? 2 : n, f, k, opt, out, err);
    }
    case SG_DESIGN_OA:
        return gen_oa(spec, 0, f, k, opt, out, err);
    case SG_DESIGN_LHS:
        return gen_lhs(spec->n_runs, f, k, opt, out, err);
    case SG_DESIGN_SOBOL:
        return gen_sobol(spec->n_runs, f, k, opt, out, err);
    case SG_DESIGN_FULL:
        return gen_full(f, k, out, err);
    case SG_DESIGN_CCD:
        return gen_ccd(spec->face, f, k, out, err);
    case SG_DESIGN_BBD:
        return gen_bbd(f, k, out, err);
    case SG_DESIGN_TWO_LEVEL:
        return gen_two_level(f, k, out, err);
    case SG_DESIGN_AXIAL:
        return gen_axial(f, k, out, err);
    }
    return sg_error_set(err, SG_ERR_INVALID, "unknown design kind %d", (int)spec->kind);
}
