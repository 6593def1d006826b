/* train.c — optimisers (adam, rmsprop, sgd, lbfgs), epochs, early stopping. */
#include "model/train.h"
#include "model/mlp_internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <nlopt.h>
#include <stdlib.h>
#include <string.h>

/* Full-batch evaluations are processed in chunks of at most this many rows
 * (bounds the workspace; the result does not depend on it beyond rounding). */
#define SG_TRAIN_CHUNK_ROWS 8192

struct sg_trainer {
    sg_mlp *net; /* borrowed */
    const double *X, *T, *Xv, *Tv;
    size_t n, n_val, n_in, n_out, np;
    sg_train_config cfg;
    bool full_batch;
    size_t batch;        /* rows per update */
    sg_mlp_work *work;   /* max_batch = batch (chunk for full batch) */
    double *grad;        /* np */
    double *m, *v;       /* adam/rmsprop/sgd moments, np each */
    double *best;        /* np: parameters of the best epoch */
    double *prev;        /* np: parameters at the start of the epoch */
    double *Xb, *Tb;     /* gathered mini-batch rows */
    size_t *perm;        /* n: row order of this epoch */
    gsl_rng *rng;
    unsigned long step_count; /* adam bias correction */
    sg_train_info info;
    bool have_best;
    size_t since_best;
    double lr;           /* current step (first-order; halved on plateaus) */
    double stall_loss;   /* training MSE above which the run counts as stalled */
    size_t since_lr;     /* epochs without a new best since the last halving */
    /* lbfgs: the whole NLopt run happens in the first step; every loss and
     * gradient evaluation is recorded as one epoch and replayed by the steps */
    nlopt_opt opt;
    double *x;              /* np: NLopt's iterate */
    sg_train_info *trace;   /* n_trace recorded epochs */
    size_t n_trace, cap_trace, replay;
    bool ran;
    size_t diverged_at;     /* 1-based trace entry that diverged, 0 = none */
    double best_f;          /* lowest objective so far */
    sg_status cb_status;
    sg_error cb_err;
};

/* ---- names ------------------------------------------------------------------ */

static const char *const opt_names[SG_OPT_COUNT] = {"adam", "rmsprop", "sgd", "lbfgs"};

const char *sg_optimizer_name(sg_optimizer opt)
{
    return ((int)opt >= 0 && opt < SG_OPT_COUNT) ? opt_names[opt] : "?";
}

bool sg_optimizer_from_name(const char *name, sg_optimizer *opt)
{
    for (int i = 0; name && i < SG_OPT_COUNT; i++)
        if (strcmp(name, opt_names[i]) == 0) {
            if (opt)
                *opt = (sg_optimizer)i;
            return true;
        }
    return false;
}

const char *sg_optimizer_names(void) { return "adam, rmsprop, sgd, lbfgs"; }

sg_optimizer sg_train_default_optimizer(size_t n_rows)
{
    return n_rows <= SG_TRAIN_LBFGS_MAX_ROWS ? SG_OPT_LBFGS : SG_OPT_ADAM;
}

const char *sg_monitor_name(sg_monitor m)
{
    return m == SG_MONITOR_TRAIN ? "train" : m == SG_MONITOR_VALIDATION ? "validation" : "?";
}

bool sg_monitor_from_name(const char *name, sg_monitor *m)
{
    if (!name)
        return false;
    if (strcmp(name, "train") == 0) {
        if (m)
            *m = SG_MONITOR_TRAIN;
        return true;
    }
    if (strcmp(name, "validation") == 0) {
        if (m)
            *m = SG_MONITOR_VALIDATION;
        return true;
    }
    return false;
}

const char *sg_stop_reason_name(sg_stop_reason r)
{
    switch (r) {
    case SG_STOP_NONE: return "running";
    case SG_STOP_MAX_EPOCHS: return "max_epochs";
    case SG_STOP_EARLY: return "early_stopping";
    case SG_STOP_CONVERGED: return "converged";
    case SG_STOP_DIVERGED: return "diverged";
    case SG_STOP_STALLED: return "stalled";
    }
    return "?";
}

/* ---- configuration -------------------------------------------------------- */

