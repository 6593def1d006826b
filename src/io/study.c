/* study.c — load and validate a study file (schema in study.h / doc/study-file.md). */
#include "io/study.h"

#include "core/file.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "core/path.h"
#include "core/hash.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define STUDY_MAX_BYTES ((size_t)4 * 1024 * 1024)

static const char *const root_keys[] = {"study", "data",  "factor",   "response", "report",
                                        "model", "train", "optimize", "analysis", "simulate"};
static const char *const study_keys[] = {"name", "title", "seed"};
static const char *const data_keys[] = {"file", "sheet", "header_row"};
static const char *const factor_keys[] = {"name", "column", "unit", "min",   "max",
                                          "levels", "step", "prefer", "type", "scale"};
static const char *const response_keys[] = {"name",        "column",      "unit", "goal",
                                            "lower_limit", "upper_limit", "type", "levels",
                                            "scale"};
static const char *const factor_types[] = {"number", "category"};
static const char *const factor_scales[] = {"auto", "linear", "log"};
static const char *const response_types[] = {"number", "binary", "class"};
#define LABEL_MAX 64 /* characters in a category name */
static const char *const report_keys[] = {"file"};
static const char *const goal_names[] = {"none", "minimize", "maximize"};

const char *const sg_study_module_sections[] = {"model", "train", "optimize", "analysis",
                                                 "simulate"};
const size_t sg_study_n_module_sections = ARRAY_LEN(sg_study_module_sections);

const char *sg_response_kind_name(sg_response_kind k)
{
    return (unsigned)k < ARRAY_LEN(response_types) ? response_types[k] : "?";
}

size_t sg_labels_find(char *const *labels, size_t n, const char *text)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(labels[i], text) == 0)
            return i;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(labels[i], text) == 0)
            return i;
    return SIZE_MAX;
}

const char *sg_factor_format(const sg_factor *f, double v, int digits, char *buf, size_t size)
{
    if (f->categorical && f->n_levels > 0) {
        double c = round(v);
        size_t k = c <= 0 ? 0 : c >= (double)(f->n_levels - 1) ? f->n_levels - 1 : (size_t)c;
        snprintf(buf, size, "%s", f->labels[k]);
    } else {
        snprintf(buf, size, "%.*g", digits, v);
    }
    return buf;
}

/* Where f's settings are compared: log10 of them on a log scale. */
static double level_axis(const sg_factor *f, double v)
{
    return f->scale == SG_FACTOR_SCALE_LOG ? (v > 0 ? log10(v) : -INFINITY) : v;
}

double sg_factor_level_gap(const sg_factor *f)
{
    double gap = level_axis(f, f->max) - level_axis(f, f->min);
    for (size_t a = 0; a < f->n_levels; a++)
        for (size_t b = a + 1; b < f->n_levels; b++)
            if (f->levels[a] != f->levels[b])
                gap = fmin(gap, fabs(level_axis(f, f->levels[a]) - level_axis(f, f->levels[b])));
    return gap;
}

bool sg_factor_code_levels(const sg_factor *f, const double *x, size_t n, size_t stride,
                           int *codes, size_t code_stride, double *values, size_t *n_levels,
                           double *off)
{
    if (!f->n_levels || f->n_levels > SG_STUDY_MAX_LEVELS)
        return false;
    double tol = SG_FACTOR_NEAR_LEVEL * sg_factor_level_gap(f), worst = 0;
    bool used[SG_STUDY_MAX_LEVELS] = {false};
    for (size_t i = 0; i < n; i++) { /* the nearest declared level, if near */
        double v = x[i * stride], u = level_axis(f, v);
        size_t k = 0;
        for (size_t l = 1; l < f->n_levels; l++)
            if (fabs(u - level_axis(f, f->levels[l])) < fabs(u - level_axis(f, f->levels[k])))
                k = l;
        if (!(fabs(u - level_axis(f, f->levels[k])) <= tol))
            return false;
        worst = fmax(worst, fabs(v - f->levels[k]));
        used[k] = true;
        codes[i * code_stride] = (int)k;
    }
    int map[SG_STUDY_MAX_LEVELS];
    size_t m = 0;
    for (size_t r = 0; r < f->n_levels; r++) { /* used levels, ascending */
        size_t k = SIZE_MAX;
        for (size_t l = 0; l < f->n_levels; l++)
            if (used[l] && (k == SIZE_MAX || f->levels[l] < f->levels[k]))
                k = l;
        if (k == SIZE_MAX)
            break;
        used[k] = false;
        values[m] = f->levels[k];
        map[k] = (int)m++;
    }
    for (size_t i = 0; i < n; i++)
        codes[i * code_stride] = map[codes[i * code_stride]];
    *n_levels = m;
    *off = worst;
    return true;
}

char *const *sg_study_column_labels(const sg_study *s, size_t j, size_t *n)
{
    *n = 0;
    if (j < s->n_factors) {
        if (!s->factors[j].categorical)
            return NULL;
        *n = s->factors[j].n_levels;
        return s->factors[j].labels;
    }
    j -= s->n_factors;
    if (j >= s->n_responses || !s->responses[j].n_labels)
        return NULL;
    *n = s->responses[j].n_labels;
    return s->responses[j].labels;
}

void sg_study_mask_named_correlation(const sg_study *s, bool *defined)
{
    size_t nc = s->n_factors + s->n_responses;
    for (size_t j = 0; j < nc; j++) {
        size_t k;
        sg_study_column_labels(s, j, &k);
        if (k <= 2)
            continue;
        for (size_t i = 0; i < nc; i++)
            defined[i * nc + j] = defined[j * nc + i] = i == j;
    }
}

