/* hash.h — FNV-1a 64-bit hashing of bytes, and its hex form (study and data
 * fingerprints in the model file).  No allocation. */
#ifndef SG_HASH_H
#define SG_HASH_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a 64-bit offset basis: the starting value for sg_hash_fnv1a64. */
#define SG_HASH_FNV1A64_INIT UINT64_C(0xcbf29ce484222325)

/* FNV-1a 64-bit hash of len bytes, continuing from h (start with SG_HASH_FNV1A64_INIT). */
uint64_t sg_hash_fnv1a64(const void *data, size_t len, uint64_t h);

/* Write h as 16 lowercase hex digits plus NUL into buf (>= 17 bytes). */
void sg_hash_hex(uint64_t h, char buf[17]);

#endif
