# Cross toolchain for the aarch64 kernel: Debian's aarch64-linux-gnu GCC and binutils.
# Included by the top-level CMakeLists.txt before project().
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_NM aarch64-linux-gnu-nm CACHE FILEPATH "" FORCE)
set(CMAKE_OBJCOPY aarch64-linux-gnu-objcopy CACHE FILEPATH "" FORCE)
# The compiler cannot link a test program without our linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
