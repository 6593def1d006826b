/* fuzz_xlsx.c — libFuzzer target for the .xlsx reader (io/xlsx.h through
 * io/table.h).  Two ways in, chosen by the first byte:
 *   even: the rest of the input is the workbook file itself (zip bytes);
 *   odd:  the rest is XML, split at the first NUL into the sheet and the
 *         shared strings, stored in a well-formed workbook built here with
 *         libzip, so mutations reach the XML handling instead of dying in
 *         the zip checksums.
 * Every loaded table is checked against the invariants table.h promises. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "io/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char WORKBOOK[] =
    "<?xml version=\"1.0\"?><workbook xmlns:r=\"r\"><sheets>"
    "<sheet name=\"Runs\" sheetId=\"1\" r:id=\"rId1\"/>"
    "<sheet name=\"Notes\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";
static const char RELS[] =
    "<?xml version=\"1.0\"?><Relationships>"
    "<Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Target=\"/xl/worksheets/sheet2.xml\"/></Relationships>";

static bool add(zip_t *z, const char *name, const void *p, size_t n)
{
    zip_source_t *s = zip_source_buffer(z, p, n, 0);
    if (!s)
        return false;
    if (zip_file_add(z, name, s, ZIP_FL_OVERWRITE) < 0) {
        zip_source_free(s);
        return false;
    }
    zip_set_file_compression(z, (zip_uint64_t)zip_name_locate(z, name, 0), ZIP_CM_STORE, 0);
    return true;
}

/* A workbook holding sheet (the "Runs" sheet) and sst; *len bytes, malloc'ed. */
static char *build_book(const char *sheet, size_t ns, const char *sst, size_t nt, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    char *out = NULL;
    zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    if (!z)
        goto done;
    zip_source_keep(src);
    bool ok = add(z, "xl/workbook.xml", WORKBOOK, sizeof WORKBOOK - 1) &&
              add(z, "xl/_rels/workbook.xml.rels", RELS, sizeof RELS - 1) &&
              add(z, "xl/worksheets/sheet1.xml", sheet, ns) &&
              add(z, "xl/sharedStrings.xml", sst, nt);
    if (!ok || zip_close(z) != 0) {
        zip_discard(z);
        goto done;
    }
    zip_stat_t st;
    if (zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0) {
        out = malloc(st.size ? st.size : 1);
        if (out && zip_source_read(src, out, st.size) != (zip_int64_t)st.size) {
            free(out);
            out = NULL;
        }
        *len = st.size;
        zip_source_close(src);
    }
done:
    if (src)
        zip_source_free(src);
    zip_error_fini(&ze);
    return out;
}

static void check_table(const sg_table *t)
{
    if (t->n_rows == 0 || t->format != SG_TABLE_XLSX || !t->sheet)
        __builtin_trap();
    for (size_t i = 0; i < t->n_rows; i++) {
        if (t->line[i] < 2 || t->row[i] < 1 || (t->run_id && !t->run_id[i]))
            __builtin_trap();
        if (i > 0 && (t->line[i] <= t->line[i - 1] || t->row[i] <= t->row[i - 1]))
            __builtin_trap();
        for (size_t j = 0; j < t->n_cols; j++)
            if (!isfinite(sg_table_at(t, i, j)) || fabs(sg_table_at(t, i, j)) > SG_DATA_MAX_ABS)
                __builtin_trap();
    }
    for (size_t k = 0; k < t->n_excluded; k++)
        if (t->excluded[k].line < 2 || (k > 0 && t->excluded[k].line <= t->excluded[k - 1].line))
            __builtin_trap();
}

static void read_book(const char *buf, size_t len, const char *sheet)
{
    static const char *const cols[] = {"a", "b", "y"};
    static const char *const units[] = {"mm", "", "W"};
    sg_table_request req = {.columns = cols, .n_cols = 3, .n_factors = 2, .units = units,
                            .sheet = sheet};
    sg_table *t = NULL;
    size_t bad = 0;
    sg_error err;
    sg_status st = sg_table_read_buffer(buf, len, "fuzz.xlsx", &req, &t, &bad, &err);
    if (st == SG_OK) {
        if (!t)
            __builtin_trap();
        if (t->format == SG_TABLE_XLSX)
            check_table(t);
    } else if (t || (bad != SIZE_MAX && bad >= 3) || strncmp(err.msg, "fuzz.xlsx", 9) != 0) {
        __builtin_trap(); /* failures give no table and a message naming the source */
    }
    sg_table_destroy(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *rest = (const char *)data + 1;
    size_t n = size - 1;
    if ((data[0] & 1) == 0) {
        read_book(rest, n, NULL);
        return 0;
    }
    const char *nul = memchr(rest, '\0', n);
    size_t ns = nul ? (size_t)(nul - rest) : n;
    const char *sst = nul ? nul + 1 : "";
    size_t nt = nul ? n - ns - 1 : 0;
    size_t len = 0;
    char *book = build_book(rest, ns, sst, nt, &len);
    if (book)
        read_book(book, len, (data[0] & 2) ? "Runs" : NULL);
    free(book);
    return 0;
}
