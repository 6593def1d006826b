/* study_model.h — the study's [model] and [train] sections: validation and
 * mapping to the model, cross-validation and output settings of `fit`.
 *
 * Keys (every one optional; defaults are the model module's, see model.h
 * and doc/study-file.md):
 *   [model] type, file, hidden, activation, output_activation, init, ensemble,
 *           shared, factor_scaling, response_scaling
 *   [train] optimizer, learning_rate, epochs, batch_size, momentum, nesterov,
 *           beta1, beta2, epsilon, rho, l1, l2, early_stopping, min_delta,
 *           patience, restore_best, validation, interval_level,
 *           outlier_threshold, outlier_range_fraction, threads
 * Every problem is reported as "STUDY:LINE:COL: message" at the offending
 * key or value (unknown keys with a did-you-mean hint, wrong types, unknown
 * names listing the valid ones, out-of-range numbers).  No function prints.
 */
#ifndef SG_STUDY_MODEL_H
#define SG_STUDY_MODEL_H

#include <stdbool.h>

#include "core/error.h"
#include "model/model.h"
#include "io/study.h"
#include "model/cv.h"

/* Default model file name: <report dir>/<study name> + this suffix. */
#define SG_STUDY_MODEL_SUFFIX ".model.json"
/* Largest `threads` accepted in [train]. */
#define SG_STUDY_MAX_THREADS 256

/* Settings of `fit` derived from a study.  Free with sg_study_model_destroy. */
typedef struct sg_study_model {
    sg_model_spec spec;   /* architecture + training; spec.seed = study seed;
                             optimizer_auto unless [train] optimizer is given */
    sg_cv_options cv;     /* plan (auto unless `validation`), level, outlier_z, threads */
    char validation[64];  /* the plan as written ("auto" when not given) */
    char *model_file;     /* [model] file as written, or the default (owned) */
    char *model_path;     /* resolved against the study directory (owned) */
} sg_study_model;

/* Validate study->model and study->train and fill *out (which the caller
 * frees with sg_study_model_destroy, also after a failure).  Statuses:
 * SG_ERR_INVALID (message with file:line:col), SG_ERR_NOMEM. */
sg_status sg_study_model_load(const sg_study *study, sg_study_model *out, sg_error *err);

/* Free the strings in m (not m itself) and zero it; NULL is a no-op. */
void sg_study_model_destroy(sg_study_model *m);

#endif