sg_train_config sg_train_config_defaults(void)
{
    sg_train_config c;
    memset(&c, 0, sizeof c);
    c.optimizer = SG_TRAIN_DEFAULT_OPTIMIZER;
    c.learning_rate = SG_TRAIN_DEFAULT_LEARNING_RATE;
    c.epochs = SG_TRAIN_DEFAULT_EPOCHS;
    c.batch_size = SG_TRAIN_DEFAULT_BATCH_SIZE;
    c.momentum = SG_TRAIN_DEFAULT_MOMENTUM;
    c.nesterov = SG_TRAIN_DEFAULT_NESTEROV;
    c.beta1 = SG_TRAIN_DEFAULT_ADAM_BETA1;
    c.beta2 = SG_TRAIN_DEFAULT_ADAM_BETA2;
    c.epsilon = SG_TRAIN_DEFAULT_ADAM_EPSILON;
    c.rho = SG_TRAIN_DEFAULT_RMSPROP_RHO;
    c.l1 = SG_TRAIN_DEFAULT_L1;
    c.l2 = SG_TRAIN_DEFAULT_L2;
    c.seed = SG_TRAIN_DEFAULT_SEED;
    c.early_stopping.enabled = SG_TRAIN_DEFAULT_EARLY_STOPPING;
    c.early_stopping.monitor = SG_TRAIN_DEFAULT_MONITOR;
    c.early_stopping.min_delta = SG_TRAIN_DEFAULT_MIN_DELTA;
    c.early_stopping.patience = SG_TRAIN_DEFAULT_PATIENCE;
    c.early_stopping.restore_best = SG_TRAIN_DEFAULT_RESTORE_BEST;
    c.lr_patience = SG_TRAIN_DEFAULT_LR_PATIENCE;
    c.lbfgs_gtol = SG_TRAIN_DEFAULT_LBFGS_GTOL;
    c.lbfgs_ftol = SG_TRAIN_DEFAULT_LBFGS_FTOL;
    c.lbfgs_step = SG_TRAIN_DEFAULT_LBFGS_STEP;
    c.lbfgs_line_tol = SG_TRAIN_DEFAULT_LBFGS_LINE_TOL;
    return c;
}

static sg_status need_positive(double v, const char *field, sg_error *err)
{
    if (!(v > 0.0) || !isfinite(v))
        return sg_error_set(err, SG_ERR_INVALID, "%s must be positive (got %g)", field, v);
    return SG_OK;
}

static sg_status need_nonneg(double v, const char *field, sg_error *err)
{
    if (!(v >= 0.0) || !isfinite(v))
        return sg_error_set(err, SG_ERR_INVALID, "%s must be zero or positive (got %g)", field, v);
    return SG_OK;
}

/* 0 <= v < 1 */
static sg_status need_unit(double v, const char *field, sg_error *err)
{
    if (!(v >= 0.0 && v < 1.0))
        return sg_error_set(err, SG_ERR_INVALID, "%s must be in [0, 1) (got %g)", field, v);
    return SG_OK;
}

sg_status sg_train_config_validate(const sg_train_config *c, sg_error *err)
{
    if (!c)
        return sg_error_set(err, SG_ERR_INVALID, "training configuration is NULL");
    if ((int)c->optimizer < 0 || c->optimizer >= SG_OPT_COUNT)
        return sg_error_set(err, SG_ERR_INVALID, "optimizer must be one of %s (got %d)",
                            sg_optimizer_names(), (int)c->optimizer);
    sg_status st;
    if ((st = need_positive(c->learning_rate, "learning_rate", err)) != SG_OK)
        return st;
    if (c->epochs == 0 || c->epochs > SG_TRAIN_MAX_EPOCHS)
        return sg_error_set(err, SG_ERR_INVALID, "epochs must be between 1 and %u (got %zu)",
                            SG_TRAIN_MAX_EPOCHS, c->epochs);
    if ((st = need_unit(c->momentum, "momentum", err)) != SG_OK)
        return st;
    if (c->nesterov && c->optimizer == SG_OPT_SGD && c->momentum == 0.0)
        return sg_error_set(err, SG_ERR_INVALID, "nesterov needs momentum > 0 (got 0)");
    if ((st = need_unit(c->beta1, "beta1", err)) != SG_OK ||
        (st = need_unit(c->beta2, "beta2", err)) != SG_OK ||
        (st = need_positive(c->epsilon, "epsilon", err)) != SG_OK ||
        (st = need_unit(c->rho, "rho", err)) != SG_OK ||
        (st = need_nonneg(c->l1, "l1", err)) != SG_OK ||
        (st = need_nonneg(c->l2, "l2", err)) != SG_OK)
        return st;
    const sg_early_stopping *e = &c->early_stopping;
    if (e->monitor != SG_MONITOR_TRAIN && e->monitor != SG_MONITOR_VALIDATION)
        return sg_error_set(err, SG_ERR_INVALID,
                            "early_stopping.monitor must be train or validation (got %d)",
                            (int)e->monitor);
    if ((st = need_nonneg(e->min_delta, "early_stopping.min_delta", err)) != SG_OK)
        return st;
    if (e->patience == 0)
        return sg_error_set(err, SG_ERR_INVALID, "early_stopping.patience must be at least 1 (got 0)");
    if ((st = need_positive(c->lbfgs_gtol, "lbfgs_gtol", err)) != SG_OK ||
        (st = need_nonneg(c->lbfgs_ftol, "lbfgs_ftol", err)) != SG_OK ||
        (st = need_positive(c->lbfgs_step, "lbfgs_step", err)) != SG_OK)
        return st;
    if (!(c->lbfgs_line_tol > 0.0 && c->lbfgs_line_tol < 1.0))
        return sg_error_set(err, SG_ERR_INVALID, "lbfgs_line_tol must be in (0, 1) (got %g)",
                            c->lbfgs_line_tol);
    return SG_OK;
}

