/* optimize_spec.c — validate [optimize] and map it to optimiser settings. */
#include "optim/optimize_spec.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "core/num.h"

_Static_assert(SG_STUDY_MAX_STEP_VALUES == SG_OPTIM_MAX_STEP_VALUES,
               "a [[factor]] step valid in the study must be valid for the optimiser");

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* A bound may exceed the factor's range by this fraction of it (rounding). */
#define SG_OPTSPEC_BOUND_TOL 1e-12

static const char *const optimize_keys[] = {
    "response", "weights",   "sense",    "risk",     "constraints", "bounds",
    "fixed",    "step",      "levels_only", "algorithm", "local",   "starts",
    "max_evals", "max_time", "ftol_rel", "xtol_rel", "threads", "sub_algorithm", "global_mode",
    "constraint_confidence",
};

void sg_optimize_spec_destroy(sg_optimize_spec *sp)
{
    if (!sp)
        return;
    if (sp->levels)
        for (size_t i = 0; i < sp->n_factors; i++)
            free(sp->levels[i]);
    free(sp->levels);
    free(sp->n_levels);
    free(sp->levels_only);
    free(sp->step);
    free(sp->fixed);
    free(sp->has_fixed);
    free(sp->lb);
    free(sp->ub);
    free(sp->cons);
    free(sp->weights);
    free(sp->focus);
    free(sp->algorithm);
    free(sp->local);
    free(sp->sub_algorithm);
    free(sp);
}

/* ---- name lookup -------------------------------------------------------- */

