/* cv.h — honest accuracy: cross-validation of the surrogate and of the
 * quadratic response-surface baseline, calibrated prediction intervals,
 * suspicious runs and honesty gates.
 *
 * Fold plans (text as written in a study's `[train] validation`):
 *   "loo"          leave one out: n folds of one row;
 *   "kfold:K"      K folds of (nearly) equal size, rows shuffled with the seed;
 *   "kfold:K:R"    the same repeated R times with different shuffles;
 *   "holdout:F"    one fold holding out round(F * n) rows (0 < F < 1);
 *   "auto" or ""   loo up to SG_CV_LOO_MAX_ROWS rows, else kfold:SG_CV_DEFAULT_K,
 *                  and from SG_SIZING_HOLDOUT_ROWS rows one 20 % hold-out (sizing.h).
 * Every fold refits the whole pipeline (scalers, every ensemble member, the
 * baseline) on its training rows only; nothing from held-out rows leaks in.
 * Folds run on opt.n_threads POSIX threads; each fold's work depends only
 * on its index (its rows and the spec's seed), and results go to slots of
 * that fold, so any thread count gives bit-identical results.
 *
 * All figures are in the response's engineering unit.  A figure that cannot
 * be computed carries ok = false and a reason, never NaN.  No function
 * prints or exits.
 */
#ifndef SG_CV_H
#define SG_CV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "analysis/metrics.h"
#include "model/model.h"
#include "model/outliers.h"

#define SG_CV_LOO_MAX_ROWS 50      /* auto: loo up to this many rows */
#define SG_CV_DEFAULT_K 5          /* auto: k of kfold above it */
#define SG_CV_MAX_REPEATS 1000     /* largest R of kfold:K:R */
#define SG_CV_DEFAULT_LEVEL 0.95   /* prediction-interval coverage */
#define SG_CV_OUTLIER_Z 3.5        /* robust z-score flagging a suspicious run */
#define SG_CV_OUTLIER_MARGIN 2.0   /* robust scales a flagged run's residual must lie beyond
                                      the interval from the other runs (doc/model.md) */
#define SG_CV_MAD_TO_SD 1.4826     /* MAD of a normal sample -> its sd */
/* The accuracy statement compares the error with the data's resolution up
 * to this many resolutions. */
#define SG_CV_RESOLUTION_SAYS 1e4
/* Floor of the robust scale as a share of the response's observed range:
 * with z 3.5 a run must be off by more than 3.5 % of the range. */
#define SG_CV_OUTLIER_RANGE_FRAC 0.01
/* Most decimal places looked for in the data (finer: no resolution floor),
 * and the tolerance, in units of the last place, of "has d places". */
#define SG_CV_MAX_DECIMALS 9
#define SG_CV_DECIMAL_TOL 1e-6
#define SG_CV_MIN_Q2 0.5           /* below: "no usable predictive structure" */
#define SG_CV_DEFAULT_THREADS 2
/* Relative size (to the response's magnitude) below which a range or MAD is 0. */
#define SG_CV_CONST_REL 1e-12

typedef enum sg_cv_kind { SG_CV_LOO = 0, SG_CV_KFOLD, SG_CV_HOLDOUT, SG_CV_AUTO } sg_cv_kind;

typedef struct sg_cv_spec {
    sg_cv_kind kind;
    size_t k;        /* kfold: number of folds (>= 2) */
    size_t repeats;  /* kfold: repetitions (>= 1) */
    double fraction; /* holdout: share of rows held out, (0, 1) */
} sg_cv_spec;

/* Parse a plan ("loo", "kfold:5", "kfold:5:3", "holdout:0.2", "auto", "").
 * SG_ERR_INVALID with a message quoting the text and what was expected. */
sg_status sg_cv_spec_parse(const char *text, sg_cv_spec *out, sg_error *err);
/* Resolve auto for a table of n rows (loo up to 50 rows, else kfold:5). */
sg_cv_spec sg_cv_spec_resolve(sg_cv_spec spec, size_t n);
/* Write the plan as text ("kfold:5:3") into buf of size cap. */
void sg_cv_spec_format(const sg_cv_spec *spec, char *buf, size_t cap);

