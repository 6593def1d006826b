/* model_io.c — the model file: JSON via cJSON, written atomically.
 *
 * Every double is written with 17 significant digits ("%.17g") so that
 * save -> load reproduces every bit; 64-bit seeds are written as decimal
 * strings.  The loader checks the format name and version, every count
 * against the architecture and that every number is finite. */
#include "model/model_internal.h"

#include "core/atomic.h"
#include "core/file.h"
#include "core/json.h"
#include "core/num.h"
#include "core/outputs.h"
#include "core/version.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- writing ---- */

static void scaler_json(sg_json_builder *b, cJSON *parent, const char *key, const sg_scaler *s)
{
    cJSON *o = sg_json_object(b, parent, key);
    sg_json_string(b, o, "kind", sg_scale_kind_name(s->kind));
    sg_json_exacts(b, o, "shift", s->shift, s->n_cols);
    sg_json_exacts(b, o, "width", s->width, s->n_cols);
}

static void training_json(sg_json_builder *b, cJSON *root, const sg_train_config *t,
                          size_t n_rows, double val_share)
{
    cJSON *o = sg_json_object(b, root, "training");
    sg_json_count(b, o, "rows", n_rows);
    sg_json_string(b, o, "optimizer", sg_optimizer_name(t->optimizer));
    sg_json_exact(b, o, "learning_rate", t->learning_rate);
    sg_json_count(b, o, "epochs", t->epochs);
    sg_json_count(b, o, "batch_size", t->batch_size);
    sg_json_exact(b, o, "momentum", t->momentum);
    sg_json_bool(b, o, "nesterov", t->nesterov);
    sg_json_exact(b, o, "beta1", t->beta1);
    sg_json_exact(b, o, "beta2", t->beta2);
    sg_json_exact(b, o, "epsilon", t->epsilon);
    sg_json_exact(b, o, "rho", t->rho);
    sg_json_exact(b, o, "l1", t->l1);
    sg_json_exact(b, o, "l2", t->l2);
    sg_json_bool(b, o, "early_stopping", t->early_stopping.enabled);
    sg_json_string(b, o, "monitor", sg_monitor_name(t->early_stopping.monitor));
    sg_json_exact(b, o, "min_delta", t->early_stopping.min_delta);
    sg_json_count(b, o, "patience", t->early_stopping.patience);
    sg_json_bool(b, o, "restore_best", t->early_stopping.restore_best);
    /* written only when used, so that files without them stay byte-identical */
    if (val_share > 0)
        sg_json_exact(b, o, "validation_share", val_share);
    if (t->lr_patience > 0)
        sg_json_count(b, o, "lr_patience", t->lr_patience);
    sg_json_exact(b, o, "lbfgs_gtol", t->lbfgs_gtol);
    sg_json_exact(b, o, "lbfgs_ftol", t->lbfgs_ftol);
    sg_json_exact(b, o, "lbfgs_step", t->lbfgs_step);
    sg_json_exact(b, o, "lbfgs_line_tol", t->lbfgs_line_tol);
}

/* Optional "calibration": one entry per response (null where none); the
 * key is left out when no response has one, so such files are byte-identical
 * to those written before the block existed. */
static void calibration_json(sg_json_builder *b, cJSON *root, const sg_model *m)
{
    bool any = false;
    for (size_t j = 0; j < m->n_out; j++)
        any = any || m->has_calib[j];
    if (!any)
        return;
    cJSON *ca = sg_json_array(b, root, "calibration");
    for (size_t j = 0; ca && j < m->n_out; j++) {
        if (!m->has_calib[j]) {
            sg_json_null(b, ca, NULL);
            continue;
        }
        const sg_model_calibration *c = &m->calib[j];
        cJSON *o = sg_json_object(b, ca, NULL);
        sg_json_string(b, o, "response", m->rname[j]);
        sg_json_exact(b, o, "level", c->level);
        sg_json_exact(b, o, "half_width", c->half_width);
        if (sg_model_response_is_log(m, j)) /* the half-width is in decades */
            sg_json_string(b, o, "scale", "log");
        if (c->spread_factor_ok)
            sg_json_exact(b, o, "spread_factor", c->spread_factor);
        else
            sg_json_null(b, o, "spread_factor");
        sg_json_string(b, o, "cv", c->cv);
        sg_json_string(b, o, "holds", c->window ? "window" : "tested");
        if (isfinite(c->q2))
            sg_json_exact(b, o, "q2", c->q2);
    }
}

/* The kriging block: the training data and each process's hyper-parameters
 * (what sg_gp_fit_fixed is given). */
static void kriging_json(sg_json_builder *b, cJSON *root, const sg_model *m)
{
    size_t d = m->n_feat;
    cJSON *o = sg_json_object(b, root, "kriging");
    sg_json_string(b, o, "kernel", "matern52");
    sg_json_string(b, o, "mean", "constant");
    sg_json_count(b, o, "rows", m->n_rows);
    sg_json_exacts(b, o, "inputs", m->gx, m->n_rows * d);
    sg_json_exacts(b, o, "outputs", m->gy, m->n_rows * m->n_out);
    cJSON *pa = sg_json_array(b, o, "processes");
    for (size_t j = 0; pa && j < m->n_out; j++) {
        const double *p = m->gpar + j * SG_MODEL_GP_NPAR(d);
        cJSON *g = sg_json_object(b, pa, NULL);
        sg_json_string(b, g, "response", m->rname[j]);
        sg_json_exacts(b, g, "lo", p, d);
        sg_json_exacts(b, g, "hi", p + d, d);
        sg_json_exacts(b, g, "length_scales", p + 2 * d, d);
        sg_json_exact(b, g, "signal_variance", p[3 * d]);
        sg_json_exact(b, g, "noise_variance", p[3 * d + 1]);
    }
}

/* The quadratic block: the runs (what the loader refits) and, for a
 * reader, each response's equation on the coded factors (the loader checks
 * that the refit gives it). */
