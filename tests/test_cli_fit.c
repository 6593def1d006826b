/* End-to-end tests of `surrogate fit` and `surrogate predict` (binary in
 * $SURROGATE_BIN, run from the project root).  Most use --no-cv or a light
 * study so the suite stays fast. */
#include <gsl/gsl_errno.h>
#include <math.h>

#include "cli_harness.h"
#include "model/model.h"

#define BRAZING "studies/brazing.toml"

/* The brazing data's factors as study-file sections (no units). */
#define BRAZING_THICKNESS_TEMPERATURE                                                    \
    "[[factor]]\nname = \"thickness\"\ncolumn = \"thickness_um\"\nmin = 50\nmax = 150\n" \
    "[[factor]]\nname = \"temperature\"\ncolumn = \"temperature_C\"\nmin = 1090\n"         \
    "max = 1150\n"
#define BRAZING_HOLD_COOLING                                                             \
    "[[factor]]\nname = \"hold\"\ncolumn = \"hold_min\"\nmin = 20\nmax = 40\n"           \
    "[[factor]]\nname = \"cooling\"\ncolumn = \"cooling_C_per_min\"\nmin = 3\nmax = 7\n"

static void setup(void)
{
    gsl_set_error_handler_off();
    harness_setup();
}

TestSuite(cli_fit, .init = setup, .fini = harness_teardown);

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* A light study on the brazing data (kfold:3, small network), model file
 * in tmpdir; extra is appended to [train]. */
/* The brazing table with a light network, as study <name>.toml (thickness
 * bounds [50, thickness_max] um) writing <name>.model.json and <name>.xlsx;
 * extra goes into [train].  The path is tpath's (slot 0) buffer. */
static const char *brazing_study(const char *name, double thickness_max, const char *extra)
{
    char cwd[200], text[4096], file[80];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    snprintf(text, sizeof text,
             "[study]\nname = \"%s\"\nseed = 11\n[data]\nfile = \"%s/data/brazing_l27.csv\"\n"
             "[[factor]]\nname = \"thickness\"\ncolumn = \"thickness_um\"\nunit = \"um\"\n"
             "min = 50\nmax = %g\n"
             "[[factor]]\nname = \"temperature\"\ncolumn = \"temperature_C\"\nunit = \"C\"\n"
             "min = 1090\nmax = 1150\n"
             BRAZING_HOLD_COOLING
             "[[response]]\nname = \"stress_max\"\ncolumn = \"stress_max_MPa\"\nunit = \"MPa\"\n"
             "[model]\nfile = \"%s.model.json\"\nhidden = [4]\nensemble = 2\n"
             "[train]\nepochs = 200\nvalidation = \"kfold:3\"\n%s\n[report]\nfile = \"%s.xlsx\"\n",
             name, cwd, thickness_max, name, extra, name);
    snprintf(file, sizeof file, "%s.toml", name);
    const char *p = tpath(0, file);
    write_file(p, text);
    return p;
}

static const char *light_study(const char *extra)
{
    return brazing_study("light", 150, extra);
}

static cJSON *parse_json(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    cr_assert_not_null(j, "not JSON: %.200s", text);
    return j;
}

static cJSON *at_path(cJSON *o, const char *a, const char *b)
{
    cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
    cr_assert_not_null(x, "missing key %s", a);
    if (b) {
        x = cJSON_GetObjectItemCaseSensitive(x, b);
        cr_assert_not_null(x, "missing key %s.%s", a, b);
    }
    return x;
}

