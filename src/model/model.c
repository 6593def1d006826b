#include "model/model_internal.h"
#include "model/relevance.h"
#include "model/sizing.h"
#include "model/mlp_internal.h"
#include "core/num.h"

#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- spec ---------------------------------------------------------------- */

sg_model_spec sg_model_spec_defaults(void)
{
    sg_model_spec s;
    memset(&s, 0, sizeof s);
    s.n_hidden = SG_MODEL_DEFAULT_N_HIDDEN;
    for (size_t i = 0; i < SG_MODEL_MAX_HIDDEN; i++)
        s.hidden[i] = SG_MODEL_DEFAULT_WIDTH;
    s.hidden_act = SG_MODEL_DEFAULT_HIDDEN_ACT;
    s.output_act = SG_MODEL_DEFAULT_OUTPUT_ACT;
    s.init = SG_MODEL_DEFAULT_INIT;
    s.train = sg_train_config_defaults();
    s.train.optimizer = SG_MODEL_DEFAULT_OPTIMIZER;
    s.train.epochs = SG_MODEL_DEFAULT_EPOCHS;
    s.train.l2 = SG_MODEL_DEFAULT_L2;
    s.x_scale = SG_MODEL_DEFAULT_SCALE;
    s.y_scale = SG_MODEL_DEFAULT_SCALE;
    s.optimizer_auto = true;
    s.ensemble = SG_MODEL_DEFAULT_ENSEMBLE;
    s.shared = false;
    s.relevance = true;
    s.trend = true;
    s.seed = SG_MODEL_DEFAULT_SEED;
    return s;
}

bool sg_model_spec_fit_to(sg_model_spec *spec, size_t n, size_t n_in, size_t n_out)
{
    unsigned a = spec->size_auto;
    spec->size_auto = 0;
    size_t outs = spec->shared ? n_out : 1;
    sg_sizing_plan p = spec->size_large ? sg_sizing_large(n, n_in, outs)
                                        : sg_sizing_choose(n, n_in, outs);
    if (!p.large || !a)
        return false;
    if (a & SG_SIZE_AUTO_HIDDEN) {
        spec->n_hidden = p.n_hidden;
        for (size_t i = 0; i < p.n_hidden; i++)
            spec->hidden[i] = i == 0 ? p.first_width : p.width;
        spec->hidden[1] = p.n_hidden > 1 ? p.second_width : spec->hidden[1];
    }
    sg_train_config *c = &spec->train;
    if (a & SG_SIZE_AUTO_OPTIMIZER) {
        c->optimizer = p.lbfgs ? SG_OPT_LBFGS : SG_OPT_ADAM;
        spec->optimizer_auto = false;
    }
    if (a & SG_SIZE_AUTO_LR)
        c->learning_rate = p.learning_rate;
    if (a & SG_SIZE_AUTO_EPOCHS)
        c->epochs = p.epochs;
    if (a & SG_SIZE_AUTO_BATCH)
        c->batch_size = p.batch_size;
    if (a & SG_SIZE_AUTO_LR_PATIENCE)
        c->lr_patience = p.lr_patience;
    if (a & SG_SIZE_AUTO_STOPPING) {
        c->early_stopping.enabled = true;
        c->early_stopping.monitor = SG_MONITOR_VALIDATION;
        c->early_stopping.patience = p.patience;
        c->early_stopping.restore_best = true;
    }
    if ((a & SG_SIZE_AUTO_VAL_SHARE) && c->early_stopping.enabled)
        spec->val_share = p.validation_share;
    if (a & SG_SIZE_AUTO_ENSEMBLE)
        spec->ensemble = p.ensemble;
    if (a & SG_SIZE_AUTO_L2) {
        c->l2 = p.l2;
        spec->n_l2_each = 0;
    }
    return true;
}

sg_model_spec sg_model_spec_sized(const sg_model_spec *spec, size_t n, size_t n_in,
                                  size_t n_out)
{
    sg_model_spec sized = *spec;
    sg_model_spec_fit_to(&sized, n, n_in, n_out);
    return sized;
}

bool sg_model_spec_trend(const sg_model_spec *spec, size_t j)
{
    return spec->trend && (spec->shared || j >= SG_MODEL_MAX_L2_EACH || !spec->no_trend_each[j]);
}

double sg_model_spec_l2(const sg_model_spec *spec, size_t j)
{
    return !spec->shared && j < spec->n_l2_each ? spec->l2_each[j] : spec->train.l2;
}

sg_status sg_model_spec_validate(const sg_model_spec *spec, sg_error *err)
{
    if (!spec)
        return sg_error_set(err, SG_ERR_INVALID, "no model settings");
    if (spec->n_l2_each > SG_MODEL_MAX_L2_EACH)
        return sg_error_set(err, SG_ERR_INVALID, "l2: at most %d per-network penalties (got %zu)",
                            SG_MODEL_MAX_L2_EACH, spec->n_l2_each);
    for (size_t j = 0; j < spec->n_l2_each; j++)
        if (!isfinite(spec->l2_each[j]) || spec->l2_each[j] < 0)
            return sg_error_set(err, SG_ERR_INVALID,
                                "l2 of network %zu must be a finite number >= 0 (got %g)", j + 1,
                                spec->l2_each[j]);
    if (spec->n_hidden > SG_MODEL_MAX_HIDDEN)
        return sg_error_set(err, SG_ERR_INVALID, "hidden: at most %d hidden layers (got %zu)",
                            SG_MODEL_MAX_HIDDEN, spec->n_hidden);
    for (size_t i = 0; i < spec->n_hidden; i++)
        if (spec->hidden[i] == 0 || spec->hidden[i] > SG_MLP_MAX_WIDTH)
            return sg_error_set(err, SG_ERR_INVALID,
                                "hidden: layer %zu width must be between 1 and %d (got %zu)",
                                i + 1, SG_MLP_MAX_WIDTH, spec->hidden[i]);
    if ((int)spec->hidden_act < 0 || spec->hidden_act >= SG_ACT_COUNT)
        return sg_error_set(err, SG_ERR_INVALID, "activation: unknown (expected one of %s)",
                            sg_activation_names());
    if ((int)spec->output_act < 0 || spec->output_act >= SG_ACT_COUNT ||
        !sg_activation_output_ok(spec->output_act))
        return sg_error_set(err, SG_ERR_INVALID,
                            "output_activation: must be one of %s (got %s)",
                            sg_activation_output_names(), sg_activation_name(spec->output_act));
    if (spec->init != SG_INIT_GLOROT && spec->init != SG_INIT_HE)
        return sg_error_set(err, SG_ERR_INVALID, "init: must be glorot or he");
    if ((int)spec->x_scale < 0 || spec->x_scale > SG_SCALE_NONE || (int)spec->y_scale < 0 ||
        spec->y_scale > SG_SCALE_NONE)
        return sg_error_set(err, SG_ERR_INVALID, "scaling: must be minmax, zscore or none");
    if ((int)spec->type < 0 || spec->type > SG_MODEL_QUAD)
        return sg_error_set(err, SG_ERR_INVALID, "type: must be one of %s",
                            sg_model_type_names());
    if (spec->ensemble < 1 || spec->ensemble > SG_MODEL_MAX_ENSEMBLE)
        return sg_error_set(err, SG_ERR_INVALID, "ensemble must be between 1 and %d (got %zu)",
                            SG_MODEL_MAX_ENSEMBLE, spec->ensemble);
    bool classify = false;
    for (size_t j = 0; j < SG_MODEL_MAX_CATEGORICAL; j++) {
        if (spec->classes[j] == 1 || spec->classes[j] > SG_MODEL_MAX_CLASSES)
            return sg_error_set(err, SG_ERR_INVALID,
                                "response %zu: a response of names needs 2 to %d of them (got "
                                "%zu)",
                                j + 1, SG_MODEL_MAX_CLASSES, spec->classes[j]);
        classify |= spec->classes[j] >= 2;
    }
    if (classify && spec->shared)
        return sg_error_set(err, SG_ERR_INVALID,
                            "a pass/fail or class response needs its own network: set shared = "
                            "false");
    if (classify && spec->output_act != SG_ACT_LINEAR)
        return sg_error_set(err, SG_ERR_INVALID,
                            "a pass/fail or class response's network has a logistic (softmax) "
                            "output of its own: leave output_activation linear");
    for (size_t i = 0; i < SG_MODEL_MAX_CATEGORICAL; i++)
        if (spec->categories[i] == 1 || spec->categories[i] > SG_MLP_MAX_WIDTH)
            return sg_error_set(err, SG_ERR_INVALID,
                                "factor %zu: a category factor needs 2 to %d names (got %zu)",
                                i + 1, SG_MLP_MAX_WIDTH, spec->categories[i]);
    if (!(spec->val_share >= 0.0 && spec->val_share < 0.5))
        return sg_error_set(err, SG_ERR_INVALID,
                            "validation share must be at least 0 and below 0.5 (got %g)",
                            spec->val_share);
    return sg_train_config_validate(&spec->train, err);
}

static const char *const type_names[] = {"mlp", "gp", "auto", "quadratic"};

const char *sg_model_type_name(sg_model_type t)
{
    return (int)t >= 0 && (size_t)t < sizeof type_names / sizeof type_names[0] ? type_names[t]
                                                                             : "?";
}

bool sg_model_type_from_name(const char *name, sg_model_type *out)
{
    for (size_t i = 0; name && i < sizeof type_names / sizeof type_names[0]; i++)
        if (strcmp(name, type_names[i]) == 0) {
            *out = (sg_model_type)i;
            return true;
        }
    return false;
}

const char *sg_model_type_names(void) { return "mlp, gp, auto, quadratic"; }

