/* decide.c — surrogate objective/constraints as optimiser callbacks, and
 * the answer: predictions, coverage, comparisons. */
#include "optim/decide.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/taguchi.h"
#include "core/num.h"

struct sg_decide_problem {
    size_t nf, nr, n_cons;
    const sg_optimize_spec *spec; /* borrowed during the run */
    const sg_model *model;        /* borrowed, shared read-only by every thread */
    double *lo, *range;           /* nr: response normalisation (weighted) */
    double *fd_h;                 /* nf: finite-difference steps */
    double *con_margin;           /* n_cons: safety margin (response units), 0 = none */
};

typedef struct decide_ctx {
    const sg_decide_problem *p;
    const sg_model *m;          /* p->model */
    sg_model_work *w;           /* this thread's evaluation workspace */
    double *mean, *sd, *g, *xh; /* nr, nr, nf, nf */
    double *cx;                 /* nf: point of the cached prediction */
    double *cval, *csd;         /* n_cons: own constraints' values at cx (else unused) */
    double P[SG_MODEL_MAX_CLASSES], S[SG_MODEL_MAX_CLASSES];
    int cached;
} decide_ctx;

void sg_decide_problem_destroy(sg_decide_problem *p)
{
    if (!p)
        return;
    free(p->lo);
    free(p->range);
    free(p->fd_h);
    free(p->con_margin);
    free(p);
}

static sg_status check_model(const sg_study *s, const sg_model *m, sg_error *err)
{
    if (sg_model_n_in(m) != s->n_factors || sg_model_n_out(m) != s->n_responses)
        return sg_error_set(err, SG_ERR_INVALID,
                            "the model has %zu factors and %zu responses but the study has %zu "
                            "and %zu: fit the model again",
                            sg_model_n_in(m), sg_model_n_out(m), s->n_factors, s->n_responses);
    for (size_t i = 0; i < s->n_factors; i++)
        if (strcmp(sg_model_factor_name(m, i), s->factors[i].name) != 0)
            return sg_error_set(err, SG_ERR_INVALID,
                                "model factor %zu is '%s' but the study's is '%s': fit the model "
                                "again",
                                i + 1, sg_model_factor_name(m, i), s->factors[i].name);
    for (size_t j = 0; j < s->n_responses; j++)
        if (strcmp(sg_model_response_name(m, j), s->responses[j].name) != 0)
            return sg_error_set(err, SG_ERR_INVALID,
                                "model response %zu is '%s' but the study's is '%s': fit the "
                                "model again",
                                j + 1, sg_model_response_name(m, j), s->responses[j].name);
    return SG_OK;
}

sg_status sg_decide_problem_create(const sg_study *s, const sg_table *t,
                                   const sg_optimize_spec *spec, const sg_model *model,
                                   sg_decide_problem **out, sg_error *err)
{
    *out = NULL;
    sg_status st = check_model(s, model, err);
    if (st)
        return st;
    sg_decide_problem *p = calloc(1, sizeof *p);
    if (!p)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    p->nf = s->n_factors;
    p->nr = s->n_responses;
    p->n_cons = spec->n_cons;
    p->spec = spec;
    p->model = model;
    p->lo = calloc(p->nr, sizeof(double));
    p->range = calloc(p->nr, sizeof(double));
    p->fd_h = calloc(p->nf, sizeof(double));
    p->con_margin = calloc(p->n_cons ? p->n_cons : 1, sizeof(double));
    if (!p->lo || !p->range || !p->fd_h || !p->con_margin) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t f = 0; f < p->nf; f++)
        p->fd_h[f] = SG_DECIDE_FD_REL * (spec->ub[f] - spec->lb[f]);
    for (size_t j = 0; j < p->nr; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; t && i < t->n_rows; i++) {
            double v = sg_table_at(t, i, p->nf + j);
            if (isfinite(v)) {
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
        }
        p->lo[j] = isfinite(lo) ? lo : 0.0;
        p->range[j] = hi > lo ? hi - lo : 1.0;
        if (spec->weighted && spec->weights[j] > 0 && !(hi > lo)) {
            st = sg_error_set(err, SG_ERR_INVALID,
                              "response '%s' is constant (or missing) in the data: its weight "
                              "cannot be normalised by its range",
                              s->responses[j].name);
            goto fail;
        }
    }
    *out = p;
    return SG_OK;
fail:
    sg_decide_problem_destroy(p);
    return st;
}

void sg_decide_ctx_destroy(void *vc)
{
    decide_ctx *c = vc;
    if (!c)
        return;
    sg_model_work_destroy(c->w);
    free(c->mean);
    free(c->sd);
    free(c->g);
    free(c->xh);
    free(c->cx);
    free(c->cval);
    free(c->csd);
    free(c);
}

void *sg_decide_ctx_create(void *problem)
{
    const sg_decide_problem *p = problem;
    decide_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->p = p;
    c->m = p->model;
    c->mean = calloc(p->nr, sizeof(double));
    c->sd = calloc(p->nr, sizeof(double));
    c->g = calloc(p->nf, sizeof(double));
    c->xh = calloc(p->nf, sizeof(double));
    c->cx = calloc(p->nf, sizeof(double));
    c->cval = calloc(p->n_cons + 1, sizeof(double));
    c->csd = calloc(p->n_cons + 1, sizeof(double));
    if (!c->mean || !c->sd || !c->g || !c->xh || !c->cx || !c->cval || !c->csd ||
        sg_model_work_create(p->model, &c->w, NULL)) {
        sg_decide_ctx_destroy(c);
        return NULL;
    }
    return c;
}

