// Helpers for the user-space tests: check a condition, or exit 1 with a message that
// names what failed (file, line, the expression, errno). Tests are ordinary Linux
// programs; nothing here is LevitateOS-specific.
#pragma once
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
