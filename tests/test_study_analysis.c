/* Tests of the [analysis] loader and the study analysis (study_analysis.h). */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

#include "analysis/study_analysis.h"
#include "table_test.h"

static void setup(void) { gsl_set_error_handler_off(); }
TestSuite(study_analysis, .init = setup);

/* 18 lines; the [analysis] section starts on line 19. */
#define BASE                                                                                    \
    "[study]\nname = \"t\"\n[data]\nfile = \"d.csv\"\n"                                         \
    "[[factor]]\nname = \"a\"\nmin = 1\nmax = 3\nlevels = [1, 2, 3]\n"                          \
    "[[response]]\nname = \"y_min\"\ngoal = \"minimize\"\n"                                     \
    "[[response]]\nname = \"y_nom\"\ngoal = \"none\"\n"                                         \
    "[[response]]\nname = \"y_max\"\ngoal = \"maximize\"\n"

static sg_status load(const char *analysis, sg_analysis_config *cfg, sg_error *err)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s%s", BASE, analysis);
    sg_study *s = NULL;
    sg_error e;
    cr_assert_eq(sg_study_load_buffer(buf, strlen(buf), "s.toml", &s, &e), SG_OK, "%s", e.msg);
    sg_status st = sg_study_analysis_config_load(s, cfg, err);
    sg_study_destroy(s);
    return st;
}

Test(study_analysis, defaults_without_section)
{
    sg_analysis_config cfg;
    cr_assert_eq(load("", &cfg, NULL), SG_OK);
    cr_expect(cfg.taguchi.interactions);
    cr_expect_eq(cfg.taguchi.min_error_df, SG_TAGUCHI_DEFAULT_MIN_ERROR_DF);
    cr_expect_not(cfg.taguchi.pool);
    for (int j = 0; j < 3; j++)
        cr_expect_not(cfg.has_target[j]);
}

Test(study_analysis, every_key)
{
    sg_analysis_config cfg;
    sg_error err;
    cr_assert_eq(load("[analysis]\ninteractions = false\nmin_error_df = 3\npool = true\n"
                      "targets = { y_nom = 418.375 }\n",
                      &cfg, &err),
                 SG_OK, "%s", err.msg);
    cr_expect_not(cfg.taguchi.interactions);
    cr_expect_eq(cfg.taguchi.min_error_df, 3);
    cr_expect(cfg.taguchi.pool);
    cr_expect_not(cfg.has_target[0]);
    cr_expect(cfg.has_target[1]);
    cr_expect_eq(cfg.target[1], 418.375);
    cr_expect_not(cfg.has_target[2]);
    /* an integer target is accepted */
    cr_assert_eq(load("[analysis]\ntargets = { y_nom = 420 }\n", &cfg, &err), SG_OK, "%s",
                 err.msg);
    cr_expect_eq(cfg.target[1], 420.0);
}

/* One case per error class, with the expected message (line:col included). */
static const struct {
    const char *text, *want;
} error_cases[] = {
    {"[analysis]\ninteraction = true\n",
     "s.toml:20:1: unknown key 'interaction' in [analysis]; did you mean 'interactions'?"},
    {"[analysis]\nfoo = 1\n", "s.toml:20:1: unknown key 'foo' in [analysis] (allowed: "
                              "interactions, min_error_df, pool, targets)"},
    {"[analysis]\ninteractions = \"yes\"\n", "s.toml:20:16: 'interactions' must be a "},
    {"[analysis]\npool = 1\n", "s.toml:20:8: 'pool' must be a "},
    {"[analysis]\nmin_error_df = 2.5\n", "s.toml:20:16: 'min_error_df' must be a"},
    {"[analysis]\nmin_error_df = 0\n",
     "s.toml:20:16: min_error_df must be from 1 to 1000, not 0"},
    {"[analysis]\n\nmin_error_df = 1001\n",
     "s.toml:21:16: min_error_df must be from 1 to 1000, not 1001"},
    {"[analysis]\ntargets = 5\n", "s.toml:20:11: 'targets' must be a "},
    {"[analysis]\ntargets = { y_non = 1 }\n",
     "s.toml:20:13: targets: unknown response 'y_non'; did you mean 'y_nom'?"},
    {"[analysis]\ntargets = { zzz = 1 }\n",
     "s.toml:20:13: targets: unknown response 'zzz' (responses: y_min, y_nom, y_max)"},
    {"[analysis]\ntargets = { y_nom = \"420\" }\n",
     "s.toml:20:21: targets.y_nom must be a number, not a string"},
    {"[analysis]\ntargets = { y_nom = nan }\n", "s.toml:20:21: targets.y_nom must be finite"},
    {"[analysis]\ntargets = { y_nom = 1, y_max = 2.5 }\n",
     "s.toml:20:24: targets.y_max: a target applies to goal = \"none\" (nominal-the-best), "
     "but response 'y_max' has goal = \"maximize\""},
};

