// Mount-table calls beyond mount(2)/umount2(2) (those are in syscalls/fs_mount.cpp).
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_pivot_root(UserPtr<const char> new_root, UserPtr<const char> put_old);

#define LV_SYSCALLS_MOUNT(X) X(pivot_root)
