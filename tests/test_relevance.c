/* test_relevance.c — inputs stretched by kriging's relevance (model/relevance.h)
 * and the network trained on them (model.c folds the stretch back). */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/gp.h"
#include "model/model.h"
#include "model/relevance.h"

#define N 30
#define D 3
#define SEED 5u

static void setup(void)
{
    gsl_set_error_handler_off();
}

/* The response moves fast along factor 0, slowly along 2, not along 1. */
static double response(const double *x)
{
    return sin(4.0 * x[0]) + 0.3 * x[2];
}

/* n uniform rows of D factors on [0, 1] from seed (ld columns, the extra
 * ones left to the caller). */
static void rows(double *X, size_t ld, double *y, size_t n, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < D; j++)
            X[i * ld + j] = gsl_rng_uniform(r);
        y[i] = response(X + i * ld);
    }
    gsl_rng_free(r);
}

/* The table of most tests: N rows. */
static void table(double *X, size_t ld, double *y)
{
    rows(X, ld, y, N, 3);
}

TestSuite(relevance, .init = setup);

Test(relevance, the_factor_the_response_follows_gets_the_longest_lever)
{
    double X[N * D], y[N], s[D];
    bool fitted = false;
    sg_error err;
    table(X, D, y);
    cr_assert_eq(sg_relevance_stretch(X, y, N, D, SEED, s, &fitted, &err), SG_OK);
    cr_assert(fitted);
    cr_expect_gt(s[0], 1.5, "factor 0 stretched (%g)", s[0]);
    cr_expect_gt(s[0], s[2], "factor 0 (%g) before factor 2 (%g)", s[0], s[2]);
    cr_expect_gt(s[2], s[1], "factor 2 (%g) before the idle factor 1 (%g)", s[2], s[1]);
    cr_expect_lt(s[1], 1.0, "the idle factor shrunk (%g)", s[1]);
    for (size_t j = 0; j < D; j++)
        cr_expect(s[j] >= 1.0 / SG_RELEVANCE_MAX && s[j] <= SG_RELEVANCE_MAX, "%g", s[j]);
}

/* Known answer: sqrt(geometric mean / l_j) of the length scales kriging
 * fits to the same rows with the same starts. */
Test(relevance, the_stretch_is_the_square_root_of_the_length_scale_ratio)
{
    double X[N * D], y[N], s[D];
    sg_error err;
    table(X, D, y);
    cr_assert_eq(sg_relevance_stretch(X, y, N, D, SEED, s, NULL, &err), SG_OK);
    sg_gp_options opt = sg_gp_options_defaults();
    opt.n_starts = SG_RELEVANCE_N_STARTS;
    sg_gp *g = NULL;
    cr_assert_eq(sg_gp_fit(X, y, N, D, NULL, NULL, &opt, SEED, &g, &err), SG_OK, "%s", err.msg);
    const double *l = sg_gp_length_scales(g);
    double gm = cbrt(l[0] * l[1] * l[2]);
    for (size_t j = 0; j < D; j++) {
        double want = fmin(SG_RELEVANCE_MAX, fmax(1.0 / SG_RELEVANCE_MAX, sqrt(gm / l[j])));
        cr_expect_float_eq(s[j], want, 1e-12, "factor %zu: %g, want %g (l = %g)", j, s[j], want,
                           l[j]);
    }
    sg_gp_destroy(g);
}

/* A column with one value is left out of kriging: the other stretches are
 * exactly those of the table without it. */
Test(relevance, a_constant_column_gets_one_and_changes_nothing_else)
{
    double X[N * D], Xc[N * (D + 1)], y[N], s[D], sc[D + 1];
    sg_error err;
    table(X, D, y);
    for (size_t i = 0; i < N; i++) {
        Xc[i * (D + 1)] = X[i * D];
        Xc[i * (D + 1) + 1] = 2.5; /* the constant column */
        Xc[i * (D + 1) + 2] = X[i * D + 1];
        Xc[i * (D + 1) + 3] = X[i * D + 2];
    }
    cr_assert_eq(sg_relevance_stretch(X, y, N, D, SEED, s, NULL, &err), SG_OK);
    cr_assert_eq(sg_relevance_stretch(Xc, y, N, D + 1, SEED, sc, NULL, &err), SG_OK);
    cr_expect_eq(sc[1], 1.0);
    cr_expect_eq(sc[0], s[0]);
    cr_expect_eq(sc[2], s[1]);
    cr_expect_eq(sc[3], s[2]);
}

/* A long table: kriging sees SG_RELEVANCE_MAX_ROWS rows evenly spaced
 * through it, exactly as if they were the table. */
Test(relevance, a_long_table_is_read_through_evenly_spaced_rows)
{
    enum { LONG = 450 };
    static double X[LONG * D], y[LONG], Xs[SG_RELEVANCE_MAX_ROWS * D], ys[SG_RELEVANCE_MAX_ROWS];
    rows(X, D, y, LONG, 8);
    for (size_t i = 0; i < SG_RELEVANCE_MAX_ROWS; i++) {
        size_t row = i * LONG / SG_RELEVANCE_MAX_ROWS;
        memcpy(Xs + i * D, X + row * D, D * sizeof *X);
        ys[i] = y[row];
    }
    double s[D], t[D];
    sg_error err;
    cr_assert_eq(sg_relevance_stretch(X, y, LONG, D, SEED, s, NULL, &err), SG_OK);
    cr_assert_eq(sg_relevance_stretch(Xs, ys, SG_RELEVANCE_MAX_ROWS, D, SEED, t, NULL, &err),
                 SG_OK);
    for (size_t j = 0; j < D; j++)
        cr_expect_eq(s[j], t[j], "factor %zu: %g vs %g", j, s[j], t[j]);
    cr_expect_gt(s[0], s[1]);
}

