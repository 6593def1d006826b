/* taguchi.c — input checks, S/N ratios, main effects and the best level
 * combination of an orthogonal array; the ANOVA is in taguchi_anova.c
 * (see taguchi.h and doc/taguchi.md).
 */
#include "analysis/taguchi.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "analysis/taguchi_internal.h"
#include "core/num.h"

/* ---- reasons (static, so results can point at them) ---------------------- */
static const char NA_SN_ZERO[] = "a response value of 0 makes this S/N ratio unbounded";
static const char NA_SN_AT_TARGET[] =
    "a response value equals the target exactly, so -10 log10((y-m)^2) is unbounded";
static const char NA_SN_NO_TARGET[] =
    "nominal-the-best S/N needs replicates per run (10 log10(ybar^2/s^2)) or a target value "
    "(-10 log10((y-m)^2)); this table has one value per run and no target";
static const char NA_SN_LEVEL[] = "S/N is missing for a run at this level";
static const char NA_CI_NO_ERROR[] =
    "no error degrees of freedom to estimate the interval (see the pooling option)";
static const char NA_CI_NUMERIC[] = "the F quantile could not be computed";
static const char NA_BEST_NO_TARGET[] =
    "goal is none and no target is given, so no level is better than another";

sg_taguchi_options sg_taguchi_options_default(void)
{
    sg_taguchi_options o = {
        .interactions = true, .min_error_df = SG_TAGUCHI_DEFAULT_MIN_ERROR_DF, .pool = false};
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

void sg_taguchi__copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Append a printf-formatted line to buf (capacity cap), truncating quietly. */
void sg_taguchi__append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    sg_num_vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

/* printf into buf (capacity cap), truncating quietly. */
void sg_taguchi__fmt_to(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sg_num_vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
}

/* ---- validation and set-up ----------------------------------------------- */

static sg_status validate(const sg_taguchi_input *in, const sg_taguchi_options *opt, sg_error *err)
{
    if (!in || !in->levels || !in->factors || !in->y)
        return sg_error_set(err, SG_ERR_INVALID, "taguchi: missing input array");
    if (!in->response_name || !in->response_name[0])
        return sg_error_set(err, SG_ERR_INVALID, "taguchi: the response has no name");
    if (in->n_runs < 2)
        return sg_error_set(err, SG_ERR_INVALID, "taguchi: %zu run(s); at least 2 are needed",
                            in->n_runs);
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
                                "taguchi: factor %s has %d levels, above the limit of %d", fa->name,
                                fa->n_levels, SG_TAGUCHI_MAX_LEVELS);
        for (int l = 0; fa->level_values && l < fa->n_levels; l++)
            if (!isfinite(fa->level_values[l]))
                return sg_error_set(err, SG_ERR_INVALID,
                                    "taguchi: factor %s: level %d value is not finite", fa->name,
                                    l + 1);
    }
    for (size_t i = 0; i < in->n_runs; i++) {
        if (!isfinite(in->y[i]))
            return sg_error_set(err, SG_ERR_INVALID,
                                "taguchi: %s in run %zu is not a finite number", in->response_name,
                                i + 1);
        for (size_t f = 0; f < in->n_factors; f++) {
            int c = in->levels[i * in->n_factors + f];
            if (c < 0 || c >= in->factors[f].n_levels)
                return sg_error_set(err, SG_ERR_INVALID,
                                    "taguchi: run %zu, factor %s: level code %d is outside 0..%d",
                                    i + 1, in->factors[f].name, c, in->factors[f].n_levels - 1);
        }
    }
    return SG_OK;
}

void sg_taguchi_result_destroy(sg_taguchi_result *res)
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
    free(res->run_no);
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

static sg_status main_effects(const sg_taguchi_input *in, sg_taguchi_result *res, sg_error *err)
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
                                    "taguchi: factor %s: level %d (code %d) has no runs", m->name,
                                    l + 1, l);
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
        /* a spread at the rounding level of the data is exactly 0 */
        m->delta = hi - lo > SG_TAGUCHI_TIE_REL * ymax ? hi - lo : 0.0;
        m->sn_na = sn_ok ? NULL : (res->sn_na ? res->sn_na : NA_SN_LEVEL);
        m->sn_delta = sn_ok && shi - slo > SG_TAGUCHI_TIE_REL * snmax ? shi - slo : 0.0;
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
        sg_taguchi__append(res->notes, sizeof res->notes, "%s\n",
                           in->has_target
                               ? "goal is none: the nominal-the-best S/N is used (target form, "
                                 "one value per run)"
                               : "goal is none: the nominal-the-best S/N applies, but without "
                                 "replicates or a target it cannot be computed");
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
        sg_taguchi__append(
            res->notes, sizeof res->notes,
            "%s has negative values; the %s S/N uses y^2 and so judges them by magnitude\n",
            res->response, res->sn_name);
}

/* The runs of the array at the best combination by mean: the array itself
 * then holds its confirmation run (a prediction from main effects alone
 * misses what interactions and curvature add there). */
