#include <fs/data_pages.h>
#include <fs/pipe.h>
#include <kernel/process.h>
#include <kernel/signal.h>

namespace fs {
namespace {
// Anonymous pipes live on a tiny pseudo filesystem, for st_dev/st_ino and fstat.
FileSystem* pipefs() {
    static FileSystem* fs = nullptr;
    if (!fs) {
        fs = lv::make<FileSystem>();
        if (fs) {
            fs->dev = FileSystem::allocate_dev();
            fs->magic = 0x50495045; // PIPEFS_MAGIC
            fs->name = "pipefs";
        }
    }
    return fs;
}

class PipeInode final : public Inode {
public:
    explicit PipeInode(FileSystem& fs) : Inode(fs, kIfifo | 0600) {}
    // Its files' ops are the Pipe (giant-free); the inode itself holds nothing the giant
    // lock guards, so its last reference may go without it (~File).
    bool giant_free() const override { return true; }
};

bool reads(const File& f) { return (f.flags & kOAccMode) != kOWrOnly; }
bool writes(const File& f) { return (f.flags & kOAccMode) != kORdOnly; }
} // namespace

Pipe* create_pipe() { return lv::make<Pipe>(); }
void destroy_pipe(Pipe* p) { lv::destroy(p); }

ErrorOr<void> Pipe::ensure_buffer() {
    if (m_buf) return {};
    m_buf = static_cast<u8*>(kmalloc(m_cap));
    return m_buf ? ErrorOr<void>() : Errno::ENOMEM;
}

ErrorOr<void> Pipe::open(File& f) {
    kernel::MutexLocker l(m_lock);
    bool r = reads(f), w = writes(f);
    if (r) { m_readers++; m_reader_opens++; }
    if (w) { m_writers++; m_writer_opens++; }
    m_wait.wake_all();
    // A named FIFO opened for one direction waits for the other end (fifo(7)); O_RDWR
    // never waits. Anonymous pipes are opened with both ends counted already.
    if (!f.inode->is_fifo() || (r && w) || f.inode->fs.magic == 0x50495045) return {};
    if (w && m_readers == 0 && f.nonblocking()) {
        m_writers--;
        return Errno::ENXIO;
    }
    if (f.nonblocking()) return {};
    u32 seen = r ? m_writer_opens : m_reader_opens;
    while ((r ? m_writers == 0 && m_writer_opens == seen : m_readers == 0 && m_reader_opens == seen)) {
        auto res = m_lock.wait(m_wait);
        if (res.is_error()) {
            if (r) m_readers--;
            else m_writers--;
            return res.error();
        }
    }
    return {};
}

void Pipe::release(File& f) {
    kernel::MutexLocker l(m_lock);
    if (reads(f)) m_readers--;
    if (writes(f)) m_writers--;
    m_wait.wake_all();
    // An anonymous pipe nobody holds any more gives back its buffer at once; a FIFO
    // keeps nothing either (data in a FIFO with no openers is discarded, as in Linux).
    if (m_readers == 0 && m_writers == 0) {
        kfree(m_buf);
        m_buf = nullptr;
        m_head = m_len = 0;
    }
}

ErrorOr<size_t> Pipe::read(File& f, u64, const IoBuffer& buf, size_t n) {
    if (n == 0) return 0;
    kernel::MutexLocker l(m_lock);
    while (m_len == 0) {
        if (m_writers == 0) return 0; // EOF
        if (f.nonblocking()) return Errno::EAGAIN;
        TRY(m_lock.wait(m_wait));
    }
    size_t done = 0;
    while (done < n && m_len > 0) {
        size_t chunk = min(min(n - done, m_len), m_cap - m_head);
        auto r = buf.write(done, m_buf + m_head, chunk);
        if (r.is_error()) {
            if (done) break;
            return r.error();
        }
        m_head = (m_head + chunk) % m_cap;
        m_len -= chunk;
        done += chunk;
    }
    if (m_len == 0) m_head = 0;
    m_wait.wake_all(kPollOut | kPollWrNorm); // room for writers (epoll keys, kernel/wait_queue.h)
    return done;
}

ErrorOr<size_t> Pipe::write(File& f, u64, const IoBuffer& buf, size_t n) {
    if (n == 0) return 0;
    kernel::MutexLocker l(m_lock);
    TRY(ensure_buffer());
    size_t done = 0;
    while (done < n) {
        if (m_readers == 0) {
            kernel::send_signal(kernel::current_thread(), kernel::SIGPIPE);
            return done ? ErrorOr<size_t>(done) : Errno::EPIPE;
        }
        size_t space = m_cap - m_len;
        // Up to PIPE_BUF bytes go in one piece: wait until they all fit.
        size_t want = n - done;
        bool atomic = n <= kPipeBuf;
        if (space == 0 || (atomic && space < want)) {
            if (f.nonblocking()) return done ? ErrorOr<size_t>(done) : Errno::EAGAIN;
            auto r = m_lock.wait(m_wait);
            if (r.is_error()) return done ? ErrorOr<size_t>(done) : r.error();
            continue;
        }
        size_t chunk = min(want, space);
        size_t tail = (m_head + m_len) % m_cap;
        size_t first = min(chunk, m_cap - tail);
        auto r = buf.read(done, m_buf + tail, first);
        if (!r.is_error() && chunk > first) r = buf.read(done + first, m_buf, chunk - first);
        if (r.is_error()) return done ? ErrorOr<size_t>(done) : r.error();
        m_len += chunk;
        done += chunk;
        m_wait.wake_all(kPollIn | kPollRdNorm);
    }
    return done;
}

// A snapshot without the lock, as Linux's pipe_poll (READ_ONCE): poll and epoll may
// check under other locks, and every change is followed by a wake of m_wait, which
// re-polls. Each field is read once, whole (the writers run on other CPUs).
u32 Pipe::poll(File& f, u32 events) LV_NO_THREAD_SAFETY_ANALYSIS {
    auto once = [](const auto& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); };
    size_t len = once(m_len), cap = once(m_cap);
    u32 readers = once(m_readers), writers = once(m_writers);
    u32 ready = 0;
    if (reads(f)) {
        if (len > 0) ready |= events & (kPollIn | kPollRdNorm);
        if (writers == 0 && once(m_writer_opens) > 0) ready |= kPollHup;
    }
    if (writes(f)) {
        // Without readers a write fails at once (EPIPE): POLLERR, and POLLOUT as Linux.
        if (readers == 0) ready |= kPollErr;
        if (cap - len >= kPipeBuf) ready |= events & (kPollOut | kPollWrNorm);
    }
    return ready;
}

