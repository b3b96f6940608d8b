#include <fs/anon.h>
#include <fs/timerfd.h>
#include <kernel/log.h>
#include <kernel/sched.h>
#include <kernel/thread.h>
#include <kernel/time.h>
#include <kernel/wait_queue.h>

namespace fs {
namespace {
using kernel::SpinlockLocker;
using kernel::time::kNsPerSec;

constexpr int kClockRealtime = 0, kClockMonotonic = 1, kClockBoottime = 7, kClockRealtimeAlarm = 8,
              kClockBoottimeAlarm = 9;

i64 now_ns() { return i64(kernel::time::monotonic_ns()); }
i64 ns_of(const KTimespec& t) { return t.sec * i64(kNsPerSec) + t.nsec; }
KTimespec timespec_of(i64 ns) { return {ns / i64(kNsPerSec), ns % i64(kNsPerSec)}; }
i64 realtime_ns() { return ns_of(kernel::time::realtime_now()); }
// realtime - monotonic, as best two clock readings tell.
i64 realtime_offset() { return realtime_ns() - now_ns(); }
constexpr i64 kNever = i64(~0ull >> 1);

// One lock for every timer's state and the armed list: the timer thread walks them all.
kernel::Spinlock g_lock {"timerfd"};

class TimerFd final : public AnonInode {
public:
    TimerFd(FileSystem& fs, int clock) : AnonInode(fs), m_clock(clock) {}

    ErrorOr<size_t> read(File& f, u64, const IoBuffer& buf, size_t n) override;
    u32 poll(File&, u32 events) override {
        SpinlockLocker l(g_lock);
        update(now_ns());
        return m_ticks || canceled() ? events & (kPollIn | kPollRdNorm) : 0;
    }
    kernel::WaitQueue* wait_queue(File&) override { return &m_wait; }
    void release(File&) override {
        SpinlockLocker l(g_lock);
        disarm();
    }

    TimerSetting get();
    void set(u32 flags, const TimerSetting& s);

    // Counts the expirations up to `now`.
    void update(i64 now) LV_REQUIRES(g_lock) {
        if (!m_armed || now < m_deadline) return;
        u64 n = 1;
        if (m_interval) {
            n += u64(now - m_deadline) / u64(m_interval);
            m_deadline += i64(n) * m_interval;
        } else {
            m_armed = false;
        }
        m_ticks += n;
        m_wait.wake_all(kPollIn | kPollRdNorm);
    }
    bool armed() const LV_REQUIRES(g_lock) { return m_armed; }
    i64 deadline() const LV_REQUIRES(g_lock) { return m_deadline; }

    lv::ListNode armed_node; // on g_armed while armed (the timer thread prunes it); under g_lock

private:
    void disarm() LV_REQUIRES(g_lock);
    // TFD_TIMER_CANCEL_ON_SET: the realtime clock was set since the timer was.
    // FIXME: there is no clock-was-set notification; a change is noticed when the timer
    // is read or polled, by the realtime offset moving more than clock-reading jitter.
    bool canceled() const LV_REQUIRES(g_lock) {
        if (!m_cancel_on_set) return false;
        i64 d = realtime_offset() - m_offset;
        return d > 1000000 || d < -1000000;
    }

