/* report.c — workbook set-up, validation, atomic write, reference predictor. */
#include "report/report_internal.h"

#include "core/atomic.h"
#include "core/num.h"
#include "core/zipread.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Longest report path accepted. */
#define SG_REPORT_PATH_MAX 4096
/* Tolerance deciding that v * 10^d is an integer (relative to |v * 10^d|). */
#define SG_RFMT_INT_TOL 1e-9

/* ---- small helpers ---------------------------------------------------------- */

int sg_rfmt_decimals_exact(const double *v, size_t n, size_t stride)
{
    int best = 0;
    for (size_t i = 0; i < n; i++) {
        double x = v[i * stride];
        if (!isfinite(x))
            continue;
        int d = 0;
        double p = 1.0;
        while (d < SG_RFMT_MAX_DECIMALS) {
            double s = x * p;
            if (fabs(s - nearbyint(s)) <= SG_RFMT_INT_TOL * fmax(1.0, fabs(s)))
                break;
            d++;
            p *= 10.0;
        }
        if (d > best)
            best = d;
    }
    return best;
}

int sg_rfmt_decimals_sig(double m)
{
    m = fabs(m);
    if (!isfinite(m) || m == 0.0)
        return 3;
    int d = SG_RFMT_SIGNIFICANT - 1 - (int)floor(log10(m));
    if (d < 0)
        d = 0;
    if (d > SG_RFMT_MAX_DECIMALS)
        d = SG_RFMT_MAX_DECIMALS;
    return d;
}

void sg_rlabel(char *buf, size_t size, const char *name, const char *unit)
{
    if (unit && unit[0])
        snprintf(buf, size, "%s [%s]", name ? name : "", unit);
    else
        snprintf(buf, size, "%s", name ? name : "");
}

/* f, or its scientific twin where f, a number with d decimals, would show
 * a value that is not 0 as 0 (report_internal.h, sg_rnumber). */
static lxw_format *format_showing(const sg_rctx *ctx, double v, lxw_format *f)
{
    if (!(v != 0 && isfinite(v)))
        return f;
    for (int d = 0; d <= SG_RFMT_MAX_DECIMALS; d++) {
        lxw_format *twin = f == ctx->num[d]              ? ctx->sci
                           : f == ctx->num_in[d]         ? ctx->sci_in
                           : f == ctx->num_bold[d]       ? ctx->sci_bold
                           : f == ctx->suspicious_num[d] ? ctx->sci_suspicious
                                                         : NULL;
        if (twin) /* one pow per written number, for the format it has */
            return fabs(v) < 0.5 * pow(10.0, -d) ? twin : f;
    }
    return f;
}

lxw_error sg_rnumber(const sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v,
                     lxw_format *f)
{
    return worksheet_write_number(ws, r, c, v, format_showing(ctx, v, f));
}

lxw_error sg_rformula_num(const sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                          const char *formula, lxw_format *f, double v)
{
    return worksheet_write_formula_num(ws, r, c, formula, format_showing(ctx, v, f), v);
}

void sg_rnum(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v,
             lxw_format *f)
{
    f = format_showing(ctx, v, f);
    sg_rwidth_number(ctx, ws, r, c, v, f);
    if (isfinite(v))
        RC(ctx, worksheet_write_number(ws, r, c, v, f));
    else
        RC(ctx, worksheet_write_blank(ws, r, c, f));
}

void sg_rstr(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
             lxw_format *f)
{
    sg_rwidth_text(ctx, ws, r, c, s, f);
    if (s && s[0])
        RC(ctx, worksheet_write_string(ws, r, c, s, f));
    else
        RC(ctx, worksheet_write_blank(ws, r, c, f));
}

/* Points of one line of text in a wrapped header row. */
#define SG_RHEADER_LINE_PT 15.0

void sg_rheader_row(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, const char *const *labels,
                    size_t n, double col_width)
{
    size_t lines = 1;
    for (size_t c = 0; c < n; c++) {
        sg_rstr(ctx, ws, r, (lxw_col_t)c, labels[c], ctx->header);
        /* bold text wrapped at word boundaries: about col_width - 4
         * characters a line */
        size_t per_line = col_width > 5.0 ? (size_t)(col_width - 4.0) : 1;
        size_t need = labels[c] ? (strlen(labels[c]) + per_line - 1) / per_line : 1;
        if (need > lines)
            lines = need;
    }
    RC(ctx, worksheet_set_row(ws, r, SG_RHEADER_LINE_PT * (double)lines, NULL));
}

