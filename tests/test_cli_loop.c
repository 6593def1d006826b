/* End-to-end tests of `surrogate loop`: a toy simulator closes the loop
 * and every completed run lands in the data file; failing, hanging and
 * garbage-printing simulators are logged and excluded; shell
 * metacharacters in the command never reach a shell; a SIGKILL of the loop
 * loses no completed run and leaves a valid table; bad input fails first. */
#include <math.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "cli_harness.h"

TestSuite(cli_loop, .init = harness_setup, .fini = harness_teardown);

/* y = (a - 2.6)^2 + (b - 1.3)^2 + 5 on a 3 x 3 grid of [0, 4]^2. */
static const char *toy(const char *simulate)
{
    static char csv[1024];
    size_t u = (size_t)snprintf(csv, sizeof csv, "run,a,b,y\n");
    for (int i = 0, k = 1; i < 3; i++)
        for (int j = 0; j < 3; j++, k++)
            u += (size_t)snprintf(csv + u, sizeof csv - u, "%d,%d,%d,%.6f\n", k, 2 * i, 2 * j,
                                  (2 * i - 2.6) * (2 * i - 2.6) + (2 * j - 1.3) * (2 * j - 1.3) +
                                      5.0);
    put("data.csv", csv);
    static char text[2048];
    snprintf(text, sizeof text,
             "[study]\nname = \"toy\"\nseed = 3\n[data]\nfile = \"data.csv\"\n"
             "[[factor]]\nname = \"a\"\nmin = 0\nmax = 4\n"
             "[[factor]]\nname = \"b\"\nmin = 0\nmax = 4\n"
             "[[response]]\nname = \"y\"\ngoal = \"minimize\"\n"
             "[report]\nfile = \"toy.xlsx\"\n"
             "[model]\nhidden = [6]\nensemble = 2\n[train]\nepochs = 300\nl2 = 1e-4\n"
             "[simulate]\n%s",
             simulate);
    static char path[512];
    snprintf(path, sizeof path, "%s", put("s.toml", text));
    return path;
}

static void nap(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* An executable script in the test directory. */
static void script(const char *name, const char *body)
{
    const char *p = put(name, body);
    cr_assert_eq(chmod(p, 0755), 0);
}

#define SIM_BODY "awk -v a=\"$1\" -v b=\"$2\" 'BEGIN { printf \"y = %.6f\\n\", " \
                 "(a-2.6)^2 + (b-1.3)^2 + 5 }'\n"
#define SIM_OK "#!/bin/sh\n" SIM_BODY

static size_t rows_of(const char *path)
{
    static char buf[1 << 16];
    slurp(path, buf, sizeof buf);
    size_t n = 0;
    for (const char *p = buf; *p; p++)
        n += *p == '\n';
    return n - 1; /* header */
}

Test(cli_loop, the_loop_appends_every_completed_run_and_approaches_the_optimum)
{
    script("sim.sh", SIM_OK);
    const char *study = toy("command = \"./sim.sh {a} {b}\"\njobs = 2\ntimeout = 20\n");
    static char data[512];
    snprintf(data, sizeof data, "%s", tmp_path("data.csv"));
    result *r = run("loop", study, "--budget", "6", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "6 simulations run, 6 appended"), "%s", r->out);
    cr_expect_eq(rows_of(data), 15);
    /* the best of the 6 runs comes within 0.05 of the true minimum 5 */
    const char *best = strstr(r->out, "best y so far: ");
    cr_assert_not_null(best, "%s", r->out);
    cr_expect_lt(atof(best + strlen("best y so far: ")), 5.05, "%s", r->out);
    /* the table still reads, and the log lists every run */
    r = run("check", study, NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "15 rows used"), "%s", r->out);
    static char log[1 << 15];
    slurp(tmp_path("toy-loop.log"), log, sizeof log);
    size_t obtained = 0;
    for (const char *p = log; (p = strstr(p, "obtained")); p++)
        obtained++;
    cr_expect_eq(obtained, 6, "%s", log);
}

/* The log's "proposed" lines, one per run, into lines (at most cap). */
static size_t proposals(char lines[][512], size_t cap)
{
    static char log[1 << 15];
    slurp(tmp_path("toy-loop.log"), log, sizeof log);
    size_t n = 0;
    for (const char *p = log; n < cap && (p = strstr(p, ": proposed ")); p++) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        snprintf(lines[n++], 512, "%.*s", (int)(len < 511 ? len : 511), p);
    }
    return n;
}

/* `loop` of the toy study with a working simulator, [simulate] settings
 * besides the command and the budget; its result into *out and the
 * logged proposals into lines. */
