// A growable array whose growth can fail (try_append returns false; callers map it
// to ENOMEM). Elements are moved on growth.
#pragma once
#include <lib/alloc.h>

namespace lv {
template <typename T>
class Vector {
public:
    Vector() = default;
    Vector(Vector&& o) : m_data(o.m_data), m_size(o.m_size), m_cap(o.m_cap) { o.m_data = nullptr; o.m_size = o.m_cap = 0; }
    Vector& operator=(Vector&& o) { if (this != &o) { clear_and_free(); swap(m_data, o.m_data); swap(m_size, o.m_size); swap(m_cap, o.m_cap); } return *this; }
    Vector(const Vector&) = delete;
    Vector& operator=(const Vector&) = delete;
    ~Vector() { clear_and_free(); }

    [[nodiscard]] bool try_reserve(size_t n) {
        if (n <= m_cap) return true;
        size_t cap = m_cap ? m_cap * 2 : 4;
        if (cap < n) cap = n;
        if (cap > ~size_t(0) / sizeof(T)) return false; // cap * sizeof(T) would wrap
        T* d = static_cast<T*>(kmalloc(cap * sizeof(T)));
        if (!d) return false;
        for (size_t i = 0; i < m_size; i++) { new (&d[i]) T(move(m_data[i])); m_data[i].~T(); }
        kfree(m_data);
        m_data = d;
        m_cap = cap;
        return true;
    }
    [[nodiscard]] bool try_append(T v) {
        if (!try_reserve(m_size + 1)) return false;
        new (&m_data[m_size++]) T(move(v));
        return true;
    }
    [[nodiscard]] bool try_resize(size_t n) {
        if (!try_reserve(n)) return false;
        while (m_size < n) new (&m_data[m_size++]) T();
        while (m_size > n) m_data[--m_size].~T();
        return true;
    }
    void remove(size_t i) {
        for (size_t j = i; j + 1 < m_size; j++) m_data[j] = move(m_data[j + 1]);
        m_data[--m_size].~T();
    }
    void clear() { while (m_size) m_data[--m_size].~T(); }
    void clear_and_free() { clear(); kfree(m_data); m_data = nullptr; m_cap = 0; }

    size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    T* data() { return m_data; }
    const T* data() const { return m_data; }
    T& operator[](size_t i) { return m_data[i]; }
    const T& operator[](size_t i) const { return m_data[i]; }
    T& last() { return m_data[m_size - 1]; }
    T* begin() { return m_data; }
    T* end() { return m_data + m_size; }
    const T* begin() const { return m_data; }
    const T* end() const { return m_data + m_size; }

private:
    T* m_data = nullptr;
    size_t m_size = 0, m_cap = 0;
};
} // namespace lv
