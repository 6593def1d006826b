/* rsm.c — quadratic response-surface baseline: one Householder QR in term
 * order, linear in the number of rows. */
#include "analysis/rsm.h"
#include "core/str.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sg_rsm {
    size_t k, nf, p, rank; /* factors, features, terms of the full form, terms kept */
    size_t n_num;          /* numeric features (each has a square term) */
    sg_rsm_form form;
    char description[200];
    size_t *feat_factor; /* (nf) the factor of each feature */
    double *feat_level;  /* (nf) an indicator's category code; -1 for a numeric feature */
    char **feat_label;   /* (nf) an indicator's name (owned), NULL: named by its code */
    unsigned char *log_x; /* (k) 1: the factor is coded from log10 of its setting */
    size_t *levels;       /* (k) a category's codes; 0 numeric */
    double *mid;  /* (nf) coding centre of a numeric feature (indicators: 0) */
    double *half; /* (nf) coding half-range, > 0 (indicators: 1) */
    double *coef; /* (p), 0 for dropped terms */
    unsigned char *kept; /* (p) 1 for the terms fitted */
    bool logistic;       /* predictions are 1 / (1 + exp(-sum)) */
    char warning[512];
};

size_t sg_rsm_n_terms(size_t k)
{
    return 1 + 2 * k + k * (k - 1) / 2;
}

size_t sg_rsm_form_terms(sg_rsm_form f, size_t k)
{
    switch (f) {
    case SG_RSM_SQUARES:
        return 1 + 2 * k;
    case SG_RSM_LINEAR:
        return 1 + k;
    case SG_RSM_FULL:
    default:
        return sg_rsm_n_terms(k);
    }
}

bool sg_rsm_form_for(size_t k, size_t n, sg_rsm_form *out)
{
    static const sg_rsm_form order[] = {SG_RSM_FULL, SG_RSM_SQUARES, SG_RSM_LINEAR};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        if (n >= sg_rsm_form_terms(order[i], k)) {
            *out = order[i];
            return true;
        }
    return false;
}

/* Code of a category setting: the nearest code in 0 .. L-1. */
static double category_code(double v, size_t L)
{
    if (!(v > 0))
        return 0.0;
    double c = floor(v + 0.5);
    return c > (double)(L - 1) ? (double)(L - 1) : c;
}

/* Factor i's setting as the baseline reads it: log10 on a log scale. */
static double setting(const sg_rsm *m, const double *x, size_t i)
{
    if (!m->log_x[i])
        return x[i];
    return x[i] > 0 ? log10(x[i]) : log10(DBL_MIN);
}

/* Feature a of point x (k factors): a numeric factor coded to [-1, 1] over
 * the training rows, or an indicator (1 when the category has its code). */
static double feature(const sg_rsm *m, const double *x, size_t a)
{
    size_t i = m->feat_factor[a];
    if (m->feat_level[a] >= 0)
        return category_code(x[i], m->levels[i]) == m->feat_level[a] ? 1.0 : 0.0;
    return (setting(m, x, i) - m->mid[a]) / m->half[a];
}

/* Fill the p terms from the features f (nf): 1, each feature, the squares
 * of the numeric ones, the products of features of different factors. */
static void basis(const sg_rsm *m, const double *f, double *t)
{
    size_t c = 0, nf = m->nf;
    t[c++] = 1.0;
    for (size_t a = 0; a < nf; a++)
        t[c++] = f[a];
    for (size_t a = 0; a < nf; a++)
        if (m->feat_level[a] < 0)
            t[c++] = f[a] * f[a];
    for (size_t a = 0; a < nf; a++)
        for (size_t b = a + 1; b < nf; b++)
            if (m->feat_factor[a] != m->feat_factor[b])
                t[c++] = f[a] * f[b];
}

/* Terms of form f over the model's features. */
static size_t terms_of(const sg_rsm *m, sg_rsm_form f)
{
    size_t pairs = 0;
    for (size_t a = 0; a < m->nf; a++)
        for (size_t b = a + 1; b < m->nf; b++)
            pairs += m->feat_factor[a] != m->feat_factor[b];
    size_t t = 1 + m->nf;
    if (f == SG_RSM_LINEAR)
        return t;
    t += m->n_num;
    return f == SG_RSM_SQUARES ? t : t + pairs;
}

void sg_rsm_destroy(sg_rsm *m)
{
    if (!m)
        return;
    free(m->feat_factor);
    free(m->feat_level);
    for (size_t a = 0; m->feat_label && a < m->nf; a++)
        free(m->feat_label[a]);
    free(m->feat_label);
    free(m->log_x);
    free(m->levels);
    free(m->mid);
    free(m->half);
    free(m->coef);
    free(m->kept);
    free(m);
}

