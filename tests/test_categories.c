/* Named-level factors and pass/fail responses (issue 20): the study keys,
 * reading names from the data, the one-hot model and its file, the
 * logistic-output network and its class figures, probability constraints,
 * and end to end a mixed table (the brazing factors plus a filler alloy of
 * three names and a two-name atmosphere with known effects) through check,
 * analyze, fit, optimize, run, predict and doe. */
#include <gsl/gsl_errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli_harness.h"
#include "cv_fixture.h"
#include "analysis/metrics.h"
#include "analysis/rsm.h"
#include "core/utf8.h"
#include "core/zipread.h"
#include "io/study.h"
#include "model/cv.h"
#include "model/fit.h"
#include "model/model.h"
#include "optim/decide.h"
#include "optim/optimize_spec.h"

static void setup(void)
{
    gsl_set_error_handler_off();
    harness_setup();
}

/* No .timeout on this file's tests: with --jobs=2 Criterion 2.4's runner
 * then leaks 48 bytes here, which make test-sanitize's LeakSanitizer
 * reports as a failure. */
TestSuite(categories, .init = setup, .fini = harness_teardown);

/* ---- the mixed table ---------------------------------------------------------- */

static const char *const ALLOYS[] = {"BNi-2", "BNi-5", "BAg-8"};
static const char *const ATMOS[] = {"vacuum", "argon"};
static const double ALLOY_EFFECT[] = {0.0, -20.0, 15.0}; /* MPa: BNi-5 is best */
static const double ATMOS_EFFECT[] = {-10.0, 10.0};      /* vacuum is best */

static double stress_of(double t, double tc, double h, double c, int alloy, int atm)
{
    return 500 + 0.4 * (t - 100) + 0.002 * (t - 100) * (t - 100) + 0.5 * (tc - 1120) +
           0.8 * (h - 30) + 6 * (c - 5) + ALLOY_EFFECT[alloy] + ATMOS_EFFECT[atm];
}

/* 27 runs of an orthogonal array over 3 base columns; the crack verdict is
 * "yes" above 525 MPa (no noise: the tests know each run's outcome). */
static const char *mixed_csv(const char *name)
{
    static const double T[] = {50, 100, 150}, TC[] = {1090, 1120, 1150}, H[] = {20, 30, 40},
                        C[] = {3, 5, 7};
    char text[8192];
    size_t u = (size_t)snprintf(text, sizeof text,
                                "run,thickness_um,temperature_C,hold_min,cooling_C_per_min,"
                                "alloy,atmosphere,stress_MPa,crack\n");
    int run = 0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            for (int c = 0; c < 3; c++) {
                int col[6] = {a, b, c, (a + b + c) % 3, (a + 2 * b) % 3, (b + 2 * c) % 2};
                double s = stress_of(T[col[0]], TC[col[1]], H[col[2]], C[col[3]], col[4], col[5]);
                u += (size_t)snprintf(text + u, sizeof text - u, "%d,%g,%g,%g,%g,%s,%s,%.3f,%s\n",
                                      ++run, T[col[0]], TC[col[1]], H[col[2]], C[col[3]],
                                      ALLOYS[col[4]], ATMOS[col[5]], s, s > 525 ? "yes" : "no");
            }
    return put(name, text);
}

static const char *const MIXED_HEAD =
    "[study]\nname = \"mixed\"\nseed = 7\n[data]\nfile = \"mixed.csv\"\n"
    "[[factor]]\nname = \"thickness\"\ncolumn = \"thickness_um\"\nunit = \"um\"\nmin = 50\n"
    "max = 150\nlevels = [50, 100, 150]\n"
    "[[factor]]\nname = \"temperature\"\ncolumn = \"temperature_C\"\nunit = \"C\"\nmin = 1090\n"
    "max = 1150\nlevels = [1090, 1120, 1150]\n"
    "[[factor]]\nname = \"hold\"\ncolumn = \"hold_min\"\nunit = \"min\"\nmin = 20\nmax = 40\n"
    "levels = [20, 30, 40]\n"
    "[[factor]]\nname = \"cooling\"\ncolumn = \"cooling_C_per_min\"\nunit = \"C/min\"\nmin = 3\n"
    "max = 7\nlevels = [3, 5, 7]\n"
    "[[factor]]\nname = \"alloy\"\nlevels = [\"BNi-2\", \"BNi-5\", \"BAg-8\"]\n"
    "[[factor]]\nname = \"atmosphere\"\ntype = \"category\"\nlevels = [\"vacuum\", \"argon\"]\n"
    "[[response]]\nname = \"stress\"\ncolumn = \"stress_MPa\"\nunit = \"MPa\"\n"
    "goal = \"minimize\"\n";

/* The mixed study (crack as a pass/fail response when with_crack) plus
 * `extra` text, small enough for the sanitizer runs. */
static const char *mixed_study(bool with_crack, const char *extra)
{
    static char text[8192];
    mixed_csv("mixed.csv");
    snprintf(text, sizeof text,
             "%s%s[model]\nhidden = [6]\nensemble = 2\n[train]\nepochs = 400\n"
             "[optimize]\nstarts = 4\n%s\n[report]\nfile = \"mixed.xlsx\"\n",
             MIXED_HEAD,
             with_crack ? "[[response]]\nname = \"crack\"\ntype = \"binary\"\n"
                          "levels = [\"no\", \"yes\"]\n"
                        : "",
             extra ? extra : "");
    return put("mixed.toml", text);
}

static cJSON *get(cJSON *o, const char *key)
{
    cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert_not_null(x, "missing key %s", key);
    return x;
}

/* ---- study and data ------------------------------------------------------------ */

static sg_study *load_text(const char *text, sg_error *err)
{
    sg_study *s = NULL;
    sg_study_load_buffer(text, strlen(text), tmp_path("s.toml"), &s, err);
    return s;
}

Test(categories, study_reads_named_levels_and_outcomes)
{
    sg_error err;
    sg_study *s = load_text(MIXED_HEAD, &err);
    cr_assert_not_null(s, "%s", err.msg);
    const sg_factor *al = &s->factors[4], *at = &s->factors[5];
    cr_expect(al->categorical, "text levels make a category");
    cr_expect(at->categorical);
    cr_expect_eq(al->n_levels, 3);
    cr_expect_str_eq(al->labels[1], "BNi-5");
    cr_expect_eq(al->min, 0.0);
    cr_expect_eq(al->max, 2.0);
    cr_expect_eq(al->step, 1.0);
    cr_expect_eq(sg_study_n_categorical(s), 2);
    char buf[32];
    cr_expect_str_eq(sg_factor_format(al, 2.2, 6, buf, sizeof buf), "BAg-8");
    cr_expect_str_eq(sg_factor_format(&s->factors[0], 62.5, 6, buf, sizeof buf), "62.5");
    cr_expect_eq(sg_labels_find(al->labels, 3, "bni-5"), 1, "names match ignoring case");
    sg_study_destroy(s);
}

