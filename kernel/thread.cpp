#include <kernel/log.h>
#include <kernel/cpu_stat.h>
#include <kernel/sched.h>
#include <kernel/thread.h>
#include <lib/alloc.h>
#include <lib/string.h>
#include <mm/kernel_stack.h>
#include <mm/phys.h>

namespace kernel {
namespace {
// Atomic counters: no lock needed to hand out a number.
int g_next_id = 1;
// Kernel threads are numbered above PID_MAX_LIMIT (4194304), so user ids start at 1 and
// the first process is pid 1, as programs expect of init.
int g_next_kernel_id = 4194304 + 1;
} // namespace

u64 tasks_created() { return u64(__atomic_load_n(&g_next_id, __ATOMIC_RELAXED) - 1); }

int allocate_id() {
    // FIXME: ids are not reused; wrap-around at 2^31 is far away for now.
    return __atomic_fetch_add(&g_next_id, 1, __ATOMIC_RELAXED);
}

static int allocate_kernel_id() { return __atomic_fetch_add(&g_next_kernel_id, 1, __ATOMIC_RELAXED); }

// The analysis is off: the new thread is private to its maker until it is added to a
// process and to the scheduler, so its guarded fields are written without their locks.
Thread* create_thread(Process* process, void (*entry)(void*), void* arg, const char* name) LV_NO_THREAD_SAFETY_ANALYSIS {
    auto* t = lv::make<Thread>();
    if (!t) return nullptr;
    // Mapped on its own below a guard page (mm/kernel_stack.h), not in the direct map.
    VirtAddr stack = mm::alloc_kernel_stack();
    if (!stack) {
        lv::destroy(t);
        return nullptr;
    }
    t->kstack_base = stack;
    t->process = process;
    t->tid = process ? allocate_id() : allocate_kernel_id();
    t->kernel_entry = entry;
    t->kernel_arg = arg;
    size_t n = strnlen(name, sizeof(t->name) - 1);
    memcpy(t->name, name, n);
    t->name[n] = 0;
    arch::thread_state_init(t->arch_state);
    // Leave room for the user TrapFrame at the top: kernel code runs below it.
    arch::context_init(t->context, t->kstack_top() - sizeof(arch::TrapFrame), sched::thread_start, t);
    return t;
}

void destroy_thread(Thread* t) {
    mm::free_kernel_stack(t->kstack_base);
    lv::destroy(t);
}
} // namespace kernel
