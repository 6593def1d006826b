/* check.c — summary checks of a study's data (see check.h). */
#include "analysis/check.h"

#include "design/oa.h"
#include "core/num.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define WARN_LINES_SHOWN 5 /* line numbers listed in one warning */

/* ---- standard arrays ---------------------------------------------------- */

bool sg_check_match_standard_array(const int *codes, size_t n_runs, size_t n_factors,
                                   char name[SG_CHECK_ARRAY_NAME_MAX], int *factor_col,
                                   bool *undetermined)
{
    name[0] = '\0';
    if (undetermined)
        *undetermined = false;
    if (n_runs < 2 || n_runs > SG_OA_MAX_RUNS || n_factors < 1 || n_factors > SG_OA_MAX_COLS)
        return false;
    sg_oa_identity id;
    if (sg_oa_identify(codes, (int)n_runs, (int)n_factors, &id, NULL) != SG_OK)
        return false;
    if (undetermined)
        *undetermined = id.undetermined != 0;
    if (!id.matched)
        return false;
    snprintf(name, SG_CHECK_ARRAY_NAME_MAX, "%s", id.name);
    for (size_t j = 0; j < n_factors; j++)
        factor_col[j] = id.factor_col[j];
    return true;
}

const char *sg_check_factorial_name(const sg_check_report *r, char *buf, size_t size)
{
    if (!size)
        return buf;
    buf[0] = '\0';
    if (!r->full_factorial)
        return buf;
    size_t len = 0;
    for (size_t j = 0; j < r->n_factors && len < size; j++) {
        int w = snprintf(buf + len, size - len, "%s%zu", j ? "x" : "", r->levels[j].n_levels);
        len = w < 0 ? size : len + (size_t)w;
    }
    if (len < size)
        snprintf(buf + len, size - len, " full factorial");
    return buf;
}

/* ---- helpers ------------------------------------------------------------ */

void sg_check_destroy(sg_check_report *r)
{
    if (!r)
        return;
    free(r->stats);
    free(r->corr);
    free(r->corr_defined);
    free(r->levels);
    for (size_t i = 0; i < r->n_duplicate_groups; i++)
        free(r->duplicates[i].rows);
    free(r->duplicates);
    for (size_t i = 0; i < r->n_warnings; i++)
        free(r->warnings[i].message);
    free(r->warnings);
    free(r);
}

