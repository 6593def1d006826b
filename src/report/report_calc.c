/* report_calc.c — the Calculator sheet: the fitted ensemble as live formulas.
 *
 * Left block (columns A..): one input cell per factor (data validation to the
 * factor's bounds), the predicted responses (ensemble mean, spread, optional
 * interval, each member) and a check table comparing the formulas with the
 * predictions computed by surrogate on the first data rows.
 *
 * Right block (from column W0): scaling parameters, the scaled inputs of
 * every evaluation point (p = 0 the calculator, p = 1.. the check rows), the
 * ensemble members' predictions, and one block per network: for each layer
 * the weight rows (one per neuron: weights then bias) and, per evaluation
 * point, a row of net inputs z = SUMPRODUCT(weights, previous row) + bias
 * and a row of activations a = f(z).  Every activation row is horizontal and
 * aligned with the weight columns, so SUMPRODUCT pairs equal-shaped ranges.
 *
 * Each formula cell also carries the value computed here in C with the same
 * arithmetic (cached result), so viewers that do not recalculate show the
 * right numbers.
 */
#include "report/report_internal.h"
#include "core/num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest formula written (Excel's limit is 8192 characters). */
#define SG_CALC_FORMULA_MAX 8192
/* Largest number of network parameters (all members) written as formulas;
 * beyond it the Calculator explains why it is absent (Excel would be slow
 * and a layer could exceed Excel's 16384 columns). */
#define SG_CALC_MAX_PARAMS 200000
/* Widest layer the weight block can hold (Excel has 16384 columns). */
#define SG_CALC_MAX_WIDTH 16000
/* Column width of the weight block. */
#define SG_CALC_WCOL_WIDTH 12.0

/* Column indexes: the widest layer is at most SG_CALC_MAX_WIDTH (checked
 * before anything is written) and the left block has 1 + nf + 3 nr columns,
 * so every column sum below fits lxw_col_t (Excel's 16384 columns); the
 * (lxw_col_t) casts of such sums are exact. */
typedef struct calc_layout {
    size_t nf, nr, M, P, n_nets;
    /* Shown rows: one per response, one per name of a class response
     * (the probability of each, from the softmax of its networks' logits):
     * row d is response d_resp[d], class d_class[d] (SIZE_MAX for a number
     * or a pass/fail response); d_first[k] is response k's first row. */
    size_t nd;
    size_t *d_resp, *d_class, *d_first;
    double *check_val;         /* (n_check * nd) surrogate's value of each shown row */
    lxw_col_t W0;              /* label column of the right block */
    lxw_row_t f_row0;          /* first factor row (left block) */
    lxw_row_t r_row0;          /* first response row */
    lxw_row_t c_row0;          /* first check row */
    lxw_row_t xs_row0;         /* scaled inputs, one row per point */
    lxw_row_t ens_row0;        /* ensemble members, rows p * nr + k */
    lxw_row_t xsc_row0;        /* input scaling rows (shift, width) */
    lxw_row_t ysc_row0;        /* output scaling rows */
    lxw_row_t tr_row0;         /* linear trend rows, one per response (md->trend) */
    lxw_col_t m_col0;          /* first member column in the left block */
    lxw_row_t *out_row;        /* (n_nets * P) row of a net's output values */
    double *ens_val;           /* (P * nd * M) member values, engineering units */
    double *mean, *spread;     /* (P * nd) ensemble mean and spread per point and shown row */
    size_t main_cols;          /* columns of the left block */
    size_t wmax;               /* widest layer (at least nfe): columns of the weight block */
    /* network inputs (model.h encoding): input q is factor feat_f[q] itself
     * (feat_l[q] = -1) or whether that category factor is at its name
     * feat_l[q] (1 / 0); feat_first[i] is factor i's first input */
    size_t nfe;
    size_t feat_f[SG_MLP_MAX_WIDTH];
    int feat_l[SG_MLP_MAX_WIDTH];
    size_t feat_first[SG_STUDY_MAX_FACTORS];
} calc_layout;

static void cell_abs(char *buf, lxw_row_t r, lxw_col_t c)
{
    lxw_rowcol_to_cell_abs(buf, r, c, 1, 1);
}

static void range_abs(char *buf, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2, lxw_col_t c2)
{
    lxw_rowcol_to_range_abs(buf, r1, c1, r2, c2);
}

/* Formula of activation act applied to the cell named z. */
static void act_formula(char *buf, size_t size, sg_activation act, const char *z)
{
    switch (act) {
    case SG_ACT_LINEAR: snprintf(buf, size, "=%s", z); break;
    case SG_ACT_RELU: snprintf(buf, size, "=MAX(0,%s)", z); break;
    case SG_ACT_LEAKY_RELU:
        sg_num_snprintf(buf, size, "=IF(%s>0,%s,%.17g*%s)", z, z, SG_LEAKY_RELU_SLOPE, z);
        break;
    case SG_ACT_ELU:
        sg_num_snprintf(buf, size, "=IF(%s>0,%s,%.17g*(EXP(MIN(%s,0))-1))", z, z, SG_ELU_ALPHA, z);
        break;
    case SG_ACT_SIGMOID:
        sg_num_snprintf(buf, size, "=1/(1+EXP(-MAX(%s,%.17g)))", z, -SG_REPORT_EXP_CLAMP);
        break;
    case SG_ACT_TANH: snprintf(buf, size, "=TANH(%s)", z); break;
    case SG_ACT_SOFTPLUS:
        snprintf(buf, size, "=MAX(%s,0)+LN(1+EXP(-ABS(%s)))", z, z);
        break;
    default: snprintf(buf, size, "=NA()"); break;
    }
}

static void point_name(const sg_rctx *ctx, size_t p, char *buf, size_t size)
{
    if (p == 0)
        snprintf(buf, size, "calculator");
    else
        snprintf(buf, size, "check %zu (data row %zu)", p, ctx->check_row[p - 1]);
}

/* The factor input cell of point p and factor i (left block). */
static void input_cell(const calc_layout *L, size_t p, size_t i, char *buf)
{
    if (p == 0)
        cell_abs(buf, L->f_row0 + (lxw_row_t)i, 2);
    else
        cell_abs(buf, L->c_row0 + (lxw_row_t)(p - 1), (lxw_col_t)(1 + i));
}

static double input_value(const sg_rctx *ctx, size_t nf, size_t p, size_t i)
{
    return p == 0 ? ctx->settings[i] : ctx->check_x[(p - 1) * nf + i];
}

/* Input q is log10 of a numeric factor's setting (model.h log_scale). */
static bool feature_is_log(const sg_rctx *ctx, const calc_layout *L, size_t q)
{
    size_t i = L->feat_f[q];
    return L->feat_l[q] < 0 && ctx->md->log_scale && i < SG_MODEL_MAX_CATEGORICAL &&
           ctx->md->log_scale[i];
}

/* Input q of point p: the factor's value (its log10 on a log scale), or
 * 1 / 0 for a category's name. */
static double feature_value(const sg_rctx *ctx, const calc_layout *L, size_t p, size_t q)
{
    double v = input_value(ctx, L->nf, p, L->feat_f[q]);
    if (L->feat_l[q] < 0)
        return feature_is_log(ctx, L, q) ? log10(v) : v;
    return floor(v + 0.5) == (double)L->feat_l[q] ? 1.0 : 0.0;
}

/* "thickness", or "alloy = BNi-5" for a category's input. */
static void feature_label(const sg_rctx *ctx, const calc_layout *L, size_t q, char *buf,
                          size_t cap)
{
    const sg_report_factor *fa = &ctx->in->factors[L->feat_f[q]];
    if (feature_is_log(ctx, L, q))
        snprintf(buf, cap, "log10(%s)", fa->name);
    else if (L->feat_l[q] < 0 || !fa->labels)
        snprintf(buf, cap, "%s", fa->name);
    else
        snprintf(buf, cap, "%s = %s", fa->name, fa->labels[L->feat_l[q]]);
}

