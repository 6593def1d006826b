/* test_taguchi.c — orthogonal-array analysis: S/N, main effects, ANOVA,
 * interactions, best combination, reasons instead of NaN (text and JSON are in
 * test_taguchi_report.c). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "taguchi_fixture.h"
#include "table_test.h"

/* L8(2^7) by its three basic columns a, b, c (r = 4a + 2b + c); column j of
 * the standard array is the XOR of the basic columns in the bits of j. */
static int L8[8][8];
static void l8_table(void)
{
    for (int r = 0; r < 8; r++)
        for (int j = 1; j <= 7; j++) {
            int a = (r >> 2) & 1, b = (r >> 1) & 1, c = r & 1, v = 0;
            if (j & 1)
                v ^= a;
            if (j & 2)
                v ^= b;
            if (j & 4)
                v ^= c;
            L8[r][j] = v;
        }
}
static const double Y8[8] = {7.213, 9.487, 6.052, 11.936, 8.641, 13.275, 5.519, 10.382};

/* No NaN or infinity anywhere in a result. */
static void expect_all_finite(const sg_taguchi_result *r)
{
    cr_expect(isfinite(r->grand_mean) && isfinite(r->predicted) && isfinite(r->predicted_sn));
    cr_expect(isfinite(r->ss_total) && isfinite(r->ss_error) && isfinite(r->ms_error));
    cr_expect(isfinite(r->pct_error) && isfinite(r->pct_error_pure) && isfinite(r->sn_grand_mean));
    cr_expect(isfinite(r->predicted_ci) && isfinite(r->n_eff));
    for (size_t i = 0; i < r->n_runs; i++)
        cr_expect(isfinite(r->sn[i]));
    for (size_t f = 0; f < r->n_factors; f++) {
        const sg_taguchi_main *m = &r->mains[f];
        cr_expect(isfinite(m->delta) && isfinite(m->sn_delta));
        for (int l = 0; l < m->n_levels; l++)
            cr_expect(isfinite(m->levels[l].mean) && isfinite(m->levels[l].sn_mean));
    }
    for (size_t t = 0; t < r->n_terms; t++) {
        const sg_taguchi_term *tt = &r->terms[t];
        cr_expect(isfinite(tt->ss) && isfinite(tt->ms) && isfinite(tt->f) && isfinite(tt->p));
        cr_expect(isfinite(tt->pct) && isfinite(tt->pct_pure));
    }
}

static const sg_taguchi_candidate *find_cand(const sg_taguchi_result *r, int a, int b)
{
    for (size_t i = 0; i < r->n_candidates; i++)
        if (r->candidates[i].f1 == a && r->candidates[i].f2 == b)
            return &r->candidates[i];
    return NULL;
}

/* ---- S/N formulas ------------------------------------------------------------ */

typedef struct sn_case {
    sg_taguchi_sn_kind kind;
    double y, m, expect;
} sn_case;

/* -10 log10(y^2) etc. worked by hand: log10(10) = 1, log10(0.5) = -0.30103. */
static const sn_case sn_cases[] = {
    {SG_SN_SMALLER_BETTER, 10.0, 0, -20.0},
    {SG_SN_SMALLER_BETTER, -10.0, 0, -20.0},
    {SG_SN_SMALLER_BETTER, 0.5, 0, 6.020599913279624},
    {SG_SN_SMALLER_BETTER, 12.385, 0, -21.857920218437116},
    {SG_SN_LARGER_BETTER, 10.0, 0, 20.0},
    {SG_SN_LARGER_BETTER, 0.5, 0, -6.020599913279624},
    {SG_SN_LARGER_BETTER, 529.6, 0, 54.478959528632871},
    {SG_SN_NOMINAL_TARGET, 2.485, 2.385, 20.0},
    {SG_SN_NOMINAL_TARGET, 2.285, 2.385, 20.0},
    {SG_SN_NOMINAL_TARGET, 3.385, 2.385, 0.0},
};

TableTest(sn_cases, i, taguchi, sn_known_values, .init = setup)
{
    {
        double v = 0;
        sg_error err;
        cr_assert_eq(sg_taguchi_sn(sn_cases[i].kind, sn_cases[i].y, sn_cases[i].m, &v, &err), SG_OK);
        cr_expect(fabs(v - sn_cases[i].expect) < 1e-9, "case %zu: %.17g vs %.17g", i, v,
                  sn_cases[i].expect);
    }
}

