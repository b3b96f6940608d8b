// Power off and reset through PSCI (Arm DEN 0022): SYSTEM_OFF and SYSTEM_RESET, by hvc
// or smc as the DTB's /psci "method" says.
#include "../boot/platform.h"
#include <arch/interface.h>

namespace arch {
namespace {
constexpr u64 kPsciSystemOff = 0x84000008, kPsciSystemReset = 0x84000009;

void psci_call(u64 fn) {
    // Read the method first: a call between setting a register variable and the asm
    // that uses it would clobber x0.
    PsciMethod m = board().psci;
    register u64 x0 asm("x0") = fn;
    if (m == PsciMethod::Hvc)
        asm volatile("hvc #0" : "+r"(x0)::"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
                     "x12", "x13", "x14", "x15", "x16", "x17", "memory");
    else if (m == PsciMethod::Smc)
        asm volatile("smc #0" : "+r"(x0)::"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
                     "x12", "x13", "x14", "x15", "x16", "x17", "memory");
}
} // namespace

void poweroff() {
    asm volatile("msr daifset, #0xf" ::: "memory");
    psci_call(kPsciSystemOff);
    halt_forever(); // no PSCI, or it refused
}

void reboot() {
    asm volatile("msr daifset, #0xf" ::: "memory");
    psci_call(kPsciSystemReset);
    halt_forever();
}
} // namespace arch
