/* window.c — held-out errors carried over to the whole window (window.h). */
#include "model/window.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/metrics.h"
#include "model/gp.h"

/* Predictive sd (with the nugget) at the rows rows[0..m) of a kriging model
 * with gp's hyper-parameters fitted on every other row.  SG_OK with sd
 * filled, or kriging's error (too few rows left, a failed factor). */
static sg_status fold_sd(const sg_gp *gp, const double *X, const double *y, size_t n, size_t d,
                         const size_t *rows, size_t m, double *sd, sg_error *err)
{
    sg_status st = SG_ERR_NOMEM;
    unsigned char *out = calloc(n, 1);
    double *Xtr = malloc(n * d * sizeof *Xtr), *ytr = malloc(n * sizeof *ytr);
    double *Xh = malloc(m * d * sizeof *Xh), *mu = malloc(m * sizeof *mu);
    sg_gp *g = NULL;
    sg_gp_work *w = NULL;
    if (!out || !Xtr || !ytr || !Xh || !mu) {
        sg_error_set(err, st, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < m; k++) {
        out[rows[k]] = 1;
        memcpy(Xh + k * d, X + rows[k] * d, d * sizeof *Xh);
    }
    size_t nt = 0;
    for (size_t i = 0; i < n; i++)
        if (!out[i]) {
            memcpy(Xtr + nt * d, X + i * d, d * sizeof *Xtr);
            ytr[nt++] = y[i];
        }
    if ((st = sg_gp_fit_fixed(Xtr, ytr, nt, d, sg_gp_lo(gp), sg_gp_hi(gp),
                              sg_gp_length_scales(gp), sg_gp_signal_var(gp),
                              sg_gp_noise_var(gp), NULL, &g, err)) != SG_OK ||
        (st = sg_gp_work_create(g, &w, err)) != SG_OK ||
        (st = sg_gp_predict_batch(g, w, Xh, m, mu, NULL, sd, err)) != SG_OK)
        goto done;
    for (size_t k = 0; k < m; k++)
        sd[k] = sqrt(fmax(sd[k], 0.0));
done:
    sg_gp_work_destroy(w);
    sg_gp_destroy(g);
    free(out);
    free(Xtr);
    free(ytr);
    free(Xh);
    free(mu);
    return st;
}

/* Scaled residuals of every group kriging can refit, into z (held->n);
 * their count in *nz.  A group whose refit fails (too few rows left) is
 * left out; only running out of memory is an error. */
static sg_status scaled_residuals(const sg_gp *gp, const double *X, const double *y, size_t n,
                                  size_t d, const sg_window_held *held, double tau2, double *z,
                                  size_t *nz, double *z_each, sg_error *err)
{
    size_t m = held->n;
    size_t *rows = malloc(m * sizeof *rows), *idx = malloc(m * sizeof *idx);
    double *sd = malloc(m * sizeof *sd);
    unsigned char *done = calloc(m, 1);
    sg_status st = SG_OK;
    *nz = 0;
    if (!rows || !idx || !sd || !done) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t h = 0; h < m; h++) {
        if (done[h])
            continue;
        size_t c = 0;
        for (size_t k = h; k < m; k++)
            if (!done[k] && held->group[k] == held->group[h]) {
                rows[c] = held->row[k];
                idx[c++] = k;
                done[k] = 1;
            }
        sg_error e2;
        sg_status fs = fold_sd(gp, X, y, n, d, rows, c, sd, &e2);
        if (fs == SG_ERR_NOMEM) {
            st = sg_error_set(err, fs, "%s", e2.msg);
            goto out;
        }
        if (fs != SG_OK)
            continue;
        for (size_t k = 0; k < c; k++) {
            double s = sqrt(sd[k] * sd[k] + tau2);
            if (s > 0 && isfinite(held->resid[idx[k]])) {
                z[*nz] = fabs(held->resid[idx[k]]) / s;
                if (z_each)
                    z_each[idx[k]] = z[*nz];
                (*nz)++;
            }
        }
    }
out:
    free(rows);
    free(idx);
    free(sd);
    free(done);
    return st;
}

/* One name of the category whose k inputs start at column j of the box
 * lo..hi, drawn from rng into p (k > 2: one-hot, among the names the
 * runs hold; k == 2: one 0/1 input, its runs' settings). */
static void draw_name(const double *lo, const double *hi, size_t j, size_t k, gsl_rng *rng,
                      double *p)
{
    if (k == 2) {
        p[j] = gsl_rng_uniform(rng) < 0.5 ? lo[j] : hi[j];
        return;
    }
    size_t held = 0;
    for (size_t l = 0; l < k; l++)
        held += hi[j + l] > 0.5;
    size_t pick = held ? gsl_rng_uniform_int(rng, held) : 0;
    for (size_t l = 0, c = 0; l < k; l++) {
        bool in_runs = hi[j + l] > 0.5;
        p[j + l] = in_runs && c == pick ? 1.0 : 0.0;
        c += in_runs;
    }
}

