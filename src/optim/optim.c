/* optim.c — configuration defaults, validation, algorithm names, stop
 * reasons and result cleanup for the optimiser (see optim.h). */
#include "optim/optim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "optim/optim_internal.h"

/* Algorithms accepted by name.  Constraint support per the NLopt algorithm
 * documentation: ISRES, COBYLA, SLSQP, MMA and CCSAQ handle inequality
 * constraints; the others are wrapped in AUGLAG.  The f2c-translated
 * GN_ORIG_DIRECT* are left out: their thread safety is not documented. */
static const sg_alg_info alg_table[] = {
    {"GN_DIRECT", NLOPT_GN_DIRECT, SG_ALG_GLOBAL},
    {"GN_DIRECT_L", NLOPT_GN_DIRECT_L, SG_ALG_GLOBAL},
    {"GN_DIRECT_L_RAND", NLOPT_GN_DIRECT_L_RAND, SG_ALG_GLOBAL | SG_ALG_RANDOM},
    {"GN_CRS2_LM", NLOPT_GN_CRS2_LM, SG_ALG_GLOBAL | SG_ALG_RANDOM},
    {"GN_ISRES", NLOPT_GN_ISRES, SG_ALG_GLOBAL | SG_ALG_INEQ | SG_ALG_RANDOM},
    {"GN_ESCH", NLOPT_GN_ESCH, SG_ALG_GLOBAL | SG_ALG_RANDOM},
    {"GN_MLSL", NLOPT_G_MLSL, SG_ALG_GLOBAL | SG_ALG_NEEDS_SUB | SG_ALG_RANDOM},
    {"GN_MLSL_LDS", NLOPT_G_MLSL_LDS, SG_ALG_GLOBAL | SG_ALG_NEEDS_SUB | SG_ALG_RANDOM},
    {"LN_BOBYQA", NLOPT_LN_BOBYQA, 0},
    {"LN_COBYLA", NLOPT_LN_COBYLA, SG_ALG_INEQ},
    {"LN_SBPLX", NLOPT_LN_SBPLX, 0},
    {"LN_NELDERMEAD", NLOPT_LN_NELDERMEAD, 0},
    {"LN_PRAXIS", NLOPT_LN_PRAXIS, SG_ALG_RANDOM},
    {"LN_NEWUOA_BOUND", NLOPT_LN_NEWUOA_BOUND, 0},
    {"LD_LBFGS", NLOPT_LD_LBFGS, SG_ALG_GRAD},
    {"LD_SLSQP", NLOPT_LD_SLSQP, SG_ALG_GRAD | SG_ALG_INEQ},
    {"LD_MMA", NLOPT_LD_MMA, SG_ALG_GRAD | SG_ALG_INEQ},
    {"LD_CCSAQ", NLOPT_LD_CCSAQ, SG_ALG_GRAD | SG_ALG_INEQ},
    {"LD_TNEWTON_PRECOND_RESTART", NLOPT_LD_TNEWTON_PRECOND_RESTART, SG_ALG_GRAD},
    {"LD_VAR2", NLOPT_LD_VAR2, SG_ALG_GRAD},
};
#define N_ALGS (sizeof alg_table / sizeof alg_table[0])

static const char alg_list[] =
    "GN_DIRECT, GN_DIRECT_L, GN_DIRECT_L_RAND, GN_CRS2_LM, "
    "GN_ISRES, GN_ESCH, GN_MLSL, GN_MLSL_LDS, LN_BOBYQA, LN_COBYLA, LN_SBPLX, LN_NELDERMEAD, "
    "LN_PRAXIS, LN_NEWUOA_BOUND, LD_LBFGS, LD_SLSQP, LD_MMA, LD_CCSAQ, "
    "LD_TNEWTON_PRECOND_RESTART, LD_VAR2";


const sg_alg_info *sg_optim_alg_find(const char *name)
{
    if (!name)
        return NULL;
    if (strncasecmp(name, "NLOPT_", 6) == 0)
        name += 6;
    for (size_t i = 0; i < N_ALGS; i++)
        if (strcasecmp(name, alg_table[i].name) == 0)
            return &alg_table[i];
    return NULL;
}

sg_status sg_optim_algorithm_parse(const char *name, int *alg, sg_error *err)
{
    const sg_alg_info *a = sg_optim_alg_find(name);
    if (!a)
        return sg_error_set(err, SG_ERR_INVALID, "unknown optimisation algorithm \"%s\"; valid: %s",
                            name ? name : "(null)", alg_list);
    if (alg)
        *alg = (int)a->alg;
    return SG_OK;
}