ErrorOr<size_t> Pipe::bytes_available(File&) {
    kernel::MutexLocker l(m_lock);
    return m_len;
}

size_t Pipe::capacity() const {
    kernel::MutexLocker l(m_lock);
    return m_cap;
}

ErrorOr<size_t> Pipe::set_capacity(size_t bytes) {
    if (bytes > kPipeMaxSize) return Errno::EPERM;
    size_t cap = kDataPageSize;
    while (cap < bytes) cap *= 2;
    kernel::MutexLocker l(m_lock);
    if (cap < m_len) return Errno::EBUSY;
    if (cap == m_cap) return cap;
    u8* nb = nullptr;
    if (m_buf) {
        nb = static_cast<u8*>(kmalloc(cap));
        if (!nb) return Errno::ENOMEM;
        for (size_t i = 0; i < m_len; i++) nb[i] = m_buf[(m_head + i) % m_cap];
        kfree(m_buf);
    }
    m_buf = nb;
    m_head = 0;
    m_cap = cap;
    m_wait.wake_all();
    return cap;
}

ErrorOr<void> make_pipe(u32 flags, lv::RefPtr<File>& read_end, lv::RefPtr<File>& write_end) {
    FileSystem* fs = pipefs();
    if (!fs) return Errno::ENOMEM;
    auto* raw = lv::make<PipeInode>(*fs);
    if (!raw) return Errno::ENOMEM;
    auto inode = lv::RefPtr<Inode>::adopt(raw);
    u32 status = flags & kONonBlock;
    read_end = TRY(File::create(inode, kORdOnly | status));
    write_end = TRY(File::create(inode, kOWrOnly | status));
    return {};
}
} // namespace fs
