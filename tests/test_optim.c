/* test_optim.c — the optimiser core on analytic objectives with known
 * optima: constraints, fixed/step/level variables, determinism across
 * thread counts, distinct optima.  API details and validation errors are
 * in test_optim_api.c. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "optim/optim.h"
#include "optim_testfns.h"
#include "table_test.h"

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
    sg_optim_result_destroy(r);
}

TableTest(known, i, optim, known_minima_default_settings, .init = setup)
{
    check_known(&known[i], 0);
}

TableTest(known, i, optim, known_minima_with_gradients, .init = setup)
{
    check_known(&known[i], 1);
}

/* ---- constraints ------------------------------------------------------ */
typedef struct con_case {
    const char *global, *local;
    int gradient;
    const char *want_global, *want_local;
} con_case;

static const con_case con_cases[] = {
    {NULL, NULL, 0, "GN_ISRES", "LN_COBYLA"},              /* defaults */
    {NULL, NULL, 1, "GN_ISRES", "LD_SLSQP"},
    {"GN_DIRECT_L", NULL, 0, "AUGLAG(GN_DIRECT_L)", "LN_COBYLA"},
    {"GN_MLSL_LDS", NULL, 0, "AUGLAG(GN_MLSL_LDS+LN_BOBYQA)", "LN_COBYLA"},
    {"", "LN_COBYLA", 0, "", "LN_COBYLA"},                  /* handles constraints itself */
    {"", "LN_BOBYQA", 0, "", "AUGLAG(LN_BOBYQA)"},          /* needs AUGLAG */
    {"", "LN_SBPLX", 0, "", "AUGLAG(LN_SBPLX)"},
    {"", "LD_SLSQP", 1, "", "LD_SLSQP"},
    {"", "LD_MMA", 1, "", "LD_MMA"},
    {"", "LD_LBFGS", 1, "", "AUGLAG(LD_LBFGS)"},
    {"GN_ISRES", "LN_COBYLA", 0, "GN_ISRES", "LN_COBYLA"},
};

TableTest(con_cases, k, optim, constrained_known_answer, .init = setup)
{
    sg_optim_var v[2] = {box(-2.3, 3.1), box(-1.7, 2.9)};
    sg_optim_constraint c = {"x + y >= 1", sum_ge_1};
    {
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
        sg_optim_result_destroy(r);
    }
}

/* Infeasible: x + y >= 10 cannot hold in [0,3]^2; x <= 2.5 can. */
static double sum_ge_10(void *u, const double *x, double *g)
{
    (void)g;
    (void)u;
    return 10 - x[0] - x[1];
}
static double x_le_2_5(void *u, const double *x, double *g)
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
    sg_optim_result_destroy(r);
}

/* ---- units far from 1 -------------------------------------------------- */
/* A stress in Pa over a thickness in metres and a load in newtons: 2.5e8 +
 * 1e8 ((t - 2e-4) / 1e-4)^2 + 1e8 ((L - 600) / 450)^2, optionally with
 * 1e8 ((L / 400)^3 - 1) <= 0 (L <= 400).  In the factors' own units
 * SLSQP failed on 31 of 32 starts of such a table. */
static double stress_pa(void *u, const double *x, double *g)
{
    (void)u;
    double a = (x[0] - 2e-4) / 1e-4, b = (x[1] - 600.0) / 450.0;
    if (g) {
        g[0] = 2e8 * a / 1e-4;
        g[1] = 2e8 * b / 450.0;
    }
    return 2.5e8 + 1e8 * (a * a + b * b);
}
static double load_le_400_pa(void *u, const double *x, double *g)
{
    (void)u;
    double q = x[1] / 400.0;
    if (g) {
        g[0] = 0.0;
        g[1] = 3e8 * q * q / 400.0;
    }
    return 1e8 * (q * q * q - 1.0);
}

