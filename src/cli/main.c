/* main.c — the surrogate command-line tool (placeholder until the CLI issue lands). */
#include <stdio.h>
#include <string.h>

#include "common.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("surrogate %s\n", SG_VERSION);
        return 0;
    }
    fprintf(stderr, "usage: surrogate <command> [options] <study.toml>\n");
    return 2;
}
