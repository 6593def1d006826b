/* model_io.c — the model file: JSON via cJSON, written atomically.
 *
 * Every double is written with 17 significant digits ("%.17g") so that
 * save -> load reproduces every bit; 64-bit seeds are written as decimal
 * strings.  The loader checks the format name and version, every count
 * against the architecture and that every number is finite. */
#include "model/model_internal.h"

#include "core/atomic.h"

#include <cJSON.h>
#include <cblas.h>
#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_version.h>
#include <inttypes.h>
#include <math.h>
#include <nlopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* ---- writing ---- */

static cJSON *num(double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", v);
    return cJSON_CreateRaw(buf);
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

static cJSON *u64_string(uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    return cJSON_CreateString(buf);
}

/* Add item to obj under key; on NULL item sets *ok = false. */
static void add(cJSON *obj, const char *key, cJSON *item, bool *ok)
{
    if (!item || !cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        *ok = false;
    }
}

/* Append item to array arr; on NULL item sets *ok = false. */
static void push(cJSON *arr, cJSON *item, bool *ok)
{
    if (!item || !cJSON_AddItemToArray(arr, item)) {
        cJSON_Delete(item);
        *ok = false;
    }
}

static void trim_copy(char *dst, size_t cap, const char *src)
{
    while (*src == ' ')
        src++;
    size_t len = strlen(src);
    while (len && src[len - 1] == ' ')
        len--;
    if (len >= cap)
        len = cap - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static cJSON *libraries_json(bool *ok)
{
    cJSON *lib = cJSON_CreateObject();
    if (!lib) {
        *ok = false;
        return NULL;
    }
    char buf[64];
    int a = 0, b = 0, c = 0;
    nlopt_version(&a, &b, &c);
    snprintf(buf, sizeof buf, "%d.%d.%d", a, b, c);
    add(lib, "surrogate", cJSON_CreateString(SG_VERSION), ok);
    add(lib, "gsl", cJSON_CreateString(gsl_version), ok);
    add(lib, "nlopt", cJSON_CreateString(buf), ok);
#ifdef OPENBLAS_VERSION
    trim_copy(buf, sizeof buf, OPENBLAS_VERSION);
#else
    trim_copy(buf, sizeof buf, openblas_get_config());
#endif
    add(lib, "openblas", cJSON_CreateString(buf), ok);
    add(lib, "libxlsxwriter", cJSON_CreateString(LXW_VERSION), ok);
    add(lib, "cjson", cJSON_CreateString(cJSON_Version()), ok);
    return lib;
}

static cJSON *scaler_json(const sg_scaler *s, bool *ok)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        *ok = false;
        return NULL;
    }
    add(o, "kind", cJSON_CreateString(sg_scale_kind_name(s->kind)), ok);
    add(o, "shift", num_array(s->shift, s->n_cols), ok);
    add(o, "width", num_array(s->width, s->n_cols), ok);
    return o;
}

static cJSON *training_json(const sg_train_config *t, size_t n_rows, bool *ok)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        *ok = false;
        return NULL;
    }
    add(o, "rows", cJSON_CreateNumber((double)n_rows), ok);
    add(o, "optimizer", cJSON_CreateString(sg_optimizer_name(t->optimizer)), ok);
    add(o, "learning_rate", num(t->learning_rate), ok);
    add(o, "epochs", cJSON_CreateNumber((double)t->epochs), ok);
    add(o, "batch_size", cJSON_CreateNumber((double)t->batch_size), ok);
    add(o, "momentum", num(t->momentum), ok);
    add(o, "nesterov", cJSON_CreateBool(t->nesterov), ok);
    add(o, "beta1", num(t->beta1), ok);
    add(o, "beta2", num(t->beta2), ok);
    add(o, "epsilon", num(t->epsilon), ok);
    add(o, "rho", num(t->rho), ok);
    add(o, "l1", num(t->l1), ok);
    add(o, "l2", num(t->l2), ok);
    add(o, "early_stopping", cJSON_CreateBool(t->early_stopping.enabled), ok);
    add(o, "monitor", cJSON_CreateString(sg_monitor_name(t->early_stopping.monitor)), ok);
    add(o, "min_delta", num(t->early_stopping.min_delta), ok);
    add(o, "patience", cJSON_CreateNumber((double)t->early_stopping.patience), ok);
    add(o, "restore_best", cJSON_CreateBool(t->early_stopping.restore_best), ok);
    add(o, "lbfgs_gtol", num(t->lbfgs_gtol), ok);
    add(o, "lbfgs_ftol", num(t->lbfgs_ftol), ok);
    add(o, "lbfgs_step", num(t->lbfgs_step), ok);
    add(o, "lbfgs_line_tol", num(t->lbfgs_line_tol), ok);
    return o;
}

