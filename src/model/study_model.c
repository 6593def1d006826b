/* study_model.c — validate [model]/[train] and map them to the fit settings. */
#include "model/study_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/path.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const model_keys[] = {
    "file",     "hidden",         "activation",      "output_activation", "init",
    "ensemble", "shared",         "factor_scaling",  "response_scaling",  "type",
    "relevance", "trend",
};

static const char *const train_keys[] = {
    "optimizer",  "learning_rate",  "epochs",         "batch_size",        "momentum",
    "nesterov",   "beta1",          "beta2",          "epsilon",           "rho",
    "l1",         "l2",             "early_stopping", "min_delta",         "patience",
    "restore_best", "validation",   "interval_level", "outlier_threshold", "threads",
    "outlier_range_fraction", "lr_patience", "validation_share",
};

/* Keys that fix a field the size-aware plan would otherwise choose. */
static const struct {
    const char *key;
    unsigned bit;
} size_keys[] = {
    {"optimizer", SG_SIZE_AUTO_OPTIMIZER},    {"learning_rate", SG_SIZE_AUTO_LR},
    {"epochs", SG_SIZE_AUTO_EPOCHS},          {"batch_size", SG_SIZE_AUTO_BATCH},
    {"lr_patience", SG_SIZE_AUTO_LR_PATIENCE}, {"early_stopping", SG_SIZE_AUTO_STOPPING},
    {"patience", SG_SIZE_AUTO_STOPPING},      {"restore_best", SG_SIZE_AUTO_STOPPING},
    {"min_delta", SG_SIZE_AUTO_STOPPING},     {"validation_share", SG_SIZE_AUTO_VAL_SHARE},
};

void sg_study_model_destroy(sg_study_model *m)
{
    if (!m)
        return;
    free(m->model_file);
    free(m->model_path);
    memset(m, 0, sizeof *m);
}

/* An integer key in [lo, hi] into *out (untouched when absent). */
static sg_status get_size(const sg_toml_value *t, const char *key, int64_t lo, int64_t hi,
                          size_t *out, sg_error *err)
{
    int64_t v = 0;
    bool found = false;
    sg_status st = sg_toml_get_integer(t, key, false, &v, &found, err);
    if (st != SG_OK || !found)
        return st;
    if (v < lo || v > hi)
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, key),
                                "'%s' must be an integer from %lld to %lld (got %lld)", key,
                                (long long)lo, (long long)hi, (long long)v);
    *out = (size_t)v;
    return SG_OK;
}

typedef enum range_kind {
    R_POSITIVE,     /* > 0 */
    R_NONNEG,       /* >= 0 */
    R_UNIT_OPEN,    /* (0, 1) */
    R_UNIT_HALFOPEN /* [0, 1) */
} range_kind;

/* [train] l2: "auto" (the default: chosen from the table, regularize.h)
 * or a number >= 0 for every network. */
static sg_status get_l2(const sg_toml_value *t, sg_study_model *m, sg_error *err);

/* A float key (integers accepted) within the range into *out. */
static sg_status get_real(const sg_toml_value *t, const char *key, range_kind r, double *out,
                          sg_error *err)
{
    double v = 0;
    bool found = false;
    sg_status st = sg_toml_get_float(t, key, false, &v, &found, err);
    if (st != SG_OK || !found)
        return st;
    const sg_toml_value *at = sg_toml_table_get(t, key);
    bool ok = isfinite(v);
    const char *want = "";
    switch (r) {
    case R_POSITIVE:
        ok = ok && v > 0;
        want = "positive";
        break;
    case R_NONNEG:
        ok = ok && v >= 0;
        want = "zero or positive";
        break;
    case R_UNIT_OPEN:
        ok = ok && v > 0 && v < 1;
        want = "between 0 and 1 (both excluded)";
        break;
    case R_UNIT_HALFOPEN:
        ok = ok && v >= 0 && v < 1;
        want = "at least 0 and below 1";
        break;
    }
    if (!ok)
        return sg_toml_error_at(err, SG_ERR_INVALID, at, "'%s' must be %s (got %g)", key, want,
                                v);
    *out = v;
    return SG_OK;
}

