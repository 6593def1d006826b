/* exec_mpi.c — core/exec.h over MPI ranks (exec_mpi.h). */
#include "cli/mpi/exec_mpi.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The task being run, read by the crash handler of main_mpi.c. */
static volatile sig_atomic_t current_task = -1;

long sg_exec_mpi_current_task(void) { return (long)current_task; }

typedef struct wrap {
    sg_exec_task_fn fn;
    void *user;
    long fault_task;
} wrap;

static sg_status run_one(void *user, size_t task, sg_bytes *out, sg_error *err)
{
    const wrap *w = user;
    current_task = (sig_atomic_t)task;
    if (w->fault_task >= 0 && (size_t)w->fault_task == task)
        raise(SIGKILL); /* SURROGATE_MPI_FAULT: a rank lost in the middle of its work */
    return w->fn(w->user, task, out, err);
}

/* This rank's results as one message: per task (task, status, length,
 * bytes), where the bytes of a failed task are its error message. */
static bool pack(const size_t *tasks, size_t n, const sg_bytes *res, const sg_status *st,
                 const sg_error *errs, sg_bytes *out)
{
    bool ok = true;
    for (size_t k = 0; k < n && ok; k++) {
        uint64_t t = tasks[k], len;
        int32_t s = (int32_t)st[k];
        const void *p = res[k].data;
        if (st[k] != SG_OK) {
            p = errs[k].msg;
            len = strlen(errs[k].msg) + 1;
        } else {
            len = res[k].len;
        }
        ok = sg_bytes_put(out, &t, sizeof t) && sg_bytes_put(out, &s, sizeof s) &&
             sg_bytes_put(out, &len, sizeof len) && sg_bytes_put(out, p, len);
    }
    return ok;
}

static sg_status unpack(const unsigned char *buf, size_t len, size_t n_tasks, int n_ranks,
                        sg_bytes *results, size_t *failed, sg_error *err)
{
    sg_bytes in = {(unsigned char *)buf, len, len};
    size_t pos = 0, low = n_tasks;
    sg_status low_st = SG_OK;
    char low_msg[SG_ERROR_MSG_MAX] = "";
    while (pos < len) {
        uint64_t t, l;
        int32_t s;
        if (!sg_bytes_get(&in, &pos, &t, sizeof t) || !sg_bytes_get(&in, &pos, &s, sizeof s) ||
            !sg_bytes_get(&in, &pos, &l, sizeof l) || t >= n_tasks || l > len - pos)
            return sg_error_set(err, SG_ERR_INTERNAL, "MPI: a rank sent damaged results");
        if (s != SG_OK) {
            if (t < low) {
                low = (size_t)t;
                low_st = (sg_status)s;
                snprintf(low_msg, sizeof low_msg, "%.*s", (int)(l ? l - 1 : 0),
                         (const char *)buf + pos);
            }
        } else if (!sg_bytes_put(&results[t], buf + pos, l)) {
            return sg_error_set(err, SG_ERR_NOMEM, "MPI: out of memory for the results");
        }
        pos += l;
    }
    *failed = low;
    if (low < n_tasks) /* the same task fails on any rank: name where it ran */
        return sg_error_set(err, low_st, "%s (task %zu, on rank %zu)", low_msg, low,
                            low % (size_t)n_ranks);
    return SG_OK;
}

static sg_status mpi_map(const sg_exec *ex, size_t n_tasks, size_t n_threads, sg_exec_task_fn fn,
                         void *user, sg_bytes *results, size_t *failed, sg_error *err)
{
    sg_mpi_ctx *c = ex->ctx;
    size_t r = (size_t)c->rank, nr = (size_t)c->size;
    size_t mine = n_tasks > r ? (n_tasks - r + nr - 1) / nr : 0;
    size_t *tasks = malloc((mine ? mine : 1) * sizeof *tasks);
    sg_bytes *res = calloc(mine ? mine : 1, sizeof *res);
    sg_status *st = calloc(mine ? mine : 1, sizeof *st);
    sg_error *errs = calloc(mine ? mine : 1, sizeof *errs);
    sg_bytes msg = {0};
    int *counts = malloc((size_t)c->size * sizeof *counts);
    int *displs = malloc((size_t)c->size * sizeof *displs);
    if (!counts || !displs)
        MPI_Abort(c->comm, 3); /* cannot take part in the exchange */
    unsigned char *all = NULL;
    sg_status out = SG_OK;
    *failed = n_tasks;
    /* every rank reaches the collectives below, even after a local failure */
    bool ok = tasks && res && st && errs && counts && displs;
    if (ok) {
        for (size_t k = 0; k < mine; k++)
            tasks[k] = r + k * nr;
        wrap w = {fn, user, c->fault_task};
        sg_exec_run_local(tasks, mine, n_threads ? n_threads : 1, run_one, &w, res, st, errs);
        current_task = -1;
        ok = pack(tasks, mine, res, st, errs, &msg) && msg.len <= INT32_MAX;
    }
    int my_len = ok ? (int)msg.len : -1;
    MPI_Allgather(&my_len, 1, MPI_INT, counts, 1, MPI_INT, c->comm);
    long long total = 0;
    for (int k = 0; k < c->size; k++) {
        if (counts[k] < 0)
            ok = false;
        displs[k] = (int)total;
        total += counts[k] > 0 ? counts[k] : 0;
    }
    if (total > INT32_MAX)
        ok = false;
    all = malloc(total > 0 ? (size_t)total : 1);
    int have = all != NULL, everyone = 0;
    MPI_Allreduce(&have, &everyone, 1, MPI_INT, MPI_MIN, c->comm);
    if (!ok || !everyone) {
        out = sg_error_set(err, SG_ERR_NOMEM, "MPI: a rank ran out of memory for the results");
        goto done;
    }
    MPI_Allgatherv(msg.data, my_len, MPI_BYTE, all, counts, displs, MPI_BYTE, c->comm);
    out = unpack(all, (size_t)total, n_tasks, c->size, results, failed, err);
done:
    for (size_t k = 0; k < mine && res; k++)
        sg_bytes_free(&res[k]);
    sg_bytes_free(&msg);
    free(all);
    free(tasks);
    free(res);
    free(st);
    free(errs);
    free(counts);
    free(displs);
    return out;
}

sg_exec sg_exec_mpi(sg_mpi_ctx *ctx)
{
    sg_exec e = {mpi_map, ctx, ctx->size > 0 ? (size_t)ctx->size : 1};
    return e;
}