/* A name as a spreadsheet string literal: quotes doubled, in quotes. */
static void quoted(const char *s, char *buf, size_t cap)
{
    size_t o = 0;
    if (cap < 3)
        return;
    buf[o++] = '"';
    for (; *s && o + 3 < cap; s++) {
        if (*s == '"')
            buf[o++] = '"';
        buf[o++] = *s;
    }
    buf[o++] = '"';
    buf[o] = '\0';
}

/* The formula text of input q of point p: the input cell, or for a
 * category's name IF(cell="name",1,0) (names match ignoring case, as the
 * data do). */
static void feature_expr(const sg_rctx *ctx, const calc_layout *L, size_t p, size_t q,
                         char *buf, size_t cap)
{
    char cin[32], name[160];
    input_cell(L, p, L->feat_f[q], cin);
    if (L->feat_l[q] < 0) {
        snprintf(buf, cap, feature_is_log(ctx, L, q) ? "LOG10(%s)" : "%s", cin);
        return;
    }
    quoted(ctx->in->factors[L->feat_f[q]].labels[L->feat_l[q]], name, sizeof name);
    snprintf(buf, cap, "IF(%s=%s,1,0)", cin, name);
}

/* Response k's members predict log10 of it (model.h log_y). */
static bool output_is_log(const sg_report_model *md, size_t k)
{
    return md->log_y && k < SG_MODEL_MAX_CATEGORICAL && md->log_y[k];
}

/* A pass/fail response's network output is a logit. */
static bool is_binary(const sg_report_model *md, size_t k)
{
    return md->binary && md->binary[k];
}

/* The outputs of a class response's network (k_resp, member m): per point
 * a row of probabilities, the softmax of the logit row prev[p] (shifted by
 * its largest logit so that EXP cannot overflow).  Fills L->out_row and
 * L->ens_val; *row is the next free row. */
static void write_softmax(sg_rctx *ctx, lxw_worksheet *ws, calc_layout *L, size_t ni_net,
                          size_t k_resp, size_t m, size_t n_out, const lxw_row_t *prev,
                          const double *z, size_t wmax, lxw_row_t *row)
{
    char f[SG_CALC_FORMULA_MAX], c1[32], zr[64], label[256];
    lxw_col_t W0 = L->W0;
    lxw_row_t r = *row;
    for (size_t p = 0; p < L->P; p++) {
        char pn[64];
        point_name(ctx, p, pn, sizeof pn);
        snprintf(label, sizeof label, "probabilities (softmax), %s", pn);
        sg_rstr(ctx, ws, r, W0, label, ctx->bold);
        const double *zp = z + p * wmax;
        double mx = zp[0], se = 0.0;
        for (size_t o = 1; o < n_out; o++)
            mx = zp[o] > mx ? zp[o] : mx;
        for (size_t o = 0; o < n_out; o++)
            se += exp(zp[o] - mx);
        range_abs(zr, prev[p], W0 + 1, prev[p], W0 + (lxw_col_t)n_out);
        for (size_t o = 0; o < n_out; o++) {
            double v = exp(zp[o] - mx) / se;
            cell_abs(c1, prev[p], (lxw_col_t)(W0 + 1 + o));
            snprintf(f, sizeof f, "=EXP(%s-MAX(%s))/SUMPRODUCT(EXP(%s-MAX(%s)))", c1, zr, zr,
                     zr);
            RC(ctx, sg_rformula_num(ctx, ws, r, (lxw_col_t)(W0 + 1 + o), f, ctx->num[4],
                                    v));
            L->ens_val[(p * L->nd + L->d_first[k_resp] + o) * L->M + m] = v;
        }
        L->out_row[ni_net * L->P + p] = r;
        r++;
    }
    *row = r;
}

/* Response k's linear trend (NULL: none). */
static const double *trend_of(const sg_report_model *md, size_t k)
{
    return md->trend ? md->trend[k] : NULL;
}

/* A network's scaled output for response k at point p (the cell c1, its
 * value in *v) with the response's trend added: the sum into *v, the
 * formula's operand into buf (c1 alone without a trend). */
static void trended_output(sg_rctx *ctx, const calc_layout *L, size_t k, size_t p,
                           const char *c1, double *v, char *buf, size_t size)
{
    const sg_report_model *md = ctx->md;
    const double *b = trend_of(md, k);
    if (!b) {
        snprintf(buf, size, "%s", c1);
        return;
    }
    char slopes[64], xs[64], icpt[32];
    lxw_col_t W0 = L->W0;
    lxw_row_t tr = L->tr_row0 + (lxw_row_t)k, xr = L->xs_row0 + (lxw_row_t)p;
    range_abs(slopes, tr, W0 + 1, tr, (lxw_col_t)(W0 + L->nfe));
    range_abs(xs, xr, W0 + 1, xr, (lxw_col_t)(W0 + L->nfe));
    cell_abs(icpt, tr, (lxw_col_t)(W0 + 1 + L->nfe));
    snprintf(buf, size, "(%s+SUMPRODUCT(%s,%s)+%s)", c1, slopes, xs, icpt);
    double t = b[0];
    for (size_t q = 0; q < L->nfe; q++)
        t += b[1 + q] * (feature_value(ctx, L, p, q) - md->x_shift[q]) / md->x_width[q];
    *v += t;
}

