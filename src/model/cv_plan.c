/* cv_plan.c — parsing of validation plans and construction of fold plans. */
#include "model/cv.h"
#include "model/sizing.h"
#include "core/num.h"

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse an unsigned decimal at *p (advances it); false if none. */
static bool parse_size(const char **p, size_t *out)
{
    const char *s = *p;
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || v > 1000000000ull)
        return false;
    *out = (size_t)v;
    *p = end;
    return true;
}

sg_status sg_cv_spec_parse(const char *text, sg_cv_spec *out, sg_error *err)
{
    sg_cv_spec s = {SG_CV_AUTO, SG_CV_DEFAULT_K, 1, 0.0};
    if (!text || !*text || strcmp(text, "auto") == 0) {
        *out = s;
        return SG_OK;
    }
    if (strcmp(text, "loo") == 0) {
        s.kind = SG_CV_LOO;
        *out = s;
        return SG_OK;
    }
    if (strncmp(text, "kfold:", 6) == 0) {
        const char *p = text + 6;
        s.kind = SG_CV_KFOLD;
        if (!parse_size(&p, &s.k) || s.k < 2)
            return sg_error_set(err, SG_ERR_INVALID,
                                "validation \"%s\": K of kfold:K must be an integer >= 2", text);
        if (*p == ':') {
            p++;
            if (!parse_size(&p, &s.repeats) || s.repeats < 1 || s.repeats > SG_CV_MAX_REPEATS)
                return sg_error_set(err, SG_ERR_INVALID,
                                    "validation \"%s\": R of kfold:K:R must be an integer from 1 "
                                    "to %d",
                                    text, SG_CV_MAX_REPEATS);
        }
        if (*p)
            return sg_error_set(err, SG_ERR_INVALID,
                                "validation \"%s\": unexpected text after kfold:K[:R]", text);
        *out = s;
        return SG_OK;
    }
    if (strncmp(text, "holdout:", 8) == 0) {
        const char *p = text + 8;
        char *end = NULL;
        errno = 0;
        double f = sg_num_parse(p, &end);
        if (end == p || *end || errno || !(f > 0.0 && f < 1.0))
            return sg_error_set(err, SG_ERR_INVALID,
                                "validation \"%s\": F of holdout:F must be a number between 0 "
                                "and 1 (e.g. holdout:0.2)",
                                text);
        s.kind = SG_CV_HOLDOUT;
        s.fraction = f;
        *out = s;
        return SG_OK;
    }
    return sg_error_set(err, SG_ERR_INVALID,
                        "validation \"%s\" is not a known plan (expected loo, kfold:K, "
                        "kfold:K:R or holdout:F)",
                        text);
}

sg_cv_spec sg_cv_spec_resolve(sg_cv_spec spec, size_t n)
{
    if (spec.kind != SG_CV_AUTO)
        return spec;
    sg_cv_spec s = {SG_CV_LOO, SG_CV_DEFAULT_K, 1, 0.0};
    if (n > SG_CV_LOO_MAX_ROWS)
        s.kind = SG_CV_KFOLD;
    sg_sizing_plan p = sg_sizing_choose(n, 1, 1);
    if (p.large && p.cv_folds == 0) { /* large tables: one hold-out share */
        s.kind = SG_CV_HOLDOUT;
        s.fraction = p.holdout_share;
    }
    return s;
}

void sg_cv_spec_format(const sg_cv_spec *spec, char *buf, size_t cap)
{
    switch (spec->kind) {
    case SG_CV_LOO:
        snprintf(buf, cap, "loo");
        break;
    case SG_CV_KFOLD:
        if (spec->repeats > 1)
            snprintf(buf, cap, "kfold:%zu:%zu", spec->k, spec->repeats);
        else
            snprintf(buf, cap, "kfold:%zu", spec->k);
        break;
    case SG_CV_HOLDOUT:
        sg_num_snprintf(buf, cap, "holdout:%g", spec->fraction);
        break;
    default:
        snprintf(buf, cap, "auto");
    }
}

