/* test_window.c — held-out errors carried over to the window (model/window.h). */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/gp.h"
#include "model/window.h"

#define N 30
#define SEED 7u

static void setup(void)
{
    gsl_set_error_handler_off();
}

/* A smooth response of two factors on [0, 1]^2. */
static double smooth(const double *x)
{
    return sin(3.0 * x[0]) + 0.5 * cos(4.0 * x[1]) + x[0] * x[1];
}

/* N seeded uniform rows, corners included so that the window is [0, 1]^2. */
static void table(double *X, double *y)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    for (size_t i = 0; i < N; i++) {
        X[2 * i] = i < 4 ? (double)(i & 1) : gsl_rng_uniform(r);
        X[2 * i + 1] = i < 4 ? (double)(i >> 1) : gsl_rng_uniform(r);
        y[i] = smooth(X + 2 * i);
    }
    gsl_rng_free(r);
}

/* Leave-one-out groups: row i alone. */
static void loo(size_t *row, size_t *group)
{
    for (size_t i = 0; i < N; i++)
        row[i] = group[i] = i;
}

TestSuite(window, .init = setup);

/* With tau = 0 a leave-one-out group's scale is kriging's closed-form LOO
 * sd (gp.h: identical to a refit without the row); residuals twice that
 * scale give z = 2 everywhere. */
Test(window, residuals_proportional_to_the_loo_sd_give_a_constant_z)
{
    double X[2 * N], y[N], resid[N];
    size_t row[N], group[N];
    table(X, y);
    loo(row, group);
    sg_gp *gp = NULL;
    sg_error err;
    cr_assert_eq(sg_gp_fit(X, y, N, 2, NULL, NULL, NULL, SEED, &gp, &err), SG_OK, "%s", err.msg);
    const double *v = sg_gp_loo_variances(gp);
    for (size_t i = 0; i < N; i++)
        resid[i] = (i % 2 ? 2.0 : -2.0) * sqrt(v[i]);
    sg_gp_destroy(gp);
    sg_window_held h = {N, row, group, resid};
    sg_window_figures f = {0};
    double z[N];
    f.z_each = z;
    cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h, 0.0, 0.95, SEED, &f, &err), SG_OK,
                 "%s", err.msg);
    cr_expect_eq(f.n_z, N);
    cr_expect(fabs(f.rms_z - 2.0) < 1e-6, "rms z %.17g", f.rms_z);
    cr_expect(f.z_each == z);
    for (size_t i = 0; i < N; i++)
        cr_expect(fabs(z[i] - 2.0) < 1e-6, "row %zu: z %.17g", i, z[i]);
    cr_expect(fabs(f.rmse - f.rms_z * f.rms_scale) <= 1e-15 * f.rmse);
    cr_expect(f.reachable);
    /* every z is 2: the half-width lies between the t interval at the
     * smallest and at the largest scale */
    cr_expect(f.half_width > 2.0 * f.rms_scale * 0.5 && f.half_width < 2.0 * 10 * f.rms_scale);
}

/* Scaling every residual by 3 scales both figures by 3; a larger tau
 * (error at the training rows) widens the interval. */
Test(window, figures_scale_with_the_residuals_and_grow_with_tau)
{
    double X[2 * N], y[N], r1[N], r3[N];
    size_t row[N], group[N];
    table(X, y);
    loo(row, group);
    for (size_t i = 0; i < N; i++) {
        r1[i] = 0.01 * sin(7.0 * (double)i);
        r3[i] = 3.0 * r1[i];
    }
    sg_window_held h1 = {N, row, group, r1}, h3 = {N, row, group, r3};
    sg_window_figures f1 = {0}, f3 = {0}, ft = {0};
    sg_error err;
    cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h1, 0.0, 0.95, SEED, &f1, &err), SG_OK);
    cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h3, 0.0, 0.95, SEED, &f3, &err), SG_OK);
    cr_expect(fabs(f3.rmse / f1.rmse - 3.0) < 1e-12, "%.17g", f3.rmse / f1.rmse);
    cr_expect(fabs(f3.half_width / f1.half_width - 3.0) < 1e-5, "%.17g",
              f3.half_width / f1.half_width);
    cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h1, 1e-4, 0.95, SEED, &ft, &err), SG_OK);
    cr_expect(ft.rms_scale > f1.rms_scale);
    cr_expect(ft.rms_scale >= 1e-2 - 1e-15); /* s >= tau everywhere */
}

