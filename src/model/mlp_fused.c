/* mlp_fused.c — fused loss-and-gradient kernel for tiny networks on small
 * batches (every width <= SG_MLP_FUSED_MAX_WIDTH, chunk <= SG_MLP_FUSED_MAX_ROWS
 * rows), the case of a surrogate trained full-batch on a few dozen runs.
 *
 * One call does the whole forward pass, the loss and the backward pass of a
 * chunk with no per-layer function calls, no transposed weight copies and no
 * BLAS.  Activations and deltas are kept COLUMN-major in the workspace
 * (unit (c) of a layer is nc consecutive doubles, one per row), so every
 * product runs over rows with vector lanes = rows, and the activation of a
 * whole layer is one contiguous array (one vectorised tanh call).
 *
 * Every value is computed with the same operations in the same order as the
 * LOOPS kernel (sums over fan-in from the bias in order c = 0, 1, ...; delta
 * sums from 0 in order j; gradient sums over rows in order i, added to what
 * grad already holds), so the result is bit-identical to LOOPS and agrees
 * with NAIVE to rounding of the summation start (tests check both).
 */
#include "model/mlp.h"
#include "model/mlp_internal.h"

#include <string.h>

bool sg_mlp_fused_ok(const sg_mlp *net, size_t nc)
{
    if (nc == 0 || nc > SG_MLP_FUSED_MAX_ROWS)
        return false;
    for (size_t i = 0; i <= net->n_layers; i++)
        if (net->size[i] > SG_MLP_FUSED_MAX_WIDTH)
            return false;
    return true;
}

/* Aout (m, nc) col-major = Ain (k, nc) col-major through W (m, k) row-major
 * plus b (m), before the activation.  Lanes are rows (native vectors, two
 * per step); each lane sums from b[j] in order c = 0, 1, ... */
static void fused_layer(const double *W, const double *b, const double *Ain, size_t nc, size_t m,
                        size_t k, double *Aout)
{
    const size_t V = SG_VLEN;
    for (size_t j = 0; j < m; j++) {
        const double *w = W + j * k;
        double *o = Aout + j * nc;
        size_t i = 0;
        for (; i + 2 * V <= nc; i += 2 * V) {
            const sg_vd zero = {0};
            sg_vd z0 = b[j] - zero, z1 = z0; /* x - 0 = x, also for x = -0 */
            for (size_t c = 0; c < k; c++) {
                sg_vd a0, a1;
                memcpy(&a0, Ain + c * nc + i, sizeof a0);
                memcpy(&a1, Ain + c * nc + i + V, sizeof a1);
                z0 += w[c] * a0;
                z1 += w[c] * a1;
            }
            memcpy(o + i, &z0, sizeof z0);
            memcpy(o + i + V, &z1, sizeof z1);
        }
        for (; i < nc; i++) {
            double z = b[j];
            for (size_t c = 0; c < k; c++)
                z += w[c] * Ain[c * nc + i];
            o[i] = z;
        }
    }
}

/* gW (m, k) += D (m, nc) Ain (k, nc)^T and gb (m) += row sums of D, both
 * col-major (nc per unit).  Every sum runs over rows in order i = 0, 1, ...
 * (a serial chain per parameter); two units j at a time with four inputs
 * and the bias each keep ten independent chains in flight. */
