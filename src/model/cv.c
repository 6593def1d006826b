/* cv.c — cross-validation run (parallel folds), calibrated intervals,
 * suspicious runs and honesty gates.  Fold plans are in cv_plan.c.
 *
 * Threads: folds are handed out by a mutex-protected counter; fold f writes
 * only to held-out slots start[f]..start[f+1] and to its own status entry,
 * and its work depends only on f, so results do not depend on the thread
 * count or scheduling.  OpenBLAS threading is left alone: the networks used
 * on small tables are evaluated with plain loops (mlp.h AUTO kernel) and
 * GSL's BFGS only uses level-1 BLAS, which OpenBLAS runs single-threaded. */
#include "model/cv.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/rsm.h"
#include "core/num.h"

sg_cv_options sg_cv_options_defaults(void)
{
    sg_cv_options o;
    memset(&o, 0, sizeof o);
    o.plan.kind = SG_CV_AUTO;
    o.plan.k = SG_CV_DEFAULT_K;
    o.plan.repeats = 1;
    o.n_threads = SG_CV_DEFAULT_THREADS;
    o.level = SG_CV_DEFAULT_LEVEL;
    o.outlier_z = SG_CV_OUTLIER_Z;
    o.outlier_range_frac = SG_CV_OUTLIER_RANGE_FRAC;
    o.baseline = true;
    return o;
}

void sg_cv_result_destroy(sg_cv_result *r)
{
    if (!r)
        return;
    free(r->held_row);
    free(r->held_fold);
    free(r->obs);
    free(r->pred);
    free(r->sd);
    free(r->rsm_pred);
    free(r->resp);
    free(r->outliers);
    free(r);
}

/* ---- fold work ------------------------------------------------------------- */

typedef struct cv_job {
    const sg_model_spec *spec;
    const sg_cv_options *opt;
    const sg_cv_plan *plan;
    size_t n_in, n_out, n;
    const double *X, *Y;
    const char *const *names;
    sg_cv_result *res;
    sg_status *fold_status; /* (n_folds) */
    sg_error *fold_err;     /* (n_folds) */
    bool *rsm_failed;       /* (n_folds * n_out) */
    char (*rsm_msg)[256];   /* (n_out) first baseline message, fold order resolved later */
    pthread_mutex_t lock;
    size_t next, done;
    sg_cv_progress_fn progress;
    void *user;
} cv_job;

static sg_status run_fold(cv_job *job, size_t f, sg_error *err)
{
    const sg_cv_plan *p = job->plan;
    size_t n = job->n, n_in = job->n_in, n_out = job->n_out;
    size_t h0 = p->start[f], h1 = p->start[f + 1], nh = h1 - h0, ntr = n - nh;
    sg_status st = SG_OK;
    sg_model *m = NULL;
    sg_model_work *w = NULL;
    double *Xtr = malloc(ntr * n_in * sizeof *Xtr);
    double *Ytr = malloc(ntr * n_out * sizeof *Ytr);
    char *held = calloc(n, 1);
    if (!Xtr || !Ytr || !held) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = h0; i < h1; i++)
        held[p->rows[i]] = 1;
    for (size_t r = 0, t = 0; r < n; r++) {
        if (held[r])
            continue;
        memcpy(Xtr + t * n_in, job->X + r * n_in, n_in * sizeof *Xtr);
        memcpy(Ytr + t * n_out, job->Y + r * n_out, n_out * sizeof *Ytr);
        t++;
    }
    st = sg_model_fit(job->spec, n_in, n_out, Xtr, Ytr, ntr, job->names, NULL, NULL, &m, err);
    if (st == SG_OK)
        st = sg_model_work_create(m, &w, err);
    if (st != SG_OK)
        goto done;
    sg_cv_result *res = job->res;
    for (size_t i = h0; i < h1; i++) {
        const double *x = job->X + p->rows[i] * n_in;
        sg_model_predict(m, w, x, res->pred + i * n_out, res->sd + i * n_out);
    }
    for (size_t j = 0; job->opt->baseline && j < n_out; j++) {
        sg_rsm *q = NULL;
        sg_error e2;
        if (sg_rsm_fit(Xtr, n_in, n_in, Ytr + j, n_out, NULL, ntr, &q, &e2) != SG_OK) {
            job->rsm_failed[f * n_out + j] = true;
            pthread_mutex_lock(&job->lock);
            if (!job->rsm_msg[j][0])
                snprintf(job->rsm_msg[j], sizeof job->rsm_msg[j], "%.255s", e2.msg);
            pthread_mutex_unlock(&job->lock);
            continue;
        }
        for (size_t i = h0; i < h1; i++)
            res->rsm_pred[i * n_out + j] = sg_rsm_predict(q, job->X + p->rows[i] * n_in);
        sg_rsm_destroy(q);
    }
