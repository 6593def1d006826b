/* taguchi_report.c — plain-text tables and JSON for an sg_taguchi_result.
 *
 * Figures are printed with printf's correctly rounded %g / %f conversions
 * (never more digits than the double carries); a figure that could not be
 * computed prints as "n/a [k]" with the reason listed under the table.
 */
#include "analysis/taguchi.h"
#include "core/json.h"
#include "core/num.h"

#include <math.h>
#include <string.h>

/* Significant digits for means, sums of squares and S/N; F; p. */
#define SG_TAGUCHI_SIG 6
#define SG_TAGUCHI_SIG_F 4
#define SG_TAGUCHI_SIG_P 3
/* Decimals for percent contributions. */
#define SG_TAGUCHI_PCT_DEC 2
/* Most distinct footnote reasons collected per table. */
#define SG_TAGUCHI_MAX_NOTES 8

/* Footnotes: distinct reasons of "n/a" cells in one table. */
typedef struct footnotes {
    const char *why[SG_TAGUCHI_MAX_NOTES];
    int n;
} footnotes;

static int footnote(footnotes *fn, const char *why)
{
    for (int i = 0; i < fn->n; i++)
        if (fn->why[i] == why || strcmp(fn->why[i], why) == 0)
            return i + 1;
    if (fn->n == SG_TAGUCHI_MAX_NOTES)
        return SG_TAGUCHI_MAX_NOTES;
    fn->why[fn->n++] = why;
    return fn->n;
}

static void print_footnotes(FILE *fp, const footnotes *fn)
{
    for (int i = 0; i < fn->n; i++)
        fprintf(fp, "  n/a [%d]: %s\n", i + 1, fn->why[i]);
}

/* Format x with sig significant digits, or "n/a [k]" when why is non-NULL;
 * -0 prints as 0. */
static const char *num(char *buf, size_t cap, double x, int sig, const char *why, footnotes *fn)
{
    if (why)
        snprintf(buf, cap, "n/a [%d]", footnote(fn, why));
    else
        sg_num_snprintf(buf, cap, "%.*g", sig, x + 0.0);
    return buf;
}

static const char *fixed(char *buf, size_t cap, double x, int dec, const char *why, footnotes *fn)
{
    if (why)
        snprintf(buf, cap, "n/a [%d]", footnote(fn, why));
    else {
        sg_num_snprintf(buf, cap, "%.*f", dec, x + 0.0);
        if (strspn(buf, "-0.") == strlen(buf) && buf[0] == '-')
            memmove(buf, buf + 1, strlen(buf)); /* "-0.00" -> "0.00" */
    }
    return buf;
}

static const char *level_label(char *buf, size_t cap, const sg_taguchi_main *m, int l)
{
    if (m->levels[l].name[0]) {
        size_t len = strnlen(m->levels[l].name, cap - 1);
        memcpy(buf, m->levels[l].name, len);
        buf[len] = '\0';
        return buf;
    }
    sg_num_snprintf(buf, cap, "%.*g%s%s", SG_TAGUCHI_SIG + 4, m->levels[l].value + 0.0,
             m->unit[0] ? " " : "", m->unit);
    return buf;
}

static int name_width(const sg_taguchi_result *r)
{
    int w = 6;
    for (size_t t = 0; t < r->n_terms; t++) {
        int l = (int)strlen(r->terms[t].name);
        w = l > w ? l : w;
    }
    for (size_t f = 0; f < r->n_factors; f++) {
        int l = (int)strlen(r->mains[f].name);
        w = l > w ? l : w;
    }
    for (size_t i = 0; i < r->n_candidates; i++) {
        int l = (int)(strlen(r->mains[r->candidates[i].f1].name) +
                      strlen(r->mains[r->candidates[i].f2].name) + 3);
        w = l > w ? l : w;
    }
    return w;
}

