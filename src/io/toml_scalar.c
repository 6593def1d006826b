/* toml_scalar.c — TOML scalars: UTF-8 validation, the four string forms,
 * integers, floats and the four date-time forms. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/toml_internal.h"
#include "core/num.h"

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if invalid
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t k;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        k = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        k = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        k = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < k || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < k; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return k;
}

size_t sg_toml__utf8_first_bad(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & UINT64_C(0x8080808080808080))) {
                i += 8;
                continue;
            }
        }
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq(s + i, n - i);
        if (!k)
            return i;
        i += k;
    }
    return SIZE_MAX;
}

static int put_utf8(toml_parser *p, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return sg_toml__sbuf_push(p, b, n);
}

int sg_toml__is_bare(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Control characters TOML forbids in strings and comments (tab is allowed). */
static int is_forbidden_ctl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7F; }

/* ---- strings ---- */

/* An escape after the backslash at p->pos - 1; appends the decoded text. */
static int parse_escape(toml_parser *p)
{
    size_t at = p->pos - 1;
    if (p->pos >= p->len)
        return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected an escape character after '\\'");
    char c = p->buf[p->pos++];
    char out;
    switch (c) {
    case 'b': out = '\b'; break;
    case 't': out = '\t'; break;
    case 'n': out = '\n'; break;
    case 'f': out = '\f'; break;
    case 'r': out = '\r'; break;
    case '"': out = '"'; break;
    case '\\': out = '\\'; break;
    case 'u':
    case 'U': {
        int nd = c == 'u' ? 4 : 8;
        uint32_t cp = 0;
        for (int i = 0; i < nd; i++) {
            int h = p->pos < p->len ? hexval((unsigned char)p->buf[p->pos]) : -1;
            if (h < 0)
                return sg_toml__fail(p, p->pos, SG_ERR_PARSE,
                                 "expected %d hexadecimal digits after '\\%c'", nd, c);
            cp = cp * 16 + (uint32_t)h;
            p->pos++;
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return sg_toml__fail(p, at, SG_ERR_PARSE,
                             "escape '\\%c%.*s' is not a Unicode scalar value", c, nd,
                             p->buf + at + 2);
        return put_utf8(p, cp);
    }
    default: {
        char tmp[16];
        unsigned char e = (unsigned char)c;
        const char *shown = tmp;
        if (e > 0x20 && e < 0x7F)
            snprintf(tmp, sizeof tmp, "'\\%c'", e);
        else
            shown = sg_toml__describe(p, p->pos - 1, tmp);
        return sg_toml__fail(p, at, SG_ERR_PARSE,
                         "invalid escape %s%s (expected one of \\b \\t \\n \\f \\r \\\" \\\\ "
                         "\\uXXXX \\UXXXXXXXX)",
                         e > 0x20 && e < 0x7F ? "" : "'\\' followed by ", shown);
    }
    }
    return sg_toml__sbuf_push(p, &out, 1);
}

/* Consume a newline at p->pos (LF or CRLF) inside a multi-line string,
 * appending "\n".  Returns 1 if one was consumed, 0 if none, -1 on error. */
static int ml_newline(toml_parser *p, bool append)
{
    const char *b = p->buf;
    if (b[p->pos] == '\n') {
        p->pos++;
    } else if (b[p->pos] == '\r') {
        if (p->pos + 1 >= p->len || b[p->pos + 1] != '\n')
            return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "carriage return must be followed by a line feed");
        p->pos += 2;
    } else
        return 0;
    sg_toml__newline(p, p->pos);
    if (append && sg_toml__sbuf_push(p, "\n", 1) < 0)
        return -1;
    return 1;
}

