/* Tests of the recommendation (optim/recommend.h) and of the no-effect rule
 * of the surrogate's sensitivity (model/sensitivity.h).
 *
 * Study: a in [1.3, 4.7] matters, b in [-2.1, 3.9] does not: y = 2 a + 10.38
 * on a 7 x 7 grid, recorded to 0.01.  The rules are checked on a small
 * network fitted in the test; the classification also on the analytic
 * function through the callback interface (no model). */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/sensitivity.h"
#include "optim/recommend.h"

#define STUDY                                                                                    \
    "[study]\nname = \"r\"\nseed = 11\n[data]\nfile = \"r.csv\"\n"                               \
    "[[factor]]\nname = \"a\"\nunit = \"mm\"\nmin = 1.3\nmax = 4.7\n"                            \
    "[[factor]]\nname = \"b\"\nunit = \"K\"\nmin = -2.1\nmax = 3.9\n%s"                          \
    "[[response]]\nname = \"y\"\nunit = \"MPa\"\ngoal = \"minimize\"\n%s"                        \
    "[optimize]\nstarts = 4\n%s"

#define GRID 7

static double truth(double a, double b)
{
    (void)b;
    return 2.0 * a + 10.38;
}

typedef struct fixture {
    sg_study *s;
    sg_table *t;
    sg_optimize_spec *sp;
    sg_model *m;
    sg_decide_result *r;
} fixture;

static void make_table(sg_table **t)
{
    static char csv[4096];
    size_t used = (size_t)snprintf(csv, sizeof csv, "a,b,y\n");
    for (int i = 0; i < GRID; i++)
        for (int j = 0; j < GRID; j++) {
            double a = 1.3 + 3.4 * i / (GRID - 1), b = -2.1 + 6.0 * j / (GRID - 1);
            used += (size_t)snprintf(csv + used, sizeof csv - used, "%.17g,%.17g,%.2f\n", a, b,
                                     truth(a, b));
        }
    const char *cols[] = {"a", "b", "y"};
    sg_error err;
    cr_assert_eq(sg_table_load_buffer(csv, used, "r.csv", cols, 3, 2, t, NULL, &err), SG_OK, "%s",
                 err.msg);
}

/* The network without its linear trend: with it, this plane is learnt
 * exactly and the model's optimum is the best tested run itself, which
 * the cases below need to differ from it. */
static sg_model *fit_model(const sg_table *t)
{
    sg_model_spec spec = sg_model_spec_defaults();
    spec.trend = false;
    spec.hidden[0] = 6;
    spec.ensemble = 2;
    spec.train.epochs = 300;
    spec.seed = 11;
    double X[GRID * GRID * 2], Y[GRID * GRID];
    for (size_t r = 0; r < t->n_rows; r++) {
        X[r * 2] = sg_table_at(t, r, 0);
        X[r * 2 + 1] = sg_table_at(t, r, 1);
        Y[r] = sg_table_at(t, r, 2);
    }
    const char *names[] = {"y"};
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&spec, 2, 1, X, Y, t->n_rows, names, NULL, NULL, &m, &err), SG_OK,
                 "%s", err.msg);
    cr_assert_eq(sg_model_set_factor(m, 0, "a", "mm", 1.3, 4.7, &err), SG_OK);
    cr_assert_eq(sg_model_set_factor(m, 1, "b", "K", -2.1, 3.9, &err), SG_OK);
    return m;
}

static void setup_with(fixture *f, const char *factor_b_extra, const char *response_extra,
                       const char *optimize_extra)
{
    gsl_set_error_handler_off();
    memset(f, 0, sizeof *f);
    char text[4096];
    snprintf(text, sizeof text, STUDY, factor_b_extra, response_extra, optimize_extra);
    sg_error err;
    cr_assert_eq(sg_study_load_buffer(text, strlen(text), "r.toml", &f->s, &err), SG_OK, "%s",
                 err.msg);
    cr_assert_eq(sg_optimize_spec_load(f->s, &f->sp, &err), SG_OK, "%s", err.msg);
    make_table(&f->t);
    f->m = fit_model(f->t);
    cr_assert_eq(sg_decide_run(f->s, f->t, f->sp, f->m, NULL, &f->r, &err), SG_OK, "%s", err.msg);
}

static void setup(fixture *f, const char *factor_b_extra)
{
    setup_with(f, factor_b_extra, "", "");
}

