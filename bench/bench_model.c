/* bench_model.c — accuracy and speed of the default surrogate on the brazing
 * L27 table: LOO RMSE of the network and of the quadratic response surface
 * for every response, time of the full default fit and of the LOO run (wall
 * and CPU; CPU / 2 is the wall time on an idle 2-core machine), how every
 * member's training stopped, peak RSS.  Usage: bench_model [data.csv] (default data/brazing_l27.csv).
 * Environment overrides for experiments (not used by `make bench`):
 *   SG_BENCH_WIDTH, SG_BENCH_L2, SG_BENCH_ENSEMBLE, SG_BENCH_EPOCHS,
 *   SG_BENCH_LAYERS, SG_BENCH_ACT, SG_BENCH_XSCALE, SG_BENCH_YSCALE, SG_BENCH_SEED. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "model/model.h"
#include "model/cv.h"

#define N_IN 4
#define N_OUT 3
#define MAX_ROWS 1000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int read_table(const char *path, double *X, double *Y, size_t *n, char names[N_OUT][64])
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    char line[1024];
    if (!fgets(line, sizeof line, fp)) {
        fclose(fp);
        return -1;
    }
    /* header: run, 4 factors, 3 responses */
    char *tok = strtok(line, ",\r\n");
    for (int c = 0; tok && c < 8; c++, tok = strtok(NULL, ",\r\n"))
        if (c >= 5)
            snprintf(names[c - 5], 64, "%s", tok);
    *n = 0;
    while (*n < MAX_ROWS && fgets(line, sizeof line, fp)) {
        double v[8];
        if (sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3], &v[4],
                   &v[5], &v[6], &v[7]) != 8)
            continue;
        memcpy(X + *n * N_IN, v + 1, N_IN * sizeof *v);
        memcpy(Y + *n * N_OUT, v + 5, N_OUT * sizeof *v);
        (*n)++;
    }
    fclose(fp);
    return 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *path = argc > 1 ? argv[1] : "data/brazing_l27.csv";
    static double X[MAX_ROWS * N_IN], Y[MAX_ROWS * N_OUT];
    char names[N_OUT][64];
    size_t n = 0;
    if (read_table(path, X, Y, &n, names) != 0 || n < 3) {
        fprintf(stderr, "bench_model: cannot read %s\n", path);
        return 1;
    }
    const char *rn[N_OUT] = {names[0], names[1], names[2]};
    sg_model_spec spec = sg_model_spec_defaults();
    const char *e;
    if ((e = getenv("SG_BENCH_WIDTH")))
        for (size_t l = 0; l < SG_MODEL_MAX_HIDDEN; l++)
            spec.hidden[l] = (size_t)atoi(e);
    if ((e = getenv("SG_BENCH_LAYERS")))
        spec.n_hidden = (size_t)atoi(e);
    if ((e = getenv("SG_BENCH_L2")))
        spec.train.l2 = atof(e);
    if ((e = getenv("SG_BENCH_ENSEMBLE")))
        spec.ensemble = (size_t)atoi(e);
    if ((e = getenv("SG_BENCH_EPOCHS")))
        spec.train.epochs = (size_t)atoi(e);
    if ((e = getenv("SG_BENCH_SEED")))
        spec.seed = strtoull(e, NULL, 10);
    if ((e = getenv("SG_BENCH_XSCALE")))
        sg_scale_kind_parse(e, &spec.x_scale, NULL);
    if ((e = getenv("SG_BENCH_YSCALE")))
        sg_scale_kind_parse(e, &spec.y_scale, NULL);
    if ((e = getenv("SG_BENCH_ACT")))
        sg_activation_from_name(e, &spec.hidden_act);
    sg_error err;
    sg_model *m = NULL;
    size_t n_capped = 0;
    double t0 = now();
    clock_t c0 = clock();
    if (sg_model_fit(&spec, N_IN, N_OUT, X, Y, n, rn, NULL, NULL, &m, &err) != SG_OK) {
        fprintf(stderr, "bench_model: fit: %s\n", err.msg);
        return 1;
    }
    double t_fit = now() - t0;
    double c_fit = (double)(clock() - c0) / CLOCKS_PER_SEC;
    printf("table %s: %zu rows, %d factors; network %zu", path, n, N_IN, (size_t)N_IN);
    for (size_t l = 0; l < spec.n_hidden; l++)
        printf("-%zu", spec.hidden[l]);
    printf("-1 %s, l2 %g, ensemble %zu, %s, %zu epochs max; %zu parameters per member\n",
           sg_activation_name(spec.hidden_act), spec.train.l2, spec.ensemble,
           sg_optimizer_name(spec.train.optimizer), spec.train.epochs,
           sg_model_n_params_per_member(m, 0));
    printf("full fit of %d responses: %.3f s wall, %.3f s CPU (one thread; wall time grows "
           "when the machine is shared)\n",
           N_OUT, t_fit, c_fit);
    for (size_t j = 0; j < N_OUT; j++) {
        printf("  %-18s evaluations per member:", rn[j]);
        for (size_t k = 0; k < spec.ensemble; k++) {
            const sg_train_history *h = sg_model_history(m, j, k);
            printf(" %zu (loss %.3g)", h->n_epochs, h->n_epochs ? h->train_loss[h->n_epochs - 1] : 0.0);
            if (h->n_epochs >= spec.train.epochs)
                n_capped++;
        }
        printf("\n");
    }
    printf("  members stopped by the epoch limit instead of convergence: %zu of %zu\n", n_capped,
           (size_t)N_OUT * spec.ensemble);
    size_t n_evals = 0;
    for (size_t j = 0; j < N_OUT; j++)
        for (size_t k = 0; k < spec.ensemble; k++)
            n_evals += sg_model_history(m, j, k)->n_epochs;
    printf("  %zu loss-and-gradient evaluations, %.3g per second of CPU (%.2f us each, "
           "training overhead included)\n",
           n_evals, (double)n_evals / c_fit, 1e6 * c_fit / (double)n_evals);
    sg_model_destroy(m);

    sg_cv_options opt = sg_cv_options_defaults();
    sg_cv_result *cv = NULL;
    t0 = now();
    c0 = clock(); /* process CPU time: all threads */
    if (sg_cv_run(&spec, &opt, N_IN, N_OUT, X, Y, n, rn, NULL, NULL, &cv, &err) != SG_OK) {
        fprintf(stderr, "bench_model: cv: %s\n", err.msg);
        return 1;
    }
    double t_cv = now() - t0;
    double c_cv = (double)(clock() - c0) / CLOCKS_PER_SEC;
    char plan[32];
    sg_cv_spec_format(&cv->plan, plan, sizeof plan);
    printf("%s cross-validation (%zu folds, %zu threads): %.3f s wall, %.3f s CPU\n", plan,
           cv->n_folds, opt.n_threads, t_cv, c_cv);
    printf("full fit + cross-validation: %.3f s wall, %.3f s CPU (idle 2-core estimate %.2f s "
           "wall)\n",
           t_fit + t_cv, c_fit + c_cv, c_fit + c_cv / (double)opt.n_threads);
    printf("%-20s %12s %12s %10s %10s %12s\n", "response", "net RMSE", "RSM RMSE", "net Q2",
           "RSM Q2", "95% PI +-");
    for (size_t j = 0; j < N_OUT; j++) {
        const sg_cv_response *R = &cv->resp[j];
        printf("%-20s %12.4f %12.4f %10.5f %10.5f %12.4f\n", rn[j], R->net.rmse,
               R->rsm_ok ? R->rsm.rmse : -1.0, R->net.r2_ok ? R->net.r2 : -1.0,
               R->rsm_ok && R->rsm.r2_ok ? R->rsm.r2 : -1.0, R->half_width);
    }
    for (size_t i = 0; i < cv->n_outliers; i++) {
        const sg_outlier *o = &cv->outliers[i];
        printf("suspicious: run %zu, %s: observed %.1f, cross-validated prediction %.1f +- %.1f "
               "(z %.1f)\n",
               o->row + 1, rn[o->response], o->observed, o->predicted, o->spread, o->z);
    }
    sg_cv_result_destroy(cv);

    /* How the members of every LOO training set stop (refits them serially,
     * outside the timings above). */
    size_t capped = 0, members = 0, ev_min = (size_t)-1, ev_max = 0, capped_j[N_OUT] = {0};
    static double Xf[MAX_ROWS * N_IN], Yf[MAX_ROWS * N_OUT];
    for (size_t out = 0; out < n; out++) {
        size_t r2 = 0;
        for (size_t r = 0; r < n; r++) {
            if (r == out)
                continue;
            memcpy(Xf + r2 * N_IN, X + r * N_IN, N_IN * sizeof *X);
            memcpy(Yf + r2 * N_OUT, Y + r * N_OUT, N_OUT * sizeof *Y);
            r2++;
        }
        if (sg_model_fit(&spec, N_IN, N_OUT, Xf, Yf, n - 1, rn, NULL, NULL, &m, &err) != SG_OK) {
            fprintf(stderr, "bench_model: fold fit: %s\n", err.msg);
            return 1;
        }
        for (size_t j = 0; j < N_OUT; j++)
            for (size_t k = 0; k < spec.ensemble; k++) {
                size_t ne = sg_model_history(m, j, k)->n_epochs;
                members++;
                capped += ne >= spec.train.epochs;
                capped_j[j] += ne >= spec.train.epochs;
                ev_min = ne < ev_min ? ne : ev_min;
                ev_max = ne > ev_max ? ne : ev_max;
            }
        sg_model_destroy(m);
        m = NULL;
    }
    printf("LOO training sets: %zu of %zu members stopped by the epoch limit; evaluations "
           "%zu..%zu\n",
           capped, members, ev_min, ev_max);
    for (size_t j = 0; j < N_OUT; j++)
        if (capped_j[j])
            printf("  %s: %zu stopped by the limit\n", rn[j], capped_j[j]);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    return 0;
}
