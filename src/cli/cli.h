/* cli.h — the command-line framework shared by every `surrogate` command.
 *
 * Only the CLI prints and exits.  Adding a command:
 *   1. write src/cli/cmd_<name>.c defining
 *        const sg_cli_command sg_cmd_<name> = {name, summary, description,
 *                                              options, n_options, handler};
 *   2. declare it below and add &sg_cmd_<name> to the table in main.c.
 * Options are declared in a table (long name, optional short letter,
 * metavar for options taking a value, default shown in --help, help text);
 * -q/--quiet, --json and -h/--help are common to every command and added
 * automatically.  Options may come before or after the study path.
 * A stage of `surrogate run` is a function int stage(sg_cli_ctx *) that
 * prints its text result (unless --json) and adds its JSON object to
 * ctx->json under its own name; see cmd_run.c.
 */
#ifndef SG_CLI_H
#define SG_CLI_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "analysis/check.h"
#include "core/error.h"
#include "io/table.h"
#include "model/fit.h"
#include "model/model.h"
#include "io/study.h"
#include "analysis/study_analysis.h"
#include "model/study_model.h"

/* Exit codes (documented in the README). */
enum {
    SG_EXIT_OK = 0,
    SG_EXIT_INVALID = 1, /* invalid study or data */
    SG_EXIT_USAGE = 2,   /* bad command line */
    SG_EXIT_FAILURE = 3  /* I/O or internal error */
};

#define SG_CLI_MAX_OPTIONS 32

typedef struct sg_cli_option {
    const char *name;      /* long form with dashes, "--seed" */
    char short_name;       /* 's' for -s, or 0 */
    const char *metavar;   /* "N" when the option takes a value; NULL for a flag */
    const char *default_text; /* shown as "(default: ...)", e.g. "off" for flags; NULL = none */
    const char *help;      /* one line */
} sg_cli_option;

struct sg_cli_args;
typedef int (*sg_cli_handler)(const struct sg_cli_args *args);

typedef struct sg_cli_command {
    const char *name;         /* "check" */
    const char *summary;      /* one line for `surrogate --help` */
    const char *description;  /* paragraph(s) for `surrogate <command> --help` */
    const sg_cli_option *options; /* command-specific options */
    size_t n_options;
    sg_cli_handler handler;   /* returns an exit code */
    bool needs_study;         /* takes exactly one <study.toml> argument */
    const char *file_arg;     /* instead: takes exactly one file argument with this
                                 metavar ("<model.json>"); NULL = see needs_study */
    bool many_studies;        /* instead: one or more study files (args.files) */
} sg_cli_command;

typedef struct sg_cli_args {
    const sg_cli_command *cmd;
    const char *study_path;   /* the positional argument (NULL if none) */
    char **files;             /* many_studies: every positional argument (argv's) */
    size_t n_files;
    bool quiet, json, help;
    bool no_stdout;           /* print nothing on stdout (batch runs studies this way) */
    char *answer_out;         /* run: receives the decision's answer line when not NULL */
    size_t answer_cap;
    char *error_out;          /* receives the first error sg_cli_fail reports when not NULL
                                 (batch puts it in its summary) */
    size_t error_cap;
    /* Set by sg_cli_main from its runtime: where parallel tasks run (NULL =
     * this process's threads) and whether this process writes the output
     * files (false on the MPI build's ranks other than 0). */
    const struct sg_exec *exec;
    bool writer;
    const char *values[SG_CLI_MAX_OPTIONS]; /* per cmd option: value, "1" for a set flag, or NULL */
} sg_cli_args;

/* Commands (one file each). */
extern const sg_cli_command sg_cmd_check;
extern const sg_cli_command sg_cmd_run;
extern const sg_cli_command sg_cmd_analyze;
extern const sg_cli_command sg_cmd_doe;
extern const sg_cli_command sg_cmd_fit;
extern const sg_cli_command sg_cmd_optimize;
extern const sg_cli_command sg_cmd_predict;
extern const sg_cli_command sg_cmd_report;
extern const sg_cli_command sg_cmd_sensitivity;
extern const sg_cli_command sg_cmd_next;
extern const sg_cli_command sg_cmd_batch;
/* Largest number of studies of one `batch`. */
#define SG_CLI_MAX_BATCH 10000

/* How sg_cli_main runs: the plain binary passes NULL (its own threads,
 * every command, writes its files).  The MPI build (src/cli/mpi/) passes its
 * executor, whether this rank writes, and the commands it offers. */
typedef struct sg_cli_runtime {
    const struct sg_exec *exec;
    bool writer;
    const char *program;            /* "surrogate-mpi" in messages; NULL = "surrogate" */
    const char *const *only;        /* NULL-terminated command names offered; NULL = all */
    const sg_cli_command *const *extra; /* NULL-terminated extra commands (batch); may be NULL */
} sg_cli_runtime;

/* The command line: dispatch argv to a command.  Returns the exit code. */
int sg_cli_main(int argc, char **argv, const sg_cli_runtime *rt);

