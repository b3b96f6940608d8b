#include <fs/anon.h>
#include <fs/signalfd.h>
#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <kernel/wait_queue.h>

namespace fs {
namespace {
using kernel::Thread;

constexpr u64 kUnblockable = (1ull << (kernel::SIGKILL - 1)) | (1ull << (kernel::SIGSTOP - 1));

// struct signalfd_siginfo (include/uapi/linux/signalfd.h), the same on every arch.
struct SignalfdSiginfo {
    u32 signo;
    i32 err;
    i32 code;
    u32 pid, uid;
    i32 fd;
    u32 tid, band, overrun, trapno;
    i32 status, int_value;
    u64 ptr, utime, stime, addr;
    u16 addr_lsb, pad2;
    i32 syscall;
    u64 call_addr;
    u32 arch;
    u8 pad[28];
};
static_assert(sizeof(SignalfdSiginfo) == 128);
static_assert(__builtin_offsetof(SignalfdSiginfo, ptr) == 48);
static_assert(__builtin_offsetof(SignalfdSiginfo, addr) == 72);

bool is_fault_signal(int sig) {
    return sig == kernel::SIGSEGV || sig == kernel::SIGBUS || sig == kernel::SIGILL || sig == kernel::SIGFPE ||
           sig == kernel::SIGTRAP;
}

// Which fields carry what follows siginfo_layout() and signalfd_copyinfo().
SignalfdSiginfo to_user(int sig, const Thread::SigInfo& info) {
    SignalfdSiginfo s {};
    s.signo = u32(sig);
    s.code = info.code;
    if (info.code > kernel::SI_USER && info.code < kernel::SI_KERNEL && is_fault_signal(sig)) {
        s.addr = info.addr;
    } else if (info.code == kernel::SI_TIMER) {
        s.tid = u32(info.pid);  // si_timerid
        s.overrun = info.uid;   // si_overrun
        s.ptr = info.value;
        s.int_value = i32(info.value);
    } else {
        s.pid = u32(info.pid);
        s.uid = info.uid;
        if (info.code < 0) { // SI_QUEUE, SI_TKILL, ...: si_value too
            s.ptr = info.value;
            s.int_value = i32(info.value);
        }
    }
    return s;
}

class SignalFd final : public AnonInode {
public:
    SignalFd(FileSystem& fs, u64 mask) : AnonInode(fs), m_mask(mask & ~kUnblockable) {}

    void set_mask(u64 mask) {
        kernel::giant::Section g;
        m_mask = mask & ~kUnblockable;
        kernel::signal_queued_wait().wake_all(kPollIn | kPollRdNorm); // readers re-check
    }

    ErrorOr<size_t> read(File& f, u64, const IoBuffer& buf, size_t n) override {
        size_t count = n / sizeof(SignalfdSiginfo);
        if (!count) return Errno::EINVAL;
        Thread& self = kernel::current_thread();
        size_t done = 0;
        bool nonblock = f.nonblocking();
        while (done < count) {
            int sig = 0;
            Thread::SigInfo info;
            {
                kernel::giant::Section g;
                while (!kernel::dequeue_signal(self, m_mask, sig, info)) {
                    if (nonblock) return done ? ErrorOr<size_t>(done * sizeof(SignalfdSiginfo)) : Errno::EAGAIN;
                    TRY(kernel::signal_queued_wait().wait_interruptible()); // restartable, as Linux
                }
            }
            SignalfdSiginfo s = to_user(sig, info);
            TRY(buf.write(done * sizeof s, &s, sizeof s)); // as Linux: the signal is gone on EFAULT
            done++;
            nonblock = true; // only the first one is waited for
        }
        return done * sizeof(SignalfdSiginfo);
    }

    u32 poll(File&, u32 events) override {
        // The poller's own pending signals, as Linux (a signalfd shared with another
        // process shows that process its own).
        Thread& t = kernel::current_thread();
        if (!t.process()) return 0;
        kernel::giant::Section g;
        u64 pending = (t.pending().bits() | t.process()->pending().bits()) & m_mask;
        return pending ? events & (kPollIn | kPollRdNorm) : 0;
    }
    kernel::WaitQueue* wait_queue(File&) override { return &kernel::signal_queued_wait(); }

private:
    u64 m_mask LV_GUARDED_BY_GIANT; // changed in giant::Sections
};

FileSystem* signalfd_fs() { return anon_fs("signalfd"); }
} // namespace

ErrorOr<lv::RefPtr<File>> create_signalfd(u64 mask, u32 flags) {
    FileSystem* fs = signalfd_fs();
    if (!fs) return Errno::ENOMEM;
    auto* raw = lv::make<SignalFd>(*fs, mask);
    if (!raw) return Errno::ENOMEM;
    return open_anon(lv::RefPtr<Inode>::adopt(raw), flags);
}

ErrorOr<void> signalfd_set_mask(File& f, u64 mask) {
    FileSystem* fs = signalfd_fs();
    if (!fs || &f.inode->fs != fs) return Errno::EINVAL;
    static_cast<SignalFd*>(f.inode.get())->set_mask(mask);
    return {};
}
} // namespace fs
