// An undefined instruction raises SIGILL (x86_64: ud2; aarch64: udf #0).
// EXPECT: signal=4
int main(void) {
#if defined(__x86_64__)
    __asm__ volatile("ud2");
#else
    __asm__ volatile("udf #0");
#endif
    return 0;
}
