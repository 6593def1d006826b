/* outputs.h — the one rule for every file surrogate writes.
 *
 * Before any long work, a command lists the files it reads (inputs) and the
 * files it will write (outputs) and calls sg_outputs_check.  An output is
 * refused, with a message naming its role and path, when it
 *   - is the same file as an input or as another output (compared after
 *     resolving the directory, and by device/inode when the file exists);
 *   - exists but is not a regular file (directory, FIFO, device, symlink);
 *   - exists and is not a file this tool wrote of that kind (the caller
 *     supplies a recogniser per output; without one any existing file is
 *     refused);
 *   - lies in a directory that does not exist or where no file can be
 *     created (a temporary file is created and removed to find out);
 *   - was named by a study file (from_study) and resolves outside every
 *     allowed root directory (the current directory and the study's folder:
 *     an untrusted study cannot make surrogate write elsewhere).
 * sg_outputs_clean_stale removes temporary files that an interrupted write
 * (SIGKILL, power loss) left beside an output.
 *
 * No allocation survives a call; nothing is written except the probe file.
 */
#ifndef SG_OUTPUTS_H
#define SG_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* A temporary file of an atomic write untouched for this long is dead. */
#define SG_OUTPUTS_STALE_SECONDS 600

/* Recognises a file this tool wrote of one kind (model, workbook, ...):
 * true when path holds one.  Reads at most a small part of the file. */
typedef bool (*sg_outputs_own_fn)(void *user, const char *path);

typedef struct sg_output {
    const char *role;          /* for messages: "report", "model file", "run sheet" */
    const char *path;          /* as the user gave it (relative to the current directory) */
    bool from_study;           /* named by a study file: must stay inside the roots */
    sg_outputs_own_fn is_own;  /* NULL: an existing file is never replaced */
    void *user;                /* passed to is_own */
} sg_output;

typedef struct sg_input {
    const char *role;          /* "study", "data file", "model file" */
    const char *path;          /* may not exist yet (then only names are compared) */
} sg_input;

typedef struct sg_outputs_plan {
    const sg_input *inputs;
    size_t n_inputs;
    const sg_output *outputs;
    size_t n_outputs;
    const char *const *roots;  /* directories from_study outputs must stay inside */
    size_t n_roots;
} sg_outputs_plan;

/* Check every output of plan against the rule above.  SG_OK, or
 * SG_ERR_INVALID when the plan itself is wrong (an output is an input or
 * another output, or leaves the roots), SG_ERR_IO when the file system is
 * in the way (directory missing or not writable, the path a directory or a
 * special file, an existing file surrogate did not write); the message
 * names the output's role and path. */
sg_status sg_outputs_check(const sg_outputs_plan *plan, sg_error *err);

/* Remove the temporary files of path's atomic writes ("<path>.tmp.XXXXXX",
 * "<dir>/.<base>.tmp-XXXXXX") that are regular files of this user not
 * modified for SG_OUTPUTS_STALE_SECONDS.  Returns how many were removed. */
size_t sg_outputs_clean_stale(const char *path);

/* True when the file at path starts with a JSON object whose first member is
 * "format": "<format>" (the model and results files write it first). */
bool sg_outputs_json_has_format(const char *path, const char *format);

#endif
