/* mlp_kernel.c — batched forward pass and loss gradient (backpropagation).
 *
 * Three interchangeable kernels compute every layer product:
 *   NAIVE  textbook triple loops (reference for tests);
 *   LOOPS  cache-friendly loops with independent accumulation chains;
 *   BLAS   cblas_dgemm.
 * AUTO picks LOOPS or BLAS per product by its size (SG_MLP_BLAS_MIN_FLOPS).
 * For tiny networks on small chunks AUTO and FUSED compute the loss and
 * gradient in the fused kernel of mlp_fused.c instead (same results as
 * LOOPS); FUSED otherwise behaves as LOOPS.
 */
#include "model/mlp.h"
#include "model/mlp_internal.h"

#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static bool use_blas(sg_kernel kernel, size_t n, size_t m, size_t k)
{
    if (kernel == SG_KERNEL_BLAS)
        return true;
    if (kernel == SG_KERNEL_AUTO)
        return (double)n * (double)m * (double)k >= (double)SG_MLP_BLAS_MIN_FLOPS;
    return false;
}

/* Aout (n, m) = f(Ain (n, k) W^T + b), W (m, k) row-major; wt is scratch
 * for W^T (k, m).  The LOOPS form sums in the same order as NAIVE. */
static void layer_forward(sg_kernel kernel, const double *W, const double *b, sg_activation act,
                          const double *Ain, size_t n, size_t m, size_t k, double *Aout,
                          double *wt)
{
    if (kernel == SG_KERNEL_NAIVE) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < m; j++) {
                double z = b[j];
                for (size_t c = 0; c < k; c++)
                    z += W[j * k + c] * Ain[i * k + c];
                Aout[i * m + j] = sg_act_value(act, z);
            }
        return;
    }
    if (use_blas(kernel, n, m, k)) {
        for (size_t i = 0; i < n; i++)
            memcpy(Aout + i * m, b, m * sizeof *b);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)m, (int)k, 1.0, Ain,
                    (int)k, W, (int)k, 1.0, Aout, (int)m);
    } else if (n == 1) {
        sg_dense_row(W, b, Ain, m, k, Aout);
    } else {
        for (size_t j = 0; j < m; j++)
            for (size_t c = 0; c < k; c++)
                wt[c * m + j] = W[j * k + c];
        for (size_t i = 0; i < n; i++)
            sg_combo(Aout + i * m, b, Ain + i * k, 1, wt, k, m);
    }
    sg_act_apply(act, Aout, n * m);
}

/* gW (m, k) += D^T (m, n) Ain (n, k);  gb (m) += column sums of D (n, m). */
static void layer_grad(sg_kernel kernel, const double *D, const double *Ain, size_t n, size_t m,
                       size_t k, double *gW, double *gb)
{
    static const double one = 1.0;
    if (kernel == SG_KERNEL_NAIVE) {
        for (size_t j = 0; j < m; j++) {
            for (size_t c = 0; c < k; c++) {
                double s = 0.0;
                for (size_t i = 0; i < n; i++)
                    s += D[i * m + j] * Ain[i * k + c];
                gW[j * k + c] += s;
            }
            double s = 0.0;
            for (size_t i = 0; i < n; i++)
                s += D[i * m + j];
            gb[j] += s;
        }
        return;
    }
    if (use_blas(kernel, n, m, k)) {
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m, (int)k, (int)n, 1.0, D, (int)m,
                    Ain, (int)k, 1.0, gW, (int)k);
        sg_combo(gb, gb, &one, 0, D, n, m); /* column sums, kept in registers */
        return;
    }
    sg_combo(gb, gb, &one, 0, D, n, m);
    for (size_t j = 0; j < m; j++)
        sg_combo(gW + j * k, gW + j * k, D + j, m, Ain, n, k);
}

/* Dprev (n, k) = D (n, m) W (m, k). */
static void layer_delta(sg_kernel kernel, const double *D, const double *W, size_t n, size_t m,
                        size_t k, double *Dprev)
{
    if (kernel == SG_KERNEL_NAIVE) {
        for (size_t i = 0; i < n; i++)
            for (size_t c = 0; c < k; c++) {
                double s = 0.0;
                for (size_t j = 0; j < m; j++)
                    s += D[i * m + j] * W[j * k + c];
                Dprev[i * k + c] = s;
            }
        return;
    }
    if (use_blas(kernel, n, m, k)) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)k, (int)m, 1.0, D,
                    (int)m, W, (int)k, 0.0, Dprev, (int)k);
        return;
    }
    for (size_t i = 0; i < n; i++)
        sg_combo(Dprev + i * k, NULL, D + i * m, 1, W, m, k);
}