/* A fold plan: which rows each fold holds out. */
typedef struct sg_cv_plan {
    size_t n_rows;
    size_t n_folds;   /* total folds over all repeats */
    size_t *start;    /* (n_folds + 1) fold f holds out rows[start[f] .. start[f+1]) */
    size_t *rows;     /* held-out row indices, fold by fold, ascending inside a fold */
    /* between-levels plans only (else NULL): the factor and the level value
     * fold f holds out */
    size_t *factor;   /* (n_folds) */
    double *value;    /* (n_folds) */
} sg_cv_plan;

/* Build the plan for n rows (auto resolved).  seed drives the shuffles.
 * Errors when there are too few rows (every training set needs at least 2
 * rows; kfold needs K <= n).  Caller frees with sg_cv_plan_destroy. */
sg_status sg_cv_plan_create(const sg_cv_spec *spec, size_t n, uint64_t seed, sg_cv_plan **out,
                            sg_error *err);
void sg_cv_plan_destroy(sg_cv_plan *p);

/* Copy the training rows of fold f (every row it does not hold out) of
 * X (n_rows, n_in) and Y (n_rows, n_out) into Xtr and Ytr, in row order;
 * held is caller scratch of n_rows bytes.  Returns the number of rows. */
size_t sg_cv_plan_training_rows(const sg_cv_plan *p, size_t f, const double *X, size_t n_in,
                                const double *Y, size_t n_out, unsigned char *held, double *Xtr,
                                double *Ytr);

/* ---- between levels ----
 *
 * Leave-one-out on a grid only ever tests the network at grid points; the
 * user predicts between them.  For level-coded designs (orthogonal arrays,
 * full factorials) a second plan holds out whole levels: for every factor
 * with 3 to SG_CV_LEVELS_MAX levels, each on at least 2 rows (a
 * level-coded factor), one fold per interior level holds out every row at
 * that level, so the network must interpolate between the neighbouring
 * levels it saw.  End levels are never held out: predicting there from the
 * other levels is extrapolation, which is not the question this figure
 * answers (and which the optimiser does not do: it stays inside the
 * bounds).  Holding out a middle level also removes what the table says
 * about that factor's curvature, so on strongly curved factors the figure
 * errs on the pessimistic side. */
/* between-levels RMSE above this many times the plan's RMSE, worst on a
 * 3-level factor: the design cannot tell (sg_cv_response.design_note) */
#define SG_CV_CURVATURE_RATIO 2.0
#define SG_CV_LEVELS_MAX 7 /* a factor with more distinct values is not level-coded */

/* Distinct values of factor j of X (n, n_in), sorted into lv (room for
 * SG_CV_LEVELS_MAX), when it is level-coded (at most SG_CV_LEVELS_MAX values,
 * each on at least 2 rows): returns their number, 0 if not level-coded.
 * col is scratch of n doubles. */
size_t sg_cv_factor_levels(const double *X, size_t n, size_t n_in, size_t j, double *col,
                           double *lv);

/* Are the rows of X (n, n_in) with factor a at va exactly those with
 * factor b at vb?  (The centre runs of a two-level design are every
 * factor's middle level.) */
bool sg_cv_same_level_rows(const double *X, size_t n, size_t n_in, size_t a, double va,
                           size_t b, double vb);

/* The between-levels plan of X (n, n_in): *out = NULL (and note, of size
 * cap, says why) when no factor is level-coded with an interior level or
 * no fold would leave min_train training rows (the fewest the model can be
 * refitted from, sg_model_min_rows; at least 2): a level whose fold would
 * leave fewer is not held out.  Otherwise note lists the factors (1-based)
 * held out.  categories (NULL, or a spec's categories array): factors with
 * categories[j] >= 2 are names, with nothing between them, and are never
 * held out.  Caller frees with sg_cv_plan_destroy. */
sg_status sg_cv_levels_plan_create(const double *X, size_t n, size_t n_in,
                                   const size_t *categories, size_t min_train, sg_cv_plan **out,
                                   char *note, size_t cap, sg_error *err);

/* The fewest training rows any fold of plan spec leaves on n rows (seed
 * shuffles k-fold plans).  SG_ERR_INVALID when the plan does not fit n rows
 * (sg_cv_plan_create's message), SG_ERR_NOMEM. */
