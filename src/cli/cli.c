/* cli.c — argument parsing, help, versions, exit codes, JSON and progress. */
#include "cli/cli.h"
#include "optim/decide.h"
#include "optim/recommend.h"
#include "optim/summary.h"
#include "model/results.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/str.h"
#include "core/num.h"
#include "core/version.h"

static const sg_cli_option common_options[] = {
    {"--quiet", 'q', NULL, "off", "no progress or notes on stderr (errors are still shown)"},
    {"--json", 0, NULL, "off", "print the result as one JSON document on stdout"},
    {"--help", 'h', NULL, NULL, "show this help and exit"},
};
#define N_COMMON (sizeof common_options / sizeof common_options[0])

int sg_cli_exit_code(sg_status st)
{
    switch (st) {
    case SG_OK:
        return SG_EXIT_OK;
    case SG_ERR_PARSE:
    case SG_ERR_INVALID:
    case SG_ERR_LIMIT:
        return SG_EXIT_INVALID;
    case SG_ERR_NOMEM:
    case SG_ERR_IO:
    case SG_ERR_NUMERIC:
    case SG_ERR_INTERNAL:
    default:
        return SG_EXIT_FAILURE;
    }
}

int sg_cli_usage_error(const sg_cli_command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("surrogate: ", stderr);
    sg_num_vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "\nRun 'surrogate %s --help' for its options.\n", cmd->name);
    else
        fputs("\nRun 'surrogate --help' for the list of commands.\n", stderr);
    return SG_EXIT_USAGE;
}

