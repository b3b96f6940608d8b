// Kernel random numbers (getrandom, /dev/urandom, AT_RANDOM): a ChaCha20-based
// generator seeded from RDRAND/RNDR where the CPU has them, and from clock jitter.
#pragma once
#include <lib/types.h>

namespace kernel::random {
void init();
void fill(void* buf, size_t n);
u64 next_u64();
} // namespace kernel::random
