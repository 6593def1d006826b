/* table_internal.h — the table builder shared by the CSV and workbook
 * readers: each reader turns its file into rows of cell texts and feeds
 * them here; the builder finds the header, matches the requested columns,
 * converts numbers, excludes incomplete rows and formats positions.
 * Internal to io/ (table.c, table_build.c). */
#ifndef SG_TABLE_INTERNAL_H
#define SG_TABLE_INTERNAL_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>

#include "io/table.h"

typedef struct sg_table_builder sg_table_builder;

/* A builder filling table t (already holding path, format, sheet and the
 * requested column names); nothing else is owned.  `strict_width`: every
 * data row must have the header's number of cells (CSV).  NULL when out of
 * memory. */
sg_table_builder *sg_table_builder_new(sg_table *t, const sg_table_request *req,
                                       bool strict_width, size_t *bad_column, sg_error *err);

/* One row of the file: cells[0..n_stored) (NUL-terminated texts, not kept),
 * n_total >= n_stored cells in all (CSV cells beyond a header's width are
 * counted, not stored); `line` is the 1-based line or sheet row. */
sg_status sg_table_builder_row(sg_table_builder *b, const char *const *cells, size_t n_stored,
                               size_t n_total, int line);

/* After the last row: the header fallback, the empty-table errors. */
sg_status sg_table_builder_finish(sg_table_builder *b);

void sg_table_builder_destroy(sg_table_builder *b);

/* A number in the C locale (c_loc); decimal_comma: one ',' in place of the
 * point is read as it (1,5 = 1.5: a ';'-delimited CSV, as Excel writes
 * where the comma is the decimal separator). */
sg_status sg_table_parse_number_l(const char *field, locale_t c_loc, bool decimal_comma,
                                  double *out, sg_error *err);

/* Column label of 0-based column c: "C" in a workbook, "3" in a CSV. */
void sg_table_column_label(const sg_table *t, size_t c, char *buf, size_t size);

/* Place of a cell (0-based column c, SIZE_MAX for the whole row) in
 * messages: "FILE:LINE" (CSV) or "FILE:Sheet!C7" (workbook). */
void sg_table_place(const sg_table *t, int line, size_t c, char *buf, size_t size);

#endif