/* Write one network block from row *row; fills L->out_row and L->ens_val. */
static sg_status write_net(sg_rctx *ctx, lxw_worksheet *ws, calc_layout *L, size_t ni_net,
                           const sg_report_net *net, size_t k_resp, size_t m,
                           lxw_row_t *row, double *buf_a, double *buf_b, sg_error *err)
{
    const sg_report_input *in = ctx->in;
    const sg_report_model *md = ctx->md;
    char f[SG_CALC_FORMULA_MAX], c1[32], c2[64], c3[64], label[256];
    lxw_col_t W0 = L->W0;
    lxw_row_t r = *row;

    char arch[128] = "";
    size_t off = 0;
    for (size_t l = 0; l <= net->n_layers && off < sizeof arch; l++)
        off += (size_t)snprintf(arch + off, sizeof arch - off, l ? "-%zu" : "%zu",
                                net->sizes[l]);
    if (md->shared)
        snprintf(label, sizeof label, "Network %zu: member %zu, all responses (%s)",
                 ni_net + 1, m + 1, arch);
    else
        snprintf(label, sizeof label, "Network %zu: %s, member %zu (%s)", ni_net + 1,
                 in->responses[k_resp].name, m + 1, arch);
    sg_rstr(ctx, ws, r++, W0, label, ctx->subtitle);

    /* previous activation row of each point: the scaled inputs */
    lxw_row_t *prev = malloc(L->P * sizeof *prev);
    if (!prev)
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory");
    for (size_t p = 0; p < L->P; p++)
        prev[p] = L->xs_row0 + (lxw_row_t)p;
    /* cached activations per point: (P, width) in buf_a, next layer in buf_b */
    size_t wmax = 0;
    for (size_t l = 0; l <= net->n_layers; l++)
        if (net->sizes[l] > wmax)
            wmax = net->sizes[l];
    for (size_t p = 0; p < L->P; p++)
        for (size_t q = 0; q < L->nfe; q++)
            buf_a[p * wmax + q] = (feature_value(ctx, L, p, q) - md->x_shift[q]) / md->x_width[q];

    const double *par = net->params;
    for (size_t l = 0; l < net->n_layers; l++) {
        size_t ni = net->sizes[l], no = net->sizes[l + 1];
        const double *Wl = par, *bl = par + no * ni;
        snprintf(label, sizeof label, "Layer %zu: %zu inputs -> %zu neurons, activation %s",
                 l + 1, ni, no, sg_report_act_name(net->acts[l]));
        sg_rstr(ctx, ws, r++, W0, label, ctx->bold);
        sg_rstr(ctx, ws, r, W0, "neuron", ctx->header);
        for (size_t i = 0; i < ni; i++) {
            if (l == 0) {
                char fl[200];
                feature_label(ctx, L, i, fl, sizeof fl);
                snprintf(label, sizeof label, "w: %s", fl);
            } else {
                snprintf(label, sizeof label, "w: neuron %zu", i + 1);
            }
            sg_rstr(ctx, ws, r, (lxw_col_t)(W0 + 1 + i), label, ctx->header);
        }
        sg_rstr(ctx, ws, r, (lxw_col_t)(W0 + 1 + ni), "bias", ctx->header);
        r++;
        lxw_row_t w_row0 = r;
        for (size_t j = 0; j < no; j++, r++) {
            snprintf(label, sizeof label, "neuron %zu", j + 1);
            sg_rstr(ctx, ws, r, W0, label, ctx->text);
            for (size_t i = 0; i < ni; i++)
                RC(ctx, sg_rnumber(ctx, ws, r, (lxw_col_t)(W0 + 1 + i), Wl[j * ni + i],
                                   ctx->sci));
            RC(ctx, sg_rnumber(ctx, ws, r, (lxw_col_t)(W0 + 1 + ni), bl[j], ctx->sci));
        }
        for (size_t p = 0; p < L->P; p++) {
            char pn[64];
            point_name(ctx, p, pn, sizeof pn);
            lxw_row_t zr = r++, ar = r++;
            snprintf(label, sizeof label, "z, %s", pn);
            sg_rstr(ctx, ws, zr, W0, label, ctx->note);
            snprintf(label, sizeof label, "a, %s", pn);
            sg_rstr(ctx, ws, ar, W0, label, ctx->note);
            range_abs(c3, prev[p], W0 + 1, prev[p], W0 + (lxw_col_t)ni);
            for (size_t j = 0; j < no; j++) {
                double z = 0.0;
                for (size_t i = 0; i < ni; i++)
                    z += Wl[j * ni + i] * buf_a[p * wmax + i];
                z += bl[j];
                double a = sg_report_activate(net->acts[l], z);
                buf_b[p * wmax + j] = a;
                range_abs(c2, w_row0 + (lxw_row_t)j, W0 + 1, w_row0 + (lxw_row_t)j,
                          W0 + (lxw_col_t)ni);
                cell_abs(c1, w_row0 + (lxw_row_t)j, (lxw_col_t)(W0 + 1 + ni));
                snprintf(f, sizeof f, "=SUMPRODUCT(%s,%s)+%s", c2, c3, c1);
                RC(ctx, sg_rformula_num(ctx, ws, zr, (lxw_col_t)(W0 + 1 + j), f,
                                        ctx->num[6], z));
                cell_abs(c1, zr, (lxw_col_t)(W0 + 1 + j));
                act_formula(f, sizeof f, net->acts[l], c1);
                RC(ctx, sg_rformula_num(ctx, ws, ar, (lxw_col_t)(W0 + 1 + j), f,
                                        ctx->num[6], a));
            }
            prev[p] = ar;
        }
        memcpy(buf_a, buf_b, L->P * wmax * sizeof *buf_a);
        par += no * ni + no;
    }
    /* outputs in engineering units */
    size_t n_out = net->sizes[net->n_layers];
    if (!md->shared && md->classes && md->classes[k_resp] >= 3) {
        write_softmax(ctx, ws, L, ni_net, k_resp, m, n_out, prev, buf_a, wmax, &r);
        free(prev);
        *row = r + 1;
        return SG_OK;
    }
    for (size_t p = 0; p < L->P; p++) {
        char pn[64];
        point_name(ctx, p, pn, sizeof pn);
        snprintf(label, sizeof label, "output, %s", pn);
        sg_rstr(ctx, ws, r, W0, label, ctx->bold);
        for (size_t o = 0; o < n_out; o++) {
            size_t k = md->shared ? o : k_resp;
            double v = buf_a[p * wmax + o];
            char out[256];
            cell_abs(c1, prev[p], (lxw_col_t)(W0 + 1 + o));
            trended_output(ctx, L, k, p, c1, &v, out, sizeof out);
            v = v * md->y_width[k] + md->y_shift[k];
            cell_abs(c2, L->ysc_row0 + (lxw_row_t)k, W0 + 3);
            cell_abs(c3, L->ysc_row0 + (lxw_row_t)k, W0 + 2);
            snprintf(f, sizeof f, "=%s*%s+%s", out, c2, c3);
            int d = sg_rfmt_decimals_sig(md->y_shift[k] + md->y_width[k]);
            if (output_is_log(md, k)) { /* the member predicts log10 of the response */
                v = pow(10.0, v);
                snprintf(f, sizeof f, "=POWER(10,%s*%s+%s)", out, c2, c3);
                d = sg_rfmt_decimals_sig(v);
            }
            if (is_binary(md, k)) { /* the probability of the second outcome */
                v = sg_logistic(v);
                sg_num_snprintf(f, sizeof f, "=1/(1+EXP(-MAX(MIN(%s*%s+%s,%.17g),%.17g)))", out,
                                c2, c3, SG_REPORT_EXP_CLAMP, -SG_REPORT_EXP_CLAMP);
                d = 4;
            }
            RC(ctx, sg_rformula_num(ctx, ws, r, (lxw_col_t)(W0 + 1 + o), f, ctx->num[d],
                                    v));
            L->ens_val[(p * L->nd + L->d_first[k]) * L->M + m] = v;
        }
        L->out_row[ni_net * L->P + p] = r;
        r++;
    }
    free(prev);
    *row = r + 1;
    return SG_OK;
}

/* A drop-down of a category factor's names on its setting cell (Excel
 * keeps at most 255 characters of such a list: longer lists get none, the
 * Check column still says when a cell holds no name). */
static void write_name_list(sg_rctx *ctx, lxw_worksheet *ws, const calc_layout *L, size_t i)
{
    const sg_report_factor *fa = &ctx->in->factors[i];
    const char *list[SG_STUDY_MAX_LEVELS + 1];
    size_t total = 0;
    for (size_t l = 0; l < fa->n_levels; l++) {
        list[l] = fa->labels[l];
        total += strlen(fa->labels[l]) + 1;
    }
    list[fa->n_levels] = NULL;
    if (total > 255)
        return;
    lxw_data_validation dv;
    memset(&dv, 0, sizeof dv);
    dv.validate = LXW_VALIDATION_TYPE_LIST;
    dv.value_list = (char **)list; /* libxlsxwriter only reads it */
    dv.input_title = (char *)"Factor setting";
    dv.input_message = (char *)"Choose one of the names";
    dv.error_title = (char *)"Not one of the names";
    dv.error_message = (char *)"The network knows only the names of the study's levels.";
    dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
    RC(ctx, worksheet_data_validation_cell(ws, L->f_row0 + (lxw_row_t)i, 2, &dv));
}

void sg_report_range_validation(sg_rctx *ctx, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                                const sg_report_factor *fa, const char *model)
{
    /* Excel limits: title 32 characters, message 255 */
    char msg[250];
    lxw_data_validation dv;
    memset(&dv, 0, sizeof dv);
    dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
    dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    dv.minimum_number = fa->min;
    dv.maximum_number = fa->max;
    sg_num_snprintf(msg, sizeof msg,
                    "%.60s must lie between %.10g and %.10g %.16s: %.20s was fitted on this "
                    "range only.",
                    fa->name, fa->min, fa->max, fa->unit ? fa->unit : "", model);
    char hint[120];
    sg_num_snprintf(hint, sizeof hint, "Allowed: %.10g to %.10g %.16s", fa->min, fa->max,
                    fa->unit ? fa->unit : "");
    dv.input_title = (char *)"Factor setting";
    dv.input_message = hint;
    dv.error_title = (char *)"Setting out of range";
    dv.error_message = msg;
    dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
    RC(ctx, worksheet_data_validation_cell(ws, r, c, &dv));
}

static void write_validation(sg_rctx *ctx, lxw_worksheet *ws, const calc_layout *L)
{
    const sg_report_input *in = ctx->in;
    for (size_t i = 0; i < L->nf; i++) {
        const sg_report_factor *fa = &in->factors[i];
        if (fa->labels)
            write_name_list(ctx, ws, L, i);
        else
            sg_report_range_validation(ctx, ws, L->f_row0 + (lxw_row_t)i, 2, fa, "the network");
    }
}