static void quadratic_json(sg_json_builder *b, cJSON *root, const sg_model *m)
{
    cJSON *o = sg_json_object(b, root, "quadratic");
    sg_json_string(b, o, "coding", "z = (x - mid) / half over the runs' min .. max "
                                   "(log10 of a log-scale factor's setting)");
    sg_json_count(b, o, "rows", m->n_rows);
    sg_json_exacts(b, o, "settings", m->qx, m->n_rows * m->n_in);
    sg_json_exacts(b, o, "outputs", m->gy, m->n_rows * m->n_out);
    cJSON *ea = sg_json_array(b, o, "equations");
    for (size_t j = 0; ea && j < m->n_out; j++) {
        const sg_rsm *f = m->quad[j].fit;
        cJSON *e = sg_json_object(b, ea, NULL);
        sg_json_string(b, e, "response", m->rname[j]);
        sg_json_string(b, e, "form", sg_rsm_description(f));
        cJSON *ta = sg_json_array(b, e, "terms");
        for (size_t q = 0; ta && q < sg_rsm_terms(f); q++) {
            char name[SG_MODEL_NAME_MAX * 2 + 48];
            sg_rsm_term_name(f, (const char *const *)m->fname, q, name, sizeof name);
            sg_json_string(b, ta, NULL, name);
        }
        sg_json_exacts(b, e, "coefficients", sg_rsm_coefficients(f), sg_rsm_terms(f));
        sg_json_exact(b, e, "residual_sd", m->quad[j].s);
    }
}

/* How type = auto chose (only for models fitted with it). */
static void selection_json(sg_json_builder *b, cJSON *root, const sg_model *m)
{
    const sg_model_selection *s = &m->sel;
    if (!s->requested)
        return;
    cJSON *o = sg_json_object(b, root, "selection");
    sg_json_string(b, o, "requested", "auto");
    sg_json_string(b, o, "chosen", sg_model_type_name(s->chosen));
    if (s->gp_ok)
        sg_json_exact(b, o, "kriging_score", s->gp_score);
    else
        sg_json_null(b, o, "kriging_score");
    if (s->mlp_ok)
        sg_json_exact(b, o, "network_score", s->mlp_score);
    else
        sg_json_null(b, o, "network_score");
    sg_json_string(b, o, "note", s->note);
}

/* "levels": the names of a category's codes / a pass/fail response's
 * outcomes (absent when there are none). */
static void labels_json(sg_json_builder *b, cJSON *o, char *const *labels, size_t n)
{
    if (!labels)
        return;
    cJSON *a = sg_json_array(b, o, "levels");
    for (size_t k = 0; a && k < n; k++)
        sg_json_string(b, a, NULL, labels[k]);
}

/* The model file's text, with a final newline when newline is true. */
static sg_status model_text(const sg_model *m, bool newline, char **out, size_t *len,
                            sg_error *err)
{
    const sg_model_spec *sp = &m->spec;
    *out = NULL;
    sg_json_builder b;
    cJSON *root = sg_json_build_begin(&b);
    sg_json_string(&b, root, "format", SG_MODEL_FORMAT);
    sg_json_count(&b, root, "version", SG_MODEL_FORMAT_VERSION);
    /* network models fitted as type mlp: no "type" key, as in version 1 */
    if (m->type != SG_MODEL_MLP || sp->type != SG_MODEL_MLP)
        sg_json_string(&b, root, "type", sg_model_type_name(m->type));
    cJSON *lib = sg_json_object(&b, root, "libraries");
    sg_version_entry v[SG_VERSION_COUNT];
    sg_versions(v);
    for (size_t i = 0; i < SG_VERSION_COUNT; i++)
        sg_json_string(&b, lib, v[i].key, v[i].version);
    sg_json_u64(&b, root, "seed", sp->seed);
    sg_json_string(&b, root, "data_hash", m->data_hash);
    sg_json_string(&b, root, "study_hash", m->study_hash);
    cJSON *fa = sg_json_array(&b, root, "factors");
    for (size_t i = 0; fa && i < m->n_in; i++) {
        cJSON *f = sg_json_object(&b, fa, NULL);
        sg_json_string(&b, f, "name", m->fname[i]);
        sg_json_string(&b, f, "unit", m->funit[i]);
        sg_json_exact(&b, f, "min", m->lo[i]);
        sg_json_exact(&b, f, "max", m->hi[i]);
        if (sg_model__is_category(sp, i)) /* absent = numeric */
            sg_json_count(&b, f, "categories", sp->categories[i]);
        if (sg_model__is_log(sp, i)) /* absent = linear */
            sg_json_string(&b, f, "scale", "log");
        labels_json(&b, f, m->flab[i], m->flab[i] ? sp->categories[i] : 0);
    }
    cJSON *ra = sg_json_array(&b, root, "responses");
    for (size_t j = 0; ra && j < m->n_out; j++) {
        cJSON *r = sg_json_object(&b, ra, NULL);
        sg_json_string(&b, r, "name", m->rname[j]);
        sg_json_string(&b, r, "unit", m->runit[j]);
        if (sg_model__is_log_y(sp, j)) /* absent = linear */
            sg_json_string(&b, r, "scale", "log");
        if (isfinite(m->rmin[j])) /* optional: absent = no limit */
            sg_json_exact(&b, r, "lower_limit", m->rmin[j]);
        if (isfinite(m->rmax[j]))
            sg_json_exact(&b, r, "upper_limit", m->rmax[j]);
        if (sg_model_is_binary(m, j)) /* absent = a number */
            sg_json_string(&b, r, "kind", "binary");
        if (sg_model_is_class(m, j)) {
            sg_json_string(&b, r, "kind", "class");
            sg_json_count(&b, r, "classes", sg_model_n_classes(m, j));
        }
        labels_json(&b, r, m->rlab[j], m->rlab[j] ? sg_model_n_classes(m, j) : 0);
    }
    calibration_json(&b, root, m);
    selection_json(&b, root, m);
    if (m->type == SG_MODEL_GP) {
        kriging_json(&b, root, m);
        goto built;
    }
    if (m->type == SG_MODEL_QUAD) {
        quadratic_json(&b, root, m);
        goto built;
    }
    cJSON *sc = sg_json_object(&b, root, "scaling");
    scaler_json(&b, sc, "inputs", m->xs);
    scaler_json(&b, sc, "outputs", m->ys);
    if (m->trend) { /* optional: absent = none (spec.trend off, too few rows, older files) */
        cJSON *ta = sg_json_array(&b, root, "trend");
        for (size_t j = 0; ta && j < m->n_out; j++)
            sg_json_exacts(&b, ta, NULL, m->trend + j * (m->n_feat + 1), m->n_feat + 1);
    }
    cJSON *ar = sg_json_object(&b, root, "architecture");
    cJSON *h = sg_json_array(&b, ar, "hidden");
    for (size_t l = 0; h && l < sp->n_hidden; l++)
        sg_json_count(&b, h, NULL, sp->hidden[l]);
    sg_json_string(&b, ar, "hidden_activation", sg_activation_name(sp->hidden_act));
    sg_json_string(&b, ar, "output_activation", sg_activation_name(sp->output_act));
    sg_json_string(&b, ar, "init", sp->init == SG_INIT_HE ? "he" : "glorot");
    sg_json_bool(&b, ar, "shared", sp->shared);
    sg_json_bool(&b, ar, "relevance", sp->relevance);
    sg_json_bool(&b, ar, "trend", sp->trend);
    sg_json_count(&b, ar, "ensemble", sp->ensemble);
    if (sp->n_l2_each) { /* optional: absent = every network at training.l2 */
        cJSON *le = sg_json_array(&b, ar, "l2_per_network");
        for (size_t j = 0; le && j < sp->n_l2_each; j++)
            sg_json_exact(&b, le, NULL, sp->l2_each[j]);
    }
    /* of a one-output network (a class response's softmax network has k
     * outputs: its params say how many more) */
    size_t per = 0, prev = m->n_feat;
    for (size_t l = 0; l <= sp->n_hidden; l++) {
        size_t next = l < sp->n_hidden ? sp->hidden[l] : (sp->shared ? m->n_out : 1);
        per += prev * next + next;
        prev = next;
    }
    sg_json_count(&b, ar, "parameters_per_member", per);
    sg_json_string(&b, ar, "scaling_inputs", sg_scale_kind_name(sp->x_scale));
    sg_json_string(&b, ar, "scaling_outputs", sg_scale_kind_name(sp->y_scale));
    training_json(&b, root, &sp->train, m->n_rows, sp->val_share);
    cJSON *na = sg_json_array(&b, root, "networks");
    for (size_t j = 0; na && j < m->n_nets; j++) {
        cJSON *nj = sg_json_object(&b, na, NULL);
        sg_json_string(&b, nj, "response", sp->shared ? "*" : m->rname[j]);
        cJSON *mem = sg_json_array(&b, nj, "members");
        for (size_t k = 0; mem && k < sp->ensemble; k++) {
            const sg_mlp *net = m->nets[j * sp->ensemble + k];
            cJSON *mk = sg_json_object(&b, mem, NULL);
            sg_json_u64(&b, mk, "seed", sg_model_member_seed(sp->seed, j, k));
            sg_json_exacts(&b, mk, "params", sg_mlp_params_const(net), sg_mlp_n_params(net));
        }
    }
built:;
    cJSON *doc = NULL;
    sg_status st = sg_json_build_end(&b, root, "model file", &doc, err);
    if (st == SG_OK)
        st = sg_json_print(doc, true, newline, out, len, err);
    cJSON_Delete(doc);
    return st;
}