Test(cli_fit, fit_writes_a_byte_identical_model)
{
    const char *m1 = tpath(1, "a.model.json"), *m2 = tpath(2, "b.model.json");
    result *r = run("fit", "--no-cv", "--model", m1, BRAZING, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Parameters:") && strstr(r->out, "for 27 rows"), "%s", r->out);
    cr_expect(strstr(r->out, "stress_max [MPa]"));
    cr_expect(strstr(r->out, "network, training"));
    cr_expect(strstr(r->out, "quadratic, training"));
    cr_expect(strstr(r->out, "Cross-validation: skipped"));
    cr_expect(strstr(r->out, "Model written to"));
    cr_expect_eq(r->err[0], '\0', "stderr on a pipe: %s", r->err);
    r = run("fit", "-q", "--no-cv", "-m", m2, BRAZING, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    static char a[1 << 20], b[1 << 20];
    size_t na = slurp(m1, a, sizeof a), nb = slurp(m2, b, sizeof b);
    cr_assert_gt(na, 1000);
    cr_expect_eq(na, nb);
    cr_expect(memcmp(a, b, na) == 0, "model files differ");
    cr_expect(strstr(a, "surrogate-model"));
}

Test(cli_fit, fit_json_keys_without_cv)
{
    const char *m1 = tpath(1, "m.json");
    result *r = run("fit", "--json", "--no-cv", "--model", m1, BRAZING, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_json(r->out);
    cr_expect(cJSON_IsTrue(at_path(j, "ok", NULL)));
    cr_expect_str_eq(at_path(j, "command", NULL)->valuestring, "fit");
    cJSON *f = at_path(j, "fit", NULL);
    cr_expect_str_eq(at_path(f, "model_file", NULL)->valuestring, m1);
    cr_expect_eq(at_path(f, "rows", NULL)->valueint, 27);
    cr_expect_eq(strlen(at_path(f, "data_hash", NULL)->valuestring), 16);
    cr_expect_eq(strlen(at_path(f, "settings_hash", NULL)->valuestring), 16);
    cr_expect(cJSON_IsNull(at_path(f, "cv", NULL)));
    cr_expect_gt(at_path(f, "parameters", "per_member")->valueint, 0);
    cr_expect_eq(at_path(f, "parameters", "rows")->valueint, 27);
    cr_expect(cJSON_IsBool(at_path(f, "parameters", "exceed_rows")));
    cr_expect_str_eq(at_path(f, "settings", "optimizer")->valuestring, "lbfgs");
    cJSON *resp = at_path(f, "responses", NULL);
    cr_assert_eq(cJSON_GetArraySize(resp), 3);
    cJSON *r0 = cJSON_GetArrayItem(resp, 0);
    cr_expect_str_eq(at_path(r0, "name", NULL)->valuestring, "stress_max");
    cr_expect_str_eq(at_path(r0, "unit", NULL)->valuestring, "MPa");
    cr_expect(at_path(r0, "train", "rmse")->valuedouble >= 0);
    cr_expect(cJSON_IsNumber(at_path(r0, "train", "r2")));
    cr_expect(cJSON_IsNumber(at_path(r0, "baseline_train", "rmse")));
    cr_expect(cJSON_IsNull(at_path(r0, "cv", NULL)));
    cr_expect(cJSON_IsArray(at_path(f, "warnings", NULL)));
    cr_expect(cJSON_IsArray(at_path(f, "suspicious_runs", NULL)));
    cr_expect_eq(at_path(f, "duplicates", "count")->valueint, 0);
    cJSON_Delete(j);
}

Test(cli_fit, fit_with_cv_json_and_text)
{
    const char *study = light_study("");
    result *r = run("fit", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(exists(tpath(1, "light.model.json")));
    cJSON *j = parse_json(r->out);
    cJSON *f = at_path(j, "fit", NULL);
    cr_expect_str_eq(at_path(f, "cv", "plan")->valuestring, "kfold:3");
    cr_expect_eq(at_path(f, "cv", "folds")->valueint, 3);
    cJSON *r0 = cJSON_GetArrayItem(at_path(f, "responses", NULL), 0);
    cJSON *cv = at_path(r0, "cv", NULL);
    cr_expect(at_path(cv, "network", "rmse")->valuedouble > 0);
    cr_expect(cJSON_IsNumber(at_path(cv, "baseline", "rmse")));
    cr_expect(at_path(cv, "interval", "half_width")->valuedouble > 0);
    cr_expect(at_path(cv, "interval", "level")->valuedouble == 0.95);
    cr_expect(cJSON_IsNull(at_path(cv, "replicates", NULL)), "no setting of the L27 repeated");
    cr_expect_eq(cJSON_GetArraySize(at_path(cv, "held_out", NULL)), 27);
    /* the model file carries the same calibration */
    sg_model *model = NULL;
    sg_error err;
    cr_assert_eq(sg_model_load(tpath(3, "light.model.json"), &model, &err), SG_OK, "%s", err.msg);
    const sg_model_calibration *c = sg_model_calibration_of(model, 0);
    cr_assert_not_null(c);
    /* `fit --json` prints 15 significant digits when they read back within
     * an ulp (cJSON); the model file keeps every bit */
    double hw = at_path(cv, "interval", "half_width")->valuedouble;
    cr_expect(fabs(c->half_width - hw) <= 1e-14 * hw, "%.17g vs %.17g", c->half_width, hw);
    cr_expect(c->level == 0.95);
    cr_expect_str_eq(c->cv, "kfold:3");
    cr_expect_eq(c->window, cJSON_IsTrue(at_path(cv, "window", "ok")),
                 "the file says where the interval holds, as fit");
    sg_model_destroy(model);
    cJSON_Delete(j);
    /* text: CV rows and the model path */
    r = run("fit", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "network, CV"), "%s", r->out);
    cr_expect(strstr(r->out, "quadratic, CV"));
    cr_expect(strstr(r->out, "95% prediction interval"));
    cr_expect(strstr(r->out, "kfold:3, 3 folds"));
}

Test(cli_fit, run_includes_the_fit_stage)
{
    const char *study = light_study("[optimize]\nresponse = \"stress_max\"\nsense = \"minimize\"\nstarts = 4\n");
    result *r = run("run", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_json(r->out);
    cr_expect_not_null(cJSON_GetObjectItem(j, "check"));
    cr_expect_not_null(cJSON_GetObjectItem(j, "fit"));
    cJSON_Delete(j);
    cr_expect(exists(tpath(1, "light.model.json")));
}

Test(cli_fit, nothing_written_on_invalid_study)
{
    const char *study = light_study("optimizer = \"adamw\"\n");
    int before = count_dir_entries(false);
    result *r = run("fit", study, NULL);
    cr_expect_eq(r->code, 1);
    cr_expect(strstr(r->err, "light.toml:") && strstr(r->err, "unknown optimizer 'adamw'"),
              "%s", r->err);
    cr_expect(strstr(r->err, "adam, rmsprop, sgd, lbfgs"));
    cr_expect_eq(count_dir_entries(false), before);
    /* a bad value, with --json: the error is in the document */
    study = light_study("learning_rate = 0\n");
    r = run("fit", "--json", study, NULL);
    cr_expect_eq(r->code, 1);
    cJSON *j = parse_json(r->out);
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(j, "ok")));
    cr_expect(strstr(cJSON_GetObjectItem(j, "error")->valuestring, "must be positive"));
    cJSON_Delete(j);
    cr_expect(!exists(tpath(1, "light.model.json")));
    /* usage */
    cr_expect_eq(run("fit", NULL)->code, 2);
    cr_expect_eq(run("fit", "--no-cvv", BRAZING, NULL)->code, 2);
}

/* Fit the light study without CV (its model: tmpdir/light.model.json,
 * factors as in the brazing study, one response stress_max). */
static const char *fit_light(void)
{
    result *r = run("fit", "-q", "--no-cv", light_study(""), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    return tpath(3, "light.model.json");
}

/* What the library predicts at x with a loaded model. */
static void library_predict(const sg_model *model, const double *x, double *mean, double *sd)
{
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(model, &w, NULL), SG_OK);
    sg_model_predict(model, w, x, mean, sd);
    sg_model_work_destroy(w);
}

Test(cli_fit, predict_at_equals_the_library)
{
    const char *m = fit_light();
    result *r = run("predict", m, "--json", "--at",
                    "thickness=120,temperature=1100,hold=30,cooling=5", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_json(r->out);
    cJSON *p = cJSON_GetArrayItem(at_path(j, "predict", "points"), 0);
    cr_assert_not_null(p);
    cr_expect(cJSON_IsFalse(at_path(p, "extrapolation", NULL)));
    sg_model *model = NULL;
    sg_error err;
    cr_assert_eq(sg_model_load(m, &model, &err), SG_OK, "%s", err.msg);
    double x[4] = {120, 1100, 30, 5}, mean[1], sd[1];
    library_predict(model, x, mean, sd);
    cJSON *resp = at_path(p, "responses", NULL);
    cr_assert_eq(cJSON_GetArraySize(resp), 1);
    for (int k = 0; k < 1; k++) {
        cJSON *e = cJSON_GetArrayItem(resp, k);
        cr_expect(at_path(e, "mean", NULL)->valuedouble == mean[k], "%d: %.17g vs %.17g", k,
                  at_path(e, "mean", NULL)->valuedouble, mean[k]);
        /* cJSON writes 15 significant digits: equal to within an ulp or two */
        double sp = at_path(e, "spread", NULL)->valuedouble;
        cr_expect(fabs(sp - sd[k]) <= 1e-14 * fabs(sd[k]), "%d: %.17g vs %.17g", k, sp, sd[k]);
    }
    cr_expect_str_eq(at_path(cJSON_GetArrayItem(resp, 0), "name", NULL)->valuestring,
                     "stress_max");
    cJSON_Delete(j);
    sg_model_destroy(model);
    /* text */
    r = run("predict", "--at", "thickness=120, temperature=1100, hold=30, cooling=5", m, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "stress_max") && strstr(r->out, "MPa"), "%s", r->out);
    cr_expect(strstr(r->out, "ensemble spread"));
    cr_expect(!strstr(r->out, "WARNING"));
}

Test(cli_fit, predict_flags_extrapolation)
{
    const char *m = fit_light();
    result *r = run("predict", m, "--at", "thickness=120,temperature=1200,hold=30,cooling=5",
                    NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "WARNING: extrapolation: temperature = 1200 C is 50 C above the "
                             "fitted range [1090, 1150]"),
              "%s", r->out);
    r = run("predict", m, "--json", "--at", "thickness=20,temperature=1100,hold=30,cooling=5",
            NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_json(r->out);
    cJSON *p = cJSON_GetArrayItem(at_path(j, "predict", "points"), 0);
    cr_expect(cJSON_IsTrue(at_path(p, "extrapolation", NULL)));
    cJSON *o = cJSON_GetArrayItem(at_path(p, "outside", NULL), 0);
    cr_assert_not_null(o);
    cr_expect_str_eq(at_path(o, "factor", NULL)->valuestring, "thickness");
    cr_expect_str_eq(at_path(o, "side", NULL)->valuestring, "below");
    cr_expect(at_path(o, "distance", NULL)->valuedouble == 30);
    cJSON_Delete(j);
}

Test(cli_fit, predict_in_round_trip)
{
    const char *m = fit_light();
    const char *in = tpath(4, "points.csv"), *out = tpath(5, "pred.csv");
    write_file(in, "temperature,thickness_um,hold,cooling,note\n1100,120,30,5,a\n1137.5,61.3,23,6.5,b\n"
            "1120,170,30,5,c\n");
    result *r = run("predict", m, "--in", in, "--out", out, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Predicted 3 rows"), "%s", r->out);
    cr_expect(strstr(r->err, "1 of 3 rows lie outside"), "%s", r->err);
    static char text[65536];
    slurp(out, text, sizeof text);
    cr_expect(strncmp(text, "thickness,temperature,hold,cooling,stress_max,stress_max_spread,"
                            "extrapolation\n", 78) == 0,
              "%s", text);
    /* settings echoed as typed (61.3, not 61.299999999999997), still exact */
    cr_expect(strstr(text, "\n61.3,1137.5,23,6.5,") != NULL, "%s", text);
    sg_model *model = NULL;
    sg_error err;
    cr_assert_eq(sg_model_load(m, &model, &err), SG_OK, "%s", err.msg);
    double X[3][4] = {{120, 1100, 30, 5}, {61.3, 1137.5, 23, 6.5}, {170, 1120, 30, 5}};
    char *line = strchr(text, '\n') + 1;
    for (int i = 0; i < 3; i++) {
        double mean[1], sd[1], v[6];
        library_predict(model, X[i], mean, sd);
        char *p = line;
        for (int k = 0; k < 6; k++) {
            v[k] = strtod(p, &p);
            cr_assert_eq(*p, ',', "row %d field %d: %s", i, k, line);
            p++;
        }
        for (int k = 0; k < 4; k++)
            cr_expect(v[k] == X[i][k]);
        for (int k = 0; k < 1; k++) {
            cr_expect(v[4 + 2 * k] == mean[k], "row %d response %d", i, k);
            cr_expect(v[5 + 2 * k] == sd[k]);
        }
        if (i == 2)
            cr_expect(strncmp(p, "\"thickness = 170 um is 20 um above", 33) == 0, "%s", p);
        else
            cr_expect_eq(*p, '\n');
        line = strchr(line, '\n') + 1;
    }
    sg_model_destroy(model);
    /* to stdout, and JSON */
    r = run("predict", m, "--in", in, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strncmp(r->out, "thickness,temperature", 21) == 0);
    r = run("predict", m, "--in", in, "--json", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_json(r->out);
    cr_expect_eq(at_path(j, "predict", "rows")->valueint, 3);
    cr_expect_eq(at_path(j, "predict", "extrapolated_rows")->valueint, 1);
    cJSON_Delete(j);
}

Test(cli_fit, predict_errors)
{
    const char *m = fit_light();
    result *r = run("predict", m, "--at", "thickness=120,temprature=1100,hold=30,cooling=5",
                    NULL);
    cr_expect_eq(r->code, 2);
    cr_expect(strstr(r->err, "unknown factor 'temprature'; did you mean 'temperature'?"), "%s",
              r->err);
    cr_expect(strstr(r->err, "thickness, temperature, hold, cooling"));
    r = run("predict", m, "--at", "thickness=120,temperature=1100", NULL);
    cr_expect_eq(r->code, 2);
    cr_expect(strstr(r->err, "missing factors hold, cooling"), "%s", r->err);
    r = run("predict", m, "--at", "thickness=abc,temperature=1100,hold=30,cooling=5", NULL);
    cr_expect_eq(r->code, 2);
    r = run("predict", m, "--at", "thickness=1,thickness=2,temperature=1100,hold=30,cooling=5",
            NULL);
    cr_expect_eq(r->code, 2);
    cr_expect(strstr(r->err, "given twice"));
    /* usage */
    cr_expect_eq(run("predict", "--at", "thickness=1", NULL)->code, 2);
    cr_expect_eq(run("predict", m, NULL)->code, 2);
    cr_expect_eq(run("predict", m, "--at", "a=1", "--in", "x.csv", NULL)->code, 2);
    cr_expect_eq(run("predict", m, "--at", "a=1", "--out", "x.csv", NULL)->code, 2);
    /* a CSV without a factor's column: error naming it, --out not written */
    const char *in = tpath(4, "bad.csv"), *out = tpath(5, "never.csv");
    write_file(in, "thickness,temperature,hold\n1,2,3\n");
    r = run("predict", m, "--in", in, "--out", out, NULL);
    cr_expect_eq(r->code, 1);
    cr_expect(strstr(r->err, "no column for factor 'cooling'"), "%s", r->err);
    cr_expect(!exists(out));
    /* corrupt and truncated model files */
    const char *bad = tpath(6, "corrupt.json");
    write_file(bad, "{\"format\": \"surrogate-model\", \"version\": 1, \"factors\": [");
    r = run("predict", bad, "--at", "thickness=120,temperature=1100,hold=30,cooling=5", NULL);
    cr_expect_eq(r->code, 1, "%s", r->err);
    cr_expect(strstr(r->err, "corrupt.json"), "%s", r->err);
    write_file(bad, "not json at all");
    r = run("predict", bad, "--json", "--at", "thickness=120", NULL);
    cr_expect_eq(r->code, 1);
    cJSON *j = parse_json(r->out);
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(j, "ok")));
    cJSON_Delete(j);
    r = run("predict", tpath(7, "missing.json"), "--at", "thickness=1", NULL);
    cr_expect_eq(r->code, 3);
    /* a study file, whatever its name, is named as such (not a JSON error) */
    const char *st = tpath(0, "study.txt");
    write_file(st, "# my study\n[study]\nname = \"x\"\n");
    r = run("predict", st, "--at", "thickness=1", NULL);
    cr_expect_eq(r->code, 2, "%s", r->err);
    cr_expect(strstr(r->err, "looks like a study file"), "%s", r->err);
}

Test(cli_fit, divergence_names_response_and_member)
{
    const char *study = light_study("optimizer = \"sgd\"\nlearning_rate = 1e12\n");
    int before = count_dir_entries(false);
    result *r = run("fit", "--no-cv", study, NULL);
    cr_expect_eq(r->code, 3);
    cr_expect(strstr(r->err, "response stress_max, member 1") && strstr(r->err, "diverged"),
              "%s", r->err);
    cr_expect_eq(count_dir_entries(false), before);
    cr_expect(!exists(tpath(1, "light.model.json")));
}

/* A model file with a calibration block: predict shows mean ± half-width at
 * the stated level beside the spread, in text and JSON. */
Test(cli_fit, predict_shows_the_calibrated_interval)
{
    const char *m = fit_light();
    sg_model *model = NULL;
    sg_error err;
    cr_assert_eq(sg_model_load(m, &model, &err), SG_OK, "%s", err.msg);
    sg_model_calibration c;
    memset(&c, 0, sizeof c);
    c.level = 0.95;
    c.half_width = 0.875;
    c.spread_factor_ok = true;
    c.spread_factor = 6.25;
    snprintf(c.cv, sizeof c.cv, "loo");
    cr_assert_eq(sg_model_set_calibration(model, 0, &c, &err), SG_OK, "%s", err.msg);
    const char *cal = tpath(2, "cal.model.json");
    cr_assert_eq(sg_model_save(model, cal, &err), SG_OK, "%s", err.msg);
    double x[4] = {120, 1100, 30, 5}, mean[1], sd[1];
    library_predict(model, x, mean, sd);
    sg_model_destroy(model);
    result *r = run("predict", cal, "--at", "thickness=120,temperature=1100,hold=30,cooling=5",
                    NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    char want[128];
    snprintf(want, sizeof want, "95%% interval %.6g to %.6g MPa (± 0.875, loo-calibrated)",
             mean[0] - 0.875, mean[0] + 0.875);
    cr_expect(strstr(r->out, want), "%s lacks %s", r->out, want);
    cr_expect(strstr(r->out, "(spread)"), "%s", r->out);
    cr_expect(!strstr(r->out, "holds no calibrated interval"), "%s", r->out);
    r = run("predict", cal, "--json", "--at", "thickness=120,temperature=1100,hold=30,cooling=5",
            NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_json(r->out);
    cJSON *e = cJSON_GetArrayItem(
        at_path(cJSON_GetArrayItem(at_path(j, "predict", "points"), 0), "responses", NULL), 0);
    cJSON *iv = at_path(e, "interval", NULL);
    cr_assert(cJSON_IsObject(iv));
    cr_expect(at_path(iv, "level", NULL)->valuedouble == 0.95);
    cr_expect(at_path(iv, "half_width", NULL)->valuedouble == 0.875);
    cr_expect(at_path(iv, "lower", NULL)->valuedouble == mean[0] - 0.875);
    cr_expect(at_path(iv, "upper", NULL)->valuedouble == mean[0] + 0.875);
    cr_expect(at_path(iv, "spread_factor", NULL)->valuedouble == 6.25);
    cr_expect_str_eq(at_path(iv, "cv", NULL)->valuestring, "loo");
    cr_expect_str_eq(at_path(iv, "holds", NULL)->valuestring, "tested");
    cr_expect(cJSON_IsArray(at_path(j, "predict", "interval")));
    cJSON_Delete(j);
    /* an interval that holds anywhere in the window says so */
    cr_assert_eq(sg_model_load(cal, &model, &err), SG_OK, "%s", err.msg);
    c.window = true;
    cr_assert_eq(sg_model_set_calibration(model, 0, &c, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_model_save(model, cal, &err), SG_OK, "%s", err.msg);
    sg_model_destroy(model);
    r = run("predict", cal, "--at", "thickness=120,temperature=1100,hold=30,cooling=5", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "MPa (± 0.875 anywhere in the window, loo-calibrated)"), "%s",
              r->out);
    r = run("predict", cal, "--json", "--at", "thickness=120,temperature=1100,hold=30,cooling=5",
            NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    j = parse_json(r->out);
    cr_expect_str_eq(at_path(cJSON_GetArrayItem(at_path(j, "predict", "interval"), 0), "holds",
                             NULL)
                         ->valuestring,
                     "window");
    cJSON_Delete(j);
    /* --in: lower and upper columns beside the spread */
    const char *in = tpath(4, "cal_points.csv");
    write_file(in, "thickness_um,temperature_C,hold_min,cooling_C_per_min\n120,1100,30,5\n");
    r = run("predict", cal, "--in", in, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "stress_max,stress_max_spread,stress_max_lower,stress_max_upper,"
                             "extrapolation\n"),
              "%s", r->out);
    snprintf(want, sizeof want, ",%.17g,%.17g,\n", mean[0] - 0.875, mean[0] + 0.875);
    cr_expect(strstr(r->out, want), "%s lacks %s", r->out, want);
    /* the uncalibrated model says so */
    r = run("predict", m, "--json", "--at", "thickness=120,temperature=1100,hold=30,cooling=5",
            NULL);
    j = parse_json(r->out);
    cr_expect(cJSON_IsNull(at_path(j, "predict", "interval")));
    cJSON_Delete(j);
}

/* A study given where a model file belongs: say what was expected, not a JSON syntax error. */
Test(cli_fit, predict_given_a_study_says_what_it_expected)
{
    const char *study = put("s.toml", "[data]\nfile = \"x.csv\"\n");
    result *r = run("predict", study, "--at", "x=1", NULL);
    cr_expect_eq(r->code, 2, "%s", r->err);
    cr_expect(strstr(r->err, "model file written by 'fit'"), "%s", r->err);
    cr_expect(!strstr(r->err, "JSON"), "%s", r->err);
}

/* fit names the rows it did not use (not yet run: no response values),
 * the first few and the rest by count. */
Test(cli_fit, fit_names_the_rows_it_left_out)
{
    static char data[1 << 16], text[4096];
    size_t n = slurp("data/brazing_l27.csv", data, sizeof data);
    cr_assert_gt(n, 100);
    /* rows of runs 5..9 (lines 6..10) keep their settings but lose every response */
    char out[1 << 16];
    size_t o = 0, line = 1;
    for (const char *p = data; *p; line++) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (line >= 6 && line <= 10) {
            size_t keep = 0, commas = 0;
            while (keep < len && commas < 5)
                commas += p[keep++] == ',';
            o += (size_t)snprintf(out + o, sizeof out - o, "%.*s,,\n", (int)keep, p);
        } else {
            o += (size_t)snprintf(out + o, sizeof out - o, "%.*s\n", (int)len, p);
        }
        p = e ? e + 1 : p + len;
    }
    write_file(tpath(0, "partial.csv"), out);
    snprintf(text, sizeof text,
             "[study]\nname = \"partial\"\nseed = 3\n[data]\nfile = \"partial.csv\"\n"
             BRAZING_THICKNESS_TEMPERATURE
             "[[response]]\nname = \"stress_max\"\ncolumn = \"stress_max_MPa\"\n"
             "[model]\nfile = \"partial.model.json\"\nhidden = [3]\nensemble = 1\n"
             "[train]\nepochs = 50\n[report]\nfile = \"partial.xlsx\"\n");
    const char *study = tpath(0, "partial.toml");
    write_file(study, text);
    result *r = run("fit", "--no-cv", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Data: 22 rows used, 5 excluded: line 6 (run 5) not yet run") &&
                  strstr(r->out, "line 8 (run 7) not yet run") &&
                  strstr(r->out, "; 2 more ('surrogate check' lists them)"),
              "%s", r->out);
    r = run("fit", "--no-cv", "--model", tpath(1, "whole.model.json"), BRAZING, NULL);
    cr_expect(r->code == 0 && !strstr(r->out, "excluded"), "%s", r->out);
}

/* Issue 12: a group of neighbouring runs off the additive pattern is found
 * wherever the table lists them.  The brazing table with its rows
 * shuffled (table row i + 1 holds run (10 i mod 27) + 1): stress_path2's
 * runs 25-27 (150 um, 1150 C) now sit on rows 25, 17 and 9, and are still
 * reported as one group, each run named. */
Test(cli_fit, group_off_the_pattern_found_in_any_row_order)
{
    static char data[1 << 16], text[4096];
    size_t n = slurp("data/brazing_l27.csv", data, sizeof data);
    cr_assert_gt(n, 100);
    const char *line[28];
    size_t len[28], k = 0;
    for (const char *p = data; *p && k < 28; k++) {
        const char *e = strchr(p, '\n');
        line[k] = p;
        len[k] = e ? (size_t)(e - p) : strlen(p);
        p = e ? e + 1 : p + len[k];
    }
    cr_assert_eq(k, 28);
    char out[1 << 16];
    size_t o = (size_t)snprintf(out, sizeof out, "%.*s\n", (int)len[0], line[0]);
    for (size_t i = 0; i < 27; i++) {
        size_t src = 1 + (10 * i) % 27;
        o += (size_t)snprintf(out + o, sizeof out - o, "%.*s\n", (int)len[src], line[src]);
    }
    write_file(tpath(0, "shuffled.csv"), out);
    snprintf(text, sizeof text,
             "[study]\nname = \"shuffled\"\nseed = 42\n[data]\nfile = \"shuffled.csv\"\n"
             BRAZING_THICKNESS_TEMPERATURE
             BRAZING_HOLD_COOLING
             "[[response]]\nname = \"stress_path2\"\ncolumn = \"stress_path2_MPa\"\n"
             "unit = \"MPa\"\n"
             "[model]\nfile = \"shuffled.model.json\"\n[report]\nfile = \"shuffled.xlsx\"\n");
    const char *study = tpath(0, "shuffled.toml");
    write_file(study, text);
    result *r = run("fit", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *doc = parse_json(r->out), *sr = at_path(at_path(doc, "fit", NULL), "suspicious_runs",
                                                    NULL);
    cr_assert_eq(cJSON_GetArraySize(sr), 3, "%s", r->out);
    const int rows[3] = {9, 17, 25};
    const char *runs[3] = {"27", "26", "25"};
    for (int i = 0; i < 3; i++) {
        cJSON *s = cJSON_GetArrayItem(sr, i);
        cr_expect(cJSON_IsTrue(at_path(s, "off_pattern", NULL)));
        cr_expect_eq(at_path(s, "row", NULL)->valueint, rows[i]);
        cr_expect_str_eq(at_path(s, "run", NULL)->valuestring, runs[i]);
        cr_expect_eq(at_path(s, "cluster", "first_row")->valueint, 9);
        cr_expect_eq(at_path(s, "cluster", "last_row")->valueint, 25);
        cJSON *members = at_path(s, "cluster", "rows");
        cr_assert_eq(cJSON_GetArraySize(members), 3);
        for (int m = 0; m < 3; m++)
            cr_expect_eq(cJSON_GetArrayItem(members, m)->valueint, rows[m]);
        /* 19.5 MPa above the pattern, as in table order */
        double dev = at_path(s, "z", NULL)->valuedouble * at_path(s, "scale", NULL)->valuedouble;
        cr_expect(dev > 19 && dev < 20, "%g", dev);
    }
    cJSON_Delete(doc);
    r = run("fit", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "run 27, run 26 and run 25, stress_path2: these neighbouring runs "
                             "lie 19.48 MPa above the additive pattern"),
              "%s", r->out);
}

/* Write text as study <name>.toml, run fit --json on it and return the
 * parsed document (caller deletes). */
static cJSON *fit_json_of(const char *name, const char *text)
{
    char file[80];
    snprintf(file, sizeof file, "%s.toml", name);
    const char *study = tpath(0, file);
    write_file(study, text);
    result *r = run("fit", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    return parse_json(r->out);
}

/* The first of fit's notes of this kind (NULL if none); *count: how many. */
static cJSON *note_of_kind(cJSON *doc, const char *kind, int *count)
{
    cJSON *nt, *first = NULL;
    *count = 0;
    cJSON_ArrayForEach(nt, at_path(doc, "fit", "notes"))
    {
        if (strcmp(at_path(nt, "kind", NULL)->valuestring, kind))
            continue;
        if (!(*count)++)
            first = nt;
    }
    return first;
}

/* An exact 2^(5-1) fractional factorial (main effects and one interaction;
 * found trying the product on a new table): the network misses run 3 by
 * 7 % of the range when it is held out, kriging predicts it from the other
 * 15 runs within 0.01.  The run agrees with the others: no "check this
 * simulation", and a note says whose error it is.  The penalty is the one
 * the search chose until session 22 (the window figure now takes 3e-3,
 * with which the network's miss stays below the flag), and the network
 * without its linear trend (with it, the network predicts run 3 as well
 * as kriging: the response is nearly a plane). */
Test(cli_fit, run_the_other_model_predicts_is_not_flagged)
{
    static char data[2048], text[2048];
    size_t o = (size_t)snprintf(data, sizeof data, "a,b,c,d,e,y\n");
    for (int i = 0; i < 16; i++) {
        double x[5] = {i & 8 ? 1 : -1, i & 4 ? 1 : -1, i & 2 ? 1 : -1, i & 1 ? 1 : -1, 0};
        x[4] = x[0] * x[1] * x[2] * x[3];
        double y = 20 + 3 * x[0] + 2 * x[1] - x[2] + 0.5 * x[3] + 0.8 * x[4] +
                   1.2 * x[0] * x[1] + 0.3 * x[2] * x[2];
        o += (size_t)snprintf(data + o, sizeof data - o, "%g,%g,%g,%g,%g,%.6g\n", x[0], x[1],
                              x[2], x[3], x[4], y);
    }
    write_file(tpath(0, "frac5.csv"), data);
    o = (size_t)snprintf(text, sizeof text,
                         "[study]\nname = \"frac5\"\nseed = 5\n[data]\nfile = \"frac5.csv\"\n");
    for (char f = 'a'; f <= 'e'; f++)
        o += (size_t)snprintf(text + o, sizeof text - o,
                              "[[factor]]\nname = \"%c\"\ncolumn = \"%c\"\nmin = -1\nmax = 1\n",
                              f, f);
    snprintf(text + o, sizeof text - o,
             "[[response]]\nname = \"y\"\ncolumn = \"y\"\n[model]\nfile = \"frac5.model.json\"\n"
             "trend = false\n[train]\nl2 = 3e-4\n[report]\nfile = \"frac5.xlsx\"\n");
    cJSON *doc = fit_json_of("frac5", text), *fit = at_path(doc, "fit", NULL);
    cr_expect_eq(cJSON_GetArraySize(at_path(fit, "suspicious_runs", NULL)), 0);
    int cleared;
    cJSON *nt = note_of_kind(doc, "model_misses_run", &cleared);
    cr_assert_eq(cleared, 1);
    const char *msg = at_path(nt, "message", NULL)->valuestring;
    cr_expect(strstr(msg, "run 3 (line 4)") && strstr(msg, "not flagged"), "%s", msg);
    /* the network's miss is material, kriging's is not */
    cr_expect_gt(fabs(at_path(nt, "value", NULL)->valuedouble), 0.5);
    cr_expect_lt(fabs(at_path(nt, "reference", NULL)->valuedouble), 0.05);
    /* two settings per factor: the design cannot show curvature, and says so */
    cJSON *cv = at_path(cJSON_GetArrayItem(at_path(fit, "responses", NULL), 0), "cv", NULL);
    const char *dn = at_path(cv, "design_note", NULL)->valuestring;
    cr_expect(strstr(dn, "factors 1, 2, 3, 4 and 5 have two settings each") != NULL, "%s", dn);
    cJSON_Delete(doc);
}

/* The study of a 21-run table over a in [0, 0.9], b in [0, 1]: 20 runs of
 * a Latin hypercube with a <= 0.878, and run 21 at a = 0.9, where the
 * response y = 30 b + a + 1e5 max(0, a - 0.885)^2 steepens; run 21's y is
 * last_y when finite. */
static cJSON *beyond_fit(const char *name, double last_y)
{
    static const double a[21] = {0.202, 0.428, 0.293, 0.247, 0.653, 0.787, 0.833,
                                 0.068, 0.113, 0.698, 0.473, 0.158, 0.562, 0.338,
                                 0.608, 0.022, 0.742, 0.517, 0.383, 0.878, 0.9};
    static const double b[21] = {0.275, 0.425, 0.175, 0.725, 0.875, 0.575, 0.475,
                                 0.975, 0.525, 0.075, 0.775, 0.825, 0.625, 0.125,
                                 0.225, 0.675, 0.325, 0.025, 0.375, 0.925, 0.5};
    static char data[2048], text[1024], file[64];
    size_t o = (size_t)snprintf(data, sizeof data, "run,a,b,y\n");
    for (int i = 0; i < 21; i++) {
        double k = fmax(0.0, a[i] - 0.885), y = 30 * b[i] + a[i] + 1e5 * k * k;
        if (i == 20 && isfinite(last_y))
            y = last_y;
        o += (size_t)snprintf(data + o, sizeof data - o, "%d,%g,%g,%.3f\n", i + 1, a[i], b[i], y);
    }
    snprintf(file, sizeof file, "%s.csv", name);
    write_file(tpath(0, file), data);
    snprintf(text, sizeof text,
             "[study]\nname = \"%s\"\nseed = 3\n[data]\nfile = \"%s.csv\"\n"
             "[[factor]]\nname = \"a\"\nmin = 0\nmax = 0.9\n"
             "[[factor]]\nname = \"b\"\nmin = 0\nmax = 1\n[[response]]\nname = \"y\"\n"
             "[model]\nfile = \"%s.model.json\"\n[report]\nfile = \"%s.xlsx\"\n",
             name, name, name, name);
    return fit_json_of(name, text);
}

/* A run beyond the range of the runs that predicted it (the largest a,
 * where the response steepens) is predicted by extrapolation: missed by
 * 22.6 when held out, it is not flagged, and a note names it, the factor
 * and the others' range.  A miss longer than the others' values span (a
 * garbage value there) stays flagged. */
Test(cli_fit, run_beyond_the_others_is_noted_not_flagged)
{
    cJSON *doc = beyond_fit("beyond", NAN), *fit = at_path(doc, "fit", NULL);
    cr_expect_eq(cJSON_GetArraySize(at_path(fit, "suspicious_runs", NULL)), 0);
    int noted;
    cJSON *nt = note_of_kind(doc, "run_beyond_others", &noted);
    cr_assert_eq(noted, 1);
    const char *msg = at_path(nt, "message", NULL)->valuestring;
    cr_expect(strstr(msg, "y: run 21 is ") && strstr(msg, "a = 0.9;") &&
                  strstr(msg, "span 0.022 to 0.878") && strstr(msg, "not flagged"),
              "%s", msg);
    cr_expect_gt(at_path(nt, "value", NULL)->valuedouble, 15.0, "observed above the prediction");
    cJSON_Delete(doc);
    doc = beyond_fit("garbage", 400.0);
    fit = at_path(doc, "fit", NULL);
    cJSON *runs = at_path(fit, "suspicious_runs", NULL);
    cr_assert_eq(cJSON_GetArraySize(runs), 1);
    cr_expect_eq(note_of_kind(doc, "run_beyond_others", &noted), NULL);
    cJSON_Delete(doc);
}

/* N of fit's "N warning(s) on the Summary sheet" (-1 when absent). */
static int summary_warnings(const char *out)
{
    const char *p = strstr(out, " on the Summary sheet");
    if (!p)
        return -1;
    while (p > out && p[-1] != '\n' && p[-1] != ' ')
        p--; /* back over "warning(s)" */
    p--;
    while (p > out && p[-1] >= '0' && p[-1] <= '9')
        p--;
    return atoi(p);
}

/* Bounds that leave out some runs (thickness bounds [50, 120] um, runs at
 * 150 um): fit warns with the count and the data's range, in the text, in
 * --json (factor_spans) and on the workbook's Summary sheet; the other
 * factors have nothing to say. */
Test(cli_fit, runs_outside_the_bounds_are_a_warning)
{
    char study[512]; /* tpath's buffer is reused by light_study below */
    snprintf(study, sizeof study, "%s", brazing_study("span", 120, ""));
    result *r = run("fit", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "WARNING: factor 'thickness': 9 of 27 runs lie outside the "
                             "study's bounds [50, 120] um (the data run from 50 to 150)") != NULL,
              "%s", r->out);
    cr_expect(strstr(r->out, "factor 'temperature'") == NULL, "%s", r->out);
    int with = summary_warnings(r->out);
    r = run("fit", light_study(""), NULL); /* the same table within its bounds */
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_eq(with, summary_warnings(r->out) + 1, "%s", r->out);
    r = run("fit", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *doc = parse_json(r->out), *spans = at_path(doc, "fit", "factor_spans");
    cr_assert_eq(cJSON_GetArraySize(spans), 4);
    cJSON *th = cJSON_GetArrayItem(spans, 0), *te = cJSON_GetArrayItem(spans, 1);
    cr_expect_eq(at_path(th, "runs_outside", NULL)->valueint, 9);
    cr_expect_float_eq(at_path(th, "data_max", NULL)->valuedouble, 150.0, 0);
    cr_expect(cJSON_IsString(at_path(th, "warning", NULL)));
    cr_expect(cJSON_IsNull(at_path(te, "warning", NULL)));
    cJSON_Delete(doc);
}

/* A creep-life-like response over 3 decades: fit says that its largest
 * values dominate every figure in its unit and that its logarithm would
 * model it better (a note, kind spans_decades, value = the decades). */
Test(cli_fit, response_spanning_decades_gets_a_note)
{
    static char data[2048], text[1024];
    size_t o = (size_t)snprintf(data, sizeof data, "stress,temp,life\n");
    for (int i = 0; i < 16; i++) {
        double s = 100 + 200 * ((i * 7) % 16 + 0.5) / 16, t = 500 + 200 * (i + 0.5) / 16;
        o += (size_t)snprintf(data + o, sizeof data - o, "%g,%g,%.6g\n", s, t,
                              exp(25 - 0.03 * s - 0.03 * t));
    }
    write_file(tpath(0, "creep.csv"), data);
    snprintf(text, sizeof text,
             "[study]\nname = \"creep\"\n[data]\nfile = \"creep.csv\"\n"
             "[[factor]]\nname = \"stress\"\nmin = 100\nmax = 300\n"
             "[[factor]]\nname = \"temp\"\nmin = 500\nmax = 700\n"
             "[[response]]\nname = \"life\"\n"
             "[model]\nfile = \"creep.model.json\"\nhidden = [4]\nensemble = 2\n"
             "[train]\nepochs = 200\n[report]\nfile = \"creep.xlsx\"\n");
    cJSON *doc = fit_json_of("creep", text);
    int found;
    cJSON *nt = note_of_kind(doc, "spans_decades", &found);
    cr_assert_eq(found, 1);
    /* life from exp(25 - 0.03 (s + t)) */
    double lo = 1e300, hi = 0;
    for (int i = 0; i < 16; i++) {
        double s = 100 + 200 * ((i * 7) % 16 + 0.5) / 16, t = 500 + 200 * (i + 0.5) / 16;
        lo = fmin(lo, exp(25 - 0.03 * s - 0.03 * t));
        hi = fmax(hi, exp(25 - 0.03 * s - 0.03 * t));
    }
    cr_expect_float_eq(at_path(nt, "value", NULL)->valuedouble, log10(hi / lo), 1e-4);
    cr_expect(strstr(at_path(nt, "message", NULL)->valuestring, "logarithm") != NULL);
    cJSON_Delete(doc);
}

/* type = "auto" that chose the network on its own folds while kriging's
 * leave-one-out beside it is far better (a replicated 2^3 with a category:
 * leave-one-out keeps each run's twin): the note says what auto did and how
 * to force kriging, not "consider type = auto". */
Test(cli_fit, kriging_better_note_under_auto_says_what_auto_did)
{
    static char data[1024];
    size_t o = (size_t)snprintf(data, sizeof data, "a,b,alloy,y\n");
    for (int i = 0; i < 16; i++) {
        int a = i & 4 ? 20 : 10, b = i & 2 ? 3 : 1, c = i & 1;
        o += (size_t)snprintf(data + o, sizeof data - o, "%d,%d,%s,%.4g\n", a, b,
                              c ? "BNi-2" : "BAg-8", 50 + 0.5 * a + 2 * b + 3 * c + 0.1 * a * b);
    }
    write_file(tpath(0, "cat.csv"), data);
    cJSON *doc = fit_json_of("cat", "[study]\nname = \"cat\"\n[data]\nfile = \"cat.csv\"\n"
                                    "[[factor]]\nname = \"a\"\nmin = 10\nmax = 20\n"
                                    "[[factor]]\nname = \"b\"\nmin = 1\nmax = 3\n"
                                    "[[factor]]\nname = \"alloy\"\ntype = \"category\"\n"
                                    "levels = [\"BAg-8\", \"BNi-2\"]\n"
                                    "[[response]]\nname = \"y\"\n[model]\ntype = \"auto\"\n"
                                    "file = \"cat.model.json\"\n[report]\nfile = \"cat.xlsx\"\n");
    int n;
    cJSON *nt = note_of_kind(doc, "kriging_clearly_better", &n);
    cr_assert_eq(n, 1);
    const char *msg = at_path(nt, "message", NULL)->valuestring;
    cr_expect(strstr(msg, "type = \"auto\" chose the network by its own folds") != NULL, "%s",
              msg);
    cr_expect(strstr(msg, "consider") == NULL, "%s", msg);
    cJSON_Delete(doc);
}

/* Runs repeated at the same settings: `fit` sets the CV error against
 * their scatter (each of 9 settings run twice, the two 1.0 apart, the
 * first once more at their mean: sd sqrt(4.5 / 10) on 10 degrees of
 * freedom). */
/* rep.csv: 9 settings of a quadratic, each run twice at +- half_apart,
 * the first once more at its mean. */
static void put_repeated_runs(double half_apart)
{
    char csv[2048] = "a,b,y\n";
    for (int i = 0; i < 18; i++) {
        int a = 10 + 10 * (i / 2 % 3), b = 1 + i / 6;
        char line[64];
        snprintf(line, sizeof line, "%d,%d,%.2f\n", a, b,
                 50.0 + 0.8 * a - 3.0 * b + 0.02 * a * a + (i % 2 ? half_apart : -half_apart));
        strcat(csv, line);
    }
    strcat(csv, "10,1,57.00\n");
    put("rep.csv", csv);
}

Test(cli_fit, repeated_runs_give_the_noise_floor)
{
    put_repeated_runs(0.5);
    const char *study = put("rep.toml",
                            "[study]\nname = \"rep\"\nseed = 3\n[data]\nfile = \"rep.csv\"\n"
                            "[[factor]]\nname = \"a\"\ncolumn = \"a\"\nmin = 10\nmax = 30\n"
                            "[[factor]]\nname = \"b\"\ncolumn = \"b\"\nmin = 1\nmax = 3\n"
                            "[[response]]\nname = \"y\"\ncolumn = \"y\"\n"
                            "[report]\nfile = \"rep.xlsx\"\n[model]\nhidden = [3]\nensemble = 2\n"
                            "[train]\nepochs = 150\nvalidation = \"kfold:3\"\n");
    result *r = run("fit", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_json(r->out);
    cJSON *cv = at_path(cJSON_GetArrayItem(at_path(at_path(j, "fit", NULL), "responses", NULL), 0),
                        "cv", NULL);
    cJSON *rep = at_path(cv, "replicates", NULL);
    cr_expect(fabs(at_path(rep, "sd", NULL)->valuedouble - sqrt(0.45)) < 1e-12);
    cr_expect_eq(at_path(rep, "dof", NULL)->valueint, 10);
    cr_expect_eq(at_path(rep, "settings", NULL)->valueint, 9);
    const char *acc = at_path(cv, "accuracy", NULL)->valuestring;
    cr_expect(strstr(acc, "runs repeated at the same settings scatter by sd 0.671 (10 degrees of "
                          "freedom)"),
              "%s", acc);
    /* the error is within the repeats' own uncertainty of them: said so,
     * not "1 times that floor" */
    const char *floor_at = strstr(acc, "the error is at that floor (");
    cr_assert_not_null(floor_at, "%s", acc);
    double ratio = strtod(floor_at + strlen("the error is at that floor ("), NULL);
    cr_expect(ratio > 0.5 && ratio <= 1.0 + 2.0 / sqrt(20.0), "%s", acc);
    cr_expect(strstr(acc, "times it), as close as the runs repeat"), "%s", acc);
    cJSON_Delete(j);
    /* the text lists the repeats and says what they measure */
    r = run("fit", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Model: 2 factors -> 1 response; "), "%s", r->out);
    cr_expect(strstr(r->out, "y: 9 settings repeated, scatter sd 0.671 (10 degrees of freedom): "
                             "the noise no model can predict"),
              "%s", r->out);
    /* one line per setting, its runs and their values */
    cr_expect(strstr(r->out, "(10 runs unlike the first run at the same settings):\n"
                             "  run 1 (line 2), run 2 (line 3) and run 19 (line 20): y 56.5, "
                             "57.5, 57\n"),
              "%s", r->out);
    /* the same runs repeated 25 times closer (sd 0.0268): the model's error
     * is now well above the floor, and the ratio is given */
    char study_path[512];
    snprintf(study_path, sizeof study_path, "%s", study); /* put() reuses its buffers */
    put_repeated_runs(0.02);
    r = run("fit", study_path, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    const char *times = strstr(r->out, "scatter by sd 0.0268 (10 degrees of freedom): the error is ");
    cr_assert_not_null(times, "%s", r->out);
    ratio = strtod(times + strlen("scatter by sd 0.0268 (10 degrees of freedom): the error is "),
                   NULL);
    cr_expect(ratio > 1.0 + 2.0 / sqrt(20.0) && strstr(times, " times that floor"), "%s", r->out);
}

/* A Box-Behnken table (15 runs, 3 centre runs; found trying the product on
 * a new study).  cycle is linear: the quadratic is exact, and so is the
 * network with its linear trend (CV RMSE 1e-11).  Two figures at rounding
 * are a tie: neither the note nor the gate calls the quadratic better
 * (before the trend's residual was rescaled, the network's 0.03 was clearly
 * worse), and no figure prints rounding noise. */
Test(cli_fit, exact_baseline_and_its_note_on_a_box_behnken_table)
{
    put("bb.csv", "run,melt_C,pack_MPa,cool_s,warpage_mm,cycle_s\n"
                  "1,220,60,20,0.7766,25.72\n2,220,100,20,0.5886,25.80\n"
                  "3,260,60,20,0.8926,26.52\n4,260,100,20,0.8326,26.60\n"
                  "5,220,80,10,0.7800,16.76\n6,220,80,30,0.5772,34.76\n"
                  "7,260,80,10,0.9600,17.56\n8,260,80,30,0.7572,35.56\n"
                  "9,240,60,10,0.9760,17.12\n10,240,60,30,0.7732,35.12\n"
                  "11,240,100,10,0.8520,17.20\n12,240,100,30,0.6492,35.20\n"
                  "13,240,80,20,0.7286,26.16\n14,240,80,20,0.7286,26.16\n"
                  "15,240,80,20,0.7286,26.16\n");
    const char *study =
        put("bb.toml", "[study]\nname = \"bb\"\nseed = 7\n[data]\nfile = \"bb.csv\"\n"
                       "[[factor]]\nname = \"melt\"\ncolumn = \"melt_C\"\nmin = 220\nmax = 260\n"
                       "[[factor]]\nname = \"pack\"\ncolumn = \"pack_MPa\"\nmin = 60\nmax = 100\n"
                       "[[factor]]\nname = \"cool\"\ncolumn = \"cool_s\"\nmin = 10\nmax = 30\n"
                       "[[response]]\nname = \"warpage\"\ncolumn = \"warpage_mm\"\n"
                       "[[response]]\nname = \"cycle\"\ncolumn = \"cycle_s\"\n"
                       "[report]\nfile = \"bb.xlsx\"\n");
    result *r = run("fit", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "cycle kept (0 to rounding, "), "%s", r->out);
    cr_expect_null(strstr(r->out, "cycle: the quadratic response surface is clearly better"),
                   "%s", r->out);
    cr_expect_null(strstr(r->out, "cycle: the model's cross-validated RMSE"), "%s", r->out);
    cr_expect_null(strstr(r->out, "e-1"), "no rounding noise printed: %s", r->out);
    cr_expect(strstr(r->out, "agree exactly (1 setting)"), "%s", r->out);
}

/* An L8 of 7 two-level factors (a saturated screening design): main effects
 * take all 8 runs, so no fold of 7 can fit the baseline, and fit says why. */
Test(cli_fit, saturated_design_says_why_the_baseline_has_no_cv)
{
    static const int l8[8][7] = {{0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 1, 1, 1, 1},
                                 {0, 1, 1, 0, 0, 1, 1}, {0, 1, 1, 1, 1, 0, 0},
                                 {1, 0, 1, 0, 1, 0, 1}, {1, 0, 1, 1, 0, 1, 0},
                                 {1, 1, 0, 0, 1, 1, 0}, {1, 1, 0, 1, 0, 0, 1}};
    char csv[1024] = "a,b,c,d,e,f,g,y\n", toml[2048] =
        "[study]\nname = \"l8\"\nseed = 1\n[data]\nfile = \"l8.csv\"\n";
    for (int i = 0; i < 8; i++) {
        const int *x = l8[i];
        size_t k = strlen(csv);
        snprintf(csv + k, sizeof csv - k, "%d,%d,%d,%d,%d,%d,%d,%g\n", x[0], x[1], x[2], x[3],
                 x[4], x[5], x[6], 10 + 3 * x[0] - 2 * x[3] + 1.5 * x[6]);
    }
    for (char c = 'a'; c <= 'g'; c++) {
        size_t k = strlen(toml);
        snprintf(toml + k, sizeof toml - k, "[[factor]]\nname = \"%c\"\nmin = 0\nmax = 1\n", c);
    }
    strcat(toml, "[[response]]\nname = \"y\"\n[report]\nfile = \"l8.xlsx\"\n");
    put("l8.csv", csv);
    result *r = run("fit", put("l8.toml", toml), NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "  note (quadratic, CV): not available: even main effects in 7 "
                             "factors need 8 rows but only 7 rows are available\n"),
              "%s", r->out);
}
