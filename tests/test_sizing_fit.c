/* The size-aware defaults applied by the fit (model.c, study_model.c):
 * which fields the plan may change, threads that do not change results,
 * the validation share, and the restart of a network that did not learn. */
#include <cblas.h>
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

#include "io/study.h"
#include "model/cv.h"
#include "model/model.h"
#include "model/sizing.h"
#include "model/study_model.h"

static void setup(void)
{
    gsl_set_error_handler_off();
    openblas_set_num_threads(1); /* as the command line runs it */
}
TestSuite(sizing_fit, .init = setup);

static sg_model_spec auto_spec(void)
{
    sg_model_spec s = sg_model_spec_defaults();
    s.size_auto = SG_SIZE_AUTO_ALL;
    return s;
}

Test(sizing_fit, small_tables_keep_every_field)
{
    sg_model_spec s = auto_spec();
    sg_model_spec before = s;
    cr_expect_not(sg_model_spec_fit_to(&s, 27, 4, 3));
    cr_expect_eq(s.n_hidden, before.n_hidden);
    cr_expect_eq(s.hidden[0], before.hidden[0]);
    cr_expect_eq(s.ensemble, before.ensemble);
    cr_expect_eq(s.train.optimizer, before.train.optimizer);
    cr_expect_eq(s.train.epochs, before.train.epochs);
    cr_expect_float_eq(s.val_share, 0.0, 0.0);
    cr_expect_eq(s.size_auto, 0u, "applied once");
}

Test(sizing_fit, large_tables_get_the_plan_except_fields_the_study_gave)
{
    sg_model_spec s = auto_spec();
    cr_expect(sg_model_spec_fit_to(&s, 10000, 8, 1));
    sg_sizing_plan p = sg_sizing_choose(10000, 8, 1);
    cr_expect_eq(s.n_hidden, 2);
    cr_expect_eq(s.hidden[0], p.width);
    cr_expect_eq(s.hidden[1], p.width);
    cr_expect_eq(s.train.optimizer, SG_OPT_ADAM);
    cr_expect_eq(s.train.batch_size, p.batch_size);
    cr_expect_eq(s.train.epochs, p.epochs);
    cr_expect_eq(s.train.lr_patience, p.lr_patience);
    cr_expect(s.train.early_stopping.enabled);
    cr_expect_eq(s.train.early_stopping.monitor, SG_MONITOR_VALIDATION);
    cr_expect_float_eq(s.val_share, p.validation_share, 0.0);
    cr_expect_eq(s.ensemble, p.ensemble);

    /* the study gave hidden, epochs and ensemble: those stay */
    sg_model_spec g = auto_spec();
    g.size_auto &= ~(SG_SIZE_AUTO_HIDDEN | SG_SIZE_AUTO_EPOCHS | SG_SIZE_AUTO_ENSEMBLE);
    g.hidden[0] = g.hidden[1] = 7;
    g.train.epochs = 123;
    g.ensemble = 2;
    cr_expect(sg_model_spec_fit_to(&g, 10000, 8, 1));
    cr_expect_eq(g.hidden[0], 7);
    cr_expect_eq(g.train.epochs, 123);
    cr_expect_eq(g.ensemble, 2);
    cr_expect_eq(g.train.optimizer, SG_OPT_ADAM, "the fields not given still follow the plan");

    /* a library caller without size_auto gets exactly what it asked for */
    sg_model_spec plain = sg_model_spec_defaults();
    cr_expect_not(sg_model_spec_fit_to(&plain, 100000, 8, 1));
    cr_expect_eq(plain.hidden[0], SG_MODEL_DEFAULT_WIDTH);
}

Test(sizing_fit, auto_validation_holds_out_a_share_of_large_tables)
{
    sg_cv_spec a = {.kind = SG_CV_AUTO};
    cr_expect_eq(sg_cv_spec_resolve(a, SG_SIZING_HOLDOUT_ROWS - 1).kind, SG_CV_KFOLD);
    sg_cv_spec h = sg_cv_spec_resolve(a, SG_SIZING_HOLDOUT_ROWS);
    cr_expect_eq(h.kind, SG_CV_HOLDOUT);
    cr_expect_float_eq(h.fraction, 0.2, 0.0);
    cr_expect_eq(sg_cv_spec_resolve(a, 27).kind, SG_CV_LOO);
}

/* 600 rows of a smooth 3-factor function */
#define NL 600
static double XL[NL * 3], YL[NL];

static void make_large(void)
{
    for (size_t r = 0; r < NL; r++) {
        double a = (double)((r * 37) % NL) / NL, b = (double)((r * 101) % NL) / NL,
               c = (double)((r * 223) % NL) / NL;
        XL[3 * r] = a;
        XL[3 * r + 1] = b;
        XL[3 * r + 2] = c;
        YL[r] = sin(3 * a) + b * b - 0.5 * c;
    }
}