sg_status sg_model_to_json(const sg_model *m, char **out, sg_error *err)
{
    return model_text(m, false, out, NULL, err);
}

sg_status sg_model_save(const sg_model *m, const char *path, sg_error *err)
{
    char *text = NULL;
    sg_status st;
    if (!m || !path || !*path)
        return sg_error_set(err, SG_ERR_INVALID, "model save: no model or path");
    size_t len = 0;
    if ((st = model_text(m, true, &text, &len, err)) != SG_OK)
        return st;
    st = sg_atomic_write(path, text, len, err);
    free(text);
    return st;
}

/* ---- reading ---- */

/* Fewest bytes one weight takes in a model file ("0,"): a file declaring
 * more weights than len / this is rejected before anything is allocated. */
#define MODEL_MIN_BYTES_PER_VALUE 2

typedef struct reader {
    sg_json_reader j;
    size_t len; /* bytes of the file: bounds the weights it can hold */
} reader;

static bool read_scaler(reader *r, const sg_json_at *sc, const char *key, sg_scaler *s)
{
    sg_json_at o, k;
    if (!sg_json_key(&r->j, sc, key, &o))
        return false;
    const char *kind = sg_json_get_string(&r->j, &o, "kind");
    if (!kind)
        return false;
    if (sg_scale_kind_parse(kind, &s->kind, NULL) != SG_OK) {
        sg_json_has(&o, "kind", &k);
        return sg_json_fail(&r->j, &k, "unknown scaling kind \"%s\"", kind);
    }
    if (!sg_json_get_numbers(&r->j, &o, "shift", s->shift, s->n_cols) ||
        !sg_json_get_numbers(&r->j, &o, "width", s->width, s->n_cols))
        return false;
    sg_json_has(&o, "width", &k);
    for (size_t i = 0; i < s->n_cols; i++)
        if (!(s->width[i] > 0))
            return sg_json_fail(&r->j, &k, "a width is not positive");
    return true;
}

/* The string member key, which must be a name known to parse (else
 * "unknown WHAT \"name\""). */
#define READ_NAME(r, at, key, what, parse)                                                         \
    do {                                                                                           \
        const char *s_ = sg_json_get_string(&(r)->j, (at), (key));                                 \
        sg_json_at k_;                                                                             \
        if (!s_)                                                                                   \
            return false;                                                                          \
        if (!(parse)) {                                                                            \
            sg_json_has((at), (key), &k_);                                                         \
            return sg_json_fail(&(r)->j, &k_, "unknown %s \"%s\"", (what), s_);                    \
        }                                                                                          \
    } while (0)

static bool read_training(reader *r, const sg_json_at *t, sg_train_config *c, size_t *rows)
{
    sg_json_reader *j = &r->j;
    const size_t big = (size_t)1e15;
    sg_json_at opt;
    READ_NAME(r, t, "optimizer", "optimizer", sg_optimizer_from_name(s_, &c->optimizer));
    READ_NAME(r, t, "monitor", "monitor", sg_monitor_from_name(s_, &c->early_stopping.monitor));
    return sg_json_get_size(j, t, "rows", big, rows) &&
           sg_json_get_number(j, t, "learning_rate", &c->learning_rate) &&
           sg_json_get_size(j, t, "epochs", big, &c->epochs) &&
           sg_json_get_size(j, t, "batch_size", big, &c->batch_size) &&
           sg_json_get_number(j, t, "momentum", &c->momentum) &&
           sg_json_get_bool(j, t, "nesterov", &c->nesterov) &&
           sg_json_get_number(j, t, "beta1", &c->beta1) &&
           sg_json_get_number(j, t, "beta2", &c->beta2) &&
           sg_json_get_number(j, t, "epsilon", &c->epsilon) &&
           sg_json_get_number(j, t, "rho", &c->rho) && sg_json_get_number(j, t, "l1", &c->l1) &&
           sg_json_get_number(j, t, "l2", &c->l2) &&
           sg_json_get_bool(j, t, "early_stopping", &c->early_stopping.enabled) &&
           sg_json_get_number(j, t, "min_delta", &c->early_stopping.min_delta) &&
           sg_json_get_size(j, t, "patience", big, &c->early_stopping.patience) &&
           sg_json_get_bool(j, t, "restore_best", &c->early_stopping.restore_best) &&
           (!sg_json_has(t, "lr_patience", &opt) ||
            sg_json_get_size(j, t, "lr_patience", big, &c->lr_patience)) &&
           sg_json_get_number(j, t, "lbfgs_gtol", &c->lbfgs_gtol) &&
           (!sg_json_has(t, "lbfgs_ftol", &opt) ||
            sg_json_get_number(j, t, "lbfgs_ftol", &c->lbfgs_ftol)) &&
           sg_json_get_number(j, t, "lbfgs_step", &c->lbfgs_step) &&
           sg_json_get_number(j, t, "lbfgs_line_tol", &c->lbfgs_line_tol);
}