static size_t loop_proposals(const char *settings, const char *budget, result **out,
                             char lines[][512], size_t cap)
{
    char simulate[256];
    snprintf(simulate, sizeof simulate, "command = \"./sim.sh {a} {b}\"\n%s", settings);
    script("sim.sh", SIM_OK);
    *out = run("loop", toy(simulate), "--budget", budget, NULL);
    cr_assert_eq((*out)->code, 0, "%s", (*out)->err);
    return proposals(lines, cap);
}

/* A confirmation run of an untested optimum waits for the budget's last
 * call: in the middle of a loop it only exploits the model's mean. */
Test(cli_loop, the_confirmation_run_waits_for_the_last_call)
{
    result *r = NULL;
    static char lines[8][512];
    size_t n = loop_proposals("timeout = 20\n", "4", &r, lines, 8);
    cr_assert_eq(n, 4);
    for (size_t i = 0; i + 1 < n; i++)
        cr_expect_null(strstr(lines[i], "confirmation run"), "call %zu: %s", i + 1, lines[i]);
}

/* With a tolerance, the loop confirms the untested optimum before it stops
 * for a small expected improvement. */
Test(cli_loop, the_tolerance_stop_confirms_the_optimum_first)
{
    result *r = NULL;
    static char lines[8][512];
    size_t n = loop_proposals("timeout = 20\ntolerance = 1e6\n", "5", &r, lines, 8);
    cr_assert_geq(n, 1);
    for (size_t i = 0; i < n; i++)
        cr_expect(strstr(lines[i], "confirmation run"), "call %zu: %s", i + 1, lines[i]);
    cr_expect(strstr(r->out, "below the tolerance") || n == 5, "%s", r->out);
}

Test(cli_loop, failing_hanging_and_garbage_simulators_are_logged_and_excluded)
{
    /* fails for a > 2, hangs for b > 3, prints garbage for a < 0.5 */
    script("sim.sh", "#!/bin/sh\n"
                     "if awk -v a=\"$1\" 'BEGIN { exit !(a > 2) }'; then echo broken >&2; exit 2; fi\n"
                     "if awk -v b=\"$2\" 'BEGIN { exit !(b > 3) }'; then sleep 60; fi\n"
                     "if awk -v a=\"$1\" 'BEGIN { exit !(a < 0.5) }'; then echo 'y = ?\?\?'; exit 0; fi\n"
                     "awk -v a=\"$1\" -v b=\"$2\" 'BEGIN { printf \"y = %.6f\\n\", "
                     "(a-2.6)^2 + (b-1.3)^2 + 5 }'\n");
    const char *study = toy("command = \"./sim.sh {a} {b}\"\njobs = 2\ntimeout = 1\n");
    time_t t0 = time(NULL);
    result *r = run("loop", study, "--budget", "6", NULL);
    cr_expect_lt(time(NULL) - t0, 40, "hung simulators were not stopped");
    static char log[1 << 15];
    slurp(tmp_path("toy-loop.log"), log, sizeof log);
    cr_expect(strstr(log, "FAILED"), "%s", log);
    cr_expect(strstr(log, "exit status 2: broken") || strstr(log, "killed after the 1 s timeout") ||
                  strstr(log, "printed no number for y"),
              "%s", log);
    /* failed settings are not proposed twice */
    const char *p = log;
    while ((p = strstr(p, "FAILED "))) {
        char set[128];
        const char *e = strchr(p, ':');
        snprintf(set, sizeof set, "proposed %.*s", (int)(e - p - 7), p + 7);
        const char *first = strstr(log, set);
        cr_expect(first && !strstr(first + 1, set), "%s proposed twice", set);
        p++;
    }
    cr_expect(r->code == 0 || strstr(r->err, "every simulation failed"), "%s", r->err);
    /* each failure is in the data file as a failed run, which check lists
     * with its mark (and a later loop or next never proposes again) */
    size_t failures = 0, marked = 0;
    for (p = log; (p = strstr(p, "FAILED ")); p++)
        failures++;
    static char data[1 << 15];
    slurp(tmp_path("data.csv"), data, sizeof data);
    for (p = data; (p = strstr(p, ",failed\n")); p++)
        marked++;
    cr_expect_gt(failures, 0);
    cr_expect_eq(marked, failures, "%s", data);
    r = run("check", study, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "no result: response column 'y' says 'failed'"), "%s", r->out);
}

