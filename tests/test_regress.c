/* The quadratic regression analysis (regress.h): known answers on designs
 * whose algebra is known, and the equation in the factors' units against
 * the surface it re-expresses. */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

#include "analysis/regress.h"

static const char *const names[] = {"speed", "feed", "depth"};

static const sg_regress_term *term(const sg_regress *g, const char *name)
{
    for (size_t j = 0; j < g->n_terms; j++)
        if (strcmp(g->terms[j].name, name) == 0)
            return &g->terms[j];
    cr_assert_fail("no term %s", name);
    return NULL;
}

/* The equation's value at x (3 factors) from the uncoded coefficients,
 * terms read by name. */
static double equation_at(const sg_regress *g, const double *x)
{
    double v = g->terms[0].uncoded;
    for (size_t j = 1; j < g->n_terms; j++) {
        double t = 1.0;
        for (size_t i = 0; i < 3; i++) {
            const char *at = strstr(g->terms[j].name, names[i]);
            if (!at)
                continue;
            t *= x[i];
            if (strncmp(at + strlen(names[i]), "^2", 2) == 0)
                t *= x[i];
        }
        v += g->terms[j].uncoded * t;
    }
    return v;
}

/* A rotatable central composite design in 3 factors (8 cube, 6 axial at
 * 1.682, 6 centre runs) in engineering units: speed 100 .. 300, feed
 * 0.05 .. 0.25, depth 0.5 .. 2.5. */
enum { CCD = 20 };
static void ccd(double *X)
{
    const double a = 1.682, mid[3] = {200, 0.15, 1.5}, half[3] = {100, 0.1, 1};
    double z[CCD][3] = {{0}};
    for (int i = 0; i < 8; i++)
        for (int f = 0; f < 3; f++)
            z[i][f] = (i >> f) & 1 ? 1.0 / a : -1.0 / a;
    for (int f = 0; f < 3; f++) {
        z[8 + 2 * f][f] = -1.0;
        z[9 + 2 * f][f] = 1.0;
    }
    for (int i = 0; i < CCD; i++)
        for (int f = 0; f < 3; f++)
            X[i * 3 + f] = mid[f] + half[f] * z[i][f];
}

static double surface(const double *x)
{
    return 0.2 + 0.004 * x[0] - 3.5 * x[1] + 0.05 * x[2] - 1e-5 * x[0] * x[0] +
           30.0 * x[1] * x[1] - 0.02 * x[2] * x[2] - 0.01 * x[0] * x[1] + 2e-4 * x[0] * x[2] +
           0.5 * x[1] * x[2];
}

/* An exact quadratic: the equation in the factors' units is the one the
 * data were made from, whatever coding the fit used. */
Test(regress, equation_in_the_factors_units_is_the_surface)
{
    double X[CCD * 3], y[CCD];
    ccd(X);
    for (int i = 0; i < CCD; i++)
        y[i] = surface(X + i * 3);
    sg_regress *g = NULL;
    sg_error err;
    cr_assert_eq(sg_regress_quadratic(X, 3, 3, NULL, names, y, 1, CCD, &g, &err), SG_OK, "%s",
                 err.msg);
    cr_expect_eq(g->n_terms, 10);
    cr_expect_eq(g->df_error, 10);
    cr_expect_float_eq(g->terms[0].uncoded, 0.2, 1e-9);
    cr_expect_float_eq(term(g, "speed")->uncoded, 0.004, 1e-12);
    cr_expect_float_eq(term(g, "feed")->uncoded, -3.5, 1e-9);
    cr_expect_float_eq(term(g, "speed^2")->uncoded, -1e-5, 1e-15);
    cr_expect_float_eq(term(g, "feed^2")->uncoded, 30.0, 1e-8);
    cr_expect_float_eq(term(g, "speed*feed")->uncoded, -0.01, 1e-12);
    cr_expect_float_eq(term(g, "speed*depth")->uncoded, 2e-4, 1e-13);
    cr_expect_float_eq(term(g, "feed*depth")->uncoded, 0.5, 1e-9);
    double x[3] = {137, 0.21, 0.8};
    cr_expect_float_eq(equation_at(g, x), surface(x), 1e-10);
    cr_expect_float_eq(g->r2, 1.0, 1e-12);
    /* the centre runs repeat exactly: no pure error to test against */
    cr_expect_eq(g->df_pure, 5);
    cr_expect(g->pure_exact);
    cr_expect(isnan(g->f_lof));
    sg_regress_destroy(g);
}

/* A 3 x 3 full factorial (levels -1, 0, 1) with a full quadratic: the
 * linear and interaction columns are orthogonal to every other, so their
 * standard errors are s / sqrt(6) and s / 2 (sums of squares 6 and 4);
 * the constant's and the squares' s sqrt(5/9) and s sqrt(1/2);
 * s from the residuals, t = coef / se, p two-sided on 3 df. */
