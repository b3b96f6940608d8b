// Fallible kernel allocation. kmalloc returns nullptr when memory runs out; callers
// turn that into ENOMEM. In the kernel this is mm/heap.cpp; in host tests, malloc.
// `new (lv::nothrow) T(...)` goes through kmalloc as well; plain `new` is not used.
#pragma once
#include <lib/types.h>
#include <lib/utility.h>

void* kmalloc(size_t size);
void* kzalloc(size_t size);
void kfree(void* p);

namespace lv {
struct NoThrow {};
inline constexpr NoThrow nothrow {};

// Allocate and construct; nullptr on failure.
template <typename T, typename... Args>
T* make(Args&&... args) {
    void* p = kmalloc(sizeof(T));
    if (!p) return nullptr;
    return new (p) T(forward<Args>(args)...);
}
template <typename T>
void destroy(T* p) {
    if (!p) return;
    p->~T();
    kfree(p);
}
} // namespace lv
