/* model_check.c — checks of a loaded model file: can it give finite
 * predictions (interval arithmetic over the stored factor window), so that
 * a crafted or corrupted file (an output scaling of 1.7e308, weights of
 * 1e300) is refused instead of predicting inf with exit code 0; and are its
 * names and units safe text (names go raw into CSV headers, where one
 * starting with '=' would be a formula). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "model/mlp_internal.h"
#include "model/model_internal.h"

/* Bounds [lo[i], hi[i]] of the outputs of net for inputs in [lo, hi]
 * (n_in values; buffers of SG_MLP_MAX_WIDTH are too big for the stack, so
 * the caller passes two work arrays of the widest layer).  Every activation
 * is non-decreasing, so an interval maps to the interval of its ends; the
 * affine part takes centre and radius.  Returns false when a bound is not
 * finite. */
static bool net_bounds(const sg_mlp *net, double *lo, double *hi, double *wlo, double *whi)
{
    for (size_t l = 0; l < sg_mlp_n_layers(net); l++) {
        size_t ni = sg_mlp_layer_in(net, l), no = sg_mlp_layer_out(net, l);
        const double *W = sg_mlp_params_const(net) + sg_mlp_layer_offset(net, l);
        const double *b = W + no * ni;
        sg_activation act = sg_mlp_layer_activation(net, l);
        for (size_t o = 0; o < no; o++) {
            double c = b[o], r = 0.0;
            for (size_t i = 0; i < ni; i++) {
                double mid = 0.5 * lo[i] + 0.5 * hi[i], rad = 0.5 * hi[i] - 0.5 * lo[i];
                c += W[o * ni + i] * mid;
                r += fabs(W[o * ni + i]) * rad;
            }
            double a = sg_act_value(act, c - r), z = sg_act_value(act, c + r);
            if (!isfinite(c) || !isfinite(r) || !isfinite(a) || !isfinite(z))
                return false;
            wlo[o] = fmin(a, z);
            whi[o] = fmax(a, z);
        }
        for (size_t o = 0; o < no; o++) {
            lo[o] = wlo[o];
            hi[o] = whi[o];
        }
    }
    return true;
}

/* Widen response j's bounds [*ylo, *yhi] of the members' outputs by the
 * range of its linear trend over the scaled window (centre and radius, as
 * an affine layer); lo, hi: work arrays of n_feat.  False when not finite. */
static bool add_trend_bounds(const sg_model *m, size_t j, double *lo, double *hi, double *ylo,
                             double *yhi)
{
    const double *b = sg_model_trend(m, j);
    if (!b)
        return true;
    sg_model__feature_bounds(m, lo, hi);
    double c = b[0], r = 0.0;
    for (size_t i = 0; i < m->n_feat; i++) {
        double a = (lo[i] - m->xs->shift[i]) / m->xs->width[i];
        double z = (hi[i] - m->xs->shift[i]) / m->xs->width[i];
        c += b[i + 1] * (0.5 * a + 0.5 * z);
        r += fabs(b[i + 1]) * fabs(0.5 * z - 0.5 * a);
    }
    *ylo += c - r;
    *yhi += c + r;
    return isfinite(c) && isfinite(r) && isfinite(*ylo) && isfinite(*yhi);
}