/* ---- QR in two steps, both in cache ----------------------------------------
 *
 * 1. The rows are folded, a block of SG_RSM_BLOCK_ROWS at a time, into the
 *    upper-triangular R of the augmented matrix [A | y] ((n, p + 1), columns
 *    in term order) by Householder reflections of [R; block] that exploit R's
 *    zeros.  A = Q R with Q orthonormal, so R has A's column norms, angles and
 *    spans, and R's last column is [Q^T y; residual norm].  O(n p^2) time,
 *    linear in the rows, O(p^2 + block p) memory.
 * 2. R (p + 1 rows, small) is decomposed again, columns in term order: the
 *    reflectors of the columns kept so far are applied to the next one, and
 *    what is left below the kept rows is its distance from their span.  A
 *    column whose distance is at most SG_RSM_RANK_TOL times the largest
 *    column norm seen adds no rank: it is dropped (it would make the system
 *    singular) and named in the warning.  The kept columns are then solved
 *    against R's last column.
 * The former test (one SVD of the kept columns per candidate term) was
 * O(n p^3) and took 38 s at 10,000 rows. */

/* Rows per block of step 1 (a block of 45 terms stays in the L2 cache). */
#define SG_RSM_BLOCK_ROWS 128

/* Dot product of n values with four partial sums (fixed order: the result
 * does not depend on threads or libraries). */
static double dot(const double *a, const double *b, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++)
        s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

/* y[r..n) -= tau v (v . y) with reflector r (v = column keep[r] from row r). */
static void reflect(const double *v, double tau, size_t n, size_t r, double *y)
{
    double s = tau * dot(v + r, y + r, n - r);
    for (size_t i = r; i < n; i++)
        y[i] -= s * v[i];
}

/* Step 1: fold the nb rows of C ((nb, m) column-major) into the
 * upper-triangular Rt ((m, m) row-major): afterwards Rt is the R factor of
 * [Rt; C].  C is overwritten. */
static void fold_block(double *Rt, size_t m, double *C, size_t nb)
{
    for (size_t j = 0; j < m; j++) {
        double *cj = C + j * nb;
        double x0 = Rt[j * m + j];
        double norm = sqrt(x0 * x0 + dot(cj, cj, nb));
        if (norm == 0.0)
            continue; /* nothing below the diagonal: no reflection */
        double alpha = x0 >= 0 ? -norm : norm, v0 = x0 - alpha;
        double tau = 1.0 / (norm * (norm + fabs(x0))); /* 2 / (v.v), v = (v0, cj) */
        for (size_t l = j + 1; l < m; l++) {
            double *cl = C + l * nb;
            double s = tau * (v0 * Rt[j * m + l] + dot(cj, cl, nb));
            Rt[j * m + l] -= s * v0;
            for (size_t i = 0; i < nb; i++)
                cl[i] -= s * cj[i];
        }
        Rt[j * m + j] = alpha;
    }
}

/* Step 2: decompose A in place; keep[0..*rank) lists the kept columns, R (p, p)
 * row-major holds R[i][c] for kept column index c, tau (p) the reflector
 * factors. */
static void qr_in_order(double *A, size_t n, size_t p, size_t *keep, size_t *rank, double *R,
                        double *tau)
{
    size_t r = 0;
    double scale = 0.0;
    for (size_t q = 0; q < p; q++) {
        double *y = A + q * n;
        double norm0 = sqrt(dot(y, y, n));
        scale = norm0 > scale ? norm0 : scale;
        for (size_t i = 0; i < r; i++)
            reflect(A + keep[i] * n, tau[i], n, i, y);
        double rest = sqrt(dot(y + r, y + r, n - r));
        if (!(rest > SG_RSM_RANK_TOL * scale))
            continue; /* no new direction: dropped */
        for (size_t i = 0; i < r; i++)
            R[i * p + r] = y[i];
        double alpha = y[r] >= 0 ? -rest : rest;
        double v0 = y[r] - alpha;
        /* v = (v0, y[r+1..n)): v.v = v0^2 + rest^2 - y[r]^2 = 2 rest (rest + |y[r]|) */
        tau[r] = 1.0 / (rest * (rest + fabs(y[r])));
        y[r] = v0;
        R[r * p + r] = alpha;
        keep[r++] = q;
    }
    *rank = r;
}