/* ---- charts ------------------------------------------------------------------------ */

/* Size of inserted charts relative to libxlsxwriter's default (480 x 288 px). */
#define SG_RCHART_X_SCALE 1.25
#define SG_RCHART_Y_SCALE 1.25

lxw_chart *sg_rchart(sg_rctx *ctx, uint8_t type, const char *title, const char *x_name,
                     const char *y_name)
{
    lxw_chart *ch = workbook_add_chart(ctx->wb, type);
    if (!ch)
        return NULL;
    chart_title_set_name(ch, title);
    chart_axis_set_name(ch->x_axis, x_name);
    chart_axis_set_name(ch->y_axis, y_name);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    return ch;
}

lxw_chart_series *sg_rseries(lxw_chart *ch, const char *sheet, lxw_row_t r0, lxw_row_t r1,
                             lxw_col_t cx, lxw_col_t cy, const char *name, bool line)
{
    lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
    if (!s)
        return NULL;
    chart_series_set_categories(s, sheet, r0, cx, r1, cx);
    chart_series_set_values(s, sheet, r0, cy, r1, cy);
    if (name)
        chart_series_set_name(s, name);
    if (line) {
        chart_series_set_marker_type(s, LXW_CHART_MARKER_NONE);
    } else {
        lxw_chart_line none = {.none = 1};
        chart_series_set_line(s, &none);
        chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
        chart_series_set_marker_size(s, 5);
    }
    return s;
}

void sg_rinsert_chart(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_chart *ch)
{
    lxw_chart_options o = {.x_scale = SG_RCHART_X_SCALE, .y_scale = SG_RCHART_Y_SCALE};
    RC(ctx, worksheet_insert_chart_opt(ws, r, c, ch, &o));
    sg_rprint_chart(ctx, ws, r, c, SG_RCHART_Y_SCALE * SG_RCHART_HEIGHT_PX);
}

/* ---- validation ------------------------------------------------------------------ */

sg_status sg_report_validate(const sg_report_input *in, sg_error *err)
{
    if (!in)
        return sg_error_set(err, SG_ERR_INVALID, "report: no input");
    size_t nf = in->n_factors, nr = in->n_responses;
    if (nf == 0 || !in->factors || nr == 0 || !in->responses)
        return sg_error_set(err, SG_ERR_INVALID, "report: study needs factors and responses");
    for (size_t i = 0; i < nf; i++) {
        const sg_report_factor *f = &in->factors[i];
        if (!f->name || !(f->min < f->max))
            return sg_error_set(err, SG_ERR_INVALID,
                                "report: factor %zu needs a name and min < max", i + 1);
        if (!(f->step >= 0.0) || !isfinite(f->step) || (f->n_levels > 0 && !f->levels))
            return sg_error_set(err, SG_ERR_INVALID,
                                "report: factor %zu has a negative step or no level values",
                                i + 1);
    }
    for (size_t k = 0; k < nr; k++)
        if (!in->responses[k].name)
            return sg_error_set(err, SG_ERR_INVALID, "report: response %zu needs a name", k + 1);
    if (in->n_warnings > 0 && !in->warnings)
        return sg_error_set(err, SG_ERR_INVALID, "report: warnings array missing");
    if (in->table && (in->table->n_cols != nf + nr || in->table->n_factors != nf))
        return sg_error_set(err, SG_ERR_INVALID,
                            "report: the table has %zu columns (%zu factors), expected %zu (%zu)",
                            in->table->n_cols, in->table->n_factors, nf + nr, nf);
    if (in->model) {
        const sg_model *m = in->model;
        if (sg_model_n_in(m) != nf || sg_model_n_out(m) != nr)
            return sg_error_set(err, SG_ERR_INVALID,
                                "report: the model maps %zu factors to %zu responses, the study "
                                "has %zu and %zu",
                                sg_model_n_in(m), sg_model_n_out(m), nf, nr);
        if (in->recommended)
            for (size_t i = 0; i < nf; i++)
                if (!isfinite(in->recommended[i]))
                    return sg_error_set(err, SG_ERR_INVALID,
                                        "report: recommended setting %zu is not finite", i + 1);
    }
    if (in->n_check > 0 && (!in->table || !in->model))
        return sg_error_set(err, SG_ERR_INVALID, "report: the check table needs table and model");
    if (in->cv && in->cv->n_out != nr)
        return sg_error_set(err, SG_ERR_INVALID,
                            "report: cross-validation has %zu responses, expected %zu",
                            in->cv->n_out, nr);
    if (in->optim && in->optim->d != nf)
        return sg_error_set(err, SG_ERR_INVALID,
                            "report: the optimisation has %zu variables, expected %zu",
                            in->optim->d, nf);
    if (in->n_optim_settings > 0 && (!in->optim_setting_names || !in->optim_setting_values))
        return sg_error_set(err, SG_ERR_INVALID, "report: optimisation settings missing");
    if (in->effects)
        for (size_t k = 0; k < nr; k++)
            if (in->effects[k] && in->effects[k]->n_factors != nf)
                return sg_error_set(err, SG_ERR_INVALID,
                                    "report: main effects of response %zu have %zu factors, "
                                    "expected %zu",
                                    k + 1, in->effects[k]->n_factors, nf);
    return SG_OK;
}

