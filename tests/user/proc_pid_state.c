// The state letter of /proc/PID/stat (field 3) and the State: line of /proc/PID/status
// follow the process: R while it runs (itself), S asleep in pause(), T stopped by
// SIGSTOP, Z once it died and before it is reaped.
// SYSCALLS: openat, read, fork, kill, wait4, waitid, pause
// HOST-QEMU-SKIP: qemu-aarch64 makes up its own /proc/self/stat (its state letter is not the process's)
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lvtest.h"

// The state letter of stat, checked against status's. The process may change state
// between the two reads (it runs on another CPU), so a pair that differs is read again.
static char state(pid_t pid) {
    char path[64], buf[1024], st[4096];
    for (int tries = 0;; tries++) {
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        lv_read_file(path, buf, sizeof buf);
        const char* close_paren = strrchr(buf, ')');
        CHECK(close_paren && close_paren[1] == ' ', "stat: %s", buf);
        snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
        lv_read_file(path, st, sizeof st);
        const char* line = strstr(st, "\nState:\t");
        CHECK(line, "status has no State line");
        if (line[8] == close_paren[2]) return close_paren[2];
        CHECK(tries < 100, "status State line '%.20s' vs stat '%c', 100 times", line + 8, close_paren[2]);
        usleep(1000);
    }
}

static char wait_for_state(pid_t pid, char want) {
    char s = 0;
    for (int i = 0; i < 2000 && (s = state(pid)) != want; i++) usleep(1000);
    return s;
}

int main(void) {
    CHECK(state(getpid()) == 'R');
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) {
        for (;;) pause();
    }
    char s = wait_for_state(c, 'S');
    CHECK(s == 'S', "a child in pause() is '%c'", s);
    CHECK_OK(kill(c, SIGSTOP));
    int st;
    CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st));
    CHECK((s = state(c)) == 'T', "a stopped child is '%c'", s);
    CHECK_OK(kill(c, SIGKILL));
    siginfo_t si;
    CHECK_OK(waitid(P_PID, c, &si, WEXITED | WNOWAIT));
    CHECK((s = state(c)) == 'Z', "a dead, unreaped child is '%c'", s);
    CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st));
    puts("ok");
    return 0;
}
