#include <kernel/itimer.h>
#include <kernel/process.h>
#include <kernel/random.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <syscalls/time.h>

using namespace kernel;

namespace {
struct Timespec {
    i64 sec, nsec;
};
struct Timeval {
    i64 sec, usec;
};
enum Clock : int {
    CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
    CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7,
    CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11,
};

KTimespec from_ns(u64 ns) { return KTimespec {i64(ns / time::kNsPerSec), i64(ns % time::kNsPerSec)}; }

ErrorOr<KTimespec> read_clock(int clock) LV_REQUIRES_GIANT {
    // Dynamic CPU clocks: kernel/itimer.h.
    if (clock < 0) return from_ns(cpu_clock_ns(TRY(cpu_clock(clock))));
    switch (clock) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_REALTIME_ALARM: case CLOCK_TAI:
        return time::realtime_now();
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
        return time::monotonic_now();
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID: {
        // Exact CPU time, user and system together (kernel/itimer.h).
        u64 ns = clock == CLOCK_PROCESS_CPUTIME_ID ? process_runtime_ns(current_process())
                                                   : thread_runtime_ns(current_thread());
        return from_ns(ns);
    }
    default:
        return Errno::EINVAL;
    }
}

bool valid(const Timespec& t) { return t.sec >= 0 && t.nsec >= 0 && t.nsec < i64(time::kNsPerSec); }

// Sleeps until the monotonic deadline; on a signal, EINTR (the caller reports the rest).
ErrorOr<void> sleep_until_ns(u64 deadline) {
    while (time::monotonic_ns() < deadline) {
        if (signal_pending()) return Errno::EINTR;
        sched::sleep_until(deadline);
    }
    return {};
}

ErrorOr<long> do_sleep(int clock, bool absolute, UserPtr<void> req, UserPtr<void> rem) LV_REQUIRES_GIANT {
    Timespec t = TRY(UserPtr<Timespec>::from(req).read());
    if (!valid(t)) return Errno::EINVAL;
    u64 req_ns = u64(t.sec) * time::kNsPerSec + u64(t.nsec);
    u64 now = time::monotonic_ns();
    u64 deadline;
    if (absolute) {
        KTimespec c = TRY(read_clock(clock));
        u64 cur = u64(c.sec) * time::kNsPerSec + u64(c.nsec);
        deadline = req_ns > cur ? now + (req_ns - cur) : now;
    } else {
        deadline = now + req_ns;
    }
    auto r = sleep_until_ns(deadline);
    if (r.is_error()) {
        if (!absolute && !rem.is_null()) {
            u64 left = deadline > time::monotonic_ns() ? deadline - time::monotonic_ns() : 0;
            Timespec l {i64(left / time::kNsPerSec), i64(left % time::kNsPerSec)};
            TRY(UserPtr<Timespec>::from(rem).write(l));
        }
        return r.error();
    }
    return 0;
}
} // namespace

ErrorOr<long> sys_clock_gettime(int clock, UserPtr<void> ts) {
    KTimespec t = TRY(read_clock(clock));
    TRY(UserPtr<Timespec>::from(ts).write({t.sec, t.nsec}));
    return 0;
}

ErrorOr<long> sys_clock_getres(int clock, UserPtr<void> ts) {
    TRY(read_clock(clock));
    // Ticks for the coarse clocks and the sampled CPU times (PROF, VIRT); 1 ns otherwise.
    bool coarse = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE || (clock < 0 && (clock & 3) != kCpuSched);
    Timespec res {0, coarse ? i64(time::kNsPerSec / arch::kTimerHz) : 1};
    if (!ts.is_null()) TRY(UserPtr<Timespec>::from(ts).write(res));
    return 0;
}

ErrorOr<long> sys_clock_settime(int clock, UserPtr<void> ts) {
    Timespec t = TRY(UserPtr<Timespec>::from(ts).read());
    // A dynamic CPU clock cannot be set (Linux's posix_cpu_clock_set: EPERM once the id
    // is found valid); the fixed ones, like every other clock but CLOCK_REALTIME, EINVAL.
    if (clock < 0) {
        TRY(cpu_clock(clock));
        return Errno::EPERM;
    }
    if (clock != CLOCK_REALTIME) return Errno::EINVAL;
    if (!valid(t)) return Errno::EINVAL;
    if (!capable(current_process())) return Errno::EPERM;
    time::set_realtime({t.sec, t.nsec});
    return 0;
}

ErrorOr<long> sys_gettimeofday(UserPtr<void> tv, UserPtr<void> tz) {
    KTimespec t = time::realtime_now();
    if (!tv.is_null()) TRY(UserPtr<Timeval>::from(tv).write({t.sec, t.nsec / 1000}));
    if (!tz.is_null()) TRY(UserPtr<u64>::from(tz).write(0)); // struct timezone: UTC, no DST
    return 0;
}

ErrorOr<long> sys_settimeofday(UserPtr<void> tv, UserPtr<void> tz) {
    if (tv.is_null()) return 0;
    Timeval v = TRY(UserPtr<Timeval>::from(tv).read());
    if (v.usec < 0 || v.usec >= 1000000 || v.sec < 0) return Errno::EINVAL;
    if (!capable(current_process())) return Errno::EPERM;
    time::set_realtime({v.sec, v.usec * 1000});
    return 0;
}

ErrorOr<long> sys_time(UserPtr<i64> t) {
    i64 now = time::realtime_now().sec;
    if (!t.is_null()) TRY(t.write(now));
    return now;
}

ErrorOr<long> sys_nanosleep(UserPtr<void> req, UserPtr<void> rem) { return do_sleep(CLOCK_MONOTONIC, false, req, rem); }

ErrorOr<long> sys_clock_nanosleep(int clock, int flags, UserPtr<void> req, UserPtr<void> rem) {
    constexpr int TIMER_ABSTIME = 1;
    if (clock == CLOCK_THREAD_CPUTIME_ID) return Errno::EINVAL;
    TRY(read_clock(clock));
    if (flags & ~TIMER_ABSTIME) return Errno::EINVAL;
    return do_sleep(clock, flags & TIMER_ABSTIME, req, rem);
}

ErrorOr<long> sys_getrandom(UserPtr<void> buf, usize len, unsigned flags) {
    constexpr unsigned GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return Errno::EINVAL;
    if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM)) return Errno::EINVAL;
    if (len > 0x1ffffff) len = 0x1ffffff; // Linux caps one call at 32 MiB - 1
    u8 chunk[256];
    for (usize done = 0; done < len;) {
        usize n = min<usize>(sizeof chunk, len - done);
        random::fill(chunk, n);
        auto r = mm::copy_to_user(buf.addr() + done, chunk, n);
        if (r.is_error()) return done ? ErrorOr<long>(long(done)) : Error(r.error());
        done += n;
        if (signal_pending() && done < len) return long(done);
    }
    return long(len);
}
