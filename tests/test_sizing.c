#include <criterion/criterion.h>

#include "model/sizing.h"

Test(sizing, small_tables_keep_the_small_table_settings)
{
    /* brazing (27 runs) and anything under the threshold: untouched */
    cr_expect_not(sg_sizing_choose(27, 4, 3).large);
    cr_expect_not(sg_sizing_choose(SG_SIZING_LARGE_ROWS - 1, 8, 1).large);
    cr_expect(sg_sizing_choose(SG_SIZING_LARGE_ROWS, 8, 1).large);
}

Test(sizing, friedman_shapes_get_the_documented_plans)
{
    sg_sizing_plan a = sg_sizing_choose(1000, 8, 1);
    cr_expect_eq(a.width, 32);
    cr_expect_eq(a.epochs, 400);
    cr_expect_eq(a.batch_size, 64);
    cr_expect_eq(a.cv_folds, 5);

    sg_sizing_plan b = sg_sizing_choose(10000, 8, 1);
    cr_expect_eq(b.width, 64);
    cr_expect_eq(b.epochs, 200);
    cr_expect_eq(b.patience, 40);
    cr_expect_eq(b.lr_decay_every, 66);
    cr_expect_eq(b.cv_folds, 5);

    sg_sizing_plan c = sg_sizing_choose(100000, 8, 1);
    cr_expect_eq(c.width, 104);
    cr_expect_eq(c.epochs, SG_SIZING_MIN_EPOCHS);
    cr_expect_eq(c.batch_size, 256);
    cr_expect_eq(c.cv_folds, 0, "one hold-out share instead of k-fold");
    cr_expect_float_eq(c.holdout_share, 0.2, 0.0);
}

Test(sizing, row_gradient_work_grows_at_most_linearly)
{
    /* rows x epochs (one training run) may not grow faster than the rows */
    size_t rows[] = {500, 1000, 5000, 10000, 50000, 100000, 1000000};
    for (size_t i = 1; i < sizeof rows / sizeof rows[0]; i++) {
        sg_sizing_plan lo = sg_sizing_choose(rows[i - 1], 8, 1);
        sg_sizing_plan hi = sg_sizing_choose(rows[i], 8, 1);
        double w_lo = (double)rows[i - 1] * (double)lo.epochs;
        double w_hi = (double)rows[i] * (double)hi.epochs;
        cr_expect_leq(w_hi / w_lo, (double)rows[i] / (double)rows[i - 1] + 1e-12,
                      "rows %zu -> %zu", rows[i - 1], rows[i]);
        cr_expect_geq(hi.width, lo.width, "widths never shrink as rows grow");
    }
}

Test(sizing, width_stays_in_bounds_for_extreme_shapes)
{
    sg_sizing_plan wide = sg_sizing_choose(600, 200, 5); /* few rows per input */
    cr_expect_eq(wide.width, SG_SIZING_MIN_WIDTH);
    sg_sizing_plan huge = sg_sizing_choose((size_t)1e8, 1, 0);
    cr_expect_eq(huge.width, SG_SIZING_MAX_WIDTH);
    cr_expect_eq(huge.epochs, SG_SIZING_MIN_EPOCHS);
    cr_expect_eq(sg_sizing_choose(7752, 21, 2).width, 48); /* weather table shape */
}
