"""./levitate bench: the scaling benchmark (tests/bench/scale.c). For each workload, one
worker on one CPU, then N workers on N CPUs (N independent processes doing the same
work); the ratio of the times says how well independent work scales (1.0: perfectly).
Each figure is the best of --runs boots, timed inside the guest. Under TCG only ratios
mean anything, not the absolute times."""
import os
import re
import subprocess
import sys

from lv import deps, qemu
from lv.initramfs import Initramfs
from lv.paths import BUILD, ROOT

WORKLOADS = [  # name, iterations per worker
    ("syscall", 2000000),
    ("fault", 1000),
    ("pipe", 20000),
    ("fork", 1000),
]
COMPILERS = {"x86_64": ["gcc"], "aarch64": ["aarch64-linux-gnu-gcc"]}


def build_scale(arch):
    out = os.path.join(BUILD, "bench", arch, "scale")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    src = os.path.join(ROOT, "tests", "bench", "scale.c")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        subprocess.check_call(COMPILERS[arch] + ["-static", "-O2", "-o", out, src])
    return out


def run_once(arch, cpus, binary, workload, workers, iters):
    cmd = [os.path.join(ROOT, "levitate"), "exec", "--arch", arch, "--smp", str(cpus), "--timeout", "600",
           "--add", "%s:/scale" % binary, "--", "/scale", workload, str(workers), str(iters)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    m = re.search(r"^%s %d %d ([0-9.]+)$" % (workload, workers, iters), r.stdout, re.M)
    if r.returncode != 0 or not m:
        sys.stderr.write("bench: %s failed (status %d):\n%s%s\n" % (" ".join(cmd), r.returncode, r.stdout[-2000:],
                                                                     r.stderr[-2000:]))
        return None
    return float(m.group(1))


def linux_initrd(arch, binary):
    """The reference Linux's initramfs: the benchmark as /init, and the /dev/console that
    Linux opens for its first process."""
    out = os.path.join(BUILD, "bench", arch, "linux-initrd.cpio")
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(binary):
        return out
    img = Initramfs()
    img.mkdir("/dev")
    img.add_char_device("/dev/console", 5, 1)
    img.add_host(binary, "/init")
    img.write(out)
    return out


def run_linux_once(arch, cpus, binary, workload, workers, iters):
    """The same program as the first process of Debian's Linux in the same QEMU machine.
    Its arguments follow "--" on the command line; when it returns, Linux panics
    (init exited) and panic=-1 ends the VM."""
    kernel = deps.reference_linux(arch, os.path.join(BUILD, "linux-ref"))
    console = "ttyS0" if arch == "x86_64" else "ttyAMA0"
    # kpti=0: arm64's KASLR would force page-table isolation on even with mitigations=off.
    cmdline = "console=%s quiet panic=-1 mitigations=off kpti=0 nokaslr rdinit=/init -- %s %d %d" % (
        console, workload, workers, iters)
    cmd = qemu.command(arch, "512M", linux_initrd(arch, binary), cmdline, ["-serial", "stdio"], kernel=kernel,
                       cpus=cpus)
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace", timeout=600)
    except subprocess.TimeoutExpired:
        sys.stderr.write("bench: Linux %s %s timed out\n" % (arch, workload))
        return None
    m = re.search(r"^%s %d %d ([0-9.]+)\r?$" % (workload, workers, iters), r.stdout, re.M)
    if not m:
        sys.stderr.write("bench: Linux %s %s gave no result:\n%s\n" % (arch, workload, r.stdout[-2000:]))
        return None
    return float(m.group(1))


def best(arch, cpus, binary, workload, workers, iters, runs, linux=False):
    once = run_linux_once if linux else run_once
    times = [t for t in (once(arch, cpus, binary, workload, workers, iters) for _ in range(runs)) if t]
    return min(times) if times else None


def fmt(v, spec):
    return spec % v if v else "-"


def main(args):
    arches = args.arch or ["x86_64"]
    rows = []
    for arch in arches:
        binary = build_scale(arch)
        for name, iters in WORKLOADS:
            if args.only and name not in args.only.split(","):
                continue
            row = [arch, name, iters]
            for linux in ([False, True] if args.linux else [False]):
                one = best(arch, 1, binary, name, 1, iters, args.runs, linux)
                many = best(arch, args.cpus, binary, name, args.cpus, iters, args.runs, linux)
                row += [one, many, many / one if one and many else None]
            rows.append(row)
            print("%-8s %-8s iters %-7d" % (arch, name, iters) + "".join(
                "   %s: 1 worker/1 CPU %s s, %d workers/%d CPUs %s s, ratio %s" % (
                    who, fmt(row[i], "%.3f"), args.cpus, args.cpus, fmt(row[i + 1], "%.3f"), fmt(row[i + 2], "%.2f"))
                for who, i in (("LevitateOS", 3), ("Linux", 6)) if i < len(row)), flush=True)
    print()
    head = "| arch | workload | iterations per worker | 1 worker, 1 CPU (s) | %d workers, %d CPUs (s) | ratio |" % (
        args.cpus, args.cpus)
    if args.linux:
        head += " Linux: 1 worker, 1 CPU (s) | Linux: %d workers, %d CPUs (s) | Linux: ratio |" % (args.cpus, args.cpus)
    print(head)
    print("|---" * head.count("|", 1) + "|")
    for row in rows:
        print("| %s | %s | %d |" % tuple(row[:3]) + "".join(
            " %s | %s | %s |" % (fmt(row[i], "%.3f"), fmt(row[i + 1], "%.3f"), fmt(row[i + 2], "%.2f"))
            for i in range(3, len(row), 3)))
    return 0 if all(row[i] for row in rows for i in range(5, len(row), 3)) else 1
