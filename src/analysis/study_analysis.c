/* study_analysis.c — [analysis] settings and the analysis of a study's data
 * (see study_analysis.h). */
#include "analysis/study_analysis.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/num.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const analysis_keys[] = {"interactions", "min_error_df", "pool", "targets"};

static sg_status load_targets(const sg_study *s, const sg_toml_value *tt, sg_analysis_config *cfg,
                              sg_error *err)
{
    const char *names[SG_STUDY_MAX_RESPONSES];
    for (size_t j = 0; j < s->n_responses; j++)
        names[j] = s->responses[j].name;
    size_t m = sg_toml_table_size(tt);
    for (size_t i = 0; i < m; i++) {
        const char *key = sg_toml_table_key(tt, i);
        const sg_toml_value *v = sg_toml_table_value(tt, i);
        size_t j = 0;
        while (j < s->n_responses && strcmp(names[j], key) != 0)
            j++;
        if (j == s->n_responses) {
            const char *hint = sg_str_suggest(key, names, s->n_responses);
            char list[400] = "";
            size_t used = 0;
            for (size_t k = 0; k < s->n_responses && used + 1 < sizeof list; k++) {
                int w = snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "",
                                 names[k]);
                if (w < 0)
                    break;
                used += (size_t)w;
            }
            if (hint)
                return sg_toml_error_at_key(err, SG_ERR_INVALID, tt, i,
                                            "targets: unknown response '%s'; did you mean '%s'?",
                                            key, hint);
            return sg_toml_error_at_key(err, SG_ERR_INVALID, tt, i,
                                        "targets: unknown response '%s' (responses: %s)", key,
                                        list);
        }
        sg_toml_type ty = sg_toml_type_of(v);
        if (ty != SG_TOML_FLOAT && ty != SG_TOML_INTEGER)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "targets.%s must be a number, not a %s", key,
                                    sg_toml_type_name(ty));
        double x = ty == SG_TOML_FLOAT ? sg_toml_float(v) : (double)sg_toml_integer(v);
        if (!isfinite(x))
            return sg_toml_error_at(err, SG_ERR_INVALID, v, "targets.%s must be finite", key);
        if (s->responses[j].goal != SG_GOAL_NONE)
            return sg_toml_error_at_key(
                err, SG_ERR_INVALID, tt, i,
                "targets.%s: a target applies to goal = \"none\" (nominal-the-best), but "
                "response '%s' has goal = \"%s\"",
                key, key, sg_study_goal_name(s->responses[j].goal));
        cfg->has_target[j] = true;
        cfg->target[j] = x;
    }
    return SG_OK;
}

sg_status sg_study_analysis_config_load(const sg_study *s, sg_analysis_config *cfg, sg_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->taguchi = sg_taguchi_options_default();
    const sg_toml_value *t = s->analysis;
    if (!t)
        return SG_OK;
    sg_status st;
    int64_t df = cfg->taguchi.min_error_df;
    bool found = false;
    const sg_toml_value *tt = NULL;
    if ((st = sg_study_check_keys(t, "[analysis]", analysis_keys, ARRAY_LEN(analysis_keys), err)) ||
        (st = sg_toml_get_bool(t, "interactions", false, &cfg->taguchi.interactions, NULL, err)) ||
        (st = sg_toml_get_bool(t, "pool", false, &cfg->taguchi.pool, NULL, err)) ||
        (st = sg_toml_get_integer(t, "min_error_df", false, &df, &found, err)) ||
        (st = sg_toml_get_table(t, "targets", false, &tt, NULL, err)))
        return st;
    if (found && (df < 1 || df > SG_ANALYSIS_MAX_ERROR_DF))
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "min_error_df"),
                                "min_error_df must be from 1 to %d, not %lld",
                                SG_ANALYSIS_MAX_ERROR_DF, (long long)df);
    cfg->taguchi.min_error_df = (int)df;
    if (tt && (st = load_targets(s, tt, cfg, err)))
        return st;
    return SG_OK;
}

