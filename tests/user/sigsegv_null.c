// A store through a null pointer kills the process with SIGSEGV.
// EXPECT: signal=11
int main(void) {
    volatile int* p = (volatile int*)0;
    *p = 1;
    return 0;
}
