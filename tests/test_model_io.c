#include <criterion/criterion.h>
#include <dirent.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/model.h"
#include "model/predict.h"
#include "table_test.h"

#include <cJSON.h>

#define NR 16
#define NI 3
#define NO 2

static sg_model *fit_tiny(void)
{
    gsl_set_error_handler_off();
    double X[NR * NI], Y[NR * NO];
    for (int i = 0; i < NR; i++) {
        X[i * NI] = 50.0 + 100.0 * fmod(0.618034 * i + 0.2, 1.0);
        X[i * NI + 1] = 1090.0 + 60.0 * fmod(0.7548777 * i + 0.5, 1.0);
        X[i * NI + 2] = 3.0 + 4.0 * fmod(0.5698403 * i + 0.1, 1.0);
        Y[i * NO] = 500.0 - 0.4 * X[i * NI] + 0.3 * X[i * NI + 1] - 2.385 * X[i * NI + 2];
        Y[i * NO + 1] = 410.0 + 0.01 * X[i * NI] * X[i * NI + 2];
    }
    sg_model_spec s = sg_model_spec_defaults();
    s.n_hidden = 1;
    s.hidden[0] = 4;
    s.ensemble = 2;
    s.train.epochs = 60;
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&s, NI, NO, X, Y, NR, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    const char *fn[NI] = {"thickness_um", "temperature_C", "cooling_C_per_min"};
    const char *fu[NI] = {"µm", "°C", "°C/min"};
    for (size_t i = 0; i < NI; i++)
        cr_assert_eq(sg_model_set_factor(m, i, fn[i], fu[i], sg_model_factor_lo(m, i),
                                         sg_model_factor_hi(m, i), NULL),
                     SG_OK);
    cr_assert_eq(sg_model_set_response(m, 0, "stress_max", "MPa", NULL), SG_OK);
    cr_assert_eq(sg_model_set_response(m, 1, "stress_path1", "MPa", NULL), SG_OK);
    cr_assert_eq(sg_model_set_hashes(m, "sha256:abc123", "sha256:def456", NULL), SG_OK);
    return m;
}

static char dir[256];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/sg_model_io_%ld", (long)getpid());
    mkdir(dir, 0755);
}

static int count_entries(const char *d)
{
    DIR *dp = opendir(d);
    int n = 0;
    struct dirent *e;
    while (dp && (e = readdir(dp)))
        if (e->d_name[0] != '.')
            n++;
    if (dp)
        closedir(dp);
    return n;
}

static void write_text(const char *path, const char *text, size_t len)
{
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    fwrite(text, 1, len, fp);
    fclose(fp);
}

static void cleanup(const char *path)
{
    unlink(path);
    rmdir(dir);
}

