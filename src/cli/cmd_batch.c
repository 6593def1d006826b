/* cmd_batch.c — `surrogate batch <study.toml>...`: `run` on many studies,
 * one report each, and a summary table of all of them (CSV and .xlsx).
 *
 * Each study is a task: with the MPI build (surrogate-mpi batch) the
 * studies are divided among the ranks and each rank writes the files of the
 * studies it ran; without it they run one after another (each study uses
 * the process's threads).  The summary is written by the writing process
 * (rank 0) once every study has finished. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/atomic.h"
#include "core/exec.h"
#include "core/outputs.h"
#include "core/path.h"
#include "report/report.h"

#define BATCH_DEFAULT_OUT "batch-summary.csv"
#define BATCH_HEADER "study file,status,answer"
#define ANSWER_MAX 1024

static const sg_cli_option batch_options[] = {
    {"--out", 'o', "FILE.csv", BATCH_DEFAULT_OUT,
     "summary table to write; the .xlsx table goes beside it"},
};

typedef struct batch_job {
    const sg_cli_args *args;
} batch_job;

/* One study: `run` quietly; result = exit code and the decision's answer (or
 * the error its run reported). */
static sg_status study_task(void *user, size_t i, sg_bytes *out, sg_error *err)
{
    const batch_job *job = user;
    sg_cli_args a;
    memset(&a, 0, sizeof a);
    a.cmd = &sg_cmd_run;
    a.study_path = job->args->files[i];
    a.quiet = true;
    a.no_stdout = true;
    a.writer = true; /* the process that runs a study writes its files */
    char answer[ANSWER_MAX] = "", why[ANSWER_MAX - 64] = "";
    a.answer_out = answer;
    a.answer_cap = sizeof answer;
    a.error_out = why;
    a.error_cap = sizeof why;
    int32_t code = (int32_t)sg_cmd_run.handler(&a);
    if (code != SG_EXIT_OK && why[0]) /* the message the study's own run prints */
        snprintf(answer, sizeof answer, "failed (exit %d): %s", (int)code, why);
    else if (code != SG_EXIT_OK)
        snprintf(answer, sizeof answer, "failed (exit %d): run 'surrogate run %s' to see why",
                 (int)code, a.study_path);
    if (!sg_bytes_put(out, &code, sizeof code) || !sg_bytes_put(out, answer, strlen(answer) + 1))
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    return SG_OK;
}

static bool csv_is_own(void *user, const char *path)
{
    (void)user;
    FILE *f = fopen(path, "r");
    char line[64] = "";
    bool own = f && fgets(line, sizeof line, f) &&
               strncmp(line, BATCH_HEADER, strlen(BATCH_HEADER)) == 0;
    if (f)
        fclose(f);
    return own;
}

/* A CSV field: quoted, inner quotes doubled. */
static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static sg_status write_csv(const char *path, char **files, char (*status)[32],
                           char (*answer)[ANSWER_MAX], size_t n, sg_error *err)
{
    char *tmp = NULL;
    sg_status st = sg_atomic_begin(path, 0, &tmp, err);
    if (st != SG_OK)
        return st;
    FILE *f = fopen(tmp, "w");
    if (!f) {
        sg_atomic_abort(tmp);
        return sg_error_set(err, SG_ERR_IO, "%s: cannot write the summary", path);
    }
    fprintf(f, "%s\n", BATCH_HEADER);
    for (size_t i = 0; i < n; i++) {
        csv_field(f, files[i]);
        fputc(',', f);
        csv_field(f, status[i]);
        fputc(',', f);
        csv_field(f, answer[i]);
        fputc('\n', f);
    }
    if (fclose(f) != 0) {
        sg_atomic_abort(tmp);
        return sg_error_set(err, SG_ERR_IO, "%s: cannot write the summary", path);
    }
    return sg_atomic_commit(tmp, path, 0, err);
}

static char *xlsx_beside(const char *csv)
{
    size_t len = strlen(csv);
    char *x = malloc(len + 6);
    if (!x)
        return NULL;
    memcpy(x, csv, len + 1);
    if (len > 4 && strcmp(csv + len - 4, ".csv") == 0)
        x[len - 4] = '\0';
    strcat(x, ".xlsx");
    return x;
}

