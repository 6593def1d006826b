/* fit.c — the fit pipeline: model, training metrics, baseline, CV, gates. */
#include "model/fit.h"
#include "model/regularize.h"
#include "model/model_internal.h"
#include "model/scale.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/num.h"
#include "model/window.h"

sg_fit_options sg_fit_options_defaults(void)
{
    sg_fit_options o;
    memset(&o, 0, sizeof o);
    o.cv = true;
    return o;
}

/* ---- settings hash -------------------------------------------------------- */

static uint64_t h_str(uint64_t h, const char *s)
{
    if (!s)
        s = "";
    return sg_hash_fnv1a64(s, strlen(s) + 1, h); /* NUL separates fields */
}

static uint64_t h_num(uint64_t h, double v)
{
    char buf[40];
    sg_num_snprintf(buf, sizeof buf, "%.17g", v);
    return h_str(h, buf);
}

void sg_fit_settings_hash(const sg_study *s, const sg_study_model *m, char out[17])
{
    uint64_t h = SG_HASH_FNV1A64_INIT;
    h = h_str(h, "surrogate-fit-settings-1");
    h = h_num(h, (double)s->seed);
    h = h_str(h, s->data_file);
    for (size_t i = 0; i < s->n_factors; i++) {
        const sg_factor *f = &s->factors[i];
        h = h_str(h, "factor");
        h = h_str(h, f->name);
        h = h_str(h, f->column);
        h = h_str(h, f->unit);
        h = h_num(h, f->min);
        h = h_num(h, f->max);
        h = h_num(h, f->step);
        if (f->scale != SG_FACTOR_SCALE_AUTO) /* the default leaves older hashes alone */
            h = h_num(h, (double)f->scale);
        for (size_t k = 0; k < f->n_levels; k++)
            h = h_num(h, f->levels[k]);
        for (size_t k = 0; f->categorical && k < f->n_levels; k++)
            h = h_str(h, f->labels[k]);
    }
    for (size_t j = 0; j < s->n_responses; j++) {
        const sg_response *r = &s->responses[j];
        h = h_str(h, "response");
        h = h_str(h, r->name);
        h = h_str(h, r->column);
        h = h_str(h, r->unit);
        if (r->kind != SG_RESPONSE_NUMBER)
            h = h_str(h, sg_response_kind_name(r->kind));
        if (r->log_scale) /* linear leaves older hashes alone */
            h = h_str(h, "log");
        for (size_t k = 0; k < r->n_labels; k++)
            h = h_str(h, r->labels[k]);
    }
    const sg_model_spec *sp = &m->spec;
    const sg_train_config *c = &sp->train;
    h = h_str(h, "model");
    for (size_t i = 0; i < sp->n_hidden; i++)
        h = h_num(h, (double)sp->hidden[i]);
    h = h_str(h, sg_activation_name(sp->hidden_act));
    h = h_str(h, sg_activation_name(sp->output_act));
    h = h_num(h, (double)sp->init);
    h = h_str(h, sg_scale_kind_name(sp->x_scale));
    h = h_str(h, sg_scale_kind_name(sp->y_scale));
    h = h_num(h, (double)sp->ensemble);
    h = h_num(h, sp->shared);
    h = h_num(h, sp->relevance);
    if (sp->type != SG_MODEL_MLP) /* absent for mlp: hashes of older studies stay */
        h = h_str(h, sg_model_type_name(sp->type));
    h = h_str(h, "train");
    h = h_str(h, sp->optimizer_auto ? "auto" : sg_optimizer_name(c->optimizer));
    double nums[] = {c->learning_rate, (double)c->epochs, (double)c->batch_size, c->momentum,
                     c->nesterov, c->beta1, c->beta2, c->epsilon, c->rho, c->l1, c->l2,
                     c->early_stopping.enabled, c->early_stopping.min_delta,
                     (double)c->early_stopping.patience, c->early_stopping.restore_best,
                     c->lbfgs_gtol, c->lbfgs_step, c->lbfgs_line_tol};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        h = h_num(h, nums[i]);
    /* only when they differ from the defaults: hashes of older studies stay */
    if (c->lr_patience > 0)
        h = h_num(h_str(h, "lr_patience"), (double)c->lr_patience);
    if (sp->val_share > 0)
        h = h_num(h_str(h, "validation_share"), sp->val_share);
    if (sp->size_auto != SG_SIZE_AUTO_ALL)
        h = h_num(h_str(h, "size_auto"), (double)sp->size_auto);
    char plan[64];
    sg_cv_spec_format(&m->cv.plan, plan, sizeof plan);
    h = h_str(h, plan);
    h = h_num(h, m->cv.level);
    h = h_num(h, m->cv.outlier_z);
    h = h_num(h, m->cv.outlier_range_frac);
    sg_hash_hex(h, out);
}

/* ---- duplicates --------------------------------------------------------- */

/* Each factor's data against the study's bounds (fit.h, span). */
static sg_status factor_spans(const sg_study *study, const sg_table *t, sg_fit_result *r,
                              sg_error *err)
{
    r->span = calloc(r->n_in, sizeof *r->span);
    r->span_warning = calloc(r->n_in, sizeof *r->span_warning);
    if (!r->span || !r->span_warning)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < r->n_in; i++) {
        const sg_factor *f = &study->factors[i];
        r->span[i] = sg_check_factor_span(t, i, f->min, f->max);
        r->n_span_warnings +=
            !f->categorical && sg_check_factor_span_message(&r->span[i], f->name, f->unit, f->min,
                                                            f->max, r->n_rows, r->span_warning[i],
                                                            sizeof r->span_warning[i]);
    }
    return SG_OK;
}

/* A column on a log scale needs every run's value above 0 (non-finite
 * values are not runs): the first that is not, by file line and column;
 * what is "factor" or "response". */
static sg_status check_log_column(const sg_table *t, size_t col, const char *what,
                                  const char *name, sg_error *err)
{
    for (size_t k = 0; k < t->n_rows; k++) {
        double v = sg_table_at(t, k, col);
        if (isfinite(v) && !(v > 0))
            return sg_error_set(err, SG_ERR_INVALID,
                                "%s:%d: column '%s' holds %g, but %s '%s' has scale = \"log\", "
                                "which needs %s above 0",
                                t->path, t->line ? t->line[k] : (int)(k + 1), t->col_names[col],
                                v, what, name, col < t->n_factors ? "settings" : "values");
    }
    return SG_OK;
}

/* Step 0: each numeric factor's scale in the models: the study's, or with
 * scale = "auto" the log when the runs are spaced by ratios over at least
 * a decade and the window is above 0 (sg_scale_log_spaced).  A factor or
 * response the study puts on a log scale needs every run above 0: the
 * first that is not is an error naming its line. */
static sg_status choose_scales(const sg_study *study, const sg_table *t, const double *X,
                               sg_study_model *chosen, sg_fit_result *r, double *work,
                               sg_error *err)
{
    size_t n = r->n_rows, d = r->n_in;
    if (!(r->scale = calloc(d, sizeof *r->scale)))
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t j = 0; j < study->n_responses; j++) {
        const sg_response *re = &study->responses[j];
        sg_status st = re->log_scale ? check_log_column(t, d + j, "response", re->name, err)
                                     : SG_OK;
        if (st != SG_OK)
            return st;
    }
    for (size_t i = 0; i < d; i++) {
        const sg_factor *f = &study->factors[i];
        sg_fit_scale *sc = &r->scale[i];
        if (f->categorical)
            continue;
        bool spaced = sg_scale_log_spaced(X + i, n, d, work, &sc->decades);
        if (f->scale == SG_FACTOR_SCALE_LOG) {
            sg_status st = check_log_column(t, i, "factor", f->name, err);
            if (st != SG_OK)
                return st;
            sc->log = true;
            continue;
        }
        if (f->scale != SG_FACTOR_SCALE_AUTO || !spaced)
            continue;
        if (i >= SG_MODEL_MAX_CATEGORICAL || !(f->min > 0)) {
            sg_num_snprintf(sc->note, sizeof sc->note,
                            "factor %.60s: its runs are spaced by ratios over %.1f decades, "
                            "but the models see it on a linear scale: a log scale needs min "
                            "above 0 (min = %g)",
                            f->name, sc->decades, f->min);
            continue;
        }
        sc->log = sc->automatic = true;
        chosen->spec.log_scale[i] = true;
        sg_num_snprintf(sc->note, sizeof sc->note,
                        "factor %.60s is modelled on a log scale: its runs span %.1f decades "
                        "and are spaced more evenly by ratios than by differences (scale = "
                        "\"linear\" in its [[factor]] keeps it linear)",
                        f->name, sc->decades);
    }
    return SG_OK;
}

