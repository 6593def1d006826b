/* test_optim.c — the optimiser core on analytic objectives with known
 * optima, constraints, fixed/step/level variables, determinism across
 * thread counts, statistics, clustering and every validation error. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
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

/* ---- constraints ------------------------------------------------------ */
/* minimise x^2 + y^2 subject to x + y >= 1  ->  (0.5, 0.5), f = 0.5 */
static double sphere2(const double *x, double *g, void *u)
{
    (void)u;
    if (g) {
        g[0] = 2 * x[0];
        g[1] = 2 * x[1];
    }
    return x[0] * x[0] + x[1] * x[1];
}

static double sum_ge_1(const double *x, double *g, void *u)
{
    (void)u;
    if (g)
        g[0] = g[1] = -1;
    return 1 - x[0] - x[1];
}

typedef struct con_case {
    const char *global, *local;
    int gradient;
    const char *want_global, *want_local;
} con_case;

static const con_case con_cases[] = {
    {NULL, NULL, 0, "AUGLAG(GN_DIRECT_L)", "LN_COBYLA"},   /* defaults */
    {"", "LN_COBYLA", 0, "", "LN_COBYLA"},                  /* handles constraints itself */
    {"", "LN_BOBYQA", 0, "", "AUGLAG(LN_BOBYQA)"},          /* needs AUGLAG */
    {"", "LN_SBPLX", 0, "", "AUGLAG(LN_SBPLX)"},
    {"", "LD_SLSQP", 1, "", "LD_SLSQP"},
    {"", "LD_MMA", 1, "", "LD_MMA"},
    {"", "LD_LBFGS", 1, "", "AUGLAG(LD_LBFGS)"},
    {"GN_ISRES", "LN_COBYLA", 0, "GN_ISRES", "LN_COBYLA"},
};

Test(optim, constrained_known_answer, .init = setup)
{
    sg_optim_var v[2] = {box(-2.3, 3.1), box(-1.7, 2.9)};
    sg_optim_constraint c = {"x + y >= 1", sum_ge_1};
    for (size_t k = 0; k < sizeof con_cases / sizeof con_cases[0]; k++) {
        const con_case *cc = &con_cases[k];
        sg_optim_problem p = {.d = 2, .vars = v, .f = sphere2, .cons = &c, .n_cons = 1,
                              .has_gradient = cc->gradient};
        sg_optim_config cfg;
        sg_optim_config_default(&cfg);
        cfg.starts = 8;
        if (cc->global)
            cfg.global.algorithm = cc->global;
        if (cc->local)
            cfg.local.algorithm = cc->local;
        sg_optim_result *r = NULL;
        sg_error err;
        cr_assert_eq(sg_optim_run(&p, &cfg, &r, &err), SG_OK, "case %zu: %s", k, err.msg);
        cr_expect_str_eq(r->global_alg, cc->want_global, "case %zu", k);
        cr_expect_str_eq(r->local_alg, cc->want_local, "case %zu", k);
        cr_assert(r->feasible, "case %zu", k);
        cr_expect(fabs(r->best_f - 0.5) < 1e-6, "case %zu (%s): f %.10g", k, r->local_alg, r->best_f);
        cr_expect(fabs(r->best_x[0] - 0.5) < 1e-3 && fabs(r->best_x[1] - 0.5) < 1e-3,
                  "case %zu: x (%g, %g)", k, r->best_x[0], r->best_x[1]);
        cr_expect(r->best_g[0] <= cfg.feas_tol);
        cr_expect_eq(r->active_con[0], 1, "case %zu", k);
        cr_expect_eq(r->active_bound[0], 0);
        sg_optim_result_free(r);
    }
}

/* Infeasible: x + y >= 10 cannot hold in [0,3]^2; x <= 2.5 can. */
static double sum_ge_10(const double *x, double *g, void *u)
{
    (void)g;
    (void)u;
    return 10 - x[0] - x[1];
}
static double x_le_2_5(const double *x, double *g, void *u)
{
    (void)g;
    (void)u;
    return x[0] - 2.5;
}

