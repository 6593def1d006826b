/* cmd_fit.c — `surrogate fit`: train the surrogate, validate it honestly,
 * write the model file; also the `fit` stage of `surrogate run`. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/path.h"
#include "core/num.h"

/* An interval above this many ensemble spreads: the members agree far more
 * closely than they are accurate, and fit says so beside the factor. */
#define SPREAD_UNDERSTATES 10.0

static const sg_cli_option fit_options[] = {
    {"--model", 'm', "PATH", "[model] file, else <report dir>/<study>.model.json",
     "where to write the model file"},
    {"--no-cv", 0, NULL, "off", "skip cross-validation (faster; no honest accuracy figures)"},
};

/* ---- progress ------------------------------------------------------------- */

typedef struct fit_bar {
    const sg_cli_ctx *ctx;
    sg_progress train, cv;
    bool cv_started;
} fit_bar;

static void on_progress(void *user, const sg_fit_progress *p)
{
    fit_bar *b = user;
    char detail[160];
    if (p->phase == SG_FIT_PHASE_TRAIN) {
        const char *name = p->response == SG_MODEL_ALL_RESPONSES
                               ? "all responses"
                               : b->ctx->study->responses[p->response].name;
        sg_num_snprintf(detail, sizeof detail, "%s, member %zu, epoch %zu, loss %.3g", name,
                 p->member + 1, p->epoch, p->loss);
        sg_progress_update(&b->train, (size_t)(p->train_fraction * 1000.0), detail);
    } else {
        if (!b->cv_started) {
            /* a fold trains on most of the rows: about as long as the
             * training just done, folds running cv_threads at a time */
            double train_s = sg_progress_elapsed(&b->train);
            size_t at_once = p->cv_threads ? p->cv_threads : 1;
            sg_progress_end(&b->train);
            sg_progress_begin(&b->cv, b->ctx->args, "cross-validation", p->n_folds);
            b->cv.eta_hint = train_s * (double)((p->n_folds + at_once - 1) / at_once);
            b->cv_started = true;
        }
        snprintf(detail, sizeof detail, "fold %zu of %zu", p->folds_done, p->n_folds);
        sg_progress_update(&b->cv, p->folds_done, detail);
    }
}

/* ---- text output ------------------------------------------------------------ */

/* Decimals showing `sig` significant digits of a value of size `scale`
 * (errors of a response), at least 1; beyond 8 decimals -sig, meaning `sig`
 * significant digits (%g): a permeability's error of 3e-15 m2 printed as
 * 0.00000000 says nothing (sg_model_interval_text reads dec < 0 alike). */
static int decimals_for(double scale, int sig)
{
    if (!(scale > 0) || !isfinite(scale))
        return 3;
    int d = sig - 1 - (int)floor(log10(scale));
    return d < 1 ? 1 : d > 8 ? -sig : d;
}

/* v with dec decimals, or -dec significant digits when dec < 0. */
static const char *figure_text(char *buf, size_t cap, double v, int dec)
{
    if (dec < 0)
        sg_num_snprintf(buf, cap, "%.*g", -dec, v);
    else
        sg_num_snprintf(buf, cap, "%.*f", dec, v);
    return buf;
}

/* A response value as figure_text, or %.6g from 1e7 up: a typo of
 * 1e12 printed as 1000000000000.0 hides its exponent. */
static const char *value_text(char *buf, size_t cap, double v, int dec)
{
    if (fabs(v) >= 1e7)
        sg_num_snprintf(buf, cap, "%.6g", v);
    else
        figure_text(buf, cap, v, dec);
    return buf;
}

static void metrics_row(const char *label, const sg_metrics *m, bool ok, int dec)
{
    if (!ok) {
        printf("  %-22s %s\n", label, "(not available)");
        return;
    }
    char r2[32];
    if (m->r2_ok)
        sg_num_snprintf(r2, sizeof r2, "%.4f", m->r2);
    else
        snprintf(r2, sizeof r2, "n/a");
    char rmse[40], mae[40], top[40];
    printf("  %-22s %9s %12s %12s %12s\n", label, r2, figure_text(rmse, sizeof rmse, m->rmse, dec),
           figure_text(mae, sizeof mae, m->mae, dec),
           figure_text(top, sizeof top, m->max_abs, dec));
}