void sg_taguchi_best_tested_text(const sg_taguchi_result *r, char *buf, size_t cap)
{
    const char *u = r->unit, *sp = u[0] ? " " : "";
    if (!cap)
        return;
    buf[0] = '\0';
    if (r->best_na)
        return;
    if (r->best_tested == 0) {
        snprintf(buf, cap, "not run in this array: a confirmation run there would test the "
                           "prediction");
        return;
    }
    int n;
    if (r->best_tested == 1)
        n = sg_num_snprintf(buf, cap, "run in this array: run %zu measured %.*g%s%s",
                            r->best_tested_run + 1, SG_TAGUCHI_SIG, r->best_tested_mean, sp, u);
    else
        n = sg_num_snprintf(buf, cap, "run in this array: %zu runs (the first, run %zu) "
                                      "measured %.*g%s%s on average",
                            r->best_tested, r->best_tested_run + 1, SG_TAGUCHI_SIG,
                            r->best_tested_mean, sp, u);
    if (n < 0 || (size_t)n >= cap || r->predicted_ci_na)
        return;
    double off = r->best_tested_mean - r->predicted;
    if (fabs(off) <= r->predicted_ci)
        snprintf(buf + n, cap - (size_t)n, ", inside the interval");
    else
        sg_num_snprintf(buf + n, cap - (size_t)n,
                        ", %.*g%s%s %s the prediction, outside its interval: the main effects "
                        "alone miss this combination (interactions or curvature)",
                        SG_TAGUCHI_SIG_F, fabs(off), sp, u, off > 0 ? "above" : "below");
}

/* Lenth's method: every effect against the pseudo standard error. */
static void write_lenth(const sg_taguchi_result *r, FILE *fp, int W, const char *u)
{
    const char *sp = u[0] ? " " : "";
    fprintf(fp, "\nLenth's method (an unreplicated two-level design: each effect against a "
                "robust estimate of its noise)\n");
    sg_num_fprintf(fp,
                   "  pseudo standard error %.4g%s%s from %zu effects (%.3g df); margin of "
                   "error %.4g%s%s, simultaneous %.4g%s%s\n",
                   r->lenth_pse, sp, u, r->n_terms, r->lenth_df, r->lenth_me, sp, u,
                   r->lenth_sme, sp, u);
    fprintf(fp, "  %-*s  %12s  %8s  %8s\n", W, "source", "effect", "t", "p");
    for (size_t t = 0; t < r->n_terms; t++) {
        const sg_taguchi_term *tt = &r->terms[t];
        sg_num_fprintf(fp, "  %-*s  %12.5g  %8.3g  %8.3g%s\n", W, tt->name, tt->effect + 0.0,
                       tt->lenth_t, tt->lenth_p,
                       fabs(tt->effect) > r->lenth_sme  ? "  active (beyond the simultaneous margin)"
                       : fabs(tt->effect) > r->lenth_me ? "  active"
                                                        : "");
    }
    fprintf(fp, "  effect: high level mean minus low (an interaction's: its size); active: "
                "beyond the margin of error\n");
}

