/* oa.h — catalogue of standard orthogonal arrays, built by construction.
 *
 * Arrays are generated on request, never typed in:
 *   - Rao–Hamming arrays L_{q^m}(q^{(q^m-1)/(q-1)}) over GF(q), q = 2,3,4,5,7,8
 *     (L4, L8, L9, L16(2^15), L16(4^5), L25, L27, L32, L49, L64(2^63),
 *     L64(4^21), L64(8^9), L81), in Taguchi's column order (see doc/doe.md);
 *   - L12(2^11): Plackett–Burman, cyclic quadratic-residue construction mod 11;
 *   - L18(2^1 3^7): difference scheme D(6,6,3) developed over GF(3), with the
 *     6-level column split into a 2-level and a 3-level column;
 *   - L36(2^11 3^12): difference scheme D(12,12,3) developed over GF(3), with
 *     the 12-level column replaced by the rows of L12(2^11).
 * Runs are rows, factors are columns; level codes are 0..q-1.
 * Columns are numbered from 0 in this API; Taguchi's tables number them
 * from 1 (add 1 when printing).
 */
#ifndef SG_OA_H
#define SG_OA_H

#include <stddef.h>

#include "core/error.h"

#define SG_OA_NAME_MAX 32      /* longest array name, e.g. "L36(2^11 3^12)" + NUL */
#define SG_OA_MAX_COLS 63      /* widest catalogue array: L64(2^63) */
#define SG_OA_MAX_RUNS 81      /* largest catalogue array: L81(3^40) */
#define SG_OA_MAX_LEVELS 8     /* most levels of any column: L64(8^9) */
/* Column-assignment checks one identification may try before giving up. */
#define SG_OA_IDENTIFY_MAX_STEPS 200000L

/* Immutable facts about one catalogue array. */
typedef struct sg_oa_info {
    char name[SG_OA_NAME_MAX]; /* "L27(3^13)" */
    int runs;                  /* rows */
    int cols;                  /* columns */
    int levels[SG_OA_MAX_COLS];/* levels of column j (0-based) */
    int q, m;                  /* GF(q)^m for Rao–Hamming arrays; 0, 0 otherwise */
} sg_oa_info;

/* Number of arrays in the catalogue (sorted by runs, then name). */
size_t sg_oa_count(void);

/* Fill *info for catalogue entry `index`; SG_ERR_INVALID if out of range. */
sg_status sg_oa_info_get(size_t index, sg_oa_info *info, sg_error *err);

/* Append "L4(2^3), L8(2^7), ..., L81(3^40)" to the NUL-terminated string
 * buf of `size` bytes (truncated if it does not fit). */
void sg_oa_list_names(char *buf, size_t size);

/* Look up an array by full name ("L27(3^13)") or run count ("L27"),
 * case-insensitive; ambiguous or unknown names fail listing the catalogue. */
sg_status sg_oa_find(const char *name, size_t *index, sg_error *err);

/* Build catalogue array `index` as a newly allocated (runs x cols) row-major
 * int matrix of level codes 0..levels[j]-1 in *codes; caller frees it. */
sg_status sg_oa_build(size_t index, int **codes, sg_error *err);

/* Columns carrying the interaction of columns a and b (0-based) of a
 * Rao–Hamming array: the q-1 columns a + t*b, t in GF(q)\{0}.  Writes them,
 * ascending, to cols[0..*n_cols-1] (cols needs SG_OA_MAX_LEVELS entries).
 * Fails for arrays without interaction columns (L12, L18, L36). */
sg_status sg_oa_interaction(size_t index, int a, int b, int *cols, int *n_cols, sg_error *err);

/* How sg_oa_choose treats the interaction of factors 1 and 2. */
typedef enum sg_oa_interaction_rule {
    SG_OA_KEEP_IF_FITS = 0, /* smallest array that fits; keep 1x2 free when that array allows */
    SG_OA_KEEP_REQUIRED = 1 /* smallest array in which the 1x2 interaction stays free */
} sg_oa_interaction_rule;

