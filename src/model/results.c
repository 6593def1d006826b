/* results.c — the study results beside the model: building and writing (JSON). */
#include "model/results.h"

#include "core/atomic.h"
#include "core/json.h"
#include "core/outputs.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>


sg_results *sg_results_create(size_t n_out)
{
    if (n_out == 0 || n_out > SG_RESULTS_MAX_DIM)
        return NULL;
    sg_results *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->n_out = n_out;
    r->train = calloc(n_out, sizeof *r->train);
    if (!r->train) {
        free(r);
        return NULL;
    }
    return r;
}

void sg_results_destroy(sg_results *r)
{
    if (!r)
        return;
    free(r->train);
    sg_cv_result_destroy(r->cv);
    for (size_t i = 0; r->hist && i < r->n_nets; i++)
        sg_train_history_destroy(&r->hist[i]);
    free(r->hist);
    free(r->best_x);
    free(r->realisable_x);
    free(r);
}

sg_status sg_results_set_optim(sg_results *r, size_t d, double best_f, const double *best_x,
                               int realisable_found, double realisable_f,
                               const double *realisable_x, sg_error *err)
{
    if (!r || d == 0 || d > SG_RESULTS_MAX_DIM || !best_x || (realisable_found && !realisable_x))
        return sg_error_set(err, SG_ERR_INVALID, "results: invalid optimisation digest");
    double *bx = malloc(d * sizeof *bx);
    double *rx = realisable_found ? malloc(d * sizeof *rx) : NULL;
    if (!bx || (realisable_found && !rx)) {
        free(bx);
        free(rx);
        return sg_error_set(err, SG_ERR_NOMEM, "results: out of memory");
    }
    memcpy(bx, best_x, d * sizeof *bx);
    if (rx)
        memcpy(rx, realisable_x, d * sizeof *rx);
    free(r->best_x);
    free(r->realisable_x);
    r->has_optim = 1;
    r->d = d;
    r->best_f = best_f;
    r->best_x = bx;
    r->realisable_found = realisable_found;
    r->realisable_f = realisable_found ? realisable_f : 0.0;
    r->realisable_x = rx;
    return SG_OK;
}

static sg_status hist_copy(sg_train_history *dst, const sg_train_history *h, sg_error *err)
{
    memset(dst, 0, sizeof *dst);
    if (!h->n_epochs)
        return SG_OK;
    dst->train_loss = malloc(h->n_epochs * sizeof(double));
    dst->val_loss = malloc(h->n_epochs * sizeof(double));
    if (!dst->train_loss || !dst->val_loss) {
        sg_train_history_destroy(dst);
        return sg_error_set(err, SG_ERR_NOMEM, "results: out of memory");
    }
    memcpy(dst->train_loss, h->train_loss, h->n_epochs * sizeof(double));
    memcpy(dst->val_loss, h->val_loss, h->n_epochs * sizeof(double));
    dst->n_epochs = h->n_epochs;
    return SG_OK;
}

sg_status sg_results_take_histories(sg_results *r, const sg_model *m, sg_error *err)
{
    size_t n = m ? sg_model_n_nets(m) : 0;
    if (r && m && sg_model_type_of(m) != SG_MODEL_MLP) { /* kriging, quadratic: no losses */
        for (size_t i = 0; r->hist && i < r->n_nets; i++)
            sg_train_history_destroy(&r->hist[i]);
        free(r->hist);
        r->hist = NULL;
        r->n_nets = 0;
        return SG_OK;
    }
    if (!r || n == 0 || n > SG_RESULTS_MAX_DIM)
        return sg_error_set(err, SG_ERR_INVALID, "results: no model histories");
    sg_train_history *h = calloc(n, sizeof *h);
    if (!h)
        return sg_error_set(err, SG_ERR_NOMEM, "results: out of memory");
    for (size_t j = 0; j < n; j++)
        if (hist_copy(&h[j], sg_model_history(m, j, 0), err) != SG_OK) {
            for (size_t i = 0; i < j; i++)
                sg_train_history_destroy(&h[i]);
            free(h);
            return SG_ERR_NOMEM;
        }
    for (size_t i = 0; r->hist && i < r->n_nets; i++)
        sg_train_history_destroy(&r->hist[i]);
    free(r->hist);
    r->hist = h;
    r->n_nets = n;
    return SG_OK;
}

