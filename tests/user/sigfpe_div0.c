// Integer division by zero raises SIGFPE on x86_64 (on aarch64 it yields 0, no trap).
// ARCH: x86_64
// EXPECT: signal=8
int main(void) {
    volatile int zero = 0, one = 1;
    return one / zero;
}