Test(regress, standard_errors_of_a_three_level_factorial)
{
    double X[9 * 2], y[9], noise[9] = {0.3, -0.1, 0.2, -0.4, 0.1, 0.05, -0.2, 0.35, -0.15};
    for (int i = 0; i < 9; i++) {
        X[i * 2] = i / 3 - 1;
        X[i * 2 + 1] = i % 3 - 1;
        y[i] = 5 + 2 * X[i * 2] - X[i * 2 + 1] + 0.5 * X[i * 2] * X[i * 2 + 1] + noise[i];
    }
    sg_regress *g = NULL;
    sg_error err;
    cr_assert_eq(sg_regress_quadratic(X, 2, 2, NULL, names, y, 1, 9, &g, &err), SG_OK, "%s",
                 err.msg);
    cr_assert_eq(g->n_terms, 6);
    cr_assert_eq(g->df_error, 3);
    double sse = 0.0, mean = 0.0, sst = 0.0;
    for (int i = 0; i < 9; i++)
        mean += y[i] / 9;
    for (int i = 0; i < 9; i++) {
        double x3[3] = {X[i * 2], X[i * 2 + 1], 0}, e = y[i] - equation_at(g, x3);
        sse += e * e;
        sst += (y[i] - mean) * (y[i] - mean);
    }
    double s = sqrt(sse / 3);
    cr_expect_float_eq(g->s, s, 1e-12);
    cr_expect_float_eq(g->r2, 1 - sse / sst, 1e-12);
    cr_expect_float_eq(g->r2_adj, 1 - (sse / 3) / (sst / 8), 1e-12);
    const sg_regress_term *lin = term(g, "speed"), *ab = term(g, "speed*feed");
    cr_expect_float_eq(lin->se, s / sqrt(6.0), 1e-12);
    cr_expect_float_eq(ab->se, s / 2, 1e-12);
    /* the constant and the squares share their columns' information:
     * ((X'X)^-1) diagonal 5/9 and 1/2 (exact rational inverse) */
    cr_expect_float_eq(g->terms[0].se, s * sqrt(5.0 / 9.0), 1e-12);
    cr_expect_float_eq(term(g, "speed^2")->se, s * sqrt(0.5), 1e-12);
    cr_expect_float_eq(lin->t, lin->coef / lin->se, 1e-12);
    cr_expect_float_eq(ab->p, 2 * gsl_cdf_tdist_Q(fabs(ab->t), 3), 1e-12);
    /* the regression's F on 5 and 3 df */
    cr_expect_float_eq(g->f_model, ((sst - sse) / 5) / (sse / 3), 1e-9);
    cr_expect_float_eq(g->p_model, gsl_cdf_fdist_Q(g->f_model, 5, 3), 1e-12);
    cr_expect_eq(g->df_pure, 0, "no setting repeats");
    cr_expect_str_eq(sg_regress_lack_of_fit_verdict(g),
                     "no setting is repeated, so no pure error to test it against");
    sg_regress_destroy(g);
}

/* Predicted R² is leave-one-out's: PRESS from refitting without each run
 * equals PRESS from the leverages. */
Test(regress, predicted_r2_is_leave_one_out)
{
    double X[CCD * 3], y[CCD];
    ccd(X);
    for (int i = 0; i < CCD; i++)
        y[i] = surface(X + i * 3) + 0.01 * sin(3.0 * i) + 0.002 * X[i * 3] * X[i * 3 + 1];
    sg_regress *g = NULL, *loo = NULL;
    sg_error err;
    cr_assert_eq(sg_regress_quadratic(X, 3, 3, NULL, names, y, 1, CCD, &g, &err), SG_OK);
    double press = 0.0, mean = 0.0, sst = 0.0;
    for (int i = 0; i < CCD; i++)
        mean += y[i] / CCD;
    for (int i = 0; i < CCD; i++) {
        double Xo[CCD * 3], yo[CCD];
        for (int j = 0, m = 0; j < CCD; j++)
            if (j != i) {
                memcpy(Xo + m * 3, X + j * 3, sizeof(double) * 3);
                yo[m++] = y[j];
            }
        cr_assert_eq(sg_regress_quadratic(Xo, 3, 3, NULL, names, yo, 1, CCD - 1, &loo, &err),
                     SG_OK);
        double e = y[i] - equation_at(loo, X + i * 3);
        press += e * e;
        sst += (y[i] - mean) * (y[i] - mean);
        sg_regress_destroy(loo);
    }
    cr_expect_float_eq(g->r2_pred, 1 - press / sst, 1e-9);
    cr_expect_lt(g->r2_pred, g->r2_adj);
    sg_regress_destroy(g);
}