void sg_cv_plan_destroy(sg_cv_plan *p)
{
    if (!p)
        return;
    free(p->start);
    free(p->rows);
    free(p->factor);
    free(p->value);
    free(p);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Fisher-Yates shuffle of perm (n) with rng. */
static void shuffle(size_t *perm, size_t n, gsl_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)gsl_rng_uniform_int(rng, (unsigned long)i);
        size_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
}

/* An empty plan of n rows, n_folds folds and n_held held-out rows in all;
 * NULL when out of memory. */
static sg_cv_plan *plan_alloc(size_t n, size_t n_folds, size_t n_held)
{
    sg_cv_plan *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->n_rows = n;
    p->n_folds = n_folds;
    p->start = calloc(n_folds + 1, sizeof *p->start);
    p->rows = calloc(n_held ? n_held : 1, sizeof *p->rows);
    if (!p->start || !p->rows) {
        sg_cv_plan_destroy(p);
        return NULL;
    }
    return p;
}

sg_status sg_cv_plan_create(const sg_cv_spec *spec_in, size_t n, uint64_t seed, sg_cv_plan **out,
                            sg_error *err)
{
    sg_status st = SG_OK;
    sg_cv_spec spec = sg_cv_spec_resolve(*spec_in, n);
    sg_cv_plan *p = NULL;
    size_t *perm = NULL;
    gsl_rng *rng = NULL;
    *out = NULL;
    size_t n_folds = 0, n_held = 0;
    /* gsl_rng_uniform_int (the shuffle) raises an error for ranges beyond
     * its generator's 32 bits: refuse such tables before */
    if (n > (size_t)UINT32_MAX)
        return sg_error_set(err, SG_ERR_LIMIT, "validation: %zu rows is too many (at most %lu)",
                            n, (unsigned long)UINT32_MAX);
    switch (spec.kind) {
    case SG_CV_LOO:
        if (n < 3)
            return sg_error_set(err, SG_ERR_INVALID,
                                "validation loo needs at least 3 rows (got %zu)", n);
        n_folds = n_held = n;
        break;
    case SG_CV_KFOLD:
        if (spec.k < 2 || spec.repeats < 1)
            return sg_error_set(err, SG_ERR_INVALID, "validation kfold needs K >= 2 and R >= 1");
        if (spec.k > n || n - (n + spec.k - 1) / spec.k < 2)
            return sg_error_set(err, SG_ERR_INVALID,
                                "validation kfold:%zu needs at least %zu rows (got %zu): every "
                                "training set needs 2 rows",
                                spec.k, spec.k > 2 ? spec.k : 3, n);
        n_folds = spec.k * spec.repeats;
        n_held = n * spec.repeats;
        break;
    case SG_CV_HOLDOUT: {
        n_held = (size_t)floor(spec.fraction * (double)n + 0.5);
        if (n_held < 1 || n_held + 2 > n)
            return sg_error_set(err, SG_ERR_INVALID,
                                "validation holdout:%g on %zu rows would hold out %zu rows; it "
                                "must hold out at least 1 and leave at least 2",
                                spec.fraction, n, n_held);
        n_folds = 1;
        break;
    }
    default:
        return sg_error_set(err, SG_ERR_INVALID, "unknown validation plan");
    }
    p = plan_alloc(n, n_folds, n_held);
    perm = calloc(n, sizeof *perm);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!p || !perm || !rng)
        goto nomem;
    if (spec.kind == SG_CV_LOO) {
        for (size_t i = 0; i < n; i++) {
            p->start[i] = i;
            p->rows[i] = i;
        }
        p->start[n] = n;
    } else if (spec.kind == SG_CV_KFOLD) {
        size_t pos = 0, f = 0;
        for (size_t r = 0; r < spec.repeats; r++) {
            gsl_rng_set(rng, (unsigned long)sg_model_member_seed(seed, (size_t)-2, r));
            shuffle(perm, n, rng);
            size_t used = 0;
            for (size_t k = 0; k < spec.k; k++, f++) {
                size_t size = n / spec.k + (k < n % spec.k ? 1 : 0);
                p->start[f] = pos;
                memcpy(p->rows + pos, perm + used, size * sizeof *perm);
                qsort(p->rows + pos, size, sizeof *p->rows, cmp_size);
                pos += size;
                used += size;
            }
        }
        p->start[f] = pos;
    } else {
        gsl_rng_set(rng, (unsigned long)sg_model_member_seed(seed, (size_t)-2, 0));
        shuffle(perm, n, rng);
        memcpy(p->rows, perm, n_held * sizeof *perm);
        qsort(p->rows, n_held, sizeof *p->rows, cmp_size);
        p->start[0] = 0;
        p->start[1] = n_held;
    }
    *out = p;
    p = NULL;
    goto done;
