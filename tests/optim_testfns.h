/* optim_testfns.h — analytic objectives and helpers shared by the optimiser
 * tests (tests/test_optim*.c) and the kriging test (test_gp.c). */
#ifndef SG_OPTIM_TESTFNS_H
#define SG_OPTIM_TESTFNS_H

#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

#include "optim/optim.h"

#define PI 3.14159265358979323846

static inline void setup(void) { gsl_set_error_handler_off(); }

/* ---- analytic test functions (value and gradient) -------------------- */
static inline double branin(void *u, const double *x, double *g)
{
    (void)u;
    const double a = 1, b = 5.1 / (4 * PI * PI), c = 5 / PI, r = 6, s = 10, t = 1 / (8 * PI);
    double q = x[1] - b * x[0] * x[0] + c * x[0] - r;
    if (g) {
        g[0] = 2 * a * q * (-2 * b * x[0] + c) - s * (1 - t) * sin(x[0]);
        g[1] = 2 * a * q;
    }
    return a * q * q + s * (1 - t) * cos(x[0]) + s;
}

static inline double camel(void *u, const double *x, double *g)
{
    (void)u;
    double x1 = x[0], x2 = x[1], x12 = x1 * x1;
    if (g) {
        g[0] = 8 * x1 - 8.4 * x12 * x1 + 2 * x12 * x12 * x1 + x2;
        g[1] = x1 - 8 * x2 + 16 * x2 * x2 * x2;
    }
    return (4 - 2.1 * x12 + x12 * x12 / 3) * x12 + x1 * x2 + (-4 + 4 * x2 * x2) * x2 * x2;
}

static inline double hartmann3(void *u, const double *x, double *g)
{
    (void)u;
    static const double al[4] = {1.0, 1.2, 3.0, 3.2};
    static const double A[4][3] = {{3, 10, 30}, {0.1, 10, 35}, {3, 10, 30}, {0.1, 10, 35}};
    static const double P[4][3] = {{0.3689, 0.1170, 0.2673},
                                   {0.4699, 0.4387, 0.7470},
                                   {0.1091, 0.8732, 0.5547},
                                   {0.03815, 0.5743, 0.8828}}; /* 0.03815: the variant whose minimum is -3.86278214782076 */
    double f = 0;
    if (g)
        g[0] = g[1] = g[2] = 0;
    for (int i = 0; i < 4; i++) {
        double s = 0;
        for (int j = 0; j < 3; j++)
            s += A[i][j] * (x[j] - P[i][j]) * (x[j] - P[i][j]);
        double e = al[i] * exp(-s);
        f -= e;
        if (g)
            for (int j = 0; j < 3; j++)
                g[j] += e * 2 * A[i][j] * (x[j] - P[i][j]);
    }
    return f;
}

static inline double rosen(void *u, const double *x, double *g)
{
    size_t n = u ? *(const size_t *)u : 4;
    double f = 0;
    if (g)
        memset(g, 0, n * sizeof *g);
    for (size_t i = 0; i + 1 < n; i++) {
        double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
        f += 100 * a * a + b * b;
        if (g) {
            g[i] += -400 * a * x[i] - 2 * b;
            g[i + 1] += 200 * a;
        }
    }
    return f;
}

static inline sg_optim_var box(double lb, double ub)
{
    sg_optim_var v;
    memset(&v, 0, sizeof v);
    v.lb = lb;
    v.ub = ub;
    return v;
}

/* minimise x^2 + y^2 subject to x + y >= 1  ->  (0.5, 0.5), f = 0.5 */
static inline double sphere2(void *u, const double *x, double *g)
{
    (void)u;
    if (g) {
        g[0] = 2 * x[0];
        g[1] = 2 * x[1];
    }
    return x[0] * x[0] + x[1] * x[1];
}

static inline double sum_ge_1(void *u, const double *x, double *g)
{
    (void)u;
    if (g)
        g[0] = g[1] = -1;
    return 1 - x[0] - x[1];
}

static inline void run_cfg(const sg_optim_problem *p, sg_optim_config *cfg, sg_optim_result **r)
{
    sg_error err;
    cr_assert_eq(sg_optim_run(p, cfg, r, &err), SG_OK, "%s", err.msg);
}

static inline double dist(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t i = 0; i < d; i++)
        s += (a[i] - b[i]) * (a[i] - b[i]);
    return sqrt(s);
}

#endif
