/* runsheet_json.c — what `doe` planned and wrote, as JSON (keys documented
 * in doc/json.md). */
#include "design/runsheet.h"

#include "core/json.h"

sg_status sg_runsheet_to_json(const sg_runsheet *rs, const sg_design *d, unsigned long seed,
                              const char *csv, const char *xlsx, cJSON **out, sg_error *err)
{
    static const char *const kinds[] = {"auto", "orthogonal_array", "lhs",         "sobol",
                                        "full", "central_composite", "box_behnken",
                                        "two_level", "axial"};
    sg_json_builder jb, *b = &jb;
    cJSON *o = sg_json_build_begin(b), *arr;
    sg_json_string(b, o, "design", d->name);
    sg_json_string(b, o, "kind", (size_t)d->kind < sizeof kinds / sizeof *kinds ? kinds[d->kind] : "other");
    sg_json_count(b, o, "runs", d->n_runs);
    sg_json_number(b, o, "seed", (double)seed);
    sg_json_string(b, o, "csv", csv);
    sg_json_string(b, o, "xlsx", xlsx);
    arr = sg_json_array(b, o, "factors");
    for (size_t j = 0; j < rs->n_factors; j++) {
        cJSON *e = sg_json_object(b, arr, NULL);
        sg_json_string(b, e, "name", rs->factors[j].name);
        sg_json_string(b, e, "column", rs->factors[j].column);
        sg_json_string(b, e, "unit", rs->factors[j].unit);
        if (rs->factors[j].labels) { /* the table holds codes 0 .. k-1 of these names */
            cJSON *nm = sg_json_array(b, e, "names");
            for (size_t l = 0; nm && l < rs->factors[j].n_labels; l++)
                sg_json_string(b, nm, NULL, rs->factors[j].labels[l]);
        }
        if (d->kind == SG_DESIGN_OA)
            sg_json_number(b, e, "array_column", d->oa.factor_col[j] + 1);
        else
            sg_json_null(b, e, "array_column");
    }
    if (d->kind == SG_DESIGN_OA && rs->n_factors >= 2) {
        cJSON *x = sg_json_object(b, o, "interaction_1x2");
        sg_json_bool(b, x, "estimable", d->oa.interaction_kept || d->oa.interaction_orthogonal);
        sg_json_bool(b, x, "orthogonal_to_all_columns", d->oa.interaction_orthogonal);
        cJSON *cols = sg_json_array(b, x, "columns");
        for (int c = 0; c < d->oa.n_interaction; c++)
            sg_json_number(b, cols, NULL, d->oa.interaction_col[c] + 1);
    } else {
        sg_json_null(b, o, "interaction_1x2");
    }
    arr = sg_json_array(b, o, "table");
    for (size_t i = 0; i < d->n_runs; i++)
        sg_json_numbers(b, arr, NULL, d->x + i * d->n_factors, d->n_factors);
    return sg_json_build_end(b, o, "doe result", out, err);
}
