/* cmd_report.c — the Excel workbook: the `report` stage of fit, optimize and
 * run, and `surrogate report`, which rewrites the workbook from the saved
 * model and results without refitting. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "optim/decide.h"
#include "optim/recommend.h"
#include "report/report.h"
#include "model/results.h"
#include "core/hash.h"
#include "core/num.h"
#include "core/version.h"
#include "optim/saved.h"

/* Longest warning the CLI adds to the library's list. */
#define REPORT_NOTE_MAX 768
#define REPORT_MAX_CLI_WARNINGS 6

static const sg_cli_option report_options[] = {
    {"--model", 'm', "PATH", "[model] file, else <report dir>/<study>.model.json",
     "the saved model (its results file sits beside it)"},
};

/* ---- small helpers ---------------------------------------------------------------- */

/* SOURCE_DATE_EPOCH (whole seconds since 1970 UTC) if set and valid, else -1. */
static long long source_date_epoch(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end = NULL;
        long long v = strtoll(sde, &end, 10);
        if (end && *end == '\0' && v >= 0)
            return v;
    }
    return -1;
}

/* UTC date, ISO 8601; SOURCE_DATE_EPOCH (seconds) overrides the clock. */
static void date_string(char *buf, size_t cap)
{
    long long sde = source_date_epoch();
    time_t t = sde >= 0 ? (time_t)sde : time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, cap, "unknown");
}

/* The model file path of this command: the fit stage's, --model, or the
 * study's [model] file (loading the [model]/[train] settings if needed). */
static const char *model_path_of(sg_cli_ctx *ctx, sg_error *err)
{
    if (ctx->model_path)
        return ctx->model_path;
    const char *p = sg_cli_opt(ctx->args, "--model");
    if (p)
        return p;
    if (!ctx->fit_settings.model_path &&
        sg_study_model_load(ctx->study, &ctx->fit_settings, err) != SG_OK)
        return NULL;
    return ctx->fit_settings.model_path;
}

int sg_stage_report_check(sg_cli_ctx *ctx)
{
    sg_error err;
    sg_error_clear(&err);
    /* Settings first (bad input is exit 1), then the target (exit 3): the
     * sections are validated again by their stages. */
    const char *cmd = ctx->args->cmd->name;
    bool fit = strcmp(cmd, "run") == 0 || strcmp(cmd, "fit") == 0 ||
               strcmp(cmd, "optimize") == 0 || strcmp(cmd, "report") == 0;
    bool opt = strcmp(cmd, "run") == 0 || strcmp(cmd, "optimize") == 0;
    if (strcmp(cmd, "run") == 0 || strcmp(cmd, "report") == 0) {
        sg_analysis_config cfg;
        if (sg_study_analysis_config_load(ctx->study, &cfg, &err) != SG_OK)
            return sg_cli_fail(ctx, &err);
    }
    if (fit) {
        sg_study_model m;
        memset(&m, 0, sizeof m);
        sg_status st = sg_study_model_load(ctx->study, &m, &err);
        sg_study_model_destroy(&m);
        if (st != SG_OK)
            return sg_cli_fail(ctx, &err);
    }
    if (opt) {
        sg_optimize_spec *spec = NULL;
        sg_status st = sg_optimize_spec_load(ctx->study, &spec, &err);
        sg_optimize_spec_destroy(spec);
        if (st != SG_OK)
            return sg_cli_fail(ctx, &err);
    }
    const char *mp = fit ? model_path_of(ctx, &err) : NULL;
    if (fit && !mp)
        return sg_cli_fail(ctx, &err);
    bool writes_model = strcmp(cmd, "run") == 0 || strcmp(cmd, "fit") == 0 ||
                        (strcmp(cmd, "optimize") == 0 && sg_cli_opt(ctx->args, "--fit"));
    return sg_cli_check_outputs(ctx, mp, writes_model, !sg_cli_opt(ctx->args, "--model"));
}

