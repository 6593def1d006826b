/* cv_confirm.c — a run flagged "check this simulation" that another model
 * predicts from the other runs is the model's miss, not the run's; one
 * predicted by extrapolation, or holding the response's extreme (of the
 * table, or of its neighbourhood at the edge of it), cannot be judged by
 * the others (cv.h). */
#include "model/cv.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void sg_cv_row_residuals(const size_t *row, size_t m, const double *obs, const double *pred,
                         size_t n, size_t no, double *out)
{
    double *cnt = calloc(n ? n : 1, sizeof *cnt);
    for (size_t i = 0; i < n * no; i++)
        out[i] = cnt ? 0.0 : NAN;
    if (!cnt)
        return; /* no residuals: nothing is cleared */
    for (size_t i = 0; i < m; i++) {
        cnt[row[i]] += 1.0;
        for (size_t j = 0; j < no; j++)
            out[row[i] * no + j] += obs[i * no + j] - pred[i * no + j];
    }
    for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < no; j++)
            out[r * no + j] = cnt[r] > 0 ? out[r * no + j] / cnt[r] : NAN;
    free(cnt);
}

/* The other model's residual v (observed - its prediction) of a run
 * observed at obs, on the scale its records were judged on: log10 of
 * observed over predicted for a log-scale response (NAN if not defined). */
static double as_judged(bool log_scale, double obs, double v)
{
    if (!log_scale)
        return v;
    return obs > 0 && obs - v > 0 ? log10(obs / (obs - v)) : NAN;
}

/* One record's report, whichever rule cleared it. */
typedef union cleared_report {
    sg_cv_cleared predicted;
    sg_cv_beyond beyond;
    sg_cv_extreme extreme;
    sg_cv_local_extreme local;
} cleared_report;

/* Does rule ctx clear record o of r?  When it does, it writes its report. */
typedef bool (*clear_rule)(const sg_cv_result *r, const sg_outlier *o, void *ctx,
                           cleared_report *report);

/* Remove from r->outliers (order kept) every record the rule clears,
 * copying up to max of their reports (size bytes each: the rule's member
 * of cleared_report) to out (may be NULL).  Returns how many it removed. */
static size_t remove_cleared(sg_cv_result *r, clear_rule rule, void *ctx, void *out, size_t size,
                             size_t max)
{
    size_t kept = 0, gone = 0;
    for (size_t k = 0; k < r->n_outliers; k++) {
        const sg_outlier o = r->outliers[k];
        cleared_report rep;
        if (!rule(r, &o, ctx, &rep)) {
            r->outliers[kept++] = o;
            continue;
        }
        if (out && gone < max)
            memcpy((char *)out + gone * size, &rep, size);
        gone++;
    }
    r->n_outliers = kept;
    return gone;
}

/* Does the other model predict outlier o's run as well as the model
 * predicts an ordinary run? */
static bool predicted_by_other(const sg_cv_result *r, const sg_outlier *o, const double *ref,
                               double zmax)
{
    size_t no = r->n_out, j = o->response;
    const sg_cv_response *R = &r->resp[j];
    double v = as_judged(o->log_scale, o->observed, ref[o->row * no + j]);
    if (o->off_pattern || !R->outlier_ok || !isfinite(v) || !(R->scale.scale > 0))
        return false;
    size_t n = r->n_rows;
    double *col = malloc(2 * n * sizeof *col), *ob = col + n;
    if (!col)
        return false; /* keep the flag: the safe side */
    for (size_t i = 0; i < n; i++) /* each row's observed value (a log-scale response) */
        ob[i] = NAN;
    for (size_t i = 0; o->log_scale && i < r->n_held; i++)
        ob[r->held_row[i]] = r->obs[i * no + j];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double c = as_judged(o->log_scale, ob[i], ref[i * no + j]);
        if (isfinite(c))
            col[m++] = c;
    }
    double med = v;
    if (m > 0) {
        gsl_sort(col, 1, m);
        med = gsl_stats_median_from_sorted_data(col, 1, m);
    }
    free(col);
    return fabs(v - med) <= zmax * R->scale.scale;
}

