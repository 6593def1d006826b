/* train.h — training an sg_mlp on already-scaled data.
 *
 * Minimises the loss of mlp.h (MSE + l1 |w| + l2 w^2 on weights) with one of
 *   adam     first-order, per-parameter step sizes (Kingma & Ba);
 *   rmsprop  first-order, running mean of squared gradients;
 *   sgd      stochastic gradient descent with momentum, optional Nesterov;
 *   lbfgs    full-batch limited-memory quasi-Newton: NLopt's LD_LBFGS
 *            keeping SG_TRAIN_LBFGS_MEMORY correction pairs; recommended for
 *            small tables (sg_train_default_optimizer()).  One lbfgs
 *            "epoch" is one evaluation of the loss and its gradient; the
 *            first sg_trainer_step runs the whole optimisation and the
 *            following steps hand out the recorded evaluations, so the step
 *            API and the history look the same as for the other optimisers.
 * The first three use mini-batches (batch_size rows, 0 = full batch) with
 * the rows reshuffled each epoch by a GSL random generator owned by the
 * trainer and seeded from cfg.seed: the same seed, data and config give
 * bit-identical weights.
 *
 * Iterative use (step API):
 *     sg_trainer_create(net, X, T, n, Xv, Tv, nv, &cfg, &tr, &err);
 *     do { st = sg_trainer_step(tr, &info, &err); } while (st == SG_OK && !info.done);
 *     sg_trainer_finish(tr, &err);   // restores best weights if configured
 *     sg_trainer_destroy(tr);
 * or one call: sg_train(), which also returns the loss history.
 *
 * Loss figures reported per epoch:
 *   train_loss  the objective (MSE + penalties) on the training rows: for
 *               mini-batch optimisers the mean over the epoch's batches,
 *               each taken just before its update (as Keras reports it);
 *               for lbfgs the lowest objective found so far;
 *   val_loss    MSE (no penalties) on the validation rows after the epoch,
 *               NAN when there are none.
 * Early stopping watches train_loss or val_loss.
 *
 * No function prints or exits; progress is reported through the step API
 * or sg_train()'s callback.
 */
#ifndef SG_TRAIN_H
#define SG_TRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "model/mlp.h"

typedef enum sg_optimizer {
    SG_OPT_ADAM = 0,
    SG_OPT_RMSPROP,
    SG_OPT_SGD,
    SG_OPT_LBFGS,
    SG_OPT_COUNT
} sg_optimizer;

/* "adam", "rmsprop", "sgd", "lbfgs"; "?" if invalid. */
const char *sg_optimizer_name(sg_optimizer opt);
/* Parse a name into *opt; false if unknown (*opt untouched). */
bool sg_optimizer_from_name(const char *name, sg_optimizer *opt);
/* Static list "adam, rmsprop, sgd, lbfgs" for messages. */
const char *sg_optimizer_names(void);

/* Tables with at most this many rows default to lbfgs, larger ones to adam. */
#define SG_TRAIN_LBFGS_MAX_ROWS 5000
/* Recommended optimizer for a training table of n_rows rows. */
sg_optimizer sg_train_default_optimizer(size_t n_rows);

typedef enum sg_monitor {
    SG_MONITOR_TRAIN = 0, /* early stopping watches train_loss */
    SG_MONITOR_VALIDATION /* early stopping watches val_loss (needs n_val > 0) */
} sg_monitor;

/* "train" / "validation"; "?" if invalid. */
const char *sg_monitor_name(sg_monitor m);
/* Parse "train" or "validation"; false if unknown. */
bool sg_monitor_from_name(const char *name, sg_monitor *m);

