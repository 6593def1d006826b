/* report_summary.c — the Summary sheet: what was studied, the answer, how
 * far to trust it, and every warning in plain words. */
#include "report/report_internal.h"
#include "core/num.h"
#include "optim/summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Width in characters of the Summary's value columns. */
#define SG_RSUMMARY_COL_WIDTH 20.0

static lxw_row_t kv(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, const char *key,
                    const char *value)
{
    if (!value)
        return r;
    sg_rstr(ctx, ws, r, 0, key, ctx->bold);
    sg_rstr(ctx, ws, r, 1, value, ctx->text);
    return r + 1;
}

/* Width of the Summary's first column, in characters. */
#define SG_RSUMMARY_FIRST_WIDTH 28.0
/* Characters of plain (bold) text per character of column width: the
 * default font is narrower than the width unit. */
#define SG_RSUMMARY_CHARS_PER_UNIT 1.25
#define SG_RSUMMARY_BOLD_CHARS_PER_UNIT 1.1

/* text merged over columns first..5 of row r, wrapped, the row as tall as
 * its lines. */
static void merged_text(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t first,
                        const char *text, lxw_format *f)
{
    RC(ctx, worksheet_merge_range(ws, r, first, r, 5, "", f));
    sg_rstr(ctx, ws, r, first, text, f);
    double width = (first == 0 ? SG_RSUMMARY_FIRST_WIDTH : 0.0) +
                   SG_RSUMMARY_COL_WIDTH * (first == 0 ? 5.0 : (double)(6 - first));
    double cpl = width * (f == ctx->answer ? SG_RSUMMARY_BOLD_CHARS_PER_UNIT
                                           : SG_RSUMMARY_CHARS_PER_UNIT);
    double lines = ceil((double)strlen(text) / cpl);
    RC(ctx, worksheet_set_row(ws, r, 15.0 * (lines > 1 ? lines : 1.0), NULL));
}

/* The decision summary, in the order `run` prints it: answer, settings and
 * why, prediction, constraints, warnings that change the decision, model
 * quality.  Returns the next free row. */
static lxw_row_t decision_block(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r,
                                const sg_summary *d)
{
    const sg_report_input *in = ctx->in;
    sg_rstr(ctx, ws, r++, 0, "Answer", ctx->subtitle);
    merged_text(ctx, ws, r++, 0, d->headline, ctx->answer);
    r++;
    sg_rstr(ctx, ws, r++, 0, d->settings_title, ctx->subtitle);
    const char *sh[] = {"Factor", "Setting", "Unit", "Why"};
    for (lxw_col_t c = 0; c < 4; c++)
        sg_rstr(ctx, ws, r, c, sh[c], ctx->header);
    RC(ctx, worksheet_merge_range(ws, r, 3, r, 5, "", ctx->header));
    sg_rstr(ctx, ws, r++, 3, sh[3], ctx->header);
    for (size_t i = 0; i < d->n_factors && i < in->n_factors; i++, r++) {
        double v = in->recommended ? in->recommended[i] : NAN;
        int dec = sg_rfmt_decimals_exact(&v, 1, 1);
        /* no bold setting when there is no recommendation */
        sg_rstr(ctx, ws, r, 0, d->factors[i].name,
                d->kind == SG_RECOMMEND_NONE ? ctx->text : ctx->bold);
        if (isfinite(v) && sg_rname_of(in, i, v))
            sg_rstr(ctx, ws, r, 1, sg_rname_of(in, i, v),
                    d->kind == SG_RECOMMEND_NONE ? ctx->text : ctx->bold);
        else if (isfinite(v))
            sg_rnum(ctx, ws, r, 1, v,
                    (d->kind == SG_RECOMMEND_NONE ? ctx->num : ctx->num_bold)[dec > 4 ? 4 : dec]);
        sg_rstr(ctx, ws, r, 2, in->factors[i].unit, ctx->text);
        merged_text(ctx, ws, r, 3, d->factors[i].verdict, ctx->wrap);
    }
    if (*d->prediction)
        merged_text(ctx, ws, r++, 0, d->prediction, ctx->wrap);
    for (size_t i = 0; i < d->n_constraints; i++)
        merged_text(ctx, ws, r++, 0, d->constraints[i], ctx->wrap);
    r++;
    if (d->n_warnings) {
        sg_rstr(ctx, ws, r++, 0, "Warnings that change the decision", ctx->subtitle);
        for (size_t k = 0; k < d->n_warnings; k++)
            merged_text(ctx, ws, r++, 0, d->warnings[k], ctx->warn);
        r++;
    }
    sg_rstr(ctx, ws, r++, 0,
            d->cross_validated ? "Model quality (cross-validated)" : "Model quality: not "
                                                                     "cross-validated",
            ctx->subtitle);
    for (size_t j = 0; j < d->n_responses; j++, r++) {
        sg_rstr(ctx, ws, r, 0, d->quality[j].name, d->quality[j].weak ? ctx->warn : ctx->text);
        merged_text(ctx, ws, r, 1, d->quality[j].text, d->quality[j].weak ? ctx->warn : ctx->text);
    }
    return r + 1;
}

