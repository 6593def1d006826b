/* test_atomic.c — atomic file replacement: writes, replaces, permissions,
 * and failures that must leave the old file and no temporary file. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/sg_atomic_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(atomic, .init = make_dir, .fini = remove_dir);

/* Entries of dir, hidden ones (temporary files) included. */
static int count_entries(void)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, NULL);
    cr_assert_geq(n, 2, "%s", dir);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return n - 2; /* "." and ".." */
}

static const char *in_dir(const char *name)
{
    static char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* Whole content of path (malloc'ed, NUL-terminated); *len receives its size. */
static char *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "cannot open %s", path);
    char *buf = malloc(1 << 16);
    cr_assert_not_null(buf);
    size_t n = fread(buf, 1, (1 << 16) - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    if (len)
        *len = n;
    return buf;
}

static mode_t mode_of(const char *path)
{
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0, "%s", path);
    return sb.st_mode & 07777;
}

Test(atomic, write_creates_then_replaces_byte_for_byte)
{
    /* binary content with NULs and a missing final newline, then a shorter text */
    static const char first[] = {'q', '\0', '7', '\n', (char)0xff, 'z'};
    static const char second[] = "thickness_um,temperature_C\n37.5,1063\n";
    const char *path = in_dir("out.dat");
    sg_error err;
    sg_error_clear(&err);
    cr_assert_eq(sg_atomic_write(path, first, sizeof first, &err), SG_OK, "%s", err.msg);
    size_t n = 0;
    char *got = read_all(path, &n);
    cr_assert_eq(n, sizeof first);
    cr_assert_eq(memcmp(got, first, n), 0);
    free(got);
    cr_expect_eq(mode_of(path), SG_ATOMIC_FILE_MODE);
    cr_assert_eq(sg_atomic_write(path, second, strlen(second), &err), SG_OK, "%s", err.msg);
    got = read_all(path, &n);
    cr_assert_str_eq(got, second);
    free(got);
    /* an empty write gives an empty file */
    cr_assert_eq(sg_atomic_write(path, NULL, 0, &err), SG_OK, "%s", err.msg);
    got = read_all(path, &n);
    cr_expect_eq(n, 0);
    free(got);
    cr_expect_eq(count_entries(), 1, "no temporary file left");
}

Test(atomic, begin_commit_for_writers_that_open_by_name)
{
    const char *path = in_dir("sheet.csv");
    char keep[600];
    snprintf(keep, sizeof keep, "%s", path);
    sg_error err;
    sg_error_clear(&err);
    char *tmp = NULL;
    cr_assert_eq(sg_atomic_begin(keep, 0, &tmp, &err), SG_OK, "%s", err.msg);
    cr_assert_not_null(tmp);
    cr_expect(strncmp(tmp, keep, strlen(keep)) == 0 && strstr(tmp, ".tmp."), "%s", tmp);
    cr_expect_eq(count_entries(), 1, "the empty temporary file exists");
    FILE *fp = fopen(tmp, "w");
    cr_assert_not_null(fp);
    fputs("run,x\n1,0.25\n", fp);
    cr_assert_eq(fclose(fp), 0);
    cr_assert_eq(sg_atomic_commit(tmp, keep, 0, &err), SG_OK, "%s", err.msg);
    char *got = read_all(keep, NULL);
    cr_expect_str_eq(got, "run,x\n1,0.25\n");
    free(got);
    cr_expect_eq(count_entries(), 1);
}