/* Least squares on the kept columns: coef[keep[c]] from R c = (Q^T b)[0..rank). */
static void solve_kept(const double *A, size_t n, size_t p, const size_t *keep, size_t rank,
                       const double *R, const double *tau, double *b, double *coef)
{
    for (size_t i = 0; i < rank; i++)
        reflect(A + keep[i] * n, tau[i], n, i, b);
    for (size_t c = rank; c-- > 0;) {
        double s = b[c];
        for (size_t j = c + 1; j < rank; j++)
            s -= R[c * p + j] * coef[keep[j]];
        coef[keep[c]] = s / R[c * p + c];
    }
}

/* Name of feature a: its factor's name (names NULL: "x2"), "[1]" added
 * for the indicator of category code 1, or its name ("[BNi-5]") when the
 * fit was given the category's names. */
static void feature_name(const sg_rsm *m, const char *const *names, size_t a, char *t,
                         size_t cap)
{
    size_t f = m->feat_factor[a];
    char base[72];
    if (names)
        snprintf(base, sizeof base, "%.64s", names[f]);
    else
        snprintf(base, sizeof base, "x%zu", f + 1);
    if (m->feat_level[a] >= 0 && m->feat_label[a])
        snprintf(t, cap, "%s[%.48s]", base, m->feat_label[a]);
    else if (m->feat_level[a] >= 0)
        snprintf(t, cap, "%s[%.0f]", base, m->feat_level[a]);
    else
        snprintf(t, cap, "%s", base);
}

/* Append the name of term q (" x2", " x1^2", " x1*x3"; with names, the
 * factors') to buf. */
static void append_term(const sg_rsm *m, const char *const *names, char *buf, size_t cap,
                        size_t q)
{
    char t[272] = " 1", u[128], v[128];
    size_t c = 1, nf = m->nf;
    for (size_t a = 0; q > 0 && a < nf; a++, c++)
        if (c == q) {
            feature_name(m, names, a, u, sizeof u);
            snprintf(t, sizeof t, " %s", u);
        }
    for (size_t a = 0; q > 0 && a < nf; a++)
        if (m->feat_level[a] < 0 && c++ == q) {
            feature_name(m, names, a, u, sizeof u);
            snprintf(t, sizeof t, " %s^2", u);
        }
    for (size_t a = 0; q > 0 && a < nf; a++)
        for (size_t b = a + 1; b < nf; b++)
            if (m->feat_factor[a] != m->feat_factor[b] && c++ == q) {
                feature_name(m, names, a, u, sizeof u);
                feature_name(m, names, b, v, sizeof v);
                snprintf(t, sizeof t, " %s*%s", u, v);
            }
    size_t len = strlen(buf);
    if (len + strlen(t) + 1 < cap)
        memcpy(buf + len, t, strlen(t) + 1);
}

/* The rank warning of m into buf (cap bytes): which of the form's terms
 * the design could not separate, named as append_term names them. */
static void rank_warning(const sg_rsm *m, const char *const *names, char *buf, size_t cap)
{
    size_t pf = terms_of(m, m->form);
    if (cap)
        buf[0] = '\0';
    if (m->rank >= pf || cap == 0)
        return;
    int u = snprintf(buf, cap, "the design supports only %zu of the %zu %s terms; dropped:",
                     m->rank, pf, m->form == SG_RSM_FULL ? "quadratic" : "baseline");
    if (u < 0 || (size_t)u >= cap)
        return;
    for (size_t q = 0; q < pf; q++)
        if (!m->kept[q])
            append_term(m, names, buf, cap, q);
}

/* The model's features from the factors' kinds (NULL: all numeric), the
 * coding of the numeric ones from the n training rows. */
