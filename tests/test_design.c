/* test_design.c — design names, LHS, Sobol, full factorial, OA designs, step rounding. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/rsmdesign.h"
#include "design/design.h"
#include "table_test.h"

static void setup(void) { gsl_set_error_handler_off(); }
TestSuite(design, .init = setup);

static const double thick[3] = {50, 100, 150}, temp[3] = {1090, 1120, 1150}, hold[3] = {20, 30, 40},
                    cool[3] = {3, 5, 7};
static const sg_design_factor brazing[4] = {
    {"thickness", 50, 150, thick, 3, 0, false, false},
    {"temperature", 1090, 1150, temp, 3, 0, false, false},
    {"hold", 20, 40, hold, 3, 0, false, false},
    {"cooling", 3, 7, cool, 3, 0, false, false},
};
/* bounds without levels, "high-entropy" numbers */
static const sg_design_factor free5[5] = {
    {"a", -2.385, 7.125, NULL, 0, 0, false, false}, {"b", 0.0173, 0.0419, NULL, 0, 0, false, false}, {"c", 1090, 1150, NULL, 0, 0, false, false},
    {"d", 3.3, 7.7, NULL, 0, 0, false, false},      {"e", -400.5, -12.25, NULL, 0, 0, false, false},
};

static sg_design *make(const char *name, const sg_design_factor *f, size_t k, unsigned long seed)
{
    sg_design_spec spec;
    sg_error err;
    cr_assert_eq(sg_design_parse(name, &spec, &err), SG_OK, "%s", err.msg);
    sg_design_options opt = sg_design_options_default();
    opt.seed = seed;
    sg_design *d = NULL;
    cr_assert_eq(sg_design_generate(&spec, f, k, &opt, &d, &err), SG_OK, "%s: %s", name, err.msg);
    return d;
}

/* Every factor: run i's stratum floor(n (x - min) / (max - min)) is a permutation. */
static void expect_strata(const sg_design *d, const sg_design_factor *f)
{
    size_t n = d->n_runs, k = d->n_factors;
    int *hit = calloc(n, sizeof *hit);
    for (size_t j = 0; j < k; j++) {
        memset(hit, 0, n * sizeof *hit);
        for (size_t i = 0; i < n; i++) {
            double x = d->x[i * k + j];
            cr_assert(x >= f[j].min && x <= f[j].max, "%s factor %zu run %zu: %g", d->name, j, i, x);
            size_t s = (size_t)floor((x - f[j].min) / (f[j].max - f[j].min) * (double)n);
            cr_assert_lt(s, n);
            hit[s]++;
        }
        for (size_t s = 0; s < n; s++)
            cr_expect_eq(hit[s], 1, "%s factor %zu stratum %zu hit %d times", d->name, j, s, hit[s]);
    }
    free(hit);
}

static double min_dist(const sg_design *d, const sg_design_factor *f)
{
    double best = HUGE_VAL;
    size_t n = d->n_runs, k = d->n_factors;
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++) {
            double s = 0;
            for (size_t j = 0; j < k; j++) {
                double t = (d->x[a * k + j] - d->x[b * k + j]) / (f[j].max - f[j].min);
                s += t * t;
            }
            best = s < best ? s : best;
        }
    return sqrt(best);
}

/* ---- names -------------------------------------------------------------------- */

typedef struct parse_case { const char *text; sg_design_kind kind; size_t n; const char *oa; } parse_case;

