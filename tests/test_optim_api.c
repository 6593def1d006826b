/* test_optim_api.c — optimiser statistics, algorithm names, stop reasons,
 * validation errors, per-thread contexts, progress, sense, active bounds
 * and hard budgets. */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "optim/optim.h"
#include "optim_testfns.h"
#include "table_test.h"

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

static const struct {
    int code;
    const char *name;
    int failure;
} stop_reasons[] = {{1, "SUCCESS", 0},          {2, "STOPVAL_REACHED", 0},  {3, "FTOL_REACHED", 0},
         {4, "XTOL_REACHED", 0},     {5, "MAXEVAL_REACHED", 0},  {6, "MAXTIME_REACHED", 0},
         {-1, "FAILURE", 1},         {-2, "INVALID_ARGS", 1},    {-3, "OUT_OF_MEMORY", 1},
         {-4, "ROUNDOFF_LIMITED", 0}, {-5, "FORCED_STOP", 1},     {99, "UNKNOWN", 0}};

TableTest(stop_reasons, i, optim, stop_reason_names_and_failures, .init = setup)
{
    {
        cr_expect_str_eq(sg_optim_stop_reason(stop_reasons[i].code), stop_reasons[i].name);
        cr_expect_eq(sg_optim_stop_is_failure(stop_reasons[i].code), stop_reasons[i].failure, "%d", stop_reasons[i].code);
        cr_expect_neq(strlen(sg_optim_stop_text(stop_reasons[i].code)), 0);
    }
}

Test(optim, stop_text_max_eval, .init = setup)
{
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
    sg_optim_result_destroy(r);
    /* Converged runs report a tolerance. */
    sg_optim_config_default(&cfg);
    cfg.starts = 2;
    run_cfg(&p, &cfg, &r);
    cr_expect(strcmp(r->starts[1].stop_reason, "XTOL_REACHED") == 0 ||
              strcmp(r->starts[1].stop_reason, "FTOL_REACHED") == 0 ||
              strcmp(r->starts[1].stop_reason, "SUCCESS") == 0, "%s", r->starts[1].stop_reason);
    cr_expect_eq(r->starts[0].ran_global, 1);
    cr_expect_eq(r->starts[1].ran_global, 0);
    sg_optim_result_destroy(r);
}

/* NaN outside the unit disc: starts that begin there fail cleanly, the
 * others find the minimum inside. */
static double nan_outside(void *u, const double *x, double *g)
{
    (void)g;
    (void)u;
    double r2 = x[0] * x[0] + x[1] * x[1];
    return r2 > 1.0 ? NAN : (x[0] - 0.5) * (x[0] - 0.5) + x[1] * x[1];
}

Test(optim, nonfinite_objective_is_a_failure, .init = setup)
{
    sg_optim_var v[2] = {box(-1.2, 1.2), box(-1.2, 1.2)};
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
    cr_expect_lt(nfail, r->n_starts);
    cr_expect_eq(r->stats.n + nfail, r->n_starts);
    sg_optim_result_destroy(r);
}

/* NaN everywhere: every start fails, so there is no optimum to return
 * (this once left best_x NULL in a successful result). */
static double nan_everywhere(void *u, const double *x, double *g)
{
    (void)u;
    (void)x;
    (void)g;
    return NAN;
}

