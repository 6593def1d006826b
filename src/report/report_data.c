/* report_data.c — the Data and Statistics sheets. */
#include "report/report_internal.h"
#include "core/num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Most decimals shown for data values. */
#define SG_RDATA_MAX_DECIMALS 4

/* Header text "name [unit]" of table column j (factors then responses). */
static void col_label(const sg_report_input *in, size_t j, char *buf, size_t size)
{
    if (j < in->n_factors)
        sg_rlabel(buf, size, in->factors[j].name, in->factors[j].unit);
    else
        sg_rlabel(buf, size, in->responses[j - in->n_factors].name,
                  in->responses[j - in->n_factors].unit);
}

static const char *col_unit(const sg_report_input *in, size_t j)
{
    return j < in->n_factors ? in->factors[j].unit : in->responses[j - in->n_factors].unit;
}

static double header_width(const char *s, double min)
{
    double w = (double)strlen(s) * 1.1 + 2.0;
    if (w < min)
        w = min;
    return w > SG_RFMT_MAX_WIDTH ? SG_RFMT_MAX_WIDTH : w;
}

/* The suspicious-run entry of (row, response), or NULL. */
static const sg_outlier *find_outlier(const sg_cv_result *cv, size_t row, size_t k)
{
    if (!cv)
        return NULL;
    for (size_t i = 0; i < cv->n_outliers; i++)
        if (cv->outliers[i].row == row && cv->outliers[i].response == k)
            return &cv->outliers[i];
    return NULL;
}

/* A run identifier as a number when it is one ("12"), else as text. */
static void run_cell(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t row, const char *id)
{
    char *end = NULL;
    double v = id && id[0] ? sg_num_parse(id, &end) : NAN;
    if (end && *end == '\0' && isfinite(v))
        RC(ctx, sg_rnumber(ctx, ws, row, 1, v, ctx->num[sg_rfmt_decimals_exact(&v, 1, 1)]));
    else
        sg_rstr(ctx, ws, row, 1, id, ctx->text);
}