static const parse_case valid_name_cases[] = {
    {"auto", SG_DESIGN_AUTO, 0, NULL},  {"AUTO", SG_DESIGN_AUTO, 0, NULL},
    {"full", SG_DESIGN_FULL, 0, NULL},  {"lhs:30", SG_DESIGN_LHS, 30, NULL},
    {"LHS:7", SG_DESIGN_LHS, 7, NULL},  {"sobol:32", SG_DESIGN_SOBOL, 32, NULL},
    {"sobol:100000", SG_DESIGN_SOBOL, 100000, NULL},
    {"L27", SG_DESIGN_OA, 0, "L27(3^13)"}, {"L27(3^13)", SG_DESIGN_OA, 0, "L27(3^13)"},
    {"l18", SG_DESIGN_OA, 0, "L18(2^1 3^7)"}, {"L16(4^5)", SG_DESIGN_OA, 0, "L16(4^5)"},
    {"ccd", SG_DESIGN_CCD, 0, NULL},    {"CCD:face", SG_DESIGN_CCD, 0, NULL},
    {"bbd", SG_DESIGN_BBD, 0, NULL},
};

TableTest(valid_name_cases, t, design, parse_valid_names)
{
    {
        sg_design_spec spec;
        sg_error err;
        cr_assert_eq(sg_design_parse(valid_name_cases[t].text, &spec, &err), SG_OK, "%s: %s", valid_name_cases[t].text, err.msg);
        cr_expect_eq(spec.kind, valid_name_cases[t].kind, "%s", valid_name_cases[t].text);
        cr_expect_eq(spec.n_runs, valid_name_cases[t].n, "%s", valid_name_cases[t].text);
        if (valid_name_cases[t].oa) {
            sg_oa_info info;
            cr_assert_eq(sg_oa_info_get(spec.oa_index, &info, NULL), SG_OK);
            cr_expect_str_eq(info.name, valid_name_cases[t].oa);
        }
    }
}

typedef struct bad_case { const char *text; const char *msg; } bad_case;

static const bad_case bad_name_cases[] = {
    {"latin", "unknown design 'latin'; designs are auto, full, lhs:N, sobol:N (N runs), ccd, ccd:face, bbd, 2level, axial or an orthogonal array: L4(2^3)"},
    {"lhs", "design 'lhs': give the number of runs, e.g. lhs:30"},
    {"lhs30", "design 'lhs30': give the number of runs"},
    {"lhs:", "expected a run count after ':'"},
    {"lhs:-3", "expected a run count"},
    {"lhs:3.5", "run count '3.5' is not a whole number"},
    {"lhs:1", "run count must be 2..100000"},
    {"sobol:100001", "run count must be 2..100000"},
    {"sobol", "e.g. sobol:32"},
    {"L28", "unknown orthogonal array 'L28'; the catalogue has L4(2^3)"},
    {"L16", "'L16' is ambiguous; give the full name, one of:"},
    {"", "unknown design ''"},
    {"fullfactorial", "unknown design 'fullfactorial'"},
    {"ccd:5", "unknown design 'ccd:5'"},
};

TableTest(bad_name_cases, t, design, parse_errors_list_what_exists)
{
    {
        sg_design_spec spec;
        sg_error err;
        cr_expect_eq(sg_design_parse(bad_name_cases[t].text, &spec, &err), SG_ERR_INVALID, "%s", bad_name_cases[t].text);
        cr_expect(strstr(err.msg, bad_name_cases[t].msg), "'%s' gave: %s", bad_name_cases[t].text, err.msg);
    }
}

Test(design, parse_null_name)
{
    sg_error err;
    cr_expect_eq(sg_design_parse(NULL, NULL, &err), SG_ERR_INVALID);
}

/* ---- Latin hypercube -------------------------------------------------------------- */

Test(design, lhs_strata_bounds_and_name)
{
    sg_design *d = make("lhs:37", free5, 5, 2385);
    cr_expect_str_eq(d->name, "lhs:37");
    cr_expect_eq(d->kind, SG_DESIGN_LHS);
    cr_expect_eq(d->n_runs, 37);
    cr_expect_eq(d->n_factors, 5);
    expect_strata(d, free5);
    sg_design_destroy(d);
}