/* For a data column holding names: "  NAME  (names)  vacuum 18, argon 9"
 * (the runs with each name) on stdout, name in a field of name_w; returns
 * false (printing nothing) for a numeric column. */
bool sg_cli_print_name_counts(const sg_study *s, const sg_table *t, size_t j, int name_w);
/* Width of a table column headed by name: 12 characters, or the name's
 * length up to 40, so that a column is never headed by a cut name
 * ("pack_pressur"). */
int sg_cli_col_width(const char *name);

/* Parse argv[first..argc) for cmd into *a.  Returns SG_EXIT_OK, or
 * SG_EXIT_USAGE after printing a usage message with a hint to stderr. */
int sg_cli_parse(const sg_cli_command *cmd, int argc, char **argv, int first, sg_cli_args *a);

/* Value of option `name` ("--seed"), "1" for a set flag, NULL when not given. */
const char *sg_cli_opt(const sg_cli_args *a, const char *name);
/* Parse option `name` as an integer in [lo, hi] (def when absent) into *out;
 * returns SG_EXIT_OK or prints a usage error and returns SG_EXIT_USAGE. */
int sg_cli_opt_long(const sg_cli_args *a, const char *name, long def, long lo, long hi,
                    long *out);

/* Print `surrogate <command> --help` text to fp. */
void sg_cli_print_command_help(const sg_cli_command *cmd, FILE *fp);

