/* xlsx.h — the rows of one sheet of an .xlsx workbook (Office Open XML),
 * as cell texts, through libzip (the archive, read from memory) and expat
 * (the XML, streamed: memory grows with the shared strings and one row,
 * never with the sheet).
 *
 * Cell texts: numbers as written in the file (C notation; dates are their
 * serial numbers, 45292 for 2024-01-01), shared and inline strings, formula
 * cells by their cached value (a formula never calculated reads empty),
 * booleans as 1 / 0, error values as written ("#DIV/0!").  Cells without a
 * value are empty texts; rows without any value are not passed on.
 */
#ifndef SG_XLSX_H
#define SG_XLSX_H

#include <stddef.h>

#include "core/error.h"

/* Most bytes of XML one member may expand to (a zip bomb is refused). */
#define SG_XLSX_MAX_XML_BYTES ((size_t)1024 * 1024 * 1024)
/* Most bytes of shared-string text. */
#define SG_XLSX_MAX_STRING_BYTES ((size_t)256 * 1024 * 1024)
/* Most columns a cell with a value may be in (A..FAN; io/table.h's limit). */
#define SG_XLSX_MAX_COLUMNS 4096
/* Last row of a sheet (Excel's limit). */
#define SG_XLSX_MAX_ROWS 1048576

/* Called once per row with a value: cells[0..n) (column A first, "" when
 * empty; valid during the call only), row = 1-based sheet row.  A status
 * other than SG_OK stops the reading and is returned. */
typedef sg_status (*sg_xlsx_row_fn)(void *ctx, const char *const *cells, size_t n, int row);

/* Pass the rows of sheet `sheet` (NULL: the first sheet) of the workbook in
 * buf[0..len) to fn, in sheet order.  *sheet_name (may be NULL) receives a
 * malloc'ed copy of the sheet's name (caller frees), also on failure once
 * known.  Errors name `source`: SG_ERR_PARSE for a corrupt workbook,
 * SG_ERR_INVALID for a missing sheet (listing the sheets), SG_ERR_LIMIT,
 * SG_ERR_NOMEM, or fn's status. */
sg_status sg_xlsx_rows(const char *buf, size_t len, const char *source, const char *sheet,
                       sg_xlsx_row_fn fn, void *ctx, char **sheet_name, sg_error *err);

/* Column number of a cell reference: "C7" -> 2 (0-based), *row = 7.
 * Returns SIZE_MAX when ref is not a reference (letters, then digits). */
size_t sg_xlsx_ref_column(const char *ref, long *row);

#endif
