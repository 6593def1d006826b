/* optim_run.c — the multistart driver: scrambled Sobol start points, the
 * per-start NLopt pipeline (global stage, local stage, AUGLAG wrapping,
 * fixed variables removed from the search space) and the worker threads. */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_rng.h>

#include "core/version.h"
#include "optim/optim.h"
#include "optim/optim_internal.h"

/* share of a factor's range within which a final setting is its bound */
#define SNAP_REL 1e-12

/* Everything the workers share; only `next`, `done` and `status` change,
 * under `mu`.  Each start writes only its own result slot. */
typedef struct shared {
    const sg_optim_problem *p;
    const sg_optim_config *cfg;
    sg_stage_plan gplan, lplan;
    size_t nf;              /* free (not fixed) variables */
    size_t *free_idx;       /* nf: index of each free variable in x */
    double *xbase;          /* d: fixed values in place, free entries overwritten */
    double *lb, *ub;        /* nf: bounds of the free variables in their unit */
    double *zlb, *zub;      /* nf: the same on the scale searched (log10 for a log-scale one) */
    double *ulo, *uhi;      /* nf: 0 and 1, the bounds NLopt sees */
    unsigned char *zlog;    /* nf: variable k is searched over log10 of its value */
    double *unit;           /* n_starts x nf: scrambled Sobol points in [0,1) */
    sg_optim_result *r;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next, done;
    sg_status status;
    sg_error err;
} shared;

typedef struct worker worker;
typedef struct con_data {
    worker *w;
    size_t i;
} con_data;

/* Per-thread state: callback context and buffers reused by every start. */
struct worker {
    shared *s;
    void *user;             /* per-thread context or p->user */
    int own_user;
    double *x, *grad;       /* d */
    double *u, *usave;      /* nf: the point NLopt sees (each range scaled to 0..1) */
    con_data *con;          /* n_cons */
    long nevals;            /* objective evaluations in this start */
    long stage_evals, stage_max; /* hard budget of the running stage */
    int nonfinite, budget_hit;
    nlopt_opt cur;
    pthread_t tid;
};

static double fsign(const sg_optim_problem *p) { return p->sense == SG_OPTIM_MAXIMIZE ? -1.0 : 1.0; }

/* Write the free coordinates u into the full point x.  NLopt searches each
 * free factor's range (its decades on a log scale) scaled to 0..1, so a
 * thickness in metres and a load in newtons weigh alike in its steps and
 * gradients (in the factors' own units SLSQP failed on 31 of 32 starts of
 * a 1e-4 m thickness; doc/optim.md).  The bounds map to the bounds exactly. */
static void expand(const shared *s, const double *u, double *x)
{
    for (size_t k = 0; k < s->nf; k++) {
        double z = s->zlb[k] + u[k] * (s->zub[k] - s->zlb[k]);
        double v = s->zlog[k] ? pow(10.0, z) : z;
        x[s->free_idx[k]] = u[k] <= 0.0 ? s->lb[k] : u[k] >= 1.0 ? s->ub[k] : v;
    }
}

/* d x / d u of free variable k at the full point x. */
static double dx_du(const shared *s, const double *x, size_t k)
{
    double dz_du = s->zub[k] - s->zlb[k];
    return s->zlog[k] ? x[s->free_idx[k]] * log(10.0) * dz_du : dz_du;
}

static int grad_finite(const double *g, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(g[i]))
            return 0;
    return 1;
}

