#!/usr/bin/env python3
"""Records the synthetic payload's known-answer vectors (SyntheticObjectTests.testKnownAnswerVectors)
from the generator's definition, written again here in plain Python: word i of an object is
mix(key + (i + 1) * golden), key = mix(seed ^ mix(object + golden)), little-endian bytes.
Prints, per (seed, object, offset): the first 16 bytes at the offset and the MD5 of 1 MiB there."""
import hashlib
import struct

M = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def fill(seed, obj, offset, length):
    key = mix(seed ^ mix((obj + GOLDEN) & M))
    first, last = offset // 8, (offset + length + 7) // 8
    words = b"".join(struct.pack("<Q", mix((key + (i + 1) * GOLDEN) & M)) for i in range(first, last))
    start = offset - first * 8
    return words[start:start + length]


for seed, obj, offset in [(1, 0, 0), (42, 3, 1_000_003), (0xDEADBEEF, 7, 5 << 30)]:
    data = fill(seed, obj, offset, 1 << 20)
    print(seed, obj, offset, data[:16].hex(), hashlib.md5(data).hexdigest())