done:
    sg_model_work_destroy(w);
    sg_model_destroy(m);
    free(Xtr);
    free(Ytr);
    free(held);
    return st;
}

static void *worker(void *arg)
{
    cv_job *job = arg;
    for (;;) {
        pthread_mutex_lock(&job->lock);
        size_t f = job->next++;
        pthread_mutex_unlock(&job->lock);
        if (f >= job->plan->n_folds)
            break;
        sg_error_clear(&job->fold_err[f]);
        job->fold_status[f] = run_fold(job, f, &job->fold_err[f]);
        pthread_mutex_lock(&job->lock);
        job->done++;
        if (job->progress)
            job->progress(job->user, job->done, job->plan->n_folds);
        pthread_mutex_unlock(&job->lock);
    }
    return NULL;
}

/* ---- summaries --------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Split-conformal quantile of v (m values, sorted in place): the
 * ceil((m+1)*level)-th smallest, or the largest when that exceeds m
 * (then *reachable = false). */
static double conformal_quantile(double *v, size_t m, double level, bool *reachable)
{
    qsort(v, m, sizeof *v, cmp_double);
    double want = ceil((double)(m + 1) * level);
    *reachable = want <= (double)m;
    size_t idx = *reachable ? (size_t)want : m;
    return v[idx - 1];
}

/* Interval and outliers of response j; scratch holds >= n_held + 6 n_rows
 * doubles, rowi n_rows sizes. */
