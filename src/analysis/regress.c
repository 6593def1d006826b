/* regress.c — the quadratic response surface as a regression analysis
 * (regress.h): least squares by GSL's Householder QR on the terms the
 * baseline kept, standard errors from R^-1, leverages for PRESS. */
#include "analysis/regress.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/duplicates.h"

void sg_regress_destroy(sg_regress *r)
{
    if (!r)
        return;
    free(r->terms);
    free(r->stationary);
    free(r->curvatures);
    free(r);
}

/* The rows regressed, as sg_regress_quadratic was given them. */
typedef struct fit_rows {
    const double *X, *y;
    size_t ldx, ldy, k, n;
    const sg_rsm_factor *kinds;
    bool full; /* the full quadratic whatever the rows (sg_rsm_fit_full) */
} fit_rows;

/* The quadratic of rows (m of them; NULL: all n) in the form d asks for. */
static sg_status fit_quadratic(const fit_rows *d, const size_t *rows, size_t m, sg_rsm **q,
                               sg_error *err)
{
    return (d->full ? sg_rsm_fit_full : sg_rsm_fit_factors)(d->X, d->ldx, d->k, d->kinds, d->y,
                                                             d->ldy, rows, m, q, err);
}

/* Work of one regression: the kept terms' matrix (n, p) factored in place,
 * R^-1 (p, p), and vectors of n and p values. */
typedef struct work {
    gsl_matrix *A, *Rinv;
    gsl_vector *tau, *y, *c, *res;
    double *full, *coded; /* (P) one row's terms; the coefficients over every term */
} work;

static void work_free(work *w)
{
    gsl_matrix_free(w->A);
    gsl_matrix_free(w->Rinv);
    gsl_vector_free(w->tau);
    gsl_vector_free(w->y);
    gsl_vector_free(w->c);
    gsl_vector_free(w->res);
    free(w->full);
    free(w->coded);
}

static bool work_alloc(work *w, size_t n, size_t p, size_t P)
{
    memset(w, 0, sizeof *w);
    w->A = gsl_matrix_alloc(n, p);
    w->Rinv = gsl_matrix_calloc(p, p);
    w->tau = gsl_vector_alloc(p);
    w->y = gsl_vector_alloc(n);
    w->c = gsl_vector_alloc(p);
    w->res = gsl_vector_alloc(n);
    w->full = malloc(P * sizeof *w->full);
    w->coded = calloc(P, sizeof *w->coded);
    return w->A && w->Rinv && w->tau && w->y && w->c && w->res && w->full && w->coded;
}

/* The kept terms of every run into A, the response into y. */
static void fill(const sg_rsm *q, const double *X, size_t ldx, const double *y, size_t ldy,
                 size_t n, work *w)
{
    size_t P = sg_rsm_terms(q);
    for (size_t i = 0; i < n; i++) {
        sg_rsm_term_values(q, X + i * ldx, w->full);
        for (size_t a = 0, c = 0; a < P; a++)
            if (sg_rsm_term_kept(q, a))
                gsl_matrix_set(w->A, i, c++, w->full[a]);
        gsl_vector_set(w->y, i, y[i * ldy]);
    }
}

/* Which dropped terms share a kept term's column on these runs (a
 * fraction with centre runs: every square is one column, the curvature the
 * centre runs show), into r->aliases.  O(n P²) for P terms, only run when
 * a term was dropped. */
static void find_aliases(sg_regress *r, const sg_rsm *q, const char *const *names,
                         const double *X, size_t ldx, size_t n, work *w)
{
    size_t P = sg_rsm_terms(q);
    if (r->p == P)
        return;
    unsigned char *same = malloc(P * P);
    if (!same)
        return; /* the line is left out, nothing else changes */
    for (size_t a = 0; a < P * P; a++)
        same[a] = 1;
    for (size_t i = 0; i < n; i++) {
        sg_rsm_term_values(q, X + i * ldx, w->full);
        for (size_t a = 0; a < P; a++)
            for (size_t b = 0; b < P; b++)
                if (same[a * P + b] && fabs(w->full[a] - w->full[b]) > 1e-9)
                    same[a * P + b] = 0;
    }
    size_t u = 0;
    char name[SG_REGRESS_NAME_MAX];
    for (size_t a = 1; a < P && u < sizeof r->aliases; a++) {
        if (!sg_rsm_term_kept(q, a))
            continue;
        size_t found = 0;
        for (size_t b = 1; b < P && u < sizeof r->aliases; b++) {
            if (b == a || sg_rsm_term_kept(q, b) || !same[a * P + b])
                continue;
            if (!found++) {
                sg_rsm_term_name(q, names, a, name, sizeof name);
                u += (size_t)snprintf(r->aliases + u, sizeof r->aliases - u, "%s%s stands for ",
                                      u ? "; " : "", name);
            }
            sg_rsm_term_name(q, names, b, name, sizeof name);
            if (u < sizeof r->aliases)
                u += (size_t)snprintf(r->aliases + u, sizeof r->aliases - u, "%s%s",
                                      found > 1 ? ", " : "", name);
        }
        if (found && u < sizeof r->aliases)
            u += (size_t)snprintf(r->aliases + u, sizeof r->aliases - u, " too");
    }
    if (u && u < sizeof r->aliases)
        snprintf(r->aliases + u, sizeof r->aliases - u, " (on these runs they are one column)");
    free(same);
}

