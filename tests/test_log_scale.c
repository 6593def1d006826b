/* Factors on a log scale ([[factor]] scale = "auto" | "linear" | "log"):
 * recognising runs spaced by ratios, the model's log10 input and its
 * gradient, the model file, fit's choice and what it buys on a table whose
 * rate spans four decades, the window figures, the optimiser's search over
 * the decades, the Calculator's LOG10 formulas, and every bad input. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>

#include "cli_harness.h"
#include "cv_fixture.h"
#include "model/model.h"
#include "model/scale.h"

static void setup(void)
{
    gsl_set_error_handler_off();
    harness_setup();
}

TestSuite(log_scale, .init = setup, .fini = harness_teardown);

/* A creep-test-like response: linear in log10(rate) and in load, with a
 * minimum of its second response at rate 0.01. */
static double response_of(double rate, double load)
{
    return 1000.0 + 200.0 * log10(rate) + 0.5 * load;
}

static double valley_of(double rate, double load)
{
    double u = log10(rate) + 2.0;
    return 100.0 * u * u + 0.1 * load;
}

#define N_RUNS 24

/* Run i's settings: rate spread evenly over log10 0.001 .. 10 (a Latin
 * hypercube in the decades), load over 100 .. 1000, in another order. */
static void run_settings(int i, double *rate, double *load)
{
    int a = (7 * i + 3) % N_RUNS, b = (11 * i + 5) % N_RUNS;
    *rate = pow(10.0, -3.0 + 4.0 * (a + 0.5) / N_RUNS);
    *load = 100.0 + 900.0 * (b + 0.5) / N_RUNS;
}

/* The table; bad_row (1-based, 0 for none) gets rate 0. */
static const char *log_csv(int bad_row)
{
    char text[4096];
    size_t u = (size_t)snprintf(text, sizeof text, "rate,load,y,valley\n");
    for (int i = 0; i < N_RUNS; i++) {
        double r, l;
        run_settings(i, &r, &l);
        u += (size_t)snprintf(text + u, sizeof text - u, "%.9g,%.9g,%.9g,%.9g\n",
                              i + 1 == bad_row ? 0.0 : r, l, response_of(r, l), valley_of(r, l));
    }
    return put("log.csv", text);
}

/* The study: the rate's scale line (NULL: none, i.e. "auto"), y's (NULL:
 * none), the model type and any extra text. */
static const char *log_study_y(const char *scale, const char *y_scale, const char *type,
                               const char *extra)
{
    char text[2048];
    snprintf(text, sizeof text,
             "[study]\nname = \"creep\"\nseed = 5\n[data]\nfile = \"log.csv\"\n"
             "[[factor]]\nname = \"rate\"\nunit = \"1/s\"\nmin = 0.001\nmax = 10\n%s"
             "[[factor]]\nname = \"load\"\nunit = \"N\"\nmin = 100\nmax = 1000\n"
             "[[response]]\nname = \"y\"\n%s[[response]]\nname = \"valley\"\n"
             "[model]\ntype = \"%s\"\nhidden = [6]\nensemble = 2\n[train]\nepochs = 400\n"
             "[report]\nfile = \"creep.xlsx\"\n%s",
             scale ? scale : "", y_scale ? y_scale : "", type, extra ? extra : "");
    return put("creep.toml", text);
}

static const char *log_study(const char *scale, const char *type, const char *extra)
{
    return log_study_y(scale, NULL, type, extra);
}

/* ---- recognising runs spaced by ratios ------------------------------------------- */

static bool spaced(const double *x, size_t n, double *decades)
{
    double work[64];
    return sg_scale_log_spaced(x, n, 1, work, decades);
}

Test(log_scale, runs_spaced_by_ratios_are_recognised)
{
    double d;
    const double decades_apart[] = {0.001, 0.01, 0.1, 1, 10, 10, 1, 0.1, 0.01, 0.001};
    cr_expect(spaced(decades_apart, 10, &d));
    cr_expect_float_eq(d, 4.0, 1e-12);
    const double linear_levels[] = {1, 500.5, 1000, 1, 500.5, 1000, 1, 500.5, 1000};
    cr_expect_not(spaced(linear_levels, 9, &d), "three evenly spaced levels stay linear");
    cr_expect_float_eq(d, 3.0, 1e-12);
    const double under_a_decade[] = {100, 200, 400, 800};
    cr_expect_not(spaced(under_a_decade, 4, &d), "a span under a decade stays linear");
    const double two_settings[] = {0.01, 1, 0.01, 1};
    cr_expect_not(spaced(two_settings, 4, &d), "two settings cannot tell: linear");
    const double with_zero[] = {0, 1, 10, 100};
    cr_expect_not(spaced(with_zero, 4, &d));
    cr_expect_eq(d, 0.0);
    double uniform[20], geometric[20];
    for (int i = 0; i < 20; i++) {
        uniform[i] = 1.0 + 999.0 * (i + 0.5) / 20.0;
        geometric[i] = pow(10.0, 3.0 * (i + 0.5) / 20.0);
    }
    cr_expect_not(spaced(uniform, 20, &d), "a Latin hypercube over 1 .. 1000 is linear");
    cr_expect(spaced(geometric, 20, &d), "the same spread over the decades is not");
}

/* ---- the model's input and gradient ----------------------------------------------- */

