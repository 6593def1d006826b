/* summary.h — the decision summary: the answer first, in plain lines.
 *
 * What `surrogate run` prints by default and what the workbook's Summary
 * sheet shows at its top, built once so the two say the same thing in the
 * same order: the headline, one line per factor (setting and why), the
 * predicted objective with its interval, one line per constraint, the
 * warnings that change the decision, and the model quality per response.
 * Numbers are rounded to what the data support (the response's resolution,
 * two significant digits for uncertainties).  Lines hold no line breaks;
 * the caller wraps them.
 *
 * Ownership: sg_summary_build allocates *out (sg_summary_destroy); the
 * inputs are only read during the call.
 */
#ifndef SG_SUMMARY_H
#define SG_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "io/study.h"
#include "io/table.h"
#include "model/cv.h"
#include "model/sensitivity.h"
#include "optim/decide.h"
#include "optim/optimize_spec.h"
#include "optim/recommend.h"

#define SG_SUMMARY_TEXT_MAX 512
/* A pass/fail model whose cross-validated balanced accuracy is below this
 * tells the outcomes apart little better than a coin toss: WEAK. */
#define SG_SUMMARY_MIN_BALANCED 0.7
#define SG_SUMMARY_MAX_WARNINGS (SG_RECOMMEND_MAX_NOTES + 8)

/* What the summary is built from; every pointer is borrowed. */
typedef struct sg_summary_inputs {
    const sg_study *study;
    const sg_optimize_spec *spec;
    const sg_decide_result *decide;
    const sg_recommend *rec;
    const sg_sensitivity *sens;    /* may be NULL: no effect figures */
    const sg_cv_result *cv;        /* may be NULL: not cross-validated */
    const sg_gate_warning *gates;  /* the fit's gates (n_gates), may be NULL */
    size_t n_gates;
    const sg_table *table;         /* the data (run names); may be NULL: data rows */
} sg_summary_inputs;

/* One factor: its setting (with unit) and why. */
typedef struct sg_summary_factor {
    char name[SG_STUDY_NAME_MAX + 1];
    char setting[64];              /* "150 um" */
    char verdict[256];             /* "matters: total index 0.93, moves stress_max by 59.9 MPa" */
    sg_recommend_role role;
} sg_summary_factor;

/* One response's model quality. */
typedef struct sg_summary_quality {
    char name[SG_STUDY_NAME_MAX + 1];
    double q2;                     /* NAN when not available */
    bool weak;
    char text[256];                /* "Q2  1.00 good  +- 0.9 MPa at tested settings, ..." */
} sg_summary_quality;

typedef struct sg_summary {
    sg_recommend_kind kind;
    char headline[SG_RECOMMEND_TEXT_MAX];    /* the answer */
    char settings_title[SG_DECIDE_TEXT_MAX + 64]; /* "Settings (minimize stress_max)" */
    size_t n_factors;
    sg_summary_factor *factors;              /* (n_factors) */
    char prediction[SG_SUMMARY_TEXT_MAX];    /* "" when there is none (weighted, weak) */
    size_t n_constraints;
    char (*constraints)[SG_SUMMARY_TEXT_MAX];/* (n_constraints) */
    size_t n_warnings;
    char (*warnings)[SG_SUMMARY_TEXT_MAX];   /* warnings that change the decision */
    bool cross_validated;
    size_t n_responses;
    sg_summary_quality *quality;             /* (n_responses) */
} sg_summary;

/* Build the summary.  SG_ERR_NOMEM when out of memory. */
sg_status sg_summary_build(const sg_summary_inputs *in, sg_summary **out, sg_error *err);
void sg_summary_destroy(sg_summary *s);

#endif
