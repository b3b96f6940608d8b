// lvfuzz: a random system-call fuzzer for LevitateOS, in the spirit of trinity.
//
//   lvfuzz [--seed S] [--seconds N] [--workers W] [--only a,b,...] [--exclude a,b,...]
//          [--stall S] [--max-map-len BYTES] [--plain-exit-signals] [--not-init]
//
// The parent (pid 2 under `./levitate exec`, child of the kernel's reaper, started with
// --not-init by tools/lv/fuzz.py; or PID 1 when it is init= itself) forks W
// workers. Each worker issues random system calls (every number of the architecture's
// table, arch/<arch>/include/arch/syscall_numbers.inc, plus LevitateOS's own 1000-1010)
// with arguments drawn from a mix: valid descriptors of every kind, valid and invalid
// pointers (NULL, unmapped, PROT_NONE, read-only, kernel half, non-canonical, buffers
// ending at an unmapped page, buffers of random bytes), flags, sizes and small ints.
// Odd-numbered workers run as uid/gid 1000, even-numbered ones as root.
//
// Every call is written to a MAP_SHARED log before it is made: one page per worker
// (struct slot), a ring of the last RING calls with their arguments and then their
// result. The page starts with a magic and a per-run nonce so that the host can also
// find the rings in a dump of guest memory after a panic or a hang (tools/lv/fuzz.py).
//
// The parent: replaces workers that die (any cause), SIGKILLs workers that made no
// progress for --stall seconds (and reports a worker still not gone 30 s after SIGKILL:
// a kernel bug), prints "lvfuzz: alive ..." every 2 s, and at the end kills and reaps
// everything, removes the scratch directories, lets the system settle, and prints
// MemAvailable from before and after, then "lvfuzz: done calls=N seed=S". It exits 0,
// or 1 if it saw a failure itself (an unkillable worker).
//
// What is excluded or constrained (so that a run tests the kernel, not the end of the
// run), all else is fair game (madvise, mmap, munmap, brk, mremap, rt_sigreturn on a
// garbage stack, clone/clone3/fork/vfork with random flags, execve with garbage, ...):
//   - reboot: only from unprivileged workers (it must fail with EPERM); kexec_load and
//     kexec_file_load: never.
//   - process-targeting calls (kill, tkill, tgkill, rt_[tg]sigqueueinfo, ptrace,
//     pidfd_open, process_vm_*, kcmp, prlimit64, sched_set*, setpgid, setpriority, fcntl
//     F_SETOWN, ...): pids are the worker itself, its children, its process group (0 or
//     -self) or nonexistent ones; never -1 nor another process (PID 1, other workers).
//   - mount, umount2, pivot_root, chroot, swapon: relative paths only (inside the
//     worker's scratch directory /tmp/fuzz.N), so that /proc and /tmp stay.
//   - rename, renameat and renameat2 get relative paths only (with RENAME_EXCHANGE, a
//     file and /tmp would trade places, on Linux too).
//   - paths handed to any call are relative (in the scratch directory), a few fixed
//     system files, or bad pointers; /dev/console and ttys are never opened (they are
//     the host's serial line).
//     Relative paths may still meet a descriptor of /, /dev or /tmp as dirfd: what the
//     workers leave in those directories is removed at the end, before memory is
//     counted.
//   - munmap, mremap, mprotect, pkey_mprotect, mmap(MAP_FIXED*) and madvise(MADV_REMOVE)
//     over the shared log are skipped (the rest of such ranges are not).
//   - the children that clone, clone3, fork and vfork create exit at once (in the same
//     asm block as the call, without touching the stack), so that they do not fuzz with
//     the parent's log.
//   - workers keep a 50 ms interval timer with a SIGALRM handler (re-armed every 16 calls)
//     so that blocking calls end with EINTR, and ignore SIGPIPE, SIGXFSZ and SIGXCPU.
//   - a worker exits after a random number of calls and a new one takes its place, so
//     that the descriptors and mappings it made do not pile up.
// Seeds: worker k of generation g uses mix(seed, k, g): the same --seed gives every
// worker the same sequence of choices (what the kernel answers can still differ).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef uint64_t u64;
typedef int64_t i64;

// ---------------------------------------------------------------------------------
// The syscall table: the kernel's own list for this architecture, plus LevitateOS's.
struct nrname {
    int nr;
    const char* name;
};
#define NR(n, name) {n, #name},
static const struct nrname g_linux_table[] = {
#include "syscall_numbers.inc"
};
#undef NR
static const struct nrname g_custom_table[] = {
    {1000, "spawn"}, {1001, "spawn_args"}, {1002, "set_foreground"}, {1003, "get_foreground"}, {1010, "isatty"},
};

// Argument kinds (one letter each in the spec strings below):
//   f fd          p pointer (buffer)   l length       F flags          s path
//   w path to move or replace (relative or a bad pointer: never /tmp, which a rename
//     could swap with a file as it would on Linux)
//   h mount point (in scratch)         e exec path    y file system type    x argv/envp      m mode
//   P pid         S signal             a mm address   L mm length      r prot
//   M mmap flags  A madvise advice     v iovec ptr    c iov count      k sockaddr ptr
//   K socklen     u uid                g gid          C clock id       i any int
//   n small int   t timespec ptr       o offset       d ioctl cmd      b clone flags
//   R rlimit res  T fcntl cmd          O prctl opt    X futex op       Q sockopt level
//   q sockopt     D socket domain      Y socket type  E epoll op       z sigset ptr
//   Z sigset size N clone3 args ptr    B brk address  W wait options   G ptrace request
struct spec {
    const char* name;
    const char* args;
    int weight; // relative weight (default 10)
    int flags;
};
enum { SP_ROOT_NEVER = 1, SP_NEVER = 2, SP_RETURNS_FD = 4, SP_FORK = 8, SP_MM_RANGE = 16, SP_RETURNS_MAP = 32 };