int sg_toml__parse_string(toml_parser *p, bool allow_multi, const char **out, size_t *outlen)
{
    const char *b = p->buf;
    size_t n = p->len;
    char q = b[p->pos];
    bool basic = q == '"';
    size_t start = p->pos;
    p->slen = 0;
    bool multi = p->pos + 2 < n && b[p->pos + 1] == q && b[p->pos + 2] == q;
    if (multi && !allow_multi)
        return sg_toml__fail(p, start, SG_ERR_PARSE, "multi-line strings cannot be keys");
    if (!multi) {
        p->pos++;
        for (;;) {
            if (p->pos >= n || b[p->pos] == '\n' || b[p->pos] == '\r')
                return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected closing %c before end of %s", q,
                                 p->pos >= n ? "input" : "line");
            unsigned char c = (unsigned char)b[p->pos];
            if (c == (unsigned char)q) {
                p->pos++;
                break;
            }
            if (basic && c == '\\') {
                p->pos++;
                if (parse_escape(p) < 0)
                    return -1;
                continue;
            }
            if (is_forbidden_ctl(c))
                return sg_toml__fail(p, p->pos, SG_ERR_PARSE,
                                 "control character U+%04X must be escaped in a string", c);
            /* copy a run of ordinary bytes at once */
            size_t r = p->pos + 1;
            while (r < n && b[r] != q && b[r] != '\\' && !is_forbidden_ctl((unsigned char)b[r]))
                r++;
            if (sg_toml__sbuf_push(p, b + p->pos, r - p->pos) < 0)
                return -1;
            p->pos = r;
        }
    } else {
        p->pos += 3;
        /* a newline right after the opening delimiter is trimmed */
        if (p->pos < n && ml_newline(p, false) < 0)
            return -1;
        for (;;) {
            if (p->pos >= n)
                return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected closing %c%c%c before end of input",
                                 q, q, q);
            unsigned char c = (unsigned char)b[p->pos];
            if (c == (unsigned char)q) {
                size_t k = 0;
                while (p->pos + k < n && b[p->pos + k] == q)
                    k++;
                if (k < 3) {
                    if (sg_toml__sbuf_push(p, b + p->pos, k) < 0)
                        return -1;
                    p->pos += k;
                    continue;
                }
                if (k > 5)
                    return sg_toml__fail(p, p->pos + 5, SG_ERR_PARSE,
                                     "too many quotes: at most two may precede the closing %c%c%c", q, q, q);
                if (sg_toml__sbuf_push(p, b + p->pos, k - 3) < 0)
                    return -1;
                p->pos += k;
                break;
            }
            if (c == '\n' || c == '\r') {
                if (ml_newline(p, true) < 0)
                    return -1;
                continue;
            }
            if (basic && c == '\\') {
                /* line-ending backslash: \ [ws] newline, then all ws/newlines */
                size_t r = p->pos + 1;
                while (r < n && (b[r] == ' ' || b[r] == '\t'))
                    r++;
                if (r < n && (b[r] == '\n' || b[r] == '\r')) {
                    p->pos = r;
                    for (;;) {
                        int nl = p->pos < n ? ml_newline(p, false) : 0;
                        if (nl < 0)
                            return -1;
                        if (nl)
                            continue;
                        if (p->pos < n && (b[p->pos] == ' ' || b[p->pos] == '\t')) {
                            p->pos++;
                            continue;
                        }
                        break;
                    }
                    continue;
                }
                p->pos++;
                if (parse_escape(p) < 0)
                    return -1;
                continue;
            }
            if (is_forbidden_ctl(c))
                return sg_toml__fail(p, p->pos, SG_ERR_PARSE,
                                 "control character U+%04X must be escaped in a string", c);
            size_t r = p->pos + 1;
            while (r < n && b[r] != q && b[r] != '\\' && b[r] != '\n' &&
                   !is_forbidden_ctl((unsigned char)b[r]))
                r++;
            if (sg_toml__sbuf_push(p, b + p->pos, r - p->pos) < 0)
                return -1;
            p->pos = r;
        }
    }
    if (sg_toml__sbuf_push(p, "", 1) < 0) /* NUL terminator, not counted */
        return -1;
    *out = p->sbuf;
    *outlen = p->slen - 1;
    return 0;
}

