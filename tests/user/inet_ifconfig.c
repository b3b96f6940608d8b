// The interface ioctls ifconfig uses, on the loopback interface: SIOCGIFCONF (the
// length query with a null buffer, then the list, which has lo at 127.0.0.1),
// SIOCGIFFLAGS, SIOCGIFADDR, SIOCGIFNETMASK, SIOCGIFHWADDR, SIOCGIFMTU, SIOCGIFINDEX,
// SIOCGIFNAME, SIOCGIFMETRIC; ENODEV for an unknown name; EPERM for a change made
// without privilege; the same answers on a UDP and a TCP socket.
// SYSCALLS: ioctl, socket, setuid
#define _GNU_SOURCE
#include "lvtest.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static struct ifreq named(const char* name) {
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strncpy(r.ifr_name, name, IFNAMSIZ - 1);
    return r;
}

static in_addr_t addr_of(const struct sockaddr* sa) {
    CHECK(sa->sa_family == AF_INET, "family %d", sa->sa_family);
    return ((const struct sockaddr_in*)sa)->sin_addr.s_addr;
}

static void check_lo(int s) {
    struct ifreq r = named("lo");
    CHECK_OK(ioctl(s, SIOCGIFFLAGS, &r));
    CHECK((r.ifr_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING)) == (IFF_UP | IFF_LOOPBACK | IFF_RUNNING),
          "flags %#x", r.ifr_flags);
    CHECK(!(r.ifr_flags & IFF_BROADCAST));
    r = named("lo");
    CHECK_OK(ioctl(s, SIOCGIFADDR, &r));
    CHECK(addr_of(&r.ifr_addr) == htonl(INADDR_LOOPBACK));
    r = named("lo");
    CHECK_OK(ioctl(s, SIOCGIFNETMASK, &r));
    CHECK(addr_of(&r.ifr_netmask) == htonl(0xff000000));
    r = named("lo");
    CHECK_OK(ioctl(s, SIOCGIFHWADDR, &r));
    CHECK(r.ifr_hwaddr.sa_family == ARPHRD_LOOPBACK, "hw family %d", r.ifr_hwaddr.sa_family);
    for (int i = 0; i < 6; i++) CHECK(r.ifr_hwaddr.sa_data[i] == 0);
    r = named("lo");
    CHECK_OK(ioctl(s, SIOCGIFMTU, &r));
    CHECK(r.ifr_mtu >= 1500, "mtu %d", r.ifr_mtu);
    r = named("lo");
    CHECK_OK(ioctl(s, SIOCGIFMETRIC, &r));
    CHECK(r.ifr_metric == 0);
    r = named("lo");
    CHECK_OK(ioctl(s, SIOCGIFINDEX, &r));
    int index = r.ifr_ifindex;
    CHECK(index > 0);
    memset(&r, 0, sizeof r);
    r.ifr_ifindex = index;
    CHECK_OK(ioctl(s, SIOCGIFNAME, &r));
    CHECK(strcmp(r.ifr_name, "lo") == 0, "name %s", r.ifr_name);
    CHECK(if_nametoindex("lo") == (unsigned)index);

    r = named("nosuch0");
    CHECK_ERR(ioctl(s, SIOCGIFFLAGS, &r), ENODEV);
    r = named("nosuch0");
    CHECK_ERR(ioctl(s, SIOCGIFADDR, &r), ENODEV);
}

int main(void) {
    int u = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
    int t = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));

    // SIOCGIFCONF: with no buffer, the size needed; then the list.
    struct ifconf ifc;
    memset(&ifc, 0, sizeof ifc);
    CHECK_OK(ioctl(u, SIOCGIFCONF, &ifc));
    CHECK(ifc.ifc_len > 0 && ifc.ifc_len % (int)sizeof(struct ifreq) == 0, "ifc_len %d", ifc.ifc_len);
    int need = ifc.ifc_len;
    struct ifreq reqs[32];
    ifc.ifc_len = sizeof reqs;
    ifc.ifc_req = reqs;
    CHECK_OK(ioctl(u, SIOCGIFCONF, &ifc));
    CHECK(ifc.ifc_len == need, "%d then %d", need, ifc.ifc_len);
    int found = 0;
    for (int i = 0; i < ifc.ifc_len / (int)sizeof(struct ifreq); i++) {
        if (strcmp(reqs[i].ifr_name, "lo") == 0) {
            CHECK(addr_of(&reqs[i].ifr_addr) == htonl(INADDR_LOOPBACK));
            found = 1;
        }
    }
    CHECK(found, "lo is not listed");
    // A buffer with room for one entry gets one.
    ifc.ifc_len = sizeof(struct ifreq);
    CHECK_OK(ioctl(u, SIOCGIFCONF, &ifc));
    CHECK(ifc.ifc_len == sizeof(struct ifreq));

    check_lo(u);
    check_lo(t);

    // Changing an interface takes privilege (CAP_NET_ADMIN).
    pid_t pid = CHECK_OK(fork());
    if (pid == 0) {
        CHECK_OK(setuid(65534));
        struct ifreq r = named("lo");
        CHECK_OK(ioctl(u, SIOCGIFFLAGS, &r)); // reading is fine
        CHECK_ERR(ioctl(u, SIOCSIFFLAGS, &r), EPERM);
        r = named("lo");
        struct sockaddr_in* sin = (struct sockaddr_in*)&r.ifr_addr;
        sin->sin_family = AF_INET;
        sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        CHECK_ERR(ioctl(u, SIOCSIFADDR, &r), EPERM);
        exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return 0;
}
