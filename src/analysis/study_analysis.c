/* study_analysis.c — [analysis] settings and the analysis of a study's data
 * (see study_analysis.h). */
#include "analysis/study_analysis.h"

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
                                   !f->categorical && f->scale == SG_FACTOR_SCALE_LOG};
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
    for (size_t j = 0; j < s->n_factors; j++)
        if (s->factors[j].categorical)
            return;
    for (size_t r = 0; r < a->n_responses; r++)
        if (a->taguchi[r] && a->taguchi[r]->orthogonal)
            return;
    sg_rsmdesign_identify(t->x, t->n_cols, t->n_rows, t->n_factors, &a->design);
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
    double *y = NULL;
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
    a->discrete = code_factors(s, t, codes, a);
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
            y[i] = sg_table_at(t, i, k + r);
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
        };
        sg_error e;
        sg_status ts = sg_taguchi_analyze(&in, &cfg->taguchi, &a->taguchi[r], &e);
        if (ts == SG_ERR_NOMEM) {
            st = sg_error_set(err, ts, "analyze: out of memory");
            goto fail;
        }
        if (ts != SG_OK)
            snprintf(a->response_na[r], sizeof a->response_na[r], "%s", e.msg);
    }
done:
    name_design(s, t, a);
    free(codes);
    free(y);
    *out = a;
    return SG_OK;
fail:
    free(codes);
    free(y);
    sg_study_analysis_destroy(a);
    return st;
}
