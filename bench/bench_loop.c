/* bench_loop.c — closing the loop on standard test functions: how many
 * simulator calls `surrogate loop` (fit, optimise, propose with next.h,
 * one run per iteration) needs to come within 1 % of the response's range
 * of the true optimum, against random search with the same budget.
 *
 * Problems: Branin (2 factors), Hartmann-3, Hartmann-6, and Branin with
 * the constraint x1 <= 3 (a response the simulator returns; the true
 * constrained optimum by a dense grid).  Each starts from a maximin Latin
 * hypercube of 2d + 2 runs (seeded) and spends BUDGET calls in all; the
 * baseline starts each seed from the same design, so that the comparison
 * is paired (the designs alone moved its Branin median from 11 to 7).  The
 * study's defaults are used (l2 chosen per table, leave-one-out).  A
 * Gaussian-process baseline (bench/peer_loop.py, scikit-learn: Matern 5/2
 * process, expected improvement) runs over the same number of seeds when
 * Debian's python3-sklearn is installed (not by `make deps`), and is skipped
 * otherwise.  SG_BENCH_LOOP_TYPE (mlp, gp, auto) sets the study's [model]
 * type; by default the study has none (the network).
 *
 * Usage: bench_loop [name-substring]; SG_BENCH_SEEDS (default 5),
 * SG_BENCH_BUDGET (default 30), SG_BENCH_NO_PEER (set: no baseline),
 * SG_BENCH_VERBOSE (set: every proposal).  Prints per problem the median calls to
 * the 1 % band (budget + 1 when not reached) for the loop and for random
 * search, and met / MISSED for "fewer calls than random search".
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "design/design.h"
#include "model/fit.h"
#include "optim/decide.h"
#include "optim/next.h"
#include "optim/optimize_spec.h"

#define MAX_D 6
#define PI 3.14159265358979323846
#define MAX_RUNS 200
#define BAND 0.01
#define RANGE_SAMPLES 20000

typedef struct problem {
    const char *name;
    size_t d;
    double lo[MAX_D], hi[MAX_D];
    double (*f)(const double *x);
    double fmin;         /* true (constrained) minimum; NAN: by grid */
    bool constrained;    /* c = x1 <= 3 */
} problem;

static double branin(const double *x)
{
    double a = 1.0, b = 5.1 / (4 * PI * PI), c = 5 / PI, r = 6, s = 10, t = 1 / (8 * PI);
    double u = x[1] - b * x[0] * x[0] + c * x[0] - r;
    return a * u * u + s * (1 - t) * cos(x[0]) + s;
}

static const double H_A3[4][3] = {{3, 10, 30}, {0.1, 10, 35}, {3, 10, 30}, {0.1, 10, 35}};
static const double H_P3[4][3] = {{0.3689, 0.1170, 0.2673},
                                  {0.4699, 0.4387, 0.7470},
                                  {0.1091, 0.8732, 0.5547},
                                  {0.03815, 0.5743, 0.8828}};
static const double H_A6[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                  {0.05, 10, 17, 0.1, 8, 14},
                                  {3, 3.5, 1.7, 10, 17, 8},
                                  {17, 8, 0.05, 10, 0.1, 14}};
