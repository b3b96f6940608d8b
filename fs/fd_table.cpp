#include <fs/fd_table.h>

namespace fs {
FdTable* FdTable::create() { return lv::make<FdTable>(); }

// The last reference is gone: nobody else can reach the table, and its files are
// released without the lock (the last close of one may sleep).
FdTable::~FdTable() LV_NO_THREAD_SAFETY_ANALYSIS { m_files.clear_and_free(); }

FdTable* FdTable::clone() {
    FdTable* t = create();
    if (!t) return nullptr;
    // Two tables' locks: the new one cannot be seen by anyone else yet, so it is filled
    // without its own (one lock class, no order between two instances to keep).
    bool ok = [&]() LV_NO_THREAD_SAFETY_ANALYSIS {
        kernel::SpinlockLocker l(m_lock);
        if (t->grow_to(m_files.size()).is_error()) return false;
        for (size_t i = 0; i < m_files.size(); i++) t->m_files[i] = m_files[i];
        for (size_t i = 0; i < m_cloexec.size(); i++) t->m_cloexec[i] = m_cloexec[i];
        for (size_t i = 0; i < m_open.size(); i++) t->m_open[i] = m_open[i];
        t->m_next_fd = m_next_fd;
        return true;
    }();
    if (!ok) {
        lv::destroy(t); // out of memory while growing it
        return nullptr;
    }
    return t;
}

ErrorOr<void> FdTable::grow_to(size_t n) {
    if (n <= m_files.size()) return {};
    // Grow geometrically so that opening fds one by one stays linear.
    size_t want = max<size_t>(n, min<size_t>(kMaxFds, max<size_t>(64, m_files.size() * 2)));
    want = align_up<size_t>(want, 64);
    if (!m_cloexec.try_resize(want / 64) || !m_open.try_resize(want / 64) || !m_files.try_resize(want))
        return Errno::ENOMEM;
    return {};
}

int FdTable::find_free(int start) const {
    size_t w = size_t(start) / 64;
    if (w >= m_open.size()) return start;
    u64 free = ~m_open[w] & (~0ull << (start % 64));
    while (!free) {
        if (++w == m_open.size()) return int(w * 64);
        free = ~m_open[w];
    }
    return int(w * 64) + __builtin_ctzll(free);
}

ErrorOr<int> FdTable::allocate(lv::RefPtr<File> file, bool cloexec, int min_fd, int limit) {
    limit = min(limit, kMaxFds);
    if (min_fd < 0 || min_fd >= limit) return Errno::EMFILE;
    kernel::SpinlockLocker l(m_lock);
    int fd = find_free(max(min_fd, m_next_fd));
    if (fd >= limit) return Errno::EMFILE;
    TRY(grow_to(size_t(fd) + 1));
    m_files[size_t(fd)] = lv::move(file);
    set_bit(m_open, fd, true);
    set_cloexec_bit(fd, cloexec);
    if (min_fd <= m_next_fd) m_next_fd = fd + 1;
    return fd;
}

ErrorOr<void> FdTable::install(int fd, lv::RefPtr<File> file, bool cloexec, int limit) {
    if (fd < 0 || fd >= min(limit, kMaxFds)) return Errno::EBADF;
    lv::RefPtr<File> old;
    {
        kernel::SpinlockLocker l(m_lock);
        TRY(grow_to(size_t(fd) + 1));
        old = lv::move(m_files[size_t(fd)]);
        m_files[size_t(fd)] = lv::move(file);
        set_bit(m_open, fd, true);
        set_cloexec_bit(fd, cloexec);
    }
    return {}; // `old` is released here, without the lock
}

ErrorOr<lv::RefPtr<File>> FdTable::get(int fd) {
    kernel::SpinlockLocker l(m_lock);
    if (!valid(fd)) return Errno::EBADF;
    return m_files[size_t(fd)];
}

ErrorOr<void> FdTable::close(int fd) {
    lv::RefPtr<File> old;
    {
        kernel::SpinlockLocker l(m_lock);
        if (!valid(fd)) return Errno::EBADF;
        old = lv::move(m_files[size_t(fd)]);
        set_bit(m_open, fd, false);
        set_cloexec_bit(fd, false);
        if (fd < m_next_fd) m_next_fd = fd;
    }
    return {};
}

void FdTable::close_range(u32 first, u32 last, bool cloexec_only) {
    for (u32 fd = first; fd <= last && fd < u32(limit()); fd++) {
        if (cloexec_only) {
            kernel::SpinlockLocker l(m_lock);
            if (valid(int(fd))) set_cloexec_bit(int(fd), true);
        } else {
            (void)close(int(fd));
        }
        if (fd == ~0u) break;
    }
}

ErrorOr<bool> FdTable::cloexec(int fd) {
    kernel::SpinlockLocker l(m_lock);
    if (!valid(fd)) return Errno::EBADF;
    return cloexec_bit(fd);
}

ErrorOr<void> FdTable::set_cloexec(int fd, bool on) {
    kernel::SpinlockLocker l(m_lock);
    if (!valid(fd)) return Errno::EBADF;
    set_cloexec_bit(fd, on);
    return {};
}

void FdTable::close_on_exec() {
    for (size_t fd = 0; fd < size_t(limit()); fd++) {
        bool close_it;
        {
            kernel::SpinlockLocker l(m_lock);
            close_it = valid(int(fd)) && cloexec_bit(int(fd));
        }
        if (close_it) (void)close(int(fd));
    }
}

int FdTable::count_open() const {
    kernel::SpinlockLocker l(m_lock);
    int n = 0;
    for (u64 w : m_open)
        for (; w; w &= w - 1) n++;
    return n;
}
} // namespace fs
