// The VFS over ramfs: path resolution, tree operations and their Linux errno values,
// open(2) flags, file positions and mounts.
#include <fs/file.h>
#include <fs/open.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using lv::RefPtr;
using fs::Inode;

namespace {
class Vfs : public ::testing::Test {
protected:
    void SetUp() override {
        rootfs = fs::create_ramfs("rootfs");
        ASSERT_NE(rootfs, nullptr);
        fs::set_root(*rootfs);
        root = fs::root_inode();
    }
    void TearDown() override {
        root.clear();
        // Directories point to their parents: break the links by emptying the tree.
        wipe(*rootfs->root);
        rootfs->root.clear();
        rootfs->detach(); // freed with its last inode (the mount table may still hold the root)
    }
    static void wipe(Inode& dir) {
        struct Names : fs::DirEntrySink {
            std::vector<std::string> names;
            bool emit(lv::StringView n, u64, u8, u64) override {
                names.emplace_back(n.data, n.size);
                return true;
            }
        } sink;
        u64 cookie = 2;
        (void)dir.iterate(cookie, sink);
        for (auto& n : sink.names) {
            auto c = dir.lookup(lv::StringView(n.data(), n.size())).release_value();
            if (c->is_dir() && &c->fs == &dir.fs) wipe(*c);
            (void)dir.unlink(lv::StringView(n.data(), n.size()), c->is_dir());
        }
    }

    Errno err(ErrorOr<void> r) { return r.is_error() ? r.error() : Errno(0); }
    template <typename T>
    Errno err(ErrorOr<T> r) { return r.is_error() ? r.error() : Errno(0); }

    void mkdir(const char* p, u32 mode = 0755) { ASSERT_FALSE(fs::make_node(*root, p, fs::kIfdir | mode, 0).is_error()) << p; }
    void write_file(const char* p, const std::string& data) {
        auto f = fs::open_path(*root, p, fs::kOWrOnly | fs::kOCreat | fs::kOTrunc, 0644, 022);
        ASSERT_FALSE(f.is_error()) << p;
        auto n = f.value()->write(fs::IoBuffer::kernel(data.data()), data.size());
        ASSERT_EQ(n.value(), data.size());
    }
    std::string read_file(const char* p) {
        auto f = fs::open_path(*root, p, fs::kORdOnly, 0, 0);
        if (f.is_error()) return "ERR" + std::to_string(int(f.error()));
        std::string out;
        char buf[1000];
        for (;;) {
            auto n = f.value()->read(fs::IoBuffer::kernel(buf), sizeof buf);
            if (n.is_error()) return "READERR";
            if (n.value() == 0) return out;
            out.append(buf, n.value());
        }
    }
    RefPtr<Inode> get(const char* p, bool follow = true) {
        auto r = fs::resolve(*root, p, follow);
        return r.is_error() ? nullptr : r.release_value();
    }
    Errno lookup_err(const char* p, bool follow = true) { return err(fs::resolve(*root, p, follow)); }
    std::vector<std::string> list(const char* p) {
        struct Names : fs::DirEntrySink {
            std::vector<std::string> names;
            bool emit(lv::StringView n, u64, u8, u64) override {
                names.emplace_back(n.data, n.size);
                return true;
            }
        } sink;
        u64 cookie = 0;
        EXPECT_FALSE(get(p)->iterate(cookie, sink).is_error());
        return sink.names;
    }

    fs::FileSystem* rootfs = nullptr;
    RefPtr<Inode> root;
};
} // namespace