sg_status sg_results_restore_histories(const sg_results *r, sg_model *m, sg_error *err)
{
    if (!r || !m)
        return sg_error_set(err, SG_ERR_INVALID, "results: no results or model");
    if (r->n_nets == 0)
        return SG_OK;
    if (r->n_nets != sg_model_n_nets(m))
        return sg_error_set(err, SG_ERR_INVALID,
                            "results: %zu saved loss histories for a model of %zu networks",
                            r->n_nets, sg_model_n_nets(m));
    for (size_t j = 0; j < r->n_nets; j++) {
        sg_status st = sg_model_set_history(m, j, 0, &r->hist[j], err);
        if (st != SG_OK)
            return st;
    }
    return SG_OK;
}

/* ---- deep copy of a CV result ------------------------------------------------- */

static void *dup_mem(const void *p, size_t bytes, int *ok)
{
    if (bytes == 0 || !p)
        return NULL;
    void *q = malloc(bytes);
    if (!q) {
        *ok = 0;
        return NULL;
    }
    memcpy(q, p, bytes);
    return q;
}

sg_cv_result *sg_results_cv_copy(const sg_cv_result *cv)
{
    if (!cv)
        return NULL;
    sg_cv_result *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    *c = *cv;
    int ok = 1;
    size_t nh = cv->n_held, no = cv->n_out;
    c->held_row = dup_mem(cv->held_row, nh * sizeof(size_t), &ok);
    c->held_fold = dup_mem(cv->held_fold, nh * sizeof(size_t), &ok);
    c->obs = dup_mem(cv->obs, nh * no * sizeof(double), &ok);
    c->pred = dup_mem(cv->pred, nh * no * sizeof(double), &ok);
    c->sd = dup_mem(cv->sd, nh * no * sizeof(double), &ok);
    c->rsm_pred = dup_mem(cv->rsm_pred, nh * no * sizeof(double), &ok);
    c->prob_off = NULL;
    c->proba = c->rsm_proba = c->between_proba = NULL;
    if (cv->prob_off) {
        size_t np = cv->n_prob;
        c->prob_off = dup_mem(cv->prob_off, no * sizeof(size_t), &ok);
        c->proba = dup_mem(cv->proba, (nh * np + 1) * sizeof(double), &ok);
        c->rsm_proba = dup_mem(cv->rsm_proba, (nh * np + 1) * sizeof(double), &ok);
        if (cv->between_proba)
            c->between_proba = dup_mem(cv->between_proba, (cv->n_between * np + 1) *
                                       sizeof(double), &ok);
    }
    c->window_kriging = NULL; /* used by fit only; not part of the results */
    c->resp = dup_mem(cv->resp, no * sizeof(sg_cv_response), &ok);
    c->outliers = dup_mem(cv->outliers, cv->n_outliers * sizeof(sg_outlier), &ok);
    size_t nb = cv->n_between;
    c->between_row = c->between_factor = NULL;
    c->between_obs = c->between_pred = c->between_sd = c->between_rsm = NULL;
    if (nb) {
        c->between_row = dup_mem(cv->between_row, nb * sizeof(size_t), &ok);
        c->between_factor = dup_mem(cv->between_factor, nb * sizeof(size_t), &ok);
        c->between_obs = dup_mem(cv->between_obs, nb * no * sizeof(double), &ok);
        c->between_pred = dup_mem(cv->between_pred, nb * no * sizeof(double), &ok);
        c->between_sd = dup_mem(cv->between_sd, nb * no * sizeof(double), &ok);
        c->between_rsm = dup_mem(cv->between_rsm, nb * no * sizeof(double), &ok);
    }
    if (!ok) {
        sg_cv_result_destroy(c);
        return NULL;
    }
    return c;
}

