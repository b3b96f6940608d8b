// Intrusive reference counting. A type opts in by deriving from RefCounted<T>; the
// last unref() destroys it (through a virtual destructor when T is polymorphic).
// The count is updated atomically: the kernel is preemptive, and threads sharing an
// object (an open file in a shared fd table) may change it at the same time.
#pragma once
#include <lib/alloc.h>

namespace lv {
template <typename T>
class RefCounted {
public:
    void ref() const { __atomic_fetch_add(&m_refs, 1, __ATOMIC_RELAXED); }
    void unref() const {
        if (__atomic_sub_fetch(&m_refs, 1, __ATOMIC_ACQ_REL) == 0) destroy(const_cast<T*>(static_cast<const T*>(this)));
    }
    u32 ref_count() const { return __atomic_load_n(&m_refs, __ATOMIC_RELAXED); }
    // A new reference unless the count already reached 0 (the object is being
    // destroyed): for finding an object through a table that does not hold it (Linux's
    // kref_get_unless_zero). The table's own lock keeps the memory valid meanwhile.
    bool try_ref() const {
        u32 n = __atomic_load_n(&m_refs, __ATOMIC_RELAXED);
        while (n) {
            if (__atomic_compare_exchange_n(&m_refs, &n, n + 1, true, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return true;
        }
        return false;
    }

protected:
    RefCounted() = default;
    ~RefCounted() = default;

private:
    mutable u32 m_refs = 1;
};

template <typename T>
class RefPtr {
public:
    RefPtr() = default;
    RefPtr(decltype(nullptr)) {}
    // Takes a new reference.
    RefPtr(T* p) : m_ptr(p) { if (m_ptr) m_ptr->ref(); }
    RefPtr(const RefPtr& o) : RefPtr(o.m_ptr) {}
    RefPtr(RefPtr&& o) : m_ptr(o.m_ptr) { o.m_ptr = nullptr; }
    template <typename U>
    RefPtr(const RefPtr<U>& o) : RefPtr(o.get()) {}
    template <typename U>
    RefPtr(RefPtr<U>&& o) : m_ptr(o.leak_ref()) {}
    ~RefPtr() { clear(); }
    RefPtr& operator=(const RefPtr& o) { RefPtr t(o); swap(m_ptr, t.m_ptr); return *this; }
    RefPtr& operator=(RefPtr&& o) { RefPtr t(move(o)); swap(m_ptr, t.m_ptr); return *this; }

    // Adopts the initial reference of a freshly made object (refcount starts at 1).
    static RefPtr adopt(T* p) { RefPtr r; r.m_ptr = p; return r; }

    void clear() { if (m_ptr) { T* p = m_ptr; m_ptr = nullptr; p->unref(); } }
    T* leak_ref() { T* p = m_ptr; m_ptr = nullptr; return p; }
    T* get() const { return m_ptr; }
    T* operator->() const { return m_ptr; }
    T& operator*() const { return *m_ptr; }
    explicit operator bool() const { return m_ptr != nullptr; }
    bool operator==(const RefPtr& o) const { return m_ptr == o.m_ptr; }

private:
    T* m_ptr = nullptr;
};

// make_ref<T>(args...): allocate, construct, adopt. Null on allocation failure.
template <typename T, typename... Args>
RefPtr<T> make_ref(Args&&... args) {
    return RefPtr<T>::adopt(make<T>(forward<Args>(args)...));
}
} // namespace lv
