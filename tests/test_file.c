/* test_file.c — the one whole-file reader: contents, size limit at the
 * boundary, and the refusals (missing file, directory, FIFO). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/sg_file_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(file, .init = make_dir, .fini = remove_dir);

static const char *in_dir(const char *name)
{
    static char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void put(const char *name, const char *text, size_t len)
{
    FILE *fp = fopen(in_dir(name), "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(text, 1, len, fp), len);
    cr_assert_eq(fclose(fp), 0);
}

Test(file, reads_whole_file_with_nul_terminator)
{
    const char text[] = "thickness,stress\n2.385,471.3\n";
    put("t.csv", text, sizeof text - 1);
    char *buf = NULL;
    size_t len = 0;
    sg_error err;
    cr_assert_eq(sg_file_read(in_dir("t.csv"), 1000, &buf, &len, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(len, sizeof text - 1);
    cr_expect_str_eq(buf, text);
    cr_expect_eq(buf[len], '\0');
    free(buf);
}

Test(file, embedded_nul_bytes_are_kept)
{
    put("nul.bin", "ab\0cd", 5);
    char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(sg_file_read(in_dir("nul.bin"), 5, &buf, &len, NULL), SG_OK);
    cr_expect_eq(len, 5);
    cr_expect_eq(memcmp(buf, "ab\0cd", 5), 0);
    free(buf);
}

Test(file, empty_file_is_empty_string)
{
    put("e.toml", "", 0);
    char *buf = NULL;
    size_t len = 7;
    cr_assert_eq(sg_file_read(in_dir("e.toml"), 10, &buf, &len, NULL), SG_OK);
    cr_expect_eq(len, 0);
    cr_expect_str_eq(buf, "");
    free(buf);
}

/* A file of exactly max_bytes is read; one byte more is refused. */
Test(file, size_limit_boundary)
{
    put("n.txt", "0123456789", 10);
    char *buf = NULL;
    size_t len = 0;
    sg_error err;
    cr_assert_eq(sg_file_read(in_dir("n.txt"), 10, &buf, &len, &err), SG_OK);
    cr_expect_eq(len, 10);
    free(buf);
    buf = (char *)1;
    cr_expect_eq(sg_file_read(in_dir("n.txt"), 9, &buf, &len, &err), SG_ERR_LIMIT);
    cr_expect_null(buf);
    char want[700];
    snprintf(want, sizeof want, "%s: file too large (limit 9 bytes)", in_dir("n.txt"));
    cr_expect_str_eq(err.msg, want);
}

Test(file, limit_text_in_mebibytes)
{
    char b[48];
    cr_expect_str_eq(sg_file_limit_text((size_t)4 << 20, b, sizeof b), "4 MiB");
    cr_expect_str_eq(sg_file_limit_text(((size_t)4 << 20) + 1, b, sizeof b), "4194305 bytes");
    cr_expect_str_eq(sg_file_limit_text(1000, b, sizeof b), "1000 bytes");
}

/* sg_file_read(path) fails with status and the message "<path>: <want>". */
static void expect_refused(const char *path, sg_status status, const char *want)
{
    char *buf = (char *)&buf;
    size_t len = 0;
    sg_error err;
    cr_expect_eq(sg_file_read(path, 100, &buf, &len, &err), status, "%s", path);
    char msg[800];
    snprintf(msg, sizeof msg, "%s: %s", path, want);
    cr_expect_str_eq(err.msg, msg);
    cr_expect_null(buf);
}

Test(file, missing_file)
{
    expect_refused(in_dir("none.json"), SG_ERR_IO, "cannot open: No such file or directory");
}

Test(file, directory_is_refused)
{
    expect_refused(dir, SG_ERR_IO, "not a regular file (a directory)");
}

/* A FIFO without a writer would block a plain fopen forever. */
Test(file, fifo_is_refused_without_blocking, .timeout = 10)
{
    cr_assert_eq(mkfifo(in_dir("pipe"), 0600), 0);
    expect_refused(in_dir("pipe"), SG_ERR_IO, "not a regular file (a FIFO)");
}

Test(file, invalid_arguments)
{
    char *buf = NULL;
    size_t len = 0;
    sg_error err;
    cr_expect_eq(sg_file_read(NULL, 10, &buf, &len, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_file_read("", 10, &buf, &len, &err), SG_ERR_INVALID);
    cr_expect_eq(sg_file_read(in_dir("x"), 10, NULL, &len, &err), SG_ERR_INVALID);
}
