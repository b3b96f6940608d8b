#!/usr/bin/env python3
"""A power cut after fsync or sync: nothing synced may be lost.

  powercut.py --arch A fsync   the file is written by `dd conv=fsync` (fsync(2) before
                               dd exits)
  powercut.py --arch A sync    the file is written by `cat`, then `sync` runs

Boots LevitateOS with a fresh ext2 image (1 KiB blocks) as /dev/vda and, in busybox's
shell, mounts it, writes the file, prints a marker and sleeps. As soon as the marker
arrives, QEMU is killed (SIGKILL: no shutdown, no write-back after that point). Then, on
the host, `e2fsck -fn` must find the image consistent and the file must hold exactly
what was written (read back with debugfs).

Exit status 0 on success; the reason for a failure is printed.
"""
import argparse
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pattern(seed, size):
    out = bytearray(size)
    x = seed
    for i in range(size):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out[i] = (x >> 16) & 0xFF
    return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True)
    ap.add_argument("case", choices=["fsync", "sync"])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        image = os.path.join(tmp, "disk.img")
        with open(image, "wb") as f:
            f.truncate(32 << 20)
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", image], check=True)
        files = {"data": pattern(1 if args.case == "fsync" else 2, 300 * 1024 + 123)}
        for name, data in files.items():
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
        write = ("dd if=/data of=/mnt/data bs=4096 conv=fsync 2>/dev/null" if args.case == "fsync"
                 else "cat /data > /mnt/data && sync")
        script = "mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && %s && echo POWER-CUT-NOW && sleep 600" % write
        cmd = ["./levitate", "exec", "--arch", args.arch, "--timeout", "300", "--disk", image,
               "--add", "%s:/data" % os.path.join(tmp, "data"), "--", "/bin/busybox", "sh", "-c", script]
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        out = b""
        end = time.time() + 240
        cut = False
        while time.time() < end:
            ready, _, _ = select.select([p.stdout], [], [], 0.5)
            if ready:
                data = os.read(p.stdout.fileno(), 65536)
                if not data:
                    break
                out += data
                if b"POWER-CUT-NOW" in out:
                    os.killpg(p.pid, signal.SIGKILL)  # levitate and its QEMU: the power goes
                    cut = True
                    break
        if not cut:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        if not cut:
            print("no marker from the guest:\n%s" % out.decode(errors="replace")[-3000:])
            return 1
        fsck = subprocess.run(["e2fsck", "-fn", image], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if fsck.returncode != 0:
            print("e2fsck -fn after the power cut (status %d):\n%s" % (fsck.returncode, fsck.stdout.decode(errors="replace")))
            return 1
        for name, data in files.items():
            dump = os.path.join(tmp, name + ".back")
            subprocess.run(["debugfs", "-R", "dump /%s %s" % (name, dump), image], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            got = open(dump, "rb").read() if os.path.exists(dump) else b""
            if got != data:
                print("/%s after the power cut: %d bytes, want %d%s" % (name, len(got), len(data),
                      "" if len(got) != len(data) else " (contents differ)"))
                return 1
    print("power cut after %s on %s: e2fsck clean, the data intact" % (args.case, args.arch))
    return 0


if __name__ == "__main__":
    sys.exit(main())
