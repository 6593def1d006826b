/* dispatch.c — `surrogate <command> [options] <study.toml>`: the thin
 * dispatcher shared by the plain binary (main.c) and the MPI build
 * (src/cli/mpi/main_mpi.c), which offers fewer commands plus `batch`. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/str.h"

/* Every command; `surrogate --help` lists them in this order. */
static const sg_cli_command *const all_commands[] = {
    &sg_cmd_check,   &sg_cmd_analyze,  &sg_cmd_doe,    &sg_cmd_fit,
    &sg_cmd_predict, &sg_cmd_optimize, &sg_cmd_report, &sg_cmd_sensitivity,
    &sg_cmd_next,    &sg_cmd_loop,     &sg_cmd_run,     &sg_cmd_batch,
};
#define N_ALL (sizeof all_commands / sizeof all_commands[0])
#define MAX_COMMANDS (N_ALL + 4)

static bool offered(const sg_cli_runtime *rt, const char *name)
{
    if (!rt->only)
        return true;
    for (size_t i = 0; rt->only[i]; i++)
        if (strcmp(rt->only[i], name) == 0)
            return true;
    return false;
}

/* The commands this runtime offers, in help order; returns their number. */
static size_t list_commands(const sg_cli_runtime *rt, const sg_cli_command **out)
{
    size_t n = 0;
    for (size_t i = 0; i < N_ALL; i++)
        if (offered(rt, all_commands[i]->name))
            out[n++] = all_commands[i];
    for (size_t i = 0; rt->extra && rt->extra[i] && n < MAX_COMMANDS; i++)
        out[n++] = rt->extra[i];
    return n;
}

static void print_main_help(FILE *fp, const sg_cli_runtime *rt, const sg_cli_command **cmds,
                            size_t n)
{
    const char *prog = rt->program ? rt->program : "surrogate";
    fprintf(fp,
            "usage: %s <command> [options] <study.toml>\n\n"
            "Fit, check and optimise a surrogate model of a table of simulation results.\n\n"
            "commands:\n",
            prog);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "  %-11s %s\n", cmds[i]->name, cmds[i]->summary);
    fprintf(fp,
            "\ngeneral options:\n"
            "  -h, --help     show this help (or '%s <command> --help')\n"
            "      --version  show the versions of surrogate and its libraries\n\n"
            "options of every command: -q/--quiet, --json, -h/--help\n"
            "exit codes: 0 success, 1 invalid study or data, 2 usage error, "
            "3 I/O or internal error\n",
            prog);
}

int sg_cli_main(int argc, char **argv, const sg_cli_runtime *rt)
{
    static const sg_cli_runtime plain = {.writer = true};
    if (!rt)
        rt = &plain;
    const sg_cli_command *cmds[MAX_COMMANDS];
    size_t n = list_commands(rt, cmds);
    if (argc < 2) {
        print_main_help(stderr, rt, cmds, n);
        return SG_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (strcmp(name, "help") == 0 && argc > 2) {
            for (size_t i = 0; i < n; i++)
                if (strcmp(argv[2], cmds[i]->name) == 0) {
                    sg_cli_print_command_help(cmds[i], stdout);
                    return SG_EXIT_OK;
                }
            return sg_cli_usage_error(NULL, "unknown command '%s'", argv[2]);
        }
        print_main_help(stdout, rt, cmds, n);
        return SG_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        sg_cli_print_versions(stdout);
        return SG_EXIT_OK;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(name, cmds[i]->name) != 0)
            continue;
        sg_cli_args args;
        int code = sg_cli_parse(cmds[i], argc, argv, 2, &args);
        if (code != SG_EXIT_OK)
            return code;
        args.exec = rt->exec;
        args.writer = rt->writer;
        if (args.help) {
            sg_cli_print_command_help(cmds[i], stdout);
            return SG_EXIT_OK;
        }
        return cmds[i]->handler(&args);
    }
    for (size_t i = 0; i < N_ALL; i++)
        if (strcmp(name, all_commands[i]->name) == 0)
            return sg_cli_usage_error(NULL, "'%s' is not offered by %s; use surrogate", name,
                                      rt->program ? rt->program : "this program");
    const char *names[MAX_COMMANDS];
    for (size_t i = 0; i < n; i++)
        names[i] = cmds[i]->name;
    if (name[0] == '-')
        return sg_cli_usage_error(NULL, "'%s' is not a command; put options after the command "
                                        "(surrogate <command> [options] <study.toml>)",
                                  name);
    const char *hint = sg_str_suggest(name, names, n);
    if (hint)
        return sg_cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", name, hint);
    return sg_cli_usage_error(NULL, "unknown command '%s'", name);
}
