// fs/cpio.cpp: newc archives, good and malformed.
#include <fs/cpio.h>
#include <gtest/gtest.h>
#include <cstdio>
#include <string>
#include <vector>

namespace {
struct Rec {
    std::string name;
    u32 mode = 0100644, ino = 1, nlink = 1, mtime = 1234;
    std::string data;
};

void hex8(std::string& out, u32 v) {
    char b[9];
    snprintf(b, sizeof b, "%08X", v);
    out += b;
}

std::string header(const Rec& r, bool crc = false, u32 check = 0) {
    std::string h = crc ? "070702" : "070701";
    u32 f[13] = {r.ino, r.mode, 0, 0, r.nlink, r.mtime, u32(r.data.size()), 0, 0, 0, 0,
                 u32(r.name.size() + 1), check};
    for (u32 v : f) hex8(h, v);
    return h;
}

void add(std::string& a, const Rec& r, bool crc = false) {
    u32 sum = 0;
    for (unsigned char c : r.data) sum += c;
    a += header(r, crc, crc ? sum : 0);
    a += r.name;
    a += '\0';
    while (a.size() % 4) a += '\0';
    a += r.data;
    while (a.size() % 4) a += '\0';
}

std::string archive(const std::vector<Rec>& recs) {
    std::string a;
    for (auto& r : recs) add(a, r);
    add(a, Rec {"TRAILER!!!", 0, 0, 1, 0, ""});
    return a;
}

std::vector<fs::cpio::Entry> read_all(const std::string& a, Errno* err = nullptr) {
    std::vector<fs::cpio::Entry> out;
    fs::cpio::Reader r(reinterpret_cast<const u8*>(a.data()), a.size());
    for (;;) {
        fs::cpio::Entry e;
        auto res = r.next(e);
        if (res.is_error()) {
            if (err) *err = res.error();
            return out;
        }
        if (!res.value()) break;
        out.push_back(e);
    }
    if (err) *err = Errno(0);
    return out;
}
std::string str(lv::StringView v) { return std::string(v.data, v.size); }
} // namespace

TEST(Cpio, Basic) {
    std::string a = archive({{"dir", 040755, 2, 2, 5, ""},
                             {"dir/file", 0100600, 3, 1, 6, "hello"},
                             {"dir/link", 0120777, 4, 1, 7, "file"}});
    Errno err;
    auto v = read_all(a, &err);
    EXPECT_EQ(err, Errno(0));
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(str(v[0].name), "dir");
    EXPECT_EQ(v[0].mode, 040755u);
    EXPECT_EQ(v[0].mtime, 5u);
    EXPECT_EQ(str(v[1].name), "dir/file");
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(v[1].data), v[1].size), "hello");
    EXPECT_EQ(v[1].ino, 3u);
    EXPECT_EQ(str(v[2].name), "dir/link");
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(v[2].data), v[2].size), "file");
}

TEST(Cpio, EmptyInputAndOnlyTrailer) {
    Errno err;
    EXPECT_TRUE(read_all("", &err).empty());
    EXPECT_EQ(err, Errno(0));
    EXPECT_TRUE(read_all(archive({}), &err).empty());
    EXPECT_EQ(err, Errno(0));
}

TEST(Cpio, NameSizesAndPadding) {
    // Names of every length mod 4 exercise the header+name padding; data of every
    // length mod 4 exercises the data padding.
    std::vector<Rec> recs;
    for (int i = 1; i <= 9; i++) recs.push_back({std::string(i, 'a' + i), 0100644, u32(i), 1, 0, std::string(i, 'x')});
    std::string a = archive(recs); // entries point into it
    auto v = read_all(a);
    ASSERT_EQ(v.size(), recs.size());
    for (size_t i = 0; i < v.size(); i++) {
        EXPECT_EQ(str(v[i].name), recs[i].name);
        EXPECT_EQ(v[i].size, recs[i].data.size());
    }
}

TEST(Cpio, Concatenated) {
    std::string a = archive({{"a", 0100644, 1, 1, 0, "1"}});
    a += std::string(512, '\0'); // padding as gzip/cat of archives leave it
    a += archive({{"b", 0100644, 2, 1, 0, "22"}});
    auto v = read_all(a);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(str(v[1].name), "b");
}

