/* results_io.c — save/load of the study results beside the model (JSON). */
#include "model/results.h"

#include "core/atomic.h"
#include "core/num.h"
#include "core/outputs.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


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
    if (r && m && sg_model_type_of(m) == SG_MODEL_GP) { /* kriging: no loss histories */
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
    c->resp = dup_mem(cv->resp, no * sizeof(sg_cv_response), &ok);
    c->outliers = dup_mem(cv->outliers, cv->n_outliers * sizeof(sg_outlier), &ok);
    if (!ok) {
        sg_cv_result_destroy(c);
        return NULL;
    }
    return c;
}

/* ---- writing ---------------------------------------------------------------------- */

/* A double: a number with 17 significant digits when finite (exact round
 * trip through strtod; cJSON's own printing only round-trips to within an
 * epsilon), else "nan" / "inf" / "-inf". */
static cJSON *num(double v)
{
    if (isnan(v))
        return cJSON_CreateString("nan");
    if (isinf(v))
        return cJSON_CreateString(v > 0 ? "inf" : "-inf");
    char buf[40];
    sg_num_snprintf(buf, sizeof buf, "%.17g", v);
    return cJSON_CreateRaw(buf);
}

static int add_num(cJSON *o, const char *k, double v)
{
    cJSON *n = num(v);
    return n && cJSON_AddItemToObject(o, k, n);
}