sg_status sg_cv_fewest_training_rows(const sg_cv_spec *spec, size_t n, uint64_t seed,
                                     size_t *rows, sg_error *err);

typedef struct sg_cv_options {
    sg_cv_spec plan;
    size_t n_threads; /* >= 1 */
    const sg_exec *exec; /* NULL: this process's threads; else every fold is a task of
                            this executor (core/exec.h; borrowed) */
    const sg_model *const *prefit; /* NULL, or n_prefit models already fitted on the
                                      plan's folds (NULL entries: fit them); borrowed */
    size_t n_prefit;
    double level;     /* interval coverage in (0, 1) */
    double outlier_z; /* > 0 */
    double outlier_range_frac; /* scale floor as a share of the range, [0, 1) */
    bool baseline;    /* also cross-validate the quadratic response surface */
    bool window;      /* also compute the window figures (window.h) */
    bool groups;      /* also look for groups of runs off the additive pattern
                         (outliers.h; each candidate refits the model): off for
                         cross-validations whose suspicious runs nobody reads */
    size_t min_train; /* the fewest rows the model can be refitted from (sg_model_min_rows;
                         0 or 1 read as 2): between-levels folds that leave fewer are
                         not run */
    const double *level_X; /* NULL, or (n, n_in) the settings the between-levels
                              plan groups the rows by: achieved values read as the
                              nominal levels they lie near (fit.c); the folds still
                              train on X.  Borrowed; only for the table's own rows */
} sg_cv_options;

/* Defaults: auto plan, 2 threads, level 0.95, outlier_z 3.5, outlier_range_frac
 * 0.01, baseline, window figures and groups on. */
sg_cv_options sg_cv_options_defaults(void);

