/* strutil.h — small string and byte helpers shared by the loaders.
 *
 * No allocation except sg_strdup / sg_path_join (caller frees with free()).
 */
#ifndef SG_STRUTIL_H
#define SG_STRUTIL_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a 64-bit offset basis: the starting value for sg_fnv1a64. */
#define SG_FNV1A64_INIT UINT64_C(0xcbf29ce484222325)

/* FNV-1a 64-bit hash of len bytes, continuing from h (start with SG_FNV1A64_INIT). */
uint64_t sg_fnv1a64(const void *data, size_t len, uint64_t h);

/* Write h as 16 lowercase hex digits plus NUL into buf (>= 17 bytes). */
void sg_hash_hex(uint64_t h, char buf[17]);

/* Optimal-string-alignment edit distance (insert, delete, substitute,
 * transpose adjacent) between a and b; strings longer than
 * SG_EDIT_MAX_LEN count as very distant (returns SIZE_MAX). */
#define SG_EDIT_MAX_LEN 64
size_t sg_edit_distance(const char *a, const char *b);

/* The candidate closest to word if it is close enough to be a plausible typo
 * (distance <= max(1, strlen(word)/3) and less than the longer length),
 * else NULL.  Ties go to the earliest candidate.  Returns a pointer into
 * candidates. */
const char *sg_suggest(const char *word, const char *const *candidates, size_t n);

/* malloc'ed copy of s (NULL if s is NULL or allocation fails). */
char *sg_strdup(const char *s);

/* malloc'ed path: `rel` if it is absolute or base_dir is NULL/"" /".",
 * else base_dir + "/" + rel. NULL on allocation failure. */
char *sg_path_join(const char *base_dir, const char *rel);

/* malloc'ed directory part of path ("." when path has no '/'). */
char *sg_path_dirname(const char *path);

#endif