void sg_study_analysis_destroy(sg_study_analysis *a)
{
    if (!a)
        return;
    free(a->stats);
    free(a->corr);
    free(a->corr_defined);
    free(a->factors);
    if (a->taguchi)
        for (size_t j = 0; j < a->n_responses; j++)
            sg_taguchi_result_destroy(a->taguchi[j]);
    free(a->taguchi);
    free(a->response_na);
    if (a->regress)
        for (size_t j = 0; j < a->n_responses; j++)
            sg_regress_destroy(a->regress[j]);
    free(a->regress);
    free(a->regress_na);
    free(a->regress_log);
    free(a->factorial_rows);
    free(a->curvature);
    free(a);
}

/* Code factor j on its declared levels (only those that occur; a value
 * near one is read as it: sg_factor_code_levels).  Returns false when some
 * value is near no declared level. */
static bool code_declared(const sg_factor *f, const sg_table *t, size_t j, int *codes,
                          sg_analysis_factor *af)
{
    double values[SG_STUDY_MAX_LEVELS], off;
    size_t n;
    if (!sg_factor_code_levels(f, t->x + j, t->n_rows, t->n_cols, codes + j, t->n_factors,
                               values, &n, &off) ||
        n > SG_ANALYSIS_MAX_LEVELS)
        return false;
    memcpy(af->values, values, n * sizeof *values);
    af->n_levels = (int)n;
    af->declared = true;
    af->off = off;
    return true;
}

/* Level-code every factor; false with the reason when one is not discrete. */
static bool code_factors(const sg_study *s, const sg_table *t, int *codes, sg_study_analysis *a)
{
    for (size_t j = 0; j < t->n_factors; j++) {
        const sg_factor *f = &s->factors[j];
        sg_analysis_factor *af = &a->factors[j];
        if (code_declared(f, t, j, codes, af)) {
            if (af->n_levels >= 2)
                continue;
            sg_num_snprintf(a->not_applicable, sizeof a->not_applicable,
                     "factor '%s' takes a single value (%g) in the data: its effect cannot be "
                     "estimated",
                     f->name, af->values[0]);
            return false;
        }
        sg_error e;
        if (sg_taguchi_code_levels(t->x + j, t->n_rows, t->n_cols, SG_ANALYSIS_MAX_LEVELS,
                                   af->values, &af->n_levels, codes + j, t->n_factors,
                                   &e) != SG_OK) {
            snprintf(a->not_applicable, sizeof a->not_applicable,
                     "factor '%s' is not set at a few discrete levels (%s); the main-effects, "
                     "S/N and ANOVA analysis of an orthogonal array needs every factor at "
                     "2 to %d levels -- use 'surrogate fit' for continuous factors",
                     f->name, e.msg, SG_ANALYSIS_MAX_LEVELS);
            return false;
        }
        af->declared = false;
    }
    return true;
}

static sg_taguchi_goal taguchi_goal(sg_goal g)
{
    return g == SG_GOAL_MINIMIZE ? SG_TAGUCHI_MINIMIZE
           : g == SG_GOAL_MAXIMIZE ? SG_TAGUCHI_MAXIMIZE
                                   : SG_TAGUCHI_NONE;
}

/* The quadratic regression of response r into a (y: n scratch values). */
static sg_status regress_response(const sg_study *s, const sg_table *t, size_t r,
                                  sg_study_analysis *a, double *y, sg_error *err)
{
    const sg_response *rs = &s->responses[r];
    size_t n = t->n_rows, k = t->n_factors;
    if (rs->kind != SG_RESPONSE_NUMBER) {
        snprintf(a->regress_na[r], sizeof a->regress_na[r],
                 "a %s response: fit models the probability of each outcome",
                 rs->kind == SG_RESPONSE_CLASS ? "class" : "pass/fail");
        return SG_OK;
    }
    a->regress_log[r] = rs->log_scale;
    for (size_t i = 0; i < n; i++) {
        double v = sg_table_at(t, i, k + r);
        if (rs->log_scale && !(v > 0)) {
            snprintf(a->regress_na[r], sizeof a->regress_na[r],
                     "scale = \"log\" and row %zu's value is not above 0", i + 1);
            return SG_OK;
        }
        y[i] = rs->log_scale ? log10(v) : v;
    }
    sg_rsm_factor kinds[SG_STUDY_MAX_FACTORS];
    const char *names[SG_STUDY_MAX_FACTORS];
    for (size_t j = 0; j < k; j++) {
        const sg_factor *f = &s->factors[j];
        kinds[j] = (sg_rsm_factor){f->categorical ? f->n_levels : 0,
                                   !f->categorical && f->scale == SG_FACTOR_SCALE_LOG,
                                   f->categorical ? f->labels : NULL};
        names[j] = f->name;
    }
    sg_error e;
    sg_status st = sg_regress_quadratic(t->x, t->n_cols, k, kinds, names, y, 1, n,
                                        &a->regress[r], &e);
    if (st == SG_ERR_NOMEM)
        return sg_error_set(err, st, "analyze: out of memory");
    if (st != SG_OK)
        snprintf(a->regress_na[r], sizeof a->regress_na[r], "%s", e.msg);
    return SG_OK;
}

