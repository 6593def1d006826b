/* model_internal.h — the sg_model struct, shared by model.c and model_io.c
 * only (not a public header). */
#ifndef SG_MODEL_INTERNAL_H
#define SG_MODEL_INTERNAL_H

#include "core/internal.h"

#include "analysis/rsm.h"
#include "model/model.h"

/* One response's quadratic: the least-squares fit, and what the spread of
 * its mean needs (model_quad.c). */
typedef struct sg_model_quad {
    sg_rsm *fit;
    size_t rank;  /* terms kept */
    double *rinv; /* (rank, rank) row-major upper triangle: R^-1 of the QR of the runs'
                     kept terms */
    double s;     /* residual sd on the fitted scale (log10 of a log-scale response);
                     0 without residual degrees of freedom */
} sg_model_quad;

struct sg_model {
    sg_model_spec spec;
    size_t n_in, n_out, n_nets, n_rows;
    size_t n_feat;           /* inputs of the networks / kriging (encode.c); n_in
                                without categorical factors */
    sg_scaler *xs, *ys;      /* (n_feat), (n_out) */
    sg_mlp **nets;           /* (n_nets * ensemble), net j member k at j*ensemble+k */
    double *trend;           /* (n_out, n_feat + 1) each response's linear trend in the
                                scaled inputs (intercept, slopes; spec.trend, model.c),
                                in scaled response units, added to every member's
                                output; a row of zeros = none; NULL = no trend */
    double *stretch;         /* (n_nets, n_feat) input stretch while training (relevance.h),
                                folded into the first layers afterwards; NULL = none */
    sg_train_history *hist;  /* same indexing */
    char **fname, **funit;   /* (n_in) */
    double *lo, *hi;         /* (n_in) factor bounds, engineering units */
    char **rname, **runit;   /* (n_out) */
    char ***flab, ***rlab;   /* (n_in), (n_out): names of a category factor's codes
                                (spec categories[i] of them) / a pass/fail response's
                                two outcomes; NULL entries when not given */
    double *rmin, *rmax;     /* (n_out) physical limits, -inf / +inf when none */
    char *data_hash, *study_hash;
    sg_model_calibration *calib; /* (n_out) */
    bool *has_calib;             /* (n_out) */
    /* kriging (type == SG_MODEL_GP; model_gp.c) */
    sg_model_type type;          /* SG_MODEL_MLP or SG_MODEL_GP */
    sg_gp **gp;                 /* (n_out) */
    double *gx, *gy;             /* (n_rows, n_feat) encoded, (n_rows, n_out) training data */
    double *gpar;                /* (n_out, SG_MODEL_GP_NPAR(n_feat)) hyper-parameters */
    /* quadratic (type == SG_MODEL_QUAD; model_quad.c); gy holds its runs'
     * responses too */
    double *qx;                  /* (n_rows, n_in) the runs' settings, engineering units */
    sg_model_quad *quad;         /* (n_out) */
    sg_model_selection sel;
    size_t *focus;               /* (n_out) class the prediction of a class response is the
                                    probability of (sg_model_set_focus), SIZE_MAX = none */
};

/* Per response: lo (d), hi (d), length scales (d), signal variance, noise
 * variance: what sg_gp_fit_fixed is given, so a reload rebuilds the same
 * process bit for bit (signal variance 0: constant response). */
#define SG_MODEL_GP_NPAR(d) (3 * (d) + 2)
/* Fewest runs kriging is fitted from: a length scale per factor, the
 * signal variance and the nugget need more than d + 1 runs to tell apart. */
#define SG_MODEL_GP_MIN_ROWS(d) ((d) + 2)

/* Replace m->trend by a copy of trend ((n_out, n_feat + 1), NULL = none). */
SG_INTERNAL sg_status sg_model__set_trend(sg_model *m, const double *trend, sg_error *err);

/* Outputs of network j: n_out when shared, k for a class response of k
 * names (softmax), else 1. */
SG_INTERNAL size_t sg_model__net_outputs(const sg_model *m, size_t j);