uint64_t sg_model_member_seed(uint64_t study_seed, size_t j, size_t m)
{
    /* SplitMix64 finaliser over a combination of the three inputs. */
    uint64_t z = study_seed + 0x9E3779B97F4A7C15ull * ((uint64_t)j * 0x100000001ull + 1) +
                 0xD1B54A32D192ED03ull * ((uint64_t)m + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* ---- allocation ------------------------------------------------------------ */

sg_status sg_model_set_string(char **dst, const char *src, sg_error *err)
{
    if (!src)
        src = "";
    size_t len = strlen(src);
    char *c = malloc(len + 1);
    if (!c)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    memcpy(c, src, len + 1);
    free(*dst);
    *dst = c;
    return SG_OK;
}

static void free_strings(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void sg_model_destroy(sg_model *m)
{
    if (!m)
        return;
    size_t nm = m->n_nets * m->spec.ensemble;
    if (m->nets)
        for (size_t i = 0; i < nm; i++)
            sg_mlp_destroy(m->nets[i]);
    if (m->hist)
        for (size_t i = 0; i < nm; i++)
            sg_train_history_destroy(&m->hist[i]);
    free(m->nets);
    free(m->hist);
    sg_scaler_destroy(m->xs);
    free(m->stretch);
    free(m->trend);
    sg_scaler_destroy(m->ys);
    for (size_t i = 0; m->flab && i < m->n_in; i++)
        free_strings(m->flab[i], sg_model__is_category(&m->spec, i) ? m->spec.categories[i] : 0);
    for (size_t j = 0; m->rlab && j < m->n_out; j++)
        free_strings(m->rlab[j], m->rlab[j] ? sg_model_n_classes(m, j) : 0);
    free(m->flab);
    free(m->rlab);
    free_strings(m->fname, m->n_in);
    free_strings(m->funit, m->n_in);
    free_strings(m->rname, m->n_out);
    free_strings(m->runit, m->n_out);
    free(m->rmin);
    free(m->rmax);
    free(m->lo);
    free(m->hi);
    free(m->data_hash);
    free(m->study_hash);
    free(m->calib);
    free(m->has_calib);
    free(m->focus);
    if (m->gp)
        for (size_t j = 0; j < m->n_out; j++)
            sg_gp_destroy(m->gp[j]);
    free(m->gp);
    free(m->gx);
    free(m->gy);
    free(m->gpar);
    for (size_t j = 0; m->quad && j < m->n_out; j++)
        sg_model__quad_clear(&m->quad[j]);
    free(m->quad);
    free(m->qx);
    free(m);
}

static sg_status alloc_kind(const sg_model_spec *spec, sg_model_type kind, size_t n_in,
                            size_t n_out, sg_model **out, sg_error *err)
{
    sg_status st;
    sg_model *m = NULL;
    *out = NULL;
    if ((st = sg_model_spec_validate(spec, err)) != SG_OK)
        return st;
    if (n_in == 0 || n_out == 0 || n_in > SG_MLP_MAX_WIDTH || n_out > SG_MLP_MAX_WIDTH)
        return sg_error_set(err, SG_ERR_INVALID,
                            "a model needs 1 to %d factors and responses (got %zu and %zu)",
                            SG_MLP_MAX_WIDTH, n_in, n_out);
    size_t nf = sg_model__n_feat(spec, n_in);
    if (nf > SG_MLP_MAX_WIDTH)
        return sg_error_set(err, SG_ERR_INVALID,
                            "a model takes at most %d inputs; the category factors' names make "
                            "%zu",
                            SG_MLP_MAX_WIDTH, nf);
    m = calloc(1, sizeof *m);
    if (!m)
        goto nomem;
    m->spec = *spec;
    m->n_in = n_in;
    m->n_feat = nf;
    m->n_out = n_out;
    m->type = kind;
    m->n_nets = kind != SG_MODEL_MLP ? 0 : spec->shared ? 1 : n_out;
    size_t nm = m->n_nets * spec->ensemble;
    m->nets = calloc(nm + 1, sizeof *m->nets);
    m->hist = calloc(nm + 1, sizeof *m->hist);
    m->xs = sg_scaler_create(nf);
    m->ys = sg_scaler_create(n_out);
    m->flab = calloc(n_in, sizeof *m->flab);
    m->rlab = calloc(n_out, sizeof *m->rlab);
    m->fname = calloc(n_in, sizeof *m->fname);
    m->funit = calloc(n_in, sizeof *m->funit);
    m->rname = calloc(n_out, sizeof *m->rname);
    m->runit = calloc(n_out, sizeof *m->runit);
    m->rmin = malloc(n_out * sizeof *m->rmin);
    m->rmax = malloc(n_out * sizeof *m->rmax);
    m->lo = calloc(n_in, sizeof *m->lo);
    m->hi = calloc(n_in, sizeof *m->hi);
    m->calib = calloc(n_out, sizeof *m->calib);
    m->has_calib = calloc(n_out, sizeof *m->has_calib);
    m->focus = malloc(n_out * sizeof *m->focus);
    if (!m->focus)
        goto nomem;
    for (size_t j = 0; j < n_out; j++)
        m->focus[j] = SIZE_MAX;
    if (!m->nets || !m->hist || !m->xs || !m->ys || !m->fname || !m->funit || !m->rname ||
        !m->flab || !m->rlab ||
        !m->runit || !m->lo || !m->hi || !m->calib || !m->has_calib || !m->rmin || !m->rmax)
        goto nomem;
    for (size_t j = 0; j < n_out; j++) {
        m->rmin[j] = -INFINITY;
        m->rmax[j] = INFINITY;
    }
    char buf[32];
    for (size_t i = 0; i < n_in; i++) {
        snprintf(buf, sizeof buf, "x%zu", i + 1);
        if (sg_model_set_string(&m->fname[i], buf, err) ||
            sg_model_set_string(&m->funit[i], "", err))
            goto nomem;
    }
    for (size_t j = 0; j < n_out; j++) {
        snprintf(buf, sizeof buf, "y%zu", j + 1);
        if (sg_model_set_string(&m->rname[j], buf, err) ||
            sg_model_set_string(&m->runit[j], "", err))
            goto nomem;
    }
    if (sg_model_set_string(&m->data_hash, "", err) ||
        sg_model_set_string(&m->study_hash, "", err))
        goto nomem;
    /* Network architecture: n_in, hidden..., n_out_net. */
    size_t sizes[SG_MODEL_MAX_HIDDEN + 2];
    sg_activation acts[SG_MODEL_MAX_HIDDEN + 1];
    size_t ns = spec->n_hidden + 2;
    sizes[0] = nf;
    for (size_t l = 0; l < spec->n_hidden; l++) {
        sizes[l + 1] = spec->hidden[l];
        acts[l] = spec->hidden_act;
    }
    acts[ns - 2] = spec->output_act;
    for (size_t i = 0; i < nm; i++) {
        size_t j = i / spec->ensemble;
        sizes[ns - 1] = sg_model__net_outputs(m, j);
        if ((st = sg_mlp_create(ns, sizes, acts, &m->nets[i], err)) != SG_OK)
            goto fail;
        sg_loss loss = sg_model_is_binary(m, j) ? SG_LOSS_BINARY
                       : sg_model_is_class(m, j) ? SG_LOSS_SOFTMAX
                                                 : SG_LOSS_MSE;
        if (loss != SG_LOSS_MSE && (st = sg_mlp_set_loss(m->nets[i], loss, err)) != SG_OK)
            goto fail;
    }
    *out = m;
    return SG_OK;
nomem:
    st = sg_error_set(err, SG_ERR_NOMEM, "model: out of memory");
fail:
    sg_model_destroy(m);
    return st;
}

sg_status sg_model_alloc(const sg_model_spec *spec, size_t n_in, size_t n_out, sg_model **out,
                         sg_error *err)
{
    return alloc_kind(spec, SG_MODEL_MLP, n_in, n_out, out, err);
}

sg_status sg_model__alloc_gp(const sg_model_spec *spec, size_t n_in, size_t n_out,
                             size_t n_rows, sg_model **out, sg_error *err)
{
    sg_model *m = NULL;
    sg_status st = alloc_kind(spec, SG_MODEL_GP, n_in, n_out, &m, err);
    if (st != SG_OK)
        return st;
    m->n_rows = n_rows;
    m->gp = calloc(n_out, sizeof *m->gp);
    m->gx = calloc(n_rows * m->n_feat + 1, sizeof *m->gx);
    m->gy = calloc(n_rows * n_out + 1, sizeof *m->gy);
    m->gpar = calloc(n_out * SG_MODEL_GP_NPAR(m->n_feat), sizeof *m->gpar);
    if (!m->gp || !m->gx || !m->gy || !m->gpar) {
        sg_model_destroy(m);
        return sg_error_set(err, SG_ERR_NOMEM, "model: out of memory");
    }
    *out = m;
    return SG_OK;
}

sg_status sg_model__alloc_quad(const sg_model_spec *spec, size_t n_in, size_t n_out,
                               size_t n_rows, sg_model **out, sg_error *err)
{
    sg_model *m = NULL;
    sg_status st = alloc_kind(spec, SG_MODEL_QUAD, n_in, n_out, &m, err);
    if (st != SG_OK)
        return st;
    m->n_rows = n_rows;
    m->quad = calloc(n_out, sizeof *m->quad);
    m->qx = calloc(n_rows * n_in + 1, sizeof *m->qx);
    m->gy = calloc(n_rows * n_out + 1, sizeof *m->gy);
    if (!m->quad || !m->qx || !m->gy) {
        sg_model_destroy(m);
        return sg_error_set(err, SG_ERR_NOMEM, "model: out of memory");
    }
    for (size_t i = 0; i < m->n_feat; i++) /* the network's scalers are unused */
        m->xs->width[i] = 1.0;
    for (size_t j = 0; j < n_out; j++)
        m->ys->width[j] = 1.0;
    *out = m;
    return SG_OK;
}

/* ---- fitting ---------------------------------------------------------------- */

/* The members of every network, trained by spec.n_threads threads: each
 * member depends only on its own seed and rows, so the weights do not
 * depend on the thread count or on scheduling. */
typedef struct member_job {
    sg_model *m;
    const double *Xs, *Ys; /* scaled rows */
    size_t n;
    sg_model_progress_fn progress;
    void *user;
    pthread_mutex_t lock;  /* next, the progress callback, the first error */
    size_t next, total;
    sg_status st;
    size_t err_idx;        /* member of the error reported: the lowest that failed */
    sg_error err;
} member_job;

typedef struct member_buf {
    double *X, *T, *Xv, *Tv; /* training and validation rows of one member */
    size_t *order;
    gsl_rng *rng;
} member_buf;

typedef struct progress_user {
    member_job *job;
    size_t response, member;
} progress_user;

static void member_progress(void *user, const sg_train_info *info)
{
    progress_user *c = user;
    pthread_mutex_lock(&c->job->lock);
    c->job->progress(c->job->user, c->response, c->member, info);
    pthread_mutex_unlock(&c->job->lock);
}

static bool all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

/* Rows of member (j, k): all of them, or without the validation share that
 * its own seed picks (different rows for every member).  Returns n_val. */
static size_t member_rows(const member_job *job, member_buf *b, size_t j, uint64_t seed)
{
    const sg_model *m = job->m;
    size_t n = job->n, n_in = m->n_feat, n_out = m->n_out;
    size_t t_out = sg_model__net_outputs(m, j);
    size_t n_val = (size_t)floor(m->spec.val_share * (double)n + 0.5);
    if (n - n_val < 2)
        n_val = 0;
    for (size_t r = 0; r < n; r++)
        b->order[r] = r;
    if (n_val > 0) {
        gsl_rng_set(b->rng, (unsigned long)(seed ^ 0x5bd1e995u));
        gsl_ran_shuffle(b->rng, b->order, n, sizeof *b->order);
    }
    for (size_t i = 0; i < n; i++) {
        size_t r = b->order[i];
        bool val = i < n_val;
        size_t at = val ? i : i - n_val;
        double *x = (val ? b->Xv : b->X) + at * n_in;
        double *t = (val ? b->Tv : b->T) + at * t_out;
        memcpy(x, job->Xs + r * n_in, n_in * sizeof *x);
        for (size_t c = 0; m->stretch && c < n_in; c++)
            x[c] *= m->stretch[j * n_in + c];
        if (m->spec.shared)
            memcpy(t, job->Ys + r * n_out, n_out * sizeof *t);
        else if (t_out > 1) /* a class response: one-hot targets of its code */
            for (size_t c = 0; c < t_out; c++)
                t[c] = (double)c == job->Ys[r * n_out + j];
        else
            t[0] = job->Ys[r * n_out + j];
    }
    return n_val;
}

/* Share of the targets' variance the member leaves unexplained on its
 * training rows (1 = no better than their mean). */
static double unexplained_share(const sg_mlp *net, const double *X, const double *T, size_t n,
                                size_t t_out)
{
    sg_mlp_work *w = NULL;
    sg_error e;
    double *Y = malloc(n * t_out * sizeof *Y);
    if (!Y || sg_mlp_work_create(net, 256, &w, &e) != SG_OK ||
        sg_mlp_forward(net, w, X, n, Y, &e) != SG_OK) {
        free(Y);
        sg_mlp_work_destroy(w);
        return 0.0; /* cannot tell: treat as trained */
    }
    double sse = 0.0, sst = 0.0;
    for (size_t k = 0; k < t_out; k++) {
        double mean = 0.0;
        for (size_t r = 0; r < n; r++)
            mean += T[r * t_out + k] / (double)n;
        for (size_t r = 0; r < n; r++) {
            double d = T[r * t_out + k] - Y[r * t_out + k], c = T[r * t_out + k] - mean;
            sse += d * d;
            sst += c * c;
        }
    }
    free(Y);
    sg_mlp_work_destroy(w);
    return sst > 0 ? sse / sst : 0.0;
}

/* Restart of a member that made no progress: the first layer's units
 * become ridges centred on random training rows, in random directions,
 * with slopes spread log-uniformly up to what the rows can resolve
 * (about n^(1/d) transitions across the scaled range).  Gradient descent
 * from small random weights cannot find narrow features (a response that
 * oscillates many times across the window); these units start among them. */
static void spread_first_layer(sg_mlp *net, const double *X, size_t n, gsl_rng *rng)
{
    size_t d = sg_mlp_layer_in(net, 0), h = sg_mlp_layer_out(net, 0);
    double *W = sg_mlp_layer_weights(net, 0), *b = sg_mlp_layer_biases(net, 0);
    double top = 0.5 * pow((double)n, 1.0 / (double)d);
    if (top < 4.0)
        top = 4.0;
    for (size_t u = 0; u < h; u++) {
        double norm = 0.0;
        for (size_t i = 0; i < d; i++) {
            W[u * d + i] = gsl_ran_gaussian(rng, 1.0);
            norm += W[u * d + i] * W[u * d + i];
        }
        norm = sqrt(norm) > 0 ? sqrt(norm) : 1.0;
        double slope = exp(gsl_rng_uniform(rng) * log(top));
        const double *c = X + gsl_rng_uniform_int(rng, (unsigned long)n) * d;
        double at = 0.0;
        for (size_t i = 0; i < d; i++) {
            W[u * d + i] *= slope / norm;
            at += W[u * d + i] * c[i];
        }
        b[u] = -at;
    }
}

/* A member left most of the variance unexplained: train it once more from
 * the spread start and keep whichever explains more. */
static sg_status retry_member(member_job *job, member_buf *b, size_t idx, size_t n_tr,
                              size_t n_val, const sg_train_config *cfg, progress_user *ctx,
                              sg_error *err)
{
    sg_model *m = job->m;
    sg_mlp *net = m->nets[idx];
    size_t np = sg_mlp_n_params(net), t_out = sg_model__net_outputs(m, idx / m->spec.ensemble);
    double before = unexplained_share(net, b->X, b->T, n_tr, t_out);
    double *kept = malloc(np * sizeof *kept);
    if (!kept)
        return sg_error_set(err, SG_ERR_NOMEM, "model fit: out of memory");
    memcpy(kept, sg_mlp_params_const(net), np * sizeof *kept);
    gsl_rng_set(b->rng, (unsigned long)(cfg->seed ^ 0x9e3779b97f4a7c15u));
    sg_status st = sg_mlp_init(net, m->spec.init, b->rng, err);
    if (st == SG_OK)
        spread_first_layer(net, b->X, n_tr, b->rng);
    sg_train_history h = {0};
    sg_train_config again = *cfg;
    again.stall_epochs = 0; /* the restart gets the whole budget */
    cfg = &again;
    if (st == SG_OK)
        st = sg_train(net, b->X, b->T, n_tr, b->Xv, b->Tv, n_val, cfg,
                      job->progress ? member_progress : NULL, ctx, &h, NULL, err);
    if (st == SG_OK && unexplained_share(net, b->X, b->T, n_tr, t_out) < before) {
        sg_train_history_destroy(&m->hist[idx]);
        m->hist[idx] = h;
    } else {
        memcpy(sg_mlp_params(net), kept, np * sizeof *kept);
        sg_train_history_destroy(&h);
        st = SG_OK; /* the first training stands */
    }
    free(kept);
    return st;
}

/* The member trained on stretched inputs s_i x_i; the same function of the
 * unstretched inputs has first-layer weights W_ui s_i, so nothing after the
 * fit (prediction, gradients, the model file, the workbook's Calculator)
 * needs to know about the stretch. */
static void fold_stretch(sg_mlp *net, const double *stretch)
{
    size_t d = sg_mlp_layer_in(net, 0), h = sg_mlp_layer_out(net, 0);
    double *W = sg_mlp_layer_weights(net, 0);
    for (size_t u = 0; u < h; u++)
        for (size_t i = 0; i < d; i++)
            W[u * d + i] *= stretch[i];
}

/* Train member idx from weights drawn from its seed (start 0) or, for
 * another start, from its seed ^ start with the first layer spread over the
 * rows (spread_first_layer; the same validation rows). */
static sg_status train_member(member_job *job, member_buf *b, size_t idx, uint64_t start,
                              sg_error *err)
{
    sg_model *m = job->m;
    const sg_model_spec *spec = &m->spec;
    size_t j = idx / spec->ensemble, k = idx % spec->ensemble;
    sg_mlp *net = m->nets[idx];
    uint64_t seed = sg_model_member_seed(spec->seed, j, k);
    size_t n_val = member_rows(job, b, j, seed);
    gsl_rng_set(b->rng, (unsigned long)(seed ^ start));
    sg_status st = sg_mlp_init(net, spec->init, b->rng, err);
    if (st == SG_OK && start) /* a second start: from the spread first layer */
        spread_first_layer(net, b->X, job->n - n_val, b->rng);
    sg_train_config cfg = spec->train;
    cfg.seed = seed;
    cfg.l2 = sg_model_spec_l2(spec, j);
    /* a run still at the variance after a tenth of its budget is cut short
     * and restarted (retry_member) instead of spending the rest */
    bool binary = sg_model_n_classes(m, j) >= 2; /* a class or pass/fail response */
    if (sg_mlp_n_layers(net) > 1 && cfg.epochs >= 100 && !binary)
        cfg.stall_epochs = cfg.epochs / 10;
    if (n_val == 0 && cfg.early_stopping.monitor == SG_MONITOR_VALIDATION)
        cfg.early_stopping.monitor = SG_MONITOR_TRAIN;
    progress_user ctx = {job, spec->shared ? SG_MODEL_ALL_RESPONSES : j, k};
    size_t n_tr = job->n - n_val, t_out = sg_model__net_outputs(m, j);
    sg_train_info last = {0};
    if (st == SG_OK)
        st = sg_train(net, b->X, b->T, n_tr, b->Xv, b->Tv, n_val, &cfg,
                      job->progress ? member_progress : NULL, &ctx, &m->hist[idx], &last, err);
    /* a run cut short by the epoch limit did not stall: it was stopped */
    if (st == SG_OK && !binary && sg_mlp_n_layers(net) > 1 && last.reason != SG_STOP_MAX_EPOCHS &&
        unexplained_share(net, b->X, b->T, n_tr, t_out) > SG_MODEL_NO_PROGRESS)
        st = retry_member(job, b, idx, n_tr, n_val, &cfg, &ctx, err);
    if (st == SG_OK && m->stretch)
        fold_stretch(net, m->stretch + j * m->n_feat);
    if (st == SG_OK && !all_finite(sg_mlp_params_const(net), sg_mlp_n_params(net)))
        st = sg_error_set(err, SG_ERR_NUMERIC, "training produced non-finite weights");
    if (st != SG_OK) {
        char where[512];
        if (spec->shared)
            snprintf(where, sizeof where, "shared network, member %zu", k + 1);
        else
            snprintf(where, sizeof where, "response %s, member %zu", m->rname[j], k + 1);
        sg_error_prefix(err, where);
    }
    return st;
}

/* ---- members as tasks of an executor (core/exec.h) ---- */

static bool buf_alloc(member_buf *b, const sg_model *m, size_t n)
{
    size_t t_out = 1;
    for (size_t j = 0; j < m->n_nets; j++)
        t_out = sg_model__net_outputs(m, j) > t_out ? sg_model__net_outputs(m, j) : t_out;
    b->X = malloc(n * m->n_feat * sizeof *b->X);
    b->T = malloc(n * t_out * sizeof *b->T);
    b->Xv = malloc(n * m->n_feat * sizeof *b->Xv);
    b->Tv = malloc(n * t_out * sizeof *b->Tv);
    b->order = malloc(n * sizeof *b->order);
    b->rng = gsl_rng_alloc(gsl_rng_mt19937);
    return b->X && b->T && b->Xv && b->Tv && b->order && b->rng;
}

static void buf_free(member_buf *b)
{
    free(b->X);
    free(b->T);
    free(b->Xv);
    free(b->Tv);
    free(b->order);
    gsl_rng_free(b->rng);
}

/* A member's result: its parameters and its loss history. */
static void *member_worker(void *arg)
{
    member_job *job = arg;
    member_buf b = {0};
    bool ok = buf_alloc(&b, job->m, job->n);
    for (;;) {
        pthread_mutex_lock(&job->lock);
        size_t idx = job->next++;
        bool stop = job->st != SG_OK || idx >= job->total;
        if (!ok && !stop && job->st == SG_OK) {
            job->st = sg_error_set(&job->err, SG_ERR_NOMEM, "model fit: out of memory");
            stop = true;
        }
        pthread_mutex_unlock(&job->lock);
        if (stop)
            break;
        sg_error e;
        sg_error_clear(&e);
        sg_status st = train_member(job, &b, idx, 0, &e);
        if (st != SG_OK) {
            pthread_mutex_lock(&job->lock);
            if (job->st == SG_OK || idx < job->err_idx) {
                job->st = st;
                job->err_idx = idx;
                job->err = e;
            }
            pthread_mutex_unlock(&job->lock);
        }
    }
    buf_free(&b);
    return NULL;
}

static sg_status member_task(void *user, size_t idx, sg_bytes *out, sg_error *err)
{
    member_job *job = user;
    sg_model *m = job->m;
    member_buf b = {0};
    sg_status st = buf_alloc(&b, m, job->n) ? train_member(job, &b, idx, 0, err)
                                             : sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    buf_free(&b);
    if (st != SG_OK)
        return st;
    const sg_mlp *net = m->nets[idx];
    const sg_train_history *h = &m->hist[idx];
    uint64_t np = sg_mlp_n_params(net), ne = h->n_epochs;
    bool ok = sg_bytes_put(out, &np, sizeof np) &&
              sg_bytes_put(out, sg_mlp_params_const(net), np * sizeof(double)) &&
              sg_bytes_put(out, &ne, sizeof ne) &&
              sg_bytes_put(out, h->train_loss, ne * sizeof(double)) &&
              sg_bytes_put(out, h->val_loss, ne * sizeof(double));
    return ok ? SG_OK : sg_error_set(err, SG_ERR_NOMEM, "out of memory");
}

static sg_status member_unpack(sg_model *m, size_t idx, const sg_bytes *in, sg_error *err)
{
    sg_mlp *net = m->nets[idx];
    sg_train_history *h = &m->hist[idx];
    uint64_t np = 0, ne = 0;
    size_t pos = 0;
    if (!sg_bytes_get(in, &pos, &np, sizeof np) || np != sg_mlp_n_params(net) ||
        !sg_bytes_get(in, &pos, sg_mlp_params(net), np * sizeof(double)) ||
        !sg_bytes_get(in, &pos, &ne, sizeof ne) || ne > (in->len - pos) / sizeof(double))
        return sg_error_set(err, SG_ERR_INTERNAL, "model fit: member %zu came back damaged", idx);
    sg_train_history_destroy(h);
    h->train_loss = malloc((ne ? ne : 1) * sizeof *h->train_loss);
    h->val_loss = malloc((ne ? ne : 1) * sizeof *h->val_loss);
    if (!h->train_loss || !h->val_loss)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    h->n_epochs = (size_t)ne;
    if (!sg_bytes_get(in, &pos, h->train_loss, ne * sizeof(double)) ||
        !sg_bytes_get(in, &pos, h->val_loss, ne * sizeof(double)))
        return sg_error_set(err, SG_ERR_INTERNAL, "model fit: member %zu came back damaged", idx);
    return SG_OK;
}

static sg_status map_members(member_job *job, sg_error *err)
{
    sg_model *m = job->m;
    const sg_exec *ex = m->spec.exec;
    sg_bytes *res = calloc(job->total, sizeof *res);
    if (!res)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    size_t failed = 0;
    sg_status st = ex->map(ex, job->total, m->spec.n_threads, member_task, job, res, &failed, err);
    for (size_t i = 0; i < job->total && st == SG_OK; i++)
        st = member_unpack(m, i, &res[i], err);
    for (size_t i = 0; i < job->total; i++)
        sg_bytes_free(&res[i]);
    free(res);
    return st;
}

/* Members far behind their best sibling (SG_MODEL_LAG_RATIO): the siblings
 * show that the same settings fit the rows better, so the member stopped in
 * a worse local minimum.  Each is trained again from up to
 * SG_MODEL_LAG_TRIES other starts, until it is no longer behind, and keeps
 * the start that explains most of its response on every row; a start that
 * fails (diverges) is dropped.  Runs after all members, in this thread, so
 * the result does not depend on threads or processes; number responses of
 * networks of their own only. */
static sg_status retrain_lagging(member_job *job, sg_error *err)
{
    sg_model *m = job->m;
    size_t E = m->spec.ensemble, n = job->n;
    if (E < 2 || m->spec.shared)
        return SG_OK;
    double *T = malloc(n * sizeof *T), *u = malloc(E * sizeof *u), *kept = NULL;
    member_buf b = {0}; /* a member's rows, set up when one is behind */
    bool have_buf = false;
    sg_status st = SG_OK;
    if (!T || !u) {
        st = sg_error_set(err, SG_ERR_NOMEM, "model fit: out of memory");
        goto done;
    }
    for (size_t j = 0; j < m->n_nets && st == SG_OK; j++) {
        if (sg_model_n_classes(m, j) >= 2)
            continue;
        for (size_t r = 0; r < n; r++)
            T[r] = job->Ys[r * m->n_out + j];
        double best = INFINITY;
        for (size_t k = 0; k < E; k++) /* weights folded: the unstretched rows */
            best = fmin(best, u[k] = unexplained_share(m->nets[j * E + k], job->Xs, T, n, 1));
        for (size_t k = 0; k < E && st == SG_OK; k++) {
            /* a member cut short by the epoch limit was stopped, not stuck */
            bool limited = m->hist[j * E + k].n_epochs >= m->spec.train.epochs;
            if (limited || !(u[k] > SG_MODEL_LAG_RATIO * best && u[k] > SG_MODEL_LAG_SHARE))
                continue;
            size_t idx = j * E + k, np = sg_mlp_n_params(m->nets[idx]);
            double *grown = realloc(kept, np * sizeof *kept);
            if (!have_buf)
                have_buf = buf_alloc(&b, m, n);
            if (!grown || !have_buf) {
                st = sg_error_set(err, SG_ERR_NOMEM, "model fit: out of memory");
                break;
            }
            kept = grown;
            for (uint64_t t = 1; t <= SG_MODEL_LAG_TRIES && st == SG_OK; t++) {
                memcpy(kept, sg_mlp_params_const(m->nets[idx]), np * sizeof *kept);
                sg_train_history before = m->hist[idx];
                memset(&m->hist[idx], 0, sizeof m->hist[idx]);
                sg_error e2;
                sg_status ts = train_member(job, &b, idx, SG_MODEL_LAG_START * t, &e2);
                double v = ts == SG_OK ? unexplained_share(m->nets[idx], job->Xs, T, n, 1) : NAN;
                if (v < u[k]) { /* the better start stays */
                    sg_train_history_destroy(&before);
                    u[k] = v;
                } else { /* the first training stands */
                    memcpy(sg_mlp_params(m->nets[idx]), kept, np * sizeof *kept);
                    sg_train_history_destroy(&m->hist[idx]);
                    m->hist[idx] = before;
                }
                if (ts == SG_ERR_NOMEM)
                    st = sg_error_set(err, ts, "%s", e2.msg);
                if (ts != SG_OK || u[k] <= SG_MODEL_LAG_RATIO * best)
                    break;
            }
        }
    }
done:
    free(T);
    free(u);
    free(kept);
    buf_free(&b);
    return st;
}

static sg_status train_members(sg_model *m, const double *Xs, const double *Ys, size_t n,
                               sg_model_progress_fn progress, void *user, sg_error *err)
{
    member_job job = {.m = m, .Xs = Xs, .Ys = Ys, .n = n, .progress = progress, .user = user,
                      .total = m->n_nets * m->spec.ensemble, .st = SG_OK};
    sg_error_clear(&job.err);
    if (pthread_mutex_init(&job.lock, NULL) != 0)
        return sg_error_set(err, SG_ERR_INTERNAL, "model fit: cannot create a lock");
    if (m->spec.exec) {
        sg_status st = map_members(&job, err);
        if (st == SG_OK)
            st = retrain_lagging(&job, err);
        pthread_mutex_destroy(&job.lock);
        return st;
    }
    size_t nt = m->spec.n_threads > 1 ? m->spec.n_threads : 1;
    if (nt > job.total)
        nt = job.total;
    pthread_t th[64];
    size_t started = 0;
    for (; nt > 1 && started < nt - 1 && started < 64; started++)
        if (pthread_create(&th[started], NULL, member_worker, &job) != 0)
            break;
    member_worker(&job); /* this thread works too */
    for (size_t t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    if (job.st == SG_OK)
        job.st = retrain_lagging(&job, &job.err);
    pthread_mutex_destroy(&job.lock);
    if (job.st != SG_OK) {
        if (err)
            *err = job.err;
        return job.st;
    }
    return SG_OK;
}

sg_status sg_model_fit(const sg_model_spec *spec, size_t n_in, size_t n_out, const double *X,
                       const double *Y, size_t n, const char *const *response_names,
                       sg_model_progress_fn progress, void *user, sg_model **out,
                       sg_error *err)
{
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "model fit: no output");
    *out = NULL;
    if (!spec)
        return sg_error_set(err, SG_ERR_INVALID, "no model settings");
    if (spec->type == SG_MODEL_GP)
        return sg_model__fit_gp(spec, n_in, n_out, X, Y, n, response_names, out, err);
    if (spec->type == SG_MODEL_QUAD)
        return sg_model__fit_quad(spec, n_in, n_out, X, Y, n, response_names, out, err);
    if (spec->type == SG_MODEL_AUTO)
        return sg_model__fit_auto(spec, n_in, n_out, X, Y, n, response_names, progress, user,
                                  out, err);
    return sg_model__fit_mlp(spec, n_in, n_out, X, Y, n, response_names, progress, user, out,
                             err);
}

bool sg_model_is_binary(const sg_model *m, size_t j)
{
    return j < SG_MODEL_MAX_CATEGORICAL && m->spec.classes[j] == 2;
}

size_t sg_model_n_classes(const sg_model *m, size_t j)
{
    return sg_model_spec_n_classes(&m->spec, j);
}

bool sg_model_is_class(const sg_model *m, size_t j) { return sg_model_n_classes(m, j) >= 3; }

sg_status sg_model_set_focus(sg_model *m, size_t j, size_t c, sg_error *err)
{
    if (!m || j >= m->n_out || !sg_model_is_class(m, j) ||
        (c != SIZE_MAX && c >= sg_model_n_classes(m, j)))
        return sg_error_set(err, SG_ERR_INVALID,
                            "response %zu: not a class response, or no class %zu", j + 1, c);
    m->focus[j] = c;
    return SG_OK;
}

size_t sg_model_focus(const sg_model *m, size_t j)
{
    return m && j < m->n_out ? m->focus[j] : SIZE_MAX;
}

size_t sg_model__net_outputs(const sg_model *m, size_t j)
{
    if (m->spec.shared)
        return m->n_out;
    return sg_model_is_class(m, j) ? sg_model_n_classes(m, j) : 1;
}

/* A pass/fail or class response: codes 0 .. k-1, and an identity output
 * scaler (the network's outputs are logits, not scaled values).  One
 * outcome only may happen in a CV fold: the fit then predicts it everywhere
 * (the study-level check refuses such a table). */
static sg_status check_classes(sg_model *m, const double *Y, size_t n, sg_error *err)
{
    for (size_t j = 0; j < m->n_out; j++) {
        size_t k = sg_model_n_classes(m, j);
        if (k < 2)
            continue;
        for (size_t r = 0; r < n; r++) {
            double y = Y[r * m->n_out + j];
            if (!(y >= 0 && y <= (double)(k - 1) && y == floor(y)))
                return k == 2 ? sg_error_set(err, SG_ERR_INVALID,
                                             "pass/fail response %s: row %zu holds %g, not 0 "
                                             "or 1",
                                             m->rname[j], r + 1, y)
                              : sg_error_set(err, SG_ERR_INVALID,
                                             "class response %s: row %zu holds %g, not a code "
                                             "0 to %zu",
                                             m->rname[j], r + 1, y, k - 1);
        }
        m->ys->shift[j] = 0.0;
        m->ys->width[j] = 1.0;
    }
    return SG_OK;
}

/* m->stretch from each network's responses (relevance.h): a pass/fail or
 * class response keeps 1 (kriging models numbers); a shared network takes
 * the geometric mean over its responses. */
static sg_status relevance_stretch(sg_model *m, const double *Xs, const double *Y, size_t n,
                                   struct sg_relevance_cache *cache, sg_error *err)
{
    size_t nf = m->n_feat, n_out = m->n_out, len = m->n_nets * nf;
    if (!(m->stretch = malloc(len * sizeof *m->stretch)))
        return sg_error_set(err, SG_ERR_NOMEM, "model fit: out of memory");
    /* only the penalty search passes a cache: other fits skip hashing their rows */
    uint64_t key = cache ? sg_relevance_key(Xs, nf, Y, n_out, n, m->spec.seed) : 0;
    if (sg_relevance_cache_get(cache, key, m->stretch, len))
        return SG_OK;
    double *y = malloc(n * sizeof *y), *s = malloc(nf * sizeof *s);
    sg_status st = y && s ? SG_OK : sg_error_set(err, SG_ERR_NOMEM, "model fit: out of memory");
    for (size_t k = 0; st == SG_OK && k < m->n_nets * nf; k++)
        m->stretch[k] = m->n_nets == 1 && m->spec.shared ? 0.0 : 1.0;
    for (size_t j = 0; st == SG_OK && j < n_out; j++) {
        if (sg_model_n_classes(m, j) >= 2)
            continue;
        for (size_t r = 0; r < n; r++)
            y[r] = Y[r * n_out + j];
        uint64_t seed = sg_model_member_seed(m->spec.seed, j, 0) ^ 0x52454c45564eULL;
        st = sg_relevance_stretch(Xs, y, n, nf, seed, s, NULL, err);
        for (size_t i = 0; st == SG_OK && i < nf; i++) {
            if (m->spec.shared)
                m->stretch[i] += log(s[i]) / (double)n_out;
            else
                m->stretch[j * nf + i] = s[i];
        }
    }
    for (size_t i = 0; st == SG_OK && m->spec.shared && i < nf; i++)
        m->stretch[i] = exp(m->stretch[i]);
    if (st == SG_OK)
        sg_relevance_cache_put(cache, key, m->stretch, len);
    free(y);
    free(s);
    return st;
}

/* A numeric factor with one value in every training row carries no
 * information: its input gets SG_SCALE_FLAT_WIDTH, so the network answers
 * the same at every setting of it (the constant rule of sg_scaler_fit maps
 * it to x - shift, and the untrained weights of that input would move the
 * prediction by an arbitrary amount away from the tested value: a factor
 * no run varied came out "mattering" by 8 MPa).  Xs (n, n_feat): the
 * encoded rows before scaling. */
static void flatten_constant_factors(sg_model *m, const double *Xs, size_t n)
{
    size_t nf = m->n_feat;
    for (size_t i = 0, a = 0; i < m->n_in; i++) {
        if (sg_model__is_category(&m->spec, i)) {
            a += sg_model__n_feat(&m->spec, i + 1) - sg_model__n_feat(&m->spec, i);
            continue;
        }
        double lo = Xs[a], hi = Xs[a];
        for (size_t r = 1; r < n; r++) {
            lo = fmin(lo, Xs[r * nf + a]);
            hi = fmax(hi, Xs[r * nf + a]);
        }
        if (!(hi - lo > SG_SCALE_MIN_WIDTH * fmax(fmax(fabs(lo), fabs(hi)), 1.0)))
            m->xs->width[a] = SG_SCALE_FLAT_WIDTH;
        a++;
    }
}

/* Response j's linear trend at the scaled inputs xs (m->trend set). */
static double trend_at(const sg_model *m, size_t j, const double *xs)
{
    size_t nf = m->n_feat;
    const double *b = m->trend + j * (nf + 1);
    double t = b[0];
    for (size_t i = 0; i < nf; i++)
        t += b[i + 1] * xs[i];
    return t;
}

bool sg_model_spec_trend_fits(const sg_model_spec *spec, size_t n_in, size_t n, size_t j)
{
    return spec->trend && spec->output_act == SG_ACT_LINEAR &&
           sg_model_spec_n_classes(spec, j) < 2 &&
           n >= sg_model__n_feat(spec, n_in) + SG_MODEL_TREND_MIN_EXTRA_ROWS;
}

/* Least squares of the scaled values y (stride ldy) on the scaled inputs
 * Xs (n, nf) and a constant, into b (nf + 1: intercept, slopes), by a
 * truncated SVD: directions the rows cannot tell apart (a category's
 * indicator columns sum to the constant; a factor no row varies, an input
 * of 0 or about 1e-300 in every row: flatten_constant_factors) are left
 * out, not guessed, so such a factor gets no slope worth the name.  False
 * when the fit fails or is not finite. */
static bool least_squares_trend(const double *Xs, const double *y, size_t n, size_t nf,
                                size_t ldy, double *b)
{
    size_t p = nf + 1;
    gsl_matrix *A = gsl_matrix_alloc(n, p), *cov = gsl_matrix_alloc(p, p);
    gsl_vector *v = gsl_vector_alloc(n), *c = gsl_vector_alloc(p);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, p);
    bool ok = A && cov && v && c && w;
    for (size_t r = 0; ok && r < n; r++) {
        gsl_matrix_set(A, r, 0, 1.0);
        for (size_t q = 1; q < p; q++)
            gsl_matrix_set(A, r, q, Xs[r * nf + q - 1]);
        gsl_vector_set(v, r, y[r * ldy]);
    }
    size_t rank = 0;
    double chisq = 0.0;
    /* the program has GSL's abort-on-error handler off (core/error.h) */
    ok = ok &&
         gsl_multifit_linear_tsvd(A, v, SG_MODEL_TREND_SVD_TOL, c, cov, &chisq, &rank, w) == 0;
    for (size_t q = 0; ok && q < p; q++) {
        b[q] = gsl_vector_get(c, q);
        ok = isfinite(b[q]);
    }
    gsl_multifit_linear_free(w);
    gsl_matrix_free(A);
    gsl_matrix_free(cov);
    gsl_vector_free(v);
    gsl_vector_free(c);
    return ok;
}

/* Whether response j of m, fitted on n rows, gets its linear trend. */
static bool has_trend(const sg_model *m, size_t n, size_t j)
{
    return sg_model_spec_trend(&m->spec, j) && sg_model_spec_trend_fits(&m->spec, m->n_in, n, j);
}

/* Root mean square of column j of Y (n, no) about its mean (about 0 when
 * centred is false). */
static double col_rms(const double *Y, size_t n, size_t no, size_t j, bool centred)
{
    double mean = 0, ss = 0;
    for (size_t r = 0; centred && r < n; r++)
        mean += Y[r * no + j] / (double)n;
    for (size_t r = 0; r < n; r++)
        ss += (Y[r * no + j] - mean) * (Y[r * no + j] - mean);
    return sqrt(ss / (double)n);
}

/* What the trend left of response j (Ys column j) rescaled to the spread
 * the response had (rms before, about its mean): the networks learn a
 * curvature of a tenth of the response as they would learn the response,
 * instead of at a tenth of the scale their starts, stopping rule and
 * weight penalty were set for (on the bench, the weld and permeability
 * Latin hypercubes came from 1.64 times kriging's error to 0.28 and 0.36;
 * doc/model.md).  The output
 * scaling and the trend take the factor, so predictions are unchanged in
 * form: (y - shift) / width = trend + network. */
static void rescale_residual(sg_model *m, double *Ys, size_t n, size_t j, double before)
{
    size_t no = m->n_out, p = m->n_feat + 1;
    double after = col_rms(Ys, n, no, j, false);
    if (!(before > 0) || !(after < before))
        return;
    double g = fmax(after / before, SG_MODEL_TREND_MIN_RESIDUAL_SHARE);
    for (size_t q = 0; q < p; q++)
        m->trend[j * p + q] /= g;
    for (size_t r = 0; r < n; r++)
        Ys[r * no + j] /= g;
    m->ys->width[j] *= g;
}

/* spec.trend: each number response's linear trend in the scaled inputs,
 * fitted by least squares on these rows and taken out of Ys (the networks
 * learn what is left, rescaled to the response's spread; predictions add
 * it back).  A smooth response is mostly its trend: the tanh units then
 * spend the weight penalty on its curvature alone, and a response that is
 * linear (a law linear in the logarithms) comes out exact.  Needs n >=
 * n_feat + 3 rows: with fewer the trend would pass through the runs and
 * leave the networks nothing to learn from.  Xs (n, n_feat), Ys (n, n_out),
 * both scaled. */
static sg_status fit_trend(sg_model *m, const double *Xs, double *Ys, size_t n, sg_error *err)
{
    size_t nf = m->n_feat, p = nf + 1, no = m->n_out;
    bool any = false;
    for (size_t j = 0; j < no; j++)
        any = any || has_trend(m, n, j);
    if (!any)
        return SG_OK;
    if (!(m->trend = calloc(no * p, sizeof *m->trend)))
        return sg_error_set(err, SG_ERR_NOMEM, "model fit: out of memory");
    for (size_t j = 0; j < no; j++) {
        double *b = m->trend + j * p;
        if (!has_trend(m, n, j) || !least_squares_trend(Xs, Ys + j, n, nf, no, b)) {
            memset(b, 0, p * sizeof *b); /* no trend: the networks take the whole response */
            continue;
        }
        double before = col_rms(Ys, n, no, j, true);
        for (size_t r = 0; r < n; r++)
            Ys[r * no + j] -= trend_at(m, j, Xs + r * nf);
        rescale_residual(m, Ys, n, j, before);
    }
    return SG_OK;
}

/* A network model ready for its members: sized, scaled, with the scaled
 * rows in *Xs, *Ys (caller frees them and the model). */
static sg_status prepare_mlp(const sg_model_spec *spec, size_t n_in, size_t n_out,
                             const double *X, const double *Y, size_t n,
                             const char *const *response_names, sg_model **out, double **Xs_out,
                             double **Ys_out, sg_error *err)
{
    sg_status st;
    sg_model *m = NULL;
    double *Xs = NULL, *Ys = NULL;
    if (!X || !Y || n < 2)
        return sg_error_set(err, SG_ERR_INVALID, "model fit needs at least 2 rows (got %zu)", n);
    sg_model_spec sized = sg_model_spec_sized(spec, n, n_in, n_out);
    if ((st = sg_model_alloc(&sized, n_in, n_out, &m, err)) != SG_OK)
        return st;
    m->n_rows = n;
    if (m->spec.optimizer_auto)
        m->spec.train.optimizer = sg_train_default_optimizer(n);
    spec = &m->spec; /* from here on: the resolved settings */
    struct sg_relevance_cache *cache = m->spec.relevance_cache;
    m->spec.relevance_cache = NULL; /* borrowed for this fit only */
    for (size_t j = 0; response_names && j < n_out; j++)
        if ((st = sg_model_set_string(&m->rname[j], response_names[j], err)) != SG_OK)
            goto fail;
    size_t nf = m->n_feat;
    if (!(Xs = malloc(n * nf * sizeof *Xs)) || !(Ys = malloc(n * n_out * sizeof *Ys))) {
        st = sg_error_set(err, SG_ERR_NOMEM, "model fit: out of memory");
        goto fail;
    }
    sg_model__encode_rows(spec, n_in, X, n, Xs);
    if ((st = sg_model__log_responses(spec, Y, n, n_out, Ys, err)) != SG_OK)
        goto fail;
    if ((st = sg_scaler_fit(m->xs, spec->x_scale, Xs, nf, 0, NULL, n, err)) != SG_OK ||
        (st = sg_scaler_fit(m->ys, spec->y_scale, Ys, n_out, 0, NULL, n, err)) != SG_OK) {
        sg_error_prefix(err, "model fit");
        goto fail;
    }
    flatten_constant_factors(m, Xs, n);
    for (size_t i = 0; i < n_in; i++) {
        m->lo[i] = m->hi[i] = X[i];
        for (size_t r = 1; r < n; r++) {
            m->lo[i] = fmin(m->lo[i], X[r * n_in + i]);
            m->hi[i] = fmax(m->hi[i], X[r * n_in + i]);
        }
    }
    if ((st = check_classes(m, Y, n, err)) != SG_OK)
        goto fail;
    for (size_t r = 0; r < n; r++) {
        sg_scaler_forward(m->xs, Xs + r * nf);
        sg_scaler_forward(m->ys, Ys + r * n_out);
    }
    if ((st = fit_trend(m, Xs, Ys, n, err)) != SG_OK)
        goto fail;
    if (spec->relevance && (st = relevance_stretch(m, Xs, Y, n, cache, err)) != SG_OK)
        goto fail;
    *out = m;
    *Xs_out = Xs;
    *Ys_out = Ys;
    return SG_OK;
fail:
    free(Xs);
    free(Ys);
    sg_model_destroy(m);
    return st;
}

sg_status sg_model__fit_mlp(const sg_model_spec *spec, size_t n_in, size_t n_out,
                            const double *X, const double *Y, size_t n,
                            const char *const *response_names, sg_model_progress_fn progress,
                            void *user, sg_model **out, sg_error *err)
{
    sg_model *m = NULL;
    double *Xs = NULL, *Ys = NULL;
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "model fit: no output");
    *out = NULL;
    sg_status st = prepare_mlp(spec, n_in, n_out, X, Y, n, response_names, &m, &Xs, &Ys, err);
    if (st == SG_OK)
        st = train_members(m, Xs, Ys, n, progress, user, err);
    free(Xs);
    free(Ys);
    if (st != SG_OK) {
        sg_model_destroy(m);
        return st;
    }
    *out = m;
    return SG_OK;
}

/* ---- two networks in one map (an executor's hold-out) ---- */

typedef struct pair_job {
    member_job *a, *b;
} pair_job;

static sg_status pair_task(void *user, size_t t, sg_bytes *out, sg_error *err)
{
    pair_job *p = user;
    return t < p->a->total ? member_task(p->a, t, out, err)
                           : member_task(p->b, t - p->a->total, out, err);
}

sg_status sg_model_fit_pair(const sg_model_spec *spec, size_t n_in, size_t n_out,
                            const double *X, const double *Y, size_t n, const double *X2,
                            const double *Y2, size_t n2, const char *const *response_names,
                            sg_model **out, sg_model **out2, sg_error *err)
{
    *out = *out2 = NULL;
    if (!spec || spec->type != SG_MODEL_MLP || !spec->exec)
        return sg_error_set(err, SG_ERR_INVALID, "model fit pair: a network spec with an executor");
    sg_model *m[2] = {NULL, NULL};
    double *Xs[2] = {NULL, NULL}, *Ys[2] = {NULL, NULL};
    /* the second model validates the first: both get the settings of n rows */
    sg_model_spec sized = sg_model_spec_sized(spec, n, n_in, n_out);
    sg_status st = prepare_mlp(&sized, n_in, n_out, X, Y, n, response_names, &m[0], &Xs[0],
                               &Ys[0], err);
    if (st == SG_OK)
        st = prepare_mlp(&sized, n_in, n_out, X2, Y2, n2, response_names, &m[1], &Xs[1],
                         &Ys[1], err);
    member_job job[2];
    bool locks = false;
    if (st == SG_OK) {
        for (int k = 0; k < 2; k++) {
            job[k] = (member_job){.m = m[k], .Xs = Xs[k], .Ys = Ys[k], .n = k ? n2 : n,
                                  .total = m[k]->n_nets * m[k]->spec.ensemble, .st = SG_OK};
            sg_error_clear(&job[k].err);
        }
        locks = pthread_mutex_init(&job[0].lock, NULL) == 0;
        if (locks && pthread_mutex_init(&job[1].lock, NULL) != 0) {
            pthread_mutex_destroy(&job[0].lock);
            locks = false;
        }
        if (!locks)
            st = sg_error_set(err, SG_ERR_INTERNAL, "model fit: cannot create a lock");
    }
    size_t total = st == SG_OK ? job[0].total + job[1].total : 0;
    sg_bytes *res = st == SG_OK ? calloc(total, sizeof *res) : NULL;
    if (st == SG_OK && !res)
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    if (st == SG_OK) {
        pair_job p = {&job[0], &job[1]};
        size_t failed = 0;
        const sg_exec *ex = spec->exec;
        st = ex->map(ex, total, spec->n_threads, pair_task, &p, res, &failed, err);
        for (size_t t = 0; t < total && st == SG_OK; t++)
            st = t < job[0].total ? member_unpack(m[0], t, &res[t], err)
                                  : member_unpack(m[1], t - job[0].total, &res[t], err);
    }
    for (size_t t = 0; res && t < total; t++)
        sg_bytes_free(&res[t]);
    free(res);
    for (int k = 0; k < 2 && st == SG_OK; k++)
        st = retrain_lagging(&job[k], err);
    if (locks) {
        pthread_mutex_destroy(&job[0].lock);
        pthread_mutex_destroy(&job[1].lock);
    }
    for (int k = 0; k < 2; k++) {
        free(Xs[k]);
        free(Ys[k]);
    }
    if (st != SG_OK) {
        sg_model_destroy(m[0]);
        sg_model_destroy(m[1]);
        return st;
    }
    *out = m[0];
    *out2 = m[1];
    return SG_OK;
}

/* ---- copy ------------------------------------------------------------------- */

static sg_status copy_strings(char **dst, char *const *src, size_t n, sg_error *err)
{
    sg_status st = SG_OK;
    for (size_t i = 0; i < n && st == SG_OK; i++)
        st = sg_model_set_string(&dst[i], src[i], err);
    return st;
}

static sg_status copy_scaler(sg_scaler **dst, const sg_scaler *src, sg_error *err)
{
    sg_scaler *c = sg_scaler_copy(src);
    if (!c)
        return sg_error_set(err, SG_ERR_NOMEM, "model copy: out of memory");
    sg_scaler_destroy(*dst);
    *dst = c;
    return SG_OK;
}

/* Everything but the spec and shape, which sg_model_alloc already set. */
static sg_status copy_contents(sg_model *c, const sg_model *m, sg_error *err)
{
    sg_status st;
    size_t E = m->spec.ensemble;
    for (size_t i = 0; i < m->n_nets * E; i++) {
        memcpy(sg_mlp_params(c->nets[i]), sg_mlp_params_const(m->nets[i]),
               sg_mlp_n_params(m->nets[i]) * sizeof(double));
        if ((st = sg_model_set_history(c, i / E, i % E, &m->hist[i], err)) != SG_OK)
            return st;
    }
    if ((st = copy_scaler(&c->xs, m->xs, err)) != SG_OK ||
        (st = copy_scaler(&c->ys, m->ys, err)) != SG_OK ||
        (st = copy_strings(c->fname, m->fname, m->n_in, err)) != SG_OK ||
        (st = copy_strings(c->funit, m->funit, m->n_in, err)) != SG_OK ||
        (st = copy_strings(c->rname, m->rname, m->n_out, err)) != SG_OK ||
        (st = copy_strings(c->runit, m->runit, m->n_out, err)) != SG_OK ||
        (st = sg_model_set_hashes(c, m->data_hash, m->study_hash, err)) != SG_OK)
        return st;
    for (size_t i = 0; i < m->n_in; i++)
        if (m->flab[i] && (st = sg_model_set_factor_labels(c, i, m->flab[i],
                                                           m->spec.categories[i], err)) != SG_OK)
            return st;
    for (size_t j = 0; j < m->n_out; j++)
        if (m->rlab[j] && (st = sg_model_set_response_labels(c, j, m->rlab[j],
                                                             sg_model_n_classes(m, j), err)) != SG_OK)
            return st;
    c->n_rows = m->n_rows;
    c->sel = m->sel;
    memcpy(c->lo, m->lo, m->n_in * sizeof *c->lo);
    memcpy(c->hi, m->hi, m->n_in * sizeof *c->hi);
    memcpy(c->calib, m->calib, m->n_out * sizeof *c->calib);
    memcpy(c->focus, m->focus, m->n_out * sizeof *c->focus);
    memcpy(c->rmin, m->rmin, m->n_out * sizeof *c->rmin);
    memcpy(c->rmax, m->rmax, m->n_out * sizeof *c->rmax);
    memcpy(c->has_calib, m->has_calib, m->n_out * sizeof *c->has_calib);
    return sg_model__set_trend(c, m->trend, err);
}

sg_status sg_model_copy(const sg_model *m, sg_model **out, sg_error *err)
{
    if (out)
        *out = NULL;
    if (!m || !out)
        return sg_error_set(err, SG_ERR_INVALID, "model copy: missing argument");
    sg_model *c = NULL;
    sg_status st = m->type == SG_MODEL_GP
                       ? sg_model__alloc_gp(&m->spec, m->n_in, m->n_out, m->n_rows, &c, err)
                   : m->type == SG_MODEL_QUAD
                       ? sg_model__alloc_quad(&m->spec, m->n_in, m->n_out, m->n_rows, &c, err)
                       : sg_model_alloc(&m->spec, m->n_in, m->n_out, &c, err);
    if (st == SG_OK)
        st = copy_contents(c, m, err);
    if (st == SG_OK && m->type == SG_MODEL_GP) {
        memcpy(c->gx, m->gx, m->n_rows * m->n_feat * sizeof *c->gx);
        memcpy(c->gy, m->gy, m->n_rows * m->n_out * sizeof *c->gy);
        memcpy(c->gpar, m->gpar, m->n_out * SG_MODEL_GP_NPAR(m->n_feat) * sizeof *c->gpar);
        for (size_t j = 0; j < m->n_out && st == SG_OK; j++)
            st = sg_gp_copy(m->gp[j], &c->gp[j], err);
    }
    if (st == SG_OK && m->type == SG_MODEL_QUAD) { /* refitted: the same fits */
        memcpy(c->qx, m->qx, m->n_rows * m->n_in * sizeof *c->qx);
        memcpy(c->gy, m->gy, m->n_rows * m->n_out * sizeof *c->gy);
        for (size_t j = 0; j < m->n_out && st == SG_OK; j++)
            st = sg_model__quad_build(c, j, err);
    }
    if (st != SG_OK) {
        sg_model_destroy(c);
        return st;
    }
    *out = c;
    return SG_OK;
}

/* ---- accessors --------------------------------------------------------------- */

size_t sg_model_n_in(const sg_model *m) { return m->n_in; }
size_t sg_model_n_out(const sg_model *m) { return m->n_out; }
const sg_model_spec *sg_model_spec_of(const sg_model *m) { return &m->spec; }
size_t sg_model_n_nets(const sg_model *m) { return m->n_nets; }
size_t sg_model_n_rows(const sg_model *m) { return m->n_rows; }
sg_model_type sg_model_type_of(const sg_model *m) { return m->type; }
const sg_gp *sg_model_gp(const sg_model *m, size_t j)
{
    return m->type == SG_MODEL_GP && j < m->n_out ? m->gp[j] : NULL;
}

size_t sg_model_min_rows(const sg_model *m)
{
    size_t need = 2;
    if (m->type == SG_MODEL_GP && m->spec.type == SG_MODEL_GP)
        need = SG_MODEL_GP_MIN_ROWS(m->n_in);
    for (size_t j = 0; m->type == SG_MODEL_QUAD && j < m->n_out; j++)
        if (sg_rsm_min_rows(m->quad[j].fit) > need)
            need = sg_rsm_min_rows(m->quad[j].fit);
    return need;
}

const sg_model_selection *sg_model_selection_of(const sg_model *m) { return &m->sel; }
const sg_scaler *sg_model_x_scaler(const sg_model *m) { return m->xs; }
const sg_scaler *sg_model_y_scaler(const sg_model *m) { return m->ys; }

sg_status sg_model__set_trend(sg_model *m, const double *trend, sg_error *err)
{
    size_t len = m->n_out * (m->n_feat + 1);
    double *t = NULL;
    if (trend && !(t = malloc(len * sizeof *t)))
        return sg_error_set(err, SG_ERR_NOMEM, "model: out of memory");
    if (t)
        memcpy(t, trend, len * sizeof *t);
    free(m->trend);
    m->trend = t;
    return SG_OK;
}

const double *sg_model_trend(const sg_model *m, size_t j)
{
    if (!m->trend || j >= m->n_out)
        return NULL;
    const double *b = m->trend + j * (m->n_feat + 1);
    for (size_t i = 0; i <= m->n_feat; i++)
        if (b[i] != 0.0)
            return b;
    return NULL;
}

const sg_mlp *sg_model_member(const sg_model *m, size_t j, size_t k)
{
    return m->nets[j * m->spec.ensemble + k];
}

size_t sg_model_n_params_per_member(const sg_model *m, size_t j)
{
    (void)j; /* every network of a model has the same shape */
    return m->type != SG_MODEL_MLP ? 0 : sg_mlp_n_params(m->nets[0]);
}

size_t sg_model_n_params(const sg_model *m)
{
    if (m->type == SG_MODEL_GP) /* length scales, signal and noise variance, mean */
        return m->n_out * (m->n_feat + 3);
    if (m->type == SG_MODEL_QUAD) { /* the coefficients fitted */
        size_t p = 0;
        for (size_t j = 0; j < m->n_out; j++)
            p += m->quad[j].rank;
        return p;
    }
    return sg_mlp_n_params(m->nets[0]) * m->n_nets * m->spec.ensemble;
}

bool sg_model_early_stopped(const sg_model_spec *s)
{
    return s->train.early_stopping.enabled &&
           s->train.early_stopping.monitor == SG_MONITOR_VALIDATION && s->val_share > 0;
}

bool sg_model_overparameterised(const sg_model *m)
{
    return m->type == SG_MODEL_MLP && sg_mlp_n_params(m->nets[0]) > m->n_rows &&
           m->spec.train.l1 == 0.0 && m->spec.train.l2 == 0.0 &&
           !sg_model_early_stopped(&m->spec);
}

const sg_train_history *sg_model_history(const sg_model *m, size_t j, size_t k)
{
    return &m->hist[j * m->spec.ensemble + k];
}

sg_status sg_model_set_history(sg_model *m, size_t j, size_t k, const sg_train_history *h,
                               sg_error *err)
{
    if (!m || !h || j >= sg_model_n_nets(m) || k >= m->spec.ensemble)
        return sg_error_set(err, SG_ERR_INVALID, "history index out of range");
    sg_train_history c = {0, NULL, NULL};
    if (h->n_epochs) {
        c.train_loss = malloc(h->n_epochs * sizeof *c.train_loss);
        c.val_loss = malloc(h->n_epochs * sizeof *c.val_loss);
        if (!c.train_loss || !c.val_loss) {
            sg_train_history_destroy(&c);
            return sg_error_set(err, SG_ERR_NOMEM, "out of memory copying a loss history");
        }
        memcpy(c.train_loss, h->train_loss, h->n_epochs * sizeof *c.train_loss);
        memcpy(c.val_loss, h->val_loss, h->n_epochs * sizeof *c.val_loss);
        c.n_epochs = h->n_epochs;
    }
    sg_train_history *dst = &m->hist[j * m->spec.ensemble + k];
    sg_train_history_destroy(dst);
    *dst = c;
    return SG_OK;
}

sg_status sg_model_set_factor(sg_model *m, size_t i, const char *name, const char *unit,
                              double lo, double hi, sg_error *err)
{
    if (i >= m->n_in)
        return sg_error_set(err, SG_ERR_INVALID, "factor index %zu out of range", i);
    if (!name || !*name)
        return sg_error_set(err, SG_ERR_INVALID, "factor %zu needs a name", i + 1);
    if (!isfinite(lo) || !isfinite(hi) || !(lo < hi))
        return sg_error_set(err, SG_ERR_INVALID,
                            "factor %s: bounds must be finite with min < max (got %g, %g)", name,
                            lo, hi);
    if (sg_model__is_log(&m->spec, i) && !(lo > 0))
        return sg_error_set(err, SG_ERR_INVALID,
                            "factor %s is on a log scale: its bounds must be above 0 (got %g, "
                            "%g)",
                            name, lo, hi);
    sg_status st;
    if ((st = sg_model_set_string(&m->fname[i], name, err)) != SG_OK ||
        (st = sg_model_set_string(&m->funit[i], unit, err)) != SG_OK)
        return st;
    m->lo[i] = lo;
    m->hi[i] = hi;
    return SG_OK;
}

sg_status sg_model_set_response(sg_model *m, size_t j, const char *name, const char *unit,
                                sg_error *err)
{
    if (j >= m->n_out)
        return sg_error_set(err, SG_ERR_INVALID, "response index %zu out of range", j);
    if (!name || !*name)
        return sg_error_set(err, SG_ERR_INVALID, "response %zu needs a name", j + 1);
    sg_status st;
    if ((st = sg_model_set_string(&m->rname[j], name, err)) != SG_OK)
        return st;
    return sg_model_set_string(&m->runit[j], unit, err);
}

sg_status sg_model_set_response_limits(sg_model *m, size_t j, double lower, double upper,
                                       sg_error *err)
{
    if (j >= m->n_out)
        return sg_error_set(err, SG_ERR_INVALID, "response index %zu out of range", j);
    if (isnan(lower) || isnan(upper) || lower == INFINITY || upper == -INFINITY ||
        !(lower < upper))
        return sg_error_set(err, SG_ERR_INVALID,
                            "physical limits of %s: need lower < upper (got %g and %g)",
                            m->rname[j], lower, upper);
    m->rmin[j] = lower;
    m->rmax[j] = upper;
    return SG_OK;
}

bool sg_model_clip_interval(const sg_model *m, size_t j, double *lo, double *hi)
{
    bool changed = false;
    if (*lo < m->rmin[j]) {
        *lo = m->rmin[j];
        changed = true;
    }
    if (*hi > m->rmax[j]) {
        *hi = m->rmax[j];
        changed = true;
    }
    if (*hi < m->rmin[j]) /* the whole interval below the limit */
        *hi = m->rmin[j];
    if (*lo > m->rmax[j]) /* or above */
        *lo = m->rmax[j];
    return changed;
}

void sg_model_interval_bounds(bool log_scale, double mean, double h, double *lo, double *hi)
{
    if (log_scale) {
        double f = pow(10.0, h);
        *lo = mean / f;
        *hi = mean * f;
    } else {
        *lo = mean - h;
        *hi = mean + h;
    }
}

void sg_model_interval(const sg_model *m, size_t j, double mean, double h, double *lo,
                       double *hi)
{
    sg_model_interval_bounds(sg_model_response_is_log(m, j), mean, h, lo, hi);
}

void sg_model_interval_text(bool log_scale, double h, int dec, const char *unit, char *buf,
                            size_t cap)
{
    const char *sp = unit[0] ? " " : "";
    if (log_scale)
        sg_num_snprintf(buf, cap, "×/÷ %.4g", pow(10.0, h));
    else if (dec < 0)
        sg_num_snprintf(buf, cap, "± %.*g%s%s", -dec, h, sp, unit);
    else
        sg_num_snprintf(buf, cap, "± %.*f%s%s", dec, h, sp, unit);
}

double sg_model_interval_half_at(bool log_scale, double value, double h)
{
    double lo, hi;
    sg_model_interval_bounds(log_scale, value, h, &lo, &hi);
    return log_scale ? 0.5 * fabs(hi - lo) : h;
}

double sg_model_response_lower_limit(const sg_model *m, size_t j) { return m->rmin[j]; }
double sg_model_response_upper_limit(const sg_model *m, size_t j) { return m->rmax[j]; }

sg_status sg_model_set_hashes(sg_model *m, const char *data_hash, const char *study_hash,
                              sg_error *err)
{
    sg_status st;
    if ((st = sg_model_set_string(&m->data_hash, data_hash, err)) != SG_OK)
        return st;
    return sg_model_set_string(&m->study_hash, study_hash, err);
}

/* A copy of n names (1 to 64 characters each) into *dst (the old freed). */
static sg_status set_labels(char ***dst, size_t old_n, char *const *labels, size_t n,
                            sg_error *err)
{
    char **c = calloc(n, sizeof *c);
    if (!c)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        size_t len = labels[k] ? strlen(labels[k]) : 0;
        if (len == 0 || len > 64 || !(c[k] = malloc(len + 1))) {
            free_strings(c, n);
            return len == 0 || len > 64
                       ? sg_error_set(err, SG_ERR_INVALID, "a name must have 1 to 64 characters")
                       : sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        }
        memcpy(c[k], labels[k], len + 1);
    }
    free_strings(*dst, old_n);
    *dst = c;
    return SG_OK;
}

