// Helpers for the user-space tests: check a condition, or exit 1 with a message that
// names what failed (file, line, the expression, errno). Tests are ordinary Linux
// programs; nothing here is LevitateOS-specific.
#pragma once
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LV_FAIL(...)                                            \
    do {                                                        \
        fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);    \
        fprintf(stderr, __VA_ARGS__);                           \
        fputc('\n', stderr);                                    \
        exit(1);                                                \
    } while (0)

// CHECK(cond) or CHECK(cond, "fmt", args...): the condition must hold.
#define CHECK(cond, ...)                                                              \
    do {                                                                              \
        if (!(cond)) {                                                                \
            int _e = errno;                                                           \
            fprintf(stderr, "FAIL %s:%d: %s", __FILE__, __LINE__, #cond);             \
            __VA_OPT__(fprintf(stderr, ": "); fprintf(stderr, __VA_ARGS__);)          \
            fprintf(stderr, " (errno %d: %s)\n", _e, strerror(_e));                   \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

// CHECK_OK(call): the call returns >= 0 (a syscall wrapper that did not fail).
#define CHECK_OK(call)                                                                   \
    ({                                                                                   \
        errno = 0;                                                                       \
        long _r = (long)(call);                                                          \
        if (_r < 0) LV_FAIL("%s failed: errno %d (%s)", #call, errno, strerror(errno));  \
        _r;                                                                              \
    })

// CHECK_ERR(call, E): the call fails (-1) with errno E.
#define CHECK_ERR(call, E)                                                                   \
    do {                                                                                     \
        errno = 0;                                                                           \
        long _r = (long)(call);                                                              \
        if (_r != -1 || errno != (E))                                                        \
            LV_FAIL("%s: expected -1 with %s (%d), got %ld with errno %d (%s)", #call, #E, E, \
                    _r, errno, strerror(errno));                                             \
    } while (0)

// The whole of a (small, generated) file such as /proc/stat, NUL-terminated; fails the
// test if it cannot be opened. Returns its length.
static inline size_t lv_read_file(const char* path, char* buf, size_t cap) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
    size_t len = 0;
    for (ssize_t n; len + 1 < cap && (n = read(fd, buf + len, cap - 1 - len)) > 0;) len += (size_t)n;
    close(fd);
    buf[len] = 0;
    return len;
}