/* Per-response figures. */
typedef struct sg_cv_response {
    /* A pass/fail response (spec classes[j] = 2): its predictions are
     * probabilities and the class figures below say how good they are;
     * the baseline is a logistic regression on the quadratic's terms.  The
     * regression figures (RMSE = root Brier score) stay filled, but no
     * interval and no suspicious runs are derived for it.  A class
     * response (classes[j] = k >= 3) is judged the same way: binary is
     * true, n_classes = k, its predictions (pred) are the most probable
     * codes and its probabilities are in the result's proba rows. */
    bool binary;
    size_t n_classes; /* 2 pass/fail, k a class response, 0 a number */
    sg_class_metrics cls, cls_rsm, cls_between;
    sg_metrics net;          /* pooled over all held-out predictions (r2 = Q²) */
    sg_metrics rsm;          /* the baseline, valid only if rsm_ok */
    bool rsm_ok;
    char rsm_reason[256];    /* why the baseline is missing, or its rank warning */
    /* Between levels (level-coded designs only, see sg_cv_levels_plan_create):
     * the error when interpolating between tested levels, beside `net`, the
     * error at tested settings.  Valid if the result's n_between > 0. */
    sg_metrics between;       /* network, pooled over the between-levels folds */
    sg_metrics rsm_between;   /* baseline, valid if rsm_ok and n_between > 0 */
    /* Calibrated interval: prediction ± half_width covers `level` of the
     * window (window_half_width, below) when window_ok, else the plan's
     * held-out residuals at `level` (split-conformal quantile of
     * |residual|: half_width_plan); and spread_factor: prediction ±
     * spread_factor * ensemble sd covers the plan's residuals at `level`. */
    double level;
    /* A log-scale response (spec log_y): the interval is multiplicative,
     * prediction ×/÷ 10^half_width, and every figure of it (half_width*,
     * coverage*, spread_factor, window_* but the disagreement and kriging
     * RMSE) is in decades (log10 of its values); log_rmse is the rms log10
     * error of the plan's held-out predictions.  Its errors (net, between,
     * rsm) stay in its unit; its suspicious runs are judged in decades
     * (sg_outlier.log_scale; scale, resid_median and resid_mad in decades)
     * and its groups off the additive pattern are not looked for. */
    bool log_interval;
    double log_rmse;
    double rsm_log_rmse; /* the same for the baseline (log_interval and rsm_ok; else 0; NAN
                            from a results file written before it existed): the "worse than
                            the baseline" gate compares the two in decades */
    double half_width;
    double half_width_plan;    /* the quantile of the plan's residuals alone */
    double half_width_between; /* ... of the between-levels residuals (0 if none) */
    double coverage;          /* share of the plan's held-out |residual| <= half_width */
    double coverage_between;  /* share of the between-levels ones (0 if none) */
    bool spread_factor_ok;
    double spread_factor;
    char interval_note[160];  /* e.g. level not reachable with so few rows */
    /* Anywhere in the window (model/window.h): the held-out residuals of
     * the plan and the between-levels folds, scaled by kriging's sd of
     * each point from its fold's training rows (with the model's own error
     * at its training rows, window_tau), carried over to uniform points of
     * the box of the runs.  Numbers only, without category factors, up to
     * SG_WINDOW_MAX_ROWS (200) rows; window_note says why not otherwise. */
    bool window_ok;
    double window_rmse;       /* expected RMSE at a random point of the window */
    double window_half_width; /* covers `level` of the window */
    double window_tau;        /* root mean squared error at the training rows (fold mean) */
    double window_z_plan;     /* rms scaled residual of the plan's held-out predictions */
    double window_z_between;  /* ... of the between-levels ones (0 without levels) */
    double window_q_z;        /* window.h q_z (not saved in results files) */
    char window_note[160];
    /* The network against kriging between the runs (sg_cv_window_floor):
     * their rms difference over the window (0: not compared), kriging's own
     * CV RMSE, and whether the window figures were raised to the error the
     * difference implies. */
    double window_disagreement;
    double window_kriging_rmse;
    bool window_raised;
    /* What matters instead of a CV/training ratio: the interpolation error
     * (the worse of the plan's and the between-levels RMSE) against the
     * observed range and the data's resolution (10^-d, 0 if finer than
     * 10^-SG_CV_MAX_DECIMALS), and one sentence saying so. */
    double range, resolution;
    double log_range; /* decades the observed values span (a log-scale response; else 0) */
    /* The scatter of runs repeated at identical settings (pure error,
     * analysis/duplicates.h; in decades for a log-scale response), its
     * degrees of freedom and the settings repeated: the floor no model's
     * error at a new run can go below.  All 0 when no setting is repeated. */
    double replicate_sd;
    size_t replicate_dof, replicate_settings;
    char accuracy_note[360];
    /* Why the design cannot tell (empty when it can): between levels more
     * than SG_CV_CURVATURE_RATIO times the plan's error, worst without the
     * middle level of a 3-level factor.  Holding out that level leaves
     * two, and a model fitted to two levels is linear in the factor: the
     * figure is then the factor's curvature, which a model fitted to all
     * three levels sees.  The table holds no run between its levels that
     * could tell how accurate predictions there are, so the between-levels
     * and window figures may overstate the error.  Else numeric factors
     * at two settings only (no run shows their curvature), or factors
     * that reach their middle settings only together on the same runs
     * (centre runs: they show curvature, not whose). */
    char design_note[320];
    /* Robust scale of the per-row held-out residuals (for suspicious runs). */
    bool outlier_ok;
    double resid_median, resid_mad;
    sg_outlier_scale scale;   /* valid if outlier_ok */
    char outlier_reason[160];
} sg_cv_response;

