/* cmd_next.c — `surrogate next study.toml [--runs K] [--out FILE.csv]`:
 * fit, optimise, then propose the next simulations (optim/next.h) and
 * write them as a run sheet in doe's format. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/num.h"
#include "core/path.h"
#include "core/str.h"
#include "design/runsheet.h"
#include "model/cv.h"
#include "model/fit.h"
#include "optim/decide.h"
#include "optim/next.h"
#include "optim/optimize_spec.h"
#include "optim/recommend.h"

static const sg_cli_option next_options[] = {
    {"--runs", 'k', "K", "4", "how many simulations to propose (1 to 1000)"},
    {"--out", 'o', "FILE.csv", "<report dir>/<study>-next.csv",
     "CSV run sheet to write; the XLSX sheet goes beside it (.xlsx)"},
};

static void next_text(const sg_study *s, const sg_optimize_spec *sp, const sg_next_result *r,
                      const double *held, const char *csv, const char *xlsx)
{
    printf("Next simulations (%zu)%s\n", r->n_runs,
           r->weak_model ? ": the objective's model is weak, so some explore where it is "
                           "least certain"
                         : "");
    int w[SG_STUDY_MAX_FACTORS];
    printf("  %-4s", "run");
    for (size_t f = 0; f < s->n_factors; f++) {
        w[f] = sg_cli_col_width(s->factors[f].name);
        printf(" %*.*s", w[f], w[f], s->factors[f].name);
    }
    printf("  kind\n");
    for (size_t n = 0; n < r->n_runs; n++) {
        printf("  %-4zu", n + 1);
        for (size_t f = 0; f < s->n_factors; f++) {
            char v[80];
            if (s->factors[f].categorical)
                printf(" %*.*s", w[f], w[f],
                       sg_factor_format(&s->factors[f], r->x[n * s->n_factors + f], 6, v,
                                        sizeof v));
            else
                sg_num_fprintf(stdout, " %*g", w[f], r->x[n * s->n_factors + f]);
        }
        printf("  %s\n", sg_next_kind_name(r->kind[n]));
        printf("        %s\n", r->reason[n]);
    }
    bool any = false;
    for (size_t f = 0; f < s->n_factors; f++)
        if (!isnan(held[f])) {
            sg_num_fprintf(stdout, "%s %s %g%s%s", any ? "," : "Kept at the recommended value (no "
                                                              "effect in this window):",
                           s->factors[f].name, held[f], *s->factors[f].unit ? " " : "",
                           s->factors[f].unit);
            any = true;
        }
    if (any)
        printf("\n");
    if (r->settled) {
        const sg_response *o = &s->responses[sp->response]; /* settled: not weighted */
        sg_num_fprintf(stdout,
                       "No other setting is expected to improve on the best tested (%.4g%s%s) by "
                       "the precision the runs are recorded with (%g%s%s): the exploration runs "
                       "fill the window where the model is least certain instead.\n",
                       r->best_value, *o->unit ? " " : "", o->unit, r->resolution,
                       *o->unit ? " " : "", o->unit);
    }
    printf("Run sheet: %s (and %s)\n"
           "  Fill in the responses, append the rows to the data table (or point [data] file\n"
           "  at the filled sheet) and run 'surrogate run' again.\n",
           csv, xlsx);
}

/* Calibration of this run's fit: half-widths, spread factors, Q². */
void sg_cli_calibration(const sg_cli_ctx *ctx, double *half, double *sf, double *q2,
                        double *level)
{
    const sg_cv_result *cv = ctx->fit ? ctx->fit->cv : NULL;
    *level = 0.95;
    for (size_t j = 0; j < ctx->study->n_responses; j++) {
        bool ok = cv && cv->n_out == ctx->study->n_responses;
        /* a pass/fail response has no interval: its members' spread is its sigma */
        half[j] = ok && !cv->resp[j].binary ? cv->resp[j].half_width : NAN;
        sf[j] = ok && cv->resp[j].spread_factor_ok ? cv->resp[j].spread_factor : 0.0;
        q2[j] = ok && cv->resp[j].net.r2_ok ? cv->resp[j].net.r2 : NAN;
        if (ok)
            *level = cv->resp[j].level;
    }
}