static long find_factor(const sg_study *s, const char *name)
{
    for (size_t i = 0; i < s->n_factors; i++)
        if (strcmp(s->factors[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* "A", "B" or "C" (names quoted, the last after "or") into buf. */
static void join_labels(char *const *labels, size_t n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s\"%s\"",
                                 i == 0 ? "" : i + 1 == n ? " or " : ", ", labels[i]);
}

/* "P(name)" at q naming one of rs's names: its code, with *end just past
 * the ')'; SIZE_MAX (*end untouched) when q holds no such text. */
static size_t parse_probability_of(const sg_response *rs, const char *q, const char **end)
{
    const char *close = q[0] == 'P' && q[1] == '(' ? strchr(q, ')') : NULL;
    char lbuf[80];
    if (!close || (size_t)(close - q - 2) >= sizeof lbuf)
        return SIZE_MAX;
    memcpy(lbuf, q + 2, (size_t)(close - q - 2));
    lbuf[close - q - 2] = '\0';
    size_t c = sg_labels_find(rs->labels, rs->n_labels, lbuf);
    if (c != SIZE_MAX)
        *end = close + 1;
    return c;
}

static long find_response(const sg_study *s, const char *name)
{
    for (size_t i = 0; i < s->n_responses; i++)
        if (strcmp(s->responses[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* "; did you mean 'x'?" or " (responses: a, b, c)" into buf. */
static void name_hint(const char *word, int factors, const sg_study *s, char *buf, size_t cap)
{
    size_t n = factors ? s->n_factors : s->n_responses;
    const char *names[SG_STUDY_MAX_FACTORS > SG_STUDY_MAX_RESPONSES ? SG_STUDY_MAX_FACTORS
                                                                     : SG_STUDY_MAX_RESPONSES];
    for (size_t i = 0; i < n; i++)
        names[i] = factors ? s->factors[i].name : s->responses[i].name;
    const char *hint = sg_str_suggest(word, names, n);
    if (hint) {
        snprintf(buf, cap, "; did you mean '%s'?", hint);
        return;
    }
    size_t used = (size_t)snprintf(buf, cap, " (%s: ", factors ? "factors" : "responses");
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", names[i]);
    if (used < cap)
        snprintf(buf + used, cap - used, ")");
}

/* Factor named by key i of table, or an error at the key. */
static sg_status key_factor(const sg_toml_value *t, size_t i, const char *what, const sg_study *s,
                            size_t *out, sg_error *err)
{
    const char *key = sg_toml_table_key(t, i);
    long f = find_factor(s, key);
    if (f < 0) {
        char hint[512];
        name_hint(key, 1, s, hint, sizeof hint);
        return sg_toml_error_at_key(err, SG_ERR_INVALID, t, i, "unknown factor '%s' in %s%s", key,
                                    what, hint);
    }
    *out = (size_t)f;
    return SG_OK;
}

static sg_status number_of(const sg_toml_value *v, const char *what, double *out, sg_error *err)
{
    sg_toml_type ty = sg_toml_type_of(v);
    if (ty == SG_TOML_INTEGER)
        *out = (double)sg_toml_integer(v);
    else if (ty == SG_TOML_FLOAT)
        *out = sg_toml_float(v);
    else
        return sg_toml_error_at(err, SG_ERR_INVALID, v, "%s must be a number, not a %s", what,
                                sg_toml_type_name(ty));
    if (!isfinite(*out))
        return sg_toml_error_at(err, SG_ERR_INVALID, v, "%s must be finite", what);
    return SG_OK;
}

/* ---- constraints -------------------------------------------------------- */

sg_status sg_optimize_spec_parse_constraint(const char *text, const sg_study *s, sg_optimize_spec_con *out,
                                      size_t *col_off, sg_error *err)
{
    const char *p = text;
    *col_off = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *name = p;
    if (!(isalpha((unsigned char)*p) || *p == '_')) {
        *col_off = (size_t)(p - text);
        return sg_error_set(err, SG_ERR_INVALID,
                            "expected a response name, as in \"stress_path2 <= 450\"");
    }
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    size_t nlen = (size_t)(p - name);
    char nbuf[SG_STUDY_NAME_MAX + 2];
    if (nlen > SG_STUDY_NAME_MAX) {
        *col_off = (size_t)(name - text);
        return sg_error_set(err, SG_ERR_INVALID, "response name too long");
    }
    memcpy(nbuf, name, nlen);
    nbuf[nlen] = '\0';
    long r = find_response(s, nbuf);
    if (r < 0) {
        char hint[512];
        name_hint(nbuf, 0, s, hint, sizeof hint);
        *col_off = (size_t)(name - text);
        return sg_error_set(err, SG_ERR_INVALID, "unknown response '%s'%s", nbuf, hint);
    }
    while (*p == ' ' || *p == '\t')
        p++;
    const sg_response *rs = &s->responses[r];
    size_t label = SIZE_MAX; /* a probability constraint: the outcome named */
    if (*p == ':') {
        if (rs->kind == SG_RESPONSE_NUMBER) {
            *col_off = (size_t)(p - text);
            return sg_error_set(err, SG_ERR_INVALID,
                                "'%s' is a number, not a pass/fail outcome: constrain its value, "
                                "as in \"%s <= 450\" (P(...) applies to responses of type "
                                "\"binary\" or \"class\")",
                                nbuf, nbuf);
        }
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        const char *open = p;
        label = parse_probability_of(rs, p, &p);
        if (label == SIZE_MAX) {
            char names[256];
            join_labels(rs->labels, rs->n_labels, names, sizeof names);
            *col_off = (size_t)(open - text);
            return sg_error_set(err, SG_ERR_INVALID,
                                "expected P(outcome) with an outcome of '%s' (%s), as in "
                                "\"%s: P(%s) <= 0.05\"",
                                nbuf, names, nbuf, rs->labels[rs->n_labels - 1]);
        }
        while (*p == ' ' || *p == '\t')
            p++;
    } else if (rs->kind != SG_RESPONSE_NUMBER) {
        *col_off = (size_t)(p - text);
        return sg_error_set(err, SG_ERR_INVALID,
                            "'%s' is %s, as in \"%s: P(%s) <= 0.05\"", nbuf,
                            rs->kind == SG_RESPONSE_BINARY
                                ? "a pass/fail outcome: constrain its probability"
                                : "a class response: constrain the probability of one of its "
                                  "names",
                            nbuf, rs->labels[rs->n_labels - 1]);
    }
    int ge;
    if (p[0] == '<' && p[1] == '=')
        ge = 0;
    else if (p[0] == '>' && p[1] == '=')
        ge = 1;
    else {
        *col_off = (size_t)(p - text);
        return sg_error_set(err, SG_ERR_INVALID, "expected '<=' or '>=' after '%s'", nbuf);
    }
    p += 2;
    while (*p == ' ' || *p == '\t')
        p++;
    char *end;
    double b = sg_num_parse(p, &end);
    if (end == p || !isfinite(b)) {
        *col_off = (size_t)(p - text);
        return sg_error_set(err, SG_ERR_INVALID, "expected a finite number after '%s'",
                            ge ? ">=" : "<=");
    }
    p = end;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p) {
        *col_off = (size_t)(p - text);
        return sg_error_set(err, SG_ERR_INVALID, "unexpected '%s' after the number", p);
    }
    if (label != SIZE_MAX && !(b >= 0 && b <= 1)) {
        *col_off = (size_t)(end - text);
        return sg_error_set(err, SG_ERR_INVALID, "a probability lies between 0 and 1, not %g", b);
    }
    out->response = (size_t)r;
    out->ge = ge;
    out->bound = b;
    out->cls = rs->kind == SG_RESPONSE_CLASS ? label : SIZE_MAX;
    out->first_outcome = false;
    if (label == SIZE_MAX) {
        sg_num_snprintf(out->text, sizeof out->text, "%s %s %.10g", nbuf, ge ? ">=" : "<=", b);
        return SG_OK;
    }
    sg_num_snprintf(out->text, sizeof out->text, "%s: P(%s) %s %.10g", nbuf, rs->labels[label],
                    ge ? ">=" : "<=", b);
    if (label == 0 && rs->kind == SG_RESPONSE_BINARY) { /* the model predicts P(second
                                                           outcome) = 1 - P(first) */
        out->ge = !ge;
        out->bound = 1.0 - b;
        out->first_outcome = true;
    }
    return SG_OK;
}

static sg_status load_constraints(const sg_toml_value *opt, const sg_study *s,
                                  sg_optimize_spec *sp, sg_error *err)
{
    const sg_toml_value *arr = NULL;
    sg_status st = sg_toml_get_array(opt, "constraints", false, &arr, NULL, err);
    if (st || !arr)
        return st;
    size_t n = sg_toml_array_size(arr);
    if (n > SG_OPTSPEC_MAX_CONS)
        return sg_toml_error_at(err, SG_ERR_LIMIT, arr, "at most %d constraints",
                                SG_OPTSPEC_MAX_CONS);
    sp->cons = calloc(n ? n : 1, sizeof *sp->cons);
    if (!sp->cons)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const sg_toml_value *v = sg_toml_array_at(arr, i);
        if (sg_toml_type_of(v) != SG_TOML_STRING)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "constraints must be strings like \"stress_path2 <= 450\", "
                                    "not a %s",
                                    sg_toml_type_name(sg_toml_type_of(v)));
        sg_error e;
        size_t off;
        if (sg_optimize_spec_parse_constraint(sg_toml_string(v, NULL), s, &sp->cons[i], &off, &e))
            /* +1: the opening quote (basic strings without escapes). */
            return sg_error_set(err, SG_ERR_INVALID, "%s:%d:%d: constraint: %s",
                                sg_toml_value_source(v), sg_toml_line(v),
                                sg_toml_col(v) + 1 + (int)off, e.msg);
        /* the model's prediction of a class response is the probability of
         * the objective's name, else of the first constrained name; the
         * other names' constraints are evaluated on their own (decide.c) */
        const sg_optimize_spec_con *c = &sp->cons[i];
        if (c->cls != SIZE_MAX && sp->focus[c->response] == SIZE_MAX)
            sp->focus[c->response] = c->cls;
    }
    sp->n_cons = n;
    return SG_OK;
}

sg_status sg_optimize_spec_focus_model(const sg_optimize_spec *sp, sg_model *m, sg_error *err)
{
    if (!sp || !m || sg_model_n_out(m) != sp->n_responses)
        return sg_error_set(err, SG_ERR_INVALID, "optimize: the model does not match the study");
    for (size_t j = 0; j < sp->n_responses; j++) {
        if (!sg_model_is_class(m, j))
            continue;
        sg_status st = sg_model_set_focus(m, j, sp->focus[j], err);
        if (st != SG_OK)
            return st;
    }
    return SG_OK;
}

const char *sg_optimize_spec_prob_name(const sg_optimize_spec *sp, const sg_study *s, size_t j)
{
    const sg_response *rs = &s->responses[j];
    if (rs->kind == SG_RESPONSE_BINARY)
        return rs->labels[1];
    if (rs->kind == SG_RESPONSE_CLASS && sp && sp->focus && sp->focus[j] != SIZE_MAX)
        return rs->labels[sp->focus[j]];
    return NULL;
}

bool sg_optimize_spec_con_own(const sg_optimize_spec *sp, size_t i)
{
    const sg_optimize_spec_con *c = &sp->cons[i];
    return c->cls != SIZE_MAX && sp->focus && c->cls != sp->focus[c->response];
}

bool sg_optimize_spec_inside(const sg_optimize_spec *sp, const double *x)
{
    for (size_t i = 0; i < sp->n_factors; i++) {
        double tol = 1e-9 * fmax(sp->ub[i] - sp->lb[i], fabs(sp->ub[i]));
        if (sp->has_fixed[i] ? !(fabs(x[i] - sp->fixed[i]) <= tol)
                             : !(x[i] >= sp->lb[i] - tol && x[i] <= sp->ub[i] + tol))
            return false;
    }
    return true;
}

double sg_optimize_spec_con_observed(const sg_optimize_spec *sp, size_t i, double v)
{
    const sg_optimize_spec_con *c = &sp->cons[i];
    if (c->cls == SIZE_MAX || !isfinite(v))
        return sg_optimize_spec_observed(sp, c->response, v);
    return v == (double)c->cls ? 1.0 : 0.0;
}

const char *sg_optimize_spec_con_prob_name(const sg_optimize_spec *sp, const sg_study *s,
                                           size_t i)
{
    const sg_optimize_spec_con *c = &sp->cons[i];
    if (c->cls != SIZE_MAX)
        return s->responses[c->response].labels[c->cls];
    if (c->first_outcome)
        return s->responses[c->response].labels[0];
    return sg_optimize_spec_prob_name(sp, s, c->response);
}

double sg_optimize_spec_con_stated(const sg_optimize_spec *sp, size_t i, double v)
{
    return sp->cons[i].first_outcome ? 1.0 - v : v;
}

double sg_optimize_spec_observed(const sg_optimize_spec *sp, size_t j, double v)
{
    if (!sp->focus || j >= sp->n_responses || sp->focus[j] == SIZE_MAX || !isfinite(v))
        return v;
    return v == (double)sp->focus[j] ? 1.0 : 0.0;
}

/* ---- objective ---------------------------------------------------------- */

static sg_status load_objective(const sg_toml_value *opt, const sg_study *s,
                                sg_optimize_spec *sp, sg_error *err)
{
    sg_status st;
    const char *resp = NULL, *sense = NULL;
    const sg_toml_value *w = NULL;
    if (opt && ((st = sg_toml_get_string(opt, "response", false, &resp, NULL, err)) ||
        (st = sg_toml_get_table(opt, "weights", false, &w, NULL, err)) ||
        (st = sg_toml_get_string(opt, "sense", false, &sense, NULL, err))))
        return st;
    if (resp && w)
        return sg_toml_error_at(err, SG_ERR_INVALID, w,
                                "give either 'response' or 'weights' in [optimize], not both");
    if (sense) {
        if (!strcmp(sense, "minimize") || !strcmp(sense, "minimise"))
            sp->sense = SG_OPTIM_MINIMIZE;
        else if (!strcmp(sense, "maximize") || !strcmp(sense, "maximise"))
            sp->sense = SG_OPTIM_MAXIMIZE;
        else /* "max", "Maximum", "min": what was meant is plain */
            return sg_toml_error_at(
                err, SG_ERR_INVALID, sg_toml_table_get(opt, "sense"),
                "sense must be \"minimize\" or \"maximize\", not \"%s\"%s", sense,
                !strncasecmp(sense, "max", 3)   ? "; did you mean \"maximize\"?"
                : !strncasecmp(sense, "min", 3) ? "; did you mean \"minimize\"?"
                                                : "");
        sp->sense_given = 1;
    }
    if (w) {
        sp->weighted = 1;
        size_t n = sg_toml_table_size(w);
        double total = 0.0;
        int goal = -1; /* common goal of the weighted responses, -2 = mixed */
        for (size_t i = 0; i < n; i++) {
            const char *key = sg_toml_table_key(w, i);
            long r = find_response(s, key);
            if (r < 0) {
                char hint[512];
                name_hint(key, 0, s, hint, sizeof hint);
                return sg_toml_error_at_key(err, SG_ERR_INVALID, w, i,
                                            "unknown response '%s' in weights%s", key, hint);
            }
            double v;
            if ((st = number_of(sg_toml_table_value(w, i), "a weight", &v, err)))
                return st;
            if (v < 0)
                return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_value(w, i),
                                        "weight of '%s' must be >= 0 (got %g); the sense applies "
                                        "to the whole sum",
                                        key, v);
            sp->weights[r] = v;
            total += v;
            if (v > 0) {
                int g = (int)s->responses[r].goal;
                goal = goal == -1 ? g : (goal == g ? goal : -2);
            }
        }
        if (!(total > 0))
            return sg_toml_error_at(err, SG_ERR_INVALID, w, "weights must include a weight > 0");
        if (!sp->sense_given) {
            if (goal < 0 || goal == (int)SG_GOAL_NONE)
                return sg_toml_error_at(err, SG_ERR_INVALID, w,
                                        "the weighted responses do not share one goal "
                                        "(minimize or maximize): give sense = \"minimize\" or "
                                        "\"maximize\"");
            sp->sense = goal == (int)SG_GOAL_MAXIMIZE ? SG_OPTIM_MAXIMIZE : SG_OPTIM_MINIMIZE;
        }
        return SG_OK;
    }
    long r = -1;
    size_t cls = SIZE_MAX;
    char rbuf[SG_STUDY_NAME_MAX + 2];
    const char *colon = resp ? strchr(resp, ':') : NULL;
    if (colon) { /* "zone: P(B)": the probability of one name */
        size_t nlen = (size_t)(colon - resp);
        while (nlen > 0 && (resp[nlen - 1] == ' ' || resp[nlen - 1] == '\t'))
            nlen--;
        const sg_toml_value *at = sg_toml_table_get(opt, "response");
        if (nlen > SG_STUDY_NAME_MAX)
            return sg_toml_error_at(err, SG_ERR_INVALID, at, "response name too long");
        memcpy(rbuf, resp, nlen);
        rbuf[nlen] = '\0';
        r = find_response(s, rbuf);
        const char *q = colon + 1;
        while (*q == ' ' || *q == '\t')
            q++;
        if (r < 0 || s->responses[r].kind == SG_RESPONSE_NUMBER)
            return sg_toml_error_at(err, SG_ERR_INVALID, at,
                                    "'%s' is not a pass/fail or class response: \"name: P(...)\" "
                                    "optimises the probability of one of its names",
                                    rbuf);
        const sg_response *rs = &s->responses[r];
        const char *end = NULL;
        cls = parse_probability_of(rs, q, &end);
        if (cls != SIZE_MAX && *end != '\0')
            cls = SIZE_MAX; /* nothing may follow "P(name)" */
        if (cls == SIZE_MAX) {
            char names[256];
            join_labels(rs->labels, rs->n_labels, names, sizeof names);
            return sg_toml_error_at(err, SG_ERR_INVALID, at,
                                    "expected \"%s: P(name)\" with a name of '%s' (%s)", rbuf,
                                    rbuf, names);
        }
        if (rs->kind == SG_RESPONSE_BINARY && cls == 0) {
            if (!sp->sense_given)
                return sg_toml_error_at(err, SG_ERR_INVALID, at,
                                        "give sense = \"minimize\" or \"maximize\"");
            /* the model predicts P(second name) = 1 - P(first) */
            sp->sense = sp->sense == SG_OPTIM_MAXIMIZE ? SG_OPTIM_MINIMIZE : SG_OPTIM_MAXIMIZE;
        }
        if (rs->kind == SG_RESPONSE_CLASS)
            sp->focus[r] = cls;
    } else if (resp) {
        r = find_response(s, resp);
        if (r < 0) {
            char hint[512];
            name_hint(resp, 0, s, hint, sizeof hint);
            return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(opt, "response"),
                                    "unknown response '%s'%s", resp, hint);
        }
    } else {
        size_t n_goal = 0;
        for (size_t i = 0; i < s->n_responses; i++)
            if (s->responses[i].goal != SG_GOAL_NONE) {
                n_goal++;
                r = (long)i;
            }
        if (n_goal != 1) {
            const char *why = n_goal ? "several responses have a goal"
                                     : "no response has a goal";
            if (opt)
                return sg_toml_error_at(err, SG_ERR_INVALID, opt,
                                        "[optimize] needs 'response' or 'weights' (%s)", why);
            return sg_error_set(err, SG_ERR_INVALID,
                                "%s: add an [optimize] section with 'response' (%s)", s->path,
                                why);
        }
    }
    sp->response = (size_t)r;
    if (s->responses[r].kind == SG_RESPONSE_CLASS && cls == SIZE_MAX)
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(opt, "response"),
                                "'%s' is a class response: optimise the probability of one of "
                                "its names, as in response = \"%s: P(%s)\"",
                                s->responses[r].name, s->responses[r].name,
                                s->responses[r].labels[0]);
    if (!sp->sense_given) {
        sg_goal g = s->responses[r].goal;
        if (g == SG_GOAL_NONE) {
            const sg_toml_value *at = sg_toml_table_get(opt, "response");
            return sg_toml_error_at(err, SG_ERR_INVALID, at,
                                    "response '%s' has goal \"none\": give sense = \"minimize\" "
                                    "or \"maximize\"",
                                    s->responses[r].name);
        }
        sp->sense = g == SG_GOAL_MAXIMIZE ? SG_OPTIM_MAXIMIZE : SG_OPTIM_MINIMIZE;
    }
    return SG_OK;
}

/* ---- factors: bounds, fixed, step, levels_only -------------------------- */

static sg_status load_bounds(const sg_toml_value *opt, const sg_study *s, sg_optimize_spec *sp,
                             sg_error *err)
{
    const sg_toml_value *t = NULL;
    sg_status st = sg_toml_get_table(opt, "bounds", false, &t, NULL, err);
    if (st || !t)
        return st;
    for (size_t i = 0; i < sg_toml_table_size(t); i++) {
        size_t f;
        if ((st = key_factor(t, i, "bounds", s, &f, err)))
            return st;
        const sg_toml_value *v = sg_toml_table_value(t, i);
        if (s->factors[f].categorical)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "'%s' is a category factor: it has no bounds (every name is "
                                    "searched; to keep one, use fixed = { %s = \"name\" })",
                                    s->factors[f].name, s->factors[f].name);
        if (sg_toml_type_of(v) != SG_TOML_ARRAY || sg_toml_array_size(v) != 2)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "bounds of '%s' must be [lower, upper]", s->factors[f].name);
        double lo, hi;
        if ((st = number_of(sg_toml_array_at(v, 0), "the lower bound", &lo, err)) ||
            (st = number_of(sg_toml_array_at(v, 1), "the upper bound", &hi, err)))
            return st;
        const sg_factor *fa = &s->factors[f];
        if (lo >= hi)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "bounds of '%s' are inverted or empty: lower (%g) must be "
                                    "below upper (%g); to hold a factor use fixed",
                                    fa->name, lo, hi);
        double tol = SG_OPTSPEC_BOUND_TOL * (fa->max - fa->min);
        if (lo < fa->min - tol || hi > fa->max + tol)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "bounds of '%s' [%g, %g] must lie inside the factor's range "
                                    "[%g, %g]",
                                    fa->name, lo, hi, fa->min, fa->max);
        sp->lb[f] = lo;
        sp->ub[f] = hi;
    }
    return SG_OK;
}

