/* report_sheets.c — Data, Statistics, Main effects, Model, Validation and
 * Optimization sheets. */
#include "report_internal.h"

sg_status sg_report_sheet_data(sg_rctx *ctx, sg_error *err) { (void)ctx; (void)err; return SG_OK; }
sg_status sg_report_sheet_stats(sg_rctx *ctx, sg_error *err) { (void)ctx; (void)err; return SG_OK; }
sg_status sg_report_sheet_model(sg_rctx *ctx, sg_error *err) { (void)ctx; (void)err; return SG_OK; }
sg_status sg_report_sheet_validation(sg_rctx *ctx, sg_error *err) { (void)ctx; (void)err; return SG_OK; }
sg_status sg_report_sheet_effects(sg_rctx *ctx, sg_error *err) { (void)ctx; (void)err; return SG_OK; }
sg_status sg_report_sheet_optim(sg_rctx *ctx, sg_error *err) { (void)ctx; (void)err; return SG_OK; }
