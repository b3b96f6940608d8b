#include <fs/timerfd.h>
#include <kernel/cred.h>
#include <kernel/process.h>
#include <kernel/time.h>
#include <syscalls/fs_util.h>
#include <syscalls/timerfd.h>

namespace {
// struct itimerspec: it_interval, then it_value.
struct ITimerspec {
    KTimespec interval, value;
};
static_assert(sizeof(ITimerspec) == 32);

bool valid(const KTimespec& t) { return t.sec >= 0 && t.nsec >= 0 && t.nsec < i64(kernel::time::kNsPerSec); }
} // namespace

ErrorOr<long> sys_timerfd_create(int clockid, int flags) {
    if (u32(flags) & ~(fs::kOCloExec | fs::kONonBlock)) return Errno::EINVAL; // TFD_CLOEXEC, TFD_NONBLOCK
    constexpr int kClockRealtimeAlarm = 8, kClockBoottimeAlarm = 9;
    if ((clockid == kClockRealtimeAlarm || clockid == kClockBoottimeAlarm) &&
        !kernel::capable(kernel::current_process()))
        return Errno::EPERM; // CAP_WAKE_ALARM
    auto file = TRY(fs::create_timerfd(clockid, u32(flags)));
    return long(TRY(fs::sc::fds().allocate(lv::move(file), flags & fs::kOCloExec)));
}

ErrorOr<long> sys_timerfd_settime(int fd, int flags, UserPtr<void> new_value, UserPtr<void> old_value) {
    ITimerspec n = TRY(UserPtr<ITimerspec>::from(new_value).read());
    if (u32(flags) & ~(fs::kTfdTimerAbstime | fs::kTfdTimerCancelOnSet)) return Errno::EINVAL;
    if (!valid(n.value) || !valid(n.interval)) return Errno::EINVAL;
    auto f = TRY(fs::sc::io_file(fd));
    fs::TimerSetting old = TRY(fs::timerfd_settime(*f, u32(flags), {n.value, n.interval}));
    if (!old_value.is_null()) TRY(UserPtr<ITimerspec>::from(old_value).write({old.interval, old.value}));
    return 0;
}

ErrorOr<long> sys_timerfd_gettime(int fd, UserPtr<void> cur_value) {
    auto f = TRY(fs::sc::io_file(fd));
    fs::TimerSetting cur = TRY(fs::timerfd_gettime(*f));
    TRY(UserPtr<ITimerspec>::from(cur_value).write({cur.interval, cur.value}));
    return 0;
}
