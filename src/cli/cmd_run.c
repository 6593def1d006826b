/* cmd_run.c — `surrogate run`: every stage that exists, in order. */
#include <stdio.h>

#include "cli.h"

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
};
#define N_STAGES (sizeof stages / sizeof stages[0])

static int run_main(const sg_cli_args *a)
{
    sg_cli_ctx ctx;
    int code = sg_cli_ctx_init(&ctx, a);
    if (code != SG_EXIT_OK)
        return code;
    code = sg_cli_load(&ctx);
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
    .summary = "run every stage on a study: check, analyze (fit, optimize, report as they arrive)",
    .description =
        "Runs the whole job on a study: currently the 'check' stage (validate the study\n"
        "and data, print the summary) and the 'analyze' stage (statistics and the\n"
        "orthogonal-array analysis).  Stops at the first stage that fails.",
    .options = NULL,
    .n_options = 0,
    .handler = run_main,
    .needs_study = true,
};
