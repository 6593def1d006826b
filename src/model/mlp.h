/* mlp.h — dense feed-forward network (multilayer perceptron), float64.
 *
 * A network maps n_in inputs to n_out outputs through L = n_layers weight
 * layers.  Layer l (0-based) maps size[l] values to size[l+1] values:
 *     z_l = W_l a_l + b_l,   a_{l+1} = f_l(z_l),   a_0 = x,  y = a_L
 * with W_l of shape (size[l+1], size[l]) row-major and f_l the layer's
 * activation (the last one is the output activation).
 *
 * Parameter memory: ONE flat buffer of sg_mlp_n_params() doubles owned by
 * the network, laid out layer by layer as [W_0 (row-major), b_0, W_1, b_1,
 * ...].  The trainer, the gradient check and the model-file writer each
 * treat it as one vector; sg_mlp_layer_weights()/sg_mlp_layer_biases()
 * point into it.
 *
 * Loss (sg_mlp_loss_grad): for a batch of n rows with targets T (n, n_out)
 *     E = 1/(n * n_out) * sum_{i,k} (y_ik - t_ik)^2
 *       + l1 * sum |w| + l2 * sum w^2      (over weights W only, not biases;
 *                                           d|w|/dw is taken as 0 at w = 0)
 *
 * Evaluation needs a workspace (sg_mlp_work) created once for a maximum
 * batch size and reused; forward/backward never allocate.  One network may
 * be shared read-only between threads as long as each thread has its own
 * workspace.  No function prints, exits or keeps global state.
 *
 * Everything here works on already-scaled data; scaling lives in the model
 * module.
 */
#ifndef SG_MLP_H
#define SG_MLP_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "core/error.h"

/* ---- activations ------------------------------------------------------ */

typedef enum sg_activation {
    SG_ACT_LINEAR = 0, /* f(z) = z */
    SG_ACT_RELU,       /* max(0, z); f'(0) taken as 0 */
    SG_ACT_LEAKY_RELU, /* z > 0 ? z : SG_LEAKY_RELU_SLOPE * z */
    SG_ACT_ELU,        /* z > 0 ? z : SG_ELU_ALPHA * (exp(z) - 1) */
    SG_ACT_SIGMOID,    /* 1 / (1 + exp(-z)) */
    SG_ACT_TANH,       /* tanh(z) */
    SG_ACT_SOFTPLUS,   /* log(1 + exp(z)), computed without overflow */
    SG_ACT_COUNT
} sg_activation;

/* Slope of leaky_relu for negative arguments. */
#define SG_LEAKY_RELU_SLOPE 0.01
/* Saturation value (-alpha) of elu for large negative arguments. */
#define SG_ELU_ALPHA 1.0

/* Name of an activation as written in studies ("leaky_relu"); "?" if invalid. */
const char *sg_activation_name(sg_activation act);

/* Parse a name (exact, lower case) into *act; returns false if unknown
 * (then *act is untouched).  Use sg_activation_names() in the message. */
bool sg_activation_from_name(const char *name, sg_activation *act);

/* Static comma-separated list of all valid names, for error messages. */
const char *sg_activation_names(void);

/* True if act may be used as the OUTPUT activation (linear, sigmoid, tanh). */
bool sg_activation_output_ok(sg_activation act);

/* Static list of valid output activation names ("linear, sigmoid, tanh"). */
const char *sg_activation_output_names(void);

/* ---- network ----------------------------------------------------------- */

/* Largest number of weight layers (hidden layers + 1) accepted by create. */
#define SG_MLP_MAX_LAYERS 64
/* Largest width of any layer (inputs, hidden, outputs) accepted by create. */
#define SG_MLP_MAX_WIDTH 100000

typedef struct sg_mlp sg_mlp;

/* Create a network with parameters set to 0.
 *   n_sizes: number of entries of sizes = n_layers + 1 (>= 2);
 *   sizes:   (n_in, hidden widths..., n_out), all > 0 (copied);
 *   acts:    n_layers activations, acts[n_layers-1] is the output activation
 *            and must be linear, sigmoid or tanh (copied).
 * Invalid arguments give SG_ERR_INVALID with a message naming the layer.
 * On success the caller owns *out (free with sg_mlp_destroy). */
