/* cv_kriging.c — cross-validated figures of kriging beside the network's
 * (cv.h, sg_cv_kriging). */
#include "model/cv.h"

#include <stdlib.h>
#include <string.h>

sg_status sg_cv_kriging(const sg_cv_options *opt, const sg_model_spec *model, size_t n_in,
                        size_t n_out, const double *X, const double *Y, size_t n,
                        sg_metrics *metrics, bool *closed_form, double *residuals,
                        sg_error *err)
{
    if (!opt || !model || !X || !Y || !metrics || !closed_form || n_in == 0 || n_out == 0)
        return sg_error_set(err, SG_ERR_INVALID, "kriging cross-validation: missing argument");
    if (n > SG_CV_KRIGING_BESIDE_MAX_ROWS)
        return sg_error_set(err, SG_ERR_LIMIT,
                            "not run above %d rows (kriging's cost grows with the cube of the "
                            "rows); [model] type = \"gp\" fits it up to %d rows",
                            SG_CV_KRIGING_BESIDE_MAX_ROWS, SG_GP_MAX_ROWS);
    sg_model_spec spec = sg_model_spec_defaults();
    spec.type = SG_MODEL_GP;
    spec.seed = model->seed;
    memcpy(spec.categories, model->categories, sizeof spec.categories);
    memcpy(spec.log_scale, model->log_scale, sizeof spec.log_scale);
    memcpy(spec.log_y, model->log_y, sizeof spec.log_y);
    sg_cv_spec plan_spec = sg_cv_spec_resolve(opt->plan, n);
    *closed_form = plan_spec.kind == SG_CV_LOO;
    sg_status st = SG_OK;
    sg_model *m = NULL;
    sg_model_work *w = NULL;
    sg_cv_plan *plan = NULL;
    double *pred = malloc(n * n_out * sizeof *pred), *obs = NULL, *Xtr = NULL, *Ytr = NULL;
    unsigned char *held = NULL;
    if (!pred)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    if (*closed_form) {
        if ((st = sg_model_fit(&spec, n_in, n_out, X, Y, n, NULL, NULL, NULL, &m, err)) != SG_OK)
            goto done;
        for (size_t j = 0; j < n_out; j++) {
            const double *res = sg_gp_loo_residuals(sg_model_gp(m, j));
            bool lg = sg_model_response_is_log(m, j); /* residuals of log10(y) */
            for (size_t r = 0; r < n; r++)
                pred[r * n_out + j] = lg ? pow(10.0, log10(Y[r * n_out + j]) - res[r])
                                         : Y[r * n_out + j] - res[r];
        }
        for (size_t j = 0; j < n_out && st == SG_OK; j++)
            st = sg_metrics_compute(Y + j, n_out, pred + j, n_out, n, &metrics[j], err);
        for (size_t i = 0; residuals && i < n * n_out; i++)
            residuals[i] = Y[i] - pred[i];
        goto done;
    }
    if ((st = sg_cv_plan_create(&opt->plan, n, model->seed, &plan, err)) != SG_OK)
        goto done;
    size_t nh = plan->start[plan->n_folds];
    free(pred);
    pred = malloc(nh * n_out * sizeof *pred);
    obs = malloc(nh * n_out * sizeof *obs);
    Xtr = malloc(n * n_in * sizeof *Xtr);
    Ytr = malloc(n * n_out * sizeof *Ytr);
    held = malloc(n);
    if (!pred || !obs || !Xtr || !Ytr || !held) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t f = 0; f < plan->n_folds && st == SG_OK; f++) {
        size_t t = sg_cv_plan_training_rows(plan, f, X, n_in, Y, n_out, held, Xtr, Ytr);
        if ((st = sg_model_fit(&spec, n_in, n_out, Xtr, Ytr, t, NULL, NULL, NULL, &m, err)) !=
                SG_OK ||
            (st = sg_model_work_create(m, &w, err)) != SG_OK) {
            sg_error_prefix(err, "kriging cross-validation");
            break;
        }
        for (size_t i = plan->start[f]; i < plan->start[f + 1]; i++) {
            size_t r = plan->rows[i];
            sg_model_predict(m, w, X + r * n_in, pred + i * n_out, NULL);
            memcpy(obs + i * n_out, Y + r * n_out, n_out * sizeof *obs);
        }
        sg_model_work_destroy(w);
        sg_model_destroy(m);
        w = NULL;
        m = NULL;
    }
    for (size_t j = 0; j < n_out && st == SG_OK; j++)
        st = sg_metrics_compute(obs + j, n_out, pred + j, n_out, nh, &metrics[j], err);
    if (st == SG_OK && residuals)
        sg_cv_row_residuals(plan->rows, nh, obs, pred, n, n_out, residuals);
done:
    sg_model_work_destroy(w);
    sg_model_destroy(m);
    sg_cv_plan_destroy(plan);
    free(pred);
    free(obs);
    free(Xtr);
    free(Ytr);
    free(held);
    return st;
}