Test(categories, study_errors_point_at_the_key)
{
    static const struct {
        const char *body, *want;
    } cases[] = {
        {"[[factor]]\nname = \"a\"\ntype = \"category\"\nmin = 0\nlevels = [\"x\", \"y\"]\n",
         "'min' does not apply to the category factor 'a'"},
        {"[[factor]]\nname = \"a\"\ntype = \"category\"\n",
         "category factor 'a' needs levels = [\"name\", ...]"},
        {"[[factor]]\nname = \"a\"\nlevels = [\"x\", \"X\"]\n", "level \"X\" of 'a' is listed twice"},
        {"[[factor]]\nname = \"a\"\nlevels = [\"=cmd\", \"y\"]\n", "may not start with '='"},
        {"[[factor]]\nname = \"a\"\ntype = \"colour\"\nlevels = [\"x\", \"y\"]\n",
         "type \"colour\" is not one of \"number\", \"category\""},
        {"[[factor]]\nname = \"a\"\nlevels = [\"x\", \"y\"]\nprefer = \"z\"\n",
         "prefer of the category factor 'a' must be one of its levels"},
        {"[[response]]\nname = \"c\"\ntype = \"binary\"\nlevels = [\"a\", \"b\", \"d\"]\n",
         "binary response 'c' needs exactly 2 levels"},
        {"[[response]]\nname = \"c\"\ntype = \"binary\"\ngoal = \"minimize\"\n",
         "'goal' does not apply to the binary response 'c'"},
        {"[[response]]\nname = \"c\"\ntype = \"class\"\n", "class response 'c' needs levels"},
        {"[[response]]\nname = \"c\"\nlevels = [\"a\", \"b\"]\n",
         "'levels' applies to a response of type \"binary\" or \"class\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048];
        bool resp = strncmp(cases[i].body, "[[response]]", 12) == 0;
        snprintf(text, sizeof text,
                 "[study]\nname = \"t\"\n%s%s%s", resp ? "[[factor]]\nname = \"x\"\nmin = 0\nmax = 1\n" : "",
                 cases[i].body,
                 resp ? "" : "[[response]]\nname = \"y\"\n");
        sg_error err;
        sg_error_clear(&err);
        sg_study *s = load_text(text, &err);
        cr_expect_null(s, "case %zu accepted", i);
        sg_study_destroy(s);
        cr_expect(strstr(err.msg, cases[i].want), "case %zu: got \"%s\"", i, err.msg);
        cr_expect(strstr(err.msg, "s.toml:"), "case %zu: no position in \"%s\"", i, err.msg);
    }
}

Test(categories, data_names_become_codes_and_unknown_names_are_placed)
{
    sg_error err;
    sg_study *s = NULL;
    cr_assert_eq(sg_study_load(mixed_study(true, NULL), &s, &err), SG_OK, "%s", err.msg);
    sg_table *t = NULL;
    cr_assert_eq(sg_study_load_data(s, &t, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(t->n_rows, 27);
    /* run 2: a=0 b=0 c=1: alloy column (a + 2b) % 3 = 0, atmosphere (b + 2c) % 2 = 0 */
    cr_expect_eq(sg_table_at(t, 1, 4), 0.0);
    cr_expect_eq(sg_table_at(t, 1, 5), 0.0);
    /* run 4: a=0 b=1 c=0: alloy 2 (BAg-8), atmosphere 1 (argon) */
    cr_expect_eq(sg_table_at(t, 3, 4), 2.0);
    cr_expect_eq(sg_table_at(t, 3, 5), 1.0);
    double crack = sg_table_at(t, 3, 7);
    cr_expect(crack == 0.0 || crack == 1.0);
    sg_table_destroy(t);
    /* a name the study does not list: file, line, column and the names */
    char text[8192];
    slurp(tmp_path("mixed.csv"), text, sizeof text);
    char *p = strstr(text, "BAg-8");
    cr_assert_not_null(p);
    memcpy(p, "BAg-9", 5);
    write_file(tmp_path("mixed.csv"), text);
    cr_expect_neq(sg_study_load_data(s, &t, &err), SG_OK);
    cr_expect(strstr(err.msg, "mixed.csv:5:alloy: 'BAg-9' is not one of the levels the study "
                              "lists for 'alloy' (\"BNi-2\", \"BNi-5\", \"BAg-8\")"),
              "%s", err.msg);
    sg_study_destroy(s);
}

/* ---- the model ----------------------------------------------------------------- */

/* Rows of y = 2 x + effect[c] for x in [0, 1] and category c of 4. */
static void category_rows(double *X, double *Y, size_t n)
{
    static const double effect[] = {0.0, 1.0, -1.0, 0.5};
    for (size_t r = 0; r < n; r++) {
        double x = (double)(r / 4) / (double)(n / 4 - 1);
        size_t c = r % 4;
        X[r * 2] = x;
        X[r * 2 + 1] = (double)c;
        Y[r] = 2 * x + effect[c];
    }
}

/* 5-fold CV of category_rows, the category factor of four names. */
static sg_cv_result *category_cv(bool baseline)
{
    enum { N = 40 };
    double X[N * 2], Y[N];
    category_rows(X, Y, N);
    sg_model_spec sp = small_net_spec(4, 1);
    sp.categories[1] = 4;
    return kfold5_cv(&sp, 2, X, Y, N, baseline);
}

/* Hardness of a weld (HV) against current (A) and travel speed (mm/s),
 * with an electrode of three names whose effect grows with the speed. */
static double weld_with_electrode(const double *x)
{
    static const double effect[] = {0.0, 6.0, -4.0};
    size_t c = (size_t)x[2];
    return 420 - 0.05 * (x[0] - 220) + 25 * log(x[1]) + effect[c] * x[1] / 6.0;
}

/* The window figures draw a category's names as they draw a number's
 * settings: on a 3 x 3 x 3-name full factorial, leave-one-out sees the
 * network only at grid points, and the interval from its residuals alone
 * covered few of 300 random points of the window (current, speed and an
 * electrode name each drawn at random); the window's interval, scaled by
 * kriging's sd over the names' one-hot inputs and raised to the two
 * models' disagreement, covers at least 90 % of them, and is not so wide
 * that it says nothing. */
Test(categories, window_figures_draw_the_names_too)
{
    enum { N = 27 };
    const double lo[2] = {180, 4}, hi[2] = {260, 8};
    double X[N * 3], y[N];
    for (size_t r = 0; r < N; r++) {
        X[r * 3] = lo[0] + 0.5 * (double)(r / 9) * (hi[0] - lo[0]);
        X[r * 3 + 1] = lo[1] + 0.5 * (double)(r / 3 % 3) * (hi[1] - lo[1]);
        X[r * 3 + 2] = (double)(r % 3);
        y[r] = weld_with_electrode(X + r * 3);
    }
    sg_model_spec s = sg_model_spec_defaults();
    s.seed = 7;
    s.categories[2] = 3;
    sg_cv_options o = sg_cv_options_defaults();
    sg_cv_result *r = NULL;
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&s, 3, 1, X, y, N, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    cr_assert_eq(sg_cv_run(&s, &o, 3, 1, X, y, N, NULL, NULL, NULL, &r, &err), SG_OK, "%s",
                 err.msg);
    sg_cv_response *R = &r->resp[0];
    cr_assert(R->window_ok, "%s", R->window_note);
    sg_metrics gm;
    bool closed, ok = true;
    cr_assert_eq(sg_cv_kriging(&o, &s, 3, 1, X, y, N, &gm, &closed, NULL, &err), SG_OK, "%s",
                 err.msg);
    cr_assert_eq(sg_fit_window_check(m, r, &gm.rmse, &ok, X, N, 3, s.seed, &err), SG_OK, "%s",
                 err.msg);
    cr_expect_eq(R->half_width, R->window_half_width);
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, &err), SG_OK, "%s", err.msg);
    uint64_t state = 2468;
    size_t covered = 0, plan_covered = 0;
    double se = 0;
    for (int k = 0; k < 300; k++) {
        double x[3], u[3], mu, sd;
        for (int j = 0; j < 3; j++) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            u[j] = (double)(state >> 11) / 9007199254740992.0;
        }
        x[0] = lo[0] + (hi[0] - lo[0]) * u[0];
        x[1] = lo[1] + (hi[1] - lo[1]) * u[1];
        x[2] = floor(3.0 * u[2]);
        sg_model_predict(m, w, x, &mu, &sd);
        double e = fabs(mu - weld_with_electrode(x));
        se += e * e;
        covered += e <= R->half_width;
        plan_covered += e <= R->half_width_plan;
    }
    double rmse = sqrt(se / 300.0);
    cr_expect_geq(covered, 270, "covered %zu of 300 (the plan's interval: %zu)", covered,
                  plan_covered);
    cr_expect_lt(plan_covered, 240, "the plan's interval alone: %zu of 300", plan_covered);
    cr_expect_lt(R->half_width, 4.0 * rmse, "half-width %g, error at the points %g",
                 R->half_width, rmse);
    sg_model_work_destroy(w);
    sg_model_destroy(m);
    sg_cv_result_destroy(r);
}

/* The quadratic baseline reads a category as the models do, one indicator
 * per name after the first: 2x + an effect per name is a baseline term by
 * term, cross-validated exactly; read as codes 0..3 (a quadratic in the
 * code) it was not (CV RMSE 0.88 on these rows). */
Test(categories, quadratic_baseline_takes_each_name_apart)
{
    sg_cv_result *r = category_cv(true);
    const sg_cv_response *R = &r->resp[0];
    cr_assert(R->rsm_ok);
    cr_expect_lt(R->rsm.rmse, 1e-9, "%g", R->rsm.rmse);
    sg_cv_result_destroy(r);
}

Test(categories, one_hot_network_learns_each_name_and_round_trips)
{
    enum { N = 40 };
    double X[N * 2], Y[N];
    category_rows(X, Y, N);
    sg_model_spec sp = sg_model_spec_defaults();
    sp.hidden[0] = 8;
    sp.n_hidden = 1;
    sp.ensemble = 2;
    sp.categories[1] = 4;
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&sp, 2, 1, X, Y, N, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    /* 4 one-hot inputs + the number: (5 + 1) * 8 + 8 + 1 weights */
    cr_expect_eq(sg_model_n_params_per_member(m, 0), 6 * 8 + 9);
    char *names[] = {"a", "b", "c", "d"};
    cr_assert_eq(sg_model_set_factor_labels(m, 1, names, 4, &err), SG_OK, "%s", err.msg);
    cr_expect_neq(sg_model_set_factor_labels(m, 0, names, 4, &err), SG_OK,
                  "a numeric factor takes no names");
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, &err), SG_OK);
    double worst = 0;
    for (size_t c = 0; c < 4; c++) {
        double x[2] = {0.5, (double)c}, mean, sd, y0[1], g[2];
        sg_model_predict(m, w, x, &mean, &sd);
        double want = 1.0 + (double[]){0.0, 1.0, -1.0, 0.5}[c];
        worst = fmax(worst, fabs(mean - want));
        /* a code between names predicts at the nearest name; no slope across names */
        double xn[2] = {0.5, (double)c + 0.3};
        sg_model_predict(m, w, xn, y0, NULL);
        cr_expect_eq(y0[0], mean);
        sg_model_gradient(m, w, x, 0, NULL, g);
        cr_expect_eq(g[1], 0.0);
        cr_expect(fabs(g[0] - 2.0) < 0.5, "slope in x %g", g[0]);
    }
    cr_expect(worst < 0.1, "worst error over the names %g", worst);
    /* the file keeps the encoding and the names */
    char *text = NULL;
    cr_assert_eq(sg_model_to_json(m, &text, &err), SG_OK, "%s", err.msg);
    size_t len = strlen(text);
    const char *cat = strstr(text, "\"categories\"");
    cr_assert_not_null(cat, "no categories in the model file");
    cr_expect_eq(strtol(cat + strcspn(cat, "0123456789"), NULL, 10), 4);
    sg_model *back = NULL;
    cr_assert_eq(sg_model_from_json(text, len, "m.json", &back, &err), SG_OK, "%s", err.msg);
    size_t nl = 0;
    char *const *got = sg_model_factor_labels(back, 1, &nl);
    cr_assert_eq(nl, 4);
    cr_expect_str_eq(got[3], "d");
    cr_expect_str_eq(sg_model_factor_label_of(back, 1, 2.0), "c");
    sg_model_work *w2 = NULL;
    cr_assert_eq(sg_model_work_create(back, &w2, &err), SG_OK);
    for (size_t c = 0; c < 4; c++) {
        double x[2] = {0.3, (double)c}, a, b;
        sg_model_predict(m, w, x, &a, NULL);
        sg_model_predict(back, w2, x, &b, NULL);
        cr_expect_eq(a, b, "reloaded prediction differs for name %zu", c);
    }
    free(text);
    sg_model_work_destroy(w);
    sg_model_work_destroy(w2);
    sg_model_destroy(back);
    sg_model_destroy(m);
}

