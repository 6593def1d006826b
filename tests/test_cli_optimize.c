/* End-to-end tests of `surrogate optimize` (binary in $SURROGATE_BIN, run
 * from the project root): fit the brazing study into a temporary directory,
 * optimise, check the JSON answer; stale models are refused, --fit refits;
 * bad [optimize] input fails before any work. */
#include "cli_harness.h"

#define BRAZING "studies/brazing.toml"

TestSuite(cli_optimize, .init = harness_setup, .fini = harness_teardown);

static cJSON *get(cJSON *o, const char *key)
{
    cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert_not_null(x, "missing JSON key %s", key);
    return x;
}

/* A light study on the brazing data in tmpdir (small network, model file
 * beside it); seed and epochs vary per test; optimize is the section text. */
static const char *light_study(int seed, int epochs, const char *optimize)
{
    char cwd[200], text[4096];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    snprintf(text, sizeof text,
             "[study]\nname = \"light\"\nseed = %d\n[data]\nfile = \"%s/data/brazing_l27.csv\"\n"
             "[[factor]]\nname = \"thickness\"\ncolumn = \"thickness_um\"\nunit = \"um\"\n"
             "min = 50\nmax = 150\nlevels = [50, 100, 150]\n"
             "[[factor]]\nname = \"temperature\"\ncolumn = \"temperature_C\"\nunit = \"C\"\n"
             "min = 1090\nmax = 1150\n"
             "[[factor]]\nname = \"hold\"\ncolumn = \"hold_min\"\nmin = 20\nmax = 40\n"
             "[[factor]]\nname = \"cooling\"\ncolumn = \"cooling_C_per_min\"\nmin = 3\nmax = 7\n"
             "[[response]]\nname = \"stress_max\"\ncolumn = \"stress_max_MPa\"\nunit = \"MPa\"\n"
             "goal = \"minimize\"\n"
             "[[response]]\nname = \"stress_path2\"\ncolumn = \"stress_path2_MPa\"\n"
             "[model]\nfile = \"light.model.json\"\nhidden = [4]\nensemble = 2\n"
             "[train]\nepochs = %d\n%s\n[report]\nfile = \"light.xlsx\"\n",
             seed, cwd, epochs, optimize);
    const char *p = tpath(0, "light.toml");
    write_file(p, text);
    return p;
}

