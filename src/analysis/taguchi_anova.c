/* taguchi_anova.c — the ANOVA of sg_taguchi_analyze, with main effects and
 * the two-factor interactions the design can estimate (see doc/taguchi.md).
 *
 * A sequential (Type I) linear-model decomposition: an orthonormal basis Q
 * (n x rank, column-major) of the model space is grown term by term with
 * modified Gram-Schmidt (two passes); each term's sum of squares is the
 * squared length of the projection of the centred response on the columns
 * it adds.  For an orthogonal array this equals the classic
 * sum_l n_l (ybar_l - ybar)^2, and the residual is the pooled error.
 */
#include "analysis/taguchi_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* p-value below which an estimated interaction earns a note that the
 * additive prediction ignores it. */
#define SG_TAGUCHI_SIGNIF 0.05

static const char NA_CONSTANT[] = "the response is constant (total sum of squares is zero)";
static const char NA_NO_ERROR_DF[] =
    "no error degrees of freedom (every column of the array is used)";
static const char NA_ZERO_ERROR[] =
    "error mean square is zero: the model reproduces every run exactly";
static const char NA_NO_DF[] = "no degrees of freedom: completely confounded with earlier terms";
static const char NA_POOLED[] = "pooled into the error";
static const char NA_F_OVERFLOW[] = "the sums of squares overflow (values too large)";
/* Start of a term's note listing the interactions aliased with it. */
static const char ALIAS_NOTE[] = "also contains the aliased part of ";

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* Orthogonalise v (n) against the ncols orthonormal columns of Q (column-
 * major, column j at Q + j*n) with two passes of modified Gram-Schmidt.  If
 * what remains is longer than SG_TAGUCHI_RANK_TOL times the original length,
 * normalise it, store it as column *ncols and return 1; else return 0.
 * v is overwritten. */
static int orth_append(double *Q, size_t n, size_t *ncols, double *v)
{
    double norm0 = sqrt(dot(v, v, n));
    if (norm0 == 0.0)
        return 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t j = 0; j < *ncols; j++) {
            const double *q = Q + j * n;
            double c = dot(q, v, n);
            for (size_t i = 0; i < n; i++)
                v[i] -= c * q[i];
        }
    double norm1 = sqrt(dot(v, v, n));
    if (norm1 <= SG_TAGUCHI_RANK_TOL * norm0)
        return 0;
    double *dst = Q + *ncols * n;
    for (size_t i = 0; i < n; i++)
        dst[i] = v[i] / norm1;
    (*ncols)++;
    return 1;
}

/* Frobenius norm of A'B for orthonormal column blocks A (n x da), B (n x db). */
static double cross_norm(const double *A, size_t da, const double *B, size_t db, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < da; i++)
        for (size_t j = 0; j < db; j++) {
            double c = dot(A + i * n, B + j * n, n);
            s += c * c;
        }
    return sqrt(s);
}

/* An orthonormal basis of one term's own space (before removing earlier
 * terms): main effect = centred level indicators; interaction = cell
 * indicators with intercept and both main effects removed. */
typedef struct term_basis {
    double *B; /* n x d column-major, owned */
    size_t d;
} term_basis;

/* ---- ANOVA ---------------------------------------------------------------- */

typedef struct anova_ws {
    size_t n;
    double *Q; /* n x cap, column-major orthonormal model basis */
    size_t cap, ncols;
    double *r;      /* n residual of the centred response */
    double *v;      /* n scratch */
    double *P;      /* n x cap scratch basis for interactions */
    term_basis *tb; /* own-space basis per term (n_factors + accepted interactions) */
} anova_ws;

/* Append the m raw columns (n x m, column-major) of a term to the
 * model; returns the number of columns added and adds its SS to *ss. */
static int add_columns(anova_ws *w, const double *raw, size_t m, double *ss)
{
    int added = 0;
    for (size_t j = 0; j < m; j++) {
        memcpy(w->v, raw + j * w->n, w->n * sizeof *w->v);
        if (w->ncols < w->cap && orth_append(w->Q, w->n, &w->ncols, w->v)) {
            const double *q = w->Q + (w->ncols - 1) * w->n;
            double c = dot(q, w->r, w->n);
            for (size_t i = 0; i < w->n; i++)
                w->r[i] -= c * q[i];
            *ss += c * c;
            added++;
        }
    }
    return added;
}