/* Optional "calibration": one entry per response (null where none); the
 * key is left out when no response has one, so such files are byte-identical
 * to those written before the block existed. */
static void add_calibration(cJSON *root, const sg_model *m, bool *ok)
{
    bool any = false;
    for (size_t j = 0; j < m->n_out; j++)
        any = any || m->has_calib[j];
    if (!any)
        return;
    cJSON *ca = cJSON_CreateArray();
    add(root, "calibration", ca, ok);
    for (size_t j = 0; *ok && j < m->n_out; j++) {
        if (!m->has_calib[j]) {
            push(ca, cJSON_CreateNull(), ok);
            continue;
        }
        const sg_model_calibration *c = &m->calib[j];
        cJSON *o = cJSON_CreateObject();
        push(ca, o, ok);
        if (!*ok)
            break;
        add(o, "response", cJSON_CreateString(m->rname[j]), ok);
        add(o, "level", num(c->level), ok);
        add(o, "half_width", num(c->half_width), ok);
        add(o, "spread_factor", c->spread_factor_ok ? num(c->spread_factor) : cJSON_CreateNull(),
            ok);
        add(o, "cv", cJSON_CreateString(c->cv), ok);
    }
}

sg_status sg_model_to_json(const sg_model *m, char **out, sg_error *err)
{
    const sg_model_spec *sp = &m->spec;
    bool ok = true;
    *out = NULL;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return sg_error_set(err, SG_ERR_NOMEM, "model file: out of memory");
    add(root, "format", cJSON_CreateString(SG_MODEL_FORMAT), &ok);
    add(root, "version", cJSON_CreateNumber(SG_MODEL_FORMAT_VERSION), &ok);
    add(root, "libraries", libraries_json(&ok), &ok);
    add(root, "seed", u64_string(sp->seed), &ok);
    add(root, "data_hash", cJSON_CreateString(m->data_hash), &ok);
    add(root, "study_hash", cJSON_CreateString(m->study_hash), &ok);
    cJSON *fa = cJSON_CreateArray();
    add(root, "factors", fa, &ok);
    for (size_t i = 0; ok && i < m->n_in; i++) {
        cJSON *f = cJSON_CreateObject();
        push(fa, f, &ok);
        if (!ok)
            break;
        add(f, "name", cJSON_CreateString(m->fname[i]), &ok);
        add(f, "unit", cJSON_CreateString(m->funit[i]), &ok);
        add(f, "min", num(m->lo[i]), &ok);
        add(f, "max", num(m->hi[i]), &ok);
    }
    cJSON *ra = cJSON_CreateArray();
    add(root, "responses", ra, &ok);
    for (size_t j = 0; ok && j < m->n_out; j++) {
        cJSON *r = cJSON_CreateObject();
        push(ra, r, &ok);
        if (!ok)
            break;
        add(r, "name", cJSON_CreateString(m->rname[j]), &ok);
        add(r, "unit", cJSON_CreateString(m->runit[j]), &ok);
    }
    if (ok)
        add_calibration(root, m, &ok);
    cJSON *sc = cJSON_CreateObject();
    add(root, "scaling", sc, &ok);
    if (ok) {
        add(sc, "inputs", scaler_json(m->xs, &ok), &ok);
        add(sc, "outputs", scaler_json(m->ys, &ok), &ok);
    }
    cJSON *ar = cJSON_CreateObject();
    add(root, "architecture", ar, &ok);
    if (ok) {
        cJSON *h = cJSON_CreateArray();
        add(ar, "hidden", h, &ok);
        for (size_t l = 0; ok && l < sp->n_hidden; l++)
            push(h, cJSON_CreateNumber((double)sp->hidden[l]), &ok);
        add(ar, "hidden_activation", cJSON_CreateString(sg_activation_name(sp->hidden_act)), &ok);
        add(ar, "output_activation", cJSON_CreateString(sg_activation_name(sp->output_act)), &ok);
        add(ar, "init", cJSON_CreateString(sp->init == SG_INIT_HE ? "he" : "glorot"), &ok);
        add(ar, "shared", cJSON_CreateBool(sp->shared), &ok);
        add(ar, "ensemble", cJSON_CreateNumber((double)sp->ensemble), &ok);
        add(ar, "parameters_per_member", cJSON_CreateNumber((double)sg_mlp_n_params(m->nets[0])),
            &ok);
        add(ar, "scaling_inputs", cJSON_CreateString(sg_scale_kind_name(sp->x_scale)), &ok);
        add(ar, "scaling_outputs", cJSON_CreateString(sg_scale_kind_name(sp->y_scale)), &ok);
    }
    add(root, "training", training_json(&sp->train, m->n_rows, &ok), &ok);
    cJSON *na = cJSON_CreateArray();
    add(root, "networks", na, &ok);
    for (size_t j = 0; ok && j < m->n_nets; j++) {
        cJSON *nj = cJSON_CreateObject();
        push(na, nj, &ok);
        if (!ok)
            break;
        add(nj, "response", cJSON_CreateString(sp->shared ? "*" : m->rname[j]), &ok);
        cJSON *mem = cJSON_CreateArray();
        add(nj, "members", mem, &ok);
        for (size_t k = 0; ok && k < sp->ensemble; k++) {
            const sg_mlp *net = m->nets[j * sp->ensemble + k];
            cJSON *mk = cJSON_CreateObject();
            push(mem, mk, &ok);
            if (!ok)
                break;
            add(mk, "seed", u64_string(sg_model_member_seed(sp->seed, j, k)), &ok);
            add(mk, "params", num_array(sg_mlp_params_const(net), sg_mlp_n_params(net)), &ok);
        }
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return sg_error_set(err, SG_ERR_NOMEM, "model file: out of memory");
    *out = text;
    return SG_OK;
}

sg_status sg_model_save(const sg_model *m, const char *path, sg_error *err)
{
    char *text = NULL;
    sg_status st;
    if (!m || !path || !*path)
        return sg_error_set(err, SG_ERR_INVALID, "model save: no model or path");
    if ((st = sg_model_to_json(m, &text, err)) != SG_OK)
        return st;
    size_t len = strlen(text);
    char *line = malloc(len + 1); /* the JSON text and a final newline */
    if (line) {
        memcpy(line, text, len);
        line[len] = '\n';
    }
    free(text);
    if (!line)
        return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", path);
    st = sg_atomic_write(path, line, len + 1, err);
    free(line);
    return st;
}

/* ---- reading ---- */

typedef struct reader {
    const char *src;
    sg_error *err;
    sg_status st;
    size_t len; /* bytes of the file: bounds the weights it can hold */
} reader;

/* Fewest bytes one weight takes in a model file ("0,"): a file declaring
 * more weights than len / this is rejected before anything is allocated. */
#define MODEL_MIN_BYTES_PER_VALUE 2

static bool bad(reader *r, const char *fmt, const char *what)
{
    if (r->st == SG_OK) {
        char msg[SG_ERROR_MSG_MAX];
        if (snprintf(msg, sizeof msg, fmt, what) < 0)
            msg[0] = '\0';
        r->st = sg_error_set(r->err, SG_ERR_INVALID, "%s: %s", r->src, msg);
    }
    return false;
}

static const cJSON *get(reader *r, const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        bad(r, "missing \"%s\"", key);
    return v;
}

static bool get_number(reader *r, const cJSON *obj, const char *key, double *out)
{
    const cJSON *v = get(r, obj, key);
    if (!v)
        return false;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return bad(r, "\"%s\" must be a finite number", key);
    *out = v->valuedouble;
    return true;
}

static bool get_size(reader *r, const cJSON *obj, const char *key, size_t *out)
{
    double d;
    if (!get_number(r, obj, key, &d))
        return false;
    if (d < 0 || d != floor(d) || d > 1e15)
        return bad(r, "\"%s\" must be a non-negative integer", key);
    *out = (size_t)d;
    return true;
}

static bool get_bool(reader *r, const cJSON *obj, const char *key, bool *out)
{
    const cJSON *v = get(r, obj, key);
    if (!v)
        return false;
    if (!cJSON_IsBool(v))
        return bad(r, "\"%s\" must be true or false", key);
    *out = cJSON_IsTrue(v);
    return true;
}

static const char *get_string(reader *r, const cJSON *obj, const char *key)
{
    const cJSON *v = get(r, obj, key);
    if (!v)
        return NULL;
    if (!cJSON_IsString(v)) {
        bad(r, "\"%s\" must be a string", key);
        return NULL;
    }
    return v->valuestring;
}

static bool get_u64(reader *r, const cJSON *obj, const char *key, uint64_t *out)
{
    const char *s = get_string(r, obj, key);
    if (!s)
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno)
        return bad(r, "\"%s\" must be an unsigned integer in a string", key);
    *out = (uint64_t)v;
    return true;
}

