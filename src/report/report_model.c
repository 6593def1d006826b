/* report_model.c — the fitted sg_model as plain arrays (networks, scalers,
 * intervals) for the sheets that show it and the Calculator's formulas. */
#include "report/report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sg_report_view {
    sg_report_model md;
    sg_report_net *nets;    /* (n_nets) */
    size_t *sizes;          /* (n_nets, SG_MLP_MAX_LAYERS + 1) */
    sg_activation *acts;    /* (n_nets, SG_MLP_MAX_LAYERS) */
    double *iv_a, *iv_b;    /* (n_out) */
    bool *binary;           /* (n_out) */
    size_t *classes;        /* (n_out) */
    const double **trend;   /* (n_out) rows of the model's trends, or NULL */
};

double sg_report_activate(sg_activation act, double z)
{
    switch (act) {
    case SG_ACT_LINEAR: return z;
    case SG_ACT_RELU: return z > 0.0 ? z : 0.0;
    case SG_ACT_LEAKY_RELU: return z > 0.0 ? z : SG_LEAKY_RELU_SLOPE * z;
    case SG_ACT_ELU: return z > 0.0 ? z : SG_ELU_ALPHA * (exp(fmin(z, 0.0)) - 1.0);
    case SG_ACT_SIGMOID: return 1.0 / (1.0 + exp(-fmax(z, -SG_REPORT_EXP_CLAMP)));
    case SG_ACT_TANH: return tanh(z);
    case SG_ACT_SOFTPLUS: return fmax(z, 0.0) + log(1.0 + exp(-fabs(z)));
    default: return NAN;
    }
}

const char *sg_report_act_name(sg_activation act)
{
    /* the names of mlp.h */
    static const char *const names[SG_ACT_COUNT] = {"linear",  "relu", "leaky_relu", "elu",
                                                    "sigmoid", "tanh", "softplus"};
    return (int)act >= 0 && act < SG_ACT_COUNT ? names[act] : "?";
}

const sg_report_net *sg_report_net_for(const sg_report_model *md, size_t n_responses,
                                       size_t k, size_t m, size_t *k_out)
{
    (void)n_responses;
    if (md->shared) {
        *k_out = k;
        return &md->nets[m];
    }
    *k_out = 0;
    return &md->nets[k * md->n_members + m];
}

void sg_report_view_destroy(sg_report_view *v)
{
    if (!v)
        return;
    free(v->nets);
    free(v->sizes);
    free(v->acts);
    free(v->iv_a);
    free(v->binary);
    free(v->classes);
    free(v->iv_b);
    free(v->trend);
    free(v);
}

const sg_report_model *sg_report_view_model(const sg_report_view *v)
{
    return &v->md;
}

/* v->trend: every response's trend (borrowed from the model; NULL where
 * it has none); stays NULL when no response has one. */
static sg_status view_trend(sg_report_view *v, const sg_model *m)
{
    size_t no = sg_model_n_out(m);
    for (size_t k = 0; k < no; k++) {
        const double *b = sg_model_trend(m, k);
        if (!b)
            continue;
        if (!v->trend && !(v->trend = calloc(no, sizeof *v->trend)))
            return SG_ERR_NOMEM;
        v->trend[k] = b;
    }
    return SG_OK;
}

sg_status sg_report_view_create(const sg_model *m, const sg_cv_result *cv, sg_report_view **out,
                                sg_error *err)
{
    *out = NULL;
    const sg_model_spec *spec = sg_model_spec_of(m);
    size_t n_nets = sg_model_n_nets(m), E = spec->ensemble, no = sg_model_n_out(m);
    size_t total = n_nets * E;
    sg_report_view *v = calloc(1, sizeof *v);
    if (!v)
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory");
    v->nets = calloc(total + 1, sizeof *v->nets); /* kriging: no networks */
    v->sizes = calloc(total * (SG_MLP_MAX_LAYERS + 1) + 1, sizeof *v->sizes);
    v->acts = calloc(total * SG_MLP_MAX_LAYERS + 1, sizeof *v->acts);
    if (!v->nets || !v->sizes || !v->acts)
        goto nomem;
    for (size_t j = 0; j < n_nets; j++) {
        for (size_t k = 0; k < E; k++) {
            size_t i = j * E + k;
            const sg_mlp *net = sg_model_member(m, j, k);
            size_t L = sg_mlp_n_layers(net);
            size_t *sz = v->sizes + i * (SG_MLP_MAX_LAYERS + 1);
            sg_activation *ac = v->acts + i * SG_MLP_MAX_LAYERS;
            for (size_t l = 0; l <= L; l++)
                sz[l] = sg_mlp_size(net, l);
            for (size_t l = 0; l < L; l++)
                ac[l] = sg_mlp_layer_activation(net, l);
            v->nets[i] = (sg_report_net){L, sz, ac, sg_mlp_params_const(net)};
        }
    }
    const sg_scaler *xs = sg_model_x_scaler(m), *ys = sg_model_y_scaler(m);
    if (!(v->binary = calloc(no, sizeof *v->binary)) ||
        !(v->classes = calloc(no, sizeof *v->classes)))
        goto nomem;
    for (size_t k = 0; k < no; k++) {
        v->binary[k] = sg_model_is_binary(m, k);
        v->classes[k] = sg_model_is_class(m, k) ? sg_model_n_classes(m, k) : 0;
    }
    v->md = (sg_report_model){.x_kind = xs->kind, .y_kind = ys->kind,
                              .x_shift = xs->shift, .x_width = xs->width,
                              .n_feat = xs->n_cols, .categories = spec->categories,
                              .log_scale = spec->log_scale, .log_y = spec->log_y,
                              .binary = v->binary, .classes = v->classes,
                              .y_shift = ys->shift, .y_width = ys->width,
                              .shared = spec->shared, .n_members = E, .nets = v->nets,
                              /* model.h: the spread is the sample sd (0 for one member) */
                              .spread = SG_REPORT_SPREAD_SAMPLE};
    if (view_trend(v, m) != SG_OK)
        goto nomem;
    v->md.trend = (const double *const *)v->trend;
    if (cv && cv->n_out == no && cv->resp) {
        v->iv_a = calloc(no, sizeof *v->iv_a);
        v->iv_b = calloc(no, sizeof *v->iv_b);
        if (!v->iv_a || !v->iv_b)
            goto nomem;
        for (size_t k = 0; k < no; k++) {
            const sg_cv_response *r = &cv->resp[k];
            /* the interval predict and optimize give: mean ± the calibrated
             * half-width (the formula keeps a spread term for other rules) */
            v->iv_b[k] = r->half_width;
        }
        v->md.interval_a = v->iv_a;
        v->md.interval_b = v->iv_b;
        v->md.interval_level = 100.0 * cv->resp[0].level;
    }
    *out = v;
    return SG_OK;
nomem:
    sg_report_view_destroy(v);
    return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for the model view");
}
