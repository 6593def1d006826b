/* report.h — the Excel workbook of a study (libxlsxwriter).
 *
 * The caller (the CLI) fills ONE sg_report_input with the study metadata and
 * POINTERS to the results of each stage; every stage pointer may be NULL and
 * a sheet appears only when its results exist:
 *
 *   sheet        needs                      filled from
 *   Summary      always                     study + every stage present
 *   Data         data                       data.h table (rows used / excluded)
 *   Statistics   stats                      describe.h statistics + correlation
 *   Main effects effects                    taguchi.h (level means, S/N, ANOVA)
 *   Model        model (+ training)         model.h ensemble, train.h loss history
 *   Validation   validation                 validate.h CV + rsm.h baseline
 *   Optimization optim                      optim.h multistart result
 *   Calculator   model                      model.h networks and scalers
 *
 * The report module only READS these plain views: it never owns, frees or
 * changes them, and it depends on no other module's code (only on the
 * enums of mlp.h and scale.h), so it can be tested without training.
 *
 * Units: every value is in the engineering unit of its factor or response
 * (factor[i].unit, response[k].unit) unless stated otherwise.
 *
 * Safety: sg_report_check_target() tells before any long work whether the
 * target can be written; sg_report_write() writes to a temporary file in the
 * target directory and renames it over the target only on success, so a
 * failed run never leaves a partial workbook nor destroys the previous one.
 * No function prints or exits.
 */
#ifndef SG_REPORT_H
#define SG_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "mlp.h"
#include "scale.h"

/* ---- study description -------------------------------------------------- */

typedef struct sg_report_factor {
    const char *name; /* "thickness" */
    const char *unit; /* "um"; "" when unitless */
    double min, max;  /* bounds of the study, min < max */
} sg_report_factor;

typedef struct sg_report_response {
    const char *name; /* "stress_max" */
    const char *unit; /* "MPa" */
    const char *goal; /* "minimize", "maximize" or "none" (may be NULL) */
} sg_report_response;

/* ---- Data sheet ---------------------------------------------------------- */

typedef struct sg_report_data {
    size_t n_rows;      /* rows as read (used and excluded) */
    const long *run;    /* (n_rows) run number shown; NULL = 1..n_rows */
    /* (n_rows, n_factors + n_responses) row-major: factors then responses,
     * engineering units; an excluded run's empty cells are NAN. */
    const double *values;
    const bool *excluded;         /* (n_rows) or NULL: true = not used */
    const char *const *reason;    /* (n_rows) or NULL: why excluded ("" / NULL if used) */
    /* (n_rows, n_factors + n_responses) or NULL: true marks a suspicious cell
     * (highlighted); suspicious_note (same shape or NULL) says why. */
    const bool *suspicious;
    const char *const *suspicious_note;
} sg_report_data;

/* ---- Statistics sheet ----------------------------------------------------- */

/* Columns are the factors then the responses (n_factors + n_responses). */
typedef struct sg_report_stats {
    size_t n_cols;
    const size_t *n;        /* (n_cols) rows counted */
    const double *mean, *sd, *min, *q1, *median, *q3, *max; /* (n_cols) each */
    const double *corr;     /* (n_cols, n_cols) row-major Pearson r, or NULL */
} sg_report_stats;

/* ---- Calculator and Model sheets ---------------------------------------- */

/* One fitted network in the flat layout of mlp.h:
 * params = [W_0 (sizes[1], sizes[0]) row-major, b_0 (sizes[1]), W_1, b_1, ...]. */
typedef struct sg_report_net {
    size_t n_layers;           /* weight layers (hidden + 1), >= 1 */
    const size_t *sizes;       /* (n_layers + 1): n_in, hidden..., n_out */
    const sg_activation *acts; /* (n_layers); the last is the output activation */
    const double *params;      /* flat parameters, see above */
} sg_report_net;

/* How the ensemble spread is defined (must match the model exactly). */
typedef enum sg_report_spread {
    SG_REPORT_SPREAD_POPULATION = 0, /* sd with n denominator  (Excel STDEVP) */
    SG_REPORT_SPREAD_SAMPLE          /* sd with n-1 denominator (Excel STDEV) */
} sg_report_spread;

