#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "model/model.h"
#include "model/train.h"
#include "table_test.h"

static void setup(void) { gsl_set_error_handler_off(); }
TestSuite(train, .init = setup);

/* y = 0.3 + 0.5 x1 - 0.2 x2^2 on 40 seeded points of [0,1]^2 */
#define NP 40
static double X[NP * 2], T[NP];

static void make_data(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2385);
    for (size_t i = 0; i < NP; i++) {
        double x1 = gsl_rng_uniform(r), x2 = gsl_rng_uniform(r);
        X[2 * i] = x1;
        X[2 * i + 1] = x2;
        T[i] = 0.3 + 0.5 * x1 - 0.2 * x2 * x2;
    }
    gsl_rng_free(r);
}

static sg_mlp *make_net(unsigned long seed)
{
    const size_t sizes[] = {2, 8, 1};
    const sg_activation acts[] = {SG_ACT_TANH, SG_ACT_LINEAR};
    sg_mlp *net = NULL;
    sg_error err;
    cr_assert_eq(sg_mlp_create(3, sizes, acts, &net, &err), SG_OK, "%s", err.msg);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    cr_assert_eq(sg_mlp_init(net, SG_INIT_GLOROT, r, &err), SG_OK);
    gsl_rng_free(r);
    return net;
}

static double mse_of(sg_mlp *net, const double *x, const double *t, size_t n)
{
    sg_mlp_work *w = NULL;
    double loss, mse;
    cr_assert_eq(sg_mlp_work_create(net, n, &w, NULL), SG_OK);
    cr_assert_eq(sg_mlp_loss_grad(net, w, x, t, n, 0, 0, &loss, &mse, NULL, NULL), SG_OK);
    sg_mlp_work_destroy(w);
    return mse;
}

/* ---- names and config ------------------------------------------------ */

TableTestN(SG_OPT_COUNT, row, train, optimizer_name_round_trips)
{
    {
        int o = (int)row;
        sg_optimizer back;
        cr_expect(sg_optimizer_from_name(sg_optimizer_name((sg_optimizer)o), &back));
        cr_expect_eq(back, (sg_optimizer)o);
        cr_expect_not_null(strstr(sg_optimizer_names(), sg_optimizer_name((sg_optimizer)o)));
    }
}

Test(train, names_round_trip)
{
    sg_optimizer keep = SG_OPT_SGD;
    cr_expect_not(sg_optimizer_from_name("Adam", &keep));
    cr_expect_not(sg_optimizer_from_name(NULL, &keep));
    cr_expect_eq(keep, SG_OPT_SGD);
    cr_expect_str_eq(sg_optimizer_name(SG_OPT_COUNT), "?");
    sg_monitor m;
    cr_expect(sg_monitor_from_name("validation", &m));
    cr_expect_eq(m, SG_MONITOR_VALIDATION);
    cr_expect(sg_monitor_from_name("train", &m));
    cr_expect_eq(m, SG_MONITOR_TRAIN);
    cr_expect_not(sg_monitor_from_name("val", &m));
    cr_expect_str_eq(sg_monitor_name(SG_MONITOR_VALIDATION), "validation");
    cr_expect_str_eq(sg_stop_reason_name(SG_STOP_EARLY), "early_stopping");
    cr_expect_str_eq(sg_stop_reason_name(SG_STOP_DIVERGED), "diverged");
    cr_expect_eq(sg_train_default_optimizer(27), SG_OPT_LBFGS);
    cr_expect_eq(sg_train_default_optimizer(SG_TRAIN_LBFGS_MAX_ROWS), SG_OPT_LBFGS);
    cr_expect_eq(sg_train_default_optimizer(SG_TRAIN_LBFGS_MAX_ROWS + 1), SG_OPT_ADAM);
}

