/* End-to-end: `surrogate fit` on a table of a few thousand rows with no
 * [model]/[train] settings (issue 16): the size-aware plan is used and
 * reported, the validation is one hold-out share, and the workbook's
 * scatter charts plot a stated sample instead of every held-out run. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <signal.h>
#include <time.h>

#include "cli_harness.h"

static void setup(void)
{
    gsl_set_error_handler_off();
    harness_setup();
}

TestSuite(cli_scale, .init = setup, .fini = harness_teardown);

/* n rows of 3 factors: y = 2 x1 + sin(3 x2) - x3^2 (exact) */
static const char *write_table(size_t n)
{
    size_t cap = 64 + n * 80;
    char *text = malloc(cap), *p = text;
    cr_assert_not_null(text);
    p += sprintf(p, "x1,x2,x3,y\n");
    for (size_t r = 0; r < n; r++) {
        double a = (double)((r * 37) % n) / (double)n, b = (double)((r * 101) % n) / (double)n,
               c = (double)((r * 223) % n) / (double)n;
        p += sprintf(p, "%.6f,%.6f,%.6f,%.9f\n", a, b, c, 2 * a + sin(3 * b) - c * c);
    }
    const char *path = tpath(1, "big.csv");
    write_file(path, text);
    free(text);
    return path;
}

static const char *write_study(const char *data, const char *extra)
{
    char text[2048];
    snprintf(text, sizeof text,
             "[study]\nname = \"big\"\nseed = 5\n[data]\nfile = \"%s\"\n"
             "[[factor]]\nname = \"x1\"\nmin = 0\nmax = 1\n"
             "[[factor]]\nname = \"x2\"\nmin = 0\nmax = 1\n"
             "[[factor]]\nname = \"x3\"\nmin = 0\nmax = 1\n"
             "[[response]]\nname = \"y\"\ngoal = \"minimize\"\n"
             "[report]\nfile = \"big.xlsx\"\n%s\n",
             data, extra);
    const char *p = tpath(0, "big.toml");
    write_file(p, text);
    return p;
}

Test(cli_scale, a_large_table_gets_the_size_aware_plan, .timeout = 120)
{
    const char *data = write_table(6000);
    /* short epochs keep the test quick; everything else is the plan */
    const char *study = write_study(data, "[train]\nepochs = 8");
    result *r = run("fit", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_out(r);
    cJSON *fit = cJSON_GetObjectItem(j, "fit");
    const char *plan = cJSON_GetObjectItem(cJSON_GetObjectItem(fit, "cv"), "plan")->valuestring;
    cr_expect_str_eq(plan, "holdout:0.2", "5,000 rows or more: one hold-out share");
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(fit, "settings"));
    cr_expect(strstr(text, "\"optimizer\":\"adam\""), "%s", text);
    cr_expect(strstr(text, "\"ensemble\":4"), "%s", text);
    cr_expect(strstr(text, "\"hidden\":[64,64]"), "%s", text);
    cr_expect(strstr(text, "\"batch_size\":64"), "%s", text);
    cr_expect(strstr(text, "\"validation_share\":0.1"), "%s", text);
    cr_expect(strstr(text, "\"epochs\":8"), "the study's own key wins: %s", text);
    free(text);
    cJSON_Delete(j);

    /* 1,200 held-out runs: every one is plotted */
    char *chart = unzip_part(tpath(0, "big.xlsx"), "xl/charts/chart1.xml", NULL);
    cr_expect_null(strstr(chart, "shown)"), "no sampling below 2,000 points");
    free(chart);
}

Test(cli_scale, a_mid_size_table_reports_which_network_size_it_kept, .timeout = 120)
{
    const char *study = write_study(write_table(200), "");
    result *r = run("fit", "--json", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_out(r);
    cJSON *st = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "fit"), "settings");
    cJSON *lp = cJSON_GetObjectItem(cJSON_GetObjectItem(st, "l2_choice"), "large_plan");
    cr_assert(cJSON_IsObject(lp), "200 rows: the large-table settings are tried");
    double large = cJSON_GetArrayItem(cJSON_GetObjectItem(lp, "rmse"), 0)->valuedouble,
           dflt = cJSON_GetArrayItem(cJSON_GetObjectItem(lp, "rmse_default"), 0)->valuedouble;
    bool chosen = cJSON_IsTrue(cJSON_GetObjectItem(lp, "chosen"));
    cr_expect(large > 0 && dflt > 0, "%g %g", large, dflt);
    cr_expect_eq(chosen, large < dflt, "the better of the two: %g against %g", large, dflt);
    size_t width = (size_t)cJSON_GetArrayItem(cJSON_GetObjectItem(st, "hidden"), 0)->valuedouble;
    cr_expect_eq(width, chosen ? 32u : 6u, "the model fitted is the one chosen");
    cr_expect_eq((size_t)cJSON_GetObjectItem(st, "ensemble")->valuedouble, chosen ? 4u : 5u);
    cJSON_Delete(j);

    r = run("fit", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, chosen ? "network size: the settings for large tables"
                                    : "network size: the default network"),
              "%s", r->out);
}

Test(cli_scale, scatter_charts_plot_a_stated_sample_of_many_runs, .timeout = 120)
{
    const char *data = write_table(2600);
    const char *study = write_study(data, "[model]\nhidden = [3]\nensemble = 1\n"
                                          "[train]\nepochs = 3\nvalidation = \"holdout:0.9\"");
    result *r = run("fit", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    /* 2,340 held-out runs: 1 in 2 shown, and the title says so */
    const char *xlsx = tpath(0, "big.xlsx");
    bool found = false;
    for (int i = 1; i < 40 && !found; i++) {
        char part[64];
        snprintf(part, sizeof part, "xl/charts/chart%d.xml", i);
        char *x = unzip_part(xlsx, part, NULL);
        if (strstr(x, "observed vs cross-validated prediction")) {
            found = true;
            cr_expect(strstr(x, "1 run in 2 of 2340 shown"), "%.300s", x);
            /* the series covers the sample's rows only: 1,170 points */
            cr_expect(strstr(x, "$1175") || strstr(x, "<c:ptCount val=\"1170\"/>"),
                      "sample range missing");
        }
        free(x);
    }
    cr_expect(found, "no observed-vs-predicted chart");
}

/* Ctrl-C during a long fit: the process stops, and neither a model file nor
 * a workbook (partial or not) is left where the study names them. */
Test(cli_scale, an_interrupted_fit_leaves_no_model_file, .timeout = 120)
{
    const char *data = write_table(6000);
    const char *study = write_study(data, "[train]\nepochs = 5000\npatience = 5000");
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        /* a shell without job control starts background jobs with SIGINT
         * ignored, and exec keeps that: restore the default (terminate) */
        signal(SIGINT, SIG_DFL);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(getenv("SURROGATE_BIN"), "surrogate", "fit", study, (char *)NULL);
        _exit(127);
    }
    struct timespec wait = {1, 500000000}; /* well inside the training */
    nanosleep(&wait, NULL);
    kill(pid, SIGINT);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_expect(!(WIFEXITED(status) && WEXITSTATUS(status) == 0), "the fit did not stop");
    struct stat st;
    cr_expect_neq(stat(tpath(0, "big.model.json"), &st), 0, "a model file was left");
    cr_expect_neq(stat(tpath(0, "big.xlsx"), &st), 0, "a workbook was left");
}
