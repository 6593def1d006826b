/* tested.h — the best tested setting of a table under a study's
 * [optimize] section: what `optimize` and `run` name as the best run, and
 * the incumbent `next` measures improvement against.
 *
 * Runs repeated at the same factor settings are one setting, scored by the
 * mean of their measured values (objective and each constraint's
 * response): the luckiest replicate is not the best setting.  Only settings
 * inside the search box count (sg_optimize_spec_inside: a run the [optimize]
 * bounds or fixed values exclude is not a choice the user has), unless the
 * caller asks for every setting.  A setting is a candidate when its mean
 * objective is measured and its mean constraint values meet every
 * constraint.  Ties go to the setting whose first row comes first.
 *
 * Units: values in the responses' units; a weighted objective is
 * sum_j w_j (y_j - lo_j) / range_j (as decide.h).  Nothing is allocated
 * in the result; no function prints or exits.
 */
#ifndef SG_TESTED_H
#define SG_TESTED_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "io/study.h"
#include "io/table.h"
#include "optim/optimize_spec.h"

/* Rows of the best setting listed by index (the rest only counted). */
#define SG_TESTED_ROWS_LISTED 4

/* The table's objective as the decision scores it: spec's objective over
 * nf factor columns followed by nr response columns; lo and range (nr
 * each, borrowed) normalise a weighted objective (NULL when not weighted). */
typedef struct sg_tested_objective {
    const sg_optimize_spec *spec;
    size_t nf, nr;
    const double *lo, *range;
} sg_tested_objective;

typedef struct sg_tested_best {
    bool found;                 /* some setting qualifies */
    size_t row;                 /* its first row (table row index) */
    double value;               /* mean measured objective over its rows */
    size_t reps;                /* its rows with a measured objective (>= 1) */
    size_t rows[SG_TESTED_ROWS_LISTED]; /* the first of them */
    double means[SG_STUDY_MAX_RESPONSES]; /* each response's mean over its rows
                                             (NAN: none measured) */
    size_t rows_inside_box;     /* rows with a measured objective inside the box
                                   (whether or not they meet the constraints) */
    size_t rows_outside_box;    /* ... and outside it (not candidates unless
                                   every_setting) */
} sg_tested_best;

/* Measured objective of table row i (NAN when a needed value is missing). */
double sg_tested_row_objective(const sg_tested_objective *o, const sg_table *t, size_t i);

/* The best tested setting of t into *out (out->found false when none
 * qualifies).  every_setting: settings outside the search box count too
 * (the box counts are still filled).  SG_ERR_NOMEM when out of memory. */
sg_status sg_tested_best_find(const sg_tested_objective *o, const sg_table *t,
                              bool every_setting, sg_tested_best *out, sg_error *err);

#endif
