/* regularize.c — the weight penalty chosen from the table (regularize.h). */
#include "model/regularize.h"
#include "model/relevance.h"
#include "model/sizing.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const double sg_regularize_grid[SG_REGULARIZE_N_GRID] = {1e-6, 3e-6, 1e-5, 3e-5, 1e-4,
                                                          3e-4, 1e-3, 3e-3, 1e-2};

/* Root mean square of two groups' figures: a (root mean square over na
 * predictions) and b (over nb), as over all na + nb together. */
static double pooled_rms(double a, size_t na, double b, size_t nb)
{
    if (nb == 0)
        return a;
    return sqrt(((double)na * a * a + (double)nb * b * b) / (double)(na + nb));
}

/* The error the choice minimises: the expected RMSE anywhere in the window
 * (window.h: every held-out error, the plan's and the between-levels
 * folds', scaled by how far its point was from the other runs), the
 * question the user asks of the model.  The raw held-out errors of a
 * screening design are errors of extrapolation at its corners, where a
 * stronger penalty errs less and a random point of the window is worse
 * for it: on a definitive screening design (17 runs) the raw errors chose
 * 1e-3 to 3e-3 with 5 of 8 seeds, 3 to 5 times the error between the runs
 * of the 1e-6 to 3e-5 the window figure chose with all 8 (doc/model.md).
 * Where the window figures are not computed (from SG_REGULARIZE_PLAN_ROWS
 * rows, a constant response), the root mean square over every held-out
 * prediction, the plan's and the between-levels folds' together: not the
 * worse of the two, which chose by the noise of a figure no penalty moves
 * (the strongest penalty for brazing's stress_path2). */
static double cv_error(const sg_cv_result *cv, size_t j)
{
    const sg_cv_response *R = &cv->resp[j];
    double v;
    if (R->n_classes >= 3) /* codes of names: the root Brier score of the probabilities,
                              as the RMSE of a pass/fail response's probability is */
        v = pooled_rms(sqrt(R->cls.brier), cv->n_held, sqrt(R->cls_between.brier),
                       cv->n_between);
    else if (R->window_ok)
        v = R->window_rmse;
    else
        v = pooled_rms(R->net.rmse, cv->n_held, R->between.rmse, cv->n_between);
    return isfinite(v) ? v : NAN;
}

/* Marks a network that a fine step does not refine. */
#define SKIP ((size_t)-1)

/* Index of the smallest finite error (ties to the stronger penalty: the
 * smoother model); SG_REGULARIZE_N_GRID when none is finite. */
static size_t best_index(const double *rmse)
{
    size_t pick = SG_REGULARIZE_N_GRID;
    for (size_t g = 0; g < SG_REGULARIZE_N_GRID; g++)
        if (isfinite(rmse[g]) && (pick == SG_REGULARIZE_N_GRID || rmse[g] <= rmse[pick]))
            pick = g;
    return pick;
}

/* A cross-validation of the search: *cv is NULL when it failed (the
 * candidate then scores NAN); only running out of memory is an error. */
static sg_status try_cv(const sg_model_spec *spec, const sg_cv_options *o, size_t n_in,
                        size_t n_out, const double *X, const double *Y, size_t n,
                        sg_cv_result **cv, sg_error *err)
{
    sg_error e2;
    *cv = NULL;
    sg_status st = sg_cv_run(spec, o, n_in, n_out, X, Y, n, NULL, NULL, NULL, cv, &e2);
    if (st == SG_ERR_NOMEM && err)
        *err = e2;
    if (st != SG_OK) {
        sg_cv_result_destroy(*cv);
        *cv = NULL;
    }
    return st == SG_ERR_NOMEM ? st : SG_OK;
}

/* spec's penalty per network: the grid value pick[j], or train.l2 where no
 * grid value gave a finite error. */
static void set_picked_l2(sg_model_spec *spec, const size_t *pick, size_t n_out)
{
    for (size_t j = 0; j < n_out; j++)
        spec->l2_each[j] = pick[j] < SG_REGULARIZE_N_GRID ? sg_regularize_grid[pick[j]]
                                                          : spec->train.l2;
    spec->n_l2_each = n_out;
}

/* One quick cross-validation with network j at grid value at[j] (SKIP: the
 * strongest, not recorded); its errors into rmse[j][at[j]].  A failed run leaves
 * NAN; only running out of memory is an error. */
static sg_status quick_cv(sg_model_spec *quick, const sg_cv_options *o, size_t n_in,
                          size_t n_out, const double *X, const double *Y, size_t n,
                          const size_t *at, double (*rmse)[SG_REGULARIZE_N_GRID],
                          sg_error *err)
{
    quick->n_l2_each = n_out;
    for (size_t j = 0; j < n_out; j++)
        quick->l2_each[j] = sg_regularize_grid[at[j] == SKIP ? SG_REGULARIZE_N_GRID - 1 : at[j]];
    sg_cv_result *cv;
    sg_status st = try_cv(quick, o, n_in, n_out, X, Y, n, &cv, err);
    for (size_t j = 0; j < n_out && st == SG_OK; j++)
        if (at[j] != SKIP)
            rmse[j][at[j]] = cv ? cv_error(cv, j) : NAN;
    sg_cv_result_destroy(cv);
    return st;
}

