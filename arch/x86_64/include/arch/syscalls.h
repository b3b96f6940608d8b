// x86_64-only system calls, merged into the generic list by syscalls/all.h.
#pragma once
#include <lib/result.h>
#include <lib/types.h>
#include <syscalls/pkey.h> // protection keys: x86_64 Linux has them, arm64 6.1 does not

// arch_prctl(2): FS/GS base of the calling thread (syscalls/arch_prctl.cpp).
ErrorOr<long> sys_arch_prctl(int code, u64 addr);

#define LV_ARCH_SYSCALLS(X) X(arch_prctl) X(pkey_alloc) X(pkey_free) X(pkey_mprotect)