/* Read a numeric array of exactly n finite values into dst. */
static bool get_doubles(reader *r, const cJSON *obj, const char *key, double *dst, size_t n)
{
    const cJSON *a = get(r, obj, key);
    if (!a)
        return false;
    if (!cJSON_IsArray(a))
        return bad(r, "\"%s\" must be an array", key);
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        if (i >= n)
            return bad(r, "\"%s\" has more values than the architecture needs", key);
        if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble))
            return bad(r, "\"%s\" holds a value that is not a finite number", key);
        dst[i++] = e->valuedouble;
    }
    if (i != n)
        return bad(r, "\"%s\" has fewer values than the architecture needs", key);
    return true;
}

static bool read_scaler(reader *r, const cJSON *sc, const char *key, sg_scaler *s)
{
    const cJSON *o = get(r, sc, key);
    if (!o)
        return false;
    const char *kind = get_string(r, o, "kind");
    if (!kind)
        return false;
    if (sg_scale_kind_parse(kind, &s->kind, NULL) != SG_OK)
        return bad(r, "unknown scaling kind \"%s\"", kind);
    if (!get_doubles(r, o, "shift", s->shift, s->n_cols) ||
        !get_doubles(r, o, "width", s->width, s->n_cols))
        return false;
    for (size_t i = 0; i < s->n_cols; i++)
        if (!(s->width[i] > 0))
            return bad(r, "scaling \"%s\" has a width that is not positive", key);
    return true;
}

