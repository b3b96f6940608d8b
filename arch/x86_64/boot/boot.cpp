// The C++ side of the x86_64 boot: from the Multiboot handoff (boot/multiboot.S) to
// kernel::kernel_main().
#include "boot.h"
#include <arch/x86/cpu.h>
#include <arch/x86/image.h>
#include <arch/x86/internal.h>
#include <arch/x86/percpu.h>
#include <kernel/entry.h>
#include <lib/string.h>

namespace arch::x86 {
namespace {
// Multiboot 1 structures (the Multiboot Specification 0.6.96, section 3.3).
struct MultibootInfo {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    u32 syms[4];
    u32 mmap_length, mmap_addr;
    u32 drives_length, drives_addr, config_table, boot_loader_name;
};
struct MultibootModule {
    u32 start, end, string, reserved;
};
struct LV_PACKED MultibootMmapEntry {
    u32 size; // of the rest of the entry; the next one starts at +size+4
    u64 base, length;
    u32 type;
};
constexpr u32 kMbFlagCmdline = 1u << 2;
constexpr u32 kMbFlagModules = 1u << 3;
constexpr u32 kMbFlagMmap = 1u << 6;
constexpr u32 kMbFlagLoaderName = 1u << 9;
constexpr u32 kMmapRam = 1, kMmapAcpiReclaimable = 3, kMmapAcpiNvs = 4;

BootInfo g_boot;

// Until paging_init the boot tables map the first 4 GiB at the direct-map base, and
// Multiboot data always lies below 4 GiB.
template <typename T>
const T* phys(PhysAddr p) { return reinterpret_cast<const T*>(kDirectMapBase + p); }

// QEMU's Multiboot loader puts the image path before the kernel command line; GRUB 2
// does not. Drop a first word that is QEMU's, or that looks like a path.
void copy_cmdline(const char* s, bool from_qemu) {
    const char* end = s;
    bool slash = false, equals = false;
    for (; *end && *end != ' '; end++) {
        slash |= *end == '/';
        equals |= *end == '=';
    }
    if (from_qemu || (slash && !equals)) {
        s = end;
        while (*s == ' ') s++;
    }
    size_t n = strnlen(s, sizeof(g_boot.cmdline) - 1);
    memcpy(g_boot.cmdline, s, n);
    g_boot.cmdline[n] = 0;
}

void parse_multiboot(u32 info_phys, RangeList& mapped, RangeList& usable) {
    const auto* info = phys<MultibootInfo>(info_phys);
    bool from_qemu = (info->flags & kMbFlagLoaderName) &&
                     strncmp(phys<char>(info->boot_loader_name), "qemu", 4) == 0;
    if (info->flags & kMbFlagCmdline) copy_cmdline(phys<char>(info->cmdline), from_qemu);
    if (!(info->flags & kMbFlagMmap)) {
        // FIXME: fall back to mem_lower/mem_upper; every loader we use gives a map.
        early_print("LevitateOS: the boot loader gave no memory map\n");
        halt_forever();
    }
    for (u32 off = 0; off < info->mmap_length;) {
        const auto* e = phys<MultibootMmapEntry>(info->mmap_addr + off);
        if (e->type == kMmapRam) usable.add(e->base, e->length);
        if (e->type == kMmapRam || e->type == kMmapAcpiReclaimable || e->type == kMmapAcpiNvs)
            mapped.add(e->base, e->length);
        off += e->size + 4;
    }
    // The first MiB holds firmware data (real-mode IVT, EBDA, qboot/SeaBIOS); the
    // image, and every module, stay in use.
    usable.subtract(0, 0x100000);
    usable.subtract(uptr(__kernel_phys_start), uptr(__kernel_phys_end) - uptr(__kernel_phys_start));
    if (info->flags & kMbFlagModules) {
        const auto* mods = phys<MultibootModule>(info->mods_addr);
        for (u32 i = 0; i < info->mods_count; i++) {
            PhysAddr b = align_down(PhysAddr(mods[i].start), PhysAddr(kPageSize));
            PhysAddr e = align_up(PhysAddr(mods[i].end), PhysAddr(kPageSize));
            usable.subtract(b, e - b);
        }
        if (info->mods_count > 0) { // the first module is the initrd
            g_boot.initrd_base = mods[0].start;
            g_boot.initrd_size = mods[0].end - mods[0].start;
        }
    }
    usable.page_align();
}

void run_global_constructors() {
    for (LvCtor* c = __init_array_start; c != __init_array_end; c++) (*c)();
}
} // namespace

extern "C" [[noreturn]] void x86_boot_main(u32 magic, u32 info_phys) {
    // First: GCC may initialise globals (g_boot among them) dynamically.
    run_global_constructors();
    percpu_early_init(0); // arch::cpu_local() reads through GS
    uart_init();
    detect_features();
    gdt_init(0);
    idt_init();
    tsc_calibrate();

    RangeList mapped, usable;
    parse_multiboot(info_phys, mapped, usable);
    paging_init(mapped, usable);
    for (size_t i = 0; i < usable.count(); i++) g_boot.usable[i] = usable[i];
    g_boot.usable_count = usable.count();

    syscall_init();
    g_boot.boot_start_ns = tsc_to_ns(x86_boot_tsc);
    kernel::kernel_main(g_boot);
}
} // namespace arch::x86
