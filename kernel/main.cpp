// kernel_main: bring-up order of the generic kernel, after the arch's early boot.
#include <arch/interface.h>
#include <drivers/init.h>
#include <fs/ext2/ext2.h>
#include <fs/kernel_api.h>
#include <fs/writeback.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/cpu.h>
#include <kernel/entry.h>
#include <kernel/init.h>
#include <kernel/log.h>
#include <kernel/random.h>
#include <kernel/sched.h>
#include <kernel/work.h>
#include <kernel/smp.h>
#include <kernel/sync/giant.h>
#include <kernel/time.h>
#include <mm/heap.h>
#include <mm/phys.h>
#include <net/inet/config.h>

namespace kernel {
namespace {
arch::BootInfo g_boot; // copied: the arch's BootInfo may live in memory we hand out

void apply_log_level(const char* cmdline) {
    char v[8];
    if (cmdline::flag(cmdline, "quiet")) set_log_level(LogLevel::Warn);
    if (cmdline::get(cmdline, "loglevel", v, sizeof v) && v[0] >= '0' && v[0] <= '3')
        set_log_level(LogLevel(v[0] - '0'));
}

void unpack_initrd() {
    if (!g_boot.initrd_base || !g_boot.initrd_size) {
        log_warn("no initramfs");
        return;
    }
    auto r = fs::unpack_initramfs(static_cast<const u8*>(mm::phys_to_virt(g_boot.initrd_base)), g_boot.initrd_size);
    if (r.is_error()) panic("initramfs: cannot unpack (errno %d)", int(r.error()));
    log_info("initramfs: %lu KiB unpacked", g_boot.initrd_size >> 10);
    // Its frames were not in the usable list; give them to the allocator now.
    PhysAddr b = align_up<u64>(g_boot.initrd_base, mm::kPageSize);
    PhysAddr e = align_down<u64>(g_boot.initrd_base + g_boot.initrd_size, mm::kPageSize);
    if (e > b) mm::free_frames_range(b, (e - b) / mm::kPageSize);
}
} // namespace

const char* boot_cmdline() { return g_boot.cmdline; }

[[noreturn]] void kernel_main(arch::BootInfo& boot) {
    bool heap_check = mm::heap_debug_init(boot.cmdline);
    cpu_init_boot();
    g_boot = boot;
    console::init(g_boot.cmdline);
    apply_log_level(g_boot.cmdline);
    log_info("LevitateOS (%s) starting; command line: %s", arch::kMachineName, g_boot.cmdline);
    if (heap_check) log_info("heap: freed blocks checked for writes on reuse (levitate.heapcheck)");

    static_assert(sizeof(mm::PhysRange) == sizeof(arch::MemRange));
    mm::phys_init(reinterpret_cast<const mm::PhysRange*>(g_boot.usable), g_boot.usable_count,
                  {g_boot.initrd_base, g_boot.initrd_size});
    arch::init_late();
    time::init();
    random::init();
    sched::init();
    work::start(); // deferred work from interrupt handlers (kernel/work.h)
    giant::lock(); // kernel_main runs as a kernel thread from here (kernel/sync/giant.h)
    fs::init();
    unpack_initrd();
    net::inet::init(g_boot.cmdline);
    arch::irq_enable();
    fs::ext2::register_type(); // the filesystem types disks may hold
    drivers::init(); // after fs::init (it adds /dev nodes), with interrupts on (drivers block)
    fs::start_writeback();
    net::inet::attach_net_devices();
    smp::init(g_boot.cmdline);
    run_init();
}
} // namespace kernel