/* Architecture and counts into spec; n_in/n_out from the factor/response lists. */
static bool read_spec(reader *r, const sg_json_at *root, sg_model_spec *sp, size_t *n_in,
                      size_t *n_out, size_t *rows)
{
    sg_json_reader *j = &r->j;
    sg_json_at fa, ra, ar, tr, h, e;
    if (!sg_json_key(j, root, "factors", &fa) || !sg_json_array_at(j, &fa, n_in) ||
        !sg_json_key(j, root, "responses", &ra) || !sg_json_array_at(j, &ra, n_out) ||
        !sg_json_key(j, root, "architecture", &ar) || !sg_json_key(j, root, "training", &tr))
        return false;
    if (*n_in < 1)
        return sg_json_fail(j, &fa, "expected at least one factor");
    if (*n_out < 1)
        return sg_json_fail(j, &ra, "expected at least one response");
    size_t nh = 0;
    if (!sg_json_key(j, &ar, "hidden", &h) || !sg_json_array_at(j, &h, &nh))
        return false;
    if (nh > SG_MODEL_MAX_HIDDEN)
        return sg_json_fail(j, &h, "expected at most %d layer widths", SG_MODEL_MAX_HIDDEN);
    sp->n_hidden = 0;
    for (size_t l = 0; l < nh; l++) {
        sg_json_item(&h, l ? &e : NULL, l, &e);
        double w = cJSON_IsNumber(e.node) ? e.node->valuedouble : 0;
        if (w < 1 || w > SG_MLP_MAX_WIDTH || w != floor(w))
            return sg_json_fail(j, &e, "expected a layer width from 1 to %d", SG_MLP_MAX_WIDTH);
        sp->hidden[sp->n_hidden++] = (size_t)w;
    }
    READ_NAME(r, &ar, "hidden_activation", "activation",
              sg_activation_from_name(s_, &sp->hidden_act));
    READ_NAME(r, &ar, "output_activation", "activation",
              sg_activation_from_name(s_, &sp->output_act));
    READ_NAME(r, &ar, "init", "init", strcmp(s_, "glorot") == 0 || strcmp(s_, "he") == 0);
    sp->init = strcmp(sg_json_get_string(j, &ar, "init"), "he") == 0 ? SG_INIT_HE : SG_INIT_GLOROT;
    READ_NAME(r, &ar, "scaling_inputs", "scaling", !sg_scale_kind_parse(s_, &sp->x_scale, NULL));
    READ_NAME(r, &ar, "scaling_outputs", "scaling", !sg_scale_kind_parse(s_, &sp->y_scale, NULL));
    size_t per = 0;
    if (!sg_json_get_bool(j, &ar, "shared", &sp->shared) ||
        !sg_json_get_size(j, &ar, "ensemble", (size_t)1e15, &sp->ensemble) ||
        !sg_json_get_size(j, &ar, "parameters_per_member", (size_t)1e15, &per) ||
        !sg_json_get_u64(j, root, "seed", &sp->seed))
        return false;
    sg_json_at vs;
    if (sg_json_has(&tr, "validation_share", &vs) &&
        !sg_json_get_number(&r->j, &tr, "validation_share", &sp->val_share))
        return false;
    if (!read_training(r, &tr, &sp->train, rows))
        return false;
    /* optional: files written before the inputs were stretched lack it */
    sp->relevance = false;
    sg_json_at rl;
    if (sg_json_has(&ar, "relevance", &rl) && !sg_json_get_bool(j, &ar, "relevance", &sp->relevance))
        return false;
    sp->trend = false; /* optional as relevance: files before the trend lack it */
    if (sg_json_has(&ar, "trend", &rl) && !sg_json_get_bool(j, &ar, "trend", &sp->trend))
        return false;
    sg_json_at le;
    if (sg_json_has(&ar, "l2_per_network", &le)) {
        size_t nl = 0;
        if (!sg_json_array_at(j, &le, &nl))
            return false;
        if (nl > SG_MODEL_MAX_L2_EACH)
            return sg_json_fail(j, &le, "at most %d entries (found %zu)", SG_MODEL_MAX_L2_EACH, nl);
        sg_json_at it;
        for (size_t q = 0; q < nl; q++) {
            sg_json_item(&le, q ? &it : NULL, q, &it);
            if (!cJSON_IsNumber(it.node))
                return sg_json_fail(j, &it, "expected a number");
            sp->l2_each[q] = it.node->valuedouble;
        }
        sp->n_l2_each = nl;
    }
    sg_error e2;
    if (sg_model_spec_validate(sp, &e2) != SG_OK)
        return sg_json_fail(j, &ar, "invalid settings: %s", e2.msg);
    /* parameters_per_member must match the architecture. */
    size_t prev = sg_model__n_feat(sp, *n_in), cnt = 0;
    for (size_t l = 0; l <= sp->n_hidden; l++) {
        size_t next = l < sp->n_hidden ? sp->hidden[l] : (sp->shared ? *n_out : 1);
        cnt += prev * next + next;
        prev = next;
    }
    sg_json_at pp;
    sg_json_has(&ar, "parameters_per_member", &pp);
    if (cnt != per)
        return sg_json_fail(j, &pp, "%zu does not match the architecture (%zu)", per, cnt);
    /* Every weight must be in the file: refuse a short file that declares a
     * huge architecture before allocating it. */
    size_t n_nets = sp->shared ? 1 : *n_out, fits = r->len / MODEL_MIN_BYTES_PER_VALUE;
    if (cnt > fits / sp->ensemble / n_nets)
        return sg_json_fail(j, NULL,
                            "the architecture needs %zu weights per network member, more than a "
                            "file of %zu bytes can hold",
                            cnt, r->len);
    return true;
}

/* Entry i's optional "scale" ("log" or "linear") of a factor or response
 * (what) into log[i]. */
