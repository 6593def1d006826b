/* predict.h — predictions of a fitted model as JSON: the "predict" object
 * of `surrogate predict --json` (keys in doc/json.md).
 *
 * The CLI evaluates the model (sg_model_predict_batch) and passes the
 * points; this module only encodes them, with every response's calibrated
 * interval and which factors lie outside the fitted bounds.  Non-finite
 * figures are null (core/json.h).
 */
#ifndef SG_PREDICT_H
#define SG_PREDICT_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "model/model.h"

/* Predicted points; nothing is copied or kept. */
typedef struct sg_predict_points {
    size_t n;             /* points */
    const double *x;      /* (n, n_in) factor values, engineering units */
    const double *mean;   /* (n, n_out) ensemble means, response units */
    const double *sd;     /* (n, n_out) ensemble spreads (1 sd) */
    bool table;           /* read from a table (--in): add "rows" and "extrapolated_rows" */
    const char *out_path; /* where the table of predictions was written ("out"), or NULL */
} sg_predict_points;

/* The note on intervals for m: every response calibrated, some, or none
 * (then ± is the ensemble spread only).  A static string. */
const char *sg_predict_interval_note(const sg_model *m);

/* A response's model is weak when its cross-validated Q² (stored with the
 * calibration) is below this: its predictions are little better than the
 * data's mean.  The same threshold as the fit's gate (cv.h SG_CV_MIN_Q2). */
#define SG_PREDICT_WEAK_Q2 0.5
/* Whether response j's model is weak (false when its Q² is unknown). */
bool sg_predict_is_weak(const sg_model *m, size_t j);
/* The warning for the weak responses of m written into text (cap bytes):
 * "the model of NAME is weak (cross-validated Q2 -0.16, below 0.5) ...".
 * Returns how many responses are weak (0: text is ""). */
size_t sg_predict_weak_warning(const sg_model *m, char *text, size_t cap);

/* The "predict" object for the model file model_path: "model_file",
 * "interval" (per response, or null when none is calibrated),
 * "interval_note", "weak_models" (names of the weak responses), and when p is not NULL "points" (factors, responses
 * with mean, spread and interval, extrapolation and the factors outside
 * the fitted bounds) and the table keys of p.  SG_ERR_NOMEM (no tree) when
 * out of memory; caller owns *out. */
sg_status sg_predict_to_json(const sg_model *m, const char *model_path, const sg_predict_points *p,
                             cJSON **out, sg_error *err);

#endif