/* The [[factor]] step applies where nothing else was said. */
static void apply_factor_steps(const sg_study *s, sg_optimize_spec *sp)
{
    for (size_t f = 0; f < s->n_factors; f++)
        if (!sp->has_fixed[f] && !sp->levels_only[f] && sp->step[f] == 0 &&
            s->factors[f].step > 0 && s->factors[f].step <= sp->ub[f] - sp->lb[f])
            sp->step[f] = s->factors[f].step;
}

static sg_status load_fixed_step(const sg_toml_value *opt, const sg_study *s,
                                 sg_optimize_spec *sp, sg_error *err)
{
    const sg_toml_value *t = NULL, *st_t = NULL, *lv = NULL;
    sg_status st;
    if ((st = sg_toml_get_table(opt, "fixed", false, &t, NULL, err)) ||
        (st = sg_toml_get_table(opt, "step", false, &st_t, NULL, err)) ||
        (st = sg_toml_get_array(opt, "levels_only", false, &lv, NULL, err)))
        return st;
    for (size_t i = 0; t && i < sg_toml_table_size(t); i++) {
        size_t f;
        double v;
        if ((st = key_factor(t, i, "fixed", s, &f, err)))
            return st;
        const sg_toml_value *fv = sg_toml_table_value(t, i);
        if (s->factors[f].categorical) {
            const sg_factor *fa = &s->factors[f];
            size_t k = sg_toml_type_of(fv) == SG_TOML_STRING
                           ? sg_labels_find(fa->labels, fa->n_levels, sg_toml_string(fv, NULL))
                           : SIZE_MAX;
            if (k == SIZE_MAX)
                return sg_toml_error_at(err, SG_ERR_INVALID, fv,
                                        "fixed value of the category factor '%s' must be one of "
                                        "its names (\"%s\" ... \"%s\")",
                                        fa->name, fa->labels[0], fa->labels[fa->n_levels - 1]);
            sp->has_fixed[f] = 1;
            sp->fixed[f] = (double)k;
            continue;
        }
        if ((st = number_of(fv, "a fixed value", &v, err)))
            return st;
        if (v < sp->lb[f] || v > sp->ub[f])
            return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_value(t, i),
                                    "fixed value of '%s' (%g) lies outside its bounds [%g, %g]",
                                    s->factors[f].name, v, sp->lb[f], sp->ub[f]);
        sp->has_fixed[f] = 1;
        sp->fixed[f] = v;
    }
    for (size_t i = 0; st_t && i < sg_toml_table_size(st_t); i++) {
        size_t f;
        double v;
        const sg_toml_value *val = sg_toml_table_value(st_t, i);
        if ((st = key_factor(st_t, i, "step", s, &f, err)) ||
            (st = number_of(val, "a step", &v, err)))
            return st;
        if (s->factors[f].categorical)
            return sg_toml_error_at(err, SG_ERR_INVALID, val,
                                    "'%s' is a category factor: its settings are its names, "
                                    "not steps",
                                    s->factors[f].name);
        if (sp->has_fixed[f])
            return sg_toml_error_at(err, SG_ERR_INVALID, val,
                                    "'%s' is fixed: it cannot also have a step",
                                    s->factors[f].name);
        if (!(v > 0) || v > sp->ub[f] - sp->lb[f])
            return sg_toml_error_at(err, SG_ERR_INVALID, val,
                                    "step of '%s' (%g) must be above 0 and at most upper - lower "
                                    "bound (%g)",
                                    s->factors[f].name, v, sp->ub[f] - sp->lb[f]);
        if (!((sp->ub[f] - sp->lb[f]) / v < (double)SG_OPTIM_MAX_STEP_VALUES))
            return sg_toml_error_at(err, SG_ERR_INVALID, val,
                                    "step of '%s' (%g) is too small: upper - lower bound (%g) "
                                    "would hold %.3g settings, more than the %.0e that can be "
                                    "enumerated; use a larger step, or none for a continuous "
                                    "setting",
                                    s->factors[f].name, v, sp->ub[f] - sp->lb[f],
                                    (sp->ub[f] - sp->lb[f]) / v, (double)SG_OPTIM_MAX_STEP_VALUES);
        sp->step[f] = v;
    }
    for (size_t i = 0; lv && i < sg_toml_array_size(lv); i++) {
        const sg_toml_value *v = sg_toml_array_at(lv, i);
        if (sg_toml_type_of(v) != SG_TOML_STRING)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "levels_only must list factor names, not a %s",
                                    sg_toml_type_name(sg_toml_type_of(v)));
        const char *name = sg_toml_string(v, NULL);
        long f = find_factor(s, name);
        if (f < 0) {
            char hint[512];
            name_hint(name, 1, s, hint, sizeof hint);
            return sg_toml_error_at(err, SG_ERR_INVALID, v, "unknown factor '%s' in levels_only%s",
                                    name, hint);
        }
        const sg_factor *fa = &s->factors[f];
        if (sp->has_fixed[f] || sp->step[f] > 0)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "'%s' is already %s: it cannot also be levels_only", name,
                                    sp->has_fixed[f] ? "fixed" : "given a step");
        if (fa->n_levels == 0)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "factor '%s' declares no levels (add levels = [...] to its "
                                    "[[factor]])",
                                    name);
        sp->levels[f] = malloc(fa->n_levels * sizeof(double));
        if (!sp->levels[f])
            return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        size_t k = 0;
        for (size_t l = 0; l < fa->n_levels; l++)
            if (fa->levels[l] >= sp->lb[f] && fa->levels[l] <= sp->ub[f])
                sp->levels[f][k++] = fa->levels[l];
        if (k == 0)
            return sg_toml_error_at(err, SG_ERR_INVALID, v,
                                    "no level of '%s' lies inside its bounds [%g, %g]", name,
                                    sp->lb[f], sp->ub[f]);
        sp->levels_only[f] = 1;
        sp->n_levels[f] = k;
    }
    apply_factor_steps(s, sp);
    return SG_OK;
}

