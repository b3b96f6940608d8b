// Syscalls that only aarch64 has: none for now (see syscalls/all.h).
#pragma once

#define LV_ARCH_SYSCALLS(X)