static bool read_scale(reader *r, const sg_json_at *f, size_t i, bool *log, const char *what)
{
    sg_json_reader *j = &r->j;
    sg_json_at c;
    if (!sg_json_has(f, "scale", &c))
        return true;
    const char *scale = sg_json_get_string(j, f, "scale");
    if (!scale)
        return false;
    if (strcmp(scale, "linear") != 0 && strcmp(scale, "log") != 0)
        return sg_json_fail(j, &c, "unknown %s scale \"%s\" (expected log or linear)", what,
                            scale);
    if (strcmp(scale, "log") == 0 && i >= SG_MODEL_MAX_CATEGORICAL)
        return sg_json_fail(j, &c, "only the first %d %ss may be on a log scale",
                            SG_MODEL_MAX_CATEGORICAL, what);
    if (i < SG_MODEL_MAX_CATEGORICAL)
        log[i] = strcmp(scale, "log") == 0;
    return true;
}

/* Each factor's optional "categories" (number of names) and "scale" into sp. */
static bool read_categories(reader *r, const sg_json_at *root, sg_model_spec *sp)
{
    sg_json_reader *j = &r->j;
    sg_json_at fa, f, c, ra;
    size_t n = 0;
    if (!sg_json_key(j, root, "responses", &ra) || !sg_json_array_at(j, &ra, &n))
        return false;
    for (size_t k = 0; k < n; k++) {
        sg_json_item(&ra, k ? &f : NULL, k, &f);
        if (!read_scale(r, &f, k, sp->log_y, "response"))
            return false;
        if (!sg_json_has(&f, "kind", &c))
            continue;
        const char *kind = sg_json_get_string(j, &f, "kind");
        if (!kind)
            return false;
        bool cls = strcmp(kind, "class") == 0;
        if ((!cls && strcmp(kind, "binary") != 0) || k >= SG_MODEL_MAX_CATEGORICAL)
            return sg_json_fail(j, &c, "unknown response kind \"%s\" (expected binary or "
                                "class, as one of the first %d responses)", kind,
                                SG_MODEL_MAX_CATEGORICAL);
        sp->classes[k] = 2;
        if (cls) {
            sg_json_at nc;
            if (!sg_json_get_size(j, &f, "classes", SG_MODEL_MAX_CLASSES, &sp->classes[k]))
                return false;
            if (sp->classes[k] < 3 && sg_json_has(&f, "classes", &nc))
                return sg_json_fail(j, &nc, "a class response has 3 to %d classes (2 is "
                                    "\"binary\")", SG_MODEL_MAX_CLASSES);
        }
    }
    if (!sg_json_key(j, root, "factors", &fa) || !sg_json_array_at(j, &fa, &n))
        return false;
    for (size_t i = 0; i < n; i++) {
        sg_json_item(&fa, i ? &f : NULL, i, &f);
        if (!read_scale(r, &f, i, sp->log_scale, "factor"))
            return false;
        if (!sg_json_has(&f, "categories", &c))
            continue;
        if (i >= SG_MODEL_MAX_CATEGORICAL)
            return sg_json_fail(j, &c, "only the first %d factors may be categories",
                                SG_MODEL_MAX_CATEGORICAL);
        if (!sg_json_get_size(j, &f, "categories", SG_MLP_MAX_WIDTH, &sp->categories[i]))
            return false;
        if (sp->categories[i] < 2)
            return sg_json_fail(j, &c, "a category factor needs at least 2 names");
    }
    return true;
}

/* The optional "levels" names of factor (or response) i. */
static bool read_labels(reader *r, const sg_json_at *entry, sg_model *m, size_t i, bool factor)
{
    sg_json_reader *j = &r->j;
    sg_json_at a, it;
    size_t n = 0;
    if (!sg_json_has(entry, "levels", &a))
        return true;
    if (!sg_json_array_at(j, &a, &n))
        return false;
    if (n < 2 || n > SG_MLP_MAX_WIDTH)
        return sg_json_fail(j, &a, "expected 2 to %d names", SG_MLP_MAX_WIDTH);
    char *names[SG_MLP_MAX_WIDTH];
    for (size_t k = 0; k < n; k++) {
        sg_json_item(&a, k ? &it : NULL, k, &it);
        if (!cJSON_IsString(it.node))
            return sg_json_fail(j, &it, "expected a name");
        names[k] = it.node->valuestring;
    }
    sg_error e2;
    sg_status st = factor ? sg_model_set_factor_labels(m, i, names, n, &e2)
                          : sg_model_set_response_labels(m, i, names, n, &e2);
    return st == SG_OK || sg_json_fail(j, &a, "%s", e2.msg);
}

static bool read_meta(reader *r, const sg_json_at *root, sg_model *m)
{
    sg_json_reader *j = &r->j;
    sg_error e2;
    sg_json_at fa, ra, f, o, sc;
    sg_json_has(root, "factors", &fa);
    sg_json_has(root, "responses", &ra);
    for (size_t i = 0; i < m->n_in; i++) {
        sg_json_item(&fa, i ? &f : NULL, i, &f);
        const char *name = sg_json_get_string(j, &f, "name");
        const char *unit = name ? sg_json_get_string(j, &f, "unit") : NULL;
        double lo, hi;
        if (!unit || !sg_json_get_number(j, &f, "min", &lo) ||
            !sg_json_get_number(j, &f, "max", &hi))
            return false;
        if (sg_model_set_factor(m, i, name, unit, lo, hi, &e2) != SG_OK)
            return sg_json_fail(j, &f, "%s", e2.msg);
        if (!read_labels(r, &f, m, i, true))
            return false;
    }
    for (size_t k = 0; k < m->n_out; k++) {
        sg_json_item(&ra, k ? &o : NULL, k, &o);
        const char *name = sg_json_get_string(j, &o, "name");
        const char *unit = name ? sg_json_get_string(j, &o, "unit") : NULL;
        if (!unit)
            return false;
        if (sg_model_set_response(m, k, name, unit, &e2) != SG_OK)
            return sg_json_fail(j, &o, "%s", e2.msg);
        if (!read_labels(r, &o, m, k, false))
            return false;
        double lim[2] = {-INFINITY, INFINITY};
        const char *lk[2] = {"lower_limit", "upper_limit"};
        for (int q = 0; q < 2; q++) {
            sg_json_at at;
            if (sg_json_has(&o, lk[q], &at) && !sg_json_get_number(j, &o, lk[q], &lim[q]))
                return false;
        }
        if ((isfinite(lim[0]) || isfinite(lim[1])) &&
            sg_model_set_response_limits(m, k, lim[0], lim[1], &e2) != SG_OK)
            return sg_json_fail(j, &o, "%s", e2.msg);
    }
    const char *dh = sg_json_get_string(j, root, "data_hash");
    const char *sh = dh ? sg_json_get_string(j, root, "study_hash") : NULL;
    if (!sh)
        return false;
    if (sg_model_set_hashes(m, dh, sh, &e2) != SG_OK)
        return sg_json_fail(j, root, "%s", e2.msg);
    if (m->type != SG_MODEL_MLP)
        return true;
    return sg_json_key(j, root, "scaling", &sc) && read_scaler(r, &sc, "inputs", m->xs) &&
           read_scaler(r, &sc, "outputs", m->ys);
}

