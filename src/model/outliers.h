/* outliers.h — suspicious runs: held-out residuals far from the others,
 * measured on a robust scale with engineering floors, and runs off the
 * additive pattern of a level-coded table. */
#ifndef SG_OUTLIERS_H
#define SG_OUTLIERS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* ---- suspicious runs ----
 *
 * A run is suspicious when its held-out residual r (observed - prediction)
 * is far from the others: |r - median| / scale > threshold, with
 *   scale = max(1.4826 * MAD          (robust sd of the residuals),
 *               resolution            (the data's printed precision: 10^-d
 *                                      for the most decimal places d any
 *                                      observed value has; 0.1 for 529.6),
 *               range_frac * range    (a share of the observed range)).
 * The floors keep a residual that is tiny in engineering terms from being
 * flagged just because the model fits the other runs even better (a MAD of
 * a few hundredths when the data are printed to 0.1).
 * Neighbouring runs (consecutive rows) deviating together hide each other
 * from leave-one-out: each flagged run's cluster spans the adjacent rows
 * whose residual has the same sign and whose observed value is within
 * `scale` of a cluster member's (twins vouching for each other). */

typedef enum sg_outlier_floor {
    SG_OUTLIER_SCALE_MAD = 0,    /* the robust sd set the scale */
    SG_OUTLIER_SCALE_RESOLUTION, /* the data's resolution did */
    SG_OUTLIER_SCALE_RANGE       /* the share of the range did */
} sg_outlier_floor;

typedef struct sg_outlier_scale {
    double median;      /* of the residuals */
    double mad_sd;      /* 1.4826 * MAD */
    double resolution;  /* 10^-d, d the observed values' decimal places (0: more than 9) */
    double range_floor; /* range_frac * (max - min) of the observed values */
    double scale;       /* the largest of the three */
    sg_outlier_floor source;
} sg_outlier_scale;

/* Name of a scale source ("MAD", "resolution", "range"). */
const char *sg_outlier_floor_name(sg_outlier_floor f);

/* The data's resolution: the printed precision 10^-d, d the most decimal
 * places any of the n values v[0], v[stride], ... needs (units of v;
 * 1 for whole numbers, 0.1 for 529.6), or 0 when some value needs more
 * than SG_CV_MAX_DECIMALS; values that are not finite are skipped. */
double sg_outlier_resolution(const double *v, size_t n, size_t stride);

/* The scale of n >= 1 residuals resid (n) of observed values obs (n), both
 * in the response unit.  scratch holds >= n doubles. */
void sg_outlier_scale_compute(const double *obs, const double *resid, size_t n,
                              double range_frac, double *scratch, sg_outlier_scale *out);

/* A suspicious run: its held-out residual is far from the others. */
typedef struct sg_outlier {
    size_t row;        /* 0-based row of the table */
    size_t response;   /* response index */
    double observed;   /* engineering units */
    double predicted;  /* held-out prediction (mean over repeats) */
    double spread;     /* its ensemble sd */
    double half_width; /* the response's calibrated interval half-width (± in messages) */
    double z;          /* robust z-score of the residual */
    double scale;      /* the scale z was measured in (sg_outlier_scale.scale) */
    size_t cluster_first, cluster_last; /* rows deviating with it (= row when alone); for
                                           a group off the pattern its first and last
                                           rows, which need not be adjacent: its runs
                                           are the records with this cluster_first */
    bool off_pattern;  /* flagged as one of a group of neighbouring runs off the additive
                          pattern of the levels (below): z and scale are then the
                          pattern's (z * scale = the deviation, response unit) */
    bool log_scale;    /* a log-scale response, judged in decades: scale and half_width
                          in decades (the interval predicted ×/÷ 10^half_width);
                          observed, predicted and spread in its unit */
} sg_outlier;

/* Flag suspicious runs among n rows: rows (n) their 0-based table rows in
 * ascending order (NULL: 0..n-1), obs, pred, spread (n) observed value,
 * held-out prediction and its ensemble sd.  Writes up to n records to out
 * (ascending rows; response and half_width filled from the arguments) and
 * returns how many; *sc (may be NULL) receives the scale.  scratch holds
 * >= 2n doubles.  n >= 1, zmax > 0, range_frac in [0, 1). */
size_t sg_outlier_find(const size_t *rows, const double *obs, const double *pred,
                        const double *spread, size_t n, double zmax, double range_frac,
                        size_t response, double half_width, double *scratch,
                        sg_outlier_scale *sc, sg_outlier *out);

/* ---- runs off the additive pattern (level-coded designs) ----
 *
 * Leave-one-out cannot expose neighbouring runs that are near repeats of one
 * setting and deviate together: each one's held-out prediction comes from
 * its partners.  On a table whose every factor is level-coded (2 to
 * SG_CV_LEVELS_MAX distinct values, each on at least 2 rows: orthogonal
 * arrays, full factorials) the table itself gives a reference that needs no
 * model: the additive pattern of the factors' levels (one effect per level
 * of each factor), fitted robustly by multi-way median polish (each level's
 * median residual removed, factor by factor, until nothing moves), so that
 * a few deviating runs do not bend it as least squares would. */

/* Above this many rows the pattern is not computed: replicated groups that
 * hide each other are a small table's problem, and judging a group refits
 * the model (a 625-row full factorial: 52 s of fit became 102 s). */
#define SG_OUTLIER_PATTERN_MAX_ROWS 200
/* Candidate groups judged (each refits the model) per response at most, in
 * row order: more than a few groups off the pattern means the table's
 * factors interact, not that a few runs went wrong. */
#define SG_OUTLIER_PATTERN_MAX_GROUPS 4

/* Sweeps of the median polish at most (it stops earlier when no level's
 * median exceeds 1e-12 of the response's range). */
#define SG_OUTLIER_POLISH_SWEEPS 50

/* Residuals of y (n rows, stride ldy) from the additive pattern of the
 * levels of X (n, n_in) into resid (n).  *applies = false (resid
 * untouched) when a factor is not level-coded or the rows cannot fit one
 * effect per level with at least as many rows to spare (n < 2 * (1 +
 * sum of (levels - 1))), or n > SG_OUTLIER_PATTERN_MAX_ROWS.  SG_ERR_NOMEM
 * only. */
sg_status sg_outlier_pattern_residuals(const double *X, size_t n, size_t n_in, const double *y,
                                       size_t ldy, double *resid, bool *applies, sg_error *err);

#endif