static sg_status find_duplicates(const double *X, const double *Y, sg_fit_result *r,
                                 sg_error *err)
{
    sg_status st = SG_OK;
    r->dups = malloc(SG_FIT_MAX_DUPLICATES * sizeof *r->dups);
    if (!r->dups)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    r->n_dups = sg_duplicates_find(X, r->n_in, Y, r->n_out, r->n_rows, r->dups,
                                   SG_FIT_MAX_DUPLICATES, &st);
    if (st != SG_OK)
        return sg_error_set(err, st, "out of memory");
    r->n_dups_listed = r->n_dups < SG_FIT_MAX_DUPLICATES ? r->n_dups : SG_FIT_MAX_DUPLICATES;
    return SG_OK;
}

/* ---- progress adapters ---------------------------------------------------- */

typedef struct prog {
    sg_fit_progress_fn fn;
    void *user;
    sg_fit_progress p;
    size_t ensemble;
    double *frac; /* (n_members) share of each member's epochs done */
} prog;

/* Called by the model's training threads one at a time (model.c serialises
 * them): members finish in any order, so progress is the sum of shares. */
static void model_progress(void *user, size_t response, size_t member, const sg_train_info *info)
{
    prog *g = user;
    size_t idx = (response == SG_MODEL_ALL_RESPONSES ? 0 : response) * g->ensemble + member;
    if (g->frac && idx < g->p.n_members) {
        double share = info->done ? 1.0
                                  : (double)info->epoch / (double)(g->p.max_epochs ? g->p.max_epochs : 1);
        g->frac[idx] = share < 1.0 ? share : 1.0;
        double sum = 0.0;
        size_t done = 0;
        for (size_t k = 0; k < g->p.n_members; k++) {
            sum += g->frac[k];
            done += g->frac[k] >= 1.0;
        }
        g->p.train_fraction = sum / (double)g->p.n_members;
        g->p.members_done = done;
    }
    g->p.phase = SG_FIT_PHASE_TRAIN;
    g->p.response = response;
    g->p.member = member;
    g->p.epoch = info->epoch;
    g->p.loss = info->train_loss;
    g->fn(g->user, &g->p);
}

static void cv_progress(void *user, size_t done, size_t n_folds)
{
    prog *g = user;
    g->p.phase = SG_FIT_PHASE_CV;
    g->p.folds_done = done;
    g->p.n_folds = n_folds;
    g->fn(g->user, &g->p);
}

/* ---- the pipeline ------------------------------------------------------- */

sg_model *sg_fit_take_model(sg_fit_result *r)
{
    sg_model *m = r ? r->model : NULL;
    if (r)
        r->model = NULL;
    return m;
}

void sg_fit_result_destroy(sg_fit_result *r)
{
    if (!r)
        return;
    sg_model_destroy(r->model);
    free(r->train);
    free(r->rsm_train);
    free(r->rsm_ok);
    free(r->rsm_note);
    if (r->rsm)
        for (size_t j = 0; j < r->n_out; j++)
            sg_rsm_destroy(r->rsm[j]);
    free(r->rsm);
    sg_cv_result_destroy(r->cv);
    free(r->cmp);
    free(r->notes);
    free(r->span);
    free(r->span_warning);
    free(r->scale);
    free(r->gates);
    free(r->dups);
    free(r);
}

/* Baseline on every row: training metrics (failures are notes, not errors).
 * The factors and the response enter as spec's models see them
 * (sg_model__rsm_kinds, a log-scale response as log10).  pred: n doubles. */
static sg_status fit_baseline(const sg_table *t, const sg_model_spec *spec, size_t n_in,
                              size_t j, sg_fit_result *r, double *pred, sg_error *err)
{
    sg_error e;
    sg_error_clear(&e);
    size_t n = t->n_rows;
    sg_rsm_factor *kinds = malloc(n_in * sizeof *kinds);
    if (!kinds)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    sg_model__rsm_kinds(spec, n_in, kinds);
    for (size_t i = 0; i < n_in; i++) { /* its notes name a category's indicators by name */
        size_t nl = 0;
        char *const *labels = sg_model_factor_labels(r->model, i, &nl);
        kinds[i].labels = labels && nl == kinds[i].levels ? labels : NULL;
    }
    sg_model__rsm_response(spec, j, t->x + n_in + j, t->n_cols, n, pred);
    sg_status fs = sg_rsm_fit_factors(t->x, t->n_cols, n_in, kinds, pred, 1, NULL, n, &r->rsm[j],
                                      &e);
    free(kinds);
    if (fs != SG_OK) {
        if (e.status == SG_ERR_NOMEM)
            return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        snprintf(r->rsm_note[j], sizeof r->rsm_note[j], "%.250s", e.msg);
        return SG_OK;
    }
    for (size_t i = 0; i < n; i++)
        pred[i] = sg_model__rsm_unit(spec, j, sg_rsm_predict(r->rsm[j], t->x + i * t->n_cols));
    if (sg_metrics_compute(t->x + n_in + j, t->n_cols, pred, 1, n, &r->rsm_train[j], &e) !=
        SG_OK) {
        snprintf(r->rsm_note[j], sizeof r->rsm_note[j], "%.250s", e.msg);
        sg_rsm_destroy(r->rsm[j]);
        r->rsm[j] = NULL;
        return SG_OK;
    }
    /* a reduced form says which; a rank warning follows */
    const sg_rsm *q = r->rsm[j];
    const char *form = sg_rsm_form_of(q) == SG_RSM_FULL ? "" : sg_rsm_description(q);
    const char *names[SG_STUDY_MAX_FACTORS];
    for (size_t f = 0; f < n_in && f < SG_STUDY_MAX_FACTORS; f++)
        names[f] = sg_model_factor_name(r->model, f);
    char warn[512];
    sg_rsm_warning_named(q, names, warn, sizeof warn);
    snprintf(r->rsm_note[j], sizeof r->rsm_note[j], "%.200s%s%.250s", form,
             form[0] && warn[0] ? "; " : "", warn);
    r->rsm_ok[j] = true;
    return SG_OK;
}

/* The next note of r (its message still to be written). */
static sg_fit_note *add_note(sg_fit_result *r, sg_fit_note_kind kind, size_t response,
                             double value, double reference)
{
    sg_fit_note *t = &r->notes[r->n_notes++];
    t->kind = kind;
    t->response = response;
    t->value = value;
    t->reference = reference;
    return t;
}

/* A pass/fail response needs both outcomes among the usable rows. */
static sg_status check_outcomes(const sg_study *s, const sg_table *t, sg_error *err)
{
    for (size_t j = 0; j < s->n_responses; j++) {
        const sg_response *rs = &s->responses[j];
        if (rs->kind == SG_RESPONSE_NUMBER)
            continue;
        size_t c = s->n_factors + j, first = 0;
        double v0 = sg_table_at(t, 0, c);
        for (size_t i = 1; i < t->n_rows && !first; i++)
            first = sg_table_at(t, i, c) != v0 ? i : 0;
        if (first)
            continue;
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(rs->table, "name"),
                                "response '%s' is \"%s\" in every one of the %zu usable rows of "
                                "%s: a model cannot tell settings apart by an outcome that never "
                                "changes; add runs with another outcome",
                                rs->name, rs->labels[(size_t)v0], t->n_rows, t->path);
    }
    return SG_OK;
}

