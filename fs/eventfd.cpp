#include <fs/anon.h>
#include <fs/eventfd.h>
#include <kernel/sync/spinlock.h>
#include <kernel/wait_queue.h>

namespace fs {
namespace {
constexpr u64 kMax = ~0ull - 1; // the largest count; ULLONG_MAX itself is never stored

class EventFd final : public AnonInode {
public:
    EventFd(FileSystem& fs, u64 count, bool semaphore) : AnonInode(fs), m_count(count), m_semaphore(semaphore) {}

    ErrorOr<size_t> read(File& f, u64, const IoBuffer& buf, size_t n) override {
        if (n < sizeof(u64)) return Errno::EINVAL;
        u64 value;
        {
            kernel::SpinlockLocker l(m_lock);
            while (m_count == 0) {
                if (f.nonblocking()) return Errno::EAGAIN;
                TRY(m_wait.wait_locked(m_lock));
            }
            value = m_semaphore ? 1 : m_count;
            m_count -= value;
            m_wait.wake_all(kPollOut | kPollWrNorm);
        }
        // As Linux: the count is taken even if this copy faults.
        TRY(buf.write(0, &value, sizeof value));
        return sizeof value;
    }

    ErrorOr<size_t> write(File& f, u64, const IoBuffer& buf, size_t n) override {
        if (n < sizeof(u64)) return Errno::EINVAL;
        u64 value;
        TRY(buf.read(0, &value, sizeof value));
        if (value == ~0ull) return Errno::EINVAL;
        kernel::SpinlockLocker l(m_lock);
        while (kMax - m_count < value) {
            if (f.nonblocking()) return Errno::EAGAIN;
            TRY(m_wait.wait_locked(m_lock));
        }
        m_count += value;
        if (value) m_wait.wake_all(kPollIn | kPollRdNorm);
        return sizeof value;
    }

    u32 poll(File&, u32 events) override {
        kernel::SpinlockLocker l(m_lock);
        u32 ready = 0;
        if (m_count > 0) ready |= events & (kPollIn | kPollRdNorm);
        if (m_count < kMax) ready |= events & (kPollOut | kPollWrNorm);
        return ready;
    }
    kernel::WaitQueue* wait_queue(File&) override { return &m_wait; }

private:
    kernel::Spinlock m_lock {"eventfd"};
    u64 m_count LV_GUARDED_BY(m_lock);
    bool m_semaphore;
    kernel::WaitQueue m_wait; // readers, writers and pollers: waits with m_lock
};
} // namespace

ErrorOr<lv::RefPtr<File>> create_eventfd(u64 initval, u32 flags) {
    FileSystem* fs = anon_fs("eventfd");
    if (!fs) return Errno::ENOMEM;
    auto* raw = lv::make<EventFd>(*fs, initval, flags & kEfdSemaphore);
    if (!raw) return Errno::ENOMEM;
    return open_anon(lv::RefPtr<Inode>::adopt(raw), flags);
}
} // namespace fs
