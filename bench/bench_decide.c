/* bench_decide.c — speed of the surrogate objective (issue 6, item 9):
 *   1. evaluations per second of a 4-16-16-1 network (one member) through
 *      the optimiser callback sg_decide_objective, value only and value +
 *      analytic gradient (target: > 2 million value evaluations/s, one core);
 *   2. wall time of the full default multistart of studies/brazing.toml on
 *      a model fitted here with the default model settings (target: < 0.5 s),
 *      on all cores and serial.
 * Run from the project root (make bench).  Prints figures; no pass/fail. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "optim/decide.h"

#define REPEAT 5
#define N_EVALS 2000000
#define N_POINTS 1024
#define N_ROWS 81

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define STUDY4                                                                                   \
    "[study]\nname = \"b\"\n[data]\nfile = \"b.csv\"\n"                                          \
    "[[factor]]\nname = \"x1\"\nmin = 0\nmax = 1\n[[factor]]\nname = \"x2\"\nmin = 0\nmax = 1\n" \
    "[[factor]]\nname = \"x3\"\nmin = 0\nmax = 1\n[[factor]]\nname = \"x4\"\nmin = 0\nmax = 1\n" \
    "[[response]]\nname = \"y1\"\ngoal = \"minimize\"\n"

static int bench_callback(void)
{
    sg_error err;
    sg_study *s = NULL;
    sg_optimize_spec *sp = NULL;
    sg_model *m = NULL;
    sg_decide_problem *p = NULL;
    void *ctx = NULL;
    sg_model_work *w = NULL;
    int rc = 1;
    if (sg_study_load_buffer(STUDY4, strlen(STUDY4), "bench.toml", &s, &err) ||
        sg_optimize_spec_load(s, &sp, &err))
        goto done;
    double X[N_ROWS * 4], Y[N_ROWS];
    for (size_t r = 0; r < N_ROWS; r++) {
        for (size_t c = 0; c < 4; c++)
            X[r * 4 + c] = (double)((r / (c == 0 ? 1 : c == 1 ? 3 : c == 2 ? 9 : 27)) % 3) / 2.0;
        Y[r] = sin(3.1 * X[r * 4]) + X[r * 4 + 1] * X[r * 4 + 2] - 0.7 * X[r * 4 + 3];
    }
    sg_model_spec spec = sg_model_spec_defaults();
    spec.n_hidden = 2;
    spec.hidden[0] = spec.hidden[1] = 16;
    spec.ensemble = 1;
    spec.train.epochs = 50;
    const char *names[] = {"y1"};
    if (sg_model_fit(&spec, 4, 1, X, Y, N_ROWS, names, NULL, NULL, &m, &err))
        goto done;
    const char *fn[] = {"x1", "x2", "x3", "x4"};
    for (size_t i = 0; i < 4; i++)
        if (sg_model_set_factor(m, i, fn[i], "", 0, 1, &err))
            goto done;
    if (sg_decide_problem_create(s, NULL, sp, m, &p, &err))
        goto done;
    ctx = sg_decide_ctx_create(p);
    if (!ctx || sg_model_work_create(m, &w, &err))
        goto done;
    static double pts[N_POINTS * 4];
    for (size_t i = 0; i < N_POINTS * 4; i++)
        pts[i] = fmod(0.618033988749895 * (double)(i + 1), 1.0);
    double best_v = INFINITY, best_g = INFINITY, best_raw = INFINITY, sink = 0, g[4], mean[1];
    for (int rep = 0; rep < REPEAT; rep++) {
        double t0 = now();
        for (size_t k = 0; k < N_EVALS; k++)
            sink += sg_decide_objective(ctx, pts + (k % N_POINTS) * 4, NULL);
        double t1 = now();
        for (size_t k = 0; k < N_EVALS / 4; k++) {
            sink += sg_decide_objective(ctx, pts + (k % N_POINTS) * 4, g);
            sink += g[0];
        }
        double t2 = now();
        for (size_t k = 0; k < N_EVALS; k++) {
            sg_model_predict(m, w, pts + (k % N_POINTS) * 4, mean, NULL);
            sink += mean[0];
        }
        double t3 = now();
        best_raw = fmin(best_raw, t3 - t2);
        best_v = fmin(best_v, t1 - t0);
        best_g = fmin(best_g, t2 - t1);
    }
    printf("4-16-16-1 network through sg_decide_objective (one core, best of %d):\n", REPEAT);
    printf("  value only:       %.2f million evaluations/s (%.0f ns each; target > 2 million/s: "
           "%s)\n",
           N_EVALS / best_v / 1e6, best_v / N_EVALS * 1e9,
           N_EVALS / best_v > 2e6 ? "met" : "MISSED");
    printf("  value + gradient: %.2f million evaluations/s (%.0f ns each)\n",
           N_EVALS / 4 / best_g / 1e6, best_g / (N_EVALS / 4) * 1e9);
    printf("  for reference, sg_model_predict alone: %.2f million/s (%.0f ns each)\n",
           N_EVALS / best_raw / 1e6, best_raw / N_EVALS * 1e9);
    printf("  (checksum %.6g)\n", sink);
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "bench_decide: %s\n", err.msg);
    sg_decide_ctx_destroy(ctx);
    sg_decide_problem_destroy(p);
    sg_model_work_destroy(w);
    sg_model_destroy(m);
    sg_optimize_spec_destroy(sp);
    sg_study_destroy(s);
    return rc;
}

static int bench_brazing(void)
{
    sg_error err;
    sg_study *s = NULL;
    sg_table *t = NULL;
    sg_optimize_spec *sp = NULL;
    sg_model *m = NULL;
    int rc = 1;
    double *X = NULL, *Y = NULL;
    if (sg_study_load("studies/brazing.toml", &s, &err) || sg_study_load_data(s, &t, &err) ||
        sg_optimize_spec_load(s, &sp, &err))
        goto done;
    size_t nf = s->n_factors, nr = s->n_responses, n = t->n_rows;
    X = malloc(n * nf * sizeof *X);
    Y = malloc(n * nr * sizeof *Y);
    if (!X || !Y)
        goto done;
    for (size_t i = 0; i < n; i++) {
        for (size_t f = 0; f < nf; f++)
            X[i * nf + f] = sg_table_at(t, i, f);
        for (size_t j = 0; j < nr; j++)
            Y[i * nr + j] = sg_table_at(t, i, nf + j);
    }
    const char *names[SG_STUDY_MAX_RESPONSES];
    for (size_t j = 0; j < nr; j++)
        names[j] = s->responses[j].name;
    sg_model_spec spec = sg_model_spec_defaults();
    spec.seed = s->seed;
    if (sg_model_fit(&spec, nf, nr, X, Y, n, names, NULL, NULL, &m, &err))
        goto done;
    for (size_t f = 0; f < nf; f++)
        if (sg_model_set_factor(m, f, s->factors[f].name, s->factors[f].unit, s->factors[f].min,
                                s->factors[f].max, &err))
            goto done;
    printf("brazing study, default [optimize] (%zu starts), model: default spec "
           "(%zu members per response):\n",
           sp->starts, spec.ensemble);
    unsigned threads[2] = {0, 1};
    for (int k = 0; k < 2; k++) {
        sp->threads = threads[k];
        double best = INFINITY;
        sg_decide_result *r = NULL;
        for (int rep = 0; rep < REPEAT; rep++) {
            sg_decide_result_destroy(r);
            r = NULL;
            double t0 = now();
            if (sg_decide_run(s, t, sp, m, NULL, &r, &err))
                goto done;
            best = fmin(best, now() - t0);
        }
        printf("  %u thread(s): %.3f s for the whole run (best of %d; target < 0.5 s: %s), "
               "%ld evaluations, best %s = %.4g\n",
               r->opt->threads, best, REPEAT, best < 0.5 ? "met" : "MISSED", r->opt->total_evals,
               s->responses[sp->response].name, r->opt->best_f);
        sg_decide_result_destroy(r);
    }
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "bench_decide: %s\n", err.msg);
    free(X);
    free(Y);
    sg_model_destroy(m);
    sg_optimize_spec_destroy(sp);
    sg_table_destroy(t);
    sg_study_destroy(s);
    return rc;
}

int main(void)
{
    gsl_set_error_handler_off();
    int rc = bench_callback();
    if (!rc)
        rc = bench_brazing();
    return rc;
}
