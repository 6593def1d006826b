/* sensitivity.c — Sobol sensitivity of the surrogate over the factor
 * window, the data's range and resolution, and the no-effect rule. */
#include "model/sensitivity.h"

#include <math.h>
#include <stdlib.h>

#include "core/json.h"
#include "model/outliers.h"

void sg_sensitivity_destroy(sg_sensitivity *r)
{
    if (!r)
        return;
    sg_sobol_result_destroy(r->sobol);
    free(r->range);
    free(r->resolution);
    free(r->threshold);
    free(r->negligible);
    free(r);
}

int sg_sensitivity_decimals(double resolution)
{
    if (!(resolution > 0) || !isfinite(resolution))
        return SG_SENSITIVITY_DEFAULT_DECIMALS;
    int d = (int)ceil(-log10(resolution) - 1e-9);
    return d < 0 ? 0 : d > 9 ? 9 : d;
}

int sg_sensitivity_uncertainty_decimals(double v, double resolution)
{
    int d = sg_sensitivity_decimals(resolution);
    if (!(v > 0) || !isfinite(v))
        return d;
    int sig = 1 - (int)floor(log10(v)); /* negative from 100 up: 2137902 -> -5 */
    return sig < d ? sig : d;
}

/* The model as a batch callback: one workspace, batches of at most
 * SG_SENSITIVITY_BATCH rows (the workspace is sized per call). */
typedef struct model_fn {
    const sg_model *m;
    sg_model_work *w;
    const sg_exec *exec; /* NULL, or the executor that evaluates the sample blocks */
    const double *X;     /* the batch being shared out (exec only) */
    size_t n;
    const bool *decades; /* (n_in) sampled over log10 of the settings; NULL: none */
} model_fn;

/* One sample block of SG_SENSITIVITY_BATCH rows: its predictions. */
static sg_status block_task(void *user, size_t k, sg_bytes *out, sg_error *err)
{
    const model_fn *mf = user;
    size_t nin = sg_model_n_in(mf->m), nout = sg_model_n_out(mf->m);
    size_t r0 = k * SG_SENSITIVITY_BATCH, b = mf->n - r0 < SG_SENSITIVITY_BATCH ? mf->n - r0
                                                                                 : SG_SENSITIVITY_BATCH;
    sg_model_work *w = NULL;
    double *Y = malloc(b * nout * sizeof *Y);
    sg_status st = Y ? sg_model_work_create(mf->m, &w, err)
                     : sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    if (st == SG_OK)
        st = sg_model_predict_batch(mf->m, w, mf->X + r0 * nin, b, Y, NULL, err);
    if (st == SG_OK && !sg_bytes_put(out, Y, b * nout * sizeof *Y))
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    sg_model_work_destroy(w);
    free(Y);
    return st;
}

static sg_status eval_blocks(model_fn *mf, const double *X, size_t n, double *Y, sg_error *err)
{
    size_t nout = sg_model_n_out(mf->m);
    size_t nb = (n + SG_SENSITIVITY_BATCH - 1) / SG_SENSITIVITY_BATCH, failed = 0;
    sg_bytes *res = calloc(nb ? nb : 1, sizeof *res);
    if (!res)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    mf->X = X;
    mf->n = n;
    sg_status st = mf->exec->map(mf->exec, nb, 1, block_task, mf, res, &failed, err);
    for (size_t k = 0; k < nb && st == SG_OK; k++) {
        size_t pos = 0, r0 = k * SG_SENSITIVITY_BATCH;
        size_t b = n - r0 < SG_SENSITIVITY_BATCH ? n - r0 : SG_SENSITIVITY_BATCH;
        if (!sg_bytes_get(&res[k], &pos, Y + r0 * nout, b * nout * sizeof *Y))
            st = sg_error_set(err, SG_ERR_INTERNAL, "sample block %zu came back damaged", k + 1);
    }
    for (size_t k = 0; k < nb; k++)
        sg_bytes_free(&res[k]);
    free(res);
    return st;
}

/* Factor i is sampled over log10 of its bounds: the model sees it on a log
 * scale and its window is above 0. */
static bool sampled_in_decades(const sg_study *s, const sg_model *m, size_t i)
{
    return m && !s->factors[i].categorical && sg_model_factor_is_log(m, i) &&
           s->factors[i].min > 0;
}

static sg_status predict_all(model_fn *mf, const double *X, size_t n, double *Y, sg_error *err)
{
    if (mf->exec)
        return eval_blocks(mf, X, n, Y, err);
    size_t nin = sg_model_n_in(mf->m), nout = sg_model_n_out(mf->m);
    for (size_t k = 0; k < n; k += SG_SENSITIVITY_BATCH) {
        size_t b = n - k < SG_SENSITIVITY_BATCH ? n - k : SG_SENSITIVITY_BATCH;
        sg_status st = sg_model_predict_batch(mf->m, mf->w, X + k * nin, b, Y + k * nout, NULL,
                                              err);
        if (st != SG_OK)
            return st;
    }
    return SG_OK;
}