Test(cli_loop, metacharacters_never_reach_a_shell)
{
    script("sim.sh", SIM_OK);
    const char *study =
        toy("command = \"./sim.sh {a} {b} ; touch PWNED $(touch PWNED2)\"\ntimeout = 20\n");
    result *r = run("loop", study, "--budget", "2", NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
    cr_expect_neq(access(tmp_path("PWNED"), F_OK), 0);
    cr_expect_neq(access(tmp_path("PWNED2"), F_OK), 0);
    cr_expect_neq(access("PWNED", F_OK), 0);
}

Test(cli_loop, a_killed_loop_loses_no_completed_run)
{
    script("sim.sh", "#!/bin/sh\nsleep 0.4\n" SIM_BODY);
    const char *study = toy("command = \"./sim.sh {a} {b}\"\ntimeout = 20\n");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "(%s loop '%s' --budget 20 >/dev/null 2>&1 & echo $! > '%s/pid')",
             getenv("SURROGATE_BIN"), study, tmpdir);
    cr_assert_eq(system(cmd), 0);
    static char pid_text[32];
    slurp(tmp_path("pid"), pid_text, sizeof pid_text);
    pid_t pid = (pid_t)atol(pid_text);
    cr_assert_gt(pid, 0);
    /* kill it as soon as a run has been appended (sanitized builds are slow) */
    for (int i = 0; i < 1200 && rows_of(tmp_path("data.csv")) <= 9; i++)
        nap(50);
    kill(pid, SIGKILL);
    nap(200);
    size_t n = rows_of(tmp_path("data.csv"));
    cr_expect_gt(n, 9, "no run was appended before the kill");
    cr_expect_lt(n, 29, "the loop was not killed");
    /* every row complete: check reads the table with no exclusion */
    result *r = run("check", study, NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
    char want[64];
    snprintf(want, sizeof want, "%zu rows used, 0 excluded", n);
    cr_expect(strstr(r->out, want), "%s", r->out);
    /* and the loop resumes from there */
    script("sim.sh", SIM_OK);
    r = run("loop", study, "--budget", "1", NULL);
    cr_expect_eq(r->code, 0, "%s", r->err);
    cr_expect_eq(rows_of(tmp_path("data.csv")), n + 1);
}

Test(cli_loop, bad_input_fails_before_any_simulation)
{
    script("sim.sh", SIM_OK);
    const char *study = toy("command = \"./sim.sh {a} {c}\"\n");
    result *r = run("loop", study, "--budget", "2", NULL);
    cr_expect_eq(r->code, 1, "%s", r->err);
    cr_expect(strstr(r->err, "{c} is not a factor"), "%s", r->err);
    cr_expect_eq(rows_of(tmp_path("data.csv")), 9);
    study = toy("command = \"./sim.sh {a} {b}\"\n");
    r = run("loop", study, NULL);
    cr_expect_eq(r->code, 2, "--budget is required: %s", r->err);
    r = run("loop", study, "--budget", "0", NULL);
    cr_expect_eq(r->code, 2, "%s", r->err);
    /* a workbook as the data file: refused before any simulation */
    put("data.csv", "PK\x03\x04 not really a workbook");
    r = run("loop", study, "--budget", "2", NULL);
    cr_expect_eq(r->code, 1, "%s", r->err);
    cr_expect(strstr(r->err, "appends its runs to a CSV data file"), "%s", r->err);
    cr_expect_neq(access(tmp_path("toy-loop.log"), F_OK), 0, "no simulation, no log");
}

/* A run the table records as failed (a response cell "failed", as the
 * loop writes it) is never proposed again by next: its confirmation run
 * at the untested optimum moves away once that optimum has failed. */
Test(cli_loop, next_never_proposes_a_failed_run_again)
{
    script("sim.sh", SIM_OK);
    const char *study = toy("command = \"./sim.sh {a} {b}\"\ntimeout = 20\n");
    result *r = run("next", study, "--runs", "1", "--json", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *doc = parse_out(r);
    cJSON *set = cJSON_GetObjectItem(
        cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "next"), "runs"), 0),
        "settings");
    double a = cJSON_GetObjectItem(set, "a")->valuedouble,
           b = cJSON_GetObjectItem(set, "b")->valuedouble;
    cJSON_Delete(doc);
    static char data[1 << 14];
    slurp(tmp_path("data.csv"), data, sizeof data);
    size_t u = strlen(data);
    snprintf(data + u, sizeof data - u, "10,%.17g,%.17g,failed\n", a, b);
    put("data.csv", data);
    r = run("next", study, "--runs", "1", "--json", NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    doc = parse_out(r);
    set = cJSON_GetObjectItem(
        cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "next"), "runs"), 0),
        "settings");
    double a2 = cJSON_GetObjectItem(set, "a")->valuedouble,
           b2 = cJSON_GetObjectItem(set, "b")->valuedouble;
    cJSON_Delete(doc);
    cr_expect(fabs(a2 - a) > 0.04 || fabs(b2 - b) > 0.04,
              "proposed (%g, %g) again after it failed", a2, b2);
}
