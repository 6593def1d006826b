/* optim.h — bounded optimisation of a black-box objective with NLopt:
 * multistart from a scrambled Sobol sequence, a global + local pipeline,
 * inequality constraints, fixed / stepped / levelled variables, statistics
 * over the starts and distinct optima.
 *
 * The module knows nothing about surrogate models: the caller provides the
 * objective and constraints as callbacks.  All units are the caller's
 * engineering units (bounds, steps, levels, results).
 *
 * Ownership: the problem and config structs are caller-owned and only read
 * during sg_optim_run (pointers in them must stay valid during the call).
 * sg_optim_run returns a result the caller frees with sg_optim_result_destroy.
 *
 * Threads: starts run on cfg->threads POSIX threads.  The objective and
 * constraint callbacks are called from several threads at once.  Either
 * they must be thread-safe for the shared `user` pointer, or the problem
 * provides thread_ctx_create/destroy: every worker thread (and the calling
 * thread, for the final evaluations) then creates its own context from
 * `user` and passes that context to the callbacks instead.  Results do not
 * depend on the number of threads as long as the callbacks are pure
 * functions of x.  NLopt's random generator is per thread (NLopt >= 2.4);
 * each stage of each start reseeds it with nlopt_srand(seed derived from
 * cfg->seed, the start index and the stage) just before optimising.
 */
#ifndef SG_OPTIM_H
#define SG_OPTIM_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/exec.h"

/* ---- named defaults and tolerances ------------------------------------ */
#define SG_OPTIM_DEFAULT_STARTS 32
#define SG_OPTIM_DEFAULT_SEED 20240611u
#define SG_OPTIM_DEFAULT_GLOBAL "GN_DIRECT_L"             /* automatic choice, no constraints */
#define SG_OPTIM_DEFAULT_GLOBAL_CONSTRAINED "GN_ISRES"    /* automatic choice with constraints */
#define SG_OPTIM_DEFAULT_GLOBAL_MAXEVAL 2000
#define SG_OPTIM_DEFAULT_GLOBAL_MAXTIME 30.0  /* s */
#define SG_OPTIM_DEFAULT_GLOBAL_FTOL_REL 0.0  /* 0 = criterion off */
#define SG_OPTIM_DEFAULT_GLOBAL_XTOL_REL 1e-4
#define SG_OPTIM_DEFAULT_LOCAL_MAXEVAL 3000   /* per start */
#define SG_OPTIM_DEFAULT_LOCAL_MAXTIME 10.0   /* s, per start */
#define SG_OPTIM_DEFAULT_LOCAL_FTOL_REL 1e-12
#define SG_OPTIM_DEFAULT_LOCAL_XTOL_REL 1e-10
/* The constraint and feasibility tolerances below are shares of each
 * constraint's scale (sg_optim_result.g_scale: its spread over the start
 * points), so a limit of 1.5e8 Pa is met as closely as one of 150 MPa. */
/* Constraint tolerance handed to NLopt. */
#define SG_OPTIM_DEFAULT_CON_TOL 1e-8
/* A final point is feasible when every g_i(x) <= feas_tol · g_scale_i. */
#define SG_OPTIM_DEFAULT_FEAS_TOL 1e-6
/* A start "reaches the best" when |f - best| <= abs + rel * |best|. */
#define SG_OPTIM_DEFAULT_BEST_TOL_ABS 1e-6
#define SG_OPTIM_DEFAULT_BEST_TOL_REL 1e-6
/* Two final points are the same optimum when their distance in the box
 * scaled to [0,1]^d is below this times sqrt(d). */
