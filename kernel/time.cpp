#include <arch/interface.h>
#include <kernel/lock.h>
#include <kernel/time.h>

namespace kernel::time {
namespace {
// realtime = monotonic + offset. i64 so that clock_settime can go before the boot time.
i64 g_realtime_offset_ns = 0;
} // namespace

void init() {
    u64 rtc = arch::rtc_unix_seconds();
    g_realtime_offset_ns = i64(rtc * kNsPerSec) - i64(arch::monotonic_ns());
}

u64 monotonic_ns() { return arch::monotonic_ns(); }
u64 boot_ns() { return arch::monotonic_ns(); }

static KTimespec from_ns(i64 ns) {
    KTimespec t;
    t.sec = ns / i64(kNsPerSec);
    t.nsec = ns % i64(kNsPerSec);
    if (t.nsec < 0) { t.nsec += kNsPerSec; t.sec--; }
    return t;
}

KTimespec monotonic_now() { return from_ns(i64(monotonic_ns())); }
KTimespec realtime_now() { return from_ns(i64(monotonic_ns()) + g_realtime_offset_ns); }

void set_realtime(KTimespec t) {
    InterruptGuard g;
    g_realtime_offset_ns = t.sec * i64(kNsPerSec) + t.nsec - i64(monotonic_ns());
}
} // namespace kernel::time
