/* describe.h — descriptive statistics of the columns of a table (GSL).
 *
 * Inputs are row-major matrices X of shape (n_rows, n_cols); statistics are
 * in the units of the data.  Nothing here allocates memory the caller must
 * free except the workspace-free helpers' outputs, which the caller provides.
 */
#ifndef SG_DESCRIBE_H
#define SG_DESCRIBE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* A column is constant when max - min <= SG_CONSTANT_RTOL * max(|min|, |max|)
 * (exactly equal values for typical data; absorbs last-digit noise). */
#define SG_CONSTANT_RTOL 1e-12

/* Summary of one column.  sd is the sample standard deviation (n - 1 in the
 * denominator; 0 when n == 1).  Quartiles use GSL's linear interpolation
 * between order statistics (type 7, as R's default and Excel's QUARTILE.INC). */
typedef struct sg_col_stats {
    size_t n;
    double mean, sd, min, q1, median, q3, max;
    bool constant;
} sg_col_stats;

/* Statistics of each column of X (n_rows, n_cols) into out[n_cols].
 * n_rows must be >= 1.  Allocates one temporary column internally. */
sg_status sg_describe_columns(const double *x, size_t n_rows, size_t n_cols,
                              sg_col_stats *out, sg_error *err);

/* Pearson correlation matrix of the columns of X (n_rows, n_cols) into
 * r (n_cols, n_cols) row-major.  defined[i*n_cols+j] (may be NULL) is false
 * when column i or j is constant (or n_rows < 2); r is then set to 0 — never
 * NaN.  The diagonal is 1 for non-constant columns. */
sg_status sg_describe_correlation(const double *x, size_t n_rows, size_t n_cols,
                                double *r, bool *defined, sg_error *err);

#endif
