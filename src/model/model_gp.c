/* model_gp.c — the surrogate as kriging models (one sg_gp per response) and
 * the automatic choice between kriging and the network (model.h, type).
 *
 * Reproducible reloads.  The fitted hyper-parameters are what the model
 * file stores; the model itself is rebuilt from them by sg_gp_fit_fixed
 * straight after the fit, exactly as the loader rebuilds it, so a saved
 * and reloaded model predicts bit for bit like the one that was fitted. */
#include "model/model_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/cv.h"

/* Seed of the kriging fit of response j: a stream apart from the members'. */
static uint64_t gp_seed(uint64_t study_seed, size_t j)
{
    return sg_model_member_seed(study_seed ^ 0x6B726967696E67ull /* "kriging" */, j, 0);
}

void sg_model__bounds_of_rows(sg_model *m, const double *X, size_t n)
{
    for (size_t i = 0; i < m->n_in; i++) {
        m->lo[i] = m->hi[i] = X[i];
        for (size_t r = 1; r < n; r++) {
            m->lo[i] = fmin(m->lo[i], X[r * m->n_in + i]);
            m->hi[i] = fmax(m->hi[i], X[r * m->n_in + i]);
        }
    }
}

sg_status sg_model__gp_build(sg_model *m, size_t j, sg_error *err)
{
    size_t d = m->n_feat, n = m->n_rows, no = m->n_out;
    const double *p = m->gpar + j * SG_MODEL_GP_NPAR(d);
    double *y = malloc(n * sizeof *y);
    if (!y)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    bool lg = sg_model__is_log_y(&m->spec, j); /* gy holds the values themselves */
    for (size_t r = 0; r < n; r++)
        y[r] = lg ? log10(m->gy[r * no + j]) : m->gy[r * no + j];
    sg_status st;
    sg_gp_destroy(m->gp[j]);
    m->gp[j] = NULL;
    if (p[3 * d] == 0.0) { /* constant response: the fallback of sg_gp_fit */
        st = sg_gp_fit(m->gx, y, n, d, p, p + d, NULL, 0, &m->gp[j], err);
        if (st == SG_OK && !sg_gp_info_of(m->gp[j])->constant)
            st = sg_error_set(err, SG_ERR_INVALID,
                              "kriging of %s: signal variance 0 but the response varies",
                              m->rname[j]);
    } else {
        st = sg_gp_fit_fixed(m->gx, y, n, d, p, p + d, p + 2 * d, p[3 * d], p[3 * d + 1], NULL,
                             &m->gp[j], err);
    }
    free(y);
    if (st != SG_OK)
        sg_error_prefix(err, m->rname[j]);
    return st;
}

sg_status sg_model__numbers_only(const sg_model_spec *spec, size_t n_out,
                                 const char *const *response_names, const char *model,
                                 const char *alternative, sg_error *err)
{
    for (size_t j = 0; j < n_out && j < SG_MODEL_MAX_CATEGORICAL; j++)
        if (spec->classes[j] >= 2)
            return sg_error_set(err, SG_ERR_INVALID,
                                "%s models numbers; response %s holds names (%s): use type = "
                                "\"mlp\" (a network with a %s output)%s",
                                model, response_names ? response_names[j] : "?",
                                spec->classes[j] == 2 ? "pass/fail" : "classes",
                                spec->classes[j] == 2 ? "logistic" : "softmax", alternative);
    return SG_OK;
}

/* A factor every run has at one value gets a scaling range of its own
 * magnitude: the kernel holds it at SG_GP_FLAT_LENGTH (gp.h), so the range
 * only has to be a valid one. */
static void widen_unvaried(const double *flo, double *fhi, size_t d)
{
    for (size_t p = 0; p < d; p++)
        if (flo[p] == fhi[p])
            fhi[p] = flo[p] + fmax(fabs(flo[p]), 1.0);
}