Test(taguchi, sn_unbounded_gives_reason, .init = setup)
{
    double v = 0;
    sg_error err;
    cr_expect_eq(sg_taguchi_sn(SG_SN_SMALLER_BETTER, 0.0, 0, &v, &err), SG_ERR_NUMERIC);
    cr_expect(strstr(err.msg, "unbounded") != NULL);
    cr_expect_eq(sg_taguchi_sn(SG_SN_LARGER_BETTER, 0.0, 0, &v, &err), SG_ERR_NUMERIC);
    cr_expect_eq(sg_taguchi_sn(SG_SN_NOMINAL_TARGET, 2.385, 2.385, &v, &err), SG_ERR_NUMERIC);
    cr_expect(strstr(err.msg, "target") != NULL);
    cr_expect_eq(sg_taguchi_sn(SG_SN_SMALLER_BETTER, NAN, 0, &v, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_taguchi_sn((sg_taguchi_sn_kind)9, 1.0, 0, &v, &err), SG_ERR_INVALID);
}

/* ---- L9: main effects and ANOVA by hand --------------------------------------- */

/* Hand values (exact rational arithmetic, printed to 17 digits):
 *   ybar = 16.57611111111111, SS_total = 67.57598888888889 (df 8)
 *   A: level means 15.046666.., 15.568666.., 19.113; delta 4.0663333; SS 29.369849555555554
 *   B: 14.492333.., 18.003333.., 17.232666..; delta 3.511;     SS 20.430474888888888
 *   C: 15.086, 17.043333.., 17.599;           delta 2.513;     SS 10.455088222222223
 *   error = column 4 (unassigned): SS 7.320576222222222, df 2, MS 3.660288111111111
 *   F_A = 4.0119587125397205, F_B = 2.7908287911640715, F_C = 1.4281783161392305
 *   with df (2, 2) the F tail is p = 1/(1+F): 0.19952279285502492, 0.2637945565705499,
 *   0.4118313689539844
 *   contribution %: 43.46196043663767, 30.233334687090533, 15.471602257146236, error
 *   10.833102619125563; pure %: 32.628857817512106, 19.400232067964968,
 *   4.638499638020671, error 43.332410476502254.  Ranks by delta: A 1, B 2, C 3. */
Test(taguchi, l9_hand_computed, .init = setup)
{
    fixture fx;
    l9_input(&fx, 3);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);

    /* independent loops */
    double ybar = 0, sst = 0;
    for (int i = 0; i < 9; i++)
        ybar += Y9[i] / 9.0;
    for (int i = 0; i < 9; i++)
        sst += (Y9[i] - ybar) * (Y9[i] - ybar);
    double ss[4], lm[4][3];
    for (int f = 0; f < 4; f++) {
        ss[f] = 0;
        for (int l = 0; l < 3; l++) {
            double s = 0;
            for (int i = 0; i < 9; i++)
                if (L9[i][f] == l)
                    s += Y9[i];
            lm[f][l] = s / 3.0;
            ss[f] += 3.0 * (lm[f][l] - ybar) * (lm[f][l] - ybar);
        }
    }
    cr_expect(fabs(r->grand_mean - ybar) < TOL);
    cr_expect(fabs(r->grand_mean - 16.57611111111111) < TOL);
    cr_expect(fabs(r->ss_total - sst) < TOL);
    cr_expect(fabs(r->ss_total - 67.57598888888889) < TOL);
    cr_expect_eq(r->df_total, 8);
    cr_expect(r->orthogonal);

    static const double hand_ss[3] = {29.369849555555554, 20.430474888888888, 10.455088222222223};
    static const double hand_delta[3] = {4.066333333333334, 3.511, 2.513};
    static const double hand_F[3] = {4.0119587125397205, 2.7908287911640715, 1.4281783161392305};
    static const double hand_pct[3] = {43.46196043663767, 30.233334687090533, 15.471602257146236};
    static const double hand_pure[3] = {32.628857817512106, 19.400232067964968, 4.638499638020671};
    cr_assert_eq(r->n_terms, 3, "L9 with 3 factors leaves 2 error df: no interaction fits");
    double mse = ss[3] / 2.0;
    for (int f = 0; f < 3; f++) {
        const sg_taguchi_main *m = &r->mains[f];
        const sg_taguchi_term *t = &r->terms[f];
        for (int l = 0; l < 3; l++) {
            cr_expect(fabs(m->levels[l].mean - lm[f][l]) < TOL);
            cr_expect_eq(m->levels[l].n_runs, 3);
        }
        cr_expect(fabs(m->delta - hand_delta[f]) < TOL, "delta %d", f);
        cr_expect_eq(m->rank, f + 1);
        cr_expect_eq(t->df, 2);
        cr_expect(fabs(t->ss - ss[f]) < TOL && fabs(t->ss - hand_ss[f]) < TOL, "ss %d", f);
        cr_expect(fabs(t->ms - ss[f] / 2) < TOL);
        cr_expect_null(t->f_na);
        double F = (ss[f] / 2) / mse;
        cr_expect(fabs(t->f - F) < TOL && fabs(t->f - hand_F[f]) < TOL, "F %d", f);
        cr_expect(fabs(t->p - 1.0 / (1.0 + F)) < TOL, "p %d: %.17g", f, t->p);
        cr_expect(fabs(t->pct - 100 * ss[f] / sst) < TOL && fabs(t->pct - hand_pct[f]) < TOL);
        cr_expect(fabs(t->pct_pure - hand_pure[f]) < TOL);
    }
    /* error pooled from the unassigned column 4 */
    cr_expect_eq(r->df_error, 2);
    cr_expect(fabs(r->ss_error - ss[3]) < TOL && fabs(r->ss_error - 7.320576222222222) < TOL);
    cr_expect(fabs(r->ms_error - 3.660288111111111) < TOL);
    cr_expect(fabs(r->pct_error - 10.833102619125563) < TOL);
    cr_expect(fabs(r->pct_error_pure - 43.332410476502254) < TOL);
    /* candidates: all three tried, none fits with 2 error df */
    cr_expect_eq(r->n_candidates, 3);
    for (size_t i = 0; i < r->n_candidates; i++) {
        cr_expect(!r->candidates[i].estimated);
        cr_expect(strlen(r->candidates[i].reason) > 0);
    }
    /* S/N smaller-the-better per run and per level */
    double snl = 0;
    for (int i = 0; i < 9; i++) {
        cr_expect(r->sn_ok[i]);
        cr_expect(fabs(r->sn[i] + 10 * log10(Y9[i] * Y9[i])) < TOL);
        if (L9[i][0] == 2)
            snl += r->sn[i] / 3;
    }
    cr_expect(fabs(r->mains[0].levels[2].sn_mean - snl) < TOL);
    expect_all_finite(r);
    sg_taguchi_result_destroy(r);
}

Test(taguchi, l9_ties_in_delta_go_to_earlier_factor, .init = setup)
{
    /* y depends on B and C equally (same level effects), A not at all:
     * deltas B = C = 4.8 > A = 0: ranks B 1, C 2, A 3. */
    fixture fx;
    double y[9];
    for (int i = 0; i < 9; i++)
        y[i] = 3.917 + 2.4 * L9[i][1] + 2.4 * L9[i][2];
    static const int col[3] = {0, 1, 2};
    make_input(&fx, 9, 3, &L9[0][0], 4, col, 3, y);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    cr_expect_eq(r->mains[1].rank, 1);
    cr_expect_eq(r->mains[2].rank, 2);
    cr_expect_eq(r->mains[0].rank, 3);
    sg_taguchi_result_destroy(r);
}