/* The comparison kriging's rms log10 error of a log-scale response, from
 * its per-row held-out residuals ref (n_rows, n_out; NULL: unknown). */
static void kriging_log_rmse(sg_fit_result *r, const double *Y, const double *ref)
{
    for (size_t j = 0; j < r->n_out; j++) {
        sg_fit_compare *c = &r->cmp[j];
        c->gp_log_rmse = NAN;
        if (!ref || !c->gp_ok || !sg_model_response_is_log(r->model, j))
            continue;
        double ss = 0.0;
        size_t m = 0;
        for (size_t i = 0; i < r->n_rows; i++) {
            double y = Y[i * r->n_out + j], e = ref[i * r->n_out + j];
            if (isfinite(e) && y > 0 && y - e > 0) {
                ss += pow(log10(y / (y - e)), 2);
                m++;
            }
        }
        if (m)
            c->gp_log_rmse = sqrt(ss / (double)m);
    }
}

/* Kriging's expected RMSE anywhere in the window beside the network's: its
 * own cross-validation as type = "gp" makes it (hyper-parameters refitted
 * per fold, between levels, the window).  Only where the network's window
 * figures exist; NAN where kriging's do not. */
static sg_status kriging_window(const sg_study_model *settings, const double *X,
                                const double *Y, sg_fit_result *r, const char *const *names,
                                sg_error *err)
{
    bool any = false;
    for (size_t j = 0; j < r->n_out; j++) {
        sg_fit_compare *c = &r->cmp[j];
        c->gp_window = NAN;
        if (r->type_requested == SG_MODEL_GP && r->cv->resp[j].window_ok)
            c->gp_window = r->cv->resp[j].window_rmse;
        any = any || (c->gp_ok && (r->type_requested == SG_MODEL_MLP
                                       ? r->cv->resp[j].window_ok
                                       : isfinite(c->net_window)));
    }
    if (r->type_requested == SG_MODEL_GP || !any)
        return SG_OK;
    /* kriging models numbers: its cross-validation takes the numeric
     * responses alone (a pass/fail response beside them would refuse it) */
    size_t col[SG_MODEL_MAX_CATEGORICAL], nk = 0, n = r->n_rows;
    sg_model_spec spec = settings->spec;
    const char *kn[SG_MODEL_MAX_CATEGORICAL];
    for (size_t j = 0; j < r->n_out && j < SG_MODEL_MAX_CATEGORICAL; j++)
        if (sg_model_spec_n_classes(&settings->spec, j) < 2) {
            spec.log_y[nk] = settings->spec.log_y[j];
            spec.classes[nk] = 0;
            kn[nk] = names ? names[j] : NULL;
            col[nk++] = j;
        }
    double *Yk = nk ? malloc(n * nk * sizeof *Yk) : NULL;
    if (nk && !Yk)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < nk; k++)
            Yk[i * nk + k] = Y[i * r->n_out + col[k]];
    spec.type = SG_MODEL_GP;
    spec.n_l2_each = 0; /* the networks' penalties, by the full list of responses */
    sg_cv_options o = settings->cv;
    o.baseline = false;
    o.groups = false; /* only the window figure is read */
    o.window = true;
    sg_cv_result *gc = NULL;
    sg_error e;
    sg_error_clear(&e);
    sg_status st = nk ? sg_cv_run(&spec, &o, r->n_in, nk, X, Yk, n, names ? kn : NULL, NULL,
                                  NULL, &gc, &e)
                      : SG_ERR_INVALID;
    free(Yk);
    if (st == SG_ERR_NOMEM)
        return sg_error_set(err, st, "%s", e.msg);
    for (size_t k = 0; st == SG_OK && k < nk; k++)
        if (r->cmp[col[k]].gp_ok && gc->resp[k].window_ok)
            r->cmp[col[k]].gp_window = gc->resp[k].window_rmse;
    sg_cv_result_destroy(gc);
    return SG_OK; /* a kriging that cannot be cross-validated: the plan's figures */
}

/* Network and kriging CV figures side by side (r->cv done), kriging's
 * window figure beside the network's (compare_notes compares them).  ref (n ×
 * n_out, caller-owned) receives the held-out residuals of the model the
 * fitted one is not (kriging beside a network, the network beside kriging;
 * NaN where not computed), for sg_cv_clear_predicted. */
static sg_status compare(const sg_study_model *settings, const double *X, const double *Y,
                         sg_fit_result *r, const char *const *names, double *ref,
                         sg_error *err)
{
    size_t n_in = r->n_in, n_out = r->n_out, n = r->n_rows;
    sg_status st = SG_OK;
    sg_error e;
    sg_error_clear(&e);
    r->cmp = calloc(n_out, sizeof *r->cmp);
    r->notes = calloc(8 * n_out, sizeof *r->notes);
    sg_metrics *gm = calloc(n_out, sizeof *gm);
    bool ref_is_network = r->type_used != SG_MODEL_MLP;
    for (size_t i = 0; i < n * n_out; i++)
        ref[i] = NAN;
    if (!r->cmp || !r->notes || !gm) {
        free(gm);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    }
    /* the network */
    if (r->type_requested == SG_MODEL_MLP) {
        for (size_t j = 0; j < n_out; j++) {
            r->cmp[j].net = r->cv->resp[j].net;
            r->cmp[j].net_ok = true;
            r->cmp[j].net_log_rmse = r->cv->resp[j].log_interval ? r->cv->resp[j].log_rmse : NAN;
            r->cmp[j].net_window = NAN; /* compare_notes: after the window check */
        }
    } else {
        sg_model_spec spec = settings->spec;
        spec.type = SG_MODEL_MLP;
        sg_cv_options o = settings->cv;
        o.baseline = false;
        o.groups = false; /* only the network's figures are compared */
        sg_cv_result *nc = NULL;
        st = sg_cv_run(&spec, &o, n_in, n_out, X, Y, n, names, NULL, NULL, &nc, &e);
        if (st == SG_ERR_NOMEM) {
            free(gm);
            return sg_error_set(err, st, "%s", e.msg);
        }
        if (st == SG_OK && ref_is_network)
            sg_cv_row_residuals(nc->held_row, nc->n_held, nc->obs, nc->pred, n, n_out, ref);
        for (size_t j = 0; j < n_out; j++) {
            r->cmp[j].net_ok = st == SG_OK;
            r->cmp[j].net_log_rmse = NAN;
            r->cmp[j].net_window = st == SG_OK && nc->resp[j].window_ok
                                       ? nc->resp[j].window_rmse
                                       : NAN;
            if (st == SG_OK && nc->resp[j].log_interval)
                r->cmp[j].net_log_rmse = nc->resp[j].log_rmse;
            if (st == SG_OK)
                r->cmp[j].net = nc->resp[j].net;
            else
                snprintf(r->cmp[j].net_note, sizeof r->cmp[j].net_note, "%.190s", e.msg);
        }
        sg_cv_result_destroy(nc);
        st = SG_OK;
    }
    /* kriging */
    if (r->type_requested == SG_MODEL_GP) {
        snprintf(r->kriging_cv, sizeof r->kriging_cv, "the model's own (refit per fold)");
        for (size_t j = 0; j < n_out; j++) {
            r->cmp[j].gp = r->cv->resp[j].net;
            r->cmp[j].gp_ok = true;
        }
    } else {
        bool closed = false;
        sg_error_clear(&e);
        st = sg_cv_kriging(&settings->cv, &settings->spec, n_in, n_out, X, Y, n, gm, &closed,
                           ref_is_network ? NULL : ref, &e);
        if (st == SG_ERR_NOMEM) {
            free(gm);
            return sg_error_set(err, st, "%s", e.msg);
        }
        snprintf(r->kriging_cv, sizeof r->kriging_cv, "%s",
                 st != SG_OK ? "not run"
                 : closed    ? "leave-one-out, closed form"
                             : "refit per fold");
        for (size_t j = 0; j < n_out; j++) {
            r->cmp[j].gp_ok = st == SG_OK && sg_model_spec_n_classes(&settings->spec, j) < 2;
            if (r->cmp[j].gp_ok)
                r->cmp[j].gp = gm[j];
            else if (st == SG_OK)
                snprintf(r->cmp[j].gp_note, sizeof r->cmp[j].gp_note,
                         "kriging models numbers, not names (pass/fail or classes)");
            else
                snprintf(r->cmp[j].gp_note, sizeof r->cmp[j].gp_note, "%.190s", e.msg);
        }
        st = SG_OK;
    }
    free(gm);
    kriging_log_rmse(r, Y, ref_is_network ? NULL : ref);
    for (size_t j = 0; r->type_requested == SG_MODEL_GP && j < n_out; j++)
        if (r->cv->resp[j].log_interval)
            r->cmp[j].gp_log_rmse = r->cv->resp[j].log_rmse;
    return kriging_window(settings, X, Y, r, names, err);
}