/* ---- defaults (every one named) ---------------------------------------- */
#define SG_TRAIN_DEFAULT_OPTIMIZER SG_OPT_ADAM
#define SG_TRAIN_DEFAULT_LEARNING_RATE 1e-3
#define SG_TRAIN_DEFAULT_EPOCHS 2000
#define SG_TRAIN_DEFAULT_BATCH_SIZE 0 /* 0 = full batch */
#define SG_TRAIN_DEFAULT_MOMENTUM 0.9 /* sgd only */
#define SG_TRAIN_DEFAULT_NESTEROV false
#define SG_TRAIN_DEFAULT_ADAM_BETA1 0.9
#define SG_TRAIN_DEFAULT_ADAM_BETA2 0.999
#define SG_TRAIN_DEFAULT_ADAM_EPSILON 1e-8 /* also used by rmsprop */
#define SG_TRAIN_DEFAULT_RMSPROP_RHO 0.9
#define SG_TRAIN_DEFAULT_L1 0.0
#define SG_TRAIN_DEFAULT_L2 0.0
#define SG_TRAIN_DEFAULT_SEED 42u
#define SG_TRAIN_DEFAULT_INIT SG_INIT_GLOROT
#define SG_TRAIN_DEFAULT_EARLY_STOPPING false
#define SG_TRAIN_DEFAULT_MONITOR SG_MONITOR_TRAIN
#define SG_TRAIN_DEFAULT_MIN_DELTA 0.0 /* improvement must exceed this */
#define SG_TRAIN_DEFAULT_PATIENCE 50   /* epochs without improvement */
#define SG_TRAIN_DEFAULT_RESTORE_BEST true
/* Learning-rate schedule of the first-order optimisers: after lr_patience
 * epochs without a new best monitored loss the step is halved (0 = a
 * constant step), never below learning_rate * SG_TRAIN_LR_FLOOR. */
#define SG_TRAIN_DEFAULT_LR_PATIENCE 0
#define SG_TRAIN_LR_FLOOR (1.0 / 1024.0)
/* stall_epochs: "not learning" means the loss still holds this share of
 * the targets' variance. */
#define SG_TRAIN_STALL_SHARE 0.5
/* lbfgs stops ("converged") when the gradient norm falls below this. */
#define SG_TRAIN_DEFAULT_LBFGS_GTOL 1e-8
/* lbfgs also stops ("converged") when an iteration lowers the objective by
 * less than this share of its value (NLopt's ftol_rel).  3e-5: on
 * make bench-accuracy as accurate as 1e-5, and the brazing fit 2.6 -> 2.1 s;
 * 5e-5 and 1e-4 lost tables (doc/model.md). */
#define SG_TRAIN_DEFAULT_LBFGS_FTOL 3e-5
/* lbfgs: number of correction pairs of the limited-memory Hessian. */
#define SG_TRAIN_LBFGS_MEMORY 10
/* lbfgs_step and lbfgs_line_tol belonged to the earlier GSL backend; they
 * are still validated and stored in model files but no longer used. */
#define SG_TRAIN_DEFAULT_LBFGS_STEP 1e-2
/* lbfgs: line-search accuracy (GSL's tol; 0.1 is GSL's advice for bfgs2). */
#define SG_TRAIN_DEFAULT_LBFGS_LINE_TOL 0.1
/* Largest epochs value accepted by validation. */
#define SG_TRAIN_MAX_EPOCHS 100000000u

typedef struct sg_early_stopping {
    bool enabled;
    sg_monitor monitor;
    double min_delta; /* >= 0: a new best must beat the old by more than this */
    size_t patience;  /* > 0: stop after this many epochs without a new best */
    bool restore_best; /* sg_trainer_finish restores the best epoch's weights */
} sg_early_stopping;

typedef struct sg_train_config {
    sg_optimizer optimizer;
    double learning_rate; /* > 0; unused by lbfgs */
    size_t epochs;        /* > 0: hard limit on epochs (lbfgs: iterations) */
    size_t batch_size;    /* rows per update; 0 or >= n = full batch; unused by lbfgs */
    double momentum;      /* sgd: [0, 1) */
    bool nesterov;        /* sgd: Nesterov momentum (needs momentum > 0) */
    double beta1, beta2;  /* adam: [0, 1) */
    double epsilon;       /* adam/rmsprop: > 0 */
    double rho;           /* rmsprop: [0, 1) */
    double l1, l2;        /* >= 0: penalties on weights */
    uint64_t seed;        /* shuffling (and the caller's initialisation) */
    sg_early_stopping early_stopping;
    size_t lr_patience;    /* first-order: halve the step after this many epochs
                              without a new best (0 = constant step) */
    size_t stall_epochs;   /* > 0: stop (SG_STOP_STALLED) when after this many epochs the
                              training MSE is still above SG_TRAIN_STALL_SHARE of the
                              targets' variance: the run is not learning (0 = off) */
    double lbfgs_gtol;     /* > 0: gradient-norm tolerance */
    double lbfgs_ftol;     /* >= 0: relative loss decrease per iteration (0 = off) */
    double lbfgs_step;     /* > 0 */
    double lbfgs_line_tol; /* (0, 1) */
} sg_train_config;

