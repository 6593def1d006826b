/* bench_mlp.c — training and evaluation speed of the MLP (issue 4, item 12 a-c).
 * Prints figures and "met" or "MISSED" against each stated target.  Peer
 * figures (PyTorch, scikit-learn) are measured in the same run by
 * bench/peer_mlp.py on the data this program writes to a temporary file
 * (skipped with a note when /usr/bin/python3 or the library is missing).  Run from the project root (reads
 * data/brazing_l27.csv).  OpenBLAS is set to one thread here (the library
 * itself never changes thread settings). */
#include <cblas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <unistd.h>

#include "model/cv.h"
#include "model/mlp.h"
#include "model/train.h"

#define BRAZING_CSV "data/brazing_l27.csv"
#define BRAZING_ROWS 27
#define DGEMM_N 512
#define DGEMM_REPEAT 5
#define PI 3.14159265358979323846

/* standard normal deviate (Box-Muller; gsl_randist.h clashes with cblas.h) */
static double gaussian(gsl_rng *r)
{
    return sqrt(-2.0 * log(gsl_rng_uniform_pos(r))) * cos(2.0 * PI * gsl_rng_uniform(r));
}

/* Process CPU time: the machine is shared, so wall time would count other
 * processes' turns; every case here runs on one thread. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static double dgemm_gflops(void)
{
    size_t n = DGEMM_N;
    double *a = malloc(n * n * sizeof *a), *b = malloc(n * n * sizeof *b), *c = malloc(n * n * sizeof *c);
    if (!a || !b || !c) {
        fprintf(stderr, "bench: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n * n; i++) {
        a[i] = 0.001 * (double)(i % 1013);
        b[i] = 0.002 * (double)(i % 997);
    }
    double best = INFINITY;
    for (int r = 0; r < DGEMM_REPEAT; r++) {
        double t0 = now();
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, a, (int)n,
                    b, (int)n, 0.0, c, (int)n);
        double t = now() - t0;
        if (t < best)
            best = t;
    }
    free(a);
    free(b);
    free(c);
    return 2.0 * (double)n * (double)n * (double)n / best / 1e9;
}

/* Floating-point operations of the layer products in one pass over n rows:
 * forward W a, gradient D^T A, and delta D W (not needed below layer 0). */
static double epoch_flops(const sg_mlp *net, size_t n)
{
    double f = 0;
    for (size_t l = 0; l < sg_mlp_n_layers(net); l++) {
        double mk = (double)sg_mlp_layer_in(net, l) * (double)sg_mlp_layer_out(net, l);
        f += 2.0 * (double)n * mk * (l > 0 ? 3.0 : 2.0);
    }
    return f;
}

static void minmax_cols(double *a, size_t rows, size_t cols)
{
    for (size_t c = 0; c < cols; c++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < rows; i++) {
            lo = fmin(lo, a[i * cols + c]);
            hi = fmax(hi, a[i * cols + c]);
        }
        for (size_t i = 0; i < rows; i++)
            a[i * cols + c] = hi > lo ? (a[i * cols + c] - lo) / (hi - lo) : 0.0;
    }
}

static sg_mlp *make_net(size_t n_sizes, const size_t *sizes, sg_activation hidden, sg_init init,
                        unsigned long seed)
{
    sg_activation acts[16];
    for (size_t l = 0; l + 1 < n_sizes; l++)
        acts[l] = l + 2 == n_sizes ? SG_ACT_LINEAR : hidden;
    sg_mlp *net = NULL;
    sg_error err;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    if (sg_mlp_create(n_sizes, sizes, acts, &net, &err) != SG_OK ||
        sg_mlp_init(net, init, r, &err) != SG_OK) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(1);
    }
    gsl_rng_free(r);
    return net;
}

/* Repetitions of each training case; the fastest is reported (the machine
 * is shared, so slower runs measure the neighbours). */
#define BENCH_REPEAT 3

/* Train and print one case (BENCH_REPEAT times from the same start);
 * returns seconds per epoch of the fastest run. */
