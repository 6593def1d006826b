/* cmd_analyze.c — `surrogate analyze`: descriptive statistics, correlation
 * matrix and the orthogonal-array analysis (main effects, S/N, ANOVA) of
 * every response.  The computations are in study_analysis.h / taguchi.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "analysis/study_analysis.h"
#include "core/num.h"

/* |r| below this prints as 0.000 (half the last printed digit). */
#define CORR_ZERO_SHOWN 5e-4

static cJSON *settings_json(const sg_study *s, const sg_analysis_config *cfg)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddBoolToObject(o, "interactions", cfg->taguchi.interactions);
    cJSON_AddNumberToObject(o, "min_error_df", cfg->taguchi.min_error_df);
    cJSON_AddBoolToObject(o, "pool", cfg->taguchi.pool);
    cJSON *t = cJSON_AddObjectToObject(o, "targets");
    for (size_t j = 0; j < s->n_responses; j++)
        if (cfg->has_target[j])
            cJSON_AddNumberToObject(t, s->responses[j].name, cfg->target[j]);
    return o;
}

static const char *col_name(const sg_study *s, size_t j)
{
    return j < s->n_factors ? s->factors[j].name : s->responses[j - s->n_factors].name;
}

static const char *col_unit(const sg_study *s, size_t j)
{
    return j < s->n_factors ? s->factors[j].unit : s->responses[j - s->n_factors].unit;
}

/* The JSON object of the analyze stage (keys documented in doc/json.md). */
static cJSON *analyze_json(const sg_study *s, const sg_table *t, const sg_analysis_config *cfg,
                           const sg_study_analysis *a)
{
    cJSON *o = cJSON_CreateObject(), *arr, *x;
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "rows", (double)a->n_rows);
    cJSON_AddNumberToObject(o, "rows_excluded", (double)t->n_excluded);
    cJSON_AddItemToObject(o, "settings", settings_json(s, cfg));
    arr = cJSON_AddArrayToObject(o, "statistics");
    for (size_t j = 0; j < a->n_cols; j++) {
        const sg_col_stats *st = &a->stats[j];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", col_name(s, j));
        cJSON_AddStringToObject(e, "column", t->col_names[j]);
        cJSON_AddStringToObject(e, "unit", col_unit(s, j));
        cJSON_AddStringToObject(e, "kind", j < s->n_factors ? "factor" : "response");
        cJSON_AddNumberToObject(e, "n", (double)st->n);
        cJSON_AddNumberToObject(e, "mean", st->mean);
        cJSON_AddNumberToObject(e, "sd", st->sd);
        cJSON_AddNumberToObject(e, "min", st->min);
        cJSON_AddNumberToObject(e, "q1", st->q1);
        cJSON_AddNumberToObject(e, "median", st->median);
        cJSON_AddNumberToObject(e, "q3", st->q3);
        cJSON_AddNumberToObject(e, "max", st->max);
        cJSON_AddBoolToObject(e, "constant", st->constant);
        cJSON_AddItemToArray(arr, e);
    }
    x = cJSON_AddObjectToObject(o, "correlation");
    arr = cJSON_AddArrayToObject(x, "columns");
    for (size_t j = 0; j < a->n_cols; j++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(col_name(s, j)));
    arr = cJSON_AddArrayToObject(x, "r");
    for (size_t i = 0; i < a->n_cols; i++) {
        cJSON *row = cJSON_CreateArray();
        for (size_t j = 0; j < a->n_cols; j++)
            cJSON_AddItemToArray(row, a->corr_defined[i * a->n_cols + j]
                                          ? cJSON_CreateNumber(a->corr[i * a->n_cols + j])
                                          : cJSON_CreateNull());
        cJSON_AddItemToArray(arr, row);
    }
    x = cJSON_AddObjectToObject(o, "orthogonal_array");
    cJSON_AddBoolToObject(x, "applies", a->discrete);
    if (a->discrete)
        cJSON_AddNullToObject(x, "reason");
    else
        cJSON_AddStringToObject(x, "reason", a->not_applicable);
    arr = cJSON_AddArrayToObject(x, "factors");
    for (size_t j = 0; a->discrete && j < a->n_factors; j++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", s->factors[j].name);
        cJSON_AddStringToObject(e, "unit", s->factors[j].unit);
        cJSON_AddItemToObject(e, "levels",
                              cJSON_CreateDoubleArray(a->factors[j].values, a->factors[j].n_levels));
        cJSON_AddStringToObject(e, "coded_from", a->factors[j].declared ? "declared" : "data");
        cJSON_AddItemToArray(arr, e);
    }
    arr = cJSON_AddArrayToObject(x, "responses");
    for (size_t r = 0; a->discrete && r < a->n_responses; r++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", s->responses[r].name);
        if (a->taguchi[r]) {
            cJSON_AddItemToObject(e, "analysis", sg_taguchi_to_json(a->taguchi[r]));
            cJSON_AddNullToObject(e, "reason");
        } else {
            cJSON_AddNullToObject(e, "analysis");
            cJSON_AddStringToObject(e, "reason", a->response_na[r]);
        }
        cJSON_AddItemToArray(arr, e);
    }
    return o;
}

