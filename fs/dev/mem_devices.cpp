// The memory character devices of Linux's drivers/char/mem.c and random.c:
// /dev/null (1,3), /dev/zero (1,5), /dev/full (1,7), /dev/random (1,8), /dev/urandom (1,9).
#include <fs/dev/devices.h>
#include <fs/file.h>
#include <kernel/random.h>
#include <kernel/wait_queue.h>

namespace fs {
namespace {
class NullDevice final : public FileOps {
public:
    ErrorOr<size_t> read(File&, u64, const IoBuffer&, size_t) override { return 0; }
    ErrorOr<size_t> write(File&, u64, const IoBuffer&, size_t n) override { return n; }
};

class ZeroDevice final : public FileOps {
public:
    explicit ZeroDevice(bool full) : m_full(full) {}
    ErrorOr<size_t> read(File&, u64, const IoBuffer& buf, size_t n) override {
        TRY(buf.zero(0, n));
        return n;
    }
    ErrorOr<size_t> write(File&, u64, const IoBuffer&, size_t n) override {
        if (m_full) return Errno::ENOSPC;
        return n;
    }

private:
    bool m_full;
};

class RandomDevice final : public FileOps {
public:
    explicit RandomDevice(bool pollable) : m_pollable(pollable) {}
    ErrorOr<size_t> read(File&, u64, const IoBuffer& buf, size_t n) override {
        u8 chunk[256];
        size_t done = 0;
        while (done < n) {
            size_t c = min(n - done, sizeof chunk);
            kernel::random::fill(chunk, c);
            auto r = buf.write(done, chunk, c);
            if (r.is_error()) return done ? ErrorOr<size_t>(done) : r.error();
            done += c;
        }
        return done;
    }
    // Writing mixes into the pool on Linux; accepting it is enough here.
    ErrorOr<size_t> write(File&, u64, const IoBuffer&, size_t n) override { return n; }
    // Linux's /dev/random has a poll method (epoll accepts it; the pool is always
    // ready here, so its queue is never woken); /dev/urandom has none (epoll: EPERM).
    kernel::WaitQueue* wait_queue(File&) override { return m_pollable ? &m_never : nullptr; }

private:
    bool m_pollable;
    kernel::WaitQueue m_never;
};

NullDevice g_null;
ZeroDevice g_zero(false), g_full(true);
RandomDevice g_random(true), g_urandom(false);
} // namespace

void register_mem_devices() {
    register_char_device(make_dev(1, 3), g_null);
    register_char_device(make_dev(1, 5), g_zero);
    register_char_device(make_dev(1, 7), g_full);
    register_char_device(make_dev(1, 8), g_random);
    register_char_device(make_dev(1, 9), g_urandom);
}
} // namespace fs
