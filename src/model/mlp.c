/* mlp.c — network structure, initialisation, activations and evaluation.
 * Batched kernels (naive / loops / BLAS) live in mlp_kernel.c. */
#include "model/mlp.h"
#include "model/mlp_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- activation names ---------------------------------------------------- */

static const char *const act_names[SG_ACT_COUNT] = {
    [SG_ACT_LINEAR] = "linear",   [SG_ACT_RELU] = "relu",       [SG_ACT_LEAKY_RELU] = "leaky_relu",
    [SG_ACT_ELU] = "elu",         [SG_ACT_SIGMOID] = "sigmoid", [SG_ACT_TANH] = "tanh",
    [SG_ACT_SOFTPLUS] = "softplus",
};

const char *sg_activation_name(sg_activation act)
{
    if ((int)act < 0 || act >= SG_ACT_COUNT)
        return "?";
    return act_names[act];
}

bool sg_activation_from_name(const char *name, sg_activation *act)
{
    if (!name)
        return false;
    for (int a = 0; a < SG_ACT_COUNT; a++) {
        if (strcmp(name, act_names[a]) == 0) {
            if (act)
                *act = (sg_activation)a;
            return true;
        }
    }
    return false;
}

const char *sg_activation_names(void)
{
    return "linear, relu, leaky_relu, elu, sigmoid, tanh, softplus";
}

bool sg_activation_output_ok(sg_activation act)
{
    return act == SG_ACT_LINEAR || act == SG_ACT_SIGMOID || act == SG_ACT_TANH;
}

const char *sg_activation_output_names(void)
{
    return "linear, sigmoid, tanh";
}

/* ---- tanh on arrays: widest vectors the CPU has ------------------------------ */

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__AVX__)
#define SG_X86_DISPATCH 1
typedef double sg_v8d __attribute__((vector_size(64)));
typedef int64_t sg_v8i __attribute__((vector_size(64)));
typedef double sg_v4d_ __attribute__((vector_size(32)));
typedef int64_t sg_v4i_ __attribute__((vector_size(32)));

__attribute__((target("avx512f"))) static void tanh_array_avx512(double *x, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        sg_v8d z, out;
        memcpy(&z, x + i, sizeof z);
        SG_TANH_VEC(sg_v8d, sg_v8i, z, out);
        memcpy(x + i, &out, sizeof out);
    }
    for (; i < n; i++)
        x[i] = sg_tanh(x[i]);
}

__attribute__((target("avx2"))) static void tanh_array_avx2(double *x, size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        sg_v4d_ z, out;
        memcpy(&z, x + i, sizeof z);
        SG_TANH_VEC(sg_v4d_, sg_v4i_, z, out);
        memcpy(x + i, &out, sizeof out);
    }
    for (; i < n; i++)
        x[i] = sg_tanh(x[i]);
}
#endif

void sg_tanh_array_best(double *x, size_t n)
{
#ifdef SG_X86_DISPATCH
    if (n >= 8 && __builtin_cpu_supports("avx512f")) {
        tanh_array_avx512(x, n);
        return;
    }
    if (n >= 4 && __builtin_cpu_supports("avx2")) {
        tanh_array_avx2(x, n);
        return;
    }
#endif
    sg_tanh_array(x, n);
}

/* ---- network ------------------------------------------------------------- */

