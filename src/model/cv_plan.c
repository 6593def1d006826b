/* cv_plan.c — parsing of validation plans and construction of fold plans. */
#include "model/cv.h"
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
    free(p);
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
    p = calloc(1, sizeof *p);
    if (!p)
        goto nomem;
    p->n_rows = n;
    p->n_folds = n_folds;
    p->start = calloc(n_folds + 1, sizeof *p->start);
    p->rows = calloc(n_held, sizeof *p->rows);
    perm = calloc(n, sizeof *perm);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!p->start || !p->rows || !perm || !rng)
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
