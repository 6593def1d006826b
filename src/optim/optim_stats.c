/* optim_stats.c — statistics over the starts (GSL), distinct optima by
 * clustering final points in the box scaled to [0,1]^d, active bounds and
 * constraints, and the analysis of infeasible problems. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "optim/optim.h"
#include "optim/optim_internal.h"

sg_status sg_optim_stats_compute(const double *f, size_t n, size_t n_total, sg_optim_sense sense, double tol_abs,
                                 double tol_rel, sg_optim_stats *out, sg_error *err)
{
    if (!out || (n > 0 && !f))
        return sg_error_set(err, SG_ERR_INVALID, "stats: NULL argument");
    if (n > n_total)
        return sg_error_set(err, SG_ERR_INVALID, "stats: %zu values but only %zu starts", n, n_total);
    memset(out, 0, sizeof *out);
    out->n = n;
    if (n == 0) {
        out->best = out->worst = out->mean = out->sd = out->median = out->q1 = out->q3 = NAN;
        return SG_OK;
    }
    for (size_t i = 0; i < n; i++)
        if (!isfinite(f[i]))
            return sg_error_set(err, SG_ERR_NUMERIC, "stats: value %zu is not finite", i);
    double *sorted = malloc((n + 1) * sizeof *sorted); /* +1: n > 0 here; silences -Wstringop-overread */
    if (!sorted)
        return sg_error_set(err, SG_ERR_NOMEM, "stats: out of memory");
    memcpy(sorted, f, n * sizeof *sorted);
    gsl_sort(sorted, 1, n);
    out->mean = gsl_stats_mean(sorted, 1, n);
    out->sd = n > 1 ? gsl_stats_sd_m(sorted, 1, n, out->mean) : 0.0;
    out->median = gsl_stats_median_from_sorted_data(sorted, 1, n);
    out->q1 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.25);
    out->q3 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.75);
    out->best = sense == SG_OPTIM_MAXIMIZE ? sorted[n - 1] : sorted[0];
    out->worst = sense == SG_OPTIM_MAXIMIZE ? sorted[0] : sorted[n - 1];
    double tol = tol_abs + tol_rel * fabs(out->best);
    for (size_t i = 0; i < n; i++)
        if (fabs(f[i] - out->best) <= tol)
            out->n_reach_best++;
    out->frac_reach_best = (double)out->n_reach_best / (double)n_total;
    free(sorted);
    return SG_OK;
}

/* Sort key for clustering: objective in minimising direction, then index. */
typedef struct key {
    double v;
    size_t i;
} key;

static int key_cmp(const void *a, const void *b)
{
    const key *x = a, *y = b;
    if (x->v < y->v)
        return -1;
    if (x->v > y->v)
        return 1;
    return (x->i > y->i) - (x->i < y->i);
}

static double scaled_dist(const sg_optim_problem *p, const double *a, const double *b)
{
    double s = 0;
    for (size_t j = 0; j < p->d; j++) {
        double range = p->vars[j].ub - p->vars[j].lb;
        if (range <= 0)
            continue;
        double t = (a[j] - b[j]) / range;
        s += t * t;
    }
    return sqrt(s);
}

static void find_best(sg_optim_result *r, double sg)
{
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < r->n_starts; i++) {
        const sg_optim_start *s = &r->starts[i];
        if (!s->feasible)
            continue;
        if (best == SIZE_MAX || sg * s->f < sg * r->starts[best].f)
            best = i;
    }
    r->feasible = best != SIZE_MAX;
    if (best == SIZE_MAX) /* closest to feasible among starts that did not fail */
        for (size_t i = 0; i < r->n_starts; i++) {
            const sg_optim_start *s = &r->starts[i];
            if (s->failed)
                continue;
            if (best == SIZE_MAX || s->max_violation < r->starts[best].max_violation ||
                (s->max_violation == r->starts[best].max_violation && sg * s->f < sg * r->starts[best].f))
                best = i;
        }
    r->best_start = best;
    if (best != SIZE_MAX) {
        r->best_x = r->starts[best].x;
        r->best_g = r->starts[best].g;
        r->best_f = r->starts[best].f;
    } else {
        r->best_f = NAN;
    }
}