static sg_status summarise(sg_cv_result *res, size_t j, double level, double zmax,
                           double range_frac, double *scratch, size_t *rowi, size_t *count)
{
    size_t no = res->n_out, m = res->n_held, n = res->n_rows;
    sg_cv_response *R = &res->resp[j];
    R->level = level;
    for (size_t i = 0; i < m; i++)
        scratch[i] = fabs(res->obs[i * no + j] - res->pred[i * no + j]);
    bool reach;
    R->half_width = conformal_quantile(scratch, m, level, &reach);
    size_t cov = 0;
    for (size_t i = 0; i < m; i++)
        cov += fabs(res->obs[i * no + j] - res->pred[i * no + j]) <= R->half_width;
    R->coverage = (double)cov / (double)m;
    if (!reach)
        sg_num_snprintf(R->interval_note, sizeof R->interval_note,
                 "%zu held-out predictions cannot establish a %.0f%% level; the interval uses "
                 "the largest held-out error",
                 m, 100.0 * level);
    size_t ms = 0;
    bool zero_sd = false;
    for (size_t i = 0; i < m; i++) {
        double sd = res->sd[i * no + j];
        if (sd > 0)
            scratch[ms++] = fabs(res->obs[i * no + j] - res->pred[i * no + j]) / sd;
        else
            zero_sd = true;
    }
    if (!zero_sd && ms > 0) {
        R->spread_factor = conformal_quantile(scratch, ms, level, &reach);
        R->spread_factor_ok = true;
    }
    /* Per-row residuals (mean over repeats) for the robust z-score. */
    double *rp = scratch, *rs = scratch + n, *cnt = scratch + 2 * n, *obs = scratch + 3 * n;
    for (size_t r = 0; r < n; r++)
        rp[r] = rs[r] = cnt[r] = obs[r] = 0.0;
    for (size_t i = 0; i < m; i++) {
        size_t r = res->held_row[i];
        rp[r] += res->pred[i * no + j];
        rs[r] += res->sd[i * no + j];
        cnt[r] += 1.0;
        obs[r] = res->obs[i * no + j];
    }
    /* compact the rows that were held out: rows, obs, pred, spread */
    double *tmp = scratch + 4 * n;
    size_t nr = 0;
    for (size_t r = 0; r < n; r++)
        if (cnt[r] > 0) {
            obs[nr] = obs[r];
            rp[nr] = rp[r] / cnt[r];
            rs[nr] = rs[r] / cnt[r];
            rowi[nr] = r;
            nr++;
        }
    double omin = INFINITY, omax = -INFINITY;
    for (size_t i = 0; i < nr; i++) {
        omin = fmin(omin, obs[i]);
        omax = fmax(omax, obs[i]);
    }
    double mag = fmax(fmax(fabs(omin), fabs(omax)), 1.0);
    if (nr >= 3 && !(omax - omin > SG_CV_CONST_REL * mag)) {
        snprintf(R->outlier_reason, sizeof R->outlier_reason,
                 "the observed response is constant; no run stands out");
        return SG_OK;
    }
    if (nr < 3) {
        snprintf(R->outlier_reason, sizeof R->outlier_reason,
                 "suspicious runs need at least 3 held-out rows (got %zu)", nr);
        return SG_OK;
    }
    size_t got = sg_outlier_find(rowi, obs, rp, rs, nr, zmax, range_frac, j, R->half_width, tmp,
                                  &R->scale, res->outliers + *count);
    R->resid_median = R->scale.median;
    R->resid_mad = R->scale.mad_sd / SG_CV_MAD_TO_SD;
    if (!(R->scale.scale > 0)) {
        snprintf(R->outlier_reason, sizeof R->outlier_reason,
                 "more than half of the held-out residuals are equal (MAD = 0) and the data "
                 "give no resolution or range; robust z-scores are undefined");
        return SG_OK;
    }
    R->outlier_ok = true;
    *count += got;
    return SG_OK;
}

/* ---- run ---------------------------------------------------------------------- */