#define SG_OPTIM_DEFAULT_CLUSTER_TOL 1e-3
/* A variable is at a bound when within this fraction of its range. */
#define SG_OPTIM_DEFAULT_ACTIVE_TOL 1e-6
/* A constraint is active at the optimum when g_i(x) >= -active_con_tol · g_scale_i. */
#define SG_OPTIM_DEFAULT_ACTIVE_CON_TOL 1e-4
/* Enumerate the whole realisable grid when it has at most this many points. */
#define SG_OPTIM_DEFAULT_GRID_MAX 4096
/* Hard limits. */
/* A step variable may hold at most this many values ((ub - lb) / step + 1):
 * below 2^53, so every grid index is an exact double and fits a size_t. */
#define SG_OPTIM_MAX_STEP_VALUES 1000000000000000ULL /* 1e15 */
#define SG_OPTIM_MAX_DIM 40          /* Sobol generator dimension limit (GSL) */
#define SG_OPTIM_MAX_DISCRETE 20     /* 2^k neighbour corners */
#define SG_OPTIM_MAX_STARTS 1000000
#define SG_OPTIM_MAX_THREADS 256
#define SG_OPTIM_ALG_NAME_MAX 32

/* Objective or constraint: value at x (length d, engineering units); when
 * grad is non-NULL also fill grad[0..d-1] = d value / d x_j.  `user` is the
 * problem's user pointer or the per-thread context (see above). */
typedef double (*sg_optim_func)(void *user, const double *x, double *grad);

typedef enum sg_optim_sense { SG_OPTIM_MINIMIZE = 0, SG_OPTIM_MAXIMIZE = 1 } sg_optim_sense;

/* One decision variable.  Zero-initialise, then set lb/ub.  Exactly one of
 * has_fixed / step > 0 / n_levels > 0 may be used. */
typedef struct sg_optim_var {
    const char *name;      /* for messages and reports; NULL -> "x[i]" */
    double lb, ub;         /* bounds, lb <= ub, finite */
    int has_fixed;         /* non-zero: variable held at `fixed` exactly */
    double fixed;
    double step;           /* > 0: realisable values lb + k*step <= ub */
    const double *levels;  /* n_levels allowed values inside [lb, ub] */
    size_t n_levels;
    int log_scale;         /* non-zero (needs lb > 0): starts and search spread over
                              log10 of the value, as for a factor whose settings span
                              decades */
} sg_optim_var;

/* Inequality constraint g(x) <= 0. */
typedef struct sg_optim_constraint {
    const char *name;      /* for reports ("stress_path2 <= 450") */
    sg_optim_func g;
} sg_optim_constraint;

typedef struct sg_optim_problem {
    size_t d;                          /* number of variables, 1..SG_OPTIM_MAX_DIM */
    const sg_optim_var *vars;          /* d entries */
    sg_optim_func f;                   /* objective */
    sg_optim_sense sense;
    const sg_optim_constraint *cons;   /* n_cons entries (may be NULL if 0) */
    size_t n_cons;
    int has_gradient;                  /* f and every g fill grad when asked */
    void *user;                        /* passed to callbacks (or to the factory) */
    void *(*thread_ctx_create)(void *user);  /* optional; NULL return = out of memory */
    void (*thread_ctx_destroy)(void *ctx);   /* optional */
} sg_optim_problem;

/* One optimisation stage.  algorithm is an NLopt name without "NLOPT_"
 * ("GN_DIRECT_L"); NULL picks the automatic choice (see
 * sg_optim_config_default); "" disables the global stage (for the local
 * stage "" means automatic too: the local stage always runs). */
typedef struct sg_optim_stage {
    const char *algorithm;
    const char *sub_algorithm;  /* local optimiser for GN_MLSL*, NULL = auto */
    int max_eval;               /* > 0 */
    double max_time;            /* s, > 0 */
    double ftol_rel, xtol_rel;  /* >= 0, 0 = off */
} sg_optim_stage;

typedef enum sg_optim_global_mode {
    SG_OPTIM_GLOBAL_ONCE = 0,     /* start 0 = global + local; others local only */
    SG_OPTIM_GLOBAL_PER_START = 1 /* every start runs global (x0 = its point) + local */
} sg_optim_global_mode;

