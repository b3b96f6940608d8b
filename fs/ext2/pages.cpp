// The page cache of ext2 regular files: a file's data live in 4 KiB pages indexed by
// page number (fs/page_tree.h), read from the disk on first use and written back when
// dirty, straight between the pages and the device. The buffer cache
// (drivers/block/cache.h) keeps the metadata only: block maps, directories, inodes,
// bitmaps. These pages are also the file's memory object (mm/vm_object.h): mappings map
// them, and a shared mapping's first write to a page marks it dirty (vm_page with
// write), after the blocks under it are allocated (Linux's page_mkwrite), so that a full
// disk is SIGBUS there and never data lost at write-back.
//
// Under the VFS lock, as every ext2 operation.
#include <fs/ext2/ext2.h>
#include <fs/mutex.h>
#include <lib/string.h>
#include <mm/phys.h>
#include <mm/reclaim.h>

namespace fs::ext2 {
namespace {
constexpr u64 kPage = kDataPageSize;
// Pages read ahead of a sequential reader (Linux's default read_ahead_kb is 128).
constexpr u64 kReadAhead = 32;
u64 g_dirty_pages = 0;  // every ext2 file's dirty pages (atomic)
u64 g_cached_pages = 0; // every ext2 file's pages (atomic)
void account(i64 delta) { __atomic_fetch_add(&g_cached_pages, u64(delta), __ATOMIC_RELAXED); }

// When dirty pages pass this share of memory, a writer writes its own back at once
// (Linux's dirty_ratio, 20%).
u64 dirty_limit() { return mm::total_memory_bytes() / kPage / 5; }
} // namespace

u64 dirty_file_pages() { return __atomic_load_n(&g_dirty_pages, __ATOMIC_RELAXED); }
u64 cached_file_pages() { return __atomic_load_n(&g_cached_pages, __ATOMIC_RELAXED); }

void Ext2Inode::mark_page(u64 index, bool dirty) {
    if (!m_pages.get(index) || m_pages.dirty(index) == dirty) return;
    m_pages.set_dirty(index, dirty);
    __atomic_fetch_add(&g_dirty_pages, dirty ? 1 : u64(-1), __ATOMIC_RELAXED);
}

// Runs of blocks contiguous on the disk go as one request.
ErrorOr<void> Ext2Inode::transfer(bool write, u32 first_block, u8* buf, u32 count) {
    Ext2Fs& f = ext2();
    u32 spb = f.block_size() / 512;
    auto& dev = f.device();
    if (write) {
        TRY(dev.write(u64(first_block) * spb, buf, size_t(count) * spb));
        drivers::block::written_behind(dev, u64(first_block) * f.block_size(), buf, size_t(count) * f.block_size());
        return {};
    }
    return dev.read(u64(first_block) * spb, buf, size_t(count) * spb);
}

// The run of file blocks from block n (at most max of them, inside the file): one hole
// (pb 0), or blocks contiguous on the disk from pb.
ErrorOr<u32> Ext2Inode::block_run(u64 n, u32 max, u64 file_blocks, u32& pb) {
    pb = TRY(bmap(n, false));
    if (!pb) return 1u;
    u32 run = 1;
    while (run < max && n + run < file_blocks && TRY(bmap(n + run, false)) == pb + run) run++;
    return run;
}

ErrorOr<void> Ext2Inode::read_page(u64 index, u8* page) {
    u32 bs = ext2().block_size();
    u32 per_page = u32(kPage / bs);
    u64 first = index * per_page;
    u64 file_blocks = (size + bs - 1) / bs;
    for (u32 j = 0; j < per_page;) {
        if (first + j >= file_blocks) {
            memset(page + size_t(j) * bs, 0, size_t(per_page - j) * bs);
            break;
        }
        u32 pb;
        u32 run = TRY(block_run(first + j, per_page - j, file_blocks, pb));
        if (pb) TRY(transfer(false, pb, page + size_t(j) * bs, run));
        else memset(page + size_t(j) * bs, 0, bs); // a hole
        j += run;
    }
    // Past the end of the file the page reads zeros (the block's tail may not be).
    u64 page_start = index * kPage;
    if (size < page_start + kPage && size > page_start) memset(page + (size - page_start), 0, page_start + kPage - size);
    return {};
}

ErrorOr<void> Ext2Inode::write_page(u64 index, u8* page) {
    u32 bs = ext2().block_size();
    u32 per_page = u32(kPage / bs);
    u64 first = index * per_page;
    u64 file_blocks = (size + bs - 1) / bs;
    for (u32 j = 0; j < per_page && first + j < file_blocks;) {
        u32 pb;
        u32 run = TRY(block_run(first + j, per_page - j, file_blocks, pb));
        // A hole: nothing was written there (writes allocate first).
        if (pb) TRY(transfer(true, pb, page + size_t(j) * bs, run));
        j += run;
    }
    return {};
}

// Drops clean pages that no mapping uses, from the start of the file, while memory is
// short: a file read from end to end must not fill the machine's memory with pages
// nobody will read again.
void Ext2Inode::trim_clean_pages(u64 keep_from) {
    if (mm::free_memory_bytes() > mm::total_memory_bytes() / 16) return;
    drop_clean_pages(keep_from, mm::total_memory_bytes() / 8);
}

u64 Ext2Inode::drop_clean_pages(u64 until, u64 enough_free) {
    u64 freed = 0, i = 0;
    while (m_pages.next_present(i, i) && i < until) {
        u8* p = m_pages.get(i);
        if (!m_pages.dirty(i) && mm::frame_refcount(mm::virt_to_phys(p)) == 1 && m_pages.remove(i)) {
            account(-1);
            freed++;
        }
        i++;
        if (enough_free && mm::free_memory_bytes() > enough_free) break;
    }
    return freed;
}

ErrorOr<u8*> Ext2Inode::cache_page(u64 index, bool fill) {
    if (u8* p = m_pages.get(index)) return p;
    trim_clean_pages(index);
    u8* p;
    if (auto got = m_pages.get_or_alloc(index, false); !got.is_error()) {
        p = got.value();
    } else {
        // Out of memory: other files' clean pages first (the shrinker), then once more.
        if (got.error() != Errno::ENOMEM || !mm::reclaim()) return got.error();
        p = TRY(m_pages.get_or_alloc(index, false));
    }
    account(1);
    if (!fill) return p;
    if (auto r = read_page(index, p); r.is_error()) {
        if (m_pages.remove(index)) account(-1);
        return r.error();
    }
    return p;
}

void Ext2Inode::read_ahead(u64 index) {
    u64 pages = (size + kPage - 1) / kPage;
    for (u64 i = index + 1; i < min(pages, index + 1 + kReadAhead); i++) {
        if (m_pages.get(i)) continue;
        if (mm::free_memory_bytes() < mm::total_memory_bytes() / 8) return; // not when short
        if (cache_page(i, true).is_error()) return;
    }
}

ErrorOr<void> Ext2Inode::allocate_blocks(u64 from, u64 to) {
    u32 bs = ext2().block_size();
    for (u64 n = from / bs; n * bs < to; n++) TRY(bmap(n, true));
    return {};
}

ErrorOr<size_t> Ext2Inode::read_at(u64 offset, const IoBuffer& buf, size_t n) {
    if (offset >= size) return 0;
    n = size_t(min<u64>(n, size - offset));
    size_t done = 0;
    Errno err {};
    while (done < n) {
        PageChunk c = page_chunk(offset + done, n - done);
        bool missing = !m_pages.get(c.index);
        auto page = cache_page(c.index, true);
        if (page.is_error()) { err = page.error(); break; }
        if (missing) read_ahead(c.index);
        // Held across the copy: a fault in it may run reclaim, which drops clean pages
        // nobody else holds.
        PhysAddr pa = mm::virt_to_phys(page.value());
        mm::share_frame(pa);
        auto r = buf.write(done, page.value() + c.in_page, c.len);
        mm::free_frame(pa);
        if (r.is_error()) { err = r.error(); break; }
        done += c.len;
    }
    if (done == 0 && err != Errno {}) return err;
    touch_atime();
    return done;
}

ErrorOr<size_t> Ext2Inode::write_at(u64 offset, const IoBuffer& buf, size_t n) {
    Ext2Fs& f = ext2();
    if (n == 0) return 0;
    if (f.read_only) return Errno::EROFS;
    u64 limit = max_file_size();
    if (offset >= limit) return Errno::EFBIG;
    n = size_t(min<u64>(n, limit - offset)); // a short write up to the limit
    size_t done = 0;
    Errno err {};
    while (done < n) {
        u64 pos = offset + done;
        PageChunk c = page_chunk(pos, n - done);
        // The page first (read while the blocks under it are still what the disk has),
        // then the blocks this write covers. A kernel source overwriting a whole page
        // cannot fail half-way: nothing to read.
        bool whole = c.len == kPage && !buf.is_user();
        auto page = cache_page(c.index, !whole);
        if (page.is_error()) { err = page.error(); break; }
        if (auto r = allocate_blocks(pos, pos + c.len); r.is_error()) { err = r.error(); break; }
        // Dirty first, and held across the copy: a fault in it may run reclaim.
        mark_page(c.index, true);
        PhysAddr pa = mm::virt_to_phys(page.value());
        mm::share_frame(pa);
        auto r = buf.read(done, page.value() + c.in_page, c.len);
        mm::free_frame(pa);
        if (r.is_error()) { err = r.error(); break; }
        done += c.len;
    }
    if (offset + done > size) size = offset + done;
    if (done) touch_mtime();
    TRY(store()); // blocks may have been allocated even when nothing was written
    if (dirty_file_pages() > dirty_limit()) (void)write_back_pages();
    if (done == 0) return err;
    return done;
}

ErrorOr<PhysAddr> Ext2Inode::vm_page(u64 index, bool write) {
    MutexLocker l(vfs_lock());
    if (!is_regular() || index >= (size + kPage - 1) / kPage) return Errno::EFAULT;
    u8* page = TRY(cache_page(index, true));
    if (write) {
        if (ext2().read_only) return Errno::EROFS;
        // The blocks under the page (up to the end of the file) before it may be dirty.
        TRY(allocate_blocks(index * kPage, min(size, (index + 1) * kPage)));
        mark_page(index, true);
        touch_mtime();
        TRY(store());
    }
    PhysAddr pa = mm::virt_to_phys(page);
    mm::share_frame(pa);
    return pa;
}

bool Ext2Inode::vm_resident(u64 index) {
    MutexLocker l(vfs_lock());
    return m_pages.get(index) != nullptr;
}

ErrorOr<void> Ext2Inode::write_back_pages() {
    bool mapped_writable = writable_regions() > 0;
    u64 i = 0;
    while (m_pages.next_dirty(i, i)) {
        u8* p = m_pages.get(i);
        // Clean before the write, and read-only in every shared mapping: a write through
        // one meanwhile faults and marks the page dirty again. A fault that dirtied the
        // page before this and maps it writable after sees the generation move, and
        // faults again.
        mark_page(i, false);
        begin_invalidate();
        if (mapped_writable) write_protect_page(i);
        if (auto r = write_page(i, p); r.is_error()) {
            mark_page(i, true);
            return r.error();
        }
        i++;
    }
    return {};
}

void Ext2Inode::drop_pages_from(u64 first) {
    u64 i = first;
    while (m_pages.next_dirty(i, i)) mark_page(i++, false);
    u64 before = m_pages.page_count();
    m_pages.truncate(first);
    account(-i64(before - m_pages.page_count()));
}
} // namespace fs::ext2
