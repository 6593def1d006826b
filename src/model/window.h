/* window.h — held-out errors carried over to the whole window of the runs.
 *
 * Leave-one-out and k-fold residuals are errors at tested settings, and at
 * the corners of a design they are errors of extrapolation; the user
 * predicts anywhere inside the bounds.  Neither is the error at a point of
 * the window taken at random.  A kriging model of the same rows (gp.h)
 * says how unconstrained any point is, given where the runs lie: its
 * predictive sd.  Each held-out residual, divided by
 *
 *     s = sqrt(sd^2 + tau^2),
 *
 * where sd is the kriging sd of the point from the rows its fold trained
 * on and tau^2 the model's own mean squared error at the rows it was
 * trained on (a regularised network does not pass through its runs), is a
 * scaled residual z.  Scaled residuals of near and far points are alike
 * when s describes where the model is unconstrained, so over uniform
 * points x of the window (the box spanned by the runs):
 *
 *   rmse        = rms(z) * rms(s(x))  (expected RMSE at a random point)
 *   half_width  = the smallest h with P(|z s(x)| <= h) >= level over the
 *                 window's points, z a normal error whose scale rms(z) is
 *                 estimated from m held-out values: the prediction
 *                 interval of a new error, Student-t with m - 1 degrees
 *                 of freedom and scale rms(z) sqrt(1 + 1/m)
 *
 * The held-out values set the errors' scale, not the shape of their tail:
 * the empirical 95 % point of 9 to 100 of them rests on the few largest,
 * often a corner run the fold extrapolated to, while the errors at random
 * points are close to normal (doc/model.md, "Anywhere in the window").
 *
 * Units: residuals, tau, rmse and half_width in the response's unit.
 * Nothing is kept: the kriging models are fitted and freed here. */
#ifndef SG_MODEL_WINDOW_H
#define SG_MODEL_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* uniform points of the window the figures average over */
#define SG_WINDOW_POINTS 1000
/* above this many rows the figures are not computed: kriging's cost grows
 * with the cube of the rows (450 rows of 6 factors: 43 s for one response
 * with 8 starts), and with so many rows the held-out rows already cover
 * the window */
#define SG_WINDOW_MAX_ROWS 200
/* starts of the kriging fit that gives the sd map (gp.h uses 8 by default:
 * the map needs plausible length scales, not the best likelihood) */
#define SG_WINDOW_GP_STARTS 4

/* Held-out predictions of one response: all borrowed. */
typedef struct sg_window_held {
    size_t n;            /* held-out predictions */
    const size_t *row;   /* (n) the row of each (0-based, < the table's rows) */
    const size_t *group; /* (n) its fold: the rows of one group were held out together */
    const double *resid; /* (n) observed - predicted, response unit */
} sg_window_held;

/* Scaled residual of every held-out prediction (n of held), NAN where its
 * fold could not be refitted; filled when the caller passes room for them. */
typedef struct sg_window_figures {
    double rmse;       /* expected RMSE at a uniform point of the window */
    double half_width; /* interval half-width covering `level` of the window */
    double rms_z;      /* root mean square of the scaled residuals */
    double rms_scale;  /* root mean square of s(x) over the window */
    double q_z;        /* the split-conformal `level` quantile of the scaled residuals
                          alone (the largest when m is too small for it): prediction
                          +- q_z s(x) is the interval that follows s(x) */
    size_t n_z;        /* scaled residuals used (folds kriging could not refit are left out) */
    bool reachable;    /* false: fewer than 2 scaled residuals (no degree of freedom);
                          the half-width is then the largest z times the largest s */
    double *z_each;    /* NULL, or caller's room for held->n values: each held-out
                          prediction's z (NAN where not scaled) */
    double *kriging_at_points; /* NULL, or caller's room for SG_WINDOW_POINTS values: the
                                  sd map's kriging predictions at the window's points
                                  (sg_window_disagreement compares a model with them) */
} sg_window_figures;

/* The figures of one response: X (n, d) and y (n) are the table's rows
 * as the models see them (a log-scale factor's log10, a category's names
 * as 0/1 inputs); names (NULL: all numbers; else d entries) marks each
 * input of a category of k names with k (0 for a number): one 0/1 input
 * when k == 2, k one-hot inputs in a row otherwise.  The window's points
 * give a category one of the names its runs hold, each as likely, and a
 * number any setting of the runs' range.  held the held-out predictions,
 * tau2 >= 0 the model's mean squared error at its training rows, level in
 * (0, 1), seed drives the kriging starts and the window's points.
 * SG_ERR_INVALID for bad arguments (names that split a category) or when
 * nothing can be scaled (a constant response: kriging has no sd; every
 * fold too small to refit); SG_ERR_LIMIT above SG_WINDOW_MAX_ROWS;
 * kriging's own errors otherwise.  out->z_each and out->kriging_at_points
 * are the caller's (set them, or NULL, before the call); the other fields
 * are overwritten.  The caller keeps its own figures when this fails. */
sg_status sg_window_figures_compute(const double *X, const double *y, size_t n, size_t d,
                                    const size_t *names, const sg_window_held *held, double tau2,
                                    double level, uint64_t seed, sg_window_figures *out,
                                    sg_error *err);

/* A model's predictions at m points P (m, d; the models' inputs) into out
 * (m, the response's unit). */
typedef sg_status (*sg_window_predict_fn)(void *user, const double *P, size_t m, double *out,
                                          sg_error *err);

/* Root mean square difference (*rms, the response's unit) between a
 * model's predictions (predict) and those of the kriging model of the sd
 * map over the window's uniform points: kriging_at_points as
 * sg_window_figures_compute left them for the n rows X and the names with
 * this seed (the points are drawn again from the box of the rows).  Where both
 * models fit the runs yet disagree between them, at least one errs there:
 * a check the held-out residuals, all at tested settings, cannot make.
 * predict's errors, or SG_ERR_NOMEM. */
sg_status sg_window_disagreement(const double *X, size_t n, size_t d, const size_t *names,
                                 const double *kriging_at_points, sg_window_predict_fn predict,
                                 void *user, uint64_t seed, double *rms, sg_error *err);

#endif
