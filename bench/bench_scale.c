/* bench_scale.c — `surrogate fit` with default settings from 1,000 to
 * 100,000 rows (issue 16): wall time, CPU time, peak memory and the
 * cross-validated accuracy of the built binary, run as a child process on
 * generated tables, and the time ratios 10k/1k and 100k/10k.
 *
 * Tables (written to a temporary directory with their study files; no
 * [model] or [train] section, so every size-aware default is exercised):
 *   friedman-1k/10k/100k  Friedman #1: 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 +
 *                         10 x4 + 5 x5 + N(0, 0.5^2), 8 inputs on [0, 1]
 *                         (x6..x8 inert); noise floor RMSE 0.5;
 *   sin-1k                y = x sin(10 pi x) + 2 on 1,000 points of [-1, 2]
 *                         (the source material's example);
 *   weather-7752          7,752 rows x 21 inputs, two responses (smooth
 *                         functions of a few inputs each + noise sd 0.3),
 *                         the shape of the source's bias-correction table;
 *   brazing               the example study (27 runs; LOO RMSE of stress_max).
 * Targets (doc/speed.md): Friedman 10k <= 15 s wall with CV RMSE <= 0.56;
 * 100k <= 120 s wall, <= 300 MB peak, CV RMSE <= 0.53; 10x rows <= 12x
 * time; sin R^2 >= 0.999 within 30 s; brazing < 3 s, LOO RMSE <= 0.25 MPa.
 * Each line says met / MISSED.  Peer figures (PyTorch, the same data and a
 * 20 % hold-out) come from bench/peer_scale.py when python3-torch is
 * installed, and are skipped otherwise.
 *
 * Usage: bench_scale [name-substring]; SURROGATE_BIN (default
 * build/surrogate), SG_BENCH_SCALE_MAX_ROWS (default 100000) skips larger
 * tables.
 */
#define _GNU_SOURCE
#include <cJSON.h>
#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/file.h"

#define PI 3.14159265358979323846
#define MAX_IN 21

typedef struct run_figures {
    bool ok;
    double wall_s, cpu_s, peak_mb;
    double cv_rmse[2], cv_r2[2];
    size_t n_out;
} run_figures;

typedef struct table_case {
    const char *name;
    size_t rows, n_in, n_out;
    void (*gen)(gsl_rng *r, double *x, double *y);
    double lo, hi; /* every factor's window */
} table_case;

static void friedman(gsl_rng *r, double *x, double *y)
{
    for (int i = 0; i < 8; i++)
        x[i] = gsl_rng_uniform(r);
    y[0] = 10 * sin(PI * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) + 10 * x[3] +
           5 * x[4] + gsl_ran_gaussian(r, 0.5);
}

static void sine(gsl_rng *r, double *x, double *y)
{
    x[0] = -1 + 3 * gsl_rng_uniform(r);
    y[0] = x[0] * sin(10 * PI * x[0]) + 2;
}

/* Two responses of 21 inputs, each driven by a handful of them. */
static void weather(gsl_rng *r, double *x, double *y)
{
    for (int i = 0; i < 21; i++)
        x[i] = gsl_rng_uniform(r);
    y[0] = 30 * x[0] + 5 * sin(2 * PI * x[1]) + 4 * x[2] * x[3] - 3 * (x[4] - 0.5) * (x[4] - 0.5) +
           2 * x[5] + gsl_ran_gaussian(r, 0.3);
    y[1] = 20 * x[6] + 3 * cos(PI * x[7] * x[0]) + 2 * exp(-4 * (x[8] - 0.3) * (x[8] - 0.3)) +
           1.5 * x[9] * x[10] + gsl_ran_gaussian(r, 0.3);
}

static const table_case cases[] = {
    {"friedman-1k", 1000, 8, 1, friedman, 0, 1},
    {"friedman-10k", 10000, 8, 1, friedman, 0, 1},
    {"friedman-100k", 100000, 8, 1, friedman, 0, 1},
    {"sin-1k", 1000, 1, 1, sine, -1, 2},
    {"weather-7752", 7752, 21, 2, weather, 0, 1},
};

