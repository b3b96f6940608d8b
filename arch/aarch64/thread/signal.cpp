// Linux's arm64 signal frame (arch/arm64/kernel/signal.c, uapi asm/sigcontext.h,
// asm-generic/ucontext.h): struct rt_sigframe {siginfo; ucontext} with the FP/SIMD
// registers in an fpsimd_context record inside sigcontext.__reserved, followed by a
// terminator, and a frame record {x29, x30} just above it for unwinders. Where the CPU
// has SVE, an sve_context record follows the FP/SIMD one, with the registers when the
// thread uses SVE (cpu/sve.h).
#include "../cpu/percpu.h"
#include "../cpu/sve.h"
#include <arch/interface.h>
#include <lib/alloc.h>
#include <lib/string.h>
#include <mm/user_ptr.h>

extern "C" {
void aarch64_fpsimd_save(arch::ThreadState* s);
void aarch64_fpsimd_load(const arch::ThreadState* s);
}

namespace arch {
namespace {
constexpr u32 kFpsimdMagic = 0x46508001;
constexpr u64 kSaSiginfo = 4;

struct FpsimdContext {
    u32 magic, size;
    u32 fpsr, fpcr;
    u64 vregs[64]; // __uint128_t vregs[32]
};
static_assert(sizeof(FpsimdContext) == 528);

struct SigContext {
    u64 fault_address;
    u64 regs[31];
    u64 sp, pc, pstate;
    u64 pad_; // __reserved is 16-byte aligned
    u8 reserved[4096];
};
static_assert(__builtin_offsetof(SigContext, reserved) == 288);

struct UContext {
    u64 uc_flags;
    u64 uc_link;
    u64 ss_sp;
    i32 ss_flags;
    i32 ss_pad_;
    u64 ss_size;
    u64 uc_sigmask;
    u8 unused[120]; // room for a 1024-bit sigset
    u64 pad_;
    SigContext mcontext;
};
static_assert(__builtin_offsetof(UContext, mcontext) == 176);

struct RtSigframe {
    u8 info[128];
    UContext uc;
};
static_assert(sizeof(RtSigframe) % 16 == 0);

// NZCV, DIT, SSBS: the PSTATE bits a handler may legitimately change (Linux's
// valid_user_regs forces anything else back to plain EL0t).
constexpr u64 kUserPstateMask = 0xf0000000ull | (1ull << 24) | (1ull << 12);
// Linux's valid_native_regs(): a sigreturn to anything but AArch64 EL0t with D, A, I
// and F clear is refused (SIGSEGV), not silently fixed.
constexpr u64 kPstateModeMask = 0x1f, kPstateDaif = 0x3c0;

// sve_context's header (uapi asm/sigcontext.h); the registers follow at offset 16.
struct SveContext {
    u32 magic, size;
    u16 vl, flags;
    u16 reserved[2];
};
static_assert(sizeof(SveContext) == 16);
constexpr u16 kSveFlagStreaming = 1; // SVE_SIG_FLAG_SM: SME, which is not offered

constexpr u32 kEsrMagic = 0x45535201, kExtraMagic = 0x45585401;
// extra_context: where the records that did not fit in __reserved continue, right
// after the terminator that follows this record (uapi asm/sigcontext.h).
struct ExtraContext {
    u32 magic, size;
    u64 datap;
    u32 data_size;
    u32 reserved[3];
};
static_assert(sizeof(ExtraContext) == 32);
constexpr size_t kTerminatorSize = 16;
constexpr size_t kReservedOffset = __builtin_offsetof(RtSigframe, uc) + __builtin_offsetof(UContext, mcontext) +
                                   __builtin_offsetof(SigContext, reserved);
// The most extra data a frame of ours can need (an sve_context at 256 bytes and its
// terminator), with room to spare; larger claims are refused rather than allocated.
constexpr size_t kExtraMax = 64 * 1024;

// Linux's sigframe layout (setup_sigframe_layout): records from the start of
// __reserved; one that does not fit, with room kept for an extra_context record and a
// terminator, goes after them, past the end of the struct, and the frame grows.
struct Layout {
    size_t size = kReservedOffset;
    size_t limit = kReservedOffset + sizeof(SigContext::reserved) - kTerminatorSize - sizeof(ExtraContext);
    size_t fpsimd = 0, sve = 0, extra = 0, end = 0;
    size_t alloc(size_t bytes, bool extend = true) {
        size_t padded = align_up<size_t>(bytes, 16);
        if (padded > limit - size && !extra && extend) {
            limit += sizeof(ExtraContext);
            extra = alloc(sizeof(ExtraContext), false);
            size += kTerminatorSize;                  // __reserved's terminator
            limit = 256 * 1024 - kTerminatorSize;     // SIGFRAME_MAXSZ
        }
        size_t at = size;
        size += padded;
        return at;
    }
    void finish() {
        limit += kTerminatorSize;
        end = alloc(kTerminatorSize);
    }
    size_t frame_size() const { return align_up<size_t>(max(size, sizeof(RtSigframe)), 16); }
};

// The layout for a thread whose SVE record holds `sve_regs` bytes of registers.
Layout layout_for(size_t sve_regs) {
    Layout l;
    l.fpsimd = l.alloc(sizeof(FpsimdContext));
    if (sve::supported()) l.sve = l.alloc(sizeof(SveContext) + sve_regs);
    l.finish();
    return l;
}

// Linux's parse_user_sigframe() for what we support: the fpsimd record first, then only
// records we know (esr_context, which is ignored, one sve_context where the CPU has SVE,
// one extra_context) up to a {0, 0} terminator, every size a multiple of 16 inside its
// area. `extra` gets the extra data, read from user memory (kfree it). *sve: the
// sve_context found, in sc or *extra; null if none.
bool records_valid(const SigContext& sc, u64 frame_addr, u8** extra, const u8** sve) {
    *sve = nullptr;
    *extra = nullptr;
    const u8* base = sc.reserved;
    size_t limit = sizeof sc.reserved, off = sizeof(FpsimdContext);
    u64 base_addr = frame_addr + kReservedOffset;
    while (off + 8 <= limit) {
        u32 head[2];
        memcpy(head, base + off, sizeof head);
        if (head[0] == 0) return head[1] == 0;
        if (head[1] < 8 || (head[1] & 15) || head[1] > limit - off) return false;
        if (head[0] == sve::kMagic && sve::supported() && !*sve && head[1] >= sizeof(SveContext)) {
            *sve = base + off;
        } else if (head[0] == kExtraMagic && !*extra && head[1] >= sizeof(ExtraContext)) {
            ExtraContext x;
            memcpy(&x, base + off, sizeof x);
            // The terminator right after it, then the data, which must start there.
            size_t after = off + head[1];
            if (limit - after < kTerminatorSize) return false;
            u32 term[2];
            memcpy(term, base + after, sizeof term);
            if (term[0] || term[1]) return false;
            if ((x.datap & 15) || (x.data_size & 15) || x.datap != base_addr + after + kTerminatorSize) return false;
            if (x.data_size == 0 || x.data_size > kExtraMax) return false;
            *extra = static_cast<u8*>(kmalloc(x.data_size));
            if (!*extra || mm::copy_from_user(*extra, x.datap, x.data_size).is_error()) return false;
            base = *extra;
            base_addr = x.datap;
            limit = x.data_size;
            off = 0;
            continue;
        } else if (head[0] != kEsrMagic) {
            return false;
        }
        off += head[1];
    }
    return false; // no terminator
}
} // namespace

size_t signal_frame_max() {
    // The frame record (16 bytes, aligned down to 16), then the largest sigframe: SVE
    // registers at the longest vector length (Linux's minsigstksz_setup).
    size_t regs = sve::supported() ? sve::regs_size(sve::supported_vl(256)) : 0;
    return align_up<size_t>(16 + 15 + layout_for(regs).frame_size(), 16);
}

bool setup_signal_frame(TrapFrame& f, const SignalFrameRequest& r) {
    // The SVE registers first, if the thread uses them: the layout depends on it.
    ThreadState& ts = current_state();
    u8* sve_regs = nullptr;
    size_t sve_bytes = 0;
    if (sve::supported() && ts.sve_live) {
        sve_bytes = sve::regs_size(ts.sve_vl);
        sve_regs = static_cast<u8*>(kmalloc(sve_bytes));
        if (!sve_regs) return false;
        // Interrupts off: the save passes FFR through p0, which a switch in the middle
        // would record in p0's place.
        IrqState irq = irq_save();
        aarch64_sve_save(ts.sve_state);
        memcpy(sve_regs, ts.sve_state, sve_bytes);
        irq_restore(irq);
    }
    Layout lay = layout_for(sve_bytes);
    size_t frame_size = lay.frame_size();

    // Frame record at the top, the sigframe below it, both 16-byte aligned.
    u64 record = align_down<u64>(r.stack_top - 16, 16);
    u64 frame_addr = record - frame_size;
    if (frame_addr >= r.stack_top || frame_addr < r.stack_limit) { // wrapped, or overflows the altstack
        kfree(sve_regs);
        return false;
    }

    // Built in kernel memory (4.7 KiB or more: too big for the stack) and copied out once.
    u8* buf = static_cast<u8*>(kzalloc(frame_size));
    if (!buf) {
        kfree(sve_regs);
        return false;
    }
    auto* frame = reinterpret_cast<RtSigframe*>(buf);
    memcpy(frame->info, r.siginfo, sizeof(frame->info));
    UContext& uc = frame->uc;
    uc.ss_sp = r.altstack_sp;
    uc.ss_size = r.altstack_size;
    uc.ss_flags = r.altstack_flags;
    uc.uc_sigmask = r.saved_mask;
    SigContext& sc = uc.mcontext;
    for (int i = 0; i < 31; i++) sc.regs[i] = f.x[i];
    sc.sp = f.sp_;
    sc.pc = f.elr;
    sc.pstate = f.spsr;
    u32 ec = u32(f.esr >> 26) & 0x3f; // FAR is meaningful after aborts only
    sc.fault_address = (ec == 0x20 || ec == 0x24) ? f.far : 0;

    // The running thread's FP/SIMD state is live in the registers.
    ThreadState live;
    aarch64_fpsimd_save(&live);
    auto* fp = reinterpret_cast<FpsimdContext*>(buf + lay.fpsimd);
    fp->magic = kFpsimdMagic;
    fp->size = sizeof(FpsimdContext);
    fp->fpsr = u32(live.fpsr);
    fp->fpcr = u32(live.fpcr);
    memcpy(fp->vregs, live.q, sizeof(fp->vregs));
    if (sve::supported()) {
        // The vector length always; the registers when the thread uses SVE (Linux's
        // preserve_sve_context). The handler starts with the same state.
        auto* sve = reinterpret_cast<SveContext*>(buf + lay.sve);
        sve->magic = sve::kMagic;
        sve->vl = ts.sve_vl;
        sve->size = u32(align_up<size_t>(sizeof(SveContext) + sve_bytes, 16));
        if (sve_bytes) memcpy(buf + lay.sve + sizeof(SveContext), sve_regs, sve_bytes);
        kfree(sve_regs);
    }
    if (lay.extra) {
        // The rest past __reserved: from after its terminator to the frame's end.
        auto* x = reinterpret_cast<ExtraContext*>(buf + lay.extra);
        size_t data = lay.extra + sizeof(ExtraContext) + kTerminatorSize;
        x->magic = kExtraMagic;
        x->size = sizeof(ExtraContext);
        x->datap = frame_addr + data;
        x->data_size = u32(align_up<size_t>(lay.size, 16) - data);
    }
    // The zeroed headers after the last records ({magic 0, size 0}) terminate the lists.

    u64 rec[2] = {f.x[29], f.x[30]};
    bool ok = !mm::copy_to_user(frame_addr, buf, frame_size).is_error() &&
              !mm::copy_to_user(record, rec, sizeof(rec)).is_error();
    kfree(buf);
    if (!ok) return false;

    f.x[0] = u64(r.signo);
    if (r.flags & kSaSiginfo) {
        f.x[1] = frame_addr + __builtin_offsetof(RtSigframe, info);
        f.x[2] = frame_addr + __builtin_offsetof(RtSigframe, uc);
    }
    f.sp_ = frame_addr;
    f.x[29] = record;
    f.x[30] = r.restorer;
    f.elr = r.handler;
    f.spsr &= kUserPstateMask; // EL0t; also clears BTYPE and single-step state
    return true;
}

bool restore_signal_frame(TrapFrame& f, u64& saved_mask) {
    u64 frame_addr = f.sp_;
    if (frame_addr & 15) return false;
    auto* frame = static_cast<RtSigframe*>(kmalloc(sizeof(RtSigframe)));
    if (!frame) return false;
    bool ok = !mm::copy_from_user(frame, frame_addr, sizeof(RtSigframe)).is_error();
    const SigContext& sc = frame->uc.mcontext;
    auto* fp = reinterpret_cast<const FpsimdContext*>(sc.reserved);
    u8* extra = nullptr;
    const u8* sve_at = nullptr;
    ok = ok && fp->magic == kFpsimdMagic && fp->size == sizeof(FpsimdContext) &&
         records_valid(sc, frame_addr, &extra, &sve_at);
    ok = ok && !(sc.pstate & (kPstateModeMask | kPstateDaif));
    // SVE (Linux's restore_sve_fpsimd_context): the frame's vector length must be the
    // thread's; a record with registers makes them the thread's SVE state, whose
    // FP/SIMD part then comes from the fpsimd record; without registers, or without the
    // record, the thread is back to FP/SIMD only.
    ThreadState& ts = current_state(); // the calling thread's, wherever it runs
    const auto* sve = reinterpret_cast<const SveContext*>(sve_at);
    bool sve_regs = false;
    if (ok && sve) {
        ok = !(sve->flags & kSveFlagStreaming) && sve->vl == ts.sve_vl;
        sve_regs = sve->size > sizeof(SveContext);
        ok = ok && (!sve_regs || sve->size >= sizeof(SveContext) + sve::regs_size(sve->vl));
    }
    if (ok && sve_regs && !ts.sve_state) {
        ts.sve_state = static_cast<u8*>(kzalloc(sve::regs_size(ts.sve_vl)));
        ok = ts.sve_state != nullptr;
    }
    if (ok) {
        for (int i = 0; i < 31; i++) f.x[i] = sc.regs[i];
        f.sp_ = sc.sp;
        f.elr = sc.pc;
        f.spsr = sc.pstate & kUserPstateMask;
        f.orig_x0 = f.x[0];
        saved_mask = frame->uc.uc_sigmask;
        ThreadState live;
        asm volatile("mrs %0, tpidr_el0" : "=r"(live.tpidr_el0));
        live.fpsr = fp->fpsr;
        live.fpcr = fp->fpcr;
        memcpy(live.q, fp->vregs, sizeof(live.q));
        if (sve_regs) {
            size_t vl = ts.sve_vl;
            // Interrupts off throughout: a switch in between would save the old
            // registers over the new state.
            IrqState irq = irq_save();
            memcpy(ts.sve_state, reinterpret_cast<const u8*>(sve) + sizeof(SveContext), sve::regs_size(ts.sve_vl));
            for (int i = 0; i < 32; i++) memcpy(ts.sve_state + i * vl, &live.q[2 * i], 16);
            aarch64_fpsimd_load(&live);
            sve::enable_for_current(ts); // storage exists: cannot fail
            aarch64_sve_load(ts.sve_state);
            irq_restore(irq);
        } else {
            aarch64_fpsimd_load(&live);
            if (sve::supported()) sve::disable_for_current(ts);
        }
    }
    kfree(frame);
    kfree(extra);
    return ok;
}

void restart_syscall(TrapFrame& f) {
    // Back over the 4-byte SVC, with the first argument that x0's result replaced.
    f.x[0] = f.orig_x0;
    f.elr -= 4;
}

const u8* sigreturn_trampoline(size_t& size) {
    // mov x8, #139 (__NR_rt_sigreturn); svc #0 -- what Linux's vDSO __kernel_rt_sigreturn has.
    alignas(4) static const u8 kCode[] = {0x68, 0x11, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4};
    size = sizeof(kCode);
    return kCode;
}
} // namespace arch
