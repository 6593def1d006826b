/* Classification networks (issue 20, deliverables 2 and 5): the binary and
 * softmax cross-entropy losses of mlp.h — gradients against finite
 * differences, the source material's two worked shapes trained below a
 * stated loss, and a circle that splits two classes learnt to at least 97 %
 * accuracy on rows the network never saw. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mlp.h"
#include "model/train.h"

static void setup(void) { gsl_set_error_handler_off(); }
TestSuite(classify, .init = setup);

static sg_mlp *make_net(size_t n_in, size_t width, size_t n_out, sg_loss loss, unsigned long seed)
{
    const size_t sizes[] = {n_in, width, width, n_out};
    const sg_activation acts[] = {SG_ACT_TANH, SG_ACT_TANH, SG_ACT_LINEAR};
    sg_mlp *net = NULL;
    sg_error err;
    cr_assert_eq(sg_mlp_create(4, sizes, acts, &net, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_mlp_set_loss(net, loss, &err), SG_OK, "%s", err.msg);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    cr_assert_eq(sg_mlp_init(net, SG_INIT_GLOROT, r, &err), SG_OK);
    gsl_rng_free(r);
    return net;
}

/* The data loss (penalty-free) or, with grad, the loss with a small L2
 * penalty and its gradient (the penalty's gradient is checked too). */
static double loss_of(sg_mlp *net, const double *X, const double *T, size_t n, double *grad)
{
    sg_mlp_work *w = NULL;
    double loss = 0;
    sg_error err;
    cr_assert_eq(sg_mlp_work_create(net, n, &w, &err), SG_OK);
    double data = 0;
    cr_assert_eq(sg_mlp_loss_grad(net, w, X, T, n, 0.0, 1e-3, &loss, &data, grad, &err), SG_OK,
                 "%s", err.msg);
    if (!grad)
        loss = data;
    sg_mlp_work_destroy(w);
    return loss;
}

/* Central differences against the analytic gradient, every parameter. */
static void check_gradient(sg_loss loss, size_t n_out)
{
    enum { N = 7, NI = 3 };
    double X[N * NI], T[N * 4];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    for (size_t i = 0; i < N * NI; i++)
        X[i] = gsl_ran_gaussian(r, 1.0);
    for (size_t i = 0; i < N; i++) {
        size_t hot = gsl_rng_uniform_int(r, n_out);
        for (size_t k = 0; k < n_out; k++)
            T[i * n_out + k] = loss == SG_LOSS_SOFTMAX ? (k == hot) : gsl_rng_uniform(r) < 0.5;
    }
    gsl_rng_free(r);
    sg_mlp *net = make_net(NI, 5, n_out, loss, 3);
    size_t np = sg_mlp_n_params(net);
    double *g = malloc(np * sizeof *g), *p = sg_mlp_params(net);
    double *scratch = malloc(np * sizeof *scratch);
    loss_of(net, X, T, N, g);
    for (size_t i = 0; i < np; i++) {
        double keep = p[i], h = 1e-6;
        p[i] = keep + h;
        double up = loss_of(net, X, T, N, scratch);
        p[i] = keep - h;
        double down = loss_of(net, X, T, N, scratch);
        p[i] = keep;
        double fd = (up - down) / (2 * h);
        cr_expect(fabs(fd - g[i]) <= 1e-6 * (1 + fabs(fd)), "loss %d, parameter %zu: %g vs %g",
                  (int)loss, i, g[i], fd);
    }
    free(g);
    free(scratch);
    sg_mlp_destroy(net);
}

Test(classify, binary_cross_entropy_gradient_matches_finite_differences)
{
    check_gradient(SG_LOSS_BINARY, 2);
}

Test(classify, softmax_cross_entropy_gradient_matches_finite_differences)
{
    check_gradient(SG_LOSS_SOFTMAX, 4);
}

Test(classify, known_losses_at_known_logits)
{
    /* one output with logit 0: p = 1/2, loss log 2 whatever the target */
    const size_t sizes[] = {1, 1};
    const sg_activation acts[] = {SG_ACT_LINEAR};
    sg_mlp *net = NULL;
    cr_assert_eq(sg_mlp_create(2, sizes, acts, &net, NULL), SG_OK);
    cr_assert_eq(sg_mlp_set_loss(net, SG_LOSS_BINARY, NULL), SG_OK);
    double x = 1.0, t = 1.0, loss;
    sg_mlp_work *w = NULL;
    cr_assert_eq(sg_mlp_work_create(net, 1, &w, NULL), SG_OK);
    cr_assert_eq(sg_mlp_loss_grad(net, w, &x, &t, 1, 0, 0, &loss, NULL, NULL, NULL), SG_OK);
    cr_expect_float_eq(loss, log(2.0), 1e-15);
    /* a huge logit of the right sign costs nothing and does not overflow */
    sg_mlp_params(net)[0] = 800.0;
    cr_assert_eq(sg_mlp_loss_grad(net, w, &x, &t, 1, 0, 0, &loss, NULL, NULL, NULL), SG_OK);
    cr_expect(isfinite(loss) && loss < 1e-300, "%g", loss);
    t = 0.0;
    cr_assert_eq(sg_mlp_loss_grad(net, w, &x, &t, 1, 0, 0, &loss, NULL, NULL, NULL), SG_OK);
    cr_expect_float_eq(loss, 800.0, 1e-9);
    sg_mlp_work_destroy(w);
    sg_mlp_destroy(net);
    /* a classification loss needs logits */
    const sg_activation sig[] = {SG_ACT_SIGMOID};
    cr_assert_eq(sg_mlp_create(2, sizes, sig, &net, NULL), SG_OK);
    sg_error err;
    cr_expect_eq(sg_mlp_set_loss(net, SG_LOSS_SOFTMAX, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "linear output"), "%s", err.msg);
    sg_mlp_destroy(net);
}

