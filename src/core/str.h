/* str.h — small string helpers: copies, and the did-you-mean suggestion
 * used by every "unknown key" message.
 *
 * sg_str_dup allocates (caller frees with free()); the others do not. */
#ifndef SG_STR_H
#define SG_STR_H

#include <stddef.h>

/* Optimal-string-alignment edit distance (insert, delete, substitute,
 * transpose adjacent) between a and b; strings longer than
 * SG_STR_EDIT_MAX_LEN count as very distant (returns SIZE_MAX). */
#define SG_STR_EDIT_MAX_LEN 64
size_t sg_str_edit_distance(const char *a, const char *b);

/* The candidate closest to word if it is close enough to be a plausible typo
 * (distance <= max(1, strlen(word)/3) and less than the longer length),
 * else NULL.  Ties go to the earliest candidate.  Returns a pointer into
 * candidates. */
const char *sg_str_suggest(const char *word, const char *const *candidates, size_t n);

/* malloc'ed copy of s (NULL if s is NULL or allocation fails). */
char *sg_str_dup(const char *s);

#endif