Test(optim, infeasible_problem_reports_closest_point, .init = setup)
{
    sg_optim_var v[2] = {box(0, 3), box(0, 3)};
    sg_optim_constraint c[2] = {{"x + y >= 10", sum_ge_10}, {"x <= 2.5", x_le_2_5}};
    sg_optim_problem p = {.d = 2, .vars = v, .f = sphere2, .cons = c, .n_cons = 2};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.starts = 6;
    sg_optim_result *r = NULL;
    sg_error err;
    cr_assert_eq(sg_optim_run(&p, &cfg, &r, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(r->feasible, 0);
    cr_assert_lt(r->best_start, r->n_starts);
    cr_expect_eq(r->most_violated, 0);
    cr_expect_gt(r->starts[r->best_start].max_violation, 3.9);
    cr_expect_geq(r->min_g[0], 4.0 - 1e-9);  /* x + y <= 6 in the box */
    cr_expect_eq(r->best_g[0], 10 - r->best_x[0] - r->best_x[1]);
    cr_expect_eq(r->least_violated, r->best_g[1] > 0 ? 1u : 0u);
    cr_expect_eq(r->stats.n, 0);
    cr_expect_eq(r->n_clusters, 0);
    sg_optim_result_free(r);
}

/* ---- fixed variables -------------------------------------------------- */
Test(optim, fixed_variables_are_exact, .init = setup)
{
    sg_optim_var v[4] = {box(-2.048, 2.048), box(-2.048, 2.048), box(-2.048, 2.048), box(-2.048, 2.048)};
    v[2].has_fixed = 1;
    v[2].fixed = 0.7364;
    sg_optim_problem p = {.d = 4, .vars = v, .f = rosen};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.starts = 8;
    sg_optim_result *r = NULL;
    sg_error err;
    cr_assert_eq(sg_optim_run(&p, &cfg, &r, &err), SG_OK, "%s", err.msg);
    for (size_t i = 0; i < r->n_starts; i++) {
        cr_expect_eq(r->starts[i].x[2], 0.7364);
        cr_expect_eq(r->starts[i].x0[2], 0.7364);
    }
    cr_expect_eq(r->active_bound[2], 0);
    /* With x3 = 0.7364 the optimum of the rest is below f(1,1,0.7364,1). */
    double ref[4] = {1, 1, 0.7364, 1};
    cr_expect_lt(r->best_f, rosen(ref, NULL, NULL));
    sg_optim_result_free(r);
}

Test(optim, all_variables_fixed_evaluates_once, .init = setup)
{
    sg_optim_var v[2] = {box(-5, 10), box(0, 15)};
    v[0].has_fixed = v[1].has_fixed = 1;
    v[0].fixed = 3.2;
    v[1].fixed = 2.1;
    sg_optim_problem p = {.d = 2, .vars = v, .f = branin};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.starts = 3;
    sg_optim_result *r = NULL;
    sg_error err;
    cr_assert_eq(sg_optim_run(&p, &cfg, &r, &err), SG_OK, "%s", err.msg);
    double x[2] = {3.2, 2.1};
    cr_expect_eq(r->best_f, branin(x, NULL, NULL));
    cr_expect_eq(r->starts[0].evals, 0);
    cr_expect_str_eq(r->starts[0].stop_reason, "SUCCESS");
    sg_optim_result_free(r);
}

/* ---- step and level snapping ----------------------------------------- */
/* Continuous optimum (1.37, 2.91); x on a 0.5 grid from 0, y in levels. */
static double bowl(const double *x, double *g, void *u)
{
    (void)u;
    if (g) {
        g[0] = 2 * (x[0] - 1.37);
        g[1] = 6 * (x[1] - 2.91);
    }
    return (x[0] - 1.37) * (x[0] - 1.37) + 3 * (x[1] - 2.91) * (x[1] - 2.91);
}
static double sum_le_4_6(const double *x, double *g, void *u)
{
    (void)u;
    if (g)
        g[0] = g[1] = 1;
    return x[0] + x[1] - 4.6;
}
static double y_near_2_91(const double *x, double *g, void *u)
{
    (void)u;
    if (g) {
        g[0] = 0;
        g[1] = 2 * (x[1] - 2.91);
    }
    return (x[1] - 2.91) * (x[1] - 2.91) - 0.0025;
}

typedef struct snap_case {
    size_t grid_max;
    int con;            /* 0 none, 1 x + y <= 4.6, 2 |y - 2.91| <= 0.05 */
    int found;
    double x, y;
    size_t n_evaluated;
    int enumerated;
} snap_case;

static const double y_levels[4] = {4.0, 2.5, 1.0, 3.2}; /* unsorted on purpose */

static const snap_case snap_cases[] = {
    {1, 0, 1, 1.5, 3.2, 4, 0},    /* 2^2 neighbours */
    {4096, 0, 1, 1.5, 3.2, 44, 1}, /* whole grid: 11 x 4 */
    {1, 1, 1, 1.0, 3.2, 4, 0},    /* best neighbour infeasible -> next best */
    {4096, 1, 1, 1.0, 3.2, 44, 1},
    {1, 2, 0, 0, 0, 4, 0},        /* no realisable point is feasible */
};

Test(optim, step_and_level_snapping, .init = setup)
{
    for (size_t k = 0; k < sizeof snap_cases / sizeof snap_cases[0]; k++) {
        const snap_case *sc = &snap_cases[k];
        sg_optim_var v[3] = {box(0, 5.2), box(0.5, 4.5), box(-1, 1)};
        v[0].step = 0.5;
        v[1].levels = y_levels;
        v[1].n_levels = 4;
        v[2].has_fixed = 1;
        v[2].fixed = -0.25;
        sg_optim_constraint c[2] = {{"x + y <= 4.6", sum_le_4_6}, {"|y - 2.91| <= 0.05", y_near_2_91}};
        sg_optim_problem p = {.d = 3, .vars = v, .f = bowl, .has_gradient = 1,
                              .cons = sc->con ? &c[sc->con - 1] : NULL, .n_cons = sc->con ? 1 : 0};
        sg_optim_config cfg;
        sg_optim_config_default(&cfg);
        cfg.starts = 4;
        cfg.grid_max = sc->grid_max;
        sg_optim_result *r = NULL;
        sg_error err;
        cr_assert_eq(sg_optim_run(&p, &cfg, &r, &err), SG_OK, "case %zu: %s", k, err.msg);
        cr_expect(fabs(r->best_x[0] - 1.37) < 1e-5 && fabs(r->best_x[1] - 2.91) < 1e-5, "case %zu", k);
        const sg_optim_realisable *rz = &r->realisable;
        cr_expect_eq(rz->needed, 1);
        cr_expect_eq(rz->found, sc->found, "case %zu", k);
        cr_expect_eq(rz->n_evaluated, sc->n_evaluated, "case %zu: %zu", k, rz->n_evaluated);
        cr_expect_eq(rz->enumerated_grid, sc->enumerated, "case %zu", k);
        if (sc->found) {
            cr_expect_eq(rz->x[0], sc->x, "case %zu: x %.17g", k, rz->x[0]);  /* exact */
            cr_expect_eq(rz->x[1], sc->y, "case %zu: y %.17g", k, rz->x[1]);
            cr_expect_eq(rz->x[2], -0.25);
            double want = bowl(rz->x, NULL, NULL);
            cr_expect_eq(rz->f, want);
            cr_expect(fabs(rz->loss - (want - r->best_f)) < 1e-15);
            cr_expect_gt(rz->loss, 0);
        } else {
            cr_expect_eq(rz->n_infeasible, rz->n_evaluated);
        }
        if (sc->con == 1)
            cr_expect_geq(rz->n_infeasible, 1);
        sg_optim_result_free(r);
    }
}

static double quad1(const double *x, double *g, void *u)
{
    (void)u;
    if (g)
        g[0] = 2 * (x[0] - 0.731);
    return (x[0] - 0.731) * (x[0] - 0.731);
}

Test(optim, step_snaps_exactly_to_grid, .init = setup)
{
    sg_optim_var v[1] = {box(0.1, 0.95)};
    v[0].step = 0.15;
    sg_optim_problem p = {.d = 1, .vars = v, .f = quad1};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.starts = 3;
    for (int grid = 0; grid < 2; grid++) {
        cfg.grid_max = grid ? 100 : 1;
        sg_optim_result *r = NULL;
        sg_error err;
        cr_assert_eq(sg_optim_run(&p, &cfg, &r, &err), SG_OK, "%s", err.msg);
        cr_expect_eq(r->realisable.x[0], 0.1 + 4 * 0.15); /* 0.7: nearer than 0.85 */
        cr_expect_eq(r->realisable.n_evaluated, grid ? 6u : 2u); /* 0.1 .. 0.85 */
        sg_optim_result_free(r);
    }
}

/* ---- determinism: serial == parallel ---------------------------------- */
static void run_cfg(const sg_optim_problem *p, sg_optim_config *cfg, sg_optim_result **r)
{
    sg_error err;
    cr_assert_eq(sg_optim_run(p, cfg, r, &err), SG_OK, "%s", err.msg);
}

static void expect_same(const sg_optim_result *a, const sg_optim_result *b, const char *what)
{
    cr_assert_eq(a->n_starts, b->n_starts);
    size_t nd = a->n_starts * (2 * a->d + a->n_cons);
    cr_expect_eq(memcmp(a->mem_, b->mem_, nd * sizeof(double)), 0, "%s: points differ", what);
    for (size_t i = 0; i < a->n_starts; i++) {
        cr_expect_eq(memcmp(&a->starts[i].f, &b->starts[i].f, sizeof(double)), 0, "%s: f[%zu]", what, i);
        cr_expect_eq(a->starts[i].evals, b->starts[i].evals, "%s: evals[%zu]", what, i);
        cr_expect_eq(a->starts[i].nlopt_code, b->starts[i].nlopt_code, "%s", what);
    }
    cr_expect_eq(memcmp(&a->stats, &b->stats, sizeof a->stats), 0, "%s: stats", what);
    cr_expect_eq(a->n_clusters, b->n_clusters, "%s", what);
}

typedef struct det_case {
    const char *global, *sub;
    sg_optim_global_mode mode;
} det_case;

static const det_case det_cases[] = {
    {NULL, NULL, SG_OPTIM_GLOBAL_ONCE},
    {"GN_CRS2_LM", NULL, SG_OPTIM_GLOBAL_PER_START}, /* random: needs per-thread seeding */
    {"GN_ESCH", NULL, SG_OPTIM_GLOBAL_PER_START},
    {"GN_MLSL_LDS", "LN_SBPLX", SG_OPTIM_GLOBAL_PER_START},
    {"GN_ISRES", NULL, SG_OPTIM_GLOBAL_PER_START},
};

Test(optim, same_seed_serial_and_two_threads_identical, .init = setup)
{
    sg_optim_var v[2] = {box(-3, 3), box(-2, 2)};
    sg_optim_constraint c = {"x + y >= 1", sum_ge_1};
    for (size_t k = 0; k < sizeof det_cases / sizeof det_cases[0]; k++) {
        for (int con = 0; con < 2; con++) {
            sg_optim_problem p = {.d = 2, .vars = v, .f = camel, .cons = &c, .n_cons = (size_t)con};
            sg_optim_config cfg;
            sg_optim_config_default(&cfg);
            cfg.starts = 7;
            cfg.seed = 987654321u;
            cfg.global_mode = det_cases[k].mode;
            if (det_cases[k].global) {
                cfg.global.algorithm = det_cases[k].global;
                cfg.global.max_eval = 400;
            }
            cfg.global.sub_algorithm = det_cases[k].sub;
            sg_optim_result *a = NULL, *b = NULL, *c2 = NULL;
            cfg.threads = 1;
            run_cfg(&p, &cfg, &a);
            cfg.threads = 2;
            run_cfg(&p, &cfg, &b);
            run_cfg(&p, &cfg, &c2);
            cr_expect_eq(a->threads, 1u);
            cr_expect_eq(b->threads, 2u);
            expect_same(a, b, det_cases[k].global ? det_cases[k].global : "default");
            expect_same(b, c2, "repeat");
            cr_expect(fabs(a->best_f - (con ? a->best_f : -1.031628453489877)) < 1e-6, "case %zu: %.12g", k,
                      a->best_f);
            sg_optim_result_free(a);
            sg_optim_result_free(b);
            sg_optim_result_free(c2);
        }
    }
}

Test(optim, different_seed_changes_start_points, .init = setup)
{
    sg_optim_var v[2] = {box(-3, 3), box(-2, 2)};
    sg_optim_problem p = {.d = 2, .vars = v, .f = camel};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.starts = 4;
    sg_optim_result *a = NULL, *b = NULL;
    run_cfg(&p, &cfg, &a);
    cfg.seed ^= 0x1234567u;
    run_cfg(&p, &cfg, &b);
    cr_expect_neq(memcmp(a->starts[1].x0, b->starts[1].x0, 2 * sizeof(double)), 0);
    for (size_t i = 0; i < a->n_starts; i++)
        for (int j = 0; j < 2; j++) {
            cr_expect(a->starts[i].x0[j] >= v[j].lb && a->starts[i].x0[j] <= v[j].ub);
            cr_expect(b->starts[i].x0[j] >= v[j].lb && b->starts[i].x0[j] <= v[j].ub);
        }
    cr_expect(fabs(a->best_f - b->best_f) < 1e-9);
    sg_optim_result_free(a);
    sg_optim_result_free(b);
}

/* ---- distinct optima -------------------------------------------------- */
Test(optim, branin_three_minimisers_are_three_clusters, .init = setup)
{
    sg_optim_var v[2] = {box(-5, 10), box(0, 15)};
    sg_optim_problem p = {.d = 2, .vars = v, .f = branin};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    sg_optim_result *r = NULL;
    run_cfg(&p, &cfg, &r);
    const double xs[3][2] = {{-PI, 12.275}, {PI, 2.275}, {3 * PI, 2.475}};
    int seen[3] = {0, 0, 0};
    size_t n_global = 0, total = 0;
    for (size_t c = 0; c < r->n_clusters; c++) {
        total += r->clusters[c].count;
        if (c > 0)
            cr_expect_geq(r->clusters[c].f, r->clusters[c - 1].f); /* sorted best first */
        if (fabs(r->clusters[c].f - 0.397887357729738) > 1e-6)
            continue;
        n_global++;
        for (int m = 0; m < 3; m++)
            if (dist(r->clusters[c].x, xs[m], 2) < 1e-3)
                seen[m]++;
    }
    cr_expect_eq(n_global, 3u, "clusters at the global minimum: %zu", n_global);
    cr_expect(seen[0] == 1 && seen[1] == 1 && seen[2] == 1);
    cr_expect_eq(total, r->stats.n);
    cr_expect_eq(r->stats.n_reach_best, r->clusters[0].count + r->clusters[1].count + r->clusters[2].count);
    sg_optim_result_free(r);
}

/* ---- statistics ------------------------------------------------------- */
Test(optim, stats_on_known_set, .init = setup)
{
    /* Hand-computed: sorted 1.7, 1.7000001, 2.9, 3.1, 4.4, 5.3. */
    const double f[6] = {3.1, 1.7, 5.3, 1.7000001, 4.4, 2.9};
    sg_optim_stats s;
    sg_error err;
    cr_assert_eq(sg_optim_stats_compute(f, 6, 8, SG_OPTIM_MINIMIZE, 1e-6, 0, &s, &err), SG_OK);
    double mean = (3.1 + 1.7 + 5.3 + 1.7000001 + 4.4 + 2.9) / 6, ss = 0;
    for (int i = 0; i < 6; i++)
        ss += (f[i] - mean) * (f[i] - mean);
    cr_expect(fabs(s.mean - mean) < 1e-14);
    cr_expect(fabs(s.sd - sqrt(ss / 5)) < 1e-14);
    cr_expect_eq(s.best, 1.7);
    cr_expect_eq(s.worst, 5.3);
    cr_expect(fabs(s.median - 3.0) < 1e-14);
    cr_expect(fabs(s.q1 - (1.7000001 + 0.25 * (2.9 - 1.7000001))) < 1e-14); /* (n-1)p = 1.25 */
    cr_expect(fabs(s.q3 - (3.1 + 0.75 * (4.4 - 3.1))) < 1e-14);            /* 3.75 */
    cr_expect_eq(s.n_reach_best, 2u);
    cr_expect_eq(s.frac_reach_best, 0.25);
    cr_assert_eq(sg_optim_stats_compute(f, 6, 6, SG_OPTIM_MAXIMIZE, 0, 0.2, &s, &err), SG_OK);
    cr_expect_eq(s.best, 5.3);
    cr_expect_eq(s.worst, 1.7);
    cr_expect_eq(s.n_reach_best, 2u); /* 5.3 and 4.4 within 1.06 */
    cr_assert_eq(sg_optim_stats_compute(f, 1, 1, SG_OPTIM_MINIMIZE, 0, 0, &s, &err), SG_OK);
    cr_expect_eq(s.sd, 0);
    cr_expect_eq(s.median, 3.1);
    cr_assert_eq(sg_optim_stats_compute(f, 0, 3, SG_OPTIM_MINIMIZE, 0, 0, &s, &err), SG_OK);
    cr_expect(isnan(s.best));
    cr_expect_eq(sg_optim_stats_compute(f, 6, 5, SG_OPTIM_MINIMIZE, 0, 0, &s, &err), SG_ERR_INVALID);
    const double bad[2] = {1, NAN};
    cr_expect_eq(sg_optim_stats_compute(bad, 2, 2, SG_OPTIM_MINIMIZE, 0, 0, &s, &err), SG_ERR_NUMERIC);
}

/* ---- algorithm names and stop reasons --------------------------------- */
Test(optim, unknown_algorithm_lists_valid_ones, .init = setup)
{
    sg_error err;
    int alg = -1;
    cr_expect_eq(sg_optim_algorithm_parse("GN_DIRECT_L", &alg, &err), SG_OK);
    cr_expect_geq(alg, 0);
    cr_expect_eq(sg_optim_algorithm_parse("nlopt_ld_slsqp", &alg, &err), SG_OK);
    cr_expect_eq(sg_optim_algorithm_parse("GN_DIRECTL", &alg, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "\"GN_DIRECTL\""));
    const char *must[] = {"GN_DIRECT_L", "GN_CRS2_LM", "GN_ISRES", "GN_ESCH", "GN_MLSL_LDS", "LN_BOBYQA",
                          "LN_COBYLA", "LN_SBPLX", "LN_NELDERMEAD", "LD_LBFGS", "LD_SLSQP", "LD_MMA"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
        cr_expect(strstr(err.msg, must[i]), "%s missing from: %s", must[i], err.msg);
        cr_expect_eq(sg_optim_algorithm_parse(must[i], NULL, NULL), SG_OK, "%s", must[i]);
    }
    cr_expect_eq(sg_optim_algorithm_parse(NULL, &alg, &err), SG_ERR_INVALID);

    /* The same through a run, for each stage. */
    sg_optim_var v[2] = {box(-5, 10), box(0, 15)};
    sg_optim_problem p = {.d = 2, .vars = v, .f = branin};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.local.algorithm = "LN_BOBYQAA";
    sg_optim_result *r = (sg_optim_result *)&cfg;
    cr_expect_eq(sg_optim_run(&p, &cfg, &r, &err), SG_ERR_INVALID);
    cr_expect_null(r);
    cr_expect(strstr(err.msg, "local.algorithm") && strstr(err.msg, "LD_MMA"), "%s", err.msg);
}

Test(optim, stop_reason_names_and_failures, .init = setup)
{
    const struct {
        int code;
        const char *name;
        int failure;
    } t[] = {{1, "SUCCESS", 0},          {2, "STOPVAL_REACHED", 0},  {3, "FTOL_REACHED", 0},
             {4, "XTOL_REACHED", 0},     {5, "MAXEVAL_REACHED", 0},  {6, "MAXTIME_REACHED", 0},
             {-1, "FAILURE", 1},         {-2, "INVALID_ARGS", 1},    {-3, "OUT_OF_MEMORY", 1},
             {-4, "ROUNDOFF_LIMITED", 0}, {-5, "FORCED_STOP", 1},     {99, "UNKNOWN", 0}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        cr_expect_str_eq(sg_optim_stop_reason(t[i].code), t[i].name);
        cr_expect_eq(sg_optim_stop_is_failure(t[i].code), t[i].failure, "%d", t[i].code);
        cr_expect_neq(strlen(sg_optim_stop_text(t[i].code)), 0);
    }
    cr_expect_str_eq(sg_optim_stop_text(5), "stopped at max evaluations");
}

Test(optim, max_eval_is_a_result_not_a_failure, .init = setup)
{
    sg_optim_var v[4] = {box(-2.048, 2.048), box(-2.048, 2.048), box(-2.048, 2.048), box(-2.048, 2.048)};
    sg_optim_problem p = {.d = 4, .vars = v, .f = rosen};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.starts = 3;
    cfg.global.algorithm = "";
    cfg.local.max_eval = 17;
    sg_optim_result *r = NULL;
    run_cfg(&p, &cfg, &r);
    for (size_t i = 0; i < r->n_starts; i++) {
        cr_expect_str_eq(r->starts[i].stop_reason, "MAXEVAL_REACHED");
        cr_expect_eq(r->starts[i].failed, 0);
        cr_expect_eq(r->starts[i].ran_global, 0);
        cr_expect_leq(r->starts[i].evals, 17);
    }
    cr_expect_str_eq(r->global_alg, "");
    sg_optim_result_free(r);
    /* Converged runs report a tolerance. */
    sg_optim_config_default(&cfg);
    cfg.starts = 2;
    run_cfg(&p, &cfg, &r);
    cr_expect(strcmp(r->starts[1].stop_reason, "XTOL_REACHED") == 0 ||
              strcmp(r->starts[1].stop_reason, "FTOL_REACHED") == 0 ||
              strcmp(r->starts[1].stop_reason, "SUCCESS") == 0, "%s", r->starts[1].stop_reason);
    cr_expect_eq(r->starts[0].ran_global, 1);
    cr_expect_eq(r->starts[1].ran_global, 0);
    sg_optim_result_free(r);
}

/* NaN outside the unit disc: starts that wander there fail cleanly. */
static double nan_outside(const double *x, double *g, void *u)
{
    (void)g;
    (void)u;
    double r2 = x[0] * x[0] + x[1] * x[1];
    return r2 > 1.0 ? NAN : (x[0] - 2.0) * (x[0] - 2.0) + x[1] * x[1];
}

Test(optim, nonfinite_objective_is_a_failure, .init = setup)
{
    sg_optim_var v[2] = {box(-3, 3), box(-3, 3)};
    sg_optim_problem p = {.d = 2, .vars = v, .f = nan_outside};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.starts = 5;
    cfg.global.algorithm = "";
    sg_optim_result *r = NULL;
    run_cfg(&p, &cfg, &r);
    size_t nfail = 0;
    for (size_t i = 0; i < r->n_starts; i++)
        if (r->starts[i].failed) {
            nfail++;
            cr_expect_str_eq(r->starts[i].stop_reason, "FORCED_STOP");
            cr_expect_eq(r->starts[i].feasible, 0);
        }
    cr_expect_gt(nfail, 0u);
    cr_expect_eq(r->stats.n + nfail, r->n_starts);
    sg_optim_result_free(r);
}

/* ---- validation errors ------------------------------------------------ */
typedef struct bad_case {
    const char *what;
    int field; /* which mutation */
    sg_status status;
    const char *needle;
} bad_case;

static const bad_case bad_cases[] = {
    {"inverted bounds", 0, SG_ERR_INVALID, "vars[1] (temperature): lb (1150) must not exceed ub (1090)"},
    {"fixed outside", 1, SG_ERR_INVALID, "vars[2] (hold): fixed value 45 is outside the bounds [20, 40]"},
    {"zero starts", 2, SG_ERR_INVALID, "starts must be at least 1"},
    {"step > range", 3, SG_ERR_INVALID, "vars[0] (thickness): step (150) is larger than the range"},
    {"nonfinite bound", 4, SG_ERR_INVALID, "vars[3] (cooling): bounds must be finite"},
    {"no variables", 5, SG_ERR_INVALID, "d: the problem has no variables"},
    {"no objective", 6, SG_ERR_INVALID, "f: the objective callback is missing"},
    {"level outside", 7, SG_ERR_INVALID, "vars[0] (thickness): level 170 is outside"},
    {"fixed and step", 8, SG_ERR_INVALID, "vars[0] (thickness): use only one of fixed, step and levels"},
    {"max_eval", 9, SG_ERR_INVALID, "local.max_eval (0) must be positive"},
    {"max_time", 10, SG_ERR_INVALID, "global.max_time (0 s) must be positive"},
    {"xtol", 11, SG_ERR_INVALID, "local.xtol_rel (-1) must be >= 0"},
    {"cons NULL", 12, SG_ERR_INVALID, "cons is NULL but n_cons is 2"},
    {"ctx half", 13, SG_ERR_INVALID, "thread_ctx_create and thread_ctx_destroy must be given together"},
    {"gradient", 14, SG_ERR_INVALID, "local.algorithm: LD_SLSQP needs gradients"},
    {"local as global", 15, SG_ERR_INVALID, "global.algorithm: LN_BOBYQA is a local algorithm"},
    {"negative step", 16, SG_ERR_INVALID, "vars[0] (thickness): step (-5) must be positive"},
    {"duplicate level", 17, SG_ERR_INVALID, "level 100 is listed twice"},
    {"too many dims", 18, SG_ERR_LIMIT, "exceed the limit of 40"},
    {"feas_tol", 19, SG_ERR_INVALID, "feas_tol (-1) must be"},
    {"constraint NULL", 20, SG_ERR_INVALID, "cons[0] (stress <= 450): the constraint callback is missing"},
    {"mlsl sub", 21, SG_ERR_INVALID, "global.sub_algorithm: GN_ESCH is a global algorithm"},
};

static void *ctx_create_dummy(void *u) { return u; }

Test(optim, validation_errors_name_the_field, .init = setup)
{
    static const double lev[3] = {50, 100, 170};
    static const double dup[3] = {50, 100, 100};
    for (size_t k = 0; k < sizeof bad_cases / sizeof bad_cases[0]; k++) {
        const bad_case *bc = &bad_cases[k];
        sg_optim_var v[4] = {box(50, 150), box(1090, 1150), box(20, 40), box(3, 7)};
        const char *names[4] = {"thickness", "temperature", "hold", "cooling"};
        for (int i = 0; i < 4; i++)
            v[i].name = names[i];
        sg_optim_constraint c[2] = {{"stress <= 450", sum_ge_1}, {"b", sum_ge_1}};
        sg_optim_problem p = {.d = 4, .vars = v, .f = rosen, .cons = c, .n_cons = 2};
        sg_optim_config cfg;
        sg_optim_config_default(&cfg);
        switch (bc->field) {
        case 0: v[1].lb = 1150; v[1].ub = 1090; break;
        case 1: v[2].has_fixed = 1; v[2].fixed = 45; break;
        case 2: cfg.starts = 0; break;
        case 3: v[0].step = 150; break;
        case 4: v[3].ub = INFINITY; break;
        case 5: p.d = 0; break;
        case 6: p.f = NULL; break;
        case 7: v[0].levels = lev; v[0].n_levels = 3; break;
        case 8: v[0].has_fixed = 1; v[0].fixed = 60; v[0].step = 10; break;
        case 9: cfg.local.max_eval = 0; break;
        case 10: cfg.global.max_time = 0; break;
        case 11: cfg.local.xtol_rel = -1; break;
        case 12: p.cons = NULL; break;
        case 13: p.thread_ctx_create = ctx_create_dummy; break;
        case 14: cfg.local.algorithm = "LD_SLSQP"; break;
        case 15: cfg.global.algorithm = "LN_BOBYQA"; break;
        case 16: v[0].step = -5; break;
        case 17: v[0].levels = dup; v[0].n_levels = 3; break;
        case 18: p.d = 41; break;
        case 19: cfg.feas_tol = -1; break;
        case 20: c[0].g = NULL; break;
        case 21: cfg.global.algorithm = "GN_MLSL_LDS"; cfg.global.sub_algorithm = "GN_ESCH"; break;
        }
        sg_error err;
        sg_error_clear(&err);
        cr_expect_eq(sg_optim_validate(&p, &cfg, &err), bc->status, "%s: %s", bc->what, err.msg);
        cr_expect(strstr(err.msg, bc->needle), "%s: got \"%s\"", bc->what, err.msg);
        sg_optim_result *r = NULL;
        cr_expect_eq(sg_optim_run(&p, &cfg, &r, NULL), bc->status, "%s", bc->what);
        cr_expect_null(r);
    }
    sg_error err;
    cr_expect_eq(sg_optim_validate(NULL, NULL, &err), SG_ERR_INVALID);
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cr_expect_eq(sg_optim_run(NULL, &cfg, NULL, &err), SG_ERR_INVALID);
    sg_optim_result_free(NULL);
}

/* ---- per-thread contexts and progress --------------------------------- */

typedef struct ctx_counter {
    pthread_mutex_t mu;
    int created, destroyed;
} ctx_counter;

typedef struct thread_ctx {
    unsigned magic;
    ctx_counter *owner;
    long calls;
} thread_ctx;

#define CTX_MAGIC 0x5EC7A11Du

static void *ctx_create(void *user)
{
    ctx_counter *cc = user;
    thread_ctx *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->magic = CTX_MAGIC;
    t->owner = cc;
    pthread_mutex_lock(&cc->mu);
    cc->created++;
    pthread_mutex_unlock(&cc->mu);
    return t;
}

static void ctx_destroy(void *ctx)
{
    thread_ctx *t = ctx;
    pthread_mutex_lock(&t->owner->mu);
    t->owner->destroyed++;
    pthread_mutex_unlock(&t->owner->mu);
    free(t);
}

static double camel_ctx(const double *x, double *g, void *u)
{
    thread_ctx *t = u;
    if (t->magic != CTX_MAGIC)
        return NAN;
    t->calls++; /* unsynchronised on purpose: one context per thread */
    return camel(x, g, NULL);
}

static void *ctx_create_fail(void *user)
{
    (void)user;
    return NULL;
}

typedef struct progress_log {
    size_t calls, last, total;
    int monotone;
} progress_log;

static void on_progress(size_t done, size_t total, void *ctx)
{
    progress_log *pl = ctx;
    if (done != pl->last + 1)
        pl->monotone = 0;
    pl->last = done;
    pl->total = total;
    pl->calls++;
}

Test(optim, thread_contexts_and_progress, .init = setup)
{
    ctx_counter cc = {.created = 0, .destroyed = 0};
    pthread_mutex_init(&cc.mu, NULL);
    sg_optim_var v[2] = {box(-3, 3), box(-2, 2)};
    sg_optim_problem p = {.d = 2, .vars = v, .f = camel_ctx, .user = &cc, .thread_ctx_create = ctx_create,
                          .thread_ctx_destroy = ctx_destroy};
    for (unsigned threads = 1; threads <= 2; threads++) {
        cc.created = cc.destroyed = 0;
        progress_log pl = {.monotone = 1};
        sg_optim_config cfg;
        sg_optim_config_default(&cfg);
        cfg.starts = 9;
        cfg.threads = threads;
        cfg.progress = on_progress;
        cfg.progress_ctx = &pl;
        sg_optim_result *r = NULL;
        run_cfg(&p, &cfg, &r);
        cr_expect(fabs(r->best_f + 1.031628453489877) < 1e-6);
        cr_expect_eq(cc.created, (int)threads);
        cr_expect_eq(cc.destroyed, (int)threads);
        cr_expect_eq(pl.calls, 9u);
        cr_expect_eq(pl.last, 9u);
        cr_expect_eq(pl.total, 9u);
        cr_expect(pl.monotone);
        sg_optim_result_free(r);
    }
    p.thread_ctx_create = ctx_create_fail;
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    sg_optim_result *r = NULL;
    sg_error err;
    cr_expect_eq(sg_optim_run(&p, &cfg, &r, &err), SG_ERR_NOMEM);
    cr_expect(strstr(err.msg, "thread_ctx_create"));
    cr_expect_null(r);
    pthread_mutex_destroy(&cc.mu);
}

/* ---- sense and active bounds ------------------------------------------ */
static double neg_branin(const double *x, double *g, void *u)
{
    double f = branin(x, g, u);
    if (g) {
        g[0] = -g[0];
        g[1] = -g[1];
    }
    return -f;
}

Test(optim, maximise_reports_in_callers_sense, .init = setup)
{
    sg_optim_var v[2] = {box(-5, 10), box(0, 15)};
    sg_optim_problem p = {.d = 2, .vars = v, .f = neg_branin, .sense = SG_OPTIM_MAXIMIZE, .has_gradient = 1};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    sg_optim_result *r = NULL;
    run_cfg(&p, &cfg, &r);
    cr_expect(fabs(r->best_f + 0.397887357729738) < 1e-6, "%.12g", r->best_f);
    cr_expect_eq(r->stats.best, r->best_f);
    cr_expect_leq(r->stats.worst, r->stats.best);
    cr_expect_leq(r->stats.q1, r->stats.q3);
    cr_expect_eq(r->clusters[0].f, r->best_f);
    sg_optim_result_free(r);
}

/* f = -1.7 x + (y - 0.3)^2 + z on [0,2] x [-1,1] x [0.5,4]: x at ub, y inside, z at lb. */
static double tilted(const double *x, double *g, void *u)
{
    (void)u;
    if (g) {
        g[0] = -1.7;
        g[1] = 2 * (x[1] - 0.3);
        g[2] = 1;
    }
    return -1.7 * x[0] + (x[1] - 0.3) * (x[1] - 0.3) + x[2];
}

Test(optim, active_bounds_listed, .init = setup)
{
    sg_optim_var v[3] = {box(0, 2), box(-1, 1), box(0.5, 4)};
    for (int grad = 0; grad < 2; grad++) {
        sg_optim_problem p = {.d = 3, .vars = v, .f = tilted, .has_gradient = grad};
        sg_optim_config cfg;
        sg_optim_config_default(&cfg);
        cfg.starts = 5;
        sg_optim_result *r = NULL;
        run_cfg(&p, &cfg, &r);
        cr_expect_eq(r->active_bound[0], 1);
        cr_expect_eq(r->active_bound[1], 0);
        cr_expect_eq(r->active_bound[2], -1);
        cr_expect(fabs(r->best_f - (-3.4 + 0.5)) < 1e-6, "%.12g", r->best_f);
        cr_expect_eq(r->realisable.needed, 0);
        sg_optim_result_free(r);
    }
}