TEST_F(Vfs, WriteReadSparseTruncate) {
    write_file("/f", "hello");
    EXPECT_EQ(read_file("/f"), "hello");
    auto f = fs::open_path(*root, "/f", fs::kORdWr, 0, 0).release_value();
    ASSERT_EQ(f->pwrite(10000, fs::IoBuffer::kernel("X"), 1).value(), 1u);
    EXPECT_EQ(f->inode->size, 10001u);
    std::string s = read_file("/f");
    ASSERT_EQ(s.size(), 10001u);
    EXPECT_EQ(s.substr(0, 5), "hello");
    EXPECT_EQ(s[5], 0);
    EXPECT_EQ(s[9999], 0);
    EXPECT_EQ(s[10000], 'X');
    EXPECT_EQ(f->inode->allocated_blocks(), 16u); // two pages, the hole between is free
    ASSERT_FALSE(f->inode->truncate(3).is_error());
    ASSERT_FALSE(f->inode->truncate(8).is_error());
    EXPECT_EQ(read_file("/f"), std::string("hel\0\0\0\0\0", 8)); // no stale bytes after shrinking
}

TEST_F(Vfs, DirectoryLinkCounts) {
    mkdir("/a");
    mkdir("/a/b");
    mkdir("/a/c");
    EXPECT_EQ(get("/a")->nlink, 4u);
    EXPECT_EQ(root->nlink, 3u);
    write_file("/a/file", "");
    EXPECT_EQ(get("/a")->nlink, 4u);
    ASSERT_FALSE(fs::remove(*root, "/a/b", true).is_error());
    EXPECT_EQ(get("/a")->nlink, 3u);
    ASSERT_FALSE(fs::make_link(*root, "/a/file", *root, "/a/file2", false).is_error());
    EXPECT_EQ(get("/a/file")->nlink, 2u);
    EXPECT_EQ(get("/a/file"), get("/a/file2"));
}

TEST_F(Vfs, Resolution) {
    mkdir("/d");
    mkdir("/d/e");
    write_file("/d/e/f", "x");
    ASSERT_FALSE(fs::make_symlink("e/f", *root, "/d/rel").is_error());
    ASSERT_FALSE(fs::make_symlink("/d/e", *root, "/abs").is_error());
    ASSERT_FALSE(fs::make_symlink("missing", *root, "/dangling").is_error());
    EXPECT_EQ(get("/d/rel"), get("/d/e/f"));
    EXPECT_EQ(get("/abs/f"), get("/d/e/f"));
    EXPECT_EQ(get("/abs/../e"), get("/d/e")); // ".." after a symlink is the target's parent
    EXPECT_EQ(get("/.."), root);
    EXPECT_EQ(get("//d/./e/..//"), get("/d"));
    EXPECT_TRUE(get("/d/rel", false)->is_symlink());
    EXPECT_TRUE(get("/abs/", false)->is_dir()); // a trailing slash follows
    EXPECT_EQ(lookup_err("/d/e/f/"), Errno(ENOTDIR));
    EXPECT_EQ(lookup_err("/d/e/f/g"), Errno(ENOTDIR));
    EXPECT_EQ(lookup_err("/d/x/f"), Errno(ENOENT));
    EXPECT_EQ(lookup_err("/dangling"), Errno(ENOENT));
    EXPECT_EQ(lookup_err("/dangling", false), Errno(0));
    EXPECT_EQ(lookup_err(""), Errno(ENOENT));
    EXPECT_EQ(lookup_err(("/" + std::string(256, 'n')).c_str()), Errno(ENAMETOOLONG));
    // Relative to another directory.
    auto e = get("/d/e");
    EXPECT_EQ(fs::resolve(*e, "f", true).value(), get("/d/e/f"));
    EXPECT_EQ(fs::resolve(*e, "../../d", true).value(), get("/d"));
}

TEST_F(Vfs, SymlinkLoops) {
    ASSERT_FALSE(fs::make_symlink("b", *root, "/a").is_error());
    ASSERT_FALSE(fs::make_symlink("a", *root, "/b").is_error());
    EXPECT_EQ(lookup_err("/a"), Errno(ELOOP));
    EXPECT_EQ(lookup_err("/a/x"), Errno(ELOOP));
    // A chain of 40 links resolves; 41 is too many.
    write_file("/target", "t");
    std::string prev = "/target";
    for (int i = 1; i <= 41; i++) {
        std::string name = "/l" + std::to_string(i);
        ASSERT_FALSE(fs::make_symlink(lv::StringView(prev.data(), prev.size()), *root, name.c_str()).is_error());
        prev = name;
    }
    EXPECT_EQ(lookup_err("/l40"), Errno(0));
    EXPECT_EQ(lookup_err("/l41"), Errno(ELOOP));
}