static const struct spec g_specs[] = {
    {"read", "fpl", 10, 0}, {"write", "fpl", 10, 0}, {"open", "sFm", 10, SP_RETURNS_FD},
    {"openat", "fsFm", 10, SP_RETURNS_FD}, {"openat2", "fspl", 5, SP_RETURNS_FD}, {"creat", "sm", 5, SP_RETURNS_FD},
    {"close", "f", 8, 0}, {"close_range", "ffF", 2, 0}, {"lseek", "fon", 10, 0},
    {"pread64", "fplo", 10, 0}, {"pwrite64", "fplo", 10, 0}, {"readv", "fvc", 10, 0}, {"writev", "fvc", 10, 0},
    {"preadv", "fvcoo", 8, 0}, {"pwritev", "fvcoo", 8, 0}, {"preadv2", "fvcooF", 8, 0},
    {"pwritev2", "fvcooF", 8, 0}, {"truncate", "so", 8, 0}, {"ftruncate", "fo", 8, 0},
    {"dup", "f", 8, SP_RETURNS_FD}, {"dup2", "ff", 8, SP_RETURNS_FD}, {"dup3", "ffF", 8, SP_RETURNS_FD},
    {"fcntl", "fTi", 12, 0}, {"ioctl", "fdp", 12, 0}, {"pipe", "p", 5, 0}, {"pipe2", "pF", 5, 0},
    {"stat", "sp", 8, 0}, {"fstat", "fp", 8, 0}, {"lstat", "sp", 8, 0}, {"newfstatat", "fspF", 8, 0},
    {"statx", "fsFip", 8, 0}, {"access", "sn", 5, 0}, {"faccessat", "fsn", 5, 0}, {"faccessat2", "fsnF", 5, 0},
    {"utimensat", "fspF", 5, 0}, {"utime", "sp", 3, 0}, {"utimes", "sp", 3, 0}, {"futimesat", "fsp", 3, 0},
    {"getcwd", "pl", 5, 0}, {"chdir", "s", 5, 0}, {"fchdir", "f", 5, 0}, {"mkdir", "sm", 8, 0},
    {"mkdirat", "fsm", 8, 0}, {"rmdir", "s", 8, 0}, {"getdents64", "fpl", 8, 0}, {"getdents", "fpl", 8, 0},
    {"unlink", "s", 8, 0}, {"unlinkat", "fsF", 8, 0}, {"rename", "ww", 8, 0}, {"renameat", "fwfw", 8, 0},
    {"renameat2", "fwfwF", 8, 0}, {"link", "ss", 8, 0}, {"linkat", "fsfsF", 8, 0}, {"symlink", "ss", 8, 0},
    {"symlinkat", "sfs", 8, 0}, {"readlink", "spl", 8, 0}, {"readlinkat", "fspl", 8, 0}, {"mknod", "smi", 5, 0},
    {"mknodat", "fsmi", 5, 0}, {"mount", "hhyFp", 5, 0}, {"umount2", "hF", 5, 0}, {"pivot_root", "hh", 3, SP_ROOT_NEVER},
    {"chroot", "h", 3, 0}, {"swapon", "hF", 2, 0}, {"swapoff", "h", 2, 0},
    {"chmod", "sm", 5, 0}, {"fchmod", "fm", 5, 0}, {"fchmodat", "fsmF", 5, 0}, {"chown", "sug", 5, 0},
    {"fchown", "fug", 5, 0}, {"fchownat", "fsugF", 5, 0}, {"lchown", "sug", 5, 0}, {"umask", "m", 3, 0},
    {"sync", "", 1, 0}, {"syncfs", "f", 3, 0}, {"fsync", "f", 5, 0}, {"fdatasync", "f", 5, 0},
    {"fallocate", "fnoo", 8, 0}, {"fadvise64", "fooA", 5, 0}, {"readahead", "fol", 5, 0}, {"flock", "fn", 5, 0},
    {"statfs", "sp", 5, 0}, {"fstatfs", "fp", 5, 0}, {"sendfile", "ffpl", 8, 0},
    {"copy_file_range", "fpfplF", 8, 0}, {"splice", "fpfplF", 5, 0}, {"tee", "fflF", 5, 0},
    {"select", "nppppt", 5, 0}, {"pselect6", "npppptp", 5, 0}, {"poll", "pni", 8, 0}, {"ppoll", "pntzZ", 8, 0},
    {"epoll_create", "n", 5, SP_RETURNS_FD}, {"epoll_create1", "F", 5, SP_RETURNS_FD}, {"epoll_ctl", "fEfp", 10, 0},
    {"epoll_wait", "fpni", 8, 0}, {"epoll_pwait", "fpnizZ", 8, 0}, {"epoll_pwait2", "fpntzZ", 8, 0},
    {"eventfd", "n", 5, SP_RETURNS_FD}, {"eventfd2", "nF", 5, SP_RETURNS_FD},
    {"signalfd", "fzZ", 5, SP_RETURNS_FD}, {"signalfd4", "fzZF", 5, SP_RETURNS_FD},
    {"timerfd_create", "CF", 5, SP_RETURNS_FD}, {"timerfd_settime", "fFpp", 8, 0}, {"timerfd_gettime", "fp", 5, 0},
    {"inotify_init1", "F", 2, SP_RETURNS_FD}, {"memfd_create", "sF", 3, SP_RETURNS_FD},
    {"userfaultfd", "F", 2, SP_RETURNS_FD}, {"pidfd_open", "PF", 3, SP_RETURNS_FD},
    {"pidfd_send_signal", "fSpF", 3, 0}, {"pidfd_getfd", "ffF", 3, SP_RETURNS_FD},
    // memory
    {"brk", "B", 10, 0}, {"mmap", "aLrMfo", 15, SP_MM_RANGE | SP_RETURNS_MAP}, {"munmap", "aL", 10, SP_MM_RANGE},
    {"mprotect", "aLr", 10, SP_MM_RANGE}, {"pkey_mprotect", "aLri", 5, SP_MM_RANGE},
    {"madvise", "aLA", 15, SP_MM_RANGE}, {"mremap", "aLLFa", 10, SP_MM_RANGE | SP_RETURNS_MAP},
    {"msync", "aLF", 5, 0}, {"mlock", "aL", 5, 0}, {"mlock2", "aLF", 3, 0}, {"munlock", "aL", 5, 0},
    {"mlockall", "F", 3, 0}, {"munlockall", "", 2, 0}, {"mincore", "aLp", 5, 0},
    {"remap_file_pages", "aLiiF", 2, SP_MM_RANGE}, {"process_madvise", "fvcAF", 3, 0},
    {"pkey_alloc", "Fi", 3, 0}, {"pkey_free", "n", 3, 0}, {"mseal", "aLF", 2, SP_MM_RANGE},
    // processes
    {"fork", "", 4, SP_FORK}, {"vfork", "", 4, SP_FORK}, {"clone", "bppppp", 6, SP_FORK},
    {"clone3", "Nl", 4, SP_FORK}, {"execve", "exx", 3, 0}, {"execveat", "fexxF", 3, 0},
    {"wait4", "PpWp", 6, 0}, {"waitid", "nPpWp", 6, 0}, {"exit", "i", 1, 0}, {"exit_group", "i", 1, 0},
    {"getpid", "", 2, 0}, {"getppid", "", 2, 0}, {"gettid", "", 2, 0}, {"set_tid_address", "p", 5, 0},
    {"prctl", "Oiiii", 12, 0}, {"sched_yield", "", 2, 0}, {"kill", "PS", 8, 0}, {"tkill", "PS", 5, 0},
    {"tgkill", "PPS", 5, 0}, {"pause", "", 2, 0}, {"getrusage", "ip", 5, 0}, {"prlimit64", "PRpp", 8, 0},
    {"getrlimit", "Rp", 5, 0}, {"setrlimit", "Rp", 5, 0}, {"getpriority", "nP", 3, 0},
    {"setpriority", "nPi", 3, 0}, {"personality", "i", 3, 0}, {"set_robust_list", "pl", 5, 0},
    {"get_robust_list", "Ppp", 5, 0}, {"getcpu", "ppp", 3, 0}, {"times", "p", 3, 0}, {"sysinfo", "p", 3, 0},
    {"uname", "p", 3, 0}, {"ptrace", "GPpp", 5, 0}, {"process_vm_readv", "Pvcvci", 3, 0},
    {"process_vm_writev", "Pvcvci", 3, 0}, {"kcmp", "PPnii", 2, 0}, {"unshare", "b", 3, 0},
    {"setns", "fb", 2, 0}, {"seccomp", "nFp", 2, 0}, {"arch_prctl", "ip", 3, 0},
    {"sched_setaffinity", "Plp", 3, 0}, {"sched_getaffinity", "Plp", 3, 0}, {"sched_setscheduler", "Pnp", 3, 0},
    {"sched_getscheduler", "P", 2, 0}, {"sched_setparam", "Pp", 3, 0}, {"sched_getparam", "Pp", 2, 0},
    {"sched_setattr", "PpF", 3, 0}, {"sched_getattr", "PplF", 3, 0}, {"sched_rr_get_interval", "Pp", 2, 0},
    {"sched_get_priority_max", "n", 1, 0}, {"sched_get_priority_min", "n", 1, 0},
    {"ioprio_set", "nPi", 2, 0}, {"ioprio_get", "nP", 2, 0}, {"migrate_pages", "Plpp", 2, 0},
    {"move_pages", "Plpppi", 2, 0}, {"perf_event_open", "pPifF", 2, SP_RETURNS_FD},
    {"reboot", "iiip", 1, SP_ROOT_NEVER}, {"kexec_load", "ilpF", 0, SP_NEVER},
    {"kexec_file_load", "fflpF", 0, SP_NEVER},
    // credentials
    {"setuid", "u", 3, 0}, {"setgid", "g", 3, 0}, {"setreuid", "uu", 3, 0}, {"setregid", "gg", 3, 0},
    {"setresuid", "uuu", 3, 0}, {"setresgid", "ggg", 3, 0}, {"getresuid", "ppp", 2, 0},
    {"getresgid", "ppp", 2, 0}, {"getgroups", "np", 3, 0}, {"setgroups", "np", 3, 0}, {"setfsuid", "u", 2, 0},
    {"setfsgid", "g", 2, 0}, {"capget", "pp", 3, 0}, {"capset", "pp", 3, 0},
    {"setpgid", "PP", 4, 0}, {"getpgid", "P", 2, 0}, {"getsid", "P", 2, 0}, {"setsid", "", 2, 0},
    // signals
    {"rt_sigaction", "Sppn", 10, 0}, {"rt_sigprocmask", "nzzZ", 8, 0}, {"rt_sigreturn", "", 3, 0},
    {"rt_sigsuspend", "zZ", 3, 0}, {"rt_sigpending", "zZ", 3, 0}, {"rt_sigtimedwait", "zptZ", 5, 0},
    {"rt_sigqueueinfo", "PSp", 5, 0}, {"rt_tgsigqueueinfo", "PPSp", 5, 0}, {"sigaltstack", "pp", 5, 0},
    {"alarm", "n", 2, 0}, {"setitimer", "npp", 5, 0}, {"getitimer", "np", 3, 0},
    // sockets
    {"socket", "DYn", 10, SP_RETURNS_FD}, {"socketpair", "DYnp", 5, 0}, {"bind", "fkK", 8, 0},
    {"listen", "fi", 5, 0}, {"accept", "fpp", 5, SP_RETURNS_FD}, {"accept4", "fppF", 5, SP_RETURNS_FD},
    {"connect", "fkK", 8, 0}, {"sendto", "fplFkK", 10, 0}, {"recvfrom", "fplFpp", 10, 0},
    {"sendmsg", "fpF", 10, 0}, {"recvmsg", "fpF", 10, 0}, {"sendmmsg", "fpnF", 5, 0}, {"recvmmsg", "fpnFt", 5, 0},
    {"shutdown", "fn", 5, 0}, {"setsockopt", "fQqpK", 12, 0}, {"getsockopt", "fQqpp", 10, 0},
    {"getsockname", "fpp", 5, 0}, {"getpeername", "fpp", 5, 0},
    // time
    {"futex", "pXitpi", 10, 0}, {"futex_waitv", "pnFtC", 3, 0}, {"nanosleep", "tp", 3, 0},
    {"clock_gettime", "Cp", 3, 0}, {"clock_getres", "Cp", 3, 0}, {"gettimeofday", "pp", 3, 0},
    {"clock_nanosleep", "CFtp", 3, 0}, {"clock_settime", "Cp", 3, 0}, {"settimeofday", "pp", 3, 0},
    {"time", "p", 2, 0}, {"timer_create", "Cpp", 5, 0}, {"timer_delete", "n", 3, 0},
    {"timer_getoverrun", "n", 3, 0}, {"timer_gettime", "np", 3, 0}, {"timer_settime", "nFpp", 5, 0},
    {"getrandom", "plF", 5, 0}, {"sethostname", "pl", 2, 0}, {"setdomainname", "pl", 2, 0},
    {"syslog", "npl", 3, 0},
    // LevitateOS's own
    {"spawn", "e", 2, 0}, {"spawn_args", "exx", 2, 0}, {"set_foreground", "P", 2, 0},
    {"get_foreground", "", 1, 0}, {"isatty", "f", 2, 0},
};

// ---------------------------------------------------------------------------------
// The shared log.
#define RING 16
#define MAGIC 0x315a5a5546564c4cull // "LLVFUZZ1" little-endian
enum { ST_EMPTY = 0, ST_PENDING = 1, ST_DONE = 2 };
struct entry {
    u64 seq;
    i64 nr;
    u64 a[6];
    i64 ret;
    u64 state;
};
struct slot {
    u64 magic, nonce;
    u64 index, pid, uid, gen, seed;
    volatile u64 calls; // calls made in this generation
    volatile u64 seq;   // next entry number
    volatile u64 phase; // 0 setup, 1 fuzzing
    u64 reserved[6];
    struct entry e[RING];
};
#define SLOT_BYTES 4096

static unsigned char* g_area; // guard page, W slot pages, guard page
static size_t g_area_len;
static int g_workers = 4;

static struct slot* slot_of(int i) { return (struct slot*)(g_area + SLOT_BYTES * (1 + i)); }

// The parent's own page (after the workers'; index PARENT_INDEX): what it is doing, so
// that a hang of the parent itself is explained too. `phase` is one of these, `pid` the
// worker it concerns, `calls` the number of its loop iterations.
#define PARENT_INDEX 0xffff
enum { P_START = 1, P_FORK, P_CLEAN, P_WAIT, P_KILL, P_BEAT, P_SLEEP, P_KILL_OTHERS, P_END, P_MEMINFO, P_DONE };
static struct slot* g_parent_page;
static void parent_phase(int phase, int arg) {
    if (!g_parent_page) return;
    g_parent_page->phase = phase;
    g_parent_page->pid = arg;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

// ---------------------------------------------------------------------------------
// Random numbers: splitmix64 to seed, xorshift64* to run.
static u64 splitmix(u64* x) {
    u64 z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static u64 g_rng;
static u64 rnd(void) {
    u64 x = g_rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    g_rng = x;
    return x * 0x2545f4914f6cdd1dull;
}
static u64 below(u64 n) { return n ? rnd() % n : 0; }
static int chance(int percent) { return (int)below(100) < percent; }
#define PICK(arr) ((arr)[below(sizeof(arr) / sizeof((arr)[0]))])

static u64 worker_seed(u64 seed, int index, u64 gen) {
    u64 x = seed ^ ((u64)index << 40) ^ (gen * 0x9e3779b97f4a7c15ull);
    splitmix(&x);
    u64 s = splitmix(&x);
    return s ? s : 1;
}

// ---------------------------------------------------------------------------------
// Raw system calls. A child of clone/clone3/fork/vfork (result 0 where `fork` is set)
// exits at once with SYS_exit, inside the asm, without touching its (maybe garbage or
// shared) stack.
static long raw6(long nr, u64 a, u64 b, u64 c, u64 d, u64 e, u64 f, long fork) {
#if defined(__x86_64__)
    long ret;
    register u64 r10 asm("r10") = d;
    register u64 r8 asm("r8") = e;
    register u64 r9 asm("r9") = f;
    asm volatile("syscall\n\t"
                 "test %%rax, %%rax\n\t"
                 "jnz 1f\n\t"
                 "test %[fk], %[fk]\n\t"
                 "jz 1f\n\t"
                 "mov $60, %%eax\n\t"
                 "xor %%edi, %%edi\n\t"
                 "syscall\n\t"
                 "ud2\n"
                 "1:"
                 : "=a"(ret)
                 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9), [fk] "r"(fork)
                 : "rcx", "r11", "memory");
    return ret;
#elif defined(__aarch64__)
    register u64 x8 asm("x8") = nr;
    register u64 x0 asm("x0") = a;
    register u64 x1 asm("x1") = b;
    register u64 x2 asm("x2") = c;
    register u64 x3 asm("x3") = d;
    register u64 x4 asm("x4") = e;
    register u64 x5 asm("x5") = f;
    register u64 x9 asm("x9") = fork;
    asm volatile("svc #0\n\t"
                 "cbnz x0, 1f\n\t"
                 "cbz x9, 1f\n\t"
                 "mov x8, #93\n\t"
                 "svc #0\n\t"
                 "brk #0\n"
                 "1:"
                 : "+r"(x0)
                 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5), "r"(x9)
                 : "memory", "cc");
    return (long)x0;
#else
#error "lvfuzz: x86_64 or aarch64"
#endif
}

