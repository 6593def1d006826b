/* test_oa.c — catalogue construction, interaction columns, choice, identification. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "design/oa.h"
#include "table_test.h"

/* ---- helpers ---------------------------------------------------------------- */

static int *build(size_t idx, sg_oa_info *info)
{
    sg_error err;
    cr_assert_eq(sg_oa_info_get(idx, info, &err), SG_OK, "%s", err.msg);
    int *c = NULL;
    cr_assert_eq(sg_oa_build(idx, &c, &err), SG_OK, "%s", err.msg);
    return c;
}

static size_t find(const char *name)
{
    size_t idx = 0;
    sg_error err;
    cr_assert_eq(sg_oa_find(name, &idx, &err), SG_OK, "%s: %s", name, err.msg);
    return idx;
}

/* Deterministic generator for shuffles (tests only). */
static unsigned long lcg(unsigned long *s)
{
    *s = *s * 6364136223846793005UL + 1442695040888963407UL;
    return *s >> 33;
}

/* ---- every array: dimensions, balance, strength 2 ----------------------------- */

typedef struct dims { const char *name; int runs, cols, n2, n3, nq, q; } dims;
static const dims expected[] = {
    {"L4(2^3)", 4, 3, 3, 0, 0, 2},      {"L8(2^7)", 8, 7, 7, 0, 0, 2},
    {"L9(3^4)", 9, 4, 0, 4, 0, 3},      {"L12(2^11)", 12, 11, 11, 0, 0, 0},
    {"L16(2^15)", 16, 15, 15, 0, 0, 2}, {"L16(4^5)", 16, 5, 0, 0, 5, 4},
    {"L18(2^1 3^7)", 18, 8, 1, 7, 0, 0}, {"L25(5^6)", 25, 6, 0, 0, 6, 5},
    {"L27(3^13)", 27, 13, 0, 13, 0, 3}, {"L32(2^31)", 32, 31, 31, 0, 0, 2},
    {"L36(2^11 3^12)", 36, 23, 11, 12, 0, 0}, {"L49(7^8)", 49, 8, 0, 0, 8, 7},
    {"L64(2^63)", 64, 63, 63, 0, 0, 2}, {"L64(4^21)", 64, 21, 0, 0, 21, 4},
    {"L64(8^9)", 64, 9, 0, 0, 9, 8},    {"L81(3^40)", 81, 40, 0, 40, 0, 3},
};

Test(oa, catalogue_lists_every_expected_array)
{
    cr_assert_eq(sg_oa_count(), sizeof expected / sizeof expected[0]);
}

TableTest(expected, i, oa, catalogue_entry_is_the_expected_array)
{
    {
        sg_oa_info info;
        cr_assert_eq(sg_oa_info_get(i, &info, NULL), SG_OK);
        cr_expect_str_eq(info.name, expected[i].name);
        cr_expect_eq(info.runs, expected[i].runs, "%s", info.name);
        cr_expect_eq(info.cols, expected[i].cols, "%s", info.name);
        int n2 = 0, n3 = 0, nq = 0;
        for (int j = 0; j < info.cols; j++) {
            n2 += info.levels[j] == 2 && expected[i].q <= 3;
            n3 += info.levels[j] == 3 && expected[i].q <= 3;
            nq += info.levels[j] > 3;
        }
        cr_expect_eq(n2, expected[i].n2, "%s", info.name);
        cr_expect_eq(n3, expected[i].n3, "%s", info.name);
        cr_expect_eq(nq, expected[i].nq, "%s", info.name);
    }
}

