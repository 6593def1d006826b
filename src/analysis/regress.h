/* regress.h — the quadratic response surface as a regression analysis:
 * what an engineer reads for a central composite, Box-Behnken or any other
 * design that is not an orthogonal array (and beside the main effects of
 * one that is).
 *
 * The fit is the quadratic baseline's (rsm.h: the richest form the runs
 * allow, terms the design cannot separate dropped); on it this module
 * computes, by least squares on the kept terms (GSL's multifit):
 *   - each term's coefficient on the coded factors (z = (x - mid) / half
 *     over the runs' min .. max: -1 .. +1, so coefficients compare), its
 *     standard error, t and two-sided p (residual degrees of freedom);
 *   - the same polynomial on the factors in their units (the equation);
 *   - S (residual sd), R², adjusted R², predicted R² (from PRESS, the
 *     leave-one-out residuals e_i / (1 - h_ii)), the regression's F and p;
 *   - lack of fit against pure error when runs repeat settings: SS_lof =
 *     SSE - SS_pure, F = (SS_lof / df_lof) / (SS_pure / df_pure).
 * Figures that need residual degrees of freedom are NAN without them (a
 * saturated fit).  Nothing prints; O(n p²) in the runs n and terms p.
 */
#ifndef SG_REGRESS_H
#define SG_REGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/rsm.h"
#include "core/error.h"

#define SG_REGRESS_NAME_MAX 160

typedef struct sg_regress_term {
    char name[SG_REGRESS_NAME_MAX]; /* "speed", "speed^2", "speed*feed" */
    double coef;    /* on the coded factors, response unit */
    double se, t, p; /* NAN without residual degrees of freedom */
    double uncoded; /* on the factors in their units (log10 of a log-scale one) */
} sg_regress_term;

typedef enum sg_regress_stationary {
    SG_STATIONARY_NONE = 0, /* not computed (a reduced form, a category, dropped terms) */
    SG_STATIONARY_MAXIMUM,
    SG_STATIONARY_MINIMUM,
    SG_STATIONARY_SADDLE,
    SG_STATIONARY_RIDGE     /* a curvature near 0 (below 1e-3 of the largest): B is
                               nearly singular and the point is not defined */
} sg_regress_stationary;

typedef struct sg_regress {
    size_t n, p, df_error; /* runs, terms fitted, residual degrees of freedom */
    char form[200];        /* rsm.h's description: "full quadratic (10 terms)" */
    bool full_taken;       /* fewer runs than the full quadratic's terms, yet its full form
                              (inseparable terms dropped) was taken over the reduced one:
                              left out one run at a time it predicts better (the choice the
                              quadratic model makes too, model_quad.c) */
    char dropped[512];     /* the terms the design cannot separate, or "" */
    char aliases[512];     /* kept terms whose column a dropped term shares on these runs
                              ("temp^2 stands for press^2, time^2 too ..."), or "" */
    double s;              /* residual sd, response unit (NAN: no df) */
    double r2, r2_adj, r2_pred; /* NAN when undefined (constant response, no df, a
                                   run with leverage 1) */
    double f_model, p_model;    /* the regression against the mean alone */
    /* Lack of fit (df_pure > 0: settings repeated; pure_exact: their runs
     * agree exactly, so no F; df_lof = 0: the model has as many terms as
     * distinct settings) */
    size_t df_pure, df_lof;
    bool pure_exact;
    double ss_pure, ss_lof, f_lof, p_lof; /* NAN where no test */
    size_t n_terms;
    sg_regress_term *terms; /* (n_terms) the fitted terms, intercept first */
    /* Canonical analysis, when the full quadratic was fitted with every term
     * and every factor is numeric: y = b0 + z'b + z'Bz on the coded factors
     * (B symmetric: the squares on its diagonal, half of each interaction
     * off it); the stationary point z_s = -B^-1 b / 2, where every slope is
     * 0, and B's eigenvalues (the curvatures along the principal axes):
     * all negative a maximum, all positive a minimum, mixed a saddle. */
    sg_regress_stationary stationary_kind;
    size_t k;                  /* factors (the length of the two arrays below) */
    double *stationary;        /* (k) the stationary point in the factors' units, or NULL */
    double stationary_y;       /* the fit there (log10 of a log-scale response) */
    bool stationary_inside;    /* within the tested range of every factor */
    double *curvatures;        /* (k) B's eigenvalues, ascending, coded units, or NULL */
} sg_regress;

/* Regress y[r * ldy] (n runs) on the quadratic in the k factors of X (row
 * stride ldx, engineering units; kinds as rsm.h, NULL = every factor
 * numeric; names: k strings for the terms, NULL = x1, x2, ...).
 * SG_ERR_INVALID when the runs cannot fit even main effects (fewer than
 * 1 + k) or a value is not finite; SG_ERR_NOMEM.  Caller frees *out with
 * sg_regress_destroy. */
sg_status sg_regress_quadratic(const double *X, size_t ldx, size_t k, const sg_rsm_factor *kinds,
                               const char *const *names, const double *y, size_t ldy, size_t n,
                               sg_regress **out, sg_error *err);

/* Free a result; NULL is a no-op. */
void sg_regress_destroy(sg_regress *r);

/* The lack-of-fit verdict in words (static text; the F and p are the
 * caller's to show): why there is no test (no repeated setting, repeats
 * that agree exactly, a term for every distinct setting), or whether the
 * quadratic fits within the repeated runs' scatter (at 5 %).  analyze's
 * text and the Regression sheet both say it. */
const char *sg_regress_lack_of_fit_verdict(const sg_regress *g);

/* The canonical analysis in words (static text), read against the goal
 * (+1 maximise, -1 minimise, 0 none): "a minimum, inside the tested
 * settings: the quadratic's optimum for this goal", a saddle, a point
 * outside, a ridge; "" when not computed. */
const char *sg_regress_stationary_text(const sg_regress *g, int goal);

#endif