static bool read_training(reader *r, const cJSON *t, sg_train_config *c, size_t *rows)
{
    const char *opt = get_string(r, t, "optimizer");
    if (!opt)
        return false;
    if (!sg_optimizer_from_name(opt, &c->optimizer))
        return bad(r, "unknown optimizer \"%s\"", opt);
    const char *mon = get_string(r, t, "monitor");
    if (!mon)
        return false;
    if (!sg_monitor_from_name(mon, &c->early_stopping.monitor))
        return bad(r, "unknown monitor \"%s\"", mon);
    return get_size(r, t, "rows", rows) && get_number(r, t, "learning_rate", &c->learning_rate) &&
           get_size(r, t, "epochs", &c->epochs) && get_size(r, t, "batch_size", &c->batch_size) &&
           get_number(r, t, "momentum", &c->momentum) && get_bool(r, t, "nesterov", &c->nesterov) &&
           get_number(r, t, "beta1", &c->beta1) && get_number(r, t, "beta2", &c->beta2) &&
           get_number(r, t, "epsilon", &c->epsilon) && get_number(r, t, "rho", &c->rho) &&
           get_number(r, t, "l1", &c->l1) && get_number(r, t, "l2", &c->l2) &&
           get_bool(r, t, "early_stopping", &c->early_stopping.enabled) &&
           get_number(r, t, "min_delta", &c->early_stopping.min_delta) &&
           get_size(r, t, "patience", &c->early_stopping.patience) &&
           get_bool(r, t, "restore_best", &c->early_stopping.restore_best) &&
           get_number(r, t, "lbfgs_gtol", &c->lbfgs_gtol) &&
           (!cJSON_HasObjectItem(t, "lbfgs_ftol") || get_number(r, t, "lbfgs_ftol", &c->lbfgs_ftol)) &&
           get_number(r, t, "lbfgs_step", &c->lbfgs_step) &&
           get_number(r, t, "lbfgs_line_tol", &c->lbfgs_line_tol);
}

