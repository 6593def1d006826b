#ifndef SG_MODEL_SIZING_H
#define SG_MODEL_SIZING_H
/*
 * Size-aware training defaults (issue 16): the rule that picks the network
 * width, optimiser, batch size, epochs, learning-rate schedule, early
 * stopping, ensemble size and validation plan from the shape of the
 * training table.  Pure function, no allocation.  The evidence for each
 * choice is in doc/model.md, "Size-aware defaults".
 *
 * Small tables (fewer than SG_SIZING_LARGE_ROWS rows) get plan.large = false
 * and keep the small-table settings (full-batch lbfgs, the fixed default
 * widths, five members): the brazing study's results are pinned on them.
 *
 * Large tables: full-batch lbfgs below SG_SIZING_ADAM_ROWS rows, mini-batch
 * adam whose step is halved on plateaus above; early stopping on a
 * validation share with best-weights restore, two hidden
 * layers whose width grows with log2(rows), and an epoch limit chosen so
 * that the row-gradient work of one training run (rows x epochs) grows at
 * most linearly in the rows.  Cross-validation switches from k-fold to one
 * hold-out share from SG_SIZING_HOLDOUT_ROWS rows so that the whole fit
 * costs a small multiple of one training run.
 */
#include <stdbool.h>
#include <stddef.h>

#define SG_SIZING_LARGE_ROWS 500u     /* rows from which plan.large is true */
#define SG_SIZING_HOLDOUT_ROWS 5000u  /* rows from which one hold-out replaces k-fold */
#define SG_SIZING_ADAM_ROWS 2000u     /* rows from which mini-batch adam replaces full-batch lbfgs */
#define SG_SIZING_LBFGS_EVALS 2500u   /* lbfgs: limit on loss evaluations */
#define SG_SIZING_LBFGS_PATIENCE 250u /* lbfgs: evaluations without a new best validation loss */
#define SG_SIZING_MIN_WIDTH 32u
#define SG_SIZING_MAX_WIDTH 128u
#define SG_SIZING_MAX_FIRST_WIDTH 128u
#define SG_SIZING_MIN_EPOCHS 30u
#define SG_SIZING_MAX_EPOCHS 1000u
/* Row-gradient evaluations of one training run (rows x epochs) the epoch
 * limit aims at: 4e6 = 400 epochs of 10,000 rows. */
#define SG_SIZING_ROW_PASSES 4000000.0

typedef struct sg_sizing_plan {
    bool large;              /* false: keep the small-table settings */
    bool lbfgs;              /* full-batch lbfgs (below SG_SIZING_ADAM_ROWS), else adam */
    size_t n_hidden;         /* hidden layers */
    size_t width;            /* units per hidden layer */
    size_t first_width;      /* units of the first hidden layer (>= width) */
    size_t second_width;     /* units of the second: width, or fewer after a wider first */
    double l2;               /* weight penalty: 0, early stopping regularises */
    size_t batch_size;       /* rows per adam update */
    size_t epochs;           /* hard limit */
    double learning_rate;    /* adam's initial step */
    size_t lr_patience;      /* epochs without a new best before the step is halved */
    double validation_share; /* share of rows held out for early stopping */
    size_t patience;         /* epochs without a new best before stopping */
    size_t ensemble;         /* members per network */
    size_t cv_folds;         /* k for k-fold; 0 = one hold-out of holdout_share */
    double holdout_share;    /* used when cv_folds == 0 */
} sg_sizing_plan;

/* The plan for a training table of n_rows rows, n_inputs factors and
 * n_outputs responses.  n_inputs and n_outputs of 0 count as 1. */
sg_sizing_plan sg_sizing_choose(size_t n_rows, size_t n_inputs, size_t n_outputs);
/* The large-table plan for n_rows rows whatever their number: what
 * sg_sizing_choose gives from SG_SIZING_LARGE_ROWS rows, and what a
 * mid-size table gets when its quick cross-validation prefers it
 * (regularize.h). */
sg_sizing_plan sg_sizing_large(size_t n_rows, size_t n_inputs, size_t n_outputs);

#endif
