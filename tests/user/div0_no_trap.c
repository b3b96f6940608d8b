// Integer division by zero does not trap on aarch64: the result is 0 (Arm ARM, SDIV).
// ARCH: aarch64
#include "lvtest.h"

int main(void) {
    volatile int zero = 0, seven = 7;
    CHECK(seven / zero == 0);
    return 0;
}