Test(atomic, hidden_name_and_kept_permissions)
{
    const char *p = in_dir("report.xlsx");
    char path[600];
    snprintf(path, sizeof path, "%s", p);
    sg_error err;
    sg_error_clear(&err);
    cr_assert_eq(sg_atomic_write(path, "old", 3, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(chmod(path, 0640), 0);
    char *tmp = NULL;
    cr_assert_eq(sg_atomic_begin(path, SG_ATOMIC_HIDDEN, &tmp, &err), SG_OK, "%s", err.msg);
    char want[700];
    snprintf(want, sizeof want, "%s/.report.xlsx.tmp-", dir);
    cr_expect(strncmp(tmp, want, strlen(want)) == 0, "%s", tmp);
    cr_expect_eq(strlen(tmp), strlen(want) + 6);
    FILE *fp = fopen(tmp, "w");
    cr_assert_not_null(fp);
    fputs("new", fp);
    cr_assert_eq(fclose(fp), 0);
    cr_assert_eq(sg_atomic_commit(tmp, path, SG_ATOMIC_KEEP_MODE, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(mode_of(path), 0640, "the replaced file's permissions are kept");
    char *got = read_all(path, NULL);
    cr_expect_str_eq(got, "new");
    free(got);
    /* without KEEP_MODE the file gets the default permissions */
    cr_assert_eq(sg_atomic_write(path, "x", 1, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(mode_of(path), SG_ATOMIC_FILE_MODE);
    cr_expect_eq(count_entries(), 1);
}

Test(atomic, hidden_name_without_a_directory_part_is_in_the_working_directory)
{
    char cwd[600];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    cr_assert_eq(chdir(dir), 0);
    char *tmp = NULL;
    sg_error err;
    sg_error_clear(&err);
    sg_status st = sg_atomic_begin("plain.xlsx", SG_ATOMIC_HIDDEN, &tmp, &err);
    int ok = st == SG_OK && tmp && strncmp(tmp, "./.plain.xlsx.tmp-", 18) == 0;
    char got[600];
    snprintf(got, sizeof got, "%s", tmp ? tmp : "(null)");
    sg_atomic_abort(tmp);
    cr_assert_eq(chdir(cwd), 0);
    cr_expect(ok, "%s / %s", got, err.msg);
    cr_expect_eq(count_entries(), 0, "abort removed the temporary file");
}

Test(atomic, failures_leave_the_old_file_and_no_temporary)
{
    sg_error err;
    sg_error_clear(&err);
    /* target in a missing directory */
    char path[700];
    snprintf(path, sizeof path, "%s/missing/out.json", dir);
    cr_expect_eq(sg_atomic_write(path, "x", 1, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "missing/out.json: cannot create a temporary file"), "%s", err.msg);
    char *tmp = (char *)"sentinel";
    cr_expect_eq(sg_atomic_begin(path, SG_ATOMIC_HIDDEN, &tmp, &err), SG_ERR_IO);
    cr_expect_null(tmp, "no name on failure");
    cr_expect_eq(errno, ENOENT, "errno keeps the cause");
    cr_expect_eq(count_entries(), 0);

    /* rename onto a directory: the directory and its content stay */
    snprintf(path, sizeof path, "%s/adir", dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    char inner[800];
    snprintf(inner, sizeof inner, "%s/keep.txt", path);
    cr_assert_eq(sg_atomic_write(inner, "kept", 4, &err), SG_OK, "%s", err.msg);
    sg_error_clear(&err);
    cr_expect_eq(sg_atomic_write(path, "x", 1, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "adir: cannot rename the temporary file"), "%s", err.msg);
    cr_expect_eq(count_entries(), 1, "only the directory is left");
    char *got = read_all(inner, NULL);
    cr_expect_str_eq(got, "kept");
    free(got);

    /* a failed commit of a writer's temporary keeps the old file */
    const char *f = in_dir("old.txt");
    char old[600];
    snprintf(old, sizeof old, "%s", f);
    cr_assert_eq(sg_atomic_write(old, "previous", 8, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_atomic_begin(old, 0, &tmp, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(unlink(tmp), 0); /* the writer lost its file */
    cr_expect_eq(sg_atomic_commit(tmp, old, 0, &err), SG_ERR_IO);
    cr_expect(strstr(err.msg, "old.txt: write failed"), "%s", err.msg);
    got = read_all(old, NULL);
    cr_expect_str_eq(got, "previous");
    free(got);
    /* abort discards a finished temporary */
    cr_assert_eq(sg_atomic_begin(old, 0, &tmp, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(count_entries(), 3);
    sg_atomic_abort(tmp);
    sg_atomic_abort(NULL);
    cr_expect_eq(count_entries(), 2, "the directory and old.txt");
}

Test(atomic, invalid_arguments)
{
    sg_error err;
    sg_error_clear(&err);
    char *tmp = NULL;
    cr_expect_eq(sg_atomic_begin("", 0, &tmp, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_atomic_begin(NULL, 0, &tmp, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_atomic_begin(in_dir("a"), 0, NULL, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_atomic_write(in_dir("a"), NULL, 3, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_atomic_write("", "x", 1, NULL), SG_ERR_INVALID);
    cr_expect_eq(sg_atomic_commit(NULL, in_dir("a"), 0, &err), SG_ERR_INVALID);
    cr_expect_eq(count_entries(), 0);
}
