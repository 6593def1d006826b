/* decide_json.c — the optimisation answer as JSON (keys in doc/json.md). */
#include <math.h>

#include "core/json.h"
#include "optim/decide.h"

/* key: {"factor": value, ...} */
static void settings(sg_json_builder *b, cJSON *parent, const char *key, const sg_study *s,
                     const double *x)
{
    cJSON *o = sg_json_object(b, parent, key);
    for (size_t f = 0; o && f < s->n_factors; f++) {
        char v[80];
        if (s->factors[f].categorical)
            sg_json_string(b, o, s->factors[f].name,
                           sg_factor_format(&s->factors[f], x[f], 6, v, sizeof v));
        else
            sg_json_number(b, o, s->factors[f].name, x[f]);
    }
}

/* Every combination of category names searched (none without category
 * factors). */
static void choices_json(sg_json_builder *b, cJSON *root, const sg_decide_result *r,
                         const sg_study *s)
{
    if (r->n_cat == 0)
        return;
    cJSON *a = sg_json_array(b, root, "category_choices");
    for (size_t c = 0; a && c < r->n_choices; c++) {
        cJSON *e = sg_json_object(b, a, NULL);
        cJSON *names = sg_json_object(b, e, "settings");
        for (size_t k = 0; names && k < r->n_cat; k++) {
            const sg_factor *f = &s->factors[r->cat_factor[k]];
            char v[80];
            sg_json_string(b, names, f->name,
                           sg_factor_format(f, r->choice_code[c * r->n_cat + k], 6, v, sizeof v));
        }
        sg_json_bool(b, e, "searched", !r->choice_untested[c]);
        if (r->choice_untested[c])
            sg_json_null(b, e, "objective");
        else
            sg_json_number(b, e, "objective", r->choice_f[c]);
        sg_json_bool(b, e, "feasible", r->choice_feasible[c]);
        sg_json_bool(b, e, "best", c == r->best_choice);
    }
}

/* key: {"response": {"mean", "spread", "unit"}, ...} */
static void predictions(sg_json_builder *b, cJSON *parent, const char *key, const sg_study *s,
                        const double *mean, const double *sd)
{
    cJSON *o = sg_json_object(b, parent, key);
    for (size_t j = 0; o && j < s->n_responses; j++) {
        cJSON *e = sg_json_object(b, o, s->responses[j].name);
        sg_json_number(b, e, "mean", mean[j]);
        sg_json_number(b, e, "spread", sd[j]);
        sg_json_string(b, e, "unit", s->responses[j].unit);
    }
}

/* key: {"row", "line", ["run"], "settings"} of table row i. */
static cJSON *run_ref(sg_json_builder *b, cJSON *parent, const char *key, const sg_study *s,
                      const sg_table *t, size_t i)
{
    cJSON *o = sg_json_object(b, parent, key);
    sg_json_count(b, o, "row", t->row[i]);
    sg_json_number(b, o, "line", (double)t->line[i]);
    if (t->run_id)
        sg_json_string(b, o, "run", t->run_id[i]);
    settings(b, o, "settings", s, t->x + i * t->n_cols);
    return o;
}

static void problem_json(sg_json_builder *b, cJSON *root, const sg_decide_result *r,
                         const sg_study *s, const sg_optimize_spec *sp)
{
    const sg_optim_result *o = r->opt;
    cJSON *p = sg_json_object(b, root, "problem");
    sg_json_string(b, p, "objective", r->objective);
    sg_json_string(b, p, "sense", sp->sense == SG_OPTIM_MAXIMIZE ? "maximize" : "minimize");
    if (!sp->weighted) {
        sg_json_string(b, p, "response", s->responses[sp->response].name);
    } else {
        cJSON *w = sg_json_object(b, p, "weights");
        for (size_t j = 0; j < s->n_responses; j++)
            if (sp->weights[j] > 0)
                sg_json_number(b, w, s->responses[j].name, sp->weights[j]);
    }
    sg_json_number(b, p, "risk", sp->risk);
    cJSON *fa = sg_json_array(b, p, "factors");
    for (size_t f = 0; fa && f < s->n_factors; f++) {
        cJSON *e = sg_json_object(b, fa, NULL);
        sg_json_string(b, e, "name", s->factors[f].name);
        sg_json_string(b, e, "unit", s->factors[f].unit);
        sg_json_number(b, e, "lower", sp->lb[f]);
        sg_json_number(b, e, "upper", sp->ub[f]);
        if (sp->has_fixed[f])
            sg_json_number(b, e, "fixed", sp->fixed[f]);
        else
            sg_json_null(b, e, "fixed");
        if (sp->step[f] > 0)
            sg_json_number(b, e, "step", sp->step[f]);
        else
            sg_json_null(b, e, "step");
        if (sp->levels_only[f])
            sg_json_numbers(b, e, "levels", sp->levels[f], sp->n_levels[f]);
        else
            sg_json_null(b, e, "levels");
    }
    cJSON *co = sg_json_array(b, p, "constraints");
    for (size_t i = 0; co && i < sp->n_cons; i++)
        sg_json_string(b, co, NULL, sp->cons[i].text);
    sg_json_string(b, p, "global_algorithm", o->global_alg);
    sg_json_string(b, p, "global_mode",
                   sp->global_mode == SG_OPTIM_GLOBAL_ONCE ? "once" : "per_start");
    sg_json_string(b, p, "local_algorithm", o->local_alg);
    sg_json_count(b, p, "starts", o->n_starts);
    sg_json_number(b, p, "threads", o->threads);
    sg_json_number(b, p, "seed", (double)o->seed);
    sg_json_string(b, p, "nlopt_version", o->nlopt_version);
}

