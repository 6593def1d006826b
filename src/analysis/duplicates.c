/* duplicates.c — runs with identical factor settings and different results. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "analysis/duplicates.h"

typedef struct row_ref {
    const double *x; /* factor settings of the row */
    size_t n_in;
    size_t row;
} row_ref;

static int cmp_rows(const void *a, const void *b)
{
    const row_ref *p = a, *q = b;
    for (size_t i = 0; i < p->n_in; i++) {
        if (p->x[i] < q->x[i])
            return -1;
        if (p->x[i] > q->x[i])
            return 1;
    }
    return (p->row > q->row) - (p->row < q->row); /* stable: by row */
}

static bool same_x(const row_ref *p, const row_ref *q)
{
    for (size_t i = 0; i < p->n_in; i++)
        if (p->x[i] != q->x[i])
            return false;
    return true;
}

size_t sg_duplicates_find(const double *X, size_t n_in, const double *Y, size_t n_out, size_t n,
                          sg_duplicate *out, size_t cap, sg_status *st)
{
    if (st)
        *st = SG_OK;
    if (n < 2)
        return 0;
    row_ref *r = malloc(n * sizeof *r);
    if (!r) {
        if (st)
            *st = SG_ERR_NOMEM;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        r[i] = (row_ref){X + i * n_in, n_in, i};
    qsort(r, n, sizeof *r, cmp_rows);
    size_t k = 0;
    for (size_t j = 0; j < n_out; j++) {
        for (size_t g = 0; g < n;) {
            size_t e = g + 1;
            while (e < n && same_x(&r[g], &r[e]))
                e++;
            double ya = Y[r[g].row * n_out + j];
            for (size_t t = g + 1; t < e; t++) {
                double yb = Y[r[t].row * n_out + j];
                double mag = fmax(fmax(fabs(ya), fabs(yb)), 1.0);
                if (!(fabs(ya - yb) > SG_DUPLICATES_REL * mag))
                    continue;
                if (k < cap)
                    out[k] = (sg_duplicate){r[g].row, r[t].row, j, ya, yb};
                k++;
            }
            g = e;
        }
    }
    free(r);
    return k;
}

/* Response j of row r as the scatter reads it; NAN when not defined. */
static double scatter_value(const double *Y, size_t n_out, size_t r, size_t j, bool in_log10)
{
    double v = Y[r * n_out + j];
    if (!in_log10)
        return v;
    return v > 0 ? log10(v) : NAN;
}

sg_status sg_duplicates_scatter(const double *X, size_t n_in, const double *Y, size_t n_out,
                                size_t n, size_t j, bool in_log10, double *sd, size_t *dof,
                                size_t *settings)
{
    *sd = 0.0;
    *dof = *settings = 0;
    if (n < 2)
        return SG_OK;
    row_ref *r = malloc(n * sizeof *r);
    if (!r)
        return SG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        r[i] = (row_ref){X + i * n_in, n_in, i};
    qsort(r, n, sizeof *r, cmp_rows);
    double ss = 0.0;
    for (size_t g = 0; g < n;) {
        size_t e = g + 1;
        while (e < n && same_x(&r[g], &r[e]))
            e++;
        /* deviations from the group's first value, so that equal values
         * scatter by exactly 0 */
        double first = NAN, mean = 0.0;
        size_t m = 0;
        for (size_t t = g; t < e; t++) {
            double v = scatter_value(Y, n_out, r[t].row, j, in_log10);
            if (!isfinite(v))
                continue;
            if (!m)
                first = v;
            mean += v - first;
            m++;
        }
        if (m >= 2) {
            mean /= (double)m;
            for (size_t t = g; t < e; t++) {
                double v = scatter_value(Y, n_out, r[t].row, j, in_log10);
                if (isfinite(v))
                    ss += (v - first - mean) * (v - first - mean);
            }
            *dof += m - 1;
            (*settings)++;
        }
        g = e;
    }
    free(r);
    if (*dof)
        *sd = sqrt(ss / (double)*dof);
    return SG_OK;
}
