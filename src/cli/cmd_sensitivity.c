/* cmd_sensitivity.c — `surrogate sensitivity`: Sobol indices and main-effect
 * ranges of every factor on the fitted surrogate; also the `sensitivity`
 * and `recommend` stages of `surrogate run`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/num.h"
#include "model/cv.h"
#include "model/sensitivity.h"
#include "optim/optimize_spec.h"
#include "optim/recommend.h"
#include "optim/summary.h"

static const sg_cli_option sensitivity_options[] = {
    {"--model", 'm', "PATH", "[model] file, else <report dir>/<study>.model.json",
     "model file to use"},
};

/* An index for people: -0.0001 shows as 0.000, not -0.000. */
static double shown(double v)
{
    return fabs(v) < 0.0005 ? 0.0 : v;
}

static void print_ci(const sg_sobol_ci *c)
{
    if (isnan(c->est))
        printf("  %-22s", "n/a (constant)");
    else
        sg_num_fprintf(stdout, "  %6.3f [%6.3f, %6.3f]", shown(c->est), shown(c->lo),
                       shown(c->hi));
}

static void print_response(const sg_study *s, const sg_sensitivity *r, size_t j)
{
    const sg_sobol_result *so = r->sobol;
    const sg_response *rs = &s->responses[j];
    const char *unit = rs->unit, *us = *unit ? " " : "";
    int d = sg_sensitivity_decimals(r->resolution[j]);
    char range[SG_NUM_SIG_CAP], res[SG_NUM_SIG_CAP], below[SG_NUM_SIG_CAP], by[SG_NUM_SIG_CAP];
    bool probability = rs->kind != SG_RESPONSE_NUMBER && rs->n_labels == 2;
    if (probability)
        sg_num_fprintf(stdout, "\n%s: the probability of \"%s\" (0 to 1)\n", rs->name,
                       rs->labels[1]);
    else
        sg_num_fprintf(stdout, "\n%s%s%s%s: observed range %s, resolution %s\n", rs->name,
                       *unit ? " [" : "", unit, *unit ? "]" : "",
                       sg_num_fixed(range, sizeof range, r->range[j], d),
                       r->resolution[j] > 0 ? sg_num_fixed(res, sizeof res, r->resolution[j], d)
                                            : "none (finer than 1e-9)");
    if (rs->kind != SG_RESPONSE_NUMBER && !probability)
        printf("  of the most probable name's code (0 .. %zu, in the study's order): how far a "
               "factor moves the prediction along that order\n",
               rs->n_labels - 1);
    sg_num_fprintf(stdout, "  no effect: total index < %.2f and effect range < %s%s%s\n",
                   SG_SENSITIVITY_NEGLIGIBLE_SHARE,
                   sg_num_fixed(below, sizeof below, r->threshold[j], d), us, unit);
    printf("  %-14s  %-22s  %-22s  %12s\n", "factor", "first order", "total", "effect range");
    for (size_t i = 0; i < r->n_factors; i++) {
        size_t k = sg_sobol_at(so, j, i);
        printf("  %-14.14s", s->factors[i].name);
        print_ci(&so->first[k]);
        print_ci(&so->total[k]);
        printf("  %12s%s%s%s\n", sg_num_fixed(by, sizeof by, so->effect_range[k], d), us, unit,
               r->negligible[k] ? "  no effect" : "");
    }
}

static void print_sensitivity(const sg_cli_ctx *ctx)
{
    const sg_sensitivity *r = ctx->sensitivity;
    const sg_sobol_result *so = r->sobol;
    printf("Sensitivity of the model over the factor window (Sobol indices)\n");
    sg_num_fprintf(stdout, "  %zu base points (%s), %zu model evaluations;\n  %.0f%% bootstrap "
                           "intervals from %zu resamples\n",
                   so->n_base, so->quasi_random ? "scrambled Sobol" : "pseudo-random",
                   so->n_evals, 100.0 * so->level, so->n_boot);
    printf("  first order: share of the variance the factor explains alone; total: with its\n"
           "  interactions; effect range: how far the factor alone moves the response\n");
    for (size_t j = 0; j < r->n_responses; j++)
        print_response(ctx->study, r, j);
}