/* ---- lbfgs (NLopt LD_LBFGS) ----------------------------------------------- */

static bool trace_push(sg_trainer *tr, const sg_train_info *in)
{
    if (tr->n_trace == tr->cap_trace) {
        size_t nc = tr->cap_trace ? 2 * tr->cap_trace : 256;
        sg_train_info *t = realloc(tr->trace, nc * sizeof *t);
        if (!t)
            return false;
        tr->trace = t;
        tr->cap_trace = nc;
    }
    tr->trace[tr->n_trace++] = *in;
    return true;
}

static double norm2(const double *g, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += g[i] * g[i];
    return sqrt(s);
}

/* After stall_epochs, a loss still above the stall level: not learning. */
static bool stalled(const sg_trainer *tr, size_t epoch, double loss)
{
    return tr->cfg.stall_epochs > 0 && epoch == tr->cfg.stall_epochs && loss > tr->stall_loss;
}

/* NLopt objective: loss and gradient at x (np) in one pass; records the
 * evaluation as an epoch and applies the stopping rules of sg_trainer_step
 * (divergence, early stopping, gradient tolerance, epoch limit). */
static double lbfgs_objective(unsigned np, const double *x, double *grad, void *p)
{
    sg_trainer *tr = p;
    double *params = sg_mlp_params(tr->net);
    memcpy(params, x, np * sizeof *params);
    double loss = NAN, vl = NAN;
    double *g = grad ? grad : tr->grad;
    sg_status st = sg_mlp_loss_grad(tr->net, tr->work, tr->X, tr->T, tr->n, tr->cfg.l1, tr->cfg.l2,
                                    &loss, NULL, g, &tr->cb_err);
    if (st == SG_OK && isfinite(loss) && tr->n_val > 0)
        st = sg_mlp_loss_grad(tr->net, tr->work, tr->Xv, tr->Tv, tr->n_val, 0.0, 0.0, &vl, &vl,
                              NULL, &tr->cb_err);
    if (st != SG_OK) {
        tr->cb_status = st;
        nlopt_force_stop(tr->opt);
        return HUGE_VAL;
    }
    sg_train_info in = tr->n_trace ? tr->trace[tr->n_trace - 1] : tr->info;
    in.epoch++;
    in.val_loss = vl;
    bool ok = isfinite(loss) && (tr->n_val == 0 || isfinite(vl));
    for (size_t i = 0; i < np && ok; i++)
        ok = isfinite(x[i]) && isfinite(g[i]);
    if (!ok) {
        in.train_loss = loss;
        in.done = true;
        in.reason = SG_STOP_DIVERGED;
        tr->diverged_at = in.epoch;
    } else {
        if (loss < tr->best_f)
            tr->best_f = loss;
        in.train_loss = tr->best_f;
        const sg_early_stopping *es = &tr->cfg.early_stopping;
        double mon = es->monitor == SG_MONITOR_VALIDATION && tr->n_val > 0 ? vl : loss;
        if (!tr->have_best || mon < in.best_loss - es->min_delta) {
            in.best_loss = mon;
            in.best_epoch = in.epoch;
            memcpy(tr->best, x, np * sizeof *x);
            tr->have_best = true;
            tr->since_best = 0;
        } else {
            tr->since_best++;
        }
        if (es->enabled && tr->since_best >= es->patience) {
            in.done = true;
            in.reason = SG_STOP_EARLY;
        } else if (stalled(tr, in.epoch, tr->best_f)) {
            in.done = true;
            in.reason = SG_STOP_STALLED;
        } else if (norm2(g, np) < tr->cfg.lbfgs_gtol) {
            in.done = true;
            in.reason = SG_STOP_CONVERGED;
        } else if (in.epoch >= tr->cfg.epochs) {
            in.done = true;
            in.reason = SG_STOP_MAX_EPOCHS;
        }
    }
    if (!trace_push(tr, &in)) {
        tr->cb_status = sg_error_set(&tr->cb_err, SG_ERR_NOMEM,
                                     "train: out of memory for the lbfgs trace");
        nlopt_force_stop(tr->opt);
        return HUGE_VAL;
    }
    if (in.done)
        nlopt_force_stop(tr->opt);
    return ok ? loss : HUGE_VAL;
}

