/* Tests of the skew-correcting warp (model/warp.h): identity on normal
 * data, too few or constant values; the power on the side of the optimum's
 * tail only; warped values close to normal; order kept. */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "model/warp.h"

#define N 60

/* Normal quantiles at (i + 0.5) / n: normal data without sampling noise. */
static void normal_scores(double *y, size_t n, double mean, double sd)
{
    for (size_t i = 0; i < n; i++)
        y[i] = mean + sd * gsl_cdf_ugaussian_Pinv(((double)i + 0.5) / (double)n);
}

/* Most values near 0 and a long tail of low ones, as Hartmann-6's runs:
 * -exp(normal score). */
static void low_tail(double *y, size_t n)
{
    normal_scores(y, n, 0.0, 1.0);
    for (size_t i = 0; i < n; i++)
        y[i] = -exp(y[i]);
}

Test(warp, normal_data_keep_the_identity)
{
    double y[N];
    normal_scores(y, N, 300.0, 25.0);
    sg_warp w = sg_warp_fit(y, N, true);
    cr_expect_not(w.used);
    cr_expect_lt(w.gain, SG_WARP_TEST_CHI2, "gain %g on normal data", w.gain);
    cr_expect_eq(sg_warp_apply(&w, 312.5), 312.5);
    w = sg_warp_fit(y, N, false);
    cr_expect_not(w.used);
}

Test(warp, a_tail_toward_the_optimum_is_shortened)
{
    double y[N];
    low_tail(y, N);
    sg_warp w = sg_warp_fit(y, N, true); /* minimise: the low tail holds the optimum */
    cr_assert(w.used, "gain %g, lambda %g", w.gain, w.lambda);
    cr_expect_gt(w.lambda, 1.0, "a power above 1 shortens the low tail (got %g)", w.lambda);
    cr_expect_gt(w.gain, SG_WARP_TEST_CHI2);
    /* the tail is shortened: the lowest value is fewer sds below the mean */
    double lo = y[0], mean = w.shift, sd = w.width;
    double z_raw = (lo - mean) / sd, z_warped = sg_warp_apply(&w, lo);
    double t_mean = 0.0, t_var = 0.0;
    for (size_t i = 0; i < N; i++)
        t_mean += sg_warp_apply(&w, y[i]) / N;
    for (size_t i = 0; i < N; i++)
        t_var += pow(sg_warp_apply(&w, y[i]) - t_mean, 2) / N;
    double z_after = (z_warped - t_mean) / sqrt(t_var);
    cr_expect_gt(z_after, z_raw + 0.5, "lowest value %g sd from the mean, warped %g", z_raw,
                 z_after);
}

Test(warp, a_tail_of_poor_runs_is_left_alone)
{
    double y[N];
    low_tail(y, N);
    sg_warp w = sg_warp_fit(y, N, false); /* maximise: the tail is the poor runs */
    cr_expect_not(w.used, "lambda %g", w.lambda);
    cr_expect_gt(w.gain, SG_WARP_TEST_CHI2, "the data are skewed all the same");
    for (size_t i = 0; i < N; i++)
        y[i] = -y[i]; /* now the long tail is high: a maximisation's optimum */
    w = sg_warp_fit(y, N, false);
    cr_assert(w.used);
    cr_expect_lt(w.lambda, 1.0, "a power below 1 shortens the high tail (got %g)", w.lambda);
}

Test(warp, warped_values_are_close_to_normal)
{
    double y[N], t[N];
    low_tail(y, N);
    sg_warp w = sg_warp_fit(y, N, true);
    cr_assert(w.used);
    for (size_t i = 0; i < N; i++)
        t[i] = sg_warp_apply(&w, y[i]);
    sg_warp again = sg_warp_fit(t, N, true);
    cr_expect_lt(again.gain, SG_WARP_TEST_CHI2, "a second warp still gains %g (power %g)",
                 again.gain, again.lambda);
    cr_expect_lt(fabs(again.lambda - 1.0), 0.3, "second power %g", again.lambda);
}

Test(warp, order_is_kept)
{
    double y[N];
    low_tail(y, N);
    sg_warp w = sg_warp_fit(y, N, true);
    cr_assert(w.used);
    double prev = -INFINITY;
    for (int k = -400; k <= 400; k++) { /* across both branches and beyond the data */
        double v = sg_warp_apply(&w, w.shift + 0.01 * k * w.width);
        cr_expect_gt(v, prev, "not increasing at %d", k);
        prev = v;
    }
}

Test(warp, too_few_constant_or_missing_values_give_the_identity)
{
    double y[N];
    low_tail(y, N);
    cr_expect_not(sg_warp_fit(y, SG_WARP_MIN_VALUES - 1, true).used);
    double c[8] = {2, 2, 2, 2, 2, 2, 2, 2};
    cr_expect_not(sg_warp_fit(c, 8, true).used);
    cr_expect_not(sg_warp_fit(NULL, 0, true).used);
    y[3] = NAN; /* a missing value is skipped, not a failure */
    sg_warp w = sg_warp_fit(y, N, true);
    cr_expect(w.used);
    cr_expect(isfinite(w.shift) && isfinite(w.width));
}
