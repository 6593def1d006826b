#include "model/scale.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"minmax", "zscore", "none"};

const char *sg_scale_kind_name(sg_scale_kind kind)
{
    if ((int)kind < 0 || kind > SG_SCALE_NONE)
        return "unknown";
    return kind_names[kind];
}

sg_status sg_scale_kind_parse(const char *name, sg_scale_kind *out, sg_error *err)
{
    for (int k = 0; k <= SG_SCALE_NONE; k++) {
        if (name && strcmp(name, kind_names[k]) == 0) {
            *out = (sg_scale_kind)k;
            return SG_OK;
        }
    }
    return sg_error_set(err, SG_ERR_INVALID,
                        "unknown scaling '%s' (expected minmax, zscore or none)",
                        name ? name : "(null)");
}

sg_scaler *sg_scaler_create(size_t n_cols)
{
    sg_scaler *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->kind = SG_SCALE_NONE;
    s->n_cols = n_cols;
    s->shift = calloc(n_cols ? n_cols : 1, sizeof *s->shift);
    s->width = malloc((n_cols ? n_cols : 1) * sizeof *s->width);
    if (!s->shift || !s->width) {
        sg_scaler_destroy(s);
        return NULL;
    }
    for (size_t j = 0; j < n_cols; j++)
        s->width[j] = 1.0;
    return s;
}

void sg_scaler_destroy(sg_scaler *s)
{
    if (!s)
        return;
    free(s->shift);
    free(s->width);
    free(s);
}

sg_scaler *sg_scaler_copy(const sg_scaler *s)
{
    if (!s)
        return NULL;
    sg_scaler *c = sg_scaler_create(s->n_cols);
    if (!c)
        return NULL;
    c->kind = s->kind;
    memcpy(c->shift, s->shift, s->n_cols * sizeof *s->shift);
    memcpy(c->width, s->width, s->n_cols * sizeof *s->width);
    return c;
}

static double value_at(const double *X, size_t ld, size_t col, const size_t *rows, size_t i)
{
    size_t r = rows ? rows[i] : i;
    return X[r * ld + col];
}

sg_status sg_scaler_fit(sg_scaler *s, sg_scale_kind kind, const double *X, size_t ld,
                        size_t col0, const size_t *rows, size_t n, sg_error *err)
{
    if (!s || !X || n == 0)
        return sg_error_set(err, SG_ERR_INVALID, "scaler fit needs at least one row");
    if (kind < SG_SCALE_MINMAX || kind > SG_SCALE_NONE)
        return sg_error_set(err, SG_ERR_INVALID, "unknown scaling kind %d", (int)kind);
    s->kind = kind;
    for (size_t j = 0; j < s->n_cols; j++) {
        size_t col = col0 + j;
        double lo = INFINITY, hi = -INFINITY, mean = 0.0;
        for (size_t i = 0; i < n; i++) {
            double v = value_at(X, ld, col, rows, i);
            if (!isfinite(v))
                return sg_error_set(err, SG_ERR_NUMERIC,
                                    "column %zu, row %zu: value is not finite", col + 1,
                                    (rows ? rows[i] : i) + 1);
            if (v < lo)
                lo = v;
            if (v > hi)
                hi = v;
            mean += (v - mean) / (double)(i + 1); /* running mean, stable */
        }
        double shift = 0.0, width = 1.0;
        if (kind == SG_SCALE_MINMAX) {
            shift = lo;
            width = hi - lo;
        } else if (kind == SG_SCALE_ZSCORE) {
            double ss = 0.0;
            for (size_t i = 0; i < n; i++) {
                double d = value_at(X, ld, col, rows, i) - mean;
                ss += d * d;
            }
            shift = mean;
            width = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
        }
        double mag = fmax(fabs(lo), fabs(hi));
        if (kind != SG_SCALE_NONE && !(width > SG_SCALE_MIN_WIDTH * fmax(mag, 1.0)))
            width = 1.0; /* constant column: map to x - shift */
        s->shift[j] = shift;
        s->width[j] = width;
    }
    return SG_OK;
}

void sg_scaler_forward(const sg_scaler *s, double *v)
{
    for (size_t j = 0; j < s->n_cols; j++) /* a flat column is 0 exactly */
        v[j] = s->width[j] >= SG_SCALE_FLAT_WIDTH ? 0.0 : (v[j] - s->shift[j]) / s->width[j];
}

void sg_scaler_inverse(const sg_scaler *s, double *v)
{
    for (size_t j = 0; j < s->n_cols; j++)
        v[j] = v[j] * s->width[j] + s->shift[j];
}

double sg_scaler_dforward(const sg_scaler *s, size_t j)
{
    return s->width[j] >= SG_SCALE_FLAT_WIDTH ? 0.0 : 1.0 / s->width[j];
}

double sg_scaler_dinverse(const sg_scaler *s, size_t j)
{
    return s->width[j];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov distance between the sorted values v (n) mapped by
 * (v - lo) / (hi - lo) and a uniform spread over [0, 1]. */
static double distance_to_uniform(const double *v, size_t n, double lo, double hi)
{
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double u = (v[i] - lo) / (hi - lo);
        d = fmax(d, fmax((double)(i + 1) / (double)n - u, u - (double)i / (double)n));
    }
    return d;
}

bool sg_scale_log_spaced(const double *x, size_t n, size_t stride, double *work,
                         double *decades)
{
    *decades = 0.0;
    if (n < 2)
        return false;
    for (size_t i = 0; i < n; i++) {
        work[i] = x[i * stride];
        if (!(work[i] > 0) || !isfinite(work[i]))
            return false;
    }
    qsort(work, n, sizeof *work, cmp_double);
    double lo = work[0], hi = work[n - 1];
    *decades = log10(hi / lo);
    if (!(hi >= SG_SCALE_LOG_MIN_RATIO * lo))
        return false;
    double linear = distance_to_uniform(work, n, lo, hi);
    for (size_t i = 0; i < n; i++)
        work[i] = log10(work[i]);
    return distance_to_uniform(work, n, log10(lo), log10(hi)) < linear;
}
