#include <arch/interface.h>
#include <kernel/time.h>

namespace kernel::time {
namespace {
// realtime = monotonic + offset. i64 so that clock_settime can go before the boot time.
// One word, read and written atomically and without a lock: a reader racing
// clock_settime gets the time from before or after it, as it would a moment apart.
i64 g_realtime_offset_ns = 0;
i64 offset() { return __atomic_load_n(&g_realtime_offset_ns, __ATOMIC_RELAXED); }
void set_offset(i64 v) { __atomic_store_n(&g_realtime_offset_ns, v, __ATOMIC_RELAXED); }
} // namespace

void init() {
    u64 rtc = arch::rtc_unix_seconds();
    set_offset(i64(rtc * kNsPerSec) - i64(arch::monotonic_ns()));
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
KTimespec realtime_now() { return from_ns(i64(monotonic_ns()) + offset()); }

void set_realtime(KTimespec t) {
    set_offset(t.sec * i64(kNsPerSec) + t.nsec - i64(monotonic_ns()));
}
} // namespace kernel::time