/* Architecture and counts into spec; n_in/n_out from the factor/response lists. */
static bool read_spec(reader *r, const cJSON *root, sg_model_spec *sp, size_t *n_in,
                      size_t *n_out, size_t *rows)
{
    const cJSON *fa = get(r, root, "factors"), *ra = get(r, root, "responses");
    const cJSON *ar = get(r, root, "architecture"), *tr = get(r, root, "training");
    if (!fa || !ra || !ar || !tr)
        return false;
    if (!cJSON_IsArray(fa) || !cJSON_IsArray(ra) || cJSON_GetArraySize(fa) < 1 ||
        cJSON_GetArraySize(ra) < 1)
        return bad(r, "%s must be non-empty arrays", "\"factors\" and \"responses\"");
    *n_in = (size_t)cJSON_GetArraySize(fa);
    *n_out = (size_t)cJSON_GetArraySize(ra);
    const cJSON *h = get(r, ar, "hidden");
    if (!h)
        return false;
    if (!cJSON_IsArray(h) || cJSON_GetArraySize(h) > SG_MODEL_MAX_HIDDEN)
        return bad(r, "\"%s\" must be an array of at most 16 widths", "hidden");
    sp->n_hidden = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, h)
    {
        if (!cJSON_IsNumber(e) || e->valuedouble < 1 || e->valuedouble > SG_MLP_MAX_WIDTH ||
            e->valuedouble != floor(e->valuedouble))
            return bad(r, "\"%s\" holds an invalid layer width", "hidden");
        sp->hidden[sp->n_hidden++] = (size_t)e->valuedouble;
    }
    const char *ha = get_string(r, ar, "hidden_activation");
    const char *oa = get_string(r, ar, "output_activation");
    const char *in = get_string(r, ar, "init");
    const char *xs = get_string(r, ar, "scaling_inputs");
    const char *ys = get_string(r, ar, "scaling_outputs");
    if (!ha || !oa || !in || !xs || !ys)
        return false;
    if (!sg_activation_from_name(ha, &sp->hidden_act))
        return bad(r, "unknown hidden activation \"%s\"", ha);
    if (!sg_activation_from_name(oa, &sp->output_act))
        return bad(r, "unknown output activation \"%s\"", oa);
    if (strcmp(in, "glorot") && strcmp(in, "he"))
        return bad(r, "unknown init \"%s\"", in);
    sp->init = strcmp(in, "he") == 0 ? SG_INIT_HE : SG_INIT_GLOROT;
    if (sg_scale_kind_parse(xs, &sp->x_scale, NULL) || sg_scale_kind_parse(ys, &sp->y_scale, NULL))
        return bad(r, "unknown scaling \"%s\"", xs);
    size_t per = 0;
    if (!get_bool(r, ar, "shared", &sp->shared) || !get_size(r, ar, "ensemble", &sp->ensemble) ||
        !get_size(r, ar, "parameters_per_member", &per) || !get_u64(r, root, "seed", &sp->seed))
        return false;
    if (!read_training(r, tr, &sp->train, rows))
        return false;
    sg_error e2;
    if (sg_model_spec_validate(sp, &e2) != SG_OK)
        return bad(r, "invalid settings: %s", e2.msg);
    /* parameters_per_member must match the architecture. */
    size_t prev = *n_in, cnt = 0;
    for (size_t l = 0; l <= sp->n_hidden; l++) {
        size_t next = l < sp->n_hidden ? sp->hidden[l] : (sp->shared ? *n_out : 1);
        cnt += prev * next + next;
        prev = next;
    }
    if (cnt != per)
        return bad(r, "\"parameters_per_member\" does not match the architecture%s", "");
    /* Every weight must be in the file: refuse a short file that declares a
     * huge architecture before allocating it. */
    size_t n_nets = sp->shared ? 1 : *n_out, fits = r->len / MODEL_MIN_BYTES_PER_VALUE;
    if (cnt > fits / sp->ensemble / n_nets) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "the architecture needs %zu weights per network member, more than a file of "
                 "%zu bytes can hold",
                 cnt, r->len);
        return bad(r, "%s", msg);
    }
    return true;
}