sg_status sg_model_set_factor_labels(sg_model *m, size_t i, char *const *labels, size_t n,
                                     sg_error *err)
{
    if (!m || i >= m->n_in || !sg_model__is_category(&m->spec, i) ||
        m->spec.categories[i] != n || !labels)
        return sg_error_set(err, SG_ERR_INVALID,
                            "factor %zu: names given for a factor that is not a category of %zu "
                            "names",
                            i + 1, n);
    return set_labels(&m->flab[i], m->flab[i] ? n : 0, labels, n, err);
}

sg_status sg_model_set_response_labels(sg_model *m, size_t j, char *const *labels, size_t n,
                                       sg_error *err)
{
    if (!m || j >= m->n_out || sg_model_n_classes(m, j) < 2 || n != sg_model_n_classes(m, j) ||
        !labels)
        return sg_error_set(err, SG_ERR_INVALID,
                            "response %zu: %zu names given for a response that does not hold "
                            "that many",
                            j + 1, n);
    return set_labels(&m->rlab[j], m->rlab[j] ? n : 0, labels, n, err);
}

char *const *sg_model_factor_labels(const sg_model *m, size_t i, size_t *n)
{
    *n = i < m->n_in && m->flab[i] ? m->spec.categories[i] : 0;
    return *n ? m->flab[i] : NULL;
}

