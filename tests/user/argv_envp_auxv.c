// The initial stack: argc/argv/envp as given, and the auxiliary vector entries that
// libc start-up code relies on.
// ARGS: one two-words three
// ENV: LV_TEST=yes
#include "lvtest.h"
#include <elf.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
    CHECK(argc == 4, "argc is %d", argc);
    CHECK(strcmp(argv[1], "one") == 0);
    CHECK(strcmp(argv[2], "two-words") == 0);
    CHECK(strcmp(argv[3], "three") == 0);
    CHECK(argv[argc] == NULL);
    CHECK(argv[0] && argv[0][0], "argv[0] is empty");

    const char* path = getenv("PATH");
    CHECK(path && strstr(path, "/bin"), "PATH is %s", path ? path : "(unset)");
    CHECK(getenv("HOME") != NULL);
    CHECK(getenv("TERM") != NULL);
    CHECK(getenv("LV_TEST") && strcmp(getenv("LV_TEST"), "yes") == 0);
    int n = 0;
    for (char** e = environ; *e; e++) n++;
    CHECK(n >= 4, "only %d environment strings", n);

    CHECK(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ %lu", getauxval(AT_PAGESZ));
    CHECK(getauxval(AT_PHDR) != 0);
    CHECK(getauxval(AT_PHENT) == sizeof(Elf64_Phdr));
    CHECK(getauxval(AT_PHNUM) > 0);
    CHECK(getauxval(AT_ENTRY) != 0);
    const unsigned char* rnd = (const unsigned char*)getauxval(AT_RANDOM);
    CHECK(rnd != NULL, "no AT_RANDOM");
    int nonzero = 0;
    for (int i = 0; i < 16; i++) nonzero |= rnd[i];
    CHECK(nonzero, "AT_RANDOM bytes are all zero");
    CHECK(getauxval(AT_UID) == (unsigned long)getuid());
    CHECK(getauxval(AT_EUID) == (unsigned long)geteuid());
    CHECK(getauxval(AT_SECURE) == 0);
    const char* platform = (const char*)getauxval(AT_PLATFORM);
#if defined(__x86_64__)
    CHECK(platform && strcmp(platform, "x86_64") == 0, "AT_PLATFORM %s", platform ? platform : "(none)");
#else
    CHECK(platform && strcmp(platform, "aarch64") == 0, "AT_PLATFORM %s", platform ? platform : "(none)");
#endif
    // The ABI requires a 16-byte aligned stack at entry; a local of that alignment shows it held.
    _Alignas(16) volatile char probe[16];
    CHECK(((uintptr_t)probe & 15) == 0);
    return 0;
}