Test(categories, kriging_takes_one_hot_inputs_too)
{
    enum { N = 40 };
    double X[N * 2], Y[N];
    category_rows(X, Y, N);
    sg_model_spec sp = sg_model_spec_defaults();
    sp.type = SG_MODEL_GP;
    sp.categories[1] = 4;
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&sp, 2, 1, X, Y, N, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, &err), SG_OK);
    for (size_t c = 0; c < 4; c++) {
        double x[2] = {0.55, (double)c}, mean;
        sg_model_predict(m, w, x, &mean, NULL);
        double want = 1.1 + (double[]){0.0, 1.0, -1.0, 0.5}[c];
        cr_expect(fabs(mean - want) < 0.05, "name %zu: %g against %g", c, mean, want);
    }
    sg_model_work_destroy(w);
    sg_model_destroy(m);
}

/* Pass/fail rows: outcome 1 inside the circle x² + y² < 0.5 on a grid. */
static size_t circle_rows(double *X, double *Y, size_t side)
{
    size_t n = 0;
    for (size_t i = 0; i < side; i++)
        for (size_t j = 0; j < side; j++, n++) {
            double x = -1 + 2.0 * (double)i / (double)(side - 1);
            double y = -1 + 2.0 * (double)j / (double)(side - 1);
            X[n * 2] = x;
            X[n * 2 + 1] = y;
            Y[n] = x * x + y * y < 0.5;
        }
    return n;
}

Test(categories, pass_fail_network_gives_probabilities)
{
    double X[2 * 144], Y[144];
    size_t n = circle_rows(X, Y, 12);
    sg_model_spec sp = sg_model_spec_defaults();
    sp.n_hidden = 1;
    sp.hidden[0] = 8;
    sp.ensemble = 2;
    sp.classes[0] = 2;
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&sp, 2, 1, X, Y, n, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    cr_expect(sg_model_is_binary(m, 0));
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, &err), SG_OK);
    double P[144], S[144];
    cr_assert_eq(sg_model_predict_batch(m, w, X, n, P, S, &err), SG_OK);
    sg_class_metrics cm;
    cr_assert_eq(sg_class_metrics_compute(Y, 1, P, 1, n, &cm, &err), SG_OK);
    cr_expect(cm.accuracy >= 0.97, "training accuracy %g", cm.accuracy);
    for (size_t r = 0; r < n; r++)
        cr_expect(P[r] >= 0 && P[r] <= 1 && S[r] >= 0);
    /* the gradient is that of the probability: check it by differences */
    double x[2] = {0.6, 0.2}, g[2], p0, h = 1e-6;
    sg_model_gradient(m, w, x, 0, &p0, g);
    for (int i = 0; i < 2; i++) {
        double xp[2] = {x[0], x[1]}, xm[2] = {x[0], x[1]}, a, b;
        xp[i] += h;
        xm[i] -= h;
        sg_model_predict(m, w, xp, &a, NULL);
        sg_model_predict(m, w, xm, &b, NULL);
        cr_expect(fabs((a - b) / (2 * h) - g[i]) < 1e-5 * fmax(1.0, fabs(g[i])),
                  "d/dx%d: %g against %g", i, (a - b) / (2 * h), g[i]);
    }
    /* refused: kriging of an outcome, a shared network, values other than 0/1 */
    sp.type = SG_MODEL_GP;
    sg_model *bad = NULL;
    cr_expect_neq(sg_model_fit(&sp, 2, 1, X, Y, n, NULL, NULL, NULL, &bad, &err), SG_OK);
    cr_expect(strstr(err.msg, "kriging (type = \"gp\") models numbers"), "%s", err.msg);
    sp.type = SG_MODEL_MLP;
    Y[3] = 0.5;
    cr_expect_neq(sg_model_fit(&sp, 2, 1, X, Y, n, NULL, NULL, NULL, &bad, &err), SG_OK);
    cr_expect(strstr(err.msg, "not 0 or 1"), "%s", err.msg);
    sg_model_work_destroy(w);
    sg_model_destroy(m);
}

Test(categories, class_metrics_known_answers)
{
    const double obs[] = {0, 0, 0, 1, 1, 0, 1, 0};
    const double prob[] = {0.1, 0.2, 0.6, 0.9, 0.4, 0.0, 0.7, 0.3};
    sg_class_metrics m;
    sg_error err;
    cr_assert_eq(sg_class_metrics_compute(obs, 1, prob, 1, 8, &m, &err), SG_OK);
    cr_expect_eq(m.confusion[0][0], 4);
    cr_expect_eq(m.confusion[0][1], 1);
    cr_expect_eq(m.confusion[1][0], 1);
    cr_expect_eq(m.confusion[1][1], 2);
    cr_expect_float_eq(m.accuracy, 6.0 / 8.0, 1e-15);
    cr_expect_float_eq(m.balanced_accuracy, 0.5 * (4.0 / 5.0 + 2.0 / 3.0), 1e-15);
    double ll = -(log(0.9) + log(0.8) + log(0.4) + log(0.9) + log(0.4) + log(1 - 1e-15) +
                  log(0.7) + log(0.7)) /
                8.0;
    cr_expect_float_eq(m.log_loss, ll, 1e-12);
    cr_expect_float_eq(m.brier, (0.01 + 0.04 + 0.36 + 0.01 + 0.36 + 0 + 0.09 + 0.09) / 8, 1e-15);
    const double bad[] = {2};
    cr_expect_neq(sg_class_metrics_compute(bad, 1, prob, 1, 1, &m, &err), SG_OK);
}

Test(categories, logistic_baseline_separates_a_line)
{
    enum { N = 40 };
    double X[N * 2], Y[N];
    for (size_t r = 0; r < N; r++) {
        X[r * 2] = (double)(r % 8) / 7.0;
        X[r * 2 + 1] = (double)(r / 8) / 4.0;
        Y[r] = X[r * 2] + 0.5 * X[r * 2 + 1] > 0.8;
    }
    sg_rsm *q = NULL;
    sg_error err;
    cr_assert_eq(sg_rsm_fit_logistic(X, 2, 2, NULL, Y, 1, NULL, N, SG_RSM_LOGISTIC_LAMBDA, &q, &err),
                 SG_OK, "%s", err.msg);
    size_t right = 0;
    for (size_t r = 0; r < N; r++) {
        double p = sg_rsm_predict(q, X + r * 2);
        cr_assert(p >= 0 && p <= 1);
        right += (p >= 0.5) == (Y[r] == 1.0);
    }
    cr_expect(right >= N - 1, "%zu of %d right", right, N);
    sg_rsm_destroy(q);
}

/* ---- probability constraints ----------------------------------------------------- */

Test(categories, probability_constraints_parse_and_refuse_misuse)
{
    sg_error err;
    sg_study *s = NULL;
    cr_assert_eq(sg_study_load(mixed_study(true, NULL), &s, &err), SG_OK, "%s", err.msg);
    sg_optimize_spec_con c;
    size_t off = 0;
    cr_assert_eq(sg_optimize_spec_parse_constraint("crack: P(yes) <= 0.05", s, &c, &off, &err),
                 SG_OK, "%s", err.msg);
    cr_expect_eq(c.response, 1);
    cr_expect_eq(c.ge, 0);
    cr_expect_float_eq(c.bound, 0.05, 1e-15);
    cr_expect_str_eq(c.text, "crack: P(yes) <= 0.05");
    /* P(no) >= 0.9 is P(yes) <= 0.1 for the model, which predicts P(yes) */
    cr_assert_eq(sg_optimize_spec_parse_constraint("crack : P(no) >= 0.9", s, &c, &off, &err),
                 SG_OK, "%s", err.msg);
    cr_expect_eq(c.ge, 0);
    cr_expect_float_eq(c.bound, 0.1, 1e-12);
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"stress: P(yes) <= 0.1", "'stress' is a number, not a pass/fail outcome"},
        {"crack <= 0.1", "'crack' is a pass/fail outcome: constrain its probability"},
        {"crack: P(maybe) <= 0.1", "expected P(outcome) with an outcome of 'crack'"},
        {"crack: P(yes) <= 1.5", "a probability lies between 0 and 1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_neq(sg_optimize_spec_parse_constraint(bad[i].text, s, &c, &off, &err), SG_OK,
                      "%s accepted", bad[i].text);
        cr_expect(strstr(err.msg, bad[i].want), "%s: got \"%s\"", bad[i].text, err.msg);
    }
    sg_study_destroy(s);
}

/* ---- end to end ------------------------------------------------------------------- */

Test(categories, analyze_names_the_best_alloy_and_atmosphere)
{
    result *r = run("analyze", mixed_study(false, NULL), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "alloy = {BNi-2, BNi-5, BAg-8}"), "%s", r->out);
    cr_expect(strstr(r->out, "alloy = BNi-5, atmosphere = vacuum"), "%s", r->out);
    cr_expect(strstr(r->out, "atmosphere     (names)  vacuum 18, argon 9"), "%s", r->out);
    /* the regression names an indicator by its name, not its code */
    cr_expect(strstr(r->out, "  alloy[BNi-5] ") && strstr(r->out, "  atmosphere[argon] "), "%s",
              r->out);
    cr_expect_null(strstr(r->out, "alloy[1]"), "%s", r->out);
}

Test(categories, optimize_searches_every_name_and_reports_the_others)
{
    result *r = run("optimize", "--fit", "--json", "-q", mixed_study(false, NULL), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j);
    cJSON *o = get(j, "optimize");
    cJSON *set = get(get(o, "optimum"), "settings");
    cr_expect_str_eq(get(set, "alloy")->valuestring, "BNi-5");
    cr_expect_str_eq(get(set, "atmosphere")->valuestring, "vacuum");
    cJSON *ch = get(o, "category_choices");
    cr_expect_eq(cJSON_GetArraySize(ch), 6);
    int best = 0;
    double fbest = NAN, fworst = -INFINITY;
    cJSON *e;
    cJSON_ArrayForEach(e, ch)
    {
        double f = get(e, "objective")->valuedouble;
        fworst = fmax(fworst, f);
        if (cJSON_IsTrue(get(e, "best"))) {
            best++;
            fbest = f;
            cr_expect_str_eq(get(get(e, "settings"), "alloy")->valuestring, "BNi-5");
        }
    }
    cr_expect_eq(best, 1);
    /* the names' known effects: worst (BAg-8, argon) is 35 + 20 MPa above the best */
    cr_expect(fworst - fbest > 40 && fworst - fbest < 70, "spread %g", fworst - fbest);
    cJSON_Delete(j);
}

