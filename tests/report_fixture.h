/* report_fixture.h — a complete study for the report tests, run through the
 * real modules with tiny settings: the brazing L27 table (plus one failed
 * run with empty responses), statistics, main effects, a small ensemble
 * (few epochs), leave-one-out CV, and a short multistart optimisation. */
#ifndef SG_REPORT_FIXTURE_H
#define SG_REPORT_FIXTURE_H

#include <criterion/criterion.h>

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

#define FX_NF 4
#define FX_NR 3
#define FX_NC (FX_NF + FX_NR)
#define FX_DATA "data/brazing_l27.csv"
/* A failed simulation appended to the table: all responses empty. */
#define FX_FAILED_ROW "28,100,1120,30,5,,,\n"

typedef struct fixture {
    sg_report_factor factors[FX_NF];
    sg_report_response responses[FX_NR];
    sg_table *table;
    double *X, *Y;                      /* (n, FX_NF), (n, FX_NR) */
    sg_col_stats stats[FX_NC];
    double corr[FX_NC * FX_NC];
    bool corr_def[FX_NC * FX_NC];
    sg_taguchi_result *eff[FX_NR];
    sg_model *model;
    sg_metrics train[FX_NR];
    sg_cv_result *cv;
    sg_optim_result *opt;
    double recommended[FX_NF];
    const char *warnings[2];
    const char *opt_names[2], *opt_values[2];
    sg_report_input in;
} fixture;

static const char *const fx_columns[FX_NC] = {"thickness_um", "temperature_C", "hold_min",
                                              "cooling_C_per_min", "stress_max_MPa",
                                              "stress_path1_MPa", "stress_path2_MPa"};

/* Per-thread context of the fixture's optimisation: the shared model and
 * this thread's workspace. */
typedef struct fx_eval {
    const sg_model *m;
    sg_model_work *w;
} fx_eval;

static void *fx_eval_create(void *model)
{
    fx_eval *e = calloc(1, sizeof *e);
    if (e && sg_model_work_create(model, &e->w, NULL) != SG_OK) {
        free(e);
        return NULL;
    }
    if (e)
        e->m = model;
    return e;
}

static void fx_eval_destroy(void *ctx)
{
    fx_eval *e = ctx;
    if (e)
        sg_model_work_destroy(e->w);
    free(e);
}

static double fx_objective(void *ctx, const double *x, double *grad)
{
    double mean[FX_NR];
    fx_eval *e = ctx;
    if (grad)
        sg_model_gradient(e->m, e->w, x, 0, mean, grad);
    else
        sg_model_predict(e->m, e->w, x, mean, NULL);
    return mean[0];
}

/* Fit a model with the given hidden activation; few epochs, small network. */
static sg_model *fx_fit(const fixture *fx, sg_activation act, sg_activation out_act,
                        size_t ensemble, bool shared)
{
    sg_model_spec spec = sg_model_spec_defaults();
    spec.output_act = out_act;
    spec.n_hidden = 2;
    spec.hidden[0] = 5;
    spec.hidden[1] = 3;
    spec.hidden_act = act;
    spec.train.epochs = 25;
    spec.ensemble = ensemble;
    spec.shared = shared;
    spec.seed = 20261129u + (uint64_t)act;
    sg_model *m = NULL;
    sg_error err;
    const char *names[FX_NR] = {"stress_max", "stress_path1", "stress_path2"};
    sg_status st = sg_model_fit(&spec, FX_NF, FX_NR, fx->X, fx->Y, fx->table->n_rows, names,
                                NULL, NULL, &m, &err);
    cr_assert_eq(st, SG_OK, "fit: %s", err.msg);
    for (size_t i = 0; i < FX_NF; i++)
        cr_assert_eq(sg_model_set_factor(m, i, fx->factors[i].name, fx->factors[i].unit,
                                         fx->factors[i].min, fx->factors[i].max, &err),
                     SG_OK);
    for (size_t k = 0; k < FX_NR; k++)
        cr_assert_eq(sg_model_set_response(m, k, names[k], "MPa", &err), SG_OK);
    return m;
}

