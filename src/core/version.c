/* version.c — library versions (version.h). */
#include "core/version.h"

#include <cJSON.h>
#include <cblas.h>
#include <csv.h>
#include <ctype.h>
#include <gsl/gsl_version.h>
#include <nlopt.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/error.h"

/* The version number in a banner such as " OpenBLAS 0.3.21 ": the first
 * word that starts with a digit. */
static void number_of(char *dst, size_t cap, const char *banner)
{
    const char *s = banner;
    while (*s && !isdigit((unsigned char)*s))
        s++;
    size_t n = strcspn(s, " \t\n");
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

void sg_versions(sg_version_entry out[SG_VERSION_COUNT])
{
    static const char *const names[SG_VERSION_COUNT][2] = {
        {"surrogate", "surrogate"}, {"GSL", "gsl"},   {"NLopt", "nlopt"},   {"OpenBLAS", "openblas"},
        {"libxlsxwriter", "libxlsxwriter"}, {"cJSON", "cjson"}, {"libcsv", "libcsv"},
    };
    for (size_t i = 0; i < SG_VERSION_COUNT; i++) {
        out[i].name = names[i][0];
        out[i].key = names[i][1];
        out[i].version[0] = '\0';
    }
    int a = 0, b = 0, c = 0;
    nlopt_version(&a, &b, &c);
    snprintf(out[0].version, SG_VERSION_TEXT_MAX, "%s", SG_VERSION);
    snprintf(out[1].version, SG_VERSION_TEXT_MAX, "%s", gsl_version);
    snprintf(out[2].version, SG_VERSION_TEXT_MAX, "%d.%d.%d", a, b, c);
#ifdef OPENBLAS_VERSION
    number_of(out[3].version, SG_VERSION_TEXT_MAX, OPENBLAS_VERSION);
#else
    number_of(out[3].version, SG_VERSION_TEXT_MAX, openblas_get_config());
#endif
    snprintf(out[4].version, SG_VERSION_TEXT_MAX, "%s", LXW_VERSION);
    snprintf(out[5].version, SG_VERSION_TEXT_MAX, "%s", cJSON_Version());
    snprintf(out[6].version, SG_VERSION_TEXT_MAX, "%d.%d.%d", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
}

const char *sg_versions_string(char *buf, size_t size)
{
    sg_version_entry v[SG_VERSION_COUNT];
    sg_versions(v);
    size_t o = 0;
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; i < SG_VERSION_COUNT && o < size; i++) {
        int w = snprintf(buf + o, size - o, "%s%s %s", i ? ", " : "", v[i].name, v[i].version);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    return buf;
}

const char *sg_versions_openblas_config(void)
{
    return openblas_get_config();
}
