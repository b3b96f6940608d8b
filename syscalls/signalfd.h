// signalfd(2) (x86_64 only) and signalfd4(2) (the files are in fs/signalfd.cpp).
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_signalfd4(int fd, UserPtr<u64> mask, usize sizemask, int flags);
ErrorOr<long> sys_signalfd(int fd, UserPtr<u64> mask, usize sizemask);

#define LV_SYSCALLS_SIGNALFD(X) X(signalfd4) X(signalfd)