/* ---- writing ---------------------------------------------------------------------- */

/* Doubles are written with sg_json_exact: 17 significant digits (an exact
 * round trip through strtod), non-finite values as "nan" / "inf" / "-inf". */

static void counts(sg_json_builder *b, cJSON *parent, const char *key, const size_t *v, size_t n)
{
    cJSON *a = sg_json_array(b, parent, key);
    for (size_t i = 0; a && i < n; i++)
        sg_json_count(b, a, NULL, v[i]);
}

static void metrics_json(sg_json_builder *b, cJSON *parent, const char *key, const sg_metrics *m)
{
    cJSON *o = sg_json_object(b, parent, key);
    sg_json_count(b, o, "n", m->n);
    sg_json_exact(b, o, "r2", m->r2);
    sg_json_bool(b, o, "r2_ok", m->r2_ok);
    sg_json_exact(b, o, "rmse", m->rmse);
    sg_json_exact(b, o, "mae", m->mae);
    sg_json_exact(b, o, "max_abs", m->max_abs);
    sg_json_count(b, o, "max_row", m->max_row);
    sg_json_string(b, o, "reason", m->reason);
}

static void cv_response_json(sg_json_builder *b, cJSON *arr, const sg_cv_response *r)
{
    cJSON *o = sg_json_object(b, arr, NULL);
    metrics_json(b, o, "net", &r->net);
    metrics_json(b, o, "rsm", &r->rsm);
    sg_json_bool(b, o, "rsm_ok", r->rsm_ok);
    sg_json_string(b, o, "rsm_reason", r->rsm_reason);
    sg_json_exact(b, o, "level", r->level);
    sg_json_exact(b, o, "half_width", r->half_width);
    sg_json_exact(b, o, "coverage", r->coverage);
    sg_json_bool(b, o, "spread_factor_ok", r->spread_factor_ok);
    sg_json_exact(b, o, "spread_factor", r->spread_factor);
    sg_json_string(b, o, "interval_note", r->interval_note);
    sg_json_bool(b, o, "outlier_ok", r->outlier_ok);
    sg_json_exact(b, o, "resid_median", r->resid_median);
    sg_json_exact(b, o, "resid_mad", r->resid_mad);
    sg_json_exact(b, o, "scale_median", r->scale.median);
    sg_json_exact(b, o, "scale_mad_sd", r->scale.mad_sd);
    sg_json_exact(b, o, "scale_resolution", r->scale.resolution);
    sg_json_exact(b, o, "scale_range_floor", r->scale.range_floor);
    sg_json_exact(b, o, "scale", r->scale.scale);
    sg_json_count(b, o, "scale_source", (size_t)r->scale.source);
    sg_json_string(b, o, "outlier_reason", r->outlier_reason);
    metrics_json(b, o, "between", &r->between);
    metrics_json(b, o, "rsm_between", &r->rsm_between);
    sg_json_exact(b, o, "half_width_plan", r->half_width_plan);
    sg_json_exact(b, o, "half_width_between", r->half_width_between);
    sg_json_exact(b, o, "coverage_between", r->coverage_between);
    sg_json_exact(b, o, "range", r->range);
    sg_json_exact(b, o, "resolution", r->resolution);
    sg_json_string(b, o, "accuracy_note", r->accuracy_note);
    sg_json_bool(b, o, "window_ok", r->window_ok);
    sg_json_exact(b, o, "window_rmse", r->window_rmse);
    sg_json_exact(b, o, "window_half_width", r->window_half_width);
    sg_json_exact(b, o, "window_tau", r->window_tau);
    sg_json_string(b, o, "window_note", r->window_note);
    sg_json_exact(b, o, "window_disagreement", r->window_disagreement);
    sg_json_exact(b, o, "window_kriging_rmse", r->window_kriging_rmse);
    sg_json_bool(b, o, "log_interval", r->log_interval);
    sg_json_exact(b, o, "log_rmse", r->log_rmse);
    sg_json_exact(b, o, "log_range", r->log_range);
    sg_json_exact(b, o, "rsm_log_rmse", r->rsm_log_rmse);
    sg_json_exact(b, o, "replicate_sd", r->replicate_sd);
    sg_json_count(b, o, "replicate_dof", r->replicate_dof);
    sg_json_count(b, o, "replicate_settings", r->replicate_settings);
    sg_json_bool(b, o, "window_raised", r->window_raised);
    sg_json_string(b, o, "design_note", r->design_note);
}

