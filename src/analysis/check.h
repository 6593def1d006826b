/* check.h — the computations behind `surrogate check`: what the data look
 * like and whether they form a sound design.  Pure computation: no printing.
 *
 * Factor columns are "level coded": their distinct values (equal within
 * SG_CHECK_LEVEL_RTOL of the column's range) become levels 0..k-1.  The
 * design is balanced when every level of every factor occurs equally often,
 * and pairwise balanced (a strength-2 orthogonal array) when every pair of
 * factors shows every combination of their levels equally often.
 */
#ifndef SG_CHECK_H
#define SG_CHECK_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "io/table.h"
#include "analysis/describe.h"
#include "analysis/rsmdesign.h"
#include "io/study.h"

/* Values closer than this fraction of the column's range are the same level. */
#define SG_CHECK_LEVEL_RTOL 1e-9
/* Factor levels kept per column; a column with more distinct values is
 * reported as continuous (not level-coded). */
#define SG_CHECK_MAX_LEVELS 32
/* Name buffer for a standard-array name ("L27(3^13)", "L36(2^11 3^12)"). */
#define SG_CHECK_ARRAY_NAME_MAX 32

typedef enum sg_warning_kind {
    SG_WARN_CONSTANT,      /* a used column has a single value */
    SG_WARN_OUT_OF_BOUNDS, /* factor values outside [min, max] */
    SG_WARN_NOT_A_LEVEL,   /* factor values not among the declared levels */
    SG_WARN_LEVEL_UNUSED,  /* a declared level that no row uses */
    SG_WARN_NOT_POSITIVE,  /* values at or below 0 in a column on a log scale */
    SG_WARN_FAR_VALUE      /* a response value far beyond all the others (a typo?) */
} sg_warning_kind;

typedef struct sg_warning {
    sg_warning_kind kind;
    size_t column;     /* table column concerned, or SIZE_MAX */
    char *message;     /* one sentence, e.g. "thickness: 2 values outside [50, 150] (lines 4, 9)" */
} sg_warning;

/* A response value is far beyond the others (SG_WARN_FAR_VALUE) when it lies
 * more than this many times the span of the other values beyond them; when
 * every value is above 0, in log10 as well (so a life spanning decades is
 * not one).  Up to a quarter of the values are peeled off each end. */
#define SG_CHECK_FAR_SPANS 5.0
/* Is v more than SG_CHECK_FAR_SPANS times the span of the values lo .. hi
 * (lo < hi) beyond them: on the linear scale unless log_only, and in log10
 * too when positive (v, lo and hi all above 0)?  The check's rule, which
 * fit's suspicious runs share (model/cv.c). */
bool sg_check_far_beyond(double v, double lo, double hi, bool positive, bool log_only);

/* Level coding of one factor column. */
typedef struct sg_factor_levels {
    size_t n_levels;   /* distinct values; 0 when more than SG_CHECK_MAX_LEVELS */
    double values[SG_CHECK_MAX_LEVELS]; /* ascending */
    size_t counts[SG_CHECK_MAX_LEVELS]; /* rows at each level */
    bool balanced;     /* every level equally often */
} sg_factor_levels;

/* A set of >= 2 rows with identical factor settings. */
typedef struct sg_duplicate_group {
    size_t n;          /* rows in the group */
    size_t *rows;      /* 0-based table row indices, ascending */
    bool responses_differ; /* some response differs between the rows */
} sg_duplicate_group;