Test(relevance, too_few_rows_or_a_constant_response_stretch_nothing)
{
    double X[N * D], y[N], s[D];
    bool fitted = true;
    sg_error err;
    table(X, D, y);
    cr_assert_eq(sg_relevance_stretch(X, y, D + 1, D, SEED, s, &fitted, &err), SG_OK);
    cr_expect(!fitted, "kriging needs d + 2 rows");
    for (size_t j = 0; j < D; j++)
        cr_expect_eq(s[j], 1.0);
    for (size_t i = 0; i < N; i++)
        y[i] = 7.0;
    fitted = true;
    cr_assert_eq(sg_relevance_stretch(X, y, N, D, SEED, s, &fitted, &err), SG_OK);
    cr_expect(!fitted, "a constant response has no relevance");
    for (size_t j = 0; j < D; j++)
        cr_expect_eq(s[j], 1.0);
}

Test(relevance, the_cache_returns_what_was_stored_under_the_same_rows_only)
{
    double X[N * D], y[N], v[2] = {1.5, 0.25}, out[2] = {0, 0};
    table(X, D, y);
    sg_relevance_cache *c = sg_relevance_cache_create();
    cr_assert(c);
    uint64_t k = sg_relevance_key(X, D, y, 1, N, SEED);
    cr_expect(!sg_relevance_cache_get(c, k, out, 2), "empty");
    sg_relevance_cache_put(c, k, v, 2);
    cr_expect(sg_relevance_cache_get(c, k, out, 2));
    cr_expect_eq(out[0], 1.5);
    cr_expect_eq(out[1], 0.25);
    cr_expect(!sg_relevance_cache_get(c, k, out, 3), "another length is another entry");
    y[N - 1] += 1e-12;
    cr_expect_neq(sg_relevance_key(X, D, y, 1, N, SEED), k, "one response value changed");
    cr_expect_neq(sg_relevance_key(X, D, y, 1, N - 1, SEED), sg_relevance_key(X, D, y, 1, N, SEED),
                  "one row fewer");
    cr_expect_neq(sg_relevance_key(X, D, y, 1, N, SEED + 1), sg_relevance_key(X, D, y, 1, N, SEED));
    uint64_t before = sg_relevance_key(X, D, y, 1, N, SEED);
    X[D + 1] += 1e-9;
    cr_expect_neq(sg_relevance_key(X, D, y, 1, N, SEED), before, "one setting changed");
    cr_expect(!sg_relevance_cache_get(NULL, k, out, 2));
    sg_relevance_cache_destroy(c);
}

static sg_model *fit(const double *X, const double *y, bool relevance,
                     sg_relevance_cache *cache)
{
    sg_model_spec s = sg_model_spec_defaults();
    s.seed = 9;
    s.train.l2 = 1e-6;
    s.train.epochs = 2000;
    s.relevance = relevance;
    s.relevance_cache = cache;
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&s, D, 1, X, y, N, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    return m;
}

static double training_rmse(const sg_model *m, const double *X, const double *y)
{
    sg_model_work *w = NULL;
    sg_error err;
    cr_assert_eq(sg_model_work_create(m, &w, &err), SG_OK);
    double sse = 0.0;
    for (size_t i = 0; i < N; i++) {
        double mu;
        sg_model_predict(m, w, X + i * D, &mu, NULL);
        sse += (mu - y[i]) * (mu - y[i]);
    }
    sg_model_work_destroy(w);
    return sqrt(sse / N);
}

/* The networks trained on stretched inputs; their first layers take the
 * stretch in, so the model predicts from settings in engineering units as
 * well as one trained without it (a stretch left out of the weights puts
 * the predictions far off). */
Test(relevance, the_fitted_model_predicts_from_unstretched_settings)
{
    double X[N * D], y[N];
    table(X, D, y);
    sg_model *plain = fit(X, y, false, NULL), *stretched = fit(X, y, true, NULL);
    double e0 = training_rmse(plain, X, y), e1 = training_rmse(stretched, X, y);
    cr_expect_lt(e1, 0.02, "training RMSE with relevance %g (without %g)", e1, e0);
    cr_expect(sg_model_spec_of(stretched)->relevance);
    cr_expect(sg_model_spec_of(stretched)->relevance_cache == NULL, "the cache is not kept");
    sg_model_destroy(plain);
    sg_model_destroy(stretched);
}

/* A stretch from the cache is the one computed: the same weights. */
Test(relevance, a_cached_stretch_gives_the_same_model)
{
    double X[N * D], y[N], q[D] = {0.3, 0.6, 0.9}, a, b;
    table(X, D, y);
    sg_relevance_cache *c = sg_relevance_cache_create();
    sg_model *m1 = fit(X, y, true, c), *m2 = fit(X, y, true, c), *m0 = fit(X, y, true, NULL);
    sg_model_work *w = NULL;
    sg_error err;
    cr_assert_eq(sg_model_work_create(m0, &w, &err), SG_OK);
    sg_model_predict(m0, w, q, &a, NULL);
    sg_model_predict(m2, w, q, &b, NULL);
    cr_expect_eq(a, b, "from the cache %.17g, computed %.17g", b, a);
    sg_model_predict(m1, w, q, &b, NULL);
    cr_expect_eq(a, b);
    sg_model_work_destroy(w);
    sg_model_destroy(m0);
    sg_model_destroy(m1);
    sg_model_destroy(m2);
    sg_relevance_cache_destroy(c);
}