typedef struct sg_cv_result {
    sg_cv_spec plan;   /* resolved */
    size_t n_rows, n_out, n_folds;
    /* A saturated design: the plan's smallest training set (fewest_training
     * rows) cannot determine the mean and the main effects (main_terms
     * coefficients: 1 per numeric factor, L - 1 per category of L names),
     * so a held-out prediction is a guess for any model and Q² cannot judge
     * one (an L8 of 7 two-level factors: 7 rows for 8 coefficients). */
    bool saturated;
    size_t main_terms, fewest_training;
    size_t n_held;     /* held-out predictions per response */
    size_t *held_row;  /* (n_held) row of each held-out prediction */
    size_t *held_fold; /* (n_held) its fold */
    double *obs;       /* (n_held, n_out) observed values */
    double *pred;      /* (n_held, n_out) network prediction */
    double *sd;        /* (n_held, n_out) its ensemble spread */
    double *rsm_pred;  /* (n_held, n_out) baseline prediction (0 where !rsm_ok) */
    /* Class responses' probabilities: class response j's k probabilities
     * are columns prob_off[j] .. prob_off[j] + k - 1 of rows of n_prob
     * (n_prob = 0: no class response; prob_off[j] unused for the others). */
    size_t n_prob;
    size_t *prob_off;     /* (n_out) */
    double *proba;        /* (n_held, n_prob) network */
    double *rsm_proba;    /* (n_held, n_prob) baseline (one-vs-rest logistic) */
    /* Between-levels folds (n_between_folds == 0 when the design is not
     * level-coded; between_note says why, or which factors were held out). */
    size_t n_between_folds;
    size_t n_between;         /* between-levels predictions per response */
    size_t *between_row;      /* (n_between) row of each */
    size_t *between_factor;   /* (n_between) the factor whose level was held out */
    double *between_obs;      /* (n_between, n_out) observed values */
    double *between_pred;     /* (n_between, n_out) network prediction */
    double *between_sd;       /* (n_between, n_out) its ensemble spread */
    double *between_rsm;      /* (n_between, n_out) baseline prediction (0 where !rsm_ok) */
    double *between_proba;    /* (n_between, n_prob) network */
    char between_note[200];
    sg_cv_response *resp; /* (n_out) */
    sg_outlier *outliers; /* (n_outliers) ordered by response, then group (its
                             first row), then row: a group's records are adjacent */
    size_t n_outliers;
    /* (n_out, SG_WINDOW_POINTS): the window's kriging predictions at its
     * points, per response with window figures (for sg_window_disagreement;
     * NULL when no response has them, and in results files) */
    double *window_kriging;
} sg_cv_result;

/* Called (serialised) after each finished fold. */
typedef void (*sg_cv_progress_fn)(void *user, size_t folds_done, size_t n_folds);

/* Cross-validate the model spec (and the baseline) on X (n, n_in), Y (n,
 * n_out), engineering units.  The spec's seed also drives the shuffles.
 * response_names (may be NULL) name responses in messages.  Caller frees
 * *out with sg_cv_result_destroy. */
sg_status sg_cv_run(const sg_model_spec *spec, const sg_cv_options *opt, size_t n_in,
                    size_t n_out, const double *X, const double *Y, size_t n,
                    const char *const *response_names, sg_cv_progress_fn progress, void *user,
                    sg_cv_result **out, sg_error *err);
void sg_cv_result_destroy(sg_cv_result *r);

/* The index of the first record of the group that r->outliers[k] belongs
 * to (a group's records are adjacent: same response and cluster_first).
 * *by_range: name it by the range cluster_first..cluster_last (a
 * leave-one-out cluster, flagged or not, or a group off the pattern on
 * adjacent rows); false: name each of its records (a group off the pattern
 * on scattered rows, as in a shuffled table). */
size_t sg_cv_group_first(const sg_cv_result *r, size_t k, bool *by_range);

/* Held-out residuals are all at tested settings; between the runs a network
 * can err more than they and kriging's sd suggest (a smooth table on a
 * 3-level grid: the network's interpolation between levels).  Kriging of
 * the same rows is a reference there: where the two disagree by d (rms over
 * the window, sg_window_disagreement) and kriging's own error is e (its CV
 * RMSE), the network's error between the runs is about sqrt(d^2 - e^2)
 * (independent errors), and at most d's share o / sqrt(o^2 + e^2) where o
 * is the network's own CV RMSE: a network exact at the tested settings (a
 * law its linear trend holds) leaves the disagreement to kriging, which
 * errs between the runs more than its CV says.  When the smaller of the
 * two exceeds response j's window RMSE, the
 * window RMSE becomes it and the window half-width grows in proportion;
 * the interval (when it is the window's), its coverage of the held-out
 * residuals and the accuracy statement follow.  Records d, e and whether
 * the figures were raised; nothing else changes without window figures. */
void sg_cv_window_floor(sg_cv_result *r, size_t j, double disagreement, double kriging_rmse);