/* ---- stop reasons ------------------------------------------------------ */
const char *sg_optim_stop_reason(int code)
{
    switch (code) {
    case NLOPT_SUCCESS: return "SUCCESS";
    case NLOPT_STOPVAL_REACHED: return "STOPVAL_REACHED";
    case NLOPT_FTOL_REACHED: return "FTOL_REACHED";
    case NLOPT_XTOL_REACHED: return "XTOL_REACHED";
    case NLOPT_MAXEVAL_REACHED: return "MAXEVAL_REACHED";
    case NLOPT_MAXTIME_REACHED: return "MAXTIME_REACHED";
    case NLOPT_FAILURE: return "FAILURE";
    case NLOPT_INVALID_ARGS: return "INVALID_ARGS";
    case NLOPT_OUT_OF_MEMORY: return "OUT_OF_MEMORY";
    case NLOPT_ROUNDOFF_LIMITED: return "ROUNDOFF_LIMITED";
    case NLOPT_FORCED_STOP: return "FORCED_STOP";
    default: return "UNKNOWN";
    }
}

const char *sg_optim_stop_text(int code)
{
    switch (code) {
    case NLOPT_SUCCESS: return "converged";
    case NLOPT_STOPVAL_REACHED: return "reached the target objective value";
    case NLOPT_FTOL_REACHED: return "converged (objective change below ftol_rel)";
    case NLOPT_XTOL_REACHED: return "converged (step below xtol_rel)";
    case NLOPT_MAXEVAL_REACHED: return "stopped at max evaluations";
    case NLOPT_MAXTIME_REACHED: return "stopped at max time";
    case NLOPT_FAILURE: return "failed (NLopt generic failure)";
    case NLOPT_INVALID_ARGS: return "failed (invalid arguments for this algorithm)";
    case NLOPT_OUT_OF_MEMORY: return "failed (out of memory)";
    case NLOPT_ROUNDOFF_LIMITED: return "stopped by round-off (result usually usable)";
    case NLOPT_FORCED_STOP: return "failed (objective or constraint returned NaN or infinity)";
    default: return "unknown stop reason";
    }
}

int sg_optim_stop_is_failure(int code) { return code < 0 && code != NLOPT_ROUNDOFF_LIMITED; }

/* ---- defaults and validation ------------------------------------------- */
void sg_optim_config_default(sg_optim_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->global.algorithm = NULL; /* automatic: see auto_global */
    cfg->global.max_eval = SG_OPTIM_DEFAULT_GLOBAL_MAXEVAL;
    cfg->global.max_time = SG_OPTIM_DEFAULT_GLOBAL_MAXTIME;
    cfg->global.ftol_rel = SG_OPTIM_DEFAULT_GLOBAL_FTOL_REL;
    cfg->global.xtol_rel = SG_OPTIM_DEFAULT_GLOBAL_XTOL_REL;
    cfg->local.algorithm = NULL;
    cfg->local.max_eval = SG_OPTIM_DEFAULT_LOCAL_MAXEVAL;
    cfg->local.max_time = SG_OPTIM_DEFAULT_LOCAL_MAXTIME;
    cfg->local.ftol_rel = SG_OPTIM_DEFAULT_LOCAL_FTOL_REL;
    cfg->local.xtol_rel = SG_OPTIM_DEFAULT_LOCAL_XTOL_REL;
    cfg->global_mode = SG_OPTIM_GLOBAL_ONCE;
    cfg->starts = SG_OPTIM_DEFAULT_STARTS;
    cfg->threads = 0;
    cfg->seed = SG_OPTIM_DEFAULT_SEED;
    cfg->con_tol = SG_OPTIM_DEFAULT_CON_TOL;
    cfg->feas_tol = SG_OPTIM_DEFAULT_FEAS_TOL;
    cfg->best_tol_abs = SG_OPTIM_DEFAULT_BEST_TOL_ABS;
    cfg->best_tol_rel = SG_OPTIM_DEFAULT_BEST_TOL_REL;
    cfg->cluster_tol = SG_OPTIM_DEFAULT_CLUSTER_TOL;
    cfg->active_tol = SG_OPTIM_DEFAULT_ACTIVE_TOL;
    cfg->active_con_tol = SG_OPTIM_DEFAULT_ACTIVE_CON_TOL;
    cfg->grid_max = SG_OPTIM_DEFAULT_GRID_MAX;
}