sg_status sg_mlp_create(size_t n_sizes, const size_t *sizes, const sg_activation *acts,
                        sg_mlp **out, sg_error *err)
{
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "mlp: output pointer is NULL");
    *out = NULL;
    if (!sizes || !acts)
        return sg_error_set(err, SG_ERR_INVALID, "mlp: layer sizes or activations missing");
    if (n_sizes < 2)
        return sg_error_set(err, SG_ERR_INVALID,
                            "mlp: need at least an input and an output size (got %zu sizes)",
                            n_sizes);
    size_t n_layers = n_sizes - 1;
    if (n_layers > SG_MLP_MAX_LAYERS)
        return sg_error_set(err, SG_ERR_LIMIT, "mlp: %zu layers exceed the limit of %d", n_layers,
                            SG_MLP_MAX_LAYERS);
    for (size_t i = 0; i < n_sizes; i++) {
        const char *what = i == 0 ? "input layer" : i == n_layers ? "output layer" : "hidden layer";
        if (sizes[i] == 0)
            return sg_error_set(err, SG_ERR_INVALID, "mlp: %s %zu has zero width", what, i);
        if (sizes[i] > SG_MLP_MAX_WIDTH)
            return sg_error_set(err, SG_ERR_LIMIT, "mlp: %s %zu width %zu exceeds the limit of %d",
                                what, i, sizes[i], SG_MLP_MAX_WIDTH);
    }
    for (size_t l = 0; l < n_layers; l++) {
        if ((int)acts[l] < 0 || acts[l] >= SG_ACT_COUNT)
            return sg_error_set(err, SG_ERR_INVALID,
                                "mlp: layer %zu has an invalid activation (%d); valid: %s", l + 1,
                                (int)acts[l], sg_activation_names());
    }
    if (!sg_activation_output_ok(acts[n_layers - 1]))
        return sg_error_set(err, SG_ERR_INVALID,
                            "mlp: output activation '%s' is not allowed; valid: %s",
                            sg_activation_name(acts[n_layers - 1]), sg_activation_output_names());

    sg_mlp *net = calloc(1, sizeof *net);
    if (!net)
        goto nomem;
    net->n_layers = n_layers;
    size_t off = 0, nw = 0;
    for (size_t l = 0; l < n_layers; l++) {
        net->offset[l] = off;
        off += sizes[l + 1] * sizes[l] + sizes[l + 1];
        nw += sizes[l + 1] * sizes[l];
        net->act[l] = acts[l];
    }
    memcpy(net->size, sizes, n_sizes * sizeof *sizes);
    net->n_params = off;
    net->n_weights = nw;
    net->params = calloc(off, sizeof *net->params);
    if (!net->params)
        goto nomem;
    *out = net;
    return SG_OK;
nomem:
    sg_mlp_destroy(net);
    return sg_error_set(err, SG_ERR_NOMEM, "mlp: out of memory for the network");
}

void sg_mlp_destroy(sg_mlp *net)
{
    if (!net)
        return;
    free(net->params);
    free(net);
}

sg_status sg_mlp_copy(const sg_mlp *src, sg_mlp **out, sg_error *err)
{
    if (!src || !out)
        return sg_error_set(err, SG_ERR_INVALID, "mlp_copy: NULL argument");
    sg_status st = sg_mlp_create(src->n_layers + 1, src->size, src->act, out, err);
    if (st != SG_OK)
        return st;
    memcpy((*out)->params, src->params, src->n_params * sizeof *src->params);
    (*out)->loss = src->loss;
    return SG_OK;
}

sg_status sg_mlp_set_loss(sg_mlp *net, sg_loss loss, sg_error *err)
{
    if (!net || (int)loss < 0 || loss >= SG_LOSS_COUNT)
        return sg_error_set(err, SG_ERR_INVALID, "mlp_set_loss: unknown loss");
    if (loss != SG_LOSS_MSE && net->act[net->n_layers - 1] != SG_ACT_LINEAR)
        return sg_error_set(err, SG_ERR_INVALID,
                            "mlp_set_loss: a classification loss needs a linear output layer "
                            "(its outputs are logits; got %s)",
                            sg_activation_name(net->act[net->n_layers - 1]));
    net->loss = loss;
    return SG_OK;
}

sg_loss sg_mlp_loss(const sg_mlp *net) { return net->loss; }

size_t sg_mlp_n_in(const sg_mlp *net) { return net->size[0]; }
size_t sg_mlp_n_out(const sg_mlp *net) { return net->size[net->n_layers]; }
size_t sg_mlp_n_layers(const sg_mlp *net) { return net->n_layers; }
size_t sg_mlp_n_params(const sg_mlp *net) { return net->n_params; }
size_t sg_mlp_n_weights(const sg_mlp *net) { return net->n_weights; }
double *sg_mlp_params(sg_mlp *net) { return net->params; }
const double *sg_mlp_params_const(const sg_mlp *net) { return net->params; }
size_t sg_mlp_size(const sg_mlp *net, size_t i) { return i <= net->n_layers ? net->size[i] : 0; }

