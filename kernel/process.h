// Processes. A Process owns an address space, a file-descriptor table and a
// filesystem context (cwd, umask); its threads share them.
#pragma once
#include <lib/list.h>
#include <lib/types.h>

namespace fs {
class FdTable;   // fs/fd_table.h
struct FsContext; // fs/context.h
} // namespace fs
namespace mm {
class AddressSpace; // mm/address_space.h
}

namespace kernel {
struct Thread;

struct Credentials {
    u32 uid = 0, euid = 0, suid = 0, gid = 0, egid = 0, sgid = 0;
};

struct Process {
    int pid = 0;
    int ppid = 0;
    int pgid = 0, sid = 0;
    Credentials cred;
    mm::AddressSpace* as = nullptr;
    fs::FdTable* fds = nullptr;
    fs::FsContext* fs = nullptr;
    char exe_path[256] = {}; // /proc/self/exe
    char comm[16] = {};
    // ... (scheduling, exit state and children: see kernel/process.cpp)
};

Process& current_process();
Thread& current_thread();
} // namespace kernel