/* The optional "calibration" block (absent in older files: no interval). */
static bool read_calibration(reader *r, const sg_json_at *root, sg_model *m)
{
    sg_json_reader *j = &r->j;
    sg_json_at ca, o;
    size_t n = 0;
    if (!sg_json_has(root, "calibration", &ca))
        return true;
    if (!sg_json_array_at(j, &ca, &n))
        return false;
    if (n != m->n_out)
        return sg_json_fail(j, &ca, "expected one entry (or null) per response (%zu), found %zu",
                            m->n_out, n);
    for (size_t k = 0; k < m->n_out; k++) {
        sg_json_item(&ca, k ? &o : NULL, k, &o);
        if (cJSON_IsNull(o.node))
            continue;
        if (!cJSON_IsObject(o.node))
            return sg_json_fail(j, &o, "expected an object or null");
        sg_model_calibration c;
        memset(&c, 0, sizeof c);
        const char *name = sg_json_get_string(j, &o, "response");
        const char *cv = name ? sg_json_get_string(j, &o, "cv") : NULL;
        if (!cv || !sg_json_get_number(j, &o, "level", &c.level) ||
            !sg_json_get_number(j, &o, "half_width", &c.half_width))
            return false;
        if (strcmp(name, m->rname[k]) != 0)
            return sg_json_fail(j, &o, "entry for \"%s\" is not in response order", name);
        sg_json_at sf;
        bool lg = false; /* the half-width's scale must be the response's */
        if (!read_scale(r, &o, 0, &lg, "interval"))
            return false;
        if (lg != sg_model_response_is_log(m, k))
            return sg_json_fail(j, &o,
                                "the interval of \"%s\" is on a %s scale but the response on "
                                "a %s one (a file of an earlier version: fit again)",
                                name, lg ? "log" : "linear", lg ? "linear" : "log");
        if (!sg_json_key(j, &o, "spread_factor", &sf))
            return false;
        if (!cJSON_IsNull(sf.node)) {
            if (!sg_json_get_number(j, &o, "spread_factor", &c.spread_factor))
                return false;
            c.spread_factor_ok = true;
        }
        if (strlen(cv) >= sizeof c.cv)
            return sg_json_fail(j, &o, "the cross-validation name is too long");
        memcpy(c.cv, cv, strlen(cv) + 1);
        c.q2 = NAN; /* optional: older files do not have it, nor "holds" */
        if (sg_json_has(&o, "q2", &sf) && !sg_json_get_number(j, &o, "q2", &c.q2))
            return false;
        if (sg_json_has(&o, "holds", &sf)) {
            const char *holds = sg_json_get_string(j, &o, "holds");
            if (!holds)
                return false;
            if (strcmp(holds, "window") != 0 && strcmp(holds, "tested") != 0)
                return sg_json_fail(j, &o, "\"holds\" is \"%.40s\", not \"window\" or "
                                           "\"tested\"", holds);
            c.window = strcmp(holds, "window") == 0;
        }
        sg_error e2;
        if (sg_model_set_calibration(m, k, &c, &e2) != SG_OK)
            return sg_json_fail(j, &o, "%s", e2.msg);
    }
    return true;
}

/* Factor and response counts of a kriging model and its rows, bounded by
 * the file's size before anything is allocated. */
/* The shape of a model that keeps its runs: kriging's (block "kriging")
 * or the quadratic's ("quadratic"). */
static bool read_runs_shape(reader *r, const sg_json_at *root, sg_model_type type,
                            size_t *n_in, size_t *n_out, size_t *rows)
{
    sg_json_reader *j = &r->j;
    sg_json_at fa, ra, kr;
    bool gp = type == SG_MODEL_GP;
    if (!sg_json_key(j, root, "factors", &fa) || !sg_json_array_at(j, &fa, n_in) ||
        !sg_json_key(j, root, "responses", &ra) || !sg_json_array_at(j, &ra, n_out) ||
        !sg_json_key(j, root, gp ? "kriging" : "quadratic", &kr) ||
        /* a quadratic's rows bounded by the file's size, so that rows times the
         * columns below cannot overflow */
        !sg_json_get_size(j, &kr, "rows", gp ? SG_GP_MAX_ROWS : r->len + 1, rows))
        return false;
    if (*n_in < 1 || *n_out < 1)
        return sg_json_fail(j, *n_in < 1 ? &fa : &ra, "expected at least one entry");
    if (*n_in > SG_MLP_MAX_WIDTH || *n_out > SG_MLP_MAX_WIDTH)
        return sg_json_fail(j, NULL, "at most %d factors and responses", SG_MLP_MAX_WIDTH);
    if (*rows < *n_in + (gp ? 2 : 1))
        return sg_json_fail(j, &kr, "%zu rows cannot hold a %s model of %zu factors", *rows,
                            gp ? "kriging" : "quadratic", *n_in);
    if (*rows * (*n_in + *n_out) > r->len / MODEL_MIN_BYTES_PER_VALUE)
        return sg_json_fail(j, &kr, "%zu rows need more values than a file of %zu bytes holds",
                            *rows, r->len);
    return true;
}

