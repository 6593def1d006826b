/* Tests of descriptive statistics (describe.h).  Expected values computed
 * independently (Python statistics module; quartiles by linear
 * interpolation between order statistics). */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>

#include "analysis/describe.h"

#define TOL 1e-12

/* X (6, 3) row-major: columns a, b, and a constant 2.5. */
static const double X[] = {
    2.385, 0.5, 2.5, 7.1, 1.75, 2.5, 3.3, -2.2, 2.5, 9.75, 3.3, 2.5, 4.2, 8.125, 2.5, -1.25, 0.9, 2.5,
};

static void setup(void) { gsl_set_error_handler_off(); }
TestSuite(describe, .init = setup);

static void expect_close(double got, double want, const char *what)
{
    cr_expect(fabs(got - want) <= TOL * fmax(1.0, fabs(want)), "%s: got %.17g want %.17g", what,
              got, want);
}

Test(describe, column_statistics_known_values)
{
    sg_col_stats s[3];
    sg_error err;
    cr_assert_eq(sg_describe_columns(X, 6, 3, s, &err), SG_OK);
    const struct {
        double mean, sd, min, q1, median, q3, max;
    } want[2] = {
        {4.2475, 3.821143480687424, -1.25, 2.61375, 3.75, 6.375, 9.75},
        {2.0625, 3.4740376365261216, -2.2, 0.6, 1.325, 2.9125, 8.125},
    };
    for (int j = 0; j < 2; j++) {
        cr_expect_eq(s[j].n, 6);
        expect_close(s[j].mean, want[j].mean, "mean");
        expect_close(s[j].sd, want[j].sd, "sd");
        expect_close(s[j].min, want[j].min, "min");
        expect_close(s[j].q1, want[j].q1, "q1");
        expect_close(s[j].median, want[j].median, "median");
        expect_close(s[j].q3, want[j].q3, "q3");
        expect_close(s[j].max, want[j].max, "max");
        cr_expect_not(s[j].constant);
    }
    cr_expect(s[2].constant);
    cr_expect_eq(s[2].sd, 0.0);
    cr_expect_eq(s[2].median, 2.5);
}

/* Settings symmetric about zero (a rake angle of -6, 0, 6 deg in the order
 * of a definitive screening design) have a mean of exactly 0, not the
 * -5.1e-20 a running mean leaves. */
Test(describe, symmetric_settings_have_a_mean_of_zero)
{
    const double rake[17] = {6, 6, -6, 6, 6, 0, -6, -6, -6, -6, 6, -6, -6, 0, 6, 6, 0};
    sg_col_stats s;
    cr_assert_eq(sg_describe_columns(rake, 17, 1, &s, NULL), SG_OK);
    cr_expect_eq(s.mean, 0.0, "mean %.17g", s.mean);
}

Test(describe, single_row_has_zero_sd)
{
    sg_col_stats s;
    double x = 3.7;
    cr_assert_eq(sg_describe_columns(&x, 1, 1, &s, NULL), SG_OK);
    cr_expect_eq(s.sd, 0.0);
    cr_expect_eq(s.q1, 3.7);
    cr_expect_eq(s.q3, 3.7);
    cr_expect(s.constant);
}

Test(describe, errors)
{
    sg_col_stats s;
    sg_error err;
    cr_expect_eq(sg_describe_columns(X, 0, 3, &s, &err), SG_ERR_INVALID);
    double bad[] = {1.0, NAN};
    cr_expect_eq(sg_describe_columns(bad, 2, 1, &s, &err), SG_ERR_NUMERIC);
    cr_expect_str_eq(err.msg, "describe: non-finite value at row 2, column 1");
}

Test(describe, correlation_matrix_with_constant_flag)
{
    double r[9];
    bool def[9];
    sg_error err;
    cr_assert_eq(sg_describe_correlation(X, 6, 3, r, def, &err), SG_OK);
    expect_close(r[0 * 3 + 1], 0.2858000547685678, "r_ab");
    expect_close(r[1 * 3 + 0], 0.2858000547685678, "r_ba");
    cr_expect_eq(r[0], 1.0);
    cr_expect_eq(r[4], 1.0);
    cr_expect(def[1] && def[3] && def[0]);
    for (int k = 0; k < 3; k++) {
        cr_expect_not(def[k * 3 + 2], "row %d", k);
        cr_expect_not(def[2 * 3 + k], "col %d", k);
        cr_expect_eq(r[k * 3 + 2], 0.0);
        cr_expect(!isnan(r[2 * 3 + k]));
    }
}

Test(describe, correlation_of_perfectly_linear_columns_is_one)
{
    double x[8];
    for (int i = 0; i < 4; i++) {
        x[2 * i] = 1.5 * i + 0.25;
        x[2 * i + 1] = -3.0 * i + 7.0;
    }
    double r[4];
    cr_assert_eq(sg_describe_correlation(x, 4, 2, r, NULL, NULL), SG_OK);
    expect_close(r[1], -1.0, "r");
}