const char *sg_optim_var_name(const sg_optim_problem *p, size_t i, char *buf, size_t size)
{
    if (p->vars[i].name)
        snprintf(buf, size, "vars[%zu] (%s)", i, p->vars[i].name);
    else
        snprintf(buf, size, "vars[%zu]", i);
    return buf;
}

static sg_status validate_var(const sg_optim_problem *p, size_t i, sg_error *err)
{
    const sg_optim_var *v = &p->vars[i];
    char nm[160];
    sg_optim_var_name(p, i, nm, sizeof nm);
    if (!isfinite(v->lb) || !isfinite(v->ub))
        return sg_error_set(err, SG_ERR_INVALID, "%s: bounds must be finite (lb %g, ub %g)", nm, v->lb, v->ub);
    if (v->lb > v->ub)
        return sg_error_set(err, SG_ERR_INVALID, "%s: lb (%g) must not exceed ub (%g)", nm, v->lb, v->ub);
    if (v->log_scale && !(v->lb > 0))
        return sg_error_set(err, SG_ERR_INVALID, "%s: a log scale needs lb above 0 (lb %g)", nm,
                            v->lb);
    int kinds = (v->has_fixed != 0) + (v->step != 0) + (v->n_levels > 0);
    if (kinds > 1)
        return sg_error_set(err, SG_ERR_INVALID, "%s: use only one of fixed, step and levels", nm);
    if (v->has_fixed && (!(v->fixed >= v->lb) || !(v->fixed <= v->ub)))
        return sg_error_set(err, SG_ERR_INVALID, "%s: fixed value %g is outside the bounds [%g, %g]", nm,
                            v->fixed, v->lb, v->ub);
    if (v->step != 0) {
        if (!(v->step > 0) || !isfinite(v->step))
            return sg_error_set(err, SG_ERR_INVALID, "%s: step (%g) must be positive", nm, v->step);
        if (v->step > v->ub - v->lb)
            return sg_error_set(err, SG_ERR_INVALID, "%s: step (%g) is larger than the range [%g, %g]", nm,
                                v->step, v->lb, v->ub);
        if (sg_optim_var_n_values(v) == SIZE_MAX)
            return sg_error_set(err, SG_ERR_INVALID,
                                "%s: step (%g) is too small: the range [%g, %g] would hold %.3g values, "
                                "more than the %.0e that can be enumerated; use a larger step, or none "
                                "for a continuous setting",
                                nm, v->step, v->lb, v->ub, (v->ub - v->lb) / v->step,
                                (double)SG_OPTIM_MAX_STEP_VALUES);
    }
    if (v->n_levels > 0) {
        if (!v->levels)
            return sg_error_set(err, SG_ERR_INVALID, "%s: levels is NULL but n_levels is %zu", nm, v->n_levels);
        for (size_t k = 0; k < v->n_levels; k++) {
            if (!(v->levels[k] >= v->lb) || !(v->levels[k] <= v->ub))
                return sg_error_set(err, SG_ERR_INVALID, "%s: level %g is outside the bounds [%g, %g]", nm,
                                    v->levels[k], v->lb, v->ub);
            for (size_t j = 0; j < k; j++)
                if (v->levels[j] == v->levels[k])
                    return sg_error_set(err, SG_ERR_INVALID, "%s: level %g is listed twice", nm, v->levels[k]);
        }
    }
    return SG_OK;
}

static sg_status validate_stage(const char *which, const sg_optim_stage *s, sg_error *err)
{
    if (s->max_eval <= 0)
        return sg_error_set(err, SG_ERR_INVALID, "%s.max_eval (%d) must be positive", which, s->max_eval);
    if (!(s->max_time > 0))
        return sg_error_set(err, SG_ERR_INVALID, "%s.max_time (%g s) must be positive", which, s->max_time);
    if (!(s->ftol_rel >= 0) || !isfinite(s->ftol_rel))
        return sg_error_set(err, SG_ERR_INVALID, "%s.ftol_rel (%g) must be >= 0", which, s->ftol_rel);
    if (!(s->xtol_rel >= 0) || !isfinite(s->xtol_rel))
        return sg_error_set(err, SG_ERR_INVALID, "%s.xtol_rel (%g) must be >= 0", which, s->xtol_rel);
    return SG_OK;
}

