/* report.h — the Excel workbook of a study (libxlsxwriter).
 *
 * The caller (the CLI) fills ONE sg_report_input with the study metadata and
 * POINTERS to the results of each stage; every stage pointer may be NULL and
 * a sheet appears only when its results exist:
 *
 *   sheet         field(s)                       module
 *   Summary       always (+ every stage present) study, model, cv, optim
 *   Data          table (+ cv for suspicious)    table.h sg_table
 *   Statistics    stats, corr                    describe.h
 *   Main effects  effects                        taguchi.h, one per response
 *   Regression    regress                        regress.h, one per response
 *   Model         model                          model.h (spec, loss history)
 *   Validation    cv (+ train_metrics)           cv.h, metrics.h
 *   Optimization  optim                          optim.h
 *   Response surface  model (+ recommended, table) model.h predictions on a grid
 *   Calculator    model (+ recommended, table)   model.h networks and scalers
 *
 * The report only READS the results: it never owns, frees or changes them
 * (the model's prediction workspace is used for the check table).
 *
 * Units: every value is in the engineering unit of its factor or response
 * (factor[i].unit, response[k].unit) unless stated otherwise.
 *
 * The model is used from the calling thread only (its prediction workspace
 * fills the check table and the Summary's predictions).
 *
 * Safety: sg_report_check_target() tells before any long work whether the
 * target can be written; sg_report_write() writes to a temporary file in the
 * target directory and renames it over the target only on success, so a
 * failed run never leaves a partial workbook nor destroys the previous one.
 * No function prints or exits.
 */
#ifndef SG_REPORT_H
#define SG_REPORT_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "io/table.h"
#include "analysis/describe.h"
#include "analysis/metrics.h"
#include "model/model.h"
#include "optim/optim.h"
#include "io/study.h"
#include "analysis/taguchi.h"
#include "analysis/regress.h"
#include "analysis/study_analysis.h"
#include "model/cv.h"

/* ---- study description -------------------------------------------------- */

typedef struct sg_report_factor {
    const char *name; /* "thickness" */
    const char *unit; /* "um"; "" when unitless */
    double min, max;  /* bounds of the study, min < max */
    /* allowed settings (the Calculator flags others): */
    double step;           /* > 0: min + k * step only; 0 = any */
    size_t n_levels;       /* > 0: only these levels (borrowed) */
    const double *levels;
    char *const *labels;   /* a category factor: n_levels names of the codes
                              0 .. n_levels-1 (borrowed); NULL for a number */
} sg_report_factor;

typedef struct sg_report_response {
    const char *name; /* "stress_max" */
    const char *unit; /* "MPa" */
    const char *goal; /* "minimize", "maximize" or "none" (may be NULL) */
    size_t n_labels;      /* a pass/fail response: 2 outcome names (codes 0, 1); a class
                             response: its k names */
    char *const *labels;  /* borrowed; NULL for a number */
} sg_report_response;

/* ---- the whole input --------------------------------------------------------- */

/* Check-table rows the CLI shows by default. */
#define SG_REPORT_DEFAULT_CHECK_ROWS 5

typedef struct sg_report_input {
    /* metadata (strings may be NULL = not shown) */
    const char *title;          /* study title (sg_study.title) */
    const char *study_file;     /* path of the study file (sg_study.path) */
    const char *data_file;      /* path of the data file (sg_study.data_path) */
    const char *data_hash;      /* e.g. "fnv1a64:3f2a..." (from sg_table.hash) */
    const char *date;           /* e.g. "2026-11-29 01:10 UTC" */
    /* Creation time in the workbook's document properties, in seconds since
     * 1970-01-01 UTC; 0 = the time of writing.  A fixed value (the CLI passes
     * SOURCE_DATE_EPOCH) makes two reports of the same input byte-identical. */
    long long created;
    unsigned long long seed;    /* sg_study.seed */
    const char *versions;       /* "surrogate 0.1.0, GSL 2.7.1, NLopt 2.7.1, ..." */
    size_t threads;             /* worker threads used (0 = not shown) */
    size_t n_warnings;
    const char *const *warnings; /* (n_warnings) plain sentences, shown verbatim */

    /* study (from sg_study: factor name, unit, min, max; response name,
     * unit, sg_study_goal_name(goal)) */
    size_t n_factors;
    const sg_report_factor *factors;     /* (n_factors) */
    size_t n_responses;
    const sg_report_response *responses; /* (n_responses) */

    /* Recommended settings for the Summary and the Calculator's input cells
     * (usually the realisable optimum), or NULL (the Calculator then starts
     * at the middle of the bounds). */
    const double *recommended;           /* (n_factors) engineering units */
    const char *recommended_label;       /* "realisable optimum" */
    /* The decision summary (optim/summary.h), or NULL: when given, the
     * Summary sheet opens with it, in the order `run` prints it. */
    const struct sg_summary *decision;
    /* Sensitivity: Sobol indices of the model (model/sensitivity.h) for
     * every response, or NULL (sheet omitted). */
    const struct sg_sensitivity *sensitivity;

    /* ---- stage results; NULL = stage not run, its sheet is omitted ---- */
    /* Data: the table of sg_study_load_data (columns = factors then
     * responses, in study order). */
    const sg_table *table;
    /* Statistics: sg_describe_columns of the table's x (n_factors +
     * n_responses entries) and optionally sg_describe_correlation. */
    const sg_col_stats *stats;
    const double *corr;        /* (n_cols, n_cols) row-major, or NULL */
    const bool *corr_defined;  /* (n_cols, n_cols), or NULL (all defined) */
    /* Main effects: one sg_taguchi_analyze result per response (entries may
     * be NULL for responses not analysed). */
    const sg_taguchi_result *const *effects; /* (n_responses) */
    /* A two-level factorial with centre runs: the effects are of its
     * factorial runs and each response's curvature test is here
     * (n_responses, entries with ok false skipped), else NULL. */
    const sg_curvature *curvature;
    /* Regression: the quadratic regression of each response (regress.h;
     * entries NULL for responses not regressed), or NULL (sheet omitted);
     * regress_log (n_responses, or NULL): regressed on log10 of the values. */
    const sg_regress *const *regress;
    const bool *regress_log;
    /* Model and Calculator: the fitted model (only read). */
    const sg_model *model;
    const sg_metrics *train_metrics;  /* (n_responses) training figures, or NULL */
    /* Validation: sg_cv_run's result (network, baseline, intervals and
     * suspicious runs); its intervals also appear on Summary and Calculator. */
    const sg_cv_result *cv;
    /* Optimization: sg_optim_run's result, the objective in words and the
     * settings as text pairs (algorithms, budgets, tolerances). */
    const sg_optim_result *optim;
    const char *optim_objective;       /* "minimize stress_max" */
    const char *optim_objective_unit;  /* "MPa"; NULL/"" for a normalised sum */
    const char *const *optim_constraint_names; /* (optim->n_cons) or NULL */
    size_t n_optim_settings;
    const char *const *optim_setting_names;
    const char *const *optim_setting_values;
    /* Calculator: data rows in its check table (the first rows of `table`;
     * 0 = no check table), typically SG_REPORT_DEFAULT_CHECK_ROWS. */
    size_t n_check;
} sg_report_input;

