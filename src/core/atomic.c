/* atomic.c — atomic file replacement (temporary file, fsync, rename). */
#include "core/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUFFIX_PLAIN ".tmp.XXXXXX"
#define SUFFIX_HIDDEN ".tmp-XXXXXX"

/* Malloc'ed mkstemp template for path, or NULL when out of memory. */
static char *temp_template(const char *path, unsigned flags)
{
    size_t plen = strlen(path);
    if (!(flags & SG_ATOMIC_HIDDEN)) {
        char *t = malloc(plen + sizeof SUFFIX_PLAIN);
        if (t) {
            memcpy(t, path, plen);
            memcpy(t + plen, SUFFIX_PLAIN, sizeof SUFFIX_PLAIN);
        }
        return t;
    }
    /* "<dir>/.<base>.tmp-XXXXXX"; dir is "." without a slash, "/" at the root */
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dlen = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
    size_t size = dlen + 2 + strlen(base) + sizeof SUFFIX_HIDDEN;
    char *t = malloc(size);
    if (t)
        snprintf(t, size, "%.*s/.%s%s", (int)dlen, !slash ? "." : path, base, SUFFIX_HIDDEN);
    return t;
}

sg_status sg_atomic_begin(const char *path, unsigned flags, char **tmp, sg_error *err)
{
    if (!tmp)
        return sg_error_set(err, SG_ERR_INVALID, "atomic write: no temporary name pointer");
    *tmp = NULL;
    if (!path || !*path)
        return sg_error_set(err, SG_ERR_INVALID, "atomic write: no path");
    char *t = temp_template(path, flags);
    if (!t) {
        int e = errno;
        sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", path);
        errno = e;
        return SG_ERR_NOMEM;
    }
    int fd = mkstemp(t);
    if (fd < 0) {
        int e = errno;
        free(t);
        sg_error_set(err, SG_ERR_IO, "%s: cannot create a temporary file: %s", path, strerror(e));
        errno = e;
        return SG_ERR_IO;
    }
    close(fd);
    *tmp = t;
    return SG_OK;
}

sg_status sg_atomic_commit(char *tmp, const char *path, unsigned flags, sg_error *err)
{
    if (!tmp || !path || !*path) {
        sg_atomic_abort(tmp);
        return sg_error_set(err, SG_ERR_INVALID, "atomic write: no temporary file or path");
    }
    mode_t mode = SG_ATOMIC_FILE_MODE;
    struct stat prev;
    if ((flags & SG_ATOMIC_KEEP_MODE) && stat(path, &prev) == 0)
        mode = prev.st_mode & 07777;
    int fd = open(tmp, O_RDONLY);
    if (fd < 0 || fchmod(fd, mode) != 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        sg_atomic_abort(tmp);
        sg_error_set(err, SG_ERR_IO, "%s: write failed: %s", path, strerror(e));
        errno = e;
        return SG_ERR_IO;
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        int e = errno;
        sg_atomic_abort(tmp);
        sg_error_set(err, SG_ERR_IO, "%s: cannot rename the temporary file: %s", path,
                     strerror(e));
        errno = e;
        return SG_ERR_IO;
    }
    free(tmp);
    return SG_OK;
}

void sg_atomic_abort(char *tmp)
{
    if (!tmp)
        return;
    int e = errno;
    unlink(tmp);
    free(tmp);
    errno = e;
}

sg_status sg_atomic_write(const char *path, const void *data, size_t len, sg_error *err)
{
    if (!data && len > 0)
        return sg_error_set(err, SG_ERR_INVALID, "atomic write: no data");
    char *tmp = NULL;
    sg_status st = sg_atomic_begin(path, 0, &tmp, err);
    if (st != SG_OK)
        return st;
    int fd = open(tmp, O_WRONLY | O_TRUNC);
    const char *p = data;
    size_t left = len;
    while (fd >= 0 && left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        p += n;
        left -= (size_t)n;
    }
    int bad = fd < 0 || left > 0;
    if (fd >= 0 && close(fd) != 0)
        bad = 1;
    if (bad) {
        int e = errno;
        sg_atomic_abort(tmp);
        sg_error_set(err, SG_ERR_IO, "%s: write failed: %s", path, strerror(e));
        errno = e;
        return SG_ERR_IO;
    }
    return sg_atomic_commit(tmp, path, 0, err);
}
