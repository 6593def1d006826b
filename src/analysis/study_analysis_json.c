/* study_analysis_json.c — the analysis of a study as JSON (keys documented
 * in doc/json.md). */
#include "analysis/study_analysis.h"

#include "core/json.h"

static const char *col_name(const sg_study *s, size_t j)
{
    return j < s->n_factors ? s->factors[j].name : s->responses[j - s->n_factors].name;
}

static const char *col_unit(const sg_study *s, size_t j)
{
    return j < s->n_factors ? s->factors[j].unit : s->responses[j - s->n_factors].unit;
}

static void settings_json(sg_json_builder *b, cJSON *parent, const sg_study *s,
                          const sg_analysis_config *cfg)
{
    cJSON *o = sg_json_object(b, parent, "settings");
    sg_json_bool(b, o, "interactions", cfg->taguchi.interactions);
    sg_json_number(b, o, "min_error_df", cfg->taguchi.min_error_df);
    sg_json_bool(b, o, "pool", cfg->taguchi.pool);
    cJSON *t = sg_json_object(b, o, "targets");
    for (size_t j = 0; j < s->n_responses; j++)
        if (cfg->has_target[j])
            sg_json_number(b, t, s->responses[j].name, cfg->target[j]);
}

/* One response's quadratic regression (regress.h), or why there is none. */
/* The canonical analysis of a regression (null when not computed). */
static void canonical_json(sg_json_builder *b, cJSON *e, const sg_regress *g, const sg_study *s,
                           size_t r)
{
    if (g->stationary_kind == SG_STATIONARY_NONE || !g->curvatures) {
        sg_json_null(b, e, "canonical");
        return;
    }
    static const char *const kinds[] = {"none", "maximum", "minimum", "saddle", "ridge"};
    cJSON *o = sg_json_object(b, e, "canonical");
    sg_json_string(b, o, "kind", kinds[g->stationary_kind]);
    sg_json_numbers(b, o, "curvatures", g->curvatures, g->k);
    if (g->stationary) {
        cJSON *x = sg_json_object(b, o, "stationary_point");
        for (size_t i = 0; i < g->k; i++)
            sg_json_number(b, x, s->factors[i].name, g->stationary[i]);
        sg_json_number(b, o, "response_there", g->stationary_y);
        sg_json_bool(b, o, "inside", g->stationary_inside);
    } else {
        sg_json_null(b, o, "stationary_point");
        sg_json_null(b, o, "response_there");
        sg_json_null(b, o, "inside");
    }
    const sg_goal goal = s->responses[r].goal;
    sg_json_string(b, o, "reading",
                   sg_regress_stationary_text(g, goal == SG_GOAL_MAXIMIZE   ? 1
                                                 : goal == SG_GOAL_MINIMIZE ? -1
                                                                            : 0));
}

static void regression_json(sg_json_builder *b, cJSON *arr, const sg_study *s, size_t r,
                            const sg_regress *g, bool lg, const char *reason)
{
    const char *name = s->responses[r].name;
    cJSON *e = sg_json_object(b, arr, NULL);
    sg_json_string(b, e, "name", name);
    if (!g) {
        sg_json_string(b, e, "reason", reason);
        return;
    }
    sg_json_bool(b, e, "log10", lg);
    sg_json_string(b, e, "form", g->form);
    sg_json_string(b, e, "dropped", g->dropped);
    sg_json_string(b, e, "aliases", g->aliases);
    sg_json_count(b, e, "runs", g->n);
    sg_json_count(b, e, "error_df", g->df_error);
    sg_json_number(b, e, "s", g->s);
    sg_json_number(b, e, "r2", g->r2);
    sg_json_number(b, e, "r2_adjusted", g->r2_adj);
    sg_json_number(b, e, "r2_predicted", g->r2_pred);
    sg_json_number(b, e, "f", g->f_model);
    sg_json_number(b, e, "p", g->p_model);
    cJSON *l = sg_json_object(b, e, "lack_of_fit");
    sg_json_count(b, l, "pure_error_df", g->df_pure);
    sg_json_count(b, l, "df", g->df_lof);
    sg_json_bool(b, l, "replicates_exact", g->pure_exact);
    sg_json_number(b, l, "ss", g->ss_lof);
    sg_json_number(b, l, "ss_pure_error", g->ss_pure);
    sg_json_number(b, l, "f", g->f_lof);
    sg_json_number(b, l, "p", g->p_lof);
    cJSON *terms = sg_json_array(b, e, "terms");
    for (size_t j = 0; j < g->n_terms; j++) {
        const sg_regress_term *t = &g->terms[j];
        cJSON *x = sg_json_object(b, terms, NULL);
        sg_json_string(b, x, "term", j ? t->name : "constant");
        sg_json_number(b, x, "coef", t->coef);
        sg_json_number(b, x, "se", t->se);
        sg_json_number(b, x, "t", t->t);
        sg_json_number(b, x, "p", t->p);
        sg_json_number(b, x, "uncoded", t->uncoded);
    }
    canonical_json(b, e, g, s, r);
}

