#include <criterion/criterion.h>
#include <string.h>

#include "core/error.h"
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
