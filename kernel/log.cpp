// The kernel log: "[seconds.micros] L message" lines to the console's log channel.
#include <arch/interface.h>
#include <kernel/console.h>
#include <kernel/sync/giant.h>
#include <kernel/log.h>
#include <lib/format.h>

namespace kernel {
namespace {
LogLevel g_min_level = LogLevel::Info;

struct LineBuffer {
    char buf[512];
    size_t len = 0;
};
void put(void* ctx, char c) {
    auto* b = static_cast<LineBuffer*>(ctx);
    if (b->len < sizeof b->buf - 1) b->buf[b->len++] = c;
}
} // namespace

void set_log_level(LogLevel min_level) { g_min_level = min_level; }

void vlog(LogLevel level, const char* fmt, va_list ap) {
    if (level < g_min_level) return;
    static const char kTag[] = {'D', 'I', 'W', 'E'};
    LineBuffer line;
    u64 ns = arch::monotonic_ns();
    lv::format(put, &line, "[%5lu.%06lu] %c ", ns / 1000000000, (ns / 1000) % 1000000, kTag[int(level)]);
    lv::vformat(put, &line, fmt, ap);
    line.buf[line.len++] = '\n';
    console::write(console::kLog, line.buf, line.len);
}

void log(LogLevel level, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
}
} // namespace kernel
