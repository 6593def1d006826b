/* decide_json.c — the optimisation answer as JSON (keys in doc/json.md). */
#include <math.h>

#include "optim/decide.h"

static cJSON *num(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

/* {"factor": value, ...} */
static cJSON *settings(const sg_study *s, const double *x)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t f = 0; o && f < s->n_factors; f++)
        cJSON_AddItemToObject(o, s->factors[f].name, num(x[f]));
    return o;
}

/* {"response": {"mean", "spread", "unit"}, ...} */
static cJSON *predictions(const sg_study *s, const double *mean, const double *sd)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t j = 0; o && j < s->n_responses; j++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObject(e, "mean", num(mean[j]));
        cJSON_AddItemToObject(e, "spread", num(sd[j]));
        cJSON_AddStringToObject(e, "unit", s->responses[j].unit);
        cJSON_AddItemToObject(o, s->responses[j].name, e);
    }
    return o;
}

static cJSON *run_ref(const sg_table *t, size_t i)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "row", (double)t->row[i]);
    cJSON_AddNumberToObject(o, "line", (double)t->line[i]);
    if (t->run_id)
        cJSON_AddStringToObject(o, "run", t->run_id[i]);
    return o;
}

static cJSON *problem_json(const sg_decide_result *r, const sg_study *s,
                           const sg_optimize_spec *sp)
{
    const sg_optim_result *o = r->opt;
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "objective", r->objective);
    cJSON_AddStringToObject(p, "sense", sp->sense == SG_OPTIM_MAXIMIZE ? "maximize" : "minimize");
    if (!sp->weighted) {
        cJSON_AddStringToObject(p, "response", s->responses[sp->response].name);
    } else {
        cJSON *w = cJSON_AddObjectToObject(p, "weights");
        for (size_t j = 0; j < s->n_responses; j++)
            if (sp->weights[j] > 0)
                cJSON_AddNumberToObject(w, s->responses[j].name, sp->weights[j]);
    }
    cJSON_AddNumberToObject(p, "risk", sp->risk);
    cJSON *fa = cJSON_AddArrayToObject(p, "factors");
    for (size_t f = 0; f < s->n_factors; f++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", s->factors[f].name);
        cJSON_AddStringToObject(e, "unit", s->factors[f].unit);
        cJSON_AddNumberToObject(e, "lower", sp->lb[f]);
        cJSON_AddNumberToObject(e, "upper", sp->ub[f]);
        cJSON_AddItemToObject(e, "fixed", sp->has_fixed[f] ? num(sp->fixed[f]) : cJSON_CreateNull());
        cJSON_AddItemToObject(e, "step", sp->step[f] > 0 ? num(sp->step[f]) : cJSON_CreateNull());
        if (sp->levels_only[f])
            cJSON_AddItemToObject(e, "levels",
                                  cJSON_CreateDoubleArray(sp->levels[f], (int)sp->n_levels[f]));
        else
            cJSON_AddNullToObject(e, "levels");
        cJSON_AddItemToArray(fa, e);
    }
    cJSON *co = cJSON_AddArrayToObject(p, "constraints");
    for (size_t i = 0; i < sp->n_cons; i++)
        cJSON_AddItemToArray(co, cJSON_CreateString(sp->cons[i].text));
    cJSON_AddStringToObject(p, "global_algorithm", o->global_alg);
    cJSON_AddStringToObject(p, "global_mode",
                            sp->global_mode == SG_OPTIM_GLOBAL_ONCE ? "once" : "per_start");
    cJSON_AddStringToObject(p, "local_algorithm", o->local_alg);
    cJSON_AddNumberToObject(p, "starts", (double)o->n_starts);
    cJSON_AddNumberToObject(p, "threads", o->threads);
    cJSON_AddNumberToObject(p, "seed", (double)o->seed);
    cJSON_AddStringToObject(p, "nlopt_version", o->nlopt_version);
    return p;
}