size_t sg_study_n_categorical(const sg_study *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_factors; i++)
        n += s->factors[i].categorical;
    return n;
}

const char *sg_study_goal_name(sg_goal g)
{
    return (unsigned)g < ARRAY_LEN(goal_names) ? goal_names[g] : "?";
}

sg_status sg_study_check_keys(const sg_toml_value *table, const char *section,
                              const char *const *allowed, size_t n, sg_error *err)
{
    size_t m = sg_toml_table_size(table);
    for (size_t i = 0; i < m; i++) {
        const char *key = sg_toml_table_key(table, i);
        bool ok = false;
        for (size_t k = 0; k < n && !ok; k++)
            ok = strcmp(key, allowed[k]) == 0;
        if (ok)
            continue;
        const char *hint = sg_str_suggest(key, allowed, n);
        if (hint)
            return sg_toml_error_at_key(err, SG_ERR_INVALID, table, i,
                                        "unknown key '%s' in %s; did you mean '%s'?", key,
                                        section, hint);
        char list[400] = "";
        size_t used = 0;
        for (size_t k = 0; k < n && used + 1 < sizeof list; k++) {
            int w = snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", allowed[k]);
            if (w < 0)
                break;
            used += (size_t)w;
        }
        return sg_toml_error_at_key(err, SG_ERR_INVALID, table, i,
                                    "unknown key '%s' in %s (allowed: %s)", key, section, list);
    }
    return SG_OK;
}

/* Root keys are sections: say so in the message. */
static sg_status check_root_keys(const sg_toml_value *root, sg_error *err)
{
    size_t m = sg_toml_table_size(root);
    for (size_t i = 0; i < m; i++) {
        const char *key = sg_toml_table_key(root, i);
        bool ok = false;
        for (size_t k = 0; k < ARRAY_LEN(root_keys) && !ok; k++)
            ok = strcmp(key, root_keys[k]) == 0;
        if (ok)
            continue;
        const char *hint = sg_str_suggest(key, root_keys, ARRAY_LEN(root_keys));
        if (hint)
            return sg_toml_error_at_key(err, SG_ERR_INVALID, root, i,
                                        "unknown section '%s'; did you mean '%s'?", key, hint);
        return sg_toml_error_at_key(err, SG_ERR_INVALID, root, i,
                                    "unknown section '%s' (sections: study, data, factor, "
                                    "response, report, model, train, optimize, analysis, "
                                    "simulate)",
                                    key);
    }
    return SG_OK;
}

static bool valid_identifier(const char *s, bool study_name)
{
    size_t n = strlen(s);
    if (n == 0 || n > SG_STUDY_NAME_MAX)
        return false;
    if (!isalpha((unsigned char)s[0]) && !(study_name && isdigit((unsigned char)s[0])))
        return false;
    for (size_t i = 1; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '_' && !(study_name && (c == '-' || c == '.')))
            return false;
    }
    return true;
}

/* Copy an optional string key into *dst (default def, may be NULL). */
static sg_status get_str(const sg_toml_value *t, const char *key, bool required, const char *def,
                         char **dst, sg_error *err)
{
    const char *v = def;
    sg_status st = sg_toml_get_string(t, key, required, &v, NULL, err);
    if (st != SG_OK)
        return st;
    if (v && !(*dst = sg_str_dup(v)))
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    return SG_OK;
}

/* [data] sheet and header_row: where a workbook's table is. */
static sg_status load_data_place(const sg_toml_value *t, sg_study *s, sg_error *err)
{
    int64_t row = 0;
    sg_status st = get_str(t, "sheet", false, NULL, &s->data_sheet, err);
    if (st == SG_OK)
        st = sg_toml_get_integer(t, "header_row", false, &row, NULL, err);
    if (st != SG_OK)
        return st;
    if (s->data_sheet && !s->data_sheet[0])
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "sheet"),
                                "sheet name is empty (leave 'sheet' out for the first sheet)");
    if (row < 0 || row > SG_STUDY_MAX_HEADER_ROW)
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "header_row"),
                                "header_row must be 1 to %d (0 or absent: found by the column "
                                "names), not %lld",
                                SG_STUDY_MAX_HEADER_ROW, (long long)row);
    s->data_header_row = (int)row;
    return SG_OK;
}

static sg_status get_finite(const sg_toml_value *t, const char *key, bool required, double *out,
                            sg_error *err)
{
    bool found = false;
    sg_status st = sg_toml_get_float(t, key, required, out, &found, err);
    if (st == SG_OK && found && !isfinite(*out))
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, key),
                                "'%s' must be a finite number", key);
    if (st == SG_OK && found && fabs(*out) > SG_DATA_MAX_ABS) /* as data values (table.h) */
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, key),
                                "'%s' (%g) is too large: values must lie within +-%g", key, *out,
                                SG_DATA_MAX_ABS);
    return st;
}

static sg_status check_name(const sg_toml_value *t, const char *name, const char *what,
                            sg_error *err)
{
    if (!valid_identifier(name, false))
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "name"),
                                "%s name '%s' must start with a letter and contain only letters, "
                                "digits and '_' (at most %d characters)",
                                what, name, SG_STUDY_NAME_MAX);
    return SG_OK;
}

/* A data column name goes into the header of `doe`'s CSV run sheet, which
 * people open in a spreadsheet: one starting with = + - @ (or TAB, CR)
 * would be run as a formula there (CSV injection).  It is refused rather
 * than escaped, because the filled-in run sheet becomes the data file and
 * must carry the column names unchanged. */
