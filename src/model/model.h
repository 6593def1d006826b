/* model.h — the surrogate model: scalers + ensembles of networks.
 *
 * A model maps n_in factors to n_out responses, both in ENGINEERING UNITS.
 * Inside, factors and responses are scaled per column (scale.h, fitted on
 * the training rows only) and each response has its own ensemble of
 * `ensemble` networks (or, with `shared = true`, one ensemble of networks
 * with n_out outputs).  Member m of response j is initialised and trained
 * from a seed derived from the study seed, j and m (sg_model_member_seed),
 * so the same spec, data and seed give bit-identical weights.
 *
 * A prediction is the mean of the members, its spread their sample standard
 * deviation (0 for a single member), both in the response's unit.
 *
 * A model is immutable once fitted or loaded (apart from the metadata
 * setters, which the fit and load pipelines call before sharing it):
 * evaluation reads a const model and writes only into an sg_model_work, so
 * one model may be shared by any number of threads, each with its own
 * workspace.  Two models never interfere.  No function prints or exits.
 */
#ifndef SG_MODEL_H
#define SG_MODEL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/rsm.h"
#include "core/error.h"
#include "core/exec.h"
#include "model/gp.h"
#include "model/mlp.h"
#include "model/scale.h"
#include "model/train.h"

/* Largest number of hidden layers in a spec. */
#define SG_MODEL_MAX_HIDDEN 16
/* Networks with an own weight penalty (sg_model_spec.l2_each). */
#define SG_MODEL_MAX_L2_EACH 64
/* Factors that may be categorical: the first this many (sg_model_spec.categories). */
#define SG_MODEL_MAX_CATEGORICAL 64
/* Largest ensemble accepted by validation. */
#define SG_MODEL_MAX_ENSEMBLE 1000

/* ---- defaults (reasons in doc/model.md) ---- */
#define SG_MODEL_DEFAULT_N_HIDDEN 2
#define SG_MODEL_DEFAULT_WIDTH 6
#define SG_MODEL_DEFAULT_HIDDEN_ACT SG_ACT_TANH
#define SG_MODEL_DEFAULT_OUTPUT_ACT SG_ACT_LINEAR
#define SG_MODEL_DEFAULT_INIT SG_INIT_GLOROT
#define SG_MODEL_DEFAULT_OPTIMIZER SG_OPT_LBFGS
#define SG_MODEL_DEFAULT_EPOCHS 10000 /* lbfgs: evaluations; a safety limit, not a stopping rule */
#define SG_MODEL_DEFAULT_L2 3e-6
#define SG_MODEL_DEFAULT_ENSEMBLE 5
#define SG_MODEL_DEFAULT_SCALE SG_SCALE_MINMAX
#define SG_MODEL_DEFAULT_SEED 20261129u
/* The linear trend (spec.trend) is fitted when the rows exceed its
 * n_feat + 1 coefficients by at least 2, so it cannot pass through the runs. */
#define SG_MODEL_TREND_MIN_EXTRA_ROWS 3
/* Singular values of the trend's least squares below this share of the
 * largest are directions the rows cannot tell apart (left out). */
#define SG_MODEL_TREND_SVD_TOL 1e-10
/* What the trend leaves is rescaled to the spread of the response before
 * the networks learn it, magnified at most 1 / this: a residual of
 * roundoff (a response the trend fits exactly) is not made a signal. */
#define SG_MODEL_TREND_MIN_RESIDUAL_SHARE 1e-3

/* A member whose training leaves more than this share of the targets'
 * variance unexplained is trained once more from a start that spreads its
 * first layer over the data (model.c); the better of the two is kept. */
#define SG_MODEL_NO_PROGRESS 0.5
/* A member that leaves more than SG_MODEL_LAG_RATIO times the unexplained
 * share of its best sibling, and more than SG_MODEL_LAG_SHARE of the
 * variance, stopped in a worse local minimum than the settings allow: it is
 * trained again from up to SG_MODEL_LAG_TRIES other starts, seed ^ (t *
 * SG_MODEL_LAG_START) for t = 1, 2, ... (doc/model.md, "Members left
 * behind"). */
#define SG_MODEL_LAG_RATIO 4.0
#define SG_MODEL_LAG_SHARE 0.01
#define SG_MODEL_LAG_TRIES 3
#define SG_MODEL_LAG_START 0x2545f4914f6cdd1dULL

