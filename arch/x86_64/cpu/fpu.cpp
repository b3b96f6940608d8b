// x87/SSE state: the FXSAVE image and its helpers (threads, signal frames).
#include <arch/x86/internal.h>
#include <lib/string.h>

namespace arch::x86 {
// The state of a freshly exec'd process on Linux: all exceptions masked.
void fpu_default_image(u8* area) {
    memset(area, 0, kFxsaveSize);
    u16 fcw = 0x37f;
    u32 mxcsr = 0x1f80;
    memcpy(area + 0, &fcw, sizeof(fcw));      // FCW
    memcpy(area + 24, &mxcsr, sizeof(mxcsr)); // MXCSR
}

void fpu_save(u8* area) { asm volatile("fxsave64 (%0)" : : "r"(area) : "memory"); }
void fpu_restore(const u8* area) { asm volatile("fxrstor64 (%0)" : : "r"(area) : "memory"); }

// MXCSR bits FXRSTOR accepts (a reserved bit set is a #GP): the CPU reports them in
// the MXCSR_MASK field of an FXSAVE image, 0 meaning the architectural 0xffbf.
u32 fpu_mxcsr_mask() {
    static u32 mask = 0;
    if (!mask) {
        alignas(16) u8 area[kFxsaveSize];
        fpu_save(area);
        memcpy(&mask, area + 28, sizeof(mask));
        if (!mask) mask = 0xffbf;
    }
    return mask;
}
} // namespace arch::x86
