/* report_fit.c — the Model and Validation sheets. */
#include "report/report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/train.h"
#include "optim/summary.h"
#include "core/num.h"

/* Rows between stacked charts (a chart is about 18 rows high). */
#define SG_RFIT_CHART_ROWS 20

static lxw_row_t kv(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, const char *key,
                    const char *value)
{
    sg_rstr(ctx, ws, r, 0, key, ctx->bold);
    sg_rstr(ctx, ws, r, 1, value, ctx->text);
    return r + 1;
}

/* "Log-scale factors" and "Log-scale responses" lines naming the factors
 * the model sees as log10 of their settings and the responses it fits as
 * log10 of their values ([[factor]] / [[response]] scale); none: no line. */
static lxw_row_t log_factors(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r)
{
    const sg_report_input *in = ctx->in;
    for (int side = 0; side < 2; side++) {
        char buf[512];
        size_t off = 0, n = side ? in->n_responses : in->n_factors;
        for (size_t i = 0; i < n && off < sizeof buf; i++)
            if (side ? sg_model_response_is_log(in->model, i)
                     : sg_model_factor_is_log(in->model, i))
                off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%.60s", off ? ", " : "",
                                        side ? in->responses[i].name : in->factors[i].name);
        if (!off)
            continue;
        if (off < sizeof buf)
            snprintf(buf + off, sizeof buf - off, "%s",
                     side ? ": the models fit log10 of the values and predict 10^ of that"
                          : ": the models' input is log10 of the setting");
        r = kv(ctx, ws, r, side ? "Log-scale responses" : "Log-scale factors", buf);
    }
    return r;
}

/* Names of factor i's one-hot kernel inputs when it has more than two
 * names (NULL otherwise: one input, 0/1 for two names or the setting). */
static char *const *one_hot_names(const sg_model *m, size_t i, size_t *n)
{
    size_t k = i < SG_MODEL_MAX_CATEGORICAL ? sg_model_spec_of(m)->categories[i] : 0;
    char *const *names = k > 2 ? sg_model_factor_labels(m, i, n) : NULL;
    return names && *n == k ? names : NULL;
}

/* Number of kernel inputs (length scales) of the n_factors factors. */
static size_t kernel_inputs(const sg_model *m, size_t n_factors)
{
    size_t d = 0;
    for (size_t i = 0; i < n_factors; i++) {
        size_t n = 1;
        d += one_hot_names(m, i, &n) ? n : 1;
    }
    return d;
}

/* One header per length scale in row r from column 4: the factor, and the
 * name for each input of a factor with more than two names. */
static void length_headers(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, size_t n_factors)
{
    char buf[200];
    lxw_col_t c = 4;
    for (size_t i = 0; i < n_factors; i++) {
        size_t n = 1;
        char *const *names = one_hot_names(ctx->in->model, i, &n);
        for (size_t l = 0; l < n; l++, c++) {
            if (names)
                snprintf(buf, sizeof buf, "Length %.64s = %.64s [-]", ctx->in->factors[i].name,
                         names[l]);
            else
                snprintf(buf, sizeof buf, "Length %.100s [-]", ctx->in->factors[i].name);
            sg_rstr(ctx, ws, r, c, buf, ctx->header);
        }
    }
}

/* The Model sheet of a kriging model: kernel, selection and each
 * response's hyper-parameters. */
static sg_status model_sheet_gp(sg_rctx *ctx, lxw_worksheet *ws, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const sg_model *m = in->model;
    const sg_model_selection *sel = sg_model_selection_of(m);
    char buf[512];
    sg_rstr(ctx, ws, 0, 0, "Model: kriging (Gaussian process), one per response", ctx->title);
    lxw_row_t r = 2;
    r = kv(ctx, ws, r, "Kernel",
           "Matérn 5/2 with one length scale per factor (ARD), constant mean, nugget");
    r = kv(ctx, ws, r, "Hyper-parameters",
           "maximum likelihood with a weak log-normal prior on the length scales");
    r = kv(ctx, ws, r, "Spread", "predictive sd of the mean (kriging variance)");
    snprintf(buf, sizeof buf, "%zu", sg_model_n_rows(m));
    r = kv(ctx, ws, r, "Training rows", buf);
    r = log_factors(ctx, ws, r);
    if (sel->requested) {
        if (sel->gp_ok && sel->mlp_ok)
            sg_num_snprintf(buf, sizeof buf,
                            "type = auto chose kriging: %d-fold MSE / variance %.4g against "
                            "the network's %.4g on the same folds",
                            SG_MODEL_AUTO_INNER_K, sel->gp_score, sel->mlp_score);
        else
            snprintf(buf, sizeof buf, "type = auto chose kriging. %.300s", sel->note);
        r = kv(ctx, ws, r, "Selection", buf);
    }
    r++;
    size_t d = kernel_inputs(m, in->n_factors);
    sg_rstr(ctx, ws, r++, 0, "Hyper-parameters (length scales as shares of the factor range)",
            ctx->subtitle);
    sg_rstr(ctx, ws, r, 0, "Response", ctx->header);
    sg_rstr(ctx, ws, r, 1, "Signal sd [response unit]", ctx->header);
    sg_rstr(ctx, ws, r, 2, "Noise sd [response unit]", ctx->header);
    sg_rstr(ctx, ws, r, 3, "Mean [response unit]", ctx->header);
    length_headers(ctx, ws, r, in->n_factors);
    r++;
    for (size_t k = 0; k < in->n_responses; k++, r++) {
        const sg_gp *g = sg_model_gp(m, k);
        sg_rstr(ctx, ws, r, 0, in->responses[k].name, ctx->bold);
        sg_rnum(ctx, ws, r, 1, sqrt(sg_gp_signal_var(g)), ctx->num[4]);
        sg_rnum(ctx, ws, r, 2, sqrt(sg_gp_noise_var(g)), ctx->num[4]);
        sg_rnum(ctx, ws, r, 3, sg_gp_mean_const(g), ctx->num[4]);
        for (size_t p = 0; p < d; p++) {
            double l = sg_gp_length_scales(g)[p];
            if (l >= SG_GP_FLAT_LENGTH) /* every run at one setting: ignored */
                sg_rstr(ctx, ws, r, (lxw_col_t)(4 + p), "not varied", NULL);
            else
                sg_rnum(ctx, ws, r, (lxw_col_t)(4 + p), l, ctx->num[4]);
        }
    }
    sg_rcolumns(ctx, ws, 0, 0, 26);
    sg_rcolumns(ctx, ws, 1, (lxw_col_t)(4 + d), 16);
    (void)err;
    return SG_OK;
}

