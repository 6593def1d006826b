/* Tests of the check computations (check.h). */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/check.h"
#include "table_test.h"

static void setup(void) { gsl_set_error_handler_off(); }
TestSuite(check, .init = setup);

/* A study with factors a, b, c, d (bounds [1, 3], levels 1, 2, 3 unless
 * told) and one response y; built by hand (no study file needed). */
typedef struct fixture {
    sg_study s;
    sg_factor f[4];
    sg_response r[1];
    double levels[3];
} fixture;

static void make_study(fixture *fx, size_t n_factors, bool with_levels)
{
    static char *names[] = {"a", "b", "c", "d"};
    memset(fx, 0, sizeof *fx);
    fx->levels[0] = 1;
    fx->levels[1] = 2;
    fx->levels[2] = 3;
    for (size_t i = 0; i < n_factors; i++) {
        fx->f[i].name = names[i];
        fx->f[i].column = names[i];
        fx->f[i].unit = "";
        fx->f[i].min = 1;
        fx->f[i].max = 3;
        fx->f[i].levels = with_levels ? fx->levels : NULL;
        fx->f[i].n_levels = with_levels ? 3 : 0;
    }
    fx->r[0].name = "y";
    fx->r[0].column = "y";
    fx->r[0].unit = "";
    fx->s.factors = fx->f;
    fx->s.n_factors = n_factors;
    fx->s.responses = fx->r;
    fx->s.n_responses = 1;
}

static sg_table *make_table(const char *csv, size_t n_factors)
{
    static const char *const cols[] = {"a", "b", "c", "d"};
    const char *all[5];
    for (size_t i = 0; i < n_factors; i++)
        all[i] = cols[i];
    all[n_factors] = "y";
    sg_table *t = NULL;
    sg_error err;
    cr_assert_eq(sg_table_load_buffer(csv, strlen(csv), "t.csv", all, n_factors + 1, n_factors,
                                      &t, NULL, &err),
                 SG_OK, "%s", err.msg);
    return t;
}

static const char L9[] = "a,b,c,d,y\n"
                         "1,1,1,1,2.385\n1,2,2,2,3.17\n1,3,3,3,4.9\n"
                         "2,1,2,3,5.25\n2,2,3,1,1.5\n2,3,1,2,7.75\n"
                         "3,1,3,2,6.125\n3,2,1,3,2.2\n3,3,2,1,9.01\n";