/* Check that `path` can be written as a report: its directory exists, is a
 * directory and accepts a new file (probed by creating and removing a
 * temporary file), and `path` itself is not a directory.  Call it before any
 * long work.  SG_ERR_IO with a message naming the path otherwise. */
sg_status sg_report_check_target(const char *path, sg_error *err);

/* True when path holds a workbook that surrogate wrote (its document
 * properties name surrogate as the author): the output rule
 * (core/outputs.h) replaces only such a file.  user unused. */
bool sg_report_file_is_own(void *user, const char *path);

/* A one-sheet workbook ("Studies") of text cells: title in A1, headers
 * (n_cols) in row 3, cells (n_rows x n_cols, row-major) below; written
 * atomically, recognised by sg_report_file_is_own.  Used for `batch`'s
 * summary table. */
sg_status sg_report_table_write(const char *path, const char *title,
                                const char *const *headers, size_t n_cols,
                                const char *const *cells, size_t n_rows, sg_error *err);

/* Validate `in` (sizes, bounds, pointers) without writing anything. */
sg_status sg_report_validate(const sg_report_input *in, sg_error *err);

/* Write the workbook to `path` atomically (temporary file + rename).  Does
 * not modify `in`.  On failure the previous file at `path` is untouched and
 * no temporary file is left behind. */
sg_status sg_report_write(const sg_report_input *in, const char *path, sg_error *err);

/* Fill the study part of *in from s: title, study and data paths, seed,
 * factors (name, unit, min, max) into f (s->n_factors entries, caller's
 * storage) and responses (name, unit, goal name) into r (s->n_responses
 * entries).  Strings are borrowed from s, which must outlive the write.
 * Other fields of *in are left as they are. */
void sg_report_fill_study(const sg_study *s, sg_report_factor *f, sg_report_response *r,
                          sg_report_input *in);

/* Standard warnings derived from the results in `in`, as plain sentences:
 * excluded runs, suspicious runs (cv outliers), the honesty gates of
 * cv.h (worse than baseline, Q² < 0.5, over-fitting), more parameters
 * than rows without regularisation, recommended settings outside the
 * bounds, no feasible or realisable optimum.  in->warnings is ignored.  The
 * CLI may append its own and pass the list as in->warnings. */
typedef struct sg_report_warnings {
    size_t n;
    char **text; /* (n) owned strings */
} sg_report_warnings;

/* Fill *out (caller frees with sg_report_warnings_destroy) from in. */
sg_status sg_report_warnings_collect(const sg_report_input *in, sg_report_warnings *out,
                                     sg_error *err);
/* Free the strings and zero *w; NULL is a no-op. */
void sg_report_warnings_destroy(sg_report_warnings *w);

/* Most sheets a workbook holds. */
#define SG_REPORT_MAX_SHEETS 12

/* The names of the sheets sg_report_write writes for in, in workbook order
 * ("Summary", "Data", "Statistics", ...), into names (at most cap of them,
 * static strings).  Returns how many there are. */
size_t sg_report_sheet_names(const sg_report_input *in, const char **names, size_t cap);

/* The "report" object of --json (keys in doc/json.md): the sheets written
 * for in, the workbook path, the results file written (results_path; NULL:
 * null), the warning count and the date.  SG_ERR_NOMEM (no tree) when out
 * of memory; caller owns *out. */
sg_status sg_report_to_json(const sg_report_input *in, const char *path, const char *results_path,
                            cJSON **out, sg_error *err);

#endif
