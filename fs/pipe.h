// Pipes: a ring buffer between readers and writers (pipe(2), and named FIFOs, whose
// inode owns one Pipe shared by every opener). Linux semantics: 64 KiB by default,
// writes of at most PIPE_BUF bytes are atomic, EOF once all writers are gone, EPIPE
// and SIGPIPE once all readers are.
#pragma once
#include <fs/file.h>
#include <kernel/sync/mutex.h>
#include <kernel/wait_queue.h>

namespace fs {
constexpr size_t kPipeBuf = 4096;             // PIPE_BUF
constexpr size_t kPipeDefaultSize = 65536;    // 16 pages, as Linux
constexpr size_t kPipeMaxSize = 1024 * 1024;  // /proc/sys/fs/pipe-max-size

class Pipe final : public FileOps {
public:
    ~Pipe() override { kfree(m_buf); }
    ErrorOr<void> open(File&) override;
    void release(File&) override;
    ErrorOr<size_t> read(File&, u64, const IoBuffer& buf, size_t n) override;
    ErrorOr<size_t> write(File&, u64, const IoBuffer& buf, size_t n) override;
    bool seekable() const override { return false; }
    bool giant_free() const override { return true; }
    u32 poll(File&, u32 events) override;
    kernel::WaitQueue* wait_queue(File&) override { return &m_wait; }
    ErrorOr<size_t> bytes_available(File&) override;

    size_t capacity() const;
    // F_SETPIPE_SZ: rounds up to a power-of-two number of pages; EBUSY if the data
    // does not fit, EPERM above the maximum.
    ErrorOr<size_t> set_capacity(size_t bytes);

private:
    ErrorOr<void> ensure_buffer() LV_REQUIRES(m_lock);
    // A sleeping lock: readers and writers copy user memory under it, and a copy may
    // fault and sleep.
    mutable kernel::Mutex m_lock {"pipe"};
    u8* m_buf LV_GUARDED_BY(m_lock) = nullptr; // allocated on first write
    size_t m_cap LV_GUARDED_BY(m_lock) = kPipeDefaultSize;
    size_t m_head LV_GUARDED_BY(m_lock) = 0; // index of the first unread byte
    size_t m_len LV_GUARDED_BY(m_lock) = 0;
    u32 m_readers LV_GUARDED_BY(m_lock) = 0, m_writers LV_GUARDED_BY(m_lock) = 0;
    // Counters, for the FIFO open rendezvous.
    u32 m_reader_opens LV_GUARDED_BY(m_lock) = 0, m_writer_opens LV_GUARDED_BY(m_lock) = 0;
    kernel::WaitQueue m_wait; // readers, writers and pollers all wait here, under m_lock
};

Pipe* create_pipe(); // null on ENOMEM
void destroy_pipe(Pipe* p);
// pipe2(2): a read end and a write end (flags: O_NONBLOCK, O_CLOEXEC is the caller's).
ErrorOr<void> make_pipe(u32 flags, lv::RefPtr<File>& read_end, lv::RefPtr<File>& write_end);
} // namespace fs
