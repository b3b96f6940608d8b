// open(2)/fcntl(2) constants. Most O_* values are shared by x86_64 and aarch64; the four
// that differ (O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE) come from <arch/abi.h>.
#pragma once
#include <arch/abi.h>
#include <lib/types.h>

namespace fs {
constexpr u32 kOAccMode = 03, kORdOnly = 0, kOWrOnly = 01, kORdWr = 02;
constexpr u32 kOCreat = 0100, kOExcl = 0200, kONoCtty = 0400, kOTrunc = 01000, kOAppend = 02000,
              kONonBlock = 04000, kODsync = 010000, kOAsync = 020000, kONoAtime = 01000000,
              kOCloExec = 02000000, kOSync = 04010000, kOPath = 010000000, kOTmpfileBit = 020000000;
constexpr u32 kODirectory = arch::abi_fcntl::kODirectory;
constexpr u32 kONoFollow = arch::abi_fcntl::kONoFollow;
constexpr u32 kODirect = arch::abi_fcntl::kODirect;
constexpr u32 kOLargeFile = arch::abi_fcntl::kOLargeFile;
constexpr u32 kOTmpfile = kOTmpfileBit | kODirectory;
// The flags F_SETFL may change (the rest of fcntl's argument is ignored).
constexpr u32 kSetflMask = kOAppend | kONonBlock | kOAsync | kODirect | kONoAtime;

// *at() flags.
constexpr int kAtFdCwd = -100;
constexpr u32 kAtSymlinkNoFollow = 0x100, kAtRemoveDir = 0x200, kAtEaccess = 0x200,
              kAtSymlinkFollow = 0x400, kAtNoAutomount = 0x800, kAtEmptyPath = 0x1000,
              kAtStatxSyncMask = 0x6000;
} // namespace fs
