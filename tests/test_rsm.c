#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "analysis/rsm.h"

/* Exact quadratic in 3 factors with "high-entropy" coefficients. */
static double truth(const double *x)
{
    return 12.385 + 0.75 * x[0] - 1.25 * x[1] + 0.0625 * x[2] + 0.0035 * x[0] * x[0] -
           0.875 * x[1] * x[1] + 0.002 * x[2] * x[2] + 0.0125 * x[0] * x[1] -
           0.004 * x[0] * x[2] + 0.33 * x[1] * x[2];
}

Test(rsm, recovers_exact_quadratic)
{
    gsl_set_error_handler_off();
    enum { N = 30 };
    double X[N * 3], y[N];
    for (int i = 0; i < N; i++) {
        X[i * 3 + 0] = 50 + 100.0 * fmod(i * 0.618034, 1.0);
        X[i * 3 + 1] = -2 + 4.0 * fmod(i * 0.41421356 + 0.1, 1.0);
        X[i * 3 + 2] = 20 + 20.0 * fmod(i * 0.7320508 + 0.3, 1.0);
        y[i] = truth(X + i * 3);
    }
    sg_rsm *m = NULL;
    cr_assert_eq(sg_rsm_fit(X, 3, 3, y, 1, NULL, N, &m, NULL), SG_OK);
    cr_expect_eq(sg_rsm_n_terms(3), 10);
    cr_expect_eq(sg_rsm_rank(m), 10);
    cr_expect_str_eq(sg_rsm_warning(m), "");
    double probe[][3] = {{77.7, 1.234, 31.5}, {140.0, -1.9, 22.2}, {61.0, 0.0, 39.0}};
    for (int p = 0; p < 3; p++)
        cr_expect(fabs(sg_rsm_predict(m, probe[p]) - truth(probe[p])) < 1e-9, "probe %d", p);
    sg_rsm_destroy(m);
}

Test(rsm, subset_rows_and_strided_response)
{
    gsl_set_error_handler_off();
    /* y in column 1 of a (n, 2) table; fit only on even rows. */
    enum { N = 24 };
    double X[N], Y[N * 2];
    size_t rows[N / 2];
    for (int i = 0; i < N; i++) {
        X[i] = 0.37 * i - 2.1;
        Y[i * 2] = 0;
        Y[i * 2 + 1] = 3.5 - 1.25 * X[i] + 0.75 * X[i] * X[i];
    }
    for (int i = 0; i < N / 2; i++)
        rows[i] = (size_t)(2 * i);
    sg_rsm *m = NULL;
    cr_assert_eq(sg_rsm_fit(X, 1, 1, Y + 1, 2, rows, N / 2, &m, NULL), SG_OK);
    double x = 1.111;
    cr_expect(fabs(sg_rsm_predict(m, &x) - (3.5 - 1.25 * x + 0.75 * x * x)) < 1e-9);
    sg_rsm_destroy(m);
}

Test(rsm, rank_deficiency_is_reported_not_nan)
{
    gsl_set_error_handler_off();
    /* Two factors at only 2 levels each: x² is not separable from x. */
    double X[] = {0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1};
    double y[] = {1, 2, 3, 4.5, 1.1, 4.4, 2.1};
    sg_rsm *m = NULL;
    cr_assert_eq(sg_rsm_fit(X, 2, 2, y, 1, NULL, 7, &m, NULL), SG_OK);
    cr_expect_lt(sg_rsm_rank(m), sg_rsm_n_terms(2));
    cr_expect(strstr(sg_rsm_warning(m), "supports only 4 of the 6") != NULL, "%s",
              sg_rsm_warning(m));
    cr_expect(strstr(sg_rsm_warning(m), "x1^2") && strstr(sg_rsm_warning(m), "x2^2"), "%s",
              sg_rsm_warning(m));
    cr_expect_eq(sg_rsm_coefficients(m)[3], 0.0, "dropped term has coefficient 0");
    double x[2] = {0.5, 0.5};
    cr_expect(isfinite(sg_rsm_predict(m, x)));
    /* the user reads the factors' names */
    const char *names[] = {"pressure", "speed"};
    char named[256];
    sg_rsm_warning_named(m, names, named, sizeof named);
    cr_expect_str_eq(named, "the design supports only 4 of the 6 quadratic terms; dropped: "
                            "pressure^2 speed^2");
    sg_rsm_destroy(m);
}