/* The probability (and its spread) of the name each own constraint (one
 * about another name of a class response than the model's focus) bounds,
 * at x, into val and sd (n_cons; other entries untouched). */
static void own_constraints(decide_ctx *c, const double *x, double *val, double *sd)
{
    const sg_optimize_spec *sp = c->p->spec;
    for (size_t i = 0; i < sp->n_cons; i++) {
        if (!sg_optimize_spec_con_own(sp, i))
            continue;
        sg_model_predict_proba(c->m, c->w, x, sp->cons[i].response, c->P, c->S);
        val[i] = c->P[sp->cons[i].cls];
        sd[i] = c->S[sp->cons[i].cls];
    }
}

/* Predictions at x, reused while x does not change (NLopt asks for the
 * objective and every constraint at the same point). */
static void predict_cached(decide_ctx *c, const double *x)
{
    size_t nb = c->p->nf * sizeof(double);
    if (c->cached && memcmp(c->cx, x, nb) == 0)
        return;
    sg_model_predict(c->m, c->w, x, c->mean, c->sd);
    own_constraints(c, x, c->cval, c->csd);
    memcpy(c->cx, x, nb);
    c->cached = 1;
}

void sg_decide_predict_cons(void *vc, const double *x, double *mean, double *sd)
{
    decide_ctx *c = vc;
    const sg_optimize_spec *sp = c->p->spec;
    predict_cached(c, x);
    for (size_t i = 0; i < sp->n_cons; i++) {
        bool own = sg_optimize_spec_con_own(sp, i);
        mean[i] = own ? c->cval[i] : c->mean[sp->cons[i].response];
        if (sd)
            sd[i] = own ? c->csd[i] : c->sd[sp->cons[i].response];
    }
}

void sg_decide_predict(void *vc, const double *x, double *mean, double *sd)
{
    decide_ctx *c = vc;
    predict_cached(c, x);
    memcpy(mean, c->mean, c->p->nr * sizeof(double));
    if (sd)
        memcpy(sd, c->sd, c->p->nr * sizeof(double));
}

/* grad += scale * d (sum_j w_j sd_j) / dx by central differences; w = NULL
 * means response j only. */
static void add_spread_grad(decide_ctx *c, const double *x, const double *w, size_t j,
                            double scale, double *grad)
{
    const sg_decide_problem *p = c->p;
    memcpy(c->xh, x, p->nf * sizeof(double));
    for (size_t f = 0; f < p->nf; f++) {
        double h = p->fd_h[f], s[2];
        for (int side = 0; side < 2; side++) {
            c->xh[f] = x[f] + (side ? -h : h);
            sg_model_predict(c->m, c->w, c->xh, c->mean, c->sd);
            double v = 0.0;
            if (w) {
                for (size_t r = 0; r < p->nr; r++)
                    if (w[r] > 0)
                        v += w[r] * c->sd[r] / p->range[r];
            } else {
                v = c->sd[j];
            }
            s[side] = v;
        }
        c->xh[f] = x[f];
        grad[f] += scale * (s[0] - s[1]) / (2.0 * h);
    }
    c->cached = 0; /* mean/sd buffers now hold shifted points */
}

double sg_decide_objective(void *vc, const double *x, double *grad)
{
    decide_ctx *c = vc;
    const sg_decide_problem *p = c->p;
    const sg_optimize_spec *sp = p->spec;
    double sgn = sp->sense == SG_OPTIM_MAXIMIZE ? -1.0 : 1.0, k = sp->risk;
    if (grad && !sp->weighted && k == 0 && p->n_cons == 0) {
        /* Fast path: the gradient pass gives the mean too. */
        double mean;
        sg_model_gradient(c->m, c->w, x, sp->response, &mean, grad);
        return mean;
    }
    predict_cached(c, x);
    double v;
    if (!sp->weighted) {
        size_t j = sp->response;
        v = c->mean[j] + sgn * k * c->sd[j];
        if (grad) {
            sg_model_gradient(c->m, c->w, x, j, NULL, grad);
            if (k > 0)
                add_spread_grad(c, x, NULL, j, sgn * k, grad);
        }
        return v;
    }
    v = 0.0;
    for (size_t j = 0; j < p->nr; j++)
        if (sp->weights[j] > 0)
            v += sp->weights[j] * ((c->mean[j] - p->lo[j]) + sgn * k * c->sd[j]) / p->range[j];
    if (grad) {
        for (size_t f = 0; f < p->nf; f++)
            grad[f] = 0.0;
        for (size_t j = 0; j < p->nr; j++) {
            if (!(sp->weights[j] > 0))
                continue;
            sg_model_gradient(c->m, c->w, x, j, NULL, c->g);
            for (size_t f = 0; f < p->nf; f++)
                grad[f] += sp->weights[j] / p->range[j] * c->g[f];
        }
        if (k > 0)
            add_spread_grad(c, x, sp->weights, 0, sgn * k, grad);
    }
    return v;
}

/* Constraint i about its own name of a class response: on that name's
 * probability and its spread (risk), with the analytic gradient of the
 * probability and central differences of the spread. */