static void teardown(fixture *f)
{
    sg_decide_result_destroy(f->r);
    sg_model_destroy(f->m);
    sg_optimize_spec_destroy(f->sp);
    sg_table_destroy(f->t);
    sg_study_destroy(f->s);
}

/* The analytic function as a sensitivity callback (one output). */
static sg_status analytic(void *user, const double *X, size_t n, double *Y, sg_error *err)
{
    (void)user;
    (void)err;
    for (size_t k = 0; k < n; k++)
        Y[k] = truth(X[2 * k], X[2 * k + 1]);
    return SG_OK;
}

/* y = 2 a + 0.115 b: b's share of the variance is small, (0.115 * 6)^2 /
 * ((2 * 3.4)^2 + (0.115 * 6)^2) = 0.0102 < 0.02, but it moves y by
 * 0.115 * 6 = 0.69, more than the threshold 0.136: it has an effect. */
static sg_status small_share(void *user, const double *X, size_t n, double *Y, sg_error *err)
{
    (void)user;
    (void)err;
    for (size_t k = 0; k < n; k++)
        Y[k] = 2.0 * X[2 * k] + 0.115 * X[2 * k + 1];
    return SG_OK;
}

static sg_sensitivity *analytic_sensitivity(const fixture *f)
{
    sg_sensitivity *sens = NULL;
    sg_error err;
    cr_assert_eq(sg_sensitivity_run_fn(f->s, f->t, analytic, NULL, NULL, &sens, &err), SG_OK,
                 "%s", err.msg);
    return sens;
}

static sg_recommend *build(const fixture *f, const double *q2, const sg_sensitivity *sens)
{
    sg_recommend_inputs in = {.q2 = q2, .sens = sens};
    sg_recommend *rec = NULL;
    sg_error err;
    cr_assert_eq(sg_recommend_build(f->s, f->t, f->sp, f->m, f->r, &in, &rec, &err), SG_OK, "%s",
                 err.msg);
    return rec;
}

Test(recommend, no_effect_rule_on_the_analytic_function)
{
    fixture f;
    setup(&f, "");
    sg_sensitivity *sens = analytic_sensitivity(&f);
    /* range of y: 2 * 3.4 = 6.8; resolution 0.01 (two decimals); threshold
     * max(0.01, 0.02 * 6.8) = 0.136 */
    cr_expect(fabs(sens->range[0] - 6.8) < 1e-9, "range %g", sens->range[0]);
    cr_expect(fabs(sens->resolution[0] - 0.01) < 1e-15, "resolution %g", sens->resolution[0]);
    cr_expect(fabs(sens->threshold[0] - 0.136) < 1e-9);
    cr_expect_not(sens->negligible[0]);
    cr_expect(sens->negligible[1]);
    cr_expect(sg_sensitivity_material(sens, 0, NULL));
    cr_expect_not(sg_sensitivity_material(sens, 1, NULL));
    /* a: total index 1, effect range 2 * 3.4 = 6.8 */
    cr_expect(fabs(sens->sobol->total[0].est - 1.0) < 1e-3);
    cr_expect(fabs(sens->sobol->effect_range[0] - 6.8) < 1e-9);
    sg_sensitivity_destroy(sens);
    /* both tests must pass: a small share with a visible effect range is material */
    sg_error err;
    cr_assert_eq(sg_sensitivity_run_fn(f.s, f.t, small_share, NULL, NULL, &sens, &err), SG_OK);
    cr_expect(fabs(sens->sobol->total[1].est - 0.0102) < 0.002, "ST %g",
              sens->sobol->total[1].est);
    cr_expect(fabs(sens->sobol->effect_range[1] - 0.69) < 1e-9);
    cr_expect_not(sens->negligible[1]);
    sg_sensitivity_destroy(sens);
    teardown(&f);
}

Test(recommend, the_fitted_model_finds_b_without_effect)
{
    fixture f;
    setup(&f, "");
    sg_sensitivity *sens = NULL;
    sg_error err;
    cr_assert_eq(sg_sensitivity_run(f.s, f.t, f.m, NULL, &sens, &err), SG_OK, "%s", err.msg);
    cr_expect_not(sens->negligible[0], "a: ST %g range %g", sens->sobol->total[0].est,
                  sens->sobol->effect_range[0]);
    cr_expect(sens->negligible[1], "b: ST %g range %g", sens->sobol->total[1].est,
              sens->sobol->effect_range[1]);
    sg_sensitivity_destroy(sens);
    teardown(&f);
}

