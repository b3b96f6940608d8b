// PSCI (Arm DEN 0022) calls, by hvc or smc as the DTB's /psci "method" says.
#pragma once
#include <lib/types.h>

namespace arch::psci {
constexpr u64 kCpuOn = 0xc4000003; // SMC64: x1 = target MPIDR, x2 = entry (physical), x3 = context id
constexpr i64 kNotSupported = -1;
// The call's x0 on return: 0 or a negative PSCI error code (kNotSupported without PSCI).
i64 call(u64 fn, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0);
} // namespace arch::psci
