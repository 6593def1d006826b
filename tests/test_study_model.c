/* Tests of the [model]/[train] loader: mapping, defaults, and one case per
 * class of error with its file:line:col. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/study_model.h"
#include "table_test.h"

/* Ten lines; a section appended starts at line 11, its first key at 12. */
#define BASE                                                                                   \
    "[study]\nname = \"tt\"\n[data]\nfile = \"d.csv\"\n[[factor]]\nname = \"a\"\nmin = 0\n"   \
    "max = 1\n[[response]]\nname = \"y\"\n"

static void setup(void)
{
    gsl_set_error_handler_off();
}

static sg_status load(const char *extra, sg_study_model *m, sg_error *err)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", BASE, extra);
    sg_study *s = NULL;
    sg_status st = sg_study_load_buffer(buf, strlen(buf), "/tmp/sgsm/s.toml", &s, err);
    cr_assert_eq(st, SG_OK, "base study: %s", err->msg);
    st = sg_study_model_load(s, m, err);
    sg_study_destroy(s);
    return st;
}

Test(study_model, defaults_are_the_model_defaults, .init = setup)
{
    sg_study_model m;
    sg_error err;
    cr_assert_eq(load("", &m, &err), SG_OK, "%s", err.msg);
    sg_model_spec d = sg_model_spec_defaults();
    cr_expect_eq(m.spec.n_hidden, d.n_hidden);
    cr_expect_eq(m.spec.hidden[0], d.hidden[0]);
    cr_expect_eq(m.spec.hidden_act, d.hidden_act);
    cr_expect_eq(m.spec.ensemble, d.ensemble);
    cr_expect_eq(m.spec.train.epochs, d.train.epochs);
    cr_expect(m.spec.train.l2 == d.train.l2);
    cr_expect(m.spec.optimizer_auto);
    cr_expect(m.spec.trend && m.spec.relevance);
    cr_expect_eq(m.spec.type, SG_MODEL_MLP);
    cr_expect_eq(m.spec.type, SG_MODEL_DEFAULT_TYPE);
    cr_expect_eq(m.spec.seed, SG_STUDY_DEFAULT_SEED);
    cr_expect_eq(m.cv.plan.kind, SG_CV_AUTO);
    cr_expect(m.cv.level == SG_CV_DEFAULT_LEVEL);
    cr_expect(m.cv.outlier_z == SG_CV_OUTLIER_Z);
    cr_expect_str_eq(m.validation, "auto");
    cr_expect_str_eq(m.model_file, "../reports/tt.model.json");
    cr_expect_str_eq(m.model_path, "/tmp/reports/tt.model.json");
    sg_study_model_destroy(&m);
    sg_study_model_destroy(NULL);
}

