// A small procfs: /proc/self, /proc/<pid>/{exe,fd/,cwd,comm,stat,status,cmdline,maps},
// /proc/meminfo, /proc/cpuinfo, /proc/uptime, /proc/mounts, /proc/filesystems, ...
#pragma once
#include <fs/inode.h>

namespace fs {
FileSystem* create_procfs(); // null on ENOMEM
} // namespace fs