TEST_F(Vfs, RemoveErrors) {
    mkdir("/d");
    write_file("/d/f", "");
    EXPECT_EQ(err(fs::remove(*root, "/d", false)), Errno(EISDIR));
    EXPECT_EQ(err(fs::remove(*root, "/d/f", true)), Errno(ENOTDIR));
    EXPECT_EQ(err(fs::remove(*root, "/d", true)), Errno(ENOTEMPTY));
    EXPECT_EQ(err(fs::remove(*root, "/d/.", true)), Errno(EINVAL));
    EXPECT_EQ(err(fs::remove(*root, "/d/..", true)), Errno(ENOTEMPTY));
    EXPECT_EQ(err(fs::remove(*root, "/", true)), Errno(EBUSY));
    EXPECT_EQ(err(fs::remove(*root, "/d/f/", false)), Errno(ENOTDIR));
    EXPECT_EQ(err(fs::remove(*root, "/d/nope", false)), Errno(ENOENT));
    EXPECT_EQ(err(fs::remove(*root, "/d/f", false)), Errno(0));
    EXPECT_EQ(err(fs::remove(*root, "/d/", true)), Errno(0));
}

TEST_F(Vfs, CreateErrors) {
    mkdir("/d");
    EXPECT_EQ(err(fs::make_node(*root, "/d", fs::kIfdir | 0755, 0)), Errno(EEXIST));
    EXPECT_EQ(err(fs::make_node(*root, "/d/.", fs::kIfdir | 0755, 0)), Errno(EEXIST));
    EXPECT_EQ(err(fs::make_node(*root, "/new/", fs::kIfdir | 0755, 0)), Errno(0));
    EXPECT_EQ(err(fs::make_node(*root, "/fifo/", fs::kIfifo | 0644, 0)), Errno(ENOENT));
    EXPECT_EQ(err(fs::make_node(*root, "/nodir/x", fs::kIfdir | 0755, 0)), Errno(ENOENT));
    EXPECT_EQ(err(fs::make_symlink("", *root, "/s")), Errno(ENOENT));
    EXPECT_EQ(err(fs::make_link(*root, "/d", *root, "/d2", false)), Errno(EPERM));
}