/* A quadratic model's notes: the network or kriging clearly better than
 * it, by the same CV figures (the plan's). */
static void quadratic_notes(sg_fit_result *r, const char *const *names)
{
    for (size_t j = 0; j < r->n_out; j++) {
        const sg_fit_compare *c = &r->cmp[j];
        const sg_cv_response *R = &r->cv->resp[j];
        bool lg = R->log_interval;
        double qe = lg ? R->log_rmse : R->net.rmse;
        const char *other[2] = {"the network", "kriging"}, *type[2] = {"mlp", "gp"};
        bool ok[2] = {c->net_ok, c->gp_ok};
        double oe[2] = {lg ? c->net_log_rmse : c->net.rmse, lg ? c->gp_log_rmse : c->gp.rmse};
        size_t best = ok[1] && (!ok[0] || oe[1] < oe[0]) ? 1 : 0;
        if (!ok[best] || !isfinite(oe[best]) || !(oe[best] < SG_FIT_CLEARLY_BETTER * qe))
            continue;
        char fig[32];
        sg_fit_note *t = add_note(r, SG_FIT_NOTE_MODEL_BETTER, j, oe[best], qe);
        sg_num_snprintf(t->message, sizeof t->message,
                        "%.80s: %s is clearly better than the quadratic (CV %s %s against "
                        "%.4g, %.2f times): the response bends more than a quadratic can; "
                        "consider [model] type = \"%s\"",
                        names[j], other[best], lg ? "rms error in log10" : "RMSE",
                        sg_cv_error_text(fig, sizeof fig, oe[best], lg ? R->log_range : R->range),
                        qe, qe > 0 ? oe[best] / qe : 0.0, type[best]);
    }
}

/* The notes saying when a baseline is clearly better than the network
 * (after compare() and the window check, which may raise the network's
 * window figure); a quadratic model's own notes instead. */
static void compare_notes(sg_fit_result *r, const char *const *names)
{
    if (r->type_used == SG_MODEL_QUAD) {
        quadratic_notes(r, names);
        return;
    }
    /* the model's own figure, as the window check may have raised it */
    for (size_t j = 0; r->type_requested == SG_MODEL_MLP && j < r->n_out; j++)
        r->cmp[j].net_window = r->cv->resp[j].window_ok ? r->cv->resp[j].window_rmse : NAN;
    for (size_t j = 0; j < r->n_out; j++) {
        const sg_fit_compare *c = &r->cmp[j];
        const sg_cv_response *R = &r->cv->resp[j];
        if (!c->net_ok)
            continue;
        double net = c->net.rmse;
        const char *nm = names[j];
        if (R->binary) {
            if (R->rsm_ok && R->cls_rsm.log_loss < SG_FIT_CLEARLY_BETTER * R->cls.log_loss) {
                sg_fit_note *t = add_note(r, SG_FIT_NOTE_QUADRATIC_BETTER, j, R->cls_rsm.log_loss,
                                          R->cls.log_loss);
                sg_num_snprintf(t->message, sizeof t->message,
                                "%.80s: the logistic regression is clearly better than the "
                                "network (CV log-loss %.4g against %.4g)",
                                nm, R->cls_rsm.log_loss, R->cls.log_loss);
            }
            continue;
        }
        const sg_metrics *tr = &r->train[j];
        if (r->type_used == SG_MODEL_MLP && tr->r2_ok && tr->r2 < 1.0 - SG_MODEL_NO_PROGRESS) {
            sg_fit_note *t = add_note(r, SG_FIT_NOTE_NOT_LEARNED, j, tr->r2, 1.0);
            sg_num_snprintf(t->message, sizeof t->message,
                            "%.80s: the network explains only %.0f%% of the response's "
                            "variance on its own training rows (R² %.3f, after a restart): "
                            "either the factors hold little of its variation, or the "
                            "network cannot follow it; compare the kriging and quadratic "
                            "figures, or try wider [model] hidden layers",
                            nm, tr->r2 > 0 ? 100.0 * tr->r2 : 0.0, tr->r2);
        }
        /* a log-scale response: compared in decades, as its interval */
        bool lg = isfinite(c->gp_log_rmse) && isfinite(c->net_log_rmse);
        double ge = lg ? c->gp_log_rmse : c->gp.rmse, ne = lg ? c->net_log_rmse : net;
        /* anywhere in the window where both figures exist: the question the
         * user asks of the model (the plan's figures test the runs' own
         * settings, at a design's corners by extrapolation; doc/model.md) */
        bool win = isfinite(c->gp_window) && isfinite(c->net_window);
        char fig[32], plan[96] = "";
        if (win) {
            sg_num_snprintf(plan, sizeof plan, "; CV %s %s against %.4g",
                            lg ? "rms error in log10" : "RMSE",
                            sg_cv_error_text(fig, sizeof fig, ge, lg ? R->log_range : R->range),
                            ne);
            ge = c->gp_window;
            ne = c->net_window;
        }
        if (c->gp_ok && ge < SG_FIT_CLEARLY_BETTER * ne) {
            sg_fit_note *t = add_note(r, SG_FIT_NOTE_KRIGING_BETTER, j, ge, ne);
            sg_num_snprintf(t->message, sizeof t->message,
                            "%.80s: kriging is clearly better than the network (%s %s %s "
                            "against %.4g, %.2f times%s)%s",
                            nm, win ? "anywhere in the window:" : "CV",
                            win ? (lg ? "expected rms error in log10" : "expected RMSE")
                                : (lg ? "rms error in log10" : "RMSE"),
                            sg_cv_error_text(fig, sizeof fig, ge, lg ? R->log_range : R->range),
                            ne, ne > 0 ? ge / ne : 0.0, plan,
                            r->type_used == SG_MODEL_GP ? "; the model uses kriging"
                            : r->type_requested == SG_MODEL_AUTO
                                ? "; type = \"auto\" chose the network by its own folds (this "
                                  "figure's folds differ: see the type line); type = \"gp\" "
                                  "forces kriging"
                                : "; consider [model] type = \"gp\" or \"auto\"");
        }
        /* the quadratic: a log-scale response in decades too */
        bool lq = isfinite(c->net_log_rmse) && R->log_interval;
        double qe = lq ? R->rsm_log_rmse : R->rsm.rmse, nq = lq ? c->net_log_rmse : net;
        /* on levels, the interpolation figures the gate compares (the
         * network's own: the model's between-levels folds are the network's) */
        bool worse_of = r->cv->n_between && r->type_used == SG_MODEL_MLP && R->rsm_ok;
        if (worse_of)
            sg_cv_baseline_verdict(r->cv, j, &nq, &qe);
        /* no figure is clearly better than a network exact to rounding */
        if (R->rsm_ok && qe < SG_FIT_CLEARLY_BETTER * nq &&
            !sg_cv_is_rounding(nq, lq ? R->log_range : R->range)) {
            sg_fit_note *t = add_note(r, SG_FIT_NOTE_QUADRATIC_BETTER, j, qe, nq);
            sg_num_snprintf(t->message, sizeof t->message,
                            "%.80s: the quadratic response surface is clearly better than the "
                            "network (CV %s%s %s against %.4g, %.2f times): consider [model] "
                            "type = \"quadratic\" (its equation is in 'analyze' and on the "
                            "workbook's Regression sheet)",
                            nm, lq ? "rms error in log10" : "RMSE",
                            worse_of ? ", the worse of leave-one-out and between levels," : "",
                            sg_cv_error_text(fig, sizeof fig, qe, lq ? R->log_range : R->range),
                            nq, nq > 0 ? qe / nq : 0.0);
        }
    }
}

