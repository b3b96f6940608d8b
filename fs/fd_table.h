// A process's file descriptors: small integers naming open files, with the per-fd
// FD_CLOEXEC flag. Shared by the threads of a process (and by CLONE_FILES children);
// copied by fork. Everything in it is guarded by its spinlock (Linux's files_struct
// file_lock); dropping the last reference to a File (which may free a whole unlinked
// file, and sleep) happens after the lock is given up.
#pragma once
#include <fs/file.h>
#include <kernel/sync/spinlock.h>
#include <lib/vector.h>

namespace fs {
// Reference-counted: each process using it (CLONE_FILES shares it) holds a reference.
class FdTable : public lv::RefCounted<FdTable> {
public:
    // The most descriptors a table can hold: Linux's fs.nr_open (/proc/sys/fs/nr_open),
    // the ceiling of RLIMIT_NOFILE. The usual limit is the process's soft limit, passed
    // by the syscalls; the table grows on demand, so only fds in use cost memory.
    static constexpr int kMaxFds = 1 << 20;
    static constexpr int kDefaultLimit = 1024;

    static FdTable* create(); // null on ENOMEM
    FdTable* clone();         // fork: same Files, same FD_CLOEXEC flags
    ~FdTable();

    // The lowest free fd >= min_fd below `limit` (EMFILE if none).
    ErrorOr<int> allocate(lv::RefPtr<File> file, bool cloexec, int min_fd = 0, int limit = kDefaultLimit);
    // dup2/dup3: puts `file` at `fd`, closing what was there (EBADF at or past `limit`).
    ErrorOr<void> install(int fd, lv::RefPtr<File> file, bool cloexec, int limit = kDefaultLimit);
    ErrorOr<lv::RefPtr<File>> get(int fd);
    ErrorOr<void> close(int fd);
    // close_range(2): closes (or with cloexec_only marks) fds in [first, last].
    void close_range(u32 first, u32 last, bool cloexec_only);
    ErrorOr<bool> cloexec(int fd);
    ErrorOr<void> set_cloexec(int fd, bool on);
    void close_on_exec();
    int count_open() const;
    // Highest open fd + 1, at most (for /proc/self/fd and select).
    int limit() const {
        kernel::SpinlockLocker l(m_lock);
        return int(m_files.size());
    }

    FdTable() = default;
    FdTable(const FdTable&) = delete;
    FdTable& operator=(const FdTable&) = delete;

private:
    bool valid(int fd) const LV_REQUIRES(m_lock) {
        return fd >= 0 && size_t(fd) < m_files.size() && m_files[size_t(fd)];
    }
    // Only for fds below m_files.size() (the bitmaps grow with it).
    static void set_bit(lv::Vector<u64>& map, int fd, bool on) {
        if (on) map[size_t(fd) / 64] |= 1ull << (fd % 64);
        else map[size_t(fd) / 64] &= ~(1ull << (fd % 64));
    }
    void set_cloexec_bit(int fd, bool on) LV_REQUIRES(m_lock) { set_bit(m_cloexec, fd, on); }
    bool cloexec_bit(int fd) const LV_REQUIRES(m_lock) { return m_cloexec[size_t(fd) / 64] & (1ull << (fd % 64)); }
    // The lowest fd >= start not in use (possibly past the end of the table).
    int find_free(int start) const LV_REQUIRES(m_lock);
    ErrorOr<void> grow_to(size_t n) LV_REQUIRES(m_lock);

    // No interrupt handler touches a descriptor table, and no other spinlock is held
    // when it is taken: it leaves interrupts on (kernel/sync/spinlock.h).
    mutable kernel::Spinlock m_lock {"fd table", true, kernel::IrqPolicy::On};
    lv::Vector<lv::RefPtr<File>> m_files LV_GUARDED_BY(m_lock); // grows on demand up to kMaxFds
    lv::Vector<u64> m_cloexec LV_GUARDED_BY(m_lock);            // one bit per slot of m_files
    lv::Vector<u64> m_open LV_GUARDED_BY(m_lock);               // one bit per slot of m_files: in use
    int m_next_fd LV_GUARDED_BY(m_lock) = 0; // every fd below it is in use (Linux's next_fd)
};
} // namespace fs