/* A central composite or Box-Behnken design, when the table is one and is
 * not an orthogonal array (a 3 x 3 factorial is also a face-centred
 * composite, but its array analysis stands as it is); names have no
 * centre, so a table with a category is neither. */
static void name_design(const sg_study *s, const sg_table *t, sg_study_analysis *a)
{
    if (a->design.kind == SG_RSMDESIGN_FACTORIAL) /* found first: its array is the cube */
        return;
    for (size_t j = 0; j < s->n_factors; j++)
        if (s->factors[j].categorical)
            return;
    for (size_t r = 0; r < a->n_responses; r++)
        if (a->taguchi[r] && a->taguchi[r]->orthogonal)
            return;
    sg_rsmdesign_identify(t->x, t->n_cols, t->n_rows, t->n_factors, &a->design);
}

/* A two-level factorial with centre runs: *cube gets a copy of t holding
 * its factorial runs only (x: caller frees) and a->factorial_rows their
 * table rows; false (nothing allocated) for any other table. */
static bool factorial_part(const sg_study *s, const sg_table *t, sg_study_analysis *a,
                           sg_table *cube, double **x)
{
    for (size_t j = 0; j < s->n_factors; j++)
        if (s->factors[j].categorical)
            return false;
    sg_rsmdesign d;
    if (!sg_rsmdesign_identify(t->x, t->n_cols, t->n_rows, t->n_factors, &d) ||
        d.kind != SG_RSMDESIGN_FACTORIAL)
        return false;
    size_t nc = t->n_cols, m = 0;
    *x = malloc(d.cube * nc * sizeof **x);
    a->factorial_rows = malloc(d.cube * sizeof *a->factorial_rows);
    a->curvature = calloc(a->n_responses ? a->n_responses : 1, sizeof *a->curvature);
    if (!*x || !a->factorial_rows || !a->curvature) {
        free(*x);
        *x = NULL;
        return false; /* the caller reports no memory */
    }
    for (size_t i = 0; i < t->n_rows && m < d.cube; i++) {
        const double *row = t->x + i * nc;
        bool centre = true; /* every factor at the middle of its range */
        for (size_t j = 0; j < t->n_factors && centre; j++) {
            double lo = a->stats[j].min, hi = a->stats[j].max;
            centre = fabs(row[j] - 0.5 * (lo + hi)) <= 3e-6 * (hi - lo); /* rsmdesign's */
        }
        if (centre)
            continue;
        memcpy(*x + m * nc, row, nc * sizeof *row);
        a->factorial_rows[m++] = i + 1;
    }
    if (m != d.cube) { /* not the runs rsmdesign counted: leave the table whole */
        free(*x);
        free(a->factorial_rows);
        free(a->curvature);
        *x = NULL;
        a->factorial_rows = NULL;
        a->curvature = NULL;
        return false;
    }
    *cube = *t;
    cube->x = *x;
    cube->n_rows = m;
    a->design = d;
    return true;
}

/* Response r's curvature test on the table t (a two-level factorial with
 * centre runs; a->taguchi[r] the analysis of its factorial runs). */
