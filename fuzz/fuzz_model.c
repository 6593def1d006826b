/* fuzz_model.c — libFuzzer target for the model-file loader: parse
 * arbitrary bytes with sg_model_from_json; a model that loads must predict
 * (mean, spread, gradient) without faults and must survive a save -> load
 * round trip and a copy with identical bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const sg_model *m)
{
    size_t n_in = sg_model_n_in(m), n_out = sg_model_n_out(m);
    double *x = malloc(n_in * sizeof *x), *g = malloc(n_in * sizeof *g);
    double *mean = malloc(n_out * sizeof *mean), *sd = malloc(n_out * sizeof *sd);
    sg_model_work *w = NULL;
    if (!x || !g || !mean || !sd || sg_model_work_create(m, &w, NULL) != SG_OK)
        goto done;
    for (size_t i = 0; i < n_in; i++) {
        if (!sg_model_factor_name(m, i) || !sg_model_factor_unit(m, i))
            __builtin_trap();
        x[i] = 0.5 * sg_model_factor_lo(m, i) + 0.5 * sg_model_factor_hi(m, i);
    }
    for (size_t j = 0; j < n_out; j++)
        if (!sg_model_response_name(m, j) || !sg_model_response_unit(m, j))
            __builtin_trap();
    (void)sg_model_extrapolates(m, x);
    sg_model_predict(m, w, x, mean, sd);
    for (size_t j = 0; j < n_out; j++)
        sg_model_gradient(m, w, x, j, NULL, g);
    (void)sg_model_n_params(m);
    (void)sg_model_overparameterised(m);
done:
    sg_model_work_destroy(w);
    free(x);
    free(g);
    free(mean);
    free(sd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sg_model *m = NULL, *m2 = NULL, *c = NULL;
    char *j1 = NULL, *j2 = NULL, *j3 = NULL;
    sg_error err;
    sg_status st = sg_model_from_json((const char *)data, size, "fuzz.json", &m, &err);
    if (st != SG_OK) {
        if (m || strncmp(err.msg, "fuzz.json", 9) != 0)
            __builtin_trap(); /* failures give no model and a message naming the file */
        return 0;
    }
    if (!m)
        __builtin_trap();
    exercise(m);
    /* A loaded model writes back and re-reads to the same bytes. */
    if (sg_model_to_json(m, &j1, &err) == SG_OK) {
        if (sg_model_from_json(j1, strlen(j1), "fuzz.json", &m2, &err) != SG_OK)
            __builtin_trap();
        if (sg_model_to_json(m2, &j2, &err) == SG_OK && strcmp(j1, j2) != 0)
            __builtin_trap();
        /* So does its copy. */
        if (sg_model_copy(m, &c, &err) == SG_OK && sg_model_to_json(c, &j3, &err) == SG_OK &&
            strcmp(j1, j3) != 0)
            __builtin_trap();
    }
    free(j1);
    free(j2);
    free(j3);
    sg_model_destroy(c);
    sg_model_destroy(m2);
    sg_model_destroy(m);
    return 0;
}
