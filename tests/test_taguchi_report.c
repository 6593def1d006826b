/* test_taguchi_report.c — plain-text tables and JSON of an orthogonal-array
 * analysis. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "taguchi_fixture.h"

/* ---- text and JSON --------------------------------------------------------------- */

static char *render(const sg_taguchi_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cr_assert_not_null(fp);
    sg_error err;
    cr_expect_eq(sg_taguchi_write_text(r, fp, &err), SG_OK);
    fclose(fp);
    return buf;
}

Test(taguchi, text_tables, .init = setup)
{
    fixture fx;
    l9_input(&fx, 3);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    char *txt = render(r);
    cr_expect(strstr(txt, "ANOVA (orthogonal design") != NULL);
    cr_expect(strstr(txt, "29.3698") != NULL, "%s", txt); /* SS_A to 6 digits */
    cr_expect(strstr(txt, "4.012") != NULL);              /* F_A to 4 digits */
    cr_expect(strstr(txt, "0.2") != NULL);                /* p_A 0.1995 -> 0.2 (3 digits: 0.2) */
    cr_expect(strstr(txt, "43.46") != NULL);
    cr_expect(strstr(txt, "32.63") != NULL);
    cr_expect(strstr(txt, "predicted stress = 11.4728 MPa") != NULL, "%s", txt);
    cr_expect(strstr(txt, "nan") == NULL && strstr(txt, "inf") == NULL);
    free(txt);
    sg_taguchi_result_destroy(r);

    /* saturated: n/a with the reason listed */
    l9_input(&fx, 4);
    r = analyze_ok(&fx.in, NULL);
    txt = render(r);
    cr_expect(strstr(txt, "n/a [1]: no error degrees of freedom") != NULL, "%s", txt);
    cr_expect(strstr(txt, "nan") == NULL);
    free(txt);
    sg_taguchi_result_destroy(r);
    cr_expect_eq(sg_taguchi_write_text(NULL, stderr, NULL), SG_ERR_INVALID);

    /* a stream that cannot be written reports SG_ERR_IO */
    FILE *ro = fopen("/dev/null", "r");
    cr_assert_not_null(ro);
    sg_error err;
    cr_expect_eq(sg_taguchi_write_text(r = analyze_ok(&fx.in, NULL), ro, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "writing") != NULL);
    fclose(ro);
    sg_taguchi_result_destroy(r);
}

/* The L9 ANOVA rows, formatted by hand from the exact values in test_taguchi.c
 * (SS 6 significant digits, F 4, p 3, percentages 2 decimals). */
Test(taguchi, text_anova_rows_to_the_last_digit, .init = setup)
{
    static const char *const rows[] = {
        "  A         2         29.3698         14.6849       4.012         0.2      43.46      "
        "32.63\n",
        "  B         2         20.4305         10.2152       2.791       0.264      30.23      "
        "19.40\n",
        "  C         2         10.4551         5.22754       1.428       0.412      15.47       "
        "4.64\n",
        "  error     2         7.32058         3.66029                              10.83      "
        "43.33\n",
        "  total     8          67.576\n",
        /* level 1 of A: mean (12.385 + 15.713 + 17.042) / 3, S/N mean -23.4712 dB */
        "  A       1 mm                   3       15.0467      -23.4712\n",
    };
    fixture fx;
    l9_input(&fx, 3);
    fx.values[0][0] = 1.0; /* level value printed as "1 mm" */
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    char *txt = render(r);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        cr_expect(strstr(txt, rows[i]) != NULL, "missing row:\n%s\nin:\n%s", rows[i], txt);
    free(txt);
    sg_taguchi_result_destroy(r);
}