static sg_model *fit_model_as(sg_model_type type, bool log_y)
{
    double X[N_RUNS * 2], Y[N_RUNS];
    for (int i = 0; i < N_RUNS; i++) {
        run_settings(i, &X[2 * i], &X[2 * i + 1]);
        Y[i] = response_of(X[2 * i], X[2 * i + 1]);
    }
    sg_model_spec s = sg_model_spec_defaults();
    s.type = type;
    s.n_hidden = 1;
    s.hidden[0] = 6;
    s.ensemble = 2;
    s.train.epochs = 400;
    s.log_scale[0] = true;
    s.log_y[0] = log_y;
    const char *names[1] = {"y"};
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&s, 2, 1, X, Y, N_RUNS, names, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    cr_assert_eq(sg_model_set_factor(m, 0, "rate", "1/s", 0.001, 10, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_model_set_factor(m, 1, "load", "N", 100, 1000, &err), SG_OK, "%s", err.msg);
    return m;
}

static sg_model *fit_model(sg_model_type type)
{
    return fit_model_as(type, false);
}

/* d y / d rate carries d log10(rate) / d rate = 1 / (rate ln 10) (and,
 * with the response on a log scale too, d 10^u = 10^u ln 10 du): against
 * central differences at three rates decades apart, for both model types. */
Test(log_scale, gradient_matches_finite_differences)
{
    for (int type = 0; type < 4; type++) { /* network, kriging; then with y on a log scale */
        sg_model *m = fit_model_as(type % 2 ? SG_MODEL_GP : SG_MODEL_MLP, type >= 2);
        sg_model_work *w = NULL;
        sg_error err;
        cr_assert_eq(sg_model_work_create(m, &w, &err), SG_OK);
        const double rates[] = {0.002, 0.05, 3.0};
        for (int p = 0; p < 3; p++) {
            double x[2] = {rates[p], 550}, g[2], mu;
            sg_model_gradient(m, w, x, 0, &mu, g);
            for (int i = 0; i < 2; i++) {
                double h = 1e-5 * x[i], xp[2] = {x[0], x[1]}, xm[2] = {x[0], x[1]}, yp, ym, s;
                xp[i] += h;
                xm[i] -= h;
                sg_model_predict(m, w, xp, &yp, &s);
                sg_model_predict(m, w, xm, &ym, &s);
                double fd = (yp - ym) / (2 * h);
                cr_expect(fabs(g[i] - fd) <= 1e-5 * fmax(1.0, fabs(fd)),
                          "type %d, rate %g, factor %d: gradient %.10g, differences %.10g", type,
                          rates[p], i, g[i], fd);
            }
        }
        /* the slope in rate is the table's 200 / (rate ln 10), near enough */
        double x[2] = {0.05, 550}, g[2];
        sg_model_gradient(m, w, x, 0, NULL, g);
        double want = 200.0 / (0.05 * log(10.0));
        cr_expect(fabs(g[0] - want) < 0.15 * want, "type %d: slope %g, the table's %g", type,
                  g[0], want);
        sg_model_work_destroy(w);
        sg_model_destroy(m);
    }
}

/* The model file says "scale": "log" and a reload predicts bit for bit; a
 * file with another scale or with a log-scale factor's min at 0 is refused. */
Test(log_scale, model_file_keeps_the_scale)
{
    sg_model *m = fit_model(SG_MODEL_MLP);
    sg_error err;
    const char *path = tmp_path("m.json");
    cr_assert_eq(sg_model_save(m, path, &err), SG_OK, "%s", err.msg);
    static char text[1 << 20];
    slurp(path, text, sizeof text);
    const char *sc = strstr(text, "\"scale\"");
    cr_expect(sc && strncmp(sc + strspn(sc + 7, ": \t") + 7, "\"log\"", 5) == 0,
              "no scale in the file");
    sg_model *l = NULL;
    cr_assert_eq(sg_model_load(path, &l, &err), SG_OK, "%s", err.msg);
    cr_expect(sg_model_factor_is_log(l, 0));
    cr_expect_not(sg_model_factor_is_log(l, 1));
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, &err), SG_OK);
    for (double r = 0.001; r <= 10; r *= 3.7) {
        double x[2] = {r, 420}, a, b, s;
        sg_model_predict(m, w, x, &a, &s);
        sg_model_predict(l, w, x, &b, &s);
        cr_expect_eq(a, b, "rate %g: %.17g against %.17g", r, a, b);
    }
    sg_model_work_destroy(w);
    sg_model_destroy(l);
    sg_model_destroy(m);

    char *p = strstr(text, "\"scale\"");
    cr_assert_not_null(p);
    char *v = strstr(p, "log");
    memcpy(v, "lug", 3);
    cr_expect_neq(sg_model_from_json(text, strlen(text), "m.json", &l, &err), SG_OK);
    cr_expect(strstr(err.msg, "unknown factor scale \"lug\""), "%s", err.msg);
    memcpy(v, "log", 3);
    char *mn = strstr(text, "\"min\"");
    cr_assert_not_null(mn);
    char *num = mn + strcspn(mn, "0123456789-");
    size_t len = strspn(num, "0123456789.e-");
    memset(num, ' ', len);
    num[0] = '0';
    cr_expect_neq(sg_model_from_json(text, strlen(text), "m.json", &l, &err), SG_OK);
    cr_expect(strstr(err.msg, "log scale") && strstr(err.msg, "above 0"), "%s", err.msg);
}

/* ---- fit, predict and optimize through the command line ---------------------------- */

/* RMSE of `predict` with model on the n points P (n, 2) of the factors
 * named in header ("a,b"), against truth (n), the first response being
 * the third column of its output; *smallest (NULL: not wanted) its
 * smallest prediction. */
static double predict_rmse(const char *model, const char *header, const double *P,
                           const double *truth, int n, double *smallest)
{
    char text[4096];
    size_t u = (size_t)snprintf(text, sizeof text, "%s\n", header);
    for (int k = 0; k < n; k++)
        u += (size_t)snprintf(text + u, sizeof text - u, "%.9g,%.9g\n", P[2 * k], P[2 * k + 1]);
    const char *line = strchr(predict_points(model, text), '\n') + 1;
    double s = 0, low = INFINITY;
    for (int k = 0; k < n; k++) {
        double v = strtod(strchr(strchr(line, ',') + 1, ',') + 1, NULL);
        low = fmin(low, v);
        s += (v - truth[k]) * (v - truth[k]);
        line = strchr(line, '\n') + 1;
    }
    if (smallest)
        *smallest = low;
    return sqrt(s / n);
}

/* RMSE of predict on 40 points spread over the decades of rate. */
static double rmse_over_decades(const char *model)
{
    double P[80], truth[40];
    for (int k = 0; k < 40; k++) {
        P[2 * k] = pow(10.0, -3.0 + 4.0 * fmod(0.618034 * k + 0.3, 1.0));
        P[2 * k + 1] = 100.0 + 900.0 * fmod(0.7548777 * k + 0.1, 1.0);
        truth[k] = response_of(P[2 * k], P[2 * k + 1]);
    }
    return predict_rmse(model, "rate,load", P, truth, 40, NULL);
}

static cJSON *factor_scale(cJSON *fit, int i)
{
    cJSON *a = cJSON_GetObjectItemCaseSensitive(fit, "factor_scales");
    cr_assert(cJSON_IsArray(a), "no factor_scales");
    return cJSON_GetArrayItem(a, i);
}

static const char *str_of(cJSON *o, const char *key)
{
    cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsString(x), "no string %s", key);
    return x->valuestring;
}

/* By default fit sees that the rates are spaced by ratios, says so, and the
 * kriging model on log10(rate) predicts between the runs far better than on
 * the rate itself (scale = "linear"). */
Test(log_scale, auto_takes_the_log_and_predicts_far_better, .timeout = 300)
{
    log_csv(0);
    result *r = run("fit", "--json", log_study(NULL, "gp", NULL), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_out(r);
    cJSON *fit = cJSON_GetObjectItemCaseSensitive(j, "fit");
    cr_assert_not_null(fit);
    cr_expect_str_eq(str_of(factor_scale(fit, 0), "scale"), "log");
    cr_expect_str_eq(str_of(factor_scale(fit, 0), "chosen_by"), "auto");
    cr_expect(strstr(str_of(factor_scale(fit, 0), "note"), "span 3.8 decades"));
    cr_expect_str_eq(str_of(factor_scale(fit, 1), "scale"), "linear");
    cJSON_Delete(j);
    double auto_rmse = rmse_over_decades(tpath(2, "creep.model.json"));

    r = run("fit", log_study(NULL, "gp", NULL), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "NOTE: factor rate is modelled on a log scale"), "%s", r->out);

    r = run("fit", "--json", log_study("scale = \"linear\"\n", "gp", NULL), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    j = parse_out(r);
    fit = cJSON_GetObjectItemCaseSensitive(j, "fit");
    cr_expect_str_eq(str_of(factor_scale(fit, 0), "scale"), "linear");
    cr_expect_str_eq(str_of(factor_scale(fit, 0), "chosen_by"), "study");
    cJSON_Delete(j);
    double linear_rmse = rmse_over_decades(tpath(2, "creep.model.json"));
    cr_expect(auto_rmse < 0.05 * linear_rmse, "log %g against linear %g", auto_rmse,
              linear_rmse);
    cr_expect(auto_rmse < 2.0, "log scale: RMSE %g over a range of 1250", auto_rmse);
}

/* The "interval" of fit --json's first response (owned by doc), or NULL. */
static cJSON *first_interval(cJSON *doc)
{
    cJSON *resp = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "fit"),
                                         "responses"),
        0);
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(resp, "cv"),
                                            "interval");
}

/* The network's interval follows the window as the model sees it (spread
 * over the decades).  Sized over the rate itself, the log-scale model's
 * half-width was about 800 times its error at points spread over the
 * decades; over the decades it is some 15 times with this small network
 * (its held-out errors at the ends of the range are extrapolations). */
