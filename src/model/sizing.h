#ifndef SG_MODEL_SIZING_H
#define SG_MODEL_SIZING_H
/*
 * Size-aware training defaults (issue 16): the rule that picks the network
 * width, optimiser, batch size, epochs, early stopping and validation plan
 * from the shape of the training table.  Pure function, no allocation.
 *
 * Small tables (fewer than SG_SIZING_LARGE_ROWS rows) get plan.large = false
 * and the caller keeps today's settings unchanged (full-batch lbfgs, the
 * fixed default widths): the brazing study's results are pinned on them.
 *
 * Large tables: mini-batch adam with a step-decay learning rate, early
 * stopping on a validation share with best-weights restore, two hidden
 * layers whose width grows with log2(rows), and a number of epochs chosen
 * so that the number of row-gradient evaluations grows at most linearly in
 * the rows (the epochs fall as the rows grow, floored at
 * SG_SIZING_MIN_EPOCHS).  Cross-validation switches from k-fold to one
 * hold-out share above SG_SIZING_HOLDOUT_ROWS so that the whole fit costs a
 * small multiple of one training run.
 *
 * Status: the rule and its unit tests exist; model fitting does not call it
 * yet (see doc/model.md, "Size-aware defaults").
 */
#include <stdbool.h>
#include <stddef.h>

#define SG_SIZING_LARGE_ROWS 500u     /* rows from which plan.large is true */
#define SG_SIZING_HOLDOUT_ROWS 20000u /* rows from which one hold-out replaces k-fold */
#define SG_SIZING_MIN_WIDTH 32u
#define SG_SIZING_MAX_WIDTH 128u
#define SG_SIZING_MIN_EPOCHS 20u
#define SG_SIZING_MAX_EPOCHS 400u
/* Target row-gradient evaluations per training run (rows x epochs) below
 * which epochs are raised: 2e6 = about 200 epochs of 10,000 rows. */
#define SG_SIZING_ROW_PASSES 2000000.0

typedef struct sg_sizing_plan {
    bool large;             /* false: keep the small-table settings */
    size_t n_hidden;        /* hidden layers */
    size_t width;           /* units per hidden layer */
    size_t batch_size;      /* rows per adam update */
    size_t epochs;          /* hard limit */
    double learning_rate;   /* adam's initial step */
    size_t lr_decay_every;  /* epochs between learning-rate halvings */
    double validation_share; /* share of rows held out for early stopping */
    size_t patience;        /* epochs without a new best before stopping */
    size_t cv_folds;        /* k for k-fold; 0 = one hold-out of holdout_share */
    double holdout_share;   /* used when cv_folds == 0 */
} sg_sizing_plan;

/* The plan for a training table of n_rows rows, n_inputs factors and
 * n_outputs responses.  n_inputs and n_outputs of 0 count as 1. */
sg_sizing_plan sg_sizing_choose(size_t n_rows, size_t n_inputs, size_t n_outputs);

#endif