Test(categories, run_answers_with_the_names_and_the_probability_of_failure)
{
    result *r = run("run", mixed_study(true, "constraints = [\"crack: P(yes) <= 0.05\"]"),
                    NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "alloy          BNi-5"), "%s", r->out);
    cr_expect(strstr(r->out, "atmosphere     vacuum"), "%s", r->out);
    cr_expect(strstr(r->out, "constraint crack: P(yes) <= 0.05: predicted P(yes) = "), "%s",
              r->out);
    cr_expect(strstr(r->out, "crack          accuracy "), "%s", r->out);
    cr_expect(!strstr(r->out, "atmosphere is at the lower bound"), "%s", r->out);
}

/* The same constraint stated on the first name: the answer gives P(no),
 * not the model's P(yes), and the two answers agree. */
Test(categories, a_constraint_on_the_first_name_is_answered_in_its_terms)
{
    double p[2];
    const char *con[2] = {"constraints = [\"crack: P(yes) <= 0.05\"]",
                          "constraints = [\"crack: P(no) >= 0.95\"]"};
    const char *say[2] = {"constraint crack: P(yes) <= 0.05: predicted P(yes) = ",
                          "constraint crack: P(no) >= 0.95: predicted P(no) = "};
    for (int k = 0; k < 2; k++) {
        result *r = run("run", mixed_study(true, con[k]), NULL);
        cr_assert_eq(r->code, 0, "%s", r->err);
        const char *at = strstr(r->out, say[k]);
        cr_assert_not_null(at, "%s", r->out);
        p[k] = strtod(at + strlen(say[k]), NULL);
    }
    cr_expect(fabs(p[1] - (1.0 - p[0])) <= 0.01, "P(no) %g, P(yes) %g", p[1], p[0]);
    cr_expect(p[1] > 0.5, "P(no) %g", p[1]);
}

Test(categories, fit_reports_class_figures_and_the_confusion_matrix)
{
    result *r = run("fit", "--json", "-q", mixed_study(true, NULL), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j);
    cJSON *resp = cJSON_GetArrayItem(get(get(j, "fit"), "responses"), 1);
    cr_assert_not_null(resp);
    cr_expect_str_eq(get(resp, "probability_of")->valuestring, "yes");
    cJSON *cls = get(get(resp, "cv"), "classification");
    cJSON *net = get(cls, "network");
    double acc = get(net, "accuracy")->valuedouble;
    cr_expect(acc > 0.8 && acc <= 1.0, "accuracy %g", acc);
    cJSON *cm = get(net, "confusion");
    int total = 0, yes = 0;
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            int v = cJSON_GetArrayItem(cJSON_GetArrayItem(cm, a), b)->valueint;
            total += v;
            yes += a == 1 ? v : 0;
        }
    cr_expect_eq(total, 27);
    /* the runs above 525 MPa */
    int want = 0;
    static const double T[] = {50, 100, 150}, TC[] = {1090, 1120, 1150}, H[] = {20, 30, 40},
                        C[] = {3, 5, 7};
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            for (int c = 0; c < 3; c++)
                want += stress_of(T[a], TC[b], H[c], C[(a + b + c) % 3], (a + 2 * b) % 3,
                                  (b + 2 * c) % 2) > 525;
    cr_expect_eq(yes, want);
    cr_expect(cJSON_IsObject(get(cls, "logistic")));
    /* the stress anywhere in the window over the names too, and kriging's
     * figure there beside the network's though the verdict holds names */
    cJSON *cv = get(cJSON_GetArrayItem(get(get(j, "fit"), "responses"), 0), "cv");
    cJSON *win = get(cv, "window");
    cr_expect(cJSON_IsTrue(get(win, "ok")));
    cr_expect_eq(get(get(cv, "interval"), "half_width")->valuedouble,
                 get(win, "half_width")->valuedouble);
    cJSON *both = get(get(cv, "comparison"), "window_rmse");
    cr_expect(cJSON_IsNumber(get(both, "network")) && cJSON_IsNumber(get(both, "kriging")),
              "the network's and kriging's figures anywhere in the window");
    cJSON_Delete(j);
}

Test(categories, bad_input_gets_a_clear_error)
{
    /* one outcome only */
    mixed_study(true, NULL);
    char text[8192];
    slurp(tmp_path("mixed.csv"), text, sizeof text);
    for (char *p = strstr(text, ",yes\n"); p; p = strstr(p, ",yes\n"))
        memmove(p + 1, "no", 2), memmove(p + 3, p + 4, strlen(p + 4) + 1);
    write_file(tmp_path("mixed.csv"), text);
    result *r = run("fit", tmp_path("mixed.toml"), NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "response 'crack' is \"no\" in every one of the 27 usable rows"),
              "%s", r->err);
    cr_expect(strstr(r->err, "mixed.toml:"), "%s", r->err);
    /* a probability constraint on a numeric response */
    r = run("optimize", "--fit", mixed_study(true, "constraints = [\"stress: P(yes) <= 0.1\"]"),
            NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "'stress' is a number, not a pass/fail outcome"), "%s", r->err);
    /* a name nobody listed, in the fixed settings */
    r = run("optimize", "--fit", mixed_study(false, "fixed = { alloy = \"BNi-7\" }"), NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "fixed value of the category factor 'alloy' must be one of its "
                             "names"),
              "%s", r->err);
}

Test(categories, predict_reads_and_prints_names)
{
    result *r = run("fit", "-q", mixed_study(true, NULL), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    const char *model = tpath(1, "mixed.model.json");
    r = run("predict", model, "--at",
            "thickness=100,temperature=1120,hold=30,cooling=5,alloy=bni-5,atmosphere=argon", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "alloy = BNi-5, atmosphere = argon"), "%s", r->out);
    cr_expect(strstr(r->out, "P(yes) = "), "%s", r->out);
    r = run("predict", model, "--at",
            "thickness=100,temperature=1120,hold=30,cooling=5,alloy=BNi-7,atmosphere=argon", NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "'BNi-7' is not one of its names (BNi-2, BNi-5, BAg-8)"), "%s",
              r->err);
    put("pts.csv", "thickness,temperature,hold,cooling,alloy,atmosphere\n"
                   "100,1120,30,5,BAg-8,vacuum\n");
    r = run("predict", model, "--in", tpath(2, "pts.csv"), "--out", tpath(3, "p.csv"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    char out[4096];
    slurp(tpath(3, "p.csv"), out, sizeof out);
    cr_expect(strstr(out, ",crack_p_yes,crack_spread,"), "%s", out);
    cr_expect(strstr(out, "\n100,1120,30,5,BAg-8,vacuum,"), "%s", out);
    /* a name the model does not know: the cell, and a remedy that fits a
     * model (not the study's 'levels') */
    put("bad.csv", "thickness,temperature,hold,cooling,alloy,atmosphere\n"
                   "100,1120,30,5,BAg-8,vacuum\n100,1120,30,5,BNi-7,argon\n");
    r = run("predict", model, "--in", tpath(2, "bad.csv"), NULL);
    cr_expect_eq(r->code, 1);
    cr_expect(strstr(r->err, "bad.csv:3:alloy: 'BNi-7' is not one of the names the model was "
                             "fitted with for 'alloy' (\"BNi-2\", \"BNi-5\", \"BAg-8\"); "
                             "correct the cell"),
              "%s", r->err);
    cr_expect_null(strstr(r->err, "'levels'"), "%s", r->err);
}

Test(categories, doe_writes_names_and_shares_them_evenly)
{
    const char *study = mixed_study(true, NULL);
    result *r = run("doe", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "L18(2^1 3^7)"), "%s", r->out);
    cr_expect(strstr(r->out, "atmosphere     column 1"), "the 2-name factor on the 2-level "
                                                        "column: %s",
              r->out);
    char csv[8192];
    slurp(tpath(1, "mixed-runs.csv"), csv, sizeof csv);
    cr_expect(strstr(csv, ",BNi-2,vacuum,,\n"), "%s", csv);
    r = run("doe", "--design", "lhs:12", "--out", tpath(2, "lhs.csv"), study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    slurp(tpath(2, "lhs.csv"), csv, sizeof csv);
    int n[3] = {0};
    for (int a = 0; a < 3; a++)
        for (char *p = strstr(csv, ALLOYS[a]); p; p = strstr(p + 1, ALLOYS[a]))
            n[a]++;
    cr_expect(n[0] == 4 && n[1] == 4 && n[2] == 4, "alloys %d %d %d", n[0], n[1], n[2]);
}

/* The Calculator with a drop-down of names and a pass/fail output: recalculated
 * by LibreOffice, its formulas give what `surrogate` computes, at the
 * recommended names and on the check rows (which hold every alloy). */
Test(categories, calculator_formulas_match_with_names_and_probabilities)
{
    result *r = run("run", mixed_study(true, NULL), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    recalculate_to_csv("mixed.xlsx");
    static char csv[1 << 18];
    slurp(tpath(1, "csv/mixed-Calculator.csv"), csv, sizeof csv);
    cr_expect(strstr(csv, "\nalloy,,BNi-5,"), "the alloy is chosen by name: %.600s", csv);
    /* the recalculated prediction against predict at the same settings */
    const char *p = strstr(csv, "\ncrack,P(yes),\"");
    cr_assert_not_null(p, "no crack row: %.900s", csv);
    double calc = strtod(p + strlen("\ncrack,P(yes),\""), NULL);
    /* the settings the Calculator was filled with, read back from its rows */
    static const char *const fn[] = {"thickness", "temperature", "hold", "cooling", "alloy",
                                     "atmosphere"};
    char at[512] = "";
    for (int i = 0; i < 6; i++) {
        char key[40];
        snprintf(key, sizeof key, "\n%s,", fn[i]);
        const char *row = strstr(csv, key);
        cr_assert_not_null(row, "no row %s", fn[i]);
        const char *c = strchr(strchr(row + 1, ',') + 1, ',') + 1; /* the Setting column */
        char val[64];
        size_t n = strcspn(c[0] == '"' ? c + 1 : c, "\",");
        snprintf(val, sizeof val, "%.*s", (int)n, c[0] == '"' ? c + 1 : c);
        snprintf(at + strlen(at), sizeof at - strlen(at), "%s%s=%s", i ? "," : "", fn[i], val);
    }
    r = run("predict", "--json", tpath(2, "mixed.model.json"), "--at", at, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j);
    cJSON *pt = cJSON_GetArrayItem(get(get(j, "predict"), "points"), 0);
    cJSON *crack = cJSON_GetArrayItem(get(pt, "responses"), 1);
    double want = get(crack, "mean")->valuedouble;
    cr_expect(fabs(calc - want) <= 1e-9, "Calculator P(yes) %.15g, predict %.15g", calc, want);
    cJSON_Delete(j);
    /* every check row (formulas against surrogate) agrees to 1e-9 */
    const char *h = strstr(csv, "\nData row,");
    cr_assert_not_null(h);
    int rows = 0;
    for (const char *line = strchr(h + 1, '\n') + 1; strncmp(line, "Largest", 7) != 0;
         line = strchr(line, '\n') + 1) {
        double v[16];
        int n = 0;
        const char *c = line;
        for (int field = 0; field < 15 && c; field++) {
            const char *q = c[0] == '"' ? c + 1 : c;
            if (field >= 7 && n < 16)
                v[n++] = strtod(q, NULL);
            c = strchr(c, ',');
            c = c ? c + 1 : NULL;
        }
        cr_assert_geq(n, 6);
        cr_expect(fabs(v[0] - v[1]) <= 1e-9 * fabs(v[1]), "stress %g against %g", v[0], v[1]);
        cr_expect(fabs(v[3] - v[4]) <= 1e-9, "P(yes) %g against %g", v[3], v[4]);
        cr_expect(v[3] >= 0 && v[3] <= 1);
        rows++;
    }
    cr_expect_geq(rows, 3);
}

/* A name no run has: the model never saw it (its input is always 0), so the
 * optimiser does not search it and check says so by name. */
Test(categories, an_untested_name_is_not_searched)
{
    char study[256];
    snprintf(study, sizeof study, "%s", mixed_study(false, NULL));
    char text[8192], kept[8192] = "";
    slurp(tpath(5, "mixed.csv"), text, sizeof text);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        if (!strstr(line, "BAg-8"))
            strcat(strcat(kept, line), "\n");
    write_file(tpath(5, "mixed.csv"), kept);
    result *r = run("check", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "the name \"BAg-8\" occurs in no row"), "%s", r->out);
    r = run("optimize", "--fit", "--json", "-q", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j);
    cJSON *o = get(j, "optimize");
    cr_expect_str_eq(get(get(get(o, "optimum"), "settings"), "alloy")->valuestring, "BNi-5");
    int searched = 0, skipped = 0;
    cJSON *e;
    cJSON_ArrayForEach(e, get(o, "category_choices"))
    {
        bool bag = strcmp(get(get(e, "settings"), "alloy")->valuestring, "BAg-8") == 0;
        bool s = cJSON_IsTrue(get(e, "searched"));
        cr_expect_eq(s, !bag, "BAg-8 searched, or another name not");
        searched += s;
        skipped += !s;
        if (!s)
            cr_expect(cJSON_IsNull(get(e, "objective")));
    }
    cr_expect_eq(searched, 4);
    cr_expect_eq(skipped, 2);
    cJSON_Delete(j);
    /* the quadratic cannot hold the absent name's indicator: fit's note
     * names it as the study does */
    r = run("fit", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "note (quadratic)") && strstr(r->out, " alloy[BAg-8]"), "%s",
              r->out);
    cr_expect_null(strstr(r->out, "alloy[2]"), "%s", r->out);
}

