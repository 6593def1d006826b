/* rsmdesign.c — central composite and Box-Behnken designs (rsmdesign.h). */
#include "analysis/rsmdesign.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEVELS 5
#define MAX_FACTORS 64      /* a larger table is no classic design */
#define SAME 1e-6           /* of a factor's range */
#define ALPHA_SAME 1e-3     /* relative: one alpha for every factor */
#define ROTATABLE_SAME 0.01 /* relative: alpha = cube^(1/4) */

/* One factor's coding: z = (x - centre) / unit on -alpha, -1, 0, 1, alpha. */
typedef struct coding {
    double centre, unit, tol;
} coding;

/* The distinct settings of factor j (at most MAX_LEVELS, ascending) into
 * v; returns their number, MAX_LEVELS + 1 when there are more. */
static size_t levels(const double *X, size_t ldx, size_t n, size_t j, double tol, double *v)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double x = X[i * ldx + j];
        size_t a = 0;
        while (a < m && fabs(v[a] - x) > tol)
            a++;
        if (a < m)
            continue;
        if (m == MAX_LEVELS)
            return MAX_LEVELS + 1;
        size_t b = m++;
        for (; b > 0 && v[b - 1] > x; b--)
            v[b] = v[b - 1];
        v[b] = x;
    }
    return m;
}

/* Factor j's coding when its settings are symmetric about a centre: 3
 * levels (unit = the step; *alpha_j = 1) or 5 (unit = the inner step,
 * *alpha_j = outer over inner).  False otherwise. */
static bool code_factor(const double *X, size_t ldx, size_t n, size_t j, coding *c,
                        double *alpha_j)
{
    double lo = X[j], hi = X[j], v[MAX_LEVELS];
    for (size_t i = 1; i < n; i++) {
        lo = fmin(lo, X[i * ldx + j]);
        hi = fmax(hi, X[i * ldx + j]);
    }
    if (!(hi > lo) || !isfinite(hi - lo))
        return false;
    c->tol = SAME * (hi - lo);
    size_t m = levels(X, ldx, n, j, c->tol, v);
    if (m != 3 && m != 5)
        return false;
    c->centre = v[m / 2];
    for (size_t a = 0; a < m / 2; a++)
        if (fabs(v[a] + v[m - 1 - a] - 2.0 * c->centre) > 2.0 * c->tol)
            return false;
    c->unit = v[m / 2 + 1] - c->centre;
    *alpha_j = (v[m - 1] - c->centre) / c->unit;
    return true;
}

/* The code of a setting: 0, ±1 or ±alpha (returned as 2, meaning alpha);
 * 3 when it is none of them. */
static int code_of(double x, const coding *c, double alpha)
{
    double z = (x - c->centre) / c->unit, tol = c->tol / c->unit;
    if (fabs(z) <= tol)
        return 0;
    if (fabs(fabs(z) - 1.0) <= tol)
        return z > 0 ? 1 : -1;
    if (fabs(fabs(z) - alpha) <= tol * alpha)
        return z > 0 ? 2 : -2;
    return 3;
}

/* The cube's main-effect columns balanced and orthogonal (z = ±1). */
static bool cube_orthogonal(const double *X, size_t ldx, size_t n, size_t k, const coding *c,
                            double alpha)
{
    for (size_t a = 0; a < k; a++)
        for (size_t b = a; b < k; b++) {
            long sa = 0, dot = 0;
            for (size_t i = 0; i < n; i++) {
                int za = code_of(X[i * ldx + a], &c[a], alpha);
                int zb = code_of(X[i * ldx + b], &c[b], alpha);
                bool cube = true;
                for (size_t f = 0; f < k && cube; f++)
                    cube = abs(code_of(X[i * ldx + f], &c[f], alpha)) == 1;
                if (!cube)
                    continue;
                sa += za;
                dot += za * zb;
            }
            if (sa || (a != b && dot))
                return false;
        }
    return true;
}

/* The part of the design run i belongs to: 0 centre, 1 axial (one factor
 * away from its centre, at ±alpha; at ±1 when face-centred), 2 cube (every
 * factor at ±1), -1 none; *at / *high: the axial run's factor and side. */
static int part_of(const double *x, size_t k, const coding *c, double alpha, size_t *at,
                   bool *high)
{
    size_t away = 0, ones = 0;
    for (size_t f = 0; f < k; f++) {
        int z = code_of(x[f], &c[f], alpha);
        if (z == 3)
            return -1;
        if (z) {
            away++;
            ones += abs(z) == 1;
            *at = f;
            *high = z > 0;
        }
    }
    bool face = alpha <= 1.0 + ALPHA_SAME;
    if (away == 0)
        return 0;
    if (away == 1 && (face || ones == 0))
        return 1;
    return away == k && ones == k ? 2 : -1;
}

