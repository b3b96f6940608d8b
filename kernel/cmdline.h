// Kernel command line: space-separated words, `key` or `key=value`.
#pragma once
#include <lib/types.h>

namespace kernel::cmdline {
// Copies the value of `key` into out (NUL-terminated); false if absent.
bool get(const char* cmdline, const char* key, char* out, size_t cap);
// True if `key` is present as a bare word or with a value other than 0/no/off.
bool flag(const char* cmdline, const char* key);
} // namespace kernel::cmdline
