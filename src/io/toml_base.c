/* toml_base.c — TOML reader plumbing: the document arena, line/column
 * positions, first-error reporting and the parser's scratch buffers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/toml_internal.h"
#include "core/num.h"

#define ARENA_MAX_CHUNK ((size_t)1024 * 1024)
/* ---- arena ---- */

static void *arena_alloc(sg_toml_doc *doc, size_t size, size_t align)
{
    toml_chunk *c = doc->chunks;
    size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
    if (!c || at > c->size || c->size - at < size) {
        size_t csize = doc->next_chunk;
        if (csize < size)
            csize = size;
        c = malloc(sizeof *c + csize);
        if (!c)
            return NULL;
        c->size = csize;
        c->used = 0;
        at = 0;
        if (doc->chunks && size > doc->next_chunk / 4) {
            /* a big request gets its own chunk behind the current one */
            c->next = doc->chunks->next;
            doc->chunks->next = c;
        } else {
            c->next = doc->chunks;
            doc->chunks = c;
            if (doc->next_chunk < ARENA_MAX_CHUNK)
                doc->next_chunk *= 2;
        }
    }
    c->used = at + size;
    return c->data + at;
}

void *sg_toml__alloc(sg_toml_doc *doc, size_t size) { return arena_alloc(doc, size, 8); }
char *sg_toml__alloc_str(sg_toml_doc *doc, size_t size) { return arena_alloc(doc, size, 1); }

void sg_toml_destroy(sg_toml_doc *doc)
{
    if (!doc)
        return;
    toml_chunk *c = doc->chunks;
    while (c) {
        toml_chunk *n = c->next;
        free(c);
        c = n;
    }
    free(doc->source);
    free(doc);
}

/* ---- positions and errors ---- */

void sg_toml__newline(toml_parser *p, size_t after)
{
    p->line++;
    p->line_start = after;
    p->cc_pos = after;
    p->cc_col = 1;
}

/* Line and column of pos, which must lie on the current line. */
void sg_toml__pos_lc(toml_parser *p, size_t pos, int *line, int *col)
{
    size_t from = p->line_start;
    int c = 1;
    if (p->cc_pos >= p->line_start && p->cc_pos <= pos) {
        from = p->cc_pos;
        c = p->cc_col;
    }
    for (size_t i = from; i < pos; i++)
        if (((unsigned char)p->buf[i] & 0xC0) != 0x80)
            c++;
    p->cc_pos = pos;
    p->cc_col = c;
    if (line)
        *line = p->line;
    if (col)
        *col = c;
}

const char *sg_toml__describe(const toml_parser *p, size_t pos, char tmp[16])
{
    if (pos >= p->len)
        return "end of input";
    unsigned char c = (unsigned char)p->buf[pos];
    if (c == '\n' || c == '\r')
        return "end of line";
    if (c >= 0x20 && c < 0x7F) {
        snprintf(tmp, 16, "'%c'", c);
    } else if (c < 0x80) {
        snprintf(tmp, 16, "U+%04X", c);
    } else {
        size_t k = 1;
        while (k < 4 && pos + k < p->len && ((unsigned char)p->buf[pos + k] & 0xC0) == 0x80)
            k++;
        tmp[0] = '\'';
        memcpy(tmp + 1, p->buf + pos, k);
        tmp[k + 1] = '\'';
        tmp[k + 2] = '\0';
    }
    return tmp;
}

int sg_toml__fail(toml_parser *p, size_t pos, sg_status st, const char *fmt, ...)
{
    if (p->failed)
        return -1;
    p->failed = true;
    char msg[SG_ERROR_MSG_MAX];
    if (pos >= p->bad_utf8) {
        pos = p->bad_utf8;
        st = SG_ERR_PARSE;
        snprintf(msg, sizeof msg, "invalid UTF-8 byte 0x%02X (the file must be UTF-8 text)",
                 (unsigned char)p->buf[pos]);
    } else {
        va_list ap;
        va_start(ap, fmt);
        sg_num_vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
    }
    if (pos > p->len)
        pos = p->len;
    int line = 1, col = 1;
    size_t ls = p->base < pos ? p->base : pos;
    for (size_t i = ls; i < pos; i++)
        if (p->buf[i] == '\n') {
            line++;
            ls = i + 1;
        }
    for (size_t i = ls; i < pos; i++)
        if (((unsigned char)p->buf[i] & 0xC0) != 0x80)
            col++;
    p->status = st;
    sg_error_set(p->err, st, "%s:%d:%d: %s", p->doc->source, line, col, msg);
    return -1;
}

int sg_toml__oom(toml_parser *p) { return sg_toml__fail(p, p->pos, SG_ERR_NOMEM, "out of memory"); }

int sg_toml__grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*ptr, nc * elem);
    if (!np)
        return -1;
    *ptr = np;
    *cap = nc;
    return 0;
}

int sg_toml__sbuf_reserve(toml_parser *p, size_t n)
{
    if (sg_toml__grow((void **)&p->sbuf, &p->scap, p->slen + n, 1) < 0)
        return sg_toml__oom(p);
    return 0;
}

int sg_toml__sbuf_push(toml_parser *p, const char *s, size_t n)
{
    if (sg_toml__grow((void **)&p->sbuf, &p->scap, p->slen + n, 1) < 0)
        return sg_toml__oom(p);
    memcpy(p->sbuf + p->slen, s, n);
    p->slen += n;
    return 0;
}