static sg_model *fit_threads(size_t threads)
{
    sg_model_spec s = auto_spec();
    s.size_auto &= ~SG_SIZE_AUTO_EPOCHS;
    s.train.epochs = 40;
    s.n_threads = threads;
    s.seed = 99;
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&s, 3, 1, XL, YL, NL, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    return m;
}

Test(sizing_fit, members_trained_by_threads_equal_one_thread_bit_for_bit)
{
    make_large();
    sg_model *a = fit_threads(1), *b = fit_threads(3);
    const sg_model_spec *sa = sg_model_spec_of(a);
    cr_expect_eq(sa->ensemble, 4, "the plan's four members");
    cr_expect_float_eq(sa->val_share, 0.1, 0.0);
    cr_expect_eq(sa->train.optimizer, SG_OPT_LBFGS, "600 rows: full-batch lbfgs");
    for (size_t k = 0; k < sa->ensemble; k++) {
        const sg_mlp *na = sg_model_member(a, 0, k), *nb = sg_model_member(b, 0, k);
        cr_assert_eq(memcmp(sg_mlp_params_const(na), sg_mlp_params_const(nb),
                            sg_mlp_n_params(na) * sizeof(double)),
                     0, "member %zu", k);
    }
    /* the members watch different validation rows: different weights */
    cr_expect_neq(memcmp(sg_mlp_params_const(sg_model_member(a, 0, 0)),
                         sg_mlp_params_const(sg_model_member(a, 0, 1)),
                         sg_mlp_n_params(sg_model_member(a, 0, 0)) * sizeof(double)),
                  0);
    sg_model_destroy(a);
    sg_model_destroy(b);
}

/* The 600 rows, and size-aware settings with a short epoch limit (the
 * study's: the plan leaves it) for a quick fit. */
static sg_model_spec quick_large_spec(void)
{
    make_large();
    sg_model_spec s = auto_spec();
    s.size_auto &= ~SG_SIZE_AUTO_EPOCHS;
    s.train.epochs = 20;
    s.seed = 7;
    return s;
}

/* Held-out predictions of spec's cross-validation on the 600 rows (kfold:5:
 * folds of 480 rows, below SG_SIZING_LARGE_ROWS) into pred (NL). */
static void cv_predictions(const sg_model_spec *spec, double *pred)
{
    sg_cv_options o = sg_cv_options_defaults();
    o.baseline = o.window = o.groups = false;
    sg_cv_result *cv = NULL;
    sg_error err;
    cr_assert_eq(sg_cv_run(spec, &o, 3, 1, XL, YL, NL, NULL, NULL, NULL, &cv, &err), SG_OK, "%s",
                 err.msg);
    cr_assert_eq(cv->n_held, (size_t)NL);
    for (size_t i = 0; i < NL; i++)
        pred[cv->held_row[i]] = cv->pred[i];
    sg_cv_result_destroy(cv);
}

/* The folds validate the model fit trains on all 600 rows (the plan's
 * 2-layer networks of 4 members, early stopping), not the 6-6 networks of a
 * 480-row table: the same held-out predictions, bit for bit, as with the
 * settings resolved for 600 rows, and not those of the settings for 480. */
Test(sizing_fit, folds_validate_the_model_sized_for_every_row)
{
    sg_model_spec s = quick_large_spec();
    sg_model_spec for_all = s, for_fold = s;
    cr_assert(sg_model_spec_fit_to(&for_all, NL, 3, 1));
    cr_assert_not(sg_model_spec_fit_to(&for_fold, NL * 4 / 5, 3, 1));
    cr_assert_neq(for_all.hidden[0], for_fold.hidden[0], "the two sizes differ");
    static double p_auto[NL], p_all[NL], p_fold[NL];
    cv_predictions(&s, p_auto);
    cv_predictions(&for_all, p_all);
    cv_predictions(&for_fold, p_fold);
    cr_expect_eq(memcmp(p_auto, p_all, sizeof p_auto), 0);
    cr_expect_neq(memcmp(p_auto, p_fold, sizeof p_auto), 0);
}

/* The network's inner score of type = "auto" on the first n of the 600
 * rows. */
static double auto_network_score(const sg_model_spec *spec, size_t n)
{
    sg_model_spec a = *spec;
    a.type = SG_MODEL_AUTO;
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&a, 3, 1, XL, YL, n, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    const sg_model_selection *sel = sg_model_selection_of(m);
    cr_assert(sel->mlp_ok);
    double v = sel->mlp_score;
    sg_model_destroy(m);
    return v;
}