static bool read_kriging(reader *r, const sg_json_at *root, sg_model *m)
{
    sg_json_reader *j = &r->j;
    sg_json_at kr, pa, g;
    size_t d = m->n_feat, n = 0;
    sg_json_has(root, "kriging", &kr);
    const char *kernel = sg_json_get_string(j, &kr, "kernel");
    const char *mean = kernel ? sg_json_get_string(j, &kr, "mean") : NULL;
    if (!mean)
        return false;
    if (strcmp(kernel, "matern52") != 0 || strcmp(mean, "constant") != 0)
        return sg_json_fail(j, &kr, "unknown kernel \"%s\" or mean \"%s\" (expected "
                            "matern52, constant)", kernel, mean);
    if (!sg_json_get_numbers(j, &kr, "inputs", m->gx, m->n_rows * d) ||
        !sg_json_get_numbers(j, &kr, "outputs", m->gy, m->n_rows * m->n_out) ||
        !sg_json_key(j, &kr, "processes", &pa) || !sg_json_array_at(j, &pa, &n))
        return false;
    if (n != m->n_out)
        return sg_json_fail(j, &pa, "expected one process per response (%zu), found %zu",
                            m->n_out, n);
    for (size_t k = 0; k < n; k++) {
        sg_json_item(&pa, k ? &g : NULL, k, &g);
        double *p = m->gpar + k * SG_MODEL_GP_NPAR(d);
        const char *name = sg_json_get_string(j, &g, "response");
        if (!name || !sg_json_get_numbers(j, &g, "lo", p, d) ||
            !sg_json_get_numbers(j, &g, "hi", p + d, d) ||
            !sg_json_get_numbers(j, &g, "length_scales", p + 2 * d, d) ||
            !sg_json_get_number(j, &g, "signal_variance", &p[3 * d]) ||
            !sg_json_get_number(j, &g, "noise_variance", &p[3 * d + 1]))
            return false;
        if (strcmp(name, m->rname[k]) != 0)
            return sg_json_fail(j, &g, "process for \"%s\" is not in response order", name);
        sg_error e2;
        if (sg_model__gp_build(m, k, &e2) != SG_OK)
            return sg_json_fail(j, &g, "%s", e2.msg);
    }
    return true;
}

/* True when the refit's coefficients are the file's (to rounding: a file
 * edited by hand no longer matches its runs). */
static bool same_coefficients(const double *a, const double *b, size_t p)
{
    double scale = 0.0;
    for (size_t q = 0; q < p; q++)
        scale = fmax(scale, fabs(a[q]));
    for (size_t q = 0; q < p; q++)
        if (!(fabs(a[q] - b[q]) <= 1e-9 * scale + 1e-300))
            return false;
    return true;
}

static bool read_quadratic(reader *r, const sg_json_at *root, sg_model *m)
{
    sg_json_reader *j = &r->j;
    sg_json_at qb, ea, e;
    size_t n = 0;
    sg_json_has(root, "quadratic", &qb);
    if (!sg_json_get_numbers(j, &qb, "settings", m->qx, m->n_rows * m->n_in) ||
        !sg_json_get_numbers(j, &qb, "outputs", m->gy, m->n_rows * m->n_out) ||
        !sg_json_key(j, &qb, "equations", &ea) || !sg_json_array_at(j, &ea, &n))
        return false;
    if (n != m->n_out)
        return sg_json_fail(j, &ea, "expected one equation per response (%zu), found %zu",
                            m->n_out, n);
    for (size_t k = 0; k < n; k++) {
        sg_json_item(&ea, k ? &e : NULL, k, &e);
        const char *name = sg_json_get_string(j, &e, "response");
        if (!name)
            return false;
        if (strcmp(name, m->rname[k]) != 0)
            return sg_json_fail(j, &e, "equation for \"%s\" is not in response order", name);
        sg_error e2;
        if (sg_model__quad_build(m, k, &e2) != SG_OK)
            return sg_json_fail(j, &e, "%s", e2.msg);
        size_t p = sg_rsm_terms(m->quad[k].fit);
        double *c = malloc(p * sizeof *c);
        if (!c)
            return sg_json_fail(j, &e, "out of memory");
        bool ok = sg_json_get_numbers(j, &e, "coefficients", c, p);
        if (ok && !same_coefficients(sg_rsm_coefficients(m->quad[k].fit), c, p))
            ok = sg_json_fail(j, &e, "the coefficients are not those of the runs' least-squares "
                                     "fit (was the file edited?)");
        free(c);
        if (!ok)
            return false;
    }
    return true;
}

static bool read_selection(reader *r, const sg_json_at *root, sg_model *m)
{
    sg_json_reader *j = &r->j;
    sg_json_at o, v;
    if (!sg_json_has(root, "selection", &o))
        return true;
    sg_model_selection *s = &m->sel;
    const char *req = sg_json_get_string(j, &o, "requested");
    const char *ch = req ? sg_json_get_string(j, &o, "chosen") : NULL;
    const char *note = ch ? sg_json_get_string(j, &o, "note") : NULL;
    if (!note)
        return false;
    if (strcmp(req, "auto") != 0 || !sg_model_type_from_name(ch, &s->chosen) ||
        s->chosen != m->type)
        return sg_json_fail(j, &o, "expected requested \"auto\" and the model's type as chosen");
    if (strlen(note) >= sizeof s->note)
        return sg_json_fail(j, &o, "the note is too long");
    memcpy(s->note, note, strlen(note) + 1);
    if (!sg_json_key(j, &o, "kriging_score", &v))
        return false;
    if (!cJSON_IsNull(v.node) && !(s->gp_ok = sg_json_get_number(j, &o, "kriging_score",
                                                                 &s->gp_score)))
        return false;
    if (!sg_json_key(j, &o, "network_score", &v))
        return false;
    if (!cJSON_IsNull(v.node) && !(s->mlp_ok = sg_json_get_number(j, &o, "network_score",
                                                                  &s->mlp_score)))
        return false;
    s->requested = true;
    m->spec.type = SG_MODEL_AUTO;
    return true;
}

/* The optional "trend": one array of n_feat + 1 finite numbers per
 * response (intercept, slopes on the scaled inputs). */
static bool read_trend(reader *r, const sg_json_at *root, sg_model *m)
{
    sg_json_reader *j = &r->j;
    sg_json_at ta, row;
    size_t n = 0, p = m->n_feat + 1;
    if (!sg_json_has(root, "trend", &ta))
        return true;
    if (!sg_json_array_at(j, &ta, &n))
        return false;
    if (n != m->n_out)
        return sg_json_fail(j, &ta, "expected %zu arrays (one per response), found %zu",
                            m->n_out, n);
    double *t = malloc(n * p * sizeof *t);
    if (!t) {
        j->st = sg_error_set(j->err, SG_ERR_NOMEM, "%s: out of memory", j->source);
        return false;
    }
    bool ok = true;
    for (size_t k = 0; ok && k < n; k++) {
        sg_json_item(&ta, k ? &row : NULL, k, &row);
        size_t q = 0;
        ok = sg_json_array_at(j, &row, &q);
        if (ok && q != p)
            ok = sg_json_fail(j, &row, "expected %zu numbers (an intercept and a slope per "
                              "network input), found %zu", p, q);
        sg_json_at v;
        for (size_t i = 0; ok && i < p; i++) {
            sg_json_item(&row, i ? &v : NULL, i, &v);
            if (!cJSON_IsNumber(v.node) || !isfinite(v.node->valuedouble))
                ok = sg_json_fail(j, &v, "expected a finite number");
            else
                t[k * p + i] = v.node->valuedouble;
        }
    }
    sg_error e2;
    if (ok && sg_model__set_trend(m, t, &e2) != SG_OK) {
        j->st = sg_error_set(j->err, e2.status, "%s: %s", j->source, e2.msg);
        ok = false;
    }
    free(t);
    return ok;
}

