/* check_json.c — the check report as JSON (keys documented in doc/json.md). */
#include "analysis/check.h"

#include "core/hash.h"
#include "core/json.h"

static const char *warning_kind_name(sg_warning_kind k)
{
    switch (k) {
    case SG_WARN_CONSTANT:
        return "constant_column";
    case SG_WARN_OUT_OF_BOUNDS:
        return "outside_bounds";
    case SG_WARN_NOT_A_LEVEL:
        return "not_a_declared_level";
    case SG_WARN_LEVEL_UNUSED:
        return "declared_level_unused";
    case SG_WARN_NOT_POSITIVE:
        return "not_positive_on_log_scale";
    case SG_WARN_FAR_VALUE:
        return "far_beyond_the_others";
    }
    return "other";
}

static void stats_json(sg_json_builder *b, cJSON *parent, const sg_col_stats *s)
{
    cJSON *o = sg_json_object(b, parent, "stats");
    sg_json_count(b, o, "n", s->n);
    sg_json_number(b, o, "min", s->min);
    sg_json_number(b, o, "q1", s->q1);
    sg_json_number(b, o, "median", s->median);
    sg_json_number(b, o, "mean", s->mean);
    sg_json_number(b, o, "q3", s->q3);
    sg_json_number(b, o, "max", s->max);
    sg_json_number(b, o, "sd", s->sd);
    sg_json_bool(b, o, "constant", s->constant);
}

