/* taguchi_fixture.h — shared fixtures for the taguchi tests: the standard
 * L9(3^4) array with a high-entropy response, and helpers. */
#ifndef TAGUCHI_FIXTURE_H
#define TAGUCHI_FIXTURE_H

#include <criterion/criterion.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "analysis/taguchi.h"

#define TOL 1e-9

static void setup(void)
{
    gsl_set_error_handler_off();
}

/* ---- fixtures -------------------------------------------------------------- */

/* Standard L9(3^4): column 1 = r/3, column 2 = r%3, column 3 = (c1+c2)%3,
 * column 4 = (2c1+c2)%3. */
static const int L9[9][4] = {{0, 0, 0, 0}, {0, 1, 1, 1}, {0, 2, 2, 2}, {1, 0, 1, 2}, {1, 1, 2, 0},
                             {1, 2, 0, 1}, {2, 0, 2, 1}, {2, 1, 0, 2}, {2, 2, 1, 0}};
static const double Y9[9] = {12.385, 15.713, 17.042, 14.268, 18.931,
                             13.507, 16.824, 19.366, 21.149};

typedef struct fixture {
    int codes[64 * 8];
    double y[64];
    sg_taguchi_factor f[8];
    double values[8][3];
    sg_taguchi_input in;
} fixture;

static const char *const NAMES[8] = {"A", "B", "C", "D", "E", "F", "G", "H"};

/* Build an input from n rows of a code table with k columns (picked by col[]). */
static void make_input(fixture *fx, size_t n, size_t k, const int *table, size_t width,
                       const int *col, int levels, const double *y)
{
    memset(fx, 0, sizeof *fx);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < k; j++)
            fx->codes[i * k + j] = table[i * width + (size_t)col[j]];
        fx->y[i] = y[i];
    }
    for (size_t j = 0; j < k; j++) {
        for (int l = 0; l < levels; l++)
            fx->values[j][l] = 10.0 * (double)(j + 1) + 2.5 * l;
        fx->f[j] = (sg_taguchi_factor){
            .name = NAMES[j], .unit = "mm", .n_levels = levels, .level_values = fx->values[j]};
    }
    fx->in = (sg_taguchi_input){.n_runs = n,
                                .n_factors = k,
                                .levels = fx->codes,
                                .factors = fx->f,
                                .y = fx->y,
                                .response_name = "stress",
                                .response_unit = "MPa",
                                .goal = SG_TAGUCHI_MINIMIZE};
}

static void l9_input(fixture *fx, size_t k)
{
    static const int col[4] = {0, 1, 2, 3};
    make_input(fx, 9, k, &L9[0][0], 4, col, 3, Y9);
}

static sg_taguchi_result *analyze_ok(const sg_taguchi_input *in, const sg_taguchi_options *o)
{
    sg_taguchi_result *r = NULL;
    sg_error err = {0};
    sg_status st = sg_taguchi_analyze(in, o, &r, &err);
    cr_assert_eq(st, SG_OK, "%s", err.msg);
    cr_assert_not_null(r);
    return r;
}

#endif