/* An expected RMSE anywhere in the window: in decades for a log-scale response. */
static void window_row(const char *label, double rmse, bool decades, int dec)
{
    if (decades)
        sg_num_fprintf(stdout, "  %-22s %9s %12.3g in log10 (×/÷ %.4g rms)\n", label, "", rmse,
                       pow(10.0, rmse));
    else {
        char v[40];
        printf("  %-22s %9s %12s\n", label, "", figure_text(v, sizeof v, rmse, dec));
    }
}

static void class_row(const char *label, const sg_class_metrics *m)
{
    sg_num_fprintf(stdout, "  %-22s %9.1f%% %9.1f%% %12.4f %12.4f\n", label, 100 * m->accuracy,
                   100 * m->balanced_accuracy, m->log_loss, m->brier);
}

/* A pass/fail or class response: class figures and the confusion matrix. */
static void print_outcome(const sg_response *resp, const sg_cv_response *cv, size_t n_between)
{
    bool two = resp->n_labels == 2;
    if (two)
        printf("\n%s (pass/fail: probability of \"%s\")\n", resp->name, resp->labels[1]);
    else
        printf("\n%s (one of %zu classes: the probability of each)\n", resp->name,
               resp->n_labels);
    if (!cv || !cv->binary) {
        printf("  no cross-validation: accuracy unknown\n");
        return;
    }
    printf("  %-22s %10s %10s %12s %12s\n", "", "accuracy", "balanced", "log-loss", "Brier");
    class_row("network, CV", &cv->cls);
    if (n_between)
        class_row("network, btw. levels", &cv->cls_between);
    if (cv->rsm_ok)
        class_row(two ? "logistic, CV" : "logistic 1-vs-rest, CV", &cv->cls_rsm);
    else
        printf("  note (logistic regression): %s\n", cv->rsm_reason);
    const sg_class_metrics *m = &cv->cls;
    size_t k = m->n_classes && m->n_classes <= resp->n_labels ? m->n_classes : 2;
    int w = 6;
    for (size_t c = 0; c < k; c++)
        w = (int)strlen(resp->labels[c]) > w ? (int)strlen(resp->labels[c]) : w;
    printf("  held-out confusion matrix (rows observed, columns predicted %s):\n",
           two ? "at p >= 0.5" : "as the most probable class");
    printf("    %-*s", w + 9, "");
    for (size_t c = 0; c < k; c++)
        printf("  %*s", w, resp->labels[c]);
    printf("\n");
    for (size_t o = 0; o < k; o++) {
        printf("    observed %-*s", w, resp->labels[o]);
        for (size_t c = 0; c < k; c++)
            printf("  %*zu", w, m->confusion[o][c]);
        printf("\n");
    }
    if (two)
        printf("  (balanced accuracy: the mean of each outcome's share predicted right; log-loss "
               "0.693 = a coin toss)\n");
    else
        sg_num_fprintf(stdout,
                       "  (balanced accuracy: the mean of each class's share predicted right; "
                       "log-loss %.3f = a blind guess among %zu)\n",
                       log((double)k), k);
}

static void print_run_label(const sg_table *t, size_t row, char *buf, size_t cap)
{
    sg_table_run_label(t, row, buf, cap);
}

/* One line for the runs of one setting that differ from its first run
 * (records k.. with the same first run and response): "run 1, run 2 and
 * run 3: y 57.32, 57.35, 59.17".  Returns the index after the group. */
static size_t print_duplicate_group(const sg_table *t, const sg_study *s, const sg_duplicate *d,
                                    size_t n, size_t k)
{
    size_t e = k + 1;
    while (e < n && d[e].row_a == d[k].row_a && d[e].response == d[k].response)
        e++;
    char lab[96];
    print_run_label(t, d[k].row_a, lab, sizeof lab);
    printf("  %s", lab);
    for (size_t i = k; i < e; i++) {
        print_run_label(t, d[i].row_b, lab, sizeof lab);
        printf("%s%s", i + 1 < e ? ", " : " and ", lab);
    }
    const sg_response *re = &s->responses[d[k].response];
    sg_num_fprintf(stdout, ": %s %.6g", re->name, d[k].value_a);
    for (size_t i = k; i < e; i++)
        sg_num_fprintf(stdout, ", %.6g", d[i].value_b);
    printf("%s%s\n", re->unit && re->unit[0] ? " " : "", re->unit ? re->unit : "");
    return e;
}

/* The runs of the group whose last record is outliers[k]: "run 25 to run
 * 27", or each named ("run 27, run 26 and run 25"; sg_cv_group_first). */