/* ---- factor encoding (encode.c) ---- */
/* Inputs the networks / kriging see for n_in factors under spec->categories. */
SG_INTERNAL size_t sg_model__n_feat(const sg_model_spec *spec, size_t n_in);
/* True when factor i is categorical. */
SG_INTERNAL bool sg_model__is_category(const sg_model_spec *spec, size_t i);
/* Each factor's kind for the quadratic baseline (out: n_in): a category's
 * names, a log scale, as the models see the factor. */
SG_INTERNAL void sg_model__rsm_kinds(const sg_model_spec *spec, size_t n_in,
                                     sg_rsm_factor *out);
/* Response j's n values (stride ldy) as the baseline fits them, into out
 * (n): log10 of a log-scale response's, the values themselves otherwise. */
SG_INTERNAL void sg_model__rsm_response(const sg_model_spec *spec, size_t j, const double *y,
                                        size_t ldy, size_t n, double *out);
/* A baseline prediction v of response j back in its unit (10^v on a log
 * scale, the exponent held within +-300 so it stays finite). */
SG_INTERNAL double sg_model__rsm_unit(const sg_model_spec *spec, size_t j, double v);
/* Factor settings x (n_in) into inputs f (n_feat). */
SG_INTERNAL void sg_model__encode(const sg_model_spec *spec, size_t n_in, const double *x,
                                  double *f);
/* n rows of X (n, n_in) into F (n, n_feat). */
SG_INTERNAL void sg_model__encode_rows(const sg_model_spec *spec, size_t n_in, const double *X,
                                       size_t n, double *F);
/* The settings x (n_in) of inputs f (n_feat): the inverse of
 * sg_model__encode (10^f for a log-scale factor; a category's code from
 * its 0/1 input rounded or its largest one-hot input). */
SG_INTERNAL void sg_model__decode_point(const sg_model_spec *spec, size_t n_in, const double *f,
                                        double *x);
/* Each input's category into names (n_feat): k for every input of a
 * category of k names, 0 for a number's input (window.h's names). */
SG_INTERNAL void sg_model__input_names(const sg_model_spec *spec, size_t n_in, size_t *names);
/* Y (n, n_out) into Yt with log10 of every log-scale response's values
 * (others copied); SG_ERR_INVALID naming the response and row when such a
 * value is not above 0 (non-finite values pass through). */
SG_INTERNAL sg_status sg_model__log_responses(const sg_model_spec *spec, const double *Y,
                                              size_t n, size_t n_out, double *Yt,
                                              sg_error *err);
/* True when numeric response j is modelled as log10 of its values. */
SG_INTERNAL bool sg_model__is_log_y(const sg_model_spec *spec, size_t j);
/* True when numeric factor i enters the model as log10 of its setting. */
SG_INTERNAL bool sg_model__is_log(const sg_model_spec *spec, size_t i);
/* A gradient over the inputs (n_feat) at the settings x (n_in) back to the
 * factors (n_in): a categorical factor's is 0 (its settings are not a
 * continuum); a log-scale factor's carries d log10(x) / dx. */
SG_INTERNAL void sg_model__decode_grad(const sg_model_spec *spec, size_t n_in, const double *x,
                                       const double *gf, double *gx);

/* Bounds of the inputs (n_feat each): a numeric factor's bounds lo .. hi,
 * 0 .. 1 for the inputs of a category. */
SG_INTERNAL void sg_model__feature_bounds(const sg_model *m, double *flo, double *fhi);

/* An empty kriging model for n rows (no processes yet; gx, gy, gpar
 * allocated).  Caller owns *out. */
SG_INTERNAL sg_status sg_model__alloc_gp(const sg_model_spec *spec, size_t n_in, size_t n_out,
                                         size_t n_rows, sg_model **out, sg_error *err);
/* Build process j from gx, gy and gpar (model_gp.c). */
SG_INTERNAL sg_status sg_model__gp_build(sg_model *m, size_t j, sg_error *err);
/* An empty quadratic model for n rows (qx, gy and quad allocated, no fits
 * yet).  Caller owns *out. */
SG_INTERNAL sg_status sg_model__alloc_quad(const sg_model_spec *spec, size_t n_in, size_t n_out,
                                           size_t n_rows, sg_model **out, sg_error *err);
