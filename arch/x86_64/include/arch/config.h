// x86_64 constants the generic kernel relies on.
#pragma once
#include <lib/types.h>

namespace arch {
constexpr u64 kPageSize = 4096;
constexpr unsigned kPageShift = 12;
// Linux's TASK_SIZE: the last page below the canonical hole stays unmapped so that
// SYSRET never returns to a non-canonical address.
constexpr VirtAddr kUserTop = 0x00007ffffffff000ull;
constexpr VirtAddr kDirectMapBase = 0xffff800000000000ull; // all RAM, phys + base
constexpr VirtAddr kKernelBase = 0xffffffff80000000ull;    // kernel image, phys + base
constexpr u16 kElfMachine = 62;                            // EM_X86_64
constexpr const char* kMachineName = "x86_64";             // uname -m
// Argument order of clone(2): clone(flags, stack, parent_tid, child_tid, tls).
constexpr bool kCloneTlsBeforeChildTid = false;
// The smallest alternate signal stack sigaltstack(2) takes (the uapi MINSIGSTKSZ).
constexpr u64 kMinSigStackSize = 2048;
} // namespace arch
