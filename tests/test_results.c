/* test_results_io.c — the saved results: exact round trip, corrupt files
 * rejected with a message, histories restored into a loaded model. */
#include <cJSON.h>
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/results.h"
#include "table_test.h"

#define NH 7 /* held-out predictions */
#define NO 2 /* responses */
#define ND 3 /* factors */

static char dir[64];

static void setup(void)
{
    gsl_set_error_handler_off();
    strcpy(dir, "/tmp/sg_test_results_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(results_io, .init = setup, .fini = teardown);

static const char *path_of(const char *name)
{
    static char p[2][128];
    static int k;
    k ^= 1;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

/* "High-entropy" values that need all 17 digits, with a NaN and an inf. */
static double val(size_t i)
{
    return 412.0 + 2.385 * sin(1.7 * (double)i + 0.3) / 3.0 + 1e-13 * (double)i;
}

static void fill_metrics(sg_metrics *m, size_t s)
{
    m->n = 27;
    m->r2 = 0.9 + val(s) * 1e-5;
    m->r2_ok = s % 2 == 0;
    m->rmse = val(s + 1) / 97.0;
    m->mae = val(s + 2) / 131.0;
    m->max_abs = val(s + 3) / 17.0;
    m->max_row = s % 27;
    snprintf(m->reason, sizeof m->reason, "%s", s % 2 ? "response is constant" : "");
}

static sg_results *make_results(void)
{
    sg_results *r = sg_results_create(NO);
    cr_assert_not_null(r);
    snprintf(r->data_hash, sizeof r->data_hash, "3f2a9c01b7d4e655");
    snprintf(r->settings_hash, sizeof r->settings_hash, "00aa11bb22cc33dd");
    for (size_t j = 0; j < NO; j++)
        fill_metrics(&r->train[j], 10 * j);
    sg_cv_result *cv = calloc(1, sizeof *cv);
    cr_assert_not_null(cv);
    cv->plan.kind = SG_CV_KFOLD;
    cv->plan.k = 3;
    cv->plan.repeats = 2;
    cv->plan.fraction = 0.2;
    cv->n_rows = 27;
    cv->n_out = NO;
    cv->n_folds = 6;
    cv->saturated = true; /* as if: the figures travel */
    cv->main_terms = 8;
    cv->fewest_training = 7;
    cv->n_held = NH;
    cv->held_row = calloc(NH, sizeof(size_t));
    cv->held_fold = calloc(NH, sizeof(size_t));
    cv->obs = calloc(NH * NO, sizeof(double));
    cv->pred = calloc(NH * NO, sizeof(double));
    cv->sd = calloc(NH * NO, sizeof(double));
    cv->rsm_pred = calloc(NH * NO, sizeof(double));
    cv->resp = calloc(NO, sizeof *cv->resp);
    cv->n_outliers = 2;
    cv->outliers = calloc(2, sizeof *cv->outliers);
    for (size_t i = 0; i < NH; i++) {
        cv->held_row[i] = (i * 5) % 27;
        cv->held_fold[i] = i % 6;
        for (size_t j = 0; j < NO; j++) {
            cv->obs[i * NO + j] = val(i * NO + j);
            cv->pred[i * NO + j] = val(i * NO + j + 100);
            cv->sd[i * NO + j] = val(i * NO + j + 200) / 1000.0;
            cv->rsm_pred[i * NO + j] = -val(i * NO + j + 300);
        }
    }
    for (size_t j = 0; j < NO; j++) {
        sg_cv_response *c = &cv->resp[j];
        fill_metrics(&c->net, 3 + j);
        fill_metrics(&c->rsm, 5 + j);
        c->rsm_ok = j == 0;
        snprintf(c->rsm_reason, sizeof c->rsm_reason, "rank \"deficient\"\n %zu", j);
        c->level = 0.95;
        c->half_width = val(j + 40);
        c->coverage = 25.0 / 27.0;
        c->spread_factor_ok = j == 1;
        c->spread_factor = j == 1 ? val(j + 41) : NAN;
        snprintf(c->interval_note, sizeof c->interval_note, "%s", j ? "" : "too few rows");
        c->window_ok = j == 0;
        c->window_rmse = val(j + 45) / 7.0;
        c->window_half_width = val(j + 46) / 3.0;
        c->window_tau = j ? 0.0 : val(j + 47) / 1e3;
        c->window_disagreement = j ? 0.0 : val(j + 48) / 11.0;
        c->window_kriging_rmse = j ? 0.0 : val(j + 49) / 13.0;
        c->window_raised = j != 0; /* unlike window_ok */
        c->rsm_log_rmse = val(j + 50) / 17.0;
        c->replicate_sd = j ? 0.0 : val(j + 51) / 19.0;
        c->replicate_dof = 3 * j + 1;
        c->replicate_settings = j + 1;
        snprintf(c->window_note, sizeof c->window_note, "%s",
                 j ? "not computed above 200 rows" : "");
        snprintf(c->design_note, sizeof c->design_note, "%s",
                 j ? "" : "the design cannot tell: factor 2's middle level");
        c->outlier_ok = true;
        c->resid_median = -val(j + 42) / 1e4;
        c->resid_mad = j ? INFINITY : -INFINITY;
        snprintf(c->outlier_reason, sizeof c->outlier_reason, "µm °C");
        c->scale.median = c->resid_median;
        c->scale.mad_sd = val(j + 43) / 1e3;
        c->scale.resolution = 0.001;
        c->scale.range_floor = val(j + 44) / 1e2;
        c->scale.scale = c->scale.range_floor;
        c->scale.source = j ? SG_OUTLIER_SCALE_RANGE : SG_OUTLIER_SCALE_RESOLUTION;
    }
    for (size_t k = 0; k < 2; k++) {
        sg_outlier *o = &cv->outliers[k];
        o->row = 3 + k;
        o->response = k;
        o->observed = val(k + 50);
        o->predicted = val(k + 51);
        o->spread = val(k + 52) / 100.0;
        o->half_width = val(k + 53) / 10.0;
        o->z = 3.5 + val(k + 54) / 1000.0;
        o->scale = val(k + 55) / 100.0;
        o->cluster_first = 2 + k;
        o->cluster_last = 4 + k;
        o->off_pattern = k == 1; /* a group off the additive pattern */
    }
    r->cv = cv;
    double bx[ND] = {150.0, 1090.0, 28.246437118290141};
    double rx[ND] = {150.0, 1090.0, 28.0};
    sg_error err;
    cr_assert_eq(sg_results_set_optim(r, ND, 470.79012345678912, bx, 1, 470.790128, rx, &err),
                 SG_OK);
    r->n_nets = 2;
    r->hist = calloc(2, sizeof *r->hist);
    r->hist[0].n_epochs = 4;
    r->hist[0].train_loss = malloc(4 * sizeof(double));
    r->hist[0].val_loss = malloc(4 * sizeof(double));
    for (size_t e = 0; e < 4; e++) {
        r->hist[0].train_loss[e] = val(e + 60) / 7e3;
        r->hist[0].val_loss[e] = e == 2 ? NAN : val(e + 61) / 9e3;
    }
    return r;
}

/* Bitwise equal, or both NaN. */
static bool same(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static void expect_metrics_eq(const sg_metrics *a, const sg_metrics *b)
{
    cr_expect_eq(a->n, b->n);
    cr_expect(same(a->r2, b->r2));
    cr_expect_eq(a->r2_ok, b->r2_ok);
    cr_expect(same(a->rmse, b->rmse), "%.17g vs %.17g", a->rmse, b->rmse);
    cr_expect(same(a->mae, b->mae));
    cr_expect(same(a->max_abs, b->max_abs));
    cr_expect_eq(a->max_row, b->max_row);
    cr_expect_str_eq(a->reason, b->reason);
}

Test(results_io, round_trip_is_exact)
{
    sg_results *a = make_results();
    sg_error err;
    const char *p = path_of("r.results.json");
    cr_assert_eq(sg_results_save(a, p, &err), SG_OK, "%s", err.msg);
    sg_results *b = NULL;
    cr_assert_eq(sg_results_load(p, &b, &err), SG_OK, "%s", err.msg);
    cr_expect_str_eq(b->data_hash, a->data_hash);
    cr_expect_str_eq(b->settings_hash, a->settings_hash);
    cr_assert_eq(b->n_out, NO);
    for (size_t j = 0; j < NO; j++)
        expect_metrics_eq(&a->train[j], &b->train[j]);
    const sg_cv_result *x = a->cv, *y = b->cv;
    cr_assert_not_null(y);
    cr_expect_eq(y->plan.kind, x->plan.kind);
    cr_expect_eq(y->plan.k, x->plan.k);
    cr_expect_eq(y->plan.repeats, x->plan.repeats);
    cr_expect(same(y->plan.fraction, x->plan.fraction));
    cr_expect_eq(y->n_rows, x->n_rows);
    cr_expect_eq(y->n_folds, x->n_folds);
    cr_expect_eq(y->saturated, x->saturated);
    cr_expect_eq(y->main_terms, x->main_terms);
    cr_expect_eq(y->fewest_training, x->fewest_training);
    cr_assert_eq(y->n_held, x->n_held);
    cr_expect_arr_eq(y->held_row, x->held_row, NH * sizeof(size_t));
    cr_expect_arr_eq(y->held_fold, x->held_fold, NH * sizeof(size_t));
    cr_expect_arr_eq(y->obs, x->obs, NH * NO * sizeof(double));
    cr_expect_arr_eq(y->pred, x->pred, NH * NO * sizeof(double));
    cr_expect_arr_eq(y->sd, x->sd, NH * NO * sizeof(double));
    cr_expect_arr_eq(y->rsm_pred, x->rsm_pred, NH * NO * sizeof(double));
    for (size_t j = 0; j < NO; j++) {
        const sg_cv_response *c = &x->resp[j], *d = &y->resp[j];
        expect_metrics_eq(&c->net, &d->net);
        expect_metrics_eq(&c->rsm, &d->rsm);
        cr_expect_eq(c->rsm_ok, d->rsm_ok);
        cr_expect_str_eq(c->rsm_reason, d->rsm_reason);
        cr_expect(same(c->level, d->level));
        cr_expect(same(c->half_width, d->half_width));
        cr_expect(same(c->coverage, d->coverage));
        cr_expect_eq(c->spread_factor_ok, d->spread_factor_ok);
        cr_expect(same(c->spread_factor, d->spread_factor));
        cr_expect_str_eq(c->interval_note, d->interval_note);
        cr_expect_eq(c->window_ok, d->window_ok);
        cr_expect(same(c->window_rmse, d->window_rmse) &&
                  same(c->window_half_width, d->window_half_width) &&
                  same(c->window_tau, d->window_tau));
        cr_expect(same(c->window_disagreement, d->window_disagreement) &&
                  same(c->window_kriging_rmse, d->window_kriging_rmse) &&
                  c->window_raised == d->window_raised);
        cr_expect_str_eq(c->window_note, d->window_note);
        cr_expect(same(c->rsm_log_rmse, d->rsm_log_rmse));
        cr_expect(same(c->replicate_sd, d->replicate_sd) &&
                  c->replicate_dof == d->replicate_dof &&
                  c->replicate_settings == d->replicate_settings);
        cr_expect_str_eq(c->design_note, d->design_note);
        cr_expect_eq(c->outlier_ok, d->outlier_ok);
        cr_expect(same(c->resid_median, d->resid_median));
        cr_expect(same(c->resid_mad, d->resid_mad), "%g vs %g", c->resid_mad, d->resid_mad);
        cr_expect_str_eq(c->outlier_reason, d->outlier_reason);
        cr_expect(same(c->scale.median, d->scale.median) && same(c->scale.mad_sd, d->scale.mad_sd) &&
                  same(c->scale.resolution, d->scale.resolution) &&
                  same(c->scale.range_floor, d->scale.range_floor) &&
                  same(c->scale.scale, d->scale.scale) && c->scale.source == d->scale.source);
    }
    cr_assert_eq(y->n_outliers, 2);
    cr_expect_arr_eq(y->outliers, x->outliers, 2 * sizeof *x->outliers);
    cr_expect_eq(b->has_optim, 1);
    cr_expect_eq(b->d, ND);
    cr_expect(same(b->best_f, a->best_f));
    cr_expect_arr_eq(b->best_x, a->best_x, ND * sizeof(double));
    cr_expect_eq(b->realisable_found, 1);
    cr_expect(same(b->realisable_f, a->realisable_f));
    cr_expect_arr_eq(b->realisable_x, a->realisable_x, ND * sizeof(double));
    cr_assert_eq(b->n_nets, 2);
    cr_assert_eq(b->hist[0].n_epochs, 4);
    cr_expect_eq(b->hist[1].n_epochs, 0);
    for (size_t e = 0; e < 4; e++) {
        cr_expect(same(b->hist[0].train_loss[e], a->hist[0].train_loss[e]));
        cr_expect(same(b->hist[0].val_loss[e], a->hist[0].val_loss[e]));
    }
    /* saving what was loaded gives the same bytes */
    const char *p2 = path_of("again.results.json");
    cr_assert_eq(sg_results_save(b, p2, &err), SG_OK, "%s", err.msg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "cmp -s '%s/r.results.json' '%s/again.results.json'", dir, dir);
    cr_expect_eq(system(cmd), 0, "re-saved results differ");
    sg_results_destroy(a);
    sg_results_destroy(b);
}

Test(results_io, without_cv_and_optimisation)
{
    sg_results *a = sg_results_create(1);
    cr_assert_not_null(a);
    fill_metrics(&a->train[0], 7);
    sg_error err;
    const char *p = path_of("plain.json");
    cr_assert_eq(sg_results_save(a, p, &err), SG_OK, "%s", err.msg);
    sg_results *b = NULL;
    cr_assert_eq(sg_results_load(p, &b, &err), SG_OK, "%s", err.msg);
    cr_expect_null(b->cv);
    cr_expect_eq(b->has_optim, 0);
    cr_expect_eq(b->n_nets, 0);
    cr_expect_str_empty(b->cv_not_possible); /* optional: absent, empty */
    expect_metrics_eq(&a->train[0], &b->train[0]);
    sg_results_destroy(b);
    /* why there was no cross-validation travels with the results */
    snprintf(a->cv_not_possible, sizeof a->cv_not_possible, "not possible: a fold of loo ...");
    cr_assert_eq(sg_results_save(a, p, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_results_load(p, &b, &err), SG_OK, "%s", err.msg);
    cr_expect_str_eq(b->cv_not_possible, "not possible: a fold of loo ...");
    sg_results_destroy(b);
    b = NULL;
    char text[4096], *at;
    FILE *fp = fopen(p, "rb");
    size_t len = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[len] = '\0';
    cr_assert_not_null(at = strstr(text, "\"not possible: a fold of loo ...\""));
    memcpy(at, "123456789012345678901234567890123", 33); /* a number: refused, naming the key */
    fp = fopen(p, "wb");
    fputs(text, fp);
    fclose(fp);
    cr_expect_eq(sg_results_load(p, &b, &err), SG_ERR_PARSE);
    cr_expect(strstr(err.msg, "cv_not_possible"), "%s", err.msg);
    cr_expect_null(b);
    sg_results_destroy(a);
    sg_results_destroy(NULL);
    cr_expect_null(sg_results_create(0));
}

/* Corrupt files: each is rejected with SG_ERR_PARSE and a message naming
 * the file and the key path of the problem, exactly. */
typedef struct corrupt_case {
    const char *from, *to; /* replace occurrence nth (0 = first) of from in a valid file */
    int nth;
    const char *msg;       /* the message after "<path>: "; "...": a prefix of it */
} corrupt_case;

#define NVR "not a valid results file: "
static const corrupt_case corrupt[] = {
    {"\"surrogate-results\"", "\"surrogate-model\"", 0,
     NVR "format: expected \"surrogate-results\", found \"surrogate-model\""},
    {"\"format\":", "\"formats\":", 0, NVR "format: missing"},
    {"\"version\":\t1", "\"version\":\t2", 0,
     NVR "version: 2 is not supported (this program reads version 1)"},
    {"\"n_out\":\t2,\n\t\"train\"", "\"n_out\":\t3,\n\t\"train\"", 0,
     NVR "train: expected an array of 3 metrics (n_out), found 2"},
    {"\"n_out\":\t2,\n\t\"train\"", "\"n_out\":\t0,\n\t\"train\"", 0,
     NVR "n_out: expected at least one response"},
    {"\"held_row\":", "\"held_rows\":", 0, NVR "cv.held_row: missing"},
    {"\"rmse\":\t", "\"rmse\":\ttrue, \"x\":", 0,
     NVR "train[0].rmse: expected a number (or \"nan\", \"inf\", \"-inf\")"},
    {"\"rmse\":\t", "\"rmse\":\ttrue, \"x\":", 2,
     NVR "cv.responses[0].net.rmse: expected a number (or \"nan\", \"inf\", \"-inf\")"},
    {"\"level\":\t", "\"level\":\t\"high\", \"x\":", 1,
     NVR "cv.responses[1].level: expected a number (or \"nan\", \"inf\", \"-inf\")"},
    {"\"n_held\":\t7", "\"n_held\":\t-7", 0,
     NVR "cv.n_held: expected an integer from 0 to 10000000"},
    {"\"n_out\":\t2,\n\t\t\"n_folds\"", "\"n_out\":\t1,\n\t\t\"n_folds\"", 0,
     NVR "cv.n_out: expected 2 (the responses of the file), found 1"},
    {"\"row\":\t", "\"row\":\t27, \"x\":", 1, NVR "cv.outliers[1].row: expected an integer from 0 to 26"},
    {"\"held_fold\":\t[0, 1,", "\"held_fold\":\t[0, 6,", 0,
     NVR "cv.held_fold[1]: expected an integer from 0 to 5"},
    {"\"obs\":\t[", "\"obs\":\t[1, ", 0, NVR "cv.obs: expected an array of 14 numbers, found more"},
    {"\"val\":\t[", "\"val\":\t[true, ", 0, NVR "loss[0].val[0]: expected a number"},
    {"\"r2_ok\":\ttrue", "\"r2_ok\":\t1", 0, NVR "train[0].r2_ok: expected true or false"},
    {"\"realisable_found\":\ttrue", "\"realisable_found\":\t\"yes\"", 0,
     NVR "optimize.realisable_found: expected true or false"},
    {"\"best_x\":\t[", "\"best_x\":\t[1, ", 0,
     NVR "optimize.best_x: expected an array of 3 numbers, found more"},
    {"\"data_hash\":\t\"3f2a9c01b7d4e655\"", "\"data_hash\":\t\"3f2a9c01b7d4e655ff\"", 0,
     NVR "data_hash: expected a string of at most 16 bytes"},
    {"\"cv\":\t{", "\"cv\":\t[], \"x\":\t{", 0, NVR "cv: expected an object or null"},
    {"{", "[", 0, "not a valid results file (JSON syntax error or truncated file near byte ..."},
};

static void replace_in_file(const char *p, const char *from, int nth, const char *to)
{
    static char buf[1 << 16], out[1 << 16];
    FILE *fp = fopen(p, "rb");
    cr_assert_not_null(fp);
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    char *at = strstr(buf, from);
    for (int k = 0; at && k < nth; k++)
        at = strstr(at + 1, from);
    cr_assert_not_null(at, "'%s' (%d) not in the file", from, nth);
    size_t pre = (size_t)(at - buf);
    snprintf(out, sizeof out, "%.*s%s%s", (int)pre, buf, to, at + strlen(from));
    fp = fopen(p, "wb");
    cr_assert_not_null(fp);
    fputs(out, fp);
    fclose(fp);
}

TableTest(corrupt, i, results_io, corrupt_files_are_rejected)
{
    sg_results *a = make_results();
    sg_error err;
    {
        const char *p = path_of("c.results.json");
        cr_assert_eq(sg_results_save(a, p, &err), SG_OK, "%s", err.msg);
        replace_in_file(p, corrupt[i].from, corrupt[i].nth, corrupt[i].to);
        sg_results *b = (sg_results *)1;
        sg_error_clear(&err);
        cr_expect_eq(sg_results_load(p, &b, &err), SG_ERR_PARSE, "case %zu", i);
        cr_expect_null(b, "case %zu", i);
        char want[SG_ERROR_MSG_MAX];
        snprintf(want, sizeof want, "%s: %s", p, corrupt[i].msg);
        size_t n = strlen(want);
        if (n > 3 && strcmp(want + n - 3, "...") == 0)
            cr_expect(strncmp(err.msg, want, n - 3) == 0, "case %zu: %s", i, err.msg);
        else
            cr_expect_str_eq(err.msg, want, "case %zu", i);
    }
    sg_results_destroy(a);
}

Test(results_io, truncated_missing_and_unwritable_files)
{
    sg_results *a = make_results();
    sg_error err;
    /* truncated file */
    const char *p = path_of("t.results.json");
    cr_assert_eq(sg_results_save(a, p, &err), SG_OK);
    cr_assert_eq(truncate(p, 200), 0);
    sg_results *b = NULL;
    cr_expect_eq(sg_results_load(p, &b, &err), SG_ERR_PARSE);
    cr_expect_null(b);
    /* missing file */
    cr_expect_eq(sg_results_load(path_of("none.json"), &b, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "none.json") != NULL, "%s", err.msg);
    /* unwritable place: nothing left behind, SG_ERR_IO */
    cr_expect_eq(sg_results_save(a, path_of("no/such/dir/x.json"), &err), SG_ERR_IO);
    sg_results_destroy(a);
}

Test(results_io, path_for_model)
{
    char *p = sg_results_path_for_model("reports/brazing.model.json");
    cr_expect_str_eq(p, "reports/brazing.model.results.json");
    free(p);
    p = sg_results_path_for_model("m.bin");
    cr_expect_str_eq(p, "m.bin.results.json");
    free(p);
    cr_expect_null(sg_results_path_for_model(NULL));
}

Test(results_io, histories_restore_into_a_loaded_model)
{
    double X[12 * 2], Y[12];
    for (int i = 0; i < 12; i++) {
        X[2 * i] = 50.0 + 100.0 * fmod(0.618034 * i + 0.2, 1.0);
        X[2 * i + 1] = 3.0 + 4.0 * fmod(0.7548777 * i + 0.5, 1.0);
        Y[i] = 500.0 - 0.4 * X[2 * i] - 2.385 * X[2 * i + 1];
    }
    sg_model_spec s = sg_model_spec_defaults();
    s.n_hidden = 1;
    s.hidden[0] = 3;
    s.ensemble = 2;
    s.train.epochs = 30;
    sg_model *m = NULL, *loaded = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&s, 2, 1, X, Y, 12, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    sg_results *r = sg_results_create(1);
    cr_assert_eq(sg_results_take_histories(r, m, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(r->n_nets, 1);
    const sg_train_history *h = sg_model_history(m, 0, 0);
    cr_assert(h->n_epochs > 0);
    const char *mp = path_of("m.json"), *rp = path_of("m.results.json");
    cr_assert_eq(sg_model_save(m, mp, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_results_save(r, rp, &err), SG_OK, "%s", err.msg);
    sg_results *back = NULL;
    cr_assert_eq(sg_results_load(rp, &back, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_model_load(mp, &loaded, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(sg_model_history(loaded, 0, 0)->n_epochs, 0);
    cr_assert_eq(sg_results_restore_histories(back, loaded, &err), SG_OK, "%s", err.msg);
    const sg_train_history *g = sg_model_history(loaded, 0, 0);
    cr_assert_eq(g->n_epochs, h->n_epochs);
    cr_expect_arr_eq(g->train_loss, h->train_loss, h->n_epochs * sizeof(double));
    /* a result of another shape is refused */
    back->n_nets = 2;
    cr_expect_eq(sg_results_restore_histories(back, loaded, &err), SG_ERR_INVALID);
    back->n_nets = 1;
    cr_expect_eq(sg_model_set_history(loaded, 1, 0, h, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_model_set_history(loaded, 0, 2, h, &err), SG_ERR_INVALID);
    sg_results_destroy(r);
    sg_results_destroy(back);
    sg_model_destroy(m);
    sg_model_destroy(loaded);
}

static long oom_left;
static void *oom_malloc(size_t n)
{
    return oom_left-- > 0 ? malloc(n) : NULL;
}

/* Out of memory while building the file: SG_ERR_NOMEM naming the path, no
 * file left behind, at every allocation in turn. */
Test(results_io, save_out_of_memory_leaves_no_file)
{
    sg_results *a = make_results();
    const char *p = path_of("oom.results.json");
    sg_error err;
    cJSON_Hooks hooks = {oom_malloc, free};
    cJSON_InitHooks(&hooks);
    long n = 0;
    for (;; n++) {
        oom_left = n;
        sg_status st = sg_results_save(a, p, &err);
        if (st == SG_OK)
            break;
        cr_assert_eq(st, SG_ERR_NOMEM, "allocation %ld: %s", n, err.msg);
        cr_assert_eq(access(p, F_OK), -1, "allocation %ld: a file was written", n);
    }
    cJSON_InitHooks(NULL);
    cr_expect_gt(n, 100, "only %ld allocations", n);
    sg_results *b = NULL;
    cr_assert_eq(sg_results_load(p, &b, &err), SG_OK, "%s", err.msg);
    sg_results_destroy(b);
    sg_results_destroy(a);
}
