/* results_load.c — reading the saved results file (results.h) with the
 * core/json reader: every problem names the file and the key path, as in
 * "b.model.results.json: not a valid results file: cv.responses[1].level:
 * expected a number (or "nan", "inf", "-inf")". */
#include "model/results.h"

#include "core/file.h"
#include "core/json.h"

#include <cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest results file read (bytes). */
#define SG_RESULTS_MAX_BYTES ((size_t)512 * 1024 * 1024)

typedef struct rd {
    sg_json_reader j;
    const char *path;
} rd;

static bool nomem(rd *r)
{
    if (r->j.st == SG_OK)
        r->j.st = sg_error_set(r->j.err, SG_ERR_NOMEM, "%s: out of memory", r->path);
    return false;
}

/* String member key into buf (cap bytes with the NUL). */
static bool get_str(rd *r, const sg_json_at *at, const char *key, char *buf, size_t cap)
{
    const char *s = sg_json_get_string(&r->j, at, key);
    if (!s)
        return false;
    if (strlen(s) >= cap) {
        sg_json_at v;
        sg_json_has(at, key, &v);
        return sg_json_fail(&r->j, &v, "expected a string of at most %zu bytes", cap - 1);
    }
    memcpy(buf, s, strlen(s) + 1);
    return true;
}

/* Array member key of exactly n integers from 0 to max into out. */
static bool get_sizes(rd *r, const sg_json_at *at, const char *key, size_t *out, size_t n,
                      size_t max)
{
    sg_json_at a, e;
    size_t len = 0;
    if (!sg_json_key(&r->j, at, key, &a) || !sg_json_array_at(&r->j, &a, &len))
        return false;
    if (len != n)
        return sg_json_fail(&r->j, &a, "expected an array of %zu counts, found %zu", n, len);
    for (size_t i = 0; i < n; i++) {
        sg_json_item(&a, i ? &e : NULL, i, &e);
        double d = cJSON_IsNumber(e.node) ? e.node->valuedouble : -1;
        if (!(d >= 0) || d > (double)max || d != (double)(size_t)d)
            return sg_json_fail(&r->j, &e, "expected an integer from 0 to %zu", max);
        out[i] = (size_t)d;
    }
    return true;
}

static bool get_metrics(rd *r, const sg_json_at *at, sg_metrics *m)
{
    sg_json_reader *j = &r->j;
    return sg_json_get_size(j, at, "n", SG_RESULTS_MAX_HELD, &m->n) &&
           sg_json_get_exact(j, at, "r2", &m->r2) && sg_json_get_bool(j, at, "r2_ok", &m->r2_ok) &&
           sg_json_get_exact(j, at, "rmse", &m->rmse) && sg_json_get_exact(j, at, "mae", &m->mae) &&
           sg_json_get_exact(j, at, "max_abs", &m->max_abs) &&
           sg_json_get_size(j, at, "max_row", SG_RESULTS_MAX_HELD, &m->max_row) &&
           get_str(r, at, "reason", m->reason, sizeof m->reason);
}

static bool get_metrics_at(rd *r, const sg_json_at *at, const char *key, sg_metrics *m)
{
    sg_json_at o;
    return sg_json_key(&r->j, at, key, &o) && get_metrics(r, &o, m);
}

