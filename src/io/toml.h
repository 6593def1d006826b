/* toml.h — TOML 1.0.0 reader for study files.
 *
 * A document is parsed into an immutable tree owned by one sg_toml_doc; one
 * call (sg_toml_destroy) frees it all.  Every value and every table key keeps
 * its 1-based line and column (columns count Unicode code points).  Errors
 * are reported as "SOURCE:LINE:COL: message" in an sg_error, where SOURCE is
 * the name given to the parser (a file path, or "<string>").
 *
 * Limits (hostile input cannot exhaust the stack or memory):
 *   SG_TOML_MAX_DEPTH  nesting of arrays/inline tables/dotted keys;
 *   SG_TOML_MAX_INPUT  bytes per document.
 */
#ifndef SG_TOML_H
#define SG_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

#define SG_TOML_MAX_DEPTH 128
#define SG_TOML_MAX_INPUT ((size_t)64 * 1024 * 1024)

typedef enum sg_toml_type {
    SG_TOML_TABLE,
    SG_TOML_ARRAY,
    SG_TOML_STRING,
    SG_TOML_INTEGER,
    SG_TOML_FLOAT,
    SG_TOML_BOOL,
    SG_TOML_DATETIME,       /* offset date-time: 1979-05-27T07:32:00Z */
    SG_TOML_DATETIME_LOCAL, /* 1979-05-27T07:32:00 */
    SG_TOML_DATE_LOCAL,     /* 1979-05-27 */
    SG_TOML_TIME_LOCAL      /* 07:32:00.999 */
} sg_toml_type;

/* A date and/or time as written.  Fields not present in the value's type are 0. */
typedef struct sg_toml_datetime {
    int year, month, day;
    int hour, minute, second;
    int nanosecond;        /* fraction of a second, truncated to ns */
    int frac_digits;       /* digits written after the '.', 0 if none (for round trips) */
    int offset_minutes;    /* SG_TOML_DATETIME only: UTC offset; 'Z' gives 0 */
    bool offset_is_z;      /* written as 'Z' or 'z' rather than +00:00 */
} sg_toml_datetime;

typedef struct sg_toml_doc sg_toml_doc;     /* owns the tree */
typedef struct sg_toml_value sg_toml_value; /* a node; valid while its doc lives */

/* Parse len bytes of buf (need not be NUL-terminated).  source names the
 * input in messages (copied).  On success *out is a new document the caller
 * frees with sg_toml_destroy; on failure *out is NULL and err holds
 * "source:line:col: message" for the first error. */
sg_status sg_toml_parse(const char *buf, size_t len, const char *source,
                        sg_toml_doc **out, sg_error *err);

/* Read and parse the file at path (path is the message source).  Opens and
 * closes the file itself. */
sg_status sg_toml_parse_file(const char *path, sg_toml_doc **out, sg_error *err);

/* Read and parse everything from fp (not closed). */
sg_status sg_toml_parse_stream(FILE *fp, const char *source, sg_toml_doc **out,
                               sg_error *err);

/* Free a document and every value in it.  NULL is a no-op. */
void sg_toml_destroy(sg_toml_doc *doc);

/* The root table of a document. */
const sg_toml_value *sg_toml_root(const sg_toml_doc *doc);
/* The source name given at parse time. */
const char *sg_toml_source(const sg_toml_doc *doc);

/* ---- generic node access ---- */
sg_toml_type sg_toml_type_of(const sg_toml_value *v);
const char *sg_toml_type_name(sg_toml_type t); /* "table", "integer", ... */
int sg_toml_line(const sg_toml_value *v);      /* 1-based */
int sg_toml_col(const sg_toml_value *v);       /* 1-based */
/* Source name of the document v belongs to (for messages). */
const char *sg_toml_value_source(const sg_toml_value *v);

/* Tables: entries in document order. */
size_t sg_toml_table_size(const sg_toml_value *table);
/* Key of entry i, NUL-terminated.  A key may contain U+0000 (written
 * "\u0000"): sg_toml_table_key_len gives its full length in bytes (0 when
 * table is not a table or i is out of range). */
const char *sg_toml_table_key(const sg_toml_value *table, size_t i);
size_t sg_toml_table_key_len(const sg_toml_value *table, size_t i);
const sg_toml_value *sg_toml_table_value(const sg_toml_value *table, size_t i);
/* Position of the key of entry i (where it was first written). */
int sg_toml_table_key_line(const sg_toml_value *table, size_t i);
int sg_toml_table_key_col(const sg_toml_value *table, size_t i);
/* Value for key, or NULL when absent (or table is not a table). */
const sg_toml_value *sg_toml_table_get(const sg_toml_value *table, const char *key);

/* Arrays (arrays of tables included). */
size_t sg_toml_array_size(const sg_toml_value *array);
const sg_toml_value *sg_toml_array_at(const sg_toml_value *array, size_t i);

/* Scalars.  The pointers returned stay valid while the doc lives. */
/* A string value: UTF-8, NUL-terminated, *len (len may be NULL) its full
 * length in bytes, which counts any U+0000 inside it. */
const char *sg_toml_string(const sg_toml_value *v, size_t *len);
int64_t sg_toml_integer(const sg_toml_value *v);
double sg_toml_float(const sg_toml_value *v);
bool sg_toml_bool(const sg_toml_value *v);
const sg_toml_datetime *sg_toml_datetime_of(const sg_toml_value *v);

/* ---- lookup helpers for loaders ----
 * Each looks up key in table.  If the key is absent: with required=false it
 * returns SG_OK and leaves *out untouched (so *out may hold a default), with
 * required=true it fails with "source:line:col: missing required key 'key' in
 * [table]" at the table's position.  A value of the wrong type fails with
 * "source:line:col: 'key' must be a <type>, not a <type>" at the value.
 * *found (may be NULL) tells whether the key was present. */
sg_status sg_toml_get_table(const sg_toml_value *table, const char *key, bool required,
                            const sg_toml_value **out, bool *found, sg_error *err);
sg_status sg_toml_get_array(const sg_toml_value *table, const char *key, bool required,
                            const sg_toml_value **out, bool *found, sg_error *err);
/* A string containing U+0000 is refused (SG_ERR_INVALID): *out is a C string. */
sg_status sg_toml_get_string(const sg_toml_value *table, const char *key, bool required,
                             const char **out, bool *found, sg_error *err);
sg_status sg_toml_get_integer(const sg_toml_value *table, const char *key, bool required,
                              int64_t *out, bool *found, sg_error *err);
/* Integers are accepted where a float is expected. */
sg_status sg_toml_get_float(const sg_toml_value *table, const char *key, bool required,
                            double *out, bool *found, sg_error *err);
sg_status sg_toml_get_bool(const sg_toml_value *table, const char *key, bool required,
                           bool *out, bool *found, sg_error *err);

/* Format "source:line:col: " + message into err for value v (for loaders'
 * own semantic checks).  Returns status. */
sg_status sg_toml_error_at(sg_error *err, sg_status status, const sg_toml_value *v,
                           const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Same, at the key of entry i of table. */
sg_status sg_toml_error_at_key(sg_error *err, sg_status status, const sg_toml_value *table,
                               size_t i, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

#endif
