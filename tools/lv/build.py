"""Building what a boot needs: the kernel image (cmake/ninja in build/<arch>) and the
default userland (userland/init.c, busybox) in build/userland/<arch>.

Builds run under a lock file, so that parallel `./levitate exec` calls (ctest -j)
never run two ninjas in the same tree.
"""
import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile

from lv import deps
from lv.paths import ROOT, BUILD, kernel_build_dir, kernel_image, userland_dir

ARCHES = ("x86_64", "aarch64")

# How to compile a static musl program for each architecture. Debian's musl wrappers
# do not see the kernel's UAPI headers; musl_kernel_headers() provides them.
MUSL_CC = {
    "x86_64": ["musl-gcc"],
    "aarch64": ["aarch64-linux-gnu-gcc", "-specs", "/usr/lib/aarch64-linux-musl/musl-gcc.specs"],
}
UAPI_DIRS = {
    "x86_64": ["/usr/include/linux", "/usr/include/x86_64-linux-gnu/asm", "/usr/include/asm-generic"],
    "aarch64": ["/usr/aarch64-linux-gnu/include/linux", "/usr/aarch64-linux-gnu/include/asm",
                "/usr/aarch64-linux-gnu/include/asm-generic"],
}


class BuildError(Exception):
    pass


@contextlib.contextmanager
def build_lock():
    os.makedirs(BUILD, exist_ok=True)
    with open(os.path.join(BUILD, ".levitate-build.lock"), "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _run(cmd, quiet, cwd=None):
    """Run a build command. Quiet: output is kept and shown only on failure (exec must
    not print build chatter on stdout). Build output always goes to stderr."""
    if quiet:
        r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode:
            lines = r.stdout.splitlines()
            if len(lines) > 80:
                lines = ["... (%d lines cut)" % (len(lines) - 80)] + lines[-80:]
            raise BuildError("%s failed:\n%s" % (" ".join(cmd), "\n".join(lines)))
    else:
        r = subprocess.run(cmd, cwd=cwd, stdout=sys.stderr, stderr=sys.stderr)
        if r.returncode:
            raise BuildError("%s failed" % " ".join(cmd))


def run_logged(cmd):
    _run(cmd, quiet=False)


def build_kernel(arch, quiet=False):
    d = kernel_build_dir(arch)
    with build_lock():
        if not os.path.exists(os.path.join(d, "build.ninja")):
            _run(["cmake", "-S", ROOT, "-B", d, "-G", "Ninja", "-DLEVITATE_ARCH=" + arch], quiet)
        # ninja re-runs cmake itself when a CMakeLists.txt (or a globbed directory) changed.
        _run(["ninja", "-C", d], quiet)
    if not os.path.exists(kernel_image(arch)):
        raise BuildError("the kernel build did not produce " + kernel_image(arch))


def musl_kernel_headers(arch):
    """A directory holding only linux/, asm/ and asm-generic/ for musl builds (adding
    all of /usr/include would let glibc's headers shadow musl's)."""
    d = os.path.join(BUILD, "userland", arch, "uapi")
    os.makedirs(d, exist_ok=True)
    for src in UAPI_DIRS[arch]:
        link = os.path.join(d, os.path.basename(src))
        if not os.path.islink(link):
            os.symlink(src, link)
    return d


def musl_compile_cmd(arch, sources, output, extra=()):
    return MUSL_CC[arch] + ["-static", "-O2", "-Wall", "-idirafter", musl_kernel_headers(arch)] + \
        list(extra) + ["-o", output] + list(sources)


def _out_of_date(output, inputs):
    if not os.path.exists(output):
        return True
    t = os.path.getmtime(output)
    return any(os.path.getmtime(i) > t for i in inputs)


def build_init(arch, quiet=False):
    out = os.path.join(userland_dir(arch), "init")
    src = os.path.join(ROOT, "userland", "init.c")
    if _out_of_date(out, [src, __file__]):
        os.makedirs(userland_dir(arch), exist_ok=True)
        tmp = out + ".tmp"
        _run(musl_compile_cmd(arch, [src], tmp), quiet)
        os.replace(tmp, out)
    return out


def busybox(arch):
    """Debian's static busybox for arch, cached in build/userland/<arch>/busybox."""
    out = os.path.join(userland_dir(arch), "busybox")
    if os.path.exists(out):
        return out
    os.makedirs(userland_dir(arch), exist_ok=True)
    if arch == deps_arch_native():
        shutil.copy2("/bin/busybox", out + ".tmp")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            deb = deps.apt_download("busybox-static:arm64", tmp)
            subprocess.run(["dpkg-deb", "-x", deb, os.path.join(tmp, "x")], check=True)
            shutil.copy2(os.path.join(tmp, "x", "bin", "busybox"), out + ".tmp")
    os.replace(out + ".tmp", out)
    return out


def deps_arch_native():
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(deps.native_arch(), "x86_64")


GLIBC_CC = {"x86_64": ["gcc"], "aarch64": ["aarch64-linux-gnu-gcc"]}
LIBCS = ("glibc", "musl")


def fuzzer_path(arch, libc):
    return os.path.join(userland_dir(arch), "lvfuzz-" + libc)


def build_fuzzer(arch, quiet=False):
    """tests/fuzz/lvfuzz.c, static, with glibc and with musl: build/userland/<arch>/lvfuzz-<libc>.
    It includes the kernel's syscall number table (arch/<arch>/include/arch/syscall_numbers.inc)."""
    src = os.path.join(ROOT, "tests", "fuzz", "lvfuzz.c")
    table_dir = os.path.join(ROOT, "arch", arch, "include", "arch")
    inputs = [src, os.path.join(table_dir, "syscall_numbers.inc"), __file__]
    flags = ["-static", "-O2", "-g", "-Wall", "-Wextra", "-Wno-unused-parameter", "-I", table_dir]
    for libc in LIBCS:
        out = fuzzer_path(arch, libc)
        if not _out_of_date(out, inputs):
            continue
        os.makedirs(userland_dir(arch), exist_ok=True)
        tmp = out + ".tmp"
        if libc == "glibc":
            cmd = GLIBC_CC[arch] + flags + ["-o", tmp, src]
        else:
            cmd = musl_compile_cmd(arch, [src], tmp, flags)
        _run(cmd, quiet)
        os.replace(tmp, out)


def build_userland(arch, quiet=False):
    with build_lock():
        build_init(arch, quiet)
        busybox(arch)
        build_fuzzer(arch, quiet)


def build_all(arch, quiet=False):
    build_kernel(arch, quiet)
    build_userland(arch, quiet)