/* Run NLopt to the end; afterwards net holds the lowest-loss point and the
 * trace ends with a `done` entry (or diverged_at is set). */
static sg_status lbfgs_run(sg_trainer *tr, sg_error *err)
{
    tr->ran = true;
    tr->best_f = INFINITY;
    memcpy(tr->x, sg_mlp_params_const(tr->net), tr->np * sizeof *tr->x);
    double minf = HUGE_VAL;
    nlopt_result rc = nlopt_optimize(tr->opt, tr->x, &minf);
    if (tr->cb_status != SG_OK)
        return sg_error_set(err, tr->cb_status, "%s", tr->cb_err.msg);
    if (tr->n_trace == 0)
        return sg_error_set(err, SG_ERR_NUMERIC, "lbfgs failed before the first step (NLopt code %d)",
                            (int)rc);
    sg_train_info *last = &tr->trace[tr->n_trace - 1];
    if (tr->diverged_at)
        return SG_OK;
    if (!last->done) {
        if (rc == NLOPT_MAXEVAL_REACHED) {
            last->reason = SG_STOP_MAX_EPOCHS;
        } else if (rc > 0 || rc == NLOPT_ROUNDOFF_LIMITED) {
            last->reason = SG_STOP_CONVERGED; /* ftol/xtol reached or no further progress */
        } else {
            return sg_error_set(err, SG_ERR_NUMERIC, "lbfgs failed: NLopt code %d (%s)", (int)rc,
                                nlopt_result_to_string(rc));
        }
        last->done = true;
    }
    /* the last evaluation may be a line-search trial: keep NLopt's best point */
    memcpy(sg_mlp_params(tr->net), tr->x, tr->np * sizeof *tr->x);
    last->train_loss = tr->best_f;
    if (tr->n_val > 0) {
        double vl;
        sg_status st = sg_mlp_loss_grad(tr->net, tr->work, tr->Xv, tr->Tv, tr->n_val, 0.0, 0.0, &vl,
                                        &vl, NULL, err);
        if (st != SG_OK)
            return st;
        last->val_loss = vl;
    }
    return SG_OK;
}

/* ---- create / destroy ------------------------------------------------------- */

static sg_status check_finite(const double *a, size_t rows, size_t cols, const char *what,
                              sg_error *err)
{
    for (size_t i = 0; i < rows * cols; i++) {
        if (isfinite(a[i]))
            continue;
        if (rows == 1)
            return sg_error_set(err, SG_ERR_INVALID, "%s: value %zu is not finite (%g)", what,
                                i + 1, a[i]);
        return sg_error_set(err, SG_ERR_INVALID, "%s row %zu column %zu is not finite (%g)", what,
                            i / cols + 1, i % cols + 1, a[i]);
    }
    return SG_OK;
}

/* Mean over outputs of the targets' variance (the MSE of predicting means). */
static double targets_variance(const double *T, size_t n, size_t n_out)
{
    double total = 0.0;
    for (size_t k = 0; k < n_out; k++) {
        double mean = 0.0, ss = 0.0;
        for (size_t r = 0; r < n; r++)
            mean += T[r * n_out + k] / (double)n;
        for (size_t r = 0; r < n; r++)
            ss += (T[r * n_out + k] - mean) * (T[r * n_out + k] - mean);
        total += ss / (double)n;
    }
    return total / (double)n_out;
}