/* type = "auto" compares kriging with the network fit would train on every
 * row, not with the smaller one of an inner fold's rows. */
Test(sizing_fit, auto_compares_the_network_sized_for_every_row)
{
    sg_model_spec s = quick_large_spec();
    sg_model_spec for_all = s;
    sg_model_spec_fit_to(&for_all, SG_SIZING_LARGE_ROWS, 3, 1);
    /* (its inner folds' 400 rows alone would get 6-6 networks: the
     * mutation cv-auto-inner-folds-sized-by-their-rows) */
    cr_expect_float_eq(auto_network_score(&s, SG_SIZING_LARGE_ROWS),
                       auto_network_score(&for_all, SG_SIZING_LARGE_ROWS), 0.0);
}

/* The source material's y = x sin(10 pi x) + 2: from small random weights
 * every member stays at the mean (R² 0); the restart from a spread first
 * layer is what makes the network learn. */
Test(sizing_fit, a_network_that_did_not_learn_is_restarted)
{
    enum { N = 800 };
    static double x[N], y[N];
    for (size_t r = 0; r < N; r++) {
        x[r] = -1.0 + 3.0 * (double)((r * 389) % N) / (N - 1);
        y[r] = x[r] * sin(10 * 3.14159265358979323846 * x[r]) + 2;
    }
    sg_model_spec s = auto_spec();
    s.size_auto &= ~SG_SIZE_AUTO_HIDDEN; /* narrow, to keep the test quick */
    s.hidden[0] = s.hidden[1] = 32;
    s.seed = 3;
    s.n_threads = 2;
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&s, 1, 1, x, y, N, NULL, NULL, NULL, &m, &err), SG_OK, "%s",
                 err.msg);
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(m, &w, &err), SG_OK);
    double mean = 0, sse = 0, sst = 0;
    for (size_t r = 0; r < N; r++)
        mean += y[r] / N;
    for (size_t r = 0; r < N; r++) {
        double p, sd;
        sg_model_predict(m, w, &x[r], &p, &sd);
        sse += (p - y[r]) * (p - y[r]);
        sst += (y[r] - mean) * (y[r] - mean);
    }
    /* without the restart: R² -0.004 */
    cr_expect_gt(1 - sse / sst, 0.3, "training R² %g", 1 - sse / sst);
    sg_model_work_destroy(w);
    sg_model_destroy(m);
}

static sg_status load_keys(const char *train, sg_study_model *m, sg_error *err)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[study]\nname = \"s\"\n[data]\nfile = \"t.csv\"\n"
             "[[factor]]\nname = \"a\"\nmin = 0\nmax = 1\n[[response]]\nname = \"y\"\n"
             "[train]\n%s\n",
             train);
    sg_study *s = NULL;
    sg_status st = sg_study_load_buffer(text, strlen(text), "dir/s.toml", &s, err);
    cr_assert_eq(st, SG_OK, "%s", err->msg);
    st = sg_study_model_load(s, m, err);
    sg_study_destroy(s);
    return st;
}

Test(sizing_fit, study_keys_fix_their_fields)
{
    sg_study_model m;
    sg_error err;
    cr_assert_eq(load_keys("epochs = 77\nlr_patience = 4", &m, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(m.spec.train.lr_patience, 4);
    cr_expect_not(m.spec.size_auto & SG_SIZE_AUTO_EPOCHS);
    cr_expect_not(m.spec.size_auto & SG_SIZE_AUTO_LR_PATIENCE);
    cr_expect(m.spec.size_auto & SG_SIZE_AUTO_HIDDEN);
    sg_study_model_destroy(&m);

    cr_assert_eq(load_keys("validation_share = 0.2", &m, &err), SG_OK, "%s", err.msg);
    cr_expect_float_eq(m.spec.val_share, 0.2, 0.0);
    cr_expect(m.spec.train.early_stopping.enabled, "a share turns early stopping on");
    cr_expect_eq(m.spec.train.early_stopping.monitor, SG_MONITOR_VALIDATION);
    sg_study_model_destroy(&m);

    cr_expect_eq(load_keys("validation_share = 0.6", &m, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "s.toml:") && strstr(err.msg, "validation_share"), "%s", err.msg);
    sg_study_model_destroy(&m);
    cr_expect_eq(load_keys("validation_share = 0.1\nearly_stopping = false", &m, &err),
                 SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "early_stopping"), "%s", err.msg);
    sg_study_model_destroy(&m);
    cr_expect_eq(load_keys("lr_patience = -1", &m, &err), SG_ERR_INVALID);
    sg_study_model_destroy(&m);
}