/* Mark response j pass/fail (or, when the result holds its probabilities,
 * a class response) and compute its class figures from the held-out
 * observations and predictions (sg_cv_run does it for the spec's
 * pass/fail and class responses; a loaded result needs it again).
 * SG_ERR_INVALID when an observation is not a code or a prediction not a
 * probability. */
sg_status sg_cv_result_classify(sg_cv_result *r, size_t j, sg_error *err);

/* ---- honesty gates ---- */

typedef enum sg_gate_kind {
    /* network CV RMSE > baseline CV RMSE, each the worse of the plan's and
     * the between-levels figure (the interpolation question) */
    SG_GATE_WORSE_THAN_BASELINE = 0,
    SG_GATE_LOW_Q2,                  /* Q² < SG_CV_MIN_Q2 */
    /* No longer raised (issue 12): a large CV/training ratio is expected of
     * a network that interpolates its runs (training error near zero) and
     * said nothing about accuracy.  What matters, the CV error against the
     * response's range and resolution, is sg_cv_response.accuracy_note. */
    SG_GATE_OVERFIT,
    SG_GATE_NO_Q2                    /* Q² cannot be computed (constant response) */
} sg_gate_kind;

#define SG_GATE_MESSAGE_MAX 400
typedef struct sg_gate_warning {
    sg_gate_kind kind;
    size_t response;
    double value;     /* network CV RMSE or Q² */
    double reference; /* baseline CV RMSE or SG_CV_MIN_Q2 */
    char message[SG_GATE_MESSAGE_MAX];
} sg_gate_warning;

/* An error figure as messages print it: "%.4g", or "0 to rounding" when v
 * is below SG_CV_EXACT_SHARE of range (the observed range, in v's unit):
 * an exact baseline's 1e-14 is rounding, not a figure.  Returns buf. */
#define SG_CV_EXACT_SHARE 1e-9
const char *sg_cv_error_text(char *buf, size_t cap, double v, double range);
/* True when the error figure v is rounding: below SG_CV_EXACT_SHARE of
 * range.  No figure is "better" than one at rounding. */
bool sg_cv_is_rounding(double v, double range);

/* The model against the quadratic baseline on response j, as the gate and
 * the workbook's Validation verdict judge it: on the worse of the plan's
 * and the between-levels RMSE (in decades for a log-scale response).
 * UNDECIDED: the model is worse between levels, but the design cannot
 * tell between levels (design_note) and the model is the better at tested
 * settings, so the two figures are guesses at a curvature no run shows.
 * MODEL_WORSE needs the difference to stand out of the held-out rows'
 * scatter (SG_BASELINE_TIED otherwise): 0.06828 against 0.06824 on 20 runs
 * is no reason to prefer either.
 * *net and *rsm (either may be NULL) receive the figures compared. */
typedef enum sg_baseline_verdict {
    SG_BASELINE_NONE = 0,     /* no baseline (binary response, or it failed) */
    SG_BASELINE_MODEL_BETTER, /* the model's figure is at most the baseline's */
    SG_BASELINE_MODEL_WORSE,  /* worse by more than the held-out errors' scatter */
    SG_BASELINE_UNDECIDED,
    /* the model's figure is above the baseline's, but on the held-out rows
     * behind it the paired squared errors do not show the difference (one-
     * sided t test at SG_CV_BASELINE_CONFIDENCE): neither is the better */
    SG_BASELINE_TIED
} sg_baseline_verdict;
#define SG_CV_BASELINE_CONFIDENCE 0.95
sg_baseline_verdict sg_cv_baseline_verdict(const sg_cv_result *r, size_t j, double *net,
                                           double *rsm);

/* Evaluate the gates.  train_rmse is ignored (it fed the over-fitting gate,
 * removed by issue 12; kept so callers need not change); response_names may
 * be NULL.  Writes up to cap warnings to out and returns how many apply in
 * total. */
size_t sg_cv_gates(const sg_cv_result *r, const double *train_rmse,
                   const char *const *response_names, sg_gate_warning *out, size_t cap);
