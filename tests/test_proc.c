/* test_proc.c — running a program without a shell (core/proc.h): output
 * captured, exit status and signals reported, a timeout kills it, an
 * output limit holds, a missing program is an error, and arguments reach
 * the program verbatim (no shell interprets them). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/proc.h"

Test(proc, output_and_exit_status)
{
    char *argv[] = {"/bin/sh", "-c", "echo 'y = 1.5'; echo oops >&2; exit 3", NULL};
    sg_proc_result r;
    sg_error err;
    cr_assert_eq(sg_proc_run(argv, NULL, 5.0, 1024, &r, &err), SG_OK, "%s", err.msg);
    cr_expect(r.started && r.exited && !r.timed_out);
    cr_expect_eq(r.exit_code, 3);
    cr_expect_str_eq(r.out, "y = 1.5\n");
    cr_expect_eq(r.out_len, 8);
    cr_expect_str_eq(r.err_tail, "oops\n");
    char how[64];
    sg_proc_describe(&r, 5.0, how, sizeof how);
    cr_expect_str_eq(how, "exit status 3");
    sg_proc_result_free(&r);
}

Test(proc, arguments_reach_the_program_verbatim)
{
    /* printf receives '%s|' and a value with shell metacharacters as one
     * argument: nothing is run, nothing is expanded */
    char *argv[] = {"printf", "%s|", "1; touch /tmp/sg_proc_pwned $(id) `id`", NULL};
    unlink("/tmp/sg_proc_pwned");
    sg_proc_result r;
    sg_error err;
    cr_assert_eq(sg_proc_run(argv, NULL, 5.0, 1024, &r, &err), SG_OK, "%s", err.msg);
    cr_expect_str_eq(r.out, "1; touch /tmp/sg_proc_pwned $(id) `id`|");
    cr_expect_neq(access("/tmp/sg_proc_pwned", F_OK), 0);
    sg_proc_result_free(&r);
}

Test(proc, a_timeout_kills_the_program_and_its_children)
{
    char *argv[] = {"/bin/sh", "-c", "sleep 30; echo late", NULL};
    sg_proc_result r;
    sg_error err;
    time_t t0 = time(NULL);
    cr_assert_eq(sg_proc_run(argv, NULL, 0.5, 1024, &r, &err), SG_OK, "%s", err.msg);
    cr_expect_lt(time(NULL) - t0, 10, "the timeout did not stop it");
    cr_expect(r.timed_out && !r.exited);
    cr_expect_str_eq(r.out, "");
    char how[64];
    sg_proc_describe(&r, 0.5, how, sizeof how);
    cr_expect_str_eq(how, "killed after the 0.5 s timeout");
    sg_proc_result_free(&r);
}

Test(proc, too_much_output_and_a_missing_program_are_errors)
{
    char *argv[] = {"/bin/sh", "-c", "yes", NULL};
    sg_proc_result r;
    sg_error err;
    cr_expect_eq(sg_proc_run(argv, NULL, 10.0, 10000, &r, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "printed more than 10000 bytes"), "%s", err.msg);
    sg_proc_result_free(&r);
    char *missing[] = {"./no-such-simulator", "1", NULL};
    cr_expect_eq(sg_proc_run(missing, NULL, 5.0, 1024, &r, &err), SG_ERR_IO);
    cr_expect(!r.started);
    cr_expect(strstr(err.msg, "./no-such-simulator: cannot start the program"), "%s", err.msg);
    sg_proc_result_free(&r);
}