TableTestN(sg_oa_count(), i, oa, every_array_balanced_and_strength_two)
{
    {
        sg_oa_info info;
        int *a = build(i, &info);
        int n = info.runs, k = info.cols;
        for (int c = 0; c < k; c++) {
            int cnt[SG_OA_MAX_LEVELS] = {0};
            for (int r = 0; r < n; r++) {
                int v = a[r * k + c];
                cr_assert(v >= 0 && v < info.levels[c], "%s col %d code %d", info.name, c, v);
                cnt[v]++;
            }
            for (int v = 0; v < info.levels[c]; v++)
                cr_expect_eq(cnt[v] * info.levels[c], n, "%s col %d level %d", info.name, c, v);
        }
        for (int c1 = 0; c1 < k; c1++)
            for (int c2 = c1 + 1; c2 < k; c2++) {
                int cnt[SG_OA_MAX_LEVELS * SG_OA_MAX_LEVELS] = {0};
                int L1 = info.levels[c1], L2 = info.levels[c2];
                for (int r = 0; r < n; r++)
                    cnt[a[r * k + c1] * L2 + a[r * k + c2]]++;
                for (int v = 0; v < L1 * L2; v++)
                    cr_assert_eq(cnt[v] * L1 * L2, n, "%s cols %d,%d pair %d", info.name, c1, c2, v);
            }
        /* identify says the same, independently of the check above */
        sg_oa_identity id;
        cr_assert_eq(sg_oa_identify(a, n, k, &id, NULL), SG_OK);
        cr_expect(id.balanced && id.orthogonal, "%s", info.name);
        free(a);
    }
}

