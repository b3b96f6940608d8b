// The few C++ runtime hooks a freestanding kernel still needs.
#include <kernel/log.h>
#include <lib/alloc.h>

extern "C" {
// Static objects' destructors never run: the kernel does not exit. Registering them is
// accepted and forgotten.
void* __dso_handle = nullptr;
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
void __cxa_pure_virtual() { kernel::panic("pure virtual call"); }
}

// Deleting destructors of polymorphic types reference these; objects are created with
// kmalloc (lv::make), so they are freed with kfree.
void operator delete(void* p) noexcept { kfree(p); }
void operator delete(void* p, size_t) noexcept { kfree(p); }
