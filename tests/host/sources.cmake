# Pure kernel sources compiled into the host unit tests (with -DLV_HOSTED, kmalloc = malloc).
list(APPEND LV_HOST_SOURCES ${LV_ROOT}/fs/cpio.cpp ${LV_ROOT}/fs/path.cpp)
list(APPEND LV_HOST_SOURCES ${LV_ROOT}/kernel/elf.cpp ${LV_ROOT}/mm/frame_bitmap.cpp ${LV_ROOT}/kernel/cmdline.cpp)
