/* report_optim.c — the Optimization sheet: settings and budgets, one row per
 * start, statistics over starts, distinct optima, the continuous and the
 * realisable optimum, and a chart of the final objective per start. */
#include "report/report_internal.h"
#include "core/num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows kept free for the chart of the final objective per start. */
#define SG_ROPT_CHART_ROWS 20

static int factor_decimals(const sg_report_factor *f)
{
    double b[2] = {f->min, f->max};
    int d = sg_rfmt_decimals_exact(b, 2, 1) + 2;
    return d > 4 ? 4 : d;
}

/* One settings row: factor values from column c. */
static void settings_cells(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                           const double *x)
{
    const sg_report_input *in = ctx->in;
    for (size_t i = 0; i < in->n_factors; i++) {
        const char *name = sg_rname_of(in, i, x[i]);
        if (name)
            sg_rstr(ctx, ws, r, c + (lxw_col_t)i, name, NULL);
        else
            sg_rnum(ctx, ws, r, c + (lxw_col_t)i, x[i],
                    ctx->num[factor_decimals(&in->factors[i])]);
    }
}

static void settings_header(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                            const char *prefix)
{
    const sg_report_input *in = ctx->in;
    char buf[256];
    for (size_t i = 0; i < in->n_factors; i++) {
        const sg_report_factor *f = &in->factors[i];
        if (f->unit && f->unit[0])
            snprintf(buf, sizeof buf, "%s%s [%s]", prefix, f->name, f->unit);
        else
            snprintf(buf, sizeof buf, "%s%s", prefix, f->name);
        sg_rstr(ctx, ws, r, c + (lxw_col_t)i, buf, ctx->header);
    }
}

/* Column chart of the final objective per start (table rows h+1.., column
 * c_obj).  The value axis starts at zero (ends at zero for negative
 * objectives) and says so: spreadsheets otherwise zoom onto the bars' own
 * range, drawing a 0.01 % difference between starts as the whole axis. */
static lxw_chart *start_chart(sg_rctx *ctx, const sg_optim_result *o, const char *obj,
                              lxw_row_t h, lxw_col_t c_obj)
{
    const sg_report_input *in = ctx->in;
    char title[512], yl[200];
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < o->n_starts; i++)
        if (isfinite(o->starts[i].f)) {
            lo = fmin(lo, o->starts[i].f);
            hi = fmax(hi, o->starts[i].f);
        }
    const char *from = lo >= 0.0 ? ", axis from 0" : hi <= 0.0 ? ", axis to 0" : "";
    snprintf(title, sizeof title, "Final objective per start (%s)", obj);
    char unit[128];
    sg_rlabel(unit, sizeof unit, "Final objective", in->optim_objective_unit);
    snprintf(yl, sizeof yl, "%s%s", unit, from);
    lxw_chart *ch = sg_rchart(ctx, LXW_CHART_COLUMN, title, "Start number", yl);
    if (!ch)
        return NULL;
    lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
    if (!se)
        return NULL;
    lxw_row_t last = h + (lxw_row_t)o->n_starts;
    chart_series_set_categories(se, "Optimization", h + 1, 0, last, 0);
    chart_series_set_values(se, "Optimization", h + 1, c_obj, last, c_obj);
    chart_series_set_name(se, "final objective");
    chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
    if (lo >= 0.0)
        chart_axis_set_min(ch->y_axis, 0.0);
    else if (hi <= 0.0)
        chart_axis_set_max(ch->y_axis, 0.0);
    return ch;
}

