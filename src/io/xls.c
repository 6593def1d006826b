/* xls.c — one sheet of an .xls workbook as rows of cell texts (xls.h),
 * through libfreexl. */
#include "io/xls.h"

#include <freexl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "core/str.h"

#define XLS_NUM_DIGITS 17 /* a double's text reads back to the same double */
#define XLS_CELL_TEXT 64  /* room for a number's text */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool sg_xls_serial(const char *text, double *out)
{
    int y, mo, d, h = 0, mi = 0, s = 0, n = 0;
    double days = 0;
    if (sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3) {
        if (mo < 1 || mo > 12 || d < 1 || d > 31)
            return false;
        days = (double)(days_from_civil(y, mo, d) - days_from_civil(1899, 12, 30));
        text += n;
        if (*text == ' ' || *text == 'T')
            text++;
        else if (*text == '\0') {
            *out = days;
            return true;
        } else
            return false;
    }
    n = 0;
    if (sscanf(text, "%2d:%2d:%2d%n", &h, &mi, &s, &n) != 3 || text[n] != '\0' || h < 0 ||
        h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
        return false;
    *out = days + (h * 3600.0 + mi * 60.0 + s) / 86400.0;
    return true;
}

typedef struct xls_row {
    char **cells;      /* one buffer per column, owned */
    size_t n;
} xls_row;

/* The text of a cell into *slot (reallocated); false when out of memory. */
static bool cell_text(const FreeXL_CellValue *v, char **slot)
{
    char num[XLS_CELL_TEXT] = "";
    const char *s = num;
    double serial;
    switch (v->type) {
    case FREEXL_CELL_INT:
        snprintf(num, sizeof num, "%d", v->value.int_value);
        break;
    case FREEXL_CELL_DOUBLE:
        sg_num_snprintf(num, sizeof num, "%.*g", XLS_NUM_DIGITS, v->value.double_value);
        break;
    case FREEXL_CELL_DATE:
    case FREEXL_CELL_DATETIME:
    case FREEXL_CELL_TIME:
        if (v->value.text_value && sg_xls_serial(v->value.text_value, &serial))
            sg_num_snprintf(num, sizeof num, "%.*g", XLS_NUM_DIGITS, serial);
        else
            s = v->value.text_value ? v->value.text_value : "";
        break;
    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
        s = v->value.text_value ? v->value.text_value : "";
        break;
    default:
        break;
    }
    free(*slot);
    *slot = sg_str_dup(s);
    return *slot != NULL;
}

/* Does needle[0..n) occur in buf[0..len)? (memmem is not POSIX.) */
static bool contains(const char *buf, size_t len, const char *needle, size_t n)
{
    for (size_t i = 0; buf && n && i + n <= len; i++)
        if (buf[i] == needle[0] && memcmp(buf + i, needle, n) == 0)
            return true;
    return false;
}

static sg_status open_error(const char *source, const char *buf, size_t len, int rc,
                            sg_error *err)
{
    /* An encrypted .xlsx is an OLE2 file holding a stream "EncryptedPackage". */
    static const char enc[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
    if (contains(buf, len, enc, sizeof enc - 1))
        return sg_error_set(err, SG_ERR_INVALID,
                            "%s: the workbook is encrypted; save it without a password", source);
    if (rc == FREEXL_INSUFFICIENT_MEMORY)
        return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
    return sg_error_set(err, SG_ERR_PARSE, "%s: corrupt workbook (libfreexl error %d)", source,
                        rc);
}

/* Select sheet `want` (NULL: the first); *name points into the handle. */
static sg_status select_sheet(const void *h, const char *source, const char *want,
                              const char **name, sg_error *err)
{
    unsigned int count = 0;
    if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK || count == 0)
        return sg_error_set(err, SG_ERR_PARSE, "%s: corrupt workbook: it has no sheet", source);
    char list[600];
    size_t k = 0;
    list[0] = '\0';
    for (unsigned short i = 0; i < count && i < 0xFFFF; i++) {
        const char *nm = NULL;
        if (freexl_get_worksheet_name(h, i, &nm) != FREEXL_OK || !nm)
            continue;
        if (!want || strcmp(nm, want) == 0) {
            *name = nm;
            return freexl_select_active_worksheet(h, i) == FREEXL_OK
                       ? SG_OK
                       : sg_error_set(err, SG_ERR_PARSE, "%s: corrupt workbook: sheet '%s'",
                                      source, nm);
        }
        int n = k + 1 < sizeof list ? snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "", nm)
                                    : 0;
        if (n > 0)
            k += (size_t)n;
    }
    return sg_error_set(err, SG_ERR_INVALID, "%s: no sheet '%s'; sheets are: %s", source,
                        want ? want : "", list);
}

/* Pass every row of the active sheet to fn. */
static sg_status pass_rows(const void *h, const char *source, sg_xlsx_row_fn fn, void *ctx,
                           sg_error *err)
{
    unsigned int rows = 0;
    unsigned short cols = 0;
    if (freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
        return sg_error_set(err, SG_ERR_PARSE, "%s: corrupt workbook: no sheet dimensions",
                            source);
    if (cols > SG_XLSX_MAX_COLUMNS)
        return sg_error_set(err, SG_ERR_LIMIT, "%s: the sheet has more than %d columns", source,
                            SG_XLSX_MAX_COLUMNS);
    char **cells = calloc(cols ? cols : 1, sizeof *cells);
    if (!cells)
        return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
    sg_status st = SG_OK;
    for (unsigned int r = 0; r < rows && st == SG_OK; r++) {
        size_t n = 0;
        for (unsigned short c = 0; c < cols && st == SG_OK; c++) {
            FreeXL_CellValue v;
            if (freexl_get_cell_value(h, r, c, &v) != FREEXL_OK)
                v.type = FREEXL_CELL_NULL;
            if (!cell_text(&v, &cells[c]))
                st = sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
            else if (cells[c][0])
                n = (size_t)c + 1;
        }
        if (st == SG_OK && n)
            st = fn(ctx, (const char *const *)cells, n, (int)r + 1);
    }
    for (unsigned short c = 0; c < cols; c++)
        free(cells[c]);
    free(cells);
    return st;
}

sg_status sg_xls_rows(const char *path, const char *buf, size_t len, const char *source,
                      const char *sheet, sg_xlsx_row_fn fn, void *ctx, char **sheet_name,
                      sg_error *err)
{
    if (sheet_name)
        *sheet_name = NULL;
    const void *h = NULL;
    int rc = freexl_open(path, &h);
    if (rc != FREEXL_OK) {
        if (h)
            freexl_close(h);
        return open_error(source, buf, len, rc, err);
    }
    unsigned int pw = 0;
    const char *name = NULL;
    sg_status st = SG_OK;
    if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &pw) == FREEXL_OK && pw == FREEXL_BIFF_OBFUSCATED)
        st = sg_error_set(err, SG_ERR_INVALID,
                          "%s: the workbook is encrypted; save it without a password", source);
    if (st == SG_OK)
        st = select_sheet(h, source, sheet, &name, err);
    if (st == SG_OK && sheet_name && !(*sheet_name = sg_str_dup(name)))
        st = sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", source);
    if (st == SG_OK)
        st = pass_rows(h, source, fn, ctx, err);
    freexl_close(h);
    return st;
}
