/* summary.c — the decision summary (summary.h). */
#include "optim/summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"

static const char *sp_unit(const char *u) { return *u ? " " : ""; }

static int resp_decimals(const sg_summary_inputs *in, size_t j)
{
    return sg_sensitivity_decimals(in->sens ? in->sens->resolution[j] : 0.0);
}

/* Decimals for an uncertainty v of response j. */
static int unc_decimals(const sg_summary_inputs *in, size_t j, double v)
{
    return sg_sensitivity_uncertainty_decimals(v, in->sens ? in->sens->resolution[j] : 0.0);
}

/* Decimals for a value of response j beside its uncertainty: the data's
 * resolution, but at most one digit beyond the calibrated half-width's
 * (a table written with 8 decimals and a +-15 MPa interval: 1). */
static int value_decimals(const sg_summary_inputs *in, size_t j)
{
    int d = resp_decimals(in, j);
    double hw = in->decide && in->decide->has_interval ? in->decide->half_width[j] : NAN;
    if (isfinite(hw) && hw > 0) {
        int du = unc_decimals(in, j, hw);
        if (du + 1 < d)
            d = du + 1;
    }
    return d;
}

/* A total Sobol index as printed: two decimals, "< 0.01" below them (a
 * factor can matter by more than the resolution with an index of 0.004). */
static const char *index_text(double est, char *buf, size_t cap)
{
    if (est >= 0.005)
        sg_num_snprintf(buf, cap, "%.2f", est);
    else
        snprintf(buf, cap, "< 0.01");
    return buf;
}

static void copy_name(char *dst, const char *src)
{
    snprintf(dst, SG_STUDY_NAME_MAX + 1, "%s", src);
}

/* What the calibrated interval of response j covers (cv.h): the window, or
 * the tested settings when the window figures could not be computed; ""
 * without the cross-validation to tell. */
static const char *interval_scope(const sg_summary_inputs *in, size_t j)
{
    if (!in->cv || j >= in->cv->n_out)
        return "";
    return in->cv->resp[j].window_ok ? " anywhere in the window" : " at tested settings";
}

/* Why factor i is set as it is: matters (how much), no effect, fixed. */
static void factor_line(const sg_summary_inputs *in, size_t i, sg_summary_factor *o)
{
    const sg_study *s = in->study;
    const sg_recommend *rec = in->rec;
    const sg_optimize_spec *sp = in->spec;
    const sg_recommend_factor *f = &rec->factors[i];
    const char *u = s->factors[i].unit;
    copy_name(o->name, s->factors[i].name);
    o->role = f->role;
    sg_num_snprintf(o->setting, sizeof o->setting, "%g%s%s", f->value, sp_unit(u), u);
    if (s->factors[i].categorical)
        sg_factor_format(&s->factors[i], f->value, 6, o->setting, sizeof o->setting);
    double tested, held;
    if (sp && sg_decide_held(s, in->table, sp, i, &tested, &held) && held == tested) {
        /* the model ignores it (model.c flatten_constant_factors): say why */
        sg_num_snprintf(o->verdict, sizeof o->verdict,
                        "not varied: every run has %s, so its effect is unknown; keep it",
                        o->setting);
    } else if (sp && sg_decide_held(s, in->table, sp, i, &tested, &held)) {
        sg_num_snprintf(o->verdict, sizeof o->verdict,
                        "not varied: every run has %g%s%s, which the [optimize] bounds "
                        "exclude; its effect is unknown, so test this setting",
                        tested, sp_unit(u), u);
    } else if (f->role == SG_ROLE_NO_EFFECT && s->factors[i].categorical) {
        snprintf(o->verdict, sizeof o->verdict,
                 "no effect among its names: choose on cost or convenience");
    } else if (f->role == SG_ROLE_NO_EFFECT) {
        sg_num_snprintf(o->verdict, sizeof o->verdict,
                        "no effect in this window (%g .. %g%s%s): choose on cost or convenience",
                        s->factors[i].min, s->factors[i].max, sp_unit(u), u);
    } else if (f->role == SG_ROLE_FIXED) {
        snprintf(o->verdict, sizeof o->verdict, "fixed by [optimize]");
    } else if (rec->kind == SG_RECOMMEND_NONE) {
        o->verdict[0] = '\0';
    } else if (in->sens && !sp->weighted) {
        size_t jo = sp->response;
        const sg_sobol_result *so = in->sens->sobol;
        size_t k = sg_sobol_at(so, jo, i);
        const char *ru = s->responses[jo].unit, *pn = sg_optimize_spec_prob_name(sp, s, jo);
        char ix[16];
        index_text(so->total[k].est, ix, sizeof ix);
        if (pn) /* a probability */
            sg_num_snprintf(o->verdict, sizeof o->verdict,
                            "matters: total index %s, moves P(%s = %s) by %.2f", ix,
                            s->responses[jo].name, pn, so->effect_range[k]);
        else {
            char by[SG_NUM_SIG_CAP];
            sg_num_snprintf(o->verdict, sizeof o->verdict,
                            "matters: total index %s, moves %s by %s%s%s", ix,
                            s->responses[jo].name,
                            sg_num_fixed(by, sizeof by, so->effect_range[k],
                                         value_decimals(in, jo)),
                            sp_unit(ru), ru);
        }
    } else {
        snprintf(o->verdict, sizeof o->verdict, "matters");
    }
}