static bool get_cv_response(rd *r, const sg_json_at *x, sg_cv_response *c)
{
    sg_json_reader *j = &r->j;
    sg_json_at sc;
    if (!get_metrics_at(r, x, "net", &c->net) || !get_metrics_at(r, x, "rsm", &c->rsm) ||
        !sg_json_get_bool(j, x, "rsm_ok", &c->rsm_ok) ||
        !get_str(r, x, "rsm_reason", c->rsm_reason, sizeof c->rsm_reason) ||
        !sg_json_get_exact(j, x, "level", &c->level) ||
        !sg_json_get_exact(j, x, "half_width", &c->half_width) ||
        !sg_json_get_exact(j, x, "coverage", &c->coverage) ||
        !sg_json_get_bool(j, x, "spread_factor_ok", &c->spread_factor_ok) ||
        !sg_json_get_exact(j, x, "spread_factor", &c->spread_factor) ||
        !get_str(r, x, "interval_note", c->interval_note, sizeof c->interval_note) ||
        !sg_json_get_bool(j, x, "outlier_ok", &c->outlier_ok) ||
        !sg_json_get_exact(j, x, "resid_median", &c->resid_median) ||
        !sg_json_get_exact(j, x, "resid_mad", &c->resid_mad))
        return false;
    if (sg_json_has(x, "scale", &sc)) { /* absent in files of earlier versions */
        size_t src = 0;
        if (!sg_json_get_exact(j, x, "scale_median", &c->scale.median) ||
            !sg_json_get_exact(j, x, "scale_mad_sd", &c->scale.mad_sd) ||
            !sg_json_get_exact(j, x, "scale_resolution", &c->scale.resolution) ||
            !sg_json_get_exact(j, x, "scale_range_floor", &c->scale.range_floor) ||
            !sg_json_get_exact(j, x, "scale", &c->scale.scale) ||
            !sg_json_get_size(j, x, "scale_source", SG_OUTLIER_SCALE_RANGE, &src))
            return false;
        c->scale.source = (sg_outlier_floor)src;
    }
    if (!get_str(r, x, "outlier_reason", c->outlier_reason, sizeof c->outlier_reason))
        return false;
    if (!sg_json_has(x, "accuracy_note", &sc)) { /* absent in files of earlier versions */
        c->half_width_plan = c->half_width;
        return true;
    }
    if (!get_metrics_at(r, x, "between", &c->between) ||
        !get_metrics_at(r, x, "rsm_between", &c->rsm_between) ||
        !sg_json_get_exact(j, x, "half_width_plan", &c->half_width_plan) ||
        !sg_json_get_exact(j, x, "half_width_between", &c->half_width_between) ||
        !sg_json_get_exact(j, x, "coverage_between", &c->coverage_between) ||
        !sg_json_get_exact(j, x, "range", &c->range) ||
        !sg_json_get_exact(j, x, "resolution", &c->resolution) ||
        !get_str(r, x, "accuracy_note", c->accuracy_note, sizeof c->accuracy_note))
        return false;
    if (!sg_json_has(x, "window_ok", &sc)) /* absent in files of earlier versions */
        return true;
    if (!sg_json_get_bool(j, x, "window_ok", &c->window_ok) ||
        !sg_json_get_exact(j, x, "window_rmse", &c->window_rmse) ||
        !sg_json_get_exact(j, x, "window_half_width", &c->window_half_width) ||
        !sg_json_get_exact(j, x, "window_tau", &c->window_tau) ||
        !get_str(r, x, "window_note", c->window_note, sizeof c->window_note))
        return false;
    /* absent in files of earlier versions */
    if (sg_json_has(x, "window_raised", &sc) &&
        (!sg_json_get_exact(j, x, "window_disagreement", &c->window_disagreement) ||
         !sg_json_get_exact(j, x, "window_kriging_rmse", &c->window_kriging_rmse) ||
         !sg_json_get_bool(j, x, "window_raised", &c->window_raised)))
        return false;
    /* absent in files of earlier versions: an interval in the response's unit */
    if (sg_json_has(x, "log_interval", &sc) &&
        (!sg_json_get_bool(j, x, "log_interval", &c->log_interval) ||
         !sg_json_get_exact(j, x, "log_rmse", &c->log_rmse) ||
         !sg_json_get_exact(j, x, "log_range", &c->log_range)))
        return false;
    /* absent in files of earlier versions: the gate then compares in the unit */
    c->rsm_log_rmse = NAN;
    if (sg_json_has(x, "rsm_log_rmse", &sc) &&
        !sg_json_get_exact(j, x, "rsm_log_rmse", &c->rsm_log_rmse))
        return false;
    /* absent in files of earlier versions: no setting repeated */
    if (sg_json_has(x, "replicate_sd", &sc) &&
        (!sg_json_get_exact(j, x, "replicate_sd", &c->replicate_sd) ||
         !sg_json_get_size(j, x, "replicate_dof", SG_RESULTS_MAX_HELD, &c->replicate_dof) ||
         !sg_json_get_size(j, x, "replicate_settings", SG_RESULTS_MAX_HELD,
                           &c->replicate_settings)))
        return false;
    return !sg_json_has(x, "design_note", &sc) ||
           get_str(r, x, "design_note", c->design_note, sizeof c->design_note);
}

