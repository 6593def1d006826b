/* next.c — which simulations to run next (next.h). */
#include "optim/next.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <nlopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/num.h"
#include "model/outliers.h"
#include "model/warp.h"
#include "optim/tested.h"

/* Tested rows used for distances: at most this many (evenly strided). */
#define NEXT_DISTANCE_ROWS 2000
/* Candidates near the optimum: this many, within this share of each range. */
#define NEXT_LOCAL 256
#define NEXT_LOCAL_SHARE 0.1
/* Two settings closer than this (scaled box) are the same run. */
#define NEXT_SAME 1e-9
/* Settings this close (share of each factor's range) are next to each
 * other: nothing next to a tested or a failed run is proposed (an optimum
 * next to a tested run needs no confirmation run). */
#define NEXT_NEAR_SHARE 0.01

static const char *const kind_names[] = {"confirmation", "improvement", "exploration"};

const char *sg_next_kind_name(sg_next_kind k)
{
    return (unsigned)k < 3 ? kind_names[k] : "?";
}

void sg_next_result_destroy(sg_next_result *r)
{
    if (!r)
        return;
    free(r->x);
    free(r->mean);
    free(r->sigma);
    free(r->ei);
    free(r->p_feasible);
    free(r->kind);
    free(r->reason);
    free(r);
}

/* Everything the search needs, computed once. */
typedef struct next_ctx {
    const sg_next_inputs *in;
    size_t nf, nr, nc;     /* factors, responses, candidates */
    double *lo, *range;    /* (nr) response normalisation of a weighted objective */
    double *cx;            /* (nc, nf) candidates */
    double *cm, *cs;       /* (nc, nr) their mean and sigma */
    double *fm, *fs;       /* (nc) objective mean and sigma */
    double *pf;            /* (nc) chance every constraint holds */
    char *taken;           /* (nc) 1 = tested or already proposed */
    double spacing;        /* tested design's largest nearest-neighbour distance */
    double best;           /* best tested objective (feasible rows), NAN if none */
    double resolution;     /* the objective's recorded precision (0: none, or weighted) */
    size_t row_stride;     /* tested rows used for distances */
    bool own;              /* a constraint on another name's probability */
    /* Kriging on the warped objective (build_acquisition); NULL: none, the
     * expected improvement is the model's own. */
    sg_model *acq;
    sg_model_work *acq_w;
    sg_warp warp;
    double acq_best;       /* best tested objective, warped */
    double *am, *as;       /* (nc + 1) its mean and sd per candidate */
} next_ctx;

/* Nearest realisable value of factor f: held, fixed, a level, or the step
 * grid. */
static double snap(const sg_next_inputs *in, size_t f, double v)
{
    const sg_optimize_spec *sp = in->spec;
    if (in->held && !isnan(in->held[f]))
        return in->held[f];
    if (sp->has_fixed[f])
        return sp->fixed[f];
    if (sp->levels_only[f] && sp->n_levels[f] > 0) {
        double best = sp->levels[f][0];
        for (size_t l = 1; l < sp->n_levels[f]; l++)
            if (fabs(sp->levels[f][l] - v) < fabs(best - v))
                best = sp->levels[f][l];
        return best;
    }
    if (sp->step[f] > 0) {
        double k = floor((v - sp->lb[f]) / sp->step[f] + 0.5);
        double s = sp->lb[f] + k * sp->step[f];
        while (s > sp->ub[f] + 1e-12 * sp->step[f])
            s -= sp->step[f];
        return s < sp->lb[f] ? sp->lb[f] : s;
    }
    return v < sp->lb[f] ? sp->lb[f] : v > sp->ub[f] ? sp->ub[f] : v;
}

/* Factor f's setting v as a share of the box lo .. hi, over log10 of the
 * settings for a factor the model sees on a log scale (its bounds are then
 * above 0), so candidates and distances follow the model's view. */
static double unit_of(const sg_model *m, size_t f, double v, double lo, double hi)
{
    if (!(hi > lo))
        return 0.0;
    if (sg_model_factor_is_log(m, f) && lo > 0 && v > 0)
        return log(v / lo) / log(hi / lo);
    return (v - lo) / (hi - lo);
}

/* The setting at share u of the box (the inverse of unit_of). */
static double setting_at(const sg_model *m, size_t f, double u, double lo, double hi)
{
    if (sg_model_factor_is_log(m, f) && lo > 0)
        return lo * pow(hi / lo, u);
    return lo + u * (hi - lo);
}

/* Distance of a and b in the factor box scaled to 0..1. */
static double dist(const sg_study *s, const sg_model *m, const double *a, const double *b)
{
    double d2 = 0.0;
    for (size_t f = 0; f < s->n_factors; f++) {
        double lo = s->factors[f].min, hi = s->factors[f].max;
        double d = hi > lo ? unit_of(m, f, a[f], lo, hi) - unit_of(m, f, b[f], lo, hi) : 0.0;
        d2 += d * d;
    }
    return sqrt(d2);
}

/* Objective of measured or predicted responses y (n_responses). */
static double objective(const next_ctx *c, const double *y)
{
    const sg_optimize_spec *sp = c->in->spec;
    if (!sp->weighted)
        return y[sp->response];
    double v = 0.0;
    for (size_t j = 0; j < c->nr; j++)
        if (sp->weights[j] > 0)
            v += sp->weights[j] * (y[j] - c->lo[j]) / c->range[j];
    return v;
}

