// read, write and their vector/positional forms, lseek, sendfile, copy_file_range.
#include <fs/file.h>
#include <fs/mutex.h>
#include <fs/pipe.h>
#include <kernel/signal.h>
#include <kernel/sync/giant.h>
#include <syscalls/fs.h>
#include <syscalls/fs_util.h>
#include <syscalls/socket.h>

using namespace fs;

namespace {
struct IoVec {
    u64 base;
    u64 len;
};
constexpr unsigned long kUioMaxIov = 1024; // UIO_MAXIOV
constexpr size_t kMaxRw = 0x7ffff000;      // MAX_RW_COUNT

// Copies in an iovec array, checking Linux's limits (EINVAL for too many entries or a
// total that overflows ssize_t).
ErrorOr<IoVec*> read_iovecs(UserPtr<const void> iov, unsigned long vlen) {
    if (vlen > kUioMaxIov) return Errno::EINVAL;
    auto* v = static_cast<IoVec*>(kmalloc(vlen ? vlen * sizeof(IoVec) : 1));
    if (!v) return Errno::ENOMEM;
    auto r = UserPtr<IoVec>(iov.addr()).read_array(v, vlen);
    if (r.is_error()) {
        kfree(v);
        return r.error();
    }
    u64 total = 0;
    for (unsigned long i = 0; i < vlen; i++) {
        if (i64(v[i].len) < 0 || __builtin_add_overflow(total, v[i].len, &total) || i64(total) < 0) {
            kfree(v);
            return Errno::EINVAL;
        }
    }
    return v;
}

// Runs `op(buffer, len)` over each segment until one comes back short.
template <typename Op>
ErrorOr<long> vector_io(UserPtr<const void> iov, unsigned long vlen, Op op) {
    IoVec* v = TRY(read_iovecs(iov, vlen));
    long total = 0;
    Errno err {};
    for (unsigned long i = 0; i < vlen; i++) {
        if (v[i].len == 0) continue;
        auto r = op(IoBuffer::user(v[i].base), size_t(v[i].len));
        if (r.is_error()) {
            if (total == 0) err = r.error();
            break;
        }
        total += long(r.value());
        if (r.value() < v[i].len) break;
    }
    kfree(v);
    if (err != Errno {}) return err;
    return total;
}

// read, write, readv and writev run without the giant lock (syscalls/dispatch.cpp) and
// take it for files whose object needs it (fs::FileOps::giant_free): everything but
// pipes, for now.
kernel::giant::LockerIf giant_for(const File& f) { return kernel::giant::LockerIf(!f.ops->giant_free()); }
} // namespace

ErrorOr<long> sys_read(int fd, UserPtr<u8> buf, size_t count) {
    auto f = TRY(sc::io_file(fd));
    auto giant = giant_for(*f);
    return long(TRY(f->read(IoBuffer::user(buf.addr()), count)));
}

ErrorOr<long> sys_write(int fd, UserPtr<const u8> buf, size_t count) {
    auto f = TRY(sc::io_file(fd));
    auto giant = giant_for(*f);
    return long(TRY(f->write(IoBuffer::user(buf.addr()), count)));
}

ErrorOr<long> sys_readv(int fd, UserPtr<const void> iov, unsigned long vlen) {
    auto f = TRY(sc::io_file(fd));
    auto giant = giant_for(*f);
    if (!f->readable()) return Errno::EBADF;
    if (is_socket(*f)) return socket_readv(*f, iov, vlen); // one message (syscalls/socket_msg.cpp)
    return vector_io(iov, vlen, [&](const IoBuffer& b, size_t n) { return f->read(b, n); });
}