/* Result of sg_oa_choose: which array, and which column holds what. */
typedef struct sg_oa_choice {
    size_t array;                       /* catalogue index */
    char name[SG_OA_NAME_MAX];          /* "L27(3^13)" */
    int runs, cols;
    int n_factors;
    int factor_col[SG_OA_MAX_COLS];     /* 0-based column of factor i */
    /* 1 when no other factor sits on a column carrying factor 1 x factor 2
     * (so that interaction is estimable); 0 otherwise or with < 2 factors. */
    int interaction_kept;
    int n_interaction;                  /* columns carrying 1x2 (q-1), or 0 */
    int interaction_col[SG_OA_MAX_LEVELS]; /* those columns, 0-based */
    /* 1 for L18 with factors 1, 2 on its 2- and 3-level columns 0 and 1:
     * their interaction is orthogonal to every other column (no column used). */
    int interaction_orthogonal;
} sg_oa_choice;

/* Choose the smallest catalogue array whose columns hold n_factors factors
 * with levels[i] levels each (see doc/doe.md for the rule).  Fills *choice;
 * SG_ERR_INVALID with a message listing the catalogue when nothing fits. */
sg_status sg_oa_choose(int n_factors, const int *levels, sg_oa_interaction_rule rule,
                       sg_oa_choice *choice, sg_error *err);

/* Place the factors on catalogue array `index` (same column rule as
 * sg_oa_choose); SG_ERR_INVALID naming the array's columns if they do not fit. */
sg_status sg_oa_assign(size_t index, int n_factors, const int *levels, sg_oa_interaction_rule rule,
                       sg_oa_choice *choice, sg_error *err);

/* What sg_oa_identify found about a table of level codes. */
typedef struct sg_oa_identity {
    int n_levels[SG_OA_MAX_COLS]; /* levels of factor i (max code + 1), first SG_OA_MAX_COLS */
    int balanced;        /* every column shows each of its levels equally often */
    int unbalanced_col;  /* first unbalanced column, or -1 */
    int orthogonal;      /* strength 2: every pair shows every level pair equally often */
    int pair_a, pair_b;  /* first non-orthogonal pair, or -1, -1 */
    int full_factorial;  /* every combination of all levels appears equally often */
    int replicates;      /* runs per combination when full_factorial, else 0 */
    int matched;         /* rows equal a column subset of a catalogue array */
    int undetermined;    /* search stopped after SG_OA_IDENTIFY_MAX_STEPS: unknown */
    size_t array;        /* catalogue index when matched */
    char name[SG_OA_NAME_MAX]; /* its name, or "" */
    int factor_col[SG_OA_MAX_COLS]; /* 0-based catalogue column of factor i when matched */
} sg_oa_identity;

/* Code each column of x (n x k row-major, any units) as level numbers
 * 0..L-1 by the rank of its value among the column's distinct values
 * (exact comparison); codes is caller-allocated (n x k).  SG_ERR_INVALID for
 * non-finite values. */
sg_status sg_oa_code_levels(const double *x, int n, int k, int *codes, sg_error *err);

/* Examine codes, an (n x k) row-major table of level codes 0..L_j-1 per
 * column: balance, pairwise orthogonality, full factorial, and whether the
 * rows equal (up to row order and level relabelling within each column) a
 * subset of columns of a catalogue array with n runs.  Does not keep codes.
 * The search is exact but bounded: it gives up (undetermined = 1) after
 * SG_OA_IDENTIFY_MAX_STEPS placements (about 1 s).  In tests with random
 * row orders, column subsets and level relabellings of every catalogue
 * array it always finished; an 8-level L64 table takes up to about 1 s.
 * SG_ERR_INVALID for codes outside 0..n-1, n < 2 or k < 1. */
sg_status sg_oa_identify(const int *codes, int n, int k, sg_oa_identity *res, sg_error *err);

#endif