Test(taguchi, l9_saturated_has_no_error_and_pooling_fixes_it, .init = setup)
{
    fixture fx;
    l9_input(&fx, 4);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    cr_expect_eq(r->df_error, 0);
    cr_expect_not_null(r->ms_error_na);
    for (size_t t = 0; t < r->n_terms; t++) {
        cr_expect_not_null(r->terms[t].f_na);
        cr_expect_not_null(r->terms[t].pct_pure_na);
        cr_expect_null(r->terms[t].pct_na);
    }
    cr_expect(strstr(r->notes, "no error degrees of freedom") != NULL);
    cr_expect_not_null(r->predicted_ci_na);
    expect_all_finite(r);
    sg_taguchi_result_destroy(r);

    /* pooling: D has the smallest SS (7.3206) and is pooled: error SS 7.3206, df 2 */
    sg_taguchi_options o = sg_taguchi_options_default();
    o.pool = true;
    r = analyze_ok(&fx.in, &o);
    cr_expect(r->pooling_applied);
    cr_expect(r->terms[3].pooled);
    cr_expect_eq(r->df_error, 2);
    cr_expect(fabs(r->ss_error - 7.320576222222222) < TOL);
    cr_expect(fabs(r->terms[0].f - 4.0119587125397205) < TOL);
    cr_expect_str_eq(r->terms[3].f_na, "pooled into the error");
    cr_expect_not_null(r->terms[3].pct_pure_na);
    /* pure contribution of the pooled error: (SS_e + 6 MS_e) / SS_T, as for column 4 unassigned */
    cr_expect(fabs(r->pct_error_pure - 43.332410476502254) < TOL);
    cr_expect(strstr(r->notes, "pooling: D") != NULL);
    sg_taguchi_result_destroy(r);
}

/* ---- L8: interactions ------------------------------------------------------------ */

static double contrast_ss(const int *col, size_t stride, const double *y, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += (col[(size_t)i * stride] ? 1.0 : -1.0) * y[i];
    return s * s / n;
}

Test(taguchi, l8_interactions_when_estimable, .init = setup)
{
    l8_table();
    fixture fx;
    static const int col[3] = {1, 2, 4}; /* A, B, C; A x B = 3, A x C = 5, B x C = 6, error 7 */
    make_input(&fx, 8, 3, &L8[0][0], 8, col, 2, Y8);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    /* min error df 2: A x B (3 left -> 3), A x C (-> 2), B x C would leave 1 */
    cr_assert_eq(r->n_terms, 5);
    cr_expect_str_eq(r->terms[3].name, "A x B");
    cr_expect_str_eq(r->terms[4].name, "A x C");
    cr_expect(find_cand(r, 0, 1)->estimated && find_cand(r, 0, 2)->estimated);
    const sg_taguchi_candidate *bc = find_cand(r, 1, 2);
    cr_expect(!bc->estimated);
    cr_expect(strstr(bc->reason, "no degrees of freedom left") != NULL, "%s", bc->reason);
    cr_expect_eq(r->df_error, 2);
    static const int sscol[5] = {1, 2, 4, 3, 5};
    for (int t = 0; t < 5; t++) {
        double ss = contrast_ss(&L8[0][sscol[t]], 8, Y8, 8);
        cr_expect(fabs(r->terms[t].ss - ss) < TOL, "term %d: %.17g vs %.17g", t, r->terms[t].ss,
                  ss);
        cr_expect_eq(r->terms[t].df, 1);
    }
    double sse = contrast_ss(&L8[0][6], 8, Y8, 8) + contrast_ss(&L8[0][7], 8, Y8, 8);
    cr_expect(fabs(r->ss_error - sse) < TOL);
    double F = r->terms[3].ss / (sse / 2);
    cr_expect(fabs(r->terms[3].f - F) < TOL);
    cr_expect(fabs(r->terms[3].p - gsl_cdf_fdist_Q(F, 1, 2)) < TOL);
    int dfsum = r->df_error;
    for (size_t t = 0; t < r->n_terms; t++)
        dfsum += r->terms[t].df;
    cr_expect_eq(dfsum, 7);
    sg_taguchi_result_destroy(r);

    /* min error df 1: B x C fits as well */
    sg_taguchi_options o = sg_taguchi_options_default();
    o.min_error_df = 1;
    r = analyze_ok(&fx.in, &o);
    cr_expect_eq(r->n_terms, 6);
    cr_expect(find_cand(r, 1, 2)->estimated);
    cr_expect_eq(r->df_error, 1);
    cr_expect(fabs(r->ss_error - contrast_ss(&L8[0][7], 8, Y8, 8)) < TOL);
    sg_taguchi_result_destroy(r);

    /* interactions switched off */
    o = sg_taguchi_options_default();
    o.interactions = false;
    r = analyze_ok(&fx.in, &o);
    cr_expect_eq(r->n_terms, 3);
    cr_expect_eq(r->df_error, 4);
    cr_expect(strstr(r->candidates[0].reason, "switched off") != NULL);
    sg_taguchi_result_destroy(r);
}

Test(taguchi, l8_aliased_interactions_are_named, .init = setup)
{
    l8_table();
    fixture fx;
    /* D on column 7 = ABC: A x B ~ C x D (col 3), A x C ~ B x D (5), B x C ~ A x D (6) */
    static const int col[4] = {1, 2, 4, 7};
    make_input(&fx, 8, 4, &L8[0][0], 8, col, 2, Y8);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    cr_expect(find_cand(r, 0, 1)->estimated);
    cr_expect_eq(r->n_terms, 5);
    const sg_taguchi_candidate *cd = find_cand(r, 2, 3);
    cr_expect(!cd->estimated);
    cr_expect(strstr(cd->reason, "aliased with A x B") != NULL, "%s", cd->reason);
    cr_expect(strstr(r->terms[4].note, "C x D") != NULL, "%s", r->terms[4].note);
    cr_expect(strstr(find_cand(r, 0, 2)->reason, "no degrees of freedom") != NULL);
    sg_taguchi_result_destroy(r);

    /* D on column 3 = A x B: the A x B interaction is the main effect D */
    static const int col3[4] = {1, 2, 4, 3};
    make_input(&fx, 8, 4, &L8[0][0], 8, col3, 2, Y8);
    r = analyze_ok(&fx.in, NULL);
    cd = find_cand(r, 0, 1);
    cr_expect(!cd->estimated);
    cr_expect(strstr(cd->reason, "aliased with D (0 of 1 df") != NULL, "%s", cd->reason);
    cr_expect(strstr(r->terms[3].note, "A x B") != NULL, "%s", r->terms[3].note);
    sg_taguchi_result_destroy(r);
}

