/* report_internal.h — shared state of the report writer (not public).
 *
 * One sg_rctx lives for the duration of sg_report_write(): the workbook,
 * the caller's input and the cell formats.  Sheet writers record the first
 * libxlsxwriter failure in ctx->lxw_status (RC macro) and keep going; the
 * writer checks it once per sheet.
 */
#ifndef SG_REPORT_INTERNAL_H
/* Scatter charts plot at most this many points; a larger table is shown by
 * an evenly spaced sample, and the chart's title says so. */
#define SG_RCHART_MAX_POINTS 2000
#define SG_REPORT_INTERNAL_H

#include "core/internal.h"

#include <xlsxwriter.h>

#include "report/report.h"

/* Most decimals any number format shows. */
#define SG_RFMT_MAX_DECIMALS 6
/* Significant digits shown for computed quantities (predictions, metrics). */
#define SG_RFMT_SIGNIFICANT 6
/* Exponent clamp keeping EXP() finite in sigmoid formulas (Excel's EXP
 * overflows above ~709.78). */
#define SG_REPORT_EXP_CLAMP 700.0
/* Height in pixels of a chart at scale 1 (libxlsxwriter's default 480 x 288). */
#define SG_RCHART_HEIGHT_PX 288.0
/* Width in characters of the widest column set automatically. */
#define SG_RFMT_MAX_WIDTH 60.0

/* ---- the fitted ensemble as plain arrays (built from an sg_model) ---- */

/* One network in the flat layout of mlp.h:
 * params = [W_0 (sizes[1], sizes[0]) row-major, b_0 (sizes[1]), W_1, b_1, ...]. */
typedef struct sg_report_net {
    size_t n_layers;           /* weight layers (hidden + 1), >= 1 */
    const size_t *sizes;       /* (n_layers + 1): n_in, hidden..., n_out */
    const sg_activation *acts; /* (n_layers); the last is the output activation */
    const double *params;      /* flat parameters, see above */
} sg_report_net;

/* How the ensemble spread is defined (must match the model exactly). */
typedef enum sg_report_spread {
    SG_REPORT_SPREAD_POPULATION = 0, /* sd with n denominator  (Excel STDEVP) */
    SG_REPORT_SPREAD_SAMPLE          /* sd with n-1 denominator (Excel STDEV) */
} sg_report_spread;

/* Prediction of response k by member m:
 *   s   = (x - x_shift) / x_width               (factors, per column; log10(x) for a
 *                                                 factor on a log scale)
 *   o   = net(s)[k_out]                          (scaled output)
 *   y_m = o * y_width[k] + y_shift[k]            (engineering unit)
 * reported: mean of y_m over members and their sd (spread).  shared: nets[m]
 * with k_out = k; else nets[k * n_members + m] with k_out = 0.  Interval
 * (when interval_a != NULL): mean -+ (interval_a[k] * spread + interval_b[k]);
 * a log-scale response (log_y), whose interval_b is in decades: mean divided
 * and multiplied by 10^interval_b (interval_a is then 0). */
typedef struct sg_report_model {
    sg_scale_kind x_kind, y_kind;
    const double *x_shift, *x_width;  /* (n_feat), width > 0 */
    size_t n_feat;                    /* network inputs: n_factors, more with categories */
    const size_t *categories;         /* (n_factors; the model spec's) names of a category
                                         factor, 0 for a number (model.h encoding) */
    const bool *log_scale;            /* (SG_MODEL_MAX_CATEGORICAL; the model spec's) the
                                         input of numeric factor i is log10 of its setting */
    const bool *log_y;                /* (SG_MODEL_MAX_CATEGORICAL; the model spec's) a
                                         member's output of response k is log10 of it:
                                         y_m = 10^(o * y_width[k] + y_shift[k]) */
    const bool *binary;               /* (n_responses) a pass/fail response: the network's
                                         output is a logit; NULL = none */
    const size_t *classes;            /* (n_responses) k >= 3 for a class response (its
                                         network's k outputs are logits of a softmax), else
                                         0; NULL = none */
    const double *y_shift, *y_width;  /* (n_responses), width > 0 */
    const double *const *trend;       /* (n_responses) or NULL when no response has one:
                                         each member's output o of response k is the
                                         network's plus trend[k][0] + sum_q trend[k][1 + q]
                                         * scaled input q (model.h sg_model_trend; a NULL
                                         entry: none) */
    bool shared;
    size_t n_members;
    const sg_report_net *nets;
    sg_report_spread spread;
    const double *interval_a, *interval_b; /* (n_responses) or NULL */
    double interval_level;                 /* percent */
} sg_report_model;