static sg_status check_column(const sg_toml_value *t, const char *column, sg_error *err)
{
    if (column && column[0] && strchr(SG_STUDY_FORMULA_START, column[0]))
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "column"),
                                "column '%s' starts with '%c': a spreadsheet would read it as a "
                                "formula (the run sheet of 'doe' has it in its header); rename "
                                "the column",
                                column, column[0]);
    return SG_OK;
}

/* One category name: a string, or a number written as text. */
static sg_status label_text(const sg_toml_value *v, const char *owner, char **out, sg_error *err)
{
    char num[40];
    const char *text = NULL;
    sg_toml_type ty = sg_toml_type_of(v);
    if (ty == SG_TOML_STRING)
        text = sg_toml_string(v, NULL);
    else if (ty == SG_TOML_INTEGER)
        snprintf(num, sizeof num, "%lld", (long long)sg_toml_integer(v)), text = num;
    else if (ty == SG_TOML_FLOAT && isfinite(sg_toml_float(v)))
        snprintf(num, sizeof num, "%.15g", sg_toml_float(v)), text = num;
    else
        return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                "levels of '%s' must be names (or numbers), not a %s", owner,
                                sg_toml_type_name(ty));
    size_t n = strlen(text);
    const char *p = text;
    if (n == 0 || n > LABEL_MAX || isspace((unsigned char)p[0]) ||
        isspace((unsigned char)p[n - 1]))
        return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                "level name \"%s\" of '%s' must be 1 to %d characters without "
                                "spaces at either end",
                                text, owner, LABEL_MAX);
    if (strchr(SG_STUDY_FORMULA_START, p[0]) && ty == SG_TOML_STRING)
        return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                "level name \"%s\" of '%s' may not start with '%c' (a "
                                "spreadsheet would read it as a formula)",
                                text, owner, p[0]);
    if (!(*out = sg_str_dup(text)))
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    return SG_OK;
}

/* levels = [names...] of a categorical factor or response: 2 .. max
 * distinct names (ignoring case, as the data are matched). */
static sg_status load_labels(const sg_toml_value *arr, const char *owner, size_t max,
                             char ***labels, size_t *n_labels, sg_error *err)
{
    size_t n = sg_toml_array_size(arr);
    if (n < 2 || n > max)
        return sg_toml_error_at(err, SG_ERR_INVALID, arr,
                                "'levels' of '%s' needs 2 to %zu names, got %zu", owner, max, n);
    if (!(*labels = calloc(n, sizeof **labels)))
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const sg_toml_value *v = sg_toml_array_at(arr, i);
        sg_status st = label_text(v, owner, &(*labels)[i], err);
        *n_labels = i + (st == SG_OK);
        if (st)
            return st;
        for (size_t j = 0; j < i; j++)
            if (strcasecmp((*labels)[j], (*labels)[i]) == 0)
                return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                        "level \"%s\" of '%s' is listed twice", (*labels)[i],
                                        owner);
    }
    return SG_OK;
}

/* type = "number" | "category" (factors), "number" | "binary" | "class"
 * (responses) into *kind; absent: *kind unchanged. */
static sg_status load_type(const sg_toml_value *t, const char *const *names, size_t n,
                           int *kind, sg_error *err)
{
    const char *ty = NULL;
    sg_status st = sg_toml_get_string(t, "type", false, &ty, NULL, err);
    if (st || !ty)
        return st;
    for (size_t i = 0; i < n; i++)
        if (strcmp(ty, names[i]) == 0) {
            *kind = (int)i;
            return SG_OK;
        }
    char list[80] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s\"%s\"", i ? ", " : "",
                 names[i]);
    return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "type"),
                            "type \"%s\" is not one of %s", ty, list);
}

/* A factor whose settings are names: levels 0 .. k-1, step 1. */
static sg_status load_category(const sg_toml_value *t, sg_factor *f, sg_error *err)
{
    static const char *const numeric_only[] = {"min", "max", "step", "scale"};
    for (size_t i = 0; i < ARRAY_LEN(numeric_only); i++)
        if (sg_toml_table_get(t, numeric_only[i]))
            return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, numeric_only[i]),
                                    "'%s' does not apply to the category factor '%s': its "
                                    "settings are the names in 'levels'",
                                    numeric_only[i], f->name);
    const sg_toml_value *arr = NULL;
    bool found = false;
    sg_status st = sg_toml_get_array(t, "levels", false, &arr, &found, err);
    if (st)
        return st;
    if (!found)
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "type"),
                                "category factor '%s' needs levels = [\"name\", ...]", f->name);
    if ((st = load_labels(arr, f->name, SG_STUDY_MAX_LEVELS, &f->labels, &f->n_levels, err)))
        return st;
    if (!(f->levels = malloc(f->n_levels * sizeof *f->levels)))
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < f->n_levels; i++)
        f->levels[i] = (double)i;
    f->categorical = true;
    f->min = 0;
    f->max = (double)(f->n_levels - 1);
    f->step = 1;
    const sg_toml_value *pv = sg_toml_table_get(t, "prefer");
    if (!pv)
        return SG_OK;
    size_t k = sg_toml_type_of(pv) == SG_TOML_STRING
                   ? sg_labels_find(f->labels, f->n_levels, sg_toml_string(pv, NULL))
                   : SIZE_MAX;
    if (k == SIZE_MAX)
        return sg_toml_error_at(err, SG_ERR_INVALID, pv,
                                "prefer of the category factor '%s' must be one of its levels",
                                f->name);
    f->prefer = SG_PREFER_VALUE;
    f->prefer_value = (double)k;
    return SG_OK;
}

