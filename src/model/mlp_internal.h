/* mlp_internal.h — private layout of sg_mlp / sg_mlp_work and the
 * activation functions shared by mlp.c and mlp_kernel.c.  Not installed;
 * other modules use mlp.h only. */
#ifndef SG_MLP_INTERNAL_H
#define SG_MLP_INTERNAL_H

#include "core/internal.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__) || defined(__AVX__)
#include <immintrin.h>
#endif

#include "model/mlp.h"

/* No fused multiply-add contraction: the scalar and vector forms below must
 * round identically (GCC already does not contract in ISO C mode). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

struct sg_mlp {
    size_t n_layers;                         /* weight layers */
    size_t size[SG_MLP_MAX_LAYERS + 1];      /* widths, size[0] = n_in */
    sg_activation act[SG_MLP_MAX_LAYERS];    /* per weight layer */
    size_t offset[SG_MLP_MAX_LAYERS];        /* start of W_l in params */
    size_t n_params, n_weights;
    double *params;                          /* n_params, owned */
    sg_loss loss;                            /* what training minimises */
};

struct sg_mlp_work {
    size_t n_layers;
    size_t size[SG_MLP_MAX_LAYERS + 1];
    size_t max_batch;
    sg_kernel kernel;
    double *buf;                         /* one allocation for everything below */
    double *a[SG_MLP_MAX_LAYERS + 1];    /* a[l] (max_batch, size[l]) for l >= 1 */
    double *d[2];                        /* delta ping-pong (max_batch, max width) */
    double *wt;                          /* one layer's W transposed (largest m*k) */
    double *xt;                          /* inputs col-major (size[0], max_batch), fused kernel */
};

/* tanh without libm calls, in a scalar and a 4-lane form that give
 * bit-identical results:  tanh|z| = -u / (2 + u) with u = expm1(-2|z|),
 * expm1 by Cody-Waite range reduction x = k ln2 + r, |r| <= ln2/2, a
 * degree-13 Taylor polynomial for expm1(r) evaluated in Estrin form
 * (truncation < 1e-17), and expm1(x) = 2^k expm1(r) + (2^k - 1).
 * Accurate to about 2 ulp everywhere (relative accuracy kept for tiny |z|).
 * Arguments x below SG_TANH_SAT_ARG (e^x < 1e-19) are clamped there; the
 * result rounds to +-1 anyway. */
#define SG_TANH_SAT_ARG (-44.0)
#define SG_LOG2E 0x1.71547652b82fep0
#define SG_LN2_HI 0x1.62e42fee00000p-1 /* few bits: k * LN2_HI is exact */
#define SG_LN2_LO 0x1.a39ef35793c76p-33
#define SG_ROUND_SHIFT 0x1.8p52 /* adding it rounds to an integer */
#define SG_ROUND_SHIFT_BITS 0x4338000000000000LL
#define SG_SIGN_BITS INT64_MIN

/* Taylor coefficients 1/j! */
#define SG_C2 0.5
#define SG_C3 (1.0 / 6.0)
#define SG_C4 (1.0 / 24.0)
#define SG_C5 (1.0 / 120.0)
#define SG_C6 (1.0 / 720.0)
#define SG_C7 (1.0 / 5040.0)
#define SG_C8 (1.0 / 40320.0)
#define SG_C9 (1.0 / 362880.0)
#define SG_C10 (1.0 / 3628800.0)
#define SG_C11 (1.0 / 39916800.0)
#define SG_C12 (1.0 / 479001600.0)
#define SG_C13 (1.0 / 6227020800.0)

/* Native vector width: 32 bytes with AVX, else 16 (SSE2).  Results do not
 * depend on it: every lane does the same operations in the same order. */
#if defined(__AVX__)
#define SG_VBYTES 32
#else
#define SG_VBYTES 16
#endif
#define SG_VLEN (SG_VBYTES / 8)
typedef double sg_vd __attribute__((vector_size(SG_VBYTES)));
typedef int64_t sg_vi __attribute__((vector_size(SG_VBYTES)));

/* Scalar bit casts for the macro above. */
static inline int64_t sg_bits(double d)
{
    int64_t i;
    memcpy(&i, &d, sizeof i);
    return i;
}

static inline double sg_from_bits(int64_t i)
{
    double d;
    memcpy(&d, &i, sizeof d);
    return d;
}

static inline double sg_tanh(double z)
{
    int64_t zb = sg_bits(z);
    double az = sg_from_bits(zb & ~SG_SIGN_BITS);
    double x = -2.0 * az;
    x = x < SG_TANH_SAT_ARG ? SG_TANH_SAT_ARG : x;
    double t = x * SG_LOG2E + SG_ROUND_SHIFT;
    double kd = t - SG_ROUND_SHIFT;
    double r = (x - kd * SG_LN2_HI) - kd * SG_LN2_LO;
    double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    double s0 = (SG_C2 + SG_C3 * r) + (SG_C4 + SG_C5 * r) * r2;
    double s1 = (SG_C6 + SG_C7 * r) + (SG_C8 + SG_C9 * r) * r2;
    double s2 = (SG_C10 + SG_C11 * r) + (SG_C12 + SG_C13 * r) * r2;
    double p = r + r2 * ((s0 + s1 * r4) + s2 * r8);
    /* unsigned: a NaN argument gives garbage bits here, but no overflow */
    uint64_t kb = (uint64_t)(sg_bits(t) - SG_ROUND_SHIFT_BITS) + 1023u;
    int64_t sb = (int64_t)(kb << 52);
    double sc = sg_from_bits(sb);
    double u = sc * p + (sc - 1.0);
    double q = (0.0 - u) / (2.0 + u); /* 0 - u: tanh(0) = +0 */
    return sg_from_bits(sg_bits(q) | (zb & SG_SIGN_BITS));
}