/* Leverage of run i: |R^-T a_i|², a_i its kept terms (the row of the
 * design matrix, recomputed since A holds the factorisation). */
static double leverage(const sg_rsm *q, const double *x, const work *w)
{
    size_t P = sg_rsm_terms(q), p = w->Rinv->size1;
    sg_rsm_term_values(q, x, w->full);
    double h = 0.0;
    for (size_t j = 0; j < p; j++) { /* (a' R^-1)_j = sum_i a_i Rinv(i, j), i <= j */
        double s = 0.0;
        for (size_t a = 0, i = 0; a < P && i <= j; a++)
            if (sg_rsm_term_kept(q, a))
                s += w->full[a] * gsl_matrix_get(w->Rinv, i++, j);
        h += s * s;
    }
    return h;
}

/* Leave-one-out residual of run i when its leverage is 1 (a term only it
 * measures: an L27's centre run): refit without it, as fit's baseline
 * cross-validation does (the term is then dropped).  NAN when the other
 * runs cannot be fitted. */
static double refit_residual(const fit_rows *d, size_t i)
{
    size_t *rows = malloc(d->n * sizeof *rows), m = 0;
    if (!rows)
        return NAN;
    for (size_t j = 0; j < d->n; j++)
        if (j != i)
            rows[m++] = j;
    sg_rsm *q = NULL;
    sg_error e;
    double res = NAN;
    if (fit_quadratic(d, rows, m, &q, &e) == SG_OK)
        res = d->y[i * d->ldy] - sg_rsm_predict(q, d->X + i * d->ldx);
    sg_rsm_destroy(q);
    free(rows);
    return res;
}

/* S, R², adjusted and predicted R², the regression's F, each term's
 * standard error, t and p. */
static void summarise(sg_regress *r, const sg_rsm *q, const fit_rows *d, const work *w)
{
    size_t n = r->n, p = r->p, df = r->df_error, ldx = d->ldx, ldy = d->ldy;
    const double *X = d->X, *y = d->y;
    double mean = 0.0, sst = 0.0, sse = 0.0, press = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += (y[i * ldy] - mean) / (double)(i + 1);
    for (size_t i = 0; i < n; i++) {
        double e = gsl_vector_get(w->res, i), h = leverage(q, X + i * ldx, w);
        sst += (y[i * ldy] - mean) * (y[i * ldy] - mean);
        sse += e * e;
        double loo = h > 1.0 - 1e-10 ? refit_residual(d, i) : e / (1.0 - h);
        press += loo * loo; /* NAN (no refit) leaves predicted R² undefined */
    }
    double mse = df ? sse / (double)df : NAN;
    r->s = sqrt(mse);
    r->r2 = sst > 0 ? 1.0 - sse / sst : NAN;
    r->r2_adj = sst > 0 && df ? 1.0 - mse / (sst / (double)(n - 1)) : NAN;
    r->r2_pred = sst > 0 && isfinite(press) ? 1.0 - press / sst : NAN;
    r->f_model = r->p_model = NAN;
    if (df && p > 1 && sst > 0) {
        r->f_model = ((sst - sse) / (double)(p - 1)) / mse;
        r->p_model = mse > 0 ? gsl_cdf_fdist_Q(r->f_model, (double)(p - 1), (double)df) : 0.0;
    }
    for (size_t j = 0; j < p; j++) {
        sg_regress_term *t = &r->terms[j];
        double v = 0.0; /* ((X'X)^-1)_jj = sum_k Rinv(j, k)² */
        for (size_t k = j; k < p; k++)
            v += gsl_matrix_get(w->Rinv, j, k) * gsl_matrix_get(w->Rinv, j, k);
        t->se = df ? r->s * sqrt(v) : NAN;
        t->t = df && t->se > 0 ? t->coef / t->se : NAN;
        t->p = isfinite(t->t) ? 2.0 * gsl_cdf_tdist_Q(fabs(t->t), (double)df) : NAN;
    }
}

