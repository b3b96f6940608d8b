// The network device registry and receive queues; see net_device.h.
#include <drivers/net/net_device.h>
#include <kernel/sync/giant.h>
#include <kernel/log.h>
#include <lib/alloc.h>
#include <lib/format.h>
#include <lib/string.h>

namespace drivers::net {
namespace {
constexpr size_t kMaxDevices = 8;
NetDevice* g_devices[kMaxDevices];
size_t g_count = 0;
} // namespace

Frame* Frame::make(size_t len) {
    void* p = kmalloc(sizeof(Frame) + len);
    if (!p) return nullptr;
    auto* f = new (p) Frame;
    f->len = len;
    return f;
}

void Frame::release() {
    this->~Frame();
    kfree(this);
}

NetDevice::~NetDevice() {
    kernel::SpinlockLocker l(m_rx_lock);
    while (Frame* f = m_rx_queue.pop_front()) f->release();
}

void NetDevice::deliver_received(const u8* frame, size_t len) {
    Frame* f = Frame::make(len); // not under the lock: the heap has its own
    if (f) memcpy(f->data(), frame, len);
    bool queued = false;
    {
        kernel::SpinlockLocker l(m_rx_lock);
        if (f && m_rx_count < kMaxQueued) {
            m_rx_queue.push_back(*f);
            m_rx_count++;
            rx_packets++;
            rx_bytes += len;
            m_rx_wait.wake_all();
            queued = true;
        } else {
            rx_dropped++; // memory short, or the queue full
        }
    }
    if (!queued) {
        if (f) f->release();
        return;
    }
    // The driver's work, under the giant lock (kernel/work.h): the registration, changed
    // under it too, cannot change meanwhile.
    if (m_rx_cb) m_rx_cb(*this, m_rx_ctx);
}

Frame* NetDevice::receive() {
    kernel::SpinlockLocker l(m_rx_lock);
    Frame* f = m_rx_queue.pop_front();
    if (f) m_rx_count--;
    return f;
}

ErrorOr<Frame*> NetDevice::receive_blocking() {
    kernel::SpinlockLocker l(m_rx_lock);
    for (;;) {
        if (Frame* f = m_rx_queue.pop_front()) {
            m_rx_count--;
            return f;
        }
        TRY(m_rx_wait.wait_locked(m_rx_lock));
    }
}

void NetDevice::set_rx_callback(void (*cb)(NetDevice&, void*), void* ctx) {
    kernel::giant::Section g;
    m_rx_cb = cb;
    m_rx_ctx = ctx;
}

void NetDevice::set_link_callback(void (*cb)(NetDevice&, void*), void* ctx) {
    kernel::giant::Section g;
    m_link_cb = cb;
    m_link_ctx = ctx;
}

void NetDevice::link_changed() {
    kernel::giant::Section g;
    log_info("net: %s: link %s", name, link_up() ? "up" : "down");
    if (m_link_cb) m_link_cb(*this, m_link_ctx);
}

ErrorOr<void> register_device(NetDevice& d) {
    if (g_count == kMaxDevices) return Errno::ENOSPC;
    d.index = u32(g_count);
    lv::snprintf(d.name, sizeof d.name, "eth%u", d.index);
    g_devices[g_count++] = &d;
    const u8* m = d.mac.bytes;
    log_info("net: %s: MAC %02x:%02x:%02x:%02x:%02x:%02x, MTU %u, link %s", d.name, m[0], m[1], m[2], m[3], m[4], m[5],
             d.mtu, d.link_up() ? "up" : "down");
    return {};
}

NetDevice* device_at(size_t i) { return i < g_count ? g_devices[i] : nullptr; }

NetDevice* find(const char* name) {
    for (size_t i = 0; i < g_count; i++)
        if (strcmp(g_devices[i]->name, name) == 0) return g_devices[i];
    return nullptr;
}
} // namespace drivers::net
