/* report_json.c — which sheets a report holds, and the report stage's
 * result as JSON (keys documented in doc/json.md). */
#include "report/report.h"
#include "report/report_internal.h"

#include "core/json.h"
#include "model/sensitivity.h"

size_t sg_report_sheet_names(const sg_report_input *in, const char **names, size_t cap)
{
    const char *all[SG_REPORT_MAX_SHEETS];
    size_t n = 0;
    all[n++] = "Summary";
    all[n++] = "Data";
    if (in->stats)
        all[n++] = "Statistics";
    bool effects = false;
    for (size_t j = 0; in->effects && j < in->n_responses; j++)
        effects = effects || in->effects[j];
    if (effects)
        all[n++] = "Main effects";
    if (sg_report_has_regression(in))
        all[n++] = "Regression";
    if (in->model)
        all[n++] = "Model";
    if (in->cv)
        all[n++] = "Validation";
    if (in->optim)
        all[n++] = "Optimization";
    if (in->model)
        all[n++] = "Response surface";
    if (in->sensitivity && in->sensitivity->n_factors == in->n_factors &&
        in->sensitivity->n_responses == in->n_responses)
        all[n++] = "Sensitivity";
    if (in->model)
        all[n++] = "Calculator";
    for (size_t i = 0; i < n && i < cap; i++)
        names[i] = all[i];
    return n;
}

sg_status sg_report_to_json(const sg_report_input *in, const char *path, const char *results_path,
                            cJSON **out, sg_error *err)
{
    const char *names[SG_REPORT_MAX_SHEETS];
    size_t n = sg_report_sheet_names(in, names, SG_REPORT_MAX_SHEETS);
    sg_json_builder jb, *b = &jb;
    cJSON *o = sg_json_build_begin(b);
    cJSON *sh = sg_json_array(b, o, "sheets");
    for (size_t i = 0; sh && i < n; i++)
        sg_json_string(b, sh, NULL, names[i]);
    sg_json_string(b, o, "path", path);
    sg_json_string(b, o, "results", results_path);
    sg_json_count(b, o, "warnings", in->n_warnings);
    sg_json_string(b, o, "date", in->date);
    return sg_json_build_end(b, o, "report result", out, err);
}

bool sg_report_has_regression(const sg_report_input *in)
{
    for (size_t j = 0; in->regress && j < in->n_responses; j++)
        if (in->regress[j])
            return true;
    return false;
}