Test(check, l9_is_a_balanced_orthogonal_array)
{
    fixture fx;
    make_study(&fx, 4, true);
    sg_table *t = make_table(L9, 4);
    sg_check_report *r = NULL;
    sg_error err;
    cr_assert_eq(sg_check_run(&fx.s, t, &r, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(r->n_rows, 9);
    cr_expect(r->balanced);
    cr_expect(r->orthogonal);
    cr_expect_str_eq(r->array_name, "L9(3^4)");
    cr_expect_eq(r->full_factorial, 0, "four factors at 3 levels in 9 runs: a fraction");
    cr_expect_eq(r->n_duplicate_groups, 0);
    cr_expect_eq(r->n_warnings, 0);
    for (int j = 0; j < 4; j++) {
        cr_expect_eq(r->levels[j].n_levels, 3);
        cr_expect_eq(r->levels[j].counts[1], 3);
        cr_expect_eq(r->levels[j].values[2], 3.0);
    }
    cr_expect_eq(r->stats[4].max, 9.01);
    /* orthogonal columns are uncorrelated */
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            cr_expect(r->corr_defined[i * 5 + j]);
            cr_expect(fabs(r->corr[i * 5 + j] - (i == j ? 1.0 : 0.0)) < 1e-12, "r[%d][%d] = %g", i,
                      j, r->corr[i * 5 + j]);
        }
    sg_check_destroy(r);
    sg_table_destroy(t);
}

/* Full factorials, replicated or not, and near misses. */
static const struct {
    const char *csv;
    size_t n_factors, runs_each;
    const char *name;
} factorials[] = {
    {"a,b,y\n1,1,1\n1,2,2\n1,3,3\n2,1,4\n2,2,5\n2,3,6\n3,1,7\n3,2,8\n3,3,9\n"
     "3,3,9.5\n3,2,8.5\n3,1,7.5\n2,3,6.5\n2,2,5.5\n2,1,4.5\n1,3,3.5\n1,2,2.5\n1,1,1.5\n",
     2, 2, "3x3 full factorial"},
    {"a,b,y\n1,1,1\n1,2,2\n1,3,3\n3,1,4\n3,2,5\n3,3,6\n", 2, 1, "2x3 full factorial"},
    /* (3, 3) run twice and (1, 1) never: every level equally often, not every combination */
    {"a,b,y\n3,3,1\n1,2,2\n1,3,3\n2,1,4\n2,2,5\n2,3,6\n3,1,7\n3,2,8\n3,3,9\n", 2, 0, ""},
    {"a,b,c,y\n1,1,1,1\n1,2,2,2\n1,3,3,3\n2,1,2,4\n2,2,3,5\n2,3,1,6\n3,1,3,7\n3,2,1,8\n"
     "3,3,2,9\n",
     3, 0, ""},
    /* a half fraction of 2^3 run twice: every pair of levels equally often
     * (orthogonal), half the combinations never */
    {"a,b,c,y\n1,1,1,1\n1,3,3,2\n3,1,3,3\n3,3,1,4\n1,1,1,5\n1,3,3,6\n3,1,3,7\n3,3,1,8\n", 3,
     0, ""},
    {"a,y\n1,1\n2,2\n3,3\n1,4\n2,5\n3,6\n", 1, 0, ""}, /* one factor: only its levels */
};

TableTest(factorials, i, check, full_factorial_and_its_replicates)
{
    fixture fx;
    make_study(&fx, factorials[i].n_factors, false);
    sg_table *t = make_table(factorials[i].csv, factorials[i].n_factors);
    sg_check_report *r = NULL;
    sg_error err;
    cr_assert_eq(sg_check_run(&fx.s, t, &r, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(r->full_factorial, factorials[i].runs_each, "row %zu: %zu", i, r->full_factorial);
    char name[64];
    cr_expect_str_eq(sg_check_factorial_name(r, name, sizeof name), factorials[i].name, "row %zu",
                     i);
    char tiny[6], want[6]; /* a short buffer holds the name's start */
    snprintf(want, sizeof want, "%s", factorials[i].name);
    cr_expect_str_eq(sg_check_factorial_name(r, tiny, sizeof tiny), want, "row %zu", i);
    sg_check_destroy(r);
    sg_table_destroy(t);
}

Test(check, balanced_levels_but_not_pairwise)
{
    fixture fx;
    make_study(&fx, 2, false);
    sg_table *t = make_table("a,b,y\n1,1,0.5\n1,1,0.75\n3,3,1.25\n3,3,1.5\n", 2);
    sg_check_report *r = NULL;
    cr_assert_eq(sg_check_run(&fx.s, t, &r, NULL), SG_OK);
    cr_expect(r->balanced);
    cr_expect_not(r->orthogonal);
    cr_expect_str_eq(r->array_name, "");
    cr_assert_eq(r->n_duplicate_groups, 2);
    cr_expect_eq(r->duplicates[0].n, 2);
    cr_expect_eq(r->duplicates[0].rows[0], 0);
    cr_expect_eq(r->duplicates[0].rows[1], 1);
    cr_expect(r->duplicates[0].responses_differ);
    sg_check_destroy(r);
    sg_table_destroy(t);
}

Test(check, unbalanced_levels_and_identical_duplicates)
{
    fixture fx;
    make_study(&fx, 2, false);
    sg_table *t = make_table("a,b,y\n1,1,0.5\n3,1,0.75\n1,3,1.25\n1,1,0.5\n", 2);
    sg_check_report *r = NULL;
    cr_assert_eq(sg_check_run(&fx.s, t, &r, NULL), SG_OK);
    cr_expect_not(r->balanced);
    cr_expect_not(r->orthogonal);
    cr_expect_not(r->levels[0].balanced);
    cr_expect_eq(r->levels[0].counts[0], 3);
    cr_assert_eq(r->n_duplicate_groups, 1);
    cr_expect_eq(r->duplicates[0].rows[0], 0);
    cr_expect_eq(r->duplicates[0].rows[1], 3);
    cr_expect_not(r->duplicates[0].responses_differ);
    sg_check_destroy(r);
    sg_table_destroy(t);
}

/* A definitive screening design of 4 factors: the first 4 columns of a
 * conference matrix of order 8 (levels 1, 2, 3 for -1, 0, 1), its
 * fold-over and a centre run.  Its levels are unbalanced (2 on 3 runs, the
 * ends on 7 each), yet check names the design; without one run's fold-over
 * partner, or as a Box-Behnken design (each factor at its middle level on
 * 4 runs of the edges), it is not one. */
static void dsd_csv(char *csv, size_t cap, size_t drop)
{
    static const int C[17][4] = {{1, 2, 2, 2}, {0, 1, 2, 2}, {0, 0, 1, 2}, {0, 0, 0, 1},
                                 {0, 2, 0, 0}, {0, 0, 2, 0}, {0, 2, 0, 2}, {0, 2, 2, 0},
                                 {1, 0, 0, 0}, {2, 1, 0, 0}, {2, 2, 1, 0}, {2, 2, 2, 1},
                                 {2, 0, 2, 2}, {2, 2, 0, 2}, {2, 0, 2, 0}, {2, 0, 0, 2},
                                 {1, 1, 1, 1}};
    size_t u = (size_t)snprintf(csv, cap, "a,b,c,d,y\n");
    for (size_t i = 0; i < 17; i++)
        if (i != drop)
            u += (size_t)snprintf(csv + u, cap - u, "%d,%d,%d,%d,%.3f\n", C[i][0] + 1,
                                  C[i][1] + 1, C[i][2] + 1, C[i][3] + 1, 0.37 * (double)i);
}

Test(check, definitive_screening_design_is_named)
{
    fixture fx;
    make_study(&fx, 4, true);
    char csv[1024];
    dsd_csv(csv, sizeof csv, 99);
    sg_table *t = make_table(csv, 4);
    sg_check_report *r = NULL;
    cr_assert_eq(sg_check_run(&fx.s, t, &r, NULL), SG_OK);
    cr_expect_not(r->balanced);
    cr_expect(r->definitive_screening);
    cr_expect_eq(r->centre_runs, 1);
    sg_check_destroy(r);
    sg_table_destroy(t);
    dsd_csv(csv, sizeof csv, 4); /* run 5 without its fold-over partner, run 13 */
    t = make_table(csv, 4);
    cr_assert_eq(sg_check_run(&fx.s, t, &r, NULL), SG_OK);
    cr_expect_not(r->definitive_screening);
    sg_check_destroy(r);
    sg_table_destroy(t);
    /* Box-Behnken, 3 factors: edges (a pair at its ends, the third in the
     * middle) and a centre run */
    make_study(&fx, 3, true);
    size_t u = (size_t)snprintf(csv, sizeof csv, "a,b,c,y\n");
    for (int p = 0; p < 3; p++)
        for (int s1 = 1; s1 <= 3; s1 += 2)
            for (int s2 = 1; s2 <= 3; s2 += 2) {
                int x[3] = {2, 2, 2};
                x[p] = s1;
                x[(p + 1) % 3] = s2;
                u += (size_t)snprintf(csv + u, sizeof csv - u, "%d,%d,%d,1\n", x[0], x[1], x[2]);
            }
    snprintf(csv + u, sizeof csv - u, "2,2,2,1\n");
    t = make_table(csv, 3);
    cr_assert_eq(sg_check_run(&fx.s, t, &r, NULL), SG_OK);
    cr_expect_not(r->definitive_screening);
    sg_check_destroy(r);
    sg_table_destroy(t);
}

/* Achieved settings near the nominal levels 1, 2, 3 (at most 0.08 off, a
 * gap of 1): the warning says what they look like and how they are read,
 * the design is coded on those levels, and the levels they stand for are
 * not called unused; 2.5 (half a gap off) gets no such hint. */
Test(check, values_near_the_declared_levels_are_named_as_such)
{
    fixture fx;
    make_study(&fx, 1, true);
    fx.f[0].unit = "C";
    sg_table *t = make_table("a,y\n1.04,0.5\n1.96,0.75\n3,1.25\n2.08,1\n", 1);
    sg_check_report *r = NULL;
    cr_assert_eq(sg_check_run(&fx.s, t, &r, NULL), SG_OK);
    cr_assert_eq(r->n_warnings, 1);
    cr_expect_str_eq(r->warnings[0].message,
                     "factor 'a': 3 values not among the declared levels (e.g. 1.04; lines 2, 3, "
                     "5): each within 0.08 C of one (achieved rather than nominal settings?); "
                     "the orthogonal-array analysis reads each as that level, the model uses "
                     "them as they are");
    /* and the design is read on the levels: 1, 2, 3 once each, 2 twice */
    cr_expect_eq(r->levels[0].n_levels, 3);
    cr_expect_eq(r->levels[0].values[1], 2.0);
    cr_expect_eq(r->levels[0].counts[1], 2);
    sg_check_destroy(r);
    sg_table_destroy(t);
    t = make_table("a,y\n1,0.5\n2.5,0.75\n3,1.25\n", 1);
    cr_assert_eq(sg_check_run(&fx.s, t, &r, NULL), SG_OK);
    cr_assert_geq(r->n_warnings, 1);
    cr_expect_null(strstr(r->warnings[0].message, "achieved"), "%s", r->warnings[0].message);
    sg_check_destroy(r);
    sg_table_destroy(t);
}

Test(check, warnings_constant_out_of_bounds_not_a_level)
{
    fixture fx;
    make_study(&fx, 2, true);
    /* a: 2.5 is not a level (line 3); b: constant 2; a: 4 out of bounds (line 4) */
    sg_table *t = make_table("a,b,y\n1,2,0.5\n2.5,2,0.75\n4,2,1.25\n", 2);
    sg_check_report *r = NULL;
    cr_assert_eq(sg_check_run(&fx.s, t, &r, NULL), SG_OK);
    cr_assert_eq(r->n_warnings, 7); /* + b: levels 1 and 3 unused */
    cr_expect_eq(r->warnings[0].kind, SG_WARN_CONSTANT);
    cr_expect_eq(r->warnings[0].column, 1);
    cr_expect_str_eq(r->warnings[0].message, "factor 'b' (column 'b') is constant (2 in every row)");
    cr_expect_eq(r->warnings[1].kind, SG_WARN_OUT_OF_BOUNDS);
    cr_expect_str_eq(r->warnings[1].message,
                     "factor 'a': 1 value outside the bounds [1, 3] (line 4)");
    cr_expect_eq(r->warnings[2].kind, SG_WARN_NOT_A_LEVEL);
    cr_expect_str_eq(r->warnings[2].message,
                     "factor 'a': 2 values not among the declared levels (e.g. 2.5; lines 3, 4)");
    cr_expect_eq(r->warnings[3].kind, SG_WARN_LEVEL_UNUSED);
    cr_expect_str_eq(r->warnings[3].message, "factor 'a': declared level 2 occurs in no row");
    cr_expect_str_eq(r->warnings[4].message, "factor 'a': declared level 3 occurs in no row");
    cr_expect_str_eq(r->warnings[5].message, "factor 'b': declared level 1 occurs in no row");
    cr_expect_eq(r->warnings[6].column, 1);
    cr_expect_not(r->corr_defined[0 * 3 + 1]); /* b is constant */
    cr_expect_eq(r->corr[0 * 3 + 1], 0.0);
    cr_expect(r->corr_defined[0 * 3 + 2]);
    cr_expect_not(r->balanced);
    sg_check_destroy(r);
    sg_table_destroy(t);
}

Test(check, many_distinct_values_are_not_level_coded)
{
    fixture fx;
    make_study(&fx, 1, false);
    fx.f[0].max = 100;
    char csv[2048] = "a,y\n";
    for (int i = 0; i < SG_CHECK_MAX_LEVELS + 3; i++)
        snprintf(csv + strlen(csv), sizeof csv - strlen(csv), "%d.5,%d\n", i + 1, i);
    sg_table *t = make_table(csv, 1);
    sg_check_report *r = NULL;
    cr_assert_eq(sg_check_run(&fx.s, t, &r, NULL), SG_OK);
    cr_expect_eq(r->levels[0].n_levels, 0);
    cr_expect_not(r->balanced);
    sg_check_destroy(r);
    sg_table_destroy(t);
}

Test(check, mismatched_table_is_an_internal_error)
{
    fixture fx;
    make_study(&fx, 3, false);
    sg_table *t = make_table(L9, 4);
    sg_check_report *r = (sg_check_report *)1;
    sg_error err;
    cr_expect_eq(sg_check_run(&fx.s, t, &r, &err), SG_ERR_INTERNAL);
    cr_expect_null(r);
    sg_table_destroy(t);
    sg_check_destroy(NULL);
}

/* Level codes of a few small tables and the catalogue array they are. */
static const int L9_STD[9 * 4] = {0, 0, 0, 0, 0, 1, 1, 1, 0, 2, 2, 2, 1, 0, 1, 2, 1, 1, 2, 0,
                                  1, 2, 0, 1, 2, 0, 2, 1, 2, 1, 0, 2, 2, 2, 1, 0};
static const int FULL_2X2X2[8 * 3] = {0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1,
                                      1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1};
/* A 2-level 6-run table: balanced, but no catalogue array has 6 runs. */
static const int SIX[6 * 2] = {0, 0, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0};
/* A 3x3 full factorial with a third column equal to the first: balanced
 * but not orthogonal, so it is no catalogue array. */
static const int ALIASED[9 * 3] = {0, 0, 0, 0, 1, 0, 0, 2, 0, 1, 0, 1, 1, 1, 1,
                                   1, 2, 1, 2, 0, 2, 2, 1, 2, 2, 2, 2};

static const struct {
    const int *codes;
    size_t runs, n;
    const char *want;
    int cols[4];
} std_array_cases[] = {
    {L9_STD, 9, 4, "L9(3^4)", {0, 1, 2, 3}},
    {FULL_2X2X2, 8, 3, "L8(2^7)", {0, 1, 3}},
    {SIX, 6, 2, "", {0}},
    {ALIASED, 9, 3, "", {0}},
};

TableTest(std_array_cases, c, check, standard_array_identification)
{
    {
        char name[SG_CHECK_ARRAY_NAME_MAX];
        int col[4] = {-1, -1, -1, -1};
        bool undetermined = true;
        bool hit = sg_check_match_standard_array(std_array_cases[c].codes, std_array_cases[c].runs, std_array_cases[c].n, name,
                                                 col, &undetermined);
        cr_expect_eq(hit, std_array_cases[c].want[0] != '\0', "case %zu", c);
        cr_expect_str_eq(name, std_array_cases[c].want, "case %zu", c);
        cr_expect_not(undetermined, "case %zu", c);
        if (hit)
            for (size_t j = 0; j < std_array_cases[c].n; j++)
                cr_expect_eq(col[j], std_array_cases[c].cols[j], "case %zu factor %zu", c, j);
    }
}

Test(check, standard_array_identification_too_few_runs)
{
    char name[SG_CHECK_ARRAY_NAME_MAX];
    int col[1];
    cr_expect_not(sg_check_match_standard_array(L9_STD, 1, 1, name, col, NULL));
    cr_expect_str_eq(name, "");
}

/* The brazing table is the L27(3^13) with factors in Taguchi columns 1, 2, 5, 9. */
Test(check, brazing_table_is_l27)
{
    sg_study *s = NULL;
    sg_table *t = NULL;
    sg_check_report *r = NULL;
    sg_error err;
    cr_assert_eq(sg_study_load("studies/brazing.toml", &s, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_study_load_data(s, &t, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_check_run(s, t, &r, &err), SG_OK, "%s", err.msg);
    cr_expect(r->orthogonal);
    cr_expect_str_eq(r->array_name, "L27(3^13)");
    const int want[4] = {0, 1, 4, 8};
    for (int j = 0; j < 4; j++)
        cr_expect_eq(r->array_col[j], want[j], "factor %d", j);
    cr_expect_not(r->array_undetermined);
    cJSON *j = NULL;
    cr_assert_eq(sg_check_report_to_json(r, s, t, &j, &err), SG_OK, "%s", err.msg);
    cJSON *d = cJSON_GetObjectItem(j, "design");
    cr_expect_str_eq(cJSON_GetObjectItem(d, "standard_array")->valuestring, "L27(3^13)");
    cr_expect_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "array_columns"), 2)->valuedouble, 5);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "study"), "name")->valuestring,
                     "brazing");
    cJSON_Delete(j);
    /* the settings member: brazing.toml has [optimize] only */
    cr_assert_eq(sg_check_settings_to_json(s, &j, &err), SG_OK, "%s", err.msg);
    cr_expect_str_eq(cJSON_GetObjectItem(j, "optimize")->valuestring, "valid");
    cr_expect_str_eq(cJSON_GetObjectItem(j, "train")->valuestring, "absent (defaults)");
    cJSON_Delete(j);
    sg_check_destroy(r);
    sg_table_destroy(t);
    sg_study_destroy(s);
}