/* Row r of the quadratic's terms table: term q of every response's fit,
 * coded and in the factors' units (uncoded: out, p per response). */
static void quad_term_row(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, size_t q,
                          const double *uncoded, size_t p)
{
    const sg_report_input *in = ctx->in;
    for (size_t k = 0; k < in->n_responses; k++) {
        const sg_rsm *f = sg_model_quadratic(in->model, k);
        lxw_col_t c = (lxw_col_t)(1 + 2 * k);
        if (!sg_rsm_term_kept(f, q)) {
            sg_rstr(ctx, ws, r, c, "dropped", NULL);
            continue;
        }
        sg_rnum(ctx, ws, r, c, sg_rsm_coefficients(f)[q], ctx->num[4]);
        sg_rnum(ctx, ws, r, c + 1, uncoded[k * p + q], ctx->num[4]);
    }
}

/* The Model sheet of a quadratic model: its form and each response's
 * equation, on the coded factors and in their units. */
static sg_status model_sheet_quad(sg_rctx *ctx, lxw_worksheet *ws, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const sg_model *m = in->model;
    size_t nr = in->n_responses, p = sg_rsm_terms(sg_model_quadratic(m, 0));
    char buf[512];
    const char **names = calloc(in->n_factors, sizeof *names);
    double *unc = calloc(nr * p, sizeof *unc);
    if (!names || !unc) {
        free(names);
        free(unc);
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory");
    }
    for (size_t i = 0; i < in->n_factors; i++)
        names[i] = in->factors[i].name;
    for (size_t k = 0; k < nr; k++)
        sg_rsm_uncoded(sg_model_quadratic(m, k), sg_rsm_coefficients(sg_model_quadratic(m, k)),
                       unc + k * p);
    sg_rstr(ctx, ws, 0, 0, "Model: quadratic response surface (least squares), one per response",
            ctx->title);
    lxw_row_t r = 2;
    char other[512];
    bool differ = false; /* the reduced or the full form, chosen per response */
    sg_model_quadratic_form(m, 0, buf, sizeof buf);
    for (size_t k = 1; k < nr; k++) {
        sg_model_quadratic_form(m, k, other, sizeof other);
        differ = differ || strcmp(buf, other) != 0;
    }
    r = kv(ctx, ws, r, "Form", differ ? "per response: the Form row below the equations" : buf);
    r = kv(ctx, ws, r, "Coding",
           "coded: z = (x - mid) / half over the runs' range, -1 .. +1; in units: the same "
           "polynomial in the settings (log10 of a log-scale factor's)");
    r = kv(ctx, ws, r, "Spread", "standard error of the fitted mean (grows away from the runs)");
    snprintf(buf, sizeof buf, "%zu", sg_model_n_rows(m));
    r = kv(ctx, ws, r, "Training rows", buf);
    r = log_factors(ctx, ws, r);
    r++;
    sg_rstr(ctx, ws, r++, 0, "Equations: coefficient of each term", ctx->subtitle);
    sg_rstr(ctx, ws, r, 0, "Term", ctx->header);
    for (size_t k = 0; k < nr; k++) {
        snprintf(buf, sizeof buf, "%.64s, coded", in->responses[k].name);
        sg_rstr(ctx, ws, r, (lxw_col_t)(1 + 2 * k), buf, ctx->header);
        snprintf(buf, sizeof buf, "%.64s, in units", in->responses[k].name);
        sg_rstr(ctx, ws, r, (lxw_col_t)(2 + 2 * k), buf, ctx->header);
    }
    r++;
    for (size_t q = 0; q < p; q++, r++) {
        if (q == 0)
            snprintf(buf, sizeof buf, "constant");
        else
            sg_rsm_term_name(sg_model_quadratic(m, 0), names, q, buf, sizeof buf);
        sg_rstr(ctx, ws, r, 0, buf, ctx->bold);
        quad_term_row(ctx, ws, r, q, unc, p);
    }
    sg_rstr(ctx, ws, r, 0, "Residual sd", ctx->bold);
    for (size_t k = 0; k < nr; k++) {
        sg_rnum(ctx, ws, r, (lxw_col_t)(1 + 2 * k), sg_model_quadratic_residual_sd(m, k),
                ctx->num[4]);
    }
    for (size_t k = 0; differ && k < nr; k++) {
        sg_model_quadratic_form(m, k, other, sizeof other);
        sg_rstr(ctx, ws, r + 1, 0, "Form", ctx->bold);
        sg_rstr(ctx, ws, r + 1, (lxw_col_t)(1 + 2 * k), other, ctx->text);
    }
    sg_rcolumns(ctx, ws, 0, 0, 26);
    sg_rcolumns(ctx, ws, 1, (lxw_col_t)(2 * nr), 16);
    free(names);
    free(unc);
    return SG_OK;
}

/* What the Model sheet says of the networks' linear trend (model.h):
 * which responses have one, into buf. */
static const char *trend_text(const sg_model *m, char *buf, size_t cap)
{
    if (!sg_model_spec_of(m)->trend)
        return "off (trend = false)";
    size_t off = (size_t)snprintf(buf, cap, "least-squares, in the scaled factors, under the "
                                            "networks of:");
    size_t with = 0;
    for (size_t k = 0; k < sg_model_n_out(m) && off < cap; k++)
        if (sg_model_trend(m, k))
            off += (size_t)snprintf(buf + off, cap - off, "%s %s", with++ ? "," : "",
                                    sg_model_response_name(m, k));
    if (!with)
        return "none (the penalty's cross-validation was better without it, fewer runs than "
               "factors + 3, or no number response)";
    if (off < cap)
        snprintf(buf + off, cap - off, " (coefficients on the Calculator sheet; the other "
                                       "responses have none: doc/model.md)");
    return buf;
}