/* With an executor of several processes and a plan of one hold-out fold,
 * the final model and the fold's model train in one map (sg_model_fit_pair):
 * two rounds of members would leave processes idle twice. */
static bool pair_with_holdout(const sg_study_model *settings, size_t n)
{
    const sg_exec *ex = settings->spec.exec;
    if (!ex || ex->n_workers < 2 || settings->spec.type != SG_MODEL_MLP)
        return false;
    return sg_cv_spec_resolve(settings->cv.plan, n).kind == SG_CV_HOLDOUT;
}

static sg_status fit_with_holdout(const sg_study_model *settings, size_t n_in, size_t n_out,
                                  const double *X, const double *Y, size_t n,
                                  const char *const *names, sg_model **final_model,
                                  sg_model **fold_model, sg_error *err)
{
    sg_cv_plan *plan = NULL;
    sg_status st = sg_cv_plan_create(&settings->cv.plan, n, settings->spec.seed, &plan, err);
    if (st != SG_OK)
        return st;
    double *Xtr = malloc(n * n_in * sizeof *Xtr), *Ytr = malloc(n * n_out * sizeof *Ytr);
    unsigned char *held = malloc(n);
    if (!Xtr || !Ytr || !held)
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    if (st == SG_OK) {
        size_t ntr = sg_cv_plan_training_rows(plan, 0, X, n_in, Y, n_out, held, Xtr, Ytr);
        st = sg_model_fit_pair(&settings->spec, n_in, n_out, X, Y, n, Xtr, Ytr, ntr, names,
                               final_model, fold_model, err);
    }
    free(Xtr);
    free(Ytr);
    free(held);
    sg_cv_plan_destroy(plan);
    return st;
}

/* The model's means at the training rows: X (n, n_in) -> Mean (n, n_out). */
static sg_status predict_rows(const sg_model *m, const double *X, size_t n, double *Mean,
                              sg_error *err)
{
    sg_model_work *w = NULL;
    sg_status st = sg_model_work_create(m, &w, err);
    if (st == SG_OK)
        st = sg_model_predict_batch(m, w, X, n, Mean, NULL, err);
    sg_model_work_destroy(w);
    return st;
}

/* One response of a model at points (sg_window_predict_fn). */
typedef struct response_of {
    const sg_model *m;
    size_t j;
    bool log; /* log10 of the prediction (the window of a log-scale response) */
} response_of;

static sg_status predict_response(void *user, const double *P, size_t m, double *out,
                                  sg_error *err)
{
    const response_of *ro = user;
    const sg_model_spec *spec = sg_model_spec_of(ro->m);
    size_t n_in = sg_model_n_in(ro->m), no = sg_model_n_out(ro->m);
    size_t nx = sg_model__n_feat(spec, n_in);
    double *mu = malloc((2 * no + n_in) * sizeof *mu), *x = mu + 2 * no;
    sg_model_work *w = NULL;
    sg_status st = mu ? sg_model_work_create(ro->m, &w, err)
                      : sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t k = 0; st == SG_OK && k < m; k++) {
        /* the window's points are the models' inputs (a log-scale factor's
         * log, a category's 0/1 inputs) */
        sg_model__decode_point(spec, n_in, P + k * nx, x);
        sg_model_predict(ro->m, w, x, mu, mu + no);
        out[k] = ro->log ? log10(mu[ro->j]) : mu[ro->j];
    }
    sg_model_work_destroy(w);
    free(mu);
    return st;
}

sg_status sg_fit_window_check(const sg_model *m, sg_cv_result *cv, const double *gp_rmse,
                              const bool *gp_ok, const double *X, size_t n, size_t n_in,
                              uint64_t seed, sg_error *err)
{
    if (sg_model_type_of(m) == SG_MODEL_GP)
        return SG_OK; /* kriging against itself says nothing */
    size_t no = cv->n_out;
    bool any = false;
    for (size_t j = 0; j < no; j++)
        any = any || cv->resp[j].window_ok;
    if (!any || !cv->window_kriging)
        return SG_OK;
    /* the window as the models see it (window_of in cv.c) */
    const sg_model_spec *spec = sg_model_spec_of(m);
    size_t nx = sg_model__n_feat(spec, n_in);
    double *Xw = malloc(n * nx * sizeof *Xw);
    size_t *names = malloc(nx * sizeof *names);
    if (!Xw || !names) {
        free(Xw);
        free(names);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    }
    sg_model__encode_rows(spec, n_in, X, n, Xw);
    sg_model__input_names(spec, n_in, names);
    sg_status st = SG_OK;
    for (size_t j = 0; j < no && st == SG_OK; j++) {
        if (!cv->resp[j].window_ok || !cv->window_kriging || !gp_ok[j] ||
            !isfinite(gp_rmse[j]))
            continue;
        response_of ro = {m, j, cv->resp[j].log_interval};
        double d;
        sg_error e2;
        const double *kriging = cv->window_kriging + j * SG_WINDOW_POINTS;
        sg_status ws = sg_window_disagreement(Xw, n, nx, names, kriging, predict_response, &ro,
                                              seed, &d, &e2);
        if (ws == SG_ERR_NOMEM)
            st = sg_error_set(err, ws, "%s", e2.msg);
        else if (ws == SG_OK)
            sg_cv_window_floor(cv, j, d, gp_rmse[j]);
    }
    free(Xw);
    free(names);
    return st;
}

/* A positive response spanning this many decades gets a note. */
#define SG_FIT_DECADES_NOTE 2.0

/* Whether response j's smallest values are a zero left by rounding (a
 * simulator's 1e-15 where the quantity is 0): below SG_CV_EXACT_SHARE of
 * its largest hi and at least 6 decades below every other value.  Such a
 * response reaches zero; its logarithm would model the residue. */
static bool zero_to_rounding(const sg_fit_result *r, const double *Y, size_t j, double hi)
{
    double tiny = 0.0, rest = INFINITY;
    for (size_t i = 0; i < r->n_rows; i++) {
        double v = Y[i * r->n_out + j];
        if (v < SG_CV_EXACT_SHARE * hi)
            tiny = fmax(tiny, v);
        else
            rest = fmin(rest, v);
    }
    return tiny > 0 && rest >= 1e6 * tiny;
}

/* A positive response spanning decades (a creep or fatigue life): every
 * figure is in its unit, so its largest values dominate the errors, the
 * one-width interval and the suspicious-run check.  Its logarithm, as a
 * column of the data, is usually modelled far better: say so. */
static void decades_notes(sg_fit_result *r, const double *Y, const char *const *names)
{
    const sg_model_spec *spec = sg_model_spec_of(r->model);
    for (size_t j = 0; j < r->n_out; j++) {
        if (sg_model_spec_n_classes(spec, j) >= 2 || sg_model_response_is_log(r->model, j))
            continue;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < r->n_rows; i++) {
            lo = fmin(lo, Y[i * r->n_out + j]);
            hi = fmax(hi, Y[i * r->n_out + j]);
        }
        if (!(lo > 0) || !(log10(hi / lo) >= SG_FIT_DECADES_NOTE) ||
            zero_to_rounding(r, Y, j, hi))
            continue;
        sg_fit_note *nt = add_note(r, SG_FIT_NOTE_SPANS_DECADES, j, log10(hi / lo), 0.0);
        sg_num_snprintf(nt->message, sizeof nt->message,
                        "%.60s spans %.1f decades (%.4g to %.4g): the errors, the interval (one "
                        "width for every prediction) and the check for suspicious runs are in "
                        "its unit, so its largest values dominate them; scale = \"log\" in "
                        "its [[response]] fits its logarithm, which usually models such a "
                        "quantity far better",
                        names[j], log10(hi / lo), lo, hi);
    }
}