/* The trend table (md->trend): a row per response, each slope under its
 * scaled input's column of the scaled-inputs table (so one SUMPRODUCT
 * pairs them), the intercept after them. */
static void write_trend(sg_rctx *ctx, lxw_worksheet *ws, const calc_layout *L)
{
    const sg_report_model *md = ctx->md;
    lxw_col_t W0 = L->W0;
    char label[256];
    if (!md->trend)
        return;
    sg_rstr(ctx, ws, L->tr_row0 - 2, W0,
            "Linear trend (scaled units): a member's output = its network's output + "
            "intercept + SUMPRODUCT(slopes, scaled inputs)",
            ctx->bold);
    sg_rstr(ctx, ws, L->tr_row0 - 1, W0, "response", ctx->header);
    for (size_t q = 0; q < L->nfe; q++) {
        feature_label(ctx, L, q, label, sizeof label);
        sg_rstr(ctx, ws, L->tr_row0 - 1, (lxw_col_t)(W0 + 1 + q), label, ctx->header);
    }
    sg_rstr(ctx, ws, L->tr_row0 - 1, (lxw_col_t)(W0 + 1 + L->nfe), "intercept", ctx->header);
    for (size_t k = 0; k < L->nr; k++) {
        lxw_row_t r = L->tr_row0 + (lxw_row_t)k;
        const double *b = trend_of(md, k);
        sg_rstr(ctx, ws, r, W0, ctx->in->responses[k].name, ctx->text);
        if (!b) {
            sg_rstr(ctx, ws, r, W0 + 1, "none", ctx->note);
            continue;
        }
        for (size_t q = 0; q < L->nfe; q++)
            RC(ctx, sg_rnumber(ctx, ws, r, (lxw_col_t)(W0 + 1 + q), b[1 + q], ctx->sci));
        RC(ctx, sg_rnumber(ctx, ws, r, (lxw_col_t)(W0 + 1 + L->nfe), b[0], ctx->sci));
    }
}

/* Right block, top: the title and the input and output scaling tables. */
static void write_scaling(sg_rctx *ctx, lxw_worksheet *ws, const calc_layout *L)
{
    const sg_report_input *in = ctx->in;
    const sg_report_model *md = ctx->md;
    lxw_col_t W0 = L->W0;
    char label[256];
    sg_rstr(ctx, ws, 0, W0, "Network weights and intermediate values (do not edit)",
            ctx->subtitle);
    snprintf(label, sizeof label, "Input scaling (%s): scaled = (value - shift) / width",
             sg_scale_kind_name(md->x_kind));
    sg_rstr(ctx, ws, L->xsc_row0 - 2, W0, label, ctx->bold);
    const char *sc_hdr[] = {"factor", "unit", "shift", "width"};
    for (int c = 0; c < 4; c++)
        sg_rstr(ctx, ws, L->xsc_row0 - 1, W0 + (lxw_col_t)c, sc_hdr[c], ctx->header);
    for (size_t q = 0; q < L->nfe; q++) {
        lxw_row_t r = L->xsc_row0 + (lxw_row_t)q;
        feature_label(ctx, L, q, label, sizeof label);
        sg_rstr(ctx, ws, r, W0, label, ctx->text);
        sg_rstr(ctx, ws, r, W0 + 1, L->feat_l[q] < 0 ? in->factors[L->feat_f[q]].unit : "0/1",
                ctx->text);
        RC(ctx, sg_rnumber(ctx, ws, r, W0 + 2, md->x_shift[q], NULL));
        RC(ctx, sg_rnumber(ctx, ws, r, W0 + 3, md->x_width[q], NULL));
    }
    snprintf(label, sizeof label, "Output scaling (%s): value = scaled * width + shift",
             sg_scale_kind_name(md->y_kind));
    sg_rstr(ctx, ws, L->ysc_row0 - 2, W0, label, ctx->bold);
    sc_hdr[0] = "response";
    for (int c = 0; c < 4; c++)
        sg_rstr(ctx, ws, L->ysc_row0 - 1, W0 + (lxw_col_t)c, sc_hdr[c], ctx->header);
    for (size_t k = 0; k < L->nr; k++) {
        lxw_row_t r = L->ysc_row0 + (lxw_row_t)k;
        if (output_is_log(md, k)) {
            snprintf(label, sizeof label, "log10(%s)", in->responses[k].name);
            sg_rstr(ctx, ws, r, W0, label, ctx->text);
        } else {
            sg_rstr(ctx, ws, r, W0, in->responses[k].name, ctx->text);
        }
        sg_rstr(ctx, ws, r, W0 + 1, in->responses[k].unit, ctx->text);
        RC(ctx, sg_rnumber(ctx, ws, r, W0 + 2, md->y_shift[k], NULL));
        RC(ctx, sg_rnumber(ctx, ws, r, W0 + 3, md->y_width[k], NULL));
    }
    write_trend(ctx, ws, L);
}

/* Right block: the scaled inputs of every evaluation point. */
static void write_scaled_inputs(sg_rctx *ctx, lxw_worksheet *ws, const calc_layout *L)
{
    const sg_report_input *in = ctx->in;
    const sg_report_model *md = ctx->md;
    lxw_col_t W0 = L->W0;
    char f[SG_CALC_FORMULA_MAX], label[256];
    sg_rstr(ctx, ws, L->xs_row0 - 2, W0, "Scaled inputs", ctx->bold);
    sg_rstr(ctx, ws, L->xs_row0 - 1, W0, "point", ctx->header);
    (void)in;
    for (size_t q = 0; q < L->nfe; q++) {
        feature_label(ctx, L, q, label, sizeof label);
        sg_rstr(ctx, ws, L->xs_row0 - 1, (lxw_col_t)(W0 + 1 + q), label, ctx->header);
    }
    for (size_t p = 0; p < L->P; p++) {
        lxw_row_t r = L->xs_row0 + (lxw_row_t)p;
        point_name(ctx, p, label, sizeof label);
        sg_rstr(ctx, ws, r, W0, label, ctx->note);
        for (size_t q = 0; q < L->nfe; q++) {
            char cin[200], csh[32], cwd[32];
            feature_expr(ctx, L, p, q, cin, sizeof cin);
            cell_abs(csh, L->xsc_row0 + (lxw_row_t)q, W0 + 2);
            cell_abs(cwd, L->xsc_row0 + (lxw_row_t)q, W0 + 3);
            snprintf(f, sizeof f, "=(%s-%s)/%s", cin, csh, cwd);
            double v = (feature_value(ctx, L, p, q) - md->x_shift[q]) / md->x_width[q];
            RC(ctx, sg_rformula_num(ctx, ws, r, (lxw_col_t)(W0 + 1 + q), f, ctx->num[6],
                                    v));
        }
    }
}

/* Right block: every ensemble member's prediction per point and response
 * (engineering units); fills L->mean and L->spread. */
