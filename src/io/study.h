/* study.h — the study file: what the data are and what to do with them.
 *
 * A study is a TOML file (see doc/study-file.md):
 *   [study]      name (required), title, seed
 *   [data]       file (CSV, .xlsx or .xls, relative to the study file; the section
 *                may be absent until the data exist: sg_study_load_data then
 *                fails, doe works), sheet (workbook sheet; default the first),
 *                header_row (default: the first row naming the study's columns)
 *   [[factor]]   name, column, unit, min, max, levels, step, prefer (>= 1);
 *                type = "category" (or text levels) for a named-level factor
 *   [[response]] name, column, unit, goal, lower_limit, upper_limit (>= 1);
 *                type = "binary" | "class" with levels (names) for a verdict
 *   [report]     file (default ../reports/<name>.xlsx relative to the study)
 *   [model] [train] [optimize] [analysis] [simulate]
 *                settings owned by later modules: kept as TOML tables
 *                (study->model etc.) for their own validating loaders.
 * sg_study_load validates everything it owns and reports the first problem
 * as "STUDY:LINE:COL: message" (unknown keys get a did-you-mean hint).
 */
#ifndef SG_STUDY_H
#define SG_STUDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "io/table.h"
#include "io/toml.h"

#define SG_STUDY_DEFAULT_SEED 42
#define SG_STUDY_NAME_MAX 64   /* characters in study/factor/response names */
#define SG_STUDY_MAX_FACTORS 64
#define SG_STUDY_MAX_RESPONSES 64
#define SG_STUDY_MAX_LEVELS 64
#define SG_STUDY_MAX_HEADER_ROW 1048576 /* a spreadsheet's last row */
/* First characters a data column name may not have: a spreadsheet reads a
 * cell starting with one of them as a formula (OWASP, "CSV injection"). */
#define SG_STUDY_FORMULA_START "=+-@\t\r"
/* A factor step may give at most this many settings ((max - min) / step + 1;
 * the optimiser's SG_OPTIM_MAX_STEP_VALUES, 1e15). */
#define SG_STUDY_MAX_STEP_VALUES 1000000000000000ULL

typedef enum sg_goal { SG_GOAL_NONE = 0, SG_GOAL_MINIMIZE, SG_GOAL_MAXIMIZE } sg_goal;

/* "none", "minimize", "maximize". */
const char *sg_study_goal_name(sg_goal g);

/* [[factor]] prefer: which setting to keep when the factor has no effect. */
typedef enum sg_prefer {
    SG_PREFER_NONE = 0, /* the best tested run's setting */
    SG_PREFER_LOW,      /* min */
    SG_PREFER_HIGH,     /* max */
    SG_PREFER_VALUE     /* prefer_value */
} sg_prefer;

/* How a numeric factor enters the models: scale = "auto" (default: fit
 * takes the log when the runs are spread over decades by ratios, see
 * model/fit.h), "linear" or "log" (the models see log10 of the setting;
 * min must be above 0). */
typedef enum sg_factor_scale {
    SG_FACTOR_SCALE_AUTO = 0,
    SG_FACTOR_SCALE_LINEAR,
    SG_FACTOR_SCALE_LOG
} sg_factor_scale;

/* "auto", "linear", "log". */
const char *sg_factor_scale_name(sg_factor_scale s);

/* A categorical factor or response is held in the table by the index of
 * its name among `labels` (0 .. n_labels - 1): the data file holds the
 * names, the reader turns them into these codes.  A categorical factor has
 * min = 0, max = n_labels - 1, step = 1 and levels 0 .. n_labels - 1, so
 * every numeric stage sees a level-coded factor; only the model (one-hot
 * inputs), the optimiser (every category searched) and the output (names)
 * treat it as a set of names. */
typedef struct sg_factor {
    char *name;        /* identifier: letter, then letters/digits/_ */
    bool categorical;  /* type = "category": labels name the levels */
    char **labels;     /* categorical: n_levels names (distinct), else NULL */
    char *column;      /* CSV column (default: name) */
    char *unit;        /* free text, "" when not given */
    double min, max;   /* bounds in data units, min < max */
    size_t n_levels;   /* 0 when no levels were declared */
    double *levels;    /* declared levels, as written (distinct, within [min, max]) */
    double step;       /* > 0: settings restricted to min + k*step; 0 = continuous;
                          (max - min) / step + 1 <= SG_STUDY_MAX_STEP_VALUES */
    sg_prefer prefer;  /* prefer = "low" | "high" | value; SG_PREFER_NONE when absent */
    sg_factor_scale scale; /* scale = "auto" | "linear" | "log"; numeric factors only */
    double prefer_value; /* SG_PREFER_VALUE: within [min, max] */
    const sg_toml_value *table; /* the [[factor]] table (positions for messages) */
} sg_factor;

/* What a response holds: a number, a pass/fail verdict (two names, the
 * second is the "positive" class whose probability is modelled) or one of
 * several classes. */
typedef enum sg_response_kind {
    SG_RESPONSE_NUMBER = 0,
    SG_RESPONSE_BINARY,
    SG_RESPONSE_CLASS
} sg_response_kind;

/* "number", "binary", "class". */
const char *sg_response_kind_name(sg_response_kind k);