/* ---- class responses (several names: softmax) --------------------------------- */

/* Zones of the square [-1, 1]^2: 0 inside the circle r^2 < 0.3, 1 outside
 * it on the right (x > 0), 2 on the left. */
static double zone_of(double x, double y)
{
    return x * x + y * y < 0.3 ? 0.0 : x > 0 ? 1.0 : 2.0;
}

static size_t zone_rows(double *X, double *Y, size_t side)
{
    size_t n = 0;
    for (size_t i = 0; i < side; i++)
        for (size_t j = 0; j < side; j++, n++) {
            X[n * 2] = -1 + 2.0 * ((double)i + 0.5) / (double)side;
            X[n * 2 + 1] = -1 + 2.0 * ((double)j + 0.5) / (double)side;
            Y[n] = zone_of(X[n * 2], X[n * 2 + 1]);
        }
    return n;
}

Test(categories, class_network_gives_probabilities_and_their_gradient)
{
    double X[2 * 196], Y[196];
    size_t n = zone_rows(X, Y, 14);
    sg_model_spec sp = sg_model_spec_defaults();
    sp.n_hidden = 1;
    sp.hidden[0] = 12;
    sp.ensemble = 2;
    sp.classes[0] = 3;
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&sp, 2, 1, X, Y, n, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    cr_expect(sg_model_is_class(m, 0) && !sg_model_is_binary(m, 0));
    cr_expect_eq(sg_model_n_classes(m, 0), 3);
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, &err), SG_OK);
    /* the most probable code is right on nearly every training row, and the
     * probabilities of a row sum to 1 */
    double P[3 * 196], code, sd;
    size_t right = 0;
    for (size_t r = 0; r < n; r++) {
        cr_assert_eq(sg_model_predict_proba(m, w, X + 2 * r, 0, P + 3 * r, NULL), 3);
        cr_expect_float_eq(P[3 * r] + P[3 * r + 1] + P[3 * r + 2], 1.0, 1e-12);
        sg_model_predict(m, w, X + 2 * r, &code, &sd);
        right += code == Y[r];
    }
    cr_expect(right >= 0.95 * (double)n, "%zu of %zu right", right, n);
    sg_class_metrics cm;
    cr_assert_eq(sg_class_metrics_compute_k(Y, 1, P, 3, 3, n, &cm, &err), SG_OK);
    cr_expect_eq(cm.n_classes, 3);
    cr_expect_float_eq(cm.accuracy, (double)right / (double)n, 1e-12);
    /* the gradient of each class's probability, by central differences */
    double x[2] = {0.55, 0.3}, g[2], h = 1e-6;
    for (size_t c = 0; c < 3; c++) {
        double p0;
        cr_assert(sg_model_gradient_proba(m, w, x, 0, c, &p0, g));
        for (int i = 0; i < 2; i++) {
            double xp[2] = {x[0], x[1]}, xm[2] = {x[0], x[1]}, a[3], b[3];
            xp[i] += h;
            xm[i] -= h;
            sg_model_predict_proba(m, w, xp, 0, a, NULL);
            sg_model_predict_proba(m, w, xm, 0, b, NULL);
            double fd = (a[c] - b[c]) / (2 * h);
            cr_expect(fabs(fd - g[i]) < 1e-5 * fmax(1.0, fabs(g[i])),
                      "class %zu d/dx%d: %g against %g", c, i, fd, g[i]);
        }
    }
    /* a decision about class 1: the prediction becomes its probability */
    double pc[3];
    sg_model_predict_proba(m, w, x, 0, pc, NULL);
    cr_assert_eq(sg_model_set_focus(m, 0, 1, &err), SG_OK);
    double mean;
    sg_model_predict(m, w, x, &mean, &sd);
    cr_expect_float_eq(mean, pc[1], 1e-15);
    sg_model_gradient(m, w, x, 0, &mean, g);
    cr_expect_float_eq(mean, pc[1], 1e-12);
    cr_expect_neq(sg_model_set_focus(m, 0, 3, &err), SG_OK);
    cr_assert_eq(sg_model_set_focus(m, 0, SIZE_MAX, &err), SG_OK);
    /* the model file keeps the classes and their names */
    char *names[] = {"core", "right", "left"};
    cr_assert_eq(sg_model_set_response_labels(m, 0, names, 3, &err), SG_OK, "%s", err.msg);
    char *json = NULL;
    cr_assert_eq(sg_model_to_json(m, &json, &err), SG_OK);
    sg_model *back = NULL;
    cr_assert_eq(sg_model_from_json(json, strlen(json), "round trip", &back, &err), SG_OK, "%s",
                 err.msg);
    sg_model_work *wb = NULL;
    cr_assert_eq(sg_model_work_create(back, &wb, &err), SG_OK);
    double pb[3];
    cr_expect_eq(sg_model_predict_proba(back, wb, x, 0, pb, NULL), 3);
    for (int c = 0; c < 3; c++)
        cr_expect_eq(pb[c], pc[c]);
    size_t nl;
    char *const *lb = sg_model_response_labels(back, 0, &nl);
    cr_expect(nl == 3 && lb && strcmp(lb[2], "left") == 0);
    /* refused: kriging of classes, a code that is not a class */
    sp.type = SG_MODEL_GP;
    sg_model *bad = NULL;
    cr_expect_neq(sg_model_fit(&sp, 2, 1, X, Y, n, NULL, NULL, NULL, &bad, &err), SG_OK);
    cr_expect(strstr(err.msg, "holds names (classes)"), "%s", err.msg);
    sp.type = SG_MODEL_MLP;
    Y[5] = 3;
    cr_expect_neq(sg_model_fit(&sp, 2, 1, X, Y, n, NULL, NULL, NULL, &bad, &err), SG_OK);
    cr_expect(strstr(err.msg, "not a code 0 to 2"), "%s", err.msg);
    free(json);
    sg_model_work_destroy(wb);
    sg_model_destroy(back);
    sg_model_work_destroy(w);
    sg_model_destroy(m);
}

