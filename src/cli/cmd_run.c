/* cmd_run.c — `surrogate run`: every stage that exists, in order, then the
 * decision summary (or, with --verbose, every stage's full output). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/num.h"
#include "model/cv.h"
#include "model/sensitivity.h"
#include "optim/decide.h"
#include "optim/optimize_spec.h"
#include "optim/recommend.h"
#include "optim/summary.h"

/* The stages of `run`, in order.  Each prints its text result (unless
 * --json or the summary), adds its JSON object under its name, and returns
 * an exit code; the first failure stops the run.  New stages are appended
 * here. */
typedef struct run_stage {
    const char *name;
    int (*fn)(sg_cli_ctx *ctx);
} run_stage;

static const run_stage stages[] = {
    {"check", sg_stage_check},
    {"analyze", sg_stage_analyze},
    {"fit", sg_stage_fit},
    {"sensitivity", sg_stage_sensitivity},
    {"optimize", sg_stage_optimize},
    {"recommend", sg_stage_recommend},
    {"report", sg_stage_report},
};
#define N_STAGES (sizeof stages / sizeof stages[0])

static const sg_cli_option run_options[] = {
    {"--verbose", 'v', NULL, "off", "print every stage's full output instead of the summary"},
};

/* ---- the decision summary ------------------------------------------------ */

#define SUMMARY_WIDTH 100 /* no line longer */

/* Print text wrapped at SUMMARY_WIDTH: the first line after lead, the
 * others after indent spaces. */
static void wrap(const char *lead, size_t indent, const char *text)
{
    size_t col = (size_t)printf("%s", lead);
    bool line_start = true; /* no space before the first word of a line */
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++;
        size_t w = strcspn(p, " ");
        if (w == 0)
            break;
        if (!line_start && col + 1 + w > SUMMARY_WIDTH) {
            col = (size_t)printf("\n%*s", (int)indent, "") - 1;
            line_start = true;
        }
        col += (size_t)printf("%s%.*s", line_start ? "" : " ", (int)w, p);
        line_start = false;
        p += w;
    }
    putchar('\n');
}

/* The decision summary's answer, settings, prediction, constraints and
 * warnings (optim/summary.h): the same lines as the workbook's Summary. */
static void summary_decision(const sg_summary *d)
{
    wrap("Answer: ", 2, d->headline);
    printf("%s:\n", d->settings_title);
    for (size_t i = 0; i < d->n_factors; i++) {
        const sg_summary_factor *f = &d->factors[i];
        if (*f->verdict)
            printf("  %-14.14s %-12s %s\n", f->name, f->setting, f->verdict);
        else
            printf("  %-14.14s %s\n", f->name, f->setting);
    }
    if (*d->prediction)
        printf("  %s\n", d->prediction);
    for (size_t i = 0; i < d->n_constraints; i++)
        wrap("  ", 4, d->constraints[i]);
    if (d->n_warnings) {
        printf("Warnings that change the decision:\n");
        for (size_t k = 0; k < d->n_warnings; k++)
            wrap("  - ", 4, d->warnings[k]);
    }
}

static void summary_quality(const sg_cli_ctx *ctx)
{
    const sg_summary *d = ctx->decision;
    if (!d) {
        printf("Model quality: see the fit stage (--verbose)\n");
        return;
    }
    if (!d->cross_validated) {
        const char *why = ctx->fit ? ctx->fit->cv_not_possible : "";
        if (why[0])
            wrap("Model quality: cross-validation ", 2, why);
        else
            printf("Model quality: not cross-validated\n");
        return;
    }
    printf("Model quality (cross-validated):\n");
    for (size_t j = 0; j < d->n_responses; j++)
        printf("  %-14.14s %s\n", d->quality[j].name, d->quality[j].text);
}