typedef struct sg_response {
    char *name;
    sg_response_kind kind; /* [[response]] type; default SG_RESPONSE_NUMBER */
    size_t n_labels;   /* binary: 2; class: 2 .. SG_STUDY_MAX_LEVELS; number: 0 */
    char **labels;     /* class names (binary default "0", "1"); codes 0 .. n_labels - 1 */
    char *column;      /* CSV column (default: name) */
    char *unit;
    sg_goal goal;      /* default SG_GOAL_NONE */
    double lower_limit, upper_limit; /* physical limits (-inf / +inf when not given) */
    bool log_scale;    /* scale = "log": the models fit log10 of the values (all > 0) */
    const sg_toml_value *table; /* the [[response]] table */
} sg_response;

/* Setting v of factor f as text: its name for a categorical factor (the
 * code rounded to the nearest level), else "%.*g" with `digits` significant
 * digits.  Returns buf. */
const char *sg_factor_format(const sg_factor *f, double v, int digits, char *buf, size_t size);

/* A value within this share of the smallest gap between a factor's
 * declared levels is read as that level by the orthogonal-array analyses
 * (an achieved 1089.7 C for a nominal 1090 C, levels 30 C apart; for
 * scale = "log", in decades); the model always uses the value as it is. */
#define SG_FACTOR_NEAR_LEVEL 0.1

/* Smallest gap between factor f's distinct declared levels (its range
 * when it has fewer than two), in decades for scale = "log". */
double sg_factor_level_gap(const sg_factor *f);

/* Code the column x (n values, stride doubles apart) of factor f on its
 * declared levels, each value to the level it lies near (above).  The
 * levels that occur go to values (room for f->n_levels), ascending, their
 * number to *n_levels, each value's index to codes (code_stride ints
 * apart), and the largest distance of a value from its level to *off.
 * False, with nothing defined, when f declares no levels or a value is
 * near none. */
bool sg_factor_code_levels(const sg_factor *f, const double *x, size_t n, size_t stride,
                           int *codes, size_t code_stride, double *values, size_t *n_levels,
                           double *off);

/* Index of `text` among labels[0..n) (exact, else ignoring case); SIZE_MAX
 * when absent. */
size_t sg_labels_find(char *const *labels, size_t n, const char *text);

/* Clip the interval lo..hi to r's physical limits; true when it changed. */
bool sg_response_clip(const sg_response *r, double *lo, double *hi);

/* A loaded study; free with sg_study_destroy. */
typedef struct sg_study {
    char *path;        /* study file as given */
    char *dir;         /* its directory: base for relative paths */
    char *name;
    char *title;       /* default: name */
    uint64_t seed;     /* default SG_STUDY_DEFAULT_SEED */
    char *data_file;   /* as written; NULL without [data] */
    char *data_path;   /* resolved against dir; NULL without [data] */
    char *data_sheet;  /* [data] sheet, NULL = the first sheet */
    int data_header_row; /* [data] header_row, 0 = found by the column names */
    char *report_file; /* as written (or the default) */
    char *report_path; /* resolved against dir */
    size_t n_factors;
    sg_factor *factors;
    size_t n_responses;
    sg_response *responses;
    uint64_t study_hash; /* FNV-1a 64 of the study file's bytes */
    /* The parsed document stays alive so later modules can validate their
     * sections; each pointer is NULL when the section is absent. */
    sg_toml_doc *doc;
    const sg_toml_value *model, *train, *optimize, *analysis, *simulate;
} sg_study;

/* Names of data column j (factors, then responses) when it holds names:
 * *n gets their number; NULL (and *n = 0) for a numeric column. */
char *const *sg_study_column_labels(const sg_study *s, size_t j, size_t *n);
/* Mark as undefined (defined[i * nc + j] = false) every correlation with a
 * column of more than 2 names: its codes have no order, so Pearson's r means
 * nothing (with 2 names it is the point-biserial correlation).  nc = the
 * study's factors + responses. */
void sg_study_mask_named_correlation(const sg_study *s, bool *defined);
/* Number of categorical factors of s. */
size_t sg_study_n_categorical(const sg_study *s);

/* Read, parse and validate the study file at path.  On success *out is a
 * new study (caller destroys); on failure *out is NULL and err holds
 * "path:line:col: message" (or "path: message" for I/O errors).
 * Statuses: SG_ERR_IO, SG_ERR_PARSE (TOML syntax), SG_ERR_INVALID, SG_ERR_NOMEM. */
sg_status sg_study_load(const char *path, sg_study **out, sg_error *err);

/* Same from a buffer; `path` is used for messages and for resolving
 * relative paths. */
sg_status sg_study_load_buffer(const char *buf, size_t len, const char *path,
                               sg_study **out, sg_error *err);

/* Load the study's data: columns are the factors' then the responses'
 * columns, in study order (so table column j is factor j for j < n_factors).
 * A column missing from the file is reported at the study position of its
 * `column` (or `name`) key, listing the columns that exist. */
sg_status sg_study_load_data(const sg_study *s, sg_table **out, sg_error *err);

/* Free the study, its document and everything in it.  NULL is a no-op. */
void sg_study_destroy(sg_study *s);

/* Sections of the study handled by later modules (for their loaders):
 * "model", "train", "optimize", "analysis", "simulate". */
extern const char *const sg_study_module_sections[];
extern const size_t sg_study_n_module_sections;

/* Fail with "source:line:col: unknown key 'k' in [section]; did you mean
 * 'x'?" for the first key of table not in allowed[0..n).  For later
 * modules' loaders; SG_OK when every key is known. */
sg_status sg_study_check_keys(const sg_toml_value *table, const char *section,
                              const char *const *allowed, size_t n, sg_error *err);

#endif
