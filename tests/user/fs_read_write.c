// read/write and friends on regular files: positions, pread/pwrite, readv/writev,
// lseek (SEEK_END, SEEK_DATA/SEEK_HOLE, errors), sparse files, truncate, fallocate,
// sendfile and copy_file_range.
// SYSCALLS: read, write, pread64, pwrite64, readv, writev, preadv, pwritev, lseek, truncate, ftruncate, fallocate, sendfile, copy_file_range, fsync, fdatasync
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <sys/file.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

// Hidden from the compiler, which would warn about passing them to read/write.
static void* volatile bad_ptr = (void*)8;
static volatile int minus_one = -1, too_many = 1025;

int main(void) {
    char dir[] = "/tmp/fsrwXXXXXX";
    CHECK(mkdtemp(dir));
    CHECK_OK(chdir(dir));

    int fd = CHECK_OK(open("f", O_RDWR | O_CREAT | O_TRUNC, 0644));
    CHECK(write(fd, "0123456789", 10) == 10);
    CHECK(lseek(fd, 0, SEEK_CUR) == 10);
    CHECK(lseek(fd, -4, SEEK_END) == 6);
    char buf[64] = {0};
    CHECK(read(fd, buf, sizeof buf) == 4 && memcmp(buf, "6789", 4) == 0);
    CHECK(read(fd, buf, sizeof buf) == 0); // EOF
    CHECK(read(fd, NULL, 0) == 0);         // a zero-length read touches nothing
    CHECK_ERR(lseek(fd, -100, SEEK_CUR), EINVAL);
    CHECK_ERR(lseek(fd, 0, 42), EINVAL);
    CHECK(lseek(fd, 1000, SEEK_SET) == 1000); // beyond the end is allowed

    // pread/pwrite leave the position alone.
    CHECK(lseek(fd, 3, SEEK_SET) == 3);
    CHECK(pread(fd, buf, 3, 7) == 3 && memcmp(buf, "789", 3) == 0);
    CHECK(pwrite(fd, "AB", 2, 0) == 2);
    CHECK(lseek(fd, 0, SEEK_CUR) == 3);
    CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);
    CHECK_ERR(pwrite(fd, buf, 1, -1), EINVAL);

    // Vectors.
    struct iovec iov[3] = {{"ab", 2}, {NULL, 0}, {"cde", 3}};
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(writev(fd, iov, 3) == 5);
    char a[2], b[4];
    struct iovec riov[2] = {{a, 2}, {b, 4}};
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(readv(fd, riov, 2) == 6);
    CHECK(memcmp(a, "ab", 2) == 0 && memcmp(b, "cde5", 4) == 0);
    CHECK(preadv(fd, riov, 2, 8) == 2 && memcmp(a, "89", 2) == 0);
    CHECK(pwritev(fd, iov, 1, 8) == 2);
    CHECK_ERR(readv(fd, riov, minus_one), EINVAL);
    CHECK_ERR(readv(fd, riov, too_many), EINVAL);
    CHECK_ERR(writev(fd, bad_ptr, 1), EFAULT);

    // Faults: EFAULT on a bad buffer, nothing written.
    CHECK_ERR(write(fd, bad_ptr, 4), EFAULT);
    CHECK_ERR(read(fd, bad_ptr, 4), EFAULT);

    // Sparse file: a hole reads as zeros.
    CHECK(pwrite(fd, "Z", 1, 100000) == 1);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(st.st_size == 100001);
    CHECK(pread(fd, buf, 4, 50000) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0);
    off_t data = lseek(fd, 50000, SEEK_DATA);
    CHECK(data > 50000 && data <= 100000, "SEEK_DATA %ld", (long)data);
    CHECK(lseek(fd, 0, SEEK_HOLE) >= 10);
    CHECK_ERR(lseek(fd, 100001, SEEK_DATA), ENXIO);

    // Truncation: shrink, grow (zeros), errors.
    CHECK_OK(ftruncate(fd, 5));
    CHECK_OK(ftruncate(fd, 8));
    CHECK(pread(fd, buf, 16, 0) == 8 && memcmp(buf, "abcde\0\0\0", 8) == 0);
    CHECK_ERR(ftruncate(fd, -1), EINVAL);
    CHECK_OK(truncate("f", 3));
    CHECK_OK(fstat(fd, &st));
    CHECK(st.st_size == 3);
    CHECK_ERR(truncate("missing", 0), ENOENT);
    CHECK_ERR(truncate(".", 0), EISDIR);
    int ro = CHECK_OK(open("f", O_RDONLY));
    CHECK_ERR(ftruncate(ro, 0), EINVAL);
    CHECK_ERR(write(ro, "x", 1), EBADF);

    // fallocate grows the file unless FALLOC_FL_KEEP_SIZE.
    CHECK_OK(fallocate(fd, 0, 0, 10000));
    CHECK_OK(fstat(fd, &st));
    CHECK(st.st_size == 10000);
    CHECK_OK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 10000, 5000));
    CHECK_OK(fstat(fd, &st));
    CHECK(st.st_size == 10000);
    CHECK_ERR(fallocate(fd, 0, -1, 10), EINVAL);
    CHECK_ERR(fallocate(fd, 0, 0, 0), EINVAL);
    CHECK_ERR(fallocate(ro, 0, 0, 10), EBADF);
    CHECK_OK(fsync(fd));
    CHECK_OK(fdatasync(fd));
    CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0);
    CHECK(posix_fadvise(fd, 0, 0, 99) == EINVAL);
    CHECK_OK(flock(fd, LOCK_EX));
    CHECK_OK(flock(fd, LOCK_UN));
    CHECK_ERR(flock(fd, LOCK_SH | LOCK_EX), EINVAL);

    // sendfile and copy_file_range.
    CHECK_OK(ftruncate(fd, 0));
    CHECK(pwrite(fd, "sendfile data", 13, 0) == 13);
    int out = CHECK_OK(open("g", O_RDWR | O_CREAT | O_TRUNC, 0644));
    off_t off = 4;
    CHECK(sendfile(out, fd, &off, 100) == 9);
    CHECK(off == 13);
    CHECK(pread(out, buf, 64, 0) == 9 && memcmp(buf, "file data", 9) == 0);
    loff_t in_off = 0;
    CHECK(copy_file_range(fd, &in_off, out, NULL, 4, 0) == 4);
    CHECK(in_off == 4);
    CHECK(pread(out, buf, 64, 0) == 13 && memcmp(buf, "file datasend", 13) == 0);
    CHECK_ERR(copy_file_range(fd, NULL, out, NULL, 4, 1), EINVAL);

    CHECK_OK(close(ro));
    CHECK_OK(close(out));
    CHECK_OK(close(fd));
    CHECK_ERR(read(fd, buf, 1), EBADF);
    CHECK_ERR(lseek(fd, 0, SEEK_SET), EBADF);
    CHECK_OK(unlink("f"));
    CHECK_OK(unlink("g"));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
