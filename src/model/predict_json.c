/* predict_json.c — predictions of a model as JSON (predict.h). */
#include "model/predict.h"

#include <math.h>
#include <stdio.h>

#include "core/json.h"
#include "core/num.h"

/* What "spread" is, per model type: the members' sd of a network ensemble,
 * the predictive sd of a kriging model's mean, the standard error of a
 * quadratic's fitted mean. */
static const char *const notes[3][3] = {
    {"the model file holds no calibrated interval: ± is the ensemble spread (1 sd) only",
     "spread = ensemble sd; the interval is mean ± a half-width (×/÷ a factor for a log-scale "
     "response) that covers the stated share of the window (cross-validated errors carried "
     "over to the whole window)",
     "spread = ensemble sd; responses without an interval had no cross-validation in the "
     "model file"},
    {"the model file holds no calibrated interval: ± is the kriging sd (1 sd) only",
     "spread = kriging sd (predictive sd of the mean); the interval is mean ± a half-width "
     "(×/÷ a factor for a log-scale response) that covers the stated share of the window "
     "(cross-validated errors carried over to the whole window)",
     "spread = kriging sd (predictive sd of the mean); responses without an interval had no "
     "cross-validation in the model file"},
    {"the model file holds no calibrated interval: ± is the quadratic's standard error of the "
     "mean (1 sd) only",
     "spread = standard error of the quadratic's fitted mean; the interval is mean ± a "
     "half-width (×/÷ a factor for a log-scale response) that covers the stated share of the "
     "window (cross-validated errors carried over to the whole window)",
     "spread = standard error of the quadratic's fitted mean; responses without an interval "
     "had no cross-validation in the model file"}};

static size_t n_calibrated(const sg_model *m)
{
    size_t k = 0;
    for (size_t j = 0; j < sg_model_n_out(m); j++)
        k += sg_model_calibration_of(m, j) != NULL;
    return k;
}

/* Does any response's quadratic pass through every run (its ± 0 measures
 * nothing)? */
static bool quadratic_saturated(const sg_model *m)
{
    bool any = false;
    for (size_t j = 0; j < sg_model_n_out(m); j++)
        any = any || sg_model_quadratic_saturated(m, j);
    return any;
}

const char *sg_predict_interval_note(const sg_model *m)
{
    size_t k = n_calibrated(m);
    sg_model_type t = sg_model_type_of(m);
    if (k == 0 && t == SG_MODEL_QUAD && quadratic_saturated(m))
        return "the model file holds no calibrated interval, and the quadratic has as many "
               "terms as runs (it passes through every run, with no residual degree of "
               "freedom): ± 0 is not an error estimate";
    const char *const *n = notes[t == SG_MODEL_GP ? 1 : t == SG_MODEL_QUAD ? 2 : 0];
    return k == sg_model_n_out(m) && k ? n[1] : k ? n[2] : n[0];
}

bool sg_predict_is_weak(const sg_model *m, size_t j)
{
    const sg_model_calibration *c = sg_model_calibration_of(m, j);
    return c && isfinite(c->q2) && c->q2 < SG_PREDICT_WEAK_Q2;
}

size_t sg_predict_weak_warning(const sg_model *m, char *text, size_t cap)
{
    size_t n = 0, used = 0;
    if (cap)
        text[0] = '\0';
    for (size_t j = 0; j < sg_model_n_out(m); j++) {
        if (!sg_predict_is_weak(m, j))
            continue;
        n++;
        int k = sg_num_snprintf(text + used, cap - used, "%sthe model of %s is weak "
                                "(cross-validated Q2 %.2f, below %.1f)",
                                used ? "; " : "", sg_model_response_name(m, j),
                                sg_model_calibration_of(m, j)->q2, SG_PREDICT_WEAK_Q2);
        if (k < 0 || (size_t)k >= cap - used)
            break;
        used += (size_t)k;
    }
    if (n && used < cap)
        snprintf(text + used, cap - used, ": %s little better than the data's mean",
                 n > 1 ? "their predictions are" : "its predictions are");
    return n;
}