nomem:
    st = sg_error_set(err, SG_ERR_NOMEM, "validation plan: out of memory");
done:
    gsl_rng_free(rng);
    free(perm);
    sg_cv_plan_destroy(p);
    return st;
}

/* ---- between levels ---------------------------------------------------------- */

size_t sg_cv_factor_levels(const double *X, size_t n, size_t n_in, size_t j, double *col,
                           double *lv)
{
    for (size_t i = 0; i < n; i++)
        col[i] = X[i * n_in + j];
    qsort(col, n, sizeof *col, cmp_dbl);
    size_t L = 0;
    for (size_t i = 0; i < n;) {
        size_t e = i + 1;
        while (e < n && col[e] == col[i])
            e++;
        if (e - i < 2 || L == SG_CV_LEVELS_MAX)
            return 0; /* a value on one row only, or too many levels */
        lv[L++] = col[i];
        i = e;
    }
    return L;
}

bool sg_cv_same_level_rows(const double *X, size_t n, size_t n_in, size_t a, double va,
                           size_t b, double vb)
{
    size_t i = 0;
    while (i < n && (X[i * n_in + a] == va) == (X[i * n_in + b] == vb))
        i++;
    return i == n;
}

/* Do the rows with factor j at v hold exactly the rows of one of the m
 * folds (factor kf[k] at kv[k]) already planned? */
static bool held_before(const double *X, size_t n, size_t n_in, size_t j, double v,
                        const size_t *kf, const double *kv, size_t m)
{
    for (size_t k = 0; k < m; k++)
        if (sg_cv_same_level_rows(X, n, n_in, j, v, kf[k], kv[k]))
            return true;
    return false;
}