Test(optim, every_start_failing_is_an_error_naming_the_reason, .init = setup)
{
    sg_optim_var v[2] = {box(-3, 3), box(-3, 3)};
    v[1].step = 0.5; /* the snapping stage must not see a missing optimum either */
    sg_optim_problem p = {.d = 2, .vars = v, .f = nan_everywhere};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.starts = 4;
    sg_optim_result *r = NULL;
    sg_error err;
    cr_assert_eq(sg_optim_run(&p, &cfg, &r, &err), SG_ERR_NUMERIC);
    cr_expect_null(r);
    cr_expect(strstr(err.msg, "no optimum: all 4 optimiser starts failed (4 x failed (objective "
                              "or constraint returned NaN or infinity))") != NULL,
              "%s", err.msg);
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
    {"too many starts", 22, SG_ERR_LIMIT, "starts (2000000) exceeds the limit"},
    {"too many threads", 23, SG_ERR_LIMIT, "threads (1000) exceeds the limit"},
    {"cluster_tol", 24, SG_ERR_INVALID, "cluster_tol (nan) must be"},
    {"step too small", 25, SG_ERR_INVALID,
     "vars[1] (temperature): step (1e-20) is too small: the range [1090, 1150] would hold 6e+21 "
     "values"},
    {"step too small for the range", 26, SG_ERR_INVALID, "vars[3] (cooling): step (1) is too small"},
};

static void *ctx_create_dummy(void *u) { return u; }

TableTest(bad_cases, k, optim, validation_errors_name_the_field, .init = setup)
{
    static const double lev[3] = {50, 100, 170};
    static const double dup[3] = {50, 100, 100};
    {
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
        case 22: cfg.starts = 2000000; break;
        case 23: cfg.threads = 1000; break;
        case 24: cfg.cluster_tol = NAN; break;
        case 25: v[1].step = 1e-20; break;
        case 26: v[3].lb = -1e300; v[3].ub = 1e300; v[3].step = 1; break;
        }
        sg_error err;
        sg_error_clear(&err);
        cr_expect_eq(sg_optim_validate(&p, &cfg, &err), bc->status, "%s: %s", bc->what, err.msg);
        cr_expect(strstr(err.msg, bc->needle), "%s: got \"%s\"", bc->what, err.msg);
        sg_optim_result *r = NULL;
        cr_expect_eq(sg_optim_run(&p, &cfg, &r, NULL), bc->status, "%s", bc->what);
        cr_expect_null(r);
    }
}

