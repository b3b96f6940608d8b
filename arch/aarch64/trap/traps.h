// Exception handling entry points (trap/vectors.S calls the extern "C" ones).
#pragma once
#include <arch/frame.h>

namespace arch {
void traps_init();
// True if `pc` is inside a user-copy routine; sets `fixup` to where it resumes on a fault.
bool uaccess_fixup(u64 pc, u64& fixup);
// The interrupt dispatcher's table of handlers (trap/irq.cpp).
using IrqHandler = void (*)();
void register_irq(u32 intid, IrqHandler h, bool edge);
} // namespace arch

extern "C" {
void aarch64_el0_sync(arch::TrapFrame* f);
void aarch64_el1_sync(arch::TrapFrame* f);
void aarch64_irq(arch::TrapFrame* f);
void aarch64_before_user(arch::TrapFrame* f);
[[noreturn]] void aarch64_bad_exception(arch::TrapFrame* f);
[[noreturn]] void aarch64_enter_user(arch::TrapFrame* f);
}