// rt_sigreturn with the stack pointer on a buffer of random bytes: never returns.
static void __attribute__((noreturn)) sigreturn_on(void* sp, long nr) {
#if defined(__x86_64__)
    asm volatile("mov %0, %%rsp\n\tmov %1, %%rax\n\tsyscall\n\tud2" ::"r"(sp), "r"(nr) : "memory");
#else
    asm volatile("mov sp, %0\n\tmov x8, %1\n\tsvc #0\n\tbrk #0" ::"r"(sp), "r"(nr) : "memory");
#endif
    __builtin_unreachable();
}

// ---------------------------------------------------------------------------------
// Small helpers that work the same with glibc and musl.
static void say(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char* fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (n > (int)sizeof buf - 1) n = sizeof buf - 1;
    for (int off = 0; off < n;) {
        ssize_t w = write(1, buf + off, n - off);
        if (w <= 0) {
            if (w < 0 && errno == EINTR) continue;
            return;
        }
        off += w;
    }
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static const char* sys_name(long nr) {
    for (size_t i = 0; i < sizeof g_linux_table / sizeof *g_linux_table; i++)
        if (g_linux_table[i].nr == nr) return g_linux_table[i].name;
    for (size_t i = 0; i < sizeof g_custom_table / sizeof *g_custom_table; i++)
        if (g_custom_table[i].nr == nr) return g_custom_table[i].name;
    return "?";
}

static long sys_nr(const char* name) {
    for (size_t i = 0; i < sizeof g_linux_table / sizeof *g_linux_table; i++)
        if (!strcmp(g_linux_table[i].name, name)) return g_linux_table[i].nr;
    for (size_t i = 0; i < sizeof g_custom_table / sizeof *g_custom_table; i++)
        if (!strcmp(g_custom_table[i].name, name)) return g_custom_table[i].nr;
    return -1;
}

// ---------------------------------------------------------------------------------
// The calls a worker picks from.
struct callinfo {
    long nr;
    const char* name;
    const char* args;
    int weight, flags, enosys, answered;
};
static struct callinfo g_calls[600];
static int g_ncalls;
static long g_total_weight;
static const char* g_only;
static const char* g_exclude;

static int in_list(const char* list, const char* name) {
    if (!list) return 0;
    size_t n = strlen(name);
    for (const char* p = list; *p;) {
        const char* q = strchr(p, ',');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        if (len == n && !strncmp(p, name, n)) return 1;
        p += len + (q ? 1 : 0);
    }
    return 0;
}

static const struct spec* spec_of(const char* name) {
    for (size_t i = 0; i < sizeof g_specs / sizeof *g_specs; i++)
        if (!strcmp(g_specs[i].name, name)) return &g_specs[i];
    return NULL;
}

static void add_call(long nr, const char* name) {
    const struct spec* sp = spec_of(name);
    struct callinfo c = {nr, name, sp ? sp->args : "iiiiii", sp ? sp->weight : 4, sp ? sp->flags : 0, 0, 0};
    if (c.flags & SP_NEVER) return;
    if (g_only && !in_list(g_only, name)) return;
    if (g_exclude && in_list(g_exclude, name)) return;
    if (c.weight <= 0 || g_ncalls >= (int)(sizeof g_calls / sizeof *g_calls)) return;
    g_calls[g_ncalls++] = c;
}

static void build_call_table(void) {
    g_ncalls = 0;
    for (size_t i = 0; i < sizeof g_linux_table / sizeof *g_linux_table; i++)
        add_call(g_linux_table[i].nr, g_linux_table[i].name);
    for (size_t i = 0; i < sizeof g_custom_table / sizeof *g_custom_table; i++)
        add_call(g_custom_table[i].nr, g_custom_table[i].name);
}

// ---------------------------------------------------------------------------------
// Worker state.
#define PAGE 4096ul
#define POOL_BYTES (256 * 1024)
#define MAXFDS 96
#define MAXMAPS 32
#define MAXKIDS 16

static int g_index;        // worker slot
static struct slot* g_me;  // its log page
static int g_pid;
static int g_fds[MAXFDS], g_nfds;
static struct {
    u64 addr, len;
} g_maps[MAXMAPS];
static int g_nmaps;
static int g_kids[MAXKIDS], g_nkids;
static unsigned char* g_pool;     // POOL_BYTES of random bytes, guard page after
static unsigned char* g_edge;     // the page before an unmapped one
static unsigned char* g_unmapped; // a page that was unmapped
static unsigned char* g_rdonly;   // a read-only page
static unsigned char* g_noaccess; // a PROT_NONE page
static unsigned char* g_argbuf;   // 6 x 16 KiB of per-call argument data, guard page after
#define ARGBUF_EACH (16 * 1024)
// What the runner forgives of MemAvailable after a run (tools/lv/fuzz.py's
// LEAK_TOLERANCE_KB): past it the parent prints where the memory might be.
#define LEAK_TOLERANCE_KB (16 * 1024)
static u64 g_brk;

// Where a worker's setup is (a source line), for the report of a worker stuck there.
#define STEP() (g_me->reserved[0] = __LINE__)
#define add_fd(fd) (STEP(), add_fd_(fd))

static void add_fd_(int fd) {
    if (fd < 0) return;
    if (g_nfds < MAXFDS) g_fds[g_nfds++] = fd;
    else g_fds[below(MAXFDS)] = fd;
}

static void add_map(u64 addr, u64 len) {
    if (g_nmaps < MAXMAPS) {
        g_maps[g_nmaps].addr = addr;
        g_maps[g_nmaps++].len = len;
    } else {
        int i = below(MAXMAPS);
        g_maps[i].addr = addr;
        g_maps[i].len = len;
    }
}

static void fill_random(void* p, size_t n) {
    unsigned char* b = p;
    for (size_t i = 0; i < n; i += 8) {
        u64 r = rnd();
        size_t k = n - i < 8 ? n - i : 8;
        memcpy(b + i, &r, k);
    }
}

// ---- argument generators --------------------------------------------------------
static const u64 k_bad_addrs[] = {
    0, 1, 8, 4095, 4096, 0x10000,
    0x00007ffffffff000ull, 0x00007ffffffffff8ull, 0x0000800000000000ull, 0x0000800000000000ull - 8,
    0x0000fffffffff000ull, 0x0001000000000000ull, 0x0000ffffffffffffull,
    0x8000000000000000ull, 0x7fffffffffffffffull, 0xffff000000000000ull, 0xffff800000000000ull,
    0xffff800000001000ull, 0xffffffff80000000ull, 0xffffffff80001000ull, 0xfffffffffffff000ull,
    0xffffffffffffffffull, 0x0000555555554000ull, 0x4000000000ull, 0x7fff00000000ull, 0xdead0000ull,
};

static u64 gen_small(void) {
    static const i64 v[] = {0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 31, 32, 63, 64, -1, -2};
    return chance(70) ? below(9) : (u64)PICK(v);
}

static u64 gen_int(void) {
    static const u64 v[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0xffff, 0x10000, 0x7fffffff,
                            0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
                            ~0ull, ~0ull - 1, (u64)-4096, (u64)-100};
    switch (below(6)) {
    case 0: return gen_small();
    case 1: return PICK(v);
    case 2: return rnd();
    case 3: return rnd() & 0xffffffff;
    case 4: return 1ull << below(64);
    default: return below(4096);
    }
}

static u64 gen_len(void) {
    static const u64 v[] = {0, 1, 2, 3, 4, 7, 8, 16, 28, 64, 100, 128, 512, 4095, 4096, 4097, 8192, 65536, 65537,
                            1 << 20, 16 << 20};
    static const u64 huge[] = {0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 1ull << 40, 1ull << 47,
                               1ull << 48, ~0ull, (u64)-4096, 0x8000000000000000ull, 0x7fffffffffffffffull,
                               0x7fffefff106aull, 0x2ff7e040};
    int r = below(100);
    if (r < 35) return below(256);
    if (r < 60) return PICK(v);
    if (r < 75) return below(65536);
    if (r < 88) return PICK(huge);
    return below(8192);
}

static u64 gen_flags(void) {
    int r = below(100);
    if (r < 25) return 0;
    if (r < 60) return 1ull << below(32);
    if (r < 80) return (1ull << below(32)) | (1ull << below(32)) | (1ull << below(12));
    if (r < 95) return rnd() & 0xffffffff;
    return rnd();
}

static u64 gen_fd(void) {
    static const i64 v[] = {-1, -100 /* AT_FDCWD */, 0, 1, 2, 1023, 1024, 4095, 4096, 65535, 0x7fffffff, -2,
                            (i64)0x80000000};
    int r = below(100);
    if (r < 82 && g_nfds) return (u64)(unsigned)g_fds[below(g_nfds)];
    if (r < 88) return (u64)(unsigned)-100; // AT_FDCWD
    if (r < 94) return (u64)PICK(v);
    return below(128);
}

static u64 gen_pid(void) {
    static const i64 v[] = {0x7fffffff, 32768, 99999, 0x40000000, (i64)(int)0x80000000};
    int r = below(100);
    if (r < 30) return 0;
    if (r < 60) return g_pid;
    if (r < 75 && g_nkids) return g_kids[below(g_nkids)];
    if (r < 85) return (u64)(i64)-g_pid; // own process group
    if (r < 95) return 30000 + below(30000); // almost surely nobody
    return (u64)PICK(v);
}

static u64 gen_sig(void) {
    static const int common[] = {0, SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD, SIGSTOP, SIGCONT, SIGKILL, SIGTERM,
                                 SIGSEGV, SIGPIPE, SIGWINCH, SIGURG, SIGIO, 32, 33, 34, 64, 65, -1};
    return chance(60) ? (u64)(i64)PICK(common) : below(70);
}

static u64 pool_ptr(size_t need) {
    if (need > POOL_BYTES) need = POOL_BYTES;
    u64 off = below(POOL_BYTES - need + 1);
    if (chance(70)) off &= ~7ull;
    return (u64)(g_pool + off);
}

static u64 edge_ptr(void) {
    // n bytes before the unmapped page that follows g_edge
    u64 back = chance(50) ? below(64) : below(PAGE);
    return (u64)(g_edge + PAGE - back);
}

static u64 gen_ptr(void) {
    int r = below(100);
    if (r < 45) return pool_ptr(below(8192));
    if (r < 55) return edge_ptr();
    if (r < 61) return 0;
    if (r < 65) return (u64)g_unmapped + below(PAGE);
    if (r < 69) return (u64)g_rdonly + (below(PAGE) & ~7ull);
    if (r < 72) return (u64)g_noaccess;
    if (r < 84) return PICK(k_bad_addrs);
    if (r < 92 && g_nmaps) {
        int i = below(g_nmaps);
        return g_maps[i].addr + (chance(50) ? 0 : below(g_maps[i].len ? g_maps[i].len : 1));
    }
    if (r < 96) return (u64)(uintptr_t)&gen_ptr; // code: readable, not writable
    return rnd();
}

// Memory-management addresses: mostly own mappings, then edges and bad ones.
static u64 gen_mmaddr(void) {
    int r = below(100);
    if (r < 40 && g_nmaps) {
        int i = below(g_nmaps);
        u64 off = chance(50) ? 0 : below(g_maps[i].len / PAGE + 1) * PAGE;
        return g_maps[i].addr + off;
    }
    if (r < 50) return (u64)g_pool & ~(PAGE - 1);
    if (r < 55) return (u64)g_edge;
    if (r < 62) return 0;
    if (r < 80) return PICK(k_bad_addrs) & (chance(80) ? ~(PAGE - 1) : ~0ull);
    if (r < 88) return (rnd() & 0x00007ffffffff000ull);
    if (r < 94) return rnd() & 0x0000fffffffff000ull;
    return rnd();
}

static u64 g_max_map_len; // --max-map-len: 0, or a cap on mm lengths and brk growth

static u64 gen_mmlen_(void);
static u64 gen_mmlen(void) {
    u64 l = gen_mmlen_();
    return g_max_map_len && l > g_max_map_len ? l % (g_max_map_len + 1) : l;
}

static u64 gen_mmlen_(void) {
    static const u64 huge[] = {0x7fffefff106aull, 0x2ff7e040, 1ull << 47, 1ull << 48, ~0ull, (u64)-4096,
                               0x800000000000ull, 0x7ffffffff000ull, 1ull << 32, 1ull << 40, 0x100000000000ull};
    int r = below(100);
    if (r < 40) return (1 + below(16)) * PAGE;
    if (r < 55) return (1 + below(1024)) * PAGE;
    if (r < 62) return 0;
    if (r < 72) return below(3 * PAGE);
    if (r < 77) return (16 + below(48)) << 20;
    if (r < 95) return PICK(huge);
    return rnd();
}

static u64 gen_mode(void) { return chance(70) ? (PICK(((u64[]){0644, 0600, 0755, 0777, 0, 04755, 01777}))) : below(0200000); }

static u64 gen_uid(void) {
    static const i64 v[] = {0, 1000, 1001, 65534, -1, 0x7fffffff, 65535};
    return (u64)PICK(v);
}

// Paths: relative ones in the scratch directory, a few system files, bad pointers.
static const char* const k_rel_paths[] = {
    "a", "b", "c", "file", "dir", "dir/x", "dir/sub", "fifo", "sock", "link", "dlink", "nope", ".", "./a",
    "a/", "dir/../a", "file/x", "", "link/x", "dir//x", "x/y/z", "sub", "b/c",
};
static const char* const k_abs_paths[] = {
    "/", "/tmp", "/proc/self/status", "/proc/self/maps", "/proc/meminfo", "/proc/self/fd/0", "/proc/self/exe",
    "/proc/self/cwd", "/proc/self", "/proc/1/status", "/etc/passwd", "/dev/null", "/dev/zero", "/bin/busybox",
    "/proc/uptime", "/proc/mounts", "/dev", "/proc/self/fd", "/dev/urandom", "/proc/self/cmdline",
};

static u64 put_string(int slot, const char* s) {
    char* buf = (char*)g_argbuf + slot * ARGBUF_EACH;
    size_t n = strlen(s);
    if (n >= ARGBUF_EACH) n = ARGBUF_EACH - 1;
    memcpy(buf, s, n);
    buf[n] = 0;
    return (u64)buf;
}

static u64 gen_path_common(int slot, int relative_only) {
    int r = below(100);
    if (r < 60 || (relative_only && r < 90)) return put_string(slot, PICK(k_rel_paths));
    if (!relative_only && r < 78) return put_string(slot, PICK(k_abs_paths));
    if (r < 84) {
        // a long name, or a path longer than PATH_MAX
        char* buf = (char*)g_argbuf + slot * ARGBUF_EACH;
        size_t n = chance(50) ? 200 + below(200) : 4000 + below(2000);
        memset(buf, chance(50) ? 'a' : '/', n);
        if (chance(50)) for (size_t i = 8; i < n; i += 9) buf[i] = '/';
        buf[n] = 0;
        return (u64)buf;
    }
    if (r < 90) {
        // a string that runs into the unmapped page after g_edge
        u64 back = 1 + below(32);
        memset(g_edge + PAGE - back, 'a', back);
        return (u64)(g_edge + PAGE - back);
    }
    return gen_ptr();
}
static u64 gen_path(int slot) { return gen_path_common(slot, 0); }

// Mount points and the like: never the scratch directory itself (a root worker could
// remount the root file system read-only) nor anything outside it.
static u64 gen_mount_path(int slot) {
    static const char* const v[] = {"dir", "dir/sub", "sub", "a", "file", "nope", "link", "dlink", "fifo"};
    return chance(85) ? put_string(slot, PICK(v)) : gen_ptr();
}

static u64 gen_fstype(int slot) {
    static const char* const v[] = {"tmpfs", "ramfs", "proc", "devtmpfs", "ext2", "sysfs", "none", ""};
    return chance(85) ? put_string(slot, PICK(v)) : gen_ptr();
}

static u64 gen_exec_path(int slot) {
    static const char* const v[] = {"/bin/busybox", "/proc/self/exe", "a", "script", "file", "dir", "/", "/dev/null",
                                    "nope", "/proc/self/fd/3"};
    return chance(80) ? put_string(slot, PICK(v)) : gen_path(slot);
}

static u64 gen_argv(int slot) {
    if (chance(15)) return chance(50) ? 0 : gen_ptr();
    u64* v = (u64*)(g_argbuf + slot * ARGBUF_EACH);
    char* strs = (char*)(v + 32);
    char* end = (char*)g_argbuf + (slot + 1) * ARGBUF_EACH;
    int n = below(8);
    static const char* const words[] = {"", "x", "-", "--help", "-c", "true", "a=b", "LD_PRELOAD=x", "--", "-h"};
    for (int i = 0; i < n; i++) {
        int kind = below(100);
        if (kind < 70) {
            const char* w = PICK(words);
            size_t len = strlen(w) + 1;
            if (strs + len > end) break;
            memcpy(strs, w, len);
            v[i] = (u64)strs;
            strs += len;
        } else if (kind < 80) {
            size_t len = 100 + below(3000);
            if (strs + len + 1 > end) break;
            memset(strs, 'A', len);
            strs[len] = 0;
            v[i] = (u64)strs;
            strs += len + 1;
        } else {
            v[i] = gen_ptr();
        }
    }
    v[n] = chance(90) ? 0 : gen_ptr();
    return (u64)v;
}

static u64 gen_iovec(int slot) {
    if (chance(10)) return gen_ptr();
    u64* v = (u64*)(g_argbuf + slot * ARGBUF_EACH);
    int n = 1 + below(16);
    for (int i = 0; i < n; i++) {
        v[2 * i] = chance(80) ? pool_ptr(4096) : gen_ptr();
        v[2 * i + 1] = chance(85) ? below(4096) : gen_len();
    }
    return (u64)v;
}

static u64 gen_sockaddr(int slot) {
    if (chance(10)) return gen_ptr();
    unsigned char* b = g_argbuf + slot * ARGBUF_EACH;
    fill_random(b, 128);
    unsigned short fam = PICK(((unsigned short[]){AF_UNIX, AF_UNIX, AF_INET, AF_INET, AF_INET6, 0, 16, 17,
                                                  (unsigned short)below(64)}));
    memcpy(b, &fam, 2);
    if (fam == AF_UNIX) {
        struct sockaddr_un* u = (struct sockaddr_un*)b;
        const char* names[] = {"sock", "sock2", "nope", "dir", "/tmp/fuzz.0/sock", ""};
        int k = below(8);
        if (k < 6) strcpy(u->sun_path, names[k]);
        else if (k == 6) { u->sun_path[0] = 0; memcpy(u->sun_path + 1, "abstract", 9); }
    } else if (fam == AF_INET) {
        struct sockaddr_in* in = (struct sockaddr_in*)b;
        static const unsigned ips[] = {0x7f000001, 0, 0xffffffff, 0x0a00020f, 0x0a000202, 0xe0000001};
        in->sin_addr.s_addr = htonl(PICK(ips));
        in->sin_port = chance(50) ? 0 : htons(chance(50) ? 1024 + below(64) : below(65536));
        memset(in->sin_zero, 0, 8);
    }
    return (u64)b;
}

static u64 gen_socklen(void) {
    static const u64 v[] = {0, 1, 2, 16, 28, 110, 112, 128, 4096, 0x7fffffff, ~0ull};
    return PICK(v);
}

static u64 gen_timespec(int slot) {
    if (chance(15)) return chance(40) ? 0 : gen_ptr();
    i64* t = (i64*)(g_argbuf + slot * ARGBUF_EACH);
    int r = below(100);
    // Mostly short: a worker blocked for long is killed by the parent and replaced.
    for (int i = 0; i < 4; i += 2) {
        if (r < 50) { t[i] = 0; t[i + 1] = below(2000000); }
        else if (r < 70) { t[i] = 0; t[i + 1] = 0; }
        else if (r < 80) { t[i] = below(2); t[i + 1] = below(1000000000); }
        else if (r < 90) { t[i] = (i64)rnd(); t[i + 1] = (i64)rnd(); }
        else { t[i] = -1; t[i + 1] = 1000000000 + below(10); }
    }
    return (u64)t;
}

static u64 gen_sigset(int slot) {
    if (chance(15)) return chance(50) ? 0 : gen_ptr();
    u64* s = (u64*)(g_argbuf + slot * ARGBUF_EACH);
    s[0] = chance(50) ? 0 : rnd();
    s[1] = rnd();
    // mostly leave SIGALRM out: a worker that blocks it in sigsuspend waits for the parent's SIGKILL
    if (chance(90)) s[0] &= ~(1ull << (SIGALRM - 1));
    return (u64)s;
}

static int g_plain_exit_signals; // --plain-exit-signals: clone/clone3 exit signal SIGCHLD or 0 only

static u64 gen_clone_flags(void) {
    static const u64 bits[] = {0x100 /*VM*/, 0x200 /*FS*/, 0x400 /*FILES*/, 0x800 /*SIGHAND*/, 0x1000 /*PIDFD*/,
                               0x2000 /*PTRACE*/, 0x4000 /*VFORK*/, 0x8000 /*PARENT*/, 0x10000 /*THREAD*/,
                               0x20000 /*NEWNS*/, 0x40000 /*SYSVSEM*/, 0x80000 /*SETTLS*/, 0x100000 /*PARENT_SETTID*/,
                               0x200000 /*CHILD_CLEARTID*/, 0x400000, 0x800000 /*UNTRACED*/,
                               0x1000000 /*CHILD_SETTID*/, 0x2000000, 0x4000000, 0x8000000, 0x10000000,
                               0x20000000, 0x40000000, 0x80000000ull};
    u64 f = 0;
    int n = below(5);
    for (int i = 0; i < n; i++) f |= PICK(bits);
    if (chance(20)) f |= 0x100 | 0x800 | 0x10000; // a thread
    // the exit signal: mostly SIGCHLD or 0, sometimes anything
    f |= chance(70) || g_plain_exit_signals ? (chance(80) ? SIGCHLD : 0) : below(65);
    if (chance(3)) f = rnd();
    if (g_plain_exit_signals) f = (f & ~0xffull) | (chance(80) ? SIGCHLD : 0);
    return f;
}

static u64 gen_clone3_args(int slot) {
    if (chance(10)) return gen_ptr();
    u64* a = (u64*)(g_argbuf + slot * ARGBUF_EACH);
    memset(a, 0, 128);
    a[0] = gen_clone_flags() & ~0xffull;     // flags
    a[1] = chance(70) ? 0 : gen_ptr();        // pidfd
    a[2] = chance(70) ? 0 : gen_ptr();        // child_tid
    a[3] = chance(70) ? 0 : gen_ptr();        // parent_tid
    a[4] = chance(60) || g_plain_exit_signals ? SIGCHLD : below(70); // exit_signal
    a[5] = chance(70) ? 0 : gen_ptr();        // stack
    a[6] = chance(70) ? 0 : gen_len();        // stack_size
    a[7] = chance(80) ? 0 : gen_int();        // tls
    a[8] = chance(90) ? 0 : gen_ptr();        // set_tid
    a[9] = chance(90) ? 0 : gen_small();      // set_tid_size
    a[10] = chance(90) ? 0 : gen_fd();        // cgroup
    return (u64)a;
}

static u64 gen_brk_(void);
static u64 gen_brk(void) {
    u64 b = gen_brk_();
    if (g_max_map_len && b > g_brk && b - g_brk > g_max_map_len) b = g_brk + (b - g_brk) % (g_max_map_len + 1);
    return b;
}

static u64 gen_brk_(void) {
    int r = below(100);
    if (r < 20) return 0;
    if (r < 50) return g_brk + below(64) * PAGE;
    if (r < 65) return g_brk + (below(256) << 20);
    if (r < 75) return g_brk > (64 << 20) ? g_brk - below(64) * PAGE : 0;
    if (r < 85) return g_brk - (below(1024) << 20);
    return PICK(k_bad_addrs);
}

static u64 gen_arg(char kind, int slot) {
    switch (kind) {
    case 'f': return gen_fd();
    case 'p': return gen_ptr();
    case 'l': return gen_len();
    case 'F': return gen_flags();
    case 's': return gen_path(slot);
    case 'w': return gen_path_common(slot, 1);
    case 'h': return gen_mount_path(slot);
    case 'y': return gen_fstype(slot);
    case 'e': return gen_exec_path(slot);
    case 'x': return gen_argv(slot);
    case 'm': return gen_mode();
    case 'P': return gen_pid();
    case 'S': return gen_sig();
    case 'a': return gen_mmaddr();
    case 'L': return gen_mmlen();
    case 'r': return chance(80) ? below(8) : gen_flags();
    case 'M': {
        u64 f = chance(80) ? 0x22 /*PRIVATE|ANONYMOUS*/ : PICK(((u64[]){0x01, 0x02, 0x21, 0x03}));
        if (chance(40)) f |= 1ull << below(24);
        if (chance(10)) f |= 0x10; // MAP_FIXED
        if (chance(5)) f = gen_flags();
        return f;
    }
    case 'A': {
        static const u64 adv[] = {0, 1, 2, 3, 4 /*DONTNEED*/, 8 /*FREE*/, 9 /*REMOVE*/, 10, 11, 12, 13, 14, 15,
                                  16, 17, 18, 19, 20, 21, 22, 23, 25, 100, 101};
        return chance(90) ? PICK(adv) : gen_int();
    }
    case 'v': return gen_iovec(slot);
    case 'c': return chance(85) ? below(17) : PICK(((u64[]){1024, 1025, 0x7fffffff, ~0ull}));
    case 'k': return gen_sockaddr(slot);
    case 'K': return gen_socklen();
    case 'u': case 'g': return gen_uid();
    case 'C': return chance(85) ? below(12) : gen_int();
    case 'n': return gen_small();
    case 't': return gen_timespec(slot);
    case 'o': return chance(60) ? below(16) * PICK(((u64[]){1, 512, 4096})) : gen_int();
    case 'd': {
        static const u64 cmds[] = {0x5401 /*TCGETS*/, 0x5402, 0x5403, 0x5404, 0x540e /*TIOCSCTTY*/, 0x540f, 0x5410,
                                   0x5413 /*TIOCGWINSZ*/, 0x5414, 0x541b /*FIONREAD*/, 0x5421 /*FIONBIO*/, 0x5422,
                                   0x5450, 0x5451 /*FIOCLEX*/, 0x5452 /*FIOASYNC*/, 0x5429, 0x5437, 0x80081272,
                                   0x1260, 0x8901, 0x8902, 0x8903, 0x8904, 0x8905, 0x890b, 0x8910, 0x8912, 0x8913,
                                   0x8915, 0x8927, 0x4008700d, 0xc0184800};
        return chance(80) ? PICK(cmds) : gen_int();
    }
    case 'b': return gen_clone_flags();
    case 'R': return chance(90) ? below(17) : gen_int();
    case 'T': {
        static const u64 cmds[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 16, 36, 37, 38, 1024, 1025, 1026,
                                   1030, 1031, 1032, 1033, 1034};
        return chance(90) ? PICK(cmds) : gen_int();
    }
    case 'O': return chance(85) ? below(72) : PICK(((u64[]){0x53564d41, 0x59616d61, 1000, ~0ull}));
    case 'X': return (chance(85) ? below(14) : gen_int()) | (chance(50) ? 128 : 0) | (chance(10) ? 256 : 0);
    case 'Q': return PICK(((u64[]){1 /*SOL_SOCKET*/, 1, 0 /*IP*/, 6 /*TCP*/, 17 /*UDP*/, 41 /*IPV6*/, 255,
                                   0x7fffffff}));
    case 'q': return chance(90) ? below(70) : gen_int();
    case 'D': return PICK(((u64[]){AF_UNIX, AF_UNIX, AF_INET, AF_INET, AF_INET6, 16 /*NETLINK*/, 17 /*PACKET*/, 0,
                                   below(50)}));
    case 'Y': return (chance(90) ? PICK(((u64[]){1, 2, 3, 5, 10})) : gen_int()) |
                     (chance(30) ? 04000 : 0) | (chance(30) ? 02000000 : 0);
    case 'E': return chance(90) ? 1 + below(3) : gen_int();
    case 'z': return gen_sigset(slot);
    case 'Z': return chance(80) ? 8 : gen_len();
    case 'N': return gen_clone3_args(slot);
    case 'B': return gen_brk();
    case 'W': return chance(70) ? PICK(((u64[]){1 /*WNOHANG*/, 1, 3, 1 | 0x40000000, 4 | 1, 8 | 1, 2 | 1}))
                                : gen_flags();
    case 'G': return chance(85) ? PICK(((u64[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 24, 0x4200,
                                                0x4201, 0x4202, 0x4203, 0x4204, 0x4206, 0x4207, 0x4208}))
                                : gen_int();
    case 'i': default: {
        int r = below(100);
        if (r < 30) return gen_int();
        if (r < 45) return gen_fd();
        if (r < 70) return gen_ptr();
        if (r < 85) return gen_len();
        return gen_flags();
    }
    }
}

// Does [addr, addr+len) touch the shared log (with its guard pages)?
static int covers_log(u64 addr, u64 len) {
    u64 lo = (u64)g_area, hi = lo + g_area_len;
    if (len == 0) len = 1;
    u64 end = addr + len < addr ? ~0ull : addr + len;
    return addr < hi && end > lo;
}

// ---------------------------------------------------------------------------------
// Worker setup: descriptors of every kind, buffers, signals.
static long g_sigalrm_nr, g_setitimer_nr, g_rt_sigaction_nr, g_rt_sigprocmask_nr, g_rt_sigreturn_nr, g_wait4_nr;
static long g_brk_nr, g_exit_nr;

static void on_alarm(int sig) { (void)sig; }

static void arm_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; // no SA_RESTART: blocking calls end with EINTR
    sigaction(SIGALRM, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigaction(SIGXFSZ, &sa, NULL);
    sigaction(SIGXCPU, &sa, NULL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGALRM);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    struct itimerval it = {{0, 50000}, {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

// A setup step that failed: its line and errno stay in the log page for the parent.
static void __attribute__((noreturn)) setup_failed(int code) {
    g_me->reserved[1] = errno;
    _exit(code);
}

static void *map_or_die(size_t len, int prot) {
    void* p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) setup_failed(3);
    return p;
}

static void make_fds(void) {
    g_nfds = 0;
    int fd = open("file", O_RDWR | O_CREAT, 0666);
    if (fd >= 0) {
        unsigned char buf[8192];
        fill_random(buf, sizeof buf);
        (void)!write(fd, buf, sizeof buf);
        add_fd(fd);
    }
    add_fd(open("a", O_RDWR | O_CREAT | O_APPEND, 0644));
    STEP();
    mkdir("dir", 0755);
    mkdir("dir/sub", 0755);
    (void)!symlink("file", "link");
    (void)!symlink("dir", "dlink");
    STEP();
    if (mkfifo("fifo", 0644) == 0 || errno == EEXIST) add_fd(open("fifo", O_RDWR | O_NONBLOCK));
    {
        STEP();
        int s = open("script", O_WRONLY | O_CREAT | O_TRUNC, 0755);
        if (s >= 0) {
            (void)!write(s, "#!/bin/busybox true\n", 20);
            close(s);
        }
    }
    add_fd(open("/etc/passwd", O_RDONLY | O_NONBLOCK));
    add_fd(open("/bin/busybox", O_RDONLY | O_NONBLOCK));
    add_fd(open("/", O_RDONLY | O_DIRECTORY | O_NONBLOCK));
    add_fd(open(".", O_RDONLY | O_DIRECTORY | O_NONBLOCK));
    add_fd(open("dir", O_RDONLY | O_DIRECTORY | O_NONBLOCK));
    add_fd(open("/proc", O_RDONLY | O_DIRECTORY | O_NONBLOCK));
    add_fd(open("/dev", O_RDONLY | O_DIRECTORY | O_NONBLOCK));
    add_fd(open("/tmp", O_RDONLY | O_DIRECTORY | O_NONBLOCK));
    add_fd(open("/dev/null", O_RDWR | O_NONBLOCK));
    add_fd(open("/dev/zero", O_RDWR | O_NONBLOCK));
    add_fd(open("/dev/urandom", O_RDONLY | O_NONBLOCK));
    add_fd(open("/proc/self/maps", O_RDONLY | O_NONBLOCK));
    add_fd(open("/proc/self/status", O_RDONLY | O_NONBLOCK));
    add_fd(open("/proc/meminfo", O_RDONLY | O_NONBLOCK));
    add_fd(open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_NONBLOCK));
    int p[2];
    if (pipe2(p, 0) == 0) { add_fd(p[0]); add_fd(p[1]); }
    if (pipe2(p, O_NONBLOCK) == 0) { add_fd(p[0]); add_fd(p[1]); }
    int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
    for (int i = 0; i < 3; i++)
        if (socketpair(AF_UNIX, types[i] | (i == 1 ? SOCK_NONBLOCK : 0), 0, p) == 0) { add_fd(p[0]); add_fd(p[1]); }
    {
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        struct sockaddr_un un = {.sun_family = AF_UNIX};
        strcpy(un.sun_path, "sock");
        unlink("sock");
        if (s >= 0 && bind(s, (struct sockaddr*)&un, sizeof un) == 0) listen(s, 8);
        add_fd(s);
        int c = socket(AF_UNIX, SOCK_DGRAM, 0);
        add_fd(c);
    }
    {
        STEP();
        int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        struct sockaddr_in in = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
        socklen_t len = sizeof in;
        if (l >= 0 && bind(l, (struct sockaddr*)&in, sizeof in) == 0 && listen(l, 8) == 0 &&
            getsockname(l, (struct sockaddr*)&in, &len) == 0) {
            int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            if (c >= 0) {
                STEP();
                (void)!connect(c, (struct sockaddr*)&in, sizeof in);
                add_fd(c);
                sleep_ms(1);
                add_fd(accept4(l, NULL, NULL, SOCK_NONBLOCK));
            }
        }
        add_fd(l);
        add_fd(socket(AF_INET, SOCK_STREAM, 0));
        int u = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
        if (u >= 0) (void)!bind(u, (struct sockaddr*)&a, sizeof a);
        add_fd(u);
        add_fd(socket(AF_INET6, SOCK_DGRAM, 0));
        add_fd(socket(AF_INET, SOCK_RAW, 1));
    }
    long nr;
    if ((nr = sys_nr("eventfd2")) >= 0) add_fd(syscall(nr, 0, O_NONBLOCK));
    STEP();
    int ep = epoll_create1(0);
    if (ep >= 0) {
        for (int i = 0; i < g_nfds && i < 12; i++) {
            struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u64 = i};
            epoll_ctl(ep, EPOLL_CTL_ADD, g_fds[i], &ev);
        }
        add_fd(ep);
    }
    if ((nr = sys_nr("timerfd_create")) >= 0) {
        int t = syscall(nr, CLOCK_MONOTONIC, O_NONBLOCK);
        if (t >= 0) {
            struct itimerspec its = {{0, 50000000}, {0, 50000000}};
            syscall(sys_nr("timerfd_settime"), t, 0, &its, NULL);
        }
        add_fd(t);
    }
    if ((nr = sys_nr("signalfd4")) >= 0) {
        u64 mask = 1ull << (SIGUSR1 - 1);
        add_fd(syscall(nr, -1, &mask, 8, O_NONBLOCK));
    }
    if ((nr = sys_nr("memfd_create")) >= 0) add_fd(syscall(nr, "lvfuzz", 0));
    if ((nr = sys_nr("pidfd_open")) >= 0) add_fd(syscall(nr, getpid(), 0));
    if ((nr = sys_nr("inotify_init1")) >= 0) add_fd(syscall(nr, O_NONBLOCK));
}

static void make_buffers(void) {
    g_pool = map_or_die(POOL_BYTES + PAGE, PROT_READ | PROT_WRITE);
    munmap(g_pool + POOL_BYTES, PAGE);
    fill_random(g_pool, POOL_BYTES);
    g_edge = map_or_die(2 * PAGE, PROT_READ | PROT_WRITE);
    munmap(g_edge + PAGE, PAGE);
    fill_random(g_edge, PAGE);
    g_unmapped = map_or_die(PAGE, PROT_READ);
    munmap(g_unmapped, PAGE);
    g_rdonly = map_or_die(PAGE, PROT_READ | PROT_WRITE);
    fill_random(g_rdonly, PAGE);
    mprotect(g_rdonly, PAGE, PROT_READ);
    g_noaccess = map_or_die(PAGE, PROT_NONE);
    g_argbuf = map_or_die(6 * ARGBUF_EACH + PAGE, PROT_READ | PROT_WRITE);
    munmap(g_argbuf + 6 * ARGBUF_EACH, PAGE);
    g_nmaps = 0;
    for (int i = 0; i < 4; i++) {
        size_t len = (1 + below(8)) * PAGE;
        void* m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED) add_map((u64)m, len);
    }
    g_brk = syscall(g_brk_nr, 0);
}

static void reap_kids(void) {
    int st;
    while (raw6(g_wait4_nr, (u64)-1, (u64)&st, 1 /*WNOHANG*/ | 0x40000000 /*__WALL*/, 0, 0, 0, 0) > 0) {
    }
    g_nkids = 0;
}

static void log_call(struct entry* e, long nr, const u64* a) {
    e->state = ST_EMPTY;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    e->nr = nr;
    memcpy(e->a, a, sizeof e->a);
    e->ret = 0;
    e->seq = g_me->seq;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    e->state = ST_PENDING;
    g_me->seq++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void __attribute__((noreturn)) worker(int index, u64 gen, u64 seed, int unprivileged, int devnull) {
    g_index = index;
    g_me = slot_of(index);
    g_pid = getpid();
    g_rng = worker_seed(seed, index, gen);

    setsid(); // its own session and process group: kill(0, ...) stays inside
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int s = 1; s < 65; s++) sigaction(s, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    for (int fd = 3; fd < 1024; fd++) close(fd);

    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/fuzz.%d", index);
    STEP();
    mkdir(dir, 0777);
    chmod(dir, 0777);
    if (unprivileged) {
        STEP();
        (void)!chown(dir, 1000, 1000);
        if (setgroups(0, NULL) || setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000)) setup_failed(4);
    }
    STEP();
    if (chdir(dir)) setup_failed(5);
    g_rdonly = NULL;
    STEP();
    make_buffers();
    // Armed before the descriptors are made: a root worker may have renamed a FIFO over
    // /etc/passwd, and what blocks must not block for good.
    arm_signals();
    make_fds();
    STEP();
    arm_signals();

    g_me->pid = g_pid;
    g_me->uid = getuid();
    g_me->gen = gen;
    g_me->seed = seed;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    g_me->phase = 1;

    u64 budget = 2000 + below(20000);
    for (u64 n = 0; n < budget; n++) {
        if ((n & 15) == 0) arm_signals();
        if ((n & 255) == 255) {
            reap_kids();
            fill_random(g_pool + below(POOL_BYTES / 2), 4096);
        }
        // pick a call by weight
        long w = below(g_total_weight);
        int ci = 0;
        while (ci < g_ncalls - 1 && (w -= g_calls[ci].weight) >= 0) ci++;
        struct callinfo* c = &g_calls[ci];
        if (c->enosys >= 3 && !c->answered) continue;
        if ((c->flags & SP_ROOT_NEVER) && !unprivileged) continue;
        u64 a[6] = {0};
        size_t na = strlen(c->args);
        for (size_t i = 0; i < 6; i++) a[i] = i < na ? gen_arg(c->args[i], i) : (chance(50) ? 0 : gen_int());
        // constraints
        if (!strcmp(c->name, "tgkill") || !strcmp(c->name, "rt_tgsigqueueinfo")) a[0] = g_pid;
        if (!strcmp(c->name, "kill") && (i64)a[0] == -1) a[0] = g_pid;
        if (!strcmp(c->name, "fcntl") && a[1] == 8 /*F_SETOWN*/) a[2] = gen_pid();
        if (!strcmp(c->name, "setpriority") || !strcmp(c->name, "getpriority") || !strcmp(c->name, "ioprio_set"))
            if (a[0] == 2 /*PRIO_USER*/ && !unprivileged) a[0] = 0;
        if (c->flags & SP_MM_RANGE) {
            int skip = 0;
            if (!strcmp(c->name, "mmap")) skip = (a[3] & 0x100010 /*FIXED|FIXED_NOREPLACE*/) && covers_log(a[0], a[1]);
            else if (!strcmp(c->name, "madvise")) skip = a[2] == 9 /*REMOVE*/ && covers_log(a[0], a[1]);
            else if (!strcmp(c->name, "mremap")) skip = covers_log(a[0], a[1]) || ((a[3] & 2) && covers_log(a[4], a[2]));
            else skip = covers_log(a[0], a[1]);
            if (skip) continue;
        }
        struct entry* e = &g_me->e[g_me->seq % RING];
        log_call(e, c->nr, a);
        long ret;
        if (c->nr == g_rt_sigreturn_nr && chance(60)) {
            unsigned char* sp = g_pool + (below(POOL_BYTES / 2) & ~15ull);
            fill_random(sp, 4096);
            if (chance(30)) memset(sp, 0, 2048);
            sigreturn_on(sp, c->nr);
        }
        ret = raw6(c->nr, a[0], a[1], a[2], a[3], a[4], a[5], (c->flags & SP_FORK) != 0);
        e->ret = ret;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        e->state = ST_DONE;
        g_me->calls++;
        if (ret == -ENOSYS) c->enosys++;
        else c->answered = 1;
        if (ret >= 0) {
            if (c->flags & SP_RETURNS_FD) add_fd(ret);
            if ((c->flags & SP_RETURNS_MAP) && a[1] < (1ull << 40)) add_map(ret, a[1] ? a[1] : PAGE);
            if ((c->flags & SP_FORK) && ret > 0) {
                if (g_nkids < MAXKIDS) g_kids[g_nkids++] = ret;
                else reap_kids();
            }
            if (c->nr == g_brk_nr) g_brk = ret;
        }
    }
    raw6(sys_nr("exit_group"), 0, 0, 0, 0, 0, 0, 0);
    _exit(0);
}

// ---------------------------------------------------------------------------------
// The parent.
struct wstate {
    int pid;          // 0: free
    u64 gen;
    u64 last_calls;
    double last_progress, killed_at, started;
    int reported;     // reported as unkillable
};

static void print_ring(int i) {
    struct slot* s = slot_of(i);
    say("lvfuzz: worker %d pid %llu uid %llu gen %llu: last calls (oldest first):\n", i,
        (unsigned long long)s->pid, (unsigned long long)s->uid, (unsigned long long)s->gen);
    u64 seq = s->seq;
    for (u64 k = seq > RING ? seq - RING : 0; k < seq; k++) {
        struct entry* e = &s->e[k % RING];
        if (e->state == ST_EMPTY || e->seq != k) continue;
        char res[48];
        if (e->state == ST_PENDING) snprintf(res, sizeof res, "(no result: in the call, or died in it)");
        else if (e->ret < 0 && e->ret > -4096) snprintf(res, sizeof res, "-%lld", (long long)-e->ret);
        else snprintf(res, sizeof res, "%#llx", (unsigned long long)e->ret);
        say("lvfuzz:   #%llu %s(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx) = %s\n", (unsigned long long)k,
            sys_name(e->nr), (unsigned long long)e->a[0], (unsigned long long)e->a[1], (unsigned long long)e->a[2],
            (unsigned long long)e->a[3], (unsigned long long)e->a[4], (unsigned long long)e->a[5], res);
    }
}

// One line for a worker killed for making no progress: its pending call (or the setup
// step it was at). Not a failure by itself (a call may block for good legitimately: a
// worker that blocked SIGALRM, a pipe read with no writer, SIGSTOP), but the first
// thing to look at when the whole run stalls.
static void report_stuck(int i, double secs) {
    struct slot* s = slot_of(i);
    if (s->phase == 0) {
        say("lvfuzz: worker %d pid %llu: no progress for %.0f s in its setup (lvfuzz.c line %llu); killing it\n", i,
            (unsigned long long)s->pid, secs, (unsigned long long)s->reserved[0]);
        return;
    }
    u64 seq = s->seq;
    struct entry* e = &s->e[(seq - 1) % RING];
    if (!seq || e->seq != seq - 1) return;
    say("lvfuzz: worker %d pid %llu uid %llu: no progress for %.0f s %s #%llu %s(%#llx, %#llx, %#llx, %#llx, %#llx, "
        "%#llx); killing it\n",
        i, (unsigned long long)s->pid, (unsigned long long)s->uid, secs,
        e->state == ST_PENDING ? "in" : "after", (unsigned long long)e->seq, sys_name(e->nr),
        (unsigned long long)e->a[0], (unsigned long long)e->a[1], (unsigned long long)e->a[2],
        (unsigned long long)e->a[3], (unsigned long long)e->a[4], (unsigned long long)e->a[5]);
}

static long meminfo_kb(int fd, const char* key) {
    char buf[4096];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return -1;
    buf[n] = 0;
    char* p = strstr(buf, key);
    if (!p) return -1;
    return strtol(p + strlen(key) + 1, NULL, 10);
}

// Workers reach outside their scratch directories through descriptors of /, /dev and
// /tmp (openat, mknodat, ... relative to them): what they leave there is removed at the
// end, so that a file a worker filled does not count as memory the kernel lost.
static const char* const k_shared_dirs[] = {"/", "/dev", "/dev/shm", "/tmp"};
#define NSHARED (sizeof k_shared_dirs / sizeof k_shared_dirs[0])
static char* g_shared_names[NSHARED][128];

// The parent's view of a directory, for the diagnoses below: its filesystem's usage and
// its entries with their sizes.
static void say_statfs(const char* path) {
    struct statfs sf;
    if (!statfs(path, &sf))
        say("lvfuzz: statfs(%s): blocks %llu free %llu files %llu ffree %llu\n", path,
            (unsigned long long)sf.f_blocks, (unsigned long long)sf.f_bfree, (unsigned long long)sf.f_files,
            (unsigned long long)sf.f_ffree);
}

static void say_entries(const char* dir) {
    DIR* d = opendir(dir);
    if (!d) return;
    struct dirent* de;
    int n = 0;
    while ((de = readdir(d)) && n++ < 60) {
        struct stat st;
        char path[512];
        snprintf(path, sizeof path, "%s/%.300s", dir, de->d_name);
        if (lstat(path, &st)) st.st_blocks = -1;
        say("lvfuzz: left in %s: %.60s (%lld KiB)\n", dir, de->d_name, (long long)st.st_blocks / 2);
    }
    closedir(d);
}

static void print_file(const char* path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return;
    buf[n] = 0;
    for (char* line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) say("lvfuzz: %s: %s\n", path, line);
}

// Why a worker could not make or enter its scratch directory: what the parent sees of
// /tmp (a root worker may have renamed or filled it, or the kernel lost it).
static void diagnose_scratch(int index) {
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/fuzz.%d", index);
    struct stat st;
    int r = stat("/tmp", &st);
    say("lvfuzz: diagnosis: stat(/tmp) = %d (%s) mode %#o nlink %lu\n", r, r ? strerror(errno) : "ok",
        r ? 0 : (unsigned)st.st_mode, r ? 0ul : (unsigned long)st.st_nlink);
    say_statfs("/tmp");
    r = mkdir(dir, 0777);
    int e = errno;
    say("lvfuzz: diagnosis: mkdir(%s) = %d (%s)\n", dir, r, r ? strerror(e) : "ok");
    r = stat(dir, &st);
    say("lvfuzz: diagnosis: stat(%s) = %d (%s)\n", dir, r, r ? strerror(errno) : "ok");
    say_entries("/tmp");
    print_file("/proc/meminfo");
}

// Where memory that did not come back might be: the counters, what is mounted, and the
// usage and leftovers of the directories workers reach.
// The processes still there (a worker's descendant that outlived it holds memory): each
// one's stat line (pid, comm, state, ...) and its VmRSS.
static void say_processes(void) {
    DIR* d = opendir("/proc");
    if (!d) return;
    struct dirent* e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char path[64], line[512] = "";
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE* f = fopen(path, "r");
        if (!f) continue;
        if (!fgets(line, sizeof line, f)) line[0] = 0;
        fclose(f);
        line[strcspn(line, "\n")] = 0;
        long rss = -1;
        snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
        if ((f = fopen(path, "r"))) {
            char l[256];
            while (fgets(l, sizeof l, f))
                if (sscanf(l, "VmRSS: %ld", &rss) == 1) break;
            fclose(f);
        }
        say("lvfuzz: process: %.200s (VmRSS %ld kB)\n", line, rss);
    }
    closedir(d);
}

