// Symbols defined by arch/x86_64/linker.ld. Virtual addresses unless named _phys;
// use their address only (uptr(__text_start)).
#pragma once

extern "C" {
extern char __kernel_phys_start[], __kernel_phys_end[]; // physical extent, bss included
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_end[];
using LvCtor = void (*)();
extern LvCtor __init_array_start[], __init_array_end[];
}
