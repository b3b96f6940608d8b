// A split virtqueue (virtio 1.2, 2.7): a descriptor table, the available ring (driver
// to device) and the used ring (device to driver), each in its own zeroed frames from
// the frame allocator (physical = direct map, so the device reaches them at
// mm::virt_to_phys of their address).
//
// Locking: the owner's. virtio-blk calls every method under its own spinlock (its
// interrupt handler pops completions); virtio-net under the giant lock (its sends, and
// the work its interrupt handler queues: kernel/work.h).
#pragma once
#include <drivers/virtio/virtio.h>

namespace drivers::virtio {
class Virtqueue {
public:
    // Sets up queue `index` with min(its maximum, `want`) entries (a power of two) and
    // enables it at the transport. ENOENT if the device has no such queue.
    static ErrorOr<Virtqueue*> create(Transport& t, u16 index, u16 want);
    Virtqueue(Transport& t, u16 index) : m_transport(t), m_index(index) {} // use create()
    ~Virtqueue();

    struct Segment {
        PhysAddr addr;
        u32 len;
        bool device_writes; // device-writable ("in") rather than device-readable ("out")
    };
    // Queues one request: `n` segments chained, device-readable ones first. `token`
    // comes back from pop(). False when fewer than n descriptors are free.
    bool add(const Segment* segs, size_t n, void* token);
    // Publishes what add() queued and notifies the device.
    void kick();
    // A completed request: its token and how many bytes the device wrote into it.
    bool pop(void*& token, u32& written);

    u16 size() const { return m_size; }
    u16 free_count() const { return m_free_count; }

private:
    struct Desc {
        u64 addr;
        u32 len;
        u16 flags;
        u16 next;
    };
    struct Avail {
        u16 flags;
        u16 idx;
        u16 ring[];
    };
    struct UsedElem {
        u32 id;
        u32 len;
    };
    struct Used {
        u16 flags;
        u16 idx;
        UsedElem ring[];
    };
    static constexpr u16 kDescNext = 1, kDescWrite = 2;

    Transport& m_transport;
    u16 m_index;
    u16 m_size = 0;
    Desc* m_desc = nullptr;
    Avail* m_avail = nullptr;
    Used* m_used = nullptr;
    PhysAddr m_frames = 0; // all three, contiguous
    u64 m_frame_count = 0;
    void** m_tokens = nullptr; // by head descriptor
    u16 m_free_head = 0, m_free_count = 0;
    u16 m_avail_idx = 0; // next free slot of the available ring (published by kick)
    u16 m_last_used = 0; // used-ring entries consumed so far
};
} // namespace drivers::virtio