/* True when levels = [...] holds a string: a category factor. */
static bool has_text_levels(const sg_toml_value *t)
{
    const sg_toml_value *arr = sg_toml_table_get(t, "levels");
    if (!arr || sg_toml_type_of(arr) != SG_TOML_ARRAY)
        return false;
    for (size_t i = 0; i < sg_toml_array_size(arr); i++)
        if (sg_toml_type_of(sg_toml_array_at(arr, i)) == SG_TOML_STRING)
            return true;
    return false;
}

/* levels = N: N settings evenly spaced from min to max (by ratios on a log
 * scale), as an engineer says "three levels". */
static sg_status count_levels(const sg_toml_value *v, sg_factor *f, sg_error *err)
{
    int64_t k = sg_toml_integer(v);
    if (k < 2 || k > SG_STUDY_MAX_LEVELS)
        return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                "levels = %lld: a count of levels must be 2 to %d (or list the "
                                "settings, levels = [%g, ..., %g])",
                                (long long)k, SG_STUDY_MAX_LEVELS, f->min, f->max);
    size_t n = (size_t)k;
    if (!(f->levels = malloc(n * sizeof *f->levels)))
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    bool lg = f->scale == SG_FACTOR_SCALE_LOG;
    double a = lg ? log10(f->min) : f->min, b = lg ? log10(f->max) : f->max;
    for (size_t i = 0; i < n; i++) {
        double u = a + (b - a) * (double)i / (double)(n - 1);
        f->levels[i] = lg ? pow(10.0, u) : u;
    }
    f->levels[0] = f->min; /* exactly the bounds, whatever the rounding */
    f->levels[n - 1] = f->max;
    f->n_levels = n;
    return SG_OK;
}

static sg_status load_levels(const sg_toml_value *t, sg_factor *f, sg_error *err)
{
    const sg_toml_value *arr = sg_toml_table_get(t, "levels");
    if (arr && sg_toml_type_of(arr) == SG_TOML_INTEGER)
        return count_levels(arr, f, err);
    bool found = false;
    sg_status st = sg_toml_get_array(t, "levels", false, &arr, &found, err);
    if (st != SG_OK || !found)
        return st;
    size_t n = sg_toml_array_size(arr);
    if (n < 2)
        return sg_toml_error_at(err, SG_ERR_INVALID, arr,
                                "'levels' needs at least 2 values, got %zu", n);
    if (n > SG_STUDY_MAX_LEVELS)
        return sg_toml_error_at(err, SG_ERR_INVALID, arr, "'levels' has more than %d values",
                                SG_STUDY_MAX_LEVELS);
    f->levels = malloc(n * sizeof *f->levels);
    if (!f->levels)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const sg_toml_value *v = sg_toml_array_at(arr, i);
        sg_toml_type ty = sg_toml_type_of(v);
        double x;
        if (ty == SG_TOML_INTEGER)
            x = (double)sg_toml_integer(v);
        else if (ty == SG_TOML_FLOAT)
            x = sg_toml_float(v);
        else
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "'levels' must contain numbers, not a %s",
                                    sg_toml_type_name(ty));
        if (!isfinite(x))
            return sg_toml_error_at(err, SG_ERR_INVALID, v, "levels must be finite numbers");
        if (x < f->min || x > f->max)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "level %g of factor '%s' is outside its bounds [%g, %g]", x,
                                    f->name, f->min, f->max);
        for (size_t j = 0; j < i; j++)
            if (f->levels[j] == x)
                return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                        "level %g of factor '%s' is listed twice", x, f->name);
        f->levels[i] = x;
        f->n_levels = i + 1;
    }
    return SG_OK;
}

/* prefer = "low" | "high" | a number within [min, max]: the setting to keep
 * when the factor turns out to have no effect (optim/recommend.h). */
static sg_status load_prefer(const sg_toml_value *t, sg_factor *f, sg_error *err)
{
    const sg_toml_value *v = sg_toml_table_get(t, "prefer");
    if (!v)
        return SG_OK;
    if (sg_toml_type_of(v) == SG_TOML_STRING) {
        const char *p = NULL;
        sg_status st = sg_toml_get_string(t, "prefer", false, &p, NULL, err);
        if (st)
            return st;
        if (strcmp(p, "low") == 0 || strcmp(p, "high") == 0) {
            f->prefer = p[0] == 'l' ? SG_PREFER_LOW : SG_PREFER_HIGH;
            return SG_OK;
        }
        return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                "prefer '%s' of factor '%s' must be \"low\", \"high\" or a number "
                                "within min .. max",
                                p, f->name);
    }
    sg_status st = get_finite(t, "prefer", false, &f->prefer_value, err);
    if (st)
        return st;
    if (f->prefer_value < f->min || f->prefer_value > f->max)
        return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                "prefer (%g) of factor '%s' must lie within min .. max (%g .. %g)",
                                f->prefer_value, f->name, f->min, f->max);
    f->prefer = SG_PREFER_VALUE;
    return SG_OK;
}

const char *sg_factor_scale_name(sg_factor_scale s)
{
    return (size_t)s < ARRAY_LEN(factor_scales) ? factor_scales[s] : "?";
}

/* scale = "auto" | "linear" | "log"; a log scale needs min above 0. */
static sg_status load_scale(const sg_toml_value *t, sg_factor *f, sg_error *err)
{
    const char *sc = NULL;
    sg_status st = sg_toml_get_string(t, "scale", false, &sc, NULL, err);
    if (st || !sc)
        return st;
    for (size_t i = 0; i < ARRAY_LEN(factor_scales); i++)
        if (strcmp(sc, factor_scales[i]) == 0)
            f->scale = (sg_factor_scale)i;
    if (f->scale == SG_FACTOR_SCALE_AUTO && strcmp(sc, "auto") != 0)
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "scale"),
                                "scale \"%s\" of factor '%s' is not one of \"auto\", "
                                "\"linear\", \"log\"",
                                sc, f->name);
    if (f->scale == SG_FACTOR_SCALE_LOG && !(f->min > 0))
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "scale"),
                                "factor '%s' has scale = \"log\" but min = %g: a log scale "
                                "needs settings above 0",
                                f->name, f->min);
    return SG_OK;
}