typedef struct predicted_ctx {
    const double *ref; /* the other model's residual of every row (n_rows, n_out) */
    double zmax;
} predicted_ctx;

static bool predicted_rule(const sg_cv_result *r, const sg_outlier *o, void *ctx,
                           cleared_report *rep)
{
    const predicted_ctx *c = ctx;
    if (!predicted_by_other(r, o, c->ref, c->zmax))
        return false;
    rep->predicted = (sg_cv_cleared){o->row, o->response, o->observed - o->predicted,
                                     c->ref[o->row * r->n_out + o->response]};
    return true;
}

size_t sg_cv_clear_predicted(sg_cv_result *r, const double *ref_resid, double zmax,
                             sg_cv_cleared *cleared, size_t max)
{
    if (!r || !ref_resid)
        return 0;
    predicted_ctx c = {ref_resid, zmax};
    return remove_cleared(r, predicted_rule, &c, cleared, sizeof *cleared, max);
}

/* Mark (trained, n_rows) the rows that predicted row: every row outside
 * its fold when each row is held out once, else every other row. */
static void mark_predictors(const sg_cv_result *r, size_t row, unsigned char *trained)
{
    memset(trained, 1, r->n_rows);
    trained[row] = 0;
    if (r->n_held != r->n_rows)
        return;
    size_t fold = SIZE_MAX;
    for (size_t i = 0; i < r->n_held; i++)
        if (r->held_row[i] == row)
            fold = r->held_fold[i];
    for (size_t i = 0; i < r->n_held; i++)
        if (r->held_fold[i] == fold)
            trained[r->held_row[i]] = 0;
}

/* Is outlier o's run beyond the predictors' range in a numeric factor, by
 * a miss no longer than their observed values span?  Fills *b. */
static bool beyond_others(const sg_cv_result *r, const sg_outlier *o, const double *X,
                          size_t n_in, const size_t *categories, const unsigned char *trained,
                          sg_cv_beyond *b)
{
    size_t n = r->n_rows, no = r->n_out, j = o->response;
    double ylo = INFINITY, yhi = -INFINITY;
    for (size_t i = 0; i < r->n_held; i++) /* observed values of the predictors */
        if (trained[r->held_row[i]]) {
            ylo = fmin(ylo, r->obs[i * no + j]);
            yhi = fmax(yhi, r->obs[i * no + j]);
        }
    double miss = o->observed - o->predicted;
    if (o->off_pattern || !(fabs(miss) <= yhi - ylo))
        return false;
    for (size_t f = 0; f < n_in; f++) {
        if (categories && f < SG_MODEL_MAX_CATEGORICAL && categories[f])
            continue;
        double lo = INFINITY, hi = -INFINITY, v = X[o->row * n_in + f];
        for (size_t i = 0; i < n; i++)
            if (trained[i]) {
                lo = fmin(lo, X[i * n_in + f]);
                hi = fmax(hi, X[i * n_in + f]);
            }
        if (v < lo || v > hi) {
            *b = (sg_cv_beyond){o->row, j, f, v, lo, hi, miss};
            return true;
        }
    }
    return false;
}

typedef struct beyond_ctx {
    const double *X; /* (n_rows, n_in) */
    size_t n_in;
    const size_t *categories;
    unsigned char *trained; /* (n_rows) scratch */
} beyond_ctx;

static bool beyond_rule(const sg_cv_result *r, const sg_outlier *o, void *ctx,
                        cleared_report *rep)
{
    beyond_ctx *c = ctx;
    mark_predictors(r, o->row, c->trained);
    return beyond_others(r, o, c->X, c->n_in, c->categories, c->trained, &rep->beyond);
}

size_t sg_cv_clear_beyond(sg_cv_result *r, const double *X, size_t n_in,
                          const size_t *categories, sg_cv_beyond *out, size_t max)
{
    if (!r || !X || !r->n_outliers)
        return 0;
    beyond_ctx c = {X, n_in, categories, malloc(r->n_rows)};
    if (!c.trained)
        return 0; /* keep the flags: the safe side */
    size_t gone = remove_cleared(r, beyond_rule, &c, out, sizeof *out, max);
    free(c.trained);
    return gone;
}