static double run_case(const char *name, sg_mlp *net, const double *X, const double *T, size_t n,
                       const sg_train_config *cfg, double gflops, double target_s,
                       double target_ratio)
{
    size_t np = sg_mlp_n_params(net);
    double *p0 = malloc(np * sizeof *p0);
    if (!p0)
        exit(1);
    memcpy(p0, sg_mlp_params(net), np * sizeof *p0);
    double best = INFINITY, times[BENCH_REPEAT];
    sg_train_info in;
    for (int rep = 0; rep < BENCH_REPEAT; rep++) {
        memcpy(sg_mlp_params(net), p0, np * sizeof *p0);
        sg_trainer *tr = NULL;
        sg_error err;
        if (sg_trainer_create(net, X, T, n, NULL, NULL, 0, cfg, &tr, &err) != SG_OK) {
            fprintf(stderr, "bench %s: %s\n", name, err.msg);
            exit(1);
        }
        double t0 = now();
        do {
            if (sg_trainer_step(tr, &in, &err) != SG_OK) {
                fprintf(stderr, "bench %s: %s\n", name, err.msg);
                exit(1);
            }
        } while (!in.done);
        times[rep] = now() - t0;
        if (times[rep] < best)
            best = times[rep];
        sg_trainer_destroy(tr);
    }
    free(p0);
    double per = best / (double)in.epoch;
    double mm = epoch_flops(net, n) / (gflops * 1e9);
    printf("%s\n", name);
    printf("  %zu epochs, fastest of %d runs %.3f s (all:", in.epoch, BENCH_REPEAT, best);
    for (int rep = 0; rep < BENCH_REPEAT; rep++)
        printf(" %.3f", times[rep]);
    printf("), %.3g rows/s, final loss %.4g, peak RSS %.1f MB\n", (double)n / per, in.train_loss,
           peak_rss_mb());
    if (target_s > 0)
        printf("  time per epoch: %.3g us  (target < %.3g us: %s)\n", per * 1e6, target_s * 1e6,
               per < target_s ? "met" : "MISSED");
    else
        printf("  time per epoch: %.3g us\n", per * 1e6);
    printf("  layer products alone at the dgemm rate: %.2f us/epoch; ratio time/products = %.2f",
           mm * 1e6, per / mm);
    if (target_ratio > 0)
        printf("  (target < %.3g: %s)", target_ratio, per / mm < target_ratio ? "met" : "MISSED");
    printf("\n");
    return per;
}

#define PEER_SCRIPT "bench/peer_mlp.py"
#define PEER_PYTHON "/usr/bin/python3"

/* Write rows (X (n, k) then t) to a temporary file; returns its path. */
static const char *write_rows(char *path, const double *X, const double *T, size_t n, size_t k)
{
    strcpy(path, "/tmp/sg_bench_peer_XXXXXX");
    int fd = mkstemp(path);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp) {
        fprintf(stderr, "bench: cannot create a temporary file\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < k; j++)
            fprintf(fp, "%.17g ", X[i * k + j]);
        fprintf(fp, "%.17g\n", T[i]);
    }
    fclose(fp);
    return path;
}

/* Run the peer script with args (already quoted); the value of the line
 * starting with key, or NAN (after printing the script's skip note). */
static double peer(const char *args, const char *key)
{
    if (access(PEER_PYTHON, X_OK) != 0) {
        printf("  peer: skipped (%s not found)\n", PEER_PYTHON);
        return NAN;
    }
    char cmd[1024], line[256];
    snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 %s %s %s", PEER_PYTHON,
             PEER_SCRIPT, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NAN;
    double v = NAN;
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, p)) {
        if (strncmp(line, key, kl) == 0 && line[kl] == ' ')
            v = strtod(line + kl + 1, NULL);
        else if (strncmp(line, "skip ", 5) == 0)
            printf("  peer: skipped (%.*s)\n", (int)strcspn(line + 5, "\n"), line + 5);
    }
    pclose(p);
    return v;
}

/* PyTorch on the same data, network, optimiser and thread count. */
static void peer_train(const double *X, const double *T, size_t n, size_t k, const char *sizes,
                       const char *act, const sg_train_config *c, double ours)
{
    char path[64], args[512];
    write_rows(path, X, T, n, k);
    size_t epochs = c->epochs < 200 ? c->epochs : 200;
    snprintf(args, sizeof args, "train %s %s %s %g %zu %zu", path, sizes, act, c->learning_rate,
             c->batch_size, epochs);
    double t = peer(args, "torch_seconds_per_epoch");
    unlink(path);
    if (isfinite(t))
        printf("  PyTorch (measured by %s, float64, 1 thread): %.3g us per epoch; "
               "PyTorch / surrogate = %.1f\n",
               PEER_SCRIPT, t * 1e6, t / ours);
    printf("\n");
}

/* ---- case a: brazing table ------------------------------------------------- */

