// aarch64 constants the generic kernel relies on.
#pragma once
#include <lib/types.h>

namespace arch {
constexpr u64 kPageSize = 4096;
constexpr unsigned kPageShift = 12;
constexpr VirtAddr kUserTop = 0x0000fffffffff000ull;       // TTBR0, 48-bit VA
constexpr VirtAddr kDirectMapBase = 0xffff800000000000ull; // TTBR1: all RAM, phys + base
constexpr VirtAddr kKernelBase = 0xffffffff80000000ull;    // kernel image: see arch/aarch64/README
constexpr u16 kElfMachine = 183;                           // EM_AARCH64
constexpr const char* kMachineName = "aarch64";            // uname -m
// Argument order of clone(2): clone(flags, stack, parent_tid, tls, child_tid): Linux's CONFIG_CLONE_BACKWARDS.
constexpr bool kCloneTlsBeforeChildTid = true;
// The smallest alternate signal stack sigaltstack(2) takes (the uapi MINSIGSTKSZ).
constexpr u64 kMinSigStackSize = 5120;
} // namespace arch
