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

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/check.h"
#include "analysis/duplicates.h"
#include "analysis/rsm.h"
#include "core/num.h"
#include "model/model_internal.h"
#include "model/window.h"

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
    o.window = true;
    o.groups = true;
    return o;
}

static void accuracy_sentence(const sg_cv_result *res, size_t j);
static void replicate_clause(sg_cv_response *R, double e);

/* The residual the interval of a response is sized on: observed -
 * predicted, or for a log-scale response log10 of their ratio (both are
 * above 0: fit refuses such a value at or below 0, and the model predicts
 * 10^ of its output). */
static double interval_resid(bool log_scale, double obs, double pred)
{
    return log_scale ? log10(obs / pred) : obs - pred;
}

/* The rms error in log10 of m held-out predictions pred of response j
 * (rows of no values, obs observed); 0 when m is 0. */
static double log_rmse_of(const double *obs, const double *pred, size_t m, size_t no, size_t j)
{
    double s = 0.0;
    for (size_t i = 0; i < m; i++)
        s += pow(interval_resid(true, obs[i * no + j], pred[i * no + j]), 2);
    return m ? sqrt(s / (double)m) : 0.0;
}

/* Share of the held-out residuals of response j (the plan's, or the
 * between-levels ones) within h; 0 when there are none. */
static double held_coverage(const sg_cv_result *r, size_t j, bool between, double h)
{
    size_t m = between ? r->n_between : r->n_held, no = r->n_out, in = 0;
    const double *ob = between ? r->between_obs : r->obs;
    const double *pr = between ? r->between_pred : r->pred;
    bool lg = r->resp[j].log_interval;
    for (size_t i = 0; i < m; i++)
        in += fabs(interval_resid(lg, ob[i * no + j], pr[i * no + j])) <= h;
    return m ? (double)in / (double)m : 0.0;
}

void sg_cv_window_floor(sg_cv_result *r, size_t j, double disagreement, double kriging_rmse)
{
    sg_cv_response *R = &r->resp[j];
    if (!R->window_ok || !(disagreement >= 0) || !(kriging_rmse >= 0))
        return;
    R->window_disagreement = disagreement;
    R->window_kriging_rmse = kriging_rmse;
    double implied = sqrt(fmax(0.0, disagreement * disagreement - kriging_rmse * kriging_rmse));
    double own = R->log_interval ? R->log_rmse : R->net.rmse;
    if (own >= 0 && own + kriging_rmse > 0)
        implied = fmin(implied, disagreement * own / hypot(own, kriging_rmse));
    double range = R->log_interval ? R->log_range : R->range;
    if (!(implied > R->window_rmse) || !(R->window_rmse > 0) || sg_cv_is_rounding(implied, range))
        return; /* raising one rounding figure to another says nothing */
    bool interval_is_window = R->half_width == R->window_half_width;
    size_t len = strlen(R->interval_note);
    char from[32];
    sg_num_snprintf(R->interval_note + len, sizeof R->interval_note - len,
                    "%sin window raised from %s to %.3g: the model and kriging (CV RMSE %.3g) "
                    "differ by %.3g (rms%s) between the runs",
                    len ? "; " : "",
                    sg_cv_error_text(from, sizeof from, R->window_rmse, range),
                    implied, kriging_rmse, disagreement, R->log_interval ? " in log10" : "");
    R->window_half_width *= implied / R->window_rmse;
    R->window_rmse = implied;
    R->window_raised = true;
    if (interval_is_window) {
        R->half_width = R->window_half_width;
        R->coverage = held_coverage(r, j, false, R->half_width);
        R->coverage_between = held_coverage(r, j, true, R->half_width);
    }
    accuracy_sentence(r, j);
}

size_t sg_cv_group_first(const sg_cv_result *r, size_t k, bool *by_range)
{
    const sg_outlier *o = &r->outliers[k];
    size_t first = k;
    while (first > 0 && r->outliers[first - 1].response == o->response &&
           r->outliers[first - 1].cluster_first == o->cluster_first)
        first--;
    *by_range = !o->off_pattern || k - first == o->cluster_last - o->cluster_first;
    return first;
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
    free(r->prob_off);
    free(r->proba);
    free(r->rsm_proba);
    free(r->between_proba);
    free(r->between_row);
    free(r->between_factor);
    free(r->between_obs);
    free(r->between_pred);
    free(r->between_sd);
    free(r->between_rsm);
    free(r->resp);
    free(r->outliers);
    free(r->window_kriging);
    free(r);
}

/* ---- fold work ------------------------------------------------------------- */

/* One set of folds and where its held-out predictions go: the plan's folds
 * (part 0) and the between-levels folds (part 1). */
typedef struct cv_part {
    const sg_cv_plan *plan;
    double *pred, *sd, *rsm_pred; /* (held, n_out) */
    double *proba, *rsm_proba;    /* (held, n_prob) class probabilities (rsm_proba may be
                                     NULL: between levels keep no baseline's) */
    bool *rsm_failed;             /* (n_folds * n_out) */
    char (*rsm_fmsg)[256];        /* (n_folds * n_out) why the baseline failed */
    double *train_mse;            /* (n_folds * n_out) the model's MSE at its training rows */
} cv_part;

typedef struct cv_job {
    const sg_model_spec *spec;
    const sg_cv_options *opt;
    cv_part part[2];
    size_t n_parts;
    size_t n_work;          /* folds of all parts: part 0's first */
    size_t n_in, n_out, n;
    size_t n_prob;
    const size_t *prob_off;
    const double *X, *Y;
    sg_rsm_factor *rsm_kinds; /* (n_in) the factors as the baseline reads them */
    const char *const *names;
    sg_status *fold_status; /* (n_work) */
    sg_error *fold_err;     /* (n_work) */
    char (*rsm_msg)[256];   /* (n_out) first baseline message, fold order resolved later */
    pthread_mutex_t lock;
    size_t next, done;
    sg_cv_progress_fn progress;
    void *user;
} cv_job;

/* The baseline of class response j in fold f: one logistic regression per
 * class (that class against the rest) on the quadratic's terms, the
 * probabilities normalised to sum to 1; the prediction the most probable
 * code.  Xtr, Ytr: the fold's ntr training rows. */
static sg_status class_baseline(cv_job *job, const cv_part *part, size_t f, const double *Xtr,
                                const double *Ytr, size_t ntr, size_t j, sg_error *err)
{
    const sg_cv_plan *p = part->plan;
    size_t n_in = job->n_in, n_out = job->n_out, k = sg_model_spec_n_classes(job->spec, j);
    size_t h0 = p->start[f], h1 = p->start[f + 1], np = job->n_prob, off = job->prob_off[j];
    if (!part->rsm_proba) /* between levels: the baseline's class figures are not kept */
        return SG_OK;
    double *t = malloc(ntr * sizeof *t);
    if (!t)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    sg_status st = SG_OK;
    for (size_t c = 0; c < k && st == SG_OK; c++) {
        for (size_t r = 0; r < ntr; r++)
            t[r] = Ytr[r * n_out + j] == (double)c;
        sg_rsm *q = NULL;
        st = sg_rsm_fit_logistic(Xtr, n_in, n_in, job->rsm_kinds, t, 1, NULL, ntr,
                                 SG_RSM_LOGISTIC_LAMBDA, &q,
                                 err);
        for (size_t i = h0; st == SG_OK && i < h1; i++)
            part->rsm_proba[i * np + off + c] = sg_rsm_predict(q, job->X + p->rows[i] * n_in);
        sg_rsm_destroy(q);
    }
    free(t);
    for (size_t i = h0; st == SG_OK && i < h1; i++) {
        double *pr = part->rsm_proba + i * np + off, sum = 0.0;
        size_t best = 0;
        for (size_t c = 0; c < k; c++)
            sum += pr[c];
        for (size_t c = 0; c < k; c++) {
            pr[c] = sum > 0 ? pr[c] / sum : 1.0 / (double)k;
            best = pr[c] > pr[best] ? c : best;
        }
        part->rsm_pred[i * n_out + j] = (double)best;
    }
    return st;
}

/* The model's mean squared error at its own training rows, per response
 * (mse, n_out; what the window figures add to kriging's sd, window.h). */
static void train_error(const sg_model *m, sg_model_work *w, const double *Xtr, const double *Ytr,
                        size_t ntr, size_t n_in, size_t n_out, double *mse)
{
    for (size_t j = 0; j < n_out; j++)
        mse[j] = NAN; /* unknown: the window figures are then not computed */
    double *mean = malloc(n_out * sizeof *mean);
    if (!mean || ntr == 0) {
        free(mean);
        return;
    }
    for (size_t j = 0; j < n_out; j++)
        mse[j] = 0.0;
    for (size_t i = 0; i < ntr; i++) {
        sg_model_predict(m, w, Xtr + i * n_in, mean, NULL);
        for (size_t j = 0; j < n_out; j++) {
            /* in decades for a log-scale response, as its window figures */
            double e = interval_resid(sg_model_response_is_log(m, j), Ytr[i * n_out + j], mean[j]);
            mse[j] += e * e / (double)ntr;
        }
    }
    free(mean);
}