static void write_ensemble(sg_rctx *ctx, lxw_worksheet *ws, calc_layout *L)
{
    const sg_report_input *in = ctx->in;
    const sg_report_model *md = ctx->md;
    lxw_col_t W0 = L->W0;
    char f[SG_CALC_FORMULA_MAX], c1[32], label[256];
    sg_rstr(ctx, ws, L->ens_row0 - 2, W0, "Ensemble members (engineering units)", ctx->bold);
    sg_rstr(ctx, ws, L->ens_row0 - 1, W0, "point, response", ctx->header);
    for (size_t m = 0; m < L->M; m++) {
        snprintf(label, sizeof label, "member %zu", m + 1);
        sg_rstr(ctx, ws, L->ens_row0 - 1, (lxw_col_t)(W0 + 1 + m), label, ctx->header);
    }
    for (size_t p = 0; p < L->P; p++) {
        char pn[64];
        point_name(ctx, p, pn, sizeof pn);
        for (size_t dr = 0; dr < L->nd; dr++) {
            size_t k = L->d_resp[dr], cls = L->d_class[dr];
            lxw_row_t r = L->ens_row0 + (lxw_row_t)(p * L->nd + dr);
            if (cls != SIZE_MAX)
                snprintf(label, sizeof label, "%s, %s: P(%s)", pn, in->responses[k].name,
                         in->responses[k].labels ? in->responses[k].labels[cls] : "?");
            else
                snprintf(label, sizeof label, "%s, %s", pn, in->responses[k].name);
            sg_rstr(ctx, ws, r, W0, label, ctx->note);
            int d = cls != SIZE_MAX ? 4 : sg_rfmt_decimals_sig(md->y_shift[k] + md->y_width[k]);
            double sum = 0.0;
            for (size_t m = 0; m < L->M; m++) {
                size_t n = md->shared ? m : k * L->M + m;
                size_t ko = md->shared ? k : cls != SIZE_MAX ? cls : 0;
                cell_abs(c1, L->out_row[n * L->P + p], (lxw_col_t)(W0 + 1 + ko));
                snprintf(f, sizeof f, "=%s", c1);
                double v = L->ens_val[(p * L->nd + dr) * L->M + m];
                sum += v;
                RC(ctx, sg_rformula_num(ctx, ws, r, (lxw_col_t)(W0 + 1 + m), f,
                                        ctx->num[d], v));
            }
            double mu = sum / (double)L->M, ss = 0.0;
            for (size_t m = 0; m < L->M; m++) {
                double dv = L->ens_val[(p * L->nd + dr) * L->M + m] - mu;
                ss += dv * dv;
            }
            size_t den = md->spread == SG_REPORT_SPREAD_SAMPLE ? L->M - 1 : L->M;
            L->mean[p * L->nd + dr] = mu;
            L->spread[p * L->nd + dr] = den > 0 ? sqrt(ss / (double)den) : 0.0;
        }
    }
}

/* Tolerance (relative, at least absolute for |value| < 1) within which a
 * setting counts as on its step or level. */
#define SG_CALC_STEP_TOL 1e-9

/* Whether v is an allowed setting of factor f: inside the bounds, and on
 * its step or one of its levels (when it has them); the reason in why. */
static bool setting_ok(const sg_report_factor *f, double v, char *why, size_t cap)
{
    double tol = SG_CALC_STEP_TOL * fmax(1.0, fabs(v));
    if (v < f->min || v > f->max) {
        sg_num_snprintf(why, cap, "outside the fitted range %.10g to %.10g", f->min, f->max);
        return false;
    }
    if (f->n_levels > 0) {
        for (size_t l = 0; l < f->n_levels; l++)
            if (fabs(v - f->levels[l]) <= tol) {
                snprintf(why, cap, "ok"); /* the cell's cached text */
                return true;
            }
        snprintf(why, cap, "not one of the levels");
        return false;
    }
    if (f->step > 0.0) {
        double q = (v - f->min) / f->step;
        if (fabs(q - nearbyint(q)) > tol) {
            sg_num_snprintf(why, cap, "off the step of %.10g", f->step);
            return false;
        }
    }
    snprintf(why, cap, "ok");
    return true;
}

/* The Check cell of factor i (row r): a formula saying "ok" or why the
 * setting in column C is not allowed (outside the bounds, off the step,
 * not a level), as setting_ok decides; data validation alone lets pasted
 * values through. */
static void write_setting_check(sg_rctx *ctx, lxw_worksheet *ws, size_t i, lxw_row_t r)
{
    const sg_report_factor *fa = &ctx->in->factors[i];
    if (fa->labels) { /* one of the names (ignoring case, as MATCH does) */
        char f[SG_CALC_FORMULA_MAX], cv[32], q[160];
        cell_abs(cv, r, 2);
        size_t o = (size_t)snprintf(f, sizeof f, "=IF(ISNA(MATCH(%s,{", cv);
        for (size_t l = 0; l < fa->n_levels && o < sizeof f; l++) {
            quoted(fa->labels[l], q, sizeof q);
            o += (size_t)snprintf(f + o, sizeof f - o, "%s%s", l ? "," : "", q);
        }
        if (o < sizeof f)
            snprintf(f + o, sizeof f - o, "},0)),\"not one of the names\",\"ok\")");
        RC(ctx, worksheet_write_formula_str(ws, r, 6, f, NULL, "ok"));
        return;
    }
    char f[SG_CALC_FORMULA_MAX], cv[32], cmin[32], cmax[32], why[128], range[96], off[2048];
    cell_abs(cv, r, 2);
    cell_abs(cmin, r, 3);
    cell_abs(cmax, r, 4);
    sg_num_snprintf(range, sizeof range, "outside the fitted range %.10g to %.10g", fa->min,
                    fa->max);
    char tol[64];
    sg_num_snprintf(tol, sizeof tol, "%.3g*MAX(1,ABS(%s))", SG_CALC_STEP_TOL, cv);
    if (fa->n_levels > 0) {
        size_t o = (size_t)snprintf(off, sizeof off,
                                    "IF(SUMPRODUCT(--(ABS(%s-{", cv);
        for (size_t l = 0; l < fa->n_levels && o < sizeof off; l++)
            o += (size_t)sg_num_snprintf(off + o, sizeof off - o, l ? ",%.17g" : "%.17g",
                                         fa->levels[l]);
        if (o < sizeof off)
            snprintf(off + o, sizeof off - o, "})<=%s))=0,\"not one of the levels\",\"ok\")",
                     tol);
    } else if (fa->step > 0.0) {
        char q[160];
        sg_num_snprintf(q, sizeof q, "(%s-%s)/%.17g", cv, cmin, fa->step);
        sg_num_snprintf(off, sizeof off,
                        "IF(ABS(%s-ROUND(%s,0))>%s,\"off the step of %.10g\",\"ok\")", q, q,
                        tol, fa->step);
    } else {
        snprintf(off, sizeof off, "\"ok\"");
    }
    snprintf(f, sizeof f, "=IF(OR(%s<%s,%s>%s),\"%s\",%s)", cv, cmin, cv, cmax, range, off);
    setting_ok(fa, ctx->settings[i], why, sizeof why);
    RC(ctx, worksheet_write_formula_str(ws, r, 6, f, NULL, why));
}

/* Left block, top: title, instructions and one input row per factor. */
static void write_inputs(sg_rctx *ctx, lxw_worksheet *ws, const calc_layout *L)
{
    const sg_report_input *in = ctx->in;
    const sg_report_model *md = ctx->md;
    lxw_col_t W0 = L->W0;
    char f[SG_CALC_FORMULA_MAX], c1[32], label[256];
    sg_rstr(ctx, ws, 0, 0, "Calculator: predicted responses for any setting", ctx->title);
    sg_rstr(ctx, ws, 1, 0,
            "Type new settings in the yellow cells; the predictions below update at once. "
            "They are computed by ordinary formulas from the network weights stored in the "
            "folded columns to the right (click + above them to show; no macros). Check says "
            "whether a setting is allowed.",
            ctx->note);
    snprintf(label, sizeof label, "Pre-filled with: %s",
             ctx->settings_label);
    sg_rstr(ctx, ws, 2, 0, label, ctx->note);
    const char *fh[] = {"Factor", "Unit", "Setting", "Min", "Max", "Scaled input", "Check"};
    for (int c = 0; c < 7; c++)
        sg_rstr(ctx, ws, L->f_row0 - 1, (lxw_col_t)c, fh[c], ctx->header);
    for (size_t i = 0; i < L->nf; i++) {
        const sg_report_factor *fa = &in->factors[i];
        lxw_row_t r = L->f_row0 + (lxw_row_t)i;
        double b3[3] = {fa->min, fa->max, ctx->settings[i]};
        int d = sg_rfmt_decimals_exact(b3, 3, 1);
        if (d > 4)
            d = 4;
        sg_rstr(ctx, ws, r, 0, fa->name, ctx->bold);
        sg_rstr(ctx, ws, r, 1, fa->unit, ctx->text);
        if (fa->labels) { /* a name, chosen from the drop-down */
            sg_rstr(ctx, ws, r, 2, sg_rname_of(in, i, ctx->settings[i]), ctx->input);
            sg_rstr(ctx, ws, r, 5, fa->n_levels > 2 ? "one input per name" : "0/1 input",
                    ctx->note);
            write_setting_check(ctx, ws, i, r);
            continue;
        }
        RC(ctx, sg_rnumber(ctx, ws, r, 2, ctx->settings[i], ctx->num_in[d]));
        RC(ctx, sg_rnumber(ctx, ws, r, 3, fa->min, ctx->num[d]));
        RC(ctx, sg_rnumber(ctx, ws, r, 4, fa->max, ctx->num[d]));
        size_t q = L->feat_first[i];
        cell_abs(c1, L->xs_row0, (lxw_col_t)(W0 + 1 + q));
        snprintf(f, sizeof f, "=%s", c1);
        RC(ctx, sg_rformula_num(ctx, ws, r, 5, f, ctx->num[4],
                                (feature_value(ctx, L, 0, q) - md->x_shift[q]) /
                                    md->x_width[q]));
        write_setting_check(ctx, ws, i, r);
    }
    /* a setting that is not allowed shows its reason in red */
    lxw_conditional_format cf = {.type = LXW_CONDITIONAL_TYPE_CELL,
                                 .criteria = LXW_CONDITIONAL_CRITERIA_NOT_EQUAL_TO,
                                 .value_string = (char *)"\"ok\"",
                                 .format = ctx->warn_line};
    RC(ctx, worksheet_conditional_format_range(ws, L->f_row0, 6,
                                               L->f_row0 + (lxw_row_t)L->nf - 1, 6, &cf));
}