Test(recommend, weak_model_gets_no_recommendation)
{
    fixture f;
    setup(&f, "");
    sg_sensitivity *sens = analytic_sensitivity(&f);
    double q2[1] = {0.42};
    sg_recommend *rec = build(&f, q2, sens);
    cr_expect_eq(rec->kind, SG_RECOMMEND_NONE);
    cr_expect(rec->weak_model);
    cr_expect(strncmp(rec->headline, "No recommendation", 17) == 0, "%s", rec->headline);
    cr_expect(strstr(rec->headline, "0.42") != NULL, "%s", rec->headline);
    sg_recommend_destroy(rec);
    q2[0] = 0.5; /* the boundary is not weak */
    rec = build(&f, q2, sens);
    cr_expect_neq(rec->kind, SG_RECOMMEND_NONE);
    sg_recommend_destroy(rec);
    sg_sensitivity_destroy(sens);
    teardown(&f);
}

Test(recommend, gain_within_uncertainty_recommends_the_best_tested_run)
{
    fixture f;
    setup(&f, "");
    sg_sensitivity *sens = analytic_sensitivity(&f);
    /* a wide calibrated interval: no gain can beat it */
    f.r->has_interval = 1;
    f.r->half_width[0] = 0.5;
    f.r->level = 0.95;
    f.r->best_row_value += 0.3; /* a gain of about 0.3 MPa: real, but within +-0.5 */
    sg_recommend *rec = build(&f, NULL, sens);
    cr_assert(rec->has_best_row);
    cr_expect(rec->gain > 0.2 && rec->gain < 0.5, "gain %g", rec->gain);
    cr_expect_eq(rec->kind, SG_RECOMMEND_BEST_RUN);
    cr_expect(rec->gain_within_uncertainty);
    cr_expect_eq(rec->uncertainty, 0.5);
    /* the best tested run: a = 1.3 (y = 12.98, + 0.3 above), the first b of the grid */
    cr_expect(fabs(rec->best_row_value - 13.28) < 1e-12, "%g", rec->best_row_value);
    cr_expect_eq(rec->factors[0].role, SG_ROLE_MATERIAL);
    cr_expect_eq(rec->x[0], sg_table_at(f.t, rec->best_row, 0));
    cr_expect_eq(rec->factors[1].role, SG_ROLE_NO_EFFECT);
    cr_expect_str_eq(rec->factors[1].from, "best tested run");
    cr_expect_eq(rec->x[1], sg_table_at(f.t, rec->best_row, 1));
    cr_expect(strncmp(rec->headline, "Use the best tested run", 23) == 0, "%s", rec->headline);
    cr_expect(strstr(rec->headline, "measured 13.28 MPa") != NULL, "%s", rec->headline);
    /* a sits at its lower bound and matters: the optimum may lie outside */
    cr_expect_eq(rec->factors[0].at_bound, -1);
    cr_expect(rec->outside_possible);
    cr_assert_geq(rec->n_notes, 1);
    cr_expect(strstr(rec->notes[0], "a (1.3 mm) is at the lower bound") != NULL, "%s",
              rec->notes[0]);
    cr_expect(strstr(rec->notes[0], "may lie outside the window") != NULL);
    sg_recommend_destroy(rec);
    sg_sensitivity_destroy(sens);
    teardown(&f);
}

Test(recommend, clear_gain_recommends_the_optimum_and_keeps_no_effect_factors)
{
    fixture f;
    setup(&f, "");
    sg_sensitivity *sens = analytic_sensitivity(&f);
    f.r->has_interval = 1;
    f.r->half_width[0] = 0.05;
    f.r->best_row_value += 1.0; /* pretend the best tested run measured 1 MPa worse */
    /* and the optimum 2 % of a's range from it: another setting (at the
     * run's own, the run is the answer: an_optimum_at_the_best_run_is_that_run) */
    double *x = (double *)SG_OPTIM_SETTINGS(f.r->opt); /* the fixture's own result */
    x[0] = sg_table_at(f.t, f.r->best_row, 0) + 0.02 * 3.4;
    sg_recommend *rec = build(&f, NULL, sens);
    cr_expect_eq(rec->kind, SG_RECOMMEND_OPTIMUM);
    cr_expect_not(rec->gain_within_uncertainty);
    cr_expect(rec->gain > 0.9, "gain %g", rec->gain);
    cr_expect_eq(rec->x[0], f.r->opt->best_x[0]);
    /* b is not pushed to where the optimiser left it */
    cr_expect_eq(rec->factors[1].role, SG_ROLE_NO_EFFECT);
    cr_expect_eq(rec->x[1], sg_table_at(f.t, rec->best_row, 1));
    cr_expect(strncmp(rec->headline, "Use the model's optimum", 23) == 0, "%s", rec->headline);
    /* the prediction is the model's at the recommended settings */
    double mean, sd;
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(f.m, &w, NULL), SG_OK);
    sg_model_predict(f.m, w, rec->x, &mean, &sd);
    sg_model_work_destroy(w);
    cr_expect_eq(rec->mean[0], mean);
    cr_expect_eq(rec->objective_pred, mean);
    sg_recommend_destroy(rec);
    /* without sensitivity every factor counts as material */
    rec = build(&f, NULL, NULL);
    cr_expect_eq(rec->factors[1].role, SG_ROLE_MATERIAL);
    cr_expect_eq(rec->x[1], f.r->opt->best_x[1]);
    sg_recommend_destroy(rec);
    sg_sensitivity_destroy(sens);
    teardown(&f);
}

