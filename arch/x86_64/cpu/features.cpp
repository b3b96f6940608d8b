// CPU feature detection (CPUID; nothing is assumed), enabling SSE/SMEP/SMAP/UMIP/PKE,
// and the CPU identity that goes into the ELF auxiliary vector.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>

extern "C" {
u8 x86_smap_enabled = 0; // 1 when CR4.SMAP is on: STAC/CLAC are #UD without SMAP
}

namespace arch::x86 {
Features g_features;

void detect_features() {
    Cpuid leaf0 = cpuid(0);
    Cpuid l1 = cpuid(1);
    Features& f = g_features;
    f.pge = l1.edx & (1u << 13);
    f.fxsr = l1.edx & (1u << 24);
    f.sse = l1.edx & (1u << 25);
    f.x2apic = l1.ecx & (1u << 21);
    f.rdrand = l1.ecx & (1u << 30);
    f.xsave = l1.ecx & (1u << 26);
    if (leaf0.eax >= 7) {
        Cpuid l7 = cpuid(7, 0);
        f.smep = l7.ebx & (1u << 7);
        f.smap = l7.ebx & (1u << 20);
        f.umip = l7.ecx & (1u << 2);
        f.pku = l7.ecx & (1u << 3);
    }
    if (cpuid(0x80000000).eax >= 0x80000001) {
        Cpuid e1 = cpuid(0x80000001);
        f.nx = e1.edx & (1u << 20);
        f.pdpe1gb = e1.edx & (1u << 26);
    }
}

void enable_cpu_features() {
    const Features& f = g_features;
    // x87 and SSE for user space; with XSAVE also AVX and AVX-512 (cpu/fpu.cpp): CPUID
    // then tells user space (OSXSAVE, XGETBV) which state the kernel manages.
    write_cr0((read_cr0() & ~(kCr0Em | kCr0Ts)) | kCr0Mp | kCr0Ne);
    u64 cr4 = read_cr4();
    if (f.fxsr && f.sse) cr4 |= kCr4Osfxsr | kCr4Osxmmexcpt;
    if (f.smep) cr4 |= kCr4Smep;
    if (f.umip) cr4 |= kCr4Umip;
    if (f.smap) cr4 |= kCr4Smap;
    if (f.pku) cr4 |= kCr4Pke; // protection keys: PKRU checks user-page accesses
    write_cr4(cr4);
    x86_smap_enabled = f.smap;
    fpu_init();
    // A clean FPU for whatever runs first (threads start from their own image).
    // FXRSTOR of a default image rather than FNINIT+LDMXCSR: the same effect, and
    // instruction emulators (PVM's) know FXRSTOR.
    alignas(64) u8 image[kFpuAreaMax];
    fpu_default_image(image);
    fpu_restore(image);
}
} // namespace arch::x86

namespace arch {
// What Linux puts in AT_HWCAP on x86_64: CPUID.1:EDX (boot_cpu_data.x86_capability[0]).
u64 hwcap() { return x86::cpuid(1).edx; }
// Linux's AT_HWCAP2 bits (ring3mwait, fsgsbase) describe features we do not enable.
u64 hwcap2() { return 0; }
const char* platform() { return "x86_64"; }

long sve_vl_prctl(bool, u64) { return -22; } // EINVAL: an arm64 call

unsigned pkey_count() { return x86::g_features.pku && (x86::xfeatures() & x86::kXfeaturePkru) ? 16 : 0; }

void pkey_set_rights(unsigned key, unsigned rights) {
    // RDPKRU/WRPKRU (ECX and EDX 0): two bits per key, AD (access disable) then WD.
    u32 pkru, edx;
    asm volatile("rdpkru" : "=a"(pkru), "=d"(edx) : "c"(0));
    pkru &= ~(3u << (2 * key));
    pkru |= (rights & 3u) << (2 * key);
    asm volatile("wrpkru" : : "a"(pkru), "c"(0), "d"(0) : "memory");
}

bool hardware_random(u64& out) {
    if (!x86::g_features.rdrand) return false;
    for (int tries = 0; tries < 10; tries++) { // Intel's advice: retry a few times
        u8 ok;
        asm volatile("rdrand %0; setc %1" : "=r"(out), "=qm"(ok));
        if (ok) return true;
    }
    return false;
}
} // namespace arch
