/* bench_report.c — time to write the brazing report (Summary, Data, Model,
 * Calculator with check table) for the default model, and the workbook size.
 * Figures only; no pass/fail. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/report.h"

#define BENCH_DATA "data/brazing_l27.csv"
#define BENCH_REPEATS 5

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    gsl_set_error_handler_off();
    static const char *cols[7] = {"thickness_um",   "temperature_C",    "hold_min",
                                  "cooling_C_per_min", "stress_max_MPa", "stress_path1_MPa",
                                  "stress_path2_MPa"};
    static const sg_report_factor fa[4] = {{.name = "thickness", .unit = "um", .min = 50, .max = 150},
                                           {.name = "temperature", .unit = "C", .min = 1090, .max = 1150},
                                           {.name = "hold", .unit = "min", .min = 20, .max = 40},
                                           {.name = "cooling", .unit = "C/min", .min = 3, .max = 7}};
    static const sg_report_response re[3] = {{.name = "stress_max", .unit = "MPa", .goal = "minimize"},
                                             {.name = "stress_path1", .unit = "MPa", .goal = "none"},
                                             {.name = "stress_path2", .unit = "MPa", .goal = "none"}};
    sg_error err;
    sg_table *t = NULL;
    sg_model *m = NULL;
    double *X = NULL, *Y = NULL;
    int rc = 1;
    if (sg_table_load(BENCH_DATA, cols, 7, 4, &t, NULL, &err) != SG_OK) {
        fprintf(stderr, "bench_report: %s\n", err.msg);
        return 1;
    }
    size_t n = t->n_rows;
    X = malloc(n * 4 * sizeof *X);
    Y = malloc(n * 3 * sizeof *Y);
    if (!X || !Y)
        goto done;
    for (size_t r = 0; r < n; r++) {
        for (size_t i = 0; i < 4; i++)
            X[r * 4 + i] = sg_table_at(t, r, i);
        for (size_t k = 0; k < 3; k++)
            Y[r * 3 + k] = sg_table_at(t, r, 4 + k);
    }
    sg_model_spec spec = sg_model_spec_defaults();
    if (sg_model_fit(&spec, 4, 3, X, Y, n, NULL, NULL, NULL, &m, &err) != SG_OK) {
        fprintf(stderr, "bench_report: %s\n", err.msg);
        goto done;
    }
    double rec[4] = {150, 1090, 30, 5};
    sg_report_input in = {.title = "brazing (benchmark)", .n_factors = 4, .factors = fa,
                          .n_responses = 3, .responses = re, .recommended = rec,
                          .table = t, .model = m, .n_check = SG_REPORT_DEFAULT_CHECK_ROWS};
    char path[64];
    snprintf(path, sizeof path, "/tmp/bench_report_%ld.xlsx", (long)getpid());
    double best = 1e300, best_cpu = 1e300;
    for (int i = 0; i < BENCH_REPEATS; i++) {
        double t0 = now_s();
        clock_t c0 = clock();
        if (sg_report_write(&in, path, &err) != SG_OK) {
            fprintf(stderr, "bench_report: %s\n", err.msg);
            goto done;
        }
        double dt = now_s() - t0;
        double dc = (double)(clock() - c0) / CLOCKS_PER_SEC;
        if (dt < best)
            best = dt;
        if (dc < best_cpu)
            best_cpu = dc;
    }
    struct stat sb;
    long size = stat(path, &sb) == 0 ? (long)sb.st_size : -1;
    unlink(path);
    printf("report: default brazing model (%zu parameters, %zu members x 3 networks)\n",
           sg_model_n_params(m), spec.ensemble);
    printf("  write Summary+Data+Model+Calculator: best of %d = %.1f ms wall, %.1f ms CPU, "
           "workbook %ld bytes\n",
           BENCH_REPEATS, 1e3 * best, 1e3 * best_cpu, size);
    rc = 0;
done:
    sg_model_destroy(m);
    sg_table_destroy(t);
    free(X);
    free(Y);
    return rc;
}
