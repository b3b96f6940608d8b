#include <fs/cpio.h>

namespace fs::cpio {
namespace {
bool parse_hex8(const u8* p, u32& out) {
    u32 v = 0;
    for (int i = 0; i < 8; i++) {
        u8 c = p[i];
        u32 d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return false;
        v = v << 4 | d;
    }
    out = v;
    return true;
}

size_t pad4(size_t v) { return (v + 3) & ~size_t(3); }
} // namespace

ErrorOr<bool> Reader::next(Entry& e) {
    if (m_failed) return Errno::EINVAL;
    for (;;) {
        // Zero padding between concatenated archives, as Linux allows it.
        while (m_pos + 4 <= m_size && m_data[m_pos] == 0 && m_data[m_pos + 1] == 0 &&
               m_data[m_pos + 2] == 0 && m_data[m_pos + 3] == 0)
            m_pos += 4;
        while (m_pos < m_size && m_data[m_pos] == 0) m_pos++;
        if (m_pos >= m_size) return false;

        m_failed = true; // cleared on success below
        size_t avail = m_size - m_pos;
        if (avail < kHeaderSize) return Errno::EINVAL;
        const u8* h = m_data + m_pos;
        bool with_crc;
        if (memcmp(h, "070701", 6) == 0) with_crc = false;
        else if (memcmp(h, "070702", 6) == 0) with_crc = true;
        else return Errno::EINVAL;

        u32 f[13];
        for (int i = 0; i < 13; i++)
            if (!parse_hex8(h + 6 + 8 * i, f[i])) return Errno::EINVAL;
        u32 namesize = f[11];
        // The name includes its NUL; the header and name together are padded to 4.
        if (namesize == 0 || namesize > avail - kHeaderSize) return Errno::EINVAL;
        const char* name = reinterpret_cast<const char*>(h + kHeaderSize);
        if (name[namesize - 1] != 0) return Errno::EINVAL;
        size_t data_off = pad4(kHeaderSize + namesize);
        u32 size = f[6];
        // The last entry's data padding may be missing at the very end of the data.
        if (data_off > avail || size > avail - data_off) return Errno::EINVAL;
        const u8* data = h + data_off;
        if (with_crc) {
            u32 sum = 0;
            for (u32 i = 0; i < size; i++) sum += data[i];
            if (sum != f[12]) return Errno::EINVAL;
        }
        size_t next = data_off + pad4(size);
        m_pos += next < avail ? next : avail;
        m_failed = false;

        // A NUL inside the name ends it, as for the C string Linux makes of it.
        lv::StringView n(name, strnlen(name, namesize - 1));
        if (n == lv::StringView("TRAILER!!!")) continue;
        e.name = n;
        e.ino = f[0];
        e.mode = f[1];
        e.uid = f[2];
        e.gid = f[3];
        e.nlink = f[4];
        e.mtime = f[5];
        e.size = size;
        e.dev_major = f[7];
        e.dev_minor = f[8];
        e.rdev_major = f[9];
        e.rdev_minor = f[10];
        e.data = data;
        return true;
    }
}
} // namespace fs::cpio
