// Shared memory: memfd_create(2) and System V shared memory (shmget, shmat, shmdt,
// shmctl). Both are files of the kernel's tmpfs (fs/shmem.h) mapped shared.
#pragma once
#include <lib/format.h>
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_memfd_create(UserPtr<const char> name, unsigned flags);
ErrorOr<long> sys_shmget(int key, u64 size, int flags);
ErrorOr<long> sys_shmat(int id, u64 addr, int flags);
ErrorOr<long> sys_shmdt(u64 addr);
ErrorOr<long> sys_shmctl(int id, int cmd, UserPtr<void> buf);

// /proc/sysvipc/shm, in Linux's format.
void sysv_shm_table(lv::PutChar put, void* ctx);

#define LV_SYSCALLS_SHM(X) X(memfd_create) X(shmget) X(shmat) X(shmdt) X(shmctl)