/* ---- algorithms and budgets -------------------------------------------- */

static sg_status load_alg(const sg_toml_value *opt, const char *key, char **out, sg_error *err)
{
    const char *name = NULL;
    sg_status st = sg_toml_get_string(opt, key, false, &name, NULL, err);
    if (st || !name)
        return st;
    if (*name) {
        int alg;
        sg_error e;
        if (sg_optim_algorithm_parse(name, &alg, &e))
            return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(opt, key), "%s: %s",
                                    key, e.msg);
    } else if (strcmp(key, "algorithm") != 0) {
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(opt, key),
                                "%s must name an NLopt local algorithm", key);
    }
    *out = sg_str_dup(name);
    return *out ? SG_OK : sg_error_set(err, SG_ERR_NOMEM, "out of memory");
}

static sg_status load_global_mode(const sg_toml_value *opt, sg_optimize_spec *sp, sg_error *err)
{
    const char *mode = NULL;
    sg_status st = sg_toml_get_string(opt, "global_mode", false, &mode, NULL, err);
    if (st || !mode)
        return st;
    if (strcmp(mode, "once") == 0)
        sp->global_mode = SG_OPTIM_GLOBAL_ONCE;
    else if (strcmp(mode, "per_start") == 0)
        sp->global_mode = SG_OPTIM_GLOBAL_PER_START;
    else
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(opt, "global_mode"),
                                "global_mode must be \"once\" or \"per_start\", not \"%s\"",
                                mode);
    return SG_OK;
}

