// eventfd(2) (x86_64 only) and eventfd2(2).
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_eventfd2(unsigned initval, int flags);
ErrorOr<long> sys_eventfd(unsigned initval);

#define LV_SYSCALLS_EVENTFD(X) X(eventfd2) X(eventfd)
