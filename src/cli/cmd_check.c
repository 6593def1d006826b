/* cmd_check.c — `surrogate check`: validate a study and its data, summarise. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/hash.h"
#include "optim/optimize_spec.h"
#include "core/num.h"

#define MAX_LINES_LISTED 8 /* lines listed per duplicate group */

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
    }
    return "other";
}

static cJSON *stats_json(const sg_col_stats *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "n", (double)s->n);
    cJSON_AddNumberToObject(o, "min", s->min);
    cJSON_AddNumberToObject(o, "q1", s->q1);
    cJSON_AddNumberToObject(o, "median", s->median);
    cJSON_AddNumberToObject(o, "mean", s->mean);
    cJSON_AddNumberToObject(o, "q3", s->q3);
    cJSON_AddNumberToObject(o, "max", s->max);
    cJSON_AddNumberToObject(o, "sd", s->sd);
    cJSON_AddBoolToObject(o, "constant", s->constant);
    return o;
}

static cJSON *run_or_line(const sg_table *t, size_t row)
{
    return t->run_id ? cJSON_CreateString(t->run_id[row]) : cJSON_CreateNull();
}

/* The JSON object of the check stage (keys documented in doc/json.md). */
static cJSON *check_json(const sg_study *s, const sg_table *t, const sg_check_report *r)
{
    char hex[17];
    cJSON *o = cJSON_CreateObject(), *x, *arr, *item;
    if (!o)
        return NULL;
    x = cJSON_AddObjectToObject(o, "study");
    cJSON_AddStringToObject(x, "path", s->path);
    cJSON_AddStringToObject(x, "name", s->name);
    cJSON_AddStringToObject(x, "title", s->title);
    cJSON_AddNumberToObject(x, "seed", (double)s->seed);
    sg_hash_hex(s->study_hash, hex);
    cJSON_AddStringToObject(x, "fnv1a64", hex);
    cJSON_AddStringToObject(x, "report", s->report_path);

    x = cJSON_AddObjectToObject(o, "data");
    cJSON_AddStringToObject(x, "path", t->path);
    sg_hash_hex(t->hash, hex);
    cJSON_AddStringToObject(x, "fnv1a64", hex);
    char delim[2] = {t->delimiter, '\0'};
    cJSON_AddStringToObject(x, "delimiter", delim);
    cJSON_AddNumberToObject(x, "rows_used", (double)t->n_rows);
    cJSON_AddNumberToObject(x, "rows_excluded", (double)t->n_excluded);
    arr = cJSON_AddArrayToObject(x, "excluded");
    for (size_t i = 0; i < t->n_excluded; i++) {
        item = cJSON_CreateObject();
        cJSON_AddNumberToObject(item, "line", t->excluded[i].line);
        cJSON_AddNumberToObject(item, "row", (double)t->excluded[i].row);
        if (t->excluded[i].run_id)
            cJSON_AddStringToObject(item, "run", t->excluded[i].run_id);
        else
            cJSON_AddNullToObject(item, "run");
        cJSON_AddStringToObject(item, "reason", "no response (failed or unfinished simulation)");
        cJSON_AddItemToArray(arr, item);
    }

    arr = cJSON_AddArrayToObject(o, "factors");
    for (size_t j = 0; j < s->n_factors; j++) {
        const sg_factor *f = &s->factors[j];
        const sg_factor_levels *lv = &r->levels[j];
        item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "name", f->name);
        cJSON_AddStringToObject(item, "column", f->column);
        cJSON_AddStringToObject(item, "unit", f->unit);
        cJSON_AddNumberToObject(item, "min", f->min);
        cJSON_AddNumberToObject(item, "max", f->max);
        if (f->n_levels)
            cJSON_AddItemToObject(item, "levels", cJSON_CreateDoubleArray(f->levels, (int)f->n_levels));
        else
            cJSON_AddNullToObject(item, "levels");
        if (f->step > 0)
            cJSON_AddNumberToObject(item, "step", f->step);
        else
            cJSON_AddNullToObject(item, "step");
        cJSON_AddItemToObject(item, "stats", stats_json(&r->stats[j]));
        cJSON *obs = cJSON_AddArrayToObject(item, "observed_levels");
        for (size_t k = 0; k < lv->n_levels; k++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddNumberToObject(e, "value", lv->values[k]);
            cJSON_AddNumberToObject(e, "count", (double)lv->counts[k]);
            cJSON_AddItemToArray(obs, e);
        }
        cJSON_AddBoolToObject(item, "balanced", lv->balanced);
        cJSON_AddItemToArray(arr, item);
    }
    arr = cJSON_AddArrayToObject(o, "responses");
    for (size_t j = 0; j < s->n_responses; j++) {
        const sg_response *rs = &s->responses[j];
        item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "name", rs->name);
        cJSON_AddStringToObject(item, "column", rs->column);
        cJSON_AddStringToObject(item, "unit", rs->unit);
        cJSON_AddStringToObject(item, "goal", sg_study_goal_name(rs->goal));
        cJSON_AddItemToObject(item, "stats", stats_json(&r->stats[s->n_factors + j]));
        cJSON_AddItemToArray(arr, item);
    }

    x = cJSON_AddObjectToObject(o, "correlation");
    arr = cJSON_AddArrayToObject(x, "columns");
    for (size_t j = 0; j < t->n_cols; j++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(t->col_names[j]));
    arr = cJSON_AddArrayToObject(x, "r");
    for (size_t i = 0; i < t->n_cols; i++) {
        cJSON *row = cJSON_CreateArray();
        for (size_t j = 0; j < t->n_cols; j++)
            cJSON_AddItemToArray(row, r->corr_defined[i * t->n_cols + j]
                                          ? cJSON_CreateNumber(r->corr[i * t->n_cols + j])
                                          : cJSON_CreateNull());
        cJSON_AddItemToArray(arr, row);
    }

    x = cJSON_AddObjectToObject(o, "design");
    cJSON_AddNumberToObject(x, "runs", (double)r->n_rows);
    cJSON_AddBoolToObject(x, "balanced", r->balanced);
    cJSON_AddBoolToObject(x, "orthogonal", r->orthogonal);
    if (r->array_name[0]) {
        cJSON_AddStringToObject(x, "standard_array", r->array_name);
        cJSON *cols = cJSON_AddArrayToObject(x, "array_columns"); /* 1-based, per factor */
        for (size_t j = 0; j < s->n_factors; j++)
            cJSON_AddItemToArray(cols, cJSON_CreateNumber(r->array_col[j] + 1));
    } else {
        cJSON_AddNullToObject(x, "standard_array");
        cJSON_AddNullToObject(x, "array_columns");
    }
    cJSON_AddBoolToObject(x, "array_undetermined", r->array_undetermined);

    arr = cJSON_AddArrayToObject(o, "duplicates");
    for (size_t g = 0; g < r->n_duplicate_groups; g++) {
        const sg_duplicate_group *d = &r->duplicates[g];
        item = cJSON_CreateObject();
        cJSON *lines = cJSON_AddArrayToObject(item, "lines");
        cJSON *runs = cJSON_AddArrayToObject(item, "runs");
        for (size_t k = 0; k < d->n; k++) {
            cJSON_AddItemToArray(lines, cJSON_CreateNumber(t->line[d->rows[k]]));
            cJSON_AddItemToArray(runs, run_or_line(t, d->rows[k]));
        }
        cJSON_AddBoolToObject(item, "responses_differ", d->responses_differ);
        cJSON_AddItemToArray(arr, item);
    }
    arr = cJSON_AddArrayToObject(o, "warnings");
    for (size_t w = 0; w < r->n_warnings; w++) {
        item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "kind", warning_kind_name(r->warnings[w].kind));
        if (r->warnings[w].column < t->n_cols)
            cJSON_AddStringToObject(item, "column", t->col_names[r->warnings[w].column]);
        else
            cJSON_AddNullToObject(item, "column");
        cJSON_AddStringToObject(item, "message", r->warnings[w].message);
        cJSON_AddItemToArray(arr, item);
    }
    return o;
}

