"""QEMU command lines for each architecture (see arch/<arch>/README.md) and the
default initramfs tree."""
import os
import re

from lv.initramfs import Initramfs
from lv.paths import kernel_image, userland_dir

DEFAULT_ENV = [("PATH", "/bin:/sbin:/usr/bin:/usr/sbin"), ("HOME", "/root"), ("TERM", "linux")]


def kvm_usable():
    """KVM only when /dev/kvm opens read-write (it may exist without permission) and is
    hardware virtualization. On these machines /dev/kvm can be PVM (the kvm_pvm module),
    which runs only PVM-aware guests: an unmodified kernel's SYSCALL never reaches it and
    STAC/CLAC stop the VM (arch/x86_64/README.md), so we use TCG there."""
    if os.path.exists("/sys/module/kvm_pvm"):
        return False
    try:
        fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    os.close(fd)
    return True


def parse_mem(text):
    """QEMU's -m forms: 512M, 2G, 2048 (MiB). Returns the text QEMU gets, or None."""
    m = re.fullmatch(r"(\d+)([MmGg]?)", text.strip())
    if not m or int(m.group(1)) == 0:
        return None
    return m.group(1) + m.group(2).upper()


def device_args(arch, disks=(), net=None):
    """Virtio devices: each disk image (raw) becomes a virtio-blk disk (/dev/vda, vdb, ...
    in order); net (a -netdev spec, e.g. "user,id=n0") adds a virtio-net NIC. x86_64 puts
    them on PCI; aarch64 on virtio-mmio, in the modern (version 2) layout the kernel
    drives."""
    bus = "pci" if arch == "x86_64" else "device"
    args = [] if arch == "x86_64" or not (disks or net) else ["-global", "virtio-mmio.force-legacy=false"]
    for i, path in enumerate(disks):
        args += ["-drive", "file=%s,format=raw,if=none,id=disk%d" % (path, i),
                 "-device", "virtio-blk-%s,drive=disk%d" % (bus, i)]
    if net:
        netdev_id = re.search(r"id=([^,]+)", net).group(1)
        args += ["-netdev", net, "-device", "virtio-net-%s,netdev=%s" % (bus, netdev_id)]
    return args


def smp_count():
    """Guest CPUs: $LEVITATE_SMP (set by --smp, so the runs the test suite starts
    inherit it), else 2, or the host's CPUs if it has fewer (with multi-threaded TCG
    each guest CPU is a host thread)."""
    try:
        n = int(os.environ.get("LEVITATE_SMP", "0"))
    except ValueError:
        n = 0
    if n <= 0:
        n = min(2, os.cpu_count() or 1)
    return max(1, min(n, 16))


def cpu_args(n, accel_tcg):
    """-smp N; with several CPUs under TCG, multi-threaded TCG so that they really run
    in parallel (one host thread each)."""
    args = ["-smp", str(n)]
    if n > 1 and accel_tcg:
        args = ["-accel", "tcg,thread=multi"] + args
    return args


def command(arch, mem, initrd, cmdline, serial_args, disks=(), net=None, kernel=None, cpus=None):
    """The QEMU argv; serial_args wire the one serial port (stdio for both modes). kernel:
    another kernel image to boot on the same machine (the reference Linux of the
    benchmarks), else ours; cpus: the guest's CPU count, else smp_count()."""
    cpus = cpus or smp_count()
    if arch == "x86_64":
        # LEVITATE_ACCEL=tcg forces TCG (e.g. to compare with KVM when chasing a bug).
        use_kvm = os.environ.get("LEVITATE_ACCEL", "kvm") != "tcg" and kvm_usable()
        accel = ["-accel", "kvm", "-cpu", "EPYC"] if use_kvm else \
            (["-accel", "tcg"] if cpus == 1 else []) + ["-cpu", "max"]
        machine = ["qemu-system-x86_64", "-M", "q35", "-bios", "/usr/share/qemu/qboot.rom"] + accel + \
            cpu_args(cpus, not use_kvm) + ["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    elif arch == "aarch64":
        machine = ["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "max"] + cpu_args(cpus, True)
    else:
        raise ValueError("unknown architecture " + arch)
    return machine + ["-m", mem, "-display", "none", "-no-reboot", "-nic", "none",
                      "-kernel", kernel or kernel_image(arch), "-initrd", initrd,
                      "-append", cmdline] + device_args(arch, disks, net) + serial_args


def default_initramfs(arch):
    """The tree every boot gets: /sbin/init, busybox, /etc, a writable /tmp."""
    img = Initramfs()
    for d, perm in (("/bin", 0o755), ("/sbin", 0o755), ("/etc", 0o755), ("/usr", 0o755),
                    ("/usr/bin", 0o755), ("/usr/sbin", 0o755), ("/root", 0o700),
                    ("/dev", 0o755), ("/proc", 0o555), ("/tmp", 0o1777)):
        img.mkdir(d, perm)
    img.add_host(os.path.join(userland_dir(arch), "init"), "/sbin/init")
    img.add_host(os.path.join(userland_dir(arch), "busybox"), "/bin/busybox")
    img.add_bytes("/etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    img.add_bytes("/etc/group", b"root:x:0:\n")
    img.add_bytes("/etc/hostname", b"levitate\n")
    img.add_bytes("/etc/hosts", b"127.0.0.1\tlocalhost\n")
    # The kernel's boot network configuration lists its name servers there (ip=...;
    # QEMU's user network answers DNS at 10.0.2.3), as Linux's /proc/net/pnp.
    img.add_symlink("/etc/resolv.conf", "/proc/net/pnp")
    return img


def add_exec_files(img, argv, env):
    """/etc/levitate/exec.argv and exec.env: NUL-terminated strings the kernel turns
    into the first process's argv and envp (exec mode)."""
    img.mkdir("/etc/levitate", 0o755)
    img.add_bytes("/etc/levitate/exec.argv", b"".join(a.encode() + b"\0" for a in argv))
    img.add_bytes("/etc/levitate/exec.env", b"".join(("%s=%s" % kv).encode() + b"\0" for kv in env))


def merge_env(extra):
    """The default environment with each K=V of --env added or replacing."""
    env = list(DEFAULT_ENV)
    for item in extra:
        k, _, v = item.partition("=")
        env = [(ek, ev) for ek, ev in env if ek != k] + [(k, v)]
    return env