/* ---- numbers ---- */

/* Digits of a run with single underscores between digits; digit() tells
 * which characters are digits.  Appends digits to sbuf when keep is set
 * (the caller reserved room for the whole token).
 * Returns the number of digits, or -1 after an error. */
static long scan_digits(toml_parser *p, size_t end, int (*digit)(int), bool keep, const char *what)
{
    const char *b = p->buf;
    long nd = 0;
    size_t s = p->pos;
    while (p->pos < end) {
        int c = (unsigned char)b[p->pos];
        if (digit(c)) {
            if (keep)
                p->sbuf[p->slen++] = (char)c; /* capacity reserved by parse_number */
            nd++;
            p->pos++;
        } else if (c == '_') {
            if (p->pos == s || p->pos + 1 >= end || !digit((unsigned char)b[p->pos + 1]))
                return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "'_' in %s must be between two digits", what);
            p->pos++;
        } else
            break;
    }
    return nd;
}

static int is_hex(int c) { return hexval(c) >= 0; }
static int is_oct(int c) { return c >= '0' && c <= '7'; }
static int is_bin(int c) { return c == '0' || c == '1'; }

#define FAST_FLOAT_MAX_DIGITS 15 /* 10^15 < 2^53: the mantissa is exact */
#define FAST_FLOAT_MAX_EXP 22    /* 10^22 is the largest exact power of ten */

/* Clinger's fast path: s is [sign]digits[.digits][e[sign]digits] (already
 * validated).  When the significant digits fit in 15 and the decimal
 * exponent in +-22, one correctly rounded multiply or divide gives the
 * same double as strtod.  Returns false when the slow path is needed. */