static sg_status get_bool(const sg_toml_value *t, const char *key, bool *out, sg_error *err)
{
    return sg_toml_get_bool(t, key, false, out, NULL, err);
}

static sg_status get_activation(const sg_toml_value *t, const char *key, bool output,
                                sg_activation *out, sg_error *err)
{
    const char *s = NULL;
    bool found = false;
    sg_status st = sg_toml_get_string(t, key, false, &s, &found, err);
    if (st != SG_OK || !found)
        return st;
    const sg_toml_value *at = sg_toml_table_get(t, key);
    sg_activation a;
    if (!sg_activation_from_name(s, &a) || (output && !sg_activation_output_ok(a)))
        return sg_toml_error_at(err, SG_ERR_INVALID, at,
                                "unknown %s '%s'; valid names: %s", key, s,
                                output ? sg_activation_output_names() : sg_activation_names());
    *out = a;
    return SG_OK;
}

static sg_status get_scaling(const sg_toml_value *t, const char *key, sg_scale_kind *out,
                             sg_error *err)
{
    const char *s = NULL;
    bool found = false;
    sg_status st = sg_toml_get_string(t, key, false, &s, &found, err);
    if (st != SG_OK || !found)
        return st;
    if (sg_scale_kind_parse(s, out, NULL) != SG_OK)
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, key),
                                "unknown %s '%s'; valid names: minmax, zscore, none", key, s);
    return SG_OK;
}

static sg_status get_type(const sg_toml_value *t, sg_model_type *out, sg_error *err)
{
    const char *s = NULL;
    bool found = false;
    sg_status st = sg_toml_get_string(t, "type", false, &s, &found, err);
    if (st != SG_OK || !found)
        return st;
    if (sg_model_type_from_name(s, out))
        return SG_OK;
    static const char *const names[] = {"mlp", "gp", "auto", "quadratic"};
    const char *hint = sg_str_suggest(s, names, sizeof names / sizeof names[0]);
    char tail[64] = "";
    if (hint)
        snprintf(tail, sizeof tail, "; did you mean '%s'?", hint);
    return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "type"),
                            "unknown model type '%.40s' (valid: %s)%s", s,
                            sg_model_type_names(), tail);
}

static sg_status load_hidden(const sg_toml_value *t, sg_model_spec *sp, sg_error *err)
{
    const sg_toml_value *arr = NULL;
    bool found = false;
    sg_status st = sg_toml_get_array(t, "hidden", false, &arr, &found, err);
    if (st != SG_OK || !found)
        return st;
    size_t n = sg_toml_array_size(arr);
    if (n > SG_MODEL_MAX_HIDDEN)
        return sg_toml_error_at(err, SG_ERR_INVALID, arr,
                                "'hidden' lists %zu layers; at most %d are allowed", n,
                                SG_MODEL_MAX_HIDDEN);
    for (size_t i = 0; i < n; i++) {
        const sg_toml_value *v = sg_toml_array_at(arr, i);
        if (sg_toml_type_of(v) != SG_TOML_INTEGER)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "'hidden' must list layer widths as integers, e.g. [8] or "
                                    "[16, 16]; entry %zu is a %s",
                                    i + 1, sg_toml_type_name(sg_toml_type_of(v)));
        int64_t w = sg_toml_integer(v);
        if (w < 1 || w > SG_MLP_MAX_WIDTH)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "hidden layer %zu must have from 1 to %d neurons (got %lld)",
                                    i + 1, SG_MLP_MAX_WIDTH, (long long)w);
        sp->hidden[i] = (size_t)w;
    }
    sp->n_hidden = n;
    return SG_OK;
}