/* The labels of the records of response j among m records (each size
 * bytes, with size_t fields row and response at byte offsets row_at and
 * response_at), comma-separated into runs (cap bytes).  Returns how many;
 * *first is the index of the first (SIZE_MAX when none). */
static size_t name_runs(const sg_table *t, const void *records, size_t m, size_t size,
                        size_t row_at, size_t response_at, size_t j, char *runs, size_t cap,
                        size_t *first)
{
    size_t k = 0, len = 0;
    *first = SIZE_MAX;
    runs[0] = '\0';
    for (size_t i = 0; i < m; i++) {
        const char *rec = (const char *)records + i * size;
        size_t row, response;
        memcpy(&row, rec + row_at, sizeof row);
        memcpy(&response, rec + response_at, sizeof response);
        if (response != j)
            continue;
        if (*first == SIZE_MAX)
            *first = i;
        char lab[64];
        sg_table_run_label(t, row, lab, sizeof lab);
        if (len < cap - 1)
            len += (size_t)snprintf(runs + len, cap - len, "%s%s", k ? ", " : "", lab);
        k++;
    }
    return k;
}

/* Runs flagged only because the model cannot follow them (the other model
 * of the comparison predicts them: sg_cv_clear_predicted) are not
 * flagged; one note per response names them. */
static sg_status clear_predicted_runs(sg_fit_result *r, const sg_table *t,
                                      const sg_study_model *settings, const char *const *names,
                                      const double *ref, sg_error *err)
{
    size_t max = r->cv->n_outliers;
    if (!max)
        return SG_OK;
    sg_cv_cleared *c = malloc(max * sizeof *c);
    if (!c)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    size_t m = sg_cv_clear_predicted(r->cv, ref, settings->cv.outlier_z, c, max);
    const char *model = r->type_used == SG_MODEL_GP     ? "kriging"
                        : r->type_used == SG_MODEL_QUAD ? "the quadratic"
                                                        : "the network";
    const char *other = r->type_used == SG_MODEL_MLP ? "kriging" : "the network";
    for (size_t j = 0; j < r->n_out; j++) {
        char runs[160];
        size_t first, k = name_runs(t, c, m, sizeof *c, offsetof(sg_cv_cleared, row),
                                    offsetof(sg_cv_cleared, response), j, runs, sizeof runs, &first);
        if (!k)
            continue;
        sg_fit_note *nt = add_note(r, SG_FIT_NOTE_MODEL_MISSES_RUN, j, c[first].residual,
                                   c[first].ref_residual);
        bool one = k == 1;
        sg_num_snprintf(nt->message, sizeof nt->message,
                        "%.60s: %s misses %s %s%.4g%s, but %s predicts %s from the other runs "
                        "%s%.4g%s: %s's error there, not the %s, so %s not flagged",
                        names[j], model, runs, one ? "by " : "when each is held out (the first by ",
                        fabs(c[first].residual), one ? " when it is held out" : ")", other,
                        one ? "it" : "them", one ? "within " : "(the first within ",
                        fabs(c[first].ref_residual), one ? "" : ")", model,
                        one ? "run's" : "runs'", one ? "it is" : "they are");
    }
    free(c);
    return SG_OK;
}

/* Runs flagged only because their held-out prediction extrapolated beyond
 * the runs that made it (sg_cv_clear_beyond) are not flagged; one note per
 * response names them and the first one's factor. */
static sg_status clear_beyond_runs(sg_fit_result *r, const sg_table *t, const double *X,
                                   const char *const *names, sg_error *err)
{
    size_t max = r->cv->n_outliers;
    if (!max)
        return SG_OK;
    sg_cv_beyond *c = malloc(max * sizeof *c);
    if (!c)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    const sg_model_spec *spec = sg_model_spec_of(r->model);
    size_t m = sg_cv_clear_beyond(r->cv, X, r->n_in, spec->categories, c, max);
    for (size_t j = 0; j < r->n_out; j++) {
        char runs[160];
        size_t first, k = name_runs(t, c, m, sizeof *c, offsetof(sg_cv_beyond, row),
                                    offsetof(sg_cv_beyond, response), j, runs, sizeof runs, &first);
        if (!k)
            continue;
        const sg_cv_beyond *b = &c[first];
        const char *unit = sg_model_factor_unit(r->model, b->factor);
        char v[SG_NUM_EXACT_CAP], lo[SG_NUM_EXACT_CAP], hi[SG_NUM_EXACT_CAP];
        sg_num_exact(v, sizeof v, b->value); /* settings as the table gives them */
        sg_num_exact(lo, sizeof lo, b->others_lo);
        sg_num_exact(hi, sizeof hi, b->others_hi);
        const char *sp = unit && *unit ? " " : "", *u = unit && *unit ? unit : "";
        sg_fit_note *nt = add_note(r, SG_FIT_NOTE_RUN_BEYOND_OTHERS, j, b->residual, 0.0);
        bool one = k == 1;
        sg_num_snprintf(nt->message, sizeof nt->message,
                        "%.60s: %s %s %.4g off %s prediction from the other runs, but %s beyond "
                        "them (%.40s = %s%s%s; the runs that predicted %s span %s to %s%s%s): "
                        "the prediction extrapolates, and the others cannot tell a wrong value "
                        "from a response that steepens there, so %s not flagged; a run further "
                        "out would tell",
                        names[j], runs, one ? "is" : "are (the first)", fabs(b->residual),
                        one ? "its" : "their", one ? "lies" : "each lies",
                        sg_model_factor_name(r->model, b->factor), v, sp, u,
                        one ? "it" : "the first", lo, hi, sp, u, one ? "it is" : "they are");
    }
    free(c);
    return SG_OK;
}

/* Runs flagged only because they hold the response's lowest or highest
 * value (sg_cv_clear_extreme: at most one of each per response) are not
 * flagged; a note names each. */
static void clear_extreme_runs(sg_fit_result *r, const sg_table *t, const char *const *names)
{
    sg_cv_extreme c[2 * SG_STUDY_MAX_RESPONSES];
    size_t m = sg_cv_clear_extreme(r->cv, c, sizeof c / sizeof *c);
    for (size_t i = 0; i < m; i++) {
        const sg_cv_extreme *e = &c[i];
        char run[64];
        sg_table_run_label(t, e->row, run, sizeof run);
        const char *unit = sg_model_response_unit(r->model, e->response);
        const char *sp = unit && *unit ? " " : "", *u = unit && *unit ? unit : "";
        sg_fit_note *nt = add_note(r, SG_FIT_NOTE_RUN_EXTREME, e->response, e->residual, 0.0);
        sg_num_snprintf(nt->message, sizeof nt->message,
                        "%.60s: %s is %.4g off its prediction from the other runs, but it holds "
                        "the %s value of the table (%.6g%s%s; the other runs span %.6g to "
                        "%.6g%s%s): any model of them predicts it toward them, and they cannot "
                        "tell a wrong value from a sharp %s, so it is not flagged; a run near "
                        "it would tell",
                        names[e->response], run, fabs(e->residual),
                        e->low ? "lowest" : "highest", e->value, sp, u, e->others_lo,
                        e->others_hi, sp, u, e->low ? "minimum" : "peak");
    }
}

/* Runs flagged only because their value lies beyond their nearest runs',
 * which all lie to one side of them (sg_cv_clear_local_extreme), are not
 * flagged; a note names each. */
