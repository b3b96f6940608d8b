"""`./levitate fuzz`: boot the guest with the syscall fuzzer (tests/fuzz/lvfuzz.c) as
the program of ./levitate exec (pid 2, under the kernel's pid-1 reaper) and judge the run.

  ./levitate fuzz [--arch A] [--seconds N] [--seed S|random] [--workers W] [--libc glibc|musl]
                  [--hang-seconds K] [--only a,b] [--exclude a,b] [--max-map-len BYTES]
                  [--skip-known] [--xfail] [--mem M] [--trinity]

--skip-known adds the options of tests/fuzz/known-bugs.txt (what the CI's random runs
leave out until a known bug is fixed); --xfail makes a failure exit 77 (CTest's skip),
for seeds of tests/fuzz/seeds.txt that reproduce a bug not fixed yet.

A run fails (exit status 1) on:
  panic     the kernel panicked (the panic channel; the text is in the kernel log too)
  hang      no "lvfuzz: alive" heartbeat for --hang-seconds (QEMU is then stopped)
  leak      MemAvailable after the run (workers reaped, scratch removed, 5 s to settle)
            is lower than before by more than the tolerance (LEAK_TOLERANCE_KB below)
  died      the fuzzer's parent died or exited with a failure of its own (a worker that
            SIGKILL did not end within 30 s, reported by the fuzzer)
  no-finish the run did not finish within seconds*4 + 240 s (host clock)

On a failure it prints the seed, the command that replays it, and the last calls of
every worker. Those come from the workers' shared log pages in guest memory: QEMU runs
with -no-shutdown and a monitor socket (and, on x86_64, without isa-debug-exit, so a
panic's power-off leaves the machine paused, not gone), and the runner saves guest RAM
with the monitor's pmemsave and finds the pages by their magic and the run's nonce. If
the fuzzer could print them itself (an unkillable worker), its own dump is shown too.

`--trinity` runs Debian's trinity instead (see trinity.py).
"""
import os
import random
import re
import shutil
import socket
import struct
import sys
import tempfile
import time

from lv import build, deps, mux, qemu
from lv.paths import BUILD, ROOT, boot_log

# MemAvailable may come back lower by this much without it counting as a leak: the
# kernel heap keeps pages it grew into (slab-like caches for inodes, dentries, sockets,
# page-table pages of the allocator itself), the parent's own heap and stack grew during
# the run, and /proc's generated text is allocated while reading. Measured after
# clean runs: a few MiB at most (see tests/fuzz/README.md); 16 MiB is a comfortable
# margin that still catches anything that leaks per call or per process (a run makes
# tens of thousands of calls and hundreds of processes).
LEAK_TOLERANCE_KB = 16 * 1024

MAGIC = 0x315a5a5546564c4c
SLOT_HEADER_U64 = 16
ENTRY_U64 = 10
RING = 16
CUSTOM_SYSCALLS = {1000: "spawn", 1001: "spawn_args", 1002: "set_foreground", 1003: "get_foreground", 1010: "isatty"}

# Guest RAM in QEMU's physical address space: (start) per architecture. x86_64 below
# 1 MiB holds the BIOS and VGA windows, not worth reading.
RAM_START = {"x86_64": 0x100000, "aarch64": 0x40000000}


def default_seconds():
    try:
        return float(os.environ.get("LEVITATE_FUZZ_SECONDS", "120"))
    except ValueError:
        return 120.0


def syscall_names(arch):
    names = dict(CUSTOM_SYSCALLS)
    path = os.path.join(ROOT, "arch", arch, "include", "arch", "syscall_numbers.inc")
    with open(path) as f:
        for line in f:
            m = re.match(r"NR\((\d+),\s*(\w+)\)", line)
            if m:
                names[int(m.group(1))] = m.group(2)
    return names


def mem_bytes(mem):
    m = re.fullmatch(r"(\d+)([MG]?)", mem)
    n = int(m.group(1))
    return n << 30 if m.group(2) == "G" else n << 20


class Monitor:
    """QEMU's human monitor on a unix socket."""

    def __init__(self, path):
        self.path = path

    def command(self, cmd, timeout=120):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(self.path)
            self._until_prompt(s)
            s.sendall(cmd.encode() + b"\n")
            return self._until_prompt(s)
        finally:
            s.close()

    @staticmethod
    def _until_prompt(s):
        data = b""
        while not data.endswith(b"(qemu) "):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return data.decode(errors="replace")