static void print_option(const sg_cli_option *o, FILE *fp)
{
    char left[64];
    if (o->short_name)
        snprintf(left, sizeof left, "-%c, %s%s%s", o->short_name, o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
    else
        snprintf(left, sizeof left, "    %s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
    fprintf(fp, "  %-24s %s", left, o->help);
    if (o->default_text)
        fprintf(fp, " (default: %s)", o->default_text);
    fputc('\n', fp);
}

void sg_cli_print_command_help(const sg_cli_command *cmd, FILE *fp)
{
    fprintf(fp, "usage: surrogate %s [options]%s%s\n\n%s\n\n%s\n\noptions:\n", cmd->name,
            cmd->file_arg ? " " : cmd->needs_study ? " <study.toml>" : "",
            cmd->file_arg ? cmd->file_arg : "", cmd->summary, cmd->description);
    for (size_t i = 0; i < cmd->n_options; i++)
        print_option(&cmd->options[i], fp);
    for (size_t i = 0; i < N_COMMON; i++)
        print_option(&common_options[i], fp);
    fputs("\nexit codes: 0 success, 1 invalid study or data, 2 usage error, "
          "3 I/O or internal error\n",
          fp);
}

/* Find option by long name (without "=value") or short letter. */
static const sg_cli_option *find_option(const sg_cli_command *cmd, const char *lname, size_t len,
                                        char sname, size_t *index, bool *common)
{
    for (size_t pass = 0; pass < 2; pass++) {
        const sg_cli_option *opts = pass ? common_options : cmd->options;
        size_t n = pass ? N_COMMON : cmd->n_options;
        for (size_t i = 0; i < n; i++) {
            bool hit = lname ? strlen(opts[i].name) == len && strncmp(opts[i].name, lname, len) == 0
                             : opts[i].short_name && opts[i].short_name == sname;
            if (hit) {
                *index = i;
                *common = pass == 1;
                return &opts[i];
            }
        }
    }
    return NULL;
}

static int unknown_option(const sg_cli_command *cmd, const char *arg, size_t len)
{
    const char *names[SG_CLI_MAX_OPTIONS + N_COMMON];
    size_t n = 0;
    for (size_t i = 0; i < cmd->n_options && n < SG_CLI_MAX_OPTIONS; i++)
        names[n++] = cmd->options[i].name;
    for (size_t i = 0; i < N_COMMON; i++)
        names[n++] = common_options[i].name;
    char word[80];
    snprintf(word, sizeof word, "%.*s", (int)(len < 79 ? len : 79), arg);
    const char *hint = sg_str_suggest(word, names, n);
    if (hint)
        return sg_cli_usage_error(cmd, "unknown option '%s' for '%s'; did you mean '%s'?", word,
                                  cmd->name, hint);
    return sg_cli_usage_error(cmd, "unknown option '%s' for '%s'", word, cmd->name);
}

int sg_cli_parse(const sg_cli_command *cmd, int argc, char **argv, int first, sg_cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->cmd = cmd;
    a->writer = true;
    if (cmd->n_options > SG_CLI_MAX_OPTIONS)
        return sg_cli_usage_error(cmd, "internal: too many options");
    bool only_positional = false;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        if (only_positional || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (cmd->many_studies) {
                if (!a->files)
                    a->files = argv + i; /* filled below, in place of the options */
                a->files[a->n_files++] = argv[i];
                continue;
            }
            if (a->study_path)
                return sg_cli_usage_error(cmd, "'%s' takes one %s; got '%s' and '%s'",
                                          cmd->name, cmd->file_arg ? cmd->file_arg : "study file",
                                          a->study_path, arg);
            a->study_path = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = true;
            continue;
        }
        const sg_cli_option *o;
        size_t idx = 0;
        bool common = false;
        const char *value = NULL;
        if (arg[1] == '-') {
            const char *eq = strchr(arg, '=');
            size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
            if (!(o = find_option(cmd, arg, len, 0, &idx, &common)))
                return unknown_option(cmd, arg, len);
            if (eq) {
                if (!o->metavar)
                    return sg_cli_usage_error(cmd, "option '%s' takes no value", o->name);
                value = eq + 1;
            }
        } else {
            if (arg[2] != '\0' || !(o = find_option(cmd, NULL, 0, arg[1], &idx, &common)))
                return unknown_option(cmd, arg, strlen(arg));
        }
        if (o->metavar && !value) {
            if (i + 1 >= argc)
                return sg_cli_usage_error(cmd, "option '%s' needs a value (%s)", o->name,
                                          o->metavar);
            value = argv[++i];
        }
        if (common) {
            if (idx == 0)
                a->quiet = true;
            else if (idx == 1)
                a->json = true;
            else
                a->help = true;
        } else {
            a->values[idx] = value ? value : "1";
        }
    }
    if (a->help)
        return SG_EXIT_OK;
    if (cmd->file_arg && !a->study_path)
        return sg_cli_usage_error(cmd, "'%s' needs a file: surrogate %s [options] %s", cmd->name,
                                  cmd->name, cmd->file_arg);
    if (cmd->many_studies && a->n_files == 0)
        return sg_cli_usage_error(cmd, "'%s' needs one or more study files: surrogate %s "
                                       "[options] <study.toml>...",
                                  cmd->name, cmd->name);
    if (cmd->needs_study && !a->study_path)
        return sg_cli_usage_error(cmd, "'%s' needs a study file: surrogate %s [options] "
                                       "<study.toml>",
                                  cmd->name, cmd->name);
    if (!cmd->needs_study && !cmd->file_arg && !cmd->many_studies && a->study_path)
        return sg_cli_usage_error(cmd, "'%s' takes no file argument (got '%s')", cmd->name,
                                  a->study_path);
    return SG_EXIT_OK;
}

const char *sg_cli_opt(const sg_cli_args *a, const char *name)
{
    for (size_t i = 0; i < a->cmd->n_options; i++)
        if (strcmp(a->cmd->options[i].name, name) == 0)
            return a->values[i];
    return NULL;
}

int sg_cli_opt_long(const sg_cli_args *a, const char *name, long def, long lo, long hi,
                    long *out)
{
    const char *v = sg_cli_opt(a, name);
    if (!v) {
        *out = def;
        return SG_EXIT_OK;
    }
    char *end = NULL;
    long x = strtol(v, &end, 10);
    if (end == v || *end || x < lo || x > hi)
        return sg_cli_usage_error(a->cmd, "%s must be an integer from %ld to %ld, not '%s'", name,
                                  lo, hi, v);
    *out = x;
    return SG_EXIT_OK;
}

void sg_cli_print_versions(FILE *fp)
{
    sg_version_entry v[SG_VERSION_COUNT];
    sg_versions(v);
    for (size_t i = 0; i < SG_VERSION_COUNT; i++) {
        fprintf(fp, "%s %s", v[i].name, v[i].version);
        if (i == SG_VERSION_OPENBLAS)
            fprintf(fp, " (runtime: %s)", sg_versions_openblas_config());
        fputc('\n', fp);
    }
}

/* ---- context ------------------------------------------------------------ */

int sg_cli_ctx_init(sg_cli_ctx *ctx, const sg_cli_args *args)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->args = args;
    ctx->json = cJSON_CreateObject();
    if (!ctx->json || !cJSON_AddStringToObject(ctx->json, "command", args->cmd->name) ||
        !cJSON_AddBoolToObject(ctx->json, "ok", 0) ||
        !cJSON_AddStringToObject(ctx->json, "surrogate_version", SG_VERSION)) {
        fputs("surrogate: error: out of memory\n", stderr);
        cJSON_Delete(ctx->json);
        ctx->json = NULL;
        return SG_EXIT_FAILURE;
    }
    return SG_EXIT_OK;
}

