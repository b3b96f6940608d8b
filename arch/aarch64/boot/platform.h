// What the aarch64 layer learns from the device tree at boot, once.
#pragma once
#include <arch/interface.h>
#include <lib/fdt.h>

namespace arch {
enum class PsciMethod { None, Hvc, Smc };

struct Board {
    static constexpr size_t kMaxRam = 16;
    static constexpr size_t kMaxReserved = 32;
    MemRange ram[kMaxRam];
    size_t ram_count = 0;
    MemRange reserved[kMaxReserved]; // /memreserve/ and /reserved-memory
    size_t reserved_count = 0;
    PhysAddr dtb_phys = 0;
    u32 dtb_size = 0;
    PhysAddr initrd_start = 0, initrd_end = 0;
    const char* bootargs = "";       // points into the DTB (valid while it is mapped)
    size_t bootargs_len = 0;

    PhysAddr uart_base = 0;          // PL011
    u64 uart_size = 0;
    u32 uart_irq = 0;                // GIC INTID, 0 if unknown
    int gic_version = 0;             // 2 or 3, 0 if none found
    PhysAddr gicd_base = 0, gicc_base = 0, gicr_base = 0; // gicc: v2; gicr: v3
    u64 gicd_size = 0, gicc_size = 0, gicr_size = 0;
    u32 timer_virt_irq = 27, timer_phys_irq = 30; // GIC INTIDs (PPIs)
    PhysAddr rtc_base = 0;           // PL031
    PsciMethod psci = PsciMethod::None;

    // The CPUs of /cpus (device_type "cpu", status okay), in device-tree order: their
    // MPIDR affinity fields (Aff0-Aff2 in bits 23:0, Aff3 in bits 39:32), as "reg" says.
    static constexpr size_t kMaxCpus = 16;
    u64 cpu_mpidr[kMaxCpus];
    size_t cpu_count = 0;
};

Board& board();
// Fills board() from a DTB reachable at `fdt`.
bool parse_platform(const lv::fdt::Fdt& fdt, PhysAddr dtb_phys);
} // namespace arch
