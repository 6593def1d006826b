/* End-to-end tests of `surrogate sensitivity` and of the decision summary
 * of `surrogate run` (issue 13): the brazing study's answer, the JSON of
 * both, and a weak-model study that gets no recommendation. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli_harness.h"
#include "light_study.h"

#define BRAZING "studies/brazing.toml"
#define SUMMARY_MAX_LINES 40
#define SUMMARY_ANSWER_BY 15
#define SUMMARY_WIDTH 100

TestSuite(cli_sensitivity, .init = harness_setup, .fini = harness_teardown);

/* Lines of text; the 1-based line of the first one starting with prefix
 * (0 when none); the longest line's length. */
static size_t text_lines(const char *text, const char *prefix, size_t *at, size_t *widest)
{
    size_t n = 0;
    *at = 0;
    *widest = 0;
    for (const char *p = text; *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        n++;
        if (!*at && strncmp(p, prefix, strlen(prefix)) == 0)
            *at = n;
        *widest = len > *widest ? len : *widest;
        if (!eol)
            break;
        p = eol + 1;
    }
    return n;
}

Test(cli_sensitivity, brazing_run_prints_the_decision_first)
{
    result *r = run("run", BRAZING, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    size_t answer, widest, n = text_lines(r->out, "Answer:", &answer, &widest);
    cr_expect_leq(n, SUMMARY_MAX_LINES, "%zu lines:\n%s", n, r->out);
    cr_expect(answer > 0 && answer <= SUMMARY_ANSWER_BY, "answer at line %zu", answer);
    cr_expect_leq(widest, SUMMARY_WIDTH, "a line of %zu characters", widest);
    /* run 19 (470.8 MPa), at the optimum's settings (the model predicts
     * 0.08 MPa above the measurement there) */
    cr_expect(strstr(r->out, "Use the best tested run, run 19 (measured 470.8 MPa): it is also the "
                             "model's optimum") != NULL,
              "%s", r->out);
    /* the interval every command gives covers the window; the quality lines
     * put it first, the tested-settings and between-levels ones beside it */
    cr_expect(strstr(r->out, "95% interval anywhere in the window") != NULL, "%s", r->out);
    char q[256];
    cr_assert(find_line(r->out, "Model quality", "stress_max", q, sizeof q), "%s", r->out);
    cr_expect(strstr(q, "MPa in the window (") && strstr(q, "(tested +- ") && strstr(q, ", between levels +- ") &&
                  strstr(q, ")"),
              "%s", q);
    char line[256];
    cr_assert(find_line(r->out, "Settings", "thickness", line, sizeof line), "%s", r->out);
    cr_expect(strstr(line, "150 um") && strstr(line, "matters"), "%s", line);
    cr_assert(find_line(r->out, "Settings", "temperature", line, sizeof line));
    cr_expect(strstr(line, "1090 C") && strstr(line, "matters"), "%s", line);
    /* hold and cooling: without effect, not pushed to 40 min and 7 C/min */
    cr_assert(find_line(r->out, "Settings", "hold", line, sizeof line));
    cr_expect(strstr(line, "no effect in this window (20 .. 40 min)"), "%s", line);
    cr_expect(strstr(line, "20 min") != NULL, "run 19's hold: %s", line);
    cr_assert(find_line(r->out, "Settings", "cooling", line, sizeof line));
    cr_expect(strstr(line, "no effect in this window (3 .. 7 C/min)"), "%s", line);
    cr_expect(strstr(r->out, "the optimum may lie") != NULL);
    cr_expect(strstr(r->out, "Workbook: ") != NULL);
    cr_expect(strstr(r->out, "==") == NULL, "stage details without --verbose");
}

Test(cli_sensitivity, json_of_run_and_of_sensitivity)
{
    const char *study = light_brazing("light.toml", "out.xlsx");
    char path[300];
    snprintf(path, sizeof path, "%s", study);
    result *r = run("run", "--json", path, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *doc = parse_out(r);
    cJSON *rec = cJSON_GetObjectItem(doc, "recommendation");
    cr_assert_not_null(rec);
    const char *kind = cJSON_GetObjectItem(rec, "kind")->valuestring;
    cr_expect(strcmp(kind, "optimum") == 0 || strcmp(kind, "best_tested_run") == 0 ||
              strcmp(kind, "none") == 0, "%s", kind);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(rec, "settings")), 4);
    cr_expect(cJSON_IsString(cJSON_GetObjectItem(rec, "headline")));
    cr_expect_not_null(cJSON_GetObjectItem(doc, "sensitivity"));
    cJSON_Delete(doc);

    /* the saved model: the same indices again (same seed, same model) */
    r = run("sensitivity", "--json", path, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    doc = parse_out(r);
    cJSON *sens = cJSON_GetObjectItem(doc, "sensitivity");
    cJSON *resp = cJSON_GetObjectItem(sens, "responses");
    cr_assert_eq(cJSON_GetArraySize(resp), 3);
    cJSON *f0 = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(resp, 0), "factors"), 0);
    cr_expect_str_eq(cJSON_GetObjectItem(f0, "factor")->valuestring, "thickness");
    cJSON *tot = cJSON_GetObjectItem(f0, "total");
    double est = cJSON_GetObjectItem(tot, "estimate")->valuedouble;
    cr_expect(est > 0.5 && est <= 1.05, "thickness total index %g", est);
    cr_expect(cJSON_GetObjectItem(tot, "lower")->valuedouble <= est);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(f0, "material")));
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(f0, "main_effect")), 9);
    cr_expect_eq(cJSON_GetObjectItem(sens, "base_sample")->valuedouble, 4096);
    cJSON_Delete(doc);

    r = run("sensitivity", path, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Sensitivity of the model over the factor window") != NULL);
    size_t at, widest;
    text_lines(r->out, "", &at, &widest);
    cr_expect_leq(widest, SUMMARY_WIDTH);
}

