/* light_study.h — the brazing study made light enough for end-to-end tests
 * under AddressSanitizer: studies/brazing.toml with the data file given by
 * absolute path, the report at `report` (relative to the study), a small
 * network (3 hidden, ensemble 2, 150 epochs), 3-fold validation and 8
 * optimisation starts.  Needs put(name, text) -> path and slurp(path, buf,
 * size) of the including test file, which runs from the project root. */
#ifndef SG_TEST_LIGHT_STUDY_H
#define SG_TEST_LIGHT_STUDY_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Replace the first `from` in buf (capacity cap) by `to`. */
static inline void light_replace(char *buf, size_t cap, const char *from, const char *to)
{
    char *p = strstr(buf, from);
    cr_assert_not_null(p, "'%s' not found in studies/brazing.toml", from);
    size_t lf = strlen(from), lt = strlen(to), rest = strlen(p + lf);
    cr_assert(strlen(buf) - lf + lt < cap);
    memmove(p + lt, p + lf, rest + 1);
    memcpy(p, to, lt);
}

/* Write the light study as `name` (in the test's temporary directory);
 * data: the data file as written in the study (NULL = the project's
 * data/brazing_l27.csv by absolute path). */
static inline const char *light_brazing_data(const char *name, const char *report,
                                             const char *data_file)
{
    static char text[16384];
    char cwd[512], data[700], rep[300];
    slurp("studies/brazing.toml", text, sizeof text - 512);
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    if (data_file)
        snprintf(data, sizeof data, "file = \"%s\"", data_file);
    else
        snprintf(data, sizeof data, "file = \"%s/data/brazing_l27.csv\"", cwd);
    snprintf(rep, sizeof rep, "file = \"%s\"", report);
    light_replace(text, sizeof text, "file = \"../data/brazing_l27.csv\"", data);
    light_replace(text, sizeof text, "file = \"../reports/brazing.xlsx\"", rep);
    light_replace(text, sizeof text, "[optimize]\n", "[optimize]\nstarts = 8\n");
    strcat(text, "\n[model]\nhidden = [3]\nensemble = 2\n"
                 "[train]\nepochs = 150\nvalidation = \"kfold:3\"\n");
    return put(name, text);
}

static inline const char *light_brazing(const char *name, const char *report)
{
    return light_brazing_data(name, report, NULL);
}

#endif
