// CPU features: PAN, the ELF hwcaps user programs see (AT_HWCAP/AT_HWCAP2), RNDR.
//
// The hwcaps follow Linux arch/arm64/kernel/cpufeature.c (arm64_elf_hwcaps) and the
// bit numbers of arch/arm64/include/uapi/asm/hwcap.h. Capabilities that need kernel
// support we do not have are left out: SME (no ZA state switching), PACA/PACG
// (no pointer-auth keys), BTI (no GP bit in user PTEs), MTE, CPUID (no MRS emulation),
// EVTSTRM (the event stream is not enabled), MOPS (needs SCTLR_EL1.MSCEn and
// its exception handling), WFXT.
#include "cpu.h"
#include "sve.h"
#include "sysreg.h"
#include <arch/interface.h>
#include <lib/format.h>

namespace arch {
namespace {
using sysreg::id_field;

struct Features {
    u64 hwcap = 0, hwcap2 = 0;
    bool pan = false, rndr = false;
    u64 midr = 0;
};
Features g_features;

// One row of the table: the capability is present when the field is >= min.
struct Cap {
    u8 reg;     // index into the ID register array below
    u8 shift;
    bool is_signed;
    int min;
    u8 word;    // 1: AT_HWCAP, 2: AT_HWCAP2
    u8 bit;
};
enum Reg : u8 { ISAR0, ISAR1, ISAR2, PFR0, PFR1, MMFR2, ZFR0, kRegCount };

constexpr Cap kCaps[] = {
    {PFR0, 16, true, 0, 1, 0},     // FP
    {PFR0, 20, true, 0, 1, 1},     // ASIMD
    {ISAR0, 4, false, 1, 1, 3},    // AES
    {ISAR0, 4, false, 2, 1, 4},    // PMULL
    {ISAR0, 8, false, 1, 1, 5},    // SHA1
    {ISAR0, 12, false, 1, 1, 6},   // SHA2
    {ISAR0, 16, false, 1, 1, 7},   // CRC32
    {ISAR0, 20, false, 2, 1, 8},   // ATOMICS
    {PFR0, 16, true, 1, 1, 9},     // FPHP
    {PFR0, 20, true, 1, 1, 10},    // ASIMDHP
    {ISAR0, 28, false, 1, 1, 12},  // ASIMDRDM
    {ISAR1, 12, false, 1, 1, 13},  // JSCVT
    {ISAR1, 16, false, 1, 1, 14},  // FCMA
    {ISAR1, 20, false, 1, 1, 15},  // LRCPC
    {ISAR1, 0, false, 1, 1, 16},   // DCPOP
    {ISAR0, 32, false, 1, 1, 17},  // SHA3
    {ISAR0, 36, false, 1, 1, 18},  // SM3
    {ISAR0, 40, false, 1, 1, 19},  // SM4
    {ISAR0, 44, false, 1, 1, 20},  // ASIMDDP
    {ISAR0, 12, false, 2, 1, 21},  // SHA512
    {ISAR0, 48, false, 1, 1, 23},  // ASIMDFHM
    {PFR0, 48, false, 1, 1, 24},   // DIT
    {MMFR2, 32, false, 1, 1, 25},  // USCAT
    {ISAR1, 20, false, 2, 1, 26},  // ILRCPC
    {ISAR0, 52, false, 1, 1, 27},  // FLAGM
    {PFR1, 4, false, 2, 1, 28},    // SSBS
    {ISAR1, 36, false, 1, 1, 29},  // SB
    {ISAR1, 0, false, 2, 2, 0},    // DCPODP
    {ISAR0, 52, false, 2, 2, 7},   // FLAGM2
    {ISAR1, 32, false, 1, 2, 8},   // FRINT
    {ISAR1, 52, false, 1, 2, 13},  // I8MM
    {ISAR1, 44, false, 1, 2, 14},  // BF16
    {ISAR1, 48, false, 1, 2, 15},  // DGH
    {ISAR0, 60, false, 1, 2, 16},  // RNG
    {ISAR1, 44, false, 2, 2, 32},  // EBF16
    {ISAR2, 4, false, 1, 2, 21},   // RPRES
    {ISAR2, 52, false, 1, 2, 34},  // CSSC
    {ISAR2, 48, false, 1, 2, 35},  // RPRFM
    {ISAR2, 20, false, 1, 2, 44},  // HBC
    // SVE's, from ID_AA64ZFR0_EL1 (read as 0 unless the kernel manages SVE).
    {ZFR0, 0, false, 1, 2, 1},     // SVE2
    {ZFR0, 4, false, 1, 2, 2},     // SVEAES
    {ZFR0, 4, false, 2, 2, 3},     // SVEPMULL
    {ZFR0, 16, false, 1, 2, 4},    // SVEBITPERM
    {ZFR0, 32, false, 1, 2, 5},    // SVESHA3
    {ZFR0, 40, false, 1, 2, 6},    // SVESM4
    {ZFR0, 44, false, 1, 2, 9},    // SVEI8MM
    {ZFR0, 52, false, 1, 2, 10},   // SVEF32MM
    {ZFR0, 56, false, 1, 2, 11},   // SVEF64MM
    {ZFR0, 20, false, 1, 2, 12},   // SVEBF16
    {ZFR0, 20, false, 2, 2, 33},   // SVE_EBF16
};

void detect() {
    Features& f = g_features;
    u64 regs[kRegCount];
    regs[ISAR0] = LV_READ_SYSREG(id_aa64isar0_el1);
    regs[ISAR1] = LV_READ_SYSREG(id_aa64isar1_el1);
    regs[ISAR2] = LV_READ_SYSREG(S3_0_C0_C6_2); // ID_AA64ISAR2_EL1: RAZ before it existed
    regs[PFR0] = LV_READ_SYSREG(id_aa64pfr0_el1);
    regs[PFR1] = LV_READ_SYSREG(id_aa64pfr1_el1);
    regs[MMFR2] = LV_READ_SYSREG(S3_0_C0_C7_2);  // ID_AA64MMFR2_EL1
    regs[ZFR0] = sve::supported() ? LV_READ_SYSREG(S3_0_C0_C4_4) : 0; // ID_AA64ZFR0_EL1
    for (const Cap& c : kCaps) {
        if (id_field(regs[c.reg], c.shift, c.is_signed) < c.min) continue;
        (c.word == 1 ? f.hwcap : f.hwcap2) |= 1ull << c.bit;
    }
    if (sve::supported()) f.hwcap |= 1ull << 22; // SVE
    u64 mmfr1 = LV_READ_SYSREG(id_aa64mmfr1_el1);
    f.pan = id_field(mmfr1, 20) >= 1;
    f.rndr = id_field(regs[ISAR0], 60) >= 1;
    f.midr = LV_READ_SYSREG(midr_el1);
}
} // namespace

namespace cpu {
void init_early() {
    sve::init_early(); // first: detect() reads what it found
    detect();
    // PSTATE.PAN = 1: the kernel faults if it touches user memory other than through
    // uaccess/usercopy.S, whose ldtr/sttr are checked with EL0 permissions and are not
    // subject to PAN, so it never has to be lifted. SCTLR_EL1.SPAN = 0 (head.S) makes
    // every exception entry set PAN again.
    if (g_features.pan) asm volatile(".inst 0xd500419f" ::: "memory"); // msr pan, #1
}

void init_this_cpu() {
    sve::init_this_cpu();
    if (g_features.pan) asm volatile(".inst 0xd500419f" ::: "memory"); // msr pan, #1
}

bool has_pan() { return g_features.pan; }
bool has_rndr() { return g_features.rndr; }

const char* describe() {
    u64 part = (g_features.midr >> 4) & 0xfff;
    bool arm = (g_features.midr >> 24) == 0x41;
    if (arm && part == 0xd08) return g_features.pan ? "cortex-a72 PAN" : "cortex-a72";
    if (arm && part == 0xd07) return "cortex-a57";
    if (arm && part == 0xd03) return "cortex-a53";
    return g_features.pan ? "PAN" : "no PAN";
}
} // namespace cpu

namespace {
// Linux's hwcap_str (arch/arm64/kernel/cpuinfo.c): AT_HWCAP's bits, then AT_HWCAP2's.
constexpr const char* kHwcapNames[] = {
    "fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32", "atomics", "fphp", "asimdhp", "cpuid",
    "asimdrdm", "jscvt", "fcma", "lrcpc", "dcpop", "sha3", "sm3", "sm4", "asimddp", "sha512", "sve", "asimdfhm",
    "dit", "uscat", "ilrcpc", "flagm", "ssbs", "sb", "paca", "pacg"};
constexpr const char* kHwcap2Names[] = {
    "dcpodp", "sve2", "sveaes", "svepmull", "svebitperm", "svesha3", "svesm4", "flagm2", "frint", "svei8mm",
    "svef32mm", "svef64mm", "svebf16", "i8mm", "bf16", "dgh", "rng", "bti", "mte", "ecv", "afp", "rpres", "mte3",
    "sme", "smei16i64", "smef64f64", "smei8i32", "smef16f32", "smeb16f32", "smef32f32", "smefa64", "wfxt", "ebf16",
    "sveebf16", "cssc", "rprfm", "sve2p1", "sme2", "sme2p1", "smei16i32", "smebi32i32", "smeb16b16", "smef16f16",
    "mops", "hbc"};
} // namespace

void cpuinfo(int cpu, lv::PutChar put, void* ctx) {
    // BogoMIPS: Linux's loops_per_jiffy comes from the generic timer, so it reads twice
    // the timer's frequency in MHz.
    u64 freq = LV_READ_SYSREG(cntfrq_el0);
    lv::format(put, ctx, "processor\t: %d\nBogoMIPS\t: %lu.%02lu\nFeatures\t:", cpu, freq * 2 / 1000000,
               (freq * 2 / 10000) % 100);
    for (size_t i = 0; i < sizeof kHwcapNames / sizeof kHwcapNames[0]; i++)
        if (g_features.hwcap & (1ull << i)) lv::format(put, ctx, " %s", kHwcapNames[i]);
    for (size_t i = 0; i < sizeof kHwcap2Names / sizeof kHwcap2Names[0]; i++)
        if (g_features.hwcap2 & (1ull << i)) lv::format(put, ctx, " %s", kHwcap2Names[i]);
    u64 midr = g_features.midr;
    lv::format(put, ctx,
               "\nCPU implementer\t: 0x%02lx\nCPU architecture: 8\nCPU variant\t: 0x%lx\nCPU part\t: 0x%03lx\n"
               "CPU revision\t: %lu\n\n",
               (midr >> 24) & 0xff, (midr >> 20) & 0xf, (midr >> 4) & 0xfff, midr & 0xf);
}

u64 hwcap() { return g_features.hwcap; }
u64 hwcap2() { return g_features.hwcap2; }
const char* platform() { return "aarch64"; }

// No protection keys: arm64's come with FEAT_S1POE (Linux 6.12), which the CPUs QEMU
// models here lack.
unsigned pkey_count() { return 0; }
void pkey_set_rights(unsigned, unsigned) {}

bool hardware_random(u64& out) {
    if (!g_features.rndr) return false;
    // RNDR sets NZCV to 0b0100 (Z) when it could not produce a number in time.
    for (int tries = 0; tries < 10; tries++) {
        u64 v, nzcv;
        asm volatile("mrs %0, S3_3_C2_C4_0; mrs %1, nzcv" : "=r"(v), "=r"(nzcv)::"cc");
        if (!(nzcv & (1ull << 30))) {
            out = v;
            return true;
        }
    }
    return false;
}
} // namespace arch
