/* End-to-end tests of the model types ([model] type = "gp" / "auto"): fit
 * with the side-by-side CV figures, then predict, optimize and report on a
 * kriging model (binary in $SURROGATE_BIN, run from the project root). */
#include <gsl/gsl_errno.h>
#include <math.h>

#include "cli_harness.h"
#include "light_study.h"
#include "model/model.h"

static void setup(void)
{
    gsl_set_error_handler_off();
    harness_setup();
}

TestSuite(cli_gp, .init = setup, .fini = harness_teardown);
/* A test has a .timeout only when it needs one: with --jobs=2, Criterion's
 * runner leaked 48 bytes (LeakSanitizer, make test-sanitize) when two more
 * tests with timeouts ran beside these (session 30). */

/* The light brazing study with [model] type = `type` (NULL: not given). */
static const char *typed_study(const char *name, const char *type)
{
    static char text[16384], path[256];
    snprintf(path, sizeof path, "%s", light_brazing(name, "out.xlsx"));
    slurp(path, text, sizeof text - 64);
    if (type) {
        char line[64];
        snprintf(line, sizeof line, "[model]\ntype = \"%s\"\n", type);
        light_replace(text, sizeof text, "[model]\n", line);
    }
    write_file(path, text);
    return path;
}

static cJSON *get(cJSON *o, const char *key)
{
    cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert_not_null(x, "missing key %s", key);
    return x;
}

/* Every response's cv.comparison holds network, kriging and quadratic. */
static void expect_comparison(cJSON *fit, const char *kriging_cv)
{
    cJSON *resp;
    cJSON_ArrayForEach(resp, get(fit, "responses"))
    {
        cJSON *c = get(get(resp, "cv"), "comparison");
        cr_expect(get(get(c, "network"), "rmse")->valuedouble > 0);
        cr_expect(get(get(c, "kriging"), "rmse")->valuedouble > 0);
        cr_expect(get(get(c, "quadratic"), "rmse")->valuedouble > 0);
        cr_expect(cJSON_IsNumber(get(get(c, "kriging"), "r2")));
        cr_expect_str_eq(get(c, "kriging_cv")->valuestring, kriging_cv);
        /* each model's expected RMSE anywhere in the window, the note's figures */
        cJSON *w = get(c, "window_rmse");
        cr_expect(get(w, "network")->valuedouble > 0);
        cr_expect(get(w, "kriging")->valuedouble > 0);
    }
    cr_expect(cJSON_IsArray(get(fit, "notes")));
}

Test(cli_gp, mlp_fit_shows_kriging_beside_the_network)
{
    result *r = run("fit", "-q", "--json", typed_study("m.toml", NULL), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j);
    cJSON *f = get(j, "fit");
    cr_expect_str_eq(get(get(f, "model"), "type")->valuestring, "mlp");
    cr_expect_str_eq(get(get(f, "model"), "used")->valuestring, "mlp");
    cr_expect(cJSON_IsNull(get(get(f, "model"), "selection")));
    expect_comparison(f, "refit per fold");
    /* the network column is the model's own CV */
    cJSON *cv = get(cJSON_GetArrayItem(get(f, "responses"), 0), "cv");
    cr_expect(get(get(cv, "network"), "rmse")->valuedouble ==
              get(get(get(cv, "comparison"), "network"), "rmse")->valuedouble);
    cJSON_Delete(j);
}