sg_status sg_report_sheet_model(sg_rctx *ctx, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const sg_model *m = in->model;
    if (!m)
        return SG_OK;
    lxw_worksheet *ws = workbook_add_worksheet(ctx->wb, "Model");
    if (!ws)
        return sg_error_set(err, SG_ERR_NOMEM, "report: cannot add the Model sheet");
    if (sg_model_type_of(m) == SG_MODEL_GP)
        return model_sheet_gp(ctx, ws, err);
    if (sg_model_type_of(m) == SG_MODEL_QUAD)
        return model_sheet_quad(ctx, ws, err);
    const sg_model_spec *sp = sg_model_spec_of(m);
    const sg_train_config *tc = &sp->train;
    char buf[512], arch[256];
    size_t off = (size_t)snprintf(arch, sizeof arch, "%zu", in->n_factors);
    for (size_t h = 0; h < sp->n_hidden && off < sizeof arch; h++)
        off += (size_t)snprintf(arch + off, sizeof arch - off, "-%zu", sp->hidden[h]);
    if (off < sizeof arch)
        snprintf(arch + off, sizeof arch - off, "-%zu", sp->shared ? in->n_responses : 1);

    sg_rstr(ctx, ws, 0, 0, "Model: ensembles of neural networks (multilayer perceptrons)",
            ctx->title);
    lxw_row_t r = 2;
    snprintf(buf, sizeof buf, "%s (inputs-hidden-outputs), %s", arch,
             sp->shared ? "one network for all responses" : "one network per response");
    r = kv(ctx, ws, r, "Architecture", buf);
    r = kv(ctx, ws, r, "Linear trend", trend_text(m, buf, sizeof buf));
    r = kv(ctx, ws, r, "Hidden activation", sg_report_act_name(sp->hidden_act));
    r = kv(ctx, ws, r, "Output activation", sg_report_act_name(sp->output_act));
    r = kv(ctx, ws, r, "Weight initialisation",
           sp->init == SG_INIT_HE ? "He (uniform)" : "Glorot (uniform)");
    snprintf(buf, sizeof buf, "%s (fitted on the training rows only)",
             sg_scale_kind_name(sp->x_scale));
    r = kv(ctx, ws, r, "Factor scaling", buf);
    r = log_factors(ctx, ws, r);
    r = kv(ctx, ws, r, "Response scaling", sg_scale_kind_name(sp->y_scale));
    r = kv(ctx, ws, r, "Training algorithm", sg_optimizer_name(tc->optimizer));
    if (tc->optimizer != SG_OPT_LBFGS) {
        sg_num_snprintf(buf, sizeof buf, "%g", tc->learning_rate);
        r = kv(ctx, ws, r, "Learning rate", buf);
        if (tc->batch_size == 0)
            snprintf(buf, sizeof buf, "full batch");
        else
            snprintf(buf, sizeof buf, "%zu rows", tc->batch_size);
        r = kv(ctx, ws, r, "Batch size", buf);
    }
    snprintf(buf, sizeof buf, "%zu", tc->epochs);
    r = kv(ctx, ws, r, tc->optimizer == SG_OPT_LBFGS ? "Iterations (limit)" : "Epochs (limit)",
           buf);
    sg_num_snprintf(buf, sizeof buf, "L1 %g, L2 %g (on weights, not biases)", tc->l1, tc->l2);
    r = kv(ctx, ws, r, "Regularisation", buf);
    if (tc->early_stopping.enabled)
        sg_num_snprintf(buf, sizeof buf, "on: watches %s loss, patience %zu, min_delta %g",
                 sg_monitor_name(tc->early_stopping.monitor), tc->early_stopping.patience,
                 tc->early_stopping.min_delta);
    else
        snprintf(buf, sizeof buf, "off");
    r = kv(ctx, ws, r, "Early stopping", buf);
    snprintf(buf, sizeof buf, "%zu members per network, each from its own seed; prediction = "
                              "member mean, spread = member sd (n - 1)",
             sp->ensemble);
    r = kv(ctx, ws, r, "Ensemble", buf);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)sp->seed);
    r = kv(ctx, ws, r, "Seed", buf);
    size_t ppm = sg_model_n_params_per_member(m, 0), rows = sg_model_n_rows(m);
    snprintf(buf, sizeof buf, "%zu per network member, %zu in the whole model", ppm,
             sg_model_n_params(m));
    r = kv(ctx, ws, r, "Trainable parameters", buf);
    snprintf(buf, sizeof buf, "%zu", rows);
    r = kv(ctx, ws, r, "Training rows", buf);
    if (ppm > rows) {
        snprintf(buf, sizeof buf,
                 "Each network has more parameters (%zu) than there are rows (%zu)%s.", ppm,
                 rows,
                 tc->l1 > 0 || tc->l2 > 0 ? "; regularisation keeps it from memorising the data"
                                          : " and no regularisation: expect over-fitting");
        sg_rstr(ctx, ws, r++, 0, buf, ctx->warn_line);
    }
    r++;

    if (in->train_metrics) {
        sg_rstr(ctx, ws, r++, 0, "Accuracy on the training rows (optimistic; see Validation)",
                ctx->subtitle);
        const char *h[] = {"Response", "Unit", "R²", "RMSE", "MAE", "Max abs error"};
        for (int c = 0; c < 6; c++)
            sg_rstr(ctx, ws, r, (lxw_col_t)c, h[c], ctx->header);
        r++;
        for (size_t k = 0; k < in->n_responses; k++, r++) {
            const sg_metrics *mt = &in->train_metrics[k];
            int d = sg_rfmt_decimals_sig(mt->max_abs);
            if (d > 4)
                d = 4;
            sg_rstr(ctx, ws, r, 0, in->responses[k].name, ctx->bold);
            sg_rstr(ctx, ws, r, 1, in->responses[k].unit, ctx->text);
            if (mt->r2_ok)
                sg_rnum(ctx, ws, r, 2, mt->r2, ctx->num[4]);
            else
                sg_rstr(ctx, ws, r, 2, mt->reason, ctx->note);
            sg_rnum(ctx, ws, r, 3, mt->rmse, ctx->num[d]);
            sg_rnum(ctx, ws, r, 4, mt->mae, ctx->num[d]);
            sg_rnum(ctx, ws, r, 5, mt->max_abs, ctx->num[d]);
        }
        r++;
    }
    sg_rcolumns(ctx, ws, 0, 0, 26);
    sg_rcolumns(ctx, ws, 1, 5, 14);

    /* loss history of member 1 of each network: data in columns H.., chart */
    size_t n_nets = sg_model_n_nets(m);
    size_t longest = 0;
    for (size_t j = 0; j < n_nets; j++) {
        const sg_train_history *h = sg_model_history(m, j, 0);
        if (h && h->n_epochs > longest)
            longest = h->n_epochs;
    }
    if (longest == 0) {
        sg_rstr(ctx, ws, r, 0, "No loss history (the model was loaded from a file).",
                ctx->note);
        return SG_OK;
    }
    lxw_col_t dc = 8;
    lxw_row_t dr = 2;
    sg_rstr(ctx, ws, dr - 1, dc, "Training loss per epoch (member 1)", ctx->bold);
    sg_rstr(ctx, ws, dr, dc, "Epoch", ctx->header);
    for (size_t e = 0; e < longest; e++)
        RC(ctx, sg_rnumber(ctx, ws, dr + 1 + (lxw_row_t)e, dc, (double)(e + 1),
                           ctx->integer));
    lxw_chart *ch = sg_rchart(ctx, LXW_CHART_SCATTER_STRAIGHT, "Training loss (member 1)",
                              tc->optimizer == SG_OPT_LBFGS ? "Iteration" : "Epoch",
                              "Loss (MSE on scaled data + penalty, unitless)");
    if (!ch)
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for a chart");
    chart_axis_set_log_base(ch->y_axis, 10);
    chart_show_hidden_data(ch); /* its data sits in folded columns */
    for (size_t j = 0; j < n_nets; j++) {
        const sg_train_history *h = sg_model_history(m, j, 0);
        const char *name = sp->shared ? "all responses" : in->responses[j].name;
        sg_rstr(ctx, ws, dr, (lxw_col_t)(dc + 1 + j), name, ctx->header);
        if (!h || h->n_epochs == 0)
            continue;
        for (size_t e = 0; e < h->n_epochs; e++)
            sg_rnum(ctx, ws, dr + 1 + (lxw_row_t)e, (lxw_col_t)(dc + 1 + j), h->train_loss[e],
                    ctx->sci);
        sg_rseries(ch, "Model", dr + 1, dr + (lxw_row_t)h->n_epochs, dc, (lxw_col_t)(dc + 1 + j),
                   name, true);
    }
    /* the chart shows the loss history; its table (columns dc..) is folded
     * away and stays off paper */
    sg_rprint_fold_columns(ctx, ws, dc, dc + (lxw_col_t)n_nets, 14, 14);
    sg_rinsert_chart(ctx, ws, r + 1, 0, ch);
    sg_rprint_limit(ctx, ws, r + 20, dc - 1);
    return SG_OK;
}

