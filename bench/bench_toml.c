/* bench_toml.c — parse speed of the TOML reader on a generated ~1 MB
 * study-like document (target: median under 20 ms per parse). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/toml.h"

#define BENCH_TARGET_BYTES ((size_t)1024 * 1024)
#define BENCH_REPEATS 31
#define BENCH_TARGET_MS 20.0

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A study: header tables, then [[factor]] and [[run]] tables with floats,
 * strings, inline tables and comments, until about target bytes. */
static char *make_document(size_t target, size_t *len)
{
    size_t cap = target + 4096, o = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
#define OUT(...) o += (size_t)snprintf(s + o, cap - o, __VA_ARGS__)
    OUT("# Generated study for the TOML benchmark\n"
        "title = \"Brazing residual stress, L27 (benchmark)\"\nseed = 20261129\n\n"
        "[data]\nfile = \"data/brazing_l27.csv\"\nresponses = [\"stress_max_MPa\", \"stress_path1_MPa\"]\n\n"
        "[model]\nhidden = [16, 8]\nactivation = 'tanh'\noptions = { lr = 1.0e-3, epochs = 2_000, "
        "early_stop = true }\n\n");
    unsigned x = 12345u;
    for (int i = 0; o + 600 < target; i++) {
        x = x * 1103515245u + 12345u;
        double base = (double)(x % 100000) / 97.0;
        if (i % 2 == 0) {
            OUT("[[factor]]\n# factor %d: process setting\nname = \"factor_%d\"\nunit = \"\xC2\xB5m\"\n"
                "min = %.6f\nmax = %.6f  # upper bound\nlevels = [%.4f, %.4f, %.4f]\n"
                "description = \"\"\"\nLevel set %d, chosen from the\northogonal array.\"\"\"\n"
                "tags = { kind = 'continuous', step = %d }\n\n",
                i, i, base, base * 3.0, base, base * 2.0, base * 3.0, i, i % 7);
        } else {
            OUT("[[run]]\nid = %d\nsettings = [%.5g, %.5g, %.5g, %.5g]\n"
                "responses = [ # MPa\n  %.6e,\n  %.6e,\n  %.6e,\n]\nok = %s\nwhen = 2026-11-%02dT%02d:%02d:00Z\n\n",
                i, base, base + 1.5, base * 0.25, base - 3.0, base * 1.1e3, -base, base / 7.0,
                i % 3 ? "true" : "false", 1 + i % 28, i % 24, i % 60);
        }
    }
#undef OUT
    *len = o;
    return s;
}

int main(void)
{
    size_t len = 0;
    char *doc_text = make_document(BENCH_TARGET_BYTES, &len);
    if (!doc_text) {
        fprintf(stderr, "bench_toml: out of memory\n");
        return 1;
    }
    double t[BENCH_REPEATS], cpu[BENCH_REPEATS];
    size_t nfactor = 0;
    for (int r = 0; r < BENCH_REPEATS; r++) {
        sg_toml_doc *doc = NULL;
        sg_error err;
        double c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID), t0 = clock_ms(CLOCK_MONOTONIC);
        sg_status st = sg_toml_parse(doc_text, len, "bench.toml", &doc, &err);
        double t1 = clock_ms(CLOCK_MONOTONIC), c1 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
        if (st != SG_OK) {
            fprintf(stderr, "bench_toml: %s\n", err.msg);
            free(doc_text);
            return 1;
        }
        nfactor = sg_toml_array_size(sg_toml_table_get(sg_toml_root(doc), "factor"));
        sg_toml_destroy(doc);
        t[r] = t1 - t0;
        cpu[r] = c1 - c0;
    }
    qsort(t, BENCH_REPEATS, sizeof t[0], cmp_double);
    qsort(cpu, BENCH_REPEATS, sizeof cpu[0], cmp_double);
    double med = t[BENCH_REPEATS / 2], cmed = cpu[BENCH_REPEATS / 2];
    /* wall time is what the target is about; CPU time shows the parser's own
     * cost when other jobs share the machine */
    printf("toml parse: %.2f MB document (%zu [[factor]] tables), median %.2f ms wall (min %.2f), "
           "%.2f ms CPU over %d parses, %.0f MB/s; target < %.0f ms: %s\n",
           (double)len / 1e6, nfactor, med, t[0], cmed, BENCH_REPEATS, (double)len / 1e6 / (med / 1e3),
           BENCH_TARGET_MS, med < BENCH_TARGET_MS ? "met" : "MISSED");
    free(doc_text);
    return 0;
}
