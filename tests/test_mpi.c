/* End-to-end tests of the MPI build (build/surrogate-mpi, path in
 * $SURROGATE_MPI_BIN; `make test` builds it, `make deps` installs Open
 * MPI): the same model, results and workbook bytes as the plain binary for
 * 1, 2 and 4 ranks, a rank killed mid-work stops the job without output,
 * bad input is reported once, and `batch` divides studies among ranks. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/sg-mpi-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    /* the CI runs as root; Open MPI refuses that unless told */
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 1);
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1); /* byte-identical workbooks */
    /* under the sanitizers (make test-sanitize) Open MPI's own allocations,
     * never freed by design, would be reported as leaks of surrogate-mpi:
     * leak checking stays on for this test binary and every other one */
    const char *asan = getenv("ASAN_OPTIONS");
    char opts[512];
    snprintf(opts, sizeof opts, "%s%sdetect_leaks=0", asan ? asan : "", asan && *asan ? ":" : "");
    setenv("ASAN_OPTIONS", opts, 1);
    /* an ignored SIGCHLD is inherited through exec: mpirun would then lose
     * its ranks' output */
    signal(SIGCHLD, SIG_DFL);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(mpi, .init = setup, .fini = teardown, .timeout = 300);

static const char *bin(const char *var)
{
    const char *b = getenv(var);
    cr_assert_not_null(b, "%s is not set (run via make test)", var);
    return b;
}

/* Run a shell command in dir; stdout and stderr to files; exit status. */
static int sh(const char *fmt, ...)
{
    char cmd[4096], full[4400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "cd '%s' && (%s) </dev/null >out.txt 2>err.txt", dir, cmd);
    int st = system(full);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static char *slurp(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    cr_assert_not_null(b);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = '\0';
    fclose(f);
    return b;
}

/* A file's text for an assertion message (static buffer, never freed). */
static const char *text_of(const char *name)
{
    static char buf[8192];
    char *t = slurp(name);
    snprintf(buf, sizeof buf, "%s", t ? t : "(missing)");
    free(t);
    return buf;
}

static bool exists(const char *name)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

/* The brazing study copied into dir as a project (studies/, data/, reports/). */
static void brazing_project(void)
{
    char cwd[512];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    cr_assert_eq(sh("mkdir -p studies data reports && cp '%s/studies/brazing.toml' studies/ && "
                    "cp '%s/data/brazing_l27.csv' data/",
                    cwd, cwd),
                 0);
}

static void expect_same(const char *a, const char *b)
{
    cr_expect_eq(sh("cmp '%s' '%s'", a, b), 0, "%s and %s differ", a, b);
}

Test(mpi, brazing_run_gives_the_plain_binarys_bytes_on_1_2_and_4_ranks)
{
    brazing_project();
    const char *plain = bin("SURROGATE_BIN"), *mpi = bin("SURROGATE_MPI_BIN");
    cr_assert_eq(sh("'%s' run studies/brazing.toml && mkdir plain && cp reports/* plain/ && "
                    "cp out.txt plain/stdout.txt",
                    plain),
                 0);
    const int ranks[] = {1, 2, 4};
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(sh("rm -f reports/* && mpirun -n %d '%s' run studies/brazing.toml", ranks[i],
                        mpi),
                     0, "-n %d: %s", ranks[i], text_of("err.txt"));
        char *got = slurp("out.txt"), *want = slurp("plain/stdout.txt"); /* before sh() again */
        cr_expect_str_eq(got, want, "-n %d: standard output differs", ranks[i]);
        free(want);
        free(got);
        expect_same("plain/brazing.model.json", "reports/brazing.model.json");
        expect_same("plain/brazing.model.results.json", "reports/brazing.model.results.json");
        expect_same("plain/brazing.xlsx", "reports/brazing.xlsx");
    }
}

/* 5,000 rows: the size-aware plan (four members, one hold-out) */
static void write_large(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/big.csv", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "a,b,c,y\n");
    for (size_t r = 0; r < 5000; r++) {
        double a = (double)((r * 37) % 5000) / 5000, b = (double)((r * 101) % 5000) / 5000,
               c = (double)((r * 223) % 5000) / 5000;
        fprintf(f, "%.6f,%.6f,%.6f,%.9f\n", a, b, c, 2 * a + b * b - c * a);
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/big.toml", dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "[study]\nname = \"big\"\nseed = 3\n[data]\nfile = \"big.csv\"\n"
               "[report]\nfile = \"big.xlsx\"\n"
               "[[factor]]\nname = \"a\"\nmin = 0\nmax = 1\n"
               "[[factor]]\nname = \"b\"\nmin = 0\nmax = 1\n"
               "[[factor]]\nname = \"c\"\nmin = 0\nmax = 1\n"
               "[[response]]\nname = \"y\"\ngoal = \"minimize\"\n"
               "[train]\nepochs = 12\n");
    fclose(f);
}

