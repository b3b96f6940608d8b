#include <kernel/cmdline.h>
#include <lib/string.h>

namespace kernel::cmdline {
bool get(const char* cmdline, const char* key, char* out, size_t cap) {
    size_t klen = strlen(key);
    const char* p = cmdline;
    while (*p) {
        while (*p == ' ') p++;
        const char* word = p;
        while (*p && *p != ' ') p++;
        size_t wlen = size_t(p - word);
        if (wlen >= klen && memcmp(word, key, klen) == 0 && (wlen == klen || word[klen] == '=')) {
            const char* v = wlen == klen ? word + klen : word + klen + 1;
            size_t vlen = size_t(p - v);
            if (cap) {
                size_t n = vlen < cap - 1 ? vlen : cap - 1;
                memcpy(out, v, n);
                out[n] = 0;
            }
            return true;
        }
    }
    return false;
}

bool flag(const char* cmdline, const char* key) {
    char v[8];
    if (!get(cmdline, key, v, sizeof v)) return false;
    return strcmp(v, "0") != 0 && strcmp(v, "no") != 0 && strcmp(v, "off") != 0;
}
} // namespace kernel::cmdline