static const struct {
    const char *prefer;
    double want;
    const char *from;
} prefer_cases[] = {
    {"prefer = \"low\"\n", -2.1, "prefer = low"},
    {"prefer = \"high\"\n", 3.9, "prefer = high"},
    {"prefer = 0.75\n", 0.75, "prefer"},
};

Test(recommend, prefer_sets_a_factor_without_effect)
{
    for (size_t i = 0; i < sizeof prefer_cases / sizeof prefer_cases[0]; i++) {
        fixture f;
        setup(&f, prefer_cases[i].prefer);
        sg_sensitivity *sens = analytic_sensitivity(&f);
        sg_recommend *rec = build(&f, NULL, sens);
        cr_expect_eq(rec->x[1], prefer_cases[i].want, "case %zu: %g", i, rec->x[1]);
        cr_expect_str_eq(rec->factors[1].from, prefer_cases[i].from);
        cJSON *j = NULL;
        sg_error err;
        cr_assert_eq(sg_recommend_to_json(rec, f.s, f.t, &j, &err), SG_OK);
        cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "settings"), 1);
        cr_expect_str_eq(cJSON_GetObjectItem(b, "role")->valuestring, "no_effect");
        cr_expect_eq(cJSON_GetObjectItem(b, "no_effect_to")->valuedouble, 3.9);
        cJSON_Delete(j);
        sg_recommend_destroy(rec);
        sg_sensitivity_destroy(sens);
        teardown(&f);
    }
}

/* Narrowed [optimize] bounds hold a factor without effect too: prefer =
 * "low" gives the search's lower bound, not the study's (before: -2.1, a
 * setting the user had excluded). */
Test(recommend, a_factor_without_effect_stays_inside_the_search_box)
{
    fixture f;
    setup_with(&f, "prefer = \"low\"\n", "", "bounds = { b = [0.5, 3.9] }\n");
    sg_sensitivity *sens = analytic_sensitivity(&f);
    sg_recommend *rec = build(&f, NULL, sens);
    cr_expect_eq(rec->factors[1].role, SG_ROLE_NO_EFFECT);
    cr_expect_eq(rec->x[1], 0.5, "b = %g", rec->x[1]);
    sg_recommend_destroy(rec);
    sg_sensitivity_destroy(sens);
    teardown(&f);
}

static const struct {
    const char *prefer;
    const char *msg;
} bad_prefer[] = {
    {"prefer = \"middle\"\n", "r.toml:16:10: prefer 'middle' of factor 'b' must be \"low\", "
                              "\"high\" or a number within min .. max"},
    {"prefer = 4.5\n", "r.toml:16:10: prefer (4.5) of factor 'b' must lie within min .. max "
                       "(-2.1 .. 3.9)"},
    {"prefer = true\n", "r.toml:16:10: 'prefer' must be a float, not a boolean"},
};

Test(recommend, bad_prefer_names_its_position)
{
    for (size_t i = 0; i < sizeof bad_prefer / sizeof bad_prefer[0]; i++) {
        char text[4096];
        snprintf(text, sizeof text, STUDY, bad_prefer[i].prefer, "", "");
        sg_study *s = NULL;
        sg_error err;
        cr_expect_eq(sg_study_load_buffer(text, strlen(text), "r.toml", &s, &err),
                     SG_ERR_INVALID, "case %zu", i);
        cr_expect(strstr(err.msg, bad_prefer[i].msg) != NULL, "case %zu: %s", i, err.msg);
        cr_expect_null(s);
    }
}

