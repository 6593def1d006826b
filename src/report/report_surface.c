/* report_surface.c — the Response surface sheet: the surrogate's prediction
 * of one response over a grid of the two factors that move it most, the
 * other factors held at the recommended settings (the Calculator's start).
 *
 * Layout: a note naming the response, the held factors and how the two
 * were chosen; a table of how far each factor alone moves the response
 * over its bounds (with a bar chart); the grid (rows: the most influential
 * factor, columns: the second) coloured by a 3-colour scale, tested runs
 * and the recommended settings marked; a chart of slices of the grid. */
#include "report/report_internal.h"
#include "core/num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grid points per factor (odd, so a 3-level design's middle level is on it). */
#define SG_RSURF_N 11
/* Points per factor of the one-at-a-time influence scan. */
#define SG_RSURF_SCAN 21
/* A run marks a grid cell when it lies within this share of a grid step. */
#define SG_RSURF_SNAP 0.05
/* Width of the grid's value columns in characters. */
#define SG_RSURF_COL_WIDTH 9.0
/* Colour scale: better, middle, worse for the goal. */
#define SG_RSURF_GOOD 0x63BE7B
#define SG_RSURF_MID 0xFFEB84
#define SG_RSURF_BAD 0xF8696B

/* The response shown: the first with a goal to minimise or maximise, else
 * the first. *sense = -1 minimise, +1 maximise, 0 none. */
static size_t pick_response(const sg_report_input *in, int *sense)
{
    for (size_t k = 0; k < in->n_responses; k++) {
        const char *g = in->responses[k].goal;
        if (g && (strcmp(g, "minimize") == 0 || strcmp(g, "maximize") == 0)) {
            *sense = g[1] == 'i' ? -1 : 1;
            return k;
        }
    }
    *sense = 0;
    return 0;
}

/* Factor i is gridded over the decades of its bounds: the model sees it on
 * a log scale ([[factor]] scale), so its grid is geometric. */
static bool log_grid(const sg_rctx *ctx, size_t i)
{
    return sg_model_factor_is_log(ctx->in->model, i) && ctx->in->factors[i].min > 0;
}

/* Share u in [0, 1] of f's bounds at v (over log10 of them when lg). */
static double share_of(const sg_report_factor *f, bool lg, double v)
{
    if (lg)
        return v > 0 ? log(v / f->min) / log(f->max / f->min) : -1.0;
    return (v - f->min) / (f->max - f->min);
}

/* Grid value j of n over factor f's bounds (geometric when lg). */
static double grid_value(const sg_report_factor *f, bool lg, size_t j, size_t n)
{
    double u = (double)j / (double)(n - 1);
    return lg ? f->min * pow(f->max / f->min, u) : f->min + (f->max - f->min) * u;
}

/* Range of response k when factor i alone sweeps its bounds from the
 * settings, for every factor, into range (nf); X and Y are work arrays of
 * SG_RSURF_SCAN * nf and SG_RSURF_SCAN * nr values. */
static sg_status influence(sg_rctx *ctx, size_t k, double *range, double *X, double *Y,
                           sg_error *err)
{
    const sg_report_input *in = ctx->in;
    size_t nf = in->n_factors, nr = in->n_responses;
    for (size_t i = 0; i < nf; i++) {
        for (size_t j = 0; j < SG_RSURF_SCAN; j++) {
            memcpy(X + j * nf, ctx->settings, nf * sizeof *X);
            X[j * nf + i] = grid_value(&in->factors[i], log_grid(ctx, i), j, SG_RSURF_SCAN);
        }
        sg_status st = sg_model_predict_batch(in->model, ctx->mw, X, SG_RSURF_SCAN, Y, NULL, err);
        if (st != SG_OK)
            return st;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t j = 0; j < SG_RSURF_SCAN; j++) {
            lo = fmin(lo, Y[j * nr + k]);
            hi = fmax(hi, Y[j * nr + k]);
        }
        range[i] = hi - lo;
    }
    return SG_OK;
}

