// Per-thread CPU state owned by the x86_64 layer.
#pragma once
#include <lib/types.h>

namespace arch {
// Kernel context saved by context_switch (thread/switch.S): the callee-saved
// registers of the System V ABI and the stack pointer. Everything else was saved by
// the compiler around the call.
struct Context {
    u64 rsp = 0;
    u64 rbx = 0, rbp = 0, r12 = 0, r13 = 0, r14 = 0, r15 = 0;
};

// User-visible state that is not in the TrapFrame: the FPU/SIMD registers (an XSAVE
// image covering x87, SSE, AVX and AVX-512 as the CPU offers them, or an FXSAVE image
// without XSAVE: x86/internal.h), and the FS/GS bases. The image needs 64-byte
// alignment; the object may come from an allocator that only guarantees 8, so the area
// is aligned inside a slightly larger buffer. Copy with thread_state_copy(), never by
// value.
struct ThreadState {
    ThreadState(); // a clean image: FCW 0x37f, MXCSR 0x1f80, bases 0
    ThreadState(const ThreadState&) = delete;
    ThreadState& operator=(const ThreadState&) = delete;

    u8* fpu_area() { return reinterpret_cast<u8*>(align_up(uptr(fpu_raw), uptr(64))); }
    const u8* fpu_area() const { return reinterpret_cast<const u8*>(align_up(uptr(fpu_raw), uptr(64))); }

    alignas(16) u8 fpu_raw[2752 + 64]; // x86::kFpuAreaMax
    u64 fs_base = 0;
    u64 gs_base = 0;           // user GS base (lives in MSR_KERNEL_GS_BASE while in the kernel)
    uptr kernel_stack_top = 0; // recorded by thread_switch
};
} // namespace arch