sg_status sg_model__fit_gp(const sg_model_spec *spec, size_t n_in, size_t n_out,
                           const double *X, const double *Y, size_t n,
                           const char *const *response_names, sg_model **out, sg_error *err)
{
    *out = NULL;
    if (!X || !Y)
        return sg_error_set(err, SG_ERR_INVALID, "model fit: no data");
    sg_status named = sg_model__numbers_only(spec, n_out, response_names,
                                             "kriging (type = \"gp\")", " or \"auto\"", err);
    if (named != SG_OK)
        return named;
    if (n < SG_MODEL_GP_MIN_ROWS(n_in))
        return sg_error_set(err, SG_ERR_INVALID,
                            "kriging (type = \"gp\") with %zu factor%s needs at least %zu runs; "
                            "the data have %zu (use type = \"mlp\" or add runs)",
                            n_in, n_in == 1 ? "" : "s", SG_MODEL_GP_MIN_ROWS(n_in), n);
    sg_model *m = NULL;
    double *y = NULL;
    sg_gp *g = NULL;
    sg_status st = sg_model__alloc_gp(spec, n_in, n_out, n, &m, err);
    if (st != SG_OK)
        return st;
    for (size_t j = 0; response_names && j < n_out && st == SG_OK; j++)
        st = sg_model_set_string(&m->rname[j], response_names[j], err);
    if (st != SG_OK)
        goto fail;
    size_t d = m->n_feat;
    sg_model__encode_rows(spec, n_in, X, n, m->gx);
    memcpy(m->gy, Y, n * n_out * sizeof *Y);
    sg_model__bounds_of_rows(m, X, n);
    /* the network's scalers are unused; keep them the identity */
    for (size_t i = 0; i < d; i++)
        m->xs->width[i] = 1.0;
    for (size_t j = 0; j < n_out; j++)
        m->ys->width[j] = 1.0;
    /* Input bounds: a numeric factor's from the runs, a category's 0 .. 1
     * (a one-hot input may be constant in a fold that lacks a name). */
    if (!(y = malloc((n + 2 * d) * sizeof *y))) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if ((st = sg_model__log_responses(spec, Y, n, n_out, m->gy, err)) != SG_OK)
        goto fail;
    memcpy(m->gy, Y, n * n_out * sizeof *Y); /* the values themselves (model file) */
    for (size_t j = 0; j < n_out; j++) {
        bool lg = sg_model__is_log_y(spec, j);
        for (size_t r = 0; r < n; r++)
            y[r] = lg ? log10(Y[r * n_out + j]) : Y[r * n_out + j];
        double *flo = y + n, *fhi = y + n + d;
        sg_model__feature_bounds(m, flo, fhi);
        widen_unvaried(flo, fhi, d);
        if ((st = sg_gp_fit(m->gx, y, n, d, flo, fhi, NULL, gp_seed(spec->seed, j), &g, err)) !=
            SG_OK) {
            sg_error_prefix(err, m->rname[j]);
            goto fail;
        }
        double *p = m->gpar + j * SG_MODEL_GP_NPAR(d);
        memcpy(p, sg_gp_lo(g), d * sizeof *p);
        memcpy(p + d, sg_gp_hi(g), d * sizeof *p);
        memcpy(p + 2 * d, sg_gp_length_scales(g), d * sizeof *p);
        p[3 * d] = sg_gp_info_of(g)->constant ? 0.0 : sg_gp_signal_var(g);
        p[3 * d + 1] = sg_gp_info_of(g)->constant ? 0.0 : sg_gp_noise_var(g);
        sg_gp_destroy(g);
        g = NULL;
        if ((st = sg_model__gp_build(m, j, err)) != SG_OK)
            goto fail;
    }
    free(y);
    *out = m;
    return SG_OK;
fail:
    sg_gp_destroy(g);
    free(y);
    sg_model_destroy(m);
    return st;
}

/* ---- automatic choice --------------------------------------------------- */

/* Value v of response j as the comparison sees it: log10 of a log-scale
 * response's, the scale its interval and the user read it on. */
static double as_compared(const sg_model_spec *spec, size_t j, double v)
{
    return sg_model__is_log_y(spec, j) ? log10(v) : v;
}

/* Sample variance of column j of Y (n, no) as compared; 0 for a constant
 * column. */
static double col_var(const sg_model_spec *spec, const double *Y, size_t n, size_t no,
                      size_t j)
{
    double mean = 0, ss = 0;
    for (size_t r = 0; r < n; r++)
        mean += as_compared(spec, j, Y[r * no + j]);
    mean /= (double)n;
    for (size_t r = 0; r < n; r++) {
        double d = as_compared(spec, j, Y[r * no + j]) - mean;
        ss += d * d;
    }
    return n > 1 ? ss / (double)(n - 1) : 0.0;
}

/* Mean over responses (of positive variance) of MSE / variance; mse (no). */
static double score_of(const sg_model_spec *spec, const double *mse, const double *Y, size_t n,
                       size_t no)
{
    double s = 0;
    size_t k = 0;
    for (size_t j = 0; j < no; j++) {
        double v = col_var(spec, Y, n, no, j);
        if (v > 0) {
            s += mse[j] / v;
            k++;
        }
    }
    return k ? s / (double)k : 0.0;
}