static sg_status get_int_range(const sg_toml_value *opt, const char *key, int64_t lo, int64_t hi,
                               int64_t *out, bool *found, sg_error *err)
{
    sg_status st = sg_toml_get_integer(opt, key, false, out, found, err);
    if (st || !*found)
        return st;
    if (*out < lo || *out > hi)
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(opt, key),
                                "%s must be between %lld and %lld (got %lld)", key, (long long)lo,
                                (long long)hi, (long long)*out);
    return SG_OK;
}

static sg_status get_nonneg(const sg_toml_value *opt, const char *key, int strict, double *out,
                            sg_error *err)
{
    bool found = false;
    double v = 0;
    sg_status st = sg_toml_get_float(opt, key, false, &v, &found, err);
    if (st || !found)
        return st;
    if (!isfinite(v) || v < 0 || (strict && v == 0))
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(opt, key),
                                "%s must be a finite number %s 0 (got %g)", key,
                                strict ? "above" : "of at least", v);
    *out = v;
    return SG_OK;
}

static sg_status get_confidence(const sg_toml_value *opt, double *out, sg_error *err)
{
    bool found = false;
    double v = 0;
    sg_status st = sg_toml_get_float(opt, "constraint_confidence", false, &v, &found, err);
    if (st || !found)
        return st;
    if (!(v >= 0.5 && v < 1.0))
        return sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(opt, "constraint_confidence"),
                                "constraint_confidence must be at least 0.5 (no margin) and below "
                                "1 (got %g)", v);
    *out = v;
    return SG_OK;
}

