/* test_outputs.c — the output rule (core/outputs.h) on real files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/outputs.h"

static char dir[64];

static void setup(void)
{
    strcpy(dir, "/tmp/sg_test_outputs_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(outputs, .init = setup, .fini = teardown);

/* dir/name in one of 4 buffers. */
static const char *at(int slot, const char *name)
{
    static char buf[4][256];
    snprintf(buf[slot], sizeof buf[slot], "%s/%s", dir, name);
    return buf[slot];
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp, "%s", path);
    fputs(text, fp);
    fclose(fp);
}

static bool always_own(void *user, const char *path)
{
    (void)path;
    return user != NULL;
}

/* Check one output against one input; returns the status, message in err. */
static sg_status check_one(const char *out, const char *in, sg_outputs_own_fn own, void *user,
                           bool from_study, sg_error *err)
{
    sg_input inputs[] = {{"data file", in}};
    sg_output o = {"report", out, from_study, own, user};
    const char *roots[] = {dir};
    sg_outputs_plan plan = {inputs, in ? 1 : 0, &o, 1, roots, 1};
    sg_error_clear(err);
    return sg_outputs_check(&plan, err);
}

Test(outputs, a_new_file_in_an_existing_directory_is_fine)
{
    sg_error err;
    cr_expect_eq(check_one(at(0, "new.xlsx"), at(1, "data.csv"), NULL, NULL, true, &err), SG_OK,
                 "%s", err.msg);
    cr_expect_eq(access(at(0, "new.xlsx"), F_OK), -1, "the check wrote the output");
}

Test(outputs, an_input_is_never_an_output_even_by_another_name)
{
    write_text(at(1, "data.csv"), "a,b\n1,2\n");
    sg_error err;
    cr_expect_eq(check_one(at(0, "data.csv"), at(1, "data.csv"), always_own, dir, true, &err),
                 SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "is the data file") != NULL, "%s", err.msg);
    /* the same file through "sub/../" and through a hard link */
    cr_assert_eq(mkdir(at(2, "sub"), 0755), 0);
    cr_expect_eq(check_one(at(0, "sub/../data.csv"), at(1, "data.csv"), always_own, dir, true,
                           &err),
                 SG_ERR_INVALID, "%s", err.msg);
    cr_assert_eq(link(at(1, "data.csv"), at(3, "alias.csv")), 0);
    cr_expect_eq(check_one(at(3, "alias.csv"), at(1, "data.csv"), always_own, dir, true, &err),
                 SG_ERR_INVALID, "%s", err.msg);
}

Test(outputs, two_outputs_may_not_share_a_file)
{
    sg_output o[] = {{"model file", at(0, "m.json"), true, NULL, NULL},
                     {"report", at(1, "m.json"), true, NULL, NULL}};
    const char *roots[] = {dir};
    sg_outputs_plan plan = {NULL, 0, o, 2, roots, 1};
    sg_error err;
    sg_error_clear(&err);
    cr_expect_eq(sg_outputs_check(&plan, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "are the same file") != NULL, "%s", err.msg);
}

Test(outputs, an_existing_file_is_replaced_only_when_recognised)
{
    write_text(at(0, "notes.txt"), "my notes\n");
    sg_error err;
    cr_expect_eq(check_one(at(0, "notes.txt"), NULL, NULL, NULL, true, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "was not written by surrogate") != NULL, "%s", err.msg);
    cr_expect_eq(check_one(at(0, "notes.txt"), NULL, always_own, NULL, true, &err), SG_ERR_IO);
    cr_expect_eq(check_one(at(0, "notes.txt"), NULL, always_own, dir, true, &err), SG_OK, "%s",
                 err.msg);
}

Test(outputs, directories_links_and_fifos_are_refused)
{
    sg_error err;
    cr_assert_eq(mkdir(at(0, "d.xlsx"), 0755), 0);
    cr_expect_eq(check_one(at(0, "d.xlsx"), NULL, always_own, dir, true, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "a directory") != NULL, "%s", err.msg);
    write_text(at(1, "target.xlsx"), "x");
    cr_assert_eq(symlink(at(1, "target.xlsx"), at(2, "link.xlsx")), 0);
    cr_expect_eq(check_one(at(2, "link.xlsx"), NULL, always_own, dir, true, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "symbolic link") != NULL, "%s", err.msg);
    cr_assert_eq(mkfifo(at(3, "fifo.xlsx"), 0644), 0);
    cr_expect_eq(check_one(at(3, "fifo.xlsx"), NULL, always_own, dir, true, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "special file") != NULL, "%s", err.msg);
    cr_expect_eq(check_one(at(0, "d.xlsx/."), NULL, NULL, NULL, true, &err), SG_ERR_IO);
}

