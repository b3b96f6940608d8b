// Writing an ext2 filesystem: files through the direct, indirect and double-indirect
// maps, sparse files, truncate, directories (nlink, "..", ENOTEMPTY), rename (replace,
// into another directory, RENAME_NOREPLACE/EXCHANGE), hard links, fast and slow
// symlinks, FIFOs, a directory of many entries, unlink while open, chmod/utimens and
// all the data surviving umount and a new mount; fsync/fdatasync/syncfs. The runner
// checks the image with e2fsck -fn afterwards.
// DISK: ext2 16M 1024
// SYSCALLS: mount, umount2, fsync, fdatasync, syncfs, statfs, renameat2, utimensat
#include "ext2_write_body.h"