static bool central_composite(const double *X, size_t ldx, size_t n, size_t k, const coding *c,
                              double alpha, sg_rsmdesign *d)
{
    size_t axial[MAX_FACTORS][2] = {{0}};
    for (size_t i = 0; i < n; i++) {
        size_t at = 0;
        bool high = false;
        int part = part_of(X + i * ldx, k, c, alpha, &at, &high);
        if (part < 0)
            return false;
        d->centre += part == 0;
        d->cube += part == 2;
        if (part == 1) {
            axial[at][high]++;
            d->axial++;
        }
    }
    bool factorial = d->axial == 0 && d->centre > 0; /* the cube and centre runs only */
    for (size_t f = 0; f < k && !factorial; f++)
        if (!axial[f][0] || axial[f][0] != axial[f][1] || axial[f][0] != axial[0][0])
            return false;
    if (d->cube < 4 || !cube_orthogonal(X, ldx, n, k, c, alpha))
        return false;
    d->fraction = k < 63 && d->cube < ((size_t)1 << k);
    if (factorial) {
        d->kind = SG_RSMDESIGN_FACTORIAL;
        return true;
    }
    d->kind = SG_RSMDESIGN_CCD;
    d->alpha = alpha;
    d->rotatable = fabs(alpha - pow((double)d->cube, 0.25)) <= ROTATABLE_SAME * alpha;
    return true;
}

/* The factors of run x away from their centre (bits of *set) and which of
 * them are high (bits of *signs), on a three-level coding. */
static void support(const double *x, size_t k, const coding *c, unsigned *set, unsigned *signs)
{
    *set = *signs = 0;
    for (size_t f = 0; f < k; f++) {
        int z = code_of(x[f], &c[f], 1.0);
        if (z) {
            *set |= 1u << f;
            *signs |= (unsigned)(z > 0) << f;
        }
    }
}

/* Box-Behnken: every run away from the centre has the same m (2 .. k-1)
 * factors at ±1, and each set of m factors used is run in all 2^m sign
 * combinations equally often. */
static bool box_behnken(const double *X, size_t ldx, size_t n, size_t k, const coding *c,
                        sg_rsmdesign *d)
{
    if (k < 3 || k > 16)
        return false;
    size_t m = 0, cover = 0;
    for (size_t i = 0; i < n; i++) {
        size_t away = 0;
        for (size_t f = 0; f < k; f++) {
            int z = code_of(X[i * ldx + f], &c[f], 1.0);
            if (abs(z) > 1)
                return false;
            away += z != 0;
        }
        if (!away) {
            d->centre++;
            continue;
        }
        if ((m && away != m) || away < 2 || away >= k)
            return false;
        m = away;
        d->edge++;
    }
    if (!m)
        return false;
    /* per support set: runs of each sign pattern (2^m counted by scanning) */
    for (size_t i = 0; i < n; i++) {
        unsigned set, signs;
        support(X + i * ldx, k, c, &set, &signs);
        if (!set)
            continue;
        cover |= set;
        size_t same = 0, runs_of_set = 0;
        for (size_t i2 = 0; i2 < n; i2++) {
            unsigned set2, signs2;
            support(X + i2 * ldx, k, c, &set2, &signs2);
            runs_of_set += set2 == set;
            same += set2 == set && signs2 == signs;
        }
        if (same * ((size_t)1 << m) != runs_of_set)
            return false;
    }
    if (cover != (1u << k) - 1)
        return false;
    d->kind = SG_RSMDESIGN_BBD;
    d->per_run = m;
    return true;
}

bool sg_rsmdesign_identify(const double *X, size_t ldx, size_t n, size_t k, sg_rsmdesign *out)
{
    memset(out, 0, sizeof *out);
    if (k < 2 || k > MAX_FACTORS || n < 5)
        return false;
    coding c[MAX_FACTORS];
    double alpha = 0.0;
    bool three = true;
    for (size_t j = 0; j < k; j++) {
        double a;
        if (!code_factor(X, ldx, n, j, &c[j], &a))
            return false;
        if (j && fabs(a - alpha) > ALPHA_SAME * alpha)
            return false;
        alpha = a;
        three = three && a == 1.0;
    }
    if ((n >= 2 * k + 4 || three) && central_composite(X, ldx, n, k, c, alpha, out))
        return true;
    memset(out, 0, sizeof *out);
    if (three && box_behnken(X, ldx, n, k, c, out))
        return true;
    memset(out, 0, sizeof *out);
    return false;
}

void sg_rsmdesign_text(const sg_rsmdesign *d, size_t k, char *buf, size_t cap)
{
    if (d->kind == SG_RSMDESIGN_CCD)
        snprintf(buf, cap,
                 "central composite design: %zu cube runs (%s 2^%zu), %zu axial runs at "
                 "alpha = %.4g%s, %zu centre run%s",
                 d->cube, d->fraction ? "a fraction of" : "the full", k, d->axial, d->alpha,
                 d->alpha == 1.0 ? " (face-centred)" : d->rotatable ? " (rotatable)" : "",
                 d->centre, d->centre == 1 ? "" : "s");
    else if (d->kind == SG_RSMDESIGN_FACTORIAL)
        snprintf(buf, cap,
                 "two-level %s 2^%zu (%zu runs) with %zu centre run%s, which test%s for "
                 "curvature",
                 d->fraction ? "fraction of the" : "factorial", k, d->cube, d->centre,
                 d->centre == 1 ? "" : "s", d->centre == 1 ? "s" : "");
    else if (d->kind == SG_RSMDESIGN_BBD)
        snprintf(buf, cap,
                 "Box-Behnken design: %zu runs with %zu factors at their low or high setting "
                 "in every combination and the others at the centre, %zu centre run%s",
                 d->edge, d->per_run, d->centre, d->centre == 1 ? "" : "s");
    else if (cap)
        buf[0] = '\0';
}
