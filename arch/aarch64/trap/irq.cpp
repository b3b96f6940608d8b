// Interrupt dispatch: acknowledge at the GIC, run the handler, signal end of
// interrupt. The timer tick goes to the generic kernel only after EOI, because it may
// switch threads and not come back here for a while.
#include "../dev/timer.h"
#include "../irq/gic.h"
#include "traps.h"
#include <kernel/entry.h>
#include <kernel/sync/giant.h>
#include <kernel/log.h>

namespace arch {
namespace {
constexpr u32 kMaxIrq = 1020;
constexpr u32 kTableSize = 256; // INTIDs beyond this are never registered on -M virt
IrqHandler g_handlers[kTableSize];
struct DeviceHandler {
    IrqCallback cb;
    void* ctx;
};
DeviceHandler g_device_handlers[kTableSize]; // drivers' handlers (register_irq_line)
u64 g_spurious;
} // namespace

void register_irq(u32 intid, IrqHandler h, bool edge) {
    if (intid >= kTableSize) return;
    g_handlers[intid] = h;
    gic::enable(intid, edge);
}

bool register_irq_line(u32 intid, bool edge, IrqCallback cb, void* ctx) {
    // SPIs only: SGIs and PPIs (0-31) belong to the CPU (timer, IPIs).
    if (!cb || intid < 32 || intid >= kTableSize) return false;
    {
        kernel::giant::Section g;
        if (g_handlers[intid] || g_device_handlers[intid].cb) return false;
        g_device_handlers[intid] = {cb, ctx};
    }
    gic::enable(intid, edge);
    return true;
}
} // namespace arch

using namespace arch;

extern "C" void aarch64_irq(TrapFrame* f) {
    u32 ack = gic::acknowledge();
    u32 intid = gic::intid_of(ack);
    if (intid < 16) {
        // An SGI: another CPU's arch::send_ipi. Not an IrqContext (see entry.h).
        kernel::handle_ipi();
        gic::end_of_interrupt(ack);
        return;
    }
    if (intid == timer::intid()) {
        kernel::IrqContext tick;
        timer::rearm();
        gic::end_of_interrupt(ack);
        kernel::handle_timer_tick(*f);
        return;
    }
    kernel::IrqContext irq; // no giant lock: what needs it is deferred (kernel/work.h)
    if (intid >= kMaxIrq) {
        __atomic_fetch_add(&g_spurious, 1, __ATOMIC_RELAXED);
        return;
    }
    if (intid < kTableSize && g_handlers[intid]) g_handlers[intid]();
    else if (intid < kTableSize && g_device_handlers[intid].cb) g_device_handlers[intid].cb(g_device_handlers[intid].ctx);
    gic::end_of_interrupt(ack);
}