/* ---- the brazing L27 ----------------------------------------------------------- */

static const double BRAZE[27][5] = {
    {50, 1090, 20, 3, 529.6},  {50, 1090, 30, 5, 530.5},  {50, 1090, 40, 7, 530.5},
    {50, 1120, 20, 5, 539.2},  {50, 1120, 30, 7, 539.2},  {50, 1120, 40, 3, 539.3},
    {50, 1150, 20, 7, 547.9},  {50, 1150, 30, 3, 548.0},  {50, 1150, 40, 5, 548.0},
    {100, 1090, 20, 5, 490.9}, {100, 1090, 30, 7, 490.9}, {100, 1090, 40, 3, 491.0},
    {100, 1120, 20, 7, 498.9}, {100, 1120, 30, 3, 499.0}, {100, 1120, 40, 5, 499.0},
    {100, 1150, 20, 3, 507.2}, {100, 1150, 30, 5, 507.2}, {100, 1150, 40, 7, 507.1},
    {150, 1090, 20, 7, 470.8}, {150, 1090, 30, 3, 470.9}, {150, 1090, 40, 5, 470.8},
    {150, 1120, 20, 3, 479.3}, {150, 1120, 30, 5, 479.2}, {150, 1120, 40, 7, 479.2},
    {150, 1150, 20, 5, 487.6}, {150, 1150, 30, 7, 487.6}, {150, 1150, 40, 3, 487.7},
};

Test(taguchi, brazing_l27_structure, .init = setup)
{
    static const double lv[4][3] = {{50, 100, 150}, {1090, 1120, 1150}, {20, 30, 40}, {3, 5, 7}};
    static const char *const nm[4] = {"thickness_um", "temperature_C", "hold_min",
                                      "cooling_C_per_min"};
    int codes[27 * 4];
    double y[27];
    for (int r = 0; r < 27; r++) {
        for (int f = 0; f < 4; f++) {
            int c = -1;
            for (int l = 0; l < 3; l++)
                if (BRAZE[r][f] == lv[f][l])
                    c = l;
            codes[r * 4 + f] = c;
        }
        y[r] = BRAZE[r][4];
        /* the table's structure: A = r/9, B = (r/3)%3, C = r%3, D = (A+B+C) mod 3 */
        cr_assert_eq(codes[r * 4 + 0], r / 9);
        cr_assert_eq(codes[r * 4 + 1], (r / 3) % 3);
        cr_assert_eq(codes[r * 4 + 2], r % 3);
        cr_assert_eq(codes[r * 4 + 3], (r / 9 + (r / 3) % 3 + r % 3) % 3);
    }
    sg_taguchi_factor fa[4];
    for (int f = 0; f < 4; f++)
        fa[f] =
            (sg_taguchi_factor){.name = nm[f], .unit = "u", .n_levels = 3, .level_values = lv[f]};
    sg_taguchi_input in = {.n_runs = 27,
                           .n_factors = 4,
                           .levels = codes,
                           .factors = fa,
                           .y = y,
                           .response_name = "stress_max_MPa",
                           .response_unit = "MPa",
                           .goal = SG_TAGUCHI_MINIMIZE};
    sg_taguchi_result *r = analyze_ok(&in, NULL);
    cr_expect(r->orthogonal);
    /* A x B, A x C, B x C estimated (4 df each); A x D ~ B x C, B x D ~ A x C, C x D ~ A x B */
    cr_assert_eq(r->n_terms, 7);
    cr_expect(find_cand(r, 0, 1)->estimated);
    cr_expect(find_cand(r, 0, 2)->estimated);
    cr_expect(find_cand(r, 1, 2)->estimated);
    cr_expect(strstr(find_cand(r, 0, 3)->reason, "partly aliased with temperature_C x hold_min") !=
                  NULL,
              "%s", find_cand(r, 0, 3)->reason);
    cr_expect(strstr(find_cand(r, 1, 3)->reason, "aliased with thickness_um x hold_min") != NULL);
    cr_expect(strstr(find_cand(r, 2, 3)->reason, "aliased with thickness_um x temperature_C") !=
              NULL);
    int dfsum = r->df_error;
    for (size_t t = 0; t < r->n_terms; t++) {
        cr_expect_eq(r->terms[t].df, r->terms[t].df_nominal);
        dfsum += r->terms[t].df;
    }
    cr_expect_eq(dfsum, 26);
    cr_expect_eq(r->df_error, 6);
    /* the SS add up to the total */
    double sum = r->ss_error;
    for (size_t t = 0; t < r->n_terms; t++)
        sum += r->terms[t].ss;
    cr_expect(fabs(sum - r->ss_total) < 1e-9 * r->ss_total);
    /* interaction SS by the classic cell formula: 3 sum (cell mean - ybar)^2 - SS_a - SS_b */
    static const int pairs[3][2] = {{0, 1}, {0, 2}, {1, 2}};
    for (int p = 0; p < 3; p++) {
        int a = pairs[p][0], b = pairs[p][1];
        double cell = 0, ssa = 0, ssb = 0;
        for (int u = 0; u < 3; u++) {
            double ma = 0, mb = 0;
            for (int i = 0; i < 27; i++) {
                ma += codes[i * 4 + a] == u ? y[i] / 9 : 0;
                mb += codes[i * 4 + b] == u ? y[i] / 9 : 0;
            }
            ssa += 9 * (ma - r->grand_mean) * (ma - r->grand_mean);
            ssb += 9 * (mb - r->grand_mean) * (mb - r->grand_mean);
            for (int v = 0; v < 3; v++) {
                double m = 0;
                for (int i = 0; i < 27; i++)
                    m += codes[i * 4 + a] == u && codes[i * 4 + b] == v ? y[i] / 3 : 0;
                cell += 3 * (m - r->grand_mean) * (m - r->grand_mean);
            }
        }
        cr_expect(fabs(r->terms[a].ss - ssa) < 1e-9 && fabs(r->terms[b].ss - ssb) < 1e-9);
        cr_expect(fabs(r->terms[4 + p].ss - (cell - ssa - ssb)) < 1e-9, "pair %d: %.17g vs %.17g",
                  p, r->terms[4 + p].ss, cell - ssa - ssb);
    }
    /* goal minimize: thickness 150, temperature 1090 give the least stress */
    cr_expect_eq(r->mains[0].best_level, 2);
    cr_expect_eq(r->mains[1].best_level, 0);
    cr_expect_eq(r->mains[0].rank, 1);
    cr_expect_eq(r->mains[1].rank, 2);
    expect_all_finite(r);
    sg_taguchi_result_destroy(r);
}

