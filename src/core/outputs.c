/* outputs.c — the one rule for every file surrogate writes (outputs.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "core/outputs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/atomic.h"

/* A path resolved for comparison: real directory + '/' + base name, and the
 * file's identity when it exists. */
typedef struct resolved {
    char path[PATH_MAX + NAME_MAX + 2];
    char dir[PATH_MAX];
    const char *base;      /* points into path */
    bool dir_ok;           /* the directory exists and was resolved */
    bool exists;
    struct stat st;        /* lstat of the file when exists */
} resolved;

/* Split p into directory (or ".") and base name; false when the base name
 * is empty, "." or ".." (a directory, not a file). */
static bool split_path(const char *p, char *dir, size_t cap, const char **base)
{
    const char *slash = strrchr(p, '/');
    *base = slash ? slash + 1 : p;
    if (!**base || strcmp(*base, ".") == 0 || strcmp(*base, "..") == 0)
        return false;
    size_t n = !slash ? 1 : slash == p ? 1 : (size_t)(slash - p);
    if (n >= cap)
        return false;
    memcpy(dir, !slash ? "." : p, n);
    dir[n] = '\0';
    return true;
}

static bool resolve(const char *p, resolved *r)
{
    memset(r, 0, sizeof *r);
    char dir[PATH_MAX];
    const char *base;
    if (!p || !*p || !split_path(p, dir, sizeof dir, &base))
        return false;
    if (realpath(dir, r->dir)) {
        r->dir_ok = true;
        snprintf(r->path, sizeof r->path, "%s%s%s", r->dir,
                 strcmp(r->dir, "/") == 0 ? "" : "/", base);
    } else {
        snprintf(r->path, sizeof r->path, "%s", p); /* compared by name only */
    }
    r->base = strrchr(r->path, '/') ? strrchr(r->path, '/') + 1 : r->path;
    r->exists = lstat(p, &r->st) == 0;
    return true;
}

static bool same_file(const resolved *a, const resolved *b)
{
    if (strcmp(a->path, b->path) == 0)
        return true;
    return a->exists && b->exists && a->st.st_dev == b->st.st_dev && a->st.st_ino == b->st.st_ino;
}

/* True when dir (a resolved real path) is root or lies below it. */
static bool inside(const char *dir, const char *root)
{
    char real[PATH_MAX];
    if (!root || !realpath(root, real))
        return false;
    size_t n = strlen(real);
    if (strcmp(real, "/") == 0)
        return true;
    return strncmp(dir, real, n) == 0 && (dir[n] == '\0' || dir[n] == '/');
}

static sg_status check_place(const sg_outputs_plan *plan, const sg_output *o, const resolved *r,
                             sg_error *err)
{
    if (!r->dir_ok)
        return sg_error_set(err, SG_ERR_IO,
                            "%s '%s': its directory does not exist (%s)%s", o->role, o->path,
                            strerror(errno),
                            o->from_study ? "; create it, or name another place in the study "
                                            "([report] file; the model and results files go "
                                            "beside the report unless [model] file says "
                                            "otherwise)"
                                          : "");
    if (!o->from_study)
        return SG_OK;
    for (size_t i = 0; i < plan->n_roots; i++)
        if (inside(r->dir, plan->roots[i]))
            return SG_OK;
    return sg_error_set(err, SG_ERR_INVALID,
                        "%s '%s' (named in the study file) lies outside the current directory "
                        "and the study's folder; surrogate writes only there for a study file "
                        "(run it from the project folder, or choose a path inside it)",
                        o->role, o->path);
}

static sg_status check_distinct(const sg_outputs_plan *plan, size_t k, const resolved *r,
                                const resolved *outs, sg_error *err)
{
    const sg_output *o = &plan->outputs[k];
    for (size_t i = 0; i < plan->n_inputs; i++) {
        resolved in;
        if (!resolve(plan->inputs[i].path, &in) || !same_file(r, &in))
            continue;
        return sg_error_set(err, SG_ERR_INVALID,
                            "%s '%s' is the %s ('%s'): surrogate never writes over its inputs; "
                            "choose another output name",
                            o->role, o->path, plan->inputs[i].role, plan->inputs[i].path);
    }
    for (size_t i = 0; i < k; i++)
        if (same_file(r, &outs[i]))
            return sg_error_set(err, SG_ERR_INVALID,
                                "%s '%s' and %s '%s' are the same file: give them different names",
                                plan->outputs[i].role, plan->outputs[i].path, o->role, o->path);
    return SG_OK;
}