/* Lack of fit: replicated centre runs give pure error; a cubic the
 * quadratic cannot follow shows as a lack of fit far beyond it, and the
 * quadratic truth does not. */
Test(regress, lack_of_fit_against_replicated_runs)
{
    double X[CCD * 3], y[CCD], scatter[6] = {0.01, -0.012, 0.004, 0.008, -0.006, -0.004};
    ccd(X);
    for (int pass = 0; pass < 2; pass++) {
        double pure = 0.0;
        for (int i = 0; i < CCD; i++) {
            double cube = pass ? 400.0 * pow(X[i * 3 + 1] - 0.15, 3) : 0.0;
            y[i] = surface(X + i * 3) + cube + (i >= 14 ? scatter[i - 14] : 0.003 * cos(i));
            if (i >= 14)
                pure += scatter[i - 14] * scatter[i - 14]; /* the scatter's mean is 0 */
        }
        sg_regress *g = NULL;
        sg_error err;
        cr_assert_eq(sg_regress_quadratic(X, 3, 3, NULL, names, y, 1, CCD, &g, &err), SG_OK);
        cr_expect_eq(g->df_pure, 5);
        cr_expect_eq(g->df_lof, 5);
        cr_expect_not(g->pure_exact);
        cr_expect_float_eq(g->ss_pure, pure, 1e-12);
        double sse = g->s * g->s * (double)g->df_error;
        cr_expect_float_eq(g->ss_lof, sse - pure, 1e-10);
        cr_expect_float_eq(g->f_lof, (g->ss_lof / 5) / (pure / 5), 1e-8);
        cr_expect_float_eq(g->p_lof, gsl_cdf_fdist_Q(g->f_lof, 5, 5), 1e-12);
        if (pass)
            cr_expect_lt(g->p_lof, 0.01, "the cubic: p %g", g->p_lof);
        else
            cr_expect_gt(g->p_lof, 0.05, "the quadratic: p %g", g->p_lof);
        cr_expect(strstr(sg_regress_lack_of_fit_verdict(g),
                         pass ? "misses structure" : "fits within the scatter"),
                  "%s", sg_regress_lack_of_fit_verdict(g));
        sg_regress_destroy(g);
    }
}

/* Too few runs for even main effects: refused, nothing allocated. */
Test(regress, too_few_runs_is_an_error)
{
    double X[3 * 3] = {1, 2, 3, 2, 3, 1, 3, 1, 2}, y[3] = {1, 2, 3};
    sg_regress *g = (sg_regress *)1;
    sg_error err;
    cr_expect_eq(sg_regress_quadratic(X, 3, 3, NULL, names, y, 1, 3, &g, &err), SG_ERR_INVALID);
    cr_expect_null(g);
    y[1] = NAN;
    cr_expect_eq(sg_regress_quadratic(X, 3, 3, NULL, names, y, 1, 3, &g, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "row 2"), "%s", err.msg);
}

/* A 2^(5-1) fraction with 3 centre runs (19 runs; a full quadratic in 5
 * factors has 21 terms): every square is the same column, so the design
 * separates 17 terms, the interactions among them.  The reduced form (no
 * interactions) misses the real a*b interaction; the full form, chosen
 * because it predicts the runs left out better, finds it. */
Test(regress, a_fraction_with_centre_runs_keeps_its_interactions)
{
    enum { N = 19 };
    static const char *const five[] = {"a", "b", "c", "d", "e"};
    double X[N * 5], y[N], wiggle[N];
    for (int i = 0; i < N; i++)
        wiggle[i] = 0.05 * sin(1.7 * i + 0.3);
    for (int r = 0; r < 16; r++) {
        double prod = 1.0;
        for (int j = 0; j < 4; j++) {
            X[r * 5 + j] = (r >> j) & 1 ? 1.0 : -1.0;
            prod *= X[r * 5 + j];
        }
        X[r * 5 + 4] = prod;
    }
    for (int r = 16; r < N; r++)
        for (int j = 0; j < 5; j++)
            X[r * 5 + j] = 0.0;
    for (int r = 0; r < N; r++)
        y[r] = 70 + 6 * X[r * 5] + 3.5 * X[r * 5 + 1] - 2 * X[r * 5] * X[r * 5 + 1] +
               1.2 * X[r * 5 + 3] + wiggle[r];
    sg_regress *g = NULL;
    sg_error err;
    cr_assert_eq(sg_regress_quadratic(X, 5, 5, NULL, five, y, 1, N, &g, &err), SG_OK, "%s",
                 err.msg);
    cr_expect_eq(g->n_terms, 17);
    cr_expect(strstr(g->form, "predicts better than the reduced form"), "%s", g->form);
    cr_expect(strstr(g->dropped, "b^2 c^2 d^2 e^2"), "%s", g->dropped);
    /* the kept square is the curvature of every factor: said so */
    cr_expect_str_eq(g->aliases, "a^2 stands for b^2, c^2, d^2, e^2 too (on these runs they "
                                 "are one column)");
    const sg_regress_term *ab = term(g, "a*b");
    cr_expect(fabs(ab->coef + 2.0) < 0.05, "a*b %g", ab->coef);
    cr_expect_lt(ab->p, 0.01);
    sg_regress_destroy(g);
}

