#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>

#include "analysis/rsm.h"

/* Exact quadratic in 3 factors with "high-entropy" coefficients. */
static double truth(const double *x)
{
    return 12.385 + 0.75 * x[0] - 1.25 * x[1] + 0.0625 * x[2] + 0.0035 * x[0] * x[0] -
           0.875 * x[1] * x[1] + 0.002 * x[2] * x[2] + 0.0125 * x[0] * x[1] -
           0.004 * x[0] * x[2] + 0.33 * x[1] * x[2];
}

Test(rsm, recovers_exact_quadratic)
{
    gsl_set_error_handler_off();
    enum { N = 30 };
    double X[N * 3], y[N];
    for (int i = 0; i < N; i++) {
        X[i * 3 + 0] = 50 + 100.0 * fmod(i * 0.618034, 1.0);
        X[i * 3 + 1] = -2 + 4.0 * fmod(i * 0.41421356 + 0.1, 1.0);
        X[i * 3 + 2] = 20 + 20.0 * fmod(i * 0.7320508 + 0.3, 1.0);
        y[i] = truth(X + i * 3);
    }
    sg_rsm *m = NULL;
    cr_assert_eq(sg_rsm_fit(X, 3, 3, y, 1, NULL, N, &m, NULL), SG_OK);
    cr_expect_eq(sg_rsm_n_terms(3), 10);
    cr_expect_eq(sg_rsm_rank(m), 10);
    cr_expect_str_eq(sg_rsm_warning(m), "");
    double probe[][3] = {{77.7, 1.234, 31.5}, {140.0, -1.9, 22.2}, {61.0, 0.0, 39.0}};
    for (int p = 0; p < 3; p++)
        cr_expect(fabs(sg_rsm_predict(m, probe[p]) - truth(probe[p])) < 1e-9, "probe %d", p);
    sg_rsm_destroy(m);
}

Test(rsm, subset_rows_and_strided_response)
{
    gsl_set_error_handler_off();
    /* y in column 1 of a (n, 2) table; fit only on even rows. */
    enum { N = 24 };
    double X[N], Y[N * 2];
    size_t rows[N / 2];
    for (int i = 0; i < N; i++) {
        X[i] = 0.37 * i - 2.1;
        Y[i * 2] = 0;
        Y[i * 2 + 1] = 3.5 - 1.25 * X[i] + 0.75 * X[i] * X[i];
    }
    for (int i = 0; i < N / 2; i++)
        rows[i] = (size_t)(2 * i);
    sg_rsm *m = NULL;
    cr_assert_eq(sg_rsm_fit(X, 1, 1, Y + 1, 2, rows, N / 2, &m, NULL), SG_OK);
    double x = 1.111;
    cr_expect(fabs(sg_rsm_predict(m, &x) - (3.5 - 1.25 * x + 0.75 * x * x)) < 1e-9);
    sg_rsm_destroy(m);
}

Test(rsm, rank_deficiency_is_reported_not_nan)
{
    gsl_set_error_handler_off();
    /* Two factors at only 2 levels each: x² is not separable from x. */
    double X[] = {0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1};
    double y[] = {1, 2, 3, 4.5, 1.1, 4.4, 2.1};
    sg_rsm *m = NULL;
    cr_assert_eq(sg_rsm_fit(X, 2, 2, y, 1, NULL, 7, &m, NULL), SG_OK);
    cr_expect_lt(sg_rsm_rank(m), sg_rsm_n_terms(2));
    cr_expect(strstr(sg_rsm_warning(m), "supports only 4 of the 6") != NULL, "%s",
              sg_rsm_warning(m));
    cr_expect(strstr(sg_rsm_warning(m), "x1^2") && strstr(sg_rsm_warning(m), "x2^2"), "%s",
              sg_rsm_warning(m));
    cr_expect_eq(sg_rsm_coefficients(m)[3], 0.0, "dropped term has coefficient 0");
    double x[2] = {0.5, 0.5};
    cr_expect(isfinite(sg_rsm_predict(m, x)));
    sg_rsm_destroy(m);
}

Test(rsm, errors)
{
    gsl_set_error_handler_off();
    sg_error err;
    sg_rsm *m = NULL;
    double X[] = {1, 2, 3}, y[] = {1, 2, NAN};
    cr_expect_eq(sg_rsm_fit(X, 1, 1, y, 1, NULL, 3, &m, &err), SG_ERR_NUMERIC);
    cr_expect_null(m);
    cr_expect_eq(sg_rsm_fit(X, 1, 1, y, 1, NULL, 2, &m, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "3 terms") != NULL, "%s", err.msg);
    cr_expect_eq(sg_rsm_fit(X, 1, 0, y, 1, NULL, 3, &m, &err), SG_ERR_INVALID);
    sg_rsm_destroy(NULL);
}

/* Degenerate inputs come back as a status, never through GSL's error
 * handler: the test keeps GSL's default handler, which aborts. */
Test(rsm, degenerate_inputs_return_a_status_under_gsl_default_handler)
{
    gsl_set_error_handler(NULL); /* GSL's default: abort on any GSL error */
    sg_error err;
    sg_rsm *m = NULL;
    /* a range beyond DBL_MAX: the midpoint overflows, coding gives -inf */
    double Xh[] = {1.0e308, 1.5e308, 1.7e308, 1.2e308}, yh[] = {1.385, 2.713, 3.042, 2.268};
    cr_expect_eq(sg_rsm_fit(Xh, 1, 1, yh, 1, NULL, 4, &m, &err), SG_ERR_NUMERIC);
    cr_expect_null(m);
    cr_expect(strstr(err.msg, "too wide to code") != NULL, "%s", err.msg);
    /* every row the same: a singular design keeps only the constant term */
    double Xs[] = {2.385, 2.385, 2.385, 2.385}, ys[] = {1.385, 2.713, 3.042, 2.268};
    cr_assert_eq(sg_rsm_fit(Xs, 1, 1, ys, 1, NULL, 4, &m, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(sg_rsm_rank(m), 1);
    cr_expect(fabs(sg_rsm_predict(m, Xs) - (1.385 + 2.713 + 3.042 + 2.268) / 4) < 1e-12);
    sg_rsm_destroy(m);
    gsl_set_error_handler_off();
}