static sg_status load_model(const sg_study *s, sg_study_model *m, sg_error *err)
{
    const sg_toml_value *t = s->model;
    sg_model_spec *sp = &m->spec;
    sg_status st;
    const char *file = NULL;
    if (t) {
        if ((st = sg_study_check_keys(t, "[model]", model_keys, ARRAY_LEN(model_keys), err)) ||
            (st = sg_toml_get_string(t, "file", false, &file, NULL, err)) ||
            (st = get_type(t, &sp->type, err)) ||
            (st = load_hidden(t, sp, err)) ||
            (st = get_size(t, "ensemble", 1, SG_MODEL_MAX_ENSEMBLE, &sp->ensemble, err)) ||
            (st = get_activation(t, "activation", false, &sp->hidden_act, err)) ||
            (st = get_activation(t, "output_activation", true, &sp->output_act, err)) ||
            (st = get_bool(t, "shared", &sp->shared, err)) ||
            (st = get_bool(t, "relevance", &sp->relevance, err)) ||
            (st = get_bool(t, "trend", &sp->trend, err)) ||
            (st = get_scaling(t, "factor_scaling", &sp->x_scale, err)) ||
            (st = get_scaling(t, "response_scaling", &sp->y_scale, err)))
            return st;
        if (sg_toml_table_get(t, "hidden"))
            sp->size_auto &= ~SG_SIZE_AUTO_HIDDEN;
        if (sg_toml_table_get(t, "ensemble"))
            sp->size_auto &= ~SG_SIZE_AUTO_ENSEMBLE;
        const char *init = NULL;
        bool found = false;
        if ((st = sg_toml_get_string(t, "init", false, &init, &found, err)))
            return st;
        if (found) {
            if (strcmp(init, "glorot") == 0)
                sp->init = SG_INIT_GLOROT;
            else if (strcmp(init, "he") == 0)
                sp->init = SG_INIT_HE;
            else
                return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "init"),
                                        "unknown init '%s'; valid names: glorot, he", init);
        }
        if (file && !file[0])
            return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "file"),
                                    "'file' must not be empty");
    }
    if (file) {
        m->model_file = sg_str_dup(file);
    } else {
        /* Default: beside the report. */
        char *rdir = sg_path_dirname(s->report_file);
        size_t len = (rdir ? strlen(rdir) : 0) + strlen(s->name) + sizeof SG_STUDY_MODEL_SUFFIX + 2;
        m->model_file = rdir ? malloc(len) : NULL;
        if (m->model_file)
            snprintf(m->model_file, len, "%s/%s%s", rdir, s->name, SG_STUDY_MODEL_SUFFIX);
        free(rdir);
    }
    if (!m->model_file || !(m->model_path = sg_path_join(s->dir, m->model_file)))
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    return SG_OK;
}

static sg_status get_l2(const sg_toml_value *t, sg_study_model *m, sg_error *err)
{
    const sg_toml_value *v = sg_toml_table_get(t, "l2");
    if (v && sg_toml_type_of(v) == SG_TOML_STRING) {
        size_t len = 0;
        const char *s = sg_toml_string(v, &len);
        if (len != 4 || strcmp(s, "auto") != 0)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "l2 must be \"auto\" or a number >= 0 (got \"%.40s\")", s);
        m->spec.l2_auto = true;
        return SG_OK;
    }
    sg_status st = get_real(t, "l2", R_NONNEG, &m->spec.train.l2, err);
    if (st == SG_OK && v) {
        m->spec.l2_auto = false;
        m->spec.size_auto &= ~SG_SIZE_AUTO_L2;
    }
    return st;
}