static void leak_diagnosis(void) {
    print_file("/proc/meminfo");
    print_file("/proc/mounts");
    say_processes();
    for (size_t i = 0; i < NSHARED; i++) {
        say_statfs(k_shared_dirs[i]);
        say_entries(k_shared_dirs[i]);
    }
}

static int rm_entry(const char* path, const struct stat* st, int type, struct FTW* f) {
    (void)st;
    (void)f;
    if (type == FTW_DP || type == FTW_D) rmdir(path);
    else unlink(path);
    return 0;
}

static void clean_scratch(int index) {
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/fuzz.%d", index);
    // mounts a root worker made inside it
    for (int tries = 0; tries < 4; tries++) {
        FILE* m = fopen("/proc/mounts", "r");
        if (!m) break;
        char line[512], dev[256], mnt[256];
        int found = 0;
        while (fgets(line, sizeof line, m))
            if (sscanf(line, "%255s %255s", dev, mnt) == 2 && !strncmp(mnt, dir, strlen(dir))) {
                umount2(mnt, MNT_DETACH);
                found = 1;
            }
        fclose(m);
        if (!found) break;
    }
    chmod(dir, 0777);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void snapshot_shared_dirs(void) {
    for (size_t i = 0; i < NSHARED; i++) {
        DIR* d = opendir(k_shared_dirs[i]);
        if (!d) continue;
        struct dirent* de;
        int n = 0;
        while ((de = readdir(d)) && n < 127) g_shared_names[i][n++] = strdup(de->d_name);
        closedir(d);
    }
}

// A root worker may have remounted them read-only (through a symlink to them).
static void remount_shared_rw(void) {
    for (size_t i = 0; i < NSHARED; i++) mount(NULL, k_shared_dirs[i], NULL, MS_REMOUNT, NULL);
}

static void clean_shared_dirs(void) {
    remount_shared_rw();
    for (size_t i = 0; i < NSHARED; i++) {
        DIR* d = opendir(k_shared_dirs[i]);
        if (!d) continue;
        struct dirent* de;
        while ((de = readdir(d))) {
            int known = 0;
            for (int k = 0; g_shared_names[i][k] && !known; k++) known = !strcmp(g_shared_names[i][k], de->d_name);
            if (known || !strncmp(de->d_name, "fuzz.", 5)) continue;
            char path[512];
            snprintf(path, sizeof path, "%s/%.300s", strcmp(k_shared_dirs[i], "/") ? k_shared_dirs[i] : "", de->d_name);
            umount2(path, MNT_DETACH);
            nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        }
        closedir(d);
    }
}

// Every process but this one (what kill(-1, SIGKILL) does from init, spelled out).
static int kill_others(void) {
    int n = 0;
    DIR* d = opendir("/proc");
    if (!d) return 0;
    struct dirent* de;
    while ((de = readdir(d))) {
        int pid = atoi(de->d_name);
        if (pid > 1 && pid != getpid()) {
            kill(pid, SIGKILL);
            n++;
        }
    }
    closedir(d);
    return n;
}

// glibc keeps signals 32 and 33 for itself and refuses sigaction() on them: ignore them
// with the raw call, so that PID 1 is not ended by them either.
static void ignore_libc_reserved(void) {
    struct {
        u64 handler, flags, restorer, mask;
    } ksa = {(u64)SIG_IGN, 0, 0, 0};
    for (int s = 32; s <= 33; s++) raw6(sys_nr("rt_sigaction"), s, (u64)&ksa, 0, 8, 0, 0, 0);
}

// --run-as UID -- PROGRAM ARGS: run another fuzzer (Debian's trinity, tools/lv/trinity.py)
// as UID in its own session, with the same heartbeat, end and memory report as lvfuzz's
// own runs: SIGTERM to its process group at the end, SIGKILL to everything 5 s later.
static int supervise(int uid, char** argv, double seconds) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    for (int s = 1; s < 65; s++)
        if (s != SIGCHLD && s != SIGKILL && s != SIGSTOP) sigaction(s, &sa, NULL);
    ignore_libc_reserved();
    int meminfo = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
    const char* dir = "/tmp/fuzz.run";
    mkdir("/tmp", 01777);
    mkdir(dir, 0755);
    (void)!chown(dir, uid, uid);
    sleep_ms(500);
    long before = meminfo_kb(meminfo, "MemAvailable:"), total = meminfo_kb(meminfo, "MemTotal:");
    say("lvfuzz: start supervising %s as uid %d for %g s memtotal=%ld kB\n", argv[0], uid, seconds, total);
    int child = fork();
    if (child == 0) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        for (int s = 1; s < 65; s++) sigaction(s, &sa, NULL);
        setsid();
        if (chdir(dir) || setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid)) _exit(126);
        execv(argv[0], argv);
        say("lvfuzz: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    double t0 = now_s(), next_beat = t0 + 2, end_at = 0;
    int status = -1, failed = child < 0, early = 0;
    while (!failed) {
        int st, pid;
        while ((pid = waitpid(-1, &st, WNOHANG | __WALL)) > 0)
            if (pid == child) {
                status = st;
                if (!end_at) {
                    // It should run until we end it: anything else is a failure to run.
                    if (WIFSIGNALED(st))
                        say("lvfuzz: FAIL: %s died of signal %d after %.0f s (of %g)\n", argv[0], WTERMSIG(st),
                            now_s() - t0, seconds);
                    else
                        say("lvfuzz: FAIL: %s exited with status %d after %.0f s (of %g)\n", argv[0],
                            WEXITSTATUS(st), now_s() - t0, seconds);
                    early = 1;
                    end_at = now_s();
                }
            }
        double t = now_s();
        if (!end_at && t - t0 >= seconds) {
            kill(-child, SIGTERM);
            end_at = t;
        }
        if (end_at && t - end_at > 5) {
            kill_others();
            if (pid < 0 && errno == ECHILD) break;
            if (t - end_at > 40) {
                say("lvfuzz: FAIL: processes still there 35 s after SIGKILL\n");
                failed = 1;
                break;
            }
        }
        if (t >= next_beat) {
            say("lvfuzz: alive t=%.0f calls=0 (supervising pid %d)\n", t - t0, child);
            next_beat = t + 2;
        }
        sleep_ms(100);
    }
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    long after = -1;
    for (int k = 0; k < 10; k++) {
        sleep_ms(500);
        long m = meminfo_kb(meminfo, "MemAvailable:");
        if (m > after) after = m;
        if (after >= before) break;
    }
    say("lvfuzz: memavailable before=%ld after=%ld total=%ld kB\n", before, after, total);
    say("lvfuzz: done calls=0 seed=0 status=%d\n", status);
    return failed || early;
}

