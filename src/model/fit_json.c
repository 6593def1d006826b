/* fit_json.c — every figure of a fit as JSON (keys documented in doc/json.md). */
#include "model/fit.h"

#include <stdbool.h>
#include <stdio.h>

#include "core/json.h"

/* Class figures of a pass/fail or class response, with the confusion
 * matrix [[observed 0 predicted 0, observed 0 predicted 1, ...], [observed
 * 1 ...], ...]. */
static void class_json(sg_json_builder *b, cJSON *parent, const char *key,
                       const sg_class_metrics *m)
{
    cJSON *o = parent ? cJSON_GetObjectItemCaseSensitive(parent, "classification") : NULL;
    if (!o)
        o = sg_json_object(b, parent, "classification");
    cJSON *e = sg_json_object(b, o, key);
    sg_json_count(b, e, "n", m->n);
    sg_json_number(b, e, "accuracy", m->accuracy);
    sg_json_number(b, e, "balanced_accuracy", m->balanced_accuracy);
    sg_json_number(b, e, "log_loss", m->log_loss);
    sg_json_number(b, e, "brier", m->brier);
    cJSON *cm = sg_json_array(b, e, "confusion");
    size_t k = m->n_classes ? m->n_classes : 2;
    for (size_t r = 0; cm && r < k; r++) {
        cJSON *row = sg_json_array(b, cm, NULL);
        for (size_t c = 0; row && c < k; c++)
            sg_json_count(b, row, NULL, m->confusion[r][c]);
    }
}

static void metrics_json(sg_json_builder *b, cJSON *parent, const char *key, const sg_metrics *m,
                         bool ok, const char *reason)
{
    cJSON *o = sg_json_object(b, parent, key);
    if (!ok) {
        sg_json_null(b, o, "r2");
        sg_json_string(b, o, "unavailable", reason ? reason : "");
        return;
    }
    sg_json_count(b, o, "n", m->n);
    if (m->r2_ok)
        sg_json_number(b, o, "r2", m->r2);
    else {
        sg_json_null(b, o, "r2");
        sg_json_string(b, o, "r2_reason", m->reason);
    }
    sg_json_number(b, o, "rmse", m->rmse);
    sg_json_number(b, o, "mae", m->mae);
    sg_json_number(b, o, "max_abs_error", m->max_abs);
    sg_json_count(b, o, "max_error_row", m->max_row);
}

static const char *gate_name(sg_gate_kind k)
{
    switch (k) {
    case SG_GATE_WORSE_THAN_BASELINE:
        return "worse_than_baseline";
    case SG_GATE_LOW_Q2:
        return "low_q2";
    case SG_GATE_OVERFIT: /* no longer raised */
        return "overfitting";
    case SG_GATE_NO_Q2:
        return "no_q2";
    }
    return "other";
}

static void add_run(sg_json_builder *b, cJSON *o, const sg_table *t, size_t row,
                    const char *prefix)
{
    char key[32];
    snprintf(key, sizeof key, "%srow", prefix);
    sg_json_count(b, o, key, t->row[row]);
    snprintf(key, sizeof key, "%sline", prefix);
    sg_json_number(b, o, key, t->line[row]);
    snprintf(key, sizeof key, "%srun", prefix);
    if (t->run_id)
        sg_json_string(b, o, key, t->run_id[row]);
    else
        sg_json_null(b, o, key);
}

