/* error.h — status codes and error messages shared by every surrogate module.
 *
 * Library functions return an sg_status and, on failure, fill a caller-owned
 * sg_error with one human-readable message such as
 *   "studies/brazing.toml:14:9: min (150) must be below max (50)".
 * Library code never prints and never exits; the CLI decides what to show.
 *
 * GSL.  The library checks the arguments of every GSL call so that GSL
 * raises no domain error (finite inputs, positive degrees of freedom, Sobol
 * dimensions 1..40, 32-bit shuffle ranges) and checks every status GSL
 * returns.  GSL still reports two kinds of failure through its error
 * handler before returning: allocation failure inside its own allocators
 * (gsl_rng_alloc, gsl_matrix_alloc, gsl_multifit_linear_alloc) and an SVD
 * that does not converge.  GSL's default handler aborts the process, so a
 * program using this library must call gsl_set_error_handler_off() (or
 * install a handler that returns) once at start-up, before any thread is
 * started, as the surrogate CLI does; those failures then come back as
 * SG_ERR_NOMEM or SG_ERR_NUMERIC.  The library never changes the handler:
 * it is process-wide state that belongs to the program.
 *
 * Locales.  Numbers are read and written with "." whatever the process
 * locale (core/num.h); a program may call setlocale(LC_ALL, "").
 */
#ifndef SG_ERROR_H
#define SG_ERROR_H

#include <stddef.h>

typedef enum sg_status {
    SG_OK = 0,
    SG_ERR_NOMEM,    /* allocation failed */
    SG_ERR_IO,       /* a file could not be opened, read or written */
    SG_ERR_PARSE,    /* syntax error in TOML, CSV or JSON input */
    SG_ERR_INVALID,  /* well-formed input with invalid content (study, data, model, arguments) */
    SG_ERR_LIMIT,    /* input exceeds a documented size or depth limit */
    SG_ERR_NUMERIC,  /* a computation failed: divergence, singular system, NaN */
    SG_ERR_INTERNAL, /* a bug: an invariant did not hold */
    SG_STATUS_COUNT
} sg_status;

/* Longest detail message kept; longer messages are truncated with "...". */
#define SG_ERROR_MSG_MAX 1024

/* One error detail.  Caller-owned, usually on the stack; no cleanup needed. */
typedef struct sg_error {
    sg_status status;
    char msg[SG_ERROR_MSG_MAX];
} sg_error;

/* Short static description of a status ("out of memory"); never NULL. */
const char *sg_strerror(sg_status status);

/* Set err (which may be NULL) to status and a printf-formatted message.
 * Returns status so callers can write `return sg_error_set(err, ...)`. */
sg_status sg_error_set(sg_error *err, sg_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Reset err (may be NULL) to SG_OK with an empty message. */
void sg_error_clear(sg_error *err);

/* Prefix err->msg with "prefix: " (e.g. a file name); no-op if err is NULL. */
void sg_error_prefix(sg_error *err, const char *prefix);

/* Library version string, "MAJOR.MINOR.PATCH". */
#define SG_VERSION "0.1.0"

#endif
