// Every syscall handler the kernel has, by family. Each family header declares its
// handlers (`ErrorOr<long> sys_<name>(typed args...)`) and a list macro
// LV_SYSCALLS_<FAMILY>(X) naming them. syscalls/dispatch.cpp maps the names that the
// arch's Linux number table (<arch/syscall_numbers.inc>) has onto these handlers;
// every other number returns ENOSYS. tools/gen_syscall_docs.py reads the same lists.
#pragma once
#include <arch/syscalls.h> // LV_ARCH_SYSCALLS: arch-only calls (x86_64: arch_prctl)

#define LV_ALL_SYSCALLS(X) \
    LV_ARCH_SYSCALLS(X)