static double objective_sigma(const next_ctx *c, const double *s)
{
    const sg_optimize_spec *sp = c->in->spec;
    if (!sp->weighted)
        return s[sp->response];
    double v = 0.0;
    for (size_t j = 0; j < c->nr; j++)
        if (sp->weights[j] > 0) {
            double t = sp->weights[j] * s[j] / c->range[j];
            v += t * t;
        }
    return sqrt(v);
}

/* Chance that every constraint holds for predictions mean, sigma; an own
 * constraint (another name of a class response) on its probability cval[i]
 * with spread csd[i]. */
static double p_feasible(const sg_optimize_spec *sp, const double *mean, const double *sigma,
                         const double *cval, const double *csd)
{
    double p = 1.0;
    for (size_t i = 0; i < sp->n_cons; i++) {
        const sg_optimize_spec_con *k = &sp->cons[i];
        bool own = sg_optimize_spec_con_own(sp, i);
        double y = own ? cval[i] : mean[k->response];
        double m = k->ge ? y - k->bound : k->bound - y;
        double s = own ? csd[i] : sigma[k->response];
        p *= s > 0 ? gsl_cdf_ugaussian_P(m / s) : (m >= 0 ? 1.0 : 0.0);
    }
    return p;
}

/* Expected improvement of an objective ~ N(m, s) over best. */
static double expected_improvement(const next_ctx *c, double best, double m, double s)
{
    if (!isfinite(best))
        return 0.0;
    double gain = c->in->spec->sense == SG_OPTIM_MAXIMIZE ? m - best : best - m;
    if (!(s > 0))
        return gain > 0 ? gain : 0.0;
    double z = gain / s;
    return gain * gsl_cdf_ugaussian_P(z) + s * gsl_ran_ugaussian_pdf(z);
}

/* sigma of response j from the ensemble spread sd at a prediction mean:
 * the calibrated half-width (a log-scale response's in proportion to the
 * mean), or the spread scaled as cross-validation says, whichever is
 * larger, as one standard deviation. */
static double sigma_of(const sg_next_inputs *in, size_t j, double mean, double sd)
{
    double hw = in->half_width ? in->half_width[j] : NAN;
    if (isfinite(hw))
        hw = sg_model_interval_half_at(sg_model_response_is_log(in->model, j), mean, hw);
    double sf = in->spread_factor ? in->spread_factor[j] : 0.0;
    if (!isfinite(hw) && !(sf > 0))
        return sd; /* no calibration: the spread itself */
    /* Kriging: its own posterior sd, which vanishes at the tested runs and
     * grows between them, as expected improvement needs.  A floor at the
     * window-wide half-width made it a constant and the search pure
     * exploitation (one local optimum of Hartmann-3 re-tested for 30
     * calls); scaling it by the cross-validated spread factor (3-5 on a
     * weak 6-factor table) sent 20 of 36 Hartmann-6 calls to corners of the
     * window (bench_loop: 1 % band reached by 0 of 5 seeds, 3 of 5 with
     * the posterior sd itself; doc/speed.md). */
    if (sg_model_type_of(in->model) == SG_MODEL_GP)
        return sd;
    double lv = in->level > 0 && in->level < 1 ? in->level : 0.95;
    double h = isfinite(hw) ? hw : 0.0;
    if (sf > 0 && sf * sd > h)
        h = sf * sd;
    return h / gsl_cdf_ugaussian_Pinv(0.5 + lv / 2.0);
}

/* Is x within NEXT_NEAR_SHARE of every factor's range of one of the n
 * settings at rows (stride apart)? */
static bool near_any(const next_ctx *c, const double *x, const double *rows, size_t n,
                     size_t stride)
{
    const sg_study *s = c->in->study;
    for (size_t i = 0; rows && i < n; i++) {
        const double *r = rows + i * stride;
        size_t f = 0;
        for (; f < c->nf; f++) {
            double w = s->factors[f].max - s->factors[f].min;
            if (fabs(x[f] - r[f]) > NEXT_NEAR_SHARE * (w > 0 ? w : 1.0))
                break;
        }
        if (f == c->nf)
            return true;
    }
    return false;
}

/* Is x a tested run or next to one?  Then a run there would only repeat
 * it: a simulation is deterministic, and 1 % of each range is below what an
 * engineer sets (the loop had re-run one Hartmann-6 setting three times,
 * each promising 1e-5 of the response's range; doc/speed.md). */
static bool near_tested(const next_ctx *c, const double *x)
{
    const sg_table *t = c->in->table;
    return t && near_any(c, x, t->x, t->n_rows, t->n_cols);
}

/* Is x one of the settings never to propose (e.g. a failed run), or next
 * to one?  The table's own failed runs (a response cell "n/a": table.h)
 * count too: repeating a simulation that gave no result gives none again. */
static bool excluded(const next_ctx *c, const double *x)
{
    if (c->in->exclude && near_any(c, x, c->in->exclude, c->in->n_exclude, c->nf))
        return true;
    const sg_table *t = c->in->table;
    for (size_t i = 0; t && i < t->n_excluded; i++)
        if (t->excluded[i].reason == SG_EXCLUDED_FAILED && t->excluded[i].x &&
            near_any(c, x, t->excluded[i].x, 1, c->nf))
            return true;
    return false;
}