Test(taguchi, code_levels_from_values, .init = setup)
{
    double vals[8];
    int codes[27 * 4], L = 0;
    sg_error err;
    for (int f = 0; f < 4; f++) {
        cr_assert_eq(sg_taguchi_code_levels(&BRAZE[0][f], 27, 5, 8, vals, &L, codes + f, 4, &err),
                     SG_OK, "%s", err.msg);
        cr_expect_eq(L, 3);
        cr_expect(vals[0] < vals[1] && vals[1] < vals[2]);
    }
    for (int r = 0; r < 27; r++) {
        cr_expect_eq(codes[r * 4 + 0], r / 9);
        cr_expect_eq(codes[r * 4 + 3], (r / 9 + (r / 3) % 3 + r % 3) % 3);
    }
    /* values within the relative tolerance are one level; order is increasing */
    double x[6] = {2.385, 1.25, 2.385 * (1 + 1e-12), -0.75, 1.25, -0.75};
    cr_assert_eq(sg_taguchi_code_levels(x, 6, 1, 4, vals, &L, codes, 1, &err), SG_OK);
    cr_expect_eq(L, 3);
    cr_expect_eq(vals[0], -0.75);
    static const int want[6] = {2, 1, 2, 0, 1, 0};
    for (int i = 0; i < 6; i++)
        cr_expect_eq(codes[i], want[i]);
    /* a continuous column, a constant column, a NaN, bad arguments */
    cr_expect_eq(sg_taguchi_code_levels(&BRAZE[0][4], 27, 5, 8, vals, &L, codes, 1, &err),
                 SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "not a factor with discrete levels") != NULL);
    double k[3] = {5.5, 5.5, 5.5};
    cr_expect_eq(sg_taguchi_code_levels(k, 3, 1, 4, vals, &L, codes, 1, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "only one distinct value") != NULL);
    x[3] = NAN;
    cr_expect_eq(sg_taguchi_code_levels(x, 6, 1, 4, vals, &L, codes, 1, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "row 4") != NULL);
    cr_expect_eq(sg_taguchi_code_levels(NULL, 6, 1, 4, vals, &L, codes, 1, &err), SG_ERR_INVALID);
}

/* ---- constant response, non-orthogonal design, best combination --------------- */

Test(taguchi, constant_response_gives_reasons, .init = setup)
{
    fixture fx;
    double y[9];
    for (int i = 0; i < 9; i++)
        y[i] = 2.385;
    static const int col[3] = {0, 1, 2};
    make_input(&fx, 9, 3, &L9[0][0], 4, col, 3, y);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    cr_expect_eq(r->ss_total, 0.0);
    for (size_t t = 0; t < r->n_terms; t++) {
        cr_expect_eq(r->terms[t].ss, 0.0);
        cr_expect_not_null(r->terms[t].f_na);
        cr_expect(strstr(r->terms[t].pct_na, "constant") != NULL);
    }
    cr_expect_not_null(r->pct_error_na);
    for (size_t f = 0; f < 3; f++) {
        cr_expect(fabs(r->mains[f].delta) < 1e-12);
        cr_expect_eq(r->mains[f].rank, (int)f + 1);
        cr_expect_eq(r->mains[f].best_level, 0);
    }
    cr_expect(fabs(r->predicted - 2.385) < TOL);
    cr_expect(strstr(r->notes, "constant") != NULL);
    expect_all_finite(r);
    sg_taguchi_result_destroy(r);
}

/* A definitive screening design (6 factors, 17 runs: a conference matrix
 * of order 8, its fold-over and a centre run; each factor's middle level
 * on 3 runs, its ends on 7): the settings are uncorrelated, yet the level
 * pairs are unbalanced, so the level contrasts are not orthogonal.  The
 * note says so, and does not call the factors correlated. */
Test(taguchi, definitive_screening_design_is_not_called_correlated, .init = setup)
{
    static const int tab[17][6] = {
        {1, 2, 2, 2, 2, 2}, {0, 1, 2, 2, 0, 2}, {0, 0, 1, 2, 2, 0}, {0, 0, 0, 1, 2, 2},
        {0, 2, 0, 0, 1, 2}, {0, 0, 2, 0, 0, 1}, {0, 2, 0, 2, 0, 0}, {0, 2, 2, 0, 2, 0},
        {1, 0, 0, 0, 0, 0}, {2, 1, 0, 0, 2, 0}, {2, 2, 1, 0, 0, 2}, {2, 2, 2, 1, 0, 0},
        {2, 0, 2, 2, 1, 0}, {2, 2, 0, 2, 2, 1}, {2, 0, 2, 0, 2, 2}, {2, 0, 0, 2, 0, 2},
        {1, 1, 1, 1, 1, 1}};
    static const double y[17] = {442.85, 381.22, 246.29, 200.03, 330.02, 318.48,
                                 422.9,  365.57, 405.44, 470.92, 671.33, 788.6,
                                 487.04, 497.11, 373.01, 431.51, 467.99};
    static const int col[6] = {0, 1, 2, 3, 4, 5};
    fixture fx;
    make_input(&fx, 17, 6, &tab[0][0], 6, col, 3, y);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    cr_expect(!r->orthogonal);
    cr_expect(strstr(r->notes, "not orthogonal (the levels of A and B do not occur equally "
                               "often together, though their settings are uncorrelated)"),
              "%s", r->notes);
    cr_expect_null(strstr(r->notes, "are correlated"), "%s", r->notes);
    sg_taguchi_result_destroy(r);
}

