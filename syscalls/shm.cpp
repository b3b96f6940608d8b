// memfd_create(2) and System V shared memory. A memfd is a file of the kernel's tmpfs
// with a descriptor and seals; a SysV segment is one with a key and an id, mapped shared
// by shmat. The segment's memory lives as long as its file: the table's reference
// until IPC_RMID, and each attached region's (so a removed segment stays until the last
// detach, as Linux's SHM_DEST).
#include <fs/fcntl.h>
#include <fs/mutex.h>
#include <fs/ramfs.h>
#include <fs/shmem.h>
#include <kernel/cred.h>
#include <kernel/process.h>
#include <kernel/sync/mutex.h>
#include <kernel/time.h>
#include <lib/format.h>
#include <lib/vector.h>
#include <mm/address_space.h>
#include <syscalls/fs_util.h>
#include <syscalls/shm.h>

using namespace kernel;

ErrorOr<long> sys_memfd_create(UserPtr<const char> uname, unsigned flags) {
    constexpr unsigned kCloexec = 1, kAllowSealing = 2, kHugetlb = 4;
    constexpr size_t kNameMax = 249; // NAME_MAX - strlen("memfd:")
    if (flags & ~(kCloexec | kAllowSealing | kHugetlb)) return Errno::EINVAL;
    if (flags & kHugetlb) return Errno::EINVAL; // no huge pages (Linux without hugetlbfs)
    char name[6 + kNameMax + 2] = "/memfd:";
    auto len = mm::copy_string_from_user(name + 7, uname.addr(), kNameMax + 1);
    if (len.is_error()) return len.error() == Errno::ENAMETOOLONG ? Errno::EINVAL : len.error();
    // Linux: mode 0777 before the umask, sealable only when asked.
    auto file = TRY(fs::shmem_file(lv::StringView(name, 7 + len.value()), 0, 0777));
    {
        fs::MutexLocker l(fs::vfs_lock());
        static_cast<fs::RamFile&>(*file->inode).make_memfd((flags & kAllowSealing) ? 0u : u32(fs::kSealSeal));
    }
    file->flags |= fs::kOLargeFile;
    return long(TRY(fs::sc::fds().allocate(lv::move(file), flags & kCloexec)));
}

