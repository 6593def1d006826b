/* taguchi.h — orthogonal-array analysis of one response: main effects,
 * signal-to-noise ratios, ANOVA with estimable two-factor interactions, and
 * the best level combination of the additive main-effects model.
 *
 * Input: n runs, k factors given as level codes (int, 0..L_f-1, row-major
 * n x k), each factor's name, unit and level values (engineering units, for
 * reporting only), and one response vector y (n, one value per run, in the
 * response's unit).  All input arrays are read, never kept: every string and
 * figure needed later is copied into the result.
 *
 * Output: one caller-owned sg_taguchi_result, freed with
 * sg_taguchi_result_destroy().  A figure that cannot be computed is never NaN:
 * it carries a non-NULL reason string (e.g. "no error degrees of freedom")
 * and its value is 0.  The library never prints; sg_taguchi_write_text()
 * writes tables to a FILE* the caller passes and sg_taguchi_to_json() builds
 * a cJSON tree.  See doc/taguchi.md for the formulas and rules.
 */
#ifndef SG_TAGUCHI_H
#define SG_TAGUCHI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cJSON.h>

#include "core/error.h"

/* ---- limits and named tolerances ---------------------------------------- */
#define SG_TAGUCHI_MAX_RUNS 1024
#define SG_TAGUCHI_MAX_FACTORS 64
#define SG_TAGUCHI_MAX_LEVELS 64
#define SG_TAGUCHI_NAME_MAX 128     /* longest factor / response name kept */
#define SG_TAGUCHI_UNIT_MAX 32      /* longest unit string kept */
#define SG_TAGUCHI_REASON_MAX 256   /* longest per-term reason kept */
#define SG_TAGUCHI_NOTES_MAX 2048   /* longest notes text kept */
/* Default minimum error degrees of freedom that must remain after adding an
 * interaction to the model. */
#define SG_TAGUCHI_DEFAULT_MIN_ERROR_DF 2
/* A column whose norm after projection on the model falls below this
 * fraction of its original norm is linearly dependent (aliased). */
#define SG_TAGUCHI_RANK_TOL 1e-9
/* Two term spaces are orthogonal when every cosine between their
 * orthonormal bases (Frobenius norm of B1'B2) is below this. */
#define SG_TAGUCHI_ORTHO_TOL 1e-9
/* A sum of squares is zero when its square root is below this fraction of
 * the root of sum(y^2) (rounding noise of the data). */
#define SG_TAGUCHI_ZERO_REL 1e-12
/* Two factor values are the same level when they differ by at most this
 * fraction of the larger magnitude (sg_taguchi_code_levels). */
#define SG_TAGUCHI_LEVEL_REL 1e-9
/* Two deltas (or level means) are tied when they differ by less than this
 * fraction of max|y| (or max|S/N|). */
#define SG_TAGUCHI_TIE_REL 1e-12

/* Confidence level of the interval around the predicted response. */
#define SG_TAGUCHI_CI_LEVEL 0.95

/* Goal of the response, as in the study file (minimize / maximize / none). */
typedef enum sg_taguchi_goal {
    SG_TAGUCHI_MINIMIZE = 0, /* smaller-the-better */
    SG_TAGUCHI_MAXIMIZE,     /* larger-the-better */
    SG_TAGUCHI_NONE          /* nominal-the-best (target form if a target is given) */
} sg_taguchi_goal;

/* Signal-to-noise ratio used for a goal. */
typedef enum sg_taguchi_sn_kind {
    SG_SN_SMALLER_BETTER = 0, /* -10 log10(y^2) */
    SG_SN_LARGER_BETTER,      /* -10 log10(1/y^2) */
    SG_SN_NOMINAL_TARGET      /* -10 log10((y - m)^2), needs a target m */
} sg_taguchi_sn_kind;

/* One factor of the input.  Borrowed by sg_taguchi_analyze (copied). */
typedef struct sg_taguchi_factor {
    const char *name;           /* e.g. "thickness_um"; required */
    const char *unit;           /* e.g. "um"; NULL or "" for none */
    int n_levels;               /* L >= 2 */
    const double *level_values; /* L values in units; NULL reports the codes 0..L-1 */
    const char *const *level_names; /* L names of a named-level factor, or NULL */
} sg_taguchi_factor;

/* The data to analyse.  Borrowed (copied where kept). */
typedef struct sg_taguchi_input {
    size_t n_runs;                     /* n >= 2 */
    size_t n_factors;                  /* k >= 1 */
    const int *levels;                 /* n x k row-major level codes 0..L_f-1 */
    const sg_taguchi_factor *factors;  /* k factors */
    const double *y;                   /* n finite responses, in response_unit */
    const char *response_name;         /* required */
    const char *response_unit;         /* NULL or "" for none */
    sg_taguchi_goal goal;
    bool has_target;                   /* goal NONE: a target value is given */
    double target;                     /* in response_unit, when has_target */
    const size_t *run_numbers;         /* NULL, or n labels of the runs (1-based rows of
                                          the table; copied): the runs analysed are a
                                          subset, as a factorial's without its centre runs */
} sg_taguchi_input;