/* NLopt objective on the free variables, always minimised. */
static double obj_wrap(unsigned n, const double *u, double *gu, void *data)
{
    worker *w = data;
    const shared *s = w->s;
    /* Nested optimisers (AUGLAG, MLSL) can overshoot NLopt's maxeval by a
     * whole sub-run; enforce the stage budget here. */
    if (w->stage_evals >= w->stage_max) {
        w->budget_hit = 1;
        nlopt_force_stop(w->cur);
        return HUGE_VAL;
    }
    expand(s, u, w->x);
    double v = s->p->f(w->user, w->x, gu ? w->grad : NULL);
    w->nevals++;
    w->stage_evals++;
    if (!isfinite(v) || (gu && !grad_finite(w->grad, s->p->d))) {
        w->nonfinite = 1;
        nlopt_force_stop(w->cur);
        return HUGE_VAL;
    }
    double sg = fsign(s->p);
    if (gu)
        for (unsigned k = 0; k < n; k++)
            gu[k] = sg * w->grad[s->free_idx[k]] * dx_du(s, w->x, k) / s->r->f_scale;
    return sg * v / s->r->f_scale;
}

static double con_wrap(unsigned n, const double *u, double *gu, void *data)
{
    con_data *c = data;
    worker *w = c->w;
    const shared *s = w->s;
    expand(s, u, w->x);
    double v = s->p->cons[c->i].g(w->user, w->x, gu ? w->grad : NULL);
    if (!isfinite(v) || (gu && !grad_finite(w->grad, s->p->d))) {
        w->nonfinite = 1;
        nlopt_force_stop(w->cur);
        return HUGE_VAL;
    }
    double scale = s->r->g_scale[c->i];
    if (gu)
        for (unsigned k = 0; k < n; k++)
            gu[k] = w->grad[s->free_idx[k]] * dx_du(s, w->x, k) / scale;
    return v / scale;
}

/* splitmix64: decorrelates seeds derived from (study seed, start, stage). */
static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static unsigned long stage_seed(uint64_t seed, size_t start, int stage)
{
    return (unsigned long)(mix64(seed ^ mix64((uint64_t)start * 4u + (uint64_t)stage + 1u)) & 0xFFFFFFFFu);
}

static nlopt_opt make_opt(nlopt_algorithm a, unsigned n, const sg_optim_stage *sc)
{
    nlopt_opt o = nlopt_create(a, n);
    if (!o)
        return NULL;
    if (nlopt_set_ftol_rel(o, sc->ftol_rel) < 0 || nlopt_set_xtol_rel(o, sc->xtol_rel) < 0 ||
        nlopt_set_maxeval(o, sc->max_eval) < 0 || nlopt_set_maxtime(o, sc->max_time) < 0) {
        nlopt_destroy(o);
        return NULL;
    }
    return o;
}

/* Build the (possibly nested) optimiser for a stage; NULL on failure. */
static nlopt_opt build_opt(worker *w, const sg_stage_plan *pl)
{
    const shared *s = w->s;
    unsigned n = (unsigned)s->nf;
    nlopt_opt inner = make_opt(pl->alg->alg, n, pl->cfg), sub = NULL, outer = NULL;
    if (!inner)
        return NULL;
    if (pl->sub) {
        sub = make_opt(pl->sub->alg, n, &s->cfg->local);
        if (!sub || nlopt_set_local_optimizer(inner, sub) < 0)
            goto fail;
        nlopt_destroy(sub);
        sub = NULL;
    }
    if (pl->auglag) {
        outer = make_opt(NLOPT_AUGLAG, n, pl->cfg);
        if (!outer || nlopt_set_local_optimizer(outer, inner) < 0)
            goto fail;
        nlopt_destroy(inner);
        inner = NULL;
    } else {
        outer = inner;
        inner = NULL;
    }
    if (nlopt_set_lower_bounds(outer, s->ulo) < 0 || nlopt_set_upper_bounds(outer, s->uhi) < 0 ||
        nlopt_set_min_objective(outer, obj_wrap, w) < 0)
        goto fail;
    for (size_t i = 0; i < s->p->n_cons; i++)
        if (nlopt_add_inequality_constraint(outer, con_wrap, &w->con[i], s->cfg->con_tol) < 0)
            goto fail;
    return outer;
fail:
    nlopt_destroy(sub);
    nlopt_destroy(inner);
    nlopt_destroy(outer);
    return NULL;
}