Test(taguchi, text_goal_none_and_non_orthogonal, .init = setup)
{
    fixture fx;
    l9_input(&fx, 3);
    fx.in.goal = SG_TAGUCHI_NONE;
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    char *txt = render(r);
    cr_expect(strstr(txt, "by mean: not available: goal is none and no target") != NULL, "%s", txt);
    cr_expect(strstr(txt, "needs replicates per run") != NULL);
    cr_expect(strstr(txt, "nan") == NULL);
    free(txt);
    cJSON *j = NULL;
    cr_assert_eq(sg_taguchi_to_json(r, &j, NULL), SG_OK);
    cJSON *best = cJSON_GetObjectItem(j, "best");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(best, "predicted")));
    cr_expect(cJSON_IsString(cJSON_GetObjectItem(best, "predicted_reason")));
    cJSON *sn = cJSON_GetObjectItem(j, "sn");
    cr_expect(cJSON_IsNull(cJSON_GetArrayItem(cJSON_GetObjectItem(sn, "per_run"), 0)));
    cr_expect(cJSON_IsString(cJSON_GetObjectItem(sn, "grand_mean_reason")));
    cJSON_Delete(j);
    sg_taguchi_result_destroy(r);

    /* drop run 9: unbalanced, so the design is no longer orthogonal */
    l9_input(&fx, 3);
    fx.in.n_runs = 8;
    r = analyze_ok(&fx.in, NULL);
    txt = render(r);
    cr_expect(strstr(txt, "ANOVA (NON-ORTHOGONAL design") != NULL, "%s", txt);
    cr_expect(strstr(txt, "the design is not orthogonal") != NULL);
    free(txt);
    cr_assert_eq(sg_taguchi_to_json(r, &j, NULL), SG_OK);
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "anova"), "orthogonal")));
    cJSON_Delete(j);
    sg_taguchi_result_destroy(r);
}

Test(taguchi, json_has_every_figure_and_reasons, .init = setup)
{
    fixture fx;
    l9_input(&fx, 4);
    sg_taguchi_result *r = analyze_ok(&fx.in, NULL);
    cJSON *j = NULL;
    cr_assert_eq(sg_taguchi_to_json(r, &j, NULL), SG_OK);
    cr_assert_not_null(j);
    char *s = cJSON_PrintUnformatted(j);
    cr_assert_not_null(s);
    cJSON *back = cJSON_Parse(s);
    cr_assert_not_null(back);
    cJSON *an = cJSON_GetObjectItem(back, "anova");
    cJSON *t0 = cJSON_GetArrayItem(cJSON_GetObjectItem(an, "terms"), 0);
    cr_expect(fabs(cJSON_GetObjectItem(t0, "ss")->valuedouble - 29.369849555555554) < TOL);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(t0, "f")));
    cr_expect_str_eq(cJSON_GetObjectItem(t0, "f_reason")->valuestring,
                     "no error degrees of freedom (every column of the array is used)");
    cJSON *m0 = cJSON_GetArrayItem(cJSON_GetObjectItem(back, "main_effects"), 0);
    cJSON *l2 = cJSON_GetArrayItem(cJSON_GetObjectItem(m0, "levels"), 2);
    cr_expect(fabs(cJSON_GetObjectItem(l2, "mean")->valuedouble - 19.113) < TOL);
    cr_expect(fabs(cJSON_GetObjectItem(l2, "value")->valuedouble - 15.0) < TOL);
    cr_expect_eq(
        cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(back, "sn"), "per_run")), 9);
    cr_expect(fabs(cJSON_GetArrayItem(cJSON_GetObjectItem(back, "y"), 8)->valuedouble - 21.149) <
              TOL);
    cr_expect(strstr(s, "nan") == NULL);
    cJSON *bl =
        cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(back, "best"), "levels"), 1);
    cr_expect_str_eq(cJSON_GetObjectItem(bl, "factor")->valuestring, "B");
    cr_expect(fabs(cJSON_GetObjectItem(bl, "value")->valuedouble - 20.0) < TOL);
    /* deterministic: a second analysis gives byte-identical JSON */
    sg_taguchi_result *r2 = analyze_ok(&fx.in, NULL);
    cJSON *j2 = NULL;
    cr_assert_eq(sg_taguchi_to_json(r2, &j2, NULL), SG_OK);
    char *s2 = cJSON_PrintUnformatted(j2);
    cr_expect_str_eq(s, s2);
    free(s);
    free(s2);
    cJSON_Delete(j);
    cJSON_Delete(j2);
    cJSON_Delete(back);
    sg_taguchi_result_destroy(r);
    sg_taguchi_result_destroy(r2);
    sg_error err;
    cJSON *none = (cJSON *)1;
    cr_expect_eq(sg_taguchi_to_json(NULL, &none, &err), SG_ERR_INVALID);
    cr_expect_null(none);
}