/* Inputs of factor i in the encoding of model.h: k one-hot inputs for a
 * category of k > 2 names, one for 2 names or a number. */
static inline size_t sg_report_factor_width(const sg_report_model *md, size_t i)
{
    size_t k = md->categories && i < SG_MODEL_MAX_CATEGORICAL ? md->categories[i] : 0;
    return k > 2 ? k : 1;
}

/* Network inputs of the n_factors factors. */
static inline size_t sg_report_n_inputs(const sg_report_model *md, size_t n_factors)
{
    size_t n = 0;
    for (size_t i = 0; i < n_factors; i++)
        n += sg_report_factor_width(md, i);
    return n;
}

/* Owned storage behind an sg_report_model built from an sg_model. */
typedef struct sg_report_view sg_report_view;

/* Build the plain view of m (borrowed; must outlive the view) with the
 * intervals of cv (may be NULL); caller frees with sg_report_view_destroy. */
SG_INTERNAL sg_status sg_report_view_create(const sg_model *m, const sg_cv_result *cv, sg_report_view **out,
                                sg_error *err);
SG_INTERNAL void sg_report_view_destroy(sg_report_view *v);
SG_INTERNAL const sg_report_model *sg_report_view_model(const sg_report_view *v);

/* Most sheets a workbook has (page set-up bookkeeping). */
#define SG_RSHEETS_MAX 16

/* Charts per sheet kept whole on one printed page (more print as they fall). */
#define SG_RPRINT_MAX_CHARTS 96
/* Manual page breaks per sheet at most. */
#define SG_RPRINT_MAX_BREAKS 256

/* What the print area of one sheet covers besides its cells. */
typedef struct sg_rextent {
    lxw_worksheet *ws;
    lxw_row_t chart_row;          /* last row a chart covers */
    lxw_col_t chart_col;          /* last column a chart covers */
    size_t n_charts;              /* charts recorded below */
    lxw_row_t chart_top[SG_RPRINT_MAX_CHARTS];  /* anchor row of each chart */
    double chart_px[SG_RPRINT_MAX_CHARTS];      /* its height in pixels */
    lxw_row_t breaks[SG_RPRINT_MAX_BREAKS + 1]; /* page breaks (0-terminated) */
    bool limited;                 /* print area fixed by the writer: */
    lxw_row_t last_row;           /*   rows 0..last_row */
    lxw_col_t last_col;           /*   columns 0..last_col */
    bool has_titles;              /* rows repeated on every page */
    lxw_row_t title_first, title_last;
} sg_rextent;

/* A value noted for the column widths (report_width.c). */
typedef struct sg_rcellw {
    lxw_worksheet *ws;
    lxw_row_t r;
    lxw_col_t c;
    double chars;  /* characters it shows */
    bool number;   /* numbers never run over into the next cell */
} sg_rcellw;

