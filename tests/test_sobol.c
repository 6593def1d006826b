/* Tests of the Sobol sensitivity module (analysis/sobol.h) on functions with
 * analytic indices: Ishigami (a = 7, b = 0.1), an additive linear function,
 * a constant; plus determinism and error paths. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "analysis/sobol.h"

#define PI 3.14159265358979323846
#define ISHI_A 7.0
#define ISHI_B 0.1

/* Stated tolerances for the Ishigami test at N = 8192 (scrambled Sobol):
 * measured errors are below 0.001 (seed 2024: largest error 0.0002, S2); the
 * bootstrap interval must contain the analytic value. */
#define ISHI_TOL 0.005
#define ISHI_RANGE_TOL 0.02

/* Ishigami f(x) = sin x1 + a sin^2 x2 + b x3^4 sin x1 over [-pi, pi]^3.
 * Second output: 2 f, whose indices are the same and whose effect ranges
 * are doubled. */
static sg_status ishigami(void *user, const double *X, size_t n, double *Y, sg_error *err)
{
    (void)user;
    (void)err;
    for (size_t k = 0; k < n; k++) {
        const double *x = X + 3 * k;
        double s2 = sin(x[1]);
        double f = sin(x[0]) + ISHI_A * s2 * s2 + ISHI_B * pow(x[2], 4) * sin(x[0]);
        Y[2 * k] = f;
        Y[2 * k + 1] = 2.0 * f;
    }
    return SG_OK;
}

/* Analytic Ishigami indices (Saltelli et al. 2008, Global Sensitivity
 * Analysis: The Primer, sec. 4.6; rounded to 4 decimals):
 *   V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 = 13.8446
 *   V1 = (1 + b pi^4/5)^2 / 2 = 4.3459, V2 = a^2/8 = 6.1250,
 *   V13 = b^2 pi^8 (1/18 - 1/50) = 3.3737
 *   S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437). */
static const double S_true[3] = {0.3139, 0.4424, 0.0};
static const double ST_true[3] = {0.5576, 0.4424, 0.2437};

/* Main effects: m1(x1) = a/2 + (1 + b pi^4/5) sin x1 -> range 2 (1 + b pi^4/5)
 * = 5.8964 (the grid of 9 points includes +-pi/2); m2(x2) = a sin^2 x2 +
 * (1 + b pi^4/5) E[sin x1] = a sin^2 x2 -> range a = 7; m3 = a/2 -> 0. */
static const double range_true[3] = {5.8964, 7.0, 0.0};

Test(sobol, ishigami_indices_match_the_analytic_values)
{
    double lb[3] = {-PI, -PI, -PI}, ub[3] = {PI, PI, PI};
    sg_sobol_options o = sg_sobol_options_defaults();
    o.n_base = 8192;
    o.seed = 2024;
    sg_sobol_result *r = NULL;
    sg_error err;
    cr_assert_eq(sg_sobol_run(ishigami, NULL, 3, 2, lb, ub, &o, &r, &err), SG_OK, "%s", err.msg);
    cr_expect(r->quasi_random);
    cr_expect_eq(r->n_evals,
                 8192u * 5u + 3u * SG_SOBOL_DEFAULT_GRID * SG_SOBOL_DEFAULT_EFFECT_BASE);
    cr_expect(fabs(r->variance[0] - 13.8446) < 0.05, "V %g", r->variance[0]);
    for (size_t i = 0; i < 3; i++) {
        const sg_sobol_ci *s = &r->first[sg_sobol_at(r, 0, i)];
        const sg_sobol_ci *t = &r->total[sg_sobol_at(r, 0, i)];
        cr_expect(fabs(s->est - S_true[i]) < ISHI_TOL, "S%zu %.5f want %.4f", i + 1, s->est,
                  S_true[i]);
        cr_expect(fabs(t->est - ST_true[i]) < ISHI_TOL, "ST%zu %.5f want %.4f", i + 1, t->est,
                  ST_true[i]);
        cr_expect(s->lo <= s->est && s->est <= s->hi);
        cr_expect(s->lo - ISHI_TOL / 2 <= S_true[i] && S_true[i] <= s->hi + ISHI_TOL / 2,
                  "S%zu interval %.4f .. %.4f", i + 1, s->lo, s->hi);
        cr_expect(t->lo - ISHI_TOL / 2 <= ST_true[i] && ST_true[i] <= t->hi + ISHI_TOL / 2,
                  "ST%zu interval %.4f .. %.4f", i + 1, t->lo, t->hi);
        cr_expect(t->hi - t->lo < 0.1, "ST%zu interval too wide", i + 1);
        double rg = r->effect_range[sg_sobol_at(r, 0, i)];
        cr_expect(fabs(rg - range_true[i]) < ISHI_RANGE_TOL, "range%zu %.4f want %.4f", i + 1,
                  rg, range_true[i]);
        /* the scaled output has the same indices and twice the ranges */
        cr_expect(fabs(r->first[sg_sobol_at(r, 1, i)].est - s->est) < 1e-9);
        cr_expect(fabs(r->effect_range[sg_sobol_at(r, 1, i)] - 2.0 * rg) < 1e-9);
    }
    /* grid: evenly spaced from lower to upper bound */
    cr_expect_eq(r->grid[0], -PI);
    cr_expect(fabs(r->grid[SG_SOBOL_DEFAULT_GRID - 1] - PI) < 1e-15);
    sg_sobol_result_destroy(r);
}

