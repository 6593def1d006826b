/* taguchi.c — main effects, S/N ratios, ANOVA and best level combination of
 * an orthogonal array (see taguchi.h and doc/taguchi.md).
 *
 * The ANOVA is a sequential (Type I) linear-model decomposition: an
 * orthonormal basis Q (n x rank, column-major) of the model space is grown
 * term by term with modified Gram-Schmidt (two passes); each term's sum of
 * squares is the squared length of the projection of the centred response
 * on the columns it adds.  For an orthogonal array this equals the classic
 * sum_l n_l (ybar_l - ybar)^2, and the residual is the pooled error.
 */
#include "taguchi.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

/* p-value below which an estimated interaction earns a note that the
 * additive prediction ignores it. */
#define SG_TAGUCHI_SIGNIF 0.05

/* ---- reasons (static, so results can point at them) ---------------------- */
static const char NA_CONSTANT[] = "the response is constant (total sum of squares is zero)";
static const char NA_NO_ERROR_DF[] = "no error degrees of freedom (every column of the array is used)";
static const char NA_ZERO_ERROR[] =
    "error mean square is zero: the model reproduces every run exactly";
static const char NA_NO_DF[] = "no degrees of freedom: completely confounded with earlier terms";
static const char NA_POOLED[] = "pooled into the error";
static const char NA_SN_ZERO[] = "a response value of 0 makes this S/N ratio unbounded";
static const char NA_SN_AT_TARGET[] =
    "a response value equals the target exactly, so -10 log10((y-m)^2) is unbounded";
static const char NA_SN_NO_TARGET[] =
    "nominal-the-best S/N needs replicates per run (10 log10(ybar^2/s^2)) or a target value "
    "(-10 log10((y-m)^2)); this table has one value per run and no target";
static const char NA_SN_LEVEL[] = "S/N is missing for a run at this level";
static const char NA_BEST_NO_TARGET[] =
    "goal is none and no target is given, so no level is better than another";

sg_taguchi_options sg_taguchi_options_default(void)
{
    sg_taguchi_options o = {.interactions = true,
                            .min_error_df = SG_TAGUCHI_DEFAULT_MIN_ERROR_DF,
                            .pool = false};
    return o;
}

const char *sg_taguchi_goal_name(sg_taguchi_goal goal)
{
    switch (goal) {
    case SG_TAGUCHI_MINIMIZE: return "minimize";
    case SG_TAGUCHI_MAXIMIZE: return "maximize";
    case SG_TAGUCHI_NONE: return "none";
    }
    return "unknown";
}

sg_status sg_taguchi_sn(sg_taguchi_sn_kind kind, double y, double m, double *out, sg_error *err)
{
    double a;
    switch (kind) {
    case SG_SN_SMALLER_BETTER:
    case SG_SN_LARGER_BETTER:
        if (!isfinite(y))
            return sg_error_set(err, SG_ERR_INVALID, "response value is not finite");
        if (y == 0.0)
            return sg_error_set(err, SG_ERR_NUMERIC, "%s", NA_SN_ZERO);
        /* -10 log10(y^2) = -20 log10|y| without overflow of y^2 */
        a = 20.0 * log10(fabs(y));
        *out = kind == SG_SN_SMALLER_BETTER ? -a : a;
        return SG_OK;
    case SG_SN_NOMINAL_TARGET:
        if (!isfinite(y) || !isfinite(m))
            return sg_error_set(err, SG_ERR_INVALID, "response or target is not finite");
        if (y == m)
            return sg_error_set(err, SG_ERR_NUMERIC, "%s", NA_SN_AT_TARGET);
        *out = -20.0 * log10(fabs(y - m));
        return SG_OK;
    }
    return sg_error_set(err, SG_ERR_INVALID, "unknown S/N kind %d", (int)kind);
}