/* Forward nc rows of X (nc <= max_batch); activations land in work->a. */
static void forward_chunk(const sg_mlp *net, sg_mlp_work *work, const double *X, size_t nc)
{
    const double *in = X;
    for (size_t l = 0; l < net->n_layers; l++) {
        size_t k = net->size[l], m = net->size[l + 1];
        const double *W = net->params + net->offset[l];
        layer_forward(work->kernel, W, W + m * k, net->act[l], in, nc, m, k, work->a[l + 1],
                      work->wt);
        in = work->a[l + 1];
    }
}

static sg_status check_common(const sg_mlp *net, const sg_mlp_work *work, const double *X,
                              size_t n, const char *fn, sg_error *err)
{
    if (!net || !work || !X)
        return sg_error_set(err, SG_ERR_INVALID, "%s: NULL network, workspace or inputs", fn);
    if (!sg_mlp_work_matches(net, work))
        return sg_error_set(err, SG_ERR_INVALID,
                            "%s: workspace was created for a different architecture", fn);
    if (n == 0)
        return sg_error_set(err, SG_ERR_INVALID, "%s: no rows", fn);
    if (n > (size_t)INT32_MAX)
        return sg_error_set(err, SG_ERR_LIMIT, "%s: %zu rows exceed the limit", fn, n);
    return SG_OK;
}

sg_status sg_mlp_forward(const sg_mlp *net, sg_mlp_work *work, const double *X, size_t n,
                         double *Y, sg_error *err)
{
    sg_status st = check_common(net, work, X, n, "mlp_forward", err);
    if (st != SG_OK)
        return st;
    if (!Y)
        return sg_error_set(err, SG_ERR_INVALID, "mlp_forward: output buffer is NULL");
    size_t n_in = net->size[0], n_out = net->size[net->n_layers];
    for (size_t r0 = 0; r0 < n; r0 += work->max_batch) {
        size_t nc = n - r0 < work->max_batch ? n - r0 : work->max_batch;
        forward_chunk(net, work, X + r0 * n_in, nc);
        memcpy(Y + r0 * n_out, work->a[net->n_layers], nc * n_out * sizeof *Y);
    }
    return SG_OK;
}

/* Backpropagate output deltas work->d[0] (nc, n_out) through all layers,
 * adding the parameter gradient into grad. */
static void backward_chunk(const sg_mlp *net, sg_mlp_work *work, const double *X, size_t nc,
                           double *grad)
{
    double *D = work->d[0], *Dn = work->d[1];
    for (size_t l = net->n_layers; l-- > 0;) {
        size_t k = net->size[l], m = net->size[l + 1];
        const double *W = net->params + net->offset[l];
        const double *Ain = l == 0 ? X : work->a[l];
        double *gW = grad + net->offset[l];
        layer_grad(work->kernel, D, Ain, nc, m, k, gW, gW + m * k);
        if (l > 0) {
            layer_delta(work->kernel, D, W, nc, m, k, Dn);
            sg_act_dmul(net->act[l - 1], work->a[l], Dn, nc * k);
            double *t = D;
            D = Dn;
            Dn = t;
        }
    }
}

/* Binary cross-entropy of logits z against 0/1 targets t (count values):
 * returns w * sum of the losses, writes w * (p - t) into D. */
static double binary_ce(const double *z, const double *t, size_t count, double w, double *D)
{
    double sum = 0.0;
    for (size_t i = 0; i < count; i++) {
        /* -[t log p + (1-t) log(1-p)] = max(z,0) - t z + log(1 + exp(-|z|)) */
        double a = fabs(z[i]);
        sum += (z[i] > 0 ? z[i] : 0.0) - t[i] * z[i] + log1p(exp(-a));
        double p = z[i] >= 0 ? 1.0 / (1.0 + exp(-z[i])) : exp(z[i]) / (1.0 + exp(z[i]));
        D[i] = w * (p - t[i]);
    }
    return w * sum;
}

/* Categorical cross-entropy of rows of logits (nr, k) against target
 * distributions: returns w * sum over rows, writes w * (softmax - t). */
static double softmax_ce(const double *z, const double *t, size_t nr, size_t k, double w,
                         double *D)
{
    double sum = 0.0;
    for (size_t r = 0; r < nr; r++) {
        const double *zr = z + r * k, *tr = t + r * k;
        double mx = zr[0];
        for (size_t j = 1; j < k; j++)
            mx = zr[j] > mx ? zr[j] : mx;
        double se = 0.0;
        for (size_t j = 0; j < k; j++)
            se += exp(zr[j] - mx);
        double lse = mx + log(se);
        for (size_t j = 0; j < k; j++) {
            sum += tr[j] * (lse - zr[j]);
            D[r * k + j] = w * (exp(zr[j] - lse) - tr[j]);
        }
    }
    return w * sum;
}