/* The chance of violating a constraint at the recommended settings: the
 * prediction m with the 95 % half-width 0.5 read as a normal distribution,
 * sigma = 0.5 / 1.959964; "y <= 13.0" is violated with probability
 * Q((13.0 - m) / sigma) (about 0.47 for m = 12.98), "y >= 12" with
 * Phi((12 - m) / sigma) (about 6e-5). */
Test(recommend, chance_of_violating_each_constraint)
{
    fixture f;
    setup_with(&f, "", "", "constraints = [\"y <= 13.0\", \"y >= 12\"]\n");
    sg_sensitivity *sens = analytic_sensitivity(&f);
    f.r->has_interval = 1;
    f.r->half_width[0] = 0.5;
    f.r->level = 0.95;
    sg_recommend *rec = build(&f, NULL, sens);
    cr_assert_eq(rec->n_cons, 2);
    double m = rec->mean[0], sigma = 0.5 / 1.959963984540054;
    cr_expect(fabs(m - 12.98) < 0.1, "model at the best run %g", m);
    cr_expect(fabs(rec->p_violate[0] - gsl_cdf_ugaussian_Q((13.0 - m) / sigma)) < 1e-12);
    cr_expect(fabs(rec->p_violate[1] - gsl_cdf_ugaussian_P((12.0 - m) / sigma)) < 1e-12);
    cr_expect(rec->p_violate[0] > 0.2 && rec->p_violate[0] < 0.8, "%g", rec->p_violate[0]);
    cr_expect(rec->p_violate[1] < 1e-3, "%g", rec->p_violate[1]);
    bool noted = false;
    for (size_t k = 0; k < rec->n_notes; k++)
        noted = noted || strstr(rec->notes[k], "y <= 13: a ") != NULL;
    cr_expect(noted, "no note on the likely violation");
    cJSON *j = NULL;
    sg_error err;
    cr_assert_eq(sg_recommend_to_json(rec, f.s, f.t, &j, &err), SG_OK);
    cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "constraints"), 0);
    cr_expect_eq(cJSON_GetObjectItem(c0, "probability_violated")->valuedouble, rec->p_violate[0]);
    cJSON_Delete(j);
    sg_recommend_destroy(rec);
    sg_sensitivity_destroy(sens);
    teardown(&f);
}

/* [[response]] lower_limit / upper_limit clip the interval at the
 * recommended settings: 12.98 +- 0.5 would reach 12.48; with lower_limit =
 * 12.9 it starts there, and says so. */
Test(recommend, intervals_are_clipped_to_physical_limits)
{
    fixture f;
    setup_with(&f, "", "lower_limit = 12.9\nupper_limit = 1e6\n", "");
    cr_expect_eq(f.s->responses[0].lower_limit, 12.9);
    f.r->has_interval = 1;
    f.r->half_width[0] = 0.5;
    f.r->level = 0.95;
    sg_recommend *rec = build(&f, NULL, NULL);
    cr_expect_eq(rec->lo[0], 12.9);
    cr_expect_eq(rec->hi[0], rec->mean[0] + 0.5);
    cr_expect(rec->clipped[0]);
    cJSON *j = NULL;
    sg_error err;
    cr_assert_eq(sg_recommend_to_json(rec, f.s, f.t, &j, &err), SG_OK);
    cJSON *y = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "predicted"), "y");
    cr_expect_eq(cJSON_GetObjectItem(y, "lower")->valuedouble, 12.9);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(y, "clipped")));
    cJSON_Delete(j);
    sg_recommend_destroy(rec);
    /* the optimisation's JSON interval too */
    cr_assert_eq(sg_decide_to_json(f.r, f.s, f.t, f.sp, NULL, &j, &err), SG_OK);
    cJSON *iv = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "optimum"),
                                                        "interval"), "y");
    cr_expect_eq(cJSON_GetObjectItem(iv, "lower")->valuedouble, 12.9);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(iv, "clipped")));
    cJSON_Delete(j);
    teardown(&f);
}

Test(recommend, response_limits_are_checked)
{
    char text[4096];
    snprintf(text, sizeof text, STUDY, "", "lower_limit = 5\nupper_limit = 5\n", "");
    sg_study *s = NULL;
    sg_error err;
    cr_expect_eq(sg_study_load_buffer(text, strlen(text), "r.toml", &s, &err), SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "r.toml:21:15: upper_limit (5) must be above lower_limit (5) for "
                              "response 'y'");
    sg_response r = {.lower_limit = 0.0, .upper_limit = INFINITY};
    double lo = -0.25, hi = 3.5;
    cr_expect(sg_response_clip(&r, &lo, &hi));
    cr_expect(lo == 0.0 && hi == 3.5);
    lo = 0.5;
    cr_expect_not(sg_response_clip(&r, &lo, &hi));
}

