// The Scalable Vector Extension (Linux's Documentation/arch/arm64/sve.rst), where the CPU
// has it (HWCAP_SVE; QEMU's -cpu max): the default vector length is 64 bytes; a system
// call keeps V0-V31 and zeroes the rest of Z0-Z31, P0-P15 and FFR; SVE registers survive
// preemption by another process using SVE on the same CPU; a signal frame carries an
// sve_context record with the registers, which sigreturn restores (the FP/SIMD record
// giving the low 128 bits), behind an extra_context record when they do not fit (256-byte
// vectors); prctl(PR_SVE_SET_VL/GET_VL) with its errors and flags, fork
// keeping the vector length. Without SVE: PR_SVE_GET_VL is EINVAL and SVE code SIGILL.
// Checked against Debian's arm64 Linux 6.1 under qemu-system-aarch64 -cpu max.
// ARCH: aarch64
// HOST-QEMU-SKIP: qemu-aarch64 (7.2) leaves the SVE state alone at system calls, where Linux zeroes it
#define _GNU_SOURCE
#include "lvtest.h"
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <ucontext.h>

#ifndef PR_SVE_SET_VL
#define PR_SVE_SET_VL 50
#define PR_SVE_GET_VL 51
#define PR_SVE_SET_VL_ONEXEC (1 << 18)
#define PR_SVE_VL_INHERIT (1 << 17)
#endif
#define HWCAP_SVE_BIT (1ul << 22)
#define SVE_MAGIC 0x53564501
#define FPSIMD_MAGIC 0x46508001
#define EXTRA_MAGIC 0x45585401

static long vl_now(void) {
    long vl;
    __asm__ volatile(".arch_extension sve\n rdvl %0, #1" : "=r"(vl));
    return vl;
}

// Every Z register gets bytes (base + n), every P register its first n + 1 byte lanes,
// FFR all true; then `spins` iterations of a loop that touches only general registers
// (and `flag`, which a signal handler may set to end it early); then everything is
// stored to z (32 * VL bytes), p (16 * VL/8) and ffr (VL/8).
static void fill_spin_store(int base, long spins, volatile int* flag, uint8_t* z, uint8_t* p, uint8_t* ffr) {
    __asm__ volatile(
        ".arch_extension sve\n"
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
        "add w9, %w[base], #\\n\n"
        "dup z\\n\\().b, w9\n"
        ".endr\n"
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
        "mov x9, #(\\n + 1)\n"
        "whilelo p\\n\\().b, xzr, x9\n"
        ".endr\n"
        "setffr\n"
        "mov w9, #1\n"
        "cbz %[flag], 2f\n"
        "str w9, [%[flag]]\n" // armed: the registers hold the pattern
        "2: mov x10, %[spins]\n"
        "1: subs x10, x10, #1\n"
        "b.eq 3f\n"
        "cbz %[flag], 1b\n"
        "ldr w9, [%[flag]]\n"
        "cmp w9, #2\n" // the handler has run
        "b.ne 1b\n"
        "3:\n"
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
        "str z\\n, [%[z], #\\n, mul vl]\n"
        ".endr\n"
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
        "str p\\n, [%[p], #\\n, mul vl]\n"
        ".endr\n"
        "rdffr p0.b\n"
        "str p0, [%[ffr]]\n"
        :
        : [base] "r"(base), [spins] "r"(spins), [flag] "r"(flag), [z] "r"(z), [p] "r"(p), [ffr] "r"(ffr)
        : "x9", "x10", "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11",
          "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26",
          "v27", "v28", "v29", "v30", "v31");
}

static int pbit(const uint8_t* pred, int lane) { return (pred[lane / 8] >> (lane % 8)) & 1; }

// What fill_spin_store stored matches its pattern (z7 and p3 may be overridden).
static int check_pattern(int base, long vl, const uint8_t* z, const uint8_t* p, const uint8_t* ffr, int z7, int p3_all) {
    for (int n = 0; n < 32; n++)
        for (long i = 0; i < vl; i++) {
            int want = (n == 7 && z7 >= 0) ? z7 : (base + n) & 0xff;
            if (z[n * vl + i] != want) {
                fprintf(stderr, "z%d byte %ld is %#x, want %#x\n", n, i, z[n * vl + i], want);
                return 0;
            }
        }
    for (int n = 0; n < 16; n++)
        for (long lane = 0; lane < vl; lane++) {
            int want = (n == 3 && p3_all) ? 1 : lane < n + 1;
            if (pbit(p + n * vl / 8, lane) != want) {
                fprintf(stderr, "p%d lane %ld is %d, want %d\n", n, lane, pbit(p + n * vl / 8, lane), want);
                return 0;
            }
        }
    for (long lane = 0; lane < vl; lane++)
        if (!pbit(ffr, lane)) return fprintf(stderr, "ffr lane %ld clear\n", lane), 0;
    return 1;
}