sg_status sg_model_check_window(const sg_model *m, sg_error *err)
{
    size_t E = m->spec.ensemble, widest = m->n_feat > m->n_out ? m->n_feat : m->n_out;
    for (size_t i = 0; i < m->spec.n_hidden; i++)
        widest = m->spec.hidden[i] > widest ? m->spec.hidden[i] : widest;
    double *buf = malloc(4 * widest * sizeof *buf), *ylo = calloc(m->n_out, sizeof *ylo),
           *yhi = calloc(m->n_out, sizeof *yhi);
    sg_status st = SG_OK;
    if (!buf || !ylo || !yhi) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto done;
    }
    double *lo = buf, *hi = buf + widest, *wlo = buf + 2 * widest, *whi = buf + 3 * widest;
    for (size_t j = 0; j < m->n_out; j++) {
        ylo[j] = INFINITY;
        yhi[j] = -INFINITY;
    }
    for (size_t j = 0; j < m->n_nets; j++)
        for (size_t k = 0; k < E; k++) {
            sg_model__feature_bounds(m, lo, hi);
            for (size_t i = 0; i < m->n_feat; i++) {
                lo[i] = (lo[i] - m->xs->shift[i]) / m->xs->width[i];
                hi[i] = (hi[i] - m->xs->shift[i]) / m->xs->width[i];
            }
            size_t out = m->spec.shared ? m->n_out : 1;
            if (!net_bounds(m->nets[j * E + k], lo, hi, wlo, whi)) {
                st = sg_error_set(err, SG_ERR_INVALID,
                                  "network %zu, member %zu: its weights overflow inside the "
                                  "factor bounds (predictions there would not be finite): the "
                                  "file is damaged or was not written by surrogate",
                                  j + 1, k + 1);
                goto done;
            }
            for (size_t o = 0; o < out; o++) {
                size_t r = m->spec.shared ? o : j;
                ylo[r] = fmin(ylo[r], lo[o]);
                yhi[r] = fmax(yhi[r], hi[o]);
            }
        }
    for (size_t j = 0; j < m->n_out; j++)
        if (!add_trend_bounds(m, j, lo, hi, &ylo[j], &yhi[j])) {
            st = sg_error_set(err, SG_ERR_INVALID,
                              "response '%s': its linear trend is not finite inside the factor "
                              "bounds: the file is damaged or was not written by surrogate",
                              m->rname[j]);
            goto done;
        }
    for (size_t j = 0; j < m->n_out; j++) {
        /* mean = mu * width + shift with mu in [ylo, yhi]; spread from
         * deviations of at most yhi - ylo, E of them squared and summed. */
        double w = m->ys->width[j], s = m->ys->shift[j];
        double span = yhi[j] - ylo[j];
        double e1 = ylo[j] * w + s, e2 = yhi[j] * w + s;
        if (sg_model__is_log_y(&m->spec, j)) { /* members predict 10^ of these */
            e1 = pow(10.0, e1);
            e2 = pow(10.0, e2);
            span = e2 - e1;
            w = 1.0;
        }
        if (!isfinite(e1) || !isfinite(e2) || !isfinite(span * w) ||
            !isfinite((double)E * span * span)) {
            st = sg_error_set(err, SG_ERR_INVALID,
                              "response '%s': the output scaling (shift %g, width %g) gives "
                              "predictions that are not finite inside the factor bounds: the "
                              "file is damaged or was not written by surrogate",
                              m->rname[j], s, w);
            goto done;
        }
    }
done:
    free(buf);
    free(ylo);
    free(yhi);
    return st;
}

/* A name as the study writes it: a letter, then letters, digits and '_'. */
static bool is_identifier(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

/* Printable UTF-8: the text goes into JSON, workbooks and terminals. */
static bool is_text(const char *s)
{
    sg_utf8_scan scan;
    sg_utf8_scan_text(s, strlen(s), &scan);
    if (scan.first_bad != SIZE_MAX)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            return false;
    return true;
}

sg_status sg_model_check_names(const sg_model *m, sg_error *err)
{
    for (size_t i = 0; i < m->n_in + m->n_out; i++) {
        bool f = i < m->n_in;
        const char *name = f ? m->fname[i] : m->rname[i - m->n_in];
        const char *unit = f ? m->funit[i] : m->runit[i - m->n_in];
        if (!is_identifier(name) || strlen(name) > SG_MODEL_NAME_MAX)
            return sg_error_set(err, SG_ERR_INVALID,
                                "%s %zu is named '%.80s': a name must start with a letter and "
                                "hold only letters, digits and '_' (at most %d characters): the "
                                "file is damaged or was not written by surrogate",
                                f ? "factor" : "response", (f ? i : i - m->n_in) + 1, name,
                                SG_MODEL_NAME_MAX);
        if (!is_text(unit))
            return sg_error_set(err, SG_ERR_INVALID,
                                "the unit of %s '%s' is not printable UTF-8 text: the file is "
                                "damaged or was not written by surrogate",
                                f ? "factor" : "response", name);
    }
    return SG_OK;
}
