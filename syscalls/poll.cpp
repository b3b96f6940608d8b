// poll(2) and ppoll(2). Every fd is looked up once and held for the whole call; each
// scan asks every file for its readiness, and the first scan also queues an entry on
// each file's wait queue (kernel/poll_table.h), so that a wake of any of them rescans.
#include <fs/file.h>
#include <kernel/poll_table.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <lib/vector.h>
#include <syscalls/fs_util.h>
#include <syscalls/poll.h>

using namespace kernel;

namespace {
struct PollFd {
    i32 fd;
    i16 events;
    i16 revents;
};
static_assert(sizeof(PollFd) == 8);

struct Timespec {
    i64 sec, nsec;
};
struct Timeval {
    i64 sec, usec;
};

ErrorOr<long> do_poll(UserPtr<void> ufds, unsigned nfds, const poll_util::Timeout& timeout) {
    if (nfds > current_process().rlimit_cur(kRlimitNofile)) return Errno::EINVAL;
    lv::Vector<PollFd> fds;
    lv::Vector<lv::RefPtr<fs::File>> files;
    if (!poll_util::make_array(fds, nfds) || !poll_util::make_array(files, nfds)) return Errno::ENOMEM;
    if (nfds) TRY(UserPtr<PollFd>::from(ufds).read_array(fds.data(), nfds));
    for (unsigned i = 0; i < nfds; i++) {
        // Negative fds are skipped; bad ones (O_PATH too, as Linux's fdget) get POLLNVAL.
        if (fds[i].fd < 0) continue;
        auto f = fs::sc::io_file(fds[i].fd);
        if (!f.is_error()) files[i] = f.release_value();
    }

    PollTable table;
    if (timeout.immediate) table.stop_adding();
    bool timed_out = timeout.immediate;
    long count = 0;
    for (;;) {
        table.begin_scan();
        count = 0;
        for (unsigned i = 0; i < nfds; i++) {
            PollFd& p = fds[i];
            p.revents = 0;
            if (p.fd < 0) continue;
            fs::File* f = files[i].get();
            u32 mask = fs::kPollNval;
            if (f) {
                // POLLERR and POLLHUP are reported whether asked for or not.
                u32 filter = u32(u16(p.events)) | fs::kPollErr | fs::kPollHup;
                mask = f->ops->poll(*f, filter) & filter;
                if (WaitQueue* q = f->ops->wait_queue(*f)) table.add(*q);
            }
            p.revents = i16(mask);
            if (mask) {
                count++;
                table.stop_adding(); // this call will not sleep: no more entries needed
            }
        }
        table.stop_adding();
        if (count || timed_out) break;
        if (signal_pending()) {
            count = -1;
            break;
        }
        auto r = table.sleep(timeout.deadline);
        if (r.is_error()) {
            if (r.error() == Errno::ETIMEDOUT) timed_out = true; // one last scan, as Linux
            else if (r.error() != Errno::EINTR) return r.error(); // ENOMEM
        }
    }
    // Linux writes revents back even when interrupted. The whole entries go back, with
    // fd and events as they were read.
    if (nfds) TRY(UserPtr<PollFd>::from(ufds).write_array(fds.data(), nfds));
    if (count < 0) return Errno::EINTR;
    return count;
}
} // namespace

namespace poll_util {
Timeout from_ms(int ms) {
    if (ms < 0) return {kNoDeadline, false};
    return from_ns(u64(ms) * 1000000);
}

Timeout from_ns(u64 ns) {
    if (ns == 0) return {time::monotonic_ns(), true};
    return {time::monotonic_ns() + ns, false};
}

ErrorOr<Timeout> from_user_timespec(UserPtr<void> ts) {
    if (ts.is_null()) return Timeout {kNoDeadline, false};
    Timespec t = TRY(UserPtr<Timespec>::from(ts).read());
    if (t.sec < 0 || t.nsec < 0 || t.nsec >= i64(time::kNsPerSec)) return Errno::EINVAL;
    // Far-future timeouts saturate rather than wrap.
    constexpr u64 kMaxSec = (~0ull / time::kNsPerSec) / 2;
    if (u64(t.sec) > kMaxSec) return Timeout {kNoDeadline, false};
    return from_ns(u64(t.sec) * time::kNsPerSec + u64(t.nsec));
}

static u64 left_ns(const Timeout& t) {
    u64 now = time::monotonic_ns();
    return t.deadline > now ? t.deadline - now : 0;
}

void write_back_timespec(const Timeout& t, UserPtr<void> ts) {
    if (ts.is_null() || t.immediate || t.deadline == kNoDeadline) return;
    u64 left = left_ns(t);
    (void)UserPtr<Timespec>::from(ts).write({i64(left / time::kNsPerSec), i64(left % time::kNsPerSec)});
}

void write_back_timeval(const Timeout& t, UserPtr<void> tv) {
    if (tv.is_null() || t.immediate || t.deadline == kNoDeadline) return;
    u64 left = left_ns(t);
    (void)UserPtr<Timeval>::from(tv).write({i64(left / time::kNsPerSec), i64(left % time::kNsPerSec / 1000)});
}

ErrorOr<Sigmask> read_sigmask(UserPtr<u64> set, usize sigsetsize) {
    Sigmask m;
    if (set.is_null()) return m;
    if (sigsetsize != sizeof(u64)) return Errno::EINVAL;
    m.mask = TRY(set.read());
    m.present = true;
    return m;
}
} // namespace poll_util

ErrorOr<long> sys_poll(UserPtr<void> fds, unsigned nfds, int timeout_ms) {
    return do_poll(fds, nfds, poll_util::from_ms(timeout_ms));
}

ErrorOr<long> sys_ppoll(UserPtr<void> fds, unsigned nfds, UserPtr<void> tsp, UserPtr<u64> sigmask,
                        usize sigsetsize) {
    auto timeout = TRY(poll_util::from_user_timespec(tsp));
    auto mask = TRY(poll_util::read_sigmask(sigmask, sigsetsize));
    SigmaskSwap swap(mask.ptr());
    auto r = do_poll(fds, nfds, timeout);
    swap.finish(r.is_error() && r.error() == Errno::EINTR);
    poll_util::write_back_timespec(timeout, tsp);
    return r;
}
