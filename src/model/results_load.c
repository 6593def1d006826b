/* results_load.c — reading the saved results file (results.h). */
#include "model/results.h"

#include "core/file.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest results file read (bytes). */
#define SG_RESULTS_MAX_BYTES ((size_t)512 * 1024 * 1024)

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
    if (cJSON_HasObjectItem(o, "between_note")) { /* absent in files of earlier versions */
        get_str(r, o, "between_note", cv->between_note, sizeof cv->between_note);
        cv->n_between_folds = get_size(r, o, "n_between_folds", SG_RESULTS_MAX_HELD);
        size_t nb = get_size(r, o, "n_between", SG_RESULTS_MAX_HELD), bc = nb * n_out;
        if (!r->bad && nb) {
            cv->between_row = calloc(nb, sizeof(size_t));
            cv->between_factor = calloc(nb, sizeof(size_t));
            cv->between_obs = calloc(bc, sizeof(double));
            cv->between_pred = calloc(bc, sizeof(double));
            cv->between_sd = calloc(bc, sizeof(double));
            cv->between_rsm = calloc(bc, sizeof(double));
            if (!cv->between_row || !cv->between_factor || !cv->between_obs ||
                !cv->between_pred || !cv->between_sd || !cv->between_rsm) {
                sg_error_set(r->err, SG_ERR_NOMEM, "%s: out of memory", r->path);
                r->bad = 1;
                goto fail;
            }
            cv->n_between = nb;
            get_sizes(r, o, "between_row", cv->between_row, nb, cv->n_rows ? cv->n_rows - 1 : 0);
            get_sizes(r, o, "between_factor", cv->between_factor, nb, SG_RESULTS_MAX_HELD);
            get_nums(r, o, "between_obs", cv->between_obs, bc);
            get_nums(r, o, "between_pred", cv->between_pred, bc);
            get_nums(r, o, "between_sd", cv->between_sd, bc);
            get_nums(r, o, "between_rsm", cv->between_rsm, bc);
        }
    }
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
        if (cJSON_HasObjectItem(x, "accuracy_note")) { /* absent in earlier versions */
            get_metrics(r, field(r, x, "between"), &c->between);
            get_metrics(r, field(r, x, "rsm_between"), &c->rsm_between);
            c->half_width_plan = get_num(r, x, "half_width_plan");
            c->half_width_between = get_num(r, x, "half_width_between");
            c->coverage_between = get_num(r, x, "coverage_between");
            c->range = get_num(r, x, "range");
            c->resolution = get_num(r, x, "resolution");
            get_str(r, x, "accuracy_note", c->accuracy_note, sizeof c->accuracy_note);
        } else {
            c->half_width_plan = c->half_width;
        }
    }
    size_t k = 0;
    cJSON_ArrayForEach(x, outl)
    {
        sg_outlier *c = &cv->outliers[k++];
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

sg_status sg_results_load(const char *path, sg_results **out, sg_error *err_out)
{
    if (!out || !path)
        return sg_error_set(err_out, SG_ERR_INVALID, "results load: no path");
    *out = NULL;
    sg_error e, *err = &e;
    sg_error_clear(&e);
    char *text = NULL;
    size_t text_len = 0;
    if (sg_file_read(path, SG_RESULTS_MAX_BYTES, &text, &text_len, err) != SG_OK) {
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