/* Run one stage from w->u in place; returns the NLopt code, or
 * NLOPT_OUT_OF_MEMORY when the optimiser could not be built.  On failure
 * w->u is restored to the stage's starting point. */
static int run_stage(worker *w, const sg_stage_plan *pl, unsigned long seed)
{
    const shared *s = w->s;
    memcpy(w->usave, w->u, s->nf * sizeof *w->u);
    nlopt_opt opt = build_opt(w, pl);
    if (!opt)
        return NLOPT_OUT_OF_MEMORY;
    w->cur = opt;
    w->stage_evals = 0;
    w->stage_max = pl->cfg->max_eval;
    w->budget_hit = 0;
    double fz = 0;
    nlopt_srand(seed); /* NLopt's generator is thread-local: seed it in this thread */
    int code = (int)nlopt_optimize(opt, w->u, &fz);
    w->cur = NULL;
    nlopt_destroy(opt);
    if (code == NLOPT_FORCED_STOP && w->budget_hit && !w->nonfinite)
        code = NLOPT_MAXEVAL_REACHED;
    if (sg_optim_stop_is_failure(code) && !w->nonfinite)
        memcpy(w->u, w->usave, s->nf * sizeof *w->u);
    for (size_t k = 0; k < s->nf; k++) { /* guard against tiny bound overshoot */
        w->u[k] = fmin(fmax(w->u[k], 0.0), 1.0);
        /* and a bound missed by rounding only (SLSQP can stop at lb + 2e-16) */
        if (w->u[k] <= SNAP_REL)
            w->u[k] = 0.0;
        else if (1.0 - w->u[k] <= SNAP_REL)
            w->u[k] = 1.0;
    }
    return code;
}

/* Evaluate objective and constraints at full point x (no gradient). */
static void eval_point(const sg_optim_problem *p, void *user, const double *x, double *f, double *g)
{
    *f = p->f(user, x, NULL);
    for (size_t i = 0; i < p->n_cons; i++)
        g[i] = p->cons[i].g(user, x, NULL);
}