Test(log_scale, network_interval_is_sized_on_the_decades, .timeout = 300)
{
    log_csv(0);
    result *r = run("fit", "--json", log_study(NULL, "mlp", NULL), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_out(r);
    cJSON *iv = first_interval(j);
    cr_assert_not_null(iv, "%.400s", r->out);
    double hw = cJSON_GetObjectItemCaseSensitive(iv, "half_width")->valuedouble;
    cJSON_Delete(j);
    double err = rmse_over_decades(tpath(2, "creep.model.json"));
    cr_expect(hw < 25 * err && hw > err, "half-width %g, true RMSE %g", hw, err);
}

/* [optimize] searches rate over its decades: its starts are spread over
 * them, and the valley at rate 0.01 (three decades below the top of the
 * range) is found to 2 %. */
Test(log_scale, optimize_searches_over_the_decades, .timeout = 300)
{
    log_csv(0);
    const char *st = log_study(NULL, "gp", "[optimize]\nresponse = \"valley\"\n"
                                           "sense = \"minimize\"\nstarts = 8\n");
    result *r = run("fit", st, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    r = run("optimize", "--json", st, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_out(r);
    cJSON *best = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(j, "optimize"), "optimum");
    cJSON *x = cJSON_GetObjectItemCaseSensitive(best, "settings");
    cr_assert_not_null(x, "%.600s", r->out);
    double rate = cJSON_GetObjectItemCaseSensitive(x, "rate")->valuedouble;
    cr_expect(fabs(rate / 0.01 - 1) < 0.02, "rate %g, want 0.01", rate);
    /* the starts are spread over the decades: half below 0.1 (over the rate
     * itself, one in a hundred would be) */
    cJSON *starts = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "optimize"),
                                                     "starts");
    int n = cJSON_GetArraySize(starts), low = 0;
    cr_assert_eq(n, 8);
    for (int k = 0; k < n; k++) {
        cJSON *at = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(starts, k), "start");
        low += cJSON_GetObjectItemCaseSensitive(at, "rate")->valuedouble < 0.1;
    }
    cr_expect(low >= 3 && low <= 5, "%d of 8 starts below rate 0.1", low);
    cJSON_Delete(j);
}

/* Recalculated by LibreOffice, the Calculator's LOG10 inputs and POWER(10,
 * ...) outputs (y on a log scale too) give what surrogate computes on every
 * check row; the Model sheet names the factor and the response; the
 * Response surface grids the rate over its decades. */
Test(log_scale, calculator_takes_log10_of_the_rate, .timeout = 300)
{
    log_csv(0);
    const char *st = log_study_y(NULL, "scale = \"log\"\n", "mlp",
                                 "[optimize]\nresponse = \"y\"\nsense = \"minimize\"\n"
                                 "starts = 4\n");
    result *r = run("run", st, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    /* a continuous rate: the summary does not claim an orthogonal-array analysis */
    cr_expect(strstr(r->out, "  analyze      statistics, correlation, quadratic regression; no "
                             "main effects or ANOVA: "
                             "factor 'rate' is not set at a few discrete levels\n"),
              "%s", r->out);
    recalculate_to_csv("creep.xlsx");
    static char csv[1 << 18];
    slurp(tpath(1, "csv/creep-Calculator.csv"), csv, sizeof csv);
    cr_expect(strstr(csv, "log10(rate)"), "the input is named log10(rate)");
    cr_expect(strstr(csv, "log10(y)"), "the output is named log10(y)");
    static char model[1 << 16];
    slurp(tpath(1, "csv/creep-Model.csv"), model, sizeof model);
    cr_expect(strstr(model, "Log-scale factors,rate: the models' input is log10"), "%.600s",
              model);
    cr_expect(strstr(model, "Log-scale responses,y: the models fit log10"), "%.600s", model);
    /* the response surface grids rate over its decades: 0.1 is its middle row */
    static char surf[1 << 16];
    slurp(tpath(1, "csv/creep-Response surface.csv"), surf, sizeof surf);
    cr_expect(strstr(surf, "\n\"0.1\",") && strstr(surf, "\n\"0.001\",") &&
                  strstr(surf, "\n\"0.00251188643150958\",") && !strstr(surf, "\n\"5.0"),
              "%.1500s", surf);
    const char *h = strstr(csv, "\nData row,");
    cr_assert_not_null(h, "%.900s", csv);
    int rows = 0;
    for (const char *line = strchr(h + 1, '\n') + 1; strncmp(line, "Largest", 7) != 0;
         line = strchr(line, '\n') + 1) {
        double v[8];
        int n = 0;
        const char *c = line;
        for (int field = 0; field < 9 && c; field++) {
            const char *q = c[0] == '"' ? c + 1 : c;
            if (field >= 3 && n < 8)
                v[n++] = strtod(q, NULL);
            c = strchr(c, ',');
            c = c ? c + 1 : NULL;
        }
        cr_assert_geq(n, 5, "%.200s", line);
        cr_expect(fabs(v[0] - v[1]) <= 1e-9 * fabs(v[1]), "y %.12g against %.12g", v[0], v[1]);
        rows++;
    }
    cr_expect_geq(rows, 3);
}

/* ---- bad input -------------------------------------------------------------------- */

Test(log_scale, bad_input_names_the_place)
{
    log_csv(0);
    result *r = run("fit", log_study("scale = \"cubic\"\n", "gp", NULL), NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "creep.toml:11") && strstr(r->err, "scale \"cubic\""), "%s",
              r->err);
    put("creep.toml", "[study]\nname = \"c\"\n[data]\nfile = \"log.csv\"\n"
                      "[[factor]]\nname = \"rate\"\nmin = 0\nmax = 10\nscale = \"log\"\n"
                      "[[factor]]\nname = \"load\"\nmin = 100\nmax = 1000\n"
                      "[[response]]\nname = \"y\"\n");
    r = run("fit", tpath(0, "creep.toml"), NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "creep.toml:9") && strstr(r->err, "min = 0"), "%s", r->err);
    put("creep.toml", "[study]\nname = \"c\"\n[data]\nfile = \"log.csv\"\n"
                      "[[factor]]\nname = \"alloy\"\nlevels = [\"a\", \"b\"]\nscale = \"log\"\n"
                      "[[response]]\nname = \"y\"\n");
    r = run("check", tpath(0, "creep.toml"), NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "'scale' does not apply to the category factor"), "%s", r->err);

    /* a run at rate 0 with scale = "log": the file's line and column, nothing written */
    log_csv(4);
    r = run("fit", log_study("scale = \"log\"\n", "gp", NULL), NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "log.csv:5: column 'rate' holds 0"), "%s", r->err);
    cr_expect(access(tmp_path("creep.model.json"), F_OK) != 0, "no model file is written");

    /* predict refuses a rate of 0 for a log-scale model, naming the line */
    log_csv(0);
    r = run("fit", log_study(NULL, "gp", NULL), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    put("bad.csv", "rate,load\n0.5,300\n0,400\n");
    r = run("predict", "-q", "-i", tpath(0, "bad.csv"), "-o", tpath(1, "o.csv"),
            tpath(2, "creep.model.json"), NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "bad.csv:3") && strstr(r->err, "above 0"), "%s", r->err);
    cr_expect(access(tmp_path("o.csv"), F_OK) != 0, "no predictions file is written");
}

/* ---- responses on a log scale ------------------------------------------------------ */

/* A creep life: exp(30 - 0.05 stress - 0.03 temperature), 0.09 to 600 h
 * over the window: almost four decades. */
