// Thin wrappers over x86 instructions: port I/O, MSRs, control registers, CPUID, TSC.
// Private to arch/x86_64.
#pragma once
#include <lib/types.h>

namespace arch::x86 {
inline u8 inb(u16 port) { u8 v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
inline u16 inw(u16 port) { u16 v; asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
inline u32 inl(u16 port) { u32 v; asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }
inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
inline void outw(u16 port, u16 v) { asm volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
inline void outl(u16 port, u32 v) { asm volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

constexpr u32 kMsrApicBase = 0x1b;
constexpr u32 kMsrEfer = 0xc0000080;
constexpr u32 kMsrStar = 0xc0000081;
constexpr u32 kMsrLstar = 0xc0000082;
constexpr u32 kMsrFmask = 0xc0000084;
constexpr u32 kMsrFsBase = 0xc0000100;
constexpr u32 kMsrGsBase = 0xc0000101;
constexpr u32 kMsrKernelGsBase = 0xc0000102;

constexpr u64 kEferSce = 1u << 0;
constexpr u64 kEferLme = 1u << 8;
constexpr u64 kEferNxe = 1u << 11;

constexpr u64 kRflagsCf = 1u << 0;
constexpr u64 kRflagsFixed = 1u << 1; // always reads as 1
constexpr u64 kRflagsTf = 1u << 8;
constexpr u64 kRflagsIf = 1u << 9;
constexpr u64 kRflagsDf = 1u << 10;
constexpr u64 kRflagsIopl = 3u << 12;
constexpr u64 kRflagsNt = 1u << 14;
constexpr u64 kRflagsRf = 1u << 16;
constexpr u64 kRflagsVm = 1u << 17;
constexpr u64 kRflagsAc = 1u << 18;
constexpr u64 kRflagsId = 1u << 21;

inline u64 rdmsr(u32 msr) {
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (u64(hi) << 32) | lo;
}
inline void wrmsr(u32 msr, u64 v) {
    asm volatile("wrmsr" : : "c"(msr), "a"(u32(v)), "d"(u32(v >> 32)) : "memory");
}

#define LV_X86_CR(n)                                                                      \
    inline u64 read_cr##n() { u64 v; asm volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; } \
    inline void write_cr##n(u64 v) { asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); }
LV_X86_CR(0)
LV_X86_CR(2)
LV_X86_CR(3)
LV_X86_CR(4)
#undef LV_X86_CR

constexpr u64 kCr0Mp = 1u << 1, kCr0Em = 1u << 2, kCr0Ts = 1u << 3, kCr0Ne = 1u << 5,
              kCr0Wp = 1u << 16;
constexpr u64 kCr4Pge = 1u << 7, kCr4Osfxsr = 1u << 9, kCr4Osxmmexcpt = 1u << 10,
              kCr4Umip = 1u << 11, kCr4Osxsave = 1u << 18, kCr4Smep = 1u << 20, kCr4Smap = 1u << 21,
              kCr4Pke = 1u << 22;

struct Cpuid {
    u32 eax, ebx, ecx, edx;
};
inline Cpuid cpuid(u32 leaf, u32 subleaf = 0) {
    Cpuid r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

inline u64 rdtsc() {
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (u64(hi) << 32) | lo;
}

inline void invlpg(VirtAddr va) { asm volatile("invlpg (%0)" : : "r"(va) : "memory"); }
inline void pause() { asm volatile("pause"); }

inline PhysAddr kernel_virt_to_phys(const void* p) { return uptr(p) - 0xffffffff80000000ull; }
} // namespace arch::x86
