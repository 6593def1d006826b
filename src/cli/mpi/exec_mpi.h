/* exec_mpi.h — the executor of the MPI build (core/exec.h over MPI ranks).
 *
 * Task t of a map runs on rank t mod N (N ranks): a fixed rule, so the
 * same task always lands on the same rank for a given N, and any N (also
 * more ranks than tasks) gives the same results, because each task's
 * result depends only on its number.  Each rank runs its tasks on its own
 * threads, then every rank receives every result (MPI_Allgatherv).  A
 * failed task's status and message travel with the results; the lowest
 * failed task's error is returned on every rank.
 *
 * Only the thread that called MPI_Init calls map (MPI_THREAD_FUNNELED). */
#ifndef SG_MPI_EXEC_MPI_H
#define SG_MPI_EXEC_MPI_H

#include <mpi.h>

#include "core/exec.h"

typedef struct sg_mpi_ctx {
    MPI_Comm comm;
    int rank, size;
    long fault_task;   /* tests: SIGKILL this rank when it starts this task (-1: never) */
} sg_mpi_ctx;

/* An executor over comm (ctx borrowed, must outlive it). */
sg_exec sg_exec_mpi(sg_mpi_ctx *ctx);

/* The task this rank is running now (for the crash handler), -1 when none. */
long sg_exec_mpi_current_task(void);

#endif
