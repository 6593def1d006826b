/* table_test.h — a table of cases as a Criterion parameterised test: every
 * row runs as its own test, so a failing row does not hide the others.
 *
 *     static const struct { const char *src; int want; } cases[] = {...};
 *     TableTest(cases, i, suite, name [, .init = setup ...])
 *     {
 *         ... cases[i] ...   (i: the row's index, size_t)
 *     }
 *
 * TableTestN(n, i, suite, name [, options]) is the same over rows 0 .. n-1
 * (for a test that takes every k-th row of a table, or a derived count).
 *
 * The parameter Criterion hands each test is the row index, not the row:
 * Criterion copies parameters into the test process byte for byte, and the
 * pointers inside a row (strings, sub-arrays) are only valid in the process
 * that built it, so the test reads its row from its own copy of the table.
 * Rows are named by index in the assertion messages ("row %zu"). */
#ifndef SG_TEST_TABLE_TEST_H
#define SG_TEST_TABLE_TEST_H

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stddef.h>

static void table_test_free_rows(struct criterion_test_params *p)
{
    cr_free(p->params);
}

/* The parameters 0 .. n-1, in Criterion's shared memory. */
static inline struct criterion_test_params table_test_rows(size_t n)
{
    size_t *rows = cr_malloc(n * sizeof *rows);
    cr_assert_not_null(rows);
    for (size_t i = 0; i < n; i++)
        rows[i] = i;
    return cr_make_param_array(size_t, rows, n, table_test_free_rows);
}

#define TABLE_TEST_CAT_(a, b) a##b
#define TABLE_TEST_CAT(a, b) TABLE_TEST_CAT_(a, b)
#define TABLE_TEST_SUITE_(Suite, ...) Suite
#define TABLE_TEST_NAME_(Suite, Name, ...) Name
#define TABLE_TEST_ROW_FN_(Suite, Name) TABLE_TEST_CAT(TABLE_TEST_CAT(table_row_, Suite), TABLE_TEST_CAT(__, Name))
#define TABLE_TEST_ROW_FN(...) \
    TABLE_TEST_ROW_FN_(TABLE_TEST_SUITE_(__VA_ARGS__, _), TABLE_TEST_NAME_(__VA_ARGS__, _))

/* TableTestN(Count, RowVar, Suite, Name [, Criterion test options]) { body } */
#define TableTestN(Count, RowVar, ...)                                                                \
    static void TABLE_TEST_ROW_FN(__VA_ARGS__)(size_t RowVar);                                        \
    ParameterizedTestParameters(TABLE_TEST_SUITE_(__VA_ARGS__, _), TABLE_TEST_NAME_(__VA_ARGS__, _))  \
    {                                                                                                 \
        return table_test_rows(Count);                                                                 \
    }                                                                                                 \
    ParameterizedTest(const size_t *table_row_, __VA_ARGS__)                                          \
    {                                                                                                 \
        TABLE_TEST_ROW_FN(__VA_ARGS__)(*table_row_);                                                  \
    }                                                                                                 \
    static void TABLE_TEST_ROW_FN(__VA_ARGS__)(__attribute__((unused)) size_t RowVar)

/* TableTest(Table, RowVar, Suite, Name [, Criterion test options]) { body } */
#define TableTest(Table, RowVar, ...) TableTestN(sizeof(Table) / sizeof(Table)[0], RowVar, __VA_ARGS__)

#endif /* SG_TEST_TABLE_TEST_H */