/* Statements of one vector tanh step on VT z (IT: same-size int64 vector),
 * shared by the SSE2 form below and the AVX2/AVX-512 forms in mlp.c. */
#define SG_TANH_VEC(VT, IT, z, out)                                                            \
    do {                                                                                       \
        IT zb_ = (IT)(z);                                                                      \
        VT az_ = (VT)(zb_ & ~SG_SIGN_BITS);                                                    \
        VT x_ = -2.0 * az_;                                                                    \
        IT lo_ = (IT)(x_ < SG_TANH_SAT_ARG);                                                   \
        VT sat_ = x_ * 0.0; /* overwritten below; only its type matters */                     \
        sat_ = (VT)((IT)sat_ & 0) + SG_TANH_SAT_ARG;                                           \
        x_ = (VT)(((IT)x_ & ~lo_) | ((IT)sat_ & lo_));                                         \
        VT t_ = x_ * SG_LOG2E + SG_ROUND_SHIFT;                                                \
        VT kd_ = t_ - SG_ROUND_SHIFT;                                                          \
        VT r_ = (x_ - kd_ * SG_LN2_HI) - kd_ * SG_LN2_LO;                                      \
        VT r2_ = r_ * r_, r4_ = r2_ * r2_, r8_ = r4_ * r4_;                                    \
        VT s0_ = (SG_C2 + SG_C3 * r_) + (SG_C4 + SG_C5 * r_) * r2_;                            \
        VT s1_ = (SG_C6 + SG_C7 * r_) + (SG_C8 + SG_C9 * r_) * r2_;                            \
        VT s2_ = (SG_C10 + SG_C11 * r_) + (SG_C12 + SG_C13 * r_) * r2_;                        \
        VT p_ = r_ + r2_ * ((s0_ + s1_ * r4_) + s2_ * r8_);                                    \
        IT sb_ = (((IT)t_ - SG_ROUND_SHIFT_BITS) + 1023) << 52;                                \
        VT sc_ = (VT)sb_;                                                                      \
        VT u_ = sc_ * p_ + (sc_ - 1.0);                                                        \
        VT q_ = (0.0 - u_) / (2.0 + u_);                                                       \
        (out) = (VT)((IT)q_ | (zb_ & SG_SIGN_BITS));                                           \
    } while (0)

/* x[i] = tanh(x[i]) for i < n, SG_VLEN at a time (baseline ISA). */
static inline void sg_tanh_array(double *x, size_t n)
{
    size_t i = 0;
    for (; i + SG_VLEN <= n; i += SG_VLEN) {
        sg_vd z, out;
        memcpy(&z, x + i, sizeof z);
        SG_TANH_VEC(sg_vd, sg_vi, z, out);
        memcpy(x + i, &out, sizeof out);
    }
    for (; i < n; i++)
        x[i] = sg_tanh(x[i]);
}

/* Same results as sg_tanh_array, using AVX-512 or AVX2 when the CPU has
 * them (mlp.c). */
SG_INTERNAL void sg_tanh_array_best(double *x, size_t n);