/* key: calibration of response j (level, half_width, lower/upper around
 * mean when mean != NULL, spread_factor, cv, holds), or null. */
static void interval_json(sg_json_builder *b, cJSON *parent, const char *key, const sg_model *m,
                          size_t j, const double *mean)
{
    const sg_model_calibration *c = sg_model_calibration_of(m, j);
    if (!c) {
        sg_json_null(b, parent, key);
        return;
    }
    cJSON *o = sg_json_object(b, parent, key);
    sg_json_number(b, o, "level", c->level);
    sg_json_number(b, o, "half_width", c->half_width);
    /* a log-scale response: half_width in decades, the interval mean ×/÷ factor */
    sg_json_string(b, o, "scale", sg_model_response_is_log(m, j) ? "log" : "linear");
    if (sg_model_response_is_log(m, j))
        sg_json_number(b, o, "factor", pow(10.0, c->half_width));
    if (mean) {
        double lo, hi;
        sg_model_interval(m, j, *mean, c->half_width, &lo, &hi);
        bool clipped = sg_model_clip_interval(m, j, &lo, &hi);
        sg_json_number(b, o, "lower", lo);
        sg_json_number(b, o, "upper", hi);
        sg_json_bool(b, o, "clipped", clipped); /* to the physical limits */
    }
    if (c->spread_factor_ok)
        sg_json_number(b, o, "spread_factor", c->spread_factor);
    else
        sg_json_null(b, o, "spread_factor");
    sg_json_string(b, o, "cv", c->cv);
    sg_json_string(b, o, "holds", c->window ? "window" : "tested");
    sg_json_number(b, o, "q2", c->q2);
    sg_json_bool(b, o, "weak", sg_predict_is_weak(m, j));
}

/* A class response at x: the most probable name ("class"; mean is its
 * code) and every name's probability with the members' spread. */
static void class_json(sg_json_builder *b, cJSON *e, const sg_model *m, sg_model_work *w,
                       const double *x, size_t j, char *const *names)
{
    double P[SG_MODEL_MAX_CLASSES], S[SG_MODEL_MAX_CLASSES];
    size_t k = sg_model_predict_proba(m, w, x, j, P, S), best = 0;
    char buf[24];
    for (size_t c = 1; c < k; c++)
        best = P[c] > P[best] ? c : best;
    if (names)
        sg_json_string(b, e, "class", names[best]);
    cJSON *pa = sg_json_array(b, e, "probabilities");
    for (size_t c = 0; pa && c < k; c++) {
        cJSON *o = sg_json_object(b, pa, NULL);
        snprintf(buf, sizeof buf, "%zu", c);
        sg_json_string(b, o, "class", names ? names[c] : buf);
        sg_json_number(b, o, "p", P[c]);
        sg_json_number(b, o, "spread", S[c]);
    }
}