/* The canonical analysis on a 3 x 3 factorial (x1 in 1 .. 3, x2 in 2 .. 4,
 * coded z1 = x1 - 2, z2 = x2 - 3) of exact quadratics: y = 5 + z1^2 +
 * 2 z2^2 + 0.5 z1 z2 has its minimum 5 at (2, 3), B = [[1, .25], [.25, 2]]
 * with eigenvalues 1.5 -+ sqrt(0.3125); shifted to z = (0.5, -0.25) by a
 * linear part; y = z1^2 - z2^2 is a saddle; y = z1^2 + z2 a ridge (no
 * curvature along z2); a minimum outside the tested settings is said to
 * be. */
static sg_regress *grid_regression(double (*f)(double, double))
{
    double X[18], y[9];
    for (int i = 0; i < 9; i++) {
        X[2 * i] = 1.0 + (double)(i % 3);
        X[2 * i + 1] = 2.0 + (double)(i / 3);
        y[i] = f(X[2 * i] - 2.0, X[2 * i + 1] - 3.0);
    }
    sg_regress *g = NULL;
    sg_error e;
    cr_assert_eq(sg_regress_quadratic(X, 2, 2, NULL, names, y, 1, 9, &g, &e), SG_OK, "%s", e.msg);
    return g;
}

static double bowl(double a, double b) { return 5 + a * a + 2 * b * b + 0.5 * a * b; }
static double shifted(double a, double b) { return bowl(a - 0.5, b + 0.25); }
static double far_bowl(double a, double b) { return bowl(a - 3.0, b); }
static double saddle(double a, double b) { return a * a - b * b; }
static double ridge(double a, double b) { return a * a + b; }

Test(regress, canonical_analysis_of_exact_quadratics)
{
    sg_regress *g = grid_regression(bowl);
    cr_assert_eq(g->stationary_kind, SG_STATIONARY_MINIMUM);
    cr_assert_not_null(g->stationary);
    cr_expect_float_eq(g->stationary[0], 2.0, 1e-9);
    cr_expect_float_eq(g->stationary[1], 3.0, 1e-9);
    cr_expect_float_eq(g->stationary_y, 5.0, 1e-9);
    cr_expect_float_eq(g->curvatures[0], 1.5 - sqrt(0.3125), 1e-9);
    cr_expect_float_eq(g->curvatures[1], 1.5 + sqrt(0.3125), 1e-9);
    cr_expect(g->stationary_inside);
    cr_expect(strstr(sg_regress_stationary_text(g, -1), "the quadratic's optimum for this goal"));
    cr_expect(strstr(sg_regress_stationary_text(g, 1), "the worst point for this goal"));
    sg_regress_destroy(g);
    g = grid_regression(shifted);
    cr_expect_float_eq(g->stationary[0], 2.5, 1e-9);
    cr_expect_float_eq(g->stationary[1], 2.75, 1e-9);
    cr_expect_float_eq(g->stationary_y, 5.0, 1e-9);
    sg_regress_destroy(g);
    g = grid_regression(far_bowl);
    cr_expect_eq(g->stationary_kind, SG_STATIONARY_MINIMUM);
    cr_expect_float_eq(g->stationary[0], 5.0, 1e-9);
    cr_expect_not(g->stationary_inside);
    cr_expect(strstr(sg_regress_stationary_text(g, -1), "outside the tested settings"));
    sg_regress_destroy(g);
    g = grid_regression(saddle);
    cr_expect_eq(g->stationary_kind, SG_STATIONARY_SADDLE);
    cr_expect_float_eq(g->curvatures[0], -1.0, 1e-9);
    cr_expect_float_eq(g->curvatures[1], 1.0, 1e-9);
    sg_regress_destroy(g);
    g = grid_regression(ridge);
    cr_expect_eq(g->stationary_kind, SG_STATIONARY_RIDGE);
    cr_expect_null(g->stationary);
    cr_expect(strstr(sg_regress_stationary_text(g, 0), "a ridge"));
    sg_regress_destroy(g);
}
