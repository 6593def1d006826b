/* optim_snap.c — realisable settings: snap the continuous optimum of
 * step- and level-valued variables to values that can be set on real
 * equipment, keeping constraints satisfied. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optim/optim.h"
#include "optim/optim_internal.h"

/* A step grid lb + k*step includes ub when ub is within this fraction of a
 * step of a grid point (absorbs round-off in (ub - lb) / step). */
#define SG_OPTIM_STEP_ROUND_TOL 1e-9

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

size_t sg_optim_var_n_values(const sg_optim_var *v)
{
    if (v->n_levels > 0)
        return v->n_levels;
    /* Counted in double and checked before the cast: a tiny step (1e-20)
     * gives a count far beyond any size_t, and NaN fails the test too. */
    double n = floor((v->ub - v->lb) / v->step + SG_OPTIM_STEP_ROUND_TOL) + 1;
    if (!(n >= 1 && n <= (double)SG_OPTIM_MAX_STEP_VALUES))
        return SIZE_MAX;
    return (size_t)n;
}

static double value_at(const sg_optim_var *v, const double *sorted_levels, size_t k)
{
    return v->n_levels > 0 ? sorted_levels[k] : v->lb + (double)k * v->step;
}

/* Index of the largest value <= x, or SIZE_MAX when x is below every value. */
static size_t floor_index(const sg_optim_var *v, const double *lev, size_t nv, double x)
{
    if (v->n_levels == 0) {
        double k = floor((x - v->lb) / v->step);
        if (!(k >= 0))
            return SIZE_MAX;
        size_t i = k < (double)nv ? (size_t)k : nv - 1;
        while (i + 1 < nv && value_at(v, lev, i + 1) <= x) /* round-off in the division */
            i++;
        while (i > 0 && value_at(v, lev, i) > x)
            i--;
        return value_at(v, lev, i) <= x ? i : SIZE_MAX;
    }
    size_t i = SIZE_MAX;
    for (size_t k = 0; k < nv; k++)
        if (lev[k] <= x)
            i = k;
    return i;
}

/* Largest scaled constraint value: how far x is from feasible. */
static double violation(const double *g, const double *g_scale, size_t m)
{
    double v = -INFINITY;
    for (size_t i = 0; i < m; i++)
        v = fmax(v, g[i] / g_scale[i]);
    return v;
}

