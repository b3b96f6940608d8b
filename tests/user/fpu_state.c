// The vector registers belong to the thread: kept across context switches, saved in the
// signal frame as Linux lays it out, and restored from it by rt_sigreturn (so a handler
// that edits the frame changes them).
//   x86_64: the AVX registers (upper halves of ymm) through XSAVE: CPUID says the OS
//   manages AVX (OSXSAVE, XCR0), the frame says UC_FP_XSTATE with FP_XSTATE_MAGIC1 in
//   the software bytes, the size and features, FP_XSTATE_MAGIC2 after the image, and the
//   handler starts with clean registers.
//   aarch64: the FPSIMD registers in the frame's fpsimd_context record.
// HOST-QEMU-SKIP: qemu-aarch64 (7.2) restores the FPSIMD registers from its own copy, not from the (edited) signal frame
// SYSCALLS: rt_sigaction, rt_sigreturn, kill, sched_yield
#include "lvtest.h"
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>

// Two 32-byte patterns (one per process in the switch test); only 16 bytes on aarch64.
static uint8_t pat_a[32], pat_b[32];
static volatile int handled;

static void fill(uint8_t* p, uint8_t seed) {
    for (int i = 0; i < 32; i++) p[i] = (uint8_t)(seed + i * 7);
}

#if defined(__x86_64__)
#include <cpuid.h>

static uint32_t ymm_hi_offset; // where the upper halves of ymm0-15 sit in an XSAVE image

// ymm8 := *in; kill(pid, sig) (the handler runs on the way back); *out := ymm8.
static void ymm8_across_signal(const uint8_t* in, uint8_t* out, int sig) {
    long pid = getpid();
    long nr = SYS_kill;
    __asm__ volatile("vmovdqu (%[in]), %%ymm8\n"
                     "syscall\n"
                     "vmovdqu %%ymm8, (%[out])\n"
                     : "+a"(nr)
                     : [in] "r"(in), [out] "r"(out), "D"(pid), "S"((long)sig)
                     : "rcx", "r11", "memory", "xmm8");
}

// ymm8-ymm15 := the pattern, `rounds` sched_yields, then each register compared with it.
static int ymm_survive_yields(const uint8_t* p, int rounds) {
    uint8_t out[8][32];
    for (int r = 0; r < rounds; r++) {
        long nr = SYS_sched_yield;
        __asm__ volatile("vmovdqu (%[p]), %%ymm8\n vmovdqu (%[p]), %%ymm9\n vmovdqu (%[p]), %%ymm10\n"
                         "vmovdqu (%[p]), %%ymm11\n vmovdqu (%[p]), %%ymm12\n vmovdqu (%[p]), %%ymm13\n"
                         "vmovdqu (%[p]), %%ymm14\n vmovdqu (%[p]), %%ymm15\n"
                         "syscall\n"
                         "vmovdqu %%ymm8, 0(%[o])\n vmovdqu %%ymm9, 32(%[o])\n vmovdqu %%ymm10, 64(%[o])\n"
                         "vmovdqu %%ymm11, 96(%[o])\n vmovdqu %%ymm12, 128(%[o])\n vmovdqu %%ymm13, 160(%[o])\n"
                         "vmovdqu %%ymm14, 192(%[o])\n vmovdqu %%ymm15, 224(%[o])\n"
                         : "+a"(nr)
                         : [p] "r"(p), [o] "r"(out)
                         : "rcx", "r11", "memory", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
                           "xmm15");
        for (int i = 0; i < 8; i++)
            if (memcmp(out[i], p, 32)) return 0;
    }
    return 1;
}

static void handler(int sig, siginfo_t* si, void* ctx) {
    (void)sig;
    (void)si;
    // First, before any code could touch it: the handler starts with ymm8 zero.
    uint8_t now[32];
    __asm__ volatile("vmovdqu %%ymm8, (%0)" : : "r"(now) : "memory");
    static const uint8_t zero[32];
    CHECK(!memcmp(now, zero, 32), "the handler did not start with clean vector registers");
    // Clobber it: rt_sigreturn must bring back what the frame holds.
    __asm__ volatile("vpcmpeqb %%ymm8, %%ymm8, %%ymm8" : : : "xmm8");

    ucontext_t* uc = ctx;
    CHECK(uc->uc_flags & 1, "uc_flags lacks UC_FP_XSTATE: %#lx", (unsigned long)uc->uc_flags);
    uint8_t* fp = (uint8_t*)uc->uc_mcontext.fpregs;
    CHECK(fp && ((uintptr_t)fp & 63) == 0, "fpstate %p is not 64-byte aligned", (void*)fp);
    uint32_t magic1, extended_size, xstate_size, magic2;
    uint64_t xfeatures;
    memcpy(&magic1, fp + 464, 4);
    memcpy(&extended_size, fp + 468, 4);
    memcpy(&xfeatures, fp + 472, 8);
    memcpy(&xstate_size, fp + 480, 4);
    CHECK(magic1 == 0x46505853, "FP_XSTATE_MAGIC1 missing: %#x", magic1);
    CHECK(extended_size == xstate_size + 4, "extended_size %u, xstate_size %u", extended_size, xstate_size);
    CHECK((xfeatures & 7) == 7, "xfeatures %#llx lacks x87/SSE/AVX", (unsigned long long)xfeatures);
    unsigned a, b, c, d;
    __cpuid_count(0xd, 0, a, b, c, d);
    CHECK(xstate_size >= ymm_hi_offset + 256 && xstate_size <= c, "xstate_size %u (CPUID max %u)", xstate_size, c);
    memcpy(&magic2, fp + xstate_size, 4);
    CHECK(magic2 == 0x46505845, "FP_XSTATE_MAGIC2 missing after the image: %#x", magic2);
    uint64_t xstate_bv;
    memcpy(&xstate_bv, fp + 512, 8);
    CHECK(xstate_bv & 4, "XSTATE_BV %#llx: no AVX state saved", (unsigned long long)xstate_bv);
    // The interrupted ymm8: lower half in the legacy area (xmm8 at 160 + 8*16), upper
    // half in the AVX component.
    CHECK(!memcmp(fp + 160 + 8 * 16, pat_a, 16), "xmm8 in the frame differs");
    CHECK(!memcmp(fp + ymm_hi_offset + 8 * 16, pat_a + 16, 16), "ymm8's upper half in the frame differs");
    // Return with another upper half.
    memcpy(fp + ymm_hi_offset + 8 * 16, pat_b + 16, 16);
    handled++;
}

