// sysfs (/sys): the kernel's objects as a read-only tree of small text files, generated
// on every read, in Linux's formats. So far the CPUs (Documentation/ABI/stable/sysfs-devices-system-cpu,
// Documentation/admin-guide/cputopology.rst):
//   /sys/devices/system/cpu/{online,possible,present,offline}  CPU lists ("0-3")
//   /sys/devices/system/cpu/kernel_max                         highest CPU number the kernel supports
//   /sys/devices/system/cpu/cpuN/                              one per CPU; `online` ("1") for all
//                                                              but cpu0, which cannot go offline
// glibc's get_nprocs (sysconf(_SC_NPROCESSORS_ONLN)) reads the first of these.
#pragma once
#include <fs/inode.h>

namespace fs {
FileSystem* create_sysfs(); // null on ENOMEM
} // namespace fs
