// execve's limits on argument and environment strings (Linux's fs/exec.c): a string
// may be MAX_ARG_STRLEN (32 pages) bytes with its NUL and no longer (E2BIG, in argv or
// envp); the filename, all strings and one pointer per string must fit in a quarter of
// RLIMIT_STACK (2 MiB for 8 MiB; E2BIG past it, to the byte); many small strings are fine.
// SYSCALLS: execve, prlimit64, wait4
// HOST-QEMU-SKIP: qemu-aarch64 cannot execve an arm64 binary (no binfmt registration)
#include "lvtest.h"
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARG_STRLEN (32 * 4096)
#define SPACE (2 << 20) // 8 MiB / 4
#define SELF "/proc/self/exe"

static char* string_of(size_t len, char c) {
    char* s = malloc(len + 1);
    CHECK(s);
    memset(s, c, len);
    s[len] = 0;
    return s;
}

// Runs SELF with argv/envp in a child; returns its exit status, or -errno if execve failed.
static int run(char** argv, char** envp) {
    int pipefd[2];
    CHECK_OK(pipe(pipefd));
    pid_t pid = CHECK_OK(fork());
    if (pid == 0) {
        close(pipefd[0]);
        execve(SELF, argv, envp);
        int e = errno;
        CHECK(write(pipefd[1], &e, sizeof e) == sizeof e);
        _exit(99);
    }
    close(pipefd[1]);
    int e = 0;
    ssize_t n = read(pipefd[0], &e, sizeof e);
    close(pipefd[0]);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (n == sizeof e) return -e;
    CHECK(WIFEXITED(status), "child status %#x", status);
    return WEXITSTATUS(status);
}

// The exec'd side: check what arrived.
static int child(int argc, char** argv, char** envp) {
    const char* mode = argv[1];
    if (!strcmp(mode, "long")) {
        CHECK(argc == 3 && strlen(argv[2]) == MAX_ARG_STRLEN - 1);
        CHECK(envp[0] && strlen(envp[0]) == MAX_ARG_STRLEN - 1 && !envp[1]);
        for (size_t i = 0; i < MAX_ARG_STRLEN - 1; i++) CHECK(argv[2][i] == 'a');
        return 10;
    }
    if (!strcmp(mode, "many")) {
        CHECK(argc == 100002, "argc %d", argc);
        for (int i = 2; i < argc; i++) CHECK(argv[i][0] == 0);
        return 11;
    }
    if (!strcmp(mode, "full")) {
        size_t total = sizeof SELF + argc * sizeof(char*); // no environment
        for (int i = 0; i < argc; i++) total += strlen(argv[i]) + 1;
        CHECK(!envp[0]);
        CHECK(total == SPACE, "the strings and pointers came to %zu bytes", total);
        return 12;
    }
    LV_FAIL("unknown mode %s", mode);
}

int main(int argc, char** argv, char** envp) {
    if (argc >= 2) return child(argc, argv, envp);

    // The space depends on RLIMIT_STACK: make it 8 MiB whatever we were given.
    struct rlimit stack;
    CHECK_OK(getrlimit(RLIMIT_STACK, &stack));
    stack.rlim_cur = 8 << 20;
    CHECK_OK(setrlimit(RLIMIT_STACK, &stack));

    // One string: MAX_ARG_STRLEN with its NUL works, a byte more is E2BIG.
    char* ok = string_of(MAX_ARG_STRLEN - 1, 'a');
    char* big = string_of(MAX_ARG_STRLEN, 'b');
    char* env_ok[] = {ok, NULL};
    char* args_ok[] = {"e2big", "long", ok, NULL};
    CHECK(run(args_ok, env_ok) == 10, "a %d-byte string (with its NUL) is allowed", MAX_ARG_STRLEN);
    char* args_big[] = {"e2big", "long", big, NULL};
    CHECK(run(args_big, env_ok) == -E2BIG, "a longer argument is E2BIG");
    char* env_big[] = {big, NULL};
    CHECK(run(args_ok, env_big) == -E2BIG, "a longer environment string is E2BIG");
    // In the caller too (execve returns).
    CHECK_ERR(execve(SELF, args_big, env_ok), E2BIG);
    char* huge = string_of(1 << 20, 'c');
    char* args_huge[] = {"e2big", "long", huge, NULL};
    CHECK_ERR(execve(SELF, args_huge, NULL), E2BIG);

    // Many small strings: 100000 empty arguments (under 1 MiB with their pointers).
    char** many = calloc(100003, sizeof(char*));
    CHECK(many);
    many[0] = "e2big";
    many[1] = "many";
    for (int i = 2; i < 100002; i++) many[i] = "";
    CHECK(run(many, NULL) == 11, "100000 arguments");
    free(many);
    // 250000 of them do not fit (9 bytes each).
    char** too_many = calloc(250001, sizeof(char*));
    CHECK(too_many);
    for (int i = 0; i < 250000; i++) too_many[i] = "";
    CHECK_ERR(execve(SELF, too_many, NULL), E2BIG);
    CHECK_ERR(execve(SELF, args_ok, too_many), E2BIG); // the same in envp
    free(too_many);

    // The whole space to the byte: the filename, the strings and their pointers.
    enum { kFill = 20 };
    char* full[kFill + 4];
    full[0] = "e2big";
    full[1] = "full";
    for (int i = 0; i < kFill; i++) full[2 + i] = string_of(100000 - 1, 'd');
    int count = kFill + 3;
    size_t used = sizeof SELF + count * sizeof(char*) + strlen(full[0]) + 1 + strlen(full[1]) + 1 + kFill * 100000;
    size_t rest = SPACE - used; // the last string's bytes, NUL included
    CHECK(rest > 1 && rest <= MAX_ARG_STRLEN);
    full[2 + kFill] = string_of(rest - 1, 'e');
    full[3 + kFill] = NULL;
    char* no_env[] = {NULL};
    CHECK(run(full, no_env) == 12, "strings and pointers of exactly a quarter of RLIMIT_STACK");
    full[2 + kFill] = string_of(rest, 'e');
    CHECK(run(full, no_env) == -E2BIG, "one byte more is E2BIG");
    CHECK_ERR(execve(SELF, full, no_env), E2BIG);

    // A smaller stack limit shrinks the space: 1 MiB gives 256 KiB.
    stack.rlim_cur = 1 << 20;
    CHECK_OK(setrlimit(RLIMIT_STACK, &stack));
    char* args_two[] = {"e2big", "long", ok, ok, NULL};
    CHECK_ERR(execve(SELF, args_two, env_ok), E2BIG); // 3 x 128 KiB > 256 KiB
    puts("exec_e2big ok");
    return 0;
}