/* The JSON encoder carries the report's figures (not only its keys). */
Test(check, json_holds_the_report)
{
    fixture fx;
    make_study(&fx, 2, true);
    sg_table *t = make_table("a,b,y\n1,2,0.5\n2.5,2,0.75\n4,2,1.25\n", 2);
    sg_check_report *r = NULL;
    sg_error err;
    cr_assert_eq(sg_check_run(&fx.s, t, &r, &err), SG_OK, "%s", err.msg);
    cJSON *j = NULL;
    cr_assert_eq(sg_check_report_to_json(r, &fx.s, t, &j, &err), SG_OK, "%s", err.msg);
    cJSON *data = cJSON_GetObjectItem(j, "data");
    cr_expect_eq(cJSON_GetObjectItem(data, "rows_used")->valuedouble, 3);
    cr_expect_str_eq(cJSON_GetObjectItem(data, "delimiter")->valuestring, ",");
    cJSON *fa = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "factors"), 0);
    cr_expect_str_eq(cJSON_GetObjectItem(fa, "name")->valuestring, "a");
    cr_expect_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(fa, "levels"), 2)->valuedouble, 3);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(fa, "step")));
    cJSON *st = cJSON_GetObjectItem(fa, "stats");
    cr_expect_eq(cJSON_GetObjectItem(st, "max")->valuedouble, 4);
    cr_expect_eq(cJSON_GetObjectItem(st, "mean")->valuedouble, r->stats[0].mean);
    cJSON *ol = cJSON_GetArrayItem(cJSON_GetObjectItem(fa, "observed_levels"), 1);
    cr_expect_eq(cJSON_GetObjectItem(ol, "value")->valuedouble, 2.5);
    cr_expect_eq(cJSON_GetObjectItem(ol, "count")->valuedouble, 1);
    cJSON *fb = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "factors"), 1);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(fb, "stats"), "constant")));
    cJSON *corr = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "correlation"), "r");
    cr_expect(cJSON_IsNull(cJSON_GetArrayItem(cJSON_GetArrayItem(corr, 0), 1))); /* b constant */
    cr_expect_eq(cJSON_GetArrayItem(cJSON_GetArrayItem(corr, 0), 2)->valuedouble, r->corr[2]);
    cJSON *design = cJSON_GetObjectItem(j, "design");
    cr_expect_eq(cJSON_GetObjectItem(design, "runs")->valuedouble, 3);
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(design, "balanced")));
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(design, "standard_array")));
    cJSON *w = cJSON_GetObjectItem(j, "warnings");
    cr_assert_eq(cJSON_GetArraySize(w), 7);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(w, 0), "kind")->valuestring,
                     "constant_column");
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(w, 0), "column")->valuestring, "b");
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(w, 1), "kind")->valuestring,
                     "outside_bounds");
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(w, 2), "message")->valuestring,
                     "factor 'a': 2 values not among the declared levels (e.g. 2.5; lines 3, 4)");
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(w, 3), "kind")->valuestring,
                     "declared_level_unused");
    cJSON_Delete(j);
    /* the settings member: no section in this study */
    cr_assert_eq(sg_check_settings_to_json(&fx.s, &j, &err), SG_OK, "%s", err.msg);
    cr_expect_str_eq(cJSON_GetObjectItem(j, "model")->valuestring, "absent (defaults)");
    cr_expect_str_eq(cJSON_GetObjectItem(j, "optimize")->valuestring, "absent (defaults)");
    cJSON_Delete(j);
    sg_check_destroy(r);
    sg_table_destroy(t);
}