Test(cli_gp, gp_study_fit_predict_optimize_report)
{
    const char *study = typed_study("g.toml", "gp");
    char model[256];
    snprintf(model, sizeof model, "%s", tpath(1, "light.model.json"));
    result *r = run("fit", "-q", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "kriging (Gaussian process"), "%s", r->out);
    cr_expect(strstr(r->out, "kriging, CV") && strstr(r->out, "network, CV") &&
              strstr(r->out, "quadratic, CV"), "%s", r->out);
    cr_expect(strstr(r->out, "Calculator"), "%s", r->out);
    /* the model file holds the kriging model */
    char buf[1 << 16];
    const char *mpath = strstr(r->out, "Model written to ");
    cr_assert_not_null(mpath);
    char mfile[256];
    cr_assert_eq(sscanf(mpath, "Model written to %255s", mfile), 1);
    slurp(mfile, buf, sizeof buf);
    cr_expect(strstr(buf, "\"type\":\t\"gp\"") && strstr(buf, "\"kriging\""));
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_load(mfile, &m, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(sg_model_type_of(m), SG_MODEL_GP);
    sg_model_destroy(m);
    /* predict at a run reproduces it closely (kriging nearly interpolates) */
    r = run("predict", "--json", "--at", "thickness=50,temperature=1090,hold=20,cooling=3", mfile,
            NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j, "%s", r->out);
    cJSON_Delete(j);
    cr_expect(strstr(r->out, "529.") != NULL, "%s", r->out);
    /* the spread of a kriging model is its predictive sd, and says so */
    cr_expect(strstr(r->out, "spread = kriging sd") != NULL, "%s", r->out);
    /* fit --json names the type */
    r = run("fit", "-q", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    j = cJSON_Parse(r->out);
    cr_assert_not_null(j);
    cJSON *f = get(j, "fit");
    cr_expect_str_eq(get(get(f, "model"), "used")->valuestring, "gp");
    expect_comparison(f, "the model's own (refit per fold)");
    cJSON *w;
    cJSON_ArrayForEach(w, get(f, "warnings"))
        cr_expect_str_neq(get(w, "kind")->valuestring, "overfitting");
    cJSON_Delete(j);
    /* optimize and report on the kriging model */
    r = run("optimize", "-q", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "objective") != NULL, "%s", r->out);
    r = run("report", "-q", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
}

Test(cli_gp, auto_study_reports_its_choice)
{
    result *r = run("fit", "-q", "--json", typed_study("a.toml", "auto"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j);
    cJSON *f = get(j, "fit"), *mo = get(f, "model");
    cr_expect_str_eq(get(mo, "type")->valuestring, "auto");
    const char *used = get(mo, "used")->valuestring;
    cr_expect(strcmp(used, "gp") == 0 || strcmp(used, "mlp") == 0);
    cJSON *sel = get(mo, "selection");
    cr_expect(get(sel, "kriging_score")->valuedouble >= 0);
    cr_expect(get(sel, "network_score")->valuedouble >= 0);
    expect_comparison(f, "refit per fold");
    cJSON_Delete(j);
}

Test(cli_gp, unknown_type_is_an_error_with_position)
{
    result *r = run("fit", typed_study("b.toml", "krige"), NULL);
    cr_expect_eq(r->code, 1);
    cr_expect(strstr(r->err, "b.toml:") && strstr(r->err, "unknown model type 'krige'"), "%s",
              r->err);
}

#define PI 3.14159265358979323846

/* Friedman #1 (10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5) on the
 * L18 array fit lays out for five 3-level factors (levels 0, 0.5, 1). */
static const char *friedman_l18(void)
{
    static const int code[18][5] = {
        {0, 0, 0, 0, 0}, {0, 1, 1, 1, 1}, {0, 2, 2, 2, 2}, {1, 0, 1, 0, 2}, {1, 1, 2, 1, 0},
        {1, 2, 0, 2, 1}, {2, 0, 2, 1, 1}, {2, 1, 0, 2, 2}, {2, 2, 1, 0, 0}, {0, 0, 0, 1, 2},
        {0, 1, 1, 2, 0}, {0, 2, 2, 0, 1}, {1, 0, 1, 2, 1}, {1, 1, 2, 0, 2}, {1, 2, 0, 1, 0},
        {2, 0, 2, 2, 0}, {2, 1, 0, 0, 1}, {2, 2, 1, 1, 2}};
    static char csv[2048];
    size_t u = (size_t)snprintf(csv, sizeof csv, "run,x1,x2,x3,x4,x5,y\n");
    for (int i = 0; i < 18; i++) {
        double x[5];
        for (int k = 0; k < 5; k++)
            x[k] = 0.5 * code[i][k];
        double y = 10 * sin(PI * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) + 10 * x[3] +
                   5 * x[4];
        u += (size_t)snprintf(csv + u, sizeof csv - u, "%d,%g,%g,%g,%g,%g,%.6f\n", i + 1, x[0],
                              x[1], x[2], x[3], x[4], y);
    }
    put("fr.csv", csv);
    char study[2048] = "[study]\nname = \"fr\"\nseed = 5\n[data]\nfile = \"fr.csv\"\n";
    for (int k = 0; k < 5; k++) {
        char f[96];
        snprintf(f, sizeof f, "[[factor]]\nname = \"x%d\"\nmin = 0\nmax = 1\n", k + 1);
        strcat(study, f);
    }
    strcat(study, "[[response]]\nname = \"y\"\n[report]\nfile = \"fr.xlsx\"\n");
    write_file(tpath(3, "fr.toml"), study);
    return tpath(3, "fr.toml");
}

/* RMSE of the model file's predictions at 200 uniform points of [0, 1]^5
 * against Friedman #1. */
static double friedman_test_rmse(const char *model)
{
    static char pts[1 << 15];
    double truth[200];
    size_t u = (size_t)snprintf(pts, sizeof pts, "x1,x2,x3,x4,x5\n");
    for (int k = 0; k < 200; k++) {
        double x[5];
        for (int i = 0; i < 5; i++) /* additive recurrences: spread, reproducible */
            x[i] = fmod(0.1 + (k + 1) * (0.7548776662 + 0.1106 * i + 0.0723 * i * i), 1.0);
        truth[k] = 10 * sin(PI * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) + 10 * x[3] +
                   5 * x[4];
        u += (size_t)snprintf(pts + u, sizeof pts - u, "%.9g,%.9g,%.9g,%.9g,%.9g\n", x[0], x[1],
                              x[2], x[3], x[4]);
    }
    const char *line = strchr(predict_points(model, pts), '\n') + 1;
    double s = 0;
    for (int k = 0; k < 200; k++) {
        const char *c = line;
        for (int i = 0; i < 5; i++) /* the sixth column: y */
            c = strchr(c, ',') + 1;
        double e = strtod(c, NULL) - truth[k];
        s += e * e;
        line = strchr(line, '\n') + 1;
    }
    return sqrt(s / 200);
}

/* "Kriging is clearly better" is judged anywhere in the window, where the
 * user predicts.  On an L18 kriging's leave-one-out error is a fifth of the
 * network's, tested only at the array's runs; between them the two are
 * within 1.5 times of each other, the window figures say so, and the note
 * stays silent (it said "clearly better" until session 22). */
Test(cli_gp, kriging_clearly_better_is_judged_anywhere_in_the_window, .timeout = 300)
{
    const char *study = friedman_l18();
    result *r = run("fit", "-q", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_out(r);
    cJSON *c = get(get(cJSON_GetArrayItem(get(get(j, "fit"), "responses"), 0), "cv"),
                   "comparison");
    double loo_net = get(get(c, "network"), "rmse")->valuedouble;
    double loo_gp = get(get(c, "kriging"), "rmse")->valuedouble;
    double win_net = get(get(c, "window_rmse"), "network")->valuedouble;
    double win_gp = get(get(c, "window_rmse"), "kriging")->valuedouble;
    cr_expect(loo_gp < 0.67 * loo_net, "leave-one-out: kriging %g, network %g", loo_gp, loo_net);
    cr_expect(win_gp > 0.67 * win_net, "window: kriging %g, network %g", win_gp, win_net);
    cJSON *n;
    cJSON_ArrayForEach(n, get(get(j, "fit"), "notes"))
        cr_expect_null(strstr(get(n, "message")->valuestring, "kriging is clearly better"), "%s",
                       get(n, "message")->valuestring);
    cJSON_Delete(j);
    /* the truth between the runs: kriging not clearly better */
    double net = friedman_test_rmse(tpath(2, "fr.model.json"));
    const char *gp = tpath(4, "frgp.toml");
    char text[4096];
    slurp(study, text, sizeof text - 64);
    light_replace(text, sizeof text, "[report]\n", "[model]\ntype = \"gp\"\n[report]\n");
    light_replace(text, sizeof text, "name = \"fr\"", "name = \"frgp\"");
    write_file(gp, text);
    r = run("fit", "-q", gp, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    double krig = friedman_test_rmse(tpath(2, "frgp.model.json"));
    cr_expect(krig > 0.67 * net && krig < 1.5 * net, "test RMSE: kriging %g, network %g", krig,
              net);
}

/* Value of the regression's equation in the factors' units (analyze --json
 * terms: "constant", "a", "a^2", "a*b") at the named settings. */
static double equation_at(cJSON *terms, const char *const *names, const double *x, size_t k)
{
    double y = 0.0;
    cJSON *t;
    cJSON_ArrayForEach(t, terms)
    {
        const char *name = get(t, "term")->valuestring;
        double v = 1.0;
        if (strcmp(name, "constant") != 0) {
            char buf[128];
            snprintf(buf, sizeof buf, "%s", name);
            bool square = strstr(buf, "^2") != NULL;
            for (char *f = strtok(buf, "*^"); f; f = strtok(NULL, "*^")) {
                if (strcmp(f, "2") == 0)
                    continue;
                size_t i = 0;
                while (i < k && strcmp(names[i], f) != 0)
                    i++;
                cr_assert_lt(i, k, "unknown factor in term %s", name);
                v *= square ? x[i] * x[i] : x[i];
            }
        }
        y += get(t, "uncoded")->valuedouble * v;
    }
    return y;
}

Test(cli_gp, quadratic_study_fit_predict_optimize)
{
    const char *study = typed_study("q.toml", "quadratic");
    char st[256];
    snprintf(st, sizeof st, "%s", study);
    result *r = run("fit", "-q", st, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "quadratic response surface by least squares, one per response: "
                             "full quadratic (15 terms)"), "%s", r->out);
    /* the model's rows, the network and kriging beside them; the baseline
     * is the model, so its rows are not repeated */
    int training = 0;
    for (const char *p = r->out; (p = strstr(p, "quadratic, training")); p++)
        training++;
    cr_expect_eq(training, 3, "%s", r->out);
    cr_expect(strstr(r->out, "quadratic, CV") && strstr(r->out, "network, CV") &&
              strstr(r->out, "kriging, CV"), "%s", r->out);
    cr_expect(strstr(r->out, "× the mean's standard error"), "%s", r->out);
    cr_expect(strstr(r->out, "Parameters: 15 coefficients per response (45 in the model) for 27 "
                             "rows"),
              "%s", r->out);
    /* stress_path2's step at the thick end is beyond a quadratic: the
     * note names the better model and the type to choose */
    cr_expect(strstr(r->out, "NOTE: stress_path2: kriging is clearly better than the quadratic "
                             "(CV RMSE "),
              "%s", r->out);
    cr_expect(strstr(r->out, "consider [model] type = \"gp\""), "%s", r->out);
    char mfile[256];
    const char *mpath = strstr(r->out, "Model written to ");
    cr_assert_not_null(mpath);
    cr_assert_eq(sscanf(mpath, "Model written to %255s", mfile), 1);
    char buf[1 << 17];
    slurp(mfile, buf, sizeof buf);
    cr_expect(strstr(buf, "\"type\":\t\"quadratic\"") && strstr(buf, "\"equations\""));
    /* the model's cross-validation is the quadratic baseline's */
    r = run("fit", "-q", "--json", st, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_out(r), *resp;
    cJSON_ArrayForEach(resp, get(get(j, "fit"), "responses"))
    {
        cJSON *cv = get(resp, "cv");
        cr_expect_eq(get(get(cv, "network"), "rmse")->valuedouble,
                     get(get(get(cv, "comparison"), "quadratic"), "rmse")->valuedouble);
        cr_expect_gt(get(get(get(cv, "comparison"), "network"), "rmse")->valuedouble, 0.0);
    }
    cr_expect_str_eq(get(get(get(j, "fit"), "model"), "used")->valuestring, "quadratic");
    cJSON_Delete(j);
    /* predictions are analyze's regression equation (GSL's least squares,
     * in the factors' units); the spread at the centre is the constant's
     * standard error */
    r = run("analyze", "-q", "--json", st, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *a = parse_out(r);
    cJSON *reg = cJSON_GetArrayItem(get(get(a, "analyze"), "regression"), 0);
    cr_assert_str_eq(get(reg, "name")->valuestring, "stress_max");
    cJSON *terms = get(reg, "terms");
    static const char *const names[4] = {"thickness", "temperature", "hold", "cooling"};
    static const double pts[2][4] = {{100, 1120, 30, 5}, {63, 1141, 24, 6.5}};
    for (int p = 0; p < 2; p++) {
        char at[128];
        snprintf(at, sizeof at, "thickness=%g,temperature=%g,hold=%g,cooling=%g", pts[p][0],
                 pts[p][1], pts[p][2], pts[p][3]);
        r = run("predict", "--json", "--at", at, mfile, NULL);
        cr_assert_eq(r->code, 0, "%s", r->err);
        cJSON *pj = parse_out(r);
        cJSON *r0 = cJSON_GetArrayItem(
            get(cJSON_GetArrayItem(get(get(pj, "predict"), "points"), 0), "responses"), 0);
        double mean = get(r0, "mean")->valuedouble, want = equation_at(terms, names, pts[p], 4);
        cr_expect(fabs(mean - want) < 1e-9 * fabs(want), "point %d: %.12g against %.12g", p,
                  mean, want);
        if (p == 0) {
            double se = get(cJSON_GetArrayItem(terms, 0), "se")->valuedouble;
            cr_expect(fabs(get(r0, "spread")->valuedouble - se) < 1e-9 * se, "%.12g against %.12g",
                      get(r0, "spread")->valuedouble, se);
        }
        cr_expect(strstr(r->out, "standard error of the quadratic's fitted mean"), "%s", r->out);
        cJSON_Delete(pj);
    }
    cJSON_Delete(a);
    /* optimize and the workbook use it */
    r = run("optimize", st, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "quadratic ± the standard error of its mean"), "%s", r->out);
}

/* The quadratic's Calculator, recalculated by LibreOffice, gives
 * surrogate's own value at the pre-filled settings for every response,
 * inside its interval. */
Test(cli_gp, quadratic_calculator_recalculates, .timeout = 300)
{
    result *r = run("fit", "-q", typed_study("qc.toml", "quadratic"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    recalculate_to_csv("out.xlsx");
    static char csv[1 << 16];
    slurp(tpath(1, "csv/out-Calculator.csv"), csv, sizeof csv);
    cr_expect(strstr(csv, "live formulas"), "%.600s", csv);
    /* the Validation sheet names the model as what it is */
    static char val[1 << 16];
    slurp(tpath(1, "csv/out-Validation.csv"), val, sizeof val);
    cr_expect(strstr(val, "Quadratic model, cross-validated") &&
                  strstr(val, "the model is a quadratic: fit's output compares the network and "
                              "kriging"),
              "%.900s", val);
    static const char *const names[3] = {"stress_max", "stress_path1", "stress_path2"};
    for (int k = 0; k < 3; k++) {
        char key[64];
        snprintf(key, sizeof key, "\n%s,", names[k]);
        const char *row = strstr(csv, key);
        cr_assert_not_null(row, "%s: %.900s", names[k], csv);
        row++;
        double pred = csv_field(row, 2), lo = csv_field(row, 3), hi = csv_field(row, 4),
               own = csv_field(row, 5);
        cr_expect(fabs(pred - own) <= 1e-9 * fabs(own), "%s: %.12g against %.12g", names[k],
                  pred, own);
        cr_expect(lo < pred && pred < hi && fabs((hi - pred) - (pred - lo)) < 1e-9 * pred,
                  "%s: %g .. %g around %g", names[k], lo, hi, pred);
    }
}

/* A study of three factors on [0, 1] and one response y over the rows of
 * csv, with [model] type; returns its path. */
static const char *small_study(const char *csv, const char *type)
{
    put("small.csv", csv);
    char study[1024];
    snprintf(study, sizeof study,
             "[study]\nname = \"small\"\nseed = 3\n[data]\nfile = \"small.csv\"\n"
             "[[factor]]\nname = \"x1\"\nmin = 0\nmax = 1\n"
             "[[factor]]\nname = \"x2\"\nmin = 0\nmax = 1\n"
             "[[factor]]\nname = \"x3\"\nmin = 0\nmax = 1\n"
             "[[response]]\nname = \"y\"\ngoal = \"minimize\"\n"
             "[report]\nfile = \"small.xlsx\"\n"
             "[model]\ntype = \"%s\"\nfile = \"small.model.json\"\n",
             type);
    write_file(tpath(4, "small.toml"), study);
    return tpath(4, "small.toml");
}

/* Kriging needs factors + 2 runs, the quadratic its main effects' terms: a
 * table with just that many can be fitted but not cross-validated (a fold
 * leaves one row fewer).  fit used to stop in the first fold ("the data
 * have 4" of a 5-run table); now it keeps the model, says why there is no
 * accuracy figure, and nothing claims an interval. */
Test(cli_gp, too_few_rows_to_cross_validate_fit_without_it)
{
    const char *st = small_study("x1,x2,x3,y\n0,0,0,1\n1,0.5,0.2,2\n0.3,1,0.9,1.5\n"
                                 "0.8,0.2,1,2.5\n0.5,0.6,0.4,1.9\n",
                                 "gp");
    result *r = run("fit", st, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Cross-validation: not possible: a fold of loo trains on 4 of the 5 "
                             "rows, and kriging needs 5 (the factors + 2); the model is fitted "
                             "on all 5 rows"),
              "%s", r->out);
    cr_expect(strstr(r->out, "Model written to "), "%s", r->out);
    char buf[1 << 16];
    slurp(tpath(5, "small.model.results.json"), buf, sizeof buf);
    cr_expect(strstr(buf, "\"cv_not_possible\":\t\"not possible: a fold of loo"), "%.400s", buf);
    r = run("report", st, NULL); /* from the saved results: the reason travels */
    cr_expect_eq(r->code, 0, "%s", r->err);
    r = run("fit", "-q", "--json", st, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_out(r), *fit = get(j, "fit");
    cr_expect(cJSON_IsNull(get(fit, "cv")));
    cr_expect(strstr(get(fit, "cv_not_possible")->valuestring, "kriging needs 5"));
    cJSON_Delete(j);
    r = run("predict", "--at", "x1=0.5,x2=0.5,x3=0.5", tpath(5, "small.model.json"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "holds no calibrated interval") && !strstr(r->out, "95% interval"),
              "%s", r->out);
    r = run("run", st, NULL); /* the answer's quality line says why */
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Model quality: cross-validation not possible: a fold of loo"), "%s",
              r->out);

    /* the quadratic on a 2^(3-1) fraction: 4 runs, 4 main-effect terms */
    st = small_study("x1,x2,x3,y\n0,0,1,1\n1,0,0,2\n0,1,0,1.5\n1,1,1,2.5\n", "quadratic");
    r = run("fit", st, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Cross-validation: not possible: a fold of loo trains on 3 of the 4 "
                             "rows, and the quadratic needs 4 (the mean and every main effect)"),
              "%s", r->out);
    r = run("predict", "--at", "x1=0.5,x2=0.5,x3=0.5", tpath(5, "small.model.json"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "1.75 ± 0 (spread)") && strstr(r->out, "± 0 is not an error estimate"),
              "%s", r->out);

    /* leave-one-out works, but without a middle level of x1 only 4 rows
     * are left: the between-levels fold is not run, and says why */
    st = small_study("x1,x2,x3,y\n0,0.1,0.7,1\n0,0.9,0.2,1.4\n0.5,0.3,1,2\n0.5,0.6,0,1.7\n"
                     "1,0,0.4,2.6\n1,1,0.8,3\n",
                     "gp");
    r = run("fit", st, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Cross-validation: loo, 6 folds") &&
                  strstr(r->out, "between levels: not run: holding out a middle level would "
                                 "leave at most 4 rows, and the model needs 5 to be refitted"),
              "%s", r->out);
    cr_expect(strstr(r->out, "95% prediction interval"), "%s", r->out);
}

/* Branin on a 30-run Latin hypercube (the accuracy benchmark's table):
 * run 17 (x1 = -4.42, near the left edge where the function climbs
 * steeply) is missed by 30 when held out, by kriging and the network
 * alike; its five nearest runs all lie to its right and below its value.
 * The others cannot tell a wrong value from the climb: a note, not a flag
 * (the benchmark's last false flag on an exact table, until session 30). */
Test(cli_gp, a_run_beyond_its_neighbours_at_their_edge_is_noted_not_flagged)
{
    put("br.csv",
        "x1,x2,y\n"
        "-0.9563343658,12.32828953,37.51396122\n"
        "7.642726786,0.04155399709,13.81037895\n"
        "2.12246913,12.60976155,93.43678616\n"
        "7.055421466,10.94351326,111.7829778\n"
        "6.901243915,7.123492877,53.28149933\n"
        "1.00610702,6.574328708,19.31993512\n"
        "8.146960972,3.22578216,9.843849727\n"
        "3.732847325,1.481084043,2.170792777\n"
        "-3.601334018,8.628258991,24.23292351\n"
        "-4.919847019,14.43135918,18.35702832\n"
        "2.965528905,9.288639226,47.77524504\n"
        "9.577816358,14.72669325,147.3942473\n"
        "-2.640722044,3.836454732,54.39016864\n"
        "1.723578566,2.032856656,11.12354218\n"
        "-2.284357739,1.698729379,77.86549882\n"
        "-1.633056428,5.252871888,23.02409621\n"
        "-4.419442594,4.326391237,133.3520467\n"
        "4.58536534,4.816371804,20.33018159\n"
        "0.7955953189,11.72469415,64.45653007\n"
        "-3.373613192,7.596134798,28.14864752\n"
        "9.447424303,13.31914322,117.5804179\n"
        "5.000376244,6.156051816,36.58359698\n"
        "8.617521663,5.717419904,18.09955086\n"
        "6.043453774,0.7787589529,19.43057225\n"
        "4.156116839,8.394258713,50.86409392\n"
        "-1.434962228,10.11121321,13.7382381\n"
        "-0.1143619816,13.98748288,80.4383808\n"
        "0.3401964001,9.996563035,39.50980169\n"
        "5.585046237,2.69205537,19.76217323\n"
        "3.114390276,11.04791064,76.99196021\n");
    write_file(tpath(4, "br.toml"),
               "[study]\nname = \"br\"\nseed = 20261129\n[data]\nfile = \"br.csv\"\n"
               "[[factor]]\nname = \"x1\"\nmin = -5\nmax = 10\n"
               "[[factor]]\nname = \"x2\"\nmin = 0\nmax = 15\n"
               "[[response]]\nname = \"y\"\n[report]\nfile = \"br.xlsx\"\n"
               "[model]\ntype = \"gp\"\nfile = \"br.model.json\"\n");
    result *r = run("fit", tpath(4, "br.toml"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "NOTE: y: run 17 (line 18) is 30.17 off its prediction from the "
                             "other runs, but above its 5 nearest runs (23.02 to 77.87), all to "
                             "one side of it"),
              "%s", r->out);
    cr_expect(!strstr(r->out, "check this simulation"), "%s", r->out);
    r = run("fit", "-q", "--json", tpath(4, "br.toml"), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "\"run_local_extreme\""), "%.2000s", r->out);
}