Test(model_io, save_load_predict_is_bit_exact)
{
    make_dir();
    char path[300];
    snprintf(path, sizeof path, "%s/model.json", dir);
    sg_model *m = fit_tiny();
    sg_error err;
    cr_assert_eq(sg_model_save(m, path, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(count_entries(dir), 1, "no temporary file left behind");
    sg_model *l = NULL;
    cr_assert_eq(sg_model_load(path, &l, &err), SG_OK, "%s", err.msg);
    const double pts[][NI] = {{77.7, 1101.3, 4.2}, {149.0, 1149.9, 6.9}, {20.0, 1200.0, 9.0}};
    sg_model_work *w = NULL; /* one workspace fits both: they have one shape */
    cr_assert_eq(sg_model_work_create(l, &w, &err), SG_OK, "%s", err.msg);
    for (int p = 0; p < 3; p++) {
        double a[NO], as[NO], b[NO], bs[NO], ga[NI], gb[NI];
        sg_model_predict(m, w, pts[p], a, as);
        sg_model_predict(l, w, pts[p], b, bs);
        cr_expect_eq(memcmp(a, b, sizeof a), 0, "point %d mean", p);
        cr_expect_eq(memcmp(as, bs, sizeof as), 0, "point %d sd", p);
        sg_model_gradient(m, w, pts[p], 1, NULL, ga);
        sg_model_gradient(l, w, pts[p], 1, NULL, gb);
        cr_expect_eq(memcmp(ga, gb, sizeof ga), 0, "point %d gradient", p);
    }
    cr_expect_str_eq(sg_model_factor_unit(l, 0), "µm");
    cr_expect_str_eq(sg_model_response_name(l, 1), "stress_path1");
    cr_expect_str_eq(sg_model_data_hash(l), "sha256:abc123");
    cr_expect_str_eq(sg_model_study_hash(l), "sha256:def456");
    cr_expect_eq(sg_model_n_rows(l), NR);
    cr_expect_eq(sg_model_spec_of(l)->seed, sg_model_spec_of(m)->seed);
    /* Re-serialising the loaded model gives the same bytes. */
    char *ja = NULL, *jb = NULL;
    cr_assert_eq(sg_model_to_json(m, &ja, NULL), SG_OK);
    cr_assert_eq(sg_model_to_json(l, &jb, NULL), SG_OK);
    cr_expect_str_eq(ja, jb);
    cr_expect(strstr(ja, "\"format\":\t\"surrogate-model\"") != NULL);
    cr_expect(strstr(ja, "\"gsl\"") && strstr(ja, "\"nlopt\"") && strstr(ja, "\"openblas\"") &&
              strstr(ja, "\"libxlsxwriter\"") && strstr(ja, "\"libcsv\":\t\"3."));
    /* OpenBLAS recorded as its number, like every other library */
    cr_expect(strstr(ja, "\"openblas\":\t\"0.") != NULL, "%s", ja);
    free(ja);
    free(jb);
    sg_model_work_destroy(w);
    sg_model_destroy(m);
    sg_model_destroy(l);
    cleanup(path);
}

/* Save a model, apply an edit to its text, write it back, expect load to fail
 * with status st and a message containing the path and `needle`. */
static void expect_rejected(const char *what, const char *from, const char *to, int truncate,
                            sg_status st, const char *needle)
{
    make_dir();
    char path[300];
    snprintf(path, sizeof path, "%s/bad.json", dir);
    sg_model *m = fit_tiny();
    char *text = NULL;
    cr_assert_eq(sg_model_to_json(m, &text, NULL), SG_OK);
    sg_model_destroy(m);
    size_t len = strlen(text);
    char *edited = malloc(len + 256);
    cr_assert_not_null(edited);
    if (from) {
        char *at = strstr(text, from);
        cr_assert_not_null(at, "%s: pattern %s not found", what, from);
        size_t pre = (size_t)(at - text);
        memcpy(edited, text, pre);
        strcpy(edited + pre, to);
        strcat(edited, at + strlen(from));
    } else {
        strcpy(edited, text);
    }
    size_t elen = truncate ? strlen(edited) / 2 : strlen(edited);
    write_text(path, edited, elen);
    sg_model *l = NULL;
    sg_error err;
    sg_status got = sg_model_load(path, &l, &err);
    cr_expect_eq(got, st, "%s: status %d, %s", what, got, err.msg);
    cr_expect_null(l);
    cr_expect(strstr(err.msg, path) != NULL, "%s: message names the file: %s", what, err.msg);
    cr_expect(strstr(err.msg, needle) != NULL, "%s: message %s lacks %s", what, err.msg, needle);
    free(text);
    free(edited);
    cleanup(path);
}

Test(model_io, rejects_truncated_file)
{
    expect_rejected("truncated", NULL, NULL, 1, SG_ERR_PARSE, "truncated");
}

Test(model_io, rejects_wrong_format)
{
    expect_rejected("format", "\"surrogate-model\"", "\"other-model\"", 0, SG_ERR_INVALID,
                    "not a surrogate model file");
}

Test(model_io, rejects_wrong_version)
{
    expect_rejected("version", "\"version\":\t3,", "\"version\":\t4,", 0, SG_ERR_INVALID,
                    "version 4 is not supported");
    expect_rejected("version", "\"version\":\t3,", "\"version\":\t0,", 0, SG_ERR_INVALID,
                    "version 0 is not supported");
}

Test(model_io, rejects_weight_count_mismatch)
{
    expect_rejected("count", "\"params\":\t[", "\"params\":\t[0.5, ", 0, SG_ERR_INVALID,
                    "networks[0].members[0].params: expected an array of 21 finite numbers, found more");
}

Test(model_io, rejects_non_finite_weight)
{
    expect_rejected("inf", "\"params\":\t[", "\"params\":\t[1e999, ", 0, SG_ERR_INVALID,
                    "networks[0].members[0].params[0]: expected a finite number");
}

Test(model_io, rejects_nan_text)
{
    expect_rejected("nan", "\"params\":\t[", "\"params\":\t[NaN, ", 0, SG_ERR_PARSE,
                    "not a valid model file");
}

Test(model_io, rejects_inconsistent_architecture)
{
    expect_rejected("arch", "\"parameters_per_member\":\t", "\"parameters_per_member\":\t1", 0,
                    SG_ERR_INVALID, "parameters_per_member");
}

Test(model_io, rejects_missing_scaling)
{
    expect_rejected("scaling", "\"shift\"", "\"shiftx\"", 0, SG_ERR_INVALID, "bad.json: scaling.inputs.shift: missing");
}

/* Fuzz finding: a short file declaring a huge architecture made the loader
 * allocate it (tens of GB) before finding the weights missing. */
Test(model_io, rejects_architecture_larger_than_the_file)
{
    /* 3*1e5+1e5 + 1e5*1e5+1e5 + 1e5+1 weights per member, consistent counts */
    sg_model *m = fit_tiny();
    char *text = NULL;
    cr_assert_eq(sg_model_to_json(m, &text, NULL), SG_OK);
    sg_model_destroy(m);
    const char *edits[][2] = {{"\"hidden\":\t[4]", "\"hidden\":\t[100000, 100000]"},
                              {"\"parameters_per_member\":\t21", "\"parameters_per_member\":\t10000600001"}};
    for (size_t e = 0; e < 2; e++) {
        char *at = strstr(text, edits[e][0]);
        cr_assert_not_null(at, "%s", edits[e][0]);
        size_t pre = (size_t)(at - text), tail = strlen(at + strlen(edits[e][0]));
        char *t2 = malloc(pre + strlen(edits[e][1]) + tail + 1);
        cr_assert_not_null(t2);
        memcpy(t2, text, pre);
        strcpy(t2 + pre, edits[e][1]);
        strcat(t2, at + strlen(edits[e][0]));
        free(text);
        text = t2;
    }
    sg_model *l = NULL;
    sg_error err;
    cr_expect_eq(sg_model_from_json(text, strlen(text), "big.json", &l, &err), SG_ERR_INVALID);
    cr_expect_null(l);
    cr_expect(strstr(err.msg, "big.json: the architecture needs 10000600001 weights per network "
                              "member, more than a file of") != NULL,
              "%s", err.msg);
    free(text);
}

/* Fuzz finding: strtoull skips spaces and wraps "-1", so " -1" was read
 * as the seed 18446744073709551615. */
static const char *bad_seeds[] = {"\" -1\"", "\"+5\"", "\" 20261129\"", "\"\"", "\"99999999999999999999\""};

TableTest(bad_seeds, i, model_io, rejects_seed_with_sign_or_space)
{
    {
        char to[64];
        snprintf(to, sizeof to, "\"seed\":\t%s", bad_seeds[i]);
        expect_rejected(bad_seeds[i], "\"seed\":\t\"20261129\"", to, 0, SG_ERR_INVALID,
                        "seed: expected an unsigned integer in a string");
    }
}

/* Fuzz finding: the loader looked up list items by index (quadratic in
 * the number of factors); a model with many factors loads (fast) and
 * predicts exactly as saved. */
Test(model_io, wide_model_round_trip)
{
    enum { WIDE = 20000, ROWS = 2 };
    double *X = malloc((size_t)WIDE * ROWS * sizeof *X), Y[ROWS] = {2.385, 7.125};
    cr_assert_not_null(X);
    for (size_t i = 0; i < (size_t)WIDE * ROWS; i++)
        X[i] = (double)(i % 7) + 0.25 * (double)(i / WIDE);
    sg_model_spec s = sg_model_spec_defaults();
    s.n_hidden = 1;
    s.hidden[0] = 1;
    s.ensemble = 1;
    s.train.epochs = 1;
    gsl_set_error_handler_off();
    sg_model *m = NULL, *l = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&s, WIDE, 1, X, Y, ROWS, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    char *text = NULL;
    cr_assert_eq(sg_model_to_json(m, &text, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_model_from_json(text, strlen(text), "wide.json", &l, &err), SG_OK, "%s",
                 err.msg);
    cr_expect_str_eq(sg_model_factor_name(l, WIDE - 1), "x20000");
    double a, b;
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, &err), SG_OK, "%s", err.msg);
    sg_model_predict(m, w, X, &a, NULL);
    sg_model_predict(l, w, X, &b, NULL);
    cr_expect_eq(a, b);
    sg_model_work_destroy(w);
    free(text);
    free(X);
    sg_model_destroy(m);
    sg_model_destroy(l);
}

/* Fuzz finding: a NUL byte inside a JSON string cut it short silently
 * (a factor "thick<NUL>ness_um" loaded as "thick"). */
Test(model_io, rejects_nul_byte)
{
    sg_model *m = fit_tiny();
    char *text = NULL;
    cr_assert_eq(sg_model_to_json(m, &text, NULL), SG_OK);
    sg_model_destroy(m);
    size_t len = strlen(text);
    char *at = strstr(text, "thickness_um");
    cr_assert_not_null(at);
    at[5] = '\0';
    sg_model *l = NULL;
    sg_error err;
    cr_expect_eq(sg_model_from_json(text, len, "nul.json", &l, &err), SG_ERR_PARSE);
    cr_expect_null(l);
    char want[80];
    snprintf(want, sizeof want, "nul.json: not a valid model file (NUL byte at byte %zu)",
             (size_t)(at - text) + 5);
    cr_expect_str_eq(err.msg, want);
    free(text);
}

Test(model_io, missing_file_and_failed_save_leave_nothing)
{
    sg_model *l = NULL;
    sg_error err;
    cr_expect_eq(sg_model_load("/nonexistent/dir/model.json", &l, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "/nonexistent/dir/model.json") != NULL);
    sg_model *m = fit_tiny();
    cr_expect_eq(sg_model_save(m, "/nonexistent/dir/model.json", &err), SG_ERR_IO);
    /* Saving over a directory fails at rename: the temporary must vanish. */
    make_dir();
    char sub[300];
    snprintf(sub, sizeof sub, "%s/target", dir);
    mkdir(sub, 0755);
    char inner[320];
    snprintf(inner, sizeof inner, "%s/x", sub);
    write_text(inner, "x", 1);
    cr_expect_eq(sg_model_save(m, sub, &err), SG_ERR_IO);
    cr_expect_eq(count_entries(dir), 1, "only the directory remains");
    unlink(inner);
    rmdir(sub);
    rmdir(dir);
    sg_model_destroy(m);
}

/* ---- calibration block ---- */

static sg_model_calibration calib(double level, double hw, bool sf_ok, double sf, const char *cv)
{
    sg_model_calibration c;
    memset(&c, 0, sizeof c);
    c.level = level;
    c.half_width = hw;
    c.spread_factor_ok = sf_ok;
    c.spread_factor = sf;
    snprintf(c.cv, sizeof c.cv, "%s", cv);
    c.q2 = NAN;
    return c;
}

Test(model_io, calibration_round_trip_is_exact)
{
    make_dir();
    char path[300];
    snprintf(path, sizeof path, "%s/cal.json", dir);
    sg_model *m = fit_tiny();
    sg_model_calibration c0 = calib(0.95, 0.92319716660404083, true, 102.64678865020873, "loo");
    sg_model_calibration c1 = calib(0.9, 3.1415926535, false, 0.0, "kfold:5:3");
    c0.q2 = 0.98765432109876543;
    c0.window = true; /* holds anywhere in the window; c1 at tested settings */
    sg_error err;
    /* physical limits travel with the model file */
    cr_assert_eq(sg_model_set_response_limits(m, 0, 0.0, INFINITY, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(sg_model_set_response_limits(m, 1, 2.0, 1.0, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_model_set_response_limits(m, 1, NAN, 1.0, &err), SG_ERR_INVALID);
    cr_assert_eq(sg_model_set_calibration(m, 0, &c0, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_model_set_calibration(m, 1, &c1, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_model_save(m, path, &err), SG_OK, "%s", err.msg);
    sg_model *l = NULL;
    cr_assert_eq(sg_model_load(path, &l, &err), SG_OK, "%s", err.msg);
    const sg_model_calibration *a = sg_model_calibration_of(l, 0), *b = sg_model_calibration_of(l, 1);
    cr_assert_not_null(a);
    cr_assert_not_null(b);
    cr_expect(a->level == 0.95 && a->half_width == c0.half_width && a->spread_factor_ok &&
              a->spread_factor == c0.spread_factor);
    cr_expect_str_eq(a->cv, "loo");
    cr_expect(a->q2 == c0.q2 && isnan(b->q2), "q2 %.17g %g", a->q2, b->q2);
    cr_expect(a->window && !b->window);
    cr_expect(sg_model_response_lower_limit(l, 0) == 0.0 &&
              sg_model_response_upper_limit(l, 0) == INFINITY);
    cr_expect(sg_model_response_lower_limit(l, 1) == -INFINITY &&
              sg_model_response_upper_limit(l, 1) == INFINITY);
    double lo = -0.5, hi = 2.0;
    cr_expect(sg_model_clip_interval(l, 0, &lo, &hi));
    cr_expect(lo == 0.0 && hi == 2.0);
    lo = 0.5;
    cr_expect(!sg_model_clip_interval(l, 0, &lo, &hi));
    lo = -3.0;
    hi = -1.0; /* wholly below the limit: an empty interval at the limit */
    cr_expect(sg_model_clip_interval(l, 0, &lo, &hi));
    cr_expect(lo == 0.0 && hi == 0.0, "%g %g", lo, hi);
    lo = -3.0;
    hi = -1.0;
    cr_expect(!sg_model_clip_interval(l, 1, &lo, &hi));
    /* predict's weak-model warning comes from the stored Q2 */
    char weak[512];
    cr_expect_eq(sg_predict_weak_warning(l, weak, sizeof weak), 0);
    cr_expect_str_eq(weak, "");
    c1.q2 = -0.16;
    cr_assert_eq(sg_model_set_calibration(l, 1, &c1, &err), SG_OK, "%s", err.msg);
    cr_expect(sg_predict_is_weak(l, 1) && !sg_predict_is_weak(l, 0));
    cr_expect_eq(sg_predict_weak_warning(l, weak, sizeof weak), 1);
    char want[256];
    snprintf(want, sizeof want, "the model of %s is weak (cross-validated Q2 -0.16, below 0.5): "
             "its predictions are little better than the data's mean", sg_model_response_name(l, 1));
    cr_expect_str_eq(weak, want);
    c1.q2 = 1.5;
    cr_expect_eq(sg_model_set_calibration(l, 1, &c1, &err), SG_ERR_INVALID, "Q2 above 1 refused");
    c1.q2 = NAN;
    cr_assert_eq(sg_model_set_calibration(l, 1, &c1, &err), SG_OK, "%s", err.msg);
    cr_expect(b->level == 0.9 && b->half_width == 3.1415926535 && !b->spread_factor_ok);
    cr_expect_str_eq(b->cv, "kfold:5:3");
    cr_expect_null(sg_model_calibration_of(l, 2), "index out of range");
    char *ja = NULL, *jb = NULL;
    cr_assert_eq(sg_model_to_json(m, &ja, NULL), SG_OK);
    cr_assert_eq(sg_model_to_json(l, &jb, NULL), SG_OK);
    cr_expect_str_eq(ja, jb);
    cr_expect(strstr(ja, "\"calibration\"") && strstr(ja, "\"spread_factor\":\tnull"));
    /* where the interval holds: a word the file must spell right */
    char *holds = strstr(ja, "\"holds\":\t\"window\"");
    cr_assert_not_null(holds);
    memcpy(holds + strlen("\"holds\":\t\""), "wind0w", 6);
    write_text(path, ja, strlen(ja));
    sg_model *bad = NULL;
    cr_expect_eq(sg_model_load(path, &bad, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "\"holds\" is \"wind0w\", not \"window\" or \"tested\""), "%s",
              err.msg);
    free(ja);
    free(jb);
    /* one response without: null entry, the other kept */
    cr_assert_eq(sg_model_set_calibration(l, 1, NULL, &err), SG_OK);
    cr_assert_eq(sg_model_save(l, path, &err), SG_OK, "%s", err.msg);
    sg_model_destroy(l);
    cr_assert_eq(sg_model_load(path, &l, &err), SG_OK, "%s", err.msg);
    cr_expect_not_null(sg_model_calibration_of(l, 0));
    cr_expect_null(sg_model_calibration_of(l, 1));
    sg_model_destroy(l);
    sg_model_destroy(m);
    cleanup(path);
}

Test(model_io, version_1_file_without_calibration_loads)
{
    make_dir();
    char path[300];
    snprintf(path, sizeof path, "%s/old.json", dir);
    sg_model *m = fit_tiny();
    char *text = NULL;
    cr_assert_eq(sg_model_to_json(m, &text, NULL), SG_OK);
    /* a version-3 network file is a version-1 file but for the number
     * (and its trend, read whatever the version) */
    char *v = strstr(text, "\"version\":\t3,");
    cr_assert_not_null(v);
    v[strlen("\"version\":\t")] = '1';
    cr_expect_null(strstr(text, "calibration"), "no key when nothing is calibrated");
    write_text(path, text, strlen(text));
    sg_model *l = NULL;
    sg_error err;
    cr_assert_eq(sg_model_load(path, &l, &err), SG_OK, "%s", err.msg);
    cr_expect_null(sg_model_calibration_of(l, 0));
    cr_expect_null(sg_model_calibration_of(l, 1));
    free(text);
    sg_model_destroy(l);
    sg_model_destroy(m);
    cleanup(path);
}

/* the arguments of calib() for each bad calibration */
static const struct {
    size_t j;
    double level, hw;
    bool sf_ok;
    double sf;
    const char *cv;
} bad_calibrations[] = {
    {2, 0.95, 1.0, true, 2.0, "loo"},
    {0, 1.0, 1.0, true, 2.0, "loo"},
    {0, 0.0, 1.0, true, 2.0, "loo"},
    {0, 0.95, -0.1, true, 2.0, "loo"},
    {0, 0.95, NAN, true, 2.0, "loo"},
    {0, 0.95, 1.0, true, -2.0, "loo"},
    {0, 0.95, 1.0, true, INFINITY, "loo"},
    {0, 0.95, 1.0, true, 2.0, ""},
};

TableTest(bad_calibrations, k, model_io, calibration_setter_rejects_bad_values)
{
    sg_model *m = fit_tiny();
    const struct {
        size_t j;
        sg_model_calibration c;
    } bad = {bad_calibrations[k].j, calib(bad_calibrations[k].level, bad_calibrations[k].hw, bad_calibrations[k].sf_ok,
                                          bad_calibrations[k].sf, bad_calibrations[k].cv)};
    {
        sg_error err;
        cr_expect_eq(sg_model_set_calibration(m, bad.j, &bad.c, &err), SG_ERR_INVALID,
                     "case %zu", k);
        cr_expect_null(sg_model_calibration_of(m, 0), "case %zu left nothing", k);
    }
    sg_model_destroy(m);
}

/* A corrupt calibration block is rejected with the file named. */
static void expect_bad_calibration(const char *from, const char *to, const char *needle)
{
    make_dir();
    char path[300];
    snprintf(path, sizeof path, "%s/badcal.json", dir);
    sg_model *m = fit_tiny();
    sg_model_calibration c = calib(0.95, 1.25, true, 2.5, "loo");
    cr_assert_eq(sg_model_set_calibration(m, 0, &c, NULL), SG_OK);
    cr_assert_eq(sg_model_set_calibration(m, 1, &c, NULL), SG_OK);
    char *text = NULL;
    cr_assert_eq(sg_model_to_json(m, &text, NULL), SG_OK);
    sg_model_destroy(m);
    char *at = strstr(text, from);
    cr_assert_not_null(at, "pattern %s", from);
    size_t len = strlen(text) + strlen(to) + 1;
    char *ed = malloc(len);
    cr_assert_not_null(ed);
    memcpy(ed, text, (size_t)(at - text));
    strcpy(ed + (at - text), to);
    strcat(ed, at + strlen(from));
    write_text(path, ed, strlen(ed));
    sg_model *l = NULL;
    sg_error err;
    cr_expect_eq(sg_model_load(path, &l, &err), SG_ERR_INVALID, "%s", err.msg);
    cr_expect_null(l);
    cr_expect(strstr(err.msg, path) && strstr(err.msg, needle), "%s lacks %s", err.msg, needle);
    free(ed);
    free(text);
    cleanup(path);
}

Test(model_io, rejects_corrupt_calibration)
{
    expect_bad_calibration("\"level\":\t0.94999999999999996", "\"level\":\t1.5", "level must be");
    expect_bad_calibration("\"half_width\":\t1.25", "\"half_width\":\t-1", "half-width");
    expect_bad_calibration("\"cv\":\t\"loo\"", "\"cv\":\t3", "badcal.json: calibration[0].cv: expected a string");
    expect_bad_calibration("\"calibration\":\t[", "\"calibration\":\t[null, ", "one entry");
    expect_bad_calibration("\"response\":\t\"stress_max\"", "\"response\":\t\"stress_path1\"",
                           "response order");
}

/* A crafted file whose scaling or weights overflow inside the factor bounds
 * predicted inf with exit code 0; the loader refuses it (interval
 * arithmetic over the stored bounds), and a model fitted on sane data
 * loads. */
static void expect_not_finite(const char *what, const char *block, const char *key, int index,
                              int count, double value, const char *needle)
{
    sg_model *m = fit_tiny();
    char *text = NULL;
    cr_assert_eq(sg_model_to_json(m, &text, NULL), SG_OK);
    sg_model_destroy(m);
    cJSON *root = cJSON_Parse(text);
    cr_assert_not_null(root);
    cJSON *arr;
    if (strcmp(block, "params") == 0) {
        cJSON *net = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "networks"), 0);
        arr = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(net, "members"), 1),
                                  "params");
        index = index < 0 ? cJSON_GetArraySize(arr) + index : index;
    } else {
        arr = cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(root, "scaling"), block), key);
    }
    cr_assert_not_null(arr, "%s", what);
    for (int i = 0; i < count; i++)
        cJSON_ReplaceItemInArray(arr, index + i, cJSON_CreateNumber(value));
    char *edited = cJSON_Print(root);
    sg_model *l = NULL;
    sg_error err;
    cr_expect_eq(sg_model_from_json(edited, strlen(edited), "crafted.json", &l, &err),
                 SG_ERR_INVALID, "%s: %s", what, err.msg);
    cr_expect_null(l);
    cr_expect(strstr(err.msg, needle) != NULL, "%s: %s", what, err.msg);
    sg_model_destroy(l);
    free(edited);
    free(text);
    cJSON_Delete(root);
}

