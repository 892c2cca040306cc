// Counter-mode SplitMix64: word i of an object is mix(key + (i + 1) * golden), where key mixes the
// seed and the object id. Every word stands alone, so any range is generated without the bytes
// before it, and the output passes for random data (incompressible; MD5 and ETags are realistic).
#include "payload.h"
#include <string.h>

#define GOLDEN 0x9E3779B97F4A7C15ULL

static inline uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline uint64_t object_key(uint64_t seed, uint64_t object) {
    return mix(seed ^ mix(object + GOLDEN));
}

// The hot loop. The compiler vectorises it; target_clones builds one copy per instruction set
// and the loader picks the best one for this CPU at start-up (runtime dispatch).
#if defined(__x86_64__) && defined(__linux__)
__attribute__((target_clones("avx512dq", "avx2", "default")))
#endif
static void fill_words(uint64_t key, uint64_t first, uint64_t *restrict out, size_t count) {
    for (size_t i = 0; i < count; i++) {
        out[i] = mix(key + (first + i + 1) * GOLDEN);
    }
}

#define BLOCK_WORDS 512  /* 4 KiB on the stack */

void payload_fill(uint64_t seed, uint64_t object, uint64_t offset, void *out, size_t length) {
    uint64_t key = object_key(seed, object);
    uint8_t *dst = out;
    uint64_t word = offset / 8;
    size_t skip = (size_t)(offset % 8);
    if (skip) {  // a head that starts inside a word
        uint64_t w = mix(key + (word + 1) * GOLDEN);
        size_t n = 8 - skip < length ? 8 - skip : length;
        memcpy(dst, (uint8_t *)&w + skip, n);
        dst += n; length -= n; word++;
    }
    if (((uintptr_t)dst & 7) == 0) {  // aligned: straight into the caller's buffer
        size_t words = length / 8;
        fill_words(key, word, (uint64_t *)dst, words);
        dst += words * 8; length -= words * 8; word += words;
    }
    uint64_t block[BLOCK_WORDS];
    while (length > 0) {
        size_t words = (length + 7) / 8 < BLOCK_WORDS ? (length + 7) / 8 : BLOCK_WORDS;
        fill_words(key, word, block, words);
        size_t n = words * 8 < length ? words * 8 : length;
        memcpy(dst, block, n);
        dst += n; length -= n; word += words;
    }
}

int64_t payload_mismatch(uint64_t seed, uint64_t object, uint64_t offset, const void *data, size_t length) {
    uint64_t block[BLOCK_WORDS];
    const uint8_t *src = data;
    size_t done = 0;
    while (done < length) {
        size_t n = length - done < sizeof block ? length - done : sizeof block;
        payload_fill(seed, object, offset + done, block, n);
        if (memcmp(block, src + done, n) != 0) {
            const uint8_t *expected = (const uint8_t *)block;
            for (size_t i = 0; i < n; i++) {
                if (expected[i] != src[done + i]) return (int64_t)(done + i);
            }
        }
        done += n;
    }
    return -1;
}
