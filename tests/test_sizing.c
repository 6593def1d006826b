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
    /* the table in doc/model.md, "Size-aware defaults" */
    static const struct {
        size_t rows, width, batch, epochs, patience, lr_patience, folds;
    } want[] = {
        {1000, 32, 64, SG_SIZING_LBFGS_EVALS, SG_SIZING_LBFGS_PATIENCE, 30, 5}, /* lbfgs */
        {10000, 64, 64, 400, 50, 16, 0}, /* 0: one hold-out share */
        {100000, 104, 128, 40, 5, 2, 0},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        sg_sizing_plan p = sg_sizing_choose(want[i].rows, 8, 1);
        cr_expect_eq(p.width, want[i].width, "rows %zu", want[i].rows);
        cr_expect_eq(p.batch_size, want[i].batch, "rows %zu", want[i].rows);
        cr_expect_eq(p.epochs, want[i].epochs, "rows %zu", want[i].rows);
        cr_expect_eq(p.patience, want[i].patience, "rows %zu", want[i].rows);
        cr_expect_eq(p.lr_patience, want[i].lr_patience, "rows %zu", want[i].rows);
        cr_expect_eq(p.cv_folds, want[i].folds, "rows %zu", want[i].rows);
        cr_expect_eq(p.ensemble, 4, "rows %zu", want[i].rows);
        cr_expect(p.lr_patience < p.patience, "the step is halved before training stops");
    }
    sg_sizing_plan b = sg_sizing_choose(10000, 8, 1);
    cr_expect_float_eq(b.learning_rate, 2e-3, 0.0);
    cr_expect_float_eq(b.validation_share, 0.1, 0.0);
    cr_expect_float_eq(sg_sizing_choose(100000, 8, 1).holdout_share, 0.2, 0.0);
    cr_expect_eq(sg_sizing_choose(SG_SIZING_HOLDOUT_ROWS - 1, 8, 1).cv_folds, 5);
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

Test(sizing, few_factors_get_a_wider_first_layer)
{
    /* one factor, 1,000 rows: 1,000 positions to resolve -> 128 units, and
     * the second layer keeps the width rule's budget (48^2 / 128 -> 32) */
    sg_sizing_plan s = sg_sizing_choose(1000, 1, 1);
    cr_expect_eq(s.first_width, SG_SIZING_MAX_FIRST_WIDTH);
    cr_expect_eq(s.width, 48);
    cr_expect_eq(s.second_width, 32);
    cr_expect(s.lbfgs, "below SG_SIZING_ADAM_ROWS: full-batch lbfgs");
    cr_expect_not(sg_sizing_choose(SG_SIZING_ADAM_ROWS, 8, 1).lbfgs);
    cr_expect_float_eq(s.l2, 0.0, 0.0);
    /* two factors, 10,000 rows: 100 positions each -> 25 units, below the
     * width rule: the first layer is as wide as the others */
    sg_sizing_plan t = sg_sizing_choose(10000, 2, 1);
    cr_expect_eq(t.first_width, t.width);
    /* many factors: unchanged */
    cr_expect_eq(sg_sizing_choose(100000, 8, 1).first_width, 104);
    cr_expect_eq(sg_sizing_choose(100000, 8, 1).second_width, 104);
    for (size_t n = 500; n < 2000000; n *= 3)
        for (size_t d = 1; d < 30; d += 4) {
            sg_sizing_plan p = sg_sizing_choose(n, d, 1);
            cr_expect_geq(p.first_width, p.width);
            cr_expect_leq(p.first_width, SG_SIZING_MAX_FIRST_WIDTH);
            cr_expect_eq(p.first_width % 8, 0);
        }
}