/* Smallest distance from x to a tested run (strided) or a chosen one. */
static double nearest(const next_ctx *c, const double *x, const sg_next_result *r)
{
    const sg_table *t = c->in->table;
    double d = INFINITY;
    for (size_t i = 0; t && i < t->n_rows; i += c->row_stride) {
        double e = dist(c->in->study, c->in->model, x, t->x + i * t->n_cols);
        d = e < d ? e : d;
    }
    for (size_t k = 0; k < r->n_runs; k++) {
        double e = dist(c->in->study, c->in->model, x, r->x + k * c->nf);
        d = e < d ? e : d;
    }
    return d;
}

/* Largest nearest-neighbour distance among tested runs (strided). */
static double design_spacing(const next_ctx *c)
{
    const sg_table *t = c->in->table;
    double spacing = 0.0;
    for (size_t i = 0; t && i < t->n_rows; i += c->row_stride) {
        double nn = INFINITY;
        for (size_t k = 0; k < t->n_rows; k += c->row_stride) {
            double e = dist(c->in->study, c->in->model, t->x + i * t->n_cols, t->x + k * t->n_cols);
            if (k != i && e > 0 && e < nn)
                nn = e;
        }
        if (isfinite(nn) && nn > spacing)
            spacing = nn;
    }
    return spacing > 0 ? spacing : 1.0 / sqrt((double)(t && t->n_rows ? t->n_rows : 1));
}

/* Response normalisation (weighted objective) and the incumbent: the best
 * tested setting inside the search box, replicates by their mean (as
 * `optimize` names it, tested.h), else the best anywhere (a factor fixed
 * at an untested value leaves no run inside the box). */
static sg_status tested_figures(next_ctx *c, sg_error *err)
{
    const sg_table *t = c->in->table;
    for (size_t j = 0; j < c->nr; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; t && i < t->n_rows; i++) {
            double v = sg_optimize_spec_observed(c->in->spec, j, sg_table_at(t, i, c->nf + j));
            if (isfinite(v)) {
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
        }
        c->lo[j] = isfinite(lo) ? lo : 0.0;
        c->range[j] = hi > lo ? hi - lo : 1.0;
    }
    c->best = NAN;
    sg_tested_objective o = {c->in->spec, c->nf, c->nr, c->lo, c->range};
    sg_tested_best b;
    sg_status st = sg_tested_best_find(&o, t, false, &b, err);
    if (st == SG_OK && !b.found)
        st = sg_tested_best_find(&o, t, true, &b, err);
    if (st == SG_OK && b.found)
        c->best = b.value;
    /* an improvement below the precision the runs are recorded with would
     * not show in a simulation's result */
    const sg_optimize_spec *sp = c->in->spec;
    c->resolution = 0.0;
    if (t && !sp->weighted && c->in->study->responses[sp->response].kind == SG_RESPONSE_NUMBER)
        c->resolution = sg_outlier_resolution(t->x + c->nf + sp->response, t->n_rows, t->n_cols);
    return st;
}

/* Candidates: the optimum, points near it and uniform points, snapped. */
static void make_candidates(next_ctx *c, const double *opt)
{
    const sg_optimize_spec *sp = c->in->spec;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (rng)
        gsl_rng_set(rng, (unsigned long)(c->in->seed ^ 0x6e657874ULL)); /* "next" */
    size_t k = 0;
    for (; k < c->nc; k++) {
        double *x = c->cx + k * c->nf;
        for (size_t f = 0; f < c->nf; f++) {
            double u = rng ? gsl_rng_uniform(rng) : 0.5;
            double v;
            const sg_model *m = c->in->model;
            if (opt && k == 0)
                v = opt[f];
            else if (opt && k <= NEXT_LOCAL)
                v = setting_at(m, f,
                               unit_of(m, f, opt[f], sp->lb[f], sp->ub[f]) +
                                   (2.0 * u - 1.0) * NEXT_LOCAL_SHARE,
                               sp->lb[f], sp->ub[f]);
            else
                v = setting_at(m, f, u, sp->lb[f], sp->ub[f]);
            x[f] = snap(c->in, f, v);
        }
    }
    gsl_rng_free(rng);
}

/* Predictions, objective, feasibility and "taken" of every candidate. */
/* Candidates per task when an executor shares the predictions out. */
#define NEXT_BLOCK 512

/* Block k of the candidates: the model's means and spreads. */
static sg_status block_task(void *user, size_t k, sg_bytes *out, sg_error *err)
{
    const next_ctx *c = user;
    size_t r0 = k * NEXT_BLOCK, b = c->nc - r0 < NEXT_BLOCK ? c->nc - r0 : NEXT_BLOCK;
    double *m = malloc(2 * b * c->nr * sizeof *m);
    sg_model_work *w = NULL;
    sg_status st = m ? sg_model_work_create(c->in->model, &w, err)
                     : sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    if (st == SG_OK)
        st = sg_model_predict_batch(c->in->model, w, c->cx + r0 * c->nf, b, m, m + b * c->nr,
                                    err);
    if (st == SG_OK && !sg_bytes_put(out, m, 2 * b * c->nr * sizeof *m))
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    sg_model_work_destroy(w);
    free(m);
    return st;
}