static const double H_P6[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                  {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                  {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                  {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
static const double H_ALPHA[4] = {1.0, 1.2, 3.0, 3.2};

static double hartmann3(const double *x)
{
    double s = 0;
    for (int i = 0; i < 4; i++) {
        double e = 0;
        for (int j = 0; j < 3; j++)
            e += H_A3[i][j] * (x[j] - H_P3[i][j]) * (x[j] - H_P3[i][j]);
        s += H_ALPHA[i] * exp(-e);
    }
    return -s;
}

static double hartmann6(const double *x)
{
    double s = 0;
    for (int i = 0; i < 4; i++) {
        double e = 0;
        for (int j = 0; j < 6; j++)
            e += H_A6[i][j] * (x[j] - H_P6[i][j]) * (x[j] - H_P6[i][j]);
        s += H_ALPHA[i] * exp(-e);
    }
    return -s;
}

static const problem problems[] = {
    {"branin", 2, {-5, 0}, {10, 15}, branin, 0.397887357729739, false},
    {"hartmann3", 3, {0, 0, 0}, {1, 1, 1}, hartmann3, -3.86278214782076, false},
    {"hartmann6", 6, {0, 0, 0, 0, 0, 0}, {1, 1, 1, 1, 1, 1}, hartmann6, -3.32236801141551,
     false},
    {"branin_x1_le_3", 2, {-5, 0}, {10, 15}, branin, NAN, true},
};

/* Range of f over the box (uniform sample), for the 1 % band. */
static double f_range(const problem *p, gsl_rng *rng)
{
    double lo = INFINITY, hi = -INFINITY, x[MAX_D];
    for (int k = 0; k < RANGE_SAMPLES; k++) {
        for (size_t j = 0; j < p->d; j++)
            x[j] = p->lo[j] + gsl_rng_uniform(rng) * (p->hi[j] - p->lo[j]);
        double v = p->f(x);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    return hi - lo;
}

/* The constrained minimum by a dense grid (2 factors). */
static double grid_min(const problem *p)
{
    double best = INFINITY, x[2];
    for (int i = 0; i <= 2000; i++)
        for (int j = 0; j <= 2000; j++) {
            x[0] = p->lo[0] + (p->hi[0] - p->lo[0]) * i / 2000.0;
            x[1] = p->lo[1] + (p->hi[1] - p->lo[1]) * j / 2000.0;
            if (x[0] <= 3.0)
                best = fmin(best, p->f(x));
        }
    return best;
}

static void study_text(const problem *p, char *buf, size_t cap)
{
    size_t u = (size_t)snprintf(buf, cap, "[study]\nname = \"%s\"\nseed = 1\n[data]\nfile = "
                                          "\"bench.csv\"\n",
                                p->name);
    for (size_t j = 0; j < p->d; j++)
        u += (size_t)snprintf(buf + u, cap - u, "[[factor]]\nname = \"x%zu\"\nmin = %.17g\nmax = "
                                                "%.17g\n",
                              j + 1, p->lo[j], p->hi[j]);
    u += (size_t)snprintf(buf + u, cap - u, "[[response]]\nname = \"y\"\ngoal = \"minimize\"\n");
    const char *type = getenv("SG_BENCH_LOOP_TYPE");
    if (type)
        u += (size_t)snprintf(buf + u, cap - u, "[model]\ntype = \"%s\"\n", type);
    if (p->constrained)
        u += (size_t)snprintf(buf + u, cap - u, "[[response]]\nname = \"c\"\n[optimize]\nresponse "
                                                "= \"y\"\nconstraints = [\"c <= 3\"]\n");
}

/* Calls until the best feasible value is within the band (budget + 1 if never). */
typedef struct tracker {
    double target;
    size_t hit, calls;
} tracker;

static void record(tracker *t, const problem *p, const double *x, double y)
{
    t->calls++;
    if (t->hit == 0 && (!p->constrained || x[0] <= 3.0) && y <= t->target)
        t->hit = t->calls;
}

static size_t run_random(const problem *p, double target, size_t budget, uint64_t seed)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)seed);
    tracker t = {target, 0, 0};
    double x[MAX_D];
    while (t.calls < budget) {
        for (size_t j = 0; j < p->d; j++)
            x[j] = p->lo[j] + gsl_rng_uniform(rng) * (p->hi[j] - p->lo[j]);
        record(&t, p, x, p->f(x));
    }
    gsl_rng_free(rng);
    return t.hit ? t.hit : budget + 1;
}

/* The initial design of a seed: a maximin Latin hypercube of 2d + 2 runs
 * into x (rows of MAX_D); returns the run count.  The loop and the
 * Gaussian-process baseline start from the same design. */
static size_t initial_design(const problem *p, uint64_t seed, double *x)
{
    size_t n0 = 2 * p->d + 2;
    sg_design_factor df[MAX_D];
    char names[MAX_D][8], dname[32];
    for (size_t j = 0; j < p->d; j++) {
        snprintf(names[j], sizeof names[j], "x%zu", j + 1);
        df[j] = (sg_design_factor){.name = names[j], .min = p->lo[j], .max = p->hi[j]};
    }
    snprintf(dname, sizeof dname, "lhs:%zu", n0);
    sg_design_spec ds;
    sg_design_options dopt = sg_design_options_default();
    dopt.seed = (unsigned long)seed;
    sg_design *d = NULL;
    sg_error err;
    if (sg_design_parse(dname, &ds, &err) != SG_OK ||
        sg_design_generate(&ds, df, p->d, &dopt, &d, &err) != SG_OK) {
        fprintf(stderr, "bench_loop: %s\n", err.msg);
        exit(1);
    }
    for (size_t i = 0; i < n0; i++)
        memcpy(x + i * MAX_D, d->x + i * p->d, p->d * sizeof(double));
    sg_design_destroy(d);
    return n0;
}

/* The loop, in the library: the study's defaults, one proposal per
 * iteration; returns the calls to the band. */
static size_t run_loop(const problem *p, double target, size_t budget, uint64_t seed)
{
    char text[4096];
    study_text(p, text, sizeof text);
    sg_study *s = NULL;
    sg_error err;
    if (sg_study_load_buffer(text, strlen(text), "bench.toml", &s, &err) != SG_OK) {
        fprintf(stderr, "bench_loop: %s\n", err.msg);
        exit(1);
    }
    sg_study_model settings;
    sg_optimize_spec *sp = NULL;
    if (sg_study_model_load(s, &settings, &err) != SG_OK ||
        sg_optimize_spec_load(s, &sp, &err) != SG_OK) {
        fprintf(stderr, "bench_loop: %s\n", err.msg);
        exit(1);
    }
    settings.spec.seed = seed;
    static double X[MAX_RUNS][MAX_D], Y[MAX_RUNS][2];
    size_t n = 0, n0 = initial_design(p, seed, &X[0][0]);
    char names[MAX_D][8];
    for (size_t j = 0; j < p->d; j++)
        snprintf(names[j], sizeof names[j], "x%zu", j + 1);
    tracker t = {target, 0, 0};
    for (; n < n0 && n < budget; n++) {
        Y[n][0] = p->f(X[n]);
        Y[n][1] = X[n][0];
        record(&t, p, X[n], Y[n][0]);
    }
    size_t nr = p->constrained ? 2 : 1;
    const char *cols[MAX_D + 2];
    for (size_t j = 0; j < p->d; j++)
        cols[j] = names[j];
    cols[p->d] = "y";
    cols[p->d + 1] = "c";
    static char csv[1 << 16];
    while (t.calls < budget && t.hit == 0) {
        size_t u = 0;
        for (size_t j = 0; j < p->d + nr; j++)
            u += (size_t)snprintf(csv + u, sizeof csv - u, "%s%s", j ? "," : "", cols[j]);
        csv[u++] = '\n';
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < p->d; j++)
                u += (size_t)snprintf(csv + u, sizeof csv - u, "%.17g,", X[i][j]);
            u += (size_t)snprintf(csv + u, sizeof csv - u, nr == 2 ? "%.17g,%.17g\n" : "%.17g\n",
                                  Y[i][0], Y[i][1]);
        }
        sg_table *tab = NULL;
        sg_fit_result *fit = NULL;
        sg_decide_result *dr = NULL;
        sg_next_result *nx = NULL;
        if (sg_table_load_buffer(csv, u, "bench.csv", cols, p->d + nr, p->d, &tab, NULL, &err) !=
                SG_OK ||
            sg_fit_run(s, tab, &settings, NULL, NULL, NULL, &fit, &err) != SG_OK) {
            fprintf(stderr, "bench_loop: %s: %s\n", p->name, err.msg);
            exit(1);
        }
        double half[2], sf[2], q2[2];
        for (size_t j = 0; j < nr; j++) {
            const sg_cv_response *R = &fit->cv->resp[j];
            half[j] = R->half_width;
            sf[j] = R->spread_factor_ok ? R->spread_factor : 0.0;
            q2[j] = R->net.r2_ok ? R->net.r2 : NAN;
        }
        sg_decide_options o = {.half_width = half, .level = fit->cv->resp[0].level};
        if (sg_decide_run(s, tab, sp, fit->model, &o, &dr, &err) != SG_OK) {
            fprintf(stderr, "bench_loop: %s: %s\n", p->name, err.msg);
            exit(1);
        }
        sg_next_inputs in = {.study = s, .table = tab, .spec = sp, .model = fit->model,
                             .decide = dr, .half_width = half, .spread_factor = sf,
                             .level = o.level, .q2 = q2, .runs = 1, .seed = seed + n,
                             .defer_confirmation = n + 1 < budget}; /* as `loop` does */
        if (sg_next_propose(&in, &nx, &err) != SG_OK || nx->n_runs == 0) {
            fprintf(stderr, "bench_loop: %s: no proposal\n", p->name);
            exit(1);
        }
        memcpy(X[n], nx->x, p->d * sizeof(double));
        Y[n][0] = p->f(X[n]);
        if (getenv("SG_BENCH_VERBOSE"))
        {
            printf("    %s call %zu: (", p->name, n + 1);
            for (size_t j = 0; j < p->d; j++)
                printf("%s%.3f", j ? ", " : "", X[n][j]);
            printf(") y %g, %s\n", Y[n][0], nx->reason[0]);
        }
        Y[n][1] = X[n][0];
        record(&t, p, X[n], Y[n][0]);
        n++;
        sg_next_result_destroy(nx);
        sg_decide_result_destroy(dr);
        sg_fit_result_destroy(fit);
        sg_table_destroy(tab);
    }
    sg_optimize_spec_destroy(sp);
    sg_study_model_destroy(&settings);
    sg_study_destroy(s);
    return t.hit ? t.hit : budget + 1;
}