sg_status sg_trainer_create(sg_mlp *net, const double *X, const double *T, size_t n,
                            const double *Xval, const double *Tval, size_t n_val,
                            const sg_train_config *cfg, sg_trainer **out, sg_error *err)
{
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "trainer: output pointer is NULL");
    *out = NULL;
    if (!net || !X || !T)
        return sg_error_set(err, SG_ERR_INVALID, "trainer: NULL network or training data");
    if (n == 0)
        return sg_error_set(err, SG_ERR_INVALID, "trainer: no training rows");
    if (n_val > 0 && (!Xval || !Tval))
        return sg_error_set(err, SG_ERR_INVALID, "trainer: %zu validation rows but no data", n_val);
    sg_status st = sg_train_config_validate(cfg, err);
    if (st != SG_OK)
        return st;
    if (cfg->early_stopping.enabled && cfg->early_stopping.monitor == SG_MONITOR_VALIDATION &&
        n_val == 0)
        return sg_error_set(err, SG_ERR_INVALID,
                            "early_stopping.monitor = validation needs validation rows (got none)");
    size_t n_in = sg_mlp_n_in(net), n_out = sg_mlp_n_out(net);
    if ((st = check_finite(X, n, n_in, "training input", err)) != SG_OK ||
        (st = check_finite(T, n, n_out, "training target", err)) != SG_OK ||
        (st = check_finite(Xval, n_val, n_in, "validation input", err)) != SG_OK ||
        (st = check_finite(Tval, n_val, n_out, "validation target", err)) != SG_OK)
        return st;
    const double *p0 = sg_mlp_params_const(net);
    if ((st = check_finite(p0, 1, sg_mlp_n_params(net), "initial parameters", err)) != SG_OK)
        return st;

    sg_trainer *tr = calloc(1, sizeof *tr);
    if (!tr)
        return sg_error_set(err, SG_ERR_NOMEM, "trainer: out of memory");
    tr->net = net;
    tr->X = X;
    tr->T = T;
    tr->Xv = Xval;
    tr->Tv = Tval;
    tr->n = n;
    tr->n_val = n_val;
    tr->n_in = n_in;
    tr->n_out = n_out;
    tr->np = sg_mlp_n_params(net);
    tr->cfg = *cfg;
    tr->full_batch = cfg->optimizer == SG_OPT_LBFGS || cfg->batch_size == 0 || cfg->batch_size >= n;
    tr->batch = tr->full_batch ? n : cfg->batch_size;
    size_t max_batch = tr->batch < SG_TRAIN_CHUNK_ROWS ? tr->batch : SG_TRAIN_CHUNK_ROWS;
    if ((st = sg_mlp_work_create(net, max_batch, &tr->work, err)) != SG_OK)
        goto fail;
    size_t np = tr->np;
    tr->grad = calloc(np, sizeof *tr->grad);
    tr->m = calloc(np, sizeof *tr->m);
    tr->v = calloc(np, sizeof *tr->v);
    tr->best = malloc(np * sizeof *tr->best);
    tr->prev = malloc(np * sizeof *tr->prev);
    tr->rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!tr->grad || !tr->m || !tr->v || !tr->best || !tr->prev || !tr->rng)
        goto nomem;
    /* GSL seeds are unsigned long; fold the 64-bit seed so all bits count. */
    gsl_rng_set(tr->rng, (unsigned long)(cfg->seed ^ (cfg->seed >> 32)));
    memcpy(tr->best, p0, np * sizeof *p0);
    if (!tr->full_batch) {
        tr->Xb = malloc(tr->batch * n_in * sizeof *tr->Xb);
        tr->Tb = malloc(tr->batch * n_out * sizeof *tr->Tb);
        tr->perm = malloc(n * sizeof *tr->perm);
        if (!tr->Xb || !tr->Tb || !tr->perm)
            goto nomem;
        for (size_t i = 0; i < n; i++)
            tr->perm[i] = i;
    }
    if (cfg->optimizer == SG_OPT_LBFGS) {
        tr->x = malloc(np * sizeof *tr->x);
        tr->opt = nlopt_create(NLOPT_LD_LBFGS, (unsigned)np);
        if (!tr->x || !tr->opt)
            goto nomem;
        if (nlopt_set_min_objective(tr->opt, lbfgs_objective, tr) < 0 ||
            nlopt_set_vector_storage(tr->opt, SG_TRAIN_LBFGS_MEMORY) < 0 ||
            nlopt_set_ftol_rel(tr->opt, cfg->lbfgs_ftol) < 0 ||
            nlopt_set_maxeval(tr->opt, cfg->epochs > (size_t)INT32_MAX ? INT32_MAX
                                                                       : (int)cfg->epochs) < 0) {
            st = sg_error_set(err, SG_ERR_INTERNAL, "lbfgs: cannot configure NLopt");
            goto fail;
        }
    }
    tr->lr = cfg->learning_rate;
    tr->stall_loss = SG_TRAIN_STALL_SHARE * targets_variance(T, n, n_out);
    tr->info.learning_rate = cfg->learning_rate;
    tr->info.val_loss = NAN;
    tr->info.train_loss = NAN;
    tr->info.best_loss = INFINITY;
    *out = tr;
    return SG_OK;
nomem:
    st = sg_error_set(err, SG_ERR_NOMEM, "trainer: out of memory for %zu parameters", tr->np);
fail:
    sg_trainer_destroy(tr);
    return st;
}

