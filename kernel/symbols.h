// Kernel symbol lookup for backtraces, from the table the build links in (.ksyms,
// written by tools/gen_ksyms.py).
#pragma once
#include <lib/types.h>

namespace kernel {
// Finds the function containing addr: its name and the offset into it. False if unknown.
bool symbolize(uptr addr, const char*& name, u64& offset);
} // namespace kernel
