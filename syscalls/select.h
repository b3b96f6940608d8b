// select(2) (x86_64 only) and pselect6(2).
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_select(int nfds, UserPtr<u64> readfds, UserPtr<u64> writefds, UserPtr<u64> exceptfds,
                         UserPtr<void> timeout);
ErrorOr<long> sys_pselect6(int nfds, UserPtr<u64> readfds, UserPtr<u64> writefds, UserPtr<u64> exceptfds,
                           UserPtr<void> timeout, UserPtr<void> sigmask_pack);

#define LV_SYSCALLS_SELECT(X) X(select) X(pselect6)
