/* report.c — workbook set-up, validation, atomic write, reference predictor. */
#include "report_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

void sg_rnum(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v,
             lxw_format *f)
{
    if (isfinite(v))
        RC(ctx, worksheet_write_number(ws, r, c, v, f));
    else
        RC(ctx, worksheet_write_blank(ws, r, c, f));
}

void sg_rstr(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
             lxw_format *f)
{
    if (s && s[0])
        RC(ctx, worksheet_write_string(ws, r, c, s, f));
    else
        RC(ctx, worksheet_write_blank(ws, r, c, f));
}

/* ---- reference predictor -------------------------------------------------------- */

double sg_report_activate(sg_activation act, double z)
{
    switch (act) {
    case SG_ACT_LINEAR: return z;
    case SG_ACT_RELU: return z > 0.0 ? z : 0.0;
    case SG_ACT_LEAKY_RELU: return z > 0.0 ? z : SG_LEAKY_RELU_SLOPE * z;
    case SG_ACT_ELU: return z > 0.0 ? z : SG_ELU_ALPHA * (exp(fmin(z, 0.0)) - 1.0);
    case SG_ACT_SIGMOID: return 1.0 / (1.0 + exp(-fmax(z, -SG_REPORT_EXP_CLAMP)));
    case SG_ACT_TANH: return tanh(z);
    case SG_ACT_SOFTPLUS: return fmax(z, 0.0) + log(1.0 + exp(-fabs(z)));
    default: return NAN;
    }
}

const char *sg_report_act_name(sg_activation act)
{
    /* the names of mlp.h, kept here so the report needs no network code */
    static const char *const names[SG_ACT_COUNT] = {"linear",  "relu", "leaky_relu", "elu",
                                                    "sigmoid", "tanh", "softplus"};
    return (int)act >= 0 && act < SG_ACT_COUNT ? names[act] : "?";
}

const sg_report_net *sg_report_net_for(const sg_report_model *md, size_t n_responses,
                                       size_t k, size_t m, size_t *k_out)
{
    (void)n_responses;
    if (md->shared) {
        *k_out = k;
        return &md->nets[m];
    }
    *k_out = 0;
    return &md->nets[k * md->n_members + m];
}

static size_t net_max_width(const sg_report_net *net)
{
    size_t w = 0;
    for (size_t i = 0; i <= net->n_layers; i++)
        if (net->sizes[i] > w)
            w = net->sizes[i];
    return w;
}

size_t sg_report_work_size(const sg_report_input *in)
{
    if (!in || !in->model)
        return 0;
    const sg_report_model *md = in->model;
    size_t n_nets = md->shared ? md->n_members : in->n_responses * md->n_members;
    size_t w = in->n_factors;
    for (size_t i = 0; i < n_nets; i++) {
        size_t nw = net_max_width(&md->nets[i]);
        if (nw > w)
            w = nw;
    }
    /* scaled inputs, two activation buffers, outputs, member values */
    return in->n_factors + 3 * w + in->n_responses * md->n_members;
}

/* Forward pass of one net on scaled inputs s (sizes[0]); out receives
 * sizes[n_layers] values; a, b are scratch of the largest width each;
 * s, a, b and out are distinct. */
static void net_forward(const sg_report_net *net, const double *s, double *a, double *b,
                        double *out)
{
    const double *p = net->params;
    memcpy(a, s, net->sizes[0] * sizeof *a);
    for (size_t l = 0; l < net->n_layers; l++) {
        size_t ni = net->sizes[l], no = net->sizes[l + 1];
        const double *W = p, *bias = p + no * ni;
        for (size_t j = 0; j < no; j++) {
            double z = 0.0;
            for (size_t i = 0; i < ni; i++)
                z += W[j * ni + i] * a[i];
            b[j] = sg_report_activate(net->acts[l], z + bias[j]);
        }
        p += no * ni + no;
        double *t = a;
        a = b;
        b = t;
    }
    memcpy(out, a, net->sizes[net->n_layers] * sizeof *out);
}

