/* results_io.c — save/load of the study results beside the model (JSON). */
#include "results_io.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Largest results file read (bytes). */
#define SG_RESULTS_MAX_BYTES (512L * 1024 * 1024)

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
        sg_train_history_free(&r->hist[i]);
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
        sg_train_history_free(dst);
        return sg_error_set(err, SG_ERR_NOMEM, "results: out of memory");
    }
    memcpy(dst->train_loss, h->train_loss, h->n_epochs * sizeof(double));
    memcpy(dst->val_loss, h->val_loss, h->n_epochs * sizeof(double));
    dst->n_epochs = h->n_epochs;
    return SG_OK;
}

sg_status sg_results_take_histories(sg_results *r, const sg_model *m, sg_error *err)
{
    size_t n = sg_model_n_nets(m);
    if (!r || n == 0 || n > SG_RESULTS_MAX_DIM)
        return sg_error_set(err, SG_ERR_INVALID, "results: no model histories");
    sg_train_history *h = calloc(n, sizeof *h);
    if (!h)
        return sg_error_set(err, SG_ERR_NOMEM, "results: out of memory");
    for (size_t j = 0; j < n; j++)
        if (hist_copy(&h[j], sg_model_history(m, j, 0), err) != SG_OK) {
            for (size_t i = 0; i < j; i++)
                sg_train_history_free(&h[i]);
            free(h);
            return SG_ERR_NOMEM;
        }
    for (size_t i = 0; r->hist && i < r->n_nets; i++)
        sg_train_history_free(&r->hist[i]);
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
    c->outliers = dup_mem(cv->outliers, cv->n_outliers * sizeof(sg_cv_outlier), &ok);
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
    snprintf(buf, sizeof buf, "%.17g", v);
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

static cJSON *outlier_json(const sg_cv_outlier *x)
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
    if (!text)
        return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", path);
    sg_status st = SG_OK;
    FILE *fp = NULL;
    int fd = -1;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp) {
        st = sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", path);
        goto fail;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", 12);
    fd = mkstemp(tmp);
    if (fd < 0) {
        st = sg_error_set(err, SG_ERR_IO, "%s: cannot create a temporary file: %s", path,
                          strerror(errno));
        free(tmp);
        tmp = NULL;
        goto fail;
    }
    (void)fchmod(fd, 0644);
    fp = fdopen(fd, "w");
    if (!fp) {
        st = sg_error_set(err, SG_ERR_IO, "%s: %s", path, strerror(errno));
        close(fd);
        goto fail;
    }
    size_t len = strlen(text);
    if (fwrite(text, 1, len, fp) != len || fputc('\n', fp) == EOF || fflush(fp) != 0 ||
        fsync(fileno(fp)) != 0) {
        st = sg_error_set(err, SG_ERR_IO, "%s: write failed: %s", path, strerror(errno));
        goto fail;
    }
    int rc = fclose(fp);
    fp = NULL;
    if (rc != 0) {
        st = sg_error_set(err, SG_ERR_IO, "%s: write failed: %s", path, strerror(errno));
        goto fail;
    }
    if (rename(tmp, path) != 0) {
        st = sg_error_set(err, SG_ERR_IO, "%s: cannot rename the temporary file: %s", path,
                          strerror(errno));
        goto fail;
    }
    free(tmp);
    cJSON_free(text);
    return SG_OK;
fail:
    if (fp)
        fclose(fp);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    cJSON_free(text);
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

/* ---- reading ------------------------------------------------------------------------- */

typedef struct rd {
    const char *path;
    sg_error *err;
    int bad; /* first problem recorded in err */
} rd;

static void rd_fail(rd *r, const char *what, const char *key)
{
    if (!r->bad)
        sg_error_set(r->err, SG_ERR_PARSE, "%s: not a valid results file: %s '%s'", r->path,
                     what, key);
    r->bad = 1;
}

static const cJSON *field(rd *r, const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    if (!x)
        rd_fail(r, "missing", key);
    return x;
}

static double json_double(rd *r, const cJSON *x, const char *key)
{
    if (cJSON_IsNumber(x))
        return x->valuedouble;
    if (cJSON_IsString(x)) {
        if (strcmp(x->valuestring, "nan") == 0)
            return NAN;
        if (strcmp(x->valuestring, "inf") == 0)
            return INFINITY;
        if (strcmp(x->valuestring, "-inf") == 0)
            return -INFINITY;
    }
    rd_fail(r, "not a number:", key);
    return 0.0;
}

static double get_num(rd *r, const cJSON *o, const char *key)
{
    const cJSON *x = field(r, o, key);
    return x ? json_double(r, x, key) : 0.0;
}

static size_t json_size(rd *r, const cJSON *x, const char *key, size_t max)
{
    if (!cJSON_IsNumber(x) || !(x->valuedouble >= 0) || x->valuedouble > (double)max ||
        x->valuedouble != floor(x->valuedouble)) {
        rd_fail(r, "not a count in range:", key);
        return 0;
    }
    return (size_t)x->valuedouble;
}

static size_t get_size(rd *r, const cJSON *o, const char *key, size_t max)
{
    const cJSON *x = field(r, o, key);
    return x ? json_size(r, x, key, max) : 0;
}

static bool get_bool(rd *r, const cJSON *o, const char *key)
{
    const cJSON *x = field(r, o, key);
    if (x && !cJSON_IsBool(x))
        rd_fail(r, "not true/false:", key);
    return x && cJSON_IsTrue(x);
}

static void get_str(rd *r, const cJSON *o, const char *key, char *buf, size_t cap)
{
    const cJSON *x = field(r, o, key);
    buf[0] = '\0';
    if (!x)
        return;
    if (!cJSON_IsString(x) || strlen(x->valuestring) >= cap) {
        rd_fail(r, "not a string of the expected length:", key);
        return;
    }
    memcpy(buf, x->valuestring, strlen(x->valuestring) + 1);
}

/* Array `key` of exactly n doubles into out (n may be 0). */
static void get_nums(rd *r, const cJSON *o, const char *key, double *out, size_t n)
{
    const cJSON *a = field(r, o, key);
    if (!a)
        return;
    if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n) {
        rd_fail(r, "wrong array length:", key);
        return;
    }
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a) out[i++] = json_double(r, x, key);
}