ErrorOr<long> sys_writev(int fd, UserPtr<const void> iov, unsigned long vlen) {
    auto f = TRY(sc::io_file(fd));
    auto giant = giant_for(*f);
    if (!f->writable()) return Errno::EBADF;
    if (is_socket(*f)) return socket_writev(*f, iov, vlen);
    if (!f->seekable() && vlen > 1) {
        // A pipe takes up to PIPE_BUF bytes of one writev atomically, however many
        // segments they come in: gather small vectors into one write.
        IoVec* v = TRY(read_iovecs(iov, vlen));
        u64 total = 0;
        for (unsigned long i = 0; i < vlen; i++) total += v[i].len;
        u8* gathered = total <= kPipeBuf ? static_cast<u8*>(kmalloc(kPipeBuf)) : nullptr;
        Errno err {};
        size_t at = 0;
        for (unsigned long i = 0; gathered && i < vlen && err == Errno {}; i++) {
            if (auto r = mm::copy_from_user(gathered + at, v[i].base, v[i].len); r.is_error()) err = r.error();
            at += v[i].len;
        }
        kfree(v);
        if (gathered) {
            if (err == Errno {}) {
                auto r = f->write(IoBuffer::kernel(gathered), at);
                if (r.is_error()) err = r.error();
                else at = r.value();
            }
            kfree(gathered);
            if (err != Errno {}) return err;
            return long(at);
        }
    }
    return vector_io(iov, vlen, [&](const IoBuffer& b, size_t n) { return f->write(b, n); });
}

ErrorOr<long> sys_pread64(int fd, UserPtr<u8> buf, size_t count, i64 pos) {
    auto f = TRY(sc::io_file(fd));
    if (pos < 0) return Errno::EINVAL;
    return long(TRY(f->pread(u64(pos), IoBuffer::user(buf.addr()), count)));
}

ErrorOr<long> sys_pwrite64(int fd, UserPtr<const u8> buf, size_t count, i64 pos) {
    auto f = TRY(sc::io_file(fd));
    if (pos < 0) return Errno::EINVAL;
    return long(TRY(f->pwrite(u64(pos), IoBuffer::user(buf.addr()), count)));
}

// On 64-bit Linux the position is pos_l alone (pos_from_hilo shifts pos_h out).
ErrorOr<long> sys_preadv(int fd, UserPtr<const void> iov, unsigned long vlen, u64 pos_l, u64) {
    auto f = TRY(sc::io_file(fd));
    if (!f->readable()) return Errno::EBADF;
    if (i64(pos_l) < 0) return Errno::EINVAL;
    if (!f->seekable()) return Errno::ESPIPE;
    u64 pos = pos_l;
    return vector_io(iov, vlen, [&](const IoBuffer& b, size_t n) -> ErrorOr<size_t> {
        size_t done = TRY(f->pread(pos, b, n));
        pos += done;
        return done;
    });
}

ErrorOr<long> sys_pwritev(int fd, UserPtr<const void> iov, unsigned long vlen, u64 pos_l, u64) {
    auto f = TRY(sc::io_file(fd));
    if (!f->writable()) return Errno::EBADF;
    if (i64(pos_l) < 0) return Errno::EINVAL;
    if (!f->seekable()) return Errno::ESPIPE;
    u64 pos = pos_l;
    return vector_io(iov, vlen, [&](const IoBuffer& b, size_t n) -> ErrorOr<size_t> {
        size_t done = TRY(f->pwrite(pos, b, n));
        pos += done;
        return done;
    });
}

ErrorOr<long> sys_lseek(int fd, i64 offset, unsigned whence) {
    auto f = TRY(sc::io_file(fd));
    return long(TRY(f->seek(offset, int(whence))));
}