/* Inner k-fold cross-validation of the network by which type = auto judges
 * it against the kriging model's closed-form leave-one-out (doc/model.md). */
#define SG_MODEL_AUTO_INNER_K 5

/* Which surrogate: the ensemble of networks, kriging (gp.h, one Gaussian
 * process per response), the better of the two by cross-validation on the
 * training rows (auto: decided once for the whole model), or the
 * least-squares quadratic response surface (rsm.h's form, one per
 * response). */
typedef enum sg_model_type {
    SG_MODEL_MLP = 0,
    SG_MODEL_GP,
    SG_MODEL_AUTO,
    SG_MODEL_QUAD
} sg_model_type;
#define SG_MODEL_DEFAULT_TYPE SG_MODEL_MLP

/* "mlp", "gp", "auto", "quadratic" ("?" out of range). */
const char *sg_model_type_name(sg_model_type t);
/* Parse a type name; false when unknown. */
bool sg_model_type_from_name(const char *name, sg_model_type *out);
/* "mlp, gp, auto, quadratic" for messages. */
const char *sg_model_type_names(void);

/* Response index passed to the progress callback for a shared network. */
#define SG_MODEL_ALL_RESPONSES ((size_t)-1)

typedef struct sg_model_spec {
    size_t n_hidden;                    /* number of hidden layers, 0..SG_MODEL_MAX_HIDDEN */
    size_t hidden[SG_MODEL_MAX_HIDDEN]; /* their widths, each > 0 */
    sg_activation hidden_act;           /* any activation */
    sg_activation output_act;           /* linear, sigmoid or tanh */
    sg_init init;                       /* glorot or he */
    sg_train_config train;              /* optimiser etc.; train.seed is ignored (derived) */
    bool optimizer_auto;                /* true: train.optimizer = sg_train_default_optimizer(n)
                                           (lbfgs up to SG_TRAIN_LBFGS_MAX_ROWS rows, else adam) */
    sg_scale_kind x_scale, y_scale;     /* factor / response scaling */
    size_t ensemble;                    /* members per network, 1..SG_MODEL_MAX_ENSEMBLE */
    bool shared;                        /* one multi-output network for all responses */
    uint64_t seed;                      /* study seed */
    sg_model_type type;                 /* requested surrogate (the network fields
                                           apply to mlp and to auto's network) */
    /* Weight penalty per network (not shared): network j is trained with
     * l2_each[j] when j < n_l2_each, else train.l2.  Set by the fit when
     * l2_auto (model/regularize.h); saved with the model. */
    size_t n_l2_each;
    double l2_each[SG_MODEL_MAX_L2_EACH];
    bool l2_auto;                       /* choose the l2 of each network by CV (fit.h) */
    bool relevance;                     /* stretch each input by kriging's relevance
                                           before training (relevance.h) */
    bool trend;                         /* the networks model the departure from each
                                           number response's least-squares linear trend
                                           in the scaled inputs (model.c; with at least
                                           n_feat + SG_MODEL_TREND_MIN_EXTRA_ROWS rows) */
    bool no_trend_each[SG_MODEL_MAX_L2_EACH]; /* network j (not shared) without its
                                           trend although trend is set: chosen by the
                                           fit's cross-validation (regularize.h) */
    struct sg_relevance_cache *relevance_cache; /* NULL, or stretches already computed
                                           (relevance.h); borrowed, never saved, dropped
                                           from the fitted model's spec */
    /* Size-aware defaults (sizing.h): the SG_SIZE_AUTO_* fields the fit may
     * replace by the plan for the training table's shape (the study leaves
     * them unset).  0 = use the fields as they are. */
    unsigned size_auto;
    /* true: the large-table plan (sg_sizing_large) applies to those fields
     * below SG_SIZING_LARGE_ROWS rows too; set by the fit when a mid-size
     * table's quick cross-validation prefers it (regularize.h). */
    bool size_large;
    /* Share of each member's rows held out to watch for early stopping (0 =
     * none; then early stopping watches the training loss).  Each member
     * holds out different rows, chosen from its seed. */
    double val_share;
    size_t n_threads;                   /* members trained at once (0 or 1: one) */
    /* Categorical factors: categories[i] = number of names of factor i (its
     * settings are the codes 0 .. k-1), 0 for a numeric factor.  The model
     * encodes them one-hot (one 0/1 input when k = 2); a prediction at a
     * code between levels uses the nearest.  Saved with the model. */
    size_t categories[SG_MODEL_MAX_CATEGORICAL];
    /* Numeric factors on a log scale: log_scale[i] (i < SG_MODEL_MAX_CATEGORICAL)
     * makes the model's input log10 of factor i's setting (which must then be
     * > 0, bounds included): a factor whose runs are spread over decades by
     * ratios (a rate 0.001 .. 10).  Saved with the model. */
    bool log_scale[SG_MODEL_MAX_CATEGORICAL];
    /* Numeric responses on a log scale: log_y[j] (j < SG_MODEL_MAX_CATEGORICAL)
     * trains every model of response j on log10 of its values (which must
     * be > 0) and predicts 10^ of that: a life or a rate spanning decades.
     * A network's prediction is the mean of its members' 10^ values, the
     * spread their sd; kriging's is 10^ its mean, the spread its sd carried
     * through (10^mu ln 10 sd).  Saved with the model. */
    bool log_y[SG_MODEL_MAX_CATEGORICAL];
    /* Responses that hold names: classes[j] = 2 when response j (j <
     * SG_MODEL_MAX_CATEGORICAL) is pass/fail (0/1 codes), k in 3 ..
     * SG_MODEL_MAX_CLASSES when it is one of k classes (codes 0 .. k-1), 0
     * for a number.  A pass/fail response's networks have a logit output
     * trained on binary cross-entropy; the prediction is the members' mean
     * probability of code 1 and the spread their standard deviation.  A
     * class response's networks have k outputs, a softmax and categorical
     * cross-entropy; its probabilities come from sg_model_predict_proba
     * (sg_model_predict gives the most probable code, spread 0).  Needs
     * separate networks (shared = false) and the network type.  Saved with
     * the model. */
    size_t classes[SG_MODEL_MAX_CATEGORICAL];
    const sg_exec *exec;                /* NULL: this process's threads; else the members
                                           are tasks of this executor (core/exec.h);
                                           borrowed, never saved */
} sg_model_spec;