namespace {
// ipc.h / shm.h values (the same on every Linux arch).
constexpr int kIpcPrivate = 0;
constexpr int kIpcCreat = 01000, kIpcExcl = 02000;
constexpr int kIpcRmid = 0, kIpcSet = 1, kIpcStat = 2, kIpcInfo = 3;
constexpr int kShmLock = 11, kShmUnlock = 12, kShmStat = 13, kShmInfo = 14, kShmStatAny = 15;
constexpr int kShmRdonly = 010000, kShmRnd = 020000, kShmRemap = 040000, kShmExec = 0100000;
constexpr u32 kShmDest = 01000, kShmLocked = 02000; // in shm_perm.mode
constexpr u64 kShmMin = 1, kShmMni = 4096;
constexpr u64 kShmMax = ~0ull - (1ull << 24); // Linux's SHMMAX and SHMALL defaults
constexpr u32 kSeqMultiplier = 32768;         // ipcid = seq * SEQ_MULTIPLIER + index

// struct ipc64_perm and struct shmid64_ds as x86_64 and arm64 lay them out.
struct Ipc64Perm {
    i32 key;
    u32 uid, gid, cuid, cgid, mode;
    u16 seq, pad2;
    u64 unused1, unused2;
};
struct ShmidDs {
    Ipc64Perm perm;
    u64 segsz;
    i64 atime, dtime, ctime;
    i32 cpid, lpid;
    u64 nattch, unused4, unused5;
};
static_assert(sizeof(Ipc64Perm) == 48 && sizeof(ShmidDs) == 112);
struct ShmInfo64 { // IPC_INFO
    u64 shmmax, shmmin, shmmni, shmseg, shmall, unused[4];
};
struct ShmInfo { // SHM_INFO
    i32 used_ids;
    u64 shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};

struct Segment {
    int key;
    u16 seq;
    u64 size;
    u32 uid, gid, cuid, cgid, mode; // mode: permissions, SHM_DEST, SHM_LOCKED
    i64 atime = 0, dtime = 0, ctime = 0;
    int cpid, lpid = 0;
    lv::RefPtr<fs::File> file;
    u64 attached() const { return file->inode->regions(); }
};

// The segments by index (null: free). Two locks: the system calls run one at a time
// under g_shm_ops, a mutex (they make files, map and unmap, which sleep), ordered
// before the VFS lock; the table and the segments' fields are read and changed under
// g_shm_table, a spinlock, which /proc/sysvipc/shm takes alone (its read holds the VFS
// lock). Nothing that sleeps runs under the spinlock: a segment leaves the table under
// it and is destroyed (its file released) after.
Mutex g_shm_ops {"sysv shm"};
kernel::Spinlock g_shm_table {"sysv shm table"};
lv::Vector<Segment*> g_segments LV_GUARDED_BY(g_shm_table);
u16 g_next_seq LV_GUARDED_BY(g_shm_table) = 0;

i64 now_s() { return time::realtime_now().sec; }

int id_of(size_t index, const Segment& s) { return int(s.seq * kSeqMultiplier + index); }

// Segments removed from the table, destroyed once the spinlock is released.
struct DeadList {
    Segment* list[8];
    size_t count = 0;
    ~DeadList() {
        for (size_t i = 0; i < count; i++) lv::destroy(list[i]);
    }
};

// A removed segment goes once nothing maps it any more (Linux's shm_destroy on the last
// detach); looked at whenever the table is.
void collect_removed(DeadList& dead) LV_REQUIRES(g_shm_table) {
    for (Segment*& s : g_segments) {
        if (dead.count == sizeof dead.list / sizeof dead.list[0]) return; // the rest next time
        if (s && (s->mode & kShmDest) && s->attached() == 0) {
            dead.list[dead.count++] = s;
            s = nullptr;
        }
    }
}

Segment* find_id(int id, size_t* index = nullptr) LV_REQUIRES(g_shm_table) {
    if (id < 0) return nullptr;
    size_t i = size_t(id) % kSeqMultiplier;
    if (i >= g_segments.size() || !g_segments[i] || g_segments[i]->seq != u32(id) / kSeqMultiplier) return nullptr;
    if (index) *index = i;
    return g_segments[i];
}

// Linux's ipcperms: the owner's, group's or others' bits of `mode` must grant what
// `flag`'s low nine bits ask (CAP_IPC_OWNER: root).
bool permitted(const Credentials& c, const Segment& s, int flag) {
    u32 requested = u32((flag >> 6) | (flag >> 3) | flag) & 7;
    u32 granted = s.mode;
    if (c.euid == s.cuid || c.euid == s.uid) granted >>= 6;
    else if (c.egid == s.cgid || c.egid == s.gid || (c.groups && (c.groups->contains(s.gid) || c.groups->contains(s.cgid))))
        granted >>= 3;
    return !(requested & ~granted & 7) || capable(c);
}

// IPC_SET, IPC_RMID, SHM_LOCK: the owner, the creator or root.
bool owns(const Credentials& c, const Segment& s) { return c.euid == s.uid || c.euid == s.cuid || capable(c); }

void fill(ShmidDs& d, const Segment& s) {
    d = {};
    d.perm.key = s.key;
    d.perm.uid = s.uid;
    d.perm.gid = s.gid;
    d.perm.cuid = s.cuid;
    d.perm.cgid = s.cgid;
    d.perm.mode = s.mode;
    d.perm.seq = s.seq;
    d.segsz = s.size;
    d.atime = s.atime;
    d.dtime = s.dtime;
    d.ctime = s.ctime;
    d.cpid = s.cpid;
    d.lpid = s.lpid;
    d.nattch = s.attached();
}

u64 pages_of(u64 size) { return align_up<u64>(size, arch::kPageSize) / arch::kPageSize; }

int highest_index() LV_REQUIRES(g_shm_table) {
    int top = 0;
    for (size_t i = 0; i < g_segments.size(); i++)
        if (g_segments[i]) top = int(i);
    return top;
}

ErrorOr<int> create(const Credentials& c, int key, u64 size, int flags) LV_REQUIRES(g_shm_ops) {
    if (size < kShmMin || size > kShmMax) return Errno::EINVAL;
    {
        kernel::SpinlockLocker l(g_shm_table);
        size_t used = 0;
        for (Segment* s : g_segments) used += s != nullptr;
        if (used >= kShmMni) return Errno::ENOSPC;
    }
    char name[32];
    lv::snprintf(name, sizeof name, "/SYSV%08x", u32(key));
    auto file = TRY(fs::shmem_file(lv::StringView(name, strlen(name)), size, u32(flags) & 0777));
    auto* s = lv::make<Segment>();
    if (!s) return Errno::ENOMEM;
    s->key = key;
    s->size = size;
    s->uid = s->cuid = c.euid;
    s->gid = s->cgid = c.egid;
    s->mode = u32(flags) & 0777;
    s->ctime = now_s();
    s->cpid = current_process().pid();
    s->file = lv::move(file);
    {
        kernel::SpinlockLocker l(g_shm_table);
        size_t index = g_segments.size();
        for (size_t i = 0; i < g_segments.size(); i++)
            if (!g_segments[i]) { index = i; break; }
        if (index < g_segments.size() || g_segments.try_append(nullptr)) {
            s->seq = u16(g_next_seq++ % (0x7fffffff / kSeqMultiplier));
            g_segments[index] = s;
            return id_of(index, *s);
        }
    }
    lv::destroy(s); // its file's last reference (no spinlock held: that may sleep)
    return Errno::ENOMEM;
}
} // namespace

