// select(2) and pselect6(2) over the same readiness and wait machinery as poll: each fd
// set is an array of 64-bit words, bit (fd % 64) of word (fd / 64), as Linux's fd_set.
#include <fs/fd_table.h>
#include <fs/file.h>
#include <kernel/poll_table.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <syscalls/fs_util.h>
#include <syscalls/poll.h>
#include <syscalls/select.h>

using namespace kernel;
using poll_util::Timeout;

namespace {
constexpr int kMaxFds = fs::FdTable::kMaxFds;
// What readiness sets each bit (Linux's POLLIN_SET, POLLOUT_SET, POLLEX_SET).
constexpr u32 kRdBand = 0x80, kWrBand = 0x200;
constexpr u32 kInSet = fs::kPollRdNorm | kRdBand | fs::kPollIn | fs::kPollHup | fs::kPollErr;
constexpr u32 kOutSet = kWrBand | fs::kPollWrNorm | fs::kPollOut | fs::kPollErr;
constexpr u32 kExSet = fs::kPollPri;

// Three sets of nwords words each (the table can be large: RLIMIT_NOFILE goes to nr_open).
struct FdSets {
    u64 *in, *out, *ex;
    void place(u64* words, size_t nwords) { in = words; out = words + nwords; ex = words + 2 * nwords; }
};

// Linux's fdtable max_fds: a power of two, at least 64, covering every fd the process
// has had open. select looks no further, whatever nfds says.
int table_capacity() {
    int cap = 64;
    while (cap < fs::sc::fds().limit() && cap < kMaxFds) cap *= 2;
    return cap;
}

ErrorOr<void> read_set(UserPtr<u64> p, u64* words, size_t nwords) {
    memset(words, 0, nwords * sizeof(u64));
    if (p.is_null()) return {};
    return p.read_array(words, nwords);
}

ErrorOr<void> write_set(UserPtr<u64> p, const u64* words, size_t nwords) {
    if (p.is_null()) return {};
    return p.write_array(words, nwords);
}

ErrorOr<long> do_select(int n, UserPtr<u64> inp, UserPtr<u64> outp, UserPtr<u64> exp, const Timeout& timeout) {
    if (n < 0) return Errno::EINVAL;
    n = min(n, table_capacity());
    size_t nwords = (size_t(n) + 63) / 64;
    // Requested, then results: six sets.
    auto* words = static_cast<u64*>(kmalloc(max<size_t>(1, 6 * nwords) * sizeof(u64)));
    if (!words) return Errno::ENOMEM;
    struct Free {
        void* p;
        ~Free() { kfree(p); }
    } free_sets {words};
    FdSets want, got;
    want.place(words, nwords);
    got.place(words + 3 * nwords, nwords);
    TRY(read_set(inp, want.in, nwords));
    TRY(read_set(outp, want.out, nwords));
    TRY(read_set(exp, want.ex, nwords));

    // Every fd named in a set must be open (EBADF), before anything waits.
    lv::Vector<lv::RefPtr<fs::File>> files;
    if (!poll_util::make_array(files, size_t(n))) return Errno::ENOMEM;
    for (int fd = 0; fd < n; fd++) {
        u64 bit = 1ull << (fd % 64);
        if (!((want.in[fd / 64] | want.out[fd / 64] | want.ex[fd / 64]) & bit)) continue;
        auto f = TRY(fs::sc::file(fd));
        // An O_PATH fd is open but cannot be polled: never ready (Linux's EPOLLNVAL here).
        if (!f->is_path()) files[size_t(fd)] = lv::move(f);
    }

    PollTable table;
    if (timeout.immediate) table.stop_adding();
    bool timed_out = timeout.immediate;
    long count = 0;
    for (;;) {
        table.begin_scan();
        memset(got.in, 0, 3 * nwords * sizeof(u64));
        count = 0;
        for (int fd = 0; fd < n; fd++) {
            fs::File* f = files[size_t(fd)].get();
            if (!f) continue;
            size_t w = size_t(fd) / 64;
            u64 bit = 1ull << (fd % 64);
            u32 events = ((want.in[w] & bit) ? kInSet : 0) | ((want.out[w] & bit) ? kOutSet : 0) |
                         ((want.ex[w] & bit) ? kExSet : 0);
            u32 mask = f->ops->poll(*f, events);
            if (WaitQueue* q = f->ops->wait_queue(*f)) table.add(*q);
            if ((mask & kInSet) && (want.in[w] & bit)) { got.in[w] |= bit; count++; }
            if ((mask & kOutSet) && (want.out[w] & bit)) { got.out[w] |= bit; count++; }
            if ((mask & kExSet) && (want.ex[w] & bit)) { got.ex[w] |= bit; count++; }
            if (count) table.stop_adding(); // this call will not sleep: no more entries needed
        }
        table.stop_adding();
        if (count || timed_out) break;
        if (signal_pending()) return Errno::EINTR; // the sets are left as they were
        auto r = table.sleep(timeout.deadline);
        if (r.is_error()) {
            if (r.error() == Errno::ETIMEDOUT) timed_out = true;
            else if (r.error() != Errno::EINTR) return r.error();
        }
    }
    TRY(write_set(inp, got.in, nwords));
    TRY(write_set(outp, got.out, nwords));
    TRY(write_set(exp, got.ex, nwords));
    return count;
}
} // namespace

ErrorOr<long> sys_select(int nfds, UserPtr<u64> readfds, UserPtr<u64> writefds, UserPtr<u64> exceptfds,
                         UserPtr<void> timeout) {
    struct Timeval {
        i64 sec, usec;
    };
    Timeout t {kNoDeadline, false};
    if (!timeout.is_null()) {
        Timeval tv = TRY(UserPtr<Timeval>::from(timeout).read());
        // Linux folds whole seconds of tv_usec into tv_sec, then wants both >= 0.
        i64 sec = tv.sec + tv.usec / 1000000, usec = tv.usec % 1000000;
        if (sec < 0 || usec < 0) return Errno::EINVAL;
        constexpr i64 kMaxSec = i64((~0ull / time::kNsPerSec) / 2);
        if (sec <= kMaxSec) t = poll_util::from_ns(u64(sec) * time::kNsPerSec + u64(usec) * 1000);
    }
    auto r = do_select(nfds, readfds, writefds, exceptfds, t);
    poll_util::write_back_timeval(t, timeout);
    return r;
}

ErrorOr<long> sys_pselect6(int nfds, UserPtr<u64> readfds, UserPtr<u64> writefds, UserPtr<u64> exceptfds,
                           UserPtr<void> timeout, UserPtr<void> sigmask_pack) {
    auto t = TRY(poll_util::from_user_timespec(timeout));
    // The sixth argument points to { const sigset_t* set; size_t size; }.
    struct Pack {
        u64 set;
        u64 size;
    };
    poll_util::Sigmask mask;
    if (!sigmask_pack.is_null()) {
        Pack p = TRY(UserPtr<Pack>::from(sigmask_pack).read());
        mask = TRY(poll_util::read_sigmask(UserPtr<u64>(p.set), p.size));
    }
    SigmaskSwap swap(mask.ptr());
    auto r = do_select(nfds, readfds, writefds, exceptfds, t);
    swap.finish(r.is_error() && r.error() == Errno::EINTR);
    poll_util::write_back_timespec(t, timeout);
    return r;
}