static bool read_networks(reader *r, const sg_json_at *root, sg_model *m)
{
    sg_json_reader *j = &r->j;
    sg_json_at na, nj, mem, mk;
    size_t n = 0, E = m->spec.ensemble;
    if (!sg_json_key(j, root, "networks", &na) || !sg_json_array_at(j, &na, &n))
        return false;
    if (n != m->n_nets)
        return sg_json_fail(j, &na, "expected %zu network%s (%s), found %zu", m->n_nets,
                            m->n_nets == 1 ? "" : "s",
                            m->spec.shared ? "one shared network" : "one per response", n);
    for (size_t k = 0; k < m->n_nets; k++) {
        sg_json_item(&na, k ? &nj : NULL, k, &nj);
        size_t ne = 0;
        if (!sg_json_key(j, &nj, "members", &mem) || !sg_json_array_at(j, &mem, &ne))
            return false;
        if (ne != E)
            return sg_json_fail(j, &mem, "expected %zu members (\"ensemble\"), found %zu", E, ne);
        for (size_t e = 0; e < E; e++) {
            sg_json_item(&mem, e ? &mk : NULL, e, &mk);
            sg_mlp *net = m->nets[k * E + e];
            if (!sg_json_get_numbers(j, &mk, "params", sg_mlp_params(net), sg_mlp_n_params(net)))
                return false;
        }
    }
    return true;
}

sg_status sg_model_from_json(const char *text, size_t len, const char *source, sg_model **out,
                             sg_error *err)
{
    reader r = {{source ? source : "<model>", SG_ERR_INVALID, err, SG_OK}, len};
    sg_model *m = NULL;
    cJSON *doc = NULL;
    *out = NULL;
    sg_status st = sg_json_parse(text, len, r.j.source, "model file", &doc, err);
    if (st != SG_OK)
        return st;
    sg_json_at root = sg_json_root(doc);
    sg_json_at fmt_at;
    double ver = 0;
    if (!sg_json_has(&root, "format", &fmt_at) || !cJSON_IsString(fmt_at.node) ||
        strcmp(fmt_at.node->valuestring, SG_MODEL_FORMAT) != 0) {
        sg_json_fail(&r.j, NULL, "not a surrogate model file (format is not \"%s\")",
                     SG_MODEL_FORMAT);
        goto fail;
    }
    if (!sg_json_get_number(&r.j, &root, "version", &ver))
        goto fail;
    if (ver < SG_MODEL_FORMAT_VERSION_MIN || ver > SG_MODEL_FORMAT_VERSION ||
        ver != floor(ver)) {
        sg_json_fail(&r.j, NULL,
                     "model file version %g is not supported (this program reads %d to %d)", ver,
                     SG_MODEL_FORMAT_VERSION_MIN, SG_MODEL_FORMAT_VERSION);
        goto fail;
    }
    sg_model_type type = SG_MODEL_MLP;
    sg_json_at type_at;
    if (ver >= 2 && sg_json_has(&root, "type", &type_at)) {
        const char *ts = sg_json_get_string(&r.j, &root, "type");
        if (!ts)
            goto fail;
        if (!sg_model_type_from_name(ts, &type) || type == SG_MODEL_AUTO) {
            sg_json_fail(&r.j, &type_at,
                         "unknown model type \"%s\" (expected mlp, gp or quadratic)", ts);
            goto fail;
        }
    }
    sg_model_spec sp = sg_model_spec_defaults();
    sp.optimizer_auto = false; /* the file holds the optimiser actually used */
    size_t n_in = 0, n_out = 0, rows = 0;
    sg_error e2;
    if (!read_categories(&r, &root, &sp))
        goto fail;
    if (type != SG_MODEL_MLP) {
        sp.type = type;
        if (!read_runs_shape(&r, &root, type, &n_in, &n_out, &rows) ||
            !sg_json_get_u64(&r.j, &root, "seed", &sp.seed))
            goto fail;
        if ((type == SG_MODEL_GP ? sg_model__alloc_gp(&sp, n_in, n_out, rows, &m, &e2)
                                 : sg_model__alloc_quad(&sp, n_in, n_out, rows, &m, &e2)) !=
            SG_OK) {
            r.j.st = sg_error_set(err, e2.status, "%s: %s", r.j.source, e2.msg);
            goto fail;
        }
        for (size_t i = 0; i < m->n_feat; i++)
            m->xs->width[i] = 1.0;
        for (size_t k = 0; k < n_out; k++)
            m->ys->width[k] = 1.0;
    } else {
        if (!read_spec(&r, &root, &sp, &n_in, &n_out, &rows))
            goto fail;
        if (sg_model_alloc(&sp, n_in, n_out, &m, &e2) != SG_OK) {
            r.j.st = sg_error_set(err, e2.status, "%s: %s", r.j.source, e2.msg);
            goto fail;
        }
        m->n_rows = rows;
    }
    if (!read_meta(&r, &root, m) || !read_calibration(&r, &root, m) ||
        !read_selection(&r, &root, m) ||
        !(type == SG_MODEL_GP     ? read_kriging(&r, &root, m)
          : type == SG_MODEL_QUAD ? read_quadratic(&r, &root, m)
                                  : read_networks(&r, &root, m) && read_trend(&r, &root, m)))
        goto fail;
    if (sg_model_check_names(m, &e2) != SG_OK ||
        (type == SG_MODEL_MLP && sg_model_check_window(m, &e2) != SG_OK)) {
        r.j.st = sg_error_set(err, e2.status, "%s: %s", r.j.source, e2.msg);
        goto fail;
    }
    cJSON_Delete(doc);
    *out = m;
    return SG_OK;
fail:
    cJSON_Delete(doc);
    sg_model_destroy(m);
    return r.j.st != SG_OK ? r.j.st
                           : sg_error_set(err, SG_ERR_INTERNAL, "%s: load failed", r.j.source);
}

sg_status sg_model_load(const char *path, sg_model **out, sg_error *err)
{
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "model load: no output");
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    sg_status st = sg_file_read(path, SG_MODEL_MAX_FILE_BYTES, &buf, &len, err);
    if (st == SG_OK)
        st = sg_model_from_json(buf, len, path, out, err);
    free(buf);
    return st;
}

bool sg_model_file_is_own(void *user, const char *path)
{
    (void)user;
    return sg_outputs_json_has_format(path, SG_MODEL_FORMAT);
}