sg_status sg_taguchi_write_text(const sg_taguchi_result *r, FILE *fp, sg_error *err)
{
    if (!r || !fp)
        return sg_error_set(err, SG_ERR_INVALID, "taguchi: nothing to write");
    char a[64], b[64], c[64], d[64], e[64], g[64], h[2 * SG_TAGUCHI_NAME_MAX + 8];
    const char *u = r->unit;
    int W = name_width(r);
    footnotes fn = {0};

    fprintf(fp, "Orthogonal-array analysis of %s%s%s%s: %zu runs, %zu factors, goal %s",
            r->response, u[0] ? " [" : "", u, u[0] ? "]" : "", r->n_runs, r->n_factors,
            sg_taguchi_goal_name(r->goal));
    if (r->has_target)
        sg_num_fprintf(fp, ", target %.*g%s%s", SG_TAGUCHI_SIG + 4, r->target + 0.0, u[0] ? " " : "", u);
    sg_num_fprintf(fp, "\n  grand mean %.*g%s%s; S/N %s, %s [dB]\n\n", SG_TAGUCHI_SIG, r->grand_mean + 0.0,
            u[0] ? " " : "", u, r->sn_name, r->sn_formula);

    /* per-run S/N; one line instead of a column of n/a */
    bool any_sn = false;
    for (size_t i = 0; i < r->n_runs; i++)
        any_sn = any_sn || r->sn_ok[i];
    if (!any_sn)
        fprintf(fp, "Signal-to-noise ratio per run: not defined for any run (%s)\n",
                r->sn_na ? r->sn_na : "no S/N");
    else
        fprintf(fp, "Signal-to-noise ratio per run\n  %4s  %14s  %12s\n", "run", "response",
                "S/N [dB]");
    for (size_t i = 0; any_sn && i < r->n_runs; i++)
        fprintf(fp, "  %4zu  %14s  %12s\n", r->run_no[i],
                num(a, sizeof a, r->y[i], SG_TAGUCHI_SIG + 4, NULL, &fn),
                num(b, sizeof b, r->sn[i], SG_TAGUCHI_SIG, r->sn_ok[i] ? NULL : r->sn_na, &fn));
    print_footnotes(fp, &fn);
    fn.n = 0;

    /* main effects per level */
    /* the S/N column only when some run has an S/N */
    fprintf(fp, "\nMain effects: mean %s at each level\n  %-*s  %-18s  %4s  %12s  %12s\n",
            r->response, W, "factor", "level", "runs", u[0] ? u : "mean",
            any_sn ? "S/N [dB]" : "");
    for (size_t f = 0; f < r->n_factors; f++) {
        const sg_taguchi_main *m = &r->mains[f];
        for (int l = 0; l < m->n_levels; l++)
            fprintf(
                fp, "  %-*s  %-18s  %4zu  %12s  %12s\n", W, l == 0 ? m->name : "",
                level_label(a, sizeof a, m, l), m->levels[l].n_runs,
                num(b, sizeof b, m->levels[l].mean, SG_TAGUCHI_SIG, NULL, &fn),
                any_sn ? num(c, sizeof c, m->levels[l].sn_mean, SG_TAGUCHI_SIG,
                             m->levels[l].sn_na, &fn)
                       : "");
    }
    print_footnotes(fp, &fn);
    fn.n = 0;

    /* ranking */
    fprintf(fp,
            "\nFactor ranking (delta = largest minus smallest level mean)\n"
            "  %-*s  %12s  %4s  %12s  %8s\n",
            W, "factor", "delta", "rank", "S/N delta", "S/N rank");
    for (size_t f = 0; f < r->n_factors; f++) {
        const sg_taguchi_main *m = &r->mains[f];
        snprintf(d, sizeof d, "%d", m->sn_rank);
        fprintf(fp, "  %-*s  %12s  %4d  %12s  %8s\n", W, m->name,
                num(a, sizeof a, m->delta, SG_TAGUCHI_SIG, NULL, &fn), m->rank,
                num(b, sizeof b, m->sn_delta, SG_TAGUCHI_SIG, m->sn_na, &fn), m->sn_na ? "-" : d);
    }
    fprintf(fp, "  delta in %s, S/N delta in dB; rank 1 = largest; ties go to the earlier factor\n",
            u[0] ? u : "response units");
    print_footnotes(fp, &fn);
    fn.n = 0;

    /* ANOVA */
    fprintf(fp, "\nANOVA (%s design; sums of squares in %s%s; sequential, Type I)\n",
            r->orthogonal ? "orthogonal" : "NON-ORTHOGONAL", u[0] ? u : "units", "^2");
    fprintf(fp, "  %-*s  %3s  %14s  %14s  %10s  %10s  %9s  %9s\n", W, "source", "df", "SS", "MS",
            "F", "p", "contrib%", "pure%");
    for (size_t t = 0; t < r->n_terms; t++) {
        const sg_taguchi_term *tt = &r->terms[t];
        fprintf(fp, "  %-*s  %3d  %14s  %14s  %10s  %10s  %9s  %9s%s\n", W, tt->name, tt->df,
                num(a, sizeof a, tt->ss, SG_TAGUCHI_SIG, NULL, &fn),
                num(b, sizeof b, tt->ms, SG_TAGUCHI_SIG, tt->df ? NULL : tt->f_na, &fn),
                num(c, sizeof c, tt->f, SG_TAGUCHI_SIG_F, tt->f_na, &fn),
                num(d, sizeof d, tt->p, SG_TAGUCHI_SIG_P, tt->f_na, &fn),
                fixed(e, sizeof e, tt->pct, SG_TAGUCHI_PCT_DEC, tt->pct_na, &fn),
                fixed(g, sizeof g, tt->pct_pure, SG_TAGUCHI_PCT_DEC, tt->pct_pure_na, &fn),
                tt->pooled ? "  (pooled)" : "");
    }
    fprintf(fp, "  %-*s  %3d  %14s  %14s  %10s  %10s  %9s  %9s\n", W,
            r->pooling_applied ? "error (pooled)" : "error", r->df_error,
            num(a, sizeof a, r->ss_error, SG_TAGUCHI_SIG, NULL, &fn),
            num(b, sizeof b, r->ms_error, SG_TAGUCHI_SIG, r->ms_error_na, &fn), "", "",
            fixed(e, sizeof e, r->pct_error, SG_TAGUCHI_PCT_DEC, r->pct_error_na, &fn),
            fixed(g, sizeof g, r->pct_error_pure, SG_TAGUCHI_PCT_DEC, r->pct_error_pure_na, &fn));
    fprintf(fp, "  %-*s  %3d  %14s\n", W, "total", r->df_total,
            num(a, sizeof a, r->ss_total, SG_TAGUCHI_SIG, NULL, &fn));
    print_footnotes(fp, &fn);
    for (size_t t = 0; t < r->n_terms; t++)
        if (r->terms[t].note[0])
            fprintf(fp, "  %s: %s\n", r->terms[t].name, r->terms[t].note);
    if (r->lenth)
        write_lenth(r, fp, W, u);

    /* interactions */
    if (r->n_candidates) {
        fprintf(fp, "\nTwo-factor interactions (minimum error df %d)\n", r->min_error_df);
        for (size_t i = 0; i < r->n_candidates; i++) {
            const sg_taguchi_candidate *cd = &r->candidates[i];
            snprintf(h, sizeof h, "%s x %s", r->mains[cd->f1].name, r->mains[cd->f2].name);
            fprintf(fp, "  %-*s  %s%s\n", W, h,
                    cd->estimated ? "estimated" : "not estimated: ", cd->reason);
        }
    }

    /* best combination */
    fprintf(fp, "\nBest level combination (additive main-effects model)\n");
    if (r->best_na)
        fprintf(fp, "  by mean: not available: %s\n", r->best_na);
    else {
        fprintf(fp, "  by mean (%s):", sg_taguchi_goal_name(r->goal));
        for (size_t f = 0; f < r->n_factors; f++)
            fprintf(fp, "%s %s = %s", f ? "," : "", r->mains[f].name,
                    level_label(a, sizeof a, &r->mains[f], r->mains[f].best_level));
        sg_num_fprintf(fp, "\n  predicted %s = %.*g%s%s\n", r->response, SG_TAGUCHI_SIG,
                r->predicted + 0.0, u[0] ? " " : "", u);
        if (r->predicted_ci_na)
            sg_num_fprintf(fp, "  %g %% confidence interval: not available: %s\n",
                    100 * SG_TAGUCHI_CI_LEVEL, r->predicted_ci_na);
        else
            sg_num_fprintf(fp, "  %g %% confidence interval: +/- %.*g%s%s (n_eff = %.*g)\n",
                    100 * SG_TAGUCHI_CI_LEVEL, SG_TAGUCHI_SIG_F, r->predicted_ci + 0.0,
                    u[0] ? " " : "", u, SG_TAGUCHI_SIG, r->n_eff);
        char tested[320];
        sg_taguchi_best_tested_text(r, tested, sizeof tested);
        fprintf(fp, "  %s\n", tested);
    }
    if (r->best_sn_na)
        fprintf(fp, "  by S/N: not available: %s\n", r->best_sn_na);
    else {
        fprintf(fp, "  by S/N (largest):");
        for (size_t f = 0; f < r->n_factors; f++)
            fprintf(fp, "%s %s = %s", f ? "," : "", r->mains[f].name,
                    level_label(a, sizeof a, &r->mains[f], r->mains[f].best_sn_level));
        sg_num_fprintf(fp, "\n  predicted S/N = %.*g dB\n", SG_TAGUCHI_SIG, r->predicted_sn + 0.0);
    }
    if (r->notes[0]) {
        fprintf(fp, "\nNotes\n");
        for (const char *q = r->notes; *q;) {
            const char *nl = strchr(q, '\n');
            int len = nl ? (int)(nl - q) : (int)strlen(q);
            fprintf(fp, "  %.*s\n", len, q);
            q += len + (nl ? 1 : 0);
        }
    }
    if (ferror(fp))
        return sg_error_set(err, SG_ERR_IO, "taguchi: writing the tables failed");
    return SG_OK;
}

