#include <fs/data_pages.h>
#include <fs/ramfs.h>
#include <mm/phys.h>

namespace fs {
static_assert(kDataPageSize == mm::kPageSize);

namespace {
u64 g_in_use = 0; // atomic: pages are freed wherever a file's last reference goes
} // namespace

u8* alloc_data_page(bool zeroed) {
    PhysAddr pa = zeroed ? mm::alloc_zeroed_frame() : mm::alloc_frame();
    if (!pa) return nullptr;
    __atomic_fetch_add(&g_in_use, 1, __ATOMIC_RELAXED);
    return static_cast<u8*>(mm::phys_to_virt(pa));
}

u64 data_pages_in_use() { return __atomic_load_n(&g_in_use, __ATOMIC_RELAXED); }
u64 data_pages_free() { return mm::free_memory_bytes() / mm::kPageSize; }

u64 tmpfs_default_pages() { return mm::total_memory_bytes() / mm::kPageSize / 2; }

void free_data_page(u8* page) {
    if (!page) return;
    __atomic_fetch_sub(&g_in_use, 1, __ATOMIC_RELAXED);
    mm::free_frame(mm::virt_to_phys(page));
}
} // namespace fs