static sg_status load_budgets(const sg_toml_value *opt, sg_optimize_spec *sp, sg_error *err)
{
    int64_t v;
    bool found;
    sg_status st;
    if ((st = get_int_range(opt, "starts", 1, SG_OPTIM_MAX_STARTS, &v, &found, err)))
        return st;
    if (found)
        sp->starts = (size_t)v;
    if ((st = get_int_range(opt, "max_evals", 1, 1000000000, &v, &found, err)))
        return st;
    if (found)
        sp->max_evals = (int)v;
    if ((st = get_int_range(opt, "threads", 0, SG_OPTIM_MAX_THREADS, &v, &found, err)))
        return st;
    if (found)
        sp->threads = (unsigned)v;
    if ((st = get_nonneg(opt, "max_time", 1, &sp->max_time, err)) ||
        (st = get_nonneg(opt, "ftol_rel", 0, &sp->ftol_rel, err)) ||
        (st = get_nonneg(opt, "xtol_rel", 0, &sp->xtol_rel, err)) ||
        (st = get_nonneg(opt, "risk", 0, &sp->risk, err)) ||
        (st = get_confidence(opt, &sp->con_confidence, err)))
        return st;
    return SG_OK;
}

/* ---- whole section ------------------------------------------------------ */

static double dummy_f(void *user, const double *x, double *grad)
{
    (void)x;
    (void)grad;
    (void)user;
    return 0.0;
}

