/* End-to-end: `surrogate batch` — `run` on several studies, each writing its
 * own files, a summary table of all (CSV and .xlsx), a failing study that
 * does not stop the others, and the exit code of the first failure. */
#include <gsl/gsl_errno.h>

#include "cli_harness.h"

static void setup(void)
{
    gsl_set_error_handler_off();
    harness_setup();
}

TestSuite(cli_batch, .init = setup, .fini = harness_teardown);

/* The brazing study as name, its files inside tmpdir; bad: an invalid bound. */
static const char *study(int slot, const char *name, bool bad)
{
    char cwd[256], text[4096], path[300];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    snprintf(path, sizeof path, "%s/studies/brazing.toml", cwd);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char out[8192];
    const char *from[] = {"name = \"brazing\"", "file = \"../data/brazing_l27.csv\"",
                          "file = \"../reports/brazing.xlsx\"", bad ? "min = 50\n" : NULL};
    char to[4][300];
    snprintf(to[0], sizeof to[0], "name = \"%s\"", name);
    snprintf(to[1], sizeof to[1], "file = \"%s/data/brazing_l27.csv\"", cwd);
    snprintf(to[2], sizeof to[2], "file = \"%s.xlsx\"", name);
    snprintf(to[3], sizeof to[3], "min = 500\n");
    snprintf(out, sizeof out, "%s", text);
    for (int i = 0; i < 4 && from[i]; i++) {
        char *at = strstr(out, from[i]);
        cr_assert_not_null(at, "%s", from[i]);
        char tail[8192];
        snprintf(tail, sizeof tail, "%s", at + strlen(from[i]));
        snprintf(at, sizeof out - (size_t)(at - out), "%s%s", to[i], tail);
    }
    char file[64];
    snprintf(file, sizeof file, "%s.toml", name);
    const char *p = tpath(slot, file);
    write_file(p, out);
    return p;
}

Test(cli_batch, runs_every_study_and_writes_one_summary, .timeout = 120)
{
    const char *a = study(0, "first", false), *b = study(1, "second", true),
               *c = study(2, "third", false);
    const char *csv = tpath(3, "all.csv");
    result *r = run("batch", "--out", csv, a, b, c, NULL);
    cr_expect_eq(r->code, 1, "the first failure's code (invalid study): %s", r->err);
    cr_expect(strstr(r->out, "2 of 3 studies finished"), "%s", r->out);
    char text[8192];
    cr_assert_gt(slurp(csv, text, sizeof text), 0);
    cr_expect(strncmp(text, "study file,status,answer\n", 25) == 0, "%s", text);
    cr_expect(strstr(text, "first.toml\",\"ok\",\"Use the best tested run"), "%s", text);
    cr_expect(strstr(text, "second.toml\",\"failed (exit 1)\""), "%s", text);
    /* the answer says why, as the study's own run would: file, line, column */
    cr_expect(strstr(text, "second.toml:") &&
                  strstr(text, ": min (500) must be below max (150) for factor 'thickness'\""),
              "%s", text);
    cr_expect(strstr(text, "third.toml\",\"ok\""), "%s", text);
    struct stat st;
    cr_expect_eq(stat(tpath(4, "all.xlsx"), &st), 0, "the .xlsx summary");
    cr_expect_eq(stat(tpath(4, "first.xlsx"), &st), 0, "each study writes its own workbook");
    cr_expect_eq(stat(tpath(4, "third.model.json"), &st), 0);
    cr_expect_neq(stat(tpath(4, "second.xlsx"), &st), 0, "the invalid study wrote nothing");

    /* again: the summary it wrote is replaced, a file it did not write is not */
    r = run("batch", "--out", csv, a, NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
    write_file(tpath(5, "mine.csv"), "my,own,table\n");
    r = run("batch", "--out", tpath(5, "mine.csv"), a, NULL);
    cr_expect_neq(r->code, 0);
    cr_expect(strstr(r->err, "mine.csv"), "%s", r->err);
}

Test(cli_batch, needs_study_files)
{
    result *r = run("batch", NULL);
    cr_expect_eq(r->code, 2);
    cr_expect(strstr(r->err, "one or more study files"), "%s", r->err);
}
