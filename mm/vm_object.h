// Memory objects: what a region maps when it is not private anonymous memory.
//
// A VmObject is a set of pages indexed by page number: a file's page cache (an inode
// implements it: ramfs's pages are the file itself, ext2 keeps its own cache in front of
// the disk). Shared anonymous memory, SysV shared memory and memfds are files of an
// internal tmpfs, as on Linux (shmem), so they are VmObjects too. A region (Vma) refers
// to the open file it maps (VmFile, Linux's vm_file) and an offset in pages; the file
// gives the object. MAP_SHARED regions map the object's pages themselves; MAP_PRIVATE
// ones map them read-only until written, and a write copies the page into the address
// space (copy-on-write from the cache: nothing is copied at mmap time).
//
// Every frame mapped holds a reference (mm::share_frame), so a page the object drops
// (truncate) stays valid until the last mapping of it goes. The object knows which
// address spaces map it (its mappers, Linux's i_mmap reduced to address spaces), so
// that truncate and hole punching unmap the dropped pages everywhere, and write-back can
// write-protect a page it cleaned.
//
// Locks: the mappers' list has its own spinlock, taken under an address space's lock
// (a region made or removed there). Walkers take references to the address spaces
// under it and act on each after releasing it, so nothing here is taken in the
// opposite order. A fault never holds its address space's lock while the object
// finds a page (that may read the disk); it checks the object's generation, which
// truncate advances before unmapping, when it maps the page (kernel side of Linux's
// page lock + mapping check).
#pragma once
#include <kernel/sync/spinlock.h>
#include <lib/result.h>
#include <lib/types.h>
#include <lib/vector.h>

namespace mm {
class AddressSpace;

class VmObject {
public:
    VmObject() = default;
    VmObject(const VmObject&) = delete;
    VmObject& operator=(const VmObject&) = delete;

    // The frame holding page `index`, with one reference for the caller (which maps it
    // or gives it back with free_frame). `write`: a shared mapping is about to write it
    // (the object marks it dirty). May sleep (a disk read); called with no spinlock held.
    // EFAULT for a page wholly past the end of the object (the fault is SIGBUS), ENOMEM,
    // EIO, ENOSPC (SIGBUS too, as Linux's VM_FAULT_SIGBUS for a full tmpfs).
    virtual ErrorOr<PhysAddr> vm_page(u64 index, bool write) = 0;
    // Whether a shared writable mapping must tell the object before it writes a page
    // (Linux's page_mkwrite): the page is mapped read-only until its first write, which
    // calls vm_page(index, true), so that write-back knows it is dirty. Objects with no
    // backing store (tmpfs) do not track.
    virtual bool vm_tracks_dirty() const { return false; }
    // Frees pages [first, first + count) of the object (MADV_REMOVE): they read as
    // zeros afterwards, everywhere. EOPNOTSUPP when the object cannot.
    virtual ErrorOr<void> vm_punch(u64 first, u64 count) { return Errno::EOPNOTSUPP; }
    // mincore(2): whether page `index` is in memory (a file's page cache).
    virtual bool vm_resident(u64 index) { return false; }
    // msync(MS_SYNC): the object's changes on stable storage (nothing to do without one).
    virtual ErrorOr<void> vm_sync() { return {}; }

    // Registration, one count per region (AddressSpace does it under its lock).
    // `writable`: a shared region that may write (Linux's VM_SHARED with VM_MAYWRITE).
    ErrorOr<void> add_mapper(AddressSpace& as, bool writable);
    void remove_mapper(AddressSpace& as, bool writable);
    // Regions mapping the object (shmctl's shm_nattch), and those of them that may write
    // to it (a memfd's F_SEAL_WRITE is refused while there are any).
    u64 regions() const;
    u64 writable_regions() const;
    // From now on no region may map the object writable and shared (add_mapper gives
    // EPERM); false, changing nothing, while one does (a memfd's F_SEAL_WRITE: Linux's
    // mapping_deny_writable).
    bool deny_writable();
    // Every mapping of pages [first, last) goes, in every address space (private
    // copies included, as Linux's truncate: the pages are gone from the file). The
    // caller has dropped or changed the pages first, and called begin_invalidate().
    void unmap_pages(u64 first, u64 last);
    // Shared mappings of page `index` become read-only (write-back cleaned it: the next
    // write faults and dirties it again).
    void write_protect_page(u64 index);
    // Advanced before pages are dropped or cleaned by write-back; a fault that found a
    // page under an older generation retries instead of mapping it.
    void begin_invalidate() { __atomic_fetch_add(&m_generation, 1, __ATOMIC_ACQ_REL); }
    u64 generation() const { return __atomic_load_n(&m_generation, __ATOMIC_ACQUIRE); }

protected:
    ~VmObject();

private:
    struct Mapper {
        AddressSpace* as;
        u32 regions;
    };
    // References to the address spaces mapping this object, taken under the lock.
    void collect(lv::Vector<AddressSpace*>& out);
    mutable kernel::Spinlock m_lock {"vm object mappers"};
    lv::Vector<Mapper> m_mappers LV_GUARDED_BY(m_lock);
    u64 m_writable LV_GUARDED_BY(m_lock) = 0;
    bool m_deny_writable LV_GUARDED_BY(m_lock) = false;
    u64 m_generation = 0; // atomic
};

// The open file a region maps (fs::File implements it): keeps the file, and so its
// object, alive while mapped, and names the mapping for /proc/PID/maps.
class VmFile {
public:
    virtual void vm_ref() = 0;
    virtual void vm_unref() = 0;
    virtual VmObject& vm_object() = 0;
    // st_dev and st_ino of the file, for /proc/PID/maps.
    virtual void vm_identity(u64& dev, u64& ino) = 0;
    // The path /proc/PID/maps shows (" (deleted)" once unlinked); 0 when unknown. May
    // sleep: called without an address space's lock.
    virtual size_t vm_path(char* buf, size_t cap) = 0;

protected:
    ~VmFile() = default;
};
} // namespace mm