sg_status sg_cv_run(const sg_model_spec *spec, const sg_cv_options *opt, size_t n_in,
                    size_t n_out, const double *X, const double *Y, size_t n,
                    const char *const *response_names, sg_cv_progress_fn progress, void *user,
                    sg_cv_result **out, sg_error *err)
{
    sg_status st;
    sg_cv_plan *plan = NULL;
    sg_cv_result *res = NULL;
    cv_job job;
    memset(&job, 0, sizeof job);
    pthread_t *threads = NULL;
    double *scratch = NULL;
    size_t *rowi = NULL;
    bool lock_ok = false;
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "cross-validation: no output");
    *out = NULL;
    if (!spec || !opt || !X || !Y || n_in == 0 || n_out == 0)
        return sg_error_set(err, SG_ERR_INVALID, "cross-validation: missing argument");
    if (opt->n_threads < 1 || !(opt->level > 0 && opt->level < 1) || !(opt->outlier_z > 0) ||
        !(opt->outlier_range_frac >= 0 && opt->outlier_range_frac < 1))
        return sg_error_set(err, SG_ERR_INVALID,
                            "cross-validation: threads must be >= 1, level in (0, 1), the "
                            "outlier threshold positive and its range fraction in [0, 1)");
    if ((st = sg_model_spec_validate(spec, err)) != SG_OK)
        return st;
    if ((st = sg_cv_plan_create(&opt->plan, n, spec->seed, &plan, err)) != SG_OK)
        return st;
    size_t nh = plan->start[plan->n_folds], nf = plan->n_folds;
    res = calloc(1, sizeof *res);
    if (!res)
        goto nomem;
    res->plan = sg_cv_spec_resolve(opt->plan, n);
    res->n_rows = n;
    res->n_out = n_out;
    res->n_folds = nf;
    res->n_held = nh;
    res->held_row = malloc(nh * sizeof *res->held_row);
    res->held_fold = malloc(nh * sizeof *res->held_fold);
    res->obs = malloc(nh * n_out * sizeof *res->obs);
    res->pred = calloc(nh * n_out, sizeof *res->pred);
    res->sd = calloc(nh * n_out, sizeof *res->sd);
    res->rsm_pred = calloc(nh * n_out, sizeof *res->rsm_pred);
    res->resp = calloc(n_out, sizeof *res->resp);
    res->outliers = calloc(n * n_out, sizeof *res->outliers);
    job.fold_status = calloc(nf, sizeof *job.fold_status);
    job.fold_err = calloc(nf, sizeof *job.fold_err);
    job.rsm_failed = calloc(nf * n_out, sizeof *job.rsm_failed);
    job.rsm_msg = calloc(n_out, sizeof *job.rsm_msg);
    scratch = malloc((nh + 6 * n) * sizeof *scratch);
    rowi = malloc(n * sizeof *rowi);
    size_t nt = opt->n_threads < nf ? opt->n_threads : nf;
    threads = calloc(nt, sizeof *threads);
    if (!res->held_row || !res->held_fold || !res->obs || !res->pred || !res->sd ||
        !res->rsm_pred || !res->resp || !res->outliers || !job.fold_status || !job.fold_err ||
        !job.rsm_failed || !job.rsm_msg || !scratch || !rowi || !threads)
        goto nomem;
    for (size_t f = 0; f < nf; f++)
        for (size_t i = plan->start[f]; i < plan->start[f + 1]; i++) {
            res->held_row[i] = plan->rows[i];
            res->held_fold[i] = f;
            memcpy(res->obs + i * n_out, Y + plan->rows[i] * n_out, n_out * sizeof *Y);
        }
    job.spec = spec;
    job.opt = opt;
    job.plan = plan;
    job.n_in = n_in;
    job.n_out = n_out;
    job.n = n;
    job.X = X;
    job.Y = Y;
    job.names = response_names;
    job.res = res;
    job.progress = progress;
    job.user = user;
    if (pthread_mutex_init(&job.lock, NULL) != 0) {
        st = sg_error_set(err, SG_ERR_INTERNAL, "cross-validation: cannot create a mutex");
        goto fail;
    }
    lock_ok = true;
    size_t started = 0;
    for (; started < nt; started++)
        if (pthread_create(&threads[started], NULL, worker, &job) != 0)
            break;
    if (started == 0)
        worker(&job); /* no thread could start: run serially */
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    for (size_t f = 0; f < nf; f++) {
        if (job.fold_status[f] != SG_OK) {
            st = sg_error_set(err, job.fold_status[f], "cross-validation fold %zu of %zu: %s",
                              f + 1, nf, job.fold_err[f].msg);
            goto fail;
        }
    }
    size_t count = 0;
    for (size_t j = 0; j < n_out; j++) {
        sg_cv_response *R = &res->resp[j];
        if ((st = sg_metrics_compute(res->obs + j, n_out, res->pred + j, n_out, nh, &R->net,
                                     err)) != SG_OK)
            goto fail;
        R->rsm_ok = opt->baseline;
        for (size_t f = 0; f < nf; f++)
            if (job.rsm_failed[f * n_out + j])
                R->rsm_ok = false;
        if (!opt->baseline)
            snprintf(R->rsm_reason, sizeof R->rsm_reason, "baseline not requested");
        else if (!R->rsm_ok)
            snprintf(R->rsm_reason, sizeof R->rsm_reason, "%s", job.rsm_msg[j]);
        else if ((st = sg_metrics_compute(res->obs + j, n_out, res->rsm_pred + j, n_out, nh,
                                          &R->rsm, err)) != SG_OK)
            goto fail;
        if ((st = summarise(res, j, opt->level, opt->outlier_z,
                             opt->outlier_range_frac, scratch, rowi, &count)) != SG_OK)
            goto fail;
    }
    res->n_outliers = count;
    *out = res;
    res = NULL;
    st = SG_OK;
    goto fail;
