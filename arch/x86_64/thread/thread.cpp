// Threads: kernel contexts, per-thread FPU and FS/GS state, entering user mode.
//
// FPU policy: eager. User FPU/SIMD state stays in the registers while the thread runs
// (the kernel is built -mgeneral-regs-only and never touches them) and is saved with
// XSAVE / restored with XRSTOR (FXSAVE/FXRSTOR without XSAVE) on every thread_switch.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <arch/x86/percpu.h>
#include <lib/string.h>

extern "C" void x86_context_switch(arch::Context* from, arch::Context* to);
extern "C" char x86_thread_trampoline[];
extern "C" [[noreturn]] void x86_enter_user(arch::TrapFrame* f);

namespace arch {
namespace {
using namespace x86;

bool is_current(const ThreadState& s) { return current_state() == &s; }
} // namespace

static_assert(sizeof(ThreadState::fpu_raw) == kFpuAreaMax + 64);

ThreadState::ThreadState() { fpu_default_image(fpu_area()); }

void context_init(Context& c, uptr stack_top, void (*entry)(void*), void* arg) {
    stack_top = align_down(stack_top, uptr(16));
    auto* sp = reinterpret_cast<u64*>(stack_top - 8);
    *sp = uptr(x86_thread_trampoline); // popped by the RET of the first switch
    c = Context {};
    c.rsp = uptr(sp);
    c.r12 = uptr(entry);
    c.r13 = uptr(arg);
}

void context_switch(Context& from, Context& to) { x86_context_switch(&from, &to); }

void thread_state_init(ThreadState& s) {
    fpu_default_image(s.fpu_area());
    s.fs_base = 0;
    s.gs_base = 0;
    if (is_current(s)) { // execve: the registers are the state
        fpu_restore(s.fpu_area());
        wrmsr(kMsrFsBase, 0);
        wrmsr(kMsrKernelGsBase, 0);
    }
}

void thread_state_copy(ThreadState& dst, const ThreadState& src) {
    if (is_current(src)) { // fork/clone: the live registers are newer than the saved image
        fpu_save(dst.fpu_area());
        dst.fs_base = rdmsr(kMsrFsBase);
        dst.gs_base = rdmsr(kMsrKernelGsBase);
    } else {
        memcpy(dst.fpu_area(), src.fpu_area(), kFpuAreaMax);
        dst.fs_base = src.fs_base;
        dst.gs_base = src.gs_base;
    }
}

void thread_switch(ThreadState& prev, ThreadState& next, uptr next_kstack_top) {
    fpu_save_switch(prev.fpu_area());
    // Read back rather than trust prev's copy: arch_prctl before the first
    // thread_switch had no ThreadState to record into.
    prev.fs_base = rdmsr(kMsrFsBase);
    prev.gs_base = rdmsr(kMsrKernelGsBase); // the user GS base, while in the kernel
    fpu_restore(next.fpu_area());
    if (next.fs_base != prev.fs_base) wrmsr(kMsrFsBase, next.fs_base);
    if (next.gs_base != prev.gs_base) wrmsr(kMsrKernelGsBase, next.gs_base);
    next.kernel_stack_top = next_kstack_top;
    tss_set_kernel_stack(next_kstack_top);
    this_percpu().current = &next;
}

void set_thread_pointer(ThreadState& s, u64 tp) {
    s.fs_base = tp;
    if (is_current(s)) wrmsr(kMsrFsBase, tp);
}

void init_user_frame(TrapFrame& f, VirtAddr entry, VirtAddr user_sp) {
    f = TrapFrame {};
    f.rip = entry;
    f.rsp = user_sp;
    f.cs = SEL_USER_CS;
    f.ss = SEL_USER_DS;
    f.rflags = kRflagsIf | kRflagsFixed;
    f.vector = ~0ull; // not a syscall: no restart
}

void enter_user(TrapFrame* f) {
    // The frame sits at the top of the thread's kernel stack: entries from user mode
    // must land right there.
    tss_set_kernel_stack(uptr(f) + sizeof(TrapFrame));
    prepare_return_to_user(*f);
    x86_enter_user(f);
}
} // namespace arch

namespace arch::x86 {
// The calling thread's FS/GS base (arch_prctl). The MSRs are the truth while it runs.
// Interrupts off: the MSR and the saved copy must be the same CPU's and thread's.
void set_user_fs_base(u64 v) {
    IrqState irq = irq_save();
    wrmsr(kMsrFsBase, v);
    if (ThreadState* s = current_state()) s->fs_base = v;
    irq_restore(irq);
}
void set_user_gs_base(u64 v) {
    IrqState irq = irq_save();
    wrmsr(kMsrKernelGsBase, v);
    if (ThreadState* s = current_state()) s->gs_base = v;
    irq_restore(irq);
}
u64 user_fs_base() { return rdmsr(kMsrFsBase); }
u64 user_gs_base() { return rdmsr(kMsrKernelGsBase); }
} // namespace arch::x86