/* Derived data: the model view, the Calculator's settings and check rows. */
static sg_status prepare(sg_rctx *ctx, sg_report_view **view, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    size_t nf = in->n_factors, nr = in->n_responses;
    if (!in->model)
        return SG_OK;
    sg_status st = sg_report_view_create(in->model, in->cv, view, err);
    if (st == SG_OK)
        st = sg_model_work_create(in->model, &ctx->mw, err);
    if (st != SG_OK)
        return st;
    ctx->md = sg_report_view_model(*view);
    ctx->settings = calloc(nf, sizeof *ctx->settings);
    if (!ctx->settings)
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory");
    for (size_t i = 0; i < nf; i++)
        ctx->settings[i] = in->recommended
                               ? in->recommended[i]
                               : 0.5 * (in->factors[i].min + in->factors[i].max);
    ctx->settings_label = in->recommended
                              ? (in->recommended_label ? in->recommended_label
                                                       : "recommended settings")
                              : "middle of the bounds";
    if (in->table && in->n_check > 0) {
        size_t n = in->n_check < in->table->n_rows ? in->n_check : in->table->n_rows;
        ctx->check_x = calloc(n * nf + 1, sizeof *ctx->check_x);
        ctx->check_pred = calloc(n * nr + 1, sizeof *ctx->check_pred);
        ctx->check_row = calloc(n + 1, sizeof *ctx->check_row);
        if (!ctx->check_x || !ctx->check_pred || !ctx->check_row)
            return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory");
        for (size_t r = 0; r < n; r++) {
            for (size_t i = 0; i < nf; i++)
                ctx->check_x[r * nf + i] = sg_table_at(in->table, r, i);
            ctx->check_row[r] = in->table->row ? in->table->row[r] : r + 1;
        }
        st = sg_model_predict_batch(in->model, ctx->mw, ctx->check_x, n, ctx->check_pred, NULL,
                                    err);
        if (st != SG_OK)
            return st;
        ctx->n_check = n;
    }
    return SG_OK;
}
/* ---- target checks and atomic write ----------------------------------------------- */

/* Directory part of path into dir ("." when there is none). */
static sg_status split_dir(const char *path, char *dir, size_t size, sg_error *err)
{
    size_t len = strlen(path);
    if (len == 0 || len >= SG_REPORT_PATH_MAX || len >= size)
        return sg_error_set(err, SG_ERR_IO, "report path '%s' is empty or too long", path);
    if (path[len - 1] == '/')
        return sg_error_set(err, SG_ERR_IO, "report path '%s' names a directory, not a file",
                            path);
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, size, ".");
    } else if (slash == path) {
        snprintf(dir, size, "/");
    } else {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    return SG_OK;
}