nomem:
    st = sg_error_set(err, SG_ERR_NOMEM, "cross-validation: out of memory");
fail:
    if (lock_ok)
        pthread_mutex_destroy(&job.lock);
    free(threads);
    free(scratch);
    free(rowi);
    free(job.fold_status);
    free(job.fold_err);
    free(job.rsm_failed);
    free(job.rsm_msg);
    sg_cv_plan_destroy(plan);
    sg_cv_result_destroy(res);
    return st;
}

/* ---- gates ---------------------------------------------------------------------- */

static void put(sg_gate_warning *out, size_t cap, size_t *k, sg_gate_kind kind, size_t j,
                double value, double ref, const char *msg)
{
    if (*k < cap) {
        sg_gate_warning *w = &out[*k];
        w->kind = kind;
        w->response = j;
        w->value = value;
        w->reference = ref;
        snprintf(w->message, sizeof w->message, "%s", msg);
    }
    (*k)++;
}

size_t sg_cv_gates(const sg_cv_result *r, const double *train_rmse,
                   const char *const *response_names, sg_gate_warning *out, size_t cap)
{
    size_t k = 0;
    char msg[256], name[32];
    for (size_t j = 0; j < r->n_out; j++) {
        const char *nm = response_names ? response_names[j] : NULL;
        if (!nm) {
            snprintf(name, sizeof name, "y%zu", j + 1);
            nm = name;
        }
        const sg_cv_response *R = &r->resp[j];
        if (R->rsm_ok && R->net.rmse > R->rsm.rmse) {
            sg_num_snprintf(msg, sizeof msg,
                     "%.80s: the network's cross-validated RMSE (%.4g) is worse than the "
                     "quadratic response surface's (%.4g); prefer the simpler model",
                     nm, R->net.rmse, R->rsm.rmse);
            put(out, cap, &k, SG_GATE_WORSE_THAN_BASELINE, j, R->net.rmse, R->rsm.rmse, msg);
        }
        if (!R->net.r2_ok) {
            snprintf(msg, sizeof msg, "%.80s: Q² cannot be computed: %s", nm, R->net.reason);
            put(out, cap, &k, SG_GATE_NO_Q2, j, 0.0, SG_CV_MIN_Q2, msg);
        } else if (R->net.r2 < SG_CV_MIN_Q2) {
            sg_num_snprintf(msg, sizeof msg,
                     "%.80s: cross-validated R² is %.3f (below %.2f): the model finds no usable "
                     "predictive structure; do not rely on its predictions",
                     nm, R->net.r2, SG_CV_MIN_Q2);
            put(out, cap, &k, SG_GATE_LOW_Q2, j, R->net.r2, SG_CV_MIN_Q2, msg);
        }
        if (train_rmse && R->net.rmse > SG_CV_OVERFIT_RATIO * train_rmse[j]) {
            double ratio = train_rmse[j] > 0 ? R->net.rmse / train_rmse[j] : 0.0;
            if (train_rmse[j] > 0)
                sg_num_snprintf(msg, sizeof msg,
                         "%.80s: cross-validated RMSE (%.4g) is %.1f times the training RMSE "
                         "(%.4g): the network over-fits; judge it by the cross-validated figures",
                         nm, R->net.rmse, ratio, train_rmse[j]);
            else
                sg_num_snprintf(msg, sizeof msg,
                         "%.80s: the network reproduces its training rows exactly but its "
                         "cross-validated RMSE is %.4g: it over-fits",
                         nm, R->net.rmse);
            put(out, cap, &k, SG_GATE_OVERFIT, j, ratio, SG_CV_OVERFIT_RATIO, msg);
        }
    }
    return k;
}
