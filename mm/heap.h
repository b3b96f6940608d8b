// Kernel heap options (the allocator itself is kmalloc/kfree, lib/alloc.h).
#pragma once

namespace mm {
// `levitate.heapcheck` on the command line: every small block handed out is first
// checked to be still all poison (as Linux's slub_debug=P checks on allocation), so a
// write after free is reported (the block, the offset, the bytes and the code that
// freed it) instead of corrupting whatever the block becomes next. The fuzzer boots
// with it. Called before the first kmalloc; true if on.
bool heap_debug_init(const char* cmdline);
} // namespace mm