TableTest(error_cases, c, study_analysis, errors_at_line_col)
{
    {
        sg_analysis_config cfg;
        sg_error err;
        sg_error_clear(&err);
        cr_expect_eq(load(error_cases[c].text, &cfg, &err), SG_ERR_INVALID, "case %zu", c);
        cr_expect(strncmp(err.msg, error_cases[c].want, strlen(error_cases[c].want)) == 0,
                  "case %zu: got '%s', want '%s'", c, err.msg, error_cases[c].want);
    }
}

/* ---- the analysis of a table -------------------------------------------- */

static sg_study *brazing(sg_table **t)
{
    sg_study *s = NULL;
    sg_error err;
    cr_assert_eq(sg_study_load("studies/brazing.toml", &s, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_study_load_data(s, t, &err), SG_OK, "%s", err.msg);
    return s;
}

Test(study_analysis, brazing_main_effects_and_anova)
{
    sg_table *t = NULL;
    sg_study *s = brazing(&t);
    sg_analysis_config cfg;
    sg_study_analysis *a = NULL;
    sg_error err;
    cr_assert_eq(sg_study_analysis_config_load(s, &cfg, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_study_analysis_run(s, t, &cfg, &a, &err), SG_OK, "%s", err.msg);
    cr_assert(a->discrete, "%s", a->not_applicable);
    cr_expect_eq(a->n_cols, 7);
    cr_expect_eq(a->stats[0].mean, 100.0);
    cr_expect(fabs(a->stats[4].max - 548.0) < 1e-12);
    for (size_t j = 0; j < 4; j++) {
        cr_expect_eq(a->factors[j].n_levels, 3);
        cr_expect(a->factors[j].declared);
    }
    cr_expect_eq(a->factors[0].values[2], 150.0);
    const sg_taguchi_result *r = a->taguchi[0];
    cr_assert_not_null(r, "%s", a->response_na[0]);
    /* thickness level means 539.1333, 499.0222, 479.2333: delta 59.9 MPa, rank 1 */
    cr_expect(fabs(r->mains[0].delta - 59.9) < 1e-9, "delta %.12g", r->mains[0].delta);
    cr_expect_eq(r->mains[0].rank, 1);
    cr_expect(fabs(r->mains[0].levels[0].mean - 4852.2 / 9) < 1e-9);
    cr_expect(fabs(r->terms[0].pct - 92.84110427792) < 1e-8, "pct %.12g", r->terms[0].pct);
    cr_expect_eq(r->df_error, 6);
    /* goal none without a target: S/N missing, with a reason */
    cr_assert_not_null(a->taguchi[2]);
    cr_expect_not_null(a->taguchi[2]->sn_na);
    /* the JSON encoder carries these figures */
    cJSON *j = NULL;
    cr_assert_eq(sg_study_analysis_to_json(a, s, t, &cfg, &j, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(cJSON_GetObjectItem(j, "rows")->valuedouble, 27);
    cJSON *st0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "statistics"), 0);
    cr_expect_str_eq(cJSON_GetObjectItem(st0, "column")->valuestring, "thickness_um");
    cr_expect_str_eq(cJSON_GetObjectItem(st0, "kind")->valuestring, "factor");
    cr_expect_eq(cJSON_GetObjectItem(st0, "mean")->valuedouble, 100.0);
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "statistics"), 4),
                                     "max")->valuedouble, a->stats[4].max);
    cJSON *sj = cJSON_GetObjectItem(j, "settings");
    cr_expect_eq(cJSON_IsTrue(cJSON_GetObjectItem(sj, "interactions")), cfg.taguchi.interactions);
    cr_expect_eq(cJSON_GetObjectItem(sj, "min_error_df")->valuedouble, cfg.taguchi.min_error_df);
    cJSON *oa = cJSON_GetObjectItem(j, "orthogonal_array");
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(oa, "applies")));
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(oa, "reason")));
    cJSON *f0 = cJSON_GetArrayItem(cJSON_GetObjectItem(oa, "factors"), 0);
    cr_expect_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(f0, "levels"), 2)->valuedouble, 150.0);
    cr_expect_str_eq(cJSON_GetObjectItem(f0, "coded_from")->valuestring, "declared");
    cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(oa, "responses"), 0);
    cr_expect_str_eq(cJSON_GetObjectItem(r0, "name")->valuestring, "stress_max");
    cJSON *m0 = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r0, "analysis"), "main_effects"), 0);
    cr_expect_eq(cJSON_GetObjectItem(m0, "delta")->valuedouble, r->mains[0].delta);
    cr_expect_eq(cJSON_GetObjectItem(m0, "rank")->valuedouble, 1);
    cJSON *sn2 = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(oa, "responses"), 2), "analysis"),
        "sn");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(sn2, "grand_mean")));
    cr_expect_str_eq(cJSON_GetObjectItem(sn2, "grand_mean_reason")->valuestring,
                     a->taguchi[2]->sn_na);
    cJSON_Delete(j);
    sg_study_analysis_destroy(a);
    sg_study_analysis_destroy(NULL);
    sg_table_destroy(t);
    sg_study_destroy(s);
}