sg_status sg_mlp_create(size_t n_sizes, const size_t *sizes, const sg_activation *acts,
                        sg_mlp **out, sg_error *err);

/* Free the network; NULL is a no-op. */
void sg_mlp_destroy(sg_mlp *net);

/* The loss the network is trained on (issue 20: pass/fail and class
 * responses).  The classification losses read the outputs as logits z (the
 * output activation must be linear) and the targets as 0/1 indicators:
 *   SG_LOSS_MSE          E = 1/(n n_out) sum (y - t)^2 (the default);
 *   SG_LOSS_BINARY       binary cross-entropy of p = sigmoid(z), every output
 *                        a yes/no of its own: E = -1/(n n_out) sum
 *                        [t log p + (1 - t) log(1 - p)];
 *   SG_LOSS_SOFTMAX      categorical cross-entropy of p = softmax(z) over
 *                        the outputs (one row's targets sum to 1):
 *                        E = -1/n sum_i sum_k t_ik log p_ik.
 * Both are computed without overflow (log-sum-exp); their gradient with
 * respect to z is (p - t) / (n n_out) and (p - t) / n. */
typedef enum sg_loss { SG_LOSS_MSE = 0, SG_LOSS_BINARY, SG_LOSS_SOFTMAX, SG_LOSS_COUNT } sg_loss;
typedef struct sg_mlp_work sg_mlp_work;

/* Set the loss (SG_ERR_INVALID when a classification loss meets a
 * non-linear output activation).  Copies keep it. */
sg_status sg_mlp_set_loss(sg_mlp *net, sg_loss loss, sg_error *err);
sg_loss sg_mlp_loss(const sg_mlp *net);

/* Class probabilities of n rows (n, n_out) from the logits: sigmoid per
 * output (SG_LOSS_BINARY) or softmax per row (SG_LOSS_SOFTMAX); the plain
 * outputs for SG_LOSS_MSE. */
sg_status sg_mlp_predict_proba(const sg_mlp *net, sg_mlp_work *work, const double *X, size_t n,
                               double *P, sg_error *err);

/* Deep copy (architecture and parameters); caller owns *out. */
sg_status sg_mlp_copy(const sg_mlp *src, sg_mlp **out, sg_error *err);

/* Number of inputs / outputs / weight layers (hidden layers + 1). */
size_t sg_mlp_n_in(const sg_mlp *net);
size_t sg_mlp_n_out(const sg_mlp *net);
size_t sg_mlp_n_layers(const sg_mlp *net);

/* Total number of trainable values (all weights and biases). */
size_t sg_mlp_n_params(const sg_mlp *net);

/* The flat parameter buffer (n_params doubles, layout above), owned by net. */
double *sg_mlp_params(sg_mlp *net);
const double *sg_mlp_params_const(const sg_mlp *net);

/* Width of size index i, 0 <= i <= n_layers (0 = inputs, n_layers = outputs). */
size_t sg_mlp_size(const sg_mlp *net, size_t i);

/* Layer l (0 <= l < n_layers): fan-in size[l], fan-out size[l+1], activation. */
size_t sg_mlp_layer_in(const sg_mlp *net, size_t l);
size_t sg_mlp_layer_out(const sg_mlp *net, size_t l);
sg_activation sg_mlp_layer_activation(const sg_mlp *net, size_t l);

/* Offset of layer l's W in the flat buffer; its b follows at
 * offset + layer_out*layer_in. */
size_t sg_mlp_layer_offset(const sg_mlp *net, size_t l);

/* Pointers into the flat buffer: W_l (layer_out, layer_in) row-major, b_l
 * (layer_out).  Owned by net; valid until net is destroyed. */
double *sg_mlp_layer_weights(sg_mlp *net, size_t l);
double *sg_mlp_layer_biases(sg_mlp *net, size_t l);

/* Number of weights only (the values L1/L2 act on). */
size_t sg_mlp_n_weights(const sg_mlp *net);