/* Progress: `done` of `total` starts finished.  Always called from the
 * thread that called sg_optim_run, never concurrently. */
typedef void (*sg_optim_progress_fn)(void *user, size_t done, size_t total);

typedef struct sg_optim_config {
    sg_optim_stage global, local;
    sg_optim_global_mode global_mode;
    size_t starts;              /* >= 1 */
    unsigned threads;           /* 0 = online CPUs; 1 = serial */
    uint64_t seed;
    double con_tol, feas_tol;
    double best_tol_abs, best_tol_rel;
    double cluster_tol;         /* times sqrt(d), scaled space */
    double active_tol, active_con_tol;
    size_t grid_max;
    sg_optim_progress_fn progress;
    void *progress_user;
    const sg_exec *exec;        /* NULL: the starts run on `threads` threads; else each
                                   start is a task of this executor (core/exec.h) */
} sg_optim_config;

/* ---- results ---------------------------------------------------------- */
typedef struct sg_optim_start {
    const double *x0;     /* d: start point (engineering units) */
    const double *x;      /* d: final point */
    const double *g;      /* n_cons: constraint values at x */
    double f;             /* objective at x (caller's sense, not negated) */
    double max_violation; /* max(0, max_i g_i(x)) */
    int feasible;         /* every g_i(x) <= feas_tol · g_scale_i */
    int failed;           /* NLopt failure (negative code other than ROUNDOFF_LIMITED),
                             or non-finite objective */
    int ran_global;       /* the global stage ran in this start */
    long evals;           /* objective evaluations, all stages */
    int nlopt_code;       /* result code of the last stage run */
    const char *stop_reason; /* static: "XTOL_REACHED", "MAXEVAL_REACHED", ... */
} sg_optim_start;

typedef struct sg_optim_stats {
    size_t n;             /* values used (feasible, not failed) */
    double best, worst, mean, sd, median, q1, q3;
    size_t n_reach_best;  /* values within the best tolerance of best */
    double frac_reach_best; /* n_reach_best / number of starts */
} sg_optim_stats;

typedef struct sg_optim_cluster {
    size_t count;         /* starts ending in this optimum */
    size_t best_start;    /* index of its best start */
    double f;             /* its best objective */
    const double *x;      /* d: settings of that start */
} sg_optim_cluster;

typedef struct sg_optim_realisable {
    int needed;           /* some free variable has a step or levels */
    int found;            /* a feasible realisable point was found */
    int closest;          /* none is, and the continuous optimum is infeasible too:
                             x is the realisable point with the smallest violation
                             (largest g / g_scale), found stays 0 */
    int enumerated_grid;  /* whole grid searched (else 2^k neighbours) */
    size_t n_evaluated, n_infeasible;
    const double *x;      /* d: realisable settings (valid if found or closest) */
    const double *g;      /* n_cons */
    double f;
    double loss;          /* objective worsening from snapping (>= 0 when worse) */
} sg_optim_realisable;

/* The settings to act on: the realisable point (feasible, or the closest
 * when nothing is) when steps or levels apply, else the continuous optimum. */
#define SG_OPTIM_SETTINGS(o)                                                                      \
    ((o)->realisable.needed && ((o)->realisable.found || (o)->realisable.closest)                 \
         ? (o)->realisable.x                                                                       \
         : (o)->best_x)

