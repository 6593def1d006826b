/* encode.c — factor settings into network / kriging inputs (model_internal.h).
 *
 * A numeric factor is one input.  A categorical factor of k names (codes
 * 0 .. k-1) is k one-hot inputs, or one 0/1 input when k = 2 (the same
 * information with one length scale fewer for the kriging model).  A
 * factor on a log scale is one input, log10 of its setting.  Without
 * categorical or log-scale factors the encoding is the identity, so such
 * models are exactly what they were before either existed. */
#include <float.h>
#include <math.h>

#include "model/model_internal.h"

/* Inputs of factor i. */
static size_t width_of(const sg_model_spec *spec, size_t i)
{
    size_t k = i < SG_MODEL_MAX_CATEGORICAL ? spec->categories[i] : 0;
    return k > 2 ? k : 1;
}

size_t sg_model__n_feat(const sg_model_spec *spec, size_t n_in)
{
    size_t n = 0;
    for (size_t i = 0; i < n_in; i++)
        n += width_of(spec, i);
    return n;
}

bool sg_model__is_category(const sg_model_spec *spec, size_t i)
{
    return i < SG_MODEL_MAX_CATEGORICAL && spec->categories[i] >= 2;
}

bool sg_model__is_log_y(const sg_model_spec *spec, size_t j)
{
    return j < SG_MODEL_MAX_CATEGORICAL && spec->log_y[j] && spec->classes[j] == 0;
}

bool sg_model__is_log(const sg_model_spec *spec, size_t i)
{
    return i < SG_MODEL_MAX_CATEGORICAL && spec->log_scale[i] && !sg_model__is_category(spec, i);
}

void sg_model__rsm_kinds(const sg_model_spec *spec, size_t n_in, sg_rsm_factor *out)
{
    for (size_t i = 0; i < n_in; i++)
        out[i] = (sg_rsm_factor){sg_model__is_category(spec, i) ? spec->categories[i] : 0,
                                 sg_model__is_log(spec, i), NULL};
}

void sg_model__rsm_response(const sg_model_spec *spec, size_t j, const double *y, size_t ldy,
                            size_t n, double *out)
{
    bool lg = sg_model__is_log_y(spec, j);
    for (size_t i = 0; i < n; i++)
        out[i] = lg ? log10(y[i * ldy]) : y[i * ldy];
}

double sg_model__rsm_unit(const sg_model_spec *spec, size_t j, double v)
{
    return sg_model__is_log_y(spec, j) ? pow(10.0, fmax(-300.0, fmin(300.0, v))) : v;
}

/* log10 of a log-scale factor's setting; a setting at or below 0 (outside
 * any window such a factor may have) gives the smallest finite input
 * rather than a non-finite one. */
static double log_input(double v)
{
    return v > 0 ? log10(v) : log10(DBL_MIN);
}

/* Code of a categorical setting: the nearest level. */
static size_t code_of(double v, size_t k)
{
    if (!(v > 0))
        return 0;
    double c = floor(v + 0.5);
    return c >= (double)(k - 1) ? k - 1 : (size_t)c;
}

void sg_model__encode(const sg_model_spec *spec, size_t n_in, const double *x, double *f)
{
    size_t p = 0;
    for (size_t i = 0; i < n_in; i++) {
        size_t k = sg_model__is_category(spec, i) ? spec->categories[i] : 0;
        if (k == 0) {
            f[p++] = sg_model__is_log(spec, i) ? log_input(x[i]) : x[i];
        } else if (k == 2) {
            f[p++] = (double)code_of(x[i], 2);
        } else {
            size_t c = code_of(x[i], k);
            for (size_t l = 0; l < k; l++)
                f[p + l] = l == c ? 1.0 : 0.0;
            p += k;
        }
    }
}

void sg_model__encode_rows(const sg_model_spec *spec, size_t n_in, const double *X, size_t n,
                           double *F)
{
    size_t nf = sg_model__n_feat(spec, n_in);
    for (size_t r = 0; r < n; r++)
        sg_model__encode(spec, n_in, X + r * n_in, F + r * nf);
}

/* Code of the name a category's inputs f (width_of of them) stand for:
 * the 0/1 input rounded, or the largest of the one-hot inputs. */
static size_t name_of(const double *f, size_t width)
{
    if (width == 1)
        return f[0] >= 0.5 ? 1 : 0;
    size_t best = 0;
    for (size_t l = 1; l < width; l++)
        if (f[l] > f[best])
            best = l;
    return best;
}

void sg_model__decode_point(const sg_model_spec *spec, size_t n_in, const double *f,
                            double *x)
{
    size_t p = 0;
    for (size_t i = 0; i < n_in; i++) {
        size_t w = width_of(spec, i);
        x[i] = sg_model__is_category(spec, i) ? (double)name_of(f + p, w)
               : sg_model__is_log(spec, i)    ? pow(10.0, f[p])
                                              : f[p];
        p += w;
    }
}

void sg_model__input_names(const sg_model_spec *spec, size_t n_in, size_t *names)
{
    size_t p = 0;
    for (size_t i = 0; i < n_in; i++)
        for (size_t l = 0; l < width_of(spec, i); l++)
            names[p++] = sg_model__is_category(spec, i) ? spec->categories[i] : 0;
}

void sg_model__decode_grad(const sg_model_spec *spec, size_t n_in, const double *x,
                           const double *gf, double *gx)
{
    size_t p = 0;
    for (size_t i = 0; i < n_in; i++) {
        size_t w = width_of(spec, i);
        gx[i] = sg_model__is_category(spec, i) ? 0.0 : gf[p];
        if (sg_model__is_log(spec, i)) /* d log10(x) / dx = 1 / (x ln 10) */
            gx[i] = x[i] > 0 ? gx[i] / (x[i] * log(10.0)) : 0.0;
        p += w;
    }
}

void sg_model__feature_bounds(const sg_model *m, double *flo, double *fhi)
{
    size_t p = 0;
    for (size_t i = 0; i < m->n_in; i++) {
        bool cat = sg_model__is_category(&m->spec, i), lg = sg_model__is_log(&m->spec, i);
        for (size_t l = 0; l < width_of(&m->spec, i); l++, p++) {
            flo[p] = cat ? 0.0 : lg ? log_input(m->lo[i]) : m->lo[i];
            fhi[p] = cat ? 1.0 : lg ? log_input(m->hi[i]) : m->hi[i];
        }
    }
}

sg_status sg_model__log_responses(const sg_model_spec *spec, const double *Y, size_t n,
                                  size_t n_out, double *Yt, sg_error *err)
{
    for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < n_out; j++) {
            double v = Y[r * n_out + j];
            Yt[r * n_out + j] = v;
            if (!sg_model__is_log_y(spec, j) || !isfinite(v))
                continue;
            if (!(v > 0))
                return sg_error_set(err, SG_ERR_INVALID,
                                    "response %zu is on a log scale, but row %zu holds %g: its "
                                    "values must be above 0",
                                    j + 1, r + 1, v);
            Yt[r * n_out + j] = log10(v);
        }
    return SG_OK;
}