/* Is outlier o's run the response's extreme, missed toward the others and
 * beyond them by no more than they span?  Fills *e. */
static bool extreme_of_table(const sg_cv_result *r, const sg_outlier *o, sg_cv_extreme *e)
{
    size_t no = r->n_out, j = o->response;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < r->n_held; i++) /* the other runs' observed values */
        if (r->held_row[i] != o->row) {
            lo = fmin(lo, r->obs[i * no + j]);
            hi = fmax(hi, r->obs[i * no + j]);
        }
    double v = o->observed, miss = v - o->predicted;
    if (o->off_pattern || !(hi >= lo))
        return false;
    bool low = v < lo && miss < 0, high = v > hi && miss > 0;
    double beyond = low ? lo - v : v - hi;
    if (!(low || high) || !(beyond <= hi - lo))
        return false;
    *e = (sg_cv_extreme){o->row, j, v, lo, hi, miss, low};
    return true;
}

static bool extreme_rule(const sg_cv_result *r, const sg_outlier *o, void *ctx,
                         cleared_report *rep)
{
    (void)ctx;
    return extreme_of_table(r, o, &rep->extreme);
}

size_t sg_cv_clear_extreme(sg_cv_result *r, sg_cv_extreme *out, size_t max)
{
    if (!r || !r->n_outliers)
        return 0;
    return remove_cleared(r, extreme_rule, NULL, out, sizeof *out, max);
}

/* What sg_cv_clear_local_extreme's rule reads, with its scratch for n rows. */
typedef struct local_work {
    const double *X; /* (n, n_in) */
    size_t n_in, d_num; /* factors, numeric ones the runs vary */
    const size_t *categories;
    unsigned char *trained; /* (n) rows that predicted the run */
    double *y;              /* (n) each row's observed value of the response */
    double *dist;           /* (n) squared distance from the run, INFINITY if not a neighbour */
    size_t *order;          /* (n) the candidate rows, the nearest first */
    double *span;           /* (n_in) each factor's range over the runs, 0 if not numeric */
} local_work;

/* Each numeric factor's range over the rows into w->span (0: a category,
 * or a factor the runs do not vary). */
static void factor_spans(const double *X, size_t n, size_t n_in, const size_t *categories,
                         double *span, size_t *d_num)
{
    *d_num = 0;
    for (size_t f = 0; f < n_in; f++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            lo = fmin(lo, X[i * n_in + f]);
            hi = fmax(hi, X[i * n_in + f]);
        }
        bool named = categories && f < SG_MODEL_MAX_CATEGORICAL && categories[f];
        span[f] = !named && hi > lo ? hi - lo : 0.0;
        *d_num += span[f] > 0;
    }
}

/* Squared scaled distance from row a to row b, INFINITY when their
 * category settings differ. */
static double scaled_dist2(const double *X, size_t n_in, const size_t *categories,
                           const double *span, size_t a, size_t b)
{
    double s = 0;
    for (size_t f = 0; f < n_in; f++) {
        double da = X[a * n_in + f], db = X[b * n_in + f];
        if (categories && f < SG_MODEL_MAX_CATEGORICAL && categories[f] && da != db)
            return INFINITY;
        if (span[f] > 0)
            s += (da - db) * (da - db) / (span[f] * span[f]);
    }
    return s;
}

/* Do the rows near[0..k) all lie ahead of row o along their mean
 * direction (scaled), so that o is outside the region they span? */
static bool all_to_one_side(const double *X, size_t n_in, const double *span, size_t o,
                            const size_t *near, size_t k)
{
    double u[SG_MODEL_MAX_CATEGORICAL], len = 0;
    if (n_in > SG_MODEL_MAX_CATEGORICAL)
        return false;
    for (size_t f = 0; f < n_in; f++) {
        u[f] = 0;
        for (size_t q = 0; span[f] > 0 && q < k; q++)
            u[f] += (X[near[q] * n_in + f] - X[o * n_in + f]) / span[f];
        len += u[f] * u[f];
    }
    if (!(len > 0))
        return false;
    for (size_t q = 0; q < k; q++) {
        double p = 0;
        for (size_t f = 0; f < n_in; f++)
            if (span[f] > 0)
                p += u[f] * (X[near[q] * n_in + f] - X[o * n_in + f]) / span[f];
        if (!(p > 1e-12 * len))
            return false;
    }
    return true;
}

