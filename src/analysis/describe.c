#include "analysis/describe.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

static bool is_constant(double lo, double hi)
{
    double scale = fmax(fabs(lo), fabs(hi));
    return hi - lo <= SG_CONSTANT_RTOL * scale;
}

/* The mean as the sum over n, corrected by the mean of the deviations: exact
 * for settings such as -6, 0, 6 (GSL's running mean leaves -5e-20 there,
 * which the Statistics table printed). */
static double mean_of(const double *v, size_t n)
{
    double sum = 0.0, dev = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    double m = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        dev += v[i] - m;
    return m + dev / (double)n;
}

sg_status sg_describe_columns(const double *x, size_t n_rows, size_t n_cols,
                              sg_col_stats *out, sg_error *err)
{
    if (n_rows == 0)
        return sg_error_set(err, SG_ERR_INVALID, "describe: no rows");
    if (n_cols == 0)
        return SG_OK;
    double *col = malloc(n_rows * sizeof *col);
    if (!col)
        return sg_error_set(err, SG_ERR_NOMEM, "describe: out of memory");
    for (size_t j = 0; j < n_cols; j++) {
        for (size_t i = 0; i < n_rows; i++) {
            double v = x[i * n_cols + j];
            if (!isfinite(v)) {
                free(col);
                return sg_error_set(err, SG_ERR_NUMERIC,
                                    "describe: non-finite value at row %zu, column %zu", i + 1,
                                    j + 1);
            }
            col[i] = v;
        }
        sg_col_stats *s = &out[j];
        s->n = n_rows;
        s->mean = mean_of(col, n_rows);
        s->sd = n_rows > 1 ? gsl_stats_sd_m(col, 1, n_rows, s->mean) : 0.0;
        gsl_sort(col, 1, n_rows);
        s->min = col[0];
        s->max = col[n_rows - 1];
        s->q1 = gsl_stats_quantile_from_sorted_data(col, 1, n_rows, 0.25);
        s->median = gsl_stats_median_from_sorted_data(col, 1, n_rows);
        s->q3 = gsl_stats_quantile_from_sorted_data(col, 1, n_rows, 0.75);
        s->constant = is_constant(s->min, s->max);
        if (s->constant)
            s->sd = 0.0;
    }
    free(col);
    return SG_OK;
}

sg_status sg_describe_correlation(const double *x, size_t n_rows, size_t n_cols,
                                double *r, bool *defined, sg_error *err)
{
    if (n_cols == 0)
        return SG_OK;
    sg_col_stats *st = malloc(n_cols * sizeof *st);
    if (!st)
        return sg_error_set(err, SG_ERR_NOMEM, "correlation: out of memory");
    if (n_rows > 0) {
        sg_status s = sg_describe_columns(x, n_rows, n_cols, st, err);
        if (s != SG_OK) {
            free(st);
            return s;
        }
    }
    for (size_t i = 0; i < n_cols; i++) {
        for (size_t j = 0; j < n_cols; j++) {
            bool ok = n_rows >= 2 && !st[i].constant && !st[j].constant;
            double v = 0.0;
            if (ok && i == j)
                v = 1.0;
            else if (ok && j < i)
                v = r[j * n_cols + i];
            else if (ok)
                v = gsl_stats_correlation(x + i, n_cols, x + j, n_cols, n_rows);
            if (ok && !isfinite(v)) {
                ok = false;
                v = 0.0;
            }
            r[i * n_cols + j] = v;
            if (defined)
                defined[i * n_cols + j] = ok;
        }
    }
    free(st);
    return SG_OK;
}