static sg_status predict_candidates(next_ctx *c, sg_error *err)
{
    const sg_exec *ex = c->in->exec;
    if (!ex) {
        sg_model_work *w = NULL;
        sg_status st = sg_model_work_create(c->in->model, &w, err);
        if (st == SG_OK)
            st = sg_model_predict_batch(c->in->model, w, c->cx, c->nc, c->cm, c->cs, err);
        sg_model_work_destroy(w);
        return st;
    }
    size_t nb = (c->nc + NEXT_BLOCK - 1) / NEXT_BLOCK, failed = 0;
    sg_bytes *res = calloc(nb ? nb : 1, sizeof *res);
    if (!res)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    sg_status st = ex->map(ex, nb, 1, block_task, c, res, &failed, err);
    for (size_t k = 0; k < nb && st == SG_OK; k++) {
        size_t r0 = k * NEXT_BLOCK, b = c->nc - r0 < NEXT_BLOCK ? c->nc - r0 : NEXT_BLOCK, pos = 0;
        if (!sg_bytes_get(&res[k], &pos, c->cm + r0 * c->nr, b * c->nr * sizeof(double)) ||
            !sg_bytes_get(&res[k], &pos, c->cs + r0 * c->nr, b * c->nr * sizeof(double)))
            st = sg_error_set(err, SG_ERR_INTERNAL, "candidate block %zu came back damaged", k);
    }
    for (size_t k = 0; k < nb; k++)
        sg_bytes_free(&res[k]);
    free(res);
    return st;
}

/* Sigma, objective, feasibility and "taken" of candidate k from its
 * predicted means and spreads; w (a workspace of the model) gives the
 * probabilities of the constraints on other names. */
static void score(next_ctx *c, sg_model_work *w, size_t k)
{
    const sg_optimize_spec *sp = c->in->spec;
    double cval[SG_OPTSPEC_MAX_CONS] = {0}, csd[SG_OPTSPEC_MAX_CONS] = {0};
    double P[SG_MODEL_MAX_CLASSES], S[SG_MODEL_MAX_CLASSES];
    const double *x = c->cx + k * c->nf;
    for (size_t i = 0; c->own && i < sp->n_cons; i++) { /* own constraints' probabilities */
        if (!sg_optimize_spec_con_own(sp, i))
            continue;
        sg_model_predict_proba(c->in->model, w, x, sp->cons[i].response, P, S);
        cval[i] = P[sp->cons[i].cls];
        csd[i] = S[sp->cons[i].cls];
    }
    double *m = c->cm + k * c->nr, *sd = c->cs + k * c->nr;
    for (size_t j = 0; j < c->nr; j++)
        sd[j] = sigma_of(c->in, j, m[j], sd[j]);
    c->fm[k] = objective(c, m);
    c->fs[k] = objective_sigma(c, sd);
    c->pf[k] = p_feasible(sp, m, sd, cval, csd);
    c->taken[k] = near_tested(c, x) || excluded(c, x);
}

static sg_status evaluate(next_ctx *c, sg_model_work *w, sg_error *err)
{
    sg_status st = predict_candidates(c, err);
    if (st == SG_OK && c->acq)
        st = sg_model_predict_batch(c->acq, c->acq_w, c->cx, c->nc, c->am, c->as, err);
    if (st != SG_OK)
        return st;
    for (size_t k = 0; k < c->nc; k++)
        score(c, w, k);
    return SG_OK;
}

/* Append candidate k to the result as a run of the given kind. */
static void take(next_ctx *c, sg_next_result *r, size_t k, sg_next_kind kind, double ei)
{
    size_t n = r->n_runs++;
    memcpy(r->x + n * c->nf, c->cx + k * c->nf, c->nf * sizeof(double));
    memcpy(r->mean + n * c->nr, c->cm + k * c->nr, c->nr * sizeof(double));
    memcpy(r->sigma + n * c->nr, c->cs + k * c->nr, c->nr * sizeof(double));
    r->ei[n] = ei;
    r->p_feasible[n] = c->pf[k];
    r->kind[n] = kind;
    /* every candidate at the same setting is taken with it */
    for (size_t q = 0; q < c->nc; q++)
        if (!c->taken[q] &&
            dist(c->in->study, c->in->model, c->cx + q * c->nf, c->cx + k * c->nf) < NEXT_SAME)
            c->taken[q] = 1;
}

static void reason(const next_ctx *c, sg_next_result *r, size_t n)
{
    const sg_study *s = c->in->study;
    const sg_optimize_spec *sp = c->in->spec;
    const char *u = sp->weighted ? "" : s->responses[sp->response].unit;
    const char *us = *u ? " " : "";
    double m = objective(c, r->mean + n * c->nr), sd = objective_sigma(c, r->sigma + n * c->nr);
    char *out = r->reason[n];
    char sds[SG_NUM_SIG_CAP], eis[SG_NUM_SIG_CAP];
    sg_num_sig_beside(sds, sizeof sds, sd, m, 2);
    sg_num_sig_beside(eis, sizeof eis, r->ei[n], m, 2);
    int k = 0;
    switch (r->kind[n]) {
    case SG_NEXT_CONFIRM:
        k = sg_num_snprintf(out, SG_NEXT_REASON_MAX,
                            "confirmation run at the recommended optimum (untested): predicted "
                            "%.4g%s%s (sd %s%s%s)",
                            m, us, u, sds, us, u);
        break;
    case SG_NEXT_IMPROVE:
        k = sg_num_snprintf(out, SG_NEXT_REASON_MAX,
                            "expected improvement %s%s%s over the best tested %.4g (predicted "
                            "%.4g, sd %s)%s",
                            eis, us, u, c->best, m, sds,
                            r->warped ? ", largest on the skew-corrected response" : "");
        break;
    default:
        k = sg_num_snprintf(out, SG_NEXT_REASON_MAX,
                            "exploration%s: where the model is uncertain (sd %s%s%s) and far "
                            "from the tested and proposed runs",
                            r->settled ? " (no improvement left that the data would record)" : "",
                            sds, us, u);
        break;
    }
    if (k > 0 && (size_t)k < SG_NEXT_REASON_MAX && sp->n_cons > 0)
        sg_num_snprintf(out + k, SG_NEXT_REASON_MAX - (size_t)k,
                        "; every constraint holds with a chance of %.0f%%",
                        100.0 * r->p_feasible[n]);
}