int sg_cli_decide_quietly(sg_cli_ctx *ctx)
{
    ctx->summary = true; /* the proposals are the answer, not the stages */
    int code = sg_cli_load(ctx);
    if (code == SG_EXIT_OK)
        code = sg_stage_fit(ctx);
    if (code == SG_EXIT_OK)
        code = sg_stage_optimize(ctx);
    /* the results beside the model hold the optimisation, as `optimize`
     * leaves them: the fit stage saved them without it, and `report`
     * would then drop the decision and the Optimization sheet */
    if (code == SG_EXIT_OK)
        code = sg_cli_save_results(ctx);
    /* which factors have no effect: they stay at the recommended value */
    if (code == SG_EXIT_OK)
        code = sg_stage_sensitivity(ctx);
    if (code == SG_EXIT_OK)
        code = sg_stage_recommend(ctx);
    return code;
}

void sg_cli_held_factors(const sg_cli_ctx *ctx, double *held)
{
    const sg_recommend *rec = ctx->recommend;
    for (size_t f = 0; f < ctx->study->n_factors; f++)
        held[f] = rec && rec->factors[f].role == SG_ROLE_NO_EFFECT ? rec->factors[f].value : NAN;
}

static int sg_stage_next(sg_cli_ctx *ctx)
{
    sg_error err;
    sg_error_clear(&err);
    const sg_study *s = ctx->study;
    long runs = SG_NEXT_DEFAULT_RUNS;
    int code = sg_cli_opt_long(ctx->args, "--runs", SG_NEXT_DEFAULT_RUNS, 1, SG_NEXT_MAX_RUNS,
                               &runs);
    if (code != SG_EXIT_OK)
        return code;
    double half[SG_STUDY_MAX_RESPONSES], sf[SG_STUDY_MAX_RESPONSES], q2[SG_STUDY_MAX_RESPONSES];
    double level, held[SG_STUDY_MAX_FACTORS];
    sg_cli_calibration(ctx, half, sf, q2, &level);
    sg_cli_held_factors(ctx, held);
    sg_next_inputs in = {.study = s, .table = ctx->table, .spec = ctx->optimize_spec,
                         .model = ctx->model, .decide = ctx->optimize, .half_width = half,
                         .spread_factor = sf, .level = level, .q2 = q2, .runs = (size_t)runs,
                         .seed = s->seed, .held = held, .exec = ctx->args->exec};
    sg_next_result *r = NULL;
    const char *out_opt = sg_cli_opt(ctx->args, "--out");
    char *csv = out_opt ? sg_str_dup(out_opt) : sg_cli_beside_report(s, "-next.csv");
    char *xlsx = csv ? sg_cli_xlsx_beside(csv) : NULL;
    sg_runsheet_column fc[SG_STUDY_MAX_FACTORS], rc[SG_STUDY_MAX_RESPONSES];
    if (!csv || !xlsx) {
        sg_error_set(&err, SG_ERR_NOMEM, "out of memory");
        code = sg_cli_fail(ctx, &err);
        goto done;
    }
    if (sg_next_propose(&in, &r, &err) != SG_OK) {
        code = sg_cli_fail(ctx, &err);
        goto done;
    }
    for (size_t f = 0; f < s->n_factors; f++)
        fc[f] = (sg_runsheet_column){.labels = s->factors[f].labels,
                                     .n_labels = s->factors[f].categorical ? s->factors[f].n_levels : 0,
                                     .name = s->factors[f].name, .column = s->factors[f].column,
                                     .unit = s->factors[f].unit};
    for (size_t j = 0; j < s->n_responses; j++)
        rc[j] = (sg_runsheet_column){.name = s->responses[j].name,
                                     .column = s->responses[j].column,
                                     .unit = s->responses[j].unit};
    sg_runsheet rs = {.title = s->title, .design_name = "next simulations",
                      .n_runs = r->n_runs, .n_factors = s->n_factors,
                      .n_responses = s->n_responses, .x = r->x, .factors = fc,
                      .responses = rc};
    if (r->n_runs == 0) {
        sg_error_set(&err, SG_ERR_INVALID,
                     "next: every realisable setting in the window has been tested");
        code = sg_cli_fail(ctx, &err);
        goto done;
    }
    if (sg_runsheet_check(&rs, &err) != SG_OK ||
        sg_cli_check_runsheets(s, &rs, csv, xlsx, !out_opt, &err) != SG_OK ||
        (ctx->args->writer && sg_runsheet_write_csv(&rs, csv, &err) != SG_OK)) {
        code = sg_cli_fail(ctx, &err);
        goto done;
    }
    if (ctx->args->writer && sg_runsheet_write_xlsx(&rs, xlsx, &err) != SG_OK) {
        remove(csv); /* both sheets or neither */
        code = sg_cli_fail(ctx, &err);
        goto done;
    }
    cJSON *o = NULL;
    if (sg_next_to_json(r, s, csv, xlsx, &o, &err) != SG_OK) {
        code = sg_cli_fail(ctx, &err);
        goto done;
    }
    if ((code = sg_cli_json_put(ctx, NULL, "next", o)) == SG_EXIT_OK && !ctx->args->json)
        next_text(s, ctx->optimize_spec, r, held, csv, xlsx);
done:
    sg_next_result_destroy(r);
    free(csv);
    free(xlsx);
    return code;
}