    const int m_clock;
    bool m_armed LV_GUARDED_BY(g_lock) = false;
    bool m_cancel_on_set LV_GUARDED_BY(g_lock) = false;
    i64 m_deadline LV_GUARDED_BY(g_lock) = 0; // monotonic ns (may lie before boot for a past absolute time)
    i64 m_interval LV_GUARDED_BY(g_lock) = 0;
    i64 m_offset LV_GUARDED_BY(g_lock) = 0;   // realtime_offset() when set with TFD_TIMER_CANCEL_ON_SET
    u64 m_ticks LV_GUARDED_BY(g_lock) = 0;    // expirations not read yet
    kernel::WaitQueue m_wait;                  // readers and pollers: waits with g_lock
};

// Armed timers, and the thread that wakes their waiters at their deadlines.
lv::IntrusiveList<TimerFd, &TimerFd::armed_node> g_armed LV_GUARDED_BY(g_lock);
kernel::Thread* g_thread LV_GUARDED_BY(g_lock) = nullptr;
kernel::WaitQueue g_thread_wait; // the timer thread sleeps here, with g_lock

constexpr i64 kMinSleepNs = 100'000;

void timer_thread(void*) {
    SpinlockLocker l(g_lock);
    for (;;) {
        i64 now = now_ns();
        i64 next = kNever;
        for (TimerFd& t : g_armed) {
            t.update(now);
            if (t.armed()) next = min(next, t.deadline());
            else g_armed.remove(t);
        }
        // Until the earliest deadline, or a timer set meanwhile (set() wakes it). A
        // deadline already passed again (an interval shorter than this loop, under a busy
        // CPU) still sleeps until the next tick, when sleepers' deadlines are checked
        // anyway: going round at once would keep this CPU, unpreempted and with the giant
        // lock held, forever (stress-ng's timerfd stressor hung the machine so).
        if (next != kNever) next = max(next, now_ns() + kMinSleepNs);
        (void)g_thread_wait.wait_locked_until(g_lock, next == kNever ? kernel::kNoDeadline : u64(next));
    }
}

ErrorOr<void> start_thread() {
    {
        SpinlockLocker l(g_lock);
        if (g_thread) return {};
    }
    kernel::Thread* t = kernel::create_thread(nullptr, timer_thread, nullptr, "timerfd");
    if (!t) return Errno::ENOMEM;
    bool mine;
    {
        SpinlockLocker l(g_lock);
        mine = !g_thread;
        if (mine) g_thread = t;
    }
    if (mine) kernel::sched::add(*t);
    else kernel::destroy_thread(t); // another opener started one meanwhile
    return {};
}

void TimerFd::disarm() {
    m_armed = false;
    if (armed_node.linked()) g_armed.remove(*this);
}

TimerSetting TimerFd::get() {
    SpinlockLocker l(g_lock);
    i64 now = now_ns();
    update(now);
    TimerSetting s {};
    if (m_armed) s.value = timespec_of(max<i64>(m_deadline - now, 1));
    s.interval = timespec_of(m_interval);
    return s;
}

void TimerFd::set(u32 flags, const TimerSetting& s) {
    SpinlockLocker l(g_lock);
    disarm();
    m_ticks = 0;
    i64 now = now_ns();
    i64 value = ns_of(s.value), interval = ns_of(s.interval);
    bool realtime = m_clock == kClockRealtime || m_clock == kClockRealtimeAlarm;
    m_cancel_on_set = realtime && (flags & kTfdTimerAbstime) && (flags & kTfdTimerCancelOnSet);
    m_offset = realtime_offset();
    m_interval = interval;
    if (value == 0) return; // disarmed
    if (!(flags & kTfdTimerAbstime)) m_deadline = now + value;
    else if (realtime) m_deadline = value - m_offset; // FIXME: not moved by later clock_settime
    else m_deadline = value;
    m_armed = true;
    g_armed.push_back(*this);
    update(now); // a deadline already past counts at once
    g_thread_wait.wake_all(); // it sleeps until the earliest deadline
}

ErrorOr<size_t> TimerFd::read(File& f, u64, const IoBuffer& buf, size_t n) {
    if (n < sizeof(u64)) return Errno::EINVAL;
    u64 ticks;
    {
        SpinlockLocker l(g_lock);
        for (;;) {
            if (canceled()) {
                m_ticks = 0;
                m_offset = realtime_offset(); // reported once per clock change
                return Errno::ECANCELED;
            }
            update(now_ns());
            if (m_ticks) break;
            if (f.nonblocking()) return Errno::EAGAIN;
            TRY(m_wait.wait_locked(g_lock));
        }
        ticks = m_ticks;
        m_ticks = 0;
    }
    TRY(buf.write(0, &ticks, sizeof ticks));
    return sizeof ticks;
}

FileSystem* timerfd_fs() { return anon_fs("timerfd"); }

TimerFd* timer_of(const File& f) {
    FileSystem* fs = timerfd_fs();
    return fs && &f.inode->fs == fs ? static_cast<TimerFd*>(f.inode.get()) : nullptr;
}
} // namespace

ErrorOr<lv::RefPtr<File>> create_timerfd(int clock, u32 flags) {
    if (clock != kClockRealtime && clock != kClockMonotonic && clock != kClockBoottime &&
        clock != kClockRealtimeAlarm && clock != kClockBoottimeAlarm)
        return Errno::EINVAL;
    TRY(start_thread());
    FileSystem* fs = timerfd_fs();
    if (!fs) return Errno::ENOMEM;
    auto* raw = lv::make<TimerFd>(*fs, clock);
    if (!raw) return Errno::ENOMEM;
    return open_anon(lv::RefPtr<Inode>::adopt(raw), flags);
}

bool is_timerfd(const File& f) { return timer_of(f) != nullptr; }

ErrorOr<TimerSetting> timerfd_settime(File& f, u32 flags, const TimerSetting& s) {
    TimerFd* t = timer_of(f);
    if (!t) return Errno::EINVAL;
    TimerSetting old = t->get();
    t->set(flags, s);
    return old;
}

ErrorOr<TimerSetting> timerfd_gettime(File& f) {
    TimerFd* t = timer_of(f);
    if (!t) return Errno::EINVAL;
    return t->get();
}
} // namespace fs
