/* outliers.c — suspicious runs: robust z-scores of held-out residuals with a
 * scale floored by the data's resolution and a share of its range,
 * clusters of neighbouring runs deviating together, and the additive
 * pattern of a level-coded table by median polish (rules in outliers.h). */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "model/outliers.h"
#include "model/cv.h"

const char *sg_outlier_floor_name(sg_outlier_floor f)
{
    switch (f) {
    case SG_OUTLIER_SCALE_RESOLUTION:
        return "resolution";
    case SG_OUTLIER_SCALE_RANGE:
        return "range";
    case SG_OUTLIER_SCALE_MAD:
    default:
        return "MAD";
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_sorted(const double *v, size_t m)
{
    return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

double sg_outlier_resolution(const double *v, size_t n, size_t stride)
{
    double q = 1.0;
    for (int d = 0; d <= SG_CV_MAX_DECIMALS; d++, q /= 10.0) {
        bool all = true;
        for (size_t i = 0; all && i < n; i++) {
            double x = v[i * stride] / q;
            /* a value that rounds to 0 at q is not shown by it (6.9e-18 m2 is no
             * whole number) */
            all = !isfinite(x) || x == 0 ||
                  (nearbyint(x) != 0 &&
                   fabs(x - nearbyint(x)) <= SG_CV_DECIMAL_TOL + 4 * DBL_EPSILON * fabs(x));
        }
        if (all)
            return q;
    }
    return 0.0;
}

void sg_outlier_scale_compute(const double *obs, const double *resid, size_t n,
                              double range_frac, double *scratch, sg_outlier_scale *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return;
    double *t = scratch;
    memcpy(t, resid, n * sizeof *t);
    qsort(t, n, sizeof *t, cmp_double);
    out->median = median_sorted(t, n);
    for (size_t i = 0; i < n; i++)
        t[i] = fabs(resid[i] - out->median);
    qsort(t, n, sizeof *t, cmp_double);
    out->mad_sd = SG_CV_MAD_TO_SD * median_sorted(t, n);
    out->resolution = sg_outlier_resolution(obs, n, 1);
    memcpy(t, obs, n * sizeof *t);
    qsort(t, n, sizeof *t, cmp_double);
    out->range_floor = range_frac * (t[n - 1] - t[0]);
    out->scale = out->mad_sd;
    out->source = SG_OUTLIER_SCALE_MAD;
    if (out->resolution > out->scale) {
        out->scale = out->resolution;
        out->source = SG_OUTLIER_SCALE_RESOLUTION;
    }
    if (out->range_floor > out->scale) {
        out->scale = out->range_floor;
        out->source = SG_OUTLIER_SCALE_RANGE;
    }
}

/* Rows i and j (indices into the arrays) are table neighbours. */
static bool adjacent(const size_t *rows, size_t i, size_t j)
{
    size_t a = rows ? rows[i] : i, b = rows ? rows[j] : j;
    return a + 1 == b || b + 1 == a;
}

size_t sg_outlier_find(const size_t *rows, const double *obs, const double *pred,
                        const double *spread, size_t n, double zmax, double range_frac,
                        size_t response, double half_width, double *scratch,
                        sg_outlier_scale *sc, sg_outlier *out)
{
    double *resid = scratch;
    sg_outlier_scale s;
    for (size_t i = 0; i < n; i++)
        resid[i] = obs[i] - pred[i];
    sg_outlier_scale_compute(obs, resid, n, range_frac, scratch + n, &s);
    if (sc)
        *sc = s;
    if (n == 0 || !(s.scale > 0) || !(zmax > 0))
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double z = (resid[i] - s.median) / s.scale;
        if (!(fabs(z) > zmax))
            continue;
        sg_outlier *o = &out[k++];
        o->row = rows ? rows[i] : i;
        o->response = response;
        o->observed = obs[i];
        o->predicted = pred[i];
        o->spread = spread ? spread[i] : 0.0;
        o->half_width = half_width;
        o->z = z;
        o->scale = s.scale;
        o->cluster_first = o->cluster_last = o->row;
        o->off_pattern = false;
        o->log_scale = false;
    }
    /* Clusters: runs of consecutive flagged rows (one or more) with
     * same-sign deviations, widened by neighbours whose observed value is
     * within `scale` of the cluster's edge and whose deviation has the same
     * sign: a twin that leave-one-out could not expose keeps its partner's
     * deviation small, so it need not be flagged itself.  A run flagged
     * alone takes in only neighbours that deviate by more than one scale
     * (a same-sign residual of noise size is no evidence). */
    size_t a = 0;
    while (a < k) {
        size_t b = a;
        while (b + 1 < k && out[b + 1].row == out[b].row + 1 && (out[b + 1].z > 0) == (out[a].z > 0))
            b++;
        {
            size_t lo = 0, hi = 0; /* array indices of out[a] and out[b] */
            for (size_t i = 0; i < n; i++) {
                size_t r = rows ? rows[i] : i;
                if (r == out[a].row)
                    lo = i;
                if (r == out[b].row)
                    hi = i;
            }
            double sign = out[a].z > 0 ? 1.0 : -1.0;
            double need = b > a ? 0.0 : s.scale; /* the deviation a neighbour needs */
            while (lo > 0 && adjacent(rows, lo - 1, lo) &&
                   sign * (resid[lo - 1] - s.median) > need &&
                   fabs(obs[lo - 1] - obs[lo]) <= s.scale)
                lo--;
            while (hi + 1 < n && adjacent(rows, hi, hi + 1) &&
                   sign * (resid[hi + 1] - s.median) > need &&
                   fabs(obs[hi + 1] - obs[hi]) <= s.scale)
                hi++;
            for (size_t c = a; c <= b; c++) {
                out[c].cluster_first = rows ? rows[lo] : lo;
                out[c].cluster_last = rows ? rows[hi] : hi;
            }
        }
        a = b + 1;
    }
    return k;
}

/* ---- the additive pattern (median polish) ---- */

/* Factor f's level of every row into lev (n) and the number of levels; 0
 * when f is not level-coded (sg_cv_factor_levels).  col is scratch of n
 * doubles. */
static size_t level_index(const double *X, size_t n, size_t n_in, size_t f, double *col,
                          size_t *lev)
{
    double lv[SG_CV_LEVELS_MAX];
    size_t L = sg_cv_factor_levels(X, n, n_in, f, col, lv);
    for (size_t i = 0; L && i < n; i++) {
        size_t l = 0;
        while (lv[l] != X[i * n_in + f])
            l++;
        lev[i] = l;
    }
    return L;
}

/* One sweep over factor f: each level's median residual removed; returns
 * the largest median removed.  buf is scratch of n doubles. */
static double polish_factor(const size_t *lev, size_t n, size_t L, double *r, double *buf)
{
    double moved = 0.0;
    for (size_t l = 0; l < L; l++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (lev[i] == l)
                buf[k++] = r[i];
        qsort(buf, k, sizeof *buf, cmp_double);
        double med = median_sorted(buf, k);
        for (size_t i = 0; i < n; i++)
            if (lev[i] == l)
                r[i] -= med;
        moved = fmax(moved, fabs(med));
    }
    return moved;
}

sg_status sg_outlier_pattern_residuals(const double *X, size_t n, size_t n_in, const double *y,
                                       size_t ldy, double *resid, bool *applies, sg_error *err)
{
    *applies = false;
    if (n < 4 || n_in == 0 || n > SG_OUTLIER_PATTERN_MAX_ROWS)
        return SG_OK;
    sg_status st = SG_OK;
    size_t *lev = malloc(n * n_in * sizeof *lev), *nl = malloc(n_in * sizeof *nl);
    double *buf = malloc(n * sizeof *buf), *r = malloc(n * sizeof *r);
    if (!lev || !nl || !buf || !r) {
        st = sg_error_set(err, SG_ERR_NOMEM, "additive pattern: out of memory");
        goto done;
    }
    size_t effects = 1;
    for (size_t f = 0; f < n_in; f++) {
        nl[f] = level_index(X, n, n_in, f, buf, lev + f * n);
        if (nl[f] < 2)
            goto done; /* not level-coded: no pattern of levels */
        effects += nl[f] - 1;
    }
    if (n < 2 * effects)
        goto done;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        r[i] = y[i * ldy];
        lo = fmin(lo, r[i]);
        hi = fmax(hi, r[i]);
    }
    for (size_t sweep = 0; sweep < SG_OUTLIER_POLISH_SWEEPS; sweep++) {
        double moved = 0.0;
        for (size_t f = 0; f < n_in; f++)
            moved = fmax(moved, polish_factor(lev + f * n, n, nl[f], r, buf));
        if (!(moved > 1e-12 * (hi - lo)))
            break;
    }
    memcpy(resid, r, n * sizeof *resid);
    *applies = true;
done:
    free(lev);
    free(nl);
    free(buf);
    free(r);
    return st;
}