static sg_status run_fold(cv_job *job, const cv_part *part, size_t f, sg_error *err)
{
    const sg_cv_plan *p = part->plan;
    size_t n = job->n, n_in = job->n_in, n_out = job->n_out;
    size_t h0 = p->start[f], h1 = p->start[f + 1], nh = h1 - h0, ntr = n - nh;
    sg_status st = SG_OK;
    sg_model *m = NULL;
    sg_model_work *w = NULL;
    double *Xtr = malloc(ntr * n_in * sizeof *Xtr);
    double *Ytr = malloc(ntr * n_out * sizeof *Ytr);
    unsigned char *held = malloc(n);
    if (!Xtr || !Ytr || !held) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto done;
    }
    sg_cv_plan_training_rows(p, f, job->X, n_in, job->Y, n_out, held, Xtr, Ytr);
    const sg_model *fitted = NULL; /* fitted already (fit.c with an executor) */
    if (part == &job->part[0] && job->opt->prefit && f < job->opt->n_prefit)
        fitted = job->opt->prefit[f];
    if (!fitted) {
        st = sg_model_fit(job->spec, n_in, n_out, Xtr, Ytr, ntr, job->names, NULL, NULL, &m, err);
        fitted = m;
    }
    if (st == SG_OK)
        st = sg_model_work_create(fitted, &w, err);
    if (st != SG_OK)
        goto done;
    train_error(fitted, w, Xtr, Ytr, ntr, n_in, n_out, part->train_mse + f * n_out);
    for (size_t i = h0; i < h1; i++) {
        const double *x = job->X + p->rows[i] * n_in;
        sg_model_predict(fitted, w, x, part->pred + i * n_out, part->sd + i * n_out);
        for (size_t j = 0; j < n_out; j++)
            if (sg_model_is_class(fitted, j))
                sg_model_predict_proba(fitted, w, x, j,
                                       part->proba + i * job->n_prob + job->prob_off[j], NULL);
    }
    for (size_t j = 0; job->opt->baseline && j < n_out; j++) {
        sg_rsm *q = NULL;
        sg_error e2;
        if (sg_model_spec_n_classes(job->spec, j) >= 3) {
            sg_status bs = class_baseline(job, part, f, Xtr, Ytr, ntr, j, &e2);
            if (bs == SG_ERR_NOMEM) {
                st = sg_error_set(err, bs, "%s", e2.msg);
                goto done;
            }
            if (bs != SG_OK) {
                part->rsm_failed[f * n_out + j] = true;
                snprintf(part->rsm_fmsg[f * n_out + j], sizeof part->rsm_fmsg[0], "%.255s",
                         e2.msg);
            }
            continue;
        }
        /* the response as the models fit it (log10 on a log scale) */
        double *yb = malloc(ntr * sizeof *yb);
        if (!yb) {
            st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
            goto done;
        }
        sg_model__rsm_response(job->spec, j, Ytr + j, n_out, ntr, yb);
        sg_status bs = sg_model_spec_binary(job->spec, j)
                           ? sg_rsm_fit_logistic(Xtr, n_in, n_in, job->rsm_kinds, yb, 1, NULL,
                                                 ntr, SG_RSM_LOGISTIC_LAMBDA, &q, &e2)
                           : sg_rsm_fit_factors(Xtr, n_in, n_in, job->rsm_kinds, yb, 1, NULL,
                                                ntr, &q, &e2);
        free(yb);
        if (bs != SG_OK) {
            part->rsm_failed[f * n_out + j] = true;
            snprintf(part->rsm_fmsg[f * n_out + j], sizeof part->rsm_fmsg[0], "%.255s", e2.msg);
            continue;
        }
        for (size_t i = h0; i < h1; i++)
            part->rsm_pred[i * n_out + j] = sg_model__rsm_unit(
                job->spec, j, sg_rsm_predict(q, job->X + p->rows[i] * n_in));
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
        size_t g = job->next++;
        pthread_mutex_unlock(&job->lock);
        if (g >= job->n_work)
            break;
        size_t part = 0, f = g;
        while (f >= job->part[part].plan->n_folds) /* n_work bounds the parts */
            f -= job->part[part++].plan->n_folds;
        sg_error_clear(&job->fold_err[g]);
        job->fold_status[g] = run_fold(job, &job->part[part], f, &job->fold_err[g]);
        pthread_mutex_lock(&job->lock);
        job->done++;
        if (job->progress)
            job->progress(job->user, job->done, job->n_work);
        pthread_mutex_unlock(&job->lock);
    }
    return NULL;
}

/* ---- folds as tasks of an executor (core/exec.h) ---- */

static void locate(const cv_job *job, size_t g, size_t *part, size_t *f)
{
    *part = 0;
    *f = g;
    while (*f >= job->part[*part].plan->n_folds) /* n_work bounds the parts */
        *f -= job->part[(*part)++].plan->n_folds;
}

/* A fold's result: the held-out predictions of its rows, and per response
 * whether the baseline failed (with its message). */
static sg_status fold_task(void *user, size_t g, sg_bytes *out, sg_error *err)
{
    cv_job *job = user;
    size_t pi, f, n_out = job->n_out;
    locate(job, g, &pi, &f);
    const cv_part *part = &job->part[pi];
    sg_status st = run_fold(job, part, f, err);
    if (st != SG_OK)
        return st;
    size_t h0 = part->plan->start[f], h1 = part->plan->start[f + 1], w = (h1 - h0) * n_out;
    size_t wp = (h1 - h0) * job->n_prob;
    bool ok = sg_bytes_put(out, part->pred + h0 * n_out, w * sizeof(double)) &&
              sg_bytes_put(out, part->sd + h0 * n_out, w * sizeof(double)) &&
              sg_bytes_put(out, part->rsm_pred + h0 * n_out, w * sizeof(double)) &&
              (!wp || sg_bytes_put(out, part->proba + h0 * job->n_prob, wp * sizeof(double))) &&
              (!wp || !part->rsm_proba ||
               sg_bytes_put(out, part->rsm_proba + h0 * job->n_prob, wp * sizeof(double))) &&
              sg_bytes_put(out, part->rsm_failed + f * n_out, n_out * sizeof(bool)) &&
              sg_bytes_put(out, part->train_mse + f * n_out, n_out * sizeof(double));
    ok = ok && sg_bytes_put(out, part->rsm_fmsg + f * n_out, n_out * sizeof part->rsm_fmsg[0]);
    return ok ? SG_OK : sg_error_set(err, SG_ERR_NOMEM, "out of memory");
}

static bool fold_unpack(cv_job *job, size_t g, const sg_bytes *in)
{
    size_t pi, f, n_out = job->n_out, pos = 0;
    locate(job, g, &pi, &f);
    const cv_part *part = &job->part[pi];
    size_t h0 = part->plan->start[f], h1 = part->plan->start[f + 1], w = (h1 - h0) * n_out;
    size_t wp = (h1 - h0) * job->n_prob;
    bool ok = sg_bytes_get(in, &pos, part->pred + h0 * n_out, w * sizeof(double)) &&
              sg_bytes_get(in, &pos, part->sd + h0 * n_out, w * sizeof(double)) &&
              sg_bytes_get(in, &pos, part->rsm_pred + h0 * n_out, w * sizeof(double)) &&
              (!wp || sg_bytes_get(in, &pos, part->proba + h0 * job->n_prob, wp * sizeof(double))) &&
              (!wp || !part->rsm_proba ||
               sg_bytes_get(in, &pos, part->rsm_proba + h0 * job->n_prob, wp * sizeof(double))) &&
              sg_bytes_get(in, &pos, part->rsm_failed + f * n_out, n_out * sizeof(bool)) &&
              sg_bytes_get(in, &pos, part->train_mse + f * n_out, n_out * sizeof(double)) &&
              sg_bytes_get(in, &pos, part->rsm_fmsg + f * n_out, n_out * sizeof part->rsm_fmsg[0]);
    return ok;
}

/* Every fold through the executor; the first failure (lowest fold) is the
 * fold's status, as in the threaded path. */
static void map_folds(cv_job *job, const sg_exec *ex, size_t n_threads)
{
    sg_bytes *res = calloc(job->n_work, sizeof *res);
    if (!res) {
        job->fold_status[0] = sg_error_set(&job->fold_err[0], SG_ERR_NOMEM, "out of memory");
        return;
    }
    sg_error e;
    sg_error_clear(&e);
    size_t failed = 0;
    sg_status st = ex->map(ex, job->n_work, n_threads, fold_task, job, res, &failed, &e);
    for (size_t g = 0; g < job->n_work; g++) {
        job->fold_status[g] = SG_OK;
        if (st == SG_OK && !fold_unpack(job, g, &res[g]))
            st = sg_error_set(&e, SG_ERR_INTERNAL, "fold %zu came back damaged", g + 1);
        sg_bytes_free(&res[g]);
    }
    free(res);
    if (st != SG_OK) {
        size_t g = failed < job->n_work ? failed : 0;
        job->fold_status[g] = st;
        job->fold_err[g] = e;
    }
}

/* Every fold in order on this thread (its members may still run in
 * parallel: job->spec says how), reporting progress after each. */
static void folds_in_turn(cv_job *job)
{
    for (size_t g = 0; g < job->n_work; g++) {
        size_t pi, f;
        locate(job, g, &pi, &f);
        sg_error_clear(&job->fold_err[g]);
        job->fold_status[g] = run_fold(job, &job->part[pi], f, &job->fold_err[g]);
        if (job->progress)
            job->progress(job->user, g + 1, job->n_work);
        if (job->fold_status[g] != SG_OK)
            break;
    }
}

/* True when nt threads finish sooner on the members of one fold at a time
 * than on whole folds: the folds (nw) do not divide evenly among the
 * threads but the members of a fold (fold_spec: sized already) do. */
static bool members_share_better(const sg_model_spec *fold_spec, size_t n_out, size_t nw,
                                 size_t nt)
{
    if (nt < 2 || nw % nt == 0 || fold_spec->type != SG_MODEL_MLP)
        return false;
    size_t members = (fold_spec->shared ? 1 : n_out) * fold_spec->ensemble;
    return members % nt == 0;
}

/* ---- summaries --------------------------------------------------------------- */

/* Whether row is among skip[0..ns). */
static bool among(size_t row, const size_t *skip, size_t ns)
{
    for (size_t g = 0; g < ns; g++)
        if (skip[g] == row)
            return true;
    return false;
}

/* Conformal quantile of |obs - pred| over the m predictions of response j
 * (stride no) whose row is neither in [skip_lo, skip_hi] (skip_lo >
 * skip_hi: no range) nor among skip[0..ns) (a group on scattered rows); 0
 * when none remain.  v is scratch of m doubles. */
static double abs_quantile(const double *obs, const double *pred, const size_t *row, size_t m,
                           size_t no, size_t j, bool log_scale, size_t skip_lo, size_t skip_hi,
                           const size_t *skip, size_t ns, double level, double *v,
                           bool *reachable)
{
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (!(row[i] >= skip_lo && row[i] <= skip_hi) && !among(row[i], skip, ns))
            v[k++] = fabs(interval_resid(log_scale, obs[i * no + j], pred[i * no + j]));
    *reachable = true;
    return k ? sg_metrics_conformal_quantile(v, k, level, reachable) : 0.0;
}

/* Keep the flagged runs out[0..k) of response j whose residual lies
 * outside the interval at tested settings computed without them (without
 * their whole group when neighbours deviate together): the conformal
 * quantile of the plan's other held-out residuals.  A suspicious run is a
 * question about a tested setting, so it is judged against the error at
 * tested settings (leave-one-out), not against the wider between-levels
 * interval; and a run inside the interval the user is shown is not worth a
 * "check this simulation".  The excess over that interval must itself be
 * material: more than SG_CV_OUTLIER_MARGIN robust scales (the z-score's
 * scale, floored by the data's resolution and a share of the range), so
 * the largest residual of an exact smooth table is not flagged for merely
 * being the largest.  (The margin was zmax, 3.5 scales, before corners and
 * edges had checks of their own: a wrong value of half the range in a
 * noisy 60-run table was then missed on 18 of 20 runs; doc/model.md.)
 * Each kept run's half_width becomes that interval.  Returns the number
 * kept (compacted to the front).  v is scratch of n_held doubles. */
static size_t keep_outside_interval(const sg_cv_result *res, size_t j, double level,
                                    sg_outlier *out, size_t k, double *v)
{
    size_t kept = 0;
    for (size_t i = 0; i < k; i++) {
        sg_outlier o = out[i];
        bool reach;
        double h = abs_quantile(res->obs, res->pred, res->held_row, res->n_held, res->n_out, j,
                                res->resp[j].log_interval, o.cluster_first, o.cluster_last,
                                NULL, 0, level, v, &reach);
        /* outside the interval by a material margin: the excess is itself
         * beyond SG_CV_OUTLIER_MARGIN robust scales (MAD floored by resolution and range) */
        if (!(fabs(o.observed - o.predicted) > h + SG_CV_OUTLIER_MARGIN * o.scale))
            continue;
        o.half_width = h;
        out[kept++] = o;
    }
    return kept;
}