/* Remove the gates of one kind from g (n entries, kept in order); returns
 * how many remain.  A quadratic model is not judged against the quadratic
 * baseline (SG_GATE_WORSE_THAN_BASELINE): it is that baseline. */
size_t sg_cv_gates_without(sg_gate_warning *g, size_t n, sg_gate_kind kind);

/* ---- kriging as a comparison (cv_kriging.c) ---- */

/* Cross-validated figures of kriging (sg_model_fit with type gp) for fit's
 * side-by-side comparison.  When opt->plan resolves to loo: the closed-form
 * leave-one-out of the processes fitted on all rows (hyper-parameters kept,
 * mean re-estimated; gp.h), else every fold of the plan (the same folds as
 * sg_cv_run for this seed) refits kriging, hyper-parameters included, on its
 * training rows, one fold after another.  model (borrowed) gives the seed
 * and the category factors, which kriging encodes as [model] type = "gp"
 * does (one-hot; a code is not a number on a scale), so the figures are
 * those the user would get from that type.  X (n, n_in), Y (n, n_out) in
 * engineering units; metrics (n_out) caller-owned (obs vs held-out
 * prediction; r2 = Q²); *closed_form tells which way.  residuals (may be
 * NULL; caller-owned, n × n_out) receives each row's held-out residual
 * (observed - prediction; the mean over repeats, NaN for a row never held
 * out), for sg_cv_clear_predicted.  SG_ERR_INVALID when a training set has
 * fewer than n_in + 2 rows (kriging cannot be fitted), SG_ERR_NUMERIC,
 * SG_ERR_NOMEM. */
/* Above this many rows fit's side-by-side kriging figures are not computed
 * (SG_ERR_LIMIT saying so): its cost grows with the cube of the rows, and a
 * table this large already tells the network's accuracy by itself. */
#define SG_CV_KRIGING_BESIDE_MAX_ROWS 500
sg_status sg_cv_kriging(const sg_cv_options *opt, const sg_model_spec *model, size_t n_in,
                        size_t n_out, const double *X, const double *Y, size_t n,
                        sg_metrics *metrics, bool *closed_form, double *residuals,
                        sg_error *err);

/* ---- a flagged run that another model predicts (cv_confirm.c) ---- */

/* Each row's held-out residual (observed - prediction, mean over repeats;
 * NaN for a row never held out, and everywhere when out of memory) from m
 * held-out predictions: row (m) their table rows (< n), obs and pred (m,
 * no).  out (n, no), caller-owned.  For a result r: row = r->held_row,
 * m = r->n_held, obs = r->obs, pred = r->pred. */
void sg_cv_row_residuals(const size_t *row, size_t m, const double *obs, const double *pred,
                         size_t n, size_t no, double *out);

/* A run cleared of "check this simulation": the model missed it, another
 * model did not. */
typedef struct sg_cv_cleared {
    size_t row, response;
    double residual;     /* the model's held-out residual (response unit) */
    double ref_residual; /* the other model's, at the same row */
} sg_cv_cleared;

/* "Check this simulation" says the run disagrees with the others.  A model
 * that cannot follow the table at one run flags it although nothing is
 * wrong there (a network missing one corner of an exact fractional
 * factorial by 7 % of the range, where kriging predicts it from the other
 * runs to 0.05 %).  So a flagged run is kept only if the other model of
 * fit's comparison (kriging beside a network, the network beside kriging)
 * misses it too: it is cleared when that model's residual there is within
 * zmax flagging scales of its median residual (the model's own scale,
 * sg_cv_response.scale: the other model predicts the run as well as the
 * model predicts an ordinary one).  A garbage value is missed by any model,
 * so it stays.  Groups off the pattern (already confirmed by a refit
 * without them) are kept.  ref_resid (n_rows × n_out) from
 * sg_cv_row_residuals or sg_cv_kriging; a NaN row is kept.  Removes the
 * cleared records from r->outliers (order kept), writes up to max of them
 * to cleared (may be NULL) and returns how many were removed. */
size_t sg_cv_clear_predicted(sg_cv_result *r, const double *ref_resid, double zmax,
                             sg_cv_cleared *cleared, size_t max);

/* ---- a flagged run beyond the others (cv_confirm.c) ---- */

