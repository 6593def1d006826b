/* fuzz_csv.c — libFuzzer target for the table reader: the input is the CSV
 * bytes; each input is read with every column request of a fixed list, and
 * every loaded table is checked against the invariants data.h promises. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "io/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct request {
    const char *cols[4];
    size_t n_cols, n_factors;
} request;

static const request requests[] = {
    {{"x1", "x2", "y"}, 3, 2},
    {{"y", "x1"}, 2, 1},
    {{"a", "b", "c", "d"}, 4, 3},
    {{"x1", "y", "z"}, 3, 1},
};

static void check_table(const sg_table *t, const request *r)
{
    if (t->n_cols != r->n_cols || t->n_factors != r->n_factors || t->n_rows == 0)
        __builtin_trap();
    if (t->delimiter != ',' && t->delimiter != ';' && t->delimiter != '\t')
        __builtin_trap();
    for (size_t j = 0; j < t->n_file_columns; j++)
        if (!t->file_columns[j])
            __builtin_trap();
    for (size_t j = 0; j < t->n_cols; j++)
        if (strcmp(t->col_names[j], r->cols[j]) != 0)
            __builtin_trap();
    for (size_t i = 0; i < t->n_rows; i++) {
        if (t->line[i] < 2 || t->row[i] < 1 || (t->run_id && !t->run_id[i]))
            __builtin_trap();
        if (i > 0 && (t->line[i] <= t->line[i - 1] || t->row[i] <= t->row[i - 1]))
            __builtin_trap(); /* rows are in file order, one line and number each */
        for (size_t j = 0; j < t->n_cols; j++)
            if (!isfinite(sg_table_at(t, i, j)))
                __builtin_trap();
    }
    for (size_t k = 0; k < t->n_excluded; k++)
        if (t->excluded[k].line < 2 || t->excluded[k].row < 1 ||
            (k > 0 && t->excluded[k].line <= t->excluded[k - 1].line))
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t q = 0; q < sizeof requests / sizeof requests[0]; q++) {
        const request *r = &requests[q];
        sg_table *t = NULL;
        size_t bad = 0;
        sg_error err;
        sg_status st = sg_table_load_buffer((const char *)data, size, "fuzz.csv", r->cols,
                                            r->n_cols, r->n_factors, &t, &bad, &err);
        if (st == SG_OK) {
            if (!t)
                __builtin_trap();
            check_table(t, r);
        } else if (t || (bad != SIZE_MAX && bad >= r->n_cols) ||
                   strncmp(err.msg, "fuzz.csv", 8) != 0) {
            __builtin_trap(); /* failures give no table and a message naming the source */
        }
        sg_table_destroy(t);
    }
    return 0;
}
