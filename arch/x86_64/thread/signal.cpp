// Linux's x86_64 signal frame (arch/x86/kernel/signal_64.c, uapi asm/sigcontext.h,
// asm/ucontext.h): struct rt_sigframe {pretcode; ucontext; siginfo} with the FPU state
// below it (uc_mcontext.fpstate points there), 64-byte aligned. With XSAVE that is the
// XSAVE image, its size and features in the FXSAVE part's software-reserved bytes
// (struct _fpx_sw_bytes, FP_XSTATE_MAGIC1) and FP_XSTATE_MAGIC2 right after it, flagged
// by UC_FP_XSTATE; without, a plain FXSAVE image. The handler
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

// uc_flags: the FP state is an XSAVE image; ss is saved, and rt_sigreturn restores it
// strictly (Linux 4.14+).
constexpr u64 kUcFpXstate = 0x1, kUcSigcontextSs = 0x2, kUcStrictRestoreSs = 0x4;
// struct _fpx_sw_bytes, at byte 464 of the FXSAVE part.
struct FpxSwBytes {
    u32 magic1;        // FP_XSTATE_MAGIC1
    u32 extended_size; // xstate_size + the MAGIC2 word
    u64 xfeatures;     // the components in the image
    u32 xstate_size;   // bytes of the XSAVE image
    u32 padding[7];
};
static_assert(sizeof(FpxSwBytes) == 48);
constexpr size_t kSwBytesOffset = 464;
constexpr u32 kFpXstateMagic1 = 0x46505853, kFpXstateMagic2 = 0x46505845;
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

size_t signal_frame_max() {
    // As setup_signal_frame lays it out from an unaligned top: the FP image and its
    // trailing magic word aligned down to 64, then the frame aligned down to 16, less 8.
    size_t fp = x86::fpu_area_size() + (x86::xsave_enabled() ? 4 : 0);
    return align_up<size_t>(fp + 63 + sizeof(RtSigframe) + 15 + 8, 16);
}

bool setup_signal_frame(TrapFrame& f, const SignalFrameRequest& r) {
    u64 sp = r.stack_top;
    if (sp == f.rsp) sp -= kRedZone; // leaf functions may use 128 bytes below rsp
    bool xsave = x86::xsave_enabled();
    size_t fp_size = x86::fpu_area_size();
    u64 fpstate = align_down(sp - fp_size - (xsave ? 4 : 0), u64(64));
    u64 frame = align_down(fpstate - sizeof(RtSigframe), u64(16)) - 8;
    if (frame > sp || frame < r.stack_limit) return false; // wrapped, or overflows the altstack

    alignas(64) u8 fx[x86::kFpuAreaMax];
    memset(fx, 0, fp_size);
    x86::fpu_save(fx); // the live registers are this thread's
    FpxSwBytes sw {};
    if (xsave) {
        sw.magic1 = kFpXstateMagic1;
        sw.extended_size = u32(fp_size + 4);
        sw.xfeatures = x86::xfeatures();
        sw.xstate_size = u32(fp_size);
    }
    memcpy(fx + kSwBytesOffset, &sw, sizeof(sw)); // without XSAVE: zeros, no magic

    RtSigframe sf;
    memset(&sf, 0, sizeof(sf));
    sf.pretcode = r.restorer;
    sf.uc.uc_flags = (xsave ? kUcFpXstate : 0) | kUcSigcontextSs | kUcStrictRestoreSs;
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

    if (mm::copy_to_user(fpstate, fx, fp_size).is_error()) return false;
    if (xsave && mm::copy_to_user(fpstate + fp_size, &kFpXstateMagic2, 4).is_error()) return false;
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
    alignas(64) u8 fx[x86::kFpuAreaMax];
    x86::fpu_default_image(fx);
    if (u64 fpstate = uc.mcontext.fpstate) {
        if (mm::copy_from_user(fx, fpstate, x86::kFxsaveSize).is_error()) return false;
        // An XSAVE image when the software bytes say so and MAGIC2 ends it (Linux's
        // check_xstate_in_sigframe); otherwise only the FXSAVE part counts, and the
        // other components start from their initial state.
        FpxSwBytes sw;
        memcpy(&sw, fx + kSwBytesOffset, sizeof(sw));
        size_t fp_size = x86::fpu_area_size();
        u32 magic2 = 0;
        bool full = x86::xsave_enabled() && sw.magic1 == kFpXstateMagic1 && sw.xstate_size >= x86::kFxsaveSize + 64 &&
                    sw.xstate_size <= fp_size && sw.extended_size == sw.xstate_size + 4 &&
                    !mm::copy_from_user(&magic2, fpstate + sw.xstate_size, 4).is_error() && magic2 == kFpXstateMagic2;
        u64 allowed = x86::kXfeatureX87 | x86::kXfeatureSse;
        if (full) {
            if (mm::copy_from_user(fx + x86::kFxsaveSize, fpstate + x86::kFxsaveSize, sw.xstate_size - x86::kFxsaveSize).is_error())
                return false;
            allowed = sw.xfeatures;
        }
        if (!x86::fpu_sanitize(fx, allowed)) return false; // a header XRSTOR would fault on
    } // else no FP state saved: start clean, as Linux does
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