static void print_group_label(const sg_table *t, const sg_cv_result *cv, size_t k, char *buf,
                              size_t cap)
{
    const sg_outlier *o = &cv->outliers[k];
    bool by_range;
    size_t first = sg_cv_group_first(cv, k, &by_range);
    char a[96], b[96];
    if (by_range) {
        print_run_label(t, o->cluster_first, a, sizeof a);
        print_run_label(t, o->cluster_last, b, sizeof b);
        snprintf(buf, cap, "%s to %s", a, b);
        return;
    }
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = first; i <= k && len < cap; i++) {
        print_run_label(t, cv->outliers[i].row, a, sizeof a);
        len += (size_t)snprintf(buf + len, cap - len, "%s%s",
                                i == first ? "" : i == k ? " and " : ", ", a);
    }
}

/* The rows the fit did not use, and why: the first few, the rest by count
 * (surrogate check lists them all). */
#define EXCLUDED_SHOWN 3
static void excluded_rows(const sg_table *t)
{
    if (t->n_excluded == 0)
        return;
    printf("Data: %zu rows used, %zu excluded", t->n_rows, t->n_excluded);
    for (size_t i = 0; i < t->n_excluded && i < EXCLUDED_SHOWN; i++) {
        const sg_excluded_row *e = &t->excluded[i];
        char why[SG_TABLE_REASON_MAX];
        printf("%s %s %d", i ? ";" : ":", t->sheet ? "row" : "line", e->line);
        if (e->run_id && e->run_id[0])
            printf(" (run %s)", e->run_id);
        printf(" %s", sg_table_exclude_reason(t, e, why, sizeof why));
    }
    if (t->n_excluded > EXCLUDED_SHOWN)
        printf("; %zu more ('surrogate check' lists them)", t->n_excluded - EXCLUDED_SHOWN);
    printf("\n");
}

/* The smallest finite value of v (n), NAN when none. */
static double smallest(const double *v, size_t n)
{
    double m = NAN;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]) && !(v[i] >= m))
            m = v[i];
    return m;
}

/* Which networks kept their linear trend (model.h spec.trend), by the
 * penalty's cross-validation with and without it (model/regularize.h). */
static void trend_choice(const sg_fit_result *r, const sg_study *s)
{
    const sg_regularize_report *lc = &r->l2_choice;
    printf("  linear trend in the factors, the networks learning what it leaves (kept unless "
           "the same cross-validation is better without it; its best RMSE with, without):");
    for (size_t j = 0; j < lc->n_out; j++) {
        /* an exact response's 1e-10 is rounding, as the gate prints it */
        double range = r->cv && j < r->cv->n_out ? r->cv->resp[j].range : 0.0;
        char with[32], without[32];
        printf("%s %s %s (%s, %s)", j ? ";" : "", s->responses[j].name,
               sg_model_trend(r->model, j) ? "kept" : "none",
               sg_cv_error_text(with, sizeof with, smallest(lc->rmse[j], SG_REGULARIZE_N_GRID),
                                range),
               sg_cv_error_text(without, sizeof without,
                                smallest(lc->rmse_no_trend[j], SG_REGULARIZE_N_GRID), range));
    }
    printf("\n");
}

/* A mid-size table: which network the quick cross-validation kept, and
 * its figures (model/regularize.h). */
static void plan_choice(const sg_fit_result *r, const sg_study *s)
{
    const sg_regularize_report *lc = &r->l2_choice;
    printf("  network size: %s, by %s cross-validation (RMSE of each ensemble, from two "
           "members; with the settings for large tables, then with the default network at its "
           "best penalty):",
           lc->large_chosen ? "the settings for large tables" : "the default network",
           lc->plan);
    for (size_t j = 0; j < lc->n_out; j++)
        sg_num_fprintf(stdout, "%s %s %.4g, %.4g", j ? ";" : "", s->responses[j].name,
                       lc->rmse_large[j], lc->rmse_small[j]);
    printf("\n");
}