sg_status sg_report_sheet_data(sg_rctx *ctx, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const sg_table *t = in->table;
    if (!t)
        return SG_OK;
    lxw_worksheet *ws = workbook_add_worksheet(ctx->wb, "Data");
    if (!ws)
        return sg_error_set(err, SG_ERR_NOMEM, "report: cannot add the Data sheet");
    char buf[512];
    size_t nc = t->n_cols;
    bool has_run = t->run_id != NULL;
    lxw_col_t c0 = has_run ? 2 : 1; /* first value column */

    snprintf(buf, sizeof buf, "Data as read from %s", in->data_file ? in->data_file : t->path);
    sg_rstr(ctx, ws, 0, 0, buf, ctx->title);
    snprintf(buf, sizeof buf,
             "%zu runs used, %zu excluded (listed below the table). Red cells: suspicious "
             "runs (held-out residual far from the others; hover for details).",
             t->n_rows, t->n_excluded);
    sg_rstr(ctx, ws, 1, 0, buf, ctx->note);

    lxw_row_t hr = 3;
    sg_rprint_titles(ctx, ws, 0, hr);
    sg_rstr(ctx, ws, hr, 0, "Data row", ctx->header);
    sg_rcolumns(ctx, ws, 0, 0, 10);
    if (has_run) {
        sg_rstr(ctx, ws, hr, 1, "Run", ctx->header);
        sg_rcolumns(ctx, ws, 1, 1, 10);
    }
    for (size_t j = 0; j < nc; j++) {
        col_label(in, j, buf, sizeof buf);
        sg_rstr(ctx, ws, hr, c0 + (lxw_col_t)j, buf, ctx->header);
        sg_rcolumns(ctx, ws, c0 + (lxw_col_t)j, c0 + (lxw_col_t)j, header_width(buf, 12));
    }
    for (size_t j = 0; j < nc; j++) {
        int d = sg_rfmt_decimals_exact(t->x + j, t->n_rows, nc);
        if (d > SG_RDATA_MAX_DECIMALS)
            d = SG_RDATA_MAX_DECIMALS;
        for (size_t r = 0; r < t->n_rows; r++) {
            lxw_row_t row = hr + 1 + (lxw_row_t)r;
            double v = sg_table_at(t, r, j);
            const sg_outlier *o =
                j >= in->n_factors ? find_outlier(in->cv, r, j - in->n_factors) : NULL;
            const char *name = sg_rname_of(in, j, v);
            if (name) {
                sg_rstr(ctx, ws, row, c0 + (lxw_col_t)j, name, NULL);
                continue;
            }
            sg_rnum(ctx, ws, row, c0 + (lxw_col_t)j, v, o ? ctx->suspicious_num[d] : ctx->num[d]);
            if (o) {
                char iv[64];
                sg_model_interval_text(o->log_scale, o->half_width, -2, col_unit(in, j), iv,
                                       sizeof iv);
                sg_num_snprintf(buf, sizeof buf,
                         "Suspicious: observed %.6g %s, cross-validated prediction %.6g "
                         "%s (robust z = %.1f). Check this simulation.",
                         o->observed, col_unit(in, j), o->predicted, iv, o->z);
                RC(ctx, worksheet_write_comment(ws, row, c0 + (lxw_col_t)j, buf));
            }
        }
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        lxw_row_t row = hr + 1 + (lxw_row_t)r;
        RC(ctx, sg_rnumber(ctx, ws, row, 0, (double)(t->row ? t->row[r] : r + 1),
                           ctx->integer));
        if (has_run)
            run_cell(ctx, ws, row, t->run_id[r]);
    }
    lxw_row_t last = hr + (lxw_row_t)t->n_rows;
    RC(ctx, worksheet_autofilter(ws, hr, 0, last, (lxw_col_t)(c0 + nc - 1)));
    worksheet_freeze_panes(ws, hr + 1, 0);
    RC(ctx, worksheet_set_row(ws, hr, 30, NULL));

    /* excluded runs */
    lxw_row_t r = last + 2;
    sg_rstr(ctx, ws, r++, 0, "Excluded runs", ctx->subtitle);
    if (t->n_excluded == 0) {
        sg_rstr(ctx, ws, r, 0, "None: every run was used.", ctx->text);
    } else {
        const char *eh[] = {"Data row", "Run", "File line", "Reason"};
        for (int c = 0; c < 4; c++)
            sg_rstr(ctx, ws, r, (lxw_col_t)c, eh[c], ctx->header);
        r++;
        for (size_t e = 0; e < t->n_excluded; e++, r++) {
            const sg_excluded_row *x = &t->excluded[e];
            RC(ctx, sg_rnumber(ctx, ws, r, 0, (double)x->row, ctx->integer));
            sg_rstr(ctx, ws, r, 1, x->run_id, ctx->text);
            RC(ctx, sg_rnumber(ctx, ws, r, 2, (double)x->line, ctx->integer));
            char why[SG_TABLE_REASON_MAX];
            sg_rstr(ctx, ws, r, 3, sg_table_exclude_reason(t, x, why, sizeof why), ctx->excluded);
        }
    }
    return SG_OK;
}

/* "names: BNi-2 12, BNi-5 12, BAg-8 12" into buf when column j (factors,
 * then responses) holds names: how many runs have each.  False for a
 * number. */
static bool name_counts(const sg_report_input *in, size_t j, char *buf, size_t cap)
{
    bool factor = j < in->n_factors;
    size_t k = factor ? in->factors[j].n_levels : in->responses[j - in->n_factors].n_labels;
    char *const *labels =
        factor ? in->factors[j].labels : in->responses[j - in->n_factors].labels;
    if (!labels || !in->table)
        return false;
    size_t off = (size_t)snprintf(buf, cap, "names:");
    for (size_t c = 0; c < k && off < cap; c++) {
        size_t count = 0;
        for (size_t r = 0; r < in->table->n_rows; r++)
            count += sg_table_at(in->table, r, j) == (double)c;
        off += (size_t)snprintf(buf + off, cap - off, "%s %s %zu", c ? "," : "", labels[c],
                                count);
    }
    return true;
}

