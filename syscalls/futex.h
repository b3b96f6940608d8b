// futex(2).
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_futex(UserPtr<u32> uaddr, int op, u32 val, u64 timeout_or_val2, UserPtr<u32> uaddr2, u32 val3);

#define LV_SYSCALLS_FUTEX(X) X(futex)
