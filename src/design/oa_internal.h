/* oa_internal.h — shared between oa.c and oa_identify.c; not public API. */
#ifndef SG_OA_INTERNAL_H
#define SG_OA_INTERNAL_H

#include "core/internal.h"

#include <stddef.h>

#include "core/error.h"

typedef enum sg_oa_kind { SG_OA_KIND_RH, SG_OA_KIND_L12, SG_OA_KIND_L18, SG_OA_KIND_L36 } sg_oa_kind;

/* One catalogue entry: immutable construction recipe. */
typedef struct sg_oa_spec {
    const char *name;
    int runs;
    sg_oa_kind kind;
    int q, m; /* GF(q)^m for Rao–Hamming arrays */
} sg_oa_spec;

extern const sg_oa_spec sg_oa_catalogue[];

/* Addition, multiplication and inverse tables of GF(q), q <= 8. */
typedef struct sg_gf {
    int q;
    int add[8][8], mul[8][8], inv[8];
} sg_gf;

/* Fill f for q in {2,3,4,5,7,8}; SG_ERR_INVALID otherwise (err not set). */
SG_INTERNAL sg_status sg_gf_init(sg_gf *f, int q);
/* Coefficient vector (length m) of Rao–Hamming column col in Taguchi order. */
SG_INTERNAL void sg_rh_column_vector(int q, int m, int col, int *u);
/* Column index of u scaled so its highest nonzero coordinate is 1; -1 if zero. */
SG_INTERNAL int sg_rh_column_index(const sg_gf *f, int m, const int *u);

#endif