/* Expected improvement of candidate k (on the warped objective when there
 * is an acquisition model) x its feasibility x the penalty near the runs
 * already chosen; that expected improvement into *ei. */
static double improve_score(const next_ctx *c, const sg_next_result *r, size_t k, double *ei)
{
    double radius = SG_NEXT_PENALTY_RADIUS * c->spacing;
    const double *x = c->cx + k * c->nf;
    *ei = c->acq ? expected_improvement(c, c->acq_best, c->am[k], c->as[k])
                 : expected_improvement(c, c->best, c->fm[k], c->fs[k]);
    double a = *ei * c->pf[k];
    for (size_t q = 0; q < r->n_runs && a > 0; q++) {
        double d = dist(c->in->study, c->in->model, x, r->x + q * c->nf) / radius;
        a *= 1.0 - exp(-0.5 * d * d);
    }
    return a;
}

/* The next run: the largest expected improvement x feasibility x distance
 * penalty, or (explore) the largest sigma x distance.  Returns the
 * candidate index or nc when none is left. */
static size_t pick(const next_ctx *c, const sg_next_result *r, bool explore, double *ei_out)
{
    double best = -1.0;
    size_t at = c->nc;
    *ei_out = 0.0;
    for (size_t k = 0; k < c->nc; k++) {
        if (c->taken[k])
            continue;
        const double *x = c->cx + k * c->nf;
        double a;
        if (explore) {
            /* where it is uncertain, far from every run and likely feasible */
            a = (c->fs[k] > 0 ? c->fs[k] : 1.0) * nearest(c, x, r) * c->pf[k];
        } else {
            double ei;
            a = improve_score(c, r, k, &ei);
            if (a > best) {
                best = a;
                at = k;
                *ei_out = ei;
            }
            continue;
        }
        if (a > best) {
            best = a;
            at = k;
        }
    }
    /* nothing promises an improvement: explore instead */
    if (!explore && !(best > 0))
        return c->nc;
    return at;
}

/* ---- polishing the chosen candidate ---------------------------------- */

/* A candidate is the best of a few thousand random points, about 0.06 of
 * each range apart in 3 factors and 0.25 in 6; expected improvement is
 * smooth, so a local search from the chosen one finds the maximum it
 * stands for, which is what the last calls of a loop need. */
#define POLISH_STEP 0.05    /* BOBYQA's first step, share of each range */
#define POLISH_XTOL 1e-4    /* ... and its tolerance */
#define POLISH_EVALS 40     /* evaluations per movable factor */

typedef struct polish_ctx {
    next_ctx *c;
    const sg_next_result *r;
    sg_model_work *w;   /* predictions of the scratch slot */
    size_t idx[SG_STUDY_MAX_FACTORS], n; /* the movable factors */
    const double *x0;   /* the start candidate */
    sg_status st;
    sg_error *err;
} polish_ctx;

/* The factors a local search may move: numeric, not held, fixed or
 * restricted to levels (steps are snapped afterwards). */
static size_t movable(const next_ctx *c, size_t *idx)
{
    const sg_optimize_spec *sp = c->in->spec;
    size_t n = 0;
    for (size_t f = 0; f < c->nf; f++) {
        bool held = c->in->held && !isnan(c->in->held[f]);
        if (!held && !sp->has_fixed[f] && !sp->levels_only[f] &&
            !c->in->study->factors[f].categorical && sp->ub[f] > sp->lb[f])
            idx[n++] = f;
    }
    return n;
}

/* Score the scratch slot at the start candidate moved to u (0..1 of each
 * movable factor's bounds); snapped to steps when snap_steps. */
static double polish_at(polish_ctx *p, const double *u, bool snap_steps)
{
    next_ctx *c = p->c;
    const sg_optimize_spec *sp = c->in->spec;
    size_t slot = c->nc;
    double *x = c->cx + slot * c->nf;
    memcpy(x, p->x0, c->nf * sizeof(double));
    for (size_t i = 0; i < p->n; i++) {
        size_t f = p->idx[i];
        double v = setting_at(c->in->model, f, u[i], sp->lb[f], sp->ub[f]);
        x[f] = snap_steps ? snap(c->in, f, v) : fmin(fmax(v, sp->lb[f]), sp->ub[f]);
    }
    if (p->st == SG_OK)
        p->st = sg_model_predict_batch(c->in->model, p->w, x, 1, c->cm + slot * c->nr,
                                       c->cs + slot * c->nr, p->err);
    if (p->st == SG_OK && c->acq)
        p->st = sg_model_predict_batch(c->acq, c->acq_w, x, 1, c->am + slot, c->as + slot, p->err);
    if (p->st != SG_OK)
        return 0.0;
    score(c, p->w, slot);
    double ei;
    return c->taken[slot] ? 0.0 : improve_score(c, p->r, slot, &ei);
}