/* Factors that matter at the same bound share one note (a note each would
 * push the other warnings past SG_RECOMMEND_MAX_NOTES on a wide study). */
Test(recommend, factors_at_one_bound_share_a_note)
{
    fixture f;
    setup(&f, "");
    f.r->has_interval = 1;
    f.r->half_width[0] = 0.05;
    f.r->best_row_value += 1.0;
    sg_recommend *rec = build(&f, NULL, NULL); /* no sensitivity: every factor matters */
    cr_assert_eq(rec->kind, SG_RECOMMEND_OPTIMUM);
    const char *phrase[2] = {"at the lower bound of the window", "at the upper bound of the window"};
    for (int side = 0; side < 2; side++) {
        size_t at = 0, notes = 0;
        const char *note = NULL;
        for (size_t k = 0; k < rec->n_notes; k++)
            if (strstr(rec->notes[k], phrase[side])) {
                notes++;
                note = rec->notes[k];
            }
        for (size_t i = 0; i < rec->n_factors; i++) {
            if (rec->factors[i].at_bound != (side ? 1 : -1))
                continue;
            at++;
            char named[40];
            snprintf(named, sizeof named, "%s (", f.s->factors[i].name);
            cr_expect(note && strstr(note, named), "%s missing from %s", named, note);
        }
        cr_expect_eq(notes, at ? 1u : 0u, "side %d: %zu factors, %zu notes", side, at, notes);
        if (at)
            cr_expect(strstr(note, at > 1 ? " are at the " : " is at the "), "%s", note);
    }
    sg_recommend_destroy(rec);
    teardown(&f);
}

/* a at a lower bound the user narrowed [optimize] to (2 mm, inside the
 * window's 1.3): the model sees the better settings below it, so the note
 * says so instead of "the optimum may lie outside the window, which the
 * model cannot tell" (which was wrong there). */
Test(recommend, a_narrowed_bound_is_not_the_edge_of_the_window)
{
    fixture f;
    setup_with(&f, "", "", "bounds = { a = [2.0, 4.7] }\n");
    f.r->has_interval = 1;
    f.r->half_width[0] = 0.05;
    f.r->best_row_value += 1.0;
    sg_recommend *rec = build(&f, NULL, NULL);
    cr_assert_eq(rec->kind, SG_RECOMMEND_OPTIMUM);
    cr_expect_eq(rec->factors[0].at_bound, -1);
    cr_expect(!rec->outside_possible);
    bool said = false;
    for (size_t k = 0; k < rec->n_notes; k++) {
        cr_expect(!strstr(rec->notes[k], "a (2 mm) is at the lower bound of the window"), "%s",
                  rec->notes[k]);
        said = said || strstr(rec->notes[k], "a (2 mm) is at the lower bound set in [optimize] "
                                             "and matters: the model predicts better settings "
                                             "beyond it");
    }
    cr_expect(said);
    sg_recommend_destroy(rec);
    teardown(&f);
}

/* "y <= 5" on y = 2a + 10.38 >= 12.98: no setting and no tested run meets
 * it.  The answer says so first (before: "Use the model's optimum:
 * predicted 12.98 MPa; confirm it with a run") and does not advise a
 * larger safety margin. */
Test(recommend, an_infeasible_constraint_leads_the_answer)
{
    fixture f;
    setup_with(&f, "", "", "constraints = [\"y <= 5\"]\n");
    sg_recommend *rec = build(&f, NULL, NULL);
    cr_expect(rec->infeasible);
    cr_expect(!rec->has_best_row);
    cr_expect_eq(rec->kind, SG_RECOMMEND_OPTIMUM);
    cr_expect(strncmp(rec->headline, "No setting meets every constraint, by the model or by any "
                                     "tested run; the settings below come closest",
                      100) == 0,
              "%s", rec->headline);
    for (size_t k = 0; k < rec->n_notes; k++)
        cr_expect(!strstr(rec->notes[k], "constraint_confidence"), "%s", rec->notes[k]);
    sg_recommend_destroy(rec);
    teardown(&f);
}