sg_status sg_optimize_spec_load(const sg_study *s, sg_optimize_spec **out, sg_error *err)
{
    *out = NULL;
    sg_status st = SG_OK;
    const sg_toml_value *opt = s->optimize;
    size_t nf = s->n_factors, nr = s->n_responses;
    sg_optimize_spec *sp = calloc(1, sizeof *sp);
    if (!sp)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    sp->n_factors = nf;
    sp->n_responses = nr;
    sp->weights = calloc(nr, sizeof(double));
    sp->focus = malloc((nr ? nr : 1) * sizeof *sp->focus);
    for (size_t j = 0; sp->focus && j < nr; j++)
        sp->focus[j] = SIZE_MAX;
    sp->lb = calloc(nf, sizeof(double));
    sp->ub = calloc(nf, sizeof(double));
    sp->has_fixed = calloc(nf, sizeof(int));
    sp->fixed = calloc(nf, sizeof(double));
    sp->step = calloc(nf, sizeof(double));
    sp->levels_only = calloc(nf, sizeof(int));
    sp->n_levels = calloc(nf, sizeof(size_t));
    sp->levels = calloc(nf, sizeof(double *));
    if (!sp->weights || !sp->focus || !sp->lb || !sp->ub || !sp->has_fixed || !sp->fixed ||
        !sp->step ||
        !sp->levels_only || !sp->n_levels || !sp->levels) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t f = 0; f < nf; f++) {
        sp->lb[f] = s->factors[f].min;
        sp->ub[f] = s->factors[f].max;
    }
    sp->starts = SG_OPTIM_DEFAULT_STARTS;
    sp->risk = SG_OPTSPEC_DEFAULT_RISK;
    sp->con_confidence = SG_OPTSPEC_DEFAULT_CON_CONFIDENCE;
    sp->ftol_rel = sp->xtol_rel = -1.0;
    sp->seed = s->seed;
    if (opt && (st = sg_study_check_keys(opt, "[optimize]", optimize_keys,
                                         ARRAY_LEN(optimize_keys), err)))
        goto fail;
    if ((st = load_objective(opt, s, sp, err)))
        goto fail;
    if (opt && ((st = load_constraints(opt, s, sp, err)) ||
        (st = load_bounds(opt, s, sp, err)) || (st = load_fixed_step(opt, s, sp, err)) ||
        (st = load_alg(opt, "algorithm", &sp->algorithm, err)) ||
        (st = load_alg(opt, "local", &sp->local, err)) ||
        (st = load_alg(opt, "sub_algorithm", &sp->sub_algorithm, err)) ||
        (st = load_global_mode(opt, sp, err)) || (st = load_budgets(opt, sp, err))))
        goto fail;
    if (!opt)
        apply_factor_steps(s, sp);
    /* The optimiser's own checks (algorithm kinds, dimensions) before any work. */
    {
        sg_optim_var vars[SG_STUDY_MAX_FACTORS];
        sg_optim_constraint cons[SG_OPTSPEC_MAX_CONS];
        if (nf > SG_OPTIM_MAX_DIM) {
            st = sg_error_set(err, SG_ERR_LIMIT, "%s: at most %d factors can be optimised",
                              s->path, SG_OPTIM_MAX_DIM);
            goto fail;
        }
        sg_optimize_spec_vars(sp, s, vars);
        for (size_t i = 0; i < sp->n_cons; i++)
            cons[i] = (sg_optim_constraint){.name = sp->cons[i].text, .g = dummy_f};
        sg_optim_problem p = {.d = nf, .vars = vars, .f = dummy_f, .sense = sp->sense,
                              .cons = cons, .n_cons = sp->n_cons, .has_gradient = 1};
        sg_optim_config cfg;
        sg_optimize_spec_config(sp, &cfg);
        sg_error e;
        if (sg_optim_validate(&p, &cfg, &e)) {
            st = sg_error_set(err, SG_ERR_INVALID, "%s: [optimize]: %s", s->path, e.msg);
            goto fail;
        }
    }
    *out = sp;
    return SG_OK;