static double polish_objective(unsigned n, const double *u, double *grad, void *data)
{
    (void)n;
    (void)grad;
    polish_ctx *p = data;
    return polish_at(p, u, false);
}

/* Move candidate k to the local maximum of its score when that (snapped)
 * scores higher. */
static sg_status polish(next_ctx *c, const sg_next_result *r, sg_model_work *w, size_t k,
                        sg_error *err)
{
    polish_ctx p = {.c = c, .r = r, .w = w, .x0 = c->cx + k * c->nf, .err = err};
    p.n = movable(c, p.idx);
    if (p.n == 0 || !w)
        return SG_OK;
    const sg_optimize_spec *sp = c->in->spec;
    double u[SG_STUDY_MAX_FACTORS], lo[SG_STUDY_MAX_FACTORS], hi[SG_STUDY_MAX_FACTORS];
    for (size_t i = 0; i < p.n; i++) {
        size_t f = p.idx[i];
        u[i] = unit_of(c->in->model, f, p.x0[f], sp->lb[f], sp->ub[f]);
        u[i] = fmin(fmax(u[i], 0.0), 1.0);
        lo[i] = 0.0;
        hi[i] = 1.0;
    }
    nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, (unsigned)p.n);
    if (!opt)
        return sg_error_set(err, SG_ERR_NOMEM, "next: out of memory");
    double best = 0.0;
    nlopt_set_lower_bounds(opt, lo);
    nlopt_set_upper_bounds(opt, hi);
    nlopt_set_max_objective(opt, polish_objective, &p);
    nlopt_set_initial_step1(opt, POLISH_STEP);
    nlopt_set_xtol_abs1(opt, POLISH_XTOL);
    nlopt_set_maxeval(opt, (int)(POLISH_EVALS * p.n));
    nlopt_optimize(opt, u, &best); /* a failed search leaves u where it was */
    nlopt_destroy(opt);
    double ei, start = improve_score(c, r, k, &ei);
    double a = polish_at(&p, u, true);
    if (p.st != SG_OK)
        return p.st;
    size_t slot = c->nc;
    if (a > start) { /* it replaces candidate k (a scratch slot next to a run scores 0) */
        memcpy(c->cx + k * c->nf, c->cx + slot * c->nf, c->nf * sizeof(double));
        memcpy(c->cm + k * c->nr, c->cm + slot * c->nr, c->nr * sizeof(double));
        memcpy(c->cs + k * c->nr, c->cs + slot * c->nr, c->nr * sizeof(double));
        c->fm[k] = c->fm[slot];
        c->fs[k] = c->fs[slot];
        c->pf[k] = c->pf[slot];
        if (c->acq) {
            c->am[k] = c->am[slot];
            c->as[k] = c->as[slot];
        }
    }
    return SG_OK;
}

static sg_status alloc_all(next_ctx *c, sg_next_result **out, size_t runs)
{
    size_t nf = c->nf, nr = c->nr, nc = c->nc + 1; /* + the polish's scratch slot */
    c->lo = malloc(nr * sizeof(double));
    c->range = malloc(nr * sizeof(double));
    c->cx = malloc(nc * nf * sizeof(double));
    c->cm = malloc(nc * nr * sizeof(double));
    c->cs = malloc(nc * nr * sizeof(double));
    c->fm = malloc(nc * sizeof(double));
    c->fs = malloc(nc * sizeof(double));
    c->am = malloc(nc * sizeof(double));
    c->as = malloc(nc * sizeof(double));
    c->pf = malloc(nc * sizeof(double));
    c->taken = calloc(nc, 1);
    sg_next_result *r = calloc(1, sizeof *r);
    if (r) {
        r->n_factors = nf;
        r->n_responses = nr;
        r->x = malloc(runs * nf * sizeof(double));
        r->mean = malloc(runs * nr * sizeof(double));
        r->sigma = malloc(runs * nr * sizeof(double));
        r->ei = calloc(runs, sizeof(double));
        r->p_feasible = calloc(runs, sizeof(double));
        r->kind = calloc(runs, sizeof *r->kind);
        r->reason = calloc(runs, sizeof *r->reason);
    }
    *out = r;
    return c->lo && c->range && c->cx && c->cm && c->cs && c->fm && c->fs && c->am && c->as &&
                   c->pf && c->taken &&
                   r && r->x && r->mean && r->sigma && r->ei && r->p_feasible && r->kind &&
                   r->reason
               ? SG_OK
               : SG_ERR_NOMEM;
}

static void free_ctx(next_ctx *c)
{
    free(c->lo);
    free(c->range);
    free(c->cx);
    free(c->cm);
    free(c->cs);
    free(c->fm);
    free(c->fs);
    free(c->am);
    free(c->as);
    free(c->pf);
    sg_model_work_destroy(c->acq_w);
    sg_model_destroy(c->acq);
    free(c->taken);
}

/* ---- kriging's search on a warped objective ----------------------------- */

/* The tested rows with a finite objective: factors into X (n, nf), the
 * objective into y; returns n. */
static size_t objective_rows(const next_ctx *c, double *X, double *y)
{
    const sg_table *t = c->in->table;
    const sg_optimize_spec *sp = c->in->spec;
    size_t n = 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        double raw = sg_table_at(t, i, c->nf + sp->response);
        double v = sg_optimize_spec_observed(sp, sp->response, raw);
        bool ok = isfinite(v);
        for (size_t f = 0; f < c->nf && ok; f++)
            ok = isfinite(sg_table_at(t, i, f));
        if (!ok)
            continue;
        memcpy(X + n * c->nf, t->x + i * t->n_cols, c->nf * sizeof *X);
        y[n++] = v;
    }
    return n;
}