/* "470.9 MPa (468.5 .. 473.3" of numeric response j at the recommended
 * settings, one digit beyond the uncertainty's; the caller closes the
 * parenthesis when *has_interval. */
static int response_value(const sg_summary_inputs *in, size_t j, char *buf, size_t cap,
                          bool *has_interval)
{
    const sg_recommend *rec = in->rec;
    const char *u = in->study->responses[j].unit;
    int d = resp_decimals(in, j);
    int du = unc_decimals(in, j, sg_model_interval_half_at(in->study->responses[j].log_scale,
                                                         rec->mean[j], in->decide->half_width[j]));
    if (isfinite(rec->lo[j]) && du + 1 < d) /* one digit beyond the uncertainty's */
        d = du + 1;
    char v[SG_NUM_SIG_CAP], lo[SG_NUM_SIG_CAP], hi[SG_NUM_SIG_CAP];
    int n = sg_num_snprintf(buf, cap, "%s%s%s", sg_num_fixed(v, sizeof v, rec->mean[j], d),
                            sp_unit(u), u);
    *has_interval = isfinite(rec->lo[j]);
    if (n > 0 && (size_t)n < cap && *has_interval)
        n += sg_num_snprintf(buf + n, cap - (size_t)n, " (%s .. %s",
                             sg_num_fixed(lo, sizeof lo, rec->lo[j], du),
                             sg_num_fixed(hi, sizeof hi, rec->hi[j], du));
    return n;
}

/* A weighted objective: each of its responses predicted there. */
static void weighted_prediction(const sg_summary_inputs *in, sg_summary *o)
{
    const sg_study *s = in->study;
    size_t n = (size_t)snprintf(o->prediction, sizeof o->prediction, "predicted there:");
    bool any_interval = false;
    size_t last = 0;
    for (size_t j = 0; j < s->n_responses; j++)
        if (in->spec->weights[j] > 0)
            last = j;
    for (size_t j = 0; j < s->n_responses && n < sizeof o->prediction; j++) {
        if (!(in->spec->weights[j] > 0))
            continue;
        char v[128];
        bool iv;
        response_value(in, j, v, sizeof v, &iv);
        any_interval = any_interval || iv;
        n += (size_t)snprintf(o->prediction + n, sizeof o->prediction - n, " %s %s%s%s",
                              s->responses[j].name, v, iv ? ")" : "", j == last ? "" : ",");
    }
    if (any_interval && n < sizeof o->prediction)
        sg_num_snprintf(o->prediction + n, sizeof o->prediction - n, " (%.0f%% intervals)",
                        100.0 * in->rec->level);
}