#define CHECK_NONNEG(field)                                                                         \
    do {                                                                                            \
        if (!(cfg->field >= 0) || !isfinite(cfg->field))                                            \
            return sg_error_set(err, SG_ERR_INVALID, #field " (%g) must be a finite value >= 0",    \
                                cfg->field);                                                        \
    } while (0)

sg_status sg_optim_validate(const sg_optim_problem *p, const sg_optim_config *cfg, sg_error *err)
{
    if (!p || !cfg)
        return sg_error_set(err, SG_ERR_INVALID, "problem and config must not be NULL");
    if (p->d == 0)
        return sg_error_set(err, SG_ERR_INVALID, "d: the problem has no variables");
    if (p->d > SG_OPTIM_MAX_DIM)
        return sg_error_set(err, SG_ERR_LIMIT, "d: %zu variables exceed the limit of %d", p->d,
                            SG_OPTIM_MAX_DIM);
    if (!p->vars)
        return sg_error_set(err, SG_ERR_INVALID, "vars must not be NULL");
    if (!p->f)
        return sg_error_set(err, SG_ERR_INVALID, "f: the objective callback is missing");
    if (p->sense != SG_OPTIM_MINIMIZE && p->sense != SG_OPTIM_MAXIMIZE)
        return sg_error_set(err, SG_ERR_INVALID, "sense must be minimise or maximise");
    if (p->n_cons > 0 && !p->cons)
        return sg_error_set(err, SG_ERR_INVALID, "cons is NULL but n_cons is %zu", p->n_cons);
    for (size_t i = 0; i < p->n_cons; i++)
        if (!p->cons[i].g)
            return sg_error_set(err, SG_ERR_INVALID, "cons[%zu] (%s): the constraint callback is missing", i,
                                p->cons[i].name ? p->cons[i].name : "unnamed");
    if ((p->thread_ctx_create == NULL) != (p->thread_ctx_destroy == NULL))
        return sg_error_set(err, SG_ERR_INVALID,
                            "thread_ctx_create and thread_ctx_destroy must be given together");
    for (size_t i = 0; i < p->d; i++) {
        sg_status st = validate_var(p, i, err);
        if (st != SG_OK)
            return st;
    }
    if (cfg->starts == 0)
        return sg_error_set(err, SG_ERR_INVALID, "starts must be at least 1");
    if (cfg->starts > SG_OPTIM_MAX_STARTS)
        return sg_error_set(err, SG_ERR_LIMIT, "starts (%zu) exceeds the limit of %d", cfg->starts,
                            SG_OPTIM_MAX_STARTS);
    if (cfg->threads > SG_OPTIM_MAX_THREADS)
        return sg_error_set(err, SG_ERR_LIMIT, "threads (%u) exceeds the limit of %d", cfg->threads,
                            SG_OPTIM_MAX_THREADS);
    sg_status st = validate_stage("global", &cfg->global, err);
    if (st == SG_OK)
        st = validate_stage("local", &cfg->local, err);
    if (st != SG_OK)
        return st;
    if (cfg->global_mode != SG_OPTIM_GLOBAL_ONCE && cfg->global_mode != SG_OPTIM_GLOBAL_PER_START)
        return sg_error_set(err, SG_ERR_INVALID, "global_mode must be ONCE or PER_START");
    CHECK_NONNEG(con_tol);
    CHECK_NONNEG(feas_tol);
    CHECK_NONNEG(best_tol_abs);
    CHECK_NONNEG(best_tol_rel);
    CHECK_NONNEG(cluster_tol);
    CHECK_NONNEG(active_tol);
    CHECK_NONNEG(active_con_tol);
    /* Realisable settings: the whole grid, or 2^k neighbours. */
    size_t k = 0, grid = 1;
    int small = 1;
    for (size_t i = 0; i < p->d; i++) {
        const sg_optim_var *v = &p->vars[i];
        if (v->has_fixed || !(v->step > 0 || v->n_levels > 0))
            continue;
        k++;
        size_t nv = sg_optim_var_n_values(v);
        if (small && nv <= cfg->grid_max / grid)
            grid *= nv;
        else
            small = 0;
    }
    if (!small && k > SG_OPTIM_MAX_DISCRETE)
        return sg_error_set(err, SG_ERR_LIMIT,
                            "%zu step/level variables: the grid exceeds grid_max (%zu) and 2^%zu neighbours "
                            "exceed the limit of 2^%d",
                            k, cfg->grid_max, k, SG_OPTIM_MAX_DISCRETE);
    sg_stage_plan g, l;
    return sg_optim_plan(p, cfg, &g, &l, err);
}

