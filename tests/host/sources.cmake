# Pure kernel sources compiled into the host unit tests (with -DLV_HOSTED, kmalloc = malloc).
list(APPEND LV_HOST_SOURCES ${LV_ROOT}/fs/cpio.cpp ${LV_ROOT}/fs/path.cpp)
list(APPEND LV_HOST_SOURCES ${LV_ROOT}/kernel/elf.cpp ${LV_ROOT}/mm/frame_bitmap.cpp ${LV_ROOT}/kernel/cmdline.cpp)
# fs: everything that does not need a running kernel (tests/host/host_fs_stubs.cpp fills in).
list(APPEND LV_HOST_SOURCES ${LV_ROOT}/fs/page_tree.cpp ${LV_ROOT}/fs/inode.cpp ${LV_ROOT}/fs/ramfs_file.cpp
  ${LV_ROOT}/fs/ramfs_dir.cpp ${LV_ROOT}/fs/vfs.cpp ${LV_ROOT}/fs/vfs_ops.cpp ${LV_ROOT}/fs/open.cpp
  ${LV_ROOT}/fs/file.cpp ${LV_ROOT}/fs/fd_table.cpp ${LV_ROOT}/fs/context.cpp ${LV_ROOT}/fs/pipe.cpp
  ${LV_ROOT}/fs/initramfs.cpp ${LV_ROOT}/fs/kernel_api.cpp)
list(APPEND LV_HOST_SOURCES ${LV_ROOT}/kernel/cred.cpp) # credentials rules (tests/host/cred_test.cpp)
# The IPv4 stack's pure parts (tests/host/inet_test.cpp).
list(APPEND LV_HOST_SOURCES ${LV_ROOT}/net/inet/checksum.cpp ${LV_ROOT}/net/inet/config_parse.cpp
  ${LV_ROOT}/net/inet/tcp_reassembly.cpp)
# The lock-order checker (tests/host/lockdep_test.cpp).
list(APPEND LV_HOST_SOURCES ${LV_ROOT}/kernel/sync/lockdep.cpp)
