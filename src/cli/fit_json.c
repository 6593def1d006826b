/* fit_json.c — every figure of a fit as JSON. */
#include "cli/fit_json.h"

#include <stdbool.h>

static cJSON *metrics_json(const sg_metrics *m, bool ok, const char *reason)
{
    if (!ok) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNullToObject(o, "r2");
        cJSON_AddStringToObject(o, "unavailable", reason ? reason : "");
        return o;
    }
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "n", (double)m->n);
    if (m->r2_ok)
        cJSON_AddNumberToObject(o, "r2", m->r2);
    else {
        cJSON_AddNullToObject(o, "r2");
        cJSON_AddStringToObject(o, "r2_reason", m->reason);
    }
    cJSON_AddNumberToObject(o, "rmse", m->rmse);
    cJSON_AddNumberToObject(o, "mae", m->mae);
    cJSON_AddNumberToObject(o, "max_abs_error", m->max_abs);
    cJSON_AddNumberToObject(o, "max_error_row", (double)m->max_row);
    return o;
}

static const char *gate_name(sg_gate_kind k)
{
    switch (k) {
    case SG_GATE_WORSE_THAN_BASELINE:
        return "worse_than_baseline";
    case SG_GATE_LOW_Q2:
        return "low_q2";
    case SG_GATE_OVERFIT:
        return "overfitting";
    case SG_GATE_NO_Q2:
        return "no_q2";
    }
    return "other";
}

static void add_run(cJSON *o, const sg_table *t, size_t row, const char *prefix)
{
    char key[32];
    snprintf(key, sizeof key, "%srow", prefix);
    cJSON_AddNumberToObject(o, key, (double)t->row[row]);
    snprintf(key, sizeof key, "%sline", prefix);
    cJSON_AddNumberToObject(o, key, t->line[row]);
    snprintf(key, sizeof key, "%srun", prefix);
    if (t->run_id)
        cJSON_AddStringToObject(o, key, t->run_id[row]);
    else
        cJSON_AddNullToObject(o, key);
}