static uint8_t zbuf[32 * 256], pbuf[16 * 32], ffrbuf[32];

static void syscall_zeroes(long vl) {
    uint8_t z5[256], p5[32], ffr[32];
    memset(z5, 0xee, sizeof z5);
    memset(p5, 0xee, sizeof p5);
    memset(ffr, 0xee, sizeof ffr);
    __asm__ volatile(".arch_extension sve\n"
                     "index z5.b, #1, #1\n"
                     "ptrue p5.b\n"
                     "setffr\n"
                     "mov x8, #173\n" // getppid
                     "svc #0\n"
                     "str z5, [%[z]]\n"
                     "str p5, [%[p]]\n"
                     "rdffr p6.b\n"
                     "str p6, [%[f]]\n"
                     :
                     : [z] "r"(z5), [p] "r"(p5), [f] "r"(ffr)
                     : "x0", "x8", "v5", "v6", "memory");
    for (long i = 0; i < vl; i++) CHECK(z5[i] == (i < 16 ? i + 1 : 0), "z5 byte %ld is %d after a syscall", i, z5[i]);
    for (long i = 0; i < vl / 8; i++) CHECK(p5[i] == 0 && ffr[i] == 0, "p5/ffr byte %ld: %#x %#x", i, p5[i], ffr[i]);
}

// Two processes on one CPU, each spinning with its own SVE pattern: preemption must
// switch the whole state.
static void preemption(long vl) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    CHECK(sched_setaffinity(0, sizeof one, &one) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    int base = pid == 0 ? 0x40 : 0x80;
    int ok = 1;
    for (int round = 0; round < 3 && ok; round++) {
        fill_spin_store(base, 30000000, NULL, zbuf, pbuf, ffrbuf);
        ok = check_pattern(base, vl, zbuf, pbuf, ffrbuf, -1, 0);
    }
    if (pid == 0) _exit(ok ? 0 : 1);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(ok, "the parent's registers changed");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child's registers changed (%#x)", st);
}

static volatile int armed;
static volatile long frame_vl, frame_size;
static volatile int frame_z_ok, frame_extra;
static void on_alarm(int sig, siginfo_t* si, void* ctx) {
    ucontext_t* uc = ctx;
    if (armed != 1) return; // not yet in the loop: the test waits for the next one
    uint8_t* r = (uint8_t*)uc->uc_mcontext.__reserved;
    CHECK(*(uint32_t*)r == FPSIMD_MAGIC);
    uint8_t* fpsimd_v = r + 16;
    size_t off = *(uint32_t*)(r + 4);
    uint8_t* sve = NULL;
    frame_extra = 0;
    for (;;) {
        uint32_t magic = *(uint32_t*)(r + off), size = *(uint32_t*)(r + off + 4);
        if (!magic) break;
        if (magic == SVE_MAGIC) sve = r + off;
        if (magic == EXTRA_MAGIC) { // the records go on past the frame's __reserved
            r = (uint8_t*)*(uint64_t*)(r + off + 8);
            off = 0;
            frame_extra = 1;
            continue;
        }
        off += size;
    }
    CHECK(sve != NULL, "no sve_context");
    long vl = *(uint16_t*)(sve + 8);
    frame_vl = vl;
    frame_size = *(uint32_t*)(sve + 4);
    uint8_t* zr = sve + 16;
    uint8_t* pr = zr + 32 * vl;
    // The frame holds the interrupted registers: z0..z31 = 0x20 + n.
    frame_z_ok = 1;
    for (int n = 0; n < 32; n++)
        for (long i = 0; i < vl; i++)
            if (zr[n * vl + i] != ((0x20 + n) & 0xff)) frame_z_ok = 0;
    // Change z7 everywhere (the FP/SIMD record's v7 gives its low 128 bits) and make
    // p3 all true.
    memset(zr + 7 * vl, 0xa5, vl);
    memset(fpsimd_v + 7 * 16, 0xa5, 16);
    memset(pr + 3 * vl / 8, 0xff, vl / 8);
    // The handler's own SVE use does not leak back.
    __asm__ volatile(".arch_extension sve\n dup z8.b, #7\n ptrue p4.b" ::: "v8");
    armed = 2;
}

