/* End-to-end tests of the model types ([model] type = "gp" / "auto"): fit
 * with the side-by-side CV figures, then predict, optimize and report on a
 * kriging model (binary in $SURROGATE_BIN, run from the project root). */
#include <gsl/gsl_errno.h>

#include "cli_harness.h"
#include "light_study.h"
#include "model/model.h"

static void setup(void)
{
    gsl_set_error_handler_off();
    harness_setup();
}

TestSuite(cli_gp, .init = setup, .fini = harness_teardown);

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
