/* fuzz_study.c — libFuzzer target for the study reader: the input is the
 * study TOML.  The study "lives" in a private directory under /tmp that
 * LLVMFuzzerInitialize creates with a small data.csv (columns run x1 x2 x3
 * y1 y2); a valid study whose [data] file is exactly "data.csv" also has its
 * data loaded, so column look-ups and their error positions are exercised.
 * No other file is ever read. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/study.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

char *mkdtemp(char *template); /* POSIX 2008; declared here for -std=c11 */

static char study_path[256];

static const char data_csv[] = "run,x1,x2,x3,y1,y2\n"
                               "1,1.25,30.5,7,12.875,0.5\n"
                               "2,2.5,31.75,8,13.125,\n"
                               "3,3.75,29.25,9,,\n"
                               "4,1.5,33.0,7,14.5,0.625\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dir[] = "/tmp/sg_fuzz_study.XXXXXX";
    char csv[256];
    if (!mkdtemp(dir))
        abort();
    snprintf(study_path, sizeof study_path, "%s/study.toml", dir);
    snprintf(csv, sizeof csv, "%s/data.csv", dir);
    FILE *fp = fopen(csv, "wb");
    if (!fp || fwrite(data_csv, 1, sizeof data_csv - 1, fp) != sizeof data_csv - 1 ||
        fclose(fp) != 0)
        abort();
    return 0;
}

static void check_study(const sg_study *s)
{
    /* no [data] section: neither name nor path (doe works before the data exist) */
    if (!s->name || !s->title || !s->data_file != !s->data_path || !s->report_path ||
        s->n_factors < 1 || s->n_factors > SG_STUDY_MAX_FACTORS || s->n_responses < 1 ||
        s->n_responses > SG_STUDY_MAX_RESPONSES || !s->doc)
        __builtin_trap();
    for (size_t i = 0; i < s->n_factors; i++) {
        const sg_factor *f = &s->factors[i];
        if (!f->name || !f->column || !f->unit || !(f->min < f->max) || f->step < 0 ||
            f->n_levels > SG_STUDY_MAX_LEVELS || !f->table)
            __builtin_trap();
        for (size_t k = 0; k < f->n_levels; k++)
            if (!(f->levels[k] >= f->min && f->levels[k] <= f->max))
                __builtin_trap();
    }
    for (size_t i = 0; i < s->n_responses; i++) {
        const sg_response *r = &s->responses[i];
        if (!r->name || !r->column || !r->unit || !r->table)
            __builtin_trap();
        (void)sg_study_goal_name(r->goal);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sg_study *s = NULL;
    sg_error err;
    sg_status st = sg_study_load_buffer((const char *)data, size, study_path, &s, &err);
    if (st != SG_OK) {
        if (s || strncmp(err.msg, study_path, strlen(study_path)) != 0)
            __builtin_trap(); /* failures give no study and a message naming the file */
        return 0;
    }
    check_study(s);
    if (!s->data_file) {
        sg_table *t = NULL;
        if (sg_study_load_data(s, &t, &err) == SG_OK || t)
            __builtin_trap(); /* the missing [data] is an error, not a crash */
    } else if (strcmp(s->data_file, "data.csv") == 0) {
        sg_table *t = NULL;
        st = sg_study_load_data(s, &t, &err);
        if ((st == SG_OK) != (t != NULL))
            __builtin_trap();
        if (t && t->n_cols != s->n_factors + s->n_responses)
            __builtin_trap();
        sg_table_destroy(t);
    }
    sg_study_destroy(s);
    return 0;
}
