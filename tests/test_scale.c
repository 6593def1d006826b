#include <criterion/criterion.h>
#include <math.h>

#include "model/scale.h"

/* (4 rows, 3 cols): col 2 constant. */
static const double X[] = {
    2.385, -7.25, 4.5,
    9.125, 3.875, 4.5,
    -1.75, 0.3125, 4.5,
    5.0625, 12.5, 4.5,
};

Test(scale, minmax_maps_training_rows_to_unit_interval)
{
    sg_scaler *s = sg_scaler_create(3);
    cr_assert_not_null(s);
    cr_assert_eq(sg_scaler_fit(s, SG_SCALE_MINMAX, X, 3, 0, NULL, 4, NULL), SG_OK);
    cr_expect_float_eq(s->shift[0], -1.75, 1e-15);
    cr_expect_float_eq(s->width[0], 10.875, 1e-15);
    cr_expect_float_eq(s->width[2], 1.0, 0.0, "constant column gets width 1");
    double v[3] = {9.125, -7.25, 4.5};
    sg_scaler_forward(s, v);
    cr_expect_float_eq(v[0], 1.0, 1e-15);
    cr_expect_float_eq(v[1], 0.0, 1e-15);
    cr_expect_float_eq(v[2], 0.0, 1e-15);
    sg_scaler_inverse(s, v);
    cr_expect_float_eq(v[0], 9.125, 1e-13);
    cr_expect_float_eq(v[1], -7.25, 1e-13);
    cr_expect_float_eq(sg_scaler_dforward(s, 0) * sg_scaler_dinverse(s, 0), 1.0, 1e-15);
    sg_scaler_destroy(s);
}

Test(scale, zscore_uses_sample_sd_and_subset_rows)
{
    sg_scaler *s = sg_scaler_create(1);
    size_t rows[] = {0, 2}; /* column 1 rows 0 and 2: -7.25, 0.3125 */
    cr_assert_eq(sg_scaler_fit(s, SG_SCALE_ZSCORE, X, 3, 1, rows, 2, NULL), SG_OK);
    double mean = (-7.25 + 0.3125) / 2, sd = fabs(-7.25 - 0.3125) / sqrt(2.0);
    cr_expect_float_eq(s->shift[0], mean, 1e-14);
    cr_expect_float_eq(s->width[0], sd, 1e-14);
    sg_scaler_destroy(s);
}

Test(scale, none_is_identity)
{
    sg_scaler *s = sg_scaler_create(3);
    cr_assert_eq(sg_scaler_fit(s, SG_SCALE_NONE, X, 3, 0, NULL, 4, NULL), SG_OK);
    double v[3] = {2.385, 1.5, -3.0};
    sg_scaler_forward(s, v);
    cr_expect_eq(v[0], 2.385);
    cr_expect_eq(v[2], -3.0);
    sg_scaler_destroy(s);
}

Test(scale, errors_and_names)
{
    sg_error err;
    sg_scale_kind k;
    cr_expect_eq(sg_scale_kind_parse("zscore", &k, &err), SG_OK);
    cr_expect_eq(k, SG_SCALE_ZSCORE);
    cr_expect_eq(sg_scale_kind_parse("minmaxx", &k, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "minmaxx") != NULL);
    cr_expect_str_eq(sg_scale_kind_name(SG_SCALE_MINMAX), "minmax");
    sg_scaler *s = sg_scaler_create(1);
    double bad[] = {1.0, NAN};
    cr_expect_eq(sg_scaler_fit(s, SG_SCALE_MINMAX, bad, 1, 0, NULL, 2, &err), SG_ERR_NUMERIC);
    cr_expect_eq(sg_scaler_fit(s, SG_SCALE_MINMAX, bad, 1, 0, NULL, 0, &err), SG_ERR_INVALID);
    sg_scaler *c = sg_scaler_copy(s);
    cr_expect_not_null(c);
    sg_scaler_destroy(c);
    sg_scaler_destroy(s);
    sg_scaler_destroy(NULL);
}