static sg_status set_features(sg_rsm *m, const double *X, size_t ldx, const sg_rsm_factor *kinds,
                              const size_t *rows, size_t n, sg_error *err)
{
    size_t k = m->k, nf = 0;
    m->log_x = calloc(k, 1);
    m->levels = calloc(k, sizeof *m->levels);
    if (!m->log_x || !m->levels)
        return sg_error_set(err, SG_ERR_NOMEM, "rsm fit: out of memory");
    for (size_t i = 0; i < k; i++) {
        size_t L = kinds && kinds[i].levels >= 2 ? kinds[i].levels : 0;
        m->levels[i] = L;
        m->log_x[i] = !L && kinds && kinds[i].log_scale;
        nf += L ? L - 1 : 1;
    }
    m->nf = nf;
    m->feat_factor = malloc(nf * sizeof *m->feat_factor);
    m->feat_level = malloc(nf * sizeof *m->feat_level);
    m->feat_label = calloc(nf, sizeof *m->feat_label);
    m->mid = calloc(nf, sizeof *m->mid);
    m->half = malloc(nf * sizeof *m->half);
    if (!m->feat_factor || !m->feat_level || !m->feat_label || !m->mid || !m->half)
        return sg_error_set(err, SG_ERR_NOMEM, "rsm fit: out of memory");
    size_t a = 0;
    for (size_t i = 0; i < k; i++) {
        for (size_t l = 1; l < m->levels[i]; l++, a++) { /* code 0 is the reference */
            m->feat_factor[a] = i;
            m->feat_level[a] = (double)l;
            m->half[a] = 1.0;
            if (kinds[i].labels && !(m->feat_label[a] = sg_str_dup(kinds[i].labels[l])))
                return sg_error_set(err, SG_ERR_NOMEM, "rsm fit: out of memory");
        }
        if (m->levels[i])
            continue;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t r = 0; r < n; r++) {
            size_t row = rows ? rows[r] : r;
            double v = X[row * ldx + i];
            if (!isfinite(v) || (m->log_x[i] && !(v > 0)))
                return sg_error_set(err, SG_ERR_NUMERIC,
                                    "rsm fit: factor %zu of row %zu is not %s", i + 1, row + 1,
                                    isfinite(v) ? "positive (log scale)" : "finite");
            v = setting(m, X + row * ldx, i);
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
        m->feat_factor[a] = i;
        m->feat_level[a] = -1.0;
        m->mid[a] = 0.5 * (lo + hi);
        m->half[a] = hi > lo ? 0.5 * (hi - lo) : 1.0;
        m->n_num++;
        a++;
    }
    return SG_OK;
}

/* The richest form the n rows can fit; false when even main effects need
 * more rows. */
static bool form_of_rows(const sg_rsm *m, size_t n, sg_rsm_form *out)
{
    static const sg_rsm_form order[] = {SG_RSM_FULL, SG_RSM_SQUARES, SG_RSM_LINEAR};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        if (n >= terms_of(m, order[i])) {
            *out = order[i];
            return true;
        }
    return false;
}

sg_status sg_rsm_fit(const double *X, size_t ldx, size_t k, const double *y, size_t ldy,
                     const size_t *rows, size_t n, sg_rsm **out, sg_error *err)
{
    return sg_rsm_fit_factors(X, ldx, k, NULL, y, ldy, rows, n, out, err);
}

/* The fit in a given form (full: the full quadratic whatever the rows;
 * else the richest form the rows' count allows). */
