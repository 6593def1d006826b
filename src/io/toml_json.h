/* toml_json.h — render a parsed TOML tree as toml-test "tagged JSON".
 *
 * Tables become JSON objects, arrays JSON arrays, and every scalar an object
 * {"type": T, "value": "..."} with T one of string, integer, float, bool,
 * datetime, datetime-local, date-local, time-local.  Keys and strings are
 * written in full: U+0000 inside them becomes \u0000.  Used by the
 * build/toml-decoder conformance tool and by the tests.
 */
#ifndef SG_TOML_JSON_H
#define SG_TOML_JSON_H

#include <stddef.h>

#include "core/error.h"
#include "io/toml.h"

/* Tagged JSON text of v (usually sg_toml_root(doc)), compact (no newlines).
 * On success *out is a malloc'd NUL-terminated string the caller frees with
 * free(); on failure *out is NULL and err says why (only out of memory). */
sg_status sg_toml_json_tagged(const sg_toml_value *v, char **out, sg_error *err);

/* Shortest decimal form of x that reads back to exactly x ("0.1", "1e+300",
 * "inf", "-inf", "nan"); always contains '.', 'e', "inf" or "nan" so that it
 * reads as a TOML float.  buf must hold at least 40 bytes. */
const char *sg_toml_json_format_float(double x, char *buf, size_t size);

/* RFC 3339 text of a date-time value of type t as written (fraction digits
 * kept, up to nanoseconds).  buf must hold at least 48 bytes. */
const char *sg_toml_json_format_datetime(const sg_toml_datetime *dt, sg_toml_type t, char *buf, size_t size);

#endif
