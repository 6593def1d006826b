/* sensitivity.h — Sobol sensitivity of the fitted surrogate over the
 * study's factor window, and which factors have no material effect.
 *
 * sg_sensitivity_run evaluates the model (ensemble mean) through
 * analysis/sobol.h over the box [factor min, factor max] and measures each
 * response's observed range and resolution in the data (the printed
 * precision, model/outliers.h).  A factor has no material effect on a
 * response when both
 *   total index ST_i  < SG_SENSITIVITY_NEGLIGIBLE_SHARE, and
 *   effect range      < max(resolution, SG_SENSITIVITY_NEGLIGIBLE_SHARE * range)
 * (the effect range is max - min of the factor's main effect, in the
 * response's unit): alone or through interactions it moves the response by
 * less than the data can show or than a small share of what was observed.
 *
 * Ownership: inputs are borrowed during the call; the result is
 * caller-owned (sg_sensitivity_destroy).  No printing.
 */
#ifndef SG_SENSITIVITY_H
#define SG_SENSITIVITY_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "analysis/sobol.h"
#include "core/error.h"
#include "io/study.h"
#include "io/table.h"
#include "model/model.h"

/* Share of the variance (total index) and of the observed range below
 * which a factor has no material effect. */
#define SG_SENSITIVITY_NEGLIGIBLE_SHARE 0.02
/* Model evaluations per batch (bounds the scratch memory). */
#define SG_SENSITIVITY_BATCH 4096

typedef struct sg_sensitivity {
    sg_sobol_result *sobol;  /* owned; outputs = the study's responses */
    size_t n_factors, n_responses;
    double *range;           /* (n_responses) observed max - min in the data */
    double *resolution;      /* (n_responses) printed precision (0: finer than 1e-9) */
    double *threshold;       /* (n_responses) effect-range threshold, response unit */
    bool *negligible;        /* (n_responses, n_factors) no material effect */
} sg_sensitivity;

/* Sensitivity of every response of model m (the study's factors and
 * responses, in order) over the study's factor window; t the study's data
 * (factors then responses, as sg_study_load_data gives; may be NULL: no
 * range or resolution, nothing negligible); opt NULL = defaults with the
 * study's seed.  Caller owns *out. */
sg_status sg_sensitivity_run(const sg_study *s, const sg_table *t, const sg_model *m,
                             const sg_sobol_options *opt, sg_sensitivity **out, sg_error *err);

/* The same with the model's evaluations of each sample block of
 * SG_SENSITIVITY_BATCH rows as tasks of exec (core/exec.h; NULL = here):
 * every row's prediction is its own, so the indices are the same. */
sg_status sg_sensitivity_run_on(const sg_study *s, const sg_table *t, const sg_model *m,
                                const sg_sobol_options *opt, const sg_exec *exec,
                                sg_sensitivity **out, sg_error *err);

/* Same over any callback f (n_out = s->n_responses) instead of a model:
 * how tests check the classification without fitting a network. */
sg_status sg_sensitivity_run_fn(const sg_study *s, const sg_table *t, sg_sobol_fn f, void *user,
                                const sg_sobol_options *opt, sg_sensitivity **out,
                                sg_error *err);

void sg_sensitivity_destroy(sg_sensitivity *r);

/* Decimals that show a value of the given resolution (0.1 -> 1, 5 -> 0;
 * SG_SENSITIVITY_DEFAULT_DECIMALS when unknown, at most 9): numbers in text
 * rounded to what the data support. */
#define SG_SENSITIVITY_DEFAULT_DECIMALS 3
int sg_sensitivity_decimals(double resolution);
/* Decimals for an uncertainty v: two significant digits, never finer than
 * the resolution (0.917 at resolution 0.1 -> 1; 15.93 at 0.001 -> 0); from
 * 100 up negative, a rounding to 10^-d (2137902 Pa -> -5: 2100000;
 * sg_num_fixed prints such decimals). */
int sg_sensitivity_uncertainty_decimals(double v, double resolution);

/* Whether factor i has a material effect on some response whose flag in
 * which (n_responses; NULL = all) is true. */
bool sg_sensitivity_material(const sg_sensitivity *r, size_t i, const bool *which);

/* The "sensitivity" object of --json (keys in doc/json.md).  SG_ERR_NOMEM
 * (no tree) when out of memory; caller owns *out. */
sg_status sg_sensitivity_to_json(const sg_sensitivity *r, const sg_study *s, cJSON **out,
                                 sg_error *err);

#endif