Test(design, lhs_reproducible_per_seed_and_maximin_helps)
{
    sg_design *a = make("lhs:25", free5, 5, 7), *b = make("lhs:25", free5, 5, 7), *c = make("lhs:25", free5, 5, 8);
    cr_expect_eq(memcmp(a->x, b->x, sizeof *a->x * 25 * 5), 0, "same seed, same design");
    cr_expect_neq(memcmp(a->x, c->x, sizeof *a->x * 25 * 5), 0, "other seed, other design");
    /* one candidate = the first candidate of the maximin search with the same seed */
    sg_design_spec spec = {.kind = SG_DESIGN_LHS, .n_runs = 25};
    sg_design_options opt = sg_design_options_default();
    opt.seed = 7;
    opt.lhs_candidates = 1;
    sg_design *one = NULL;
    cr_assert_eq(sg_design_generate(&spec, free5, 5, &opt, &one, NULL), SG_OK);
    cr_expect_geq(min_dist(a, free5), min_dist(one, free5));
    cr_expect_gt(min_dist(a, free5), 0.0);
    opt.lhs_candidates = 0;
    sg_design *bad = (sg_design *)0x1;
    sg_error err;
    cr_expect_eq(sg_design_generate(&spec, free5, 5, &opt, &bad, &err), SG_ERR_INVALID);
    cr_expect_null(bad);
    cr_expect(strstr(err.msg, "lhs candidates must be at least 1"), "%s", err.msg);
    sg_design_destroy(a);
    sg_design_destroy(b);
    sg_design_destroy(c);
    sg_design_destroy(one);
}

static const char *rounding_designs[2] = {"lhs:40", "sobol:64"};

TableTest(rounding_designs, t, design, step_rounding_exact_and_inside_bounds)
{
    sg_design_factor f[3] = {
        {"thickness", 50, 150, NULL, 0, 5, false, false},       /* divides the range */
        {"temp", 1.25, 9.8, NULL, 0, 0.7, false, false},        /* does not: top value 1.25 + 12*0.7 */
        {"hold", 20, 40, NULL, 0, 20, false, false},            /* two values only */
    };
    {
        sg_design *d = make(rounding_designs[t], f, 3, 99);
        int seen_top = 0;
        for (size_t i = 0; i < d->n_runs; i++)
            for (size_t j = 0; j < 3; j++) {
                double x = d->x[i * 3 + j], steps = (x - f[j].min) / f[j].step;
                cr_expect(x >= f[j].min && x <= f[j].max, "%s: %g outside", rounding_designs[t], x);
                cr_expect_eq(x, f[j].min + round(steps) * f[j].step, "%s: %g is not on the grid", rounding_designs[t], x);
                seen_top |= j == 1 && fabs(x - (1.25 + 12 * 0.7)) < 1e-12;
            }
        cr_expect(seen_top, "%s: top grid value never used", rounding_designs[t]);
        sg_design_destroy(d);
    }
}

/* ---- Sobol ------------------------------------------------------------------------ */

Test(design, sobol_reproducible_distinct_seeds_and_stratified)
{
    sg_design *a = make("sobol:32", free5, 5, 1), *b = make("sobol:32", free5, 5, 1), *c = make("sobol:32", free5, 5, 2);
    cr_expect_str_eq(a->name, "sobol:32");
    cr_expect_eq(memcmp(a->x, b->x, sizeof *a->x * 32 * 5), 0);
    cr_expect_neq(memcmp(a->x, c->x, sizeof *a->x * 32 * 5), 0);
    /* the first 2^m points of a digitally shifted Sobol sequence put one
     * point in each of 2^m equal intervals of every coordinate */
    expect_strata(a, free5);
    expect_strata(c, free5);
    sg_design_destroy(a);
    sg_design_destroy(b);
    sg_design_destroy(c);
}

Test(design, sobol_dimension_limit)
{
    sg_design_factor f[41];
    for (int j = 0; j < 41; j++)
        f[j] = (sg_design_factor){"x", 0.5 * j, 0.5 * j + 1.75, NULL, 0, 0, false, false};
    sg_design_spec spec = {.kind = SG_DESIGN_SOBOL, .n_runs = 16};
    sg_design *d = NULL;
    sg_error err;
    cr_expect_eq(sg_design_generate(&spec, f, 41, NULL, &d, &err), SG_ERR_LIMIT);
    cr_expect(strstr(err.msg, "at most 40 factors"), "%s", err.msg);
    cr_assert_eq(sg_design_generate(&spec, f, 40, NULL, &d, &err), SG_OK, "%s", err.msg);
    sg_design_destroy(d);
}

