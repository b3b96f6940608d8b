#!/usr/bin/env python3
"""End-to-end tests of the interactive console: `./levitate run` in a pseudo-terminal,
typed at as a user would.

  console.py --arch A ctrlc   `sleep 100` at the shell, then ^C: the tty's signal
                              character reaches the foreground group at once (through
                              the work thread: kernel/work.h), the shell reports the
                              kill and takes the next command.
  console.py --arch A paste   11400 bytes typed into `cat > /tmp/x` in one burst, more
                              than the console's 4 KiB input ring: the UART's flow
                              control holds the rest, and every line arrives, in order.

Exit status 0 on success; the reason for a failure is printed.
"""
import argparse
import os
import pty
import re
import select
import signal
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROMPT = rb"[#$] (\x1b\[6n)?$"  # busybox ash asks for the cursor position after it


class Console:
    def __init__(self, arch):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(ROOT)
            os.execvp("./levitate", ["./levitate", "run", "--arch", arch])
        self.out = b""

    def expect(self, pattern, timeout):
        """Reads until `pattern` matches what arrived since the last send; False on timeout."""
        end = time.time() + timeout
        while time.time() < end:
            if re.search(pattern, self.out):
                return True
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    return False
                if not data:
                    return False
                self.out += data
        return bool(re.search(pattern, self.out))

    def send(self, data):
        self.out = b""
        os.write(self.fd, data)

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass


def fail(con, why):
    print("FAIL: %s; the console's last output: %r" % (why, con.out[-400:]))
    return 1


def ctrlc(con):
    con.send(b"sleep 100\r")
    time.sleep(2)  # the shell has started it and waits
    start = time.time()
    con.send(b"\x03")
    if not con.expect(PROMPT, 10):
        return fail(con, "no prompt after ^C")
    took = time.time() - start
    if b"signal 2" not in con.out:
        return fail(con, "the shell did not report SIGINT")
    if took > 5:
        return fail(con, "^C took %.1f s" % took)
    con.send(b"uname -s\r")
    if not con.expect(rb"\nLinux\r", 10):
        return fail(con, "the shell did not run the next command")
    print("ok: ^C ended sleep in %.2f s" % took)
    return 0


def paste(con):
    con.send(b"sh\r")
    if not con.expect(PROMPT, 10):
        return fail(con, "no sh prompt")
    con.send(b"cat > /tmp/x\r")
    time.sleep(1)
    lines = b"".join(b"line %05d abcdefghijklmnopqrstuvwxyz\r" % i for i in range(300))
    con.send(lines)  # one burst: far more than the input ring holds
    con.expect(rb"line 00299 abcdefghijklmnopqrstuvwxyz\r?\n", 60)  # echoed back
    time.sleep(1)
    con.send(b"\x04")
    if not con.expect(PROMPT, 20):
        return fail(con, "no prompt after ^D")
    con.send(b"wc -lc < /tmp/x; sort -c /tmp/x && echo IN-ORDER\r")
    if not con.expect(rb"\s300\s+11400\s+IN-ORDER", 20):
        return fail(con, "the file does not hold the 300 lines in order")
    print("ok: 300 lines, 11400 bytes, in order")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True, choices=["x86_64", "aarch64"])
    ap.add_argument("case", choices=["ctrlc", "paste"])
    args = ap.parse_args()
    con = Console(args.arch)
    try:
        if not con.expect(PROMPT, 180):
            return fail(con, "no shell prompt after boot")
        return {"ctrlc": ctrlc, "paste": paste}[args.case](con)
    finally:
        con.close()


if __name__ == "__main__":
    sys.exit(main())