static void curvature_of(const sg_table *t, size_t r, sg_study_analysis *a)
{
    sg_curvature *c = &a->curvature[r];
    const sg_taguchi_result *tr = a->taguchi[r];
    size_t k = t->n_factors, nF = 0, nC = 0, at = 0;
    double sF = 0.0, sC = 0.0, ssC = 0.0;
    memset(c, 0, sizeof *c);
    if (!tr)
        return;
    for (size_t i = 0; i < t->n_rows; i++) {
        double y = sg_table_at(t, i, k + r);
        bool factorial = at < a->design.cube && a->factorial_rows[at] == i + 1;
        at += factorial;
        if (factorial) {
            nF++;
            sF += y;
        } else {
            nC++;
            sC += y;
        }
    }
    if (!nF || !nC)
        return;
    c->ok = true;
    c->n_factorial = nF;
    c->n_centre = nC;
    c->mean_factorial = sF / (double)nF;
    c->mean_centre = sC / (double)nC;
    c->difference = c->mean_centre - c->mean_factorial;
    c->ss = (double)nF * (double)nC * c->difference * c->difference / (double)(nF + nC);
    at = 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        bool factorial = at < a->design.cube && a->factorial_rows[at] == i + 1;
        at += factorial;
        double d = sg_table_at(t, i, k + r) - c->mean_centre;
        ssC += factorial ? 0.0 : d * d;
    }
    c->df_pure = nC - 1;
    c->ms_pure = c->df_pure ? ssC / (double)c->df_pure : NAN;
    c->f = c->p = NAN;
    if (c->df_pure && c->ms_pure > 0) {
        c->f = c->ss / c->ms_pure;
        c->p = gsl_cdf_fdist_Q(c->f, 1.0, (double)c->df_pure);
    }
    for (size_t f = 0; f < tr->n_factors; f++) {
        const sg_taguchi_main *mn = &tr->mains[f];
        if (mn->n_levels != 2)
            continue;
        double e = fabs(mn->levels[1].mean - mn->levels[0].mean);
        if (e > c->largest_effect) {
            c->largest_effect = e;
            snprintf(c->largest_factor, sizeof c->largest_factor, "%.63s", mn->name);
        }
    }
}

