# x86_64 kernel toolchain: the host's own GCC, used as a freestanding cross compiler.
# Included by the top-level CMakeLists.txt before project().
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_CXX_COMPILER g++)
set(CMAKE_ASM_COMPILER gcc)
# Compiler checks must not try to link a hosted program.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
find_program(CMAKE_NM nm)
find_program(CMAKE_OBJCOPY objcopy)