/* Fill every field with its SG_TRAIN_DEFAULT_* value. */
sg_train_config sg_train_config_defaults(void);

/* Check every field; SG_ERR_INVALID with a message naming the field, e.g.
 * "learning_rate must be positive (got -0.1)". */
sg_status sg_train_config_validate(const sg_train_config *cfg, sg_error *err);

typedef enum sg_stop_reason {
    SG_STOP_NONE = 0,   /* still running */
    SG_STOP_MAX_EPOCHS, /* the epochs limit was reached */
    SG_STOP_EARLY,      /* early stopping: no improvement for `patience` epochs */
    SG_STOP_CONVERGED,  /* lbfgs: gradient norm below lbfgs_gtol, relative loss
                           decrease of an iteration below lbfgs_ftol, or no
                           further progress possible (round-off) */
    SG_STOP_DIVERGED,   /* loss became NaN or infinite */
    SG_STOP_STALLED     /* stall_epochs passed with the loss still near the variance */
} sg_stop_reason;

/* "running", "max_epochs", "early_stopping", "converged", "diverged",
 * "stalled". */
const char *sg_stop_reason_name(sg_stop_reason r);

/* State after one epoch. */
typedef struct sg_train_info {
    size_t epoch;             /* 1-based number of the epoch just finished */
    double train_loss;        /* see top of file */
    double val_loss;          /* NAN without validation rows */
    double best_loss;         /* best monitored loss so far */
    size_t best_epoch;        /* epoch of best_loss (0 = none yet) */
    double learning_rate;     /* step of the epoch just finished (first-order) */
    bool done;                /* no further step will change anything */
    sg_stop_reason reason;    /* why done (SG_STOP_NONE while running) */
} sg_train_info;

typedef struct sg_trainer sg_trainer;

/* Prepare training of net (borrowed, modified in place by each step; its
 * current parameters are the starting point — initialise it first).
 * X (n, n_in), T (n, n_out), Xval (n_val, n_in), Tval (n_val, n_out) are
 * borrowed and must outlive the trainer; n > 0; n_val may be 0 (then Xval,
 * Tval may be NULL).  cfg is validated and copied.  Caller owns *out. */
sg_status sg_trainer_create(sg_mlp *net, const double *X, const double *T, size_t n,
                            const double *Xval, const double *Tval, size_t n_val,
                            const sg_train_config *cfg, sg_trainer **out, sg_error *err);

/* Run one epoch (lbfgs: one iteration) and fill *info (may be NULL).  After
 * info.done further calls do nothing and repeat the last info.  A NaN or
 * infinite loss returns SG_ERR_NUMERIC ("training diverged at epoch E: ...")
 * with info.reason = SG_STOP_DIVERGED, after restoring the best (or last
 * finite) weights, so net never holds NaN. */
sg_status sg_trainer_step(sg_trainer *tr, sg_train_info *info, sg_error *err);

/* End training: restore the best weights if early_stopping.restore_best
 * (when early stopping is enabled).  May be called at any time, once or more. */
sg_status sg_trainer_finish(sg_trainer *tr, sg_error *err);

/* Latest state (same as the last step's info). */
sg_train_info sg_trainer_info(const sg_trainer *tr);

/* Free the trainer (not the network or data); NULL is a no-op. */
void sg_trainer_destroy(sg_trainer *tr);

/* Loss history from sg_train: n_epochs entries each, caller frees with
 * sg_train_history_destroy. */
typedef struct sg_train_history {
    size_t n_epochs;
    double *train_loss; /* n_epochs */
    double *val_loss;   /* n_epochs, NAN without validation rows */
} sg_train_history;

/* Free the arrays (not the struct) and zero it; NULL is a no-op. */
void sg_train_history_destroy(sg_train_history *h);

/* Called after every epoch with the caller's user pointer. */
typedef void (*sg_train_progress_fn)(void *user, const sg_train_info *info);

/* Train to completion: create, step until done, finish, destroy.
 * progress may be NULL; history (may be NULL) receives the per-epoch losses
 * (also on divergence, up to the failing epoch); final (may be NULL)
 * receives the last info. */
sg_status sg_train(sg_mlp *net, const double *X, const double *T, size_t n, const double *Xval,
                   const double *Tval, size_t n_val, const sg_train_config *cfg,
                   sg_train_progress_fn progress, void *user, sg_train_history *history,
                   sg_train_info *final, sg_error *err);

#endif
