// Functions shared between the x86_64 layer's files (not part of the arch interface).
#pragma once
#include <kernel/sync/giant.h>
#include <arch/interface.h>
#include <lib/types.h>

namespace arch::x86 {
// cpu/gdt.cpp: each CPU's GDT, TSS and IST stacks (index: the CPU's number)
void gdt_init(unsigned index);
void tss_set_kernel_stack(uptr top); // TSS.rsp0 and the per-CPU SYSCALL stack

// cpu/idt.cpp, cpu/traps.cpp
void idt_init();  // builds the IDT and loads it
void idt_load();  // loads it (the other CPUs)
extern "C" void x86_trap(TrapFrame* f);
// Runs the generic return-to-user work (signals), then vets the frame for IRET.
void prepare_return_to_user(TrapFrame& f);

// cpu/features.cpp
struct Features {
    bool nx, pge, pdpe1gb, smep, smap, umip, rdrand, x2apic, fxsr, sse, xsave, pku;
};
extern Features g_features;
void detect_features();
void enable_cpu_features(); // SSE, SMEP, SMAP, UMIP (init_late)
extern "C" u8 x86_smap_enabled; // read by the user-copy routines before STAC/CLAC

// cpu/fpu.cpp: the user FPU/SIMD state. An area is kFpuAreaMax bytes, 64-byte aligned;
// its first fpu_area_size() bytes are an FXSAVE image (512 bytes) or, with XSAVE, an
// XSAVE image in the standard format (the FXSAVE part, the 64-byte header, then each
// enabled component at the offset CPUID leaf 0xd gives it).
constexpr size_t kFxsaveSize = 512;
constexpr size_t kXsaveHeaderOffset = 512;
constexpr size_t kFpuAreaMax = 2752; // x87, SSE, AVX and AVX-512: 2688 bytes
// XCR0 / XSTATE_BV bits (Linux's XFEATURE_MASK_*).
constexpr u64 kXfeatureX87 = 1, kXfeatureSse = 2, kXfeatureAvx = 4, kXfeatureOpmask = 1 << 5,
              kXfeatureZmmHi256 = 1 << 6, kXfeatureHi16Zmm = 1 << 7, kXfeaturePkru = 1 << 9;
// PKRU for a new program and for a signal handler, as Linux's init_pkru_value: key 0
// open, keys 1-15 access-disabled until the program grants access (pkey_alloc, WRPKRU).
constexpr u32 kPkruDefault = 0x55555554;
void fpu_init();          // CR4.OSXSAVE and XCR0 where the CPU has XSAVE (init_late)
bool xsave_enabled();
u64 xfeatures();          // XCR0: the components an image holds
size_t fpu_area_size();   // bytes of an image (512 without XSAVE)
void fpu_default_image(u8* area);
void fpu_save(u8* area);
void fpu_save_switch(u8* area); // the context switch's save: XSAVEOPT where offered
void fpu_restore(const u8* area);
u32 fpu_mxcsr_mask();
// Makes an image that came from user space (a signal frame) safe for fpu_restore:
// MXCSR's reserved bits cleared and, with XSAVE, the header checked (false: XRSTOR
// would fault on it) and XSTATE_BV limited to `allowed`.
bool fpu_sanitize(u8* area, u64 allowed);

// dev/uart.cpp
void uart_init();
void uart_enable_rx_interrupt() LV_REQUIRES_GIANT;
void uart_handle_interrupt();
void uart_resume_rx(); // console flow control: see arch::console_rx_resume
void uart_flush();
void early_print(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// time/tsc.cpp
void tsc_calibrate();
void tsc_start_checks(); // once ACPI can be read: the later checks of the frequency
void tsc_tick();         // the boot CPU's timer tick, interrupts off
u64 tsc_to_ns(u64 tsc);
u64 tsc_hz();
extern "C" u64 x86_boot_tsc; // TSC at the first instruction (boot/multiboot.S)

// irq/pic.cpp, irq/lapic.cpp, irq/ioapic.cpp
constexpr u8 kVectorPicBase = 0x20; // legacy PIC remapped here (0x20..0x2f), all masked
constexpr u8 kVectorTimer = 0x40;
constexpr u8 kVectorCom1 = 0x41;
constexpr u8 kVectorDeviceFirst = 0x50; // irq/device_irq.cpp hands these out
constexpr u8 kVectorDeviceLast = 0xef;
constexpr u8 kVectorIpi = 0xf0;      // cpu/smp.cpp: arch::send_ipi
constexpr u8 kVectorSpurious = 0xff;
void pic_disable();
void lapic_init();
void lapic_start_timer(unsigned hz); // calibrates it (boot CPU)
void lapic_start_timer_ap();         // the same period on another CPU
// The TSC's frequency was found to be new_tsc_hz, not old_tsc_hz: every CPU's timer is
// reloaded with a period to match at its next tick (lapic_tick, interrupts off).
void lapic_rescale_timer(u64 new_tsc_hz, u64 old_tsc_hz);
void lapic_tick();
void lapic_send_ipi(u32 apic_id, u32 icr_low); // waits until the LAPIC has sent it
void lapic_eoi();
u32 lapic_id();
constexpr unsigned kIoApicLines = 24; // QEMU's IOAPIC (pc and q35)
void ioapic_route(unsigned gsi, u8 vector, u32 apic_id, bool level = false, bool active_low = false);
// irq/device_irq.cpp: runs the callback of a device vector; false if `vector` is not one.
bool device_irq(u64 vector);

// syscall/syscall.cpp
void syscall_init();

// thread/thread.cpp: the running thread's user FS/GS base
void set_user_fs_base(u64 v);
void set_user_gs_base(u64 v);
u64 user_fs_base();
u64 user_gs_base();

// boot/paging.cpp
extern PhysAddr g_kernel_root;

// cpu/smp.cpp: CPU `index`'s APIC ID, and how many CPUs were started (the boot CPU too).
u32 apic_id_of(unsigned index);
unsigned started_cpus();

// cpu/acpi.cpp: the APIC IDs of the enabled CPUs in the ACPI MADT (0 if no MADT).
size_t acpi_local_apics(u32* ids, size_t max);
// The ACPI PM timer's I/O port from the FADT, and its width in `bits` (24 or 32); 0 if
// the machine has none.
u16 acpi_pm_timer(unsigned* bits);
// time/rtc.cpp: the CMOS RTC's seconds (0-59), or -1 while it updates.
int rtc_second();
} // namespace arch::x86