/* The between-levels held-out predictions (absent in earlier versions). */
static bool get_between(rd *r, const sg_json_at *o, sg_cv_result *cv)
{
    sg_json_reader *j = &r->j;
    sg_json_at note;
    if (!sg_json_has(o, "between_note", &note))
        return true;
    size_t nb = 0;
    if (!get_str(r, o, "between_note", cv->between_note, sizeof cv->between_note) ||
        !sg_json_get_size(j, o, "n_between_folds", SG_RESULTS_MAX_HELD, &cv->n_between_folds) ||
        !sg_json_get_size(j, o, "n_between", SG_RESULTS_MAX_HELD, &nb))
        return false;
    if (!nb)
        return true;
    size_t bc = nb * cv->n_out;
    cv->between_row = calloc(nb, sizeof(size_t));
    cv->between_factor = calloc(nb, sizeof(size_t));
    cv->between_obs = calloc(bc, sizeof(double));
    cv->between_pred = calloc(bc, sizeof(double));
    cv->between_sd = calloc(bc, sizeof(double));
    cv->between_rsm = calloc(bc, sizeof(double));
    if (!cv->between_row || !cv->between_factor || !cv->between_obs || !cv->between_pred ||
        !cv->between_sd || !cv->between_rsm)
        return nomem(r);
    cv->n_between = nb;
    return get_sizes(r, o, "between_row", cv->between_row, nb, cv->n_rows ? cv->n_rows - 1 : 0) &&
           get_sizes(r, o, "between_factor", cv->between_factor, nb, SG_RESULTS_MAX_HELD) &&
           sg_json_get_exacts(j, o, "between_obs", cv->between_obs, bc) &&
           sg_json_get_exacts(j, o, "between_pred", cv->between_pred, bc) &&
           sg_json_get_exacts(j, o, "between_sd", cv->between_sd, bc) &&
           sg_json_get_exacts(j, o, "between_rsm", cv->between_rsm, bc);
}

static bool get_outlier(rd *r, const sg_json_at *x, const sg_cv_result *cv, sg_outlier *c)
{
    sg_json_reader *j = &r->j;
    size_t last_row = cv->n_rows ? cv->n_rows - 1 : 0;
    sg_json_at sc;
    if (!sg_json_get_size(j, x, "row", last_row, &c->row) ||
        !sg_json_get_size(j, x, "response", cv->n_out - 1, &c->response) ||
        !sg_json_get_exact(j, x, "observed", &c->observed) ||
        !sg_json_get_exact(j, x, "predicted", &c->predicted) ||
        !sg_json_get_exact(j, x, "spread", &c->spread) ||
        !sg_json_get_exact(j, x, "half_width", &c->half_width) ||
        !sg_json_get_exact(j, x, "z", &c->z))
        return false;
    c->cluster_first = c->cluster_last = c->row;
    c->off_pattern = false;
    c->log_scale = false; /* absent in files of earlier versions */
    if (sg_json_has(x, "log_scale", &sc) && !sg_json_get_bool(j, x, "log_scale", &c->log_scale))
        return false;
    if (sg_json_has(x, "off_pattern", &sc) && /* absent in files of earlier versions */
        !sg_json_get_bool(j, x, "off_pattern", &c->off_pattern))
        return false;
    if (sg_json_has(x, "scale", &sc)) /* absent in files of earlier versions */
        return sg_json_get_exact(j, x, "scale", &c->scale) &&
               sg_json_get_size(j, x, "cluster_first", c->row, &c->cluster_first) &&
               sg_json_get_size(j, x, "cluster_last", last_row, &c->cluster_last);
    return true;
}

