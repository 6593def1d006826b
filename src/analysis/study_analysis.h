/* study_analysis.h — the study's [analysis] section and the orthogonal-array
 * analysis and descriptive statistics of a study's data.
 *
 * [analysis] keys (all optional; see doc/study-file.md):
 *   interactions = true    try two-factor interactions in the ANOVA
 *   min_error_df = 2       error degrees of freedom that must remain (>= 1)
 *   pool = false           Taguchi pooling of small terms into the error
 *   targets = { stress_path2 = 420 }
 *                          nominal-the-best target per response (goal "none"),
 *                          in the response's unit
 * sg_study_analysis_config_load validates them with messages "STUDY:LINE:COL: ...".
 *
 * sg_study_analysis_run runs, on a table loaded for the study (factor columns then
 * response columns): descriptive statistics and the correlation matrix of
 * every column (describe.h), and, when every factor takes discrete levels,
 * sg_taguchi_analyze for every response; for every design, the quadratic
 * regression of every numeric response (regress.h).  Nothing here prints.
 */
#ifndef SG_STUDY_ANALYSIS_H
#define SG_STUDY_ANALYSIS_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "io/table.h"
#include "analysis/describe.h"
#include "analysis/regress.h"
#include "analysis/rsmdesign.h"
#include "io/study.h"
#include "analysis/taguchi.h"

/* A factor with more distinct values than this is continuous: the
 * orthogonal-array analysis does not apply. */
#define SG_ANALYSIS_MAX_LEVELS 9
/* Largest accepted min_error_df. */
#define SG_ANALYSIS_MAX_ERROR_DF 1000
#define SG_ANALYSIS_REASON_MAX (SG_ERROR_MSG_MAX + 512)

/* Settings of the [analysis] section; defaults from an absent section. */
typedef struct sg_analysis_config {
    sg_taguchi_options taguchi;              /* interactions, min_error_df, pool */
    bool has_target[SG_STUDY_MAX_RESPONSES]; /* per study response */
    double target[SG_STUDY_MAX_RESPONSES];   /* in the response's unit */
} sg_analysis_config;

/* Fill *cfg from s->analysis (defaults when absent).  SG_ERR_INVALID with
 * "STUDY:LINE:COL: message" for unknown keys, wrong types, min_error_df out
 * of range, targets naming an unknown response or one whose goal is not
 * "none", and non-finite targets. */
sg_status sg_study_analysis_config_load(const sg_study *s, sg_analysis_config *cfg, sg_error *err);

/* Level coding of one factor for the orthogonal-array analysis. */
typedef struct sg_analysis_factor {
    int n_levels;                          /* levels found in the data */
    double values[SG_ANALYSIS_MAX_LEVELS]; /* ascending, in the factor's unit */
    bool declared;                         /* coded on the study's declared levels */
    double off;                            /* declared: largest distance of a value from
                                              the level it is read as (0: all exact) */
} sg_analysis_factor;

/* The curvature test of a two-level factorial with centre runs (design
 * kind SG_RSMDESIGN_FACTORIAL), per numeric response: do the centre runs
 * lie on the plane the factorial runs span?  Curvature SS = nF nC (ybar_F
 * - ybar_C)^2 / (nF + nC) on 1 df, tested by F against the pure error of
 * repeated centre runs (Montgomery, Design and Analysis of Experiments,
 * 6.8).  The difference alone when the centre runs do not repeat or agree
 * exactly (a deterministic simulation): no test, its size against the
 * largest two-level effect. */
typedef struct sg_curvature {
    bool ok;                   /* computed (a numeric response of such a design) */
    size_t n_factorial, n_centre;
    double mean_factorial, mean_centre;
    double difference;         /* mean_centre - mean_factorial, response unit */
    double ss;                 /* curvature sum of squares, 1 df */
    size_t df_pure;            /* n_centre - 1 */
    double ms_pure;            /* the centre runs' variance (NAN without df) */
    double f, p;               /* NAN without a pure error above 0 */
    double largest_effect;     /* the largest |high - low| level-mean difference of a
                                  factor on the factorial runs */
    char largest_factor[64];   /* its factor */
} sg_curvature;

/* Results for one study table; caller owns, free with sg_study_analysis_destroy. */
typedef struct sg_study_analysis {
    size_t n_rows, n_cols, n_factors, n_responses;
    sg_col_stats *stats;          /* n_cols: factors then responses */
    double *corr;                 /* (n_cols, n_cols) Pearson r, 0 where undefined */
    bool *corr_defined;           /* (n_cols, n_cols) */
    bool discrete;                /* every factor takes discrete levels */
    char not_applicable[SG_ANALYSIS_REASON_MAX]; /* why not, when !discrete */
    sg_analysis_factor *factors;  /* n_factors (valid when discrete) */
    sg_taguchi_result **taguchi;  /* n_responses; NULL where the analysis failed */
    char (*response_na)[SG_ANALYSIS_REASON_MAX]; /* n_responses: why taguchi[j] is NULL, or "" */
    /* The quadratic response surface as a regression (regress.h), for every
     * design: a central composite or Box-Behnken design's analysis, and
     * beside an orthogonal array's main effects.  regress[j] NULL: regress_na
     * says why (a pass/fail or class response, too few runs).  regress_log[j]:
     * fitted to log10 of the values (the response's scale = "log"). */
    sg_rsmdesign design; /* a central composite or Box-Behnken design, a two-level
                            factorial with centre runs, or kind NONE */
    /* A two-level factorial with centre runs: the array analysis (taguchi,
     * factors) is of its factorial runs alone (their 1-based table rows in
     * factorial_rows), the centre runs test curvature. */
    size_t *factorial_rows;     /* design.cube entries, or NULL */
    sg_curvature *curvature;    /* n_responses, or NULL */
    sg_regress **regress;                      /* n_responses */
    char (*regress_na)[SG_ANALYSIS_REASON_MAX]; /* n_responses */
    bool *regress_log;                         /* n_responses */
} sg_study_analysis;

/* Analyse table t (loaded with sg_study_load_data for s) with cfg.  *out is
 * a new result (caller destroys).  A response the analysis rejects gets a
 * reason in response_na instead of failing the whole call. */
sg_status sg_study_analysis_run(const sg_study *s, const sg_table *t, const sg_analysis_config *cfg,
                           sg_study_analysis **out, sg_error *err);

/* Every figure of a (of study s, table t, settings cfg) as the "analyze"
 * object of --json (keys in doc/json.md), with sg_taguchi_to_json for each
 * analysed response; non-finite figures are null (core/json.h).
 * SG_ERR_NOMEM (no tree) when out of memory; caller owns *out. */
sg_status sg_study_analysis_to_json(const sg_study_analysis *a, const sg_study *s,
                                    const sg_table *t, const sg_analysis_config *cfg,
                                    cJSON **out, sg_error *err);

/* Free a result.  NULL is a no-op. */
void sg_study_analysis_destroy(sg_study_analysis *a);

#endif
