// /proc/cpuinfo in Linux's format for the architecture: one block per online CPU
// ("processor : N", as many as sysconf(_SC_NPROCESSORS_ONLN)); on x86_64 vendor_id, cpu
// family, model name, flags, bogomips, address sizes; on aarch64 BogoMIPS, Features and
// the MIDR fields. The feature names agree with AT_HWCAP.
// SYSCALLS: openat, read
// HOST-QEMU-SKIP: qemu-aarch64 shows the host's /proc/cpuinfo
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "lvtest.h"

static char buf[1 << 20];

// The value of the first "key\t...: value" line at or after `from`, or NULL.
static const char* field(const char* from, const char* key, char* out, size_t cap) {
    size_t klen = strlen(key);
    for (const char* line = from; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, klen)) continue;
        const char* p = line + klen;
        while (*p == '\t' || *p == ' ') p++;
        if (*p != ':') continue;
        p++;
        if (*p == ' ') p++;
        size_t n = strcspn(p, "\n");
        if (n >= cap) n = cap - 1;
        memcpy(out, p, n);
        out[n] = 0;
        return out;
    }
    return NULL;
}

static int has_word(const char* list, const char* word) {
    size_t n = strlen(word);
    for (const char* p = list; (p = strstr(p, word)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == 0 || p[n] == ' ')) return 1;
    return 0;
}

int main(void) {
    lv_read_file("/proc/cpuinfo", buf, sizeof buf);

    long online = sysconf(_SC_NPROCESSORS_ONLN);
    int blocks = 0;
    char v[4096];
    unsigned long hw = getauxval(AT_HWCAP);
    for (const char* b = buf; (b = strstr(b, "processor")) && (b == buf || b[-1] == '\n'); b++) {
        CHECK(field(b, "processor", v, sizeof v) && atoi(v) == blocks, "block %d: processor %s", blocks, v);
#if defined(__x86_64__)
        CHECK(field(b, "vendor_id", v, sizeof v) && strlen(v) == 12, "vendor_id '%s'", v);
        CHECK(field(b, "cpu family", v, sizeof v) && atoi(v) > 0);
        CHECK(field(b, "model name", v, sizeof v) && v[0]);
        CHECK(field(b, "bogomips", v, sizeof v) && strtod(v, NULL) > 0, "bogomips '%s'", v);
        CHECK(field(b, "address sizes", v, sizeof v) && strstr(v, "bits physical") && strstr(v, "bits virtual"));
        CHECK(field(b, "flags", v, sizeof v));
        // AT_HWCAP on x86_64 is CPUID.1:EDX.
        CHECK(has_word(v, "lm") && ((hw & 1) == 0 || has_word(v, "fpu")) && ((hw & (1ul << 26)) == 0 || has_word(v, "sse2")),
              "flags '%s' (hwcap %#lx)", v, hw);
#elif defined(__aarch64__)
        CHECK(field(b, "BogoMIPS", v, sizeof v) && strtod(v, NULL) > 0, "BogoMIPS '%s'", v);
        CHECK(field(b, "CPU implementer", v, sizeof v) && !strncmp(v, "0x", 2));
        CHECK(field(b, "CPU architecture", v, sizeof v) && atoi(v) == 8);
        CHECK(field(b, "CPU part", v, sizeof v) && !strncmp(v, "0x", 2));
        CHECK(field(b, "Features", v, sizeof v));
        static const char* const names[] = {"fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32", "atomics"};
        for (int i = 0; i < 9; i++)
            CHECK(!(hw & (1ul << i)) == !has_word(v, names[i]), "Features '%s' vs AT_HWCAP %#lx (%s)", v, hw, names[i]);
#endif
        blocks++;
    }
    CHECK(blocks >= 1 && blocks == online, "%d processor blocks, %ld CPUs online", blocks, online);
    puts("ok");
    return 0;
}