static sg_status check_existing(const sg_output *o, const resolved *r, sg_error *err)
{
    if (!r->exists)
        return SG_OK;
    if (!S_ISREG(r->st.st_mode))
        return sg_error_set(err, SG_ERR_IO,
                            "%s '%s' exists and is not a regular file (%s): surrogate replaces "
                            "only files it wrote itself",
                            o->role, o->path,
                            S_ISDIR(r->st.st_mode)   ? "a directory"
                            : S_ISLNK(r->st.st_mode) ? "a symbolic link"
                                                     : "a special file");
    if (o->is_own && o->is_own(o->user, o->path))
        return SG_OK;
    return sg_error_set(err, SG_ERR_IO,
                        "%s '%s' exists and was not written by surrogate as a %s: it is left "
                        "alone; move it away or choose another name",
                        o->role, o->path, o->role);
}

/* Create and remove a temporary file beside the output. */
static sg_status check_writable(const sg_output *o, const resolved *r, sg_error *err)
{
    char *tmp = NULL;
    if (sg_atomic_begin(o->path, SG_ATOMIC_HIDDEN, &tmp, err) != SG_OK)
        return sg_error_set(err, SG_ERR_IO, "%s '%s': cannot create a file in directory '%s': %s",
                            o->role, o->path, r->dir, strerror(errno));
    sg_atomic_abort(tmp);
    return SG_OK;
}

sg_status sg_outputs_check(const sg_outputs_plan *plan, sg_error *err)
{
    if (!plan || (plan->n_outputs && !plan->outputs) || (plan->n_inputs && !plan->inputs))
        return sg_error_set(err, SG_ERR_INVALID, "output check: no plan");
    resolved *outs = calloc(plan->n_outputs ? plan->n_outputs : 1, sizeof *outs);
    if (!outs)
        return sg_error_set(err, SG_ERR_NOMEM, "output check: out of memory");
    sg_status st = SG_OK;
    for (size_t k = 0; k < plan->n_outputs && st == SG_OK; k++) {
        const sg_output *o = &plan->outputs[k];
        if (!resolve(o->path, &outs[k])) {
            st = sg_error_set(err, SG_ERR_IO, "%s '%s' names a directory, not a file", o->role,
                              o->path ? o->path : "");
            break;
        }
        st = check_place(plan, o, &outs[k], err);
        if (st == SG_OK)
            st = check_distinct(plan, k, &outs[k], outs, err);
        if (st == SG_OK)
            st = check_existing(o, &outs[k], err);
        if (st == SG_OK)
            st = check_writable(o, &outs[k], err);
    }
    free(outs);
    return st;
}

/* True when name is prefix followed by exactly six mkstemp characters. */
static bool is_temp_of(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(name, prefix, n) != 0 || strlen(name + n) != 6)
        return false;
    for (const char *p = name + n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            return false;
    return true;
}

size_t sg_outputs_clean_stale(const char *path)
{
    char dir[PATH_MAX], plain[NAME_MAX + 16], hidden[NAME_MAX + 16];
    const char *base;
    if (!path || !split_path(path, dir, sizeof dir, &base) || strlen(base) > NAME_MAX)
        return 0;
    snprintf(plain, sizeof plain, "%s.tmp.", base);
    snprintf(hidden, sizeof hidden, ".%s.tmp-", base);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t removed = 0;
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_temp_of(e->d_name, plain) && !is_temp_of(e->d_name, hidden))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            st.st_uid != geteuid() || now - st.st_mtime < SG_OUTPUTS_STALE_SECONDS)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* Advance past the literal lit at p (after spaces), or return NULL. */
static const char *expect(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    p = skip_space(p, end);
    if ((size_t)(end - p) < n || memcmp(p, lit, n) != 0)
        return NULL;
    return p + n;
}

bool sg_outputs_json_has_format(const char *path, const char *format)
{
    char buf[512];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, buf, sizeof buf) : -1;
    close(fd);
    if (n <= 0)
        return false;
    const char *p = buf, *end = buf + n;
    char want[256];
    if (snprintf(want, sizeof want, "\"%s\"", format) >= (int)sizeof want)
        return false;
    if (!(p = expect(p, end, "{")) || !(p = expect(p, end, "\"format\"")) ||
        !(p = expect(p, end, ":")) || !(p = expect(p, end, want)))
        return false;
    return true;
}