/* A kriging model's expected improvement is computed on a warped objective
 * when the tested runs have a long tail toward the optimum (model/warp.h):
 * a second kriging model, of the warped objective on the same runs and
 * with the same settings.  On Hartmann-6 the model of the raw response
 * takes the best runs' values for 5-sigma events everywhere untested and
 * never leaves the first basin it finds; searching on the warped one
 * reached the 1 % band on 6 of 10 seeds instead of 4 (bench_loop,
 * doc/speed.md).  Every figure shown (means, sigmas, expected improvement
 * in the response's units) is still the model's own.  Without a warp, or
 * when the second fit fails for a numerical reason, c->acq stays NULL. */
static sg_status build_acquisition(next_ctx *c, sg_error *err)
{
    const sg_next_inputs *in = c->in;
    const sg_optimize_spec *sp = in->spec;
    if (!in->table || sp->weighted || sg_model_type_of(in->model) != SG_MODEL_GP ||
        !isfinite(c->best) || sg_model_is_class(in->model, sp->response))
        return SG_OK;
    size_t rows = in->table->n_rows ? in->table->n_rows : 1;
    double *X = malloc(rows * c->nf * sizeof *X), *y = malloc(rows * sizeof *y);
    sg_status st = X && y ? SG_OK : sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    size_t n = st == SG_OK ? objective_rows(c, X, y) : 0;
    if (n >= c->nf + 2) /* as many runs as kriging needs */
        c->warp = sg_warp_fit(y, n, sp->sense != SG_OPTIM_MAXIMIZE);
    if (c->warp.used) {
        for (size_t i = 0; i < n; i++)
            y[i] = sg_warp_apply(&c->warp, y[i]);
        sg_model_spec spec = *sg_model_spec_of(in->model);
        spec.type = SG_MODEL_GP;
        memset(spec.classes, 0, sizeof spec.classes);
        spec.exec = NULL;
        sg_error fit_err;
        if (sg_model_fit(&spec, c->nf, 1, X, y, n, NULL, NULL, NULL, &c->acq, &fit_err) != SG_OK ||
            sg_model_work_create(c->acq, &c->acq_w, &fit_err) != SG_OK) {
            sg_model_destroy(c->acq); /* the model's own expected improvement instead */
            c->acq = NULL;
        }
        c->acq_best = sg_warp_apply(&c->warp, c->best);
    }
    free(X);
    free(y);
    return st;
}

/* The model's own expected improvement at candidate k (response units). */
static double model_ei(const next_ctx *c, size_t k)
{
    return expected_improvement(c, c->best, c->fm[k], c->fs[k]);
}

/* The largest model expected improvement x feasibility of the candidates
 * not taken: with a warped search the proposals' own may be far below it,
 * and a loop's tolerance asks whether any improvement is left. */
static double largest_model_ei(const next_ctx *c)
{
    double best = 0.0;
    for (size_t k = 0; k < c->nc; k++)
        if (!c->taken[k])
            best = fmax(best, model_ei(c, k) * c->pf[k]);
    return best;
}

static bool is_weak(const sg_next_inputs *in)
{
    const sg_optimize_spec *sp = in->spec;
    for (size_t j = 0; in->q2 && j < in->study->n_responses; j++) {
        bool used = sp->weighted ? sp->weights[j] > 0 : j == sp->response;
        if (used && isfinite(in->q2[j]) && in->q2[j] < SG_NEXT_MIN_Q2)
            return true;
    }
    return false;
}

