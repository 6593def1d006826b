/* The surrogate as the quadratic response surface (type quadratic): exact
 * on a quadratic, the spread against an independent least-squares
 * computation, gradients against finite differences (log scales too),
 * copy and save / load bit for bit, an edited file refused, names refused. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

#define K 2
#define N 13

static void setup(void) { gsl_set_error_handler_off(); }

TestSuite(model_quad, .init = setup);

/* A 3x3 face-centred design in temperature (200..260) and time (10..30)
 * with 4 more runs off the grid: 13 runs. */
static void design(double *X)
{
    size_t r = 0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++, r++) {
            X[r * K] = 200.0 + 30.0 * a;
            X[r * K + 1] = 10.0 + 10.0 * b;
        }
    static const double extra[4][2] = {{215, 15}, {245, 25}, {215, 25}, {250, 12}};
    for (int e = 0; e < 4; e++, r++) {
        X[r * K] = extra[e][0];
        X[r * K + 1] = extra[e][1];
    }
}

static double truth(const double *x)
{
    double t = x[0], h = x[1];
    return 3.0 + 0.02 * t - 0.5 * h + 1e-4 * t * t + 0.01 * h * h + 2e-3 * t * h;
}

static sg_model *fit_quad(const double *X, const double *Y, size_t n)
{
    sg_model_spec s = sg_model_spec_defaults();
    s.type = SG_MODEL_QUAD;
    sg_model *m = NULL;
    sg_error e;
    sg_status st = sg_model_fit(&s, K, 1, X, Y, n, NULL, NULL, NULL, &m, &e);
    cr_assert_eq(st, SG_OK, "%s", e.msg);
    return m;
}

Test(model_quad, exact_on_a_quadratic)
{
    double X[N * K], Y[N];
    design(X);
    for (size_t r = 0; r < N; r++)
        Y[r] = truth(X + r * K);
    sg_model *m = fit_quad(X, Y, N);
    cr_assert_eq(sg_model_type_of(m), SG_MODEL_QUAD);
    cr_assert_eq(sg_model_n_params(m), 6);
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, NULL), SG_OK);
    double x[K] = {233.0, 17.5}, mean, sd, g[K], mg;
    sg_model_predict(m, w, x, &mean, &sd);
    cr_assert_float_eq(mean, truth(x), 1e-9 * fabs(truth(x)));
    cr_assert(sd < 1e-9, "no residual: no spread (%g)", sd);
    sg_model_gradient(m, w, x, 0, &mg, g);
    cr_assert_float_eq(mg, mean, 1e-12);
    /* d/dt = 0.02 + 2e-4 t + 2e-3 h; d/dh = -0.5 + 0.02 h + 2e-3 t */
    cr_assert_float_eq(g[0], 0.02 + 2e-4 * 233.0 + 2e-3 * 17.5, 1e-9);
    cr_assert_float_eq(g[1], -0.5 + 0.02 * 17.5 + 2e-3 * 233.0, 1e-9);
    sg_model_work_destroy(w);
    sg_model_destroy(m);
}

/* t'(B'B)^-1 t by Gauss-Jordan on the 6 x 6 normal equations, in the raw
 * settings (a different basis from the model's coded one: the same span,
 * so the same leverage). */
static double leverage(const double *X, size_t n, const double *x)
{
    double A[6][7];
    memset(A, 0, sizeof A);
    double t[6];
    for (size_t r = 0; r <= n; r++) {
        const double *p = r < n ? X + r * K : x;
        double u = (p[0] - 230.0) / 30.0, v = (p[1] - 20.0) / 10.0;
        double b[6] = {1, u, v, u * u, v * v, u * v};
        if (r == n) {
            memcpy(t, b, sizeof t);
            break;
        }
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                A[i][j] += b[i] * b[j];
    }
    for (int i = 0; i < 6; i++)
        A[i][6] = t[i];
    for (int c = 0; c < 6; c++) {
        double piv = A[c][c];
        for (int j = 0; j < 7; j++)
            A[c][j] /= piv;
        for (int i = 0; i < 6; i++)
            if (i != c) {
                double f = A[i][c];
                for (int j = 0; j < 7; j++)
                    A[i][j] -= f * A[c][j];
            }
    }
    double h = 0;
    for (int i = 0; i < 6; i++)
        h += t[i] * A[i][6];
    return h;
}

