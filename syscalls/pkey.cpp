// Memory protection keys (pkeys(7)), as x86_64 Linux gives them: with PKU (CR4.PKE on,
// PKRU in each thread's XSAVE state) 16 keys, key 0 every page's default; a key is
// allocated per address space (mm::AddressSpace::pkey_alloc), tagged on regions by
// pkey_mprotect and enforced by the MMU through the calling thread's PKRU; pkey_alloc
// also sets the caller's rights for the new key. Without PKU no key can be allocated
// and none is valid, and pkey_mprotect with key -1 is mprotect.
// Not done: Linux's execute-only key (mprotect(PROT_EXEC) alone takes a key whose PKRU
// rights forbid reads): PROT_EXEC-only pages here stay readable, as without PKU.
#include <arch/interface.h>
#include <kernel/process.h>
#include <mm/address_space.h>
#include <syscalls/memory.h>
#include <syscalls/pkey.h>

namespace {
constexpr u64 PKEY_DISABLE_ACCESS = 1, PKEY_DISABLE_WRITE = 2;
mm::AddressSpace& as() { return *kernel::current_process().as(); }
} // namespace

ErrorOr<long> sys_pkey_alloc(u64 flags, u64 access_rights) {
    if (flags || (access_rights & ~(PKEY_DISABLE_ACCESS | PKEY_DISABLE_WRITE))) return Errno::EINVAL;
    int key = as().pkey_alloc();
    if (key < 0) return Errno::ENOSPC;
    arch::pkey_set_rights(unsigned(key), unsigned(access_rights));
    return key;
}

ErrorOr<long> sys_pkey_free(int pkey) {
    if (!as().pkey_free(pkey)) return Errno::EINVAL;
    return 0; // the threads' rights for it stay as they were, as on Linux
}

ErrorOr<long> sys_pkey_mprotect(u64 addr, u64 length, int prot, int pkey) {
    return do_mprotect(addr, length, prot, pkey);
}
