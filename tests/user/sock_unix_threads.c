// Threads sharing AF_UNIX sockets: readers of one datagram socket each get whole
// messages, every message exactly once; readers of one stream get every byte exactly
// once; shutdown() wakes a thread blocked in recv (EOF) or accept (EINVAL).
// SYSCALLS: socketpair, socket, bind, listen, accept, shutdown, recvfrom, sendto
#define _GNU_SOURCE
#include "lvtest.h"
#include <pthread.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MESSAGES 3000
#define READERS 4

static int fd;
static unsigned char seen[MESSAGES];
static long bytes[READERS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void* dgram_reader(void* arg) {
    for (;;) {
        int v[4];
        ssize_t n = recv(fd, v, sizeof v, 0);
        if (n == 0) return NULL; // shut down
        if (n != sizeof v || v[0] < 0 || v[0] >= MESSAGES || v[1] != ~v[0] || v[2] != v[0] * 3 || v[3] != 7)
            LV_FAIL("torn or bad message (%zd bytes)", n);
        pthread_mutex_lock(&lock);
        seen[v[0]]++;
        pthread_mutex_unlock(&lock);
    }
}

static void* stream_reader(void* arg) {
    long i = (long)arg;
    char buf[37];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) return NULL;
        for (ssize_t k = 0; k < n; k++)
            if (buf[k] != 'q') LV_FAIL("bad byte");
        bytes[i] += n;
    }
}

static void* acceptor(void* arg) {
    int r = accept(*(int*)arg, NULL, NULL);
    return (void*)(long)(r < 0 ? errno : 0);
}

int main(void) {
    char dir[] = "/tmp/lvsockXXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));

    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    fd = sv[1];
    pthread_t t[READERS];
    for (long i = 0; i < READERS; i++) CHECK(pthread_create(&t[i], NULL, dgram_reader, (void*)i) == 0);
    for (int i = 0; i < MESSAGES; i++) {
        int v[4] = {i, ~i, i * 3, 7};
        CHECK(send(sv[0], v, sizeof v, 0) == sizeof v);
    }
    // Let the readers drain, then wake them all with a shutdown.
    for (;;) {
        int sum = 0;
        pthread_mutex_lock(&lock);
        for (int i = 0; i < MESSAGES; i++) sum += seen[i];
        pthread_mutex_unlock(&lock);
        if (sum == MESSAGES) break;
        usleep(10000);
    }
    CHECK_OK(shutdown(sv[1], SHUT_RDWR));
    for (int i = 0; i < READERS; i++) CHECK(pthread_join(t[i], NULL) == 0);
    for (int i = 0; i < MESSAGES; i++) CHECK(seen[i] == 1, "message %d seen %d times", i, seen[i]);
    close(sv[0]);
    close(sv[1]);

    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    fd = sv[1];
    for (long i = 0; i < READERS; i++) CHECK(pthread_create(&t[i], NULL, stream_reader, (void*)i) == 0);
    char chunk[1000];
    memset(chunk, 'q', sizeof chunk);
    long total = 0;
    for (int i = 0; i < 500; i++) {
        CHECK(write(sv[0], chunk, 1 + (size_t)(i % 1000)) == 1 + i % 1000);
        total += 1 + i % 1000;
    }
    close(sv[0]); // EOF ends the readers
    long got = 0;
    for (int i = 0; i < READERS; i++) {
        CHECK(pthread_join(t[i], NULL) == 0);
        got += bytes[i];
    }
    CHECK(got == total, "got %ld of %ld", got, total);
    close(sv[1]);

    // shutdown(SHUT_RD) of a listener wakes a blocked accept with EINVAL.
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, "l");
    int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(bind(l, (struct sockaddr*)&a, offsetof(struct sockaddr_un, sun_path) + 2));
    CHECK_OK(listen(l, 1));
    pthread_t at;
    CHECK(pthread_create(&at, NULL, acceptor, &l) == 0);
    usleep(100 * 1000);
    CHECK_OK(shutdown(l, SHUT_RD));
    void* res;
    CHECK(pthread_join(at, &res) == 0);
    CHECK((long)res == EINVAL, "accept: errno %ld", (long)res);
    close(l);
    return 0;
}