/* The same inputs give bit-identical figures. */
Test(window, the_same_seed_gives_the_same_figures)
{
    double X[2 * N], y[N], r[N];
    size_t row[N], group[N];
    table(X, y);
    loo(row, group);
    for (size_t i = 0; i < N; i++)
        r[i] = 0.02 * cos((double)i);
    sg_window_held h = {N, row, group, r};
    sg_window_figures a = {0}, b = {0};
    sg_error err;
    cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h, 1e-5, 0.95, SEED, &a, &err), SG_OK);
    cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h, 1e-5, 0.95, SEED, &b, &err), SG_OK);
    cr_expect(memcmp(&a, &b, sizeof a) == 0);
}

/* Calibration: kriging's own leave-one-out residuals, carried over to the
 * window, predict its error at 400 random points of the window: the RMSE
 * within a factor of 2 and the 95 % interval covering 85-100 % of them. */
Test(window, kriging_loo_residuals_predict_its_error_in_the_window)
{
    double X[2 * N], y[N];
    size_t row[N], group[N];
    table(X, y);
    loo(row, group);
    sg_gp *gp = NULL;
    sg_gp_work *w = NULL;
    sg_error err;
    cr_assert_eq(sg_gp_fit(X, y, N, 2, NULL, NULL, NULL, SEED, &gp, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_gp_work_create(gp, &w, &err), SG_OK);
    sg_window_held h = {N, row, group, sg_gp_loo_residuals(gp)};
    sg_window_figures f = {0};
    cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h, 0.0, 0.95, SEED, &f, &err), SG_OK,
                 "%s", err.msg);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 99);
    double se = 0;
    size_t in = 0, m = 400;
    for (size_t k = 0; k < m; k++) {
        double x[2] = {gsl_rng_uniform(r), gsl_rng_uniform(r)}, mean;
        sg_gp_predict(gp, w, x, &mean, NULL, NULL);
        double e = smooth(x) - mean;
        se += e * e;
        in += fabs(e) <= f.half_width;
    }
    gsl_rng_free(r);
    sg_gp_work_destroy(w);
    sg_gp_destroy(gp);
    double rmse = sqrt(se / (double)m), cover = (double)in / (double)m;
    cr_expect(f.rmse > 0.5 * rmse && f.rmse < 2.0 * rmse, "window %g, test %g", f.rmse, rmse);
    cr_expect(cover >= 0.85, "coverage %g (half-width %g, test RMSE %g)", cover, f.half_width,
              rmse);
}

/* Where tau dwarfs kriging's sd, s(x) = tau everywhere and the interval
 * is the normal-theory prediction interval of a new error: Student-t with
 * m - 1 degrees of freedom, scale rms(z) sqrt(1 + 1/m), at any level and
 * any m >= 2; one large held-out error moves it through rms(z) only. */
Test(window, the_half_width_is_the_t_prediction_interval_of_the_scaled_errors)
{
    double X[2 * N], y[N], r[N];
    size_t row[N], group[N];
    table(X, y);
    loo(row, group);
    for (size_t i = 0; i < N; i++)
        r[i] = 100.0 * sin(2.0 * (double)i + 0.5);
    r[3] = 900.0; /* a corner run the fold extrapolated to */
    double levels[] = {0.95, 0.8}, tau = 1e4;
    size_t counts[] = {N, 10, 2};
    for (size_t l = 0; l < 2; l++)
        for (size_t c = 0; c < 3; c++) {
            size_t m = counts[c];
            sg_window_held h = {m, row, group, r};
            sg_window_figures f = {0};
            sg_error err;
            cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h, tau * tau, levels[l], SEED,
                                                   &f, &err),
                         SG_OK, "%s", err.msg);
            double ss = 0;
            for (size_t i = 0; i < m; i++)
                ss += r[i] / tau * (r[i] / tau);
            double rms_z = sqrt(ss / (double)m);
            double want = gsl_cdf_tdist_Pinv(0.5 + 0.5 * levels[l], (double)m - 1) *
                          sqrt(1.0 + 1.0 / (double)m) * rms_z * tau;
            cr_expect(f.reachable);
            cr_expect(fabs(f.rms_z / rms_z - 1) < 1e-6, "m %zu: rms z %g, want %g", m, f.rms_z,
                      rms_z);
            cr_expect(fabs(f.half_width / want - 1) < 1e-5,
                      "level %g, m %zu: half-width %.9g, want %.9g", levels[l], m, f.half_width,
                      want);
        }
}

