/* test_simulate.c — [simulate] (optim/simulate.h): the spec is validated
 * with positions, placeholders become argument words (quotes keep spaces,
 * no shell), the simulator's output is parsed in both forms, and a run is
 * appended to the CSV data file in its header's order with the next run
 * number. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#include "core/file.h"
#include "optim/simulate.h"

#define STUDY                                                                                    \
    "[study]\nname = \"s\"\n[data]\nfile = \"%s\"\n"                                             \
    "[[factor]]\nname = \"a\"\ncolumn = \"a_mm\"\nmin = 0\nmax = 4\n"                            \
    "[[factor]]\nname = \"b\"\nmin = 0\nmax = 4\n"                                               \
    "[[response]]\nname = \"y\"\ncolumn = \"y_MPa\"\n"                                           \
    "[[response]]\nname = \"z\"\n"

static sg_study *load(const char *data, const char *simulate, sg_error *err, sg_status *st)
{
    char text[2048];
    snprintf(text, sizeof text, STUDY "%s", data, simulate);
    sg_study *s = NULL;
    *st = sg_study_load_buffer(text, strlen(text), "t/s.toml", &s, err);
    return s;
}

Test(simulate, spec_errors_name_the_place)
{
    struct {
        const char *text, *msg;
    } bad[] = {
        {"[simulate]\njobs = 2\n", "command"},
        {"[simulate]\ncommand = \"./sim {a} {c}\"\n", "t/s.toml:20:11: command: {c} is not a factor"},
        {"[simulate]\ncommand = \"./sim {a\"\n", "'{' without '}'"},
        {"[simulate]\ncommand = \"./sim\"\njobs = 0\n", "t/s.toml:21:8: jobs must be between 1"},
        {"[simulate]\ncommand = \"./sim\"\ntimeout = -1\n", "timeout must be a number >= 0"},
        {"[simulate]\ncommand = \"./sim\"\nshel = true\n", "unknown key 'shel' in [simulate]"},
        {"", "no [simulate] section"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sg_error err;
        sg_status st;
        sg_study *s = load("d.csv", bad[i].text, &err, &st);
        cr_assert_eq(st, SG_OK, "%s", err.msg);
        sg_simulate_spec *sp = NULL;
        cr_expect_eq(sg_simulate_spec_load(s, &sp, &err), SG_ERR_INVALID, "case %zu", i);
        cr_expect(strstr(err.msg, bad[i].msg), "case %zu: %s", i, err.msg);
        cr_expect_null(sp);
        sg_study_destroy(s);
    }
}

Test(simulate, placeholders_become_words_and_no_shell_sees_them)
{
    sg_error err;
    sg_status st;
    sg_study *s = load("d.csv",
                       "[simulate]\ncommand = \"./sim  --a={a} \\\"x y\\\" {b};rm -rf\"\n"
                       "jobs = 3\ntimeout = 2.5\ntolerance = 0.01\n",
                       &err, &st);
    cr_assert_eq(st, SG_OK, "%s", err.msg);
    sg_simulate_spec *sp = NULL;
    cr_assert_eq(sg_simulate_spec_load(s, &sp, &err), SG_OK, "%s", err.msg);
    cr_expect(sp->jobs == 3 && sp->timeout == 2.5 && sp->tolerance == 0.01 && !sp->shell);
    double x[2] = {1.25, 1e-7};
    char **argv = NULL;
    cr_assert_eq(sg_simulate_argv(sp, s, x, &argv, &err), SG_OK);
    const char *want[] = {"./sim", "--a=1.25", "x y", "1e-07;rm", "-rf", NULL};
    for (size_t i = 0; want[i]; i++)
        cr_expect_str_eq(argv[i], want[i], "word %zu", i);
    cr_expect_null(argv[5]);
    sg_simulate_argv_free(argv);
    sp->shell = true;
    cr_assert_eq(sg_simulate_argv(sp, s, x, &argv, &err), SG_OK);
    cr_expect_str_eq(argv[0], "/bin/sh");
    cr_expect_str_eq(argv[2], "./sim  --a=1.25 \"x y\" 1e-07;rm -rf");
    sg_simulate_argv_free(argv);
    sg_simulate_spec_destroy(sp);
    sg_study_destroy(s);
}

Test(simulate, output_as_pairs_or_csv)
{
    sg_error err;
    sg_status st;
    sg_study *s = load("d.csv", "", &err, &st);
    double y[2];
    cr_assert_eq(sg_simulate_parse_output(s, "converged\ny = 471.25\n z = -3e-2 \n", y, &err),
                 SG_OK, "%s", err.msg);
    cr_expect(y[0] == 471.25 && y[1] == -0.03);
    cr_assert_eq(sg_simulate_parse_output(s, "z,y_MPa,other\n7,8.5,x\n", y, &err), SG_OK, "%s",
                 err.msg);
    cr_expect(y[0] == 8.5 && y[1] == 7.0);
    cr_expect_eq(sg_simulate_parse_output(s, "y = 1\nz = nan\n", y, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "printed no number for z"), "%s", err.msg);
    cr_expect_eq(sg_simulate_parse_output(s, "garbage \x01\x02", y, &err), SG_ERR_INVALID);
    sg_study_destroy(s);
}

Test(simulate, a_run_is_appended_in_the_headers_order)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/sg_simulate_%d.csv", (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert(fd >= 0);
    const char *before = "Brazing runs;;;;\nrun;z;a_mm [mm];note;y_MPa;b\n7;1;2;x;3;4\n12;1;2;;3;4";
    cr_assert_eq(write(fd, before, strlen(before)), (ssize_t)strlen(before));
    close(fd);
    sg_error err;
    sg_status st;
    sg_study *s = load(path, "", &err, &st);
    cr_assert_eq(st, SG_OK, "%s", err.msg);
    double x[2] = {0.5, 3.25}, y[2] = {471.2, 0.1};
    cr_assert_eq(sg_simulate_append_run(s, x, y, &err), SG_OK, "%s", err.msg);
    char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(sg_file_read(path, 1 << 20, &buf, &len, &err), SG_OK);
    char want[512];
    snprintf(want, sizeof want, "%s\n13;0.1;0.5;;471.2;3.25\n", before);
    cr_expect_str_eq(buf, want);
    free(buf);
    unlink(path);
    sg_study_destroy(s);
}
