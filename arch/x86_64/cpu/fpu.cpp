// User FPU/SIMD state: x87, SSE and, where the CPU has XSAVE, every user state
// component it offers among AVX, AVX-512 and PKRU (XCR0). Saved with XSAVE / restored with
// XRSTOR in the standard (non-compacted) format, the one Linux's signal frames carry;
// FXSAVE/FXRSTOR without XSAVE.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <lib/string.h>

namespace arch::x86 {
namespace {
bool g_xsave = false;
bool g_xsaveopt = false; // CPUID.(0xd,1):EAX[0]
u64 g_xcr0 = kXfeatureX87 | kXfeatureSse; // what XSAVE covers (only meaningful with g_xsave)
size_t g_size = kFxsaveSize;              // bytes of an image for g_xcr0
size_t g_pkru_offset = 0;                 // of PKRU in an image, when XCR0 has it

void xsetbv(u32 reg, u64 v) { asm volatile("xsetbv" : : "c"(reg), "a"(u32(v)), "d"(u32(v >> 32)) : "memory"); }
} // namespace

void fpu_init() {
    const Features& f = g_features;
    if (!f.xsave || cpuid(0).eax < 0xd) return;
    Cpuid d0 = cpuid(0xd, 0);
    u64 supported = d0.eax | (u64(d0.edx) << 32);
    // x87, SSE, AVX, and AVX-512's three (opmask, upper ZMM0-15, ZMM16-31) together.
    u64 want = kXfeatureX87 | kXfeatureSse | kXfeatureAvx;
    constexpr u64 kAvx512 = kXfeatureOpmask | kXfeatureZmmHi256 | kXfeatureHi16Zmm;
    if ((supported & kAvx512) == kAvx512) want |= kAvx512;
    // PKRU, once CR4.PKE is on (enable_cpu_features): protection keys are per thread, so
    // XSAVE switches them with the rest.
    if (f.pku && (read_cr4() & kCr4Pke)) want |= kXfeaturePkru;
    u64 xcr0 = supported & want;
    if (!(xcr0 & kXfeatureAvx)) xcr0 &= ~kAvx512; // AVX-512 without AVX is not allowed
    write_cr4(read_cr4() | kCr4Osxsave);
    xsetbv(0, xcr0);
    size_t size = cpuid(0xd, 0).ebx; // for what XCR0 now enables
    if (size > kFpuAreaMax) { // never seen: keep to x87/SSE/AVX
        xcr0 &= kXfeatureX87 | kXfeatureSse | kXfeatureAvx | kXfeaturePkru;
        xsetbv(0, xcr0);
        size = cpuid(0xd, 0).ebx;
    }
    g_xcr0 = xcr0;
    g_size = size;
    if (xcr0 & kXfeaturePkru) g_pkru_offset = cpuid(0xd, 9).ebx;
    g_xsave = true;
    g_xsaveopt = cpuid(0xd, 1).eax & 1;
}

bool xsave_enabled() { return g_xsave; }
u64 xfeatures() { return g_xcr0; }
size_t fpu_area_size() { return g_size; }

// The state of a freshly exec'd process on Linux: all exceptions masked, the rest
// zero; in the XSAVE header, x87 and SSE come from the legacy area and every other
// component is in its initial state, but for PKRU: Linux's default (kPkruDefault), not
// the hardware's 0. Signal handlers start from it too.
void fpu_default_image(u8* area) {
    memset(area, 0, kFpuAreaMax);
    u16 fcw = 0x37f;
    u32 mxcsr = 0x1f80;
    memcpy(area + 0, &fcw, sizeof(fcw));      // FCW
    memcpy(area + 24, &mxcsr, sizeof(mxcsr)); // MXCSR
    u64 xstate_bv = kXfeatureX87 | kXfeatureSse;
    if (g_pkru_offset) {
        u32 pkru = kPkruDefault;
        memcpy(area + g_pkru_offset, &pkru, sizeof(pkru));
        xstate_bv |= kXfeaturePkru;
    }
    memcpy(area + kXsaveHeaderOffset, &xstate_bv, sizeof(xstate_bv));
}

void fpu_save(u8* area) {
    if (g_xsave) asm volatile("xsave64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u) : "memory");
    else asm volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void fpu_save_switch(u8* area) {
    // XSAVEOPT may skip components in their initial state, and ones unchanged since the
    // last XRSTOR from this same area (the thread's own image, restored at its switch
    // in and untouched in memory since): safe for the context switch, where the image is
    // the thread's alone. Signal frames and fork copies take a full XSAVE.
    if (g_xsaveopt) asm volatile("xsaveopt64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u) : "memory");
    else fpu_save(area);
}

void fpu_restore(const u8* area) {
    if (g_xsave) asm volatile("xrstor64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u) : "memory");
    else asm volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

// MXCSR bits FXRSTOR accepts (a reserved bit set is a #GP): the CPU reports them in
// the MXCSR_MASK field of an FXSAVE image, 0 meaning the architectural 0xffbf.
u32 fpu_mxcsr_mask() {
    static u32 mask = 0;
    if (!mask) {
        alignas(16) u8 area[kFxsaveSize];
        asm volatile("fxsave64 (%0)" : : "r"(area) : "memory");
        memcpy(&mask, area + 28, sizeof(mask));
        if (!mask) mask = 0xffbf;
    }
    return mask;
}

bool fpu_sanitize(u8* area, u64 allowed) {
    u32 mxcsr;
    memcpy(&mxcsr, area + 24, 4);
    mxcsr &= fpu_mxcsr_mask();
    memcpy(area + 24, &mxcsr, 4);
    if (!g_xsave) return true;
    // The header: XSTATE_BV within what is enabled (components left out are restored to
    // their initial state), XCOMP_BV 0 (standard format) and the reserved bytes 0, or
    // XRSTOR faults.
    u8* hdr = area + kXsaveHeaderOffset;
    u64 xstate_bv, xcomp_bv;
    memcpy(&xstate_bv, hdr, 8);
    memcpy(&xcomp_bv, hdr + 8, 8);
    if (xcomp_bv || (xstate_bv & ~g_xcr0)) return false;
    for (int i = 16; i < 64; i++)
        if (hdr[i]) return false;
    xstate_bv &= allowed;
    memcpy(hdr, &xstate_bv, 8);
    return true;
}
} // namespace arch::x86