static sg_status cluster(const sg_optim_problem *p, const sg_optim_config *cfg, sg_optim_result *r, double sg,
                         sg_error *err)
{
    size_t n = 0;
    key *k = malloc(r->n_starts * sizeof *k);
    r->clusters = calloc(r->n_starts, sizeof *r->clusters);
    if (!k || !r->clusters) {
        free(k);
        return sg_error_set(err, SG_ERR_NOMEM, "clustering: out of memory");
    }
    for (size_t i = 0; i < r->n_starts; i++)
        if (r->starts[i].feasible)
            k[n++] = (key){sg * r->starts[i].f, i};
    qsort(k, n, sizeof *k, key_cmp);
    double tol = cfg->cluster_tol * sqrt((double)p->d);
    /* Greedy: a start joins the first (best) cluster whose best point is
     * within tol; clusters are therefore created best first. */
    for (size_t a = 0; a < n; a++) {
        const double *x = r->starts[k[a].i].x;
        size_t c = 0;
        for (; c < r->n_clusters; c++)
            if (scaled_dist(p, x, r->clusters[c].x) <= tol)
                break;
        if (c == r->n_clusters) {
            r->clusters[c].best_start = k[a].i;
            r->clusters[c].f = r->starts[k[a].i].f;
            r->clusters[c].x = x;
            r->n_clusters++;
        }
        r->clusters[c].count++;
    }
    free(k);
    return SG_OK;
}

static void active_sets(const sg_optim_problem *p, const sg_optim_config *cfg, sg_optim_result *r)
{
    if (!r->best_x)
        return;
    for (size_t j = 0; j < p->d; j++) {
        const sg_optim_var *v = &p->vars[j];
        double range = v->ub - v->lb, tol = cfg->active_tol * range;
        r->active_bound[j] = 0;
        if (v->has_fixed || range <= 0)
            continue;
        if (r->best_x[j] - v->lb <= tol)
            r->active_bound[j] = -1;
        else if (v->ub - r->best_x[j] <= tol)
            r->active_bound[j] = 1;
    }
    for (size_t i = 0; i < p->n_cons; i++)
        r->active_con[i] = r->best_g[i] >= -cfg->active_con_tol * r->g_scale[i];
}

static void infeasibility(const sg_optim_problem *p, sg_optim_result *r)
{
    for (size_t i = 0; i < p->n_cons; i++) {
        r->min_g[i] = NAN;
        for (size_t s = 0; s < r->n_starts; s++) {
            const sg_optim_start *st = &r->starts[s];
            if (!st->failed && (isnan(r->min_g[i]) || st->g[i] < r->min_g[i]))
                r->min_g[i] = st->g[i];
        }
    }
    r->most_violated = r->least_violated = SIZE_MAX;
    if (r->feasible || !r->best_g || p->n_cons == 0)
        return;
    for (size_t i = 0; i < p->n_cons; i++) {
        double g = r->best_g[i];
        if (r->most_violated == SIZE_MAX || g > r->best_g[r->most_violated])
            r->most_violated = i;
        if (g > 0 && (r->least_violated == SIZE_MAX || g < r->best_g[r->least_violated]))
            r->least_violated = i;
    }
    if (r->least_violated == SIZE_MAX)
        r->least_violated = r->most_violated;
}

sg_status sg_optim_analyse(const sg_optim_problem *p, const sg_optim_config *cfg, sg_optim_result *r,
                           sg_error *err)
{
    double sg = p->sense == SG_OPTIM_MAXIMIZE ? -1.0 : 1.0;
    find_best(r, sg);
    double *f = malloc((r->n_starts + 1) * sizeof *f);
    if (!f)
        return sg_error_set(err, SG_ERR_NOMEM, "statistics: out of memory");
    size_t n = 0;
    for (size_t i = 0; i < r->n_starts; i++)
        if (r->starts[i].feasible)
            f[n++] = r->starts[i].f;
    sg_status st = sg_optim_stats_compute(f, n, r->n_starts, p->sense, cfg->best_tol_abs, cfg->best_tol_rel,
                                          &r->stats, err);
    free(f);
    if (st != SG_OK)
        return st;
    if ((st = cluster(p, cfg, r, sg, err)) != SG_OK)
        return st;
    active_sets(p, cfg, r);
    infeasibility(p, r);
    return SG_OK;
}
