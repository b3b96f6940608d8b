// The main thread's stack grows on demand well past its first pages (here: 4 MiB of
// recursion, under the usual 8 MiB limit).
#include "lvtest.h"

static int depth(int n) {
    volatile char frame[4096];
    frame[0] = (char)n;
    frame[4095] = (char)n;
    if (n == 0) return frame[0];
    return depth(n - 1) + frame[4095] - (char)n;
}

int main(void) {
    CHECK(depth(1000) == 0);
    return 0;
}
