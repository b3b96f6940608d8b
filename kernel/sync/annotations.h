// Clang's thread-safety analysis (-Wthread-safety): locks are "capabilities", data names
// the lock that guards it, functions say which locks they need, take or give up, and
// the compiler checks every access. Zircon's TA_* and SerenityOS's annotations are the
// model. GCC ignores them (the kernel is built with GCC; the clang check is a test:
// tools/thread_safety_check.py).
//
//   Spinlock m_lock;
//   u64 m_count LV_GUARDED_BY(m_lock);
//   void bump() LV_REQUIRES(m_lock);
#pragma once

#if defined(__clang__)
#define LV_TSA(x) __attribute__((x))
#else
#define LV_TSA(x)
#endif

#define LV_CAPABILITY(name) LV_TSA(capability(name))
#define LV_SCOPED_CAPABILITY LV_TSA(scoped_lockable)
#define LV_GUARDED_BY(lock) LV_TSA(guarded_by(lock))
#define LV_PT_GUARDED_BY(lock) LV_TSA(pt_guarded_by(lock))
#define LV_REQUIRES(...) LV_TSA(requires_capability(__VA_ARGS__))
#define LV_EXCLUDES(...) LV_TSA(locks_excluded(__VA_ARGS__))
#define LV_ACQUIRE(...) LV_TSA(acquire_capability(__VA_ARGS__))
#define LV_RELEASE(...) LV_TSA(release_capability(__VA_ARGS__))
#define LV_TRY_ACQUIRE(...) LV_TSA(try_acquire_capability(__VA_ARGS__))
#define LV_ASSERT_CAPABILITY(lock) LV_TSA(assert_capability(lock))
#define LV_RETURN_CAPABILITY(lock) LV_TSA(lock_returned(lock))
// For the few functions the analysis cannot follow (say why next to each use).
#define LV_NO_THREAD_SAFETY_ANALYSIS LV_TSA(no_thread_safety_analysis)