size_t sg_mlp_layer_in(const sg_mlp *net, size_t l)
{
    return l < net->n_layers ? net->size[l] : 0;
}

size_t sg_mlp_layer_out(const sg_mlp *net, size_t l)
{
    return l < net->n_layers ? net->size[l + 1] : 0;
}

sg_activation sg_mlp_layer_activation(const sg_mlp *net, size_t l)
{
    return l < net->n_layers ? net->act[l] : SG_ACT_COUNT;
}

size_t sg_mlp_layer_offset(const sg_mlp *net, size_t l)
{
    return l < net->n_layers ? net->offset[l] : net->n_params;
}

double *sg_mlp_layer_weights(sg_mlp *net, size_t l)
{
    return l < net->n_layers ? net->params + net->offset[l] : NULL;
}

double *sg_mlp_layer_biases(sg_mlp *net, size_t l)
{
    return l < net->n_layers ? net->params + net->offset[l] + net->size[l + 1] * net->size[l]
                             : NULL;
}

sg_status sg_mlp_init(sg_mlp *net, sg_init scheme, gsl_rng *rng, sg_error *err)
{
    if (!net || !rng)
        return sg_error_set(err, SG_ERR_INVALID, "mlp_init: NULL network or random generator");
    if (scheme != SG_INIT_GLOROT && scheme != SG_INIT_HE)
        return sg_error_set(err, SG_ERR_INVALID, "mlp_init: unknown initialisation scheme %d",
                            (int)scheme);
    for (size_t l = 0; l < net->n_layers; l++) {
        size_t fin = net->size[l], fout = net->size[l + 1];
        double r = scheme == SG_INIT_GLOROT ? sqrt(6.0 / (double)(fin + fout))
                                            : sqrt(6.0 / (double)fin);
        double *w = net->params + net->offset[l];
        for (size_t i = 0; i < fin * fout; i++)
            w[i] = r * (2.0 * gsl_rng_uniform(rng) - 1.0);
        memset(w + fin * fout, 0, fout * sizeof *w);
    }
    return SG_OK;
}

/* ---- workspace ------------------------------------------------------------ */

sg_status sg_mlp_work_create(const sg_mlp *net, size_t max_batch, sg_mlp_work **out, sg_error *err)
{
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "mlp_work: output pointer is NULL");
    *out = NULL;
    if (!net)
        return sg_error_set(err, SG_ERR_INVALID, "mlp_work: network is NULL");
    if (max_batch == 0)
        return sg_error_set(err, SG_ERR_INVALID, "mlp_work: max_batch must be positive");
    size_t total = 0, wmax = 0;
    for (size_t i = 0; i <= net->n_layers; i++) {
        if (i > 0)
            total += net->size[i];
        if (net->size[i] > wmax)
            wmax = net->size[i];
    }
    total += 2 * wmax; /* two delta buffers */
    size_t wt_max = 0;  /* transposed weights of the largest layer */
    for (size_t l = 0; l < net->n_layers; l++)
        if (net->size[l] * net->size[l + 1] > wt_max)
            wt_max = net->size[l] * net->size[l + 1];
    if (max_batch > SIZE_MAX / sizeof(double) / total)
        return sg_error_set(err, SG_ERR_LIMIT, "mlp_work: batch of %zu rows is too large",
                            max_batch);

    sg_mlp_work *w = calloc(1, sizeof *w);
    if (!w)
        goto nomem;
    w->n_layers = net->n_layers;
    memcpy(w->size, net->size, (net->n_layers + 1) * sizeof *net->size);
    w->max_batch = max_batch;
    w->kernel = SG_KERNEL_AUTO;
    w->buf = malloc(max_batch * total * sizeof *w->buf);
    w->wt = malloc(wt_max * sizeof *w->wt);
    w->xt = malloc(max_batch * net->size[0] * sizeof *w->xt);
    if (!w->buf || !w->wt || !w->xt)
        goto nomem;
    double *p = w->buf;
    w->a[0] = NULL; /* inputs are the caller's rows */
    for (size_t i = 1; i <= net->n_layers; i++) {
        w->a[i] = p;
        p += max_batch * net->size[i];
    }
    w->d[0] = p;
    w->d[1] = p + max_batch * wmax;
    *out = w;
    return SG_OK;
