// A reader for "newc" cpio archives (the initramfs format, magic 070701, and 070702
// with a data checksum). Pure: it only walks a byte range and hands out views into
// it; fs/initramfs.cpp turns the entries into files. Host-tested
// (tests/host/cpio_test.cpp).
//
// Like Linux's init/initramfs.c, several archives may be concatenated, with zero
// padding (at 4-byte alignment) between them; TRAILER!!! entries end an archive and
// are not returned.
#pragma once
#include <lib/result.h>
#include <lib/string.h>
#include <lib/types.h>

namespace fs::cpio {
struct Entry {
    lv::StringView name; // as stored, without the NUL (may start with "./" or "/")
    u32 mode = 0;        // type and permission bits (S_IFMT | 07777)
    u32 uid = 0, gid = 0;
    u32 nlink = 0;
    u32 ino = 0;
    u32 mtime = 0;
    u32 dev_major = 0, dev_minor = 0;   // the device holding the file: with ino, identifies hard links
    u32 rdev_major = 0, rdev_minor = 0; // for device nodes
    const u8* data = nullptr;           // file contents (or symlink target), not NUL-terminated
    u32 size = 0;
};

class Reader {
public:
    Reader(const u8* data, size_t size) : m_data(data), m_size(size) {}
    // Fills `e` with the next entry. Returns false at the end of the data; EINVAL on
    // a malformed archive (bad magic, non-hex field, truncated header/name/data, a name
    // without its NUL, a bad checksum). After an error the reader stays failed.
    ErrorOr<bool> next(Entry& e);
    size_t offset() const { return m_pos; }

private:
    const u8* m_data;
    size_t m_size;
    size_t m_pos = 0;
    bool m_failed = false;
};

constexpr size_t kHeaderSize = 110;
} // namespace fs::cpio
