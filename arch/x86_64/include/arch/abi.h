// x86_64 layouts of Linux structs whose shape differs between architectures
// (arch/x86/include/uapi/asm/stat.h).
#pragma once
#include <abi/kstat.h>

namespace arch {
struct LinuxStat {
    u64 st_dev, st_ino, st_nlink;
    u32 st_mode, st_uid, st_gid;
    i32 pad0;
    u64 st_rdev;
    i64 st_size, st_blksize, st_blocks;
    u64 st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
    i64 unused[3];
};
static_assert(sizeof(LinuxStat) == 144);
static_assert(__builtin_offsetof(LinuxStat, st_size) == 48);

inline LinuxStat to_linux_stat(const KStat& k) {
    LinuxStat s {};
    s.st_dev = k.dev; s.st_ino = k.ino; s.st_nlink = k.nlink;
    s.st_mode = k.mode; s.st_uid = k.uid; s.st_gid = k.gid;
    s.st_rdev = k.rdev; s.st_size = k.size; s.st_blksize = k.blksize; s.st_blocks = k.blocks;
    s.st_atime = u64(k.atime.sec); s.st_atime_nsec = u64(k.atime.nsec);
    s.st_mtime = u64(k.mtime.sec); s.st_mtime_nsec = u64(k.mtime.nsec);
    s.st_ctime = u64(k.ctime.sec); s.st_ctime_nsec = u64(k.ctime.nsec);
    return s;
}

// struct epoll_event: packed on x86_64 only (EPOLL_PACKED in include/uapi/linux/eventpoll.h),
// 12 bytes. fs/epoll.cpp writes these.
struct __attribute__((packed)) LinuxEpollEvent {
    u32 events;
    u64 data;
};
static_assert(sizeof(LinuxEpollEvent) == 12);
} // namespace arch

// ---- fcntl.h values that differ between architectures (owned by fs/, see fs/fcntl.h;
// arch/x86/include/uapi/asm/fcntl.h takes the asm-generic ones).
namespace arch::abi_fcntl {
constexpr u32 kODirect = 040000;
constexpr u32 kOLargeFile = 0100000;
constexpr u32 kODirectory = 0200000;
constexpr u32 kONoFollow = 0400000;
} // namespace arch::abi_fcntl