/* Fit response j's quadratic from qx and gy (model_quad.c); the loader
 * calls it as the fit does. */
SG_INTERNAL sg_status sg_model__quad_build(sg_model *m, size_t j, sg_error *err);
/* Free a quadratic's contents and zero it. */
SG_INTERNAL void sg_model__quad_clear(sg_model_quad *q);
/* Fit the quadratic model (type = quadratic; model_quad.c). */
SG_INTERNAL sg_status sg_model__fit_quad(const sg_model_spec *spec, size_t n_in, size_t n_out,
                                         const double *X, const double *Y, size_t n,
                                         const char *const *response_names, sg_model **out,
                                         sg_error *err);
/* Response j's mean at x (n_in settings) and, when sd is not NULL, the
 * standard error of that mean; t (terms) and u (terms) scratch. */
SG_INTERNAL void sg_model__quad_predict(const sg_model *m, size_t j, const double *x, double *t,
                                        double *u, double *mean, double *sd);
/* Response j's mean at x, returned, and its gradient over the factors into
 * grad (n_in). */
SG_INTERNAL double sg_model__quad_gradient(const sg_model *m, size_t j, const double *x,
                                           double *grad);
/* The largest number of terms of the responses' fits (scratch size). */
SG_INTERNAL size_t sg_model__quad_terms(const sg_model *m);
/* SG_OK when every response of spec is a number; else SG_ERR_INVALID
 * naming the first pass/fail or class response: "<model> models numbers;
 * response ... holds names ...: use type = "mlp" ...<alternative>" (kriging
 * and the quadratic model; model_gp.c). */
SG_INTERNAL sg_status sg_model__numbers_only(const sg_model_spec *spec, size_t n_out,
                                             const char *const *response_names,
                                             const char *model, const char *alternative,
                                             sg_error *err);
/* Factor bounds lo, hi from the n rows of X (n, n_in): what a model keeps
 * until the study's bounds are set (model_gp.c). */
SG_INTERNAL void sg_model__bounds_of_rows(sg_model *m, const double *X, size_t n);
/* Fit the kriging model and the automatic choice (model_gp.c). */
SG_INTERNAL sg_status sg_model__fit_gp(const sg_model_spec *spec, size_t n_in, size_t n_out,
                                       const double *X, const double *Y, size_t n,
                                       const char *const *response_names, sg_model **out,
                                       sg_error *err);
SG_INTERNAL sg_status sg_model__fit_auto(const sg_model_spec *spec, size_t n_in, size_t n_out,
                                         const double *X, const double *Y, size_t n,
                                         const char *const *response_names,
                                         sg_model_progress_fn progress, void *user,
                                         sg_model **out, sg_error *err);
/* The network fit (model.c) whatever spec->type says. */
SG_INTERNAL sg_status sg_model__fit_mlp(const sg_model_spec *spec, size_t n_in, size_t n_out,
                                        const double *X, const double *Y, size_t n,
                                        const char *const *response_names,
                                        sg_model_progress_fn progress, void *user,
                                        sg_model **out, sg_error *err);

/* SG_OK when every prediction inside the factor bounds (lo, hi) is finite,
 * mean and spread, by interval arithmetic through the scalers and every
 * member network (model_check.c); else SG_ERR_INVALID naming the network
 * or the response.  Used by the model loader. */
SG_INTERNAL sg_status sg_model_check_window(const sg_model *m, sg_error *err);

/* SG_OK when every factor and response name is an identifier as in a
 * study (a letter, then letters, digits and '_'; at most SG_MODEL_NAME_MAX
 * characters) and every unit printable UTF-8; else SG_ERR_INVALID naming
 * it (model_check.c).  Used by the model loader. */
#define SG_MODEL_NAME_MAX 64
SG_INTERNAL sg_status sg_model_check_names(const sg_model *m, sg_error *err);

/* Copy a string into *dst (freeing the old one); NULL source = "". */
SG_INTERNAL sg_status sg_model_set_string(char **dst, const char *src, sg_error *err);

#endif
