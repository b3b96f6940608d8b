"""Debian packages each subcommand needs, installed on demand.

Checking is one dpkg-query call and prints nothing; only missing packages are
installed (as root, non-interactively). arm64 packages need the arm64 architecture
enabled in dpkg first.
"""
import os
import re
import shutil
import subprocess
import sys

# What each piece of work needs. Keys are combined by the subcommands.
# Installs skip Recommends, so the C libraries (a Recommends of gcc and of the cross
# gcc) are named explicitly; they also bring the kernel's UAPI headers (linux/, asm/).
PACKAGES = {
    "kernel": ["cmake", "ninja-build", "g++"],
    "kernel-aarch64": ["g++-aarch64-linux-gnu"],
    "userland-x86_64": ["musl-tools", "libc6-dev", "busybox-static"],
    "userland-aarch64": ["gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross", "musl-dev:arm64"],
    "qemu-x86_64": ["qemu-system-x86", "qemu-system-data"],
    "qemu-aarch64": ["qemu-system-arm"],
    "tests": ["libgtest-dev", "qemu-user", "gcc", "libc6-dev", "gcc-aarch64-linux-gnu",
              "libc6-dev-arm64-cross", "musl-tools", "musl-dev:arm64",
              "clang",  # tools/thread_safety_check.py
              "stress-ng"],  # tools/stress_ng_test.py (its package list, and x86_64's files)
    "iso": ["grub-pc-bin", "grub-common", "xorriso", "mtools"],
}

_checked = set()


def for_arch(arch, run=True):
    """Package groups to build (and, with run, boot) one architecture."""
    keys = ["kernel", "userland-" + arch]
    if arch == "aarch64":
        keys.append("kernel-aarch64")
    if run:
        keys.append("qemu-" + arch)
    return keys


def missing(packages):
    """The packages dpkg does not list as installed."""
    out = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Abbrev} ${binary:Package}\\n"] + packages,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    installed = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "ii":
            installed.add(parts[1])
    result = []
    for p in packages:
        # dpkg prints native packages without the :arch suffix and foreign ones with it.
        if p not in installed and p + ":" + native_arch() not in installed:
            result.append(p)
    return result


def native_arch():
    if not hasattr(native_arch, "value"):
        native_arch.value = subprocess.run(["dpkg", "--print-architecture"], stdout=subprocess.PIPE,
                                           text=True).stdout.strip()
    return native_arch.value


def _run_quiet(cmd):
    """Run an apt/dpkg command; show its output only if it fails."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    return r.returncode, r.stdout


def enable_arm64():
    foreign = subprocess.run(["dpkg", "--print-foreign-architectures"], stdout=subprocess.PIPE,
                             text=True).stdout.split()
    if "arm64" not in foreign:
        rc, out = _run_quiet(["dpkg", "--add-architecture", "arm64"])
        if rc:
            sys.exit("levitate: dpkg --add-architecture arm64 failed:\n" + out)
        return True
    return False


def apt_update():
    rc, out = _run_quiet(["apt-get", "update", "-q"])
    if rc:
        sys.stderr.write("levitate: apt-get update failed (continuing):\n" + out)


def ensure(*keys):
    """Install every package of the given groups that is missing."""
    packages = []
    for k in keys:
        for p in PACKAGES[k]:
            if p not in packages and p not in _checked:
                packages.append(p)
    if not packages:
        return
    need = missing(packages)
    if need:
        if os.geteuid() != 0:
            sys.exit("levitate: missing packages (install them as root): " + " ".join(need))
        sys.stderr.write("levitate: installing %s\n" % " ".join(need))
        added = any(p.endswith(":arm64") for p in need) and enable_arm64()
        cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends"] + need
        rc, out = (1, "") if added else _run_quiet(cmd)
        if rc:
            # Fresh systems have no package lists (or stale ones): update once and retry.
            apt_update()
            rc, out = _run_quiet(cmd)
        if rc:
            sys.exit("levitate: apt-get install failed:\n" + out)
        still = missing(need)
        if still:
            sys.exit("levitate: packages still missing after install: " + " ".join(still))
    _checked.update(packages)


def apt_download(package, dest_dir):
    """`apt-get download` a package (e.g. busybox-static:arm64) into dest_dir; returns the .deb path."""
    if enable_arm64() and package.endswith(":arm64"):
        apt_update()

    def attempt():
        r = subprocess.run(["apt-get", "download", "-q", package], cwd=dest_dir,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        debs = [f for f in os.listdir(dest_dir) if f.endswith(".deb")]
        return (os.path.join(dest_dir, debs[0]) if r.returncode == 0 and debs else None), r.stdout

    deb, out = attempt()
    if not deb:
        apt_update()
        deb, out = attempt()
    if not deb:
        sys.exit("levitate: apt-get download %s failed:\n%s" % (package, out))
    return deb


def _kernel_images(dest):
    boot = os.path.join(dest, "boot")
    return [os.path.join(boot, f) for f in sorted(os.listdir(boot))
            if f.startswith("vmlinuz-")] if os.path.isdir(boot) else []


def reference_linux(arch, dest_root):
    """Debian's own Linux kernel for `arch` (the image QEMU boots with -kernel), unpacked
    once under dest_root/<arch> from the package that linux-image-<debian arch> names:
    the reference the benchmarks compare with (docs/performance.md). Returns its path."""
    dest = os.path.join(dest_root, arch)
    images = _kernel_images(dest)
    if images:
        return images[0]
    suffix = "" if arch == "x86_64" else ":arm64"
    meta = "linux-image-%s%s" % ("amd64" if arch == "x86_64" else "arm64", suffix)
    if suffix and enable_arm64():
        apt_update()
    m = None
    for attempt in range(2):  # stale or missing package lists: update once and look again
        if attempt:
            apt_update()
        out = subprocess.run(["apt-cache", "depends", meta], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True).stdout
        m = re.search(r"Depends: (linux-image-[0-9][^\s:]*)", out)
        if m:
            break
    if not m:
        sys.exit("levitate: cannot tell which kernel package %s names:\n%s" % (meta, out))
    pkg = m.group(1) + suffix
    dl = os.path.join(dest_root, "deb-" + arch)
    shutil.rmtree(dl, ignore_errors=True)
    os.makedirs(dl)
    sys.stderr.write("levitate: fetching %s (the reference Linux kernel)\n" % pkg)
    deb = apt_download(pkg, dl)
    shutil.rmtree(dest, ignore_errors=True)
    subprocess.check_call(["dpkg-deb", "-x", deb, dest])
    shutil.rmtree(dl, ignore_errors=True)
    for entry in os.listdir(dest):  # the modules are not needed: only the image is booted
        if entry != "boot":
            shutil.rmtree(os.path.join(dest, entry), ignore_errors=True)
    images = _kernel_images(dest)
    if not images:
        sys.exit("levitate: %s has no /boot/vmlinuz-*" % pkg)
    return images[0]
