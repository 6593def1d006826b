/* model-seed — write small real model files for the model-loader fuzzer.
 *
 *   build/model-seed DIR     writes DIR/valid-*.json (fuzz/corpus-model)
 *
 * Each model is fitted by the library on a tiny made-up table (a few
 * epochs; the weights need not be good, only real) and saved with
 * sg_model_save, so the seeds follow the current model-file format.
 */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/model.h"

#define N_ROWS 12
#define N_IN 2

typedef struct variant {
    const char *file;
    size_t n_out, n_hidden, width, ensemble;
    bool shared;
    sg_activation hidden_act, output_act;
    sg_scale_kind x_scale, y_scale;
    sg_optimizer optimizer;
} variant;

static const variant variants[] = {
    {"valid-default.json", 1, 1, 3, 2, false, SG_ACT_TANH, SG_ACT_LINEAR, SG_SCALE_MINMAX,
     SG_SCALE_MINMAX, SG_OPT_LBFGS},
    {"valid-two-responses.json", 2, 2, 2, 1, false, SG_ACT_ELU, SG_ACT_SIGMOID, SG_SCALE_ZSCORE,
     SG_SCALE_MINMAX, SG_OPT_ADAM},
    {"valid-shared.json", 2, 1, 2, 2, true, SG_ACT_SOFTPLUS, SG_ACT_TANH, SG_SCALE_NONE,
     SG_SCALE_ZSCORE, SG_OPT_RMSPROP},
    {"valid-linear.json", 1, 0, 1, 1, false, SG_ACT_RELU, SG_ACT_LINEAR, SG_SCALE_MINMAX,
     SG_SCALE_NONE, SG_OPT_SGD},
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: model-seed DIR\n");
        return 2;
    }
    gsl_set_error_handler_off();
    double X[N_ROWS * N_IN], Y[N_ROWS * 2];
    for (int i = 0; i < N_ROWS; i++) {
        X[i * N_IN] = 50.0 + 100.0 * fmod(0.618034 * i + 0.2, 1.0);
        X[i * N_IN + 1] = 1090.0 + 60.0 * fmod(0.7548777 * i + 0.5, 1.0);
        Y[i * 2] = 500.0 - 0.4 * X[i * N_IN] + 0.3 * X[i * N_IN + 1];
        Y[i * 2 + 1] = 410.0 + 0.01 * X[i * N_IN] * X[i * N_IN + 1] / 100.0;
    }
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        const variant *d = &variants[v];
        sg_model_spec s = sg_model_spec_defaults();
        s.n_hidden = d->n_hidden;
        for (size_t k = 0; k < d->n_hidden; k++)
            s.hidden[k] = d->width;
        s.ensemble = d->ensemble;
        s.shared = d->shared;
        s.hidden_act = d->hidden_act;
        s.output_act = d->output_act;
        s.x_scale = d->x_scale;
        s.y_scale = d->y_scale;
        s.optimizer_auto = false;
        s.train.optimizer = d->optimizer;
        s.train.epochs = 10;
        double Yv[N_ROWS * 2];
        for (int i = 0; i < N_ROWS; i++)
            for (size_t j = 0; j < d->n_out; j++)
                Yv[i * d->n_out + j] = Y[i * 2 + j];
        sg_model *m = NULL;
        sg_error err;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", argv[1], d->file);
        if (sg_model_fit(&s, N_IN, d->n_out, X, Yv, N_ROWS, NULL, NULL, NULL, &m, &err) != SG_OK ||
            sg_model_set_factor(m, 0, "thickness", "um", 50, 150, &err) != SG_OK ||
            sg_model_set_hashes(m, "fnv1a64:0123456789abcdef", "", &err) != SG_OK ||
            sg_model_save(m, path, &err) != SG_OK) {
            fprintf(stderr, "model-seed: %s: %s\n", d->file, err.msg);
            sg_model_destroy(m);
            return 1;
        }
        sg_model_destroy(m);
    }
    return 0;
}
