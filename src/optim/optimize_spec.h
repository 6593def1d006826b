/* optimize_spec.h — the study's [optimize] section: validation and the
 * optimisation settings it describes.
 *
 *   [optimize]
 *   response    = "stress_max"          # one response ...
 *   weights     = { a = 1.0, b = 0.5 }  # ... or a weighted sum (range-normalised)
 *   sense       = "minimize"            # default: the response goal(s)
 *   risk        = 0.0                   # k in mean +/- k * spread
 *   constraint_confidence = 0.95        # chance each constraint holds (safety margin)
 *   constraints = ["stress_path2 <= 450"]
 *   bounds      = { thickness = [60, 140] }
 *   fixed       = { hold = 30 }
 *   step        = { thickness = 5 }
 *   levels_only = ["cooling"]
 *   algorithm   = "GN_DIRECT_L"   local = "LD_SLSQP"   sub_algorithm = "LD_LBFGS"
 *   global_mode = "once" | "per_start"
 *   starts, max_evals, max_time, ftol_rel, xtol_rel, threads
 *
 * Every problem is reported as "STUDY:LINE:COL: message" before any work.
 * All values are in the factors' and responses' engineering units.
 * Ownership: the spec is caller-owned (sg_optimize_spec_destroy); it copies
 * everything it needs and does not keep the study.
 */
#ifndef SG_OPTIMIZE_SPEC_H
#define SG_OPTIMIZE_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "optim/optim.h"
#include "io/study.h"
#include "model/model.h"

/* Largest number of constraints in [optimize]. */
#define SG_OPTSPEC_MAX_CONS 16
/* Longest constraint text kept. */
#define SG_OPTSPEC_CON_TEXT 128
/* Default risk factor k (0 = optimise the ensemble mean). */
#define SG_OPTSPEC_DEFAULT_RISK 0.0
/* Default one-sided confidence that each constraint holds at the optimum:
 * the constraint is tightened by the matching quantile of the calibrated
 * prediction interval (0.5 = no margin, the constraint on the mean). */
#define SG_OPTSPEC_DEFAULT_CON_CONFIDENCE 0.95

/* One constraint "response <= bound" (ge = 0) or "response >= bound" (ge = 1). */
typedef struct sg_optimize_spec_con {
    size_t response;                /* study response index */
    int ge;                         /* 1 for >=, 0 for <= */
    double bound;                   /* response unit */
    size_t cls;                     /* a class response: the class whose probability is
                                       bounded; SIZE_MAX otherwise */
    bool first_outcome;             /* a pass/fail response's first name ("crack: P(no)
                                       <= 0.1"): ge and bound are turned to the second
                                       name's probability, which the model predicts */
    char text[SG_OPTSPEC_CON_TEXT]; /* normalised: "stress_path2 <= 450" */
} sg_optimize_spec_con;

typedef struct sg_optimize_spec {
    size_t n_factors, n_responses;
    int weighted;          /* 0: single response `response`; 1: weights[] */
    size_t response;       /* objective response (single) */
    /* Class responses (type = "class"): the class whose probability the
     * objective ("zone: P(B)") or the constraints ("zone: P(A) <= 0.05")
     * are about, one per response; SIZE_MAX for the others.  The model's
     * prediction of such a response is made that probability
     * (sg_optimize_spec_focus_model) and a tested run's value its 0/1
     * indicator (sg_optimize_spec_observed). */
    size_t *focus;         /* n_responses */
    double *weights;       /* n_responses, 0 = not in the sum (weighted) */
    sg_optim_sense sense;
    int sense_given;       /* sense written explicitly */
    double risk;           /* >= 0 */
    double con_confidence; /* [0.5, 1): constraint safety margin's confidence */
    size_t n_cons;
    sg_optimize_spec_con *cons;  /* n_cons */
    double *lb, *ub;       /* n_factors: bounds (default factor min/max) */
    int *has_fixed;        /* n_factors */
    double *fixed;         /* n_factors */
    double *step;          /* n_factors: > 0 realisable grid lb + k*step; 0 = none */
    int *levels_only;      /* n_factors: 1 = only the factor's declared levels */
    size_t *n_levels;      /* n_factors: levels inside [lb, ub] when levels_only */
    double **levels;       /* n_factors: those levels (NULL otherwise) */
    char *algorithm;       /* global NLopt name, NULL = automatic, "" = none */
    char *local;           /* local NLopt name, NULL = automatic */
    char *sub_algorithm;   /* local optimiser inside GN_MLSL*, NULL = automatic */
    sg_optim_global_mode global_mode; /* once (default) or per start */
    size_t starts;
    int max_evals;         /* 0 = defaults */
    double max_time;       /* 0 = defaults */
    double ftol_rel, xtol_rel; /* < 0 = defaults */
    unsigned threads;      /* 0 = online CPUs */
    uint64_t seed;         /* the study seed */
} sg_optimize_spec;