/* The accuracy statement of response j: the interpolation error against the
 * observed range and the data's resolution.  v is scratch of 2 n_rows. */
static void accuracy_note(const sg_cv_result *res, size_t j, const double *obs, size_t nr,
                          double *v)
{
    sg_cv_response *R = &res->resp[j];
    sg_outlier_scale sc;
    sg_outlier_scale_compute(obs, obs, nr, 0.0, v, &sc);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < nr; i++) {
        lo = fmin(lo, obs[i]);
        hi = fmax(hi, obs[i]);
    }
    R->range = nr ? hi - lo : 0.0;
    R->log_range = R->log_interval && lo > 0 ? log10(hi / lo) : 0.0;
    R->resolution = sc.resolution;
    accuracy_sentence(res, j);
}

/* The accuracy statement of response j from its range and resolution (the
 * resolution named while the error is within SG_CV_RESOLUTION_SAYS of it:
 * beyond, "507894853 times the resolution" of data written with ten
 * digits says nothing). */
static void accuracy_sentence(const sg_cv_result *res, size_t j)
{
    sg_cv_response *R = &res->resp[j];
    bool btw = res->n_between > 0 && R->between.rmse > R->net.rmse;
    double e = btw ? R->between.rmse : R->net.rmse;
    const char *what = btw ? "between levels" : "at tested settings";
    if (R->window_ok) { /* the user's question: a prediction anywhere inside the bounds */
        e = R->window_rmse;
        what = "anywhere in the window";
    }
    if (R->log_interval && R->range > 0) { /* errors in proportion to the value */
        e = R->window_ok ? R->window_rmse : R->log_rmse;
        what = R->window_ok ? "anywhere in the window" : "at tested settings";
        sg_num_snprintf(R->accuracy_note, sizeof R->accuracy_note,
                        "cross-validated error %s: %.2g%% of the value (rms %.3g in log10); "
                        "the runs span %.2g decades",
                        what, 100.0 * (pow(10.0, e) - 1.0), e, R->log_range);
    } else if (!(R->range > 0))
        snprintf(R->accuracy_note, sizeof R->accuracy_note,
                 "the observed response is constant; there is no range to compare with");
    else if (R->resolution > 0 && e <= R->resolution) {
        char fig[32]; /* an exact model's 1e-10 is rounding */
        sg_num_snprintf(R->accuracy_note, sizeof R->accuracy_note,
                        "cross-validated RMSE %s (%s) is within the data's resolution (%.3g): "
                        "as accurate as the data are recorded",
                        what, sg_cv_error_text(fig, sizeof fig, e, R->range), R->resolution);
    } else if (R->resolution > 0 && e < SG_CV_RESOLUTION_SAYS * R->resolution)
        sg_num_snprintf(R->accuracy_note, sizeof R->accuracy_note,
                        "cross-validated RMSE %s (%.3g) is %.2g%% of the observed range (%.4g) "
                        "and %.*f times the data's resolution (%.3g)",
                        what, e, 100.0 * e / R->range, R->range,
                        e / R->resolution < 100 ? 1 : 0, e / R->resolution, R->resolution);
    else
        sg_num_snprintf(R->accuracy_note, sizeof R->accuracy_note,
                        "cross-validated RMSE %s (%.3g) is %.2g%% of the observed range (%.4g)",
                        what, e, 100.0 * e / R->range, R->range);
    replicate_clause(R, e);
}

/* Append to R's accuracy note how the error e compares with the scatter
 * of runs repeated at the same settings (in decades when the note is). */
static void replicate_clause(sg_cv_response *R, double e)
{
    if (!R->replicate_dof || !(R->range > 0))
        return;
    size_t len = strlen(R->accuracy_note);
    char *at = R->accuracy_note + len;
    size_t cap = sizeof R->accuracy_note - len;
    double s = R->replicate_sd;
    if (!(s > 0)) {
        snprintf(at, cap,
                 "; runs repeated at the same settings agree exactly (%zu setting%s): the error "
                 "is the model's, not the data's",
                 R->replicate_settings, R->replicate_settings == 1 ? "" : "s");
        return;
    }
    char scatter[96];
    if (R->log_interval)
        sg_num_snprintf(scatter, sizeof scatter, "%.2g%% (rms %.3g in log10, ",
                        100.0 * (pow(10.0, s) - 1.0), s);
    else
        sg_num_snprintf(scatter, sizeof scatter, "sd %.3g (", s);
    /* within about two standard errors of the repeats' sd (relative standard
     * error 1 / sqrt(2 dof)) the error cannot be told from that floor */
    bool at_floor = e / s <= 1.0 + 2.0 / sqrt(2.0 * (double)R->replicate_dof);
    char ratio[96];
    sg_num_snprintf(ratio, sizeof ratio,
                    at_floor ? "at that floor (%.2f times it), as close as the runs repeat"
                             : "%.2g times that floor",
                    e / s);
    sg_num_snprintf(at, cap,
                    "; runs repeated at the same settings scatter by %s%zu degree%s of freedom): "
                    "the error is %s",
                    scatter, R->replicate_dof, R->replicate_dof == 1 ? "" : "s", ratio);
}

/* Is obs[i] far beyond the other values of obs (nr) by the check's rule
 * (sg_check_far_beyond): a typo, not a response?  decades: obs are log10
 * of the values (judged linearly, which is the log rule). */
static bool far_beyond_others(const double *obs, size_t nr, size_t i, bool decades)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t r = 0; r < nr; r++)
        if (r != i) {
            lo = fmin(lo, obs[r]);
            hi = fmax(hi, obs[r]);
        }
    bool positive = !decades && lo > 0 && obs[i] > 0;
    return i < nr && hi > lo && sg_check_far_beyond(obs[i], lo, hi, positive, false);
}

/* Keep the flagged runs (out, k of them) that are also far out on the scale
 * of how unconstrained each held-out point was: the robust z of its scaled
 * residual (window.h: residual / sqrt(kriging sd from its fold's rows^2 +
 * tau^2)) beyond zmax.  At a corner or an edge of the runs a held-out
 * prediction extrapolates, and a large error there is what the other points
 * lead one to expect, not a sign of a bad simulation (without this, 5 of the
 * 24 exact tables of the accuracy benchmark had a flag).  Unless its
 * observed value lies far beyond all the others (check.h: a typo such as
 * 1e12 among stresses of 500 MPa spoils every fold's model, so every
 * scaled residual is large).  rz (nr) the rows' scaled residuals (mean over
 * repeats), obs their observed values (decades: in log10), both in the
 * order of rowi; nothing changes when one is not finite.  Returns the
 * number kept. */
static size_t keep_far_scaled(const double *rz, const double *obs, const size_t *rowi, size_t nr,
                              bool decades, double zmax, sg_outlier *out, size_t k, double *v)
{
    if (k == 0)
        return 0;
    for (size_t i = 0; i < nr; i++)
        if (!isfinite(rz[i]))
            return k;
    sg_outlier_scale zs;
    sg_outlier_scale_compute(rz, rz, nr, 0.0, v, &zs);
    double ss = 0.0;
    for (size_t i = 0; i < nr; i++)
        ss += rz[i] * rz[i];
    zs.mad_sd = fmax(zs.mad_sd, sqrt(ss / (double)nr));
    if (!(zs.mad_sd > 0))
        return k;
    size_t kept = 0;
    for (size_t c = 0; c < k; c++) {
        size_t i = 0;
        while (i < nr && rowi[i] != out[c].row)
            i++;
        if ((i < nr && fabs(rz[i] - zs.median) > zmax * zs.mad_sd) ||
            far_beyond_others(obs, nr, i, decades))
            out[kept++] = out[c];
    }
    return kept;
}

/* The fold row r was held out in (SIZE_MAX when not held out once). */
static size_t fold_of_row(const sg_cv_result *res, size_t r)
{
    if (res->n_held != res->n_rows)
        return SIZE_MAX;
    for (size_t i = 0; i < res->n_held; i++)
        if (res->held_row[i] == r)
            return res->held_fold[i];
    return SIZE_MAX;
}

/* Keep the flagged runs (out, k of them) whose fold is sound: under k-fold
 * the runs of a fold share one model, and when the fold's other runs also
 * miss (the median of their |residual - median| beyond 2 robust scales,
 * sc) that model is at fault, not the run: a network trained badly, or
 * under type = "auto" a fold whose inner choice went the other way.  Plans
 * that hold each row out once only (no repeats); a fold of one row (leave-
 * one-out) has no others to ask.  v is scratch of n_held doubles.
 * Returns the number kept. */
static size_t keep_in_sound_folds(const sg_cv_result *res, size_t j,
                                  const sg_outlier_scale *sc, sg_outlier *out, size_t k,
                                  double *v)
{
    if (res->n_held != res->n_rows || !(sc->scale > 0))
        return k;
    size_t kept = 0, no = res->n_out;
    for (size_t c = 0; c < k; c++) {
        size_t fold = fold_of_row(res, out[c].row), m = 0;
        for (size_t i = 0; i < res->n_held; i++)
            if (res->held_fold[i] == fold && res->held_row[i] != out[c].row)
                v[m++] = fabs(interval_resid(res->resp[j].log_interval, res->obs[i * no + j],
                                             res->pred[i * no + j]) -
                              sc->median);
        gsl_sort(v, 1, m);
        if (m == 0 || !(gsl_stats_median_from_sorted_data(v, 1, m) > 2.0 * sc->scale))
            out[kept++] = out[c];
    }
    return kept;
}

/* Mark (held, n_rows) the rows held out with record c's run: the run
 * itself, its fold (each row held out once), the group off the pattern it
 * belongs to.  (A repeat of its setting in the training rows predicts it.) */
static void mark_held_with(const sg_cv_result *res, const sg_outlier *out, size_t k, size_t c,
                           unsigned char *held)
{
    memset(held, 0, res->n_rows);
    held[out[c].row] = 1;
    size_t fold = fold_of_row(res, out[c].row);
    for (size_t i = 0; fold != SIZE_MAX && i < res->n_held; i++)
        if (res->held_fold[i] == fold)
            held[res->held_row[i]] = 1;
    for (size_t g = 0; out[c].off_pattern && g < k; g++)
        if (out[g].off_pattern && out[g].cluster_first == out[c].cluster_first)
            held[out[g].row] = 1;
}

/* Keep the flagged runs (out, *k of them) whose setting the other runs
 * determine: the runs outside the run's fold when each row is held out
 * once and outside its group off the pattern determine
 * the additive quadratic's value there (sg_rsm_determined).  Where they do
 * not, the run and its partners are the only runs that show a factor's
 * curvature at their setting (the centre runs of a Box-Behnken design,
 * which the edges cannot predict), and a prediction from the others is a
 * guess at that curvature, not evidence against the runs.  Not judged
 * above SG_OUTLIER_PATTERN_MAX_ROWS rows. */
