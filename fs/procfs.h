// A small procfs: /proc/self, /proc/<pid>/{exe,fd/,cwd,comm,stat,status,cmdline,maps},
// /proc/meminfo, /proc/cpuinfo, /proc/uptime, /proc/mounts, /proc/filesystems, ...
#pragma once
#include <fs/inode.h>
#include <lib/format.h>

namespace fs {
FileSystem* create_procfs(); // null on ENOMEM

// Files of /proc/net: the network stack registers them at boot (net/inet/procnet.cpp),
// so that procfs depends on nothing above it. `files` must live for ever.
struct ProcNetFile {
    const char* name;
    void (*generate)(lv::PutChar put, void* ctx);
};
void register_proc_net_files(const ProcNetFile* files, size_t count);
} // namespace fs
