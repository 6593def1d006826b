/* bench_optim.c — speed of the optimiser core on analytic 4-D functions
 * (issue 6, item 9, optimiser part): evaluations per second through the
 * whole multistart (NLopt overhead included) and the wall time of a
 * default 32-start run, serial and on all cores.  Prints figures; no
 * pass/fail.  The surrogate-based figures are added by the coordinator. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "optim/optim.h"

#define REPEAT 5
#define RAW_EVALS 2000000
#define SHEKEL_MIN -10.536409816692 /* Shekel-10 at (4, 4, 4, 4) */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Shekel-10 on [0,10]^4: ten wells, global minimum near (4,4,4,4). */
static double shekel10(void *u, const double *x, double *g)
{
    (void)u;
    static const double a[10][4] = {{4, 4, 4, 4}, {1, 1, 1, 1}, {8, 8, 8, 8}, {6, 6, 6, 6}, {3, 7, 3, 7},
                                    {2, 9, 2, 9}, {5, 5, 3, 3}, {8, 1, 8, 1}, {6, 2, 6, 2}, {7, 3.6, 7, 3.6}};
    static const double c[10] = {0.1, 0.2, 0.2, 0.4, 0.4, 0.6, 0.3, 0.7, 0.5, 0.5};
    double f = 0;
    if (g)
        memset(g, 0, 4 * sizeof *g);
    for (int i = 0; i < 10; i++) {
        double s = c[i];
        for (int j = 0; j < 4; j++)
            s += (x[j] - a[i][j]) * (x[j] - a[i][j]);
        f -= 1.0 / s;
        if (g)
            for (int j = 0; j < 4; j++)
                g[j] += 2 * (x[j] - a[i][j]) / (s * s);
    }
    return f;
}

static double rosen4(void *u, const double *x, double *g)
{
    (void)u;
    double f = 0;
    if (g)
        memset(g, 0, 4 * sizeof *g);
    for (int i = 0; i < 3; i++) {
        double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
        f += 100 * a * a + b * b;
        if (g) {
            g[i] += -400 * a * x[i] - 2 * b;
            g[i + 1] += 200 * a;
        }
    }
    return f;
}

static void raw_rate(const char *name, sg_optim_func f, double lo, double hi)
{
    double x[4], g[4], sink = 0;
    double t0 = now();
    for (long i = 0; i < RAW_EVALS; i++) {
        for (int j = 0; j < 4; j++)
            x[j] = lo + (hi - lo) * (double)((i * (j + 3) * 2654435761u) % 1000) / 1000.0;
        sink += f(x, NULL, NULL);
    }
    double t1 = now();
    for (long i = 0; i < RAW_EVALS; i++) {
        x[0] = x[1] = x[2] = x[3] = lo + (hi - lo) * (double)(i % 1000) / 1000.0;
        sink += f(x, g, NULL) + g[0];
    }
    double t2 = now();
    printf("  %-10s raw calls: value %.2f M/s, value+gradient %.2f M/s (checksum %.3g)\n", name,
           RAW_EVALS / (t1 - t0) / 1e6, RAW_EVALS / (t2 - t1) / 1e6, sink);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int bench_run(const char *name, sg_optim_func f, double lo, double hi, double fmin, int grad,
                     unsigned threads)
{
    sg_optim_var v[4];
    memset(v, 0, sizeof v);
    for (int j = 0; j < 4; j++) {
        v[j].lb = lo;
        v[j].ub = hi;
    }
    sg_optim_problem p = {.d = 4, .vars = v, .f = f, .has_gradient = grad};
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.threads = threads;
    double t[REPEAT];
    long evals = 0;
    double best = 0;
    unsigned used = 0;
    char local[80] = "";
    for (int r = 0; r < REPEAT; r++) {
        sg_optim_result *res = NULL;
        sg_error err;
        double t0 = now();
        if (sg_optim_run(&p, &cfg, &res, &err) != SG_OK) {
            fprintf(stderr, "bench_optim: %s\n", err.msg);
            return 1;
        }
        t[r] = now() - t0;
        evals = res->total_evals;
        best = res->best_f;
        used = res->threads;
        snprintf(local, sizeof local, "%s", res->local_alg);
        sg_optim_result_destroy(res);
    }
    qsort(t, REPEAT, sizeof *t, cmp_double);
    double med = t[REPEAT / 2];
    printf("  %-10s %-9s %u thr: 32 starts in %.2f ms (min %.2f), %ld evals, %.2f M evals/s, "
           "best %.10g (error %.1e)\n",
           name, local, used, 1e3 * med, 1e3 * t[0], evals, (double)evals / med / 1e6, best, fabs(best - fmin));
    return 0;
}

int main(void)
{
    gsl_set_error_handler_off();
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    printf("optimiser core, default settings (GN_DIRECT_L once + local polish, %d starts), "
           "median of %d runs, %ld CPUs online\n",
           SG_OPTIM_DEFAULT_STARTS, REPEAT, cpus);
    raw_rate("shekel10", shekel10, 0, 10);
    raw_rate("rosen4", rosen4, -2.048, 2.048);
    int rc = 0;
    for (int grad = 0; grad < 2; grad++)
        for (unsigned thr = 1; thr <= 2; thr++) {
            unsigned threads = thr == 1 ? 1 : 0;
            rc |= bench_run("shekel10", shekel10, 0, 10, SHEKEL_MIN, grad, threads);
            rc |= bench_run("rosen4", rosen4, -2.048, 2.048, 0, grad, threads);
        }
    return rc;
}