/* A mid-size table of numbers whose network shape the study leaves to the
 * fit. */
static bool large_plan_applies(const sg_model_spec *spec, size_t n_out, size_t n)
{
    if (n < SG_REGULARIZE_PLAN_ROWS || n >= SG_SIZING_LARGE_ROWS ||
        !(spec->size_auto & SG_SIZE_AUTO_HIDDEN))
        return false;
    for (size_t j = 0; j < n_out && j < SG_MODEL_MAX_CATEGORICAL; j++)
        if (spec->classes[j])
            return false;
    return true;
}

double sg_regularize_ensemble_rmse(const double *obs, const double *pred, const double *sd,
                                   size_t n_held, size_t n_out, size_t j, size_t m)
{
    double se = 0.0, var = 0.0;
    size_t k = 0;
    for (size_t i = 0; i < n_held; i++) {
        double r = pred[i * n_out + j] - obs[i * n_out + j], v = sd[i * n_out + j];
        if (!isfinite(r) || !isfinite(v))
            continue;
        se += r * r;
        var += v * v;
        k++;
    }
    if (k == 0)
        return NAN;
    double mse = se - var * (0.5 - 1.0 / (double)m), floor = se * 2.0 / (double)m;
    return sqrt((mse > floor ? mse : floor) / (double)k);
}

/* The error the choice of plan compares: that of the ensemble the fit
 * trains (m members), over the plan's and the between-levels predictions
 * together (as cv_error). */
static double ensemble_error(const sg_cv_result *cv, size_t j, size_t m)
{
    size_t no = cv->n_out;
    double v = sg_regularize_ensemble_rmse(cv->obs, cv->pred, cv->sd, cv->n_held, no, j, m);
    if (cv->n_between > 0)
        v = pooled_rms(v, cv->n_held,
                       sg_regularize_ensemble_rmse(cv->between_obs, cv->between_pred,
                                                   cv->between_sd, cv->n_between, no, j, m),
                       cv->n_between);
    return v;
}

/* A quick cross-validation of two members of spec, each network's error
 * as an ensemble of spec->ensemble members into out (NAN where it
 * failed); only running out of memory is an error. */
static sg_status pair_cv(const sg_model_spec *spec, const sg_cv_options *o, size_t n_in,
                         size_t n_out, const double *X, const double *Y, size_t n, double *out,
                         sg_error *err)
{
    sg_model_spec two = *spec;
    two.ensemble = 2;
    sg_cv_result *cv;
    sg_status st = try_cv(&two, o, n_in, n_out, X, Y, n, &cv, err);
    for (size_t j = 0; j < n_out && st == SG_OK; j++)
        out[j] = cv ? ensemble_error(cv, j, spec->ensemble) : NAN;
    sg_cv_result_destroy(cv);
    return st;
}

/* The large-table plan against the default network at each network's best
 * penalty, both as the ensembles the fit would train: the large plan is
 * chosen when the geometric mean of its errors over the default's is
 * below 1.  A failed run leaves the default. */
static sg_status try_large_plan(const sg_model_spec *spec, const sg_model_spec *quick,
                                const sg_cv_options *o, size_t n_in, size_t n_out,
                                const double *X, const double *Y, size_t n, const size_t *pick,
                                sg_regularize_report *rep, sg_error *err)
{
    sg_model_spec small = *quick, big = *quick;
    small.ensemble = spec->ensemble;
    set_picked_l2(&small, pick, n_out);
    big.size_large = true;
    big = sg_model_spec_sized(&big, n, n_in, n_out);
    rep->large_tried = true;
    sg_status st = pair_cv(&small, o, n_in, n_out, X, Y, n, rep->rmse_small, err);
    if (st == SG_OK)
        st = pair_cv(&big, o, n_in, n_out, X, Y, n, rep->rmse_large, err);
    if (st != SG_OK)
        return st;
    double log_ratio = 0.0;
    for (size_t j = 0; j < n_out; j++)
        log_ratio += log(rep->rmse_large[j] / rep->rmse_small[j]);
    rep->large_chosen = isfinite(log_ratio) && log_ratio < 0.0;
    return SG_OK;
}

/* The grid search of one kind of network (quick: with or without its
 * trend) into rmse: coarse, every other grid value with all networks at
 * the same one; fine, each network at the grid value below, then above,
 * its coarse best (the error is near unimodal in log l2: 7 trainings per
 * network and fold instead of 9). */