static sg_status load_factor(const sg_toml_value *t, sg_factor *f, sg_error *err)
{
    sg_status st;
    f->table = t;
    if ((st = sg_study_check_keys(t, "[[factor]]", factor_keys, ARRAY_LEN(factor_keys), err)) ||
        (st = get_str(t, "name", true, NULL, &f->name, err)) ||
        (st = check_name(t, f->name, "factor", err)) ||
        (st = get_str(t, "column", false, f->name, &f->column, err)) ||
        (st = check_column(t, f->column, err)) ||
        (st = get_str(t, "unit", false, "", &f->unit, err)))
        return st;
    int kind = has_text_levels(t);
    if ((st = load_type(t, factor_types, ARRAY_LEN(factor_types), &kind, err)))
        return st;
    if (kind == 0 && has_text_levels(t))
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "levels"),
                                "factor '%s' has type \"number\" but names among its levels; "
                                "use type = \"category\" for named settings",
                                f->name);
    if (kind == 1)
        return load_category(t, f, err);
    if ((st = get_finite(t, "min", true, &f->min, err)) ||
        (st = get_finite(t, "max", true, &f->max, err)))
        return st;
    if (f->min >= f->max)
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "min"),
                                "min (%g) must be below max (%g) for factor '%s'", f->min, f->max,
                                f->name);
    if ((st = load_scale(t, f, err)) || (st = load_levels(t, f, err)) ||
        (st = get_finite(t, "step", false, &f->step, err)) || (st = load_prefer(t, f, err)))
        return st;
    if (sg_toml_table_get(t, "step") && (f->step <= 0 || f->step > f->max - f->min))
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "step"),
                                "step (%g) must be above 0 and at most max - min (%g)", f->step,
                                f->max - f->min);
    if (sg_toml_table_get(t, "step") &&
        !((f->max - f->min) / f->step < (double)SG_STUDY_MAX_STEP_VALUES))
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "step"),
                                "step (%g) is too small: max - min (%g) would hold %.3g settings, "
                                "more than the %.0e that can be enumerated; use a larger step, or "
                                "none for a continuous setting",
                                f->step, f->max - f->min, (f->max - f->min) / f->step,
                                (double)SG_STUDY_MAX_STEP_VALUES);
    return SG_OK;
}

/* lower_limit / upper_limit: values the response cannot pass physically. */
static sg_status load_limits(const sg_toml_value *t, sg_response *r, sg_error *err)
{
    sg_status st;
    r->lower_limit = -INFINITY;
    r->upper_limit = INFINITY;
    if ((st = get_finite(t, "lower_limit", false, &r->lower_limit, err)) ||
        (st = get_finite(t, "upper_limit", false, &r->upper_limit, err)))
        return st;
    if (!(r->lower_limit < r->upper_limit))
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "upper_limit"),
                                "upper_limit (%g) must be above lower_limit (%g) for response "
                                "'%s'",
                                r->upper_limit, r->lower_limit, r->name);
    return SG_OK;
}

bool sg_response_clip(const sg_response *r, double *lo, double *hi)
{
    bool clipped = false;
    if (*lo < r->lower_limit) {
        *lo = r->lower_limit;
        clipped = true;
    }
    if (*hi > r->upper_limit) {
        *hi = r->upper_limit;
        clipped = true;
    }
    return clipped;
}

/* type = "binary" | "class" and its levels: a response holding names. */
static sg_status load_verdict(const sg_toml_value *t, sg_response *r, sg_error *err)
{
    int kind = SG_RESPONSE_NUMBER;
    sg_status st = load_type(t, response_types, ARRAY_LEN(response_types), &kind, err);
    if (st)
        return st;
    r->kind = (sg_response_kind)kind;
    const sg_toml_value *arr = sg_toml_table_get(t, "levels");
    if (r->kind == SG_RESPONSE_NUMBER) {
        if (arr)
            return sg_toml_error_at(err, SG_ERR_INVALID, arr,
                                    "'levels' applies to a response of type \"binary\" or "
                                    "\"class\"; '%s' is a number",
                                    r->name);
        return SG_OK;
    }
    static const char *const limit_keys[] = {"lower_limit", "upper_limit", "goal"};
    for (size_t i = 0; i < ARRAY_LEN(limit_keys); i++)
        if (sg_toml_table_get(t, limit_keys[i]))
            return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, limit_keys[i]),
                                    "'%s' does not apply to the %s response '%s' (constrain or "
                                    "optimise its probability in [optimize])",
                                    limit_keys[i], sg_response_kind_name(r->kind), r->name);
    if (!arr && r->kind == SG_RESPONSE_CLASS)
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "type"),
                                "class response '%s' needs levels = [\"A\", \"B\", ...]",
                                r->name);
    if (!arr) {
        r->n_labels = 2;
        if (!(r->labels = calloc(2, sizeof *r->labels)) || !(r->labels[0] = sg_str_dup("0")) ||
            !(r->labels[1] = sg_str_dup("1")))
            return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        return SG_OK;
    }
    if (sg_toml_type_of(arr) != SG_TOML_ARRAY)
        return sg_toml_error_at(err, SG_ERR_INVALID, arr, "'levels' must be an array of names");
    size_t max = r->kind == SG_RESPONSE_BINARY ? 2 : SG_STUDY_MAX_LEVELS;
    if (r->kind == SG_RESPONSE_BINARY && sg_toml_array_size(arr) != 2)
        return sg_toml_error_at(err, SG_ERR_INVALID, arr,
                                "binary response '%s' needs exactly 2 levels (the second is the "
                                "outcome whose probability is modelled, e.g. [\"no\", "
                                "\"yes\"]), got %zu",
                                r->name, sg_toml_array_size(arr));
    return load_labels(arr, r->name, max, &r->labels, &r->n_labels, err);
}

