// Kernel stacks with guard pages. Each thread's stack is mapped on its own in a kernel
// area, below an unmapped guard, instead of being a run of frames in the direct map
// where an overflow would silently overwrite whatever lies below. Stacks are
// kStackSize bytes at 2 * kStackSize-aligned addresses; the upper half of every slot is
// never mapped, so the guard below each stack is the previous slot's empty half. The
// alignment lets aarch64's exception entry tell an overflowed SP by one bit (Linux's
// THREAD_ALIGN trick); on x86_64 the fault on the guard becomes a double fault, which
// runs on its own IST stack. Either way the kernel panics with "kernel stack overflow".
#pragma once
#include <lib/types.h>

namespace mm {
constexpr size_t kKernelStackSize = 16 * 1024;
constexpr VirtAddr kKernelStackArea = 0xffffc90000000000ull; // the same on both arches
constexpr u64 kKernelStackSlots = 32768;                     // 1 GiB of address space

// The stack's lowest address (its top is that plus kKernelStackSize); 0 when out of
// memory or slots.
VirtAddr alloc_kernel_stack();
// A few freed stacks stay mapped for the next threads to take; the rest are unmapped.
void free_kernel_stack(VirtAddr base);
// True for an address in a stack's guard (a fault there is an overflow).
bool in_kernel_stack_guard(VirtAddr a);
} // namespace mm
