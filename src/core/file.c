/* file.c — the one whole-file reader (file.h). */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes read per read() call once the fstat size hint is used up. */
#define FILE_READ_CHUNK ((size_t)1 << 16)
#define MIB ((size_t)1 << 20)

const char *sg_file_limit_text(size_t max_bytes, char *buf, size_t size)
{
    if (max_bytes >= MIB && max_bytes % MIB == 0)
        snprintf(buf, size, "%zu MiB", max_bytes / MIB);
    else
        snprintf(buf, size, "%zu bytes", max_bytes);
    return buf;
}

static const char *kind_name(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "a special file";
}

static sg_status too_large(const char *path, size_t max_bytes, sg_error *err)
{
    char lim[48];
    return sg_error_set(err, SG_ERR_LIMIT, "%s: file too large (limit %s)", path,
                        sg_file_limit_text(max_bytes, lim, sizeof lim));
}

sg_status sg_file_read(const char *path, size_t max_bytes, char **buf, size_t *len,
                       sg_error *err)
{
    if (buf)
        *buf = NULL;
    if (len)
        *len = 0;
    if (!path || !*path || !buf || !len)
        return sg_error_set(err, SG_ERR_INVALID, "file read: no path or output");
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return sg_error_set(err, SG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return sg_error_set(err, SG_ERR_IO, "%s: cannot read: %s", path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return sg_error_set(err, SG_ERR_IO, "%s: not a regular file (%s)", path,
                            kind_name(sb.st_mode));
    }
    if (sb.st_size > 0 && (unsigned long long)sb.st_size > max_bytes) {
        close(fd);
        return too_large(path, max_bytes, err);
    }
    /* st_size is a hint: the file may grow or shrink while it is read. */
    size_t cap = (size_t)sb.st_size + 1, n = 0;
    char *data = malloc(cap + 1);
    sg_status st = SG_OK;
    if (!data) {
        close(fd);
        return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", path);
    }
    for (;;) {
        if (n == cap) {
            if (cap > max_bytes) {
                st = too_large(path, max_bytes, err);
                break;
            }
            size_t ncap = cap + (cap < FILE_READ_CHUNK ? FILE_READ_CHUNK : cap);
            if (ncap > max_bytes + 1)
                ncap = max_bytes + 1;
            char *nd = realloc(data, ncap + 1);
            if (!nd) {
                st = sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            data = nd;
            cap = ncap;
        }
        ssize_t got = read(fd, data + n, cap - n);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            st = sg_error_set(err, SG_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    if (st == SG_OK && n > max_bytes)
        st = too_large(path, max_bytes, err);
    if (st != SG_OK) {
        free(data);
        return st;
    }
    data[n] = '\0';
    *buf = data;
    *len = n;
    return SG_OK;
}
