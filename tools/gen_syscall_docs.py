#!/usr/bin/env python3
"""Generate docs/syscalls.md: the status of every syscall LevitateOS cares about.

Rows: every syscall of the seed list (docs/syscall-seed.md) plus every Linux syscall
that has a handler. For each: its number on x86_64 and aarch64 (from
arch/<arch>/include/arch/syscall_numbers.inc), whether a handler exists (the X(name)
entries of the lists that LV_ALL_SYSCALLS in syscalls/all.h names, found in
syscalls/*.h and arch/<arch>/include/arch/syscalls.h), and which user tests exercise
it (`// SYSCALLS: a, b` in tests/user/*.c, for the arches the test is built for).

  python3 tools/gen_syscall_docs.py          rewrite docs/syscalls.md
  python3 tools/gen_syscall_docs.py --check  exit 1 if docs/syscalls.md is stale
  python3 tools/gen_syscall_docs.py --committed
      rewrite it from the committed tree (git HEAD), ignoring uncommitted work in a
      shared checkout: what CI's clean clone will check against
"""
import argparse
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARCHES = ("x86_64", "aarch64")
OUT = os.path.join(ROOT, "docs", "syscalls.md")


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def numbers(arch):
    text = read(os.path.join(ROOT, "arch", arch, "include", "arch", "syscall_numbers.inc"))
    return {name: int(n) for n, name in re.findall(r"^NR\((\d+),\s*(\w+)\)", text, re.M)}


def macro_bodies(text):
    """name -> body of every function-like #define, backslash continuations joined."""
    text = re.sub(r"\\\n", " ", text)
    return {m.group(1): m.group(2) for m in re.finditer(r"^\s*#define\s+(\w+)\(X\)(.*)$", text, re.M)}


def handlers(arch):
    """(Linux names with a handler on arch, {number: name} of LevitateOS's own calls)."""
    macros = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "syscalls", "*.h"))):
        macros.update(macro_bodies(read(path)))
    arch_h = os.path.join(ROOT, "arch", arch, "include", "arch", "syscalls.h")
    if os.path.exists(arch_h):
        macros.update(macro_bodies(read(arch_h)))
    # Only the lists LV_ALL_SYSCALLS names are dispatched.
    used = re.findall(r"(\w+)\(X\)", macros.get("LV_ALL_SYSCALLS", ""))
    names = set()
    for lst in used:
        names.update(re.findall(r"\bX\(\s*(\w+)\s*\)", macros.get(lst, "")))
    custom = {int(n): name for n, name in re.findall(r"\bX\(\s*(\d+)\s*,\s*(\w+)\s*\)",
                                                       macros.get("LV_CUSTOM_SYSCALLS", ""))}
    return names, custom


def tests():
    """syscall name -> arch -> sorted test names."""
    out = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "user", "*.c"))):
        text = read(path)
        name = os.path.splitext(os.path.basename(path))[0]
        arch_line = re.search(r"^//\s*ARCH:(.*)$", text, re.M)
        arches = arch_line.group(1).replace(",", " ").split() if arch_line else ARCHES
        for line in re.findall(r"^//\s*SYSCALLS:(.*)$", text, re.M):
            for sc in re.split(r"[,\s]+", line.strip()):
                if sc:
                    for a in arches:
                        out.setdefault(sc, {}).setdefault(a, set()).add(name)
    return out


def seed():
    """[(group, [(name, note)])] from docs/syscall-seed.md, each name once."""
    groups, seen = [], set()
    for line in read(os.path.join(ROOT, "docs", "syscall-seed.md")).splitlines():
        if line.startswith("## "):
            groups.append((line[3:].strip(), []))
        elif groups and (m := re.match(r"^([a-z_0-9]+) \| (.*)$", line)) and m.group(1) not in seen:
            seen.add(m.group(1))
            groups[-1][1].append((m.group(1), m.group(2).strip()))
    return groups


