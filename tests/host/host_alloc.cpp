// kmalloc & co. for the host tests: the kernel's heap API over malloc. kzalloc zeroes,
// kfree(nullptr) is harmless, and requests the kernel heap could not satisfy fail
// (return nullptr) instead of aborting under the sanitizers.
#include "host_alloc.h"
#include <lib/alloc.h>
#include <cstdlib>

namespace {
int fail_countdown = 0;

bool should_fail(size_t size) {
    if (size > host_alloc::kMaxAllocation) return true;
    return fail_countdown > 0 && --fail_countdown == 0;
}
} // namespace

void host_alloc::fail_nth(int n) { fail_countdown = n; }

void* kmalloc(size_t size) { return should_fail(size) ? nullptr : malloc(size ? size : 1); }
void* kzalloc(size_t size) { return should_fail(size) ? nullptr : calloc(1, size ? size : 1); }
void kfree(void* p) { free(p); }
