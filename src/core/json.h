/* json.h — building and reading JSON documents (on cJSON), one way for every
 * module: the model and results files, and every --json result.
 *
 * Non-finite numbers, one rule:
 *   - sg_json_number (results printed for people and programs: --json) writes
 *     NaN and ±infinity as null.  JSON has no such numbers, and null is what
 *     cJSON itself prints for them, what the --json documents have always
 *     held (decide's "objective": null) and what any JSON reader accepts;
 *     where the reason matters the encoder adds a sibling "<key>_reason".
 *   - sg_json_exact (saved files that must reproduce every bit on reading:
 *     model, results) writes finite values with 17 significant digits, and
 *     NaN / +inf / -inf as the strings "nan" / "inf" / "-inf": null would
 *     lose which one it was (a loss history holds "nan" for epochs without a
 *     validation loss).  sg_json_get_exact reads both forms back.
 *
 * Building: an sg_json_builder records the first allocation failure; every
 * add function takes the parent (object: added under key; array: appended,
 * key ignored) and is a no-op when the parent is NULL, so an encoder is a
 * flat list of calls and checks once, in sg_json_build_end, which deletes
 * the tree and returns SG_ERR_NOMEM when anything failed: a half-built tree
 * is never returned or printed.
 *
 * Reading: an sg_json_reader carries the source name and the first error;
 * sg_json_at values carry the key path from the root ("networks[0].
 * members[2].params"), so every message reads
 *   "model.json: networks[0].members[2].params: expected an array of numbers".
 * Ownership: trees are cJSON's (cJSON_Delete); strings returned by the
 * getters point into the tree. */
#ifndef SG_JSON_H
#define SG_JSON_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* ---- building ---------------------------------------------------------- */

typedef struct sg_json_builder {
    bool failed; /* an allocation failed (or a parent was NULL) */
} sg_json_builder;

/* A new object root (NULL and b->failed when out of memory). */
cJSON *sg_json_build_begin(sg_json_builder *b);
/* Finish the tree built from root: SG_OK and *out = root, or (after any
 * failure) delete root, *out = NULL and SG_ERR_NOMEM naming what. */
sg_status sg_json_build_end(sg_json_builder *b, cJSON *root, const char *what, cJSON **out,
                            sg_error *err);

/* Add item (adopted; deleted on failure) to parent; a NULL item fails. */
void sg_json_add(sg_json_builder *b, cJSON *parent, const char *key, cJSON *item);
/* Add a new empty object / array and return it (NULL on failure). */
cJSON *sg_json_object(sg_json_builder *b, cJSON *parent, const char *key);
cJSON *sg_json_array(sg_json_builder *b, cJSON *parent, const char *key);
/* v, or null when v is not finite (the rule above). */
void sg_json_number(sg_json_builder *b, cJSON *parent, const char *key, double v);
/* An integer count or index. */
void sg_json_count(sg_json_builder *b, cJSON *parent, const char *key, size_t v);
/* s, or null when s is NULL. */
void sg_json_string(sg_json_builder *b, cJSON *parent, const char *key, const char *s);
void sg_json_bool(sg_json_builder *b, cJSON *parent, const char *key, bool v);
void sg_json_null(sg_json_builder *b, cJSON *parent, const char *key);
/* v as sg_json_number when why is NULL; else null and a sibling
 * "<key>_reason": why (a figure that could not be computed). */
void sg_json_number_or_reason(sg_json_builder *b, cJSON *parent, const char *key, double v,
                              const char *why);
/* An array of n numbers (sg_json_number rule). */
void sg_json_numbers(sg_json_builder *b, cJSON *parent, const char *key, const double *v,
                     size_t n);
/* v with 17 significant digits; non-finite as "nan" / "inf" / "-inf". */
void sg_json_exact(sg_json_builder *b, cJSON *parent, const char *key, double v);
/* An array of n exact numbers. */
void sg_json_exacts(sg_json_builder *b, cJSON *parent, const char *key, const double *v,
                    size_t n);
/* A 64-bit unsigned integer as a decimal string (doubles hold only 53 bits). */
void sg_json_u64(sg_json_builder *b, cJSON *parent, const char *key, uint64_t v);

/* The tree as text: pretty (tabs, cJSON_Print) or compact, with a final
 * newline when newline is true.  Caller frees *text with free(). */
sg_status sg_json_print(const cJSON *root, bool pretty, bool newline, char **text, size_t *len,
                        sg_error *err);

/* ---- reading ----------------------------------------------------------- */

/* Longest key path kept in messages (longer paths end in "..."). */
#define SG_JSON_PATH_MAX 160

typedef struct sg_json_reader {
    const char *source; /* file name for messages */
    sg_status status;   /* status of content errors (SG_ERR_INVALID or SG_ERR_PARSE) */
    sg_error *err;      /* where the first error goes (may be NULL) */
    sg_status st;       /* SG_OK until the first error */
} sg_json_reader;

/* A node with its key path from the root ("" for the root itself). */
typedef struct sg_json_at {
    const cJSON *node;
    char path[SG_JSON_PATH_MAX];
} sg_json_at;

/* Parse len bytes of text: refuses NUL bytes and syntax errors with
 * "SOURCE: not a valid WHAT (NUL byte at byte N)" / "(JSON syntax error or
 * truncated file near byte N)", SG_ERR_PARSE.  Caller owns *root. */
sg_status sg_json_parse(const char *text, size_t len, const char *source, const char *what,
                        cJSON **root, sg_error *err);

/* The root of a document. */
sg_json_at sg_json_root(const cJSON *root);

/* Record "SOURCE: PATH: message" (the first error only); returns false. */
bool sg_json_fail(sg_json_reader *r, const sg_json_at *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Member key of object at (fails "expected an object" / "missing"). */
bool sg_json_key(sg_json_reader *r, const sg_json_at *at, const char *key, sg_json_at *out);
/* Same, but an absent key returns false without an error. */
bool sg_json_has(const sg_json_at *at, const char *key, sg_json_at *out);
/* The array at (fails "expected an array"); *n receives its length. */
bool sg_json_array_at(sg_json_reader *r, const sg_json_at *at, size_t *n);
/* Element i of the array at, in order: pass prev = NULL for i = 0, then the
 * previous element (linear walk, not quadratic). */
void sg_json_item(const sg_json_at *arr, const sg_json_at *prev, size_t i, sg_json_at *out);

/* Typed members of object at.  Each fails with the key path:
 * "expected a finite number", "expected a non-negative integer",
 * "expected true or false", "expected a string", "expected an unsigned
 * integer in a string", "expected an array of N finite numbers". */
bool sg_json_get_number(sg_json_reader *r, const sg_json_at *at, const char *key, double *out);
bool sg_json_get_exact(sg_json_reader *r, const sg_json_at *at, const char *key, double *out);
bool sg_json_get_size(sg_json_reader *r, const sg_json_at *at, const char *key, size_t max,
                      size_t *out);
bool sg_json_get_bool(sg_json_reader *r, const sg_json_at *at, const char *key, bool *out);
const char *sg_json_get_string(sg_json_reader *r, const sg_json_at *at, const char *key);
bool sg_json_get_u64(sg_json_reader *r, const sg_json_at *at, const char *key, uint64_t *out);
/* Exactly n finite numbers into dst. */
bool sg_json_get_numbers(sg_json_reader *r, const sg_json_at *at, const char *key, double *dst,
                         size_t n);
/* Exactly n exact numbers ("nan"/"inf"/"-inf" allowed) into dst. */
bool sg_json_get_exacts(sg_json_reader *r, const sg_json_at *at, const char *key, double *dst,
                        size_t n);

#endif