/* Level indicator columns of factor f (n x L, column-major) into out. */
static void indicators(const sg_taguchi_input *in, size_t f, double *out)
{
    size_t n = in->n_runs, k = in->n_factors;
    int L = in->factors[f].n_levels;
    memset(out, 0, n * (size_t)L * sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[(size_t)in->levels[i * k + f] * n + i] = 1.0;
}

/* Whether the level codes of factors a and b are correlated (Pearson r
 * beyond rounding).  A definitive screening design's are not, yet its
 * level pairs are unbalanced: its level contrasts are not orthogonal. */
static bool codes_correlated(const sg_taguchi_input *in, size_t a, size_t b)
{
    size_t n = in->n_runs, k = in->n_factors;
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += in->levels[i * k + a] / (double)n;
        mb += in->levels[i * k + b] / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        double da = in->levels[i * k + a] - ma, db = in->levels[i * k + b] - mb;
        sab += da * db;
        saa += da * da;
        sbb += db * db;
    }
    return fabs(sab) > 1e-9 * sqrt(saa * sbb);
}

/* Cell indicator columns of factors a, b (n x La*Lb) into out. */
static void cells(const sg_taguchi_input *in, size_t a, size_t b, double *out)
{
    size_t n = in->n_runs, k = in->n_factors;
    int Lb = in->factors[b].n_levels;
    memset(out, 0, n * (size_t)in->factors[a].n_levels * (size_t)Lb * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        size_t c = (size_t)in->levels[i * k + a] * (size_t)Lb + (size_t)in->levels[i * k + b];
        out[c * n + i] = 1.0;
    }
}

/* Orthonormal basis (into tb, allocated) of the span of raw's m columns with
 * the span of the first base_cols columns of basis removed. */
static sg_status own_basis(anova_ws *w, double *basis, size_t base_cols, const double *raw,
                           size_t m, term_basis *tb)
{
    size_t n = w->n, nc = base_cols;
    for (size_t j = 0; j < m && nc < w->cap; j++) {
        memcpy(w->v, raw + j * n, n * sizeof *w->v);
        orth_append(basis, n, &nc, w->v);
    }
    tb->d = nc - base_cols;
    tb->B = malloc((tb->d ? tb->d : 1) * n * sizeof *tb->B);
    if (!tb->B)
        return SG_ERR_NOMEM;
    memcpy(tb->B, basis + base_cols * n, tb->d * n * sizeof *tb->B);
    return SG_OK;
}

static sg_status grow_terms(sg_taguchi_result *res, size_t *cap_terms, anova_ws *w)
{
    if (res->n_terms < *cap_terms)
        return SG_OK;
    size_t nc = *cap_terms * 2;
    sg_taguchi_term *t = realloc(res->terms, nc * sizeof *t);
    if (!t)
        return SG_ERR_NOMEM;
    res->terms = t;
    term_basis *b = realloc(w->tb, nc * sizeof *b);
    if (!b)
        return SG_ERR_NOMEM;
    memset(b + *cap_terms, 0, (nc - *cap_terms) * sizeof *b);
    w->tb = b;
    *cap_terms = nc;
    return SG_OK;
}

static void term_name(sg_taguchi_term *t, const sg_taguchi_result *res)
{
    if (t->kind == SG_TERM_MAIN)
        sg_taguchi__copy_str(t->name, sizeof t->name, res->mains[t->f1].name);
    else
        sg_taguchi__fmt_to(t->name, sizeof t->name, "%s x %s", res->mains[t->f1].name,
                           res->mains[t->f2].name);
}