/* A single held-out prediction has no degree of freedom: the interval is
 * the largest z times the largest scale, and says so. */
Test(window, one_held_out_prediction_gives_the_largest_and_says_so)
{
    double X[2 * N], y[N], r[N];
    size_t row[N], group[N];
    table(X, y);
    loo(row, group);
    for (size_t i = 0; i < N; i++)
        r[i] = 0.01 * (double)(i + 1);
    sg_window_held one = {1, row, group, r}, two = {2, row, group, r};
    sg_window_figures f = {0}, g = {0};
    sg_error err;
    cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &one, 0.0, 0.95, SEED, &f, &err), SG_OK);
    cr_expect(!f.reachable);
    cr_expect_eq(f.n_z, 1);
    cr_expect(f.half_width > f.rmse, "the largest s: %g beside the rms %g", f.half_width, f.rmse);
    cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &two, 0.0, 0.95, SEED, &g, &err), SG_OK);
    cr_expect(g.reachable);
}

static int ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* q_z is the split-conformal quantile of the scaled residuals: the
 * ceil((m + 1) level)-th smallest, the largest when m is too small. */
Test(window, q_z_is_the_conformal_quantile_of_the_scaled_residuals)
{
    double X[2 * N], y[N], r[N], z[N];
    size_t row[N], group[N];
    table(X, y);
    loo(row, group);
    for (size_t i = 0; i < N; i++)
        r[i] = 0.01 * sin(3.0 * (double)i + 1.0);
    sg_window_held h = {N, row, group, r};
    sg_window_figures f = {0};
    f.z_each = z;
    sg_error err;
    cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h, 0.0, 0.8, SEED, &f, &err), SG_OK);
    double a[N];
    for (size_t i = 0; i < N; i++)
        a[i] = fabs(z[i]);
    qsort(a, N, sizeof *a, ascending);
    size_t k = (size_t)ceil((N + 1) * 0.8);
    cr_expect(f.q_z == a[k - 1], "q_z %.17g, the %zu-th smallest %.17g", f.q_z, k, a[k - 1]);
    cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h, 0.0, 0.999, SEED, &f, &err), SG_OK);
    cr_expect(f.q_z == a[N - 1], "too few for 0.999: the largest");
}

/* A group held out together is refitted without all of its rows: its
 * scales are larger than leave-one-out's, so the same residuals give
 * smaller z. */
Test(window, a_group_is_refitted_without_all_its_rows)
{
    double X[2 * N], y[N], r[N];
    size_t row[N], group[N], blocks[N];
    table(X, y);
    loo(row, group);
    for (size_t i = 0; i < N; i++) {
        r[i] = 0.05;
        blocks[i] = i / 10; /* three folds of 10 rows */
    }
    sg_window_held h1 = {N, row, group, r}, h3 = {N, row, blocks, r};
    sg_window_figures f1 = {0}, f3 = {0};
    sg_error err;
    cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h1, 0.0, 0.95, SEED, &f1, &err), SG_OK);
    cr_assert_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h3, 0.0, 0.95, SEED, &f3, &err), SG_OK);
    cr_expect(f3.rms_z < f1.rms_z, "three folds %g, leave-one-out %g", f3.rms_z, f1.rms_z);
}

/* A model that predicts 0 everywhere (sg_window_predict_fn). */
static sg_status zero_model(void *user, const double *P, size_t m, double *out, sg_error *err)
{
    (void)user;
    (void)P;
    (void)err;
    for (size_t k = 0; k < m; k++)
        out[k] = 0.0;
    return SG_OK;
}

