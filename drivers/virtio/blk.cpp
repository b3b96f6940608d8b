// virtio-blk (virtio 1.2, 5.2): one request queue; each request is a chain of a
// header (type, sector), the data buffers and a status byte the device writes.
// Requests block the calling thread until the used-ring interrupt completes them.
#include <drivers/block/block_device.h>
#include <drivers/virtio/virtqueue.h>
#include <kernel/sync/spinlock.h>
#include <kernel/log.h>
#include <kernel/wait_queue.h>
#include <lib/alloc.h>
#include <mm/kernel_stack.h>
#include <mm/phys.h>

namespace drivers::virtio {
namespace {
constexpr u64 kFeatureSegMax = 1ull << 2, kFeatureRo = 1ull << 5, kFeatureBlkSize = 1ull << 6,
              kFeatureFlush = 1ull << 9;
enum : u32 { kTypeIn = 0, kTypeOut = 1, kTypeFlush = 4 };
enum : u8 { kStatusOk = 0, kStatusIoErr = 1, kStatusUnsupported = 2 };
// struct virtio_blk_config offsets (5.2.4).
enum : u32 { kConfigCapacity = 0, kConfigSegMax = 12 };
constexpr size_t kMaxSegments = 64; // data segments per request (the cache uses up to 32)

// Lives in kmalloc memory: the device reads the header and writes the status by DMA.
struct Request {
    u32 type;
    u32 reserved;
    u64 sector;
    u8 status; // its own descriptor, device-writable
    bool done; // the device has returned it: under its VirtioBlock's m_lock
};

// Buffers come from the heap or the frame allocator (the direct map); kernel stacks are
// mapped elsewhere (mm/kernel_stack.h) and cannot be handed to the device.
PhysAddr dma_address(const void* p) {
    KASSERT(uptr(p) < mm::kKernelStackArea);
    return mm::virt_to_phys(p);
}

class VirtioBlock final : public block::BlockDevice {
public:
    VirtioBlock(Transport& t) : m_transport(t) {}

    ErrorOr<void> init() {
        u64 features = TRY(begin_init(m_transport, kFeatureSegMax | kFeatureRo | kFeatureBlkSize | kFeatureFlush));
        m_flush = features & kFeatureFlush;
        read_only = features & kFeatureRo;
        if (features & kFeatureSegMax) {
            u32 seg_max = m_transport.config_read32(kConfigSegMax);
            if (seg_max) m_seg_max = min<size_t>(seg_max, kMaxSegments);
        }
        // The 64-bit capacity is read in two halves: retry if the device changed it between.
        u32 gen;
        do {
            gen = m_transport.config_generation();
            sectors = m_transport.config_read32(kConfigCapacity) |
                      u64(m_transport.config_read32(kConfigCapacity + 4)) << 32;
        } while (gen != m_transport.config_generation());
        TRY(m_transport.setup_interrupt(interrupt, this)); // m_lock only
        m_queue = TRY(Virtqueue::create(m_transport, 0, 128));
        driver_ok(m_transport);
        return {};
    }

    ErrorOr<void> read(u64 sector, void* buf, size_t count) override {
        void* pages[1] = {buf};
        return transfer(kTypeIn, sector, pages, count, true);
    }
    ErrorOr<void> write(u64 sector, const void* buf, size_t count) override {
        void* pages[1] = {const_cast<void*>(buf)};
        return transfer(kTypeOut, sector, pages, count, true);
    }
    ErrorOr<void> transfer_pages(bool is_write, u64 sector, void* const* pages, size_t count) override {
        return transfer(is_write ? kTypeOut : kTypeIn, sector, pages, count, false);
    }
    ErrorOr<void> flush() override {
        // Without VIRTIO_BLK_F_FLUSH the device has no volatile cache to flush (5.2.6.2).
        if (!m_flush) return {};
        return submit(kTypeFlush, 0, nullptr, 0);
    }

private:
    // `contiguous`: one buffer of `count` sectors; else 4 KiB pieces, one per pages[i].
    ErrorOr<void> transfer(u32 type, u64 sector, void* const* pages, size_t count, bool contiguous) {
        if (count == 0) return {};
        if (sector > sectors || count > sectors - sector) return Errno::EINVAL;
        if (type == kTypeOut && read_only) return Errno::EROFS;
        Virtqueue::Segment segs[kMaxSegments];
        size_t n = 0;
        u64 bytes = u64(count) * block::kSectorSize;
        for (size_t i = 0; bytes > 0; i++) {
            u32 len = u32(contiguous ? bytes : min<u64>(bytes, 4096));
            PhysAddr pa = dma_address(contiguous ? pages[0] : pages[i]);
            // Physically adjacent pieces go in one descriptor.
            if (n && segs[n - 1].addr + segs[n - 1].len == pa) segs[n - 1].len += len;
            else if (n == m_seg_max) return Errno::EINVAL; // FIXME: split into several requests
            else segs[n++] = {pa, len, type == kTypeIn};
            bytes -= len;
        }
        return submit(type, sector, segs, n);
    }

    ErrorOr<void> submit(u32 type, u64 sector, const Virtqueue::Segment* data, size_t n) {
        auto* req = static_cast<Request*>(kzalloc(sizeof(Request)));
        if (!req) return Errno::ENOMEM;
        req->type = type;
        req->sector = sector;
        req->status = 0xff;
        Virtqueue::Segment segs[kMaxSegments + 2];
        segs[0] = {dma_address(req), 16, false};
        for (size_t i = 0; i < n; i++) segs[1 + i] = data[i];
        segs[n + 1] = {dma_address(&req->status), 1, true};
        {
            kernel::SpinlockLocker l(m_lock);
            while (!m_queue->add(segs, n + 2, req)) m_wait.wait_locked_uninterruptible(m_lock); // the ring is full
            m_queue->kick();
            while (!req->done) m_wait.wait_locked_uninterruptible(m_lock);
        }
        u8 status = req->status;
        kfree(req);
        if (status == kStatusOk) return {};
        log_warn("virtio-blk %s: request type %u at sector %lu failed (status %u)", name, type, sector, status);
        return status == kStatusUnsupported ? Errno::EOPNOTSUPP : Errno::EIO;
    }

    static void interrupt(void* ctx) {
        auto* self = static_cast<VirtioBlock*>(ctx);
        (void)self->m_transport.ack_interrupt();
        if (!self->m_queue) return; // before the queue exists
        kernel::SpinlockLocker l(self->m_lock);
        void* token;
        u32 written;
        while (self->m_queue->pop(token, written)) static_cast<Request*>(token)->done = true;
        self->m_wait.wake_all();
    }

    Transport& m_transport;
    kernel::Spinlock m_lock {"virtio-blk"};
    Virtqueue* m_queue LV_PT_GUARDED_BY(m_lock) = nullptr; // set once by init()
    kernel::WaitQueue m_wait; // requests waiting for completion or for ring space: waits with m_lock
    bool m_flush = false;
    size_t m_seg_max = kMaxSegments;
};
} // namespace

ErrorOr<void> probe_block(Transport& t) {
    auto* d = lv::make<VirtioBlock>(t);
    if (!d) return Errno::ENOMEM;
    auto r = d->init();
    if (r.is_error()) {
        fail(t);
        return r.error(); // FIXME: `d` stays allocated: its interrupt may be registered
    }
    TRY(block::register_device(*d, "vd", block::kVirtioBlockMajor));
    return {};
}
} // namespace drivers::virtio