TEST_F(Vfs, RenameRules) {
    mkdir("/a");
    mkdir("/a/sub");
    mkdir("/empty");
    mkdir("/full");
    write_file("/full/x", "");
    write_file("/f", "1");
    write_file("/g", "2");
    EXPECT_EQ(err(fs::rename(*root, "/a", *root, "/a/sub/inside", 0)), Errno(EINVAL));
    EXPECT_EQ(err(fs::rename(*root, "/a", *root, "/full", 0)), Errno(ENOTEMPTY));
    EXPECT_EQ(err(fs::rename(*root, "/f", *root, "/empty", 0)), Errno(EISDIR));
    EXPECT_EQ(err(fs::rename(*root, "/a", *root, "/f", 0)), Errno(ENOTDIR));
    EXPECT_EQ(err(fs::rename(*root, "/f", *root, "/g", fs::kRenameNoReplace)), Errno(EEXIST));
    EXPECT_EQ(err(fs::rename(*root, "/nope", *root, "/g", 0)), Errno(ENOENT));
    EXPECT_EQ(err(fs::rename(*root, "/f/", *root, "/h", 0)), Errno(ENOTDIR));
    EXPECT_EQ(err(fs::rename(*root, "/a/.", *root, "/h", 0)), Errno(EBUSY));
    EXPECT_EQ(err(fs::rename(*root, "/a/sub", *root, "/a", 0)), Errno(ENOTEMPTY));

    EXPECT_EQ(err(fs::rename(*root, "/f", *root, "/g", 0)), Errno(0));
    EXPECT_EQ(read_file("/g"), "1");
    EXPECT_EQ(lookup_err("/f"), Errno(ENOENT));
    EXPECT_EQ(err(fs::rename(*root, "/a", *root, "/empty", 0)), Errno(0)); // over an empty dir
    EXPECT_EQ(get("/empty/sub")->parent(), get("/empty"));
    EXPECT_EQ(get("/empty/sub/.."), get("/empty"));
    EXPECT_EQ(root->nlink, 4u); // empty (was a), full, and . and ..

    // Moving a directory moves its ".." link between parents.
    EXPECT_EQ(err(fs::rename(*root, "/empty/sub", *root, "/full/sub", 0)), Errno(0));
    EXPECT_EQ(get("/empty")->nlink, 2u);
    EXPECT_EQ(get("/full")->nlink, 3u);

    write_file("/h", "h");
    ASSERT_FALSE(fs::make_link(*root, "/h", *root, "/h2", false).is_error());
    EXPECT_EQ(err(fs::rename(*root, "/h", *root, "/h2", 0)), Errno(0)); // same inode: no-op
    EXPECT_EQ(read_file("/h"), "h");

    EXPECT_EQ(err(fs::rename(*root, "/g", *root, "/full", fs::kRenameExchange)), Errno(0));
    EXPECT_TRUE(get("/g")->is_dir());
    EXPECT_EQ(read_file("/full"), "1");
    EXPECT_EQ(get("/g/sub/.."), get("/g"));
    EXPECT_EQ(err(fs::rename(*root, "/g", *root, "/zz", fs::kRenameExchange)), Errno(ENOENT));
}

TEST_F(Vfs, ReaddirWhileDeleting) {
    mkdir("/d");
    for (int i = 0; i < 100; i++) write_file(("/d/f" + std::to_string(i)).c_str(), "");
    auto d = get("/d");
    // Read a few entries at a time, deleting each batch: nothing may be skipped.
    struct Batch : fs::DirEntrySink {
        std::vector<std::string> names;
        bool emit(lv::StringView n, u64, u8, u64) override {
            if (names.size() == 7) return false;
            names.emplace_back(n.data, n.size);
            return true;
        }
    };
    u64 cookie = 0;
    size_t seen = 0;
    for (;;) {
        Batch b;
        ASSERT_FALSE(d->iterate(cookie, b).is_error());
        if (b.names.empty()) break;
        for (auto& n : b.names) {
            if (n == "." || n == "..") continue;
            seen++;
            ASSERT_FALSE(d->unlink(lv::StringView(n.data(), n.size()), false).is_error());
        }
    }
    EXPECT_EQ(seen, 100u);
    EXPECT_TRUE(d->is_empty_dir());
}

TEST_F(Vfs, ListAndPathOf) {
    mkdir("/usr");
    mkdir("/usr/bin");
    write_file("/usr/bin/sh", "");
    EXPECT_EQ(list("/usr"), (std::vector<std::string> {".", "..", "bin"}));
    char buf[64];
    auto n = fs::path_of(*get("/usr/bin"), buf, sizeof buf);
    ASSERT_FALSE(n.is_error());
    EXPECT_STREQ(buf, "/usr/bin");
    EXPECT_EQ(fs::path_of(*root, buf, sizeof buf).value(), 1u);
    EXPECT_STREQ(buf, "/");
    EXPECT_EQ(err(fs::path_of(*get("/usr/bin"), buf, 5)), Errno(ERANGE));
    auto bin = get("/usr/bin");
    ASSERT_FALSE(fs::remove(*root, "/usr/bin/sh", false).is_error());
    ASSERT_FALSE(fs::remove(*root, "/usr/bin", true).is_error());
    EXPECT_EQ(err(fs::path_of(*bin, buf, sizeof buf)), Errno(ENOENT));
    // A removed directory takes no new entries.
    EXPECT_EQ(err(fs::make_node(*bin, "x", fs::kIfreg | 0644, 0)), Errno(ENOENT));
    EXPECT_EQ(bin->nlink, 0u);
}

