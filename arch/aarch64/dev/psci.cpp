// Power off and reset through PSCI (Arm DEN 0022): SYSTEM_OFF and SYSTEM_RESET; the
// calls themselves (psci.h), also used by cpu/smp.cpp for CPU_ON.
#include "psci.h"
#include "../boot/platform.h"
#include <arch/interface.h>

namespace arch {
namespace psci {
i64 call(u64 fn, u64 a1, u64 a2, u64 a3) {
    // Read the method first: a call between setting a register variable and the asm
    // that uses it would clobber x0.
    PsciMethod m = board().psci;
    register u64 x0 asm("x0") = fn;
    register u64 x1 asm("x1") = a1;
    register u64 x2 asm("x2") = a2;
    register u64 x3 asm("x3") = a3;
    // SMCCC: x0-x3 carry the results, x4-x17 may be overwritten.
    if (m == PsciMethod::Hvc)
        asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"x4", "x5", "x6", "x7", "x8", "x9",
                     "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
    else if (m == PsciMethod::Smc)
        asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"x4", "x5", "x6", "x7", "x8", "x9",
                     "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
    else
        return kNotSupported;
    return i64(x0);
}
} // namespace psci

namespace {
constexpr u64 kPsciSystemOff = 0x84000008, kPsciSystemReset = 0x84000009;
} // namespace

void poweroff() {
    asm volatile("msr daifset, #0xf" ::: "memory");
    psci::call(kPsciSystemOff);
    halt_forever(); // no PSCI, or it refused
}

void reboot() {
    asm volatile("msr daifset, #0xf" ::: "memory");
    psci::call(kPsciSystemReset);
    halt_forever();
}
} // namespace arch
