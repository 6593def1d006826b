/* scale.h — per-column scaling of factor and response columns.
 *
 * A scaler is fitted on the TRAINING rows only and stored with the model, so
 * prediction applies exactly the same affine map:  s = (x - shift) / width.
 *   minmax  shift = min, width = max - min   (training columns map to [0,1])
 *   zscore  shift = mean, width = sample sd   (n - 1 denominator)
 *   none    shift = 0,   width = 1
 * A constant column (width 0 or below SG_SCALE_MIN_WIDTH relative to its
 * magnitude) gets width 1 so it maps to 0 instead of dividing by zero.
 * The scaler is a plain value type (fixed-size arrays are not needed: the
 * caller owns shift/width arrays through sg_scaler_create/destroy).
 */
#ifndef SG_SCALE_H
#define SG_SCALE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* Relative width below which a column counts as constant. */
#define SG_SCALE_MIN_WIDTH 1e-12
/* Width given to a factor input that is constant in the training rows
 * (model.c): sg_scaler_forward maps every setting of such a "flat" column
 * to 0 and sg_scaler_dforward gives 0, so the network's answer does not
 * depend on a factor no run varied. */
#define SG_SCALE_FLAT_WIDTH 1e300

typedef enum sg_scale_kind {
    SG_SCALE_MINMAX = 0, /* default */
    SG_SCALE_ZSCORE,
    SG_SCALE_NONE
} sg_scale_kind;

typedef struct sg_scaler {
    sg_scale_kind kind;
    size_t n_cols;
    double *shift; /* (n_cols) */
    double *width; /* (n_cols), > 0 */
} sg_scaler;

/* "minmax", "zscore", "none". */
const char *sg_scale_kind_name(sg_scale_kind kind);
/* Parse a kind name; SG_ERR_INVALID naming the text when unknown. */
sg_status sg_scale_kind_parse(const char *name, sg_scale_kind *out, sg_error *err);

/* New identity scaler of n_cols columns (kind none); caller destroys it. */
sg_scaler *sg_scaler_create(size_t n_cols);
/* Free a scaler; NULL is a no-op. */
void sg_scaler_destroy(sg_scaler *s);
/* Deep copy; NULL on allocation failure. */
sg_scaler *sg_scaler_copy(const sg_scaler *s);

/* Fit s (already created with n_cols columns) to the n rows of X selected by
 * rows (NULL = all rows 0..n-1); X is (n_total, ld) row-major and the
 * scaled columns are X[r*ld + col0 .. col0+n_cols).  n >= 1 (zscore with
 * n == 1 uses width 1).  Non-finite values give SG_ERR_NUMERIC. */
sg_status sg_scaler_fit(sg_scaler *s, sg_scale_kind kind, const double *X, size_t ld,
                        size_t col0, const size_t *rows, size_t n, sg_error *err);

/* Scale one row in place: v (n_cols) engineering units -> scaled. */
void sg_scaler_forward(const sg_scaler *s, double *v);
/* Undo the scaling of one row in place: scaled -> engineering units. */
void sg_scaler_inverse(const sg_scaler *s, double *v);
/* Derivative d(scaled)/d(engineering) of column j: 1 / width[j].
 * Chain rule: dy/dx_eng = dy/ds * sg_scaler_dforward(s, j). */
double sg_scaler_dforward(const sg_scaler *s, size_t j);
/* Derivative d(engineering)/d(scaled) of column j: width[j]. */
double sg_scaler_dinverse(const sg_scaler *s, size_t j);

/* Whether a factor's n settings x[i * stride] are spaced by ratios rather
 * than by differences (a rate set to 0.001, 0.01, ..., 10): every setting
 * above 0, the largest at least SG_SCALE_LOG_MIN_RATIO times the smallest,
 * and the settings spread more evenly over log10 of their range than over
 * the range itself (the smaller Kolmogorov distance to a uniform spread; a
 * tie stays linear).  *decades: log10(largest / smallest), 0 unless every
 * setting is above 0.  work: caller's room for n values. */
#define SG_SCALE_LOG_MIN_RATIO 10.0
bool sg_scale_log_spaced(const double *x, size_t n, size_t stride, double *work,
                         double *decades);

#endif