cJSON *sg_fit_json(const sg_study *s, const sg_table *t, const sg_study_model *settings,
                   const sg_fit_result *r, const char *model_path)
{
    cJSON *o = cJSON_CreateObject(), *x, *arr, *item;
    if (!o)
        return NULL;
    const sg_model_spec *sp = sg_model_spec_of(r->model);
    cJSON_AddStringToObject(o, "model_file", model_path);
    cJSON_AddNumberToObject(o, "rows", (double)r->n_rows);
    cJSON_AddStringToObject(o, "data_hash", r->data_hash);
    cJSON_AddStringToObject(o, "settings_hash", r->settings_hash);

    x = cJSON_AddObjectToObject(o, "settings");
    arr = cJSON_AddArrayToObject(x, "hidden");
    for (size_t i = 0; i < sp->n_hidden; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)sp->hidden[i]));
    cJSON_AddStringToObject(x, "activation", sg_activation_name(sp->hidden_act));
    cJSON_AddStringToObject(x, "output_activation", sg_activation_name(sp->output_act));
    cJSON_AddStringToObject(x, "init", sp->init == SG_INIT_HE ? "he" : "glorot");
    cJSON_AddNumberToObject(x, "ensemble", (double)sp->ensemble);
    cJSON_AddBoolToObject(x, "shared", sp->shared);
    cJSON_AddStringToObject(x, "factor_scaling", sg_scale_kind_name(sp->x_scale));
    cJSON_AddStringToObject(x, "response_scaling", sg_scale_kind_name(sp->y_scale));
    cJSON_AddStringToObject(x, "optimizer", r->optimizer);
    cJSON_AddNumberToObject(x, "epochs", (double)sp->train.epochs);
    cJSON_AddNumberToObject(x, "learning_rate", sp->train.learning_rate);
    cJSON_AddNumberToObject(x, "l1", sp->train.l1);
    cJSON_AddNumberToObject(x, "l2", sp->train.l2);
    cJSON_AddBoolToObject(x, "early_stopping", sp->train.early_stopping.enabled);
    cJSON_AddNumberToObject(x, "seed", (double)sp->seed);
    cJSON_AddStringToObject(x, "validation", settings->validation);
    cJSON_AddNumberToObject(x, "interval_level", settings->cv.level);
    cJSON_AddNumberToObject(x, "outlier_threshold", settings->cv.outlier_z);
    cJSON_AddNumberToObject(x, "outlier_range_fraction", settings->cv.outlier_range_frac);

    x = cJSON_AddObjectToObject(o, "parameters");
    cJSON_AddNumberToObject(x, "per_member", (double)r->n_params_member);
    cJSON_AddNumberToObject(x, "total", (double)r->n_params_total);
    cJSON_AddNumberToObject(x, "rows", (double)r->n_rows);
    cJSON_AddBoolToObject(x, "regularised", r->regularised);
    cJSON_AddBoolToObject(x, "exceed_rows", r->params_exceed_rows);

    if (r->cv) {
        char plan[64];
        sg_cv_spec_format(&r->cv->plan, plan, sizeof plan);
        x = cJSON_AddObjectToObject(o, "cv");
        cJSON_AddStringToObject(x, "plan", plan);
        cJSON_AddNumberToObject(x, "folds", (double)r->cv->n_folds);
    } else {
        cJSON_AddNullToObject(o, "cv");
    }

    arr = cJSON_AddArrayToObject(o, "responses");
    for (size_t j = 0; j < r->n_out; j++) {
        item = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, item);
        cJSON_AddStringToObject(item, "name", s->responses[j].name);
        cJSON_AddStringToObject(item, "unit", s->responses[j].unit);
        cJSON_AddItemToObject(item, "train", metrics_json(&r->train[j], true, NULL));
        cJSON_AddItemToObject(item, "baseline_train",
                              metrics_json(&r->rsm_train[j], r->rsm_ok[j], r->rsm_note[j]));
        cJSON_AddStringToObject(item, "baseline_note", r->rsm_note[j]);
        if (!r->cv) {
            cJSON_AddNullToObject(item, "cv");
            continue;
        }
        const sg_cv_response *c = &r->cv->resp[j];
        cJSON *cv = cJSON_AddObjectToObject(item, "cv");
        cJSON_AddItemToObject(cv, "network", metrics_json(&c->net, true, NULL));
        cJSON_AddItemToObject(cv, "baseline", metrics_json(&c->rsm, c->rsm_ok, c->rsm_reason));
        cJSON *iv = cJSON_AddObjectToObject(cv, "interval");
        cJSON_AddNumberToObject(iv, "level", c->level);
        cJSON_AddNumberToObject(iv, "half_width", c->half_width);
        cJSON_AddNumberToObject(iv, "coverage", c->coverage);
        if (c->spread_factor_ok)
            cJSON_AddNumberToObject(iv, "spread_factor", c->spread_factor);
        else
            cJSON_AddNullToObject(iv, "spread_factor");
        cJSON_AddStringToObject(iv, "note", c->interval_note);
        cJSON *ss = cJSON_AddObjectToObject(cv, "suspicious_scale");
        if (c->outlier_ok) {
            cJSON_AddNumberToObject(ss, "median", c->scale.median);
            cJSON_AddNumberToObject(ss, "mad_sd", c->scale.mad_sd);
            cJSON_AddNumberToObject(ss, "resolution", c->scale.resolution);
            cJSON_AddNumberToObject(ss, "range_floor", c->scale.range_floor);
            cJSON_AddNumberToObject(ss, "scale", c->scale.scale);
            cJSON_AddStringToObject(ss, "set_by", sg_outlier_floor_name(c->scale.source));
        } else {
            cJSON_AddStringToObject(ss, "note", c->outlier_reason);
        }
        cJSON *held = cJSON_AddArrayToObject(cv, "held_out");
        for (size_t h = 0; h < r->cv->n_held; h++) {
            size_t k = h * r->n_out + j;
            cJSON *e = cJSON_CreateObject();
            cJSON_AddItemToArray(held, e);
            add_run(e, t, r->cv->held_row[h], "");
            cJSON_AddNumberToObject(e, "fold", (double)r->cv->held_fold[h]);
            cJSON_AddNumberToObject(e, "observed", r->cv->obs[k]);
            cJSON_AddNumberToObject(e, "predicted", r->cv->pred[k]);
            cJSON_AddNumberToObject(e, "spread", r->cv->sd[k]);
            if (c->rsm_ok)
                cJSON_AddNumberToObject(e, "baseline", r->cv->rsm_pred[k]);
            else
                cJSON_AddNullToObject(e, "baseline");
        }
    }

    arr = cJSON_AddArrayToObject(o, "warnings");
    if (r->params_exceed_rows) {
        item = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, item);
        cJSON_AddStringToObject(item, "kind", "parameters_exceed_rows");
        cJSON_AddNullToObject(item, "response");
        cJSON_AddStringToObject(item, "message",
                                "more trainable parameters than rows without regularisation");
    }
    for (size_t g = 0; g < r->n_gates; g++) {
        item = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, item);
        cJSON_AddStringToObject(item, "kind", gate_name(r->gates[g].kind));
        cJSON_AddStringToObject(item, "response", s->responses[r->gates[g].response].name);
        cJSON_AddNumberToObject(item, "value", r->gates[g].value);
        cJSON_AddNumberToObject(item, "reference", r->gates[g].reference);
        cJSON_AddStringToObject(item, "message", r->gates[g].message);
    }

    arr = cJSON_AddArrayToObject(o, "suspicious_runs");
    for (size_t k = 0; r->cv && k < r->cv->n_outliers; k++) {
        const sg_outlier *ol = &r->cv->outliers[k];
        item = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, item);
        add_run(item, t, ol->row, "");
        cJSON_AddStringToObject(item, "response", s->responses[ol->response].name);
        cJSON_AddNumberToObject(item, "observed", ol->observed);
        cJSON_AddNumberToObject(item, "predicted", ol->predicted);
        cJSON_AddNumberToObject(item, "spread", ol->spread);
        cJSON_AddNumberToObject(item, "interval_half_width", ol->half_width);
        cJSON_AddNumberToObject(item, "z", ol->z);
        cJSON_AddNumberToObject(item, "scale", ol->scale);
        if (ol->cluster_first != ol->cluster_last) {
            cJSON *cl = cJSON_AddObjectToObject(item, "cluster");
            add_run(cl, t, ol->cluster_first, "first_");
            add_run(cl, t, ol->cluster_last, "last_");
        } else {
            cJSON_AddNullToObject(item, "cluster");
        }
    }

    x = cJSON_AddObjectToObject(o, "duplicates");
    cJSON_AddNumberToObject(x, "count", (double)r->n_dups);
    arr = cJSON_AddArrayToObject(x, "listed");
    for (size_t k = 0; k < r->n_dups_listed; k++) {
        const sg_duplicate *d = &r->dups[k];
        item = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, item);
        add_run(item, t, d->row_a, "a_");
        add_run(item, t, d->row_b, "b_");
        cJSON_AddStringToObject(item, "response", s->responses[d->response].name);
        cJSON_AddNumberToObject(item, "a_value", d->value_a);
        cJSON_AddNumberToObject(item, "b_value", d->value_b);
    }
    return o;
}