/* Class responses' probabilities (optional: absent = none). */
static bool get_class_columns(rd *r, const sg_json_at *o, sg_cv_result *cv)
{
    sg_json_reader *j = &r->j;
    sg_json_at cc;
    size_t no = cv->n_out;
    if (!(cv->prob_off = malloc(no * sizeof *cv->prob_off)))
        return nomem(r);
    for (size_t k = 0; k < no; k++)
        cv->prob_off[k] = SIZE_MAX;
    if (!sg_json_has(o, "class_columns", &cc))
        return true;
    size_t *kc = calloc(no, sizeof *kc);
    if (!kc)
        return nomem(r);
    bool ok = get_sizes(r, o, "class_columns", kc, no, SG_MODEL_MAX_CLASSES);
    for (size_t k = 0; ok && k < no; k++) {
        if (kc[k] == 1 || kc[k] == 2)
            ok = sg_json_fail(j, &cc, "a class response has 3 or more classes, not %zu", kc[k]);
        if (ok && kc[k]) {
            cv->prob_off[k] = cv->n_prob;
            cv->n_prob += kc[k];
            cv->resp[k].n_classes = kc[k];
        }
    }
    free(kc);
    if (!ok)
        return false;
    size_t np = cv->n_prob;
    cv->proba = calloc(cv->n_held * np + 1, sizeof(double));
    cv->rsm_proba = calloc(cv->n_held * np + 1, sizeof(double));
    cv->between_proba = calloc(cv->n_between * np + 1, sizeof(double));
    if (!cv->proba || !cv->rsm_proba || !cv->between_proba)
        return nomem(r);
    return sg_json_get_exacts(j, o, "proba", cv->proba, cv->n_held * np) &&
           sg_json_get_exacts(j, o, "rsm_proba", cv->rsm_proba, cv->n_held * np) &&
           sg_json_get_exacts(j, o, "between_proba", cv->between_proba, cv->n_between * np);
}

static bool get_cv(rd *r, const sg_json_at *o, size_t n_out, sg_cv_result **out)
{
    sg_json_reader *j = &r->j;
    sg_cv_result *cv = calloc(1, sizeof *cv);
    if (!cv)
        return nomem(r);
    *out = cv; /* the caller destroys it, also after a failure */
    size_t kind = 0, file_n_out = 0;
    sg_json_at no, resp, outl, x;
    if (!sg_json_get_size(j, o, "plan_kind", SG_CV_AUTO, &kind) ||
        !sg_json_get_size(j, o, "plan_k", SG_RESULTS_MAX_HELD, &cv->plan.k) ||
        !sg_json_get_size(j, o, "plan_repeats", SG_RESULTS_MAX_HELD, &cv->plan.repeats) ||
        !sg_json_get_exact(j, o, "plan_fraction", &cv->plan.fraction) ||
        !sg_json_get_size(j, o, "n_rows", SG_RESULTS_MAX_HELD, &cv->n_rows) ||
        !sg_json_get_size(j, o, "n_out", SG_RESULTS_MAX_DIM, &file_n_out) ||
        !sg_json_get_size(j, o, "n_folds", SG_RESULTS_MAX_HELD, &cv->n_folds) ||
        !sg_json_get_size(j, o, "n_held", SG_RESULTS_MAX_HELD, &cv->n_held))
        return false;
    cv->plan.kind = (sg_cv_kind)kind;
    sg_json_at sat;
    if (sg_json_has(o, "saturated", &sat) && /* absent in files of earlier versions */
        (!sg_json_get_bool(j, o, "saturated", &cv->saturated) ||
         !sg_json_get_size(j, o, "main_terms", SG_RESULTS_MAX_HELD, &cv->main_terms) ||
         !sg_json_get_size(j, o, "fewest_training", SG_RESULTS_MAX_HELD, &cv->fewest_training)))
        return false;
    /* the flag follows its figures (an edited file cannot make "0 main effects" appear) */
    cv->saturated = cv->saturated && cv->fewest_training < cv->main_terms;
    if (file_n_out != n_out) {
        sg_json_has(o, "n_out", &no);
        return sg_json_fail(j, &no, "expected %zu (the responses of the file), found %zu", n_out,
                            file_n_out);
    }
    cv->n_out = n_out;
    size_t nh = cv->n_held, cells = nh * n_out, n_resp = 0, n_outl = 0;
    if (!sg_json_key(j, o, "responses", &resp) || !sg_json_array_at(j, &resp, &n_resp) ||
        !sg_json_key(j, o, "outliers", &outl) || !sg_json_array_at(j, &outl, &n_outl))
        return false;
    if (n_resp != n_out)
        return sg_json_fail(j, &resp, "expected an array of %zu responses, found %zu", n_out,
                            n_resp);
    if (n_outl > SG_RESULTS_MAX_HELD)
        return sg_json_fail(j, &outl, "expected at most %d suspicious runs", SG_RESULTS_MAX_HELD);
    cv->n_outliers = n_outl;
    cv->held_row = calloc(nh ? nh : 1, sizeof(size_t));
    cv->held_fold = calloc(nh ? nh : 1, sizeof(size_t));
    cv->obs = calloc(cells ? cells : 1, sizeof(double));
    cv->pred = calloc(cells ? cells : 1, sizeof(double));
    cv->sd = calloc(cells ? cells : 1, sizeof(double));
    cv->rsm_pred = calloc(cells ? cells : 1, sizeof(double));
    cv->resp = calloc(n_out, sizeof *cv->resp);
    cv->outliers = calloc(n_outl ? n_outl : 1, sizeof *cv->outliers);
    if (!cv->held_row || !cv->held_fold || !cv->obs || !cv->pred || !cv->sd || !cv->rsm_pred ||
        !cv->resp || !cv->outliers)
        return nomem(r);
    if (!get_sizes(r, o, "held_row", cv->held_row, nh, cv->n_rows ? cv->n_rows - 1 : 0) ||
        !get_sizes(r, o, "held_fold", cv->held_fold, nh, cv->n_folds ? cv->n_folds - 1 : 0) ||
        !sg_json_get_exacts(j, o, "obs", cv->obs, cells) ||
        !sg_json_get_exacts(j, o, "pred", cv->pred, cells) ||
        !sg_json_get_exacts(j, o, "sd", cv->sd, cells) ||
        !sg_json_get_exacts(j, o, "rsm_pred", cv->rsm_pred, cells) || !get_between(r, o, cv) ||
        !get_class_columns(r, o, cv))
        return false;
    for (size_t k = 0; k < n_out; k++) {
        sg_json_item(&resp, k ? &x : NULL, k, &x);
        if (!get_cv_response(r, &x, &cv->resp[k]))
            return false;
    }
    for (size_t k = 0; k < n_outl; k++) {
        sg_json_item(&outl, k ? &x : NULL, k, &x);
        if (!get_outlier(r, &x, cv, &cv->outliers[k]))
            return false;
    }
    return true;
}

