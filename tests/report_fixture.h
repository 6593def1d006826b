/* report_fixture.h — a complete sg_report_input for the report tests, built
 * from hand-made networks with "high-entropy" weights (no training needed).
 * shared = false: one 4-6-5-1 network (tanh, softplus, linear) per response
 * and member, 3 members, minmax scaling, population spread.
 * shared = true: one 4-5-4-3-3-3-3-3 network per member using every
 * activation, 2 members, zscore scaling, sample spread. */
#ifndef SG_REPORT_FIXTURE_H
#define SG_REPORT_FIXTURE_H

#include <math.h>
#include <string.h>

#include "report.h"

#define FX_NF 4
#define FX_NR 3
#define FX_ROWS 8
#define FX_CHECK 5
#define FX_MAXNETS 9
#define FX_MAXPAR 256
#define FX_EPOCHS 40

typedef struct fixture {
    sg_report_factor factors[FX_NF];
    sg_report_response responses[FX_NR];
    double values[FX_ROWS * (FX_NF + FX_NR)];
    long run[FX_ROWS];
    bool excluded[FX_ROWS];
    const char *reason[FX_ROWS];
    bool suspicious[FX_ROWS * (FX_NF + FX_NR)];
    sg_report_data data;
    size_t sizes[8];
    sg_activation acts[7];
    double params[FX_MAXNETS][FX_MAXPAR];
    sg_report_net nets[FX_MAXNETS];
    double x_shift[FX_NF], x_width[FX_NF], y_shift[FX_NR], y_width[FX_NR];
    sg_report_model model;
    double settings[FX_NF];
    double check_x[FX_CHECK * FX_NF];
    double check_pred[FX_CHECK * FX_NR];
    long check_run[FX_CHECK];
    sg_report_calc calc;
    sg_report_fit_metrics train[FX_NR], cv[FX_NR], rsm[FX_NR];
    double obs[FX_ROWS * FX_NR], cvp[FX_ROWS * FX_NR];
    sg_report_validation validation;
    double loss[FX_NR][FX_EPOCHS];
    const double *loss_p[FX_NR];
    size_t n_epochs[FX_NR];
    const char *loss_label[FX_NR];
    sg_report_training training;
    const char *warnings[2];
    const char *set_names[2], *set_values[2];
    sg_report_input in;
} fixture;

static const double fx_table[FX_ROWS][FX_NF + FX_NR] = {
    {50, 1090, 20, 3, 529.6, 410.39, 474.391},  {50, 1090, 30, 5, 530.5, 410.47, 475.279},
    {50, 1090, 40, 7, 530.5, 410.27, 475.249},  {50, 1120, 20, 5, 539.2, 410.41, 484.474},
    {50, 1120, 30, 7, 539.6, 410.44, 484.757},  {50, 1120, 40, 3, 538.9, 410.52, 484.012},
    {100, 1150, 20, 7, 541.3, 410.12, 486.3},   {150, 1090, 30, 5, NAN, NAN, NAN},
};

static size_t fx_n_params(const size_t *sz, size_t n_layers)
{
    size_t n = 0;
    for (size_t l = 0; l < n_layers; l++)
        n += sz[l + 1] * sz[l] + sz[l + 1];
    return n;
}