/* Fields of sg_model_spec that sg_model_spec_fit_to may choose. */
#define SG_SIZE_AUTO_HIDDEN 0x01u      /* n_hidden, hidden[] */
#define SG_SIZE_AUTO_OPTIMIZER 0x02u   /* train.optimizer (adam) */
#define SG_SIZE_AUTO_LR 0x04u          /* train.learning_rate */
#define SG_SIZE_AUTO_EPOCHS 0x08u      /* train.epochs */
#define SG_SIZE_AUTO_BATCH 0x10u       /* train.batch_size */
#define SG_SIZE_AUTO_LR_PATIENCE 0x20u /* train.lr_patience */
#define SG_SIZE_AUTO_STOPPING 0x40u    /* early stopping on a validation share */
#define SG_SIZE_AUTO_VAL_SHARE 0x80u   /* val_share */
#define SG_SIZE_AUTO_ENSEMBLE 0x100u   /* ensemble */
#define SG_SIZE_AUTO_L2 0x200u         /* train.l2 (the study's l2 = "auto") */
#define SG_SIZE_AUTO_ALL 0x3ffu

/* Apply the size-aware plan for a training table of n rows (sizing.h) to
 * the fields spec->size_auto allows, then clear size_auto.  Tables below
 * SG_SIZING_LARGE_ROWS keep every field.  Returns true when anything was
 * changed. */
bool sg_model_spec_fit_to(sg_model_spec *spec, size_t n, size_t n_in, size_t n_out);
/* A copy of spec with the plan for n rows applied (sg_model_spec_fit_to):
 * the settings a fit on n rows uses, and that every fit validating it on
 * fewer rows (a fold, a hold-out, a refit without a group) must use too. */
sg_model_spec sg_model_spec_sized(const sg_model_spec *spec, size_t n, size_t n_in,
                                  size_t n_out);

/* The defaults above (train config: train.h defaults with optimiser lbfgs,
 * epochs SG_MODEL_DEFAULT_EPOCHS and l2 SG_MODEL_DEFAULT_L2; optimizer_auto
 * true).  The fitted model's spec holds the optimiser actually used. */