sg_status sg_cv_levels_plan_create(const double *X, size_t n, size_t n_in,
                                   const size_t *categories, size_t min_train, sg_cv_plan **out,
                                   char *note, size_t cap, sg_error *err)
{
    if (min_train < 2)
        min_train = 2;
    sg_status st = SG_OK;
    sg_cv_plan *p = NULL;
    double *col = NULL, *lv = NULL;
    *out = NULL;
    if (cap)
        note[0] = '\0';
    col = malloc((n ? n : 1) * sizeof *col);
    lv = malloc(n_in * SG_CV_LEVELS_MAX * sizeof *lv);
    size_t *nlev = calloc(n_in ? n_in : 1, sizeof *nlev);
    if (!col || !lv || !nlev)
        goto nomem;
    /* count folds and held-out rows; a middle level held by the same runs
     * as an earlier factor's (the centre runs of a two-level design) is
     * that fold again and is not repeated */
    size_t n_folds = 0, n_held = 0, too_few = 0, most_left = 0;
    size_t *kf = malloc(n_in * SG_CV_LEVELS_MAX * sizeof *kf);
    double *kv = malloc(n_in * SG_CV_LEVELS_MAX * sizeof *kv);
    if (!kf || !kv) {
        free(kf);
        free(kv);
        goto nomem;
    }
    for (size_t j = 0; j < n_in; j++) {
        if (categories && j < SG_MODEL_MAX_CATEGORICAL && categories[j] >= 2)
            continue;
        size_t L = sg_cv_factor_levels(X, n, n_in, j, col, lv + j * SG_CV_LEVELS_MAX);
        if (L < 3)
            continue;
        for (size_t l = 1; l + 1 < L; l++) {
            double v = lv[j * SG_CV_LEVELS_MAX + l];
            size_t c = 0;
            for (size_t i = 0; i < n; i++)
                c += X[i * n_in + j] == v;
            if (n - c < min_train) {
                too_few++;
                most_left = n - c > most_left ? n - c : most_left;
            }
            if (n - c < min_train || held_before(X, n, n_in, j, v, kf, kv, n_folds))
                continue;
            kf[n_folds] = j;
            kv[n_folds++] = v;
            n_held += c;
        }
        nlev[j] = L;
    }
    free(kf);
    free(kv);
    if (n_folds == 0 && too_few) {
        snprintf(note, cap,
                 "holding out a middle level would leave at most %zu rows, and the model "
                 "needs %zu to be refitted", most_left, min_train);
        goto done;
    }
    if (n_folds == 0) {
        snprintf(note, cap,
                 "not a level-coded design (no factor with 3 to %d levels, each on at least "
                 "2 runs): the plan's held-out runs already lie between the others",
                 SG_CV_LEVELS_MAX);
        goto done;
    }
    p = plan_alloc(n, n_folds, n_held);
    if (!p)
        goto nomem;
    p->factor = calloc(n_folds, sizeof *p->factor);
    p->value = calloc(n_folds, sizeof *p->value);
    if (!p->factor || !p->value)
        goto nomem;
    size_t f = 0, pos = 0, used = 0;
    bool merged = false;
    for (size_t j = 0; j < n_in; j++) {
        size_t L = nlev[j];
        bool any = false;
        for (size_t l = 1; l + 1 < L; l++) {
            double v = lv[j * SG_CV_LEVELS_MAX + l];
            size_t c = 0;
            for (size_t i = 0; i < n; i++)
                c += X[i * n_in + j] == v;
            if (n - c < min_train)
                continue;
            any = true; /* held out, in this fold or an earlier one */
            if (held_before(X, n, n_in, j, v, p->factor, p->value, f)) {
                merged = true;
                continue;
            }
            p->start[f] = pos;
            p->factor[f] = j;
            p->value[f] = v;
            for (size_t i = 0; i < n; i++)
                if (X[i * n_in + j] == v)
                    p->rows[pos++] = i;
            f++;
        }
        if (any) {
            size_t len = strlen(note);
            if (len + 8 < cap)
                snprintf(note + len, cap - len, "%s%zu", used ? ", " : "factors ", j + 1);
            used++;
        }
    }
    p->start[f] = pos;
    size_t len = strlen(note);
    if (merged && len + 1 < cap)
        snprintf(note + len, cap - len, " (middle levels that fall on the same runs are held "
                                        "out once)");
    *out = p;
    p = NULL;
    goto done;
nomem:
    st = sg_error_set(err, SG_ERR_NOMEM, "validation plan: out of memory");
done:
    free(col);
    free(lv);
    free(nlev);
    sg_cv_plan_destroy(p);
    return st;
}

size_t sg_cv_plan_training_rows(const sg_cv_plan *p, size_t f, const double *X, size_t n_in,
                                const double *Y, size_t n_out, unsigned char *held, double *Xtr,
                                double *Ytr)
{
    memset(held, 0, p->n_rows);
    for (size_t i = p->start[f]; i < p->start[f + 1]; i++)
        held[p->rows[i]] = 1;
    size_t t = 0;
    for (size_t r = 0; r < p->n_rows; r++) {
        if (held[r])
            continue;
        memcpy(Xtr + t * n_in, X + r * n_in, n_in * sizeof *Xtr);
        memcpy(Ytr + t * n_out, Y + r * n_out, n_out * sizeof *Ytr);
        t++;
    }
    return t;
}

sg_status sg_cv_fewest_training_rows(const sg_cv_spec *spec, size_t n, uint64_t seed,
                                     size_t *rows, sg_error *err)
{
    sg_cv_plan *p = NULL;
    sg_status st = sg_cv_plan_create(spec, n, seed, &p, err);
    if (st != SG_OK)
        return st;
    size_t most_held = 0;
    for (size_t f = 0; f < p->n_folds; f++)
        if (p->start[f + 1] - p->start[f] > most_held)
            most_held = p->start[f + 1] - p->start[f];
    *rows = n - most_held;
    sg_cv_plan_destroy(p);
    return SG_OK;
}