static void get_sizes(rd *r, const cJSON *o, const char *key, size_t *out, size_t n, size_t max)
{
    const cJSON *a = field(r, o, key);
    if (!a)
        return;
    if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n) {
        rd_fail(r, "wrong array length:", key);
        return;
    }
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a) out[i++] = json_size(r, x, key, max);
}

static void get_metrics(rd *r, const cJSON *o, sg_metrics *m)
{
    if (!cJSON_IsObject(o)) {
        rd_fail(r, "not an object:", "metrics");
        return;
    }
    m->n = get_size(r, o, "n", SG_RESULTS_MAX_HELD);
    m->r2 = get_num(r, o, "r2");
    m->r2_ok = get_bool(r, o, "r2_ok");
    m->rmse = get_num(r, o, "rmse");
    m->mae = get_num(r, o, "mae");
    m->max_abs = get_num(r, o, "max_abs");
    m->max_row = get_size(r, o, "max_row", SG_RESULTS_MAX_HELD);
    get_str(r, o, "reason", m->reason, sizeof m->reason);
}

static sg_cv_result *get_cv(rd *r, const cJSON *o, size_t n_out)
{
    sg_cv_result *cv = calloc(1, sizeof *cv);
    if (!cv) {
        sg_error_set(r->err, SG_ERR_NOMEM, "%s: out of memory", r->path);
        r->bad = 1;
        return NULL;
    }
    size_t kind = get_size(r, o, "plan_kind", SG_CV_AUTO);
    cv->plan.kind = (sg_cv_kind)kind;
    cv->plan.k = get_size(r, o, "plan_k", SG_RESULTS_MAX_HELD);
    cv->plan.repeats = get_size(r, o, "plan_repeats", SG_RESULTS_MAX_HELD);
    cv->plan.fraction = get_num(r, o, "plan_fraction");
    cv->n_rows = get_size(r, o, "n_rows", SG_RESULTS_MAX_HELD);
    cv->n_out = get_size(r, o, "n_out", SG_RESULTS_MAX_DIM);
    cv->n_folds = get_size(r, o, "n_folds", SG_RESULTS_MAX_HELD);
    cv->n_held = get_size(r, o, "n_held", SG_RESULTS_MAX_HELD);
    if (!r->bad && cv->n_out != n_out)
        rd_fail(r, "response count differs:", "n_out");
    if (r->bad)
        goto fail;
    size_t nh = cv->n_held, cells = nh * n_out;
    const cJSON *resp = field(r, o, "responses"), *outl = field(r, o, "outliers");
    if (r->bad)
        goto fail;
    if (!cJSON_IsArray(resp) || (size_t)cJSON_GetArraySize(resp) != n_out) {
        rd_fail(r, "wrong array length:", "responses");
        goto fail;
    }
    if (!cJSON_IsArray(outl) || (size_t)cJSON_GetArraySize(outl) > SG_RESULTS_MAX_HELD) {
        rd_fail(r, "not an array:", "outliers");
        goto fail;
    }
    cv->n_outliers = (size_t)cJSON_GetArraySize(outl);
    cv->held_row = calloc(nh ? nh : 1, sizeof(size_t));
    cv->held_fold = calloc(nh ? nh : 1, sizeof(size_t));
    cv->obs = calloc(cells ? cells : 1, sizeof(double));
    cv->pred = calloc(cells ? cells : 1, sizeof(double));
    cv->sd = calloc(cells ? cells : 1, sizeof(double));
    cv->rsm_pred = calloc(cells ? cells : 1, sizeof(double));
    cv->resp = calloc(n_out, sizeof *cv->resp);
    cv->outliers = calloc(cv->n_outliers ? cv->n_outliers : 1, sizeof *cv->outliers);
    if (!cv->held_row || !cv->held_fold || !cv->obs || !cv->pred || !cv->sd || !cv->rsm_pred ||
        !cv->resp || !cv->outliers) {
        sg_error_set(r->err, SG_ERR_NOMEM, "%s: out of memory", r->path);
        r->bad = 1;
        goto fail;
    }
    get_sizes(r, o, "held_row", cv->held_row, nh, cv->n_rows ? cv->n_rows - 1 : 0);
    get_sizes(r, o, "held_fold", cv->held_fold, nh, cv->n_folds ? cv->n_folds - 1 : 0);
    get_nums(r, o, "obs", cv->obs, cells);
    get_nums(r, o, "pred", cv->pred, cells);
    get_nums(r, o, "sd", cv->sd, cells);
    get_nums(r, o, "rsm_pred", cv->rsm_pred, cells);
    size_t j = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, resp)
    {
        sg_cv_response *c = &cv->resp[j++];
        get_metrics(r, field(r, x, "net"), &c->net);
        get_metrics(r, field(r, x, "rsm"), &c->rsm);
        c->rsm_ok = get_bool(r, x, "rsm_ok");
        get_str(r, x, "rsm_reason", c->rsm_reason, sizeof c->rsm_reason);
        c->level = get_num(r, x, "level");
        c->half_width = get_num(r, x, "half_width");
        c->coverage = get_num(r, x, "coverage");
        c->spread_factor_ok = get_bool(r, x, "spread_factor_ok");
        c->spread_factor = get_num(r, x, "spread_factor");
        get_str(r, x, "interval_note", c->interval_note, sizeof c->interval_note);
        c->outlier_ok = get_bool(r, x, "outlier_ok");
        c->resid_median = get_num(r, x, "resid_median");
        c->resid_mad = get_num(r, x, "resid_mad");
        if (cJSON_HasObjectItem(x, "scale")) { /* absent in files of earlier versions */
            c->scale.median = get_num(r, x, "scale_median");
            c->scale.mad_sd = get_num(r, x, "scale_mad_sd");
            c->scale.resolution = get_num(r, x, "scale_resolution");
            c->scale.range_floor = get_num(r, x, "scale_range_floor");
            c->scale.scale = get_num(r, x, "scale");
            c->scale.source = (sg_outlier_floor)get_size(r, x, "scale_source",
                                                         SG_OUTLIER_SCALE_RANGE);
        }
        get_str(r, x, "outlier_reason", c->outlier_reason, sizeof c->outlier_reason);
    }
    size_t k = 0;
    cJSON_ArrayForEach(x, outl)
    {
        sg_cv_outlier *c = &cv->outliers[k++];
        c->row = get_size(r, x, "row", cv->n_rows ? cv->n_rows - 1 : 0);
        c->response = get_size(r, x, "response", n_out - 1);
        c->observed = get_num(r, x, "observed");
        c->predicted = get_num(r, x, "predicted");
        c->spread = get_num(r, x, "spread");
        c->half_width = get_num(r, x, "half_width");
        c->z = get_num(r, x, "z");
        c->cluster_first = c->cluster_last = c->row;
        if (cJSON_HasObjectItem(x, "scale")) { /* absent in files of earlier versions */
            c->scale = get_num(r, x, "scale");
            c->cluster_first = get_size(r, x, "cluster_first", c->row);
            c->cluster_last = get_size(r, x, "cluster_last", cv->n_rows ? cv->n_rows - 1 : 0);
        }
    }
    if (r->bad)
        goto fail;
    return cv;
