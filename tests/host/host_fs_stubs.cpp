// What the pure filesystem code (fs/ramfs*.cpp, vfs*.cpp, open.cpp, initramfs.cpp,
// page_tree.cpp) needs from the rest of the kernel, for the host tests: a clock, the
// vfs lock (one thread: nothing to exclude), data pages from malloc, user copies that
// are plain memcpy (host tests pass kernel pointers), interrupts and a log that do
// nothing.
#include <arch/interface.h>
#include <fs/data_pages.h>
#include <fs/mutex.h>
#include <fs/ramfs.h>
#include <kernel/log.h>
#include <kernel/time.h>
#include <mm/user_ptr.h>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace kernel::time {
KTimespec realtime_now() {
    static i64 tick = 1700000000;
    return KTimespec {tick++, 0}; // strictly increasing, so tests can see updates
}
} // namespace kernel::time

namespace kernel {
void Mutex::lock() { m_depth++; }
void Mutex::unlock() { m_depth--; }
} // namespace kernel

namespace fs {
Mutex& vfs_lock() {
    static Mutex m;
    return m;
}

u8* alloc_data_page(bool zeroed) {
    void* p = aligned_alloc(kDataPageSize, kDataPageSize);
    if (p && zeroed) memset(p, 0, kDataPageSize);
    return static_cast<u8*>(p);
}
void free_data_page(u8* page) { free(page); }
u64 data_pages_free() { return 1ull << 20; } // 4 GiB: more than any host test asks
// Host pages are not frames: nothing maps them here.
ErrorOr<PhysAddr> RamFile::vm_page(u64, bool) { return Errno::ENODEV; }
bool RamFile::vm_resident(u64) { return false; }
} // namespace fs

namespace mm {
// No address spaces in the host tests: objects are never mapped.
VmObject::~VmObject() {}
void VmObject::unmap_pages(u64, u64) {}
u64 VmObject::writable_regions() const { return 0; }
bool VmObject::deny_writable() { return true; }
ErrorOr<void> copy_from_user(void* dst, VirtAddr src, size_t n) {
    if (n && !src) return Errno::EFAULT;
    memcpy(dst, reinterpret_cast<const void*>(src), n);
    return {};
}
ErrorOr<void> copy_to_user(VirtAddr dst, const void* src, size_t n) {
    if (n && !dst) return Errno::EFAULT;
    memcpy(reinterpret_cast<void*>(dst), src, n);
    return {};
}
ErrorOr<void> clear_user(VirtAddr dst, size_t n) {
    if (n && !dst) return Errno::EFAULT;
    memset(reinterpret_cast<void*>(dst), 0, n);
    return {};
}
} // namespace mm

namespace kernel {
void log(LogLevel, const char* fmt, ...) {
    if (getenv("LV_HOST_LOG")) {
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
}
} // namespace kernel

// Interrupts, wait queues and signals for fs/pipe.cpp and fs/fd_table.cpp: one thread,
// so a wait can never be satisfied; it returns EINTR as if a signal came.
namespace arch {
IrqState irq_save() { return 0; }
void irq_restore(IrqState) {}
void cpu_relax() {}
} // namespace arch
namespace kernel::smp {
void handle_requests() {} // one CPU: nobody asks anything of it
} // namespace kernel::smp
namespace kernel::giant {
void lock() {} // one thread: nothing to exclude
void unlock() {}
} // namespace kernel::giant

#include <fs/context.h>
#include <fs/fd_table.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <kernel/wait_queue.h>
#include <mm/address_space.h>
#include <kernel/sync/giant.h>

namespace kernel::giant {
Section::Section() {} // one thread: nothing to exclude
Section::~Section() {}
} // namespace kernel::giant
namespace mm {
// Host tests make no address space: only the Process destructor refers to these.
AddressSpace::~AddressSpace() {}
void PageTable::destroy() {}
} // namespace mm
namespace kernel {
void Spinlock::held_changed(int) {}
void Spinlock::contended() {} // one thread: never taken twice
void Spinlock::lock_irqs_on() { m_locked = 1; } // one thread, no interrupts
void Spinlock::unlock_irqs_on() { m_locked = 0; }
void Spinlock::not_for_sleep() { __builtin_trap(); }
Process::Process() = default;
Process::~Process() = default;
ErrorOr<void> WaitQueue::wait_interruptible() { return Errno::EINTR; }
ErrorOr<void> WaitQueue::sleep_releasing(Mutex&) { return Errno::EINTR; }
void WaitQueue::wake_all(u32) {}
void WaitQueue::wake_one() {}
Thread& current_thread() {
    // Never constructed (its arch state has an out-of-line constructor): only its
    // address is used, as a mutex owner and signal target.
    alignas(Thread) static unsigned char storage[sizeof(Thread)];
    return *reinterpret_cast<Thread*>(storage);
}
Process& current_process() {
    static Process p;
    return p;
}
int host_last_signal = 0; // read by the pipe tests
void send_signal(Thread&, int sig) { host_last_signal = sig; }
void send_signal(Process&, int sig) { host_last_signal = sig; }
} // namespace kernel