static size_t read_brazing(double *X, double *T)
{
    FILE *fp = fopen(BRAZING_CSV, "r");
    if (!fp) {
        fprintf(stderr, "bench: cannot open %s (run from the project root)\n", BRAZING_CSV);
        exit(1);
    }
    char line[512];
    size_t n = 0;
    if (!fgets(line, sizeof line, fp)) /* header */
        n = 0;
    while (n < BRAZING_ROWS && fgets(line, sizeof line, fp)) {
        double run, v[5];
        if (sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf", &run, &v[0], &v[1], &v[2], &v[3], &v[4]) != 6)
            continue;
        memcpy(X + 4 * n, v, 4 * sizeof *v);
        T[n] = v[4];
        n++;
    }
    fclose(fp);
    return n;
}

/* Accuracy beside the peers: leave-one-out RMSE of stress_max on the
 * brazing table, the surrogate with its defaults (one thread) and
 * scikit-learn's GP and MLP and a PyTorch MLP measured by the peer script. */
static void peer_loo(void)
{
    double X[BRAZING_ROWS * 4], T[BRAZING_ROWS];
    size_t n = read_brazing(X, T);
    sg_model_spec s = sg_model_spec_defaults();
    s.seed = 42;
    sg_cv_options o = sg_cv_options_defaults();
    o.n_threads = 1;
    o.baseline = false;
    sg_cv_result *r = NULL;
    sg_error err;
    double t0 = now();
    if (sg_cv_run(&s, &o, 4, 1, X, T, n, NULL, NULL, NULL, &r, &err) != SG_OK) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(1);
    }
    double ours = r->resp[0].net.rmse;
    printf("d) brazing stress_max, leave-one-out RMSE (defaults, 1 thread, %.1f s): surrogate %.3f MPa"
           " (target < 0.25 MPa: %s)\n",
           now() - t0, ours, ours < 0.25 ? "met" : "MISSED");
    sg_cv_result_destroy(r);
    char path[64], args[256];
    write_rows(path, X, T, n, 4);
    snprintf(args, sizeof args, "loo %s", path);
    const char *keys[3] = {"sklearn_gp_loo_rmse", "sklearn_mlp_loo_rmse", "torch_mlp_loo_rmse"};
    const char *names[3] = {"scikit-learn GaussianProcessRegressor (Matern 5/2)",
                            "scikit-learn MLPRegressor (4-4 tanh, lbfgs)",
                            "PyTorch MLP (4-4 tanh, Adam, one member)"};
    for (int i = 0; i < 3; i++) {
        double v = peer(args, keys[i]);
        if (isfinite(v))
            printf("  %s (measured by %s): %.3f MPa; surrogate / peer = %.2f\n", names[i],
                   PEER_SCRIPT, v, ours / v);
    }
    unlink(path);
}

/* argv[1] (optional): "a", "point", "b", "c" or "loo" to run a single case. */
int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : "";
    gsl_set_error_handler_off();
    openblas_set_num_threads(1);
    double gf = dgemm_gflops();
    printf("(all times are process CPU time, one thread)\ndgemm %dx%dx%d, 1 thread: %.2f GFLOP/s\n\n", DGEMM_N, DGEMM_N, DGEMM_N, gf);

    if (*only && strcmp(only, "loo") == 0)
        goto loo;
    if (*only && strcmp(only, "a") != 0 && strcmp(only, "point") != 0)
        goto case_b;
    /* a) brazing 4-16-16-1 tanh, Adam 0.01, full batch, 2000 epochs */
    double Xa[BRAZING_ROWS * 4], Ta[BRAZING_ROWS];
    size_t na = read_brazing(Xa, Ta);
    minmax_cols(Xa, na, 4);
    minmax_cols(Ta, na, 1);
    const size_t sa[] = {4, 16, 16, 1};
    sg_mlp *neta = make_net(4, sa, SG_ACT_TANH, SG_INIT_GLOROT, 42);
    sg_train_config c = sg_train_config_defaults();
    c.optimizer = SG_OPT_ADAM;
    c.learning_rate = 0.01;
    c.epochs = 2000;
    c.batch_size = 0;
    double pa = run_case("a) brazing L27 (27 rows), 4-16-16-1 tanh, adam lr 0.01, full batch", neta,
                         Xa, Ta, na, &c, gf, 10e-6, 0);
    peer_train(Xa, Ta, na, 4, "4-16-16-1", "tanh", &c, pa);

    /* point evaluation on the trained 4-16-16-1 network */
    if (!*only || strcmp(only, "point") == 0) {
        sg_mlp_work *w = NULL;
        if (sg_mlp_work_create(neta, 1, &w, NULL) != SG_OK)
            return 1;
        const size_t N = 4000000;
        double x[4] = {0.31, 0.52, 0.77, 0.18}, y, g[4], acc = 0;
        double t0 = now();
        for (size_t i = 0; i < N; i++) {
            x[i & 3] = (double)(i % 1000) * 1e-3;
            sg_mlp_eval(neta, w, x, &y);
            acc += y;
        }
        double tv = now() - t0;
        t0 = now();
        for (size_t i = 0; i < N; i++) {
            x[i & 3] = (double)(i % 1000) * 1e-3;
            sg_mlp_eval_grad(neta, w, x, 0, &y, g);
            acc += y + g[1];
        }
        double tg = now() - t0;
        printf("point evaluation 4-16-16-1 tanh: value %.3g /s (%.0f ns, target > 2e6/s: %s), "
               "value+input gradient %.3g /s (%.0f ns)   [checksum %.6g]\n\n",
               (double)N / tv, tv / (double)N * 1e9, (double)N / tv > 2e6 ? "met" : "MISSED",
               (double)N / tg, tg / (double)N * 1e9, acc);
        sg_mlp_work_destroy(w);
    }
    sg_mlp_destroy(neta);