static void outlier_json(sg_json_builder *b, cJSON *arr, const sg_outlier *x)
{
    cJSON *o = sg_json_object(b, arr, NULL);
    sg_json_count(b, o, "row", x->row);
    sg_json_count(b, o, "response", x->response);
    sg_json_exact(b, o, "observed", x->observed);
    sg_json_exact(b, o, "predicted", x->predicted);
    sg_json_exact(b, o, "spread", x->spread);
    sg_json_exact(b, o, "half_width", x->half_width);
    sg_json_exact(b, o, "z", x->z);
    sg_json_exact(b, o, "scale", x->scale);
    sg_json_count(b, o, "cluster_first", x->cluster_first);
    sg_json_count(b, o, "cluster_last", x->cluster_last);
    sg_json_bool(b, o, "off_pattern", x->off_pattern);
    sg_json_bool(b, o, "log_scale", x->log_scale);
}

static void cv_json(sg_json_builder *b, cJSON *parent, const sg_cv_result *cv)
{
    cJSON *o = sg_json_object(b, parent, "cv");
    size_t nh = cv->n_held, no = cv->n_out;
    sg_json_count(b, o, "plan_kind", (size_t)cv->plan.kind);
    sg_json_count(b, o, "plan_k", cv->plan.k);
    sg_json_count(b, o, "plan_repeats", cv->plan.repeats);
    sg_json_exact(b, o, "plan_fraction", cv->plan.fraction);
    sg_json_count(b, o, "n_rows", cv->n_rows);
    sg_json_count(b, o, "n_out", no);
    sg_json_count(b, o, "n_folds", cv->n_folds);
    sg_json_bool(b, o, "saturated", cv->saturated);
    sg_json_count(b, o, "main_terms", cv->main_terms);
    sg_json_count(b, o, "fewest_training", cv->fewest_training);
    sg_json_count(b, o, "n_held", nh);
    counts(b, o, "held_row", cv->held_row, nh);
    counts(b, o, "held_fold", cv->held_fold, nh);
    sg_json_exacts(b, o, "obs", cv->obs, nh * no);
    sg_json_exacts(b, o, "pred", cv->pred, nh * no);
    sg_json_exacts(b, o, "sd", cv->sd, nh * no);
    sg_json_exacts(b, o, "rsm_pred", cv->rsm_pred, nh * no);
    if (cv->n_prob) { /* class responses (optional: absent = none) */
        cJSON *cc = sg_json_array(b, o, "class_columns");
        for (size_t j = 0; cc && j < no; j++) {
            size_t k = 0;
            if (cv->prob_off[j] != SIZE_MAX)
                k = cv->resp[j].n_classes;
            sg_json_count(b, cc, NULL, k);
        }
        sg_json_exacts(b, o, "proba", cv->proba, nh * cv->n_prob);
        sg_json_exacts(b, o, "rsm_proba", cv->rsm_proba, nh * cv->n_prob);
        sg_json_exacts(b, o, "between_proba", cv->between_proba, cv->n_between * cv->n_prob);
    }
    sg_json_string(b, o, "between_note", cv->between_note);
    sg_json_count(b, o, "n_between_folds", cv->n_between_folds);
    sg_json_count(b, o, "n_between", cv->n_between);
    counts(b, o, "between_row", cv->between_row, cv->n_between);
    counts(b, o, "between_factor", cv->between_factor, cv->n_between);
    sg_json_exacts(b, o, "between_obs", cv->between_obs, cv->n_between * no);
    sg_json_exacts(b, o, "between_pred", cv->between_pred, cv->n_between * no);
    sg_json_exacts(b, o, "between_sd", cv->between_sd, cv->n_between * no);
    sg_json_exacts(b, o, "between_rsm", cv->between_rsm, cv->n_between * no);
    cJSON *resp = sg_json_array(b, o, "responses");
    for (size_t j = 0; resp && j < no; j++)
        cv_response_json(b, resp, &cv->resp[j]);
    cJSON *outl = sg_json_array(b, o, "outliers");
    for (size_t k = 0; outl && k < cv->n_outliers; k++)
        outlier_json(b, outl, &cv->outliers[k]);
}