Test(optim, factors_and_responses_far_from_unit_scale_converge_from_every_start,
     .init = setup)
{
    sg_optim_var v[2] = {box(1e-4, 3e-4), box(100, 1000)};
    sg_optim_constraint c[1] = {{"L <= 400, in Pa", load_le_400_pa}};
    for (size_t nc = 0; nc <= 1; nc++) {
        sg_optim_problem p = {.d = 2, .vars = v, .f = stress_pa, .cons = c, .n_cons = nc,
                              .has_gradient = 1};
        sg_optim_config cfg;
        sg_optim_config_default(&cfg);
        cfg.starts = 16;
        sg_optim_result *r = NULL;
        sg_error err;
        cr_assert_eq(sg_optim_run(&p, &cfg, &r, &err), SG_OK, "%zu: %s", nc, err.msg);
        double L = nc ? 400.0 : 600.0, b = (L - 600.0) / 450.0;
        for (size_t i = 0; i < r->n_starts; i++) {
            const sg_optim_start *st = &r->starts[i];
            cr_expect_eq(st->failed, 0, "%zu: start %zu %s", nc, i, st->stop_reason);
            cr_expect_eq(st->feasible, 1, "%zu: start %zu violates by %g", nc, i,
                         st->max_violation);
            double fstar = 2.5e8 + 1e8 * b * b;
            cr_expect_leq(fabs(st->f - fstar), 1e-7 * fstar, "%zu: start %zu: %.17g", nc, i,
                          st->f);
        }
        cr_expect_leq(fabs(r->best_x[0] - 2e-4), 1e-9, "%zu: %g", nc, r->best_x[0]);
        cr_expect_leq(fabs(r->best_x[1] - L), 1e-4, "%zu: %g", nc, r->best_x[1]);
        cr_expect_eq(r->n_clusters, 1, "%zu", nc);
        if (nc)
            cr_expect_eq(r->active_con[0], 1);
        sg_optim_result_destroy(r);
    }
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
    cr_expect_lt(r->best_f, rosen(NULL, ref, NULL));
    sg_optim_result_destroy(r);
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
    cr_expect_eq(r->best_f, branin(NULL, x, NULL));
    cr_expect_eq(r->starts[0].evals, 0);
    cr_expect_str_eq(r->starts[0].stop_reason, "SUCCESS");
    sg_optim_result_destroy(r);
}

/* ---- step and level snapping ----------------------------------------- */
/* Continuous optimum (1.37, 2.91); x on a 0.5 grid from 0, y in levels. */
static double bowl(void *u, const double *x, double *g)
{
    (void)u;
    if (g) {
        g[0] = 2 * (x[0] - 1.37);
        g[1] = 6 * (x[1] - 2.91);
    }
    return (x[0] - 1.37) * (x[0] - 1.37) + 3 * (x[1] - 2.91) * (x[1] - 2.91);
}
static double sum_le_4_6(void *u, const double *x, double *g)
{
    (void)u;
    if (g)
        g[0] = g[1] = 1;
    return x[0] + x[1] - 4.6;
}
static double y_near_2_91(void *u, const double *x, double *g)
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

TableTest(snap_cases, k, optim, step_and_level_snapping, .init = setup)
{
    {
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
            double want = bowl(NULL, rz->x, NULL);
            cr_expect_eq(rz->f, want);
            cr_expect(fabs(rz->loss - (want - r->best_f)) < 1e-15);
            cr_expect_gt(rz->loss, 0);
        } else {
            cr_expect_eq(rz->n_infeasible, rz->n_evaluated);
            cr_expect_eq(rz->closest, 0, "the continuous optimum is feasible");
        }
        if (sc->con == 1)
            cr_expect_geq(rz->n_infeasible, 1);
        sg_optim_result_destroy(r);
    }
}

static double sum_le_0_4(void *u, const double *x, double *g)
{
    (void)u;
    if (g)
        g[0] = g[1] = 1;
    return x[0] + x[1] - 0.4;
}

/* x + y <= 0.4 with y >= 0.5: nothing is feasible, the continuous point
 * least violating is (0, 0.5), and the realisable point closest to
 * feasible is x = 0 on the 0.5 grid, y = 1.0 (the lowest level): reported
 * as the closest (before: no realisable point at all, and `run` showed the
 * continuous settings off the user's steps). */
Test(optim, infeasible_problem_snaps_to_the_closest_realisable_point, .init = setup)
{
    for (size_t grid_max = 1; grid_max <= 4096; grid_max *= 4096) {
        sg_optim_var v[2] = {box(0, 5.2), box(0.5, 4.5)};
        v[0].step = 0.5;
        v[1].levels = y_levels;
        v[1].n_levels = 4;
        sg_optim_constraint c = {"x + y <= 0.4", sum_le_0_4};
        sg_optim_problem p = {.d = 2, .vars = v, .f = bowl, .has_gradient = 1, .cons = &c,
                              .n_cons = 1};
        sg_optim_config cfg;
        sg_optim_config_default(&cfg);
        cfg.starts = 4;
        cfg.grid_max = grid_max;
        sg_optim_result *r = NULL;
        sg_error err;
        cr_assert_eq(sg_optim_run(&p, &cfg, &r, &err), SG_OK, "%s", err.msg);
        cr_expect(!r->feasible);
        const sg_optim_realisable *rz = &r->realisable;
        cr_expect_eq(rz->found, 0);
        cr_expect_eq(rz->closest, 1, "grid_max %zu", grid_max);
        cr_expect_eq(rz->x[0], 0.0, "grid_max %zu: x %.17g", grid_max, rz->x[0]);
        cr_expect_eq(rz->x[1], 1.0, "grid_max %zu: y %.17g", grid_max, rz->x[1]);
        cr_expect_eq(rz->f, bowl(NULL, rz->x, NULL));
        cr_expect_eq(SG_OPTIM_SETTINGS(r), rz->x);
        sg_optim_result_destroy(r);
    }
}

