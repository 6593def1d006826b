#include <criterion/criterion.h>
#include <math.h>

#include "analysis/metrics.h"

Test(metrics, known_answers)
{
    const double obs[] = {2.385, 4.75, 1.125, 8.5};
    const double pred[] = {2.5, 4.25, 1.375, 8.0};
    sg_metrics m;
    cr_assert_eq(sg_metrics_compute(obs, 1, pred, 1, 4, &m, NULL), SG_OK);
    double e[] = {0.115, -0.5, 0.25, -0.5};
    double sse = 0, sae = 0, mean = (2.385 + 4.75 + 1.125 + 8.5) / 4, sst = 0;
    for (int i = 0; i < 4; i++) {
        sse += e[i] * e[i];
        sae += fabs(e[i]);
        sst += (obs[i] - mean) * (obs[i] - mean);
    }
    cr_expect_float_eq(m.rmse, sqrt(sse / 4), 1e-12);
    cr_expect_float_eq(m.mae, sae / 4, 1e-12);
    cr_expect_float_eq(m.max_abs, 0.5, 1e-12);
    cr_expect_eq(m.max_row, 1);
    cr_expect(m.r2_ok);
    cr_expect_float_eq(m.r2, 1 - sse / sst, 1e-12);
}

Test(metrics, strided_columns)
{
    const double tab[] = {1.0, 2.385, 3.0, 4.75}; /* (2, 2): obs col 0, pred col 1 */
    sg_metrics m;
    cr_assert_eq(sg_metrics_compute(tab, 2, tab + 1, 2, 2, &m, NULL), SG_OK);
    cr_expect_float_eq(m.mae, (1.385 + 1.75) / 2, 1e-12);
}

Test(metrics, constant_response_gives_reason_not_nan)
{
    const double obs[] = {410.5, 410.5, 410.5};
    const double pred[] = {410.4, 410.6, 410.5};
    sg_metrics m;
    cr_assert_eq(sg_metrics_compute(obs, 1, pred, 1, 3, &m, NULL), SG_OK);
    cr_expect_not(m.r2_ok);
    cr_expect_eq(m.r2, 0.0);
    cr_expect(strstr(m.reason, "constant") != NULL);
    cr_expect(isfinite(m.rmse));
}

Test(metrics, errors)
{
    sg_metrics m;
    sg_error err;
    const double obs[] = {1.0, NAN};
    cr_expect_eq(sg_metrics_compute(obs, 1, obs, 1, 0, &m, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_metrics_compute(obs, 1, obs, 1, 2, &m, &err), SG_ERR_NUMERIC);
    cr_assert_eq(sg_metrics_compute(obs, 1, obs, 1, 1, &m, &err), SG_OK);
    cr_expect_not(m.r2_ok);
}