/* Left block: the predicted responses (mean, spread, optional interval,
 * members) as formulas over the ensemble rows. */
static void write_predictions(sg_rctx *ctx, lxw_worksheet *ws, const calc_layout *L)
{
    const sg_report_input *in = ctx->in;
    const sg_report_model *md = ctx->md;
    lxw_col_t W0 = L->W0;
    bool interval = md->interval_a != NULL;
    char f[SG_CALC_FORMULA_MAX], c1[32], c2[64], label[256];
    const char *sd_fn = md->spread == SG_REPORT_SPREAD_SAMPLE ? "STDEV" : "STDEVP";
    lxw_row_t rh = L->r_row0 - 1;
    sg_rstr(ctx, ws, rh, 0, "Response", ctx->header);
    sg_rstr(ctx, ws, rh, 1, "Unit", ctx->header);
    sg_rstr(ctx, ws, rh, 2, "Predicted (ensemble mean)", ctx->header);
    sg_rstr(ctx, ws, rh, 3,
            md->spread == SG_REPORT_SPREAD_SAMPLE ? "Spread (member sd, n-1)"
                                                   : "Spread (member sd, n)",
            ctx->header);
    if (interval) {
        sg_num_snprintf(label, sizeof label, "%.4g%% interval low", md->interval_level);
        sg_rstr(ctx, ws, rh, 4, label, ctx->header);
        sg_num_snprintf(label, sizeof label, "%.4g%% interval high", md->interval_level);
        sg_rstr(ctx, ws, rh, 5, label, ctx->header);
    }
    for (size_t m = 0; m < L->M; m++) {
        snprintf(label, sizeof label, "Member %zu", m + 1);
        sg_rstr(ctx, ws, rh, L->m_col0 + (lxw_col_t)m, label, ctx->header);
    }
    for (size_t dr = 0; dr < L->nd; dr++) {
        size_t k = L->d_resp[dr], cls = L->d_class[dr];
        lxw_row_t r = L->r_row0 + (lxw_row_t)dr, er = L->ens_row0 + (lxw_row_t)dr;
        int d = sg_rfmt_decimals_sig(md->y_shift[k] + md->y_width[k]);
        bool prob = (is_binary(md, k) || cls != SIZE_MAX) && in->responses[k].labels;
        sg_rstr(ctx, ws, r, 0, in->responses[k].name, ctx->bold);
        if (prob) {
            d = 4;
            snprintf(label, sizeof label, "P(%s)",
                     in->responses[k].labels[cls != SIZE_MAX ? cls : 1]);
            sg_rstr(ctx, ws, r, 1, label, ctx->text);
        } else {
            sg_rstr(ctx, ws, r, 1, in->responses[k].unit, ctx->text);
        }
        range_abs(c2, er, W0 + 1, er, W0 + (lxw_col_t)L->M);
        snprintf(f, sizeof f, "=AVERAGE(%s)", c2);
        RC(ctx, sg_rformula_num(ctx, ws, r, 2, f, ctx->num_bold[d], L->mean[dr]));
        if (L->M > 1 || md->spread == SG_REPORT_SPREAD_POPULATION) {
            snprintf(f, sizeof f, "=%s(%s)", sd_fn, c2);
            RC(ctx, sg_rformula_num(ctx, ws, r, 3, f, ctx->num[d], L->spread[dr]));
        } else {
            RC(ctx, sg_rnumber(ctx, ws, r, 3, 0.0, ctx->num[d]));
        }
        if (interval && prob) {
            sg_rstr(ctx, ws, r, 4, "a probability", ctx->note);
        } else if (interval) {
            char cm[32], cs[32];
            double ia = md->interval_a[k], ib = md->interval_b[k];
            double half = ia * L->spread[dr] + ib;
            cell_abs(cm, r, 2);
            cell_abs(cs, r, 3);
            /* clipped to the response's physical limits, as predict does */
            bool lg = sg_model_response_is_log(ctx->in->model, k);
            double lo, hi;
            sg_model_interval(ctx->in->model, k, L->mean[dr], lg ? ib : half, &lo, &hi);
            double lmin = sg_model_response_lower_limit(ctx->in->model, k);
            double lmax = sg_model_response_upper_limit(ctx->in->model, k);
            sg_model_clip_interval(ctx->in->model, k, &lo, &hi);
            char elo[160], ehi[160]; /* the bounds before clipping */
            if (lg) { /* in proportion to the mean: ib in decades */
                sg_num_snprintf(elo, sizeof elo, "%s/POWER(10,%.17g)", cm, ib);
                sg_num_snprintf(ehi, sizeof ehi, "%s*POWER(10,%.17g)", cm, ib);
            } else {
                sg_num_snprintf(elo, sizeof elo, "%s-(%.17g*%s+%.17g)", cm, ia, cs, ib);
                sg_num_snprintf(ehi, sizeof ehi, "%s+(%.17g*%s+%.17g)", cm, ia, cs, ib);
            }
            if (isfinite(lmin))
                sg_num_snprintf(f, sizeof f, "=MAX(%.17g,%s)", lmin, elo);
            else
                snprintf(f, sizeof f, "=%s", elo);
            RC(ctx, sg_rformula_num(ctx, ws, r, 4, f, ctx->num[d], lo));
            if (isfinite(lmax))
                sg_num_snprintf(f, sizeof f, "=MIN(%.17g,%s)", lmax, ehi);
            else
                snprintf(f, sizeof f, "=%s", ehi);
            RC(ctx, sg_rformula_num(ctx, ws, r, 5, f, ctx->num[d], hi));
        }
        for (size_t m = 0; m < L->M; m++) {
            cell_abs(c1, er, (lxw_col_t)(W0 + 1 + m));
            snprintf(f, sizeof f, "=%s", c1);
            RC(ctx, sg_rformula_num(ctx, ws, r, L->m_col0 + (lxw_col_t)m, f, ctx->num[d],
                                    L->ens_val[dr * L->M + m]));
        }
    }
}

/* Left block, bottom: the formulas against surrogate's own predictions on
 * the check rows, and the largest relative difference. */