/* ---- small helpers ------------------------------------------------------- */

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Append a printf-formatted line to buf (capacity cap), truncating quietly. */
static void append(char *buf, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

/* printf into buf (capacity cap), truncating quietly. */
static void fmt_to(char *buf, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void fmt_to(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
}

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

/* ---- validation and set-up ----------------------------------------------- */

static sg_status validate(const sg_taguchi_input *in, const sg_taguchi_options *opt,
                          sg_error *err)
{
    if (!in || !in->levels || !in->factors || !in->y)
        return sg_error_set(err, SG_ERR_INVALID, "taguchi: missing input array");
    if (!in->response_name || !in->response_name[0])
        return sg_error_set(err, SG_ERR_INVALID, "taguchi: the response has no name");
    if (in->n_runs < 2)
        return sg_error_set(err, SG_ERR_INVALID,
                            "taguchi: %zu run(s); at least 2 are needed", in->n_runs);
    if (in->n_runs > SG_TAGUCHI_MAX_RUNS)
        return sg_error_set(err, SG_ERR_LIMIT, "taguchi: %zu runs exceed the limit of %d",
                            in->n_runs, SG_TAGUCHI_MAX_RUNS);
    if (in->n_factors < 1)
        return sg_error_set(err, SG_ERR_INVALID, "taguchi: no factors");
    if (in->n_factors > SG_TAGUCHI_MAX_FACTORS)
        return sg_error_set(err, SG_ERR_LIMIT, "taguchi: %zu factors exceed the limit of %d",
                            in->n_factors, SG_TAGUCHI_MAX_FACTORS);
    if ((int)in->goal < SG_TAGUCHI_MINIMIZE || (int)in->goal > SG_TAGUCHI_NONE)
        return sg_error_set(err, SG_ERR_INVALID, "taguchi: unknown goal %d", (int)in->goal);
    if (in->has_target && !isfinite(in->target))
        return sg_error_set(err, SG_ERR_INVALID, "taguchi: target is not finite");
    if (opt->min_error_df < 1)
        return sg_error_set(err, SG_ERR_INVALID,
                            "taguchi: min_error_df is %d; it must be at least 1",
                            opt->min_error_df);
    for (size_t f = 0; f < in->n_factors; f++) {
        const sg_taguchi_factor *fa = &in->factors[f];
        if (!fa->name || !fa->name[0])
            return sg_error_set(err, SG_ERR_INVALID, "taguchi: factor %zu has no name", f + 1);
        if (fa->n_levels < 2)
            return sg_error_set(err, SG_ERR_INVALID,
                                "taguchi: factor %s has %d level(s); at least 2 are needed",
                                fa->name, fa->n_levels);
        if (fa->n_levels > SG_TAGUCHI_MAX_LEVELS)
            return sg_error_set(err, SG_ERR_LIMIT,
                                "taguchi: factor %s has %d levels, above the limit of %d",
                                fa->name, fa->n_levels, SG_TAGUCHI_MAX_LEVELS);
    }
    for (size_t i = 0; i < in->n_runs; i++) {
        if (!isfinite(in->y[i]))
            return sg_error_set(err, SG_ERR_INVALID,
                                "taguchi: %s in run %zu is not a finite number",
                                in->response_name, i + 1);
        for (size_t f = 0; f < in->n_factors; f++) {
            int c = in->levels[i * in->n_factors + f];
            if (c < 0 || c >= in->factors[f].n_levels)
                return sg_error_set(err, SG_ERR_INVALID,
                                    "taguchi: run %zu, factor %s: level code %d is outside 0..%d",
                                    i + 1, in->factors[f].name, c,
                                    in->factors[f].n_levels - 1);
        }
    }
    return SG_OK;
}

void sg_taguchi_result_free(sg_taguchi_result *res)
{
    if (!res)
        return;
    if (res->mains)
        for (size_t f = 0; f < res->n_factors; f++)
            free(res->mains[f].levels);
    free(res->mains);
    free(res->terms);
    free(res->candidates);
    free(res->y);
    free(res->sn);
    free(res->sn_ok);
    free(res);
}

/* Rank items by value descending: rank 1 = largest; values within tol of
 * the current largest are tied and the lowest index goes first. */
static void rank_desc(const double *val, size_t k, double tol, int *rank)
{
    for (size_t f = 0; f < k; f++)
        rank[f] = 0;
    for (int r = 1; r <= (int)k; r++) {
        size_t best = k;
        for (size_t f = 0; f < k; f++)
            if (rank[f] == 0 && (best == k || val[f] > val[best]))
                best = f;
        for (size_t f = 0; f < k; f++)
            if (rank[f] == 0 && val[f] >= val[best] - tol) {
                best = f; /* lowest index among the tied */
                break;
            }
        rank[best] = r;
    }
}

/* ---- main effects and S/N ------------------------------------------------- */

static sg_status main_effects(const sg_taguchi_input *in, sg_taguchi_result *res,
                              sg_error *err)
{
    size_t n = in->n_runs, k = in->n_factors;
    double ymax = 0.0, snmax = 0.0;
    for (size_t i = 0; i < n; i++) {
        ymax = fmax(ymax, fabs(in->y[i]));
        if (res->sn_ok[i])
            snmax = fmax(snmax, fabs(res->sn[i]));
    }
    double *tmp = calloc(2 * k, sizeof *tmp);
    int *rk = malloc(k * sizeof *rk);
    if (!tmp || !rk) {
        free(tmp);
        free(rk);
        return sg_error_set(err, SG_ERR_NOMEM, "taguchi: out of memory");
    }
    bool all_sn = !res->sn_na;
    for (size_t f = 0; f < k; f++) {
        sg_taguchi_main *m = &res->mains[f];
        int L = m->n_levels;
        for (int l = 0; l < L; l++) {
            sg_taguchi_level *lv = &m->levels[l];
            double s = 0.0, ssn = 0.0;
            bool ok = true;
            lv->n_runs = 0;
            for (size_t i = 0; i < n; i++)
                if (in->levels[i * k + f] == l) {
                    lv->n_runs++;
                    s += in->y[i];
                    if (res->sn_ok[i])
                        ssn += res->sn[i];
                    else
                        ok = false;
                }
            if (lv->n_runs == 0) {
                free(tmp);
                free(rk);
                return sg_error_set(err, SG_ERR_INVALID,
                                    "taguchi: factor %s: level %d (code %d) has no runs",
                                    m->name, l + 1, l);
            }
            lv->mean = s / (double)lv->n_runs;
            lv->sn_mean = ok ? ssn / (double)lv->n_runs : 0.0;
            lv->sn_na = ok ? NULL : (res->sn_na ? res->sn_na : NA_SN_LEVEL);
        }
        double lo = m->levels[0].mean, hi = lo;
        bool sn_ok = true;
        double slo = m->levels[0].sn_mean, shi = slo;
        for (int l = 0; l < L; l++) {
            lo = fmin(lo, m->levels[l].mean);
            hi = fmax(hi, m->levels[l].mean);
            if (m->levels[l].sn_na)
                sn_ok = false;
            slo = fmin(slo, m->levels[l].sn_mean);
            shi = fmax(shi, m->levels[l].sn_mean);
        }
        m->delta = hi - lo;
        m->sn_na = sn_ok ? NULL : (res->sn_na ? res->sn_na : NA_SN_LEVEL);
        m->sn_delta = sn_ok ? shi - slo : 0.0;
        if (!sn_ok)
            all_sn = false;
        tmp[f] = m->delta;
        tmp[k + f] = m->sn_delta;
    }
    rank_desc(tmp, k, SG_TAGUCHI_TIE_REL * ymax, rk);
    for (size_t f = 0; f < k; f++)
        res->mains[f].rank = rk[f];
    if (all_sn) {
        rank_desc(tmp + k, k, SG_TAGUCHI_TIE_REL * snmax, rk);
        for (size_t f = 0; f < k; f++)
            res->mains[f].sn_rank = rk[f];
    }
    free(tmp);
    free(rk);
    return SG_OK;
}

static void signal_to_noise(const sg_taguchi_input *in, sg_taguchi_result *res)
{
    size_t n = in->n_runs;
    switch (in->goal) {
    case SG_TAGUCHI_MINIMIZE:
        res->sn_kind = SG_SN_SMALLER_BETTER;
        res->sn_name = "smaller-the-better";
        res->sn_formula = "S/N = -10 log10(y^2)";
        break;
    case SG_TAGUCHI_MAXIMIZE:
        res->sn_kind = SG_SN_LARGER_BETTER;
        res->sn_name = "larger-the-better";
        res->sn_formula = "S/N = -10 log10(1/y^2)";
        break;
    case SG_TAGUCHI_NONE:
        res->sn_kind = SG_SN_NOMINAL_TARGET;
        res->sn_name = "nominal-the-best (target form)";
        res->sn_formula = "S/N = -10 log10((y - m)^2), m = target";
        append(res->notes, sizeof res->notes,
               "goal is none: the nominal-the-best S/N is used%s\n",
               in->has_target ? " (target form, one value per run)" : "");
        break;
    }
    bool neg = false;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (in->y[i] < 0.0)
            neg = true;
        if (res->sn_kind == SG_SN_NOMINAL_TARGET && !in->has_target) {
            res->sn_ok[i] = false;
            res->sn_na = NA_SN_NO_TARGET;
            continue;
        }
        sg_error e;
        res->sn_ok[i] = sg_taguchi_sn(res->sn_kind, in->y[i], in->target, &res->sn[i], &e) == SG_OK;
        if (!res->sn_ok[i]) {
            res->sn[i] = 0.0;
            res->sn_na = res->sn_kind == SG_SN_NOMINAL_TARGET ? NA_SN_AT_TARGET : NA_SN_ZERO;
        } else
            s += res->sn[i];
    }
    res->sn_grand_mean = res->sn_na ? 0.0 : s / (double)n;
    if (neg && res->sn_kind != SG_SN_NOMINAL_TARGET)
        append(res->notes, sizeof res->notes,
               "%s has negative values; the %s S/N uses y^2 and so judges them by magnitude\n",
               res->response, res->sn_name);
}

/* ---- best level combination ---------------------------------------------- */

static void best_combination(const sg_taguchi_input *in, sg_taguchi_result *res)
{
    size_t k = in->n_factors;
    double ymax = 0.0, snmax = 0.0;
    for (size_t i = 0; i < in->n_runs; i++) {
        ymax = fmax(ymax, fabs(in->y[i]));
        if (res->sn_ok[i])
            snmax = fmax(snmax, fabs(res->sn[i]));
    }
    double tol = SG_TAGUCHI_TIE_REL * ymax, stol = SG_TAGUCHI_TIE_REL * snmax;
    if (in->goal == SG_TAGUCHI_NONE && !in->has_target)
        res->best_na = NA_BEST_NO_TARGET;
    res->predicted = res->best_na ? 0.0 : res->grand_mean;
    res->predicted_sn = res->sn_na ? 0.0 : res->sn_grand_mean;
    res->best_sn_na = res->sn_na;
    for (size_t f = 0; f < k; f++) {
        sg_taguchi_main *m = &res->mains[f];
        m->best_level = -1;
        m->best_sn_level = -1;
        if (!res->best_na) {
            int b = 0;
            for (int l = 1; l < m->n_levels; l++) {
                double v = m->levels[l].mean, w = m->levels[b].mean;
                bool better;
                if (in->goal == SG_TAGUCHI_MINIMIZE)
                    better = v < w - tol;
                else if (in->goal == SG_TAGUCHI_MAXIMIZE)
                    better = v > w + tol;
                else
                    better = fabs(v - in->target) < fabs(w - in->target) - tol;
                if (better)
                    b = l;
            }
            m->best_level = b;
            res->predicted += m->levels[b].mean - res->grand_mean;
        }
        if (!res->sn_na) {
            int b = 0;
            for (int l = 1; l < m->n_levels; l++)
                if (m->levels[l].sn_mean > m->levels[b].sn_mean + stol)
                    b = l;
            m->best_sn_level = b;
            res->predicted_sn += m->levels[b].sn_mean - res->sn_grand_mean;
        }
    }
}

/* ---- ANOVA ---------------------------------------------------------------- */

typedef struct anova_ws {
    size_t n;
    double *Q;     /* n x cap, column-major orthonormal model basis */
    size_t cap, ncols;
    double *r;     /* n residual of the centred response */
    double *v;     /* n scratch */
    double *P;     /* n x cap scratch basis for interactions */
    term_basis *tb; /* own-space basis per term (n_factors + accepted interactions) */
} anova_ws;

/* Append the columns of a term (raw columns generated by col(i, j)) to the
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
        copy_str(t->name, sizeof t->name, res->mains[t->f1].name);
    else
        fmt_to(t->name, sizeof t->name, "%s x %s", res->mains[t->f1].name,
                 res->mains[t->f2].name);
}

/* Try every two-factor interaction in the order 1x2, 1x3, 2x3, 1x4, ... */
static sg_status interactions(const sg_taguchi_input *in, const sg_taguchi_options *opt,
                              sg_taguchi_result *res, anova_ws *w, size_t *cap_terms,
                              double *raw)
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
                fmt_to(c->reason, sizeof c->reason, "interactions are switched off");
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
            if (z.d < dnom) {
                fmt_to(c->reason, sizeof c->reason,
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
                    append(alias, sizeof alias, "%s%s", n_alias ? ", " : "", tt->name);
                    n_alias++;
                    if (tt->kind == SG_TERM_INTERACTION)
                        append(tt->note, sizeof tt->note, "%scarries the aliased part of %s x %s",
                               tt->note[0] ? "; " : "", res->mains[a].name, res->mains[b].name);
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
                fmt_to(c->reason, sizeof c->reason, "%s with %s (%zu of %zu df independent)",
                         add == 0 ? "aliased" : "partly aliased", alias, add, dnom);
                free(z.B);
                continue;
            }
            long left = (long)n - (long)w->ncols - (long)add;
            if (left < opt->min_error_df) {
                fmt_to(c->reason, sizeof c->reason,
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
        append(list, sizeof list, "%s%s", list[0] ? ", " : "", res->terms[best].name);
        res->pooling_applied = true;
    }
    if (res->pooling_applied)
        append(res->notes, sizeof res->notes,
               "pooling: %s pooled into the error (smallest sums of squares first)\n", list);
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
        append(res->notes, sizeof res->notes,
               "%s is constant: every effect is zero and F, p and contributions cannot be "
               "computed\n",
               res->response);
    }
    if (opt->pool && res->df_error < opt->min_error_df && !constant)
        pool_terms(res, opt->min_error_df);
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
        else {
            tt->f_na = NULL;
            tt->f = tt->ms / res->ms_error;
            tt->p = gsl_cdf_fdist_Q(tt->f, tt->df, res->df_error);
        }
        if (!tt->pooled)
            df_terms += tt->df;
        tt->pct_na = constant ? NA_CONSTANT : NULL;
        tt->pct = constant ? 0.0 : 100.0 * tt->ss / res->ss_total;
        tt->pct_pure_na = constant ? NA_CONSTANT
                          : tt->pooled ? NA_POOLED
                          : res->df_error == 0 ? NA_NO_ERROR_DF
                                               : NULL;
        tt->pct_pure = tt->pct_pure_na ? 0.0
                                       : 100.0 * (tt->ss - tt->df * res->ms_error) / res->ss_total;
        if (tt->kind == SG_TERM_INTERACTION && !tt->f_na && tt->p < SG_TAGUCHI_SIGNIF)
            append(res->notes, sizeof res->notes,
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
        append(res->notes, sizeof res->notes,
               "no error degrees of freedom: F and p cannot be computed%s\n",
               opt->pool ? "" : " (the pooling option pools the smallest effects into an error)");
}

static sg_status anova(const sg_taguchi_input *in, const sg_taguchi_options *opt,
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
    {   /* the centred y may carry a rounding offset: remove it exactly */
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
            if (cross_norm(w.tb[g].B, w.tb[g].d, w.tb[f].B, w.tb[f].d, n) >
                SG_TAGUCHI_ORTHO_TOL) {
                if (res->orthogonal)
                    append(res->notes, sizeof res->notes,
                           "the design is not orthogonal (%s and %s are correlated): sums of "
                           "squares are sequential (Type I) in factor order and depend on that "
                           "order; level means are raw means\n",
                           res->mains[g].name, res->mains[f].name);
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
            fmt_to(t->note, sizeof t->note,
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

/* ---- entry point ----------------------------------------------------------- */

sg_status sg_taguchi_analyze(const sg_taguchi_input *in, const sg_taguchi_options *opt,
                             sg_taguchi_result **out, sg_error *err)
{
    if (!out)
        return sg_error_set(err, SG_ERR_INVALID, "taguchi: no output pointer");
    *out = NULL;
    sg_taguchi_options o = opt ? *opt : sg_taguchi_options_default();
    sg_status st = validate(in, &o, err);
    if (st != SG_OK)
        return st;
    size_t n = in->n_runs, k = in->n_factors;
    sg_taguchi_result *res = calloc(1, sizeof *res);
    if (!res)
        return sg_error_set(err, SG_ERR_NOMEM, "taguchi: out of memory");
    st = SG_ERR_NOMEM;
    res->n_runs = n;
    res->n_factors = k;
    res->goal = in->goal;
    res->has_target = in->has_target;
    res->target = in->has_target ? in->target : 0.0;
    copy_str(res->response, sizeof res->response, in->response_name);
    copy_str(res->unit, sizeof res->unit, in->response_unit);
    res->y = malloc(n * sizeof *res->y);
    res->sn = calloc(n, sizeof *res->sn);
    res->sn_ok = calloc(n, sizeof *res->sn_ok);
    res->mains = calloc(k, sizeof *res->mains);
    if (!res->y || !res->sn || !res->sn_ok || !res->mains)
        goto fail;
    memcpy(res->y, in->y, n * sizeof *res->y);
    for (size_t f = 0; f < k; f++) {
        sg_taguchi_main *m = &res->mains[f];
        const sg_taguchi_factor *fa = &in->factors[f];
        copy_str(m->name, sizeof m->name, fa->name);
        copy_str(m->unit, sizeof m->unit, fa->unit);
        m->n_levels = fa->n_levels;
        m->levels = calloc((size_t)fa->n_levels, sizeof *m->levels);
        if (!m->levels)
            goto fail;
        for (int l = 0; l < fa->n_levels; l++)
            m->levels[l].value = fa->level_values ? fa->level_values[l] : (double)l;
    }
    /* two-pass mean */
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += in->y[i];
    double mean = s / (double)n, c = 0.0;
    for (size_t i = 0; i < n; i++)
        c += in->y[i] - mean;
    res->grand_mean = mean + c / (double)n;

    signal_to_noise(in, res);
    if ((st = main_effects(in, res, err)) != SG_OK)
        goto fail_set;
    if ((st = anova(in, &o, res, err)) != SG_OK)
        goto fail_set;
    best_combination(in, res);
    *out = res;
    return SG_OK;
fail:
    sg_error_set(err, st, "taguchi: out of memory");
fail_set:
    sg_taguchi_result_free(res);
    return st;
}