sg_status sg_check_report_to_json(const sg_check_report *r, const sg_study *s, const sg_table *t,
                                  cJSON **out, sg_error *err)
{
    char hex[17];
    sg_json_builder jb, *b = &jb;
    cJSON *o = sg_json_build_begin(b), *x, *arr, *item;
    x = sg_json_object(b, o, "study");
    sg_json_string(b, x, "path", s->path);
    sg_json_string(b, x, "name", s->name);
    sg_json_string(b, x, "title", s->title);
    sg_json_number(b, x, "seed", (double)s->seed);
    sg_hash_hex(s->study_hash, hex);
    sg_json_string(b, x, "fnv1a64", hex);
    sg_json_string(b, x, "report", s->report_path);

    x = sg_json_object(b, o, "data");
    sg_json_string(b, x, "path", t->path);
    sg_hash_hex(t->hash, hex);
    sg_json_string(b, x, "fnv1a64", hex);
    char delim[2] = {t->delimiter, '\0'};
    sg_json_string(b, x, "delimiter", delim);
    sg_json_string(b, x, "sheet", t->sheet); /* null for CSV */
    sg_json_count(b, x, "rows_used", t->n_rows);
    sg_json_count(b, x, "rows_excluded", t->n_excluded);
    arr = sg_json_array(b, x, "excluded");
    for (size_t i = 0; i < t->n_excluded; i++) {
        item = sg_json_object(b, arr, NULL);
        sg_json_number(b, item, "line", t->excluded[i].line);
        sg_json_count(b, item, "row", t->excluded[i].row);
        sg_json_string(b, item, "run", t->excluded[i].run_id); /* null without run ids */
        char why[SG_TABLE_REASON_MAX];
        sg_json_string(b, item, "reason", sg_table_exclude_reason(t, &t->excluded[i], why, sizeof why));
    }

    arr = sg_json_array(b, o, "factors");
    for (size_t j = 0; j < s->n_factors; j++) {
        const sg_factor *f = &s->factors[j];
        const sg_factor_levels *lv = &r->levels[j];
        item = sg_json_object(b, arr, NULL);
        sg_json_string(b, item, "name", f->name);
        sg_json_string(b, item, "column", f->column);
        sg_json_string(b, item, "unit", f->unit);
        sg_json_number(b, item, "min", f->min);
        sg_json_number(b, item, "max", f->max);
        if (f->n_levels)
            sg_json_numbers(b, item, "levels", f->levels, f->n_levels);
        else
            sg_json_null(b, item, "levels");
        if (f->categorical) { /* levels hold the codes of these names */
            sg_json_string(b, item, "type", "category");
            cJSON *nm = sg_json_array(b, item, "names");
            for (size_t k = 0; nm && k < f->n_levels; k++)
                sg_json_string(b, nm, NULL, f->labels[k]);
        }
        if (f->step > 0)
            sg_json_number(b, item, "step", f->step);
        else
            sg_json_null(b, item, "step");
        stats_json(b, item, &r->stats[j]);
        cJSON *obs = sg_json_array(b, item, "observed_levels");
        for (size_t k = 0; k < lv->n_levels; k++) {
            cJSON *e = sg_json_object(b, obs, NULL);
            sg_json_number(b, e, "value", lv->values[k]);
            if (f->categorical) {
                char v[80];
                sg_json_string(b, e, "name", sg_factor_format(f, lv->values[k], 6, v, sizeof v));
            }
            sg_json_count(b, e, "count", lv->counts[k]);
        }
        sg_json_bool(b, item, "balanced", lv->balanced);
    }
    arr = sg_json_array(b, o, "responses");
    for (size_t j = 0; j < s->n_responses; j++) {
        const sg_response *rs = &s->responses[j];
        item = sg_json_object(b, arr, NULL);
        sg_json_string(b, item, "name", rs->name);
        sg_json_string(b, item, "column", rs->column);
        sg_json_string(b, item, "unit", rs->unit);
        sg_json_string(b, item, "goal", sg_study_goal_name(rs->goal));
        if (rs->kind != SG_RESPONSE_NUMBER) { /* its column holds the codes of these names */
            sg_json_string(b, item, "type", sg_response_kind_name(rs->kind));
            cJSON *nm = sg_json_array(b, item, "names");
            for (size_t k = 0; nm && k < rs->n_labels; k++)
                sg_json_string(b, nm, NULL, rs->labels[k]);
        }
        stats_json(b, item, &r->stats[s->n_factors + j]);
    }

    x = sg_json_object(b, o, "correlation");
    arr = sg_json_array(b, x, "columns");
    for (size_t j = 0; j < t->n_cols; j++)
        sg_json_string(b, arr, NULL, t->col_names[j]);
    arr = sg_json_array(b, x, "r");
    for (size_t i = 0; i < t->n_cols; i++) {
        cJSON *row = sg_json_array(b, arr, NULL);
        for (size_t j = 0; j < t->n_cols; j++) {
            if (r->corr_defined[i * t->n_cols + j])
                sg_json_number(b, row, NULL, r->corr[i * t->n_cols + j]);
            else
                sg_json_null(b, row, NULL);
        }
    }

    x = sg_json_object(b, o, "design");
    sg_json_count(b, x, "runs", r->n_rows);
    sg_json_bool(b, x, "balanced", r->balanced);
    sg_json_bool(b, x, "orthogonal", r->orthogonal);
    if (r->array_name[0]) {
        sg_json_string(b, x, "standard_array", r->array_name);
        cJSON *cols = sg_json_array(b, x, "array_columns"); /* 1-based, per factor */
        for (size_t j = 0; j < s->n_factors; j++)
            sg_json_number(b, cols, NULL, r->array_col[j] + 1);
    } else {
        sg_json_null(b, x, "standard_array");
        sg_json_null(b, x, "array_columns");
    }
    sg_json_bool(b, x, "array_undetermined", r->array_undetermined);
    if (r->full_factorial) {
        char ff[96];
        cJSON *lv = sg_json_array(b, x, "full_factorial_levels");
        for (size_t j = 0; j < s->n_factors; j++)
            sg_json_count(b, lv, NULL, r->levels[j].n_levels);
        sg_json_count(b, x, "runs_per_combination", r->full_factorial);
        sg_json_string(b, x, "full_factorial", sg_check_factorial_name(r, ff, sizeof ff));
    } else {
        sg_json_null(b, x, "full_factorial_levels");
        sg_json_null(b, x, "runs_per_combination");
        sg_json_null(b, x, "full_factorial");
    }
    sg_json_bool(b, x, "definitive_screening", r->definitive_screening);
    char rsm[256];
    sg_rsmdesign_text(&r->rsm_design, s->n_factors, rsm, sizeof rsm);
    sg_json_string(b, x, "response_surface_design",
                   r->rsm_design.kind == SG_RSMDESIGN_CCD   ? "central_composite"
                   : r->rsm_design.kind == SG_RSMDESIGN_BBD ? "box_behnken"
                   : r->rsm_design.kind == SG_RSMDESIGN_FACTORIAL
                       ? "factorial_with_centre_runs"
                                                            : NULL);
    sg_json_string(b, x, "response_surface_text", rsm[0] ? rsm : NULL);

    arr = sg_json_array(b, o, "duplicates");
    for (size_t g = 0; g < r->n_duplicate_groups; g++) {
        const sg_duplicate_group *d = &r->duplicates[g];
        item = sg_json_object(b, arr, NULL);
        cJSON *lines = sg_json_array(b, item, "lines");
        cJSON *runs = sg_json_array(b, item, "runs");
        for (size_t k = 0; k < d->n; k++) {
            sg_json_number(b, lines, NULL, t->line[d->rows[k]]);
            sg_json_string(b, runs, NULL, t->run_id ? t->run_id[d->rows[k]] : NULL);
        }
        sg_json_bool(b, item, "responses_differ", d->responses_differ);
    }
    arr = sg_json_array(b, o, "warnings");
    for (size_t w = 0; w < r->n_warnings; w++) {
        item = sg_json_object(b, arr, NULL);
        sg_json_string(b, item, "kind", warning_kind_name(r->warnings[w].kind));
        sg_json_string(b, item, "column",
                       r->warnings[w].column < t->n_cols ? t->col_names[r->warnings[w].column]
                                                         : NULL);
        sg_json_string(b, item, "message", r->warnings[w].message);
    }
    return sg_json_build_end(b, o, "check result", out, err);
}

sg_status sg_check_settings_to_json(const sg_study *s, cJSON **out, sg_error *err)
{
    sg_json_builder b;
    cJSON *o = sg_json_build_begin(&b);
    const char *const names[] = {"model", "train", "analysis", "optimize"};
    const sg_toml_value *tabs[] = {s->model, s->train, s->analysis, s->optimize};
    for (size_t k = 0; k < 4; k++)
        sg_json_string(&b, o, names[k], tabs[k] ? "valid" : "absent (defaults)");
    return sg_json_build_end(&b, o, "check settings", out, err);
}