/* Lack of fit against the scatter of repeated settings; sse the residual
 * sum of squares.  F needs both parts' degrees of freedom and a scatter. */
static sg_status lack_of_fit(sg_regress *r, const double *X, size_t ldx, size_t k,
                             const double *y, size_t ldy, double sse, sg_error *err)
{
    size_t n = r->n, settings = 0;
    double *F = malloc(n * k * sizeof *F), sd = 0.0;
    if (!F)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory (lack of fit)");
    for (size_t i = 0; i < n; i++)
        memcpy(F + i * k, X + i * ldx, k * sizeof *F);
    sg_status st = sg_duplicates_scatter(F, k, y, ldy, n, 0, false, &sd, &r->df_pure, &settings);
    free(F);
    if (st != SG_OK)
        return sg_error_set(err, st, "out of memory (lack of fit)");
    r->ss_pure = sd * sd * (double)r->df_pure;
    r->pure_exact = r->df_pure > 0 && sd == 0.0;
    r->df_lof = r->df_error > r->df_pure ? r->df_error - r->df_pure : 0;
    r->ss_lof = r->df_pure ? fmax(sse - r->ss_pure, 0.0) : NAN;
    r->f_lof = r->p_lof = NAN;
    if (r->df_pure && r->df_lof && !r->pure_exact) {
        r->f_lof = (r->ss_lof / (double)r->df_lof) / (r->ss_pure / (double)r->df_pure);
        r->p_lof = gsl_cdf_fdist_Q(r->f_lof, (double)r->df_lof, (double)r->df_pure);
    }
    return SG_OK;
}

/* Least squares on the kept terms: coefficients, residuals, R^-1. */
static sg_status solve(work *w, size_t p, sg_error *err)
{
    int e = gsl_linalg_QR_decomp(w->A, w->tau);
    if (!e)
        e = gsl_linalg_QR_lssolve(w->A, w->tau, w->y, w->c, w->res);
    for (size_t i = 0; !e && i < p; i++)
        for (size_t j = i; j < p; j++)
            gsl_matrix_set(w->Rinv, i, j, gsl_matrix_get(w->A, i, j));
    if (!e)
        e = gsl_linalg_tri_invert(CblasUpper, CblasNonUnit, w->Rinv);
    if (e)
        return sg_error_set(err, SG_ERR_NUMERIC, "the quadratic regression failed: %s",
                            gsl_strerror(e));
    return SG_OK;
}

/* Canonical analysis of the coded coefficients (every term kept, all
 * factors numeric; nothing when not so or out of memory). */
