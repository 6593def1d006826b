/* report_warn.c — the standard warnings of a study, in plain sentences, and
 * the study part of the input. */
#include "report/report.h"
#include "core/num.h"
#include "analysis/check.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest warning sentence. */
#define SG_RWARN_MAX 512
/* Gate warnings taken per response (cv.h emits at most three). */
#define SG_RWARN_GATES_PER_RESPONSE 4

static sg_status add(sg_report_warnings *w, sg_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static sg_status add(sg_report_warnings *w, sg_error *err, const char *fmt, ...)
{
    char buf[SG_RWARN_MAX];
    va_list ap;
    va_start(ap, fmt);
    sg_num_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **nt = realloc(w->text, (w->n + 1) * sizeof *nt);
    if (!nt)
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for warnings");
    w->text = nt;
    w->text[w->n] = strdup(buf);
    if (!w->text[w->n])
        return sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for warnings");
    w->n++;
    return SG_OK;
}

void sg_report_warnings_destroy(sg_report_warnings *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++)
        free(w->text[i]);
    free(w->text);
    w->text = NULL;
    w->n = 0;
}

/* "run <id>" or "data row <n>" of table row r (0-based). */
static void run_name(const sg_table *t, size_t r, char *buf, size_t size)
{
    if (t && t->run_id && r < t->n_rows && t->run_id[r])
        snprintf(buf, size, "run %.40s", t->run_id[r]);
    else if (t && t->row && r < t->n_rows)
        snprintf(buf, size, "data row %zu", t->row[r]);
    else
        snprintf(buf, size, "data row %zu", r + 1);
}

/* The runs of the group whose last record is cv->outliers[k], capitalised:
 * "Run 25 to run 27", or each named ("Run 27, run 26 and run 25";
 * sg_cv_group_first). */
static void group_name(const sg_table *t, const sg_cv_result *cv, size_t k, char *buf,
                       size_t size)
{
    const sg_outlier *o = &cv->outliers[k];
    bool by_range;
    size_t first = sg_cv_group_first(cv, k, &by_range), len = 0;
    char a[64], b[64];
    if (by_range) {
        run_name(t, o->cluster_first, a, sizeof a);
        run_name(t, o->cluster_last, b, sizeof b);
        snprintf(buf, size, "%s to %s", a, b);
    } else {
        buf[0] = '\0';
        for (size_t i = first; i <= k && len < size; i++) {
            run_name(t, cv->outliers[i].row, a, sizeof a);
            len += (size_t)snprintf(buf + len, size - len, "%s%s",
                                    i == first ? "" : i == k ? " and " : ", ", a);
        }
    }
    buf[0] = (char)(buf[0] - 'a' + 'A');
}

