// fs/initramfs.cpp: unpacking newc archives into the root ramfs.
#include <fs/kernel_api.h>
#include <fs/open.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <gtest/gtest.h>
#include <cstdio>
#include <string>

namespace {
struct Rec {
    std::string name;
    u32 mode;
    u32 ino = 1, nlink = 1, mtime = 1000;
    std::string data;
    u32 rmaj = 0, rmin = 0;
};

std::string archive(const std::vector<Rec>& recs) {
    std::string a;
    auto add = [&](const Rec& r) {
        char h[111];
        snprintf(h, sizeof h, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", r.ino, r.mode, 0, 0,
                 r.nlink, r.mtime, unsigned(r.data.size()), 0, 0, r.rmaj, r.rmin, unsigned(r.name.size() + 1), 0);
        a.append(h, 110);
        a += r.name;
        a += '\0';
        while (a.size() % 4) a += '\0';
        a += r.data;
        while (a.size() % 4) a += '\0';
    };
    for (auto& r : recs) add(r);
    add(Rec {"TRAILER!!!", 0, 0, 1, 0, ""});
    return a;
}

class Initramfs : public ::testing::Test {
protected:
    void SetUp() override {
        rootfs = fs::create_ramfs("rootfs");
        fs::set_root(*rootfs);
    }
    void TearDown() override {
        // Unpacked trees: remove depth-first so that parent links are released.
        for (const char* p : cleanup) (void)fs::remove(*rootfs->root, p, true), (void)fs::remove(*rootfs->root, p, false);
        rootfs->root.clear();
        rootfs->detach(); // freed with its last inode (the mount table may still hold the root)
    }
    lv::RefPtr<fs::Inode> get(const char* p, bool follow = true) {
        auto r = fs::resolve(*rootfs->root, p, follow);
        return r.is_error() ? nullptr : r.release_value();
    }
    std::string contents(const char* p) {
        auto i = get(p);
        if (!i) return "MISSING";
        std::string s(i->size, '?');
        auto n = fs::read_inode(*i, 0, s.data(), s.size());
        return n.is_error() ? "ERR" : s.substr(0, n.value());
    }
    fs::FileSystem* rootfs = nullptr;
    std::vector<const char*> cleanup;
};
} // namespace

TEST_F(Initramfs, Unpack) {
    std::string big(3 * 4096 + 17, 'b');
    std::string a = archive({
        {".", 040755},
        {"./bin", 040700, 2, 2, 500},
        {"bin/prog", 0100755, 3, 1, 1234, "#!/bin/sh\n"},
        {"/usr/lib/deep/file", 0100600, 4, 1, 7, big}, // parents missing from the archive
        {"bin/sh", 0120777, 5, 1, 1, "prog"},
        {"x", 0100644, 9, 2, 1, ""},                      // hard link, data comes last
        {"bin/y", 0100644, 9, 2, 1, "linked"},
        {"dev", 040755, 10, 2, 1},
        {"dev/null", 020666, 11, 1, 1, "", 1, 3},
        {"dev/fifo", 010644, 12, 1, 1},
    });
    ASSERT_FALSE(fs::unpack_initramfs(reinterpret_cast<const u8*>(a.data()), a.size()).is_error());
    cleanup = {"/bin/prog", "/bin/sh", "/bin/y", "/x", "/bin", "/usr/lib/deep/file", "/usr/lib/deep", "/usr/lib",
               "/usr", "/dev/null", "/dev/fifo", "/dev"};
    auto bin = get("/bin");
    ASSERT_NE(bin, nullptr);
    EXPECT_EQ(bin->mode, 040700u);
    EXPECT_EQ(bin->mtime.sec, 500); // directory mtimes survive the files added later
    auto prog = get("/bin/prog");
    EXPECT_EQ(prog->mode, 0100755u);
    EXPECT_EQ(prog->mtime.sec, 1234);
    EXPECT_EQ(contents("/bin/prog"), "#!/bin/sh\n");
    EXPECT_EQ(contents("/usr/lib/deep/file"), big);
    EXPECT_EQ(get("/usr/lib")->mode, 040755u);
    EXPECT_EQ(get("/bin/sh"), prog);
    EXPECT_TRUE(get("/bin/sh", false)->is_symlink());
    EXPECT_EQ(get("/x"), get("/bin/y"));
    EXPECT_EQ(get("/x")->nlink, 2u);
    EXPECT_EQ(contents("/x"), "linked");
    EXPECT_EQ(get("/dev/null")->rdev, fs::make_dev(1, 3));
    EXPECT_TRUE(get("/dev/fifo")->is_fifo());
    EXPECT_TRUE(fs::check_executable(*prog).is_error() == false);
}

TEST_F(Initramfs, Malformed) {
    std::string a = archive({{"f", 0100644, 1, 1, 1, "data"}});
    a[0] = 'X';
    EXPECT_EQ(fs::unpack_initramfs(reinterpret_cast<const u8*>(a.data()), a.size()).error(), Errno(EINVAL));
}

TEST_F(Initramfs, LargeFileIsLinear) {
    // 64 MiB in one file: page-wise copies keep this well under a second.
    std::string big(64u << 20, 'z');
    std::string a = archive({{"big", 0100644, 1, 1, 1, big}});
    big.clear();
    ASSERT_FALSE(fs::unpack_initramfs(reinterpret_cast<const u8*>(a.data()), a.size()).is_error());
    cleanup = {"/big"};
    auto i = get("/big");
    ASSERT_NE(i, nullptr);
    EXPECT_EQ(i->size, 64u << 20);
    char c;
    ASSERT_EQ(fs::read_inode(*i, (64u << 20) - 1, &c, 1).value(), 1u);
    EXPECT_EQ(c, 'z');
}
