/* test_cli_outputs.c — the output rule end to end: a study cannot make
 * surrogate write over its inputs, over another output, over a file it did
 * not write, or outside the current directory and the study's folder; all
 * of it is found before any long work. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_harness.h"
#include "light_study.h"

TestSuite(cli_outputs, .init = harness_setup, .fini = harness_teardown);

/* The light study with `extra` appended to its [model] section. */
static const char *study_with_model_key(const char *name, const char *report, const char *extra)
{
    static char text[20000];
    light_brazing(name, report);
    slurp(tmp_path(name), text, sizeof text - 512);
    char key[512];
    snprintf(key, sizeof key, "[model]\n%s\n", extra);
    light_replace(text, sizeof text, "[model]\n", key);
    return put(name, text);
}

/* Run cmd on study; expect exit code, a message part, and that file's
 * bytes are as they were. */
static void expect_refused(const char *cmd, const char *study, int code, const char *part,
                           const char *kept)
{
    static char before[1 << 16], after[1 << 16];
    size_t n = slurp(kept, before, sizeof before);
    result *r = run(cmd, study, NULL);
    cr_expect_eq(r->code, code, "%s: %s", cmd, r->err);
    cr_expect(strstr(r->err, part) != NULL, "%s: %s", cmd, r->err);
    cr_expect(strstr(r->out, "== check") == NULL, "%s started work", cmd);
    cr_expect_eq(slurp(kept, after, sizeof after), n, "%s changed %s", cmd, kept);
    cr_expect(memcmp(before, after, n) == 0, "%s changed %s", cmd, kept);
}

Test(cli_outputs, the_report_is_never_the_data_file)
{
    char cwd[512], data[700];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    char csv[1 << 12];
    snprintf(data, sizeof data, "%s/data/brazing_l27.csv", cwd);
    slurp(data, csv, sizeof csv);
    put("data.csv", csv);
    char study[300];
    snprintf(study, sizeof study, "%s", light_brazing_data("s.toml", "data.csv", "data.csv"));
    const char *cmds[] = {"run", "fit", "optimize", "report"};
    for (int i = 0; i < 4; i++)
        expect_refused(cmds[i], study, 1, "is the data file", tmp_path("data.csv"));
}

Test(cli_outputs, the_model_is_never_the_study_nor_the_report)
{
    char study[300];
    snprintf(study, sizeof study, "%s", study_with_model_key("s.toml", "out.xlsx", "file = \"s.toml\""));
    expect_refused("fit", study, 1, "is the study file", study);
    snprintf(study, sizeof study, "%s",
             study_with_model_key("s.toml", "out.xlsx", "file = \"out.xlsx\""));
    result *r = run("run", study, NULL);
    cr_expect_eq(r->code, 1, "%s", r->err);
    cr_expect(strstr(r->err, "are the same file") != NULL, "%s", r->err);
}

Test(cli_outputs, an_unrelated_file_is_never_replaced)
{
    put("notes.txt", "meeting notes\n");
    char study[300];
    snprintf(study, sizeof study, "%s", light_brazing("s.toml", "notes.txt"));
    expect_refused("run", study, 3, "was not written by surrogate", tmp_path("notes.txt"));
}

Test(cli_outputs, outputs_named_by_a_study_stay_in_its_folder)
{
    char study[300];
    snprintf(study, sizeof study, "%s",
             light_brazing("s.toml", "../../../../../../tmp/sg_escaped_report.xlsx"));
    int entries = count_entries();
    result *r = run("run", study, NULL);
    cr_expect_eq(r->code, 1, "%s", r->err);
    cr_expect(strstr(r->err, "outside the current directory and the study's folder") != NULL,
              "%s", r->err);
    cr_expect_eq(access("/tmp/sg_escaped_report.xlsx", F_OK), -1);
    cr_expect_eq(count_entries(), entries);
}

Test(cli_outputs, own_outputs_are_replaced_and_stale_temporaries_removed)
{
    char study[300];
    snprintf(study, sizeof study, "%s", light_brazing("s.toml", "out.xlsx"));
    result *r = run("fit", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    /* a write killed half-way left its temporary file an hour ago */
    const char *stale = put("out.xlsx.tmp.Ab12Cd", "partial");
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= 3600;
    tv[1] = tv[0];
    cr_assert_eq(utimes(stale, tv), 0);
    r = run("run", study, NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
    cr_expect_eq(access(tmp_path("out.xlsx.tmp.Ab12Cd"), F_OK), -1, "stale file kept");
}

Test(cli_outputs, predict_never_writes_over_its_input)
{
    char study[300];
    snprintf(study, sizeof study, "%s", light_brazing("s.toml", "out.xlsx"));
    result *r = run("fit", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    char model[300], in[300];
    snprintf(model, sizeof model, "%s", tmp_path("brazing.model.json"));
    cr_assert_eq(access(model, F_OK), 0, "model file name changed?");
    snprintf(in, sizeof in, "%s", put("pts.csv", "thickness,temperature,hold,cooling\n100,1120,30,5\n"));
    r = run("predict", model, "--in", in, "--out", in, NULL);
    cr_expect_eq(r->code, 1, "%s", r->err);
    cr_expect(strstr(r->err, "is the --in file") != NULL, "%s", r->err);
    r = run("predict", model, "--in", in, "--out", model, NULL);
    cr_expect_eq(r->code, 1, "%s", r->err);
    r = run("predict", model, "--in", in, "--out", tmp_path("pred.csv"), NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
    r = run("predict", model, "--in", in, "--out", tmp_path("pred.csv"), NULL);
    cr_expect_eq(r->code, 0, "rewriting its own predictions: %s", r->err);
}

Test(cli_outputs, an_unrelated_data_file_is_not_echoed)
{
    put("secret.txt", "root:$y$j9T$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ:19000:0:99999:7:::\n"
                      "daemon:*:19000:0:99999:7:::\n");
    char study[300];
    snprintf(study, sizeof study, "%s",
             light_brazing_data("s.toml", "out.xlsx", "secret.txt"));
    result *r = run("check", study, NULL);
    cr_expect_eq(r->code, 1, "%s", r->err);
    cr_expect(strstr(r->err, "root") == NULL && strstr(r->err, "$y$") == NULL, "echoed: %s",
              r->err);
    cr_expect(strstr(r->err, "not a header") != NULL, "%s", r->err);
}