sg_model_spec sg_model_spec_defaults(void);
/* The weight penalty network j is trained with (l2_each or train.l2). */
double sg_model_spec_l2(const sg_model_spec *spec, size_t j);

/* Check every field; SG_ERR_INVALID naming the field ("ensemble must be
 * between 1 and 1000 (got 0)"). */
sg_status sg_model_spec_validate(const sg_model_spec *spec, sg_error *err);

/* Most names of a class response (outputs of its softmax network). */
#define SG_MODEL_MAX_CLASSES 32

/* Number of names of response j under spec: 2 pass/fail, k >= 3 a class
 * response, 0 a number. */
static inline size_t sg_model_spec_n_classes(const sg_model_spec *spec, size_t j)
{
    return j < SG_MODEL_MAX_CATEGORICAL ? spec->classes[j] : 0;
}

/* True when response j is pass/fail under spec (classes[j] = 2). */
static inline bool sg_model_spec_binary(const sg_model_spec *spec, size_t j)
{
    return j < SG_MODEL_MAX_CATEGORICAL && spec->classes[j] == 2;
}

/* Seed of member m of network j (j = response index, 0 for a shared
 * network) derived from the study seed by a SplitMix64 mix. */
uint64_t sg_model_member_seed(uint64_t study_seed, size_t j, size_t m);

typedef struct sg_model sg_model;

/* Progress after each epoch of member `member` of response `response`
 * (SG_MODEL_ALL_RESPONSES for a shared network). */
typedef void (*sg_model_progress_fn)(void *user, size_t response, size_t member,
                                     const sg_train_info *info);

/* Two network models (spec->type mlp, spec->exec set) whose members are
 * all tasks of one map of the executor: the final model on (X, Y, n) and
 * another on (X2, Y2, n2), e.g. a hold-out fold's.  Both take the
 * size-aware settings of n rows (the second validates the first), then
 * each is exactly what sg_model_fit would return for its rows with those
 * settings; one map instead of two keeps the processes evenly busy.  Caller
 * owns both. */
sg_status sg_model_fit_pair(const sg_model_spec *spec, size_t n_in, size_t n_out,
                            const double *X, const double *Y, size_t n, const double *X2,
                            const double *Y2, size_t n2, const char *const *response_names,
                            sg_model **out, sg_model **out2, sg_error *err);

/* Fit a model of spec->type.  mlp: the ensembles below.  gp: one kriging
 * model per response (gp.h, default options, seed derived from spec->seed
 * and the response); needs n >= n_in + 2 (SG_ERR_INVALID saying so).
 * auto: kriging and the network refitted on the same SG_MODEL_AUTO_INNER_K
 * folds of these rows (and, on a level-coded design, without each middle
 * level: each response's MSE is the geometric mean of the two figures), as a mean
 * over responses of MSE / variance; the smaller wins and only it is kept (too few
 * rows for kriging: the network, with a note); sg_model_selection_of tells.
 * X is (n, n_in) and Y (n, n_out) row-major in engineering
 * units (borrowed).  n >= 2.  response_names (n_out strings, may be NULL,
 * copied) name responses in messages and in the model; without them they
 * are y1...  Other metadata defaults: factor names x1.., empty units, bounds
 * = training min/max, empty hashes; set them with the setters below.
 * Divergence gives SG_ERR_NUMERIC naming the response and member.  progress
 * may be NULL.  Caller owns *out. */
sg_status sg_model_fit(const sg_model_spec *spec, size_t n_in, size_t n_out, const double *X,
                       const double *Y, size_t n, const char *const *response_names,
                       sg_model_progress_fn progress, void *user, sg_model **out,
                       sg_error *err);

/* Free a model; NULL is a no-op. */
void sg_model_destroy(sg_model *m);

/* Deep copy of m: spec, networks, scalers, names and units, bounds,
 * calibration, hashes and loss histories; the copy saves to the same bytes
 * and predicts the same values.  SG_ERR_NOMEM.  Caller owns *out. */
sg_status sg_model_copy(const sg_model *m, sg_model **out, sg_error *err);

/* ---- shape and metadata ---- */
/* The type that predicts: SG_MODEL_MLP, SG_MODEL_GP or SG_MODEL_QUAD (never auto; the
 * requested type is sg_model_spec_of(m)->type). */
