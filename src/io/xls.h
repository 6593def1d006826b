/* xls.h — the rows of one sheet of an .xls workbook (BIFF, Excel 97-2003)
 * as cell texts, through libfreexl.  Same row callback and cell texts as
 * io/xlsx.h: numbers in C notation (17 significant digits), dates and
 * times as spreadsheet serial numbers (days since 1899-12-30), texts as
 * UTF-8.  libfreexl reads from a path only.
 */
#ifndef SG_XLS_H
#define SG_XLS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "io/xlsx.h"

/* Pass the rows of sheet `sheet` (NULL: the first) of the .xls workbook at
 * path to fn; `source` names it in messages, buf[0..len) holds its bytes
 * (to tell an encrypted .xlsx, which is an OLE2 file too).  *sheet_name
 * (may be NULL) as sg_xlsx_rows.  SG_ERR_PARSE for a corrupt workbook,
 * SG_ERR_INVALID for an encrypted one or a missing sheet, SG_ERR_NOMEM, or
 * fn's status. */
sg_status sg_xls_rows(const char *path, const char *buf, size_t len, const char *source,
                      const char *sheet, sg_xlsx_row_fn fn, void *ctx, char **sheet_name,
                      sg_error *err);

/* Spreadsheet serial number of "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or
 * "HH:MM:SS" (1900 date system); false when the text is none of them. */
bool sg_xls_serial(const char *text, double *out);

#endif
