// Thread-local storage works in a static program: initialised __thread data, zeroed
// __thread bss, both writable (x86_64: arch_prctl(ARCH_SET_FS); aarch64: TPIDR_EL0).
// SYSCALLS: arch_prctl, set_tid_address
#include "lvtest.h"

static __thread int initialised = 1234;
static __thread long zeroed[64];
static __thread char text[16] = "thread-local";

int main(void) {
    CHECK(initialised == 1234);
    for (int i = 0; i < 64; i++) CHECK(zeroed[i] == 0);
    CHECK(strcmp(text, "thread-local") == 0);
    initialised++;
    zeroed[63] = -1;
    CHECK(initialised == 1235 && zeroed[63] == -1);
    CHECK(&initialised != NULL && (void*)&zeroed[0] != (void*)&initialised);
    return 0;
}