static double life_of(double stress, double temp)
{
    return exp(30.0 - 0.05 * stress - 0.03 * temp);
}

static void life_settings(int i, double *stress, double *temp)
{
    *stress = 250.0 + 100.0 * (((7 * i + 2) % 25) + 0.5) / 25.0;
    *temp = 347.0 + 155.0 * (((11 * i + 4) % 25) + 0.5) / 25.0;
}

/* The table; row (1-based, 0 for none) holds factor times its life. */
static void life_csv_with(int row, double factor)
{
    char text[4096];
    size_t u = (size_t)snprintf(text, sizeof text, "stress,temp,life\n");
    for (int i = 0; i < 25; i++) {
        double s, t;
        life_settings(i, &s, &t);
        u += (size_t)snprintf(text + u, sizeof text - u, "%.9g,%.9g,%.9g\n", s, t,
                              (i + 1 == row ? factor : 1.0) * life_of(s, t));
    }
    put("life.csv", text);
}

/* The table; bad_row (1-based, 0 for none) holds a life of 0. */
static void life_csv(int bad_row)
{
    life_csv_with(bad_row, 0.0);
}

/* The life study; model_keys (may be "") go into its [model] table. */
static const char *life_study_with(const char *scale, const char *type, const char *model_keys)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[study]\nname = \"life\"\nseed = 5\n[data]\nfile = \"life.csv\"\n"
             "[[factor]]\nname = \"stress\"\nunit = \"MPa\"\nmin = 250\nmax = 350\n"
             "[[factor]]\nname = \"temp\"\nunit = \"C\"\nmin = 347\nmax = 502\n"
             "[[response]]\nname = \"life\"\nunit = \"h\"\n%s"
             "[model]\ntype = \"%s\"\nhidden = [6]\nensemble = 2\n%s[train]\nepochs = 400\n"
             "[report]\nfile = \"life.xlsx\"\n",
             scale ? scale : "", type, model_keys);
    return put("life.toml", text);
}

static const char *life_study(const char *scale, const char *type)
{
    return life_study_with(scale, type, "");
}

/* RMSE of predict on 60 points of the window, and the smallest prediction. */
static double life_rmse(double *smallest)
{
    double P[120], truth[60];
    for (int k = 0; k < 60; k++) {
        P[2 * k] = 250.0 + 100.0 * fmod(0.618034 * k + 0.2, 1.0);
        P[2 * k + 1] = 347.0 + 155.0 * fmod(0.7548777 * k + 0.6, 1.0);
        truth[k] = life_of(P[2 * k], P[2 * k + 1]);
    }
    return predict_rmse(tpath(2, "life.model.json"), "stress,temp", P, truth, 60, smallest);
}

/* A life over three decades (0.4 to 440 h in the runs): fitted on its log
 * (scale = "log") kriging's error between the runs is over 50 times smaller
 * than fitted as it is, every prediction is above 0, and the note that
 * pointed at the remedy is gone; the network, whose linear trend then
 * holds the law, comes out exact (its error 1e-4 of the linear fit's). */
