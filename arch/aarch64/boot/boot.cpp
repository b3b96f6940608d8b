// The first C++ code at the high address (called from boot/head.S): read the device
// tree, map RAM and devices, bring up the console, describe free memory, and hand
// over to the generic kernel.
#include "../cpu/cpu.h"
#include "../dev/pl011.h"
#include "../dev/timer.h"
#include "../mm/kernel_map.h"
#include "../trap/traps.h"
#include "memmap.h"
#include "platform.h"
#include <kernel/entry.h>
#include <kernel/log.h>
#include <lib/fdt.h>
#include <lib/string.h>

extern "C" {
using LvCtor = void (*)();
extern LvCtor __init_array_start[], __init_array_end[];
}

namespace arch {
namespace {
BootInfo g_boot_info;

void run_global_constructors() {
    for (LvCtor* c = __init_array_start; c != __init_array_end; c++) (*c)();
}

[[noreturn]] void stop() {
    for (;;) asm volatile("wfi");
}

void sort_ranges(BootInfo& info) {
    for (size_t i = 1; i < info.usable_count; i++)
        for (size_t j = i; j > 0 && info.usable[j - 1].base > info.usable[j].base; j--) {
            MemRange t = info.usable[j];
            info.usable[j] = info.usable[j - 1];
            info.usable[j - 1] = t;
        }
}

void build_boot_info(BootInfo& info, const Board& pl) {
    for (size_t i = 0; i < pl.ram_count; i++) boot::add_range(info, pl.ram[i].base, pl.ram[i].length);
    PhysAddr load = kmap::load_phys();
    boot::exclude_range(info, load, kmap::image_phys_end() - load); // image, tables, boot stack
    boot::exclude_range(info, pl.dtb_phys, pl.dtb_size);
    boot::exclude_range(info, pl.initrd_start, pl.initrd_end - pl.initrd_start);
    for (size_t i = 0; i < pl.reserved_count; i++)
        boot::exclude_range(info, pl.reserved[i].base, pl.reserved[i].length);
    sort_ranges(info);
    info.initrd_base = pl.initrd_start;
    info.initrd_size = pl.initrd_end - pl.initrd_start;
    size_t n = min(pl.bootargs_len, sizeof(info.cmdline) - 1);
    memcpy(info.cmdline, pl.bootargs, n);
    info.cmdline[n] = 0;
}
} // namespace
} // namespace arch

using namespace arch;

extern "C" [[noreturn]] void aarch64_boot_main(PhysAddr dtb_phys, PhysAddr load_phys, u64 entry_count) {
    run_global_constructors(); // before any global is filled in below
    kmap::init(load_phys);
    // The DTB is still reached through the identity map that head.S set up.
    lv::fdt::Fdt fdt;
    u32 size = lv::fdt::Fdt::total_size_of(reinterpret_cast<const void*>(dtb_phys));
    if (!dtb_phys || !fdt.init(reinterpret_cast<const void*>(dtb_phys), size) || !parse_platform(fdt, dtb_phys))
        stop(); // no console known yet: nothing to say it with
    Board& pl = board();
    for (size_t i = 0; i < pl.ram_count; i++) kmap::map_ram(pl.ram[i].base, pl.ram[i].length);
    if (pl.uart_base) pl011::init(kmap::map_mmio(pl.uart_base, pl.uart_size ? pl.uart_size : 0x1000));
    // From here on the DTB is read through the direct map (it lies in RAM).
    fdt.init(kmap::phys_to_ptr<const void>(dtb_phys), size);
    pl.bootargs = pl.bootargs ? reinterpret_cast<const char*>(kmap::phys_to_virt(
                                    reinterpret_cast<u64>(pl.bootargs))) : "";
    kmap::drop_identity_map();
    traps_init();
    timer::init_clock(entry_count);

    BootInfo& info = g_boot_info;
    info.boot_start_ns = timer::counter_to_ns(entry_count);
    build_boot_info(info, pl);
    cpu::init_early();
    log_info("aarch64: kernel at phys 0x%lx, DTB at 0x%lx (%u bytes), GICv%d, PSCI %s, %s", load_phys,
             dtb_phys, pl.dtb_size, pl.gic_version,
             pl.psci == PsciMethod::Hvc ? "hvc" : pl.psci == PsciMethod::Smc ? "smc" : "none", cpu::describe());
    kernel::kernel_main(info);
}