Test(categories, class_metrics_of_three_classes_known_answers)
{
    const double obs[] = {0, 1, 2, 2, 1};
    const double P[] = {0.7, 0.2, 0.1, /* right */
                        0.5, 0.3, 0.2, /* 1 taken for 0 */
                        0.1, 0.1, 0.8, /* right */
                        0.2, 0.5, 0.3, /* 2 taken for 1 */
                        0.1, 0.6, 0.3 /* right */};
    sg_class_metrics m;
    sg_error err;
    cr_assert_eq(sg_class_metrics_compute_k(obs, 1, P, 3, 3, 5, &m, &err), SG_OK);
    cr_expect_eq(m.confusion[0][0], 1);
    cr_expect_eq(m.confusion[1][0], 1);
    cr_expect_eq(m.confusion[1][1], 1);
    cr_expect_eq(m.confusion[2][1], 1);
    cr_expect_eq(m.confusion[2][2], 1);
    cr_expect_float_eq(m.accuracy, 3.0 / 5.0, 1e-15);
    cr_expect_float_eq(m.balanced_accuracy, (1.0 + 0.5 + 0.5) / 3.0, 1e-15);
    cr_expect_float_eq(m.log_loss, -(log(0.7) + log(0.3) + log(0.8) + log(0.3) + log(0.6)) / 5,
                       1e-12);
    double br = (0.09 + 0.04 + 0.01) + (0.25 + 0.49 + 0.04) + (0.01 + 0.01 + 0.04) +
                (0.04 + 0.25 + 0.49) + (0.01 + 0.16 + 0.09);
    cr_expect_float_eq(m.brier, br / 5, 1e-12);
    const double bad[] = {3};
    cr_expect_neq(sg_class_metrics_compute_k(bad, 1, P, 3, 3, 1, &m, &err), SG_OK);
}

/* Part `member` of workbook `name` in the test folder (caller frees). */
static char *workbook_part(const char *name, const char *member)
{
    char *xml = NULL;
    size_t len = 0;
    sg_error err;
    cr_assert_eq(sg_zipread_member(tmp_path(name), member, 64u << 20, &xml, &len, &err), SG_OK,
                 "%s: %s", member, err.msg);
    return xml;
}

/* Cells of sheet (its XML) that show the shared string (of the list ss)
 * holding `text`: 0 when no string holds it. */
static size_t shared_string_cells(const char *ss, const char *sheet, const char *text)
{
    const char *at = strstr(ss, text);
    if (!at)
        return 0;
    size_t index = 0, n = 0;
    for (const char *p = strstr(ss, "<si>"); p && p < at; p = strstr(p + 1, "<si>"))
        index++;
    char want[48];
    snprintf(want, sizeof want, "t=\"s\"><v>%zu</v>", index - 1);
    for (const char *p = strstr(sheet, want); p; p = strstr(p + 1, want))
        n++;
    return n;
}

/* The zones as a study: 10 x 10 grid, response "zone" with three names. */
static const char *zones_study(const char *optimize)
{
    double X[200], Y[100];
    size_t n = zone_rows(X, Y, 10);
    static const char *const NAMES[] = {"core", "right", "left"};
    char text[8192];
    size_t u = (size_t)snprintf(text, sizeof text, "x,y,zone\n");
    for (size_t r = 0; r < n; r++)
        u += (size_t)snprintf(text + u, sizeof text - u, "%.4f,%.4f,%s\n", X[2 * r],
                              X[2 * r + 1], NAMES[(int)Y[r]]);
    put("zones.csv", text);
    static char study[2048];
    snprintf(study, sizeof study,
             "[study]\nname = \"zones\"\nseed = 3\n[data]\nfile = \"zones.csv\"\n"
             "[[factor]]\nname = \"x\"\nmin = -1\nmax = 1\n"
             "[[factor]]\nname = \"y\"\nmin = -1\nmax = 1\n"
             "[[response]]\nname = \"zone\"\ntype = \"class\"\n"
             "levels = [\"core\", \"right\", \"left\"]\n"
             "[model]\nhidden = [10]\nensemble = 2\n[optimize]\nstarts = 4\n%s\n"
             "[report]\nfile = \"zones.xlsx\"\n",
             optimize);
    return put("zones.toml", study);
}