typedef struct sg_rctx {
    lxw_workbook *wb;
    const sg_report_input *in;
    lxw_error lxw_status; /* first failure seen, LXW_NO_ERROR if none */
    lxw_format *title, *subtitle, *header, *text, *wrap, *bold, *note, *warn;
    lxw_format *answer;         /* the decision's headline: bold, wrapped */
    lxw_format *warn_line;      /* warning on one line (no wrap) */
    lxw_format *input;          /* editable input cells (yellow) */
    lxw_format *num[SG_RFMT_MAX_DECIMALS + 1];     /* 0.000 with d decimals */
    lxw_format *num_in[SG_RFMT_MAX_DECIMALS + 1];  /* same on an input cell */
    lxw_format *num_bold[SG_RFMT_MAX_DECIMALS + 1];
    lxw_format *sci;            /* 0.000000E+00 (weights, relative errors) */
    /* the same on an input, bold or suspicious cell: num_in, num_bold and
     * suspicious_num for a value their decimals would show as 0 */
    lxw_format *sci_in, *sci_bold, *sci_suspicious;
    lxw_format *integer;        /* 0 */
    lxw_format *pct;            /* 0.0% */
    lxw_format *pval;           /* 0.0000, "< 0.0001" below that */
    lxw_format *suspicious_num[SG_RFMT_MAX_DECIMALS + 1]; /* highlighted data cell, d decimals */
    lxw_format *excluded;       /* grey row of an excluded run */
    /* derived once per write */
    const sg_report_model *md;  /* the model as plain arrays, or NULL */
    sg_model_work *mw;          /* workspace for predicting with in->model, or NULL */
    double *settings;           /* (n_factors) Calculator inputs */
    const char *settings_label;
    size_t n_check;             /* check rows (<= table rows) */
    double *check_x;            /* (n_check, n_factors) */
    double *check_pred;         /* (n_check, n_responses) by sg_model_predict */
    size_t *check_row;          /* (n_check) 1-based data row numbers */
    sg_rextent extents[SG_RSHEETS_MAX]; /* page set-up records, report_print.c */
    sg_rcellw *cw;              /* values noted for column widths, report_width.c */
    size_t n_cw, cap_cw;
    size_t n_extents;
} sg_rctx;

/* Validation of a numeric factor's setting cell (r, c): a number between
 * its min and max, the message saying that `model` ("the network") was
 * fitted on that range only (report_calc.c). */
SG_INTERNAL void sg_report_range_validation(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r,
                                            lxw_col_t c, const sg_report_factor *fa,
                                            const char *model);
/* The Calculator of a quadratic model whose factors are all numeric, on ws
 * (report_calc_quad.c). */
SG_INTERNAL sg_status sg_report_calculator_quadratic(sg_rctx *ctx, lxw_worksheet *ws,
                                                     sg_error *err);

/* Record the first libxlsxwriter error of a call. */
#define RC(ctx, call)                                                   \
    do {                                                                \
        lxw_error rc_ = (call);                                         \
        if (rc_ != LXW_NO_ERROR && (ctx)->lxw_status == LXW_NO_ERROR)   \
            (ctx)->lxw_status = rc_;                                    \
    } while (0)

/* Decimals needed to show all n values (stride apart) exactly, at most
 * SG_RFMT_MAX_DECIMALS; non-finite values ignored. */
SG_INTERNAL int sg_rfmt_decimals_exact(const double *v, size_t n, size_t stride);
/* Decimals showing SG_RFMT_SIGNIFICANT significant digits of magnitude m. */
SG_INTERNAL int sg_rfmt_decimals_sig(double m);

/* "name [unit]" (or "name" when unit is empty) into buf. */
SG_INTERNAL void sg_rlabel(char *buf, size_t size, const char *name, const char *unit);

/* worksheet_write_number and worksheet_write_formula_num (v the cached
 * result), where a format with d decimals (num, num_in, num_bold,
 * suspicious_num) that would show v, not 0, as 0 (a permeability of 6.9e-18
 * m2 in 0.000000) becomes its scientific twin. */
SG_INTERNAL lxw_error sg_rnumber(const sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                                 double v, lxw_format *f);
SG_INTERNAL lxw_error sg_rformula_num(const sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r,
                                      lxw_col_t c, const char *formula, lxw_format *f, double v);

/* Write a number, or an empty cell for NAN. */
SG_INTERNAL void sg_rnum(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v,
             lxw_format *f);
/* Write a string; NULL is written as an empty cell. */
SG_INTERNAL void sg_rstr(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
             lxw_format *f);

/* The name of code v in data column j (factors, then responses) when the
 * column holds names (a category factor, a pass/fail response), else NULL
 * (report.c). */
SG_INTERNAL const char *sg_rname_of(const sg_report_input *in, size_t j, double v);

/* Column widths from content (report_width.c): sg_rstr and sg_rnum note
 * the values of plain cells; sg_rcolumns sets columns first..last to width
 * characters, wider where a noted number would not fit or a noted text
 * would be cut by a value to its right (at most SG_RFMT_MAX_WIDTH). */
SG_INTERNAL void sg_rwidth_text(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                                const char *s, const lxw_format *f);
SG_INTERNAL void sg_rwidth_number(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                                  double v, const lxw_format *f);
SG_INTERNAL void sg_rcolumns(sg_rctx *ctx, lxw_worksheet *ws, lxw_col_t first, lxw_col_t last,
                             double width);