static inline double sg_act_value(sg_activation act, double z)
{
    switch (act) {
    case SG_ACT_RELU:
        return z < 0.0 ? 0.0 : z; /* NaN stays NaN */
    case SG_ACT_LEAKY_RELU:
        return z < 0.0 ? SG_LEAKY_RELU_SLOPE * z : z;
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
    case SG_ACT_RELU: {
        size_t i = 0;
        for (; i + SG_VLEN <= n; i += SG_VLEN) {
            sg_vd v;
            memcpy(&v, x + i, sizeof v);
            v = (sg_vd)((sg_vi)v & ~(sg_vi)(v < 0.0));
            memcpy(x + i, &v, sizeof v);
        }
        for (; i < n; i++)
            x[i] = x[i] < 0.0 ? 0.0 : x[i];
        return;
    }
    case SG_ACT_TANH:
        sg_tanh_array_best(x, n);
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
    case SG_ACT_TANH: {
        size_t i = 0;
        for (; i + SG_VLEN <= n; i += SG_VLEN) {
            sg_vd av, dv;
            memcpy(&av, a + i, sizeof av);
            memcpy(&dv, d + i, sizeof dv);
            dv *= 1.0 - av * av;
            memcpy(d + i, &dv, sizeof dv);
        }
        for (; i < n; i++)
            d[i] *= 1.0 - a[i] * a[i];
        return;
    }
    case SG_ACT_RELU: {
        size_t i = 0;
        for (; i + SG_VLEN <= n; i += SG_VLEN) {
            sg_vd av, dv;
            memcpy(&av, a + i, sizeof av);
            memcpy(&dv, d + i, sizeof dv);
            dv = (sg_vd)((sg_vi)dv & (sg_vi)(av > 0.0));
            memcpy(d + i, &dv, sizeof dv);
        }
        for (; i < n; i++)
            d[i] = a[i] > 0.0 ? d[i] : 0.0;
        return;
    }
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

/* Lane-wise square root (correctly rounded, as sqrt()). */
static inline sg_vd sg_vsqrt(sg_vd x)
{
#if SG_VBYTES == 32
    return (sg_vd)_mm256_sqrt_pd((__m256d)x);
#elif defined(__SSE2__)
    return (sg_vd)_mm_sqrt_pd((__m128d)x);
#else
    for (int i = 0; i < SG_VLEN; i++)
        x[i] = sqrt(x[i]);
    return x;
#endif
}

/* y (n) += a * x (n), SG_VLEN lanes at a time (same rounding as a plain loop:
 * each element gets one multiply and one add). */
static inline void sg_axpy(double a, const double *x, double *y, size_t n)
{
    size_t i = 0;
    sg_vd av = {0};
    av += a;
    for (; i + SG_VLEN <= n; i += SG_VLEN) {
        sg_vd xv, yv;
        memcpy(&xv, x + i, sizeof xv);
        memcpy(&yv, y + i, sizeof yv);
        yv += av * xv;
        memcpy(y + i, &yv, sizeof yv);
    }
    for (; i < n; i++)
        y[i] += a * x[i];
}

/* out (L) = base (L) + sum_{t < T} s[t * ss] * M[t, :], M (T, L) row-major;
 * base may be out itself (accumulate) or NULL (zero).  The running sums
 * stay in registers (4 vectors of columns at a time); every element is summed in
 * order t = 0, 1, ... as the naive loops do.  The one small-matrix kernel
 * behind the LOOPS forward, gradient and delta products. */
static inline void sg_combo(double *out, const double *base, const double *s, size_t ss,
                            const double *M, size_t T, size_t L)
{
    size_t c = 0;
    const size_t V = SG_VLEN, B = 4 * SG_VLEN;
    for (; c + B <= L; c += B) {
        sg_vd a0 = {0}, a1 = a0, a2 = a0, a3 = a0;
        if (base) {
            memcpy(&a0, base + c, sizeof a0);
            memcpy(&a1, base + c + V, sizeof a1);
            memcpy(&a2, base + c + 2 * V, sizeof a2);
            memcpy(&a3, base + c + 3 * V, sizeof a3);
        }
        const double *row = M + c;
        for (size_t t = 0; t < T; t++, row += L) {
            double sv = s[t * ss];
            sg_vd m0, m1, m2, m3;
            memcpy(&m0, row, sizeof m0);
            memcpy(&m1, row + V, sizeof m1);
            memcpy(&m2, row + 2 * V, sizeof m2);
            memcpy(&m3, row + 3 * V, sizeof m3);
            a0 += sv * m0;
            a1 += sv * m1;
            a2 += sv * m2;
            a3 += sv * m3;
        }
        memcpy(out + c, &a0, sizeof a0);
        memcpy(out + c + V, &a1, sizeof a1);
        memcpy(out + c + 2 * V, &a2, sizeof a2);
        memcpy(out + c + 3 * V, &a3, sizeof a3);
    }
    for (; c + V <= L; c += V) {
        sg_vd a0 = {0};
        if (base)
            memcpy(&a0, base + c, sizeof a0);
        const double *row = M + c;
        for (size_t t = 0; t < T; t++, row += L) {
            sg_vd m0;
            memcpy(&m0, row, sizeof m0);
            a0 += s[t * ss] * m0;
        }
        memcpy(out + c, &a0, sizeof a0);
    }
    for (; c < L; c++) {
        double a = base ? base[c] : 0.0;
        for (size_t t = 0; t < T; t++)
            a += s[t * ss] * M[t * L + c];
        out[c] = a;
    }
}

/* True if the fused kernel (mlp_fused.c) handles net on chunks of nc rows. */
SG_INTERNAL bool sg_mlp_fused_ok(const sg_mlp *net, size_t nc);

/* Fused forward pass, loss and (if grad is not NULL) backward pass of one
 * chunk: X (nc, n_in), T (nc, n_out) row-major, nc <= work->max_batch and
 * sg_mlp_fused_ok(net, nc).  Adds sum (y - t)^2 to *sse and the chunk's
 * share of the data term's gradient, with output deltas scale * (y - t) f',
 * to grad (n_params, not cleared; NULL = loss only). */
SG_INTERNAL void sg_mlp_fused_chunk(const sg_mlp *net, sg_mlp_work *work, const double *X, const double *T,
                        size_t nc, double scale, double *sse, double *grad);

/* True if work was created for net's sizes. */
SG_INTERNAL bool sg_mlp_work_matches(const sg_mlp *net, const sg_mlp_work *work);

#endif