Test(log_scale, a_life_over_decades_is_fitted_on_its_log, .timeout = 300)
{
    life_csv(0);
    result *r = run("fit", life_study(NULL, "gp"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "life spans 3.1 decades") && strstr(r->out, "scale = \"log\""),
              "%s", r->out);
    double low_linear, linear = life_rmse(&low_linear);
    r = run("fit", life_study("scale = \"log\"\n", "gp"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_null(strstr(r->out, "spans 3.1 decades"), "%s", r->out);
    double low, logged = life_rmse(&low);
    cr_expect(logged < 0.02 * linear, "log %g against linear %g", logged, linear);
    cr_expect(low > 0, "smallest prediction %g", low);
    static char text[1 << 18];
    slurp(tpath(0, "life.model.json"), text, sizeof text);
    const char *resp = strstr(text, "\"responses\"");
    cr_assert_not_null(resp);
    cr_expect(strstr(resp, "\"scale\""), "the model file records the response's scale");
    /* the network too: several times closer */
    r = run("fit", life_study(NULL, "mlp"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    linear = life_rmse(&low_linear);
    r = run("fit", life_study("scale = \"log\"\n", "mlp"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    /* log10 of the life is linear in the factors: the network's linear
     * trend holds it, as the quadratic on log10 does, so neither kriging
     * (whose error between the runs the disagreement is) nor the quadratic
     * is called better, and the workbook does not call the model worse */
    cr_expect(strstr(r->out, "life kept (0 to rounding, "), "%s", r->out);
    cr_expect_null(strstr(r->out, "kriging is clearly better than the network"), "%s", r->out);
    cr_expect_null(strstr(r->out, "the model's cross-validated rms error in log10"), "%s",
                   r->out);
    {
        static char strings[1 << 18];
        char unz[700];
        snprintf(unz, sizeof unz, "unzip -p '%s' xl/sharedStrings.xml > '%s'",
                 tpath(0, "life.xlsx"), tpath(1, "ss.xml"));
        cr_assert_eq(system(unz), 0);
        slurp(tpath(1, "ss.xml"), strings, sizeof strings);
        cr_expect_null(strstr(strings, "model worse than the quadratic baseline"), "verdict");
    }
    logged = life_rmse(&low);
    cr_expect(logged < 1e-4 * linear, "network: log %g against linear %g", logged, linear);
    cr_expect(low > 0, "network: smallest prediction %g", low);
}

/* A life whose one run holds a simulator's residue of zero (1e-17 times
 * its value): the response reaches zero, and the note does not advise its
 * logarithm (which would model the residue); a life of a few seconds
 * (1e-4 times) is a real value, and the note stays. */
Test(log_scale, a_zero_left_by_rounding_is_not_decades, .timeout = 300)
{
    life_csv_with(3, 1e-17);
    result *r = run("fit", life_study(NULL, "gp"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_null(strstr(r->out, "decades"), "%s", r->out);
    life_csv_with(3, 1e-4);
    r = run("fit", life_study(NULL, "gp"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "life spans 5.1 decades"), "%s", r->out);
}

Test(log_scale, response_scale_errors_name_the_place)
{
    life_csv(0);
    result *r = run("fit", life_study("scale = \"ln\"\n", "gp"), NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "life.toml:19") && strstr(r->err, "scale \"ln\" of response"),
              "%s", r->err);
    r = run("fit", life_study("scale = \"log\"\nlower_limit = -1\n", "gp"), NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "lower_limit = -1"), "%s", r->err);
    r = run("fit", life_study("type = \"binary\"\nscale = \"log\"\n", "mlp"), NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "applies to a numeric response"), "%s", r->err);
    life_csv(7);
    r = run("fit", life_study("scale = \"log\"\n", "gp"), NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "life.csv:8: column 'life' holds 0"), "%s", r->err);
    cr_expect(access(tmp_path("life.model.json"), F_OK) != 0, "no model file is written");
    /* check says so before any fit, by line */
    r = run("check", tpath(0, "life.toml"), NULL);
    cr_expect(strstr(r->out, "response 'life' has scale = \"log\", which needs values above 0: "
                             "1 value at or below 0 (line 8)"),
              "%s%s", r->out, r->err);
}

/* ---- the interval of a log-scale response ------------------------------------------ */

/* Column `name` of the header line of csv (0-based), -1 when absent. */
static int column_of(const char *csv, const char *name)
{
    int col = 0;
    size_t n = strlen(name);
    for (const char *c = csv; *c && *c != '\n'; col++) {
        const char *q = *c == '"' ? c + 1 : c;
        if (strncmp(q, name, n) == 0 && (q[n] == ',' || q[n] == '"' || q[n] == '\n'))
            return col;
        c = strpbrk(c, ",\n");
        if (!c || *c == '\n')
            break;
        c++;
    }
    return -1;
}

/* A life over three decades fitted on its log has an interval in
 * proportion to the value: predict, fit --json, optimize and the
 * Calculator give mean / f .. mean * f with one factor f.  Over 60 points
 * of the window it covers at least 90 % of the true lives, and at the
 * shortest life it is far narrower than at the longest (one half-width in
 * hours, as before, was the same at 0.4 h and at 440 h). */
Test(log_scale, a_log_response_has_an_interval_in_proportion, .timeout = 300)
{
    life_csv(0);
    char st[1024]; /* put() reuses its path buffer */
    /* without the linear trend, which holds this law exactly (the
     * interval would be x/ 1.00000001): an interval wide enough to see */
    snprintf(st, sizeof st, "%s",
             life_study_with("scale = \"log\"\n[optimize]\nresponse = \"life\"\n"
                             "sense = \"maximize\"\nstarts = 4\n",
                             "mlp", "trend = false\n"));
    result *r = run("fit", "--json", st, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_out(r);
    cJSON *iv = first_interval(j);
    cr_assert_not_null(iv, "%.400s", r->out);
    cr_expect_str_eq(str_of(iv, "scale"), "log");
    double hw = cJSON_GetObjectItemCaseSensitive(iv, "half_width")->valuedouble;
    double f = cJSON_GetObjectItemCaseSensitive(iv, "factor")->valuedouble;
    cJSON_Delete(j);
    cr_expect(fabs(f - pow(10.0, hw)) < 1e-12 * f, "factor %g, half-width %g decades", f, hw);
    cr_expect(f > 1.001 && f < 1.5, "factor %g", f);
    cr_expect(strstr(r->out, "\"factor\""), "fit --json names the factor");

    /* predict over the window */
    char text[4096];
    size_t u = (size_t)snprintf(text, sizeof text, "stress,temp\n");
    double truth[60];
    for (int k = 0; k < 60; k++) {
        double s = 250.0 + 100.0 * fmod(0.618034 * k + 0.2, 1.0);
        double t = 347.0 + 155.0 * fmod(0.7548777 * k + 0.6, 1.0);
        truth[k] = life_of(s, t);
        u += (size_t)snprintf(text + u, sizeof text - u, "%.9g,%.9g\n", s, t);
    }
    const char *csv = predict_points(tpath(2, "life.model.json"), text);
    int cm = column_of(csv, "life"), cl = column_of(csv, "life_lower"),
        ch = column_of(csv, "life_upper");
    cr_assert(cm >= 0 && cl >= 0 && ch >= 0, "%.300s", csv);
    const char *line = strchr(csv, '\n') + 1;
    int covered = 0;
    double w_short = 0, w_long = 0, t_short = INFINITY, t_long = 0;
    for (int k = 0; k < 60; k++, line = strchr(line, '\n') + 1) {
        double m = csv_field(line, cm), lo = csv_field(line, cl), hi = csv_field(line, ch);
        cr_expect(fabs(hi / m - f) < 1e-9 * f && fabs(m / lo - f) < 1e-9 * f,
                  "point %d: %g .. %g around %g, factor %g", k, lo, hi, m, f);
        covered += lo <= truth[k] && truth[k] <= hi;
        if (truth[k] < t_short) {
            t_short = truth[k];
            w_short = hi - lo;
        }
        if (truth[k] > t_long) {
            t_long = truth[k];
            w_long = hi - lo;
        }
    }
    cr_expect_geq(covered, 54, "%d of 60 true lives covered", covered);
    cr_expect(w_short < 0.01 * w_long, "width %g h at %g h, %g h at %g h", w_short, t_short,
              w_long, t_long);

    /* optimize: the optimum's interval is the same factor around its mean */
    r = run("optimize", "--json", st, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    j = parse_out(r);
    cJSON *best = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(j, "optimize"), "optimum");
    cJSON *pred = cJSON_GetObjectItemCaseSensitive(best, "predicted");
    cJSON *life = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(best, "interval"), "life");
    cr_assert(pred && life, "%.900s", r->out);
    cJSON *pl = cJSON_GetObjectItemCaseSensitive(pred, "life");
    double m = cJSON_IsObject(pl) ? cJSON_GetObjectItemCaseSensitive(pl, "mean")->valuedouble
                                  : pl->valuedouble;
    double lo = cJSON_GetObjectItemCaseSensitive(life, "lower")->valuedouble;
    double hi = cJSON_GetObjectItemCaseSensitive(life, "upper")->valuedouble;
    cr_expect(fabs(hi / m - f) < 1e-9 * f && fabs(m / lo - f) < 1e-9 * f,
              "optimum %g .. %g around %g, factor %g", lo, hi, m, f);
    cJSON_Delete(j);

    /* a constraint on it moves its bound by a factor: life <= 100 holds
     * with 95 % confidence at 100 / 10^(h z95 / z97.5) */
    char cst[1200];
    snprintf(cst, sizeof cst, "%s",
             life_study_with("scale = \"log\"\n[optimize]\nresponse = \"life\"\n"
                             "sense = \"maximize\"\nstarts = 4\n"
                             "constraints = [\"life <= 100\"]\n",
                             "mlp", "trend = false\n"));
    r = run("optimize", "--json", cst, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    j = parse_out(r);
    best = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "optimize"),
                                            "optimum");
    cJSON *con = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(best, "constraints"), 0);
    cr_assert_not_null(con, "%.900s", r->out);
    double margin = cJSON_GetObjectItemCaseSensitive(con, "safety_margin")->valuedouble;
    double want = 100.0 * (1.0 - pow(10.0, -hw * 1.6448536269514722 / 1.959963984540054));
    cr_expect(fabs(margin - want) < 1e-6 * want, "margin %g h, want %g h", margin, want);
    pl = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(best, "predicted"),
                                          "life");
    m = cJSON_IsObject(pl) ? cJSON_GetObjectItemCaseSensitive(pl, "mean")->valuedouble
                           : pl->valuedouble;
    cr_expect(m <= 100.0 - want + 1e-3 && m > 100.0 - 1.5 * want, "optimum life %g h", m);
    cJSON_Delete(j);
    /* the decision summary gives it to a digit beyond the interval's (the
     * data carry nine digits) */
    r = run("run", cst, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    const char *said = strstr(r->out, "constraint life <= 100: predicted ");
    cr_assert_not_null(said, "%s", r->out);
    said += strlen("constraint life <= 100: predicted ");
    const char *dot = strchr(said, '.'), *end = strchr(said, ' ');
    cr_expect(dot && end && end - dot - 1 <= 3, "%.80s", said);

    /* a model file whose interval is not on the response's scale (written
     * before intervals of log-scale responses were in decades) is refused */
    static char model[1 << 18];
    slurp(tpath(0, "life.model.json"), model, sizeof model);
    char *cal = strstr(model, "\"calibration\"");
    cr_assert_not_null(cal);
    char *sc = strstr(cal, "\"scale\":\t\"log\"");
    cr_assert_not_null(sc, "%.300s", cal);
    char *v = sc + strlen("\"scale\":\t\""); /* log" -> linear" */
    memmove(v + 6, v + 3, strlen(v + 3) + 1);
    memcpy(v, "linear", 6);
    put("old.model.json", model);
    r = run("predict", "-a", "stress=300,temp=400", tpath(0, "old.model.json"), NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "old.model.json:") && strstr(r->err, "fit again"), "%s", r->err);

    /* the Calculator's interval: mean / 10^h and mean * 10^h, recalculated */
    recalculate_to_csv("life.xlsx");
    static char calc[1 << 18];
    slurp(tpath(1, "csv/life-Calculator.csv"), calc, sizeof calc);
    const char *row = strstr(calc, "\nlife,");
    if (!row)
        row = strstr(calc, "\n\"life\",");
    cr_assert_not_null(row, "%.900s", calc);
    row++;
    double cmean = csv_field(row, 2), clo = csv_field(row, 4), chi = csv_field(row, 5);
    cr_expect(fabs(chi / cmean - f) < 1e-9 * f && fabs(cmean / clo - f) < 1e-9 * f,
              "Calculator %g .. %g around %g, factor %g", clo, chi, cmean, f);
}

/* ---- type = "auto" compares the two models on the response's scale ------------- */

/* A fatigue life, cycles (Basquin with Goodman's mean-stress correction):
 * stress amplitude (MPa), mean stress (MPa), surface factor. */
static double fatigue_of(const double *x)
{
    double sa = x[0] / (x[2] * (1.0 - x[1] / 900.0));
    return 0.5 * pow(sa / 1200.0, 1.0 / -0.09);
}

/* log10 RMSE of the model file at 200 seeded points of the window. */
static double fatigue_log_rmse(const char *model)
{
    static double P[600], truth[200];
    char text[16384];
    size_t u = (size_t)snprintf(text, sizeof text, "amp,mean,surf\n");
    for (int k = 0; k < 200; k++) {
        double *x = P + 3 * k;
        x[0] = 150.0 + 250.0 * fmod(0.618034 * k + 0.1, 1.0);
        x[1] = 300.0 * fmod(0.7548777 * k + 0.3, 1.0);
        x[2] = 0.7 + 0.3 * fmod(0.5698403 * k + 0.7, 1.0);
        truth[k] = fatigue_of(x);
        u += (size_t)snprintf(text + u, sizeof text - u, "%.9g,%.9g,%.9g\n", x[0], x[1], x[2]);
    }
    const char *csv = predict_points(model, text);
    int col = column_of(csv, "life");
    cr_assert_geq(col, 0, "%.200s", csv);
    const char *line = strchr(csv, '\n') + 1;
    double ss = 0;
    for (int k = 0; k < 200; k++, line = strchr(line, '\n') + 1)
        ss += pow(log10(csv_field(line, col) / truth[k]), 2);
    return sqrt(ss / 200);
}

/* On an L9 of a fatigue life (the accuracy benchmark's table), the network
 * is the more accurate in decades and kriging looks better in cycles (its
 * errors at the longest lives are the smaller).  The choice compares the
 * two on log10 of the life, the scale its interval and the user read it
 * on: "auto" gives the better of the two within 10 % (compared in cycles,
 * it took kriging, 1.4 times the network's error). */
Test(log_scale, auto_compares_a_log_response_in_decades, .timeout = 300)
{
    static const double amp[] = {150, 275, 400}, mean[] = {0, 150, 300}, surf[] = {0.7, 0.85, 1};
    char text[4096];
    size_t u = (size_t)snprintf(text, sizeof text, "amp,mean,surf,life\n");
    static const int l9[9][3] = {{0, 0, 0}, {0, 1, 1}, {0, 2, 2}, {1, 0, 1}, {1, 1, 2},
                                 {1, 2, 0}, {2, 0, 2}, {2, 1, 0}, {2, 2, 1}};
    for (int i = 0; i < 9; i++) {
        double x[3] = {amp[l9[i][0]], mean[l9[i][1]], surf[l9[i][2]]};
        u += (size_t)snprintf(text + u, sizeof text - u, "%g,%g,%g,%.10g\n", x[0], x[1], x[2],
                              fatigue_of(x));
    }
    put("fatigue.csv", text);
    double rmse[3];
    const char *types[] = {"mlp", "gp", "auto"};
    for (int t = 0; t < 3; t++) {
        snprintf(text, sizeof text,
                 "[study]\nname = \"fatigue\"\nseed = 20261129\n[data]\nfile = \"fatigue.csv\"\n"
                 "[[factor]]\nname = \"amp\"\nmin = 150\nmax = 400\n"
                 "[[factor]]\nname = \"mean\"\nmin = 0\nmax = 300\n"
                 "[[factor]]\nname = \"surf\"\nmin = 0.7\nmax = 1\n"
                 "[[response]]\nname = \"life\"\nscale = \"log\"\n"
                 "[model]\ntype = \"%s\"\nfile = \"f.model.json\"\n"
                 "[report]\nfile = \"f.xlsx\"\n",
                 types[t]);
        result *r = run("fit", put("fatigue.toml", text), NULL);
        cr_assert_eq(r->code, 0, "%s: %s", types[t], r->err);
        rmse[t] = fatigue_log_rmse(tpath(2, "f.model.json"));
    }
    double better = fmin(rmse[0], rmse[1]);
    cr_expect(rmse[2] <= 1.1 * better, "auto %g decades; network %g, kriging %g", rmse[2],
              rmse[0], rmse[1]);
}

/* ---- suspicious runs of a log-scale response ------------------------------------ */

/* The suspicious runs of fit --json (owned by doc). */
static cJSON *suspicious_of(cJSON *doc)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "fit"),
                                            "suspicious_runs");
}