sg_status sg_report_predict(const sg_report_input *in, const double *x, double *mean,
                            double *spread, double *members, double *work, sg_error *err)
{
    if (!in || !in->model || !x || !mean || !work)
        return sg_error_set(err, SG_ERR_INVALID, "report predict: missing model or arrays");
    const sg_report_model *md = in->model;
    size_t nf = in->n_factors, nr = in->n_responses, M = md->n_members;
    size_t w = (sg_report_work_size(in) - nf - nr * M) / 3;
    double *sx = work, *a = sx + nf, *b = a + w, *outv = b + w, *mem = outv + w;
    for (size_t i = 0; i < nf; i++)
        sx[i] = (x[i] - md->x_shift[i]) / md->x_width[i];
    for (size_t k = 0; k < nr; k++) {
        for (size_t m = 0; m < M; m++) {
            size_t ko;
            const sg_report_net *net = sg_report_net_for(md, nr, k, m, &ko);
            net_forward(net, sx, a, b, outv);
            mem[k * M + m] = outv[ko] * md->y_width[k] + md->y_shift[k];
        }
        double sum = 0.0;
        for (size_t m = 0; m < M; m++)
            sum += mem[k * M + m];
        mean[k] = sum / (double)M;
        if (spread) {
            double ss = 0.0;
            for (size_t m = 0; m < M; m++) {
                double d = mem[k * M + m] - mean[k];
                ss += d * d;
            }
            size_t den = md->spread == SG_REPORT_SPREAD_SAMPLE ? M - 1 : M;
            spread[k] = den > 0 ? sqrt(ss / (double)den) : 0.0;
        }
    }
    if (members)
        memcpy(members, mem, nr * M * sizeof *members);
    return SG_OK;
}

/* ---- validation ------------------------------------------------------------------ */

static sg_status validate_model(const sg_report_input *in, sg_error *err)
{
    const sg_report_model *md = in->model;
    if (md->n_members == 0 || !md->nets || !md->x_shift || !md->x_width || !md->y_shift ||
        !md->y_width)
        return sg_error_set(err, SG_ERR_INVALID, "report: model needs members, nets and scalers");
    for (size_t i = 0; i < in->n_factors; i++)
        if (!(md->x_width[i] > 0.0) || !isfinite(md->x_shift[i]))
            return sg_error_set(err, SG_ERR_INVALID,
                                "report: factor %zu has an invalid scaling width", i + 1);
    for (size_t k = 0; k < in->n_responses; k++)
        if (!(md->y_width[k] > 0.0) || !isfinite(md->y_shift[k]))
            return sg_error_set(err, SG_ERR_INVALID,
                                "report: response %zu has an invalid scaling width", k + 1);
    size_t n_nets = md->shared ? md->n_members : in->n_responses * md->n_members;
    size_t want_out = md->shared ? in->n_responses : 1;
    for (size_t i = 0; i < n_nets; i++) {
        const sg_report_net *net = &md->nets[i];
        if (net->n_layers == 0 || net->n_layers > SG_MLP_MAX_LAYERS || !net->sizes ||
            !net->acts || !net->params)
            return sg_error_set(err, SG_ERR_INVALID, "report: network %zu is incomplete", i + 1);
        if (net->sizes[0] != in->n_factors || net->sizes[net->n_layers] != want_out)
            return sg_error_set(err, SG_ERR_INVALID,
                                "report: network %zu maps %zu -> %zu values, expected %zu -> %zu",
                                i + 1, net->sizes[0], net->sizes[net->n_layers], in->n_factors,
                                want_out);
        for (size_t l = 0; l < net->n_layers; l++) {
            if (net->sizes[l + 1] == 0 || net->sizes[l + 1] > SG_MLP_MAX_WIDTH)
                return sg_error_set(err, SG_ERR_INVALID, "report: network %zu layer %zu width",
                                    i + 1, l + 1);
            if ((int)net->acts[l] < 0 || net->acts[l] >= SG_ACT_COUNT)
                return sg_error_set(err, SG_ERR_INVALID,
                                    "report: network %zu layer %zu has an unknown activation",
                                    i + 1, l + 1);
        }
    }
    if (in->calc) {
        if (!in->calc->settings)
            return sg_error_set(err, SG_ERR_INVALID, "report: calculator needs settings");
        if (in->calc->n_check > 0 && (!in->calc->check_x || !in->calc->check_pred))
            return sg_error_set(err, SG_ERR_INVALID,
                                "report: calculator check rows need inputs and predictions");
    }
    return SG_OK;
}

