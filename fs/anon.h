// Anonymous inodes: the files behind epoll, eventfd, timerfd and signalfd descriptors,
// which have no name anywhere (Linux's anon_inodes). The inode is itself the FileOps of
// its File (File::create picks the inode for a mode without a file type). Each kind
// lives on its own pseudo filesystem whose name /proc/self/fd shows, as Linux does:
// "anon_inode:[eventfd]".
#pragma once
#include <fs/file.h>

namespace fs {
constexpr u64 kAnonInodeFsMagic = 0x09041934; // ANON_INODE_FS_MAGIC

class AnonInode : public Inode {
public:
    // Mode 0600 and no file type, as Linux's alloc_anon_inode (fstat shows st_mode 0600).
    explicit AnonInode(FileSystem& fs) : Inode(fs, 0600) {}
    bool seekable() const override { return false; }
    // One File per inode: reopening through /proc/self/fd/N is ENXIO, as on Linux.
    ErrorOr<void> open(File&) override {
        if (m_opened) return Errno::ENXIO;
        m_opened = true;
        return {};
    }
    // Readiness must be stated by each kind; nothing is ready by default.
    u32 poll(File&, u32) override { return 0; }

private:
    bool m_opened = false;
};

// The pseudo filesystem of one kind ("eventpoll", "eventfd", ...): made on first use,
// then the same for every call with that name (a string literal). Null on ENOMEM.
FileSystem* anon_fs(const char* name);
// An open file on `inode`, O_RDWR plus O_NONBLOCK if `flags` has it (the other flags,
// O_CLOEXEC included, are the caller's business).
ErrorOr<lv::RefPtr<File>> open_anon(lv::RefPtr<Inode> inode, u32 flags);
} // namespace fs