static void print_levels(const double *v, size_t n)
{
    for (size_t k = 0; k < n; k++)
        sg_num_fprintf(stdout, "%s%g", k ? ", " : "", v[k]);
}

static void print_stats_row(const char *name, const char *unit, const sg_col_stats *st)
{
    sg_num_fprintf(stdout, "  %-14s %-6s %9.5g %9.5g %9.5g %9.5g %9.5g %9.5g %9.4g%s\n", name, unit, st->min,
           st->q1, st->median, st->mean, st->q3, st->max, st->sd,
           st->constant ? "  constant" : "");
}

static void check_text(const sg_study *s, const sg_table *t, const sg_check_report *r)
{
    printf("Study      %s (%s)\n", s->name, s->title);
    printf("File       %s (seed %llu)\n", s->path, (unsigned long long)s->seed);
    printf("Data       %s (%s-separated): %zu rows used, %zu excluded\n", t->path,
           t->delimiter == ',' ? "comma" : t->delimiter == ';' ? "semicolon" : "tab", t->n_rows,
           t->n_excluded);
    for (size_t i = 0; i < t->n_excluded; i++) {
        const sg_excluded_row *e = &t->excluded[i];
        printf("  excluded line %d", e->line);
        if (e->run_id)
            printf(" (run %s)", e->run_id);
        printf(": no response (failed or unfinished simulation)\n");
    }
    printf("\nFactors (%zu)\n  %-14s %-6s %9s %9s  %s\n", s->n_factors, "name", "unit", "min",
           "max", "levels");
    for (size_t j = 0; j < s->n_factors; j++) {
        const sg_factor *f = &s->factors[j];
        sg_num_fprintf(stdout, "  %-14s %-6s %9g %9g  ", f->name, f->unit, f->min, f->max);
        if (f->n_levels)
            print_levels(f->levels, f->n_levels);
        else
            printf("(continuous)");
        if (f->step > 0)
            sg_num_fprintf(stdout, "  step %g", f->step);
        printf("\n");
    }
    printf("\nResponses (%zu)\n  %-14s %-6s  %s\n", s->n_responses, "name", "unit", "goal");
    for (size_t j = 0; j < s->n_responses; j++)
        printf("  %-14s %-6s  %s\n", s->responses[j].name, s->responses[j].unit,
               sg_study_goal_name(s->responses[j].goal));

    printf("\nStatistics (n = %zu)\n  %-14s %-6s %9s %9s %9s %9s %9s %9s %9s\n", t->n_rows,
           "column", "unit", "min", "Q1", "median", "mean", "Q3", "max", "sd");
    for (size_t j = 0; j < t->n_cols; j++) {
        bool fac = j < s->n_factors;
        print_stats_row(fac ? s->factors[j].name : s->responses[j - s->n_factors].name,
                        fac ? s->factors[j].unit : s->responses[j - s->n_factors].unit,
                        &r->stats[j]);
    }

    printf("\nCorrelation of responses with factors (Pearson r; '-' = constant column)\n  %-14s",
           "");
    for (size_t j = 0; j < s->n_factors; j++)
        printf(" %12.12s", s->factors[j].name);
    printf("\n");
    for (size_t i = s->n_factors; i < t->n_cols; i++) {
        printf("  %-14s", s->responses[i - s->n_factors].name);
        for (size_t j = 0; j < s->n_factors; j++) {
            if (r->corr_defined[i * t->n_cols + j])
                sg_num_fprintf(stdout, " %12.3f", r->corr[i * t->n_cols + j]);
            else
                printf(" %12s", "-");
        }
        printf("\n");
    }

    printf("\nDesign\n");
    for (size_t j = 0; j < s->n_factors; j++) {
        const sg_factor_levels *lv = &r->levels[j];
        printf("  %-14s ", s->factors[j].name);
        if (!lv->n_levels) {
            printf("more than %d distinct values (not level-coded)\n", SG_CHECK_MAX_LEVELS);
            continue;
        }
        printf("%zu levels:", lv->n_levels);
        for (size_t k = 0; k < lv->n_levels; k++)
            sg_num_fprintf(stdout, " %g (x%zu)", lv->values[k], lv->counts[k]);
        printf("%s\n", lv->balanced ? "" : "  unbalanced");
    }
    if (r->orthogonal) {
        printf("  balanced orthogonal array: yes (every level and every pair of levels equally "
               "often)\n");
        if (r->array_name[0]) {
            printf("  standard array: %s, factors in columns", r->array_name);
            for (size_t j = 0; j < s->n_factors; j++)
                printf("%s %s = %d", j ? "," : "", s->factors[j].name, r->array_col[j] + 1);
            printf(" (columns numbered from 1 as in Taguchi's tables)\n");
        } else if (r->array_undetermined)
            printf("  standard array: undetermined (the search for a matching standard array "
                   "gave up)\n");
        else
            printf("  standard array: none (the rows are not columns of a catalogue array)\n");
    }
    else if (r->balanced)
        printf("  balanced orthogonal array: no (levels balanced, but some pairs of factors are "
               "not)\n");
    else
        printf("  balanced orthogonal array: no (levels occur unequally often)\n");
    if (!r->n_duplicate_groups)
        printf("  duplicate runs: none\n");
    for (size_t g = 0; g < r->n_duplicate_groups; g++) {
        const sg_duplicate_group *d = &r->duplicates[g];
        printf("  duplicate runs (same factor settings) at lines");
        for (size_t k = 0; k < d->n && k < MAX_LINES_LISTED; k++)
            printf("%s %d", k ? "," : "", t->line[d->rows[k]]);
        printf("%s: responses %s\n", d->n > MAX_LINES_LISTED ? ", ..." : "",
               d->responses_differ ? "differ (replicates: scatter = noise)" : "identical");
    }
    printf("\nWarnings (%zu)\n", r->n_warnings);
    for (size_t w = 0; w < r->n_warnings; w++)
        printf("  warning: %s\n", r->warnings[w].message);
    if (!r->n_warnings)
        printf("  none\n");
}