sg_model_type sg_model_type_of(const sg_model *m);
/* Response j's kriging model (owned by the model), NULL for a network model. */
const sg_gp *sg_model_gp(const sg_model *m, size_t j);
/* Response j's quadratic (owned by the model), NULL unless the type is
 * SG_MODEL_QUAD.  Its coefficients are the model's equation. */
const sg_rsm *sg_model_quadratic(const sg_model *m, size_t j);
/* The form of response j's quadratic in words into buf: rsm.h's
 * description, or for a full quadratic with terms the design cannot
 * separate how many it kept (and, with fewer runs than its terms, that it
 * was taken over the reduced form because it predicts left-out runs
 * better, as analyze's regression chooses). */
void sg_model_quadratic_form(const sg_model *m, size_t j, char *buf, size_t cap);
/* Its residual sd (response unit; decades of a log-scale response), 0
 * without residual degrees of freedom or for another type. */
double sg_model_quadratic_residual_sd(const sg_model *m, size_t j);
/* Whether response j's quadratic has as many kept terms as runs: it passes
 * through every run and its residual sd (so its standard error) is 0
 * without measuring anything.  False for another type. */
bool sg_model_quadratic_saturated(const sg_model *m, size_t j);
/* The fewest rows a refit of m's type can be made from (a cross-validation
 * fold trains on fewer rows than the table): kriging factors + 2, the
 * quadratic the terms of its main effects (the largest over responses), a
 * network or auto (which falls back to the network) 2. */
size_t sg_model_min_rows(const sg_model *m);
/* How type = auto chose (valid when requested is true). */
typedef struct sg_model_selection {
    bool requested;        /* the spec asked for auto */
    sg_model_type chosen;  /* mlp or gp */
    bool gp_ok, mlp_ok;    /* scores computed */
    double gp_score;       /* mean over responses of MSE / variance of kriging refitted
                              on the folds of an inner k-fold CV (hyper-parameters too) */
    double mlp_score;      /* the same of the network, on the same folds */
    bool between_levels;   /* level-coded design: each response's MSE is the geometric
                              mean of that and the between-levels one (cv.h), both models */
    char note[200];        /* e.g. why kriging was not possible */
} sg_model_selection;
const sg_model_selection *sg_model_selection_of(const sg_model *m);
size_t sg_model_n_in(const sg_model *m);
size_t sg_model_n_out(const sg_model *m);
const sg_model_spec *sg_model_spec_of(const sg_model *m);
/* True when response j is pass/fail (spec classes[j] = 2): its prediction
 * is a probability of code 1. */
bool sg_model_is_binary(const sg_model *m, size_t j);
/* Number of names of response j: 2 pass/fail, k >= 3 one of k classes
 * (softmax network), 0 a number. */
size_t sg_model_n_classes(const sg_model *m, size_t j);
/* True when response j is one of k >= 3 classes. */
bool sg_model_is_class(const sg_model *m, size_t j);
/* Make sg_model_predict give, for class response j, the probability of
 * class c (mean, with the members' spread) and sg_model_gradient its
 * gradient, as for a pass/fail response: what a decision about that class
 * needs (optimise or constrain P(c)).  c = SIZE_MAX restores the most
 * probable code.  Not saved; copies keep it.  SG_ERR_INVALID when j is not
 * a class response or c is out of range. */
sg_status sg_model_set_focus(sg_model *m, size_t j, size_t c, sg_error *err);
/* The class set above, or SIZE_MAX. */
size_t sg_model_focus(const sg_model *m, size_t j);
/* 1 / (1 + exp(-z)), without overflow. */
static inline double sg_logistic(double z)
{
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}
/* Number of networks (n_out, or 1 when shared; 0 for a kriging model). */
size_t sg_model_n_nets(const sg_model *m);
/* Member network k of network j (owned by the model, read-only). */
const sg_mlp *sg_model_member(const sg_model *m, size_t j, size_t k);
/* Whether network j of spec is fitted with its linear trend (spec->trend,
 * unless the fit's cross-validation turned it off for that network). */
bool sg_model_spec_trend(const sg_model_spec *spec, size_t j);
/* Whether response j can have a linear trend on n rows of n_in factors:
 * spec->trend, a linear output, a number response (not pass/fail or
 * names), and at least the network inputs + SG_MODEL_TREND_MIN_EXTRA_ROWS
 * rows. */