static void signal_frame(long vl) {
    struct sigaction sa = {.sa_sigaction = on_alarm, .sa_flags = SA_SIGINFO};
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    for (int attempt = 0; attempt < 20; attempt++) {
        armed = 0;
        struct itimerval it = {.it_value = {0, 20000}};
        CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
        fill_spin_store(0x20, 2000000000L, &armed, zbuf, pbuf, ffrbuf);
        if (armed == 2) {
            CHECK(frame_vl == vl, "frame vl %ld", frame_vl);
            long regs = 32 * vl + 16 * vl / 8 + vl / 8;
            CHECK(frame_size == ((16 + regs + 15) & ~15L), "sve_context size %ld", frame_size);
            CHECK(frame_z_ok, "the frame's Z registers are not the interrupted ones");
            // At 64 bytes the registers fit in __reserved; at 256 they follow it.
            CHECK(frame_extra == (vl > 64), "extra_context %s at vl %ld", frame_extra ? "used" : "missing", vl);
            CHECK(check_pattern(0x20, vl, zbuf, pbuf, ffrbuf, 0xa5, 1), "sigreturn did not restore the frame's SVE state");
            return;
        }
        struct itimerval off = {0};
        setitimer(ITIMER_REAL, &off, NULL);
    }
    LV_FAIL("the timer never interrupted the SVE loop");
}

static void prctl_vl(void) {
    CHECK_ERR(prctl(PR_SVE_SET_VL, 0), EINVAL);
    CHECK_ERR(prctl(PR_SVE_SET_VL, 17), EINVAL);
    CHECK_ERR(prctl(PR_SVE_SET_VL, 32 | (1 << 20)), EINVAL);
    CHECK(prctl(PR_SVE_SET_VL, 32) == 32);
    CHECK(vl_now() == 32 && prctl(PR_SVE_GET_VL) == 32);
    long r = prctl(PR_SVE_SET_VL, 48);
    CHECK(r >= 16 && r <= 48 && r % 16 == 0 && vl_now() == r, "48 gave %ld", r);
    // A deferred length: returned, not applied.
    CHECK(prctl(PR_SVE_SET_VL, 16 | PR_SVE_SET_VL_ONEXEC) == 16);
    CHECK(prctl(PR_SVE_GET_VL) == r);
    // Inherit: reported with the length; a fork child has both.
    CHECK(prctl(PR_SVE_SET_VL, 32 | PR_SVE_VL_INHERIT) == (32 | PR_SVE_VL_INHERIT));
    CHECK(prctl(PR_SVE_GET_VL) == (32 | PR_SVE_VL_INHERIT));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(prctl(PR_SVE_GET_VL) == (32 | PR_SVE_VL_INHERIT) && vl_now() == 32 ? 0 : 1);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    // Changing the length keeps the FP/SIMD registers.
    uint8_t v1[16];
    __asm__ volatile(".arch_extension sve\n"
                     "dup z1.b, #0x35\n"
                     "mov x0, #50\n" // PR_SVE_SET_VL
                     "mov x1, #64\n"
                     "mov x8, #167\n" // prctl
                     "svc #0\n"
                     "str q1, [%[v]]\n"
                     :
                     : [v] "r"(v1)
                     : "x0", "x1", "x8", "v1", "memory");
    for (int i = 0; i < 16; i++) CHECK(v1[i] == 0x35);
    CHECK(prctl(PR_SVE_GET_VL) == 64 && vl_now() == 64);
}

static sigjmp_buf env;
static void on_sigill(int sig) { siglongjmp(env, 1); }

int main(void) {
    if (!(getauxval(AT_HWCAP) & HWCAP_SVE_BIT)) {
        CHECK_ERR(prctl(PR_SVE_GET_VL), EINVAL);
        CHECK_ERR(prctl(PR_SVE_SET_VL, 16), EINVAL);
        signal(SIGILL, on_sigill);
        if (sigsetjmp(env, 1) == 0) {
            vl_now();
            LV_FAIL("rdvl ran without SVE");
        }
        printf("sve: none\n");
        return 0;
    }
    CHECK(prctl(PR_SVE_GET_VL) == 64, "default vector length %d", prctl(PR_SVE_GET_VL));
    long vl = vl_now();
    CHECK(vl == 64);
    syscall_zeroes(vl);
    preemption(vl);
    signal_frame(vl);
    prctl_vl();
    // The longest vectors Linux hands out: the frame needs an extra_context record.
    long big = prctl(PR_SVE_SET_VL, 256);
    CHECK(big >= 64 && vl_now() == big, "256 gave %ld", big);
    if (big > 64) {
        syscall_zeroes(big);
        signal_frame(big);
    }
    CHECK(prctl(PR_SVE_SET_VL, 64) == 64);
    printf("sve: vl %ld, up to %ld\n", vl, big);
    return 0;
}
