/* bench_data.c — speed of the CSV reader, describe and check on a large
 * synthetic table (figures only; no pass/fail). */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/check.h"
#include "io/table.h"

#define BENCH_ROWS 200000
#define BENCH_FACTORS 4
#define BENCH_RESPONSES 3

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    gsl_set_error_handler_off();
    char path[] = "/tmp/sg_bench_data_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    FILE *fp = fdopen(fd, "w");
    fprintf(fp, "run,f0,f1,f2,f3,note,y0,y1,y2\n");
    unsigned long long s = 88172645463325252ULL; /* xorshift: fixed sequence */
    for (int i = 0; i < BENCH_ROWS; i++) {
        fprintf(fp, "%d", i + 1);
        for (int j = 0; j < BENCH_FACTORS; j++)
            fprintf(fp, ",%d", (i / (j + 1)) % 3 * 50 + 50);
        fprintf(fp, ",\"text, quoted\"");
        for (int j = 0; j < BENCH_RESPONSES; j++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            fprintf(fp, ",%.6f", 400.0 + (double)(s % 1000000) / 7919.0);
        }
        fputc('\n', fp);
    }
    long bytes = ftell(fp);
    fclose(fp);
    const char *cols[] = {"f0", "f1", "f2", "f3", "y0", "y1", "y2"};
    sg_error err;
    sg_table *t = NULL;
    double t0 = now_s();
    if (sg_table_load(path, cols, 7, 4, &t, NULL, &err) != SG_OK) {
        fprintf(stderr, "%s\n", err.msg);
        unlink(path);
        return 1;
    }
    double t1 = now_s();
    printf("csv load: %d rows, %.1f MB in %.3f s (%.1f MB/s)\n", BENCH_ROWS, (double)bytes / 1e6,
           t1 - t0, (double)bytes / 1e6 / (t1 - t0));
    sg_col_stats st[7];
    double r[49];
    t0 = now_s();
    sg_describe_columns(t->x, t->n_rows, 7, st, NULL);
    sg_describe_correlation(t->x, t->n_rows, 7, r, NULL, NULL);
    t1 = now_s();
    printf("describe + correlation (7 columns): %.3f s\n", t1 - t0);
    sg_factor f[BENCH_FACTORS];
    sg_response rs[BENCH_RESPONSES];
    memset(f, 0, sizeof f);
    memset(rs, 0, sizeof rs);
    for (int j = 0; j < BENCH_FACTORS; j++) {
        f[j].name = (char *)cols[j];
        f[j].min = 50;
        f[j].max = 150;
    }
    for (int j = 0; j < BENCH_RESPONSES; j++)
        rs[j].name = (char *)cols[4 + j];
    sg_study study = {.factors = f, .n_factors = BENCH_FACTORS, .responses = rs,
                      .n_responses = BENCH_RESPONSES};
    sg_check_report *rep = NULL;
    t0 = now_s();
    sg_status cs = sg_check_run(&study, t, &rep, &err);
    t1 = now_s();
    printf("check (levels, pairs, duplicates): %.3f s (%s, %zu duplicate groups)\n", t1 - t0,
           cs == SG_OK ? "ok" : err.msg, rep ? rep->n_duplicate_groups : 0);
    sg_check_destroy(rep);
    sg_table_destroy(t);
    unlink(path);
    return 0;
}