TEST(Cpio, BadMagic) {
    std::string a = archive({{"a", 0100644, 1, 1, 0, "1"}});
    a[5] = '7';
    Errno err;
    EXPECT_TRUE(read_all(a, &err).empty());
    EXPECT_EQ(err, Errno(EINVAL));
}

TEST(Cpio, NonHexField) {
    std::string a = archive({{"a", 0100644, 1, 1, 0, "1"}});
    a[6 + 8 + 3] = 'g'; // inside the mode field
    Errno err;
    read_all(a, &err);
    EXPECT_EQ(err, Errno(EINVAL));
}

TEST(Cpio, Truncated) {
    std::string a = archive({{"file", 0100644, 1, 1, 0, std::string(100, 'z')}});
    // Every cut inside the first entry is an error (header, name or data missing).
    for (size_t cut : {size_t(1), size_t(50), size_t(109), size_t(110), size_t(113), size_t(116), size_t(200)}) {
        Errno err;
        auto v = read_all(a.substr(0, cut), &err);
        EXPECT_EQ(err, Errno(EINVAL)) << "cut at " << cut;
        EXPECT_TRUE(v.empty());
    }
}

TEST(Cpio, MissingFinalPaddingIsAccepted) {
    std::string a;
    add(a, {"f", 0100644, 1, 1, 0, "abcde"});
    a.resize(a.size() - 3); // drop the data padding of the last entry
    Errno err;
    auto v = read_all(a, &err);
    EXPECT_EQ(err, Errno(0));
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].size, 5u);
}

TEST(Cpio, NameWithoutNul) {
    std::string a;
    Rec r {"abc", 0100644, 1, 1, 0, ""};
    add(a, r);
    a[110 + 3] = 'X'; // overwrite the NUL
    Errno err;
    read_all(a, &err);
    EXPECT_EQ(err, Errno(EINVAL));
}

TEST(Cpio, ZeroNameSize) {
    std::string a = "070701";
    for (int i = 0; i < 13; i++) hex8(a, 0);
    a += std::string(8, '\0');
    Errno err;
    read_all(a, &err);
    EXPECT_EQ(err, Errno(EINVAL));
}

TEST(Cpio, HardLinks) {
    // GNU cpio stores the data with the last name of a hard-linked file.
    std::string a = archive({{"x", 0100644, 77, 2, 0, ""}, {"y", 0100644, 77, 2, 0, "shared"}});
    auto v = read_all(a);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].ino, v[1].ino);
    EXPECT_EQ(v[0].nlink, 2u);
    EXPECT_EQ(v[0].size, 0u);
    EXPECT_EQ(v[1].size, 6u);
}

TEST(Cpio, Checksum) {
    std::string a;
    add(a, {"c", 0100644, 1, 1, 0, "checked"}, true);
    Errno err;
    auto v = read_all(a, &err);
    EXPECT_EQ(err, Errno(0));
    ASSERT_EQ(v.size(), 1u);
    a[a.size() - 4] ^= 1; // corrupt a data byte (the data is 7 bytes, padded by 1)
    read_all(a, &err);
    EXPECT_EQ(err, Errno(EINVAL));
}

TEST(Cpio, HugeDeclaredSize) {
    // A size field far beyond the data must not read out of bounds.
    std::string a = "070701";
    u32 f[13] = {1, 0100644, 0, 0, 1, 0, 0xFFFFFFFF, 0, 0, 0, 0, 2, 0};
    for (u32 x : f) hex8(a, x);
    a += "f";
    a += '\0';
    a += std::string(1000, 'd');
    Errno err;
    read_all(a, &err);
    EXPECT_EQ(err, Errno(EINVAL));
}

TEST(Cpio, LargeFile) {
    std::string big(3 * 1024 * 1024 + 3, 'q');
    std::string a = archive({{"big", 0100755, 9, 1, 0, big}});
    auto v = read_all(a);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].size, big.size());
    EXPECT_EQ(v[0].data[big.size() - 1], 'q');
}