Test(optim, validation_errors_without_problem_and_grid_limit, .init = setup)
{
    sg_error err;
    cr_expect_eq(sg_optim_validate(NULL, NULL, &err), SG_ERR_INVALID);
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cr_expect_eq(sg_optim_run(NULL, &cfg, NULL, &err), SG_ERR_INVALID);

    /* 21 stepped variables with a grid above grid_max: too many neighbours. */
    sg_optim_var many[21];
    for (int i = 0; i < 21; i++) {
        many[i] = box(0, 1);
        many[i].step = 0.5;
    }
    sg_optim_problem p = {.d = 21, .vars = many, .f = sphere2};
    cfg.grid_max = 1000;
    cr_expect_eq(sg_optim_validate(&p, &cfg, &err), SG_ERR_LIMIT);
    cr_expect(strstr(err.msg, "21 step/level variables"), "%s", err.msg);
    many[20].step = 0; /* 20 discrete: 2^20 neighbours allowed */
    cr_expect_eq(sg_optim_validate(&p, &cfg, &err), SG_OK, "%s", err.msg);
    sg_optim_result_destroy(NULL);
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

static double camel_ctx(void *u, const double *x, double *g)
{
    thread_ctx *t = u;
    if (t->magic != CTX_MAGIC)
        return NAN;
    t->calls++; /* unsynchronised on purpose: one context per thread */
    return camel(NULL, x, g);
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

static void on_progress(void *ctx, size_t done, size_t total)
{
    progress_log *pl = ctx;
    if (done != pl->last + 1)
        pl->monotone = 0;
    pl->last = done;
    pl->total = total;
    pl->calls++;
}

TableTestN(2, row, optim, thread_contexts_and_progress, .init = setup)
{
    ctx_counter cc = {.created = 0, .destroyed = 0};
    pthread_mutex_init(&cc.mu, NULL);
    sg_optim_var v[2] = {box(-3, 3), box(-2, 2)};
    sg_optim_problem p = {.d = 2, .vars = v, .f = camel_ctx, .user = &cc, .thread_ctx_create = ctx_create,
                          .thread_ctx_destroy = ctx_destroy};
    {
        unsigned threads = 1 + (unsigned)row;
        cc.created = cc.destroyed = 0;
        progress_log pl = {.monotone = 1};
        sg_optim_config cfg;
        sg_optim_config_default(&cfg);
        cfg.starts = 9;
        cfg.threads = threads;
        cfg.progress = on_progress;
        cfg.progress_user = &pl;
        sg_optim_result *r = NULL;
        run_cfg(&p, &cfg, &r);
        cr_expect(fabs(r->best_f + 1.031628453489877) < 1e-6);
        cr_expect_eq(cc.created, (int)threads);
        cr_expect_eq(cc.destroyed, (int)threads);
        cr_expect_eq(pl.calls, 9u);
        cr_expect_eq(pl.last, 9u);
        cr_expect_eq(pl.total, 9u);
        cr_expect(pl.monotone);
        sg_optim_result_destroy(r);
    }
    pthread_mutex_destroy(&cc.mu);
}

Test(optim, thread_context_creation_failure, .init = setup)
{
    ctx_counter cc = {.created = 0, .destroyed = 0};
    pthread_mutex_init(&cc.mu, NULL);
    sg_optim_var v[2] = {box(-3, 3), box(-2, 2)};
    sg_optim_problem p = {.d = 2, .vars = v, .f = camel_ctx, .user = &cc, .thread_ctx_create = ctx_create,
                          .thread_ctx_destroy = ctx_destroy};
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
static double neg_branin(void *u, const double *x, double *g)
{
    double f = branin(u, x, g);
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
    sg_optim_result_destroy(r);
}

/* f = -1.7 x + (y - 0.3)^2 + z on [0,2] x [-1,1] x [0.5,4]: x at ub, y inside, z at lb. */
static double tilted(void *u, const double *x, double *g)
{
    (void)u;
    if (g) {
        g[0] = -1.7;
        g[1] = 2 * (x[1] - 0.3);
        g[2] = 1;
    }
    return -1.7 * x[0] + (x[1] - 0.3) * (x[1] - 0.3) + x[2];
}

TableTestN(2, row, optim, active_bounds_listed, .init = setup)
{
    sg_optim_var v[3] = {box(0, 2), box(-1, 1), box(0.5, 4)};
    {
        int grad = (int)row;
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
        sg_optim_result_destroy(r);
    }
}

/* Nested optimisers (MLSL, AUGLAG) must not overshoot the stage budget. */
static const char *budget_algs[3] = {"GN_MLSL_LDS", "GN_DIRECT_L", "GN_CRS2_LM"};

TableTest(budget_algs, row, optim, stage_budget_is_hard_for_nested_optimisers, .init = setup)
{
    const char *const *algs = budget_algs;
    sg_optim_var v[2] = {box(-3, 3), box(-2, 2)};
    sg_optim_constraint c = {"x + y >= 1", sum_ge_1};
    int k = (int)row;
    {
        for (int con = 0; con < 2; con++) {
            sg_optim_problem p = {.d = 2, .vars = v, .f = camel, .cons = &c, .n_cons = (size_t)con};
            sg_optim_config cfg;
            sg_optim_config_default(&cfg);
            cfg.starts = 2;
            cfg.global.algorithm = algs[k];
            cfg.global.max_eval = 150;
            cfg.local.max_eval = 1;
            sg_optim_result *r = NULL;
            run_cfg(&p, &cfg, &r);
            cr_expect_leq(r->starts[0].evals, 151, "%s con %d: %ld", algs[k], con, r->starts[0].evals);
            cr_expect_gt(r->starts[0].evals, 100, "%s con %d: %ld", algs[k], con, r->starts[0].evals);
            cr_expect_eq(r->starts[0].failed, 0, "%s", r->starts[0].stop_reason);
            sg_optim_result_destroy(r);
        }
    }
}

Test(optim, maximising_with_gradients_every_start_climbs, .init = setup)
{
    /* -Branin has three global maxima of the same value, -0.397887357729738
     * (Dixon & Szegő 1978), and no other local maximum in the box: every
     * local start that climbs the right way reaches one of them.  With the
     * gradient's sign not flipped for maximising, the global stage still
     * finds the best point but the local starts descend. */
    sg_optim_var v[2] = {box(-5, 10), box(0, 15)};
    sg_optim_problem p = {.d = 2, .vars = v, .f = neg_branin, .sense = SG_OPTIM_MAXIMIZE, .has_gradient = 1};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    sg_optim_result *r = NULL;
    run_cfg(&p, &cfg, &r);
    cr_assert_eq(r->n_starts, SG_OPTIM_DEFAULT_STARTS);
    size_t maxeval = 0;
    for (size_t i = 0; i < r->n_starts; i++) {
        const sg_optim_start *s = &r->starts[i];
        cr_expect(fabs(s->f + 0.397887357729738) < 1e-6, "start %zu ends at %.12g (%s)", i, s->f,
                  s->stop_reason);
        cr_expect_not(s->failed, "start %zu failed: %s", i, s->stop_reason);
        maxeval += strcmp(s->stop_reason, "MAXEVAL_REACHED") == 0;
        cr_expect(strstr(s->stop_reason, "TOL_REACHED") || !strcmp(s->stop_reason, "SUCCESS"),
                  "start %zu stopped: %s", i, s->stop_reason);
    }
    cr_expect_eq(maxeval, 0);
    cr_expect_eq(r->stats.n_reach_best, r->n_starts, "%zu of %zu starts reach the best",
                 r->stats.n_reach_best, r->n_starts);
    cr_expect_eq(r->stats.frac_reach_best, 1.0);
    cr_expect(fabs(r->stats.worst - r->stats.best) < 1e-6);
    cr_expect_eq(r->n_clusters, 3, "three maxima, %zu clusters", r->n_clusters);
    sg_optim_result_destroy(r);
}

/* A weighted bowl with a ripple whose minimum lies below the lower bounds
 * (0.1 in every factor): the optimum is the corner of lower bounds.  On
 * this function a start of LD_SLSQP stops a rounding error inside a bound
 * (0.1 + 3e-17) unless the result is set onto it. */
static const double bowl_w[6] = {1.3, 0.7, 2.9, 0.11, 5.3, 0.37};
static double rippled_bowl(void *u, const double *x, double *g)
{
    (void)u;
    double f = 0;
    for (size_t i = 0; i < 6; i++) {
        double t = x[i] - 0.1 + 0.37 * bowl_w[i];
        f += bowl_w[i] * t * t + 0.2 * sin(3 * x[i]);
        if (g)
            g[i] = 2 * bowl_w[i] * t + 0.6 * cos(3 * x[i]);
    }
    return f;
}

/* An optimum on bounds is reported exactly on them (a setting of 2e-16
 * where the bound is 0 would print as such): no start ends a rounding
 * error away from a bound. */
Test(optim, an_optimum_at_bounds_lies_exactly_on_them, .init = setup)
{
    sg_optim_var v[6];
    for (size_t i = 0; i < 6; i++)
        v[i] = box(0.1, 0.7 + 0.1 * (double)i);
    sg_optim_problem p = {.d = 6, .vars = v, .f = rippled_bowl};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.starts = 16;
    sg_optim_result *r = NULL;
    run_cfg(&p, &cfg, &r);
    for (size_t i = 0; i < 6; i++) {
        cr_expect(r->best_x[i] == 0.1, "x%zu = %.17g", i, r->best_x[i]);
        cr_expect_eq(r->active_bound[i], -1);
    }
    for (size_t s = 0; s < r->n_starts; s++)
        for (size_t i = 0; i < 6; i++) {
            double off = r->starts[s].x[i] - 0.1;
            cr_expect(off == 0.0 || off > 1e-9, "start %zu x%zu is %.3g inside its bound", s, i,
                      off);
        }
    sg_optim_result_destroy(r);
}