static sg_status clear_local_extreme_runs(sg_fit_result *r, const sg_table *t, const double *X,
                                          const char *const *names, sg_error *err)
{
    size_t max = r->cv->n_outliers;
    if (!max)
        return SG_OK;
    sg_cv_local_extreme *c = malloc(max * sizeof *c);
    if (!c)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    const sg_model_spec *spec = sg_model_spec_of(r->model);
    size_t m = sg_cv_clear_local_extreme(r->cv, X, r->n_in, spec->categories, c, max);
    for (size_t i = 0; i < m; i++) {
        const sg_cv_local_extreme *e = &c[i];
        char run[64];
        sg_table_run_label(t, e->row, run, sizeof run);
        const char *unit = sg_model_response_unit(r->model, e->response);
        const char *sp = unit && *unit ? " " : "", *u = unit && *unit ? unit : "";
        sg_fit_note *nt = add_note(r, SG_FIT_NOTE_RUN_LOCAL_EXTREME, e->response, e->residual,
                                   0.0);
        sg_num_snprintf(nt->message, sizeof nt->message,
                        "%.60s: %s is %.4g off its prediction from the other runs, but %s its "
                        "%zu nearest runs (%.4g to %.4g%s%s), all to one side of it: the "
                        "prediction extrapolates, and they cannot tell a wrong value from a "
                        "response that steepens toward it, so it is not flagged; a run beyond "
                        "it would tell",
                        names[e->response], run, fabs(e->residual), e->low ? "below" : "above",
                        e->n_near, e->near_lo, e->near_hi, sp, u);
    }
    free(c);
    return SG_OK;
}

/* sg_fit_window_check with the kriging figures compare() put beside the
 * network. */
static sg_status window_check(sg_fit_result *r, const sg_study_model *settings, const double *X,
                              sg_error *err)
{
    double *rmse = malloc(r->n_out * sizeof *rmse);
    bool *ok = malloc(r->n_out * sizeof *ok);
    sg_status st = rmse && ok ? SG_OK : sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t j = 0; st == SG_OK && j < r->n_out; j++) {
        ok[j] = r->cmp[j].gp_ok;
        /* in decades for a log-scale response, as its window figures */
        rmse[j] = r->cv->resp[j].log_interval ? r->cmp[j].gp_log_rmse : r->cmp[j].gp.rmse;
    }
    if (st == SG_OK)
        st = sg_fit_window_check(r->model, r->cv, rmse, ok, X, r->n_rows, r->n_in,
                                 settings->spec.seed, err);
    free(rmse);
    free(ok);
    return st;
}

/* The settings the between-levels validation groups the rows by: X with
 * each numeric factor whose every value lies near one of its declared
 * levels (sg_factor_code_levels) at that level.  NULL when no value is off
 * its level (X serves) or out of memory.  Caller frees. */
static double *nominal_settings(const sg_study *study, const double *X, size_t n, size_t n_in)
{
    double *N = NULL;
    int *codes = malloc((n ? n : 1) * sizeof *codes);
    for (size_t j = 0; codes && j < n_in; j++) {
        double values[SG_STUDY_MAX_LEVELS], off;
        size_t m;
        const sg_factor *f = &study->factors[j];
        if (f->categorical ||
            !sg_factor_code_levels(f, X + j, n, n_in, codes, 1, values, &m, &off) || !(off > 0))
            continue;
        if (!N && (N = malloc(n * n_in * sizeof *N)))
            memcpy(N, X, n * n_in * sizeof *N);
        for (size_t i = 0; N && i < n; i++)
            N[i * n_in + j] = values[codes[i]];
    }
    free(codes);
    return N;
}

/* Whether every fold of the plan leaves the rows a refit of r's model
 * needs (kriging and the quadratic need more than a network's 2): when not,
 * r->cv_not_possible says why, and the fit keeps its model without
 * cross-validation instead of stopping in a fold.  Errors: the plan's. */
static sg_status cv_possible(sg_fit_result *r, const sg_study_model *settings, size_t n,
                             sg_error *err)
{
    size_t need = sg_model_min_rows(r->model), rows = 0;
    sg_status st = sg_cv_fewest_training_rows(&settings->cv.plan, n, settings->spec.seed, &rows,
                                              err);
    if (st != SG_OK || rows >= need)
        return st;
    char plan[64];
    sg_cv_spec plan_used = sg_cv_spec_resolve(settings->cv.plan, n);
    sg_cv_spec_format(&plan_used, plan, sizeof plan);
    bool gp = r->type_used == SG_MODEL_GP;
    snprintf(r->cv_not_possible, sizeof r->cv_not_possible,
             "not possible: a fold of %s trains on %zu of the %zu rows, and %s needs %zu (%s); "
             "the model is fitted on all %zu rows, with no accuracy figure and no calibrated "
             "interval (add runs, or use type = \"mlp\")",
             plan, rows, n, gp ? "kriging" : "the quadratic", need,
             gp ? "the factors + 2" : "the mean and every main effect", n);
    return SG_OK;
}