/* ---- results beside the model --------------------------------------------------- */

/* The cross-validation of the saved results that belong to the model in use
 * (loaded with it by the optimize stage), else NULL. */
const sg_cv_result *sg_cli_saved_cv(sg_cli_ctx *ctx)
{
    return ctx->results ? ctx->results->cv : NULL;
}

/* Why no cross-validation could be run ("" when one ran or was skipped):
 * this command's fit, else the saved results'. */
static const char *cv_not_possible(const sg_cli_ctx *ctx)
{
    return ctx->fit ? ctx->fit->cv_not_possible
           : ctx->results ? ctx->results->cv_not_possible : "";
}

/* Build ctx->results from this command's stages and save it beside the model;
 * *saved tells whether a file was written (not when there are no fit results
 * to tie it to: a model loaded from file whose results were not usable). */
static int save_results(sg_cli_ctx *ctx, const char *results_path, bool *saved)
{
    *saved = false;
    sg_error err;
    sg_error_clear(&err);
    const size_t n_out = ctx->study->n_responses;
    const sg_metrics *train = ctx->fit ? ctx->fit->train : ctx->results ? ctx->results->train : NULL;
    const sg_cv_result *cv = ctx->fit ? ctx->fit->cv : ctx->results ? ctx->results->cv : NULL;
    if (!train)
        return SG_EXIT_OK; /* nothing to tie the results to */
    sg_results *r = sg_results_create(n_out);
    if (!r)
        goto nomem;
    snprintf(r->data_hash, sizeof r->data_hash, "%s", sg_model_data_hash(ctx->model));
    snprintf(r->settings_hash, sizeof r->settings_hash, "%s", sg_model_study_hash(ctx->model));
    memcpy(r->train, train, n_out * sizeof *r->train);
    if (cv && !(r->cv = sg_results_cv_copy(cv)))
        goto nomem;
    snprintf(r->cv_not_possible, sizeof r->cv_not_possible, "%s", cv_not_possible(ctx));
    if (sg_results_take_histories(r, ctx->model, &err) != SG_OK) {
        sg_results_destroy(r);
        return sg_cli_fail(ctx, &err);
    }
    if (ctx->optimize) {
        const sg_optim_result *o = ctx->optimize->opt;
        if (sg_results_set_optim(r, o->d, o->best_f, o->best_x, o->realisable.found,
                                 o->realisable.f, o->realisable.x, &err) != SG_OK) {
            sg_results_destroy(r);
            return sg_cli_fail(ctx, &err);
        }
    }
    if (ctx->args->writer && sg_results_save(r, results_path, &err) != SG_OK) {
        sg_results_destroy(r);
        return sg_cli_fail(ctx, &err);
    }
    sg_results_destroy(ctx->results);
    ctx->results = r;
    *saved = true;
    return SG_EXIT_OK;
nomem:
    sg_results_destroy(r);
    sg_error_set(&err, SG_ERR_NOMEM, "out of memory saving the results");
    return sg_cli_fail(ctx, &err);
}

int sg_cli_save_results(sg_cli_ctx *ctx)
{
    sg_error err;
    sg_error_clear(&err);
    const char *mp = model_path_of(ctx, &err);
    if (!mp)
        return sg_cli_fail(ctx, &err);
    char *rp = sg_results_path_for_model(mp);
    if (!rp) {
        sg_error_set(&err, SG_ERR_NOMEM, "out of memory");
        return sg_cli_fail(ctx, &err);
    }
    bool saved = false;
    int code = save_results(ctx, rp, &saved);
    free(rp);
    return code;
}

/* ---- filling the report input --------------------------------------------------- */

typedef struct report_buf {
    sg_report_factor f[SG_STUDY_MAX_FACTORS];
    sg_report_response r[SG_STUDY_MAX_RESPONSES];
    char hash[32], date[32], versions[512];
    const char *con_names[SG_OPTSPEC_MAX_CONS];
    char set_val[12][96];
    const char *set_names[12], *set_vals[12];
    char cli_warn[REPORT_MAX_CLI_WARNINGS][REPORT_NOTE_MAX];
    sg_report_warnings lib;
    const char **warnings;
} report_buf;

