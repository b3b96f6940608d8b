// fs/pipe.cpp and fs/fd_table.cpp (single-threaded: waits return EINTR on the host).
#include <fs/fd_table.h>
#include <fs/pipe.h>
#include <gtest/gtest.h>

namespace kernel {
extern int host_last_signal;
}

TEST(Pipe, ReadWriteEofEpipe) {
    lv::RefPtr<fs::File> r, w;
    ASSERT_FALSE(fs::make_pipe(fs::kONonBlock, r, w).is_error());
    char buf[16];
    EXPECT_EQ(r->read(fs::IoBuffer::kernel(buf), sizeof buf).error(), Errno(EAGAIN));
    EXPECT_EQ(w->write(fs::IoBuffer::kernel("hello"), 5).value(), 5u);
    EXPECT_EQ(r->ops->bytes_available(*r).value(), 5u);
    EXPECT_EQ(r->read(fs::IoBuffer::kernel(buf), 3).value(), 3u);
    EXPECT_EQ(r->read(fs::IoBuffer::kernel(buf), sizeof buf).value(), 2u);
    EXPECT_EQ(r->seek(0, 0).error(), Errno(ESPIPE));
    EXPECT_EQ(r->pread(0, fs::IoBuffer::kernel(buf), 1).error(), Errno(ESPIPE));
    EXPECT_TRUE(r->ops->poll(*r, fs::kPollIn) == 0);
    // Fill the pipe: 64 KiB fit, then EAGAIN.
    static char chunk[4096];
    size_t total = 0;
    for (;;) {
        auto n = w->write(fs::IoBuffer::kernel(chunk), sizeof chunk);
        if (n.is_error()) {
            EXPECT_EQ(n.error(), Errno(EAGAIN));
            break;
        }
        total += n.value();
    }
    EXPECT_EQ(total, fs::kPipeDefaultSize);
    w.clear();
    // Data first, then EOF.
    size_t drained = 0;
    for (;;) {
        auto n = r->read(fs::IoBuffer::kernel(chunk), sizeof chunk);
        ASSERT_FALSE(n.is_error());
        if (n.value() == 0) break;
        drained += n.value();
    }
    EXPECT_EQ(drained, total);

    lv::RefPtr<fs::File> r2, w2;
    ASSERT_FALSE(fs::make_pipe(0, r2, w2).is_error());
    r2.clear();
    kernel::host_last_signal = 0;
    EXPECT_EQ(w2->write(fs::IoBuffer::kernel("x"), 1).error(), Errno(EPIPE));
    EXPECT_EQ(kernel::host_last_signal, 13); // SIGPIPE
}

TEST(Pipe, Capacity) {
    lv::RefPtr<fs::File> r, w;
    ASSERT_FALSE(fs::make_pipe(fs::kONonBlock, r, w).is_error());
    auto* p = static_cast<fs::Pipe*>(w->ops);
    EXPECT_EQ(p->set_capacity(5000).value(), 8192u);
    EXPECT_EQ(w->write(fs::IoBuffer::kernel("abc"), 3).value(), 3u);
    EXPECT_EQ(p->set_capacity(1).value(), 4096u);
    EXPECT_EQ(p->set_capacity(64u << 20).error(), Errno(EPERM));
    char buf[4];
    EXPECT_EQ(r->read(fs::IoBuffer::kernel(buf), 4).value(), 3u);
}