static void metric_cells(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                         const sg_metrics *mt, int d)
{
    if (mt->r2_ok)
        sg_rnum(ctx, ws, r, c, mt->r2, ctx->num[4]);
    else
        sg_rstr(ctx, ws, r, c, "n/a", ctx->note);
    sg_rnum(ctx, ws, r, c + 1, mt->rmse, ctx->num_bold[d]);
    sg_rnum(ctx, ws, r, c + 2, mt->mae, ctx->num[d]);
    sg_rnum(ctx, ws, r, c + 3, mt->max_abs, ctx->num[d]);
}

/* One line per response with the between-levels figures of a level-coded
 * design (rows from r); returns the next free row.  Nothing when the
 * design has no levels to hold out. */
static lxw_row_t between_levels_rows(sg_rctx *ctx, lxw_worksheet *ws, const sg_cv_result *cv,
                                     lxw_row_t r, char *buf, size_t cap)
{
    if (!cv->n_between)
        return r;
    const sg_report_input *in = ctx->in;
    snprintf(buf, cap,
             "Between levels (%zu folds, %s): error when interpolating between tested levels; "
             "the interval above covers the whole window (doc/model.md)",
             cv->n_between_folds, cv->between_note);
    sg_rstr(ctx, ws, r++, 0, buf, ctx->note);
    for (size_t k = 0; k < in->n_responses; k++, r++) {
        const sg_cv_response *cr = &cv->resp[k];
        char quad[64];
        if (cr->rsm_ok)
            sg_num_snprintf(quad, sizeof quad, "RMSE %.4g", cr->rsm_between.rmse);
        else
            snprintf(quad, sizeof quad, "not available");
        if (cr->n_classes >= 2) /* names: class figures, as fit prints them, no interval */
            sg_num_snprintf(buf, cap,
                            "%s: network accuracy %.1f%% (balanced %.1f%%, log-loss %.4f) on "
                            "these held-out levels",
                            in->responses[k].name, 100 * cr->cls_between.accuracy,
                            100 * cr->cls_between.balanced_accuracy, cr->cls_between.log_loss);
        else
            sg_num_snprintf(buf, cap,
                            "%s: network RMSE %.4g %s (Q² %.3f); quadratic %s; the interval "
                            "covers %.0f%% of these held-out levels",
                            in->responses[k].name, cr->between.rmse, in->responses[k].unit,
                            cr->between.r2, quad, 100 * cr->coverage_between);
        sg_rstr(ctx, ws, r, 0, buf, ctx->text);
        if (cr->design_note[0]) {
            snprintf(buf, cap, "%s: %s", in->responses[k].name, cr->design_note);
            sg_rstr(ctx, ws, ++r, 0, buf, ctx->note);
        }
    }
    return r;
}