sg_status sg_next_propose(const sg_next_inputs *in, sg_next_result **out, sg_error *err)
{
    *out = NULL;
    if (!in || !in->study || !in->spec || !in->model)
        return sg_error_set(err, SG_ERR_INVALID, "next: missing study, settings or model");
    if (in->runs < 1 || in->runs > SG_NEXT_MAX_RUNS)
        return sg_error_set(err, SG_ERR_INVALID, "next: --runs must be between 1 and %d (got %zu)",
                            SG_NEXT_MAX_RUNS, in->runs);
    const sg_study *s = in->study;
    if (sg_model_n_in(in->model) != s->n_factors || sg_model_n_out(in->model) != s->n_responses)
        return sg_error_set(err, SG_ERR_INVALID,
                            "next: the model has other factors or responses than the study");
    next_ctx c;
    memset(&c, 0, sizeof c);
    c.in = in;
    c.nf = s->n_factors;
    for (size_t i = 0; i < in->spec->n_cons; i++)
        c.own |= sg_optimize_spec_con_own(in->spec, i);
    c.nr = s->n_responses;
    c.nc = SG_NEXT_CANDIDATES + NEXT_LOCAL + 1;
    size_t nrows = in->table ? in->table->n_rows : 0;
    c.row_stride = nrows > NEXT_DISTANCE_ROWS ? (nrows + NEXT_DISTANCE_ROWS - 1) / NEXT_DISTANCE_ROWS
                                              : 1;
    sg_next_result *r = NULL;
    sg_model_work *w = NULL;
    sg_status st = alloc_all(&c, &r, in->runs);
    if (st != SG_OK) {
        st = sg_error_set(err, SG_ERR_NOMEM, "next: out of memory");
        goto done;
    }
    const double *opt = NULL;
    if (in->decide && in->decide->opt)
        opt = SG_OPTIM_SETTINGS(in->decide->opt);
    if ((st = tested_figures(&c, err)) != SG_OK)
        goto done;
    r->best_value = c.best;
    r->resolution = c.resolution;
    r->weak_model = is_weak(in);
    c.spacing = design_spacing(&c);
    make_candidates(&c, opt);
    if ((st = build_acquisition(&c, err)) != SG_OK ||
        (st = sg_model_work_create(in->model, &w, err)) != SG_OK ||
        (st = evaluate(&c, w, err)) != SG_OK)
        goto done;
    r->warped = c.acq != NULL;
    r->max_ei = c.acq ? largest_model_ei(&c) : 0.0;
    /* 1. confirmation of an untested optimum (candidate 0 is the optimum) */
    if (opt && !r->weak_model && !in->defer_confirmation && !c.taken[0] &&
        !near_tested(&c, c.cx))
        take(&c, r, 0, SG_NEXT_CONFIRM, 0.0);
    /* 2. improvement, then exploration.  A weak model still gets half of
     * the batch for improvement (a loop of one run per iteration
     * alternates, by the parity of the tested runs): pure space filling
     * would never home in, pure exploitation trusts a model that does not
     * deserve it.  A kriging model's expected improvement already weighs
     * its own variance, which is large wherever the runs are sparse, so it
     * explores where the model is uncertain by itself: it keeps the larger
     * half, and a one-run iteration is always its best expected
     * improvement (bench_loop: Hartmann-3 20 -> 15 calls, Branin 12 -> 7,
     * constrained Branin 14 -> 8, medians of 10 seeds, doc/optim.md). */
    size_t n_exploit = in->runs;
    if (r->weak_model && sg_model_type_of(in->model) == SG_MODEL_GP)
        n_exploit = (in->runs + 1) / 2;
    else if (r->weak_model)
        n_exploit = in->runs / 2 + (in->runs % 2 == 1 && nrows % 2 == 1);
    bool explore = n_exploit == 0;
    while (r->n_runs < in->runs) {
        if (!explore && r->n_runs >= n_exploit)
            explore = true;
        double ei = 0.0;
        size_t k = pick(&c, r, explore, &ei);
        if (k == c.nc && !explore) {
            explore = true;
            continue;
        }
        if (k == c.nc)
            break; /* no untested realisable setting left */
        if (!explore) {
            if ((st = polish(&c, r, w, k, err)) != SG_OK)
                goto done;
            ei = model_ei(&c, k); /* the polished candidate's, in the response's units */
            r->max_ei = c.acq ? fmax(r->max_ei, ei * c.pf[k]) : r->max_ei;
            if (ei * c.pf[k] < c.resolution) { /* the best left would not show */
                r->settled = true;
                explore = true;
                continue;
            }
        }
        take(&c, r, k, explore ? SG_NEXT_EXPLORE : SG_NEXT_IMPROVE, ei);
    }
    for (size_t n = 0; n < r->n_runs; n++)
        reason(&c, r, n);
done:
    sg_model_work_destroy(w);
    free_ctx(&c);
    if (st != SG_OK) {
        sg_next_result_destroy(r);
        return st;
    }
    *out = r;
    return SG_OK;
}

sg_status sg_next_to_json(const sg_next_result *r, const sg_study *s, const char *csv,
                          const char *xlsx, cJSON **out, sg_error *err)
{
    sg_json_builder jb, *b = &jb;
    cJSON *root = sg_json_build_begin(b);
    sg_json_bool(b, root, "weak_model", r->weak_model);
    sg_json_number(b, root, "best_tested", r->best_value);
    sg_json_number(b, root, "resolution", r->resolution);
    sg_json_bool(b, root, "settled", r->settled);
    cJSON *runs = sg_json_array(b, root, "runs");
    for (size_t n = 0; runs && n < r->n_runs; n++) {
        cJSON *e = sg_json_object(b, runs, NULL);
        sg_json_count(b, e, "run", n + 1);
        sg_json_string(b, e, "kind", sg_next_kind_name(r->kind[n]));
        cJSON *st = sg_json_object(b, e, "settings");
        for (size_t f = 0; st && f < r->n_factors; f++) {
            char v[80];
            if (s->factors[f].categorical)
                sg_json_string(b, st, s->factors[f].name,
                               sg_factor_format(&s->factors[f], r->x[n * r->n_factors + f], 6, v,
                                                sizeof v));
            else
                sg_json_number(b, st, s->factors[f].name, r->x[n * r->n_factors + f]);
        }
        cJSON *pr = sg_json_object(b, e, "predicted");
        for (size_t j = 0; pr && j < r->n_responses; j++) {
            cJSON *o = sg_json_object(b, pr, s->responses[j].name);
            sg_json_number(b, o, "mean", r->mean[n * r->n_responses + j]);
            sg_json_number(b, o, "sigma", r->sigma[n * r->n_responses + j]);
        }
        sg_json_number(b, e, "expected_improvement", r->ei[n]);
        sg_json_number(b, e, "p_feasible", r->p_feasible[n]);
        sg_json_string(b, e, "reason", r->reason[n]);
    }
    cJSON *sh = sg_json_object(b, root, "run_sheet");
    sg_json_string(b, sh, "csv", csv);
    sg_json_string(b, sh, "xlsx", xlsx);
    return sg_json_build_end(b, root, "next", out, err);
}