bool sg_model_spec_trend_fits(const sg_model_spec *spec, size_t n_in, size_t n, size_t j);
/* Response j's linear trend (n_feat + 1 values: intercept, then a slope
 * per network input, in scaled units: scaled response = trend + network),
 * owned by the model; NULL when the networks have none (spec.trend off,
 * too few rows, a kriging or quadratic model, a pass/fail or class
 * response, a trend that could not be fitted). */
const double *sg_model_trend(const sg_model *m, size_t j);
/* Trainable values of one member network of response j (same for all
 * members), and of the whole model (all networks and members). */
size_t sg_model_n_params_per_member(const sg_model *m, size_t j);
size_t sg_model_n_params(const sg_model *m);
/* True when training stops early on the loss of a validation share of the
 * rows (val_share > 0): the training stops before the network follows the
 * training rows' noise, which regularises as a weight penalty does. */
bool sg_model_early_stopped(const sg_model_spec *s);
/* True when one member has more trainable values than training rows and
 * nothing regularises it: neither l1 nor l2 is set and training does not
 * stop early on a validation share (fit should warn). */
bool sg_model_overparameterised(const sg_model *m);
/* Number of training rows the model was fitted on. */
size_t sg_model_n_rows(const sg_model *m);
/* The factor and response scalers (owned by the model). */
const sg_scaler *sg_model_x_scaler(const sg_model *m);
const sg_scaler *sg_model_y_scaler(const sg_model *m);
/* Per-member loss history of network j, member k (owned by the model;
 * empty for a loaded model). */
const sg_train_history *sg_model_history(const sg_model *m, size_t j, size_t k);
/* Replace the loss history of network j, member k with a copy of h (used to
 * restore saved results into a loaded model).  SG_ERR_INVALID for an index
 * out of range, SG_ERR_NOMEM. */
sg_status sg_model_set_history(sg_model *m, size_t j, size_t k, const sg_train_history *h,
                               sg_error *err);

/* Set factor i's name and unit (copied; unit may be "") and bounds lo < hi. */
sg_status sg_model_set_factor(sg_model *m, size_t i, const char *name, const char *unit,
                              double lo, double hi, sg_error *err);
/* Names of the codes of category factor i (spec categories[i] of them) or of
 * response j's names (pass/fail: 2; class: k) (copied; each 1 to 64 characters);
 * saved with the model so that predict reads and prints names.
 * SG_ERR_INVALID when the factor is not a category of that many names (the
 * response's number of names not n). */
sg_status sg_model_set_factor_labels(sg_model *m, size_t i, char *const *labels, size_t n,
                                     sg_error *err);
sg_status sg_model_set_response_labels(sg_model *m, size_t j, char *const *labels, size_t n,
                                       sg_error *err);
/* The names set above (owned by the model), or NULL; *n gets their number. */
char *const *sg_model_factor_labels(const sg_model *m, size_t i, size_t *n);
char *const *sg_model_response_labels(const sg_model *m, size_t j, size_t *n);
/* The name of setting v of factor i (the nearest code's) when the factor
 * is a category with names, else NULL. */
const char *sg_model_factor_label_of(const sg_model *m, size_t i, double v);
/* Set response j's name and unit (copied). */
sg_status sg_model_set_response(sg_model *m, size_t j, const char *name, const char *unit,
                                sg_error *err);
/* Set response j's physical limits (response unit; -INFINITY / INFINITY
 * for none), lower < upper: the study's [[response]] lower_limit and
 * upper_limit.  Saved with the model. */
sg_status sg_model_set_response_limits(sg_model *m, size_t j, double lower, double upper,
                                       sg_error *err);
double sg_model_response_lower_limit(const sg_model *m, size_t j);
double sg_model_response_upper_limit(const sg_model *m, size_t j);
/* Clip the interval lo..hi of response j to its physical limits; true when
 * it changed. */
bool sg_model_clip_interval(const sg_model *m, size_t j, double *lo, double *hi);
/* The interval around mean for half-width h (a calibration's, or any
 * figure on the same scale): mean - h .. mean + h; for a log-scale response
 * (log_scale true), whose half-widths are in decades of log10 of its
 * values, mean / 10^h .. mean * 10^h (the interval is in proportion to the
 * value).  Not clipped to the physical limits. */