static sg_status add_warning(sg_check_report *r, sg_warning_kind kind, size_t column,
                             sg_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static sg_status add_warning(sg_check_report *r, sg_warning_kind kind, size_t column,
                             sg_error *err, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    sg_num_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sg_warning *w = realloc(r->warnings, (r->n_warnings + 1) * sizeof *w);
    if (!w)
        return sg_error_set(err, SG_ERR_NOMEM, "check: out of memory");
    r->warnings = w;
    size_t n = strlen(buf) + 1;
    char *m = malloc(n);
    if (!m)
        return sg_error_set(err, SG_ERR_NOMEM, "check: out of memory");
    memcpy(m, buf, n);
    w[r->n_warnings++] = (sg_warning){kind, column, m};
    return SG_OK;
}

/* Append ", 12" style line numbers (at most WARN_LINES_SHOWN, then "...") */
static void append_line(char *buf, size_t size, size_t shown, int line)
{
    size_t k = strlen(buf);
    if (shown < WARN_LINES_SHOWN)
        snprintf(buf + k, size - k, "%s%d", shown ? ", " : "", line);
    else if (shown == WARN_LINES_SHOWN)
        snprintf(buf + k, size - k, ", ...");
}

/* Stable merge sort of idx[0..n) by the factor tuple of each row. */
static int cmp_rows(const sg_table *t, size_t a, size_t b)
{
    for (size_t j = 0; j < t->n_factors; j++) {
        double x = sg_table_at(t, a, j), y = sg_table_at(t, b, j);
        if (x < y)
            return -1;
        if (x > y)
            return 1;
    }
    return 0;
}

static void merge_sort(const sg_table *t, size_t *idx, size_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_sort(t, idx, tmp, h);
    merge_sort(t, idx + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_rows(t, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
    while (i < h)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static sg_status find_duplicates(const sg_table *t, sg_check_report *r, sg_error *err)
{
    size_t n = t->n_rows;
    size_t *idx = malloc(n * sizeof *idx), *tmp = malloc(n * sizeof *tmp);
    if (!idx || !tmp) {
        free(idx);
        free(tmp);
        return sg_error_set(err, SG_ERR_NOMEM, "check: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    merge_sort(t, idx, tmp, n);
    sg_status st = SG_OK;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && cmp_rows(t, idx[i], idx[j]) == 0)
            j++;
        if (j - i >= 2) {
            sg_duplicate_group *g =
                realloc(r->duplicates, (r->n_duplicate_groups + 1) * sizeof *g);
            if (!g) {
                st = sg_error_set(err, SG_ERR_NOMEM, "check: out of memory");
                break;
            }
            r->duplicates = g;
            g = &r->duplicates[r->n_duplicate_groups];
            g->n = j - i;
            g->responses_differ = false;
            if (!(g->rows = malloc(g->n * sizeof *g->rows))) {
                st = sg_error_set(err, SG_ERR_NOMEM, "check: out of memory");
                break;
            }
            r->n_duplicate_groups++;
            memcpy(g->rows, idx + i, g->n * sizeof *g->rows);
            qsort(g->rows, g->n, sizeof *g->rows, cmp_size);
            for (size_t a = 1; a < g->n && !g->responses_differ; a++)
                for (size_t c = t->n_factors; c < t->n_cols; c++)
                    if (sg_table_at(t, g->rows[a], c) != sg_table_at(t, g->rows[0], c))
                        g->responses_differ = true;
        }
        i = j;
    }
    free(idx);
    free(tmp);
    return st;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Distinct values of column j (within tol), ascending, with counts. */
static void code_levels(const sg_table *t, size_t j, double *sorted, sg_factor_levels *lv)
{
    size_t n = t->n_rows;
    for (size_t i = 0; i < n; i++)
        sorted[i] = sg_table_at(t, i, j);
    qsort(sorted, n, sizeof *sorted, cmp_double);
    double tol = SG_CHECK_LEVEL_RTOL * (sorted[n - 1] - sorted[0]);
    lv->n_levels = 0;
    for (size_t i = 0; i < n; i++) {
        if (lv->n_levels > 0 && sorted[i] - lv->values[lv->n_levels - 1] <= tol) {
            lv->counts[lv->n_levels - 1]++;
            continue;
        }
        if (lv->n_levels == SG_CHECK_MAX_LEVELS) {
            lv->n_levels = 0; /* too many: continuous */
            lv->balanced = false;
            return;
        }
        lv->values[lv->n_levels] = sorted[i];
        lv->counts[lv->n_levels++] = 1;
    }
    lv->balanced = lv->n_levels >= 2;
    for (size_t k = 1; k < lv->n_levels; k++)
        lv->balanced = lv->balanced && lv->counts[k] == lv->counts[0];
}

/* Factor j's levels as the study declares them, when every value lies near
 * one (achieved settings of nominal levels: sg_factor_code_levels); false
 * otherwise, and for names (their codes are exact). */
static bool declared_levels(const sg_factor *f, const sg_table *t, size_t j, sg_factor_levels *lv)
{
    if (f->categorical || !f->n_levels || t->n_rows == 0)
        return false;
    int *codes = malloc(t->n_rows * sizeof *codes);
    double values[SG_STUDY_MAX_LEVELS], off;
    size_t m = 0;
    bool ok = codes &&
              sg_factor_code_levels(f, t->x + j, t->n_rows, t->n_cols, codes, 1, values, &m,
                                    &off) &&
              m <= SG_CHECK_MAX_LEVELS;
    if (ok) {
        lv->n_levels = m;
        memcpy(lv->values, values, m * sizeof *values);
        memset(lv->counts, 0, sizeof lv->counts);
        for (size_t i = 0; i < t->n_rows; i++)
            lv->counts[codes[i]]++;
        lv->balanced = m >= 2;
        for (size_t k = 1; k < m; k++)
            lv->balanced = lv->balanced && lv->counts[k] == lv->counts[0];
    }
    free(codes);
    return ok;
}

static size_t level_of(const sg_factor_levels *lv, double v)
{
    size_t best = 0;
    for (size_t k = 1; k < lv->n_levels; k++)
        if (fabs(v - lv->values[k]) < fabs(v - lv->values[best]))
            best = k;
    return best;
}

/* Whether rows a and b of codes (k per row) are equal (sign 1) or each
 * other's fold-over (sign -1). */
static bool rows_match(const int *codes, size_t k, size_t a, size_t b, int sign)
{
    for (size_t j = 0; j < k; j++)
        if (codes[a * k + j] != sign * codes[b * k + j])
            return false;
    return true;
}

/* Whether the factor columns form a definitive screening design (Jones &
 * Nachtsheim, 2011): every factor at three levels, the middle one halfway;
 * a centre run; every other run's fold-over (each factor at its opposite
 * level) as often as the run itself; each factor at its middle level on
 * one fold-over pair besides the centre runs, no run with two factors
 * there; and the main-effect columns orthogonal.  codes has room for the
 * table's n x k codes (-1, 0, 1).  Its levels are unbalanced (the middle
 * one on 3 runs), but its main effects are orthogonal to each other and to
 * every square and two-factor interaction. */
static bool definitive_screening(const sg_table *t, const sg_factor_levels *lv, int *codes,
                                 size_t *centre_runs)
{
    size_t n = t->n_rows, k = t->n_factors, centre = 0;
    if (k < 3)
        return false;
    for (size_t j = 0; j < k; j++) {
        const double *v = lv[j].values;
        if (lv[j].n_levels != 3 || fabs(v[1] - 0.5 * (v[0] + v[2])) > 1e-6 * (v[2] - v[0]))
            return false;
    }
    size_t middle[SG_STUDY_MAX_FACTORS] = {0};
    for (size_t i = 0; i < n; i++) {
        size_t zeros = 0, at = 0;
        for (size_t j = 0; j < k; j++) {
            int c = (int)level_of(&lv[j], sg_table_at(t, i, j)) - 1;
            codes[i * k + j] = c;
            if (c == 0) {
                zeros++;
                at = j;
            }
        }
        if (zeros == k)
            centre++;
        else if (zeros > 1)
            return false;
        else if (zeros == 1)
            middle[at]++;
    }
    for (size_t j = 0; j < k; j++)
        if (middle[j] != 2)
            return false;
    for (size_t i = 0; i < n; i++) {
        size_t same = 0, folded = 0;
        for (size_t i2 = 0; i2 < n; i2++) {
            same += rows_match(codes, k, i, i2, 1);
            folded += rows_match(codes, k, i, i2, -1);
        }
        if (same != folded)
            return false;
    }
    for (size_t a = 0; a < k; a++)
        for (size_t b = a + 1; b < k; b++) {
            long dot = 0;
            for (size_t i = 0; i < n; i++)
                dot += codes[i * k + a] * codes[i * k + b];
            if (dot)
                return false;
        }
    *centre_runs = centre;
    return centre > 0;
}

static bool pair_balanced(const sg_table *t, const sg_factor_levels *levels, size_t a, size_t b,
                          size_t *cell)
{
    size_t ka = levels[a].n_levels, kb = levels[b].n_levels, n = t->n_rows;
    if (n % (ka * kb) != 0)
        return false;
    memset(cell, 0, ka * kb * sizeof *cell);
    for (size_t i = 0; i < n; i++)
        cell[level_of(&levels[a], sg_table_at(t, i, a)) * kb +
             level_of(&levels[b], sg_table_at(t, i, b))]++;
    for (size_t c = 0; c < ka * kb; c++)
        if (cell[c] != n / (ka * kb))
            return false;
    return true;
}

/* Runs per combination of every factor's levels into *runs_each when each
 * combination occurs equally often (a full factorial, replicated that many
 * times); 0 when not, with fewer than two factors, or a factor without
 * levels.  SG_ERR_NOMEM, else SG_OK. */
static sg_status full_factorial_replicates(const sg_table *t, const sg_factor_levels *levels,
                                           size_t *runs_each, sg_error *err)
{
    size_t n = t->n_rows, combos = 1;
    *runs_each = 0;
    if (t->n_factors < 2)
        return SG_OK;
    for (size_t j = 0; j < t->n_factors; j++) {
        if (levels[j].n_levels < 2 || combos * levels[j].n_levels > n)
            return SG_OK;
        combos *= levels[j].n_levels;
    }
    if (n % combos != 0)
        return SG_OK;
    size_t *count = calloc(combos, sizeof *count);
    if (!count)
        return sg_error_set(err, SG_ERR_NOMEM, "check: out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t c = 0;
        for (size_t j = 0; j < t->n_factors; j++)
            c = c * levels[j].n_levels + level_of(&levels[j], sg_table_at(t, i, j));
        count[c]++;
    }
    bool equal = true;
    for (size_t c = 0; equal && c < combos; c++)
        equal = count[c] == n / combos;
    free(count);
    *runs_each = equal ? n / combos : 0;
    return SG_OK;
}

/* Columns on a log scale ([[factor]] / [[response]] scale = "log") need
 * values above 0: the lines of those that are not (fit refuses them). */
static sg_status log_scale_warnings(const sg_study *s, const sg_table *t, sg_check_report *r,
                                    sg_error *err)
{
    for (size_t j = 0; j < t->n_cols; j++) {
        bool fac = j < t->n_factors;
        if (fac ? s->factors[j].scale != SG_FACTOR_SCALE_LOG
                : !s->responses[j - t->n_factors].log_scale)
            continue;
        char lines[128] = "";
        size_t n_bad = 0;
        for (size_t i = 0; i < t->n_rows; i++) {
            double v = sg_table_at(t, i, j);
            if (isfinite(v) && !(v > 0))
                append_line(lines, sizeof lines, n_bad++, t->line[i]);
        }
        sg_status st;
        if (n_bad &&
            (st = add_warning(r, SG_WARN_NOT_POSITIVE, j, err,
                              "%s '%s' has scale = \"log\", which needs values above 0: %zu "
                              "value%s at or below 0 (line%s %s)",
                              fac ? "factor" : "response",
                              fac ? s->factors[j].name : s->responses[j - t->n_factors].name,
                              n_bad, n_bad > 1 ? "s" : "", n_bad > 1 ? "s" : "", lines)))
            return st;
    }
    return SG_OK;
}

bool sg_check_far_beyond(double v, double lo, double hi, bool positive, bool log_only)
{
    double d = v > hi ? v - hi : lo - v;
    bool lin = log_only || d > SG_CHECK_FAR_SPANS * (hi - lo);
    if (!positive)
        return lin && !log_only;
    double dl = v > hi ? log10(v) - log10(hi) : log10(lo) - log10(v);
    return lin && dl > SG_CHECK_FAR_SPANS * (log10(hi) - log10(lo));
}

typedef struct value_row {
    double v;
    size_t row;
} value_row;

static int cmp_value_row(const void *a, const void *b)
{
    const value_row *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Response values far beyond all the others: a number typed with its
 * decimal point slipped, in another unit, or 1e12 for 529.6.  The model
 * would follow it and every figure would suffer; fit flags the run, and the
 * check says so before any training.  vr holds n_rows pairs. */
static sg_status far_value_warnings(const sg_study *s, const sg_table *t, sg_check_report *r,
                                    value_row *vr, sg_error *err)
{
    for (size_t j = t->n_factors; j < t->n_cols; j++) {
        const sg_response *re = &s->responses[j - t->n_factors];
        if (re->kind != SG_RESPONSE_NUMBER)
            continue;
        size_t m = 0;
        bool positive = true;
        for (size_t i = 0; i < t->n_rows; i++) {
            double v = sg_table_at(t, i, j);
            if (!isfinite(v))
                continue;
            vr[m++] = (value_row){v, i};
            positive = positive && v > 0;
        }
        qsort(vr, m, sizeof *vr, cmp_value_row);
        size_t lo = 0, hi = m ? m - 1 : 0, peeled = 0;
        char lines[128] = "";
        double example = NAN;
        for (int end = 0; end < 2; end++)
            while (m >= 4 && hi - lo >= 3 && 4 * (peeled + 1) <= m) {
                size_t k = end ? lo : hi;
                double olo = vr[end ? lo + 1 : lo].v, ohi = vr[end ? hi : hi - 1].v;
                if (!(ohi > olo) ||
                    !sg_check_far_beyond(vr[k].v, olo, ohi, positive, re->log_scale))
                    break;
                if (!peeled)
                    example = vr[k].v;
                append_line(lines, sizeof lines, peeled++, t->line[vr[k].row]);
                if (end)
                    lo++;
                else
                    hi--;
            }
        sg_status st;
        if (peeled &&
            (st = add_warning(r, SG_WARN_FAR_VALUE, j, err,
                              "response '%s': %zu value%s far beyond all the others (line%s %s; "
                              "e.g. %g, where the others span %g .. %g): a mistyped value or "
                              "another unit? Check %s before fitting",
                              re->name, peeled, peeled > 1 ? "s" : "", peeled > 1 ? "s" : "",
                              lines, example, vr[lo].v, vr[hi].v,
                              peeled > 1 ? "them" : "it")))
            return st;
    }
    return SG_OK;
}

/* The declared levels factor j's values are read as (sg_factor_code_levels)
 * into levels, their number in *n; false when some value is near none. */
static bool near_declared(const sg_factor *f, const sg_table *t, size_t j, double *levels,
                          size_t *n)
{
    int *codes = f->categorical ? NULL : malloc((t->n_rows ? t->n_rows : 1) * sizeof *codes);
    double off;
    bool ok = codes && sg_factor_code_levels(f, t->x + j, t->n_rows, t->n_cols, codes, 1,
                                             levels, n, &off);
    free(codes);
    return ok;
}

static sg_status factor_warnings(const sg_study *s, const sg_table *t, sg_check_report *r,
                                 sg_error *err)
{
    for (size_t j = 0; j < t->n_factors; j++) {
        const sg_factor *f = &s->factors[j];
        char lines[128] = "";
        size_t n_out = 0, n_off = 0;
        for (size_t i = 0; i < t->n_rows; i++) {
            double v = sg_table_at(t, i, j);
            if (v < f->min || v > f->max)
                append_line(lines, sizeof lines, n_out++, t->line[i]);
        }
        sg_status st;
        if (n_out &&
            (st = add_warning(r, SG_WARN_OUT_OF_BOUNDS, j, err,
                              "factor '%s': %zu value%s outside the bounds [%g, %g] (line%s %s)",
                              f->name, n_out, n_out > 1 ? "s" : "", f->min, f->max,
                              n_out > 1 ? "s" : "", lines)))
            return st;
        if (!f->n_levels)
            continue;
        lines[0] = '\0';
        double tol = SG_CHECK_LEVEL_RTOL * (f->max - f->min), first_bad = 0, off_most = 0;
        for (size_t i = 0; i < t->n_rows; i++) {
            double v = sg_table_at(t, i, j), near = INFINITY;
            for (size_t k = 0; k < f->n_levels; k++)
                near = fmin(near, fabs(v - f->levels[k]));
            if (near > tol) {
                if (!n_off)
                    first_bad = v;
                off_most = fmax(off_most, near);
                append_line(lines, sizeof lines, n_off++, t->line[i]);
            }
        }
        char hint[256] = "";
        double near_levels[SG_STUDY_MAX_LEVELS];
        size_t n_near = 0;
        if (n_off && !near_declared(f, t, j, near_levels, &n_near))
            n_near = 0;
        if (n_near)
            sg_num_snprintf(hint, sizeof hint,
                            ": each within %.3g%s%s of one (achieved rather than nominal "
                            "settings?); the orthogonal-array analysis reads each as that "
                            "level, the model uses them as they are",
                            off_most, *f->unit ? " " : "", f->unit);
        if (n_off &&
            (st = add_warning(r, SG_WARN_NOT_A_LEVEL, j, err,
                              "factor '%s': %zu value%s not among the declared levels (e.g. %g; "
                              "line%s %s)%s",
                              f->name, n_off, n_off > 1 ? "s" : "", first_bad,
                              n_off > 1 ? "s" : "", lines, hint)))
            return st;
        for (size_t k = 0; k < f->n_levels; k++) {
            bool used = false;
            for (size_t i = 0; i < t->n_rows && !used; i++)
                used = fabs(sg_table_at(t, i, j) - f->levels[k]) <= tol;
            for (size_t l = 0; l < n_near && !used; l++) /* achieved settings of it */
                used = near_levels[l] == f->levels[k];
            if (!used && f->categorical &&
                (st = add_warning(r, SG_WARN_LEVEL_UNUSED, j, err,
                                  "factor '%s': the name \"%s\" occurs in no row; the model "
                                  "knows nothing about it and the optimiser leaves it out",
                                  f->name, f->labels[k])))
                return st;
            if (!used && !f->categorical &&
                (st = add_warning(r, SG_WARN_LEVEL_UNUSED, j, err,
                                  "factor '%s': declared level %g occurs in no row", f->name,
                                  f->levels[k])))
                return st;
        }
    }
    return SG_OK;
}

sg_status sg_check_run(const sg_study *s, const sg_table *t, sg_check_report **out,
                       sg_error *err)
{
    *out = NULL;
    if (t->n_factors != s->n_factors || t->n_cols != s->n_factors + s->n_responses)
        return sg_error_set(err, SG_ERR_INTERNAL, "check: table does not match the study");
    sg_status st = SG_OK;
    double *sorted = NULL;
    size_t *cell = NULL;
    value_row *vr = NULL;
    sg_check_report *r = calloc(1, sizeof *r);
    if (!r)
        return sg_error_set(err, SG_ERR_NOMEM, "check: out of memory");
    r->n_rows = t->n_rows;
    r->n_excluded = t->n_excluded;
    r->n_cols = t->n_cols;
    r->n_factors = t->n_factors;
    r->stats = calloc(t->n_cols, sizeof *r->stats);
    r->corr = calloc(t->n_cols * t->n_cols, sizeof *r->corr);
    r->corr_defined = calloc(t->n_cols * t->n_cols, sizeof *r->corr_defined);
    r->levels = calloc(t->n_factors ? t->n_factors : 1, sizeof *r->levels);
    sorted = malloc(t->n_rows * sizeof *sorted);
    cell = malloc(SG_CHECK_MAX_LEVELS * SG_CHECK_MAX_LEVELS * sizeof *cell);
    if (!r->stats || !r->corr || !r->corr_defined || !r->levels || !sorted || !cell) {
        st = sg_error_set(err, SG_ERR_NOMEM, "check: out of memory");
        goto fail;
    }
    if ((st = sg_describe_columns(t->x, t->n_rows, t->n_cols, r->stats, err)) ||
        (st = sg_describe_correlation(t->x, t->n_rows, t->n_cols, r->corr, r->corr_defined, err)))
        goto fail;
    sg_study_mask_named_correlation(s, r->corr_defined);
    for (size_t j = 0; j < t->n_cols; j++) {
        if (!r->stats[j].constant)
            continue;
        bool fac = j < t->n_factors;
        const char *name = fac ? s->factors[j].name : s->responses[j - t->n_factors].name;
        if ((st = add_warning(r, SG_WARN_CONSTANT, j, err,
                              "%s '%s' (column '%s') is constant (%g in every row)",
                              fac ? "factor" : "response", name, t->col_names[j],
                              r->stats[j].min)))
            goto fail;
    }
    if ((st = factor_warnings(s, t, r, err)) || (st = log_scale_warnings(s, t, r, err)))
        goto fail;
    vr = malloc((t->n_rows ? t->n_rows : 1) * sizeof *vr);
    if (!vr) {
        st = sg_error_set(err, SG_ERR_NOMEM, "check: out of memory");
        goto fail;
    }
    if ((st = far_value_warnings(s, t, r, vr, err)))
        goto fail;
    r->balanced = t->n_factors > 0;
    for (size_t j = 0; j < t->n_factors; j++) {
        if (!declared_levels(&s->factors[j], t, j, &r->levels[j]))
            code_levels(t, j, sorted, &r->levels[j]);
        r->balanced = r->balanced && r->levels[j].balanced;
    }
    r->orthogonal = r->balanced;
    for (size_t a = 0; a < t->n_factors && r->orthogonal; a++)
        for (size_t b = a + 1; b < t->n_factors && r->orthogonal; b++)
            r->orthogonal = pair_balanced(t, r->levels, a, b, cell);
    if (r->orthogonal && (st = full_factorial_replicates(t, r->levels, &r->full_factorial, err)))
        goto fail;
    if (r->orthogonal && t->n_factors <= SG_OA_MAX_COLS && t->n_rows <= SG_OA_MAX_RUNS) {
        int *codes = malloc(t->n_rows * t->n_factors * sizeof *codes);
        if (!codes) {
            st = sg_error_set(err, SG_ERR_NOMEM, "check: out of memory");
            goto fail;
        }
        for (size_t i = 0; i < t->n_rows; i++)
            for (size_t j = 0; j < t->n_factors; j++)
                codes[i * t->n_factors + j] =
                    (int)level_of(&r->levels[j], sg_table_at(t, i, j));
        sg_check_match_standard_array(codes, t->n_rows, t->n_factors, r->array_name,
                                      r->array_col, &r->array_undetermined);
        free(codes);
    }
    if (!r->orthogonal && t->n_factors <= SG_STUDY_MAX_FACTORS) {
        int *codes = malloc(t->n_rows * t->n_factors * sizeof *codes);
        if (!codes) {
            st = sg_error_set(err, SG_ERR_NOMEM, "check: out of memory");
            goto fail;
        }
        r->definitive_screening = definitive_screening(t, r->levels, codes, &r->centre_runs);
        free(codes);
    }
    bool named = false;
    for (size_t j = 0; j < s->n_factors; j++)
        named = named || s->factors[j].categorical;
    if (!r->orthogonal && !named)
        sg_rsmdesign_identify(t->x, t->n_cols, t->n_rows, t->n_factors, &r->rsm_design);
    if ((st = find_duplicates(t, r, err)))
        goto fail;
    free(sorted);
    free(vr);
    free(cell);
    *out = r;
    return SG_OK;
fail:
    free(sorted);
    free(vr);
    free(cell);
    sg_check_destroy(r);
    return st;
}

sg_factor_span sg_check_factor_span(const sg_table *t, size_t j, double min, double max)
{
    sg_factor_span sp = {0, NAN, NAN};
    for (size_t i = 0; i < t->n_rows; i++) {
        double v = sg_table_at(t, i, j);
        sp.n_outside += v < min || v > max;
        sp.data_min = i ? fmin(sp.data_min, v) : v;
        sp.data_max = i ? fmax(sp.data_max, v) : v;
    }
    return sp;
}

bool sg_check_factor_span_message(const sg_factor_span *sp, const char *name, const char *unit,
                                  double min, double max, size_t n_rows, char *buf, size_t cap)
{
    const char *sp1 = unit && unit[0] ? " " : "", *u = unit ? unit : "";
    buf[0] = '\0';
    if (!n_rows || !isfinite(sp->data_min))
        return false;
    if (sp->n_outside == n_rows)
        sg_num_snprintf(buf, cap,
                        "factor '%.64s': all %zu runs lie outside the study's bounds [%g, %g]%s%s "
                        "(the data run from %.4g to %.4g): the model is fitted where the "
                        "process window is not, and every prediction inside it extrapolates; "
                        "check the factor's min and max, and the column's unit",
                        name, n_rows, min, max, sp1, u, sp->data_min, sp->data_max);
    else if (sp->n_outside)
        sg_num_snprintf(buf, cap,
                        "factor '%.64s': %zu of %zu runs lie outside the study's bounds [%g, "
                        "%g]%s%s (the data run from %.4g to %.4g): the model uses them, but "
                        "predictions, intervals and the optimiser keep to the bounds",
                        name, sp->n_outside, n_rows, min, max, sp1, u, sp->data_min,
                        sp->data_max);
    else if (sp->data_max == sp->data_min && n_rows >= 2)
        sg_num_snprintf(buf, cap,
                        "factor '%.64s': every run has %.4g%s%s (the study's bounds are [%g, "
                        "%g]): no run shows its effect, so the model ignores it and the "
                        "optimiser holds it there; vary it in new runs to learn its effect",
                        name, sp->data_min, sp1, u, min, max);
    else if (sp->data_max - sp->data_min < SG_CHECK_SPAN_MIN_SHARE * (max - min))
        sg_num_snprintf(buf, cap,
                        "factor '%.64s': the runs cover only %.4g to %.4g%s%s, %.0f %% of the "
                        "study's bounds [%g, %g]: predictions beyond the runs extrapolate, "
                        "and the optimiser may go there",
                        name, sp->data_min, sp->data_max, sp1, u,
                        100.0 * (sp->data_max - sp->data_min) / (max - min), min, max);
    return buf[0] != '\0';
}