/* Grid index of value v on factor f's grid, or -1 when v is off the grid. */
static int grid_index(const sg_report_factor *f, bool lg, double v)
{
    double u = share_of(f, lg, v) * (SG_RSURF_N - 1), j = nearbyint(u);
    if (j < 0 || j > SG_RSURF_N - 1 || fabs(u - j) > SG_RSURF_SNAP)
        return -1;
    return (int)j;
}

/* Nearest grid index of v (clamped). */
static int grid_nearest(const sg_report_factor *f, bool lg, double v)
{
    double j = nearbyint(share_of(f, lg, v) * (SG_RSURF_N - 1));
    return (int)fmin(fmax(j, 0.0), SG_RSURF_N - 1);
}

/* The influence table from row r (factors by decreasing range, order[])
 * with its bar chart at (r, chart_col); returns the next free row. */
static lxw_row_t influence_table(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, size_t k,
                                 const double *range, const size_t *order, int d,
                                 sg_status *st, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    size_t nf = in->n_factors;
    char buf[300], lab[200];
    sg_rlabel(lab, sizeof lab, in->responses[k].name, in->responses[k].unit);
    snprintf(buf, sizeof buf,
             "How far each factor alone moves %s over its bounds (the others at these "
             "settings)",
             lab);
    sg_rstr(ctx, ws, r++, 0, buf, ctx->bold);
    lxw_row_t h = r;
    sg_rlabel(lab, sizeof lab, "Change", in->responses[k].unit);
    const char *hdr[] = {"Factor", lab};
    sg_rheader_row(ctx, ws, h, hdr, 2, SG_RSURF_COL_WIDTH);
    for (size_t q = 0; q < nf; q++) {
        sg_rstr(ctx, ws, h + 1 + (lxw_row_t)q, 0, in->factors[order[q]].name, ctx->text);
        sg_rnum(ctx, ws, h + 1 + (lxw_row_t)q, 1, range[order[q]], ctx->num[d]);
    }
    sg_rlabel(lab, sizeof lab, "Change over the bounds", in->responses[k].unit);
    snprintf(buf, sizeof buf, "%s: influence of each factor (one at a time)",
             in->responses[k].name);
    lxw_chart *ch = sg_rchart(ctx, LXW_CHART_BAR, buf, lab, "Factor");
    lxw_chart_series *s = ch ? chart_add_series(ch, NULL, NULL) : NULL;
    if (!s) {
        *st = sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for a chart");
        return r;
    }
    lxw_row_t last = h + (lxw_row_t)nf;
    chart_series_set_categories(s, "Response surface", h + 1, 0, last, 0);
    chart_series_set_values(s, "Response surface", h + 1, 1, last, 1);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
    chart_axis_set_min(ch->x_axis, 0.0);
    chart_axis_set_reverse(ch->y_axis); /* largest on top, as in the table */
    sg_rinsert_chart(ctx, ws, h, 3, ch);
    lxw_row_t end = last + 2;
    lxw_row_t chart_end = h + 19;
    return end > chart_end ? end : chart_end;
}

/* Cell formats of the grid: plain, a tested run (bold, boxed) and the
 * recommended settings (bold, thick box), with d decimals, or in
 * scientific notation where those would show every value as 0 (sci, as
 * sg_rnumber does for the plain cells); NULL on OOM. */
static bool grid_formats(sg_rctx *ctx, int d, bool sci, lxw_format **tested, lxw_format **rec)
{
    char nf[16] = "0";
    if (sci)
        snprintf(nf, sizeof nf, "0.000000E+00");
    else if (d > 0) {
        nf[1] = '.';
        memset(nf + 2, '0', (size_t)d);
        nf[2 + d] = '\0';
    }
    *tested = workbook_add_format(ctx->wb);
    *rec = workbook_add_format(ctx->wb);
    if (!*tested || !*rec)
        return false;
    format_set_num_format(*tested, nf);
    format_set_bold(*tested);
    format_set_border(*tested, LXW_BORDER_THIN);
    format_set_num_format(*rec, nf);
    format_set_bold(*rec);
    format_set_italic(*rec);
    format_set_border(*rec, LXW_BORDER_THICK);
    return true;
}

/* The grid of predictions G (SG_RSURF_N x SG_RSURF_N, rows: factor a,
 * columns: factor b) from row r; returns the row after it. */
