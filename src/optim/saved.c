/* saved.c — opening and judging the saved model and results (saved.h). */
#include "optim/saved.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "model/fit.h"
#include "optim/decide.h"

int sg_saved_model_current(const sg_saved *s)
{
    return s && (s->verdict == SG_SAVED_CURRENT || s->verdict == SG_SAVED_NO_RESULTS ||
                 s->verdict == SG_SAVED_MISMATCHED);
}

const char *sg_saved_verdict_name(sg_saved_verdict v)
{
    switch (v) {
    case SG_SAVED_CURRENT:
        return "current";
    case SG_SAVED_STALE_DATA:
        return "stale data";
    case SG_SAVED_STALE_SETTINGS:
        return "stale settings";
    case SG_SAVED_NO_HASHES:
        return "no hashes";
    case SG_SAVED_NO_RESULTS:
        return "no results";
    case SG_SAVED_MISMATCHED:
        return "mismatched";
    }
    return "unknown";
}

int sg_saved_results_belong(const sg_results *r, const sg_model *m, size_t n_responses,
                            char *why, size_t cap)
{
    const char *md = sg_model_data_hash(m), *ms = sg_model_study_hash(m);
    if (strcmp(r->data_hash, md ? md : "") != 0)
        snprintf(why, cap, "its data hash %s is not the model's %s", r->data_hash, md ? md : "");
    else if (strcmp(r->settings_hash, ms ? ms : "") != 0)
        snprintf(why, cap, "its settings hash %s is not the model's %s", r->settings_hash,
                 ms ? ms : "");
    else if (r->n_out != n_responses)
        snprintf(why, cap, "it holds %zu responses, the study %zu", r->n_out, n_responses);
    else {
        if (cap)
            *why = '\0';
        return 1;
    }
    return 0;
}

void sg_saved_destroy(sg_saved *s)
{
    if (!s)
        return;
    sg_model_destroy(s->model);
    sg_results_destroy(s->results);
    free(s->model_path);
    free(s->results_path);
    free(s);
}

sg_status sg_saved_open(const char *model_path, const char *data_hash, const char *settings_hash,
                        size_t n_responses, sg_saved **out, sg_error *err)
{
    *out = NULL;
    if (!model_path || !*model_path || !data_hash || !settings_hash)
        return sg_error_set(err, SG_ERR_INVALID, "saved work: no model path or hashes");
    sg_saved *s = calloc(1, sizeof *s);
    size_t n = strlen(model_path);
    if (s) {
        s->model_path = malloc(n + 1);
        s->results_path = sg_results_path_for_model(model_path);
    }
    if (!s || !s->model_path || !s->results_path) {
        sg_saved_destroy(s);
        return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", model_path);
    }
    memcpy(s->model_path, model_path, n + 1);
    sg_status st = sg_model_load(model_path, &s->model, err);
    if (st != SG_OK) {
        sg_saved_destroy(s);
        return st;
    }
    char why[SG_ERROR_MSG_MAX - 128];
    if (sg_decide_model_is_stale(s->model, data_hash, settings_hash, why, sizeof why)) {
        const char *md = sg_model_data_hash(s->model), *ms = sg_model_study_hash(s->model);
        s->verdict = !md || !*md || !ms || !*ms      ? SG_SAVED_NO_HASHES
                     : strcmp(md, data_hash) != 0 ? SG_SAVED_STALE_DATA
                                                   : SG_SAVED_STALE_SETTINGS;
        snprintf(s->message, sizeof s->message, "the model %s is stale: %s", model_path, why);
        *out = s;
        return SG_OK;
    }
    sg_error e;
    sg_error_clear(&e);
    if (sg_results_load(s->results_path, &s->results, &e) != SG_OK) {
        s->verdict = SG_SAVED_NO_RESULTS;
        s->results_status = e.status;
        snprintf(s->message, sizeof s->message, "%s", e.msg);
    } else if (!sg_saved_results_belong(s->results, s->model, n_responses, why, sizeof why)) {
        s->verdict = SG_SAVED_MISMATCHED;
        snprintf(s->message, sizeof s->message,
                 "the saved results %s belong to another model than %s (%s)", s->results_path,
                 model_path, why);
        sg_results_destroy(s->results);
        s->results = NULL;
    } else {
        s->verdict = SG_SAVED_CURRENT;
        /* the class figures of pass/fail and class responses are derived, not saved */
        for (size_t j = 0; s->results->cv && j < s->results->cv->n_out; j++)
            if (sg_model_n_classes(s->model, j) >= 2 &&
                sg_cv_result_classify(s->results->cv, j, &e) != SG_OK) {
                sg_saved_destroy(s);
                return sg_error_set(err, e.status, "%s: %s", model_path, e.msg);
            }
    }
    *out = s;
    return SG_OK;
}

sg_status sg_saved_open_study(const char *model_path, const sg_study *study, const sg_table *table,
                              const sg_study_model *settings, sg_saved **out, sg_error *err)
{
    char data_hash[17], settings_hash[17];
    sg_hash_hex(table->hash, data_hash);
    sg_fit_settings_hash(study, settings, settings_hash);
    return sg_saved_open(model_path, data_hash, settings_hash, study->n_responses, out, err);
}
