/* num.h — numbers to text and text to numbers, independent of the locale.
 *
 * Every file, JSON document and message surrogate writes uses "." as the
 * decimal point and no digit grouping, and every number it reads is parsed
 * the same way, whatever setlocale() or uselocale() the program chose: a
 * study written in Germany must load in France.  These functions format and
 * parse under the "C" locale for the calling thread only (uselocale), so
 * they are thread-safe and leave the caller's locale as they found it.
 * No global state: the C locale object is obtained per call (glibc returns
 * its static C locale without allocating). */
#ifndef SG_NUM_H
#define SG_NUM_H

#include <locale.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* strtod(s, end) in the C locale: "1.5" is 1.5 and "1,5" stops at the comma
 * under any locale.  Sets errno like strtod (ERANGE on overflow). */
double sg_num_parse(const char *s, char **end);

/* snprintf / vsnprintf in the C locale; same return value (the length the
 * whole output needs, or a negative value on an encoding error). */
int sg_num_snprintf(char *buf, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
int sg_num_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 0)))
#endif
    ;

/* v with at least sig (1..15) significant digits and no exponent when
 * 1e-4 <= |v| < 1e7: 250 -> "250" (not "2.5e+02" as %.2g gives), 0.0042 ->
 * "0.0042"; %.*g outside that range, 0 and non-finite values.  Writes
 * into buf (cap >= 32 holds every result) and returns buf. */
#define SG_NUM_SIG_CAP 32
const char *sg_num_sig(char *buf, size_t cap, double v, int sig);

/* v with dec decimals ("%.*f"), except a value below SG_NUM_FIXED_TINY
 * (absolute) that those decimals would show as 0, which gets 3 significant
 * digits as sg_num_sig: a permeability of 6.9e-18 m2 at 3 decimals is
 * "6.86e-18", not "0.000".  A negative dec rounds to 10^-dec and prints the
 * digits down to it as sg_num_sig (470807706.8 at -4: "4.7081e+08"; 2137902
 * at -5: "2100000").  Same buffer rules as sg_num_sig. */
#define SG_NUM_FIXED_TINY 1e-6
const char *sg_num_fixed(char *buf, size_t cap, double v, int dec);

/* v as sg_num_sig, but in the style of a value ref printed beside it with
 * %.4g: an exponent when both need one there (from 1e4 up), so that an sd
 * beside its mean reads on one scale ("5.206e+08 (sd 2.2e+06)", not "sd
 * 2187049").  Same buffer rules as sg_num_sig. */
const char *sg_num_sig_beside(char *buf, size_t cap, double v, double ref, int sig);

/* v with the fewest significant digits (15, 16 or 17, %g style) that read
 * back as exactly v: a setting the user typed as 0.3046 is written
 * "0.3046", not "0.30459999999999998" as %.17g writes it, and nothing is
 * lost.  Writes into buf (cap >= 32 holds every result) and returns buf. */
#define SG_NUM_EXACT_CAP 32
const char *sg_num_exact(char *buf, size_t cap, double v);

/* fprintf / vfprintf in the C locale; do not close fp. */
int sg_num_fprintf(FILE *fp, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int sg_num_vfprintf(FILE *fp, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;

/* A stretch of code that must run under the C locale, for code that hands
 * numbers to another library which formats them with the current locale
 * (libxlsxwriter's XML writer).  sg_num_locale_enter switches the calling
 * thread to the C locale; sg_num_locale_leave restores what was there.
 * Pairs must nest and stay on one thread.  If the C locale cannot be
 * obtained (not possible with glibc) enter returns 0 and leave does nothing. */
typedef struct sg_num_locale {
    locale_t c;    /* the C locale, or (locale_t)0 */
    locale_t prev; /* the thread's locale before enter */
} sg_num_locale;

int sg_num_locale_enter(sg_num_locale *scope);
void sg_num_locale_leave(sg_num_locale *scope);

#endif
