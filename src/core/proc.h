/* proc.h — run an external program (a simulator) without a shell.
 *
 * sg_proc_run starts argv[0] (looked up in PATH when it has no '/') with
 * the arguments argv[1..] exactly as given: no shell sees them, so a value
 * cannot inject a command.  Its standard output is captured (at most
 * max_out bytes; more is an error), its standard error is kept as a short
 * tail for messages, standard input is /dev/null.  After timeout_s seconds
 * (0 = none) the program and its process group are killed.
 *
 * Ownership: r->out and r->err_tail are malloc'ed (sg_proc_result_free).
 * Thread-safe: several calls may run at once from different threads.
 */
#ifndef SG_PROC_H
#define SG_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define SG_PROC_ERR_TAIL 512 /* bytes of standard error kept */

typedef struct sg_proc_result {
    bool started;      /* false: the program could not be started */
    bool timed_out;    /* killed after the timeout */
    bool exited;       /* ended by exit() (exit_code valid) */
    int exit_code;
    int signal;        /* the signal that ended it (0 = none) */
    char *out;         /* standard output, NUL-terminated (out_len bytes before it) */
    size_t out_len;
    char *err_tail;    /* the last SG_PROC_ERR_TAIL bytes of standard error */
    double seconds;    /* wall time */
} sg_proc_result;

/* Run argv (NULL-terminated) in directory cwd (NULL = the current one) and
 * wait for it.  SG_OK whenever the program
 * ran, whatever its exit status (see r); SG_ERR_IO when it could not be
 * started (r->started false, message naming argv[0]) or its output exceeded
 * max_out; SG_ERR_NOMEM. */
sg_status sg_proc_run(char *const argv[], const char *cwd, double timeout_s, size_t max_out,
                      sg_proc_result *r, sg_error *err);
void sg_proc_result_free(sg_proc_result *r);

/* One line describing how the program ended: "exit status 2",
 * "killed after the 5 s timeout", "killed by signal 9". */
void sg_proc_describe(const sg_proc_result *r, double timeout_s, char *buf, size_t cap);

#endif
