// SVE for user programs: see sve.h.
#include "sve.h"
#include "percpu.h"
#include "sysreg.h"
#include <arch/interface.h>
#include <lib/alloc.h>
#include <lib/string.h>

#define SYS_ZCR_EL1 S3_0_C1_C2_0

namespace arch::sve {
// Set once by the boot CPU (init_early), read-only after.
bool g_supported = false;
void set_len(u32 vl) { LV_WRITE_SYSREG(SYS_ZCR_EL1, vl / 16 - 1); } // self-synchronising

namespace {
constexpr u64 kCpacrZenEl1 = 1ull << 16, kCpacrZenEl0 = 1ull << 17;
constexpr u32 kVqMax = 16; // 2048-bit vectors
// Linux's VL_ARCH_MAX: longer vectors than vector-length-agnostic code can handle are
// not handed out.
constexpr u32 kVlArchMax = 256;

u32 g_vq_map = 0; // bit vq-1: a vector length of vq * 16 bytes is offered
u32 g_default_vl = 0;

void set_el0_access(bool on) {
    u64 c = LV_READ_SYSREG(cpacr_el1);
    u64 want = on ? (c | kCpacrZenEl0) : (c & ~kCpacrZenEl0);
    if (want != c) LV_WRITE_SYSREG(cpacr_el1, want); // ERET synchronises it for EL0
}
} // namespace

void init_this_cpu() {
    if (!g_supported) return;
    LV_WRITE_SYSREG(cpacr_el1, (LV_READ_SYSREG(cpacr_el1) | kCpacrZenEl1) & ~kCpacrZenEl0);
    sysreg::isb();
    set_len(g_default_vl);
}

void init_early() {
    if (sysreg::id_field(LV_READ_SYSREG(id_aa64pfr0_el1), 32) < 1) return;
    LV_WRITE_SYSREG(cpacr_el1, LV_READ_SYSREG(cpacr_el1) | kCpacrZenEl1);
    sysreg::isb();
    // Linux's vec_probe_vqs: ask for each length from the top; the CPU gives the largest
    // it has at or below it.
    for (u32 vq = kVqMax; vq >= 1; vq--) {
        LV_WRITE_SYSREG(SYS_ZCR_EL1, vq - 1);
        u32 got = u32(aarch64_sve_rdvl() / 16);
        if (got == 0 || got > vq) break;
        g_vq_map |= 1u << (got - 1);
        vq = got;
    }
    g_supported = g_vq_map & 1; // 128 bits is architectural
    if (!g_supported) return;
    g_default_vl = supported_vl(64);
    init_this_cpu();
}

bool supported() { return g_supported; }
u32 default_vl() { return g_default_vl; }

u32 supported_vl(u32 vl) {
    vl = min(vl, kVlArchMax);
    for (u32 vq = vl / 16; vq >= 1; vq--)
        if (g_vq_map & (1u << (vq - 1))) return vq * 16;
    return 16;
}

void exec_reset(ThreadState& s) {
    kfree(s.sve_state);
    s.sve_state = nullptr;
    s.sve_live = false;
    if (!g_supported) return;
    s.sve_vl = s.sve_vl_onexec ? s.sve_vl_onexec : u16(g_default_vl);
    if (!s.sve_inherit) s.sve_vl_onexec = 0;
}

bool enable_for_current(ThreadState& s) {
    if (!g_supported || !s.sve_vl) return false;
    if (!s.sve_state) {
        s.sve_state = static_cast<u8*>(kzalloc(regs_size(s.sve_vl)));
        if (!s.sve_state) return false;
    }
    IrqState irq = irq_save(); // no switch between the flag and the registers
    set_len(s.sve_vl);
    aarch64_sve_flush_live();
    s.sve_live = true;
    set_el0_access(true);
    irq_restore(irq);
    return true;
}

void disable_for_current(ThreadState& s) {
    IrqState irq = irq_save();
    s.sve_live = false;
    set_el0_access(false);
    irq_restore(irq);
}

void switch_to(ThreadState& next) {
    if (!g_supported) return;
    if (next.sve_vl) set_len(next.sve_vl);
    if (next.sve_live) aarch64_sve_load(next.sve_state);
    set_el0_access(next.sve_live);
}
} // namespace arch::sve

namespace arch {
long sve_vl_prctl(bool set, u64 arg) {
    constexpr long kEinval = -22;
    constexpr u64 kInherit = 1u << 17, kOnExec = 1u << 18, kLenMask = 0xffff; // PR_SVE_*
    if (!sve::g_supported) return kEinval;
    ThreadState& s = current_state();
    u64 flags = 0;
    if (set) {
        // Linux's vec_set_vector_length.
        u64 vl = arg & kLenMask;
        flags = arg & ~kLenMask;
        if (flags & ~(kInherit | kOnExec)) return kEinval;
        if (vl < 16 || vl > 8192 || vl % 16) return kEinval; // sve_vl_valid
        u16 v = u16(sve::supported_vl(u32(vl))); // clamped to VL_ARCH_MAX there
        s.sve_vl_onexec = flags & (kInherit | kOnExec) ? v : 0;
        if (!(flags & kOnExec) && v != s.sve_vl) {
            // A new length drops the SVE state; the FP/SIMD registers are kept.
            IrqState irq = irq_save();
            ThreadState fp;
            aarch64_fpsimd_save(&fp);
            sve::disable_for_current(s);
            s.sve_vl = v;
            sve::set_len(v);
            aarch64_fpsimd_load(&fp);
            irq_restore(irq);
            kfree(s.sve_state);
            s.sve_state = nullptr;
        }
        s.sve_inherit = flags & kInherit;
    }
    long r = flags & kOnExec ? s.sve_vl_onexec : s.sve_vl;
    return s.sve_inherit ? r | long(kInherit) : r;
}
} // namespace arch
