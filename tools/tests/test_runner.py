"""Tests of the runner's host side without a kernel: the serial framing, a whole
exec session against a fake guest (fake_guest.py), the initramfs writer, and that no
way of ending the runner leaves its guest running (with the real kernel and QEMU too,
when they are built)."""
import hashlib
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from lv import initramfs, mux, qemu  # noqa: E402
from lv.paths import kernel_image, userland_dir  # noqa: E402

SESSION_SCRIPT = r"""
import sys
sys.path.insert(0, %r)
from lv import mux, reaper
reaper.install_signal_handlers()  # as tools/levitate.py does
if sys.argv[1] == "hang-then-raise":  # an exception while the guest runs
    def feed(self, data):
        raise RuntimeError("a bug in the runner")
    mux.Decoder.feed = feed
    sys.argv[1] = "hang"
s = mux.Session([sys.executable, %r, sys.argv[1]], sys.argv[2], float(sys.argv[3]), len(sys.argv) > 4)
sys.exit(s.run())
"""


def session(scenario, stdin=b"", timeout=20, verbose=False):
    """Runs a Session in a child process (it writes to fds 1 and 2 directly)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "boot.log")
        script = SESSION_SCRIPT % (os.path.dirname(HERE), os.path.join(HERE, "fake_guest.py"))
        cmd = [sys.executable, "-c", script, scenario, log, str(timeout)] + (["-v"] if verbose else [])
        r = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        with open(log, "rb") as f:
            return r.returncode, r.stdout, r.stderr, f.read()


class Framing(unittest.TestCase):
    def test_decoder_splits_channels_and_log(self):
        d = mux.Decoder()
        data = b"raw" + bytes([0xFE, 1, 2, 0]) + b"hi" + bytes([0xFE, 3, 1, 0]) + b"L"
        self.assertEqual(d.feed(data), [(3, b"raw"), (1, b"hi"), (3, b"L")])

    def test_decoder_byte_at_a_time(self):
        d = mux.Decoder()
        data = bytes([0xFE, 2, 3, 0]) + b"\xfe\x00\xff"
        got = []
        for b in data:
            got += d.feed(bytes([b]))
        self.assertEqual(got, [(2, b"\xfe\x00\xff")])

    def test_decoder_long_frame(self):
        payload = bytes(range(256)) * 200
        data = bytes([0xFE, 1]) + len(payload).to_bytes(2, "little") + payload
        d = mux.Decoder()
        got = d.feed(data[:1000]) + d.feed(data[1000:])
        self.assertEqual(got, [(1, payload)])

    def test_encode_input(self):
        self.assertEqual(mux.encode_input(b""), b"\xfe\x00")
        self.assertEqual(mux.encode_input(b"ab"), b"\xfe\x02ab")
        enc = mux.encode_input(b"x" * 300)
        self.assertEqual(enc[:2], b"\xfe\xff")
        self.assertEqual(enc[257:259], b"\xfe\x2d")
        self.assertEqual(len(enc), 304)


class Session(unittest.TestCase):
    def test_echo_stdin_stdout_stderr_exit(self):
        rc, out, err, log = session("echo", stdin=b"hello guest\n" * 100)
        self.assertEqual(rc, 3)
        self.assertEqual(out, b"HELLO GUEST\n" * 100)
        self.assertIn(b"to stderr\n", err)
        self.assertIn(b"early boot text", log)
        self.assertIn(b"[log] kernel up", log)
        self.assertNotIn(b"kernel up", out)

    def test_large_binary_stdin(self):
        data = bytes((i * 7 + (i >> 9)) & 0xFF for i in range(200000))
        rc, out, _, _ = session("echo", stdin=data)
        self.assertEqual(rc, 3)
        self.assertEqual(out, data.upper())

    def test_big_binary_output(self):
        rc, out, err, _ = session("big")
        self.assertEqual(rc, 0)
        expected = bytes((i * 131 + (i >> 8)) & 0xFF for i in range(300000))
        self.assertEqual(hashlib.sha256(out).digest(), hashlib.sha256(expected).digest())

    def test_signal_status(self):
        rc, _, _, _ = session("signal")
        self.assertEqual(rc, 128 + 11)

    def test_panic(self):
        rc, _, err, log = session("panic")
        self.assertEqual(rc, mux.PANIC_STATUS)
        self.assertIn(b"something broke", err)
        self.assertIn(b"some_function", err)

    def test_timeout(self):
        rc, _, err, _ = session("hang", timeout=1)
        self.assertEqual(rc, mux.TIMEOUT_STATUS)
        self.assertIn(b"timed out", err)

    def test_no_exit_record(self):
        rc, out, err, _ = session("noexit")
        self.assertEqual(rc, mux.BOOT_FAILURE_STATUS)
        self.assertEqual(out, b"partial")

    def test_split_frames(self):
        rc, out, _, _ = session("split")
        self.assertEqual((rc, out), (0, b"hello"))

    def test_verbose_reports_first_user_instruction(self):
        rc, _, err, _ = session("signal", verbose=True)
        self.assertIn(b"first user instruction at 1.2 ms", err)
        self.assertIn(b"kernel up", err)


def children(pid):
    """{pid: command line} of the live (not zombie) children of pid."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out[int(entry)] = cmdline
    return out


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class NoGuestLeftBehind(unittest.TestCase):
    """However the runner ends, its QEMU (here the fake guest) ends too."""

    def start(self, scenario="hang"):
        script = SESSION_SCRIPT % (os.path.dirname(HERE), os.path.join(HERE, "fake_guest.py"))
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        runner = subprocess.Popen([sys.executable, "-c", script, scenario, os.path.join(self.tmp.name, "log"), "60"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addCleanup(runner.stderr.close)
        self.addCleanup(lambda: runner.poll() is None and runner.kill())
        guest = wait_for(lambda: [p for p, cmd in children(runner.pid).items() if "fake_guest.py" in cmd],
                         20, "the fake guest to start")[0]
        self.addCleanup(lambda: alive(guest) and os.kill(guest, signal.SIGKILL))
        return runner, guest

    def ended_by(self, sig):
        runner, guest = self.start()
        time.sleep(0.3)  # let the session settle into its loop
        runner.send_signal(sig)
        rc = runner.wait(timeout=20)
        wait_for(lambda: not alive(guest), 10, "the guest to end after the runner's %s" % sig.name)
        return rc

    def test_sigterm(self):
        self.assertEqual(self.ended_by(signal.SIGTERM), 128 + signal.SIGTERM)

    def test_sigint(self):
        self.assertEqual(self.ended_by(signal.SIGINT), 128 + signal.SIGINT)

    def test_sighup(self):
        self.assertEqual(self.ended_by(signal.SIGHUP), 128 + signal.SIGHUP)

    def test_sigkill_of_the_runner(self):
        # Nothing runs in the runner: PR_SET_PDEATHSIG has the kernel end the guest.
        self.assertEqual(self.ended_by(signal.SIGKILL), -signal.SIGKILL)

    def test_exception(self):
        runner, guest = self.start("hang-then-raise")
        rc = runner.wait(timeout=20)
        self.assertNotEqual(rc, 0)
        self.assertIn(b"a bug in the runner", runner.stderr.read())
        wait_for(lambda: not alive(guest), 10, "the guest to end after an exception")


def built(arch):
    return os.path.exists(kernel_image(arch)) and os.path.exists(os.path.join(userland_dir(arch), "busybox"))


class NoQemuLeftBehind(unittest.TestCase):
    """`./levitate exec` with the real kernel: ended by a signal while its program runs,
    it leaves no QEMU behind. Skipped when the kernel is not built."""
    LEVITATE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "levitate")

    def launch(self, arch, prefix=()):
        """Starts `[prefix...] ./levitate exec` of a program that prints a line and sleeps;
        returns (the process started, QEMU's pid) once the program runs."""
        if not built(arch):
            self.skipTest("the %s kernel is not built" % arch)
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        env = dict(os.environ, LEVITATE_PREPARED="1", LEVITATE_BOOT_LOG=os.path.join(tmp.name, "boot.log"))
        top = subprocess.Popen(list(prefix) + [self.LEVITATE, "exec", "--arch", arch, "--timeout", "200", "--",
                                               "/bin/busybox", "sh", "-c", "echo started; sleep 100"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.addCleanup(top.stdout.close)
        self.addCleanup(top.stderr.close)
        self.addCleanup(lambda: top.poll() is None and top.kill())

        def find_qemu():
            # QEMU is the runner's child; the runner is `top` or (with a prefix) its child.
            for pid in [top.pid] + list(children(top.pid)):
                found = [p for p, cmd in children(pid).items() if cmd.startswith("qemu-system")]
                if found:
                    return found
            return None
        qemus = wait_for(find_qemu, 60, "QEMU to start")
        self.assertEqual(len(qemus), 1)
        qemu_pid = qemus[0]
        self.addCleanup(lambda: alive(qemu_pid) and os.kill(qemu_pid, signal.SIGKILL))
        ready, _, _ = select.select([top.stdout], [], [], 120)
        self.assertTrue(ready, "the program did not start")
        self.assertEqual(top.stdout.readline(), b"started\n")
        return top, qemu_pid

    def run_and_end(self, arch, sig):
        runner, qemu_pid = self.launch(arch)
        runner.send_signal(sig)
        rc = runner.wait(timeout=30)
        wait_for(lambda: not alive(qemu_pid), 10, "QEMU to end after the runner's %s" % sig.name)
        return rc

    def test_sigterm_x86_64(self):
        self.assertEqual(self.run_and_end("x86_64", signal.SIGTERM), 128 + signal.SIGTERM)

    def test_sigterm_aarch64(self):
        self.assertEqual(self.run_and_end("aarch64", signal.SIGTERM), 128 + signal.SIGTERM)

    def test_sigkill_x86_64(self):
        self.assertEqual(self.run_and_end("x86_64", signal.SIGKILL), -signal.SIGKILL)

    def test_timeout_command(self):
        # coreutils timeout, as scripts use it: SIGTERM to the runner (and its group).
        top, qemu_pid = self.launch("x86_64", ["timeout", "20"])
        top.send_signal(signal.SIGTERM)  # what timeout does when its time is up, sooner
        self.assertEqual(top.wait(timeout=30), 128 + signal.SIGTERM)
        wait_for(lambda: not alive(qemu_pid), 10, "QEMU to end after timeout's SIGTERM")


def read_newc(path):
    """A minimal newc reader: {name: (mode, data)}."""
    out = {}
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while True:
        hdr = data[pos:pos + 110]
        assert hdr[:6] == b"070701", hdr[:6]
        fields = [int(hdr[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        namesize, size, mode = fields[11], fields[6], fields[1]
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        pos = (pos + 110 + namesize + 3) & ~3
        if name == "TRAILER!!!":
            return out
        out[name] = (mode, data[pos:pos + size])
        pos = (pos + size + 3) & ~3


class Initramfs(unittest.TestCase):
    def test_tree_with_parents_links_modes_and_overrides(self):
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "src")
            os.makedirs(os.path.join(src, "sub"))
            with open(os.path.join(src, "sub", "f"), "wb") as f:
                f.write(b"content")
            os.chmod(os.path.join(src, "sub", "f"), 0o4751)
            os.symlink("sub/f", os.path.join(src, "link"))
            img = initramfs.Initramfs()
            img.mkdir("/tmp", 0o1777)
            img.add_bytes("/etc/x", b"old")
            img.add_bytes("/etc/x", b"new")
            img.add_host(src, "/a/b/c")
            out = os.path.join(tmp, "out.cpio")
            img.write(out)
            entries = read_newc(out)
            self.assertEqual(entries["tmp"][0], 0o41777)
            self.assertEqual(entries["etc/x"][1], b"new")
            self.assertEqual(entries["a"][0], 0o40755)  # parents made
            self.assertEqual(entries["a/b/c/sub/f"], (0o104751, b"content"))
            self.assertEqual(entries["a/b/c/link"], (0o120777, b"sub/f"))
            names = list(entries)
            self.assertLess(names.index("a/b/c/sub"), names.index("a/b/c/sub/f"))

    def test_exec_files_and_env(self):
        img = initramfs.Initramfs()
        env = qemu.merge_env(["FOO=1", "PATH=/x"])
        self.assertEqual(dict(env)["PATH"], "/x")
        self.assertEqual(dict(env)["HOME"], "/root")
        qemu.add_exec_files(img, ["/bin/prog", "a b", ""], env)
        with tempfile.TemporaryDirectory() as tmp:
            img.write(os.path.join(tmp, "o"))
            entries = read_newc(os.path.join(tmp, "o"))
        self.assertEqual(entries["etc/levitate/exec.argv"][1], b"/bin/prog\0a b\0\0")
        self.assertIn(b"FOO=1\0", entries["etc/levitate/exec.env"][1])

    def test_mem_forms(self):
        self.assertEqual(qemu.parse_mem("2G"), "2G")
        self.assertEqual(qemu.parse_mem("512m"), "512M")
        self.assertEqual(qemu.parse_mem("2048"), "2048")
        self.assertIsNone(qemu.parse_mem("2T"))
        self.assertIsNone(qemu.parse_mem("0"))


class CommandLine(unittest.TestCase):
    LEVITATE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "levitate")

    def exec_status(self, *args):
        r = subprocess.run([self.LEVITATE, "exec"] + list(args), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.stdout, b"")  # nothing but the program's output goes to stdout
        return r.returncode, r.stderr

    def test_usage_errors_are_failures_to_run(self):
        self.assertEqual(self.exec_status("--mem", "lots", "--", "/x")[0], mux.BOOT_FAILURE_STATUS)
        self.assertEqual(self.exec_status("--add", "/no/such/file:/x", "--", "/x")[0], mux.BOOT_FAILURE_STATUS)
        self.assertEqual(self.exec_status("--add", "relative-guest:x", "--", "/x")[0], mux.BOOT_FAILURE_STATUS)
        rc, err = self.exec_status("--arch", "x86_64")
        self.assertEqual(rc, mux.BOOT_FAILURE_STATUS)
        self.assertIn(b"no PROGRAM", err)


if __name__ == "__main__":
    unittest.main()
