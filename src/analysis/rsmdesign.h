/* rsmdesign.h — recognise the classic response-surface designs in a table:
 * a central composite design (a two-level factorial or fraction, axial runs
 * at ±alpha on each factor, centre runs; face-centred when alpha = 1) and
 * a Box-Behnken design (runs with m < k factors at ±1 in every sign
 * combination and the others at their centre, plus centre runs), and the
 * screening design they grow from: a two-level factorial or fraction with
 * centre runs (no axial runs), whose centre runs test for curvature.  An
 * engineer who brings one expects it to be named, and analysed by the
 * quadratic regression (regress.h) rather than by level means, which on a
 * central composite design rest on one run at each axial setting.
 *
 * Settings are compared with a tolerance of 1e-6 of each factor's range
 * (values written with fewer digits still read as their level).  Nothing
 * prints; O(n k) plus O(n log n) per factor.
 */
#ifndef SG_RSMDESIGN_H
#define SG_RSMDESIGN_H

#include <stdbool.h>
#include <stddef.h>

typedef enum sg_rsmdesign_kind {
    SG_RSMDESIGN_NONE = 0,
    SG_RSMDESIGN_CCD,      /* central composite */
    SG_RSMDESIGN_BBD,      /* Box-Behnken */
    SG_RSMDESIGN_FACTORIAL /* a two-level factorial or fraction with centre runs: the
                              screening design whose centre runs test curvature */
} sg_rsmdesign_kind;

typedef struct sg_rsmdesign {
    sg_rsmdesign_kind kind;
    size_t cube;     /* CCD, FACTORIAL: runs of the two-level part */
    bool fraction;   /* CCD, FACTORIAL: the cube is a fraction of the 2^k factorial */
    size_t axial;    /* CCD: runs with one factor at ±alpha */
    double alpha;    /* CCD: axial distance in half-sides of the cube (1: face-centred) */
    bool rotatable;  /* CCD: alpha = cube^(1/4) within 1 % */
    size_t edge;     /* BBD: runs with per_run factors at ±1 */
    size_t per_run;  /* BBD: factors away from the centre in each of those runs */
    size_t centre;   /* runs with every factor at its centre */
} sg_rsmdesign;

/* Recognise the n runs of the k factors of X (row stride ldx, numeric
 * settings).  *out->kind is SG_RSMDESIGN_NONE when the table is neither
 * (fewer than 2 factors, other settings, an unbalanced cube); returns
 * whether one was recognised.  Allocation-free: the levels of a factor are
 * found by scanning (n k log n at worst for the few settings allowed). */
bool sg_rsmdesign_identify(const double *X, size_t ldx, size_t n, size_t k, sg_rsmdesign *out);

/* One line describing d for k factors into buf ("central composite design:
 * 8 cube runs (2^3), 6 axial runs at alpha = 1.682 (rotatable), 6 centre
 * runs"); "" for SG_RSMDESIGN_NONE. */
void sg_rsmdesign_text(const sg_rsmdesign *d, size_t k, char *buf, size_t cap);

#endif
