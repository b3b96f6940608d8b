#!/usr/bin/env python3
"""Stands in for QEMU + kernel in the runner's tests: speaks the guest side of the
serial protocol (kernel/console.h) on stdin/stdout. The scenario is argv[1]."""
import os
import struct
import sys
import time

out = sys.stdout.buffer


def frame(ch, data):
    for i in range(0, len(data), 0xFFFF):
        chunk = data[i:i + 0xFFFF]
        out.write(bytes([0xFE, ch]) + struct.pack("<H", len(chunk)) + chunk)
    out.flush()


def read_stdin():
    """Host -> guest frames until the EOF frame."""
    data = bytearray()
    while True:
        hdr = sys.stdin.buffer.read(2)
        if len(hdr) < 2 or hdr[0] != 0xFE:
            raise SystemExit("bad input frame %r" % hdr)
        if hdr[1] == 0:
            return bytes(data)
        data += sys.stdin.buffer.read(hdr[1])


def main():
    scenario = sys.argv[1]
    out.write(b"early boot text outside frames\n")
    frame(3, b"[log] kernel up\n")
    frame(6, b"first-user-ns=1234567")
    if scenario == "echo":
        data = read_stdin()
        frame(1, data.upper())
        frame(2, b"to stderr\n")
        frame(4, b"exit 3")
    elif scenario == "big":
        blob = bytes((i * 131 + (i >> 8)) & 0xFF for i in range(300000))
        frame(1, blob)
        frame(4, b"exit 0")
    elif scenario == "signal":
        frame(4, b"signal 11")
    elif scenario == "panic":
        frame(5, b"panic: something broke\n")
        frame(5, b"  #0 some_function+0x10\n")
        time.sleep(60)  # the kernel halts; the runner must stop QEMU itself
    elif scenario == "hang":
        time.sleep(60)
    elif scenario == "noexit":
        frame(1, b"partial")
        return  # QEMU exits without an exit record
    elif scenario == "split":
        # A frame split across writes, byte by byte.
        data = bytes([0xFE, 1]) + struct.pack("<H", 5) + b"hello" + bytes([0xFE, 4, 6, 0]) + b"exit 0"
        for b in data:
            out.write(bytes([b]))
            out.flush()
    if scenario != "noexit":
        time.sleep(0.05)


main()