/* The Summary's warning for settings run more than once whose responses
 * differ: how many settings, and each response's scatter (the pure error
 * cross-validation measured, also in saved results).  Replicates of a test
 * are noise; repeated simulations should agree.  False (buf untouched) when
 * there are none. */
static bool duplicates_warning(const sg_cli_ctx *ctx, const sg_cv_result *cv, char *buf,
                               size_t cap)
{
    size_t settings = 0, len = 0;
    char scatter[REPORT_NOTE_MAX / 2] = "";
    for (size_t j = 0; cv && j < cv->n_out && j < ctx->study->n_responses; j++) {
        const sg_cv_response *R = &cv->resp[j];
        if (!(R->replicate_sd > 0) || len >= sizeof scatter)
            continue;
        settings = R->replicate_settings > settings ? R->replicate_settings : settings;
        const sg_response *rs = &ctx->study->responses[j];
        int w = R->log_interval
                    ? sg_num_snprintf(scatter + len, sizeof scatter - len, "%s%s: %.2g%%",
                                      len ? "; " : "", rs->name,
                                      100.0 * (pow(10.0, R->replicate_sd) - 1.0))
                    : sg_num_snprintf(scatter + len, sizeof scatter - len, "%s%s: sd %.3g %s",
                                      len ? "; " : "", rs->name, R->replicate_sd, rs->unit);
        len = w < 0 ? sizeof scatter : len + (size_t)w;
    }
    if (!settings && !(ctx->fit && ctx->fit->n_dups))
        return false;
    if (settings)
        sg_num_snprintf(buf, cap,
                        "%zu setting%s run more than once give%s different responses (%s): "
                        "noise no model can predict, or, for repeated simulations that should "
                        "agree, runs to check (see 'surrogate fit')",
                        settings, settings == 1 ? "" : "s", settings == 1 ? "s" : "", scatter);
    else
        sg_num_snprintf(buf, cap,
                        "runs at the same factor settings give different responses (%zu "
                        "differences from the first run of their setting; see 'surrogate fit')",
                        ctx->fit->n_dups);
    return true;
}

static void optim_settings(const sg_cli_ctx *ctx, report_buf *b, sg_report_input *in)
{
    const sg_optimize_spec *spec = ctx->optimize_spec;
    const sg_optim_result *o = ctx->optimize->opt;
    sg_optim_config cfg;
    sg_optimize_spec_config(spec, &cfg);
    size_t n = 0;
#define SET(name, ...)                                                                      \
    do {                                                                                    \
        b->set_names[n] = name;                                                             \
        snprintf(b->set_val[n], sizeof b->set_val[n], __VA_ARGS__);                         \
        b->set_vals[n] = b->set_val[n];                                                     \
        n++;                                                                                \
    } while (0)
    SET("global algorithm", "%s", o->global_alg[0] ? o->global_alg : "none");
    SET("global budget", "%d evaluations, %g s", cfg.global.max_eval, cfg.global.max_time);
    SET("local algorithm", "%s", o->local_alg);
    SET("local budget", "%d evaluations, %g s per start", cfg.local.max_eval,
        cfg.local.max_time);
    SET("local tolerances", "ftol_rel %g, xtol_rel %g", cfg.local.ftol_rel, cfg.local.xtol_rel);
    SET("starts", "%zu (scrambled Sobol points)", o->n_starts);
    SET("risk factor k", "%g (objective = mean %s k x spread)", spec->risk,
        spec->sense == SG_OPTIM_MAXIMIZE ? "-" : "+");
    SET("seed", "%llu", (unsigned long long)o->seed);
    SET("threads", "%u", o->threads);
    SET("NLopt", "%s", o->nlopt_version);
    SET("evaluations", "%ld in total", o->total_evals);
#undef SET
    in->n_optim_settings = n;
    in->optim_setting_names = b->set_names;
    in->optim_setting_values = b->set_vals;
    for (size_t i = 0; i < spec->n_cons && i < SG_OPTSPEC_MAX_CONS; i++)
        b->con_names[i] = spec->cons[i].text;
    in->optim_constraint_names = spec->n_cons ? b->con_names : NULL;
    in->optim_objective = ctx->optimize->objective;
    in->optim_objective_unit =
        spec->weighted ? NULL : ctx->study->responses[spec->response].unit;
}

