/* tested.c — the best tested setting, replicates grouped (tested.h). */
#include "optim/tested.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double sg_tested_row_objective(const sg_tested_objective *o, const sg_table *t, size_t i)
{
    const sg_optimize_spec *sp = o->spec;
    if (!sp->weighted)
        return sg_optimize_spec_observed(sp, sp->response,
                                         sg_table_at(t, i, o->nf + sp->response));
    double v = 0.0;
    for (size_t j = 0; j < o->nr; j++)
        if (sp->weights[j] > 0)
            v += sp->weights[j] * (sg_optimize_spec_observed(sp, j, sg_table_at(t, i, o->nf + j)) -
                                   o->lo[j]) /
                 o->range[j];
    return v;
}

/* A table row's factor settings for sorting rows into replicate groups. */
typedef struct row_key {
    const double *x;
    size_t nf, row;
} row_key;

/* Lexicographic on the settings, then by row: replicates end up together,
 * the first row of the table first. */
static int cmp_settings(const void *a, const void *b)
{
    const row_key *p = a, *q = b;
    for (size_t j = 0; j < p->nf; j++)
        if (p->x[j] != q->x[j])
            return p->x[j] < q->x[j] ? -1 : 1;
    return (p->row > q->row) - (p->row < q->row);
}

/* One setting: the rows keys[a..b) with the same factor values. */
typedef struct group {
    double value;   /* mean measured objective (NAN: none) */
    bool feasible;  /* the means of the constraint responses meet every constraint */
    size_t m;       /* rows with a measured objective */
    size_t rows[SG_TESTED_ROWS_LISTED];
} group;

static group score_group(const sg_tested_objective *o, const sg_table *t, const row_key *keys,
                         size_t a, size_t b)
{
    const sg_optimize_spec *sp = o->spec;
    group g = {.value = NAN, .feasible = true};
    double sum = 0, con_sum[SG_OPTSPEC_MAX_CONS] = {0};
    size_t con_n[SG_OPTSPEC_MAX_CONS] = {0};
    for (size_t k = a; k < b; k++) {
        size_t i = keys[k].row;
        double y = sg_tested_row_objective(o, t, i);
        if (isfinite(y)) {
            if (g.m < SG_TESTED_ROWS_LISTED)
                g.rows[g.m] = i;
            sum += y;
            g.m++;
        }
        for (size_t c = 0; c < sp->n_cons; c++) {
            double v = sg_optimize_spec_con_observed(
                sp, c, sg_table_at(t, i, o->nf + sp->cons[c].response));
            if (isfinite(v)) {
                con_sum[c] += v;
                con_n[c]++;
            }
        }
    }
    for (size_t c = 0; c < sp->n_cons; c++) {
        double v = con_n[c] ? con_sum[c] / (double)con_n[c] : NAN;
        if (!isfinite(v) || (sp->cons[c].ge ? v < sp->cons[c].bound : v > sp->cons[c].bound))
            g.feasible = false;
    }
    if (g.m)
        g.value = sum / (double)g.m;
    return g;
}

/* Each response's mean over keys[a..b) into means (NAN: no value). */
static void group_means(const sg_tested_objective *o, const sg_table *t, const row_key *keys,
                        size_t a, size_t b, double *means)
{
    for (size_t j = 0; j < o->nr; j++) {
        double sum = 0;
        size_t m = 0;
        for (size_t k = a; k < b; k++) {
            double v = sg_table_at(t, keys[k].row, o->nf + j);
            if (isfinite(v)) {
                sum += v;
                m++;
            }
        }
        means[j] = m ? sum / (double)m : NAN;
    }
}

static bool better(const sg_tested_objective *o, double a, double b)
{
    return o->spec->sense == SG_OPTIM_MAXIMIZE ? a > b : a < b;
}

sg_status sg_tested_best_find(const sg_tested_objective *o, const sg_table *t,
                              bool every_setting, sg_tested_best *out, sg_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = t ? t->n_rows : 0;
    if (n == 0)
        return SG_OK;
    row_key *keys = malloc(n * sizeof *keys);
    if (!keys)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory grouping the runs");
    for (size_t i = 0; i < n; i++)
        keys[i] = (row_key){t->x + i * t->n_cols, o->nf, i};
    qsort(keys, n, sizeof *keys, cmp_settings);
    size_t best_a = 0, best_b = 0;
    for (size_t a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && memcmp(keys[a].x, keys[b].x, o->nf * sizeof *keys[a].x) == 0;
             b++)
            ;
        group g = score_group(o, t, keys, a, b);
        bool inside = sg_optimize_spec_inside(o->spec, keys[a].x);
        if (inside)
            out->rows_inside_box += g.m;
        else
            out->rows_outside_box += g.m;
        if (g.m == 0 || !g.feasible || (!inside && !every_setting))
            continue;
        if (out->found && !better(o, g.value, out->value) &&
            !(g.value == out->value && g.rows[0] < out->row))
            continue;
        out->found = true;
        out->row = g.rows[0];
        out->value = g.value;
        out->reps = g.m;
        memcpy(out->rows, g.rows, sizeof g.rows);
        best_a = a;
        best_b = b;
    }
    if (out->found)
        group_means(o, t, keys, best_a, best_b, out->means);
    free(keys);
    return SG_OK;
}
