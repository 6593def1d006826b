/* test_optim.c — the optimiser core on analytic objectives with known
 * optima, constraints, fixed/step/level variables, determinism across
 * thread counts, statistics, clustering and every validation error. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "optim.h"

#define PI 3.14159265358979323846

static void setup(void) { gsl_set_error_handler_off(); }

/* ---- analytic test functions (value and gradient) -------------------- */
static double branin(const double *x, double *g, void *u)
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

static double camel(const double *x, double *g, void *u)
{
    (void)u;
    double x1 = x[0], x2 = x[1], x12 = x1 * x1;
    if (g) {
        g[0] = 8 * x1 - 8.4 * x12 * x1 + 2 * x12 * x12 * x1 + x2;
        g[1] = x1 - 8 * x2 + 16 * x2 * x2 * x2;
    }
    return (4 - 2.1 * x12 + x12 * x12 / 3) * x12 + x1 * x2 + (-4 + 4 * x2 * x2) * x2 * x2;
}

static double hartmann3(const double *x, double *g, void *u)
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

static double rosen(const double *x, double *g, void *u)
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

static sg_optim_var box(double lb, double ub)
{
    sg_optim_var v;
    memset(&v, 0, sizeof v);
    v.lb = lb;
    v.ub = ub;
    return v;
}

/* ---- known global minima with default settings ----------------------- */
typedef struct known_case {
    const char *name;
    sg_optim_func f;
    size_t d;
    double lb[4], ub[4];
    double fmin;
    double xmin[4];     /* one minimiser (nearest is checked when several) */
    double xalt[2][4];  /* further minimisers, NAN = none */
    int gradient;
} known_case;

static const known_case known[] = {
    {"branin", branin, 2, {-5, 0}, {10, 15}, 0.397887357729738, {-PI, 12.275},
     {{PI, 2.275}, {3 * PI, 2.475}}, 0},
    {"camel", camel, 2, {-3, -2}, {3, 2}, -1.031628453489877, {0.0898420131003, -0.7126564030207},
     {{-0.0898420131003, 0.7126564030207}, {NAN}}, 0},
    {"hartmann3", hartmann3, 3, {0, 0, 0}, {1, 1, 1}, -3.86278214782076, {0.114614, 0.555649, 0.852547},
     {{NAN}, {NAN}}, 0},
    {"rosenbrock4", rosen, 4, {-2.048, -2.048, -2.048, -2.048}, {2.048, 2.048, 2.048, 2.048}, 0, {1, 1, 1, 1},
     {{NAN}, {NAN}}, 0},
};

static double dist(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t i = 0; i < d; i++)
        s += (a[i] - b[i]) * (a[i] - b[i]);
    return sqrt(s);
}

static void check_known(const known_case *kc, int gradient)
{
    sg_optim_var v[4];
    for (size_t i = 0; i < kc->d; i++)
        v[i] = box(kc->lb[i], kc->ub[i]);
    sg_optim_problem p = {.d = kc->d, .vars = v, .f = kc->f, .has_gradient = gradient};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    sg_optim_result *r = NULL;
    sg_error err;
    cr_assert_eq(sg_optim_run(&p, &cfg, &r, &err), SG_OK, "%s: %s", kc->name, err.msg);
    cr_assert(r->feasible);
    cr_expect(fabs(r->best_f - kc->fmin) < 1e-6, "%s (grad %d): f %.12g vs %.12g", kc->name, gradient,
              r->best_f, kc->fmin);
    double dm = dist(r->best_x, kc->xmin, kc->d);
    for (int a = 0; a < 2; a++)
        if (!isnan(kc->xalt[a][0]))
            dm = fmin(dm, dist(r->best_x, kc->xalt[a], kc->d));
    cr_expect(dm < 1e-3, "%s: minimiser off by %g", kc->name, dm);
    cr_expect_eq(r->n_starts, SG_OPTIM_DEFAULT_STARTS);
    cr_expect(r->stats.n_reach_best >= 1);
    sg_optim_result_free(r);
}

Test(optim, known_minima_default_settings, .init = setup)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        check_known(&known[i], 0);
}

Test(optim, known_minima_with_gradients, .init = setup)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        check_known(&known[i], 1);
}
