/* relevance.c — input stretch from kriging's length scales (relevance.h). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "model/gp.h"
#include "model/relevance.h"

/* Entries kept; the penalty search of a fit needs one per fold. */
#define CACHE_SLOTS 256

typedef struct cache_entry {
    uint64_t key;
    size_t len;
    double *v;
} cache_entry;

struct sg_relevance_cache {
    pthread_mutex_t lock;
    size_t n;
    cache_entry e[CACHE_SLOTS];
};

sg_relevance_cache *sg_relevance_cache_create(void)
{
    sg_relevance_cache *c = calloc(1, sizeof *c);
    if (c && pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        return NULL;
    }
    return c;
}

void sg_relevance_cache_destroy(sg_relevance_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->e[i].v);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

uint64_t sg_relevance_key(const double *X, size_t nx, const double *Y, size_t ny, size_t n,
                          uint64_t seed)
{
    uint64_t h = sg_hash_fnv1a64(&seed, sizeof seed, SG_HASH_FNV1A64_INIT);
    h = sg_hash_fnv1a64(&n, sizeof n, h);
    h = sg_hash_fnv1a64(&nx, sizeof nx, h);
    h = sg_hash_fnv1a64(X, n * nx * sizeof *X, h);
    return sg_hash_fnv1a64(Y, n * ny * sizeof *Y, h);
}

bool sg_relevance_cache_get(sg_relevance_cache *c, uint64_t key, double *out, size_t len)
{
    if (!c)
        return false;
    bool found = false;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->n && !found; i++)
        if (c->e[i].key == key && c->e[i].len == len) {
            memcpy(out, c->e[i].v, len * sizeof *out);
            found = true;
        }
    pthread_mutex_unlock(&c->lock);
    return found;
}

void sg_relevance_cache_put(sg_relevance_cache *c, uint64_t key, const double *v, size_t len)
{
    if (!c)
        return;
    double *copy = malloc((len ? len : 1) * sizeof *copy);
    if (!copy)
        return;
    memcpy(copy, v, len * sizeof *copy);
    pthread_mutex_lock(&c->lock);
    if (c->n < CACHE_SLOTS) {
        c->e[c->n++] = (cache_entry){key, len, copy};
        copy = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    free(copy);
}

/* Columns of X with more than one value: their indices into keep, the
 * count returned. */
static size_t varying_columns(const double *X, size_t n, size_t d, size_t *keep)
{
    size_t m = 0;
    for (size_t i = 0; i < d; i++) {
        double lo = X[i], hi = X[i];
        for (size_t r = 1; r < n; r++) {
            lo = fmin(lo, X[r * d + i]);
            hi = fmax(hi, X[r * d + i]);
        }
        if (hi - lo > SG_GP_CONST_REL * fmax(fabs(lo), fabs(hi)))
            keep[m++] = i;
    }
    return m;
}

/* s_i = sqrt(geometric mean / l_i), clamped. */
static void stretch_from_lengths(const double *len, const size_t *keep, size_t m,
                                 double *stretch)
{
    double log_mean = 0.0;
    for (size_t k = 0; k < m; k++)
        log_mean += log(len[k]) / (double)m;
    for (size_t k = 0; k < m; k++) {
        double s = exp(0.5 * (log_mean - log(len[k])));
        stretch[keep[k]] = fmin(SG_RELEVANCE_MAX, fmax(1.0 / SG_RELEVANCE_MAX, s));
    }
}

sg_status sg_relevance_stretch(const double *X, const double *y, size_t n, size_t d,
                               uint64_t seed, double *stretch, bool *fitted, sg_error *err)
{
    for (size_t i = 0; i < d; i++)
        stretch[i] = 1.0;
    if (fitted)
        *fitted = false;
    size_t *keep = malloc((d ? d : 1) * sizeof *keep);
    double *Xk = malloc((n * d > 0 ? n * d : 1) * sizeof *Xk);
    double *yk = malloc((n ? n : 1) * sizeof *yk);
    if (!keep || !Xk || !yk) {
        free(keep);
        free(Xk);
        free(yk);
        return sg_error_set(err, SG_ERR_NOMEM, "factor relevance: out of memory");
    }
    size_t m = varying_columns(X, n, d, keep);
    /* at most SG_RELEVANCE_MAX_ROWS rows, evenly spaced through the table */
    size_t nk = n > SG_RELEVANCE_MAX_ROWS ? SG_RELEVANCE_MAX_ROWS : n;
    sg_gp *g = NULL;
    if (m > 0 && nk >= m + 2) {
        for (size_t i = 0; i < nk; i++) {
            size_t r = i * n / nk;
            for (size_t k = 0; k < m; k++)
                Xk[i * m + k] = X[r * d + keep[k]];
            yk[i] = y[r];
        }
        sg_gp_options opt = sg_gp_options_defaults();
        opt.n_starts = SG_RELEVANCE_N_STARTS;
        sg_error ignored;
        /* a failed fit only means: no stretch */
        if (sg_gp_fit(Xk, yk, nk, m, NULL, NULL, &opt, seed, &g, &ignored) == SG_OK &&
            !sg_gp_info_of(g)->constant) {
            stretch_from_lengths(sg_gp_length_scales(g), keep, m, stretch);
            if (fitted)
                *fitted = true;
        }
    }
    sg_gp_destroy(g);
    free(keep);
    free(Xk);
    free(yk);
    return SG_OK;
}
