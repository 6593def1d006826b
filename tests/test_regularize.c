/* test_regularize.c — the weight penalty chosen from the table
 * (model/regularize.h): a noisy response gets a strong penalty, a smooth
 * exact one a weak penalty; the choice is deterministic, per network, and
 * skipped where it does not apply. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/regularize.h"
#include "model/sizing.h"

#define N 40

/* Two responses on two factors in [0, 1]: y0 smooth and exact, y1 a weak
 * linear trend buried in noise (sd 1 against a trend of 0.3). */
static void make_table(double *X, double *Y)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    for (size_t i = 0; i < N; i++) {
        double a = gsl_rng_uniform(rng), b = gsl_rng_uniform(rng);
        X[2 * i] = a;
        X[2 * i + 1] = b;
        Y[2 * i] = sin(3.0 * a) + b * b;
        Y[2 * i + 1] = 0.3 * a + gsl_ran_gaussian(rng, 1.0);
    }
    gsl_rng_free(rng);
}

static sg_model_spec small_spec(void)
{
    sg_model_spec spec = sg_model_spec_defaults();
    spec.train.epochs = 400;
    spec.seed = 5;
    return spec;
}

Test(regularize, noise_gets_a_strong_penalty_and_a_smooth_response_a_weak_one)
{
    gsl_set_error_handler_off();
    double X[2 * N], Y[2 * N];
    make_table(X, Y);
    sg_model_spec spec = small_spec();
    sg_cv_options opt = sg_cv_options_defaults();
    sg_regularize_report rep;
    sg_error err;
    cr_assert_eq(sg_regularize_choose_l2(&spec, &opt, 2, 2, X, Y, N, &rep, &err), SG_OK, "%s",
                 err.msg);
    cr_assert(rep.chosen);
    cr_expect_str_eq(rep.plan, "kfold:5");
    cr_assert_eq(spec.n_l2_each, 2);
    cr_expect_leq(spec.l2_each[0], 1e-4, "smooth exact response: l2 %g", spec.l2_each[0]);
    cr_expect_geq(spec.l2_each[1], 1e-3, "noise: l2 %g", spec.l2_each[1]);
    /* each choice is the grid value with the smallest error, with the
     * linear trend or, where that is smaller, without it (the trend then
     * dropped) */
    cr_assert(rep.trend_tried);
    for (size_t j = 0; j < 2; j++) {
        double best = INFINITY, plain = INFINITY;
        for (size_t g = 0; g < SG_REGULARIZE_N_GRID; g++) {
            if (rep.rmse[j][g] < best)
                best = rep.rmse[j][g];
            if (rep.rmse_no_trend[j][g] < plain)
                plain = rep.rmse_no_trend[j][g];
        }
        cr_expect(isfinite(best) && isfinite(plain), "response %zu: %g, %g", j, best, plain);
        cr_expect_eq(rep.trend_dropped[j], plain < best, "response %zu: %g, %g", j, best, plain);
        cr_expect_eq(spec.no_trend_each[j], rep.trend_dropped[j]);
        cr_expect_eq(sg_model_spec_trend(&spec, j), !rep.trend_dropped[j]);
        const double *grid = rep.trend_dropped[j] ? rep.rmse_no_trend[j] : rep.rmse[j];
        size_t g = 0;
        while (sg_regularize_grid[g] != spec.l2_each[j])
            g++;
        cr_expect_eq(grid[g], fmin(best, plain), "response %zu", j);
        cr_expect_eq(sg_model_spec_l2(&spec, j), spec.l2_each[j]);
    }
    /* with [model] trend = false the search is the trend-less one alone */
    sg_model_spec off = small_spec();
    off.trend = false;
    sg_regularize_report rep_off;
    cr_assert_eq(sg_regularize_choose_l2(&off, &opt, 2, 2, X, Y, N, &rep_off, &err), SG_OK);
    cr_expect_not(rep_off.trend_tried);
    cr_expect(isnan(rep_off.rmse_no_trend[0][0]) && !off.no_trend_each[0] &&
              !off.no_trend_each[1]);
    /* deterministic */
    sg_model_spec again = small_spec();
    sg_regularize_report rep2;
    cr_assert_eq(sg_regularize_choose_l2(&again, &opt, 2, 2, X, Y, N, &rep2, &err), SG_OK);
    cr_expect(memcmp(again.l2_each, spec.l2_each, 2 * sizeof(double)) == 0);
    cr_expect(memcmp(rep2.rmse, rep.rmse, sizeof rep.rmse) == 0);
    cr_expect(memcmp(rep2.rmse_no_trend, rep.rmse_no_trend, sizeof rep.rmse_no_trend) == 0);
}

