// A byte ring buffer for TCP's send and receive queues. Its memory stays allocated
// for the socket's lifetime, so a sender may copy user data into the free space (and a
// reader out of the filled space) with interrupts on, committing the count afterwards
// under the lock: the other side only ever touches the other end of the ring.
#pragma once
#include <lib/alloc.h>
#include <lib/result.h>
#include <lib/string.h>

namespace net::inet {
class ByteRing {
public:
    ByteRing() = default;
    ByteRing(const ByteRing&) = delete;
    ByteRing& operator=(const ByteRing&) = delete;
    ~ByteRing() { kfree(m_buf); }

    // Gives the ring its memory (once; later calls keep the first size). ENOMEM.
    ErrorOr<void> allocate(size_t capacity) {
        if (m_buf) return {};
        m_buf = static_cast<u8*>(kmalloc(capacity));
        if (!m_buf) return Errno::ENOMEM;
        m_cap = capacity;
        return {};
    }
    bool allocated() const { return m_buf != nullptr; }
    // Gives the memory back (empty, capacity 0). Only when no user copy can be using it:
    // the socket's file is closed.
    void release() {
        kfree(m_buf);
        m_buf = nullptr;
        m_cap = m_head = m_len = 0;
    }
    size_t capacity() const { return m_cap; }
    size_t size() const { return m_len; }
    size_t space() const { return m_cap - m_len; }
    bool empty() const { return m_len == 0; }

    // A contiguous piece of the ring.
    struct Span {
        u8* data;
        size_t len;
    };
    // The bytes [off, off+n) of the content as at most two pieces; returns their count.
    size_t content(size_t off, size_t n, Span out[2]) const { return spans((m_head + off) % cap1(), n, out); }
    // The first n bytes of free space (n <= space()).
    size_t free_space(size_t n, Span out[2]) const { return spans((m_head + m_len) % cap1(), n, out); }

    void copy_out(size_t off, void* dst, size_t n) const {
        Span s[2];
        size_t k = content(off, n, s);
        auto* d = static_cast<u8*>(dst);
        for (size_t i = 0; i < k; i++) {
            memcpy(d, s[i].data, s[i].len);
            d += s[i].len;
        }
    }
    void append(const void* src, size_t n) {
        Span s[2];
        size_t k = free_space(n, s);
        auto* p = static_cast<const u8*>(src);
        for (size_t i = 0; i < k; i++) {
            memcpy(s[i].data, p, s[i].len);
            p += s[i].len;
        }
        m_len += n;
    }
    void commit(size_t n) { m_len += n; } // after writing into free_space()
    void consume(size_t n) {
        m_head = (m_head + n) % cap1();
        m_len -= n; // the tail stays where a writer may be filling free space
    }

private:
    size_t cap1() const { return m_cap ? m_cap : 1; }
    size_t spans(size_t start, size_t n, Span out[2]) const {
        if (n == 0) return 0;
        size_t first = min(n, m_cap - start);
        out[0] = {m_buf + start, first};
        if (first == n) return 1;
        out[1] = {m_buf, n - first};
        return 2;
    }
    u8* m_buf = nullptr;
    size_t m_cap = 0, m_head = 0, m_len = 0;
};
} // namespace net::inet