static void canonical(sg_regress *r, const sg_rsm *q, const double *coded, size_t k)
{
    size_t P = sg_rsm_terms(q);
    if (sg_rsm_form_of(q) != SG_RSM_FULL || sg_rsm_rank(q) != P || P != sg_rsm_n_terms(k) ||
        k == 0)
        return;
    gsl_matrix *B = gsl_matrix_alloc(k, k), *E = gsl_matrix_alloc(k, k);
    gsl_vector *lam = gsl_vector_alloc(k), *zs = gsl_vector_alloc(k);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(k);
    double *z = malloc(k * sizeof *z);
    r->stationary = malloc(k * sizeof *r->stationary);
    r->curvatures = malloc(k * sizeof *r->curvatures);
    bool ok = B && E && lam && zs && ws && z && r->stationary && r->curvatures;
    for (size_t i = 0, c = 1 + 2 * k; ok && i < k; i++) {
        gsl_matrix_set(B, i, i, coded[1 + k + i]);
        for (size_t j = i + 1; j < k; j++, c++) {
            gsl_matrix_set(B, i, j, 0.5 * coded[c]);
            gsl_matrix_set(B, j, i, 0.5 * coded[c]);
        }
    }
    if (ok)
        ok = gsl_eigen_symmv(B, lam, E, ws) == GSL_SUCCESS &&
             gsl_eigen_symmv_sort(lam, E, GSL_EIGEN_SORT_VAL_ASC) == GSL_SUCCESS;
    double big = 0.0;
    for (size_t i = 0; ok && i < k; i++)
        big = fmax(big, fabs(gsl_vector_get(lam, i)));
    size_t pos = 0, neg = 0, flat = 0;
    for (size_t i = 0; ok && i < k; i++) {
        double l = gsl_vector_get(lam, i);
        r->curvatures[i] = l;
        flat += !(fabs(l) > 1e-3 * big);
        pos += l > 0;
        neg += l < 0;
    }
    /* z_s = -1/2 E diag(1/lambda) E' b, in the eigenbasis to stay exact */
    for (size_t i = 0; ok && !flat && i < k; i++) {
        double s = 0.0;
        for (size_t a = 0; a < k; a++)
            s += gsl_matrix_get(E, a, i) * coded[1 + a];
        gsl_vector_set(zs, i, -0.5 * s / gsl_vector_get(lam, i));
    }
    bool inside = true;
    for (size_t a = 0; ok && !flat && a < k; a++) {
        double s = 0.0;
        for (size_t i = 0; i < k; i++)
            s += gsl_matrix_get(E, a, i) * gsl_vector_get(zs, i);
        z[a] = s;
        inside = inside && fabs(s) <= 1.0 + 1e-9;
    }
    if (ok && !flat && sg_rsm_decode(q, z, r->stationary)) {
        double y = coded[0];
        for (size_t a = 0; a < k; a++) /* y_s = b0 + b'z_s / 2 */
            y += 0.5 * coded[1 + a] * z[a];
        r->stationary_y = y;
        r->stationary_inside = inside;
        r->stationary_kind = pos == k ? SG_STATIONARY_MINIMUM
                             : neg == k ? SG_STATIONARY_MAXIMUM
                                        : SG_STATIONARY_SADDLE;
    } else if (ok && flat) {
        r->stationary_kind = SG_STATIONARY_RIDGE;
    }
    bool point = r->stationary_kind == SG_STATIONARY_MAXIMUM ||
                 r->stationary_kind == SG_STATIONARY_MINIMUM ||
                 r->stationary_kind == SG_STATIONARY_SADDLE;
    if (!ok || !point) {
        free(r->stationary);
        r->stationary = NULL;
    }
    if (!ok) {
        free(r->curvatures);
        r->curvatures = NULL;
        r->stationary_kind = SG_STATIONARY_NONE;
    }
    r->k = k;
    gsl_matrix_free(B);
    gsl_matrix_free(E);
    gsl_vector_free(lam);
    gsl_vector_free(zs);
    gsl_eigen_symmv_free(ws);
    free(z);
}

static sg_status regress(sg_regress *r, const sg_rsm *q, const char *const *names,
                         const fit_rows *d, work *w, sg_error *err)
{
    size_t P = sg_rsm_terms(q), p = r->p, n = r->n, ldx = d->ldx, ldy = d->ldy, k = d->k;
    const double *X = d->X, *y = d->y;
    fill(q, X, ldx, y, ldy, n, w);
    sg_status st = solve(w, p, err);
    if (st != SG_OK)
        return st;
    for (size_t a = 0, j = 0; a < P; a++)
        if (sg_rsm_term_kept(q, a)) {
            w->coded[a] = gsl_vector_get(w->c, j);
            sg_rsm_term_name(q, names, a, r->terms[j].name, sizeof r->terms[j].name);
            r->terms[j++].coef = w->coded[a];
        }
    sg_rsm_uncoded(q, w->coded, w->full);
    for (size_t a = 0, j = 0; a < P; a++)
        if (sg_rsm_term_kept(q, a))
            r->terms[j++].uncoded = w->full[a];
    summarise(r, q, d, w);
    canonical(r, q, w->coded, k);
    find_aliases(r, q, names, X, ldx, n, w);
    double sse = 0.0;
    for (size_t i = 0; i < n; i++)
        sse += gsl_vector_get(w->res, i) * gsl_vector_get(w->res, i);
    return lack_of_fit(r, X, ldx, k, y, ldy, sse, err);
}

/* The regression in the form d asks for; *is_full: the form fitted is
 * the full quadratic. */
