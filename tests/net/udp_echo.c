// Guest side of e2e.py's "udp" case: datagrams of growing sizes to the host's UDP echo
// server (argv[1] = its port, reached at 10.0.2.2); each must come back whole. Sizes
// past 1472 bytes leave in IPv4 fragments and their echoes come back in fragments.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in host = {0};
    host.sin_family = AF_INET;
    host.sin_port = htons((unsigned short)atoi(argv[1]));
    host.sin_addr.s_addr = inet_addr("10.0.2.2");
    if (s < 0 || connect(s, (struct sockaddr*)&host, sizeof host) < 0) {
        perror("socket/connect");
        return 1;
    }
    struct timeval tv = {5, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    static unsigned char out[65507], in[65536];
    const size_t sizes[] = {1, 1472, 1473, 2960, 4000, 20000, 65507};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        for (size_t i = 0; i < n; i++) out[i] = (unsigned char)(i * 13 + k);
        // The host may miss one (QEMU's stack is single-threaded): try a few times.
        ssize_t got = -1;
        for (int tries = 0; tries < 3 && got < 0; tries++) {
            if (send(s, out, n, 0) != (ssize_t)n) {
                perror("send");
                return 1;
            }
            got = recv(s, in, sizeof in, 0);
        }
        if (got != (ssize_t)n || memcmp(in, out, n) != 0) {
            printf("size %zu: got %zd bytes back\n", n, got);
            return 1;
        }
        printf("ok %zu\n", n);
    }
    return 0;
}