/* cJSON allocations fail after the first `oom_left` (all of them, once the
 * count runs out). */
static long oom_left;
static void *oom_malloc(size_t n)
{
    return oom_left-- > 0 ? malloc(n) : NULL;
}

/* Out of memory at every allocation in turn: SG_ERR_NOMEM and no tree, and
 * never a leak (the sanitizer build checks); then the whole tree. */
Test(check, json_out_of_memory_at_every_allocation)
{
    fixture fx;
    make_study(&fx, 2, true);
    sg_table *t = make_table("a,b,y\n1,2,0.5\n2.5,2,0.75\n4,2,1.25\n", 2);
    sg_check_report *r = NULL;
    sg_error err;
    cr_assert_eq(sg_check_run(&fx.s, t, &r, &err), SG_OK, "%s", err.msg);
    cJSON_Hooks hooks = {oom_malloc, free};
    cJSON_InitHooks(&hooks);
    long n = 0;
    for (;; n++) {
        oom_left = n;
        cJSON *j = (cJSON *)1;
        sg_status st = sg_check_report_to_json(r, &fx.s, t, &j, &err);
        if (st == SG_OK) {
            cJSON_Delete(j);
            break;
        }
        cr_assert_eq(st, SG_ERR_NOMEM, "allocation %ld", n);
        cr_assert_null(j, "allocation %ld", n);
        cr_expect_str_eq(err.msg, "check result: out of memory building the JSON document");
    }
    cJSON_InitHooks(NULL);
    cr_expect_gt(n, 50, "only %ld allocations", n);
    sg_check_destroy(r);
    sg_table_destroy(t);
}

