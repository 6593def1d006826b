/* decide.h — the decision: optimise process settings on the surrogate model
 * and explain the answer in engineering units.
 *
 * The objective and constraints of a study's [optimize] section
 * (optimize_spec.h) become sg_optim callbacks over the model:
 *   single response j:  f(x) = mean_j(x) + s k spread_j(x)
 *   weighted sum:       f(x) = sum_j w_j (mean_j(x) - lo_j) / range_j
 *                              + s k sum_j w_j spread_j(x) / range_j
 * with s = +1 when minimising and -1 when maximising (risk-averse), k the
 * spread factor `risk`, lo_j / range_j the response's min / max - min in the
 * data.  Constraint "r <= b" is g(x) = mean_r + k spread_r - b <= 0 and
 * "r >= b" is g(x) = b - mean_r + k spread_r <= 0 (the same risk factor).
 * Gradients: the model's analytic input gradient for the mean; the spread
 * part (risk > 0 only) by central finite differences of step
 * SG_DECIDE_FD_REL times the bound range.
 *
 * Threads: the model keeps one workspace, so each optimiser thread gets its
 * own copy of the model (made once per thread from its JSON form).
 *
 * Ownership: inputs are borrowed during sg_decide_run only; the result is
 * caller-owned (sg_decide_result_destroy) and does not point into the inputs.
 * No function prints or exits.
 */
#ifndef SG_DECIDE_H
#define SG_DECIDE_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "io/table.h"
#include "model/model.h"
#include "optim/optim.h"
#include "io/study.h"
#include "optim/optimize_spec.h"
#include "optim/tested.h"

/* Relative finite-difference step for the spread's gradient. */
#define SG_DECIDE_FD_REL 1e-6
/* An optimum is an extrapolation when its distance to the nearest tested
 * run exceeds this factor times the design's largest nearest-neighbour
 * distance (all in the factor box scaled to [0,1]^d). */
#define SG_DECIDE_EXTRAP_FACTOR 1.0
/* The design spacing is computed from at most this many tested runs
 * (evenly strided through the table), each against every run, so large
 * tables cost O(SG_DECIDE_SPACING_SAMPLE * n_rows). */
#define SG_DECIDE_SPACING_SAMPLE 2000
/* A data column counts as discrete (for the main-effects comparison) when
 * it has at most this many distinct values. */
#define SG_DECIDE_MAX_LEVELS 9
#define SG_DECIDE_TEXT_MAX 512
/* Replicates of the best tested setting named in messages. */
#define SG_DECIDE_REPS_LISTED SG_TESTED_ROWS_LISTED

/* Shared, read-only evaluation problem (the model, objective terms). */
typedef struct sg_decide_problem sg_decide_problem;

/* Build the evaluation problem for spec on model (which must have the
 * study's factors and responses, in order).  table supplies the response
 * ranges of a weighted objective.  spec and model are borrowed and must
 * outlive the problem and its contexts.  Caller owns *out. */
sg_status sg_decide_problem_create(const sg_study *s, const sg_table *table,
                                   const sg_optimize_spec *spec, const sg_model *model,
                                   sg_decide_problem **out, sg_error *err);
void sg_decide_problem_destroy(sg_decide_problem *p);

/* Per-thread evaluation context (its own model workspace and buffers; the
 * model itself is shared): the sg_optim thread_ctx_create/destroy factory.
 * NULL when out of memory. */
void *sg_decide_ctx_create(void *problem);
void sg_decide_ctx_destroy(void *ctx);
/* Objective at x (n_factors, engineering units); grad (may be NULL) d f/d x. */
double sg_decide_objective(void *ctx, const double *x, double *grad);
/* Constraint i (0 <= i < spec->n_cons) g_i(x) and its gradient. */
double sg_decide_constraint(void *ctx, size_t i, const double *x, double *grad);
/* Mean and spread of every response at x (ctx's model). */
void sg_decide_predict(void *ctx, const double *x, double *mean, double *sd);
/* The value each constraint is on at x (n_cons each): its response's
 * prediction, or for a constraint about another name of a class response
 * (sg_optimize_spec_con_own) that name's probability; sd (may be NULL) the
 * members' spread of it. */
void sg_decide_predict_cons(void *ctx, const double *x, double *mean, double *sd);

