// sigqueue (rt_sigqueueinfo) carries si_value to an SA_SIGINFO handler, with SI_QUEUE
// and the sender's pid; rt_tgsigqueueinfo targets one thread; sigtimedwait takes a
// blocked signal without running its handler, times out with EAGAIN, and is
// interrupted (EINTR) by a signal outside its set; forged si_codes are refused.
// SYSCALLS: rt_sigqueueinfo, rt_tgsigqueueinfo, rt_sigtimedwait
#define _GNU_SOURCE
#include "lvtest.h"
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_value, got_code, got_pid, handled;
static void on_sig(int sig, siginfo_t* si, void* uc) {
    got_value = si->si_value.sival_int;
    got_code = si->si_code;
    got_pid = si->si_pid;
    handled++;
}

static long queue_info(int tgid, int tid, int sig, int code, int value) {
    siginfo_t si = {0};
    si.si_signo = sig;
    si.si_code = code;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = value;
    return tid ? syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, &si) : syscall(SYS_rt_sigqueueinfo, tgid, sig, &si);
}

int main(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(sigaction(SIGRTMIN + 2, &sa, NULL) == 0);

    // sigqueue: delivered at once (unblocked) with the value.
    union sigval v = {.sival_int = 1234};
    CHECK(sigqueue(getpid(), SIGUSR1, v) == 0);
    CHECK(handled == 1 && got_value == 1234 && got_code == SI_QUEUE && got_pid == getpid());
    CHECK(queue_info(getpid(), getpid(), SIGRTMIN + 2, SI_QUEUE, 99) == 0); // to our own thread
    CHECK(handled == 2 && got_value == 99);

    // sigtimedwait takes a blocked pending signal; the handler does not run.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    v.sival_int = 555;
    CHECK(sigqueue(getpid(), SIGUSR1, v) == 0);
    siginfo_t si;
    struct timespec ts = {1, 0};
    CHECK(sigtimedwait(&set, &si, &ts) == SIGUSR1);
    CHECK(si.si_signo == SIGUSR1 && si.si_code == SI_QUEUE && si.si_value.sival_int == 555);
    CHECK(handled == 2);
    sigset_t pending;
    CHECK(sigpending(&pending) == 0 && !sigismember(&pending, SIGUSR1));

    // Nothing pending: EAGAIN after the timeout; a zero timeout polls.
    ts.tv_sec = 0;
    ts.tv_nsec = 100000000;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long waited = (b.tv_sec - a.tv_sec) * 1000000000ll + (b.tv_nsec - a.tv_nsec);
    CHECK(waited >= 90000000ll, "waited %lld ns", waited);
    ts.tv_nsec = 0;
    CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN);
    ts.tv_nsec = 1000000000;
    CHECK_ERR(sigtimedwait(&set, &si, &ts), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, &si, NULL, 4), EINVAL);

    // A signal sent by another process wakes the waiter; kill's si_code is SI_USER.
    pid_t parent = getpid();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        usleep(100000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    CHECK(sigwaitinfo(&set, &si) == SIGUSR1);
    CHECK(si.si_code == SI_USER && si.si_pid == pid, "code %d pid %d", si.si_code, si.si_pid);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);

    // A signal outside the set, with a handler, interrupts the wait (EINTR).
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    // (Raw syscall: musl's sigwaitinfo retries after EINTR.)
    alarm(1);
    CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, &si, NULL, 8), EINTR);
    CHECK(handled == 3);

    // Forging: si_code >= 0 (or SI_TKILL) only towards oneself.
    CHECK(queue_info(getpid(), 0, SIGUSR1, SI_USER, 1) == 0);
    CHECK(sigtimedwait(&set, &si, &(struct timespec){1, 0}) == SIGUSR1);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        for (;;) pause();
    }
    CHECK_ERR(queue_info(pid, 0, SIGUSR1, SI_USER, 1), EPERM);
    CHECK_ERR(queue_info(pid, 0, SIGUSR1, SI_TKILL, 1), EPERM);
    CHECK_ERR(queue_info(pid, pid, SIGUSR1, SI_KERNEL, 1), EPERM);
    CHECK(queue_info(pid, 0, 0, SI_QUEUE, 1) == 0); // signal 0: the checks only
    CHECK_ERR(queue_info(pid, 0, 65, SI_QUEUE, 1), EINVAL);
    CHECK_ERR(queue_info(0x3fffffff, 0, SIGUSR1, SI_QUEUE, 1), ESRCH);
    CHECK_ERR(queue_info(pid, 0x3fffffff, SIGUSR1, SI_QUEUE, 1), ESRCH);
    CHECK_ERR(queue_info(pid, -1, SIGUSR1, SI_QUEUE, 1), EINVAL);
    CHECK(queue_info(pid, 0, SIGKILL, SI_QUEUE, 1) == 0);
    CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    return 0;
}
