// The IDT: every vector goes to its stub in cpu/vectors.S. Exceptions that must not
// run on the interrupted stack get an IST stack (see cpu/gdt.cpp): #DF (the stack may
// be what failed), NMI and #MC (can arrive anywhere), #DB (a single-step trap after a
// SYSCALL with TF set arrives before the entry code has switched off the user stack).
#include <arch/x86/internal.h>
#include <arch/x86/layout.h>

extern "C" char x86_vector_stubs[];

namespace arch::x86 {
namespace {
struct LV_PACKED Gate {
    u16 offset_low, selector;
    u8 ist, type_attr;
    u16 offset_mid;
    u32 offset_high, reserved;
};
static_assert(sizeof(Gate) == 16);

struct LV_PACKED IdtPointer {
    u16 limit;
    u64 base;
};

Gate g_idt[256];

u8 ist_for(unsigned vector) {
    switch (vector) {
    case 8: return 1;  // #DF
    case 2: return 2;  // NMI
    case 1: return 3;  // #DB
    case 18: return 4; // #MC
    default: return 0;
    }
}
} // namespace

void idt_init() {
    for (unsigned v = 0; v < 256; v++) {
        u64 addr = uptr(x86_vector_stubs) + 16 * v;
        // Interrupt gates (IF cleared on entry). Only int3 may be raised by user code
        // with `int $3`; any other `int $n` from ring 3 is a #GP, as on Linux.
        u8 dpl = v == 3 ? 3 : 0;
        g_idt[v] = Gate {u16(addr), SEL_KERNEL_CS, ist_for(v), u8(0x8e | (dpl << 5)),
                         u16(addr >> 16), u32(addr >> 32), 0};
    }
    idt_load();
}

void idt_load() {
    IdtPointer idtr {sizeof(g_idt) - 1, uptr(g_idt)};
    asm volatile("lidt %0" : : "m"(idtr));
}
} // namespace arch::x86
