// Futexes: waiting on a user word (FUTEX_WAIT/WAKE, the requeues). `shared`: the call
// came without FUTEX_PRIVATE_FLAG, so a word in MAP_SHARED memory is matched across
// processes (kernel/futex.cpp).
#pragma once
#include <lib/result.h>
#include <lib/types.h>

namespace kernel {
ErrorOr<long> futex_wait(VirtAddr uaddr, u32 expected, u64 timeout_ns, bool has_timeout, u32 bitset, bool shared);
ErrorOr<long> futex_wake(VirtAddr uaddr, int count, u32 bitset, bool shared);
// CLONE_CHILD_CLEARTID's wake at thread exit: shared, as Linux's.
inline void futex_wake_address(VirtAddr uaddr) { (void)futex_wake(uaddr, 1, ~0u, true); }

// Wakes up to wake_count waiters on uaddr and moves up to requeue_count others to uaddr2.
// With `cmp` (FUTEX_CMP_REQUEUE), EAGAIN unless *uaddr is *cmp, checked under the
// futex lock.
ErrorOr<long> futex_requeue(VirtAddr uaddr, int wake_count, VirtAddr uaddr2, int requeue_count, const u32* cmp,
                            bool shared);
} // namespace kernel
