"""./levitate bench: the scaling benchmark (tests/bench/scale.c). For each workload, one
worker on one CPU, then N workers on N CPUs (N independent processes doing the same
work); the ratio of the times says how well independent work scales (1.0: perfectly).
Each figure is the best of --runs boots, timed inside the guest. Under TCG only ratios
mean anything, not the absolute times."""
import os
import re
import subprocess
import sys

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


def best(arch, cpus, binary, workload, workers, iters, runs):
    times = [t for t in (run_once(arch, cpus, binary, workload, workers, iters) for _ in range(runs)) if t]
    return min(times) if times else None


def main(args):
    arches = args.arch or ["x86_64"]
    rows = []
    for arch in arches:
        binary = build_scale(arch)
        for name, iters in WORKLOADS:
            if args.only and name not in args.only.split(","):
                continue
            one = best(arch, 1, binary, name, 1, iters, args.runs)
            many = best(arch, args.cpus, binary, name, args.cpus, iters, args.runs)
            ratio = many / one if one and many else None
            rows.append((arch, name, iters, one, many, ratio))
            print("%-8s %-8s iters %-7d 1 worker/1 CPU %8s s   %d workers/%d CPUs %8s s   ratio %s" % (
                arch, name, iters, "%.3f" % one if one else "-", args.cpus, args.cpus,
                "%.3f" % many if many else "-", "%.2f" % ratio if ratio else "-"), flush=True)
    print()
    print("| arch | workload | iterations per worker | 1 worker, 1 CPU (s) | %d workers, %d CPUs (s) | ratio |"
          % (args.cpus, args.cpus))
    print("|---|---|---|---|---|---|")
    for arch, name, iters, one, many, ratio in rows:
        print("| %s | %s | %d | %s | %s | %s |" % (arch, name, iters, "%.3f" % one if one else "-",
                                                 "%.3f" % many if many else "-", "%.2f" % ratio if ratio else "-"))
    return 0 if all(r[5] for r in rows) else 1