sg_status sg_report_warnings_collect(const sg_report_input *in, sg_report_warnings *out,
                                     sg_error *err)
{
    memset(out, 0, sizeof *out);
    sg_status st = sg_report_validate(in, err);
    if (st != SG_OK)
        return st;
    size_t nr = in->n_responses;
    const sg_table *t = in->table;
    char who[64];

    for (size_t e = 0; t && e < t->n_excluded && st == SG_OK; e++) {
        const sg_excluded_row *x = &t->excluded[e];
        char why[SG_TABLE_REASON_MAX];
        sg_table_exclude_reason(t, x, why, sizeof why);
        if (x->run_id && x->run_id[0])
            st = add(out, err, "Run %.40s (%s %d) was left out: %s.", x->run_id,
                     t->sheet ? "row" : "line", x->line, why);
        else
            st = add(out, err, "Data row %zu (%s %d) was left out: %s.", x->row,
                     t->sheet ? "row" : "line", x->line, why);
    }
    for (size_t i = 0; t && i < in->n_factors && st == SG_OK; i++) {
        const sg_report_factor *f = &in->factors[i];
        sg_factor_span sp = sg_check_factor_span(t, i, f->min, f->max);
        char msg[SG_RWARN_MAX - 8];
        if (!f->labels && i < t->n_factors &&
            sg_check_factor_span_message(&sp, f->name, f->unit, f->min, f->max, t->n_rows, msg,
                                         sizeof msg)) {
            msg[0] = (char)toupper((unsigned char)msg[0]);
            st = add(out, err, "%s.", msg);
        }
    }
    const sg_cv_result *cv = in->cv;
    for (size_t i = 0; cv && i < cv->n_outliers && st == SG_OK; i++) {
        const sg_outlier *o = &cv->outliers[i];
        const char *u = o->response < nr ? in->responses[o->response].unit : "";
        run_name(t, o->row, who, sizeof who);
        who[0] = (char)(who[0] - 'a' + 'A');
        char iv[64];
        sg_model_interval_text(o->log_scale, o->half_width, -2, u, iv, sizeof iv);
        st = add(out, err,
                 "%s, %.60s: observed %.6g %s, cross-validated prediction %.6g %s — "
                 "check this simulation.",
                 who, o->response < nr ? in->responses[o->response].name : "?", o->observed,
                 u, o->predicted, iv);
        bool last = i + 1 == cv->n_outliers || cv->outliers[i + 1].response != o->response ||
                    cv->outliers[i + 1].cluster_first != o->cluster_first;
        if (st == SG_OK && last && o->cluster_first != o->cluster_last) {
            char group[256];
            group_name(t, cv, i, group, sizeof group);
            const char *rn = o->response < nr ? in->responses[o->response].name : "?";
            if (o->off_pattern)
                st = add(out, err,
                         "%s, %.60s: these neighbouring runs lie %.3g %s %s the additive "
                         "pattern of the factors' levels that the other runs follow (%.0f times "
                         "its robust scale) — check them as a group; leaving one out cannot "
                         "expose the others.",
                         group, rn, fabs(o->z * o->scale), u, o->z > 0 ? "above" : "below",
                         fabs(o->z));
            else
                st = add(out, err,
                         "%s, %.60s: these neighbouring runs deviate together — check "
                         "them as a group; leaving one out cannot expose the others.",
                         group, rn);
        }
    }
    if (cv && st == SG_OK) {
        size_t cap = SG_RWARN_GATES_PER_RESPONSE * nr;
        sg_gate_warning *g = calloc(cap, sizeof *g);
        const char **names = calloc(nr, sizeof *names);
        /* kriging interpolates its runs by design: no over-fitting gate */
        bool gp = in->model && sg_model_type_of(in->model) == SG_MODEL_GP;
        double *train = in->train_metrics && !gp ? calloc(nr, sizeof *train) : NULL;
        if (!g || !names || (in->train_metrics && !gp && !train)) {
            st = sg_error_set(err, SG_ERR_NOMEM, "report: out of memory for warnings");
        } else {
            for (size_t k = 0; k < nr; k++) {
                names[k] = in->responses[k].name;
                if (train)
                    train[k] = in->train_metrics[k].rmse;
            }
            size_t ng = sg_cv_gates(cv, train, names, g, cap);
            ng = ng < cap ? ng : cap;
            if (in->model && sg_model_type_of(in->model) == SG_MODEL_QUAD) /* the baseline */
                ng = sg_cv_gates_without(g, ng, SG_GATE_WORSE_THAN_BASELINE);
            for (size_t i = 0; i < ng && i < cap && st == SG_OK; i++)
                st = add(out, err, "%s.", g[i].message);
        }
        free(g);
        free(names);
        free(train);
    }
    if (in->model && st == SG_OK) {
        const sg_model_spec *sp = sg_model_spec_of(in->model);
        size_t ppm = sg_model_n_params_per_member(in->model, 0);
        size_t rows = sg_model_n_rows(in->model);
        if (ppm > rows && sp->train.l1 == 0.0 && sp->train.l2 == 0.0)
            st = add(out, err,
                     "Each network has %zu trainable parameters for %zu rows and no "
                     "regularisation: it can memorise the data; trust only the cross-validated "
                     "figures.",
                     ppm, rows);
    }
    if (in->recommended && st == SG_OK) {
        for (size_t i = 0; i < in->n_factors && st == SG_OK; i++) {
            const sg_report_factor *f = &in->factors[i];
            double v = in->recommended[i];
            if (v < f->min || v > f->max)
                st = add(out, err,
                         "The recommended %.60s (%.6g %s) lies outside the tested range "
                         "%.6g..%.6g %s: its predictions are extrapolations.",
                         f->name, v, f->unit ? f->unit : "", f->min, f->max,
                         f->unit ? f->unit : "");
        }
    }
    const sg_optim_result *o = in->optim;
    if (o && st == SG_OK) {
        if (!o->feasible && o->n_cons > 0) {
            size_t j = o->most_violated < o->n_cons ? o->most_violated : 0;
            const char *nm = in->optim_constraint_names && in->optim_constraint_names[j]
                                 ? in->optim_constraint_names[j]
                                 : "a constraint";
            st = add(out, err,
                     "No setting meets every constraint: %.80s cannot be met (closest value "
                     "of its g(x) <= 0 found: %.4g).",
                     nm, o->min_g ? o->min_g[j] : NAN);
        }
        if (st == SG_OK && o->realisable.needed && !o->realisable.found)
            st = add(out, err,
                     o->realisable.closest
                         ? "No realisable setting (on the allowed steps or levels) meets the "
                           "constraints; the closest one is reported."
                         : "No realisable setting (on the allowed steps or levels) meets the "
                           "constraints; only the continuous optimum is reported.");
    }
    if (st != SG_OK)
        sg_report_warnings_destroy(out);
    return st;
}

void sg_report_fill_study(const sg_study *s, sg_report_factor *f, sg_report_response *r,
                          sg_report_input *in)
{
    in->title = s->title;
    in->study_file = s->path;
    in->data_file = s->data_path;
    in->seed = (unsigned long long)s->seed;
    for (size_t i = 0; i < s->n_factors; i++)
        f[i] = (sg_report_factor){s->factors[i].name,  s->factors[i].unit,
                                  s->factors[i].min,   s->factors[i].max,
                                  s->factors[i].step,  s->factors[i].n_levels,
                                  s->factors[i].levels, s->factors[i].labels};
    for (size_t k = 0; k < s->n_responses; k++)
        r[k] = (sg_report_response){s->responses[k].name, s->responses[k].unit,
                                    sg_study_goal_name(s->responses[k].goal),
                                    s->responses[k].n_labels, s->responses[k].labels};
    in->n_factors = s->n_factors;
    in->factors = f;
    in->n_responses = s->n_responses;
    in->responses = r;
}
