// A breakpoint instruction raises SIGTRAP (x86_64: int3; aarch64: brk #0).
// EXPECT: signal=5
int main(void) {
#if defined(__x86_64__)
    __asm__ volatile("int3");
#else
    __asm__ volatile("brk #0");
#endif
    return 0;
}