/* Each factor's data against the study's bounds: runs outside counted, the
 * data's own range, and the sentence for each case (all outside: a unit
 * or bounds mistake; some outside; inside but covering little). */
Test(check, factor_span_against_the_bounds)
{
    sg_table *t = make_table(L9, 4); /* every column holds 1, 2 and 3 */
    sg_factor_span sp = sg_check_factor_span(t, 0, 1.0, 3.0);
    cr_expect_eq(sp.n_outside, 0);
    cr_expect_float_eq(sp.data_min, 1.0, 0);
    cr_expect_float_eq(sp.data_max, 3.0, 0);
    char m[512];
    cr_expect_not(sg_check_factor_span_message(&sp, "a", "mm", 1.0, 3.0, 9, m, sizeof m));
    cr_expect_str_empty(m);
    sp = sg_check_factor_span(t, 1, 1000.0, 3000.0); /* bounds in um, data in mm */
    cr_expect_eq(sp.n_outside, 9);
    cr_expect(sg_check_factor_span_message(&sp, "b", "um", 1000.0, 3000.0, 9, m, sizeof m));
    cr_expect(strstr(m, "all 9 runs lie outside the study's bounds [1000, 3000] um") &&
                  strstr(m, "from 1 to 3") && strstr(m, "unit"),
              "%s", m);
    sp = sg_check_factor_span(t, 2, 1.0, 2.5);
    cr_expect_eq(sp.n_outside, 3);
    cr_expect(sg_check_factor_span_message(&sp, "c", "", 1.0, 2.5, 9, m, sizeof m));
    cr_expect(strstr(m, "3 of 9 runs lie outside the study's bounds [1, 2.5] (") != NULL, "%s",
              m);
    sp = sg_check_factor_span(t, 3, 0.0, 10.0);
    cr_expect_eq(sp.n_outside, 0);
    cr_expect(sg_check_factor_span_message(&sp, "d", "s", 0.0, 10.0, 9, m, sizeof m));
    cr_expect(strstr(m, "cover only 1 to 3 s, 20 % of the study's bounds [0, 10]") != NULL,
              "%s", m);
    sg_table_destroy(t);
}

