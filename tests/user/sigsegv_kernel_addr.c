// User code reading a kernel-half address gets SIGSEGV, not the kernel's memory.
// EXPECT: signal=11
#include <stdio.h>

int main(void) {
    volatile unsigned long* p = (volatile unsigned long*)0xffffffff80000000ul;
    printf("%lx\n", *p);
    return 0;
}