void sg_trainer_destroy(sg_trainer *tr)
{
    if (!tr)
        return;
    if (tr->opt)
        nlopt_destroy(tr->opt);
    free(tr->x);
    free(tr->trace);
    if (tr->rng)
        gsl_rng_free(tr->rng);
    sg_mlp_work_destroy(tr->work);
    free(tr->grad);
    free(tr->m);
    free(tr->v);
    free(tr->best);
    free(tr->prev);
    free(tr->Xb);
    free(tr->Tb);
    free(tr->perm);
    free(tr);
}

/* ---- updates ---------------------------------------------------------------- */

/* One Adam step on n parameters; c1, c2 are the bias corrections
 * 1/(1 - beta^t).  The vector forms below round exactly like the scalar tail
 * (lane-wise IEEE operations, correctly rounded sqrt, no contraction). */
#define SG_ADAM_VEC(VT, SQRT, W)                                                               \
    for (; i + (W) <= n; i += (W)) {                                                           \
        VT mv, vv, gv, pv;                                                                     \
        memcpy(&mv, m + i, sizeof mv);                                                         \
        memcpy(&vv, v + i, sizeof vv);                                                         \
        memcpy(&gv, g + i, sizeof gv);                                                         \
        memcpy(&pv, p + i, sizeof pv);                                                         \
        mv = b1 * mv + (1.0 - b1) * gv;                                                        \
        vv = b2 * vv + (1.0 - b2) * gv * gv;                                                   \
        pv -= lr * (mv * c1) / (SQRT(vv * c2) + eps);                                          \
        memcpy(m + i, &mv, sizeof mv);                                                         \
        memcpy(v + i, &vv, sizeof vv);                                                         \
        memcpy(p + i, &pv, sizeof pv);                                                         \
    }

#define SG_ADAM_TAIL                                                                           \
    for (; i < n; i++) {                                                                       \
        m[i] = b1 * m[i] + (1.0 - b1) * g[i];                                                  \
        v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];                                           \
        p[i] -= lr * (m[i] * c1) / (sqrt(v[i] * c2) + eps);                                    \
    }

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__AVX__)
#define SG_TRAIN_X86_DISPATCH 1
typedef double sg_v8d_t __attribute__((vector_size(64)));
#define SG_SQRT512(x) ((sg_v8d_t)_mm512_sqrt_pd((__m512d)(x)))
__attribute__((target("avx512f"))) static void adam_avx512(double *p, double *m, double *v,
                                                           const double *g, size_t n, double lr,
                                                           double b1, double b2, double c1,
                                                           double c2, double eps)
{
    size_t i = 0;
    SG_ADAM_VEC(sg_v8d_t, SG_SQRT512, 8)
    SG_ADAM_TAIL
}
#endif

static void adam_update(double *p, double *m, double *v, const double *g, size_t n, double lr,
                        double b1, double b2, double c1, double c2, double eps)
{
#ifdef SG_TRAIN_X86_DISPATCH
    if (n >= 8 && __builtin_cpu_supports("avx512f")) {
        adam_avx512(p, m, v, g, n, lr, b1, b2, c1, c2, eps);
        return;
    }
#endif
    size_t i = 0;
    SG_ADAM_VEC(sg_vd, sg_vsqrt, SG_VLEN)
    SG_ADAM_TAIL
}

static void apply_update(sg_trainer *tr)
{
    const sg_train_config *c = &tr->cfg;
    double *p = sg_mlp_params(tr->net);
    const double *g = tr->grad;
    double *m = tr->m, *v = tr->v, lr = tr->lr;
    size_t np = tr->np;
    switch (c->optimizer) {
    case SG_OPT_ADAM: {
        tr->step_count++;
        double b1 = c->beta1, b2 = c->beta2, eps = c->epsilon;
        double c1 = 1.0 / (1.0 - pow(b1, (double)tr->step_count));
        double c2 = 1.0 / (1.0 - pow(b2, (double)tr->step_count));
        adam_update(p, m, v, g, np, lr, b1, b2, c1, c2, eps);
        break;
    }
    case SG_OPT_RMSPROP: {
        double rho = c->rho, eps = c->epsilon;
        for (size_t i = 0; i < np; i++) {
            v[i] = rho * v[i] + (1.0 - rho) * g[i] * g[i];
            p[i] -= lr * g[i] / (sqrt(v[i]) + eps);
        }
        break;
    }
    case SG_OPT_SGD: {
        double mu = c->momentum;
        for (size_t i = 0; i < np; i++) {
            m[i] = mu * m[i] + g[i]; /* velocity */
            p[i] -= lr * (c->nesterov ? g[i] + mu * m[i] : m[i]);
        }
        break;
    }
    default:
        break;
    }
}