Test(categories, a_class_response_is_fitted_predicted_and_optimised)
{
    result *r = run("fit", "--json", "-q",
                    zones_study("response = \"zone: P(right)\"\nsense = \"maximize\""), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j);
    cJSON *net = get(get(get(cJSON_GetArrayItem(get(get(j, "fit"), "responses"), 0), "cv"),
                         "classification"),
                     "network");
    cr_assert_not_null(net);
    double acc = get(net, "accuracy")->valuedouble;
    cr_expect(acc >= 0.85, "cross-validated accuracy %g", acc);
    cJSON *cm = get(net, "confusion");
    cr_assert_eq(cJSON_GetArraySize(cm), 3);
    int total = 0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            total += cJSON_GetArrayItem(cJSON_GetArrayItem(cm, a), b)->valueint;
    cr_expect_eq(total, 100);
    cJSON_Delete(j);
    /* the text names every class in the confusion matrix */
    r = run("fit", zones_study("response = \"zone: P(right)\"\nsense = \"maximize\""), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "zone (one of 3 classes"), "%s", r->out);
    cr_expect(strstr(r->out, "observed left"), "%s", r->out);
    /* predict: the most probable name and every probability */
    r = run("predict", "--json", tmp_path("zones.model.json"), "--at", "x=0.8,y=0.1", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    j = cJSON_Parse(r->out);
    cJSON *resp = cJSON_GetArrayItem(get(cJSON_GetArrayItem(get(get(j, "predict"), "points"), 0),
                                         "responses"),
                                     0);
    cr_expect_str_eq(get(resp, "class")->valuestring, "right");
    cJSON *probs = get(resp, "probabilities");
    cr_assert_eq(cJSON_GetArraySize(probs), 3);
    double sum = 0;
    for (int c = 0; c < 3; c++)
        sum += get(cJSON_GetArrayItem(probs, c), "p")->valuedouble;
    cr_expect_float_eq(sum, 1.0, 1e-9);
    cJSON_Delete(j);
    /* optimise the probability of "right": the answer lies right of the core */
    r = run("optimize", "--json", "-q", tmp_path("zones.toml"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    j = cJSON_Parse(r->out);
    cJSON *best = get(get(get(j, "optimize"), "optimum"), "settings");
    cr_assert_not_null(best, "%s", r->out);
    double bx = get(best, "x")->valuedouble, by = get(best, "y")->valuedouble;
    cr_expect(zone_of(bx, by) == 1.0, "optimum at (%g, %g)", bx, by);
    cJSON_Delete(j);
    r = run("optimize", tmp_path("zones.toml"), NULL);
    cr_expect(strstr(r->out, "P(right) = "), "%s", r->out);
    /* the Summary's prediction there: the most probable name and its
     * chance, no interval */
    char *ss = workbook_part("zones.xlsx", "xl/sharedStrings.xml");
    char *summary = workbook_part("zones.xlsx", "xl/worksheets/sheet1.xml");
    cr_expect_geq(shared_string_cells(ss, summary, ">most probable<"), 1);
    cr_expect_geq(shared_string_cells(ss, summary, ">right (P "), 1);
    const char *pr = strstr(ss, ">right (P ");
    double p_right = pr ? strtod(pr + strlen(">right (P "), NULL) : 0.0;
    cr_expect(p_right > 0.5 && p_right <= 1.0, "P(right) %g", p_right);
    cr_expect_geq(shared_string_cells(ss, summary, ">names<"), 1);
    free(summary);
    free(ss);
}

/* Constraints on other names of the class response than the objective's:
 * each on its own name's probability, at the optimum and in run's summary. */
Test(categories, constraints_on_several_names_of_a_class_response)
{
    result *r = run("run", "--json", "-q",
                    zones_study("response = \"zone: P(left)\"\nsense = \"minimize\"\n"
                                "constraints = [\"zone: P(core) <= 0.05\", "
                                "\"zone: P(right) <= 0.05\"]"),
                    NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j);
    /* minimising P(left) alone would pick the right side or the core; with
     * both held below 0.05 the probabilities sum to 1, so the least P(left)
     * is about 0.9, on the border of the left side */
    cJSON *opt = get(get(j, "optimize"), "optimum");
    cr_assert_not_null(opt);
    cr_expect(cJSON_IsTrue(get(opt, "feasible")));
    double f = get(opt, "objective")->valuedouble;
    cr_expect(f >= 0.9 - 1e-3 && f <= 0.97, "least P(left) %g", f);
    cJSON_Delete(j);
    r = run("optimize",
            zones_study("response = \"zone: P(right)\"\nsense = \"maximize\"\n"
                        "constraints = [\"zone: P(core) <= 0.05\", \"zone: P(left) <= 0.05\"]"),
            NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    r = run("optimize", "--json", "-q", tmp_path("zones.toml"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    j = cJSON_Parse(r->out);
    cJSON *o = get(get(j, "optimize"), "optimum");
    cr_expect(cJSON_IsTrue(get(o, "feasible")));
    double bx = get(get(o, "settings"), "x")->valuedouble;
    double by = get(get(o, "settings"), "y")->valuedouble;
    cr_expect(zone_of(bx, by) == 1.0, "optimum at (%g, %g)", bx, by);
    cJSON_Delete(j);
    /* the model at the optimum agrees: P(core) and P(left) there are small */
    char at[128];
    snprintf(at, sizeof at, "x=%.17g,y=%.17g", bx, by);
    r = run("predict", "--json", tmp_path("zones.model.json"), "--at", at, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    j = cJSON_Parse(r->out);
    cJSON *probs = get(cJSON_GetArrayItem(get(cJSON_GetArrayItem(get(get(j, "predict"),
                                                                     "points"),
                                                                 0),
                                              "responses"),
                                          0),
                       "probabilities");
    cr_expect(get(cJSON_GetArrayItem(probs, 0), "p")->valuedouble <= 0.05 + 1e-9);
    cr_expect(get(cJSON_GetArrayItem(probs, 2), "p")->valuedouble <= 0.05 + 1e-9);
    cJSON_Delete(j);
    r = run("run", tmp_path("zones.toml"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "constraint zone: P(core) <= 0.05: predicted P(core) = "), "%s",
              r->out);
    cr_expect(strstr(r->out, "constraint zone: P(left) <= 0.05: predicted P(left) = "), "%s",
              r->out);
}

Test(categories, a_class_response_in_decisions_needs_a_class)
{
    result *r = run("optimize", "--fit", zones_study("response = \"zone\"\nsense = \"maximize\""),
                    NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "'zone' is a class response: optimise the probability of one of its "
                             "names, as in response = \"zone: P(core)\""),
              "%s", r->err);
    r = run("optimize", "--fit",
            zones_study("response = \"zone: P(middle)\"\nsense = \"maximize\""), NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "with a name of 'zone' (\"core\", \"right\" or \"left\")"), "%s",
              r->err);
    r = run("optimize", "--fit",
            zones_study("response = \"zone: P(right)\"\nsense = \"maximize\"\n"
                        "constraints = [\"zone: P(center) <= 0.1\"]"),
            NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "expected P(outcome) with an outcome of 'zone'"), "%s", r->err);
    cr_expect(strstr(r->err, "zones.toml:"), "%s", r->err);
    r = run("optimize", "--fit",
            zones_study("response = \"zone: P(right)\"\nsense = \"maximize\"\n"
                        "constraints = [\"zone <= 1\"]"),
            NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "'zone' is a class response: constrain the probability"), "%s",
              r->err);
}

/* The Calculator of a class response: each name's probability a live
 * softmax, recalculated by LibreOffice, equal to predict's at the same
 * settings; the Validation sheet's confusion matrix has the names. */
Test(categories, calculator_gives_each_class_probability)
{
    result *r = run("fit", "-q", zones_study("response = \"zone: P(right)\"\nsense = \"maximize\""),
                    NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    recalculate_to_csv("zones.xlsx");
    static char csv[1 << 18];
    slurp(tpath(1, "csv/zones-Calculator.csv"), csv, sizeof csv);
    static const char *const names[] = {"core", "right", "left"};
    double calc[3], sum = 0;
    for (int c = 0; c < 3; c++) {
        char key[64];
        snprintf(key, sizeof key, "\nzone,P(%s),\"", names[c]);
        const char *p = strstr(csv, key);
        cr_assert_not_null(p, "no row %s: %.900s", key + 1, csv);
        calc[c] = strtod(p + strlen(key), NULL);
        sum += calc[c];
    }
    cr_expect(fabs(sum - 1.0) < 1e-12, "the probabilities sum to %.15g", sum);
    /* the settings it was filled with, then predict there */
    char at[256] = "";
    for (int i = 0; i < 2; i++) {
        char key[8];
        snprintf(key, sizeof key, "\n%c,,\"", i ? 'y' : 'x');
        const char *row = strstr(csv, key);
        cr_assert_not_null(row);
        snprintf(at + strlen(at), sizeof at - strlen(at), "%s%c=%.17g", i ? "," : "",
                 i ? 'y' : 'x', strtod(row + strlen(key), NULL));
    }
    r = run("predict", "--json", tpath(2, "zones.model.json"), "--at", at, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j);
    cJSON *probs = get(cJSON_GetArrayItem(get(cJSON_GetArrayItem(get(get(j, "predict"),
                                                                     "points"),
                                                                 0),
                                              "responses"),
                                          0),
                       "probabilities");
    for (int c = 0; c < 3; c++) {
        double want = get(cJSON_GetArrayItem(probs, c), "p")->valuedouble;
        cr_expect(fabs(calc[c] - want) <= 1e-9, "P(%s): Calculator %.15g, predict %.15g",
                  names[c], calc[c], want);
    }
    cJSON_Delete(j);
    /* every check row agrees: the largest relative difference is tiny */
    const char *lg = strstr(csv, "\nLargest relative difference,");
    cr_assert_not_null(lg);
    const char *c = lg + 1;
    for (int field = 0; field < 5; field++)
        c = strchr(c, ',') + 1;
    double worst = strtod(c[0] == '"' ? c + 1 : c, NULL);
    cr_expect(worst < 1e-9, "largest relative difference %g", worst);
    slurp(tpath(1, "csv/zones-Validation.csv"), csv, sizeof csv);
    cr_expect(strstr(csv, "observed \\ predicted,core,right,left"), "%.1200s", csv);
    cr_expect(strstr(csv, "classes: accuracy"), "%.1200s", csv);
}

/* The separable problem: outcomes split by the circle x² + y² = 0.5
 * in two factors, a 14 x 14 grid without the points closer than 0.06 to it
 * (separable with a margin: on the full grid the points next to the circle
 * are a coin toss for any model, 96 % for the network and 97 % for the
 * logistic regression of the right form), cross-validated in 5 folds with
 * the default network to at least 97 %. */
Test(categories, a_circle_is_cross_validated_to_97_percent)
{
    double G[2 * 196], GY[196], X[2 * 196], Y[196];
    size_t ng = circle_rows(G, GY, 14), n = 0;
    for (size_t r = 0; r < ng; r++) {
        if (fabs(hypot(G[2 * r], G[2 * r + 1]) - sqrt(0.5)) < 0.06)
            continue;
        X[2 * n] = G[2 * r];
        X[2 * n + 1] = G[2 * r + 1];
        Y[n++] = GY[r];
    }
    cr_assert_gt(n, 150);
    sg_model_spec sp = sg_model_spec_defaults();
    sp.classes[0] = 2;
    sg_cv_result *cv = kfold5_cv(&sp, 2, X, Y, n, true);
    cr_expect(cv->resp[0].binary);
    cr_expect_geq(cv->resp[0].cls.accuracy, 0.97, "cross-validated accuracy %g",
                  cv->resp[0].cls.accuracy);
    sg_cv_result_destroy(cv);
}

/* Every sheet of the workbook is valid UTF-8 (a stray byte makes Excel
 * repair the file and LibreOffice stop reading the sheet), and the
 * Calculator's Check cells cache "ok" for the recommended settings, which
 * lie on the factors' levels. */
Test(categories, workbook_sheets_are_valid_text_and_checks_cache_ok)
{
    result *r = run("run", "-q", mixed_study(true, NULL), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    size_t sheets = 0, oks = 0;
    for (int k = 1; k <= 40; k++) {
        char member[64], *xml = NULL;
        size_t len = 0;
        sg_error err;
        snprintf(member, sizeof member, "xl/worksheets/sheet%d.xml", k);
        if (sg_zipread_member(tmp_path("mixed.xlsx"), member, 64u << 20, &xml, &len, &err) !=
            SG_OK)
            break;
        sheets++;
        sg_utf8_scan sc;
        sg_utf8_scan_text(xml, len, &sc);
        cr_expect_eq(sc.first_bad, SIZE_MAX, "%s: byte %zu is not UTF-8", member, sc.first_bad);
        if (strstr(xml, "Calculator: predicted responses") || strstr(xml, "IF(OR("))
            for (const char *p = strstr(xml, "\"ok\"))</f><v>ok</v>"); p;
                 p = strstr(p + 1, "\"ok\"))</f><v>ok</v>"))
                oks++;
        free(xml);
    }
    cr_expect_geq(sheets, 8);
    cr_expect_eq(oks, 4, "the four numeric factors' Check cells: %zu cache \"ok\"", oks);
    /* the verdict between levels in its own figures, not an RMSE of 0/1
     * codes and the coverage of an interval it does not have */
    char *ss = workbook_part("mixed.xlsx", "xl/sharedStrings.xml");
    cr_expect(strstr(ss, "crack: network accuracy ") && strstr(ss, "on these held-out levels"),
              "the verdict's figures between levels");
    cr_expect_null(strstr(ss, "crack: network RMSE"));
    /* the Summary (sheet 1) gives the verdict's probability without an
     * interval, and its class figures where numbers get R² and RMSE */
    char *summary = workbook_part("mixed.xlsx", "xl/worksheets/sheet1.xml");
    cr_expect_geq(shared_string_cells(ss, summary, ">a probability<"), 1);
    cr_expect_geq(shared_string_cells(ss, summary, "(Validation sheet)"), 1);
    free(summary);
    /* the response surface holds the category factors at their names */
    const char *held = strstr(ss, "Other factors at the recommended settings:");
    cr_assert_not_null(held);
    const char *end = strstr(held, "</t>");
    cr_assert_not_null(end);
    char note[512];
    snprintf(note, sizeof note, "%.*s", (int)(end - held), held);
    cr_expect((strstr(note, "alloy = BNi-") || strstr(note, "alloy = BAg-")) &&
                  (strstr(note, "atmosphere = vacuum") || strstr(note, "atmosphere = argon")),
              "%s", note);
    cr_expect_null(strstr(note, " ,"), "%s", note);
    /* the Statistics sheet counts the runs of each name, as analyze does,
     * instead of a mean of the codes (the test table's 27 runs) */
    cr_expect(strstr(ss, "names: BNi-2 9, BNi-5 9, BAg-8 9"), "the alloys' counts");
    cr_expect(strstr(ss, "names: vacuum ") && strstr(ss, "names: no "), "the others' counts");
    free(ss);
}

/* The optimiser's view of constraints on two names of a class response
 * (one the model's focus, one its own): each value is that name's
 * probability and each analytic gradient matches central differences. */
Test(categories, class_constraint_gradients_match_differences)
{
    double X[2 * 144], Y[144];
    size_t n = zone_rows(X, Y, 12);
    sg_model_spec sp = sg_model_spec_defaults();
    sp.n_hidden = 1;
    sp.hidden[0] = 8;
    sp.ensemble = 2;
    sp.classes[0] = 3;
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&sp, 2, 1, X, Y, n, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    char *names[] = {"core", "right", "left"};
    cr_assert_eq(sg_model_set_factor(m, 0, "x", "", -1, 1, &err), SG_OK);
    cr_assert_eq(sg_model_set_factor(m, 1, "y", "", -1, 1, &err), SG_OK);
    cr_assert_eq(sg_model_set_response(m, 0, "zone", "", &err), SG_OK);
    cr_assert_eq(sg_model_set_response_labels(m, 0, names, 3, &err), SG_OK);
    sg_study *s = load_text("[study]\nname = \"z\"\n[data]\nfile = \"z.csv\"\n"
                            "[[factor]]\nname = \"x\"\nmin = -1\nmax = 1\n"
                            "[[factor]]\nname = \"y\"\nmin = -1\nmax = 1\n"
                            "[[response]]\nname = \"zone\"\ntype = \"class\"\n"
                            "levels = [\"core\", \"right\", \"left\"]\n"
                            "[optimize]\nresponse = \"zone: P(right)\"\nsense = \"maximize\"\n"
                            "constraints = [\"zone: P(right) >= 0.2\", "
                            "\"zone: P(core) <= 0.3\", \"zone: P(left) >= 0.01\"]\n",
                            &err);
    cr_assert_not_null(s, "%s", err.msg);
    sg_optimize_spec *os = NULL;
    cr_assert_eq(sg_optimize_spec_load(s, &os, &err), SG_OK, "%s", err.msg);
    cr_expect(!sg_optimize_spec_con_own(os, 0) && sg_optimize_spec_con_own(os, 1) &&
              sg_optimize_spec_con_own(os, 2));
    cr_assert_eq(sg_optimize_spec_focus_model(os, m, &err), SG_OK);
    sg_decide_problem *p = NULL;
    cr_assert_eq(sg_decide_problem_create(s, NULL, os, m, &p, &err), SG_OK, "%s", err.msg);
    void *ctx = sg_decide_ctx_create(p);
    cr_assert_not_null(ctx);
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, &err), SG_OK);
    static const double at[][2] = {{0.3, 0.2}, {-0.5, 0.6}, {0.7, -0.4}};
    static const size_t cls[] = {1, 0, 2};
    for (size_t k = 0; k < 3; k++) {
        const double *x = at[k];
        double P[3];
        sg_model_predict_proba(m, w, x, 0, P, NULL);
        double cm[3];
        sg_decide_predict_cons(ctx, x, cm, NULL);
        for (size_t i = 0; i < 3; i++) {
            cr_expect_float_eq(cm[i], P[cls[i]], 1e-12, "constraint %zu's value", i);
            double g[2], h = 1e-6;
            sg_decide_constraint(ctx, i, x, g);
            for (int d = 0; d < 2; d++) {
                double xp[2] = {x[0], x[1]}, xm[2] = {x[0], x[1]};
                xp[d] += h;
                xm[d] -= h;
                double fd = (sg_decide_constraint(ctx, i, xp, NULL) -
                             sg_decide_constraint(ctx, i, xm, NULL)) /
                            (2 * h);
                cr_expect(fabs(fd - g[d]) < 1e-5 * fmax(1.0, fabs(g[d])),
                          "constraint %zu at point %zu, d/dx%d: %g against %g", i, k, d, fd,
                          g[d]);
            }
        }
    }
    sg_model_work_destroy(w);
    sg_decide_ctx_destroy(ctx);
    sg_decide_problem_destroy(p);
    sg_optimize_spec_destroy(os);
    sg_study_destroy(s);
    sg_model_destroy(m);
}

/* The kriging Model sheet has one length scale per kernel input: alloy's
 * three names each get their own column, labelled with the name, then the
 * atmosphere's one (before, six columns labelled by factor showed the
 * first six of nine inputs, alloy's columns holding BNi-2's and BNi-5's). */
Test(categories, kriging_model_sheet_names_each_length_scale)
{
    static char text[8192];
    slurp(mixed_study(false, NULL), text, sizeof text - 64);
    char *at = strstr(text, "[model]\n");
    cr_assert_not_null(at);
    memmove(at + 20, at + 8, strlen(at + 8) + 1);
    memcpy(at + 8, "type = \"gp\"\n", 12);
    put("mixed.toml", text);
    result *r = run("fit", "-q", tmp_path("mixed.toml"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    char *xml = workbook_part("mixed.xlsx", "xl/sharedStrings.xml");
    const char *want[] = {"Length cooling [-]", "Length alloy = BNi-2 [-]",
                          "Length alloy = BNi-5 [-]", "Length alloy = BAg-8 [-]",
                          "Length atmosphere [-]"};
    const char *prev = xml;
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        const char *p = strstr(prev, want[k]);
        cr_expect_not_null(p, "'%s' missing or out of order", want[k]);
        prev = p ? p : prev;
    }
    cr_expect_null(strstr(xml, "Length alloy [-]"));
    free(xml);
    /* and a number under each: the eighth length (column L) in the row
     * below its header (Model is the sixth sheet: Summary, Data,
     * Statistics, Main effects, Regression, Model) */
    xml = workbook_part("mixed.xlsx", "xl/worksheets/sheet6.xml");
    const char *h = strstr(xml, "<c r=\"L");
    cr_assert_not_null(h, "no column L on the Model sheet");
    char cell[32];
    snprintf(cell, sizeof cell, "<c r=\"L%ld\"", strtol(h + 7, NULL, 10) + 1);
    const char *v = strstr(xml, cell);
    cr_expect(v && strncmp(strchr(v, '>'), "><v>", 4) == 0, "no length under %s", cell);
    free(xml);
}

/* The shipped mixed example (studies/brazing_mixed.toml) end to end.  Its
 * stress is a quadratic in the factors and the names' indicators, which the
 * quadratic baseline reproduces to rounding (checked below), so the truth
 * at any setting is known: at the optimum run finds (BNi-5 in vacuum at
 * the lower bounds of temperature, hold and cooling, 141 um) it is
 * 428.84 MPa, inside the interval anywhere in the window (428.4 .. 430.4),
 * outside the one at tested settings alone (429.1 .. 429.7, before the
 * window figures drew the names). */
Test(categories, the_mixed_example_runs_and_its_interval_holds_at_the_optimum)
{
    static char text[8192], cwd[PATH_MAX], data[PATH_MAX + 64];
    slurp("studies/brazing_mixed.toml", text, sizeof text);
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    snprintf(data, sizeof data, "%s/data/brazing_mixed.csv", cwd);
    char *at = strstr(text, "file = \"../data/brazing_mixed.csv\"");
    cr_assert_not_null(at);
    char study[12000];
    snprintf(study, sizeof study, "%.*sfile = \"%s\"%s\n[report]\nfile = \"example.xlsx\"\n",
             (int)(at - text), text, data, at + strlen("file = \"../data/brazing_mixed.csv\""));
    result *r = run("run", "--json", "-q", put("example.toml", study), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j);
    cJSON *stress = cJSON_GetArrayItem(get(get(j, "fit"), "responses"), 0);
    cr_expect_lt(get(get(get(stress, "cv"), "baseline"), "rmse")->valuedouble, 1e-9,
                 "the quadratic reproduces the data: it is the truth");
    cr_expect(cJSON_IsTrue(get(get(get(stress, "cv"), "window"), "ok")));
    cJSON *opt = get(get(j, "optimize"), "optimum");
    cJSON *set = get(opt, "settings");
    cr_expect_str_eq(get(set, "alloy")->valuestring, "BNi-5");
    cr_expect_str_eq(get(set, "atmosphere")->valuestring, "vacuum");
    cJSON_Delete(j);
    /* the interval printed at the optimum covers the truth there */
    r = run("run", tmp_path("example.toml"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    const char *p = strstr(r->out, "predicted stress there: ");
    cr_assert_not_null(p, "%s", r->out);
    double mean = 0, lo = 0, hi = 0;
    cr_assert_eq(sscanf(p, "predicted stress there: %lf MPa (%lf .. %lf, 95%% interval anywhere",
                        &mean, &lo, &hi),
                 3, "%s", p);
    cr_expect(lo <= 428.84 && 428.84 <= hi, "%g .. %g around a true 428.84", lo, hi);
    /* the ANOVA's notes read as sentences: an exact table's reason, then
     * the aliased interactions */
    char *ss = workbook_part("example.xlsx", "xl/sharedStrings.xml");
    cr_expect_null(strstr(ss, "exactlyalso"));
    cr_expect(strstr(ss, "reproduces every run exactly; also contains the aliased part"));
    free(ss);
}

/* Sensitivity of a pass/fail verdict: the probability of its second name,
 * moved by fractions of 1.  Its 0/1 codes once set a resolution of 1, so
 * every effect range printed as 0 or 1 and a factor that moved the
 * probability by 0.4 could read "no effect". */
Test(categories, sensitivity_of_a_verdict_is_in_probability)
{
    result *r = run("fit", "-q", mixed_study(true, NULL), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    r = run("sensitivity", "--json", tmp_path("mixed.toml"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j, "%s", r->out);
    cJSON *crack = cJSON_GetArrayItem(get(get(j, "sensitivity"), "responses"), 1);
    cr_assert_not_null(crack);
    cr_expect_float_eq(get(crack, "effect_threshold")->valuedouble, 0.02, 1e-12);
    size_t fractional = 0, matters = 0;
    cJSON *f;
    cJSON_ArrayForEach(f, get(crack, "factors"))
    {
        double e = get(f, "effect_range")->valuedouble;
        cr_expect(e >= 0 && e <= 1, "%g", e);
        fractional += e > 0.02 && e < 0.98;
        matters += cJSON_IsTrue(get(f, "material"));
    }
    cr_expect_geq(fractional, 1, "effect ranges in probability");
    cr_expect_geq(matters, 2, "the verdict depends on the stress, so on several factors");
    cJSON_Delete(j);
    r = run("sensitivity", tmp_path("mixed.toml"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "crack: the probability of \"yes\" (0 to 1)\n  no effect: total "
                             "index < 0.02 and effect range < 0.020\n"),
              "%s", r->out);
}
