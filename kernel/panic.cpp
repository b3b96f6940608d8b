// panic(): the reason, a symbolized backtrace (frame-pointer walk), then stop. In
// multiplexed mode the text also goes on the panic channel, so the runner can exit
// with its panic status and show it.
#include <arch/interface.h>
#include <kernel/console.h>
#include <kernel/log.h>
#include <kernel/smp.h>
#include <kernel/symbols.h>
#include <lib/format.h>

namespace kernel {
namespace {
bool g_panicking = false;

struct Text {
    char buf[4096];
    size_t len = 0;
};
void put(void* ctx, char c) {
    auto* t = static_cast<Text*>(ctx);
    if (t->len < sizeof t->buf - 1) t->buf[t->len++] = c;
}

bool plausible_kernel_address(uptr a) { return a >= arch::kDirectMapBase && (a & 7) == 0; }

// The return addresses of the frame-pointer chain from `fp`, at most `max`.
int walk_frames(uptr fp, uptr* out, int max) {
    int n = 0;
    for (int depth = 0; depth < 32 && n < max && plausible_kernel_address(fp); depth++) {
        auto* frame = reinterpret_cast<uptr*>(fp);
        if (!frame[1]) break;
        out[n++] = frame[1];
        if (frame[0] <= fp) break; // stacks grow down: callers' frames are higher
        fp = frame[0];
    }
    return n;
}

void format_frame(Text& t, uptr pc) {
    const char* name = "?";
    u64 off = 0;
    symbolize(pc, name, off);
    lv::format(put, &t, "  %p %s+%#lx\n", reinterpret_cast<void*>(pc), name, off);
}

void format_backtrace(Text& t, uptr pc, uptr fp) {
    if (pc) format_frame(t, pc);
    uptr pcs[32];
    int n = walk_frames(fp, pcs, 32);
    for (int i = 0; i < n; i++) format_frame(t, pcs[i]);
}

[[noreturn]] void vpanic(uptr pc, uptr fp, const char* fmt, va_list ap) {
    arch::irq_disable();
    // A panic while panicking (here or on another CPU): stop quietly.
    if (__atomic_exchange_n(&g_panicking, true, __ATOMIC_ACQ_REL)) arch::halt_forever();
    smp::stop_others(); // they print where they were, then halt
    static Text t;
    lv::format(put, &t, "KERNEL PANIC: ");
    lv::vformat(put, &t, fmt, ap);
    lv::format(put, &t, "\nbacktrace:\n");
    format_backtrace(t, pc, fp);
    console::write(console::kLog, t.buf, t.len);
    if (console::multiplexed()) console::write(console::kPanic, t.buf, t.len);
    arch::poweroff();
}
} // namespace

bool panicking() { return __atomic_load_n(&g_panicking, __ATOMIC_RELAXED); }

int capture_stack(uptr* out, int max) {
    return walk_frames(reinterpret_cast<uptr>(__builtin_frame_address(0)), out, max);
}

// The text buffer of print_stack and log_backtrace (too big for a stack), and the
// console lines they write, one CPU at a time: a raw lock word, taken with interrupts off.
u32 g_text_lock = 0;
class TextLocker {
public:
    TextLocker() : m_irq(arch::irq_save()) {
        while (__atomic_exchange_n(&g_text_lock, 1u, __ATOMIC_ACQUIRE)) arch::cpu_relax();
    }
    ~TextLocker() {
        __atomic_store_n(&g_text_lock, 0u, __ATOMIC_RELEASE);
        arch::irq_restore(m_irq);
    }

private:
    arch::IrqState m_irq;
};

void print_stack(const char* title, const uptr* pcs, int n) {
    TextLocker l;
    static Text t;
    t.len = 0;
    lv::format(put, &t, "%s\n", title);
    for (int i = 0; i < n; i++) format_frame(t, pcs[i]);
    console::write(console::kLog, t.buf, t.len);
}

void log_backtrace(uptr pc, uptr fp, const char* fmt, ...) {
    TextLocker l;
    static Text t;
    t.len = 0;
    va_list ap;
    va_start(ap, fmt);
    lv::vformat(put, &t, fmt, ap);
    va_end(ap);
    lv::format(put, &t, "\nbacktrace:\n");
    format_backtrace(t, pc, fp);
    console::write(console::kLog, t.buf, t.len);
}

void panic(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vpanic(0, reinterpret_cast<uptr>(__builtin_frame_address(0)), fmt, ap);
}

void panic_at(uptr pc, uptr fp, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vpanic(pc, fp, fmt, ap);
}
} // namespace kernel
