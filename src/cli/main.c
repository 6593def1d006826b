/* main.c — `surrogate <command> [options] <study.toml>`: a thin dispatcher. */
#include <cblas.h>
#include <gsl/gsl_errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/str.h"

/* Every command; `surrogate --help` lists them in this order. */
static const sg_cli_command *const commands[] = {
    &sg_cmd_check,   &sg_cmd_analyze, &sg_cmd_doe,    &sg_cmd_fit,
    &sg_cmd_predict, &sg_cmd_optimize, &sg_cmd_report, &sg_cmd_sensitivity, &sg_cmd_next, &sg_cmd_loop, &sg_cmd_run,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_main_help(FILE *fp)
{
    fputs("usage: surrogate <command> [options] <study.toml>\n\n"
          "Fit, check and optimise a surrogate model of a table of simulation results.\n\n"
          "commands:\n",
          fp);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(fp, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fputs("\ngeneral options:\n"
          "  -h, --help     show this help (or 'surrogate <command> --help')\n"
          "      --version  show the versions of surrogate and its libraries\n\n"
          "options of every command: -q/--quiet, --json, -h/--help\n"
          "exit codes: 0 success, 1 invalid study or data, 2 usage error, "
          "3 I/O or internal error\n",
          fp);
}

int main(int argc, char **argv)
{
    /* GSL's default error handler aborts; the library checks every GSL
     * status instead (see core/error.h). */
    gsl_set_error_handler_off();
    /* surrogate runs its own threads (folds, members, starts); BLAS calls
     * inside them are small products that OpenBLAS's own threads only slow
     * down (spinning and yielding measured at 70 % of a 100,000-row fit). */
    openblas_set_num_threads(1);
    /* The user's locale (messages, character classes); every number the
     * library and this program read or write goes through core/num.h, so a
     * decimal-comma locale changes no file and no output. */
    setlocale(LC_ALL, "");
    if (argc < 2) {
        print_main_help(stderr);
        return SG_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (strcmp(name, "help") == 0 && argc > 2) {
            for (size_t i = 0; i < N_COMMANDS; i++)
                if (strcmp(argv[2], commands[i]->name) == 0) {
                    sg_cli_print_command_help(commands[i], stdout);
                    return SG_EXIT_OK;
                }
            return sg_cli_usage_error(NULL, "unknown command '%s'", argv[2]);
        }
        print_main_help(stdout);
        return SG_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        sg_cli_print_versions(stdout);
        return SG_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(name, commands[i]->name) != 0)
            continue;
        sg_cli_args args;
        int code = sg_cli_parse(commands[i], argc, argv, 2, &args);
        if (code != SG_EXIT_OK)
            return code;
        if (args.help) {
            sg_cli_print_command_help(commands[i], stdout);
            return SG_EXIT_OK;
        }
        return commands[i]->handler(&args);
    }
    const char *names[N_COMMANDS];
    for (size_t i = 0; i < N_COMMANDS; i++)
        names[i] = commands[i]->name;
    if (name[0] == '-')
        return sg_cli_usage_error(NULL, "'%s' is not a command; put options after the command "
                                        "(surrogate <command> [options] <study.toml>)",
                                  name);
    const char *hint = sg_str_suggest(name, names, N_COMMANDS);
    if (hint)
        return sg_cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", name, hint);
    return sg_cli_usage_error(NULL, "unknown command '%s'", name);
}