static void usage(void) {
    say("usage: lvfuzz [--seed S] [--seconds N] [--workers W] [--only a,b] [--exclude a,b] [--stall S] [--max-map-len B] [--plain-exit-signals] [--not-init]\n");
    _exit(2);
}

int main(int argc, char** argv) {
    u64 seed = 0;
    int seed_given = 0, not_init = 0, run_as = -1;
    char** run_argv = NULL;
    double seconds = 60, stall = 10, unkillable_after = 30;
    for (int i = 1; i < argc; i++) {
        const char* a = argv[i];
        const char* v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--seed") && v) { seed = strtoull(v, NULL, 0); seed_given = 1; i++; }
        else if (!strcmp(a, "--seconds") && v) { seconds = atof(v); i++; }
        else if (!strcmp(a, "--workers") && v) { g_workers = atoi(v); i++; }
        else if (!strcmp(a, "--only") && v) { g_only = v; i++; }
        else if (!strcmp(a, "--exclude") && v) { g_exclude = v; i++; }
        else if (!strcmp(a, "--stall") && v) { stall = atof(v); i++; }
        else if (!strcmp(a, "--plain-exit-signals")) g_plain_exit_signals = 1;
        else if (!strcmp(a, "--max-map-len") && v) { g_max_map_len = strtoull(v, NULL, 0); i++; }
        else if (!strcmp(a, "--not-init")) not_init = 1;
        else if (!strcmp(a, "--run-as") && v) { run_as = atoi(v); i++; }
        else if (!strcmp(a, "--") && run_as >= 0) { run_argv = argv + i + 1; break; }
        else usage();
    }
    // A worker that execs /proc/self/exe with garbage must not start a second fuzzer.
    if (getpid() != 1 && !not_init) {
        say("lvfuzz: not PID 1 (run it with ./levitate fuzz, or give --not-init)\n");
        return 2;
    }
    if (g_workers < 1 || g_workers > 64) usage();
    if (!seed_given) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = ((u64)ts.tv_sec << 20) ^ ts.tv_nsec ^ ((u64)getpid() << 48);
    }
    if (run_as >= 0) {
        if (!run_argv || !run_argv[0]) usage();
        return supervise(run_as, run_argv, seconds);
    }
    build_call_table();
    g_total_weight = 0;
    for (int i = 0; i < g_ncalls; i++) g_total_weight += g_calls[i].weight;
    if (!g_ncalls) {
        say("lvfuzz: no system calls to make (--only/--exclude)\n");
        return 2;
    }
    g_rt_sigreturn_nr = sys_nr("rt_sigreturn");
    g_wait4_nr = sys_nr("wait4");
    g_brk_nr = sys_nr("brk");
    g_exit_nr = sys_nr("exit");
    g_sigalrm_nr = g_setitimer_nr = g_rt_sigaction_nr = g_rt_sigprocmask_nr = 0;

    // The parent ignores every signal it may ignore (SIGCHLD stays default: children
    // must stay waitable).
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    for (int s = 1; s < 65; s++)
        if (s != SIGCHLD && s != SIGKILL && s != SIGSTOP) sigaction(s, &sa, NULL);
    ignore_libc_reserved();

    g_area_len = SLOT_BYTES * (g_workers + 3);
    g_area = mmap(NULL, g_area_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (g_area == MAP_FAILED) {
        say("lvfuzz: cannot map the log: %s\n", strerror(errno));
        return 2;
    }
    memset(g_area, 0, g_area_len);
    mprotect(g_area, SLOT_BYTES, PROT_NONE);
    mprotect(g_area + g_area_len - SLOT_BYTES, SLOT_BYTES, PROT_NONE);
    u64 nonce;
    {
        u64 x = seed ^ (u64)(now_s() * 1e9);
        nonce = splitmix(&x) | 1;
    }
    for (int i = 0; i < g_workers; i++) {
        struct slot* s = slot_of(i);
        s->magic = MAGIC;
        s->nonce = nonce;
        s->index = i;
    }
    g_parent_page = slot_of(g_workers);
    g_parent_page->magic = MAGIC;
    g_parent_page->nonce = nonce;
    g_parent_page->index = PARENT_INDEX;
    parent_phase(P_START, 0);

    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    int meminfo = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
    mkdir("/tmp", 01777);
    for (int i = 0; i < g_workers; i++) clean_scratch(i);
    snapshot_shared_dirs();
    sleep_ms(500);
    long mem_before = meminfo_kb(meminfo, "MemAvailable:");
    long mem_total = meminfo_kb(meminfo, "MemTotal:");

#if defined(__x86_64__)
    const char* arch = "x86_64";
#else
    const char* arch = "aarch64";
#endif
    say("lvfuzz: start arch=%s seed=%llu seconds=%g workers=%d calls=%d nonce=%#llx memtotal=%ld kB\n", arch,
        (unsigned long long)seed, seconds, g_workers, g_ncalls, (unsigned long long)nonce, mem_total);

    struct wstate ws[64];
    memset(ws, 0, sizeof ws);
    u64 done_calls = 0, gens = 0;
    unsigned long died_sig[65] = {0}, exited = 0, stuck_killed = 0, unkillable = 0, setup_failed = 0;
    double t0 = now_s(), next_beat = t0 + 2, stall_since = t0;
    u64 stall_calls = 0;
    int stalled = 0;
    int ending = 0;

    for (;;) {
        double t = now_s();
        if (!ending && t - t0 >= seconds) ending = 1;
        // spawn
        for (int i = 0; !ending && i < g_workers; i++) {
            if (ws[i].pid || ws[i].reported) continue;
            struct slot* s = slot_of(i);
            parent_phase(P_CLEAN, i);
            remount_shared_rw();
            mkdir("/tmp", 01777); // a root worker may have removed it (rmdir of an empty /tmp is fine)
            clean_scratch(i);
            u64 gen = ws[i].gen++;
            s->calls = 0;
            s->phase = 0;
            s->reserved[0] = s->reserved[1] = 0;
            s->pid = 0;
            s->gen = gen;
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            parent_phase(P_FORK, i);
            int pid = fork();
            if (pid == 0) worker(i, gen, seed, i & 1, devnull);
            if (pid < 0) {
                sleep_ms(100);
                continue;
            }
            s->pid = pid;
            ws[i].pid = pid;
            ws[i].last_calls = 0;
            ws[i].last_progress = ws[i].started = now_s();
            ws[i].killed_at = 0;
            gens++;
        }
        // reap
        int st, pid;
        g_parent_page->calls++;
        parent_phase(P_WAIT, -1);
        while ((pid = waitpid(-1, &st, WNOHANG | __WALL)) > 0) {
            for (int i = 0; i < g_workers; i++) {
                if (ws[i].pid != pid) continue;
                struct slot* s = slot_of(i);
                done_calls += s->calls;
                if (ws[i].killed_at) {
                    if (!ending) stuck_killed++;
                } else if (WIFSIGNALED(st)) {
                    died_sig[WTERMSIG(st) & 63]++;
                } else {
                    exited++;
                    if (s->phase == 0) {
                        if (!setup_failed++ || setup_failed % 100 == 0)
                            say("lvfuzz: worker %d pid %d failed its setup (exit %d at lvfuzz.c line %llu: %s)%s\n", i,
                                pid, WEXITSTATUS(st), (unsigned long long)s->reserved[0],
                                strerror((int)s->reserved[1]), setup_failed > 1 ? ": again" : "");
                        if (setup_failed == 1) diagnose_scratch(i);
                    }
                }
                if (ws[i].reported) say("lvfuzz: worker %d pid %d (reported unkillable) ended at last\n", i, pid);
                ws[i].pid = 0;
                ws[i].reported = 0;
            }
        }
        if (pid < 0 && errno == ECHILD && ending) break;
        // watch progress
        t = now_s();
        int live = 0;
        for (int i = 0; i < g_workers; i++) {
            if (!ws[i].pid) continue;
            live++;
            struct slot* s = slot_of(i);
            if (s->calls != ws[i].last_calls) {
                ws[i].last_calls = s->calls;
                ws[i].last_progress = t;
            }
            if (!ws[i].killed_at && (ending || t - ws[i].last_progress > stall)) {
                if (!ending) report_stuck(i, t - ws[i].last_progress);
                parent_phase(P_KILL, i);
                kill(-ws[i].pid, SIGKILL);
                kill(ws[i].pid, SIGKILL);
                ws[i].killed_at = t;
            } else if (ws[i].killed_at && !ws[i].reported && t - ws[i].killed_at > unkillable_after) {
                unkillable++;
                ws[i].reported = 1;
                say("lvfuzz: FAIL: worker %d pid %d still there %.0f s after SIGKILL (seed=%llu)\n", i, ws[i].pid,
                    t - ws[i].killed_at, (unsigned long long)seed);
                print_ring(i);
            }
        }
        if (ending) {
            static double end_started;
            static int killed_rest;
            if (!end_started) end_started = t;
            if (!killed_rest && t - end_started > 2) {
                parent_phase(P_KILL_OTHERS, 0);
                kill_others();
                killed_rest = 1;
            }
            int stragglers = 0;
            for (int i = 0; i < g_workers; i++) stragglers += ws[i].pid && !ws[i].reported;
            if (!stragglers && t - end_started > unkillable_after + 5) break; // only unkillable ones left
            if (t - end_started > unkillable_after + 10) break;
        }
        if (t >= next_beat) {
            u64 calls = done_calls;
            for (int i = 0; i < g_workers; i++)
                if (ws[i].pid) calls += slot_of(i)->calls;
            if (calls != stall_calls) {
                stall_calls = calls;
                stall_since = t;
            } else if (!ending && !stalled && t - stall_since > 3 * stall) {
                stalled = 1;
                say("lvfuzz: FAIL: no worker made a call for %.0f s (new ones included): the system is stuck "
                    "(seed=%llu)\n", t - stall_since, (unsigned long long)seed);
                for (int k = 0; k < g_workers; k++) print_ring(k);
            }
            unsigned long died = 0;
            for (int s = 0; s < 65; s++) died += died_sig[s];
            parent_phase(P_BEAT, 0);
            say("lvfuzz: alive t=%.0f calls=%llu workers=%d gens=%llu died=%lu exited=%lu stuck-killed=%lu%s\n",
                t - t0, (unsigned long long)calls, live, (unsigned long long)gens, died, exited, stuck_killed,
                unkillable ? " UNKILLABLE" : "");
            next_beat = t + 2;
        }
        parent_phase(P_SLEEP, 0);
        sleep_ms(ending ? 20 : 100);
    }
    parent_phase(P_END, 0);

    u64 total = done_calls;
    for (int i = 0; i < g_workers; i++)
        if (ws[i].pid) total += slot_of(i)->calls;
    // Memory: scratch files removed, then let deferred frees finish.
    for (int i = 0; i < g_workers; i++) clean_scratch(i);
    clean_shared_dirs();
    long mem_after = -1;
    parent_phase(P_MEMINFO, 0);
    for (int k = 0; k < 10; k++) {
        sleep_ms(500);
        long m = meminfo_kb(meminfo, "MemAvailable:");
        if (m > mem_after) mem_after = m;
        if (mem_after >= mem_before) break;
    }
    if (mem_after < mem_before - LEAK_TOLERANCE_KB) leak_diagnosis();
    char deaths[512] = "";
    size_t dl = 0;
    for (int s = 1; s < 65; s++)
        if (died_sig[s]) dl += snprintf(deaths + dl, sizeof deaths - dl, " sig%d=%lu", s, died_sig[s]);
    say("lvfuzz: workers: generations=%llu exited=%lu stuck-killed=%lu unkillable=%lu setup-failed=%lu died:%s\n",
        (unsigned long long)gens, exited, stuck_killed, unkillable, setup_failed, dl ? deaths : " none");
    say("lvfuzz: memavailable before=%ld after=%ld total=%ld kB\n", mem_before, mem_after, mem_total);
    if (unkillable)
        for (int i = 0; i < g_workers; i++)
            if (ws[i].pid) print_ring(i);
    parent_phase(P_DONE, 0);
    say("lvfuzz: done calls=%llu seed=%llu\n", (unsigned long long)total, (unsigned long long)seed);
    return unkillable || stalled ? 1 : 0;
}