static sg_status load_train(const sg_study *s, sg_study_model *m, sg_error *err)
{
    const sg_toml_value *t = s->train;
    sg_train_config *c = &m->spec.train;
    sg_status st;
    if (!t)
        return SG_OK;
    const char *opt = NULL, *val = NULL;
    bool found_opt = false, found_val = false;
    if ((st = sg_study_check_keys(t, "[train]", train_keys, ARRAY_LEN(train_keys), err)) ||
        (st = sg_toml_get_string(t, "optimizer", false, &opt, &found_opt, err)) ||
        (st = get_real(t, "learning_rate", R_POSITIVE, &c->learning_rate, err)) ||
        (st = get_size(t, "epochs", 1, SG_TRAIN_MAX_EPOCHS, &c->epochs, err)) ||
        (st = get_size(t, "batch_size", 0, INT64_MAX, &c->batch_size, err)) ||
        (st = get_real(t, "momentum", R_UNIT_HALFOPEN, &c->momentum, err)) ||
        (st = get_bool(t, "nesterov", &c->nesterov, err)) ||
        (st = get_real(t, "beta1", R_UNIT_HALFOPEN, &c->beta1, err)) ||
        (st = get_real(t, "beta2", R_UNIT_HALFOPEN, &c->beta2, err)) ||
        (st = get_real(t, "epsilon", R_POSITIVE, &c->epsilon, err)) ||
        (st = get_real(t, "rho", R_UNIT_HALFOPEN, &c->rho, err)) ||
        (st = get_real(t, "l1", R_NONNEG, &c->l1, err)) ||
        (st = get_l2(t, m, err)) ||
        (st = get_bool(t, "early_stopping", &c->early_stopping.enabled, err)) ||
        (st = get_real(t, "min_delta", R_NONNEG, &c->early_stopping.min_delta, err)) ||
        (st = get_size(t, "patience", 1, INT64_MAX, &c->early_stopping.patience, err)) ||
        (st = get_bool(t, "restore_best", &c->early_stopping.restore_best, err)) ||
        (st = sg_toml_get_string(t, "validation", false, &val, &found_val, err)) ||
        (st = get_real(t, "interval_level", R_UNIT_OPEN, &m->cv.level, err)) ||
        (st = get_real(t, "outlier_threshold", R_POSITIVE, &m->cv.outlier_z, err)) ||
        (st = get_real(t, "outlier_range_fraction", R_UNIT_HALFOPEN, &m->cv.outlier_range_frac,
                       err)) ||
        (st = get_size(t, "threads", 1, SG_STUDY_MAX_THREADS, &m->cv.n_threads, err)) ||
        (st = get_size(t, "lr_patience", 0, INT64_MAX, &c->lr_patience, err)) ||
        (st = get_real(t, "validation_share", R_UNIT_HALFOPEN, &m->spec.val_share, err)))
        return st;
    for (size_t i = 0; i < ARRAY_LEN(size_keys); i++)
        if (sg_toml_table_get(t, size_keys[i].key))
            m->spec.size_auto &= ~size_keys[i].bit;
    const sg_toml_value *vs = sg_toml_table_get(t, "validation_share");
    if (vs && !(m->spec.val_share < 0.5))
        return sg_toml_error_at(err, SG_ERR_INVALID, vs,
                                "'validation_share' must be below 0.5 (got %g)",
                                m->spec.val_share);
    if (vs && m->spec.val_share > 0 && !c->early_stopping.enabled &&
        sg_toml_table_get(t, "early_stopping"))
        return sg_toml_error_at(err, SG_ERR_INVALID, vs,
                                "'validation_share' is only used with early_stopping = true");
    if (m->spec.val_share > 0) {
        c->early_stopping.enabled = true; /* a share is held out to watch it */
        c->early_stopping.monitor = SG_MONITOR_VALIDATION;
    }
    if (found_opt) {
        if (!sg_optimizer_from_name(opt, &c->optimizer))
            return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "optimizer"),
                                    "unknown optimizer '%s'; valid names: %s", opt,
                                    sg_optimizer_names());
        m->spec.optimizer_auto = false;
    }
    if (c->nesterov && c->momentum <= 0)
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "nesterov"),
                                "'nesterov' needs a positive 'momentum' (got %g)", c->momentum);
    if (found_val) {
        sg_error e;
        sg_error_clear(&e);
        if (strlen(val) >= sizeof m->validation || sg_cv_spec_parse(val, &m->cv.plan, &e) != SG_OK)
            return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "validation"),
                                    "invalid validation '%.40s': expected \"loo\", \"kfold:K\", "
                                    "\"kfold:K:R\" or \"holdout:F\"",
                                    val);
        snprintf(m->validation, sizeof m->validation, "%s", val);
    }
    return SG_OK;
}

