#include <kernel/log.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <mm/address_space.h>
#include <mm/vm_object.h>

namespace mm {
VmObject::~VmObject() {
    // Regions hold their file, and so this object: none can be left.
    kernel::SpinlockLocker l(m_lock);
    KASSERT(m_mappers.empty());
}

ErrorOr<void> VmObject::add_mapper(AddressSpace& as, bool writable) {
    kernel::SpinlockLocker l(m_lock);
    if (writable && m_deny_writable) return Errno::EPERM;
    bool found = false;
    for (Mapper& m : m_mappers) {
        if (m.as == &as) {
            m.regions++;
            found = true;
            break;
        }
    }
    if (!found && !m_mappers.try_append(Mapper {&as, 1})) return Errno::ENOMEM;
    if (writable) m_writable++;
    return {};
}

void VmObject::remove_mapper(AddressSpace& as, bool writable) {
    kernel::SpinlockLocker l(m_lock);
    if (writable) m_writable--;
    for (size_t i = 0; i < m_mappers.size(); i++) {
        if (m_mappers[i].as != &as) continue;
        if (--m_mappers[i].regions == 0) m_mappers.remove(i);
        return;
    }
    KASSERT(!"remove_mapper: not a mapper");
}

u64 VmObject::regions() const {
    kernel::SpinlockLocker l(m_lock);
    u64 n = 0;
    for (const Mapper& m : m_mappers) n += m.regions;
    return n;
}

bool VmObject::deny_writable() {
    kernel::SpinlockLocker l(m_lock);
    if (m_writable) return false;
    m_deny_writable = true;
    return true;
}

u64 VmObject::writable_regions() const {
    kernel::SpinlockLocker l(m_lock);
    return m_writable;
}

void VmObject::collect(lv::Vector<AddressSpace*>& out) {
    for (;;) {
        size_t n;
        {
            kernel::SpinlockLocker l(m_lock);
            n = m_mappers.size();
            if (out.try_reserve(n)) {
                // An address space whose last reference is going is being torn down:
                // its regions go with it, nothing to do there.
                for (Mapper& m : m_mappers)
                    if (m.as->try_ref()) (void)out.try_append(m.as);
                return;
            }
        }
        // Reserve outside the lock and look again (the list may have grown meanwhile).
        // A few words that cannot be had: memory is being reclaimed; wait for it
        // rather than leave a dropped page mapped.
        if (!out.try_reserve(n)) kernel::sched::sleep_until(kernel::time::monotonic_ns() + 1'000'000);
    }
}

void VmObject::unmap_pages(u64 first, u64 last) {
    if (first >= last) return;
    lv::Vector<AddressSpace*> spaces;
    collect(spaces);
    for (AddressSpace* as : spaces) {
        as->unmap_object_pages(*this, first, last);
        as->unref();
    }
}

void VmObject::write_protect_page(u64 index) {
    lv::Vector<AddressSpace*> spaces;
    collect(spaces);
    for (AddressSpace* as : spaces) {
        as->write_protect_object_page(*this, index);
        as->unref();
    }
}
} // namespace mm