/* The model finds nothing that meets "y <= 13.0" (as when its safety
 * margin is wider than the slack), but the tested runs at a = 1.3 (12.98)
 * do as measured: the answer is the best of them. */
Test(recommend, a_tested_run_meeting_what_the_model_cannot_is_the_answer)
{
    fixture f;
    setup_with(&f, "", "", "constraints = [\"y <= 13.0\"]\n");
    snprintf(f.r->infeasible, sizeof f.r->infeasible,
             "no setting satisfies every constraint: 'y <= 13' cannot be met with its safety margin");
    sg_recommend *rec = build(&f, NULL, NULL);
    cr_expect(rec->infeasible);
    cr_assert(rec->has_best_row);
    cr_expect_eq(rec->kind, SG_RECOMMEND_BEST_RUN);
    cr_expect(strstr(rec->headline, "Use the best tested run, data row ") == rec->headline, "%s",
              rec->headline);
    cr_expect(strstr(rec->headline, "(measured 12.980 MPa): it meets every constraint as measured, "
                                    "while the model finds no setting that does"),
              "%s", rec->headline);
    cr_expect_eq(rec->x[0], 1.3);
    sg_recommend_destroy(rec);
    teardown(&f);
}

/* Data written with 8 decimals (resolution 1e-8) and an uncertainty of
 * +-0.5: the measured value is given one digit beyond the uncertainty's
 * (13.280), not to the data's resolution (13.28000000). */
Test(recommend, measured_value_to_the_digits_the_uncertainty_supports)
{
    fixture f;
    setup(&f, "");
    sg_sensitivity *sens = analytic_sensitivity(&f);
    sens->resolution[0] = 1e-8;
    f.r->has_interval = 1;
    f.r->half_width[0] = 0.5;
    f.r->level = 0.95;
    f.r->best_row_value += 0.3;
    sg_recommend *rec = build(&f, NULL, sens);
    cr_expect(strstr(rec->headline, "(measured 13.280 MPa)"), "%s", rec->headline);
    sg_recommend_destroy(rec);
    sg_sensitivity_destroy(sens);
    teardown(&f);
}

/* a fixed at 3.385, a setting no run has: no tested run to compare with,
 * and the answer says why there is none. */
Test(recommend, no_tested_run_inside_the_box_is_said)
{
    fixture f;
    setup_with(&f, "", "", "fixed = { a = 3.385 }\n");
    sg_recommend *rec = build(&f, NULL, NULL);
    cr_expect(!rec->has_best_row);
    cr_expect(rec->none_in_box);
    cr_expect(strstr(rec->headline, "confirm it with a run (no tested run lies inside the "
                                     "[optimize] bounds and fixed values to compare it with)."),
              "%s", rec->headline);
    sg_recommend_destroy(rec);
    teardown(&f);
}

/* The best tested run a hair better or worse than the model's optimum
 * (1e-6 at an uncertainty of +-0.5): "predicted no better", not "0.000 MPa
 * worse" or "the predicted gain of the model's optimum, 0.000 MPa". */
Test(recommend, a_difference_that_rounds_away_reads_no_better)
{
    for (int side = -1; side <= 1; side += 2) {
        fixture f;
        setup(&f, "");
        f.r->has_interval = 1;
        f.r->half_width[0] = 0.5;
        f.r->level = 0.95;
        f.r->best_row_value = f.r->opt->best_f + side * 1e-6;
        sg_recommend *rec = build(&f, NULL, NULL);
        cr_assert_eq(rec->kind, SG_RECOMMEND_BEST_RUN);
        cr_expect(strstr(rec->headline, ": the model's optimum is predicted no better "
                                        "(uncertainty +-0.50 MPa)."),
                  "side %d: %s", side, rec->headline);
        sg_recommend_destroy(rec);
        teardown(&f);
    }
}

/* The model's optimum at the best tested run's own settings, the run
 * measured 1 MPa worse than the model predicts there (more than the
 * uncertainty of +-0.5): re-running a deterministic simulation would only
 * repeat it, so the answer is that run, said to be the optimum (before:
 * "Use the model's optimum: ... 1.0 MPa better than the best tested run
 * ...; confirm it with a run", at the run's own settings).  Moved 2 % of
 * a's range away, the optimum is another setting again. */
