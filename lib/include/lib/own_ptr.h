// Single-owner pointer, freed with lv::destroy.
#pragma once
#include <lib/alloc.h>

namespace lv {
template <typename T>
class OwnPtr {
public:
    OwnPtr() = default;
    explicit OwnPtr(T* p) : m_ptr(p) {}
    OwnPtr(OwnPtr&& o) : m_ptr(o.leak()) {}
    template <typename U>
    OwnPtr(OwnPtr<U>&& o) : m_ptr(o.leak()) {}
    OwnPtr& operator=(OwnPtr&& o) { if (this != &o) { reset(); m_ptr = o.leak(); } return *this; }
    OwnPtr(const OwnPtr&) = delete;
    OwnPtr& operator=(const OwnPtr&) = delete;
    ~OwnPtr() { reset(); }

    void reset(T* p = nullptr) { T* old = m_ptr; m_ptr = p; destroy(old); }
    T* leak() { T* p = m_ptr; m_ptr = nullptr; return p; }
    T* get() const { return m_ptr; }
    T* operator->() const { return m_ptr; }
    T& operator*() const { return *m_ptr; }
    explicit operator bool() const { return m_ptr != nullptr; }

private:
    T* m_ptr = nullptr;
};
} // namespace lv
