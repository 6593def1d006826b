/* utf8.c — UTF-8 validation and Windows-1252 to UTF-8 conversion. */
#include "core/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if invalid. */
static size_t seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t k;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        k = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        k = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        k = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (n < k || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < k; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return k;
}

/* Windows-1252 0x80..0x9F as Unicode; 0 = undefined.  0xA0..0xFF are the
 * same code points (Latin-1). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static bool cp1252_defined(unsigned char c)
{
    return c < 0x80 || c >= 0xA0 || cp1252_high[c - 0x80] != 0;
}

void sg_utf8_scan_text(const char *s, size_t n, sg_utf8_scan *out)
{
    const unsigned char *u = (const unsigned char *)s;
    out->first_bad = SIZE_MAX;
    out->n_multibyte = 0;
    out->cp1252_undefined = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        if (!cp1252_defined(u[i])) {
            out->cp1252_undefined = i;
            break;
        }
    size_t i = 0;
    while (i < n) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = seq_len(u + i, n - i);
        if (k == 0) {
            if (out->first_bad == SIZE_MAX)
                out->first_bad = i;
            i++;
            continue;
        }
        out->n_multibyte++;
        i += k;
    }
}

bool sg_utf8_is_cp1252(const sg_utf8_scan *scan)
{
    return scan->first_bad != SIZE_MAX && scan->n_multibyte == 0 &&
           scan->cp1252_undefined == SIZE_MAX;
}

void sg_utf8_position(const char *s, size_t at, int *line, size_t *col)
{
    int ln = 1;
    size_t c = 1;
    for (size_t i = 0; i < at; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b == '\n' || (b == '\r' && s[i + 1] != '\n')) {
            ln++;
            c = 1;
        } else if (b != '\r' && (b & 0xC0) != 0x80) {
            c++; /* one per character: continuation bytes do not count */
        }
    }
    *line = ln;
    *col = c;
}

char *sg_utf8_from_cp1252(const char *s, size_t n, size_t *out_len)
{
    if (n > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = malloc(3 * n + 1); /* at most 3 bytes per input byte */
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned cp = c < 0x80 ? c : c >= 0xA0 ? c : cp1252_high[c - 0x80];
        if (c >= 0x80 && cp == 0)
            cp = 0xFFFD;
        if (cp < 0x80) {
            out[k++] = (char)cp;
        } else if (cp < 0x800) {
            out[k++] = (char)(0xC0 | (cp >> 6));
            out[k++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[k++] = (char)(0xE0 | (cp >> 12));
            out[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[k++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[k] = '\0';
    *out_len = k;
    return out;
}