static lxw_row_t grid_table(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, size_t a, size_t b,
                            const double *G, int sense, int d, sg_status *st, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const sg_report_factor *fa = &in->factors[a], *fb = &in->factors[b];
    char la[200], lb[200], buf[420];
    lxw_format *tested, *rec;
    double top = 0;
    for (size_t k = 0; k < SG_RSURF_N * SG_RSURF_N; k++)
        top = isfinite(G[k]) ? fmax(top, fabs(G[k])) : top;
    if (!grid_formats(ctx, d, top > 0 && top < 0.5 * pow(10.0, -d), &tested, &rec)) {
        *st = sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for formats");
        return r;
    }
    sg_rlabel(la, sizeof la, fa->name, fa->unit);
    sg_rlabel(lb, sizeof lb, fb->name, fb->unit);
    snprintf(buf, sizeof buf, "%s (down) / %s (across)", la, lb);
    sg_rstr(ctx, ws, r, 0, buf, ctx->header);
    double bv[SG_RSURF_N];
    for (size_t j = 0; j < SG_RSURF_N; j++)
        bv[j] = grid_value(fb, log_grid(ctx, b), j, SG_RSURF_N);
    int db = sg_rfmt_decimals_exact(bv, SG_RSURF_N, 1);
    for (size_t j = 0; j < SG_RSURF_N; j++)
        sg_rnum(ctx, ws, r, (lxw_col_t)(1 + j), bv[j], ctx->num[db > 3 ? 3 : db]);
    lxw_row_t r0 = r + 1;
    /* marks: tested runs on the grid, the recommended settings */
    unsigned char mark[SG_RSURF_N][SG_RSURF_N];
    memset(mark, 0, sizeof mark);
    const sg_table *t = in->table;
    for (size_t row = 0; t && row < t->n_rows; row++) {
        int i = grid_index(fa, log_grid(ctx, a), sg_table_at(t, row, a));
        int j = grid_index(fb, log_grid(ctx, b), sg_table_at(t, row, b));
        if (i >= 0 && j >= 0)
            mark[i][j] = 1;
    }
    mark[grid_nearest(fa, log_grid(ctx, a), ctx->settings[a])]
        [grid_nearest(fb, log_grid(ctx, b), ctx->settings[b])] = 2;
    double av[SG_RSURF_N];
    for (size_t i = 0; i < SG_RSURF_N; i++)
        av[i] = grid_value(fa, log_grid(ctx, a), i, SG_RSURF_N);
    int da = sg_rfmt_decimals_exact(av, SG_RSURF_N, 1);
    for (size_t i = 0; i < SG_RSURF_N; i++) {
        sg_rnum(ctx, ws, r0 + (lxw_row_t)i, 0, av[i], ctx->num_bold[da > 3 ? 3 : da]);
        for (size_t j = 0; j < SG_RSURF_N; j++) {
            lxw_format *f = mark[i][j] == 2 ? rec : mark[i][j] ? tested : ctx->num[d];
            sg_rnum(ctx, ws, r0 + (lxw_row_t)i, (lxw_col_t)(1 + j), G[i * SG_RSURF_N + j], f);
        }
    }
    lxw_conditional_format cf = {.type = LXW_CONDITIONAL_3_COLOR_SCALE,
                                 .min_color = sense > 0 ? SG_RSURF_BAD : SG_RSURF_GOOD,
                                 .mid_color = SG_RSURF_MID,
                                 .max_color = sense > 0 ? SG_RSURF_GOOD : SG_RSURF_BAD};
    if (sense == 0) {
        cf.min_color = 0x5A8AC6; /* no goal: blue (low) to red (high) */
        cf.mid_color = 0xFCFCFF;
    }
    RC(ctx, worksheet_conditional_format_range(ws, r0, 1, r0 + SG_RSURF_N - 1, SG_RSURF_N, &cf));
    return r0 + SG_RSURF_N;
}

/* Line chart of grid slices: the response along factor a at the lowest,
 * middle and highest grid value of b (grid header row h). */
