/* test_install.c — `make install` and `make uninstall` into a temporary
 * DESTDIR: the installed binary runs the installed example study (check in
 * place; fit on a copy, as README "Installing" tells users to do), the man
 * pages are found where man looks for them, and uninstall leaves no file.
 * Runs from the project root (make test); SURROGATE_BUILD names the build
 * directory whose binary is installed. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dest[64];

static void setup(void)
{
    strcpy(dest, "/tmp/sg_test_install_XXXXXX");
    cr_assert_not_null(mkdtemp(dest));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dest);
    cr_expect_eq(system(cmd), 0);
}

/* Run a shell command (printf format); return its exit status, output in out. */
static int sh(char *out, size_t cap, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = 0, k;
    char sink[4096];
    char *buf = out ? out : sink;
    size_t c = out ? cap : sizeof sink;
    while ((k = fread(buf + n, 1, c - n - 1, p)) > 0) {
        n += k;
        if (!out)
            n = 0;
    }
    buf[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The make invocation: no jobserver or flags inherited from `make test`. */
#define MAKE "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s"

TestSuite(install, .init = setup, .fini = teardown, .timeout = 300);

Test(install, install_run_uninstall)
{
    const char *build = getenv("SURROGATE_BUILD");
    cr_assert_not_null(build, "SURROGATE_BUILD is not set (run via make test)");
    static char out[1 << 16];
    const char *prefix = "/usr/local";
    char root[256], bin[320], share[320], man[320], work[320];
    snprintf(root, sizeof root, "%s%s", dest, prefix);
    snprintf(bin, sizeof bin, "%s/bin/surrogate", root);
    snprintf(share, sizeof share, "%s/share/surrogate", root);
    snprintf(man, sizeof man, "%s/share/man", root);

    cr_assert_eq(sh(out, sizeof out, MAKE " install BUILD='%s' PREFIX=%s DESTDIR='%s' 2>&1", build,
                    prefix, dest),
                 0, "make install failed:\n%s", out);

    /* Exactly these files, nothing else. */
    const char *want[] = {"bin/surrogate", "share/man/man1/surrogate.1",
                          "share/man/man5/surrogate-study.5", "share/surrogate/studies/brazing.toml",
                          "share/surrogate/data/brazing_l27.csv"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", root, want[i]);
        cr_expect(is_file(p), "not installed: %s", p);
    }
    cr_assert_eq(sh(out, sizeof out, "find '%s' -type f | wc -l", dest), 0);
    cr_expect_eq(atoi(out), 5, "make install wrote %s files", out);
    cr_expect_eq(access(bin, X_OK), 0, "%s is not executable", bin);

    /* The installed binary and its example, in place: check writes nothing. */
    cr_assert_eq(sh(out, sizeof out, "'%s' --version", bin), 0);
    cr_expect(strstr(out, "surrogate "), "%s", out);
    cr_expect_eq(sh(out, sizeof out, "'%s' check -q '%s/studies/brazing.toml' 2>&1", bin, share), 0,
                 "check on the installed example failed:\n%s", out);
    cr_expect(strstr(out, "27 rows used"), "%s", out);
    cr_assert_eq(sh(out, sizeof out, "find '%s' -type f | wc -l", dest), 0);
    cr_expect_eq(atoi(out), 5, "check wrote into the installed tree");

    /* The man pages are where man looks for them. */
    cr_expect_eq(sh(out, sizeof out, "man -M '%s' -w surrogate", man), 0, "man -w surrogate");
    cr_expect(strstr(out, "man1/surrogate.1"), "%s", out);
    cr_expect_eq(sh(out, sizeof out, "man -M '%s' -w 5 surrogate-study", man), 0);
    cr_expect(strstr(out, "man5/surrogate-study.5"), "%s", out);

    /* A user's copy of the example (README "Installing"): fit writes the
     * model, the results and the workbook into the copy's reports/. */
    snprintf(work, sizeof work, "%s/work", dest);
    cr_assert_eq(sh(out, sizeof out, "cp -R '%s' '%s' && mkdir -p '%s/reports' 2>&1", share, work,
                    work),
                 0, "%s", out);
    cr_expect_eq(sh(out, sizeof out, "cd '%s' && '%s' fit -q --no-cv studies/brazing.toml 2>&1", work,
                    bin),
                 0, "fit on the copied example failed:\n%s", out);
    const char *written[] = {"reports/brazing.model.json", "reports/brazing.model.results.json",
                             "reports/brazing.xlsx"};
    for (size_t i = 0; i < 3; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", work, written[i]);
        cr_expect(is_file(p), "fit did not write %s", p);
    }
    cr_assert_eq(sh(out, sizeof out, "rm -rf '%s'", work), 0);

    /* Uninstall: no file left, the example's directories gone. */
    cr_assert_eq(sh(out, sizeof out, MAKE " uninstall BUILD='%s' PREFIX=%s DESTDIR='%s' 2>&1", build,
                    prefix, dest),
                 0, "make uninstall failed:\n%s", out);
    cr_assert_eq(sh(out, sizeof out, "find '%s' -type f", dest), 0);
    cr_expect_str_empty(out, "left after make uninstall:\n%s", out);
    struct stat st;
    cr_expect_neq(stat(share, &st), 0, "%s is still there", share);
}

Test(install, uninstall_keeps_other_files)
{
    const char *build = getenv("SURROGATE_BUILD");
    cr_assert_not_null(build, "SURROGATE_BUILD is not set (run via make test)");
    static char out[1 << 14];
    /* A file of someone else's in the same directories stays. */
    cr_assert_eq(sh(out, sizeof out, MAKE " install BUILD='%s' PREFIX=/opt/x DESTDIR='%s' 2>&1", build,
                    dest),
                 0, "%s", out);
    cr_assert_eq(sh(out, sizeof out, "touch '%s/opt/x/bin/other' '%s/opt/x/share/man/man1/other.1'",
                    dest, dest),
                 0);
    cr_assert_eq(sh(out, sizeof out, MAKE " uninstall BUILD='%s' PREFIX=/opt/x DESTDIR='%s' 2>&1",
                    build, dest),
                 0, "%s", out);
    cr_assert_eq(sh(out, sizeof out, "cd '%s' && find . -type f | sort", dest), 0);
    cr_expect_str_eq(out, "./opt/x/bin/other\n./opt/x/share/man/man1/other.1\n");
}