Test(cli_sensitivity, without_a_model_says_to_fit_first)
{
    const char *study = light_brazing("light.toml", "out.xlsx");
    result *r = run("sensitivity", study, NULL);
    cr_expect_eq(r->code, 3, "%s", r->err);
    cr_expect(strstr(r->err, "fit one first") != NULL, "%s", r->err);
}

/* 16 runs of pure noise in two factors: the objective's model is weak. */
Test(cli_sensitivity, weak_model_gets_no_recommendation)
{
    char csv[2048];
    size_t used = (size_t)snprintf(csv, sizeof csv, "a,b,y\n");
    unsigned s = 12345u;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            s = s * 1103515245u + 12345u;
            used += (size_t)snprintf(csv + used, sizeof csv - used, "%d,%d,%.2f\n", i, j,
                                     10.0 + (double)((s >> 8) % 1000) / 100.0);
        }
    put("noise.csv", csv);
    const char *study = put(
        "noise.toml", "[study]\nname = \"noise\"\nseed = 5\n[data]\nfile = \"noise.csv\"\n"
                      "[[factor]]\nname = \"a\"\nmin = 0\nmax = 3\n"
                      "[[factor]]\nname = \"b\"\nmin = 0\nmax = 3\n"
                      "[[response]]\nname = \"y\"\nunit = \"N\"\ngoal = \"minimize\"\n"
                      "[report]\nfile = \"noise.xlsx\"\n[optimize]\nstarts = 4\n"
                      "[model]\nhidden = [3]\nensemble = 2\n[train]\nepochs = 150\n");
    char path[300];
    snprintf(path, sizeof path, "%s", study);
    result *r = run("run", path, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strncmp(strchr(r->out, '\n') + 1, "Answer: No recommendation", 25) == 0, "%s",
              r->out);
    cr_expect(strstr(r->out, "best known, not a recommendation") != NULL, "%s", r->out);
    r = run("run", "--json", path, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *doc = parse_out(r);
    cJSON *rec = cJSON_GetObjectItem(doc, "recommendation");
    cr_expect_str_eq(cJSON_GetObjectItem(rec, "kind")->valuestring, "none");
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(rec, "weak_model")));
    cr_expect(cJSON_GetObjectItem(rec, "q2")->valuedouble < 0.5);
    cJSON_Delete(doc);
}