Test(outputs, a_missing_directory_is_named)
{
    sg_error err;
    cr_expect_eq(check_one(at(0, "nope/r.xlsx"), NULL, NULL, NULL, true, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "does not exist") != NULL && strstr(err.msg, "nope") != NULL, "%s",
              err.msg);
}

Test(outputs, study_named_outputs_stay_inside_the_roots)
{
    sg_error err;
    cr_expect_eq(check_one("/tmp/escaped.xlsx", NULL, NULL, NULL, true, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "outside") != NULL, "%s", err.msg);
    char up[300];
    snprintf(up, sizeof up, "%s/../../tmp/escaped.xlsx", dir);
    cr_expect_eq(check_one(up, NULL, NULL, NULL, true, &err), SG_ERR_INVALID, "%s", err.msg);
    /* a symbolic link inside the root that points out of it */
    cr_assert_eq(symlink("/tmp", at(0, "out")), 0);
    cr_expect_eq(check_one(at(1, "out/escaped.xlsx"), NULL, NULL, NULL, true, &err),
                 SG_ERR_INVALID, "%s", err.msg);
    /* the user's own command-line path may go anywhere writable */
    cr_expect_eq(check_one(at(1, "out/sg_outputs_cli_ok.csv"), NULL, NULL, NULL, false, &err),
                 SG_OK, "%s", err.msg);
    /* a sibling whose name starts like the root is not inside it */
    char sib_dir[300], sib[320];
    snprintf(sib_dir, sizeof sib_dir, "%sx", dir);
    snprintf(sib, sizeof sib, "%s/r.xlsx", sib_dir);
    cr_assert_eq(mkdir(sib_dir, 0755), 0);
    cr_expect_eq(check_one(sib, NULL, NULL, NULL, true, &err), SG_ERR_INVALID, "%s", err.msg);
    rmdir(sib_dir);
}

static void age(const char *path, long seconds)
{
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= seconds;
    tv[1] = tv[0];
    cr_assert_eq(utimes(path, tv), 0);
}

Test(outputs, stale_temporary_files_are_removed_and_live_ones_kept)
{
    const char *names[] = {"r.xlsx.tmp.AbC123", ".r.xlsx.tmp-xyZ789", "r.xlsx.tmp.new000",
                           "r.xlsx.tmp.toolong1", "other.tmp.AbC123"};
    for (int i = 0; i < 5; i++) {
        write_text(at(0, names[i]), "partial");
        if (i != 2)
            age(at(0, names[i]), SG_OUTPUTS_STALE_SECONDS + 5);
    }
    cr_expect_eq(sg_outputs_clean_stale(at(1, "r.xlsx")), 2);
    cr_expect_eq(access(at(0, names[0]), F_OK), -1);
    cr_expect_eq(access(at(0, names[1]), F_OK), -1);
    for (int i = 2; i < 5; i++)
        cr_expect_eq(access(at(0, names[i]), F_OK), 0, "%s was removed", names[i]);
}

Test(outputs, json_format_is_recognised_only_as_the_first_member)
{
    write_text(at(0, "m.json"), " {\n  \"format\" : \"surrogate-model\", \"version\": 3}");
    write_text(at(1, "o.json"), "{\"name\": 1, \"format\": \"surrogate-model\"}");
    write_text(at(2, "t.json"), "{\"format\": \"surrogate-models\"}");
    cr_expect(sg_outputs_json_has_format(at(0, "m.json"), "surrogate-model"));
    cr_expect(!sg_outputs_json_has_format(at(1, "o.json"), "surrogate-model"));
    cr_expect(!sg_outputs_json_has_format(at(2, "t.json"), "surrogate-model"));
    cr_expect(!sg_outputs_json_has_format(at(3, "missing.json"), "surrogate-model"));
}