static void run_start(worker *w, size_t idx)
{
    shared *s = w->s;
    const sg_optim_problem *p = s->p;
    const sg_optim_config *cfg = s->cfg;
    sg_optim_start *st = &s->r->starts[idx];
    double *x0 = (double *)st->x0, *x = (double *)st->x, *g = (double *)st->g;

    memcpy(w->u, s->unit + idx * s->nf, s->nf * sizeof *w->u);
    memcpy(x0, s->xbase, p->d * sizeof *x0);
    expand(s, w->u, x0);
    memcpy(w->x, s->xbase, p->d * sizeof *w->x);

    w->nevals = 0;
    w->nonfinite = 0;
    int code = NLOPT_SUCCESS, failed = 0;
    if (s->nf > 0) {
        int do_global = s->gplan.enabled && (cfg->global_mode == SG_OPTIM_GLOBAL_PER_START || idx == 0);
        if (do_global) {
            code = run_stage(w, &s->gplan, stage_seed(cfg->seed, idx, 0));
            failed |= sg_optim_stop_is_failure(code);
            st->ran_global = 1;
        }
        if (!w->nonfinite) {
            code = run_stage(w, &s->lplan, stage_seed(cfg->seed, idx, 1));
            failed |= sg_optim_stop_is_failure(code);
        }
    }
    if (w->nonfinite) {
        code = NLOPT_FORCED_STOP;
        failed = 1;
    }
    memcpy(x, s->xbase, p->d * sizeof *x);
    expand(s, w->u, x);
    eval_point(p, w->user, x, &st->f, g);
    if (!isfinite(st->f))
        failed = 1;
    double viol = 0;
    int within = 1;
    for (size_t i = 0; i < p->n_cons; i++) {
        if (!isfinite(g[i]))
            failed = 1;
        else if (g[i] > viol)
            viol = g[i];
        within &= g[i] <= cfg->feas_tol * s->r->g_scale[i];
    }
    st->max_violation = viol;
    st->feasible = !failed && within;
    st->failed = failed;
    st->evals = w->nevals;
    st->nlopt_code = code;
    st->stop_reason = sg_optim_stop_reason(code);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    shared *s = w->s;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        size_t idx = s->next;
        if (idx >= s->r->n_starts) {
            pthread_mutex_unlock(&s->mu);
            break;
        }
        s->next++;
        pthread_mutex_unlock(&s->mu);
        run_start(w, idx);
        pthread_mutex_lock(&s->mu);
        s->done++;
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

/* Scrambled Sobol points: GSL's Sobol sequence with a random digital shift
 * (XOR of the 32-bit binary expansion with a seeded random word per
 * dimension), which keeps the net structure and is reproducible per seed.
 * out is (n, nf) row-major in [0,1). */
static sg_status sobol_points(size_t n, size_t nf, uint64_t seed, double *out, sg_error *err)
{
    if (nf == 0)
        return SG_OK;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)nf);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    uint32_t shift[SG_OPTIM_MAX_DIM];
    sg_status st = SG_OK;
    if (!q || !rng) {
        st = sg_error_set(err, SG_ERR_NOMEM, "cannot allocate the Sobol generator");
        goto done;
    }
    gsl_rng_set(rng, (unsigned long)(mix64(seed ^ 0x5A17C0DEULL) & 0xFFFFFFFFu));
    for (size_t k = 0; k < nf; k++)
        shift[k] = (uint32_t)gsl_rng_get(rng);
    for (size_t i = 0; i < n; i++) {
        double *row = out + i * nf;
        if (gsl_qrng_get(q, row) != 0) {
            st = sg_error_set(err, SG_ERR_NUMERIC, "Sobol generator failed at point %zu", i);
            goto done;
        }
        for (size_t k = 0; k < nf; k++) {
            uint32_t v = (uint32_t)ldexp(row[k], 32) ^ shift[k];
            row[k] = ldexp((double)v + 0.5, -32);
        }
    }
done:
    gsl_qrng_free(q);
    gsl_rng_free(rng);
    return st;
}

/* The spread of v (m values; non-finite ones skipped), at least
 * SPREAD_FLOOR of their largest magnitude (a constraint such as P(crack)
 * <= 0.05, near 0 at every start, must not be magnified a billion times
 * where it rises), else 1. */
#define SPREAD_FLOOR 1e-3
static double spread_of(const double *v, size_t m)
{
    double lo = INFINITY, hi = -INFINITY, mag = 0.0;
    for (size_t i = 0; i < m; i++)
        if (isfinite(v[i])) {
            lo = fmin(lo, v[i]);
            hi = fmax(hi, v[i]);
            mag = fmax(mag, fabs(v[i]));
        }
    if (!(mag > 0))
        return 1.0;
    double spread = hi - lo; /* inf when the values span more than DBL_MAX */
    return isfinite(spread) ? fmax(spread, SPREAD_FLOOR * mag) : mag;
}

/* r->f_scale and r->g_scale from the objective and the constraints at the
 * start points (sg_optim_result): a response of 1e8 Pa is searched as one
 * of order 1 (SLSQP failed on every start of such a table).  Only NLopt's
 * steps and the tolerances change: every result is evaluated in the unit.
 * buf holds n_starts doubles. */