/* Mean squared errors (mse, no) of the network (gp false) or kriging
 * refitted without each fold of plan, at the rows the fold holds out. */
static sg_status fold_mse(const sg_model_spec *spec, bool gp, const sg_cv_plan *plan,
                          size_t n_in, size_t no, const double *X, const double *Y, size_t n,
                          double *mse, sg_error *err)
{
    double *Xtr = malloc(n * n_in * sizeof *Xtr), *Ytr = malloc(n * no * sizeof *Ytr);
    double *mu = malloc(no * sizeof *mu);
    unsigned char *held = malloc(n);
    sg_model *m = NULL;
    sg_model_work *w = NULL;
    sg_status st = SG_OK;
    size_t nh = plan->start[plan->n_folds];
    for (size_t j = 0; j < no; j++)
        mse[j] = 0.0;
    if (!Xtr || !Ytr || !mu || !held) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t f = 0; f < plan->n_folds && st == SG_OK; f++) {
        size_t t = sg_cv_plan_training_rows(plan, f, X, n_in, Y, no, held, Xtr, Ytr);
        st = gp ? sg_model__fit_gp(spec, n_in, no, Xtr, Ytr, t, NULL, &m, err)
                : sg_model__fit_mlp(spec, n_in, no, Xtr, Ytr, t, NULL, NULL, NULL, &m, err);
        if (st != SG_OK || (st = sg_model_work_create(m, &w, err)) != SG_OK)
            break;
        for (size_t i = plan->start[f]; i < plan->start[f + 1]; i++) {
            size_t r = plan->rows[i];
            sg_model_predict(m, w, X + r * n_in, mu, NULL);
            for (size_t j = 0; j < no; j++) {
                double e = as_compared(spec, j, Y[r * no + j]) - as_compared(spec, j, mu[j]);
                mse[j] += e * e / (double)nh;
            }
        }
        sg_model_work_destroy(w);
        sg_model_destroy(m);
        w = NULL;
        m = NULL;
    }
done:
    sg_model_work_destroy(w);
    sg_model_destroy(m);
    free(Xtr);
    free(Ytr);
    free(mu);
    free(held);
    return st;
}

/* Both models' inner k-fold MSE per response (gp_mse, mlp_mse: no each),
 * from the same folds. */
static sg_status inner_mse(const sg_model_spec *spec, size_t n_in, size_t no, const double *X,
                           const double *Y, size_t n, double *gp_mse, double *mlp_mse,
                           sg_error *err)
{
    sg_cv_spec cs = {SG_CV_KFOLD, n < SG_MODEL_AUTO_INNER_K ? n : SG_MODEL_AUTO_INNER_K, 1, 0};
    sg_cv_plan *plan = NULL;
    sg_status st = sg_cv_plan_create(&cs, n, spec->seed, &plan, err);
    if (st == SG_OK)
        st = fold_mse(spec, false, plan, n_in, no, X, Y, n, mlp_mse, err);
    if (st == SG_OK)
        st = fold_mse(spec, true, plan, n_in, no, X, Y, n, gp_mse, err);
    sg_cv_plan_destroy(plan);
    return st;
}

/* On a level-coded design the inner folds test both models only at grid
 * points, where kriging is at its best: both are also refitted without
 * each interior level (cv.h, between levels).  That figure errs the other
 * way: without a middle level neither model sees the factor's curvature,
 * and the one that guesses it worse loses, however much better it is at
 * the grid points (kriging on a smooth full factorial, 3-4 times more
 * accurate at random points).  A random point of the window lies between
 * the two questions, so each response's MSE becomes the geometric mean of
 * the two figures: neither a guess about curvature nor accuracy at tested
 * settings alone decides.
 * Nothing changes when the design is not level-coded or a refit fails
 * (then *used = false). */
static sg_status between_levels_mse(const sg_model_spec *spec, size_t n_in, size_t no,
                                    const double *X, const double *Y, size_t n, double *gp_mse,
                                    double *mlp_mse, bool *used, sg_error *err)
{
    *used = false;
    sg_cv_plan *bp = NULL;
    char note[200];
    sg_error e2;
    if (sg_cv_levels_plan_create(X, n, n_in, spec->categories, 2, &bp, note, sizeof note, &e2) !=
            SG_OK ||
        !bp)
        return SG_OK;
    double *g = malloc(2 * no * sizeof *g);
    sg_status st = SG_OK;
    if (!g) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto done;
    }
    sg_status gs = fold_mse(spec, true, bp, n_in, no, X, Y, n, g, &e2);
    if (gs == SG_ERR_NOMEM) {
        st = sg_error_set(err, gs, "%s", e2.msg);
        goto done;
    }
    if (gs != SG_OK) /* kriging cannot be refitted on every fold: the plan's figures alone */
        goto done;
    if ((st = fold_mse(spec, false, bp, n_in, no, X, Y, n, g + no, err)) != SG_OK)
        goto done;
    for (size_t j = 0; j < no; j++) {
        gp_mse[j] = sqrt(gp_mse[j] * g[j]);
        mlp_mse[j] = sqrt(mlp_mse[j] * g[no + j]);
    }
    *used = true;