/* ---- JSON ------------------------------------------------------------------ */

/* key = x (-0 as 0), or key = null and key_reason = why. */
static void jnum(sg_json_builder *b, cJSON *o, const char *key, double x, const char *why)
{
    sg_json_number_or_reason(b, o, key, x + 0.0, why);
}

static void json_mains(sg_json_builder *b, cJSON *root, const sg_taguchi_result *r)
{
    cJSON *arr = sg_json_array(b, root, "main_effects");
    for (size_t f = 0; arr && f < r->n_factors; f++) {
        const sg_taguchi_main *m = &r->mains[f];
        cJSON *o = sg_json_object(b, arr, NULL);
        cJSON *lv = sg_json_array(b, o, "levels");
        sg_json_string(b, o, "factor", m->name);
        sg_json_string(b, o, "unit", m->unit);
        jnum(b, o, "delta", m->delta, NULL);
        jnum(b, o, "rank", m->rank, NULL);
        jnum(b, o, "sn_delta", m->sn_delta, m->sn_na);
        jnum(b, o, "sn_rank", m->sn_rank, m->sn_na);
        jnum(b, o, "best_level", m->best_level, r->best_na);
        jnum(b, o, "best_sn_level", m->best_sn_level, r->best_sn_na);
        for (int l = 0; lv && l < m->n_levels; l++) {
            cJSON *x = sg_json_object(b, lv, NULL);
            jnum(b, x, "code", l, NULL);
            jnum(b, x, "value", m->levels[l].value, NULL);
            if (m->levels[l].name[0])
                sg_json_string(b, x, "name", m->levels[l].name);
            jnum(b, x, "n_runs", (double)m->levels[l].n_runs, NULL);
            jnum(b, x, "mean", m->levels[l].mean, NULL);
            jnum(b, x, "sn_mean", m->levels[l].sn_mean, m->levels[l].sn_na);
        }
    }
}