Test(taguchi, non_orthogonal_design_warns, .init = setup)
{
    /* two 2-level factors, unbalanced: (0,0) x3, (0,1), (1,0), (1,1) x2 */
    static const int tab[7][2] = {{0, 0}, {0, 0}, {0, 0}, {0, 1}, {1, 0}, {1, 1}, {1, 1}};
    static const double y[7] = {4.113, 4.587, 3.921, 6.248, 5.372, 8.094, 7.653};
    static const int col[2] = {0, 1};
    fixture fx;
    make_input(&fx, 7, 2, &tab[0][0], 2, col, 2, y);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    cr_expect(!r->orthogonal);
    cr_expect(strstr(r->notes, "not orthogonal (A and B") != NULL, "%s", r->notes);
    /* Type I: SS_A is the classic between-level SS of A alone */
    double ybar = 0, m0 = 0, m1 = 0;
    for (int i = 0; i < 7; i++)
        ybar += y[i] / 7;
    for (int i = 0; i < 4; i++)
        m0 += y[i] / 4;
    for (int i = 4; i < 7; i++)
        m1 += y[i] / 3;
    double ssa = 4 * (m0 - ybar) * (m0 - ybar) + 3 * (m1 - ybar) * (m1 - ybar);
    cr_expect(fabs(r->terms[0].ss - ssa) < TOL);
    double sum = r->ss_error;
    for (size_t t = 0; t < r->n_terms; t++)
        sum += r->terms[t].ss;
    cr_expect(fabs(sum - r->ss_total) < TOL);
    /* every cell is run, so A x B (with A and B removed) is estimable after them,
     * sequentially: 1 + 1 + 1 df, error 3 df */
    cr_expect(find_cand(r, 0, 1)->estimated);
    cr_expect_eq(r->df_error, 3);
    sg_taguchi_result_destroy(r);
}

Test(taguchi, missing_cell_interaction_not_estimated, .init = setup)
{
    /* cell (1,1) is never run: A x B cannot be separated from the main effects */
    static const int tab[6][2] = {{0, 0}, {0, 1}, {1, 0}, {0, 0}, {0, 1}, {1, 0}};
    static const double y[6] = {4.113, 4.587, 3.921, 6.248, 5.372, 8.094};
    static const int col[2] = {0, 1};
    fixture fx;
    make_input(&fx, 6, 2, &tab[0][0], 2, col, 2, y);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    cr_expect_eq(r->n_terms, 2);
    cr_expect(strstr(r->candidates[0].reason, "not every level combination of A and B") != NULL,
              "%s", r->candidates[0].reason);
    cr_expect_eq(r->df_error, 3);
    sg_taguchi_result_destroy(r);
}

Test(taguchi, the_estimable_part_of_an_interaction_is_estimated, .init = setup)
{
    /* a 2^2 factorial with three centre runs: A and B at codes 0 and 2 on
     * the corners, 1 at the centre.  Of A x B's 4 df the corners separate
     * one, the linear-by-linear contrast: y = 10 + a + b + 2 a b (a, b =
     * -1, 1) gives it SS (sum y a b)^2 / 4 = 16; the centres' scatter is
     * the error */
    static const int tab[7][2] = {{0, 0}, {0, 2}, {2, 0}, {2, 2}, {1, 1}, {1, 1}, {1, 1}};
    static const double y[7] = {10, 8, 8, 14, 10.3, 9.8, 10.1};
    static const int col[2] = {0, 1};
    fixture fx;
    make_input(&fx, 7, 2, &tab[0][0], 2, col, 3, y);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    const sg_taguchi_candidate *c = find_cand(r, 0, 1);
    cr_assert(c->estimated, "%s", c->reason);
    const sg_taguchi_term *t = &r->terms[c->term];
    cr_expect_eq(t->df, 1);
    cr_expect_eq(t->df_nominal, 4);
    cr_expect(fabs(t->ss - 16.0) < TOL, "SS %.17g", t->ss);
    cr_expect(strstr(t->note, "1 of 4 df estimable") != NULL, "%s", t->note);
    cr_expect_eq(r->df_error, 2);
    double mean = (10.3 + 9.8 + 10.1) / 3, pure = 0;
    for (int i = 4; i < 7; i++)
        pure += (y[i] - mean) * (y[i] - mean);
    cr_expect(fabs(r->ss_error - pure) < TOL, "error SS %.17g, pure error %.17g", r->ss_error,
              pure);
    sg_taguchi_result_destroy(r);
}

