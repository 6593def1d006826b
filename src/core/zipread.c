/* zipread.c — one member of a zip archive through libzip (zipread.h). */
#include "core/zipread.h"

#include <stdlib.h>

#include <zip.h>

static sg_status read_open_member(zip_t *z, const char *path, const char *name, size_t max_bytes,
                                  char **data, size_t *len, sg_error *err)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(z, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return sg_error_set(err, SG_ERR_IO, "%s: no member '%s'", path, name);
    if (st.size > max_bytes)
        return sg_error_set(err, SG_ERR_LIMIT, "%s: member '%s' is larger than %zu bytes", path,
                            name, max_bytes);
    char *buf = malloc((size_t)st.size + 1);
    if (!buf)
        return sg_error_set(err, SG_ERR_NOMEM, "%s: out of memory", path);
    zip_file_t *f = zip_fopen(z, name, 0);
    zip_int64_t got = f ? zip_fread(f, buf, st.size) : -1;
    if (f)
        zip_fclose(f);
    if (got < 0 || (zip_uint64_t)got != st.size) {
        free(buf);
        return sg_error_set(err, SG_ERR_IO, "%s: cannot read member '%s'", path, name);
    }
    buf[got] = '\0';
    *data = buf;
    *len = (size_t)got;
    return SG_OK;
}

sg_status sg_zipread_member(const char *path, const char *name, size_t max_bytes, char **data,
                            size_t *len, sg_error *err)
{
    *data = NULL;
    *len = 0;
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z)
        return sg_error_set(err, SG_ERR_IO, "%s: not a zip archive (an .xlsx file is one)", path);
    sg_status st = read_open_member(z, path, name, max_bytes, data, len, err);
    zip_discard(z);
    return st;
}