sg_status sg_fit_run(const sg_study *study, const sg_table *t, const sg_study_model *settings,
                     const sg_fit_options *opt, sg_fit_progress_fn progress, void *user,
                     sg_fit_result **out, sg_error *err)
{
    *out = NULL;
    sg_fit_options defopt = sg_fit_options_defaults();
    if (!opt)
        opt = &defopt;
    if (!study || !t || !settings)
        return sg_error_set(err, SG_ERR_INVALID, "fit: missing study, data or settings");
    size_t n_in = study->n_factors, n_out = study->n_responses, n = t->n_rows;
    if (t->n_factors != n_in || t->n_cols != n_in + n_out)
        return sg_error_set(err, SG_ERR_INVALID,
                            "fit: the table's columns do not match the study's factors and "
                            "responses");
    if (n < 2)
        return sg_error_set(err, SG_ERR_INVALID,
                            "fit: at least 2 usable rows are needed (the data have %zu)", n);
    sg_status st = SG_OK;
    double *X = NULL, *Y = NULL, *Mean = NULL, *tmp = NULL, *nominal = NULL;
    const char **names = NULL;
    sg_model *fold_model = NULL; /* the hold-out fold's, trained with the final model */
    sg_fit_result *r = calloc(1, sizeof *r);
    if (!r)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    r->n_rows = n;
    r->n_in = n_in;
    r->n_out = n_out;
    X = malloc(n * n_in * sizeof *X);
    Y = malloc(n * n_out * sizeof *Y);
    Mean = malloc(n * n_out * sizeof *Mean);
    tmp = malloc(n * sizeof *tmp);
    names = malloc(n_out * sizeof *names);
    r->train = calloc(n_out, sizeof *r->train);
    r->rsm_train = calloc(n_out, sizeof *r->rsm_train);
    r->rsm_ok = calloc(n_out, sizeof *r->rsm_ok);
    r->rsm_note = calloc(n_out, sizeof *r->rsm_note);
    r->rsm = calloc(n_out, sizeof *r->rsm);
    if (!X || !Y || !Mean || !tmp || !names || !r->train || !r->rsm_train || !r->rsm_ok ||
        !r->rsm_note || !r->rsm) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(X + i * n_in, t->x + i * t->n_cols, n_in * sizeof *X);
        memcpy(Y + i * n_out, t->x + i * t->n_cols + n_in, n_out * sizeof *Y);
    }
    for (size_t j = 0; j < n_out; j++)
        names[j] = study->responses[j].name;
    if ((st = check_outcomes(study, t, err)) != SG_OK)
        goto fail;
    sg_hash_hex(t->hash, r->data_hash);
    sg_fit_settings_hash(study, settings, r->settings_hash);

    /* 0. each factor's scale, and the weight penalty of each network, from
     * the table (regularize.h) */
    sg_study_model chosen = *settings; /* shallow: the strings stay borrowed */
    if ((st = choose_scales(study, t, X, &chosen, r, tmp, err)) != SG_OK)
        goto fail;
    settings = &chosen;
    if (chosen.spec.l2_auto &&
        (chosen.spec.type == SG_MODEL_MLP || chosen.spec.type == SG_MODEL_AUTO)) {
        if ((st = sg_regularize_choose_l2(&chosen.spec, &chosen.cv, n_in, n_out, X, Y, n,
                                          &r->l2_choice, err)) != SG_OK)
            goto fail;
        settings = &chosen;
    }

    /* achieved settings: the between-levels folds group them by level */
    nominal = nominal_settings(study, X, n, n_in);
    chosen.cv.level_X = nominal;
    settings = &chosen;

    /* 1. the model on every row (members trained by the CV's threads) */
    if (chosen.spec.n_threads == 0 || (!chosen.spec.exec && settings->cv.exec)) {
        if (chosen.spec.n_threads == 0)
            chosen.spec.n_threads = settings->cv.n_threads;
        chosen.spec.exec = settings->cv.exec; /* members through the same executor */
        settings = &chosen;
    }
    prog g;
    memset(&g, 0, sizeof g);
    g.fn = progress;
    g.user = user;
    /* what the fit will use on these rows */
    sg_model_spec sized = sg_model_spec_sized(&settings->spec, n, n_in, n_out);
    g.ensemble = sized.ensemble;
    g.p.max_epochs = sized.train.epochs;
    g.p.n_members = (sized.shared ? 1 : n_out) * sized.ensemble;
    g.p.cv_threads = settings->cv.n_threads;
    g.frac = progress ? calloc(g.p.n_members, sizeof *g.frac) : NULL;
    r->type_requested = settings->spec.type;
    if (opt->cv && pair_with_holdout(settings, n))
        st = fit_with_holdout(settings, n_in, n_out, X, Y, n, names, &r->model, &fold_model, err);
    else
        st = sg_model_fit(&settings->spec, n_in, n_out, X, Y, n, names,
                          progress ? model_progress : NULL, &g, &r->model, err);
    free(g.frac);
    g.frac = NULL;
    if (st != SG_OK)
        goto fail;
    for (size_t i = 0; i < n_in && st == SG_OK; i++) {
        const sg_factor *f = &study->factors[i];
        st = sg_model_set_factor(r->model, i, f->name, f->unit, f->min, f->max, err);
        if (st == SG_OK && f->categorical)
            st = sg_model_set_factor_labels(r->model, i, f->labels, f->n_levels, err);
    }
    for (size_t j = 0; j < n_out && st == SG_OK; j++) {
        const sg_response *re = &study->responses[j];
        st = sg_model_set_response(r->model, j, re->name, re->unit, err);
        if (st == SG_OK && re->kind != SG_RESPONSE_NUMBER)
            st = sg_model_set_response_labels(r->model, j, re->labels, re->n_labels, err);
        if (st == SG_OK && (isfinite(re->lower_limit) || isfinite(re->upper_limit)))
            st = sg_model_set_response_limits(r->model, j, re->lower_limit, re->upper_limit, err);
    }
    if (st == SG_OK)
        st = sg_model_set_hashes(r->model, r->data_hash, r->settings_hash, err);
    if (st != SG_OK)
        goto fail;
    r->type_used = sg_model_type_of(r->model);
    const sg_model_spec *used = sg_model_spec_of(r->model);
    snprintf(r->optimizer, sizeof r->optimizer, "%s", sg_optimizer_name(used->train.optimizer));
    for (size_t j = 0; j < sg_model_n_nets(r->model); j++) {
        size_t p = sg_model_n_params_per_member(r->model, j);
        if (p > r->n_params_member)
            r->n_params_member = p;
    }
    r->n_params_total = sg_model_n_params(r->model);
    r->regularised = used->train.l1 > 0 || used->train.l2 > 0 || sg_model_early_stopped(used);
    r->params_exceed_rows = sg_model_overparameterised(r->model);

    /* 2. training metrics, network and baseline */
    if ((st = predict_rows(r->model, X, n, Mean, err)) != SG_OK)
        goto fail;
    for (size_t j = 0; j < n_out; j++) {
        if ((st = sg_metrics_compute(Y + j, n_out, Mean + j, n_out, n, &r->train[j], err)) !=
                SG_OK ||
            (st = fit_baseline(t, &settings->spec, n_in, j, r, tmp, err)) != SG_OK)
            goto fail;
    }

    /* 3. cross-validation and gates */
    bool cv = opt->cv;
    if (cv && (st = cv_possible(r, settings, n, err)) != SG_OK)
        goto fail;
    if (cv && r->cv_not_possible[0]) { /* the model stands; its accuracy cannot be measured */
        sg_model_destroy(fold_model);
        fold_model = NULL;
        cv = false;
    }
    if (cv) {
        sg_study_model cv_settings = *settings; /* shallow: strings stay borrowed */
        cv_settings.cv.min_train = sg_model_min_rows(r->model);
        const sg_model *prefit[1] = {fold_model};
        if (fold_model) {
            cv_settings.cv.prefit = prefit;
            cv_settings.cv.n_prefit = 1;
        }
        st = sg_cv_run(&cv_settings.spec, &cv_settings.cv, n_in, n_out, X, Y, n, names,
                       progress ? cv_progress : NULL, &g, &r->cv, err);
        sg_model_destroy(fold_model);
        fold_model = NULL;
        if (st != SG_OK)
            goto fail;
        double *train_rmse = malloc(n_out * sizeof *train_rmse);
        if (!train_rmse) {
            st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
            goto fail;
        }
        for (size_t j = 0; j < n_out; j++)
            train_rmse[j] = r->train[j].rmse;
        /* kriging interpolates its runs by design: no over-fitting gate */
        if (r->type_used == SG_MODEL_GP) {
            free(train_rmse);
            train_rmse = NULL;
        }
        size_t ng = sg_cv_gates(r->cv, train_rmse, names, NULL, 0);
        r->gates = calloc(ng ? ng : 1, sizeof *r->gates);
        if (!r->gates) {
            free(train_rmse);
            st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
            goto fail;
        }
        r->n_gates = sg_cv_gates(r->cv, train_rmse, names, r->gates, ng);
        if (r->type_used == SG_MODEL_QUAD) /* the model is the baseline */
            r->n_gates = sg_cv_gates_without(r->gates, r->n_gates, SG_GATE_WORSE_THAN_BASELINE);
        free(train_rmse);
        double *ref = malloc(n * n_out * sizeof *ref);
        if (!ref)
            st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        if (st == SG_OK && (st = compare(settings, X, Y, r, names, ref, err)) == SG_OK &&
            (st = window_check(r, settings, X, err)) == SG_OK) {
            compare_notes(r, names);
            st = clear_predicted_runs(r, t, settings, names, ref, err);
        }
        if (st == SG_OK)
            st = clear_beyond_runs(r, t, X, names, err);
        if (st == SG_OK)
            clear_extreme_runs(r, t, names);
        if (st == SG_OK)
            st = clear_local_extreme_runs(r, t, X, names, err);
        if (st == SG_OK)
            decades_notes(r, Y, names);
        free(ref);
        if (st != SG_OK)
            goto fail;
        /* the calibrated interval travels with the model file */
        sg_model_calibration c;
        memset(&c, 0, sizeof c);
        sg_cv_spec_format(&r->cv->plan, c.cv, sizeof c.cv);
        for (size_t j = 0; j < n_out; j++) {
            const sg_cv_response *R = &r->cv->resp[j];
            if (R->binary) /* a probability has no calibrated interval */
                continue;
            c.level = R->level;
            c.half_width = R->half_width;
            c.spread_factor_ok = R->spread_factor_ok;
            c.spread_factor = R->spread_factor_ok ? R->spread_factor : 0.0;
            c.q2 = R->net.r2_ok ? R->net.r2 : NAN;
            c.window = R->window_ok;
            if ((st = sg_model_set_calibration(r->model, j, &c, err)) != SG_OK)
                goto fail;
        }
    }

    /* 4. duplicates */
    if ((st = factor_spans(study, t, r, err)) != SG_OK ||
        (st = find_duplicates(X, Y, r, err)) != SG_OK)
        goto fail;

    free(X);
    free(nominal);
    free(Y);
    free(Mean);
    free(tmp);
    free(names);
    *out = r;
    return SG_OK;
fail:
    sg_model_destroy(fold_model);
    free(X);
    free(nominal);
    free(Y);
    free(Mean);
    free(tmp);
    free(names);
    sg_fit_result_destroy(r);
    return st;
}
