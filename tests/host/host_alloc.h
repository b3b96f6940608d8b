// Control over the host tests' kmalloc (host_alloc.cpp), to exercise ENOMEM paths.
#pragma once
#include <cstddef>

namespace host_alloc {
// Make the allocation `n` calls from now (1 = the next one) return nullptr.
void fail_nth(int n);
// Allocations the kernel heap could never satisfy fail as they would there.
constexpr size_t kMaxAllocation = size_t(1) << 36;
} // namespace host_alloc