static void prediction_line(const sg_summary_inputs *in, sg_summary *o)
{
    const sg_study *s = in->study;
    const sg_recommend *rec = in->rec;
    const sg_optimize_spec *sp = in->spec;
    if (rec->kind == SG_RECOMMEND_NONE)
        return;
    if (sp->weighted) {
        weighted_prediction(in, o);
        return;
    }
    size_t j = sp->response;
    const char *pn = sg_optimize_spec_prob_name(sp, s, j);
    if (pn) { /* the probability and its spread */
        sg_num_snprintf(o->prediction, sizeof o->prediction,
                        "predicted P(%s = %s) there: %.2g (members' spread %.2g)",
                        s->responses[j].name, pn, rec->mean[j], rec->sd[j]);
        return;
    }
    char v[128];
    bool iv;
    response_value(in, j, v, sizeof v, &iv);
    int n = sg_num_snprintf(o->prediction, sizeof o->prediction, "predicted %s there: %s",
                            s->responses[j].name, v);
    if (n > 0 && (size_t)n < sizeof o->prediction && iv)
        sg_num_snprintf(o->prediction + n, sizeof o->prediction - (size_t)n,
                        ", %.0f%% interval%s%s)", 100.0 * rec->level, interval_scope(in, j),
                        rec->clipped[j] ? ", clipped to the physical limit" : "");
}

/* The prediction at the recommendation, the safety margin the constraint
 * was kept with and the chance it is violated. */
static void constraint_line(const sg_summary_inputs *in, size_t i, char *out, size_t cap)
{
    const sg_study *s = in->study;
    const sg_optimize_spec *sp = in->spec;
    const sg_decide_result *r = in->decide;
    size_t j = sp->cons[i].response;
    const char *u = s->responses[j].unit;
    int d = resp_decimals(in, j);
    const char *pn = sg_optimize_spec_con_prob_name(sp, s, i);
    if (pn) { /* the probability and its spread */
        sg_num_snprintf(out, cap,
                        "constraint %s: predicted P(%s) = %.2g (members' spread %.2g)",
                        sp->cons[i].text, pn,
                        sg_optimize_spec_con_stated(sp, i, in->rec->con_mean[i]),
                        in->rec->con_sd[i]);
        return;
    }
    double hw = r->has_interval ? r->half_width[j] : NAN;
    if (isfinite(hw)) { /* one digit beyond the uncertainty's, as the prediction */
        int du = unc_decimals(in, j, sg_model_interval_half_at(s->responses[j].log_scale,
                                                               in->rec->mean[j], hw));
        d = du + 1 < d ? du + 1 : d;
    }
    char f1[SG_NUM_SIG_CAP], f2[SG_NUM_SIG_CAP];
    int n = sg_num_snprintf(out, cap, "constraint %s: predicted %s%s%s", sp->cons[i].text,
                            sg_num_fixed(f1, sizeof f1, in->rec->mean[j], d), sp_unit(u), u);
    double beyond = sp->cons[i].ge ? sp->cons[i].bound - in->rec->mean[j]
                                   : in->rec->mean[j] - sp->cons[i].bound;
    if (n > 0 && (size_t)n < cap && beyond > 0) /* not met: no margin was kept */
        n += sg_num_snprintf(out + n, cap - (size_t)n, ", %s%s%s beyond the bound",
                             sg_num_fixed(f1, sizeof f1, beyond, d), sp_unit(u), u);
    else if (n > 0 && (size_t)n < cap && -beyond < (1.0 - 1e-6) * r->con_margin[i])
        /* settings not the optimiser's (a tested run): the slack they have */
        n += sg_num_snprintf(out + n, cap - (size_t)n, ", %s%s%s inside the bound (the "
                             "margin for %.0f%% confidence is %s%s%s)",
                             sg_num_fixed(f1, sizeof f1, -beyond, d), sp_unit(u), u,
                             100.0 * r->con_confidence,
                             sg_num_fixed(f2, sizeof f2, r->con_margin[i], d), sp_unit(u), u);
    else if (n > 0 && (size_t)n < cap && r->con_margin[i] > 0)
        n += sg_num_snprintf(out + n, cap - (size_t)n, ", kept %s%s%s inside (%.0f%% confidence)",
                             sg_num_fixed(f1, sizeof f1, r->con_margin[i], d), sp_unit(u), u,
                             100.0 * r->con_confidence);
    if (n > 0 && (size_t)n < cap)
        sg_num_snprintf(out + n, cap - (size_t)n, ", chance of violation %.0f%%",
                        100.0 * in->rec->p_violate[i]);
}