/* Whether the model was fitted on other data or settings than the current
 * ones: compares the hashes stored in the model (sg_model_data_hash,
 * sg_model_study_hash) with data_hash / settings_hash (hex strings, as the
 * fit pipeline computes them).  Returns 1 when stale and fills why (cap
 * bytes) with the reason; 0 when current. */
int sg_decide_model_is_stale(const sg_model *m, const char *data_hash, const char *settings_hash,
                             char *why, size_t cap);

typedef struct sg_decide_options {
    sg_optim_progress_fn progress; /* may be NULL */
    void *progress_user;
    /* Cross-validation calibration of the model, when known (e.g. fitted in
     * this run): half_width[j] (n_responses; NAN or <= 0 = none) gives the
     * interval mean ± half_width at coverage `level` (a log-scale response:
     * mean ×/÷ 10^half_width, half_width in decades).  NULL = none. */
    const double *half_width;
    double level;
    const sg_exec *exec; /* NULL, or the executor that runs the starts (core/exec.h) */
} sg_decide_options;

/* Most combinations of category names searched one by one; beyond it the
 * categories are searched as ordered levels (a note says so). */
#define SG_DECIDE_MAX_CHOICES 512

typedef struct sg_decide_result {
    sg_optim_result *opt;      /* the multistart (owned); with category factors,
                                  the one of the best combination of names */
    /* Category factors the optimiser may choose (not fixed): names have no
     * order, so every combination is optimised on its own (the others'
     * factors free) and the best wins.  n_cat = 0: none. */
    size_t n_cat;
    size_t cat_factor[SG_STUDY_MAX_FACTORS]; /* study factor index of each */
    size_t n_choices;          /* combinations searched (product of name counts) */
    double *choice_code;       /* (n_choices, n_cat) codes of each combination */
    double *choice_f;          /* n_choices: objective at its optimum (realisable when
                                  snapping was needed) */
    int *choice_feasible;      /* n_choices */
    int *choice_untested;      /* n_choices: 1 when a name of the combination occurs in no
                                  run: not searched (choice_f NAN; the model never saw it) */
    size_t best_choice;
    char cat_note[SG_DECIDE_TEXT_MAX]; /* "" or why categories were searched as levels */
    size_t n_factors, n_responses, n_cons;
    sg_optim_sense sense;
    int weighted;
    double risk;
    char objective[SG_DECIDE_TEXT_MAX]; /* "minimize stress_max" / "... weighted sum ..." */
    double *resp_lo, *resp_range; /* n_responses: data min and max - min */

    /* continuous optimum: opt->best_x, objective opt->best_f */
    double *mean, *sd;         /* n_responses: predictions there */
    int has_interval;          /* some response has a CV-calibrated interval */
    double *half_width;        /* n_responses: interval half-width (NAN = none) */
    bool *log_scale;           /* n_responses: a log-scale response, its half_width in
                                  decades: the interval is mean ×/÷ 10^half_width */
    double level;              /* its coverage */
    /* constraint safety margins: constraint i was enforced as
     * mean + con_margin[i] <= bound (or mean - con_margin[i] >= bound), so
     * that it holds with probability con_confidence under the calibrated
     * interval; 0 when the response has no calibrated interval. */
    double *con_margin;        /* n_cons, response units */
    double con_confidence;

    /* realisable optimum (opt->realisable.x when found) */
    double *r_mean, *r_sd;     /* n_responses (valid when opt->realisable.found) */

    /* coverage of the data */
    size_t nearest_row;        /* table row index of the nearest tested run */
    double nearest_dist;       /* distance in the factor box scaled to [0,1]^d */
    double design_spacing;     /* largest nearest-neighbour distance among tested runs */
    int outside_data_box;      /* some setting outside the data's min..max */
    int extrapolation;         /* warning: nearest_dist too large or outside the box */
    char warning[SG_DECIDE_TEXT_MAX]; /* "" or the extrapolation warning */
    /* A run whose simulation gave no result (table.h SG_EXCLUDED_FAILED)
     * within the design's spacing of the optimum, nearer than the nearest
     * tested run or as near: the model never saw it, and the process may
     * fail there.  "" when none. */
    char failed_near[SG_DECIDE_TEXT_MAX];

    /* best tested setting (by the objective on the measured responses)
     * among those inside the search box (sg_optimize_spec_inside) whose
     * measured responses meet every constraint (none when no run does).
     * Runs repeated at the same settings count as one setting, by the
     * mean of their measured values: the luckiest of the replicates is not
     * the best setting. */
    int has_best_row;
    size_t best_row;           /* table row index (the first of its replicates) */
    double best_row_value;     /* measured objective (mean over the replicates) */
    double best_row_pred;      /* model objective there (with risk) */
    size_t best_row_reps;      /* rows at those settings with a measured objective (>= 1) */
    size_t rows_outside_box;   /* rows with a measured objective outside the search box */
    size_t rows_inside_box;    /* ... and inside it (whether or not they meet the
                                  constraints) */
    size_t best_rows[SG_DECIDE_REPS_LISTED]; /* the first of them, table row indices */
    double best_row_means[SG_STUDY_MAX_RESPONSES]; /* each response's mean over every row
                                                      at those settings (NAN: none) */

    /* main-effects best level combination (sg_taguchi), single response */
    int has_taguchi;
    char taguchi_na[SG_DECIDE_TEXT_MAX]; /* why not, when !has_taguchi */
    double *taguchi_x;         /* n_factors (fixed factors at their value) */
    double taguchi_additive;   /* the additive main-effects prediction */
    double taguchi_pred;       /* model objective at taguchi_x (with risk) */

    /* infeasible problems (opt->feasible == 0) */
    char infeasible[SG_DECIDE_TEXT_MAX]; /* "" or which constraint cannot be met */
    double *closest_value;     /* n_cons: best response value reached per constraint */
    double *con_mean, *con_sd; /* n_cons: each constraint's predicted value at the
                                  continuous optimum (sg_decide_predict_cons) */
} sg_decide_result;

