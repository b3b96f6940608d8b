// The scaling benchmark (tools/lv/bench.py): WORKERS independent processes each run
// the same loop ITERS times; prints the wall time from the first fork to the last exit.
// An ordinary static Linux program: the same binary runs on Linux for comparison.
//   scale syscall WORKERS ITERS   getpid through syscall(2), ITERS times
//   scale fault WORKERS ITERS     map 1 MiB, write every page (a fault each), unmap
//   scale pipe WORKERS ITERS      a ping-pong of one byte with a child, over two pipes
//   scale fork WORKERS ITERS      fork a child that exits at once, and wait for it
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char* what) {
    perror(what);
    exit(2);
}

static void syscall_loop(long iters) {
    for (long i = 0; i < iters; i++) syscall(SYS_getpid);
}

static void fault_loop(long iters) {
    const size_t len = 1 << 20;
    for (long i = 0; i < iters; i++) {
        char* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) die("mmap");
        for (size_t off = 0; off < len; off += 4096) p[off] = 1;
        if (munmap(p, len)) die("munmap");
    }
}

static void pipe_loop(long iters) {
    int to[2], from[2];
    if (pipe(to) || pipe(from)) die("pipe");
    pid_t c = fork();
    if (c < 0) die("fork");
    char b = 0;
    if (c == 0) {
        for (long i = 0; i < iters; i++)
            if (read(to[0], &b, 1) != 1 || write(from[1], &b, 1) != 1) _exit(3);
        _exit(0);
    }
    for (long i = 0; i < iters; i++)
        if (write(to[1], &b, 1) != 1 || read(from[0], &b, 1) != 1) die("ping-pong");
    int st;
    if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st)) die("child");
}

static void fork_loop(long iters) {
    for (long i = 0; i < iters; i++) {
        pid_t c = fork();
        if (c < 0) die("fork");
        if (c == 0) _exit(0);
        if (waitpid(c, NULL, 0) != c) die("waitpid");
    }
}

int main(int argc, char** argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: scale syscall|fault|pipe|fork WORKERS ITERS\n");
        return 2;
    }
    void (*loop)(long) = !strcmp(argv[1], "syscall") ? syscall_loop
                         : !strcmp(argv[1], "fault") ? fault_loop
                         : !strcmp(argv[1], "pipe")  ? pipe_loop
                         : !strcmp(argv[1], "fork")  ? fork_loop
                                                     : NULL;
    if (!loop) return 2;
    int workers = atoi(argv[2]);
    long iters = atol(argv[3]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int w = 0; w < workers; w++) {
        pid_t c = fork();
        if (c < 0) die("fork");
        if (c == 0) {
            loop(iters);
            _exit(0);
        }
    }
    int failed = 0, st;
    for (int w = 0; w < workers; w++) {
        if (wait(&st) < 0) die("wait");
        failed |= !WIFEXITED(st) || WEXITSTATUS(st);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (failed) return 1;
    printf("%s %d %ld %.3f\n", argv[1], workers, iters, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