/* Taguchi's published first rows (1-based levels) for L8 and L27, rows 2, 4, 10. */
Test(oa, taguchi_column_order_l8_l27)
{
    sg_oa_info info;
    int *a = build(find("L8"), &info);
    const int l8_row2[7] = {1, 1, 1, 2, 2, 2, 2}, l8_row3[7] = {1, 2, 2, 1, 1, 2, 2};
    for (int c = 0; c < 7; c++) {
        cr_expect_eq(a[1 * 7 + c] + 1, l8_row2[c], "L8 row 2 col %d", c + 1);
        cr_expect_eq(a[2 * 7 + c] + 1, l8_row3[c], "L8 row 3 col %d", c + 1);
    }
    free(a);
    a = build(find("L27"), &info);
    const int r2[13] = {1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    const int r4[13] = {1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3};
    const int r10[13] = {2, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3};
    for (int c = 0; c < 13; c++) {
        cr_expect_eq(a[1 * 13 + c] + 1, r2[c], "L27 row 2 col %d", c + 1);
        cr_expect_eq(a[3 * 13 + c] + 1, r4[c], "L27 row 4 col %d", c + 1);
        cr_expect_eq(a[9 * 13 + c] + 1, r10[c], "L27 row 10 col %d", c + 1);
    }
    free(a);
}

/* ---- interaction columns ------------------------------------------------------ */

typedef struct inter_case { const char *array; int a, b, n; int cols[7]; } inter_case;
static const inter_case inter_cases[] = {
    {"L8(2^7)", 0, 1, 1, {2}},       /* Taguchi: 1x2 -> 3 */
    {"L8(2^7)", 0, 3, 1, {4}},       /* 1x4 -> 5 */
    {"L8(2^7)", 1, 3, 1, {5}},       /* 2x4 -> 6 */
    {"L8(2^7)", 2, 3, 1, {6}},       /* 3x4 -> 7 */
    {"L27(3^13)", 0, 1, 2, {2, 3}},  /* 1x2 -> 3, 4 */
    {"L27(3^13)", 0, 4, 2, {5, 6}},  /* 1x5 -> 6, 7 */
    {"L27(3^13)", 1, 4, 2, {7, 10}}, /* 2x5 -> 8, 11 */
    {"L16(2^15)", 0, 1, 1, {2}},
    {"L16(4^5)", 0, 1, 3, {2, 3, 4}},
    {"L64(8^9)", 0, 1, 7, {2, 3, 4, 5, 6, 7, 8}},
    {"L81(3^40)", 0, 13, 2, {14, 15}},
};

TableTest(inter_cases, t, oa, interaction_columns_known_pairs)
{
    {
        const inter_case *ic = &inter_cases[t];
        int cols[SG_OA_MAX_LEVELS], n = 0;
        sg_error err;
        cr_assert_eq(sg_oa_interaction(find(ic->array), ic->a, ic->b, cols, &n, &err), SG_OK, "%s", err.msg);
        cr_assert_eq(n, ic->n, "%s %d x %d", ic->array, ic->a, ic->b);
        for (int i = 0; i < n; i++)
            cr_expect_eq(cols[i], ic->cols[i], "%s %d x %d [%d]", ic->array, ic->a, ic->b, i);
    }
}

/* The interaction columns of a and b are functions of the (a, b) cell, and
 * on the q^2 cells the q+1 columns a, b, I_1..I_{q-1} are pairwise
 * orthogonal (each level pair once): their contrasts are independent, so
 * the q-1 interaction columns carry the (q-1)^2 interaction df. */
static const char *inter_arrays[] = {"L4", "L8", "L9", "L16(2^15)", "L16(4^5)", "L25", "L27", "L49", "L64(8^9)", "L81"};

TableTest(inter_arrays, t, oa, interaction_columns_carry_the_interaction)
{
    {
        sg_oa_info info;
        size_t idx = find(inter_arrays[t]);
        int *a = build(idx, &info);
        int q = info.q, k = info.cols, n = info.runs;
        int pairs[3][2] = {{0, 1}, {1, k - 1}, {k / 2, k - 2}};
        for (int p = 0; p < 3; p++) {
            int ca = pairs[p][0], cb = pairs[p][1];
            if (ca == cb)
                continue;
            int ic[SG_OA_MAX_LEVELS], ni = 0;
            cr_assert_eq(sg_oa_interaction(idx, ca, cb, ic, &ni, NULL), SG_OK);
            cr_assert_eq(ni, q - 1);
            /* val[j][cell]: column j of (a, b, I_1..) as a function of the cell */
            int val[SG_OA_MAX_LEVELS + 1][SG_OA_MAX_LEVELS * SG_OA_MAX_LEVELS];
            int cols[SG_OA_MAX_LEVELS + 1] = {ca, cb};
            for (int i = 0; i < ni; i++) {
                cr_expect_neq(ic[i], ca);
                cr_expect_neq(ic[i], cb);
                cols[2 + i] = ic[i];
            }
            for (int j = 0; j < q + 1; j++) {
                for (int c = 0; c < q * q; c++)
                    val[j][c] = -1;
                for (int r = 0; r < n; r++) {
                    int cell = a[r * k + ca] * q + a[r * k + cb];
                    if (val[j][cell] < 0)
                        val[j][cell] = a[r * k + cols[j]];
                    cr_assert_eq(val[j][cell], a[r * k + cols[j]], "%s col %d not a function of (%d,%d)",
                                 info.name, cols[j], ca, cb);
                }
            }
            for (int j1 = 0; j1 < q + 1; j1++)
                for (int j2 = j1 + 1; j2 < q + 1; j2++) {
                    int seen[SG_OA_MAX_LEVELS * SG_OA_MAX_LEVELS] = {0};
                    for (int c = 0; c < q * q; c++)
                        seen[val[j1][c] * q + val[j2][c]]++;
                    for (int c = 0; c < q * q; c++)
                        cr_expect_eq(seen[c], 1, "%s (%d,%d): columns %d, %d", info.name, ca, cb, cols[j1], cols[j2]);
                }
        }
        free(a);
    }
}

Test(oa, interaction_errors)
{
    int cols[SG_OA_MAX_LEVELS], n;
    sg_error err;
    cr_expect_eq(sg_oa_interaction(find("L12"), 0, 1, cols, &n, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "L12(2^11) has no interaction columns"), "%s", err.msg);
    cr_expect_eq(sg_oa_interaction(find("L8"), 0, 0, cols, &n, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "distinct, in 0..6"), "%s", err.msg);
    cr_expect_eq(sg_oa_interaction(find("L8"), 0, 7, cols, &n, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_oa_interaction(99, 0, 1, cols, &n, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "out of range"), "%s", err.msg);
}

/* ---- names -------------------------------------------------------------------- */

Test(oa, find_by_name)
{
    cr_expect_eq(find("L27"), find("L27(3^13)"));
    cr_expect_eq(find("l9"), 2);
    cr_expect_eq(find("L18(2^1 3^7)"), find("L18"));
    cr_expect_eq(find("l18(2^13^7)"), find("L18"));
    size_t idx;
    sg_error err;
    cr_expect_eq(sg_oa_find("L16", &idx, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "'L16' is ambiguous") && strstr(err.msg, "L16(4^5)"), "%s", err.msg);
    cr_expect_eq(sg_oa_find("L28", &idx, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "unknown orthogonal array 'L28'") && strstr(err.msg, "L81(3^40)"), "%s", err.msg);
    cr_expect_eq(sg_oa_find(NULL, &idx, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_oa_info_get(sg_oa_count(), &(sg_oa_info){0}, &err), SG_ERR_INVALID);
    int *codes;
    cr_expect_eq(sg_oa_build(sg_oa_count(), &codes, &err), SG_ERR_INVALID);
}

/* ---- choice ------------------------------------------------------------------- */

typedef struct choose_case {
    int k;
    int levels[16];
    sg_oa_interaction_rule rule;
    const char *array;
    int cols[16];
    int kept, n_inter;
    int inter[3];
} choose_case;

static const choose_case choose_cases[] = {
    /* 4 factors x 3 levels: L9 fits but uses the 1x2 columns */
    {4, {3, 3, 3, 3}, SG_OA_KEEP_IF_FITS, "L9(3^4)", {0, 1, 2, 3}, 0, 2, {2, 3}},
    /* ...asking to keep 1x2 gives L27 with Taguchi columns 1, 2, 5, 9 */
    {4, {3, 3, 3, 3}, SG_OA_KEEP_REQUIRED, "L27(3^13)", {0, 1, 4, 8}, 1, 2, {2, 3}},
    {7, {2, 2, 2, 2, 2, 2, 2}, SG_OA_KEEP_IF_FITS, "L8(2^7)", {0, 1, 3, 6, 2, 4, 5}, 0, 1, {2}},
    {4, {2, 2, 2, 2}, SG_OA_KEEP_IF_FITS, "L8(2^7)", {0, 1, 3, 6}, 1, 1, {2}},
    {3, {2, 2, 2}, SG_OA_KEEP_IF_FITS, "L4(2^3)", {0, 1, 2}, 0, 1, {2}},
    {3, {2, 2, 2}, SG_OA_KEEP_REQUIRED, "L8(2^7)", {0, 1, 3}, 1, 1, {2}},
    {8, {2, 3, 3, 3, 3, 3, 3, 3}, SG_OA_KEEP_IF_FITS, "L18(2^1 3^7)", {0, 1, 2, 3, 4, 5, 6, 7}, 1, 0, {0}},
    {3, {3, 2, 3}, SG_OA_KEEP_REQUIRED, "L18(2^1 3^7)", {1, 0, 2}, 1, 0, {0}},
    {5, {5, 5, 5, 5, 5}, SG_OA_KEEP_IF_FITS, "L25(5^6)", {0, 1, 2, 3, 4}, 0, 4, {2, 3, 4}},
    {4, {2, 2, 3, 3}, SG_OA_KEEP_IF_FITS, "L36(2^11 3^12)", {0, 1, 11, 12}, 0, 0, {0}},
    {11, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, SG_OA_KEEP_IF_FITS, "L12(2^11)", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0, 0, {0}},
    {12, {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, SG_OA_KEEP_IF_FITS, "L27(3^13)",
     {0, 1, 4, 8, 9, 11, 12, 2, 3, 5, 6, 7}, 0, 2, {2, 3}},
    {12, {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, SG_OA_KEEP_REQUIRED, "L81(3^40)",
     {0, 1, 4, 13, 26, 27, 29, 30, 35, 36, 38, 39}, 1, 2, {2, 3}},
    {1, {4}, SG_OA_KEEP_REQUIRED, "L16(4^5)", {0}, 0, 0, {0}},
    {3, {8, 8, 8}, SG_OA_KEEP_REQUIRED, "L64(8^9)", {0, 1, 2}, 0, 7, {2, 3, 4}},
};

TableTest(choose_cases, t, oa, choose_smallest_fitting_array)
{
    {
        const choose_case *c = &choose_cases[t];
        sg_oa_choice ch;
        sg_error err;
        sg_status st = sg_oa_choose(c->k, c->levels, c->rule, &ch, &err);
        if (t == 14) { /* 3 x 8 levels keeping 1x2: in L64(8^9) all 7 other columns carry 1x2 */
            cr_expect_eq(st, SG_ERR_INVALID);
            cr_expect(strstr(err.msg, "keeps the interaction"), "%s", err.msg);
            return;
        }
        cr_assert_eq(st, SG_OK, "case %zu: %s", t, err.msg);
        cr_expect_str_eq(ch.name, c->array, "case %zu", t);
        cr_expect_eq(ch.n_factors, c->k);
        for (int f = 0; f < c->k; f++)
            cr_expect_eq(ch.factor_col[f], c->cols[f], "case %zu factor %d", t, f);
        cr_expect_eq(ch.interaction_kept, c->kept, "case %zu", t);
        cr_expect_eq(ch.n_interaction, c->n_inter, "case %zu", t);
        for (int i = 0; i < c->n_inter && i < 3; i++)
            cr_expect_eq(ch.interaction_col[i], c->inter[i], "case %zu", t);
    }
}

Test(oa, choose_18_puts_2_level_and_3_level_on_orthogonal_pair)
{
    int lev[8] = {2, 3, 3, 3, 3, 3, 3, 3};
    sg_oa_choice ch;
    cr_assert_eq(sg_oa_choose(8, lev, SG_OA_KEEP_REQUIRED, &ch, NULL), SG_OK);
    cr_expect(ch.interaction_orthogonal);
    cr_expect_eq(ch.n_interaction, 0);
}

Test(oa, choose_errors_list_what_is_possible)
{
    sg_oa_choice ch;
    sg_error err;
    int many2[64], many3[41];
    for (int i = 0; i < 64; i++)
        many2[i] = 2;
    for (int i = 0; i < 41; i++)
        many3[i] = 3;
    cr_expect_eq(sg_oa_choose(64, many2, SG_OA_KEEP_IF_FITS, &ch, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "fits 64 factors (64 at 2 levels)") && strstr(err.msg, "L64(2^63)") &&
              strstr(err.msg, "lhs:N"), "%s", err.msg);
    cr_expect_eq(sg_oa_choose(41, many3, SG_OA_KEEP_IF_FITS, &ch, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "41 at 3 levels") && strstr(err.msg, "L81(3^40)"), "%s", err.msg);
    int mixed[3] = {2, 4, 4};
    cr_expect_eq(sg_oa_choose(3, mixed, SG_OA_KEEP_IF_FITS, &ch, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "1 at 2 levels, 2 at 4 levels"), "%s", err.msg);
    int nine[2] = {3, 9};
    cr_expect_eq(sg_oa_choose(2, nine, SG_OA_KEEP_IF_FITS, &ch, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "factor 2 has 9 levels"), "%s", err.msg);
    int one[1] = {1};
    cr_expect_eq(sg_oa_choose(1, one, SG_OA_KEEP_IF_FITS, &ch, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_oa_choose(0, one, SG_OA_KEEP_IF_FITS, &ch, &err), SG_ERR_INVALID);
    int l36[3] = {2, 2, 3};
    cr_expect_eq(sg_oa_choose(3, l36, SG_OA_KEEP_IF_FITS, &ch, &err), SG_OK);
    cr_expect_str_eq(ch.name, "L36(2^11 3^12)");
    cr_expect_eq(sg_oa_choose(3, l36, SG_OA_KEEP_REQUIRED, &ch, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "keeps the interaction of factors 1 and 2"), "%s", err.msg);
}

/* ---- identification ------------------------------------------------------------ */

/* Copy columns sel[0..k-1] of array a (n x cols), rows shuffled and each
 * column's levels permuted at random. */
static int *scramble(const int *a, const sg_oa_info *info, const int *sel, int k, unsigned long *seed)
{
    int n = info->runs;
    int *t = malloc(sizeof *t * (size_t)n * k), *perm = malloc(sizeof *perm * (size_t)n);
    cr_assert(t && perm);
    for (int r = 0; r < n; r++)
        perm[r] = r;
    for (int r = n - 1; r > 0; r--) {
        int j = (int)(lcg(seed) % (unsigned long)(r + 1)), tmp = perm[r];
        perm[r] = perm[j], perm[j] = tmp;
    }
    for (int f = 0; f < k; f++) {
        int L = info->levels[sel[f]], relabel[SG_OA_MAX_LEVELS];
        for (int v = 0; v < L; v++)
            relabel[v] = v;
        for (int v = L - 1; v > 0; v--) {
            int j = (int)(lcg(seed) % (unsigned long)(v + 1)), tmp = relabel[v];
            relabel[v] = relabel[j], relabel[j] = tmp;
        }
        for (int r = 0; r < n; r++)
            t[r * k + f] = relabel[a[perm[r] * info->cols + sel[f]]];
    }
    free(perm);
    return t;
}

Test(oa, identify_every_array_after_shuffling)
{
    unsigned long seed = 0x2385u;
    for (size_t i = 0; i < sg_oa_count(); i++) {
        sg_oa_info info;
        int *a = build(i, &info);
        /* all columns in order, then a random subset in random order */
        int sel[SG_OA_MAX_COLS], k = info.cols;
        for (int c = 0; c < k; c++)
            sel[c] = c;
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 1) {
                for (int c = k - 1; c > 0; c--) {
                    int j = (int)(lcg(&seed) % (unsigned long)(c + 1)), tmp = sel[c];
                    sel[c] = sel[j], sel[j] = tmp;
                }
                k = info.cols < 6 ? info.cols - 1 : 6;
            }
            int *t = scramble(a, &info, sel, k, &seed);
            sg_oa_identity id;
            sg_error err;
            cr_assert_eq(sg_oa_identify(t, info.runs, k, &id, &err), SG_OK, "%s", err.msg);
            cr_expect(id.balanced && id.orthogonal, "%s pass %d", info.name, pass);
            cr_expect(id.matched, "%s pass %d not matched (undetermined %d)", info.name, pass, id.undetermined);
            cr_expect_str_eq(id.name, info.name, "pass %d", pass);
            int used[SG_OA_MAX_COLS] = {0};
            for (int f = 0; f < k; f++) {
                cr_expect_eq(info.levels[id.factor_col[f]], info.levels[sel[f]]);
                cr_expect_eq(used[id.factor_col[f]], 0, "%s column used twice", info.name);
                used[id.factor_col[f]] = 1;
            }
            free(t);
        }
        free(a);
    }
}

/* The brazing table: levels coded by sorting each column's unique values. */
Test(oa, identify_brazing_l27)
{
    FILE *fp = fopen("data/brazing_l27.csv", "r");
    cr_assert(fp, "run from the project root");
    char line[512];
    cr_assert(fgets(line, sizeof line, fp));
    double x[27][4];
    for (int r = 0; r < 27; r++) {
        cr_assert(fgets(line, sizeof line, fp));
        int run;
        cr_assert_eq(sscanf(line, "%d,%lf,%lf,%lf,%lf", &run, &x[r][0], &x[r][1], &x[r][2], &x[r][3]), 5);
    }
    fclose(fp);
    int codes[27 * 4];
    cr_assert_eq(sg_oa_code_levels(&x[0][0], 27, 4, codes, NULL), SG_OK);
    for (int r = 0; r < 27; r++) /* thickness 50/100/150 -> 0/1/2 */
        cr_expect_eq(codes[r * 4], (int)(x[r][0] - 50) / 50);
    sg_oa_identity id;
    sg_error err;
    cr_assert_eq(sg_oa_identify(codes, 27, 4, &id, &err), SG_OK, "%s", err.msg);
    cr_expect(id.balanced);
    cr_expect(id.orthogonal);
    cr_expect(!id.full_factorial);
    cr_expect(id.matched);
    cr_expect_str_eq(id.name, "L27(3^13)");
    const int taguchi[4] = {0, 1, 4, 8}; /* Taguchi columns 1, 2, 5, 9 */
    for (int f = 0; f < 4; f++) {
        cr_expect_eq(id.n_levels[f], 3);
        cr_expect_eq(id.factor_col[f], taguchi[f], "factor %d", f);
    }
}

Test(oa, identify_rejects_unbalanced_and_non_orthogonal)
{
    sg_oa_info info;
    int *a = build(find("L9"), &info);
    sg_oa_identity id;
    a[4 * 4 + 2] = (a[4 * 4 + 2] + 1) % 3; /* one cell changed: column 3 unbalanced */
    cr_assert_eq(sg_oa_identify(a, 9, 4, &id, NULL), SG_OK);
    cr_expect(!id.balanced && !id.orthogonal && !id.matched);
    cr_expect_eq(id.unbalanced_col, 2);
    free(a);
    /* balanced but columns 1 and 2 identical: not orthogonal */
    int same[9 * 2];
    for (int r = 0; r < 9; r++)
        same[r * 2] = same[r * 2 + 1] = r % 3;
    cr_assert_eq(sg_oa_identify(same, 9, 2, &id, NULL), SG_OK);
    cr_expect(id.balanced && !id.orthogonal && !id.matched);
    cr_expect_eq(id.pair_a, 0);
    cr_expect_eq(id.pair_b, 1);
    /* a 2x3 full factorial is orthogonal, but no 6-run array exists */
    int ff[6 * 2] = {0, 0, 0, 1, 0, 2, 1, 0, 1, 1, 1, 2};
    cr_assert_eq(sg_oa_identify(ff, 6, 2, &id, NULL), SG_OK);
    cr_expect(id.orthogonal && id.full_factorial && !id.matched);
    cr_expect_eq(id.replicates, 1);
    cr_expect_str_eq(id.name, "");
}

Test(oa, identify_full_factorials)
{
    /* 2^3 twice = 16 runs: a replicated full factorial, also 3 columns of L16(2^15) */
    int t[16 * 3];
    for (int r = 0; r < 16; r++)
        for (int f = 0; f < 3; f++)
            t[r * 3 + f] = ((r % 8) >> f) & 1;
    sg_oa_identity id;
    cr_assert_eq(sg_oa_identify(t, 16, 3, &id, NULL), SG_OK);
    cr_expect(id.full_factorial);
    cr_expect_eq(id.replicates, 2);
    cr_expect(id.matched);
    cr_expect_str_eq(id.name, "L16(2^15)");
    /* 3^3 in 27 runs = columns a, b, c of L27 */
    int u[27 * 3];
    for (int r = 0; r < 27; r++)
        u[r * 3] = r % 3, u[r * 3 + 1] = r / 3 % 3, u[r * 3 + 2] = r / 9;
    cr_assert_eq(sg_oa_identify(u, 27, 3, &id, NULL), SG_OK);
    cr_expect(id.full_factorial && id.matched);
    cr_expect_str_eq(id.name, "L27(3^13)");
}

Test(oa, identify_errors)
{
    sg_oa_identity id;
    sg_error err;
    int t[4] = {0, 1, -1, 1};
    cr_expect_eq(sg_oa_identify(t, 4, 1, &id, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "run 3, column 1: level code -1"), "%s", err.msg);
    int big[4] = {0, 1, 4, 1};
    cr_expect_eq(sg_oa_identify(big, 4, 1, &id, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_oa_identify(t, 1, 1, &id, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_oa_identify(t, 4, 0, &id, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_oa_identify(NULL, 4, 1, &id, &err), SG_ERR_INVALID);
}

Test(oa, code_levels_ranks_distinct_values)
{
    const double x[5 * 2] = {2.385, -1, 7.5, -1, 2.385, 0.5, 7.5, -1, 7.5, 0.5};
    int codes[10];
    cr_assert_eq(sg_oa_code_levels(x, 5, 2, codes, NULL), SG_OK);
    const int want[10] = {0, 0, 1, 0, 0, 1, 1, 0, 1, 1};
    for (int i = 0; i < 10; i++)
        cr_expect_eq(codes[i], want[i], "cell %d", i);
    double bad[2] = {1, 0.0 / 0.0};
    sg_error err;
    cr_expect_eq(sg_oa_code_levels(bad, 1, 2, codes, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "run 1, column 2: value is not finite"), "%s", err.msg);
    cr_expect_eq(sg_oa_code_levels(x, 0, 2, codes, &err), SG_ERR_INVALID);
}

/* Orthogonal tables with the right run count that are NOT column subsets of
 * the catalogue array: identification must say so. */
Test(oa, identify_no_false_match)
{
    /* a Latin square of order 5 with an intercalate (rows 1-2, columns 1-2)
     * is not isotopic to the cyclic one, so (row, column, symbol) is an
     * OA(25, 5^3) but no 3 columns of L25(5^6) */
    static const int sq[5][5] = {{0, 1, 2, 3, 4}, {1, 0, 3, 4, 2}, {2, 3, 4, 0, 1}, {3, 4, 1, 2, 0}, {4, 2, 0, 1, 3}};
    int t[25 * 3];
    for (int r = 0; r < 25; r++)
        t[r * 3] = r / 5, t[r * 3 + 1] = r % 5, t[r * 3 + 2] = sq[r / 5][r % 5];
    sg_oa_identity id;
    cr_assert_eq(sg_oa_identify(t, 25, 3, &id, NULL), SG_OK);
    cr_expect(id.balanced && id.orthogonal);
    cr_expect(!id.matched && !id.undetermined);
    /* the cyclic square is found */
    for (int r = 0; r < 25; r++)
        t[r * 3 + 2] = (r / 5 + 2 * (r % 5)) % 5;
    cr_assert_eq(sg_oa_identify(t, 25, 3, &id, NULL), SG_OK);
    cr_expect(id.matched);
    cr_expect_str_eq(id.name, "L25(5^6)");
    /* 27 runs, columns a, b, c, a^2 + b + c (mod 3): strength 2, but the
     * triple (b, c, d) is neither a full factorial nor dependent, which no
     * 4 columns of L27(3^13) show */
    int u[27 * 4];
    for (int r = 0; r < 27; r++) {
        int a = r / 9, b = r / 3 % 3, c = r % 3;
        u[r * 4] = a, u[r * 4 + 1] = b, u[r * 4 + 2] = c, u[r * 4 + 3] = (a * a + b + c) % 3;
    }
    cr_assert_eq(sg_oa_identify(u, 27, 4, &id, NULL), SG_OK);
    cr_expect(id.balanced && id.orthogonal);
    cr_expect(!id.matched && !id.undetermined);
    /* with a + b + c instead it is the brazing layout */
    for (int r = 0; r < 27; r++)
        u[r * 4 + 3] = (u[r * 4] + u[r * 4 + 1] + u[r * 4 + 2]) % 3;
    cr_assert_eq(sg_oa_identify(u, 27, 4, &id, NULL), SG_OK);
    cr_expect(id.matched);
    cr_expect_eq(id.factor_col[3], 8);
}

/* Mixed arrays have no symmetry shortcut: several random column subsets. */
Test(oa, identify_random_subsets_of_mixed_arrays)
{
    static const char *arrays[] = {"L12", "L18", "L36"};
    unsigned long seed = 0x7125u;
    for (size_t t = 0; t < 3; t++) {
        sg_oa_info info;
        int *a = build(find(arrays[t]), &info);
        for (int trial = 0; trial < 8; trial++) {
            int sel[SG_OA_MAX_COLS];
            for (int c = 0; c < info.cols; c++)
                sel[c] = c;
            for (int c = info.cols - 1; c > 0; c--) {
                int j = (int)(lcg(&seed) % (unsigned long)(c + 1)), tmp = sel[c];
                sel[c] = sel[j], sel[j] = tmp;
            }
            int k = 3 + (int)(lcg(&seed) % (unsigned long)(info.cols - 2));
            int *tab = scramble(a, &info, sel, k, &seed);
            sg_oa_identity id;
            cr_assert_eq(sg_oa_identify(tab, info.runs, k, &id, NULL), SG_OK);
            cr_expect(id.matched, "%s trial %d (%d columns): undetermined %d", info.name, trial, k, id.undetermined);
            cr_expect_str_eq(id.name, info.name);
            free(tab);
        }
        free(a);
    }
}

Test(oa, assign_to_a_named_array)
{
    int lev[4] = {3, 3, 3, 3};
    sg_oa_choice ch;
    sg_error err;
    cr_assert_eq(sg_oa_assign(find("L27"), 4, lev, SG_OA_KEEP_IF_FITS, &ch, &err), SG_OK, "%s", err.msg);
    const int want[4] = {0, 1, 4, 8};
    for (int f = 0; f < 4; f++)
        cr_expect_eq(ch.factor_col[f], want[f]);
    cr_expect(ch.interaction_kept);
    cr_assert_eq(sg_oa_assign(find("L9"), 4, lev, SG_OA_KEEP_IF_FITS, &ch, &err), SG_OK);
    cr_expect(!ch.interaction_kept);
    cr_expect_eq(sg_oa_assign(find("L9"), 4, lev, SG_OA_KEEP_REQUIRED, &ch, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "L9(3^4) cannot keep the interaction of factors 1 and 2 free for 4 factors (4 at 3 levels)"),
              "%s", err.msg);
    cr_expect_eq(sg_oa_assign(find("L8"), 4, lev, SG_OA_KEEP_IF_FITS, &ch, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "the factors (4 at 3 levels) do not fit L8(2^7)"), "%s", err.msg);
    int bad[2] = {3, 12};
    cr_expect_eq(sg_oa_assign(find("L27"), 2, bad, SG_OA_KEEP_IF_FITS, &ch, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "factor 2 has 12 levels"), "%s", err.msg);
    cr_expect_eq(sg_oa_assign(99, 2, bad, SG_OA_KEEP_IF_FITS, &ch, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_oa_assign(find("L27"), 0, bad, SG_OA_KEEP_IF_FITS, &ch, &err), SG_ERR_INVALID);
}