Test(rsm, errors)
{
    gsl_set_error_handler_off();
    sg_error err;
    sg_rsm *m = NULL;
    double X[] = {1, 2, 3}, y[] = {1, 2, NAN};
    cr_expect_eq(sg_rsm_fit(X, 1, 1, y, 1, NULL, 3, &m, &err), SG_ERR_NUMERIC);
    cr_expect_null(m);
    cr_expect_eq(sg_rsm_fit(X, 1, 1, y, 1, NULL, 1, &m, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "need 2 rows") != NULL, "%s", err.msg);
    cr_expect_eq(sg_rsm_fit(X, 1, 0, y, 1, NULL, 3, &m, &err), SG_ERR_INVALID);
    sg_rsm_destroy(NULL);
}

/* Degenerate inputs come back as a status, never through GSL's error
 * handler: the test keeps GSL's default handler, which aborts. */
Test(rsm, degenerate_inputs_return_a_status_under_gsl_default_handler)
{
    gsl_set_error_handler(NULL); /* GSL's default: abort on any GSL error */
    sg_error err;
    sg_rsm *m = NULL;
    /* a range beyond DBL_MAX: the midpoint overflows, coding gives -inf */
    double Xh[] = {1.0e308, 1.5e308, 1.7e308, 1.2e308}, yh[] = {1.385, 2.713, 3.042, 2.268};
    cr_expect_eq(sg_rsm_fit(Xh, 1, 1, yh, 1, NULL, 4, &m, &err), SG_ERR_NUMERIC);
    cr_expect_null(m);
    cr_expect(strstr(err.msg, "too wide to code") != NULL, "%s", err.msg);
    /* every row the same: a singular design keeps only the constant term */
    double Xs[] = {2.385, 2.385, 2.385, 2.385}, ys[] = {1.385, 2.713, 3.042, 2.268};
    cr_assert_eq(sg_rsm_fit(Xs, 1, 1, ys, 1, NULL, 4, &m, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(sg_rsm_rank(m), 1);
    cr_expect(fabs(sg_rsm_predict(m, Xs) - (1.385 + 2.713 + 3.042 + 2.268) / 4) < 1e-12);
    sg_rsm_destroy(m);
    gsl_set_error_handler_off();
}

/* ---- the former fit as a reference ---------------------------------------
 * Until issue 19 the fit tested each candidate term with one SVD of the
 * columns kept so far plus the candidate (keep it when every singular value
 * exceeds SG_RSM_RANK_TOL times the largest) and solved the kept columns
 * with gsl_multifit_linear: O(n p^3), 38 s at 10,000 rows.  The QR fit must
 * drop the same terms and give the same coefficients. */

static size_t ref_terms(size_t k) { return 1 + 2 * k + k * (k - 1) / 2; }

static void ref_basis(size_t k, const double *z, double *t)
{
    size_t c = 0;
    t[c++] = 1.0;
    for (size_t i = 0; i < k; i++)
        t[c++] = z[i];
    for (size_t i = 0; i < k; i++)
        t[c++] = z[i] * z[i];
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            t[c++] = z[i] * z[j];
}

/* Coefficients (p) on the coded factors and the number kept. */
static size_t ref_fit(const double *X, size_t k, const double *y, size_t n, double *coef)
{
    size_t p = ref_terms(k);
    double mid[8], half[8], z[8], t[64];
    for (size_t j = 0; j < k; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            lo = fmin(lo, X[i * k + j]);
            hi = fmax(hi, X[i * k + j]);
        }
        mid[j] = 0.5 * (lo + hi);
        half[j] = hi > lo ? 0.5 * (hi - lo) : 1.0;
    }
    gsl_matrix *A = gsl_matrix_alloc(n, p);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < k; j++)
            z[j] = (X[i * k + j] - mid[j]) / half[j];
        ref_basis(k, z, t);
        for (size_t q = 0; q < p; q++)
            gsl_matrix_set(A, i, q, t[q]);
    }
    size_t keep[64], nk = 0;
    for (size_t q = 0; q < p; q++) {
        keep[nk] = q;
        size_t nc = nk + 1;
        gsl_matrix *U = gsl_matrix_alloc(n, nc), *V = gsl_matrix_alloc(nc, nc);
        gsl_vector *S = gsl_vector_alloc(nc), *w = gsl_vector_alloc(nc);
        for (size_t i = 0; i < n; i++)
            for (size_t c = 0; c < nc; c++)
                gsl_matrix_set(U, i, c, gsl_matrix_get(A, i, keep[c]));
        cr_assert_eq(gsl_linalg_SV_decomp(U, V, S, w), GSL_SUCCESS);
        size_t r = 0;
        for (size_t c = 0; c < nc; c++)
            r += gsl_vector_get(S, c) > SG_RSM_RANK_TOL * gsl_vector_get(S, 0);
        if (r == nc)
            nk++;
        gsl_matrix_free(U);
        gsl_matrix_free(V);
        gsl_vector_free(S);
        gsl_vector_free(w);
    }
    gsl_matrix *As = gsl_matrix_alloc(n, nk), *cov = gsl_matrix_alloc(nk, nk);
    gsl_vector *b = gsl_vector_alloc(n), *c = gsl_vector_alloc(nk);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(n, nk);
    for (size_t i = 0; i < n; i++) {
        gsl_vector_set(b, i, y[i]);
        for (size_t q = 0; q < nk; q++)
            gsl_matrix_set(As, i, q, gsl_matrix_get(A, i, keep[q]));
    }
    double chisq;
    cr_assert_eq(gsl_multifit_linear(As, b, c, cov, &chisq, ws), GSL_SUCCESS);
    for (size_t q = 0; q < p; q++)
        coef[q] = 0.0;
    for (size_t q = 0; q < nk; q++)
        coef[keep[q]] = gsl_vector_get(c, q);
    gsl_multifit_linear_free(ws);
    gsl_matrix_free(As);
    gsl_matrix_free(cov);
    gsl_matrix_free(A);
    gsl_vector_free(b);
    gsl_vector_free(c);
    return nk;
}