/* f = 2 x1 + x2 on [0, 1] x [3, 5] (x2 spans 2): V1 = 4/12, V2 = 4/12 * 1
 * -> with x2 range 2: Var(x2) = 4/12, so S1 = S2 = 0.5 = ST; effect ranges
 * 2 and 2; x3 (inert) 0. */
static sg_status linear(void *user, const double *X, size_t n, double *Y, sg_error *err)
{
    (void)user;
    (void)err;
    for (size_t k = 0; k < n; k++)
        Y[k] = 2.0 * X[3 * k] + X[3 * k + 1] + 0.0 * X[3 * k + 2];
    return SG_OK;
}

Test(sobol, additive_linear_function)
{
    double lb[3] = {0, 3, -1.5}, ub[3] = {1, 5, 2.5};
    sg_sobol_options o = sg_sobol_options_defaults();
    o.seed = 7;
    sg_sobol_result *r = NULL;
    sg_error err;
    cr_assert_eq(sg_sobol_run(linear, NULL, 3, 1, lb, ub, &o, &r, &err), SG_OK, "%s", err.msg);
    const double want[3] = {0.5, 0.5, 0.0}, want_range[3] = {2.0, 2.0, 0.0};
    for (size_t i = 0; i < 3; i++) {
        cr_expect(fabs(r->first[i].est - want[i]) < 0.01, "S%zu %g", i + 1, r->first[i].est);
        cr_expect(fabs(r->total[i].est - want[i]) < 0.01, "ST%zu %g", i + 1, r->total[i].est);
        cr_expect(fabs(r->effect_range[i] - want_range[i]) < 1e-9, "range%zu %.12g", i + 1,
                  r->effect_range[i]);
    }
    /* an inert factor's total index is exactly 0 (f(A) = f(AB_3)) */
    cr_expect_eq(r->total[2].est, 0.0);
    sg_sobol_result_destroy(r);
}

/* A response far from zero (410 MPa +- tenths), as stress_path1 of the
 * brazing study: f = 410.385 + 0.2 x1 + 0.1 x2 on [0, 1]^2, S = (0.8, 0.2). */
static sg_status offset(void *user, const double *X, size_t n, double *Y, sg_error *err)
{
    (void)user;
    (void)err;
    for (size_t k = 0; k < n; k++)
        Y[k] = 410.385 + 0.2 * X[2 * k] + 0.1 * X[2 * k + 1];
    return SG_OK;
}

Test(sobol, response_far_from_zero)
{
    double lb[2] = {0, 0}, ub[2] = {1, 1};
    sg_sobol_options o = sg_sobol_options_defaults();
    o.n_base = 1024;
    o.seed = 9;
    sg_sobol_result *r = NULL;
    sg_error err;
    cr_assert_eq(sg_sobol_run(offset, NULL, 2, 1, lb, ub, &o, &r, &err), SG_OK, "%s", err.msg);
    cr_expect(fabs(r->first[0].est - 0.8) < 0.01, "S1 %g", r->first[0].est);
    cr_expect(fabs(r->first[1].est - 0.2) < 0.01, "S2 %g", r->first[1].est);
    cr_expect(r->first[0].hi - r->first[0].lo < 0.2, "S1 interval %g .. %g", r->first[0].lo,
              r->first[0].hi);
    sg_sobol_result_destroy(r);
}

static sg_status constant(void *user, const double *X, size_t n, double *Y, sg_error *err)
{
    (void)user;
    (void)X;
    (void)err;
    for (size_t k = 0; k < n; k++)
        Y[k] = 410.385;
    return SG_OK;
}

Test(sobol, constant_output_has_undefined_indices_and_zero_range)
{
    double lb[2] = {0, 0}, ub[2] = {1, 1};
    sg_sobol_result *r = NULL;
    sg_error err;
    cr_assert_eq(sg_sobol_run(constant, NULL, 2, 1, lb, ub, NULL, &r, &err), SG_OK, "%s",
                 err.msg);
    cr_expect(isnan(r->first[0].est) && isnan(r->total[1].hi));
    cr_expect_eq(r->effect_range[0], 0.0);
    cr_expect(r->variance[0] < 1e-20, "V %g", r->variance[0]);
    sg_sobol_result_destroy(r);
}