/* The predicted row of response k at x if it holds names (cells from
 * column 1 of row r): a pass/fail response's probability of its second
 * name (mean) with the members' spread (sd), a class response's most
 * probable name with its probability and spread; neither has an interval
 * (iv: the sheet has interval columns).  False for a number, whose row
 * the caller writes. */
static bool names_row(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, size_t k, const double *x,
                      double mean, double sd, bool iv)
{
    const sg_report_response *rp = &ctx->in->responses[k];
    size_t nc = sg_model_n_classes(ctx->in->model, k);
    if (nc < 2 || !rp->labels || rp->n_labels < nc)
        return false;
    char label[160];
    if (nc == 2) {
        snprintf(label, sizeof label, "P(%s)", rp->labels[1]);
        sg_rstr(ctx, ws, r, 1, label, ctx->text);
        sg_rnum(ctx, ws, r, 2, mean, ctx->num_bold[4]);
        sg_rnum(ctx, ws, r, 3, sd, ctx->num[4]);
    } else {
        double P[SG_MODEL_MAX_CLASSES], Psd[SG_MODEL_MAX_CLASSES];
        size_t c = mean >= 0 && mean < (double)nc ? (size_t)mean : 0;
        if (sg_model_predict_proba(ctx->in->model, ctx->mw, x, k, P, Psd) == nc) {
            sg_num_snprintf(label, sizeof label, "%s (P %.3f)", rp->labels[c], P[c]);
            sg_rnum(ctx, ws, r, 3, Psd[c], ctx->num[4]);
        } else {
            snprintf(label, sizeof label, "%s", rp->labels[c]);
        }
        sg_rstr(ctx, ws, r, 1, "most probable", ctx->text);
        sg_rstr(ctx, ws, r, 2, label, ctx->bold);
    }
    if (iv)
        sg_rstr(ctx, ws, r, 4, nc == 2 ? "a probability" : "names", ctx->note);
    return true;
}

