/* zipread.h — read one member of a zip archive (an .xlsx workbook is one)
 * through libzip, with a size limit.  Used to recognise the workbooks and
 * run sheets surrogate wrote before replacing them.
 *
 * Ownership: *data is malloc'ed, NUL-terminated (not counted in *len), and
 * freed by the caller with free(). */
#ifndef SG_ZIPREAD_H
#define SG_ZIPREAD_H

#include <stddef.h>

#include "core/error.h"

/* Read member `name` of the zip file at path into *data (*len bytes).
 * SG_ERR_IO when the file is not a zip archive or lacks the member,
 * SG_ERR_LIMIT when the member is larger than max_bytes. */
sg_status sg_zipread_member(const char *path, const char *name, size_t max_bytes, char **data,
                            size_t *len, sg_error *err);

#endif
