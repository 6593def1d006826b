#include "core/hash.h"

#define FNV1A64_PRIME UINT64_C(0x100000001b3)

uint64_t sg_hash_fnv1a64(const void *data, size_t len, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= FNV1A64_PRIME;
    }
    return h;
}

void sg_hash_hex(uint64_t h, char buf[17])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        buf[i] = digits[h & 0xf];
        h >>= 4;
    }
    buf[16] = '\0';
}