fail:
    sg_cv_result_destroy(cv);
    return NULL;
}

static char *read_all(const char *path, sg_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        sg_error_set(err, SG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    if (fseek(fp, 0, SEEK_END) != 0)
        goto io;
    long n = ftell(fp);
    if (n < 0 || n > SG_RESULTS_MAX_BYTES || fseek(fp, 0, SEEK_SET) != 0)
        goto io;
    buf = malloc((size_t)n + 1);
    if (!buf) {
        sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", path);
        fclose(fp);
        return NULL;
    }
    if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
        goto io;
    buf[n] = '\0';
    fclose(fp);
    return buf;
io:
    sg_error_set(err, SG_ERR_IO, "%s: cannot read (or larger than %ld bytes)", path,
                 SG_RESULTS_MAX_BYTES);
    free(buf);
    fclose(fp);
    return NULL;
}

sg_status sg_results_load(const char *path, sg_results **out, sg_error *err_out)
{
    if (!out || !path)
        return sg_error_set(err_out, SG_ERR_INVALID, "results load: no path");
    *out = NULL;
    sg_error e, *err = &e;
    sg_error_clear(&e);
    char *text = read_all(path, err);
    if (!text) {
        if (err_out)
            *err_out = e;
        return e.status;
    }
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root) {
        sg_error_set(&e, SG_ERR_PARSE, "%s: not a valid results file: not JSON", path);
        if (err_out)
            *err_out = e;
        return e.status;
    }
    rd r = {path, err, 0};
    sg_results *res = NULL;
    char format[64];
    get_str(&r, root, "format", format, sizeof format);
    if (!r.bad && strcmp(format, SG_RESULTS_FORMAT) != 0)
        rd_fail(&r, "unknown format", format);
    size_t version = r.bad ? 0 : get_size(&r, root, "version", 1000);
    if (!r.bad && version != SG_RESULTS_VERSION)
        rd_fail(&r, "unsupported version of", "format");
    size_t n_out = r.bad ? 0 : get_size(&r, root, "n_out", SG_RESULTS_MAX_DIM);
    if (!r.bad && n_out == 0)
        rd_fail(&r, "no responses in", "n_out");
    if (r.bad)
        goto fail;
    res = sg_results_create(n_out);
    if (!res) {
        sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", path);
        goto fail;
    }
    get_str(&r, root, "data_hash", res->data_hash, sizeof res->data_hash);
    get_str(&r, root, "settings_hash", res->settings_hash, sizeof res->settings_hash);
    const cJSON *tr = field(&r, root, "train");
    if (!r.bad && (!cJSON_IsArray(tr) || (size_t)cJSON_GetArraySize(tr) != n_out))
        rd_fail(&r, "wrong array length:", "train");
    if (r.bad)
        goto fail;
    size_t j = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, tr) get_metrics(&r, x, &res->train[j++]);
    const cJSON *cv = field(&r, root, "cv");
    if (!r.bad && !cJSON_IsNull(cv)) {
        if (!cJSON_IsObject(cv))
            rd_fail(&r, "not an object:", "cv");
        else
            res->cv = get_cv(&r, cv, n_out);
    }
    const cJSON *loss = r.bad ? NULL : field(&r, root, "loss");
    if (!r.bad && (!cJSON_IsArray(loss) || cJSON_GetArraySize(loss) > SG_RESULTS_MAX_DIM))
        rd_fail(&r, "not an array:", "loss");
    if (!r.bad && cJSON_GetArraySize(loss) > 0) {
        res->n_nets = (size_t)cJSON_GetArraySize(loss);
        res->hist = calloc(res->n_nets, sizeof *res->hist);
        if (!res->hist) {
            sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", path);
            goto fail;
        }
        size_t k = 0;
        cJSON_ArrayForEach(x, loss)
        {
            sg_train_history *h = &res->hist[k++];
            const cJSON *t = field(&r, x, "train"), *v = field(&r, x, "val");
            if (r.bad)
                goto fail;
            size_t ne = cJSON_IsArray(t) ? (size_t)cJSON_GetArraySize(t) : 0;
            if (!cJSON_IsArray(t) || ne > SG_RESULTS_MAX_HELD) {
                rd_fail(&r, "not an array:", "loss.train");
                goto fail;
            }
            if (ne) {
                h->train_loss = malloc(ne * sizeof(double));
                h->val_loss = malloc(ne * sizeof(double));
                if (!h->train_loss || !h->val_loss) {
                    sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", path);
                    goto fail;
                }
                h->n_epochs = ne;
                get_nums(&r, x, "train", h->train_loss, ne);
                get_nums(&r, x, "val", h->val_loss, ne);
                (void)v;
            }
        }
    }
    const cJSON *op = r.bad ? NULL : field(&r, root, "optimize");
    if (!r.bad && !cJSON_IsNull(op)) {
        size_t d = get_size(&r, op, "d", SG_RESULTS_MAX_DIM);
        if (!r.bad && d == 0)
            rd_fail(&r, "no factors in", "optimize.d");
        if (r.bad)
            goto fail;
        double bx[SG_RESULTS_MAX_DIM], rx[SG_RESULTS_MAX_DIM];
        double bf = get_num(&r, op, "best_f");
        get_nums(&r, op, "best_x", bx, d);
        int found = get_bool(&r, op, "realisable_found");
        double rf = 0.0;
        if (found) {
            rf = get_num(&r, op, "realisable_f");
            get_nums(&r, op, "realisable_x", rx, d);
        }
        if (r.bad)
            goto fail;
        if (sg_results_set_optim(res, d, bf, bx, found, rf, found ? rx : NULL, err) != SG_OK)
            goto fail;
    }
    if (r.bad)
        goto fail;
    cJSON_Delete(root);
    *out = res;
    return SG_OK;
fail:
    cJSON_Delete(root);
    sg_results_destroy(res);
    if (e.status == SG_OK)
        sg_error_set(&e, SG_ERR_PARSE, "%s: not a valid results file", path);
    if (err_out)
        *err_out = e;
    return e.status;
}
