/* recommend.c — from the optimum, the sensitivity and the model's quality
 * to a recommendation: which settings, which factors do not matter, and
 * whether the model can tell the optimum from the best tested run. */
#include "optim/recommend.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/num.h"

const char *sg_recommend_kind_name(sg_recommend_kind k)
{
    switch (k) {
    case SG_RECOMMEND_OPTIMUM:
        return "optimum";
    case SG_RECOMMEND_BEST_RUN:
        return "best_tested_run";
    case SG_RECOMMEND_NONE:
        return "none";
    }
    return "?";
}

static const char *role_name(sg_recommend_role r)
{
    return r == SG_ROLE_MATERIAL ? "material" : r == SG_ROLE_NO_EFFECT ? "no_effect" : "fixed";
}

void sg_recommend_destroy(sg_recommend *rec)
{
    if (!rec)
        return;
    free(rec->factors);
    free(rec->x);
    free(rec->mean);
    free(rec->sd);
    free(rec->con_mean);
    free(rec->con_sd);
    free(rec->p_violate);
    free(rec->con_text);
    free(rec->lo);
    free(rec->hi);
    free(rec->clipped);
    free(rec);
}

static void add_note(sg_recommend *rec, const char *fmt, ...)
{
    if (rec->n_notes >= SG_RECOMMEND_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    sg_num_vsnprintf(rec->notes[rec->n_notes++], SG_RECOMMEND_TEXT_MAX, fmt, ap);
    va_end(ap);
}

/* Does the objective use response j? */
static bool uses(const sg_optimize_spec *sp, size_t j)
{
    return sp->weighted ? sp->weights[j] > 0 : sp->response == j;
}

static double objective_of(const sg_optimize_spec *sp, const sg_decide_result *r,
                           const double *mean)
{
    if (!sp->weighted)
        return mean[sp->response];
    double v = 0.0;
    for (size_t j = 0; j < r->n_responses; j++)
        if (sp->weights[j] > 0)
            v += sp->weights[j] * (mean[j] - r->resp_lo[j]) / r->resp_range[j];
    return v;
}

/* The uncertainty of the objective: calibrated half-widths, else k spreads. */
static double objective_uncertainty(const sg_optimize_spec *sp, const sg_decide_result *r)
{
    double u = 0.0;
    for (size_t j = 0; j < r->n_responses; j++) {
        if (!uses(sp, j))
            continue;
        double h = r->has_interval && isfinite(r->half_width[j]) && r->half_width[j] > 0
                       ? sg_model_interval_half_at(r->log_scale[j], r->mean[j], r->half_width[j])
                       : SG_RECOMMEND_SPREAD_K * r->sd[j];
        u += sp->weighted ? sp->weights[j] * h / r->resp_range[j] : h;
    }
    return u;
}

static double worst_q2(const sg_optimize_spec *sp, size_t nr, const double *q2)
{
    double w = NAN;
    for (size_t j = 0; q2 && j < nr; j++)
        if (uses(sp, j) && isfinite(q2[j]) && !(q2[j] >= w))
            w = q2[j];
    return w;
}

/* The setting of a factor without effect: the study's prefer, else the
 * best tested run's, else the optimum's. */
static void no_effect_setting(const sg_factor *f, const sg_table *t, const sg_recommend *rec,
                              size_t i, double optimum, sg_recommend_factor *out)
{
    switch (f->prefer) {
    case SG_PREFER_LOW:
        out->value = f->min;
        out->from = "prefer = low";
        return;
    case SG_PREFER_HIGH:
        out->value = f->max;
        out->from = "prefer = high";
        return;
    case SG_PREFER_VALUE:
        out->value = f->prefer_value;
        out->from = "prefer";
        return;
    case SG_PREFER_NONE:
        break;
    }
    if (rec->has_best_row) {
        out->value = sg_table_at(t, rec->best_row, i);
        out->from = "best tested run";
    } else {
        out->value = optimum;
        out->from = "optimum";
    }
}

static void choose_settings(const sg_study *s, const sg_table *t, const sg_optimize_spec *sp,
                            const sg_decide_result *r, const sg_recommend_inputs *in,
                            sg_recommend *rec)
{
    const sg_optim_result *o = r->opt;
    const double *opt_x = SG_OPTIM_SETTINGS(o);
    bool which[SG_STUDY_MAX_RESPONSES];
    for (size_t j = 0; j < s->n_responses; j++)
        which[j] = uses(sp, j);
    for (size_t i = 0; i < s->n_factors; i++) {
        sg_recommend_factor *f = &rec->factors[i];
        if (sp->has_fixed[i]) {
            f->role = SG_ROLE_FIXED;
            f->value = sp->fixed[i];
            f->from = "fixed";
        } else if (in && in->sens && !sg_sensitivity_material(in->sens, i, which)) {
            f->role = SG_ROLE_NO_EFFECT;
            no_effect_setting(&s->factors[i], t, rec, i, opt_x[i], f);
            if (!s->factors[i].categorical) /* the nearest the [optimize] bounds allow */
                f->value = fmin(fmax(f->value, sp->lb[i]), sp->ub[i]);
        } else if (rec->kind != SG_RECOMMEND_OPTIMUM && rec->has_best_row) {
            f->role = SG_ROLE_MATERIAL;
            f->value = sg_table_at(t, rec->best_row, i);
            f->from = "best tested run";
        } else {
            f->role = SG_ROLE_MATERIAL;
            f->value = opt_x[i];
            f->from = "optimum";
        }
        double tol = 1e-9 * (sp->ub[i] - sp->lb[i]);
        f->at_bound = f->value <= sp->lb[i] + tol ? -1 : f->value >= sp->ub[i] - tol ? 1 : 0;
        rec->x[i] = f->value;
    }
}

static sg_status predict_at(const sg_study *s, const sg_table *t, const sg_optimize_spec *sp,
                            const sg_model *model, sg_recommend *rec, sg_error *err)
{
    sg_decide_problem *p = NULL;
    sg_status st = sg_decide_problem_create(s, t, sp, model, &p, err);
    if (st != SG_OK)
        return st;
    void *ctx = sg_decide_ctx_create(p);
    if (!ctx) {
        sg_decide_problem_destroy(p);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    }
    sg_decide_predict(ctx, rec->x, rec->mean, rec->sd);
    sg_decide_predict_cons(ctx, rec->x, rec->con_mean, rec->con_sd);
    sg_decide_ctx_destroy(ctx);
    sg_decide_problem_destroy(p);
    return SG_OK;
}

/* The calibrated interval at x, clipped to the response's physical limits. */
static void intervals(const sg_study *s, const sg_decide_result *r, sg_recommend *rec)
{
    rec->has_interval = r->has_interval;
    rec->level = r->level;
    for (size_t j = 0; j < rec->n_responses; j++) {
        double h = r->has_interval ? r->half_width[j] : NAN;
        rec->lo[j] = rec->hi[j] = NAN;
        if (isfinite(h))
            sg_model_interval_bounds(s->responses[j].log_scale, rec->mean[j], h, &rec->lo[j],
                                     &rec->hi[j]);
        rec->clipped[j] =
            isfinite(h) && sg_response_clip(&s->responses[j], &rec->lo[j], &rec->hi[j]);
    }
}

/* "measured 470.8 MPa" (the objective's value of the best tested setting;
 * "mean measured" for replicates), or for a weighted objective each of its
 * responses in their units, then the score: "measured stress_max 470.8
 * MPa, stress_path2 402.3 MPa; score 0.000". */
static void measured_phrase(const sg_study *s, const sg_decide_result *r,
                            const sg_optimize_spec *sp, const sg_recommend_inputs *in,
                            const sg_recommend *rec, int d, char *buf, size_t cap)
{
    const char *measured = rec->best_row_reps > 1 ? "mean measured" : "measured";
    if (!sp->weighted) {
        const char *u = s->responses[sp->response].unit;
        char v[SG_NUM_SIG_CAP];
        sg_num_snprintf(buf, cap, "%s %s%s%s", measured,
                        sg_num_fixed(v, sizeof v, rec->best_row_value, d), *u ? " " : "", u);
        return;
    }
    size_t n = (size_t)snprintf(buf, cap, "%s", measured);
    const char *sep = " ";
    for (size_t j = 0; j < s->n_responses && n < cap; j++) {
        if (!(sp->weights[j] > 0))
            continue;
        const char *u = s->responses[j].unit;
        double v = r->best_row_means[j];
        int dj = sg_sensitivity_decimals(in && in->sens ? in->sens->resolution[j] : 0.0);
        char vt[SG_NUM_SIG_CAP];
        n += (size_t)sg_num_snprintf(buf + n, cap - n, "%s%s %s%s%s", sep, s->responses[j].name,
                                     sg_num_fixed(vt, sizeof vt, v, dj), *u ? " " : "", u);
        sep = ", ";
    }
    if (n < cap)
        sg_num_snprintf(buf + n, cap - n, "; score %.*f", d, rec->best_row_value);
}

/* The headline when the model finds no setting meeting every constraint
 * (rec->infeasible): the tested setting that met them as measured, or the
 * closest settings.  False for a weak model (its own headline). */
static bool infeasible_headline(sg_recommend *rec, const char *run, const char *what,
                                const char *meas, int d, const char *us, const char *unit)
{
    char pred[SG_NUM_SIG_CAP];
    if (rec->kind == SG_RECOMMEND_NONE)
        return false;
    if (rec->kind == SG_RECOMMEND_BEST_RUN)
        sg_num_snprintf(rec->headline, sizeof rec->headline,
                        "Use the best tested %s, %s (%s): it meets every constraint as "
                        "measured, while the model finds no setting that does; check the model "
                        "there.",
                        what, run, meas);
    else
        sg_num_snprintf(rec->headline, sizeof rec->headline,
                        "No setting meets every constraint, by the model or by any tested run; "
                        "the settings below come closest (predicted %s%s%s). Relax the "
                        "constraint or widen the window.",
                        sg_num_fixed(pred, sizeof pred, rec->objective_pred, d), us, unit);
    return true;
}

/* The uncertainty as the headline states it: "+-0.65 N", or for a
 * log-scale objective with an interval the factor it spans, "x/ 1.834"
 * (100 .. 350 around 190 is not +-120), with the +- the gain is judged
 * against when `width` ("x/ 1.834, +-120 mol/s at the prediction"), as
 * the model quality line gives it.
 * Returns buf. */
static const char *uncertainty_text(const sg_study *s, const sg_decide_result *r,
                                    const sg_optimize_spec *sp, const sg_recommend *rec, int du,
                                    bool width, char *buf, size_t cap)
{
    size_t j = sp->response;
    const char *unit = sp->weighted ? "" : s->responses[j].unit;
    char v[SG_NUM_SIG_CAP];
    sg_num_fixed(v, sizeof v, rec->uncertainty, du);
    if (!sp->weighted && r->has_interval && r->log_scale && r->log_scale[j] &&
        isfinite(r->half_width[j]) && r->half_width[j] > 0) {
        int n = sg_num_snprintf(buf, cap, "x/ %.4g", pow(10.0, r->half_width[j]));
        if (width && n > 0 && (size_t)n < cap)
            sg_num_snprintf(buf + n, cap - (size_t)n, ", +-%s%s%s at the prediction", v,
                            *unit ? " " : "", unit);
        return buf;
    }
    sg_num_snprintf(buf, cap, "+-%s%s%s", v, *unit ? " " : "", unit);
    return buf;
}

static void write_headline(const sg_study *s, const sg_decide_result *r,
                           const sg_optimize_spec *sp, const sg_recommend_inputs *in,
                           sg_recommend *rec)
{
    const char *unit = sp->weighted ? "" : s->responses[sp->response].unit;
    const char *us = *unit ? " " : "";
    double res = !sp->weighted && in && in->sens ? in->sens->resolution[sp->response] : 0.0;
    int d = sg_sensitivity_decimals(res);                           /* measured values */
    int du = sg_sensitivity_uncertainty_decimals(rec->uncertainty, res); /* uncertainty, gain */
    if (rec->uncertainty > 0 && isfinite(rec->uncertainty) && du + 1 < d)
        d = du + 1; /* one digit beyond the uncertainty's, as the prediction: 58.5 MPa
                       beside +-15, not the data's 58.45761037 */
    const char *run = rec->best_label;
    char f1[SG_NUM_SIG_CAP], f2[SG_NUM_SIG_CAP], unc[SG_NUM_SIG_CAP + 64];
    char unc_width[2 * SG_NUM_SIG_CAP + 96];
    uncertainty_text(s, r, sp, rec, du, false, unc, sizeof unc);
    uncertainty_text(s, r, sp, rec, du, true, unc_width, sizeof unc_width);
    /* replicates: the setting they share, by the mean of their values */
    bool reps = rec->has_best_row && rec->best_row_reps > 1;
    const char *what = reps ? "setting" : "run";
    char meas[SG_RECOMMEND_TEXT_MAX / 2] = "";
    if (rec->has_best_row)
        measured_phrase(s, r, sp, in, rec, d, meas, sizeof meas);
    if (rec->kind == SG_RECOMMEND_NONE) {
        int n = in && in->saturated
                    ? sg_num_snprintf(rec->headline, sizeof rec->headline,
                                      "No recommendation: with a run held out, the %zu others "
                                      "cannot determine the mean and %zu main effects (a "
                                      "saturated design), so no model of these runs can be "
                                      "judged (cross-validated Q2 %.2f); 'analyze' ranks the "
                                      "factors, and more runs would ('surrogate next' proposes "
                                      "them).",
                                      in->fewest_training, in->main_terms - 1, rec->q2)
                    : sg_num_snprintf(rec->headline, sizeof rec->headline,
                                      "No recommendation: the model of the objective is weak "
                                      "(cross-validated Q2 %.2f, below %.1f), so the data "
                                      "cannot support one; more runs in the window would "
                                      "('surrogate next' proposes them).",
                                      rec->q2, SG_RECOMMEND_MIN_Q2);
        if (rec->has_best_row && n > 0 && (size_t)n < sizeof rec->headline)
            sg_num_snprintf(rec->headline + n, sizeof rec->headline - (size_t)n,
                            " Best known: %s, %s.", run, meas);
        return;
    }
    if (rec->infeasible && infeasible_headline(rec, run, what, meas, d, us, unit))
        return;
    if (rec->kind == SG_RECOMMEND_BEST_RUN && rec->optimum_is_best_row && !rec->infeasible) {
        /* a simulation is deterministic: where the model disagrees with the
         * run by more than its uncertainty, the run is right */
        double miss = fabs(rec->objective_pred - rec->best_row_value);
        char misses[160] = "";
        if (miss > rec->uncertainty)
            sg_num_snprintf(misses, sizeof misses,
                            "; the model misses this run by %s%s%s, more than its uncertainty",
                            sg_num_fixed(f1, sizeof f1, miss, du + 1), us, unit);
        sg_num_snprintf(rec->headline, sizeof rec->headline,
                        "Use the best tested %s, %s (%s): it is also the model's optimum%s "
                        "(predicted %s%s%s, uncertainty %s%s).",
                        what, run, meas,
                        sp->n_cons ? ", kept inside the constraints with their safety margins" : "",
                        sg_num_fixed(f2, sizeof f2, rec->objective_pred, du + 1), us, unit, unc,
                        misses);
        return;
    }
    /* the smallest gain printed as such (sg_num_fixed shows any below the
     * tiny limit) */
    double shown = rec->uncertainty < SG_NUM_FIXED_TINY ? 0.0 : 0.5 * pow(10.0, -(du + 1));
    if (rec->kind == SG_RECOMMEND_BEST_RUN && (rec->gain < shown || rec->gain <= 0)) {
        char worse[64] = "no better"; /* "0.0 MPa worse" when it rounds away */
        if (-rec->gain >= shown && rec->gain < 0)
            sg_num_snprintf(worse, sizeof worse, "%s%s%s worse",
                            sg_num_fixed(f1, sizeof f1, -rec->gain, du + 1), us, unit);
        sg_num_snprintf(rec->headline, sizeof rec->headline,
                        "Use the best tested %s, %s (%s): the model's optimum%s is predicted "
                        "%s (uncertainty %s).",
                        what, run, meas,
                        sp->n_cons ? ", kept inside the constraints with their safety margins,"
                                   : "",
                        worse, unc);
        return;
    }
    if (rec->kind == SG_RECOMMEND_BEST_RUN) {
        sg_num_snprintf(rec->headline, sizeof rec->headline,
                        "Use the best tested %s, %s (%s): the predicted gain of the model's "
                        "optimum, %s%s%s, is within the uncertainty of %s, so the two "
                        "cannot be told apart; a confirmation run is optional.",
                        what, run, meas, sg_num_fixed(f1, sizeof f1, rec->gain, du + 1), us, unit,
                        unc_width);
        return;
    }
    if (rec->has_best_row)
        sg_num_snprintf(rec->headline, sizeof rec->headline,
                        "Use the model's optimum: predicted %s%s%s, %s%s%s better than the "
                        "best tested %s, %s (%s; uncertainty %s); confirm it with a run.",
                        sg_num_fixed(f2, sizeof f2, rec->objective_pred, du + 1), us, unit,
                        sg_num_fixed(f1, sizeof f1, rec->gain, du + 1), us, unit, what, run, meas,
                        unc);
    else
        sg_num_snprintf(rec->headline, sizeof rec->headline,
                        "Use the model's optimum: predicted %s%s%s; confirm it with a run%s.",
                        sg_num_fixed(f2, sizeof f2, rec->objective_pred, d), us, unit,
                        rec->none_in_box
                            ? " (no tested run lies inside the [optimize] bounds and fixed "
                              "values to compare it with)"
                            : "");
}

/* Chance that constraint i is violated at the recommended settings: the
 * response ~ normal(mean, sigma), sigma from the half-width at its level. */
static double violation_chance(const sg_optimize_spec_con *c, size_t i,
                               const sg_decide_result *r, const sg_recommend *rec)
{
    size_t j = c->response;
    bool cal = r->has_interval && isfinite(r->half_width[j]) && r->half_width[j] > 0;
    double hw = cal ? r->half_width[j] : SG_RECOMMEND_SPREAD_K * rec->con_sd[i];
    double level = cal ? r->level : SG_RECOMMEND_SPREAD_LEVEL;
    double margin = c->ge ? rec->con_mean[i] - c->bound : c->bound - rec->con_mean[i];
    if (cal && r->log_scale[j]) { /* the interval in decades */
        if (!(c->bound > 0) || !(rec->con_mean[i] > 0))
            return margin >= 0 ? 0.0 : 1.0;
        double ratio = rec->con_mean[i] / c->bound;
        margin = c->ge ? log10(ratio) : -log10(ratio);
    }
    if (!(hw > 0))
        return margin >= 0 ? 0.0 : 1.0;
    double sigma = hw / gsl_cdf_ugaussian_Pinv(0.5 + level / 2.0);
    return gsl_cdf_ugaussian_Q(margin / sigma);
}

static void constraint_notes(const sg_optimize_spec *sp, const sg_decide_result *r,
                             sg_recommend *rec)
{
    for (size_t i = 0; i < sp->n_cons; i++) {
        rec->p_violate[i] = violation_chance(&sp->cons[i], i, r, rec);
        snprintf(rec->con_text[i], sizeof rec->con_text[i], "%s", sp->cons[i].text);
        if (rec->kind != SG_RECOMMEND_NONE && rec->p_violate[i] > SG_RECOMMEND_MAX_VIOLATION &&
            rec->infeasible) /* a larger margin cannot help: nothing meets it */
            add_note(rec, "%s: a %.0f%% chance of violation at these settings (prediction %.4g)",
                     sp->cons[i].text, 100.0 * rec->p_violate[i],
                     sg_optimize_spec_con_stated(sp, i, rec->con_mean[i]));
        else if (rec->kind != SG_RECOMMEND_NONE && rec->p_violate[i] > SG_RECOMMEND_MAX_VIOLATION)
            add_note(rec,
                     "%s: a %.0f%% chance of violation at these settings (prediction %.4g "
                     "within its uncertainty); raise [optimize] constraint_confidence for a larger "
                     "safety margin",
                     sp->cons[i].text, 100.0 * rec->p_violate[i],
                     sg_optimize_spec_con_stated(sp, i, rec->con_mean[i]));
    }
}

/* Is factor i's [optimize] bound on side (-1 lower, +1 upper) inside the
 * study's window (narrowed by the user)? */
static bool bound_narrowed(const sg_study *s, const sg_optimize_spec *sp, size_t i, int side)
{
    return side < 0 ? sp->lb[i] > s->factors[i].min : sp->ub[i] < s->factors[i].max;
}

/* One note for the factors that matter and sit at the lower (side -1) or
 * upper (+1) bound: "a (0 um) is" or "a (0 um), b (1) are" (a note per
 * factor would crowd the others out of the SG_RECOMMEND_MAX_NOTES).  At a
 * bound of the window the model cannot see beyond it; at a bound the user
 * narrowed [optimize] to, the model does see the better settings beyond. */
static void bound_note(const sg_study *s, const sg_optimize_spec *sp, sg_recommend *rec,
                       int side, bool narrowed)
{
    char list[SG_RECOMMEND_TEXT_MAX] = "";
    size_t len = 0, count = 0;
    for (size_t i = 0; i < s->n_factors; i++) {
        const sg_recommend_factor *f = &rec->factors[i];
        if (f->role != SG_ROLE_MATERIAL || f->at_bound != side || s->factors[i].categorical ||
            bound_narrowed(s, sp, i, side) != narrowed)
            continue; /* a category's names have no window to lie outside */
        if (len < sizeof list)
            len += (size_t)sg_num_snprintf(list + len, sizeof list - len, "%s%s (%g%s%s)",
                                           count ? ", " : "", s->factors[i].name, f->value,
                                           *s->factors[i].unit ? " " : "", s->factors[i].unit);
        count++;
    }
    if (count == 0)
        return;
    if (narrowed) {
        add_note(rec,
                 "%s %s at the %s bound set in [optimize] and matter%s: the model predicts "
                 "better settings beyond it, inside the window",
                 list, count > 1 ? "are" : "is", side < 0 ? "lower" : "upper",
                 count > 1 ? "" : "s");
        return;
    }
    rec->outside_possible = true;
    add_note(rec,
             "%s %s at the %s bound of the window and matter%s: the optimum may lie outside the "
             "window, which the model cannot tell",
             list, count > 1 ? "are" : "is", side < 0 ? "lower" : "upper", count > 1 ? "" : "s");
}

static void write_notes(const sg_study *s, const sg_optimize_spec *sp, const sg_decide_result *r,
                        sg_recommend *rec)
{
    for (int side = -1; side <= 1 && rec->kind != SG_RECOMMEND_NONE; side += 2) {
        bound_note(s, sp, rec, side, false);
        bound_note(s, sp, rec, side, true);
    }
    if (*r->infeasible)
        add_note(rec, "%s", r->infeasible);
    if (rec->kind == SG_RECOMMEND_OPTIMUM && *r->warning)
        add_note(rec, "%s", r->warning);
    if (rec->kind == SG_RECOMMEND_OPTIMUM && *r->failed_near)
        add_note(rec, "%s", r->failed_near);
}

static sg_status rec_alloc(size_t nf, size_t nr, size_t nc, sg_recommend **out, sg_error *err)
{
    sg_recommend *rec = calloc(1, sizeof *rec);
    if (rec) {
        rec->n_factors = nf;
        rec->n_responses = nr;
        rec->n_cons = nc;
        rec->p_violate = calloc(nc ? nc : 1, sizeof *rec->p_violate);
        rec->con_mean = calloc(nc ? nc : 1, sizeof *rec->con_mean);
        rec->con_sd = calloc(nc ? nc : 1, sizeof *rec->con_sd);
        rec->con_text = calloc(nc ? nc : 1, sizeof *rec->con_text);
        rec->lo = calloc(nr, sizeof *rec->lo);
        rec->hi = calloc(nr, sizeof *rec->hi);
        rec->clipped = calloc(nr, sizeof *rec->clipped);
        rec->factors = calloc(nf, sizeof *rec->factors);
        rec->x = calloc(nf, sizeof *rec->x);
        rec->mean = calloc(nr, sizeof *rec->mean);
        rec->sd = calloc(nr, sizeof *rec->sd);
    }
    if (!rec || !rec->factors || !rec->x || !rec->mean || !rec->sd || !rec->p_violate ||
        !rec->con_mean || !rec->con_sd ||
        !rec->con_text || !rec->lo || !rec->hi || !rec->clipped) {
        sg_recommend_destroy(rec);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    }
    *out = rec;
    return SG_OK;
}

/* Are settings x those of table row i, each factor within
 * SG_RECOMMEND_SAME_SHARE of its range (a name: the same)? */
static bool at_row(const sg_study *s, const sg_table *t, size_t i, const double *x)
{
    for (size_t f = 0; f < s->n_factors; f++) {
        const sg_factor *fa = &s->factors[f];
        double v = sg_table_at(t, i, f);
        if (fa->categorical ? v != x[f]
                            : !(fabs(v - x[f]) <= SG_RECOMMEND_SAME_SHARE * (fa->max - fa->min)))
            return false;
    }
    return true;
}

sg_status sg_recommend_build(const sg_study *s, const sg_table *t, const sg_optimize_spec *sp,
                             const sg_model *model, const sg_decide_result *r,
                             const sg_recommend_inputs *in, sg_recommend **out, sg_error *err)
{
    *out = NULL;
    sg_recommend *rec = NULL;
    sg_status st = rec_alloc(s->n_factors, s->n_responses, sp->n_cons, &rec, err);
    if (st != SG_OK)
        return st;
    rec->has_best_row = r->has_best_row && t;
    rec->best_row = r->best_row;
    rec->best_row_value = r->best_row_value;
    rec->best_row_reps = r->best_row_reps;
    rec->none_in_box = r->rows_outside_box > 0 && r->rows_inside_box == 0;
    if (t)
        sg_decide_best_label(r, t, rec->best_label, sizeof rec->best_label);
    rec->q2 = worst_q2(sp, s->n_responses, in ? in->q2 : NULL);
    rec->weak_model = isfinite(rec->q2) && rec->q2 < SG_RECOMMEND_MIN_Q2;
    rec->uncertainty = objective_uncertainty(sp, r);
    if (rec->has_best_row) {
        double f = r->opt->best_f;
        rec->gain = sp->sense == SG_OPTIM_MAXIMIZE ? f - r->best_row_value : r->best_row_value - f;
        rec->gain_within_uncertainty = rec->gain <= rec->uncertainty;
    }
    /* the settings the model's optimum stands for (factors without effect
     * at their preferred or the best run's value): are they that run's? */
    rec->kind = SG_RECOMMEND_OPTIMUM;
    choose_settings(s, t, sp, r, in, rec);
    rec->optimum_is_best_row = rec->has_best_row && at_row(s, t, r->best_row, rec->x);
    rec->kind = rec->weak_model ? SG_RECOMMEND_NONE
                : rec->gain_within_uncertainty || rec->optimum_is_best_row
                    ? SG_RECOMMEND_BEST_RUN
                    : SG_RECOMMEND_OPTIMUM;
    /* No setting meets the constraints by the model: a run that met them
     * as measured is the answer; else the closest the model finds. */
    rec->infeasible = r->infeasible[0] != '\0';
    if (rec->infeasible && !rec->weak_model)
        rec->kind = rec->has_best_row ? SG_RECOMMEND_BEST_RUN : SG_RECOMMEND_OPTIMUM;
    choose_settings(s, t, sp, r, in, rec);
    if ((st = predict_at(s, t, sp, model, rec, err)) != SG_OK) {
        sg_recommend_destroy(rec);
        return st;
    }
    rec->objective_pred = objective_of(sp, r, rec->mean);
    intervals(s, r, rec);
    write_headline(s, r, sp, in, rec);
    write_notes(s, sp, r, rec);
    constraint_notes(sp, r, rec);
    *out = rec;
    return SG_OK;
}

sg_status sg_recommend_to_json(const sg_recommend *rec, const sg_study *s, const sg_table *t,
                               cJSON **out, sg_error *err)
{
    sg_json_builder jb, *b = &jb;
    cJSON *root = sg_json_build_begin(b);
    sg_json_string(b, root, "kind", sg_recommend_kind_name(rec->kind));
    sg_json_string(b, root, "headline", rec->headline);
    cJSON *fa = sg_json_array(b, root, "settings");
    for (size_t i = 0; fa && i < rec->n_factors; i++) {
        const sg_recommend_factor *f = &rec->factors[i];
        cJSON *e = sg_json_object(b, fa, NULL);
        sg_json_string(b, e, "factor", s->factors[i].name);
        sg_json_string(b, e, "unit", s->factors[i].unit);
        sg_json_number(b, e, "value", f->value);
        if (s->factors[i].categorical) { /* the code's name */
            char v[80];
            sg_json_string(b, e, "name", sg_factor_format(&s->factors[i], f->value, 6, v, sizeof v));
        }
        sg_json_string(b, e, "role", role_name(f->role));
        sg_json_string(b, e, "from", f->from);
        sg_json_string(b, e, "at_bound", f->at_bound < 0 ? "lower" : f->at_bound > 0 ? "upper"
                                                                                      : NULL);
        if (f->role == SG_ROLE_NO_EFFECT) { /* where it does not matter */
            sg_json_number(b, e, "no_effect_from", s->factors[i].min);
            sg_json_number(b, e, "no_effect_to", s->factors[i].max);
        }
    }
    cJSON *pr = sg_json_object(b, root, "predicted");
    for (size_t j = 0; pr && j < rec->n_responses; j++) {
        cJSON *e = sg_json_object(b, pr, s->responses[j].name);
        sg_json_number(b, e, "mean", rec->mean[j]);
        sg_json_number(b, e, "spread", rec->sd[j]);
        sg_json_number(b, e, "lower", rec->lo[j]);
        sg_json_number(b, e, "upper", rec->hi[j]);
        sg_json_bool(b, e, "clipped", rec->clipped[j]);
    }
    sg_json_number(b, root, "objective_predicted", rec->objective_pred);
    if (rec->has_best_row) {
        cJSON *br = sg_json_object(b, root, "best_tested_run");
        sg_json_count(b, br, "row", t->row[rec->best_row]);
        sg_json_string(b, br, "run", t->run_id ? t->run_id[rec->best_row] : NULL);
        sg_json_number(b, br, "measured", rec->best_row_value);
        sg_json_number(b, root, "gain", rec->gain);
    } else {
        sg_json_null(b, root, "best_tested_run");
        sg_json_null(b, root, "gain");
    }
    sg_json_number(b, root, "uncertainty", rec->uncertainty);
    sg_json_bool(b, root, "gain_within_uncertainty", rec->gain_within_uncertainty);
    sg_json_bool(b, root, "constraints_met_by_model", !rec->infeasible);
    sg_json_number(b, root, "q2", rec->q2);
    sg_json_bool(b, root, "weak_model", rec->weak_model);
    sg_json_bool(b, root, "optimum_may_lie_outside", rec->outside_possible);
    cJSON *co = sg_json_array(b, root, "constraints");
    for (size_t i = 0; co && i < rec->n_cons; i++) {
        cJSON *e = sg_json_object(b, co, NULL);
        sg_json_string(b, e, "constraint", rec->con_text[i]);
        sg_json_number(b, e, "probability_violated", rec->p_violate[i]);
        sg_json_number(b, e, "predicted", rec->con_mean[i]);
        sg_json_number(b, e, "spread", rec->con_sd[i]);
    }
    cJSON *no = sg_json_array(b, root, "notes");
    for (size_t k = 0; no && k < rec->n_notes; k++)
        sg_json_string(b, no, NULL, rec->notes[k]);
    return sg_json_build_end(b, root, "recommendation", out, err);
}