sg_status sg_report_validate(const sg_report_input *in, sg_error *err)
{
    if (!in)
        return sg_error_set(err, SG_ERR_INVALID, "report: no input");
    if (in->n_factors == 0 || !in->factors || in->n_responses == 0 || !in->responses)
        return sg_error_set(err, SG_ERR_INVALID, "report: study needs factors and responses");
    for (size_t i = 0; i < in->n_factors; i++) {
        const sg_report_factor *f = &in->factors[i];
        if (!f->name || !(f->min < f->max))
            return sg_error_set(err, SG_ERR_INVALID,
                                "report: factor %zu needs a name and min < max", i + 1);
    }
    for (size_t k = 0; k < in->n_responses; k++)
        if (!in->responses[k].name)
            return sg_error_set(err, SG_ERR_INVALID, "report: response %zu needs a name", k + 1);
    if (in->n_warnings > 0 && !in->warnings)
        return sg_error_set(err, SG_ERR_INVALID, "report: warnings array missing");
    if (in->calc && !in->model)
        return sg_error_set(err, SG_ERR_INVALID, "report: the calculator needs the model");
    if (in->model) {
        sg_status st = validate_model(in, err);
        if (st != SG_OK)
            return st;
    }
    if (in->data && in->data->n_rows > 0 && !in->data->values)
        return sg_error_set(err, SG_ERR_INVALID, "report: data rows without values");
    if (in->stats && in->stats->n_cols != in->n_factors + in->n_responses)
        return sg_error_set(err, SG_ERR_INVALID,
                            "report: statistics have %zu columns, expected %zu",
                            in->stats->n_cols, in->n_factors + in->n_responses);
    if (in->validation && (!in->validation->train || !in->validation->cv))
        return sg_error_set(err, SG_ERR_INVALID, "report: validation needs train and CV metrics");
    if (in->effects && !in->effects->resp)
        return sg_error_set(err, SG_ERR_INVALID, "report: main effects need per-response results");
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

/* Create an empty unique temporary file beside path; name into tmp. */
static sg_status make_temp(const char *path, const char *dir, char *tmp, size_t size,
                           sg_error *err)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    int n = snprintf(tmp, size, "%s/.%s.tmp-XXXXXX", dir, base);
    if (n < 0 || (size_t)n >= size)
        return sg_error_set(err, SG_ERR_IO, "report path '%s' is too long", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return sg_error_set(err, SG_ERR_IO, "cannot create a file in directory '%s': %s", dir,
                            strerror(errno));
    close(fd);
    return SG_OK;
}

sg_status sg_report_check_target(const char *path, sg_error *err)
{
    char dir[SG_REPORT_PATH_MAX], tmp[SG_REPORT_PATH_MAX + 64];
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
    st = make_temp(path, dir, tmp, sizeof tmp, err);
    if (st != SG_OK)
        return st;
    unlink(tmp);
    return SG_OK;
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
    ctx->input = workbook_add_format(wb);
    ctx->sci = workbook_add_format(wb);
    ctx->integer = workbook_add_format(wb);
    ctx->pct = workbook_add_format(wb);
    ctx->suspicious = workbook_add_format(wb);
    ctx->excluded = workbook_add_format(wb);
    if (!ctx->title || !ctx->subtitle || !ctx->header || !ctx->text || !ctx->wrap ||
        !ctx->bold || !ctx->note || !ctx->warn || !ctx->input || !ctx->sci ||
        !ctx->integer || !ctx->pct || !ctx->suspicious || !ctx->excluded)
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
    format_set_italic(ctx->note);
    format_set_font_color(ctx->note, 0x595959);
    format_set_font_color(ctx->warn, 0x9C0006);
    format_set_text_wrap(ctx->warn);
    format_set_bg_color(ctx->input, 0xFFF2CC);
    format_set_border(ctx->input, LXW_BORDER_THIN);
    format_set_num_format(ctx->sci, "0.000000E+00");
    format_set_num_format(ctx->integer, "0");
    format_set_num_format(ctx->pct, "0.0%");
    format_set_bg_color(ctx->suspicious, 0xFFC7CE);
    format_set_font_color(ctx->suspicious, 0x9C0006);
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
        if (!ctx->num[d] || !ctx->num_in[d] || !ctx->num_bold[d])
            return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for formats");
        format_set_num_format(ctx->num[d], nf);
        format_set_num_format(ctx->num_in[d], nf);
        format_set_bg_color(ctx->num_in[d], 0xFFF2CC);
        format_set_border(ctx->num_in[d], LXW_BORDER_THIN);
        format_set_num_format(ctx->num_bold[d], nf);
        format_set_bold(ctx->num_bold[d]);
    }
    return SG_OK;
}