ErrorOr<long> sys_shmget(int key, u64 size, int flags) {
    MutexLocker ops(g_shm_ops);
    Credentials c = current_process().creds();
    if (key != kIpcPrivate) {
        DeadList dead;
        kernel::SpinlockLocker l(g_shm_table);
        collect_removed(dead);
        for (size_t i = 0; i < g_segments.size(); i++) {
            Segment* s = g_segments[i];
            if (!s || s->key != key || (s->mode & kShmDest)) continue;
            if ((flags & kIpcCreat) && (flags & kIpcExcl)) return Errno::EEXIST;
            if (!permitted(c, *s, flags)) return Errno::EACCES;
            if (size > s->size) return Errno::EINVAL;
            return id_of(i, *s);
        }
        if (!(flags & kIpcCreat)) return Errno::ENOENT;
    }
    return long(TRY(create(c, key, size, flags)));
}

ErrorOr<long> sys_shmat(int id, u64 addr, int flags) {
    MutexLocker ops(g_shm_ops);
    Credentials c = current_process().creds();
    u32 map_flags = mm::kMapShared;
    if (addr) {
        if (addr & (arch::kPageSize - 1)) {
            if (!(flags & kShmRnd)) return Errno::EINVAL;
            addr = align_down<u64>(addr, arch::kPageSize);
            if (!addr) return Errno::EINVAL; // Linux: rounding down to 0 is refused
        }
        // Without SHM_REMAP the range must be free (Linux: EINVAL).
        map_flags |= (flags & kShmRemap) ? mm::kMapFixed : mm::kMapFixedNoReplace;
    } else if (flags & kShmRemap) {
        return Errno::EINVAL;
    }
    bool read_only = flags & kShmRdonly;
    u32 prot = mm::kProtRead | (read_only ? 0u : u32(mm::kProtWrite)) | ((flags & kShmExec) ? u32(mm::kProtExec) : 0u);
    Segment* s;
    lv::RefPtr<fs::File> file;
    {
        kernel::SpinlockLocker l(g_shm_table);
        s = find_id(id);
        // A removed segment nothing maps any more is gone (its memory goes at the next
        // look at the table).
        if (!s || ((s->mode & kShmDest) && s->attached() == 0)) return Errno::EINVAL;
        if (!permitted(c, *s, read_only ? 0400 : 0600)) return Errno::EACCES;
        if ((flags & kShmExec) && !permitted(c, *s, 0100)) return Errno::EACCES;
        file = s->file;
    }
    // The segment stays in the table meanwhile: only these calls remove one.
    mm::FileMapping backing {file.get(), 0, !read_only};
    auto r = current_process().as()->map(addr, pages_of(s->size) * arch::kPageSize, prot, map_flags, "", backing);
    if (r.is_error()) return r.error() == Errno::EEXIST ? Errno::EINVAL : r.error();
    kernel::SpinlockLocker l(g_shm_table);
    s->atime = now_s();
    s->lpid = current_process().pid();
    return long(r.value());
}

ErrorOr<long> sys_shmdt(u64 addr) {
    if (addr & (arch::kPageSize - 1)) return Errno::EINVAL;
    MutexLocker ops(g_shm_ops);
    mm::AddressSpace& as = *current_process().as();
    // The segment attached at addr: a region of a segment's file starting at its first
    // page; every region of that file from there to the segment's end goes.
    mm::Vma v;
    if (!as.vma_at(addr, v) || v.start != addr || v.pgoff != 0 || !v.file) return Errno::EINVAL;
    Segment* seg = nullptr;
    {
        kernel::SpinlockLocker l(g_shm_table);
        for (Segment* s : g_segments)
            if (s && static_cast<mm::VmFile*>(s->file.get()) == v.file) seg = s;
    }
    if (!seg) return Errno::EINVAL;
    mm::VmFile* file = seg->file.get();
    u64 end = addr + pages_of(seg->size) * arch::kPageSize;
    for (VirtAddr a = addr; a < end;) {
        if (!as.vma_at(a, v) || v.file != file || v.start != a) break;
        VirtAddr stop = min<VirtAddr>(v.end, end);
        TRY(as.unmap(a, stop - a));
        a = stop;
    }
    DeadList dead;
    kernel::SpinlockLocker l(g_shm_table);
    seg->dtime = now_s();
    seg->lpid = current_process().pid();
    collect_removed(dead);
    return 0;
}