static void print_rule(const char *title)
{
    printf("\n%s\n", title);
    for (size_t i = 0; title[i]; i++)
        putchar('-');
    putchar('\n');
}

static int analyze_text(const sg_study *s, const sg_table *t, const sg_study_analysis *a)
{
    printf("Study      %s (%s)\n", s->name, s->title);
    printf("Data       %s: %zu rows used, %zu excluded\n", t->path, a->n_rows, t->n_excluded);
    print_rule("Descriptive statistics");
    printf("  %-14s %-6s %10s %10s %10s %10s %10s %10s %10s\n", "column", "unit", "mean", "sd",
           "min", "Q1", "median", "Q3", "max");
    for (size_t j = 0; j < a->n_cols; j++) {
        const sg_col_stats *st = &a->stats[j];
        sg_num_fprintf(stdout, "  %-14s %-6s %10.6g %10.4g %10.6g %10.6g %10.6g %10.6g %10.6g%s\n",
               col_name(s, j), col_unit(s, j), st->mean, st->sd, st->min, st->q1, st->median,
               st->q3, st->max, st->constant ? "  constant" : "");
    }
    print_rule("Correlation matrix (Pearson r; '-' = constant column)");
    printf("  %-14s", "");
    for (size_t j = 0; j < a->n_cols; j++)
        printf(" %12.12s", col_name(s, j));
    printf("\n");
    for (size_t i = 0; i < a->n_cols; i++) {
        printf("  %-14s", col_name(s, i));
        for (size_t j = 0; j < a->n_cols; j++) {
            double v = a->corr[i * a->n_cols + j];
            if (a->corr_defined[i * a->n_cols + j])
                sg_num_fprintf(stdout, " %12.3f", fabs(v) < CORR_ZERO_SHOWN ? 0.0 : v); /* no "-0.000" */
            else
                printf(" %12s", "-");
        }
        printf("\n");
    }
    print_rule("Orthogonal-array analysis");
    if (!a->discrete) {
        printf("Not applicable: %s.\n", a->not_applicable);
        return SG_EXIT_OK;
    }
    printf("Factor levels:");
    for (size_t j = 0; j < a->n_factors; j++) {
        printf("%s %s = {", j ? ";" : "", s->factors[j].name);
        for (int k = 0; k < a->factors[j].n_levels; k++)
            sg_num_fprintf(stdout, "%s%g", k ? ", " : "", a->factors[j].values[k]);
        printf("}%s%s", s->factors[j].unit[0] ? " " : "", s->factors[j].unit);
    }
    printf("\n");
    for (size_t r = 0; r < a->n_responses; r++) {
        char title[200];
        snprintf(title, sizeof title, "Response %s (%s, goal %s)", s->responses[r].name,
                 s->responses[r].unit[0] ? s->responses[r].unit : "no unit",
                 sg_study_goal_name(s->responses[r].goal));
        print_rule(title);
        printf("\n");
        if (!a->taguchi[r]) {
            printf("Not analysed: %s\n", a->response_na[r]);
            continue;
        }
        sg_error err;
        if (sg_taguchi_write_text(a->taguchi[r], stdout, &err) != SG_OK) {
            fprintf(stderr, "surrogate: error: %s\n", err.msg);
            return SG_EXIT_FAILURE;
        }
    }
    return SG_EXIT_OK;
}

int sg_stage_analyze(sg_cli_ctx *ctx)
{
    sg_error err;
    sg_error_clear(&err);
    sg_analysis_config cfg;
    if (sg_study_analysis_config_load(ctx->study, &cfg, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    if (sg_study_analysis_run(ctx->study, ctx->table, &cfg, &ctx->analysis, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    cJSON *o = analyze_json(ctx->study, ctx->table, &cfg, ctx->analysis);
    if (!o || !cJSON_AddItemToObject(ctx->json, "analyze", o)) {
        cJSON_Delete(o);
        sg_error_set(&err, SG_ERR_NOMEM, "out of memory building the JSON result");
        return sg_cli_fail(ctx, &err);
    }
    if (!ctx->args->json)
        return analyze_text(ctx->study, ctx->table, ctx->analysis);
    return SG_EXIT_OK;
}

static int analyze_main(const sg_cli_args *a)
{
    static const sg_stage_fn stages[] = {sg_stage_analyze};
    return sg_cli_run_stages(a, false, stages, 1);
}

const sg_cli_command sg_cmd_analyze = {
    .name = "analyze",
    .summary = "orthogonal-array analysis (main effects, S/N, ANOVA) and statistics",
    .description =
        "Reads the study and its data and prints, in the study's units: descriptive\n"
        "statistics (mean, sd, min, quartiles, max) and the correlation matrix of every\n"
        "factor and response column; and, when every factor takes a few discrete levels,\n"
        "for every response the level means with delta and rank, the signal-to-noise\n"
        "table, the ANOVA with estimable two-factor interactions, and the best level\n"
        "combination with its predicted response.  Settings come from the study's\n"
        "[analysis] section (interactions, min_error_df, pool, targets).  Writes no files.",
    .options = NULL,
    .n_options = 0,
    .handler = analyze_main,
    .needs_study = true,
};
