// The architecture boundary, stated once.
//
// Generic code (kernel/, mm/, fs/, syscalls/) includes only this header and the
// per-arch headers it names; each architecture implements them under arch/<name>/,
// and the build picks the folder (its include/ directory provides <arch/config.h>,
// <arch/frame.h>, <arch/context.h>, <arch/pte.h>, <arch/syscall_table.inc>,
// <arch/abi.h>). Generic code never has an #ifdef on the architecture.
//
// Calls in the other direction, from arch code into the generic kernel, are declared
// in kernel/entry.h.
#pragma once
#include <lib/types.h>

#include <arch/config.h>  // constants: kPageSize, kUserTop, kDirectMapBase, kElfMachine, ...
#include <arch/context.h> // struct arch::Context, struct arch::ThreadState
#include <arch/frame.h>   // struct arch::TrapFrame

namespace arch {

// ---------------------------------------------------------------- boot handoff
struct MemRange {
    PhysAddr base;
    u64 length;
};

// What the arch's boot code hands to kernel_main(). By then the arch has: switched to
// the higher-half kernel mapping, mapped all RAM at kDirectMapBase, installed its
// exception vectors, brought up the console, and disabled interrupts.
struct BootInfo {
    static constexpr size_t kMaxRanges = 64;
    // RAM free for the frame allocator: excludes the kernel image, the initrd, the
    // boot page tables, firmware tables and anything else still in use.
    MemRange usable[kMaxRanges];
    size_t usable_count = 0;
    PhysAddr initrd_base = 0; // 0 if none; physical, reachable via the direct map
    u64 initrd_size = 0;
    char cmdline[1024] = {}; // kernel command line, copied, NUL-terminated
    u64 boot_start_ns = 0;   // monotonic_ns() when the arch's boot code began (0 if unknown)
};

// Second stage, called by kernel_main() once the frame allocator and heap work:
// interrupt controller, timer calibration, CPU feature enabling (SMEP/SMAP/PAN,
// FPU/SIMD), the periodic timer (calls kernel::handle_timer_tick() at kTimerHz;
// started but masked until interrupts are enabled).
void init_late();
constexpr unsigned kTimerHz = 100;

// ---------------------------------------------------------------- CPU control
using IrqState = u64;
IrqState irq_save();             // disable interrupts, return the previous state
void irq_restore(IrqState s);
void irq_enable();
void irq_disable();
void wait_for_interrupt();       // enable interrupts and sleep until one arrives (atomically)
void cpu_relax();                // in a spin-wait loop (x86 PAUSE, arm YIELD)
[[noreturn]] void halt_forever(); // interrupts off, stop this CPU
// The calling CPU's kernel data (a kernel::Cpu), kept in a CPU register so that every
// CPU finds its own with one load: x86_64 the per-CPU area at GS, aarch64 TPIDR_EL1.
// Null until set_cpu_local() runs on that CPU (the arch clears it before kernel_main).
void set_cpu_local(void* cpu);
void* cpu_local();
[[noreturn]] void poweroff();     // power the machine off (isa-debug-exit / ACPI / PSCI)
[[noreturn]] void reboot();       // reset the machine (reset register / PSCI SYSTEM_RESET)

// ---------------------------------------------------------------- other CPUs
// The CPUs the platform describes (x86_64: the enabled local APICs of the ACPI MADT;
// aarch64: the device tree's cpus node), the boot CPU first, at most `max` of them.
// Called once on the boot CPU, after init_late.
unsigned discover_cpus(unsigned max);
// Starts CPU `index` (0 < index < discover_cpus()) on the stack ending at `stack_top`,
// with cpu_local() = `cpu`. The CPU sets itself up (descriptor tables or exception
// vectors, the kernel's page tables, its interrupt controller interface, its timer,
// masked until it enables interrupts) and calls kernel::secondary_main(). False if it
// did not start.
bool start_cpu(unsigned index, void* cpu, uptr stack_top);
// Interrupts CPU `index` (as numbered above; 0 is the boot CPU): it calls
// kernel::handle_ipi(), and an idle CPU wakes up.
void send_ipi(unsigned index);

// ---------------------------------------------------------------- time
u64 monotonic_ns();     // since an arbitrary point at boot; never goes backwards
u64 rtc_unix_seconds(); // wall clock read from the platform RTC (0 if there is none)

// ---------------------------------------------------------------- console (primary UART)
void console_write(const char* s, size_t n); // blocking, raw bytes, usable from any context
// Received bytes are delivered by calling kernel::console_rx() from interrupt context
// (from a UART receive interrupt, or by polling in the timer tick). Flow control: the
// arch stops taking bytes out of the UART while kernel::console::rx_full() is true, with
// its receive interrupt masked, so the UART and QEMU hold the input instead of losing it;
// console_rx_resume() (called once there is room again) unmasks it and takes what waits.
void console_rx_resume();

// ---------------------------------------------------------------- paging
// Generic code walks 4-level, 4 KiB-granule page tables itself (mm/page_table.cpp)
// using the entry encoding in <arch/pte.h>. These hooks cover what differs:
void init_user_root(PhysAddr root);     // a fresh, zeroed top-level table for a process
void activate_user_root(PhysAddr root); // switch the user half (CR3 / TTBR0_EL1 + TLB flush);
                                        // root 0 = no user half (kernel threads): the kernel's own tables
// After changing or removing a present entry of the tables under `root` (a user root,
// or kernel_root() for a kernel mapping: mm/kernel_stack.cpp): every CPU that may cache
// the old entry drops it before this returns.
void flush_tlb_page(PhysAddr root, VirtAddr va);
// The same for every page of the range [start, end) (page-aligned) under `root`, as one
// request to the other CPUs; a long user range drops every user entry instead.
void flush_tlb_range(PhysAddr root, VirtAddr start, VirtAddr end);
// Ranges longer than this many pages are flushed whole (Linux's
// tlb_single_page_flush_ceiling).
constexpr u64 kTlbFlushAllPages = 33;
// The top-level table of the kernel half (x86_64: the kernel's PML4, whose upper-half
// PDPTs every address space shares; aarch64: TTBR1's). Tables that generic code adds
// below it (kernel stacks) are seen by every address space at once.
PhysAddr kernel_root();

// ---------------------------------------------------------------- threads
// Kernel context switch. context_init prepares `c` so that the first switch to it calls
// entry(arg) on the given stack, with interrupts still off as the switch left them (the
// scheduler turns them on once it is done); entry must never return.
void context_init(Context& c, uptr stack_top, void (*entry)(void*), void* arg);
void context_switch(Context& from, Context& to);

// Per-thread state the arch owns (FPU/SIMD registers, TLS register): initialise it for a
// new user thread, and switch it along with the kernel context. `next_kstack_top` is
// where the next thread's TrapFrame lives on entry from user mode.
void thread_state_init(ThreadState& s);
void thread_state_copy(ThreadState& dst, const ThreadState& src); // for fork/clone
void thread_switch(ThreadState& prev, ThreadState& next, uptr next_kstack_top);
void set_thread_pointer(ThreadState& s, u64 tp); // FS base / TPIDR_EL0 (clone CLONE_SETTLS)

// User mode. The TrapFrame of a thread always sits at the top of its kernel stack:
// frame = (TrapFrame*)(kstack_top - sizeof(TrapFrame)).
void init_user_frame(TrapFrame& f, VirtAddr entry, VirtAddr user_sp);
[[noreturn]] void enter_user(TrapFrame* f); // restore f and drop to user mode

// ---------------------------------------------------------------- signals
// What the generic kernel decided for delivering one signal to a user handler.
struct SignalFrameRequest {
    int signo;
    const u8* siginfo;  // 128 bytes: the Linux siginfo_t to place in the frame
    u64 handler;        // sa_handler / sa_sigaction
    u64 flags;          // sa_flags (SA_SIGINFO, SA_ONSTACK, SA_RESTORER, ...)
    u64 restorer;       // return address for the handler: sa_restorer if SA_RESTORER, else the
                        // process's sigreturn trampoline (see sigreturn_trampoline)
    u64 saved_mask;     // uc_sigmask: the mask rt_sigreturn restores
    u64 stack_top;      // build the frame below this address (the user sp, or the altstack top)
    u64 stack_limit;    // nor below this one (the altstack's base when the frame goes on it,
                        // else 0): a frame that does not fit fails (SIGSEGV), as on Linux
    u64 altstack_sp, altstack_size; // uc_stack (size 0: none)
    int altstack_flags;             // uc_stack.ss_flags (SS_ONSTACK when running on it, SS_DISABLE)
};
// Builds Linux's rt_sigframe for this arch (x86_64: pretcode, ucontext, siginfo, FXSAVE
// state; aarch64: siginfo, ucontext with fpsimd_context, frame record) on the user stack
// through mm::copy_to_user, saving the current registers from f and the FP/SIMD state,
// then points f at the handler (signo, &info, &uc as arguments; return address = restorer).
// False if the user stack is not writable (the caller then kills with SIGSEGV).
[[nodiscard]] bool setup_signal_frame(TrapFrame& f, const SignalFrameRequest& r);
// The most stack a signal frame can take, alignment included: AT_MINSIGSTKSZ (Linux's
// get_sigframe_size / signal_minsigstksz), which glibc's sysconf(_SC_MINSIGSTKSZ) and
// _SC_SIGSTKSZ report, so that an alternate stack sized from them holds the frame.
size_t signal_frame_max();
// rt_sigreturn: reads the frame that setup_signal_frame built (at the user sp as the
// handler returned), restores the registers and the FP/SIMD state, and reports uc_sigmask.
// False if the frame cannot be read or is invalid (the caller kills with SIGSEGV).
[[nodiscard]] bool restore_signal_frame(TrapFrame& f, u64& saved_mask);
// Rewinds f so that the interrupted syscall is made again on return to user mode (SA_RESTART):
// back over the syscall instruction, with the original first argument/number restored.
void restart_syscall(TrapFrame& f);
// Machine code of a user-mode trampoline that calls rt_sigreturn; exec maps it in every
// process (aarch64 libcs do not pass SA_RESTORER; Linux uses its vDSO for the same purpose).
const u8* sigreturn_trampoline(size_t& size);

// ---------------------------------------------------------------- user memory
// Raw fault-tolerant copies. The caller (lib UserPtr helpers, mm/usercopy.cpp) has
// already checked that the whole user range lies below kUserTop. These lift SMAP/PAN
// only for the duration of the copy and return false if any access faulted (after the
// generic page-fault handler could not resolve it).
[[nodiscard]] bool copy_from_user(void* dst, const void* user_src, size_t n);
[[nodiscard]] bool copy_to_user(void* user_dst, const void* src, size_t n);
[[nodiscard]] bool clear_user(void* user_dst, size_t n);
// Copies a NUL-terminated string of at most `max` bytes (including the NUL). Returns its
// length without the NUL; `max` if no NUL was found within max bytes; -1 on fault.
[[nodiscard]] isize strncpy_from_user(char* dst, const char* user_src, size_t max);

// ---------------------------------------------------------------- devices (drivers/)
// Maps device registers [base, base + size) uncached into the kernel half and returns
// their kernel address; null if it cannot (out of table memory, or the range is RAM).
void* map_mmio(PhysAddr base, u64 size);
// Orders this CPU's accesses to memory shared with devices (virtqueues) and to device
// registers: everything before it is visible to the device before anything after it.
void io_barrier();

// Device interrupts. Callbacks run in interrupt context with interrupts disabled and
// without the giant lock (kernel/entry.h's IrqContext): they take their own spinlocks,
// wake threads (WaitQueue::wake_all) and queue work for what needs the giant lock (the
// net stack, signals: kernel/work.h), but never block.
using IrqCallback = void (*)(void* ctx);
// A wired interrupt line: a GIC INTID (aarch64) or an IOAPIC GSI (x86_64). False if the
// line is out of range or taken.
[[nodiscard]] bool register_irq_line(u32 line, bool edge, IrqCallback cb, void* ctx);
// Message-signalled interrupts (PCI MSI/MSI-X): a new interrupt that calls cb(ctx); the
// device raises it by writing `data` (32 bits) to `address`. False when the platform has
// none left (or none at all: aarch64 without a GIC ITS).
struct MsiMessage {
    u64 address;
    u32 data;
};
[[nodiscard]] bool alloc_msi(IrqCallback cb, void* ctx, MsiMessage& out);

// PCI configuration space, by whatever mechanism the platform has (x86_64: ports
// 0xCF8/0xCFC). pci_available() is false where the arch offers no PCI (aarch64 today:
// its virtio devices are virtio-mmio). Offsets are 4-byte aligned, below 256.
bool pci_available();
u32 pci_config_read(u8 bus, u8 dev, u8 fn, u16 offset);
void pci_config_write(u8 bus, u8 dev, u8 fn, u16 offset, u32 value);
// Physical addresses free for memory BARs that firmware left unassigned.
bool pci_mmio_window(PhysAddr& base, u64& size);

// Memory-mapped devices the platform describes (aarch64: device-tree nodes; x86_64:
// none). Fills up to `max` entries whose "compatible" lists `compatible`; returns how many.
struct PlatformDevice {
    PhysAddr base;
    u64 size;
    u32 irq;   // a line for register_irq_line, 0 if none
    bool edge; // its trigger mode
};
size_t platform_devices(const char* compatible, PlatformDevice* out, size_t max);

// ---------------------------------------------------------------- CPU identity
u64 hwcap();             // AT_HWCAP
u64 hwcap2();            // AT_HWCAP2
const char* platform();  // AT_PLATFORM ("x86_64" / "aarch64")

// Memory protection keys (pkeys(7)). How many keys the CPU offers and the kernel manages
// (x86_64 with PKU: 16, key 0 being every page's default; 0 where there are none: then
// pkey_alloc has nothing to give). A key travels in PageFlags::pkey.
unsigned pkey_count();
// The calling thread's rights for `key` (< pkey_count()): Linux's PKEY_DISABLE_ACCESS (1)
// and PKEY_DISABLE_WRITE (2) bits, in the live register (x86: PKRU, part of the thread's
// XSAVE state).
void pkey_set_rights(unsigned key, unsigned rights);
// prctl(PR_SVE_SET_VL) (`set`, with its argument) and prctl(PR_SVE_GET_VL) for the
// calling thread: the result, or a negative errno (EINVAL where there is no SVE).
long sve_vl_prctl(bool set, u64 arg);
bool hardware_random(u64& out); // RDRAND / RNDR; false if the CPU has none
// /proc/cpuinfo's block for CPU `cpu`, in Linux's format for the architecture (its
// show_cpuinfo), ending with the blank line, written to `put` (lib/format.h's sink).
void cpuinfo(int cpu, void (*put)(void* ctx, char c), void* ctx);
} // namespace arch