typedef enum sg_init {
    SG_INIT_GLOROT = 0, /* W ~ U(-r, r), r = sqrt(6 / (fan_in + fan_out)) */
    SG_INIT_HE          /* W ~ U(-r, r), r = sqrt(6 / fan_in) */
} sg_init;

/* Draw all weights from rng (not owned, advanced) and set biases to 0.
 * Deterministic for a given rng state. */
sg_status sg_mlp_init(sg_mlp *net, sg_init scheme, gsl_rng *rng, sg_error *err);

/* ---- workspace and kernels --------------------------------------------- */

typedef enum sg_kernel {
    SG_KERNEL_AUTO = 0, /* default: tight loops for small layers, BLAS for large */
    SG_KERNEL_NAIVE,    /* plain reference loops, for tests */
    SG_KERNEL_LOOPS,    /* optimised loops, no BLAS */
    SG_KERNEL_BLAS,     /* cblas_dgemm for every layer product */
    SG_KERNEL_FUSED     /* one fused loss-and-gradient loop for tiny networks
                           (bit-identical to LOOPS); LOOPS where it does not fit */
} sg_kernel;

/* AUTO uses cblas_dgemm for a layer product of rows x out x in multiply-adds
 * at or above this count, its own loops below it. */
#define SG_MLP_BLAS_MIN_FLOPS 32768

/* AUTO (and FUSED) compute the loss and gradient of a chunk in one fused
 * kernel when every width is at most SG_MLP_FUSED_MAX_WIDTH and the chunk has
 * at most SG_MLP_FUSED_MAX_ROWS rows (a full-batch surrogate on a small
 * table); results are bit-identical to SG_KERNEL_LOOPS.  (Measured: 1.5x
 * faster than LOOPS for 4-4-4-1 on 26 rows, even at width 8, slower above.) */
#define SG_MLP_FUSED_MAX_WIDTH 8
#define SG_MLP_FUSED_MAX_ROWS 64

typedef struct sg_mlp_work sg_mlp_work;

/* Workspace for net's architecture and up to max_batch rows per call
 * (max_batch > 0).  Batched calls with more rows are processed in chunks.
 * Caller owns *out (free with sg_mlp_work_destroy).  The workspace fits any
 * network with the same sizes (e.g. a copy). */
sg_status sg_mlp_work_create(const sg_mlp *net, size_t max_batch, sg_mlp_work **out,
                             sg_error *err);

/* Free the workspace; NULL is a no-op. */
void sg_mlp_work_destroy(sg_mlp_work *work);

/* Select the kernel used by batched calls (default SG_KERNEL_AUTO). */
void sg_mlp_work_set_kernel(sg_mlp_work *work, sg_kernel kernel);

/* Batched forward pass.  X is (n, n_in) row-major, Y is (n, n_out)
 * row-major, caller-owned.  SG_ERR_INVALID if work does not match net. */
sg_status sg_mlp_forward(const sg_mlp *net, sg_mlp_work *work, const double *X, size_t n,
                         double *Y, sg_error *err);

/* Loss and its gradient for a batch.  X (n, n_in), T (n, n_out) row-major;
 * l1, l2 >= 0 penalties on weights.  *loss receives E (above); if mse is
 * not NULL it receives the data term alone; if grad is not NULL it receives
 * dE/dparams (n_params doubles, same layout as the parameters).  n > 0. */
sg_status sg_mlp_loss_grad(const sg_mlp *net, sg_mlp_work *work, const double *X,
                           const double *T, size_t n, double l1, double l2, double *loss,
                           double *mse, double *grad, sg_error *err);

/* ---- single point (fast path, no BLAS, no argument checks) ---------------- */

/* Outputs y (n_out) at one input x (n_in).  work must come from
 * sg_mlp_work_create for this architecture (not checked: the optimiser
 * calls this millions of times).  Never fails. */
void sg_mlp_eval(const sg_mlp *net, sg_mlp_work *work, const double *x, double *y);

/* Outputs y (n_out, may be NULL) and the analytic gradient dy_k/dx (n_in)
 * at x, for output k < n_out (in the network's scaled units). */
void sg_mlp_eval_grad(const sg_mlp *net, sg_mlp_work *work, const double *x, size_t k,
                      double *y, double *dydx);

#endif