Test(sobol, same_seed_same_result_other_seed_differs)
{
    double lb[3] = {-PI, -PI, -PI}, ub[3] = {PI, PI, PI};
    sg_sobol_options o = sg_sobol_options_defaults();
    o.n_base = 512;
    o.seed = 5;
    sg_sobol_result *a = NULL, *b = NULL, *c = NULL;
    sg_error err;
    cr_assert_eq(sg_sobol_run(ishigami, NULL, 3, 2, lb, ub, &o, &a, &err), SG_OK);
    cr_assert_eq(sg_sobol_run(ishigami, NULL, 3, 2, lb, ub, &o, &b, &err), SG_OK);
    o.seed = 6;
    cr_assert_eq(sg_sobol_run(ishigami, NULL, 3, 2, lb, ub, &o, &c, &err), SG_OK);
    cr_expect(memcmp(a->first, b->first, 6 * sizeof *a->first) == 0);
    cr_expect(memcmp(a->total, b->total, 6 * sizeof *a->total) == 0);
    cr_expect(a->first[0].est != c->first[0].est);
    sg_sobol_result_destroy(a);
    sg_sobol_result_destroy(b);
    sg_sobol_result_destroy(c);
}

static sg_status failing(void *user, const double *X, size_t n, double *Y, sg_error *err)
{
    (void)user;
    (void)X;
    (void)n;
    (void)Y;
    return sg_error_set(err, SG_ERR_NUMERIC, "model blew up");
}

static sg_status not_finite(void *user, const double *X, size_t n, double *Y, sg_error *err)
{
    (void)user;
    (void)err;
    for (size_t k = 0; k < n; k++)
        Y[k] = X[k] > 0.75 ? INFINITY : X[k];
    return SG_OK;
}

Test(sobol, errors)
{
    double lb[1] = {0}, ub[1] = {1}, bad_ub[1] = {0};
    sg_sobol_result *r = NULL;
    sg_error err;
    cr_expect_eq(sg_sobol_run(failing, NULL, 1, 1, lb, ub, NULL, &r, &err), SG_ERR_NUMERIC);
    cr_expect_str_eq(err.msg, "model blew up");
    cr_expect_null(r);
    cr_expect_eq(sg_sobol_run(not_finite, NULL, 1, 1, lb, ub, NULL, &r, &err), SG_ERR_NUMERIC);
    cr_expect(strstr(err.msg, "not finite") != NULL, "%s", err.msg);
    cr_expect_eq(sg_sobol_run(linear, NULL, 1, 1, lb, bad_ub, NULL, &r, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "factor 1") != NULL, "%s", err.msg);
    cr_expect_eq(sg_sobol_run(linear, NULL, 0, 1, lb, ub, NULL, &r, &err), SG_ERR_INVALID);
    sg_sobol_options o = sg_sobol_options_defaults();
    o.n_base = 8;
    cr_expect_eq(sg_sobol_run(linear, NULL, 1, 1, lb, ub, &o, &r, &err), SG_ERR_INVALID);
    o = sg_sobol_options_defaults();
    o.n_effect_base = o.n_base + 1;
    cr_expect_eq(sg_sobol_run(linear, NULL, 1, 1, lb, ub, &o, &r, &err), SG_ERR_INVALID);
    cr_expect_null(r);
}

/* More than 20 factors: pseudo-random points (GSL's Sobol stops at 40
 * dimensions); an additive function still gets S_i = ST_i = its share. */
static sg_status many(void *user, const double *X, size_t n, double *Y, sg_error *err)
{
    (void)user;
    (void)err;
    for (size_t k = 0; k < n; k++)
        Y[k] = 3.0 * X[21 * k] + X[21 * k + 20];
    return SG_OK;
}

Test(sobol, many_factors_fall_back_to_pseudo_random)
{
    double lb[21], ub[21];
    for (size_t i = 0; i < 21; i++) {
        lb[i] = 0.0;
        ub[i] = 1.0;
    }
    sg_sobol_options o = sg_sobol_options_defaults();
    o.n_base = 2048;
    o.n_boot = 0;
    o.seed = 3;
    sg_sobol_result *r = NULL;
    sg_error err;
    cr_assert_eq(sg_sobol_run(many, NULL, 21, 1, lb, ub, &o, &r, &err), SG_OK, "%s", err.msg);
    cr_expect_not(r->quasi_random);
    /* V = (9 + 1) / 12: S1 = 0.9, S21 = 0.1; pseudo-random error ~ 1/sqrt(N) */
    cr_expect(fabs(r->total[0].est - 0.9) < 0.05, "ST1 %g", r->total[0].est);
    cr_expect(fabs(r->total[20].est - 0.1) < 0.02, "ST21 %g", r->total[20].est);
    cr_expect_eq(r->total[5].est, 0.0);
    cr_expect_eq(r->first[0].lo, r->first[0].est); /* no bootstrap */
    sg_sobol_result_destroy(r);
}
