/* design.h — designs of experiments over factor bounds, in engineering units.
 *
 * Kinds: orthogonal arrays from the catalogue (oa.h) mapped onto each
 * factor's declared levels, Latin hypercube (maximin over random
 * candidates), scrambled Sobol (GSL, random digital shift), and full
 * factorial over the level grids; the response-surface designs, central
 * composite and Box-Behnken, over the bounds (coded -1 .. +1 from min to
 * max: a rotatable central composite design keeps its axial runs at the
 * bounds and its cube inside, at +-1/alpha, alpha = cube runs^(1/4); one
 * centre run, since a simulation repeated gives the same result).  All
 * randomness comes from the seed in sg_design_options: same seed =>
 * identical design.
 */
#ifndef SG_DESIGN_H
#define SG_DESIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "design/oa.h"

#define SG_DESIGN_NAME_MAX 40           /* "L36(2^11 3^12)", "lhs:30", "sobol:32", "full" */
#define SG_DESIGN_LHS_CANDIDATES 50     /* default number of random LHS candidates */
#define SG_DESIGN_FULL_MAX_RUNS 4096    /* largest full factorial generated */
#define SG_DESIGN_MAX_RUNS 100000       /* largest lhs:N / sobol:N */
#define SG_DESIGN_SOBOL_MAX_DIM 40      /* GSL's Sobol generator supports 40 dimensions */
#define SG_DESIGN_AUTO_RUNS_PER_FACTOR 10 /* auto without an orthogonal array: lhs with 10 k runs */
/* Relative slack when checking that levels lie inside [min, max]. */
#define SG_DESIGN_BOUND_RTOL 1e-12

typedef enum sg_design_kind {
    SG_DESIGN_AUTO = 0, /* orthogonal array if every factor has levels and one fits, else lhs */
    SG_DESIGN_OA,       /* one catalogue array (oa_index), or the smallest fitting one (oa_index = SIZE_MAX) */
    SG_DESIGN_LHS,
    SG_DESIGN_SOBOL,
    SG_DESIGN_FULL,
    SG_DESIGN_CCD,      /* central composite: rotatable inside the bounds, or face-centred */
    SG_DESIGN_BBD,      /* Box-Behnken (3 to 5 factors) */
    SG_DESIGN_TWO_LEVEL, /* a two-level factorial at min and max (the half fraction from
                           5 factors, as a CCD's cube) with one centre run: the screening
                           design whose centre run tests curvature */
    SG_DESIGN_AXIAL     /* the 2k axial runs of a face-centred CCD (each factor at min and
                           max, the others at their centre): what turns a 2level design
                           whose centre shows curvature into a ccd:face, appended */
} sg_design_kind;
/* Factors a central composite design is built for: the cube is the full
 * 2^k up to 4 factors, the half fraction (the last factor the product of
 * the others: resolution k) from 5 to 7. */
#define SG_DESIGN_CCD_MAX_FACTORS 7

/* A parsed design name. */
typedef struct sg_design_spec {
    sg_design_kind kind;
    size_t n_runs;   /* lhs / sobol: runs requested */
    size_t oa_index; /* SG_DESIGN_OA: catalogue index */
    bool face;       /* SG_DESIGN_CCD: face-centred (alpha 1) instead of rotatable */
} sg_design_spec;

/* One factor: bounds, optional levels and optional step, engineering units.
 * levels (n_levels values, ascending, inside [min, max]) is not copied. */
typedef struct sg_design_factor {
    const char *name;      /* for messages */
    double min, max;       /* bounds, min < max */
    const double *levels;  /* tested levels, or NULL */
    int n_levels;          /* 0 when levels is NULL */
    double step;           /* > 0: values snapped to min + j*step inside bounds; 0 = none */
    bool categorical;      /* names coded by its levels 0 .. n_levels-1: space-filling
                              designs give each name an equal share of [0, 1) (the
                              Latin hypercube's strata fall evenly on the names) */
    bool log_scale;        /* space-filling designs spread the settings evenly over
                              log10 min .. log10 max (needs min > 0): a factor set by
                              ratios ([[factor]] scale = "log") */
} sg_design_factor;

/* Settings with defaults from sg_design_options_default(). */
typedef struct sg_design_options {
    unsigned long seed;      /* seeds GSL's mt19937 */
    int lhs_candidates;      /* >= 1; the candidate with the largest minimum distance wins */
    sg_oa_interaction_rule interaction; /* for orthogonal arrays */
} sg_design_options;

/* A generated design; caller owns it and frees it with sg_design_destroy. */
typedef struct sg_design {
    char name[SG_DESIGN_NAME_MAX]; /* "L27(3^13)", "lhs:30", "sobol:32", "full" */
    sg_design_kind kind;           /* never SG_DESIGN_AUTO */
    size_t n_runs, n_factors;
    double *x;                     /* (n_runs x n_factors) row-major, engineering units */
    sg_oa_choice oa;               /* columns used, when kind == SG_DESIGN_OA */
} sg_design;

/* Defaults: seed 42, SG_DESIGN_LHS_CANDIDATES candidates, keep 1x2 if it fits. */
sg_design_options sg_design_options_default(void);

/* Parse "auto", "L27", "L27(3^13)", "lhs:N", "sobol:N", "full", "ccd",
 * "ccd:face", "bbd", "2level" or "axial" (case-
 * insensitive) into *spec; errors list the names that exist. */
sg_status sg_design_parse(const char *text, sg_design_spec *spec, sg_error *err);

/* A numeric factor spread over its range whose bounds span this many
 * decades or more gets a note: if it acts by ratios, its runs belong over
 * its decades (log_scale). */
#define SG_DESIGN_DECADES_NOTE 2.0
/* The decades factor f's bounds span (log10 max/min) when it is numeric,
 * spread over its range (not log_scale), min > 0 and the span is at least
 * SG_DESIGN_DECADES_NOTE; else 0. */
double sg_design_linear_decades(const sg_design_factor *f);

/* Check factors: min < max, finite, levels ascending inside bounds, step
 * >= 0 and not above max - min.  Messages name the factor. */
sg_status sg_design_check_factors(const sg_design_factor *f, size_t k, sg_error *err);

/* Generate the design for k factors; *out receives a new design the caller
 * frees with sg_design_destroy.  Does not keep f or opt. */
sg_status sg_design_generate(const sg_design_spec *spec, const sg_design_factor *f, size_t k,
                             const sg_design_options *opt, sg_design **out, sg_error *err);

/* Free a design; NULL is a no-op. */
void sg_design_destroy(sg_design *d);

#endif
