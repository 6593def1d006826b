/* cmd_run.c — `surrogate run`: every stage that exists, in order. */
#include <stdio.h>

#include "cli/cli.h"

/* The stages of `run`, in order.  Each prints its text result (unless
 * --json), adds its JSON object under its name, and returns an exit code;
 * the first failure stops the run.  New stages are appended here. */
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

static int run_main(const sg_cli_args *a)
{
    sg_cli_ctx ctx;
    int code = sg_cli_ctx_init(&ctx, a);
    if (code != SG_EXIT_OK)
        return code;
    code = sg_cli_load(&ctx);
    if (code == SG_EXIT_OK)
        code = sg_stage_report_check(&ctx); /* before any long work */
    for (size_t i = 0; i < N_STAGES && code == SG_EXIT_OK; i++) {
        if (!a->json)
            printf("%s== %s (stage %zu of %zu)\n", i ? "\n" : "", stages[i].name, i + 1,
                   (size_t)N_STAGES);
        code = stages[i].fn(&ctx);
    }
    if (code == SG_EXIT_OK && !a->json) {
        printf("\nOK: finished");
        for (size_t i = 0; i < N_STAGES; i++)
            printf("%s %s", i ? "," : "", stages[i].name);
        printf(".\n");
    }
    return sg_cli_finish(&ctx, code);
}

const sg_cli_command sg_cmd_run = {
    .name = "run",
    .summary = "the whole job: check, analyze, fit, optimize, report",
    .description =
        "Runs every stage on a study, in order: 'check' (validate the study and data,\n"
        "print the summary), 'analyze' (statistics and the orthogonal-array analysis),\n"
        "'fit' (train and cross-validate the surrogate, write the model file), 'optimize'\n"
        "(the best settings on the fitted model) and 'report' (save the results beside\n"
        "the model and write the Excel workbook at [report] file).  The report path is\n"
        "checked before any work; the run stops at the first stage that fails, and a\n"
        "failed run leaves the previous workbook untouched.",
    .options = NULL,
    .n_options = 0,
    .handler = run_main,
    .needs_study = true,
};