char *const *sg_model_response_labels(const sg_model *m, size_t j, size_t *n)
{
    *n = j < m->n_out && m->rlab[j] ? sg_model_n_classes(m, j) : 0;
    return *n ? m->rlab[j] : NULL;
}

const char *sg_model_factor_label_of(const sg_model *m, size_t i, double v)
{
    size_t n;
    char *const *labels = sg_model_factor_labels(m, i, &n);
    if (!labels || !isfinite(v))
        return NULL;
    double c = floor(v + 0.5);
    return labels[c <= 0 ? 0 : c >= (double)(n - 1) ? n - 1 : (size_t)c];
}

const char *sg_model_factor_name(const sg_model *m, size_t i) { return m->fname[i]; }
const char *sg_model_factor_unit(const sg_model *m, size_t i) { return m->funit[i]; }
double sg_model_factor_lo(const sg_model *m, size_t i) { return m->lo[i]; }
double sg_model_factor_hi(const sg_model *m, size_t i) { return m->hi[i]; }
const char *sg_model_response_name(const sg_model *m, size_t j) { return m->rname[j]; }
const char *sg_model_response_unit(const sg_model *m, size_t j) { return m->runit[j]; }
const char *sg_model_data_hash(const sg_model *m) { return m->data_hash; }
const char *sg_model_study_hash(const sg_model *m) { return m->study_hash; }

