#include <fs/data_pages.h>
#include <fs/ramfs.h>
#include <mm/phys.h>

namespace fs {
static_assert(kDataPageSize == mm::kPageSize);

u8* alloc_data_page(bool zeroed) {
    PhysAddr pa = zeroed ? mm::alloc_zeroed_frame() : mm::alloc_frame();
    return pa ? static_cast<u8*>(mm::phys_to_virt(pa)) : nullptr;
}

u64 tmpfs_default_pages() { return mm::total_memory_bytes() / mm::kPageSize / 2; }

void free_data_page(u8* page) {
    if (page) mm::free_frame(mm::virt_to_phys(page));
}
} // namespace fs