/* The fitted ensemble.  Prediction of response k by member m:
 *   s   = (x - x_shift) / x_width               (factors, per column)
 *   o   = net(s)[k_out]                          (scaled output)
 *   y_m = o * y_width[k] + y_shift[k]            (engineering unit)
 * and the reported value is the mean of y_m over members, the spread their
 * sd (sg_report_spread).  shared = true: one network per member with
 * n_responses outputs (nets[m], k_out = k); shared = false: one single-output
 * network per response and member (nets[k * n_members + m], k_out = 0). */
typedef struct sg_report_model {
    sg_scale_kind x_kind, y_kind;     /* shown on the Model sheet */
    const double *x_shift, *x_width;  /* (n_factors), width > 0 */
    const double *y_shift, *y_width;  /* (n_responses), width > 0 */
    bool shared;
    size_t n_members;                 /* >= 1 */
    const sg_report_net *nets;        /* see above */
    sg_report_spread spread;
    /* Prediction interval half-width = interval_k * spread; 0 = no interval.
     * interval_level is its coverage in percent (e.g. 90). */
    double interval_k, interval_level;
    /* Training settings as text pairs for the Model sheet, e.g.
     * {"optimizer","lbfgs"}, {"epochs","2000"}; n_settings pairs. */
    size_t n_settings;
    const char *const *setting_names;
    const char *const *setting_values;
    size_t n_train_rows;             /* rows the model was fitted on */
} sg_report_model;

/* Loss history per trained network (Model sheet chart); same order as nets. */
typedef struct sg_report_training {
    size_t n_curves;             /* usually n_responses (first member each) */
    const char *const *label;    /* (n_curves) legend text */
    const size_t *n_epochs;      /* (n_curves) */
    const double *const *loss;   /* (n_curves) arrays of n_epochs[c] training losses */
} sg_report_training;

/* Settings shown in the Calculator's input cells and their predictions. */
typedef struct sg_report_calc {
    const double *settings;      /* (n_factors) initial inputs, e.g. the optimum */
    const char *settings_label;  /* "recommended optimum" */
    /* Check table: n_check rows of inputs (n_check, n_factors) and the
     * predictions computed by surrogate (n_check, n_responses). */
    size_t n_check;
    const long *check_run;       /* (n_check) run numbers, or NULL */
    const double *check_x;
    const double *check_pred;
} sg_report_calc;

/* ---- Validation sheet ------------------------------------------------------ */

typedef struct sg_report_fit_metrics {
    double r2;   /* NAN when undefined */
    double rmse, mae, max_abs; /* response unit */
} sg_report_fit_metrics;

typedef struct sg_report_validation {
    const char *method;                      /* "loo", "kfold:5" */
    size_t n_rows;                           /* rows validated */
    const sg_report_fit_metrics *train;      /* (n_responses) network, training rows */
    const sg_report_fit_metrics *cv;         /* (n_responses) network, cross-validated */
    const sg_report_fit_metrics *rsm_cv;     /* (n_responses) quadratic baseline CV, or NULL */
    const double *observed;                  /* (n_rows, n_responses) */
    const double *cv_pred;                   /* (n_rows, n_responses) held-out predictions */
    const double *cv_spread;                 /* (n_rows, n_responses) or NULL */
    const size_t *fold;                      /* (n_rows) or NULL */
    const long *run;                         /* (n_rows) or NULL */
} sg_report_validation;

/* ---- Main effects sheet ---------------------------------------------------- */

typedef struct sg_report_anova_row {
    const char *source; /* "thickness", "thickness x temperature", "error", "total" */
    double ss, df, ms, f, p, pct; /* NAN where not applicable */
} sg_report_anova_row;

typedef struct sg_report_effects_response {
    size_t n_levels_max;
    const size_t *n_levels;    /* (n_factors) */
    const double *levels;      /* (n_factors, n_levels_max) level values */
    const double *mean;        /* (n_factors, n_levels_max) mean response */
    const double *sn;          /* (n_factors, n_levels_max) S/N in dB, or NULL */
    const char *sn_kind;       /* "smaller-the-better" ... */
    const double *delta;       /* (n_factors) range of the level means */
    const size_t *rank;        /* (n_factors) 1 = strongest */
    size_t n_anova;
    const sg_report_anova_row *anova; /* (n_anova) */
    const double *best_levels; /* (n_factors) or NULL */
    double best_pred;          /* prediction of the additive model at best_levels */
} sg_report_effects_response;