static void write_check_table(sg_rctx *ctx, lxw_worksheet *ws, const calc_layout *L)
{
    const sg_report_input *in = ctx->in;
    const sg_report_model *md = ctx->md;
    lxw_col_t W0 = L->W0;
    char f[SG_CALC_FORMULA_MAX], c2[64], label[256];
    if (ctx->n_check == 0)
        return;
    lxw_row_t ch = L->c_row0 - 1;
    sg_rstr(ctx, ws, ch - 2, 0,
            "Check: these formulas against the predictions computed by surrogate",
            ctx->subtitle);
    sg_rstr(ctx, ws, ch, 0, "Data row", ctx->header);
    for (size_t i = 0; i < L->nf; i++) {
        sg_rlabel(label, sizeof label, in->factors[i].name, in->factors[i].unit);
        sg_rstr(ctx, ws, ch, 1 + (lxw_col_t)i, label, ctx->header);
    }
    for (size_t dr = 0; dr < L->nd; dr++) {
        size_t k = L->d_resp[dr], cls = L->d_class[dr];
        lxw_col_t c0 = (lxw_col_t)(1 + L->nf + 3 * dr);
        char nm[200];
        if (cls != SIZE_MAX && in->responses[k].labels)
            snprintf(nm, sizeof nm, "%s P(%s)", in->responses[k].name,
                     in->responses[k].labels[cls]);
        else
            snprintf(nm, sizeof nm, "%s", in->responses[k].name);
        snprintf(label, sizeof label, "%s, formulas%s%s%s", nm,
                 in->responses[k].unit && in->responses[k].unit[0] ? " [" : "",
                 in->responses[k].unit ? in->responses[k].unit : "",
                 in->responses[k].unit && in->responses[k].unit[0] ? "]" : "");
        sg_rstr(ctx, ws, ch, c0, label, ctx->header);
        snprintf(label, sizeof label, "%s, surrogate%s%s%s", nm,
                 in->responses[k].unit && in->responses[k].unit[0] ? " [" : "",
                 in->responses[k].unit ? in->responses[k].unit : "",
                 in->responses[k].unit && in->responses[k].unit[0] ? "]" : "");
        sg_rstr(ctx, ws, ch, c0 + 1, label, ctx->header);
        snprintf(label, sizeof label, "%s, relative difference", nm);
        sg_rstr(ctx, ws, ch, c0 + 2, label, ctx->header);
    }
    double worst = 0.0;
    for (size_t p = 1; p < L->P; p++) {
        lxw_row_t r = L->c_row0 + (lxw_row_t)(p - 1);
        RC(ctx, sg_rnumber(ctx, ws, r, 0, (double)ctx->check_row[p - 1],
                           ctx->integer));
        for (size_t i = 0; i < L->nf; i++) {
            const sg_report_factor *fa = &in->factors[i];
            double b2[2] = {fa->min, fa->max};
            int d = sg_rfmt_decimals_exact(b2, 2, 1);
            double v = ctx->check_x[(p - 1) * L->nf + i];
            if (fa->labels)
                sg_rstr(ctx, ws, r, 1 + (lxw_col_t)i, sg_rname_of(in, i, v), ctx->text);
            else
                RC(ctx, sg_rnumber(ctx, ws, r, 1 + (lxw_col_t)i, v, ctx->num[d]));
        }
        for (size_t dr = 0; dr < L->nd; dr++) {
            size_t k = L->d_resp[dr];
            lxw_col_t c0 = (lxw_col_t)(1 + L->nf + 3 * dr);
            lxw_row_t er = L->ens_row0 + (lxw_row_t)(p * L->nd + dr);
            int d = L->d_class[dr] != SIZE_MAX
                        ? 4
                        : sg_rfmt_decimals_sig(md->y_shift[k] + md->y_width[k]);
            double fv = L->mean[p * L->nd + dr];
            double sv = L->check_val[(p - 1) * L->nd + dr];
            range_abs(c2, er, W0 + 1, er, W0 + (lxw_col_t)L->M);
            snprintf(f, sizeof f, "=AVERAGE(%s)", c2);
            RC(ctx, sg_rformula_num(ctx, ws, r, c0, f, ctx->num[d], fv));
            RC(ctx, sg_rnumber(ctx, ws, r, c0 + 1, sv, ctx->num[d]));
            char cf[32], cs[32];
            cell_abs(cf, r, c0);
            cell_abs(cs, r, c0 + 1);
            snprintf(f, sizeof f, "=IF(%s=0,ABS(%s),ABS(%s-%s)/ABS(%s))", cs, cf, cf, cs,
                     cs);
            double rel = sv == 0.0 ? fabs(fv) : fabs(fv - sv) / fabs(sv);
            if (rel > worst)
                worst = rel;
            RC(ctx, sg_rformula_num(ctx, ws, r, c0 + 2, f, ctx->sci, rel));
        }
    }
    lxw_row_t rw = L->c_row0 + (lxw_row_t)ctx->n_check;
    sg_rstr(ctx, ws, rw, 0, "Largest relative difference", ctx->bold);
    size_t off = (size_t)snprintf(f, sizeof f, "=MAX(");
    for (size_t k = 0; k < L->nd && off < sizeof f - 80; k++) {
        lxw_col_t c0 = (lxw_col_t)(1 + L->nf + 3 * k + 2);
        range_abs(c2, L->c_row0, c0, rw - 1, c0);
        off += (size_t)snprintf(f + off, sizeof f - off, "%s%s", k ? "," : "", c2);
    }
    snprintf(f + off, sizeof f - off, ")");
    RC(ctx, sg_rformula_num(ctx, ws, rw, 1 + (lxw_col_t)L->nf + 2, f, ctx->sci,
                            worst));
}

/* Column widths and header row heights. */
static void set_presentation(sg_rctx *ctx, lxw_worksheet *ws, const calc_layout *L)
{
    lxw_col_t W0 = L->W0;
    sg_rcolumns(ctx, ws, 0, 0, 24);
    sg_rcolumns(ctx, ws, 1, (lxw_col_t)L->main_cols - 1, 14);
    sg_rcolumns(ctx, ws, (lxw_col_t)L->main_cols, (lxw_col_t)L->main_cols, 3);
    /* the weight block is the model itself, not for reading: folded away */
    sg_rprint_fold_columns(ctx, ws, W0, (lxw_col_t)(W0 + L->wmax + 1), 26, SG_CALC_WCOL_WIDTH);
    RC(ctx, worksheet_set_row(ws, L->f_row0 - 1, 30, NULL));
    RC(ctx, worksheet_set_row(ws, L->r_row0 - 1, 45, NULL)); /* "Spread (member sd, n-1)" */
    if (ctx->n_check > 0)
        RC(ctx, worksheet_set_row(ws, L->c_row0 - 1, 45, NULL));
}

/* Number of network parameters (all members) in *n_params and the widest
 * layer in *widest. */
static void model_size(const sg_report_model *md, size_t n_nets, size_t *n_params, size_t *widest)
{
    *n_params = *widest = 0;
    for (size_t n = 0; n < n_nets; n++) {
        const sg_report_net *net = &md->nets[n];
        for (size_t l = 0; l < net->n_layers; l++) {
            *n_params += net->sizes[l + 1] * (net->sizes[l] + 1);
            if (net->sizes[l] > *widest)
                *widest = net->sizes[l];
        }
    }
}

/* The shown rows (calc_layout) and surrogate's value of each at the check
 * rows: check_pred, or for a class's probability sg_model_predict_proba. */
static sg_status shown_rows(const sg_rctx *ctx, calc_layout *L, sg_error *err)
{
    const sg_report_model *md = ctx->md;
    size_t nr = ctx->in->n_responses, nd = 0;
    for (size_t k = 0; k < nr; k++)
        nd += md->classes && md->classes[k] >= 3 ? md->classes[k] : 1;
    L->nd = nd;
    L->d_resp = malloc(nd * sizeof *L->d_resp);
    L->d_class = malloc(nd * sizeof *L->d_class);
    L->d_first = malloc(nr * sizeof *L->d_first);
    L->check_val = calloc(ctx->n_check * nd + 1, sizeof *L->check_val);
    if (!L->d_resp || !L->d_class || !L->d_first || !L->check_val)
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for the calculator");
    size_t dr = 0;
    for (size_t k = 0; k < nr; k++) {
        size_t kc = md->classes && md->classes[k] >= 3 ? md->classes[k] : 0;
        L->d_first[k] = dr;
        for (size_t c = 0; c < (kc ? kc : 1); c++, dr++) {
            L->d_resp[dr] = k;
            L->d_class[dr] = kc ? c : SIZE_MAX;
        }
    }
    double P[SG_MODEL_MAX_CLASSES];
    for (size_t i = 0; i < ctx->n_check; i++)
        for (size_t k = 0; k < nr; k++) {
            size_t at = i * nd + L->d_first[k];
            if (L->d_class[L->d_first[k]] == SIZE_MAX) {
                L->check_val[at] = ctx->check_pred[i * nr + k];
                continue;
            }
            size_t kc = sg_model_predict_proba(ctx->in->model, ctx->mw,
                                               ctx->check_x + i * ctx->in->n_factors, k, P, NULL);
            for (size_t c = 0; c < kc; c++)
                L->check_val[at + c] = P[c];
        }
    return SG_OK;
}

