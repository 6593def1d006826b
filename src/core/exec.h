/* exec.h — running independent tasks somewhere else: the hook that lets one
 * study use several processes (the MPI build, src/cli/mpi/, doc/cluster.md).
 *
 * The library's parallel loops (the members of an ensemble, the folds of a
 * cross-validation) are maps over independent tasks, each seeded on its
 * own, whose result depends only on the task number.  Without an executor
 * they run on the process's own threads, as always.  With one (sg_exec),
 * the loop describes each task as a function that writes its result as
 * bytes; the executor runs every task exactly once, on whichever process
 * its rule assigns it to, and hands every result back to every caller, so
 * that all processes continue with identical data and the output does not
 * depend on how the work was divided.
 *
 * A task function runs on the calling process's threads and must not use
 * the executor itself (no nesting).  A failed task's status and message are
 * returned by map on every process: the lowest-numbered failure wins, so
 * the error is the same wherever the task ran.
 */
#ifndef SG_CORE_EXEC_H
#define SG_CORE_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* A growable byte buffer (a task's result).  Zero-initialise; free with
 * sg_bytes_free. */
typedef struct sg_bytes {
    unsigned char *data;
    size_t len, cap;
} sg_bytes;

void sg_bytes_free(sg_bytes *b);
/* Append n bytes; false when out of memory. */
bool sg_bytes_put(sg_bytes *b, const void *p, size_t n);
/* Read n bytes at *pos into p and advance; false when fewer remain. */
bool sg_bytes_get(const sg_bytes *b, size_t *pos, void *p, size_t n);

/* Task `task` of a map: write its result into out (empty on entry). */
typedef sg_status (*sg_exec_task_fn)(void *user, size_t task, sg_bytes *out, sg_error *err);

typedef struct sg_exec sg_exec;
struct sg_exec {
    /* Run tasks 0..n_tasks-1 (this process's share with up to n_threads
     * threads) and fill results[0..n_tasks-1] (caller-allocated, zeroed;
     * the caller frees each) with every task's result.  Returns the error
     * of the lowest failed task, if any, on every process, and its number
     * in *failed (n_tasks when none failed). */
    sg_status (*map)(const sg_exec *ex, size_t n_tasks, size_t n_threads, sg_exec_task_fn fn,
                     void *user, sg_bytes *results, size_t *failed, sg_error *err);
    void *ctx;        /* the executor's own state */
    size_t n_workers; /* processes that share the tasks (ranks) */
};

/* Run the listed tasks (tasks[0..n-1], task numbers) on up to n_threads
 * threads of this process: results[k], status[k] and errors[k] receive
 * task tasks[k]'s result, status and message.  The building block of an
 * executor's map. */
void sg_exec_run_local(const size_t *tasks, size_t n, size_t n_threads, sg_exec_task_fn fn,
                       void *user, sg_bytes *results, sg_status *status, sg_error *errors);

#endif
