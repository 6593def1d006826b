/* cli_harness.h — helpers for end-to-end tests of the `surrogate` binary
 * (path in $SURROGATE_BIN, set by `make test`; tests run from the project
 * root).  Include once per test file; it defines a suite setup/teardown pair
 * that makes and removes a temporary directory. */
#ifndef SG_TEST_CLI_HARNESS_H
#define SG_TEST_CLI_HARNESS_H

#include <cJSON.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct result {
    int code;
    char out[1 << 20];
    char err[16384];
} result;

static char tmpdir[64];

static void harness_setup(void)
{
    strcpy(tmpdir, "/tmp/sg_test_cli_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void harness_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_expect_eq(system(cmd), 0);
}

/* Read path into buf (NUL-terminated, at most size - 1 bytes); returns the length. */
static size_t slurp(const char *path, char *buf, size_t size)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "cannot open %s", path);
    size_t n = fread(buf, 1, size - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return n;
}

/* Run the binary with the NULL-terminated argument list; capture output. */
static result *run(const char *arg0, ...)
{
    static result r;
    const char *bin = getenv("SURROGATE_BIN");
    cr_assert_not_null(bin, "SURROGATE_BIN is not set (run via make test)");
    const char *argv[32];
    int argc = 0;
    argv[argc++] = bin;
    va_list ap;
    va_start(ap, arg0);
    for (const char *a = arg0; a && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    char out_path[128], err_path[128];
    snprintf(out_path, sizeof out_path, "/tmp/.sg_out_%d", (int)getpid());
    snprintf(err_path, sizeof err_path, "/tmp/.sg_err_%d", (int)getpid());
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fo < 0 || fe < 0)
            _exit(127);
        dup2(fo, 1);
        dup2(fe, 2);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "the binary crashed (signal %d)",
              WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    r.code = WEXITSTATUS(status);
    slurp(out_path, r.out, sizeof r.out);
    slurp(err_path, r.err, sizeof r.err);
    unlink(out_path);
    unlink(err_path);
    return &r;
}

/* Path of name inside tmpdir (static buffer; copy if several are needed). */
static inline const char *tmp_path(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

/* tmpdir/name in one of 8 buffers chosen by slot (0..7), so several such
 * paths can be alive at once. */
static inline const char *tpath(int slot, const char *name)
{
    static char path_buf[8][256];
    cr_assert(slot >= 0 && slot < 8, "tpath slot %d", slot);
    snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", tmpdir, name);
    return path_buf[slot];
}

/* Write text to the file at path (any directory). */
static inline void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp, "cannot create %s", path);
    fputs(text, fp);
    fclose(fp);
}

/* Write text to tmpdir/name; returns the path (tmp_path's static buffer). */
static inline const char *put(const char *name, const char *text)
{
    const char *path = tmp_path(name);
    write_file(path, text);
    return path;
}

/* Entries of tmpdir (to prove nothing was written); with hidden false,
 * names starting with '.' (temporary files) are not counted. */
static inline int count_dir_entries(bool hidden)
{
    DIR *d = opendir(tmpdir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += hidden ? strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0
                    : e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Number of entries in tmpdir, hidden ones included. */
static inline int count_entries(void)
{
    return count_dir_entries(true);
}

/* Parse stdout as JSON (caller deletes). */
static inline cJSON *parse_out(const result *r)
{
    cJSON *doc = cJSON_Parse(r->out);
    cr_assert_not_null(doc, "stdout is not JSON: %.300s", r->out);
    return doc;
}

/* The line of text that starts with prefix (after leading spaces), copied
 * into line; false when there is none after `after` (may be NULL). */
static inline bool find_line(const char *text, const char *after, const char *prefix, char *line,
                      size_t size)
{
    const char *p = after ? strstr(text, after) : text;
    if (!p)
        return false;
    size_t n = strlen(prefix);
    while (*p) {
        const char *q = p;
        while (*q == ' ')
            q++;
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (strncmp(q, prefix, n) == 0) {
            snprintf(line, size, "%.*s", (int)len, p);
            return true;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    return false;
}

/* The text of one part of a zip file (an .xlsx's xl/styles.xml), read by
 * `unzip -p`; caller frees.  *status (may be NULL) receives pclose's status:
 * not 0 when the part is missing. */
static inline char *unzip_part(const char *xlsx, const char *part, int *status)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", xlsx, part);
    FILE *f = popen(cmd, "r");
    cr_assert_not_null(f);
    size_t cap = 1 << 22;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    int st = pclose(f);
    if (status)
        *status = st;
    return buf;
}

/* predict's CSV (a static buffer, until the next call) of model at the
 * points of points_csv (a header naming the factors, then one row each). */
static inline const char *predict_points(const char *model, const char *points_csv)
{
    put("pts.csv", points_csv);
    result *r = run("predict", "-q", "-i", tpath(0, "pts.csv"), "-o", tpath(1, "pred.csv"),
                    model, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    static char csv[1 << 17];
    slurp(tpath(0, "pred.csv"), csv, sizeof csv);
    return csv;
}

/* Field col (0-based) of a CSV line as a number (a quoted number too). */
static inline double csv_field(const char *line, int col)
{
    for (int k = 0; k < col && line; k++) {
        line = strchr(line, ',');
        line = line ? line + 1 : NULL;
    }
    return line ? strtod(line[0] == '"' ? line + 1 : line, NULL) : NAN;
}

/* Recalculate the workbook `name` in the test directory with LibreOffice
 * (formulas recomputed on load) and write every sheet as CSV into csv/;
 * skips the test when soffice is absent.  A lock keeps two conversions
 * from running at once. */
static inline void recalculate_to_csv(const char *name)
{
    if (system("command -v soffice >/dev/null 2>&1") != 0)
        cr_skip_test("soffice not found: install libreoffice-calc-nogui (make deps)");
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/p/user' && printf '%%s' '<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
             "<oor:items xmlns:oor=\"http://openoffice.org/2001/registry\" "
             "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
             "<item oor:path=\"/org.openoffice.Office.Calc/Formula/Load\"><prop "
             "oor:name=\"OOXMLRecalcMode\" oor:op=\"fuse\"><value>0</value></prop></item>"
             "</oor:items>' > '%s/p/user/registrymodifications.xcu' && cd '%s' && "
             "flock /tmp/surrogate-soffice.lock timeout 240 "
             "soffice -env:UserInstallation=file://%s/p --headless --norestore --nolockcheck "
             "--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,false,false,"
             "false,false,-1' --outdir '%s/csv' '%s' >/dev/null 2>&1",
             tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, name);
    cr_assert_eq(system(cmd), 0, "soffice failed");
}

#endif