sg_status sg_report_sheet_optim(sg_rctx *ctx, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const sg_optim_result *o = in->optim;
    if (!o)
        return SG_OK;
    lxw_worksheet *ws = workbook_add_worksheet(ctx->wb, "Optimization");
    if (!ws)
        return sg_error_set(err, SG_ERR_NOMEM, "report: cannot add the Optimization sheet");
    size_t nf = in->n_factors, nc = o->n_cons;
    char buf[512];
    const char *obj = in->optim_objective ? in->optim_objective : "objective";
    char obj_h[128];
    sg_rlabel(obj_h, sizeof obj_h, "Objective", in->optim_objective_unit);

    sg_rstr(ctx, ws, 0, 0, "Optimization of the process settings on the surrogate", ctx->title);
    lxw_row_t r = 2;
    sg_rstr(ctx, ws, r, 0, "Objective", ctx->bold);
    sg_rstr(ctx, ws, r++, 1, obj, ctx->text);
    if (in->n_optim_settings > 0) {
        /* the caller's list already names the stages, starts and work */
        for (size_t i = 0; i < in->n_optim_settings; i++, r++) {
            sg_rstr(ctx, ws, r, 0, in->optim_setting_names[i], ctx->bold);
            sg_rstr(ctx, ws, r, 1, in->optim_setting_values[i], ctx->text);
        }
    } else {
        char starts[128], work[128];
        snprintf(starts, sizeof starts, "%zu (scrambled Sobol points over the bounds)",
                 o->n_starts);
        snprintf(work, sizeof work, "%ld surrogate evaluations, %u thread%s", o->total_evals,
                 o->threads, o->threads == 1 ? "" : "s");
        const char *kv[][2] = {{"Global stage", o->global_alg[0] ? o->global_alg : "none"},
                               {"Local stage", o->local_alg[0] ? o->local_alg : "none"},
                               {"Starts", starts},
                               {"Work", work}};
        for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++, r++) {
            sg_rstr(ctx, ws, r, 0, kv[i][0], ctx->bold);
            sg_rstr(ctx, ws, r, 1, kv[i][1], ctx->text);
        }
    }
    r++;

    /* the answer */
    sg_rstr(ctx, ws, r++, 0, "Optimum", ctx->subtitle);
    sg_rstr(ctx, ws, r, 0, "", ctx->header);
    settings_header(ctx, ws, r, 1, "");
    sg_rstr(ctx, ws, r, 1 + (lxw_col_t)nf, obj_h, ctx->header);
    sg_rstr(ctx, ws, r, 2 + (lxw_col_t)nf, "Note", ctx->header);
    RC(ctx, worksheet_set_row(ws, r, 30, NULL));
    r++;
    sg_rstr(ctx, ws, r, 0, "Continuous optimum", ctx->bold);
    settings_cells(ctx, ws, r, 1, o->best_x);
    sg_rnum(ctx, ws, r, 1 + (lxw_col_t)nf, o->best_f, ctx->num_bold[sg_rfmt_decimals_sig(o->best_f)]);
    {
        size_t off = (size_t)snprintf(buf, sizeof buf, "%s",
                                      o->feasible ? "feasible" : "NO feasible point found");
        for (size_t i = 0; i < nf && o->active_bound && off < sizeof buf; i++)
            if (o->active_bound[i])
                off += (size_t)snprintf(buf + off, sizeof buf - off, "; %s at its %s bound",
                                        in->factors[i].name,
                                        o->active_bound[i] < 0 ? "lower" : "upper");
        sg_rstr(ctx, ws, r, 2 + (lxw_col_t)nf, buf, ctx->note);
    }
    r++;
    const sg_optim_realisable *re = &o->realisable;
    if (re->needed) {
        sg_rstr(ctx, ws, r, 0, "Realisable optimum", ctx->bold);
        if (re->found) {
            settings_cells(ctx, ws, r, 1, re->x);
            sg_rnum(ctx, ws, r, 1 + (lxw_col_t)nf, re->f,
                    ctx->num_bold[sg_rfmt_decimals_sig(re->f)]);
            sg_num_snprintf(buf, sizeof buf,
                     "on the allowed steps/levels; objective change from snapping %.3g "
                     "(%s, %zu points evaluated)",
                     re->loss, re->enumerated_grid ? "whole grid searched" : "neighbours searched",
                     re->n_evaluated);
        } else {
            snprintf(buf, sizeof buf, "no feasible realisable point among %zu evaluated",
                     re->n_evaluated);
        }
        sg_rstr(ctx, ws, r, 2 + (lxw_col_t)nf, buf, ctx->note);
        r++;
    }
    r++;

    /* statistics over starts */
    const sg_optim_stats *s = &o->stats;
    snprintf(buf, sizeof buf, "Statistics of the final objective over the starts%s%s%s",
             in->optim_objective_unit && in->optim_objective_unit[0] ? " [" : "",
             in->optim_objective_unit ? in->optim_objective_unit : "",
             in->optim_objective_unit && in->optim_objective_unit[0] ? "]" : "");
    sg_rstr(ctx, ws, r++, 0, buf, ctx->subtitle);
    const char *sh[] = {"Starts used", "Best", "Worst", "Mean", "sd", "Q1", "Median", "Q3",
                        "Share reaching the best"};
    for (int c = 0; c < 9; c++)
        sg_rstr(ctx, ws, r, (lxw_col_t)c, sh[c], ctx->header);
    RC(ctx, worksheet_set_row(ws, r, 30, NULL));
    r++;
    int d = sg_rfmt_decimals_sig(s->best);
    RC(ctx, sg_rnumber(ctx, ws, r, 0, (double)s->n, ctx->integer));
    double sv[7] = {s->best, s->worst, s->mean, s->sd, s->q1, s->median, s->q3};
    for (int c = 0; c < 7; c++)
        sg_rnum(ctx, ws, r, 1 + (lxw_col_t)c, sv[c], ctx->num[d]);
    sg_rnum(ctx, ws, r, 8, s->frac_reach_best, ctx->pct);
    r += 2;

    /* distinct optima */
    sg_rstr(ctx, ws, r++, 0, "Distinct optima found (final points clustered)", ctx->subtitle);
    sg_rstr(ctx, ws, r, 0, "Optimum", ctx->header);
    settings_header(ctx, ws, r, 1, "");
    sg_rstr(ctx, ws, r, 1 + (lxw_col_t)nf, obj_h, ctx->header);
    sg_rstr(ctx, ws, r, 2 + (lxw_col_t)nf, "Starts ending here", ctx->header);
    RC(ctx, worksheet_set_row(ws, r, 30, NULL));
    r++;
    for (size_t c = 0; c < o->n_clusters; c++, r++) {
        const sg_optim_cluster *cl = &o->clusters[c];
        RC(ctx, sg_rnumber(ctx, ws, r, 0, (double)(c + 1), ctx->integer));
        settings_cells(ctx, ws, r, 1, cl->x);
        sg_rnum(ctx, ws, r, 1 + (lxw_col_t)nf, cl->f, ctx->num[d]);
        RC(ctx, sg_rnumber(ctx, ws, r, 2 + (lxw_col_t)nf, (double)cl->count,
                           ctx->integer));
    }
    r++;

    /* room for the chart of the final objective per start */
    lxw_row_t chart_row = r;
    if (o->n_starts > 0)
        r += SG_ROPT_CHART_ROWS;

    /* one row per start */
    sg_rstr(ctx, ws, r++, 0, "Every start", ctx->subtitle);
    lxw_row_t h = r;
    sg_rstr(ctx, ws, h, 0, "Start", ctx->header);
    settings_header(ctx, ws, h, 1, "start ");
    settings_header(ctx, ws, h, 1 + (lxw_col_t)nf, "final ");
    lxw_col_t c = 1 + (lxw_col_t)(2 * nf);
    lxw_col_t c_obj = c;
    sg_rstr(ctx, ws, h, c++, obj_h, ctx->header);
    for (size_t j = 0; j < nc; j++) {
        if (in->optim_constraint_names && in->optim_constraint_names[j])
            snprintf(buf, sizeof buf, "%s (g%zu)", in->optim_constraint_names[j], j + 1);
        else
            snprintf(buf, sizeof buf, "g%zu (<= 0)", j + 1);
        sg_rstr(ctx, ws, h, c++, buf, ctx->header);
    }
    sg_rstr(ctx, ws, h, c++, "Feasible", ctx->header);
    sg_rstr(ctx, ws, h, c++, "Evaluations", ctx->header);
    sg_rstr(ctx, ws, h, c++, "Stop reason", ctx->header);
    RC(ctx, worksheet_set_row(ws, h, 30, NULL));
    for (size_t i = 0; i < o->n_starts; i++) {
        const sg_optim_start *st = &o->starts[i];
        lxw_row_t rr = h + 1 + (lxw_row_t)i;
        RC(ctx, sg_rnumber(ctx, ws, rr, 0, (double)(i + 1), ctx->integer));
        settings_cells(ctx, ws, rr, 1, st->x0);
        settings_cells(ctx, ws, rr, 1 + (lxw_col_t)nf, st->x);
        c = c_obj;
        sg_rnum(ctx, ws, rr, c++, st->f, ctx->num[d]);
        for (size_t j = 0; j < nc; j++)
            sg_rnum(ctx, ws, rr, c++, st->g[j], ctx->num[4]);
        sg_rstr(ctx, ws, rr, c++, st->failed ? "failed" : st->feasible ? "yes" : "no",
                ctx->text);
        RC(ctx, sg_rnumber(ctx, ws, rr, c++, (double)st->evals, ctx->integer));
        sg_rstr(ctx, ws, rr, c++, st->stop_reason, ctx->text);
    }
    lxw_row_t last = h + (lxw_row_t)o->n_starts;
    if (nc > 0) {
        lxw_row_t cr = last + 2;
        sg_rstr(ctx, ws, cr, 0, "Constraints g(x) <= 0", ctx->bold);
        sg_rstr(ctx, ws, cr++, 3, "g at the optimum", ctx->header);
        for (size_t j = 0; j < nc; j++, cr++) {
            snprintf(buf, sizeof buf, "g%zu", j + 1);
            sg_rstr(ctx, ws, cr, 0, buf, ctx->text);
            sg_rstr(ctx, ws, cr, 1,
                    in->optim_constraint_names && in->optim_constraint_names[j]
                        ? in->optim_constraint_names[j]
                        : "(see the study's [optimize] constraints)",
                    ctx->text);
            sg_rnum(ctx, ws, cr, 3, o->best_g ? o->best_g[j] : NAN, ctx->num[4]);
            if (o->active_con && o->active_con[j])
                sg_rstr(ctx, ws, cr, 4, "active at the optimum", ctx->warn);
        }
        last = cr;
    }
    sg_rcolumns(ctx, ws, 0, 0, 20);
    sg_rcolumns(ctx, ws, 1, c - 2, 13);
    sg_rcolumns(ctx, ws, c - 1, c - 1, 20); /* stop reason */
    sg_rcolumns(ctx, ws, c, c, 13);

    /* chart: final objective per start */
    if (o->n_starts > 0) {
        lxw_chart *ch = start_chart(ctx, o, obj, h, c_obj);
        if (!ch)
            return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for a chart");
        sg_rinsert_chart(ctx, ws, chart_row, 0, ch);
    }
    (void)last;
    return SG_OK;
}
