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
    /* each choice is the grid value with the smallest error */
    for (size_t j = 0; j < 2; j++) {
        double best = INFINITY;
        for (size_t g = 0; g < SG_REGULARIZE_N_GRID; g++)
            if (rep.rmse[j][g] < best)
                best = rep.rmse[j][g];
        size_t g = 0;
        while (sg_regularize_grid[g] != spec.l2_each[j])
            g++;
        cr_expect_eq(rep.rmse[j][g], best, "response %zu", j);
        cr_expect_eq(sg_model_spec_l2(&spec, j), spec.l2_each[j]);
    }
    /* deterministic */
    sg_model_spec again = small_spec();
    sg_regularize_report rep2;
    cr_assert_eq(sg_regularize_choose_l2(&again, &opt, 2, 2, X, Y, N, &rep2, &err), SG_OK);
    cr_expect(memcmp(again.l2_each, spec.l2_each, 2 * sizeof(double)) == 0);
    cr_expect(memcmp(rep2.rmse, rep.rmse, sizeof rep.rmse) == 0);
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
