# x86_64 compiler flags, linker script and boot images.
#
# The kernel runs in the top 2 GiB (-mcmodel=kernel), never uses the red zone (an
# interrupt would clobber it: interrupts from kernel mode push onto the current stack)
# and never touches x87/SSE registers: user FPU state stays live in the registers until
# a context switch saves it (arch/x86_64/thread/thread.cpp).
set(ARCH_CXX_FLAGS
  -m64 -march=x86-64 -mcmodel=kernel -mno-red-zone -mgeneral-regs-only
  -mno-mmx -mno-sse -mno-sse2 -mno-3dnow -mno-avx -mno-80387
  -fcf-protection=none)
set(ARCH_LINK_FLAGS -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments)
set(ARCH_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/linker.ld)

# Images produced next to the ELF:
#   levitate-x86_64.bin  Multiboot 1 flat binary (a.out kludge): `qemu -kernel` with qboot
#                        or SeaBIOS, and GRUB's `multiboot` command.
#   levitate-x86_64.iso  (target `iso`, not built by default) GRUB rescue ISO; see
#                        arch/x86_64/README.md and arch/x86_64/tools/mkiso.sh.
set(LEVITATE_ISO_INITRD "" CACHE FILEPATH "x86_64 ISO: initrd (cpio) to load as the first Multiboot module")
set(LEVITATE_ISO_CMDLINE "" CACHE STRING "x86_64 ISO: kernel command line")

function(levitate_arch_images kernel_target)
  set(bin ${CMAKE_CURRENT_BINARY_DIR}/levitate-x86_64.bin)
  add_custom_command(OUTPUT ${bin}
    COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:${kernel_target}> ${bin}
    DEPENDS ${kernel_target}
    COMMENT "Flat Multiboot image levitate-x86_64.bin")
  add_custom_target(kernel_bin ALL DEPENDS ${bin})

  set(iso ${CMAKE_CURRENT_BINARY_DIR}/levitate-x86_64.iso)
  set(mkiso ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/tools/mkiso.sh)
  set(iso_deps ${bin} ${mkiso})
  if(LEVITATE_ISO_INITRD)
    list(APPEND iso_deps ${LEVITATE_ISO_INITRD})
  endif()
  add_custom_command(OUTPUT ${iso}
    COMMAND ${mkiso} ${bin} ${iso} "${LEVITATE_ISO_INITRD}" "${LEVITATE_ISO_CMDLINE}"
    DEPENDS ${iso_deps}
    COMMENT "GRUB ISO levitate-x86_64.iso")
  add_custom_target(iso DEPENDS ${iso})
endfunction()