TEST(FdTable, AllocateInstallCloexec) {
    fs::FdTable* t = fs::FdTable::create();
    lv::RefPtr<fs::File> r, w;
    ASSERT_FALSE(fs::make_pipe(0, r, w).is_error());
    EXPECT_EQ(t->allocate(r, false).value(), 0);
    EXPECT_EQ(t->allocate(w, true).value(), 1);
    EXPECT_EQ(t->allocate(r, false, 10).value(), 10);
    EXPECT_EQ(t->allocate(r, false).value(), 2);
    EXPECT_TRUE(t->cloexec(1).value());
    EXPECT_EQ(t->close(5).error(), Errno(EBADF));
    EXPECT_EQ(t->get(-1).error(), Errno(EBADF));
    EXPECT_EQ(t->install(1024, r, false).error(), Errno(EBADF)); // the default limit
    ASSERT_FALSE(t->install(1023, r, false).is_error());
    EXPECT_EQ(t->allocate(r, false, 1023).error(), Errno(EMFILE));
    EXPECT_EQ(t->allocate(r, false, 1023, 2000).value(), 1024); // a raised RLIMIT_NOFILE
    EXPECT_EQ(t->install(fs::FdTable::kMaxFds, r, false, 1 << 30).error(), Errno(EBADF));
    fs::FdTable* c = t->clone();
    ASSERT_NE(c, nullptr);
    c->close_on_exec();
    EXPECT_EQ(c->get(1).error(), Errno(EBADF));
    EXPECT_FALSE(c->get(0).is_error());
    EXPECT_FALSE(t->get(1).is_error());
    t->close_range(2, ~0u, false);
    EXPECT_EQ(t->count_open(), 2);
    lv::destroy(c);
    lv::destroy(t);
    // Fill up to the limit.
    t = fs::FdTable::create();
    for (int i = 0; i < fs::FdTable::kMaxFds; i++) ASSERT_EQ(t->allocate(r, false, 0, 1 << 30).value(), i);
    EXPECT_EQ(t->allocate(r, false, 0, 1 << 30).error(), Errno(EMFILE));
    EXPECT_TRUE(t->cloexec(100).value() == false);
    ASSERT_FALSE(t->set_cloexec(4000, true).is_error());
    fs::FdTable* c2 = t->clone();
    EXPECT_TRUE(c2->cloexec(4000).value());
    // Freed fds come back lowest first, in the copy too.
    ASSERT_FALSE(c2->close(70000).is_error());
    ASSERT_FALSE(c2->close(5).is_error());
    EXPECT_EQ(c2->allocate(r, false, 0, 1 << 30).value(), 5);
    EXPECT_EQ(c2->allocate(r, false, 0, 1 << 30).value(), 70000);
    EXPECT_EQ(c2->allocate(r, false, 0, 1 << 30).error(), Errno(EMFILE));
    EXPECT_EQ(c2->count_open(), fs::FdTable::kMaxFds);
    lv::destroy(c2);
    lv::destroy(t);
}

TEST(FdTable, LowestFreeAcrossWordsAndHints) {
    fs::FdTable* t = fs::FdTable::create();
    lv::RefPtr<fs::File> r, w;
    ASSERT_FALSE(fs::make_pipe(0, r, w).is_error());
    for (int i = 0; i < 200; i++) ASSERT_EQ(t->allocate(r, false, 0, 20000).value(), i);
    ASSERT_FALSE(t->install(19999, r, false, 20000).is_error()); // far past the end: grows
    EXPECT_EQ(t->allocate(r, false, 19999, 20000).error(), Errno(EMFILE));
    EXPECT_EQ(t->allocate(r, false, 19998, 20000).value(), 19998);
    EXPECT_EQ(t->allocate(r, false, 0, 20000).value(), 200); // the hint is not fooled by min_fd
    ASSERT_FALSE(t->close(63).is_error());
    ASSERT_FALSE(t->close(64).is_error());
    ASSERT_FALSE(t->close(130).is_error());
    EXPECT_EQ(t->allocate(r, false, 64, 20000).value(), 64);
    EXPECT_EQ(t->allocate(r, false, 0, 20000).value(), 63);
    EXPECT_EQ(t->allocate(r, false, 0, 20000).value(), 130);
    EXPECT_EQ(t->allocate(r, false, 0, 20000).value(), 201);
    EXPECT_EQ(t->allocate(r, false, 0, 150).error(), Errno(EMFILE)); // a lowered limit
    EXPECT_EQ(t->count_open(), 204);
    lv::destroy(t);
}