static void best_tested(const sg_taguchi_input *in, sg_taguchi_result *res)
{
    res->best_tested = 0;
    res->best_tested_run = 0;
    res->best_tested_mean = 0.0;
    if (res->best_na)
        return;
    double sum = 0.0;
    for (size_t i = 0; i < in->n_runs; i++) {
        size_t f = 0;
        while (f < in->n_factors && in->levels[i * in->n_factors + f] == res->mains[f].best_level)
            f++;
        if (f < in->n_factors)
            continue;
        if (res->best_tested++ == 0)
            res->best_tested_run = i;
        sum += in->y[i];
    }
    if (res->best_tested)
        res->best_tested_mean = sum / (double)res->best_tested;
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
    int df_mains = 0;
    for (size_t f = 0; f < k; f++) {
        sg_taguchi_main *m = &res->mains[f];
        df_mains += res->terms[f].df;
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
    best_tested(in, res);
    /* Taguchi's interval for a mean predicted from the main effects:
     * n_eff = n / (1 + df of the effects used), CI = sqrt(F(1, df_e) V_e / n_eff) */
    res->n_eff = (double)in->n_runs / (1.0 + df_mains);
    if (res->best_na)
        res->predicted_ci_na = res->best_na;
    else if (res->df_error == 0)
        res->predicted_ci_na = NA_CI_NO_ERROR;
    else {
        /* 0 < P < 1 and df_error > 0: gsl_cdf_fdist_Qinv raises no error */
        double F = gsl_cdf_fdist_Qinv(1.0 - SG_TAGUCHI_CI_LEVEL, 1.0, res->df_error);
        res->predicted_ci = sqrt(F * res->ms_error / res->n_eff);
        if (!isfinite(res->predicted_ci)) {
            res->predicted_ci = 0.0;
            res->predicted_ci_na = NA_CI_NUMERIC;
        }
    }
}

/* ---- level coding ----------------------------------------------------------- */

static bool same_level(double a, double b)
{
    return fabs(a - b) <= SG_TAGUCHI_LEVEL_REL * fmax(fabs(a), fabs(b));
}

sg_status sg_taguchi_code_levels(const double *x, size_t n, size_t stride, int max_levels,
                                 double *values, int *n_levels, int *codes, size_t code_stride,
                                 sg_error *err)
{
    if (!x || !values || !n_levels || !codes || n == 0 || stride == 0 || code_stride == 0 ||
        max_levels < 2)
        return sg_error_set(err, SG_ERR_INVALID, "taguchi: bad arguments to code_levels");
    int L = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i * stride];
        if (!isfinite(v))
            return sg_error_set(err, SG_ERR_INVALID, "value in row %zu is not finite", i + 1);
        int pos = 0;
        while (pos < L && values[pos] < v && !same_level(values[pos], v))
            pos++;
        if (pos < L && same_level(values[pos], v))
            continue;
        if (L == max_levels)
            return sg_error_set(err, SG_ERR_INVALID,
                                "more than %d distinct values: not a factor with discrete levels",
                                max_levels);
        memmove(values + pos + 1, values + pos, (size_t)(L - pos) * sizeof *values);
        values[pos] = v;
        L++;
    }
    if (L < 2)
        return sg_error_set(err, SG_ERR_INVALID, "only one distinct value (%.10g)", values[0]);
    for (size_t i = 0; i < n; i++) {
        double v = x[i * stride];
        int c = 0;
        while (c < L - 1 && !same_level(values[c], v))
            c++;
        codes[i * code_stride] = c;
    }
    *n_levels = L;
    return SG_OK;
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
    sg_taguchi__copy_str(res->response, sizeof res->response, in->response_name);
    sg_taguchi__copy_str(res->unit, sizeof res->unit, in->response_unit);
    res->y = malloc(n * sizeof *res->y);
    res->run_no = malloc(n * sizeof *res->run_no);
    res->sn = calloc(n, sizeof *res->sn);
    res->sn_ok = calloc(n, sizeof *res->sn_ok);
    res->mains = calloc(k, sizeof *res->mains);
    if (!res->y || !res->run_no || !res->sn || !res->sn_ok || !res->mains)
        goto fail;
    memcpy(res->y, in->y, n * sizeof *res->y);
    for (size_t i = 0; i < n; i++)
        res->run_no[i] = in->run_numbers ? in->run_numbers[i] : i + 1;
    for (size_t f = 0; f < k; f++) {
        sg_taguchi_main *m = &res->mains[f];
        const sg_taguchi_factor *fa = &in->factors[f];
        sg_taguchi__copy_str(m->name, sizeof m->name, fa->name);
        sg_taguchi__copy_str(m->unit, sizeof m->unit, fa->unit);
        m->n_levels = fa->n_levels;
        m->levels = calloc((size_t)fa->n_levels, sizeof *m->levels);
        if (!m->levels)
            goto fail;
        for (int l = 0; l < fa->n_levels; l++)
        {
            m->levels[l].value = fa->level_values ? fa->level_values[l] : (double)l;
            if (fa->level_names && fa->level_names[l])
                sg_taguchi__copy_str(m->levels[l].name, sizeof m->levels[l].name,
                                     fa->level_names[l]);
        }
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
    if ((st = sg_taguchi__anova(in, &o, res, err)) != SG_OK)
        goto fail_set;
    best_combination(in, res);
    *out = res;
    return SG_OK;
fail:
    sg_error_set(err, st, "taguchi: out of memory");
fail_set:
    sg_taguchi_result_destroy(res);
    return st;
}