static bool get_histories(rd *r, const sg_json_at *root, sg_results *res)
{
    sg_json_at loss, x, t;
    size_t n = 0;
    if (!sg_json_key(&r->j, root, "loss", &loss) || !sg_json_array_at(&r->j, &loss, &n))
        return false;
    if (n > SG_RESULTS_MAX_DIM)
        return sg_json_fail(&r->j, &loss, "expected at most %d loss histories", SG_RESULTS_MAX_DIM);
    if (!n)
        return true;
    res->hist = calloc(n, sizeof *res->hist);
    if (!res->hist)
        return nomem(r);
    res->n_nets = n;
    for (size_t k = 0; k < n; k++) {
        sg_train_history *h = &res->hist[k];
        size_t ne = 0;
        sg_json_item(&loss, k ? &x : NULL, k, &x);
        if (!sg_json_key(&r->j, &x, "train", &t) || !sg_json_array_at(&r->j, &t, &ne))
            return false;
        if (ne > SG_RESULTS_MAX_HELD)
            return sg_json_fail(&r->j, &t, "expected at most %d epochs", SG_RESULTS_MAX_HELD);
        if (!ne)
            continue;
        h->train_loss = malloc(ne * sizeof(double));
        h->val_loss = malloc(ne * sizeof(double));
        if (!h->train_loss || !h->val_loss)
            return nomem(r);
        h->n_epochs = ne;
        if (!sg_json_get_exacts(&r->j, &x, "train", h->train_loss, ne) ||
            !sg_json_get_exacts(&r->j, &x, "val", h->val_loss, ne))
            return false;
    }
    return true;
}

static bool get_optim(rd *r, const sg_json_at *root, sg_results *res)
{
    sg_json_reader *j = &r->j;
    sg_json_at op, dv;
    if (!sg_json_key(j, root, "optimize", &op))
        return false;
    if (cJSON_IsNull(op.node))
        return true;
    size_t d = 0;
    bool found = false;
    double bx[SG_RESULTS_MAX_DIM], rx[SG_RESULTS_MAX_DIM], bf = 0, rf = 0;
    if (!sg_json_get_size(j, &op, "d", SG_RESULTS_MAX_DIM, &d))
        return false;
    if (d == 0) {
        sg_json_has(&op, "d", &dv);
        return sg_json_fail(j, &dv, "expected at least one factor");
    }
    if (!sg_json_get_exact(j, &op, "best_f", &bf) ||
        !sg_json_get_exacts(j, &op, "best_x", bx, d) ||
        !sg_json_get_bool(j, &op, "realisable_found", &found))
        return false;
    if (found && (!sg_json_get_exact(j, &op, "realisable_f", &rf) ||
                  !sg_json_get_exacts(j, &op, "realisable_x", rx, d)))
        return false;
    sg_error e;
    if (sg_results_set_optim(res, d, bf, bx, found, rf, found ? rx : NULL, &e) != SG_OK) {
        j->st = sg_error_set(j->err, e.status, "%s: %s", r->path, e.msg);
        return false;
    }
    return true;
}