/* What the errors mean, one line per response that has the statement (fit's
 * `accuracy:` line: against the range, the resolution and the scatter of
 * repeated runs); returns the next free row. */
static lxw_row_t accuracy_rows(sg_rctx *ctx, lxw_worksheet *ws, const sg_cv_result *cv,
                               lxw_row_t r, char *buf, size_t cap)
{
    const sg_report_input *in = ctx->in;
    bool any = false;
    for (size_t k = 0; k < in->n_responses; k++) {
        const sg_cv_response *cr = &cv->resp[k];
        if (!cr->accuracy_note[0])
            continue;
        if (!any)
            sg_rstr(ctx, ws, r++, 0, "What the errors mean", ctx->subtitle);
        any = true;
        snprintf(buf, cap, "%s: %s", in->responses[k].name, cr->accuracy_note);
        sg_rstr(ctx, ws, r++, 0, buf, ctx->text);
    }
    return r;
}

/* Predicted probabilities in SG_RCALIB_BINS equal bins against the share
 * of runs that had the outcome: a calibrated model's rows lie on the
 * diagonal. */
#define SG_RCALIB_BINS 5

/* The held-out confusion matrix of k names (rows observed, columns
 * predicted) under its title; returns the next free row. */
static lxw_row_t confusion_block(sg_rctx *ctx, lxw_worksheet *ws, const char *title,
                                 char *const *labels, size_t k, const sg_class_metrics *m,
                                 lxw_row_t r)
{
    sg_rstr(ctx, ws, r++, 0, title, ctx->subtitle);
    sg_rstr(ctx, ws, r, 0, "observed \\ predicted", ctx->header);
    for (size_t c = 0; c < k; c++)
        sg_rstr(ctx, ws, r, 1 + (lxw_col_t)c, labels[c], ctx->header);
    r++;
    for (size_t o = 0; o < k; o++, r++) {
        sg_rstr(ctx, ws, r, 0, labels[o], ctx->bold);
        for (size_t c = 0; c < k; c++)
            RC(ctx, sg_rnumber(ctx, ws, r, 1 + (lxw_col_t)c, (double)m->confusion[o][c],
                               ctx->integer));
    }
    return r + 1;
}

/* Predicted probabilities p (n) in SG_RCALIB_BINS equal bins against the
 * share of them that came true (hit, 0/1) under its title; returns the
 * next free row. */
static lxw_row_t calibration_block(sg_rctx *ctx, lxw_worksheet *ws, const char *title,
                                   const double *p, const double *hit, size_t n_held,
                                   lxw_row_t r)
{
    char buf[64];
    sg_rstr(ctx, ws, r++, 0, title, ctx->subtitle);
    const char *ch[] = {"predicted P", "runs", "mean predicted", "observed share"};
    for (lxw_col_t c = 0; c < 4; c++)
        sg_rstr(ctx, ws, r, c, ch[c], ctx->header);
    r++;
    for (int b = 0; b < SG_RCALIB_BINS; b++, r++) {
        double lo = (double)b / SG_RCALIB_BINS, hi = (double)(b + 1) / SG_RCALIB_BINS;
        size_t n = 0;
        double sp = 0, so = 0;
        for (size_t i = 0; i < n_held; i++)
            if (p[i] >= lo && (p[i] < hi || (b == SG_RCALIB_BINS - 1 && p[i] <= hi))) {
                n++;
                sp += p[i];
                so += hit[i];
            }
        sg_num_snprintf(buf, sizeof buf, "%.1f .. %.1f", lo, hi);
        sg_rstr(ctx, ws, r, 0, buf, ctx->text);
        RC(ctx, sg_rnumber(ctx, ws, r, 1, (double)n, ctx->integer));
        sg_rnum(ctx, ws, r, 2, n ? sp / (double)n : NAN, ctx->num[2]);
        sg_rnum(ctx, ws, r, 3, n ? so / (double)n : NAN, ctx->num[2]);
    }
    return r + 1;
}

/* Per pass/fail or class response: the held-out confusion matrix (names as
 * headers) and the calibration table of the predicted probability (of the
 * second outcome; of the most probable name for a class response).
 * Returns the next free row. */
static lxw_row_t outcome_blocks(sg_rctx *ctx, lxw_worksheet *ws, const sg_cv_result *cv,
                                lxw_row_t r)
{
    const sg_report_input *in = ctx->in;
    size_t nr = in->n_responses, nh = cv->n_held;
    char buf[256];
    double *p = malloc((nh + 1) * sizeof *p), *hit = malloc((nh + 1) * sizeof *hit);
    for (size_t k = 0; p && hit && k < nr; k++) {
        const sg_cv_response *cr = &cv->resp[k];
        const sg_report_response *re = &in->responses[k];
        if (!cr->binary || !re->labels)
            continue;
        size_t nc = cr->n_classes >= 3 ? cr->n_classes : 2;
        if (nc > 2)
            snprintf(buf, sizeof buf,
                     "%s: held-out confusion matrix (predicted: the most probable of its %zu "
                     "names)",
                     re->name, nc);
        else
            snprintf(buf, sizeof buf,
                     "%s: held-out confusion matrix (predicted %s when P(%s) >= 0.5)", re->name,
                     re->labels[1], re->labels[1]);
        r = confusion_block(ctx, ws, buf, re->labels, nc, &cr->cls, r);
        for (size_t i = 0; i < nh; i++) {
            double o = cv->obs[i * nr + k];
            if (nc == 2) {
                p[i] = cv->pred[i * nr + k];
                hit[i] = o;
                continue;
            }
            const double *P = cv->proba + i * cv->n_prob + cv->prob_off[k];
            size_t best = 0;
            for (size_t c = 1; c < nc; c++)
                best = P[c] > P[best] ? c : best;
            p[i] = P[best];
            hit[i] = o == (double)best;
        }
        if (nc > 2)
            snprintf(buf, sizeof buf,
                     "%s: calibration (held-out probability of the most probable name against "
                     "how often it was the observed one)",
                     re->name);
        else
            snprintf(buf, sizeof buf,
                     "%s: calibration (held-out P(%s) against how often it happened)", re->name,
                     re->labels[1]);
        r = calibration_block(ctx, ws, buf, p, hit, nh, r);
    }
    free(p);
    free(hit);
    return r;
}