static sg_status fit_form(const double *X, size_t ldx, size_t k, const sg_rsm_factor *kinds,
                          const double *y, size_t ldy, const size_t *rows, size_t n, bool full,
                          sg_rsm **out, sg_error *err)
{
    sg_status st = SG_OK;
    sg_rsm *m = NULL;
    double *Rt = NULL, *C = NULL, *A = NULL, *b = NULL, *R = NULL, *tau = NULL;
    size_t *keep = NULL;
    double *z = NULL, *t = NULL;
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "rsm fit: no output");
    *out = NULL;
    if (!X || !y || k == 0)
        return sg_error_set(err, SG_ERR_INVALID, "rsm fit needs at least one factor");
    m = calloc(1, sizeof *m);
    if (!m)
        goto nomem;
    m->k = k;
    if ((st = set_features(m, X, ldx, kinds, rows, n, err)) != SG_OK)
        goto fail;
    size_t p = terms_of(m, SG_RSM_FULL); /* all terms; the form uses the first pf */
    sg_rsm_form form = SG_RSM_FULL;
    if (!full && !form_of_rows(m, n, &form)) {
        st = sg_error_set(err, SG_ERR_INVALID,
                          "even main effects in %zu factors need %zu rows but only %zu rows "
                          "are available",
                          k, terms_of(m, SG_RSM_LINEAR), n);
        goto fail;
    }
    size_t pf = terms_of(m, form);
    m->p = p;
    m->form = form;
    if (form == SG_RSM_FULL)
        snprintf(m->description, sizeof m->description, "full quadratic (%zu terms)", pf);
    else
        snprintf(m->description, sizeof m->description,
                 "%s (%zu terms): a full quadratic in %zu factors has %zu terms, more than the "
                 "%zu rows",
                 form == SG_RSM_SQUARES ? "main effects and squares, no interactions"
                                        : "main effects only",
                 pf, k, p, n);
    m->coef = calloc(p, sizeof *m->coef);
    z = malloc(m->nf * sizeof *z);
    t = malloc(p * sizeof *t);
    if (!m->coef || !z || !t)
        goto nomem;
    size_t mcols = pf + 1, nb = 0; /* [A | y], A the form's pf columns */
    Rt = calloc(mcols * mcols, sizeof *Rt);
    C = malloc(SG_RSM_BLOCK_ROWS * mcols * sizeof *C);
    A = malloc(mcols * pf * sizeof *A);
    b = malloc(mcols * sizeof *b);
    keep = malloc(pf * sizeof *keep);
    R = calloc(pf * pf, sizeof *R);
    tau = malloc(pf * sizeof *tau);
    if (!Rt || !C || !A || !b || !keep || !R || !tau)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        for (size_t a = 0; a < m->nf; a++)
            z[a] = feature(m, X + r * ldx, a);
        basis(m, z, t);
        for (size_t q = 0; q < pf; q++) {
            /* a range wider than DBL_MAX codes to inf/NaN: refuse it rather
             * than fold non-finite entries into the factorisation */
            if (!isfinite(t[q])) {
                st = sg_error_set(err, SG_ERR_NUMERIC,
                                  "rsm fit: the factors' range is too wide to code (row %zu)",
                                  r + 1);
                goto fail;
            }
            C[q * SG_RSM_BLOCK_ROWS + nb] = t[q];
        }
        double v = y[r * ldy];
        if (!isfinite(v)) {
            st = sg_error_set(err, SG_ERR_NUMERIC, "rsm fit: response of row %zu is not finite",
                              r + 1);
            goto fail;
        }
        C[pf * SG_RSM_BLOCK_ROWS + nb] = v;
        if (++nb == SG_RSM_BLOCK_ROWS || i + 1 == n) {
            if (nb < SG_RSM_BLOCK_ROWS) /* last, short block: close up the columns */
                for (size_t q = 1; q < mcols; q++)
                    memmove(C + q * nb, C + q * SG_RSM_BLOCK_ROWS, nb * sizeof *C);
            fold_block(Rt, mcols, C, nb);
            nb = 0;
        }
    }
    /* Step 2 on R's term columns ((pf + 1, pf) column-major) against its last. */
    for (size_t i = 0; i < mcols; i++) {
        for (size_t q = 0; q < pf; q++)
            A[q * mcols + i] = Rt[i * mcols + q];
        b[i] = Rt[i * mcols + pf];
    }
    size_t q_kept = 0;
    qr_in_order(A, mcols, pf, keep, &q_kept, R, tau);
    m->rank = q_kept;
    if (!(m->kept = calloc(p, 1)))
        goto nomem;
    for (size_t c = 0; c < q_kept; c++)
        m->kept[keep[c]] = 1;
    solve_kept(A, mcols, pf, keep, q_kept, R, tau, b, m->coef);
    for (size_t q = 0; q < p; q++) {
        if (!isfinite(m->coef[q])) {
            st = sg_error_set(err, SG_ERR_NUMERIC, "rsm fit: coefficient %zu is not finite", q);
            goto fail;
        }
    }
    rank_warning(m, NULL, m->warning, sizeof m->warning);
    *out = m;
    m = NULL;
    goto done;
nomem:
    st = sg_error_set(err, SG_ERR_NOMEM, "rsm fit: out of memory");
fail:
done:
    free(Rt);
    free(C);
    free(A);
    free(b);
    free(R);
    free(tau);
    free(keep);
    free(z);
    free(t);
    sg_rsm_destroy(m);
    return st;
}

/* Rank of the r points P (r, k factors) over the terms keep (nk of the
 * SQUARES form's) of m; A (r * nk), R (nk * nk), tau, keep2 (nk) scratch. */
static size_t rank_of_points(const sg_rsm *m, const double *const *P, size_t r,
                             const size_t *keep, size_t nk, double *A, double *z, double *t,
                             size_t *keep2, double *R, double *tau)
{
    for (size_t i = 0; i < r; i++) {
        for (size_t a = 0; a < m->nf; a++)
            z[a] = feature(m, P[i], a);
        basis(m, z, t);
        for (size_t c = 0; c < nk; c++)
            A[c * r + i] = t[keep[c]];
    }
    size_t rank = 0;
    qr_in_order(A, r, nk, keep2, &rank, R, tau);
    return rank;
}

