/* simulate.h — driving the simulator for `surrogate loop`.
 *
 *   [simulate]
 *   command   = "./fem.sh {thickness} {temperature} {hold} {cooling}"
 *   jobs      = 2        # simulations at a time
 *   timeout   = 3600     # seconds per run (0 = none)
 *   tolerance = 0.01     # stop when the best expected improvement falls below
 *                        # (objective units; default 0: only the budget stops)
 *   shell     = false    # true: run the command through /bin/sh -c
 *
 * The command runs in the study file's directory.  It is split into words
 * at spaces (double quotes keep spaces in
 * a word); each {factor} placeholder is replaced by the setting (12
 * significant digits).  Without `shell` no shell ever sees the words, so a
 * value cannot inject a command.  The simulator prints its responses on
 * standard output: `name = value` lines (response or column names), or one
 * CSV header line and one line of values.
 *
 * Ownership: sg_simulate_spec is caller-owned (sg_simulate_spec_destroy);
 * argv vectors from sg_simulate_argv are freed with sg_simulate_argv_free.
 */
#ifndef SG_SIMULATE_H
#define SG_SIMULATE_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "io/study.h"

#define SG_SIMULATE_MAX_JOBS 256
#define SG_SIMULATE_MAX_WORDS 256
#define SG_SIMULATE_MAX_OUTPUT ((size_t)1 << 20) /* bytes of standard output accepted */

typedef struct sg_simulate_spec {
    char *command;      /* as written */
    size_t jobs;        /* >= 1 */
    double timeout;     /* seconds, 0 = none */
    double tolerance;   /* objective units, >= 0 */
    bool shell;
} sg_simulate_spec;

/* Validate the study's [simulate] section ("STUDY:LINE:COL: ..." errors:
 * missing command, an unknown {placeholder}, jobs out of range).  A study
 * without the section: SG_ERR_INVALID saying what to add. */
sg_status sg_simulate_spec_load(const sg_study *s, sg_simulate_spec **out, sg_error *err);
void sg_simulate_spec_destroy(sg_simulate_spec *sp);

/* The argument vector for the settings x (n_factors, engineering units):
 * NULL-terminated, malloc'ed (sg_simulate_argv_free). */
sg_status sg_simulate_argv(const sg_simulate_spec *sp, const sg_study *s, const double *x,
                           char ***argv, sg_error *err);
void sg_simulate_argv_free(char **argv);

/* Parse the simulator's standard output into y (n_responses): every
 * response must be given, as a finite number.  SG_ERR_INVALID naming what
 * is missing or malformed. */
sg_status sg_simulate_parse_output(const sg_study *s, const char *out, double *y,
                                   sg_error *err);

/* Append one run (factor settings x, responses y) to the study's CSV data
 * file atomically (temporary file + rename): the columns in the file's
 * header order, a `run` column numbered on from the largest run, other
 * columns empty.  y = NULL: a run whose simulation failed, its response
 * cells SG_SIMULATE_FAILED_MARK (read back as a failed run: table.h), so
 * that later loops, `next` and the decision know of it.  SG_ERR_INVALID
 * when the data file is not CSV; SG_ERR_IO. */
#define SG_SIMULATE_FAILED_MARK "failed"
sg_status sg_simulate_append_run(const sg_study *s, const double *x, const double *y,
                                 sg_error *err);
/* Before any simulation: the data file exists and is not a workbook (the
 * runs are appended to a CSV file).  SG_ERR_INVALID / SG_ERR_IO. */
sg_status sg_simulate_check_data(const sg_study *s, sg_error *err);

/* What a loop did: the "loop" object of --json (keys in doc/json.md). */
typedef struct sg_simulate_summary {
    const char *stopped;      /* why it stopped, in words */
    size_t iterations, simulations, appended, failed;
    double best;              /* best objective obtained (NAN = none) */
    const char *data_file, *log;
} sg_simulate_summary;
sg_status sg_simulate_summary_to_json(const sg_simulate_summary *s, cJSON **out, sg_error *err);

#endif
