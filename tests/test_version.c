/* test_version.c — the one library-versions table and string. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <cJSON.h>
#include <csv.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/version.h"

Test(version, table_names_keys_and_numbers)
{
    sg_version_entry v[SG_VERSION_COUNT];
    sg_versions(v);
    const char *names[] = {"surrogate", "GSL", "NLopt", "OpenBLAS", "libxlsxwriter", "cJSON",
                           "libcsv"};
    const char *keys[] = {"surrogate", "gsl", "nlopt", "openblas", "libxlsxwriter", "cjson",
                          "libcsv"};
    for (size_t i = 0; i < SG_VERSION_COUNT; i++) {
        cr_expect_str_eq(v[i].name, names[i]);
        cr_expect_str_eq(v[i].key, keys[i]);
        /* every version is a bare number: starts with a digit, no spaces */
        cr_expect(isdigit((unsigned char)v[i].version[0]), "%s: '%s'", v[i].name, v[i].version);
        cr_expect_null(strchr(v[i].version, ' '), "%s: '%s'", v[i].name, v[i].version);
    }
    cr_expect_str_eq(v[SG_VERSION_SURROGATE].version, SG_VERSION);
    cr_expect_str_eq(v[SG_VERSION_CJSON].version, cJSON_Version());
    char csv[32];
    snprintf(csv, sizeof csv, "%d.%d.%d", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
    cr_expect_str_eq(v[SG_VERSION_LIBCSV].version, csv);
}

Test(version, string_lists_every_library_once_with_one_openblas_form)
{
    char buf[512];
    sg_versions_string(buf, sizeof buf);
    cr_expect_eq(strncmp(buf, "surrogate " SG_VERSION ", GSL ", 16 + strlen(SG_VERSION)), 0, "%s",
                 buf);
    cr_expect(strstr(buf, ", libcsv ") != NULL, "%s", buf);
    char *ob = strstr(buf, ", OpenBLAS ");
    cr_assert_not_null(ob, "%s", buf);
    cr_expect(isdigit((unsigned char)ob[strlen(", OpenBLAS ")]), "%s", buf);
    cr_expect_null(strstr(ob + strlen(", OpenBLAS"), "OpenBLAS"), "OpenBLAS named twice: %s", buf);
    cr_expect_null(strstr(buf, "  "), "%s", buf);
    /* seven entries: six separators */
    size_t commas = 0;
    for (const char *p = buf; (p = strstr(p, ", ")) != NULL; p += 2)
        commas++;
    cr_expect_eq(commas, SG_VERSION_COUNT - 1, "%s", buf);
}

Test(version, string_truncates_to_the_buffer)
{
    char buf[12];
    memset(buf, 'x', sizeof buf);
    cr_expect_eq(sg_versions_string(buf, sizeof buf), buf);
    cr_expect_eq(strlen(buf), sizeof buf - 1);
    cr_expect_eq(strncmp(buf, "surrogate 0", 11), 0, "%s", buf);
}

Test(version, openblas_config_names_the_runtime)
{
    cr_expect(strstr(sg_versions_openblas_config(), "OpenBLAS") != NULL);
}
