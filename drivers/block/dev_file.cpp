// Block device files; see dev_file.h.
#include <drivers/block/cache.h>
#include <drivers/block/dev_file.h>
#include <fs/file.h>
#include <mm/user_ptr.h>

namespace drivers::block {
namespace {
// ioctl numbers from Linux's include/uapi/linux/fs.h.
constexpr u32 kBlkRoGet = 0x125e, kBlkGetSize = 0x1260, kBlkFlsBuf = 0x1261, kBlkSszGet = 0x1268,
              kBlkPbszGet = 0x127b, kBlkGetSize64 = 0x80081272;

class BlockFileOps final : public fs::FileOps {
public:
    ErrorOr<size_t> read(fs::File& f, u64 offset, const fs::IoBuffer& buf, size_t n) override {
        return transfer(f, offset, buf, n, false);
    }
    ErrorOr<size_t> write(fs::File& f, u64 offset, const fs::IoBuffer& buf, size_t n) override {
        return transfer(f, offset, buf, n, true);
    }
    i64 seek_end(fs::File& f) override {
        BlockDevice* d = find(f.inode->rdev);
        return d ? i64(d->sectors * kSectorSize) : 0;
    }
    ErrorOr<long> ioctl(fs::File& f, u32 request, u64 arg) override {
        BlockDevice& d = *TRY(device(f));
        switch (request) {
        case kBlkGetSize64: return put<u64>(arg, d.sectors * kSectorSize);
        case kBlkGetSize: return put<unsigned long>(arg, d.sectors);
        case kBlkSszGet:
        case kBlkPbszGet: return put<int>(arg, int(kSectorSize));
        case kBlkRoGet: return put<int>(arg, d.read_only ? 1 : 0);
        case kBlkFlsBuf: TRY(sync(d)); invalidate(d); return 0;
        default: return Errno::ENOTTY;
        }
    }

private:
    static ErrorOr<BlockDevice*> device(fs::File& f) {
        BlockDevice* d = find(f.inode->rdev);
        if (!d) return Errno::ENXIO;
        return d;
    }
    template <typename T>
    static ErrorOr<long> put(u64 arg, T v) {
        TRY(mm::copy_to_user(arg, &v, sizeof v));
        return 0;
    }
    static ErrorOr<size_t> transfer(fs::File& f, u64 offset, const fs::IoBuffer& buf, size_t n, bool is_write) {
        BlockDevice& d = *TRY(device(f));
        if (is_write && d.read_only) return Errno::EPERM;
        u64 size = d.sectors * kSectorSize;
        if (offset >= size) return is_write && n ? ErrorOr<size_t>(Errno::ENOSPC) : ErrorOr<size_t>(size_t(0));
        n = size_t(min<u64>(n, size - offset));
        size_t done = 0;
        while (done < n) {
            u64 pos = offset + done;
            // Whole pages where they fit on the device; the tail in sectors.
            u32 unit = align_down(pos, u64(4096)) + 4096 <= size ? 4096 : kSectorSize;
            u64 start = align_down(pos, u64(unit));
            size_t chunk = size_t(min<u64>(start + unit - pos, n - done));
            auto block = read_block(d, start, unit);
            if (block.is_error()) return done ? ErrorOr<size_t>(done) : block.error();
            u8* p = block.value().data() + (pos - start);
            auto r = is_write ? buf.read(done, p, chunk) : buf.write(done, p, chunk);
            if (r.is_error()) return done ? ErrorOr<size_t>(done) : r.error();
            if (is_write) block.value().mark_dirty();
            done += chunk;
        }
        return done;
    }
};

BlockFileOps g_ops;
} // namespace

fs::FileOps& block_file_ops() { return g_ops; }
} // namespace drivers::block
