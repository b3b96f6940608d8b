// /sbin/init of the default initramfs: a tiny shell for `./levitate run`.
//
// It prints a banner, then reads command lines from stdin. Builtins: cd, pwd, echo,
// help, exit. Other commands are looked up in /bin, /sbin and /usr/bin (or taken as a
// path when they contain a '/'); a name found nowhere runs as a busybox applet
// (/bin/busybox picks the applet from argv[0]). Programs start with the LevitateOS
// syscall spawn_args (the child inherits our fds), and we wait for them with wait4.
// When fork and execve work, busybox sh will replace this as the default init.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYS_spawn_args 1001 // long spawn_args(const char* path, char* const argv[], char* const envp[])
#define SYS_set_foreground 1002 // long set_foreground(pid_t pid): its group gets ^C
#define MAX_LINE 1024
#define MAX_ARGS 64

extern char** environ;

static void put(const char* s) { write(1, s, strlen(s)); }

// Reads one line from fd 0 (without the newline). Returns its length, -1 at end of input.
static int read_line(char* buf, int size) {
    int n = 0;
    for (;;) {
        char c;
        ssize_t r = read(0, &c, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return n > 0 ? n : -1;
        if (c == '\n' || c == '\r') break;
        if (n + 1 < size) buf[n++] = c;
    }
    buf[n] = '\0';
    return n;
}

// Splits a line in place into words; '...' and "..." group words with spaces.
static int split(char* line, char** argv) {
    int argc = 0;
    char* p = line;
    while (*p && argc < MAX_ARGS - 1) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p || *p == '#') break;
        char* out = p;
        argv[argc++] = out;
        char quote = 0;
        for (; *p; p++) {
            if (quote) {
                if (*p == quote) quote = 0;
                else *out++ = *p;
            } else if (*p == '\'' || *p == '"') {
                quote = *p;
            } else if (*p == ' ' || *p == '\t') {
                p++;
                break;
            } else {
                *out++ = *p;
            }
        }
        *out = '\0';
    }
    argv[argc] = NULL;
    return argc;
}

// The program to run for a command name: a path as given, a file found on our
// PATH, or busybox (which runs the applet named by argv[0]).
static const char* find_program(const char* name, char* buf, size_t size) {
    if (strchr(name, '/')) return name;
    static const char* const dirs[] = {"/bin", "/sbin", "/usr/bin", "/usr/sbin"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(buf, size, "%s/%s", dirs[i], name);
        if (access(buf, X_OK) == 0) return buf;
    }
    if (access("/bin/busybox", X_OK) == 0) return "/bin/busybox";
    return NULL;
}

static void run(char** argv) {
    char path[256];
    const char* prog = find_program(argv[0], path, sizeof path);
    if (!prog) {
        fprintf(stderr, "%s: command not found\n", argv[0]);
        return;
    }
    long pid = syscall(SYS_spawn_args, prog, argv, environ);
    if (pid < 0) {
        fprintf(stderr, "%s: cannot run %s: %s\n", argv[0], prog, strerror(errno));
        return;
    }
    // The child gets its own process group and the console, so ^C reaches it and not us.
    // (setpgid may fail if the child already exec'd something that set its own; harmless.)
    setpgid((pid_t)pid, (pid_t)pid);
    syscall(SYS_set_foreground, pid);
    int status = 0;
    while (wait4((pid_t)pid, &status, 0, NULL) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "wait4: %s\n", strerror(errno));
            return;
        }
    }
    syscall(SYS_set_foreground, getpid());
    if (WIFSIGNALED(status))
        fprintf(stderr, "[%s: killed by signal %d]\n", argv[0], WTERMSIG(status));
    else if (WIFEXITED(status) && WEXITSTATUS(status))
        fprintf(stderr, "[%s: exit %d]\n", argv[0], WEXITSTATUS(status));
}

static void help(void) {
    put("Builtins: cd [DIR], pwd, echo [WORDS], help, exit [N].\n"
        "Other commands run from /bin, /sbin, /usr/bin or as busybox applets (try `ls /`).\n");
}

// Returns 1 if argv was a builtin (and ran it).
static int builtin(int argc, char** argv) {
    if (strcmp(argv[0], "exit") == 0) {
        exit(argc > 1 ? atoi(argv[1]) : 0);
    } else if (strcmp(argv[0], "cd") == 0) {
        const char* dir = argc > 1 ? argv[1] : getenv("HOME");
        if (chdir(dir ? dir : "/") < 0) fprintf(stderr, "cd: %s: %s\n", dir, strerror(errno));
    } else if (strcmp(argv[0], "pwd") == 0) {
        char buf[512];
        if (getcwd(buf, sizeof buf)) printf("%s\n", buf);
        else fprintf(stderr, "pwd: %s\n", strerror(errno));
    } else if (strcmp(argv[0], "echo") == 0) {
        for (int i = 1; i < argc; i++) printf(i > 1 ? " %s" : "%s", argv[i]);
        printf("\n");
    } else if (strcmp(argv[0], "help") == 0) {
        help();
    } else {
        return 0;
    }
    fflush(stdout);
    return 1;
}

static void on_interrupt(int sig) { (void)sig; }

int main(void) {
    // The kernel starts init with an empty environment; give children a sane one.
    setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 0);
    setenv("HOME", "/root", 0);
    setenv("TERM", "linux", 0);
    setvbuf(stdout, NULL, _IONBF, 0);
    // ^C at the prompt must not end init: catch it (a handler, not SIG_IGN, so that the
    // programs we start get the default action back when they exec).
    struct sigaction sa = {0};
    sa.sa_handler = on_interrupt;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);

    struct utsname u;
    if (uname(&u) == 0) printf("\nLevitateOS %s (%s)\n", u.release, u.machine);
    else printf("\nLevitateOS\n");
    printf("Type `help` for the builtins.\n\n");

    char line[MAX_LINE];
    char* argv[MAX_ARGS];
    for (;;) {
        char cwd[256];
        printf("%s # ", getcwd(cwd, sizeof cwd) ? cwd : "?");
        if (read_line(line, sizeof line) < 0) {
            put("\n");
            return 0; // end of input
        }
        int argc = split(line, argv);
        if (argc == 0 || builtin(argc, argv)) continue;
        run(argv);
    }
}
