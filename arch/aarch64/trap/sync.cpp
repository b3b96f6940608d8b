// Synchronous exceptions: system calls, faults and traps from user mode, faults in the
// kernel (user-copy fixups, otherwise panic).
#include "../cpu/percpu.h"
#include "../cpu/sve.h"
#include "esr.h"
#include "traps.h"
#include <kernel/entry.h>
#include <kernel/log.h>
#include <kernel/signal.h>

namespace arch {
namespace {
// si_code values (include/uapi/asm-generic/siginfo.h).
enum : int {
    ILL_ILLOPC = 1, FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6,
    FPE_FLTINV = 7, FPE_FLTUNK = 14, SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1,
    BUS_OBJERR = 3, TRAP_BRKPT = 1, TRAP_TRACE = 2, TRAP_HWBKPT = 4,
};

void irq_on() { asm volatile("msr daifclr, #2" ::: "memory"); }

// Interrupts as they were in the interrupted context (PSTATE.I in SPSR).
void irq_like(const TrapFrame& f) {
    if (!(f.spsr & (1 << 7))) irq_on();
}

kernel::FaultAccess access_of(const TrapFrame& f, bool user) {
    kernel::FaultAccess a;
    u32 ec = esr::ec(f.esr);
    u32 fsc = esr::fsc(f.esr);
    a.exec = ec == esr::kIabtLower || ec == esr::kIabtCurrent;
    // Cache maintenance on a page reports WnR = 1 but is not a write (Arm ARM D17.2.40).
    a.write = !a.exec && esr::is_write(f.esr) && !esr::is_cache_maint(f.esr);
    a.user_mode = user;
    a.present = esr::is_permission_fault(fsc) || esr::is_access_flag_fault(fsc);
    return a;
}

void user_abort(TrapFrame& f) {
    u32 fsc = esr::fsc(f.esr);
    u64 addr = f.far;
    // With TBI0 the top byte of a user pointer is a tag the MMU ignores; Linux reports
    // and resolves faults without it.
    if (!(addr & (1ull << 55))) addr &= (1ull << 56) - 1;
    if (esr::is_alignment_fault(fsc)) {
        kernel::user_fault(f, kernel::SIGBUS, BUS_ADRALN, addr);
        return;
    }
    if (!esr::is_translation_fault(fsc) && !esr::is_permission_fault(fsc) && !esr::is_access_flag_fault(fsc)) {
        // External aborts, TLB conflicts, ...: Linux's do_bad gives SIGBUS too.
        kernel::user_fault(f, kernel::SIGBUS, BUS_OBJERR, addr);
        return;
    }
    kernel::FaultAccess a = access_of(f, true);
    // Addresses in the kernel half (or tagged beyond the user range) cannot be mapped:
    // SIGSEGV.
    kernel::user_page_fault(f, addr, a, a.present ? SEGV_ACCERR : SEGV_MAPERR);
}

int fp_si_code(u64 esr) {
    u32 iss = esr::iss(esr);
    if (!(iss & (1u << 23))) return FPE_FLTUNK; // TFV: no valid flags recorded
    if (iss & (1u << 0)) return FPE_FLTINV;     // IOF
    if (iss & (1u << 1)) return FPE_FLTDIV;     // DZF
    if (iss & (1u << 2)) return FPE_FLTOVF;     // OFF
    if (iss & (1u << 3)) return FPE_FLTUND;     // UFF
    if (iss & (1u << 4)) return FPE_FLTRES;     // IXF
    return FPE_FLTUNK;
}

[[noreturn]] void kernel_oops(TrapFrame& f, const char* what) {
    kernel::panic_at(f.elr, f.x[29],
                     "%s in kernel mode: %s (ESR 0x%lx) at pc 0x%lx, FAR 0x%lx, sp 0x%lx, lr 0x%lx, "
                     "x0 0x%lx x1 0x%lx x2 0x%lx x3 0x%lx",
                     what, esr::class_name(esr::ec(f.esr)), f.esr, f.elr, f.far, f.sp_, f.x[30], f.x[0],
                     f.x[1], f.x[2], f.x[3]);
}
} // namespace

const char* esr::class_name(u32 ec) {
    switch (ec) {
    case kUnknown: return "undefined instruction";
    case kSvc64: return "svc";
    case kIabtLower: case kIabtCurrent: return "instruction abort";
    case kDabtLower: case kDabtCurrent: return "data abort";
    case kPcAlign: return "pc alignment";
    case kSpAlign: return "sp alignment";
    case kBrk64: return "brk";
    case kSysReg: return "system register trap";
    case kIllegalState: return "illegal execution state";
    case kSError: return "SError";
    default: return "exception";
    }
}
} // namespace arch

