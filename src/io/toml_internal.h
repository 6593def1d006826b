/* toml_internal.h — internals shared by the TOML reader's source files (not public).
 *
 * The tree lives in an arena owned by the document: sg_toml_destroy releases a
 * handful of chunks, never walks the tree.  The parser is a hand-written
 * recursive descent over bytes; every recursion is bounded by
 * SG_TOML_MAX_DEPTH.
 */
#ifndef SG_TOML_INTERNAL_H
#define SG_TOML_INTERNAL_H

#include "core/internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/toml.h"

/* ---- arena ---- */
typedef struct toml_chunk {
    struct toml_chunk *next;
    size_t size, used; /* bytes of data[] */
    _Alignas(16) unsigned char data[];
} toml_chunk;

/* Value flags. */
enum {
    TF_IMPLICIT = 1, /* table created as a prefix of a [header] path */
    TF_DEFINED = 2,  /* table defined by its own [header] or [[header]] */
    TF_DOTTED = 4,   /* table created by a dotted key */
    TF_INLINE = 8,   /* inline table { ... }: frozen after its closing brace */
    AF_AOT = 16      /* array created by [[header]] (others are static) */
};

typedef struct toml_entry {
    const char *key; /* NUL-terminated copy (may contain NULs: keylen is exact) */
    uint32_t keylen;
    int line, col;
    sg_toml_value *val;
} toml_entry;

/* A node: 48 bytes, so that value-heavy documents stay small. */
struct sg_toml_value {
    uint8_t type, flags;
    int line, col;
    const sg_toml_doc *doc;
    union {
        struct {
            toml_entry *items;
            uint32_t n, cap;
            uint32_t *hash; /* open addressing of index+1 with 2*cap slots, or NULL while small */
        } tab;
        struct {
            sg_toml_value **items;
            uint32_t n, cap;
        } arr;
        struct {
            const char *s;
            size_t len;
        } str;
        int64_t i;
        double f;
        bool b;
        sg_toml_datetime *dt; /* arena-allocated */
    } u;
};

struct sg_toml_doc {
    toml_chunk *chunks;
    size_t next_chunk; /* size of the next chunk to allocate */
    char *source;
    sg_toml_value *root;
};

/* ---- parser state ---- */
typedef struct toml_keypart {
    size_t off, len; /* in kbuf */
    size_t pos;      /* byte offset of the part in the input */
} toml_keypart;

typedef struct toml_parser {
    const char *buf;
    size_t len, pos;
    size_t base;     /* 3 after a BOM, else 0: where line 1 starts */
    int line;        /* current line (1-based) */
    size_t line_start;
    size_t cc_pos;   /* column cache: cc_col is the column of byte cc_pos */
    int cc_col;
    size_t bad_utf8; /* offset of the first invalid UTF-8 byte, SIZE_MAX if none */
    int depth;
    sg_toml_doc *doc;
    sg_error *err;
    sg_status status;
    bool failed;
    char *sbuf; /* scratch for decoded strings / number digits */
    size_t slen, scap;
    char *kbuf; /* scratch for decoded key parts */
    size_t klen, kcap;
    toml_keypart *parts;
    size_t nparts, pcap;
} toml_parser;

/* toml_base.c */
SG_INTERNAL int sg_toml__grow(void **ptr, size_t *cap, size_t need, size_t elem); /* realloc to >= need elems */
SG_INTERNAL void *sg_toml__alloc(sg_toml_doc *doc, size_t size);      /* 8-byte aligned */
SG_INTERNAL char *sg_toml__alloc_str(sg_toml_doc *doc, size_t size); /* unaligned bytes */
SG_INTERNAL int sg_toml__fail(toml_parser *p, size_t pos, sg_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
SG_INTERNAL int sg_toml__oom(toml_parser *p);
SG_INTERNAL void sg_toml__pos_lc(toml_parser *p, size_t pos, int *line, int *col);
SG_INTERNAL void sg_toml__newline(toml_parser *p, size_t after);
SG_INTERNAL const char *sg_toml__describe(const toml_parser *p, size_t pos, char tmp[16]);
SG_INTERNAL int sg_toml__sbuf_push(toml_parser *p, const char *s, size_t n);
SG_INTERNAL int sg_toml__sbuf_reserve(toml_parser *p, size_t n); /* room for n more bytes */

/* toml_scalar.c: each parses the value starting at p->pos into v (type and
 * payload) and advances p->pos; returns 0 or -1 after sg_toml__fail. */
SG_INTERNAL size_t sg_toml__utf8_first_bad(const unsigned char *s, size_t n);
SG_INTERNAL int sg_toml__parse_string(toml_parser *p, bool allow_multi, const char **out, size_t *len);
SG_INTERNAL int sg_toml__parse_number_or_date(toml_parser *p, sg_toml_value *v);
SG_INTERNAL int sg_toml__is_bare(unsigned char c);

#endif
