// Character device drivers and where they register (called once from fs::init()).
#pragma once
#include <fs/inode.h>

namespace fs {
void register_mem_devices(); // null, zero, full, random, urandom (major 1)
void register_tty_devices(); // tty (5,0), console (5,1)
// The console tty as an open-file driver (fds 0-2 of the first process).
FileOps& console_tty();
// The one devtmpfs instance (mounted on /dev by fs::init(); mount(2) of "devtmpfs" shares it).
FileSystem* devtmpfs();
// Console output channel of an open console file (File::private_data).
constexpr u32 kTtyChannelStdout = 1, kTtyChannelStderr = 2;
} // namespace fs