static int next_main(const sg_cli_args *a)
{
    sg_cli_ctx ctx;
    int code = sg_cli_ctx_init(&ctx, a);
    if (code != SG_EXIT_OK)
        return code;
    const char *out_opt = sg_cli_opt(a, "--out");
    if (out_opt && !out_opt[0])
        return sg_cli_finish(&ctx, sg_cli_usage_error(a->cmd, "--out needs a file name"));
    long runs = 0;
    if ((code = sg_cli_opt_long(a, "--runs", SG_NEXT_DEFAULT_RUNS, 1, SG_NEXT_MAX_RUNS, &runs)) !=
        SG_EXIT_OK)
        return sg_cli_finish(&ctx, code);
    code = sg_cli_decide_quietly(&ctx);
    if (code == SG_EXIT_OK)
        code = sg_stage_next(&ctx);
    return sg_cli_finish(&ctx, code);
}

const sg_cli_command sg_cmd_next = {
    .name = "next",
    .summary = "propose the next simulations: where they most improve the decision",
    .description =
        "Fits the surrogate (writing the model file as 'fit' does), optimises it, and\n"
        "proposes K new settings: a confirmation run at the recommended optimum when it\n"
        "is untested, then the settings with the largest expected improvement of the\n"
        "objective over the best tested run (using the calibrated prediction interval,\n"
        "constraints as the chance that they hold), spread so that the runs do not\n"
        "crowd together.  When the objective's model is weak (cross-validated Q2 below\n"
        "0.5) half of them fill the window where the model is least certain, and so do\n"
        "the rest once no setting is expected to improve by the precision the runs are\n"
        "recorded with (0.001 for values printed to three decimals).  Steps,\n"
        "levels and fixed factors of [optimize] are respected, factors without effect\n"
        "in the window stay at the recommended value, and tested settings are not\n"
        "proposed again.  Each run says why it was chosen.  The proposals are written\n"
        "as a run sheet in doe's format (CSV, and XLSX beside it) with empty response\n"
        "cells; the data file is never modified.  Seeded by [study] seed.",
    .options = next_options,
    .n_options = sizeof next_options / sizeof next_options[0],
    .handler = next_main,
    .needs_study = true,
};