static void json_anova(sg_json_builder *b, cJSON *root, const sg_taguchi_result *r)
{
    cJSON *o = sg_json_object(b, root, "anova");
    cJSON *terms = sg_json_array(b, o, "terms");
    sg_json_bool(b, o, "orthogonal", r->orthogonal);
    sg_json_string(b, o, "ss_type", "sequential (Type I)");
    jnum(b, o, "min_error_df", r->min_error_df, NULL);
    sg_json_bool(b, o, "pooling_applied", r->pooling_applied);
    for (size_t t = 0; terms && t < r->n_terms; t++) {
        const sg_taguchi_term *tt = &r->terms[t];
        cJSON *x = sg_json_object(b, terms, NULL);
        sg_json_string(b, x, "source", tt->name);
        sg_json_string(b, x, "kind", tt->kind == SG_TERM_MAIN ? "main" : "interaction");
        jnum(b, x, "factor1", tt->f1, NULL);
        jnum(b, x, "factor2", tt->f2, tt->kind == SG_TERM_MAIN ? "main effect" : NULL);
        jnum(b, x, "df", tt->df, NULL);
        jnum(b, x, "df_nominal", tt->df_nominal, NULL);
        jnum(b, x, "ss", tt->ss, NULL);
        jnum(b, x, "ms", tt->ms, tt->df ? NULL : tt->f_na);
        jnum(b, x, "f", tt->f, tt->f_na);
        jnum(b, x, "p", tt->p, tt->f_na);
        jnum(b, x, "percent", tt->pct, tt->pct_na);
        jnum(b, x, "percent_pure", tt->pct_pure, tt->pct_pure_na);
        sg_json_bool(b, x, "pooled", tt->pooled);
        sg_json_string(b, x, "note", tt->note);
    }
    cJSON *e = sg_json_object(b, o, "error");
    jnum(b, e, "df", r->df_error, NULL);
    jnum(b, e, "ss", r->ss_error, NULL);
    jnum(b, e, "ms", r->ms_error, r->ms_error_na);
    jnum(b, e, "percent", r->pct_error, r->pct_error_na);
    jnum(b, e, "percent_pure", r->pct_error_pure, r->pct_error_pure_na);
    cJSON *tot = sg_json_object(b, o, "total");
    jnum(b, tot, "df", r->df_total, NULL);
    jnum(b, tot, "ss", r->ss_total, NULL);
    if (!r->lenth) {
        sg_json_null(b, o, "lenth");
        return;
    }
    cJSON *l = sg_json_object(b, o, "lenth");
    jnum(b, l, "pse", r->lenth_pse, NULL);
    jnum(b, l, "df", r->lenth_df, NULL);
    jnum(b, l, "margin", r->lenth_me, NULL);
    jnum(b, l, "simultaneous_margin", r->lenth_sme, NULL);
    cJSON *le = sg_json_array(b, l, "effects");
    for (size_t t = 0; le && t < r->n_terms; t++) {
        cJSON *x = sg_json_object(b, le, NULL);
        sg_json_string(b, x, "source", r->terms[t].name);
        jnum(b, x, "effect", r->terms[t].effect, NULL);
        jnum(b, x, "t", r->terms[t].lenth_t, NULL);
        jnum(b, x, "p", r->terms[t].lenth_p, NULL);
    }
}