sg_status sg_rsm_determined(const double *X, size_t ldx, size_t n, size_t k,
                            const sg_rsm_factor *kinds, const size_t *rows, size_t m,
                            const double *x, bool *applies, bool *determined, sg_error *err)
{
    *applies = false;
    *determined = true;
    if (!X || !x || k == 0 || n == 0)
        return sg_error_set(err, SG_ERR_INVALID, "rsm: no rows or factors");
    sg_rsm *f = calloc(1, sizeof *f);
    if (!f)
        return sg_error_set(err, SG_ERR_NOMEM, "rsm: out of memory");
    f->k = k;
    sg_status st = set_features(f, X, ldx, kinds, NULL, n, err);
    if (st != SG_OK) {
        sg_rsm_destroy(f);
        return st;
    }
    size_t p = terms_of(f, SG_RSM_FULL), pf = terms_of(f, SG_RSM_SQUARES);
    size_t big = (n > m + 1 ? n : m + 1);
    double *A = malloc(big * pf * sizeof *A), *z = malloc(f->nf * sizeof *z);
    double *t = malloc(p * sizeof *t), *R = malloc(pf * pf * sizeof *R);
    double *tau = malloc(pf * sizeof *tau);
    size_t *all = malloc(pf * sizeof *all), *keep2 = malloc(pf * sizeof *keep2);
    const double **P = malloc(big * sizeof *P);
    if (!A || !z || !t || !R || !tau || !all || !keep2 || !P)
        st = sg_error_set(err, SG_ERR_NOMEM, "rsm: out of memory");
    if (st == SG_OK) {
        for (size_t c = 0; c < pf; c++)
            all[c] = c;
        for (size_t i = 0; i < n; i++)
            P[i] = X + i * ldx;
        /* the terms the whole table separates, in term order */
        size_t rank = rank_of_points(f, P, n, all, pf, A, z, t, keep2, R, tau);
        memcpy(all, keep2, rank * sizeof *all);
        *applies = n > rank;
        if (*applies) {
            for (size_t i = 0; i < m; i++)
                P[i] = X + rows[i] * ldx;
            size_t r0 = rank_of_points(f, P, m, all, rank, A, z, t, keep2, R, tau);
            P[m] = x;
            *determined = rank_of_points(f, P, m + 1, all, rank, A, z, t, keep2, R, tau) == r0;
        }
    }
    free(A);
    free(z);
    free(t);
    free(R);
    free(tau);
    free(all);
    free(keep2);
    free(P);
    sg_rsm_destroy(f);
    return st;
}

double sg_rsm_predict(const sg_rsm *m, const double *x)
{
    /* no scratch: features are recomputed for the products (k is small) */
    size_t nf = m->nf, c = 1 + nf + m->n_num;
    double s = m->coef[0];
    for (size_t a = 0, sq = 1 + nf; a < nf; a++) {
        double fa = feature(m, x, a);
        s += m->coef[1 + a] * fa;
        if (m->feat_level[a] < 0)
            s += m->coef[sq++] * fa * fa;
        for (size_t b2 = a + 1; b2 < nf; b2++)
            if (m->feat_factor[a] != m->feat_factor[b2])
                s += m->coef[c++] * fa * feature(m, x, b2);
    }
    if (m->logistic)
        return s >= 0 ? 1.0 / (1.0 + exp(-s)) : exp(s) / (1.0 + exp(s));
    return s;
}

/* dz_a / dx_i of feature a of factor i at x: 0 for an indicator (a
 * category has no slope), 1 / half, or on a log scale d log10(x) / dx
 * over half. */
static double feature_slope(const sg_rsm *m, const double *x, size_t a)
{
    size_t i = m->feat_factor[a];
    if (m->feat_level[a] >= 0)
        return 0.0;
    if (!m->log_x[i])
        return 1.0 / m->half[a];
    return x[i] > 0 ? 1.0 / (m->half[a] * x[i] * log(10.0)) : 0.0;
}

double sg_rsm_gradient(const sg_rsm *m, const double *x, double *grad)
{
    size_t nf = m->nf, c = 1 + nf + m->n_num;
    double s = m->coef[0];
    for (size_t i = 0; i < m->k; i++)
        grad[i] = 0.0;
    for (size_t a = 0, sq = 1 + nf; a < nf; a++) {
        double fa = feature(m, x, a), da = feature_slope(m, x, a);
        size_t ia = m->feat_factor[a];
        s += m->coef[1 + a] * fa;
        grad[ia] += m->coef[1 + a] * da;
        if (m->feat_level[a] < 0) {
            s += m->coef[sq] * fa * fa;
            grad[ia] += 2.0 * m->coef[sq++] * fa * da;
        }
        for (size_t b = a + 1; b < nf; b++)
            if (m->feat_factor[a] != m->feat_factor[b]) {
                double fb = feature(m, x, b), g = m->coef[c++];
                s += g * fa * fb;
                grad[ia] += g * fb * da;
                grad[m->feat_factor[b]] += g * fa * feature_slope(m, x, b);
            }
    }
    if (!m->logistic)
        return s;
    double p = s >= 0 ? 1.0 / (1.0 + exp(-s)) : exp(s) / (1.0 + exp(s));
    for (size_t i = 0; i < m->k; i++)
        grad[i] *= p * (1.0 - p);
    return p;
}

/* The basis values of the kept terms of row x into t (rank values); z
 * (nf) and full (p) scratch. */