static void fixture_init(fixture *fx, bool shared)
{
    memset(fx, 0, sizeof *fx);
    static const char *fn[FX_NF] = {"thickness", "temperature", "hold", "cooling"};
    static const char *fu[FX_NF] = {"um", "C", "min", "C/min"};
    static const double lo[FX_NF] = {50, 1090, 20, 3}, hi[FX_NF] = {150, 1150, 40, 7};
    static const char *rn[FX_NR] = {"stress_max", "stress_path1", "stress_path2"};
    for (size_t i = 0; i < FX_NF; i++)
        fx->factors[i] = (sg_report_factor){fn[i], fu[i], lo[i], hi[i]};
    for (size_t k = 0; k < FX_NR; k++)
        fx->responses[k] = (sg_report_response){rn[k], "MPa", k == 0 ? "minimize" : "none"};

    for (size_t r = 0; r < FX_ROWS; r++) {
        for (size_t c = 0; c < FX_NF + FX_NR; c++)
            fx->values[r * (FX_NF + FX_NR) + c] = fx_table[r][c];
        fx->run[r] = (long)r + 1;
        fx->reason[r] = "";
    }
    fx->excluded[FX_ROWS - 1] = true;
    fx->reason[FX_ROWS - 1] = "all response cells empty (failed simulation)";
    fx->suspicious[6 * (FX_NF + FX_NR) + FX_NF] = true;
    fx->data = (sg_report_data){FX_ROWS, fx->run, fx->values, fx->excluded, fx->reason,
                                fx->suspicious, NULL};

    size_t n_layers, n_nets, M;
    if (!shared) {
        static const size_t sz[] = {4, 6, 5, 1};
        static const sg_activation ac[] = {SG_ACT_TANH, SG_ACT_SOFTPLUS, SG_ACT_LINEAR};
        n_layers = 3;
        memcpy(fx->sizes, sz, sizeof sz);
        memcpy(fx->acts, ac, sizeof ac);
        M = 3;
        n_nets = FX_NR * M;
    } else {
        static const size_t sz[] = {4, 5, 4, 3, 3, 3, 3, 3};
        static const sg_activation ac[] = {SG_ACT_TANH,  SG_ACT_ELU,     SG_ACT_SOFTPLUS,
                                           SG_ACT_LEAKY_RELU, SG_ACT_RELU, SG_ACT_SIGMOID,
                                           SG_ACT_LINEAR};
        n_layers = 7;
        memcpy(fx->sizes, sz, sizeof sz);
        memcpy(fx->acts, ac, sizeof ac);
        M = 2;
        n_nets = M;
    }
    size_t np = fx_n_params(fx->sizes, n_layers);
    for (size_t n = 0; n < n_nets; n++) {
        for (size_t i = 0; i < np; i++)
            fx->params[n][i] = 1.37 * sin(0.9137 * (double)i + 1.3 * (double)n + 0.211) +
                               0.23 * cos(2.71 * (double)i * (double)(n + 1));
        fx->nets[n] = (sg_report_net){n_layers, fx->sizes, fx->acts, fx->params[n]};
    }
    for (size_t i = 0; i < FX_NF; i++) {
        fx->x_shift[i] = shared ? (lo[i] + hi[i]) / 2 + 0.173 : lo[i];
        fx->x_width[i] = shared ? (hi[i] - lo[i]) * 0.4127 : hi[i] - lo[i];
    }
    static const double ys[FX_NR] = {529.6, 410.12, 474.391}, yw[FX_NR] = {11.7, 0.4, 12.083};
    memcpy(fx->y_shift, ys, sizeof ys);
    memcpy(fx->y_width, yw, sizeof yw);
    fx->set_names[0] = "optimizer";
    fx->set_values[0] = "lbfgs";
    fx->set_names[1] = "epochs";
    fx->set_values[1] = "2000";
    fx->model = (sg_report_model){
        .x_kind = shared ? SG_SCALE_ZSCORE : SG_SCALE_MINMAX,
        .y_kind = shared ? SG_SCALE_ZSCORE : SG_SCALE_MINMAX,
        .x_shift = fx->x_shift, .x_width = fx->x_width,
        .y_shift = fx->y_shift, .y_width = fx->y_width,
        .shared = shared, .n_members = M, .nets = fx->nets,
        .spread = shared ? SG_REPORT_SPREAD_SAMPLE : SG_REPORT_SPREAD_POPULATION,
        .interval_k = shared ? 0.0 : 1.645, .interval_level = 90.0,
        .n_settings = 2, .setting_names = fx->set_names, .setting_values = fx->set_values,
        .n_train_rows = FX_ROWS - 1};

    static const double opt[FX_NF] = {73.25, 1097.5, 26.75, 6.125};
    memcpy(fx->settings, opt, sizeof opt);
    for (size_t i = 0; i < FX_CHECK; i++) {
        fx->check_run[i] = (long)i + 1;
        for (size_t j = 0; j < FX_NF; j++)
            fx->check_x[i * FX_NF + j] = fx_table[i][j];
    }
    fx->calc = (sg_report_calc){fx->settings, "recommended optimum", FX_CHECK, fx->check_run,
                                fx->check_x, fx->check_pred};

    for (size_t k = 0; k < FX_NR; k++) {
        fx->train[k] = (sg_report_fit_metrics){0.991 - 0.01 * (double)k, 0.12, 0.09, 0.31};
        fx->cv[k] = (sg_report_fit_metrics){0.953 - 0.02 * (double)k, 0.24, 0.18, 0.61};
        fx->rsm[k] = (sg_report_fit_metrics){0.902, 0.37, 0.29, 0.88};
    }
    for (size_t r = 0; r < FX_ROWS - 1; r++)
        for (size_t k = 0; k < FX_NR; k++) {
            fx->obs[r * FX_NR + k] = fx_table[r][FX_NF + k];
            fx->cvp[r * FX_NR + k] = fx_table[r][FX_NF + k] + 0.3 * sin(1.7 * (double)(r + k));
        }
    fx->validation = (sg_report_validation){"loo", FX_ROWS - 1, fx->train, fx->cv, fx->rsm,
                                            fx->obs, fx->cvp, NULL, NULL, fx->run};
    for (size_t k = 0; k < FX_NR; k++) {
        for (size_t e = 0; e < FX_EPOCHS; e++)
            fx->loss[k][e] = 0.5 * exp(-0.15 * (double)e) + 1e-3 * (double)(k + 1);
        fx->loss_p[k] = fx->loss[k];
        fx->n_epochs[k] = FX_EPOCHS;
        fx->loss_label[k] = rn[k];
    }
    fx->training = (sg_report_training){FX_NR, fx->loss_label, fx->n_epochs, fx->loss_p};
    fx->warnings[0] = "Run 7, stress_max: observed 541.3 MPa, cross-validated prediction "
                      "538.2 ± 0.4 MPa — check this simulation.";
    fx->warnings[1] = "Run 8 was excluded: all response cells are empty.";

    fx->in = (sg_report_input){
        .title = "FC-0208/304 brazed joint: residual stress (test)",
        .study_file = "studies/brazing.toml", .data_file = "data/brazing_l27.csv",
        .data_hash = "sha256:0123456789abcdef", .date = "2026-11-29 01:00 UTC",
        .seed = 42, .versions = "surrogate 0.1.0, GSL 2.7.1, libxlsxwriter 1.1.4",
        .threads = 2, .n_warnings = 2, .warnings = fx->warnings,
        .n_factors = FX_NF, .factors = fx->factors,
        .n_responses = FX_NR, .responses = fx->responses,
        .recommended = fx->settings, .recommended_label = "realisable optimum",
        .data = &fx->data, .model = &fx->model, .training = &fx->training,
        .calc = &fx->calc, .validation = &fx->validation};

    /* the "surrogate" predictions of the check rows: the reference predictor
     * (tests with the trained model use the model's own predict instead) */
    double work[1024], mean[FX_NR];
    for (size_t i = 0; i < FX_CHECK; i++) {
        sg_report_predict(&fx->in, &fx->check_x[i * FX_NF], mean, NULL, NULL, work, NULL);
        memcpy(&fx->check_pred[i * FX_NR], mean, sizeof mean);
    }
}

#endif
