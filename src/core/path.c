#include "core/path.h"

#include "core/str.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Lexically drop "seg/../" pairs (seg not ".." or ".") and leading "./". */
static void normalize_dotdot(char *p)
{
    bool changed = true;
    while (strncmp(p, "./", 2) == 0)
        memmove(p, p + 2, strlen(p + 2) + 1);
    while (changed) {
        changed = false;
        char *seg = p;
        while (*seg) {
            char *slash = strchr(seg, '/');
            if (!slash)
                break;
            size_t n = (size_t)(slash - seg);
            bool real = n > 0 && !(n == 1 && seg[0] == '.') && !(n == 2 && seg[0] == '.' && seg[1] == '.');
            if (real && strncmp(slash, "/../", 4) == 0) {
                memmove(seg, slash + 4, strlen(slash + 4) + 1);
                changed = true;
                break;
            }
            seg = slash + 1;
        }
    }
}

char *sg_path_join(const char *base_dir, const char *rel)
{
    if (rel[0] == '/' || !base_dir || !base_dir[0] || strcmp(base_dir, ".") == 0)
        return sg_str_dup(rel);
    size_t lb = strlen(base_dir), lr = strlen(rel);
    char *p = malloc(lb + lr + 2);
    if (!p)
        return NULL;
    memcpy(p, base_dir, lb);
    size_t k = lb;
    if (base_dir[lb - 1] != '/')
        p[k++] = '/';
    memcpy(p + k, rel, lr + 1);
    normalize_dotdot(p);
    return p;
}

char *sg_path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return sg_str_dup(".");
    if (slash == path)
        return sg_str_dup("/");
    size_t n = (size_t)(slash - path);
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, path, n);
    p[n] = '\0';
    return p;
}