Test(taguchi, best_combination_and_prediction, .init = setup)
{
    fixture fx;
    l9_input(&fx, 3);
    /* minimize: A level 0 (15.0467), B level 0 (14.4923), C level 0 (15.086):
     * predicted = ybar + sum(m - ybar) = 15.046666.. + 14.492333.. + 15.086 - 2 ybar */
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    double ybar = r->grand_mean;
    for (int f = 0; f < 3; f++)
        cr_expect_eq(r->mains[f].best_level, 0);
    cr_expect(fabs(r->predicted - (15.046666666666667 + 14.492333333333333 + 15.086 - 2 * ybar)) <
              TOL);
    cr_expect(fabs(r->predicted - 11.472777777777779) < TOL);
    /* Taguchi interval: n_eff = 9 / (1 + 6); F(0.95; 1, 2) = t(0.975; 2)^2 =
     * 2 (0.95)^2 / (4 * 0.975 * 0.025) = 18.512820512820513 (closed form for 2 df) */
    cr_expect(fabs(r->n_eff - 9.0 / 7.0) < TOL);
    cr_expect_null(r->predicted_ci_na);
    cr_expect(fabs(r->predicted_ci - sqrt(18.512820512820513 * 3.660288111111111 * 7.0 / 9.0)) <
                  TOL,
              "%.17g", r->predicted_ci);
    /* S/N (STB) is largest where y is small: same levels here */
    for (int f = 0; f < 3; f++)
        cr_expect_eq(r->mains[f].best_sn_level, 0);
    /* (0, 0, 0) is run 1 of the L9: the array holds its confirmation,
     * 12.385 measured, 0.912 from the prediction, inside +-7.26 */
    cr_expect_eq(r->best_tested, 1);
    cr_expect_eq(r->best_tested_run, 0);
    cr_expect_eq(r->best_tested_mean, 12.385);
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    cr_assert_not_null(fp);
    cr_assert_eq(sg_taguchi_write_text(r, fp, NULL), SG_OK);
    fclose(fp);
    cr_expect(strstr(text, "  run in this array: run 1 measured 12.385 MPa, inside the interval\n"),
              "%s", text);
    free(text);
    /* a measurement 8 MPa below the prediction lies outside +-7.26 */
    r->best_tested_mean = r->predicted - 8.0;
    fp = open_memstream(&text, &len);
    cr_assert_not_null(fp);
    cr_assert_eq(sg_taguchi_write_text(r, fp, NULL), SG_OK);
    fclose(fp);
    cr_expect(strstr(text, "MPa, 8 MPa below the prediction, outside its interval: the main "
                           "effects alone miss this combination"),
              "%s", text);
    free(text);
    sg_taguchi_result_destroy(r);

    /* maximize: A 2 (19.113), B 1 (18.0033), C 2 (17.599) */
    fx.in.goal = SG_TAGUCHI_MAXIMIZE;
    r = analyze_ok(&fx.in, NULL);
    cr_expect_eq(r->mains[0].best_level, 2);
    cr_expect_eq(r->mains[1].best_level, 1);
    cr_expect_eq(r->mains[2].best_level, 2);
    cr_expect(fabs(r->predicted - (19.113 + 18.003333333333334 + 17.599 - 2 * ybar)) < TOL);
    cr_expect_str_eq(r->sn_name, "larger-the-better");
    cr_expect_eq(r->best_tested, 0, "(2, 1, 2) is not a run of the L9");
    sg_taguchi_result_destroy(r);

    /* none + target 17.1: closest level means A 15.5687 (1), B 17.2327 (2), C 17.0433 (1) */
    fx.in.goal = SG_TAGUCHI_NONE;
    fx.in.has_target = true;
    fx.in.target = 17.1;
    r = analyze_ok(&fx.in, NULL);
    cr_expect_eq(r->mains[0].best_level, 1);
    cr_expect_eq(r->mains[1].best_level, 2);
    cr_expect_eq(r->mains[2].best_level, 1);
    cr_expect(strstr(r->notes, "nominal-the-best") != NULL);
    cr_expect(fabs(r->sn[0] + 10 * log10((12.385 - 17.1) * (12.385 - 17.1))) < TOL);
    sg_taguchi_result_destroy(r);

    /* none without target: no best combination, no S/N, with reasons */
    fx.in.has_target = false;
    r = analyze_ok(&fx.in, NULL);
    cr_expect_not_null(r->best_na);
    cr_expect_not_null(r->sn_na);
    cr_expect(strstr(r->sn_na, "replicates") != NULL);
    cr_expect_eq(r->mains[0].best_level, -1);
    cr_expect_not_null(r->mains[0].sn_na);
    cr_expect_eq(r->mains[0].sn_rank, 0);
    expect_all_finite(r);
    sg_taguchi_result_destroy(r);
}

Test(taguchi, zero_response_sn_level_reason, .init = setup)
{
    fixture fx;
    double y[9];
    memcpy(y, Y9, sizeof y);
    y[4] = 0.0; /* run 5: A 1, B 1, C 2 */
    static const int col[3] = {0, 1, 2};
    make_input(&fx, 9, 3, &L9[0][0], 4, col, 3, y);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    cr_expect(!r->sn_ok[4]);
    cr_expect_not_null(r->mains[0].levels[1].sn_na);
    cr_expect_null(r->mains[0].levels[0].sn_na);
    cr_expect_not_null(r->mains[0].sn_na);
    cr_expect_not_null(r->best_sn_na);
    cr_expect_null(r->best_na);
    expect_all_finite(r);
    sg_taguchi_result_destroy(r);
}

/* ---- errors ------------------------------------------------------------------------ */

static const struct {
    const char *what;
    sg_status st;
    const char *msg;
} invalid_cases[] = {
    {"n_runs=1", SG_ERR_INVALID, "at least 2"},
    {"n_runs=big", SG_ERR_LIMIT, "limit"},
    {"no factors", SG_ERR_INVALID, "no factors"},
    {"code out of range", SG_ERR_INVALID, "outside 0..2"},
    {"nan response", SG_ERR_INVALID, "not a finite"},
    {"one level", SG_ERR_INVALID, "at least 2 are needed"},
    {"empty level", SG_ERR_INVALID, "has no runs"},
    {"min_error_df 0", SG_ERR_INVALID, "min_error_df"},
    {"no name", SG_ERR_INVALID, "no name"},
    {"bad goal", SG_ERR_INVALID, "goal"},
    {"nan target", SG_ERR_INVALID, "target"},
    {"nan level value", SG_ERR_INVALID, "level 2 value is not finite"},
    {"no response name", SG_ERR_INVALID, "response has no name"},
    {"no y", SG_ERR_INVALID, "missing input array"},
};

Test(taguchi, invalid_inputs_are_rejected, .init = setup)
{
    fixture fx;
    sg_taguchi_result *r = (sg_taguchi_result *)1;
    sg_error err;

    cr_expect_eq(sg_taguchi_analyze(NULL, NULL, &r, &err), SG_ERR_INVALID);
    cr_expect_null(r);
    l9_input(&fx, 3);
    cr_expect_eq(sg_taguchi_analyze(&fx.in, NULL, NULL, &err), SG_ERR_INVALID);
    sg_taguchi_result_destroy(NULL);
}

