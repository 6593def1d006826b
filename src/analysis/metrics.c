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