static sg_status keep_determined(const sg_cv_result *res, const sg_model_spec *spec,
                                 const double *X, size_t n_in, sg_outlier *out, size_t *k,
                                 sg_error *err)
{
    size_t n = res->n_rows;
    if (*k == 0 || n > SG_OUTLIER_PATTERN_MAX_ROWS)
        return SG_OK;
    size_t *rows = malloc(n * sizeof *rows);
    unsigned char *held = malloc(n);
    sg_rsm_factor *kinds = malloc(n_in * sizeof *kinds);
    if (!rows || !held || !kinds) {
        free(rows);
        free(held);
        free(kinds);
        return sg_error_set(err, SG_ERR_NOMEM, "suspicious runs: out of memory");
    }
    sg_model__rsm_kinds(spec, n_in, kinds);
    sg_status st = SG_OK;
    size_t kept = 0;
    for (size_t c = 0; c < *k && st == SG_OK; c++) {
        size_t m = 0;
        mark_held_with(res, out, *k, c, held);
        for (size_t r = 0; r < n; r++)
            if (!held[r])
                rows[m++] = r;
        bool applies = false, determined = true;
        if (m > 0) {
            sg_error e2;
            st = sg_rsm_determined(X, n_in, n, n_in, kinds, rows, m, X + out[c].row * n_in,
                                   &applies, &determined, &e2);
            if (st == SG_ERR_NOMEM)
                *err = e2;
            else
                st = SG_OK; /* not judged: the flag stays */
        }
        if (!applies || determined)
            out[kept++] = out[c];
    }
    free(rows);
    free(held);
    free(kinds);
    if (st == SG_OK)
        *k = kept;
    return st;
}

/* Records of one response in order of their group (its first row), then
 * row: the runs of a group are listed together even when other flagged
 * runs lie between them in the table. */
static int cmp_outlier_group_row(const void *a, const void *b)
{
    const sg_outlier *x = a, *y = b;
    if (x->cluster_first != y->cluster_first)
        return (x->cluster_first > y->cluster_first) - (x->cluster_first < y->cluster_first);
    return (x->row > y->row) - (x->row < y->row);
}

/* The model refitted without table rows rows[0..ng) (all responses), and
 * its prediction and spread of response j at those rows (pred, sd: ng
 * each).  *ok = false when the refit fails for a reason other than memory
 * (the group is then not judged). */
static sg_status leave_group_out(const sg_model_spec *spec, const double *X, const double *Y,
                                 size_t n, size_t n_in, size_t no, const size_t *rows,
                                 size_t ng, size_t j, double *pred, double *sd, bool *ok,
                                 sg_error *err)
{
    size_t ntr = n - ng;
    double *Xtr = malloc((ntr * (n_in + no) + 2 * no) * sizeof *Xtr); /* then Ytr, mu */
    sg_model *m = NULL;
    sg_model_work *w = NULL;
    *ok = false;
    if (!Xtr)
        return sg_error_set(err, SG_ERR_NOMEM, "suspicious runs: out of memory");
    double *Ytr = Xtr + ntr * n_in, *mu = Ytr + ntr * no;
    sg_status st = SG_OK;
    for (size_t r = 0, t = 0; r < n; r++) {
        if (!among(r, rows, ng)) {
            memcpy(Xtr + t * n_in, X + r * n_in, n_in * sizeof *Xtr);
            memcpy(Ytr + t * no, Y + r * no, no * sizeof *Ytr);
            t++;
        }
    }
    sg_error e2;
    sg_status fs = sg_model_fit(spec, n_in, no, Xtr, Ytr, ntr, NULL, NULL, NULL, &m, &e2);
    if (fs == SG_OK)
        fs = sg_model_work_create(m, &w, &e2);
    if (fs == SG_ERR_NOMEM)
        st = sg_error_set(err, fs, "%s", e2.msg);
    if (fs != SG_OK)
        goto done;
    for (size_t g = 0; g < ng; g++) {
        sg_model_predict(m, w, X + rows[g] * n_in, mu, mu + no);
        pred[g] = mu[j];
        sd[g] = mu[no + j];
    }
    *ok = true;
done:
    sg_model_work_destroy(w);
    sg_model_destroy(m);
    free(Xtr);
    return st;
}

/* Neighbouring runs (table rows r, s of n_in factors): one after the other
 * in the table (simulated together), or set alike on at least half of the
 * factors (runs of one cell of the design, wherever the table lists
 * them). */
static bool neighbouring_runs(const double *X, size_t n_in, size_t r, size_t s)
{
    if (r + 1 == s || s + 1 == r)
        return true;
    size_t same = 0;
    for (size_t c = 0; c < n_in; c++)
        same += X[r * n_in + c] == X[s * n_in + c];
    return 2 * same >= n_in;
}

static size_t find_root(size_t *parent, size_t a)
{
    while (parent[a] != a)
        a = parent[a] = parent[parent[a]];
    return a;
}

/* Candidate groups: the positions a (of rowi) more than zmax off the
 * pattern (pattern residual p, robust scale ps) are joined when they are
 * neighbouring runs off it in the same direction with observed values
 * within a scale of each other; parent[a] ends as the root of a's group
 * (the smallest position), SIZE_MAX for a position that is no
 * candidate. */
static void join_candidates(const double *X, size_t n_in, const size_t *rowi, const double *obs,
                            size_t nr, const double *p, const sg_outlier_scale *ps,
                            double zmax, size_t *parent)
{
    for (size_t a = 0; a < nr; a++)
        parent[a] = fabs(p[rowi[a]] - ps->median) / ps->scale > zmax ? a : SIZE_MAX;
    for (size_t a = 0; a < nr; a++)
        for (size_t b = a + 1; parent[a] != SIZE_MAX && b < nr; b++) {
            if (parent[b] == SIZE_MAX ||
                (p[rowi[a]] - ps->median) * (p[rowi[b]] - ps->median) <= 0 ||
                fabs(obs[a] - obs[b]) > ps->scale || !neighbouring_runs(X, n_in, rowi[a], rowi[b]))
                continue;
            size_t ra = find_root(parent, a), rb = find_root(parent, b);
            parent[ra > rb ? ra : rb] = ra < rb ? ra : rb;
        }
    for (size_t a = 0; a < nr; a++)
        if (parent[a] != SIZE_MAX)
            parent[a] = find_root(parent, a);
}

/* Judge the candidate group of positions g[0..ng) (table rows rowi[g[.]]):
 * with the model refitted without it, each residual must lie in the
 * group's direction and outside the interval of the other runs' held-out
 * residuals by more than zmax pattern scales; if so the group is appended
 * to out (cluster_first, cluster_last: its smallest and largest rows). */
static sg_status judge_group(const sg_cv_result *res, size_t j, const sg_model_spec *spec,
                             double level, double zmax, const double *X, const double *Y,
                             size_t n_in, const size_t *rowi, const double *obs,
                             const size_t *g, size_t ng, const double *p,
                             const sg_outlier_scale *ps, size_t *rows, double *work,
                             sg_outlier *out, size_t *k, double *v, sg_error *err)
{
    double *gp = work, *gs = work + ng; /* the refit's predictions and spreads */
    for (size_t i = 0; i < ng; i++)
        rows[i] = rowi[g[i]];
    bool reach;
    double h = abs_quantile(res->obs, res->pred, res->held_row, res->n_held, res->n_out, j, false,
                            1, 0, rows, ng, level, v, &reach);
    double za = (p[rows[0]] - ps->median) / ps->scale;
    bool ok;
    sg_status st = leave_group_out(spec, X, Y, res->n_rows, n_in, res->n_out, rows, ng, j, gp,
                                   gs, &ok, err);
    for (size_t i = 0; st == SG_OK && ok && i < ng; i++) {
        double r = obs[g[i]] - gp[i];
        ok = r * za > 0 && fabs(r) > h + zmax * ps->scale;
    }
    for (size_t i = 0; st == SG_OK && ok && i < ng; i++)
        out[(*k)++] = (sg_outlier){rows[i], j, obs[g[i]], gp[i], gs[i], h,
                                   (p[rows[i]] - ps->median) / ps->scale, ps->scale, rows[0],
                                   rows[ng - 1], true, false};
    return st;
}

/* Groups of neighbouring runs off the additive pattern (outliers.h) that
 * leave-one-out could not expose: at least 2 neighbouring runs (one after
 * the other in the table, or set alike on at least half of the factors),
 * each more than zmax pattern scales (1.4826 MAD of the pattern's
 * residuals, floored by the resolution and range_frac of the range) off the
 * pattern in the same direction, observed values within a scale of a
 * neighbour's (near repeats vouching for each other), and, with the model
 * refitted without the whole group, each residual in that direction and
 * outside the interval of the other runs' held-out residuals by more than
 * zmax pattern scales (material; kept at zmax when a run alone went to
 * SG_CV_OUTLIER_MARGIN: no group case was measured).  The last test is
 * the model's: a group the model predicts from the other runs is a pattern
 * the table really has (leave-one-out cannot tell: each run of the group
 * is predicted from its partners).  At most SG_OUTLIER_PATTERN_MAX_GROUPS
 * candidates are judged, in order of their first row.  Appends to out (k
 * records already, none of whose rows a group may contain; predicted and
 * spread are the refit's) and sorts by group, then row.  rowi, obs (nr):
 * the held-out rows (ascending) and their observed values; v scratch of
 * n_held doubles. */
static sg_status pattern_groups(const sg_cv_result *res, size_t j, const sg_model_spec *spec,
                                double level, double zmax, double range_frac, const double *X,
                                const double *Y, size_t n_in, const size_t *rowi,
                                const double *obs, size_t nr, sg_outlier *out, size_t *k,
                                double *v, sg_error *err)
{
    size_t n = res->n_rows, no = res->n_out;
    double *p = malloc(n * sizeof *p), *w = malloc(4 * n * sizeof *w);
    size_t *parent = malloc(3 * (nr + 1) * sizeof *parent), *g = parent + nr + 1,
           *rows = g + nr + 1;
    bool applies = false;
    sg_status st = SG_OK;
    if (!p || !w || !parent)
        st = sg_error_set(err, SG_ERR_NOMEM, "suspicious runs: out of memory");
    else
        st = sg_outlier_pattern_residuals(X, n, n_in, Y + j, no, p, &applies, err);
    if (st != SG_OK || !applies)
        goto done;
    for (size_t r = 0; r < n; r++)
        w[r] = Y[r * no + j];
    sg_outlier_scale ps;
    sg_outlier_scale_compute(w, p, n, range_frac, w + n, &ps);
    if (!(ps.scale > 0))
        goto done;
    join_candidates(X, n_in, rowi, obs, nr, p, &ps, zmax, parent);
    size_t k0 = *k, judged = 0;
    for (size_t a = 0; a < nr && judged < SG_OUTLIER_PATTERN_MAX_GROUPS; a++) {
        if (parent[a] != a)
            continue; /* no candidate, or not its group's first run */
        size_t ng = 0;
        bool taken = false;
        for (size_t b = a; b < nr; b++)
            if (parent[b] == a) {
                g[ng++] = b;
                for (size_t c = 0; c < k0; c++)
                    taken = taken || (out[c].response == j && out[c].row == rowi[b]);
            }
        if (ng < 2 || taken)
            continue;
        judged++;
        if ((st = judge_group(res, j, spec, level, zmax, X, Y, n_in, rowi, obs, g, ng, p, &ps,
                              rows, w + 2 * n, out, k, v, err)) != SG_OK)
            goto done;
    }
    qsort(out, *k, sizeof *out, cmp_outlier_group_row);
done:
    free(p);
    free(w);
    free(parent);
    return st;
}

