// /proc/net in Linux's formats: a TCP listener and a bound UDP socket appear in
// /proc/net/tcp and /proc/net/udp (address and port in hex, state 0A LISTEN / 07
// unconnected, the socket's inode as in /proc/self/fd), lo has a line in /proc/net/dev,
// and /proc/net/route starts with its header (what netstat, ifconfig and route read).
// SYSCALLS: socket, bind, listen, openat, read, readlink
#define _GNU_SOURCE
#include "lvtest.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static char text[1 << 16];

static const char* slurp(const char* path) {
    int fd = CHECK_OK(open(path, O_RDONLY));
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, text + len, sizeof text - 1 - len);
        CHECK(n >= 0);
        if (n == 0) break;
        len += (size_t)n;
    }
    text[len] = 0;
    close(fd);
    return text;
}

static unsigned long inode_of(int fd) {
    char path[64], link[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, link, sizeof link - 1);
    CHECK(n > 0);
    link[n] = 0;
    unsigned long ino = 0;
    CHECK(sscanf(link, "socket:[%lu]", &ino) == 1, "link %s", link);
    return ino;
}

// The line of `file` for 127.0.0.1:port; checks its state and inode.
static void find_socket(const char* file, int fd, in_port_t port, unsigned state) {
    const char* t = slurp(file);
    char want[32];
    snprintf(want, sizeof want, "0100007F:%04X", ntohs(port));
    const char* line = strstr(t, want);
    CHECK(line, "%s has no %s:\n%s", file, want, t);
    unsigned st = 0, uid = 0;
    unsigned long ino = 0;
    CHECK(sscanf(line, "%*[0-9A-F]:%*x %*[0-9A-F]:%*x %x %*x:%*x %*x:%*x %*x %u %*d %lu", &st, &uid, &ino) == 3,
          "cannot parse %.80s", line);
    CHECK(st == state, "%s: state %02X, expected %02X", file, st, state);
    CHECK(ino == inode_of(fd), "%s: inode %lu", file, ino);
}

int main(void) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int l = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
    CHECK_OK(bind(l, (struct sockaddr*)&a, sizeof a));
    CHECK_OK(listen(l, 3));
    CHECK_OK(getsockname(l, (struct sockaddr*)&a, &len));
    find_socket("/proc/net/tcp", l, a.sin_port, 0x0A);

    struct sockaddr_in b = {0};
    b.sin_family = AF_INET;
    b.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int u = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
    CHECK_OK(bind(u, (struct sockaddr*)&b, sizeof b));
    len = sizeof b;
    CHECK_OK(getsockname(u, (struct sockaddr*)&b, &len));
    find_socket("/proc/net/udp", u, b.sin_port, 0x07);

    const char* dev = slurp("/proc/net/dev");
    CHECK(strncmp(dev, "Inter-|   Receive", 17) == 0, "dev header: %.40s", dev);
    const char* lo = strstr(dev, "lo:");
    CHECK(lo, "no lo in /proc/net/dev");
    unsigned long rx_bytes, rx_packets;
    CHECK(sscanf(lo + 3, "%lu %lu", &rx_bytes, &rx_packets) == 2);

    const char* route = slurp("/proc/net/route");
    CHECK(strncmp(route, "Iface\tDestination\tGateway \tFlags", 31) == 0, "route header: %.40s", route);
    close(l);
    close(u);
    return 0;
}