Test(model_quad, spread_is_the_standard_error_of_the_mean)
{
    double X[N * K], Y[N];
    design(X);
    /* a response that is not a quadratic: residuals with 7 degrees of freedom */
    for (size_t r = 0; r < N; r++)
        Y[r] = truth(X + r * K) + 0.3 * sin(0.37 * X[r * K] + 0.9 * X[r * K + 1]);
    sg_model *m = fit_quad(X, Y, N);
    /* s from the residuals at the runs */
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, NULL), SG_OK);
    double sse = 0.0, mean, sd;
    for (size_t r = 0; r < N; r++) {
        sg_model_predict(m, w, X + r * K, &mean, &sd);
        sse += (Y[r] - mean) * (Y[r] - mean);
    }
    double s = sqrt(sse / (double)(N - 6));
    cr_assert_float_eq(sg_model_quadratic_residual_sd(m, 0), s, 1e-12 * s);
    static const double pts[3][2] = {{230, 20}, {205, 29}, {260, 10}};
    for (int p = 0; p < 3; p++) {
        sg_model_predict(m, w, pts[p], &mean, &sd);
        double want = s * sqrt(leverage(X, N, pts[p]));
        cr_assert_float_eq(sd, want, 1e-9 * want, "point %d: sd %.12g, want %.12g", p, sd, want);
    }
    /* larger at a corner than at the centre */
    double c0, c1, s0, s1;
    sg_model_predict(m, w, pts[0], &c0, &s0);
    sg_model_predict(m, w, pts[2], &c1, &s1);
    cr_assert(s1 > s0);
    sg_model_work_destroy(w);
    sg_model_destroy(m);
}

Test(model_quad, gradient_on_log_scales)
{
    double X[N * K], Y[N];
    design(X);
    for (size_t r = 0; r < N; r++)
        Y[r] = exp(0.01 * X[r * K] - 0.04 * X[r * K + 1]); /* positive, spans decades */
    sg_model_spec s = sg_model_spec_defaults();
    s.type = SG_MODEL_QUAD;
    s.log_scale[1] = true; /* time on a log scale */
    s.log_y[0] = true;
    sg_model *m = NULL;
    cr_assert_eq(sg_model_fit(&s, K, 1, X, Y, N, NULL, NULL, NULL, &m, NULL), SG_OK);
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, NULL), SG_OK);
    double x[K] = {221.0, 13.0}, g[K], mu;
    sg_model_gradient(m, w, x, 0, &mu, g);
    for (int i = 0; i < K; i++) {
        double h = 1e-5 * x[i], xp[K], xm[K], fp, fm;
        memcpy(xp, x, sizeof xp);
        memcpy(xm, x, sizeof xm);
        xp[i] += h;
        xm[i] -= h;
        sg_model_predict(m, w, xp, &fp, NULL);
        sg_model_predict(m, w, xm, &fm, NULL);
        double fd = (fp - fm) / (2 * h);
        cr_assert_float_eq(g[i], fd, 1e-6 * fabs(fd), "factor %d: %g against %g", i, g[i], fd);
    }
    sg_model_work_destroy(w);
    sg_model_destroy(m);
}

Test(model_quad, copy_and_reload_predict_bit_for_bit)
{
    double X[N * K], Y[N];
    design(X);
    for (size_t r = 0; r < N; r++)
        Y[r] = truth(X + r * K) + 0.2 * cos(0.11 * X[r * K] * X[r * K + 1]);
    sg_model *m = fit_quad(X, Y, N), *c = NULL, *l = NULL;
    sg_error e;
    cr_assert_eq(sg_model_copy(m, &c, &e), SG_OK, "%s", e.msg);
    char *text = NULL;
    cr_assert_eq(sg_model_to_json(m, &text, &e), SG_OK, "%s", e.msg);
    cr_assert_eq(sg_model_from_json(text, strlen(text), "q.json", &l, &e), SG_OK, "%s", e.msg);
    cr_assert_eq(sg_model_type_of(l), SG_MODEL_QUAD);
    char *again = NULL;
    cr_assert_eq(sg_model_to_json(l, &again, &e), SG_OK);
    cr_assert_str_eq(again, text);
    sg_model *all[3] = {m, c, l};
    double x[K] = {207.0, 28.0}, ref[2] = {0, 0};
    for (int k = 0; k < 3; k++) {
        sg_model_work *w = NULL;
        double mean, sd;
        cr_assert_eq(sg_model_work_create(all[k], &w, NULL), SG_OK);
        sg_model_predict(all[k], w, x, &mean, &sd);
        if (k == 0) {
            ref[0] = mean;
            ref[1] = sd;
        }
        cr_assert(mean == ref[0] && sd == ref[1], "model %d differs", k);
        sg_model_work_destroy(w);
    }
    /* a coefficient edited by hand: refused, naming the equation */
    char *at = strstr(text, "\"coefficients\"");
    cr_assert_not_null(at);
    char *digit = strpbrk(at, "123456789");
    *digit = *digit == '9' ? '1' : (char)(*digit + 1);
    sg_model *bad = NULL;
    cr_assert_eq(sg_model_from_json(text, strlen(text), "q.json", &bad, &e), SG_ERR_INVALID);
    cr_assert(strstr(e.msg, "not those of the runs' least-squares fit"), "%s", e.msg);
    cr_assert_null(bad);
    /* a row count beyond what the file holds: refused before any allocation */
    char *again2 = NULL;
    cr_assert_eq(sg_model_to_json(m, &again2, &e), SG_OK);
    char *rows = strstr(again2, "\"rows\":\t13");
    cr_assert_not_null(rows, "%.400s", again2);
    size_t len = strlen(again2);
    char *huge = malloc(len + 32);
    cr_assert_not_null(huge);
    snprintf(huge, len + 32, "%.*s\"rows\":\t6148914691236517206%s", (int)(rows - again2), again2,
             rows + strlen("\"rows\":\t13"));
    cr_assert_eq(sg_model_from_json(huge, strlen(huge), "q.json", &bad, &e), SG_ERR_INVALID);
    cr_expect(strstr(e.msg, "rows"), "%s", e.msg);
    cr_assert_null(bad);
    free(huge);
    free(again2);
    free(text);
    free(again);
    sg_model_destroy(m);
    sg_model_destroy(c);
    sg_model_destroy(l);
}

