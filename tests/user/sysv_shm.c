// System V shared memory: shmget by key and IPC_PRIVATE (IPC_CREAT, IPC_EXCL, sizes),
// shmat shared with a forked child and at a chosen address (SHM_RND, SHM_RDONLY faults on
// write), shm_nattch counting attaches (fork included), IPC_STAT/IPC_SET, IPC_RMID
// keeping an attached segment until its last detach (SHM_DEST), /proc/sysvipc/shm.
// SYSCALLS: shmget, shmat, shmdt, shmctl, fork, wait4
#define _GNU_SOURCE
#include "lvtest.h"
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf g_jump;
static void on_segv(int sig) { siglongjmp(g_jump, 1); }

static unsigned long nattch(int id) {
    struct shmid_ds ds;
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    return (unsigned long)ds.shm_nattch;
}

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    key_t key = (key_t)(0x4c560000 | (getpid() & 0xffff));
    int id = shmget(key, 3 * page + 100, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0, "shmget: %s", strerror(errno));
    CHECK(shmget(key, page, 0) == id, "lookup by key");
    CHECK_ERR(shmget(key, page, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK_ERR(shmget(key, 8 * page, 0), EINVAL); // larger than the segment
    CHECK_ERR(shmget(key + 1, page, 0600), ENOENT);
    CHECK_ERR(shmget(IPC_PRIVATE, 0, 0600), EINVAL);

    struct shmid_ds ds;
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK(ds.shm_segsz == (size_t)(3 * page + 100) && ds.shm_perm.__key == key, "segsz %zu", ds.shm_segsz);
    CHECK((ds.shm_perm.mode & 0777) == 0600 && ds.shm_perm.uid == geteuid() && ds.shm_cpid == getpid());
    CHECK(ds.shm_nattch == 0);

    char* a = shmat(id, NULL, 0);
    CHECK(a != (void*)-1, "shmat: %s", strerror(errno));
    CHECK(a[0] == 0 && a[3 * page + 99] == 0);
    strcpy(a, "parent");
    CHECK(nattch(id) == 1);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (strcmp(a, "parent") != 0) _exit(2);
        char* b = shmat(id, NULL, 0);
        if (b == (void*)-1) _exit(3);
        strcpy(b + page, "child");
        _exit(nattch(id) == 3 ? 0 : 4); // the parent's, the inherited one, its own
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %#x", status);
    CHECK(strcmp(a + page, "child") == 0, "child's write: '%s'", a + page);
    CHECK(nattch(id) == 1, "after the child exits: %lu", nattch(id));

    // At a chosen address, rounded with SHM_RND; read-only attach faults on write.
    char* want = mmap(NULL, 8 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(want != MAP_FAILED);
    CHECK_OK(munmap(want, 8 * page));
    CHECK(shmat(id, want + 1, 0) == (void*)-1 && errno == EINVAL, "unaligned without SHM_RND");
    char* c = shmat(id, want + 1, SHM_RND | SHM_RDONLY);
    CHECK(c == want, "SHM_RND: %p, want %p", c, want);
    CHECK(strcmp(c + page, "child") == 0);
    signal(SIGSEGV, on_segv);
    int faulted = 0;
    if (sigsetjmp(g_jump, 1) == 0) c[0] = 'x';
    else faulted = 1;
    CHECK(faulted, "write to a SHM_RDONLY attach");
    CHECK(shmat(id, c, 0) == (void*)-1 && errno == EINVAL, "an occupied range without SHM_REMAP");
    CHECK(nattch(id) == 2);
    CHECK_OK(shmdt(c));
    CHECK_ERR(shmdt(c), EINVAL);
    CHECK(nattch(id) == 1);

    // IPC_SET changes the mode; /proc/sysvipc/shm lists the segment.
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    ds.shm_perm.mode = 0640;
    CHECK_OK(shmctl(id, IPC_SET, &ds));
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK((ds.shm_perm.mode & 0777) == 0640);
    char table[8192], line[128];
    lv_read_file("/proc/sysvipc/shm", table, sizeof table);
    CHECK(strncmp(table, "       key      shmid perms", 27) == 0, "header: %.40s", table);
    snprintf(line, sizeof line, "%10d %10d   640 %21lu", key, id, (unsigned long)(3 * page + 100));
    CHECK(strstr(table, line), "no '%s' in\n%s", line, table);

    // IPC_RMID while attached: the key is free, the memory stays until the detach.
    CHECK_OK(shmctl(id, IPC_RMID, NULL));
    CHECK_ERR(shmget(key, page, 0600), ENOENT);
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK(ds.shm_perm.mode & 01000, "SHM_DEST: mode %o", ds.shm_perm.mode); // SHM_DEST
    CHECK(strcmp(a, "parent") == 0);
    CHECK_OK(shmdt(a));
    CHECK_ERR(shmctl(id, IPC_STAT, &ds), EINVAL);

    int priv = shmget(IPC_PRIVATE, page, 0600);
    CHECK(priv >= 0 && priv != id);
    CHECK_OK(shmctl(priv, IPC_RMID, NULL));
    CHECK_ERR(shmctl(priv, IPC_STAT, &ds), EINVAL);
    CHECK_ERR(shmat(priv, NULL, 0), EINVAL);
    return 0;
}
