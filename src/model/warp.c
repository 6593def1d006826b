/* warp.c — Yeo-Johnson power transform with the power by maximum
 * likelihood (warp.h). */
#include "model/warp.h"

#include <math.h>

/* Yeo-Johnson transform of z with power l. */
static double yeo_johnson(double z, double l)
{
    if (z >= 0.0)
        return fabs(l) < 1e-12 ? log1p(z) : (pow(1.0 + z, l) - 1.0) / l;
    return fabs(l - 2.0) < 1e-12 ? -log1p(-z) : -(pow(1.0 - z, 2.0 - l) - 1.0) / (2.0 - l);
}

/* Profile log-likelihood of power l for the standardised values z (normal
 * model of the transformed values, their mean and variance at the MLE). */
static double log_likelihood(const double *y, size_t n, const sg_warp *w, double l)
{
    double sum = 0.0, sum2 = 0.0, jac = 0.0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]))
            continue;
        double z = (y[i] - w->shift) / w->width, t = yeo_johnson(z, l);
        sum += t;
        sum2 += t * t;
        jac += (z >= 0.0 ? 1.0 : -1.0) * log1p(fabs(z));
        m++;
    }
    double mean = sum / (double)m, var = sum2 / (double)m - mean * mean;
    if (!(var > 0.0))
        return -INFINITY;
    return -0.5 * (double)m * log(var) + (l - 1.0) * jac;
}

sg_warp sg_warp_fit(const double *y, size_t n, bool toward_low)
{
    sg_warp w = {.used = false, .shift = 0.0, .width = 1.0, .lambda = 1.0, .gain = 0.0};
    double sum = 0.0, sum2 = 0.0;
    size_t m = 0;
    for (size_t i = 0; y && i < n; i++)
        if (isfinite(y[i])) {
            sum += y[i];
            m++;
        }
    if (m < SG_WARP_MIN_VALUES)
        return w;
    double mean = sum / (double)m;
    for (size_t i = 0; i < n; i++)
        if (isfinite(y[i]))
            sum2 += (y[i] - mean) * (y[i] - mean);
    double sd = sqrt(sum2 / (double)m);
    if (!(sd > 1e-12 * (fabs(mean) + 1e-300)))
        return w;
    w.shift = mean;
    w.width = sd;
    double identity = log_likelihood(y, n, &w, 1.0), best = identity, best_l = 1.0;
    size_t steps = (size_t)lround((SG_WARP_LAMBDA_MAX - SG_WARP_LAMBDA_MIN) / SG_WARP_LAMBDA_STEP);
    for (size_t k = 0; k <= steps; k++) {
        double l = SG_WARP_LAMBDA_MIN + (double)k * SG_WARP_LAMBDA_STEP;
        double ll = log_likelihood(y, n, &w, l);
        if (ll > best) {
            best = ll;
            best_l = l;
        }
    }
    w.gain = 2.0 * (best - identity);
    bool shortens_optimum_tail = toward_low ? best_l > 1.0 : best_l < 1.0;
    if (w.gain > SG_WARP_TEST_CHI2 && shortens_optimum_tail) {
        w.used = true;
        w.lambda = best_l;
    }
    return w;
}

double sg_warp_apply(const sg_warp *w, double y)
{
    if (!w || !w->used)
        return y;
    return yeo_johnson((y - w->shift) / w->width, w->lambda);
}