static const char *json_str(const cJSON *o, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, a), b);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double json_num(const cJSON *o, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, a), b);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* One line per stage: what it found, briefly. */
static void summary_stages(const sg_cli_ctx *ctx)
{
    const sg_study *s = ctx->study;
    printf("Stages:\n");
    const sg_rsmdesign_kind rsm = ctx->analysis ? ctx->analysis->design.kind : SG_RSMDESIGN_NONE;
    if (ctx->check) {
        char name[64], ff[128];
        sg_check_factorial_name(ctx->check, name, sizeof name);
        if (ctx->check->full_factorial > 1)
            sg_num_snprintf(ff, sizeof ff, "%s, %zu runs of each setting", name,
                            ctx->check->full_factorial);
        else
            sg_num_snprintf(ff, sizeof ff, "%s", name);
        printf("  check        %zu runs used, %zu excluded, %zu warning%s%s%s\n",
               ctx->check->n_rows, ctx->check->n_excluded, ctx->check->n_warnings,
               ctx->check->n_warnings == 1 ? "" : "s",
               *ff || *ctx->check->array_name || rsm ? "; design " : "",
               *ff                             ? ff
               : *ctx->check->array_name       ? ctx->check->array_name
               : rsm == SG_RSMDESIGN_CCD       ? "central composite"
               : rsm == SG_RSMDESIGN_BBD       ? "Box-Behnken"
               : rsm == SG_RSMDESIGN_FACTORIAL ? "two-level factorial with centre runs"
                                               : "");
    }
    if (ctx->analysis && rsm == SG_RSMDESIGN_FACTORIAL)
        printf("  analyze      statistics, correlation, factorial runs' effects and ANOVA, "
               "curvature, regression\n");
    else if (ctx->analysis && rsm)
        printf("  analyze      statistics, correlation, quadratic regression (the design's "
               "analysis), main effects\n");
    else if (ctx->analysis && ctx->analysis->discrete)
        printf("  analyze      statistics, correlation, main effects and ANOVA of the array, "
               "quadratic regression\n");
    else if (ctx->analysis) { /* the reason's first clause; --verbose prints it whole */
        const char *why = ctx->analysis->not_applicable;
        size_t n = strcspn(why, "(;");
        while (n > 0 && why[n - 1] == ' ')
            n--;
        printf("  analyze      statistics, correlation, quadratic regression; no main effects or "
               "ANOVA: %.*s\n",
               (int)n, why);
    }
    if (ctx->fit)
        printf("  fit          %s model, %zu parameters, %zu rows; written to %s\n",
               sg_model_type_name(ctx->fit->type_used), ctx->fit->n_params_total,
               ctx->fit->n_rows,
               ctx->model_path ? ctx->model_path : "(in memory)");
    if (ctx->sensitivity)
        printf("  sensitivity  Sobol indices on the model, %zu evaluations\n",
               ctx->sensitivity->sobol->n_evals);
    if (ctx->optimize)
        printf("  optimize     %zu starts, %zu distinct optima, %zu of them reach the best\n",
               ctx->optimize->opt->n_starts, ctx->optimize->opt->n_clusters,
               ctx->optimize->opt->stats.n_reach_best);
    const char *wb = json_str(ctx->json, "report", "path");
    double nw = json_num(ctx->json, "report", "warnings");
    if (wb)
        sg_num_fprintf(stdout, "Workbook: %s (%g warning%s on its Summary sheet)\n", wb, nw,
                       nw == 1 ? "" : "s");
    printf("Full output of every stage: surrogate run --verbose %s\n", ctx->args->study_path);
    (void)s;
}

static void print_summary(const sg_cli_ctx *ctx)
{
    const sg_study *s = ctx->study;
    printf("%s: %s\n", s->name, s->title);
    if (ctx->decision)
        summary_decision(ctx->decision);
    summary_quality(ctx);
    summary_stages(ctx);
}

static int run_main(const sg_cli_args *a)
{
    sg_cli_ctx ctx;
    int code = sg_cli_ctx_init(&ctx, a);
    if (code != SG_EXIT_OK)
        return code;
    ctx.summary = !sg_cli_opt(a, "--verbose");
    code = sg_cli_load(&ctx);
    if (code == SG_EXIT_OK)
        code = sg_stage_report_check(&ctx); /* before any long work */
    for (size_t i = 0; i < N_STAGES && code == SG_EXIT_OK; i++) {
        if (!a->json && !ctx.summary)
            printf("%s== %s (stage %zu of %zu)\n", i ? "\n" : "", stages[i].name, i + 1,
                   (size_t)N_STAGES);
        code = stages[i].fn(&ctx);
    }
    if (code == SG_EXIT_OK && a->answer_out && a->answer_cap)
        snprintf(a->answer_out, a->answer_cap, "%s",
                 ctx.decision ? ctx.decision->headline : "no recommendation");
    if (code == SG_EXIT_OK && !a->json && ctx.summary && !a->no_stdout)
        print_summary(&ctx);
    if (code == SG_EXIT_OK && !a->json && !ctx.summary) {
        printf("\nOK: finished");
        for (size_t i = 0; i < N_STAGES; i++)
            printf("%s %s", i ? "," : "", stages[i].name);
        printf(".\n");
    }
    return sg_cli_finish(&ctx, code);
}

const sg_cli_command sg_cmd_run = {
    .name = "run",
    .summary = "the whole job: check, analyze, fit, sensitivity, optimize, recommend, report",
    .description =
        "Runs every stage on a study, in order: 'check' (validate the study and data),\n"
        "'analyze' (statistics and the orthogonal-array analysis), 'fit' (train and\n"
        "cross-validate the surrogate, write the model file), 'sensitivity' (Sobol\n"
        "indices of every factor on the model), 'optimize' (the best settings on the\n"
        "model), 'recommend' (what to do: which settings, which factors do not matter,\n"
        "whether the optimum can be told from the best tested run) and 'report' (save the\n"
        "results beside the model and write the Excel workbook at [report] file).  Prints\n"
        "a decision summary of at most 40 lines, the answer first; --verbose prints every\n"
        "stage's full output instead.  The report path is checked before any work; the\n"
        "run stops at the first stage that fails, and a failed run leaves the previous\n"
        "workbook untouched.",
    .options = run_options,
    .n_options = sizeof run_options / sizeof run_options[0],
    .handler = run_main,
    .needs_study = true,
};