sg_status sg_mlp_predict_proba(const sg_mlp *net, sg_mlp_work *work, const double *X, size_t n,
                               double *P, sg_error *err)
{
    sg_status st = sg_mlp_forward(net, work, X, n, P, err);
    if (st != SG_OK || net->loss == SG_LOSS_MSE)
        return st;
    size_t k = net->size[net->n_layers];
    for (size_t r = 0; r < n; r++) {
        double *p = P + r * k;
        if (net->loss == SG_LOSS_BINARY) {
            for (size_t j = 0; j < k; j++)
                p[j] = p[j] >= 0 ? 1.0 / (1.0 + exp(-p[j])) : exp(p[j]) / (1.0 + exp(p[j]));
            continue;
        }
        double mx = p[0], se = 0.0;
        for (size_t j = 1; j < k; j++)
            mx = p[j] > mx ? p[j] : mx;
        for (size_t j = 0; j < k; j++)
            se += exp(p[j] - mx);
        for (size_t j = 0; j < k; j++)
            p[j] = exp(p[j] - mx) / se;
    }
    return SG_OK;
}

sg_status sg_mlp_loss_grad(const sg_mlp *net, sg_mlp_work *work, const double *X,
                           const double *T, size_t n, double l1, double l2, double *loss,
                           double *mse, double *grad, sg_error *err)
{
    sg_status st = check_common(net, work, X, n, "mlp_loss_grad", err);
    if (st != SG_OK)
        return st;
    if (!T || !loss)
        return sg_error_set(err, SG_ERR_INVALID, "mlp_loss_grad: NULL targets or loss pointer");
    if (!(l1 >= 0.0) || !(l2 >= 0.0) || !isfinite(l1) || !isfinite(l2))
        return sg_error_set(err, SG_ERR_INVALID,
                            "mlp_loss_grad: l1 and l2 must be finite and >= 0 (got %g, %g)", l1,
                            l2);
    size_t L = net->n_layers, n_in = net->size[0], n_out = net->size[L];
    sg_activation out_act = net->act[L - 1];
    double scale = 2.0 / ((double)n * (double)n_out);
    double sse = 0.0;
    if (grad)
        memset(grad, 0, net->n_params * sizeof *grad);
    for (size_t r0 = 0; r0 < n; r0 += work->max_batch) {
        size_t nc = n - r0 < work->max_batch ? n - r0 : work->max_batch;
        const double *Xc = X + r0 * n_in, *Tc = T + r0 * n_out;
        if ((work->kernel == SG_KERNEL_AUTO || work->kernel == SG_KERNEL_FUSED) &&
            net->loss == SG_LOSS_MSE && sg_mlp_fused_ok(net, nc)) {
            sg_mlp_fused_chunk(net, work, Xc, Tc, nc, scale, &sse, grad);
            continue;
        }
        forward_chunk(net, work, Xc, nc);
        const double *Y = work->a[L];
        double *D = work->d[0];
        if (net->loss == SG_LOSS_BINARY)
            sse += binary_ce(Y, Tc, nc * n_out, 1.0 / ((double)n * (double)n_out), D);
        else if (net->loss == SG_LOSS_SOFTMAX)
            sse += softmax_ce(Y, Tc, nc, n_out, 1.0 / (double)n, D);
        else
            for (size_t i = 0; i < nc * n_out; i++) {
                double e = Y[i] - Tc[i];
                sse += e * e;
                D[i] = scale * e * sg_act_deriv(out_act, Y[i]);
            }
        if (grad)
            backward_chunk(net, work, Xc, nc, grad);
    }
    /* the classification losses summed their own normalised terms */
    double data = net->loss == SG_LOSS_MSE ? sse / ((double)n * (double)n_out) : sse;
    double pen = 0.0;
    if (l1 > 0.0 || l2 > 0.0) {
        for (size_t l = 0; l < L; l++) {
            size_t nw = net->size[l] * net->size[l + 1];
            const double *w = net->params + net->offset[l];
            double *g = grad ? grad + net->offset[l] : NULL;
            for (size_t i = 0; i < nw; i++) {
                pen += l1 * fabs(w[i]) + l2 * w[i] * w[i];
                if (g)
                    g[i] += l1 * (double)((w[i] > 0.0) - (w[i] < 0.0)) + 2.0 * l2 * w[i];
            }
        }
    }
    if (mse)
        *mse = data;
    *loss = data + pen;
    return SG_OK;
}