typedef struct sg_check_report {
    size_t n_rows, n_excluded;
    size_t n_cols, n_factors;   /* as in the table */
    sg_col_stats *stats;        /* n_cols */
    double *corr;               /* (n_cols, n_cols) Pearson r; 0 where undefined */
    bool *corr_defined;         /* (n_cols, n_cols) false for constant columns */
    sg_factor_levels *levels;   /* n_factors */
    size_t n_duplicate_groups;
    sg_duplicate_group *duplicates;
    bool balanced;              /* every factor balanced (and >= 2 levels each) */
    bool orthogonal;            /* balanced and every pair balanced */
    /* Standard array (catalogue of src/oa.h) whose columns the factor columns
     * are, up to row order and level relabelling, e.g. "L27(3^13)"; "" when
     * none matches (or the design is not orthogonal). */
    char array_name[SG_CHECK_ARRAY_NAME_MAX];
    int array_col[SG_STUDY_MAX_FACTORS]; /* 0-based array column of factor j, when matched */
    bool array_undetermined;    /* the identification search gave up (no answer) */
    /* Runs per combination of the factors' levels when every combination
     * occurs equally often (a full factorial, run that many times each);
     * 0 when the factors are not a full factorial (or are fewer than 2). */
    size_t full_factorial;
    /* Not orthogonal, but a definitive screening design (3 levels, fold-over
     * pairs and centre_runs centre runs; main effects orthogonal to each
     * other and to every square and two-factor interaction). */
    bool definitive_screening;
    size_t centre_runs;
    /* A central composite or Box-Behnken design (rsmdesign.h; kind NONE
     * otherwise, and when a factor is a category). */
    sg_rsmdesign rsm_design;
    size_t n_warnings;
    sg_warning *warnings;
} sg_check_report;

/* Run every check on table t loaded for study s (t's columns are the
 * study's factors then responses).  Caller destroys *out. */
sg_status sg_check_run(const sg_study *s, const sg_table *t, sg_check_report **out,
                       sg_error *err);

/* The full factorial r's factors form, as "3x3 full factorial" (levels of
 * each factor in study order) into buf (size bytes, truncated), "" when
 * r->full_factorial is 0.  Returns buf. */
const char *sg_check_factorial_name(const sg_check_report *r, char *buf, size_t size);

/* Free a report.  NULL is a no-op. */
void sg_check_destroy(sg_check_report *r);

/* Every figure of r (for study s and its table t) as the "check" object of
 * --json (keys in doc/json.md); non-finite figures are null (core/json.h).
 * SG_ERR_NOMEM (no tree) when out of memory; caller owns *out. */
sg_status sg_check_report_to_json(const sg_check_report *r, const sg_study *s, const sg_table *t,
                                  cJSON **out, sg_error *err);

/* The "settings" member of the check object once the study's [model],
 * [train], [analysis] and [optimize] sections passed their loaders: each
 * "valid", or "absent (defaults)" when the study has no such section.
 * Caller owns *out. */
sg_status sg_check_settings_to_json(const sg_study *s, cJSON **out, sg_error *err);

/* Identify the catalogue array (src/oa.h) whose columns the factor columns
 * are: codes is (n_runs x n_factors) row-major level codes 0..L-1.  On a
 * match writes its name ("L27(3^13)") and factor_col[j], the 0-based array
 * column of factor j (factor_col has n_factors entries), and returns true;
 * otherwise name = "" and false.  *undetermined (may be NULL) is set when the
 * bounded search gave up (see sg_oa_identify). */
bool sg_check_match_standard_array(const int *codes, size_t n_runs, size_t n_factors,
                                   char name[SG_CHECK_ARRAY_NAME_MAX], int *factor_col,
                                   bool *undetermined);

/* Where the data put a factor against the study's bounds: rows of column
 * j of t outside [min, max] and the column's own range.  fit and the
 * workbook warn with it: a model fitted where the process window is not
 * (bounds typed in another unit, say) extrapolates at every setting the
 * optimiser may choose. */
typedef struct sg_factor_span {
    size_t n_outside;          /* rows with a value below min or above max */
    double data_min, data_max; /* of the column (NaN for a table without rows) */
} sg_factor_span;
sg_factor_span sg_check_factor_span(const sg_table *t, size_t j, double min, double max);

/* The runs cover less than this share of a factor's bounds: a warning. */
#define SG_CHECK_SPAN_MSG_MAX 512
#define SG_CHECK_SPAN_MIN_SHARE 0.5

/* The sentence fit and the workbook print for factor `name` (unit may be
 * "") with bounds [min, max] over n_rows runs, into buf (cap bytes); false
 * (buf "") when there is nothing to say: every run inside the bounds and
 * spanning at least SG_CHECK_SPAN_MIN_SHARE of them. */
bool sg_check_factor_span_message(const sg_factor_span *sp, const char *name, const char *unit,
                                  double min, double max, size_t n_rows, char *buf, size_t cap);

#endif
