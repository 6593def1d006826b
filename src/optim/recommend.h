/* recommend.h — the recommendation an engineer can act on, built from the
 * optimisation (decide.h), the sensitivity of the surrogate
 * (model/sensitivity.h) and the model's cross-validated quality.
 *
 * Rules, in order:
 *  1. The objective's model is weak (cross-validated Q² of an objective
 *     response below SG_RECOMMEND_MIN_Q2, the fit's SG_CV_MIN_Q2): no
 *     recommendation (kind NONE); the best tested run is reported as the
 *     best known, and the headline says what would help (more runs).
 *  2. The predicted gain of the optimum over the best tested run is within
 *     the uncertainty (the objective's calibrated interval half-width, else
 *     SG_RECOMMEND_SPREAD_K ensemble spreads): recommend the best tested run
 *     with its measured value (kind BEST_RUN); a confirmation run at the
 *     optimum is optional.
 *  3. Otherwise the model's optimum (the realisable one when steps or levels
 *     apply) (kind OPTIMUM).
 * Factors without material effect on the objective's responses (sensitivity)
 * are not pushed to a bound: they keep the best tested run's setting, or the
 * study's [[factor]] prefer.  A factor with material effect whose
 * recommended setting lies on a bound of the window gets a note: the optimum
 * may lie outside the window and the model cannot tell.
 *
 * Ownership: inputs are borrowed during the call; the result is
 * caller-owned (sg_recommend_destroy) and does not point into the inputs.
 */
#ifndef SG_RECOMMEND_H
#define SG_RECOMMEND_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "io/study.h"
#include "io/table.h"
#include "model/model.h"
#include "model/sensitivity.h"
#include "optim/decide.h"
#include "optim/optimize_spec.h"

#define SG_RECOMMEND_MIN_Q2 0.5   /* below: the objective's model is weak */
#define SG_RECOMMEND_SPREAD_K 2.0 /* uncertainty without an interval: k spreads */
#define SG_RECOMMEND_SPREAD_LEVEL 0.95  /* coverage assumed for k spreads */
#define SG_RECOMMEND_MAX_VIOLATION 0.05 /* above: a note on the constraint */
#define SG_RECOMMEND_TEXT_MAX 512
/* The optimum "is" a tested run within this share of each factor's range:
 * a simulation there would only repeat the run (next.h keeps the same 1 %). */
#define SG_RECOMMEND_SAME_SHARE 0.01
#define SG_RECOMMEND_MAX_NOTES 8

typedef enum sg_recommend_kind {
    SG_RECOMMEND_OPTIMUM = 0, /* the model's optimum, clearly better than tested */
    SG_RECOMMEND_BEST_RUN,    /* the best tested run: the gain is within the uncertainty */
    SG_RECOMMEND_NONE         /* the objective's model is weak: no recommendation */
} sg_recommend_kind;

/* "optimum", "best_tested_run", "none". */
const char *sg_recommend_kind_name(sg_recommend_kind k);

typedef enum sg_recommend_role {
    SG_ROLE_MATERIAL = 0, /* moves the objective: set as recommended */
    SG_ROLE_NO_EFFECT,    /* no effect in this window: choose on cost or convenience */
    SG_ROLE_FIXED         /* fixed by [optimize] */
} sg_recommend_role;

typedef struct sg_recommend_factor {
    sg_recommend_role role;
    double value;     /* recommended setting, factor unit */
    int at_bound;     /* -1 lower, +1 upper bound of the window, 0 inside */
    const char *from; /* static text: "optimum", "best tested run", "prefer = low", ... */
} sg_recommend_factor;

/* Quality of the objective's model, per response (caller's figures). */
typedef struct sg_recommend_inputs {
    const double *q2;          /* (n_responses) cross-validated Q², NAN = unknown; may be NULL */
    const sg_sensitivity *sens;/* may be NULL: every factor counts as material */
    bool saturated;            /* the design is saturated (sg_cv_result.saturated): Q² cannot
                                  judge any model; main_terms, fewest_training say why */
    size_t main_terms, fewest_training;
} sg_recommend_inputs;

typedef struct sg_recommend {
    sg_recommend_kind kind;
    size_t n_factors, n_responses;
    sg_recommend_factor *factors; /* (n_factors) */
    double *x;                    /* (n_factors) recommended settings */
    double *mean, *sd;            /* (n_responses) model prediction at x */
    bool has_interval;            /* the decide result had calibrated half-widths */
    double level;                 /* their coverage */
    double *lo, *hi;              /* (n_responses) interval at x (NAN without a half-width),
                                     clipped to [[response]] lower_limit / upper_limit */
    bool *clipped;                /* (n_responses) the interval was clipped */
    double objective_pred;        /* model objective at x (no risk term) */
    bool has_best_row;
    size_t best_row;              /* table row of the best tested run */
    double best_row_value;        /* its measured objective (mean over replicates) */
    size_t best_row_reps;         /* runs at those settings (sg_decide_result) */
    bool none_in_box;             /* every run lies outside the search box (sg_decide_result
                                     rows_outside_box, rows_inside_box) */
    char best_label[128];         /* "run 19", "runs 19 and 47" (sg_decide_best_label) */
    double gain;                  /* optimum over best tested run, objective units (> 0 better) */
    double uncertainty;           /* what the gain is judged against, objective units */
    bool gain_within_uncertainty;
    bool optimum_is_best_row;     /* the model's optimum lies at the best tested run's settings
                                     (each factor within SG_RECOMMEND_SAME_SHARE of its range):
                                     the answer is that run, whatever its residual */
    double q2;                    /* worst Q² over the objective's responses (NAN unknown) */
    bool weak_model;
    bool infeasible;              /* the model finds no setting meeting every constraint */
    bool outside_possible;        /* a material factor sits on a bound */
    size_t n_cons;
    double *p_violate;            /* (n_cons) chance each constraint is violated at x */
    double *con_mean, *con_sd;    /* (n_cons) each constraint's predicted value at x and its
                                     spread (sg_decide_predict_cons) */
    char (*con_text)[SG_OPTSPEC_CON_TEXT]; /* (n_cons) the constraints, as normalised */
    char headline[SG_RECOMMEND_TEXT_MAX];
    char notes[SG_RECOMMEND_MAX_NOTES][SG_RECOMMEND_TEXT_MAX];
    size_t n_notes;
} sg_recommend;

/* Build the recommendation from the optimisation result r of spec on model
 * (the study s and its data t as given to sg_decide_run).  Caller owns *out. */
sg_status sg_recommend_build(const sg_study *s, const sg_table *t, const sg_optimize_spec *spec,
                             const sg_model *model, const sg_decide_result *r,
                             const sg_recommend_inputs *in, sg_recommend **out, sg_error *err);

void sg_recommend_destroy(sg_recommend *rec);

/* The "recommendation" object of --json (keys in doc/json.md).  SG_ERR_NOMEM
 * (no tree) when out of memory; caller owns *out. */
sg_status sg_recommend_to_json(const sg_recommend *rec, const sg_study *s, const sg_table *t,
                               cJSON **out, sg_error *err);

#endif