/* Held-out prediction i of class response k from column c: the observed
 * and the predicted name, the probability of the predicted one, right or
 * wrong, and the baseline's predicted name. */
static void held_class_cells(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                             const sg_cv_result *cv, size_t i, size_t k)
{
    char *const *names = ctx->in->responses[k].labels;
    size_t nr = cv->n_out, nc = cv->resp[k].n_classes;
    size_t o = (size_t)cv->obs[i * nr + k], p = (size_t)cv->pred[i * nr + k];
    const double *P = cv->proba + i * cv->n_prob + cv->prob_off[k];
    if (o >= nc || p >= nc)
        return;
    sg_rstr(ctx, ws, r, c, names[o], ctx->text);
    sg_rstr(ctx, ws, r, c + 1, names[p], ctx->text);
    sg_rnum(ctx, ws, r, c + 2, P[p], ctx->num[3]);
    sg_rstr(ctx, ws, r, c + 3, o == p ? "right" : "wrong", o == p ? ctx->text : ctx->warn);
    size_t b = (size_t)cv->rsm_pred[i * nr + k];
    if (cv->resp[k].rsm_ok && b < nc)
        sg_rstr(ctx, ws, r, c + 4, names[b], ctx->text);
}

sg_status sg_report_sheet_validation(sg_rctx *ctx, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const sg_cv_result *cv = in->cv;
    if (!cv)
        return SG_OK;
    lxw_worksheet *ws = workbook_add_worksheet(ctx->wb, "Validation");
    if (!ws)
        return sg_error_set(err, SG_ERR_NOMEM, "report: cannot add the Validation sheet");
    size_t nr = in->n_responses;
    char buf[512], plan[64];
    sg_cv_spec_format(&cv->plan, plan, sizeof plan);
    sg_rstr(ctx, ws, 0, 0, "Validation: how well the model predicts runs it has not seen",
            ctx->title);
    sg_model_type type = in->model ? sg_model_type_of(in->model) : SG_MODEL_MLP;
    bool quad = type == SG_MODEL_QUAD;
    snprintf(buf, sizeof buf, "Cross-validation %s: %zu folds; each fold refits %s on its "
             "training rows only.",
             plan, cv->n_folds,
             quad ? "the quadratic model and the baseline (the same fit unless the Model sheet "
                    "says the model took the full form)"
             : type == SG_MODEL_GP ? "the kriging hyper-parameters and the quadratic baseline"
                                   : "scaling, every ensemble member and the quadratic baseline");
    sg_rstr(ctx, ws, 1, 0, buf, ctx->note);

    /* metrics table: two header rows */
    lxw_row_t r = 3;
    const char *mn = quad ? "Quadratic model" : type == SG_MODEL_GP ? "Kriging" : "Network";
    char g0[64], g1[64];
    snprintf(g0, sizeof g0, "%s, training rows", mn);
    snprintf(g1, sizeof g1, "%s, cross-validated", mn);
    const char *groups[] = {g0, g1, "Quadratic baseline, cross-validated"};
    const char *mh[] = {"R²", "RMSE", "MAE", "Max abs error"};
    sg_rstr(ctx, ws, r + 1, 0, "Response", ctx->header);
    sg_rstr(ctx, ws, r + 1, 1, "Unit", ctx->header);
    for (int g = 0; g < 3; g++) {
        RC(ctx, worksheet_merge_range(ws, r, 2 + (lxw_col_t)(4 * g), r,
                                      5 + (lxw_col_t)(4 * g), groups[g], ctx->header));
        for (int c = 0; c < 4; c++)
            sg_rstr(ctx, ws, r + 1, 2 + (lxw_col_t)(4 * g + c), mh[c], ctx->header);
    }
    sg_rstr(ctx, ws, r + 1, 14, "Verdict", ctx->header);
    sg_rstr(ctx, ws, r + 1, 15, "Prediction interval", ctx->header);
    r += 2;
    for (size_t k = 0; k < nr; k++, r++) {
        const sg_cv_response *cr = &cv->resp[k];
        int d = sg_rfmt_decimals_sig(cr->net.max_abs);
        if (d > 4)
            d = 4;
        sg_rstr(ctx, ws, r, 0, in->responses[k].name, ctx->bold);
        sg_rstr(ctx, ws, r, 1, in->responses[k].unit, ctx->text);
        bool names = cr->n_classes >= 3; /* codes of names: no regression figures */
        if (names)
            sg_rstr(ctx, ws, r, 2, "names: see the class figures", ctx->note);
        if (in->train_metrics && !names)
            metric_cells(ctx, ws, r, 2, &in->train_metrics[k], d);
        if (!names)
            metric_cells(ctx, ws, r, 6, &cr->net, d);
        if (cr->rsm_ok && !names)
            metric_cells(ctx, ws, r, 10, &cr->rsm, d);
        else if (!cr->rsm_ok)
            sg_rstr(ctx, ws, r, 10, cr->rsm_reason, ctx->note);
        if (cr->binary) { /* pass/fail: class figures instead of a verdict on R² */
            sg_num_snprintf(buf, sizeof buf,
                            "%s: accuracy %.0f%%, balanced %.0f%%, log-loss %.3f "
                            "(logistic regression %.3f)",
                            names ? "classes" : "pass/fail",
                            100 * cr->cls.accuracy, 100 * cr->cls.balanced_accuracy,
                            cr->cls.log_loss, cr->rsm_ok ? cr->cls_rsm.log_loss : NAN);
            sg_rstr(ctx, ws, r, 14, buf,
                    cr->cls.balanced_accuracy < SG_SUMMARY_MIN_BALANCED ? ctx->warn : ctx->text);
            sg_rstr(ctx, ws, r, 15, "a probability: no interval (members' spread in predict)",
                    ctx->note);
            continue;
        }
        /* as the gate (fit's warning) judges it */
        sg_baseline_verdict verdict = sg_cv_baseline_verdict(cv, k, NULL, NULL);
        if (!cr->net.r2_ok || cr->net.r2 < SG_CV_MIN_Q2)
            sg_rstr(ctx, ws, r, 14, "no usable predictive structure (Q² < 0.5)", ctx->warn);
        else if (quad)
            sg_rstr(ctx, ws, r, 14,
                    "the model is a quadratic: fit's output compares the network and kriging",
                    ctx->text);
        else if (verdict == SG_BASELINE_MODEL_WORSE)
            sg_rstr(ctx, ws, r, 14, "model worse than the quadratic baseline", ctx->warn);
        else if (verdict == SG_BASELINE_UNDECIDED)
            sg_rstr(ctx, ws, r, 14,
                    "neither better: worse only between levels (design note)", ctx->text);
        else if (verdict == SG_BASELINE_MODEL_BETTER)
            sg_rstr(ctx, ws, r, 14, "model better than the quadratic baseline", ctx->text);
        else if (verdict == SG_BASELINE_TIED)
            sg_rstr(ctx, ws, r, 14, "neither better: the runs do not show the difference",
                    ctx->text);
        /* the interval predict, optimize and the Calculator give */
        if (cr->log_interval) /* in decades: a factor */
            sg_num_snprintf(buf, sizeof buf,
                            "%.0f%%: prediction ×/÷ %.4g %s (in proportion to the value; rms "
                            "error %.2g%%; held-out coverage %.0f%%)",
                            100 * cr->level, pow(10.0, cr->half_width),
                            cr->window_ok ? "anywhere in the window" : "at tested settings",
                            100 * (pow(10.0, cr->window_ok ? cr->window_rmse : cr->log_rmse) - 1),
                            100 * cr->coverage);
        else if (cr->window_ok)
            sg_num_snprintf(buf, sizeof buf,
                            "%.0f%%: prediction ± %.4g %s anywhere in the window (expected "
                            "RMSE there %.4g; held-out coverage %.0f%%)",
                            100 * cr->level, cr->half_width, in->responses[k].unit,
                            cr->window_rmse, 100 * cr->coverage);
        else
            sg_num_snprintf(buf, sizeof buf,
                            "%.0f%%: prediction ± %.4g %s at tested settings (coverage %.0f%%)",
                            100 * cr->level, cr->half_width, in->responses[k].unit,
                            100 * cr->coverage);
        sg_rstr(ctx, ws, r, 15, buf, ctx->text);
        if (cr->interval_note[0])
            sg_rstr(ctx, ws, r, 16, cr->interval_note, ctx->note);
    }
    sg_rcolumns(ctx, ws, 0, 0, 16);
    sg_rcolumns(ctx, ws, 1, 13, 11);
    sg_rcolumns(ctx, ws, 14, 14, 36);
    sg_rcolumns(ctx, ws, 15, 15, 60);
    r = between_levels_rows(ctx, ws, cv, r + 1, buf, sizeof buf);
    r = accuracy_rows(ctx, ws, cv, r + 1, buf, sizeof buf);
    r = outcome_blocks(ctx, ws, cv, r + 1);
    r++;

    /* held-out predictions: data row, fold, then per response 5 columns
     * under a merged "response [unit]" heading */
    lxw_row_t ht = r + 2, h0 = ht + 1;
    sg_rstr(ctx, ws, ht - 2, 0, "Held-out predictions (each run predicted by a model that "
                                "never saw it)",
            ctx->subtitle);
    sg_rstr(ctx, ws, ht - 1, 0, "", ctx->header);
    sg_rstr(ctx, ws, ht - 1, 1, "", ctx->header);
    sg_rstr(ctx, ws, ht, 0, "Data row", ctx->header);
    sg_rstr(ctx, ws, ht, 1, "Fold", ctx->header);
    for (size_t k = 0; k < nr; k++) {
        lxw_col_t c = 2 + (lxw_col_t)(5 * k);
        const char *what_num[] = {"observed", "CV prediction", "spread", "residual",
                                  "baseline CV prediction"};
        const char *what_cls[] = {"observed", "CV prediction (most probable)",
                                  "its probability", "right?", "baseline CV prediction"};
        const char **what = cv->resp[k].n_classes >= 3 ? what_cls : what_num;
        sg_rlabel(buf, sizeof buf, in->responses[k].name, in->responses[k].unit);
        RC(ctx, worksheet_merge_range(ws, ht - 1, c, ht - 1, c + 4, buf, ctx->header));
        for (int q = 0; q < 5; q++)
            sg_rstr(ctx, ws, ht, c + (lxw_col_t)q, what[q], ctx->header);
    }
    RC(ctx, worksheet_set_row(ws, ht, 30, NULL)); /* "baseline CV prediction": two lines */
    for (size_t i = 0; i < cv->n_held; i++) {
        lxw_row_t rr = h0 + (lxw_row_t)i;
        size_t row = cv->held_row[i];
        size_t shown = in->table && in->table->row && row < in->table->n_rows
                           ? in->table->row[row]
                           : row + 1;
        RC(ctx, sg_rnumber(ctx, ws, rr, 0, (double)shown, ctx->integer));
        RC(ctx, sg_rnumber(ctx, ws, rr, 1, (double)(cv->held_fold[i] + 1), ctx->integer));
        for (size_t k = 0; k < nr; k++) {
            lxw_col_t c = 2 + (lxw_col_t)(5 * k);
            double o = cv->obs[i * nr + k], p = cv->pred[i * nr + k];
            if (cv->resp[k].n_classes >= 3 && in->responses[k].labels) {
                held_class_cells(ctx, ws, rr, c, cv, i, k);
                continue;
            }
            int d = sg_rfmt_decimals_sig(o);
            if (d > 4)
                d = 4;
            sg_rnum(ctx, ws, rr, c, o, ctx->num[d]);
            sg_rnum(ctx, ws, rr, c + 1, p, ctx->num[d]);
            sg_rnum(ctx, ws, rr, c + 2, cv->sd[i * nr + k], ctx->num[d]);
            sg_rnum(ctx, ws, rr, c + 3, o - p, ctx->num[d]);
            if (cv->resp[k].rsm_ok)
                sg_rnum(ctx, ws, rr, c + 4, cv->rsm_pred[i * nr + k], ctx->num[d]);
        }
    }
    lxw_row_t hl = h0 + (lxw_row_t)cv->n_held - 1;
    if (cv->n_held > 0)
        RC(ctx, worksheet_autofilter(ws, ht, 0, hl, 1 + (lxw_col_t)(5 * nr)));
    worksheet_freeze_panes(ws, 5, 1);

    /* y = x line data: min and max of observed and predicted per response */
    lxw_col_t lc = 2 + (lxw_col_t)(5 * nr) + 1;
    sg_rstr(ctx, ws, ht, lc, "y = x line: response", ctx->header);
    sg_rstr(ctx, ws, ht, lc + 1, "value", ctx->header);
    lxw_row_t cr0 = hl + 3;
    for (size_t k = 0; k < nr && cv->n_held > 0; k++) {
        if (cv->resp[k].n_classes >= 3) /* names: the confusion matrix says it */
            continue;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < cv->n_held; i++) {
            double o = cv->obs[i * nr + k], p = cv->pred[i * nr + k];
            lo = fmin(lo, fmin(o, p));
            hi = fmax(hi, fmax(o, p));
        }
        lxw_row_t lr = h0 + (lxw_row_t)(2 * k);
        sg_rstr(ctx, ws, lr, lc, in->responses[k].name, ctx->text);
        sg_rnum(ctx, ws, lr, lc + 1, lo, NULL);
        sg_rstr(ctx, ws, lr + 1, lc, in->responses[k].name, ctx->text);
        sg_rnum(ctx, ws, lr + 1, lc + 1, hi, NULL);

        const char *u = in->responses[k].unit;
        char tx[256], ty[256], tt[256];
        sg_rlabel(tx, sizeof tx, "Observed", u);
        sg_rlabel(ty, sizeof ty, "Cross-validated prediction", u);
        /* above SG_RCHART_MAX_POINTS runs the charts plot a stated sample
         * (titles set once: libxlsxwriter keeps the first name otherwise) */
        size_t stride = (cv->n_held + SG_RCHART_MAX_POINTS - 1) / SG_RCHART_MAX_POINTS;
        char shown_note[96] = "";
        if (stride > 1)
            sg_num_snprintf(shown_note, sizeof shown_note, " (1 run in %zu of %zu shown)",
                            stride, cv->n_held);
        snprintf(tt, sizeof tt, "%s: observed vs cross-validated prediction%s",
                 in->responses[k].name, shown_note);
        lxw_chart *pc = sg_rchart(ctx, LXW_CHART_SCATTER_STRAIGHT, tt, tx, ty);
        sg_rlabel(ty, sizeof ty, "Residual (observed - prediction)", u);
        snprintf(tt, sizeof tt, "%s: residuals of the held-out predictions%s",
                 in->responses[k].name, shown_note);
        lxw_chart *rc = sg_rchart(ctx, LXW_CHART_SCATTER_STRAIGHT, tt, tx, ty);
        if (!pc || !rc)
            return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for a chart");
        lxw_col_t c = 2 + (lxw_col_t)(5 * k);
        lxw_row_t s0 = h0, s1 = hl;
        lxw_col_t co = c, cp = (lxw_col_t)(c + 1), cres = (lxw_col_t)(c + 3);
        if (stride > 1) { /* a sample of the points, in columns of its own */
            lxw_col_t sc = (lxw_col_t)(lc + 3 + 3 * k);
            const char *what[] = {"observed", "CV prediction", "residual"};
            for (int q = 0; q < 3; q++) {
                snprintf(buf, sizeof buf, "chart sample (%s): %s", in->responses[k].name,
                         what[q]);
                sg_rstr(ctx, ws, ht, sc + (lxw_col_t)q, buf, ctx->header);
            }
            size_t shown = 0;
            for (size_t i = 0; i < cv->n_held; i += stride, shown++) {
                double o = cv->obs[i * nr + k], p = cv->pred[i * nr + k];
                sg_rnum(ctx, ws, h0 + (lxw_row_t)shown, sc, o, NULL);
                sg_rnum(ctx, ws, h0 + (lxw_row_t)shown, sc + 1, p, NULL);
                sg_rnum(ctx, ws, h0 + (lxw_row_t)shown, sc + 2, o - p, NULL);
            }
            s1 = h0 + (lxw_row_t)shown - 1;
            co = sc;
            cp = (lxw_col_t)(sc + 1);
            cres = (lxw_col_t)(sc + 2);
        }
        sg_rseries(pc, "Validation", s0, s1, co, cp, "runs", false);
        sg_rseries(pc, "Validation", lr, lr + 1, lc + 1, lc + 1, "y = x", true);
        sg_rseries(rc, "Validation", s0, s1, co, cres, "runs", false);
        /* labels below the plot, not along the zero line */
        chart_axis_set_label_position(rc->x_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);
        lxw_row_t at = cr0 + (lxw_row_t)(k * SG_RFIT_CHART_ROWS);
        sg_rinsert_chart(ctx, ws, at, 0, pc);
        sg_rinsert_chart(ctx, ws, at, 8, rc);
    }
    return SG_OK;
}