/* Analysis options; start from sg_taguchi_options_default(). */
typedef struct sg_taguchi_options {
    bool interactions; /* try two-factor interactions (default true) */
    int min_error_df;  /* error df that must remain after each interaction (default 2, >= 1) */
    bool pool;         /* Taguchi pooling when error df < min_error_df (default false) */
} sg_taguchi_options;

/* One level of one factor in the main-effects tables. */
typedef struct sg_taguchi_level {
    double value;      /* level value in the factor's unit */
    char name[SG_TAGUCHI_NAME_MAX]; /* a named level's name ("vacuum"), else "" */
    size_t n_runs;     /* runs at this level */
    double mean;       /* mean response at this level */
    double sn_mean;    /* mean of the per-run S/N at this level, dB */
    const char *sn_na; /* non-NULL: why sn_mean cannot be computed */
} sg_taguchi_level;

/* Main effects of one factor. */
typedef struct sg_taguchi_main {
    char name[SG_TAGUCHI_NAME_MAX];
    char unit[SG_TAGUCHI_UNIT_MAX];
    int n_levels;
    sg_taguchi_level *levels; /* n_levels, owned by the result */
    double delta;             /* max - min of level means */
    int rank;                 /* 1 = largest delta; ties: earlier factor first */
    double sn_delta;          /* max - min of S/N level means, dB */
    int sn_rank;              /* 1 = largest S/N delta; 0 when sn_na */
    const char *sn_na;        /* non-NULL: why sn_delta / sn_rank are missing */
    int best_level;           /* by the goal on level means; -1 when best_na */
    int best_sn_level;        /* largest S/N level mean; -1 when sn_na */
} sg_taguchi_main;

typedef enum sg_taguchi_term_kind { SG_TERM_MAIN = 0, SG_TERM_INTERACTION } sg_taguchi_term_kind;

/* One row of the ANOVA table (factor or interaction). */
typedef struct sg_taguchi_term {
    sg_taguchi_term_kind kind;
    int f1, f2;            /* factor indices; f2 = -1 for a main effect */
    char name[2 * SG_TAGUCHI_NAME_MAX + 8]; /* "A" or "A x B" */
    int df_nominal;        /* (L-1) or (L1-1)(L2-1) */
    int df;                /* degrees of freedom actually estimated (rank added) */
    double ss;             /* sum of squares (sequential, Type I), unit^2 */
    double ms;             /* ss / df */
    double f, p;           /* F = ms / ms_error, p = Q_F(F; df, df_error) */
    const char *f_na;      /* non-NULL: why F and p are missing */
    double pct;            /* 100 ss / ss_total */
    double pct_pure;       /* 100 (ss - df ms_error) / ss_total */
    const char *pct_na;    /* non-NULL: why pct is missing */
    const char *pct_pure_na; /* non-NULL: why pct_pure is missing */
    bool pooled;           /* pooled into the error (pooling option) */
    double effect;         /* Lenth (result's lenth): the effect, high level mean minus
                              low (a main effect; an interaction's is its magnitude) */
    double lenth_t, lenth_p; /* |effect| / PSE, two-sided p on lenth_df */
    char note[SG_TAGUCHI_REASON_MAX]; /* aliases carried, partial confounding; may be "" */
} sg_taguchi_term;

/* A two-factor interaction considered for the model. */
typedef struct sg_taguchi_candidate {
    int f1, f2;
    bool estimated;
    int term;                               /* index in terms[] or -1 */
    char reason[SG_TAGUCHI_REASON_MAX];     /* why not estimated; "" if estimated */
} sg_taguchi_candidate;

/* Everything computed for one response.  Caller owns; free with
 * sg_taguchi_result_destroy. */