Test(train, defaults_are_valid)
{
    sg_train_config c = sg_train_config_defaults();
    sg_error err;
    cr_expect_eq(sg_train_config_validate(&c, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(c.optimizer, SG_OPT_ADAM);
    cr_expect_eq(c.learning_rate, 1e-3);
    cr_expect_eq(c.beta1, 0.9);
    cr_expect_eq(c.beta2, 0.999);
    cr_expect_eq(c.epsilon, 1e-8);
    cr_expect_eq(c.rho, 0.9);
    cr_expect_eq(c.batch_size, 0);
    cr_expect_eq(c.early_stopping.patience, SG_TRAIN_DEFAULT_PATIENCE);
}

enum field { LR, EPOCHS, MOMENTUM, NESTEROV, BETA1, BETA2, EPS, RHO, L1, L2, MONITOR,
             MIN_DELTA, PATIENCE, GTOL, STEP, LINE_TOL, OPTIMIZER };

struct bad_cfg {
    enum field f;
    double value;
    const char *msg;
};

static const struct bad_cfg bad_cfgs[] = {
    {LR, -0.1, "learning_rate must be positive (got -0.1)"},
    {LR, 0.0, "learning_rate must be positive (got 0)"},
    {LR, NAN, "learning_rate must be positive (got nan)"},
    {LR, INFINITY, "learning_rate must be positive (got inf)"},
    {EPOCHS, 0, "epochs must be between 1 and 100000000 (got 0)"},
    {EPOCHS, 200000000.0, "epochs must be between 1 and 100000000 (got 200000000)"},
    {MOMENTUM, 1.0, "momentum must be in [0, 1) (got 1)"},
    {MOMENTUM, -0.5, "momentum must be in [0, 1) (got -0.5)"},
    {NESTEROV, 0, "nesterov needs momentum > 0 (got 0)"},
    {BETA1, 1.2, "beta1 must be in [0, 1) (got 1.2)"},
    {BETA2, -1e-3, "beta2 must be in [0, 1) (got -0.001)"},
    {EPS, 0.0, "epsilon must be positive (got 0)"},
    {RHO, 1.0, "rho must be in [0, 1) (got 1)"},
    {L1, -0.01, "l1 must be zero or positive (got -0.01)"},
    {L2, NAN, "l2 must be zero or positive (got nan)"},
    {MONITOR, 5, "early_stopping.monitor must be train or validation (got 5)"},
    {MIN_DELTA, -1e-4, "early_stopping.min_delta must be zero or positive (got -0.0001)"},
    {PATIENCE, 0, "early_stopping.patience must be at least 1 (got 0)"},
    {GTOL, 0.0, "lbfgs_gtol must be positive (got 0)"},
    {STEP, -1.0, "lbfgs_step must be positive (got -1)"},
    {LINE_TOL, 1.0, "lbfgs_line_tol must be in (0, 1) (got 1)"},
    {OPTIMIZER, 9, "optimizer must be one of adam, rmsprop, sgd, lbfgs (got 9)"},
};

TableTest(bad_cfgs, i, train, validate_names_the_bad_field)
{
    {
        sg_train_config c = sg_train_config_defaults();
        double v = bad_cfgs[i].value;
        switch (bad_cfgs[i].f) {
        case LR: c.learning_rate = v; break;
        case EPOCHS: c.epochs = (size_t)v; break;
        case MOMENTUM: c.momentum = v; break;
        case NESTEROV: c.optimizer = SG_OPT_SGD; c.nesterov = true; c.momentum = v; break;
        case BETA1: c.beta1 = v; break;
        case BETA2: c.beta2 = v; break;
        case EPS: c.epsilon = v; break;
        case RHO: c.rho = v; break;
        case L1: c.l1 = v; break;
        case L2: c.l2 = v; break;
        case MONITOR: c.early_stopping.monitor = (sg_monitor)(int)v; break;
        case MIN_DELTA: c.early_stopping.min_delta = v; break;
        case PATIENCE: c.early_stopping.patience = (size_t)v; break;
        case GTOL: c.lbfgs_gtol = v; break;
        case STEP: c.lbfgs_step = v; break;
        case LINE_TOL: c.lbfgs_line_tol = v; break;
        case OPTIMIZER: c.optimizer = (sg_optimizer)(int)v; break;
        }
        sg_error err;
        cr_expect_eq(sg_train_config_validate(&c, &err), SG_ERR_INVALID, "case %zu", i);
        cr_expect_str_eq(err.msg, bad_cfgs[i].msg, "case %zu", i);
    }
}

Test(train, validate_null_config)
{
    cr_expect_eq(sg_train_config_validate(NULL, NULL), SG_ERR_INVALID);
}

Test(train, create_rejects_bad_data)
{
    make_data();
    sg_mlp *net = make_net(1);
    sg_train_config c = sg_train_config_defaults();
    sg_trainer *tr = NULL;
    sg_error err;
    cr_expect_eq(sg_trainer_create(net, X, T, 0, NULL, NULL, 0, &c, &tr, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_trainer_create(net, NULL, T, NP, NULL, NULL, 0, &c, &tr, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_trainer_create(net, X, T, NP, NULL, NULL, 5, &c, &tr, &err), SG_ERR_INVALID);
    c.early_stopping.enabled = true;
    c.early_stopping.monitor = SG_MONITOR_VALIDATION;
    cr_expect_eq(sg_trainer_create(net, X, T, NP, NULL, NULL, 0, &c, &tr, &err), SG_ERR_INVALID);
    cr_expect_not_null(strstr(err.msg, "needs validation rows"), "%s", err.msg);
    c = sg_train_config_defaults();
    c.learning_rate = -0.1;
    cr_expect_eq(sg_trainer_create(net, X, T, NP, NULL, NULL, 0, &c, &tr, &err), SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "learning_rate must be positive (got -0.1)");
    c = sg_train_config_defaults();
    double Xbad[NP * 2];
    memcpy(Xbad, X, sizeof X);
    Xbad[2 * 6 + 1] = NAN;
    cr_expect_eq(sg_trainer_create(net, Xbad, T, NP, NULL, NULL, 0, &c, &tr, &err), SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "training input row 7 column 2 is not finite (nan)");
    cr_expect_null(tr);
    cr_expect_eq(sg_trainer_step(NULL, NULL, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_trainer_finish(NULL, &err), SG_ERR_INVALID);
    sg_trainer_destroy(NULL);
    sg_train_history_destroy(NULL);
    sg_mlp_destroy(net);
}

/* ---- each optimizer fits the known function ---------------------------------- */

struct fit_case {
    sg_optimizer opt;
    double lr;
    size_t epochs, batch;
    double momentum;
    bool nesterov;
    double max_mse; /* stated loss the fit must reach */
};

static const struct fit_case fit_cases[] = {
    {SG_OPT_ADAM, 0.01, 1500, 8, 0, false, 2e-5},
    {SG_OPT_ADAM, 0.02, 1500, 0, 0, false, 5e-5},
    {SG_OPT_RMSPROP, 0.003, 1500, 8, 0, false, 1.2e-4},
    {SG_OPT_SGD, 0.05, 1500, 8, 0.9, false, 5e-5},
    {SG_OPT_SGD, 0.05, 1500, 8, 0.9, true, 5e-5},
    {SG_OPT_LBFGS, 1.0, 500, 0, 0, false, 1e-6},
};

TableTest(fit_cases, i, train, each_optimizer_fits_a_known_function)
{
    make_data();
    {
        sg_mlp *net = make_net(7);
        double before = mse_of(net, X, T, NP);
        sg_train_config c = sg_train_config_defaults();
        c.optimizer = fit_cases[i].opt;
        c.learning_rate = fit_cases[i].lr;
        c.epochs = fit_cases[i].epochs;
        c.batch_size = fit_cases[i].batch;
        c.momentum = fit_cases[i].momentum;
        c.nesterov = fit_cases[i].nesterov;
        sg_train_history h;
        sg_train_info fin;
        sg_error err;
        cr_assert_eq(sg_train(net, X, T, NP, NULL, NULL, 0, &c, NULL, NULL, &h, &fin, &err), SG_OK,
                     "case %zu: %s", i, err.msg);
        double after = mse_of(net, X, T, NP);
        cr_expect(after < fit_cases[i].max_mse, "case %zu (%s%s): mse %g -> %g after %zu epochs (%s)", i,
                  sg_optimizer_name(c.optimizer), c.nesterov ? "+nesterov" : "", before, after,
                  fin.epoch, sg_stop_reason_name(fin.reason));
        cr_expect_eq(h.n_epochs, fin.epoch);
        cr_expect(isnan(h.val_loss[0]));
        cr_expect(h.train_loss[h.n_epochs - 1] < h.train_loss[0]);
        sg_train_history_destroy(&h);
        cr_expect_null(h.train_loss);
        sg_mlp_destroy(net);
    }
}

Test(train, lbfgs_reports_convergence)
{
    /* a linear net on exactly linear data: the gradient vanishes quickly */
    const size_t sizes[] = {2, 1};
    const sg_activation acts[] = {SG_ACT_LINEAR};
    sg_mlp *net = NULL;
    cr_assert_eq(sg_mlp_create(2, sizes, acts, &net, NULL), SG_OK);
    double x[8] = {0.1, 0.7, 0.35, 0.2, 0.9, 0.55, 0.45, 0.05}, t[4];
    for (int i = 0; i < 4; i++)
        t[i] = 0.25 + 0.6 * x[2 * i] - 0.35 * x[2 * i + 1];
    sg_train_config c = sg_train_config_defaults();
    c.optimizer = SG_OPT_LBFGS;
    c.epochs = 200;
    sg_train_info fin;
    sg_error err;
    cr_assert_eq(sg_train(net, x, t, 4, NULL, NULL, 0, &c, NULL, NULL, NULL, &fin, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(fin.reason, SG_STOP_CONVERGED, "%s after %zu", sg_stop_reason_name(fin.reason), fin.epoch);
    cr_expect(fin.epoch < 200);
    const double *p = sg_mlp_params_const(net);
    cr_expect(fabs(p[0] - 0.6) < 1e-6 && fabs(p[1] + 0.35) < 1e-6 && fabs(p[2] - 0.25) < 1e-6,
              "%g %g %g", p[0], p[1], p[2]);
    sg_mlp_destroy(net);
}

/* ---- early stopping ------------------------------------------------------ */

Test(train, early_stopping_stops_after_patience_and_restores_best)
{
    make_data();
    sg_mlp *net = make_net(3);
    size_t np = sg_mlp_n_params(net);
    sg_train_config c = sg_train_config_defaults();
    c.learning_rate = 0.01;
    c.batch_size = 8;
    c.early_stopping.enabled = true;
    c.early_stopping.patience = 5;
    c.early_stopping.min_delta = 10.0; /* nothing after epoch 1 counts as better */
    sg_trainer *tr = NULL;
    sg_error err;
    cr_assert_eq(sg_trainer_create(net, X, T, NP, NULL, NULL, 0, &c, &tr, &err), SG_OK);
    sg_train_info in;
    double p1[64];
    cr_assert(np <= 64);
    cr_assert_eq(sg_trainer_step(tr, &in, &err), SG_OK);
    memcpy(p1, sg_mlp_params(net), np * sizeof(double));
    cr_expect_eq(in.best_epoch, 1);
    do
        cr_assert_eq(sg_trainer_step(tr, &in, &err), SG_OK);
    while (!in.done);
    cr_expect_eq(in.epoch, 6);
    cr_expect_eq(in.reason, SG_STOP_EARLY);
    cr_expect_neq(memcmp(p1, sg_mlp_params(net), np * sizeof(double)), 0);
    cr_assert_eq(sg_trainer_finish(tr, &err), SG_OK);
    cr_expect_eq(memcmp(p1, sg_mlp_params(net), np * sizeof(double)), 0);
    /* a finished trainer does nothing more */
    sg_train_info again;
    cr_assert_eq(sg_trainer_step(tr, &again, &err), SG_OK);
    cr_expect_eq(again.epoch, 6);
    sg_trainer_destroy(tr);
    sg_mlp_destroy(net);
}

Test(train, early_stopping_on_validation_keeps_the_best_epoch)
{
    make_data();
    /* validation targets half the training ones: the outputs start near 0,
     * pass near the validation targets on their way to the training
     * targets, so the val loss turns up while the training loss falls */
    double Xv[10 * 2], Tv[10];
    for (int i = 0; i < 10; i++) {
        Xv[2 * i] = X[2 * i];
        Xv[2 * i + 1] = X[2 * i + 1];
        Tv[i] = 0.5 * T[i];
    }
    sg_mlp *net = make_net(5);
    size_t np = sg_mlp_n_params(net);
    sg_train_config c = sg_train_config_defaults();
    c.learning_rate = 0.01;
    c.epochs = 3000;
    c.early_stopping.enabled = true;
    c.early_stopping.monitor = SG_MONITOR_VALIDATION;
    c.early_stopping.patience = 20;
    sg_trainer *tr = NULL;
    sg_error err;
    cr_assert_eq(sg_trainer_create(net, X, T, NP, Xv, Tv, 10, &c, &tr, &err), SG_OK);
    static double hist[3001][64];
    double vbest = INFINITY;
    size_t ebest = 0;
    sg_train_info in;
    do {
        cr_assert_eq(sg_trainer_step(tr, &in, &err), SG_OK);
        memcpy(hist[in.epoch], sg_mlp_params(net), np * sizeof(double));
        if (in.val_loss < vbest) {
            vbest = in.val_loss;
            ebest = in.epoch;
        }
    } while (!in.done);
    cr_expect_eq(in.reason, SG_STOP_EARLY, "%s at %zu", sg_stop_reason_name(in.reason), in.epoch);
    cr_expect_eq(in.best_epoch, ebest);
    cr_expect_eq(in.best_loss, vbest);
    cr_expect_eq(in.epoch, ebest + 20);
    cr_assert_eq(sg_trainer_finish(tr, &err), SG_OK);
    cr_expect_eq(memcmp(hist[ebest], sg_mlp_params(net), np * sizeof(double)), 0);
    sg_trainer_destroy(tr);
    sg_mlp_destroy(net);
}

/* ---- divergence and determinism ------------------------------------------------ */

static void count_calls(void *user, const sg_train_info *in)
{
    (void)in;
    (*(size_t *)user)++;
}

static const sg_optimizer divergence_opts[] = {SG_OPT_SGD, SG_OPT_SGD};

TableTest(divergence_opts, k, train, divergence_is_reported_and_weights_stay_finite)
{
    make_data();
    {
        sg_mlp *net = make_net(11);
        sg_train_config c = sg_train_config_defaults();
        c.optimizer = divergence_opts[k];
        c.learning_rate = 1e12;
        c.momentum = k ? 0.9 : 0.0;
        c.nesterov = k == 1;
        c.batch_size = 4;
        c.epochs = 500;
        sg_train_history h;
        sg_train_info fin;
        sg_error err;
        size_t calls = 0;
        sg_status st = sg_train(net, X, T, NP, NULL, NULL, 0, &c, count_calls, &calls, &h, &fin, &err);
        cr_expect_eq(st, SG_ERR_NUMERIC, "%s", sg_optimizer_name(divergence_opts[k]));
        cr_expect_eq(fin.reason, SG_STOP_DIVERGED);
        cr_expect_not_null(strstr(err.msg, "training diverged at epoch"), "%s", err.msg);
        cr_expect_eq(h.n_epochs, fin.epoch);
        cr_expect_eq(calls, fin.epoch);
        cr_expect(!isfinite(h.train_loss[h.n_epochs - 1]));
        const double *p = sg_mlp_params_const(net);
        for (size_t i = 0; i < sg_mlp_n_params(net); i++)
            cr_expect(isfinite(p[i]), "param %zu", i);
        sg_train_history_destroy(&h);
        sg_mlp_destroy(net);
    }
}

static const sg_optimizer seed_opts[] = {SG_OPT_ADAM, SG_OPT_SGD, SG_OPT_LBFGS};

TableTest(seed_opts, k, train, same_seed_gives_bit_identical_weights)
{
    make_data();
    {
        sg_mlp *a = make_net(21), *b = make_net(21), *c3 = make_net(21);
        sg_train_config c = sg_train_config_defaults();
        c.optimizer = seed_opts[k];
        c.learning_rate = 0.01;
        c.batch_size = 7;
        c.epochs = 60;
        c.seed = 0x9e3779b97f4a7c15ull;
        sg_error err;
        cr_assert_eq(sg_train(a, X, T, NP, NULL, NULL, 0, &c, NULL, NULL, NULL, NULL, &err), SG_OK);
        cr_assert_eq(sg_train(b, X, T, NP, NULL, NULL, 0, &c, NULL, NULL, NULL, NULL, &err), SG_OK);
        c.seed = 12345;
        cr_assert_eq(sg_train(c3, X, T, NP, NULL, NULL, 0, &c, NULL, NULL, NULL, NULL, &err), SG_OK);
        size_t bytes = sg_mlp_n_params(a) * sizeof(double);
        cr_expect_eq(memcmp(sg_mlp_params(a), sg_mlp_params(b), bytes), 0, "%s", sg_optimizer_name(seed_opts[k]));
        if (seed_opts[k] != SG_OPT_LBFGS) /* shuffling depends on the seed; lbfgs is full batch */
            cr_expect_neq(memcmp(sg_mlp_params(a), sg_mlp_params(c3), bytes), 0);
        sg_mlp_destroy(a);
        sg_mlp_destroy(b);
        sg_mlp_destroy(c3);
    }
}

/* ---- updates follow the textbook formulas exactly ---------------------------- */

/* Full batch, so the gradient is deterministic: replay the epochs with plain
 * scalar formulas and require bit-identical parameters (the library's
 * vector forms must round exactly as these loops do). */
static const sg_optimizer update_opts[] = {SG_OPT_ADAM, SG_OPT_RMSPROP, SG_OPT_SGD, SG_OPT_SGD};

TableTest(update_opts, k, train, updates_match_scalar_reference_bit_for_bit)
{
    make_data();
    {
        sg_mlp *net = make_net(17), *ref = make_net(17);
        size_t np = sg_mlp_n_params(net); /* 33: not a multiple of any vector width */
        sg_train_config c = sg_train_config_defaults();
        c.optimizer = update_opts[k];
        c.learning_rate = 0.0237;
        c.epochs = 7;
        c.l1 = 1e-4;
        c.l2 = 3e-4;
        c.nesterov = k == 3;
        sg_error err;
        cr_assert_eq(sg_train(net, X, T, NP, NULL, NULL, 0, &c, NULL, NULL, NULL, NULL, &err), SG_OK);
        sg_mlp_work *w = NULL;
        cr_assert_eq(sg_mlp_work_create(ref, NP, &w, NULL), SG_OK);
        double g[64], m[64] = {0}, v[64] = {0}, loss;
        double *p = sg_mlp_params(ref);
        for (unsigned long t = 1; t <= c.epochs; t++) {
            cr_assert_eq(sg_mlp_loss_grad(ref, w, X, T, NP, c.l1, c.l2, &loss, NULL, g, NULL), SG_OK);
            double c1 = 1.0 / (1.0 - pow(c.beta1, (double)t)), c2 = 1.0 / (1.0 - pow(c.beta2, (double)t));
            for (size_t i = 0; i < np; i++) {
                if (update_opts[k] == SG_OPT_ADAM) {
                    m[i] = c.beta1 * m[i] + (1.0 - c.beta1) * g[i];
                    v[i] = c.beta2 * v[i] + (1.0 - c.beta2) * g[i] * g[i];
                    p[i] -= c.learning_rate * (m[i] * c1) / (sqrt(v[i] * c2) + c.epsilon);
                } else if (update_opts[k] == SG_OPT_RMSPROP) {
                    v[i] = c.rho * v[i] + (1.0 - c.rho) * g[i] * g[i];
                    p[i] -= c.learning_rate * g[i] / (sqrt(v[i]) + c.epsilon);
                } else {
                    m[i] = c.momentum * m[i] + g[i];
                    p[i] -= c.learning_rate * (c.nesterov ? g[i] + c.momentum * m[i] : m[i]);
                }
            }
        }
        cr_expect_eq(memcmp(p, sg_mlp_params(net), np * sizeof *p), 0, "%s%s",
                     sg_optimizer_name(update_opts[k]), c.nesterov ? "+nesterov" : "");
        sg_mlp_work_destroy(w);
        sg_mlp_destroy(net);
        sg_mlp_destroy(ref);
    }
}

Test(train, create_rejects_non_finite_start_and_validation_data)
{
    make_data();
    sg_mlp *net = make_net(2);
    sg_train_config c = sg_train_config_defaults();
    sg_trainer *tr = NULL;
    sg_error err;
    cr_expect_eq(sg_trainer_create(net, X, T, NP, NULL, NULL, 0, &c, NULL, &err), SG_ERR_INVALID);
    double Tv[2] = {0.5, INFINITY};
    cr_expect_eq(sg_trainer_create(net, X, T, NP, X, Tv, 2, &c, &tr, &err), SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "validation target row 2 column 1 is not finite (inf)");
    sg_mlp_params(net)[3] = NAN;
    cr_expect_eq(sg_trainer_create(net, X, T, NP, NULL, NULL, 0, &c, &tr, &err), SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "initial parameters: value 4 is not finite (nan)");
    cr_expect_null(tr);
    sg_mlp_destroy(net);
}

/* ---- convergence of the model defaults -------------------------------------- */

Test(train, model_default_lbfgs_converges_before_the_cap)
{
    /* the default model network and training settings on a smooth function
     * of four factors sampled at 27 scattered points: every seed must stop
     * on the convergence test, well before the epoch limit (a regression to
     * cap-dependent results fails here) */
    sg_model_spec spec = sg_model_spec_defaults();
    double x[27 * 4], t[27];
    for (int i = 0; i < 27; i++) {
        for (int c = 0; c < 4; c++)
            x[4 * i + c] = fmod(0.137 + 0.6180339887 * (i + 1) * (c + 1) + 0.29 * c, 1.0);
        t[i] = 0.4 + 0.3 * sin(2.1 * x[4 * i]) * x[4 * i + 1] - 0.2 * x[4 * i + 2] * x[4 * i + 2] +
               0.1 * x[4 * i + 3];
    }
    size_t sizes[SG_MODEL_MAX_HIDDEN + 2] = {4};
    sg_activation acts[SG_MODEL_MAX_HIDDEN + 1];
    for (size_t l = 0; l < spec.n_hidden; l++) {
        sizes[l + 1] = spec.hidden[l];
        acts[l] = spec.hidden_act;
    }
    sizes[spec.n_hidden + 1] = 1;
    acts[spec.n_hidden] = spec.output_act;
    for (unsigned long seed = 1; seed <= 3; seed++) {
        sg_mlp *net = NULL;
        cr_assert_eq(sg_mlp_create(spec.n_hidden + 2, sizes, acts, &net, NULL), SG_OK);
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(rng, seed);
        cr_assert_eq(sg_mlp_init(net, spec.init, rng, NULL), SG_OK);
        gsl_rng_free(rng);
        sg_train_config c = spec.train;
        c.optimizer = sg_train_default_optimizer(27);
        sg_train_info fin;
        sg_error err;
        cr_assert_eq(sg_train(net, x, t, 27, NULL, NULL, 0, &c, NULL, NULL, NULL, &fin, &err),
                     SG_OK, "%s", err.msg);
        cr_expect_eq(fin.reason, SG_STOP_CONVERGED, "seed %lu: %s after %zu", seed,
                     sg_stop_reason_name(fin.reason), fin.epoch);
        cr_expect(fin.epoch < c.epochs / 2, "seed %lu: %zu of %zu epochs", seed, fin.epoch,
                  c.epochs);
        sg_mlp_destroy(net);
    }
}

Test(train, lbfgs_ftol_must_not_be_negative)
{
    sg_train_config c = sg_train_config_defaults();
    c.lbfgs_ftol = -1e-6;
    sg_error err;
    cr_expect_eq(sg_train_config_validate(&c, &err), SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "lbfgs_ftol must be zero or positive (got -1e-06)");
}

/* ---- lbfgs step API (NLopt run replayed epoch by epoch) ---------------------- */

Test(train, lbfgs_epoch_limit_history_and_replay)
{
    make_data();
    sg_mlp *net = make_net(11);
    sg_train_config c = sg_train_config_defaults();
    c.optimizer = SG_OPT_LBFGS;
    c.epochs = 37;
    c.lbfgs_ftol = 0.0; /* only the limit can stop it this early */
    sg_train_history h;
    sg_train_info fin;
    sg_error err;
    cr_assert_eq(sg_train(net, X, T, NP, NULL, NULL, 0, &c, NULL, NULL, &h, &fin, &err), SG_OK,
                 "%s", err.msg);
    cr_expect_eq(fin.reason, SG_STOP_MAX_EPOCHS);
    cr_expect_eq(fin.epoch, 37);
    cr_assert_eq(h.n_epochs, 37);
    for (size_t e = 1; e < h.n_epochs; e++) /* lowest objective so far */
        cr_expect_leq(h.train_loss[e], h.train_loss[e - 1], "epoch %zu", e + 1);
    cr_expect(isnan(h.val_loss[0]));
    /* the network holds the point of the reported final loss */
    double loss;
    sg_mlp_work *w = NULL;
    cr_assert_eq(sg_mlp_work_create(net, NP, &w, NULL), SG_OK);
    cr_assert_eq(sg_mlp_loss_grad(net, w, X, T, NP, c.l1, c.l2, &loss, NULL, NULL, NULL), SG_OK);
    cr_expect_eq(loss, fin.train_loss);
    sg_mlp_work_destroy(w);
    sg_train_history_destroy(&h);
    sg_mlp_destroy(net);
}

Test(train, lbfgs_early_stopping_on_validation_restores_best)
{
    make_data();
    double Xv[10 * 2], Tv[10];
    for (int i = 0; i < 10; i++) {
        Xv[2 * i] = X[2 * i];
        Xv[2 * i + 1] = X[2 * i + 1];
        Tv[i] = 0.5 * T[i];
    }
    sg_mlp *net = make_net(5);
    sg_train_config c = sg_train_config_defaults();
    c.optimizer = SG_OPT_LBFGS;
    c.epochs = 3000;
    c.early_stopping.enabled = true;
    c.early_stopping.monitor = SG_MONITOR_VALIDATION;
    c.early_stopping.patience = 10;
    sg_train_history h;
    sg_train_info fin;
    sg_error err;
    cr_assert_eq(sg_train(net, X, T, NP, Xv, Tv, 10, &c, NULL, NULL, &h, &fin, &err), SG_OK, "%s",
                 err.msg);
    cr_expect_eq(fin.reason, SG_STOP_EARLY, "%s", sg_stop_reason_name(fin.reason));
    cr_expect_eq(fin.epoch, fin.best_epoch + 10);
    double best = INFINITY;
    for (size_t e = 0; e < h.n_epochs; e++)
        best = fmin(best, h.val_loss[e]);
    cr_expect_eq(best, fin.best_loss);
    /* restored: the network's validation MSE is the best one */
    double loss, mse;
    sg_mlp_work *w = NULL;
    cr_assert_eq(sg_mlp_work_create(net, NP, &w, NULL), SG_OK);
    cr_assert_eq(sg_mlp_loss_grad(net, w, Xv, Tv, 10, 0, 0, &loss, &mse, NULL, NULL), SG_OK);
    cr_expect_eq(mse, fin.best_loss);
    sg_mlp_work_destroy(w);
    sg_train_history_destroy(&h);
    sg_mlp_destroy(net);
}

/* [train] lr_patience: every lr_patience epochs without a new best the step
 * halves, never below learning_rate * SG_TRAIN_LR_FLOOR. */
Test(train, plateaus_halve_the_step_down_to_the_floor)
{
    make_data();
    sg_mlp *net = make_net(5);
    sg_train_config c = sg_train_config_defaults();
    c.optimizer = SG_OPT_ADAM;
    c.learning_rate = 0.5; /* far too large: the loss jumps, no new bests */
    c.epochs = 60;
    c.lr_patience = 2;
    sg_trainer *tr = NULL;
    sg_error err;
    cr_assert_eq(sg_trainer_create(net, X, T, NP, NULL, NULL, 0, &c, &tr, &err), SG_OK, "%s",
                 err.msg);
    sg_train_info in;
    double prev = c.learning_rate, lowest = c.learning_rate;
    size_t halvings = 0;
    do {
        cr_assert_eq(sg_trainer_step(tr, &in, &err), SG_OK, "%s", err.msg);
        cr_expect_leq(in.learning_rate, prev, "the step never grows");
        if (in.learning_rate < prev) {
            cr_expect_float_eq(in.learning_rate, fmax(prev * 0.5, c.learning_rate * SG_TRAIN_LR_FLOOR),
                               1e-15);
            halvings++;
        }
        prev = in.learning_rate;
        lowest = fmin(lowest, in.learning_rate);
    } while (!in.done);
    cr_expect_geq(halvings, 3);
    cr_expect_geq(lowest, c.learning_rate * SG_TRAIN_LR_FLOOR);
    sg_trainer_destroy(tr);

    /* lr_patience = 0: a constant step */
    c.lr_patience = 0;
    cr_assert_eq(sg_trainer_create(net, X, T, NP, NULL, NULL, 0, &c, &tr, &err), SG_OK);
    do {
        cr_assert_eq(sg_trainer_step(tr, &in, &err), SG_OK);
        cr_expect_float_eq(in.learning_rate, c.learning_rate, 0.0);
    } while (!in.done);
    sg_trainer_destroy(tr);
    sg_mlp_destroy(net);
}