/* ---- full factorial ------------------------------------------------------------------ */

Test(design, full_factorial_counts_and_order)
{
    static const double l1[3] = {-1.5, 0.25, 2}, l2[2] = {10, 20}, l3[4] = {0.1, 0.2, 0.35, 0.5};
    sg_design_factor f[3] = {{"a", -1.5, 2, l1, 3, 0, false, false}, {"b", 10, 20, l2, 2, 0, false, false}, {"c", 0.1, 0.5, l3, 4, 0, false, false}};
    sg_design *d = make("full", f, 3, 0);
    cr_expect_str_eq(d->name, "full");
    cr_assert_eq(d->n_runs, 24);
    for (size_t r = 0; r < 24; r++) {
        cr_expect_eq(d->x[r * 3 + 0], l1[r / 8]);
        cr_expect_eq(d->x[r * 3 + 1], l2[r / 4 % 2]);
        cr_expect_eq(d->x[r * 3 + 2], l3[r % 4]);
    }
    sg_design_destroy(d);
}

Test(design, full_factorial_limits)
{
    static const double lv[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    sg_design_factor f[4];
    for (int j = 0; j < 4; j++)
        f[j] = (sg_design_factor){"x", 1, 8, lv, 8, 0, false, false};
    sg_design_spec spec = {.kind = SG_DESIGN_FULL};
    sg_design *d = NULL;
    sg_error err;
    cr_assert_eq(sg_design_generate(&spec, f, 4, NULL, &d, &err), SG_OK); /* 4096 = limit */
    cr_expect_eq(d->n_runs, SG_DESIGN_FULL_MAX_RUNS);
    sg_design_destroy(d);
    f[3].n_levels = 2; /* 1024: fine; now five factors of 8 = 32768 */
    sg_design_factor g[5] = {f[0], f[0], f[0], f[0], f[0]};
    cr_expect_eq(sg_design_generate(&spec, g, 5, NULL, &d, &err), SG_ERR_LIMIT);
    cr_expect(strstr(err.msg, "exceeds 4096 runs"), "%s", err.msg);
    cr_expect_eq(sg_design_generate(&spec, free5, 5, NULL, &d, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "factor 'a' has no levels; full-factorial designs need"), "%s", err.msg);
}

/* ---- orthogonal arrays ------------------------------------------------------------------ */

Test(design, auto_picks_l9_for_brazing_levels)
{
    sg_design *d = make("auto", brazing, 4, 1);
    cr_expect_str_eq(d->name, "L9(3^4)");
    cr_expect_eq(d->kind, SG_DESIGN_OA);
    cr_assert_eq(d->n_runs, 9);
    for (size_t j = 0; j < 4; j++) {
        int cnt[3] = {0};
        for (size_t i = 0; i < 9; i++)
            for (int l = 0; l < 3; l++)
                cnt[l] += d->x[i * 4 + j] == brazing[j].levels[l];
        for (int l = 0; l < 3; l++)
            cr_expect_eq(cnt[l], 3, "factor %zu level %d", j, l);
    }
    sg_design_destroy(d);
}

/* Asking for L27 reproduces the brazing table's factor columns row by row. */
Test(design, l27_reproduces_the_brazing_table)
{
    sg_design *d = make("L27", brazing, 4, 1);
    cr_expect_str_eq(d->name, "L27(3^13)");
    cr_expect(d->oa.interaction_kept);
    FILE *fp = fopen("data/brazing_l27.csv", "r");
    cr_assert(fp);
    char line[512];
    cr_assert(fgets(line, sizeof line, fp));
    for (int r = 0; r < 27; r++) {
        double x[4];
        int run;
        cr_assert(fgets(line, sizeof line, fp));
        cr_assert_eq(sscanf(line, "%d,%lf,%lf,%lf,%lf", &run, &x[0], &x[1], &x[2], &x[3]), 5);
        for (int j = 0; j < 4; j++)
            cr_expect_eq(d->x[r * 4 + j], x[j], "run %d factor %d", r + 1, j);
    }
    fclose(fp);
    sg_design_destroy(d);
}

Test(design, auto_keeps_interaction_when_required)
{
    sg_design_spec spec = {.kind = SG_DESIGN_AUTO};
    sg_design_options opt = sg_design_options_default();
    opt.interaction = SG_OA_KEEP_REQUIRED;
    sg_design *d = NULL;
    cr_assert_eq(sg_design_generate(&spec, brazing, 4, &opt, &d, NULL), SG_OK);
    cr_expect_str_eq(d->name, "L27(3^13)");
    cr_expect_eq(d->oa.interaction_col[0], 2);
    cr_expect_eq(d->oa.interaction_col[1], 3);
    sg_design_destroy(d);
}

Test(design, auto_without_levels_is_lhs)
{
    sg_design *d = make("auto", free5, 5, 3);
    cr_expect_str_eq(d->name, "lhs:50");
    expect_strata(d, free5);
    sg_design_destroy(d);
}

Test(design, oa_errors)
{
    sg_design_spec spec;
    sg_design *d = NULL;
    sg_error err;
    cr_assert_eq(sg_design_parse("L8", &spec, NULL), SG_OK);
    cr_expect_eq(sg_design_generate(&spec, brazing, 4, NULL, &d, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "the factors (4 at 3 levels) do not fit L8(2^7)"), "%s", err.msg);
    cr_expect_eq(sg_design_generate(&spec, free5, 5, NULL, &d, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "factor 'a' has no levels; orthogonal-array designs need"), "%s", err.msg);
    static const double one[1] = {75};
    sg_design_factor f[2] = {brazing[0], {"single", 50, 100, one, 1, 0, false, false}};
    cr_expect_eq(sg_design_generate(&spec, f, 2, NULL, &d, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "factor 'single' has 1 level"), "%s", err.msg);
    cr_expect_null(d);
}

/* ---- factor validation ---------------------------------------------------------------- */

static const double levels_out[3] = {50, 100, 175}, levels_down[3] = {50, 150, 100};
static const struct { sg_design_factor f; const char *msg; } factor_cases[] = {
    {{"t", 150, 50, NULL, 0, 0, false, false}, "factor 't': min (150) must be below max (50)"},
    {{"t", 50, 50, NULL, 0, 0, false, false}, "min (50) must be below max (50)"},
    {{"t", NAN, 50, NULL, 0, 0, false, false}, "must be below max"},
    {{"t", 50, 150, levels_out, 3, 0, false, false}, "factor 't': level 175 outside the bounds [50, 150]"},
    {{"t", 50, 150, levels_down, 3, 0, false, false}, "levels must increase (100 after 150)"},
    {{"t", 50, 150, NULL, 0, -1, false, false}, "step (-1) must be 0 (none) or in (0, max - min = 100]"},
    {{"t", 50, 150, NULL, 0, 101, false, false}, "step (101)"},
    {{"t", 50, 150, NULL, 3, 0, false, false}, "levels and their count disagree"},
    {{NULL, 50, 150, NULL, 3, 0, false, false}, "factor 1: levels"},
};

TableTest(factor_cases, t, design, factor_errors_name_the_factor)
{
    {
        sg_error err;
        cr_expect_eq(sg_design_check_factors(&factor_cases[t].f, 1, &err), SG_ERR_INVALID, "case %zu", t);
        cr_expect(strstr(err.msg, factor_cases[t].msg), "case %zu: %s", t, err.msg);
        sg_design_spec spec = {.kind = SG_DESIGN_LHS, .n_runs = 10};
        sg_design *d = NULL;
        cr_expect_eq(sg_design_generate(&spec, &factor_cases[t].f, 1, NULL, &d, NULL), SG_ERR_INVALID);
        cr_expect_null(d);
    }
}

Test(design, factor_errors_without_factors_or_runs)
{
    sg_error err;
    cr_expect_eq(sg_design_check_factors(NULL, 0, &err), SG_ERR_INVALID);
    sg_design_spec bad = {.kind = SG_DESIGN_LHS, .n_runs = 1};
    sg_design *d = NULL;
    cr_expect_eq(sg_design_generate(&bad, free5, 5, NULL, &d, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "run count 1 must be 2..100000"), "%s", err.msg);
    cr_expect_eq(sg_design_generate(NULL, free5, 5, NULL, &d, &err), SG_ERR_INVALID);
    sg_design_destroy(NULL);
}

/* Round trip: every orthogonal-array design, coded back to levels, is
 * recognised as the array it was built from. */
static const struct { const char *name; int k, lev[8]; } oa_design_cases[] = {
    {"L4", 3, {2, 2, 2}},          {"L8", 5, {2, 2, 2, 2, 2}},  {"L9", 4, {3, 3, 3, 3}},
    {"L12", 6, {2, 2, 2, 2, 2, 2}}, {"L16(4^5)", 3, {4, 4, 4}}, {"L18", 8, {2, 3, 3, 3, 3, 3, 3, 3}},
    {"L25", 6, {5, 5, 5, 5, 5, 5}}, {"L27", 4, {3, 3, 3, 3}},   {"L36", 6, {2, 2, 2, 3, 3, 3}},
};

TableTest(oa_design_cases, t, design, oa_designs_are_recognised)
{
    static const double two[2] = {0.5, 1.5}, three[3] = {10, 20, 35}, four[4] = {1, 2, 3, 4}, five[5] = {1, 2, 3, 4, 5};
    {
        sg_design_factor f[8];
        for (int j = 0; j < oa_design_cases[t].k; j++) {
            int L = oa_design_cases[t].lev[j];
            const double *lv = L == 2 ? two : L == 3 ? three : L == 4 ? four : five;
            f[j] = (sg_design_factor){"x", lv[0], lv[L - 1], lv, L, 0, false, false};
        }
        sg_design *d = make(oa_design_cases[t].name, f, (size_t)oa_design_cases[t].k, 1);
        int n = (int)d->n_runs, k = oa_design_cases[t].k;
        int *codes = malloc(sizeof *codes * (size_t)n * k);
        cr_assert_eq(sg_oa_code_levels(d->x, n, k, codes, NULL), SG_OK);
        sg_oa_identity id;
        cr_assert_eq(sg_oa_identify(codes, n, k, &id, NULL), SG_OK);
        cr_expect(id.orthogonal, "%s", d->name);
        cr_expect(id.matched, "%s", d->name);
        cr_expect_str_eq(id.name, d->name);
        free(codes);
        sg_design_destroy(d);
    }
}

/* A factor on a log scale (a rate 0.001 .. 10): a Latin hypercube puts one
 * run in each of n equal strata of log10 of the setting, so each decade
 * holds a quarter of the runs; the linear factor beside it keeps its
 * strata of the range. */
Test(design, lhs_spreads_a_log_factor_over_its_decades)
{
    sg_design_factor f[2] = {{"rate", 0.001, 10, NULL, 0, 0, false, true},
                             {"load", 100, 1000, NULL, 0, 0, false, false}};
    sg_design *d = make("lhs:20", f, 2, 7);
    int per_stratum[20] = {0}, lin[20] = {0};
    for (size_t i = 0; i < d->n_runs; i++) {
        double r = d->x[i * 2], l = d->x[i * 2 + 1];
        cr_assert(r >= 0.001 && r <= 10, "rate %g outside the bounds", r);
        per_stratum[(int)fmin(19, floor((log10(r) + 3) / 4 * 20))]++;
        lin[(int)fmin(19, floor((l - 100) / 900 * 20))]++;
    }
    for (int s = 0; s < 20; s++) {
        cr_expect_eq(per_stratum[s], 1, "log stratum %d holds %d runs", s, per_stratum[s]);
        cr_expect_eq(lin[s], 1, "linear stratum %d holds %d runs", s, lin[s]);
    }
    sg_design_destroy(d);
}

/* ---- response-surface designs ---- */

/* Coded setting of run r, factor j: -1 at min, +1 at max. */
static double zcode(const sg_design *d, const sg_design_factor *f, size_t r, size_t j)
{
    return (2.0 * d->x[r * d->n_factors + j] - f[j].min - f[j].max) / (f[j].max - f[j].min);
}

/* ccd on 3 free factors: 8 cube runs at +-1/alpha (alpha = 8^(1/4)), 6
 * axial runs at the bounds, one centre run; check recognises it as a
 * rotatable central composite.  ccd:face: the cube at the bounds, alpha 1. */
Test(design, central_composite_inside_the_bounds)
{
    sg_design *d = make("ccd", free5, 3, 1);
    cr_assert_eq(d->n_runs, 15);
    cr_expect_str_eq(d->name, "ccd");
    double c = pow(8.0, -0.25);
    for (size_t j = 0; j < 3; j++) {
        cr_expect_float_eq(zcode(d, free5, 0, j), -c, 1e-12);
        cr_expect_float_eq(zcode(d, free5, 7, j), c, 1e-12);
        cr_expect_float_eq(zcode(d, free5, 14, j), 0.0, 1e-12);
    }
    cr_expect_float_eq(d->x[8 * 3 + 0], free5[0].min, 1e-12); /* first axial run: a at min */
    cr_expect_float_eq(d->x[9 * 3 + 0], free5[0].max, 1e-12);
    for (size_t i = 0; i < d->n_runs * 3; i++)
        cr_expect(d->x[i] >= free5[i % 3].min && d->x[i] <= free5[i % 3].max);
    sg_rsmdesign rd;
    cr_assert(sg_rsmdesign_identify(d->x, 3, d->n_runs, 3, &rd));
    cr_expect_eq(rd.kind, SG_RSMDESIGN_CCD);
    cr_expect(rd.rotatable);
    cr_expect_eq(rd.centre, 1);
    sg_design_destroy(d);
    d = make("ccd:face", free5, 3, 1);
    cr_expect_str_eq(d->name, "ccd:face");
    cr_expect_float_eq(d->x[0], free5[0].min, 1e-12);
    cr_assert(sg_rsmdesign_identify(d->x, 3, d->n_runs, 3, &rd));
    cr_expect_eq(rd.alpha, 1.0);
    sg_design_destroy(d);
    /* 5 factors: the half fraction (16 cube runs, e = abcd), alpha 2 */
    d = make("ccd", free5, 5, 1);
    cr_expect_eq(d->n_runs, 16 + 10 + 1);
    for (size_t r = 0; r < 16; r++) {
        double prod = 1.0;
        for (size_t j = 0; j < 4; j++)
            prod *= zcode(d, free5, r, j) * 2.0;
        cr_expect_float_eq(zcode(d, free5, r, 4) * 2.0, prod, 1e-12);
    }
    cr_assert(sg_rsmdesign_identify(d->x, 5, d->n_runs, 5, &rd));
    cr_expect(rd.fraction && rd.rotatable);
    sg_design_destroy(d);
}

Test(design, box_behnken_and_refusals)
{
    sg_design *d = make("bbd", free5, 4, 1);
    cr_expect_eq(d->n_runs, 25);
    sg_rsmdesign rd;
    cr_assert(sg_rsmdesign_identify(d->x, 4, d->n_runs, 4, &rd));
    cr_expect_eq(rd.kind, SG_RSMDESIGN_BBD);
    cr_expect_eq(rd.edge, 24);
    sg_design_destroy(d);
    sg_design_spec spec;
    sg_error err;
    sg_design *none = NULL;
    cr_assert_eq(sg_design_parse("bbd", &spec, &err), SG_OK);
    cr_expect_eq(sg_design_generate(&spec, free5, 2, NULL, &none, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "3 to 5 factors, not 2"), "%s", err.msg);
    cr_assert_eq(sg_design_parse("ccd", &spec, &err), SG_OK);
    sg_design_factor named[2] = {free5[0], free5[1]};
    static const double codes[2] = {0, 1};
    named[1].levels = codes;
    named[1].n_levels = 2;
    named[1].min = 0;
    named[1].max = 1;
    named[1].categorical = true;
    cr_expect_eq(sg_design_generate(&spec, named, 2, NULL, &none, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "is a category"), "%s", err.msg);
    cr_expect_null(none);
}

/* The screening design: the cube at min and max (the full 2^k to 4
 * factors, the half fraction e = abcd from 5), one centre run; recognised
 * as a two-level factorial with a centre run. */
Test(design, two_level_screening_design)
{
    sg_design *d = make("2level", free5, 3, 1);
    cr_assert_eq(d->n_runs, 9);
    cr_expect_str_eq(d->name, "2level");
    for (size_t j = 0; j < 3; j++) {
        cr_expect_float_eq(d->x[0 * 3 + j], free5[j].min, 1e-12);
        cr_expect_float_eq(d->x[7 * 3 + j], free5[j].max, 1e-12);
        cr_expect_float_eq(zcode(d, free5, 8, j), 0.0, 1e-12);
    }
    sg_rsmdesign rd;
    cr_assert(sg_rsmdesign_identify(d->x, 3, d->n_runs, 3, &rd));
    cr_expect_eq(rd.kind, SG_RSMDESIGN_FACTORIAL);
    cr_expect(rd.cube == 8 && rd.centre == 1 && !rd.fraction);
    sg_design_destroy(d);
    d = make("2level", free5, 5, 1);
    cr_assert_eq(d->n_runs, 17);
    for (size_t r = 0; r < 16; r++) {
        double prod = 1.0;
        for (size_t j = 0; j < 4; j++)
            prod *= zcode(d, free5, r, j);
        cr_expect_float_eq(zcode(d, free5, r, 4), prod, 1e-12);
    }
    cr_assert(sg_rsmdesign_identify(d->x, 5, d->n_runs, 5, &rd));
    cr_expect(rd.kind == SG_RSMDESIGN_FACTORIAL && rd.fraction);
    /* its axial runs appended: a face-centred central composite design */
    sg_design *ax = make("axial", free5, 5, 1);
    cr_assert_eq(ax->n_runs, 10);
    cr_expect_str_eq(ax->name, "axial");
    cr_expect_float_eq(ax->x[0 * 5 + 0], free5[0].min, 1e-12);
    cr_expect_float_eq(ax->x[1 * 5 + 0], free5[0].max, 1e-12);
    cr_expect_float_eq(zcode(ax, free5, 0, 1), 0.0, 1e-12);
    double all[27 * 5];
    memcpy(all, d->x, 17 * 5 * sizeof *all);
    memcpy(all + 17 * 5, ax->x, 10 * 5 * sizeof *all);
    cr_assert(sg_rsmdesign_identify(all, 5, 27, 5, &rd));
    cr_expect_eq(rd.kind, SG_RSMDESIGN_CCD);
    cr_expect(rd.alpha == 1.0 && rd.axial == 10 && rd.cube == 16 && rd.centre == 1);
    sg_design_destroy(ax);
    sg_design_destroy(d);
    sg_design_spec spec;
    sg_error err;
    sg_design *none = NULL;
    cr_assert_eq(sg_design_parse("2LEVEL", &spec, &err), SG_OK);
    cr_expect_eq(sg_design_generate(&spec, free5, 1, NULL, &none, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "design '2level' is built for 2 to 7 factors, not 1"), "%s",
              err.msg);
    cr_expect_null(none);
}