static lxw_chart *slice_chart(sg_rctx *ctx, size_t k, size_t a, size_t b, lxw_row_t h)
{
    const sg_report_input *in = ctx->in;
    char title[300], xl[200], yl[200];
    snprintf(title, sizeof title, "%s along %s at three values of %s", in->responses[k].name,
             in->factors[a].name, in->factors[b].name);
    sg_rlabel(xl, sizeof xl, in->factors[a].name, in->factors[a].unit);
    sg_rlabel(yl, sizeof yl, "Predicted mean", in->responses[k].unit);
    lxw_chart *ch = sg_rchart(ctx, LXW_CHART_LINE, title, xl, yl);
    if (!ch)
        return NULL;
    const size_t cols[3] = {0, SG_RSURF_N / 2, SG_RSURF_N - 1};
    for (size_t q = 0; q < 3; q++) {
        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        if (!s)
            return NULL;
        lxw_col_t c = (lxw_col_t)(1 + cols[q]);
        chart_series_set_categories(s, "Response surface", h + 1, 0, h + SG_RSURF_N, 0);
        chart_series_set_values(s, "Response surface", h + 1, c, h + SG_RSURF_N, c);
        char nm[160];
        const sg_report_factor *fb = &in->factors[b];
        sg_num_snprintf(nm, sizeof nm, "%s = %.6g %s", fb->name,
                        grid_value(fb, log_grid(ctx, b), cols[q], SG_RSURF_N),
                        fb->unit ? fb->unit : "");
        chart_series_set_name(s, nm);
    }
    chart_axis_set_label_position(ch->x_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);
    return ch;
}

/* The note on the held factors from row r; returns the next row. */
static lxw_row_t held_note(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, size_t a, size_t b)
{
    const sg_report_input *in = ctx->in;
    char buf[1024];
    size_t off = (size_t)snprintf(buf, sizeof buf, "Other factors at the %s:",
                                  ctx->settings_label);
    bool any = false;
    for (size_t i = 0; i < in->n_factors && off < sizeof buf; i++) {
        if (i == a || i == b)
            continue;
        const char *name = sg_rname_of(in, i, ctx->settings[i]), *unit = in->factors[i].unit;
        if (name) /* a category: its name, not its code */
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%s %s = %s", any ? "," : "",
                                    in->factors[i].name, name);
        else
            off += (size_t)sg_num_snprintf(buf + off, sizeof buf - off, "%s %s = %.6g%s%s",
                                           any ? "," : "", in->factors[i].name, ctx->settings[i],
                                           unit && *unit ? " " : "", unit ? unit : "");
        any = true;
    }
    if (!any)
        snprintf(buf, sizeof buf, "The study has no other factors.");
    sg_rstr(ctx, ws, r++, 0, buf, ctx->note);
    return r;
}