def generate():
    nums = {a: numbers(a) for a in ARCHES}
    impl, custom = {}, {}
    for a in ARCHES:
        impl[a], custom[a] = handlers(a)
    tested = tests()

    def status(name, arch):
        if name not in nums[arch]:
            return "—"
        if name not in impl[arch]:
            return "ENOSYS"
        return "implemented+tested" if tested.get(name, {}).get(arch) else "implemented"

    def row(name, note):
        cells = [name]
        cells += [str(nums[a][name]) if name in nums[a] else "—" for a in ARCHES]
        cells += [status(name, a) for a in ARCHES]
        t = sorted(set().union(*tested.get(name, {}).values())) if name in tested else []
        cells.append(", ".join(t))
        cells.append(note)
        return "| " + " | ".join(cells) + " |"

    header = ("| Syscall | x86_64 | aarch64 | x86_64 status | aarch64 status | Tests | Notes |\n"
              "|---------|-------:|--------:|---------------|----------------|-------|-------|")
    groups = seed()
    listed = {n for _, rows in groups for n, _ in rows}
    extra = sorted((set(impl["x86_64"]) | set(impl["aarch64"])) - listed)
    if extra:
        groups.append(("Other syscalls with a handler", [(n, "") for n in extra]))

    counts = {a: {} for a in ARCHES}
    for _, rows in groups:
        for n, _ in rows:
            for a in ARCHES:
                s = status(n, a)
                counts[a][s] = counts[a].get(s, 0) + 1

    out = ["# Syscall status",
           "",
           "Generated by `tools/gen_syscall_docs.py` from the syscall number tables, the handler",
           "lists (`syscalls/*.h`, `arch/<arch>/include/arch/syscalls.h`) and the `// SYSCALLS:` lines",
           "of the user tests; `./levitate test` checks that it is up to date. Do not edit by hand:",
           "run `python3 tools/gen_syscall_docs.py`.",
           "",
           "Status per architecture: **implemented+tested** (a handler, and a user test that",
           "exercises it on that architecture), **implemented** (a handler), **ENOSYS** (no",
           "handler: the call fails with ENOSYS), **—** (the architecture has no such syscall;",
           "aarch64 has only the `*at` and `clone` forms of the legacy calls).",
           "",
           "| | " + " | ".join(ARCHES) + " |",
           "|---|" + "---:|" * len(ARCHES)]
    for s in ("implemented+tested", "implemented", "ENOSYS", "—"):
        out.append("| %s | %s |" % (s, " | ".join(str(counts[a].get(s, 0)) for a in ARCHES)))
    for title, rows in groups:
        out += ["", "## " + title, "", header]
        out += [row(n, note) for n, note in rows]
    allcustom = sorted(set(custom["x86_64"].items()) | set(custom["aarch64"].items()))
    if allcustom:
        out += ["", "## LevitateOS's own syscalls", "",
                "Same number on both architectures; see docs/custom-syscalls.md.", "",
                "| Number | Name | Tests |", "|-------:|------|-------|"]
        for n, name in allcustom:
            t = sorted(set().union(*tested.get(name, {}).values())) if name in tested else []
            out.append("| %d | %s | %s |" % (n, name, ", ".join(t)))
    return "\n".join(out) + "\n"


def from_head():
    """Run this generator on an export of HEAD and copy its output here."""
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", ROOT, "archive", "HEAD"], stdout=subprocess.PIPE, check=True)
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        subprocess.run([sys.executable, os.path.join(tmp, "tools", "gen_syscall_docs.py")], check=True)
        with open(os.path.join(tmp, "docs", "syscalls.md")) as f:
            text = f.read()
    with open(OUT, "w") as f:
        f.write(text)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true", help="fail if docs/syscalls.md is not up to date")
    p.add_argument("--committed", action="store_true", help="generate from git HEAD, not the work tree")
    args = p.parse_args()
    if args.committed:
        return from_head()
    text = generate()
    if args.check:
        current = read(OUT) if os.path.exists(OUT) else ""
        if current != text:
            print("docs/syscalls.md is out of date: run python3 tools/gen_syscall_docs.py and commit it")
            return 1
        print("docs/syscalls.md is up to date")
        return 0
    with open(OUT, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