Test(regularize, small_tables_use_leave_one_out)
{
    gsl_set_error_handler_off();
    double X[2 * N], Y[2 * N];
    make_table(X, Y);
    sg_model_spec spec = small_spec();
    sg_cv_options opt = sg_cv_options_defaults();
    sg_regularize_report rep;
    sg_error err;
    cr_assert_eq(sg_regularize_choose_l2(&spec, &opt, 2, 2, X, Y, 10, &rep, &err), SG_OK, "%s",
                 err.msg);
    cr_expect(rep.chosen);
    cr_expect_str_eq(rep.plan, "loo");
}

Test(regularize, shared_networks_and_large_tables_keep_the_given_penalty)
{
    gsl_set_error_handler_off();
    double X[2 * N], Y[2 * N];
    make_table(X, Y);
    sg_model_spec spec = small_spec();
    spec.shared = true;
    sg_cv_options opt = sg_cv_options_defaults();
    sg_regularize_report rep;
    sg_error err;
    cr_assert_eq(sg_regularize_choose_l2(&spec, &opt, 2, 2, X, Y, N, &rep, &err), SG_OK);
    cr_expect(!rep.chosen);
    cr_expect_eq(spec.n_l2_each, 0);
    cr_expect_eq(sg_model_spec_l2(&spec, 1), spec.train.l2);
    /* more rows than SG_REGULARIZE_MAX_ROWS: no search (no data needed) */
    spec.shared = false;
    cr_assert_eq(sg_regularize_choose_l2(&spec, &opt, 2, 2, X, Y, SG_REGULARIZE_MAX_ROWS + 1,
                                         &rep, &err),
                 SG_OK);
    cr_expect(!rep.chosen);
    cr_expect_eq(spec.n_l2_each, 0);
}

/* A per-network penalty survives validation only when finite and >= 0. */
Test(regularize, per_network_penalties_are_validated)
{
    sg_model_spec spec = small_spec();
    sg_error err;
    spec.n_l2_each = 2;
    spec.l2_each[0] = 1e-3;
    spec.l2_each[1] = -1.0;
    cr_expect_eq(sg_model_spec_validate(&spec, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "network 2"), "%s", err.msg);
    spec.l2_each[1] = NAN;
    cr_expect_eq(sg_model_spec_validate(&spec, &err), SG_ERR_INVALID);
    spec.l2_each[1] = 0.0;
    cr_expect_eq(sg_model_spec_validate(&spec, &err), SG_OK, "%s", err.msg);
}

/* The penalties travel with the model file and train each network. */
Test(regularize, per_network_penalties_round_trip_through_the_model_file)
{
    gsl_set_error_handler_off();
    double X[2 * N], Y[2 * N];
    make_table(X, Y);
    sg_model_spec spec = small_spec();
    spec.ensemble = 2;
    spec.n_l2_each = 2;
    spec.l2_each[0] = 1e-6;
    spec.l2_each[1] = 1e-2;
    sg_model *m = NULL, *l = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&spec, 2, 2, X, Y, N, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    char path[] = "/tmp/sg_regularize_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    cr_assert_eq(sg_model_save(m, path, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_model_load(path, &l, &err), SG_OK, "%s", err.msg);
    unlink(path);
    const sg_model_spec *a = sg_model_spec_of(l);
    cr_expect_eq(a->n_l2_each, 2);
    cr_expect(a->l2_each[0] == 1e-6 && a->l2_each[1] == 1e-2);
    char *ja = NULL, *jb = NULL;
    cr_assert_eq(sg_model_to_json(m, &ja, NULL), SG_OK);
    cr_assert_eq(sg_model_to_json(l, &jb, NULL), SG_OK);
    cr_expect_str_eq(ja, jb);
    cr_expect(strstr(ja, "\"l2_per_network\"") != NULL);
    free(jb);
    /* the penalty reaches the training: another l2 for network 2 alone
     * changes the model */
    sg_model *w = NULL;
    spec.l2_each[1] = 1e-6;
    cr_assert_eq(sg_model_fit(&spec, 2, 2, X, Y, N, NULL, NULL, NULL, &w, &err), SG_OK);
    char *jw = NULL;
    cr_assert_eq(sg_model_to_json(w, &jw, NULL), SG_OK);
    cr_expect_str_neq(ja, jw);
    free(ja);
    free(jw);
    sg_model_destroy(w);
    sg_model_destroy(m);
    sg_model_destroy(l);
}

/* Friedman #1 on 5 factors (an exact response with an interaction and a
 * curvature a 6-6 network cannot follow from 200 rows), or a weak trend in
 * noise. */
#define NM 200
static double friedman1(const double *x)
{
    return 10 * sin(3.14159265358979 * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) +
           10 * x[3] + 5 * x[4];
}

static void make_mid_table(bool noisy, double *X, double *Y)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 11);
    for (size_t i = 0; i < 5 * NM; i++)
        X[i] = gsl_rng_uniform(rng);
    for (size_t i = 0; i < NM; i++)
        Y[i] = noisy ? X[5 * i] + gsl_ran_gaussian(rng, 1.0) : friedman1(X + 5 * i);
    gsl_rng_free(rng);
}

