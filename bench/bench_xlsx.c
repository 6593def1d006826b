/* bench_xlsx.c — speed and memory of the .xlsx reader on a 100,000-row x
 * 25-column workbook (a date, a station name, 23 numbers; shared strings,
 * as Excel and LibreOffice save them), read whole: every numeric column
 * requested (figures only; no pass/fail).  Target (issue 15): under 2 s,
 * memory proportional to the table. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "io/table.h"

#define BENCH_ROWS 100000
#define BENCH_COLS 25
#define BENCH_NUMERIC (BENCH_COLS - 2)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static long max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* CPU seconds of this process (user + system): the machine may be shared. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

static int write_book(const char *path, char names[BENCH_NUMERIC][16])
{
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "Data") : NULL;
    if (!ws)
        return 1;
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd hh:mm");
    worksheet_write_string(ws, 0, 0, "date", NULL);
    worksheet_write_string(ws, 0, 1, "station", NULL);
    for (int c = 0; c < BENCH_NUMERIC; c++) {
        snprintf(names[c], sizeof names[c], "x%d", c + 1);
        char head[32];
        snprintf(head, sizeof head, "%s [bar]", names[c]);
        worksheet_write_string(ws, 0, (lxw_col_t)(c + 2), head, NULL);
    }
    unsigned long long s = 88172645463325252ULL; /* xorshift: fixed sequence */
    for (lxw_row_t r = 1; r <= BENCH_ROWS; r++) {
        worksheet_write_number(ws, r, 0, 43101.0 + r / 24.0, date);
        worksheet_write_string(ws, r, 1, r % 3 ? "north" : "south", NULL);
        for (int c = 0; c < BENCH_NUMERIC; c++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            worksheet_write_number(ws, r, (lxw_col_t)(c + 2), (double)(s % 10000000) / 7919.0,
                                   NULL);
        }
    }
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}

/* With an argument: keep the workbook there (written when absent), for
 * profiling the reader alone. */
int main(int argc, char **argv)
{
    char tmp[] = "/tmp/sg_bench_xlsx_XXXXXX";
    const char *path = argc > 1 ? argv[1] : tmp;
    static char names[BENCH_NUMERIC][16];
    struct stat sb;
    if (argc > 1 && stat(path, &sb) == 0)
        goto read;
    int fd = argc > 1 ? open(path, O_CREAT | O_WRONLY, 0600) : mkstemp(tmp);
    if (fd < 0)
        return 1;
    close(fd);
    /* Written by a child, so this process's peak memory is the reader's. */
    pid_t pid = fork();
    if (pid == 0)
        _exit(write_book(path, names));
    int wst = 0;
    if (pid < 0 || waitpid(pid, &wst, 0) != pid || !WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
        unlink(path);
        return 1;
    }
read:
    for (int c = 0; c < BENCH_NUMERIC; c++)
        snprintf(names[c], sizeof names[c], "x%d", c + 1);
    stat(path, &sb);
    const char *cols[BENCH_NUMERIC];
    for (int c = 0; c < BENCH_NUMERIC; c++)
        cols[c] = names[c];
    sg_table_request req = {.columns = cols, .n_cols = BENCH_NUMERIC, .n_factors = BENCH_NUMERIC - 2};
    long rss0 = max_rss_kb();
    sg_error err;
    sg_table *t = NULL;
    double t0 = now_s(), c0 = cpu_s();
    sg_status st = sg_table_read(path, &req, &t, NULL, &err);
    double t1 = now_s(), c1 = cpu_s();
    long rss1 = max_rss_kb();
    if (argc < 2)
        unlink(path);
    if (st != SG_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    double table_mb = (double)(t->n_rows * t->n_cols * sizeof(double)) / 1e6;
    printf("xlsx read: %zu rows x %d columns (%zu read), file %.1f MB, in %.3f s (%.3f s CPU)\n",
           t->n_rows, BENCH_COLS, t->n_cols, (double)sb.st_size / 1e6, t1 - t0, c1 - c0);
    printf("xlsx read: peak memory grew by %.1f MB (file %.1f MB + table values %.1f MB)\n",
           (double)(rss1 - rss0) / 1e3, (double)sb.st_size / 1e6, table_mb);
    sg_table_destroy(t);
    return 0;
}