/* SG_WINDOW_POINTS uniform points of the box lo..hi (d inputs: the kriging
 * model's bounds, the box of the runs) into P (SG_WINDOW_POINTS, d), drawn
 * from seed; the inputs of a category (names, as window.h) take one of its
 * names, each as likely. */
static sg_status window_points(const double *lo, const double *hi, size_t d, const size_t *names,
                               uint64_t seed, double *P, sg_error *err)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    gsl_rng_set(rng, (unsigned long)(seed ^ 0x5851f42d4c957f2dULL));
    for (size_t k = 0; k < SG_WINDOW_POINTS; k++)
        for (size_t j = 0; j < d;) {
            size_t names_j = names ? names[j] : 0;
            if (names_j >= 2) {
                draw_name(lo, hi, j, names_j, rng, P + k * d);
                j += names_j > 2 ? names_j : 1;
            } else {
                P[k * d + j] = lo[j] + (hi[j] - lo[j]) * gsl_rng_uniform(rng);
                j++;
            }
        }
    gsl_rng_free(rng);
    return SG_OK;
}

/* s(x) at SG_WINDOW_POINTS uniform points of the box of the runs into s;
 * kriging's predictions there into kriging_at_points unless NULL. */
static sg_status window_scales(const sg_gp *gp, size_t d, const size_t *names, double tau2,
                               uint64_t seed, double *s, double *kriging_at_points, sg_error *err)
{
    size_t M = SG_WINDOW_POINTS;
    double *P = malloc(M * d * sizeof *P), *mu = malloc(M * sizeof *mu);
    sg_gp_work *w = NULL;
    sg_status st = SG_ERR_NOMEM;
    if (!P || !mu) {
        sg_error_set(err, st, "out of memory");
        goto done;
    }
    if ((st = window_points(sg_gp_lo(gp), sg_gp_hi(gp), d, names, seed, P, err)) != SG_OK ||
        (st = sg_gp_work_create(gp, &w, err)) != SG_OK ||
        (st = sg_gp_predict_batch(gp, w, P, M, mu, NULL, s, err)) != SG_OK)
        goto done;
    for (size_t k = 0; k < M; k++)
        s[k] = sqrt(fmax(s[k], 0.0) + tau2);
    if (kriging_at_points)
        memcpy(kriging_at_points, mu, M * sizeof *mu);
done:
    sg_gp_work_destroy(w);
    free(P);
    free(mu);
    return st;
}

/* Share of the window's points whose interval +- h covers an error
 * sigma s_k t, t Student-t with dof degrees of freedom. */
static double t_coverage(double sigma, double dof, const double *s, size_t M, double h)
{
    double c = 0;
    for (size_t k = 0; k < M; k++)
        c += s[k] > 0 ? 2.0 * gsl_cdf_tdist_P(h / (sigma * s[k]), dof) - 1.0 : 1.0;
    return c / (double)M;
}

/* The smallest h with t_coverage >= level (bisection to a relative 1e-7):
 * the normal-theory prediction interval of an error z s(x), z estimated
 * from m held-out values of root mean square rms_z (scale rms_z
 * sqrt(1 + 1/m), m - 1 degrees of freedom), mixed over the window's
 * scales s.  Below 2 values (no degree of freedom) the largest z times
 * the largest s, *reachable false. */