static int batch_main(const sg_cli_args *args)
{
    sg_error err;
    sg_error_clear(&err);
    const char *csv = sg_cli_opt(args, "--out");
    csv = csv ? csv : BATCH_DEFAULT_OUT;
    size_t len = strlen(csv);
    if (len < 5 || strcmp(csv + len - 4, ".csv") != 0)
        return sg_cli_usage_error(args->cmd, "--out must name a .csv file (got '%s')", csv);
    char *xlsx = xlsx_beside(csv);
    size_t n = args->n_files;
    char(*status)[32] = calloc(n, sizeof *status);
    char(*answer)[ANSWER_MAX] = calloc(n, sizeof *answer);
    sg_bytes *res = calloc(n, sizeof *res);
    if (!xlsx || !status || !answer || !res) {
        free(xlsx);
        free(status);
        free(answer);
        free(res);
        fputs("surrogate: error: out of memory\n", stderr);
        return SG_EXIT_FAILURE;
    }
    sg_input ins[SG_CLI_MAX_BATCH];
    size_t n_in = 0;
    for (size_t i = 0; i < n && n_in < SG_CLI_MAX_BATCH; i++)
        ins[n_in++] = (sg_input){"study", args->files[i]};
    sg_output outs[2] = {{"summary table", csv, false, csv_is_own, NULL},
                         {"summary workbook", xlsx, false, sg_report_file_is_own, NULL}};
    sg_outputs_plan plan = {ins, n_in, outs, 2, NULL, 0};
    int code = SG_EXIT_OK;
    if (sg_outputs_check(&plan, &err) != SG_OK) {
        fprintf(stderr, "surrogate: error: %s\n", err.msg);
        code = SG_EXIT_FAILURE;
        goto done;
    }
    batch_job job = {args};
    size_t failed = n;
    if (args->exec) {
        if (args->exec->map(args->exec, n, 1, study_task, &job, res, &failed, &err) != SG_OK) {
            fprintf(stderr, "surrogate: error: %s\n", err.msg);
            code = SG_EXIT_FAILURE;
            goto done;
        }
    } else {
        size_t *tasks = malloc(n * sizeof *tasks);
        sg_status *st = malloc(n * sizeof *st);
        sg_error *errs = malloc(n * sizeof *errs);
        if (tasks && st && errs) {
            for (size_t i = 0; i < n; i++)
                tasks[i] = i;
            sg_exec_run_local(tasks, n, 1, study_task, &job, res, st, errs);
        }
        free(tasks);
        free(st);
        free(errs);
    }
    size_t n_ok = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t c = SG_EXIT_FAILURE;
        size_t pos = 0;
        if (sg_bytes_get(&res[i], &pos, &c, sizeof c) && res[i].len > pos)
            snprintf(answer[i], ANSWER_MAX, "%s", (const char *)res[i].data + pos);
        snprintf(status[i], sizeof status[i], c == SG_EXIT_OK ? "ok" : "failed (exit %d)", (int)c);
        n_ok += c == SG_EXIT_OK;
        if (c != SG_EXIT_OK && code == SG_EXIT_OK)
            code = c;
    }
    if (!args->no_stdout) {
        printf("batch: %zu of %zu studies finished\n", n_ok, n);
        for (size_t i = 0; i < n; i++)
            printf("  %-30s %-16s %s\n", args->files[i], status[i], answer[i]);
    }
    if (args->writer) {
        const char *headers[] = {"study file", "status", "answer"};
        const char **cells = malloc(3 * n * sizeof *cells);
        sg_status st = cells ? write_csv(csv, args->files, status, answer, n, &err)
                             : sg_error_set(&err, SG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; cells && i < n; i++) {
            cells[3 * i] = args->files[i];
            cells[3 * i + 1] = status[i];
            cells[3 * i + 2] = answer[i];
        }
        if (st == SG_OK)
            st = sg_report_table_write(xlsx, "surrogate batch: one line per study", headers, 3,
                                       cells, n, &err);
        free(cells);
        if (st != SG_OK) {
            fprintf(stderr, "surrogate: error: %s\n", err.msg);
            code = SG_EXIT_FAILURE;
        } else if (!args->no_stdout) {
            printf("Summary written to %s and %s\n", csv, xlsx);
        }
    }
done:
    for (size_t i = 0; i < n; i++)
        sg_bytes_free(&res[i]);
    free(res);
    free(status);
    free(answer);
    free(xlsx);
    return code;
}

const sg_cli_command sg_cmd_batch = {
    .name = "batch",
    .summary = "run many studies, one report each, and write a summary table of all",
    .description =
        "Runs 'surrogate run' on every study file given, one after another (with\n"
        "surrogate-mpi: divided among the MPI ranks), each writing its own model, results\n"
        "and workbook as 'run' does, then writes a summary table with one line per study\n"
        "(its status and the decision's answer, or why it failed: the error its run\n"
        "prints) as CSV and .xlsx.  A study that fails does not stop the others; the\n"
        "exit code is that of the first study that failed.",
    .options = batch_options,
    .n_options = sizeof batch_options / sizeof batch_options[0],
    .handler = batch_main,
    .many_studies = true,
};
