#include "analysis/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sg_status sg_metrics_compute(const double *obs, size_t obs_stride, const double *pred,
                             size_t pred_stride, size_t n, sg_metrics *out, sg_error *err)
{
    if (!obs || !pred || !out || n == 0)
        return sg_error_set(err, SG_ERR_INVALID, "metrics need at least one row");
    memset(out, 0, sizeof *out);
    out->n = n;
    double mean = 0.0;
    for (size_t i = 0; i < n; i++) {
        double o = obs[i * obs_stride], p = pred[i * pred_stride];
        if (!isfinite(o) || !isfinite(p))
            return sg_error_set(err, SG_ERR_NUMERIC, "row %zu: value is not finite", i + 1);
        mean += (o - mean) / (double)(i + 1);
    }
    double sse = 0.0, sst = 0.0, sae = 0.0, scale = 0.0;
    for (size_t i = 0; i < n; i++) {
        double o = obs[i * obs_stride], e = pred[i * pred_stride] - o;
        sse += e * e;
        sae += fabs(e);
        sst += (o - mean) * (o - mean);
        scale += o * o;
        if (fabs(e) > out->max_abs) {
            out->max_abs = fabs(e);
            out->max_row = i;
        }
    }
    out->rmse = sqrt(sse / (double)n);
    out->mae = sae / (double)n;
    if (n < 2) {
        snprintf(out->reason, sizeof out->reason, "R² needs at least 2 rows");
    } else if (!(sst > SG_METRICS_CONST_REL * scale) || sst == 0.0) {
        snprintf(out->reason, sizeof out->reason,
                 "R² undefined: the observed response is constant");
    } else {
        out->r2 = 1.0 - sse / sst;
        out->r2_ok = true;
    }
    return SG_OK;
}

/* Accuracy and balanced accuracy from the confusion matrix. */
static void class_rates(sg_class_metrics *out)
{
    size_t right = 0, classes = 0;
    double rec = 0.0;
    for (size_t c = 0; c < out->n_classes; c++) {
        size_t tot = 0;
        for (size_t h = 0; h < out->n_classes; h++)
            tot += out->confusion[c][h];
        right += out->confusion[c][c];
        if (tot) {
            rec += (double)out->confusion[c][c] / (double)tot;
            classes++;
        }
    }
    out->accuracy = (double)right / (double)out->n;
    out->balanced_accuracy = classes ? rec / (double)classes : 0.0;
}

sg_status sg_class_metrics_compute(const double *obs, size_t obs_stride, const double *prob,
                                   size_t prob_stride, size_t n, sg_class_metrics *out,
                                   sg_error *err)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    out->n_classes = 2;
    if (n == 0)
        return sg_error_set(err, SG_ERR_INVALID, "class metrics need at least one row");
    double ll = 0.0, br = 0.0;
    for (size_t i = 0; i < n; i++) {
        double y = obs[i * obs_stride], p = prob[i * prob_stride];
        if ((y != 0.0 && y != 1.0) || !(p >= 0.0 && p <= 1.0))
            return sg_error_set(err, SG_ERR_INVALID,
                                "class metrics: row %zu has outcome %g and probability %g", i + 1,
                                y, p);
        int o = y == 1.0, h = p >= 0.5;
        out->confusion[o][h]++;
        double pc = fmin(fmax(p, 1e-15), 1.0 - 1e-15);
        ll -= o ? log(pc) : log(1.0 - pc);
        br += (p - y) * (p - y);
    }
    out->log_loss = ll / (double)n;
    out->brier = br / (double)n;
    class_rates(out);
    return SG_OK;
}

sg_status sg_class_metrics_compute_k(const double *obs, size_t obs_stride, const double *P,
                                     size_t p_stride, size_t k, size_t n,
                                     sg_class_metrics *out, sg_error *err)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    out->n_classes = k;
    if (n == 0 || k < 2 || k > SG_CLASS_MAX)
        return sg_error_set(err, SG_ERR_INVALID,
                            "class metrics need at least one row and 2 to %d classes",
                            SG_CLASS_MAX);
    double ll = 0.0, br = 0.0;
    for (size_t i = 0; i < n; i++) {
        double y = obs[i * obs_stride];
        const double *p = P + i * p_stride;
        if (!(y >= 0 && y <= (double)(k - 1) && y == floor(y)))
            return sg_error_set(err, SG_ERR_INVALID, "class metrics: row %zu has class %g", i + 1,
                                y);
        size_t o = (size_t)y, h = 0;
        for (size_t c = 0; c < k; c++) {
            if (!(p[c] >= 0.0 && p[c] <= 1.0))
                return sg_error_set(err, SG_ERR_INVALID,
                                    "class metrics: row %zu has probability %g", i + 1, p[c]);
            if (p[c] > p[h])
                h = c;
            double d = p[c] - (c == o);
            br += d * d;
        }
        out->confusion[o][h]++;
        ll -= log(fmin(fmax(p[o], 1e-15), 1.0 - 1e-15));
    }
    out->log_loss = ll / (double)n;
    out->brier = br / (double)n;
    class_rates(out);
    return SG_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double sg_metrics_conformal_quantile(double *v, size_t m, double level, bool *reachable)
{
    qsort(v, m, sizeof *v, cmp_double);
    double want = ceil((double)(m + 1) * level);
    bool reach = want <= (double)m;
    if (reachable)
        *reachable = reach;
    return v[(reach ? (size_t)want : m) - 1];
}