done:
    free(g);
    sg_cv_plan_destroy(bp);
    return st;
}

sg_status sg_model__fit_auto(const sg_model_spec *spec, size_t n_in, size_t n_out,
                             const double *X, const double *Y, size_t n,
                             const char *const *response_names, sg_model_progress_fn progress,
                             void *user, sg_model **out, sg_error *err)
{
    *out = NULL;
    sg_model_selection sel;
    memset(&sel, 0, sizeof sel);
    sel.requested = true;
    sg_model *gm = NULL, *mm = NULL;
    sg_status st = SG_OK;
    if (!X || !Y || n < 2)
        return sg_error_set(err, SG_ERR_INVALID, "model fit needs at least 2 rows (got %zu)", n);
    if (sg_model__numbers_only(spec, n_out, NULL, "kriging", "", NULL) != SG_OK) {
        snprintf(sel.note, sizeof sel.note,
                 "kriging models numbers, and a response holds names (pass/fail or classes): "
                 "the network (logistic or softmax output) is used");
    } else if (n < SG_MODEL_GP_MIN_ROWS(n_in)) {
        snprintf(sel.note, sizeof sel.note,
                 "kriging needs at least %zu runs for %zu factors (the data have %zu): the "
                 "network is used",
                 SG_MODEL_GP_MIN_ROWS(n_in), n_in, n);
    } else {
        sg_error e;
        sg_error_clear(&e);
        st = sg_model__fit_gp(spec, n_in, n_out, X, Y, n, response_names, &gm, &e);
        if (st == SG_ERR_NOMEM) {
            *err = e;
            return st;
        }
        if (st != SG_OK) {
            snprintf(sel.note, sizeof sel.note, "kriging failed (%.140s): the network is used",
                     e.msg);
            st = SG_OK;
        } else {
            double *mse = calloc(2 * n_out, sizeof *mse), *mlp = mse + n_out;
            if (!mse) {
                sg_model_destroy(gm);
                return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
            }
            bool btw = false;
            sg_error_clear(&e);
            /* the inner folds compare the network fit trains on all n rows */
            sg_model_spec sized = sg_model_spec_sized(spec, n, n_in, n_out);
            st = inner_mse(&sized, n_in, n_out, X, Y, n, mse, mlp, &e);
            if (st == SG_OK)
                st = between_levels_mse(&sized, n_in, n_out, X, Y, n, mse, mlp, &btw, &e);
            if (st == SG_ERR_NOMEM) {
                free(mse);
                sg_model_destroy(gm);
                *err = e;
                return st;
            }
            if (st != SG_OK) {
                /* too few rows in an inner fold (a between-levels fold of
                 * a 9-run array): nothing to compare by */
                free(mse);
                sg_model_destroy(gm);
                gm = NULL;
                snprintf(sel.note, sizeof sel.note,
                         "the two could not be compared on these rows (%.120s): the network is "
                         "used",
                         e.msg);
                st = SG_OK;
                goto network;
            }
            sel.gp_score = score_of(spec, mse, Y, n, n_out);
            sel.mlp_score = score_of(spec, mlp, Y, n, n_out);
            sel.gp_ok = sel.mlp_ok = true;
            sel.between_levels = btw;
            if (btw)
                snprintf(sel.note, sizeof sel.note,
                         "level-coded design: each model's score is the geometric mean of that "
                         "and its error between levels (refitted without each middle level)");
            free(mse);
        }
    }
    if (sel.gp_ok && sel.gp_score <= sel.mlp_score) {
        sel.chosen = SG_MODEL_GP;
        gm->sel = sel;
        *out = gm;
        return SG_OK;
    }
network:
    sg_model_destroy(gm);
    sel.chosen = SG_MODEL_MLP;
    st = sg_model__fit_mlp(spec, n_in, n_out, X, Y, n, response_names, progress, user, &mm, err);
    if (st != SG_OK)
        return st;
    mm->sel = sel;
    *out = mm;
    return SG_OK;
}
