// The Scalable Vector Extension for user programs, as arm64 Linux offers it
// (Documentation/arch/arm64/sve.rst): per-thread Z0-Z31, P0-P15 and FFR at a per-thread
// vector length, trapped on first use, switched with the thread, zeroed above the
// FP/SIMD part by every system call, carried in signal frames (sve_context) and set by
// prctl(PR_SVE_SET_VL). Code in cpu/sve.cpp, thread/sve.S, thread/thread.cpp and
// thread/signal.cpp.
//
// Vector lengths: those the CPU offers (probed through ZCR_EL1, as Linux does), up to
// 256 bytes (VL_ARCH_MAX); the default is Linux's, the largest supported up to 64. From
// 112 bytes on, the sve_context record no longer fits in the frame's __reserved area and
// goes after it behind an extra_context record, as on Linux (thread/signal.cpp).
#pragma once
#include <arch/context.h>
#include <lib/types.h>

extern "C" {
void aarch64_fpsimd_save(arch::ThreadState* s); // thread/switch.S
void aarch64_fpsimd_load(const arch::ThreadState* s);
void aarch64_sve_save(u8* buf);
void aarch64_sve_load(const u8* buf);
void aarch64_sve_flush_live();
u64 aarch64_sve_rdvl();
}

namespace arch::sve {
constexpr u32 kMagic = 0x53564501; // SVE_MAGIC
// Bytes of the register block at vector length `vl` (SVE_SIG_REGS_SIZE).
constexpr size_t regs_size(u32 vl) { return 32 * size_t(vl) + 17 * size_t(vl / 8); }

extern bool g_supported;
void set_len(u32 vl); // ZCR_EL1.LEN for this CPU

void init_early();    // boot CPU: detect, probe the vector lengths, enable EL1 use
void init_this_cpu(); // every other CPU: enable EL1 use
bool supported();
u32 default_vl();
// The largest supported vector length <= vl (vl >= 16); Linux's find_supported_vector_length.
u32 supported_vl(u32 vl);
// The thread's state as exec leaves it: no SVE state, the vector length for the new
// program (the deferred one, else the default), kept for the next exec only with
// PR_SVE_VL_INHERIT.
void exec_reset(ThreadState& s);
// Makes `s` (the calling thread's, live) use SVE from now: storage allocated, the
// vector length set, the registers beyond FP/SIMD zeroed, EL0 access on. False when
// there is no SVE or no memory.
bool enable_for_current(ThreadState& s);
// EL0 access for the thread about to run (thread_switch, interrupts off).
void switch_to(ThreadState& next);
// Drops the SVE state of the calling thread's live registers to FP/SIMD (VL change,
// sigreturn without SVE data): EL0 access trapped again.
void disable_for_current(ThreadState& s);
} // namespace arch::sve