/* A run whose life is three times what it should be, at 0.54 h: in hours
 * the error (1.1 h) is below the network's error at the longest lives and
 * nothing stands out; judged in decades, as the response's interval, it is
 * 0.48 decades off where the others are within a few hundredths, and it
 * is flagged, with its interval as a factor.  The exact table has no flag. */
Test(log_scale, a_bad_short_life_is_flagged_in_decades, .timeout = 300)
{
    life_csv_with(0, 1.0);
    result *r = run("fit", "--json", life_study("scale = \"log\"\n", "mlp"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_out(r);
    cr_expect_eq(cJSON_GetArraySize(suspicious_of(j)), 0, "%.2000s", r->out);
    cJSON_Delete(j);

    life_csv_with(7, 3.0);
    r = run("fit", "--json", life_study("scale = \"log\"\n", "mlp"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    j = parse_out(r);
    cJSON *sus = suspicious_of(j);
    cr_assert_eq(cJSON_GetArraySize(sus), 1, "%.3000s", r->out);
    cJSON *o = cJSON_GetArrayItem(sus, 0);
    double s, t;
    life_settings(6, &s, &t);
    cr_expect_eq(cJSON_GetObjectItemCaseSensitive(o, "row")->valueint, 7);
    cr_expect_str_eq(str_of(o, "interval_scale"), "log");
    double obs = cJSON_GetObjectItemCaseSensitive(o, "observed")->valuedouble;
    double pred = cJSON_GetObjectItemCaseSensitive(o, "predicted")->valuedouble;
    cr_expect(fabs(obs / (3.0 * life_of(s, t)) - 1) < 1e-6, "observed %g", obs);
    cr_expect(fabs(pred / life_of(s, t) - 1) < 0.1, "predicted %g, true %g", pred,
              life_of(s, t));
    cJSON_Delete(j);
    r = run("fit", life_study("scale = \"log\"\n", "mlp"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    const char *line = strstr(r->out, "life: observed 1.609 h, cross-validated prediction 0.5");
    cr_assert_not_null(line, "%s", r->out);
    cr_expect(strstr(line, "×/÷") && strstr(line, "check this simulation"), "%.300s", line);

    /* in hours the same run does not stand out */
    r = run("fit", "--json", life_study(NULL, "mlp"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    j = parse_out(r);
    sus = suspicious_of(j);
    for (int k = 0; k < cJSON_GetArraySize(sus); k++)
        cr_expect_neq(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(sus, k), "row")->valueint,
                      7);
    cJSON_Delete(j);
}

/* The quadratic baseline reads the table as the models do: a log-scale
 * factor over its decades and a log-scale response as log10, predictions
 * back in the unit.  A rate over 3 decades and a life exactly quadratic in
 * log10(rate) and the load, in log10 of the life: the baseline's held-out
 * predictions are exact; with both read in their units it misses by far. */
Test(log_scale, quadratic_baseline_fits_the_decades, .timeout = 300)
{
    enum { N = 30 };
    double X[N * 2], Y[N];
    for (int i = 0; i < N; i++) {
        double u = -2.0 + 3.0 * fmod(i * 0.618034, 1.0);
        double load = 100.0 + 900.0 * fmod(i * 0.4142, 1.0);
        X[2 * i] = pow(10.0, u);
        X[2 * i + 1] = load;
        Y[i] = pow(10.0, 4.0 - 0.8 * u + 0.15 * u * u - 0.001 * load);
    }
    double rmse[2];
    for (int lg = 0; lg < 2; lg++) {
        sg_model_spec s = small_net_spec(4, 1);
        s.train.epochs = 50;
        s.log_scale[0] = lg;
        s.log_y[0] = lg;
        sg_cv_result *r = kfold5_cv(&s, 2, X, Y, N, true);
        cr_assert(r->resp[0].rsm_ok);
        rmse[lg] = r->resp[0].rsm.rmse;
        for (size_t i = 0; lg && i < r->n_held; i++)
            cr_expect(fabs(r->rsm_pred[i] / r->obs[i] - 1.0) < 1e-9, "row %zu: %g vs %g",
                      r->held_row[i] + 1, r->rsm_pred[i], r->obs[i]);
        /* the gate compares the two in decades, as the interval */
        sg_gate_warning w[8];
        size_t nw = sg_cv_gates(r, NULL, NULL, w, 8);
        bool worse = false;
        for (size_t g = 0; lg && g < nw; g++)
            if (w[g].kind == SG_GATE_WORSE_THAN_BASELINE) {
                worse = true;
                cr_expect(strstr(w[g].message, "rms error in log10") != NULL, "%s",
                          w[g].message);
                cr_expect_eq(w[g].value, r->resp[0].log_rmse);
                cr_expect_lt(w[g].reference, 1e-9);
            }
        cr_expect(worse || !lg, "an exact baseline beats a 50-epoch network");
        sg_cv_result_destroy(r);
    }
    cr_expect_gt(rmse[0], 1000.0 * rmse[1], "in the units %g, over the decades %g", rmse[0],
                 rmse[1]);
}

/* ---- values far below 1 ----------------------------------------------------------- */

/* The number format code of cell style s (an index into cellXfs of
 * xl/styles.xml) into code: "General" for a built-in format. */
static void style_format(const char *styles, int s, char *code, size_t cap)
{
    const char *x = strstr(styles, "<cellXfs");
    cr_assert_not_null(x);
    for (int k = 0; k <= s; k++) {
        x = strstr(x + 1, "<xf ");
        cr_assert_not_null(x);
    }
    const char *id = strstr(x, "numFmtId=\"");
    cr_assert_not_null(id);
    char want[48];
    snprintf(want, sizeof want, "<numFmt numFmtId=\"%d\" formatCode=\"", atoi(id + 10));
    const char *f = strstr(styles, want);
    if (!f) { /* built in: 0 General, 1 "0", 2 "0.00" */
        int b = atoi(id + 10);
        snprintf(code, cap, "%s", b == 1 ? "0" : b == 2 ? "0.00" : "General");
        return;
    }
    f += strlen(want);
    size_t n = (size_t)(strchr(f, '"') - f);
    snprintf(code, cap, "%.*s", (int)(n < cap ? n : cap - 1), f);
}

/* The number format code of cell ref on the sheet part into code. */
static void cell_format(const char *sheet, const char *styles, const char *ref, char *code,
                        size_t cap)
{
    char key[32];
    snprintf(key, sizeof key, "<c r=\"%s\" s=\"", ref);
    const char *c = strstr(sheet, key);
    cr_assert_not_null(c, "no cell %s", ref);
    style_format(styles, atoi(c + strlen(key)), code, cap);
}

/* Cells of the sheet part whose value (cached, for a formula) is not 0 but
 * below 1e-6 and whose format shows it in fixed decimals (no exponent, not
 * General): shown as 0.  The first one's reference into first. */
static int tiny_cells_shown_as_zero(const char *sheet, const char *styles, char *first,
                                    size_t cap)
{
    int bad = 0;
    for (const char *c = strstr(sheet, "<c r=\""); c; c = strstr(c + 1, "<c r=\"")) {
        const char *end = strstr(c, "</c>"), *v = strstr(c, "<v>"), *st = strstr(c, " s=\"");
        const char *close = strchr(c, '>');
        if (!end || !v || v > end || !st || st > close || close[-1] == '/')
            continue;
        double x = strtod(v + 3, NULL);
        if (x == 0 || fabs(x) >= 1e-6)
            continue;
        char code[64];
        style_format(styles, atoi(st + 4), code, sizeof code);
        if (strchr(code, 'E') || strcmp(code, "General") == 0 || strstr(code, "0.0001"))
            continue; /* scientific, General, or the p-value's "< 0.0001" */
        if (bad++ == 0)
            snprintf(first, cap, "%.12s (%s, %s)", c + 6, v + 3, code);
    }
    return bad;
}

/* unzip_part (cli_harness.h) of a part that must exist. */
static char *unzip_text(const char *xlsx, const char *part)
{
    int st;
    char *buf = unzip_part(xlsx, part, &st);
    cr_assert_eq(st, 0, "unzip %s", part);
    return buf;
}

/* A Kozeny-Carman permeability in m2 (7e-18 to 1e-9) on a 3^2 grid, fitted
 * in its unit: every figure is far below 1.  Found trying the product: its
 * resolution was taken as 1 m2 (every value "rounds to a whole number"), so
 * `fit` said its error was within the data's resolution and floored the
 * flagging scale above every value; the table printed 0.00000000 for every
 * error and the workbook showed the values as 0. */
static const char *perm_study(const char *k_scale)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[study]\nname = \"perm\"\nseed = 7\n[data]\nfile = \"perm.csv\"\n"
             "[[factor]]\nname = \"d\"\nunit = \"m\"\nmin = 1e-6\nmax = 1e-3\n"
             "scale = \"log\"\n[[factor]]\nname = \"e\"\nmin = 0.1\nmax = 0.4\n"
             "[[response]]\nname = \"k\"\nunit = \"m2\"\nscale = \"%s\"\ngoal = \"minimize\"\n"
             "[model]\nensemble = 2\n[report]\nfile = \"perm.xlsx\"\n",
             k_scale);
    return put("perm.toml", text);
}

/* perm.csv: the permeability on its 3^2 grid. */
static void put_perm_table(void)
{
    char text[1024];
    size_t u = (size_t)snprintf(text, sizeof text, "d,e,k\n");
    const double ds[] = {1e-6, 3.16227766e-5, 1e-3}, es[] = {0.1, 0.25, 0.4};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            u += (size_t)snprintf(text + u, sizeof text - u, "%.9g,%.9g,%.10g\n", ds[i], es[j],
                                  ds[i] * ds[i] * pow(es[j], 3) / (180 * pow(1 - es[j], 2)));
    put("perm.csv", text);
}

/* The same permeability in decades: log10 k = 2 log10 d + g(e) is additive,
 * so the quadratic (a parabola in e) reproduces every held-out run of the
 * grid to rounding, yet between e's levels it errs by 0.038 decades rms
 * (g is not a parabola), as the network does.  Between levels the two
 * predict alike; before, the plan's figures alone had `fit` warn "prefer the
 * simpler model" and note the quadratic "clearly better" (0 to rounding
 * against 0.0045). */
Test(log_scale, a_quadratic_exact_only_at_the_grid_is_not_preferred, .timeout = 300)
{
    put_perm_table();
    result *r = run("fit", perm_study("log"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    char line[512];
    cr_assert(find_line(r->out, "k [m2]", "quadratic, CV ", line, sizeof line), "%s", r->out);
    cr_expect(strstr(r->out, "quadratic, btw. levels"), "%s", r->out);
    cr_expect_null(strstr(r->out, "prefer the simpler model"), "%s", r->out);
    cr_expect_null(strstr(r->out, "quadratic response surface is clearly better"), "%s", r->out);
    /* the design note compares the errors in decades too: between the
     * porosity's levels 0.19 decades against about 0.005 at the runs (in m2,
     * where the largest permeabilities decide, 11 times) */
    const char *note = strstr(r->out, "the error between levels is ");
    cr_assert_not_null(note, "%s", r->out);
    double times = strtod(note + strlen("the error between levels is "), NULL);
    cr_expect(times > 20, "%s", r->out);
}

Test(log_scale, a_response_far_below_1_keeps_its_digits, .timeout = 300)
{
    put_perm_table();
    const char *study = perm_study("linear");
    result *r = run("fit", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_null(strstr(r->out, "0.00000000"), "%s", r->out);
    cr_expect_null(strstr(r->out, "resolution"), "%s", r->out);
    char line[512];
    cr_assert(find_line(r->out, "k [m2]", "network, CV ", line, sizeof line), "%s", r->out);
    double q2, rmse;
    cr_assert_eq(sscanf(line, "  network, CV %lf %lf", &q2, &rmse), 2, "%s", line);
    cr_expect(rmse > 1e-12 && rmse < 1e-9, "%s", line);
    cr_assert(find_line(r->out, "k [m2]", "accuracy: ", line, sizeof line), "%s", r->out);
    cr_expect(strstr(line, "of the observed range (9.877e-10)"), "%s", line);
    /* the Data sheet (the second) shows the permeabilities and diameters in
     * scientific notation, the porosities as written */
    char *sheet = unzip_text(tpath(0, "perm.xlsx"), "xl/worksheets/sheet2.xml");
    char *styles = unzip_text(tpath(0, "perm.xlsx"), "xl/styles.xml");
    char code[64];
    cell_format(sheet, styles, "D5", code, sizeof code);
    cr_expect_str_eq(code, "0.000000E+00", "k of run 1 (6.9e-18)");
    cell_format(sheet, styles, "B5", code, sizeof code);
    cr_expect_str_eq(code, "0.000000E+00", "d of run 1 (1e-6)");
    cell_format(sheet, styles, "C5", code, sizeof code);
    cr_expect_str_eq(code, "0.00", "e of run 1 (0.1)");
    free(sheet);
    free(styles);
    /* run's answer: the weak model's best known run and its interval, then
     * on the log scale the recommendation, each with its digits */
    r = run("run", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Best known: data row 1, measured 6.86e-18 m2."), "%s", r->out);
    cr_expect_null(strstr(r->out, "0.000"), "%s", r->out);
    cr_assert(find_line(r->out, "Model quality", "k ", line, sizeof line), "%s", r->out);
    cr_expect(strstr(line, "+- 4.") || strstr(line, "e-10 m2 in the window"), "%s", line);
    /* sensitivity: the range and each factor's effect with their digits */
    r = run("sensitivity", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "observed range 9.88e-10, resolution none (finer than 1e-9)"), "%s",
              r->out);
    cr_assert(find_line(r->out, "effect range\n", "d ", line, sizeof line), "%s", r->out);
    cr_expect(strstr(line, "e-10 m2"), "%s", line);
    r = run("run", perm_study("log"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "(measured 6.86e-18 m2)"), "%s", r->out);
    /* on the log scale the uncertainty is the factor the interval spans,
     * as the model quality line gives it, not a symmetric +- */
    cr_expect(strstr(r->out, "(predicted 6.86e-18 m2, uncertainty x/ 1."), "%s", r->out);
    cr_assert(find_line(r->out, "Model quality", "k ", line, sizeof line), "%s", r->out);
    const char *factor = strstr(r->out, "uncertainty x/ ");
    cr_assert_not_null(factor);
    char shown[16] = "";
    cr_assert_eq(sscanf(factor, "uncertainty x/ %15[0-9.]", shown), 1);
    cr_expect(strstr(line, "x/ ") && strstr(line, shown), "%s against %s", line, shown);
    cr_expect(strstr(r->out, "moves k by 2.") && strstr(r->out, "e-10 m2"), "%s", r->out);
    cr_expect_null(strstr(r->out, "0.000"), "%s", r->out);
    /* no sheet of its workbook shows a permeability as 0 */
    styles = unzip_text(tpath(0, "perm.xlsx"), "xl/styles.xml");
    for (int k = 1; k <= 11; k++) {
        char part[64], first[96] = "";
        snprintf(part, sizeof part, "xl/worksheets/sheet%d.xml", k);
        sheet = unzip_text(tpath(0, "perm.xlsx"), part);
        cr_expect_eq(tiny_cells_shown_as_zero(sheet, styles, first, sizeof first), 0,
                     "%s: cells shown as 0, the first %s", part, first);
        free(sheet);
    }
    free(styles);
}

/* A stress in Pa (about 5e8) on a 3^2 grid: `run`'s answer rounds each value
 * to its uncertainty (two significant digits of it, one more for the value)
 * instead of printing every integer digit and a decimal (470807706.8 Pa,
 * uncertainty +-2137902 Pa, as it did with the brazing table in Pa). */
Test(log_scale, a_response_far_above_1_is_rounded_to_its_uncertainty, .timeout = 300)
{
    char text[1024];
    size_t u = (size_t)snprintf(text, sizeof text, "a,b,s\n");
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double a = i - 1.0, b = j - 1.0;
            u += (size_t)snprintf(text + u, sizeof text - u, "%g,%g,%.0f\n", a, b,
                                  5e8 + 3e7 * a + 1e7 * b * b + 4e6 * a * b);
        }
    put("pa.csv", text);
    const char *study =
        put("pa.toml", "[study]\nname = \"pa\"\nseed = 7\n[data]\nfile = \"pa.csv\"\n"
                       "[[factor]]\nname = \"a\"\nmin = -1\nmax = 1\n"
                       "[[factor]]\nname = \"b\"\nmin = -1\nmax = 1\n"
                       "[[response]]\nname = \"s\"\nunit = \"Pa\"\ngoal = \"minimize\"\n"
                       "[model]\nensemble = 2\n[report]\nfile = \"pa.xlsx\"\n");
    result *r = run("run", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    char line[512];
    cr_assert(find_line(r->out, NULL, "Answer:", line, sizeof line), "%s", r->out);
    cr_expect(strstr(line, "e+08 Pa"), "%s", r->out);
    cr_assert(find_line(r->out, "Model quality", "s ", line, sizeof line), "%s", r->out);
    /* +- with two significant digits, the rest zeros or an exponent */
    const char *pm = strstr(line, "+- ");
    cr_assert_not_null(pm, "%s", line);
    int digits = 0;
    for (const char *c = pm + 3; *c && *c != ' ' && *c != 'e'; c++)
        digits += *c >= '1' && *c <= '9';
    cr_expect_leq(digits, 2, "%s", line);
}