cJSON *sg_decide_to_json(const sg_decide_result *r, const sg_study *s, const sg_table *t,
                         const sg_optimize_spec *sp)
{
    const sg_optim_result *o = r->opt;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON_AddItemToObject(root, "problem", problem_json(r, s, sp));

    cJSON *b = cJSON_AddObjectToObject(root, "optimum");
    cJSON_AddBoolToObject(b, "feasible", o->feasible);
    cJSON_AddItemToObject(b, "settings", settings(s, o->best_x));
    cJSON_AddItemToObject(b, "objective", num(o->best_f));
    cJSON_AddItemToObject(b, "predicted", predictions(s, r->mean, r->sd));
    if (r->has_interval) {
        cJSON *iv = cJSON_AddObjectToObject(b, "interval");
        cJSON_AddItemToObject(iv, "level", num(r->level));
        for (size_t j = 0; j < s->n_responses; j++) {
            if (!isfinite(r->half_width[j]))
                continue;
            cJSON *e = cJSON_CreateObject();
            cJSON_AddItemToObject(e, "lower", num(r->mean[j] - r->half_width[j]));
            cJSON_AddItemToObject(e, "upper", num(r->mean[j] + r->half_width[j]));
            cJSON_AddItemToObject(e, "half_width", num(r->half_width[j]));
            cJSON_AddItemToObject(iv, s->responses[j].name, e);
        }
    } else {
        cJSON_AddNullToObject(b, "interval");
        cJSON_AddStringToObject(b, "interval_reason",
                                "no cross-validation calibration: the model was loaded from a "
                                "file (use --fit) or fitted without cross-validation");
    }
    cJSON *ab = cJSON_AddArrayToObject(b, "active_bounds");
    for (size_t f = 0; f < s->n_factors; f++)
        if (o->active_bound[f]) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "factor", s->factors[f].name);
            cJSON_AddStringToObject(e, "at", o->active_bound[f] < 0 ? "lower" : "upper");
            cJSON_AddItemToArray(ab, e);
        }
    cJSON *ac = cJSON_AddArrayToObject(b, "constraints");
    for (size_t i = 0; i < sp->n_cons; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "constraint", sp->cons[i].text);
        cJSON_AddItemToObject(e, "g", num(o->best_g[i]));
        cJSON_AddBoolToObject(e, "active", o->active_con[i]);
        cJSON_AddBoolToObject(e, "satisfied", o->best_g[i] <= SG_OPTIM_DEFAULT_FEAS_TOL);
        cJSON_AddItemToObject(e, "closest_value", num(r->closest_value[i]));
        cJSON_AddItemToArray(ac, e);
    }
    if (*r->infeasible)
        cJSON_AddStringToObject(b, "infeasible", r->infeasible);
    else
        cJSON_AddNullToObject(b, "infeasible");

    if (t && t->n_rows) {
        cJSON *cv = cJSON_AddObjectToObject(root, "coverage");
        cJSON *nr = run_ref(t, r->nearest_row);
        cJSON_AddItemToObject(nr, "settings", settings(s, t->x + r->nearest_row * t->n_cols));
        cJSON_AddItemToObject(cv, "nearest_run", nr);
        cJSON_AddItemToObject(cv, "nearest_distance", num(r->nearest_dist));
        cJSON_AddItemToObject(cv, "design_spacing", num(r->design_spacing));
        cJSON_AddBoolToObject(cv, "outside_data_box", r->outside_data_box);
        cJSON_AddBoolToObject(cv, "extrapolation", r->extrapolation);
        if (*r->warning)
            cJSON_AddStringToObject(cv, "warning", r->warning);
        else
            cJSON_AddNullToObject(cv, "warning");
    }
    cJSON *cmp = cJSON_AddObjectToObject(root, "comparison");
    if (r->has_best_row) {
        cJSON *br = run_ref(t, r->best_row);
        cJSON_AddItemToObject(br, "settings", settings(s, t->x + r->best_row * t->n_cols));
        cJSON_AddItemToObject(br, "measured", num(r->best_row_value));
        cJSON_AddItemToObject(br, "predicted", num(r->best_row_pred));
        cJSON_AddItemToObject(cmp, "best_tested_run", br);
    } else {
        cJSON_AddNullToObject(cmp, "best_tested_run");
    }
    if (r->has_taguchi) {
        cJSON *tg = cJSON_CreateObject();
        cJSON_AddItemToObject(tg, "settings", settings(s, r->taguchi_x));
        cJSON_AddItemToObject(tg, "additive_prediction", num(r->taguchi_additive));
        cJSON_AddItemToObject(tg, "predicted", num(r->taguchi_pred));
        cJSON_AddItemToObject(cmp, "main_effects_best", tg);
    } else {
        cJSON_AddNullToObject(cmp, "main_effects_best");
        cJSON_AddStringToObject(cmp, "main_effects_best_reason", r->taguchi_na);
    }

    const sg_optim_realisable *rl = &o->realisable;
    cJSON *re = cJSON_AddObjectToObject(root, "realisable");
    cJSON_AddBoolToObject(re, "needed", rl->needed);
    cJSON_AddBoolToObject(re, "found", rl->found);
    if (rl->needed && rl->found) {
        cJSON_AddItemToObject(re, "settings", settings(s, rl->x));
        cJSON_AddItemToObject(re, "objective", num(rl->f));
        cJSON_AddItemToObject(re, "loss", num(rl->loss));
        cJSON_AddItemToObject(re, "predicted", predictions(s, r->r_mean, r->r_sd));
        cJSON_AddBoolToObject(re, "enumerated_grid", rl->enumerated_grid);
        cJSON_AddNumberToObject(re, "evaluated", (double)rl->n_evaluated);
    }

    const sg_optim_stats *st = &o->stats;
    cJSON *sj = cJSON_AddObjectToObject(root, "statistics");
    cJSON_AddNumberToObject(sj, "n", (double)st->n);
    cJSON_AddItemToObject(sj, "best", num(st->best));
    cJSON_AddItemToObject(sj, "worst", num(st->worst));
    cJSON_AddItemToObject(sj, "mean", num(st->mean));
    cJSON_AddItemToObject(sj, "sd", num(st->sd));
    cJSON_AddItemToObject(sj, "median", num(st->median));
    cJSON_AddItemToObject(sj, "q1", num(st->q1));
    cJSON_AddItemToObject(sj, "q3", num(st->q3));
    cJSON_AddNumberToObject(sj, "n_reach_best", (double)st->n_reach_best);
    cJSON_AddItemToObject(sj, "frac_reach_best", num(st->frac_reach_best));
    cJSON_AddNumberToObject(sj, "total_evaluations", (double)o->total_evals);
    cJSON_AddItemToObject(sj, "seconds", num(o->seconds));
    cJSON *cl = cJSON_AddArrayToObject(root, "optima");
    for (size_t k = 0; k < o->n_clusters; k++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "count", (double)o->clusters[k].count);
        cJSON_AddItemToObject(e, "objective", num(o->clusters[k].f));
        cJSON_AddItemToObject(e, "settings", settings(s, o->clusters[k].x));
        cJSON_AddItemToArray(cl, e);
    }
    cJSON *sa = cJSON_AddArrayToObject(root, "starts");
    for (size_t i = 0; i < o->n_starts; i++) {
        const sg_optim_start *x = &o->starts[i];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObject(e, "start", settings(s, x->x0));
        cJSON_AddItemToObject(e, "final", settings(s, x->x));
        cJSON_AddItemToObject(e, "objective", num(x->f));
        cJSON_AddItemToObject(e, "constraints", cJSON_CreateDoubleArray(x->g, (int)o->n_cons));
        cJSON_AddBoolToObject(e, "feasible", x->feasible);
        cJSON_AddNumberToObject(e, "evaluations", (double)x->evals);
        cJSON_AddStringToObject(e, "stop_reason", x->stop_reason);
        cJSON_AddItemToArray(sa, e);
    }
    return root;
}
