"""The host end of the multiplexed serial line (kernel/console.h).

Guest -> host: 0xFE <channel u8> <length u16 LE> <bytes>; bytes outside frames are log.
Host -> guest: 0xFE <length u8> <bytes>; length 0 is end of file.
"""
import os
import select
import subprocess
import sys
import threading
import time

from lv import reaper

MAGIC = 0xFE
STDOUT, STDERR, LOG, EXIT, PANIC, INFO = 1, 2, 3, 4, 5, 6

FATAL_QEMU_ERRORS = (b"KVM internal error", b"emulation failure", b"Triple fault")

# Exit statuses of `./levitate exec` that are not the program's own.
TIMEOUT_STATUS = 124
PANIC_STATUS = 125
BOOT_FAILURE_STATUS = 126


class Decoder:
    """Splits the serial byte stream into (channel, bytes) pieces. Feed it any chunks;
    frames may straddle chunk boundaries."""

    def __init__(self):
        self.buf = bytearray()

    def feed(self, data):
        self.buf += data
        out = []
        buf = self.buf
        pos = 0
        while pos < len(buf):
            if buf[pos] != MAGIC:
                end = buf.find(MAGIC, pos)
                end = len(buf) if end < 0 else end
                out.append((LOG, bytes(buf[pos:end])))
                pos = end
                continue
            if len(buf) - pos < 4:
                break
            ch = buf[pos + 1]
            n = buf[pos + 2] | (buf[pos + 3] << 8)
            if len(buf) - pos < 4 + n:
                break
            out.append((ch, bytes(buf[pos + 4:pos + 4 + n])))
            pos += 4 + n
        del buf[:pos]
        return out