bool sg_model_extrapolates(const sg_model *m, const double *x)
{
    for (size_t i = 0; i < m->n_in; i++)
        if (!(x[i] >= m->lo[i] && x[i] <= m->hi[i]))
            return true;
    return false;
}

bool sg_model_factor_ignored(const sg_model *m, size_t i)
{
    if (i >= m->n_in || sg_model__is_category(&m->spec, i))
        return false;
    size_t a = sg_model__n_feat(&m->spec, i); /* its input's index */
    if (m->type == SG_MODEL_QUAD) { /* every run at one setting: its terms are dropped */
        for (size_t r = 1; r < m->n_rows; r++)
            if (m->qx[r * m->n_in + i] != m->qx[i])
                return false;
        return true;
    }
    if (m->type != SG_MODEL_GP)
        return m->xs->width[a] >= SG_SCALE_FLAT_WIDTH;
    for (size_t j = 0; j < m->n_out; j++)
        if (!m->gp || !m->gp[j] || !(sg_gp_length_scales(m->gp[j])[a] >= SG_GP_FLAT_LENGTH))
            return false;
    return true;
}

bool sg_model_factor_is_log(const sg_model *m, size_t i)
{
    return i < m->n_in && sg_model__is_log(&m->spec, i);
}

bool sg_model_response_is_log(const sg_model *m, size_t j)
{
    return j < m->n_out && sg_model__is_log_y(&m->spec, j);
}

