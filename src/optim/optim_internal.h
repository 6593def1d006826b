/* optim_internal.h — shared between the optim_*.c files; not public API. */
#ifndef SG_OPTIM_INTERNAL_H
#define SG_OPTIM_INTERNAL_H

#include "core/internal.h"

#include <nlopt.h>

#include "optim/optim.h"

enum {
    SG_ALG_GLOBAL = 1 << 0,    /* GN_/GD_: needs finite bounds, ignores x0 quality */
    SG_ALG_GRAD = 1 << 1,      /* needs gradients */
    SG_ALG_INEQ = 1 << 2,      /* handles inequality constraints itself */
    SG_ALG_NEEDS_SUB = 1 << 3, /* needs nlopt_set_local_optimizer (MLSL) */
    SG_ALG_RANDOM = 1 << 4     /* uses NLopt's random generator */
};

typedef struct sg_alg_info {
    const char *name;
    nlopt_algorithm alg;
    unsigned flags;
} sg_alg_info;

/* Table entry for a name, or NULL. */
SG_INTERNAL const sg_alg_info *sg_optim_alg_find(const char *name);

/* Resolved stage (after automatic choices): info for the algorithm and for
 * its sub-optimiser (MLSL), and whether AUGLAG wraps it. */
typedef struct sg_stage_plan {
    int enabled;
    const sg_alg_info *alg, *sub;
    int auglag;
    const sg_optim_stage *cfg;
} sg_stage_plan;

/* Resolve automatic choices and check gradient needs; fills plans. */
SG_INTERNAL sg_status sg_optim_plan(const sg_optim_problem *p, const sg_optim_config *cfg,
                        sg_stage_plan *global, sg_stage_plan *local, sg_error *err);

/* Human-readable name of a plan ("AUGLAG(GN_MLSL_LDS+LN_BOBYQA)"). */
SG_INTERNAL void sg_optim_plan_name(const sg_stage_plan *plan, char *buf, size_t size);

/* Post-processing after all starts: best, stats, clusters, active sets,
 * infeasibility analysis.  fsign = +1 minimise, -1 maximise. */
SG_INTERNAL sg_status sg_optim_analyse(const sg_optim_problem *p, const sg_optim_config *cfg,
                           sg_optim_result *r, sg_error *err);

/* Evaluation context used for the final and snapping evaluations. */
typedef struct sg_eval_ctx {
    const sg_optim_problem *p;
    void *user;     /* per-thread context or p->user */
} sg_eval_ctx;

/* Snap the continuous optimum to realisable settings (fills r->realisable). */
SG_INTERNAL sg_status sg_optim_snap(const sg_optim_problem *p, const sg_optim_config *cfg, sg_eval_ctx *ec,
                        sg_optim_result *r, double *work, sg_error *err);

/* Number of realisable values of a step/level variable; SIZE_MAX when a
 * step gives more than SG_OPTIM_MAX_STEP_VALUES (sg_optim_validate refuses
 * such a step). */
SG_INTERNAL size_t sg_optim_var_n_values(const sg_optim_var *v);

/* Name of variable i for messages (never NULL). */
SG_INTERNAL const char *sg_optim_var_name(const sg_optim_problem *p, size_t i, char *buf, size_t size);

#endif
