// Real-time scheduling (sched(7)), everything pinned to one CPU: a SCHED_FIFO thread
// keeps the CPU from a SCHED_OTHER one while it runs; a waiting FIFO thread raised above
// the running one runs at once, as does one left above a lowered running thread;
// sched_yield passes the CPU to an equal priority, never to a lower one; two FIFO
// threads of one priority do not take turns, two SCHED_RR ones do (100 ms slices).
// Spins stay far below Linux's RT throttling (950 ms a second). Needs root
// (CAP_SYS_NICE); children die with the parent (PR_SET_PDEATHSIG).
// SYSCALLS: sched_setscheduler, sched_yield
// SERIAL: its host run holds host CPU 0 at real-time priority: a second copy beside it
// starves (its fair child never runs), and so do other tests' threads on that CPU
#define _GNU_SOURCE
#include "lvtest.h"
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static long setsched(int pid, int policy, int prio) { return syscall(SYS_sched_setscheduler, pid, policy, &prio); }

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}
static void spin_ms(int ms) {
    uint64_t end = now_ns() + (uint64_t)ms * 1000000;
    while (now_ns() < end) {
    }
}

static struct {
    volatile long counter;
    volatile int flag;
} *sh;

// fork, the child dying with the parent; the child runs fn.
static pid_t child(void (*fn)(void)) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        fn();
        _exit(0);
    }
    return pid;
}
static void reap(pid_t pid) {
    kill(pid, SIGKILL);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
}

static void count_forever(void) {
    for (;;) sh->counter++;
}
static void flag_then_pause(void) {
    sh->flag = 1;
    for (;;) pause();
}
static void count_and_yield(void) {
    for (;;) {
        sh->counter++;
        sched_yield();
    }
}

int main(void) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    CHECK(sched_setaffinity(0, sizeof one, &one) == 0);
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED);
    sh->counter = 0; // touched before the forks (issue 8: a shared page first touched after one is not shared yet)

    // FIFO over OTHER: the fair child gets nothing while the FIFO parent spins, and runs
    // once it sleeps.
    pid_t c = child(count_forever);
    usleep(50000);
    CHECK(sh->counter > 0, "the child never ran");
    CHECK(setsched(0, SCHED_FIFO, 10) == 0);
    long before = sh->counter;
    spin_ms(200);
    long during = sh->counter - before;
    usleep(50000);
    long after = sh->counter - before - during;
    reap(c);
    CHECK(during == 0, "a SCHED_OTHER child ran %ld times under a spinning FIFO parent", during);
    CHECK(after > 0, "the child did not run while the FIFO parent slept");

    // A new child (FIFO 10 too) waits behind its equal; raised above the parent it runs
    // before the call returns.
    sh->flag = 0;
    c = child(flag_then_pause);
    CHECK(sh->flag == 0, "an equal-priority FIFO child ran before the parent gave up the CPU");
    CHECK(setsched(c, SCHED_FIFO, 20) == 0);
    CHECK(sh->flag == 1, "the raised child did not take the CPU");
    reap(c);

    // Left above the running parent when it lowers itself: the child runs at once.
    sh->flag = 0;
    c = child(flag_then_pause);
    CHECK(setsched(c, SCHED_FIFO, 5) == 0);
    spin_ms(20);
    CHECK(sh->flag == 0, "a lower-priority FIFO child ran");
    CHECK(setsched(0, SCHED_FIFO, 1) == 0);
    CHECK(sh->flag == 1, "lowering the parent below the child did not run it");
    reap(c);
    CHECK(setsched(0, SCHED_FIFO, 10) == 0);

    // sched_yield: to an equal priority, which yields back...
    sh->counter = 0;
    c = child(count_and_yield);
    CHECK(sh->counter == 0);
    sched_yield();
    CHECK(sh->counter >= 1, "sched_yield did not run the equal-priority child");
    reap(c);
    // ...never to a lower one, and two FIFO threads of one priority do not take turns.
    sh->counter = 0;
    c = child(count_forever);
    CHECK(setsched(c, SCHED_FIFO, 5) == 0);
    for (int i = 0; i < 50; i++) sched_yield();
    spin_ms(20);
    CHECK(sh->counter == 0, "a lower-priority FIFO child ran %ld times", sh->counter);
    CHECK(setsched(c, SCHED_FIFO, 10) == 0); // equal now, but queued behind a FIFO spinner
    spin_ms(300);
    CHECK(sh->counter == 0, "an equal FIFO child ran %ld times without a yield", sh->counter);
    reap(c);

    // SCHED_RR: equal priorities share the CPU in 100 ms turns.
    CHECK(setsched(0, SCHED_RR, 10) == 0);
    sh->counter = 0;
    c = child(count_forever); // SCHED_RR 10 as well
    spin_ms(400);
    long rr = sh->counter;
    reap(c);
    CHECK(rr > 0, "an equal SCHED_RR child never got a turn in 400 ms");

    CHECK(setsched(0, SCHED_OTHER, 0) == 0);
    return 0;
}
