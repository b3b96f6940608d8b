// aarch64 layouts of Linux structs whose shape differs between architectures
// (include/uapi/asm-generic/stat.h).
#pragma once
#include <abi/kstat.h>

namespace arch {
struct LinuxStat {
    u64 st_dev, st_ino;
    u32 st_mode, st_nlink, st_uid, st_gid;
    u64 st_rdev, pad1;
    i64 st_size;
    i32 st_blksize, pad2;
    i64 st_blocks;
    i64 st_atime; u64 st_atime_nsec;
    i64 st_mtime; u64 st_mtime_nsec;
    i64 st_ctime; u64 st_ctime_nsec;
    u32 unused4, unused5;
};
static_assert(sizeof(LinuxStat) == 128);
static_assert(__builtin_offsetof(LinuxStat, st_size) == 48);

inline LinuxStat to_linux_stat(const KStat& k) {
    LinuxStat s {};
    s.st_dev = k.dev; s.st_ino = k.ino; s.st_nlink = u32(k.nlink);
    s.st_mode = k.mode; s.st_uid = k.uid; s.st_gid = k.gid;
    s.st_rdev = k.rdev; s.st_size = k.size; s.st_blksize = i32(k.blksize); s.st_blocks = k.blocks;
    s.st_atime = k.atime.sec; s.st_atime_nsec = u64(k.atime.nsec);
    s.st_mtime = k.mtime.sec; s.st_mtime_nsec = u64(k.mtime.nsec);
    s.st_ctime = k.ctime.sec; s.st_ctime_nsec = u64(k.ctime.nsec);
    return s;
}

// struct epoll_event: naturally aligned (EPOLL_PACKED is x86_64's), 16 bytes.
// fs/epoll.cpp writes these.
struct LinuxEpollEvent {
    u32 events;
    u64 data;
};
static_assert(sizeof(LinuxEpollEvent) == 16);
} // namespace arch

// ---- fcntl.h values that differ between architectures (owned by fs/, see fs/fcntl.h;
// arch/arm64/include/uapi/asm/fcntl.h).
namespace arch::abi_fcntl {
constexpr u32 kODirectory = 040000;
constexpr u32 kONoFollow = 0100000;
constexpr u32 kODirect = 0200000;
constexpr u32 kOLargeFile = 0400000;
} // namespace arch::abi_fcntl