def encode_input(data):
    """Frames for host -> guest input; empty data gives the end-of-file frame."""
    if not data:
        return bytes([MAGIC, 0])
    return b"".join(bytes([MAGIC, len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, len(data), 255))


def _write_all(fd, data):
    while data:
        n = os.write(fd, data)
        data = data[n:]


class Session:
    """One headless boot: runs QEMU with the serial line on its stdin/stdout, routes
    the channels, and works out the exit status."""

    def __init__(self, argv, log_path, timeout, verbose):
        self.argv = argv
        self.log_path = log_path
        self.timeout = timeout
        self.verbose = verbose
        self.exit_record = None
        self.panic = bytearray()
        self.info = {}
        # Input sent before the guest's UART is set up can be lost (QEMU's PL011 drops its
        # FIFO when the kernel enables it): wait until the guest runs user code.
        self.input_ready = threading.Event()
        self.qemu_stderr = bytearray()
        self.stdout_open = True
        self.qemu_fatal = False
        self.qemu_status = None  # QEMU's own exit status, when it exited by itself

    def _forward_stdin(self, pipe):
        """Send our stdin to the guest, then end of file. A terminal is not forwarded:
        exec is for batch runs, so the guest sees end of file at once."""
        self.input_ready.wait(self.timeout)
        try:
            if not os.isatty(0):
                while True:
                    try:
                        data = os.read(0, 255)
                    except OSError:
                        data = b""
                    if not data:
                        break
                    pipe.write(encode_input(data))
                    pipe.flush()
            pipe.write(encode_input(b""))
            pipe.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass  # QEMU is gone

    def _collect_stderr(self, pipe):
        for chunk in iter(lambda: pipe.read1(65536), b""):
            self.qemu_stderr += chunk
            # QEMU reports these and then sits with the VM stopped: no reason to wait.
            if any(p in self.qemu_stderr for p in FATAL_QEMU_ERRORS):
                self.qemu_fatal = True
            if self.verbose:
                sys.stderr.buffer.write(chunk)
                sys.stderr.flush()

    def _route(self, ch, data, log):
        if ch == STDOUT:
            if self.stdout_open:
                try:
                    _write_all(1, data)
                except BrokenPipeError:
                    self.stdout_open = False  # e.g. `| head`: keep running, drop output
        elif ch == STDERR:
            _write_all(2, data)
        elif ch == EXIT:
            self.exit_record = data.decode(errors="replace").strip()
        elif ch == PANIC:
            self.panic += data
            log.write(data)
        elif ch == INFO:
            text = data.decode(errors="replace").strip()
            key, _, value = text.partition("=")
            self.info[key] = (value, time.monotonic() - self.start)
            if key == "first-user-ns":
                self.input_ready.set()
            log.write(b"[info] " + data + b"\n")
        else:  # LOG, out-of-frame bytes, unknown channels
            log.write(data)
            if self.verbose:
                _write_all(2, data)

    def run(self):
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self.start = time.monotonic()
        try:
            # Its own session: a Ctrl-C on the terminal is for the runner, which ends
            # QEMU itself (lv/reaper.py), as the kernel does if the runner dies.
            qemu = reaper.track(subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                 stderr=subprocess.PIPE, start_new_session=True,
                                                 preexec_fn=reaper.preexec()))
        except OSError as e:
            sys.stderr.write("levitate: cannot start %s: %s\n" % (self.argv[0], e))
            return BOOT_FAILURE_STATUS
        try:
            timed_out, err_thread = self._serve(qemu)
            self._before_stop(qemu, timed_out)
            self.qemu_status = _stop(qemu)
            err_thread.join(timeout=2)
        finally:
            # Every way out (a signal's SystemExit, an exception) ends QEMU.
            if qemu.returncode is None:
                _stop(qemu)
            reaper.untrack(qemu)
        return self._status(timed_out)

    def _serve(self, qemu):
        """Routes QEMU's output until the guest is done. Returns (timed out, the
        thread collecting QEMU's stderr)."""
        threading.Thread(target=self._forward_stdin, args=(qemu.stdin,), daemon=True).start()
        err_thread = threading.Thread(target=self._collect_stderr, args=(qemu.stderr,), daemon=True)
        err_thread.start()
        decoder = Decoder()
        fd = qemu.stdout.fileno()
        deadline = self.start + self.timeout
        # After the exit or panic record the guest powers off or halts; wait briefly.
        grace_deadline = None
        timed_out = False
        with open(self.log_path, "wb") as log:
            while True:
                now = time.monotonic()
                if now >= deadline:
                    timed_out = True
                    break
                if (grace_deadline is not None and now >= grace_deadline) or self.qemu_fatal:
                    break
                if self._tick(now):
                    break
                wait = min(deadline, grace_deadline or deadline, now + 0.25) - now
                ready, _, _ = select.select([fd], [], [], wait)
                if not ready:
                    continue
                data = os.read(fd, 1 << 16)
                if not data:
                    break  # QEMU exited
                for ch, piece in decoder.feed(data):
                    self._route(ch, piece, log)
                if self.panic:
                    grace_deadline = time.monotonic() + 2  # more panic text may follow
                elif grace_deadline is None and self.exit_record is not None:
                    # Output written before the record has arrived already (one serial
                    # line, in order); only a late stderr note or the power-off remain.
                    grace_deadline = time.monotonic() + 1
        return timed_out, err_thread

    # Hooks for sessions that watch the guest (tools/lv/fuzz.py).
    def _tick(self, now):
        """Called at least every 0.25 s; True ends the session (QEMU is stopped)."""
        return False

    def _before_stop(self, qemu, timed_out):
        """Called with QEMU still there (running or paused), before it is stopped."""

    def _status(self, timed_out):
        if self.verbose and "first-user-ns" in self.info:
            value, host_s = self.info["first-user-ns"]
            try:
                guest_ms = int(value) / 1e6
                sys.stderr.write("levitate: first user instruction at %.1f ms (guest clock); "
                                 "reported %.1f ms after QEMU started\n" % (guest_ms, host_s * 1e3))
            except ValueError:
                pass
        if self.panic:
            sys.stderr.write("levitate: kernel panic:\n%s\n" % self.panic.decode(errors="replace").rstrip())
            return PANIC_STATUS
        if self.exit_record is not None:
            kind, _, num = self.exit_record.partition(" ")
            if kind == "exit" and num.strip().lstrip("-").isdigit():
                return int(num) & 0xFF
            if kind == "signal" and num.strip().isdigit():
                return 128 + int(num)
            sys.stderr.write("levitate: malformed exit record %r\n" % self.exit_record)
            return BOOT_FAILURE_STATUS
        if timed_out:
            sys.stderr.write("levitate: timed out after %g s (kernel log: %s)\n" % (self.timeout, self.log_path))
            if self.verbose:
                self._explain()
            return TIMEOUT_STATUS
        how = "" if self.qemu_status is None else " (QEMU exited with status %d%s)" % (
            self.qemu_status, "; with -no-reboot a triple fault or reset looks like this" if self.qemu_status == 0 else "")
        sys.stderr.write("levitate: the guest stopped without reporting an exit status%s\n" % how)
        self._explain()
        return BOOT_FAILURE_STATUS

    def _explain(self):
        said = [line for line in self.qemu_stderr.decode(errors="replace").splitlines()
                if "host doesn't support requested feature" not in line]  # -cpu EPYC under nested KVM
        if said:
            sys.stderr.write("QEMU said:\n%s\n" % "\n".join(said))
        sys.stderr.write(tail(self.log_path, 30))


def tail(path, lines):
    try:
        with open(path, "rb") as f:
            text = f.read().decode(errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    if not text:
        return "(the kernel log %s is empty)\n" % path
    return "last kernel log lines (%s):\n%s\n" % (path, "\n".join(text))


def _stop(qemu):
    """QEMU normally exits by itself after the guest powers off; otherwise end it.
    Returns QEMU's exit status if it exited by itself, else None."""
    status = None
    try:
        status = qemu.wait(timeout=0.5 if qemu.poll() is None else 0)
    except subprocess.TimeoutExpired:
        qemu.terminate()
        try:
            qemu.wait(timeout=3)
        except subprocess.TimeoutExpired:
            qemu.kill()
            qemu.wait()
    for p in (qemu.stdin, qemu.stdout):
        try:
            p.close()
        except OSError:
            pass
    return status
