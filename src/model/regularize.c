/* regularize.c — the weight penalty chosen from the table (regularize.h). */
#include "model/regularize.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const double sg_regularize_grid[SG_REGULARIZE_N_GRID] = {1e-6, 3e-6, 1e-5, 3e-5, 1e-4,
                                                          3e-4, 1e-3, 3e-3, 1e-2};

/* The error the choice minimises: on level-coded designs the worse of the
 * plan's and the between-levels figure (the gate's interpolation figure). */
static double cv_error(const sg_cv_result *cv, size_t j)
{
    const sg_cv_response *R = &cv->resp[j];
    if (R->n_classes >= 3) { /* codes of names: the root Brier score of the probabilities,
                                as the RMSE of a pass/fail response's probability is */
        double v = sqrt(R->cls.brier);
        if (cv->n_between > 0 && sqrt(R->cls_between.brier) > v)
            v = sqrt(R->cls_between.brier);
        return isfinite(v) ? v : NAN;
    }
    double v = R->net.rmse;
    if (cv->n_between > 0 && R->between.rmse > v)
        v = R->between.rmse;
    return isfinite(v) ? v : NAN;
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
    sg_cv_options o = *opt;
    o.baseline = false;
    o.plan.kind = n <= SG_REGULARIZE_LOO_ROWS ? SG_CV_LOO : SG_CV_KFOLD;
    o.plan.k = SG_REGULARIZE_FOLDS;
    o.plan.repeats = 1;
    sg_cv_spec_format(&o.plan, rep->plan, sizeof rep->plan);
    double best[SG_MODEL_MAX_L2_EACH];
    size_t pick[SG_MODEL_MAX_L2_EACH];
    for (size_t j = 0; j < n_out; j++) {
        best[j] = INFINITY;
        pick[j] = SG_REGULARIZE_N_GRID; /* none yet */
    }
    for (size_t g = 0; g < SG_REGULARIZE_N_GRID; g++) {
        quick.train.l2 = sg_regularize_grid[g];
        sg_cv_result *cv = NULL;
        sg_error e2;
        sg_status st = sg_cv_run(&quick, &o, n_in, n_out, X, Y, n, NULL, NULL, NULL, &cv, &e2);
        if (st == SG_ERR_NOMEM) {
            if (err)
                *err = e2;
            return st;
        }
        for (size_t j = 0; j < n_out; j++) {
            double v = st == SG_OK ? cv_error(cv, j) : NAN;
            rep->rmse[j][g] = v;
            /* ties go to the stronger penalty: the smoother model */
            if (isfinite(v) && v <= best[j]) {
                best[j] = v;
                pick[j] = g;
            }
        }
        sg_cv_result_destroy(cv);
    }
    for (size_t j = 0; j < n_out; j++)
        spec->l2_each[j] = pick[j] < SG_REGULARIZE_N_GRID ? sg_regularize_grid[pick[j]]
                                                          : spec->train.l2;
    spec->n_l2_each = n_out;
    rep->chosen = true;
    return SG_OK;
}
