/* regularize.h — the weight penalty chosen from the table.
 *
 * A fixed l2 cannot serve 9 runs and 500: a smooth, exact response wants
 * almost none, a noisy or sparse one a strong one (doc/model.md, "The
 * weight penalty").  sg_regularize_choose_l2 tries every other value of a
 * grid, then each network's neighbours of its best there, each with a quick
 * cross-validation of one member per network (k-fold, or
 * leave-one-out on small tables) scored by the expected error anywhere in
 * the window (window.h; from SG_REGULARIZE_PLAN_ROWS rows, or with
 * category factors, the root mean square over the held-out predictions,
 * on level-coded designs the plan's and the between-levels folds'
 * together) and gives
 * each network the value with the smallest error.  Where a response's
 * linear trend fits the table (sg_model_spec_trend_fits) the search runs
 * twice, with each network's linear trend and without it
 * (model.h), and a network keeps its trend unless its best without it is
 * smaller (doc/model.md, "The linear trend under the networks").  The
 * choice sees all
 * rows, so the fit's own cross-validation afterwards is slightly
 * optimistic about it; the grid is short (five values) to keep that small.
 * On mid-size tables it also judges the network's size: the settings of
 * large tables (sizing.h) against the default network at its best penalty,
 * each as the ensemble the fit would train (doc/model.md, "Mid-size
 * tables").
 *
 * Ownership: the caller owns spec and rep; nothing is kept.
 */
#ifndef SG_REGULARIZE_H
#define SG_REGULARIZE_H

#include <stddef.h>

#include "core/error.h"
#include "model/cv.h"
#include "model/model.h"

#define SG_REGULARIZE_N_GRID 9
/* Above this many rows the choice is skipped (train.l2 is kept): the data
 * then constrain the network more than the penalty does, the size-aware
 * plan (sizing.h) stops training early on a validation share, and the
 * search would cost a multiple of the fit. */
#define SG_REGULARIZE_MAX_ROWS 499
/* Up to this many rows the quick cross-validation is leave-one-out. */
#define SG_REGULARIZE_LOO_ROWS 12
#define SG_REGULARIZE_FOLDS 5
/* From this many rows (below SG_SIZING_LARGE_ROWS) the quick
 * cross-validation also tries the large-table plan (sizing.h) against the
 * small network at its best penalty, and the fit keeps the better: between
 * 150 and 500 rows neither wins on every response (doc/model.md,
 * "Mid-size tables"). */
#define SG_REGULARIZE_PLAN_ROWS 150

/* The grid, in the units of sg_train_config.l2 (scaled data). */
extern const double sg_regularize_grid[SG_REGULARIZE_N_GRID];

typedef struct sg_regularize_report {
    bool chosen;                   /* false: skipped (too many rows, shared) */
    char plan[32];                 /* the quick cross-validation, e.g. "kfold:5" */
    size_t n_out;
    /* (n_out, SG_REGULARIZE_N_GRID) cross-validated RMSE of each network at
     * each grid value, response units (NAN where it failed or was not
     * tried) */
    double rmse[SG_MODEL_MAX_L2_EACH][SG_REGULARIZE_N_GRID];
    /* Mid-size tables (SG_REGULARIZE_PLAN_ROWS up to SG_SIZING_LARGE_ROWS
     * rows, the network's shape left to the fit): the large-table plan
     * tried by the same quick cross-validation, its RMSE per network
     * (response units, NAN where it failed), and whether it was chosen
     * (spec->size_large); rmse_small is the default network's at its best
     * penalty, what it was judged against. */
    /* The linear trend (spec.trend): rmse above is each network with it;
     * rmse_no_trend the same search without it (NAN where not tried), and
     * whether a network's best without it is smaller than its best with
     * it, which drops the trend (spec->no_trend_each) and takes the penalty
     * of that best. */
    bool trend_tried;
    double rmse_no_trend[SG_MODEL_MAX_L2_EACH][SG_REGULARIZE_N_GRID];
    bool trend_dropped[SG_MODEL_MAX_L2_EACH];
    bool large_tried;
    bool large_chosen;
    double rmse_large[SG_MODEL_MAX_L2_EACH];
    double rmse_small[SG_MODEL_MAX_L2_EACH];
} sg_regularize_report;

/* RMSE of column j of held-out predictions obs, pred, sd (n_held, n_out;
 * sd the sample sd of 2 members) as the mean of m members would make them:
 * the pair's squared error holds bias² + s²/2 (s² the members' variance),
 * an ensemble of m bias² + s²/m, and never less than 2/m of the pair's.
 * Rows with a non-finite value are skipped; NAN when none is left. */
double sg_regularize_ensemble_rmse(const double *obs, const double *pred, const double *sd,
                                   size_t n_held, size_t n_out, size_t j, size_t m);

/* Choose spec->l2_each[j] for every network j of a model of n_out
 * responses on X (n, n_in), Y (n, n_out), engineering units; opt gives the
 * threads (its plan and level are replaced).  Sets spec->n_l2_each = n_out
 * and fills rep (may be NULL).  On a mid-size table (SG_REGULARIZE_PLAN_ROWS
 * rows or more, the network's shape left to the fit) also sets
 * spec->size_large when the large-table plan does better.  A shared network, n_out above
 * SG_MODEL_MAX_L2_EACH or more than SG_REGULARIZE_MAX_ROWS rows leave spec
 * as it is (rep->chosen false).  Deterministic for spec->seed. */
sg_status sg_regularize_choose_l2(sg_model_spec *spec, const sg_cv_options *opt, size_t n_in,
                                  size_t n_out, const double *X, const double *Y, size_t n,
                                  sg_regularize_report *rep, sg_error *err);

#endif
