#include "strutil.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define FNV1A64_PRIME UINT64_C(0x100000001b3)

uint64_t sg_fnv1a64(const void *data, size_t len, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= FNV1A64_PRIME;
    }
    return h;
}

void sg_hash_hex(uint64_t h, char buf[17])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        buf[i] = digits[h & 0xf];
        h >>= 4;
    }
    buf[16] = '\0';
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

size_t sg_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > SG_EDIT_MAX_LEN || lb > SG_EDIT_MAX_LEN)
        return SIZE_MAX;
    /* d[i][j]: distance between a[0..i) and b[0..j). */
    size_t d[SG_EDIT_MAX_LEN + 1][SG_EDIT_MAX_LEN + 1];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    }
    return d[la][lb];
}

const char *sg_suggest(const char *word, const char *const *candidates, size_t n)
{
    size_t limit = strlen(word) / 3;
    if (limit < 1)
        limit = 1;
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t d = sg_edit_distance(word, candidates[i]);
        size_t longer = strlen(word) > strlen(candidates[i]) ? strlen(word) : strlen(candidates[i]);
        if (d >= longer)
            continue; /* nothing in common: not a typo */
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

char *sg_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

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
        return sg_strdup(rel);
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
        return sg_strdup(".");
    if (slash == path)
        return sg_strdup("/");
    size_t n = (size_t)(slash - path);
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, path, n);
    p[n] = '\0';
    return p;
}
