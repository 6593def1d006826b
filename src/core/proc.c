/* proc.c — run an external program without a shell (proc.h). */
#include "core/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void sg_proc_result_free(sg_proc_result *r)
{
    if (!r)
        return;
    free(r->out);
    free(r->err_tail);
    r->out = r->err_tail = NULL;
}

/* In the child: wire the pipes and exec; reports an exec failure through
 * the status pipe (errno as bytes) and exits 127. */
static void child(char *const argv[], const char *cwd, int out_w, int err_w, int st_w)
{
    setpgid(0, 0); /* its own group: a timeout kills what it started too */
    if (cwd && chdir(cwd) != 0) {
        int e = errno;
        ssize_t w = write(st_w, &e, sizeof e);
        (void)w;
        _exit(127);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        close(devnull);
    }
    dup2(out_w, STDOUT_FILENO);
    dup2(err_w, STDERR_FILENO);
    close(out_w);
    close(err_w);
    execvp(argv[0], argv);
    int e = errno;
    ssize_t w = write(st_w, &e, sizeof e);
    (void)w;
    _exit(127);
}

/* Append n bytes to *buf (size *len, capacity *cap); false when over max. */
static bool append(char **buf, size_t *len, size_t *cap, const char *data, size_t n, size_t max)
{
    if (*len + n > max)
        return false;
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 4096;
        while (c < *len + n + 1)
            c *= 2;
        char *p = realloc(*buf, c);
        if (!p)
            return false;
        *buf = p;
        *cap = c;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    (*buf)[*len] = '\0';
    return true;
}

/* Keep the last SG_PROC_ERR_TAIL bytes of standard error. */
static void tail_append(char *tail, size_t *len, const char *data, size_t n)
{
    if (n >= SG_PROC_ERR_TAIL) {
        memcpy(tail, data + n - SG_PROC_ERR_TAIL, SG_PROC_ERR_TAIL);
        *len = SG_PROC_ERR_TAIL;
        return;
    }
    if (*len + n > SG_PROC_ERR_TAIL) {
        size_t drop = *len + n - SG_PROC_ERR_TAIL;
        memmove(tail, tail + drop, *len - drop);
        *len -= drop;
    }
    memcpy(tail + *len, data, n);
    *len += n;
}

sg_status sg_proc_run(char *const argv[], const char *cwd, double timeout_s, size_t max_out,
                      sg_proc_result *r, sg_error *err)
{
    memset(r, 0, sizeof *r);
    r->err_tail = calloc(SG_PROC_ERR_TAIL + 1, 1);
    if (!r->err_tail)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    int po[2], pe[2], ps[2];
    if (pipe(po) != 0)
        return sg_error_set(err, SG_ERR_IO, "%s: cannot create a pipe: %s", argv[0],
                            strerror(errno));
    if (pipe(pe) != 0) {
        close(po[0]);
        close(po[1]);
        return sg_error_set(err, SG_ERR_IO, "%s: cannot create a pipe: %s", argv[0],
                            strerror(errno));
    }
    if (pipe(ps) != 0) {
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        return sg_error_set(err, SG_ERR_IO, "%s: cannot create a pipe: %s", argv[0],
                            strerror(errno));
    }
    fcntl(ps[1], F_SETFD, FD_CLOEXEC); /* closes on a successful exec */
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0) {
        close(po[0]);
        close(pe[0]);
        close(ps[0]);
        child(argv, cwd, po[1], pe[1], ps[1]);
    }
    close(po[1]);
    close(pe[1]);
    close(ps[1]);
    if (pid < 0) {
        close(po[0]);
        close(pe[0]);
        close(ps[0]);
        return sg_error_set(err, SG_ERR_IO, "%s: cannot start: %s", argv[0], strerror(errno));
    }
    setpgid(pid, pid); /* also here: no race with the child's own call */
    int exec_errno = 0;
    ssize_t got = read(ps[0], &exec_errno, sizeof exec_errno);
    close(ps[0]);
    size_t cap = 0, tail_len = 0;
    bool over = false;
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    char buf[4096];
    while (open_fds > 0) {
        int wait_ms = -1;
        if (timeout_s > 0) {
            double left = timeout_s - (now_s() - t0);
            if (left <= 0) {
                r->timed_out = true;
                break;
            }
            wait_ms = (int)(left * 1000.0) + 1;
        }
        int n = poll(fds, 2, wait_ms);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t k = read(fds[i].fd, buf, sizeof buf);
            if (k <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else if (i == 0) {
                if (!over && !append(&r->out, &r->out_len, &cap, buf, (size_t)k, max_out))
                    over = true;
            } else {
                tail_append(r->err_tail, &tail_len, buf, (size_t)k);
            }
        }
        if (over)
            break;
    }
    if (r->timed_out || over)
        kill(-pid, SIGKILL);
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    r->seconds = now_s() - t0;
    r->err_tail[tail_len] = '\0';
    if (!r->out) {
        r->out = calloc(1, 1);
        if (!r->out)
            return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    }
    if (got == (ssize_t)sizeof exec_errno)
        return sg_error_set(err, SG_ERR_IO, "%s: cannot start the program: %s", argv[0],
                            strerror(exec_errno));
    r->started = true;
    if (WIFEXITED(status)) {
        r->exited = !r->timed_out;
        r->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        r->signal = WTERMSIG(status);
    }
    if (over)
        return sg_error_set(err, SG_ERR_IO, "%s: printed more than %zu bytes", argv[0], max_out);
    return SG_OK;
}

void sg_proc_describe(const sg_proc_result *r, double timeout_s, char *buf, size_t cap)
{
    if (!r->started)
        snprintf(buf, cap, "not started");
    else if (r->timed_out)
        snprintf(buf, cap, "killed after the %g s timeout", timeout_s);
    else if (r->exited)
        snprintf(buf, cap, "exit status %d", r->exit_code);
    else
        snprintf(buf, cap, "killed by signal %d", r->signal);
}