/* Try every two-factor interaction in the order 1x2, 1x3, 2x3, 1x4, ... */
static sg_status interactions(const sg_taguchi_input *in, const sg_taguchi_options *opt,
                              sg_taguchi_result *res, anova_ws *w, size_t *cap_terms, double *raw)
{
    size_t n = in->n_runs, k = in->n_factors;
    size_t nc_all = k * (k - 1) / 2;
    res->candidates = calloc(nc_all ? nc_all : 1, sizeof *res->candidates);
    if (!res->candidates)
        return SG_ERR_NOMEM;
    for (size_t b = 1; b < k; b++)
        for (size_t a = 0; a < b; a++) {
            sg_taguchi_candidate *c = &res->candidates[res->n_candidates++];
            c->f1 = (int)a;
            c->f2 = (int)b;
            c->term = -1;
            if (!opt->interactions) {
                sg_taguchi__fmt_to(c->reason, sizeof c->reason, "interactions are switched off");
                continue;
            }
            int La = in->factors[a].n_levels, Lb = in->factors[b].n_levels;
            size_t dnom = (size_t)(La - 1) * (size_t)(Lb - 1);
            /* own space: cells minus intercept, main a, main b */
            size_t pc = 0;
            for (size_t i = 0; i < n; i++)
                w->v[i] = 1.0;
            orth_append(w->P, n, &pc, w->v);
            for (size_t j = 0; j < w->tb[a].d; j++) {
                memcpy(w->v, w->tb[a].B + j * n, n * sizeof *w->v);
                orth_append(w->P, n, &pc, w->v);
            }
            for (size_t j = 0; j < w->tb[b].d; j++) {
                memcpy(w->v, w->tb[b].B + j * n, n * sizeof *w->v);
                orth_append(w->P, n, &pc, w->v);
            }
            cells(in, a, b, raw);
            term_basis z = {0};
            if (own_basis(w, w->P, pc, raw, (size_t)La * (size_t)Lb, &z) != SG_OK)
                return SG_ERR_NOMEM;
            if (z.d == 0) {
                sg_taguchi__fmt_to(c->reason, sizeof c->reason,
                                   "not every level combination of %s and %s is run "
                                   "(%zu of %zu df estimable)",
                                   res->mains[a].name, res->mains[b].name, z.d, dnom);
                free(z.B);
                continue;
            }
            /* aliasing: the own space must be orthogonal to every model term */
            char alias[SG_TAGUCHI_REASON_MAX] = "";
            int n_alias = 0;
            for (size_t t = 0; t < res->n_terms; t++) {
                sg_taguchi_term *tt = &res->terms[t];
                if (tt->kind == SG_TERM_MAIN && (tt->f1 == (int)a || tt->f1 == (int)b))
                    continue;
                if (cross_norm(w->tb[t].B, w->tb[t].d, z.B, z.d, n) > SG_TAGUCHI_ORTHO_TOL) {
                    sg_taguchi__append(alias, sizeof alias, "%s%s", n_alias ? ", " : "", tt->name);
                    n_alias++;
                    if (strstr(tt->note, ALIAS_NOTE))
                        sg_taguchi__append(tt->note, sizeof tt->note, ", %s x %s",
                                           res->mains[a].name, res->mains[b].name);
                    else
                        sg_taguchi__append(tt->note, sizeof tt->note, "%s%s%s x %s",
                                           tt->note[0] ? "; " : "", ALIAS_NOTE, res->mains[a].name,
                                           res->mains[b].name);
                }
            }
            /* how many df would it add (trial append, rolled back) */
            size_t save = w->ncols, add = 0;
            for (size_t j = 0; j < z.d && w->ncols < w->cap; j++) {
                memcpy(w->v, z.B + j * n, n * sizeof *w->v);
                add += (size_t)orth_append(w->Q, n, &w->ncols, w->v);
            }
            w->ncols = save;
            if (n_alias) {
                sg_taguchi__fmt_to(c->reason, sizeof c->reason,
                                   "%s with %s (%zu of %zu df independent)",
                                   add == 0 ? "aliased" : "partly aliased", alias, add, dnom);
                free(z.B);
                continue;
            }
            long left = (long)n - (long)w->ncols - (long)add;
            if (left < opt->min_error_df) {
                sg_taguchi__fmt_to(
                    c->reason, sizeof c->reason,
                    "no degrees of freedom left: estimating it would leave %ld error df "
                    "(minimum %d)",
                    left, opt->min_error_df);
                free(z.B);
                continue;
            }
            if (grow_terms(res, cap_terms, w) != SG_OK) {
                free(z.B);
                return SG_ERR_NOMEM;
            }
            sg_taguchi_term *t = &res->terms[res->n_terms];
            memset(t, 0, sizeof *t);
            t->kind = SG_TERM_INTERACTION;
            t->f1 = (int)a;
            t->f2 = (int)b;
            t->df_nominal = (int)dnom;
            term_name(t, res);
            t->df = add_columns(w, z.B, z.d, &t->ss);
            if (z.d < dnom) /* the part the runs' level combinations separate */
                sg_taguchi__fmt_to(t->note, sizeof t->note,
                                   "not every level combination is run: %zu of %zu df "
                                   "estimable",
                                   z.d, dnom);
            w->tb[res->n_terms] = z;
            c->estimated = true;
            c->term = (int)res->n_terms;
            res->n_terms++;
        }
    return SG_OK;
}