/* Header labels[0..n) in columns 0..n-1 of row r, the row tall enough for
 * the longest label wrapped in columns col_width characters wide. */
SG_INTERNAL void sg_rheader_row(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r,
                                const char *const *labels, size_t n, double col_width);

/* A chart of the given type with title and axis names (in units); NULL if
 * out of memory.  The workbook owns it. */
lxw_chart *sg_rchart(sg_rctx *ctx, uint8_t type, const char *title, const char *x_name,
                     const char *y_name);
/* Add a series of x values (column cx) and y values (column cy), rows r0..r1
 * of sheet `sheet`; markers only (line = false) or a line only. */
lxw_chart_series *sg_rseries(lxw_chart *ch, const char *sheet, lxw_row_t r0, lxw_row_t r1,
                             lxw_col_t cx, lxw_col_t cy, const char *name, bool line);
/* Insert chart at (r, c) with a standard size. */
SG_INTERNAL void sg_rinsert_chart(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                      lxw_chart *ch);

/* Page set-up (report_print.c).  A chart inserted at (r, c), height_px
 * pixels high, widens the print area of ws and is kept whole on one printed
 * page (manual page breaks); sg_rprint_limit fixes it to rows 0..last_row, columns
 * 0..last_col (leaving bulk data beyond out of print); sg_rprint_titles sets
 * the rows repeated at the top of every printed page (default: row 0). */
SG_INTERNAL void sg_rprint_chart(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                                 double height_px);
SG_INTERNAL void sg_rprint_limit(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t last_row,
                                 lxw_col_t last_col);
/* Bulk data in columns first..last (the first width0 characters wide, the
 * others width): hidden in a collapsed outline group, shown again with one
 * click on the "+" above column last + 1. */
SG_INTERNAL void sg_rprint_fold_columns(sg_rctx *ctx, lxw_worksheet *ws, lxw_col_t first,
                                        lxw_col_t last, double width0, double width);
SG_INTERNAL void sg_rprint_titles(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t first,
                                  lxw_row_t last);
/* Every sheet landscape A4, one page wide (the first sheet, the Summary, on
 * one page), its print area, repeated rows, and a header naming the study,
 * sheet and date with a "Page n of N" footer. */
SG_INTERNAL void sg_report_print_setup(sg_rctx *ctx);

/* Sheet writers; each returns SG_OK or an error filled in err. */
SG_INTERNAL sg_status sg_report_sheet_calculator(sg_rctx *ctx, sg_error *err);
SG_INTERNAL sg_status sg_report_sheet_summary(sg_rctx *ctx, sg_error *err);
SG_INTERNAL sg_status sg_report_sheet_data(sg_rctx *ctx, sg_error *err);
SG_INTERNAL sg_status sg_report_sheet_stats(sg_rctx *ctx, sg_error *err);
SG_INTERNAL sg_status sg_report_sheet_model(sg_rctx *ctx, sg_error *err);
SG_INTERNAL sg_status sg_report_sheet_validation(sg_rctx *ctx, sg_error *err);
SG_INTERNAL sg_status sg_report_sheet_effects(sg_rctx *ctx, sg_error *err);
SG_INTERNAL sg_status sg_report_sheet_regression(sg_rctx *ctx, sg_error *err);
/* True when the input holds a regression of some response. */
SG_INTERNAL bool sg_report_has_regression(const sg_report_input *in);
SG_INTERNAL sg_status sg_report_sheet_optim(sg_rctx *ctx, sg_error *err);
SG_INTERNAL sg_status sg_report_sheet_surface(sg_rctx *ctx, sg_error *err);
SG_INTERNAL sg_status sg_report_sheet_sensitivity(sg_rctx *ctx, sg_error *err);

/* Activation a(z) exactly as the Calculator formula computes it. */
SG_INTERNAL double sg_report_activate(sg_activation act, double z);

/* Name of an activation as in studies ("leaky_relu"), "?" if invalid. */
SG_INTERNAL const char *sg_report_act_name(sg_activation act);

/* Network and output index of response k, member m (see sg_report_model). */
SG_INTERNAL const sg_report_net *sg_report_net_for(const sg_report_model *md, size_t n_responses,
                                       size_t k, size_t m, size_t *k_out);

#endif
