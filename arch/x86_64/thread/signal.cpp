// Linux's x86_64 signal frame (arch/x86/kernel/signal_64.c, uapi asm/sigcontext.h,
// asm/ucontext.h): struct rt_sigframe {pretcode; ucontext; siginfo} with the FXSAVE
// image below it (uc_mcontext.fpstate points there), 64-byte aligned. The handler
// starts with rsp = &frame->pretcode, i.e. as if called (rsp % 16 == 8), and returns
// into the restorer, which makes rt_sigreturn with rsp = &frame->uc.
#include <arch/interface.h>
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <lib/string.h>
#include <mm/user_ptr.h>

namespace arch {
namespace {
struct SigContext {
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
    u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
    u64 rip, eflags;
    u16 cs, gs, fs, ss;
    u64 err, trapno, oldmask, cr2;
    u64 fpstate; // user pointer to the FXSAVE image; 0: none
    u64 reserved1[8];
};
static_assert(sizeof(SigContext) == 256);

struct UContext {
    u64 uc_flags;
    u64 uc_link;
    u64 ss_sp;
    i32 ss_flags;
    i32 ss_pad_;
    u64 ss_size;
    SigContext mcontext;
    u64 uc_sigmask;
};
static_assert(sizeof(UContext) == 304);

struct RtSigframe {
    u64 pretcode;
    UContext uc;
    u8 info[128];
};
static_assert(__builtin_offsetof(RtSigframe, info) == 312);

// uc_flags: ss is saved, and rt_sigreturn restores it strictly (Linux 4.14+). No
// UC_FP_XSTATE: the FP state is a plain FXSAVE image.
constexpr u64 kUcSigcontextSs = 0x2, kUcStrictRestoreSs = 0x4;
constexpr u64 kRedZone = 128;
// The flags a signal handler may change through the frame (Linux's FIX_EFLAGS).
constexpr u64 kFixEflags = x86::kRflagsAc | (1u << 11) | x86::kRflagsDf | x86::kRflagsTf |
                           (1u << 7) | (1u << 6) | (1u << 4) | (1u << 2) | x86::kRflagsCf |
                           x86::kRflagsRf;

void save_registers(const TrapFrame& f, SigContext& sc) {
    sc.r8 = f.r8; sc.r9 = f.r9; sc.r10 = f.r10; sc.r11 = f.r11;
    sc.r12 = f.r12; sc.r13 = f.r13; sc.r14 = f.r14; sc.r15 = f.r15;
    sc.rdi = f.rdi; sc.rsi = f.rsi; sc.rbp = f.rbp; sc.rbx = f.rbx;
    sc.rdx = f.rdx; sc.rax = f.rax; sc.rcx = f.rcx; sc.rsp = f.rsp;
    sc.rip = f.rip;
    sc.eflags = f.rflags;
    sc.cs = u16(f.cs);
    sc.ss = u16(f.ss);
}

void load_registers(TrapFrame& f, const SigContext& sc) {
    f.r8 = sc.r8; f.r9 = sc.r9; f.r10 = sc.r10; f.r11 = sc.r11;
    f.r12 = sc.r12; f.r13 = sc.r13; f.r14 = sc.r14; f.r15 = sc.r15;
    f.rdi = sc.rdi; f.rsi = sc.rsi; f.rbp = sc.rbp; f.rbx = sc.rbx;
    f.rdx = sc.rdx; f.rax = sc.rax; f.rcx = sc.rcx; f.rsp = sc.rsp;
    f.rip = sc.rip;
    f.rflags = (f.rflags & ~kFixEflags) | (sc.eflags & kFixEflags);
    f.cs = SEL_USER_CS; // 64-bit only: the frame cannot switch to another segment
    f.ss = SEL_USER_DS;
    f.vector = ~0ull;   // no longer inside a syscall: nothing to restart
}
} // namespace

bool setup_signal_frame(TrapFrame& f, const SignalFrameRequest& r) {
    u64 sp = r.stack_top;
    if (sp == f.rsp) sp -= kRedZone; // leaf functions may use 128 bytes below rsp
    u64 fpstate = align_down(sp - x86::kFxsaveSize, u64(64));
    u64 frame = align_down(fpstate - sizeof(RtSigframe), u64(16)) - 8;

    alignas(16) u8 fx[x86::kFxsaveSize];
    x86::fpu_save(fx); // the live registers are this thread's
    memset(fx + 464, 0, 48); // software-available bytes: no FP_XSTATE_MAGIC1, no xstate

    RtSigframe sf;
    memset(&sf, 0, sizeof(sf));
    sf.pretcode = r.restorer;
    sf.uc.uc_flags = kUcSigcontextSs | kUcStrictRestoreSs;
    sf.uc.ss_sp = r.altstack_sp;
    sf.uc.ss_flags = r.altstack_flags;
    sf.uc.ss_size = r.altstack_size;
    save_registers(f, sf.uc.mcontext);
    if (f.vector < 32) {
        sf.uc.mcontext.trapno = f.vector;
        sf.uc.mcontext.err = f.error_code;
    }
    if (f.vector == 14) memcpy(&sf.uc.mcontext.cr2, r.siginfo + 16, 8); // si_addr
    sf.uc.mcontext.oldmask = r.saved_mask;
    sf.uc.mcontext.fpstate = fpstate;
    sf.uc.uc_sigmask = r.saved_mask;
    memcpy(sf.info, r.siginfo, sizeof(sf.info));

    if (mm::copy_to_user(fpstate, fx, sizeof(fx)).is_error()) return false;
    if (mm::copy_to_user(frame, &sf, sizeof(sf)).is_error()) return false;

    f.rsp = frame;
    f.rip = r.handler;
    f.rdi = u64(r.signo);
    f.rsi = frame + __builtin_offsetof(RtSigframe, info);
    f.rdx = frame + __builtin_offsetof(RtSigframe, uc);
    f.rax = 0; // no vector registers used (in case the handler is variadic)
    f.rflags &= ~(x86::kRflagsDf | x86::kRflagsRf | x86::kRflagsTf);
    f.cs = SEL_USER_CS;
    f.ss = SEL_USER_DS;
    f.vector = ~0ull;
    // The handler starts with a clean FPU, as on Linux (fpu__clear_user_states).
    x86::fpu_default_image(fx);
    x86::fpu_restore(fx);
    return true;
}

bool restore_signal_frame(TrapFrame& f, u64& saved_mask) {
    UContext uc;
    if (mm::copy_from_user(&uc, f.rsp, sizeof(uc)).is_error()) return false;
    alignas(16) u8 fx[x86::kFxsaveSize];
    if (uc.mcontext.fpstate) {
        if (mm::copy_from_user(fx, uc.mcontext.fpstate, sizeof(fx)).is_error()) return false;
        // A reserved MXCSR bit would make FXRSTOR fault in the kernel.
        u32 mxcsr;
        memcpy(&mxcsr, fx + 24, 4);
        mxcsr &= x86::fpu_mxcsr_mask();
        memcpy(fx + 24, &mxcsr, 4);
    } else {
        x86::fpu_default_image(fx); // no FP state saved: start clean, as Linux does
    }
    load_registers(f, uc.mcontext);
    x86::fpu_restore(fx);
    saved_mask = uc.uc_sigmask;
    return true;
}

void restart_syscall(TrapFrame& f) { f.rewind_syscall(); }

const u8* sigreturn_trampoline(size_t& size) {
    // mov $15, %eax (rt_sigreturn); syscall
    static const u8 kCode[] = {0xb8, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
    size = sizeof(kCode);
    return kCode;
}
} // namespace arch
