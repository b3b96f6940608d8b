// The ext2 on-disk format (revision 1), little-endian, as Linux's fs/ext2/ext2.h and
// e2fsprogs' lib/ext2fs/ext2_fs.h define it. Only what this driver reads or writes.
#pragma once
#include <lib/types.h>

namespace fs::ext2 {
constexpr u16 kMagic = 0xef53;
constexpr u64 kSuperblockOffset = 1024;
constexpr u32 kRootIno = 2;
constexpr u32 kGoodOldInodeSize = 128;
constexpr u32 kGoodOldFirstIno = 11;
constexpr u32 kNameLen = 255;
constexpr u32 kLinkMax = 32000; // EXT2_LINK_MAX
constexpr u32 kNDirBlocks = 12, kIndBlock = 12, kDIndBlock = 13, kTIndBlock = 14, kNBlocks = 15;

// s_state
constexpr u16 kStateValid = 1, kStateError = 2;
// Features this driver knows. Anything else incompatible refuses the mount; anything
// else read-only-compatible makes it read-only.
constexpr u32 kCompatDirIndex = 0x20;
constexpr u32 kIncompatFiletype = 0x2;
constexpr u32 kRoCompatSparseSuper = 0x1, kRoCompatLargeFile = 0x2;
constexpr u32 kIncompatSupported = kIncompatFiletype;
constexpr u32 kRoCompatSupported = kRoCompatSparseSuper | kRoCompatLargeFile;

struct Superblock {
    u32 inodes_count;
    u32 blocks_count;
    u32 r_blocks_count;
    u32 free_blocks_count;
    u32 free_inodes_count;
    u32 first_data_block;
    u32 log_block_size;
    u32 log_frag_size;
    u32 blocks_per_group;
    u32 frags_per_group;
    u32 inodes_per_group;
    u32 mtime;
    u32 wtime;
    u16 mnt_count;
    i16 max_mnt_count;
    u16 magic;
    u16 state;
    u16 errors;
    u16 minor_rev_level;
    u32 lastcheck;
    u32 checkinterval;
    u32 creator_os;
    u32 rev_level;
    u16 def_resuid;
    u16 def_resgid;
    // Revision 1 (EXT2_DYNAMIC_REV)
    u32 first_ino;
    u16 inode_size;
    u16 block_group_nr;
    u32 feature_compat;
    u32 feature_incompat;
    u32 feature_ro_compat;
    u8 uuid[16];
    char volume_name[16];
    char last_mounted[64];
    u32 algorithm_usage_bitmap;
    u8 prealloc_blocks;
    u8 prealloc_dir_blocks;
    u16 reserved_gdt_blocks;
    u8 journal_uuid[16];
    u32 journal_inum;
    u32 journal_dev;
    u32 last_orphan;
    u32 hash_seed[4];
    u8 def_hash_version;
    u8 jnl_backup_type;
    u16 desc_size;
    u32 default_mount_opts;
    u32 first_meta_bg;
    u32 mkfs_time;
    u32 jnl_blocks[17];
    u32 blocks_count_hi;
    u32 r_blocks_count_hi;
    u32 free_blocks_hi;
    u16 min_extra_isize;
    u16 want_extra_isize;
    u8 rest[1024 - 0x160];
};
static_assert(sizeof(Superblock) == 1024);
static_assert(__builtin_offsetof(Superblock, first_ino) == 84);
static_assert(__builtin_offsetof(Superblock, reserved_gdt_blocks) == 206);
static_assert(__builtin_offsetof(Superblock, want_extra_isize) == 0x15e);

struct GroupDesc {
    u32 block_bitmap;
    u32 inode_bitmap;
    u32 inode_table;
    u16 free_blocks_count;
    u16 free_inodes_count;
    u16 used_dirs_count;
    u16 pad;
    u32 reserved[3];
};
static_assert(sizeof(GroupDesc) == 32);

// The first 128 bytes of every inode, then (inode_size > 128) i_extra_isize bytes of
// ext4's extra fields, which this driver keeps for timestamps' nanoseconds.
struct DiskInode {
    u16 mode;
    u16 uid;
    u32 size;
    u32 atime;
    u32 ctime;
    u32 mtime;
    u32 dtime;
    u16 gid;
    u16 links_count;
    u32 blocks; // 512-byte units, indirect blocks and the xattr block included
    u32 flags;
    u32 osd1;
    u32 block[kNBlocks];
    u32 generation;
    u32 file_acl;
    u32 size_high; // i_dir_acl in old revisions; the size's upper half for files
    u32 faddr;
    u8 frag, fsize;
    u16 pad1;
    u16 uid_high;
    u16 gid_high;
    u32 reserved2;
    // Large inodes only:
    u16 extra_isize;
    u16 checksum_hi;
    u32 ctime_extra; // (nanoseconds << 2) | epoch bits
    u32 mtime_extra;
    u32 atime_extra;
    u32 crtime;
    u32 crtime_extra;
};
static_assert(__builtin_offsetof(DiskInode, block) == 40);
static_assert(__builtin_offsetof(DiskInode, extra_isize) == 128);
static_assert(sizeof(DiskInode) == 152);
// How many bytes of DiskInode the extra fields cover for a given i_extra_isize.
constexpr u32 kExtraTimesIsize = 24; // up to crtime_extra

// i_flags
constexpr u32 kIndexFl = 0x1000; // a hashed (htree) directory

// A directory entry (with the "filetype" feature: name_len is one byte).
struct DirEntry {
    u32 inode;
    u16 rec_len;
    u8 name_len;
    u8 file_type;
    char name[];
};
constexpr u32 kDirEntryHeader = 8;
constexpr u32 dir_rec_len(u32 name_len) { return (kDirEntryHeader + name_len + 3) & ~3u; }
// file_type values (EXT2_FT_*)
enum : u8 { kFtUnknown = 0, kFtReg = 1, kFtDir = 2, kFtChr = 3, kFtBlk = 4, kFtFifo = 5, kFtSock = 6, kFtSymlink = 7 };

// The extended-attribute block header (only the reference count is used: freeing).
struct XattrHeader {
    u32 magic; // 0xea020000
    u32 refcount;
};
} // namespace fs::ext2