/* Validate s->optimize (absent section = defaults: the single response
 * whose goal is not "none", when there is exactly one) and fill *out.
 * SG_ERR_INVALID with "STUDY:LINE:COL: ..." on bad input. */
sg_status sg_optimize_spec_load(const sg_study *s, sg_optimize_spec **out, sg_error *err);

/* Point the model's class responses at the spec's focus classes
 * (sg_model_set_focus); SG_ERR_INVALID when the model does not match. */
sg_status sg_optimize_spec_focus_model(const sg_optimize_spec *sp, sg_model *m, sg_error *err);

/* Value v of response j in a data row as the decision sees it: for a
 * class response with a focus class, 1 when v is that class's code, else
 * 0; otherwise v. */
double sg_optimize_spec_observed(const sg_optimize_spec *sp, size_t j, double v);

/* The name whose probability the decision's prediction of response j is:
 * a pass/fail response's second name, a class response's focus class;
 * NULL for a number (or a class response no objective or constraint is
 * about). */
const char *sg_optimize_spec_prob_name(const sg_optimize_spec *sp, const sg_study *s, size_t j);

/* True when constraint i is about a name of a class response other than
 * the one the model's prediction is pointed at (sg_optimize_spec_focus_model):
 * its value is that name's probability (sg_model_predict_proba), not the
 * response's predicted value. */
bool sg_optimize_spec_con_own(const sg_optimize_spec *sp, size_t i);

/* True when the settings x (n_factors, engineering units) lie inside the
 * search box: each factor within [lb, ub] and at its fixed value when
 * [optimize] fixes it (to 1e-9 of its range).  A tested run outside it is
 * not a setting the user asked about. */
bool sg_optimize_spec_inside(const sg_optimize_spec *sp, const double *x);

/* Value v of constraint i's response in a data row as the constraint sees
 * it: the 0/1 indicator of its name for a class response, else as
 * sg_optimize_spec_observed. */
double sg_optimize_spec_con_observed(const sg_optimize_spec *sp, size_t i, double v);

/* The name whose probability constraint i bounds (as its text names it),
 * or NULL for a number. */
const char *sg_optimize_spec_con_prob_name(const sg_optimize_spec *sp, const sg_study *s,
                                           size_t i);

/* The value of constraint i as its text states it, from v, the model's
 * prediction of its response: 1 - v for a pass/fail response's first name
 * (the model predicts the second's probability), else v. */
double sg_optimize_spec_con_stated(const sg_optimize_spec *sp, size_t i, double v);

/* Free a spec; NULL is a no-op. */
void sg_optimize_spec_destroy(sg_optimize_spec *spec);

/* Fill cfg from the spec (starting from sg_optim_config_default): budgets,
 * tolerances, algorithms (pointers into spec), starts, threads, seed. */
void sg_optimize_spec_config(const sg_optimize_spec *spec, sg_optim_config *cfg);

/* Fill vars[0..n_factors) (caller's array) from the spec: names from the
 * study, bounds, fixed, step or levels (pointers into spec and study). */
void sg_optimize_spec_vars(const sg_optimize_spec *spec, const sg_study *s, sg_optim_var *vars);

/* Parse one constraint string "name <= number" / "name >= number" against
 * the study's responses.  On error *col_off is the 0-based offset in text
 * of the problem and err holds the message without position. */
sg_status sg_optimize_spec_parse_constraint(const char *text, const sg_study *s, sg_optimize_spec_con *out,
                                      size_t *col_off, sg_error *err);

#endif
