/* exec.c — byte buffers and the local thread pool of an executor (exec.h). */
#include "core/exec.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

void sg_bytes_free(sg_bytes *b)
{
    if (!b)
        return;
    free(b->data);
    memset(b, 0, sizeof *b);
}

bool sg_bytes_put(sg_bytes *b, const void *p, size_t n)
{
    if (n == 0)
        return true;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d)
            return false;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return true;
}

bool sg_bytes_get(const sg_bytes *b, size_t *pos, void *p, size_t n)
{
    if (*pos > b->len || b->len - *pos < n)
        return false;
    memcpy(p, b->data + *pos, n);
    *pos += n;
    return true;
}

typedef struct local_job {
    const size_t *tasks;
    size_t n, next;
    sg_exec_task_fn fn;
    void *user;
    sg_bytes *results;
    sg_status *status;
    sg_error *errors;
    pthread_mutex_t lock;
} local_job;

static void *local_worker(void *arg)
{
    local_job *job = arg;
    for (;;) {
        pthread_mutex_lock(&job->lock);
        size_t k = job->next++;
        pthread_mutex_unlock(&job->lock);
        if (k >= job->n)
            break;
        sg_error_clear(&job->errors[k]);
        job->status[k] = job->fn(job->user, job->tasks[k], &job->results[k], &job->errors[k]);
    }
    return NULL;
}

void sg_exec_run_local(const size_t *tasks, size_t n, size_t n_threads, sg_exec_task_fn fn,
                       void *user, sg_bytes *results, sg_status *status, sg_error *errors)
{
    local_job job = {.tasks = tasks, .n = n, .fn = fn, .user = user, .results = results,
                     .status = status, .errors = errors};
    if (pthread_mutex_init(&job.lock, NULL) != 0) {

        for (size_t k = 0; k < n; k++) {
            sg_error_clear(&errors[k]);
            status[k] = fn(user, tasks[k], &results[k], &errors[k]);
        }
        return;
    }
    pthread_t th[64];
    size_t started = 0;
    for (; n_threads > 1 && started + 1 < n_threads && started + 1 < n && started < 64; started++)
        if (pthread_create(&th[started], NULL, local_worker, &job) != 0)
            break;
    local_worker(&job);
    for (size_t t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    pthread_mutex_destroy(&job.lock);
}