/* The names of the category factors in combination c ("BNi-5, vacuum"). */
static int names_of(const sg_study *s, const sg_decide_result *r, size_t c, char *out,
                    size_t cap)
{
    int n = 0;
    for (size_t k = 0; k < r->n_cat && n >= 0 && (size_t)n < cap; k++) {
        char v[80];
        const sg_factor *f = &s->factors[r->cat_factor[k]];
        n += snprintf(out + n, cap - (size_t)n, "%s%s", k ? ", " : "",
                      sg_factor_format(f, r->choice_code[c * r->n_cat + k], 6, v, sizeof v));
    }
    return n;
}

/* The best combination of names and the next best ones with their
 * objectives: how much the choice of names matters. */
static void names_line(const sg_summary_inputs *in, char *out, size_t cap)
{
    const sg_decide_result *r = in->decide;
    const sg_study *s = in->study;
    size_t order[SG_DECIDE_MAX_CHOICES], n = 0, n_untested = 0;
    for (size_t c = 0; c < r->n_choices; c++) {
        if (r->choice_untested[c])
            n_untested++;
        else
            order[n++] = c;
    }
    for (size_t a = 1; a < n; a++) /* feasible first, then by the objective */
        for (size_t b = a; b > 0; b--) {
            size_t x = order[b - 1], y = order[b];
            bool fy = r->choice_feasible[y], fx = r->choice_feasible[x];
            bool better = fy > fx || (fy == fx && (r->sense == SG_OPTIM_MAXIMIZE
                                                       ? r->choice_f[y] > r->choice_f[x]
                                                       : r->choice_f[y] < r->choice_f[x]));
            if (!better)
                break;
            order[b - 1] = y;
            order[b] = x;
        }
    int len = snprintf(out, cap, "names compared (each with the other factors optimised): ");
    for (size_t i = 0; i < n && i < 4 && len > 0 && (size_t)len < cap; i++) {
        size_t c = order[i];
        len += snprintf(out + len, cap - (size_t)len, "%s", i ? "; " : "");
        if ((size_t)len < cap)
            len += names_of(s, r, c, out + len, cap - (size_t)len);
        if ((size_t)len < cap)
            len += sg_num_snprintf(out + len, cap - (size_t)len, " %.4g%s%s", r->choice_f[c],
                                   r->choice_feasible[c] ? "" : " (infeasible)",
                                   i == 0 ? " (best)" : "");
    }
    if (n > 4 && len > 0 && (size_t)len < cap)
        len += snprintf(out + len, cap - (size_t)len, "; ... (%zu combinations)", n);
    if (n_untested > 0 && len > 0 && (size_t)len < cap)
        snprintf(out + len, cap - (size_t)len,
                 "; %zu combination%s with a name no run has not searched", n_untested,
                 n_untested == 1 ? "" : "s");
}

/* Does the objective use response j? */
static bool objective_uses(const sg_optimize_spec *sp, size_t j)
{
    return sp->weighted ? sp->weights[j] > 0 : sp->response == j;
}

/* A run of the objective's responses that cross-validation flagged: the
 * model, and so the answer, follow it (a value typed 1e12 for 529.6). */
static void suspicious_run(const sg_summary_inputs *in, const sg_outlier *ol, char *out)
{
    const sg_response *re = &in->study->responses[ol->response];
    const char *us = *re->unit ? " " : "";
    char run[96];
    if (in->table)
        sg_table_run_label(in->table, ol->row, run, sizeof run);
    else
        snprintf(run, sizeof run, "data row %zu", ol->row + 1);
    sg_num_snprintf(out, SG_SUMMARY_TEXT_MAX,
                    "%s: %s observed %.4g%s%s, where the other runs predict %.4g%s%s: check "
                    "this simulation; the model and this answer follow it",
                    run, re->name, ol->observed, us, re->unit, ol->predicted, us, re->unit);
}