/* full = false: only table and model (the Calculator test of one activation). */
static void fixture_init(fixture *fx, bool full)
{
    memset(fx, 0, sizeof *fx);
    gsl_set_error_handler_off();
    static const char *fn[FX_NF] = {"thickness", "temperature", "hold", "cooling"};
    static const char *fu[FX_NF] = {"um", "C", "min", "C/min"};
    static const double lo[FX_NF] = {50, 1090, 20, 3}, hi[FX_NF] = {150, 1150, 40, 7};
    static const char *rn[FX_NR] = {"stress_max", "stress_path1", "stress_path2"};
    for (size_t i = 0; i < FX_NF; i++)
        fx->factors[i] = (sg_report_factor){.name = fn[i], .unit = fu[i], .min = lo[i], .max = hi[i]};
    for (size_t k = 0; k < FX_NR; k++)
        fx->responses[k] = (sg_report_response){rn[k], "MPa", k == 0 ? "minimize" : "none", 0, NULL};

    /* the table, with one failed run appended */
    FILE *fp = fopen(FX_DATA, "rb");
    cr_assert_not_null(fp, "cannot open %s (run the tests from the project root)", FX_DATA);
    char *buf = malloc(1 << 16);
    cr_assert_not_null(buf);
    size_t len = fread(buf, 1, (1 << 16) - 64, fp);
    fclose(fp);
    if (len > 0 && buf[len - 1] != '\n')
        buf[len++] = '\n';
    memcpy(buf + len, FX_FAILED_ROW, strlen(FX_FAILED_ROW));
    len += strlen(FX_FAILED_ROW);
    sg_error err;
    cr_assert_eq(sg_table_load_buffer(buf, len, FX_DATA, fx_columns, FX_NC, FX_NF, &fx->table,
                                      NULL, &err),
                 SG_OK, "%s", err.msg);
    free(buf);
    size_t n = fx->table->n_rows;
    fx->X = malloc(n * FX_NF * sizeof *fx->X);
    fx->Y = malloc(n * FX_NR * sizeof *fx->Y);
    cr_assert(fx->X && fx->Y);
    for (size_t r = 0; r < n; r++) {
        for (size_t i = 0; i < FX_NF; i++)
            fx->X[r * FX_NF + i] = sg_table_at(fx->table, r, i);
        for (size_t k = 0; k < FX_NR; k++)
            fx->Y[r * FX_NR + k] = sg_table_at(fx->table, r, FX_NF + k);
    }
    fx->in = (sg_report_input){
        .title = "FC-0208/304 brazed joint: residual stress (test)",
        .study_file = "studies/brazing.toml", .data_file = FX_DATA,
        .data_hash = "fnv1a64:0123456789abcdef", .date = "2026-11-29 01:00 UTC",
        .seed = 42, .versions = "surrogate " SG_VERSION ", libxlsxwriter " LXW_VERSION,
        .threads = 1, .n_factors = FX_NF, .factors = fx->factors,
        .n_responses = FX_NR, .responses = fx->responses,
        .table = fx->table, .n_check = SG_REPORT_DEFAULT_CHECK_ROWS};
    if (!full)
        return;

    fx->model = fx_fit(fx, SG_ACT_TANH, SG_ACT_LINEAR, 3, false);
    fx->in.model = fx->model;
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(fx->model, &w, &err), SG_OK);
    for (size_t k = 0; k < FX_NR; k++) {
        double *pred = malloc(n * FX_NR * sizeof *pred);
        cr_assert_not_null(pred);
        cr_assert_eq(sg_model_predict_batch(fx->model, w, fx->X, n, pred, NULL, &err), SG_OK);
        cr_assert_eq(sg_metrics_compute(fx->Y + k, FX_NR, pred + k, FX_NR, n, &fx->train[k],
                                        &err),
                     SG_OK);
        free(pred);
    }
    sg_model_work_destroy(w);
    fx->in.train_metrics = fx->train;

    cr_assert_eq(sg_describe_columns(fx->table->x, n, FX_NC, fx->stats, &err), SG_OK);
    cr_assert_eq(sg_describe_correlation(fx->table->x, n, FX_NC, fx->corr, fx->corr_def, &err),
                 SG_OK);
    fx->in.stats = fx->stats;
    fx->in.corr = fx->corr;
    fx->in.corr_defined = fx->corr_def;

    /* main effects: level codes from the three tested levels */
    static const double levels[FX_NF][3] = {
        {50, 100, 150}, {1090, 1120, 1150}, {20, 30, 40}, {3, 5, 7}};
    int *codes = malloc(n * FX_NF * sizeof *codes);
    cr_assert_not_null(codes);
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < FX_NF; i++) {
            codes[r * FX_NF + i] = -1;
            for (int l = 0; l < 3; l++)
                if (fx->X[r * FX_NF + i] == levels[i][l])
                    codes[r * FX_NF + i] = l;
            cr_assert_geq(codes[r * FX_NF + i], 0);
        }
    sg_taguchi_factor tf[FX_NF];
    for (size_t i = 0; i < FX_NF; i++)
        tf[i] = (sg_taguchi_factor){fn[i], fu[i], 3, levels[i], NULL};
    double *y = malloc(n * sizeof *y);
    cr_assert_not_null(y);
    for (size_t k = 0; k < FX_NR; k++) {
        for (size_t r = 0; r < n; r++)
            y[r] = fx->Y[r * FX_NR + k];
        sg_taguchi_input ti = {n, FX_NF, codes, tf, y, rn[k], "MPa",
                               k == 0 ? SG_TAGUCHI_MINIMIZE : SG_TAGUCHI_NONE, false, 0.0,
                               NULL};
        cr_assert_eq(sg_taguchi_analyze(&ti, NULL, &fx->eff[k], &err), SG_OK, "%s", err.msg);
    }
    free(y);
    free(codes);
    fx->in.effects = (const sg_taguchi_result *const *)fx->eff;

    /* leave-one-out CV of the same (tiny) spec */
    sg_cv_options co = sg_cv_options_defaults();
    co.n_threads = 1;
    cr_assert_eq(sg_cv_spec_parse("loo", &co.plan, &err), SG_OK);
    cr_assert_eq(sg_cv_run(sg_model_spec_of(fx->model), &co, FX_NF, FX_NR, fx->X, fx->Y, n,
                           NULL, NULL, NULL, &fx->cv, &err),
                 SG_OK, "%s", err.msg);
    fx->in.cv = fx->cv;

    /* a short multistart on stress_max */
    sg_optim_var vars[FX_NF];
    memset(vars, 0, sizeof vars);
    for (size_t i = 0; i < FX_NF; i++) {
        vars[i].name = fn[i];
        vars[i].lb = lo[i];
        vars[i].ub = hi[i];
    }
    vars[0].step = 5.0;
    sg_optim_problem prob = {.d = FX_NF, .vars = vars, .f = fx_objective,
                             .sense = SG_OPTIM_MINIMIZE, .has_gradient = 1,
                             .user = fx->model, .thread_ctx_create = fx_eval_create,
                             .thread_ctx_destroy = fx_eval_destroy};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.starts = 4;
    cfg.threads = 1;
    cfg.seed = 7;
    cfg.global.max_eval = 200;
    cfg.local.max_eval = 200;
    cr_assert_eq(sg_optim_run(&prob, &cfg, &fx->opt, &err), SG_OK, "%s", err.msg);
    fx->in.optim = fx->opt;
    fx->in.optim_objective = "minimize stress_max";
    fx->in.optim_objective_unit = "MPa";
    fx->opt_names[0] = "starts";
    fx->opt_values[0] = "4";
    fx->opt_names[1] = "budget per stage";
    fx->opt_values[1] = "200 evaluations";
    fx->in.n_optim_settings = 2;
    fx->in.optim_setting_names = fx->opt_names;
    fx->in.optim_setting_values = fx->opt_values;
    const double *best = fx->opt->realisable.found ? fx->opt->realisable.x : fx->opt->best_x;
    memcpy(fx->recommended, best, sizeof fx->recommended);
    fx->in.recommended = fx->recommended;
    fx->in.recommended_label = "realisable optimum";

    fx->warnings[0] = "Run 14, stress_max: observed 512.0 MPa, cross-validated prediction "
                      "499.1 ± 0.4 MPa — check this simulation.";
    fx->warnings[1] = "Run 28 was excluded: all its response cells are empty.";
    fx->in.warnings = fx->warnings;
    fx->in.n_warnings = 2;
}

static void fixture_free(fixture *fx)
{
    sg_optim_result_destroy(fx->opt);
    sg_cv_result_destroy(fx->cv);
    for (size_t k = 0; k < FX_NR; k++)
        sg_taguchi_result_destroy(fx->eff[k]);
    sg_model_destroy(fx->model);
    sg_table_destroy(fx->table);
    free(fx->X);
    free(fx->Y);
    memset(fx, 0, sizeof *fx);
}

#endif