/* The scikit-learn baseline (bench/peer_loop.py) over the same seeds count
 * and target: its median calls into *median, text for the table into buf;
 * false when it is skipped. */
static bool peer_median(const problem *p, size_t budget, size_t seeds, double target, char *buf,
                        size_t cap, size_t *median)
{
    char cmd[512], line[256] = "", path[] = "/tmp/bench_loop_designs_XXXXXX";
    int fd = mkstemp(path);
    FILE *df = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!df) {
        snprintf(buf, cap, "skipped (no temporary file)");
        return false;
    }
    static double x[MAX_RUNS][MAX_D];
    for (size_t sd = 0; sd < seeds; sd++) { /* seed, then the factors, per run */
        size_t n0 = initial_design(p, 1000 + sd, &x[0][0]);
        for (size_t i = 0; i < n0; i++) {
            fprintf(df, "%zu", sd);
            for (size_t j = 0; j < p->d; j++)
                fprintf(df, ",%.17g", x[i][j]);
            fprintf(df, "\n");
        }
    }
    fclose(df);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 bench/peer_loop.py %s %zu %zu %.17g %s 2>/dev/null", p->name,
             budget, seeds, target, path);
    fflush(stdout);
    FILE *f = popen(cmd, "r");
    if (!f)
        return false;
    /* the answer is the line that starts "median" or "skip": SciPy's
     * L-BFGS-B (Fortran) may print its own warnings to stdout first */
    bool got = false;
    while (!got && fgets(line, sizeof line, f))
        got = strncmp(line, "median ", 7) == 0 || strncmp(line, "skip", 4) == 0;
    pclose(f);
    remove(path);
    unsigned long m = 0;
    if (!got || sscanf(line, "median %lu", &m) != 1) {
        snprintf(buf, cap, "skipped (%s)", got ? strtok(line, "\n") : "no output");
        return false;
    }
    *median = (size_t)m;
    const char *by = strstr(line, "by seed");
    snprintf(buf, cap, "%lu calls (%s)", m, by ? strtok((char *)by, "\n") : "");
    return true;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *e = getenv("SG_BENCH_SEEDS");
    size_t seeds = e ? (size_t)atoi(e) : 5, budget = 30;
    if ((e = getenv("SG_BENCH_BUDGET")))
        budget = (size_t)atoi(e);
    if (seeds < 1 || seeds > 50 || budget < 10 || budget > MAX_RUNS) {
        fprintf(stderr, "bench_loop: SG_BENCH_SEEDS 1..50, SG_BENCH_BUDGET 10..%d\n", MAX_RUNS);
        return 2;
    }
    printf("loop benchmark: calls to come within %.0f %% of the range of the optimum, budget %zu, "
           "%zu seeds (median; %zu = not reached)\n",
           100 * BAND, budget, seeds, budget + 1);
    size_t beat = 0, n_problems = 0, gp_runs = 0, gp_matched = 0;
    for (size_t k = 0; k < sizeof problems / sizeof problems[0]; k++) {
        const problem *p = &problems[k];
        if (argc > 1 && !strstr(p->name, argv[1]))
            continue;
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(rng, 7);
        double range = f_range(p, rng), fmin = isnan(p->fmin) ? grid_min(p) : p->fmin;
        gsl_rng_free(rng);
        double target = fmin + BAND * range;
        size_t loop[50], rnd[50];
        clock_t c0 = clock();
        for (size_t sd = 0; sd < seeds; sd++) {
            loop[sd] = run_loop(p, target, budget, 1000 + sd);
            rnd[sd] = run_random(p, target, budget, 2000 + sd);
        }
        printf("%-16s loop calls by seed:", p->name);
        for (size_t sd = 0; sd < seeds; sd++)
            printf(" %zu", loop[sd]);
        printf("\n");
        qsort(loop, seeds, sizeof *loop, cmp_size);
        qsort(rnd, seeds, sizeof *rnd, cmp_size);
        size_t ml = loop[seeds / 2], mr = rnd[seeds / 2];
        bool ok = ml < mr;
        beat += ok;
        n_problems++;
        char gp[128] = "skipped";
        size_t mg = 0;
        if (!getenv("SG_BENCH_NO_PEER") && peer_median(p, budget, seeds, target, gp, sizeof gp, &mg)) {
            gp_runs++;
            gp_matched += ml <= mg;
        }
        printf("%-16s d=%zu  optimum %.6g, band %.3g:  loop %zu calls, random search %zu calls "
               "(%s), GP baseline %s (%.0f s CPU)\n",
               p->name, p->d, fmin, BAND * range, ml, mr, ok ? "met" : "MISSED", gp,
               (double)(clock() - c0) / CLOCKS_PER_SEC);
    }
    printf("fewer calls than random search on %zu of %zu problems (target: all): %s\n", beat,
           n_problems, beat == n_problems ? "met" : "MISSED");
    if (getenv("SG_BENCH_NO_PEER"))
        printf("Gaussian-process baseline: not run (SG_BENCH_NO_PEER)\n");
    else if (gp_runs)
        printf("no more calls than the Gaussian-process baseline on %zu of %zu problems "
               "(target: at least 3 of 4): %s\n",
               gp_matched, gp_runs, gp_matched >= 3 ? "met" : "MISSED");
    else
        printf("Gaussian-process baseline (scikit-learn): skipped, python3-sklearn is not "
               "installed\n");
    return 0;
}
