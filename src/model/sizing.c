#include "model/sizing.h"

#include <math.h>

static size_t clamp_size(double v, size_t lo, size_t hi)
{
    if (!(v > (double)lo)) /* also catches NaN */
        return lo;
    if (v > (double)hi)
        return hi;
    return (size_t)v;
}

/* Width doubles every factor of 16 in rows per (input + output), rounded up
 * to a multiple of 8: 32 at 1,000 rows of 8 inputs, 64 at 10,000, 104 at
 * 100,000, capped at 128.  Narrow nets (4-4) stay well above the noise
 * floor of Friedman #1; 64-64 reaches it at 10,000 rows (doc/model.md). */
static size_t choose_width(size_t n_rows, size_t n_inputs, size_t n_outputs)
{
    double per_dim = (double)n_rows / (double)(n_inputs + n_outputs);
    double w = 32.0 * pow(2.0, log2(per_dim / 100.0) / 4.0);
    size_t width = clamp_size(w, SG_SIZING_MIN_WIDTH, SG_SIZING_MAX_WIDTH);
    return (width + 7u) / 8u * 8u; /* multiples of 8 suit the fused kernel */
}

/* A table of n rows over d factors resolves about n^(1/d) positions along
 * each factor.  With few factors that is more than the width rule allows
 * for (1,000 rows of one factor: 1,000 positions), and a response that
 * varies quickly along it needs first-layer units to place its transitions:
 * a quarter of the positions, up to SG_SIZING_MAX_FIRST_WIDTH (doc/model.md:
 * y = x sin(10 pi x) + 2 goes from R² 0.79 at 48-48 to 0.999 at 128-48). */
static size_t choose_first_width(size_t n_rows, size_t n_inputs, size_t width)
{
    double positions = pow((double)n_rows, 1.0 / (double)n_inputs);
    size_t w = clamp_size(positions / 4.0, width, SG_SIZING_MAX_FIRST_WIDTH);
    return (w + 7u) / 8u * 8u > SG_SIZING_MAX_FIRST_WIDTH ? SG_SIZING_MAX_FIRST_WIDTH
                                                          : (w + 7u) / 8u * 8u;
}

static size_t choose_epochs(size_t n_rows)
{
    return clamp_size(ceil(SG_SIZING_ROW_PASSES / (double)n_rows), SG_SIZING_MIN_EPOCHS,
                      SG_SIZING_MAX_EPOCHS);
}

sg_sizing_plan sg_sizing_choose(size_t n_rows, size_t n_inputs, size_t n_outputs)
{
    if (n_rows < SG_SIZING_LARGE_ROWS) {
        sg_sizing_plan small = {0};
        return small;
    }
    return sg_sizing_large(n_rows, n_inputs, n_outputs);
}

sg_sizing_plan sg_sizing_large(size_t n_rows, size_t n_inputs, size_t n_outputs)
{
    sg_sizing_plan p = {0};
    n_inputs = n_inputs ? n_inputs : 1;
    n_outputs = n_outputs ? n_outputs : 1;
    p.large = true;
    p.n_hidden = 2;
    p.width = choose_width(n_rows, n_inputs, n_outputs);
    p.first_width = choose_first_width(n_rows, n_inputs, p.width);
    /* after a wider first layer the weights between the first two layers
     * keep the width rule's budget (width^2), with at least 32 units */
    size_t second = (p.width * p.width / p.first_width + 7u) / 8u * 8u;
    p.second_width = second < SG_SIZING_MIN_WIDTH ? SG_SIZING_MIN_WIDTH
                     : second > p.width          ? p.width
                                                 : second;
    p.l2 = 0.0;
    p.batch_size = n_rows >= 50000u ? 128u : 64u;
    p.epochs = choose_epochs(n_rows);
    p.learning_rate = 2e-3;
    /* plateaus are judged in epochs, so they shorten as the epochs do */
    p.patience = clamp_size((double)p.epochs / 8.0, 4, 100);
    p.lr_patience = clamp_size((double)p.patience / 3.0, 2, 30);
    if (n_rows < SG_SIZING_ADAM_ROWS) { /* quasi-Newton on the whole table */
        p.lbfgs = true;
        p.epochs = SG_SIZING_LBFGS_EVALS;
        p.patience = SG_SIZING_LBFGS_PATIENCE;
    }
    p.validation_share = 0.1;
    p.ensemble = 4; /* an even number: two threads or ranks share it evenly */
    p.cv_folds = n_rows >= SG_SIZING_HOLDOUT_ROWS ? 0u : 5u;
    p.holdout_share = 0.2;
    return p;
}
