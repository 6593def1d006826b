/* duplicates.h — runs with the same factor settings but different responses. */
#ifndef SG_DUPLICATES_H
#define SG_DUPLICATES_H

#include <stdbool.h>
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

/* The scatter of runs repeated at identical settings (pure error) of
 * response j: the pooled within-setting sd (the squared deviations from
 * each setting's mean, summed over the settings run more than once, over
 * their degrees of freedom: runs minus settings) into *sd, the degrees of
 * freedom into *dof and the repeated settings into *settings (all 0 when no
 * setting is repeated).  in_log10: the scatter of log10 of the values
 * (each > 0; a value at or below 0 is left out).  Response unit (or
 * decades).  SG_ERR_NOMEM, else SG_OK.  O(n log n). */
sg_status sg_duplicates_scatter(const double *X, size_t n_in, const double *Y, size_t n_out,
                                size_t n, size_t j, bool in_log10, double *sd, size_t *dof,
                                size_t *settings);

#endif
