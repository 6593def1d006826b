/* fit.h — the `fit` pipeline as a library function.
 *
 * Given a study, its data table and the settings of its [model]/[train]
 * sections (study_model.h), sg_fit_run:
 *   1. fits the ensemble model on every row (all responses), with the
 *      study's factor names/units/bounds, response names/units, the data
 *      hash and the settings hash stored in it;
 *   2. computes training metrics per response (network and the quadratic
 *      response-surface baseline fitted on all rows);
 *   3. unless disabled, cross-validates the model (its type: network,
 *      kriging or auto, the choice then made inside every fold) and the
 *      quadratic baseline (sg_cv_run), evaluates the honesty gates, lists
 *      suspicious runs, and cross-validates whichever of network and
 *      kriging the model is not (sg_cv_kriging) for side-by-side figures
 *      and notes when a baseline is clearly better than the network;
 *   4. lists duplicate factor settings with different responses, and flags
 *      a network with more trainable parameters than rows and no
 *      regularisation.
 * Everything is in the responses' engineering units.  No function prints;
 * progress goes through a callback.  Same study, data and seed give
 * bit-identical models and figures.
 */
#ifndef SG_FIT_H
#define SG_FIT_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "io/table.h"
#include "analysis/metrics.h"
#include "model/model.h"
#include "analysis/rsm.h"
#include "io/study.h"
#include "model/study_model.h"
#include "model/regularize.h"
#include "analysis/duplicates.h"
#include "analysis/check.h"
#include "model/cv.h"

/* A baseline whose CV RMSE is below this share of the network's is called
 * "clearly better" in fit's notes (issue 12). */
#define SG_FIT_CLEARLY_BETTER 0.67

/* Side-by-side cross-validated figures of one response: the network and
 * kriging, whatever the model's type (the quadratic baseline is in
 * sg_cv_response.rsm). */
typedef struct sg_fit_compare {
    bool net_ok, gp_ok;
    sg_metrics net;        /* the ensemble of networks (r2 = Q²) */
    sg_metrics gp;         /* kriging */
    double gp_log_rmse;    /* rms log10 error of kriging's held-out predictions: a
                              log-scale response's window check and notes are in
                              decades; NAN otherwise or unknown */
    double net_log_rmse;   /* the same for the network */
    /* Expected RMSE at a random point of the window (cv.h window_rmse; in
     * decades for a log-scale response), kriging's from its own
     * cross-validation refitted per fold; NAN where not computed.  The
     * "kriging is clearly better" note compares these when both exist. */
    double net_window, gp_window;
    char net_note[200];    /* why a figure is missing */
    char gp_note[200];
} sg_fit_compare;

typedef enum sg_fit_note_kind {
    SG_FIT_NOTE_KRIGING_BETTER = 0, /* kriging's expected RMSE anywhere in the window <
                                       SG_FIT_CLEARLY_BETTER × the network's (where the
                                       window figures exist; else the plan's CV RMSE;
                                       rms log10 errors: a log-scale response) */
    SG_FIT_NOTE_QUADRATIC_BETTER,   /* the same for the quadratic baseline */
    SG_FIT_NOTE_NOT_LEARNED,        /* the network explains less than half of the
                                       response's variance on its own training rows */
    SG_FIT_NOTE_MODEL_MISSES_RUN,   /* runs the model missed but the other model of the
                                       comparison predicts: not flagged (value: the
                                       model's held-out residual at the first, reference:
                                       the other model's; cv.h sg_cv_clear_predicted) */
    SG_FIT_NOTE_SPANS_DECADES,      /* a positive response spanning at least 2 decades
                                       (value: the decades); its logarithm would model
                                       better */
    SG_FIT_NOTE_RUN_BEYOND_OTHERS,  /* runs the model missed whose held-out prediction
                                       extrapolated beyond the runs that made it: not
                                       flagged (value: the first one's held-out residual;
                                       cv.h sg_cv_clear_beyond) */
    SG_FIT_NOTE_RUN_EXTREME,        /* a run the model missed that holds the response's
                                       lowest or highest value: not flagged (one note per
                                       run; value: its held-out residual; cv.h
                                       sg_cv_clear_extreme) */
    SG_FIT_NOTE_RUN_LOCAL_EXTREME,  /* a run the model missed whose value lies beyond its
                                       nearest runs', all to one side of it: not flagged
                                       (one note per run; value: its held-out residual;
                                       cv.h sg_cv_clear_local_extreme) */
    SG_FIT_NOTE_MODEL_BETTER        /* a quadratic model (type = quadratic): the network
                                       or kriging beside it clearly better by CV (value:
                                       its CV RMSE, reference: the quadratic's) */
} sg_fit_note_kind;

