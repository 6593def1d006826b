/* saved.h — the saved work of a study: the model file and the results file
 * beside it, opened together and judged against the study's current data and
 * fit settings, so `optimize` and `report` decide the same way.
 *
 * sg_saved_open loads the model (a load failure is an error: SG_ERR_IO when
 * it cannot be read, else the loader's status), checks it with
 * sg_decide_model_is_stale, then loads the results file and checks that it
 * belongs to that model (same data and settings hashes, same responses).
 * Stale or mismatched files are verdicts, not errors: the caller decides
 * whether to refuse (report) or to go on without the results (optimize).
 *
 * Ownership: sg_saved is caller-owned (sg_saved_destroy).  It owns model and
 * results; a caller may take either by copying the pointer and setting the
 * field to NULL.  results is set only when the verdict is SG_SAVED_CURRENT. */
#ifndef SG_SAVED_H
#define SG_SAVED_H

#include <stddef.h>

#include "core/error.h"
#include "io/study.h"
#include "io/table.h"
#include "model/model.h"
#include "model/results.h"
#include "model/study_model.h"

typedef enum sg_saved_verdict {
    SG_SAVED_CURRENT,        /* model and results belong together and are current */
    SG_SAVED_STALE_DATA,     /* the data file changed since the model was fitted */
    SG_SAVED_STALE_SETTINGS, /* the fit settings changed since the model was fitted */
    SG_SAVED_NO_HASHES,      /* the model records no hashes: cannot be checked */
    SG_SAVED_NO_RESULTS,     /* the model is current; its results file cannot be read */
    SG_SAVED_MISMATCHED      /* the model is current; the results belong to another model */
} sg_saved_verdict;

typedef struct sg_saved {
    sg_saved_verdict verdict;
    char message[SG_ERROR_MSG_MAX]; /* why, when not SG_SAVED_CURRENT ("" otherwise) */
    sg_status results_status;       /* SG_SAVED_NO_RESULTS: the results loader's status */
    char *model_path;               /* copy of the model path (owned) */
    char *results_path;             /* "<model without .json>.results.json" (owned) */
    sg_model *model;                /* the loaded model (owned) */
    sg_results *results;            /* its results, when current (owned), else NULL */
} sg_saved;

/* True when the model itself is current (the results may still be missing
 * or mismatched). */
int sg_saved_model_current(const sg_saved *s);

/* Open the model at model_path and its results, judged against data_hash and
 * settings_hash (16 hex digits each, sg_hash_hex / sg_fit_settings_hash) for
 * n_responses responses.  SG_OK with a verdict, or an error (nothing opened). */
sg_status sg_saved_open(const char *model_path, const char *data_hash, const char *settings_hash,
                        size_t n_responses, sg_saved **out, sg_error *err);

/* The same for a study: the hashes of table's data and of settings. */
sg_status sg_saved_open_study(const char *model_path, const sg_study *study, const sg_table *table,
                              const sg_study_model *settings, sg_saved **out, sg_error *err);

/* Does r belong to m (same hashes) for n_responses responses?  1 yes;
 * 0 no, with the reason in why. */
int sg_saved_results_belong(const sg_results *r, const sg_model *m, size_t n_responses,
                            char *why, size_t cap);

/* Short name of a verdict ("current", "stale data", ...). */
const char *sg_saved_verdict_name(sg_saved_verdict v);

/* Free s and what it still owns; NULL is a no-op. */
void sg_saved_destroy(sg_saved *s);

#endif
