// Resource limits: the stack limit is sane and can be lowered; unknown resources are EINVAL.
// SYSCALLS: prlimit64, getrlimit, setrlimit
#include "lvtest.h"
#include <sys/resource.h>

int main(void) {
    struct rlimit r;
    CHECK_OK(getrlimit(RLIMIT_STACK, &r));
    CHECK(r.rlim_cur >= 1 << 20, "stack limit %llu", (unsigned long long)r.rlim_cur);
    CHECK(r.rlim_max == RLIM_INFINITY || r.rlim_max >= r.rlim_cur);
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &r));
    CHECK(r.rlim_cur >= 64);
    struct rlimit lower = {r.rlim_cur - 1, r.rlim_max};
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &lower));
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &r));
    CHECK(r.rlim_cur == lower.rlim_cur);
    CHECK_ERR(getrlimit(1000, &r), EINVAL);
    return 0;
}
