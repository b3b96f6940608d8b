#!/usr/bin/env python3
"""Debian's stress-ng in LevitateOS at --smp 4: a multi-threaded program nobody here wrote
(issue 7's check), run with --verify over stressors of the SMP core (fork, clone and
pthreads, futexes, pipes, signals, timers, context switches, memory mappings). Passes
when stress-ng reports a successful run (exit status 0); a hang, a panic or a failed
stressor fails it.

    tools/stress_ng_test.py ARCH

The program and its shared libraries come from Debian's packages: x86_64 from the host's
own installed stress-ng (installed if missing), aarch64 from the same packages for
arm64, fetched once with `apt-get download` into build/stress-ng/aarch64 and unpacked
there. Each file is added to the guest's initramfs at its own path (`levitate exec --add`).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lv import deps  # noqa: E402
from lv.paths import BUILD, ROOT  # noqa: E402

STRESSORS = ["--fork", "2", "--clone", "1", "--vfork", "2", "--pthread", "2", "--futex", "2", "--pipe", "2",
             "--switch", "2", "--sigq", "2", "--kill", "2", "--mcontend", "2", "--mmapmany", "1",
             "--mremap", "1", "--malloc", "2", "--brk", "2", "--timerfd", "2", "--eventfd", "2",
             "--poll", "2", "--sem", "2", "--yield", "2"]


def host_closure():
    """(host file, guest path) for /usr/bin/stress-ng and every library ldd names."""
    out = subprocess.run(["ldd", "/usr/bin/stress-ng"], stdout=subprocess.PIPE, text=True, check=True).stdout
    files = ["/usr/bin/stress-ng"]
    for line in out.splitlines():
        parts = line.split()
        if "=>" in parts and len(parts) >= 3 and parts[2].startswith("/"):
            files.append(parts[2])
        elif parts and parts[0].startswith("/"):
            files.append(parts[0])  # the dynamic loader
    return [(os.path.realpath(f), f) for f in files]


def host_packages():
    """The Debian packages the host's stress-ng and its libraries come from."""
    pkgs = set()
    for real, path in host_closure():
        for f in (path, real):
            r = subprocess.run(["dpkg", "-S", f], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            if r.returncode == 0:
                pkgs.add(r.stdout.split(":")[0])
                break
    return sorted(pkgs)


def needed(path):
    out = subprocess.run(["aarch64-linux-gnu-readelf", "-d", path], stdout=subprocess.PIPE, text=True).stdout
    return [line.split("[")[1].split("]")[0] for line in out.splitlines() if "(NEEDED)" in line]


def arm64_closure():
    """(host file, guest path) for the arm64 stress-ng and its libraries, unpacked once."""
    base = os.path.join(BUILD, "stress-ng", "aarch64")
    root = os.path.join(base, "root")
    if not os.path.exists(os.path.join(root, "usr", "bin", "stress-ng")):
        debs = os.path.join(base, "debs")
        os.makedirs(debs, exist_ok=True)
        for pkg in host_packages():
            d = os.path.join(debs, pkg)
            os.makedirs(d, exist_ok=True)
            if not any(f.endswith(".deb") for f in os.listdir(d)):
                # Some amd64 libraries have no arm64 build (libipsec-mb1): the arm64
                # stress-ng does not need them, which the closure below checks.
                r = subprocess.run(["apt-get", "download", "-q", pkg + ":arm64"], cwd=d, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
                if r.returncode != 0:
                    continue
            for f in os.listdir(d):
                if f.endswith(".deb"):
                    subprocess.check_call(["dpkg-deb", "-x", os.path.join(d, f), root])
    dirs = ["lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu"]
    todo, seen, result = ["usr/bin/stress-ng"], set(), []
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        real = os.path.realpath(os.path.join(root, rel))
        result.append((real, "/" + rel))
        for lib in needed(real):
            found = [os.path.join(d, lib) for d in dirs if os.path.exists(os.path.join(root, d, lib))]
            if not found:
                sys.exit("stress-ng: %s is not in the arm64 packages" % lib)
            todo.append(found[0])
    loader = "lib/ld-linux-aarch64.so.1"
    result.append((os.path.realpath(os.path.join(root, loader)), "/" + loader))
    return result


def main():
    arch = sys.argv[1]
    deps.ensure("tests")  # the host's stress-ng: its package list, and x86_64's files
    if arch == "aarch64":
        deps.ensure("userland-aarch64")  # aarch64-linux-gnu-readelf
        if deps.enable_arm64():
            deps.apt_update()
        files = arm64_closure()
    else:
        files = host_closure()
    cmd = [os.path.join(ROOT, "levitate"), "exec", "--arch", arch, "--smp", "4", "--timeout", "300"]
    for real, path in files:
        cmd += ["--add", "%s:%s" % (real, path)]
    cmd += ["--", "/usr/bin/stress-ng", "--temp-path", "/tmp", "--timeout", "5s", "--verify", "--metrics-brief"]
    cmd += STRESSORS
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace")
    ok = r.returncode == 0 and "successful run completed" in r.stdout
    sys.stdout.write(r.stdout[-6000:])
    print("stress-ng on %s at --smp 4: %s (exit %d)" % (arch, "passed" if ok else "FAILED", r.returncode))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