typedef sg_status (*sheet_fn)(sg_rctx *, sg_error *);

sg_status sg_report_write(const sg_report_input *in, const char *path, sg_error *err)
{
    char dir[SG_REPORT_PATH_MAX], tmp[SG_REPORT_PATH_MAX + 64];
    sg_rctx ctx;
    memset(&ctx, 0, sizeof ctx);
    sg_status st = sg_report_validate(in, err);
    if (st != SG_OK)
        return st;
    if (!path)
        return sg_error_set(err, SG_ERR_IO, "no report path given");
    st = split_dir(path, dir, sizeof dir, err);
    if (st != SG_OK)
        return st;
    st = make_temp(path, dir, tmp, sizeof tmp, err);
    if (st != SG_OK)
        return st;

    lxw_workbook_options opt = {.constant_memory = 0, .tmpdir = NULL, .use_zip64 = 0};
    ctx.wb = workbook_new_opt(tmp, &opt);
    ctx.in = in;
    if (!ctx.wb) {
        st = sg_error_set(err, SG_ERR_NOMEM, "report: cannot create workbook");
        goto fail;
    }
    st = make_formats(&ctx, err);
    if (st != SG_OK)
        goto fail;
    lxw_doc_properties props = {.title = (char *)(in->title ? in->title : "surrogate report"),
                                .subject = "Surrogate model study",
                                .author = "surrogate " SG_VERSION,
                                .comments = "Generated by surrogate; no macros."};
    RC(&ctx, workbook_set_properties(ctx.wb, &props));

    /* Sheet order as an engineer reads the study. */
    const sheet_fn sheets[] = {sg_report_sheet_summary, sg_report_sheet_data,
                               sg_report_sheet_stats,   sg_report_sheet_effects,
                               sg_report_sheet_model,   sg_report_sheet_validation,
                               sg_report_sheet_optim,   sg_report_sheet_calculator};
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
    lxw_error lerr = workbook_close(ctx.wb);
    ctx.wb = NULL;
    if (lerr != LXW_NO_ERROR) {
        st = sg_error_set(err, SG_ERR_IO, "report: cannot write '%s': %s", path,
                          lxw_strerror(lerr));
        goto fail;
    }
    if (rename(tmp, path) != 0) {
        st = sg_error_set(err, SG_ERR_IO, "report: cannot rename the workbook to '%s': %s",
                          path, strerror(errno));
        goto fail;
    }
    return SG_OK;

fail:
    if (ctx.wb) {
        /* Closing writes the (incomplete) file; it is removed just below. */
        workbook_close(ctx.wb);
    }
    unlink(tmp);
    return st;
}