Test(window, bad_input_is_refused_with_a_reason)
{
    double X[2 * N], y[N], r[N] = {0};
    size_t row[N], group[N];
    table(X, y);
    loo(row, group);
    sg_window_held h = {N, row, group, r};
    sg_window_figures f = {0};
    sg_error err;
    cr_expect_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h, -1.0, 0.95, SEED, &f, &err),
                 SG_ERR_INVALID);
    cr_expect_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h, 0.0, 1.0, SEED, &f, &err),
                 SG_ERR_INVALID);
    cr_expect_eq(sg_window_figures_compute(X, y, N, 2, NULL, NULL, 0.0, 0.95, SEED, &f, &err),
                 SG_ERR_INVALID);
    row[3] = N;
    cr_expect_eq(sg_window_figures_compute(X, y, N, 2, NULL, &h, 0.0, 0.95, SEED, &f, &err),
                 SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "row") != NULL, "%s", err.msg);
    row[3] = 3;
    double c[N];
    for (size_t i = 0; i < N; i++)
        c[i] = 5.0;
    cr_expect_eq(sg_window_figures_compute(X, c, N, 2, NULL, &h, 0.0, 0.95, SEED, &f, &err),
                 SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "constant") != NULL, "%s", err.msg);
    cr_expect_eq(sg_window_figures_compute(X, y, SG_WINDOW_MAX_ROWS + 1, 2, NULL, &h, 0.0,
                                           0.95, SEED, &f, &err),
                 SG_ERR_LIMIT);
    /* categories must be whole: three one-hot inputs in two columns, or a
     * "category" of one name */
    const size_t split[2] = {0, 3}, one[2] = {1, 0};
    cr_expect_eq(sg_window_figures_compute(X, y, N, 2, split, &h, 0.0, 0.95, SEED, &f, &err),
                 SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "not whole") != NULL, "%s", err.msg);
    cr_expect_eq(sg_window_figures_compute(X, y, N, 2, one, &h, 0.0, 0.95, SEED, &f, &err),
                 SG_ERR_INVALID);
    double kriging[SG_WINDOW_POINTS] = {0}, rms;
    cr_expect_eq(sg_window_disagreement(X, N, 2, split, kriging, zero_model, NULL, SEED, &rms,
                                        &err),
                 SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "not whole") != NULL, "%s", err.msg);
}

/* Counts of what sg_window_disagreement asks a model at: a number's
 * setting (input 0), a two-name category's 0/1 input (1) and the one-hot
 * inputs of a category of four names (2..5) whose fourth name no run
 * holds. */
typedef struct point_tally {
    size_t points, bad, second_name, name[4];
    double lo, hi;
} point_tally;

static sg_status tally_points(void *user, const double *P, size_t m, double *out, sg_error *err)
{
    (void)err;
    point_tally *t = user;
    for (size_t k = 0; k < m; k++) {
        const double *p = P + k * 6;
        double ones = 0;
        for (size_t l = 0; l < 4; l++) {
            ones += p[2 + l];
            t->name[l] += p[2 + l] == 1.0;
            t->bad += p[2 + l] != 0.0 && p[2 + l] != 1.0;
        }
        t->bad += ones != 1.0 || (p[1] != 0.0 && p[1] != 1.0);
        t->second_name += p[1] == 1.0;
        t->lo = fmin(t->lo, p[0]);
        t->hi = fmax(t->hi, p[0]);
        out[k] = 0.0;
        t->points++;
    }
    return SG_OK;
}

/* The window's points give a category one of the names its runs hold,
 * each as likely (binomial sd of a share of 1000 draws: 0.016), and a
 * number any setting of its range. */
Test(window, points_take_one_name_of_each_category)
{
    enum { R = 12, D = 6 };
    double X[R * D] = {0}, kriging[SG_WINDOW_POINTS] = {0};
    for (size_t r = 0; r < R; r++) {
        X[r * D] = 2.0 + (double)r;     /* 2 .. 13 */
        X[r * D + 1] = (double)(r % 2); /* both names of the first category */
        X[r * D + 2 + r % 3] = 1.0;     /* three of the second's four names */
    }
    const size_t names[D] = {0, 2, 4, 4, 4, 4};
    point_tally t = {.lo = INFINITY, .hi = -INFINITY};
    double rms = -1;
    sg_error err;
    cr_assert_eq(sg_window_disagreement(X, R, D, names, kriging, tally_points, &t, SEED, &rms,
                                        &err),
                 SG_OK, "%s", err.msg);
    cr_expect_eq(t.points, SG_WINDOW_POINTS);
    cr_expect_eq(t.bad, 0, "%zu points are not one name of each category", t.bad);
    cr_expect_eq(t.name[3], 0, "the name no run holds was drawn %zu times", t.name[3]);
    for (size_t l = 0; l < 3; l++)
        cr_expect(fabs((double)t.name[l] / SG_WINDOW_POINTS - 1.0 / 3.0) < 0.05, "name %zu: %zu",
                  l, t.name[l]);
    cr_expect(fabs((double)t.second_name / SG_WINDOW_POINTS - 0.5) < 0.05, "%zu",
              t.second_name);
    cr_expect(t.lo >= 2.0 && t.lo < 2.1 && t.hi <= 13.0 && t.hi > 12.9, "%g .. %g", t.lo, t.hi);
    cr_expect_float_eq(rms, 0.0, 1e-15);
}
