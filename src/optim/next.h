/* next.h — which simulations to run next.
 *
 * sg_next_propose picks K new settings that most improve the decision:
 *   - a confirmation run at the recommended optimum when it is untested;
 *   - then, one at a time, the candidate with the largest expected
 *     improvement of the objective over the best tested setting (tested.h:
 *     inside the search box, replicates by their mean; the best anywhere
 *     when no run lies inside), times the
 *     probability that every constraint holds, times a penalty near the
 *     runs already chosen (so that the batch does not crowd together);
 *   - when the objective's model is weak (cross-validated Q² below
 *     SG_NEXT_MIN_Q2), half of the batch (rounded down; a single run
 *     alternates with the parity of the tested runs) and whenever no
 *     candidate promises an improvement, space-filling proposals: where the
 *     model is least certain, far from every tested or chosen run and
 *     likely feasible.  An improvement run promises one only when its
 *     expected improvement x feasibility reaches the precision the
 *     objective's runs are recorded with (its resolution, 0.001 for values
 *     printed to three decimals): a smaller one would not show in the
 *     simulation's result.
 * The uncertainty of a network's prediction is the calibrated interval's:
 * sigma(x) = max(half_width, spread_factor x ensemble spread(x)) / z(level),
 * so it grows where the ensemble disagrees; a kriging model's is its own
 * posterior sd, which vanishes at the tested runs.  When a kriging model's
 * tested runs have a long tail toward the optimum (model/warp.h), the
 * expected improvement that chooses is that of a second kriging model of
 * the warped objective (same runs and settings); the figures shown stay the
 * model's own.  Candidates are uniform
 * random points of the window (seeded) and the optimum's neighbourhood, each
 * snapped to the factors' steps, levels and fixed values; each improvement
 * run is then polished to the local maximum of its score (BOBYQA over the
 * free numeric factors, snapped again, kept only when it scores higher and
 * is not next to a tested run).  Nothing within 1 % of each factor's range
 * of a tested or an excluded setting, nor of a run the table records as
 * failed (table.h SG_EXCLUDED_FAILED), is proposed (a simulation
 * would only repeat it), so no confirmation run either for an optimum that
 * close to a tested run.  Deterministic for a seed.
 *
 * Ownership: the result is caller-owned (sg_next_result_destroy); nothing
 * else is kept.  Units: factors and responses in engineering units.
 */
#ifndef SG_NEXT_H
#define SG_NEXT_H

#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "io/study.h"
#include "io/table.h"
#include "model/model.h"
#include "optim/decide.h"
#include "optim/optimize_spec.h"

#define SG_NEXT_DEFAULT_RUNS 4
#define SG_NEXT_MAX_RUNS 1000
#define SG_NEXT_CANDIDATES 4096 /* random candidates in the window */
#define SG_NEXT_MIN_Q2 0.5      /* below: the model is weak, proposals fill space */
#define SG_NEXT_REASON_MAX 320
/* Penalty radius near a chosen run, as a share of the tested design's
 * largest nearest-neighbour distance (factor box scaled to 0..1). */
#define SG_NEXT_PENALTY_RADIUS 0.5

typedef enum sg_next_kind {
    SG_NEXT_CONFIRM = 0, /* confirmation run at the recommended optimum */
    SG_NEXT_IMPROVE,     /* expected improvement */
    SG_NEXT_EXPLORE      /* space-filling where the model is least certain */
} sg_next_kind;

/* "confirmation", "improvement", "exploration". */
const char *sg_next_kind_name(sg_next_kind k);

typedef struct sg_next_inputs {
    const sg_study *study;
    const sg_table *table;            /* tested runs (factors then responses) */
    const sg_optimize_spec *spec;     /* objective, constraints, bounds, steps, levels */
    const sg_model *model;
    const sg_decide_result *decide;   /* the optimisation (its optimum; may be NULL) */
    const double *half_width;         /* (n_responses) calibrated half-widths, NAN = none
                                         (in decades for a log-scale response); NULL =
                                         none */
    const double *spread_factor;      /* (n_responses) or NULL; <= 0 = none */
    double level;                     /* coverage of the half-widths */
    const double *q2;                 /* (n_responses) cross-validated Q², NAN unknown; may be NULL */
    size_t runs;                      /* K, 1..SG_NEXT_MAX_RUNS */
    const double *held;               /* (n_factors) a factor's value in every proposal
                                         (e.g. no effect in the window), NAN = free;
                                         may be NULL */
    const double *exclude;            /* (n_exclude, n_factors) settings never to propose
                                         (e.g. runs that failed); may be NULL */
    size_t n_exclude;
    uint64_t seed;
    bool defer_confirmation;          /* no confirmation run in this batch (a loop
                                         defers it to its last call or its stop) */
    const sg_exec *exec;              /* NULL, or the executor that evaluates the
                                         candidates in blocks (core/exec.h) */
} sg_next_inputs;

typedef struct sg_next_result {
    size_t n_runs, n_factors, n_responses;
    double *x;            /* (n_runs, n_factors) proposed settings */
    double *mean, *sigma; /* (n_runs, n_responses) prediction and its uncertainty (1 sd) */
    double *ei;           /* (n_runs) expected improvement, objective units (0 for others) */
    double *p_feasible;   /* (n_runs) chance every constraint holds (1 without constraints) */
    sg_next_kind *kind;   /* (n_runs) */
    char (*reason)[SG_NEXT_REASON_MAX]; /* (n_runs) why each run was chosen */
    bool weak_model;      /* the objective's model was weak: space-filling */
    bool warped;          /* kriging searched on the warped objective (model/warp.h);
                             ei stays the model's own */
    double max_ei;        /* warped: the largest expected improvement x feasibility of
                             the model over the candidates (objective units); else 0 */
    double best_value;    /* the incumbent: the best tested setting's objective (mean of its
                             replicates; NAN when no setting meets the constraints) */
    double resolution;    /* the objective's recorded precision in the tested runs (10^-d,
                             model/outliers.h; 0: finer than 1e-9, a weighted or a
                             pass/fail objective) */
    bool settled;         /* no candidate's expected improvement x feasibility reached the
                             resolution: the runs from there on explore */
} sg_next_result;

/* Propose in->runs settings.  SG_ERR_INVALID for bad arguments (the model
 * does not match the study, runs out of range), SG_ERR_NOMEM.  Fewer runs
 * than asked only when the window holds fewer untested realisable settings
 * (*out->n_runs says how many). */
sg_status sg_next_propose(const sg_next_inputs *in, sg_next_result **out, sg_error *err);
void sg_next_result_destroy(sg_next_result *r);

/* The "next" object of --json (keys in doc/json.md); paths may be NULL.
 * SG_ERR_NOMEM (no tree) when out of memory; caller owns *out. */
sg_status sg_next_to_json(const sg_next_result *r, const sg_study *s, const char *csv,
                          const char *xlsx, cJSON **out, sg_error *err);

#endif