static void kept_basis(const sg_rsm *m, const double *x, double *z, double *full, double *t)
{
    for (size_t a = 0; a < m->nf; a++)
        z[a] = feature(m, x, a);
    basis(m, z, full);
    for (size_t q = 0, c = 0; q < m->p; q++)
        if (m->kept[q])
            t[c++] = full[q];
}

/* Newton (IRLS) steps on the penalised log-likelihood over the kept terms:
 * (B'WB + lambda I) d = B'(y - mu) - lambda beta (the intercept is not
 * penalised).  A separable table drives unpenalised coefficients to
 * infinity; the penalty keeps them finite. */
static sg_status logistic_newton(sg_rsm *m, const double *X, size_t ldx, const double *y,
                                 size_t ldy, const size_t *rows, size_t n, double lambda,
                                 sg_error *err)
{
    size_t r = m->rank, p = m->p;
    double *H = malloc(r * r * sizeof *H), *g = malloc(r * sizeof *g);
    double *beta = calloc(r, sizeof *beta), *t = malloc(r * sizeof *t);
    double *z = malloc(m->nf * sizeof *z), *full = malloc(p * sizeof *full);
    sg_status st = SG_OK;
    if (!H || !g || !beta || !t || !z || !full) {
        st = sg_error_set(err, SG_ERR_NOMEM, "logistic baseline: out of memory");
        goto done;
    }
    for (int it = 0; it < SG_RSM_LOGISTIC_ITER; it++) {
        memset(H, 0, r * r * sizeof *H);
        for (size_t a = 0; a < r; a++)
            g[a] = a ? -lambda * beta[a] : 0.0;
        for (size_t a = 1; a < r; a++)
            H[a * r + a] = lambda;
        for (size_t i = 0; i < n; i++) {
            const double *x = X + (rows ? rows[i] : i) * ldx;
            kept_basis(m, x, z, full, t);
            double eta = 0;
            for (size_t a = 0; a < r; a++)
                eta += beta[a] * t[a];
            double mu = eta >= 0 ? 1.0 / (1.0 + exp(-eta)) : exp(eta) / (1.0 + exp(eta));
            double w = fmax(mu * (1.0 - mu), 1e-12), e = y[(rows ? rows[i] : i) * ldy] - mu;
            for (size_t a = 0; a < r; a++) {
                g[a] += t[a] * e;
                for (size_t b = 0; b <= a; b++)
                    H[a * r + b] += w * t[a] * t[b];
            }
        }
        /* Cholesky of the symmetric positive definite H (lower triangle). */
        for (size_t a = 0; a < r; a++) {
            for (size_t b = 0; b <= a; b++) {
                double s = H[a * r + b];
                for (size_t c = 0; c < b; c++)
                    s -= H[a * r + c] * H[b * r + c];
                if (a == b) {
                    if (!(s > 0)) {
                        st = sg_error_set(err, SG_ERR_NUMERIC,
                                          "logistic baseline: the terms cannot be separated");
                        goto done;
                    }
                    H[a * r + a] = sqrt(s);
                } else {
                    H[a * r + b] = s / H[b * r + b];
                }
            }
        }
        for (size_t a = 0; a < r; a++) { /* L u = g */
            for (size_t c = 0; c < a; c++)
                g[a] -= H[a * r + c] * g[c];
            g[a] /= H[a * r + a];
        }
        double step = 0;
        for (size_t a = r; a-- > 0;) { /* L' d = u */
            for (size_t c = a + 1; c < r; c++)
                g[a] -= H[c * r + a] * g[c];
            g[a] /= H[a * r + a];
            beta[a] += g[a];
            step = fmax(step, fabs(g[a]));
        }
        if (step < 1e-10)
            break;
    }
    memset(m->coef, 0, p * sizeof *m->coef);
    for (size_t q = 0, c = 0; q < p; q++)
        if (m->kept[q]) {
            if (!isfinite(beta[c])) {
                st = sg_error_set(err, SG_ERR_NUMERIC, "logistic baseline: no finite fit");
                goto done;
            }
            m->coef[q] = beta[c++];
        }
    m->logistic = true;
done:
    free(H);
    free(g);
    free(beta);
    free(t);
    free(z);
    free(full);
    return st;
}

sg_status sg_rsm_fit_factors(const double *X, size_t ldx, size_t k, const sg_rsm_factor *kinds,
                             const double *y, size_t ldy, const size_t *rows, size_t n,
                             sg_rsm **out, sg_error *err)
{
    return fit_form(X, ldx, k, kinds, y, ldy, rows, n, false, out, err);
}