Test(cli_optimize, brazing_end_to_end, .timeout = 300)
{
    const char *model = tpath(1, "brazing.model.json");
    result *r = run("fit", "-q", "--no-cv", "--model", model, BRAZING, NULL);
    cr_assert_eq(r->code, 0, "fit failed: %s", r->err);

    r = run("optimize", "--model", model, BRAZING, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    const char *text_parts[] = {"Problem", "minimize stress_max [MPa]", "GN_DIRECT_L", "LD_SLSQP",
                                "seed 42", "Answer", "ensemble mean ± spread",
                                "nearest tested run", "best tested run", "main-effects best",
                                "Statistics over 32 starts", "distinct optima"};
    for (size_t i = 0; i < sizeof text_parts / sizeof text_parts[0]; i++)
        cr_expect(strstr(r->out, text_parts[i]) != NULL, "missing '%s' in:\n%s", text_parts[i],
                  r->out);

    r = run("optimize", "--json", "-m", model, BRAZING, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j, "not JSON: %.200s", r->out);
    cr_expect(cJSON_IsTrue(get(j, "ok")));
    cJSON *o = get(j, "optimize");
    const char *keys[] = {"problem", "optimum", "coverage", "comparison", "realisable",
                          "statistics", "optima", "starts", "model"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        get(o, keys[i]);
    cr_expect_str_eq(get(get(o, "model"), "source")->valuestring, "file");
    cr_expect(cJSON_IsNull(get(get(o, "optimum"), "interval")));
    cJSON *opt = get(o, "optimum");
    cr_expect(cJSON_IsTrue(get(opt, "feasible")));
    cJSON *set = get(opt, "settings");
    const struct { const char *name; double lo, hi; } b[] = {
        {"thickness", 50, 150}, {"temperature", 1090, 1150}, {"hold", 20, 40}, {"cooling", 3, 7}};
    for (size_t i = 0; i < 4; i++) {
        double v = get(set, b[i].name)->valuedouble;
        cr_expect(v >= b[i].lo && v <= b[i].hi, "%s = %g", b[i].name, v);
    }
    double pred = get(get(get(opt, "predicted"), "stress_max"), "mean")->valuedouble;
    double best_run = get(get(get(o, "comparison"), "best_tested_run"), "measured")->valuedouble;
    cr_expect_eq(best_run, 470.8);
    cr_expect(pred <= best_run + 1.0, "predicted %g vs best tested %g", pred, best_run);
    cr_expect(pred > 400.0, "predicted %g", pred);
    cr_expect_eq(get(get(o, "problem"), "starts")->valueint, 32);
    cr_expect_eq(cJSON_GetArraySize(get(o, "starts")), 32);
    cJSON_Delete(j);

    /* a missing model file: I/O error with advice */
    r = run("optimize", "--model", tpath(2, "nothing.json"), BRAZING, NULL);
    cr_expect_eq(r->code, 3);
    cr_expect(strstr(r->err, "surrogate fit") != NULL, "%s", r->err);
}

Test(cli_optimize, stale_model_is_refused_and_fit_refits, .timeout = 300)
{
    const char *opt = "[optimize]\nstarts = 4\nconstraints = [\"stress_path2 <= 470\"]\n"
                      "levels_only = [\"thickness\"]\n";
    const char *study = light_study(11, 150, opt);
    result *r = run("fit", "-q", "--no-cv", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    r = run("optimize", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = cJSON_Parse(r->out);
    cr_assert_not_null(j);
    cJSON *o = get(j, "optimize");
    cJSON *re = get(o, "realisable");
    cr_expect(cJSON_IsTrue(get(re, "needed")));
    cr_assert(cJSON_IsTrue(get(re, "found")));
    double th = get(get(re, "settings"), "thickness")->valuedouble;
    cr_expect(th == 50 || th == 100 || th == 150, "thickness %g", th);
    double p2 = get(get(get(get(o, "optimum"), "predicted"), "stress_path2"), "mean")->valuedouble;
    cr_expect(p2 <= 470 + 1e-6, "stress_path2 %g", p2);
    cJSON_Delete(j);

    /* another seed: the saved model no longer matches the study */
    study = light_study(12, 150, opt);
    r = run("optimize", study, NULL);
    cr_expect_eq(r->code, 1, "stale model accepted: %s", r->out);
    cr_expect(strstr(r->err, "stale") != NULL && strstr(r->err, "--fit") != NULL, "%s", r->err);
    cr_expect_eq(r->out[0], '\0', "printed an answer: %s", r->out);
    /* other training settings: stale too */
    study = light_study(11, 160, opt);
    r = run("optimize", "-q", study, NULL);
    cr_expect_eq(r->code, 1, "%s", r->out);

    /* --fit refits (and saves), after which the model is current */
    r = run("optimize", "--fit", "--json", study, NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
    j = cJSON_Parse(r->out);
    cr_assert_not_null(j);
    cr_expect_str_eq(get(get(get(j, "optimize"), "model"), "source")->valuestring, "fit");
    /* fitted with cross-validation: a calibrated interval around the prediction */
    cJSON *iv = get(get(get(j, "optimize"), "optimum"), "interval");
    cr_expect_eq(get(iv, "level")->valuedouble, 0.95);
    cJSON *ivs = get(iv, "stress_max");
    cr_expect(get(ivs, "lower")->valuedouble < get(ivs, "upper")->valuedouble);
    cr_expect_not_null(cJSON_GetObjectItem(j, "fit"));
    cJSON_Delete(j);
    r = run("optimize", "-q", study, NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
}

Test(cli_optimize, bad_input_fails_before_any_work)
{
    /* no model file exists: the [optimize] error must come first */
    const char *study = light_study(11, 150, "[optimize]\nbounds = { hold = [40, 20] }\n");
    result *r = run("optimize", study, NULL);
    cr_expect_eq(r->code, 1);
    cr_expect(strstr(r->err, "light.toml:44:") != NULL && strstr(r->err, "inverted") != NULL,
              "%s", r->err);
    study = light_study(11, 150, "[optimize]\nstarts = 0\n");
    r = run("optimize", "--json", study, NULL);
    cr_expect_eq(r->code, 1);
    cr_expect(strstr(r->out, "starts must be between 1") != NULL, "%s", r->out);
    r = run("optimize", "--bogus", study, NULL);
    cr_expect_eq(r->code, 2);
    r = run("optimize", "--help", NULL);
    cr_expect_eq(r->code, 0);
    cr_expect(strstr(r->out, "--fit") != NULL);
}

/* Regression: with a saved model whose results file belongs to another model
 * (or is missing), optimize used to say "results saved to ..." (and give the
 * path in JSON) while writing nothing.  It must say what really happened. */
Test(cli_optimize, unusable_saved_results_are_not_claimed_saved, .timeout = 300)
{
    const char *study = light_study(13, 60, "[optimize]\nstarts = 2\n");
    result *r = run("fit", "-q", "--no-cv", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    const char *rp = tpath(2, "light.model.results.json");
    static char text[1 << 20], after[1 << 20];
    size_t n = slurp(rp, text, sizeof text);
    char *dh = strstr(text, "\"data_hash\":\t\"");
    cr_assert_not_null(dh, "%s", text);
    memcpy(dh + strlen("\"data_hash\":\t\""), "0123456789abcdef", 16); /* another model's */
    write_file(rp, text);

    r = run("optimize", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_out(r);
    cJSON *rep = get(j, "report");
    cr_expect(cJSON_IsNull(get(rep, "results")), "results claimed saved: %s", r->out);
    cr_expect_str_eq(get(get(get(j, "optimize"), "model"), "source")->valuestring, "file");
    cJSON_Delete(j);
    cr_expect_eq(slurp(rp, after, sizeof after), n);
    cr_expect_str_eq(after, text, "the mismatched results file was rewritten");

    r = run("optimize", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_null(strstr(r->out, "results saved to"), "%s", r->out);
    cr_expect(strstr(r->err, "results not saved to ") != NULL, "%s", r->err);
    cr_expect(strstr(r->err, "belong to another model") != NULL, "%s", r->err);

    /* a missing results file is not created from nothing either */
    cr_assert_eq(unlink(rp), 0);
    r = run("optimize", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect_null(strstr(r->out, "results saved to"), "%s", r->out);
    cr_expect(strstr(r->err, "results not saved to ") != NULL, "%s", r->err);
    cr_expect_eq(access(rp, F_OK), -1, "a results file appeared");
}