/* The networks without their linear trend: with it the default network
 * predicts this smooth table better than the large plan does, and the
 * choice between the two is what these tests are about. */
static sg_model_spec mid_spec(void)
{
    sg_model_spec spec = sg_model_spec_defaults();
    spec.size_auto = SG_SIZE_AUTO_ALL; /* as a study that leaves the settings to the fit */
    spec.seed = 3;
    spec.trend = false;
    return spec;
}

static double XM[5 * NM], YM[NM];

/* The choice on the first n rows of the table; spec starts as mid_spec()
 * with size_auto as given. */
static sg_model_spec choose_mid(bool noisy, size_t n, unsigned size_auto,
                                sg_regularize_report *rep)
{
    gsl_set_error_handler_off();
    make_mid_table(noisy, XM, YM);
    sg_model_spec spec = mid_spec();
    spec.size_auto = size_auto;
    sg_cv_options opt = sg_cv_options_defaults();
    sg_error err;
    cr_assert_eq(sg_regularize_choose_l2(&spec, &opt, 5, 1, XM, YM, n, rep, &err), SG_OK, "%s",
                 err.msg);
    return spec;
}

Test(regularize, a_mid_size_table_takes_the_large_plan_where_it_predicts_better)
{
    sg_regularize_report rep;
    sg_model_spec spec = choose_mid(false, NM, SG_SIZE_AUTO_ALL, &rep);
    cr_assert(rep.large_tried);
    cr_expect(rep.large_chosen, "large %g, default %g", rep.rmse_large[0], rep.rmse_small[0]);
    cr_expect(spec.size_large);
    /* the fit and every fold then train the large plan on 200 rows and fewer */
    sg_model_spec fold = sg_model_spec_sized(&spec, NM, 5, 1);
    sg_sizing_plan p = sg_sizing_large(NM, 5, 1);
    cr_expect_eq(fold.hidden[0], p.first_width);
    cr_expect_eq(fold.hidden[1], p.second_width);
    cr_expect_eq(fold.ensemble, p.ensemble);
    cr_expect(fold.train.early_stopping.enabled);
    cr_expect_float_eq(sg_model_spec_l2(&fold, 0), 0.0, 0.0, "early stopping instead");
}

Test(regularize, noise_keeps_the_default_network_and_small_tables_do_not_try)
{
    sg_regularize_report rep;
    sg_model_spec spec = choose_mid(true, NM, SG_SIZE_AUTO_ALL, &rep);
    cr_assert(rep.large_tried);
    cr_expect_not(rep.large_chosen, "large %g, default %g", rep.rmse_large[0],
                  rep.rmse_small[0]);
    cr_expect_not(spec.size_large);
    cr_expect_eq(sg_model_spec_sized(&spec, NM, 5, 1).hidden[0], SG_MODEL_DEFAULT_WIDTH);
    /* fewer rows, or the study gave the network's shape: not tried */
    choose_mid(false, SG_REGULARIZE_PLAN_ROWS - 1, SG_SIZE_AUTO_ALL, &rep);
    cr_expect_not(rep.large_tried);
    sg_model_spec given = choose_mid(false, NM, SG_SIZE_AUTO_ALL & ~SG_SIZE_AUTO_HIDDEN, &rep);
    cr_expect_not(rep.large_tried);
    cr_expect_not(given.size_large);
}

Test(regularize, the_pair_of_members_speaks_for_the_ensemble)
{
    /* held-out errors of 1 with a members' sd of 1: the pair's mean has
     * bias² + s²/2 = 1, so bias² = 1/2 and four members give 1/2 + 1/4 */
    double obs[4] = {0, 0, 0, 0}, pred[4] = {1, -1, 1, -1}, sd[4] = {1, 1, 1, 1};
    cr_expect_float_eq(sg_regularize_ensemble_rmse(obs, pred, sd, 4, 1, 0, 4), sqrt(0.75), 1e-12);
    cr_expect_float_eq(sg_regularize_ensemble_rmse(obs, pred, sd, 4, 1, 0, 2), 1.0, 1e-12);
    /* the spread never takes the error below 2/m of the pair's */
    double wide[4] = {3, 3, 3, 3};
    cr_expect_float_eq(sg_regularize_ensemble_rmse(obs, pred, wide, 4, 1, 0, 4), sqrt(0.5),
                       1e-12);
    /* a column of two: the second response only */
    double o2[4] = {0, 5, 0, 5}, p2[4] = {9, 7, 9, 3}, s2[4] = {0, 0, 0, 0};
    cr_expect_float_eq(sg_regularize_ensemble_rmse(o2, p2, s2, 2, 2, 1, 5), 2.0, 1e-12);
}