static void fit_text(const sg_cli_ctx *ctx, const char *path)
{
    const sg_study *s = ctx->study;
    const sg_table *t = ctx->table;
    const sg_fit_result *r = ctx->fit;
    const sg_model_spec *sp = sg_model_spec_of(r->model);
    bool gp = r->type_used == SG_MODEL_GP, autom = r->type_requested == SG_MODEL_AUTO;
    bool quad = r->type_used == SG_MODEL_QUAD;
    const sg_model_selection *sel = sg_model_selection_of(r->model);
    excluded_rows(t);
    if (autom) {
        printf("Type: auto chose %s", gp ? "kriging" : "the network");
        if (sel->gp_ok && sel->mlp_ok)
            sg_num_fprintf(stdout,
                           " (on all rows, MSE / variance by the same %d-fold CV: kriging "
                           "%.4g, network %.4g; the CV below repeats the choice in every fold)",
                           SG_MODEL_AUTO_INNER_K, sel->gp_score, sel->mlp_score);
        printf("\n");
        if (sel->note[0])
            printf("  note (type): %s\n", sel->note);
    }
    if (gp) {
        printf("Model: %zu factor%s -> %zu response%s; kriging (Gaussian process, Matérn 5/2, "
               "one length scale per factor, constant mean, nugget), one per response\n",
               r->n_in, r->n_in == 1 ? "" : "s", r->n_out, r->n_out == 1 ? "" : "s");
        printf("Parameters: %zu hyper-parameters in the model for %zu rows\n",
               r->n_params_total, r->n_rows);
    }
    bool forms_differ = false; /* the reduced or the full form, chosen per response */
    if (quad) {
        char form[400], other[400];
        sg_model_quadratic_form(r->model, 0, form, sizeof form);
        for (size_t j = 1; j < r->n_out; j++) {
            sg_model_quadratic_form(r->model, j, other, sizeof other);
            forms_differ = forms_differ || strcmp(form, other) != 0;
        }
        if (forms_differ)
            snprintf(form, sizeof form, "its form per response, below");
        printf("Model: %zu factor%s -> %zu response%s; quadratic response surface by least "
               "squares, one per response: %s\n",
               r->n_in, r->n_in == 1 ? "" : "s", r->n_out, r->n_out == 1 ? "" : "s", form);
        /* each response is its own fit: its coefficients against the rows */
        size_t most = 0, least = SIZE_MAX;
        for (size_t j = 0; j < r->n_out; j++) {
            size_t p = sg_rsm_rank(sg_model_quadratic(r->model, j));
            most = p > most ? p : most;
            least = p < least ? p : least;
        }
        printf("Parameters: %s%zu coefficients per response (%zu in the model) for %zu rows\n",
               least < most ? "up to " : "", most, r->n_params_total, r->n_rows);
    }
    bool nets = r->type_used == SG_MODEL_MLP;
    /* the model's rows: auto, kriging, quadratic or network */
    const char *mn = autom ? "auto" : gp ? "kriging" : quad ? "quadratic" : "network";
    if (nets)
        printf("Model: %zu factor%s -> %zu response%s; hidden layers", r->n_in,
               r->n_in == 1 ? "" : "s", r->n_out, r->n_out == 1 ? "" : "s");
    if (nets && !sp->n_hidden)
        printf(" none");
    for (size_t i = 0; nets && i < sp->n_hidden; i++)
        printf("%s%zu", i ? "-" : " ", sp->hidden[i]);
    if (nets) {
        printf(" (%s), %s, ensemble of %zu, optimizer %s\n", sg_activation_name(sp->hidden_act),
               sp->shared ? "one network shared by all responses" : "one network per response",
               sp->ensemble, r->optimizer);
        printf("Parameters: %zu per network member (%zu in the model) for %zu rows; ",
               r->n_params_member, r->n_params_total, r->n_rows);
        if (r->l2_choice.chosen && !r->l2_choice.large_chosen) {
            sg_num_fprintf(stdout, "weight penalty l1 = %g, l2 chosen per network by %s "
                           "cross-validation (one member):\n  ", sp->train.l1, r->l2_choice.plan);
            for (size_t j = 0; j < r->n_out; j++)
                sg_num_fprintf(stdout, "%s%s %g", j ? ", " : "", s->responses[j].name,
                               sg_model_spec_l2(sp, j));
            printf("\n");
        } else if (sp->train.l1 > 0 || sp->train.l2 > 0) {
            sg_num_fprintf(stdout, "weight penalty l1 = %g, l2 = %g\n", sp->train.l1,
                           sp->train.l2);
        } else if (sg_model_early_stopped(sp)) {
            sg_num_fprintf(stdout, "no weight penalty: early stopping on %.0f%% of the rows "
                                   "held out for validation regularises\n",
                           100 * sp->val_share);
        } else {
            printf("no weight penalty\n");
        }
        if (r->l2_choice.trend_tried)
            trend_choice(r, s);
        if (r->l2_choice.large_tried)
            plan_choice(r, s);
    }
    if (r->cv) {
        char plan[64];
        sg_cv_spec_format(&r->cv->plan, plan, sizeof plan);
        printf("Cross-validation: %s, %zu folds (every fold refits %s)\n", plan,
               r->cv->n_folds,
               autom && sel->gp_ok && sel->mlp_ok ? "both models and repeats the choice"
               : gp                               ? "the kriging hyper-parameters"
               : quad                             ? "the least-squares fit"
                                                  : "scaling and all members");
        if (r->cv->n_between)
            printf("  %s: error at tested settings; between levels: error when interpolating "
                   "between tested levels (%s, each middle level held out in turn, %zu "
                   "fold%s)\n",
                   r->cv->plan.kind == SG_CV_LOO ? "leave-one-out" : plan, r->cv->between_note,
                   r->cv->n_between_folds, r->cv->n_between_folds == 1 ? "" : "s");
        else
            printf("  between levels: not run: %s\n", r->cv->between_note);
        bool any_window = false;
        for (size_t j = 0; j < r->n_out; j++)
            any_window = any_window || r->cv->resp[j].window_ok;
        if (any_window)
            printf("  in window: expected error of a prediction anywhere inside the bounds (every "
                   "held-out error scaled by how far its point was from the runs, by kriging's "
                   "sd); the interval covers the window (doc/model.md)\n");
        printf("  kriging beside it: %s\n", r->kriging_cv);
    } else if (r->cv_not_possible[0]) {
        printf("Cross-validation: %s\n  the training figures below say nothing about "
               "predictions at new settings\n", r->cv_not_possible);
    } else {
        printf("Cross-validation: skipped (--no-cv): the training figures below are "
               "optimistic\n");
    }
    for (size_t j = 0; j < r->n_out; j++) {
        const sg_response *resp = &s->responses[j];
        const sg_cv_response *cv = r->cv ? &r->cv->resp[j] : NULL;
        if (resp->kind != SG_RESPONSE_NUMBER) {
            print_outcome(resp, cv, r->cv ? r->cv->n_between : 0);
            continue;
        }
        /* an exact model's figures (at rounding) at a ten-thousandth of the
         * range: 0.000 beside the others' 0.030, not 5.8e-12 */
        double scale = cv ? cv->net.rmse : r->train[j].rmse;
        int dec = cv && sg_cv_is_rounding(scale, cv->range) ? decimals_for(1e-4 * cv->range, 1)
                                                             : decimals_for(scale, 3);
        printf("\n%s%s%s%s\n", resp->name, resp->unit[0] ? " [" : "", resp->unit,
               resp->unit[0] ? "]" : "");
        printf("  %-22s %9s %12s %12s %12s\n", "", "R²/Q²", "RMSE", "MAE", "max error");
        const sg_fit_compare *c = r->cmp ? &r->cmp[j] : NULL;
        char row[48];
        snprintf(row, sizeof row, "%s, training", gp ? "kriging" : quad ? "quadratic" : "network");
        metrics_row(row, &r->train[j], true, dec);
        snprintf(row, sizeof row, "%s, CV", mn);
        if (cv && (autom || (c && !nets)))
            metrics_row(row, &cv->net, true, dec);
        if (c)
            metrics_row("network, CV", &c->net, c->net_ok, dec);
        if (c && (autom || !gp))
            metrics_row("kriging, CV", &c->gp, c->gp_ok, dec);
        bool btw = cv && r->cv->n_between;
        snprintf(row, sizeof row, "%s, btw. levels", mn);
        if (btw)
            metrics_row(row, &cv->between, true, dec);
        snprintf(row, sizeof row, "%s, in window", mn);
        if (cv && cv->window_ok)
            window_row(row, cv->window_rmse, cv->log_interval, dec);
        else if (cv)
            printf("  %-22s %s%s\n", "in window",
                   strncmp(cv->window_note, "not ", 4) ? "not computed: " : "", cv->window_note);
        /* the other model's, beside it: the "clearly better" note compares these */
        if (c && cv && cv->window_ok && (autom || !gp) && isfinite(c->gp_window))
            window_row("kriging, in window", c->gp_window, cv->log_interval, dec);
        if (c && cv && cv->window_ok && (autom || !nets) && isfinite(c->net_window))
            window_row("network, in window", c->net_window, cv->log_interval, dec);
        /* the baseline, unless it is the model */
        if (!quad)
            metrics_row("quadratic, training", &r->rsm_train[j], r->rsm_ok[j], dec);
        if (cv && !quad)
            metrics_row("quadratic, CV", &cv->rsm, cv->rsm_ok, dec);
        if (btw && !quad)
            metrics_row("quadratic, btw. levels", &cv->rsm_between, cv->rsm_ok, dec);
        if (r->rsm_note[j][0] && !quad)
            printf("  note (quadratic): %s\n", r->rsm_note[j]);
        if (quad) { /* the model's own form and dropped terms */
            const char **fn = calloc(r->n_in, sizeof *fn);
            char w[600];
            if (forms_differ) {
                sg_model_quadratic_form(r->model, j, w, sizeof w);
                printf("  form (quadratic): %s\n", w);
            }
            for (size_t i = 0; fn && i < r->n_in; i++)
                fn[i] = s->factors[i].name;
            sg_rsm_warning_named(sg_model_quadratic(r->model, j), fn, w, sizeof w);
            if (w[0])
                printf("  note (quadratic): %s\n", w);
            free(fn);
        }
        if (cv && !cv->rsm_ok && cv->rsm_reason[0]) /* a saturated design's folds */
            printf("  note (quadratic, CV): not available: %s\n", cv->rsm_reason);
        if (c && !c->net_ok)
            printf("  note (network): %s\n", c->net_note);
        if (c && !c->gp_ok)
            printf("  note (kriging): %s\n", c->gp_note);
        if (cv) {
            char w[64], wp[64], wb[64];
            sg_model_interval_text(cv->log_interval, cv->half_width, dec, resp->unit, w,
                                   sizeof w);
            sg_model_interval_text(cv->log_interval, cv->half_width_plan, dec, "", wp, sizeof wp);
            sg_model_interval_text(cv->log_interval, cv->half_width_between, dec, "", wb,
                                   sizeof wb);
            sg_num_fprintf(stdout, "  %.0f%% prediction interval: %s (%s%s; held-out "
                                   "coverage %.1f%%)",
                           100 * cv->level, w,
                           cv->log_interval ? "the prediction divided or multiplied by it, "
                                            : "",
                           cv->window_ok ? "anywhere in the window" : "at tested settings",
                           100 * cv->coverage);
            if (cv->spread_factor_ok)
                sg_num_fprintf(stdout, "; = %.3g × %s", cv->spread_factor,
                               gp     ? "kriging sd"
                               : quad ? "the mean's standard error"
                                      : "ensemble spread");
            /* members that agree far more closely than they are accurate */
            if (cv->spread_factor_ok && nets && cv->spread_factor > SPREAD_UNDERSTATES)
                printf(" (the spread understates the error: use the interval)");
            printf("\n");
            if (btw)
                sg_num_fprintf(stdout,
                               "    at tested settings %s, between levels %s (coverage "
                               "between levels %.1f%%)\n",
                               wp, wb, 100 * cv->coverage_between);
            if (cv->interval_note[0])
                printf("  note (interval): %s\n", cv->interval_note);
            if (cv->accuracy_note[0])
                printf("  accuracy: %s\n", cv->accuracy_note);
            if (cv->design_note[0])
                printf("  note (design): %s\n", cv->design_note);
        }
    }
    bool any = false, scale_notes = false;
    for (size_t i = 0; r->scale && i < r->n_in; i++)
        scale_notes = scale_notes || r->scale[i].note[0];
    if (r->params_exceed_rows || r->n_gates || r->n_notes || r->n_span_warnings || scale_notes) {
        printf("\n");
        any = true;
    }
    for (size_t i = 0; r->span_warning && i < r->n_in; i++)
        if (r->span_warning[i][0])
            printf("WARNING: %s\n", r->span_warning[i]);
    for (size_t i = 0; r->scale && i < r->n_in; i++)
        if (r->scale[i].note[0])
            printf("NOTE: %s\n", r->scale[i].note);
    if (r->params_exceed_rows)
        printf("WARNING: the network has %zu trainable parameters per member but there are "
               "only %zu rows, and no regularisation (l1 or l2): expect "
               "over-fitting\n",
               r->n_params_member, r->n_rows);
    for (size_t g = 0; g < r->n_gates; g++)
        printf("WARNING: %s\n", r->gates[g].message);
    for (size_t k = 0; k < r->n_notes; k++)
        printf("NOTE: %s\n", r->notes[k].message);
    if (r->cv && r->cv->n_outliers) {
        printf("\nSuspicious runs (held-out residual far from the others):\n");
        bool any_pattern = false, any_single = false;
        for (size_t k = 0; k < r->cv->n_outliers; k++) {
            const sg_outlier *o = &r->cv->outliers[k];
            const sg_response *resp = &s->responses[o->response];
            int dec = decimals_for(o->half_width, 2);
            any_single = any_single || !o->off_pattern;
            char run[96];
            print_run_label(t, o->row, run, sizeof run);
            const char *u = resp->unit, *sp1 = u[0] ? " " : "";
            char iv[64];
            if (o->log_scale) /* 3 digits of the smaller value, not of a factor */
                dec = decimals_for(fmin(fabs(o->observed), fabs(o->predicted)), 3);
            sg_model_interval_text(o->log_scale, o->half_width, dec, u, iv, sizeof iv);
            char obs[64], pred[64];
            sg_num_fprintf(stdout, "  %s, %s: observed %s%s%s, cross-validated prediction %s %s "
                   "(interval from the other runs) — check this simulation\n",
                   run, resp->name, value_text(obs, sizeof obs, o->observed, dec), sp1, u,
                   value_text(pred, sizeof pred, o->predicted, dec), iv);
            /* a group of neighbouring runs deviating together: name it once */
            bool last_of_cluster = k + 1 == r->cv->n_outliers ||
                                   r->cv->outliers[k + 1].response != o->response ||
                                   r->cv->outliers[k + 1].cluster_first != o->cluster_first;
            if (o->cluster_first != o->cluster_last && last_of_cluster && o->off_pattern) {
                char group[512], off[40];
                print_group_label(t, r->cv, k, group, sizeof group);
                sg_num_fprintf(stdout,
                               "  %s, %s: these neighbouring runs lie %s%s%s %s the "
                               "additive pattern of the factors' levels that the other runs "
                               "follow (%.0f × its robust scale) — check them as a group; "
                               "leaving one out cannot expose the others\n",
                               group, resp->name,
                               figure_text(off, sizeof off, fabs(o->z * o->scale),
                                           decimals_for(o->scale, 2)),
                               sp1, u, o->z > 0 ? "above" : "below",
                               fabs(o->z));
                any_pattern = true;
            } else if (o->cluster_first != o->cluster_last && last_of_cluster) {
                char first[96], last[96], within[40];
                print_run_label(t, o->cluster_first, first, sizeof first);
                print_run_label(t, o->cluster_last, last, sizeof last);
                sg_num_fprintf(stdout, "  %s to %s, %s: these neighbouring runs deviate together (same "
                       "direction, observed values within %s%s%s of each other) — check them "
                       "as a group; leaving one out cannot expose the others\n",
                       first, last, resp->name,
                       figure_text(within, sizeof within, o->scale, decimals_for(o->scale, 2)),
                       sp1, u);
            }
        }
        if (any_single)
            sg_num_fprintf(stdout,
                           "  (flagged: |residual - median| > %g × max(1.4826 MAD, data "
                           "resolution, %g of the range) and beyond the interval at tested "
                           "settings from the other runs by more than %g of those scales, and "
                           "far out for how "
                           "constrained its point is (an extrapolated corner may miss by more), "
                           "its fold's other runs not missing as well, the other model of the "
                           "comparison missing it too, its settings within the range of the "
                           "runs that predicted it, and its value beyond neither all the others' "
                           "nor, at their edge, its nearest runs'; see surrogate(1), fit)\n",
                           ctx->fit_settings.cv.outlier_z, ctx->fit_settings.cv.outlier_range_frac,
                           SG_CV_OUTLIER_MARGIN);
        if (any_pattern)
            sg_num_fprintf(stdout,
                           "  (flagged as a group: each run more than %g × max(1.4826 MAD, data "
                           "resolution, %g of the range) off the additive pattern of the levels, "
                           "fitted by median polish, and, predicted by the model refitted without "
                           "the group, beyond the interval from the other runs by more than "
                           "that)\n",
                           ctx->fit_settings.cv.outlier_z, ctx->fit_settings.cv.outlier_range_frac);
        any = true;
    }
    if (r->n_dups) {
        printf("\nDuplicate factor settings with different responses (%zu run%s unlike the "
               "first run at the same settings):\n",
               r->n_dups, r->n_dups == 1 ? "" : "s");
        for (size_t k = 0; k < r->n_dups_listed;)
            k = print_duplicate_group(t, s, r->dups, r->n_dups_listed, k);
        if (r->n_dups > r->n_dups_listed)
            printf("  (%zu more not listed)\n", r->n_dups - r->n_dups_listed);
        for (size_t j = 0; r->cv && j < r->n_out; j++) { /* what the repeats say: the noise */
            const sg_cv_response *R = &r->cv->resp[j];
            const char *unit = s->responses[j].unit ? s->responses[j].unit : "";
            if (R->replicate_dof && R->replicate_sd > 0)
                sg_num_fprintf(stdout,
                               "  %s: %zu setting%s repeated, scatter sd %.3g%s%s (%zu degree%s "
                               "of freedom): the noise no model can predict\n",
                               s->responses[j].name, R->replicate_settings,
                               R->replicate_settings == 1 ? "" : "s", R->replicate_sd,
                               R->log_interval || unit[0] ? " " : "",
                               R->log_interval ? "in log10" : unit, R->replicate_dof,
                               R->replicate_dof == 1 ? "" : "s");
        }
        any = true;
    }
    (void)any;
    printf("\nModel written to %s\n", path);
}