/* A log-scale response's per-row observed values, held-out predictions and
 * spreads (n each) in decades: log10 of the first two, the spread divided
 * by the prediction times ln 10. */
static void rows_to_decades(double *obs, double *pred, double *spread, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        spread[i] /= pred[i] * log(10.0);
        obs[i] = log10(obs[i]);
        pred[i] = log10(pred[i]);
    }
}

/* A record judged in decades back in the response's unit (its scale and
 * half-width stay in decades). */
static void record_to_unit(sg_outlier *o)
{
    o->observed = pow(10.0, o->observed);
    o->predicted = pow(10.0, o->predicted);
    o->spread *= o->predicted * log(10.0);
    o->log_scale = true;
}

/* Interval and outliers of response j; held_z (n_held) the scaled residuals
 * (NAN: none), scratch holds >= n_held + n_between + 7 n_rows doubles, rowi
 * n_rows sizes. */
static sg_status summarise(sg_cv_result *res, size_t j, const sg_model_spec *spec,
                           double level, double zmax, double range_frac, bool groups,
                           const double *held_z, const double *X, const double *Y,
                           size_t n_in, double *scratch, size_t *rowi, size_t *count,
                           sg_error *err)
{
    size_t no = res->n_out, m = res->n_held, n = res->n_rows, mb = res->n_between;
    sg_cv_response *R = &res->resp[j];
    R->level = level;
    bool reach, reach_b = true;
    bool lg = R->log_interval;
    R->half_width_plan = abs_quantile(res->obs, res->pred, res->held_row, m, no, j, lg, 1, 0,
                                      NULL, 0, level, scratch, &reach);
    R->half_width_between = 0.0;
    if (mb)
        R->half_width_between = abs_quantile(res->between_obs, res->between_pred,
                                             res->between_row, mb, no, j, lg, 1, 0, NULL, 0,
                                             level, scratch, &reach_b);
    R->log_rmse = lg ? log_rmse_of(res->obs, res->pred, m, no, j) : 0.0;
    R->rsm_log_rmse = lg && R->rsm_ok ? log_rmse_of(res->obs, res->rsm_pred, m, no, j) : 0.0;
    /* The interval covers the window (window_of: every held-out residual,
     * scaled by how unconstrained its point was, carried over to uniform
     * points of the box of the runs).  Without it, the plan's residuals:
     * the between-levels ones, taken alone, overstate the error of a model
     * fitted to all levels (holding out a middle level also removes that
     * factor's curvature; doc/model.md). */
    R->half_width = R->window_ok ? R->window_half_width : R->half_width_plan;
    R->coverage = held_coverage(res, j, false, R->half_width);
    R->coverage_between = held_coverage(res, j, true, R->half_width);
    (void)reach_b;
    if (R->window_ok && R->window_note[0])
        snprintf(R->interval_note, sizeof R->interval_note, "%s", R->window_note);
    else if (!R->window_ok && !reach)
        sg_num_snprintf(R->interval_note, sizeof R->interval_note,
                 "%zu held-out predictions cannot establish a %.0f%% level; the interval uses "
                 "the largest held-out error",
                 m, 100.0 * level);
    /* spread factor: the plan's quantile of |r| / sd (as the half-width) */
    bool zero_sd = false;
    for (size_t part = 0; part < 1u; part++) {
        const double *ob = part ? res->between_obs : res->obs;
        const double *pr = part ? res->between_pred : res->pred;
        const double *sdv = part ? res->between_sd : res->sd;
        size_t mm = part ? mb : m, ms = 0;
        for (size_t i = 0; i < mm; i++) {
            double sd = sdv[i * no + j];
            if (lg) /* the spread in decades where the prediction is */
                sd /= pr[i * no + j] * log(10.0);
            if (sd > 0)
                scratch[ms++] = fabs(interval_resid(lg, ob[i * no + j], pr[i * no + j])) / sd;
            else
                zero_sd = true;
        }
        if (ms > 0) {
            double q = sg_metrics_conformal_quantile(scratch, ms, level, &reach);
            R->spread_factor = part ? fmax(R->spread_factor, q) : q;
        }
    }
    R->spread_factor_ok = !zero_sd && m > 0;
    if (!R->spread_factor_ok)
        R->spread_factor = 0.0;
    /* Per-row residuals (mean over repeats) for the robust z-score, and the
     * scaled residuals (held_z are magnitudes: the residual's sign) */
    double *rp = scratch, *rs = scratch + n, *cnt = scratch + 2 * n, *obs = scratch + 3 * n;
    double *rz = scratch + 4 * n;
    for (size_t r = 0; r < n; r++)
        rp[r] = rs[r] = cnt[r] = obs[r] = rz[r] = 0.0;
    for (size_t i = 0; i < m; i++) {
        size_t r = res->held_row[i];
        rp[r] += res->pred[i * no + j];
        rs[r] += res->sd[i * no + j];
        rz[r] += copysign(held_z[i], res->obs[i * no + j] - res->pred[i * no + j]);
        cnt[r] += 1.0;
        obs[r] = res->obs[i * no + j];
    }
    /* compact the rows that were held out: rows, obs, pred, spread, scaled */
    double *tmp = scratch + 5 * n;
    size_t nr = 0;
    for (size_t r = 0; r < n; r++)
        if (cnt[r] > 0) {
            obs[nr] = obs[r];
            rp[nr] = rp[r] / cnt[r];
            rs[nr] = rs[r] / cnt[r];
            rz[nr] = rz[r] / cnt[r];
            rowi[nr] = r;
            nr++;
        }
    accuracy_note(res, j, obs, nr, tmp);
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
    if (lg) /* judged in decades, as its interval */
        rows_to_decades(obs, rp, rs, nr);
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
    /* scratch beyond the per-row arrays: max(m, mb) doubles */
    double *v = scratch + 7 * n;
    got = keep_outside_interval(res, j, level, res->outliers + *count, got, v);
    got = keep_far_scaled(rz, obs, rowi, nr, lg, zmax, res->outliers + *count, got, tmp);
    got = keep_in_sound_folds(res, j, &R->scale, res->outliers + *count, got, v);
    /* the additive pattern of the levels is one in the unit: not for a
     * log-scale response */
    if (groups && !lg) {
        sg_status st = pattern_groups(res, j, spec, level, zmax, range_frac, X, Y, n_in, rowi,
                                      obs, nr, res->outliers + *count, &got, v, err);
        if (st != SG_OK)
            return st;
    }
    sg_status sd = keep_determined(res, spec, X, n_in, res->outliers + *count, &got, err);
    if (sd != SG_OK)
        return sd;
    for (size_t i = 0; lg && i < got; i++)
        record_to_unit(&res->outliers[*count + i]);
    R->outlier_ok = true;
    *count += got;
    return SG_OK;
}

/* ---- anywhere in the window (window.h) ------------------------------------------- */

/* Root mean square of the finite values of v (m); 0 when there are none. */
static double rms_finite(const double *v, size_t m)
{
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (isfinite(v[i])) {
            s += v[i] * v[i];
            k++;
        }
    return k ? sqrt(s / (double)k) : 0.0;
}

/* Response j's window figures into R->window_* (window_ok false and
 * window_note saying why when they cannot be computed).  Held-out
 * predictions of the plan's fold f form group f, those of between-levels
 * fold f group nf + f (bp may be NULL).  train_mse: (nf, n_out) of the
 * plan's folds.  Only running out of memory is an error. */
static sg_status window_of(sg_cv_result *res, size_t j, const sg_model_spec *spec,
                           const sg_cv_plan *bp, const double *X, const double *Y, size_t n_in,
                           const double *train_mse, double level, bool want, double *held_z,
                           sg_error *err)
{
    sg_cv_response *R = &res->resp[j];
    size_t n = res->n_rows, no = res->n_out, nh = res->n_held, nb = res->n_between;
    size_t nf = res->n_folds, m = nh + nb;
    sg_window_figures wf = {0};
    R->window_ok = false;
    for (size_t i = 0; i < nh; i++)
        held_z[i] = NAN;
    if (!want) {
        snprintf(R->window_note, sizeof R->window_note, "not asked for");
        return SG_OK;
    }
    if (n > SG_WINDOW_MAX_ROWS) {
        snprintf(R->window_note, sizeof R->window_note,
                 "not computed above %d rows: the held-out rows already cover the window",
                 SG_WINDOW_MAX_ROWS);
        return SG_OK;
    }
    double tau2 = 0.0;
    for (size_t f = 0; f < nf; f++)
        tau2 += train_mse[f * no + j] / (double)nf;
    if (!isfinite(tau2)) {
        snprintf(R->window_note, sizeof R->window_note,
                 "the model's error at its training rows is unknown");
        return SG_OK;
    }
    size_t *row = malloc((m + 1) * sizeof *row), *group = malloc((m + 1) * sizeof *group);
    double *resid = malloc((m + 1) * sizeof *resid), *y = malloc(n * sizeof *y), *Xw = NULL;
    size_t *names = NULL;
    sg_status st = SG_OK;
    if (!row || !group || !resid || !y) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto done;
    }
    bool lg = R->log_interval; /* the window in decades: log10 of the values */
    for (size_t i = 0; i < n; i++)
        y[i] = lg ? log10(Y[i * no + j]) : Y[i * no + j];
    for (size_t i = 0; i < nh; i++) {
        row[i] = res->held_row[i];
        group[i] = res->held_fold[i];
        resid[i] = interval_resid(lg, res->obs[i * no + j], res->pred[i * no + j]);
    }
    for (size_t f = 0; bp && f < bp->n_folds; f++)
        for (size_t i = bp->start[f]; i < bp->start[f + 1]; i++) {
            row[nh + i] = res->between_row[i];
            group[nh + i] = nf + f;
            resid[nh + i] = interval_resid(lg, res->between_obs[i * no + j],
                                           res->between_pred[i * no + j]);
        }
    sg_window_held held = {m, row, group, resid};
    wf.z_each = malloc((m + 1) * sizeof *wf.z_each);
    if (!res->window_kriging)
        res->window_kriging = calloc(no * SG_WINDOW_POINTS, sizeof *res->window_kriging);
    wf.kriging_at_points = res->window_kriging ? res->window_kriging + j * SG_WINDOW_POINTS
                                               : NULL;
    if (!wf.z_each || !wf.kriging_at_points) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* the window as the models see it: a log-scale factor's runs and
     * points are spread over the log of its settings, a category's over
     * its names */
    size_t nx = sg_model__n_feat(spec, n_in);
    if (!(Xw = malloc(n * nx * sizeof *Xw)) || !(names = malloc(nx * sizeof *names))) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto done;
    }
    sg_model__encode_rows(spec, n_in, X, n, Xw);
    sg_model__input_names(spec, n_in, names);
    sg_error e2;
    sg_status ws = sg_window_figures_compute(Xw, y, n, nx, names, &held, tau2, level, spec->seed,
                                             &wf, &e2);
    if (ws == SG_ERR_NOMEM) {
        st = sg_error_set(err, ws, "%s", e2.msg);
        goto done;
    }
    if (ws != SG_OK) {
        snprintf(R->window_note, sizeof R->window_note, "%.159s", e2.msg);
        goto done;
    }
    R->window_ok = true;
    R->window_rmse = wf.rmse;
    R->window_half_width = wf.half_width;
    R->window_q_z = wf.q_z;
    R->window_tau = sqrt(tau2);
    R->window_z_plan = rms_finite(wf.z_each, nh);
    memcpy(held_z, wf.z_each, nh * sizeof *held_z);
    R->window_z_between = rms_finite(wf.z_each + nh, nb);
    if (!wf.reachable)
        snprintf(R->window_note, sizeof R->window_note,
                 "%zu held-out predictions cannot establish a %.0f%% level; the interval uses "
                 "the largest scaled error",
                 wf.n_z, 100.0 * level);
