// Address-space calls.
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_brk(u64 addr);
ErrorOr<long> sys_mmap(u64 addr, u64 length, int prot, int flags, int fd, u64 offset);
ErrorOr<long> sys_munmap(u64 addr, u64 length);
ErrorOr<long> sys_mprotect(u64 addr, u64 length, int prot);
// mprotect's checks and work, with pkey_mprotect's key (-1: keep each region's).
ErrorOr<long> do_mprotect(u64 addr, u64 length, int prot, int pkey);
ErrorOr<long> sys_madvise(u64 addr, u64 length, int advice);
ErrorOr<long> sys_mremap(u64 old_addr, u64 old_size, u64 new_size, int flags, u64 new_addr);
ErrorOr<long> sys_msync(u64 addr, u64 length, int flags);
ErrorOr<long> sys_mlock(u64 addr, u64 length);
ErrorOr<long> sys_munlock(u64 addr, u64 length);
ErrorOr<long> sys_mlock2(u64 addr, u64 length, unsigned flags);
ErrorOr<long> sys_mlockall(int flags);
ErrorOr<long> sys_munlockall();
ErrorOr<long> sys_mincore(u64 addr, u64 length, UserPtr<u8> vec);
ErrorOr<long> sys_remap_file_pages(u64 start, u64 size, int prot, u64 pgoff, int flags);
ErrorOr<long> sys_process_vm_readv(int pid, UserPtr<const void> local_iov, unsigned long liovcnt,
                                   UserPtr<const void> remote_iov, unsigned long riovcnt, unsigned long flags);
ErrorOr<long> sys_process_vm_writev(int pid, UserPtr<const void> local_iov, unsigned long liovcnt,
                                    UserPtr<const void> remote_iov, unsigned long riovcnt, unsigned long flags);

#define LV_SYSCALLS_MEMORY(X) \
    X(brk) X(mmap) X(munmap) X(mprotect) X(madvise) X(mremap) X(msync) X(mlock) X(mlock2) X(munlock) X(mlockall) X(munlockall) \
    X(process_vm_readv) X(process_vm_writev) X(mincore) X(remap_file_pages)
