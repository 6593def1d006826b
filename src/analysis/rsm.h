/* rsm.h — quadratic response-surface baseline.
 *
 * Full quadratic in k factors: 1, x_i, x_i², x_i x_j (i < j), that is
 * 1 + 2k + k(k-1)/2 terms, fitted by least squares on factors coded to
 * [-1, 1] from the training rows' min and max (good conditioning; stored in
 * the fit).  One Householder QR of the (n, p) design matrix, columns in
 * term order: O(n p²) time, linear in the rows (100,000 rows of 8 factors
 * take a fraction of a second; bench/bench_rsm.c).
 *
 * With fewer rows than the full quadratic's terms (every 27-run study of six
 * or more factors) a reduced form is fitted instead, the richest the rows
 * allow: main effects and squares (1, x_i, x_i²: 1 + 2k terms), else main
 * effects only (1 + k terms); sg_rsm_description() says which.  With fewer
 * rows than 1 + k the fit is refused (SG_ERR_INVALID).  When the design
 * cannot separate every term of the form,
 * terms are taken in the order 1, linear, squares, interactions and a term
 * that adds no rank to those kept (its distance from their span is at most
 * SG_RSM_RANK_TOL times the largest column norm so far) is dropped
 * (coefficient 0) — the usual reduction to an estimable model — and
 * sg_rsm_warning() names the dropped terms.  (A
 * minimum-norm solution would instead predict nonsense wherever the
 * unidentified direction matters.)  Predictions are never NaN.
 *
 * Factors of other kinds (sg_rsm_fit_factors) enter as the models see
 * them: a factor on a log scale is coded from log10 of its setting (a
 * quadratic over its decades, not in its unit), and a category of L names
 * (codes 0 .. L-1) as L - 1 indicators of codes 1 .. L-1 against code 0,
 * with no square and no product of two indicators of the same factor (a
 * quadratic in the codes would order the names and give a 4-name factor
 * two parameters instead of three).  The term order is then 1, every
 * feature (a numeric factor or an indicator), the squares of the numeric
 * ones, the products of features of different factors; the forms count
 * those terms.  With every factor numeric and on its unit's scale the fit
 * is the one described above.
 */
#ifndef SG_RSM_H
#define SG_RSM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* A term is dropped when its column's distance from the span of the
 * columns kept before it is at most this times the largest column norm. */
#define SG_RSM_RANK_TOL 1e-10

typedef struct sg_rsm sg_rsm;

/* The form fitted; its terms are a prefix of the full term order. */
typedef enum sg_rsm_form {
    SG_RSM_FULL = 0, /* 1, x_i, x_i², x_i x_j */
    SG_RSM_SQUARES,  /* 1, x_i, x_i² (no interactions) */
    SG_RSM_LINEAR    /* 1, x_i (main effects only) */
} sg_rsm_form;

/* Number of terms of form f in k numeric factors. */
size_t sg_rsm_form_terms(sg_rsm_form f, size_t k);
/* The richest form n rows can fit in k numeric factors; false when even main
 * effects need more rows. */
bool sg_rsm_form_for(size_t k, size_t n, sg_rsm_form *out);

/* Number of terms of a full quadratic in k factors. */
size_t sg_rsm_n_terms(size_t k);

/* Fit a quadratic to the n rows of X selected by rows (NULL = rows 0..n-1).
 * X is row-major with row stride ldx and its first k columns are the factors
 * (engineering units); y[r * ldy] is the response of row r.  On success the
 * caller owns *out (free with sg_rsm_destroy).  Every factor numeric. */
sg_status sg_rsm_fit(const double *X, size_t ldx, size_t k, const double *y, size_t ldy,
                     const size_t *rows, size_t n, sg_rsm **out, sg_error *err);

/* How a factor enters the baseline. */
typedef struct sg_rsm_factor {
    size_t levels;  /* 0: numeric; >= 2: a category whose settings are codes 0 .. levels-1 */
    bool log_scale; /* numeric, coded from log10 of its setting (settings > 0) */
    /* a category's names of its codes (levels of them; copied by the fit),
     * or NULL: terms name an indicator by its code ("x5[2]") rather than
     * its name ("alloy[BAg-8]") */
    char *const *labels;
} sg_rsm_factor;

/* sg_rsm_fit with each factor's kind (kinds: k entries, borrowed; NULL =
 * every factor numeric in its unit).  A category's setting is read as the
 * nearest code.  SG_ERR_NUMERIC for a log-scale setting <= 0. */
sg_status sg_rsm_fit_factors(const double *X, size_t ldx, size_t k, const sg_rsm_factor *kinds,
                             const double *y, size_t ldy, const size_t *rows, size_t n,
                             sg_rsm **out, sg_error *err);

/* The full quadratic whatever the rows' count, its inseparable terms
 * dropped as above: a design that aliases terms (a two-level fraction with
 * centre runs, whose squares are one column) can separate fewer terms than
 * it has rows, and then keeps the interactions the reduced forms lose.
 * The regression analysis (regress.h) weighs it against the reduced form. */
sg_status sg_rsm_fit_full(const double *X, size_t ldx, size_t k, const sg_rsm_factor *kinds,
                          const double *y, size_t ldy, const size_t *rows, size_t n,
                          sg_rsm **out, sg_error *err);

/* Newton iterations of the logistic baseline (it stops earlier when a
 * step moves no coefficient by 1e-10). */
#define SG_RSM_LOGISTIC_ITER 50
/* Ridge penalty of the logistic baseline on the coded terms (not the
 * intercept): keeps a separable table's coefficients finite. */