static int write_case(const char *dir, const table_case *c, unsigned long seed)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.csv", dir, c->name);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (size_t i = 0; i < c->n_in; i++)
        fprintf(f, "x%zu,", i + 1);
    for (size_t j = 0; j < c->n_out; j++)
        fprintf(f, "y%zu%s", j + 1, j + 1 < c->n_out ? "," : "\n");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    double x[MAX_IN], y[2];
    for (size_t k = 0; k < c->rows; k++) {
        c->gen(r, x, y);
        for (size_t i = 0; i < c->n_in; i++)
            fprintf(f, "%.9g,", x[i]);
        for (size_t j = 0; j < c->n_out; j++)
            fprintf(f, "%.9g%s", y[j], j + 1 < c->n_out ? "," : "\n");
    }
    gsl_rng_free(r);
    if (fclose(f) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/%s.toml", dir, c->name);
    f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "[study]\nname = \"%s\"\nseed = 7\n\n[data]\nfile = \"%s.csv\"\n\n"
               "[report]\nfile = \"%s.xlsx\"\n",
            c->name, c->name, c->name);
    for (size_t i = 0; i < c->n_in; i++)
        fprintf(f, "\n[[factor]]\nname = \"x%zu\"\nmin = %g\nmax = %g\n", i + 1, c->lo, c->hi);
    for (size_t j = 0; j < c->n_out; j++)
        fprintf(f, "\n[[response]]\nname = \"y%zu\"\ngoal = \"%s\"\n", j + 1,
                j == 0 ? "minimize" : "none");
    return fclose(f) == 0 ? 0 : -1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static bool read_figures(const char *json_path, run_figures *f)
{
    char *text = NULL;
    size_t len = 0;
    sg_error e;
    if (sg_file_read(json_path, 1u << 30, &text, &len, &e) != SG_OK)
        return false;
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *resp = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "fit"), "responses");
    f->n_out = 0;
    for (int j = 0; j < cJSON_GetArraySize(resp) && j < 2; j++) {
        const cJSON *net = cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetArrayItem(resp, j), "cv"), "network");
        const cJSON *rm = cJSON_GetObjectItem(net, "rmse"), *r2 = cJSON_GetObjectItem(net, "r2");
        f->cv_rmse[j] = cJSON_IsNumber(rm) ? rm->valuedouble : NAN;
        f->cv_r2[j] = cJSON_IsNumber(r2) ? r2->valuedouble : NAN;
        f->n_out++;
    }
    cJSON_Delete(root);
    return f->n_out > 0;
}