Test(model_quad, names_and_too_few_runs_refused)
{
    double X[N * K], Y[N];
    design(X);
    for (size_t r = 0; r < N; r++)
        Y[r] = (double)(r % 2);
    sg_model_spec s = sg_model_spec_defaults();
    s.type = SG_MODEL_QUAD;
    s.classes[0] = 2;
    sg_model *m = NULL;
    sg_error e;
    const char *names[1] = {"ok"};
    cr_assert_eq(sg_model_fit(&s, K, 1, X, Y, N, names, NULL, NULL, &m, &e), SG_ERR_INVALID);
    cr_assert(strstr(e.msg, "response ok holds names (pass/fail)"), "%s", e.msg);
    s.classes[0] = 0;
    cr_assert_eq(sg_model_fit(&s, K, 1, X, Y, 2, NULL, NULL, NULL, &m, &e), SG_ERR_INVALID);
    cr_assert(strstr(e.msg, "quadratic"), "%s", e.msg);
    cr_assert_null(m);
}

/* A two-level 2^(5-1) fraction (E = ABCD) with 3 centre runs: 19 runs, fewer
 * than the full quadratic's 21 terms, so the baseline's reduced form (main
 * effects and squares) drops every interaction.  The design separates the
 * interactions (resolution V) and one square for all: the model takes the
 * full form, as analyze's regression does, and predicts the interaction at
 * every corner of the full 2^5, which the reduced form misses by 2 x 2.2. */
static double fraction_truth(const double *x)
{
    return 70.0 + 6.0 * x[0] + 3.5 * x[1] + x[3] - 2.2 * x[0] * x[1] + 0.5 * x[0] * x[0];
}

Test(model_quad, a_fraction_with_centre_runs_keeps_its_interactions)
{
    enum { F = 5, R = 19 };
    double X[R * F], Y[R];
    size_t r = 0;
    for (int c = 0; c < 16; c++, r++) {
        double prod = 1.0;
        for (int i = 0; i < 4; i++) {
            X[r * F + i] = (c >> i) & 1 ? 1.0 : -1.0;
            prod *= X[r * F + i];
        }
        X[r * F + 4] = prod;
    }
    for (; r < R; r++)
        for (int i = 0; i < F; i++)
            X[r * F + i] = 0.0;
    for (r = 0; r < R; r++)
        Y[r] = fraction_truth(X + r * F);
    sg_model_spec s = sg_model_spec_defaults();
    s.type = SG_MODEL_QUAD;
    sg_model *m = NULL;
    sg_error e;
    cr_assert_eq(sg_model_fit(&s, F, 1, X, Y, R, NULL, NULL, NULL, &m, &e), SG_OK, "%s", e.msg);
    cr_expect_eq(sg_rsm_form_of(sg_model_quadratic(m, 0)), SG_RSM_FULL);
    cr_expect_eq(sg_rsm_rank(sg_model_quadratic(m, 0)), 17);
    char form[400];
    sg_model_quadratic_form(m, 0, form, sizeof form);
    cr_expect(strstr(form, "17 of its 21 terms separable") && strstr(form, "predicts better"),
              "%s", form);
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, NULL), SG_OK);
    for (int c = 0; c < 32; c++) {
        double x[F], mean;
        for (int i = 0; i < F; i++)
            x[i] = (c >> i) & 1 ? 1.0 : -1.0;
        sg_model_predict(m, w, x, &mean, NULL);
        cr_expect(fabs(mean - fraction_truth(x)) < 1e-9, "corner %d: %g against %g", c, mean,
                  fraction_truth(x));
    }
    sg_model_work_destroy(w);
    sg_model_destroy(m);
}