void sg_model_interval_bounds(bool log_scale, double mean, double h, double *lo, double *hi);
/* The interval's width as a message gives it, into buf (cap bytes): "±
 * 7.3 MPa" (h to dec decimals, or with dec < 0 to -dec significant digits;
 * unit may be ""), or for a log-scale response (h in decades) the factor
 * "×/÷ 1.054". */
void sg_model_interval_text(bool log_scale, double h, int dec, const char *unit, char *buf,
                            size_t cap);
/* The same for response j of m. */
void sg_model_interval(const sg_model *m, size_t j, double mean, double h, double *lo,
                       double *hi);
/* The half-width in the response's unit that the interval of half-width h
 * has at value: h itself, or for a log-scale response half the width of
 * value / 10^h .. value * 10^h (for the uses that need one figure in the
 * response's unit: a normal sigma, a count of decimals). */
double sg_model_interval_half_at(bool log_scale, double value, double h);
/* Set the data-file and study-settings hash strings (copied; may be ""). */
sg_status sg_model_set_hashes(sg_model *m, const char *data_hash, const char *study_hash,
                              sg_error *err);
const char *sg_model_factor_name(const sg_model *m, size_t i);
const char *sg_model_factor_unit(const sg_model *m, size_t i);
double sg_model_factor_lo(const sg_model *m, size_t i);
double sg_model_factor_hi(const sg_model *m, size_t i);
const char *sg_model_response_name(const sg_model *m, size_t j);
const char *sg_model_response_unit(const sg_model *m, size_t j);
const char *sg_model_data_hash(const sg_model *m);
const char *sg_model_study_hash(const sg_model *m);
/* CV-calibrated prediction interval of one response, from the fit's
 * cross-validation (cv.h): mean ± half_width covers held-out
 * residuals at `level`; mean ± spread_factor * ensemble sd does too. */
#define SG_MODEL_CV_NAME_MAX 32
typedef struct sg_model_calibration {
    double level;                  /* coverage in (0, 1), e.g. 0.95 */
    double half_width;             /* >= 0, response unit (cv.h: the window's or the
                                      plan's); decades for a log-scale response
                                      (sg_model_interval) */
    bool spread_factor_ok;         /* false: some held-out spread was 0 */
    double spread_factor;          /* >= 0, dimensionless (valid if spread_factor_ok) */
    char cv[SG_MODEL_CV_NAME_MAX]; /* plan it came from, e.g. "loo", "kfold:5" */
    bool window;                   /* true: the half-width holds anywhere in the window
                                      (cv.h's window figures); false: at tested settings,
                                      or a file written before it was recorded */
    double q2;                     /* cross-validated Q² of the response, NAN = unknown */
} sg_model_calibration;

/* Set response j's calibration (copied); SG_ERR_INVALID for j out of range,
 * a level outside (0, 1), a negative or non-finite width or factor, or an
 * empty/too long cv name.  c = NULL removes it. */
sg_status sg_model_set_calibration(sg_model *m, size_t j, const sg_model_calibration *c,
                                   sg_error *err);
/* Response j's calibration (owned by the model), or NULL when the model has
 * none for it (e.g. fitted without cross-validation, or an older file). */
const sg_model_calibration *sg_model_calibration_of(const sg_model *m, size_t j);
/* True if x (n_in, engineering units) lies outside the factor bounds. */
bool sg_model_extrapolates(const sg_model *m, const double *x);
/* True when the model sees factor i on a log scale (spec log_scale). */
bool sg_model_factor_is_log(const sg_model *m, size_t i);
/* True when the model ignores numeric factor i: every training run had it
 * at one value, so the network's input is scaled flat (SG_SCALE_FLAT_WIDTH)
 * and kriging's length scale is SG_GP_FLAT_LENGTH for every response.  A
 * prediction then holds at any setting of it, which no run supports. */
bool sg_model_factor_ignored(const sg_model *m, size_t i);
/* True when response j is modelled as log10 of its values (spec log_y). */
bool sg_model_response_is_log(const sg_model *m, size_t j);
/* SG_ERR_INVALID, naming the factor, when x (n_in, engineering units)
 * cannot be predicted at all: a log-scale factor's setting at or below 0
 * (outside the bounds is extrapolation, not an error). */
sg_status sg_model_check_point(const sg_model *m, const double *x, sg_error *err);

/* ---- prediction (engineering units) ---- */