done:
    free(wf.z_each);
    free(row);
    free(group);
    free(resid);
    free(y);
    free(Xw);
    free(names);
    return st;
}

/* ---- run ---------------------------------------------------------------------- */

/* Allocate the result's between-levels arrays for plan bp (NULL: none) and
 * record which rows and factors its folds hold out. */
static bool between_alloc(sg_cv_result *res, const sg_cv_plan *bp, const double *Y)
{
    size_t no = res->n_out;
    if (!bp)
        return true;
    size_t nb = bp->start[bp->n_folds];
    res->n_between_folds = bp->n_folds;
    res->n_between = nb;
    res->between_row = malloc(nb * sizeof *res->between_row);
    res->between_factor = malloc(nb * sizeof *res->between_factor);
    res->between_obs = malloc(nb * no * sizeof *res->between_obs);
    res->between_pred = calloc(nb * no, sizeof *res->between_pred);
    res->between_sd = calloc(nb * no, sizeof *res->between_sd);
    res->between_rsm = calloc(nb * no, sizeof *res->between_rsm);
    res->between_proba = calloc(nb * res->n_prob + 1, sizeof *res->between_proba);
    if (!res->between_row || !res->between_factor || !res->between_obs || !res->between_pred ||
        !res->between_sd || !res->between_rsm || !res->between_proba)
        return false;
    for (size_t f = 0; f < bp->n_folds; f++)
        for (size_t i = bp->start[f]; i < bp->start[f + 1]; i++) {
            res->between_row[i] = bp->rows[i];
            res->between_factor[i] = bp->factor[f];
            memcpy(res->between_obs + i * no, Y + bp->rows[i] * no, no * sizeof *Y);
        }
    return true;
}

/* Metrics of the between-levels predictions of response j (network and,
 * when every fold fitted it, the baseline). */
static sg_status between_metrics(sg_cv_result *res, size_t j, sg_error *err)
{
    sg_cv_response *R = &res->resp[j];
    size_t no = res->n_out, nb = res->n_between;
    if (nb == 0)
        return SG_OK;
    sg_status st = sg_metrics_compute(res->between_obs + j, no, res->between_pred + j, no, nb,
                                      &R->between, err);
    if (st == SG_OK && R->rsm_ok)
        st = sg_metrics_compute(res->between_obs + j, no, res->between_rsm + j, no, nb,
                                &R->rsm_between, err);
    return st;
}

/* Distinct values of column f of X (n, n_in), counted up to limit (<= 8). */
static size_t distinct_values(const double *X, size_t n, size_t n_in, size_t f, size_t limit)
{
    double seen[8];
    size_t k = 0;
    for (size_t r = 0; r < n && k < limit && k < 8; r++) {
        double v = X[r * n_in + f];
        size_t i = 0;
        while (i < k && seen[i] != v)
            i++;
        if (i == k)
            seen[k++] = v;
    }
    return k;
}

/* Factor f onto a "1, 2 and 3" list: list (cap bytes, *len used) holds the
 * *k factors so far but the last (*last, 0-based), which a message names
 * after "and". */
static void list_add(char *list, size_t cap, size_t *len, size_t *k, size_t *last, size_t f)
{
    if (*k && *len < cap)
        *len += (size_t)snprintf(list + *len, cap - *len, "%s%zu", *k > 1 ? ", " : "",
                                 *last + 1);
    *last = f;
    ++*k;
}

/* The middle of the three values of column f into *mid (false when f
 * has not exactly three). */
static bool middle_value(const double *X, size_t n, size_t n_in, size_t f, double *mid)
{
    if (distinct_values(X, n, n_in, f, 4) != 3)
        return false;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t r = 0; r < n; r++) {
        lo = fmin(lo, X[r * n_in + f]);
        hi = fmax(hi, X[r * n_in + f]);
    }
    for (size_t r = 0; r < n; r++)
        if (X[r * n_in + f] > lo && X[r * n_in + f] < hi) {
            *mid = X[r * n_in + f];
            return true;
        }
    return false;
}

/* Response j's design_note for numeric 3-value factors that take their
 * middle value only together, on the same runs (the centre runs of a
 * two-level design): those runs show the curvature of all of them at
 * once, and no run tells whose it is. */
static void centre_only_note(sg_cv_result *res, size_t j, const sg_model_spec *spec,
                             const double *X, size_t n_in)
{
    size_t n = res->n_rows, first = SIZE_MAX, k = 0, last = 0, len = 0;
    double mid0 = 0, mid;
    char list[160] = "";
    for (size_t f = 0; f < n_in; f++) {
        if (sg_model__is_category(spec, f) || !middle_value(X, n, n_in, f, &mid))
            continue;
        if (first == SIZE_MAX) {
            first = f;
            mid0 = mid;
        }
        if (!sg_cv_same_level_rows(X, n, n_in, f, mid, first, mid0))
            continue;
        list_add(list, sizeof list, &len, &k, &last, f);
    }
    if (k < 2)
        return;
    sg_num_snprintf(res->resp[j].design_note, sizeof res->resp[j].design_note,
                    "the design cannot tell which factor curves: factors %s and %zu reach "
                    "their middle settings only together (centre runs), which show the "
                    "curvature of all at once; predictions between the settings of one factor "
                    "rest on a guess of whose it is (runs at the middle of one factor at a "
                    "time would tell)",
                    list, last + 1);
}

/* Response j's design_note when no other applies: numeric factors set to
 * only two values.  No run shows curvature in them, so no figure can tell
 * how accurate predictions between the two settings are (a 2^k or
 * fractional factorial without centre runs). */
static void two_setting_note(sg_cv_result *res, size_t j, const sg_model_spec *spec,
                             const double *X, size_t n_in)
{
    char list[160] = "";
    size_t len = 0, k = 0, last = 0;
    for (size_t f = 0; f < n_in; f++) {
        if (sg_model__is_category(spec, f) || distinct_values(X, res->n_rows, n_in, f, 3) != 2)
            continue;
        list_add(list, sizeof list, &len, &k, &last, f);
    }
    if (!k) {
        centre_only_note(res, j, spec, X, n_in);
        return;
    }
    char *note = res->resp[j].design_note;
    size_t cap = sizeof res->resp[j].design_note;
    if (k == 1)
        sg_num_snprintf(note, cap,
                        "the design cannot tell how accurate predictions between the two "
                        "settings of factor %zu are: no run shows curvature in it, and "
                        "predictions there rest on there being none (a run at its middle would "
                        "tell)",
                        last + 1);
    else
        sg_num_snprintf(note, cap,
                        "the design cannot tell how accurate predictions between tested "
                        "settings are: factors %s and %zu have two settings each, no run shows "
                        "curvature in them, and predictions between rest on there being none "
                        "(centre runs would tell)",
                        list, last + 1);
}

/* Response j's design_note (cv.h): between levels far above the plan's
 * error (in decades for a log-scale response, as its interval), worst
 * without the middle level of a 3-level factor; else numeric factors with
 * two settings only. */
static sg_status design_note(sg_cv_result *res, size_t j, const sg_model_spec *spec,
                             const double *X, size_t n_in, sg_error *err)
{
    sg_cv_response *R = &res->resp[j];
    size_t no = res->n_out, nb = res->n_between;
    bool lg = R->log_interval;
    double plan = lg ? log_rmse_of(res->obs, res->pred, res->n_held, no, j) : R->net.rmse;
    double btw = lg ? log_rmse_of(res->between_obs, res->between_pred, nb, no, j)
                    : R->between.rmse;
    R->design_note[0] = '\0';
    if (nb == 0 || !(plan > 0) || !(btw > SG_CV_CURVATURE_RATIO * plan)) {
        two_setting_note(res, j, spec, X, n_in);
        return SG_OK;
    }
    double *ss = calloc(2 * n_in, sizeof *ss), *cnt = ss + n_in;
    if (!ss)
        return sg_error_set(err, SG_ERR_NOMEM, "cross-validation: out of memory");
    for (size_t i = 0; i < nb; i++) {
        double r = interval_resid(lg, res->between_obs[i * no + j], res->between_pred[i * no + j]);
        ss[res->between_factor[i]] += r * r;
        cnt[res->between_factor[i]] += 1.0;
    }
    size_t worst = 0;
    for (size_t f = 1; f < n_in; f++)
        if (cnt[f] > 0 && (cnt[worst] == 0 || ss[f] / cnt[f] > ss[worst] / cnt[worst]))
            worst = f;
    char ratio[SG_NUM_SIG_CAP];
    if (distinct_values(X, res->n_rows, n_in, worst, 4) == 3)
        sg_num_snprintf(R->design_note, sizeof R->design_note,
                        "the design cannot tell how accurate predictions between levels are: "
                        "the error between levels is %s times that at tested settings, worst "
                        "without factor %zu's middle level, and the model then sees no "
                        "curvature; the between-levels and window figures may overstate the "
                        "error (a run between levels would tell)",
                        sg_num_sig(ratio, sizeof ratio, btw / plan, 2),
                        worst + 1);
    else
        two_setting_note(res, j, spec, X, n_in);
    free(ss);
    return SG_OK;
}

/* The number of classes of response j in the result: the columns up to
 * the next class response's (or the end). */