/* One pass over the training rows with mini-batch (or full-batch) updates.
 * *loss = row-weighted mean of the batch objectives. */
static sg_status epoch_first_order(sg_trainer *tr, double *loss, sg_error *err)
{
    double sum = 0.0;
    if (!tr->full_batch)
        gsl_ran_shuffle(tr->rng, tr->perm, tr->n, sizeof *tr->perm);
    for (size_t r0 = 0; r0 < tr->n; r0 += tr->batch) {
        size_t nb = tr->n - r0 < tr->batch ? tr->n - r0 : tr->batch;
        const double *Xb = tr->X, *Tb = tr->T;
        if (!tr->full_batch) {
            for (size_t i = 0; i < nb; i++) {
                size_t r = tr->perm[r0 + i];
                memcpy(tr->Xb + i * tr->n_in, tr->X + r * tr->n_in, tr->n_in * sizeof *Xb);
                memcpy(tr->Tb + i * tr->n_out, tr->T + r * tr->n_out, tr->n_out * sizeof *Tb);
            }
            Xb = tr->Xb;
            Tb = tr->Tb;
        }
        double lb;
        sg_status st = sg_mlp_loss_grad(tr->net, tr->work, Xb, Tb, nb, tr->cfg.l1, tr->cfg.l2, &lb,
                                        NULL, tr->grad, err);
        if (st != SG_OK)
            return st;
        sum += lb * (double)nb;
        if (!isfinite(lb))
            break;
        apply_update(tr);
    }
    *loss = sum / (double)tr->n;
    return SG_OK;
}

static sg_status val_loss(sg_trainer *tr, double *out, sg_error *err)
{
    double loss;
    if (tr->n_val == 0) {
        *out = NAN;
        return SG_OK;
    }
    return sg_mlp_loss_grad(tr->net, tr->work, tr->Xv, tr->Tv, tr->n_val, 0.0, 0.0, &loss, out,
                            NULL, err);
}

static void restore(sg_trainer *tr, const double *src)
{
    memcpy(sg_mlp_params(tr->net), src, tr->np * sizeof *src);
}

/* lbfgs: the first step runs NLopt to the end (lbfgs_run); every step then
 * hands out the next recorded evaluation. */
static sg_status step_lbfgs(sg_trainer *tr, sg_train_info *info, sg_error *err)
{
    if (!tr->ran) {
        memcpy(tr->prev, sg_mlp_params_const(tr->net), tr->np * sizeof *tr->prev);
        sg_status st = lbfgs_run(tr, err);
        if (st != SG_OK) {
            restore(tr, tr->have_best ? tr->best : tr->prev);
            return st;
        }
    }
    tr->info = tr->trace[tr->replay++];
    if (info)
        *info = tr->info;
    if (tr->diverged_at && tr->info.epoch == tr->diverged_at) {
        restore(tr, tr->have_best ? tr->best : tr->prev);
        return sg_error_set(err, SG_ERR_NUMERIC,
                            "training diverged at epoch %zu (loss %g); scale the data or add "
                            "regularisation; the weights of epoch %zu were kept",
                            tr->info.epoch, tr->info.train_loss,
                            tr->have_best ? tr->info.best_epoch : (size_t)0);
    }
    return SG_OK;
}

/* A plateau of lr_patience epochs halves the step (down to the floor): the
 * large early steps find the basin, the small late ones settle in it. */
static void lower_step_on_plateau(sg_trainer *tr)
{
    size_t pat = tr->cfg.lr_patience;
    if (pat == 0 || ++tr->since_lr < pat)
        return;
    tr->since_lr = 0;
    double floor = tr->cfg.learning_rate * SG_TRAIN_LR_FLOOR;
    tr->lr = tr->lr * 0.5 > floor ? tr->lr * 0.5 : floor;
}

