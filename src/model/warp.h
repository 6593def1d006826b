/* warp.h — a monotone transform that brings a skewed response closer to a
 * normal distribution (Yeo and Johnson's power transform of the
 * standardised values, the power chosen by maximum likelihood).
 *
 * Why: a kriging model assumes normal values.  A response whose runs are
 * mostly near one value with a long tail of much better ones (Hartmann-6:
 * most of the window near 0, the basins down to -3.3) gets a signal
 * variance fitted to the bulk, and values as good as the best tested ones
 * become many standard deviations away from the mean everywhere else: the
 * expected improvement of any untested region is then ~0 and a search
 * only ever refines the basin it first found.  Searching on the warped
 * response keeps the order of the runs and makes the tail plausible.
 *
 * sg_warp_fit returns the identity (used = false) unless the data are
 * clearly skewed (likelihood-ratio test against the power 1 at
 * SG_WARP_TEST_CHI2) and the tail the transform shortens is the one toward
 * the optimum (toward_low: the low values, for a minimisation).  A long
 * tail of poor runs is left alone: it inflates the fitted variance, which
 * only makes a search explore more.
 *
 * Plain value type; nothing is allocated.  Units: the warped value is
 * dimensionless (standardised), the input in the response's units.
 */
#ifndef SG_WARP_H
#define SG_WARP_H

#include <stdbool.h>
#include <stddef.h>

/* Powers tried: SG_WARP_LAMBDA_MIN .. MAX in steps of SG_WARP_LAMBDA_STEP
 * (1 is the identity, 0 a logarithm of the upper tail, 2 of the lower). */
#define SG_WARP_LAMBDA_MIN -2.0
#define SG_WARP_LAMBDA_MAX 4.0
#define SG_WARP_LAMBDA_STEP 0.02
/* Twice the log-likelihood gain over the identity that the chosen power
 * must reach: the 99 % point of chi-squared with one degree of freedom. */
#define SG_WARP_TEST_CHI2 6.635
/* Fewest finite values a power is fitted to. */
#define SG_WARP_MIN_VALUES 5

typedef struct sg_warp {
    bool used;      /* false: the identity (sg_warp_apply returns y) */
    double shift;   /* mean of the values */
    double width;   /* their standard deviation (population) */
    double lambda;  /* the power */
    double gain;    /* twice the log-likelihood gain of lambda over 1 */
} sg_warp;

/* The transform for the n values y (non-finite ones ignored); toward_low:
 * the optimum is the low end (minimisation).  Never fails: too few or
 * constant values give the identity. */
sg_warp sg_warp_fit(const double *y, size_t n, bool toward_low);

/* The warped value of y (increasing in y). */
double sg_warp_apply(const sg_warp *w, double y);

#endif
