/* file.h — read a whole input file into memory, with a size limit.
 *
 * Every reader of a study, data table, TOML document, model or results file
 * goes through sg_file_read, so they share one set of messages:
 *   "PATH: cannot open: REASON"
 *   "PATH: not a regular file (a directory)"      (also a FIFO, a device ...)
 *   "PATH: cannot read: REASON"
 *   "PATH: file too large (limit 4 MiB)"
 * The file is opened with O_NONBLOCK and checked with fstat before anything
 * is read, so a FIFO or a directory given as an input is refused at once
 * instead of blocking or failing later with a confusing message.
 *
 * Ownership: *buf is malloc'ed, NUL-terminated (buf[len] == '\0', not
 * counted in len) and owned by the caller (free); on failure *buf is NULL.
 * Units: max_bytes and len are bytes. */
#ifndef SG_FILE_H
#define SG_FILE_H

#include <stddef.h>

#include "core/error.h"

/* Read the regular file at path into *buf / *len.  SG_ERR_IO (cannot open,
 * not a regular file, read error), SG_ERR_LIMIT (more than max_bytes),
 * SG_ERR_NOMEM; the message starts with path. */
sg_status sg_file_read(const char *path, size_t max_bytes, char **buf, size_t *len,
                       sg_error *err);

/* The limit as written in the messages: "4 MiB" for whole mebibytes, else
 * "1000 bytes".  Returns buf. */
const char *sg_file_limit_text(size_t max_bytes, char *buf, size_t size);

#endif