TEST_F(Vfs, OpenFlags) {
    mkdir("/d");
    write_file("/f", "content");
    ASSERT_FALSE(fs::make_symlink("newtarget", *root, "/dl").is_error());
    ASSERT_FALSE(fs::make_symlink("f", *root, "/fl").is_error());
    using namespace fs;
    EXPECT_EQ(err(open_path(*root, "/f", kOWrOnly | kOCreat | kOExcl, 0644, 0)), Errno(EEXIST));
    EXPECT_EQ(err(open_path(*root, "/dl", kOWrOnly | kOCreat | kOExcl, 0644, 0)), Errno(EEXIST));
    EXPECT_EQ(err(open_path(*root, "/fl", kORdOnly | kONoFollow, 0, 0)), Errno(ELOOP));
    EXPECT_EQ(err(open_path(*root, "/fl", kOPath | kONoFollow, 0, 0)), Errno(0));
    EXPECT_EQ(err(open_path(*root, "/f", kORdOnly | kODirectory, 0, 0)), Errno(ENOTDIR));
    EXPECT_EQ(err(open_path(*root, "/d", kOWrOnly, 0, 0)), Errno(EISDIR));
    EXPECT_EQ(err(open_path(*root, "/d", kORdOnly | kOCreat, 0644, 0)), Errno(EISDIR));
    EXPECT_EQ(err(open_path(*root, "/d", kORdOnly, 0, 0)), Errno(0));
    EXPECT_EQ(err(open_path(*root, "/new/", kOWrOnly | kOCreat, 0644, 0)), Errno(EISDIR));
    EXPECT_EQ(err(open_path(*root, "/x", kORdOnly | kOCreat | kODirectory, 0644, 0)), Errno(EINVAL));
    EXPECT_EQ(err(open_path(*root, "/f/", kORdOnly, 0, 0)), Errno(ENOTDIR));
    // A dangling symlink with O_CREAT creates its target.
    EXPECT_EQ(err(open_path(*root, "/dl", kOWrOnly | kOCreat, 0666, 027)), Errno(0));
    ASSERT_NE(get("/newtarget"), nullptr);
    EXPECT_EQ(get("/newtarget")->mode, kIfreg | 0640u); // umask applied
    // O_PATH files can neither read nor write.
    auto p = open_path(*root, "/f", kOPath | kORdWr, 0, 0).release_value();
    char c;
    EXPECT_EQ(err(p->read(IoBuffer::kernel(&c), 1)), Errno(EBADF));
    // O_WRONLY cannot read, O_RDONLY cannot write.
    auto w = open_path(*root, "/f", kOWrOnly, 0, 0).release_value();
    EXPECT_EQ(err(w->read(IoBuffer::kernel(&c), 1)), Errno(EBADF));
    auto r = open_path(*root, "/f", kORdOnly, 0, 0).release_value();
    EXPECT_EQ(err(r->write(IoBuffer::kernel("x"), 1)), Errno(EBADF));
    // Reading a directory.
    auto d = open_path(*root, "/d", kORdOnly, 0, 0).release_value();
    EXPECT_EQ(err(d->read(IoBuffer::kernel(&c), 1)), Errno(EISDIR));
    // O_APPEND and O_TRUNC.
    auto a = open_path(*root, "/f", kOWrOnly | kOAppend, 0, 0).release_value();
    ASSERT_EQ(a->write(IoBuffer::kernel("++"), 2).value(), 2u);
    EXPECT_EQ(read_file("/f"), "content++");
    (void)open_path(*root, "/f", kORdOnly | kOTrunc, 0, 0).release_value();
    EXPECT_EQ(read_file("/f"), "");
    // O_TMPFILE: a file with no name.
    auto t = open_path(*root, "/d", kORdWr | kOTmpfile, 0600, 0);
    ASSERT_FALSE(t.is_error());
    EXPECT_EQ(t.value()->inode->nlink, 0u);
    EXPECT_TRUE(get("/d")->is_empty_dir());
}

