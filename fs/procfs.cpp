// procfs: synthetic, generated on every read; a few files take writes (oom_score_adj).
//   /proc/self -> <pid>; /proc/<pid>/{exe,cwd} (magic links), fd/<n> (magic links),
//   comm, cmdline, stat, status; /proc/{meminfo,cpuinfo,stat,uptime,mounts,filesystems,version};
//   /proc/sys/fs/nr_open
// Inodes are made on lookup and die with their last reference.
#include <fs/context.h>
#include <drivers/block/cache.h>
#include <fs/data_pages.h>
#include <fs/ext2/ext2.h>
#include <fs/fd_table.h>
#include <fs/mutex.h>
#include <fs/fs_types.h>
#include <fs/path.h>
#include <fs/procfs.h>
#include <fs/vfs.h>
#include <kernel/cpu_stat.h>
#include <kernel/sync/giant.h>
#include <kernel/oom.h>
#include <kernel/sched.h>
#include <kernel/process.h>
#include <kernel/time.h>
#include <lib/format.h>
#include <mm/address_space.h>
#include <mm/phys.h>
#include <syscalls/shm.h>

namespace fs {
namespace {
constexpr u64 kProcMagic = 0x9fa0;

// A growable text buffer for generated files.
struct Text {
    char* buf = nullptr;
    size_t len = 0, cap = 0;
    ~Text() { kfree(buf); }
    void put(char c) {
        if (len + 1 >= cap) {
            size_t ncap = cap ? cap * 2 : 512;
            char* n = static_cast<char*>(kmalloc(ncap));
            if (!n) return; // out of memory: the file comes out short
            if (buf) memcpy(n, buf, len);
            kfree(buf);
            buf = n;
            cap = ncap;
        }
        buf[len++] = c;
    }
    // A lv::PutChar sink writing into the Text at `self`.
    static void sink(void* self, char c) { static_cast<Text*>(self)->put(c); }
    void printf(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
        va_list ap;
        va_start(ap, fmt);
        lv::vformat(sink, this, fmt, ap);
        va_end(ap);
    }
};

using Generator = void (*)(Text&, int pid);
// A writable file's parser: the text written (one write call's bytes, as Linux's
// single-write proc files take them).
using Writer = ErrorOr<void> (*)(int pid, const char* text, size_t n);

class ProcFile final : public Inode {
public:
    // `mmap_error`: what mmap(2) of it gives (ProcDir::lookup).
    ProcFile(FileSystem& fs, Generator g, int pid, Errno mmap_error, Writer w = nullptr)
        : Inode(fs, kIfreg | (w ? 0644 : 0444)), m_gen(g), m_writer(w), m_pid(pid), m_mmap_error(mmap_error) {}
    ErrorOr<void> can_mmap(File&) override { return m_mmap_error; }
    bool writable_tunable() const override { return m_writer != nullptr; }
    ErrorOr<size_t> write_at(u64, const IoBuffer& buf, size_t n) override {
        if (!m_writer) return Errno::EINVAL;
        char text[32];
        if (n >= sizeof text) return Errno::EINVAL;
        TRY(buf.read(0, text, n));
        text[n] = 0;
        TRY(m_writer(m_pid, text, n));
        return n;
    }
    ErrorOr<size_t> read_at(u64 offset, const IoBuffer& buf, size_t n) override {
        Text t;
        m_gen(t, m_pid);
        if (offset >= t.len) return 0;
        n = min<size_t>(n, t.len - offset);
        TRY(buf.write(0, t.buf + offset, n));
        return n;
    }

private:
    Generator m_gen;
    Writer m_writer;
    int m_pid;
    Errno m_mmap_error;
};

// A symlink whose text is computed, optionally "magic" (it resolves to an inode).
class ProcLink final : public Inode {
public:
    enum Kind { Self, Exe, Cwd, Fd };
    ProcLink(FileSystem& fs, Kind k, int pid, int fd = -1) : Inode(fs, kIflnk | 0777), m_kind(k), m_pid(pid), m_fd(fd) {}
    bool is_magic_link() const override { return m_kind != Self; }
    ErrorOr<size_t> readlink(char* buf, size_t cap) override;
    ErrorOr<lv::RefPtr<Inode>> follow_magic() override;

private:
    ErrorOr<lv::RefPtr<File>> file();
    Kind m_kind;
    int m_pid, m_fd;
};

struct DirChild {
    const char* name;
    Generator gen;     // a file, or
    int link_kind;     // a link (ProcLink::Kind), or -1
    bool fd_dir;
    bool net_dir = false; // /proc/net: its files come from net/inet/procnet.h
    int dir_kind = -1;    // another fixed directory (a ProcDir::Kind)
    Writer write = nullptr; // a writable file
};

// Directories with a fixed list of children plus, for the root, one per process;
// for fd/, one per open descriptor.
class ProcDir final : public Inode {
public:
    enum Kind { Root, Pid, FdDir, Net, Sys, SysFs, SysvIpc };
    ProcDir(FileSystem& fs, Kind k, int pid, Inode* parent) : Inode(fs, kIfdir | 0555), m_kind(k), m_pid(pid), m_parent(parent) {
        nlink = 2;
    }
    ErrorOr<lv::RefPtr<Inode>> lookup(lv::StringView name) override;
    ErrorOr<void> iterate(u64& cookie, DirEntrySink& sink) override;
    lv::RefPtr<Inode> parent() override { return m_parent ? m_parent : lv::RefPtr<Inode>(this); }
    // Every directory in procfs is a ProcDir, and path_of asks only about directories.
    bool name_of(Inode& child, char* buf, size_t cap, size_t& len) override {
        if (!child.is_dir() || &child.fs != &fs) return false;
        auto& c = static_cast<ProcDir&>(child);
        if (c.m_kind == FdDir) len = lv::snprintf(buf, cap, "fd");
        else if (c.m_kind == Pid) len = lv::snprintf(buf, cap, "%d", c.m_pid);
        else if (c.m_kind == Net) len = lv::snprintf(buf, cap, "net");
        else if (c.m_kind == Sys) len = lv::snprintf(buf, cap, "sys");
        else if (c.m_kind == SysFs) len = lv::snprintf(buf, cap, "fs");
        else if (c.m_kind == SysvIpc) len = lv::snprintf(buf, cap, "sysvipc");
        else return false;
        return len < cap;
    }
    ErrorOr<lv::RefPtr<Inode>> create(lv::StringView, u32, u64) override { return Errno::EACCES; }
    ErrorOr<lv::RefPtr<Inode>> symlink(lv::StringView, lv::StringView) override { return Errno::EACCES; }
    ErrorOr<void> link(lv::StringView, Inode&) override { return Errno::EACCES; }
    ErrorOr<void> unlink(lv::StringView, bool) override { return Errno::EACCES; }
    ErrorOr<void> rename(lv::StringView, Inode&, lv::StringView, u32) override { return Errno::EACCES; }

private:
    const DirChild* children(size_t& n) const;
    Kind m_kind;
    int m_pid;
    lv::RefPtr<Inode> m_parent;
};

// ---- generators
int self_pid() { return kernel::current_process().pid(); }

// Linux's order. Cached counts every file page in memory: tmpfs/ramfs files' (also in
// Shmem: they have nowhere else to be) and ext2's page cache; Buffers the buffer cache
// (metadata). Available: the free memory and ext2's clean pages, which reclaim gives
// back (mm/reclaim.h; Linux's estimate also counts its file LRU).
void gen_meminfo(Text& t, int) {
    constexpr u64 kKb = kDataPageSize >> 10;
    u64 total = mm::total_memory_bytes() >> 10, free = mm::free_memory_bytes() >> 10;
    u64 file_pages = data_pages_in_use(), ext2_pages = ext2::cached_file_pages();
    u64 shmem = file_pages > ext2_pages ? file_pages - ext2_pages : 0;
    drivers::block::CacheUsage buffers = drivers::block::usage();
    u64 ext2_dirty = ext2::dirty_file_pages();
    u64 dirty = ext2_dirty + buffers.dirty;
    u64 available = free + (ext2_pages > ext2_dirty ? ext2_pages - ext2_dirty : 0) * kKb;
    t.printf("MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
             "Buffers:        %8lu kB\nCached:         %8lu kB\nSwapTotal:             0 kB\n"
             "SwapFree:              0 kB\nDirty:          %8lu kB\nWriteback:             0 kB\n"
             "Shmem:          %8lu kB\n",
             total, free, available, buffers.pages * kKb, file_pages * kKb, dirty * kKb, shmem * kKb);
}
// The architecture formats each CPU's block as Linux does on it.
void gen_cpuinfo(Text& t, int) {
    for (int cpu = 0; cpu < kernel::online_cpus(); cpu++)
        arch::cpuinfo(cpu, Text::sink, &t);
}
// Linux's show_stat(): the sum over the CPUs, then each; guest times are 0 (no guests),
// and so are iowait, irq, softirq and steal (ticks are not split that finely here).
void put_cpu_line(Text& t, const char* name, const kernel::CpuStat& c) {
    t.printf("%s %lu %lu %lu %lu %lu %lu %lu %lu 0 0\n", name, c.user, c.nice, c.system, c.idle, c.iowait, c.irq,
             c.softirq, c.steal);
}
void gen_proc_stat(Text& t, int) {
    int cpus = kernel::online_cpus();
    kernel::CpuStat sum;
    for (int i = 0; i < cpus; i++) {
        kernel::CpuStat c = kernel::cpu_stat(i);
        sum.user += c.user, sum.nice += c.nice, sum.system += c.system, sum.idle += c.idle;
        sum.iowait += c.iowait, sum.irq += c.irq, sum.softirq += c.softirq, sum.steal += c.steal;
    }
    put_cpu_line(t, "cpu ", sum);
    for (int i = 0; i < cpus; i++) {
        char name[16];
        lv::snprintf(name, sizeof name, "cpu%d", i);
        put_cpu_line(t, name, kernel::cpu_stat(i));
    }
    // btime: when the system booted, in seconds since the epoch.
    i64 btime = kernel::time::realtime_now().sec - i64(kernel::time::boot_ns() / 1000000000);
    t.printf("intr %lu\nctxt %lu\nbtime %ld\nprocesses %lu\nprocs_running %d\nprocs_blocked 0\n"
             "softirq 0 0 0 0 0 0 0 0 0 0 0\n",
             kernel::interrupts_taken(), kernel::context_switches(), btime, kernel::tasks_created(),
             kernel::sched::runnable_threads());
}
void gen_uptime(Text& t, int) {
    u64 ns = kernel::time::boot_ns();
    t.printf("%lu.%02lu 0.00\n", ns / 1000000000, (ns / 10000000) % 100);
}
void gen_version(Text& t, int) { t.printf("Linux version 6.1.0-levitate (LevitateOS)\n"); }
// Linux's format: "nodev" and a tab before a type that needs no device, a tab alone
// before one that mounts a block device. What mount(2) takes (syscalls/fs_mount.cpp),
// and rootfs and pipefs, which exist without being mountable, as on Linux.
void gen_filesystems(Text& t, int) {
    t.printf("nodev\tsysfs\nnodev\trootfs\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\nnodev\tpipefs\nnodev\tramfs\n");
    for (size_t i = 0; i < block_fs_count(); i++) t.printf("\t%s\n", block_fs(i).name);
}
void gen_mounts(Text& t, int) {
    char* path = static_cast<char*>(kmalloc(kPathMax));
    if (!path) return;
    lv::RefPtr<Inode> mp;
    MutexLocker l(vfs_lock()); // the filesystems stay while it is held
    for (size_t i = 0; FileSystem* f = mount_at(i, mp); i++) {
        auto len = mp ? path_of(*mp, path, kPathMax) : ErrorOr<size_t>(size_t(1));
        if (!mp) memcpy(path, "/", 2);
        if (len.is_error()) continue;
        t.printf("%s %s %s %s 0 0\n", f->source ? f->source : f->name, path, f->name, f->read_only ? "ro" : "rw");
    }
    kfree(path);
}
// Linux's show_map_vma: "start-end perms offset dev inode", the name padded to column
// 73: the file's path for a file mapping (" (deleted)" once unlinked; shared anonymous
// memory is "/dev/zero (deleted)", as Linux's shmem file).
void put_map_line(Text& t, const mm::VmaView& v, char* path) {
    size_t start = t.len;
    u64 dev = 0, ino = 0;
    if (v.file) v.file->vm_identity(dev, ino);
    t.printf("%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", v.start, v.end, v.prot & mm::kProtRead ? 'r' : '-',
             v.prot & mm::kProtWrite ? 'w' : '-', v.prot & mm::kProtExec ? 'x' : '-',
             v.flags & mm::kMapShared ? 's' : 'p', v.file ? v.pgoff * arch::kPageSize : 0, dev_major(dev),
             dev_minor(dev), ino);
    size_t len = 0;
    if (v.file && path) len = v.file->vm_path(path, kPathMax - 1);
    const char* name = v.name;
    if (len) {
        path[len] = 0;
        name = path;
    }
    if (name[0]) {
        while (t.len - start < 73) t.put(' ');
        t.printf("%s", name);
    }
    t.put('\n');
}

// maps, or smaps with `detail`: each region's counts after its line (Linux's
// show_smap; what is never there here, huge pages and swap, is 0).
void gen_regions(Text& t, int pid, bool detail) {
    lv::RefPtr<mm::AddressSpace> as;
    {
        kernel::giant::Section g;
        if (auto* p = kernel::find_process(pid)) as = p->as();
    }
    if (!as) return;
    lv::Vector<mm::VmaView> views;
    if (as->views(views).is_error()) return;
    char* path = static_cast<char*>(kmalloc(kPathMax));
    for (const mm::VmaView& v : views) {
        put_map_line(t, v, path);
        if (!detail) continue;
        mm::AddressSpace::PageStats st = as->page_stats(v.start, v.end);
        auto kb = [](u64 bytes) { return bytes >> 10; };
        t.printf("Size:           %8lu kB\nKernelPageSize: %8lu kB\nMMUPageSize:    %8lu kB\nRss:            %8lu kB\n"
                 "Pss:            %8lu kB\nShared_Clean:   %8lu kB\nShared_Dirty:   %8lu kB\n"
                 "Private_Clean:  %8lu kB\nPrivate_Dirty:  %8lu kB\nReferenced:     %8lu kB\n"
                 "Anonymous:      %8lu kB\nLazyFree:              0 kB\nAnonHugePages:         0 kB\n"
                 "ShmemPmdMapped:        0 kB\nFilePmdMapped:         0 kB\nShared_Hugetlb:        0 kB\n"
                 "Private_Hugetlb:       0 kB\nSwap:                  0 kB\nSwapPss:               0 kB\n"
                 "Locked:         %8lu kB\nTHPeligible:    0\nVmFlags:",
                 kb(v.end - v.start), kb(arch::kPageSize), kb(arch::kPageSize), kb(st.rss), kb(st.pss),
                 kb(st.shared_clean), kb(st.shared_dirty), kb(st.private_clean), kb(st.private_dirty), kb(st.rss),
                 kb(st.anon), (v.advice & mm::kAdviceLocked) ? kb(st.pss) : 0ul);
        // Linux's mnemonics for what is kept here.
        if (v.prot & mm::kProtRead) t.printf(" rd");
        if (v.prot & mm::kProtWrite) t.printf(" wr");
        if (v.prot & mm::kProtExec) t.printf(" ex");
        if (v.flags & mm::kMapShared) t.printf(" sh");
        t.printf(" mr");
        if (v.may_write) t.printf(" mw");
        t.printf(" me");
        if (v.flags & mm::kMapShared) t.printf(" ms");
        if (v.flags & mm::kMapGrowsDown) t.printf(" gd");
        if (v.advice & mm::kAdviceLocked) t.printf(" lo");
        if (v.advice & mm::kAdviceDontFork) t.printf(" dc");
        if (v.advice & mm::kAdviceWipeOnFork) t.printf(" wf");
        t.printf(" \n");
    }
    kfree(path);
    mm::AddressSpace::put_views(views);
}
void gen_maps(Text& t, int pid) { gen_regions(t, pid, false); }
void gen_smaps(Text& t, int pid) { gen_regions(t, pid, true); }

// Linux's statm: size resident shared text lib data dt, in pages (lib and dt are 0 on
// Linux too).
void gen_statm(Text& t, int pid) {
    lv::RefPtr<mm::AddressSpace> as;
    {
        kernel::giant::Section g;
        if (auto* p = kernel::find_process(pid)) as = p->as();
    }
    if (!as) {
        t.printf("0 0 0 0 0 0 0\n");
        return;
    }
    mm::AddressSpace::VmSizes s = as->sizes();
    mm::AddressSpace::Rss r = as->rss();
    t.printf("%lu %lu %lu %lu 0 %lu 0\n", s.total / arch::kPageSize, r.anon + r.file + r.shmem, r.file + r.shmem,
             as->code_pages(), (s.data + s.stack) / arch::kPageSize);
}

void gen_comm(Text& t, int pid) {
    kernel::giant::Section g; // the name (the giant lock)
    if (auto* p = kernel::find_process(pid)) t.printf("%s\n", p->comm());
}
void gen_cmdline(Text& t, int pid) {
    kernel::giant::Section g; // the name (the giant lock)
    if (auto* p = kernel::find_process(pid)) { // FIXME: argv is not kept; the name stands in
        t.printf("%s", p->comm());
        t.put('\0');
    }
}
// Linux's task_state: R running or runnable, S asleep, T stopped, Z zombie. A process
// is R when any of its threads is (fs/proc/array.c looks at the leader; here any thread
// stands for the process).
char state_of(kernel::Process& p) LV_REQUIRES_GIANT {
    if (p.zombie()) return 'Z';
    if (p.stopped()) return 'T';
    kernel::giant::Section g; // p.threads (the giant lock), and the run states
    for (kernel::Thread& t : p.threads())
        if (kernel::sched::is_runnable(t)) return 'R';
    return 'S';
}
const char* state_name(char s) {
    switch (s) {
    case 'R': return "R (running)";
    case 'T': return "T (stopped)";
    case 'Z': return "Z (zombie)";
    default: return "S (sleeping)";
    }
}

// Linux's do_task_stat: 52 fields. Times are in USER_HZ (100) ticks. What is not kept
// here is 0, as Linux shows it to a reader without ptrace access to the process: the
// tty (no controlling terminals yet; tpgid -1), fault counts, the code and stack
// addresses, kstkesp/kstkeip, the argument and environment addresses.
void gen_stat(Text& t, int pid) LV_REQUIRES_GIANT {
    auto* p = kernel::find_process(pid);
    if (!p) return;
    constexpr u64 kTick = 10000000; // ns per USER_HZ tick
    char state = state_of(*p);
    u64 vsize = 0, rss = 0, brk_start = 0;
    u64 pending, blocked = 0, ignored = 0, caught = 0;
    kernel::SchedAttr sched {};
    u32 processor = 0;
    {
        kernel::giant::Section g;
        if (mm::AddressSpace* as = p->as().get()) {
            vsize = as->mapped_bytes();
            brk_start = as->brk_start();
        }
        rss = kernel::resident_pages(*p);
        pending = p->pending().bits();
        if (kernel::Thread* main = p->threads().first()) {
            pending |= main->pending().bits();
            blocked = main->sigmask();
            sched = main->sched_attr();
            processor = kernel::sched::cpu_of(*main);
        }
    }
    if (p->sighand()) p->sighand()->dispositions(ignored, caught);
    bool rt = sched.real_time();
    long priority = rt ? -1 - long(sched.priority) : 20 + sched.nice;
    constexpr u32 kPfExiting = 0x4;
    t.printf("%d (%s) %c %d %d %d 0 -1 %u 0 0 0 0 %lu %lu %lu %lu %ld %d %d 0 %lu %lu %lu %lu 0 0 0 0 0 "
             "%lu %lu %lu %lu %d 0 0 %d %u %u %u 0 0 0 0 0 %lu 0 0 0 0 %d\n",
             p->pid(), p->comm(), state, p->parent() ? p->parent()->pid() : 0, p->pgid(), p->sid(),
             p->exit_started() ? kPfExiting : 0u, p->tick_utime_ns() / kTick, p->tick_stime_ns() / kTick,
             p->children_cpu().utime_ns / kTick, p->children_cpu().stime_ns / kTick, priority, int(sched.nice),
             p->live_threads(), p->start_ns() / kTick, vsize, rss, p->rlimit(kernel::kRlimitRss).cur, pending, blocked,
             ignored, caught, state == 'S' ? 1 : 0 /* wchan: asleep */, p->exit_signal(), processor,
             rt ? u32(sched.priority) : 0u, u32(sched.policy), brk_start, p->zombie() ? p->wait_status() : 0);
}
void gen_status(Text& t, int pid) LV_REQUIRES_GIANT {
    auto* p = kernel::find_process(pid);
    if (!p) return;
    kernel::Credentials c = p->creds();
    t.printf("Name:\t%s\nState:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n",
             p->comm(), state_name(state_of(*p)), p->pid(), p->pid(), p->parent() ? p->parent()->pid() : 0,
             c.uid, c.euid, c.suid, c.fsuid, c.gid, c.egid, c.sgid, c.fsgid);
    // Memory, in Linux's task_mem terms (a zombie has none: no lines, as Linux).
    if (mm::AddressSpace* as = p->as().get()) {
        constexpr u64 kKb = arch::kPageSize >> 10;
        mm::AddressSpace::VmSizes s = as->sizes();
        mm::AddressSpace::Rss r = as->rss();
        t.printf("VmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\nRssFile:\t%8lu kB\n"
                 "RssShmem:\t%8lu kB\nVmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmSwap:\t%8lu kB\n",
                 s.total >> 10, as->locked_bytes() >> 10, (r.anon + r.file + r.shmem) * kKb, r.anon * kKb,
                 r.file * kKb, r.shmem * kKb, s.data >> 10, s.stack >> 10, 0ul);
    }
    t.printf("Threads:\t%d\n", p->live_threads());
}

void gen_oom_score(Text& t, int pid) {
    if (auto* p = kernel::find_process(pid)) t.printf("%lu\n", kernel::oom_score(*p));
}
void gen_oom_score_adj(Text& t, int pid) LV_REQUIRES_GIANT {
    if (auto* p = kernel::find_process(pid)) t.printf("%d\n", p->oom_score_adj());
}
// Linux's oom_score_adj_write: an integer in [-1000, 1000] (surrounding blanks allowed);
// lowering it below its current value needs CAP_SYS_RESOURCE (root here).
ErrorOr<void> set_oom_score_adj(int pid, const char* text, size_t n) LV_REQUIRES_GIANT {
    size_t i = 0;
    while (i < n && (text[i] == ' ' || text[i] == '\t')) i++;
    bool neg = i < n && text[i] == '-';
    if (neg || (i < n && text[i] == '+')) i++;
    if (i >= n || text[i] < '0' || text[i] > '9') return Errno::EINVAL;
    long v = 0;
    for (; i < n && text[i] >= '0' && text[i] <= '9'; i++) {
        v = v * 10 + (text[i] - '0');
        if (v > 100000) return Errno::EINVAL;
    }
    while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) i++;
    if (i != n) return Errno::EINVAL;
    if (neg) v = -v;
    if (v < kernel::kOomScoreAdjMin || v > kernel::kOomScoreAdjMax) return Errno::EINVAL;
    auto* p = kernel::find_process(pid);
    if (!p || p->zombie()) return Errno::ESRCH;
    if (v < p->oom_score_adj() && !kernel::capable(kernel::current_process())) return Errno::EACCES;
    p->set_oom_score_adj(int(v));
    return {};
}
void gen_nr_open(Text& t, int) { t.printf("%d\n", FdTable::kMaxFds); }

// /proc/net/<file>: the network stack writes it; `index` is the file's.
// Set once at boot, before any process runs (register_proc_net_files).
const ProcNetFile* g_net_files = nullptr;
size_t g_net_count = 0;

void gen_net(Text& t, int index) {
    size_t count = g_net_count;
    const auto* files = g_net_files;
    if (size_t(index) < count) files[index].generate(Text::sink, &t);
}

const DirChild kRootChildren[] = {
    {"self", nullptr, ProcLink::Self, false}, {"meminfo", gen_meminfo, -1, false},
    {"cpuinfo", gen_cpuinfo, -1, false},      {"uptime", gen_uptime, -1, false},
    {"stat", gen_proc_stat, -1, false},
    {"version", gen_version, -1, false},      {"filesystems", gen_filesystems, -1, false},
    {"mounts", gen_mounts, -1, false},      {"net", nullptr, -1, false, true},
    {"sys", nullptr, -1, false, false, ProcDir::Sys},
    {"sysvipc", nullptr, -1, false, false, ProcDir::SysvIpc},
};
void gen_sysvipc_shm(Text& t, int) { sysv_shm_table(Text::sink, &t); }
const DirChild kSysvIpcChildren[] = {{"shm", gen_sysvipc_shm, -1, false}};
const DirChild kSysChildren[] = {{"fs", nullptr, -1, false, false, ProcDir::SysFs}};
const DirChild kSysFsChildren[] = {{"nr_open", gen_nr_open, -1, false}};
const DirChild kPidChildren[] = {
    {"exe", nullptr, ProcLink::Exe, false},  {"cwd", nullptr, ProcLink::Cwd, false},
    {"fd", nullptr, -1, true},               {"comm", gen_comm, -1, false},
    {"cmdline", gen_cmdline, -1, false},     {"stat", gen_stat, -1, false},
    {"status", gen_status, -1, false},       {"mounts", gen_mounts, -1, false},
    {"oom_score", gen_oom_score, -1, false}, {"oom_score_adj", gen_oom_score_adj, -1, false, false, -1, set_oom_score_adj},
    {"maps", gen_maps, -1, false},           {"statm", gen_statm, -1, false},
    {"smaps", gen_smaps, -1, false},
};

bool parse_int(lv::StringView s, int& out) {
    if (s.empty() || s.size > 9) return false;
    int v = 0;
    for (size_t i = 0; i < s.size; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

ErrorOr<lv::RefPtr<File>> ProcLink::file() {
    auto* p = kernel::find_process(m_pid);
    if (!p || !p->fds()) return Errno::ENOENT;
    return p->fds()->get(m_fd);
}

ErrorOr<size_t> ProcLink::readlink(char* buf, size_t cap) {
    auto* p = kernel::find_process(m_kind == Self ? self_pid() : m_pid);
    if (!p) return Errno::ENOENT;
    switch (m_kind) {
    case Self: return min(cap, lv::snprintf(buf, cap, "%d", p->pid()));
    case Exe: {
        kernel::giant::Section g; // the path (the giant lock)
        size_t n = min(cap, strlen(p->exe_path()));
        memcpy(buf, p->exe_path(), n);
        return n;
    }
    case Cwd:
        if (!p->fs()) return Errno::ENOENT;
        return path_of(*p->fs()->cwd, buf, cap);
    case Fd: {
        auto f = TRY(file());
        Inode& i = *f->inode;
        if (i.is_dir()) return path_of(i, buf, cap);
        if (i.is_fifo() && i.fs.magic == 0x50495045) return min(cap, lv::snprintf(buf, cap, "pipe:[%lu]", i.ino));
        if (i.type() == kIfsock && i.fs.magic == 0x534F434B) // sockfs (net/socket.h)
            return min(cap, lv::snprintf(buf, cap, "socket:[%lu]", i.ino));
        auto named = f->path(buf, cap);
        if (!named.is_error() || named.error() != Errno::ENOENT) return named;
        if (i.is_chardev() && dev_major(i.rdev) == 5) return min(cap, lv::snprintf(buf, cap, "/dev/console"));
        return min(cap, lv::snprintf(buf, cap, "anon_inode:[%s]", i.fs.name));
    }
    }
    return Errno::EINVAL;
}

ErrorOr<lv::RefPtr<Inode>> ProcLink::follow_magic() {
    auto* p = kernel::find_process(m_pid);
    if (!p) return Errno::ENOENT;
    switch (m_kind) {
    case Exe: {
        char path[256];
        {
            kernel::giant::Section g; // the path (the giant lock)
            lv::copy_truncated(path, sizeof path, p->exe_path());
        }
        auto root = process_root();
        return resolve(*root, path, true);
    }
    case Cwd:
        if (!p->fs()) return Errno::ENOENT;
        return p->fs()->cwd;
    case Fd: return TRY(file())->inode;
    case Self: break;
    }
    return Errno::EINVAL;
}

const DirChild* ProcDir::children(size_t& n) const {
    if (m_kind == Root) { n = sizeof kRootChildren / sizeof kRootChildren[0]; return kRootChildren; }
    if (m_kind == Pid) { n = sizeof kPidChildren / sizeof kPidChildren[0]; return kPidChildren; }
    if (m_kind == Sys) { n = 1; return kSysChildren; }
    if (m_kind == SysFs) { n = 1; return kSysFsChildren; }
    if (m_kind == SysvIpc) { n = 1; return kSysvIpcChildren; }
    n = 0;
    return nullptr;
}

ErrorOr<lv::RefPtr<Inode>> ProcDir::lookup(lv::StringView name) {
    if (is_dot(name)) return lv::RefPtr<Inode>(this);
    if (is_dotdot(name)) return parent();
    size_t n;
    const DirChild* c = children(n);
    for (size_t i = 0; i < n; i++) {
        if (!(lv::StringView(c[i].name) == name)) continue;
        if (c[i].gen) {
            // Linux: EIO from the entries of /proc itself (pde_mmap), ENODEV from a
            // process's files and /proc/sys (no mmap in their file_operations). Its
            // /proc/mounts is a link to self/mounts.
            bool pde = m_kind == Root && c[i].gen != gen_mounts;
            return make_inode<ProcFile>(fs, c[i].gen, m_pid, pde ? Errno::EIO : Errno::ENODEV, c[i].write);
        }
        if (c[i].fd_dir) return make_inode<ProcDir>(fs, FdDir, m_pid, this);
        if (c[i].net_dir) return make_inode<ProcDir>(fs, Net, 0, this);
        if (c[i].dir_kind >= 0) return make_inode<ProcDir>(fs, Kind(c[i].dir_kind), 0, this);
        return make_inode<ProcLink>(fs, ProcLink::Kind(c[i].link_kind), m_pid);
    }
    if (m_kind == Net) {
        size_t count = g_net_count;
        const auto* files = g_net_files;
        for (size_t i = 0; i < count; i++)
            if (lv::StringView(files[i].name) == name) return make_inode<ProcFile>(fs, gen_net, int(i), Errno::EIO);
        return Errno::ENOENT;
    }
    int num;
    if (!parse_int(name, num)) return Errno::ENOENT;
    if (m_kind == Root) {
        if (!kernel::find_process(num)) return Errno::ENOENT;
        return make_inode<ProcDir>(fs, Pid, num, this);
    }
    if (m_kind == FdDir) {
        auto* p = kernel::find_process(m_pid);
        if (!p || !p->fds() || p->fds()->get(num).is_error()) return Errno::ENOENT;
        auto link = TRY(make_inode<ProcLink>(fs, ProcLink::Fd, m_pid, num));
        link->mode = kIflnk | 0700;
        return link;
    }
    return Errno::ENOENT;
}

ErrorOr<void> ProcDir::iterate(u64& cookie, DirEntrySink& sink) {
    // Cookies: 0 ".", 1 "..", 2.. fixed children, then 1000 + pid / fd number.
    if (!emit_dot_entries(*this, cookie, sink)) return {};
    size_t n;
    const DirChild* c = children(n);
    for (; cookie - 2 < n; cookie++) {
        u8 type = c[cookie - 2].gen ? kDtReg : (c[cookie - 2].fd_dir || c[cookie - 2].net_dir || c[cookie - 2].dir_kind >= 0) ? kDtDir : kDtLnk;
        if (!sink.emit(c[cookie - 2].name, 0x1000 + cookie, type, cookie + 1)) return {};
    }
    if (cookie < 1000) cookie = 1000;
    if (m_kind == Net) {
        size_t count = g_net_count;
        const auto* files = g_net_files;
        for (; cookie - 1000 < count; cookie++)
            if (!sink.emit(files[cookie - 1000].name, 0x300000 + cookie, kDtReg, cookie + 1)) return {};
        return {};
    }
    char name[16];
    if (m_kind == Root) {
        // Processes in pid order from the cookie on.
        for (;;) {
            int best = -1;
            kernel::for_each_process([&](kernel::Process& p) LV_REQUIRES_GIANT {
                if (u64(p.pid()) + 1000 >= cookie && (best < 0 || p.pid() < best)) best = p.pid();
            });
            if (best < 0) return {};
            size_t len = lv::snprintf(name, sizeof name, "%d", best);
            if (!sink.emit(lv::StringView(name, len), 0x100000 + u64(best), kDtDir, u64(best) + 1001)) return {};
            cookie = u64(best) + 1001;
        }
    }
    if (m_kind == FdDir) {
        auto* p = kernel::find_process(m_pid);
        if (!p || !p->fds()) return {};
        // The cookie may be anything lseek(2) put there: counted as unsigned, a huge one is
        // past the end (as an int it went negative and walked 2^31 descriptors).
        for (u64 fd = cookie - 1000; fd < u64(p->fds()->limit()); fd++) {
            if (p->fds()->get(int(fd)).is_error()) continue;
            size_t len = lv::snprintf(name, sizeof name, "%d", int(fd));
            if (!sink.emit(lv::StringView(name, len), 0x200000 + u64(fd), kDtLnk, u64(fd) + 1001)) return {};
            cookie = u64(fd) + 1001;
        }
    }
    return {};
}
} // namespace

void register_proc_net_files(const ProcNetFile* files, size_t count) {
    g_net_files = files;
    g_net_count = count;
}

FileSystem* create_procfs() {
    auto* f = lv::make<FileSystem>();
    if (!f) return nullptr;
    f->dev = FileSystem::allocate_dev();
    f->magic = kProcMagic;
    f->name = "proc";
    f->read_only = true;
    auto* root = lv::make<ProcDir>(*f, ProcDir::Root, 0, nullptr);
    if (!root) {
        lv::destroy(f);
        return nullptr;
    }
    f->root = lv::RefPtr<Inode>::adopt(root);
    return f;
}
} // namespace fs
