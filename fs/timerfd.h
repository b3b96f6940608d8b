// timerfd(2): a timer whose expirations are read from a file (an 8-byte count of those
// since the last read or settime), on CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME
// (and their _ALARM forms, which are the same here: nothing suspends).
//
// Expirations are computed from the clock whenever the timer is looked at; a kernel
// thread ("timerfd") sleeps until the earliest armed deadline to wake readers, poll and
// epoll in time. Times are kept in monotonic ns: an absolute CLOCK_REALTIME time is
// converted when the timer is set.
#pragma once
#include <abi/kstat.h>
#include <fs/file.h>

namespace fs {
constexpr u32 kTfdTimerAbstime = 1, kTfdTimerCancelOnSet = 2;

struct TimerSetting {
    KTimespec value;    // until the (next) expiration; zero: disarmed
    KTimespec interval; // zero: one shot
};

// EINVAL for another clock (EPERM is the caller's, for the alarm clocks).
ErrorOr<lv::RefPtr<File>> create_timerfd(int clock, u32 flags);
bool is_timerfd(const File& f);
// timerfd_settime on a timerfd (EINVAL otherwise): returns the old setting, as gettime.
ErrorOr<TimerSetting> timerfd_settime(File& f, u32 flags, const TimerSetting& s);
ErrorOr<TimerSetting> timerfd_gettime(File& f);
} // namespace fs
