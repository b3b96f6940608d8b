// The machine as a whole: sysinfo (uptime, memory, load, task count), personality
// and reboot.
#include <kernel/cred.h>
#include <kernel/itimer.h>
#include <kernel/sync/giant.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/time.h>
#include <mm/phys.h>
#include <syscalls/sysinfo.h>

using namespace kernel;

namespace {
// struct sysinfo, 64-bit (sysinfo(2)); the loads are fixed point with 16 fraction bits.
struct LinuxSysinfo {
    i64 uptime;
    u64 loads[3];
    u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    u16 procs, pad;
    u64 totalhigh, freehigh;
    u32 mem_unit;
};
static_assert(sizeof(LinuxSysinfo) == 112);

constexpr u32 PER_LINUX = 0, PER_MASK = 0xff, ADDR_NO_RANDOMIZE = 0x0040000;
// LevitateOS never randomizes the address space, so ADDR_NO_RANDOMIZE (setarch -R) is
// already true; other flags change behaviour we do not have.
constexpr u32 kSupportedPersonality = ADDR_NO_RANDOMIZE;
} // namespace

ErrorOr<long> sys_sysinfo(UserPtr<void> info) {
    LinuxSysinfo s {};
    KTimespec up = time::monotonic_now();
    s.uptime = up.sec + (up.nsec ? 1 : 0); // rounded up, as Linux does
    load_average(s.loads);
    s.totalram = mm::total_memory_bytes();
    s.freeram = mm::free_memory_bytes();
    u32 threads = 0;
    for_each_process([&](Process& p) LV_REQUIRES_GIANT { threads += p.live_threads(); });
    s.procs = u16(threads > 0xffff ? 0xffff : threads); // Linux counts tasks, i.e. threads
    s.mem_unit = 1;
    TRY(mm::copy_to_user(info.addr(), &s, sizeof s));
    return 0;
}

ErrorOr<long> sys_personality(u32 persona) {
    Process& p = current_process();
    u32 old = p.personality();
    if (persona == 0xffffffff) return long(old); // a query
    // FIXME: only Linux's own personality; the others (PER_LINUX32, PER_SVR4, ...) and
    // flags like READ_IMPLIES_EXEC or UNAME26 change how exec and uname behave, which
    // is not implemented: refuse them rather than pretend.
    if ((persona & PER_MASK) != PER_LINUX || (persona & ~PER_MASK & ~kSupportedPersonality)) return Errno::EINVAL;
    p.set_personality(persona);
    return long(old);
}

ErrorOr<long> sys_reboot(u32 magic1, u32 magic2, u32 cmd, UserPtr<void> arg) {
    constexpr u32 MAGIC1 = 0xfee1dead, MAGIC2 = 672274793, MAGIC2A = 85072278, MAGIC2B = 369367448,
                  MAGIC2C = 537993216;
    enum : u32 {
        CMD_RESTART = 0x01234567, CMD_HALT = 0xCDEF0123, CMD_CAD_ON = 0x89ABCDEF, CMD_CAD_OFF = 0x00000000,
        CMD_POWER_OFF = 0x4321FEDC, CMD_RESTART2 = 0xA1B2C3D4, CMD_SW_SUSPEND = 0xD000FCE2,
        CMD_KEXEC = 0x45584543,
    };
    // CAP_SYS_BOOT is checked before the magic numbers (kernel/reboot.c).
    if (!capable(current_process())) return Errno::EPERM;
    if (magic1 != MAGIC1 || (magic2 != MAGIC2 && magic2 != MAGIC2A && magic2 != MAGIC2B && magic2 != MAGIC2C))
        return Errno::EINVAL;
    static bool cad_enabled = true; // Ctrl-Alt-Del reboots (nothing generates it yet)
    switch (cmd) {
    case CMD_CAD_ON: cad_enabled = true; return 0;
    case CMD_CAD_OFF: cad_enabled = false; return 0;
    case CMD_HALT:
    case CMD_POWER_OFF:
        log_info("reboot: power off (%s)", cmd == CMD_HALT ? "halt" : "power off");
        arch::poweroff();
    case CMD_RESTART:
    case CMD_RESTART2: // the command string argument (RESTART2) is for firmware that takes one
        log_info("reboot: restart");
        arch::reboot();
    case CMD_SW_SUSPEND: // no hibernation
    case CMD_KEXEC:      // no kexec image is ever loaded
    default:
        (void)cad_enabled;
        return Errno::EINVAL;
    }
}