static sg_study *small_study(const char *extra)
{
    char buf[1024];
    snprintf(buf, sizeof buf,
             "[study]\nname = \"t\"\n[data]\nfile = \"d.csv\"\n"
             "[[factor]]\nname = \"a\"\nmin = 0\nmax = 10\n%s\n"
             "[[factor]]\nname = \"b\"\nmin = 0\nmax = 10\n"
             "[[response]]\nname = \"y\"\ngoal = \"maximize\"\n",
             extra);
    sg_study *s = NULL;
    sg_error err;
    cr_assert_eq(sg_study_load_buffer(buf, strlen(buf), "s.toml", &s, &err), SG_OK, "%s",
                 err.msg);
    return s;
}

static sg_table *small_table(const char *csv)
{
    static const char *const cols[] = {"a", "b", "y"};
    sg_table *t = NULL;
    sg_error err;
    cr_assert_eq(sg_table_load_buffer(csv, strlen(csv), "d.csv", cols, 3, 2, &t, NULL, &err),
                 SG_OK, "%s", err.msg);
    return t;
}

Test(study_analysis, continuous_factors_are_not_analysed)
{
    sg_study *s = small_study("");
    char csv[4096] = "a,b,y\n";
    for (int i = 0; i < 12; i++) {
        size_t k = strlen(csv);
        snprintf(csv + k, sizeof csv - k, "%.4f,%d,%.3f\n", 0.385 + 0.8125 * i, i % 2,
                 1.5 + 0.25 * i);
    }
    sg_table *t = small_table(csv);
    sg_analysis_config cfg;
    sg_study_analysis *a = NULL;
    cr_assert_eq(sg_study_analysis_config_load(s, &cfg, NULL), SG_OK);
    cr_assert_eq(sg_study_analysis_run(s, t, &cfg, &a, NULL), SG_OK);
    cr_expect_not(a->discrete);
    cr_expect_not_null(strstr(a->not_applicable, "factor 'a' is not set at a few discrete levels"),
                       "%s", a->not_applicable);
    cr_expect_null(a->taguchi[0]);
    cr_expect(a->stats[2].n == 12);
    sg_study_analysis_destroy(a);
    sg_table_destroy(t);
    sg_study_destroy(s);
}

Test(study_analysis, declared_levels_unused_are_dropped)
{
    sg_study *s = small_study("levels = [7.5, 2.5, 5]");
    sg_table *t = small_table("a,b,y\n2.5,1,3.25\n2.5,2,4.5\n7.5,1,6.125\n7.5,2,8.875\n");
    sg_analysis_config cfg;
    sg_study_analysis *a = NULL;
    sg_error err;
    cr_assert_eq(sg_study_analysis_config_load(s, &cfg, NULL), SG_OK);
    cr_assert_eq(sg_study_analysis_run(s, t, &cfg, &a, &err), SG_OK, "%s", err.msg);
    cr_assert(a->discrete, "%s", a->not_applicable);
    cr_expect(a->factors[0].declared);
    cr_expect_eq(a->factors[0].n_levels, 2);
    cr_expect_eq(a->factors[0].values[0], 2.5);
    cr_expect_eq(a->factors[0].values[1], 7.5);
    cr_expect_not(a->factors[1].declared);
    cr_assert_not_null(a->taguchi[0], "%s", a->response_na[0]);
    /* level means of a: (3.25 + 4.5)/2 = 3.875 and (6.125 + 8.875)/2 = 7.5 */
    cr_expect(fabs(a->taguchi[0]->mains[0].delta - 3.625) < 1e-12);
    sg_study_analysis_destroy(a);
    sg_table_destroy(t);
    sg_study_destroy(s);
}

Test(study_analysis, constant_factor_is_not_analysed)
{
    sg_study *s = small_study("levels = [2.5, 7.5]");
    sg_table *t = small_table("a,b,y\n2.5,1,3.25\n2.5,2,4.5\n2.5,1,6.125\n");
    sg_analysis_config cfg;
    sg_study_analysis *a = NULL;
    cr_assert_eq(sg_study_analysis_config_load(s, &cfg, NULL), SG_OK);
    cr_assert_eq(sg_study_analysis_run(s, t, &cfg, &a, NULL), SG_OK);
    cr_expect_not(a->discrete);
    cr_expect_not_null(strstr(a->not_applicable, "takes a single value (2.5)"), "%s",
                       a->not_applicable);
    sg_study_analysis_destroy(a);
    sg_table_destroy(t);
    sg_study_destroy(s);
}

