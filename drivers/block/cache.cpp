// The buffer cache; see cache.h.
#include <drivers/block/cache.h>
#include <kernel/log.h>
#include <kernel/sync/mutex.h>
#include <lib/list.h>
#include <lib/string.h>
#include <lib/vector.h>
#include <mm/phys.h>

namespace drivers::block {
struct CachePage {
    BlockDevice* dev = nullptr;
    u64 index = 0; // page number on the device
    u8* data = nullptr;
    u32 pins = 0;
    bool dirty = false;
    lv::ListNode lru; // every page; least recently used first
    CachePage* hash_next = nullptr;
};

namespace {
constexpr u64 kPage = 4096;
constexpr u64 kSectorsPerPage = kPage / kSectorSize;
constexpr size_t kBuckets = 1024;
constexpr size_t kCluster = 32;       // pages per read-ahead or write-back request

kernel::Mutex g_lock("block cache"); // see cache.h; taken after the VFS lock when both are needed
// The cache's pages and everything in them (pins, dirty, data) are guarded by g_lock.
CachePage* g_hash[kBuckets] LV_GUARDED_BY(g_lock);
lv::IntrusiveList<CachePage, &CachePage::lru> g_lru LV_GUARDED_BY(g_lock);
size_t g_pages LV_GUARDED_BY(g_lock) = 0;
size_t g_max_pages LV_GUARDED_BY(g_lock) = 0;

size_t bucket(BlockDevice* dev, u64 index) { return (index * 0x9e3779b97f4a7c15ull + dev->index) >> 54; }

CachePage* lookup(BlockDevice& dev, u64 index) LV_REQUIRES(g_lock) {
    for (CachePage* p = g_hash[bucket(&dev, index)]; p; p = p->hash_next)
        if (p->dev == &dev && p->index == index) return p;
    return nullptr;
}

void unhash(CachePage* p) LV_REQUIRES(g_lock) {
    CachePage** link = &g_hash[bucket(p->dev, p->index)];
    while (*link != p) link = &(*link)->hash_next;
    *link = p->hash_next;
}

void destroy(CachePage* p) LV_REQUIRES(g_lock) {
    unhash(p);
    g_lru.remove(*p);
    mm::free_frame(mm::virt_to_phys(p->data));
    lv::destroy(p);
    g_pages--;
}

// Sectors of page `index` that lie on the device (the last page may be partial).
size_t sectors_in(BlockDevice& dev, u64 index) {
    u64 first = index * kSectorsPerPage;
    return first >= dev.sectors ? 0 : size_t(min<u64>(kSectorsPerPage, dev.sectors - first));
}

// Writes `count` consecutive dirty pages in one request.
ErrorOr<void> write_run(CachePage** run, size_t count) LV_REQUIRES(g_lock) {
    BlockDevice& dev = *run[0]->dev;
    void* bufs[kCluster];
    size_t sectors = 0;
    for (size_t i = 0; i < count; i++) {
        bufs[i] = run[i]->data;
        sectors += sectors_in(dev, run[i]->index);
        run[i]->dirty = false; // cleared first: a change made during the write re-dirties it
    }
    auto r = dev.transfer_pages(true, run[0]->index * kSectorsPerPage, bufs, sectors);
    if (r.is_error()) {
        for (size_t i = 0; i < count; i++) run[i]->dirty = true;
        log_error("block: %s: write of %lu sectors at %lu failed", dev.name, sectors, run[0]->index * kSectorsPerPage);
    }
    return r;
}

void sort_by_index(lv::Vector<CachePage*>& v) {
    // Insertion sort on runs that are mostly in order already; a heap sort would do for
    // the rare huge ones.
    for (size_t i = 1; i < v.size(); i++)
        for (size_t j = i; j > 0 && v[j - 1]->index > v[j]->index; j--) lv::swap(v[j - 1], v[j]);
}

// Writes back the dirty pages of `dev` (all devices if null), in order, merged into runs.
ErrorOr<void> write_back(BlockDevice* dev) LV_REQUIRES(g_lock) {
    lv::Vector<CachePage*> dirty;
    for (CachePage& p : g_lru)
        if (p.dirty && (!dev || p.dev == dev))
            if (!dirty.try_append(&p)) return Errno::ENOMEM;
    if (dirty.empty()) return {};
    sort_by_index(dirty);
    ErrorOr<void> result;
    for (size_t i = 0; i < dirty.size();) {
        CachePage* run[kCluster];
        size_t n = 0;
        run[n++] = dirty[i++];
        while (i < dirty.size() && n < kCluster && dirty[i]->dev == run[0]->dev &&
               dirty[i]->index == run[n - 1]->index + 1)
            run[n++] = dirty[i++];
        for (size_t k = 0; k < n; k++) run[k]->pins++; // not evicted while the write sleeps
        auto r = write_run(run, n);
        for (size_t k = 0; k < n; k++) run[k]->pins--;
        if (r.is_error()) result = r.error();
    }
    return result;
}

// A page for (dev, index) not in the cache, data not read; null when out of memory.
CachePage* new_page(BlockDevice& dev, u64 index) LV_REQUIRES(g_lock) {
    if (g_pages >= g_max_pages) {
        // Evict the least recently used unpinned page, writing back first if needed.
        for (CachePage& p : g_lru) {
            if (p.pins) continue;
            if (p.dirty && write_back(p.dev).is_error()) continue;
            if (p.pins || p.dirty) continue;
            destroy(&p);
            break;
        }
    }
    PhysAddr frame = mm::alloc_frame();
    if (!frame) return nullptr;
    auto* p = lv::make<CachePage>();
    if (!p) {
        mm::free_frame(frame);
        return nullptr;
    }
    p->dev = &dev;
    p->index = index;
    p->data = static_cast<u8*>(mm::phys_to_virt(frame));
    p->hash_next = g_hash[bucket(&dev, index)];
    g_hash[bucket(&dev, index)] = p;
    g_lru.push_back(*p);
    g_pages++;
    return p;
}

// Reads page `index` and up to kCluster - 1 uncached pages after it in one request.
ErrorOr<CachePage*> read_in(BlockDevice& dev, u64 index) LV_REQUIRES(g_lock) {
    CachePage* run[kCluster];
    void* bufs[kCluster];
    size_t n = 0, sectors = 0;
    for (u64 i = index; n < kCluster; i++) {
        size_t s = sectors_in(dev, i);
        if (!s || (i != index && lookup(dev, i))) break;
        CachePage* p = new_page(dev, i);
        if (!p) break;
        p->pins++;
        run[n] = p;
        bufs[n++] = p->data;
        sectors += s;
        if (s < kSectorsPerPage) break;
    }
    if (n == 0) return Errno::ENOMEM;
    auto r = dev.transfer_pages(false, index * kSectorsPerPage, bufs, sectors);
    for (size_t i = 0; i < n; i++) {
        run[i]->pins--;
        if (r.is_error()) destroy(run[i]);
    }
    if (r.is_error()) {
        log_error("block: %s: read of %lu sectors at %lu failed", dev.name, sectors, index * kSectorsPerPage);
        return r.error();
    }
    return run[0];
}

} // namespace

BlockRef& BlockRef::operator=(BlockRef&& o) {
    if (this != &o) {
        release();
        m_page = o.m_page;
        m_offset = o.m_offset;
        o.m_page = nullptr;
    }
    return *this;
}

u8* BlockRef::data() const { return m_page->data + m_offset; }

void BlockRef::mark_dirty() const { m_page->dirty = true; }

void BlockRef::release() {
    if (!m_page) return;
    kernel::MutexLocker l(g_lock);
    m_page->pins--;
    m_page = nullptr;
}

ErrorOr<BlockRef> read_block(BlockDevice& dev, u64 offset, u32 size) {
    if (!size || size > kPage || (size & (size - 1)) || offset % size) return Errno::EINVAL;
    if ((offset + size) / kSectorSize > dev.sectors) return Errno::EINVAL;
    kernel::MutexLocker l(g_lock);
    if (!g_max_pages) {
        // An eighth of RAM, between 1 MiB and 64 MiB.
        g_max_pages = size_t(min<u64>(max<u64>(mm::total_memory_bytes() / 8 / kPage, 256), 16384));
    }
    u64 index = offset / kPage;
    CachePage* p = lookup(dev, index);
    if (!p) p = TRY(read_in(dev, index));
    p->pins++;
    g_lru.remove(*p);
    g_lru.push_back(*p);
    return BlockRef(p, u32(offset % kPage));
}

ErrorOr<void> sync(BlockDevice& dev) {
    kernel::MutexLocker l(g_lock);
    TRY(write_back(&dev));
    return dev.flush();
}

ErrorOr<void> sync_all() {
    kernel::MutexLocker l(g_lock);
    ErrorOr<void> result = write_back(nullptr);
    for (size_t i = 0; BlockDevice* d = device_at(i); i++) {
        auto r = d->flush();
        if (r.is_error()) result = r.error();
    }
    return result;
}

void invalidate(BlockDevice& dev) {
    kernel::MutexLocker l(g_lock);
    for (CachePage* p = g_lru.first(); p;) {
        CachePage* next = g_lru.next(*p);
        if (p->dev == &dev && !p->pins && !p->dirty) destroy(p);
        p = next;
    }
}

ErrorOr<void> write_back_all() {
    kernel::MutexLocker l(g_lock);
    return write_back(nullptr);
}

void written_behind(BlockDevice& dev, u64 offset, const void* data, size_t len) {
    kernel::MutexLocker l(g_lock);
    auto* src = static_cast<const u8*>(data);
    while (len) {
        u64 index = offset / kPage;
        size_t in_page = size_t(offset % kPage);
        size_t chunk = min<size_t>(len, kPage - in_page);
        if (CachePage* p = lookup(dev, index)) memcpy(p->data + in_page, src, chunk);
        offset += chunk;
        src += chunk;
        len -= chunk;
    }
}

CacheUsage usage() {
    kernel::MutexLocker l(g_lock);
    CacheUsage u;
    u.pages = g_pages;
    for (CachePage& p : g_lru) u.dirty += p.dirty;
    return u;
}
} // namespace drivers::block
