#include "analysis/metrics.h"

#include <math.h>
#include <stdio.h>
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

sg_status sg_class_metrics_compute(const double *obs, size_t obs_stride, const double *prob,
                                   size_t prob_stride, size_t n, sg_class_metrics *out,
                                   sg_error *err)
{
    memset(out, 0, sizeof *out);
    out->n = n;
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
    out->accuracy = (double)(out->confusion[0][0] + out->confusion[1][1]) / (double)n;
    double rec = 0.0;
    int classes = 0;
    for (int c = 0; c < 2; c++) {
        size_t tot = out->confusion[c][0] + out->confusion[c][1];
        if (tot) {
            rec += (double)out->confusion[c][c] / (double)tot;
            classes++;
        }
    }
    out->balanced_accuracy = rec / classes;
    return SG_OK;
}