/* Pool the smallest-SS terms into the error until error df >= min_error_df. */
static void pool_terms(sg_taguchi_result *res, int min_df)
{
    char list[SG_TAGUCHI_NOTES_MAX / 2] = "";
    while (res->df_error < min_df) {
        size_t best = res->n_terms;
        for (size_t t = 0; t < res->n_terms; t++) {
            const sg_taguchi_term *tt = &res->terms[t];
            if (tt->pooled || tt->df == 0)
                continue;
            if (best == res->n_terms || tt->ss <= res->terms[best].ss)
                best = t; /* ties: the later term is pooled first */
        }
        if (best == res->n_terms)
            break;
        res->terms[best].pooled = true;
        res->ss_error += res->terms[best].ss;
        res->df_error += res->terms[best].df;
        sg_taguchi__append(list, sizeof list, "%s%s", list[0] ? ", " : "", res->terms[best].name);
        res->pooling_applied = true;
    }
    if (res->pooling_applied)
        sg_taguchi__append(res->notes, sizeof res->notes,
                           "pooling: %s pooled into the error (smallest sums of squares first)\n",
                           list);
}

/* Median of the first m values of v (sorted in place, as cv.c does). */
static double median(double *v, size_t m)
{
    gsl_sort(v, 1, m);
    return gsl_stats_median_from_sorted_data(v, 1, m);
}

/* Lenth's pseudo standard error of a saturated two-level analysis (see
 * taguchi.h).  An effect of a balanced two-level column of n runs has SS =
 * n c² / 4; a main effect's sign is its high level mean minus its low. */
static void lenth(sg_taguchi_result *res)
{
    size_t m = res->n_terms, n = res->n_runs;
    if (res->df_error != 0 || !res->orthogonal || m < SG_TAGUCHI_LENTH_MIN_EFFECTS)
        return;
    double *a = malloc(2 * m * sizeof *a), *small = a + m;
    if (!a)
        return; /* the section is left out, nothing else changes */
    bool two_level = true;
    for (size_t t = 0; t < m && two_level; t++) {
        sg_taguchi_term *tt = &res->terms[t];
        two_level = tt->df == 1 &&
                    (tt->kind != SG_TERM_MAIN || res->mains[tt->f1].n_levels == 2);
    }
    if (!two_level) {
        free(a);
        return;
    }
    for (size_t t = 0; t < m; t++) {
        sg_taguchi_term *tt = &res->terms[t];
        a[t] = 2.0 * sqrt(tt->ss / (double)n);
        tt->effect = a[t];
        if (tt->kind == SG_TERM_MAIN)
            tt->effect = res->mains[tt->f1].levels[1].mean - res->mains[tt->f1].levels[0].mean;
        small[t] = a[t];
    }
    double s0 = 1.5 * median(small, m);
    size_t k = 0;
    for (size_t t = 0; t < m; t++)
        if (a[t] < 2.5 * s0)
            small[k++] = a[t];
    double pse = k ? 1.5 * median(small, k) : 0.0;
    if (!(pse > 0.0)) {
        free(a);
        return; /* most effects exactly 0: no scale to judge by */
    }
    res->lenth = true;
    res->lenth_pse = pse;
    res->lenth_df = (double)m / 3.0;
    res->lenth_me = gsl_cdf_tdist_Pinv(0.975, res->lenth_df) * pse;
    res->lenth_sme =
        gsl_cdf_tdist_Pinv(0.5 * (1.0 + pow(0.95, 1.0 / (double)m)), res->lenth_df) * pse;
    for (size_t t = 0; t < m; t++) {
        sg_taguchi_term *tt = &res->terms[t];
        tt->lenth_t = a[t] / pse;
        tt->lenth_p = 2.0 * gsl_cdf_tdist_Q(tt->lenth_t, res->lenth_df);
    }
    free(a);
}