sg_status sg_trainer_step(sg_trainer *tr, sg_train_info *info, sg_error *err)
{
    if (!tr)
        return sg_error_set(err, SG_ERR_INVALID, "trainer is NULL");
    if (tr->info.done) {
        if (info)
            *info = tr->info;
        return SG_OK;
    }
    if (tr->cfg.optimizer == SG_OPT_LBFGS)
        return step_lbfgs(tr, info, err);
    memcpy(tr->prev, sg_mlp_params_const(tr->net), tr->np * sizeof *tr->prev);
    double tl = NAN, vl = NAN;
    sg_status st = epoch_first_order(tr, &tl, err);
    if (st == SG_OK && isfinite(tl))
        st = val_loss(tr, &vl, err);
    if (st != SG_OK) {
        restore(tr, tr->have_best ? tr->best : tr->prev);
        return st;
    }
    sg_train_info *in = &tr->info;
    in->epoch++;
    in->learning_rate = tr->lr;
    in->train_loss = tl;
    in->val_loss = vl;
    bool param_ok = true;
    const double *p = sg_mlp_params_const(tr->net);
    for (size_t i = 0; i < tr->np && param_ok; i++)
        param_ok = isfinite(p[i]);
    if (!isfinite(tl) || (tr->n_val > 0 && !isfinite(vl)) || !param_ok) {
        restore(tr, tr->have_best ? tr->best : tr->prev);
        in->done = true;
        in->reason = SG_STOP_DIVERGED;
        if (info)
            *info = *in;
        return sg_error_set(err, SG_ERR_NUMERIC,
                            "training diverged at epoch %zu (loss %g); lower the learning rate "
                            "or scale the data; the weights of epoch %zu were kept",
                            in->epoch, tl, tr->have_best ? in->best_epoch : in->epoch - 1);
    }
    const sg_early_stopping *es = &tr->cfg.early_stopping;
    double mon = es->monitor == SG_MONITOR_VALIDATION && tr->n_val > 0 ? vl : tl;
    if (!tr->have_best || mon < in->best_loss - es->min_delta) {
        in->best_loss = mon;
        in->best_epoch = in->epoch;
        memcpy(tr->best, p, tr->np * sizeof *p);
        tr->have_best = true;
        tr->since_best = 0;
        tr->since_lr = 0;
    } else {
        tr->since_best++;
        lower_step_on_plateau(tr);
    }
    if (es->enabled && tr->since_best >= es->patience) {
        in->done = true;
        in->reason = SG_STOP_EARLY;
    } else if (stalled(tr, in->epoch, tl)) {
        in->done = true;
        in->reason = SG_STOP_STALLED;
    } else if (in->epoch >= tr->cfg.epochs) {
        in->done = true;
        in->reason = SG_STOP_MAX_EPOCHS;
    }
    if (info)
        *info = *in;
    return SG_OK;
}

sg_status sg_trainer_finish(sg_trainer *tr, sg_error *err)
{
    if (!tr)
        return sg_error_set(err, SG_ERR_INVALID, "trainer is NULL");
    const sg_early_stopping *es = &tr->cfg.early_stopping;
    if (es->enabled && es->restore_best && tr->have_best)
        restore(tr, tr->best);
    return SG_OK;
}

sg_train_info sg_trainer_info(const sg_trainer *tr)
{
    return tr->info;
}

/* ---- one-call training ------------------------------------------------------ */

void sg_train_history_destroy(sg_train_history *h)
{
    if (!h)
        return;
    free(h->train_loss);
    free(h->val_loss);
    memset(h, 0, sizeof *h);
}

static bool history_push(sg_train_history *h, size_t *cap, const sg_train_info *in)
{
    if (h->n_epochs == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        double *a = realloc(h->train_loss, nc * sizeof *a);
        if (!a)
            return false;
        h->train_loss = a;
        double *b = realloc(h->val_loss, nc * sizeof *b);
        if (!b)
            return false;
        h->val_loss = b;
        *cap = nc;
    }
    h->train_loss[h->n_epochs] = in->train_loss;
    h->val_loss[h->n_epochs] = in->val_loss;
    h->n_epochs++;
    return true;
}

sg_status sg_train(sg_mlp *net, const double *X, const double *T, size_t n, const double *Xval,
                   const double *Tval, size_t n_val, const sg_train_config *cfg,
                   sg_train_progress_fn progress, void *user, sg_train_history *history,
                   sg_train_info *final, sg_error *err)
{
    sg_trainer *tr = NULL;
    size_t cap = 0;
    if (history)
        memset(history, 0, sizeof *history);
    sg_status st = sg_trainer_create(net, X, T, n, Xval, Tval, n_val, cfg, &tr, err);
    if (st != SG_OK)
        return st;
    sg_train_info info;
    memset(&info, 0, sizeof info);
    do {
        st = sg_trainer_step(tr, &info, err);
        if (info.epoch > 0 && (st == SG_OK || info.reason == SG_STOP_DIVERGED)) {
            if (history && !history_push(history, &cap, &info)) {
                st = sg_error_set(err, SG_ERR_NOMEM, "train: out of memory for the loss history");
                break;
            }
            if (progress)
                progress(user, &info);
        }
    } while (st == SG_OK && !info.done);
    if (st == SG_OK)
        st = sg_trainer_finish(tr, err);
    if (final)
        *final = sg_trainer_info(tr);
    sg_trainer_destroy(tr);
    return st;
}
