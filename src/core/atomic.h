/* atomic.h — replace a file atomically: write a temporary file beside it,
 * fsync it, then rename it over the target.  On any failure the target is
 * left as it was and the temporary file is removed.
 *
 * Ownership: the temporary name returned by sg_atomic_begin is malloc'ed and
 * owned by the caller until exactly one of sg_atomic_commit / sg_atomic_abort
 * is called, which remove the file if needed and free the name.
 * Errors: messages start with the target path; on failure errno still holds
 * the cause, so a caller may replace the message with its own wording.
 * Units: permissions are POSIX mode bits (e.g. 0644). */
#ifndef SG_ATOMIC_H
#define SG_ATOMIC_H

#include <stddef.h>

#include "core/error.h"

/* Permissions of a newly created file (mkstemp makes it 0600 first). */
#define SG_ATOMIC_FILE_MODE 0644

/* Flags for sg_atomic_begin / sg_atomic_commit (bitwise or). */
#define SG_ATOMIC_HIDDEN 1u    /* temporary named "<dir>/.<base>.tmp-XXXXXX", not "<path>.tmp.XXXXXX" */
#define SG_ATOMIC_KEEP_MODE 2u /* commit keeps the replaced file's permissions */

/* Write len bytes of data to path atomically, mode SG_ATOMIC_FILE_MODE. */
sg_status sg_atomic_write(const char *path, const void *data, size_t len, sg_error *err);

/* Create an empty temporary file beside path; *tmp receives its malloc'ed
 * name (the file is closed: open it by name, e.g. with fopen or libxlsxwriter). */
sg_status sg_atomic_begin(const char *path, unsigned flags, char **tmp, sg_error *err);

/* Set the permissions, fsync tmp and rename it onto path; frees tmp and, on
 * failure, removes the temporary file. */
sg_status sg_atomic_commit(char *tmp, const char *path, unsigned flags, sg_error *err);

/* Remove the temporary file and free its name; tmp may be NULL. */
void sg_atomic_abort(char *tmp);

#endif