int sg_cli_fail(sg_cli_ctx *ctx, const sg_error *err)
{
    const char *msg = err->msg[0] ? err->msg : sg_strerror(err->status);
    fprintf(stderr, "surrogate: error: %s\n", msg);
    const sg_cli_args *a = ctx->args;
    if (a && a->error_out && a->error_cap && !a->error_out[0])
        snprintf(a->error_out, a->error_cap, "%s", msg);
    if (ctx->json) {
        cJSON_DeleteItemFromObject(ctx->json, "error");
        cJSON_AddStringToObject(ctx->json, "error", msg);
    }
    return sg_cli_exit_code(err->status);
}

int sg_cli_json_put(sg_cli_ctx *ctx, cJSON *parent, const char *key, cJSON *item)
{
    cJSON *dst = parent ? parent : ctx->json;
    bool ok = item && dst && key;
    if (ok && cJSON_GetObjectItemCaseSensitive(dst, key))
        ok = cJSON_ReplaceItemInObjectCaseSensitive(dst, key, item);
    else if (ok)
        ok = cJSON_AddItemToObject(dst, key, item);
    if (ok)
        return SG_EXIT_OK;
    cJSON_Delete(item);
    sg_error err;
    sg_error_set(&err, SG_ERR_NOMEM, "out of memory building the JSON result");
    return sg_cli_fail(ctx, &err);
}