namespace {
// Moves up to `count` bytes from `in` (at *in_pos, or its file position when null) to
// `out` through a kernel buffer; returns the bytes written (fewer when a signal came).
ErrorOr<size_t> copy_between(File& in, u64* in_pos, File& out, u64* out_pos, size_t count) {
    constexpr size_t kChunk = 64 * 1024;
    u8* buf = static_cast<u8*>(kmalloc(kChunk));
    if (!buf) return Errno::ENOMEM;
    size_t done = 0;
    Errno err {};
    while (done < count) {
        // A signal ends the copy between chunks (Linux's splice_from_pipe_next): what
        // was copied is the result, or EINTR (restarted under SA_RESTART) if nothing was.
        // Without this, SIGKILL would wait for gigabytes from /dev/zero.
        if (kernel::signal_pending() || kernel::fatal_signal_pending()) {
            if (!done) err = Errno::EINTR;
            break;
        }
        kernel::giant::yield_if_contended(); // a waiting CPU may hold the signal that ends this
        size_t want = min(count - done, kChunk);
        auto got = in_pos ? in.pread(*in_pos, IoBuffer::kernel(buf), want) : in.read(IoBuffer::kernel(buf), want);
        if (got.is_error()) { if (!done) err = got.error(); break; }
        if (got.value() == 0) break;
        auto put = out_pos ? out.pwrite(*out_pos, IoBuffer::kernel(buf), got.value())
                           : out.write(IoBuffer::kernel(buf), got.value());
        if (put.is_error()) { if (!done) err = put.error(); break; }
        if (in_pos) *in_pos += put.value();
        if (out_pos) *out_pos += put.value();
        done += put.value();
        if (put.value() < got.value()) {
            // The rest was read but not written: give it back to the input position.
            if (!in_pos) (void)in.seek(-i64(got.value() - put.value()), 1);
            break;
        }
        if (got.value() < want) break;
    }
    kfree(buf);
    if (err != Errno {}) return err;
    return done;
}
} // namespace

ErrorOr<long> sys_sendfile(int out_fd, int in_fd, UserPtr<i64> offset, size_t count) {
    auto in = TRY(sc::io_file(in_fd));
    auto out = TRY(sc::io_file(out_fd));
    if (!in->readable() || !out->writable()) return Errno::EBADF;
    if (out->flags & kOAppend) return Errno::EINVAL;
    if (!in->seekable() && !offset.is_null()) return Errno::ESPIPE;
    count = min(count, kMaxRw);
    if (offset.is_null()) return long(TRY(copy_between(*in, nullptr, *out, nullptr, count)));
    i64 pos = TRY(offset.read());
    if (pos < 0) return Errno::EINVAL;
    u64 p = u64(pos);
    size_t done = TRY(copy_between(*in, &p, *out, nullptr, count));
    TRY(offset.write(i64(p)));
    return long(done);
}

ErrorOr<long> sys_copy_file_range(int fd_in, UserPtr<i64> off_in, int fd_out, UserPtr<i64> off_out, size_t len,
                                  unsigned flags) {
    if (flags) return Errno::EINVAL;
    auto in = TRY(sc::io_file(fd_in));
    auto out = TRY(sc::io_file(fd_out));
    if (!in->readable() || !out->writable() || (out->flags & kOAppend)) return Errno::EBADF;
    if (in->inode->is_dir() || out->inode->is_dir()) return Errno::EISDIR;
    if (!in->inode->is_regular() || !out->inode->is_regular()) return Errno::EINVAL;
    u64 pin = in->offset, pout = out->offset;
    if (!off_in.is_null()) {
        i64 v = TRY(off_in.read());
        if (v < 0) return Errno::EINVAL;
        pin = u64(v);
    }
    if (!off_out.is_null()) {
        i64 v = TRY(off_out.read());
        if (v < 0) return Errno::EINVAL;
        pout = u64(v);
    }
    len = min(len, kMaxRw);
    // Overlapping ranges of one file are EINVAL (copy_file_range(2)).
    if (in->inode == out->inode && pin < pout + len && pout < pin + len) return Errno::EINVAL;
    size_t done = TRY(copy_between(*in, &pin, *out, &pout, len));
    if (off_in.is_null()) in->offset = pin;
    else TRY(off_in.write(i64(pin)));
    if (off_out.is_null()) out->offset = pout;
    else TRY(off_out.write(i64(pout)));
    return long(done);
}