/* The recommendation's notes, the fit's honesty warnings on the
 * objective's responses (a weak model is already the headline), then the
 * suspicious runs of those responses. */
static void warnings(const sg_summary_inputs *in, sg_summary *o)
{
    const sg_recommend *rec = in->rec;
    const sg_optimize_spec *sp = in->spec;
    for (size_t k = 0; k < rec->n_notes && o->n_warnings < SG_SUMMARY_MAX_WARNINGS; k++)
        snprintf(o->warnings[o->n_warnings++], SG_SUMMARY_TEXT_MAX, "%s", rec->notes[k]);
    for (size_t g = 0; g < in->n_gates && o->n_warnings < SG_SUMMARY_MAX_WARNINGS; g++) {
        const sg_gate_warning *w = &in->gates[g];
        if (objective_uses(sp, w->response) && w->kind != SG_GATE_LOW_Q2)
            snprintf(o->warnings[o->n_warnings++], SG_SUMMARY_TEXT_MAX, "%s", w->message);
    }
    for (size_t k = 0; in->cv && k < in->cv->n_outliers; k++) {
        const sg_outlier *ol = &in->cv->outliers[k];
        if (o->n_warnings < SG_SUMMARY_MAX_WARNINGS && objective_uses(sp, ol->response))
            suspicious_run(in, ol, o->warnings[o->n_warnings++]);
    }
}

static void quality_line(const sg_summary_inputs *in, size_t j, sg_summary_quality *q)
{
    const sg_study *s = in->study;
    const sg_cv_response *c = &in->cv->resp[j];
    const char *u = s->responses[j].unit;
    copy_name(q->name, s->responses[j].name);
    q->q2 = NAN;
    if (c->binary) {
        q->weak = c->cls.balanced_accuracy < SG_SUMMARY_MIN_BALANCED;
        sg_num_snprintf(q->text, sizeof q->text,
                        "accuracy %.0f%%, balanced %.0f%% %s (log-loss %.3f; %s)",
                        100.0 * c->cls.accuracy, 100.0 * c->cls.balanced_accuracy,
                        q->weak ? "WEAK" : "good", c->cls.log_loss,
                        c->n_classes > 2 ? "classes" : "pass/fail");
        return;
    }
    if (!c->net.r2_ok) {
        snprintf(q->text, sizeof q->text, "Q2 n/a: %s", c->net.reason);
        return;
    }
    q->q2 = c->net.r2;
    q->weak = c->net.r2 < SG_CV_MIN_Q2;
    double hp = c->half_width_plan, hb = c->half_width_between, hw = c->window_half_width;
    char f1[SG_NUM_SIG_CAP], f2[SG_NUM_SIG_CAP];
    bool btw = in->cv->n_between > 0;
    if (c->log_interval) { /* in decades: the factor the prediction is divided or multiplied by */
        int n = sg_num_snprintf(q->text, sizeof q->text, "Q2 %5.2f %-5s x/ %.4g %s",
                                c->net.r2, q->weak ? "WEAK" : "good", pow(10.0, c->half_width),
                                c->window_ok ? "in the window" : "at tested settings");
        if (n > 0 && (size_t)n < sizeof q->text && c->window_ok)
            n += sg_num_snprintf(q->text + n, sizeof q->text - (size_t)n, " (tested x/ %.4g)",
                                 pow(10.0, hp));
        return;
    }
    if (c->window_ok) { /* the interval every command gives first, the others beside it */
        int n = sg_num_snprintf(q->text, sizeof q->text,
                                "Q2 %5.2f %-5s +- %s%s%s in the window (tested +- %s", c->net.r2,
                                q->weak ? "WEAK" : "good",
                                sg_num_fixed(f1, sizeof f1, hw, unc_decimals(in, j, hw)),
                                sp_unit(u), u,
                                sg_num_fixed(f2, sizeof f2, hp, unc_decimals(in, j, hp)));
        if (n > 0 && (size_t)n < sizeof q->text && btw)
            n += sg_num_snprintf(q->text + n, sizeof q->text - (size_t)n, ", between levels +- %s",
                                 sg_num_fixed(f1, sizeof f1, hb, unc_decimals(in, j, hb)));
        if (n > 0 && (size_t)n < sizeof q->text)
            snprintf(q->text + n, sizeof q->text - (size_t)n, ")");
        return;
    }
    int n = sg_num_snprintf(q->text, sizeof q->text, "Q2 %5.2f %-5s +- %s%s%s at tested settings",
                            c->net.r2, q->weak ? "WEAK" : "good",
                            sg_num_fixed(f1, sizeof f1, hp, unc_decimals(in, j, hp)), sp_unit(u),
                            u);
    if (n > 0 && (size_t)n < sizeof q->text && btw)
        n += sg_num_snprintf(q->text + n, sizeof q->text - (size_t)n, ", +- %s between levels",
                             sg_num_fixed(f1, sizeof f1, hb, unc_decimals(in, j, hb)));
    if (n > 0 && (size_t)n < sizeof q->text && in->cv->saturated) /* Q2 cannot tell */
        snprintf(q->text + n, sizeof q->text - (size_t)n, "; a saturated design: cannot be judged");
}

