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

static int resp_decimals(const sg_cli_ctx *ctx, size_t j)
{
    return sg_sensitivity_decimals(ctx->sensitivity ? ctx->sensitivity->resolution[j] : 0.0);
}

/* Decimals for an uncertainty v of response j (sg_sensitivity_uncertainty_decimals). */
static int unc_decimals(const sg_cli_ctx *ctx, size_t j, double v)
{
    double res = ctx->sensitivity ? ctx->sensitivity->resolution[j] : 0.0;
    return sg_sensitivity_uncertainty_decimals(v, res);
}

static const char *sp_unit(const char *u) { return *u ? " " : ""; }

/* One line per factor: setting, and why (matters / no effect / fixed). */
static void summary_settings(const sg_cli_ctx *ctx)
{
    const sg_study *s = ctx->study;
    const sg_recommend *rec = ctx->recommend;
    const sg_optimize_spec *sp = ctx->optimize_spec;
    size_t jo = sp->weighted ? 0 : sp->response;
    printf("Settings (%s%s):\n", ctx->optimize->objective,
           rec->kind == SG_RECOMMEND_NONE ? "; best known, not a recommendation" : "");
    for (size_t i = 0; i < s->n_factors; i++) {
        const sg_recommend_factor *f = &rec->factors[i];
        const char *u = s->factors[i].unit;
        char val[64];
        sg_num_snprintf(val, sizeof val, "%g%s%s", f->value, sp_unit(u), u);
        if (f->role == SG_ROLE_NO_EFFECT) {
            sg_num_fprintf(stdout, "  %-14.14s %-12s no effect in this window (%g .. %g%s%s): "
                                   "choose on cost or convenience\n",
                           s->factors[i].name, val, s->factors[i].min, s->factors[i].max,
                           sp_unit(u), u);
        } else if (f->role == SG_ROLE_FIXED) {
            printf("  %-14.14s %-12s fixed by [optimize]\n", s->factors[i].name, val);
        } else if (rec->kind == SG_RECOMMEND_NONE) {
            printf("  %-14.14s %s\n", s->factors[i].name, val);
        } else if (ctx->sensitivity && !sp->weighted) {
            const sg_sobol_result *so = ctx->sensitivity->sobol;
            size_t k = sg_sobol_at(so, jo, i);
            const char *ru = s->responses[jo].unit;
            sg_num_fprintf(stdout,
                           "  %-14.14s %-12s matters: total index %.2f, moves %s by %.*f%s%s\n",
                           s->factors[i].name, val, so->total[k].est, s->responses[jo].name,
                           resp_decimals(ctx, jo), so->effect_range[k], sp_unit(ru), ru);
        } else {
            printf("  %-14.14s %-12s matters\n", s->factors[i].name, val);
        }
    }
}

static void summary_prediction(const sg_cli_ctx *ctx)
{
    const sg_study *s = ctx->study;
    const sg_recommend *rec = ctx->recommend;
    const sg_decide_result *r = ctx->optimize;
    const sg_optimize_spec *sp = ctx->optimize_spec;
    if (sp->weighted || rec->kind == SG_RECOMMEND_NONE)
        return;
    size_t j = sp->response;
    int d = resp_decimals(ctx, j);
    const char *u = s->responses[j].unit;
    int du = unc_decimals(ctx, j, r->half_width[j]);
    if (isfinite(rec->lo[j]) && du + 1 < d) /* one digit beyond the uncertainty's */
        d = du + 1;
    sg_num_fprintf(stdout, "  predicted %s there: %.*f%s%s", s->responses[j].name, d,
                   rec->mean[j], sp_unit(u), u);
    if (isfinite(rec->lo[j]))
        sg_num_fprintf(stdout, " (%.*f .. %.*f, %.0f%% interval at tested settings%s)", du,
                       rec->lo[j], du, rec->hi[j], 100.0 * rec->level,
                       rec->clipped[j] ? ", clipped to the physical limit" : "");
    printf("\n");
}