/* Validate the [model], [train], [analysis] and (when present) [optimize]
 * sections with the loaders their stages use, without training; the first
 * problem fails with STUDY:LINE:COL.  An absent [optimize] is not checked:
 * its defaults depend on the responses' goals and only matter to optimize. */
static int check_settings(sg_cli_ctx *ctx, cJSON *o)
{
    sg_error err;
    sg_error_clear(&err);
    sg_study_model m;
    memset(&m, 0, sizeof m);
    sg_status st = sg_study_model_load(ctx->study, &m, &err);
    sg_study_model_destroy(&m);
    if (st != SG_OK)
        return sg_cli_fail(ctx, &err);
    sg_analysis_config cfg;
    if (sg_study_analysis_config_load(ctx->study, &cfg, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    if (ctx->study->optimize) {
        sg_optimize_spec *spec = NULL;
        st = sg_optimize_spec_load(ctx->study, &spec, &err);
        sg_optimize_spec_destroy(spec);
        if (st != SG_OK)
            return sg_cli_fail(ctx, &err);
    }
    cJSON *x = cJSON_AddObjectToObject(o, "settings");
    const char *const names[] = {"model", "train", "analysis", "optimize"};
    const sg_toml_value *tabs[] = {ctx->study->model, ctx->study->train, ctx->study->analysis,
                                   ctx->study->optimize};
    for (size_t k = 0; k < 4; k++)
        cJSON_AddStringToObject(x, names[k], tabs[k] ? "valid" : "absent (defaults)");
    return SG_EXIT_OK;
}

int sg_stage_check(sg_cli_ctx *ctx)
{
    sg_error err;
    sg_error_clear(&err);
    if (sg_check_run(ctx->study, ctx->table, &ctx->check, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    cJSON *o = check_json(ctx->study, ctx->table, ctx->check);
    if (!o || !cJSON_AddItemToObject(ctx->json, "check", o)) {
        cJSON_Delete(o);
        sg_error_set(&err, SG_ERR_NOMEM, "out of memory building the JSON result");
        return sg_cli_fail(ctx, &err);
    }
    int code = check_settings(ctx, o);
    if (code != SG_EXIT_OK)
        return code;
    if (!ctx->args->json) {
        check_text(ctx->study, ctx->table, ctx->check);
        printf("\nSettings: [model], [train], [analysis]%s are valid%s\n",
               ctx->study->optimize ? ", [optimize]" : "",
               ctx->study->optimize ? "" : " ([optimize] absent: checked by optimize)");
    }
    return SG_EXIT_OK;
}

static int check_ok(sg_cli_ctx *ctx)
{
    if (!ctx->args->json)
        printf("OK: the study and its data are valid.\n");
    return SG_EXIT_OK;
}

static int check_main(const sg_cli_args *a)
{
    static const sg_stage_fn stages[] = {sg_stage_check, check_ok};
    return sg_cli_run_stages(a, false, stages, 2);
}

const sg_cli_command sg_cmd_check = {
    .name = "check",
    .summary = "validate a study file and its data table, and print a summary",
    .description =
        "Reads the study file and the CSV table it names, reports the first problem found\n"
        "(with file:line:column), or prints: factors with bounds, levels and units;\n"
        "responses with goals; rows used and excluded; per-column statistics; level\n"
        "balance and orthogonality of the factor columns; duplicate runs; warnings.\n"
        "Also validates the [model], [train], [analysis] and [optimize] sections\n"
        "(without training), so a typo there is caught here.  Writes no files.",
    .options = NULL,
    .n_options = 0,
    .handler = check_main,
    .needs_study = true,
};