sg_status sg_rsm_fit_full(const double *X, size_t ldx, size_t k, const sg_rsm_factor *kinds,
                          const double *y, size_t ldy, const size_t *rows, size_t n,
                          sg_rsm **out, sg_error *err)
{
    return fit_form(X, ldx, k, kinds, y, ldy, rows, n, true, out, err);
}

sg_status sg_rsm_fit_logistic(const double *X, size_t ldx, size_t k, const sg_rsm_factor *kinds,
                              const double *y, size_t ldy, const size_t *rows, size_t n,
                              double lambda, sg_rsm **out, sg_error *err)
{
    sg_status st = sg_rsm_fit_factors(X, ldx, k, kinds, y, ldy, rows, n, out, err);
    if (st != SG_OK)
        return st;
    if (!(lambda >= 0) || (st = logistic_newton(*out, X, ldx, y, ldy, rows, n, lambda, err)) !=
                              SG_OK) {
        sg_rsm_destroy(*out);
        *out = NULL;
        return st != SG_OK ? st : sg_error_set(err, SG_ERR_INVALID, "lambda must be >= 0");
    }
    return SG_OK;
}

size_t sg_rsm_rank(const sg_rsm *m) { return m->rank; }
size_t sg_rsm_min_rows(const sg_rsm *m) { return terms_of(m, SG_RSM_LINEAR); }
const char *sg_rsm_warning(const sg_rsm *m) { return m->warning; }

void sg_rsm_warning_named(const sg_rsm *m, const char *const *names, char *buf, size_t cap)
{
    rank_warning(m, names, buf, cap);
}
sg_rsm_form sg_rsm_form_of(const sg_rsm *m) { return m->form; }
const char *sg_rsm_description(const sg_rsm *m) { return m->description; }
const double *sg_rsm_coefficients(const sg_rsm *m) { return m->coef; }
size_t sg_rsm_terms(const sg_rsm *m) { return m->p; }

void sg_rsm_term_values(const sg_rsm *m, const double *x, double *t)
{
    size_t nf = m->nf, c = 1 + nf + m->n_num;
    t[0] = 1.0;
    for (size_t a = 0, sq = 1 + nf; a < nf; a++) {
        double fa = feature(m, x, a);
        t[1 + a] = fa;
        if (m->feat_level[a] < 0)
            t[sq++] = fa * fa;
        for (size_t b = a + 1; b < nf; b++)
            if (m->feat_factor[a] != m->feat_factor[b])
                t[c++] = fa * feature(m, x, b);
    }
}

bool sg_rsm_term_kept(const sg_rsm *m, size_t q) { return q < m->p && m->kept[q]; }

void sg_rsm_term_name(const sg_rsm *m, const char *const *names, size_t q, char *buf,
                      size_t cap)
{
    char t[280] = "";
    append_term(m, names, t, sizeof t, q);
    snprintf(buf, cap, "%s", t[0] == ' ' ? t + 1 : t);
}

void sg_rsm_uncoded(const sg_rsm *m, const double *coded, double *out)
{
    /* z_a = A_a u_a + C_a: A = 1 / half, C = -mid / half (an indicator:
     * A = 1, C = 0); expand every term of the polynomial in z */
    size_t nf = m->nf, sq = 1 + nf, c = 1 + nf + m->n_num;
    for (size_t q = 0; q < m->p; q++)
        out[q] = 0.0;
    out[0] = coded[0];
    for (size_t a = 0; a < nf; a++) {
        double A = 1.0 / m->half[a], C = -m->mid[a] / m->half[a];
        out[1 + a] += coded[1 + a] * A;
        out[0] += coded[1 + a] * C;
        if (m->feat_level[a] < 0) {
            double b = coded[sq];
            out[sq++] += b * A * A;
            out[1 + a] += 2.0 * b * A * C;
            out[0] += b * C * C;
        }
        for (size_t b2 = a + 1; b2 < nf; b2++)
            if (m->feat_factor[a] != m->feat_factor[b2]) {
                double B = 1.0 / m->half[b2], D = -m->mid[b2] / m->half[b2], g = coded[c];
                out[c++] += g * A * B;
                out[1 + a] += g * A * D;
                out[1 + b2] += g * C * B;
                out[0] += g * C * D;
            }
    }
}

bool sg_rsm_decode(const sg_rsm *m, const double *z, double *x)
{
    if (m->nf != m->k)
        return false;
    for (size_t a = 0; a < m->nf; a++)
        if (m->feat_level[a] >= 0)
            return false;
    for (size_t a = 0; a < m->nf; a++) {
        size_t i = m->feat_factor[a];
        double u = m->mid[a] + m->half[a] * z[a];
        x[i] = m->log_x[i] ? pow(10.0, u) : u;
    }
    return true;
}