static sg_status search_grid(sg_model_spec *quick, const sg_cv_options *o, size_t n_in,
                             size_t n_out, const double *X, const double *Y, size_t n,
                             double (*rmse)[SG_REGULARIZE_N_GRID], sg_error *err)
{
    sg_status st = SG_OK;
    for (size_t g = 0; g < SG_REGULARIZE_N_GRID && st == SG_OK; g += 2) {
        size_t at[SG_MODEL_MAX_L2_EACH];
        for (size_t j = 0; j < n_out; j++)
            at[j] = g;
        st = quick_cv(quick, o, n_in, n_out, X, Y, n, at, rmse, err);
    }
    size_t coarse[SG_MODEL_MAX_L2_EACH];
    for (size_t j = 0; j < n_out; j++)
        coarse[j] = best_index(rmse[j]);
    for (int side = -1; side <= 1 && st == SG_OK; side += 2) {
        size_t at[SG_MODEL_MAX_L2_EACH];
        bool any = false;
        for (size_t j = 0; j < n_out; j++) {
            size_t b = coarse[j];
            long g = (long)b + side;
            bool use = b < SG_REGULARIZE_N_GRID && g >= 0 && g < SG_REGULARIZE_N_GRID;
            /* nothing to refine: the strongest penalty, quick to train,
             * its result not recorded */
            at[j] = use ? (size_t)g : SKIP;
            any = any || use;
        }
        if (any)
            st = quick_cv(quick, o, n_in, n_out, X, Y, n, at, rmse, err);
    }
    return st;
}

sg_status sg_regularize_choose_l2(sg_model_spec *spec, const sg_cv_options *opt, size_t n_in,
                                  size_t n_out, const double *X, const double *Y, size_t n,
                                  sg_regularize_report *rep, sg_error *err)
{
    sg_regularize_report local;
    if (!rep)
        rep = &local;
    memset(rep, 0, sizeof *rep);
    rep->n_out = n_out;
    if (spec->shared || n_out > SG_MODEL_MAX_L2_EACH || n > SG_REGULARIZE_MAX_ROWS || n < 3)
        return SG_OK;
    sg_model_spec quick = *spec;
    quick.ensemble = 1; /* one member per network: the penalty, not the spread */
    quick.n_l2_each = 0;
    quick.type = SG_MODEL_MLP;
    memset(quick.no_trend_each, 0, sizeof quick.no_trend_each);
    /* the folds are the same for every grid value: kriging's relevance of
     * each fold's rows is computed once */
    sg_relevance_cache *cache = spec->relevance ? sg_relevance_cache_create() : NULL;
    quick.relevance_cache = cache;
    sg_cv_options o = *opt;
    o.baseline = false;
    /* the choice compares the errors anywhere in the window; from the rows
     * where the large plan is tried, the held-out rows cover the window
     * and the raw errors are compared (kriging's cost grows with the cube
     * of the rows, and this search runs seven cross-validations, fourteen
     * with the trend) */
    o.window = n < SG_REGULARIZE_PLAN_ROWS;
    o.groups = false;
    o.plan.kind = n <= SG_REGULARIZE_LOO_ROWS ? SG_CV_LOO : SG_CV_KFOLD;
    o.plan.k = SG_REGULARIZE_FOLDS;
    o.plan.repeats = 1;
    sg_cv_spec_format(&o.plan, rep->plan, sizeof rep->plan);
    for (size_t j = 0; j < n_out; j++)
        for (size_t g = 0; g < SG_REGULARIZE_N_GRID; g++)
            rep->rmse[j][g] = rep->rmse_no_trend[j][g] = NAN; /* not tried */
    /* the grid with each network's linear trend (where one fits; else the
     * trend-less networks alone), then without it: the penalty that suits
     * one does not suit the other */
    sg_status st = search_grid(&quick, &o, n_in, n_out, X, Y, n, rep->rmse, err);
    bool trend_fits = false; /* else the second search would repeat the first */
    for (size_t j = 0; j < n_out; j++)
        trend_fits = trend_fits || sg_model_spec_trend_fits(spec, n_in, n, j);
    if (st == SG_OK && trend_fits) {
        sg_model_spec plain = quick;
        for (size_t j = 0; j < n_out; j++)
            plain.no_trend_each[j] = true;
        rep->trend_tried = true;
        st = search_grid(&plain, &o, n_in, n_out, X, Y, n, rep->rmse_no_trend, err);
    }
    size_t pick[SG_MODEL_MAX_L2_EACH];
    for (size_t j = 0; j < n_out; j++) {
        pick[j] = best_index(rep->rmse[j]);
        size_t plain = best_index(rep->rmse_no_trend[j]);
        /* the trend is the default: dropped only when its network errs more */
        rep->trend_dropped[j] = plain < SG_REGULARIZE_N_GRID &&
                                (pick[j] == SG_REGULARIZE_N_GRID ||
                                 rep->rmse_no_trend[j][plain] < rep->rmse[j][pick[j]]);
        if (rep->trend_dropped[j])
            pick[j] = plain;
        spec->no_trend_each[j] = quick.no_trend_each[j] = rep->trend_dropped[j];
    }
    if (st == SG_OK && large_plan_applies(spec, n_out, n))
        st = try_large_plan(spec, &quick, &o, n_in, n_out, X, Y, n, pick, rep, err);
    sg_relevance_cache_destroy(cache);
    if (st != SG_OK)
        return st;
    set_picked_l2(spec, pick, n_out);
    spec->size_large = rep->large_chosen;
    rep->chosen = true;
    return SG_OK;
}
