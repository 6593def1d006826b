/* Recognising central composite and Box-Behnken designs (rsmdesign.h):
 * the textbook designs in engineering units, and tables that only look
 * like them. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "analysis/rsmdesign.h"

enum { MAXN = 64, K = 5 };

/* Coded rows z (n, k) into engineering units: factor f from 10 f + 5 with
 * half-side f + 1 (so every factor has its own centre and unit). */
static void units(const double *z, size_t n, size_t k, double *X)
{
    for (size_t i = 0; i < n; i++)
        for (size_t f = 0; f < k; f++)
            X[i * k + f] = 10.0 * (double)f + 5.0 + (double)(f + 1) * z[i * k + f];
}

/* A CCD: cube = the 2^k factorial, or its half fraction (last factor =
 * product of the others); 2k axial runs at ±alpha; c centre runs. */
static size_t ccd(size_t k, bool half, double alpha, size_t c, double *z)
{
    size_t n = 0, runs = (size_t)1 << (half ? k - 1 : k);
    for (size_t r = 0; r < runs; r++, n++) {
        double prod = 1.0;
        for (size_t f = 0; f < (half ? k - 1 : k); f++) {
            z[n * k + f] = (r >> f) & 1 ? 1.0 : -1.0;
            prod *= z[n * k + f];
        }
        if (half)
            z[n * k + k - 1] = prod;
    }
    for (size_t f = 0; f < k; f++)
        for (int s = -1; s <= 1; s += 2, n++) {
            for (size_t g = 0; g < k; g++)
                z[n * k + g] = 0.0;
            z[n * k + f] = s * alpha;
        }
    for (size_t i = 0; i < c; i++, n++)
        for (size_t g = 0; g < k; g++)
            z[n * k + g] = 0.0;
    return n;
}

/* A Box-Behnken design in 3 or 4 factors: every pair at (±1, ±1), the
 * others 0, and c centre runs. */
static size_t bbd(size_t k, size_t c, double *z)
{
    size_t n = 0;
    for (size_t a = 0; a < k; a++)
        for (size_t b = a + 1; b < k; b++)
            for (int s = 0; s < 4; s++, n++) {
                for (size_t g = 0; g < k; g++)
                    z[n * k + g] = 0.0;
                z[n * k + a] = s & 1 ? 1.0 : -1.0;
                z[n * k + b] = s & 2 ? 1.0 : -1.0;
            }
    for (size_t i = 0; i < c; i++, n++)
        for (size_t g = 0; g < k; g++)
            z[n * k + g] = 0.0;
    return n;
}

Test(rsmdesign, rotatable_central_composite)
{
    double z[MAXN * K], X[MAXN * K];
    size_t n = ccd(3, false, pow(8.0, 0.25), 6, z);
    units(z, n, 3, X);
    sg_rsmdesign d;
    cr_assert(sg_rsmdesign_identify(X, 3, n, 3, &d));
    cr_expect_eq(d.kind, SG_RSMDESIGN_CCD);
    cr_expect_eq(d.cube, 8);
    cr_expect_eq(d.axial, 6);
    cr_expect_eq(d.centre, 6);
    cr_expect_not(d.fraction);
    cr_expect(d.rotatable);
    cr_expect_float_eq(d.alpha, 1.6817928, 1e-6);
    char text[256];
    sg_rsmdesign_text(&d, 3, text, sizeof text);
    cr_expect_str_eq(text, "central composite design: 8 cube runs (the full 2^3), 6 axial runs "
                           "at alpha = 1.682 (rotatable), 6 centre runs");
}

Test(rsmdesign, face_centred_and_fractional_cubes)
{
    double z[MAXN * K], X[MAXN * K];
    size_t n = ccd(3, false, 1.0, 1, z);
    units(z, n, 3, X);
    sg_rsmdesign d;
    cr_assert(sg_rsmdesign_identify(X, 3, n, 3, &d));
    cr_expect_eq(d.kind, SG_RSMDESIGN_CCD);
    cr_expect_eq(d.alpha, 1.0);
    cr_expect_not(d.rotatable);
    char text[256];
    sg_rsmdesign_text(&d, 3, text, sizeof text);
    cr_expect(strstr(text, "alpha = 1 (face-centred), 1 centre run"), "%s", text);
    /* 2^(5-1) cube, alpha 2 (rotatable for 16 cube runs) */
    n = ccd(5, true, 2.0, 2, z);
    units(z, n, 5, X);
    cr_assert(sg_rsmdesign_identify(X, 5, n, 5, &d));
    cr_expect_eq(d.cube, 16);
    cr_expect(d.fraction);
    cr_expect(d.rotatable);
}

Test(rsmdesign, box_behnken)
{
    double z[MAXN * K], X[MAXN * K];
    for (size_t k = 3; k <= 4; k++) {
        size_t n = bbd(k, 3, z);
        units(z, n, k, X);
        sg_rsmdesign d;
        cr_assert(sg_rsmdesign_identify(X, k, n, k, &d), "k = %zu", k);
        cr_expect_eq(d.kind, SG_RSMDESIGN_BBD);
        cr_expect_eq(d.edge, 2 * k * (k - 1));
        cr_expect_eq(d.per_run, 2);
        cr_expect_eq(d.centre, 3);
    }
}

