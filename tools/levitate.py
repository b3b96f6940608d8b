#!/usr/bin/env python3
"""The LevitateOS runner (called through ./levitate).

  ./levitate run   [--arch A] [--mem M] [--disk F]... [--net]   boot to the shell on the serial console
  ./levitate exec  [--arch A] [--timeout S] [--mem M] [--env K=V]... [--add HOST:GUEST]...
                   [--disk FILE]... [--net] [--net-forward H:G]... [--append ARGS] [--verbose]
                   -- PROGRAM [ARGS...]
                                                  run one program, exit with its status

--disk FILE attaches the raw image FILE as a virtio-blk disk (/dev/vda, /dev/vdb, ... in
order); --net adds a virtio-net NIC on QEMU's user network (10.0.2.0/24, gateway 10.0.2.2);
--net-forward HOST:GUEST (implies --net) forwards the host's 127.0.0.1:HOST to the guest's
TCP port GUEST (QEMU's hostfwd);
--append adds words to the kernel command line (e.g. root=/dev/vda).
  ./levitate test  [--arch A]... [-R REGEX]        every test; ends with "N passed, M failed"
  ./levitate build [--arch A]                      kernel and default userland
  ./levitate iso                                   x86_64 bootable ISO (build/x86_64/levitate-x86_64.iso)
  ./levitate fuzz  [--arch A] [--seconds N] [--seed S] [--workers W] [--libc L] [--trinity]
                                                  the syscall fuzzer (tests/fuzz): panics, hangs, leaks
  ./levitate bench [--arch A]... [--cpus N] [--runs R] [--only W,...] [--linux]
                                                  how independent work scales (docs/performance.md)

run, exec, test, fuzz and bench take --smp N: guest CPUs (default $LEVITATE_SMP, else 2,
or the host's count if fewer).

exec exit statuses: the program's own, 128+N if it died by signal N, 124 on timeout,
125 on kernel panic, 126 on any other failure to boot or run.
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lv import build, deps, mux, qemu, reaper  # noqa: E402
from lv.paths import BUILD, boot_log, kernel_build_dir  # noqa: E402

ARCH_CHOICES = build.ARCHES


def prepared():
    """Set by `./levitate test` for the runs it starts: everything is installed and
    built already, and parallel runs must not rebuild."""
    return os.environ.get("LEVITATE_PREPARED") == "1"


def prepare(arch, run=True, quiet=False):
    if prepared():
        return
    deps.ensure(*deps.for_arch(arch, run))
    build.build_all(arch, quiet)


def cmd_build(args):
    failed = False
    for arch in args.arch or ARCH_CHOICES:
        try:
            prepare(arch, run=False)
        except build.BuildError as e:
            sys.stderr.write("levitate: %s\n" % e)
            failed = True
    return 1 if failed else 0


def cmd_run(args):
    try:
        prepare(args.arch)
    except build.BuildError as e:
        sys.exit("levitate: %s" % e)
    initrd = os.path.join(kernel_build_dir(args.arch), "run-initramfs.cpio")
    qemu.default_initramfs(args.arch).write(initrd)
    # One stdio chardev shared by the serial port and the monitor: Ctrl-C goes to the
    # guest, Ctrl-A X quits QEMU, Ctrl-A C toggles the monitor (as with -nographic).
    serial = ["-chardev", "stdio,id=con0,mux=on,signal=off", "-serial", "chardev:con0",
              "-mon", "chardev=con0,mode=readline"]
    argv = qemu.command(args.arch, args.mem, initrd, args.append, serial, args.disk, net_spec(args))
    if args.verbose:
        sys.stderr.write("levitate: %s\n" % " ".join(argv))
    sys.stderr.write("levitate: booting %s (Ctrl-A X quits)\n" % args.arch)
    sys.stderr.flush()
    os.execvp(argv[0], argv)


def parse_add(spec):
    host, sep, guest = spec.rpartition(":")
    if not sep or not host or not guest.startswith("/"):
        raise argparse.ArgumentTypeError("--add wants HOST_PATH:/GUEST_PATH, got %r" % spec)
    if not os.path.lexists(host):
        raise argparse.ArgumentTypeError("--add: %s does not exist" % host)
    return host, guest


def parse_env(spec):
    if "=" not in spec or spec.startswith("="):
        raise argparse.ArgumentTypeError("--env wants K=V, got %r" % spec)
    return spec


def cmd_exec(args):
    program = args.program[1:] if args.program[:1] == ["--"] else args.program
    if not program:
        sys.stderr.write("levitate exec: no PROGRAM given (usage: ./levitate exec [options] -- PROGRAM [ARGS...])\n")
        return mux.BOOT_FAILURE_STATUS
    try:
        prepare(args.arch, quiet=True)
    except build.BuildError as e:
        sys.stderr.write("levitate: build failed: %s\n" % e)
        return mux.BOOT_FAILURE_STATUS
    except reaper.Terminated:
        raise
    except SystemExit as e:
        sys.stderr.write("%s\n" % e)
        return mux.BOOT_FAILURE_STATUS

    img = qemu.default_initramfs(args.arch)
    try:
        for host, guest in args.add:
            img.add_host(host, guest)
    except (OSError, ValueError) as e:
        sys.stderr.write("levitate: --add: %s\n" % e)
        return mux.BOOT_FAILURE_STATUS
    qemu.add_exec_files(img, program, qemu.merge_env(args.env))

    # Under build/, not /tmp: the archive may be hundreds of MB and /tmp may be a small tmpfs.
    tmp_root = os.path.join(BUILD, "tmp")
    os.makedirs(tmp_root, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="exec-", dir=tmp_root) as tmp:
        initrd = os.path.join(tmp, "initramfs.cpio")
        try:
            img.write(initrd)
        except (OSError, ValueError) as e:
            sys.stderr.write("levitate: writing the initramfs: %s\n" % e)
            return mux.BOOT_FAILURE_STATUS
        # `quiet` keeps the kernel to warnings (each serial byte costs a VM exit under
        # KVM); --verbose wants the whole log, so it leaves `quiet` out.
        cmdline = "levitate.mux=1 levitate.exec=1" + ("" if args.verbose else " quiet")
        if args.append:
            cmdline += " " + args.append
        argv = qemu.command(args.arch, args.mem, initrd, cmdline,
                            ["-chardev", "stdio,id=con0,signal=off", "-serial", "chardev:con0", "-monitor", "none"],
                            args.disk, net_spec(args))
        if args.verbose:
            sys.stderr.write("levitate: %s\n" % " ".join(argv))
        session = mux.Session(argv, boot_log(args.arch), args.timeout, args.verbose)
        return session.run()


def net_spec(args):
    if not args.net and not args.net_forward:
        return None
    spec = "user,id=net0"
    for host_port, guest_port in args.net_forward:
        spec += ",hostfwd=tcp:127.0.0.1:%d-:%d" % (host_port, guest_port)
    return spec


def forward_arg(text):
    try:
        host, guest = (int(p) for p in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError("--net-forward: HOST:GUEST port numbers expected, not %r" % text)
    if not (0 < host < 65536 and 0 < guest < 65536):
        raise argparse.ArgumentTypeError("--net-forward: ports are 1-65535")
    return host, guest


def disk_arg(path):
    if not os.path.isfile(path):
        raise argparse.ArgumentTypeError("--disk: %s is not a file" % path)
    return os.path.abspath(path)


def device_opts(sp):
    sp.add_argument("--disk", type=disk_arg, action="append", default=[],
                    help="attach a raw disk image as a virtio-blk disk (repeatable)")
    sp.add_argument("--net", action="store_true", help="add a virtio-net NIC on QEMU's user network")
    sp.add_argument("--net-forward", type=forward_arg, action="append", default=[], metavar="HOST:GUEST",
                    help="forward the host's TCP port 127.0.0.1:HOST to the guest's port GUEST (implies --net)")
    sp.add_argument("--append", default="", help="more kernel command line (e.g. root=/dev/vda)")


def cmd_test(args):
    from lv import testsuite
    return testsuite.run(args.arch or list(ARCH_CHOICES), args.regex, args.jobs)


def cmd_fuzz(args):
    from lv import fuzz
    return fuzz.run(args)


def cmd_bench(args):
    from lv import bench
    for arch in args.arch or ["x86_64"]:
        try:
            prepare(arch)
        except build.BuildError as e:
            sys.exit("levitate: %s" % e)
    return bench.main(args)


def cmd_iso(args):
    """A GRUB rescue ISO with the default initramfs as its Multiboot module (the arch
    build's `iso` target, arch/x86_64/tools/mkiso.sh, does the GRUB part)."""
    deps.ensure(*deps.for_arch("x86_64", run=False), "iso")
    try:
        build.build_all("x86_64")
        d = kernel_build_dir("x86_64")
        initrd = os.path.join(d, "iso-initramfs.cpio")
        qemu.default_initramfs("x86_64").write(initrd)
        with build.build_lock():
            build.run_logged(["cmake", "-DLEVITATE_ISO_INITRD=" + initrd, d])
            build.run_logged(["ninja", "-C", d, "iso"])
    except build.BuildError as e:
        sys.exit("levitate: %s" % e)
    print(os.path.join(d, "levitate-x86_64.iso"))
    return 0


def exec_usage_error(parser, message):
    parser.print_usage(sys.stderr)
    sys.stderr.write("%s: error: %s\n" % (parser.prog, message))
    sys.exit(mux.BOOT_FAILURE_STATUS)


def mem_arg(text):
    m = qemu.parse_mem(text)
    if not m:
        raise argparse.ArgumentTypeError("--mem wants a size like 512M, 2G or 2048 (MiB), got %r" % text)
    return m


def main():
    p = argparse.ArgumentParser(prog="levitate", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    def arch_opt(sp, multi=False):
        if multi:
            sp.add_argument("--arch", action="append", choices=ARCH_CHOICES)
        else:
            sp.add_argument("--arch", default="x86_64", choices=ARCH_CHOICES)

    def smp_opt(sp):
        sp.add_argument("--smp", type=int, help="guest CPUs (default $LEVITATE_SMP, else 2 or the host's CPUs if fewer)")

    sp = sub.add_parser("build", help="build the kernel and the default userland")
    arch_opt(sp, multi=True)
    sp.set_defaults(func=cmd_build)

    sp = sub.add_parser("run", help="boot interactively to the default init")
    arch_opt(sp)
    sp.add_argument("--mem", type=mem_arg, default="2G")
    sp.add_argument("--verbose", "-v", action="store_true")
    device_opts(sp)
    smp_opt(sp)
    sp.set_defaults(func=cmd_run)

    # exec's callers read its exit status: a bad command line is a failure to run (126).
    sp = sub.add_parser("exec", help="boot headless and run one program")
    sp.error = lambda message, sp=sp: exec_usage_error(sp, message)
    arch_opt(sp)
    sp.add_argument("--timeout", type=float, default=300.0)
    sp.add_argument("--mem", type=mem_arg, default="2G")
    sp.add_argument("--env", type=parse_env, action="append", default=[])
    sp.add_argument("--add", type=parse_add, action="append", default=[])
    sp.add_argument("--verbose", "-v", action="store_true")
    device_opts(sp)
    smp_opt(sp)
    sp.add_argument("program", nargs=argparse.REMAINDER)
    sp.set_defaults(func=cmd_exec)

    sp = sub.add_parser("test", help="run every test")
    arch_opt(sp, multi=True)
    sp.add_argument("-R", dest="regex", help="only the ctest tests matching this regex")
    sp.add_argument("-j", dest="jobs", type=int, default=2)
    smp_opt(sp)
    sp.set_defaults(func=cmd_test)

    sp = sub.add_parser("fuzz", help="run the syscall fuzzer in the guest (tools/lv/fuzz.py)")
    from lv import fuzz
    arch_opt(sp)
    sp.add_argument("--seconds", type=float, default=fuzz.default_seconds(),
                    help="how long to fuzz (guest clock; default $LEVITATE_FUZZ_SECONDS or 120)")
    sp.add_argument("--seed", default="random", help="a number (replays a run) or 'random' (the default)")
    sp.add_argument("--workers", type=int, default=4)
    sp.add_argument("--libc", choices=build.LIBCS, default="glibc", help="which build of lvfuzz")
    sp.add_argument("--hang-seconds", type=float, default=60.0,
                    help="no heartbeat for this long (host clock) is a hang")
    sp.add_argument("--mem", type=mem_arg, default="2G")
    sp.add_argument("--only", help="comma-separated syscall names: fuzz only these")
    sp.add_argument("--exclude", help="comma-separated syscall names to leave out")
    sp.add_argument("--max-map-len", help="cap the lengths of mmap/munmap/madvise/... and brk growth (bytes)")
    sp.add_argument("--plain-exit-signals", action="store_true",
                    help="clone/clone3 children only get SIGCHLD or 0 as exit signal")
    sp.add_argument("--skip-known", action="store_true",
                    help="leave out what tests/fuzz/known-bugs.txt lists (known, unfixed bugs)")
    sp.add_argument("--xfail", action="store_true", help="a failure is expected: exit 77 instead of 1")
    sp.add_argument("--trinity", action="store_true", help="run Debian's trinity instead (tools/lv/trinity.py)")
    smp_opt(sp)
    sp.set_defaults(func=cmd_fuzz)

    sp = sub.add_parser("bench", help="the scaling benchmark (tools/lv/bench.py)")
    arch_opt(sp, multi=True)
    sp.add_argument("--cpus", type=int, default=2, help="CPUs (and workers) to compare with one")
    sp.add_argument("--runs", type=int, default=3, help="boots per figure (the best counts)")
    sp.add_argument("--only", help="comma-separated workloads (syscall, fault, pipe, fork)")
    sp.add_argument("--linux", action="store_true",
                    help="also run it on Debian's Linux kernel in the same QEMU machine (fetched once)")
    sp.set_defaults(func=cmd_bench)

    sp = sub.add_parser("iso", help="build the x86_64 ISO")
    sp.set_defaults(func=cmd_iso)

    args = p.parse_args()
    if getattr(args, "smp", None):
        if not 1 <= args.smp <= 16:
            sys.exit("levitate: --smp wants 1 to 16 CPUs")
        os.environ["LEVITATE_SMP"] = str(args.smp) # for qemu.command, here and in the runs it starts
    # SIGTERM, SIGINT and SIGHUP end any QEMU we started and exit with 128+N
    # (lv/reaper.py); `run` execs QEMU, which then takes the signals itself.
    reaper.install_signal_handlers()
    try:
        sys.exit(args.func(args))
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
