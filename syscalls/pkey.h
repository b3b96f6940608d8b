// Memory protection keys (pkeys(7)). Only x86_64 Linux 6.1 has these calls, so they are
// in x86_64's arch list (arch/x86_64/include/arch/syscalls.h); aarch64 gets ENOSYS.
#pragma once
#include <lib/result.h>
#include <lib/types.h>

ErrorOr<long> sys_pkey_alloc(u64 flags, u64 access_rights);
ErrorOr<long> sys_pkey_free(int pkey);
ErrorOr<long> sys_pkey_mprotect(u64 addr, u64 length, int prot, int pkey);