/* A two-level factorial's curvature test (null for other designs). */
static void curvature_json(sg_json_builder *b, cJSON *e, const sg_curvature *c)
{
    if (!c) {
        sg_json_null(b, e, "curvature");
        return;
    }
    cJSON *o = sg_json_object(b, e, "curvature");
    sg_json_count(b, o, "factorial_runs", c->n_factorial);
    sg_json_count(b, o, "centre_runs", c->n_centre);
    sg_json_number(b, o, "mean_factorial", c->mean_factorial);
    sg_json_number(b, o, "mean_centre", c->mean_centre);
    sg_json_number(b, o, "difference", c->difference);
    sg_json_number(b, o, "ss", c->ss);
    sg_json_count(b, o, "pure_error_df", c->df_pure);
    sg_json_number(b, o, "pure_error_ms", c->ms_pure);
    sg_json_number(b, o, "f", c->f);
    sg_json_number(b, o, "p", c->p);
    sg_json_number(b, o, "largest_effect", c->largest_effect);
    sg_json_string(b, o, "largest_effect_factor", c->largest_factor);
}

sg_status sg_study_analysis_to_json(const sg_study_analysis *a, const sg_study *s,
                                    const sg_table *t, const sg_analysis_config *cfg,
                                    cJSON **out, sg_error *err)
{
    sg_json_builder jb, *b = &jb;
    cJSON *o = sg_json_build_begin(b), *arr, *x;
    sg_json_count(b, o, "rows", a->n_rows);
    sg_json_count(b, o, "rows_excluded", t->n_excluded);
    settings_json(b, o, s, cfg);
    arr = sg_json_array(b, o, "statistics");
    for (size_t j = 0; j < a->n_cols; j++) {
        const sg_col_stats *st = &a->stats[j];
        cJSON *e = sg_json_object(b, arr, NULL);
        sg_json_string(b, e, "name", col_name(s, j));
        sg_json_string(b, e, "column", t->col_names[j]);
        sg_json_string(b, e, "unit", col_unit(s, j));
        sg_json_string(b, e, "kind", j < s->n_factors ? "factor" : "response");
        sg_json_count(b, e, "n", st->n);
        sg_json_number(b, e, "mean", st->mean);
        sg_json_number(b, e, "sd", st->sd);
        sg_json_number(b, e, "min", st->min);
        sg_json_number(b, e, "q1", st->q1);
        sg_json_number(b, e, "median", st->median);
        sg_json_number(b, e, "q3", st->q3);
        sg_json_number(b, e, "max", st->max);
        sg_json_bool(b, e, "constant", st->constant);
    }
    x = sg_json_object(b, o, "correlation");
    arr = sg_json_array(b, x, "columns");
    for (size_t j = 0; j < a->n_cols; j++)
        sg_json_string(b, arr, NULL, col_name(s, j));
    arr = sg_json_array(b, x, "r");
    for (size_t i = 0; i < a->n_cols; i++) {
        cJSON *row = sg_json_array(b, arr, NULL);
        for (size_t j = 0; j < a->n_cols; j++) {
            if (a->corr_defined[i * a->n_cols + j])
                sg_json_number(b, row, NULL, a->corr[i * a->n_cols + j]);
            else
                sg_json_null(b, row, NULL);
        }
    }
    x = sg_json_object(b, o, "orthogonal_array");
    sg_json_bool(b, x, "applies", a->discrete);
    sg_json_string(b, x, "reason", a->discrete ? NULL : a->not_applicable);
    arr = sg_json_array(b, x, "factors");
    for (size_t j = 0; a->discrete && j < a->n_factors; j++) {
        cJSON *e = sg_json_object(b, arr, NULL);
        sg_json_string(b, e, "name", s->factors[j].name);
        sg_json_string(b, e, "unit", s->factors[j].unit);
        sg_json_numbers(b, e, "levels", a->factors[j].values, (size_t)a->factors[j].n_levels);
        sg_json_string(b, e, "coded_from", a->factors[j].declared ? "declared" : "data");
    }
    arr = sg_json_array(b, x, "responses");
    for (size_t r = 0; a->discrete && r < a->n_responses; r++) {
        cJSON *e = sg_json_object(b, arr, NULL);
        sg_json_string(b, e, "name", s->responses[r].name);
        if (a->taguchi[r]) {
            cJSON *tj = NULL;
            if (sg_taguchi_to_json(a->taguchi[r], &tj, NULL) != SG_OK)
                b->failed = true;
            sg_json_add(b, e, "analysis", tj);
            sg_json_null(b, e, "reason");
        } else {
            sg_json_null(b, e, "analysis");
            sg_json_string(b, e, "reason", a->response_na[r]);
        }
        curvature_json(b, e, a->curvature && a->curvature[r].ok ? &a->curvature[r] : NULL);
    }
    if (a->factorial_rows) {
        arr = sg_json_array(b, x, "factorial_rows");
        for (size_t i = 0; i < a->design.cube; i++)
            sg_json_count(b, arr, NULL, a->factorial_rows[i]);
    } else {
        sg_json_null(b, x, "factorial_rows");
    }
    char design[256];
    sg_rsmdesign_text(&a->design, a->n_factors, design, sizeof design);
    sg_json_string(b, o, "response_surface_design", design[0] ? design : NULL);
    arr = sg_json_array(b, o, "regression");
    for (size_t r = 0; r < a->n_responses; r++)
        regression_json(b, arr, s, r, a->regress[r], a->regress_log[r],
                        a->regress_na[r]);
    return sg_json_build_end(b, o, "analysis result", out, err);
}