/* How messages name the best tested setting of r: "run 19" (or "data row
 * 19" without a run column), "runs 19 and 47" for replicates, "runs 3, 9,
 * 12, 20 and 2 more".  Writes into buf (cap bytes). */
void sg_decide_best_label(const sg_decide_result *r, const sg_table *table, char *buf,
                          size_t cap);

/* Is numeric factor i set to one value in every row of table (at least 2
 * rows; NULL: not known)?  *value gets it.  The model ignores such a factor
 * (model.c flatten_constant_factors), so the search holds it there (when
 * the [optimize] bounds allow) and the answer says it was not varied. */
bool sg_decide_unvaried(const sg_study *s, const sg_table *table, size_t i, double *value);

/* Is factor i held by the search: not fixed by spec, and unvaried in table?
 * *tested gets the value every run has, *held the setting the search keeps
 * (that value clamped to the [optimize] bounds: the nearest to what was
 * tested when they exclude it).  Engineering units. */
bool sg_decide_held(const sg_study *s, const sg_table *table, const sg_optimize_spec *spec,
                    size_t i, double *tested, double *held);

/* Run the optimisation of spec on model; caller frees *out with
 * sg_decide_result_destroy.  opt may be NULL.  table is the study's data
 * (columns: factors then responses, as sg_study_load_data gives).  A factor
 * sg_decide_unvaried names is held at its value. */
sg_status sg_decide_run(const sg_study *s, const sg_table *table, const sg_optimize_spec *spec,
                        const sg_model *model, const sg_decide_options *opt,
                        sg_decide_result **out, sg_error *err);

/* Free a result; NULL is a no-op. */
void sg_decide_result_destroy(sg_decide_result *r);

/* The model an answer was computed on, for the "model" member of the JSON. */
typedef struct sg_decide_model_ref {
    const char *source;   /* "fit" (fitted in this run) or "file" */
    const char *path;     /* its model file, or NULL (null in the JSON) */
    const sg_model *model;/* its data_hash and settings_hash are written */
    bool current;         /* fitted on the study's current data and settings */
} sg_decide_model_ref;

/* Every figure of r as the "optimize" object of --json (keys in
 * doc/json.md), with a "model" member when model is not NULL; non-finite
 * figures are null (core/json.h).  SG_ERR_NOMEM (no tree) when out of
 * memory; caller owns *out. */
sg_status sg_decide_to_json(const sg_decide_result *r, const sg_study *s, const sg_table *table,
                            const sg_optimize_spec *spec, const sg_decide_model_ref *model,
                            cJSON **out, sg_error *err);

#endif
