// The checks of ext2_write.c on a filesystem of 4 KiB blocks (one block per page of the
// buffer cache, and a 4 KiB-block map).
// DISK: ext2 32M 4096
// SYSCALLS: mount, umount2
#include "ext2_write_body.h"