/* One point; returns whether it lies outside the fitted bounds. */
static bool point_json(sg_json_builder *b, cJSON *arr, const sg_model *m, sg_model_work *w,
                       const double *x, const double *mean, const double *sd)
{
    cJSON *p = sg_json_object(b, arr, NULL);
    cJSON *f = sg_json_object(b, p, "factors");
    for (size_t i = 0; f && i < sg_model_n_in(m); i++) {
        const char *name = sg_model_factor_label_of(m, i, x[i]);
        if (name)
            sg_json_string(b, f, sg_model_factor_name(m, i), name);
        else
            sg_json_number(b, f, sg_model_factor_name(m, i), x[i]);
    }
    cJSON *r = sg_json_array(b, p, "responses");
    for (size_t j = 0; r && j < sg_model_n_out(m); j++) {
        cJSON *e = sg_json_object(b, r, NULL);
        sg_json_string(b, e, "name", sg_model_response_name(m, j));
        sg_json_string(b, e, "unit", sg_model_response_unit(m, j));
        sg_json_number(b, e, "mean", mean[j]);
        sg_json_number(b, e, "spread", sd[j]);
        size_t nl;
        char *const *outcomes = sg_model_response_labels(m, j, &nl);
        if (outcomes && nl == 2) /* mean = the probability of the second outcome */
            sg_json_string(b, e, "probability_of", outcomes[1]);
        if (w && sg_model_is_class(m, j))
            class_json(b, e, m, w, x, j, outcomes);
        interval_json(b, e, "interval", m, j, &mean[j]);
    }
    bool outside = false;
    for (size_t i = 0; i < sg_model_n_in(m); i++)
        outside = outside || !(x[i] >= sg_model_factor_lo(m, i) && x[i] <= sg_model_factor_hi(m, i));
    /* (a category's codes always lie in its range: parse refuses other names) */
    sg_json_bool(b, p, "extrapolation", outside);
    cJSON *ex = sg_json_array(b, p, "outside");
    for (size_t i = 0; ex && i < sg_model_n_in(m); i++) {
        double lo = sg_model_factor_lo(m, i), hi = sg_model_factor_hi(m, i);
        if (x[i] >= lo && x[i] <= hi)
            continue;
        bool below = x[i] < lo;
        cJSON *e = sg_json_object(b, ex, NULL);
        sg_json_string(b, e, "factor", sg_model_factor_name(m, i));
        sg_json_number(b, e, "value", x[i]);
        sg_json_number(b, e, "lo", lo);
        sg_json_number(b, e, "hi", hi);
        sg_json_string(b, e, "side", below ? "below" : "above");
        sg_json_number(b, e, "distance", below ? lo - x[i] : x[i] - hi);
    }
    return outside;
}

sg_status sg_predict_to_json(const sg_model *m, const char *model_path, const sg_predict_points *p,
                             cJSON **out, sg_error *err)
{
    sg_json_builder jb, *b = &jb;
    cJSON *o = sg_json_build_begin(b);
    size_t n_out = sg_model_n_out(m), n_in = sg_model_n_in(m);
    sg_json_string(b, o, "model_file", model_path);
    if (n_calibrated(m)) {
        cJSON *iv = sg_json_array(b, o, "interval");
        for (size_t j = 0; iv && j < n_out; j++)
            interval_json(b, iv, NULL, m, j, NULL);
    } else {
        sg_json_null(b, o, "interval");
    }
    sg_json_string(b, o, "interval_note", sg_predict_interval_note(m));
    cJSON *wk = sg_json_array(b, o, "weak_models");
    for (size_t j = 0; wk && j < sg_model_n_out(m); j++)
        if (sg_predict_is_weak(m, j))
            sg_json_string(b, wk, NULL, sg_model_response_name(m, j));
    if (p) {
        size_t n_extra = 0;
        sg_model_work *w = NULL; /* for class probabilities */
        for (size_t j = 0; j < n_out && !w; j++)
            if (sg_model_is_class(m, j) && sg_model_work_create(m, &w, err) != SG_OK) {
                cJSON_Delete(o);
                return err ? err->status : SG_ERR_NOMEM;
            }
        cJSON *pts = sg_json_array(b, o, "points");
        for (size_t r = 0; pts && r < p->n; r++)
            n_extra += point_json(b, pts, m, w, p->x + r * n_in, p->mean + r * n_out,
                                  p->sd + r * n_out);
        sg_model_work_destroy(w);
        if (p->table) {
            sg_json_count(b, o, "rows", p->n);
            sg_json_count(b, o, "extrapolated_rows", n_extra);
        }
        if (p->out_path)
            sg_json_string(b, o, "out", p->out_path);
    }
    return sg_json_build_end(b, o, "predictions", out, err);
}