Test(model_io, rejects_a_model_that_cannot_predict_finite_values)
{
    expect_not_finite("output width", "outputs", "width", 0, 1, 1.7e308,
                      "crafted.json: response 'stress_max': the output scaling (shift");
    expect_not_finite("second output width", "outputs", "width", 1, 1, 1.7e308,
                      "response 'stress_path1': the output scaling");
    expect_not_finite("output bias", "params", NULL, -1, 1, 1e306,
                      "crafted.json: response 'stress_max': the output scaling");
    expect_not_finite("first-layer weights", "params", NULL, 0, 3, 1.7e308,
                      "crafted.json: network 1, member 2: its weights overflow inside the factor "
                      "bounds");
    /* The model as fitted loads. */
    sg_model *m = fit_tiny();
    char *text = NULL;
    cr_assert_eq(sg_model_to_json(m, &text, NULL), SG_OK);
    sg_model *l = NULL;
    sg_error err;
    cr_expect_eq(sg_model_from_json(text, strlen(text), "ok.json", &l, &err), SG_OK, "%s",
                 err.msg);
    sg_model_destroy(l);
    sg_model_destroy(m);
    free(text);
}

/* Names go raw into the header of `predict --out`'s CSV: a crafted name
 * starting with '=' would be a spreadsheet formula there. */
