/* cmd_optimize.c — `surrogate optimize`: the best process settings on the
 * surrogate model, and how sure we are; also the `optimize` stage of
 * `surrogate run`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "optim/decide.h"
#include "core/hash.h"
#include "core/num.h"
#include "optim/saved.h"

static const sg_cli_option optimize_options[] = {
    {"--model", 'm', "PATH", "[model] file, else <report dir>/<study>.model.json",
     "model file to use (with --fit: where to write the refitted model)"},
    {"--fit", 0, NULL, "off", "fit the model first (also when the saved one is stale)"},
    {"--no-cv", 0, NULL, "off", "with --fit: skip cross-validation"},
};

/* ---- progress over starts ------------------------------------------------ */

static void on_progress(void *user, size_t done, size_t total)
{
    sg_progress *p = user;
    char detail[64];
    snprintf(detail, sizeof detail, "start %zu of %zu", done, total);
    sg_progress_update(p, done, detail);
}

/* ---- model: from the fit stage, or the model file (never a stale one) ---- */

int sg_cli_study_model(sg_cli_ctx *ctx, const char **source, const char **path, int *current)
{
    sg_error err;
    sg_error_clear(&err);
    *current = 1;
    if (ctx->model) { /* fitted in this run */
        *source = "fit";
        *path = ctx->model_path;
        return SG_EXIT_OK;
    }
    if (sg_cli_opt(ctx->args, "--fit")) {
        int code = sg_stage_fit(ctx);
        if (code != SG_EXIT_OK)
            return code;
        if (!ctx->args->json && !ctx->summary)
            printf("\n");
        *source = "fit";
        *path = ctx->model_path;
        return SG_EXIT_OK;
    }
    sg_study_model_destroy(&ctx->fit_settings); /* the preflight may have loaded it */
    if (sg_study_model_load(ctx->study, &ctx->fit_settings, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    *path = sg_cli_opt(ctx->args, "--model");
    if (!*path)
        *path = ctx->fit_settings.model_path;
    *source = "file";
    sg_saved *saved = NULL;
    if (sg_saved_open_study(*path, ctx->study, ctx->table, &ctx->fit_settings, &saved, &err) !=
        SG_OK) {
        if (err.status == SG_ERR_IO) {
            sg_error e2;
            sg_error_set(&e2, SG_ERR_IO,
                         "%s\n  no usable model: fit one first with 'surrogate fit %s' "
                         "(or pass --fit)",
                         err.msg, ctx->args->study_path);
            return sg_cli_fail(ctx, &e2);
        }
        return sg_cli_fail(ctx, &err);
    }
    if (!sg_saved_model_current(saved)) {
        sg_error_set(&err, SG_ERR_INVALID,
                     "%s.\n  Refusing to optimise on it: refit with "
                     "'surrogate fit %s' or run 'surrogate optimize --fit %s'",
                     saved->message, ctx->args->study_path, ctx->args->study_path);
        sg_saved_destroy(saved);
        return sg_cli_fail(ctx, &err);
    }
    ctx->own_model = saved->model;
    saved->model = NULL;
    ctx->results = saved->results;
    saved->results = NULL;
    if (saved->verdict != SG_SAVED_CURRENT) {
        snprintf(ctx->results_note, sizeof ctx->results_note, "%s", saved->message);
        sg_cli_note(ctx, "saved fit results not used: %s", saved->message);
    } else if (sg_results_restore_histories(ctx->results, ctx->own_model, &err) != SG_OK) {
        sg_cli_note(ctx, "%s: loss histories not restored: %s", saved->results_path, err.msg);
    }
    sg_saved_destroy(saved);
    ctx->model = ctx->own_model;
    return SG_EXIT_OK;
}

/* ---- text output ------------------------------------------------------- */

static const char *unit_sp(const char *u) { return *u ? " " : ""; }

static const char *obj_unit(const sg_study *s, const sg_optimize_spec *sp)
{
    return sp->weighted ? "" : s->responses[sp->response].unit;
}

static void print_settings_row(const sg_study *s, const double *x)
{
    for (size_t f = 0; f < s->n_factors; f++) {
        char v[80];
        int w = sg_cli_col_width(s->factors[f].name);
        if (s->factors[f].categorical)
            printf(" %*.*s", w, w, sg_factor_format(&s->factors[f], x[f], 6, v, sizeof v));
        else
            sg_num_fprintf(stdout, " %*.6g", w, x[f]);
    }
    printf("\n");
}

static void print_settings_header(const sg_study *s, const char *lead)
{
    printf("%s", lead);
    for (size_t f = 0; f < s->n_factors; f++) {
        int w = sg_cli_col_width(s->factors[f].name);
        printf(" %*.*s", w, w, s->factors[f].name);
    }
    printf("\n");
}

static void print_problem(const sg_cli_ctx *ctx, const char *source, const char *path)
{
    const sg_study *s = ctx->study;
    const sg_optimize_spec *sp = ctx->optimize_spec;
    const sg_optim_result *o = ctx->optimize->opt;
    sg_optim_config cfg;
    sg_optimize_spec_config(sp, &cfg);
    printf("Optimize: %s\n", s->title);
    printf("model: %s (%s)\n\n", path ? path : "(in memory)",
           strcmp(source, "fit") == 0 ? "fitted now" : "saved; data and fit settings unchanged");
    printf("Problem\n");
    printf("  objective    %s%s%s%s\n", ctx->optimize->objective, *obj_unit(s, sp) ? " [" : "",
           obj_unit(s, sp), *obj_unit(s, sp) ? "]" : "");
    printf("  %-12s %10s %10s  %s\n", "factor", "lower", "upper", "setting");
    for (size_t f = 0; f < s->n_factors; f++) {
        char how[256];
        const sg_factor *fa = &s->factors[f];
        if (fa->categorical) {
            char v[80];
            size_t u = (size_t)snprintf(how, sizeof how, "%s", sp->has_fixed[f] ? "fixed at " : "names:");
            for (size_t l = 0; l < fa->n_levels && u < sizeof how && !sp->has_fixed[f]; l++)
                u += (size_t)snprintf(how + u, sizeof how - u, " %s", fa->labels[l]);
            if (sp->has_fixed[f])
                snprintf(how + u, sizeof how - u, "%s", sg_factor_format(fa, sp->fixed[f], 6, v, sizeof v));
            printf("  %-12s %10s %10s  %s\n", fa->name, "", "", how);
            continue;
        }
        double tested, held;
        if (sp->has_fixed[f])
            sg_num_snprintf(how, sizeof how, "fixed at %g", sp->fixed[f]);
        else if (sg_decide_held(s, ctx->table, sp, f, &tested, &held) && held == tested)
            sg_num_snprintf(how, sizeof how, "held at %g: every run has it", held);
        else if (sg_decide_held(s, ctx->table, sp, f, &tested, &held))
            sg_num_snprintf(how, sizeof how, "held at %g: every run has %g, outside the bounds",
                            held, tested);
        else if (sp->levels_only[f]) {
            size_t u = (size_t)snprintf(how, sizeof how, "levels only:");
            for (size_t l = 0; l < sp->n_levels[f] && u < sizeof how; l++)
                u += (size_t)sg_num_snprintf(how + u, sizeof how - u, " %g", sp->levels[f][l]);
        } else if (sp->step[f] > 0)
            sg_num_snprintf(how, sizeof how, "step %g from the lower bound", sp->step[f]);
        else
            snprintf(how, sizeof how, "continuous");
        sg_num_fprintf(stdout, "  %-12s %10g %10g  %s%s%s%s\n", s->factors[f].name, sp->lb[f], sp->ub[f], how,
               *s->factors[f].unit ? "  [" : "", s->factors[f].unit,
               *s->factors[f].unit ? "]" : "");
    }
    if (sp->n_cons == 0)
        printf("  constraints  none\n");
    for (size_t i = 0; i < sp->n_cons; i++)
        printf("  %-12s %s%s\n", i ? "" : "constraints", sp->cons[i].text,
               sp->risk > 0 ? " (risk-adjusted)" : "");
    printf("  global       %s%s", *o->global_alg ? o->global_alg : "none",
           !*o->global_alg                           ? ""
           : sp->global_mode == SG_OPTIM_GLOBAL_ONCE ? " (once, in start 1)"
                                                     : " (in every start)");
    if (*o->global_alg)
        sg_num_fprintf(stdout, ": at most %d evaluations, %g s", cfg.global.max_eval, cfg.global.max_time);
    sg_num_fprintf(stdout, "\n  local        %s per start: at most %d evaluations, %g s, ftol_rel %g, xtol_rel "
           "%g\n",
           o->local_alg, cfg.local.max_eval, cfg.local.max_time, cfg.local.ftol_rel,
           cfg.local.xtol_rel);
    printf("  starts       %zu (scrambled Sobol points), seed %llu, %u thread%s, NLopt %s\n",
           o->n_starts, (unsigned long long)o->seed, o->threads, o->threads == 1 ? "" : "s",
           o->nlopt_version);
}

/* The safety margin constraint i was kept with (or why there was none). */
static void print_margin(const sg_study *s, const sg_optimize_spec *sp, const sg_decide_result *r,
                         size_t i)
{
    const char *unit = s->responses[sp->cons[i].response].unit;
    if (r->con_margin[i] > 0)
        sg_num_fprintf(stdout,
                       "    kept with a safety margin of %.3g%s%s (holds with %.0f%% confidence "
                       "under the calibrated interval; [optimize] constraint_confidence)\n",
                       r->con_margin[i], *unit ? " " : "", unit, 100.0 * r->con_confidence);
    else if (sg_optimize_spec_prob_name(sp, s, sp->cons[i].response))
        printf("    on the predicted probability itself (the members' mean; their spread is "
               "shown above)\n");
    else if (sp->con_confidence > 0.5)
        printf("    no safety margin: %s has no calibrated interval (the constraint is on the "
               "predicted mean)\n", s->responses[sp->cons[i].response].name);
}

/* A pass/fail response's prediction: the probability of its second outcome. */
static bool print_probability(const sg_optimize_spec *sp, const sg_study *s, size_t j,
                              double p, double sd)
{
    const char *pn = sg_optimize_spec_prob_name(sp, s, j);
    if (!pn)
        return false;
    sg_num_fprintf(stdout, "    %-14s P(%s) = %.3g ± %.2g (members' spread)\n",
                   s->responses[j].name, pn, p, sd);
    return true;
}

static void print_predictions(const sg_optimize_spec *sp, const sg_study *s, const double *mean,
                              const double *sd)
{
    for (size_t j = 0; j < s->n_responses; j++)
        if (!print_probability(sp, s, j, mean[j], sd[j]))
            sg_num_fprintf(stdout, "    %-14s %10.6g ± %-8.3g%s%s\n", s->responses[j].name,
                           mean[j], sd[j], unit_sp(s->responses[j].unit), s->responses[j].unit);
}

static void print_run(const sg_table *t, size_t i)
{
    if (t->run_id)
        printf("run %s (data row %zu, line %d)", t->run_id[i], t->row[i], t->line[i]);
    else
        printf("data row %zu (line %d)", t->row[i], t->line[i]);
}

/* Every combination of category names searched, best first. */
static void print_choices(const sg_study *s, const sg_decide_result *r, const char *ou)
{
    if (*r->cat_note)
        printf("\nCategory factors: %s\n", r->cat_note);
    if (r->n_cat == 0)
        return;
    printf("\nCategory names compared (each optimised with the other factors free):\n");
    size_t order[SG_DECIDE_MAX_CHOICES];
    size_t n = r->n_choices;
    for (size_t c = 0; c < n; c++)
        order[c] = c;
    for (size_t a = 1; a < n; a++) /* insertion sort: feasible first, then objective */
        for (size_t b = a; b > 0; b--) {
            size_t x = order[b - 1], y = order[b];
            bool swap = r->choice_untested[y] < r->choice_untested[x] ||
                        (r->choice_untested[y] == r->choice_untested[x] &&
                         r->choice_feasible[y] > r->choice_feasible[x]) ||
                        (r->choice_untested[y] == r->choice_untested[x] &&
                         r->choice_feasible[y] == r->choice_feasible[x] &&
                         (r->sense == SG_OPTIM_MAXIMIZE ? r->choice_f[y] > r->choice_f[x]
                                                        : r->choice_f[y] < r->choice_f[x]));
            if (!swap)
                break;
            order[b - 1] = y;
            order[b] = x;
        }
    for (size_t i = 0; i < n; i++) {
        size_t c = order[i];
        printf("  ");
        for (size_t k = 0; k < r->n_cat; k++) {
            const sg_factor *f = &s->factors[r->cat_factor[k]];
            char v[80];
            printf("%s%s = %s", k ? ", " : "", f->name,
                   sg_factor_format(f, r->choice_code[c * r->n_cat + k], 6, v, sizeof v));
        }
        if (r->choice_untested[c]) {
            printf(": not searched (a name no run has: the model knows nothing of it)\n");
            continue;
        }
        sg_num_fprintf(stdout, ": objective %.6g%s%s%s%s\n", r->choice_f[c], unit_sp(ou), ou,
                       r->choice_feasible[c] ? "" : "  (no feasible setting)",
                       c == r->best_choice ? "  <- best" : "");
    }
}

/* What "mean ± spread" is for the model's type. */
static const char *mean_words(const sg_model *m)
{
    sg_model_type t = m ? sg_model_type_of(m) : SG_MODEL_MLP;
    return t == SG_MODEL_GP     ? "kriging mean ± its sd"
           : t == SG_MODEL_QUAD ? "quadratic ± the standard error of its mean"
                                : "ensemble mean ± spread";
}

static void print_answer(const sg_cli_ctx *ctx)
{
    const sg_study *s = ctx->study;
    const sg_table *t = ctx->table;
    const sg_optimize_spec *sp = ctx->optimize_spec;
    const sg_decide_result *r = ctx->optimize;
    const sg_optim_result *o = r->opt;
    const char *ou = obj_unit(s, sp);
    printf("\nAnswer: %s optimum%s\n", o->feasible ? "the" : "NO FEASIBLE",
           o->realisable.needed ? " (continuous)" : "");
    if (*r->infeasible)
        printf("  %s\n  closest point found:\n", r->infeasible);
    for (size_t f = 0; f < s->n_factors; f++) {
        const char *at = sp->has_fixed[f]             ? "  (fixed)"
                         : o->active_bound[f] < 0     ? "  (at lower bound)"
                         : o->active_bound[f] > 0     ? "  (at upper bound)"
                                                      : "";
        if (s->factors[f].categorical) {
            char v[80];
            printf("  %-14s %12s       %s\n", s->factors[f].name,
                   sg_factor_format(&s->factors[f], o->best_x[f], 6, v, sizeof v),
                   sp->has_fixed[f] ? "(fixed)" : r->n_cat ? "(best of its names)" : "");
            continue;
        }
        sg_num_fprintf(stdout, "  %-14s %12.6g%s%-6s%s\n", s->factors[f].name, o->best_x[f],
               unit_sp(s->factors[f].unit), s->factors[f].unit, at);
    }
    sg_num_fprintf(stdout, "  objective      %12.6g%s%s\n", o->best_f, unit_sp(ou), ou);
    if (r->has_interval) {
        sg_num_fprintf(stdout, "  predicted responses (%s; %.0f%% interval calibrated by "
                               "cross-validation):\n",
                       mean_words(ctx->model), 100.0 * r->level);
        for (size_t j = 0; j < s->n_responses; j++) {
            if (print_probability(sp, s, j, r->mean[j], r->sd[j]))
                continue;
            sg_num_fprintf(stdout, "    %-14s %10.6g ± %-8.3g%s%-6s", s->responses[j].name, r->mean[j], r->sd[j],
                   unit_sp(s->responses[j].unit), s->responses[j].unit);
            double lo, hi;
            sg_model_interval_bounds(s->responses[j].log_scale, r->mean[j], r->half_width[j],
                                     &lo, &hi);
            bool clipped = sg_response_clip(&s->responses[j], &lo, &hi);
            if (isfinite(r->half_width[j]))
                sg_num_fprintf(stdout, "  interval %.6g .. %.6g%s", lo, hi,
                               clipped ? " (clipped to the physical limit)" : "");
            printf("\n");
        }
    } else {
        printf("  predicted responses (%s; no calibrated interval: no cross-validation "
               "results are saved with this model, use --fit):\n",
               mean_words(ctx->model));
        print_predictions(sp, s, r->mean, r->sd);
    }
    for (size_t i = 0; i < sp->n_cons; i++) {
        if (o->best_g[i] > SG_OPTIM_DEFAULT_FEAS_TOL)
            sg_num_fprintf(stdout, "  constraint %-24s VIOLATED by %.4g\n", sp->cons[i].text, o->best_g[i]);
        else
            printf("  constraint %-24s satisfied, %s\n", sp->cons[i].text,
                   o->active_con[i] ? "active (limits the optimum)" : "inactive");
        print_margin(s, sp, r, i);
    }
    if (t && t->n_rows) {
        printf("  nearest tested run: ");
        print_run(t, r->nearest_row);
        sg_num_fprintf(stdout, ", distance %.3g (factor ranges scaled to 0..1; tested runs lie up to %.3g from "
               "their nearest neighbour)\n",
               r->nearest_dist, r->design_spacing);
        if (*r->warning)
            printf("  WARNING: %s\n", r->warning);
    }
    printf("\nComparison\n");
    if (r->has_best_row) {
        if (r->best_row_reps > 1) { /* replicates: their mean */
            char label[128];
            sg_decide_best_label(r, t, label, sizeof label);
            sg_num_fprintf(stdout,
                           "  best tested setting: %s: mean measured %.6g%s%s, model %.6g\n",
                           label, r->best_row_value, unit_sp(ou), ou, r->best_row_pred);
        } else {
            printf("  best tested run:     ");
            print_run(t, r->best_row);
            sg_num_fprintf(stdout, ": measured %.6g%s%s, model %.6g\n", r->best_row_value,
                           unit_sp(ou), ou, r->best_row_pred);
        }
        print_settings_header(s, "                      ");
        printf("                      ");
        print_settings_row(s, t->x + r->best_row * t->n_cols);
        double gain = sp->sense == SG_OPTIM_MAXIMIZE ? o->best_f - r->best_row_value
                                                     : r->best_row_value - o->best_f;
        sg_num_fprintf(stdout, "  predicted improvement over the best tested run: %.4g%s%s\n", gain,
               unit_sp(ou), ou);
        if (!sp->weighted && fabs(gain) <= r->sd[sp->response])
            sg_num_fprintf(stdout, "    (within the ensemble spread %.3g: the model cannot tell the optimum "
                   "from the best tested run)\n",
                   r->sd[sp->response]);
    }
    if (r->has_taguchi) {
        sg_num_fprintf(stdout, "  main-effects best levels (Taguchi): additive prediction %.6g%s%s, model %.6g\n",
               r->taguchi_additive, unit_sp(ou), ou, r->taguchi_pred);
        printf("                      ");
        print_settings_row(s, r->taguchi_x);
    } else {
        printf("  main-effects best levels: not available (%s)\n", r->taguchi_na);
    }
    const sg_optim_realisable *rl = &o->realisable;
    if (rl->needed) {
        printf("\nRealisable optimum (steps and levels respected; %s, %zu points evaluated)\n",
               rl->enumerated_grid ? "whole grid searched" : "neighbouring grid points searched",
               rl->n_evaluated);
        if (!rl->found && !rl->closest) {
            printf("  no realisable setting satisfies the constraints\n");
        } else {
            if (rl->closest)
                printf("  none satisfies the constraints (nor does the continuous optimum); the "
                       "closest:\n");
            for (size_t f = 0; f < s->n_factors; f++) {
                char v[80];
                if (s->factors[f].categorical)
                    printf("  %-14s %12s\n", s->factors[f].name,
                           sg_factor_format(&s->factors[f], rl->x[f], 6, v, sizeof v));
                else
                    sg_num_fprintf(stdout, "  %-14s %12.6g%s%s\n", s->factors[f].name, rl->x[f],
                                   unit_sp(s->factors[f].unit), s->factors[f].unit);
            }
            sg_num_fprintf(stdout, "  objective      %12.6g%s%s  (loss from snapping: %.4g)\n", rl->f, unit_sp(ou),
                   ou, rl->loss);
            print_predictions(sp, s, r->r_mean, r->r_sd);
        }
    }
}

static void print_stats(const sg_cli_ctx *ctx)
{
    const sg_study *s = ctx->study;
    const sg_optim_result *o = ctx->optimize->opt;
    const sg_optim_stats *st = &o->stats;
    printf("\nStatistics over %zu starts (final objective of the %zu feasible ones)\n",
           o->n_starts, st->n);
    if (st->n) {
        sg_num_fprintf(stdout, "  best %.6g  worst %.6g  mean %.6g  sd %.3g\n", st->best, st->worst, st->mean,
               st->sd);
        sg_num_fprintf(stdout, "  median %.6g  quartiles %.6g .. %.6g\n", st->median, st->q1, st->q3);
        sg_num_fprintf(stdout, "  starts reaching the best: %zu of %zu (%.0f%%)\n", st->n_reach_best, o->n_starts,
               100.0 * st->frac_reach_best);
    }
    printf("  distinct optima: %zu\n", o->n_clusters);
    print_settings_header(s, "     #  starts    objective");
    for (size_t k = 0; k < o->n_clusters; k++) {
        sg_num_fprintf(stdout, "  %4zu  %6zu %12.6g", k + 1, o->clusters[k].count, o->clusters[k].f);
        print_settings_row(s, o->clusters[k].x);
    }
    size_t stops[8] = {0};
    const char *names[8] = {0};
    size_t n_names = 0;
    for (size_t i = 0; i < o->n_starts; i++) {
        size_t k = 0;
        while (k < n_names && strcmp(names[k], o->starts[i].stop_reason) != 0)
            k++;
        if (k == n_names && n_names < 8)
            names[n_names++] = o->starts[i].stop_reason;
        if (k < 8)
            stops[k]++;
    }
    printf("  stop reasons:");
    for (size_t k = 0; k < n_names; k++)
        printf("%s %s x%zu", k ? "," : "", names[k], stops[k]);
    sg_num_fprintf(stdout, "\n  %ld model evaluations in %.3f s\n", o->total_evals, o->seconds);
}

/* ---- the stage ---------------------------------------------------------- */

int sg_stage_optimize(sg_cli_ctx *ctx)
{
    sg_error err;
    sg_error_clear(&err);
    /* Settings first: bad input is an error before any work. */
    if (sg_optimize_spec_load(ctx->study, &ctx->optimize_spec, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    const char *source = NULL, *path = NULL;
    int current = 1;
    int code = sg_cli_study_model(ctx, &source, &path, &current);
    if (code != SG_EXIT_OK)
        return code;
    /* a class response's prediction becomes the probability the decision
     * is about */
    if (sg_optimize_spec_focus_model(ctx->optimize_spec, ctx->model, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    /* The CV calibration: from this run's fit, else from the results saved
     * beside a model loaded from file (when they belong to it). */
    const sg_cv_result *cv = ctx->fit ? ctx->fit->cv : sg_cli_saved_cv(ctx);
    sg_progress bar;
    sg_progress_begin(&bar, ctx->args, "optimizing", ctx->optimize_spec->starts);
    sg_decide_options opt = {.progress = on_progress, .progress_user = &bar,
                             .exec = ctx->args->exec};
    double half[SG_STUDY_MAX_RESPONSES];
    if (cv && cv->n_out == ctx->study->n_responses) {
        for (size_t j = 0; j < ctx->study->n_responses; j++)
            half[j] = cv->resp[j].half_width;
        opt.half_width = half;
        opt.level = cv->resp[0].level;
    }
    sg_status st = sg_decide_run(ctx->study, ctx->table, ctx->optimize_spec, ctx->model, &opt,
                                 &ctx->optimize, &err);
    sg_progress_end(&bar);
    if (st != SG_OK)
        return sg_cli_fail(ctx, &err);
    sg_decide_model_ref ref = {source, path, ctx->model, current != 0};
    cJSON *o = NULL;
    if (sg_decide_to_json(ctx->optimize, ctx->study, ctx->table, ctx->optimize_spec, &ref, &o,
                          &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    if ((code = sg_cli_json_put(ctx, NULL, "optimize", o)) != SG_EXIT_OK)
        return code;
    if (!ctx->args->json && !ctx->summary) {
        print_problem(ctx, source, path);
        print_answer(ctx);
        print_choices(ctx->study, ctx->optimize, obj_unit(ctx->study, ctx->optimize_spec));
        print_stats(ctx);
    }
    return SG_EXIT_OK;
}

static int optimize_main(const sg_cli_args *a)
{
    static const sg_stage_fn stages[] = {sg_stage_optimize, sg_stage_report};
    return sg_cli_run_stages(a, true, stages, 2);
}

const sg_cli_command sg_cmd_optimize = {
    .name = "optimize",
    .summary = "find the best process settings on the fitted surrogate ([optimize])",
    .description =
        "Optimises the study's [optimize] objective on the saved model: a multistart\n"
        "global + local NLopt search inside the bounds, respecting constraints, fixed\n"
        "factors and realisable steps/levels.  Prints the best settings in engineering\n"
        "units, the predicted responses with their ensemble spread, active bounds and\n"
        "constraints, the nearest tested run (with an extrapolation warning), a\n"
        "comparison with the best tested run and the main-effects best levels, the\n"
        "realisable optimum and statistics over the starts.  Refuses a model fitted on\n"
        "other data or fit settings unless --fit is given (then refits first).  Saves\n"
        "the optimum with the results beside the model and writes the Excel report at\n"
        "[report] file, every sheet (validation figures from the saved fit results).",
    .options = optimize_options,
    .n_options = sizeof optimize_options / sizeof optimize_options[0],
    .handler = optimize_main,
    .needs_study = true,
};