/* Deterministic pseudo-random values in [0, 1). */
static double lcg(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) * 0x1.0p-53;
}

Test(rsm, same_terms_and_coefficients_as_the_former_svd_fit)
{
    gsl_set_error_handler_off();
    enum { NMAX = 200, KMAX = 5 };
    static double X[NMAX * KMAX], y[NMAX];
    /* design: 0 random noisy, 1 two-level factors, 2 x3 aliased with x1,
     * 3 constant factor, 4 three-level full factorial 3^3 (the L27 case),
     * 5 wide-range units. */
    for (int design = 0; design < 6; design++) {
        unsigned long long seed = 12345u + (unsigned)design;
        size_t k = design == 4 ? 3 : design == 5 ? 5 : 4, n = design == 4 ? 27 : 60 + 20 * (size_t)design;
        for (size_t i = 0; i < n; i++) {
            double *x = X + i * k;
            for (size_t j = 0; j < k; j++)
                x[j] = 10.0 * (double)(j + 1) + 7.385 * lcg(&seed);
            if (design == 1)
                for (size_t j = 0; j < k; j++)
                    x[j] = lcg(&seed) < 0.5 ? 1.0 : 3.0;
            if (design == 2)
                x[2] = x[0];
            if (design == 3)
                x[1] = 42.0;
            if (design == 4) {
                x[0] = 50.0 + 50.0 * (double)(i % 3);
                x[1] = 1090.0 + 30.0 * (double)(i / 3 % 3);
                x[2] = 20.0 + 10.0 * (double)(i / 9);
            }
            if (design == 5)
                x[4] = 1e6 * x[4];
            double s = 3.25;
            for (size_t j = 0; j < k; j++)
                s += (0.37 * (double)j - 0.5) * x[j] + 0.011 * x[j] * x[j] / (double)(j + 1);
            y[i] = s + 0.2 * (lcg(&seed) - 0.5) + (k > 1 ? 0.003 * x[0] * x[1] : 0.0);
        }
        double ref[64];
        size_t nk = ref_fit(X, k, y, n, ref);
        sg_rsm *m = NULL;
        sg_error err;
        cr_assert_eq(sg_rsm_fit(X, k, k, y, 1, NULL, n, &m, &err), SG_OK, "design %d: %s", design,
                     err.msg);
        cr_expect_eq(sg_rsm_rank(m), nk, "design %d: rank %zu, the SVD fit kept %zu", design,
                     sg_rsm_rank(m), nk);
        cr_expect_eq(sg_rsm_warning(m)[0] != '\0', nk < sg_rsm_n_terms(k), "design %d", design);
        cr_expect_eq(nk < sg_rsm_n_terms(k), design >= 1 && design <= 3,
                     "design %d: %zu of %zu terms kept", design, nk, sg_rsm_n_terms(k));
        const double *c = sg_rsm_coefficients(m);
        double big = 0.0;
        for (size_t q = 0; q < sg_rsm_n_terms(k); q++)
            big = fmax(big, fabs(ref[q]));
        for (size_t q = 0; q < sg_rsm_n_terms(k); q++) {
            cr_expect_eq(c[q] == 0.0, ref[q] == 0.0, "design %d term %zu: %g vs %g", design, q,
                         c[q], ref[q]);
            cr_expect(fabs(c[q] - ref[q]) <= 1e-9 * big, "design %d term %zu: %.17g vs %.17g",
                      design, q, c[q], ref[q]);
        }
        sg_rsm_destroy(m);
    }
}