Test(model_io, rejects_names_that_are_not_identifiers_and_units_that_are_not_text)
{
    expect_rejected("formula name", "\"thickness_um\"", "\"=HYPERLINK(1)\"", 0, SG_ERR_INVALID,
                    "factor 1 is named '=HYPERLINK(1)': a name must start with a letter");
    expect_rejected("comma", "\"stress_path1\"", "\"a,b\"", 0, SG_ERR_INVALID,
                    "response 2 is named 'a,b'");
    expect_rejected("unit", "\"MPa\"", "\"MP\\u0007a\"", 0, SG_ERR_INVALID,
                    "the unit of response 'stress_max' is not printable UTF-8 text");
}

/* The linear trend (model.h sg_model_trend): a row of the wrong length, a
 * row too many, a value that is not a number, and an intercept so large
 * that predictions inside the factor bounds overflow are each refused,
 * naming the file. */
Test(model_io, rejects_a_broken_trend)
{
    expect_rejected("trend row", "\"trend\":\t[[", "\"trend\":\t[[1, ", 0, SG_ERR_INVALID,
                    "expected 4 numbers (an intercept and a slope per network input), found 5");
    expect_rejected("trend rows", "\"trend\":\t[[", "\"trend\":\t[[1, 2, 3, 4], [", 0,
                    SG_ERR_INVALID, "expected 2 arrays (one per response), found 3");
    expect_rejected("trend value", "\"trend\":\t[[",
                    "\"trend\":\t[[\"x\", 1, 1, 1], [1, 1, 1, 1]], \"x\": [[", 0, SG_ERR_INVALID,
                    "expected a finite number");
    sg_model *m = fit_tiny();
    cr_assert_not_null(sg_model_trend(m, 0), "the fixture's responses have a trend");
    char *text = NULL;
    cr_assert_eq(sg_model_to_json(m, &text, NULL), SG_OK);
    sg_model_destroy(m);
    char *at = strstr(text, "\"trend\":\t[[");
    cr_assert_not_null(at);
    char *comma = strchr(at, ',');
    cr_assert_not_null(comma);
    comma = strchr(comma + 1, ',');
    cr_assert_not_null(comma);
    comma[1] = '\0'; /* the key, the first intercept and its first slope */
    /* the sum overflows whatever the output scaling's width (the trend of
     * an exact plane is magnified: model.h SG_MODEL_TREND_MIN_RESIDUAL_SHARE) */
    expect_rejected("trend overflow", at, "\"trend\":\t[[1.7e308, 1.7e308,", 0, SG_ERR_INVALID,
                    "not finite");
    free(text);
}
