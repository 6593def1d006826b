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

/* Split-conformal quantile of v (m >= 1 values, sorted in place): the
 * ceil((m+1)*level)-th smallest, or the largest when that exceeds m (then
 * *reachable = false; reachable may be NULL). */
double sg_metrics_conformal_quantile(double *v, size_t m, double level, bool *reachable);

/* Accuracy of predicted probabilities of a pass/fail outcome (obs in {0,
 * 1}, prob the predicted probability of 1; a prediction counts as 1 when
 * prob >= 0.5). */
/* Most classes the class figures hold (a class response's names). */
#define SG_CLASS_MAX 32

typedef struct sg_class_metrics {
    size_t n;
    size_t n_classes;         /* 2 (pass/fail) .. SG_CLASS_MAX */
    double accuracy;          /* share predicted right (the most probable class) */
    double balanced_accuracy; /* mean over the classes present of their recall (each
                                 class counts alike however rare) */
    double log_loss;          /* mean -log p(observed), probabilities clipped to
                                 [1e-15, 1 - 1e-15] */
    double brier;             /* pass/fail: mean (prob - obs)^2; classes: mean over rows
                                 of sum_c (p_c - [obs = c])^2 */
    size_t confusion[SG_CLASS_MAX][SG_CLASS_MAX]; /* [observed][predicted] counts */
} sg_class_metrics;

/* Class metrics of prob against obs, both (n) with the given strides.
 * SG_ERR_INVALID when an observation is not 0 or 1 or a probability is not
 * in [0, 1]. */
sg_status sg_class_metrics_compute(const double *obs, size_t obs_stride, const double *prob,
                                   size_t prob_stride, size_t n, sg_class_metrics *out,
                                   sg_error *err);

/* Class metrics of k >= 2 classes: obs (n, stride obs_stride) codes 0 ..
 * k-1, P (n rows of k probabilities, stride p_stride).  The prediction is
 * the most probable class.  SG_ERR_INVALID for a code out of range, a
 * probability outside [0, 1] or k outside 2 .. SG_CLASS_MAX. */
sg_status sg_class_metrics_compute_k(const double *obs, size_t obs_stride, const double *P,
                                     size_t p_stride, size_t k, size_t n,
                                     sg_class_metrics *out, sg_error *err);

#endif