typedef struct sg_taguchi_result {
    char response[SG_TAGUCHI_NAME_MAX];
    char unit[SG_TAGUCHI_UNIT_MAX];
    size_t n_runs, n_factors;
    sg_taguchi_goal goal;
    bool has_target;
    double target;
    double grand_mean;         /* mean of y */
    double *y;                 /* n copies of the response */
    size_t *run_no;            /* n run labels (1..n unless the input gave others) */

    /* signal-to-noise per run */
    sg_taguchi_sn_kind sn_kind;
    const char *sn_name;       /* "smaller-the-better", ... */
    const char *sn_formula;    /* "-10 log10(y^2)", ... */
    double *sn;                /* n values in dB (0 where sn_ok[i] false) */
    bool *sn_ok;               /* n flags */
    const char *sn_na;         /* non-NULL: why some or all S/N are missing */
    double sn_grand_mean;      /* mean S/N over runs (valid when !sn_na) */

    sg_taguchi_main *mains;    /* n_factors */

    /* ANOVA */
    bool orthogonal;           /* main effects mutually orthogonal */
    sg_taguchi_term *terms;    /* n_terms: mains in factor order, then interactions */
    size_t n_terms;
    sg_taguchi_candidate *candidates; /* n_candidates, in the order tried */
    size_t n_candidates;
    double ss_total; int df_total;
    double ss_error; int df_error; double ms_error;
    const char *ms_error_na;   /* non-NULL: why ms_error is missing (df 0) */
    double pct_error, pct_error_pure;
    const char *pct_error_na, *pct_error_pure_na;
    int min_error_df;
    bool pooling_applied;
    /* Lenth's method (Lenth 1989) for an unreplicated two-level design
     * whose every term has 1 df and no df is left for error (before any
     * pooling): each effect c against the pseudo standard error PSE = 1.5
     * median{|c| : |c| < 2.5 s0}, s0 = 1.5 median |c|, as t on m / 3 df (m
     * effects).  The effects judged by their own robust scale, with no
     * choice of which to pool after seeing them. */
    bool lenth;
    double lenth_pse, lenth_df; /* response unit; degrees of freedom m / 3 */
    double lenth_me, lenth_sme; /* margins of error: t(0.975, df) PSE; simultaneous,
                                   t((1 + 0.95^(1/m)) / 2, df) PSE */

    /* best level combination (additive main-effects model) */
    const char *best_na;       /* non-NULL: why no best combination */
    double predicted;          /* ybar + sum(level mean - ybar) */
    double predicted_ci;       /* half-width of the SG_TAGUCHI_CI_LEVEL confidence interval
                                  of predicted: sqrt(F(1, df_error) ms_error / n_eff) */
    double n_eff;              /* n / (1 + sum of main-effect df) */
    const char *predicted_ci_na; /* non-NULL: why predicted_ci is missing */
    size_t best_tested;        /* runs of the array at the best combination by mean (0: it
                                  was not run; then the prediction is all there is) */
    size_t best_tested_run;    /* the first of them (0-based, as the runs of the input) */
    double best_tested_mean;   /* their mean response (0 when none) */
    const char *best_sn_na;    /* non-NULL: why no best S/N combination */
    double predicted_sn;       /* S/N mean + sum(S/N level mean - S/N mean) */

    char notes[SG_TAGUCHI_NOTES_MAX]; /* warnings for the user, one per line; may be "" */
} sg_taguchi_result;

/* Fewest 1-df effects Lenth's method is applied to (an L8's seven). */
#define SG_TAGUCHI_LENTH_MIN_EFFECTS 6

/* The default options (interactions on, min_error_df 2, no pooling). */
sg_taguchi_options sg_taguchi_options_default(void);

/* Short name of a goal ("minimize", "maximize", "none"). */
const char *sg_taguchi_goal_name(sg_taguchi_goal goal);

/* Signal-to-noise ratio of one observation y in dB for kind (target m used by
 * SG_SN_NOMINAL_TARGET only).  Returns SG_OK and *out, or SG_ERR_NUMERIC with
 * the reason in err when the ratio is unbounded (y = 0, y = m). */
sg_status sg_taguchi_sn(sg_taguchi_sn_kind kind, double y, double m, double *out, sg_error *err);

/* Find the distinct values of one factor column (n values x[i*stride]) and
 * code each run: values (capacity max_levels) receives the levels in
 * increasing order, *n_levels their count, codes[i*code_stride] the level of
 * run i.  Values within SG_TAGUCHI_LEVEL_REL are one level.  Returns
 * SG_ERR_INVALID with the reason when a value is not finite, when there are
 * more than max_levels distinct values (the factor is not discrete) or only
 * one. */
sg_status sg_taguchi_code_levels(const double *x, size_t n, size_t stride, int max_levels,
                                 double *values, int *n_levels, int *codes, size_t code_stride,
                                 sg_error *err);

/* Analyse in (borrowed) with opt (NULL = defaults).  On success *out is a new
 * result the caller frees with sg_taguchi_result_destroy; on failure *out is NULL
 * and err says why (SG_ERR_INVALID for bad input, SG_ERR_LIMIT, SG_ERR_NOMEM). */
sg_status sg_taguchi_analyze(const sg_taguchi_input *in, const sg_taguchi_options *opt,
                             sg_taguchi_result **out, sg_error *err);

/* Free a result and everything it owns.  NULL is a no-op. */
void sg_taguchi_result_destroy(sg_taguchi_result *res);

/* One sentence on the array's own runs at the best combination by mean
 * into buf (cap bytes; "" when there is no best combination): "run in this
 * array: run 3 measured 1.031 %, 0.06333 % above the prediction, outside
 * its interval: ...", or "not run in this array: ...". */
void sg_taguchi_best_tested_text(const sg_taguchi_result *r, char *buf, size_t cap);

/* Write the plain-text tables (main effects, S/N, ANOVA, interactions, best
 * combination, notes) of res to fp (not closed; never stdout by itself).
 * Returns SG_ERR_IO if a write fails. */
sg_status sg_taguchi_write_text(const sg_taguchi_result *res, FILE *fp, sg_error *err);

/* Every figure of res as a JSON object (core/json.h); missing figures are
 * null with a sibling "<name>_reason" string.  SG_ERR_INVALID when res is
 * NULL, SG_ERR_NOMEM (no tree) when out of memory; caller owns *out
 * (cJSON_Delete). */
sg_status sg_taguchi_to_json(const sg_taguchi_result *res, cJSON **out, sg_error *err);

#endif
