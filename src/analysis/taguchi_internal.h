/* taguchi_internal.h — shared between taguchi.c and taguchi_anova.c; not public. */
#ifndef SG_TAGUCHI_INTERNAL_H
#define SG_TAGUCHI_INTERNAL_H

#include "core/internal.h"

#include "analysis/taguchi.h"

/* Copy src (NULL = "") into dst of capacity cap, truncating. */
SG_INTERNAL void sg_taguchi__copy_str(char *dst, size_t cap, const char *src);

/* Append printf output to the NUL-terminated buf of capacity cap, truncating. */
SG_INTERNAL void sg_taguchi__append(char *buf, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* printf into buf of capacity cap, truncating. */
SG_INTERNAL void sg_taguchi__fmt_to(char *buf, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Fill the ANOVA part of res (terms, candidates, error, total, notes) from the
 * validated input in; res->mains names and res->grand_mean must be set. */
SG_INTERNAL sg_status sg_taguchi__anova(const sg_taguchi_input *in, const sg_taguchi_options *opt,
                            sg_taguchi_result *res, sg_error *err);

#endif