/* Fill *in from everything ctx holds; b holds the storage. */
static int fill_input(sg_cli_ctx *ctx, report_buf *b, sg_report_input *in)
{
    sg_error err;
    sg_error_clear(&err);
    memset(in, 0, sizeof *in);
    sg_report_fill_study(ctx->study, b->f, b->r, in);
    char hex[17];
    sg_hash_hex(ctx->table->hash, hex);
    snprintf(b->hash, sizeof b->hash, "fnv1a64:%s", hex);
    in->data_hash = b->hash;
    date_string(b->date, sizeof b->date);
    in->date = b->date;
    in->created = source_date_epoch() > 0 ? source_date_epoch() : 0;
    sg_versions_string(b->versions, sizeof b->versions);
    in->versions = b->versions;
    in->threads = ctx->optimize ? ctx->optimize->opt->threads : ctx->fit_settings.cv.n_threads;

    in->table = ctx->table;
    if (ctx->analysis) {
        in->stats = ctx->analysis->stats;
        in->corr = ctx->analysis->corr;
        in->corr_defined = ctx->analysis->corr_defined;
        in->effects = (const sg_taguchi_result *const *)ctx->analysis->taguchi;
        in->regress = (const sg_regress *const *)ctx->analysis->regress;
        in->regress_log = ctx->analysis->regress_log;
        in->curvature = ctx->analysis->curvature;
    }
    in->model = ctx->model;
    in->train_metrics = ctx->fit ? ctx->fit->train : ctx->results ? ctx->results->train : NULL;
    in->cv = ctx->fit ? ctx->fit->cv : ctx->results ? ctx->results->cv : NULL;
    if (ctx->model)
        in->n_check = SG_REPORT_DEFAULT_CHECK_ROWS < ctx->table->n_rows
                          ? SG_REPORT_DEFAULT_CHECK_ROWS
                          : ctx->table->n_rows;
    if (ctx->optimize) {
        const sg_optim_result *o = ctx->optimize->opt;
        in->optim = o;
        optim_settings(ctx, b, in);
        if (ctx->recommend && ctx->decision) {
            in->decision = ctx->decision;
            in->sensitivity = ctx->sensitivity;
            in->recommended = ctx->recommend->x;
            in->recommended_label = ctx->recommend->kind == SG_RECOMMEND_NONE
                                        ? "best known, not a recommendation"
                                        : "recommended settings";
        } else if (o->realisable.found || o->realisable.closest) {
            in->recommended = o->realisable.x;
            in->recommended_label =
                o->realisable.found ? "realisable optimum" : "closest realisable setting";
        } else {
            in->recommended = o->best_x;
            in->recommended_label = "continuous optimum";
        }
    }

    /* warnings: the library's standard ones, then the CLI's own */
    if (sg_report_warnings_collect(in, &b->lib, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    size_t n_cli = 0;
    if (ctx->optimize && ctx->optimize->warning[0])
        snprintf(b->cli_warn[n_cli++], REPORT_NOTE_MAX, "%s", ctx->optimize->warning);
    if (ctx->optimize && ctx->optimize->infeasible[0])
        snprintf(b->cli_warn[n_cli++], REPORT_NOTE_MAX, "%s", ctx->optimize->infeasible);
    const sg_decide_result *dr = ctx->optimize;
    if (dr && dr->has_best_row && !ctx->optimize_spec->weighted && !ctx->decision) {
        /* the same test as `optimize` prints: gain within the ensemble spread */
        const sg_optimize_spec *sp = ctx->optimize_spec;
        const sg_response *resp = &ctx->study->responses[sp->response];
        double gain = sp->sense == SG_OPTIM_MAXIMIZE ? dr->opt->best_f - dr->best_row_value
                                                     : dr->best_row_value - dr->opt->best_f;
        char run[128];
        sg_decide_best_label(dr, ctx->table, run, sizeof run);
        if (fabs(gain) <= dr->sd[sp->response])
            sg_num_snprintf(b->cli_warn[n_cli++], REPORT_NOTE_MAX,
                     "The predicted improvement of the optimum over the best tested run (%s, "
                     "%.6g %s measured%s) is %.3g %s, within the ensemble spread %.3g %s: the "
                     "model cannot tell the optimum from the best tested run.",
                     run, dr->best_row_value, resp->unit,
                     dr->best_row_reps > 1 ? ", their mean" : "", gain, resp->unit,
                     dr->sd[sp->response], resp->unit);
    }
    if (duplicates_warning(ctx, in->cv, b->cli_warn[n_cli], REPORT_NOTE_MAX))
        n_cli++;
    const char *why = cv_not_possible(ctx);
    if (ctx->model && !in->cv && why[0])
        snprintf(b->cli_warn[n_cli++], REPORT_NOTE_MAX,
                 "no cross-validation results: the model's accuracy on new settings is "
                 "unknown; cross-validation %s", why);
    else if (ctx->model && !in->cv)
        snprintf(b->cli_warn[n_cli++], REPORT_NOTE_MAX,
                 "no cross-validation results: the model's accuracy on new settings is "
                 "unknown (run 'surrogate fit' without --no-cv)");
    b->warnings = calloc(b->lib.n + n_cli + 1, sizeof *b->warnings);
    if (!b->warnings) {
        sg_error_set(&err, SG_ERR_NOMEM, "out of memory collecting the warnings");
        return sg_cli_fail(ctx, &err);
    }
    size_t n = 0;
    for (size_t i = 0; i < b->lib.n; i++)
        b->warnings[n++] = b->lib.text[i];
    for (size_t i = 0; i < n_cli; i++)
        b->warnings[n++] = b->cli_warn[i];
    in->n_warnings = n;
    in->warnings = b->warnings;
    return SG_EXIT_OK;
}

static void report_buf_free(report_buf *b)
{
    sg_report_warnings_destroy(&b->lib);
    free(b->warnings);
}

/* Write the workbook from ctx; `save` also saves the results beside the model. */
static int write_report(sg_cli_ctx *ctx, bool save)
{
    sg_error err;
    sg_error_clear(&err);
    char *results_path = NULL;
    int code = SG_EXIT_OK;
    if (!ctx->analysis) { /* cheap: statistics and main effects from the data */
        sg_analysis_config cfg;
        if (sg_study_analysis_config_load(ctx->study, &cfg, &err) != SG_OK ||
            sg_study_analysis_run(ctx->study, ctx->table, &cfg, &ctx->analysis, &err) != SG_OK)
            return sg_cli_fail(ctx, &err);
    }
    if (save && ctx->model) {
        const char *mp = model_path_of(ctx, &err);
        if (!mp)
            return sg_cli_fail(ctx, &err);
        results_path = sg_results_path_for_model(mp);
        if (!results_path) {
            sg_error_set(&err, SG_ERR_NOMEM, "out of memory");
            return sg_cli_fail(ctx, &err);
        }
        bool saved = false;
        if ((code = save_results(ctx, results_path, &saved)) != SG_EXIT_OK)
            goto done;
        if (!saved) { /* say what really happened: nothing was written */
            sg_cli_note(ctx, "results not saved to %s: %s", results_path,
                        *ctx->results_note ? ctx->results_note : "no fit results to save");
            free(results_path);
            results_path = NULL;
        }
    }
    report_buf b;
    memset(&b, 0, sizeof b);
    sg_report_input in;
    if ((code = fill_input(ctx, &b, &in)) != SG_EXIT_OK) {
        report_buf_free(&b);
        goto done;
    }
    const char *path = ctx->study->report_path;
    if (ctx->args->writer && sg_report_write(&in, path, &err) != SG_OK) {
        report_buf_free(&b);
        code = sg_cli_fail(ctx, &err);
        goto done;
    }
    const char *sheets[SG_REPORT_MAX_SHEETS];
    size_t ns = sg_report_sheet_names(&in, sheets, SG_REPORT_MAX_SHEETS);
    cJSON *o = NULL;
    if (sg_report_to_json(&in, path, results_path, &o, &err) != SG_OK) {
        report_buf_free(&b);
        code = sg_cli_fail(ctx, &err);
        goto done;
    }
    if ((code = sg_cli_json_put(ctx, NULL, "report", o)) != SG_EXIT_OK) {
        report_buf_free(&b);
        goto done;
    }
    if (!ctx->args->json && !ctx->summary) {
        printf("Report written to %s\n  sheets:", path);
        for (size_t i = 0; i < ns; i++)
            printf("%s %s", i ? "," : "", sheets[i]);
        printf("\n  %zu warning%s on the Summary sheet\n", in.n_warnings,
               in.n_warnings == 1 ? "" : "s");
        if (results_path)
            printf("  results saved to %s (for 'surrogate report')\n", results_path);
    }
    report_buf_free(&b);
done:
    free(results_path);
    return code;
}

int sg_stage_report(sg_cli_ctx *ctx)
{
    return write_report(ctx, true);
}

/* ---- surrogate report: from the saved model and results -------------------------- */

static bool same_doubles(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

static int report_main(const sg_cli_args *a)
{
    sg_cli_ctx ctx;
    sg_error err;
    sg_error_clear(&err);
    int code = sg_cli_ctx_init(&ctx, a);
    if (code != SG_EXIT_OK)
        return code;
    if ((code = sg_cli_load(&ctx)) != SG_EXIT_OK || (code = sg_stage_report_check(&ctx)) != SG_EXIT_OK)
        return sg_cli_finish(&ctx, code);
    sg_study_model_destroy(&ctx.fit_settings); /* the preflight may have loaded it */
    if (sg_study_model_load(ctx.study, &ctx.fit_settings, &err) != SG_OK)
        return sg_cli_finish(&ctx, sg_cli_fail(&ctx, &err));
    const char *mp = model_path_of(&ctx, &err);
    if (!mp)
        return sg_cli_finish(&ctx, sg_cli_fail(&ctx, &err));
    char *rp = NULL;
    sg_saved *saved = NULL;
    if (sg_saved_open_study(mp, ctx.study, ctx.table, &ctx.fit_settings, &saved, &err) != SG_OK) {
        sg_error e2;
        sg_error_set(&e2, err.status,
                     "%s\n  no usable saved model: run 'surrogate fit %s' or 'surrogate run %s' "
                     "first",
                     err.msg, a->study_path, a->study_path);
        code = sg_cli_fail(&ctx, &e2);
        goto out;
    }
    ctx.own_model = ctx.model = saved->model;
    saved->model = NULL;
    ctx.results = saved->results;
    saved->results = NULL;
    rp = saved->results_path;
    saved->results_path = NULL;
    switch (saved->verdict) {
    case SG_SAVED_CURRENT:
        break;
    case SG_SAVED_NO_RESULTS:
        sg_error_set(&err, saved->results_status,
                     "%s\n  no usable saved results: run 'surrogate fit %s' or 'surrogate run %s' "
                     "first",
                     saved->message, a->study_path, a->study_path);
        break;
    case SG_SAVED_MISMATCHED:
        sg_error_set(&err, SG_ERR_INVALID,
                     "%s (stale).\n  Run 'surrogate run %s' to refresh both", saved->message,
                     a->study_path);
        break;
    default: /* the model itself is stale */
        sg_error_set(&err, SG_ERR_INVALID,
                     "%s.\n  Refusing to report it: run 'surrogate run %s' (or 'surrogate fit %s')",
                     saved->message, a->study_path, a->study_path);
        break;
    }
    sg_saved_destroy(saved);
    if (err.status != SG_OK) {
        code = sg_cli_fail(&ctx, &err);
        goto out;
    }
    if (sg_results_restore_histories(ctx.results, ctx.model, &err) != SG_OK) {
        code = sg_cli_fail(&ctx, &err);
        goto out;
    }
    if (ctx.results->has_optim) {
        /* The optimisation is deterministic (seeded, identical serial or
         * parallel): recompute it on the saved model and check that it is the
         * saved answer. */
        /* with the saved calibration, as optimize had it (constraint margins) */
        const sg_cv_result *cv = ctx.results->cv;
        double half[SG_STUDY_MAX_RESPONSES];
        sg_decide_options opt = {0};
        if (cv && cv->n_out == ctx.study->n_responses) {
            for (size_t j = 0; j < ctx.study->n_responses; j++)
                half[j] = cv->resp[j].half_width;
            opt.half_width = half;
            opt.level = cv->resp[0].level;
        }
        if (sg_optimize_spec_load(ctx.study, &ctx.optimize_spec, &err) != SG_OK ||
            sg_optimize_spec_focus_model(ctx.optimize_spec, ctx.model, &err) != SG_OK ||
            sg_decide_run(ctx.study, ctx.table, ctx.optimize_spec, ctx.model, &opt, &ctx.optimize,
                          &err) != SG_OK) {
            code = sg_cli_fail(&ctx, &err);
            goto out;
        }
        const sg_results *r = ctx.results;
        const sg_optim_result *o = ctx.optimize->opt;
        bool same = o->d == r->d && o->best_f == r->best_f && same_doubles(o->best_x, r->best_x, r->d) &&
                    (o->realisable.found != 0) == (r->realisable_found != 0) &&
                    (!r->realisable_found || (o->realisable.f == r->realisable_f &&
                                              same_doubles(o->realisable.x, r->realisable_x, r->d)));
        if (!same) {
            sg_error_set(&err, SG_ERR_INVALID,
                         "the saved optimisation in %s no longer matches the study's [optimize] "
                         "settings (stale).\n  Run 'surrogate optimize %s' (or 'surrogate run %s')",
                         rp, a->study_path, a->study_path);
            code = sg_cli_fail(&ctx, &err);
            goto out;
        }
    }
    /* the decision the Summary shows, as `run` prints it (quietly) */
    ctx.summary = true;
    if (ctx.optimize && ((code = sg_stage_sensitivity(&ctx)) != SG_EXIT_OK ||
                         (code = sg_stage_recommend(&ctx)) != SG_EXIT_OK))
        goto out;
    ctx.summary = false;
    code = write_report(&ctx, false);
out:
    free(rp);
    return sg_cli_finish(&ctx, code);
}

const sg_cli_command sg_cmd_report = {
    .name = "report",
    .summary = "rewrite the Excel report from the saved model and results (no refitting)",
    .description =
        "Rewrites the workbook at the study's [report] file from the saved model file and\n"
        "the results file beside it (<model without .json>.results.json, written by fit,\n"
        "optimize and run): statistics and main effects are recomputed from the data, the\n"
        "validation figures are read from the results file, and a saved optimisation is\n"
        "recomputed on the saved model (deterministic) and checked against the saved\n"
        "answer.  Refuses when the model or results are missing or stale (the data or\n"
        "the fit settings changed): run 'surrogate fit' or 'surrogate run' first.",
    .options = report_options,
    .n_options = sizeof report_options / sizeof report_options[0],
    .handler = report_main,
    .needs_study = true,
};
