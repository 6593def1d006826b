/* report_internal.h — shared state of the report writer (not public).
 *
 * One sg_rctx lives for the duration of sg_report_write(): the workbook,
 * the caller's input and the cell formats.  Sheet writers record the first
 * libxlsxwriter failure in ctx->lxw_status (RC macro) and keep going; the
 * writer checks it once per sheet.
 */
#ifndef SG_REPORT_INTERNAL_H
#define SG_REPORT_INTERNAL_H

#include <xlsxwriter.h>

#include "report.h"

/* Most decimals any number format shows. */
#define SG_RFMT_MAX_DECIMALS 6
/* Significant digits shown for computed quantities (predictions, metrics). */
#define SG_RFMT_SIGNIFICANT 6
/* Exponent clamp keeping EXP() finite in sigmoid formulas (Excel's EXP
 * overflows above ~709.78). */
#define SG_REPORT_EXP_CLAMP 700.0
/* Width in characters of the widest column set automatically. */
#define SG_RFMT_MAX_WIDTH 60.0

typedef struct sg_rctx {
    lxw_workbook *wb;
    const sg_report_input *in;
    lxw_error lxw_status; /* first failure seen, LXW_NO_ERROR if none */
    lxw_format *title, *subtitle, *header, *text, *wrap, *bold, *note, *warn;
    lxw_format *input;          /* editable input cells (yellow) */
    lxw_format *num[SG_RFMT_MAX_DECIMALS + 1];     /* 0.000 with d decimals */
    lxw_format *num_in[SG_RFMT_MAX_DECIMALS + 1];  /* same on an input cell */
    lxw_format *num_bold[SG_RFMT_MAX_DECIMALS + 1];
    lxw_format *sci;            /* 0.000000E+00 (weights, relative errors) */
    lxw_format *integer;        /* 0 */
    lxw_format *pct;            /* 0.0% */
    lxw_format *suspicious;     /* highlighted data cell */
    lxw_format *excluded;       /* grey row of an excluded run */
} sg_rctx;

/* Record the first libxlsxwriter error of a call. */
#define RC(ctx, call)                                                   \
    do {                                                                \
        lxw_error rc_ = (call);                                         \
        if (rc_ != LXW_NO_ERROR && (ctx)->lxw_status == LXW_NO_ERROR)   \
            (ctx)->lxw_status = rc_;                                    \
    } while (0)

/* Decimals needed to show all n values (stride apart) exactly, at most
 * SG_RFMT_MAX_DECIMALS; non-finite values ignored. */
int sg_rfmt_decimals_exact(const double *v, size_t n, size_t stride);
/* Decimals showing SG_RFMT_SIGNIFICANT significant digits of magnitude m. */
int sg_rfmt_decimals_sig(double m);

/* "name [unit]" (or "name" when unit is empty) into buf. */
void sg_rlabel(char *buf, size_t size, const char *name, const char *unit);

/* Write a number, or an empty cell for NAN. */
void sg_rnum(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v,
             lxw_format *f);
/* Write a string; NULL is written as an empty cell. */
void sg_rstr(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
             lxw_format *f);

/* Sheet writers; each returns SG_OK or an error filled in err. */
sg_status sg_report_sheet_calculator(sg_rctx *ctx, sg_error *err);
sg_status sg_report_sheet_summary(sg_rctx *ctx, sg_error *err);
sg_status sg_report_sheet_data(sg_rctx *ctx, sg_error *err);
sg_status sg_report_sheet_stats(sg_rctx *ctx, sg_error *err);
sg_status sg_report_sheet_model(sg_rctx *ctx, sg_error *err);
sg_status sg_report_sheet_validation(sg_rctx *ctx, sg_error *err);
sg_status sg_report_sheet_effects(sg_rctx *ctx, sg_error *err);
sg_status sg_report_sheet_optim(sg_rctx *ctx, sg_error *err);

/* Activation a(z) exactly as the Calculator formula computes it. */
double sg_report_activate(sg_activation act, double z);

/* Name of an activation as in studies ("leaky_relu"), "?" if invalid. */
const char *sg_report_act_name(sg_activation act);

/* Network k's index and output for response k and member m (see report.h). */
const sg_report_net *sg_report_net_for(const sg_report_model *md, size_t n_responses,
                                       size_t k, size_t m, size_t *k_out);

#endif
