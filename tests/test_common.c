#include <criterion/criterion.h>
#include <string.h>

#include "core/error.h"
#include "core/num.h"
#include "table_test.h"

TableTestN(SG_STATUS_COUNT, s, common, strerror_names_each_status)
{
    cr_expect_neq(strcmp(sg_strerror((sg_status)s), "unknown status"), 0, "status %zu", s);
}

Test(common, strerror_covers_every_status)
{
    cr_expect_str_eq(sg_strerror((sg_status)-1), "unknown status");
    cr_expect_str_eq(sg_strerror(SG_STATUS_COUNT), "unknown status");
}

Test(common, error_set_formats_and_returns_status)
{
    sg_error err;
    sg_status st = sg_error_set(&err, SG_ERR_INVALID, "%s:%d:%d: min (%g) must be below max (%g)",
                                "study.toml", 14, 9, 150.0, 50.0);
    cr_expect_eq(st, SG_ERR_INVALID);
    cr_expect_eq(err.status, SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "study.toml:14:9: min (150) must be below max (50)");
    cr_expect_eq(sg_error_set(NULL, SG_ERR_IO, "x"), SG_ERR_IO);
}

Test(common, error_truncates_long_messages_with_ellipsis)
{
    sg_error err;
    char big[3000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sg_error_set(&err, SG_ERR_IO, "%s", big);
    size_t len = strlen(err.msg);
    cr_expect_eq(len, SG_ERROR_MSG_MAX - 1);
    cr_expect_str_eq(err.msg + len - 3, "...");
}

Test(common, prefix_and_clear)
{
    sg_error err;
    sg_error_set(&err, SG_ERR_PARSE, "3:7: expected '='");
    sg_error_prefix(&err, "a.toml");
    cr_expect_str_eq(err.msg, "a.toml: 3:7: expected '='");
    sg_error_clear(&err);
    cr_expect_eq(err.status, SG_OK);
    cr_expect_str_eq(err.msg, "");
}

/* Significant digits without an exponent in the engineering range. */
Test(common, num_exact_writes_the_shortest_text_that_reads_back_exactly)
{
    char b[SG_NUM_EXACT_CAP];
    cr_expect_str_eq(sg_num_exact(b, sizeof b, 0.3046), "0.3046");
    cr_expect_str_eq(sg_num_exact(b, sizeof b, 1150.0), "1150");
    cr_expect_str_eq(sg_num_exact(b, sizeof b, 0.1 + 0.2), "0.30000000000000004");
    cr_expect_str_eq(sg_num_exact(b, sizeof b, 1.0 / 3.0), "0.3333333333333333");
    cr_expect_str_eq(sg_num_exact(b, sizeof b, -2.5e-7), "-2.5e-07");
    cr_expect_str_eq(sg_num_exact(b, sizeof b, 0.0), "0");
    const double hard[] = {22.0 / 7.0, 1e300 / 7.0, 5e-324, 123456.789e-3, 0.1 * 3.0};
    for (size_t i = 0; i < sizeof hard / sizeof *hard; i++)
        cr_expect_eq(sg_num_parse(sg_num_exact(b, sizeof b, hard[i]), NULL), hard[i],
                     "%s does not read back", b);
}

Test(common, num_fixed_keeps_the_digits_of_values_far_below_1)
{
    char b[SG_NUM_SIG_CAP];
    cr_expect_str_eq(sg_num_fixed(b, sizeof b, 470.8203, 1), "470.8");
    cr_expect_str_eq(sg_num_fixed(b, sizeof b, 0.0004, 1), "0.0", "an engineering value rounds");
    cr_expect_str_eq(sg_num_fixed(b, sizeof b, 0.0, 3), "0.000");
    cr_expect_str_eq(sg_num_fixed(b, sizeof b, 6.858711e-18, 3), "6.86e-18");
    cr_expect_str_eq(sg_num_fixed(b, sizeof b, -3.16e-19, 4), "-3.16e-19");
    cr_expect_str_eq(sg_num_fixed(b, sizeof b, 2.5e-7, 9), "0.000000250", "shown by its decimals");
    /* negative decimals: rounded to 10^-dec, the digits above it */
    cr_expect_str_eq(sg_num_fixed(b, sizeof b, 470807706.8, -4), "4.7081e+08");
    cr_expect_str_eq(sg_num_fixed(b, sizeof b, 2137902.0, -5), "2100000");
    cr_expect_str_eq(sg_num_fixed(b, sizeof b, 153.0, -1), "150");
    cr_expect_str_eq(sg_num_fixed(b, sizeof b, -4.0, -1), "0", "a value below the rounding");
}

Test(common, num_sig_writes_no_exponent_for_engineering_values)
{
    char b[SG_NUM_SIG_CAP];
    cr_expect_str_eq(sg_num_sig(b, sizeof b, 252.4, 2), "252");
    cr_expect_str_eq(sg_num_sig(b, sizeof b, 2.524, 2), "2.5");
    cr_expect_str_eq(sg_num_sig(b, sizeof b, -0.004216, 2), "-0.0042");
    cr_expect_str_eq(sg_num_sig(b, sizeof b, 99.96, 2), "100");
    cr_expect_str_eq(sg_num_sig(b, sizeof b, 1234567.0, 3), "1234567");
    cr_expect_str_eq(sg_num_sig(b, sizeof b, 2.5e7, 2), "2.5e+07");
    cr_expect_str_eq(sg_num_sig(b, sizeof b, 3e-6, 2), "3e-06");
    cr_expect_str_eq(sg_num_sig(b, sizeof b, 0.0, 2), "0");
    /* beside a value printed with an exponent, the same style */
    cr_expect_str_eq(sg_num_sig_beside(b, sizeof b, 2187049.0, 5.206e8, 2), "2.2e+06");
    cr_expect_str_eq(sg_num_sig_beside(b, sizeof b, 5.43, 475.1, 2), "5.4");
    cr_expect_str_eq(sg_num_sig_beside(b, sizeof b, 252.4, 5.206e8, 2), "252");
    cr_expect_str_eq(sg_num_sig_beside(b, sizeof b, 12345.0, 3000.0, 2), "12345");
}