sg_status sg_model_check_point(const sg_model *m, const double *x, sg_error *err)
{
    for (size_t i = 0; i < m->n_in; i++)
        if (sg_model__is_log(&m->spec, i) && !(x[i] > 0))
            return sg_error_set(err, SG_ERR_INVALID,
                                "factor %s is on a log scale in this model, so its setting must "
                                "be above 0 (got %g)",
                                m->fname[i] ? m->fname[i] : "?", x[i]);
    return SG_OK;
}

/* ---- prediction ---------------------------------------------------------------- */

struct sg_model_work {
    size_t n_in, n_out, ensemble; /* shape of the models it fits */
    size_t n_feat;
    sg_mlp_work *net;             /* one-row network workspace (the one-output nets) */
    sg_mlp_work **cnet;           /* (n_out) a class response's softmax network's, or NULL */
    double *cp, *cps;             /* (SG_MODEL_MAX_CLASSES) class probabilities, their sum
                                     of squares over members */
    double *cg;                   /* (SG_MODEL_MAX_CLASSES * n_feat) logit gradients */
    double *pm, *ps;              /* (n_out) every response's prediction */
    double *bx;                   /* (n_feat) encoded, scaled point */
    double *bg;                   /* (n_feat) one member's gradient */
    double *gsum;                 /* (n_feat) gradient over the inputs */
    double *bout;                 /* (ensemble * n_out) member outputs, scaled */
    double *by;                   /* (n_out) one member's output */
    sg_model_type type;
    size_t n_rows;                /* kriging: rows of the processes */
    sg_gp_work **gw;              /* kriging: (n_out) one per process */
    double *qt, *qu;              /* quadratic: (terms) a point's terms, the kept ones */
    size_t n_terms;               /* quadratic: the terms they hold */
};