/* Move the k nearest of order[0..m) (by dist) to its front, nearest first
 * (k is small: selection, not a sort). */
static void nearest_first(size_t *order, size_t m, size_t k, const double *dist)
{
    for (size_t q = 0; q < k && q < m; q++) {
        size_t best = q;
        for (size_t i = q + 1; i < m; i++)
            if (dist[order[i]] < dist[order[best]])
                best = i;
        size_t t = order[q];
        order[q] = order[best];
        order[best] = t;
    }
}

/* Is outlier o's run beyond the values of its nearest predictors, all to
 * one side of it, missed toward them by no more than the others span?
 * (A clear_rule: ctx is the local_work; fills rep->local.) */
static bool local_extreme(const sg_cv_result *r, const sg_outlier *o, void *ctx,
                          cleared_report *rep)
{
    local_work *w = ctx;
    const double *X = w->X;
    size_t n = r->n_rows, no = r->n_out, j = o->response, n_in = w->n_in, d_num = w->d_num;
    if (o->off_pattern || d_num == 0)
        return false;
    mark_predictors(r, o->row, w->trained);
    double lo = INFINITY, hi = -INFINITY; /* every other run's value */
    for (size_t i = 0; i < n; i++)
        w->y[i] = NAN;
    for (size_t i = 0; i < r->n_held; i++) {
        w->y[r->held_row[i]] = r->obs[i * no + j];
        if (r->held_row[i] != o->row) {
            lo = fmin(lo, r->obs[i * no + j]);
            hi = fmax(hi, r->obs[i * no + j]);
        }
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        w->dist[i] = w->trained[i] && isfinite(w->y[i])
                         ? scaled_dist2(X, n_in, w->categories, w->span, o->row, i)
                         : INFINITY;
        if (isfinite(w->dist[i]))
            w->order[m++] = i;
    }
    size_t k = 2 * d_num + 1;
    if (m < k || !(hi >= lo))
        return false;
    nearest_first(w->order, m, k, w->dist);
    if (!all_to_one_side(X, n_in, w->span, o->row, w->order, k))
        return false;
    double nlo = INFINITY, nhi = -INFINITY;
    for (size_t q = 0; q < k; q++) {
        nlo = fmin(nlo, w->y[w->order[q]]);
        nhi = fmax(nhi, w->y[w->order[q]]);
    }
    double v = o->observed, miss = v - o->predicted;
    bool low = v < nlo && miss < 0, high = v > nhi && miss > 0;
    double beyond = low ? nlo - v : v - nhi;
    if (!(high || low) || !(beyond <= hi - lo)) /* garbage: beyond more than all others span */
        return false;
    rep->local = (sg_cv_local_extreme){o->row, j, k, nlo, nhi, miss, low};
    return true;
}

size_t sg_cv_clear_local_extreme(sg_cv_result *r, const double *X, size_t n_in,
                                 const size_t *categories, sg_cv_local_extreme *out, size_t max)
{
    if (!r || !X || !r->n_outliers || r->n_held < r->n_rows)
        return 0;
    size_t n = r->n_rows, gone = 0;
    local_work w = {X, n_in, 0, categories, malloc(n), malloc(n * sizeof(double)),
                    malloc(n * sizeof(double)), malloc(n * sizeof(size_t)),
                    malloc((n_in ? n_in : 1) * sizeof(double))};
    if (w.trained && w.y && w.dist && w.order && w.span) { /* else keep the flags */
        factor_spans(X, n, n_in, categories, w.span, &w.d_num);
        gone = remove_cleared(r, local_extreme, &w, out, sizeof *out, max);
    }
    free(w.trained);
    free(w.y);
    free(w.dist);
    free(w.order);
    free(w.span);
    return gone;
}