static sg_train_config adam(size_t epochs)
{
    sg_train_config c = sg_train_config_defaults();
    c.optimizer = SG_OPT_ADAM;
    c.learning_rate = 0.01;
    c.batch_size = 32;
    c.epochs = epochs;
    c.seed = 5;
    return c;
}

/* The source material's binary shape: two inputs, yes when x1 + x2 > 1. */
Test(classify, a_binary_network_trains_below_a_stated_loss)
{
    enum { N = 400 };
    static double X[N * 2], T[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    for (size_t i = 0; i < N; i++) {
        X[2 * i] = gsl_rng_uniform(r);
        X[2 * i + 1] = gsl_rng_uniform(r);
        T[i] = X[2 * i] + X[2 * i + 1] > 1.0;
    }
    gsl_rng_free(r);
    sg_mlp *net = make_net(2, 8, 1, SG_LOSS_BINARY, 2);
    double start = loss_of(net, X, T, N, NULL);
    sg_train_config c = adam(300);
    sg_error err;
    cr_assert_eq(sg_train(net, X, T, N, NULL, NULL, 0, &c, NULL, NULL, NULL, NULL, &err), SG_OK,
                 "%s", err.msg);
    double end = loss_of(net, X, T, N, NULL);
    cr_expect_lt(end, 0.1, "binary cross-entropy %g (from %g)", end, start);
    sg_mlp_destroy(net);
}

/* The source material's ten-class shape: ten angular sectors of the plane. */
Test(classify, a_ten_class_softmax_network_trains_below_a_stated_loss)
{
    enum { N = 1000, K = 10 };
    static double X[N * 2], T[N * K];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 4);
    for (size_t i = 0; i < N; i++) {
        double a = 2 * 3.14159265358979323846 * gsl_rng_uniform(r), rad = 0.3 + 0.7 * gsl_rng_uniform(r);
        X[2 * i] = rad * cos(a);
        X[2 * i + 1] = rad * sin(a);
        size_t cls = (size_t)(a / (2 * 3.14159265358979323846) * K) % K;
        for (size_t k = 0; k < K; k++)
            T[i * K + k] = k == cls;
    }
    gsl_rng_free(r);
    sg_mlp *net = make_net(2, 24, K, SG_LOSS_SOFTMAX, 6);
    sg_train_config c = adam(400);
    sg_error err;
    cr_assert_eq(sg_train(net, X, T, N, NULL, NULL, 0, &c, NULL, NULL, NULL, NULL, &err), SG_OK,
                 "%s", err.msg);
    double end = loss_of(net, X, T, N, NULL);
    cr_expect_lt(end, 0.25, "categorical cross-entropy %g (log 10 = 2.30 at the start)", end);
    /* probabilities: a distribution per row, the right class most likely */
    sg_mlp_work *w = NULL;
    static double P[N * K];
    cr_assert_eq(sg_mlp_work_create(net, N, &w, &err), SG_OK);
    cr_assert_eq(sg_mlp_predict_proba(net, w, X, N, P, &err), SG_OK);
    size_t right = 0;
    for (size_t i = 0; i < N; i++) {
        double sum = 0;
        size_t best = 0;
        for (size_t k = 0; k < K; k++) {
            sum += P[i * K + k];
            best = P[i * K + k] > P[i * K + best] ? k : best;
        }
        cr_expect_float_eq(sum, 1.0, 1e-12);
        right += T[i * K + best] == 1.0;
    }
    cr_expect_geq(right, 950, "%zu of %d rows right", right, N);
    sg_mlp_work_destroy(w);
    sg_mlp_destroy(net);
}

/* Classes split by a circle of radius 0.3 about (0.5, 0.5): trained on
 * 800 rows, judged on 400 others. */
Test(classify, a_circle_is_learnt_to_97_percent_on_unseen_rows)
{
    enum { NT = 800, NV = 400 };
    static double X[(NT + NV) * 2], T[NT + NV];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 9);
    for (size_t i = 0; i < NT + NV; i++) {
        double a = gsl_rng_uniform(r), b = gsl_rng_uniform(r);
        X[2 * i] = a;
        X[2 * i + 1] = b;
        T[i] = (a - 0.5) * (a - 0.5) + (b - 0.5) * (b - 0.5) < 0.09;
    }
    gsl_rng_free(r);
    sg_mlp *net = make_net(2, 16, 1, SG_LOSS_BINARY, 8);
    sg_train_config c = adam(600);
    sg_error err;
    cr_assert_eq(sg_train(net, X, T, NT, NULL, NULL, 0, &c, NULL, NULL, NULL, NULL, &err), SG_OK,
                 "%s", err.msg);
    sg_mlp_work *w = NULL;
    static double P[NV];
    cr_assert_eq(sg_mlp_work_create(net, NV, &w, &err), SG_OK);
    cr_assert_eq(sg_mlp_predict_proba(net, w, X + 2 * NT, NV, P, &err), SG_OK);
    size_t right = 0;
    for (size_t i = 0; i < NV; i++)
        right += (P[i] >= 0.5) == (T[NT + i] == 1.0);
    cr_expect_geq((double)right / NV, 0.97, "accuracy on unseen rows %zu / %d", right, NV);
    sg_mlp_work_destroy(w);
    sg_mlp_destroy(net);
}