static double own_constraint(decide_ctx *c, size_t i, const double *x, double *grad)
{
    const sg_decide_problem *p = c->p;
    const sg_optimize_spec_con *con = &p->spec->cons[i];
    double k = p->spec->risk, sgn = con->ge ? -1.0 : 1.0;
    double v = sgn * (c->cval[i] - con->bound) + p->con_margin[i] + k * c->csd[i];
    if (!grad)
        return v;
    sg_model_gradient_proba(c->m, c->w, x, con->response, con->cls, NULL, grad);
    for (size_t f = 0; f < p->nf; f++)
        grad[f] *= sgn;
    if (k > 0) {
        memcpy(c->xh, x, p->nf * sizeof(double));
        for (size_t f = 0; f < p->nf; f++) {
            double h = p->fd_h[f], s[2];
            for (int side = 0; side < 2; side++) {
                c->xh[f] = x[f] + (side ? -h : h);
                sg_model_predict_proba(c->m, c->w, c->xh, con->response, c->P, c->S);
                s[side] = c->S[con->cls];
            }
            c->xh[f] = x[f];
            grad[f] += k * (s[0] - s[1]) / (2.0 * h);
        }
    }
    return v;
}

double sg_decide_constraint(void *vc, size_t i, const double *x, double *grad)
{
    decide_ctx *c = vc;
    const sg_optimize_spec_con *con = &c->p->spec->cons[i];
    double k = c->p->spec->risk, sgn = con->ge ? -1.0 : 1.0;
    size_t r = con->response;
    predict_cached(c, x);
    if (sg_optimize_spec_con_own(c->p->spec, i))
        return own_constraint(c, i, x, grad);
    double v = sgn * (c->mean[r] - con->bound) + c->p->con_margin[i] + k * c->sd[r];
    if (grad) {
        sg_model_gradient(c->m, c->w, x, r, NULL, grad);
        for (size_t f = 0; f < c->p->nf; f++)
            grad[f] *= sgn;
        if (k > 0)
            add_spread_grad(c, x, NULL, r, k, grad);
    }
    return v;
}

/* One trampoline per constraint slot: the optimiser passes only x, grad
 * and the thread context. */
#define CON_FN(i)                                                                  \
    static double con_##i(void *ctx, const double *x, double *grad)               \
    {                                                                              \
        return sg_decide_constraint(ctx, i, x, grad);                              \
    }
CON_FN(0) CON_FN(1) CON_FN(2) CON_FN(3) CON_FN(4) CON_FN(5) CON_FN(6) CON_FN(7)
CON_FN(8) CON_FN(9) CON_FN(10) CON_FN(11) CON_FN(12) CON_FN(13) CON_FN(14) CON_FN(15)
static const sg_optim_func con_fns[SG_OPTSPEC_MAX_CONS] = {
    con_0, con_1, con_2,  con_3,  con_4,  con_5,  con_6,  con_7,
    con_8, con_9, con_10, con_11, con_12, con_13, con_14, con_15,
};

int sg_decide_model_is_stale(const sg_model *m, const char *data_hash, const char *settings_hash,
                             char *why, size_t cap)
{
    const char *md = sg_model_data_hash(m), *ms = sg_model_study_hash(m);
    if (!md || !*md || !ms || !*ms) {
        snprintf(why, cap, "the model file records no data/settings hashes, so it cannot be "
                           "checked against the study");
        return 1;
    }
    if (strcmp(md, data_hash) != 0) {
        snprintf(why, cap, "the data file changed since the model was fitted (data hash %s, "
                           "model fitted on %s)",
                 data_hash, md);
        return 1;
    }
    if (strcmp(ms, settings_hash) != 0) {
        snprintf(why, cap, "the study's fit settings ([model], [train], seed, factors or "
                           "responses) changed since the model was fitted (settings hash %s, "
                           "model fitted with %s)",
                 settings_hash, ms);
        return 1;
    }
    if (cap)
        *why = '\0';
    return 0;
}

/* ---- the answer --------------------------------------------------------- */

void sg_decide_result_destroy(sg_decide_result *r)
{
    if (!r)
        return;
    sg_optim_result_destroy(r->opt);
    free(r->choice_code);
    free(r->choice_f);
    free(r->choice_feasible);
    free(r->choice_untested);
    free(r->resp_lo);
    free(r->resp_range);
    free(r->mean);
    free(r->sd);
    free(r->r_mean);
    free(r->r_sd);
    free(r->taguchi_x);
    free(r->closest_value);
    free(r->con_mean);
    free(r->con_sd);
    free(r->half_width);
    free(r->log_scale);
    free(r->con_margin);
    free(r);
}

static int better(sg_optim_sense s, double a, double b)
{
    return s == SG_OPTIM_MAXIMIZE ? a > b : a < b;
}

/* The best tested setting (sg_decide_result.best_row and the rest). */
static sg_status best_tested(const sg_decide_problem *p, const sg_table *t, sg_decide_result *r,
                             sg_error *err)
{
    sg_tested_objective o = {p->spec, p->nf, p->nr, p->lo, p->range};
    sg_tested_best b;
    sg_status st = sg_tested_best_find(&o, t, false, &b, err);
    if (st != SG_OK)
        return st;
    r->rows_inside_box = b.rows_inside_box;
    r->rows_outside_box = b.rows_outside_box;
    r->has_best_row = b.found;
    if (!b.found)
        return SG_OK;
    r->best_row = b.row;
    r->best_row_value = b.value;
    r->best_row_reps = b.reps;
    memcpy(r->best_rows, b.rows, sizeof b.rows);
    memcpy(r->best_row_means, b.means, sizeof b.means);
    return SG_OK;
}