void sg_model_work_destroy(sg_model_work *w)
{
    if (!w)
        return;
    sg_mlp_work_destroy(w->net);
    for (size_t j = 0; w->cnet && j < w->n_out; j++)
        sg_mlp_work_destroy(w->cnet[j]);
    free(w->cnet);
    free(w->cp);
    free(w->cps);
    free(w->cg);
    free(w->pm);
    free(w->ps);
    if (w->gw)
        for (size_t j = 0; j < w->n_out; j++)
            sg_gp_work_destroy(w->gw[j]);
    free(w->gw);
    free(w->qt);
    free(w->qu);
    free(w->bx);
    free(w->bg);
    free(w->gsum);
    free(w->bout);
    free(w->by);
    free(w);
}

sg_status sg_model_work_create(const sg_model *m, sg_model_work **out, sg_error *err)
{
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "model workspace: no output");
    *out = NULL;
    if (!m)
        return sg_error_set(err, SG_ERR_INVALID, "model workspace: no model");
    sg_model_work *w = calloc(1, sizeof *w);
    if (!w)
        return sg_error_set(err, SG_ERR_NOMEM, "model workspace: out of memory");
    w->n_in = m->n_in;
    w->n_out = m->n_out;
    w->ensemble = m->spec.ensemble;
    w->n_feat = m->n_feat;
    w->bx = calloc(m->n_feat, sizeof *w->bx);
    w->bg = calloc(m->n_feat, sizeof *w->bg);
    w->gsum = calloc(m->n_feat, sizeof *w->gsum);
    w->bout = calloc(m->spec.ensemble * m->n_out, sizeof *w->bout);
    w->by = calloc(m->n_out > SG_MODEL_MAX_CLASSES ? m->n_out : SG_MODEL_MAX_CLASSES,
                   sizeof *w->by);
    w->cnet = calloc(m->n_out, sizeof *w->cnet);
    w->cp = calloc(SG_MODEL_MAX_CLASSES, sizeof *w->cp);
    w->cps = calloc(SG_MODEL_MAX_CLASSES, sizeof *w->cps);
    w->cg = calloc(SG_MODEL_MAX_CLASSES * m->n_feat, sizeof *w->cg);
    w->pm = calloc(m->n_out, sizeof *w->pm);
    w->ps = calloc(m->n_out, sizeof *w->ps);
    if (!w->pm || !w->ps || !w->bx || !w->bg || !w->gsum || !w->bout || !w->by || !w->cnet || !w->cp || !w->cps ||
        !w->cg) {
        sg_model_work_destroy(w);
        return sg_error_set(err, SG_ERR_NOMEM, "model workspace: out of memory");
    }
    w->type = m->type;
    w->n_rows = m->n_rows;
    sg_status st = SG_OK;
    if (m->type == SG_MODEL_GP) {
        if (!(w->gw = calloc(m->n_out, sizeof *w->gw)))
            st = sg_error_set(err, SG_ERR_NOMEM, "model workspace: out of memory");
        for (size_t j = 0; j < m->n_out && st == SG_OK; j++)
            st = sg_gp_work_create(m->gp[j], &w->gw[j], err);
    } else if (m->type == SG_MODEL_QUAD) {
        w->n_terms = sg_model__quad_terms(m);
        w->qt = calloc(w->n_terms + 1, sizeof *w->qt);
        w->qu = calloc(w->n_terms + 1, sizeof *w->qu);
        if (!w->qt || !w->qu)
            st = sg_error_set(err, SG_ERR_NOMEM, "model workspace: out of memory");
    } else {
        /* the one-output nets share a workspace; a softmax net has its own */
        const sg_mlp *one = NULL;
        for (size_t j = 0; j < m->n_nets && st == SG_OK; j++) {
            if (!m->spec.shared && sg_model_is_class(m, j))
                st = sg_mlp_work_create(m->nets[j * m->spec.ensemble], 1, &w->cnet[j], err);
            else if (!one)
                one = m->nets[j * m->spec.ensemble];
        }
        if (st == SG_OK && one)
            st = sg_mlp_work_create(one, 1, &w->net, err);
    }
    if (st != SG_OK) {
        sg_model_work_destroy(w);
        return st;
    }
    *out = w;
    return SG_OK;
}

static bool work_fits(const sg_model *m, const sg_model_work *w)
{
    if (w->type != m->type || w->n_in != m->n_in || w->n_feat != m->n_feat ||
        w->n_out != m->n_out)
        return false;
    if (m->type == SG_MODEL_GP)
        return w->n_rows == m->n_rows;
    if (m->type == SG_MODEL_QUAD)
        return w->n_terms >= sg_model__quad_terms(m);
    if (w->ensemble != m->spec.ensemble)
        return false;
    for (size_t j = 0; j < m->n_nets; j++) {
        const sg_mlp *net = m->nets[j * m->spec.ensemble];
        bool cls = !m->spec.shared && sg_model_is_class(m, j);
        if (!sg_mlp_work_matches(net, cls ? w->cnet[j] : w->net))
            return false;
    }
    return true;
}

/* Members' mean softmax probabilities of class response j at the encoded,
 * scaled point w->bx into w->cp, their standard deviations into sd (may be
 * NULL).  Returns k. */
static size_t class_proba(const sg_model *m, sg_model_work *w, size_t j, double *sd)
{
    size_t E = m->spec.ensemble, k = sg_model_n_classes(m, j);
    for (size_t c = 0; c < k; c++)
        w->cp[c] = w->cps[c] = 0.0;
    for (size_t e = 0; e < E; e++) {
        const sg_mlp *net = m->nets[j * E + e];
        sg_mlp_eval(net, w->cnet[j], w->bx, w->by);
        double mx = w->by[0], se = 0.0;
        for (size_t c = 1; c < k; c++)
            mx = w->by[c] > mx ? w->by[c] : mx;
        for (size_t c = 0; c < k; c++)
            se += exp(w->by[c] - mx);
        for (size_t c = 0; c < k; c++) {
            double p = exp(w->by[c] - mx) / se;
            w->cp[c] += p;
            w->cps[c] += p * p;
        }
    }
    for (size_t c = 0; c < k; c++) {
        double mu = w->cp[c] / (double)E;
        double var = E > 1 ? (w->cps[c] - (double)E * mu * mu) / (double)(E - 1) : 0.0;
        w->cp[c] = mu;
        if (sd)
            sd[c] = var > 0 ? sqrt(var) : 0.0;
    }
    return k;
}