/* The L9 above with y of line `line` (2..10) replaced by v; its far-value
 * warnings (SG_WARN_FAR_VALUE) counted, the first message in msg. */
static size_t far_values(double v, int line, bool log_scale, char *msg, size_t cap)
{
    fixture fx;
    make_study(&fx, 4, true);
    fx.r[0].log_scale = log_scale;
    char csv[512] = "a,b,c,d,y\n";
    const char *p = strchr(L9, '\n') + 1;
    for (int ln = 2; ln <= 10; ln++) {
        const char *e = strchr(p, '\n');
        const char *comma = e;
        while (comma[-1] != ',')
            comma--;
        size_t k = strlen(csv);
        if (ln == line)
            snprintf(csv + k, sizeof csv - k, "%.*s%.17g\n", (int)(comma - p), p, v);
        else
            snprintf(csv + k, sizeof csv - k, "%.*s\n", (int)(e - p), p);
        p = e + 1;
    }
    sg_table *t = make_table(csv, 4);
    sg_check_report *r = NULL;
    cr_assert_eq(sg_check_run(&fx.s, t, &r, NULL), SG_OK);
    size_t n = 0;
    msg[0] = '\0';
    for (size_t w = 0; w < r->n_warnings; w++)
        if (r->warnings[w].kind == SG_WARN_FAR_VALUE && n++ == 0)
            snprintf(msg, cap, "%s", r->warnings[w].message);
    sg_check_destroy(r);
    sg_table_destroy(t);
    return n;
}

