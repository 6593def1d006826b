/* cmd_doe.c — `surrogate doe`: plan the simulations.  Builds a design from
 * the study's factors (design.h) and writes the CSV and XLSX run sheets
 * (runsheet.h).  Needs only the study file: the data file may not exist yet. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/outputs.h"
#include "design/design.h"
#include "design/runsheet.h"
#include "core/str.h"
#include "core/path.h"
#include "core/num.h"

static const sg_cli_option doe_options[] = {
    {"--design", 'd', "NAME", "auto",
     "auto, full, lhs:N, sobol:N, ccd, ccd:face, bbd, 2level, axial, or an orthogonal array (L4 ... L81, "
     "e.g. L27)"},
    {"--out", 'o', "FILE.csv",
     "[data] file while it does not exist, else <report dir>/<study>-runs.csv",
     "CSV run sheet to write; the XLSX sheet goes beside it (.xlsx)"},
    {"--seed", 's', "N", "the study's seed", "seed of lhs and sobol designs"},
};

/* The .xlsx path beside csv: "runs.csv" -> "runs.xlsx", "runs" -> "runs.xlsx". */
char *sg_cli_xlsx_beside(const char *csv)
{
    size_t n = strlen(csv);
    if (n > 4 && strcmp(csv + n - 4, ".csv") == 0)
        n -= 4;
    char *p = malloc(n + 6);
    if (p) {
        memcpy(p, csv, n);
        memcpy(p + n, ".xlsx", 6);
    }
    return p;
}

char *sg_cli_beside_report(const sg_study *s, const char *suffix)
{
    char *dir = sg_path_dirname(s->report_path);
    if (!dir)
        return NULL;
    size_t n = strlen(s->name) + strlen(suffix) + 1;
    char *base = malloc(n);
    char *p = NULL;
    if (base) {
        snprintf(base, n, "%s%s", s->name, suffix);
        p = sg_path_join(dir, base);
    }
    free(base);
    free(dir);
    return p;
}

/* Default CSV path: the study's [data] file while it does not exist yet
 * (fill it in, then fit), else <directory of the study's report
 * file>/<study name>-runs.csv. */
static char *default_out(const sg_study *s)
{
    if (s->data_path && access(s->data_path, F_OK) != 0)
        return sg_str_dup(s->data_path);
    return sg_cli_beside_report(s, "-runs.csv");
}

#define DOE_NOTE_MAX 400

/* The note on factor j of the design (empty when none): bounds spanning
 * decades under scale = "auto", its runs spread over the range.  Before
 * there are runs, "auto" cannot know whether the factor acts by ratios;
 * spread over the range, its runs leave the lower decades empty, and fit's
 * "auto" then keeps it linear. */
static void decades_note(const sg_study *s, const sg_design *d, const sg_design_factor *df,
                         size_t j, char *out)
{
    out[0] = '\0';
    double dec = sg_design_linear_decades(&df[j]);
    if (s->factors[j].scale != SG_FACTOR_SCALE_AUTO || df[j].levels || !(dec > 0))
        return;
    double low = INFINITY;
    for (size_t i = 0; i < d->n_runs; i++)
        low = fmin(low, d->x[i * d->n_factors + j]);
    sg_num_snprintf(out, DOE_NOTE_MAX,
                    "factor %s spans %.1f decades (%g to %g) and its runs are spread over its "
                    "range, the smallest at %.4g: if it acts by ratios (a rate, a "
                    "concentration, a size), scale = \"log\" in its [[factor]] spreads them "
                    "over its decades",
                    s->factors[j].name, dec, df[j].min, df[j].max, low);
}