/* Create an empty unique hidden temporary file in dir beside path; *tmp
 * receives its malloc'ed name (release with sg_atomic_commit/abort). */
static sg_status make_temp(const char *path, const char *dir, char **tmp, sg_error *err)
{
    sg_status st = sg_atomic_begin(path, SG_ATOMIC_HIDDEN, tmp, err);
    if (st == SG_ERR_IO)
        sg_error_set(err, SG_ERR_IO, "cannot create a file in directory '%s': %s", dir,
                     strerror(errno));
    return st;
}

sg_status sg_report_check_target(const char *path, sg_error *err)
{
    char dir[SG_REPORT_PATH_MAX], *tmp = NULL;
    if (!path)
        return sg_error_set(err, SG_ERR_IO, "no report path given");
    sg_status st = split_dir(path, dir, sizeof dir, err);
    if (st != SG_OK)
        return st;
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return sg_error_set(err, SG_ERR_IO, "report directory '%s' does not exist (%s)", dir,
                            strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return sg_error_set(err, SG_ERR_IO, "report directory '%s' is not a directory", dir);
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return sg_error_set(err, SG_ERR_IO, "report path '%s' is a directory", path);
    st = make_temp(path, dir, &tmp, err);
    if (st != SG_OK)
        return st;
    sg_atomic_abort(tmp);
    return SG_OK;
}

/* The author every workbook of surrogate records (docProps/core.xml). */
#define REPORT_AUTHOR "surrogate " SG_VERSION
#define REPORT_CORE_MAX (64 * 1024)

bool sg_report_file_is_own(void *user, const char *path)
{
    (void)user;
    char *core = NULL;
    size_t len = 0;
    if (sg_zipread_member(path, "docProps/core.xml", REPORT_CORE_MAX, &core, &len, NULL) != SG_OK)
        return false;
    bool own = strstr(core, "<dc:creator>surrogate ") != NULL;
    free(core);
    return own;
}

static sg_status make_formats(sg_rctx *ctx, sg_error *err)
{
    lxw_workbook *wb = ctx->wb;
    ctx->title = workbook_add_format(wb);
    ctx->subtitle = workbook_add_format(wb);
    ctx->header = workbook_add_format(wb);
    ctx->text = workbook_add_format(wb);
    ctx->wrap = workbook_add_format(wb);
    ctx->bold = workbook_add_format(wb);
    ctx->note = workbook_add_format(wb);
    ctx->warn = workbook_add_format(wb);
    ctx->warn_line = workbook_add_format(wb);
    ctx->input = workbook_add_format(wb);
    ctx->sci = workbook_add_format(wb);
    ctx->sci_in = workbook_add_format(wb);
    ctx->sci_bold = workbook_add_format(wb);
    ctx->sci_suspicious = workbook_add_format(wb);
    ctx->integer = workbook_add_format(wb);
    ctx->pct = workbook_add_format(wb);
    ctx->pval = workbook_add_format(wb);
    ctx->excluded = workbook_add_format(wb);
    ctx->answer = workbook_add_format(wb);
    if (!ctx->title || !ctx->subtitle || !ctx->header || !ctx->text || !ctx->wrap ||
        !ctx->bold || !ctx->note || !ctx->warn || !ctx->warn_line || !ctx->input || !ctx->sci ||
        !ctx->sci_in || !ctx->sci_bold || !ctx->sci_suspicious ||
        !ctx->integer || !ctx->pct || !ctx->pval || !ctx->excluded || !ctx->answer)
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for formats");
    format_set_bold(ctx->title);
    format_set_font_size(ctx->title, 14);
    format_set_bold(ctx->subtitle);
    format_set_font_size(ctx->subtitle, 12);
    format_set_bold(ctx->header);
    format_set_bg_color(ctx->header, 0xDDE6F0);
    format_set_bottom(ctx->header, LXW_BORDER_THIN);
    format_set_text_wrap(ctx->header);
    format_set_align(ctx->header, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(ctx->wrap);
    format_set_align(ctx->wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(ctx->bold);
    format_set_bold(ctx->answer);
    format_set_text_wrap(ctx->answer);
    format_set_align(ctx->answer, LXW_ALIGN_VERTICAL_TOP);
    format_set_italic(ctx->note);
    format_set_font_color(ctx->note, 0x595959);
    format_set_font_color(ctx->warn, 0x9C0006);
    format_set_text_wrap(ctx->warn);
    format_set_font_color(ctx->warn_line, 0x9C0006);
    format_set_bg_color(ctx->input, 0xFFF2CC);
    format_set_border(ctx->input, LXW_BORDER_THIN);
    format_set_num_format(ctx->sci, "0.000000E+00");
    format_set_num_format(ctx->sci_in, "0.000000E+00");
    format_set_bg_color(ctx->sci_in, 0xFFF2CC);
    format_set_border(ctx->sci_in, LXW_BORDER_THIN);
    format_set_num_format(ctx->sci_bold, "0.000000E+00");
    format_set_bold(ctx->sci_bold);
    format_set_num_format(ctx->sci_suspicious, "0.000000E+00");
    format_set_bg_color(ctx->sci_suspicious, 0xFFC7CE);
    format_set_font_color(ctx->sci_suspicious, 0x9C0006);
    format_set_num_format(ctx->integer, "0");
    format_set_num_format(ctx->pct, "0.0%");
    format_set_num_format(ctx->pval, "[<0.0001]\"< 0.0001\";0.0000");
    format_set_font_color(ctx->excluded, 0x808080);
    format_set_italic(ctx->excluded);
    for (int d = 0; d <= SG_RFMT_MAX_DECIMALS; d++) {
        char nf[16] = "0";
        if (d > 0) {
            nf[1] = '.';
            memset(nf + 2, '0', (size_t)d);
            nf[2 + d] = '\0';
        }
        ctx->num[d] = workbook_add_format(wb);
        ctx->num_in[d] = workbook_add_format(wb);
        ctx->num_bold[d] = workbook_add_format(wb);
        ctx->suspicious_num[d] = workbook_add_format(wb);
        if (!ctx->num[d] || !ctx->num_in[d] || !ctx->num_bold[d] || !ctx->suspicious_num[d])
            return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for formats");
        format_set_num_format(ctx->num[d], nf);
        format_set_num_format(ctx->num_in[d], nf);
        format_set_bg_color(ctx->num_in[d], 0xFFF2CC);
        format_set_border(ctx->num_in[d], LXW_BORDER_THIN);
        format_set_num_format(ctx->num_bold[d], nf);
        format_set_bold(ctx->num_bold[d]);
        format_set_num_format(ctx->suspicious_num[d], nf);
        format_set_bg_color(ctx->suspicious_num[d], 0xFFC7CE);
        format_set_font_color(ctx->suspicious_num[d], 0x9C0006);
    }
    return SG_OK;
}

static void release(sg_rctx *ctx, sg_report_view *view)
{
    sg_report_view_destroy(view);
    sg_model_work_destroy(ctx->mw);
    free(ctx->settings);
    free(ctx->check_x);
    free(ctx->check_pred);
    free(ctx->check_row);
    free(ctx->cw);
}

typedef sg_status (*sheet_fn)(sg_rctx *, sg_error *);

static sg_status report_write(const sg_report_input *in, const char *path, sg_error *err)
{
    char dir[SG_REPORT_PATH_MAX], *tmp = NULL;
    sg_rctx ctx;
    sg_report_view *view = NULL;
    memset(&ctx, 0, sizeof ctx);
    ctx.in = in;
    sg_status st = sg_report_validate(in, err);
    if (st != SG_OK)
        return st;
    if (!path)
        return sg_error_set(err, SG_ERR_IO, "no report path given");
    st = split_dir(path, dir, sizeof dir, err);
    if (st != SG_OK)
        return st;
    st = make_temp(path, dir, &tmp, err);
    if (st != SG_OK)
        return st;
    st = prepare(&ctx, &view, err);
    if (st != SG_OK)
        goto fail;

    lxw_workbook_options opt = {.constant_memory = 0, .tmpdir = NULL, .use_zip64 = 0};
    ctx.wb = workbook_new_opt(tmp, &opt);
    if (!ctx.wb) {
        st = sg_error_set(err, SG_ERR_NOMEM, "report: cannot create workbook");
        goto fail;
    }
    st = make_formats(&ctx, err);
    if (st != SG_OK)
        goto fail;
    lxw_doc_properties props = {.title = (char *)(in->title ? in->title : "surrogate report"),
                                .subject = "Surrogate model study",
                                .author = REPORT_AUTHOR,
                                .comments = "Generated by surrogate; no macros.",
                                .created = (time_t)in->created};
    RC(&ctx, workbook_set_properties(ctx.wb, &props));

    /* Sheet order as an engineer reads the study. */
    const sheet_fn sheets[] = {sg_report_sheet_summary, sg_report_sheet_data,
                               sg_report_sheet_stats,   sg_report_sheet_effects,
                               sg_report_sheet_regression,
                               sg_report_sheet_model,   sg_report_sheet_validation,
                               sg_report_sheet_optim,   sg_report_sheet_surface,
                               sg_report_sheet_sensitivity, sg_report_sheet_calculator};
    for (size_t i = 0; i < sizeof sheets / sizeof sheets[0]; i++) {
        st = sheets[i](&ctx, err);
        if (st != SG_OK)
            goto fail;
        if (ctx.lxw_status != LXW_NO_ERROR) {
            st = sg_error_set(err, SG_ERR_INTERNAL, "report: writing a sheet failed: %s",
                              lxw_strerror(ctx.lxw_status));
            goto fail;
        }
    }
    sg_report_print_setup(&ctx);
    if (ctx.lxw_status != LXW_NO_ERROR) {
        st = sg_error_set(err, SG_ERR_INTERNAL, "report: page set-up failed: %s",
                          lxw_strerror(ctx.lxw_status));
        goto fail;
    }
    lxw_error lerr = workbook_close(ctx.wb);
    ctx.wb = NULL;
    if (lerr != LXW_NO_ERROR) {
        st = sg_error_set(err, SG_ERR_IO, "report: cannot write '%s': %s", path,
                          lxw_strerror(lerr));
        goto fail;
    }
    /* fsync, then rename; mkstemp made the file private (0600): it gets the
     * previous report's permissions, or SG_ATOMIC_FILE_MODE for a new report */
    char *done = tmp;
    tmp = NULL; /* sg_atomic_commit releases it, whatever happens */
    st = sg_atomic_commit(done, path, SG_ATOMIC_KEEP_MODE, err);
    if (st != SG_OK) {
        if (err) { /* "report: <path>: cannot rename the temporary file: ..." */
            char why[SG_ERROR_MSG_MAX];
            snprintf(why, sizeof why, "%s", err->msg);
            sg_error_set(err, st, "report: %s", why);
        }
        goto fail;
    }
    release(&ctx, view);
    return SG_OK;

fail:
    if (ctx.wb) {
        /* Closing writes the (incomplete) file; it is removed just below. */
        workbook_close(ctx.wb);
    }
    sg_atomic_abort(tmp);
    release(&ctx, view);
    return st;
}

/* libxlsxwriter prints the sheets' numbers with the thread's locale: the
 * whole workbook is written under the C locale, so "1.5" stays "1.5" in the
 * XML under a decimal-comma locale. */
sg_status sg_report_write(const sg_report_input *in, const char *path, sg_error *err)
{
    sg_num_locale scope;
    sg_num_locale_enter(&scope);
    sg_status st = report_write(in, path, err);
    sg_num_locale_leave(&scope);
    return st;
}

const char *sg_rname_of(const sg_report_input *in, size_t j, double v)
{
    char *const *labels = NULL;
    size_t n = 0;
    if (j < in->n_factors) {
        labels = in->factors[j].labels;
        n = in->factors[j].n_levels;
    } else if (j - in->n_factors < in->n_responses) {
        labels = in->responses[j - in->n_factors].labels;
        n = in->responses[j - in->n_factors].n_labels;
    }
    if (!labels || n == 0 || !isfinite(v))
        return NULL;
    double c = floor(v + 0.5);
    return labels[c <= 0 ? 0 : c >= (double)(n - 1) ? n - 1 : (size_t)c];
}