void sg_decide_best_label(const sg_decide_result *r, const sg_table *t, char *buf, size_t cap)
{
    if (!r->has_best_row || cap == 0) {
        if (cap)
            buf[0] = '\0';
        return;
    }
    size_t m = r->best_row_reps ? r->best_row_reps : 1;
    size_t listed = m < SG_DECIDE_REPS_LISTED ? m : SG_DECIDE_REPS_LISTED;
    size_t u =
        (size_t)snprintf(buf, cap, "%s%s", t->run_id ? "run" : "data row", m > 1 ? "s" : "");
    for (size_t k = 0; k < listed && u < cap; k++) {
        size_t i = m > 1 ? r->best_rows[k] : r->best_row;
        const char *sep = k == 0 ? " " : k + 1 == listed && listed == m ? " and " : ", ";
        if (t->run_id)
            u += (size_t)snprintf(buf + u, cap - u, "%s%s", sep, t->run_id[i]);
        else
            u += (size_t)snprintf(buf + u, cap - u, "%s%zu", sep, t->row[i]);
    }
    if (m > listed && u < cap)
        snprintf(buf + u, cap - u, " and %zu more", m - listed);
}

/* Scaled distance (each factor over its range) from x to settings v. */
static double scaled_dist(const sg_study *s, const double *x, const double *v)
{
    double d2 = 0.0;
    for (size_t f = 0; f < s->n_factors; f++) {
        double d = (x[f] - v[f]) / (s->factors[f].max - s->factors[f].min);
        d2 += d * d;
    }
    return sqrt(d2);
}

/* The failed run nearest the optimum x, when it is within the design's
 * spacing and no farther than the nearest tested run. */
static void failed_near(const sg_study *s, const sg_table *t, const double *x,
                        sg_decide_result *r)
{
    const sg_excluded_row *near = NULL;
    double best = INFINITY;
    for (size_t i = 0; i < t->n_excluded; i++) {
        const sg_excluded_row *e = &t->excluded[i];
        if (e->reason != SG_EXCLUDED_FAILED || !e->x)
            continue;
        double d = scaled_dist(s, x, e->x);
        if (d < best) {
            best = d;
            near = e;
        }
    }
    if (!near || best > fmax(r->design_spacing, r->nearest_dist))
        return;
    char settings[SG_DECIDE_TEXT_MAX / 2] = "", v[64];
    size_t u = 0;
    for (size_t f = 0; f < s->n_factors && u < sizeof settings; f++)
        u += (size_t)snprintf(settings + u, sizeof settings - u, "%s%s %s%s%s", f ? ", " : "",
                              s->factors[f].name,
                              sg_factor_format(&s->factors[f], near->x[f], 6, v, sizeof v),
                              s->factors[f].unit[0] ? " " : "", s->factors[f].unit);
    char run[48];
    if (near->run_id && near->run_id[0])
        snprintf(run, sizeof run, "run %.30s", near->run_id);
    else
        snprintf(run, sizeof run, "data row %zu", near->row);
    sg_num_snprintf(r->failed_near, sizeof r->failed_near,
                    "%s (%s) gave no result ('%.40s') and lies %.3g from the optimum (scaled "
                    "units; the nearest tested run is %.3g away): the model never saw it, and "
                    "the process may fail near these settings; confirm with a simulation",
                    run, settings, near->text ? near->text : "", best, r->nearest_dist);
}

static void coverage(const sg_study *s, const sg_table *t, const double *x, sg_decide_result *r)
{
    size_t nf = s->n_factors;
    double best = INFINITY, spacing = 0.0;
    size_t stride = (t->n_rows + SG_DECIDE_SPACING_SAMPLE - 1) / SG_DECIDE_SPACING_SAMPLE;
    for (size_t i = 0; i < t->n_rows; i++) {
        const double *row = t->x + i * t->n_cols; /* factors first */
        double d = scaled_dist(s, x, row), nn = INFINITY;
        if (d < best) {
            best = d;
            r->nearest_row = i;
        }
        if (i % stride != 0)
            continue;
        for (size_t k = 0; k < t->n_rows; k++) {
            double e = scaled_dist(s, t->x + k * t->n_cols, row);
            if (k != i && e > 0 && e < nn)
                nn = e;
        }
        if (isfinite(nn) && nn > spacing)
            spacing = nn;
    }
    r->nearest_dist = best;
    r->design_spacing = spacing;
    for (size_t f = 0; f < nf; f++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < t->n_rows; i++) {
            double v = sg_table_at(t, i, f);
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        if (x[f] < lo || x[f] > hi)
            r->outside_data_box = 1;
    }
    failed_near(s, t, x, r);
    int far = r->nearest_dist > SG_DECIDE_EXTRAP_FACTOR * r->design_spacing;
    r->extrapolation = far || r->outside_data_box;
    if (r->outside_data_box)
        snprintf(r->warning, sizeof r->warning,
                 "the optimum lies outside the range of the tested settings: the model "
                 "extrapolates; confirm with a simulation");
    else if (far)
        sg_num_snprintf(r->warning, sizeof r->warning,
                 "the optimum is %.3g from the nearest tested run (scaled units), farther than "
                 "any tested run is from its neighbour (%.3g): confirm with a simulation",
                 r->nearest_dist, r->design_spacing);
}

/* Factor f coded on its declared levels, values near one read as it
 * (sg_factor_code_levels, as the analysis does); false when it declares
 * none, a value is near none, or there are too many. */