/* The samples of a factor sampled over its decades are log10 of its
 * settings: back to settings before the model predicts. */
static sg_status eval_model(void *user, const double *X, size_t n, double *Y, sg_error *err)
{
    model_fn *mf = user;
    size_t nin = sg_model_n_in(mf->m);
    if (!mf->decades)
        return predict_all(mf, X, n, Y, err);
    double *S = malloc((n ? n : 1) * nin * sizeof *S);
    if (!S)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n * nin; k++)
        S[k] = mf->decades[k % nin] ? pow(10.0, X[k]) : X[k];
    sg_status st = predict_all(mf, S, n, Y, err);
    free(S);
    return st;
}

/* Observed range and resolution of response j (finite values only). */
static void data_scale(const sg_table *t, size_t col, double *range, double *resolution)
{
    *range = 0.0;
    *resolution = 0.0;
    if (!t || t->n_rows == 0)
        return;
    double *v = malloc(2 * t->n_rows * sizeof *v);
    if (!v)
        return;
    size_t n = 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        double y = sg_table_at(t, i, col);
        if (isfinite(y))
            v[n++] = y;
    }
    if (n > 0) {
        sg_outlier_scale sc;
        /* the observed values stand in for residuals: only the resolution
         * and the range floor (range_frac 1 -> the range) are used */
        sg_outlier_scale_compute(v, v, n, 1.0, v + t->n_rows, &sc);
        *range = sc.range_floor;
        *resolution = sc.resolution;
    }
    free(v);
}

static sg_status classify(const sg_study *s, const sg_table *t, sg_sensitivity *r,
                          sg_error *err)
{
    size_t nf = r->n_factors, nr = r->n_responses;
    r->range = calloc(nr, sizeof *r->range);
    r->resolution = calloc(nr, sizeof *r->resolution);
    r->threshold = calloc(nr, sizeof *r->threshold);
    r->negligible = calloc(nr * nf, sizeof *r->negligible);
    if (!r->range || !r->resolution || !r->threshold || !r->negligible)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t j = 0; j < nr; j++) {
        const sg_response *rs = &s->responses[j];
        if (rs->kind != SG_RESPONSE_NUMBER && rs->n_labels == 2) { /* a probability */
            r->range[j] = 1.0;
            r->resolution[j] = 0.0;
        } else {
            data_scale(t, s->n_factors + j, &r->range[j], &r->resolution[j]);
        }
        double share = SG_SENSITIVITY_NEGLIGIBLE_SHARE * r->range[j];
        r->threshold[j] = r->resolution[j] > share ? r->resolution[j] : share;
        for (size_t i = 0; i < nf; i++) {
            size_t k = sg_sobol_at(r->sobol, j, i);
            double st = r->sobol->total[k].est;
            /* a constant model output (NAN indices) moves nothing */
            bool small_index = isnan(st) || st < SG_SENSITIVITY_NEGLIGIBLE_SHARE;
            r->negligible[k] = r->threshold[j] > 0 && small_index &&
                               r->sobol->effect_range[k] < r->threshold[j];
        }
    }
    return SG_OK;
}

/* sg_sensitivity_run_fn with the factors flagged in decades (NULL: none)
 * sampled over log10 of their bounds. */
static sg_status run_over(const sg_study *s, const sg_table *t, sg_sobol_fn f, void *user,
                          const sg_sobol_options *opt, const bool *decades, sg_sensitivity **out,
                          sg_error *err)
{
    *out = NULL;
    size_t nf = s->n_factors;
    double lb[SG_STUDY_MAX_FACTORS], ub[SG_STUDY_MAX_FACTORS];
    for (size_t i = 0; i < nf; i++) {
        bool lg = decades && decades[i];
        lb[i] = lg ? log10(s->factors[i].min) : s->factors[i].min;
        ub[i] = lg ? log10(s->factors[i].max) : s->factors[i].max;
        if (s->factors[i].categorical) { /* codes round to the nearest name: each name
                                            gets an equal share of the samples */
            lb[i] = -0.5;
            ub[i] = (double)s->factors[i].n_levels - 0.5;
        }
    }
    sg_sobol_options o = sg_sobol_options_defaults();
    if (opt)
        o = *opt;
    else
        o.seed = s->seed;
    sg_sensitivity *r = calloc(1, sizeof *r);
    if (!r)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    r->n_factors = nf;
    r->n_responses = s->n_responses;
    sg_status st = sg_sobol_run(f, user, nf, s->n_responses, lb, ub, &o, &r->sobol, err);
    if (st == SG_OK)
        st = classify(s, t, r, err);
    if (st != SG_OK) {
        sg_sensitivity_destroy(r);
        return st;
    }
    *out = r;
    return SG_OK;
}

sg_status sg_sensitivity_run_fn(const sg_study *s, const sg_table *t, sg_sobol_fn f, void *user,
                                const sg_sobol_options *opt, sg_sensitivity **out, sg_error *err)
{
    return run_over(s, t, f, user, opt, NULL, out, err);
}