/* The whole document into *out (NULL and the first problem on failure). */
static bool read_results(rd *r, const cJSON *doc, sg_results **out)
{
    sg_json_reader *j = &r->j;
    sg_json_at root = sg_json_root(doc), at, tr, x;
    size_t version = 0, n_out = 0, n_train = 0;
    if (!cJSON_IsObject(doc))
        return sg_json_fail(j, NULL, "expected a JSON object");
    const char *format = sg_json_get_string(j, &root, "format");
    if (!format)
        return false;
    if (strcmp(format, SG_RESULTS_FORMAT) != 0) {
        sg_json_has(&root, "format", &at);
        return sg_json_fail(j, &at, "expected \"%s\", found \"%.64s\"", SG_RESULTS_FORMAT, format);
    }
    if (!sg_json_get_size(j, &root, "version", 1000, &version))
        return false;
    if (version != SG_RESULTS_VERSION) {
        sg_json_has(&root, "version", &at);
        return sg_json_fail(j, &at, "%zu is not supported (this program reads version %d)",
                            version, SG_RESULTS_VERSION);
    }
    if (!sg_json_get_size(j, &root, "n_out", SG_RESULTS_MAX_DIM, &n_out))
        return false;
    if (n_out == 0) {
        sg_json_has(&root, "n_out", &at);
        return sg_json_fail(j, &at, "expected at least one response");
    }
    sg_results *res = sg_results_create(n_out);
    if (!res)
        return nomem(r);
    *out = res;
    if (!get_str(r, &root, "data_hash", res->data_hash, sizeof res->data_hash) ||
        !get_str(r, &root, "settings_hash", res->settings_hash, sizeof res->settings_hash) ||
        !sg_json_key(j, &root, "train", &tr) || !sg_json_array_at(j, &tr, &n_train))
        return false;
    if (n_train != n_out)
        return sg_json_fail(j, &tr, "expected an array of %zu metrics (n_out), found %zu", n_out,
                            n_train);
    for (size_t k = 0; k < n_out; k++) {
        sg_json_item(&tr, k ? &x : NULL, k, &x);
        if (!get_metrics(r, &x, &res->train[k]))
            return false;
    }
    if (!sg_json_key(j, &root, "cv", &at))
        return false;
    if (!cJSON_IsNull(at.node)) {
        if (!cJSON_IsObject(at.node))
            return sg_json_fail(j, &at, "expected an object or null");
        if (!get_cv(r, &at, n_out, &res->cv))
            return false;
    }
    if (sg_json_has(&root, "cv_not_possible", &at) &&
        !get_str(r, &root, "cv_not_possible", res->cv_not_possible, sizeof res->cv_not_possible))
        return false;
    return get_histories(r, &root, res) && get_optim(r, &root, res);
}

sg_status sg_results_load(const char *path, sg_results **out, sg_error *err)
{
    if (!out || !path)
        return sg_error_set(err, SG_ERR_INVALID, "results load: no path");
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    sg_status st = sg_file_read(path, SG_RESULTS_MAX_BYTES, &text, &len, err);
    if (st != SG_OK)
        return st;
    cJSON *doc = NULL;
    st = sg_json_parse(text, len, path, "results file", &doc, err);
    free(text);
    if (st != SG_OK)
        return st;
    char source[SG_ERROR_MSG_MAX];
    snprintf(source, sizeof source, "%s: not a valid results file", path);
    rd r = {{source, SG_ERR_PARSE, err, SG_OK}, path};
    sg_results *res = NULL;
    bool ok = read_results(&r, doc, &res);
    cJSON_Delete(doc);
    if (!ok) {
        sg_results_destroy(res);
        return r.j.st != SG_OK ? r.j.st
                               : sg_error_set(err, SG_ERR_INTERNAL, "%s: load failed", path);
    }
    *out = res;
    return SG_OK;
}