static cJSON *num_array(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++) {
        cJSON *x = num(v[i]);
        if (!x || !cJSON_AddItemToArray(a, x)) {
            cJSON_Delete(x);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

static cJSON *size_array(const size_t *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++) {
        cJSON *x = cJSON_CreateNumber((double)v[i]);
        if (!x || !cJSON_AddItemToArray(a, x)) {
            cJSON_Delete(x);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

static int add_arr(cJSON *o, const char *k, cJSON *a)
{
    if (!a)
        return 0;
    if (!cJSON_AddItemToObject(o, k, a)) {
        cJSON_Delete(a);
        return 0;
    }
    return 1;
}

static cJSON *metrics_json(const sg_metrics *m)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    int ok = cJSON_AddNumberToObject(o, "n", (double)m->n) && add_num(o, "r2", m->r2) &&
             cJSON_AddBoolToObject(o, "r2_ok", m->r2_ok) && add_num(o, "rmse", m->rmse) &&
             add_num(o, "mae", m->mae) && add_num(o, "max_abs", m->max_abs) &&
             cJSON_AddNumberToObject(o, "max_row", (double)m->max_row) &&
             cJSON_AddStringToObject(o, "reason", m->reason);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *cv_response_json(const sg_cv_response *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON *net = metrics_json(&r->net), *rsm = metrics_json(&r->rsm);
    int ok = add_arr(o, "net", net) && add_arr(o, "rsm", rsm) &&
             cJSON_AddBoolToObject(o, "rsm_ok", r->rsm_ok) &&
             cJSON_AddStringToObject(o, "rsm_reason", r->rsm_reason) &&
             add_num(o, "level", r->level) && add_num(o, "half_width", r->half_width) &&
             add_num(o, "coverage", r->coverage) &&
             cJSON_AddBoolToObject(o, "spread_factor_ok", r->spread_factor_ok) &&
             add_num(o, "spread_factor", r->spread_factor) &&
             cJSON_AddStringToObject(o, "interval_note", r->interval_note) &&
             cJSON_AddBoolToObject(o, "outlier_ok", r->outlier_ok) &&
             add_num(o, "resid_median", r->resid_median) &&
             add_num(o, "resid_mad", r->resid_mad) &&
             add_num(o, "scale_median", r->scale.median) &&
             add_num(o, "scale_mad_sd", r->scale.mad_sd) &&
             add_num(o, "scale_resolution", r->scale.resolution) &&
             add_num(o, "scale_range_floor", r->scale.range_floor) &&
             add_num(o, "scale", r->scale.scale) &&
             cJSON_AddNumberToObject(o, "scale_source", (double)r->scale.source) &&
             cJSON_AddStringToObject(o, "outlier_reason", r->outlier_reason);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *outlier_json(const sg_outlier *x)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    int ok = cJSON_AddNumberToObject(o, "row", (double)x->row) &&
             cJSON_AddNumberToObject(o, "response", (double)x->response) &&
             add_num(o, "observed", x->observed) && add_num(o, "predicted", x->predicted) &&
             add_num(o, "spread", x->spread) && add_num(o, "half_width", x->half_width) &&
             add_num(o, "z", x->z) && add_num(o, "scale", x->scale) &&
             cJSON_AddNumberToObject(o, "cluster_first", (double)x->cluster_first) &&
             cJSON_AddNumberToObject(o, "cluster_last", (double)x->cluster_last);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *cv_json(const sg_cv_result *cv)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    size_t nh = cv->n_held, no = cv->n_out;
    int ok = cJSON_AddNumberToObject(o, "plan_kind", (double)cv->plan.kind) &&
             cJSON_AddNumberToObject(o, "plan_k", (double)cv->plan.k) &&
             cJSON_AddNumberToObject(o, "plan_repeats", (double)cv->plan.repeats) &&
             add_num(o, "plan_fraction", cv->plan.fraction) &&
             cJSON_AddNumberToObject(o, "n_rows", (double)cv->n_rows) &&
             cJSON_AddNumberToObject(o, "n_out", (double)no) &&
             cJSON_AddNumberToObject(o, "n_folds", (double)cv->n_folds) &&
             cJSON_AddNumberToObject(o, "n_held", (double)nh) &&
             add_arr(o, "held_row", size_array(cv->held_row, nh)) &&
             add_arr(o, "held_fold", size_array(cv->held_fold, nh)) &&
             add_arr(o, "obs", num_array(cv->obs, nh * no)) &&
             add_arr(o, "pred", num_array(cv->pred, nh * no)) &&
             add_arr(o, "sd", num_array(cv->sd, nh * no)) &&
             add_arr(o, "rsm_pred", num_array(cv->rsm_pred, nh * no));
    cJSON *resp = ok ? cJSON_CreateArray() : NULL;
    ok = ok && add_arr(o, "responses", resp);
    for (size_t j = 0; ok && j < no; j++) {
        cJSON *x = cv_response_json(&cv->resp[j]);
        ok = x && cJSON_AddItemToArray(resp, x);
        if (!ok)
            cJSON_Delete(x);
    }
    cJSON *outl = ok ? cJSON_CreateArray() : NULL;
    ok = ok && add_arr(o, "outliers", outl);
    for (size_t k = 0; ok && k < cv->n_outliers; k++) {
        cJSON *x = outlier_json(&cv->outliers[k]);
        ok = x && cJSON_AddItemToArray(outl, x);
        if (!ok)
            cJSON_Delete(x);
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *results_json(const sg_results *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    int ok = cJSON_AddStringToObject(o, "format", SG_RESULTS_FORMAT) &&
             cJSON_AddNumberToObject(o, "version", SG_RESULTS_VERSION) &&
             cJSON_AddStringToObject(o, "data_hash", r->data_hash) &&
             cJSON_AddStringToObject(o, "settings_hash", r->settings_hash) &&
             cJSON_AddNumberToObject(o, "n_out", (double)r->n_out);
    cJSON *tr = ok ? cJSON_CreateArray() : NULL;
    ok = ok && add_arr(o, "train", tr);
    for (size_t j = 0; ok && j < r->n_out; j++) {
        cJSON *x = metrics_json(&r->train[j]);
        ok = x && cJSON_AddItemToArray(tr, x);
        if (!ok)
            cJSON_Delete(x);
    }
    if (ok)
        ok = r->cv ? add_arr(o, "cv", cv_json(r->cv)) : cJSON_AddNullToObject(o, "cv") != NULL;
    cJSON *loss = ok ? cJSON_CreateArray() : NULL;
    ok = ok && add_arr(o, "loss", loss);
    for (size_t j = 0; ok && j < r->n_nets; j++) {
        cJSON *x = cJSON_CreateObject();
        ok = x && cJSON_AddItemToArray(loss, x);
        if (!ok) {
            cJSON_Delete(x);
            break;
        }
        ok = add_arr(x, "train", num_array(r->hist[j].train_loss, r->hist[j].n_epochs)) &&
             add_arr(x, "val", num_array(r->hist[j].val_loss, r->hist[j].n_epochs));
    }
    if (ok && r->has_optim) {
        cJSON *op = cJSON_CreateObject();
        ok = add_arr(o, "optimize", op) && cJSON_AddNumberToObject(op, "d", (double)r->d) &&
             add_num(op, "best_f", r->best_f) && add_arr(op, "best_x", num_array(r->best_x, r->d)) &&
             cJSON_AddBoolToObject(op, "realisable_found", r->realisable_found);
        if (ok && r->realisable_found)
            ok = add_num(op, "realisable_f", r->realisable_f) &&
                 add_arr(op, "realisable_x", num_array(r->realisable_x, r->d));
    } else if (ok) {
        ok = cJSON_AddNullToObject(o, "optimize") != NULL;
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

sg_status sg_results_save(const sg_results *r, const char *path, sg_error *err)
{
    if (!r || !path || !*path || !r->train)
        return sg_error_set(err, SG_ERR_INVALID, "results save: no results or path");
    cJSON *root = results_json(r);
    char *text = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    size_t len = text ? strlen(text) : 0;
    char *line = text ? malloc(len + 1) : NULL; /* the JSON text and a final newline */
    if (line) {
        memcpy(line, text, len);
        line[len] = '\n';
    }
    cJSON_free(text);
    if (!line)
        return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", path);
    sg_status st = sg_atomic_write(path, line, len + 1, err);
    free(line);
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
