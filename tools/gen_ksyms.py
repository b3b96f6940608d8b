#!/usr/bin/env python3
"""Write the kernel symbol table (assembly) from the text symbols of a linked kernel.

Usage: gen_ksyms.py NM KERNEL_ELF OUT.S

Layout read by kernel/symbols.cpp:
  ksym_count: u64
  ksym_table: {u64 address; u64 name_offset}[count], sorted by address
  ksym_names: NUL-terminated demangled names
"""
import subprocess
import sys

nm, elf, out = sys.argv[1:4]
lines = subprocess.run([nm, "-C", "-n", "--defined-only", elf], check=True,
                       capture_output=True, text=True).stdout.splitlines()
syms = []
for line in lines:
    parts = line.split(" ", 2)
    if len(parts) < 3 or parts[1] not in ("T", "t", "W", "w"):
        continue
    syms.append((int(parts[0], 16), parts[2]))

names = bytearray()
table = []
for addr, name in syms:
    table.append((addr, len(names)))
    names += name.encode() + b"\0"

with open(out, "w") as f:
    f.write('.section .ksyms,"a"\n.balign 8\n.globl ksym_count\nksym_count: .quad %d\n' % len(table))
    f.write(".globl ksym_table\nksym_table:\n")
    for addr, off in table:
        f.write(".quad 0x%x, %d\n" % (addr, off))
    f.write(".globl ksym_names\nksym_names:\n")
    for i in range(0, len(names), 64):
        f.write(".byte " + ",".join(str(b) for b in names[i:i + 64]) + "\n")