static void fused_grad(const double *D, const double *Ain, size_t nc, size_t m, size_t k,
                       double *gW, double *gb)
{
    size_t j = 0;
    for (; j + 2 <= m; j += 2) {
        const double *d0 = D + j * nc, *d1 = d0 + nc;
        double *g0 = gW + j * k, *g1 = g0 + k;
        double b0 = gb[j], b1 = gb[j + 1];
        size_t c = 0;
        for (; c + 4 <= k; c += 4) {
            const double *a0 = Ain + c * nc, *a1 = a0 + nc, *a2 = a1 + nc, *a3 = a2 + nc;
            double s00 = g0[c], s01 = g0[c + 1], s02 = g0[c + 2], s03 = g0[c + 3];
            double s10 = g1[c], s11 = g1[c + 1], s12 = g1[c + 2], s13 = g1[c + 3];
            for (size_t i = 0; i < nc; i++) {
                double x0 = a0[i], x1 = a1[i], x2 = a2[i], x3 = a3[i];
                double e0 = d0[i], e1 = d1[i];
                s00 += e0 * x0;
                s01 += e0 * x1;
                s02 += e0 * x2;
                s03 += e0 * x3;
                s10 += e1 * x0;
                s11 += e1 * x1;
                s12 += e1 * x2;
                s13 += e1 * x3;
            }
            g0[c] = s00, g0[c + 1] = s01, g0[c + 2] = s02, g0[c + 3] = s03;
            g1[c] = s10, g1[c + 1] = s11, g1[c + 2] = s12, g1[c + 3] = s13;
        }
        for (; c < k; c++) {
            const double *a = Ain + c * nc;
            double s0 = g0[c], s1 = g1[c];
            for (size_t i = 0; i < nc; i++) {
                s0 += d0[i] * a[i];
                s1 += d1[i] * a[i];
            }
            g0[c] = s0, g1[c] = s1;
        }
        for (size_t i = 0; i < nc; i++) {
            b0 += d0[i];
            b1 += d1[i];
        }
        gb[j] = b0, gb[j + 1] = b1;
    }
    for (; j < m; j++) {
        const double *d0 = D + j * nc;
        double *g0 = gW + j * k;
        double b0 = gb[j];
        for (size_t i = 0; i < nc; i++)
            b0 += d0[i];
        gb[j] = b0;
        size_t c = 0;
        for (; c + 4 <= k; c += 4) {
            const double *a0 = Ain + c * nc, *a1 = a0 + nc, *a2 = a1 + nc, *a3 = a2 + nc;
            double s0 = g0[c], s1 = g0[c + 1], s2 = g0[c + 2], s3 = g0[c + 3];
            for (size_t i = 0; i < nc; i++) {
                double e = d0[i];
                s0 += e * a0[i];
                s1 += e * a1[i];
                s2 += e * a2[i];
                s3 += e * a3[i];
            }
            g0[c] = s0, g0[c + 1] = s1, g0[c + 2] = s2, g0[c + 3] = s3;
        }
        for (; c < k; c++) {
            const double *a = Ain + c * nc;
            double s = g0[c];
            for (size_t i = 0; i < nc; i++)
                s += d0[i] * a[i];
            g0[c] = s;
        }
    }
}

/* Dprev (k, nc) = W (m, k)^T D (m, nc), col-major; each lane sums from 0
 * in order j = 0, 1, ... */
static void fused_delta(const double *D, const double *W, size_t nc, size_t m, size_t k,
                        double *Dprev)
{
    const size_t V = SG_VLEN;
    for (size_t c = 0; c < k; c++) {
        double *o = Dprev + c * nc;
        size_t i = 0;
        for (; i + 2 * V <= nc; i += 2 * V) {
            sg_vd s0 = {0}, s1 = {0};
            for (size_t j = 0; j < m; j++) {
                sg_vd d0, d1;
                memcpy(&d0, D + j * nc + i, sizeof d0);
                memcpy(&d1, D + j * nc + i + V, sizeof d1);
                s0 += W[j * k + c] * d0;
                s1 += W[j * k + c] * d1;
            }
            memcpy(o + i, &s0, sizeof s0);
            memcpy(o + i + V, &s1, sizeof s1);
        }
        for (; i < nc; i++) {
            double s = 0.0;
            for (size_t j = 0; j < m; j++)
                s += W[j * k + c] * D[j * nc + i];
            o[i] = s;
        }
    }
}

void sg_mlp_fused_chunk(const sg_mlp *net, sg_mlp_work *work, const double *X, const double *T,
                        size_t nc, double scale, double *sse, double *grad)
{
    size_t L = net->n_layers, n_in = net->size[0], n_out = net->size[L];
    /* inputs to col-major */
    double *xt = work->xt;
    for (size_t i = 0; i < nc; i++)
        for (size_t c = 0; c < n_in; c++)
            xt[c * nc + i] = X[i * n_in + c];
    const double *in = xt;
    for (size_t l = 0; l < L; l++) {
        size_t k = net->size[l], m = net->size[l + 1];
        const double *W = net->params + net->offset[l];
        fused_layer(W, W + m * k, in, nc, m, k, work->a[l + 1]);
        sg_act_apply(net->act[l], work->a[l + 1], m * nc);
        in = work->a[l + 1];
    }
    /* loss and output deltas, summed in row-major order as the other kernels */
    const double *Y = work->a[L];
    double *D = work->d[0], *Dn = work->d[1];
    sg_activation out_act = net->act[L - 1];
    double s = *sse;
    for (size_t i = 0; i < nc; i++)
        for (size_t o = 0; o < n_out; o++) {
            double y = Y[o * nc + i];
            double e = y - T[i * n_out + o];
            s += e * e;
            D[o * nc + i] = scale * e * sg_act_deriv(out_act, y);
        }
    *sse = s;
    if (!grad)
        return;
    for (size_t l = L; l-- > 0;) {
        size_t k = net->size[l], m = net->size[l + 1];
        const double *W = net->params + net->offset[l];
        const double *Ain = l == 0 ? xt : work->a[l];
        double *gW = grad + net->offset[l];
        fused_grad(D, Ain, nc, m, k, gW, gW + m * k);
        if (l > 0) {
            fused_delta(D, W, nc, m, k, Dn);
            sg_act_dmul(net->act[l - 1], work->a[l], Dn, k * nc);
            double *t = D;
            D = Dn;
            Dn = t;
        }
    }
}