sg_status sg_study_model_load(const sg_study *study, sg_study_model *out, sg_error *err)
{
    memset(out, 0, sizeof *out);
    if (!study)
        return sg_error_set(err, SG_ERR_INVALID, "no study");
    out->spec = sg_model_spec_defaults();
    out->spec.seed = study->seed;
    out->spec.l2_auto = true; /* [train] l2 = "auto" unless a number is given */
    out->spec.size_auto = SG_SIZE_AUTO_ALL; /* unless the keys are given */
    for (size_t i = SG_MODEL_MAX_CATEGORICAL; i < study->n_factors; i++)
        if (study->factors[i].scale == SG_FACTOR_SCALE_LOG)
            return sg_toml_error_at(err, SG_ERR_INVALID,
                                    sg_toml_table_get(study->factors[i].table, "scale"),
                                    "factor '%s': only the first %d factors may be on a log "
                                    "scale",
                                    study->factors[i].name, SG_MODEL_MAX_CATEGORICAL);
    for (size_t i = 0; i < study->n_factors && i < SG_MODEL_MAX_CATEGORICAL; i++)
        if (study->factors[i].categorical)
            out->spec.categories[i] = study->factors[i].n_levels;
        else
            out->spec.log_scale[i] = study->factors[i].scale == SG_FACTOR_SCALE_LOG;
    for (size_t j = 0; j < study->n_responses; j++) {
        const sg_response *r = &study->responses[j];
        if (r->log_scale && j >= SG_MODEL_MAX_CATEGORICAL)
            return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(r->table, "scale"),
                                    "response '%s': only the first %d responses may be on a "
                                    "log scale",
                                    r->name, SG_MODEL_MAX_CATEGORICAL);
        if (r->log_scale)
            out->spec.log_y[j] = true;
        if (r->kind == SG_RESPONSE_NUMBER)
            continue;
        if (j >= SG_MODEL_MAX_CATEGORICAL)
            return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(r->table, "type"),
                                    "response '%s': only the first %d responses may hold names",
                                    r->name, SG_MODEL_MAX_CATEGORICAL);
        if (r->n_labels > SG_MODEL_MAX_CLASSES)
            return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(r->table, "levels"),
                                    "response '%s': a class response may have at most %d names "
                                    "(got %zu)",
                                    r->name, SG_MODEL_MAX_CLASSES, r->n_labels);
        out->spec.classes[j] = r->kind == SG_RESPONSE_BINARY ? 2 : r->n_labels;
    }
    out->cv = sg_cv_options_defaults();
    snprintf(out->validation, sizeof out->validation, "auto");
    sg_status st = load_model(study, out, err);
    if (st == SG_OK)
        st = load_train(study, out, err);
    if (st == SG_OK) {
        /* Anything the per-key checks cannot see (combinations). */
        sg_error e;
        sg_error_clear(&e);
        if (sg_model_spec_validate(&out->spec, &e) != SG_OK) {
            const sg_toml_value *at = study->train ? study->train : study->model;
            if (at)
                st = sg_toml_error_at(err, SG_ERR_INVALID, at, "%s", e.msg);
            else
                st = sg_error_set(err, SG_ERR_INVALID, "%s: %s", study->path, e.msg);
        }
    }
    return st;
}