sg_status sg_optim_snap(const sg_optim_problem *p, const sg_optim_config *cfg, sg_eval_ctx *ec, sg_optim_result *r,
                        double *work, sg_error *err)
{
    sg_optim_realisable *rz = &r->realisable;
    size_t d = p->d, m = p->n_cons, k = 0;
    double sg = p->sense == SG_OPTIM_MAXIMIZE ? -1.0 : 1.0;
    rz->f = NAN;
    rz->loss = NAN;
    for (size_t j = 0; j < d; j++)
        if (!p->vars[j].has_fixed && (p->vars[j].step > 0 || p->vars[j].n_levels > 0))
            k++;
    if (k == 0)
        return SG_OK;
    rz->needed = 1;
    if (!r->best_x)
        return SG_OK;

    size_t nlev = 0;
    for (size_t j = 0; j < d; j++)
        nlev += p->vars[j].n_levels;
    size_t *dim = calloc(k, sizeof *dim), *nc = calloc(k, sizeof *nc), *pos = calloc(k, sizeof *pos);
    size_t *first = calloc(k, sizeof *first), *levoff = calloc(k, sizeof *levoff);
    double *lev = calloc(nlev + 1, sizeof *lev), *g = calloc(m + 1, sizeof *g);
    sg_status st = SG_OK;
    if (!dim || !nc || !pos || !first || !levoff || !lev || !g) {
        st = sg_error_set(err, SG_ERR_NOMEM, "snapping: out of memory");
        goto done;
    }
    /* Discrete variables, their sorted level lists, and the grid size. */
    size_t grid = 1, off = 0, q = 0;
    int grid_small = 1;
    for (size_t j = 0; j < d; j++) {
        const sg_optim_var *v = &p->vars[j];
        if (v->has_fixed || !(v->step > 0 || v->n_levels > 0))
            continue;
        dim[q] = j;
        levoff[q] = off;
        if (v->n_levels > 0) {
            memcpy(lev + off, v->levels, v->n_levels * sizeof *lev);
            qsort(lev + off, v->n_levels, sizeof *lev, cmp_double);
            off += v->n_levels;
        }
        size_t nv = sg_optim_var_n_values(v);
        if (grid_small && nv <= cfg->grid_max / grid)
            grid *= nv;
        else
            grid_small = 0;
        q++;
    }
    rz->enumerated_grid = grid_small && grid <= cfg->grid_max;
    if (!rz->enumerated_grid && k > SG_OPTIM_MAX_DISCRETE) {
        st = sg_error_set(err, SG_ERR_LIMIT,
                          "snapping: %zu step/level variables exceed the limit of %d for neighbour search", k,
                          SG_OPTIM_MAX_DISCRETE);
        goto done;
    }
    /* Candidate index range per variable: the whole list, or the values
     * just below and above the continuous optimum. */
    for (q = 0; q < k; q++) {
        const sg_optim_var *v = &p->vars[dim[q]];
        const double *lv = lev + levoff[q];
        size_t nv = sg_optim_var_n_values(v);
        if (rz->enumerated_grid) {
            first[q] = 0;
            nc[q] = nv;
            continue;
        }
        double x = r->best_x[dim[q]];
        size_t lo = floor_index(v, lv, nv, x);
        if (lo == SIZE_MAX) {
            first[q] = 0;
            nc[q] = 1;
        } else if (value_at(v, lv, lo) == x || lo + 1 >= nv) {
            first[q] = lo;
            nc[q] = 1;
        } else {
            first[q] = lo;
            nc[q] = 2;
        }
    }
    /* Odometer over the candidate combinations; continuous variables stay
     * at their continuous optimum. */
    double *x = work, *bx = (double *)rz->x, *bg = (double *)rz->g;
    double least_violation = INFINITY; /* among the infeasible, for rz->closest */
    memcpy(x, r->best_x, d * sizeof *x);
    for (;;) {
        for (q = 0; q < k; q++)
            x[dim[q]] = value_at(&p->vars[dim[q]], lev + levoff[q], first[q] + pos[q]);
        double f = p->f(ec->user, x, NULL);
        int ok = isfinite(f);
        for (size_t i = 0; i < m; i++) {
            g[i] = p->cons[i].g(ec->user, x, NULL);
            if (!(g[i] <= cfg->feas_tol * r->g_scale[i]))
                ok = 0;
        }
        rz->n_evaluated++;
        double v = violation(g, r->g_scale, m);
        if (!ok && !rz->found && !r->feasible && isfinite(f) &&
            (v < least_violation || (v == least_violation && sg * f < sg * rz->f))) {
            least_violation = v; /* the closest realisable point so far */
            rz->closest = 1;
            rz->f = f;
            memcpy(bx, x, d * sizeof *x);
            memcpy(bg, g, m * sizeof *g);
        }
        if (!ok)
            rz->n_infeasible++;
        else if (!rz->found || sg * f < sg * rz->f) {
            rz->closest = 0;
            rz->found = 1;
            rz->f = f;
            memcpy(bx, x, d * sizeof *x);
            memcpy(bg, g, m * sizeof *g);
        }
        for (q = 0; q < k; q++) {
            if (++pos[q] < nc[q])
                break;
            pos[q] = 0;
        }
        if (q == k)
            break;
    }
    if (rz->found || rz->closest)
        rz->loss = sg * (rz->f - r->best_f);
done:
    free(dim);
    free(nc);
    free(pos);
    free(first);
    free(levoff);
    free(lev);
    free(g);
    return st;
}
