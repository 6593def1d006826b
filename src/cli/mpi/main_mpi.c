/* main_mpi.c — `surrogate-mpi`: the same commands on several MPI ranks
 * (doc/cluster.md).
 *
 * Every rank runs the same command on the same input (so bad input is found
 * everywhere, rank 0 reporting it, before any work is divided); the
 * library's maps over independent tasks (ensemble members, cross-validation
 * folds, studies of `batch`) are divided among the ranks by exec_mpi.c and
 * every rank receives every result, so all ranks hold identical state.
 * Rank 0 alone prints and writes files: the other ranks' standard output
 * and error go to /dev/null, except a crash message (signal, rank, task),
 * which goes to the original standard error of the rank that crashed.
 *
 * SURROGATE_MPI_FAULT=R:T (tests only) makes rank R kill itself with
 * SIGKILL when it starts task T of a map.
 */
#include <cblas.h>
#include <fcntl.h>
#include <gsl/gsl_errno.h>
#include <locale.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/mpi/exec_mpi.h"

static int crash_fd = 2; /* the rank's original standard error */
static int crash_rank = 0;

/* Async-signal-safe: "surrogate-mpi: rank R stopped by signal S while
 * running task T". */
static void put_num(char *buf, size_t *n, long v)
{
    char d[24];
    size_t k = 0;
    if (v < 0) {
        buf[(*n)++] = '-';
        v = -v;
    }
    do {
        d[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && k < sizeof d);
    while (k)
        buf[(*n)++] = d[--k];
}

static void put_str(char *buf, size_t *n, const char *s)
{
    while (*s)
        buf[(*n)++] = *s++;
}

static void on_crash(int sig)
{
    char buf[240];
    size_t n = 0;
    put_str(buf, &n, "surrogate-mpi: rank ");
    put_num(buf, &n, crash_rank);
    long task = sg_exec_mpi_current_task();
    if (sig == SIGTERM) { /* mpirun stops the others when one rank fails */
        put_str(buf, &n, " was stopped because the job is ending");
    } else {
        put_str(buf, &n, " crashed (signal ");
        put_num(buf, &n, sig);
        put_str(buf, &n, ")");
        if (task >= 0) {
            put_str(buf, &n, " while running task ");
            put_num(buf, &n, task);
        }
    }
    put_str(buf, &n, "; no output file was written\n");
    ssize_t w = write(crash_fd, buf, n);
    (void)w;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_crash_handlers(int rank)
{
    crash_rank = rank;
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTERM};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], on_crash);
}

/* Ranks other than 0 print nothing: their output would repeat rank 0's. */
static void silence(void)
{
    int keep = dup(2);
    if (keep >= 0)
        crash_fd = keep;
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
        dup2(null, 1);
        dup2(null, 2);
        close(null);
    }
}

static const char *const offered[] = {"fit",  "run",   "optimize", "sensitivity",
                                      "next", "batch", NULL};

int main(int argc, char **argv)
{
    int provided = 0;
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fputs("surrogate-mpi: error: MPI could not start\n", stderr);
        return SG_EXIT_FAILURE;
    }
    gsl_set_error_handler_off();
    openblas_set_num_threads(1);
    setlocale(LC_ALL, "");
    sg_mpi_ctx ctx = {.comm = MPI_COMM_WORLD, .fault_task = -1};
    MPI_Comm_rank(ctx.comm, &ctx.rank);
    MPI_Comm_size(ctx.comm, &ctx.size);
    install_crash_handlers(ctx.rank);
    if (ctx.rank != 0)
        silence();
    const char *fault = getenv("SURROGATE_MPI_FAULT");
    if (fault) {
        long fr = -1, ft = -1;
        if (sscanf(fault, "%ld:%ld", &fr, &ft) == 2 && fr == ctx.rank)
            ctx.fault_task = ft;
    }
    sg_exec exec = sg_exec_mpi(&ctx);
    sg_cli_runtime rt = {.exec = &exec,
                         .writer = ctx.rank == 0,
                         .program = "surrogate-mpi",
                         .only = offered};
    int code = sg_cli_main(argc, argv, &rt);
    fflush(stdout);
    MPI_Finalize();
    return code;
}
