# aarch64 compiler/linker flags and boot image, included by the top-level CMakeLists.txt.

# -mgeneral-regs-only: the kernel never touches FP/SIMD registers, so user FP state
#   stays live in the registers across exceptions and is saved only at thread switches.
# -mcmodel=small (the default) addresses globals with adrp/add, i.e. PC-relative: the
#   early boot code relies on this to run at its physical load address before the MMU is on.
set(ARCH_CXX_FLAGS -march=armv8-a -mgeneral-regs-only -mcmodel=small
  -mno-outline-atomics)
set(ARCH_LINK_FLAGS -Wl,--no-relax)
set(ARCH_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/linker.ld)

# The code that runs with the MMU off sees all memory as Device memory, where unaligned
# accesses fault and where GCC must not turn loops into memset calls.
set_source_files_properties(
  ${CMAKE_CURRENT_LIST_DIR}/boot/early_pgtable.cpp
  PROPERTIES COMPILE_OPTIONS "-mstrict-align;-fno-tree-loop-distribute-patterns;-fno-builtin;-fno-jump-tables")

# levitate-aarch64.bin: a raw arm64 Linux "Image" (the header is at the start of .text,
# see boot/head.S), loadable by QEMU -kernel and by any arm64 Linux boot loader.
function(levitate_arch_images kernel_target)
  set(bin ${CMAKE_CURRENT_BINARY_DIR}/levitate-aarch64.bin)
  add_custom_command(OUTPUT ${bin}
    COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:${kernel_target}> ${bin}
    DEPENDS ${kernel_target}
    COMMENT "Building levitate-aarch64.bin (arm64 Image)")
  add_custom_target(kernel_image ALL DEPENDS ${bin})
endfunction()
