// Protection keys as Linux provides them on a CPU without PKU (or with PKU but CR4.PKE
// off, which is our case: the kernel never enables it): no key can be allocated, no key
// but the default is valid, and pkey_mprotect with pkey -1 is plain mprotect.
// FIXME: real keys need CR4.PKE, PKRU in the thread state and the key in the PTEs.
#include <syscalls/memory.h>
#include <syscalls/pkey.h>

namespace {
constexpr u64 PKEY_DISABLE_ACCESS = 1, PKEY_DISABLE_WRITE = 2;
}

ErrorOr<long> sys_pkey_alloc(u64 flags, u64 access_rights) {
    if (flags || (access_rights & ~(PKEY_DISABLE_ACCESS | PKEY_DISABLE_WRITE))) return Errno::EINVAL;
    return Errno::ENOSPC; // every key the hardware offers is in use (there are none)
}

ErrorOr<long> sys_pkey_free(int) { return Errno::EINVAL; } // never allocated

ErrorOr<long> sys_pkey_mprotect(u64 addr, u64 length, int prot, int pkey) {
    if (pkey != -1) return Errno::EINVAL;
    return sys_mprotect(addr, length, prot);
}
