#include "core/error.h"
#include "core/num.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_text[SG_STATUS_COUNT] = {
    [SG_OK] = "success",
    [SG_ERR_NOMEM] = "out of memory",
    [SG_ERR_IO] = "input/output error",
    [SG_ERR_PARSE] = "syntax error",
    [SG_ERR_INVALID] = "invalid input",
    [SG_ERR_LIMIT] = "size limit exceeded",
    [SG_ERR_NUMERIC] = "numerical failure",
    [SG_ERR_INTERNAL] = "internal error",
};

const char *sg_strerror(sg_status status)
{
    if ((int)status < 0 || status >= SG_STATUS_COUNT)
        return "unknown status";
    return status_text[status];
}

/* Mark a truncated message with a trailing "..." so readers know. */
static void mark_truncated(char *msg, int written)
{
    if (written >= SG_ERROR_MSG_MAX)
        memcpy(msg + SG_ERROR_MSG_MAX - 4, "...", 4);
}

sg_status sg_error_set(sg_error *err, sg_status status, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    int n = sg_num_vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        err->msg[0] = '\0';
    mark_truncated(err->msg, n);
    return status;
}

void sg_error_clear(sg_error *err)
{
    if (!err)
        return;
    err->status = SG_OK;
    err->msg[0] = '\0';
}

void sg_error_prefix(sg_error *err, const char *prefix)
{
    if (!err || !prefix)
        return;
    char old[SG_ERROR_MSG_MAX];
    memcpy(old, err->msg, sizeof old);
    int n = snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old);
    mark_truncated(err->msg, n);
}