Test(mpi, a_large_fit_gives_the_plain_binarys_bytes_on_1_2_4_and_6_ranks)
{
    write_large();
    const char *plain = bin("SURROGATE_BIN"), *mpi = bin("SURROGATE_MPI_BIN");
    cr_assert_eq(sh("'%s' fit big.toml && mkdir plain && cp big.model.json big.model.results.json "
                    "big.xlsx plain/",
                    plain),
                 0, "%s", text_of("err.txt"));
    /* 6 ranks: more than the four members of each round; two have no task */
    const int ranks[] = {1, 2, 4, 6};
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(sh("rm -f big.model.json big.model.results.json big.xlsx && "
                        "mpirun -n %d '%s' fit big.toml",
                        ranks[i], mpi),
                     0, "-n %d: %s", ranks[i], text_of("err.txt"));
        expect_same("plain/big.model.json", "big.model.json");
        expect_same("plain/big.model.results.json", "big.model.results.json");
        expect_same("plain/big.xlsx", "big.xlsx");
    }
}

Test(mpi, next_proposes_the_plain_binarys_runs_on_2_and_3_ranks)
{
    brazing_project();
    const char *plain = bin("SURROGATE_BIN"), *mpi = bin("SURROGATE_MPI_BIN");
    cr_assert_eq(sh("'%s' next --runs 3 --out plain.csv studies/brazing.toml", plain), 0, "%s",
                 text_of("err.txt"));
    const int ranks[] = {2, 3};
    for (size_t i = 0; i < 2; i++) {
        cr_assert_eq(sh("rm -f reports/* mpi.csv mpi.xlsx && mpirun -n %d '%s' next --runs 3 "
                        "--out mpi.csv studies/brazing.toml",
                        ranks[i], mpi),
                     0, "-n %d: %s", ranks[i], text_of("err.txt"));
        expect_same("plain.csv", "mpi.csv");
    }
}

Test(mpi, a_rank_killed_mid_work_stops_the_job_without_output)
{
    write_large();
    const char *mpi = bin("SURROGATE_MPI_BIN");
    /* rank 1 dies when it starts its first member */
    int code = sh("SURROGATE_MPI_FAULT=1:1 mpirun -n 2 '%s' fit big.toml", mpi);
    cr_expect_neq(code, 0);
    char *err = slurp("err.txt");
    cr_expect(err && strstr(err, "rank 1"), "the message names the rank: %s", err);
    free(err);
    cr_expect_not(exists("big.model.json"), "a model file was written");
    cr_expect_not(exists("big.xlsx"), "a workbook was written");
}

Test(mpi, bad_input_is_reported_once_by_rank_0)
{
    brazing_project();
    cr_assert_eq(sh("sed -i 's/^min = 50$/min = 500/' studies/brazing.toml"), 0);
    int code = sh("mpirun -n 2 '%s' run studies/brazing.toml", bin("SURROGATE_MPI_BIN"));
    cr_expect_eq(code, 1);
    char *err = slurp("err.txt");
    cr_assert_not_null(err);
    char *first = strstr(err, "error:");
    cr_expect(first && strstr(err, "brazing.toml:"), "%s", err);
    cr_expect(first && !strstr(first + 1, "error:"), "one message, not one per rank: %s", err);
    free(err);
    cr_expect_not(exists("reports/brazing.model.json"));
}

Test(mpi, batch_divides_studies_among_ranks_and_writes_one_summary)
{
    brazing_project();
    cr_assert_eq(sh("sed 's/name = \"brazing\"/name = \"second\"/; "
                    "s|reports/brazing.xlsx|reports/second.xlsx|' studies/brazing.toml > "
                    "studies/second.toml"),
                 0);
    cr_assert_eq(sh("mpirun -n 2 '%s' batch --out summary.csv studies/brazing.toml "
                    "studies/second.toml",
                    bin("SURROGATE_MPI_BIN")),
                 0, "%s", text_of("err.txt"));
    char *csv = slurp("summary.csv");
    cr_assert_not_null(csv);
    cr_expect(strstr(csv, "\"studies/brazing.toml\",\"ok\",\"Use the best tested run"), "%s",
              csv);
    cr_expect(strstr(csv, "\"studies/second.toml\",\"ok\""), "%s", csv);
    free(csv);
    cr_expect(exists("summary.xlsx"));
    cr_expect(exists("reports/brazing.xlsx") && exists("reports/second.xlsx"));
    cr_expect(exists("reports/second.model.json"), "rank 1 wrote the study it ran");
}