static void summary_quality(const sg_cli_ctx *ctx)
{
    const sg_study *s = ctx->study;
    const sg_cv_result *cv = ctx->fit ? ctx->fit->cv : NULL;
    if (!cv || cv->n_out != s->n_responses) {
        printf("Model quality: not cross-validated\n");
        return;
    }
    printf("Model quality (cross-validated):\n");
    for (size_t j = 0; j < s->n_responses; j++) {
        const sg_cv_response *c = &cv->resp[j];
        const char *u = s->responses[j].unit;
        if (!c->net.r2_ok) {
            printf("  %-14.14s Q2 n/a: %s\n", s->responses[j].name, c->net.reason);
            continue;
        }
        bool weak = c->net.r2 < SG_CV_MIN_Q2;
        double hp = c->half_width_plan, hb = c->half_width_between;
        sg_num_fprintf(stdout, "  %-14.14s Q2 %5.2f %-5s +- %.*f%s%s at tested settings",
                       s->responses[j].name, c->net.r2, weak ? "WEAK" : "good",
                       unc_decimals(ctx, j, hp), hp, sp_unit(u), u);
        if (cv->n_between > 0)
            sg_num_fprintf(stdout, ", +- %.*f between levels", unc_decimals(ctx, j, hb), hb);
        printf("\n");
    }
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
    if (ctx->check)
        printf("  check        %zu runs used, %zu excluded, %zu warning%s%s%s\n",
               ctx->check->n_rows, ctx->check->n_excluded, ctx->check->n_warnings,
               ctx->check->n_warnings == 1 ? "" : "s", *ctx->check->array_name ? "; design " : "",
               ctx->check->array_name);
    if (ctx->analysis)
        printf("  analyze      statistics, correlation, orthogonal-array analysis (main effects, "
               "ANOVA)\n");
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

/* The fit's honesty warnings on the objective's responses (a weak model is
 * already the headline): printed after lead when it is not NULL; returns
 * how many there are. */
static size_t objective_gates(const sg_cli_ctx *ctx, const char *lead)
{
    const sg_optimize_spec *sp = ctx->optimize_spec;
    size_t n = 0;
    for (size_t g = 0; ctx->fit && sp && g < ctx->fit->n_gates; g++) {
        const sg_gate_warning *w = &ctx->fit->gates[g];
        bool used = sp->weighted ? sp->weights[w->response] > 0 : sp->response == w->response;
        if (!used || w->kind == SG_GATE_LOW_Q2)
            continue;
        n++;
        if (lead)
            wrap(lead, 4, w->message);
    }
    return n;
}

/* One line per constraint: the prediction at the recommendation, the
 * safety margin it was kept with and the chance it is violated. */
static void summary_constraints(const sg_cli_ctx *ctx)
{
    const sg_study *s = ctx->study;
    const sg_recommend *rec = ctx->recommend;
    const sg_decide_result *r = ctx->optimize;
    const sg_optimize_spec *sp = ctx->optimize_spec;
    for (size_t i = 0; rec->kind != SG_RECOMMEND_NONE && i < sp->n_cons; i++) {
        size_t j = sp->cons[i].response;
        const char *u = s->responses[j].unit;
        int d = resp_decimals(ctx, j);
        sg_num_fprintf(stdout, "  constraint %s: predicted %.*f%s%s", sp->cons[i].text, d,
                       rec->mean[j], sp_unit(u), u);
        if (r->con_margin[i] > 0)
            sg_num_fprintf(stdout, ", kept %.*f%s%s inside (%.0f%% confidence)", d,
                           r->con_margin[i], sp_unit(u), u, 100.0 * r->con_confidence);
        sg_num_fprintf(stdout, ", chance of violation %.0f%%\n", 100.0 * rec->p_violate[i]);
    }
}

static void print_summary(const sg_cli_ctx *ctx)
{
    const sg_study *s = ctx->study;
    printf("%s: %s\n", s->name, s->title);
    if (ctx->recommend) {
        const sg_recommend *rec = ctx->recommend;
        wrap("Answer: ", 2, rec->headline);
        summary_settings(ctx);
        summary_prediction(ctx);
        summary_constraints(ctx);
        size_t n_gates = objective_gates(ctx, NULL);
        if (rec->n_notes || n_gates) {
            printf("Warnings that change the decision:\n");
            for (size_t k = 0; k < rec->n_notes; k++)
                wrap("  - ", 4, rec->notes[k]);
            objective_gates(ctx, "  - ");
        }
    }
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
    if (code == SG_EXIT_OK && !a->json && ctx.summary)
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
        "cross-validate the surrogate, write the model file), 'sensitivity' (Sobol indices\n"
        "of every factor on the model), 'optimize' (the best settings on the model),\n"
        "'recommend' (what to do: which settings, which factors do not matter, whether the\n"
        "optimum can be told from the best tested run) and 'report' (save the results\n"
        "beside the model and write the Excel workbook at [report] file).  Prints a\n"
        "decision summary of at most 40 lines, the answer first; --verbose prints every\n"
        "stage's full output instead.  The report path is checked before any work; the\n"
        "run stops at the first stage that fails, and a failed run leaves the previous\n"
        "workbook untouched.",
    .options = run_options,
    .n_options = sizeof run_options / sizeof run_options[0],
    .handler = run_main,
    .needs_study = true,
};
