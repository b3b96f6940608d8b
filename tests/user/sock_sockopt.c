// setsockopt/getsockopt at SOL_SOCKET on AF_UNIX sockets: buffer sizes (doubled,
// with minimums), flags, timeouts (EDOM for bad microseconds), SO_LINGER, SO_ERROR,
// SO_PEERCRED without a peer, read-only options (ENOPROTOOPT), short lengths (EINVAL
// to set; getting with them: sock_bits.c), other levels (EOPNOTSUPP), SO_REUSEPORT (IP only).
// SYSCALLS: socket, socketpair, setsockopt, getsockopt
#define _GNU_SOURCE
#include "lvtest.h"
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int get_int(int s, int opt) {
    int v = -12345;
    socklen_t len = sizeof v;
    CHECK_OK(getsockopt(s, SOL_SOCKET, opt, &v, &len));
    CHECK(len == sizeof v);
    return v;
}

static void set_int(int s, int opt, int v) { CHECK_OK(setsockopt(s, SOL_SOCKET, opt, &v, sizeof v)); }

int main(void) {
    int s = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    // Buffer sizes: Linux doubles what it is given, and has a floor.
    CHECK(get_int(s, SO_SNDBUF) > 0 && get_int(s, SO_RCVBUF) > 0);
    set_int(s, SO_SNDBUF, 65536);
    CHECK(get_int(s, SO_SNDBUF) == 131072, "%d", get_int(s, SO_SNDBUF));
    set_int(s, SO_RCVBUF, 32768);
    CHECK(get_int(s, SO_RCVBUF) == 65536, "%d", get_int(s, SO_RCVBUF));
    set_int(s, SO_SNDBUF, 1);
    CHECK(get_int(s, SO_SNDBUF) == 4608, "%d", get_int(s, SO_SNDBUF));
    set_int(s, SO_RCVBUF, 0);
    CHECK(get_int(s, SO_RCVBUF) == 2304, "%d", get_int(s, SO_RCVBUF));

    // Boolean flags read back as 0/1.
    int flags[] = {SO_REUSEADDR, SO_KEEPALIVE, SO_PASSCRED, SO_BROADCAST, SO_DONTROUTE, SO_OOBINLINE};
    for (unsigned i = 0; i < sizeof flags / sizeof *flags; i++) {
        CHECK(get_int(s, flags[i]) == 0, "option %d", flags[i]);
        set_int(s, flags[i], 42);
        CHECK(get_int(s, flags[i]) == 1, "option %d", flags[i]);
        set_int(s, flags[i], 0);
        CHECK(get_int(s, flags[i]) == 0, "option %d", flags[i]);
    }
    CHECK(get_int(s, SO_RCVLOWAT) == 1 && get_int(s, SO_SNDLOWAT) == 1);
    CHECK(get_int(s, SO_ERROR) == 0);
    CHECK(get_int(s, SO_ACCEPTCONN) == 0);

    // Timeouts.
    struct timeval tv = {1, 500000}, out;
    socklen_t len = sizeof out;
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &out, &len));
    CHECK(len == sizeof out && out.tv_sec == 0 && out.tv_usec == 0);
    CHECK_OK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &out, &len));
    CHECK(out.tv_sec == 1 && out.tv_usec == 500000, "%ld.%06ld", (long)out.tv_sec, (long)out.tv_usec);
    CHECK_OK(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &out, &len));
    CHECK(out.tv_sec == 1 && out.tv_usec == 500000);
    struct timeval zero = {0, 0};
    CHECK_OK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &zero, sizeof zero));
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &out, &len));
    CHECK(out.tv_sec == 0 && out.tv_usec == 0);
    struct timeval bad = {1, 1000000};
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &bad, sizeof bad), EDOM);
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv - 1), EINVAL);

    // SO_LINGER.
    struct linger l = {1, 5}, lo;
    CHECK_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof l));
    len = sizeof lo;
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_LINGER, &lo, &len));
    CHECK(len == sizeof lo && lo.l_onoff == 1 && lo.l_linger == 5);
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof l - 1), EINVAL);

    // No peer: pid 0 and ids of -1.
    struct ucred cr;
    len = sizeof cr;
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len));
    CHECK(len == sizeof cr && cr.pid == 0 && cr.uid == (uid_t)-1 && cr.gid == (gid_t)-1);

    // Read-only options, short and bad lengths.
    int v = SOCK_DGRAM;
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_TYPE, &v, sizeof v), ENOPROTOOPT);
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_PEERCRED, &v, sizeof v), ENOPROTOOPT);
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 2), EINVAL);
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, NULL, sizeof v), EFAULT);
    v = 1;
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &v, sizeof v), EOPNOTSUPP);
    len = (socklen_t)-1;
    CHECK_ERR(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), EINVAL);
    len = sizeof v;
    CHECK_ERR(getsockopt(s, SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT);
    // AF_UNIX has no options at other levels.
    CHECK_ERR(setsockopt(s, 6 /* SOL_TCP */, 1, &v, sizeof v), EOPNOTSUPP);
    CHECK_ERR(getsockopt(s, 6, 1, &v, &len), EOPNOTSUPP);
    close(s);

    // SO_PEERCRED of a socketpair: whoever made it.
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    len = sizeof cr;
    CHECK_OK(getsockopt(sv[1], SOL_SOCKET, SO_PEERCRED, &cr, &len));
    CHECK(cr.pid == getpid() && cr.uid == geteuid() && cr.gid == getegid());
    CHECK(get_int(sv[0], SO_TYPE) == SOCK_DGRAM);
    close(sv[0]);
    close(sv[1]);
    return 0;
}