Test(study_model, every_key_is_mapped, .init = setup)
{
    sg_study_model m;
    sg_error err;
    const char *extra =
        "[report]\nfile = \"out/r.xlsx\"\n"
        "[model]\nhidden = [12, 7]\nactivation = \"elu\"\noutput_activation = \"sigmoid\"\n"
        "init = \"he\"\nensemble = 3\nshared = true\nfactor_scaling = \"zscore\"\n"
        "response_scaling = \"none\"\ntype = \"auto\"\ntrend = false\n"
        "[train]\noptimizer = \"sgd\"\nlearning_rate = 0.0375\nepochs = 123\nbatch_size = 7\n"
        "momentum = 0.85\nnesterov = true\nbeta1 = 0.8\nbeta2 = 0.99\nepsilon = 2.5e-7\n"
        "rho = 0.7\nl1 = 1.5e-5\nl2 = 3.25e-4\nearly_stopping = true\nmin_delta = 1e-9\n"
        "patience = 17\nrestore_best = false\nvalidation = \"kfold:4:2\"\n"
        "interval_level = 0.9\noutlier_threshold = 4.25\nthreads = 3\n";
    cr_assert_eq(load(extra, &m, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(m.spec.n_hidden, 2);
    cr_expect_eq(m.spec.hidden[0], 12);
    cr_expect_eq(m.spec.hidden[1], 7);
    cr_expect_eq(m.spec.hidden_act, SG_ACT_ELU);
    cr_expect_eq(m.spec.output_act, SG_ACT_SIGMOID);
    cr_expect_eq(m.spec.init, SG_INIT_HE);
    cr_expect_eq(m.spec.ensemble, 3);
    cr_expect(m.spec.shared);
    cr_expect_eq(m.spec.x_scale, SG_SCALE_ZSCORE);
    cr_expect_eq(m.spec.y_scale, SG_SCALE_NONE);
    cr_expect_eq(m.spec.type, SG_MODEL_AUTO);
    cr_expect_not(m.spec.trend);
    const sg_train_config *c = &m.spec.train;
    cr_expect_eq(c->optimizer, SG_OPT_SGD);
    cr_expect(!m.spec.optimizer_auto);
    cr_expect(c->learning_rate == 0.0375);
    cr_expect_eq(c->epochs, 123);
    cr_expect_eq(c->batch_size, 7);
    cr_expect(c->momentum == 0.85 && c->nesterov);
    cr_expect(c->beta1 == 0.8 && c->beta2 == 0.99 && c->epsilon == 2.5e-7 && c->rho == 0.7);
    cr_expect(c->l1 == 1.5e-5 && c->l2 == 3.25e-4);
    cr_expect(c->early_stopping.enabled && c->early_stopping.min_delta == 1e-9);
    cr_expect(c->early_stopping.patience == 17 && !c->early_stopping.restore_best);
    cr_expect_eq(m.cv.plan.kind, SG_CV_KFOLD);
    cr_expect_eq(m.cv.plan.k, 4);
    cr_expect_eq(m.cv.plan.repeats, 2);
    cr_expect_str_eq(m.validation, "kfold:4:2");
    cr_expect(m.cv.level == 0.9 && m.cv.outlier_z == 4.25);
    cr_expect_eq(m.cv.n_threads, 3);
    cr_expect_str_eq(m.model_file, "out/tt.model.json");
    sg_study_model_destroy(&m);

    cr_assert_eq(load("[model]\nfile = \"m/x.json\"\n", &m, &err), SG_OK, "%s", err.msg);
    cr_expect_str_eq(m.model_path, "/tmp/sgsm/m/x.json");
    sg_study_model_destroy(&m);
}

typedef struct bad_case {
    const char *extra;
    const char *where;   /* "s.toml:LINE:COL:" */
    const char *message; /* substring */
} bad_case;

static const bad_case bad[] = {
    /* unknown keys, with a hint */
    {"[model]\nhiden = [8]\n", "s.toml:12:1:", "unknown key 'hiden' in [model]; did you mean 'hidden'?"},
    {"[train]\nlerning_rate = 0.1\n", "s.toml:12:1:", "did you mean 'learning_rate'?"},
    /* wrong types */
    {"[model]\nensemble = \"5\"\n", "s.toml:12:12:", "'ensemble' must be"},
    {"[train]\nlearning_rate = \"fast\"\n", "s.toml:12:17:", "'learning_rate' must be"},
    {"[model]\nhidden = 8\n", "s.toml:12:10:", "'hidden' must be"},
    {"[model]\nhidden = [\"8\"]\n", "s.toml:12:11:", "entry 1 is a string"},
    {"[model]\nshared = 1\n", "s.toml:12:10:", "'shared' must be"},
    {"[model]\ntrend = \"linear\"\n", "s.toml:12:9:", "'trend' must be"},
    /* unknown names, listing the valid ones */
    {"[model]\nactivation = \"tanhh\"\n", "s.toml:12:14:", "unknown activation 'tanhh'; valid names: linear, relu"},
    {"[model]\noutput_activation = \"relu\"\n", "s.toml:12:21:", "valid names: linear, sigmoid, tanh"},
    {"[train]\noptimizer = \"adamw\"\n", "s.toml:12:13:", "unknown optimizer 'adamw'; valid names: adam, rmsprop, sgd, lbfgs"},
    {"[model]\ninit = \"xavier\"\n", "s.toml:12:8:", "valid names: glorot, he"},
    {"[model]\nfactor_scaling = \"log\"\n", "s.toml:12:18:", "valid names: minmax, zscore, none"},
    {"[model]\ntype = \"gpp\"\n", "s.toml:12:8:", "unknown model type 'gpp' (valid: mlp, gp, auto, quadratic); did you mean 'gp'?"},
    {"[model]\ntype = \"kriging\"\n", "s.toml:12:8:", "unknown model type 'kriging' (valid: mlp, gp, auto, quadratic)"},
    {"[model]\ntype = 1\n", "s.toml:12:8:", "'type' must be"},
    {"[train]\nvalidation = \"kfold\"\n", "s.toml:12:14:", "expected \"loo\", \"kfold:K\""},
    /* bad values */
    {"[model]\nhidden = [8, 0]\n", "s.toml:12:14:", "hidden layer 2 must have from 1"},
    {"[train]\nlearning_rate = -0.1\n", "s.toml:12:17:", "'learning_rate' must be positive (got -0.1)"},
    {"[train]\nlearning_rate = 0\n", "s.toml:12:17:", "must be positive"},
    {"[train]\nepochs = 0\n", "s.toml:12:10:", "'epochs' must be an integer from 1"},
    {"[model]\nensemble = 0\n", "s.toml:12:12:", "'ensemble' must be an integer from 1 to 1000"},
    {"[train]\nl2 = -1e-3\n", "s.toml:12:6:", "'l2' must be zero or positive"},
    {"[train]\ninterval_level = 1.5\n", "s.toml:12:18:", "'interval_level' must be between 0 and 1"},
    {"[train]\noutlier_threshold = 0\n", "s.toml:12:21:", "must be positive"},
    {"[train]\nmomentum = 1\n", "s.toml:12:12:", "'momentum' must be at least 0 and below 1"},
    {"[train]\nthreads = 0\n", "s.toml:12:11:", "'threads' must be an integer from 1"},
    {"[model]\nfile = \"\"\n", "s.toml:12:8:", "'file' must not be empty"},
    /* combinations */
    {"[train]\nnesterov = true\nmomentum = 0\n", "s.toml:12:12:", "'nesterov' needs a positive 'momentum'"},
};

TableTest(bad, i, study_model, every_error_class_has_a_position, .init = setup)
{
    {
        sg_study_model m;
        sg_error err;
        sg_error_clear(&err);
        sg_status st = load(bad[i].extra, &m, &err);
        cr_expect_eq(st, SG_ERR_INVALID, "case %zu (%s): status %d", i, bad[i].extra, st);
        cr_expect(strstr(err.msg, bad[i].where) != NULL, "case %zu: '%s' lacks '%s'", i, err.msg,
                  bad[i].where);
        cr_expect(strstr(err.msg, bad[i].message) != NULL, "case %zu: '%s' lacks '%s'", i,
                  err.msg, bad[i].message);
        sg_study_model_destroy(&m);
    }
}