/* Index of the largest of v (n); the first on a tie. */
static size_t argmax(const double *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

void sg_model_predict(const sg_model *m, sg_model_work *w, const double *x, double *mean,
                      double *sd)
{
    size_t E = m->spec.ensemble, no = m->n_out;
    if (m->type == SG_MODEL_QUAD) {
        for (size_t j = 0; j < no; j++)
            sg_model__quad_predict(m, j, x, w->qt, w->qu, &mean[j], sd ? &sd[j] : NULL);
        return;
    }
    sg_model__encode(&m->spec, m->n_in, x, w->bx);
    if (m->type == SG_MODEL_GP) {
        /* spread = the predictive sd of the latent mean */
        for (size_t j = 0; j < no; j++) {
            double var = 0.0;
            sg_gp_predict(m->gp[j], w->gw[j], w->bx, &mean[j], sd ? &var : NULL, NULL);
            if (sd)
                sd[j] = var > 0 ? sqrt(var) : 0.0;
            if (sg_model__is_log_y(&m->spec, j)) { /* 10^mu, its sd to first order */
                mean[j] = pow(10.0, mean[j]);
                if (sd)
                    sd[j] *= mean[j] * log(10.0);
            }
        }
        return;
    }
    sg_scaler_forward(m->xs, w->bx);
    /* bout[k * n_out + j]: member k's scaled prediction of response j. */
    for (size_t j = 0; j < m->n_nets; j++) {
        if (!m->spec.shared && sg_model_is_class(m, j))
            continue; /* below */
        for (size_t k = 0; k < E; k++) {
            sg_mlp_eval(m->nets[j * E + k], w->net, w->bx, w->by);
            if (m->spec.shared)
                memcpy(w->bout + k * no, w->by, no * sizeof *w->by);
            else
                w->bout[k * no + j] = w->by[0];
        }
    }
    for (size_t j = 0; j < no; j++) {
        if (sg_model_is_class(m, j) && m->focus[j] != SIZE_MAX) { /* P(focus) */
            class_proba(m, w, j, w->cps);
            mean[j] = w->cp[m->focus[j]];
            if (sd)
                sd[j] = w->cps[m->focus[j]];
            continue;
        }
        if (sg_model_is_class(m, j)) { /* the most probable code */
            mean[j] = (double)argmax(w->cp, class_proba(m, w, j, NULL));
            if (sd)
                sd[j] = 0.0;
            continue;
        }
        if (m->trend) { /* the networks learnt what the linear trend leaves */
            double t = trend_at(m, j, w->bx);
            for (size_t k = 0; k < E; k++)
                w->bout[k * no + j] += t;
        }
        if (sg_model_is_binary(m, j))
            for (size_t k = 0; k < E; k++)
                w->bout[k * no + j] = sg_logistic(w->bout[k * no + j]);
        /* on a log scale each member's value goes to the response's unit
         * (10^ of it) before their mean and sample sd; else the (affine)
         * unscaling is applied to those */
        double wy = sg_scaler_dinverse(m->ys, j), sh = m->ys->shift[j];
        if (sg_model__is_log_y(&m->spec, j)) {
            for (size_t k = 0; k < E; k++)
                w->bout[k * no + j] = pow(10.0, w->bout[k * no + j] * wy + sh);
            wy = 1.0;
            sh = 0.0;
        }
        double mu = 0.0;
        for (size_t k = 0; k < E; k++)
            mu += w->bout[k * no + j];
        mu /= (double)E;
        double ss = 0.0;
        for (size_t k = 0; k < E; k++) {
            double d = w->bout[k * no + j] - mu;
            ss += d * d;
        }
        mean[j] = mu * wy + sh;
        if (sd)
            sd[j] = E > 1 ? sqrt(ss / (double)(E - 1)) * wy : 0.0;
    }
}

sg_status sg_model_predict_batch(const sg_model *m, sg_model_work *w, const double *X, size_t n,
                                 double *Mean, double *Sd, sg_error *err)
{
    if (!m || !w || (!X && n) || (!Mean && n))
        return sg_error_set(err, SG_ERR_INVALID, "predict: missing argument");
    if (!work_fits(m, w))
        return sg_error_set(err, SG_ERR_INVALID,
                            "predict: the workspace was made for a model of another shape");
    for (size_t r = 0; r < n; r++) {
        if (!all_finite(X + r * m->n_in, m->n_in))
            return sg_error_set(err, SG_ERR_INVALID, "predict: point %zu is not finite", r + 1);
        if (sg_model_check_point(m, X + r * m->n_in, err) != SG_OK) {
            char at[48];
            snprintf(at, sizeof at, "predict: point %zu", r + 1);
            sg_error_prefix(err, at);
            return SG_ERR_INVALID;
        }
        sg_model_predict(m, w, X + r * m->n_in, Mean + r * m->n_out,
                         Sd ? Sd + r * m->n_out : NULL);
        if (!all_finite(Mean + r * m->n_out, m->n_out) || (Sd && !all_finite(Sd + r * m->n_out, m->n_out)))
            return sg_error_set(err, SG_ERR_NUMERIC,
                                "predict: the prediction at point %zu is not finite (the point "
                                "lies too far outside the factor bounds)",
                                r + 1);
    }
    return SG_OK;
}

void sg_model_gradient(const sg_model *m, sg_model_work *w, const double *x, size_t j,
                       double *mean, double *grad)
{
    size_t E = m->spec.ensemble;
    size_t net = m->spec.shared ? 0 : j, out = m->spec.shared ? j : 0;
    size_t nf = m->n_feat;
    if (sg_model_is_class(m, j) && m->focus[j] != SIZE_MAX) {
        sg_model_gradient_proba(m, w, x, j, m->focus[j], mean, grad);
        return;
    }
    if (sg_model_is_class(m, j)) { /* a code has no slope: see sg_model_gradient_proba */
        if (mean) {
            sg_model__encode(&m->spec, m->n_in, x, w->bx);
            sg_scaler_forward(m->xs, w->bx);
            *mean = (double)argmax(w->cp, class_proba(m, w, j, NULL));
        }
        for (size_t i = 0; i < m->n_in; i++)
            grad[i] = 0.0;
        return;
    }
    if (m->type == SG_MODEL_QUAD) {
        double mu = sg_model__quad_gradient(m, j, x, grad);
        if (mean)
            *mean = mu;
        return;
    }
    sg_model__encode(&m->spec, m->n_in, x, w->bx);
    if (m->type == SG_MODEL_GP) {
        double mu;
        sg_gp_gradient(m->gp[j], w->gw[j], w->bx, &mu, w->gsum);
        if (sg_model__is_log_y(&m->spec, j)) { /* d 10^mu = 10^mu ln 10 d mu */
            mu = pow(10.0, mu);
            for (size_t i = 0; i < nf; i++)
                w->gsum[i] *= mu * log(10.0);
        }
        if (mean)
            *mean = mu;
        sg_model__decode_grad(&m->spec, m->n_in, x, w->gsum, grad);
        return;
    }
    sg_scaler_forward(m->xs, w->bx);
    for (size_t i = 0; i < nf; i++)
        w->gsum[i] = 0.0;
    double mu = 0.0, wy = sg_scaler_dinverse(m->ys, j), sh = m->ys->shift[j];
    bool lg = sg_model__is_log_y(&m->spec, j);
    for (size_t k = 0; k < E; k++) {
        sg_mlp_eval_grad(m->nets[net * E + k], w->net, w->bx, out, w->by, w->bg);
        if (m->trend) { /* the linear trend and its slopes */
            w->by[out] += trend_at(m, j, w->bx);
            for (size_t i = 0; i < nf; i++)
                w->bg[i] += m->trend[j * (nf + 1) + 1 + i];
        }
        double y = w->by[out], dy = 1.0;
        if (sg_model_is_binary(m, j)) { /* d sigma(z) = sigma (1 - sigma) dz */
            y = sg_logistic(y);
            dy = y * (1.0 - y);
        }
        if (lg) { /* the member's 10^(y wy + shift): d = 10^(.) ln 10 wy dy */
            y = pow(10.0, y * wy + sh);
            dy = y * log(10.0) * wy;
        }
        mu += y;
        for (size_t i = 0; i < nf; i++)
            w->gsum[i] += dy * w->bg[i];
    }
    if (lg) /* already in the response's unit */
        wy = 1.0, sh = 0.0;
    for (size_t i = 0; i < nf; i++)
        w->gsum[i] = w->gsum[i] / (double)E * wy * sg_scaler_dforward(m->xs, i);
    sg_model__decode_grad(&m->spec, m->n_in, x, w->gsum, grad);
    if (mean)
        *mean = mu / (double)E * wy + sh;
}

size_t sg_model_predict_proba(const sg_model *m, sg_model_work *w, const double *x, size_t j,
                              double *P, double *Psd)
{
    size_t k = sg_model_n_classes(m, j);
    if (k == 2) {
        sg_model_predict(m, w, x, w->pm, w->ps);
        P[0] = 1.0 - w->pm[j];
        P[1] = w->pm[j];
        if (Psd)
            Psd[0] = Psd[1] = w->ps[j];
        return 2;
    }
    if (k < 3 || m->type != SG_MODEL_MLP)
        return 0;
    sg_model__encode(&m->spec, m->n_in, x, w->bx);
    sg_scaler_forward(m->xs, w->bx);
    class_proba(m, w, j, Psd);
    memcpy(P, w->cp, k * sizeof *P);
    return k;
}

bool sg_model_gradient_proba(const sg_model *m, sg_model_work *w, const double *x, size_t j,
                             size_t c, double *p, double *grad)
{
    size_t k = sg_model_n_classes(m, j), E = m->spec.ensemble, nf = m->n_feat;
    if (k < 2 || c >= k || m->type != SG_MODEL_MLP)
        return false;
    if (k == 2) {
        double mu;
        sg_model_gradient(m, w, x, j, &mu, grad);
        if (c == 0)
            for (size_t i = 0; i < m->n_in; i++)
                grad[i] = -grad[i];
        if (p)
            *p = c == 0 ? 1.0 - mu : mu;
        return true;
    }
    sg_model__encode(&m->spec, m->n_in, x, w->bx);
    sg_scaler_forward(m->xs, w->bx);
    for (size_t i = 0; i < nf; i++)
        w->gsum[i] = 0.0;
    double mu = 0.0;
    for (size_t e = 0; e < E; e++) {
        const sg_mlp *net = m->nets[j * E + e];
        for (size_t l = 0; l < k; l++) /* d z_l / d inputs, each logit in turn */
            sg_mlp_eval_grad(net, w->cnet[j], w->bx, l, w->by, w->cg + l * nf);
        double mx = w->by[0], se = 0.0;
        for (size_t l = 1; l < k; l++)
            mx = w->by[l] > mx ? w->by[l] : mx;
        for (size_t l = 0; l < k; l++)
            se += exp(w->by[l] - mx);
        /* d p_c = p_c (d z_c - sum_l p_l d z_l) */
        double pc = exp(w->by[c] - mx) / se;
        mu += pc;
        for (size_t i = 0; i < nf; i++) {
            double avg = 0.0;
            for (size_t l = 0; l < k; l++)
                avg += exp(w->by[l] - mx) / se * w->cg[l * nf + i];
            w->gsum[i] += pc * (w->cg[c * nf + i] - avg);
        }
    }
    for (size_t i = 0; i < nf; i++)
        w->gsum[i] = w->gsum[i] / (double)E * sg_scaler_dforward(m->xs, i);
    sg_model__decode_grad(&m->spec, m->n_in, x, w->gsum, grad);
    if (p)
        *p = mu / (double)E;
    return true;
}

sg_status sg_model_set_calibration(sg_model *m, size_t j, const sg_model_calibration *c,
                                   sg_error *err)
{
    if (!m || j >= m->n_out)
        return sg_error_set(err, SG_ERR_INVALID, "calibration: response index out of range");
    if (!c) {
        m->has_calib[j] = false;
        return SG_OK;
    }
    size_t len = strnlen(c->cv, sizeof c->cv);
    if (!(c->level > 0 && c->level < 1) || !isfinite(c->half_width) || c->half_width < 0 ||
        (c->spread_factor_ok && (!isfinite(c->spread_factor) || c->spread_factor < 0)) ||
        c->q2 > 1 || isinf(c->q2) ||
        len == 0 || len >= sizeof c->cv)
        return sg_error_set(err, SG_ERR_INVALID,
                            "calibration of %s: level must be in (0, 1), half-width and spread "
                            "factor finite and >= 0, Q2 at most 1, and the cross-validation named",
                            m->rname[j]);
    m->calib[j] = *c;
    if (!c->spread_factor_ok)
        m->calib[j].spread_factor = 0.0;
    m->has_calib[j] = true;
    return SG_OK;
}

const sg_model_calibration *sg_model_calibration_of(const sg_model *m, size_t j)
{
    return m && j < m->n_out && m->has_calib[j] ? &m->calib[j] : NULL;
}