static void finish_table(sg_taguchi_result *res, const sg_taguchi_options *opt, double yscale)
{
    double zero = SG_TAGUCHI_ZERO_REL * yscale;
    zero *= zero;
    bool constant = res->ss_total <= zero;
    if (constant) {
        res->ss_total = 0.0;
        res->ss_error = 0.0;
        for (size_t t = 0; t < res->n_terms; t++)
            res->terms[t].ss = 0.0;
        sg_taguchi__append(
            res->notes, sizeof res->notes,
            "%s is constant: every effect is zero and F, p and contributions cannot be "
            "computed\n",
            res->response);
    }
    /* sums of squares at the rounding-noise level of the data are exactly 0 */
    for (size_t t = 0; t < res->n_terms; t++)
        if (res->terms[t].ss <= zero)
            res->terms[t].ss = 0.0;
    if (res->ss_error <= zero)
        res->ss_error = 0.0;
    if (!constant)
        lenth(res); /* on the effects as estimated, before pooling moves any */
    if (opt->pool && res->df_error < opt->min_error_df && !constant)
        pool_terms(res, opt->min_error_df);
    if (res->lenth && res->pooling_applied)
        sg_taguchi__append(res->notes, sizeof res->notes,
                           "pooling chose the smallest effects after seeing them, so the F "
                           "and p of the others are optimistic; Lenth's method (above) judges "
                           "every effect without pooling\n");
    bool error_zero = res->ss_error <= zero;
    res->ms_error_na = res->df_error > 0 ? NULL : NA_NO_ERROR_DF;
    res->ms_error = res->df_error > 0 ? res->ss_error / res->df_error : 0.0;
    int df_terms = 0;
    for (size_t t = 0; t < res->n_terms; t++) {
        sg_taguchi_term *tt = &res->terms[t];
        tt->ms = tt->df > 0 ? tt->ss / tt->df : 0.0;
        tt->f = tt->p = 0.0;
        if (tt->pooled)
            tt->f_na = NA_POOLED;
        else if (tt->df == 0)
            tt->f_na = NA_NO_DF;
        else if (constant)
            tt->f_na = NA_CONSTANT;
        else if (res->df_error == 0)
            tt->f_na = NA_NO_ERROR_DF;
        else if (error_zero)
            tt->f_na = NA_ZERO_ERROR;
        else if (!(isfinite(tt->ms / res->ms_error) && tt->ms / res->ms_error >= 0.0))
            tt->f_na = NA_F_OVERFLOW;
        else {
            /* f finite and >= 0, both df > 0: GSL's F distribution raises
             * no error for these arguments */
            tt->f_na = NULL;
            tt->f = tt->ms / res->ms_error;
            tt->p = gsl_cdf_fdist_Q(tt->f, tt->df, res->df_error);
        }
        if (!tt->pooled)
            df_terms += tt->df;
        tt->pct_na = constant ? NA_CONSTANT : NULL;
        tt->pct = constant ? 0.0 : 100.0 * tt->ss / res->ss_total;
        tt->pct_pure_na = constant             ? NA_CONSTANT
                          : tt->pooled         ? NA_POOLED
                          : res->df_error == 0 ? NA_NO_ERROR_DF
                                               : NULL;
        tt->pct_pure =
            tt->pct_pure_na ? 0.0 : 100.0 * (tt->ss - tt->df * res->ms_error) / res->ss_total;
        if (tt->kind == SG_TERM_INTERACTION && !tt->f_na && tt->p < SG_TAGUCHI_SIGNIF)
            sg_taguchi__append(res->notes, sizeof res->notes,
                               "interaction %s is significant (p = %.3g); the additive best-level "
                               "prediction ignores it\n",
                               tt->name, tt->p);
    }
    res->pct_error_na = constant ? NA_CONSTANT : NULL;
    res->pct_error = constant ? 0.0 : 100.0 * res->ss_error / res->ss_total;
    res->pct_error_pure_na = constant ? NA_CONSTANT : res->df_error == 0 ? NA_NO_ERROR_DF : NULL;
    res->pct_error_pure = res->pct_error_pure_na
                              ? 0.0
                              : 100.0 * (res->ss_error + df_terms * res->ms_error) / res->ss_total;
    if (res->df_error == 0 && !constant)
        sg_taguchi__append(
            res->notes, sizeof res->notes, "no error degrees of freedom: F and p cannot be computed%s\n",
            res->lenth ? "; Lenth's method (above) judges the effects instead"
            : opt->pool ? ""
                        : " (the pooling option pools the smallest effects into an error)");
}