Test(study_analysis, mismatched_table_is_internal)
{
    sg_study *s = small_study("");
    static const char *const cols[] = {"a", "y"};
    const char *csv = "a,y\n1,2\n3,4\n";
    sg_table *t = NULL;
    cr_assert_eq(sg_table_load_buffer(csv, strlen(csv), "d.csv", cols, 2, 1, &t, NULL, NULL),
                 SG_OK);
    sg_analysis_config cfg;
    sg_study_analysis *a = (sg_study_analysis *)1;
    sg_error err;
    cr_assert_eq(sg_study_analysis_config_load(s, &cfg, NULL), SG_OK);
    cr_expect_eq(sg_study_analysis_run(s, t, &cfg, &a, &err), SG_ERR_INTERNAL);
    cr_expect_null(a);
    sg_table_destroy(t);
    sg_study_destroy(s);
}

/* A 2^2 factorial with 3 centre runs: the array is the 4 corner runs (2
 * levels per factor, the centre is no middle level of either), and the
 * centre runs test curvature: y = 10 + 2a' - b' + 3 (corners) and 12.5,
 * 13, 13.5 at the centre (a', b' coded -1, +1), so the factorial mean 13
 * and the centre mean 13: no curvature at all; then the centre raised by
 * 1.5: difference 1.5, SS = 4 * 3 * 1.5^2 / 7, F = SS / 0.25, p from
 * F(1, 2). */
Test(study_analysis, factorial_with_centre_runs_tests_curvature)
{
    sg_study *s = small_study("");
    for (int raise = 0; raise < 2; raise++) {
        char csv[512];
        double c = 13.0 + 1.5 * raise;
        snprintf(csv, sizeof csv,
                 "a,b,y\n0,0,%g\n10,0,%g\n5,5,%g\n0,10,%g\n10,10,%g\n5,5,%g\n5,5,%g\n",
                 13.0 - 2 + 1, 13.0 + 2 + 1, c - 0.5, 13.0 - 2 - 1, 13.0 + 2 - 1, c, c + 0.5);
        sg_table *t = small_table(csv);
        sg_analysis_config cfg;
        sg_study_analysis *a = NULL;
        cr_assert_eq(sg_study_analysis_config_load(s, &cfg, NULL), SG_OK);
        cr_assert_eq(sg_study_analysis_run(s, t, &cfg, &a, NULL), SG_OK);
        cr_assert_eq(a->design.kind, SG_RSMDESIGN_FACTORIAL);
        cr_assert(a->discrete);
        cr_expect_eq(a->factors[0].n_levels, 2, "the centre is no level of a");
        cr_assert_not_null(a->taguchi[0]);
        cr_expect_eq(a->taguchi[0]->n_runs, 4);
        /* run labels are the table's rows: 1, 2, 4, 5 (3 is a centre run) */
        const size_t want[4] = {1, 2, 4, 5};
        for (int i = 0; i < 4; i++)
            cr_expect_eq(a->taguchi[0]->run_no[i], want[i]);
        cr_expect_float_eq(a->taguchi[0]->mains[0].levels[0].mean, 11.0, 1e-12);
        cr_expect_float_eq(a->taguchi[0]->mains[0].levels[1].mean, 15.0, 1e-12);
        const sg_curvature *cv = &a->curvature[0];
        cr_assert(cv->ok);
        cr_expect_eq(cv->n_factorial, 4);
        cr_expect_eq(cv->n_centre, 3);
        cr_expect_float_eq(cv->difference, 1.5 * raise, 1e-12);
        cr_expect_float_eq(cv->ss, 12.0 * 2.25 * raise / 7.0, 1e-12);
        cr_expect_eq(cv->df_pure, 2);
        cr_expect_float_eq(cv->ms_pure, 0.25, 1e-12);
        cr_expect_float_eq(cv->largest_effect, 4.0, 1e-12);
        cr_expect_str_eq(cv->largest_factor, "a");
        if (raise) {
            double f = 12.0 * 2.25 / 7.0 / 0.25; /* 15.43 */
            cr_expect_float_eq(cv->f, f, 1e-9);
            /* F(1, 2) is t on 2 df squared: P(|T| > t) = 1 - t / sqrt(2 + t^2) */
            cr_expect_float_eq(cv->p, 1.0 - sqrt(f / (2.0 + f)), 1e-9);
        }
        sg_study_analysis_destroy(a);
        sg_table_destroy(t);
    }
    sg_study_destroy(s);
}