/* Rows and columns of every block; *net_row gets the first network row. */
static void calc_layout_init(const sg_rctx *ctx, calc_layout *L, lxw_row_t *net_row)
{
    const sg_report_model *md = ctx->md;
    L->nf = ctx->in->n_factors;
    L->nr = ctx->in->n_responses;
    L->M = md->n_members;
    L->P = 1 + ctx->n_check;
    L->n_nets = md->shared ? L->M : L->nr * L->M;
    L->m_col0 = md->interval_a != NULL ? 6 : 4;
    L->main_cols = 7; /* factor rows: name .. scaled input, check */
    if (L->m_col0 + L->M > L->main_cols)
        L->main_cols = L->m_col0 + L->M;
    if (1 + L->nf + 3 * L->nd > L->main_cols)
        L->main_cols = 1 + L->nf + 3 * L->nd;
    L->W0 = (lxw_col_t)(L->main_cols + 1);
    L->f_row0 = 5;
    L->r_row0 = L->f_row0 + (lxw_row_t)L->nf + 2;
    L->c_row0 = L->r_row0 + (lxw_row_t)L->nd + 4;
    L->xsc_row0 = 3;
    L->ysc_row0 = L->xsc_row0 + (lxw_row_t)sg_report_n_inputs(md, L->nf) + 2;
    L->tr_row0 = L->ysc_row0 + (lxw_row_t)L->nr + 2;
    L->xs_row0 = (md->trend ? L->tr_row0 + (lxw_row_t)L->nr + 2 : L->tr_row0);
    L->ens_row0 = L->xs_row0 + (lxw_row_t)L->P + 2;
    *net_row = L->ens_row0 + (lxw_row_t)(L->P * L->nd) + 2;
    L->nfe = 0;
    for (size_t i = 0; i < L->nf; i++) {
        size_t w = sg_report_factor_width(md, i);
        bool cat = ctx->in->factors[i].labels != NULL && w >= 1 && md->categories &&
                   i < SG_MODEL_MAX_CATEGORICAL && md->categories[i] >= 2;
        L->feat_first[i] = L->nfe;
        for (size_t l = 0; l < w && L->nfe < SG_MLP_MAX_WIDTH; l++, L->nfe++) {
            L->feat_f[L->nfe] = i;
            L->feat_l[L->nfe] = !cat ? -1 : w == 1 ? 1 : (int)l;
        }
    }
    L->wmax = L->nfe;
    for (size_t n = 0; n < L->n_nets; n++)
        for (size_t l = 0; l <= md->nets[n].n_layers; l++)
            if (md->nets[n].sizes[l] > L->wmax)
                L->wmax = md->nets[n].sizes[l];
}

sg_status sg_report_sheet_calculator(sg_rctx *ctx, sg_error *err)
{
    if (!ctx->md)
        return SG_OK;
    const sg_report_model *md = ctx->md;
    calc_layout L;
    memset(&L, 0, sizeof L);
    sg_status st = SG_OK;
    double *buf_a = NULL, *buf_b = NULL;

    lxw_worksheet *ws = workbook_add_worksheet(ctx->wb, "Calculator");
    if (!ws)
        return sg_error_set(err, SG_ERR_NOMEM, "report: cannot add the Calculator sheet");
    sg_model_type type = ctx->in->model ? sg_model_type_of(ctx->in->model) : SG_MODEL_MLP;
    bool categories = false;
    for (size_t i = 0; i < ctx->in->n_factors; i++)
        categories = categories || ctx->in->factors[i].labels != NULL;
    if (type == SG_MODEL_QUAD && !categories)
        return sg_report_calculator_quadratic(ctx, ws, err);
    if (type != SG_MODEL_MLP) {
        sg_rstr(ctx, ws, 0, 0, "Calculator", ctx->title);
        sg_rstr(ctx, ws, 2, 0,
                type == SG_MODEL_GP
                    ? "Not written: the Calculator covers network models only; this model is "
                      "kriging (a Gaussian process). Use `surrogate predict` for its "
                      "predictions."
                    : "Not written: the Calculator covers the quadratic's equation when every "
                      "factor is numeric; this one has named settings. Its coefficients are "
                      "on the Model sheet; use `surrogate predict` for its predictions.",
                ctx->warn);
        return SG_OK;
    }
    size_t n_params = 0, widest = 0;
    model_size(md, md->shared ? md->n_members : ctx->in->n_responses * md->n_members, &n_params,
               &widest);
    if (n_params > SG_CALC_MAX_PARAMS || widest > SG_CALC_MAX_WIDTH) {
        char label[256];
        sg_rstr(ctx, ws, 0, 0, "Calculator", ctx->title);
        snprintf(label, sizeof label,
                 "Not written: the model has %zu parameters (limit %d) and a layer of width "
                 "%zu (limit %d); as spreadsheet formulas it would be too slow to use. Use "
                 "`surrogate predict` instead.",
                 n_params, SG_CALC_MAX_PARAMS, widest, SG_CALC_MAX_WIDTH);
        sg_rstr(ctx, ws, 2, 0, label, ctx->warn);
        return SG_OK;
    }

    lxw_row_t net_row = 0;
    if ((st = shown_rows(ctx, &L, err)) != SG_OK)
        goto done;
    calc_layout_init(ctx, &L, &net_row);
    L.out_row = calloc(L.n_nets * L.P, sizeof *L.out_row);
    L.ens_val = calloc(L.P * L.nd * L.M, sizeof *L.ens_val);
    L.mean = calloc(L.P * L.nd, sizeof *L.mean);
    L.spread = calloc(L.P * L.nd, sizeof *L.spread);
    buf_a = calloc(L.P * L.wmax, sizeof *buf_a);
    buf_b = calloc(L.P * L.wmax, sizeof *buf_b);
    if (!L.out_row || !L.ens_val || !buf_a || !buf_b || !L.mean || !L.spread) {
        st = sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for the calculator");
        goto done;
    }

    /* right block first: the left block's formulas point into it */
    write_scaling(ctx, ws, &L);
    write_scaled_inputs(ctx, ws, &L);
    for (size_t n = 0; n < L.n_nets; n++) {
        size_t k = md->shared ? 0 : n / L.M, m = md->shared ? n : n % L.M;
        st = write_net(ctx, ws, &L, n, &md->nets[n], k, m, &net_row, buf_a, buf_b, err);
        if (st != SG_OK)
            goto done;
    }
    write_ensemble(ctx, ws, &L);
    write_inputs(ctx, ws, &L);
    write_validation(ctx, ws, &L);
    write_predictions(ctx, ws, &L);
    write_check_table(ctx, ws, &L);
    set_presentation(ctx, ws, &L);
    /* print the inputs, predictions and check table; the weight block
     * (columns W0..) is bulk data for the formulas, not for paper */
    sg_rprint_limit(ctx, ws,
                    ctx->n_check > 0 ? L.c_row0 + (lxw_row_t)ctx->n_check + 1
                                     : L.r_row0 + (lxw_row_t)L.nd + 8,
                    (lxw_col_t)(L.main_cols - 1));

done:
    free(L.d_resp);
    free(L.d_class);
    free(L.d_first);
    free(L.check_val);
    free(L.out_row);
    free(L.ens_val);
    free(L.mean);
    free(L.spread);
    free(buf_a);
    free(buf_b);
    return st;
}