sg_status sg_taguchi__anova(const sg_taguchi_input *in, const sg_taguchi_options *opt,
                            sg_taguchi_result *res, sg_error *err)
{
    size_t n = in->n_runs, k = in->n_factors;
    anova_ws w = {.n = n, .cap = n};
    size_t cap_terms = k + 4, maxL = 0;
    for (size_t f = 0; f < k; f++)
        maxL = (size_t)in->factors[f].n_levels > maxL ? (size_t)in->factors[f].n_levels : maxL;
    double *raw = NULL;
    sg_status st = SG_ERR_NOMEM;
    w.Q = malloc(n * n * sizeof *w.Q);
    w.P = malloc(n * n * sizeof *w.P);
    w.r = malloc(n * sizeof *w.r);
    w.v = malloc(n * sizeof *w.v);
    w.tb = calloc(cap_terms, sizeof *w.tb);
    res->terms = calloc(cap_terms, sizeof *res->terms);
    raw = malloc(n * maxL * maxL * sizeof *raw);
    if (!w.Q || !w.P || !w.r || !w.v || !w.tb || !res->terms || !raw)
        goto fail;

    /* intercept and centred response */
    double yy = 0.0;
    for (size_t i = 0; i < n; i++) {
        w.v[i] = 1.0;
        w.r[i] = in->y[i] - res->grand_mean;
        yy += in->y[i] * in->y[i];
    }
    orth_append(w.Q, n, &w.ncols, w.v);
    { /* the centred y may carry a rounding offset: remove it exactly */
        double c = dot(w.Q, w.r, n);
        for (size_t i = 0; i < n; i++)
            w.r[i] -= c * w.Q[i];
    }
    res->ss_total = dot(w.r, w.r, n);
    res->df_total = (int)n - 1;

    /* main effects, in factor order (sequential SS) */
    res->orthogonal = true;
    for (size_t f = 0; f < k; f++) {
        int L = in->factors[f].n_levels;
        indicators(in, f, raw);
        size_t pc = 0;
        for (size_t i = 0; i < n; i++)
            w.v[i] = 1.0;
        orth_append(w.P, n, &pc, w.v);
        if (own_basis(&w, w.P, pc, raw, (size_t)L, &w.tb[f]) != SG_OK)
            goto fail;
        for (size_t g = 0; g < f; g++)
            if (cross_norm(w.tb[g].B, w.tb[g].d, w.tb[f].B, w.tb[f].d, n) > SG_TAGUCHI_ORTHO_TOL) {
                if (res->orthogonal)
                    sg_taguchi__append(
                        res->notes, sizeof res->notes,
                        "the design is not orthogonal (%s%s and %s %s): sums of "
                        "squares are sequential (Type I) in factor order and depend on that "
                        "order; level means are raw means\n",
                        codes_correlated(in, g, f) ? "" : "the levels of ", res->mains[g].name,
                        res->mains[f].name,
                        codes_correlated(in, g, f)
                            ? "are correlated"
                            : "do not occur equally often together, though their settings are "
                              "uncorrelated");
                res->orthogonal = false;
            }
        sg_taguchi_term *t = &res->terms[res->n_terms];
        t->kind = SG_TERM_MAIN;
        t->f1 = (int)f;
        t->f2 = -1;
        t->df_nominal = L - 1;
        term_name(t, res);
        t->df = add_columns(&w, raw, (size_t)L, &t->ss);
        if (t->df < t->df_nominal)
            sg_taguchi__fmt_to(t->note, sizeof t->note,
                               "confounded with earlier factors: %d of %d df estimable", t->df,
                               t->df_nominal);
        res->n_terms++;
    }
    if (k >= 2 && interactions(in, opt, res, &w, &cap_terms, raw) != SG_OK)
        goto fail;
    if (k < 2 && !(res->candidates = calloc(1, sizeof *res->candidates)))
        goto fail;

    res->df_error = (int)(n - w.ncols);
    res->ss_error = dot(w.r, w.r, n);
    res->min_error_df = opt->min_error_df;
    finish_table(res, opt, sqrt(yy));
    st = SG_OK;
fail:
    if (st != SG_OK)
        sg_error_set(err, st, "taguchi: out of memory");
    if (w.tb)
        for (size_t t = 0; t < cap_terms; t++)
            free(w.tb[t].B);
    free(w.tb);
    free(w.Q);
    free(w.P);
    free(w.r);
    free(w.v);
    free(raw);
    return st;
}
