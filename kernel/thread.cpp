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

Thread::Thread(Process* process, int tid, uptr kstack_base, void (*entry)(void*), void* arg, const char* name)
    : m_tid(tid), m_process(process), m_kstack_base(kstack_base), m_kernel_entry(entry), m_kernel_arg(arg) {
    lv::copy_truncated(m_name, sizeof m_name, name); // not yet visible: no lock
    arch::thread_state_init(m_own.arch_state);
    // Leave room for the user TrapFrame at the top: kernel code runs below it.
    arch::context_init(m_own.context, kstack_top() - sizeof(arch::TrapFrame), sched::thread_start, this);
}

void Thread::set_name(const char* name) { lv::copy_truncated(m_name, sizeof m_name, name); }

Thread* create_thread(Process* process, void (*entry)(void*), void* arg, const char* name) {
    // Mapped on its own below a guard page (mm/kernel_stack.h), not in the direct map.
    VirtAddr stack = mm::alloc_kernel_stack();
    if (!stack) return nullptr;
    auto* t = lv::make<Thread>(process, process ? allocate_id() : allocate_kernel_id(), stack, entry, arg, name);
    if (!t) mm::free_kernel_stack(stack);
    return t;
}

void destroy_thread(Thread* t) {
    mm::free_kernel_stack(t->kstack_base());
    lv::destroy(t);
}
} // namespace kernel
