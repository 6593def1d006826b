/* test_saved.c — the saved-work verdicts: a model and its results file that
 * belong together and are current, stale data, stale settings, a results
 * file of another model, a missing results file, a missing model. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "optim/saved.h"

#define NR 12
#define NI 2
#define NO 2
#define DATA_HASH "00000000000000aa"
#define SETTINGS_HASH "00000000000000bb"

static char dir[64], model_path[128], results_path[160];

static sg_model *fit_tiny(void)
{
    gsl_set_error_handler_off();
    double X[NR * NI], Y[NR * NO];
    for (int i = 0; i < NR; i++) {
        X[i * NI] = 50.0 + 100.0 * fmod(0.618034 * i + 0.2, 1.0);
        X[i * NI + 1] = 3.0 + 4.0 * fmod(0.5698403 * i + 0.1, 1.0);
        Y[i * NO] = 500.0 - 0.4 * X[i * NI] - 2.385 * X[i * NI + 1];
        Y[i * NO + 1] = 410.0 + 0.01 * X[i * NI] * X[i * NI + 1];
    }
    sg_model_spec s = sg_model_spec_defaults();
    s.n_hidden = 1;
    s.hidden[0] = 3;
    s.ensemble = 2;
    s.train.epochs = 20;
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&s, NI, NO, X, Y, NR, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    cr_assert_eq(sg_model_set_hashes(m, DATA_HASH, SETTINGS_HASH, NULL), SG_OK);
    return m;
}

/* Save results for hashes (data, settings) with n_out responses. */
static void save_results(const char *data, const char *settings, size_t n_out)
{
    sg_results *r = sg_results_create(n_out);
    cr_assert_not_null(r);
    snprintf(r->data_hash, sizeof r->data_hash, "%s", data);
    snprintf(r->settings_hash, sizeof r->settings_hash, "%s", settings);
    sg_error err;
    cr_assert_eq(sg_results_save(r, results_path, &err), SG_OK, "%s", err.msg);
    sg_results_destroy(r);
}

static void setup(void)
{
    strcpy(dir, "/tmp/sg_saved_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(model_path, sizeof model_path, "%s/b.model.json", dir);
    snprintf(results_path, sizeof results_path, "%s/b.model.results.json", dir);
    sg_model *m = fit_tiny();
    sg_error err;
    cr_assert_eq(sg_model_save(m, model_path, &err), SG_OK, "%s", err.msg);
    sg_model_destroy(m);
    save_results(DATA_HASH, SETTINGS_HASH, NO);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(saved, .init = setup, .fini = teardown);

static sg_saved *open_ok(const char *data, const char *settings, size_t n_resp)
{
    sg_saved *s = NULL;
    sg_error err;
    cr_assert_eq(sg_saved_open(model_path, data, settings, n_resp, &s, &err), SG_OK, "%s",
                 err.msg);
    cr_assert_not_null(s);
    cr_assert_not_null(s->model);
    cr_expect_str_eq(s->model_path, model_path);
    cr_expect_str_eq(s->results_path, results_path);
    return s;
}

Test(saved, belong_together_and_current)
{
    sg_saved *s = open_ok(DATA_HASH, SETTINGS_HASH, NO);
    cr_expect_eq(s->verdict, SG_SAVED_CURRENT);
    cr_expect_str_eq(s->message, "");
    cr_expect(sg_saved_model_current(s));
    cr_assert_not_null(s->results);
    cr_expect_str_eq(s->results->data_hash, DATA_HASH);
    cr_expect_eq(s->results->n_out, NO);
    cr_expect_str_eq(sg_saved_verdict_name(s->verdict), "current");
    sg_saved_destroy(s);
}

Test(saved, stale_data)
{
    sg_saved *s = open_ok("00000000000000ab", SETTINGS_HASH, NO);
    cr_expect_eq(s->verdict, SG_SAVED_STALE_DATA);
    cr_expect_not(sg_saved_model_current(s));
    cr_expect_null(s->results);
    char want[512];
    snprintf(want, sizeof want,
             "the model %s is stale: the data file changed since the model was fitted (data "
             "hash 00000000000000ab, model fitted on " DATA_HASH ")",
             model_path);
    cr_expect_str_eq(s->message, want);
    sg_saved_destroy(s);
}

Test(saved, stale_settings)
{
    sg_saved *s = open_ok(DATA_HASH, "00000000000000bc", NO);
    cr_expect_eq(s->verdict, SG_SAVED_STALE_SETTINGS);
    cr_expect_null(s->results);
    cr_expect(strstr(s->message, "fit settings") != NULL, "%s", s->message);
    cr_expect(strstr(s->message, "settings hash 00000000000000bc, model fitted with " SETTINGS_HASH)
                  != NULL,
              "%s", s->message);
    sg_saved_destroy(s);
}

Test(saved, mismatched_pair)
{
    save_results("00000000000000cc", SETTINGS_HASH, NO); /* another model's results */
    sg_saved *s = open_ok(DATA_HASH, SETTINGS_HASH, NO);
    cr_expect_eq(s->verdict, SG_SAVED_MISMATCHED);
    cr_expect(sg_saved_model_current(s)); /* the model itself is fine */
    cr_expect_null(s->results);
    char want[600];
    snprintf(want, sizeof want,
             "the saved results %s belong to another model than %s (its data hash "
             "00000000000000cc is not the model's " DATA_HASH ")",
             results_path, model_path);
    cr_expect_str_eq(s->message, want);
    sg_saved_destroy(s);
}

Test(saved, mismatched_response_count)
{
    sg_saved *s = open_ok(DATA_HASH, SETTINGS_HASH, NO + 1);
    cr_expect_eq(s->verdict, SG_SAVED_MISMATCHED);
    cr_expect(strstr(s->message, "it holds 2 responses, the study 3") != NULL, "%s", s->message);
    sg_saved_destroy(s);
}

Test(saved, missing_results)
{
    cr_assert_eq(unlink(results_path), 0);
    sg_saved *s = open_ok(DATA_HASH, SETTINGS_HASH, NO);
    cr_expect_eq(s->verdict, SG_SAVED_NO_RESULTS);
    cr_expect_eq(s->results_status, SG_ERR_IO);
    char want[400];
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", results_path);
    cr_expect_str_eq(s->message, want);
    sg_saved_destroy(s);
}

Test(saved, missing_model_is_an_error)
{
    cr_assert_eq(unlink(model_path), 0);
    sg_saved *s = (sg_saved *)&s;
    sg_error err;
    cr_expect_eq(sg_saved_open(model_path, DATA_HASH, SETTINGS_HASH, NO, &s, &err), SG_ERR_IO);
    cr_expect_null(s);
    cr_expect(strstr(err.msg, "b.model.json: cannot open") != NULL, "%s", err.msg);
    cr_expect_eq(sg_saved_open(NULL, DATA_HASH, SETTINGS_HASH, NO, &s, &err), SG_ERR_INVALID);
    sg_saved_destroy(NULL);
}