sg_status sg_report_sheet_stats(sg_rctx *ctx, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    if (!in->stats)
        return SG_OK;
    lxw_worksheet *ws = workbook_add_worksheet(ctx->wb, "Statistics");
    if (!ws)
        return sg_error_set(err, SG_ERR_NOMEM, "report: cannot add the Statistics sheet");
    size_t nc = in->n_factors + in->n_responses;
    char buf[256];
    sg_rstr(ctx, ws, 0, 0, "Descriptive statistics of the runs used", ctx->title);
    sg_rstr(ctx, ws, 1, 0,
            "sd: sample standard deviation (n - 1). Quartiles interpolate linearly between "
            "order statistics (as Excel's QUARTILE.INC). All values in the column's unit.",
            ctx->note);
    lxw_row_t hr = 3;
    sg_rprint_titles(ctx, ws, 0, hr);
    const char *h[] = {"Column [unit]", "n", "Mean", "sd", "Min", "Q1", "Median", "Q3", "Max",
                       "Note"};
    for (int c = 0; c < 10; c++)
        sg_rstr(ctx, ws, hr, (lxw_col_t)c, h[c], ctx->header);
    double wmax = 14;
    for (size_t j = 0; j < nc; j++) {
        const sg_col_stats *s = &in->stats[j];
        lxw_row_t r = hr + 1 + (lxw_row_t)j;
        col_label(in, j, buf, sizeof buf);
        if (header_width(buf, 14) > wmax)
            wmax = header_width(buf, 14);
        sg_rstr(ctx, ws, r, 0, buf, ctx->bold);
        RC(ctx, sg_rnumber(ctx, ws, r, 1, (double)s->n, ctx->integer));
        if (name_counts(in, j, buf, sizeof buf)) { /* codes of names: no mean or quartiles */
            sg_rstr(ctx, ws, r, 9, buf, ctx->text);
            continue;
        }
        double vals[7] = {s->mean, s->sd, s->min, s->q1, s->median, s->q3, s->max};
        /* order statistics at the data's own resolution ("30 min", not
         * "30.0000 min"); mean and sd two decimals finer, at most 6 digits */
        int d = sg_rfmt_decimals_exact(vals + 2, 5, 1);
        if (d > SG_RDATA_MAX_DECIMALS)
            d = SG_RDATA_MAX_DECIMALS;
        int dm = sg_rfmt_decimals_sig(fmax(fabs(s->min), fabs(s->max)));
        if (dm > d + 2)
            dm = d + 2;
        if (dm < d)
            dm = d;
        for (int c = 0; c < 7; c++)
            sg_rnum(ctx, ws, r, 2 + (lxw_col_t)c, vals[c], ctx->num[c < 2 ? dm : d]);
        if (s->constant)
            sg_rstr(ctx, ws, r, 9, "constant column", ctx->warn);
    }
    sg_rcolumns(ctx, ws, 0, 0, wmax);
    sg_rcolumns(ctx, ws, 1, 8, 12);
    sg_rcolumns(ctx, ws, 9, 9, 30);
    worksheet_freeze_panes(ws, hr + 1, 1);

    if (!in->corr)
        return SG_OK;
    lxw_row_t cr = hr + (lxw_row_t)nc + 4;
    sg_rstr(ctx, ws, cr - 2, 0, "Correlation matrix (Pearson r, unitless)", ctx->subtitle);
    sg_rstr(ctx, ws, cr - 1, 0,
            "Blue: negative, white: none, red: positive. n/a: a constant column, or three or "
            "more names without an order (two names read as 0 and 1).",
            ctx->note);
    sg_rstr(ctx, ws, cr, 0, "", ctx->header);
    for (size_t j = 0; j < nc; j++) {
        col_label(in, j, buf, sizeof buf);
        sg_rstr(ctx, ws, cr, 1 + (lxw_col_t)j, buf, ctx->header);
        sg_rstr(ctx, ws, cr + 1 + (lxw_row_t)j, 0, buf, ctx->bold);
        for (size_t i = 0; i < nc; i++) {
            bool def = !in->corr_defined || in->corr_defined[j * nc + i];
            lxw_row_t r = cr + 1 + (lxw_row_t)j;
            if (def)
                sg_rnum(ctx, ws, r, 1 + (lxw_col_t)i, in->corr[j * nc + i], ctx->num[3]);
            else
                sg_rstr(ctx, ws, r, 1 + (lxw_col_t)i, "n/a", ctx->note);
        }
    }
    RC(ctx, worksheet_set_row(ws, cr, 45, NULL));
    lxw_conditional_format cf;
    memset(&cf, 0, sizeof cf);
    cf.type = LXW_CONDITIONAL_3_COLOR_SCALE;
    cf.min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER;
    cf.min_value = -1.0;
    cf.min_color = 0x5A8AC6;
    cf.mid_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER;
    cf.mid_value = 0.0;
    cf.mid_color = 0xFFFFFF;
    cf.max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER;
    cf.max_value = 1.0;
    cf.max_color = 0xF8696B;
    RC(ctx, worksheet_conditional_format_range(ws, cr + 1, 1, cr + (lxw_row_t)nc,
                                               (lxw_col_t)nc, &cf));
    return SG_OK;
}