static sg_status surface_body(sg_rctx *ctx, lxw_worksheet *ws, double *X, double *Y,
                              double *range, size_t *order, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    size_t nf = in->n_factors, nr = in->n_responses;
    int sense;
    size_t k = pick_response(in, &sense);
    char buf[600], lab[200];
    sg_rlabel(lab, sizeof lab, in->responses[k].name, in->responses[k].unit);
    sg_status st = influence(ctx, k, range, X, Y, err);
    if (st != SG_OK)
        return st;
    for (size_t i = 0; i < nf; i++)
        order[i] = i;
    for (size_t i = 1; i < nf; i++) /* insertion sort, decreasing range */
        for (size_t j = i; j > 0 && range[order[j]] > range[order[j - 1]]; j--) {
            size_t tmp = order[j];
            order[j] = order[j - 1];
            order[j - 1] = tmp;
        }
    /* the axes: the two numeric factors that move it most (names have no
     * axis; they stay at the recommended ones) */
    size_t axes[2] = {order[0], nf > 1 ? order[1] : order[0]}, n_axes = 0;
    for (size_t i = 0; i < nf && n_axes < 2; i++)
        if (!in->factors[order[i]].labels)
            axes[n_axes++] = order[i];
    size_t a = axes[0], b = n_axes > 1 ? axes[1] : axes[0];
    snprintf(buf, sizeof buf, "Response surface: %s over %s and %s", lab, in->factors[a].name,
             in->factors[b].name);
    sg_rstr(ctx, ws, 0, 0, buf, ctx->title);
    snprintf(buf, sizeof buf,
             "The surrogate's prediction (ensemble mean) on a %d x %d grid over the bounds of "
             "the two factors that move %s most.",
             SG_RSURF_N, SG_RSURF_N, in->responses[k].name);
    sg_rstr(ctx, ws, 1, 0, buf, ctx->note);
    lxw_row_t r = held_note(ctx, ws, 2, a, b);
    /* decimals for 6 significant digits of a typical value, at most 4 */
    int d = sg_rfmt_decimals_sig(Y[k]);
    r = influence_table(ctx, ws, r + 1, k, range, order, d > 4 ? 4 : d, &st, err);
    if (st != SG_OK || nf < 2 || n_axes < 2) {
        if (st == SG_OK)
            sg_rstr(ctx, ws, r, 0,
                    "A response surface needs two numeric factors; the study has fewer.",
                    ctx->note);
        return st;
    }
    /* the grid */
    double *P = malloc(SG_RSURF_N * SG_RSURF_N * nf * sizeof *P);
    double *M = malloc(SG_RSURF_N * SG_RSURF_N * nr * sizeof *M);
    if (!P || !M) {
        free(P);
        free(M);
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory");
    }
    for (size_t i = 0; i < SG_RSURF_N; i++)
        for (size_t j = 0; j < SG_RSURF_N; j++) {
            double *x = P + (i * SG_RSURF_N + j) * nf;
            memcpy(x, ctx->settings, nf * sizeof *x);
            x[a] = grid_value(&in->factors[a], log_grid(ctx, a), i, SG_RSURF_N);
            x[b] = grid_value(&in->factors[b], log_grid(ctx, b), j, SG_RSURF_N);
        }
    st = sg_model_predict_batch(in->model, ctx->mw, P, SG_RSURF_N * SG_RSURF_N, M, NULL, err);
    if (st == SG_OK) {
        double *V = P; /* reuse: the response's values, row-major */
        for (size_t q = 0; q < SG_RSURF_N * SG_RSURF_N; q++)
            V[q] = M[q * nr + k];
        snprintf(buf, sizeof buf,
                 "Predicted %s. Colour: green better, red worse for the goal (%s). Bold boxed: "
                 "a tested run (other factors at any level); thick box, italic: the %s "
                 "(nearest grid point).",
                 lab, in->responses[k].goal ? in->responses[k].goal : "none",
                 ctx->settings_label);
        sg_rstr(ctx, ws, r++, 0, buf, ctx->bold);
        lxw_row_t h = r;
        r = grid_table(ctx, ws, h, a, b, V, sense, d > 4 ? 4 : d, &st, err);
        RC(ctx, worksheet_set_row(ws, h, 30, NULL)); /* the corner label wraps */
        lxw_chart *ch = st == SG_OK ? slice_chart(ctx, k, a, b, h) : NULL;
        if (st == SG_OK && !ch)
            st = sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for a chart");
        if (ch)
            sg_rinsert_chart(ctx, ws, r + 1, 0, ch);
    }
    free(P);
    free(M);
    return st;
}

sg_status sg_report_sheet_surface(sg_rctx *ctx, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    if (!in->model || !ctx->mw)
        return SG_OK;
    size_t nf = in->n_factors, nr = in->n_responses;
    lxw_worksheet *ws = workbook_add_worksheet(ctx->wb, "Response surface");
    if (!ws)
        return sg_error_set(err, SG_ERR_NOMEM, "report: cannot add the Response surface sheet");
    double *X = malloc(SG_RSURF_SCAN * nf * sizeof *X);
    double *Y = malloc(SG_RSURF_SCAN * nr * sizeof *Y);
    double *range = malloc(nf * sizeof *range);
    size_t *order = malloc(nf * sizeof *order);
    sg_status st = X && Y && range && order
                       ? surface_body(ctx, ws, X, Y, range, order, err)
                       : sg_error_set(err, SG_ERR_NOMEM, "report: out of memory");
    free(X);
    free(Y);
    free(range);
    free(order);
    /* the first column holds the grid's corner label and the factor names */
    sg_rcolumns(ctx, ws, 0, 0, 30);
    sg_rcolumns(ctx, ws, 1, SG_RSURF_N, SG_RSURF_COL_WIDTH);
    return st;
}