typedef struct sg_report_effects {
    const sg_report_effects_response *resp; /* (n_responses) */
} sg_report_effects;

/* ---- Optimization sheet ---------------------------------------------------- */

typedef struct sg_report_optim {
    const char *objective;     /* "minimize stress_max" */
    const char *algorithm;     /* "GN_DIRECT_L + LN_BOBYQA" */
    size_t n_settings;         /* extra text pairs (budgets, tolerances) */
    const char *const *setting_names;
    const char *const *setting_values;
    size_t n_starts;
    const double *start_x;     /* (n_starts, n_factors) */
    const double *final_x;     /* (n_starts, n_factors) */
    const double *final_obj;   /* (n_starts) objective unit */
    size_t n_constraints;
    const char *const *constraint_names;   /* (n_constraints) */
    const double *constraint_val;          /* (n_starts, n_constraints) */
    const size_t *evaluations; /* (n_starts) */
    const char *const *stop_reason;        /* (n_starts) */
    /* statistics over starts */
    double best, mean, sd, median, q1, q3, frac_best;
    size_t n_optima;
    const double *optimum_x;   /* (n_optima, n_factors) distinct optima */
    const double *optimum_obj; /* (n_optima) */
    const size_t *optimum_count; /* (n_optima) starts reaching it */
    const double *continuous_x;  /* (n_factors) */
    double continuous_obj;
    const double *realisable_x;  /* (n_factors) or NULL */
    double realisable_obj;
} sg_report_optim;

/* ---- the whole input --------------------------------------------------------- */

typedef struct sg_report_input {
    /* metadata (strings may be NULL = not shown) */
    const char *title;          /* study title */
    const char *study_file;     /* path of the study file */
    const char *data_file;      /* path of the data file */
    const char *data_hash;      /* e.g. "sha256:3f2a..." */
    const char *date;           /* e.g. "2026-11-29 01:10 UTC" */
    unsigned long seed;
    const char *versions;       /* "surrogate 0.1.0, GSL 2.7.1, NLopt 2.7.1, ..." */
    size_t threads;
    size_t n_warnings;
    const char *const *warnings; /* (n_warnings) plain sentences */

    size_t n_factors;
    const sg_report_factor *factors;     /* (n_factors) */
    size_t n_responses;
    const sg_report_response *responses; /* (n_responses) */

    /* Recommended settings for the Summary (usually the optimum), or NULL. */
    const double *recommended;           /* (n_factors) */
    const char *recommended_label;       /* "realisable optimum" */

    /* stage results; NULL = stage not run, sheet omitted */
    const sg_report_data *data;
    const sg_report_stats *stats;
    const sg_report_effects *effects;
    const sg_report_model *model;
    const sg_report_training *training;
    const sg_report_calc *calc;          /* needs model */
    const sg_report_validation *validation;
    const sg_report_optim *optim;
} sg_report_input;

/* Check that `path` can be written as a report: its directory exists, is a
 * directory and accepts a new file (probed by creating and removing a
 * temporary file), and `path` itself is not a directory.  Call it before any
 * long work.  SG_ERR_IO with a message naming the path otherwise. */
sg_status sg_report_check_target(const char *path, sg_error *err);

/* Validate `in` (sizes, bounds, pointers) without writing anything. */
sg_status sg_report_validate(const sg_report_input *in, sg_error *err);

/* Write the workbook to `path` atomically (temporary file + rename).  Does
 * not modify `in`.  On failure the previous file at `path` is untouched and
 * no temporary file is left behind. */
sg_status sg_report_write(const sg_report_input *in, const char *path, sg_error *err);

/* Predict with the ensemble exactly as the Calculator's formulas do:
 * x (n_factors) engineering units -> mean (n_responses), spread
 * (n_responses, may be NULL) and member values (n_responses * n_members,
 * index k * n_members + m, may be NULL).  work needs sg_report_work_size()
 * doubles. */
sg_status sg_report_predict(const sg_report_input *in, const double *x, double *mean,
                            double *spread, double *members, double *work, sg_error *err);

/* Doubles of workspace sg_report_predict needs for in->model. */
size_t sg_report_work_size(const sg_report_input *in);

#endif
