/* runsheet.h — write a design as a run sheet for the simulation team.
 *
 * CSV: a `run` column (1..n), one column per factor headed by its data
 * column name with values in engineering units, and one empty column per
 * response; once filled in it is a data file for `surrogate fit`.
 * XLSX: the same table with units in the headers, a title row naming the
 * design, highlighted unlocked response cells to fill in, a notes column,
 * frozen headers and a protected (password-free) sheet.
 * Both files are written atomically: a temporary file in the same
 * directory is renamed over `path` only when complete, and removed on error.
 */
#ifndef SG_RUNSHEET_H
#define SG_RUNSHEET_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "design/design.h"

#define SG_RUNSHEET_SIG_DIGITS 12   /* significant digits of factor values in the CSV */
#define SG_RUNSHEET_NAME_MAX 256    /* longest column name accepted */

/* One factor or response column.  Strings are not copied. */
typedef struct sg_runsheet_column {
    const char *name;   /* display name ("thickness"), may be NULL */
    const char *column; /* data column name ("thickness_um"): the CSV header */
    const char *unit;   /* unit ("um"), may be NULL or "" */
    char *const *labels; /* a category factor: the names of codes 0 .. n_labels-1,
                            written instead of the codes; NULL for a number */
    size_t n_labels;
} sg_runsheet_column;

/* The name of setting v of column c (the nearest code's), or NULL for a
 * numeric column. */
const char *sg_runsheet_label(const sg_runsheet_column *c, double v);

/* Everything a run sheet shows; nothing is copied or kept. */
typedef struct sg_runsheet {
    const char *title;          /* study title, may be NULL */
    const char *design_name;    /* "L27(3^13)", "lhs:30", ... */
    size_t n_runs, n_factors, n_responses;
    const double *x;            /* (n_runs x n_factors) row-major, engineering units */
    const sg_runsheet_column *factors;   /* n_factors entries */
    const sg_runsheet_column *responses; /* n_responses entries (may be 0) */
} sg_runsheet;

/* Check a run sheet: runs and factors present, finite values, column names
 * non-empty, unique, not "run", without control characters and not
 * starting with = + - @ (a spreadsheet would run the header cell as a
 * formula: CSV injection). */
sg_status sg_runsheet_check(const sg_runsheet *rs, sg_error *err);

/* What a file at a run sheet's path holds, for `doe` to decide whether it
 * may be replaced: only an absent or a blank sheet of the same columns is. */
typedef enum sg_runsheet_state {
    SG_RUNSHEET_ABSENT = 0, /* no file */
    SG_RUNSHEET_FOREIGN,    /* not a run sheet surrogate wrote with these columns */
    SG_RUNSHEET_BLANK,      /* such a run sheet, with no response or note filled in */
    SG_RUNSHEET_FILLED      /* such a run sheet holding results or notes */
} sg_runsheet_state;

/* State of the CSV (csv true) or XLSX run sheet at path for rs's columns;
 * when FILLED, *run (may be NULL) receives the first run with a result. */
sg_runsheet_state sg_runsheet_state_of(const sg_runsheet *rs, const char *path, bool csv,
                                       size_t *run);

/* Write the CSV run sheet to path atomically; SG_ERR_IO naming path on failure. */
sg_status sg_runsheet_write_csv(const sg_runsheet *rs, const char *path, sg_error *err);

/* Write the XLSX run sheet to path atomically; SG_ERR_IO naming path on failure. */
sg_status sg_runsheet_write_xlsx(const sg_runsheet *rs, const char *path, sg_error *err);

/* What `doe` did, as the "doe" object of --json (keys in doc/json.md):
 * design d (its name, kind, runs, array columns, table) laid out as run
 * sheet rs (factor names, columns, units), the seed of lhs / sobol designs,
 * and the CSV and XLSX paths written.  SG_ERR_NOMEM (no tree) when out of
 * memory; caller owns *out. */
sg_status sg_runsheet_to_json(const sg_runsheet *rs, const sg_design *d, unsigned long seed,
                              const char *csv, const char *xlsx, cJSON **out, sg_error *err);

#endif
