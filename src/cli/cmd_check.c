/* cmd_check.c — `surrogate check`: validate a study and its data, summarise. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "optim/optimize_spec.h"
#include "core/num.h"

#define MAX_LINES_LISTED 8 /* lines listed per duplicate group */
#define MAX_GROUPS_LISTED 5 /* duplicate groups listed (a replicated design has one per run) */

static void print_levels(const double *v, size_t n)
{
    for (size_t k = 0; k < n; k++)
        sg_num_fprintf(stdout, "%s%g", k ? ", " : "", v[k]);
}

/* The name and unit columns of the Factors, Responses and Statistics
 * tables: as wide as the longest name (at least 14) and unit (at least 6),
 * so that "cm3/min" does not push a row's figures out of their columns. */
typedef struct name_unit_width {
    int name, unit;
} name_unit_width;

/* Characters s shows (UTF-8 code points: "µm" is 2, in 3 bytes). */
static int shown_length(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The printf field width that shows s in w characters. */
static int field(const char *s, int w) { return w + (int)strlen(s) - shown_length(s); }

static name_unit_width column_widths(const sg_study *s)
{
    name_unit_width w = {14, 6};
    for (size_t j = 0; j < s->n_factors + s->n_responses; j++) {
        bool fac = j < s->n_factors;
        const char *name = fac ? s->factors[j].name : s->responses[j - s->n_factors].name;
        const char *unit = fac ? s->factors[j].unit : s->responses[j - s->n_factors].unit;
        if ((int)strlen(name) > w.name)
            w.name = (int)strlen(name);
        if (shown_length(unit) > w.unit)
            w.unit = shown_length(unit);
    }
    return w;
}

static void print_stats_row(name_unit_width w, const char *name, const char *unit,
                            const sg_col_stats *st)
{
    sg_num_fprintf(stdout, "  %-*s %-*s %9.5g %9.5g %9.5g %9.5g %9.5g %9.5g %9.4g%s\n", w.name,
                   name, field(unit, w.unit), unit, st->min, st->q1, st->median, st->mean,
                   st->q3, st->max, st->sd, st->constant ? "  constant" : "");
}

static void check_text(const sg_study *s, const sg_table *t, const sg_check_report *r)
{
    printf("Study      %s (%s)\n", s->name, s->title);
    printf("File       %s (seed %llu)\n", s->path, (unsigned long long)s->seed);
    if (t->sheet)
        printf("Data       %s (sheet %s): %zu rows used, %zu excluded\n", t->path, t->sheet,
               t->n_rows, t->n_excluded);
    else
        printf("Data       %s (%s-separated): %zu rows used, %zu excluded\n", t->path,
               t->delimiter == ',' ? "comma" : t->delimiter == ';' ? "semicolon" : "tab",
               t->n_rows, t->n_excluded);
    for (size_t i = 0; i < t->n_excluded; i++) {
        const sg_excluded_row *e = &t->excluded[i];
        char why[SG_TABLE_REASON_MAX];
        printf("  excluded %s %d", t->sheet ? "row" : "line", e->line);
        if (e->run_id && e->run_id[0])
            printf(" (run %s)", e->run_id);
        printf(": %s\n", sg_table_exclude_reason(t, e, why, sizeof why));
    }
    name_unit_width nu = column_widths(s);
    printf("\nFactors (%zu)\n  %-*s %-*s %9s %9s  %s\n", s->n_factors, nu.name, "name", nu.unit,
           "unit", "min", "max", "levels");
    for (size_t j = 0; j < s->n_factors; j++) {
        const sg_factor *f = &s->factors[j];
        if (f->categorical) {
            printf("  %-*s %-*s %9s %9s  ", nu.name, f->name, field(f->unit, nu.unit), f->unit,
                   "", "");
            for (size_t k = 0; k < f->n_levels; k++)
                printf("%s%s", k ? ", " : "", f->labels[k]);
            printf("  (names)\n");
            continue;
        }
        sg_num_fprintf(stdout, "  %-*s %-*s %9g %9g  ", nu.name, f->name,
                       field(f->unit, nu.unit), f->unit, f->min, f->max);
        if (f->n_levels)
            print_levels(f->levels, f->n_levels);
        else
            printf("(continuous)");
        if (f->step > 0)
            sg_num_fprintf(stdout, "  step %g", f->step);
        printf("\n");
    }
    printf("\nResponses (%zu)\n  %-*s %-*s  %s\n", s->n_responses, nu.name, "name", nu.unit,
           "unit", "goal");
    for (size_t j = 0; j < s->n_responses; j++) {
        const sg_response *rs = &s->responses[j];
        printf("  %-*s %-*s  %s", nu.name, rs->name, field(rs->unit, nu.unit), rs->unit,
               rs->kind == SG_RESPONSE_NUMBER ? sg_study_goal_name(rs->goal)
                                              : sg_response_kind_name(rs->kind));
        for (size_t k = 0; k < rs->n_labels; k++)
            printf("%s%s", k ? ", " : ": ", rs->labels[k]);
        printf("\n");
    }

    printf("\nStatistics (n = %zu)\n  %-*s %-*s %9s %9s %9s %9s %9s %9s %9s\n", t->n_rows,
           nu.name, "column", nu.unit, "unit", "min", "Q1", "median", "mean", "Q3", "max", "sd");
    for (size_t j = 0; j < t->n_cols; j++) {
        bool fac = j < s->n_factors;
        if (sg_cli_print_name_counts(s, t, j, nu.name))
            continue;
        print_stats_row(nu, fac ? s->factors[j].name : s->responses[j - s->n_factors].name,
                        fac ? s->factors[j].unit : s->responses[j - s->n_factors].unit,
                        &r->stats[j]);
    }

    printf("\nCorrelation of responses with factors (Pearson r; '-' = constant column, or names without an order)\n  %-14s",
           "");
    int cw[SG_STUDY_MAX_FACTORS];
    for (size_t j = 0; j < s->n_factors; j++) {
        cw[j] = sg_cli_col_width(s->factors[j].name);
        printf(" %*.*s", cw[j], cw[j], s->factors[j].name);
    }
    printf("\n");
    for (size_t i = s->n_factors; i < t->n_cols; i++) {
        printf("  %-14s", s->responses[i - s->n_factors].name);
        for (size_t j = 0; j < s->n_factors; j++) {
            if (r->corr_defined[i * t->n_cols + j])
                sg_num_fprintf(stdout, " %*.3f", cw[j], r->corr[i * t->n_cols + j]);
            else
                printf(" %*s", cw[j], "-");
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
        for (size_t k = 0; k < lv->n_levels; k++) {
            char v[80];
            printf(" %s (x%zu)", sg_factor_format(&s->factors[j], lv->values[k], 6, v, sizeof v),
                   lv->counts[k]);
        }
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
    if (r->full_factorial) {
        char ff[96];
        if (r->full_factorial == 1)
            printf("  %s: every combination of levels run once\n",
                   sg_check_factorial_name(r, ff, sizeof ff));
        else
            printf("  %s: every combination of levels run %zu times\n",
                   sg_check_factorial_name(r, ff, sizeof ff), r->full_factorial);
    }
    if (!r->orthogonal && r->balanced)
        printf("  balanced orthogonal array: no (levels balanced, but some pairs of factors are "
               "not)\n");
    else if (!r->orthogonal)
        printf("  balanced orthogonal array: no (levels occur unequally often)\n");
    if (r->definitive_screening)
        printf("  definitive screening design: fold-over pairs and %zu centre run%s; main "
               "effects orthogonal to each other and to every square and two-factor "
               "interaction\n",
               r->centre_runs, r->centre_runs == 1 ? "" : "s");
    if (r->rsm_design.kind != SG_RSMDESIGN_NONE) {
        char rsm[256];
        sg_rsmdesign_text(&r->rsm_design, s->n_factors, rsm, sizeof rsm);
        printf("  %s; 'analyze' %s\n", rsm,
               r->rsm_design.kind == SG_RSMDESIGN_FACTORIAL
                   ? "analyses the factorial runs as an array"
                   : "fits its quadratic regression");
    }
    if (!r->n_duplicate_groups)
        printf("  duplicate runs: none\n");
    for (size_t g = 0; g < r->n_duplicate_groups && g < MAX_GROUPS_LISTED; g++) {
        const sg_duplicate_group *d = &r->duplicates[g];
        printf("  duplicate runs (same factor settings) at lines");
        for (size_t k = 0; k < d->n && k < MAX_LINES_LISTED; k++)
            printf("%s %d", k ? "," : "", t->line[d->rows[k]]);
        printf("%s: responses %s\n", d->n > MAX_LINES_LISTED ? ", ..." : "",
               d->responses_differ ? "differ (replicates: scatter = noise)" : "identical");
    }
    if (r->n_duplicate_groups > MAX_GROUPS_LISTED) /* a replicated design: count them */
        printf("  ... and %zu more settings run more than once (%zu in all; --json lists "
               "every one)\n",
               r->n_duplicate_groups - MAX_GROUPS_LISTED, r->n_duplicate_groups);
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
    cJSON *x = NULL;
    if (sg_check_settings_to_json(ctx->study, &x, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    return sg_cli_json_put(ctx, o, "settings", x);
}

int sg_stage_check(sg_cli_ctx *ctx)
{
    sg_error err;
    sg_error_clear(&err);
    if (sg_check_run(ctx->study, ctx->table, &ctx->check, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    cJSON *o = NULL;
    if (sg_check_report_to_json(ctx->check, ctx->study, ctx->table, &o, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    int code = sg_cli_json_put(ctx, NULL, "check", o);
    if (code != SG_EXIT_OK)
        return code;
    code = check_settings(ctx, o);
    if (code != SG_EXIT_OK)
        return code;
    if (!ctx->args->json && !ctx->summary) {
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