case_b:
    if (*only && strcmp(only, "b") != 0)
        goto case_c;
    /* b) Friedman #1, 10,000 rows, 8 inputs (x6..x8 irrelevant), noise sd 1 */
    enum { NB = 10000 };
    double *Xb = malloc(NB * 8 * sizeof *Xb), *Tb = malloc(NB * sizeof *Tb);
    if (!Xb || !Tb)
        return 1;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2024);
    for (size_t i = 0; i < NB; i++) {
        double *x = Xb + 8 * i;
        for (int j = 0; j < 8; j++)
            x[j] = gsl_rng_uniform(r);
        Tb[i] = 10 * sin(PI * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) + 10 * x[3] +
                5 * x[4] + gaussian(r);
    }
    minmax_cols(Tb, NB, 1);
    const size_t sb[] = {8, 64, 64, 1};
    sg_mlp *netb = make_net(4, sb, SG_ACT_TANH, SG_INIT_GLOROT, 42);
    c = sg_train_config_defaults();
    c.learning_rate = 1e-3;
    c.batch_size = 64;
    c.epochs = 50;
    double pb = run_case("b) Friedman #1 (10000 rows), 8-64-64-1 tanh, adam lr 1e-3, batch 64", netb,
                         Xb, Tb, NB, &c, gf, 0, 2.0);
    peer_train(Xb, Tb, NB, 8, "8-64-64-1", "tanh", &c, pb);
    sg_mlp_destroy(netb);
    free(Xb);
    free(Tb);
    gsl_rng_free(r);

case_c:
    if (*only && strcmp(only, "c") != 0)
        goto done;
    /* c) y = x sin(10 pi x) + 2 on [-1, 2], 1000 points, 5 x 128 relu */
    enum { NC = 1000 };
    double Xc[NC], Tc[NC];
    gsl_rng *rc = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rc, 2025);
    for (size_t i = 0; i < NC; i++) {
        double x = -1.0 + 3.0 * gsl_rng_uniform(rc);
        Xc[i] = x;
        Tc[i] = x * sin(10 * PI * x) + 2;
    }
    gsl_rng_free(rc);
    minmax_cols(Xc, NC, 1);
    minmax_cols(Tc, NC, 1);
    const size_t sc[] = {1, 128, 128, 128, 128, 128, 1};
    sg_mlp *netc = make_net(7, sc, SG_ACT_RELU, SG_INIT_HE, 42);
    c = sg_train_config_defaults();
    c.learning_rate = 5e-4;
    c.batch_size = 32;
    c.epochs = 30;
    double pc = run_case("c) x sin(10 pi x) + 2 (1000 rows), 1-128x5-1 relu, adam lr 5e-4, batch 32",
                         netc, Xc, Tc, NC, &c, gf, 15e-3, 0);
    peer_train(Xc, Tc, NC, 1, "1-128-128-128-128-128-1", "relu", &c, pc);
    sg_mlp_destroy(netc);

    if (*only && strcmp(only, "loo") != 0)
        goto done;
loo:
    peer_loo();
done:
    printf("\npeak RSS of the whole run: %.1f MB\n", peak_rss_mb());
    return 0;
}