static double t_quantile(const double *z, size_t m, double rms_z, const double *s, size_t M,
                         double level, bool *reachable)
{
    double zmax = 0, smax = 0;
    for (size_t i = 0; i < m; i++)
        zmax = fmax(zmax, fabs(z[i]));
    for (size_t k = 0; k < M; k++)
        smax = fmax(smax, s[k]);
    *reachable = m >= 2;
    if (!*reachable || !(rms_z > 0) || !(smax > 0))
        return zmax * smax;
    double sigma = rms_z * sqrt(1.0 + 1.0 / (double)m), dof = (double)(m - 1);
    double lo = 0, hi = sigma * smax;
    while (t_coverage(sigma, dof, s, M, hi) < level)
        hi *= 2.0;
    while (hi - lo > 1e-7 * hi) {
        double mid = 0.5 * (lo + hi);
        if (t_coverage(sigma, dof, s, M, mid) >= level)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* True when names (NULL, or d entries) describes whole categories: a run
 * of k > 2 entries equal to k, or single entries of 0 or 2. */
static bool names_valid(const size_t *names, size_t d)
{
    for (size_t j = 0; names && j < d;) {
        size_t k = names[j];
        if (k == 1 || (k > 2 && j + k > d))
            return false;
        for (size_t l = 1; k > 2 && l < k; l++)
            if (names[j + l] != k)
                return false;
        j += k > 2 ? k : 1;
    }
    return true;
}

sg_status sg_window_figures_compute(const double *X, const double *y, size_t n, size_t d,
                                    const size_t *names, const sg_window_held *held, double tau2,
                                    double level, uint64_t seed, sg_window_figures *out,
                                    sg_error *err)
{
    if (!X || !y || !held || !out || d == 0 || !(held->n == 0 || (held->row && held->group &&
                                                                   held->resid)))
        return sg_error_set(err, SG_ERR_INVALID, "window figures: missing argument");
    if (!(tau2 >= 0) || !isfinite(tau2) || !(level > 0 && level < 1))
        return sg_error_set(err, SG_ERR_INVALID,
                            "window figures: tau^2 must be >= 0 and the level in (0, 1)");
    if (!names_valid(names, d))
        return sg_error_set(err, SG_ERR_INVALID,
                            "window figures: the inputs' categories are not whole");
    if (n > SG_WINDOW_MAX_ROWS)
        return sg_error_set(err, SG_ERR_LIMIT, "window figures: not computed above %d rows",
                            SG_WINDOW_MAX_ROWS);
    for (size_t h = 0; h < held->n; h++)
        if (held->row[h] >= n)
            return sg_error_set(err, SG_ERR_INVALID, "window figures: held-out row %zu of %zu",
                                held->row[h] + 1, n);
    double *z_each = out->z_each, *kriging_at_points = out->kriging_at_points;
    memset(out, 0, sizeof *out);
    out->z_each = z_each;
    out->kriging_at_points = kriging_at_points;
    for (size_t h = 0; z_each && h < held->n; h++)
        z_each[h] = NAN;
    sg_gp *gp = NULL;
    double *z = malloc((held->n + 1) * sizeof *z);
    double *s = malloc(SG_WINDOW_POINTS * sizeof *s);
    sg_status st = SG_ERR_NOMEM;
    if (!z || !s) {
        sg_error_set(err, st, "out of memory");
        goto done;
    }
    sg_gp_options go = sg_gp_options_defaults();
    go.n_starts = SG_WINDOW_GP_STARTS;
    if ((st = sg_gp_fit(X, y, n, d, NULL, NULL, &go, seed, &gp, err)) != SG_OK)
        goto done;
    if (sg_gp_info_of(gp)->constant) {
        st = sg_error_set(err, SG_ERR_INVALID,
                          "window figures: the response is constant (kriging has no sd)");
        goto done;
    }
    size_t m = 0;
    if ((st = scaled_residuals(gp, X, y, n, d, held, tau2, z, &m, z_each, err)) != SG_OK ||
        (st = window_scales(gp, d, names, tau2, seed, s, kriging_at_points, err)) != SG_OK)
        goto done;
    if (m == 0) {
        st = sg_error_set(err, SG_ERR_INVALID,
                          "window figures: no fold left enough rows to refit kriging");
        goto done;
    }
    double sz = 0, ss = 0;
    for (size_t i = 0; i < m; i++)
        sz += z[i] * z[i];
    for (size_t k = 0; k < SG_WINDOW_POINTS; k++)
        ss += s[k] * s[k];
    out->n_z = m;
    out->rms_z = sqrt(sz / (double)m);
    out->rms_scale = sqrt(ss / SG_WINDOW_POINTS);
    out->rmse = out->rms_z * out->rms_scale;
    out->half_width =
        t_quantile(z, m, out->rms_z, s, SG_WINDOW_POINTS, level, &out->reachable);
    out->q_z = sg_metrics_conformal_quantile(z, m, level, NULL); /* sorts z: used last */
    st = SG_OK;
done:
    sg_gp_destroy(gp);
    free(z);
    free(s);
    return st;
}

sg_status sg_window_disagreement(const double *X, size_t n, size_t d, const size_t *names,
                                 const double *kriging_at_points, sg_window_predict_fn predict,
                                 void *user, uint64_t seed, double *rms, sg_error *err)
{
    if (!X || !kriging_at_points || !predict || !rms || d == 0 || n < 2)
        return sg_error_set(err, SG_ERR_INVALID, "window disagreement: missing argument");
    if (!names_valid(names, d))
        return sg_error_set(err, SG_ERR_INVALID,
                            "window disagreement: the inputs' categories are not whole");
    size_t M = SG_WINDOW_POINTS;
    double *P = malloc(M * d * sizeof *P), *f = malloc((M + 2 * d) * sizeof *f);
    sg_status st = SG_ERR_NOMEM;
    if (!P || !f) {
        sg_error_set(err, st, "out of memory");
        goto done;
    }
    double *lo = f + M, *hi = lo + d; /* the box of the rows, as kriging's bounds */
    for (size_t j = 0; j < d; j++) {
        lo[j] = hi[j] = X[j];
        for (size_t i = 1; i < n; i++) {
            lo[j] = fmin(lo[j], X[i * d + j]);
            hi[j] = fmax(hi[j], X[i * d + j]);
        }
    }
    if ((st = window_points(lo, hi, d, names, seed, P, err)) != SG_OK ||
        (st = predict(user, P, M, f, err)) != SG_OK)
        goto done;
    double s = 0;
    for (size_t k = 0; k < M; k++)
        s += (f[k] - kriging_at_points[k]) * (f[k] - kriging_at_points[k]);
    *rms = sqrt(s / (double)M);
    st = isfinite(*rms) ? SG_OK
                        : sg_error_set(err, SG_ERR_NUMERIC, "window disagreement: not finite");
done:
    free(P);
    free(f);
    return st;
}