static size_t result_classes(const sg_cv_result *res, size_t j)
{
    size_t end = res->n_prob;
    for (size_t i = 0; i < res->n_out; i++)
        if (res->prob_off[i] != SIZE_MAX && res->prob_off[i] > res->prob_off[j] &&
            res->prob_off[i] < end)
            end = res->prob_off[i];
    return end - res->prob_off[j];
}

/* Class figures of class response j: network, baseline, between levels. */
static sg_status classify_k(sg_cv_result *res, size_t j, sg_error *err)
{
    sg_cv_response *R = &res->resp[j];
    size_t no = res->n_out, np = res->n_prob, off = res->prob_off[j];
    size_t k = result_classes(res, j);
    R->n_classes = k;
    snprintf(R->outlier_reason, sizeof R->outlier_reason,
             "a class response: no run is singled out");
    sg_status st = sg_class_metrics_compute_k(res->obs + j, no, res->proba + off, np, k,
                                              res->n_held, &R->cls, err);
    if (st == SG_OK && R->rsm_ok)
        st = sg_class_metrics_compute_k(res->obs + j, no, res->rsm_proba + off, np, k,
                                        res->n_held, &R->cls_rsm, err);
    if (st == SG_OK && res->n_between)
        st = sg_class_metrics_compute_k(res->between_obs + j, no, res->between_proba + off, np,
                                        k, res->n_between, &R->cls_between, err);
    return st;
}

/* Class figures of pass/fail response j: network, baseline, between levels. */
sg_status sg_cv_result_classify(sg_cv_result *res, size_t j, sg_error *err)
{
    sg_cv_response *R = &res->resp[j];
    size_t no = res->n_out;
    R->binary = true;
    R->n_classes = 2;
    if (res->n_prob && res->prob_off && res->prob_off[j] != SIZE_MAX)
        return classify_k(res, j, err);
    snprintf(R->outlier_reason, sizeof R->outlier_reason,
             "a pass/fail response: no run is singled out");
    sg_status st = sg_class_metrics_compute(res->obs + j, no, res->pred + j, no, res->n_held,
                                            &R->cls, err);
    if (st == SG_OK && R->rsm_ok)
        st = sg_class_metrics_compute(res->obs + j, no, res->rsm_pred + j, no, res->n_held,
                                      &R->cls_rsm, err);
    if (st == SG_OK && res->n_between)
        st = sg_class_metrics_compute(res->between_obs + j, no, res->between_pred + j, no,
                                      res->n_between, &R->cls_between, err);
    return st;
}

/* res->saturated and its figures: the smallest training set of the plan's
 * folds against the mean and the main-effect coefficients (kinds: the
 * factors as the baseline reads them). */
static void saturation(sg_cv_result *res, const sg_rsm_factor *kinds, size_t n_in)
{
    size_t terms = 1, largest = 0;
    for (size_t f = 0; f < n_in; f++)
        terms += kinds[f].levels >= 2 ? kinds[f].levels - 1 : 1;
    for (size_t g = 0; g < res->n_folds; g++) {
        size_t c = 0;
        for (size_t i = 0; i < res->n_held; i++)
            c += res->held_fold[i] == g;
        largest = c > largest ? c : largest;
    }
    res->main_terms = terms;
    res->fewest_training = res->n_rows - largest;
    res->saturated = res->n_folds > 0 && res->fewest_training < terms;
}