static cJSON *results_json(sg_json_builder *b, const sg_results *r)
{
    cJSON *o = sg_json_build_begin(b);
    sg_json_string(b, o, "format", SG_RESULTS_FORMAT);
    sg_json_count(b, o, "version", SG_RESULTS_VERSION);
    sg_json_string(b, o, "data_hash", r->data_hash);
    sg_json_string(b, o, "settings_hash", r->settings_hash);
    sg_json_count(b, o, "n_out", r->n_out);
    cJSON *tr = sg_json_array(b, o, "train");
    for (size_t j = 0; tr && j < r->n_out; j++)
        metrics_json(b, tr, NULL, &r->train[j]);
    if (r->cv)
        cv_json(b, o, r->cv);
    else
        sg_json_null(b, o, "cv");
    if (r->cv_not_possible[0]) /* optional: files without it had a cross-validation or none */
        sg_json_string(b, o, "cv_not_possible", r->cv_not_possible);
    cJSON *loss = sg_json_array(b, o, "loss");
    for (size_t j = 0; loss && j < r->n_nets; j++) {
        cJSON *x = sg_json_object(b, loss, NULL);
        sg_json_exacts(b, x, "train", r->hist[j].train_loss, r->hist[j].n_epochs);
        sg_json_exacts(b, x, "val", r->hist[j].val_loss, r->hist[j].n_epochs);
    }
    if (r->has_optim) {
        cJSON *op = sg_json_object(b, o, "optimize");
        sg_json_count(b, op, "d", r->d);
        sg_json_exact(b, op, "best_f", r->best_f);
        sg_json_exacts(b, op, "best_x", r->best_x, r->d);
        sg_json_bool(b, op, "realisable_found", r->realisable_found);
        if (r->realisable_found) {
            sg_json_exact(b, op, "realisable_f", r->realisable_f);
            sg_json_exacts(b, op, "realisable_x", r->realisable_x, r->d);
        }
    } else {
        sg_json_null(b, o, "optimize");
    }
    return o;
}

sg_status sg_results_save(const sg_results *r, const char *path, sg_error *err)
{
    if (!r || !path || !*path || !r->train)
        return sg_error_set(err, SG_ERR_INVALID, "results save: no results or path");
    sg_json_builder b;
    cJSON *doc = NULL;
    char *text = NULL;
    size_t len = 0;
    sg_status st = sg_json_build_end(&b, results_json(&b, r), path, &doc, err);
    if (st == SG_OK) /* the JSON text and a final newline */
        st = sg_json_print(doc, true, true, &text, &len, err);
    cJSON_Delete(doc);
    if (st == SG_OK)
        st = sg_atomic_write(path, text, len, err);
    free(text);
    return st;
}

char *sg_results_path_for_model(const char *model_path)
{
    if (!model_path)
        return NULL;
    size_t n = strlen(model_path);
    if (n >= 5 && strcmp(model_path + n - 5, ".json") == 0)
        n -= 5;
    char *p = malloc(n + sizeof ".results.json");
    if (!p)
        return NULL;
    memcpy(p, model_path, n);
    memcpy(p + n, ".results.json", sizeof ".results.json");
    return p;
}

bool sg_results_file_is_own(void *user, const char *path)
{
    (void)user;
    return sg_outputs_json_has_format(path, SG_RESULTS_FORMAT);
}