static void problem_scales(const shared *s, worker *w, double *buf)
{
    const sg_optim_problem *p = s->p;
    sg_optim_result *r = s->r;
    double *gs = (double *)r->g_scale;
    memcpy(w->x, s->xbase, p->d * sizeof *w->x);
    for (size_t c = 0; c <= p->n_cons; c++) { /* c = 0: the objective */
        for (size_t i = 0; i < r->n_starts; i++) {
            expand(s, s->unit + i * s->nf, w->x);
            buf[i] = c == 0 ? p->f(w->user, w->x, NULL) : p->cons[c - 1].g(w->user, w->x, NULL);
        }
        if (c == 0)
            r->f_scale = spread_of(buf, r->n_starts);
        else
            gs[c - 1] = spread_of(buf, r->n_starts);
    }
}

static unsigned pick_threads(const sg_optim_config *cfg, size_t n)
{
    long t = cfg->threads;
    if (t == 0) {
        t = sysconf(_SC_NPROCESSORS_ONLN);
        if (t < 1)
            t = 1;
    }
    if ((size_t)t > n)
        t = (long)n;
    return (unsigned)t;
}

static sg_status alloc_result(const sg_optim_problem *p, const sg_optim_config *cfg, sg_optim_result **out,
                              sg_error *err)
{
    size_t n = cfg->starts, d = p->d, m = p->n_cons;
    sg_optim_result *r = calloc(1, sizeof *r);
    if (!r)
        return sg_error_set(err, SG_ERR_NOMEM, "cannot allocate the optimisation result");
    r->d = d;
    r->n_cons = m;
    r->n_starts = n;
    r->sense = p->sense;
    r->starts = calloc(n, sizeof *r->starts);
    r->mem_ = calloc(n * (2 * d + m) + d + 3 * m + 1, sizeof *r->mem_);
    r->active_bound = calloc(d, sizeof *r->active_bound);
    r->active_con = calloc(m + 1, sizeof *r->active_con);
    if (!r->starts || !r->mem_ || !r->active_bound || !r->active_con) {
        sg_optim_result_destroy(r);
        return sg_error_set(err, SG_ERR_NOMEM, "cannot allocate the optimisation result");
    }
    double *q = r->mem_;
    for (size_t i = 0; i < n; i++) {
        r->starts[i].x0 = q;
        r->starts[i].x = q + d;
        r->starts[i].g = q + 2 * d;
        q += 2 * d + m;
    }
    r->realisable.x = q;
    r->realisable.g = q + d;
    r->min_g = q + d + m;
    r->g_scale = q + d + 2 * m;
    *out = r;
    return SG_OK;
}

static void worker_fini(worker *w, const sg_optim_problem *p)
{
    if (w->own_user)
        p->thread_ctx_destroy(w->user);
    free(w->x);
    free(w->grad);
    free(w->u);
    free(w->usave);
    free(w->con);
}

static sg_status worker_init(worker *w, shared *s, sg_error *err)
{
    const sg_optim_problem *p = s->p;
    w->s = s;
    w->x = calloc(p->d, sizeof *w->x);
    w->grad = calloc(p->d, sizeof *w->grad);
    w->u = calloc(s->nf + 1, sizeof *w->u);
    w->usave = calloc(s->nf + 1, sizeof *w->usave);
    w->con = calloc(p->n_cons + 1, sizeof *w->con);
    if (!w->x || !w->grad || !w->u || !w->usave || !w->con)
        return sg_error_set(err, SG_ERR_NOMEM, "cannot allocate optimiser workspaces");
    for (size_t i = 0; i < p->n_cons; i++) {
        w->con[i].w = w;
        w->con[i].i = i;
    }
    w->user = p->user;
    if (p->thread_ctx_create) {
        w->user = p->thread_ctx_create(p->user);
        if (!w->user)
            return sg_error_set(err, SG_ERR_NOMEM, "thread_ctx_create failed");
        w->own_user = 1;
    }
    return SG_OK;
}

/* Every start failed: no optimum.  The message counts the starts per stop
 * reason, most frequent first ("... (30 x failed (NLopt generic failure),
 * 2 x ...)"). */
