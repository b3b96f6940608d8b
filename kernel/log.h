// Kernel log with levels, and panic(). The log goes to the console (framed on the
// log channel when the runner multiplexes the serial line, see kernel/console.h) and to
// an in-memory ring.
#pragma once
#include <lib/types.h>
#include <stdarg.h>

namespace kernel {
enum class LogLevel : int { Debug = 0, Info = 1, Warn = 2, Error = 3 };

void log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void set_log_level(LogLevel min_level);
void vlog(LogLevel level, const char* fmt, va_list ap);

// Print the reason and a symbolized backtrace, then stop the machine (the runner sees
// the panic record and exits with its panic status).
[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
bool panicking(); // a panic has begun (its output takes no locks)
// A message and the backtrace from (pc, fp), to the kernel log; the kernel carries on.
void log_backtrace(uptr pc, uptr fp, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
// The return addresses of the caller's callers (frame-pointer walk), at most `max`;
// returns how many. print_stack logs such a list, symbolized, under `title`.
int capture_stack(uptr* out, int max);
void print_stack(const char* title, const uptr* pcs, int n);
// Same, starting the backtrace at a given frame (for faults taken in kernel mode).
[[noreturn]] void panic_at(uptr pc, uptr fp, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
} // namespace kernel

#define log_debug(...) ::kernel::log(::kernel::LogLevel::Debug, __VA_ARGS__)
#define log_info(...) ::kernel::log(::kernel::LogLevel::Info, __VA_ARGS__)
#define log_warn(...) ::kernel::log(::kernel::LogLevel::Warn, __VA_ARGS__)
#define log_error(...) ::kernel::log(::kernel::LogLevel::Error, __VA_ARGS__)

#define KASSERT(cond)                                                                  \
    do {                                                                               \
        if (!(cond)) ::kernel::panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
    } while (0)