fail:
    sg_optimize_spec_destroy(sp);
    return st;
}

void sg_optimize_spec_config(const sg_optimize_spec *sp, sg_optim_config *cfg)
{
    sg_optim_config_default(cfg);
    cfg->starts = sp->starts;
    cfg->threads = sp->threads;
    cfg->seed = sp->seed;
    cfg->global.algorithm = sp->algorithm;
    cfg->local.algorithm = sp->local;
    cfg->global.sub_algorithm = sp->sub_algorithm;
    cfg->global_mode = sp->global_mode;
    if (sp->max_evals > 0)
        cfg->global.max_eval = cfg->local.max_eval = sp->max_evals;
    if (sp->max_time > 0)
        cfg->global.max_time = cfg->local.max_time = sp->max_time;
    if (sp->ftol_rel >= 0)
        cfg->local.ftol_rel = sp->ftol_rel;
    if (sp->xtol_rel >= 0)
        cfg->local.xtol_rel = sp->xtol_rel;
}

void sg_optimize_spec_vars(const sg_optimize_spec *sp, const sg_study *s, sg_optim_var *vars)
{
    for (size_t f = 0; f < sp->n_factors; f++) {
        vars[f] = (sg_optim_var){.name = s->factors[f].name, .lb = sp->lb[f], .ub = sp->ub[f]};
        if (sp->has_fixed[f]) {
            vars[f].has_fixed = 1;
            vars[f].fixed = sp->fixed[f];
        } else if (sp->levels_only[f]) {
            vars[f].levels = sp->levels[f];
            vars[f].n_levels = sp->n_levels[f];
        } else if (sp->step[f] > 0) {
            vars[f].step = sp->step[f];
        }
    }
}
