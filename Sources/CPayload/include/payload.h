// Synthetic object bytes: a pure function of (seed, object, offset), so uploads are generated on
// the fly and downloads are verified by regenerating, never by keeping a copy.
#ifndef SCORETUNE_PAYLOAD_H
#define SCORETUNE_PAYLOAD_H
#include <stddef.h>
#include <stdint.h>

/// Writes `length` bytes of object `object` (under `seed`) starting at byte `offset` into `out`.
void payload_fill(uint64_t seed, uint64_t object, uint64_t offset, void *out, size_t length);

/// Compares `length` bytes at `data` with the object's bytes from `offset`: -1 when they are all
/// equal, otherwise the index (from `data`) of the first byte that differs.
int64_t payload_mismatch(uint64_t seed, uint64_t object, uint64_t offset, const void *data, size_t length);

#endif