sg_status sg_fit_result_to_json(const sg_fit_result *r, const sg_study *s, const sg_table *t,
                                const sg_study_model *settings, const char *model_path,
                                cJSON **out, sg_error *err)
{
    sg_json_builder jb, *b = &jb;
    cJSON *o = sg_json_build_begin(b), *x, *arr, *item;
    const sg_model_spec *sp = sg_model_spec_of(r->model);
    sg_json_string(b, o, "model_file", model_path);
    sg_json_count(b, o, "rows", r->n_rows);
    sg_json_string(b, o, "data_hash", r->data_hash);
    sg_json_string(b, o, "settings_hash", r->settings_hash);

    x = sg_json_object(b, o, "settings");
    arr = sg_json_array(b, x, "hidden");
    for (size_t i = 0; i < sp->n_hidden; i++)
        sg_json_count(b, arr, NULL, sp->hidden[i]);
    sg_json_string(b, x, "activation", sg_activation_name(sp->hidden_act));
    sg_json_string(b, x, "output_activation", sg_activation_name(sp->output_act));
    sg_json_string(b, x, "init", sp->init == SG_INIT_HE ? "he" : "glorot");
    sg_json_count(b, x, "ensemble", sp->ensemble);
    sg_json_bool(b, x, "shared", sp->shared);
    sg_json_bool(b, x, "relevance", sp->relevance);
    sg_json_bool(b, x, "trend", sp->trend);
    /* whether each network learns what its response's linear trend leaves */
    arr = sg_json_array(b, x, "trend_per_network");
    for (size_t j = 0; arr && j < r->n_out; j++)
        sg_json_bool(b, arr, NULL, sg_model_trend(r->model, j) != NULL);
    sg_json_string(b, x, "factor_scaling", sg_scale_kind_name(sp->x_scale));
    sg_json_string(b, x, "response_scaling", sg_scale_kind_name(sp->y_scale));
    sg_json_string(b, x, "optimizer", r->optimizer);
    sg_json_count(b, x, "epochs", sp->train.epochs);
    sg_json_number(b, x, "learning_rate", sp->train.learning_rate);
    sg_json_number(b, x, "l1", sp->train.l1);
    sg_json_number(b, x, "l2", sp->train.l2);
    /* the penalty each network was trained with, and how it was chosen */
    arr = sg_json_array(b, x, "l2_per_network");
    for (size_t j = 0; arr && j < (sp->shared ? 1 : r->n_out); j++)
        sg_json_number(b, arr, NULL, sg_model_spec_l2(sp, j));
    const sg_regularize_report *lc = &r->l2_choice;
    if (lc->chosen) {
        cJSON *c = sg_json_object(b, x, "l2_choice");
        sg_json_string(b, c, "plan", lc->plan);
        cJSON *gr = sg_json_array(b, c, "grid");
        for (size_t g = 0; gr && g < SG_REGULARIZE_N_GRID; g++)
            sg_json_number(b, gr, NULL, sg_regularize_grid[g]);
        cJSON *rm = sg_json_array(b, c, "rmse");
        for (size_t j = 0; rm && j < lc->n_out; j++) {
            cJSON *row = sg_json_array(b, rm, NULL);
            for (size_t g = 0; row && g < SG_REGULARIZE_N_GRID; g++)
                sg_json_number(b, row, NULL, lc->rmse[j][g]);
        }
        if (lc->trend_tried) { /* the same search without the linear trend */
            cJSON *nt = sg_json_array(b, c, "rmse_no_trend");
            for (size_t j = 0; nt && j < lc->n_out; j++) {
                cJSON *row = sg_json_array(b, nt, NULL);
                for (size_t g = 0; row && g < SG_REGULARIZE_N_GRID; g++)
                    sg_json_number(b, row, NULL, lc->rmse_no_trend[j][g]);
            }
        } else {
            sg_json_null(b, c, "rmse_no_trend");
        }
        if (lc->large_tried) { /* a mid-size table: the network's size chosen too */
            cJSON *lp = sg_json_object(b, c, "large_plan");
            sg_json_bool(b, lp, "chosen", lc->large_chosen);
            cJSON *rl = sg_json_array(b, lp, "rmse");
            for (size_t j = 0; rl && j < lc->n_out; j++)
                sg_json_number(b, rl, NULL, lc->rmse_large[j]);
            cJSON *rs = sg_json_array(b, lp, "rmse_default");
            for (size_t j = 0; rs && j < lc->n_out; j++)
                sg_json_number(b, rs, NULL, lc->rmse_small[j]);
        } else {
            sg_json_null(b, c, "large_plan");
        }
    } else {
        sg_json_null(b, x, "l2_choice");
    }
    sg_json_bool(b, x, "early_stopping", sp->train.early_stopping.enabled);
    sg_json_count(b, x, "batch_size", sp->train.batch_size);
    sg_json_count(b, x, "patience", sp->train.early_stopping.patience);
    sg_json_count(b, x, "lr_patience", sp->train.lr_patience);
    sg_json_number(b, x, "validation_share", sp->val_share);
    sg_json_count(b, x, "seed", sp->seed);
    sg_json_string(b, x, "validation", settings->validation);
    sg_json_number(b, x, "interval_level", settings->cv.level);
    sg_json_number(b, x, "outlier_threshold", settings->cv.outlier_z);
    sg_json_number(b, x, "outlier_range_fraction", settings->cv.outlier_range_frac);

    x = sg_json_object(b, o, "model");
    sg_json_string(b, x, "type", sg_model_type_name(r->type_requested));
    sg_json_string(b, x, "used", sg_model_type_name(r->type_used));
    const sg_model_selection *sel = sg_model_selection_of(r->model);
    if (sel->requested) {
        cJSON *se = sg_json_object(b, x, "selection");
        if (sel->gp_ok)
            sg_json_number(b, se, "kriging_score", sel->gp_score);
        else
            sg_json_null(b, se, "kriging_score");
        if (sel->mlp_ok)
            sg_json_number(b, se, "network_score", sel->mlp_score);
        else
            sg_json_null(b, se, "network_score");
        sg_json_count(b, se, "network_inner_folds", SG_MODEL_AUTO_INNER_K);
        sg_json_bool(b, se, "between_levels", sel->between_levels);
        sg_json_string(b, se, "note", sel->note);
    } else {
        sg_json_null(b, x, "selection");
    }

    x = sg_json_object(b, o, "parameters");
    sg_json_count(b, x, "per_member", r->n_params_member);
    sg_json_count(b, x, "total", r->n_params_total);
    sg_json_count(b, x, "rows", r->n_rows);
    sg_json_bool(b, x, "regularised", r->regularised);
    sg_json_bool(b, x, "exceed_rows", r->params_exceed_rows);

    if (r->cv) {
        char plan[64];
        sg_cv_spec_format(&r->cv->plan, plan, sizeof plan);
        x = sg_json_object(b, o, "cv");
        sg_json_string(b, x, "plan", plan);
        sg_json_count(b, x, "folds", r->cv->n_folds);
        sg_json_bool(b, x, "saturated", r->cv->saturated);
        sg_json_string(b, x, "plan_answers", "error at tested settings");
        cJSON *bl = sg_json_object(b, x, "between_levels");
        sg_json_count(b, bl, "folds", r->cv->n_between_folds);
        sg_json_string(b, bl, "answers", "error when interpolating between tested levels");
        sg_json_string(b, bl, "note", r->cv->between_note);
        sg_json_string(b, x, "interval_from",
                       r->cv->n_between ? "the worse of the plan and between levels" : "the plan");
    } else {
        sg_json_null(b, o, "cv");
    }
    if (r->cv_not_possible[0])
        sg_json_string(b, o, "cv_not_possible", r->cv_not_possible);
    else
        sg_json_null(b, o, "cv_not_possible");

    arr = sg_json_array(b, o, "responses");
    for (size_t j = 0; j < r->n_out; j++) {
        item = sg_json_object(b, arr, NULL);
        sg_json_string(b, item, "name", s->responses[j].name);
        sg_json_string(b, item, "unit", s->responses[j].unit);
        metrics_json(b, item, "train", &r->train[j], true, NULL);
        metrics_json(b, item, "baseline_train", &r->rsm_train[j], r->rsm_ok[j], r->rsm_note[j]);
        sg_json_string(b, item, "baseline_note", r->rsm_note[j]);
        if (!r->cv) {
            sg_json_null(b, item, "cv");
            continue;
        }
        const sg_cv_response *c = &r->cv->resp[j];
        cJSON *cv = sg_json_object(b, item, "cv");
        if (c->binary && c->n_classes >= 3) { /* a class response: its names */
            sg_json_string(b, item, "type", "class");
            cJSON *nm = sg_json_array(b, item, "classes");
            for (size_t q = 0; nm && q < s->responses[j].n_labels; q++)
                sg_json_string(b, nm, NULL, s->responses[j].labels[q]);
        } else if (c->binary) {
            sg_json_string(b, item, "type", "binary");
            sg_json_string(b, item, "probability_of", s->responses[j].labels[1]);
        }
        if (c->binary) {
            class_json(b, cv, "network", &c->cls);
            if (c->rsm_ok)
                class_json(b, cv, "logistic", &c->cls_rsm);
            else
                sg_json_string(b, cv, "logistic_note", c->rsm_reason);
            if (r->cv->n_between)
                class_json(b, cv, "network_between_levels", &c->cls_between);
        }
        metrics_json(b, cv, "network", &c->net, true, NULL);
        metrics_json(b, cv, "baseline", &c->rsm, c->rsm_ok, c->rsm_reason);
        if (r->cv->n_between) {
            metrics_json(b, cv, "network_between_levels", &c->between, true, NULL);
            metrics_json(b, cv, "baseline_between_levels", &c->rsm_between, c->rsm_ok,
                         c->rsm_reason);
        } else {
            sg_json_null(b, cv, "network_between_levels");
            sg_json_null(b, cv, "baseline_between_levels");
        }
        cJSON *win = sg_json_object(b, cv, "window");
        sg_json_bool(b, win, "ok", c->window_ok);
        if (c->window_ok) {
            sg_json_number(b, win, "rmse", c->window_rmse);
            sg_json_number(b, win, "half_width", c->window_half_width);
            sg_json_number(b, win, "training_rmse", c->window_tau);
            sg_json_number(b, win, "z_tested", c->window_z_plan);
            sg_json_number(b, win, "disagreement", c->window_disagreement);
            sg_json_number(b, win, "kriging_rmse", c->window_kriging_rmse);
            sg_json_bool(b, win, "raised", c->window_raised);
            if (r->cv->n_between)
                sg_json_number(b, win, "z_between_levels", c->window_z_between);
            else
                sg_json_null(b, win, "z_between_levels");
        } else {
            sg_json_null(b, win, "rmse");
            sg_json_null(b, win, "half_width");
            sg_json_null(b, win, "training_rmse");
            sg_json_null(b, win, "z_tested");
            sg_json_null(b, win, "z_between_levels");
        }
        sg_json_string(b, win, "note", c->window_note);
        sg_json_string(b, cv, "accuracy", c->accuracy_note);
        sg_json_string(b, cv, "design_note", c->design_note);
        sg_json_number(b, cv, "range", c->range);
        sg_json_number(b, cv, "resolution", c->resolution);
        if (c->replicate_dof) { /* runs repeated at the same settings: the noise floor */
            cJSON *rep = sg_json_object(b, cv, "replicates");
            sg_json_number(b, rep, "sd", c->replicate_sd);
            sg_json_count(b, rep, "dof", c->replicate_dof);
            sg_json_count(b, rep, "settings", c->replicate_settings);
        } else {
            sg_json_null(b, cv, "replicates");
        }
        if (r->cmp) {
            const sg_fit_compare *k = &r->cmp[j];
            cJSON *cmp = sg_json_object(b, cv, "comparison");
            metrics_json(b, cmp, "network", &k->net, k->net_ok, k->net_note);
            metrics_json(b, cmp, "kriging", &k->gp, k->gp_ok, k->gp_note);
            metrics_json(b, cmp, "quadratic", &c->rsm, c->rsm_ok, c->rsm_reason);
            sg_json_string(b, cmp, "kriging_cv", r->kriging_cv);
            /* expected RMSE anywhere in the window, each model's (null: not computed) */
            cJSON *w = sg_json_object(b, cmp, "window_rmse");
            sg_json_number(b, w, "network", k->net_window);
            sg_json_number(b, w, "kriging", k->gp_window);
        }
        cJSON *iv = sg_json_object(b, cv, "interval");
        sg_json_number(b, iv, "level", c->level);
        sg_json_number(b, iv, "half_width", c->half_width);
        /* "log": the half-widths (and the window's figures) are in decades,
         * the interval prediction ×/÷ 10^half_width */
        sg_json_string(b, iv, "scale", c->log_interval ? "log" : "linear");
        if (c->log_interval)
            sg_json_number(b, iv, "factor", pow(10.0, c->half_width));
        sg_json_number(b, iv, "half_width_tested", c->half_width_plan);
        if (r->cv->n_between) {
            sg_json_number(b, iv, "half_width_between_levels", c->half_width_between);
            sg_json_number(b, iv, "coverage_between_levels", c->coverage_between);
        } else {
            sg_json_null(b, iv, "half_width_between_levels");
            sg_json_null(b, iv, "coverage_between_levels");
        }
        sg_json_number(b, iv, "coverage", c->coverage);
        if (c->spread_factor_ok)
            sg_json_number(b, iv, "spread_factor", c->spread_factor);
        else
            sg_json_null(b, iv, "spread_factor");
        sg_json_string(b, iv, "note", c->interval_note);
        cJSON *ss = sg_json_object(b, cv, "suspicious_scale");
        if (c->outlier_ok) {
            sg_json_number(b, ss, "median", c->scale.median);
            sg_json_number(b, ss, "mad_sd", c->scale.mad_sd);
            sg_json_number(b, ss, "resolution", c->scale.resolution);
            sg_json_number(b, ss, "range_floor", c->scale.range_floor);
            sg_json_number(b, ss, "scale", c->scale.scale);
            sg_json_string(b, ss, "set_by", sg_outlier_floor_name(c->scale.source));
        } else {
            sg_json_string(b, ss, "note", c->outlier_reason);
        }
        cJSON *held = sg_json_array(b, cv, "held_out");
        for (size_t h = 0; h < r->cv->n_held; h++) {
            size_t k = h * r->n_out + j;
            cJSON *e = sg_json_object(b, held, NULL);
            add_run(b, e, t, r->cv->held_row[h], "");
            sg_json_count(b, e, "fold", r->cv->held_fold[h]);
            sg_json_number(b, e, "observed", r->cv->obs[k]);
            sg_json_number(b, e, "predicted", r->cv->pred[k]);
            sg_json_number(b, e, "spread", r->cv->sd[k]);
            if (c->rsm_ok)
                sg_json_number(b, e, "baseline", r->cv->rsm_pred[k]);
            else
                sg_json_null(b, e, "baseline");
        }
    }

    arr = sg_json_array(b, o, "warnings");
    if (r->params_exceed_rows) {
        item = sg_json_object(b, arr, NULL);
        sg_json_string(b, item, "kind", "parameters_exceed_rows");
        sg_json_null(b, item, "response");
        sg_json_string(b, item, "message",
                                "more trainable parameters than rows without regularisation");
    }
    for (size_t g = 0; g < r->n_gates; g++) {
        item = sg_json_object(b, arr, NULL);
        sg_json_string(b, item, "kind", gate_name(r->gates[g].kind));
        sg_json_string(b, item, "response", s->responses[r->gates[g].response].name);
        sg_json_number(b, item, "value", r->gates[g].value);
        sg_json_number(b, item, "reference", r->gates[g].reference);
        sg_json_string(b, item, "message", r->gates[g].message);
    }

    arr = sg_json_array(b, o, "notes");
    for (size_t k = 0; k < r->n_notes; k++) {
        const sg_fit_note *nt = &r->notes[k];
        item = sg_json_object(b, arr, NULL);
        sg_json_string(b, item, "kind",
                       nt->kind == SG_FIT_NOTE_KRIGING_BETTER     ? "kriging_clearly_better"
                       : nt->kind == SG_FIT_NOTE_QUADRATIC_BETTER ? "quadratic_clearly_better"
                       : nt->kind == SG_FIT_NOTE_MODEL_MISSES_RUN ? "model_misses_run"
                       : nt->kind == SG_FIT_NOTE_SPANS_DECADES    ? "spans_decades"
                       : nt->kind == SG_FIT_NOTE_RUN_BEYOND_OTHERS ? "run_beyond_others"
                       : nt->kind == SG_FIT_NOTE_RUN_EXTREME       ? "run_extreme"
                       : nt->kind == SG_FIT_NOTE_RUN_LOCAL_EXTREME ? "run_local_extreme"
                       : nt->kind == SG_FIT_NOTE_MODEL_BETTER     ? "other_model_clearly_better"
                                                                  : "network_not_learned");
        sg_json_string(b, item, "response", s->responses[nt->response].name);
        sg_json_number(b, item, "value", nt->value);
        sg_json_number(b, item, "reference", nt->reference);
        sg_json_string(b, item, "message", nt->message);
    }

    arr = sg_json_array(b, o, "suspicious_runs");
    for (size_t k = 0; r->cv && k < r->cv->n_outliers; k++) {
        const sg_outlier *ol = &r->cv->outliers[k];
        item = sg_json_object(b, arr, NULL);
        add_run(b, item, t, ol->row, "");
        sg_json_string(b, item, "response", s->responses[ol->response].name);
        sg_json_number(b, item, "observed", ol->observed);
        sg_json_number(b, item, "predicted", ol->predicted);
        sg_json_number(b, item, "spread", ol->spread);
        sg_json_number(b, item, "interval_half_width", ol->half_width);
        /* "log": the half-width (and scale) in decades, the interval ×/÷ 10^it */
        sg_json_string(b, item, "interval_scale", ol->log_scale ? "log" : "linear");
        sg_json_number(b, item, "z", ol->z);
        sg_json_number(b, item, "scale", ol->scale);
        sg_json_bool(b, item, "off_pattern", ol->off_pattern);
        if (ol->cluster_first != ol->cluster_last) {
            cJSON *cl = sg_json_object(b, item, "cluster");
            add_run(b, cl, t, ol->cluster_first, "first_");
            add_run(b, cl, t, ol->cluster_last, "last_");
            /* its flagged runs (a group off the pattern need not be consecutive rows) */
            cJSON *members = sg_json_array(b, cl, "rows");
            for (size_t q = 0; q < r->cv->n_outliers; q++) {
                const sg_outlier *m = &r->cv->outliers[q];
                if (m->response == ol->response && m->cluster_first == ol->cluster_first)
                    sg_json_count(b, members, NULL, t->row[m->row]);
            }
        } else {
            sg_json_null(b, item, "cluster");
        }
    }

    arr = sg_json_array(b, o, "factor_spans");
    for (size_t i = 0; r->span && i < r->n_in; i++) {
        item = sg_json_object(b, arr, NULL);
        sg_json_string(b, item, "factor", s->factors[i].name);
        sg_json_count(b, item, "runs_outside", r->span[i].n_outside);
        sg_json_number(b, item, "data_min", r->span[i].data_min);
        sg_json_number(b, item, "data_max", r->span[i].data_max);
        if (r->span_warning[i][0])
            sg_json_string(b, item, "warning", r->span_warning[i]);
        else
            sg_json_null(b, item, "warning");
    }

    arr = sg_json_array(b, o, "factor_scales");
    for (size_t i = 0; r->scale && i < r->n_in; i++) {
        if (s->factors[i].categorical)
            continue;
        const sg_fit_scale *sc = &r->scale[i];
        item = sg_json_object(b, arr, NULL);
        sg_json_string(b, item, "factor", s->factors[i].name);
        sg_json_string(b, item, "scale", sc->log ? "log" : "linear");
        sg_json_string(b, item, "chosen_by",
                       s->factors[i].scale == SG_FACTOR_SCALE_AUTO ? "auto" : "study");
        sg_json_number(b, item, "decades", sc->decades);
        if (sc->note[0])
            sg_json_string(b, item, "note", sc->note);
        else
            sg_json_null(b, item, "note");
    }

    x = sg_json_object(b, o, "duplicates");
    sg_json_count(b, x, "count", r->n_dups);
    arr = sg_json_array(b, x, "listed");
    for (size_t k = 0; k < r->n_dups_listed; k++) {
        const sg_duplicate *d = &r->dups[k];
        item = sg_json_object(b, arr, NULL);
        add_run(b, item, t, d->row_a, "a_");
        add_run(b, item, t, d->row_b, "b_");
        sg_json_string(b, item, "response", s->responses[d->response].name);
        sg_json_number(b, item, "a_value", d->value_a);
        sg_json_number(b, item, "b_value", d->value_b);
    }
    return sg_json_build_end(b, o, "fit result", out, err);
}