#define SG_RSM_LOGISTIC_LAMBDA 1e-2

/* Logistic regression on the same terms as sg_rsm_fit_factors (same form,
 * same dropped terms) for y in {0, 1}: sg_rsm_predict then gives the
 * probability of 1.  lambda >= 0 penalises the squared coefficients except
 * the intercept.  SG_ERR_NUMERIC when the fit fails. */
sg_status sg_rsm_fit_logistic(const double *X, size_t ldx, size_t k, const sg_rsm_factor *kinds,
                              const double *y, size_t ldy, const size_t *rows, size_t n,
                              double lambda, sg_rsm **out, sg_error *err);

/* Do the runs rows (m of the n rows of X) determine the value at point x
 * of the additive quadratic: 1, each feature, the squares of the numeric
 * ones (as sg_rsm_fit_factors codes them over all n rows), those of its
 * terms the n rows separate?  *determined: x's terms lie in the span of the
 * runs' terms (to SG_RSM_RANK_TOL).  A point they do not determine has a
 * direction of that surface, a factor's curvature, that only the other
 * runs measure: a prediction there from these runs is a guess (a
 * Box-Behnken design's centre runs are the only ones that show the
 * curvature the edges cannot).  *applies = false (nothing determined)
 * when the n rows leave no run to spare (as many runs as separable terms,
 * or fewer: on a saturated design every run is needed, so every run would
 * count).  kinds as sg_rsm_fit_factors (k entries, NULL: every factor
 * numeric).  SG_ERR_NOMEM; SG_ERR_NUMERIC for a log-scale setting <= 0. */
sg_status sg_rsm_determined(const double *X, size_t ldx, size_t n, size_t k,
                            const sg_rsm_factor *kinds, const size_t *rows, size_t m,
                            const double *x, bool *applies, bool *determined, sg_error *err);

/* Free a fit; NULL is a no-op. */
void sg_rsm_destroy(sg_rsm *m);

/* Prediction at x (k factors, engineering units), in the response's unit. */
double sg_rsm_predict(const sg_rsm *m, const double *x);
/* The prediction at x (as sg_rsm_predict) returned, and its gradient over
 * the k factors into grad (k): response unit per unit of each setting (a
 * log-scale factor's too), 0 for a category (its settings are not a
 * continuum). */
double sg_rsm_gradient(const sg_rsm *m, const double *x, double *grad);
/* Number of terms of the full form over the fit's factors (the length of
 * sg_rsm_coefficients; sg_rsm_n_terms(k) when every factor is numeric). */
size_t sg_rsm_terms(const sg_rsm *m);
/* Number of terms kept (== the form's terms when fully estimable). */
size_t sg_rsm_rank(const sg_rsm *m);
/* Rows the smallest form (main effects) over the fit's factors needs: a
 * refit from fewer rows fails. */
size_t sg_rsm_min_rows(const sg_rsm *m);
/* The form fitted. */
sg_rsm_form sg_rsm_form_of(const sg_rsm *m);
/* One line naming the form: "full quadratic (15 terms)", or for a reduced
 * form why ("main effects and squares, no interactions (13 terms): a full
 * quadratic in 6 factors has 28 terms, more than the 27 rows"). */
const char *sg_rsm_description(const sg_rsm *m);
/* Warning text when the design is rank deficient, "" otherwise: the
 * dropped terms named x1, x2, ... by factor position (owned by m). */
const char *sg_rsm_warning(const sg_rsm *m);
/* The same warning with the factors named by names (k strings, borrowed;
 * "alloy[1]" for the indicator of a category's code 1) into buf (cap
 * bytes, truncated to fit). */
void sg_rsm_warning_named(const sg_rsm *m, const char *const *names, char *buf, size_t cap);
/* Coefficients (sg_rsm_terms) on the coded factors z = (x-mid)/half,
 * order (every factor numeric): 1, z_1..z_k, z_1²..z_k², z_1z_2, z_1z_3,
 * ..., z_{k-1}z_k; with other kinds the order above.  The terms outside the
 * fitted form are 0. */
const double *sg_rsm_coefficients(const sg_rsm *m);

/* ---- the terms, for a regression analysis (regress.h) ---- */

/* The sg_rsm_terms values of the terms at x (k factors, engineering
 * units), in the order of sg_rsm_coefficients, coded as the fit codes
 * them; terms outside the fitted form are filled too. */
void sg_rsm_term_values(const sg_rsm *m, const double *x, double *t);
/* True when term q was fitted (in the form, and separable by the design). */
bool sg_rsm_term_kept(const sg_rsm *m, size_t q);
/* Name of term q into buf: "speed", "speed^2", "speed*feed", "alloy[1]"
 * (the indicator of code 1); names: k strings (NULL: x1, x2, ...). */
void sg_rsm_term_name(const sg_rsm *m, const char *const *names, size_t q, char *buf,
                      size_t cap);
/* The settings x (k, engineering units) of the coded point z (k) of a fit
 * whose factors are all numeric: mid + half z (10^ of it on a log scale).
 * False (x untouched) when a factor is a category. */
bool sg_rsm_decode(const sg_rsm *m, const double *z, double *x);
/* Coefficients coded (sg_rsm_terms, the order above, on z = (u - mid) /
 * half) re-expressed on the factors themselves, u = the setting in its
 * unit (log10 of it on a log scale; an indicator stays 0 / 1), into out
 * (sg_rsm_terms): the same polynomial, so that an engineer can evaluate
 * it without the coding. */
void sg_rsm_uncoded(const sg_rsm *m, const double *coded, double *out);

#endif