static bool fast_float(const char *s, double *out)
{
    static const double pow10[FAST_FLOAT_MAX_EXP + 1] = {
        1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    bool neg = false;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    uint64_t m = 0;
    int nd = 0, frac = 0;
    bool in_frac = false;
    for (; *s && *s != 'e'; s++) {
        if (*s == '.') {
            in_frac = true;
            continue;
        }
        if (m == 0 && *s == '0') {
            if (in_frac)
                frac++;
            continue;
        }
        if (++nd > FAST_FLOAT_MAX_DIGITS)
            return false;
        m = m * 10 + (uint64_t)(*s - '0');
        if (in_frac)
            frac++;
    }
    long e = 0;
    if (*s == 'e') {
        s++;
        bool eneg = false;
        if (*s == '+' || *s == '-')
            eneg = *s++ == '-';
        for (; *s; s++) {
            e = e * 10 + (*s - '0');
            if (e > 1000)
                return false;
        }
        if (eneg)
            e = -e;
    }
    e -= frac;
    double d = (double)m;
    if (m == 0)
        d = 0.0;
    else if (e >= 0 && e <= FAST_FLOAT_MAX_EXP)
        d *= pow10[e];
    else if (e < 0 && e >= -FAST_FLOAT_MAX_EXP)
        d /= pow10[-e];
    else
        return false;
    *out = neg ? -d : d;
    return true;
}

static int parse_number(toml_parser *p, sg_toml_value *v)
{
    const char *b = p->buf;
    size_t start = p->pos, end = p->pos;
    while (end < p->len && (sg_toml__is_bare((unsigned char)b[end]) || b[end] == '+' || b[end] == '.'))
        end++;
    /* digits, '.', 'e', signs and the NUL never exceed the token + 2 */
    if (sg_toml__sbuf_reserve(p, end - start + 2) < 0)
        return -1;
    size_t i = start;
    bool neg = false, sign = false;
    if (b[i] == '+' || b[i] == '-') {
        neg = b[i] == '-';
        sign = true;
        i++;
    }
    size_t rest = end - i;
    if (rest == 3 && (memcmp(b + i, "inf", 3) == 0 || memcmp(b + i, "nan", 3) == 0)) {
        v->type = SG_TOML_FLOAT;
        v->u.f = b[i] == 'i' ? (neg ? -INFINITY : INFINITY) : (neg ? -NAN : NAN);
        p->pos = end;
        return 0;
    }
    if (i >= end || !is_digit((unsigned char)b[i])) {
        char tmp[16];
        return sg_toml__fail(p, i, SG_ERR_PARSE, "expected a digit, 'inf' or 'nan'%s, found %s",
                         sign ? " after the sign" : "", sg_toml__describe(p, i, tmp));
    }
    /* hexadecimal, octal, binary */
    if (b[i] == '0' && i + 1 < end && (b[i + 1] == 'x' || b[i + 1] == 'o' || b[i + 1] == 'b')) {
        char r = b[i + 1];
        if (sign)
            return sg_toml__fail(p, start, SG_ERR_PARSE, "a sign is not allowed on 0%c integers", r);
        int (*dig)(int) = r == 'x' ? is_hex : r == 'o' ? is_oct : is_bin;
        const char *what = r == 'x' ? "hexadecimal integer" : r == 'o' ? "octal integer" : "binary integer";
        unsigned shift = r == 'x' ? 4 : r == 'o' ? 3 : 1;
        p->pos = i + 2;
        if (p->pos >= end || !dig((unsigned char)b[p->pos])) {
            char tmp[16];
            return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected a digit of a %s after '0%c', found %s",
                             what, r, sg_toml__describe(p, p->pos, tmp));
        }
        p->slen = 0;
        if (scan_digits(p, end, dig, true, what) < 0)
            return -1;
        if (p->pos != end) {
            char tmp[16];
            return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "unexpected %s in %s",
                             sg_toml__describe(p, p->pos, tmp), what);
        }
        uint64_t acc = 0;
        for (size_t k = 0; k < p->slen; k++) {
            if (acc > ((uint64_t)INT64_MAX >> shift))
                return sg_toml__fail(p, start, SG_ERR_PARSE, "%s does not fit in 64 bits (maximum %lld)",
                                 what, (long long)INT64_MAX);
            acc = (acc << shift) | (uint64_t)hexval((unsigned char)p->sbuf[k]);
        }
        if (acc > (uint64_t)INT64_MAX)
            return sg_toml__fail(p, start, SG_ERR_PARSE, "%s does not fit in 64 bits (maximum %lld)", what,
                             (long long)INT64_MAX);
        v->type = SG_TOML_INTEGER;
        v->u.i = (int64_t)acc;
        return 0;
    }
    /* decimal integer or float */
    p->pos = i;
    p->slen = 0;
    if (sign)
        p->sbuf[p->slen++] = neg ? '-' : '+';
    size_t int_start = p->pos;
    long nd = scan_digits(p, end, is_digit, true, "a number");
    if (nd < 0)
        return -1;
    if (b[int_start] == '0' && nd > 1)
        return sg_toml__fail(p, int_start, SG_ERR_PARSE, "leading zeros are not allowed in a decimal number");
    bool is_float = false;
    if (p->pos < end && b[p->pos] == '.') {
        is_float = true;
        p->sbuf[p->slen++] = '.';
        p->pos++;
        if (p->pos >= end || !is_digit((unsigned char)b[p->pos])) {
            char tmp[16];
            return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected a digit after the decimal point, found %s",
                             sg_toml__describe(p, p->pos, tmp));
        }
        if (scan_digits(p, end, is_digit, true, "a number") < 0)
            return -1;
    }
    if (p->pos < end && (b[p->pos] == 'e' || b[p->pos] == 'E')) {
        is_float = true;
        p->sbuf[p->slen++] = 'e';
        p->pos++;
        if (p->pos < end && (b[p->pos] == '+' || b[p->pos] == '-'))
            p->sbuf[p->slen++] = b[p->pos++];
        if (p->pos >= end || !is_digit((unsigned char)b[p->pos])) {
            char tmp[16];
            return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected a digit in the exponent, found %s",
                             sg_toml__describe(p, p->pos, tmp));
        }
        if (scan_digits(p, end, is_digit, true, "a number") < 0)
            return -1;
    }
    if (p->pos != end) {
        char tmp[16];
        return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "unexpected %s in number", sg_toml__describe(p, p->pos, tmp));
    }
    p->sbuf[p->slen] = '\0';
    if (is_float) {
        double d;
        if (fast_float(p->sbuf, &d)) {
            v->type = SG_TOML_FLOAT;
            v->u.f = d;
            return 0;
        }
        errno = 0;
        char *e = NULL;
        d = sg_num_parse(p->sbuf, &e);
        if (!e || *e != '\0')
            return sg_toml__fail(p, start, SG_ERR_INTERNAL, "could not convert float '%s'", p->sbuf);
        if (errno == ERANGE && isinf(d))
            return sg_toml__fail(p, start, SG_ERR_PARSE, "float %s is out of range (magnitude above %g)",
                             p->sbuf, 1.7976931348623157e308);
        v->type = SG_TOML_FLOAT;
        v->u.f = d;
        return 0;
    }
    uint64_t acc = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (size_t k = sign ? 1 : 0; p->sbuf[k]; k++) {
        unsigned dgt = (unsigned)(p->sbuf[k] - '0');
        if (acc > (lim - dgt) / 10)
            return sg_toml__fail(p, start, SG_ERR_PARSE,
                             "integer does not fit in 64 bits (range %lld to %lld)",
                             (long long)INT64_MIN, (long long)INT64_MAX);
        acc = acc * 10 + dgt;
    }
    v->type = SG_TOML_INTEGER;
    v->u.i = neg ? (acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc) : (int64_t)acc;
    return 0;
}