Test(recommend, an_optimum_at_the_best_run_is_that_run)
{
    for (int away = 0; away <= 1; away++) {
        fixture f;
        setup(&f, "");
        f.r->has_interval = 1;
        f.r->half_width[0] = 0.5;
        f.r->level = 0.95;
        double *x = (double *)SG_OPTIM_SETTINGS(f.r->opt); /* the fixture's own result */
        x[0] = sg_table_at(f.t, f.r->best_row, 0) + away * 0.02 * 3.4;
        x[1] = sg_table_at(f.t, f.r->best_row, 1) + 0.005 * 6.0; /* within 1 % of b's range */
        f.r->best_row_value = f.r->opt->best_f + 1.0;
        sg_recommend *rec = build(&f, NULL, NULL);
        cr_expect_eq(rec->optimum_is_best_row, !away, "away %d", away);
        cr_expect_eq(rec->kind, away ? SG_RECOMMEND_OPTIMUM : SG_RECOMMEND_BEST_RUN, "away %d",
                     away);
        cr_expect_eq(strstr(rec->headline, "it is also the model's optimum (predicted ") != NULL,
                     !away, "away %d: %s", away, rec->headline);
        /* and the model's 1 MPa miss at the run, beyond +-0.5, is said */
        cr_expect_eq(strstr(rec->headline, "; the model misses this run by ") != NULL, !away,
                     "away %d: %s", away, rec->headline);
        sg_recommend_destroy(rec);
        teardown(&f);
    }
}

/* A weak Q² on a saturated design: no recommendation, saying that no
 * model of these runs can be judged (not that the model is weak). */
Test(recommend, a_saturated_design_says_why_nothing_is_recommended)
{
    fixture f;
    setup(&f, "");
    double q2[1] = {-0.3};
    sg_recommend_inputs in = {.q2 = q2, .saturated = true, .main_terms = 8,
                              .fewest_training = 7};
    sg_recommend *rec = NULL;
    sg_error err;
    cr_assert_eq(sg_recommend_build(f.s, f.t, f.sp, f.m, f.r, &in, &rec, &err), SG_OK, "%s",
                 err.msg);
    cr_expect_eq(rec->kind, SG_RECOMMEND_NONE);
    cr_expect(strstr(rec->headline, "No recommendation: with a run held out, the 7 others "
                                    "cannot determine the mean and 7 main effects (a saturated "
                                    "design), so no model of these runs can be judged"),
              "%s", rec->headline);
    sg_recommend_destroy(rec);
    in.saturated = false;
    cr_assert_eq(sg_recommend_build(f.s, f.t, f.sp, f.m, f.r, &in, &rec, &err), SG_OK, "%s",
                 err.msg);
    cr_expect(strstr(rec->headline, "the model of the objective is weak"), "%s", rec->headline);
    sg_recommend_destroy(rec);
    teardown(&f);
}

/* Runs inside the box that meet no constraint, others outside it: the
 * answer has no tested run to compare with, but must not claim none lies
 * inside the box. */
Test(recommend, runs_inside_the_box_are_not_said_to_be_missing)
{
    fixture f;
    setup(&f, "");
    f.r->has_best_row = 0;
    f.r->rows_inside_box = 5;
    f.r->rows_outside_box = 44;
    sg_recommend *rec = build(&f, NULL, NULL);
    cr_expect(!rec->none_in_box);
    cr_expect_null(strstr(rec->headline, "no tested run lies inside"), "%s", rec->headline);
    sg_recommend_destroy(rec);
    teardown(&f);
}

/* A log-scale objective: its interval spans a factor (×/÷ 10^0.5 here),
 * which the answer states as the model quality line does ("x/ 3.162"), with
 * the +- the gain is judged against beside it where the two are compared. */
Test(recommend, a_log_scale_uncertainty_is_a_factor)
{
    fixture f;
    setup(&f, "");
    cr_assert_not_null(f.r->log_scale);
    f.r->log_scale[0] = true;
    f.r->has_interval = 1;
    f.r->half_width[0] = 0.5;
    f.r->level = 0.95;
    f.r->best_row_value = f.r->opt->best_f + 0.2; /* a gain well inside the uncertainty */
    sg_recommend *rec = build(&f, NULL, NULL);
    cr_assert_eq(rec->kind, SG_RECOMMEND_BEST_RUN, "%s", rec->headline);
    cr_expect(strstr(rec->headline, "is within the uncertainty of x/ 3.162, +-") &&
                  strstr(rec->headline, " MPa at the prediction, so the two cannot be told "
                                        "apart"),
              "%s", rec->headline);
    cr_expect_null(strstr(rec->headline, "uncertainty of +-"), "%s", rec->headline);
    sg_recommend_destroy(rec);
    teardown(&f);
}
