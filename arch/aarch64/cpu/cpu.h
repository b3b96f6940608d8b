// CPU feature setup and identification (cpu/features.cpp).
#pragma once
#include <lib/types.h>

namespace arch::cpu {
void init_early();      // PAN, feature discovery; before kernel_main
void init_this_cpu();   // init_early's per-CPU register setup (PAN), on another CPU
bool has_pan();
bool has_rndr();
const char* describe(); // "cortex-a72, PAN, RNDR" etc., for the boot log
} // namespace arch::cpu