static void check_arch(void) {
    unsigned a, b, c, d;
    CHECK(__get_cpuid(1, &a, &b, &c, &d));
    CHECK(c & (1u << 27), "CPUID.1:ECX.OSXSAVE is 0: the kernel does not manage XSAVE state");
    CHECK(c & (1u << 28), "no AVX");
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    CHECK((lo & 7) == 7, "XCR0 %#x lacks x87/SSE/AVX", lo);
    __cpuid_count(0xd, 2, a, b, c, d);
    ymm_hi_offset = b;
    CHECK(ymm_hi_offset >= 576, "CPUID.(0xd,2) offset %u", ymm_hi_offset);

    struct sigaction sa = {0};
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    uint8_t out[32];
    ymm8_across_signal(pat_a, out, SIGUSR1);
    CHECK(handled == 1);
    CHECK(!memcmp(out, pat_a, 16), "xmm8 changed across the handler");
    CHECK(!memcmp(out + 16, pat_b + 16, 16), "ymm8's upper half is not the one the handler put in the frame");
}
#define survive_yields ymm_survive_yields

#elif defined(__aarch64__)

// v8 := *in; kill(pid, sig); *out := v8.
static void v8_across_signal(const uint8_t* in, uint8_t* out, int sig) {
    register long x0 __asm__("x0") = getpid();
    register long x1 __asm__("x1") = sig;
    register long x8 __asm__("x8") = SYS_kill;
    __asm__ volatile("ldr q8, [%[in]]\n"
                     "svc #0\n"
                     "str q8, [%[out]]\n"
                     : "+r"(x0)
                     : "r"(x1), "r"(x8), [in] "r"(in), [out] "r"(out)
                     : "memory", "v8");
}

static int v_survive_yields(const uint8_t* p, int rounds) {
    uint8_t out[8][16];
    for (int r = 0; r < rounds; r++) {
        register long x0 __asm__("x0") = 0;
        register long x8 __asm__("x8") = SYS_sched_yield;
        __asm__ volatile("ldr q8, [%[p]]\n ldr q9, [%[p]]\n ldr q10, [%[p]]\n ldr q11, [%[p]]\n"
                         "ldr q12, [%[p]]\n ldr q13, [%[p]]\n ldr q14, [%[p]]\n ldr q15, [%[p]]\n"
                         "svc #0\n"
                         "str q8, [%[o]]\n str q9, [%[o], #16]\n str q10, [%[o], #32]\n str q11, [%[o], #48]\n"
                         "str q12, [%[o], #64]\n str q13, [%[o], #80]\n str q14, [%[o], #96]\n str q15, [%[o], #112]\n"
                         : "+r"(x0)
                         : "r"(x8), [p] "r"(p), [o] "r"(out)
                         : "memory", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15");
        for (int i = 0; i < 8; i++)
            if (memcmp(out[i], p, 16)) return 0;
    }
    return 1;
}

static void handler(int sig, siginfo_t* si, void* ctx) {
    (void)sig;
    (void)si;
    __asm__ volatile("movi v8.16b, #0xff" : : : "v8"); // rt_sigreturn must restore it
    // struct sigcontext: fault_address, regs[31], sp, pc, pstate, then __reserved at 288
    // holding records; the first is the fpsimd_context.
    uint8_t* rec = (uint8_t*)&((ucontext_t*)ctx)->uc_mcontext + 288;
    uint32_t magic, size;
    memcpy(&magic, rec, 4);
    memcpy(&size, rec + 4, 4);
    CHECK(magic == 0x46508001 && size == 528, "fpsimd_context record: magic %#x size %u", magic, size);
    // magic, size, fpsr, fpcr, then vregs[32] (16 bytes each) from byte 16.
    CHECK(!memcmp(rec + 16 + 8 * 16, pat_a, 16), "v8 in the frame differs");
    memcpy(rec + 16 + 8 * 16, pat_b, 16);
    handled++;
}

static void check_arch(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    uint8_t out[16];
    v8_across_signal(pat_a, out, SIGUSR1);
    CHECK(handled == 1);
    CHECK(!memcmp(out, pat_b, 16), "v8 is not the value the handler put in the frame");
}
#define survive_yields v_survive_yields
#endif

int main(void) {
    fill(pat_a, 0x11);
    fill(pat_b, 0xa0);
    check_arch();

    // Two processes, each with its own register contents, switching back and forth.
    pid_t child = CHECK_OK(fork());
    if (child == 0) _exit(survive_yields(pat_b, 2000) ? 0 : 3);
    CHECK(survive_yields(pat_a, 2000), "the parent's vector registers changed across context switches");
    int st;
    CHECK_OK(waitpid(child, &st, 0));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child's vector registers changed (status %#x)", st);
    puts("ok");
    return 0;
}