sg_status sg_sensitivity_run(const sg_study *s, const sg_table *t, const sg_model *m,
                             const sg_sobol_options *opt, sg_sensitivity **out, sg_error *err)
{
    return sg_sensitivity_run_on(s, t, m, opt, NULL, out, err);
}

sg_status sg_sensitivity_run_on(const sg_study *s, const sg_table *t, const sg_model *m,
                                const sg_sobol_options *opt, const sg_exec *exec,
                                sg_sensitivity **out, sg_error *err)
{
    *out = NULL;
    if (sg_model_n_in(m) != s->n_factors || sg_model_n_out(m) != s->n_responses)
        return sg_error_set(err, SG_ERR_INVALID,
                            "the model has %zu factors and %zu responses but the study has %zu "
                            "and %zu: fit the model again",
                            sg_model_n_in(m), sg_model_n_out(m), s->n_factors, s->n_responses);
    bool decades[SG_STUDY_MAX_FACTORS], any = false;
    for (size_t i = 0; i < s->n_factors && i < SG_STUDY_MAX_FACTORS; i++)
        any |= decades[i] = sampled_in_decades(s, m, i);
    model_fn mf = {m, NULL, exec, NULL, 0, any ? decades : NULL};
    sg_status st = sg_model_work_create(m, &mf.w, err);
    if (st == SG_OK)
        st = run_over(s, t, eval_model, &mf, opt, mf.decades, out, err);
    sg_model_work_destroy(mf.w);
    return st;
}

bool sg_sensitivity_material(const sg_sensitivity *r, size_t i, const bool *which)
{
    for (size_t j = 0; j < r->n_responses; j++)
        if ((!which || which[j]) && !r->negligible[sg_sobol_at(r->sobol, j, i)])
            return true;
    return false;
}

static void ci_json(sg_json_builder *b, cJSON *parent, const char *key, const sg_sobol_ci *c)
{
    cJSON *o = sg_json_object(b, parent, key);
    sg_json_number(b, o, "estimate", c->est);
    sg_json_number(b, o, "lower", c->lo);
    sg_json_number(b, o, "upper", c->hi);
}

static void response_json(sg_json_builder *b, cJSON *arr, const sg_sensitivity *r,
                          const sg_study *s, size_t j)
{
    const sg_sobol_result *so = r->sobol;
    cJSON *e = sg_json_object(b, arr, NULL);
    sg_json_string(b, e, "response", s->responses[j].name);
    sg_json_string(b, e, "unit", s->responses[j].unit);
    sg_json_number(b, e, "mean", so->mean[j]);
    sg_json_number(b, e, "variance", so->variance[j]);
    sg_json_number(b, e, "observed_range", r->range[j]);
    sg_json_number(b, e, "resolution", r->resolution[j]);
    sg_json_number(b, e, "effect_threshold", r->threshold[j]);
    cJSON *fa = sg_json_array(b, e, "factors");
    for (size_t i = 0; fa && i < r->n_factors; i++) {
        size_t k = sg_sobol_at(so, j, i);
        cJSON *f = sg_json_object(b, fa, NULL);
        sg_json_string(b, f, "factor", s->factors[i].name);
        ci_json(b, f, "first_order", &so->first[k]);
        ci_json(b, f, "total", &so->total[k]);
        sg_json_number(b, f, "effect_range", so->effect_range[k]);
        sg_json_bool(b, f, "material", !r->negligible[k]);
        sg_json_numbers(b, f, "main_effect", so->effect + k * so->n_grid, so->n_grid);
    }
}

sg_status sg_sensitivity_to_json(const sg_sensitivity *r, const sg_study *s, cJSON **out,
                                 sg_error *err)
{
    const sg_sobol_result *so = r->sobol;
    sg_json_builder jb, *b = &jb;
    cJSON *root = sg_json_build_begin(b);
    sg_json_string(b, root, "method", so->quasi_random ? "sobol-saltelli-jansen (scrambled Sobol "
                                                         "points)"
                                                       : "sobol-saltelli-jansen (pseudo-random "
                                                         "points)");
    sg_json_count(b, root, "base_sample", so->n_base);
    sg_json_count(b, root, "evaluations", so->n_evals);
    sg_json_count(b, root, "bootstrap", so->n_boot);
    sg_json_number(b, root, "level", so->level);
    sg_json_number(b, root, "negligible_share", SG_SENSITIVITY_NEGLIGIBLE_SHARE);
    cJSON *grid = sg_json_object(b, root, "grid");
    for (size_t i = 0; grid && i < r->n_factors; i++)
        sg_json_numbers(b, grid, s->factors[i].name, so->grid + i * so->n_grid, so->n_grid);
    cJSON *arr = sg_json_array(b, root, "responses");
    for (size_t j = 0; arr && j < r->n_responses; j++)
        response_json(b, arr, r, s, j);
    return sg_json_build_end(b, root, "sensitivity result", out, err);
}