static void json_rest(sg_json_builder *b, cJSON *root, const sg_taguchi_result *r)
{
    cJSON *cand = sg_json_array(b, root, "interactions");
    for (size_t i = 0; cand && i < r->n_candidates; i++) {
        const sg_taguchi_candidate *cd = &r->candidates[i];
        cJSON *x = sg_json_object(b, cand, NULL);
        jnum(b, x, "factor1", cd->f1, NULL);
        jnum(b, x, "factor2", cd->f2, NULL);
        sg_json_bool(b, x, "estimated", cd->estimated);
        jnum(b, x, "term", cd->term, cd->estimated ? NULL : cd->reason);
        sg_json_string(b, x, "reason", cd->reason);
    }
    cJSON *best = sg_json_object(b, root, "best");
    jnum(b, best, "predicted", r->predicted, r->best_na);
    jnum(b, best, "confidence_level", SG_TAGUCHI_CI_LEVEL, NULL);
    jnum(b, best, "predicted_ci", r->predicted_ci, r->predicted_ci_na);
    jnum(b, best, "n_eff", r->n_eff, NULL);
    jnum(b, best, "predicted_sn", r->predicted_sn, r->best_sn_na);
    const char *untested = r->best_na ? r->best_na
                           : r->best_tested ? NULL
                                            : "not run in this array";
    jnum(b, best, "tested_runs", (double)r->best_tested, r->best_na);
    jnum(b, best, "tested_first_run", (double)(r->best_tested_run + 1), untested);
    jnum(b, best, "tested_mean", r->best_tested_mean, untested);
    for (int by_sn = 0; best && by_sn < 2; by_sn++) {
        const char *why = by_sn ? r->best_sn_na : r->best_na;
        const char *key = by_sn ? "levels_by_sn" : "levels";
        if (why) {
            jnum(b, best, key, 0, why);
            continue;
        }
        cJSON *arr = sg_json_array(b, best, key);
        for (size_t f = 0; arr && f < r->n_factors; f++) {
            const sg_taguchi_main *m = &r->mains[f];
            int l = by_sn ? m->best_sn_level : m->best_level;
            cJSON *x = sg_json_object(b, arr, NULL);
            sg_json_string(b, x, "factor", m->name);
            jnum(b, x, "level", l, NULL);
            jnum(b, x, "value", m->levels[l].value, NULL);
            if (m->levels[l].name[0])
                sg_json_string(b, x, "name", m->levels[l].name);
            sg_json_string(b, x, "unit", m->unit);
        }
    }
    cJSON *notes = sg_json_array(b, root, "notes");
    for (const char *p = r->notes; notes && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[SG_TAGUCHI_NOTES_MAX];
        snprintf(line, sizeof line, "%.*s", (int)len, p);
        sg_json_string(b, notes, NULL, line);
        p += len + (nl ? 1 : 0);
    }
}

