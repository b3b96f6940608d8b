// Every syscall handler the kernel has, by family. Each family header declares its
// handlers (`ErrorOr<long> sys_<name>(typed args...)`) and a list macro
// LV_SYSCALLS_<FAMILY>(X) naming them. syscalls/dispatch.cpp maps the names that the
// arch's Linux number table (<arch/syscall_numbers.inc>) has onto these handlers;
// every other number returns ENOSYS. tools/gen_syscall_docs.py reads the same lists.
#pragma once
#include <arch/syscalls.h> // LV_ARCH_SYSCALLS: arch-only calls (x86_64: arch_prctl)
#include <syscalls/cred.h>
#include <syscalls/epoll.h>
#include <syscalls/eventfd.h>
#include <syscalls/fs.h>
#include <syscalls/futex.h>
#include <syscalls/levitate.h>
#include <syscalls/lifecycle.h> // LV_CUSTOM_SYSCALLS: LevitateOS's own numbers
#include <syscalls/memory.h>
#include <syscalls/mount.h>
#include <syscalls/poll.h>
#include <syscalls/process.h>
#include <syscalls/sched.h>
#include <syscalls/select.h>
#include <syscalls/signal.h>
#include <syscalls/signalfd.h>
#include <syscalls/sigwait.h>
#include <syscalls/sysinfo.h>
#include <syscalls/timers.h>
#include <syscalls/shm.h>
#include <syscalls/socket.h>
#include <syscalls/time.h>
#include <syscalls/timerfd.h>

#define LV_ALL_SYSCALLS(X) \
    LV_ARCH_SYSCALLS(X) \
    LV_SYSCALLS_PROCESS(X) \
    LV_SYSCALLS_LIFECYCLE(X) \
    LV_SYSCALLS_MEMORY(X) \
    LV_SYSCALLS_TIME(X) \
    LV_SYSCALLS_SIGNAL(X) \
    LV_SYSCALLS_SIGNAL2(X) \
    LV_SYSCALLS_FUTEX(X) \
    LV_SYSCALLS_FS(X) \
    LV_SYSCALLS_MOUNT(X) \
    LV_SYSCALLS_CRED(X) \
    LV_SYSCALLS_SCHED(X) \
    LV_SYSCALLS_SYSINFO(X) \
    LV_SYSCALLS_TIMERS(X) \
    LV_SYSCALLS_SIGWAIT(X) \
    LV_SYSCALLS_POLL(X) \
    LV_SYSCALLS_SELECT(X) \
    LV_SYSCALLS_SOCKET(X) \
    LV_SYSCALLS_EVENTFD(X) \
    LV_SYSCALLS_SHM(X) \
    LV_SYSCALLS_EPOLL(X) \
    LV_SYSCALLS_TIMERFD(X) \
    LV_SYSCALLS_SIGNALFD(X)