sg_status sg_study_analysis_run(const sg_study *s, const sg_table *t, const sg_analysis_config *cfg,
                           sg_study_analysis **out, sg_error *err)
{
    *out = NULL;
    if (t->n_factors != s->n_factors || t->n_cols != s->n_factors + s->n_responses ||
        s->n_responses > SG_STUDY_MAX_RESPONSES || t->n_rows < 1)
        return sg_error_set(err, SG_ERR_INTERNAL, "analyze: table does not match the study");
    sg_status st = SG_OK;
    int *codes = NULL;
    double *y = NULL, *cube_x = NULL; /* cube_x: a factorial's runs without its centre */
    sg_taguchi_factor tf[SG_STUDY_MAX_FACTORS];
    const char *names[SG_STUDY_MAX_FACTORS * SG_ANALYSIS_MAX_LEVELS];
    size_t nc = t->n_cols, k = t->n_factors, n = t->n_rows;
    sg_study_analysis *a = calloc(1, sizeof *a);
    if (!a)
        return sg_error_set(err, SG_ERR_NOMEM, "analyze: out of memory");
    a->n_rows = n;
    a->n_cols = nc;
    a->n_factors = k;
    a->n_responses = s->n_responses;
    a->stats = calloc(nc, sizeof *a->stats);
    a->corr = calloc(nc * nc, sizeof *a->corr);
    a->corr_defined = calloc(nc * nc, sizeof *a->corr_defined);
    a->factors = calloc(k ? k : 1, sizeof *a->factors);
    a->taguchi = calloc(s->n_responses ? s->n_responses : 1, sizeof *a->taguchi);
    a->response_na = calloc(s->n_responses ? s->n_responses : 1, sizeof *a->response_na);
    a->regress = calloc(s->n_responses ? s->n_responses : 1, sizeof *a->regress);
    a->regress_na = calloc(s->n_responses ? s->n_responses : 1, sizeof *a->regress_na);
    a->regress_log = calloc(s->n_responses ? s->n_responses : 1, sizeof *a->regress_log);
    codes = malloc((n * k > 0 ? n * k : 1) * sizeof *codes);
    y = malloc(n * sizeof *y);
    if (!a->stats || !a->corr || !a->corr_defined || !a->factors || !a->taguchi ||
        !a->response_na || !a->regress || !a->regress_na || !a->regress_log || !codes || !y) {
        st = sg_error_set(err, SG_ERR_NOMEM, "analyze: out of memory");
        goto fail;
    }
    if ((st = sg_describe_columns(t->x, n, nc, a->stats, err)) ||
        (st = sg_describe_correlation(t->x, n, nc, a->corr, a->corr_defined, err)))
        goto fail;
    sg_study_mask_named_correlation(s, a->corr_defined);
    for (size_t r = 0; r < s->n_responses; r++)
        if ((st = regress_response(s, t, r, a, y, err)) != SG_OK)
            goto fail;
    /* a two-level factorial with centre runs: the array is its factorial
     * runs (the centre runs are not a middle level of each factor, only of
     * all together); the centre runs test curvature below */
    sg_table cube;
    const sg_table *at = t;
    if (factorial_part(s, t, a, &cube, &cube_x)) {
        at = &cube;
        n = cube.n_rows;
    } else if (a->factorial_rows || a->curvature) {
        st = sg_error_set(err, SG_ERR_NOMEM, "analyze: out of memory");
        goto fail;
    }
    a->discrete = code_factors(s, at, codes, a);
    if (!a->discrete)
        goto done;
    for (size_t j = 0; j < k; j++) {
        tf[j].name = s->factors[j].name;
        tf[j].unit = s->factors[j].unit;
        tf[j].n_levels = a->factors[j].n_levels;
        tf[j].level_values = a->factors[j].values;
        tf[j].level_names = NULL;
        if (s->factors[j].categorical) {
            for (int l = 0; l < a->factors[j].n_levels; l++) {
                double v = a->factors[j].values[l];
                size_t c = v >= 0 && v < (double)s->factors[j].n_levels ? (size_t)v : 0;
                names[j * SG_ANALYSIS_MAX_LEVELS + (size_t)l] = s->factors[j].labels[c];
            }
            tf[j].level_names = names + j * SG_ANALYSIS_MAX_LEVELS;
        }
    }
    for (size_t r = 0; r < s->n_responses; r++) {
        const sg_response *rs = &s->responses[r];
        if (rs->kind == SG_RESPONSE_CLASS) { /* codes of names have no order to average */
            snprintf(a->response_na[r], sizeof a->response_na[r],
                     "a class response: its names have no order, so level means of their "
                     "codes mean nothing; fit gives each name's probability");
            continue;
        }
        for (size_t i = 0; i < n; i++)
            y[i] = sg_table_at(at, i, k + r);
        sg_taguchi_input in = {
            .n_runs = n,
            .n_factors = k,
            .levels = codes,
            .factors = tf,
            .y = y,
            .response_name = rs->name,
            .response_unit = rs->unit,
            .goal = taguchi_goal(rs->goal),
            .has_target = cfg->has_target[r],
            .target = cfg->target[r],
            .run_numbers = at == t ? NULL : a->factorial_rows,
        };
        sg_error e;
        sg_status ts = sg_taguchi_analyze(&in, &cfg->taguchi, &a->taguchi[r], &e);
        if (ts == SG_ERR_NOMEM) {
            st = sg_error_set(err, ts, "analyze: out of memory");
            goto fail;
        }
        if (ts != SG_OK)
            snprintf(a->response_na[r], sizeof a->response_na[r], "%s", e.msg);
        if (at != t && rs->kind == SG_RESPONSE_NUMBER)
            curvature_of(t, r, a);
    }
done:
    name_design(s, t, a);
    free(cube_x);
    free(codes);
    free(y);
    *out = a;
    return SG_OK;
fail:
    free(cube_x);
    free(codes);
    free(y);
    sg_study_analysis_destroy(a);
    return st;
}