sg_status sg_cv_run(const sg_model_spec *spec, const sg_cv_options *opt, size_t n_in,
                    size_t n_out, const double *X, const double *Y, size_t n,
                    const char *const *response_names, sg_cv_progress_fn progress, void *user,
                    sg_cv_result **out, sg_error *err)
{
    sg_status st;
    sg_cv_plan *plan = NULL, *bplan = NULL;
    sg_cv_result *res = NULL;
    cv_job job;
    memset(&job, 0, sizeof job);
    pthread_t *threads = NULL;
    double *scratch = NULL, *held_z = NULL; /* held_z: (n_held) one response's scaled residuals */
    size_t *rowi = NULL;
    bool *rsm_failed = NULL;
    char (*rsm_fmsg)[256] = NULL;
    double *train_mse = NULL;
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
    /* the folds, and the refits without a group of runs, train the model
     * that fit trains on all n rows: its size-aware settings come from n,
     * not from their own rows (a 500-row table would otherwise be validated
     * with the 6-6 networks of a 400-row one) */
    sg_model_spec sized = sg_model_spec_sized(spec, n, n_in, n_out);
    spec = &sized;
    if ((st = sg_cv_plan_create(&opt->plan, n, spec->seed, &plan, err)) != SG_OK)
        return st;
    res = calloc(1, sizeof *res);
    if (!res)
        goto nomem;
    if ((st = sg_cv_levels_plan_create(opt->level_X ? opt->level_X : X, n, n_in,
                                       spec->categories, opt->min_train, &bplan,
                                       res->between_note,
                                       sizeof res->between_note, err)) != SG_OK)
        goto fail;
    size_t nh = plan->start[plan->n_folds], nf = plan->n_folds;
    size_t nbf = bplan ? bplan->n_folds : 0, nw = nf + nbf;
    res->plan = sg_cv_spec_resolve(opt->plan, n);
    res->n_rows = n;
    res->n_out = n_out;
    res->n_folds = nf;
    res->n_held = nh;
    if (!(res->prob_off = malloc(n_out * sizeof *res->prob_off)))
        goto nomem;
    for (size_t j = 0; j < n_out; j++) {
        size_t k = sg_model_spec_n_classes(spec, j);
        res->prob_off[j] = k >= 3 ? res->n_prob : SIZE_MAX;
        res->n_prob += k >= 3 ? k : 0;
    }
    res->proba = calloc(nh * res->n_prob + 1, sizeof *res->proba);
    res->rsm_proba = calloc(nh * res->n_prob + 1, sizeof *res->rsm_proba);
    res->held_row = malloc(nh * sizeof *res->held_row);
    res->held_fold = malloc(nh * sizeof *res->held_fold);
    res->obs = malloc(nh * n_out * sizeof *res->obs);
    res->pred = calloc(nh * n_out, sizeof *res->pred);
    res->sd = calloc(nh * n_out, sizeof *res->sd);
    res->rsm_pred = calloc(nh * n_out, sizeof *res->rsm_pred);
    res->resp = calloc(n_out, sizeof *res->resp);
    res->outliers = calloc(n * n_out, sizeof *res->outliers);
    job.fold_status = calloc(nw, sizeof *job.fold_status);
    job.fold_err = calloc(nw, sizeof *job.fold_err);
    rsm_failed = calloc(nw * n_out, sizeof *rsm_failed);
    job.rsm_msg = calloc(n_out, sizeof *job.rsm_msg);
    rsm_fmsg = calloc(nw * n_out, sizeof *rsm_fmsg);
    train_mse = calloc(nw * n_out, sizeof *train_mse);
    size_t nbh = bplan ? bplan->start[nbf] : 0;
    scratch = malloc((nh + nbh + 7 * n) * sizeof *scratch);
    held_z = malloc((nh + 1) * sizeof *held_z);
    rowi = malloc(n * sizeof *rowi);
    size_t nt = opt->n_threads < nw ? opt->n_threads : nw;
    threads = calloc(nt, sizeof *threads);
    if (!res->held_row || !res->held_fold || !res->obs || !res->pred || !res->sd ||
        !res->proba || !res->rsm_proba ||
        !res->rsm_pred || !res->resp || !res->outliers || !job.fold_status || !job.fold_err ||
        !rsm_failed || !job.rsm_msg || !rsm_fmsg || !train_mse || !scratch || !held_z || !rowi ||
        !threads ||
        !between_alloc(res, bplan, Y))
        goto nomem;
    for (size_t f = 0; f < nf; f++)
        for (size_t i = plan->start[f]; i < plan->start[f + 1]; i++) {
            res->held_row[i] = plan->rows[i];
            res->held_fold[i] = f;
            memcpy(res->obs + i * n_out, Y + plan->rows[i] * n_out, n_out * sizeof *Y);
        }
    /* threads left over by the folds train the members of each fold */
    sg_model_spec fold_spec = *spec;
    fold_spec.n_threads = nt > 0 && opt->n_threads / nt > 1 ? opt->n_threads / nt : 1;
    job.spec = &fold_spec;
    job.opt = opt;
    job.part[0] = (cv_part){plan, res->pred, res->sd, res->rsm_pred, res->proba,
                            res->rsm_proba, rsm_failed, rsm_fmsg, train_mse};
    job.part[1] = (cv_part){bplan, res->between_pred, res->between_sd, res->between_rsm,
                            res->between_proba, NULL, rsm_failed + nf * n_out,
                            rsm_fmsg + nf * n_out, train_mse + nf * n_out};
    job.n_prob = res->n_prob;
    job.prob_off = res->prob_off;
    job.n_parts = bplan ? 2 : 1;
    job.n_work = nw;
    job.n_in = n_in;
    job.n_out = n_out;
    job.n = n;
    job.X = X;
    job.Y = Y;
    if (!(job.rsm_kinds = malloc(n_in * sizeof *job.rsm_kinds)))
        goto nomem;
    sg_model__rsm_kinds(spec, n_in, job.rsm_kinds);
    job.names = response_names;
    job.progress = progress;
    job.user = user;
    if (pthread_mutex_init(&job.lock, NULL) != 0) {
        st = sg_error_set(err, SG_ERR_INTERNAL, "cross-validation: cannot create a mutex");
        goto fail;
    }
    lock_ok = true;
    if (opt->exec && nw >= opt->exec->n_workers) {
        fold_spec.exec = NULL; /* a fold's members run on the threads of its process */
        fold_spec.n_threads = 1;
        map_folds(&job, opt->exec, opt->n_threads);
    } else if (opt->exec) {
        /* fewer folds than processes (a hold-out): the folds one after
         * another on every process, their members shared out instead */
        fold_spec.exec = opt->exec;
        fold_spec.n_threads = opt->n_threads;
        folds_in_turn(&job);
    } else if (members_share_better(&fold_spec, n_out, nw, nt)) {
        /* the folds do not share evenly among the threads but each fold's
         * members do: folds in turn, members in parallel (same results) */
        fold_spec.n_threads = opt->n_threads;
        folds_in_turn(&job);
    } else {
        size_t started = 0;
        for (; started < nt; started++)
            if (pthread_create(&threads[started], NULL, worker, &job) != 0)
                break;
        if (started == 0)
            worker(&job); /* no thread could start: run serially */
        for (size_t t = 0; t < started; t++)
            pthread_join(threads[t], NULL);
    }
    for (size_t g = 0; g < nw; g++) {
        if (job.fold_status[g] != SG_OK) {
            if (g < nf)
                st = sg_error_set(err, job.fold_status[g], "cross-validation fold %zu of %zu: %s",
                                  g + 1, nf, job.fold_err[g].msg);
            else
                st = sg_error_set(err, job.fold_status[g],
                                  "cross-validation, between-levels fold %zu of %zu: %s",
                                  g - nf + 1, nbf, job.fold_err[g].msg);
            goto fail;
        }
    }
    for (size_t j = 0; j < n_out; j++) /* the baseline's message: the first fold that failed */
        for (size_t g = nw; g-- > 0;)
            if (rsm_failed[g * n_out + j])
                memcpy(job.rsm_msg[j], rsm_fmsg[g * n_out + j], sizeof job.rsm_msg[j]);
    saturation(res, job.rsm_kinds, n_in);
    size_t count = 0;
    for (size_t j = 0; j < n_out; j++) {
        sg_cv_response *R = &res->resp[j];
        if ((st = sg_metrics_compute(res->obs + j, n_out, res->pred + j, n_out, nh, &R->net,
                                     err)) != SG_OK)
            goto fail;
        R->rsm_ok = opt->baseline;
        for (size_t g = 0; g < nw; g++)
            if (rsm_failed[g * n_out + j])
                R->rsm_ok = false;
        if (!opt->baseline)
            snprintf(R->rsm_reason, sizeof R->rsm_reason, "baseline not requested");
        else if (!R->rsm_ok)
            snprintf(R->rsm_reason, sizeof R->rsm_reason, "%s", job.rsm_msg[j]);
        else if ((st = sg_metrics_compute(res->obs + j, n_out, res->rsm_pred + j, n_out, nh,
                                          &R->rsm, err)) != SG_OK)
            goto fail;
        if ((st = between_metrics(res, j, err)) != SG_OK)
            goto fail;
        if (sg_model_spec_n_classes(spec, j) >= 2) {
            snprintf(R->window_note, sizeof R->window_note,
                     "not computed for a response of names (its figures are probabilities)");
            if ((st = sg_cv_result_classify(res, j, err)) != SG_OK)
                goto fail;
            continue;
        }
        R->log_interval = sg_model__is_log_y(spec, j);
        if (sg_duplicates_scatter(X, n_in, Y, n_out, n, j, R->log_interval, &R->replicate_sd,
                                  &R->replicate_dof, &R->replicate_settings) != SG_OK)
            goto nomem;
        if ((st = design_note(res, j, spec, X, n_in, err)) != SG_OK)
            goto fail;
        if ((st = window_of(res, j, spec, bplan, X, Y, n_in, train_mse, opt->level,
                            opt->window, held_z, err)) != SG_OK)
            goto fail;
        if ((st = summarise(res, j, spec, opt->level, opt->outlier_z, opt->outlier_range_frac,
                            opt->groups, held_z, X, Y, n_in, scratch, rowi, &count, err)) !=
            SG_OK)
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
    free(held_z);
    free(rowi);
    free(job.fold_status);
    free(job.fold_err);
    free(rsm_failed);
    free(rsm_fmsg);
    free(train_mse);
    free(job.rsm_msg);
    free(job.rsm_kinds);
    sg_cv_plan_destroy(plan);
    sg_cv_plan_destroy(bplan);
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

/* The figure for the interpolation question: the worse of the plan's and
 * the between-levels RMSE (the plan's alone when there are no levels). */
static double interp_rmse(const sg_cv_result *r, const sg_metrics *plan, const sg_metrics *btw)
{
    return r->n_between ? fmax(plan->rmse, btw->rmse) : plan->rmse;
}

bool sg_cv_is_rounding(double v, double range) { return fabs(v) < SG_CV_EXACT_SHARE * range; }

const char *sg_cv_error_text(char *buf, size_t cap, double v, double range)
{
    if (sg_cv_is_rounding(v, range))
        snprintf(buf, cap, "0 to rounding");
    else
        sg_num_snprintf(buf, cap, "%.4g", v);
    return buf;
}

/* Do the network's squared errors of response j on these m held-out rows
 * (stride no) exceed the baseline's by more than their scatter?  A one-sided
 * t test on the paired differences: the same rows, so what the rows share
 * cancels. */
static bool shows_worse(const double *obs, const double *pred, const double *rsm, size_t m,
                        size_t no, size_t j, bool lg)
{
    if (m < 2)
        return true; /* nothing to judge the scatter by: the figures decide */
    double mean = 0.0, m2 = 0.0;
    for (size_t i = 0; i < m; i++) {
        double en = interval_resid(lg, obs[i * no + j], pred[i * no + j]);
        double eq = interval_resid(lg, obs[i * no + j], rsm[i * no + j]);
        double d = en * en - eq * eq, delta = d - mean;
        mean += delta / (double)(i + 1);
        m2 += delta * (d - mean);
    }
    double se = sqrt(m2 / (double)(m - 1) / (double)m);
    return mean > gsl_cdf_tdist_Pinv(SG_CV_BASELINE_CONFIDENCE, (double)(m - 1)) * se;
}

sg_baseline_verdict sg_cv_baseline_verdict(const sg_cv_result *r, size_t j, double *net_out,
                                           double *rsm_out)
{
    const sg_cv_response *R = &r->resp[j];
    double net = interp_rmse(r, &R->net, &R->between);
    double rsm = R->rsm_ok ? interp_rmse(r, &R->rsm, &R->rsm_between) : 0.0;
    /* in decades, as its interval (not in results files written before) */
    bool lg = R->log_interval && R->rsm_ok && isfinite(R->rsm_log_rmse);
    /* the worse of the plan's and the between-levels figures in decades: a
     * quadratic exact at a 3-level grid's runs (an additive law on log
     * scales) is not exact between its levels */
    double net_btw =
        lg ? log_rmse_of(r->between_obs, r->between_pred, r->n_between, r->n_out, j) : 0.0;
    if (lg) {
        net = fmax(R->log_rmse, net_btw);
        rsm = fmax(R->rsm_log_rmse,
                   log_rmse_of(r->between_obs, r->between_rsm, r->n_between, r->n_out, j));
    }
    if (net_out)
        *net_out = net;
    if (rsm_out)
        *rsm_out = rsm;
    if (R->binary || !R->rsm_ok)
        return SG_BASELINE_NONE;
    if (!(net > rsm))
        return SG_BASELINE_MODEL_BETTER;
    if (sg_cv_is_rounding(net, lg ? R->log_range : R->range))
        return SG_BASELINE_TIED; /* both exact: 6e-12 against 1e-13 is rounding */
    bool blind = !lg && r->n_between && R->design_note[0] && R->net.rmse < R->rsm.rmse;
    if (blind)
        return SG_BASELINE_UNDECIDED;
    /* the rows the network's figure came from (its worse set) */
    bool btw = r->n_between && (lg ? net_btw > R->log_rmse : R->between.rmse > R->net.rmse);
    bool shown = btw ? shows_worse(r->between_obs, r->between_pred, r->between_rsm,
                                   r->n_between, r->n_out, j, lg)
                     : shows_worse(r->obs, r->pred, r->rsm_pred, r->n_held, r->n_out, j, lg);
    return shown ? SG_BASELINE_MODEL_WORSE : SG_BASELINE_TIED;
}

size_t sg_cv_gates(const sg_cv_result *r, const double *train_rmse,
                   const char *const *response_names, sg_gate_warning *out, size_t cap)
{
    (void)train_rmse; /* the over-fitting gate is gone (issue 12): see the header */
    size_t k = 0;
    char msg[SG_GATE_MESSAGE_MAX], name[32];
    for (size_t j = 0; j < r->n_out; j++) {
        if (r->resp[j].binary) /* judged by its class figures (fit.c notes) */
            continue;
        const char *nm = response_names ? response_names[j] : NULL;
        if (!nm) {
            snprintf(name, sizeof name, "y%zu", j + 1);
            nm = name;
        }
        const sg_cv_response *R = &r->resp[j];
        double net, rsm;
        sg_baseline_verdict v = sg_cv_baseline_verdict(r, j, &net, &rsm);
        bool lg = R->log_interval && R->rsm_ok && isfinite(R->rsm_log_rmse);
        /* the design cannot tell between levels, and at tested settings
         * the model is the better: the worse-of figures are two guesses
         * at a curvature no run shows, and the advice says so */
        if (v == SG_BASELINE_UNDECIDED) {
            char q[32], t[32];
            sg_num_snprintf(msg, sizeof msg,
                     "%.80s: the model's cross-validated RMSE between levels (%.4g) is worse "
                     "than the quadratic response surface's (%s), but the design cannot tell "
                     "between levels (note (design)) and at tested settings the model is the "
                     "better (%.4g against %s): prefer neither on these figures alone",
                     nm, R->between.rmse,
                     sg_cv_error_text(q, sizeof q, R->rsm_between.rmse, R->range), R->net.rmse,
                     sg_cv_error_text(t, sizeof t, R->rsm.rmse, R->range));
            put(out, cap, &k, SG_GATE_WORSE_THAN_BASELINE, j, net, rsm, msg);
        } else if (v == SG_BASELINE_MODEL_WORSE) {
            char q[32];
            sg_num_snprintf(msg, sizeof msg,
                     "%.80s: the model's cross-validated %s (%.4g%s) is worse than the "
                     "quadratic response surface's (%s); prefer the simpler model: [model] "
                     "type = \"quadratic\" (its equation is in 'analyze' and on the "
                     "workbook's Regression sheet)",
                     nm, lg ? "rms error in log10" : "RMSE", net,
                     r->n_between ? ", the worse of leave-one-out and between levels" : "",
                     sg_cv_error_text(q, sizeof q, rsm, lg ? R->log_range : R->range));
            put(out, cap, &k, SG_GATE_WORSE_THAN_BASELINE, j, net, rsm, msg);
        }
        if (!R->net.r2_ok) {
            snprintf(msg, sizeof msg, "%.80s: Q² cannot be computed: %s", nm, R->net.reason);
            put(out, cap, &k, SG_GATE_NO_Q2, j, 0.0, SG_CV_MIN_Q2, msg);
        } else if (R->net.r2 < SG_CV_MIN_Q2) {
            if (r->saturated)
                sg_num_snprintf(msg, sizeof msg,
                         "%.80s: cross-validated R² is %.3f (below %.2f), but the design cannot "
                         "tell: with a run held out, the %zu others cannot determine the mean "
                         "and %zu main effects (a saturated design), so a held-out prediction "
                         "is a guess for any model; 'analyze' ranks the factors by their main "
                         "effects, and more runs would let a model be judged",
                         nm, R->net.r2, SG_CV_MIN_Q2, r->fewest_training, r->main_terms - 1);
            else
                sg_num_snprintf(msg, sizeof msg,
                         "%.80s: cross-validated R² is %.3f (below %.2f): the model finds no "
                         "usable predictive structure; do not rely on its predictions",
                         nm, R->net.r2, SG_CV_MIN_Q2);
            put(out, cap, &k, SG_GATE_LOW_Q2, j, R->net.r2, SG_CV_MIN_Q2, msg);
        }
    }
    return k;
}

size_t sg_cv_gates_without(sg_gate_warning *g, size_t n, sg_gate_kind kind)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (g[i].kind != kind)
            g[m++] = g[i];
    return m;
}
