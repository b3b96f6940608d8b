// The kernel's architecture-neutral file status; <arch/abi.h> lays it out as each
// architecture's `struct stat`.
#pragma once
#include <lib/types.h>

struct KTimespec {
    i64 sec = 0;
    i64 nsec = 0;
};

struct KStat {
    u64 dev = 0, ino = 0, nlink = 1;
    u32 mode = 0, uid = 0, gid = 0;
    u64 rdev = 0;
    i64 size = 0, blksize = 4096, blocks = 0;
    KTimespec atime, mtime, ctime;
};
