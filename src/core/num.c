/* num.c — locale-independent number parsing and printing (see num.h). */
#define _GNU_SOURCE /* strtod_l */
#include "core/num.h"

#include <math.h>
#include <stdlib.h>

int sg_num_locale_enter(sg_num_locale *scope)
{
    scope->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    scope->prev = (locale_t)0;
    if (scope->c == (locale_t)0)
        return 0;
    scope->prev = uselocale(scope->c);
    return 1;
}

void sg_num_locale_leave(sg_num_locale *scope)
{
    if (scope->c == (locale_t)0)
        return;
    uselocale(scope->prev);
    freelocale(scope->c);
    scope->c = (locale_t)0;
}

double sg_num_parse(const char *s, char **end)
{
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (c == (locale_t)0) {
        /* cannot happen with glibc: its C locale is static */
        return strtod(s, end);
    }
    double v = strtod_l(s, end, c);
    freelocale(c);
    return v;
}

int sg_num_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    sg_num_locale scope;
    sg_num_locale_enter(&scope);
    int n = vsnprintf(buf, cap, fmt, ap);
    sg_num_locale_leave(&scope);
    return n;
}

int sg_num_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = sg_num_vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

const char *sg_num_sig(char *buf, size_t cap, double v, int sig)
{
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e7)) {
        sg_num_snprintf(buf, cap, "%.*g", sig, v);
        return buf;
    }
    int decimals = sig - 1 - (int)floor(log10(a));
    sg_num_snprintf(buf, cap, "%.*f", decimals > 0 ? decimals : 0, v);
    return buf;
}

const char *sg_num_sig_beside(char *buf, size_t cap, double v, double ref, int sig)
{
    if (fabs(ref) >= 1e4 && fabs(v) >= 1e4) {
        sg_num_snprintf(buf, cap, "%.*g", sig, v);
        return buf;
    }
    return sg_num_sig(buf, cap, v, sig);
}

const char *sg_num_exact(char *buf, size_t cap, double v)
{
    /* 15 digits always print a shorter round-tripping form in full (%g drops
     * the trailing zeros); 17 always round-trip an IEEE double */
    for (int digits = 15; digits < 17; digits++) {
        sg_num_snprintf(buf, cap, "%.*g", digits, v);
        if (sg_num_parse(buf, NULL) == v)
            return buf;
    }
    sg_num_snprintf(buf, cap, "%.17g", v);
    return buf;
}

int sg_num_vfprintf(FILE *fp, const char *fmt, va_list ap)
{
    sg_num_locale scope;
    sg_num_locale_enter(&scope);
    int n = vfprintf(fp, fmt, ap);
    sg_num_locale_leave(&scope);
    return n;
}

int sg_num_fprintf(FILE *fp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = sg_num_vfprintf(fp, fmt, ap);
    va_end(ap);
    return n;
}

const char *sg_num_fixed(char *buf, size_t cap, double v, int dec)
{
    if (dec < 0 && isfinite(v)) { /* round to 10^-dec, the digits above it */
        double q = pow(10.0, -dec), r = nearbyint(v / q) * q + 0.0; /* no "-0" */
        int sig = r != 0 ? (int)floor(log10(fabs(r))) + 1 + dec : 1;
        return sg_num_sig(buf, cap, r, sig < 1 ? 1 : sig);
    }
    if (v != 0 && fabs(v) < SG_NUM_FIXED_TINY && fabs(v) < 0.5 * pow(10.0, -dec))
        return sg_num_sig(buf, cap, v, 3);
    sg_num_snprintf(buf, cap, "%.*f", dec, v);
    return buf;
}