sg_status sg_report_sheet_summary(sg_rctx *ctx, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    char buf[512];
    lxw_worksheet *ws = workbook_add_worksheet(ctx->wb, "Summary");
    if (!ws)
        return sg_error_set(err, SG_ERR_NOMEM, "report: cannot add the Summary sheet");
    lxw_row_t r = 0;
    sg_rstr(ctx, ws, r++, 0, in->title ? in->title : "Surrogate model study", ctx->title);
    r++;
    if (in->decision) {
        r = decision_block(ctx, ws, r, in->decision);
        sg_rstr(ctx, ws, r++, 0, "The study", ctx->subtitle);
    }
    r = kv(ctx, ws, r, "Study file", in->study_file);
    r = kv(ctx, ws, r, "Data file", in->data_file);
    r = kv(ctx, ws, r, "Data file hash", in->data_hash);
    r = kv(ctx, ws, r, "Date", in->date);
    snprintf(buf, sizeof buf, "%llu", in->seed);
    r = kv(ctx, ws, r, "Seed", buf);
    r = kv(ctx, ws, r, "Library versions", in->versions);
    if (in->threads > 0) {
        snprintf(buf, sizeof buf, "%zu", in->threads);
        r = kv(ctx, ws, r, "Threads", buf);
    }
    r++;

    /* factors and responses */
    sg_rstr(ctx, ws, r++, 0, "Factors and responses", ctx->subtitle);
    const char *fh[] = {"Name", "Unit", "Min", "Max", "Role"};
    for (int c = 0; c < 5; c++)
        sg_rstr(ctx, ws, r, (lxw_col_t)c, fh[c], ctx->header);
    r++;
    for (size_t i = 0; i < in->n_factors; i++, r++) {
        const sg_report_factor *fa = &in->factors[i];
        double b2[2] = {fa->min, fa->max};
        int d = sg_rfmt_decimals_exact(b2, 2, 1);
        sg_rstr(ctx, ws, r, 0, fa->name, ctx->text);
        sg_rstr(ctx, ws, r, 1, fa->unit, ctx->text);
        if (fa->labels) {
            size_t u = (size_t)snprintf(buf, sizeof buf, "factor (names:");
            for (size_t l = 0; l < fa->n_levels && u < sizeof buf; l++)
                u += (size_t)snprintf(buf + u, sizeof buf - u, " %s", fa->labels[l]);
            if (u < sizeof buf)
                snprintf(buf + u, sizeof buf - u, ")");
            sg_rstr(ctx, ws, r, 4, buf, ctx->text);
            continue;
        }
        sg_rnum(ctx, ws, r, 2, fa->min, ctx->num[d]);
        sg_rnum(ctx, ws, r, 3, fa->max, ctx->num[d]);
        sg_rstr(ctx, ws, r, 4, "factor", ctx->text);
    }
    for (size_t k = 0; k < in->n_responses; k++, r++) {
        const sg_report_response *re = &in->responses[k];
        sg_rstr(ctx, ws, r, 0, re->name, ctx->text);
        sg_rstr(ctx, ws, r, 1, re->unit, ctx->text);
        if (re->labels && re->n_labels > 2)
            snprintf(buf, sizeof buf, "class response (%zu names, the probability of each)",
                     re->n_labels);
        else if (re->labels)
            snprintf(buf, sizeof buf, "pass/fail response (probability of %s)", re->labels[1]);
        else
            snprintf(buf, sizeof buf, "response (%s)", re->goal ? re->goal : "none");
        sg_rstr(ctx, ws, r, 4, buf, ctx->text);
    }
    r++;

    /* recommended settings and predicted responses */
    if (in->recommended) {
        if (!in->decision) {
            snprintf(buf, sizeof buf, "Recommended settings (%s)",
                     in->recommended_label ? in->recommended_label : "optimum");
            sg_rstr(ctx, ws, r++, 0, buf, ctx->subtitle);
            sg_rstr(ctx, ws, r, 0, "Factor", ctx->header);
            sg_rstr(ctx, ws, r, 1, "Unit", ctx->header);
            sg_rstr(ctx, ws, r, 2, "Setting", ctx->header);
            r++;
        }
        for (size_t i = 0; !in->decision && i < in->n_factors; i++, r++) {
            double v = in->recommended[i];
            sg_rstr(ctx, ws, r, 0, in->factors[i].name, ctx->bold);
            sg_rstr(ctx, ws, r, 1, in->factors[i].unit, ctx->text);
            if (sg_rname_of(in, i, v)) {
                sg_rstr(ctx, ws, r, 2, sg_rname_of(in, i, v), ctx->bold);
                continue;
            }
            sg_rnum(ctx, ws, r, 2, v, ctx->num_bold[sg_rfmt_decimals_exact(&v, 1, 1) > 4
                                                     ? 4
                                                     : sg_rfmt_decimals_exact(&v, 1, 1)]);
        }
        if (!in->decision)
            r++;
        if (in->model && ctx->md) {
            const sg_report_model *md = ctx->md;
            size_t nr = in->n_responses, M = md->n_members;
            double *mean = calloc(nr, sizeof *mean), *sd = calloc(nr, sizeof *sd);
            if (!mean || !sd) {
                free(mean);
                free(sd);
                return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory");
            }
            sg_model_predict(in->model, ctx->mw, in->recommended, mean, sd);
            bool iv = md->interval_a != NULL;
            sg_rstr(ctx, ws, r++, 0, "Predicted responses at these settings", ctx->subtitle);
            char lo[64], hi[64];
            sg_num_snprintf(lo, sizeof lo, "%.4g%% interval low", md->interval_level);
            sg_num_snprintf(hi, sizeof hi, "%.4g%% interval high", md->interval_level);
            const char *ph[] = {"Response", "Unit", "Predicted",
                                sg_model_type_of(in->model) == SG_MODEL_GP
                                    ? "Spread (kriging sd)"
                                : sg_model_type_of(in->model) == SG_MODEL_QUAD
                                    ? "Spread (SE of the mean)"
                                    : "Spread (member sd)",
                                lo, hi};
            sg_rheader_row(ctx, ws, r, ph, iv ? 6 : 4, SG_RSUMMARY_COL_WIDTH);
            r++;
            bool clipped = false;
            for (size_t k = 0; k < nr; k++, r++) {
                int d = sg_rfmt_decimals_sig(mean[k]);
                sg_rstr(ctx, ws, r, 0, in->responses[k].name, ctx->bold);
                if (names_row(ctx, ws, r, k, in->recommended, mean[k], sd[k], iv))
                    continue;
                sg_rstr(ctx, ws, r, 1, in->responses[k].unit, ctx->text);
                sg_rnum(ctx, ws, r, 2, mean[k], ctx->num_bold[d]);
                sg_rnum(ctx, ws, r, 3, sd[k], ctx->num[d]);
                if (iv) {
                    double half = md->interval_a[k] * sd[k] + md->interval_b[k];
                    double ilo, ihi;
                    sg_model_interval(in->model, k, mean[k], half, &ilo, &ihi);
                    clipped |= sg_model_clip_interval(in->model, k, &ilo, &ihi);
                    sg_rnum(ctx, ws, r, 4, ilo, ctx->num[d]);
                    sg_rnum(ctx, ws, r, 5, ihi, ctx->num[d]);
                }
            }
            snprintf(buf, sizeof buf,
                     "Spread = sample standard deviation over the %zu ensemble members.%s%s", M,
                     iv ? " Interval calibrated on the cross-validated residuals, carried over to "
                          "the whole window." : "",
                     clipped ? " Intervals clipped to the physical limits." : "");
            sg_rstr(ctx, ws, r++, 0, buf, ctx->note);
            r++;
            free(mean);
            free(sd);
        }
    }

    /* key accuracy figures */
    if (in->cv) {
        const sg_cv_result *cv = in->cv;
        char plan[64];
        sg_cv_spec_format(&cv->plan, plan, sizeof plan);
        snprintf(buf, sizeof buf, "Accuracy (cross-validation: %s, %zu folds)", plan,
                 cv->n_folds);
        sg_rstr(ctx, ws, r++, 0, buf, ctx->subtitle);
        const char *ah[] = {"Response", "Unit", "CV R² (Q²)", "CV RMSE", "Training RMSE",
                            "Quadratic baseline CV RMSE"};
        sg_rheader_row(ctx, ws, r, ah, 6, SG_RSUMMARY_COL_WIDTH);
        r++;
        for (size_t k = 0; k < in->n_responses; k++, r++) {
            const sg_cv_response *cr = &cv->resp[k];
            int d = sg_rfmt_decimals_sig(cr->net.rmse);
            if (d > 4)
                d = 4;
            sg_rstr(ctx, ws, r, 0, in->responses[k].name, ctx->text);
            sg_rstr(ctx, ws, r, 1, in->responses[k].unit, ctx->text);
            if (cr->n_classes >= 2) { /* names: class figures, not R² of codes */
                sg_num_snprintf(buf, sizeof buf,
                                "accuracy %.0f%%, balanced %.0f%%, log-loss %.3f (Validation "
                                "sheet)",
                                100 * cr->cls.accuracy, 100 * cr->cls.balanced_accuracy,
                                cr->cls.log_loss);
                sg_rstr(ctx, ws, r, 2, buf, ctx->note);
                continue;
            }
            if (cr->net.r2_ok)
                sg_rnum(ctx, ws, r, 2, cr->net.r2, ctx->num[4]);
            else
                sg_rstr(ctx, ws, r, 2, cr->net.reason, ctx->note);
            sg_rnum(ctx, ws, r, 3, cr->net.rmse, ctx->num_bold[d]);
            if (in->train_metrics)
                sg_rnum(ctx, ws, r, 4, in->train_metrics[k].rmse, ctx->num[d]);
            if (cr->rsm_ok)
                sg_rnum(ctx, ws, r, 5, cr->rsm.rmse, ctx->num[d]);
            else
                sg_rstr(ctx, ws, r, 5, "not available", ctx->note);
        }
        r++;
    }

    /* warnings */
    sg_rstr(ctx, ws, r++, 0, "Warnings", ctx->subtitle);
    if (in->n_warnings == 0)
        sg_rstr(ctx, ws, r++, 0, "None.", ctx->text);
    for (size_t w = 0; w < in->n_warnings; w++, r++) {
        /* merge first, then write the text into the first cell so that an
         * over-long string is reported instead of silently dropped */
        merged_text(ctx, ws, r, 0, in->warnings[w] ? in->warnings[w] : "", ctx->warn);
    }
    r++;

    /* sheet guide */
    sg_rstr(ctx, ws, r++, 0, "Sheets in this workbook", ctx->subtitle);
    struct {
        bool present;
        const char *name, *what;
    } guide[] = {
        {in->table != NULL, "Data", "the table as read, excluded runs and suspicious cells"},
        {in->stats != NULL, "Statistics", "descriptive statistics and correlations"},
        {in->effects != NULL, "Main effects", "level means, S/N ratios and ANOVA"},
        {sg_report_has_regression(in), "Regression",
         "the quadratic's terms, their significance and its equation"},
        {in->model != NULL, "Model", "network architecture, scaling and training"},
        {in->cv != NULL, "Validation", "cross-validated accuracy and baseline"},
        {in->optim != NULL, "Optimization", "multistart search and its statistics"},
        {in->model != NULL, "Response surface",
         "the prediction over the two most influential factors"},
        {in->sensitivity != NULL, "Sensitivity", "Sobol indices: which factors matter, how much"},
        {in->model != NULL, "Calculator", "type settings, get predictions (live formulas)"},
    };
    for (size_t g = 0; g < sizeof guide / sizeof guide[0]; g++) {
        if (!guide[g].present)
            continue;
        sg_rstr(ctx, ws, r, 0, guide[g].name, ctx->bold);
        sg_rstr(ctx, ws, r, 1, guide[g].what, ctx->text);
        r++;
    }

    sg_rcolumns(ctx, ws, 0, 0, SG_RSUMMARY_FIRST_WIDTH);
    sg_rcolumns(ctx, ws, 1, 5, SG_RSUMMARY_COL_WIDTH);
    worksheet_activate(ws);
    return SG_OK;
}
