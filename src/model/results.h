/* results.h — the saved results of a study beside its model file, so the
 * report can be rewritten without refitting (`surrogate report`).
 *
 * The file is JSON, written atomically (temporary file + rename), starting
 * with "format": "surrogate-results" and "version": 1.  It holds what is
 * expensive to recompute: the training metrics and the whole
 * cross-validation result (held-out predictions, per-response figures,
 * suspicious runs), the loss history of the first member of each network
 * (a loaded model has none; the report charts it), plus the digest of the optimisation answer (objective,
 * continuous and realisable settings) that lets `report` verify its
 * recomputation from the saved model is the same answer.  Every double
 * round-trips exactly (17 significant digits; non-finite values are stored
 * as the strings "nan", "inf", "-inf").
 *
 * data_hash / settings_hash are the model's (sg_model_data_hash,
 * sg_model_study_hash): results belong to the model fitted on them.
 * results.c writes, results_load.c reads.
 * Ownership: sg_results is caller-owned (sg_results_destroy); no function
 * prints or exits.
 */
#ifndef SG_RESULTS_H
#define SG_RESULTS_H

#include <stddef.h>

#include "core/error.h"
#include "analysis/metrics.h"
#include "model/model.h"
#include "model/cv.h"

#define SG_RESULTS_FORMAT "surrogate-results"

/* True when path holds a results file that surrogate wrote (core/outputs.h). */
bool sg_results_file_is_own(void *user, const char *path);
#define SG_RESULTS_VERSION 1
/* Largest number of factors / responses / held-out rows accepted on load. */
#define SG_RESULTS_MAX_DIM 64
#define SG_RESULTS_MAX_HELD 10000000

typedef struct sg_results {
    char data_hash[17];      /* hex FNV-1a 64 of the data file (the model's) */
    char settings_hash[17];  /* hex hash of the fit settings (the model's) */
    size_t n_out;            /* responses */
    sg_metrics *train;       /* (n_out) network on the training rows (owned) */
    sg_cv_result *cv;        /* cross-validation (owned), NULL when it was skipped */
    char cv_not_possible[400]; /* "" or why it could not be run (sg_fit_result's) */
    size_t n_nets;           /* networks of the model (0: no histories saved) */
    sg_train_history *hist;  /* (n_nets) loss history of member 1 of each network (owned) */
    /* optimisation digest (has_optim = 0: no optimisation saved) */
    int has_optim;
    size_t d;                /* factors */
    double best_f;           /* continuous optimum's objective */
    double *best_x;          /* (d) its settings, engineering units (owned) */
    int realisable_found;
    double realisable_f;
    double *realisable_x;    /* (d) when realisable_found (owned), else NULL */
} sg_results;

/* A new empty result for n_out responses (train zeroed, no cv, no
 * optimisation); caller owns.  NULL when out of memory or n_out is 0. */
sg_results *sg_results_create(size_t n_out);

/* Copy the optimisation digest in (d settings; realisable_x may be NULL
 * when not found).  SG_ERR_NOMEM / SG_ERR_INVALID. */
sg_status sg_results_set_optim(sg_results *r, size_t d, double best_f, const double *best_x,
                               int realisable_found, double realisable_f,
                               const double *realisable_x, sg_error *err);

/* Copy the loss history of member 1 of every network of m into r. */
sg_status sg_results_take_histories(sg_results *r, const sg_model *m, sg_error *err);

/* Put r's saved histories back into m (a loaded model of the same shape). */
sg_status sg_results_restore_histories(const sg_results *r, sg_model *m, sg_error *err);

/* A deep copy of cv (caller owns; sg_cv_result_destroy).  NULL on no memory. */
sg_cv_result *sg_results_cv_copy(const sg_cv_result *cv);

/* Write r to path atomically; on failure nothing is left behind and the
 * previous file is untouched.  SG_ERR_IO naming the path. */
sg_status sg_results_save(const sg_results *r, const char *path, sg_error *err);

/* Read a results file.  SG_ERR_IO when it cannot be read, SG_ERR_PARSE when
 * it is not a valid results file of this format and version (the message
 * names the path and the first problem).  Caller owns *out. */
sg_status sg_results_load(const char *path, sg_results **out, sg_error *err);

/* The results file of a model file: "<model without .json>.results.json"
 * ("reports/b.model.json" -> "reports/b.model.results.json").  Caller
 * frees; NULL when out of memory. */
char *sg_results_path_for_model(const char *model_path);

/* Free r and what it owns; NULL is a no-op. */
void sg_results_destroy(sg_results *r);

#endif