/* ---- date-times ---- */

/* n digits at p->pos as an int, or -1 when they are not all there. */
static int fixed_digits(const toml_parser *p, size_t at, int n)
{
    int val = 0;
    for (int k = 0; k < n; k++) {
        if (at + (size_t)k >= p->len || !is_digit((unsigned char)p->buf[at + (size_t)k]))
            return -1;
        val = val * 10 + (p->buf[at + (size_t)k] - '0');
    }
    return val;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Expect character c at p->pos as part of a date-time. */
static int expect_char(toml_parser *p, char c, const char *form)
{
    if (p->pos < p->len && p->buf[p->pos] == c) {
        p->pos++;
        return 0;
    }
    char tmp[16];
    return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected '%c' in %s, found %s", c, form,
                     sg_toml__describe(p, p->pos, tmp));
}

static int field(toml_parser *p, int n, int lo, int hi, const char *name, const char *form, int *out)
{
    int val = fixed_digits(p, p->pos, n);
    if (val < 0) {
        char tmp[16];
        size_t at = p->pos;
        while (at < p->len && at < p->pos + (size_t)n && is_digit((unsigned char)p->buf[at]))
            at++;
        return sg_toml__fail(p, at, SG_ERR_PARSE, "expected %d-digit %s in %s, found %s", n, name, form,
                         sg_toml__describe(p, at, tmp));
    }
    if (val < lo || val > hi)
        return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "%s %0*d out of range (%d to %d)", name, n, val, lo, hi);
    p->pos += (size_t)n;
    *out = val;
    return 0;
}