using namespace arch;

extern "C" void aarch64_el0_sync(TrapFrame* fp) {
    TrapFrame& f = *fp;
    u32 ec = esr::ec(f.esr);
    // Everything here runs with interrupts on: syscalls and page faults may block.
    irq_on();
    switch (ec) {
    case esr::kSvc64:
        f.orig_x0 = f.x[0];
        // A system call zeroes the SVE state beyond FP/SIMD (Linux's fp_user_discard).
        // The thread is still the live one if it moved CPUs since the check.
        if (current_state().sve_live) aarch64_sve_flush_live();
        kernel::handle_syscall(f);
        break;
    case esr::kSve:
        // First SVE instruction since exec or sigreturn without SVE state (Linux's
        // do_sve_acc); SIGILL without SVE. No memory for the state: SIGKILL, as Linux.
        if (!sve::supported()) kernel::user_fault(f, kernel::SIGILL, ILL_ILLOPC, f.elr);
        else if (!sve::enable_for_current(current_state())) kernel::user_fault(f, kernel::SIGKILL, 0, 0);
        break;
    case esr::kDabtLower:
    case esr::kIabtLower:
        user_abort(f);
        break;
    case esr::kPcAlign:
        kernel::user_fault(f, kernel::SIGBUS, BUS_ADRALN, f.elr);
        break;
    case esr::kSpAlign:
        kernel::user_fault(f, kernel::SIGBUS, BUS_ADRALN, f.sp_);
        break;
    case esr::kBrk64:
        kernel::user_fault(f, kernel::SIGTRAP, TRAP_BRKPT, f.elr);
        break;
    case esr::kBreakpointLower:
        kernel::user_fault(f, kernel::SIGTRAP, TRAP_HWBKPT, f.elr);
        break;
    case esr::kSoftStepLower:
        kernel::user_fault(f, kernel::SIGTRAP, TRAP_TRACE, f.elr);
        break;
    case esr::kWatchpointLower:
        kernel::user_fault(f, kernel::SIGTRAP, TRAP_HWBKPT, f.far);
        break;
    case esr::kFpExc64:
        kernel::user_fault(f, kernel::SIGFPE, fp_si_code(f.esr), f.elr);
        break;
    case esr::kWfx:
        // SCTLR_EL1.nTWI = 0 traps WFI from EL0; as on Linux it just continues.
        f.elr += 4;
        break;
    default:
        // Undefined instructions, MRS of trapped registers, illegal state, SVE/PAC
        // traps: none is emulated.
        kernel::user_fault(f, kernel::SIGILL, ILL_ILLOPC, f.elr);
        break;
    }
}

extern "C" void aarch64_el1_sync(TrapFrame* fp) {
    TrapFrame& f = *fp;
    u32 ec = esr::ec(f.esr);
    if (ec == esr::kDabtCurrent && f.far < kUserTop && !esr::far_not_valid(f.esr)) {
        u64 fixup;
        if (uaccess_fixup(f.elr, fixup)) {
            // A user copy touched a page that is not (yet) there: let the generic mm
            // resolve it (it may block), else make the copy fail.
            irq_like(f);
            if (!kernel::handle_page_fault(f.far, access_of(f, false))) f.elr = fixup;
            return;
        }
        kernel_oops(f, "user-address fault (PAN)");
    }
    kernel_oops(f, "unexpected exception");
}

extern "C" void aarch64_before_user(TrapFrame* f) { kernel::before_return_to_user(*f); }

extern "C" [[noreturn]] void aarch64_stack_overflow(u64 elr, u64 far, u64 sp, u64 fp) {
    kernel::panic_at(elr, fp, "kernel stack overflow: sp 0x%lx, pc 0x%lx, FAR 0x%lx", sp, elr, far);
}

extern "C" void aarch64_bad_exception(TrapFrame* f) {
    kernel::panic_at(f->elr, f->x[29], "unhandled exception vector: ESR 0x%lx (%s), pc 0x%lx, FAR 0x%lx, SPSR 0x%lx",
                     f->esr, esr::class_name(esr::ec(f->esr)), f->elr, f->far, f->spsr);
}