static void optimum_json(sg_json_builder *b, cJSON *root, const sg_decide_result *r,
                         const sg_study *s, const sg_optimize_spec *sp)
{
    const sg_optim_result *o = r->opt;
    cJSON *x = sg_json_object(b, root, "optimum");
    sg_json_bool(b, x, "feasible", o->feasible);
    settings(b, x, "settings", s, o->best_x);
    sg_json_number(b, x, "objective", o->best_f);
    predictions(b, x, "predicted", s, r->mean, r->sd);
    if (r->has_interval) {
        cJSON *iv = sg_json_object(b, x, "interval");
        sg_json_number(b, iv, "level", r->level);
        for (size_t j = 0; iv && j < s->n_responses; j++) {
            if (!isfinite(r->half_width[j]))
                continue;
            cJSON *e = sg_json_object(b, iv, s->responses[j].name);
            double lo, hi;
            bool lg = s->responses[j].log_scale; /* half_width in decades */
            sg_model_interval_bounds(lg, r->mean[j], r->half_width[j], &lo, &hi);
            bool clipped = sg_response_clip(&s->responses[j], &lo, &hi);
            sg_json_number(b, e, "lower", lo);
            sg_json_number(b, e, "upper", hi);
            sg_json_number(b, e, "half_width", r->half_width[j]);
            sg_json_string(b, e, "scale", lg ? "log" : "linear");
            sg_json_bool(b, e, "clipped", clipped); /* to [[response]] lower/upper_limit */
        }
    } else {
        sg_json_null(b, x, "interval");
        sg_json_string(b, x, "interval_reason",
                       "no cross-validation calibration: the model was loaded from a "
                       "file (use --fit) or fitted without cross-validation");
    }
    cJSON *ab = sg_json_array(b, x, "active_bounds");
    for (size_t f = 0; ab && f < s->n_factors; f++)
        if (o->active_bound[f]) {
            cJSON *e = sg_json_object(b, ab, NULL);
            sg_json_string(b, e, "factor", s->factors[f].name);
            sg_json_string(b, e, "at", o->active_bound[f] < 0 ? "lower" : "upper");
        }
    cJSON *ac = sg_json_array(b, x, "constraints");
    for (size_t i = 0; ac && i < sp->n_cons; i++) {
        cJSON *e = sg_json_object(b, ac, NULL);
        sg_json_string(b, e, "constraint", sp->cons[i].text);
        sg_json_number(b, e, "g", o->best_g[i]);
        sg_json_bool(b, e, "active", o->active_con[i]);
        sg_json_bool(b, e, "satisfied", o->best_g[i] <= SG_OPTIM_DEFAULT_FEAS_TOL);
        sg_json_number(b, e, "closest_value", r->closest_value[i]);
        sg_json_number(b, e, "safety_margin", r->con_margin[i]);
        sg_json_number(b, e, "confidence", r->con_margin[i] > 0 ? r->con_confidence : 0.5);
    }
    sg_json_string(b, x, "infeasible", *r->infeasible ? r->infeasible : NULL);
}

