/* outputs.c — the CLI's side of the output rule (core/outputs.h): which
 * files a study command reads and writes, checked before any long work. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/outputs.h"
#include "model/model.h"
#include "model/results.h"
#include "report/report.h"

int sg_cli_check_outputs(sg_cli_ctx *ctx, const char *model_path, bool model_is_output,
                         bool model_from_study)
{
    const sg_study *s = ctx->study;
    sg_error err;
    sg_error_clear(&err);
    char *results_path = model_path ? sg_results_path_for_model(model_path) : NULL;
    if (model_path && !results_path) {
        sg_error_set(&err, SG_ERR_NOMEM, "out of memory");
        return sg_cli_fail(ctx, &err);
    }
    sg_input inputs[3] = {{"study file", s->path}, {"data file", s->data_path}};
    size_t n_in = 2;
    sg_output outs[3];
    size_t n_out = 0;
    if (model_path && !model_is_output)
        inputs[n_in++] = (sg_input){"model file", model_path};
    if (model_path && model_is_output)
        outs[n_out++] = (sg_output){"model file", model_path, model_from_study,
                                    sg_model_file_is_own, NULL};
    if (results_path)
        outs[n_out++] = (sg_output){"results file", results_path, model_from_study,
                                    sg_results_file_is_own, NULL};
    outs[n_out++] = (sg_output){"report", s->report_path, true, sg_report_file_is_own, NULL};
    const char *roots[] = {".", s->dir};
    for (size_t i = 0; i < n_out; i++)
        sg_outputs_clean_stale(outs[i].path);
    sg_outputs_plan plan = {inputs, n_in, outs, n_out, roots, 2};
    sg_status st = sg_outputs_check(&plan, &err);
    free(results_path);
    return st == SG_OK ? SG_EXIT_OK : sg_cli_fail(ctx, &err);
}