typedef struct sg_fit_note {
    sg_fit_note_kind kind;
    size_t response;
    double value;     /* the baseline's CV RMSE */
    double reference; /* the network's CV RMSE */
    char message[320];
} sg_fit_note;

/* How a numeric factor entered the models (study scale, model.h log_scale). */
#define SG_FIT_SCALE_NOTE_MAX 320
typedef struct sg_fit_scale {
    bool log;       /* the models saw log10 of the setting */
    bool automatic; /* chosen from the runs (scale = "auto": sg_scale_log_spaced) */
    double decades; /* log10(largest / smallest setting in the runs); 0 unless all > 0 */
    char note[SG_FIT_SCALE_NOTE_MAX]; /* what fit says about it ("" when nothing) */
} sg_fit_scale;

/* At most this many duplicate pairs are listed (all are counted). */
#define SG_FIT_MAX_DUPLICATES 100

typedef enum sg_fit_phase {
    SG_FIT_PHASE_TRAIN = 0, /* training the final model on every row */
    SG_FIT_PHASE_CV         /* cross-validation folds */
} sg_fit_phase;

/* State reported to the progress callback. */
typedef struct sg_fit_progress {
    sg_fit_phase phase;
    /* train phase: response (SG_MODEL_ALL_RESPONSES when shared), member,
     * epoch of max_epochs, current training loss (scaled units);
     * members_done of n_members over all networks */
    size_t response, member, epoch, max_epochs;
    double loss;
    size_t members_done, n_members;
    double train_fraction; /* share of the training phase done, 0..1 */
    size_t cv_threads;     /* folds cross-validated at once */
    /* cv phase: folds finished of n_folds */
    size_t folds_done, n_folds;
} sg_fit_progress;

/* Called after every training epoch and every finished CV fold.  Fold
 * reports come from the CV worker threads, one at a time (serialised). */
typedef void (*sg_fit_progress_fn)(void *user, const sg_fit_progress *p);

typedef struct sg_fit_options {
    bool cv; /* cross-validate (default true) */
} sg_fit_options;

/* Everything `fit` found.  Caller owns; free with sg_fit_result_destroy. */
typedef struct sg_fit_result {
    sg_model *model;          /* owned by the result (borrow it, or take it with
                                 sg_fit_take_model) */
    size_t n_rows, n_in, n_out;
    size_t n_params_member;   /* trainable values of one member network (largest) */
    size_t n_params_total;    /* of the whole model, all networks and members */
    bool regularised;         /* l1 > 0, l2 > 0 or early stopping on a validation share */
    bool params_exceed_rows;  /* sg_model_overparameterised: a member has more
                                 parameters than rows and l1 = l2 = 0 */
    char optimizer[16];       /* optimiser actually used */
    sg_metrics *train;        /* (n_out) network on the training rows */
    sg_metrics *rsm_train;    /* (n_out) baseline on the training rows, valid if rsm_ok */
    bool *rsm_ok;             /* (n_out) */
    char (*rsm_note)[256];    /* (n_out) why the baseline is missing, its reduced form, or its rank warning */
    sg_rsm **rsm;             /* (n_out) baseline fits on every row (NULL where !rsm_ok) */
    sg_cv_result *cv;         /* NULL when cross-validation was off or not possible */
    char cv_not_possible[400]; /* "" or why no cross-validation could refit the model (a
                                  fold leaves fewer rows than kriging or the quadratic
                                  needs): the model is kept without one */
    sg_gate_warning *gates;   /* (n_gates) honesty-gate warnings */
    size_t n_gates;
    sg_duplicate *dups;       /* (n_dups_listed) same factors, different response
                                 (sg_duplicates_find: ordered by response, then rows) */
    size_t n_dups, n_dups_listed;
    sg_factor_span *span;     /* (n_in) each factor's data against the study's bounds */
    char (*span_warning)[SG_CHECK_SPAN_MSG_MAX]; /* (n_in) its warning ("" when none: runs
                                 outside the bounds, or covering less than half of them;
                                 sg_check_factor_span_message) */
    size_t n_span_warnings;   /* factors with a warning */
    sg_fit_scale *scale;      /* (n_in) each factor's scale in the models */
    sg_model_type type_requested; /* [model] type */
    sg_model_type type_used;      /* what the model is (mlp or gp) */
    sg_fit_compare *cmp;      /* (n_out) side-by-side CV figures; NULL without CV */
    char kriging_cv[48];      /* how the kriging figures were cross-validated */
    sg_regularize_report l2_choice; /* the weight penalty chosen from the table
                                       (chosen false: [train] l2 was used) */
    sg_fit_note *notes;       /* (n_notes) a baseline clearly better than the network,
                                 a network that did not learn, runs not flagged */
    size_t n_notes;
    char data_hash[17];       /* FNV-1a 64 of the data file's bytes, hex */
    char settings_hash[17];   /* FNV-1a 64 of the fit-relevant settings, hex */
} sg_fit_result;

