/* cv_fixture.h — a k-fold cross-validation for library tests (asserts it
 * runs) and the small network spec they train.  The caller frees the
 * result with sg_cv_result_destroy. */
#ifndef SG_TEST_CV_FIXTURE_H
#define SG_TEST_CV_FIXTURE_H

#include <criterion/criterion.h>

#include "model/cv.h"
#include "model/model.h"

/* One hidden layer of `hidden` nodes, `ensemble` members. */
static inline sg_model_spec small_net_spec(size_t hidden, size_t ensemble)
{
    sg_model_spec sp = sg_model_spec_defaults();
    sp.hidden[0] = hidden;
    sp.n_hidden = 1;
    sp.ensemble = ensemble;
    return sp;
}

/* k-fold CV of n rows (n_in factors, n_out responses), the quadratic
 * baseline beside the model when `baseline`. */
static inline sg_cv_result *kfold_cv(const sg_model_spec *sp, size_t k, size_t n_in,
                                     size_t n_out, const double *X, const double *Y, size_t n,
                                     bool baseline)
{
    sg_cv_options o = sg_cv_options_defaults();
    o.plan.kind = SG_CV_KFOLD;
    o.plan.k = k;
    o.baseline = baseline;
    sg_cv_result *r = NULL;
    sg_error err;
    cr_assert_eq(sg_cv_run(sp, &o, n_in, n_out, X, Y, n, NULL, NULL, NULL, &r, &err), SG_OK,
                 "%s", err.msg);
    return r;
}

/* 5-fold CV of one response. */
static inline sg_cv_result *kfold5_cv(const sg_model_spec *sp, size_t n_in, const double *X,
                                      const double *Y, size_t n, bool baseline)
{
    return kfold_cv(sp, 5, n_in, 1, X, Y, n, baseline);
}

#endif