static bool read_meta(reader *r, const cJSON *root, sg_model *m)
{
    sg_error e2;
    const cJSON *fa = cJSON_GetObjectItemCaseSensitive(root, "factors");
    const cJSON *ra = cJSON_GetObjectItemCaseSensitive(root, "responses");
    /* Walk the lists (cJSON_GetArrayItem is linear: a loop of it is quadratic). */
    const cJSON *f = fa->child;
    for (size_t i = 0; i < m->n_in; i++, f = f ? f->next : NULL) {
        const char *name = get_string(r, f, "name"), *unit = get_string(r, f, "unit");
        double lo, hi;
        if (!name || !unit || !get_number(r, f, "min", &lo) || !get_number(r, f, "max", &hi))
            return false;
        if (sg_model_set_factor(m, i, name, unit, lo, hi, &e2) != SG_OK)
            return bad(r, "%s", e2.msg);
    }
    const cJSON *o = ra->child;
    for (size_t j = 0; j < m->n_out; j++, o = o ? o->next : NULL) {
        const char *name = get_string(r, o, "name"), *unit = get_string(r, o, "unit");
        if (!name || !unit)
            return false;
        if (sg_model_set_response(m, j, name, unit, &e2) != SG_OK)
            return bad(r, "%s", e2.msg);
    }
    const char *dh = get_string(r, root, "data_hash"), *sh = get_string(r, root, "study_hash");
    if (!dh || !sh)
        return false;
    if (sg_model_set_hashes(m, dh, sh, &e2) != SG_OK)
        return bad(r, "%s", e2.msg);
    const cJSON *sc = get(r, root, "scaling");
    if (!sc || !read_scaler(r, sc, "inputs", m->xs) || !read_scaler(r, sc, "outputs", m->ys))
        return false;
    return true;
}

/* The optional "calibration" block (absent in older files: no interval). */
static bool read_calibration(reader *r, const cJSON *root, sg_model *m)
{
    const cJSON *ca = cJSON_GetObjectItemCaseSensitive(root, "calibration");
    if (!ca)
        return true;
    if (!cJSON_IsArray(ca) || (size_t)cJSON_GetArraySize(ca) != m->n_out)
        return bad(r, "\"calibration\" must hold one entry (or null) per response%s", "");
    for (size_t j = 0; j < m->n_out; j++) {
        const cJSON *o = cJSON_GetArrayItem(ca, (int)j);
        if (cJSON_IsNull(o))
            continue;
        if (!cJSON_IsObject(o))
            return bad(r, "\"calibration\" entries must be objects or null%s", "");
        sg_model_calibration c;
        memset(&c, 0, sizeof c);
        const char *name = get_string(r, o, "response"), *cv = get_string(r, o, "cv");
        if (!name || !cv || !get_number(r, o, "level", &c.level) ||
            !get_number(r, o, "half_width", &c.half_width))
            return false;
        if (strcmp(name, m->rname[j]) != 0)
            return bad(r, "\"calibration\" entry for \"%s\" is not in response order", name);
        const cJSON *sf = get(r, o, "spread_factor");
        if (!sf)
            return false;
        if (!cJSON_IsNull(sf)) {
            if (!get_number(r, o, "spread_factor", &c.spread_factor))
                return false;
            c.spread_factor_ok = true;
        }
        if (strlen(cv) >= sizeof c.cv)
            return bad(r, "\"calibration\" names a cross-validation that is too long%s", "");
        memcpy(c.cv, cv, strlen(cv) + 1);
        sg_error e2;
        if (sg_model_set_calibration(m, j, &c, &e2) != SG_OK)
            return bad(r, "%s", e2.msg);
    }
    return true;
}

static bool read_networks(reader *r, const cJSON *root, sg_model *m)
{
    const cJSON *na = get(r, root, "networks");
    if (!na)
        return false;
    if (!cJSON_IsArray(na) || (size_t)cJSON_GetArraySize(na) != m->n_nets)
        return bad(r, "\"networks\" must hold one network per response%s",
                   m->spec.shared ? " (one for a shared network)" : "");
    size_t E = m->spec.ensemble;
    const cJSON *nj = na->child;
    for (size_t j = 0; j < m->n_nets; j++, nj = nj ? nj->next : NULL) {
        const cJSON *mem = get(r, nj, "members");
        if (!mem)
            return false;
        if (!cJSON_IsArray(mem) || (size_t)cJSON_GetArraySize(mem) != E)
            return bad(r, "a network has a number of members different from \"ensemble\"%s", "");
        const cJSON *mk = mem->child;
        for (size_t k = 0; k < E; k++, mk = mk ? mk->next : NULL) {
            sg_mlp *net = m->nets[j * E + k];
            if (!get_doubles(r, mk, "params", sg_mlp_params(net),
                             sg_mlp_n_params(net)))
                return false;
        }
    }
    return true;
}