/* Print a usage error "surrogate: <msg>" + hint to stderr; returns SG_EXIT_USAGE. */
int sg_cli_usage_error(const sg_cli_command *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The exit code for a library status (0 ok, 1 invalid input, 3 I/O/internal). */
int sg_cli_exit_code(sg_status st);

/* Print every library version (surrogate, GSL, NLopt, OpenBLAS, libxlsxwriter,
 * cJSON, libcsv) to fp, one per line. */
void sg_cli_print_versions(FILE *fp);

/* ---- running a command on a study -------------------------------------- */

/* State shared by the stages of one command run. */
typedef struct sg_cli_ctx {
    const sg_cli_args *args;
    sg_study *study;          /* loaded by sg_cli_load */
    sg_table *table;          /* the study's data */
    sg_check_report *check;   /* filled by the check stage */
    sg_study_analysis *analysis; /* filled by the analyze stage: statistics, correlation,
                                    analysis->taguchi[j] per response (NULL when n/a) */
    sg_study_model fit_settings; /* [model]/[train] settings, filled by the fit stage */
    sg_fit_result *fit;       /* filled by the fit stage (owns the model) */
    sg_model *model;          /* the fitted model (borrowed from fit; later stages use it) */
    const char *model_path;   /* where the fit stage wrote the model file */
    sg_model *own_model;      /* a model loaded from file by the optimize stage (owned) */
    struct sg_optimize_spec *optimize_spec; /* [optimize] settings (optimize stage, owned) */
    struct sg_decide_result *optimize;      /* the optimisation answer (optimize stage, owned) */
    struct sg_sensitivity *sensitivity; /* Sobol indices (sensitivity stage, owned) */
    struct sg_recommend *recommend;     /* the recommendation (recommend stage, owned) */
    struct sg_summary *decision;        /* its decision summary (recommend stage, owned) */
    bool summary;             /* run: print the decision summary instead of stage details */
    struct sg_results *results; /* saved fit/optimisation results (report stage, owned) */
    char results_note[SG_ERROR_MSG_MAX]; /* why the saved results of a model loaded from
                                            file are not used ("" when they are) */
    cJSON *json;              /* result document: {"command", "ok", "surrogate_version", <stage>: {...}} */
} sg_cli_ctx;

/* Initialise ctx for args (creates the JSON root).  Returns an exit code. */
int sg_cli_ctx_init(sg_cli_ctx *ctx, const sg_cli_args *args);
/* Load the study and its data into ctx; on failure reports the error and
 * returns its exit code. */
int sg_cli_load(sg_cli_ctx *ctx);
/* Report a library error: message on stderr ("surrogate: error: ..."), and
 * in --json mode record it in the document.  Returns the exit code. */
int sg_cli_fail(sg_cli_ctx *ctx, const sg_error *err);
/* Finish: set "ok"/"exit_code" and, with --json, print the document on
 * stdout, except after a usage error (code SG_EXIT_USAGE: nothing is
 * printed on stdout).  Frees everything in ctx.  Returns code. */
int sg_cli_finish(sg_cli_ctx *ctx, int code);

/* Put item, a library encoder's tree (adopted), into the result document:
 * under key in parent, or in the root when parent is NULL, replacing a
 * member of the same key.  The only place the CLI adds to the document;
 * when out of memory item is deleted and the error reported.  Returns the
 * exit code. */
int sg_cli_json_put(sg_cli_ctx *ctx, cJSON *parent, const char *key, cJSON *item);

/* A note for the user on stderr unless -q or --json ("surrogate: ..."). */
void sg_cli_note(const sg_cli_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Stages (used by `run` and by their own commands). */
typedef int (*sg_stage_fn)(sg_cli_ctx *ctx);
/* A single-command pipeline: init a ctx for a, load the study and its data,
 * with preflight check that the report can be written (before any long
 * work), then run stages[0..n) in order until one fails, with a blank line
 * between their text outputs; finish the ctx.  Returns the exit code. */
int sg_cli_run_stages(const sg_cli_args *a, bool preflight, const sg_stage_fn *stages, size_t n);
int sg_stage_check(sg_cli_ctx *ctx);
int sg_stage_analyze(sg_cli_ctx *ctx);
/* fit: [model]/[train] settings, training, CV, model file (cmd_fit.c). */
int sg_stage_fit(sg_cli_ctx *ctx);
/* optimize: [optimize] settings, model (ctx->model, else the model file,
 * refused when stale unless --fit), multistart, the answer (cmd_optimize.c). */
int sg_stage_optimize(sg_cli_ctx *ctx);
/* report_check: the [report] file can be written (before any long work);
 * report: save the results beside the model and write the workbook from
 * everything in ctx (cmd_report.c). */
int sg_stage_report_check(sg_cli_ctx *ctx);
/* The output rule (core/outputs.h) for a study command: the model file
 * (written when model_is_output, else read; NULL when the command uses
 * none), the results file beside it and the report; stale temporary files
 * of those outputs are removed first (outputs.c). */
int sg_cli_check_outputs(sg_cli_ctx *ctx, const char *model_path, bool model_is_output,
                         bool model_from_study);
int sg_stage_report(sg_cli_ctx *ctx);
/* Run sheets (cmd_doe.c, also used by next): the .xlsx path beside a .csv
 * one (caller frees), and the check before writing both: a filled-in sheet
 * is never replaced, then the output rule (core/outputs.h). */
char *sg_cli_xlsx_beside(const char *csv);
/* <directory of the study's report file>/<study name><suffix> (caller frees). */
char *sg_cli_beside_report(const sg_study *s, const char *suffix);
/* The cross-validation of this run's fit, per response (n_responses
 * entries each): half-widths (NAN = none), spread factors (0 = none), Q²
 * (NAN unknown) and the interval's level (cmd_next.c). */
void sg_cli_calibration(const sg_cli_ctx *ctx, double *half, double *sf, double *q2,
                        double *level);
/* Factors the recommendation found without effect, at its value (NAN =
 * free), n_factors entries: kept there by next and loop (cmd_next.c). */
void sg_cli_held_factors(const sg_cli_ctx *ctx, double *held);
/* Load, fit, optimise, sensitivity and recommendation without printing
 * them (next, loop; cmd_next.c).  Returns the exit code. */
int sg_cli_decide_quietly(sg_cli_ctx *ctx);
extern const sg_cli_command sg_cmd_loop;
struct sg_runsheet;
sg_status sg_cli_check_runsheets(const sg_study *s, const struct sg_runsheet *rs,
                                 const char *csv, const char *xlsx, bool from_study,
                                 sg_error *err);
/* The model of a study command: ctx->model when fitted in this run, else
 * fitted now with --fit, else the saved model file (refused when stale);
 * *source "fit" or "file", *path its file (cmd_optimize.c). */
int sg_cli_study_model(sg_cli_ctx *ctx, const char **source, const char **path, int *current);
/* sensitivity: Sobol indices of the model (cmd_sensitivity.c); recommend:
 * the recommendation from the optimisation and the sensitivity. */
int sg_stage_sensitivity(sg_cli_ctx *ctx);
int sg_stage_recommend(sg_cli_ctx *ctx);
/* Save the results of this command's stages (fit, optimisation) beside the
 * model file, so a model file never goes without its results, also when a
 * later stage fails (cmd_report.c).  Returns an exit code. */
int sg_cli_save_results(sg_cli_ctx *ctx);
/* The cross-validation result saved beside the model in use (loaded into
 * ctx->results when it belongs to ctx->model), or NULL (cmd_report.c). */
const struct sg_cv_result *sg_cli_saved_cv(sg_cli_ctx *ctx);

/* ---- progress bar ------------------------------------------------------ */

/* A progress bar on stderr, drawn only when stderr is a terminal and -q is
 * not given; on a pipe nothing is written.  Redrawn at most every
 * SG_PROGRESS_INTERVAL_S seconds. */
#define SG_PROGRESS_INTERVAL_S 0.1
typedef struct sg_progress {
    bool active;
    const char *label;
    size_t total;
    double last_draw;   /* monotonic seconds */
    double start;
    double eta_hint;    /* seconds expected while nothing is done yet (0 = unknown) */
} sg_progress;

void sg_progress_begin(sg_progress *p, const sg_cli_args *a, const char *label, size_t total);
/* done of total finished; detail (may be NULL) is shown after the bar with
 * the elapsed time and, once anything is done (or eta_hint is set), the
 * expected time left. */
void sg_progress_update(sg_progress *p, size_t done, const char *detail);
/* Erase the bar. */
void sg_progress_end(sg_progress *p);
/* Seconds since sg_progress_begin. */
double sg_progress_elapsed(const sg_progress *p);

#endif