nomem:
    sg_mlp_work_destroy(w);
    return sg_error_set(err, SG_ERR_NOMEM, "mlp_work: out of memory for %zu rows", max_batch);
}

void sg_mlp_work_destroy(sg_mlp_work *work)
{
    if (!work)
        return;
    free(work->buf);
    free(work->wt);
    free(work->xt);
    free(work);
}

void sg_mlp_work_set_kernel(sg_mlp_work *work, sg_kernel kernel)
{
    if (work && (int)kernel >= SG_KERNEL_AUTO && kernel <= SG_KERNEL_FUSED)
        work->kernel = kernel;
}

bool sg_mlp_work_matches(const sg_mlp *net, const sg_mlp_work *work)
{
    if (!net || !work || net->n_layers != work->n_layers)
        return false;
    for (size_t i = 0; i <= net->n_layers; i++)
        if (net->size[i] != work->size[i])
            return false;
    return true;
}

/* ---- single point ------------------------------------------------------- */

/* out (m) = f(W (m, k) x (k) + b) */
static void point_layer(const double *W, const double *b, const double *x, size_t m, size_t k,
                        sg_activation act, double *out)
{
    sg_dense_row(W, b, x, m, k, out);
    sg_act_apply(act, out, m);
}

static void point_forward(const sg_mlp *net, sg_mlp_work *work, const double *x)
{
    const double *in = x;
    for (size_t l = 0; l < net->n_layers; l++) {
        size_t k = net->size[l], m = net->size[l + 1];
        const double *W = net->params + net->offset[l];
        point_layer(W, W + m * k, in, m, k, net->act[l], work->a[l + 1]);
        in = work->a[l + 1];
    }
}

void sg_mlp_eval(const sg_mlp *net, sg_mlp_work *work, const double *x, double *y)
{
    point_forward(net, work, x);
    memcpy(y, work->a[net->n_layers], net->size[net->n_layers] * sizeof *y);
}

void sg_mlp_eval_grad(const sg_mlp *net, sg_mlp_work *work, const double *x, size_t k, double *y,
                      double *dydx)
{
    size_t L = net->n_layers;
    point_forward(net, work, x);
    if (y)
        memcpy(y, work->a[L], net->size[L] * sizeof *y);
    /* d = dy_k/dz_{L-1} restricted to output k, then carried down:
     * dy_k/da_l = W_l^T (dy_k/dz_l),  dy_k/dz_{l-1} = that * f'(a_l). */
    double dk = sg_act_deriv(net->act[L - 1], work->a[L][k]); /* f'(z) from f(z) */
    double *d = work->d[0], *dn = work->d[1];
    /* dy_k/da_{L-1} = dk * row k of W_{L-1} */
    {
        size_t kin = net->size[L - 1];
        const double *Wk = net->params + net->offset[L - 1] + k * kin;
        for (size_t c = 0; c < kin; c++)
            d[c] = dk * Wk[c];
    }
    for (size_t l = L - 1; l-- > 0;) {
        /* d is dy_k/da_{l+1} (size[l+1]); convert to dy_k/dz_l, then to dy_k/da_l */
        size_t m = net->size[l + 1], kin = net->size[l];
        sg_act_dmul(net->act[l], work->a[l + 1], d, m);
        const double *W = net->params + net->offset[l];
        memset(dn, 0, kin * sizeof *dn);
        for (size_t j = 0; j < m; j++) {
            double dj = d[j];
            const double *wj = W + j * kin;
            for (size_t c = 0; c < kin; c++)
                dn[c] += dj * wj[c];
        }
        double *t = d;
        d = dn;
        dn = t;
    }
    memcpy(dydx, d, net->size[0] * sizeof *dydx);
}
