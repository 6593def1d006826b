/* utf8.h — checking text read from files: strict UTF-8 validation and the
 * conversion of Windows-1252 (the usual "ANSI" encoding of spreadsheet CSV
 * exports on Windows; a superset of the printable Latin-1) to UTF-8.
 *
 * Text that reaches an XLSX workbook (XML) or a JSON document must be valid
 * UTF-8, so every reader of user files checks it before keeping any text.
 * Nothing here allocates except sg_utf8_from_cp1252. */
#ifndef SG_UTF8_H
#define SG_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Result of scanning n bytes. */
typedef struct sg_utf8_scan {
    size_t first_bad;   /* offset of the first byte that is not valid UTF-8, or SIZE_MAX */
    size_t n_multibyte; /* valid multi-byte sequences (a BOM counts) */
    size_t cp1252_undefined; /* offset of the first byte that Windows-1252 leaves
                                undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), or SIZE_MAX */
} sg_utf8_scan;

/* Scan s[0..n): strict UTF-8 (overlong forms, surrogates and code points
 * above U+10FFFF are invalid). */
void sg_utf8_scan_text(const char *s, size_t n, sg_utf8_scan *out);

/* True when s[0..n) is to be read as Windows-1252: it is not valid UTF-8,
 * holds no valid multi-byte UTF-8 sequence at all (so it is not UTF-8 with
 * a stray byte) and no byte Windows-1252 leaves undefined. */
bool sg_utf8_is_cp1252(const sg_utf8_scan *scan);

/* Line and column (both 1-based; the column counts UTF-8 characters) of
 * byte offset `at` in s; CRLF, CR and LF end lines. */
void sg_utf8_position(const char *s, size_t at, int *line, size_t *col);

/* s[0..n) converted from Windows-1252 to UTF-8, NUL-terminated, length in
 * *out_len; caller frees.  NULL when out of memory.  Undefined bytes (see
 * above) become U+FFFD; callers check sg_utf8_is_cp1252 first. */
char *sg_utf8_from_cp1252(const char *s, size_t n, size_t *out_len);

#endif