#define SG_OPTIM_REASONS_LISTED 4
static sg_status all_starts_failed(const sg_optim_result *r, sg_error *err)
{
    const char *why[SG_OPTIM_REASONS_LISTED + 1];
    size_t count[SG_OPTIM_REASONS_LISTED + 1], n = 0, other = 0;
    for (size_t i = 0; i < r->n_starts; i++) {
        const sg_optim_start *st = &r->starts[i];
        const char *w = sg_optim_stop_is_failure(st->nlopt_code)
                            ? sg_optim_stop_text(st->nlopt_code)
                            : "objective or constraint not finite at the final point";
        size_t k = 0;
        while (k < n && strcmp(why[k], w) != 0)
            k++;
        if (k == n) {
            if (n == SG_OPTIM_REASONS_LISTED) {
                other++;
                continue;
            }
            why[n] = w;
            count[n++] = 0;
        }
        count[k]++;
    }
    char list[512];
    size_t used = 0;
    list[0] = '\0';
    for (size_t a = 0; a < n; a++) { /* most frequent first (n is tiny) */
        size_t m = a;
        for (size_t b = a + 1; b < n; b++)
            if (count[b] > count[m])
                m = b;
        const char *tw = why[a];
        size_t tc = count[a];
        why[a] = why[m];
        count[a] = count[m];
        why[m] = tw;
        count[m] = tc;
        if (used < sizeof list)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%zu x %s", a ? ", " : "",
                                     count[a], why[a]);
    }
    if (other && used < sizeof list)
        snprintf(list + used, sizeof list - used, ", %zu for other reasons", other);
    return sg_error_set(err, SG_ERR_NUMERIC, "no optimum: all %zu optimiser starts failed (%s)",
                        r->n_starts, list);
}

/* ---- starts as tasks of an executor (core/exec.h) ---- */

static sg_status start_task(void *user, size_t idx, sg_bytes *out, sg_error *err)
{
    shared *s = user;
    const sg_optim_problem *p = s->p;
    worker w;
    memset(&w, 0, sizeof w);
    sg_status st = worker_init(&w, s, err);
    if (st == SG_OK) {
        run_start(&w, idx);
        const sg_optim_start *o = &s->r->starts[idx];
        int32_t ints[5] = {o->feasible, o->failed, o->ran_global, o->nlopt_code, 0};
        int64_t evals = o->evals;
        bool ok = sg_bytes_put(out, o->x0, p->d * sizeof(double)) &&
                  sg_bytes_put(out, o->x, p->d * sizeof(double)) &&
                  sg_bytes_put(out, o->g, p->n_cons * sizeof(double)) &&
                  sg_bytes_put(out, &o->f, sizeof o->f) &&
                  sg_bytes_put(out, &o->max_violation, sizeof o->max_violation) &&
                  sg_bytes_put(out, ints, sizeof ints) && sg_bytes_put(out, &evals, sizeof evals);
        if (!ok)
            st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    }
    worker_fini(&w, p);
    return st;
}

static bool start_unpack(shared *s, size_t idx, const sg_bytes *in)
{
    const sg_optim_problem *p = s->p;
    sg_optim_start *o = &s->r->starts[idx];
    int32_t ints[5];
    int64_t evals;
    size_t pos = 0;
    bool ok = sg_bytes_get(in, &pos, (double *)o->x0, p->d * sizeof(double)) &&
              sg_bytes_get(in, &pos, (double *)o->x, p->d * sizeof(double)) &&
              sg_bytes_get(in, &pos, (double *)o->g, p->n_cons * sizeof(double)) &&
              sg_bytes_get(in, &pos, &o->f, sizeof o->f) &&
              sg_bytes_get(in, &pos, &o->max_violation, sizeof o->max_violation) &&
              sg_bytes_get(in, &pos, ints, sizeof ints) && sg_bytes_get(in, &pos, &evals, sizeof evals);
    if (!ok)
        return false;
    o->feasible = ints[0];
    o->failed = ints[1];
    o->ran_global = ints[2];
    o->nlopt_code = ints[3];
    o->evals = (long)evals;
    o->stop_reason = sg_optim_stop_reason(o->nlopt_code);
    return true;
}