static void comparison_json(sg_json_builder *b, cJSON *root, const sg_decide_result *r,
                            const sg_study *s, const sg_table *t)
{
    if (t && t->n_rows) {
        cJSON *cv = sg_json_object(b, root, "coverage");
        run_ref(b, cv, "nearest_run", s, t, r->nearest_row);
        sg_json_number(b, cv, "nearest_distance", r->nearest_dist);
        sg_json_number(b, cv, "design_spacing", r->design_spacing);
        sg_json_bool(b, cv, "outside_data_box", r->outside_data_box);
        sg_json_bool(b, cv, "extrapolation", r->extrapolation);
        sg_json_string(b, cv, "failed_run_near", r->failed_near[0] ? r->failed_near : NULL);
        sg_json_string(b, cv, "warning", *r->warning ? r->warning : NULL);
    }
    cJSON *cmp = sg_json_object(b, root, "comparison");
    if (r->has_best_row) {
        cJSON *br = run_ref(b, cmp, "best_tested_run", s, t, r->best_row);
        sg_json_number(b, br, "measured", r->best_row_value);
        sg_json_count(b, br, "replicates", r->best_row_reps);
        sg_json_number(b, br, "predicted", r->best_row_pred);
    } else {
        sg_json_null(b, cmp, "best_tested_run");
    }
    if (r->has_taguchi) {
        cJSON *tg = sg_json_object(b, cmp, "main_effects_best");
        settings(b, tg, "settings", s, r->taguchi_x);
        sg_json_number(b, tg, "additive_prediction", r->taguchi_additive);
        sg_json_number(b, tg, "predicted", r->taguchi_pred);
    } else {
        sg_json_null(b, cmp, "main_effects_best");
        sg_json_string(b, cmp, "main_effects_best_reason", r->taguchi_na);
    }
}

static void starts_json(sg_json_builder *b, cJSON *root, const sg_decide_result *r,
                        const sg_study *s)
{
    const sg_optim_result *o = r->opt;
    const sg_optim_realisable *rl = &o->realisable;
    cJSON *re = sg_json_object(b, root, "realisable");
    sg_json_bool(b, re, "needed", rl->needed);
    sg_json_bool(b, re, "found", rl->found);
    sg_json_bool(b, re, "closest", rl->closest);
    if (rl->needed && (rl->found || rl->closest)) {
        settings(b, re, "settings", s, rl->x);
        sg_json_number(b, re, "objective", rl->f);
        sg_json_number(b, re, "loss", rl->loss);
        predictions(b, re, "predicted", s, r->r_mean, r->r_sd);
        sg_json_bool(b, re, "enumerated_grid", rl->enumerated_grid);
        sg_json_count(b, re, "evaluated", rl->n_evaluated);
    }

    const sg_optim_stats *st = &o->stats;
    cJSON *sj = sg_json_object(b, root, "statistics");
    sg_json_count(b, sj, "n", st->n);
    sg_json_number(b, sj, "best", st->best);
    sg_json_number(b, sj, "worst", st->worst);
    sg_json_number(b, sj, "mean", st->mean);
    sg_json_number(b, sj, "sd", st->sd);
    sg_json_number(b, sj, "median", st->median);
    sg_json_number(b, sj, "q1", st->q1);
    sg_json_number(b, sj, "q3", st->q3);
    sg_json_count(b, sj, "n_reach_best", st->n_reach_best);
    sg_json_number(b, sj, "frac_reach_best", st->frac_reach_best);
    sg_json_number(b, sj, "total_evaluations", (double)o->total_evals);
    sg_json_number(b, sj, "seconds", o->seconds);
    cJSON *cl = sg_json_array(b, root, "optima");
    for (size_t k = 0; cl && k < o->n_clusters; k++) {
        cJSON *e = sg_json_object(b, cl, NULL);
        sg_json_count(b, e, "count", o->clusters[k].count);
        sg_json_number(b, e, "objective", o->clusters[k].f);
        settings(b, e, "settings", s, o->clusters[k].x);
    }
    cJSON *sa = sg_json_array(b, root, "starts");
    for (size_t i = 0; sa && i < o->n_starts; i++) {
        const sg_optim_start *x = &o->starts[i];
        cJSON *e = sg_json_object(b, sa, NULL);
        settings(b, e, "start", s, x->x0);
        settings(b, e, "final", s, x->x);
        sg_json_number(b, e, "objective", x->f);
        sg_json_numbers(b, e, "constraints", x->g, o->n_cons);
        sg_json_bool(b, e, "feasible", x->feasible);
        sg_json_number(b, e, "evaluations", (double)x->evals);
        sg_json_string(b, e, "stop_reason", x->stop_reason);
    }
}

sg_status sg_decide_to_json(const sg_decide_result *r, const sg_study *s, const sg_table *t,
                            const sg_optimize_spec *sp, const sg_decide_model_ref *model,
                            cJSON **out, sg_error *err)
{
    sg_json_builder jb, *b = &jb;
    cJSON *root = sg_json_build_begin(b);
    problem_json(b, root, r, s, sp);
    optimum_json(b, root, r, s, sp);
    choices_json(b, root, r, s);
    comparison_json(b, root, r, s, t);
    starts_json(b, root, r, s);
    if (model) {
        cJSON *m = sg_json_object(b, root, "model");
        sg_json_string(b, m, "source", model->source);
        sg_json_string(b, m, "path", model->path);
        sg_json_string(b, m, "data_hash", sg_model_data_hash(model->model));
        sg_json_string(b, m, "settings_hash", sg_model_study_hash(model->model));
        sg_json_bool(b, m, "current", model->current);
    }
    return sg_json_build_end(b, root, "optimisation result", out, err);
}