static bool declared_codes(const sg_factor *fa, const sg_table *t, size_t f, double *vals,
                           int *nlev, int *codes, size_t stride)
{
    double v[SG_STUDY_MAX_LEVELS], off;
    size_t m;
    if (fa->categorical ||
        !sg_factor_code_levels(fa, t->x + f, t->n_rows, t->n_cols, codes, stride, v, &m, &off) ||
        m > SG_DECIDE_MAX_LEVELS)
        return false;
    memcpy(vals, v, m * sizeof *v);
    *nlev = (int)m;
    return true;
}

/* Main-effects best level combination for a single-response objective. */
static void taguchi_compare(const sg_study *s, const sg_table *t, const sg_optimize_spec *sp,
                            decide_ctx *c, sg_decide_result *r)
{
    size_t nf = s->n_factors, n = t->n_rows;
    int *codes = NULL;
    double *y = NULL, *vals = NULL;
    int *nlev = NULL;
    sg_taguchi_factor *fac = NULL;
    sg_taguchi_result *tr = NULL;
    sg_error e;
    if (sp->weighted) {
        snprintf(r->taguchi_na, sizeof r->taguchi_na, "objective is a weighted sum");
        return;
    }
    codes = malloc(n * nf * sizeof *codes);
    y = malloc(n * sizeof *y);
    vals = malloc(nf * SG_DECIDE_MAX_LEVELS * sizeof *vals);
    nlev = malloc(nf * sizeof *nlev);
    fac = calloc(nf, sizeof *fac);
    if (!codes || !y || !vals || !nlev || !fac) {
        snprintf(r->taguchi_na, sizeof r->taguchi_na, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        y[i] = sg_optimize_spec_observed(sp, sp->response, sg_table_at(t, i, nf + sp->response));
        if (!isfinite(y[i])) {
            snprintf(r->taguchi_na, sizeof r->taguchi_na, "the response has missing values");
            goto done;
        }
    }
    for (size_t f = 0; f < nf; f++) {
        if (!declared_codes(&s->factors[f], t, f, vals + f * SG_DECIDE_MAX_LEVELS, &nlev[f],
                            codes + f, nf) &&
            sg_taguchi_code_levels(t->x + f, n, t->n_cols, SG_DECIDE_MAX_LEVELS,
                                   vals + f * SG_DECIDE_MAX_LEVELS, &nlev[f], codes + f, nf, &e)) {
            snprintf(r->taguchi_na, sizeof r->taguchi_na, "factor '%s' is not discrete: %.400s",
                     s->factors[f].name, e.msg);
            goto done;
        }
        fac[f] = (sg_taguchi_factor){.name = s->factors[f].name, .unit = s->factors[f].unit,
                                     .n_levels = nlev[f],
                                     .level_values = vals + f * SG_DECIDE_MAX_LEVELS};
    }
    sg_taguchi_input in = {.n_runs = n, .n_factors = nf, .levels = codes, .factors = fac, .y = y,
                           .response_name = s->responses[sp->response].name,
                           .response_unit = s->responses[sp->response].unit,
                           .goal = sp->sense == SG_OPTIM_MAXIMIZE ? SG_TAGUCHI_MAXIMIZE
                                                                  : SG_TAGUCHI_MINIMIZE};
    sg_taguchi_options o = sg_taguchi_options_default();
    o.interactions = false;
    if (sg_taguchi_analyze(&in, &o, &tr, &e)) {
        snprintf(r->taguchi_na, sizeof r->taguchi_na, "main-effects analysis failed: %.400s", e.msg);
        goto done;
    }
    if (tr->best_na) {
        snprintf(r->taguchi_na, sizeof r->taguchi_na, "%s", tr->best_na);
        goto done;
    }
    r->taguchi_x = malloc(nf * sizeof(double));
    if (!r->taguchi_x) {
        snprintf(r->taguchi_na, sizeof r->taguchi_na, "out of memory");
        goto done;
    }
    for (size_t f = 0; f < nf; f++)
        r->taguchi_x[f] = sp->has_fixed[f] ? sp->fixed[f]
                                           : tr->mains[f].levels[tr->mains[f].best_level].value;
    r->taguchi_additive = tr->predicted;
    r->taguchi_pred = sg_decide_objective(c, r->taguchi_x, NULL);
    r->has_taguchi = 1;
done:
    sg_taguchi_result_destroy(tr);
    free(codes);
    free(y);
    free(vals);
    free(nlev);
    free(fac);
}

/* Every optimiser start failed: say why this happens on a surrogate and
 * what to change (the data range of each response in the objective, the
 * risk factor). */
static void explain_no_optimum(const sg_study *s, const sg_table *t, const sg_optimize_spec *sp,
                               sg_error *err)
{
    char msg[SG_ERROR_MSG_MAX], ranges[512];
    size_t used = 0, nf = s->n_factors;
    ranges[0] = '\0';
    for (size_t j = 0; t && j < s->n_responses; j++) {
        if (sp->weighted ? !(sp->weights[j] > 0) : j != sp->response)
            continue;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < t->n_rows; i++) {
            double v = sg_table_at(t, i, nf + j);
            if (isfinite(v)) {
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
        }
        if (lo <= hi && used < sizeof ranges)
            used += (size_t)snprintf(ranges + used, sizeof ranges - used,
                                     "%s'%s' ranges from %g to %g%s%s in the data",
                                     used ? "; " : "", s->responses[j].name, lo, hi,
                                     *s->responses[j].unit ? " " : "", s->responses[j].unit);
    }
    char rk[96] = "";
    if (sp->risk > 0)
        snprintf(rk, sizeof rk, ", or lower [optimize] risk (now %g)", sp->risk);
    snprintf(msg, sizeof msg,
             "optimize: %.400s.\n  The objective is not finite or far too badly scaled for the "
             "optimiser%s%.300s%s.  Check the data for a mistyped or extreme value%.90s, then "
             "run again",
             err ? err->msg : "", used ? " (" : "", ranges, used ? ")" : "", rk);
    sg_error_set(err, SG_ERR_NUMERIC, "%s", msg);
}

/* Each constraint is tightened by the one-sided quantile of its response's
 * calibrated interval, so that it holds with the spec's confidence; a
 * response without a calibrated interval gets no margin. */
static void set_margins(const sg_study *s, const sg_optimize_spec *sp, sg_decide_problem *p,
                        sg_decide_result *r)
{
    r->con_confidence = sp->con_confidence;
    for (size_t i = 0; i < sp->n_cons; i++) {
        const sg_optimize_spec_con *c = &sp->cons[i];
        double hw = r->half_width[c->response];
        double m = 0.0;
        if (isfinite(hw) && sp->con_confidence > 0.5 && r->level > 0 && r->level < 1)
            m = hw / gsl_cdf_ugaussian_Pinv(0.5 + r->level / 2.0) *
                gsl_cdf_ugaussian_Pinv(sp->con_confidence);
        /* a log-scale response's interval is in proportion (m in decades):
         * the bound moves by that factor, in the response's unit at the bound */
        if (s->responses[c->response].log_scale)
            m = !(c->bound > 0) ? 0.0
                : c->ge     ? c->bound * (pow(10.0, m) - 1.0)
                            : c->bound * (1.0 - pow(10.0, -m));
        p->con_margin[i] = r->con_margin[i] = m;
    }
}

/* The objective an optimisation reached: its realisable optimum's when the
 * settings had to be snapped, else the continuous one's. */
static double reached_f(const sg_optim_result *o)
{
    return o->realisable.needed && o->realisable.found ? o->realisable.f : o->best_f;
}

/* Category factors not fixed: into r->cat_factor; returns the number of
 * combinations of their names (SIZE_MAX beyond SG_DECIDE_MAX_CHOICES). */
static size_t free_categories(const sg_study *s, const sg_optimize_spec *sp, sg_decide_result *r)
{
    size_t n = 1;
    r->n_cat = 0;
    for (size_t f = 0; f < s->n_factors; f++) {
        if (!s->factors[f].categorical || sp->has_fixed[f])
            continue;
        r->cat_factor[r->n_cat++] = f;
        n = n > SG_DECIDE_MAX_CHOICES ? n : n * s->factors[f].n_levels;
    }
    return n > SG_DECIDE_MAX_CHOICES ? SIZE_MAX : n;
}

/* Optimise once per combination of the free category factors' names (each
 * held at its name), keeping the best: feasible first, then the objective.
 * Without category factors this is one sg_optim_run. */
/* Whether name `code` of category factor f occurs in the table (no table:
 * assume it does). */
static bool name_tested(const sg_table *t, size_t f, double code)
{
    if (!t || t->n_rows == 0)
        return true;
    for (size_t i = 0; i < t->n_rows; i++)
        if (sg_table_at(t, i, f) == code)
            return true;
    return false;
}

static sg_status run_choices(const sg_study *s, const sg_table *t, const sg_optimize_spec *sp,
                             const sg_optim_problem *prob, const sg_optim_config *cfg,
                             sg_optim_var *vars, sg_decide_result *r, sg_error *err)
{
    size_t n = free_categories(s, sp, r);
    if (r->n_cat == 0)
        return sg_optim_run(prob, cfg, &r->opt, err);
    if (n == SIZE_MAX) {
        snprintf(r->cat_note, sizeof r->cat_note,
                 "more than %d combinations of category names: searched as ordered levels, "
                 "fix some category factors in [optimize] fixed to search every name",
                 SG_DECIDE_MAX_CHOICES);
        r->n_cat = 0;
        return sg_optim_run(prob, cfg, &r->opt, err);
    }
    r->n_choices = n;
    r->choice_code = calloc(n * r->n_cat, sizeof *r->choice_code);
    r->choice_f = calloc(n, sizeof *r->choice_f);
    r->choice_feasible = calloc(n, sizeof *r->choice_feasible);
    r->choice_untested = calloc(n, sizeof *r->choice_untested);
    if (!r->choice_code || !r->choice_f || !r->choice_feasible || !r->choice_untested)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    /* the combinations, and which hold a name no run has: the model's inputs
     * for such a name were never trained (always 0), so what it predicts
     * there means nothing; they are not searched, unless no combination is
     * tested at all (then every one is) */
    size_t n_tested = 0;
    for (size_t c = 0; c < n; c++) {
        size_t rest = c;
        for (size_t k = r->n_cat; k-- > 0;) {
            size_t f = r->cat_factor[k], L = s->factors[f].n_levels;
            double code = (double)(rest % L);
            rest /= L;
            r->choice_code[c * r->n_cat + k] = code;
            if (!name_tested(t, f, code))
                r->choice_untested[c] = 1;
        }
        n_tested += !r->choice_untested[c];
    }
    for (size_t c = 0; c < n; c++) {
        if (n_tested > 0 && r->choice_untested[c]) {
            r->choice_f[c] = NAN;
            continue;
        }
        r->choice_untested[c] = 0;
        for (size_t k = 0; k < r->n_cat; k++) {
            size_t f = r->cat_factor[k];
            vars[f].has_fixed = 1;
            vars[f].fixed = r->choice_code[c * r->n_cat + k];
            vars[f].step = 0;
            vars[f].levels = NULL;
            vars[f].n_levels = 0;
        }
        sg_optim_result *o = NULL;
        sg_status st = sg_optim_run(prob, cfg, &o, err);
        if (st != SG_OK)
            return st;
        r->choice_f[c] = reached_f(o);
        r->choice_feasible[c] = o->feasible;
        bool wins = !r->opt || (o->feasible && !r->opt->feasible) ||
                    (o->feasible == r->opt->feasible &&
                     better(sp->sense, reached_f(o), reached_f(r->opt)));
        if (wins) {
            sg_optim_result_destroy(r->opt);
            r->opt = o;
            r->best_choice = c;
        } else {
            sg_optim_result_destroy(o);
        }
    }
    return SG_OK;
}

bool sg_decide_unvaried(const sg_study *s, const sg_table *t, size_t i, double *value)
{
    if (!t || t->n_rows < 2 || i >= s->n_factors || s->factors[i].categorical)
        return false;
    *value = sg_table_at(t, 0, i);
    for (size_t r = 1; r < t->n_rows; r++)
        if (sg_table_at(t, r, i) != *value)
            return false;
    return true;
}

bool sg_decide_held(const sg_study *s, const sg_table *t, const sg_optimize_spec *sp, size_t i,
                    double *tested, double *held)
{
    if (i >= sp->n_factors || sp->has_fixed[i] || !sg_decide_unvaried(s, t, i, tested))
        return false;
    *held = fmin(fmax(*tested, sp->lb[i]), sp->ub[i]);
    return true;
}

/* Hold each factor sg_decide_held names: the model ignores it, so the
 * search would end anywhere along it and call each end a distinct optimum. */
static void hold_unvaried(const sg_study *s, const sg_table *t, const sg_optimize_spec *sp,
                          sg_optim_var *vars)
{
    for (size_t i = 0; i < s->n_factors; i++) {
        double tested, v;
        if (vars[i].has_fixed || !sg_decide_held(s, t, sp, i, &tested, &v))
            continue;
        vars[i].has_fixed = 1;
        vars[i].fixed = v;
        vars[i].step = 0;
        vars[i].levels = NULL;
        vars[i].n_levels = 0;
    }
}

sg_status sg_decide_run(const sg_study *s, const sg_table *t, const sg_optimize_spec *sp,
                        const sg_model *model, const sg_decide_options *o,
                        sg_decide_result **out, sg_error *err)
{
    *out = NULL;
    sg_decide_problem *p = NULL;
    decide_ctx *c = NULL;
    sg_decide_result *r = NULL;
    sg_optim_var vars[SG_STUDY_MAX_FACTORS];
    sg_optim_constraint cons[SG_OPTSPEC_MAX_CONS];
    size_t nf = s->n_factors, nr = s->n_responses;
    sg_status st;
    if (sp->n_factors != nf || sp->n_responses != nr || sp->n_cons > SG_OPTSPEC_MAX_CONS)
        return sg_error_set(err, SG_ERR_INVALID, "optimize: spec does not match the study");
    if ((st = sg_decide_problem_create(s, t, sp, model, &p, err)))
        return st;
    c = sg_decide_ctx_create(p);
    r = calloc(1, sizeof *r);
    if (!c || !r) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto fail;
    }
    r->n_factors = nf;
    r->n_responses = nr;
    r->n_cons = sp->n_cons;
    r->sense = sp->sense;
    r->weighted = sp->weighted;
    r->risk = sp->risk;
    r->resp_lo = malloc(nr * sizeof(double));
    r->resp_range = malloc(nr * sizeof(double));
    r->mean = calloc(nr, sizeof(double));
    r->sd = calloc(nr, sizeof(double));
    r->r_mean = calloc(nr, sizeof(double));
    r->r_sd = calloc(nr, sizeof(double));
    r->closest_value = calloc(sp->n_cons ? sp->n_cons : 1, sizeof(double));
    r->con_mean = calloc(sp->n_cons ? sp->n_cons : 1, sizeof(double));
    r->con_sd = calloc(sp->n_cons ? sp->n_cons : 1, sizeof(double));
    r->con_margin = calloc(sp->n_cons ? sp->n_cons : 1, sizeof(double));
    r->half_width = malloc(nr * sizeof(double));
    r->log_scale = calloc(nr, sizeof(bool));
    if (!r->resp_lo || !r->resp_range || !r->mean || !r->sd || !r->r_mean || !r->r_sd ||
        !r->closest_value || !r->half_width || !r->log_scale || !r->con_margin ||
        !r->con_mean || !r->con_sd) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t j = 0; j < nr; j++) {
        double h = o && o->half_width ? o->half_width[j] : NAN;
        r->half_width[j] = isfinite(h) && h > 0 ? h : NAN;
        r->log_scale[j] = s->responses[j].log_scale;
        r->has_interval |= isfinite(r->half_width[j]);
    }
    r->level = r->has_interval ? o->level : NAN;
    set_margins(s, sp, p, r);
    memcpy(r->resp_lo, p->lo, nr * sizeof(double));
    memcpy(r->resp_range, p->range, nr * sizeof(double));
    {
        const char *verb = sp->sense == SG_OPTIM_MAXIMIZE ? "maximize" : "minimize";
        size_t used;
        const sg_response *ro = &s->responses[sp->response];
        size_t fc = sp->focus ? sp->focus[sp->response] : SIZE_MAX;
        if (!sp->weighted && ro->kind == SG_RESPONSE_CLASS && fc != SIZE_MAX) {
            used = (size_t)snprintf(r->objective, sizeof r->objective, "%s P(%s = %s)", verb,
                                    ro->name, ro->labels[fc]);
        } else if (!sp->weighted && ro->kind == SG_RESPONSE_BINARY) { /* the probability of
                                                                         its second outcome */
            used = (size_t)snprintf(r->objective, sizeof r->objective, "%s P(%s = %s)", verb,
                                    ro->name, ro->labels[1]);
        } else if (!sp->weighted) {
            used = (size_t)snprintf(r->objective, sizeof r->objective, "%s %s", verb,
                                    s->responses[sp->response].name);
        } else {
            used = (size_t)snprintf(r->objective, sizeof r->objective, "%s", verb);
            int first = 1;
            for (size_t j = 0; j < nr && used < sizeof r->objective; j++)
                if (sp->weights[j] > 0) {
                    used += (size_t)sg_num_snprintf(r->objective + used, sizeof r->objective - used,
                                             "%s %g*%s", first ? "" : " +", sp->weights[j],
                                             s->responses[j].name);
                    first = 0;
                }
            if (used < sizeof r->objective)
                used += (size_t)snprintf(r->objective + used, sizeof r->objective - used,
                                         " (each response scaled by its data range: "
                                         "(y - min) / (max - min))");
        }
        if (sp->risk > 0 && used < sizeof r->objective)
            sg_num_snprintf(r->objective + used, sizeof r->objective - used, ", risk-averse: mean %s %g x spread",
                     sp->sense == SG_OPTIM_MAXIMIZE ? "-" : "+", sp->risk);
    }

    sg_optimize_spec_vars(sp, s, vars);
    for (size_t i = 0; i < nf; i++) /* search as the model sees the factor */
        vars[i].log_scale = sg_model_factor_is_log(model, i) && vars[i].lb > 0;
    hold_unvaried(s, t, sp, vars);
    for (size_t i = 0; i < sp->n_cons; i++)
        cons[i] = (sg_optim_constraint){.name = sp->cons[i].text, .g = con_fns[i]};
    sg_optim_problem prob = {.d = nf, .vars = vars, .f = sg_decide_objective, .sense = sp->sense,
                             .cons = cons, .n_cons = sp->n_cons, .has_gradient = 1, .user = p,
                             .thread_ctx_create = sg_decide_ctx_create,
                             .thread_ctx_destroy = sg_decide_ctx_destroy};
    sg_optim_config cfg;
    sg_optimize_spec_config(sp, &cfg);
    if (o) {
        cfg.progress = o->progress;
        cfg.progress_user = o->progress_user;
        cfg.exec = o->exec;
    }
    if ((st = run_choices(s, t, sp, &prob, &cfg, vars, r, err))) {
        if (st == SG_ERR_NUMERIC)
            explain_no_optimum(s, t, sp, err);
        goto fail;
    }

    const sg_optim_result *res = r->opt;
    sg_decide_predict(c, res->best_x, r->mean, r->sd);
    sg_decide_predict_cons(c, res->best_x, r->con_mean, r->con_sd);
    if (res->realisable.found || res->realisable.closest)
        sg_decide_predict(c, res->realisable.x, r->r_mean, r->r_sd);
    if (t && t->n_rows > 0) {
        coverage(s, t, res->best_x, r);
        if ((st = best_tested(p, t, r, err)) != SG_OK)
            goto fail;
        if (r->has_best_row)
            r->best_row_pred = sg_decide_objective(c, t->x + r->best_row * t->n_cols, NULL);
        taguchi_compare(s, t, sp, c, r);
    } else {
        snprintf(r->taguchi_na, sizeof r->taguchi_na, "no data");
    }
    for (size_t i = 0; i < sp->n_cons; i++) {
        const sg_optimize_spec_con *cn = &sp->cons[i];
        /* g = +-(y - b) at risk 0: the response value closest to feasible. */
        double g = res->min_g[i] - r->con_margin[i];
        r->closest_value[i] = cn->ge ? cn->bound - g : cn->bound + g;
    }
    if (!res->feasible && sp->n_cons > 0) {
        size_t w = res->most_violated;
        const char *u = s->responses[sp->cons[w].response].unit;
        char margin[128] = "";
        if (r->con_margin[w] > 0) /* the margin, not the bound, is what fails */
            sg_num_snprintf(margin, sizeof margin, " with its safety margin of %.4g%s%s (%.0f%% "
                            "confidence)", r->con_margin[w], *u ? " " : "", u,
                            100.0 * r->con_confidence);
        sg_num_snprintf(r->infeasible, sizeof r->infeasible,
                 "no setting satisfies every constraint: '%s' cannot be met%s (closest %s%s "
                 "found: %.6g%s%s)",
                 sp->cons[w].text, margin, sp->risk > 0 ? "risk-adjusted " : "",
                 s->responses[sp->cons[w].response].name, r->closest_value[w], *u ? " " : "",
                 u);
    }
    sg_decide_ctx_destroy(c);
    sg_decide_problem_destroy(p);
    *out = r;
    return SG_OK;
fail:
    sg_decide_result_destroy(r);
    sg_decide_ctx_destroy(c);
    sg_decide_problem_destroy(p);
    return st;
}
