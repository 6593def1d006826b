/* relevance.h — how much each factor matters to one response, read from
 * kriging's length scales, as a stretch of the network's scaled inputs.
 *
 * A network starts from weights that treat every scaled input alike; with
 * few runs and a weight penalty it spends about as much of its capacity on
 * a factor that does nothing as on the one that drives the response.
 * Kriging's maximum-likelihood length scales (one per factor, gp.h) say
 * which factors the response changes fast along.  Stretching input i by
 *     s_i = sqrt(mean_l / l_i),  clamped to [1/SG_RELEVANCE_MAX, SG_RELEVANCE_MAX]
 * (mean_l: the geometric mean of the length scales) gives a relevant factor
 * a longer lever and an irrelevant one a shorter one before training; the
 * square root keeps half of the step, as a full step (s = 1/l) was worse on
 * the accuracy benchmark (doc/model.md).  The stretch is computed from the
 * rows the network trains on, so every cross-validation fold computes its
 * own and the figures stay honest.
 *
 * No function prints or exits; no global state. */
#ifndef SG_RELEVANCE_H
#define SG_RELEVANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Largest stretch (and 1 / the smallest). */
#define SG_RELEVANCE_MAX 10.0
/* Kriging starts per fit: the length scales' ratios, not the likelihood's
 * last digit, matter here. */
#define SG_RELEVANCE_N_STARTS 2
/* Rows kriging is fitted to (evenly spaced through a longer table): its
 * cost grows with the cube of the rows (6 factors, 2 starts: 0.1 s at 200
 * rows, 5 s at 800), and a network fit happens in every fold. */
#define SG_RELEVANCE_MAX_ROWS 200

/* A store of computed stretches, keyed by the training rows: the weight
 * penalty search (regularize.h) refits the same folds once per grid value,
 * and kriging on a fold's rows needs fitting only once.  Thread-safe (one
 * lock).  Owned by whoever creates it; a spec only borrows it. */
typedef struct sg_relevance_cache sg_relevance_cache;

/* New empty cache (NULL when out of memory: callers then go without). */
sg_relevance_cache *sg_relevance_cache_create(void);
/* Free it; NULL is a no-op. */
void sg_relevance_cache_destroy(sg_relevance_cache *c);
/* Key of a set of training rows: X (n, nx), Y (n, ny) and the seed. */
uint64_t sg_relevance_key(const double *X, size_t nx, const double *Y, size_t ny, size_t n,
                          uint64_t seed);
/* Copy the len stretches stored under key into out; false when none are
 * (or c is NULL). */
bool sg_relevance_cache_get(sg_relevance_cache *c, uint64_t key, double *out, size_t len);
/* Store len stretches under key (a full or failed store is only a miss
 * later). */
void sg_relevance_cache_put(sg_relevance_cache *c, uint64_t key, const double *v, size_t len);

/* Stretch (d) of the inputs X (n, d, row-major, borrowed; any affine
 * scaling) for the response y (n), from at most SG_RELEVANCE_MAX_ROWS of
 * the rows.  A column with one value gets 1 and is left out of the kriging
 * fit.  When kriging cannot be fitted (fewer than
 * d' + 2 rows for the d' varying columns, a constant response, a numerical
 * failure) every stretch is 1 and *fitted (may be NULL) is false.  seed
 * drives kriging's starts.  SG_ERR_NOMEM only. */
sg_status sg_relevance_stretch(const double *X, const double *y, size_t n, size_t d,
                               uint64_t seed, double *stretch, bool *fitted, sg_error *err);

#endif