sg_status sg_model_from_json(const char *text, size_t len, const char *source, sg_model **out,
                             sg_error *err)
{
    reader r = {source ? source : "<model>", err, SG_OK, len};
    sg_model *m = NULL;
    *out = NULL;
    const char *nul = memchr(text, '\0', len);
    if (nul) /* cJSON would keep the string before it: "thick<NUL>ness" read as "thick" */
        return sg_error_set(err, SG_ERR_PARSE,
                            "%s: not a valid model file (NUL byte at byte %zu)", r.src,
                            (size_t)(nul - text));
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (!root) {
        size_t off = end && end >= text ? (size_t)(end - text) : 0;
        return sg_error_set(err, SG_ERR_PARSE,
                            "%s: not a valid model file (JSON syntax error or truncated file "
                            "near byte %zu)",
                            r.src, off);
    }
    const char *fmt = cJSON_IsObject(root) ? get_string(&r, root, "format") : NULL;
    double ver = 0;
    if (!fmt || strcmp(fmt, SG_MODEL_FORMAT) != 0) {
        r.st = SG_OK;
        bad(&r, "not a surrogate model file (format is not \"%s\")", SG_MODEL_FORMAT);
        goto fail;
    }
    if (!get_number(&r, root, "version", &ver))
        goto fail;
    if (ver != SG_MODEL_FORMAT_VERSION) {
        char msg[128];
        snprintf(msg, sizeof msg, "model file version %g is not supported (this program reads %d)",
                 ver, SG_MODEL_FORMAT_VERSION);
        bad(&r, "%s", msg);
        goto fail;
    }
    sg_model_spec sp = sg_model_spec_defaults();
    sp.optimizer_auto = false; /* the file holds the optimiser actually used */
    size_t n_in = 0, n_out = 0, rows = 0;
    if (!read_spec(&r, root, &sp, &n_in, &n_out, &rows))
        goto fail;
    sg_error e2;
    if (sg_model_alloc(&sp, n_in, n_out, &m, &e2) != SG_OK) {
        r.st = sg_error_set(err, e2.status, "%s: %s", r.src, e2.msg);
        goto fail;
    }
    m->n_rows = rows;
    if (!read_meta(&r, root, m) || !read_calibration(&r, root, m) ||
        !read_networks(&r, root, m))
        goto fail;
    if (sg_model_check_names(m, &e2) != SG_OK || sg_model_check_window(m, &e2) != SG_OK) {
        r.st = sg_error_set(err, e2.status, "%s: %s", r.src, e2.msg);
        goto fail;
    }
    cJSON_Delete(root);
    *out = m;
    return SG_OK;
fail:
    cJSON_Delete(root);
    sg_model_destroy(m);
    return r.st != SG_OK ? r.st : sg_error_set(err, SG_ERR_INTERNAL, "%s: load failed", r.src);
}

sg_status sg_model_load(const char *path, sg_model **out, sg_error *err)
{
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "model load: no output");
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return sg_error_set(err, SG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    sg_status st = SG_OK;
    while (buf) {
        if (len == cap) {
            if (cap >= SG_MODEL_MAX_FILE_BYTES) {
                st = sg_error_set(err, SG_ERR_LIMIT, "%s: larger than the %zu-byte limit", path,
                                  SG_MODEL_MAX_FILE_BYTES);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    if (!buf) {
        fclose(fp);
        return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", path);
    }
    if (st == SG_OK && ferror(fp))
        st = sg_error_set(err, SG_ERR_IO, "%s: read error", path);
    fclose(fp);
    if (st == SG_OK)
        st = sg_model_from_json(buf, len, path, out, err);
    free(buf);
    return st;
}