static void doe_text(const sg_study *s, const sg_design *d, unsigned long seed, const char *csv,
                     const char *xlsx)
{
    printf("Study      %s (%s)\n", s->name, s->title);
    printf("Design     %s: %zu run%s, %zu factor%s", d->name, d->n_runs, d->n_runs == 1 ? "" : "s",
           d->n_factors, d->n_factors == 1 ? "" : "s");
    if (d->kind == SG_DESIGN_LHS || d->kind == SG_DESIGN_SOBOL)
        printf(" (seed %lu)", seed);
    printf("\n");
    if (d->kind == SG_DESIGN_OA) {
        printf("Columns    (numbered from 1 as in Taguchi's tables)\n");
        for (size_t j = 0; j < s->n_factors; j++)
            printf("  %-14s column %d\n", s->factors[j].name, d->oa.factor_col[j] + 1);
        if (s->n_factors >= 2) {
            printf("  %s x %s interaction: ", s->factors[0].name, s->factors[1].name);
            if (d->oa.interaction_orthogonal)
                printf("orthogonal to every other column (estimable, uses no column)\n");
            else if (d->oa.n_interaction) {
                printf("column%s", d->oa.n_interaction > 1 ? "s" : "");
                for (int c = 0; c < d->oa.n_interaction; c++)
                    printf("%s %d", c ? "," : "", d->oa.interaction_col[c] + 1);
                printf(d->oa.interaction_kept ? " (left free: estimable)\n"
                                              : " (shared with a factor: confounded)\n");
            } else
                printf("spread over many columns (not estimable separately)\n");
        }
    }
    int w[SG_STUDY_MAX_FACTORS];
    for (size_t j = 0; j < s->n_factors; j++) {
        size_t n = strlen(s->factors[j].column);
        w[j] = n > 10 ? (int)n : 10;
    }
    printf("\n  %4s", "run");
    for (size_t j = 0; j < s->n_factors; j++)
        printf(" %*s", w[j], s->factors[j].column);
    printf("\n  %4s", "");
    for (size_t j = 0; j < s->n_factors; j++) {
        char u[40];
        snprintf(u, sizeof u, "[%.36s]", s->factors[j].unit);
        printf(" %*s", w[j], s->factors[j].unit[0] ? u : "");
    }
    printf("\n");
    for (size_t i = 0; i < d->n_runs; i++) {
        printf("  %4zu", i + 1);
        for (size_t j = 0; j < d->n_factors; j++) {
            char v[80];
            if (s->factors[j].categorical)
                printf(" %*s", w[j], sg_factor_format(&s->factors[j], d->x[i * d->n_factors + j],
                                                      6, v, sizeof v));
            else
                sg_num_fprintf(stdout, " %*.10g", w[j], d->x[i * d->n_factors + j]);
        }
        printf("\n");
    }
    printf("\nWrote %s and %s: fill in the response columns", csv, xlsx);
    for (size_t j = 0; j < s->n_responses; j++)
        printf("%s %s", j ? "," : "", s->responses[j].column);
    if (d->kind == SG_DESIGN_AXIAL) { /* they complete runs already made */
        printf(";\nthen append the rows to the 2level design's data (numbering the run column\n"
               "on from its last run): together they are a face-centred central composite\n"
               "design, which analyze regresses.\n");
        return;
    }
    printf(";\nonce saved, either file is the study's data: [data] file = \"...\" (rows not\n"
           "filled in yet are listed as not yet run by check and fit).\n");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A run sheet the output rule may replace: one doe wrote, still blank. */
typedef struct sheet_kind {
    const sg_runsheet *rs;
    bool csv;
} sheet_kind;

static bool sheet_is_blank(void *user, const char *path)
{
    const sheet_kind *k = user;
    return sg_runsheet_state_of(k->rs, path, k->csv, NULL) == SG_RUNSHEET_BLANK;
}

/* Filled-in run sheets are never replaced; then the output rule. */
sg_status sg_cli_check_runsheets(const sg_study *s, const sg_runsheet *rs, const char *csv,
                                 const char *xlsx, bool from_study, sg_error *err)
{
    sheet_kind kinds[2] = {{rs, true}, {rs, false}};
    const char *paths[2] = {csv, xlsx};
    for (size_t i = 0; i < 2; i++) {
        size_t run = 0;
        if (sg_runsheet_state_of(rs, paths[i], kinds[i].csv, &run) == SG_RUNSHEET_FILLED)
            return sg_error_set(err, SG_ERR_IO,
                                "run sheet '%s' already holds results (run %zu is filled in): "
                                "surrogate never overwrites them; write the new sheet "
                                "elsewhere with --out NEW.csv, or move the filled sheet away",
                                paths[i], run);
    }
    /* The study's data file may be the run sheet itself (fill it in, then
     * fit): replaced only while blank, like any run sheet. */
    sg_input inputs[] = {{"study file", s->path}};
    sg_output outs[] = {{"run sheet", csv, from_study, sheet_is_blank, &kinds[0]},
                        {"run sheet", xlsx, from_study, sheet_is_blank, &kinds[1]}};
    const char *roots[] = {".", s->dir};
    for (size_t i = 0; i < 2; i++)
        sg_outputs_clean_stale(outs[i].path);
    sg_outputs_plan plan = {inputs, 1, outs, 2, roots, 2};
    return sg_outputs_check(&plan, err);
}

static int doe_main(const sg_cli_args *a)
{
    sg_cli_ctx ctx;
    sg_error err;
    sg_error_clear(&err);
    sg_design_spec spec;
    const char *dname = sg_cli_opt(a, "--design");
    if (sg_design_parse(dname ? dname : "auto", &spec, &err) != SG_OK)
        return sg_cli_usage_error(a->cmd, "--design: %s", err.msg);
    long seed_opt = -1;
    int code = sg_cli_opt_long(a, "--seed", -1, 0, 2147483647L, &seed_opt);
    if (code != SG_EXIT_OK)
        return code;
    const char *out_opt = sg_cli_opt(a, "--out");
    if (out_opt && !out_opt[0])
        return sg_cli_usage_error(a->cmd, "--out needs a file name");
    if ((code = sg_cli_ctx_init(&ctx, a)) != SG_EXIT_OK)
        return code;

    char *csv = NULL, *xlsx = NULL;
    double *levels = NULL;
    sg_design *d = NULL;
    sg_design_factor df[SG_STUDY_MAX_FACTORS];
    sg_runsheet_column fc[SG_STUDY_MAX_FACTORS], rc[SG_STUDY_MAX_RESPONSES];
    if (sg_study_load(a->study_path, &ctx.study, &err) != SG_OK) {
        code = sg_cli_fail(&ctx, &err);
        goto done;
    }
    const sg_study *s = ctx.study;
    unsigned long seed = seed_opt >= 0 ? (unsigned long)seed_opt : (unsigned long)s->seed;
    levels = malloc(s->n_factors * SG_STUDY_MAX_LEVELS * sizeof *levels);
    csv = out_opt ? sg_str_dup(out_opt) : default_out(s);
    xlsx = csv ? sg_cli_xlsx_beside(csv) : NULL;
    if (!levels || !csv || !xlsx) {
        sg_error_set(&err, SG_ERR_NOMEM, "out of memory");
        code = sg_cli_fail(&ctx, &err);
        goto done;
    }
    for (size_t j = 0; j < s->n_factors; j++) {
        const sg_factor *f = &s->factors[j];
        double *lv = levels + j * SG_STUDY_MAX_LEVELS;
        if (f->n_levels) {
            memcpy(lv, f->levels, f->n_levels * sizeof *lv);
            qsort(lv, f->n_levels, sizeof *lv, cmp_double); /* design.h wants them ascending */
        }
        df[j] = (sg_design_factor){.name = f->name, .min = f->min, .max = f->max,
                                   .levels = f->n_levels ? lv : NULL,
                                   .n_levels = (int)f->n_levels, .step = f->step,
                                   .categorical = f->categorical,
                                   .log_scale = f->scale == SG_FACTOR_SCALE_LOG};
        fc[j] = (sg_runsheet_column){.name = f->name, .column = f->column, .unit = f->unit,
                                     .labels = f->labels, .n_labels = f->categorical ? f->n_levels : 0};
    }
    for (size_t j = 0; j < s->n_responses; j++)
        rc[j] = (sg_runsheet_column){.name = s->responses[j].name,
                                     .column = s->responses[j].column,
                                     .unit = s->responses[j].unit};
    sg_design_options opt = sg_design_options_default();
    opt.seed = seed;
    if (sg_design_check_factors(df, s->n_factors, &err) != SG_OK ||
        sg_design_generate(&spec, df, s->n_factors, &opt, &d, &err) != SG_OK) {
        sg_error_prefix(&err, s->path);
        code = sg_cli_fail(&ctx, &err);
        goto done;
    }
    sg_runsheet rs = {.title = s->title, .design_name = d->name, .n_runs = d->n_runs,
                      .n_factors = d->n_factors, .n_responses = s->n_responses, .x = d->x,
                      .factors = fc, .responses = rc};
    if (sg_runsheet_check(&rs, &err) != SG_OK) {
        sg_error_prefix(&err, s->path);
        code = sg_cli_fail(&ctx, &err);
        goto done;
    }
    if (sg_cli_check_runsheets(s, &rs, csv, xlsx, !out_opt, &err) != SG_OK ||
        sg_runsheet_write_csv(&rs, csv, &err) != SG_OK) {
        code = sg_cli_fail(&ctx, &err);
        goto done;
    }
    if (sg_runsheet_write_xlsx(&rs, xlsx, &err) != SG_OK) {
        unlink(csv); /* both sheets or neither */
        code = sg_cli_fail(&ctx, &err);
        goto done;
    }
    cJSON *o = NULL;
    if (sg_runsheet_to_json(&rs, d, seed, csv, xlsx, &o, &err) != SG_OK) {
        code = sg_cli_fail(&ctx, &err);
        goto done;
    }
    char notes[SG_STUDY_MAX_FACTORS][DOE_NOTE_MAX];
    cJSON *jn = cJSON_AddArrayToObject(o, "notes");
    for (size_t j = 0; j < s->n_factors; j++) {
        decades_note(s, d, df, j, notes[j]);
        if (notes[j][0] && jn)
            cJSON_AddItemToArray(jn, cJSON_CreateString(notes[j]));
    }
    if ((code = sg_cli_json_put(&ctx, NULL, "doe", o)) != SG_EXIT_OK)
        goto done;
    if (!a->json) {
        doe_text(s, d, seed, csv, xlsx);
        for (size_t j = 0; j < s->n_factors; j++)
            if (notes[j][0])
                printf("NOTE: %s\n", notes[j]);
    }
done:
    sg_design_destroy(d);
    free(levels);
    free(csv);
    free(xlsx);
    return sg_cli_finish(&ctx, code);
}

const sg_cli_command sg_cmd_doe = {
    .name = "doe",
    .summary = "plan the simulations: write an orthogonal-array, LHS, Sobol or response-surface run sheet",
    .description =
        "Builds a design from the study's factors (levels, bounds, step) and writes the\n"
        "run sheet as CSV (run column, factor columns under their data column names,\n"
        "empty response columns) and as XLSX beside it (same name, .xlsx).  Once the\n"
        "responses are filled in, the CSV is the study's data file.  Designs: 'auto'\n"
        "(the smallest orthogonal array holding every factor's levels, keeping the\n"
        "interaction of the first two factors free when it can; a Latin hypercube of\n"
        "10 runs per factor when a factor has no levels), an array by name (L4, L8, L9,\n"
        "L12, L16, L18, L25, L27, L32, L36, L49, L64, L81), 'lhs:N', 'sobol:N', 'full',\n"
        "and the response-surface designs 'ccd' (central composite, rotatable inside\n"
        "the bounds: axial runs at min and max, the cube inside), 'ccd:face'\n"
        "(face-centred: three levels, min, centre, max), 'bbd' (Box-Behnken, 3 to 5\n"
        "factors) and the screening design '2level' (a two-level factorial at min and\n"
        "max, the half fraction from 5 factors), each with one centre run (a simulation\n"
        "repeated gives the same result; on '2level' it tests curvature), and 'axial'\n"
        "(the 2k runs that turn a 2level design into a ccd:face, to append when its\n"
        "centre shows curvature).  Only the study file is read; the data file need not\n"
        "exist, nor [data] (the run sheet then goes to the report directory).",
    .options = doe_options,
    .n_options = sizeof doe_options / sizeof doe_options[0],
    .handler = doe_main,
    .needs_study = true,
};
