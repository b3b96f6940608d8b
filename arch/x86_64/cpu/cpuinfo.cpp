// /proc/cpuinfo on x86_64, in Linux's format (arch/x86/kernel/cpu/proc.c show_cpuinfo),
// from CPUID. The flags are Linux's names for the CPUID bits it reports
// (arch/x86/include/asm/cpufeatures.h), word by word in its order; bits Linux does not
// name are left out, and so are Linux's synthetic flags and its "bugs" line (we apply
// no mitigations to list) and the microcode revision (read from an MSR that emulators
// may not have).
#include <arch/interface.h>
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <lib/format.h>
#include <lib/string.h>

namespace arch {
namespace {
struct FlagWord {
    u32 leaf, subleaf;
    u8 reg; // 0 eax, 1 ebx, 2 ecx, 3 edx
    const char* names[32];
};

// Null: a bit Linux does not show.
constexpr FlagWord kWords[] = {
    {1, 0, 3, {"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", nullptr, "sep", "mtrr",
               "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", nullptr, "dts", "acpi", "mmx", "fxsr", "sse",
               "sse2", "ss", "ht", "tm", "ia64", "pbe"}},
    {0x80000001, 0, 3, {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                        nullptr, "syscall", nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, "mp", "nx",
                        nullptr, "mmxext", nullptr, nullptr, "fxsr_opt", "pdpe1gb", "rdtscp", nullptr, "lm",
                        "3dnowext", "3dnow"}},
    {1, 0, 2, {"pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3", "cid",
               "sdbg", "fma", "cx16", "xtpr", "pdcm", nullptr, "pcid", "dca", "sse4_1", "sse4_2", "x2apic", "movbe",
               "popcnt", "tsc_deadline_timer", "aes", "xsave", nullptr, "avx", "f16c", "rdrand", "hypervisor"}},
    {0x80000001, 0, 2, {"lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a", "misalignsse",
                        "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", nullptr, "lwp", "fma4", "tce",
                        nullptr, "nodeid_msr", nullptr, "tbm", "topoext", "perfctr_core", "perfctr_nb", nullptr,
                        "bpext", "ptsc", "perfctr_llc", "mwaitx", nullptr, nullptr}},
    {7, 0, 1, {"fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", nullptr, "smep", "bmi2", "erms", "invpcid",
               "rtm", "cqm", nullptr, "mpx", "rdt_a", "avx512f", "avx512dq", "rdseed", "adx", "smap", "avx512ifma",
               nullptr, "clflushopt", "clwb", "intel_pt", "avx512pf", "avx512er", "avx512cd", "sha_ni", "avx512bw",
               "avx512vl"}},
    {7, 0, 2, {nullptr, "avx512vbmi", "umip", "pku", "ospke", "waitpkg", "avx512_vbmi2", nullptr, "gfni", "vaes",
               "vpclmulqdq", "avx512_vnni", "avx512_bitalg", "tme", "avx512_vpopcntdq", nullptr, "la57", nullptr,
               nullptr, nullptr, nullptr, nullptr, "rdpid", nullptr, "bus_lock_detect", "cldemote", nullptr,
               "movdiri", "movdir64b", "enqcmd", "sgx_lc", nullptr}},
    {7, 0, 3, {nullptr, nullptr, "avx512_4vnniw", "avx512_4fmaps", "fsrm", nullptr, nullptr, nullptr,
               "avx512_vp2intersect", nullptr, "md_clear", nullptr, nullptr, nullptr, "serialize", nullptr,
               "tsxldtrk", nullptr, "pconfig", "arch_lbr", nullptr, nullptr, "amx_bf16", "avx512_fp16", "amx_tile",
               "amx_int8", nullptr, nullptr, "flush_l1d", "arch_capabilities", nullptr, nullptr}},
};

u32 reg_of(const x86::Cpuid& r, u8 reg) { return reg == 0 ? r.eax : reg == 1 ? r.ebx : reg == 2 ? r.ecx : r.edx; }

// CPUID 0x80000002..4: the brand string, leading spaces dropped as Linux does.
void brand(char (&out)[49]) {
    u32 words[12];
    for (u32 i = 0; i < 3; i++) {
        x86::Cpuid r = x86::cpuid(0x80000002 + i);
        words[i * 4] = r.eax, words[i * 4 + 1] = r.ebx, words[i * 4 + 2] = r.ecx, words[i * 4 + 3] = r.edx;
    }
    char raw[49];
    memcpy(raw, words, 48);
    raw[48] = 0;
    const char* p = raw;
    while (*p == ' ') p++;
    size_t len = strlen(p);
    while (len && p[len - 1] == ' ') len--;
    memcpy(out, p, len);
    out[len] = 0;
}
} // namespace

void cpuinfo(int cpu, lv::PutChar put, void* ctx) {
    x86::Cpuid v0 = x86::cpuid(0), v1 = x86::cpuid(1);
    u32 max_ext = x86::cpuid(0x80000000).eax;
    char vendor[13];
    memcpy(vendor, &v0.ebx, 4);
    memcpy(vendor + 4, &v0.edx, 4);
    memcpy(vendor + 8, &v0.ecx, 4);
    vendor[12] = 0;
    // Family, model and stepping with the extended fields (Linux's x86_family/x86_model).
    u32 family = (v1.eax >> 8) & 0xf, model = (v1.eax >> 4) & 0xf, stepping = v1.eax & 0xf;
    if (family == 0xf) family += (v1.eax >> 20) & 0xff;
    if (family >= 6) model += ((v1.eax >> 16) & 0xf) << 4;
    char name[49] = "unknown";
    if (max_ext >= 0x80000004) brand(name);
    u64 khz = x86::tsc_hz() / 1000;
    lv::format(put, ctx,
               "processor\t: %d\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\nmodel name\t: %s\n"
               "stepping\t: %u\ncpu MHz\t\t: %lu.%03lu\n",
               cpu, vendor, family, model, name, stepping, khz / 1000, khz % 1000);
    // Cache size as Linux reports it: on Intel the last level that CPUID leaf 4 lists
    // (init_intel_cacheinfo), elsewhere L2 from 0x80000006 (AMD, Hygon and others).
    u32 cache_kb = 0;
    if (!strcmp(vendor, "GenuineIntel") && v0.eax >= 4) {
        for (u32 i = 0; i < 16; i++) {
            x86::Cpuid c = x86::cpuid(4, i);
            if ((c.eax & 0x1f) == 0) break; // no more caches
            u64 bytes = u64((c.ebx >> 22) + 1) * (((c.ebx >> 12) & 0x3ff) + 1) * ((c.ebx & 0xfff) + 1) * (u64(c.ecx) + 1);
            cache_kb = u32(bytes / 1024); // the levels come in increasing order
        }
    } else if (max_ext >= 0x80000006) {
        cache_kb = x86::cpuid(0x80000006).ecx >> 16;
    }
    if (cache_kb) lv::format(put, ctx, "cache size\t: %u KB\n", cache_kb);
    // One package whose cores are the CPUs started (QEMU's default topology); each CPU's
    // APIC ID as the MADT gave it (CPUID here would tell the reading CPU's).
    u32 apic = x86::apic_id_of(unsigned(cpu)), cpus = x86::started_cpus();
    lv::format(put, ctx,
               "physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %d\ncpu cores\t: %u\napicid\t\t: %u\n"
               "initial apicid\t: %u\nfpu\t\t: %s\nfpu_exception\t: %s\ncpuid level\t: %u\nwp\t\t: yes\nflags\t\t:",
               cpus, cpu, cpus, apic, apic, (v1.edx & 1) ? "yes" : "no", (v1.edx & 1) ? "yes" : "no", v0.eax);
    for (const FlagWord& w : kWords) {
        if (w.leaf >= 0x80000000 ? w.leaf > max_ext : w.leaf > v0.eax) continue;
        u32 bits = reg_of(x86::cpuid(w.leaf, w.subleaf), w.reg);
        for (int b = 0; b < 32; b++)
            if ((bits & (1u << b)) && w.names[b]) lv::format(put, ctx, " %s", w.names[b]);
    }
    // bogomips: Linux's loops_per_jiffy on x86 is the TSC's ticks per jiffy.
    u32 clflush = ((v1.ebx >> 8) & 0xff) * 8;
    u32 phys = 36, virt = 48;
    if (max_ext >= 0x80000008) {
        x86::Cpuid a = x86::cpuid(0x80000008);
        phys = a.eax & 0xff;
        virt = (a.eax >> 8) & 0xff;
    }
    lv::format(put, ctx,
               "\nbogomips\t: %lu.%02lu\nclflush size\t: %u\ncache_alignment\t: %u\n"
               "address sizes\t: %u bits physical, %u bits virtual\npower management:\n\n",
               khz / 500, (khz / 5) % 100, clflush, clflush, phys, virt);
}
} // namespace arch
