// Interrupt and exception dispatch (entered from cpu/vectors.S with a TrapFrame).
//
// Exceptions from user mode become signals with Linux's signal numbers and si_code
// values (arch/x86/kernel/traps.c); from kernel mode they are bugs and panic, except
// page faults inside the user-copy routines, which resume at the routine's fixup.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <mm/kernel_stack.h>
#include <kernel/cpu.h>
#include <kernel/entry.h>
#include <kernel/log.h>
#include <lib/format.h>

namespace arch::x86 {
namespace {
// Linux signal numbers and si_code values (include/uapi/asm-generic/siginfo.h).
constexpr int SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11;
constexpr int ILL_ILLOPN = 2, FPE_INTDIV = 1, FPE_FLTDIV = 3, FPE_FLTOVF = 4,
              FPE_FLTUND = 5, FPE_FLTRES = 6, FPE_FLTINV = 7, SEGV_MAPERR = 1,
              SEGV_ACCERR = 2, SEGV_PKUERR = 4, BUS_ADRALN = 1, TRAP_TRACE = 2, SI_KERNEL = 0x80;

// Page-fault error code bits.
constexpr u64 kPfPresent = 1, kPfWrite = 2, kPfUser = 4, kPfReserved = 8, kPfFetch = 16, kPfPkey = 32;

const char* const kExceptionNames[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
    "invalid opcode", "device not available", "double fault", "coprocessor overrun",
    "invalid TSS", "segment not present", "stack-segment fault", "general protection",
    "page fault", "reserved 15", "x87 floating-point", "alignment check", "machine check",
    "SIMD floating-point", "virtualization", "control protection", "reserved 22",
    "reserved 23", "reserved 24", "reserved 25", "reserved 26", "reserved 27",
    "hypervisor injection", "VMM communication", "security", "reserved 31"};

[[noreturn]] void kernel_fault(const TrapFrame& f, const char* what, u64 addr) {
    // A fault on a kernel stack's guard page (mm/kernel_stack.h) becomes a double fault,
    // handled on its IST stack: say what it is.
    if (mm::in_kernel_stack_guard(f.rsp) || (f.vector == 14 && mm::in_kernel_stack_guard(addr)))
        what = "kernel stack overflow";
    char buf[640];
    lv::snprintf(buf, sizeof(buf),
                 "%s in kernel mode (vector %lu, error 0x%lx, address 0x%lx)\n"
                 "  rip %016lx  rsp %016lx  rflags %08lx  cs %lx ss %lx\n"
                 "  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n"
                 "  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n"
                 "  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n"
                 "  r13 %016lx  r14 %016lx  r15 %016lx  cr3 %016lx",
                 what, f.vector, f.error_code, addr, f.rip, f.rsp, f.rflags, f.cs, f.ss,
                 f.rax, f.rbx, f.rcx, f.rdx, f.rsi, f.rdi, f.rbp, f.r8, f.r9, f.r10, f.r11,
                 f.r12, f.r13, f.r14, f.r15, read_cr3());
    kernel::panic_at(f.rip, f.rbp, "%s", buf);
}

// Which exception flag raised an x87 (#MF) or SSE (#XM) fault, as Linux's
// fpu__exception_code(): invalid, then divide-by-zero, overflow, underflow/denormal,
// precision. `err` holds the unmasked flags that are set.
int fpu_si_code(u32 err) {
    if (err & 0x001) return FPE_FLTINV;
    if (err & 0x004) return FPE_FLTDIV;
    if (err & 0x008) return FPE_FLTOVF;
    if (err & 0x012) return FPE_FLTUND;
    if (err & 0x020) return FPE_FLTRES;
    return 0;
}
int x87_si_code() {
    u16 sw, cw;
    asm volatile("fnstsw %0; fnstcw %1" : "=m"(sw), "=m"(cw));
    return fpu_si_code(sw & ~(cw & 0x3f));
}
int sse_si_code() {
    u32 mxcsr;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    return fpu_si_code(~(mxcsr >> 7) & mxcsr & 0x3f);
}

// User copies (mm/usercopy.S) list the instructions that may fault and where to go.
struct Fixup {
    u64 start, end, target;
};
extern "C" const Fixup __usercopy_fixups_start[], __usercopy_fixups_end[];
u64 find_fixup(u64 rip) {
    for (const Fixup* x = __usercopy_fixups_start; x != __usercopy_fixups_end; x++)
        if (rip >= x->start && rip < x->end) return x->target;
    return 0;
}

void page_fault(TrapFrame& f) {
    u64 addr = read_cr2(); // before interrupts are back on: a nested fault would change it
    kernel::FaultAccess access;
    access.write = f.error_code & kPfWrite;
    access.exec = f.error_code & kPfFetch;
    access.user_mode = f.error_code & kPfUser;
    access.present = f.error_code & kPfPresent;
    access.pkey = f.error_code & kPfPkey;
    if (f.error_code & kPfReserved) kernel_fault(f, "page fault on a reserved bit", addr);

    if (f.from_user()) {
        irq_enable();
        kernel::user_page_fault(f, addr, access,
                                access.pkey ? SEGV_PKUERR : access.present ? SEGV_ACCERR : SEGV_MAPERR);
        return;
    }
    u64 fixup = find_fixup(f.rip);
    if (!fixup || addr >= kUserTop) kernel_fault(f, "page fault", addr);
    // A user copy touched a page that is not (yet) there: demand paging may fix it.
    if (f.rflags & kRflagsIf) irq_enable();
    bool resolved = kernel::handle_page_fault(addr, access);
    irq_disable();
    if (!resolved) f.rip = fixup;
}

void user_exception(TrapFrame& f) {
    irq_enable();
    switch (f.vector) {
    case 0: kernel::user_fault(f, SIGFPE, FPE_INTDIV, f.rip); break;
    case 1: kernel::user_fault(f, SIGTRAP, TRAP_TRACE, f.rip); break;
    case 3: kernel::user_fault(f, SIGTRAP, SI_KERNEL, 0); break;
    case 6: kernel::user_fault(f, SIGILL, ILL_ILLOPN, f.rip); break;
    case 9: kernel::user_fault(f, SIGFPE, SI_KERNEL, 0); break;
    case 11: // #NP and #SS are SIGBUS on Linux (exc_segment_not_present, exc_stack_segment)
    case 12: kernel::user_fault(f, SIGBUS, SI_KERNEL, 0); break;
    case 16: kernel::user_fault(f, SIGFPE, x87_si_code(), f.rip); break;
    case 17: kernel::user_fault(f, SIGBUS, BUS_ADRALN, 0); break;
    case 19: kernel::user_fault(f, SIGFPE, sse_si_code(), f.rip); break;
    default: // #OF #BR #TS #GP #CP and the rest
        kernel::user_fault(f, SIGSEGV, SI_KERNEL, 0);
        break;
    }
}

void exception(TrapFrame& f) {
    if (f.vector == 2) return; // NMI: nothing raises one on purpose; ignore it
    if (f.from_user()) return user_exception(f);
    // #DB in kernel mode: the single-step trap of a SYSCALL executed with TF set (the
    // SYSCALL mask cleared TF, so there is no second one). Nothing to do.
    if (f.vector == 1) return;
    kernel_fault(f, kExceptionNames[f.vector], f.vector == 14 ? read_cr2() : 0);
}
} // namespace

void prepare_return_to_user(TrapFrame& f) {
    constexpr u64 kUserFlags = kRflagsCf | (1u << 2) | (1u << 4) | (1u << 6) | (1u << 7) |
                               kRflagsTf | kRflagsDf | (1u << 11) | kRflagsNt | kRflagsRf |
                               kRflagsAc | kRflagsId;
    for (;;) {
        irq_enable();
        kernel::before_return_to_user(f);
        irq_disable();
        // Whatever generic code (signal delivery, sigreturn) put in the frame, IRET
        // must not fault in kernel mode: user selectors, no IOPL, IF on.
        f.cs = SEL_USER_CS;
        f.ss = SEL_USER_DS;
        f.rflags = (f.rflags & kUserFlags) | kRflagsIf | kRflagsFixed;
        if (f.rip < (1ull << 47)) return;
        // A non-canonical RIP (from sigreturn) would fault on IRET; Linux delivers
        // SIGSEGV instead.
        irq_enable();
        kernel::user_fault(f, SIGSEGV, SI_KERNEL, 0);
    }
}

namespace {
void interrupt(TrapFrame& f) {
    if (f.vector == kVectorIpi) { // takes no lock: not an IrqContext
        lapic_eoi();
        kernel::handle_ipi();
        return;
    }
    if (f.vector == kVectorTimer) {
        kernel::IrqContext tick;
        lapic_eoi(); // first: the tick may switch to another thread
        if (kernel::this_cpu().id == 0) tsc_tick();
        lapic_tick();
        kernel::handle_timer_tick(f);
        return;
    }
    kernel::IrqContext irq; // no giant lock: what needs it is deferred (kernel/work.h)
    if (f.vector == kVectorCom1) {
        uart_handle_interrupt();
        lapic_eoi();
    } else if (device_irq(f.vector)) {
        lapic_eoi();
    } else if (f.vector == kVectorSpurious || (f.vector >= kVectorPicBase && f.vector < kVectorPicBase + 16)) {
        // LAPIC spurious vector, or a spurious IRQ 7/15 from the masked PIC: no EOI.
    } else {
        lapic_eoi();
    }
}
} // namespace

extern "C" void x86_trap(TrapFrame* frame) {
    TrapFrame& f = *frame;
    if (f.vector == 14) {
        page_fault(f);
    } else if (f.vector < 32) {
        exception(f);
    } else {
        interrupt(f);
    }
    if (f.from_user()) prepare_return_to_user(f);
}
} // namespace arch::x86