static int parse_time(toml_parser *p, sg_toml_datetime *dt)
{
    static const char form[] = "time HH:MM:SS[.fraction]";
    if (field(p, 2, 0, 23, "hour", form, &dt->hour) < 0 || expect_char(p, ':', form) < 0 ||
        field(p, 2, 0, 59, "minute", form, &dt->minute) < 0 || expect_char(p, ':', form) < 0 ||
        field(p, 2, 0, 60, "second", form, &dt->second) < 0)
        return -1;
    if (p->pos < p->len && p->buf[p->pos] == '.') {
        p->pos++;
        if (p->pos >= p->len || !is_digit((unsigned char)p->buf[p->pos])) {
            char tmp[16];
            return sg_toml__fail(p, p->pos, SG_ERR_PARSE, "expected digits after '.' in time, found %s",
                             sg_toml__describe(p, p->pos, tmp));
        }
        int nd = 0, ns = 0;
        while (p->pos < p->len && is_digit((unsigned char)p->buf[p->pos])) {
            if (nd < 9)
                ns = ns * 10 + (p->buf[p->pos] - '0');
            if (nd < 1000000)
                nd++;
            p->pos++;
        }
        for (int k = nd; k < 9; k++)
            ns *= 10;
        dt->nanosecond = ns;
        dt->frac_digits = nd;
    }
    return 0;
}

static int parse_datetime(toml_parser *p, sg_toml_value *v)
{
    sg_toml_datetime *dt = sg_toml__alloc(p->doc, sizeof *dt);
    if (!dt)
        return sg_toml__oom(p);
    memset(dt, 0, sizeof *dt);
    v->u.dt = dt;
    const char *b = p->buf;
    /* local time HH:MM:SS */
    if (fixed_digits(p, p->pos, 2) >= 0 && p->pos + 2 < p->len && b[p->pos + 2] == ':') {
        if (parse_time(p, dt) < 0)
            return -1;
        v->type = SG_TOML_TIME_LOCAL;
        return 0;
    }
    static const char dform[] = "date YYYY-MM-DD";
    if (field(p, 4, 0, 9999, "year", dform, &dt->year) < 0 || expect_char(p, '-', dform) < 0 ||
        field(p, 2, 1, 12, "month", dform, &dt->month) < 0 || expect_char(p, '-', dform) < 0)
        return -1;
    int dim = days_in_month(dt->year, dt->month);
    if (field(p, 2, 1, 31, "day", dform, &dt->day) < 0)
        return -1;
    if (dt->day > dim)
        return sg_toml__fail(p, p->pos - 2, SG_ERR_PARSE, "day %02d out of range: %04d-%02d has %d days",
                         dt->day, dt->year, dt->month, dim);
    v->type = SG_TOML_DATE_LOCAL;
    if (p->pos >= p->len)
        return 0;
    char c = b[p->pos];
    if (c == 'T' || c == 't' || (c == ' ' && fixed_digits(p, p->pos + 1, 2) >= 0)) {
        p->pos++;
        if (parse_time(p, dt) < 0)
            return -1;
        v->type = SG_TOML_DATETIME_LOCAL;
        if (p->pos < p->len) {
            c = b[p->pos];
            if (c == 'Z' || c == 'z') {
                p->pos++;
                dt->offset_is_z = true;
                v->type = SG_TOML_DATETIME;
            } else if (c == '+' || c == '-') {
                static const char oform[] = "UTC offset +HH:MM";
                int oh, om;
                p->pos++;
                if (field(p, 2, 0, 23, "offset hour", oform, &oh) < 0 || expect_char(p, ':', oform) < 0 ||
                    field(p, 2, 0, 59, "offset minute", oform, &om) < 0)
                    return -1;
                dt->offset_minutes = (c == '-' ? -1 : 1) * (oh * 60 + om);
                v->type = SG_TOML_DATETIME;
            }
        }
    }
    return 0;
}

int sg_toml__parse_number_or_date(toml_parser *p, sg_toml_value *v)
{
    const char *b = p->buf;
    size_t at = p->pos;
    if ((fixed_digits(p, at, 4) >= 0 && at + 4 < p->len && b[at + 4] == '-') ||
        (fixed_digits(p, at, 2) >= 0 && at + 2 < p->len && b[at + 2] == ':'))
        return parse_datetime(p, v);
    return parse_number(p, v);
}
