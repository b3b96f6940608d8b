"""`./levitate fuzz --trinity`: Debian's trinity (a dynamic glibc program) in the guest.

The packages (trinity and libc6 of the guest's architecture; arm64 through dpkg's
multiarch) are fetched with `apt-get download` and unpacked with `dpkg-deb -x` (no
maintainer scripts run, nothing is installed on the host) into
build/trinity/<arch>/root, which goes into the initramfs. lvfuzz's --run-as mode is PID 1:
it starts trinity as uid 1000 (trinity refuses root without --dangerous, and its own
exclusions of dangerous calls apply as on Linux), prints the heartbeat the host watches,
(trinity's own "[main] N iterations" lines give the count of calls),
ends everything after --seconds and reports MemAvailable before and after, so that the
verdicts are lvfuzz's: panic, hang, leak, died.
"""
import os
import shutil
import subprocess
import sys
import tempfile

from lv import build, deps, fuzz, mux, qemu
from lv.paths import BUILD, boot_log

DEB_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}
PACKAGES = ("trinity", "libc6")


def root_dir(arch):
    return os.path.join(BUILD, "trinity", arch, "root")


def unpack(arch):
    root = root_dir(arch)
    if os.path.exists(os.path.join(root, "usr", "bin", "trinity")):
        return root
    deb_arch = DEB_ARCH[arch]
    native = deps.native_arch() == deb_arch
    tmp_root = root + ".tmp"
    shutil.rmtree(tmp_root, ignore_errors=True)
    os.makedirs(tmp_root)
    with tempfile.TemporaryDirectory() as tmp:
        for pkg in PACKAGES:
            d = os.path.join(tmp, pkg)
            os.makedirs(d)
            deb = deps.apt_download(pkg if native else "%s:%s" % (pkg, deb_arch), d)
            subprocess.run(["dpkg-deb", "-x", deb, tmp_root], check=True)
    os.replace(tmp_root, root)
    return root


def run(args):
    arch = args.arch
    if os.environ.get("LEVITATE_PREPARED") != "1":
        deps.ensure(*deps.for_arch(arch))
        try:
            build.build_all(arch, quiet=True)
        except build.BuildError as e:
            sys.stderr.write("levitate: build failed: %s\n" % e)
            return mux.BOOT_FAILURE_STATUS
    root = unpack(arch)
    img = qemu.default_initramfs(arch)
    for top in sorted(os.listdir(root)):
        if top in ("usr", "lib", "lib64", "etc"):
            img.add_host(os.path.join(root, top), "/" + top)
    # busybox's /bin and the default /etc stay; the unprivileged user trinity runs as:
    img.add_bytes("/etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nfuzz:x:1000:1000:fuzz:/tmp/fuzz.run:/bin/sh\n")
    img.add_bytes("/etc/group", b"root:x:0:\nfuzz:x:1000:\n")
    img.add_host(build.fuzzer_path(arch, "glibc"), "/bin/lvfuzz")
    seed = args.seed if args.seed not in (None, "random") else str(int.from_bytes(os.urandom(4), "little"))
    trinity = ["/usr/bin/trinity", "-q", "-l", "off", "-C", str(args.workers), "-s", seed, "-V", "/tmp/fuzz.run"]
    # -P INET: trinity 2023.01's socket set-up falls back to a random family when most
    # fail (LevitateOS has AF_UNIX and AF_INET only) and then reads one entry past its
    # net_protocols table (index 45, AF_MCTP): the main process dies of SIGSEGV at start.
    trinity += ["-P", "INET"]
    if arch == "x86_64":
        # -a 64: LevitateOS has no i386 system calls (int $0x80 faults: SIGSEGV, as on a
        # Linux without IA32 emulation); trinity's children would die at their first one.
        trinity += ["-a", "64"]
    trinity += os.environ.get("LEVITATE_TRINITY_ARGS", "").split()  # more trinity options (debugging)
    for name in (args.exclude or "").split(","):
        if name:
            trinity += ["-x", name]
    argv = ["/bin/lvfuzz", "--not-init", "--seconds", "%g" % args.seconds, "--run-as", "1000", "--"] + trinity
    env = list(qemu.DEFAULT_ENV)
    preload = os.environ.get("LEVITATE_TRINITY_PRELOAD")  # debugging: a library for LD_PRELOAD
    if preload:
        img.add_host(preload, "/lib/lvpreload.so")
        env.append(("LD_PRELOAD", "/lib/lvpreload.so"))
    qemu.add_exec_files(img, argv, env)
    replay = "./levitate fuzz --trinity --arch %s --seed %s --seconds %g --workers %d" % (
        arch, seed, args.seconds, args.workers)
    print("levitate fuzz: trinity on %s seed=%s (replay: %s)" % (arch, seed, replay))
    sys.stdout.flush()
    tmp_root = os.path.join(BUILD, "tmp")
    os.makedirs(tmp_root, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="trinity-", dir=tmp_root) as tmp:
        initrd = os.path.join(tmp, "initramfs.cpio")
        img.write(initrd)
        mon_path = os.path.join(tmp, "monitor.sock")
        serial = ["-chardev", "stdio,id=con0,signal=off", "-serial", "chardev:con0",
                  "-monitor", "unix:%s,server=on,wait=off" % mon_path, "-no-shutdown"]
        argv = fuzz.without_debug_exit(qemu.command(arch, args.mem, initrd, "levitate.mux=1 levitate.exec=1 quiet",
                                                    serial))
        session = fuzz.FuzzSession(argv, boot_log(arch), args.seconds * 4 + 300, args.hang_seconds,
                                   fuzz.Monitor(mon_path), arch, args.mem, tmp)
        session.run()
        return fuzz.report(session, args, int(seed), replay)