static sg_status map_starts(shared *s, sg_error *err)
{
    const sg_optim_config *cfg = s->cfg;
    size_t n = s->r->n_starts, failed = 0;
    sg_bytes *res = calloc(n, sizeof *res);
    if (!res)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    unsigned nt = pick_threads(cfg, n);
    sg_status st = cfg->exec->map(cfg->exec, n, nt, start_task, s, res, &failed, err);
    for (size_t i = 0; i < n && st == SG_OK; i++)
        if (!start_unpack(s, i, &res[i]))
            st = sg_error_set(err, SG_ERR_INTERNAL, "start %zu came back damaged", i + 1);
    for (size_t i = 0; i < n; i++)
        sg_bytes_free(&res[i]);
    free(res);
    for (size_t i = 0; st == SG_OK && cfg->progress && i < n; i++)
        cfg->progress(cfg->progress_user, i + 1, n);
    return st;
}

static sg_status run_workers(shared *s, worker *ws, unsigned nt, sg_error *err)
{
    const sg_optim_config *cfg = s->cfg;
    size_t n = s->r->n_starts;
    if (cfg->exec)
        return map_starts(s, err);
    if (nt <= 1) {
        for (size_t i = 0; i < n; i++) {
            run_start(&ws[0], i);
            if (cfg->progress)
                cfg->progress(cfg->progress_user, i + 1, n);
        }
        return SG_OK;
    }
    unsigned started = 0;
    sg_status st = SG_OK;
    for (; started < nt; started++)
        if (pthread_create(&ws[started].tid, NULL, worker_main, &ws[started]) != 0)
            break;
    if (started == 0)
        st = sg_error_set(err, SG_ERR_INTERNAL, "cannot start worker threads");
    size_t reported = 0;
    pthread_mutex_lock(&s->mu);
    while (started > 0 && s->done < n) {
        while (s->done == reported)
            pthread_cond_wait(&s->cv, &s->mu);
        size_t done = s->done;
        pthread_mutex_unlock(&s->mu);
        for (; reported < done; reported++)
            if (cfg->progress)
                cfg->progress(cfg->progress_user, reported + 1, n);
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    for (unsigned t = 0; t < started; t++)
        pthread_join(ws[t].tid, NULL);
    for (; cfg->progress && started > 0 && reported < n; reported++)
        cfg->progress(cfg->progress_user, reported + 1, n);
    return st;
}

sg_status sg_optim_run(const sg_optim_problem *p, const sg_optim_config *cfg, sg_optim_result **out,
                       sg_error *err)
{
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "out must not be NULL");
    *out = NULL;
    sg_status st = sg_optim_validate(p, cfg, err);
    if (st != SG_OK)
        return st;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    shared s;
    memset(&s, 0, sizeof s);
    s.p = p;
    s.cfg = cfg;
    worker *ws = NULL;
    unsigned nt = pick_threads(cfg, cfg->starts), nw = 0;
    sg_optim_result *r = NULL;
    int sync_ok = 0;
    if ((st = sg_optim_plan(p, cfg, &s.gplan, &s.lplan, err)) != SG_OK)
        goto fail;
    if ((st = alloc_result(p, cfg, &r, err)) != SG_OK)
        goto fail;
    s.r = r;
    s.free_idx = calloc(p->d, sizeof *s.free_idx);
    s.xbase = calloc(p->d, sizeof *s.xbase);
    s.lb = calloc(p->d, sizeof *s.lb);
    s.ub = calloc(p->d, sizeof *s.ub);
    s.zlb = calloc(p->d, sizeof *s.zlb);
    s.zub = calloc(p->d, sizeof *s.zub);
    s.ulo = calloc(p->d, sizeof *s.ulo);
    s.uhi = calloc(p->d, sizeof *s.uhi);
    s.zlog = calloc(p->d, sizeof *s.zlog);
    /* the start points, then room for the objective at each (problem_scales) */
    s.unit = calloc(cfg->starts * (p->d + 1) + 1, sizeof *s.unit);
    ws = calloc(nt, sizeof *ws);
    if (!s.free_idx || !s.xbase || !s.lb || !s.ub || !s.zlb || !s.zub || !s.ulo ||
        !s.uhi || !s.zlog || !s.unit || !ws) {
        st = sg_error_set(err, SG_ERR_NOMEM, "cannot allocate optimiser workspaces");
        goto fail;
    }
    for (size_t i = 0; i < p->d; i++) {
        const sg_optim_var *v = &p->vars[i];
        s.xbase[i] = v->has_fixed ? v->fixed : 0.5 * (v->lb + v->ub);
        if (!v->has_fixed) {
            bool lg = v->log_scale != 0;
            s.zlog[s.nf] = lg;
            s.lb[s.nf] = v->lb;
            s.ub[s.nf] = v->ub;
            s.ulo[s.nf] = 0.0;
            s.uhi[s.nf] = 1.0;
            s.zlb[s.nf] = lg ? log10(v->lb) : v->lb;
            s.zub[s.nf] = lg ? log10(v->ub) : v->ub;
            s.free_idx[s.nf++] = i;
        }
    }
    if ((st = sobol_points(cfg->starts, s.nf, cfg->seed, s.unit, err)) != SG_OK)
        goto fail;
    if (pthread_mutex_init(&s.mu, NULL) != 0 || pthread_cond_init(&s.cv, NULL) != 0) {
        st = sg_error_set(err, SG_ERR_INTERNAL, "cannot initialise thread synchronisation");
        goto fail;
    }
    sync_ok = 1;
    for (; nw < nt; nw++)
        if ((st = worker_init(&ws[nw], &s, err)) != SG_OK) {
            nw++;
            goto fail;
        }
    problem_scales(&s, &ws[0], s.unit + cfg->starts * p->d);
    if ((st = run_workers(&s, ws, nt, err)) != SG_OK)
        goto fail;

    r->threads = nt;
    r->seed = cfg->seed;
    sg_version_entry ver[SG_VERSION_COUNT];
    sg_versions(ver);
    snprintf(r->nlopt_version, sizeof r->nlopt_version, "%.*s", (int)sizeof r->nlopt_version - 1,
             ver[SG_VERSION_NLOPT].version);
    sg_optim_plan_name(&s.gplan, r->global_alg, sizeof r->global_alg);
    sg_optim_plan_name(&s.lplan, r->local_alg, sizeof r->local_alg);
    for (size_t i = 0; i < r->n_starts; i++)
        r->total_evals += r->starts[i].evals;
    if ((st = sg_optim_analyse(p, cfg, r, err)) != SG_OK)
        goto fail;
    if (!r->best_x) {
        st = all_starts_failed(r, err);
        goto fail;
    }
    sg_eval_ctx ec = {p, ws[0].user};
    if ((st = sg_optim_snap(p, cfg, &ec, r, ws[0].x, err)) != SG_OK)
        goto fail;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    *out = r;
    r = NULL;
fail:
    for (unsigned t = 0; t < nw; t++)
        worker_fini(&ws[t], p);
    free(ws);
    if (sync_ok) {
        pthread_mutex_destroy(&s.mu);
        pthread_cond_destroy(&s.cv);
    }
    free(s.free_idx);
    free(s.xbase);
    free(s.lb);
    free(s.ub);
    free(s.zlb);
    free(s.zlog);
    free(s.zub);
    free(s.ulo);
    free(s.uhi);
    free(s.unit);
    sg_optim_result_destroy(r);
    return st;
}