/* scale = "linear" | "log" of a numeric response; a log scale needs any
 * lower_limit at or above 0 (the values must be above 0). */
static sg_status load_response_scale(const sg_toml_value *t, sg_response *r, sg_error *err)
{
    const char *sc = NULL;
    sg_status st = sg_toml_get_string(t, "scale", false, &sc, NULL, err);
    if (st || !sc)
        return st;
    const sg_toml_value *at = sg_toml_table_get(t, "scale");
    if (strcmp(sc, "linear") != 0 && strcmp(sc, "log") != 0)
        return sg_toml_error_at(err, SG_ERR_INVALID, at,
                                "scale \"%s\" of response '%s' is not one of \"linear\", "
                                "\"log\"",
                                sc, r->name);
    r->log_scale = strcmp(sc, "log") == 0;
    if (r->log_scale && r->kind != SG_RESPONSE_NUMBER)
        return sg_toml_error_at(err, SG_ERR_INVALID, at,
                                "scale = \"log\" applies to a numeric response; '%s' holds "
                                "names",
                                r->name);
    if (r->log_scale && isfinite(r->lower_limit) && r->lower_limit < 0)
        return sg_toml_error_at(err, SG_ERR_INVALID, at,
                                "response '%s' has scale = \"log\" but lower_limit = %g: a "
                                "log scale needs values above 0",
                                r->name, r->lower_limit);
    return SG_OK;
}

static sg_status load_response(const sg_toml_value *t, sg_response *r, sg_error *err)
{
    sg_status st;
    r->table = t;
    const char *goal = "none";
    if ((st = sg_study_check_keys(t, "[[response]]", response_keys, ARRAY_LEN(response_keys),
                                  err)) ||
        (st = get_str(t, "name", true, NULL, &r->name, err)) ||
        (st = check_name(t, r->name, "response", err)) ||
        (st = get_str(t, "column", false, r->name, &r->column, err)) ||
        (st = check_column(t, r->column, err)) ||
        (st = get_str(t, "unit", false, "", &r->unit, err)) ||
        (st = sg_toml_get_string(t, "goal", false, &goal, NULL, err)))
        return st;
    if ((st = load_limits(t, r, err)) || (st = load_verdict(t, r, err)) ||
        (st = load_response_scale(t, r, err)))
        return st;
    for (size_t g = 0; g < ARRAY_LEN(goal_names); g++)
        if (strcmp(goal, goal_names[g]) == 0) {
            r->goal = (sg_goal)g;
            return SG_OK;
        }
    const char *hint = sg_str_suggest(goal, goal_names, ARRAY_LEN(goal_names));
    char extra[64] = "";
    if (hint)
        snprintf(extra, sizeof extra, "; did you mean \"%s\"?", hint);
    return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "goal"),
                            "goal must be \"minimize\", \"maximize\" or \"none\", not \"%s\"%s",
                            goal, extra);
}

/* The array-of-tables `key` (required, >= 1 entry) as tables. */
static sg_status get_table_array(const sg_toml_value *root, const char *key, size_t max,
                                 const sg_toml_value **arr, size_t *n, const char *src,
                                 sg_error *err)
{
    bool found = false;
    const sg_toml_value *v = sg_toml_table_get(root, key);
    if (v && sg_toml_type_of(v) != SG_TOML_ARRAY)
        return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                "'%s' must be an array of tables (write [[%s]], not [%s])", key,
                                key, key);
    sg_status st = sg_toml_get_array(root, key, false, arr, &found, err);
    if (st != SG_OK)
        return st;
    if (!found || sg_toml_array_size(*arr) == 0)
        return sg_error_set(err, SG_ERR_INVALID,
                            "%s:1:1: missing section [[%s]]: the study needs at least one %s",
                            src, key, key);
    *n = sg_toml_array_size(*arr);
    if (*n > max)
        return sg_toml_error_at(err, SG_ERR_LIMIT, sg_toml_array_at(*arr, max),
                                "more than %zu [[%s]] sections", max, key);
    for (size_t i = 0; i < *n; i++) {
        const sg_toml_value *e = sg_toml_array_at(*arr, i);
        if (sg_toml_type_of(e) != SG_TOML_TABLE)
            return sg_toml_error_at(err, SG_ERR_INVALID, e,
                                    "'%s' must be an array of tables ([[%s]]), found a %s", key,
                                    key, sg_toml_type_name(sg_toml_type_of(e)));
    }
    return SG_OK;
}

