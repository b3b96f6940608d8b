// Threads: kernel context, per-thread user CPU state, entering user mode.
#include "../cpu/percpu.h"
#include "../cpu/sve.h"
#include "../trap/traps.h"
#include <arch/interface.h>
#include <lib/alloc.h>
#include <lib/string.h>

extern "C" {
void aarch64_context_switch(arch::Context* from, arch::Context* to);
void aarch64_thread_start();
void aarch64_fpsimd_save(arch::ThreadState* s);
void aarch64_fpsimd_load(const arch::ThreadState* s);
}

namespace arch {
void context_init(Context& c, uptr stack_top, void (*entry)(void*), void* arg) {
    memset(&c, 0, sizeof(c));
    c.x19_x28[0] = reinterpret_cast<u64>(entry);
    c.x19_x28[1] = reinterpret_cast<u64>(arg);
    c.lr = reinterpret_cast<u64>(&aarch64_thread_start);
    c.sp = stack_top & ~u64(15);
}

void context_switch(Context& from, Context& to) { aarch64_context_switch(&from, &to); }

// Whether `s`'s values are the ones in this CPU's registers (PerCpu::live, set by
// thread_switch). Asked about the calling thread's own state, either answer stays right
// if it is moved to another CPU meanwhile: the switch saves its registers to `s` and
// loads them from there again.
namespace {
bool is_live(const ThreadState& s) { return &current_state() == &s; }
} // namespace

ThreadState::~ThreadState() { kfree(sve_state); }

void thread_state_init(ThreadState& s) {
    // A new thread, or execve: FPCR 0 (round to nearest, no traps), as Linux starts
    // threads; no SVE state, the vector length exec gives.
    memset(s.q, 0, sizeof s.q);
    s.fpcr = s.fpsr = s.tpidr_el0 = 0;
    sve::exec_reset(s);
    if (is_live(s)) {
        aarch64_fpsimd_load(&s);
        sve::disable_for_current(s);
    }
}

void thread_state_copy(ThreadState& dst, const ThreadState& src) {
    // The running thread's FP/SIMD registers and TPIDR_EL0 are newer than its saved copy.
    if (is_live(src)) aarch64_fpsimd_save(&dst);
    else {
        memcpy(dst.q, src.q, sizeof dst.q);
        dst.fpcr = src.fpcr;
        dst.fpsr = src.fpsr;
        dst.tpidr_el0 = src.tpidr_el0;
    }
    // The child starts without SVE state (the clone call, a system call, has just
    // zeroed all of it beyond FP/SIMD), with the parent's vector length settings.
    kfree(dst.sve_state);
    dst.sve_state = nullptr;
    dst.sve_live = false;
    dst.sve_vl = src.sve_vl;
    dst.sve_vl_onexec = src.sve_vl_onexec;
    dst.sve_inherit = src.sve_inherit;
}

void thread_switch(ThreadState& prev, ThreadState& next, uptr next_kstack_top) {
    // Eager FP/SIMD switching: the registers always hold the running thread's values
    // (the kernel never uses them). SP_EL1 needs no update: every return to EL0 leaves
    // it at the top of the returning thread's kernel stack (trap/vectors.S).
    if (&prev == &next) return;
    aarch64_fpsimd_save(&prev);
    if (prev.sve_live) aarch64_sve_save(prev.sve_state);
    next.kstack_top = next_kstack_top;
    aarch64_fpsimd_load(&next);
    sve::switch_to(next);
    this_percpu().live = &next;
}

void set_thread_pointer(ThreadState& s, u64 tp) {
    s.tpidr_el0 = tp;
    if (is_live(s)) asm volatile("msr tpidr_el0, %0" ::"r"(tp));
}

void init_user_frame(TrapFrame& f, VirtAddr entry, VirtAddr user_sp) {
    memset(&f, 0, sizeof(f));
    f.elr = entry;
    f.sp_ = user_sp;
    f.spsr = 0; // EL0t, D/A/I/F unmasked, flags clear
}

void enter_user(TrapFrame* f) { aarch64_enter_user(f); }
} // namespace arch
