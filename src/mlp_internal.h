/* mlp_internal.h — private layout of sg_mlp / sg_mlp_work and the
 * activation functions shared by mlp.c and mlp_kernel.c.  Not installed;
 * other modules use mlp.h only. */
#ifndef SG_MLP_INTERNAL_H
#define SG_MLP_INTERNAL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "mlp.h"

struct sg_mlp {
    size_t n_layers;                         /* weight layers */
    size_t size[SG_MLP_MAX_LAYERS + 1];      /* widths, size[0] = n_in */
    sg_activation act[SG_MLP_MAX_LAYERS];    /* per weight layer */
    size_t offset[SG_MLP_MAX_LAYERS];        /* start of W_l in params */
    size_t n_params, n_weights;
    double *params;                          /* n_params, owned */
};

struct sg_mlp_work {
    size_t n_layers;
    size_t size[SG_MLP_MAX_LAYERS + 1];
    size_t max_batch;
    sg_kernel kernel;
    double *buf;                         /* one allocation for everything below */
    double *a[SG_MLP_MAX_LAYERS + 1];    /* a[l] (max_batch, size[l]) for l >= 1 */
    double *d[2];                        /* delta ping-pong (max_batch, max width) */
};

/* |z| below which tanh uses expm1 (no cancellation), exp above. */
#define SG_TANH_EXPM1_BELOW 0.5

/* tanh via exp: about twice as fast as libm's tanh, within a few ulp. */
static inline double sg_tanh(double z)
{
    double az = fabs(z);
    if (az < SG_TANH_EXPM1_BELOW) {
        double e = expm1(2.0 * z);
        return e / (e + 2.0);
    }
    double t = exp(-2.0 * az);
    return copysign((1.0 - t) / (1.0 + t), z);
}

static inline double sg_act_value(sg_activation act, double z)
{
    switch (act) {
    case SG_ACT_RELU:
        return z > 0.0 ? z : 0.0;
    case SG_ACT_LEAKY_RELU:
        return z > 0.0 ? z : SG_LEAKY_RELU_SLOPE * z;
    case SG_ACT_ELU:
        return z > 0.0 ? z : SG_ELU_ALPHA * expm1(z);
    case SG_ACT_SIGMOID:
        return 1.0 / (1.0 + exp(-z));
    case SG_ACT_TANH:
        return sg_tanh(z);
    case SG_ACT_SOFTPLUS:
        return z > 0.0 ? z + log1p(exp(-z)) : log1p(exp(z));
    default:
        return z;
    }
}

/* f'(z) expressed through a = f(z) (so no pre-activation needs storing). */
static inline double sg_act_deriv(sg_activation act, double a)
{
    switch (act) {
    case SG_ACT_RELU:
        return a > 0.0 ? 1.0 : 0.0;
    case SG_ACT_LEAKY_RELU:
        return a > 0.0 ? 1.0 : SG_LEAKY_RELU_SLOPE;
    case SG_ACT_ELU:
        return a > 0.0 ? 1.0 : a + SG_ELU_ALPHA;
    case SG_ACT_SIGMOID:
        return a * (1.0 - a);
    case SG_ACT_TANH:
        return 1.0 - a * a;
    case SG_ACT_SOFTPLUS:
        return -expm1(-a); /* sigmoid(z) = 1 - exp(-softplus(z)) */
    default:
        return 1.0;
    }
}

/* x[i] = f(x[i]) for i < n (switch hoisted out of the loop). */
static inline void sg_act_apply(sg_activation act, double *x, size_t n)
{
    switch (act) {
    case SG_ACT_LINEAR:
        return;
    case SG_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            x[i] = x[i] > 0.0 ? x[i] : 0.0;
        return;
    case SG_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            x[i] = sg_tanh(x[i]);
        return;
    default:
        for (size_t i = 0; i < n; i++)
            x[i] = sg_act_value(act, x[i]);
        return;
    }
}

/* d[i] *= f'(z_i) given a[i] = f(z_i), for i < n. */
static inline void sg_act_dmul(sg_activation act, const double *a, double *d, size_t n)
{
    switch (act) {
    case SG_ACT_LINEAR:
        return;
    case SG_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            d[i] *= 1.0 - a[i] * a[i];
        return;
    case SG_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            d[i] = a[i] > 0.0 ? d[i] : 0.0;
        return;
    default:
        for (size_t i = 0; i < n; i++)
            d[i] *= sg_act_deriv(act, a[i]);
        return;
    }
}

/* out (m) = W (m, k) x (k) + b, four output rows at a time so the
 * multiply-adds form independent chains (the single-point fast path and
 * the LOOPS kernel's forward product). */
static inline void sg_dense_row(const double *W, const double *b, const double *x, size_t m,
                                size_t k, double *out)
{
    size_t j = 0;
    for (; j + 4 <= m; j += 4) {
        const double *w0 = W + j * k, *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;
        double s0 = b[j], s1 = b[j + 1], s2 = b[j + 2], s3 = b[j + 3];
        for (size_t c = 0; c < k; c++) {
            double xc = x[c];
            s0 += w0[c] * xc;
            s1 += w1[c] * xc;
            s2 += w2[c] * xc;
            s3 += w3[c] * xc;
        }
        out[j] = s0;
        out[j + 1] = s1;
        out[j + 2] = s2;
        out[j + 3] = s3;
    }
    for (; j < m; j++) {
        const double *wj = W + j * k;
        double s = b[j];
        for (size_t c = 0; c < k; c++)
            s += wj[c] * x[c];
        out[j] = s;
    }
}

/* True if work was created for net's sizes. */
bool sg_mlp_work_matches(const sg_mlp *net, const sg_mlp_work *work);

#endif