/* Each name and each column is used once across factors and responses. */
static sg_status check_unique(const sg_study *s, sg_error *err)
{
    size_t n = s->n_factors + s->n_responses;
    for (size_t i = 0; i < n; i++) {
        bool fi = i < s->n_factors;
        const sg_toml_value *ti = fi ? s->factors[i].table : s->responses[i - s->n_factors].table;
        const char *ni = fi ? s->factors[i].name : s->responses[i - s->n_factors].name;
        const char *ci = fi ? s->factors[i].column : s->responses[i - s->n_factors].column;
        for (size_t j = 0; j < i; j++) {
            bool fj = j < s->n_factors;
            const sg_toml_value *tj =
                fj ? s->factors[j].table : s->responses[j - s->n_factors].table;
            const char *nj = fj ? s->factors[j].name : s->responses[j - s->n_factors].name;
            const char *cj = fj ? s->factors[j].column : s->responses[j - s->n_factors].column;
            if (strcmp(ni, nj) == 0)
                return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(ti, "name"),
                                        "duplicate name '%s' (already used by the %s at line %d)",
                                        ni, fj ? "factor" : "response", sg_toml_line(tj));
            if (strcmp(ci, cj) == 0) {
                const sg_toml_value *at = sg_toml_table_get(ti, "column");
                return sg_toml_error_at(
                    err, SG_ERR_INVALID, at ? at : sg_toml_table_get(ti, "name"),
                    "column '%s' is used twice (already used by %s '%s' at line %d)", ci,
                    fj ? "factor" : "response", nj, sg_toml_line(tj));
            }
        }
    }
    return SG_OK;
}

/* A study's keys and strings are C strings: refuse U+0000 (written
 * "\u0000") anywhere in the tree, with its position, instead of letting a
 * name be cut short at it. */
static sg_status check_no_nul(const sg_toml_value *v, sg_error *err)
{
    size_t len = 0;
    switch (sg_toml_type_of(v)) {
    case SG_TOML_TABLE:
        for (size_t i = 0; i < sg_toml_table_size(v); i++) {
            if (strlen(sg_toml_table_key(v, i)) != sg_toml_table_key_len(v, i))
                return sg_toml_error_at_key(err, SG_ERR_INVALID, v, i,
                                            "key '%s\\u0000...' contains U+0000, which a "
                                            "study does not allow",
                                            sg_toml_table_key(v, i));
            sg_status st = check_no_nul(sg_toml_table_value(v, i), err);
            if (st != SG_OK)
                return st;
        }
        return SG_OK;
    case SG_TOML_ARRAY:
        for (size_t i = 0; i < sg_toml_array_size(v); i++) {
            sg_status st = check_no_nul(sg_toml_array_at(v, i), err);
            if (st != SG_OK)
                return st;
        }
        return SG_OK;
    case SG_TOML_STRING: {
        const char *str = sg_toml_string(v, &len);
        if (strlen(str) != len)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "string '%s\\u0000...' contains U+0000, which a study does "
                                    "not allow",
                                    str);
        return SG_OK;
    }
    default:
        return SG_OK;
    }
}

static sg_status load_tree(sg_study *s, sg_error *err)
{
    const sg_toml_value *root = sg_toml_root(s->doc);
    const char *src = sg_toml_source(s->doc);
    const sg_toml_value *t = NULL, *arr = NULL;
    sg_status st;
    if ((st = check_no_nul(root, err)) || (st = check_root_keys(root, err)))
        return st;
    /* [study] */
    if ((st = sg_toml_get_table(root, "study", false, &t, NULL, err)))
        return st;
    if (!t)
        return sg_error_set(err, SG_ERR_INVALID, "%s:1:1: missing section [study] (with name = ...)",
                            src);
    if ((st = sg_study_check_keys(t, "[study]", study_keys, ARRAY_LEN(study_keys), err)) ||
        (st = get_str(t, "name", true, NULL, &s->name, err)))
        return st;
    if (!valid_identifier(s->name, true))
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "name"),
                                "study name '%s' may contain only letters, digits, '_', '-' and "
                                "'.' (at most %d characters; it names output files); free text "
                                "goes in title = \"...\"",
                                s->name, SG_STUDY_NAME_MAX);
    if ((st = get_str(t, "title", false, s->name, &s->title, err)))
        return st;
    int64_t seed = SG_STUDY_DEFAULT_SEED;
    if ((st = sg_toml_get_integer(t, "seed", false, &seed, NULL, err)))
        return st;
    if (seed < 0)
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "seed"),
                                "seed must be 0 or more, not %lld", (long long)seed);
    s->seed = (uint64_t)seed;
    /* [data] */
    t = NULL;
    if ((st = sg_toml_get_table(root, "data", false, &t, NULL, err)))
        return st;
    /* [data] may be absent before any simulation ran (doe plans them);
     * sg_study_load_data then says it is missing. */
    if (t && ((st = sg_study_check_keys(t, "[data]", data_keys, ARRAY_LEN(data_keys), err)) ||
              (st = get_str(t, "file", true, NULL, &s->data_file, err))))
        return st;
    if (t && !s->data_file[0])
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "file"),
                                "data file name is empty");
    if (t && (st = load_data_place(t, s, err)))
        return st;
    /* [[factor]], [[response]] */
    size_t n = 0;
    if ((st = get_table_array(root, "factor", SG_STUDY_MAX_FACTORS, &arr, &n, src, err)))
        return st;
    if (!(s->factors = calloc(n, sizeof *s->factors)))
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        s->n_factors = i + 1;
        if ((st = load_factor(sg_toml_array_at(arr, i), &s->factors[i], err)))
            return st;
    }
    if ((st = get_table_array(root, "response", SG_STUDY_MAX_RESPONSES, &arr, &n, src, err)))
        return st;
    if (!(s->responses = calloc(n, sizeof *s->responses)))
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        s->n_responses = i + 1;
        if ((st = load_response(sg_toml_array_at(arr, i), &s->responses[i], err)))
            return st;
    }
    if ((st = check_unique(s, err)))
        return st;
    /* [report] */
    t = NULL;
    if ((st = sg_toml_get_table(root, "report", false, &t, NULL, err)))
        return st;
    if (t && ((st = sg_study_check_keys(t, "[report]", report_keys, ARRAY_LEN(report_keys), err)) ||
              (st = get_str(t, "file", false, NULL, &s->report_file, err))))
        return st;
    if (!s->report_file) {
        size_t len = strlen(s->name) + sizeof "../reports/.xlsx";
        if (!(s->report_file = malloc(len)))
            return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        snprintf(s->report_file, len, "../reports/%s.xlsx", s->name);
    } else if (!s->report_file[0]) {
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "file"),
                                "report file name is empty");
    }
    /* Sections of later modules: tables, validated by those modules. */
    const sg_toml_value **mod[] = {&s->model, &s->train, &s->optimize, &s->analysis,
                                   &s->simulate};
    for (size_t i = 0; i < ARRAY_LEN(mod); i++)
        if ((st = sg_toml_get_table(root, sg_study_module_sections[i], false, mod[i], NULL, err)))
            return st;
    if ((s->data_file && !(s->data_path = sg_path_join(s->dir, s->data_file))) ||
        !(s->report_path = sg_path_join(s->dir, s->report_file)))
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    return SG_OK;
}