/* Look-alikes: a 3^3 full factorial, a 2^3 factorial with centre runs (no
 * axial runs), a CCD with one axial run moved, a BBD missing one sign
 * combination, an uneven alpha, a CCD with one axial run repeated. */
/* A two-level factorial or fraction with centre runs and no axial runs:
 * the screening design whose centre runs test curvature. */
Test(rsmdesign, factorials_with_centre_runs)
{
    double z[MAXN * K], X[MAXN * K];
    sg_rsmdesign d;
    size_t n = ccd(3, false, 1.682, 0, z) - 6; /* the 2^3 cube */
    for (size_t i = 0; i < 3; i++, n++)
        memset(z + n * 3, 0, 3 * sizeof *z);
    units(z, n, 3, X);
    cr_assert(sg_rsmdesign_identify(X, 3, n, 3, &d));
    cr_expect_eq(d.kind, SG_RSMDESIGN_FACTORIAL);
    cr_expect_eq(d.cube, 8);
    cr_expect_eq(d.centre, 3);
    cr_expect_not(d.fraction);
    char text[256];
    sg_rsmdesign_text(&d, 3, text, sizeof text);
    cr_expect_str_eq(text, "two-level factorial 2^3 (8 runs) with 3 centre runs, which test for "
                           "curvature");
    /* a half fraction of 2^4 with one centre run: 9 runs, fewer than a CCD needs */
    n = ccd(4, true, 1.0, 0, z) - 8;
    memset(z + n * 4, 0, 4 * sizeof *z);
    n++;
    units(z, n, 4, X);
    cr_assert(sg_rsmdesign_identify(X, 4, n, 4, &d));
    cr_expect_eq(d.kind, SG_RSMDESIGN_FACTORIAL);
    cr_expect(d.fraction && d.cube == 8 && d.centre == 1);
    /* without a centre run it is a plain two-level array; an unbalanced cube
     * (a corner twice) is no factorial */
    n = ccd(3, false, 1.682, 0, z) - 6;
    units(z, n, 3, X);
    cr_expect_not(sg_rsmdesign_identify(X, 3, n, 3, &d));
    n = ccd(3, false, 1.682, 0, z) - 6;
    memcpy(z + n * 3, z, 3 * sizeof *z);
    n++;
    memset(z + n * 3, 0, 3 * sizeof *z);
    n++;
    units(z, n, 3, X);
    cr_expect_not(sg_rsmdesign_identify(X, 3, n, 3, &d), "a corner run twice");
}

Test(rsmdesign, look_alikes_are_not_named)
{
    double z[MAXN * K], X[MAXN * K];
    sg_rsmdesign d;
    size_t n = 0;
    for (int i = 0; i < 27; i++, n++)
        for (int f = 0, v = i; f < 3; f++, v /= 3)
            z[n * 3 + (size_t)f] = v % 3 - 1.0;
    units(z, n, 3, X);
    cr_expect_not(sg_rsmdesign_identify(X, 3, n, 3, &d), "3^3 factorial");
    cr_expect_eq(d.kind, SG_RSMDESIGN_NONE);
    n = ccd(3, false, 1.682, 4, z) - 6 - 4; /* the cube */
    for (size_t i = 0; i < 4; i++, n++)
        memset(z + n * 3, 0, 3 * sizeof *z);
    units(z, n, 3, X);
    /* the 2^3 with centre runs is the screening design, not a composite */
    cr_expect(sg_rsmdesign_identify(X, 3, n, 3, &d), "2^3 with centre runs");
    cr_expect_eq(d.kind, SG_RSMDESIGN_FACTORIAL);
    n = ccd(3, false, 1.682, 2, z);
    z[8 * 3 + 1] = 0.5; /* an axial run with a second factor away */
    units(z, n, 3, X);
    cr_expect_not(sg_rsmdesign_identify(X, 3, n, 3, &d), "a moved axial run");
    n = bbd(3, 2, z);
    z[0 * 3 + 0] = z[1 * 3 + 0]; /* two runs alike: a sign pattern missing */
    z[0 * 3 + 1] = z[1 * 3 + 1];
    units(z, n, 3, X);
    cr_expect_not(sg_rsmdesign_identify(X, 3, n, 3, &d), "an incomplete Box-Behnken");
    n = ccd(3, false, 1.682, 2, z);
    z[8 * 3 + 0] = -1.5; /* factor 1's axial runs at 1.5 and 1.682: no single alpha */
    units(z, n, 3, X);
    cr_expect_not(sg_rsmdesign_identify(X, 3, n, 3, &d), "uneven alpha");
    n = ccd(3, false, 1.682, 3, z);
    memcpy(z + n * 3, z + 9 * 3, 3 * sizeof *z); /* factor 1's +alpha run twice, -alpha once */
    n++;
    units(z, n, 3, X);
    cr_expect_not(sg_rsmdesign_identify(X, 3, n, 3, &d), "unequal axial runs");
}