/* A value typed with its sign lost, or 1e12 for 5.25, lies far beyond every
 * other value of the L9's y (1.5 .. 9.01). */
Test(check, response_value_far_beyond_the_others_is_named)
{
    char msg[512];
    cr_expect_eq(far_values(1e12, 5, false, msg, sizeof msg), 1);
    cr_expect_str_eq(msg, "response 'y': 1 value far beyond all the others (line 5; e.g. 1e+12, "
                          "where the others span 1.5 .. 9.01): a mistyped value or another "
                          "unit? Check it before fitting");
    cr_expect_eq(far_values(-52.5, 5, false, msg, sizeof msg), 1, "-52.5");
    cr_expect_eq(far_values(1e5, 5, false, msg, sizeof msg), 1, "1e5");
    /* the others span a ratio of 6: ten times the largest is within it in
     * log10 (0.98 spans beyond) */
    cr_expect_eq(far_values(52.5, 5, false, msg, sizeof msg), 0, "52.5");
    cr_expect_eq(far_values(0.0001, 5, false, msg, sizeof msg), 0,
                 "below the others by less than 5 spans");
    cr_expect_eq(far_values(25.0, 5, false, msg, sizeof msg), 0, "2 spans beyond");
    cr_expect_eq(far_values(5.25, 5, false, msg, sizeof msg), 0, "the table as it is");
}