/* Scratch buffers for evaluating a model: one per thread, reused for every
 * call; it holds no model data. */
typedef struct sg_model_work sg_model_work;

/* Workspace for m (read only for the sizes, not kept): it fits m and any
 * model of the same shape (factors, responses, networks, ensemble), such as
 * a copy or a reload.  SG_ERR_INVALID for m = NULL, SG_ERR_NOMEM.  Caller
 * owns *out (free with sg_model_work_destroy). */
sg_status sg_model_work_create(const sg_model *m, sg_model_work **out, sg_error *err);

/* Free a workspace; NULL is a no-op. */
void sg_model_work_destroy(sg_model_work *w);

/* Mean (n_out) and spread sd (n_out, may be NULL) at x (n_in).  w must fit
 * m (not checked: the optimiser calls this millions of times). */
void sg_model_predict(const sg_model *m, sg_model_work *w, const double *x, double *mean,
                      double *sd);

/* The probability of each name of response j at x (pass/fail: P(code 0),
 * P(code 1); a class response: its k classes, the members' mean softmax)
 * into P (n_classes), and the members' standard deviation of each into Psd
 * (may be NULL).  Returns the number of names written, 0 (nothing written)
 * for a numeric response.  w must fit m (not checked). */
size_t sg_model_predict_proba(const sg_model *m, sg_model_work *w, const double *x, size_t j,
                              double *P, double *Psd);

/* Gradient (n_in) of the members' mean probability of name c of response j
 * (as sg_model_predict_proba) w.r.t. the factors at x; *p (may be NULL)
 * receives the probability.  False (nothing written) for a numeric
 * response or c out of range.  w must fit m (not checked). */
bool sg_model_gradient_proba(const sg_model *m, sg_model_work *w, const double *x, size_t j,
                             size_t c, double *p, double *grad);

/* Batch: X (n, n_in) -> Mean (n, n_out), Sd (n, n_out; may be NULL), all
 * caller-owned.  SG_ERR_INVALID for a missing argument, a workspace that
 * does not fit m or a non-finite point; SG_ERR_NUMERIC for a prediction
 * that is not finite (possible only far outside the factor bounds: the
 * loader refuses a model that is not finite inside them). */
sg_status sg_model_predict_batch(const sg_model *m, sg_model_work *w, const double *X, size_t n,
                                 double *Mean, double *Sd, sg_error *err);

/* Gradient (n_in) of response j's ensemble mean w.r.t. the factors at x, in
 * response unit per factor unit; *mean (may be NULL) receives the mean.
 * w must fit m (not checked). */
void sg_model_gradient(const sg_model *m, sg_model_work *w, const double *x, size_t j,
                       double *mean, double *grad);

/* ---- used by model_io.c: build an empty model to be filled by a loader --- */
sg_status sg_model_alloc(const sg_model_spec *spec, size_t n_in, size_t n_out, sg_model **out,
                         sg_error *err);

/* ---- model file (model_io.c) ---- */

#define SG_MODEL_FORMAT "surrogate-model"

/* True when path holds a model file (of any version) that surrogate wrote:
 * the output rule (core/outputs.h) replaces only such a file.  user unused. */
bool sg_model_file_is_own(void *user, const char *path);
/* 2: "type" and the "kriging" and "selection" blocks; 3: a network
 * model's linear "trend" (an older reader would predict without it);
 * version 1 files (networks only) are still read. */
#define SG_MODEL_FORMAT_VERSION 3
#define SG_MODEL_FORMAT_VERSION_MIN 1
/* Largest model file accepted by the loader. */
#define SG_MODEL_MAX_FILE_BYTES ((size_t)512 * 1024 * 1024)

/* Serialise the model to a JSON string (caller frees with free()).
 * Identical models give identical bytes. */
sg_status sg_model_to_json(const sg_model *m, char **out, sg_error *err);
/* Parse a model from JSON text; source names it in messages. */
sg_status sg_model_from_json(const char *text, size_t len, const char *source, sg_model **out,
                             sg_error *err);
/* Write the model to path atomically (temporary file in the same directory,
 * fsync, rename); on failure nothing is left behind. */
sg_status sg_model_save(const sg_model *m, const char *path, sg_error *err);
/* Load a model file; errors name the file and the problem. */
sg_status sg_model_load(const char *path, sg_model **out, sg_error *err);

#endif