TEST_F(Vfs, Seek) {
    write_file("/f", "0123456789");
    auto f = fs::open_path(*root, "/f", fs::kORdWr, 0, 0).release_value();
    EXPECT_EQ(f->seek(-3, 2).value(), 7u);
    char buf[8] = {};
    EXPECT_EQ(f->read(fs::IoBuffer::kernel(buf), 8).value(), 3u);
    EXPECT_STREQ(buf, "789");
    EXPECT_EQ(err(f->seek(-100, 1)), Errno(EINVAL));
    EXPECT_EQ(err(f->seek(0, 7)), Errno(EINVAL));
    EXPECT_EQ(f->seek(100, 0).value(), 100u); // past the end is fine
    EXPECT_EQ(f->read(fs::IoBuffer::kernel(buf), 8).value(), 0u);
    EXPECT_EQ(f->seek(2, 3).value(), 2u);     // SEEK_DATA
    EXPECT_EQ(f->seek(2, 4).value(), 10u);    // SEEK_HOLE: the end
    EXPECT_EQ(err(f->seek(10, 3)), Errno(ENXIO));
    EXPECT_EQ(err(f->pread(u64(-1), fs::IoBuffer::kernel(buf), 1)), Errno(EINVAL));
}

TEST_F(Vfs, Mounts) {
    mkdir("/dev");
    mkdir("/other");
    fs::FileSystem* devfs = fs::create_ramfs("devtmpfs");
    ASSERT_FALSE(fs::mount(*get("/dev"), *devfs).is_error());
    write_file("/dev/null", "");
    auto n = get("/dev/null");
    EXPECT_EQ(&n->fs, devfs);
    EXPECT_NE(n->fs.dev, root->fs.dev);
    EXPECT_EQ(get("/dev"), devfs->root);
    EXPECT_EQ(get("/dev/.."), root);
    EXPECT_EQ(get("/dev/../other"), get("/other"));
    char buf[64];
    ASSERT_FALSE(fs::path_of(*devfs->root, buf, sizeof buf).is_error());
    EXPECT_STREQ(buf, "/dev");
    EXPECT_EQ(err(fs::rename(*root, "/dev/null", *root, "/other/null", 0)), Errno(EXDEV));
    EXPECT_EQ(err(fs::make_link(*root, "/dev/null", *root, "/other/null", false)), Errno(EXDEV));
    EXPECT_EQ(err(fs::remove(*root, "/dev", true)), Errno(EBUSY));
    // A bind mount shows a directory elsewhere; unmounting uncovers the mountpoint.
    write_file("/other/here", "");
    ASSERT_FALSE(fs::bind_mount(*get("/other"), *devfs->root).is_error());
    EXPECT_EQ(get("/other/null"), n);
    EXPECT_EQ(err(fs::bind_mount(*get("/other"), *devfs->root)), Errno(0)); // /other now shows devfs
    EXPECT_EQ(err(fs::unmount(*get("/other"))), Errno(0));
    EXPECT_EQ(err(fs::unmount(*get("/other"))), Errno(0));
    EXPECT_EQ(err(fs::unmount(*get("/other"))), Errno(EINVAL));
    EXPECT_NE(get("/other/here"), nullptr);
    EXPECT_EQ(err(fs::unmount(*root)), Errno(EBUSY));
    EXPECT_EQ(err(fs::unmount(*get("/dev"))), Errno(0));
    EXPECT_EQ(get("/dev/null"), nullptr);
    EXPECT_EQ(err(fs::remove(*root, "/other/here", false)), Errno(0));
    wipe(*devfs->root);
    fs::set_root(*rootfs); // drop the mount before freeing the filesystem
    devfs->root.clear();
    devfs->detach();
}