int sg_stage_sensitivity(sg_cli_ctx *ctx)
{
    sg_error err;
    sg_error_clear(&err);
    const char *source = NULL, *path = NULL;
    int current = 1;
    int code = sg_cli_study_model(ctx, &source, &path, &current);
    if (code != SG_EXIT_OK)
        return code;
    /* a class response: the sensitivity of the probability the decision is
     * about (its [optimize] class); a bad [optimize] is the optimize
     * stage's error to report */
    sg_optimize_spec *spec = NULL;
    if (ctx->study->optimize && sg_optimize_spec_load(ctx->study, &spec, &err) == SG_OK)
        sg_optimize_spec_focus_model(spec, ctx->model, &err);
    sg_optimize_spec_destroy(spec);
    sg_error_clear(&err);
    if (sg_sensitivity_run_on(ctx->study, ctx->table, ctx->model, NULL, ctx->args->exec,
                              &ctx->sensitivity, &err) !=
        SG_OK)
        return sg_cli_fail(ctx, &err);
    cJSON *o = NULL;
    if (sg_sensitivity_to_json(ctx->sensitivity, ctx->study, &o, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    if ((code = sg_cli_json_put(ctx, NULL, "sensitivity", o)) != SG_EXIT_OK)
        return code;
    if (!ctx->args->json && !ctx->summary)
        print_sensitivity(ctx);
    return SG_EXIT_OK;
}

/* ---- the recommendation ------------------------------------------------- */

static void print_recommendation(const sg_cli_ctx *ctx)
{
    const sg_recommend *rec = ctx->recommend;
    const sg_study *s = ctx->study;
    printf("Recommendation (%s)\n  %s\n", sg_recommend_kind_name(rec->kind), rec->headline);
    for (size_t i = 0; i < rec->n_factors; i++) {
        const sg_recommend_factor *f = &rec->factors[i];
        const char *u = s->factors[i].unit;
        if (f->role == SG_ROLE_NO_EFFECT)
            sg_num_fprintf(stdout,
                           "  %-14s %g%s%s (%s): no effect in this window (%g .. %g) - choose on "
                           "cost or convenience\n",
                           s->factors[i].name, f->value, *u ? " " : "", u, f->from,
                           s->factors[i].min, s->factors[i].max);
        else
            sg_num_fprintf(stdout, "  %-14s %g%s%s (%s)\n", s->factors[i].name, f->value,
                           *u ? " " : "", u, f->from);
    }
    for (size_t k = 0; k < rec->n_notes; k++)
        printf("  NOTE: %s\n", rec->notes[k]);
}

int sg_stage_recommend(sg_cli_ctx *ctx)
{
    sg_error err;
    sg_error_clear(&err);
    if (!ctx->optimize || !ctx->optimize_spec || !ctx->model)
        return SG_EXIT_OK; /* nothing optimised: nothing to recommend */
    const sg_cv_result *cv = ctx->fit ? ctx->fit->cv : sg_cli_saved_cv(ctx);
    double q2[SG_STUDY_MAX_RESPONSES];
    for (size_t j = 0; j < ctx->study->n_responses; j++)
        q2[j] = cv && cv->n_out == ctx->study->n_responses && cv->resp[j].net.r2_ok
                    ? cv->resp[j].net.r2
                    : NAN;
    sg_recommend_inputs in = {.q2 = q2, .sens = ctx->sensitivity,
                              .saturated = cv && cv->saturated,
                              .main_terms = cv ? cv->main_terms : 0,
                              .fewest_training = cv ? cv->fewest_training : 0};
    if (sg_recommend_build(ctx->study, ctx->table, ctx->optimize_spec, ctx->model, ctx->optimize,
                           &in, &ctx->recommend, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    sg_summary_inputs si = {ctx->study, ctx->optimize_spec, ctx->optimize, ctx->recommend,
                            ctx->sensitivity, cv, ctx->fit ? ctx->fit->gates : NULL,
                            ctx->fit ? ctx->fit->n_gates : 0, ctx->table};
    if (sg_summary_build(&si, &ctx->decision, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    cJSON *o = NULL;
    if (sg_recommend_to_json(ctx->recommend, ctx->study, ctx->table, &o, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    int code = sg_cli_json_put(ctx, NULL, "recommendation", o);
    if (code == SG_EXIT_OK && !ctx->args->json && !ctx->summary)
        print_recommendation(ctx);
    return code;
}

static int sensitivity_main(const sg_cli_args *a)
{
    static const sg_stage_fn stages[] = {sg_stage_sensitivity};
    return sg_cli_run_stages(a, false, stages, 1);
}

const sg_cli_command sg_cmd_sensitivity = {
    .name = "sensitivity",
    .summary = "how much each factor moves each response on the fitted surrogate",
    .description =
        "Sobol sensitivity of the saved model over the study's factor window: for every\n"
        "response and factor the first-order index (the share of the response's variance\n"
        "the factor explains alone), the total index (with its interactions), both with\n"
        "bootstrap confidence intervals, and the effect range (max - min of the factor's\n"
        "main effect, in the response's unit).  A factor whose total index is below 0.02\n"
        "and whose effect range is below the data's resolution or 2% of the observed\n"
        "range has no effect in this window.  Quasi-Monte Carlo on the surrogate\n"
        "(scrambled Sobol points, Saltelli and Jansen estimators), seeded by [study]\n"
        "seed.",
    .options = sensitivity_options,
    .n_options = sizeof sensitivity_options / sizeof sensitivity_options[0],
    .handler = sensitivity_main,
    .needs_study = true,
};