static sg_status regress_form(const fit_rows *d, const char *const *names, sg_regress **out,
                              bool *is_full, sg_error *err)
{
    size_t n = d->n;
    sg_rsm *q = NULL;
    sg_status st = fit_quadratic(d, NULL, n, &q, err);
    if (st != SG_OK)
        return st;
    *is_full = sg_rsm_form_of(q) == SG_RSM_FULL;
    size_t p = sg_rsm_rank(q);
    sg_regress *r = calloc(1, sizeof *r);
    work w;
    bool ok = r && (r->terms = calloc(p, sizeof *r->terms)) != NULL &&
              work_alloc(&w, n, p, sg_rsm_terms(q));
    if (!ok) {
        if (r && r->terms)
            work_free(&w);
        sg_regress_destroy(r);
        sg_rsm_destroy(q);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory (quadratic regression)");
    }
    r->n = n;
    r->p = r->n_terms = p;
    r->df_error = n - p;
    snprintf(r->form, sizeof r->form, "%s", sg_rsm_description(q));
    sg_rsm_warning_named(q, names, r->dropped, sizeof r->dropped);
    st = regress(r, q, names, d, &w, err);
    work_free(&w);
    sg_rsm_destroy(q);
    if (st != SG_OK) {
        sg_regress_destroy(r);
        return st;
    }
    *out = r;
    return SG_OK;
}

/* Predicted R² as a score: undefined is worst. */
static double score(const sg_regress *r) { return isfinite(r->r2_pred) ? r->r2_pred : -INFINITY; }

sg_status sg_regress_quadratic(const double *X, size_t ldx, size_t k, const sg_rsm_factor *kinds,
                               const char *const *names, const double *y, size_t ldy, size_t n,
                               sg_regress **out, sg_error *err)
{
    *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(y[i * ldy]))
            return sg_error_set(err, SG_ERR_INVALID, "row %zu: the response is not a number",
                                i + 1);
    fit_rows d = {X, y, ldx, ldy, k, n, kinds, false};
    bool full = false;
    sg_status st = regress_form(&d, names, out, &full, err);
    if (st != SG_OK || full)
        return st;
    /* fewer runs than the full quadratic's terms: a design that aliases
     * terms may still separate the interactions (a two-level fraction with
     * centre runs); the full form is taken when, each run left out in turn,
     * it predicts better */
    sg_regress *whole = NULL;
    sg_error quiet;
    d.full = true;
    if (regress_form(&d, names, &whole, &full, &quiet) == SG_OK && whole->df_error > 0 &&
        score(whole) > score(*out)) {
        snprintf(whole->form, sizeof whole->form,
                 "full quadratic (%zu of its terms separable): left out one run at a time it "
                 "predicts better than the reduced form",
                 whole->n_terms);
        whole->full_taken = true;
        sg_regress_destroy(*out);
        *out = whole;
    } else {
        sg_regress_destroy(whole);
    }
    return SG_OK;
}

const char *sg_regress_lack_of_fit_verdict(const sg_regress *g)
{
    if (!g->df_pure)
        return "no setting is repeated, so no pure error to test it against";
    if (g->pure_exact)
        return "the repeated settings agree exactly (a deterministic simulation): no pure "
               "error to test it against";
    if (!g->df_lof)
        return "the model has a term for every distinct setting: nothing left to test";
    return g->p_lof < 0.05 ? "the quadratic misses structure that the scatter of the repeated "
                             "runs cannot explain"
                           : "the quadratic fits within the scatter of the repeated runs";
}

const char *sg_regress_stationary_text(const sg_regress *g, int goal)
{
    switch (g->stationary_kind) {
    case SG_STATIONARY_RIDGE:
        return "a ridge: along one principal axis the surface is nearly flat, so there is no "
               "single stationary point; many settings give almost the same response";
    case SG_STATIONARY_SADDLE:
        return "a saddle point, curvatures of both signs: no optimum inside; the best settings "
               "lie on the window's edge (optimize finds them)";
    case SG_STATIONARY_MAXIMUM:
    case SG_STATIONARY_MINIMUM: {
        bool max = g->stationary_kind == SG_STATIONARY_MAXIMUM;
        if (!g->stationary_inside)
            return max ? "a maximum, outside the tested settings: within them the highest "
                         "response lies on the edge (optimize finds it)"
                       : "a minimum, outside the tested settings: within them the lowest "
                         "response lies on the edge (optimize finds it)";
        if (goal == 0)
            return max ? "a maximum, inside the tested settings"
                       : "a minimum, inside the tested settings";
        if ((goal > 0) == max)
            return max ? "a maximum, inside the tested settings: the quadratic's optimum for "
                         "this goal"
                       : "a minimum, inside the tested settings: the quadratic's optimum for "
                         "this goal";
        return max ? "a maximum, inside the tested settings, but the worst point for this goal: "
                     "the best settings lie on the edge (optimize finds them)"
                   : "a minimum, inside the tested settings, but the worst point for this goal: "
                     "the best settings lie on the edge (optimize finds them)";
    }
    case SG_STATIONARY_NONE:
    default:
        return "";
    }
}