/* 20,000 rows of 4 factors: the fit recovers a known quadratic exactly (the
 * timing is in bench/bench_rsm.c). */
Test(rsm, large_fit_is_right)
{
    gsl_set_error_handler_off();
    enum { N = 20000, K = 4 };
    double *X = malloc(N * K * sizeof *X), *y = malloc(N * sizeof *y);
    cr_assert(X && y);
    unsigned long long seed = 2024;
    /* coded truth: 1, z1..z4, z1²..z4², z1z2, z1z3, z1z4, z2z3, z2z4, z3z4 */
    static const double beta[15] = {12.385, 0.75, -1.25, 0.0625, 2.5,   0.35, -0.875, 0.02,
                                    -0.4,   0.125, -0.04, 0.33,  0.0175, -0.6, 0.91};
    for (size_t i = 0; i < N; i++) {
        double z[K];
        for (size_t j = 0; j < K; j++) {
            z[j] = 2.0 * lcg(&seed) - 1.0;
            X[i * K + j] = 100.0 * (double)(j + 1) + 25.0 * z[j];
        }
        if (i < 2 * K) /* pin the coding to exactly [-1, 1] */
            for (size_t j = 0; j < K; j++)
                if (j == i / 2)
                    X[i * K + j] = 100.0 * (double)(j + 1) + (i % 2 ? 25.0 : -25.0);
        for (size_t j = 0; j < K; j++)
            z[j] = (X[i * K + j] - 100.0 * (double)(j + 1)) / 25.0;
        double t[15];
        ref_basis(K, z, t);
        y[i] = 0.0;
        for (size_t q = 0; q < 15; q++)
            y[i] += beta[q] * t[q];
    }
    sg_rsm *m = NULL;
    sg_error err;
    cr_assert_eq(sg_rsm_fit(X, K, K, y, 1, NULL, N, &m, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(sg_rsm_rank(m), 15u);
    cr_expect_str_eq(sg_rsm_warning(m), "");
    for (size_t q = 0; q < 15; q++)
        cr_expect(fabs(sg_rsm_coefficients(m)[q] - beta[q]) < 1e-10, "term %zu: %.17g vs %g", q,
                  sg_rsm_coefficients(m)[q], beta[q]);
    double probe[K] = {111.1, 187.5, 290.0, 420.25};
    double zp[K], tp[15], want = 0.0;
    for (size_t j = 0; j < K; j++)
        zp[j] = (probe[j] - 100.0 * (double)(j + 1)) / 25.0;
    ref_basis(K, zp, tp);
    for (size_t q = 0; q < 15; q++)
        want += beta[q] * tp[q];
    cr_expect(fabs(sg_rsm_predict(m, probe) - want) < 1e-9, "%.17g vs %.17g",
              sg_rsm_predict(m, probe), want);
    sg_rsm_destroy(m);
    free(X);
    free(y);
}

/* Fewer rows than a full quadratic's terms: the richest reduced form the
 * rows allow, named in the description (issue 12: 27 runs of 6 factors). */
Test(rsm, reduced_forms_when_rows_are_few)
{
    enum { K = 6, N = 27 };
    double X[N * K], y[N];
    for (size_t i = 0; i < N; i++) {
        double s = 0.0;
        for (size_t j = 0; j < K; j++) {
            /* three levels per factor, a different cycle per factor */
            double v = (double)((i / (j % 3 + 1) + j * i) % 3) - 1.0;
            X[i * K + j] = 2.385 + 1.5 * v;
            s += (0.7 + 0.1 * (double)j) * v + (0.3 - 0.05 * (double)j) * v * v;
        }
        y[i] = 41.7 + s;
    }
    cr_expect_eq(sg_rsm_n_terms(K), 28);
    sg_rsm_form f;
    cr_assert(sg_rsm_form_for(K, N, &f));
    cr_expect_eq(f, SG_RSM_SQUARES);
    cr_expect(sg_rsm_form_for(K, 10, &f) && f == SG_RSM_LINEAR);
    cr_expect_not(sg_rsm_form_for(K, 6, &f));
    cr_expect_eq(sg_rsm_form_terms(SG_RSM_SQUARES, K), 13);
    sg_rsm *m = NULL;
    sg_error err;
    cr_assert_eq(sg_rsm_fit(X, K, K, y, 1, NULL, N, &m, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(sg_rsm_form_of(m), SG_RSM_SQUARES);
    cr_expect(strstr(sg_rsm_description(m), "main effects and squares") != NULL, "%s",
              sg_rsm_description(m));
    cr_expect(strstr(sg_rsm_description(m), "28 terms, more than the 27 rows") != NULL, "%s",
              sg_rsm_description(m));
    const double *c = sg_rsm_coefficients(m);
    for (size_t q = 1 + 2 * K; q < sg_rsm_n_terms(K); q++)
        cr_expect(c[q] == 0.0, "interaction %zu = %g", q, c[q]);
    /* the response is exactly main effects plus squares: reproduced */
    for (size_t i = 0; i < N; i++)
        cr_expect(fabs(sg_rsm_predict(m, X + i * K) - y[i]) < 1e-9, "row %zu", i);
    sg_rsm_destroy(m);
    /* 10 rows: main effects only */
    cr_assert_eq(sg_rsm_fit(X, K, K, y, 1, NULL, 10, &m, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(sg_rsm_form_of(m), SG_RSM_LINEAR);
    cr_expect(strstr(sg_rsm_description(m), "main effects only (7 terms)") != NULL, "%s",
              sg_rsm_description(m));
    sg_rsm_destroy(m);
    /* enough rows: the full quadratic, said so */
    cr_assert_eq(sg_rsm_fit(X, K, 2, y, 1, NULL, N, &m, &err), SG_OK, "%s", err.msg);
    cr_expect_str_eq(sg_rsm_description(m), "full quadratic (6 terms)");
    sg_rsm_destroy(m);
}

/* A category of four names (codes 0..3) beside a numeric factor: its
 * effect is any four numbers, which indicators reproduce and a quadratic in
 * the codes cannot (two parameters for three contrasts). */
static const double CAT_EFFECT[4] = {0.0, 7.5, -3.25, 2.0};

static double cat_truth(const double *x)
{
    int c = (int)x[1];
    return 10.0 + CAT_EFFECT[c] + 2.0 * x[0] - 0.5 * x[0] * x[0] +
           (c == 2 ? 1.5 * x[0] : 0.0); /* code 2 also changes the slope */
}

Test(rsm, category_factor_enters_as_indicators)
{
    enum { N = 40, K = 2 };
    double X[N * K], y[N];
    for (int i = 0; i < N; i++) {
        X[i * K + 0] = -1.0 + 2.0 * fmod(i * 0.618034, 1.0);
        X[i * K + 1] = (double)(i % 4);
        y[i] = cat_truth(X + i * K);
    }
    sg_rsm_factor kinds[K] = {{0, false, NULL}, {4, false, NULL}};
    sg_rsm *m = NULL;
    sg_error err;
    cr_assert_eq(sg_rsm_fit_factors(X, K, K, kinds, y, 1, NULL, N, &m, &err), SG_OK, "%s",
                 err.msg);
    /* 1, x, 3 indicators, x^2, x times each indicator */
    cr_expect_eq(sg_rsm_terms(m), 9u);
    cr_expect_eq(sg_rsm_rank(m), 9u);
    cr_expect_str_eq(sg_rsm_warning(m), "");
    for (int c = 0; c < 4; c++) {
        double x[K] = {0.37, (double)c};
        cr_expect(fabs(sg_rsm_predict(m, x) - cat_truth(x)) < 1e-9, "code %d: %.12g vs %.12g", c,
                  sg_rsm_predict(m, x), cat_truth(x));
    }
    sg_rsm_destroy(m);
    /* the same rows read as numbers: the four effects are not reproduced */
    cr_assert_eq(sg_rsm_fit(X, K, K, y, 1, NULL, N, &m, &err), SG_OK, "%s", err.msg);
    double worst = 0.0;
    for (int i = 0; i < N; i++)
        worst = fmax(worst, fabs(sg_rsm_predict(m, X + i * K) - y[i]));
    cr_expect_gt(worst, 1.0, "codes as numbers fit the four effects (worst %g)", worst);
    sg_rsm_destroy(m);
}

Test(rsm, category_terms_count_and_reduced_forms)
{
    /* 3 numeric factors and a category of 4: features 6, full form 1 + 6 +
     * 3 squares + 3 numeric pairs + 9 numeric-indicator products = 22 */
    enum { N = 22, K = 4 };
    double X[N * K], y[N];
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < 3; j++)
            X[i * K + j] = fmod(i * (0.618034 + 0.1 * j) + 0.2 * j, 1.0);
        X[i * K + 3] = (double)(i % 4);
        y[i] = X[i * K] + (X[i * K + 3] == 3.0 ? 5.0 : 0.0);
    }
    sg_rsm_factor kinds[K] = {{0, false, NULL}, {0, false, NULL}, {0, false, NULL}, {4, false, NULL}};
    sg_rsm *m = NULL;
    sg_error err;
    cr_assert_eq(sg_rsm_fit_factors(X, K, K, kinds, y, 1, NULL, N, &m, &err), SG_OK, "%s",
                 err.msg);
    cr_expect_eq(sg_rsm_terms(m), 22u);
    cr_expect_eq(sg_rsm_form_of(m), SG_RSM_FULL);
    sg_rsm_destroy(m);
    /* 12 rows: main effects and squares (1 + 6 + 3 = 10 terms) */
    cr_assert_eq(sg_rsm_fit_factors(X, K, K, kinds, y, 1, NULL, 12, &m, &err), SG_OK, "%s",
                 err.msg);
    cr_expect_eq(sg_rsm_form_of(m), SG_RSM_SQUARES);
    cr_expect(strstr(sg_rsm_description(m), "(10 terms): a full quadratic in 4 factors has 22 "
                                           "terms, more than the 12 rows") != NULL,
              "%s", sg_rsm_description(m));
    sg_rsm_destroy(m);
    /* 6 rows cannot hold the 7 main-effect terms */
    cr_expect_eq(sg_rsm_fit_factors(X, K, K, kinds, y, 1, NULL, 6, &m, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "need 7 rows") != NULL, "%s", err.msg);
}

Test(rsm, unseparated_indicator_is_named)
{
    /* code 2 of the category occurs only with x = 1: its indicator's
     * product with x duplicates the indicator and is dropped by name */
    enum { N = 12, K = 2 };
    double X[N * K], y[N];
    for (int i = 0; i < N; i++) {
        X[i * K + 1] = (double)(i % 3);
        X[i * K + 0] = i % 3 == 2 ? 1.0 : (double)(i % 5);
        y[i] = X[i * K] + X[i * K + 1];
    }
    sg_rsm_factor kinds[K] = {{0, false, NULL}, {3, false, NULL}};
    sg_rsm *m = NULL;
    sg_error err;
    cr_assert_eq(sg_rsm_fit_factors(X, K, K, kinds, y, 1, NULL, N, &m, &err), SG_OK, "%s",
                 err.msg);
    cr_expect(strstr(sg_rsm_warning(m), "x1*x2[2]") != NULL, "%s", sg_rsm_warning(m));
    sg_rsm_destroy(m);
    /* given the category's names, the terms name the indicator by its
     * name: the engineer never typed code 2 (the names are copied) */
    char steel[] = "steel", alu[] = "alu", ti[] = "titanium";
    char *const names_of_codes[] = {steel, alu, ti};
    kinds[1].labels = names_of_codes;
    cr_assert_eq(sg_rsm_fit_factors(X, K, K, kinds, y, 1, NULL, N, &m, &err), SG_OK, "%s",
                 err.msg);
    memcpy(ti, "replaced", 8); /* the caller's string changes after the fit */
    cr_expect(strstr(sg_rsm_warning(m), "x1*x2[titanium]") != NULL, "%s", sg_rsm_warning(m));
    const char *const factor_names[] = {"speed", "material"};
    char name[160] = "";
    for (size_t q = 0; q < sg_rsm_terms(m); q++) {
        char t[160];
        sg_rsm_term_name(m, factor_names, q, t, sizeof t);
        if (strstr(t, "material[alu]") && !strchr(t, '*'))
            snprintf(name, sizeof name, "%s", t);
    }
    cr_expect_str_eq(name, "material[alu]");
    sg_rsm_destroy(m);
}

Test(rsm, log_scale_factor_is_coded_in_decades)
{
    /* y quadratic in log10(x) over 1..1000: exact with the log scale, a
     * quadratic in x itself misses it between the runs */
    enum { N = 7 };
    double X[N], y[N];
    for (int i = 0; i < N; i++) {
        X[i] = pow(10.0, 0.5 * i);
        double u = log10(X[i]);
        y[i] = 3.0 + 2.0 * u - 0.75 * u * u;
    }
    sg_rsm_factor kinds[1] = {{0, true, NULL}};
    sg_rsm *m = NULL;
    sg_error err;
    cr_assert_eq(sg_rsm_fit_factors(X, 1, 1, kinds, y, 1, NULL, N, &m, &err), SG_OK, "%s",
                 err.msg);
    double x = 20.0, u = log10(x), want = 3.0 + 2.0 * u - 0.75 * u * u;
    cr_expect(fabs(sg_rsm_predict(m, &x) - want) < 1e-9, "%.12g vs %.12g", sg_rsm_predict(m, &x),
              want);
    sg_rsm_destroy(m);
    cr_assert_eq(sg_rsm_fit(X, 1, 1, y, 1, NULL, N, &m, &err), SG_OK, "%s", err.msg);
    cr_expect_gt(fabs(sg_rsm_predict(m, &x) - want), 0.1);
    sg_rsm_destroy(m);
    /* a setting at or below 0 on a log scale is refused, with its row */
    X[3] = 0.0;
    cr_expect_eq(sg_rsm_fit_factors(X, 1, 1, kinds, y, 1, NULL, N, &m, &err), SG_ERR_NUMERIC);
    cr_expect(strstr(err.msg, "row 4") != NULL, "%s", err.msg);
}

/* A Box-Behnken design in 3 factors: each pair at its four corners (the
 * third at its middle), then 3 centre runs; coded -1, 0, 1. */
static size_t box_behnken3(double *X)
{
    size_t r = 0;
    for (size_t a = 0; a < 3; a++)
        for (size_t b = a + 1; b < 3; b++)
            for (int c = 0; c < 4; c++, r++) {
                for (size_t j = 0; j < 3; j++)
                    X[r * 3 + j] = 0.0;
                X[r * 3 + a] = c & 1 ? 1.0 : -1.0;
                X[r * 3 + b] = c & 2 ? 1.0 : -1.0;
            }
    for (; r < 15; r++)
        X[r * 3] = X[r * 3 + 1] = X[r * 3 + 2] = 0.0;
    return r;
}

/* Every edge run has x1² + x2² + x3² = 2: without the centre runs the
 * edges cannot tell the intercept from the squares, so they do not
 * determine the surface at the centre; an edge run is determined by the
 * other runs.  Row order and the factors' scale do not matter. */
Test(rsm, centre_of_a_box_behnken_is_determined_only_by_itself)
{
    double X[15 * 3];
    size_t n = box_behnken3(X), rows[15];
    for (size_t i = 0; i < 15 * 3; i += 3) { /* engineering units */
        X[i] = 240 + 20 * X[i];
        X[i + 1] = 80 + 20 * X[i + 1];
        X[i + 2] = 20 + 10 * X[i + 2];
    }
    for (size_t r = 0; r < 12; r++)
        rows[r] = r;
    bool applies = false, determined = true;
    sg_error err;
    cr_assert_eq(sg_rsm_determined(X, 3, n, 3, NULL, rows, 12, X + 12 * 3, &applies,
                                   &determined, &err),
                 SG_OK, "%s", err.msg);
    cr_expect(applies, "15 runs, 7 separable terms");
    cr_expect_not(determined, "the edges alone cannot tell the centre");
    /* an edge run (row 0) from the other edges and the centre runs */
    for (size_t r = 0; r < 14; r++)
        rows[r] = r + 1;
    cr_assert_eq(sg_rsm_determined(X, 3, n, 3, NULL, rows, 14, X, &applies, &determined, &err),
                 SG_OK);
    cr_expect(applies);
    cr_expect(determined, "an edge run is predicted by the others");
    /* one centre run is determined by its repeats */
    for (size_t r = 0; r < 14; r++)
        rows[r] = r;
    cr_assert_eq(sg_rsm_determined(X, 3, n, 3, NULL, rows, 14, X + 14 * 3, &applies,
                                   &determined, &err),
                 SG_OK);
    cr_expect(determined);
}

/* A 3^2 full factorial fits 1, x1, x2, x1², x2² with 4 runs to spare: the
 * middle run is determined by the other 8.  A saturated subset (as many
 * runs as terms) leaves none to spare: nothing applies. */
Test(rsm, determined_needs_a_run_to_spare)
{
    double X[9 * 2];
    for (size_t r = 0; r < 9; r++) {
        X[r * 2] = (double)(r % 3);
        X[r * 2 + 1] = (double)(r / 3);
    }
    size_t rows[9];
    for (size_t r = 0, m = 0; r < 9; r++)
        if (r != 4)
            rows[m++] = r;
    bool applies = false, determined = false;
    sg_error err;
    cr_assert_eq(sg_rsm_determined(X, 2, 9, 2, NULL, rows, 8, X + 4 * 2, &applies, &determined,
                                   &err),
                 SG_OK);
    cr_expect(applies);
    cr_expect(determined);
    /* a plus sign (each factor's three settings with the other at its
     * middle): 1, x1, x2, x1², x2² are separated by exactly its 5 runs */
    static const size_t five[5] = {3, 4, 5, 1, 7};
    double Y[5 * 2];
    for (size_t i = 0; i < 5; i++) {
        Y[i * 2] = X[five[i] * 2];
        Y[i * 2 + 1] = X[five[i] * 2 + 1];
    }
    const size_t four[4] = {0, 1, 2, 3};
    cr_assert_eq(sg_rsm_determined(Y, 2, 5, 2, NULL, four, 4, Y + 4 * 2, &applies, &determined,
                                   &err),
                 SG_OK);
    cr_expect_not(applies, "5 runs for 5 terms: no run to spare");
    cr_expect(determined, "not applying determines nothing away");
}
