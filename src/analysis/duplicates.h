/* duplicates.h — runs with the same factor settings but different responses. */
#ifndef SG_DUPLICATES_H
#define SG_DUPLICATES_H

#include <stddef.h>

#include "core/error.h"

/* Relative size (to the response's magnitude) below which two values are equal. */
#define SG_DUPLICATES_REL 1e-12

/* Two runs with the same factor settings but different values of a response. */
typedef struct sg_duplicate {
    size_t row_a, row_b; /* 0-based rows, row_a < row_b */
    size_t response;
    double value_a, value_b;
} sg_duplicate;

/* Find runs whose factor settings are identical (X (n, n_in)) but whose
 * response j (Y (n, n_out)) differs by more than SG_DUPLICATES_REL relative to
 * its magnitude.  Each such pair is compared with the first run of its
 * group.  Writes up to cap records (ordered by response, then rows) and
 * returns the total; on allocation failure returns 0 and sets *st (may be
 * NULL) to SG_ERR_NOMEM.  O(n log n). */
size_t sg_duplicates_find(const double *X, size_t n_in, const double *Y, size_t n_out, size_t n,
                          sg_duplicate *out, size_t cap, sg_status *st);

#endif