/* Values above 0 are judged in log10 as well: a life spanning decades
 * (1 .. 1e7, one decade per run) is not a typo, 1e12 among 1.5 .. 9 is. */
Test(check, a_response_spanning_decades_is_not_far)
{
    char msg[512];
    fixture fx;
    make_study(&fx, 4, true);
    sg_table *t = make_table("a,b,c,d,y\n"
                             "1,1,1,1,1\n1,2,2,2,10\n1,3,3,3,100\n"
                             "2,1,2,3,1000\n2,2,3,1,1e4\n2,3,1,2,1e5\n"
                             "3,1,3,2,1e6\n3,2,1,3,1e7\n3,3,2,1,1e8\n",
                             4);
    sg_check_report *r = NULL;
    cr_assert_eq(sg_check_run(&fx.s, t, &r, NULL), SG_OK);
    for (size_t w = 0; w < r->n_warnings; w++)
        cr_expect_neq(r->warnings[w].kind, SG_WARN_FAR_VALUE, "%s", r->warnings[w].message);
    sg_check_destroy(r);
    sg_table_destroy(t);
    cr_expect_eq(far_values(1e12, 5, true, msg, sizeof msg), 1, "log scale: 1e12");
    cr_expect_eq(far_values(60.0, 5, true, msg, sizeof msg), 0, "log scale: 60 is 0.8 spans");
}
