// /proc/net/unix lists AF_UNIX sockets as Linux does: a header, then per socket its
// reference count, flags (__SO_ACCEPTCON when listening), type, state (1 unconnected,
// 2 connecting: not yet accepted, 3 connected), inode (st_ino of the descriptor) and
// name (a path, or '@' and the abstract name with '@' for NUL bytes).
// SYSCALLS: socket, socketpair, bind, listen, connect, fstat
#define _GNU_SOURCE
#include "lvtest.h"
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char table[1 << 20];

static void load(void) {
    FILE* f = fopen("/proc/net/unix", "r");
    CHECK(f != NULL);
    size_t n = fread(table, 1, sizeof table - 1, f);
    table[n] = 0;
    fclose(f);
    CHECK(strncmp(table, "Num       RefCount Protocol Flags    Type St Inode Path\n", 56) == 0);
}

// The fields of the line for inode `ino`; returns 0 if there is none.
static int find(unsigned long ino, unsigned* flags, unsigned* type, unsigned* st, char* path) {
    for (char* line = strchr(table, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        unsigned long num, i;
        unsigned ref, proto;
        int used = 0;
        path[0] = 0;
        if (sscanf(line, "%lx: %x %x %x %x %x %lu%n", &num, &ref, &proto, flags, type, st, &i, &used) < 7) continue;
        if (i != ino) continue;
        CHECK(proto == 0);
        if (line[used] == ' ') sscanf(line + used + 1, "%255s", path);
        return 1;
    }
    return 0;
}

static unsigned long ino_of(int fd) {
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    return (unsigned long)st.st_ino;
}

int main(void) {
    char dir[] = "/tmp/lvsockXXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    // Unique per process: /proc/net/unix is system-wide, and on the host other runs of
    // this test may be listening at the same moment.
    char name[32];
    snprintf(name, sizeof name, "listener%d", getpid());
    strcpy(a.sun_path, name);
    socklen_t alen = offsetof(struct sockaddr_un, sun_path) + strlen(name) + 1;
    int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(bind(l, (struct sockaddr*)&a, alen));
    CHECK_OK(listen(l, 4));
    int c = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(connect(c, (struct sockaddr*)&a, alen));
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    int d = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    struct sockaddr_un b = {0};
    b.sun_family = AF_UNIX;
    int n = snprintf(b.sun_path + 1, sizeof b.sun_path - 1, "lv%d", getpid());
    b.sun_path[1 + n] = 0; // a NUL inside the name, shown as '@'
    memcpy(b.sun_path + 2 + n, "x", 1);
    CHECK_OK(bind(d, (struct sockaddr*)&b, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 3 + n)));

    load();
    unsigned flags, type, st;
    char path[256], want[64];
    CHECK(find(ino_of(l), &flags, &type, &st, path));
    CHECK(flags == 0x10000 && type == SOCK_STREAM && st == 1, "%x %x %x", flags, type, st);
    CHECK(strcmp(path, name) == 0, "path %s", path);
    CHECK(find(ino_of(c), &flags, &type, &st, path));
    CHECK(flags == 0 && type == SOCK_STREAM && st == 3 && path[0] == 0, "%x %x %x '%s'", flags, type, st, path);
    CHECK(find(ino_of(sv[0]), &flags, &type, &st, path));
    CHECK(type == SOCK_SEQPACKET && st == 3);
    CHECK(find(ino_of(d), &flags, &type, &st, path));
    snprintf(want, sizeof want, "@lv%d@x", getpid());
    CHECK(type == SOCK_DGRAM && st == 1 && strcmp(path, want) == 0, "path %s", path);
    // The connection not yet accepted: "connecting", named like the listener.
    int connecting = 0;
    for (char* line = strchr(table, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        unsigned long num, i;
        unsigned ref, proto;
        char p[256] = "";
        if (sscanf(line, "%lx: %x %x %x %x %x %lu %255s", &num, &ref, &proto, &flags, &type, &st, &i, p) == 8 &&
            st == 2 && strcmp(p, name) == 0)
            connecting++;
    }
    CHECK(connecting == 1, "%d", connecting);
    // Accepted, it has a file and is connected; a closed listener is gone.
    int s = CHECK_OK(accept(l, NULL, NULL));
    unsigned long lino = ino_of(l);
    close(l);
    load();
    CHECK(!find(lino, &flags, &type, &st, path));
    CHECK(find(ino_of(s), &flags, &type, &st, path));
    CHECK(st == 3 && strcmp(path, name) == 0, "%x %s", st, path);
    return 0;
}
