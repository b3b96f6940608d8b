// Raw ICMP sockets (what ping uses) over the loopback interface: this host answers an
// echo request with an echo reply carrying the same identifier, sequence and data; a
// raw socket receives whole datagrams, IPv4 header first, and ICMP_FILTER hides types;
// a UDP datagram to a closed port brings back ICMP port unreachable quoting it;
// SOCK_RAW needs privilege (EPERM) and a protocol (EPROTONOSUPPORT).
// SYSCALLS: socket, sendto, recvfrom, setsockopt, getsockopt, setuid
#define _GNU_SOURCE
#include "lvtest.h"
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned short csum(const void* data, size_t n) {
    const unsigned char* p = data;
    unsigned long sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) sum += (unsigned)(p[i] << 8 | p[i + 1]);
    if (n & 1) sum += (unsigned)(p[n - 1] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return htons((unsigned short)~sum);
}

// Receives datagrams until one matches (ICMP type, and for echo the id); returns its
// length, the datagram (IP header first) in buf.
static ssize_t receive_icmp(int s, unsigned char* buf, size_t cap, int type, int id) {
    for (int tries = 0; tries < 20; tries++) {
        struct pollfd p = {s, POLLIN, 0};
        CHECK(poll(&p, 1, 5000) == 1, "nothing received");
        struct sockaddr_in from;
        socklen_t flen = sizeof from;
        ssize_t n = recvfrom(s, buf, cap, 0, (struct sockaddr*)&from, &flen);
        CHECK(n >= (ssize_t)(sizeof(struct iphdr) + 8));
        CHECK(from.sin_family == AF_INET && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
        struct iphdr* ip = (struct iphdr*)buf;
        CHECK(ip->version == 4 && ip->protocol == IPPROTO_ICMP && ntohs(ip->tot_len) == n);
        struct icmphdr* ic = (struct icmphdr*)(buf + ip->ihl * 4);
        if (ic->type == type && (id < 0 || ntohs(ic->un.echo.id) == id)) return n;
    }
    LV_FAIL("no ICMP type %d", type);
}

int main(void) {
    CHECK_ERR(socket(AF_INET, SOCK_RAW, 0), EPROTONOSUPPORT);
    pid_t pid = CHECK_OK(fork());
    if (pid == 0) {
        CHECK_OK(setuid(65534));
        CHECK_ERR(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), EPERM);
        exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    int s = CHECK_OK(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
    int v = -1;
    socklen_t vlen = sizeof v;
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vlen));
    CHECK(v == SOCK_RAW);
    // Our own echo request comes back to a raw socket too on lo: filter it out.
    unsigned int filter = 1u << ICMP_ECHO;
    CHECK_OK(setsockopt(s, SOL_RAW, ICMP_FILTER, &filter, sizeof filter));

    struct sockaddr_in lo = {0};
    lo.sin_family = AF_INET;
    lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    unsigned char req[64], buf[2048];
    memset(req, 0, sizeof req);
    struct icmphdr* ic = (struct icmphdr*)req;
    ic->type = ICMP_ECHO;
    ic->un.echo.id = htons(0x4c56);
    ic->un.echo.sequence = htons(7);
    for (size_t i = sizeof *ic; i < sizeof req; i++) req[i] = (unsigned char)i;
    ic->checksum = csum(req, sizeof req);
    CHECK(sendto(s, req, sizeof req, 0, (struct sockaddr*)&lo, sizeof lo) == (ssize_t)sizeof req);
    ssize_t n = receive_icmp(s, buf, sizeof buf, ICMP_ECHOREPLY, 0x4c56);
    struct iphdr* ip = (struct iphdr*)buf;
    CHECK(n == (ssize_t)(ip->ihl * 4 + sizeof req));
    unsigned char* reply = buf + ip->ihl * 4;
    CHECK(csum(reply, sizeof req) == 0, "bad checksum");
    struct icmphdr* rh = (struct icmphdr*)reply;
    CHECK(rh->code == 0 && ntohs(rh->un.echo.sequence) == 7);
    CHECK(memcmp(reply + sizeof *rh, req + sizeof *ic, sizeof req - sizeof *ic) == 0, "echo data differs");

    // A datagram to a UDP port nobody has: port unreachable, quoting its headers.
    int u = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
    CHECK_OK(bind(u, (struct sockaddr*)&lo, sizeof lo));
    struct sockaddr_in gone = lo;
    socklen_t glen = sizeof gone;
    CHECK_OK(getsockname(u, (struct sockaddr*)&gone, &glen));
    CHECK_OK(close(u));
    u = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(sendto(u, "knock", 5, 0, (struct sockaddr*)&gone, sizeof gone) == 5);
    n = receive_icmp(s, buf, sizeof buf, ICMP_DEST_UNREACH, -1);
    unsigned char* msg = buf + ip->ihl * 4;
    CHECK(((struct icmphdr*)msg)->code == ICMP_PORT_UNREACH);
    struct iphdr* quoted = (struct iphdr*)(msg + 8);
    CHECK(quoted->protocol == IPPROTO_UDP && quoted->daddr == htonl(INADDR_LOOPBACK));
    unsigned short* ports = (unsigned short*)((unsigned char*)quoted + quoted->ihl * 4);
    CHECK(ports[1] == gone.sin_port, "quoted port %d", ntohs(ports[1]));
    CHECK_OK(close(u));
    CHECK_OK(close(s));
    return 0;
}
