// Pipes between processes: a blocking reader wakes for data and sees EOF when the
// last writer (in any process) closes; writes of at most PIPE_BUF bytes from several
// writers never interleave; a FIFO's blocking open waits for the other end; a large
// transfer arrives intact.
// SYSCALLS: pipe2, read, write, fork, wait4, openat, mknodat
#include "lvtest.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void wait_ok(pid_t pid) {
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
}

int main(void) {
    // 1. A large transfer through a blocking pipe, then EOF.
    int p[2];
    CHECK_OK(pipe(p));
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        close(p[0]);
        static unsigned char chunk[10000];
        for (int round = 0; round < 100; round++) {
            for (unsigned i = 0; i < sizeof chunk; i++) chunk[i] = (unsigned char)(round + i);
            size_t off = 0;
            while (off < sizeof chunk) {
                ssize_t n = write(p[1], chunk + off, sizeof chunk - off);
                if (n <= 0) _exit(2);
                off += (size_t)n;
            }
        }
        _exit(0);
    }
    CHECK_OK(close(p[1]));
    static unsigned char buf[65536];
    long total = 0;
    int bad = 0;
    for (;;) {
        ssize_t n = read(p[0], buf, sizeof buf);
        CHECK(n >= 0);
        if (n == 0) break;
        for (ssize_t i = 0; i < n; i++) {
            long pos = total + i;
            if (buf[i] != (unsigned char)(pos / 10000 + pos % 10000)) bad++;
        }
        total += n;
    }
    CHECK(total == 1000000 && bad == 0, "total %ld bad %d", total, bad);
    CHECK_OK(close(p[0]));
    wait_ok(child);

    // 2. PIPE_BUF atomicity with four writers.
    CHECK_OK(pipe(p));
    enum { kWriters = 4, kRecords = 50, kSize = PIPE_BUF };
    pid_t kids[kWriters];
    for (int w = 0; w < kWriters; w++) {
        kids[w] = CHECK_OK(fork());
        if (kids[w] == 0) {
            close(p[0]);
            static char rec[kSize];
            memset(rec, 'A' + w, sizeof rec);
            for (int r = 0; r < kRecords; r++)
                if (write(p[1], rec, sizeof rec) != sizeof rec) _exit(3);
            _exit(0);
        }
    }
    CHECK_OK(close(p[1]));
    static char rec[kSize];
    int records = 0;
    for (;;) {
        size_t got = 0;
        while (got < sizeof rec) {
            ssize_t n = read(p[0], rec + got, sizeof rec - got);
            CHECK(n >= 0);
            if (n == 0) break;
            got += (size_t)n;
        }
        if (got == 0) break;
        CHECK(got == sizeof rec);
        for (size_t i = 1; i < sizeof rec; i++) CHECK(rec[i] == rec[0], "interleaved at %zu", i);
        records++;
    }
    CHECK(records == kWriters * kRecords, "%d", records);
    CHECK_OK(close(p[0]));
    for (int w = 0; w < kWriters; w++) wait_ok(kids[w]);

    // 3. A FIFO: the blocking open for reading returns once a writer opens.
    char dir[] = "/tmp/fsfifoXXXXXX";
    CHECK(mkdtemp(dir));
    CHECK_OK(chdir(dir));
    CHECK_OK(mkfifo("f", 0600));
    child = CHECK_OK(fork());
    if (child == 0) {
        int w = open("f", O_WRONLY);
        if (w < 0 || write(w, "via fifo", 8) != 8) _exit(4);
        _exit(0);
    }
    int r = CHECK_OK(open("f", O_RDONLY));
    char msg[16] = {0};
    size_t got = 0;
    for (;;) {
        ssize_t n = read(r, msg + got, sizeof msg - 1 - got);
        CHECK(n >= 0);
        if (n == 0) break;
        got += (size_t)n;
    }
    CHECK(got == 8 && memcmp(msg, "via fifo", 8) == 0, "%s", msg);
    CHECK_OK(close(r));
    wait_ok(child);
    CHECK_OK(unlink("f"));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