/* ---- stage planning ---------------------------------------------------- */
static sg_status check_alg(const char *which, const char *name, const sg_optim_problem *p, int want_global,
                           const sg_alg_info **out, sg_error *err)
{
    const sg_alg_info *a = sg_optim_alg_find(name);
    if (!a)
        return sg_error_set(err, SG_ERR_INVALID, "%s: unknown optimisation algorithm \"%s\"; valid: %s", which,
                            name, alg_list);
    if (want_global >= 0 && !!(a->flags & SG_ALG_GLOBAL) != want_global)
        return sg_error_set(err, SG_ERR_INVALID, "%s: %s is a %s algorithm; a %s one is needed here", which,
                            a->name, want_global ? "local" : "global", want_global ? "global" : "local");
    if ((a->flags & SG_ALG_GRAD) && !p->has_gradient)
        return sg_error_set(err, SG_ERR_INVALID,
                            "%s: %s needs gradients but the problem provides none "
                            "(choose an LN_ or GN_ algorithm)",
                            which, a->name);
    *out = a;
    return SG_OK;
}

/* DIRECT_L is deterministic and thorough without constraints; with
 * constraints AUGLAG(DIRECT_L) spends its whole budget on the first
 * penalty sub-problem, so ISRES (which handles constraints itself) is used. */
static const char *auto_global(const sg_optim_problem *p)
{
    return p->n_cons > 0 ? SG_OPTIM_DEFAULT_GLOBAL_CONSTRAINED : SG_OPTIM_DEFAULT_GLOBAL;
}

static const char *auto_local(const sg_optim_problem *p)
{
    if (p->has_gradient)
        return "LD_SLSQP";
    return p->n_cons > 0 ? "LN_COBYLA" : "LN_BOBYQA";
}

sg_status sg_optim_plan(const sg_optim_problem *p, const sg_optim_config *cfg, sg_stage_plan *gp,
                        sg_stage_plan *lp, sg_error *err)
{
    memset(gp, 0, sizeof *gp);
    memset(lp, 0, sizeof *lp);
    gp->cfg = &cfg->global;
    lp->cfg = &cfg->local;
    sg_status st;
    const char *gn = cfg->global.algorithm ? cfg->global.algorithm : auto_global(p);
    if (gn[0]) {
        st = check_alg("global.algorithm", gn, p, 1, &gp->alg, err);
        if (st != SG_OK)
            return st;
        gp->enabled = 1;
        if (gp->alg->flags & SG_ALG_NEEDS_SUB) {
            const char *sub = cfg->global.sub_algorithm && cfg->global.sub_algorithm[0]
                                  ? cfg->global.sub_algorithm
                                  : (p->has_gradient ? "LD_LBFGS" : "LN_BOBYQA");
            st = check_alg("global.sub_algorithm", sub, p, 0, &gp->sub, err);
            if (st != SG_OK)
                return st;
        }
        gp->auglag = p->n_cons > 0 && !(gp->alg->flags & SG_ALG_INEQ);
    }
    const char *ln = cfg->local.algorithm && cfg->local.algorithm[0] ? cfg->local.algorithm : auto_local(p);
    st = check_alg("local.algorithm", ln, p, 0, &lp->alg, err);
    if (st != SG_OK)
        return st;
    lp->enabled = 1;
    lp->auglag = p->n_cons > 0 && !(lp->alg->flags & SG_ALG_INEQ);
    return SG_OK;
}

void sg_optim_plan_name(const sg_stage_plan *plan, char *buf, size_t size)
{
    if (!plan->enabled) {
        snprintf(buf, size, "%s", "");
        return;
    }
    char inner[2 * SG_OPTIM_ALG_NAME_MAX + 2];
    if (plan->sub)
        snprintf(inner, sizeof inner, "%s+%s", plan->alg->name, plan->sub->name);
    else
        snprintf(inner, sizeof inner, "%s", plan->alg->name);
    if (plan->auglag)
        snprintf(buf, size, "AUGLAG(%s)", inner);
    else
        snprintf(buf, size, "%s", inner);
}

void sg_optim_result_destroy(sg_optim_result *r)
{
    if (!r)
        return;
    free(r->starts);
    free(r->clusters);
    free(r->active_bound);
    free(r->active_con);
    free(r->mem_);
    free(r);
}