/* A run cleared of "check this simulation" because its held-out
 * prediction extrapolated. */
typedef struct sg_cv_beyond {
    size_t row, response;
    size_t factor;      /* the first factor whose setting lies beyond the others' */
    double value;       /* the run's setting of it (engineering units) */
    double others_lo, others_hi; /* the range the rows that predicted it span */
    double residual;    /* observed - held-out prediction (response unit) */
} sg_cv_beyond;

/* A held-out run whose setting lies beyond the range the rows that
 * predicted it span, in some numeric factor (the largest feed of a Latin
 * hypercube, predicted from runs that all have less), is predicted by
 * extrapolation: a large miss there is what a steep or curving response
 * gives, and the others cannot tell it from a wrong simulation.  Such a
 * record is cleared unless its miss exceeds the whole range the other
 * runs' observed values span (no extrapolation that short explains it: a
 * garbage value stays flagged).  The rows that predicted a run: all others
 * under leave-one-out, the other folds' rows under k-fold (each row held
 * out once; with repeats, all others).  Groups off the pattern are kept
 * (a refit without them already confirmed them).  On a level-coded design
 * every setting is shared with other runs, so nothing is cleared.
 * X (n_rows, n_in) in engineering units; categories (n_in entries, from
 * the spec; NULL = all numeric): a category factor has no range.  Removes
 * the cleared records from r->outliers (order kept), writes up to max of
 * them to out (may be NULL) and returns how many were removed. */
size_t sg_cv_clear_beyond(sg_cv_result *r, const double *X, size_t n_in,
                          const size_t *categories, sg_cv_beyond *out, size_t max);

/* A run cleared of "check this simulation" because its value is the
 * response's extreme. */
typedef struct sg_cv_extreme {
    size_t row, response;
    double value;                /* the run's observed value (response unit) */
    double others_lo, others_hi; /* the range the other runs' values span */
    double residual;             /* observed - held-out prediction */
    bool low;                    /* the lowest value (else the highest) */
} sg_cv_extreme;

/* The run with the response's lowest (or highest) value, held out, is
 * predicted from runs that all lie above (below) it: any model of them
 * predicts it toward them, so a miss in that direction is what a sharp
 * minimum or peak gives, and the others cannot tell it from a wrong
 * simulation.  Such a record (one run, not a group off the pattern) is
 * cleared unless the value lies beyond the others by more than they span
 * (a garbage value stays flagged).  Removes the cleared records from
 * r->outliers (order kept), writes up to max of them to out (may be NULL)
 * and returns how many were removed. */
size_t sg_cv_clear_extreme(sg_cv_result *r, sg_cv_extreme *out, size_t max);

/* A run cleared of "check this simulation" because it is the extreme of
 * its neighbourhood and lies at its edge. */
typedef struct sg_cv_local_extreme {
    size_t row, response;
    size_t n_near;           /* the nearest runs that predicted it */
    double near_lo, near_hi; /* the range their observed values span */
    double residual;         /* observed - held-out prediction */
    bool low;                /* below all of them (else above) */
} sg_cv_local_extreme;

/* sg_cv_clear_extreme within a neighbourhood: a run whose value lies beyond
 * those of its 2 d + 1 nearest predictors (d numeric factors; distances in
 * each factor's range over the runs, the same category settings), all of
 * which lie to one side of it (an open half-space through it: their mean
 * direction sees every one ahead), is predicted by extrapolation from its
 * neighbourhood, and a miss toward them is what a response that steepens
 * toward the edge gives (Branin near x1 = -5); they cannot tell it from a
 * wrong simulation.  Such a record (one run, not a group off the pattern)
 * is cleared unless its value lies beyond them by more than the other
 * runs' values span, or the miss is away from them.  An interior run has
 * neighbours on every side and is judged as before.  X (n_rows, n_in) in
 * engineering units; categories as sg_cv_clear_beyond's.  Removes the
 * cleared records from r->outliers (order kept), writes up to max of them
 * to out (may be NULL) and returns how many were removed. */
size_t sg_cv_clear_local_extreme(sg_cv_result *r, const double *X, size_t n_in,
                                 const size_t *categories, sg_cv_local_extreme *out, size_t max);

#endif
