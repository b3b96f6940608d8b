// ramfs files as memory objects: their pages are what mappings map (kernel only; the
// host tests keep pages in malloc'd memory).
#include <fs/mutex.h>
#include <fs/ramfs.h>
#include <mm/phys.h>

namespace fs {
ErrorOr<PhysAddr> RamFile::vm_page(u64 index, bool) {
    MutexLocker l(vfs_lock());
    if (index >= align_up<u64>(size, kDataPageSize) / kDataPageSize) return Errno::EFAULT;
    bool fresh = !m_pages.get(index);
    if (fresh && !usage->charge_pages(1)) return Errno::ENOSPC;
    auto page = m_pages.get_or_alloc(index, true);
    if (page.is_error()) {
        if (fresh) usage->uncharge_pages(1);
        return page.error();
    }
    PhysAddr pa = mm::virt_to_phys(page.value());
    mm::share_frame(pa);
    return pa;
}
bool RamFile::vm_resident(u64 index) {
    MutexLocker l(vfs_lock());
    return m_pages.get(index) != nullptr;
}
} // namespace fs
