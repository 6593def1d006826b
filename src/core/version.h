/* version.h — the versions of surrogate and of the libraries it is built
 * with, in one place: `surrogate --version`, the model file's "libraries"
 * block and the report's "Library versions" line all come from here.
 *
 * Versions are the plain numbers ("0.3.21"), never a library's own banner:
 * OpenBLAS's OPENBLAS_VERSION (" OpenBLAS 0.3.21 ") is cut to its number.
 * No allocation; the table is filled into caller-owned storage. */
#ifndef SG_VERSION_H
#define SG_VERSION_H

#include <stddef.h>

/* surrogate, GSL, NLopt, OpenBLAS, libxlsxwriter, cJSON, libcsv. */
#define SG_VERSION_COUNT 7
#define SG_VERSION_TEXT_MAX 32
/* Index of each library in the table. */
enum {
    SG_VERSION_SURROGATE,
    SG_VERSION_GSL,
    SG_VERSION_NLOPT,
    SG_VERSION_OPENBLAS,
    SG_VERSION_XLSXWRITER,
    SG_VERSION_CJSON,
    SG_VERSION_LIBCSV
};

typedef struct sg_version_entry {
    const char *name;                  /* display name: "OpenBLAS" */
    const char *key;                   /* lower-case key of the model file: "openblas" */
    char version[SG_VERSION_TEXT_MAX]; /* "0.3.21" */
} sg_version_entry;

/* Fill out[0 .. SG_VERSION_COUNT-1] in the order above. */
void sg_versions(sg_version_entry out[SG_VERSION_COUNT]);

/* "surrogate 0.1.0, GSL 2.7.1, NLopt 2.7.1, OpenBLAS 0.3.21, libxlsxwriter
 * 1.1.4, cJSON 1.7.15, libcsv 3.0.3" into buf (truncated to size); returns buf. */
const char *sg_versions_string(char *buf, size_t size);

/* OpenBLAS's run-time configuration ("OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH
 * ... Zen MAX_THREADS=64"): the kernel actually chosen; static storage. */
const char *sg_versions_openblas_config(void);

#endif