sg_status sg_taguchi_to_json(const sg_taguchi_result *r, cJSON **out, sg_error *err)
{
    *out = NULL;
    if (!r)
        return sg_error_set(err, SG_ERR_INVALID, "taguchi: nothing to encode");
    sg_json_builder jb, *b = &jb;
    cJSON *root = sg_json_build_begin(b);
    sg_json_string(b, root, "response", r->response);
    sg_json_string(b, root, "unit", r->unit);
    sg_json_string(b, root, "goal", sg_taguchi_goal_name(r->goal));
    jnum(b, root, "target", r->target, r->has_target ? NULL : "no target given");
    jnum(b, root, "n_runs", (double)r->n_runs, NULL);
    jnum(b, root, "n_factors", (double)r->n_factors, NULL);
    jnum(b, root, "grand_mean", r->grand_mean, NULL);
    cJSON *ys = sg_json_array(b, root, "y");
    for (size_t i = 0; ys && i < r->n_runs; i++)
        jnum(b, ys, NULL, r->y[i], NULL);
    cJSON *rn = sg_json_array(b, root, "runs");
    for (size_t i = 0; rn && i < r->n_runs; i++)
        sg_json_count(b, rn, NULL, r->run_no[i]);
    cJSON *sn = sg_json_object(b, root, "sn");
    sg_json_string(b, sn, "kind", r->sn_name);
    sg_json_string(b, sn, "formula", r->sn_formula);
    sg_json_string(b, sn, "unit", "dB");
    jnum(b, sn, "grand_mean", r->sn_grand_mean, r->sn_na);
    cJSON *runs = sg_json_array(b, sn, "per_run");
    for (size_t i = 0; runs && i < r->n_runs; i++) {
        if (r->sn_ok[i])
            jnum(b, runs, NULL, r->sn[i], NULL);
        else
            sg_json_null(b, runs, NULL);
    }
    json_mains(b, root, r);
    json_anova(b, root, r);
    json_rest(b, root, r);
    return sg_json_build_end(b, root, "taguchi result", out, err);
}