int sg_cli_load(sg_cli_ctx *ctx)
{
    sg_error err;
    sg_error_clear(&err);
    if (sg_study_load(ctx->args->study_path, &ctx->study, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    if (sg_study_load_data(ctx->study, &ctx->table, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    if (ctx->table->from_cp1252)
        sg_cli_note(ctx, "note: %s is not UTF-8 text: it was read as Windows-1252 (Latin-1) and "
                         "converted; save it as CSV UTF-8 to be sure of every character",
                    ctx->table->path);
    return SG_EXIT_OK;
}

int sg_cli_finish(sg_cli_ctx *ctx, int code)
{
    /* After a usage error nothing goes to stdout (README, exit codes): the
     * message and hint are on stderr, and a caller parsing the JSON would
     * otherwise read a half-filled document as a result. */
    if (ctx->json && ctx->args->json && code != SG_EXIT_USAGE) {
        cJSON_ReplaceItemInObject(ctx->json, "ok", cJSON_CreateBool(code == SG_EXIT_OK));
        cJSON_AddNumberToObject(ctx->json, "exit_code", code);
        char *text = cJSON_Print(ctx->json);
        if (text) {
            fputs(text, stdout);
            fputc('\n', stdout);
            free(text);
        } else if (code == SG_EXIT_OK) {
            fputs("surrogate: error: out of memory while printing JSON\n", stderr);
            code = SG_EXIT_FAILURE;
        }
    }
    if (fflush(stdout) != 0 && code == SG_EXIT_OK) {
        fputs("surrogate: error: cannot write to standard output\n", stderr);
        code = SG_EXIT_FAILURE;
    }
    cJSON_Delete(ctx->json);
    sg_check_destroy(ctx->check);
    sg_study_analysis_destroy(ctx->analysis);
    sg_decide_result_destroy(ctx->optimize);
    sg_sensitivity_destroy(ctx->sensitivity);
    sg_recommend_destroy(ctx->recommend);
    sg_summary_destroy(ctx->decision);
    sg_optimize_spec_destroy(ctx->optimize_spec);
    sg_model_destroy(ctx->own_model);
    sg_results_destroy(ctx->results);
    sg_fit_result_destroy(ctx->fit);
    sg_study_model_destroy(&ctx->fit_settings);
    sg_table_destroy(ctx->table);
    sg_study_destroy(ctx->study);
    memset(ctx, 0, sizeof *ctx);
    return code;
}

void sg_cli_note(const sg_cli_ctx *ctx, const char *fmt, ...)
{
    if (ctx->args->quiet || ctx->args->json)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("surrogate: ", stderr);
    sg_num_vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- progress ----------------------------------------------------------- */

#define PROGRESS_BAR_WIDTH 30

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void sg_progress_begin(sg_progress *p, const sg_cli_args *a, const char *label, size_t total)
{
    memset(p, 0, sizeof *p);
    p->active = !a->quiet && isatty(STDERR_FILENO);
    p->label = label;
    p->total = total ? total : 1;
    p->start = now_s();
    p->last_draw = -1.0;
}

void sg_progress_update(sg_progress *p, size_t done, const char *detail)
{
    if (!p->active)
        return;
    double t = now_s();
    if (done < p->total && p->last_draw >= 0 && t - p->last_draw < SG_PROGRESS_INTERVAL_S)
        return;
    p->last_draw = t;
    if (done > p->total)
        done = p->total;
    size_t fill = done * PROGRESS_BAR_WIDTH / p->total;
    char bar[PROGRESS_BAR_WIDTH + 1];
    for (size_t i = 0; i < PROGRESS_BAR_WIDTH; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[PROGRESS_BAR_WIDTH] = '\0';
    double elapsed = t - p->start, left = -1.0;
    if (done > 0 && done < p->total)
        left = elapsed * (double)(p->total - done) / (double)done;
    else if (done == 0 && p->eta_hint > 0)
        left = p->eta_hint - elapsed > 1.0 ? p->eta_hint - elapsed : 1.0;
    char eta[48] = "";
    if (left >= 0)
        sg_num_snprintf(eta, sizeof eta, ", about %.0fs left", ceil(left));
    sg_num_fprintf(stderr, "\r\033[K%s [%s] %3zu%% %.0fs%s%s%s", p->label, bar,
                   done * 100 / p->total, elapsed, eta, detail ? "  " : "", detail ? detail : "");
    fflush(stderr);
}

double sg_progress_elapsed(const sg_progress *p) { return now_s() - p->start; }

void sg_progress_end(sg_progress *p)
{
    if (p->active) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->active = false;
}

int sg_cli_run_stages(const sg_cli_args *a, bool preflight, const sg_stage_fn *stages, size_t n)
{
    sg_cli_ctx ctx;
    int code = sg_cli_ctx_init(&ctx, a);
    if (code != SG_EXIT_OK)
        return code;
    code = sg_cli_load(&ctx);
    if (code == SG_EXIT_OK && preflight)
        code = sg_stage_report_check(&ctx);
    for (size_t i = 0; i < n && code == SG_EXIT_OK; i++) {
        if (i > 0 && !a->json)
            printf("\n");
        code = stages[i](&ctx);
    }
    return sg_cli_finish(&ctx, code);
}

int sg_cli_col_width(const char *name)
{
    size_t len = strlen(name);
    return len <= 12 ? 12 : (len < 40 ? (int)len : 40);
}

bool sg_cli_print_name_counts(const sg_study *s, const sg_table *t, size_t j, int name_w)
{
    size_t k = 0;
    char *const *labels = sg_study_column_labels(s, j, &k);
    if (!labels)
        return false;
    const char *name = j < s->n_factors ? s->factors[j].name : s->responses[j - s->n_factors].name;
    printf("  %-*s (names) ", name_w, name);
    for (size_t c = 0; c < k; c++) {
        size_t count = 0;
        for (size_t r = 0; r < t->n_rows; r++)
            count += sg_table_at(t, r, j) == (double)c;
        printf("%s %s %zu", c ? "," : "", labels[c], count);
    }
    printf("\n");
    return true;
}