ErrorOr<long> sys_shmctl(int id, int cmd, UserPtr<void> buf) {
    MutexLocker ops(g_shm_ops);
    Credentials c = current_process().creds();
    ShmidDs set {};
    if (cmd == kIpcSet) set = TRY(UserPtr<ShmidDs>::from(buf).read());
    // What is copied out, made under the table's lock.
    ShmidDs stat {};
    ShmInfo info {};
    long result = 0;
    {
        DeadList dead;
        kernel::SpinlockLocker l(g_shm_table);
        collect_removed(dead);
        switch (cmd) {
        case kIpcInfo:
            result = highest_index();
            break;
        case kShmInfo:
            for (Segment* s : g_segments) {
                if (!s) continue;
                info.used_ids++;
                info.shm_tot += pages_of(s->size);
                info.shm_rss += s->file->inode->allocated_blocks() / (arch::kPageSize / 512);
            }
            result = highest_index();
            break;
        case kShmStat:
        case kShmStatAny: {
            // By index; the result is the segment's id.
            if (id < 0 || size_t(id) >= g_segments.size() || !g_segments[size_t(id)]) return Errno::EINVAL;
            Segment& s = *g_segments[size_t(id)];
            if (cmd == kShmStat && !permitted(c, s, 0400)) return Errno::EACCES;
            fill(stat, s);
            result = id_of(size_t(id), s);
            break;
        }
        default: {
            Segment* s = find_id(id);
            if (!s) return Errno::EINVAL;
            switch (cmd) {
            case kIpcStat:
                if (!permitted(c, *s, 0400)) return Errno::EACCES;
                fill(stat, *s);
                break;
            case kIpcSet:
                if (!owns(c, *s)) return Errno::EPERM;
                s->uid = set.perm.uid;
                s->gid = set.perm.gid;
                s->mode = (s->mode & ~0777u) | (set.perm.mode & 0777);
                s->ctime = now_s();
                break;
            case kIpcRmid:
                if (!owns(c, *s)) return Errno::EPERM;
                // The key is free for a new segment at once; the memory goes with the last
                // detach.
                s->mode |= kShmDest;
                s->key = kIpcPrivate;
                collect_removed(dead);
                break;
            case kShmLock:
            case kShmUnlock:
                // Nothing is ever swapped out: the flag is all there is to keep.
                if (!owns(c, *s)) return Errno::EPERM;
                if (cmd == kShmLock) s->mode |= kShmLocked;
                else s->mode &= ~kShmLocked;
                break;
            default:
                return Errno::EINVAL;
            }
        }
        }
    }
    switch (cmd) {
    case kIpcInfo: {
        ShmInfo64 limits {kShmMax, kShmMin, kShmMni, kShmMni, kShmMax, {}};
        TRY(UserPtr<ShmInfo64>::from(buf).write(limits));
        break;
    }
    case kShmInfo: TRY(UserPtr<ShmInfo>::from(buf).write(info)); break;
    case kShmStat:
    case kShmStatAny:
    case kIpcStat: TRY(UserPtr<ShmidDs>::from(buf).write(stat)); break;
    default: break;
    }
    return result;
}

void sysv_shm_table(lv::PutChar put, void* ctx) {
    lv::format(put, ctx,
               "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime"
               "      dtime      ctime                   rss                  swap\n");
    kernel::SpinlockLocker l(g_shm_table);
    for (size_t i = 0; i < g_segments.size(); i++) {
        Segment* s = g_segments[i];
        if (!s) continue;
        lv::format(put, ctx, "%10d %10d  %4o %21lu %5d %5d  %5lu %5u %5u %5u %5u %10ld %10ld %10ld %21lu %21lu\n", s->key,
                   id_of(i, *s), s->mode & 01777, s->size, s->cpid, s->lpid, s->attached(), s->uid, s->gid, s->cuid,
                   s->cgid, s->atime, s->dtime, s->ctime, s->file->inode->allocated_blocks() * 512, 0ul);
    }
}