typedef struct sg_optim_result {
    size_t d, n_cons, n_starts;
    sg_optim_sense sense;
    char global_alg[2 * SG_OPTIM_ALG_NAME_MAX + 16]; /* as run, e.g. "AUGLAG(GN_DIRECT_L)", "" */
    char local_alg[2 * SG_OPTIM_ALG_NAME_MAX + 16];
    unsigned threads;     /* threads used */
    uint64_t seed;        /* cfg->seed, for the record */
    char nlopt_version[24]; /* "2.7.1" */
    long total_evals;
    double seconds;       /* wall time (not part of the deterministic output) */
    sg_optim_start *starts;   /* n_starts */
    int feasible;             /* some start ended feasible and not failed */
    size_t best_start;        /* best feasible start, or closest-to-feasible if none */
    const double *best_x;     /* d: continuous optimum */
    double best_f;
    const double *best_g;     /* n_cons */
    sg_optim_stats stats;
    sg_optim_cluster *clusters; /* n_clusters, best first */
    size_t n_clusters;
    int *active_bound;        /* d: -1 at lb, +1 at ub, 0 interior or fixed */
    int *active_con;          /* n_cons: 1 if active at best_x */
    sg_optim_realisable realisable;
    /* Infeasible problems (feasible == 0, n_cons > 0): the closest start is
     * best_start; most/least violated constraint there; min_g[i] is the
     * smallest value of g_i over all final points. */
    size_t most_violated, least_violated;
    double *min_g;            /* n_cons */
    /* The search's scales: the objective's and each constraint's spread over
     * the start points, at least 1e-3 of their largest magnitude there (1
     * when that is 0 or nothing is finite).  NLopt sees f / f_scale and g_i /
     * g_scale_i, over each free factor's range scaled to 0..1, so factors
     * and responses in any unit are searched alike (doc/optim.md). */
    double f_scale;
    const double *g_scale;    /* n_cons */
    /* One buffer holding every array above: first, per start i in order,
     * [x0 (d) | x (d) | g (n_cons)], so one memcmp over
     * n_starts * (2d + n_cons) doubles compares all start and final points. */
    double *mem_;
} sg_optim_result;

/* Fill cfg with the defaults above: global stage once, automatic (GN_DIRECT_L,
 * or GN_ISRES with constraints); local stage automatic (LD_SLSQP with
 * gradients, else LN_COBYLA with constraints, else LN_BOBYQA). */
void sg_optim_config_default(sg_optim_config *cfg);

/* Check problem and config before any work; the message names the field,
 * e.g. "vars[1] (temperature): lb (1150) must not exceed ub (1090)". */
sg_status sg_optim_validate(const sg_optim_problem *p, const sg_optim_config *cfg, sg_error *err);

/* Map an NLopt name ("GN_DIRECT_L", optional "NLOPT_" prefix) to its
 * nlopt_algorithm value; unknown names list the valid ones in err. */
sg_status sg_optim_algorithm_parse(const char *name, int *alg, sg_error *err);

/* Static NLopt code name ("MAXEVAL_REACHED") for an nlopt_result value. */
const char *sg_optim_stop_reason(int nlopt_code);

/* Static plain-English explanation ("stopped at max evaluations"). */
const char *sg_optim_stop_text(int nlopt_code);

/* 1 if the code is a failure (not a result): negative, except ROUNDOFF_LIMITED. */
int sg_optim_stop_is_failure(int nlopt_code);

/* Validate, run the multistart, analyse; caller frees *out with
 * sg_optim_result_destroy.  On error *out is NULL.  When every start
 * failed (NLopt failure or a non-finite objective or constraint at its end)
 * there is no optimum: SG_ERR_NUMERIC, and the message counts the starts
 * per stop reason.  A result therefore always has best_x. */
sg_status sg_optim_run(const sg_optim_problem *p, const sg_optim_config *cfg,
                       sg_optim_result **out, sg_error *err);

/* Free a result; NULL is a no-op. */
void sg_optim_result_destroy(sg_optim_result *r);

/* Statistics of n objective values f (caller's sense; best = min or max),
 * n_total = starts for the fraction.  Does not modify f. */
sg_status sg_optim_stats_compute(const double *f, size_t n, size_t n_total, sg_optim_sense sense,
                                 double tol_abs, double tol_rel, sg_optim_stats *out, sg_error *err);

#endif