/* `surrogate fit STUDY --json` in dir; stdout to a file, stderr dropped. */
static run_figures run_fit(const char *bin, const char *dir, const char *study)
{
    run_figures f = {0};
    char out[4096];
    snprintf(out, sizeof out, "%s/%s.fit.json", dir, study);
    fflush(stdout); /* the child must not write our buffered lines again */
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(dir) != 0 || !freopen(out, "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(127);
        char arg[4096];
        snprintf(arg, sizeof arg, "%s.toml", study);
        execl(bin, bin, "fit", arg, "--json", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
        return f;
    f.wall_s = now_s() - t0;
    f.cpu_s = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
              (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    f.peak_mb = (double)ru.ru_maxrss / 1024.0;
    f.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && read_figures(out, &f);
    return f;
}

/* PyTorch on the same CSV (bench/peer_scale.py); false when skipped. */
static bool run_peer(const char *dir, const table_case *c, char *line, size_t cap)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 bench/peer_scale.py %s/%s.csv %zu %zu %s 2>/dev/null", dir,
             c->name, c->n_in, c->n_out, strncmp(c->name, "sin", 3) == 0 ? "sin" : "plain");
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    bool ok = fgets(line, (int)cap, p) != NULL;
    pclose(p);
    if (ok)
        line[strcspn(line, "\n")] = '\0';
    return ok && strncmp(line, "skip", 4) != 0;
}

static const char *verdict(bool met) { return met ? "met" : "MISSED"; }

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    const char *bin = getenv("SURROGATE_BIN") ? getenv("SURROGATE_BIN") : "build/surrogate";
    size_t max_rows = getenv("SG_BENCH_SCALE_MAX_ROWS")
                          ? (size_t)strtoull(getenv("SG_BENCH_SCALE_MAX_ROWS"), NULL, 10)
                          : 100000;
    char dir[] = "/tmp/sg-bench-scale.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("bench_scale: mkdtemp");
        return 1;
    }
    printf("bench_scale: `surrogate fit` with default settings (%s), tables in %s\n", bin, dir);
    printf("%-15s %8s %9s %9s %9s %10s %8s  %s\n", "table", "rows", "wall s", "CPU s", "peak MB",
           "CV RMSE", "CV R2", "peer (PyTorch, 20 % hold-out)");
    double wall[3] = {NAN, NAN, NAN};
    int failures = 0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const table_case *c = &cases[k];
        if ((filter && !strstr(c->name, filter)) || c->rows > max_rows)
            continue;
        if (write_case(dir, c, 1000 + k) != 0) {
            fprintf(stderr, "bench_scale: cannot write %s\n", c->name);
            return 1;
        }
        run_figures f = run_fit(bin, dir, c->name);
        char peer[512] = "skipped (python3-torch not installed)";
        char got[512];
        if (run_peer(dir, c, got, sizeof got))
            snprintf(peer, sizeof peer, "%s", got);
        if (!f.ok) {
            printf("%-15s %8zu  fit FAILED\n", c->name, c->rows);
            failures++;
            continue;
        }
        for (size_t j = 0; j < f.n_out; j++)
            printf("%-15s %8zu %9.2f %9.2f %9.1f %10.4f %8.5f  %s\n", j ? "" : c->name, c->rows,
                   f.wall_s, f.cpu_s, f.peak_mb, f.cv_rmse[j], f.cv_r2[j], j ? "" : peer);
        if (strcmp(c->name, "friedman-1k") == 0)
            wall[0] = f.wall_s;
        if (strcmp(c->name, "friedman-10k") == 0) {
            wall[1] = f.wall_s;
            printf("  target: <= 15 s wall and CV RMSE <= 0.56: %s\n",
                   verdict(f.wall_s <= 15 && f.cv_rmse[0] <= 0.56));
        }
        if (strcmp(c->name, "friedman-100k") == 0) {
            wall[2] = f.wall_s;
            printf("  target: <= 120 s wall, <= 300 MB, CV RMSE <= 0.53: %s\n",
                   verdict(f.wall_s <= 120 && f.peak_mb <= 300 && f.cv_rmse[0] <= 0.53));
        }
        if (strcmp(c->name, "sin-1k") == 0)
            printf("  target: CV R2 >= 0.999 within 30 s: %s\n",
                   verdict(f.cv_r2[0] >= 0.999 && f.wall_s <= 30));
    }
    if (isfinite(wall[0]) && isfinite(wall[1]))
        printf("time ratio 10k/1k:   %.2f (target <= 12: %s)\n", wall[1] / wall[0],
               verdict(wall[1] / wall[0] <= 12));
    if (isfinite(wall[1]) && isfinite(wall[2]))
        printf("time ratio 100k/10k: %.2f (target <= 12: %s)\n", wall[2] / wall[1],
               verdict(wall[2] / wall[1] <= 12));
    /* the example study: its own folder layout, copied so nothing is written in the tree */
    if (!filter || strstr("brazing", filter)) {
        char cmd[8192];
        snprintf(cmd, sizeof cmd,
                 "mkdir -p %s/b/studies %s/b/data %s/b/reports && cp studies/brazing.toml "
                 "%s/b/studies/ && cp data/brazing_l27.csv %s/b/data/",
                 dir, dir, dir, dir, dir);
        char pdir[4200]; /* run from the project folder, as `make run` does */
        snprintf(pdir, sizeof pdir, "%s/b", dir);
        run_figures f = system(cmd) == 0 ? run_fit(bin, pdir, "studies/brazing") : (run_figures){0};
        if (f.ok) {
            printf("%-15s %8d %9.2f %9.2f %9.1f %10.4f %8.5f  (stress_max, leave-one-out)\n",
                   "brazing", 27, f.wall_s, f.cpu_s, f.peak_mb, f.cv_rmse[0], f.cv_r2[0]);
            printf("  target: < 3 s wall, LOO RMSE of stress_max <= 0.25 MPa: %s\n",
                   verdict(f.wall_s < 3 && f.cv_rmse[0] <= 0.25));
        } else {
            printf("brazing  fit FAILED\n");
            failures++;
        }
    }
    char rm[4200];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    if (system(rm) != 0)
        fprintf(stderr, "bench_scale: could not remove %s\n", dir);
    return failures ? 1 : 0;
}