void sg_summary_destroy(sg_summary *s)
{
    if (!s)
        return;
    free(s->factors);
    free(s->constraints);
    free(s->warnings);
    free(s->quality);
    free(s);
}

sg_status sg_summary_build(const sg_summary_inputs *in, sg_summary **out, sg_error *err)
{
    *out = NULL;
    const sg_study *s = in->study;
    const sg_recommend *rec = in->rec;
    size_t nc = in->spec->n_cons;
    sg_summary *o = calloc(1, sizeof *o);
    if (o) {
        o->factors = calloc(s->n_factors ? s->n_factors : 1, sizeof *o->factors);
        /* the constraints, then the pass/fail outcomes no constraint names */
        o->constraints = calloc(nc + s->n_responses + 2, sizeof *o->constraints);
        o->warnings = calloc(SG_SUMMARY_MAX_WARNINGS, sizeof *o->warnings);
        o->quality = calloc(s->n_responses ? s->n_responses : 1, sizeof *o->quality);
    }
    if (!o || !o->factors || !o->constraints || !o->warnings || !o->quality) {
        sg_summary_destroy(o);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    }
    o->kind = rec->kind;
    snprintf(o->headline, sizeof o->headline, "%s", rec->headline);
    snprintf(o->settings_title, sizeof o->settings_title, "Settings (%s%s)",
             in->decide->objective,
             rec->kind == SG_RECOMMEND_NONE ? "; best known, not a recommendation" : "");
    o->n_factors = s->n_factors;
    for (size_t i = 0; i < s->n_factors; i++)
        factor_line(in, i, &o->factors[i]);
    prediction_line(in, o);
    for (size_t i = 0; rec->kind != SG_RECOMMEND_NONE && i < nc; i++)
        constraint_line(in, i, o->constraints[o->n_constraints++], SG_SUMMARY_TEXT_MAX);
    for (size_t j = 0; rec->kind != SG_RECOMMEND_NONE && j < s->n_responses; j++) {
        bool named = false;
        for (size_t i = 0; i < nc; i++)
            named |= in->spec->cons[i].response == j;
        const char *pn = sg_optimize_spec_prob_name(in->spec, s, j);
        if (pn && !named)
            sg_num_snprintf(o->constraints[o->n_constraints++], SG_SUMMARY_TEXT_MAX,
                            "%s there: P(%s) = %.2g (members' spread %.2g)",
                            s->responses[j].name, pn, rec->mean[j], rec->sd[j]);
    }
    if (rec->kind != SG_RECOMMEND_NONE && in->decide->n_cat > 0)
        names_line(in, o->constraints[o->n_constraints++], SG_SUMMARY_TEXT_MAX);
    warnings(in, o);
    o->cross_validated = in->cv && in->cv->n_out == s->n_responses;
    o->n_responses = o->cross_validated ? s->n_responses : 0;
    for (size_t j = 0; j < o->n_responses; j++)
        quality_line(in, j, &o->quality[j]);
    *out = o;
    return SG_OK;
}