TableTest(invalid_cases, c, taguchi, invalid_input_table_is_rejected, .init = setup)
{
    fixture fx;
    sg_taguchi_result *r = (sg_taguchi_result *)1;
    sg_error err;
    sg_taguchi_options o = sg_taguchi_options_default();
    {
        l9_input(&fx, 3);
        o = sg_taguchi_options_default();
        switch (c) {
        case 0: fx.in.n_runs = 1; break;
        case 1: fx.in.n_runs = SG_TAGUCHI_MAX_RUNS + 1; break;
        case 2: fx.in.n_factors = 0; break;
        case 3: fx.codes[7] = 3; break;
        case 4: fx.y[2] = NAN; break;
        case 5: fx.f[1].n_levels = 1; break;
        case 6: fx.f[2].n_levels = 4; break; /* level code 3 never appears */
        case 7: o.min_error_df = 0; break;
        case 8: fx.f[0].name = ""; break;
        case 9: fx.in.goal = (sg_taguchi_goal)7; break;
        case 10:
            fx.in.goal = SG_TAGUCHI_NONE;
            fx.in.has_target = true;
            fx.in.target = INFINITY;
            break;
        case 11: fx.values[1][1] = NAN; break;
        case 12: fx.in.response_name = NULL; break;
        case 13: fx.in.y = NULL; break;
        }
        sg_error_clear(&err);
        sg_status st = sg_taguchi_analyze(&fx.in, &o, &r, &err);
        cr_expect_eq(st, invalid_cases[c].st, "%s: status %d", invalid_cases[c].what, st);
        cr_expect(strstr(err.msg, invalid_cases[c].msg) != NULL, "%s: %s", invalid_cases[c].what, err.msg);
        cr_expect_null(r);
    }
}

/* ---- Lenth's method on a saturated L8 ----------------------------------------- */

/* Seven two-level factors on the seven columns of an L8, the response
 * 50 + sum c_j / 2 (+1 high, -1 low): each effect is c_j exactly.  |c|
 * sorted .2 .25 .3 .4 .5 6 10: s0 = 1.5 x .4 = .6, the effects below 2.5 s0
 * = 1.5 are the five small ones, PSE = 1.5 x median .3 = .45; t on 7/3 df. */
Test(taguchi, lenth_on_a_saturated_two_level_array, .init = setup)
{
    l8_table();
    static const double c[7] = {10, -6, 0.4, -0.2, 0.3, 0.25, -0.5};
    static const int col[7] = {1, 2, 3, 4, 5, 6, 7};
    double y[8];
    for (int r = 0; r < 8; r++) {
        y[r] = 50.0;
        for (int j = 0; j < 7; j++)
            y[r] += 0.5 * c[j] * (L8[r][col[j]] ? 1.0 : -1.0);
    }
    fixture fx;
    make_input(&fx, 8, 7, &L8[0][0], 8, col, 2, y);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    cr_assert(r->lenth);
    cr_expect_eq(r->df_error, 0);
    cr_expect(fabs(r->lenth_pse - 0.45) < 1e-9, "PSE %.12g", r->lenth_pse);
    cr_expect(fabs(r->lenth_df - 7.0 / 3.0) < 1e-12);
    cr_expect(fabs(r->lenth_me - gsl_cdf_tdist_Pinv(0.975, 7.0 / 3.0) * 0.45) < 1e-9);
    for (int j = 0; j < 7; j++) {
        const sg_taguchi_term *t = &r->terms[j];
        cr_expect(fabs(t->effect - c[j]) < 1e-9, "%s: effect %.12g", t->name, t->effect);
        cr_expect(fabs(t->lenth_t - fabs(c[j]) / 0.45) < 1e-9, "%s", t->name);
        cr_expect(fabs(t->lenth_p - 2 * gsl_cdf_tdist_Q(fabs(c[j]) / 0.45, 7.0 / 3.0)) < 1e-12);
    }
    cr_expect(r->terms[0].lenth_p < 0.05 && r->terms[1].lenth_p < 0.05);
    cr_expect(r->terms[6].lenth_p > 0.05, "an effect of the noise's size is not active");
    cr_expect(strstr(r->notes, "Lenth's method (above) judges the effects instead"), "%s",
              r->notes);
    /* the text: the section, the PSE and the verdicts */
    char text[16384] = "";
    FILE *fp = fmemopen(text, sizeof text - 1, "w");
    cr_assert_not_null(fp);
    sg_error err;
    cr_assert_eq(sg_taguchi_write_text(r, fp, &err), SG_OK);
    fclose(fp);
    cr_expect(strstr(text, "pseudo standard error 0.45 MPa from 7 effects (2.33 df)"), "%s", text);
    cr_assert_not_null(strstr(text, "Lenth's method"), "%s", text);
    const char *a = strstr(strstr(text, "Lenth's method"), "\n  A ");
    cr_assert_not_null(a, "%s", text);
    cr_expect(strstr(a, "active (beyond the simultaneous margin)") < strchr(a + 1, '\n'), "%s", a);
    const char *g = strstr(a, "\n  G ");
    cr_assert_not_null(g);
    const char *act = strstr(g, "active");
    cr_expect(act > strchr(g + 1, '\n'), "G is noise: %s", a);
    sg_taguchi_result_destroy(r);
    /* pooled: the F-tests of the others are optimistic, and the note says so */
    sg_taguchi_options o = sg_taguchi_options_default();
    o.pool = true;
    r = analyze_ok(&fx.in, &o);
    cr_expect(r->pooling_applied && r->lenth);
    cr_expect(fabs(r->lenth_pse - 0.45) < 1e-9, "Lenth is judged before pooling");
    cr_expect(strstr(r->notes, "so the F and p of the others are optimistic"), "%s", r->notes);
    sg_taguchi_result_destroy(r);
}