/* ---- the stage -------------------------------------------------------------- */

/* Create the model file's directory if it is missing (one level). */
static void ensure_dir(const char *path)
{
    char *dir = sg_path_dirname(path);
    if (dir) {
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            /* sg_model_save reports the real problem */
        }
        free(dir);
    }
}

int sg_stage_fit(sg_cli_ctx *ctx)
{
    sg_error err;
    sg_error_clear(&err);
    sg_study_model_destroy(&ctx->fit_settings); /* the preflight may have loaded it */
    if (sg_study_model_load(ctx->study, &ctx->fit_settings, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    const char *path = sg_cli_opt(ctx->args, "--model");
    if (!path)
        path = ctx->fit_settings.model_path;
    sg_fit_options opt = sg_fit_options_defaults();
    if (sg_cli_opt(ctx->args, "--no-cv"))
        opt.cv = false;
    fit_bar bar;
    memset(&bar, 0, sizeof bar);
    bar.ctx = ctx;
    sg_progress_begin(&bar.train, ctx->args, "training", 1000);
    ctx->fit_settings.cv.exec = ctx->args->exec; /* the MPI build's ranks, else NULL */
    sg_status st = sg_fit_run(ctx->study, ctx->table, &ctx->fit_settings, &opt, on_progress,
                              &bar, &ctx->fit, &err);
    sg_progress_end(&bar.train);
    sg_progress_end(&bar.cv);
    if (st != SG_OK)
        return sg_cli_fail(ctx, &err);
    ctx->model = ctx->fit->model;
    if (ctx->args->writer) { /* MPI: rank 0 alone writes */
        ensure_dir(path);
        if (sg_model_save(ctx->model, path, &err) != SG_OK)
            return sg_cli_fail(ctx, &err);
    }
    ctx->model_path = path;
    /* The results go with the model at once: a later stage (optimize in
     * `run`) may fail, and the model must not be left without them. */
    int code = sg_cli_save_results(ctx);
    if (code != SG_EXIT_OK)
        return code;
    cJSON *o = NULL;
    if (sg_fit_result_to_json(ctx->fit, ctx->study, ctx->table, &ctx->fit_settings, path, &o,
                              &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    if ((code = sg_cli_json_put(ctx, NULL, "fit", o)) != SG_EXIT_OK)
        return code;
    if (!ctx->args->json && !ctx->summary)
        fit_text(ctx, path);
    return SG_EXIT_OK;
}

static int fit_main(const sg_cli_args *a)
{
    static const sg_stage_fn stages[] = {sg_stage_fit, sg_stage_report};
    return sg_cli_run_stages(a, true, stages, 2);
}

const sg_cli_command sg_cmd_fit = {
    .name = "fit",
    .summary = "train the surrogate, cross-validate it against a quadratic baseline, "
               "write the model file",
    .description =
        "Trains one ensemble of networks per response on every row of the study's data\n"
        "([model] and [train] settings), cross-validates the network and a quadratic\n"
        "response surface the same way ([train] validation), prints training and\n"
        "cross-validated accuracy in the responses' units, warns when the network is not\n"
        "trustworthy, lists suspicious runs, and writes the model file atomically\n"
        "(nothing is written when anything fails).  Then saves the results beside the\n"
        "model (<model without .json>.results.json) and writes the Excel report at\n"
        "[report] file (no Optimization sheet; 'surrogate optimize' adds it).",
    .options = fit_options,
    .n_options = sizeof fit_options / sizeof fit_options[0],
    .handler = fit_main,
    .needs_study = true,
};