def find_rings(dump_path, nonce):
    """The workers' log pages in a RAM dump: {index: (header dict, [entries])}, the copy
    with the highest sequence number for each worker."""
    import mmap
    found = {}
    key = struct.pack("<QQ", MAGIC, nonce)
    with open(dump_path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            return found
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            pos = mm.find(key)
            while pos >= 0:
                if pos % 4096 == 0 and pos + 4096 <= size:
                    words = struct.unpack_from("<%dQ" % (SLOT_HEADER_U64 + ENTRY_U64 * RING), mm, pos)
                    hdr = dict(zip(("magic", "nonce", "index", "pid", "uid", "gen", "seed", "calls", "seq", "phase"),
                                   words[:10]))
                    entries = []
                    for k in range(RING):
                        e = words[SLOT_HEADER_U64 + k * ENTRY_U64:SLOT_HEADER_U64 + (k + 1) * ENTRY_U64]
                        entries.append({"seq": e[0], "nr": e[1], "a": e[2:8], "ret": e[8], "state": e[9]})
                    idx = hdr["index"]
                    if (idx < 64 or idx == PARENT_INDEX) and (idx not in found or found[idx][0]["seq"] < hdr["seq"]):
                        found[idx] = (hdr, entries)
                pos = mm.find(key, pos + 1)
        finally:
            mm.close()
    return found


PARENT_INDEX = 0xffff
PARENT_PHASES = {1: "starting", 2: "forking worker %(w)d", 3: "cleaning the scratch directory of worker %(w)d",
                 4: "reaping (waitpid)", 5: "killing worker %(w)d", 6: "writing the heartbeat",
                 7: "sleeping between rounds (nanosleep)", 8: "killing the remaining processes",
                 9: "ending: removing scratch directories", 10: "reading /proc/meminfo after the run", 11: "done"}


def format_rings(rings, names):
    out = []
    if PARENT_INDEX in rings:
        hdr = rings[PARENT_INDEX][0]
        what = PARENT_PHASES.get(hdr["phase"], "phase %d" % hdr["phase"]) % {"w": hdr["pid"]}
        out.append("  parent: %s (loop iteration %d)" % (what, hdr["calls"]))
    for idx in sorted(rings):
        if idx == PARENT_INDEX:
            continue
        hdr, entries = rings[idx]
        out.append("  worker %d: pid %d uid %d generation %d, %d calls in this generation%s" % (
            idx, hdr["pid"], hdr["uid"], hdr["gen"], hdr["calls"], "" if hdr["phase"] else " (still setting up)"))
        seq = hdr["seq"]
        for k in range(max(0, seq - RING), seq):
            e = entries[k % RING]
            if e["seq"] != k or e["state"] == 0:
                continue
            ret = e["ret"] - (1 << 64) if e["ret"] >= 1 << 63 else e["ret"]
            if e["state"] == 1:
                res = "(no result: still in the call, or died in it)"
            elif -4096 < ret < 0:
                res = "-%d (%s)" % (-ret, os.strerror(-ret))
            else:
                res = "%#x" % (ret & (1 << 64) - 1)
            args = ", ".join("%#x" % a for a in e["a"])
            out.append("    #%d %s(%s) = %s" % (k, names.get(e["nr"], "syscall_%d" % e["nr"]), args, res))
    return "\n".join(out)


class FuzzSession(mux.Session):
    def __init__(self, argv, log_path, timeout, hang_seconds, monitor, arch, mem, dump_dir, verbose=False):
        super().__init__(argv, log_path, timeout, verbose)
        self.hang_seconds = hang_seconds
        self.monitor = monitor
        self.arch = arch
        self.mem = mem
        self.dump_dir = dump_dir
        self.line = b""
        self.last_beat = None
        self.hang = False
        self.nonce = None
        self.calls = None
        self.beat_calls = 0
        self.memavail = None
        self.guest_fail = []
        self.ring_text = None
        self.dump_note = None
        self.started = False
        self.cpu_text = None

    def _route(self, ch, data, log):
        super()._route(ch, data, log)
        if ch != mux.STDOUT:
            return
        self.line += data
        while b"\n" in self.line:
            line, _, self.line = self.line.partition(b"\n")
            self._line(line.decode(errors="replace"))

    def _line(self, line):
        now = time.monotonic()
        if line.startswith("lvfuzz: start"):
            self.started = True
            self.last_beat = now
            m = re.search(r"nonce=(0x[0-9a-f]+)", line)
            if m:
                self.nonce = int(m.group(1), 16)
        elif line.startswith("lvfuzz: alive"):
            self.last_beat = now
            m = re.search(r"calls=(\d+)", line)
            if m and int(m.group(1)):
                self.beat_calls = int(m.group(1))
        elif line.startswith("lvfuzz: done"):
            self.last_beat = now
            m = re.search(r"calls=(\d+)", line)
            if m and int(m.group(1)):
                self.calls = int(m.group(1))
        elif line.startswith("lvfuzz: memavailable"):
            self.last_beat = now
            m = re.search(r"before=(-?\d+) after=(-?\d+) total=(-?\d+)", line)
            if m:
                self.memavail = tuple(int(x) for x in m.groups())
        elif line.startswith("[main] ") and " iterations." in line:  # trinity's count
            m = re.match(r"\[main\] (\d+) iterations", line)
            if m:
                self.beat_calls = int(m.group(1))
        elif line.startswith("lvfuzz: FAIL"):
            self.guest_fail.append(line)
        elif line.startswith("lvfuzz:"):
            self.last_beat = now

    def _tick(self, now):
        if self.exit_record is not None or self.panic:
            return False
        # Before the fuzzer's first line: the boot (generous, the machine may be loaded).
        since = self.last_beat if self.last_beat is not None else self.start
        limit = self.hang_seconds if self.last_beat is not None else max(self.hang_seconds, 120)
        if now - since > limit:
            self.hang = True
            return True
        return False

    def _status(self, timed_out):
        if self.hang:
            return mux.TIMEOUT_STATUS  # report() says what happened
        return super()._status(timed_out)

    def _before_stop(self, qemu, timed_out):
        failed = self.panic or self.hang or timed_out or self.guest_fail or (
            self.exit_record is not None and self.exit_record.strip() != "exit 0")
        if not failed or qemu.poll() is not None:
            return
        if self.hang:
            try:
                self.cpu_text = sample_cpu(self.monitor, self.arch)
            except (OSError, socket.timeout) as e:
                self.cpu_text = "  (could not sample: %s)" % e
        if self.nonce is None:
            self.dump_note = "no lvfuzz log pages in this run (the fuzzer never started, or --trinity)"
            return
        dump = os.path.join(self.dump_dir, "guest-ram.bin")
        try:
            self.monitor.command("stop", timeout=10)
            size = mem_bytes(self.mem) - (RAM_START[self.arch] if self.arch == "x86_64" else 0)
            self.monitor.command('pmemsave %d %d "%s"' % (RAM_START[self.arch], size, dump), timeout=300)
            rings = find_rings(dump, self.nonce)
            if rings:
                self.ring_text = format_rings(rings, syscall_names(self.arch))
            else:
                self.dump_note = "no worker log pages found in guest memory"
        except (OSError, socket.timeout) as e:
            self.dump_note = "could not save guest memory: %s" % e
        finally:
            try:
                os.unlink(dump)
            except OSError:
                pass


def kernel_symbols(arch):
    import bisect
    import subprocess
    elf = os.path.join(BUILD, arch, "levitate-%s.elf" % arch)
    nm = "nm" if arch == "x86_64" else "aarch64-linux-gnu-nm"
    try:
        out = subprocess.run([nm, "-n", "-C", elf], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True).stdout
    except OSError:
        return lambda a: "%#x" % a
    addrs, syms = [], []
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in "tTwW":
            addrs.append(int(parts[0], 16))
            syms.append(parts[2])

    def lookup(a):
        i = bisect.bisect_right(addrs, a) - 1
        return "%#x %s+%#x" % (a, syms[i], a - addrs[i]) if i >= 0 and a - addrs[i] < 1 << 20 else "%#x" % a
    return lookup


def frame_walk(monitor, fp, depth=16):
    """Return addresses up the kernel's frame-pointer chain (it keeps frame pointers),
    read with the monitor's `x` (virtual addresses: the kernel half is always mapped)."""
    rets = []
    for _ in range(depth):
        if fp < 0xffff000000000000 or fp & 7:
            break
        out = monitor.command("x /2gx %#x" % fp, timeout=10)
        words = re.findall(r"0x([0-9a-f]{16})", out.partition(":")[2])
        if len(words) < 2:
            break
        nxt, ret = int(words[0], 16), int(words[1], 16)
        if not ret:
            break
        rets.append(ret)
        if nxt <= fp:
            break
        fp = nxt
    return rets


def sample_cpu(monitor, arch, samples=8):
    """Where the (single) vCPU is, sampled a few times: a kernel function it spins in, an
    idle halt (everyone asleep: a lost wakeup or a deadlock), or user code."""
    lookup = kernel_symbols(arch)
    seen = []
    for _ in range(samples):
        monitor.command("cont", timeout=10)
        time.sleep(0.3)
        monitor.command("stop", timeout=10)
        regs = monitor.command("info registers", timeout=10)
        m = re.search(r"\bRIP=([0-9a-f]+)", regs) or re.search(r"\bPC=([0-9a-f]+)", regs)
        if not m:
            continue
        pc = int(m.group(1), 16)
        halted = re.search(r"\bHLT=1", regs) is not None
        el = re.search(r"\bEL(\d)", regs)
        cpl = re.search(r"\bCPL=(\d)", regs)
        user = (cpl and cpl.group(1) == "3") or (el and el.group(1) == "0")
        where = "user %#x" % pc if user else lookup(pc)
        if not user:
            fp = re.search(r"\bRBP=([0-9a-f]+)", regs) or re.search(r"\bX29=([0-9a-f]+)", regs)
            if fp:
                where += "".join("\n      <- " + lookup(ret) for ret in frame_walk(monitor, int(fp.group(1), 16)))
        seen.append("%s%s" % (where, " (halted)" if halted else ""))
    counts = {}
    for s in seen:
        counts[s] = counts.get(s, 0) + 1
    return "\n".join("  %dx %s" % (n, s) for s, n in sorted(counts.items(), key=lambda kv: -kv[1]))


KNOWN_BUGS = os.path.join(ROOT, "tests", "fuzz", "known-bugs.txt")


def known_bug_options(path=KNOWN_BUGS):
    """tests/fuzz/known-bugs.txt: lvfuzz options (--exclude NAMES, --max-map-len N), one
    `OPTION VALUE # the bug` per line, that keep the CI's random runs off bugs that are
    known and not fixed yet. Returns {option: value}; --exclude lists are merged."""
    opts = {}
    if not os.path.exists(path):
        return opts
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            if line == ["--plain-exit-signals"]:
                opts[line[0]] = None
                continue
            if len(line) != 2 or line[0] not in ("--exclude", "--max-map-len"):
                raise SystemExit("%s:%d: want '--exclude NAME[,NAME]', '--max-map-len BYTES' or "
                                 "'--plain-exit-signals'" % (path, n))
            if line[0] == "--exclude" and opts.get("--exclude"):
                opts["--exclude"] += "," + line[1]
            else:
                opts[line[0]] = line[1]
    return opts


def fuzz_options(args):
    """The lvfuzz options besides seed, seconds and workers (also part of the replay)."""
    opts = {}
    if args.skip_known:
        opts.update(known_bug_options())
    if args.exclude:
        opts["--exclude"] = opts["--exclude"] + "," + args.exclude if opts.get("--exclude") else args.exclude
    if args.only:
        opts["--only"] = args.only
    if args.max_map_len:
        opts["--max-map-len"] = args.max_map_len
    if args.plain_exit_signals:
        opts["--plain-exit-signals"] = None
    out = []
    for k in ("--only", "--exclude", "--max-map-len", "--plain-exit-signals"):
        if k in opts:
            out += [k] if opts[k] is None else [k, str(opts[k])]
    return out


def fuzz_argv(args, seed):
    # Under ./levitate exec the program is pid 2, a child of the kernel's reaper (pid 1);
    # --not-init says this is the top fuzzer (a worker's exec of /proc/self/exe is not).
    return ["/bin/lvfuzz", "--not-init", "--seed", str(seed), "--seconds", "%g" % args.seconds,
            "--workers", str(args.workers)] + fuzz_options(args)


def run(args):
    if args.trinity:
        from lv import trinity
        return trinity.run(args)
    arch = args.arch
    if os.environ.get("LEVITATE_PREPARED") != "1":
        deps.ensure(*deps.for_arch(arch))
        try:
            build.build_all(arch, quiet=True)
        except build.BuildError as e:
            sys.stderr.write("levitate: build failed: %s\n" % e)
            return mux.BOOT_FAILURE_STATUS
    if args.seed in (None, "random"):
        seed = random.SystemRandom().getrandbits(40)
    else:
        try:
            seed = int(args.seed, 0)
        except ValueError:
            sys.stderr.write("levitate fuzz: --seed wants a number or 'random', got %r\n" % args.seed)
            return mux.BOOT_FAILURE_STATUS
    binary = build.fuzzer_path(arch, args.libc)
    img = qemu.default_initramfs(arch)
    img.add_host(binary, "/bin/lvfuzz")
    qemu.add_exec_files(img, fuzz_argv(args, seed), qemu.DEFAULT_ENV)
    replay = " ".join(["./levitate fuzz --arch %s --seed %d --seconds %g --workers %d%s" % (
        arch, seed, args.seconds, args.workers, "" if args.libc == "glibc" else " --libc " + args.libc)] +
        fuzz_options(args))
    print("levitate fuzz: %s seed=%d seconds=%g workers=%d libc=%s (replay: %s)" % (
        arch, seed, args.seconds, args.workers, args.libc, replay))
    sys.stdout.flush()

    tmp_root = os.path.join(BUILD, "tmp")
    os.makedirs(tmp_root, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fuzz-", dir=tmp_root) as tmp:
        initrd = os.path.join(tmp, "initramfs.cpio")
        img.write(initrd)
        mon_path = os.path.join(tmp, "monitor.sock")
        cmdline = "levitate.mux=1 levitate.exec=1 levitate.heapcheck quiet"
        serial = ["-chardev", "stdio,id=con0,signal=off", "-serial", "chardev:con0",
                  "-monitor", "unix:%s,server=on,wait=off" % mon_path, "-no-shutdown"]
        argv = qemu.command(arch, args.mem, initrd, cmdline, serial)
        argv = without_debug_exit(argv)
        timeout = args.seconds * 4 + 240
        session = FuzzSession(argv, boot_log(arch), timeout, args.hang_seconds, Monitor(mon_path), arch, args.mem,
                              tmp)
        session.run()
        return report(session, args, seed, replay)


def without_debug_exit(argv):
    out = []
    skip = False
    for i, a in enumerate(argv):
        if skip:
            skip = False
            continue
        if a == "-device" and i + 1 < len(argv) and argv[i + 1].startswith("isa-debug-exit"):
            skip = True
            continue
        out.append(a)
    return out


def report(s, args, seed, replay):
    problems = []
    if s.panic:
        problems.append("panic: %s" % s.panic.decode(errors="replace").strip().splitlines()[0])
    elif s.hang:
        problems.append("hang: no heartbeat from the guest for %g s (after %s calls)" % (
            args.hang_seconds, s.beat_calls))
    elif s.exit_record is None and b"terminating on signal" in s.qemu_stderr:
        said = s.qemu_stderr.decode(errors="replace").strip().splitlines()[-1]
        problems.append("interrupted: QEMU was ended from outside, not a kernel verdict (%s)" % said)
    elif s.exit_record is None:
        problems.append("no-finish: the run did not end (%s calls seen)" % s.beat_calls)
    else:
        rec = s.exit_record.strip()
        if rec.startswith("signal"):
            problems.append("died: the fuzzer's parent was killed by %s" % rec)
        elif rec != "exit 0":
            problems.append("died: the fuzzer exited with status %s" % rec.partition(" ")[2])
    for line in s.guest_fail:
        problems.append("guest: " + line[len("lvfuzz: FAIL: "):])
    mem_line = ""
    if s.memavail:
        before, after, total = s.memavail
        mem_line = "MemAvailable before %d kB, after %d kB (%+d kB; tolerance %d kB)" % (
            before, after, after - before, LEAK_TOLERANCE_KB)
        if before > 0 and after >= 0 and before - after > LEAK_TOLERANCE_KB:
            problems.append("leak: %d kB of memory not returned (%s)" % (before - after, mem_line))
    elif s.exit_record is not None and s.exit_record.strip() == "exit 0":
        problems.append("the fuzzer did not report MemAvailable")
    calls = s.calls if s.calls is not None else s.beat_calls
    head = "levitate fuzz: %s seed=%d: %s calls" % (args.arch, seed, calls)
    if not problems:
        print("%s, PASS%s" % (head, "; " + mem_line if mem_line else ""))
        if args.xfail:
            print("levitate fuzz: XPASS: this run is marked xfail (tests/fuzz/seeds.txt) but passed: "
                  "if its bug is fixed, drop the mark")
        return 0
    print("%s, FAIL%s" % (head, " (expected: marked xfail in tests/fuzz/seeds.txt)" if args.xfail else ""))
    for p in problems:
        print("levitate fuzz: FAIL: %s" % p)
    print("levitate fuzz: seed %d; replay with: %s" % (seed, replay))
    if mem_line:
        print("levitate fuzz: %s" % mem_line)
    if s.panic:
        print("levitate fuzz: the panic:\n%s" % s.panic.decode(errors="replace").rstrip())
    if s.cpu_text:
        print("levitate fuzz: where the CPU was after the hang (sampled):\n%s" % s.cpu_text)
    if s.ring_text:
        print("levitate fuzz: last calls of every worker (from guest memory):\n%s" % s.ring_text)
    elif s.dump_note:
        print("levitate fuzz: last calls: %s" % s.dump_note)
    print("levitate fuzz: kernel log: %s" % s.log_path)
    sys.stdout.write(mux.tail(s.log_path, 20))
    return 77 if args.xfail else 1