/* Defaults: cv on. */
sg_fit_options sg_fit_options_defaults(void);

/* Hash (hex, 16 digits + NUL) of the study's fit-relevant settings:
 * factors, responses (names, columns, units), data file, the resolved
 * [model]/[train] settings (not the model file path) and the seed.
 * [optimize] and [report] do not enter it. */
void sg_fit_settings_hash(const sg_study *study, const sg_study_model *settings,
                          char out[17]);

/* Run the pipeline on table (loaded by sg_study_load_data for study, so
 * column j < n_factors is factor j) with the given settings.  progress may
 * be NULL.  Statuses: SG_ERR_INVALID (e.g. too few rows for the CV plan),
 * SG_ERR_NUMERIC (training diverged: the message names response and
 * member), SG_ERR_NOMEM.  Caller owns *out. */
sg_status sg_fit_run(const sg_study *study, const sg_table *table,
                     const sg_study_model *settings, const sg_fit_options *opt,
                     sg_fit_progress_fn progress, void *user, sg_fit_result **out,
                     sg_error *err);

/* Step 3's check between the runs (sg_cv_window_floor): for each response
 * j with window figures, a network model m (not kriging) and gp_ok[j],
 * the rms difference between m and the window's kriging model over the
 * window, against kriging's CV RMSE gp_rmse[j] (a log-scale response: both in
 * decades, the rms log10 error); the window figures of cv
 * are raised when the difference implies a larger error.  The window's
 * kriging predictions are cv's (window_kriging, from its window figures).
 * X (n, n_in) the rows m was fitted to, seed the window's (the model
 * spec's).  Errors of the model leave the figures as they are; only
 * SG_ERR_NOMEM is returned. */
sg_status sg_fit_window_check(const sg_model *m, sg_cv_result *cv, const double *gp_rmse,
                              const bool *gp_ok, const double *X, size_t n, size_t n_in,
                              uint64_t seed, sg_error *err);

/* Take the model out of the result (the caller then owns it). */
sg_model *sg_fit_take_model(sg_fit_result *r);

/* Free the result and what it owns; NULL is a no-op. */
void sg_fit_result_destroy(sg_fit_result *r);

/* Every figure of r as the "fit" object of --json (keys in the README):
 * settings, parameters, per-response training and cross-validated metrics,
 * held-out predictions, warnings, suspicious runs, duplicates; runs named by
 * t's rows and lines; model_path as "model_file".  Non-finite numbers are
 * null (core/json.h).  SG_ERR_NOMEM (no tree) when out of memory; caller
 * owns *out (cJSON_Delete). */
sg_status sg_fit_result_to_json(const sg_fit_result *r, const sg_study *s, const sg_table *t,
                                const sg_study_model *settings, const char *model_path,
                                cJSON **out, sg_error *err);

#endif