static double quad1(void *u, const double *x, double *g)
{
    (void)u;
    if (g)
        g[0] = 2 * (x[0] - 0.731);
    return (x[0] - 0.731) * (x[0] - 0.731);
}

TableTestN(2, row, optim, step_snaps_exactly_to_grid, .init = setup)
{
    sg_optim_var v[1] = {box(0.1, 0.95)};
    v[0].step = 0.15;
    sg_optim_problem p = {.d = 1, .vars = v, .f = quad1};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.starts = 3;
    {
        int grid = (int)row;
        cfg.grid_max = grid ? 100 : 1;
        sg_optim_result *r = NULL;
        sg_error err;
        cr_assert_eq(sg_optim_run(&p, &cfg, &r, &err), SG_OK, "%s", err.msg);
        cr_expect_eq(r->realisable.x[0], 0.1 + 4 * 0.15); /* 0.7: nearer than 0.85 */
        cr_expect_eq(r->realisable.n_evaluated, grid ? 6u : 2u); /* 0.1 .. 0.85 */
        sg_optim_result_destroy(r);
    }
}

/* ---- determinism: serial == parallel ---------------------------------- */
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

TableTest(det_cases, k, optim, same_seed_serial_and_two_threads_identical, .init = setup)
{
    sg_optim_var v[2] = {box(-3, 3), box(-2, 2)};
    sg_optim_constraint c = {"x + y >= 1", sum_ge_1};
    {
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
            cr_expect_eq(b->seed, 987654321u);
            cr_expect_neq(strlen(b->nlopt_version), 0);
            expect_same(a, b, det_cases[k].global ? det_cases[k].global : "default");
            expect_same(b, c2, "repeat");
            cr_expect(fabs(a->best_f - (con ? a->best_f : -1.031628453489877)) < 1e-6, "case %zu: %.12g", k,
                      a->best_f);
            sg_optim_result_destroy(a);
            sg_optim_result_destroy(b);
            sg_optim_result_destroy(c2);
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
    sg_optim_result_destroy(a);
    sg_optim_result_destroy(b);
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
    sg_optim_result_destroy(r);
}


/* ---- maximising: the realisable optimum and its loss, by hand ---------- */
static double neg_bowl(void *u, const double *x, double *g)
{
    double f = bowl(u, x, g);
    if (g) {
        g[0] = -g[0];
        g[1] = -g[1];
    }
    return -f;
}

Test(optim, maximising_realisable_optimum_and_loss_by_hand, .init = setup)
{
    /* -bowl maximised: continuous optimum (1.37, 2.91), value 0.  On the
     * grid (x on 0.5 steps, y in {1, 2.5, 3.2, 4}) the best realisable point
     * is (1.5, 3.2): -(0.13^2 + 3 * 0.29^2) = -(0.0169 + 0.2523) = -0.2692,
     * so the loss is +0.2692 (rounding costs, whatever the sense). */
    sg_optim_var v[2] = {box(0, 5.2), box(0.5, 4.5)};
    v[0].step = 0.5;
    v[1].levels = y_levels;
    v[1].n_levels = 4;
    sg_optim_problem p = {.d = 2, .vars = v, .f = neg_bowl, .has_gradient = 1,
                          .sense = SG_OPTIM_MAXIMIZE};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.starts = 4;
    sg_optim_result *r = NULL;
    run_cfg(&p, &cfg, &r);
    cr_expect(fabs(r->best_f) < 1e-10, "%.17g", r->best_f);
    const sg_optim_realisable *rz = &r->realisable;
    cr_assert(rz->needed && rz->found);
    cr_expect(rz->x[0] == 1.5 && rz->x[1] == 3.2, "realisable (%.17g, %.17g)", rz->x[0], rz->x[1]);
    cr_expect(fabs(rz->f - -0.2692) < 1e-12, "%.17g", rz->f);
    cr_expect(fabs(rz->loss - 0.2692) < 1e-9, "loss %.17g", rz->loss);
    sg_optim_result_destroy(r);
}
