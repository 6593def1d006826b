/* metrics.h — accuracy figures of predictions against observations.
 *
 * All figures are in the response's engineering unit except R² (unitless).
 * When a figure cannot be computed (R² of a constant response) its *_ok flag
 * is false and `reason` says why; the value is then 0, never NaN.
 */
#ifndef SG_METRICS_H
#define SG_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* Relative variance below which observations count as constant (R² undefined). */
#define SG_METRICS_CONST_REL 1e-24

typedef struct sg_metrics {
    size_t n;        /* number of rows */
    double r2;       /* 1 - SSE/SST; valid only if r2_ok */
    bool r2_ok;
    double rmse;     /* sqrt(mean squared error) */
    double mae;      /* mean absolute error */
    double max_abs;  /* largest absolute error */
    size_t max_row;  /* index (0-based) of the row with the largest error */
    char reason[96]; /* why r2 is not available, "" otherwise */
} sg_metrics;

/* Compute metrics of pred against obs, both (n) with the given strides
 * (in doubles).  n >= 1; non-finite values give SG_ERR_NUMERIC. */
sg_status sg_metrics_compute(const double *obs, size_t obs_stride, const double *pred,
                             size_t pred_stride, size_t n, sg_metrics *out, sg_error *err);

/* Accuracy of predicted probabilities of a pass/fail outcome (obs in {0,
 * 1}, prob the predicted probability of 1; a prediction counts as 1 when
 * prob >= 0.5). */
typedef struct sg_class_metrics {
    size_t n;
    double accuracy;          /* share predicted right */
    double balanced_accuracy; /* mean of the two classes' recall (each class counts
                                 alike however rare); the recall of the one class
                                 present when the other is absent */
    double log_loss;          /* mean -log p(observed), probabilities clipped to
                                 [1e-15, 1 - 1e-15] */
    double brier;             /* mean (prob - obs)^2 */
    size_t confusion[2][2];   /* [observed][predicted] counts */
} sg_class_metrics;

/* Class metrics of prob against obs, both (n) with the given strides.
 * SG_ERR_INVALID when an observation is not 0 or 1 or a probability is not
 * in [0, 1]. */
sg_status sg_class_metrics_compute(const double *obs, size_t obs_stride, const double *prob,
                                   size_t prob_stride, size_t n, sg_class_metrics *out,
                                   sg_error *err);

#endif
