#!/usr/bin/env python3
"""Clang's thread-safety analysis over the whole kernel of one architecture.

The kernel is built with GCC; this compiles every kernel source again with clang,
syntax only, with -Wthread-safety as the only warning and an error, so that every
access to data marked LV_GUARDED_BY without its lock, and every lock taken or given up
against a function's LV_REQUIRES/LV_ACQUIRE/LV_RELEASE, fails the check
(kernel/sync/annotations.h). Usage: thread_safety_check.py x86_64|aarch64
"""
import concurrent.futures
import glob
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = {
    "x86_64": ["--target=x86_64-linux-gnu", "-mcmodel=kernel", "-mno-red-zone", "-mgeneral-regs-only"],
    "aarch64": ["--target=aarch64-linux-gnu", "-mgeneral-regs-only"],
}


def sources(arch):
    """What CMakeLists.txt's KERNEL_SOURCES glob takes (the .cpp files)."""
    out = []
    for top in ("lib/src", "kernel", "mm", "fs", "net", "syscalls", "drivers", "arch/" + arch):
        out += glob.glob(os.path.join(ROOT, top, "**", "*.cpp"), recursive=True)
    return sorted(out)


def check(arch, path):
    cmd = ["clang++"] + TARGET[arch] + [
        "-std=gnu++20", "-ffreestanding", "-fno-exceptions", "-fno-rtti", "-fsyntax-only",
        "-I" + ROOT, "-I" + os.path.join(ROOT, "lib/include"), "-I" + os.path.join(ROOT, "abi/include"),
        "-I" + os.path.join(ROOT, "arch/include"), "-I" + os.path.join(ROOT, "arch", arch, "include"),
        "-ferror-limit=0", "-Wno-everything", "-Wthread-safety", "-Werror=thread-safety", path]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.returncode, r.stdout


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in TARGET:
        sys.stderr.write("usage: thread_safety_check.py x86_64|aarch64\n")
        return 2
    arch = sys.argv[1]
    files = sources(arch)
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        for path, (rc, out) in zip(files, ex.map(lambda p: check(arch, p), files)):
            if rc:
                failed += 1
                sys.stdout.write(out)
    print("thread-safety (%s): %d sources, %d failed" % (arch, len(files), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