static void free_labels(char **labels, size_t n)
{
    for (size_t i = 0; labels && i < n; i++)
        free(labels[i]);
    free(labels);
}

void sg_study_destroy(sg_study *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_factors; i++) {
        free(s->factors[i].name);
        free(s->factors[i].column);
        free(s->factors[i].unit);
        free(s->factors[i].levels);
        free_labels(s->factors[i].labels, s->factors[i].n_levels);
    }
    free(s->factors);
    for (size_t i = 0; i < s->n_responses; i++) {
        free(s->responses[i].name);
        free(s->responses[i].column);
        free(s->responses[i].unit);
        free_labels(s->responses[i].labels, s->responses[i].n_labels);
    }
    free(s->responses);
    free(s->path);
    free(s->dir);
    free(s->name);
    free(s->title);
    free(s->data_file);
    free(s->data_path);
    free(s->data_sheet);
    free(s->report_file);
    free(s->report_path);
    sg_toml_destroy(s->doc);
    free(s);
}

sg_status sg_study_load_buffer(const char *buf, size_t len, const char *path, sg_study **out,
                               sg_error *err)
{
    *out = NULL;
    sg_status st;
    sg_study *s = calloc(1, sizeof *s);
    if (!s)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    s->seed = SG_STUDY_DEFAULT_SEED;
    s->study_hash = sg_hash_fnv1a64(buf, len, SG_HASH_FNV1A64_INIT);
    if (!(s->path = sg_str_dup(path)) || !(s->dir = sg_path_dirname(path))) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if ((st = sg_toml_parse(buf, len, path, &s->doc, err)) != SG_OK)
        goto fail;
    if ((st = load_tree(s, err)) != SG_OK) {
        if (st == SG_ERR_NOMEM)
            sg_error_prefix(err, path);
        goto fail;
    }
    *out = s;
    return SG_OK;
fail:
    sg_study_destroy(s);
    return st;
}

sg_status sg_study_load(const char *path, sg_study **out, sg_error *err)
{
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    sg_status st = sg_file_read(path, STUDY_MAX_BYTES, &buf, &len, err);
    if (st == SG_OK)
        st = sg_study_load_buffer(buf, len, path, out, err);
    free(buf);
    return st;
}

sg_status sg_study_load_data(const sg_study *s, sg_table **out, sg_error *err)
{
    *out = NULL;
    if (!s->data_path)
        return sg_error_set(err, SG_ERR_INVALID,
                            "%s:1:1: missing section [data] (with file = \"table.csv\"): only "
                            "doe works before the data exist",
                            s->path);
    size_t n = s->n_factors + s->n_responses;
    const char **cols = malloc(2 * n * sizeof *cols);
    char *const **labels = calloc(n, sizeof *labels);
    size_t *n_labels = calloc(n, sizeof *n_labels);
    if (!cols || !labels || !n_labels) {
        free(cols), free(labels), free(n_labels);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    }
    const char **units = cols + n;
    for (size_t i = 0; i < s->n_factors; i++) {
        cols[i] = s->factors[i].column;
        units[i] = s->factors[i].unit;
        if (s->factors[i].categorical) {
            labels[i] = s->factors[i].labels;
            n_labels[i] = s->factors[i].n_levels;
        }
    }
    for (size_t i = 0; i < s->n_responses; i++) {
        cols[s->n_factors + i] = s->responses[i].column;
        units[s->n_factors + i] = s->responses[i].unit;
        labels[s->n_factors + i] = s->responses[i].labels;
        n_labels[s->n_factors + i] = s->responses[i].n_labels;
    }
    sg_table_request req = {.columns = cols, .n_cols = n, .n_factors = s->n_factors,
                            .units = units, .sheet = s->data_sheet,
                            .header_row = s->data_header_row, .labels = labels,
                            .n_labels = n_labels};
    size_t bad = SIZE_MAX;
    sg_error e;
    sg_error_clear(&e);
    sg_status st = sg_table_read(s->data_path, &req, out, &bad, &e);
    free(cols);
    free(labels);
    free(n_labels);
    if (st == SG_OK)
        return SG_OK;
    if (bad != SIZE_MAX && bad < n) {
        const sg_toml_value *t =
            bad < s->n_factors ? s->factors[bad].table : s->responses[bad - s->n_factors].table;
        const sg_toml_value *at = sg_toml_table_get(t, "column");
        return sg_toml_error_at(err, st, at ? at : sg_toml_table_get(t, "name"), "%s", e.msg);
    }
    if (err) {
        err->status = st;
        memcpy(err->msg, e.msg, sizeof err->msg);
    }
    return st;
}
