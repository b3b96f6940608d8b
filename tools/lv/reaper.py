"""Children that must not outlive the runner (QEMU above all: a leaked guest keeps
burning a CPU with PPID 1).

Every way out is covered:
  - SIGTERM, SIGINT, SIGHUP: install_signal_handlers() kills the tracked children at
    once, then raises SystemExit(128 + N) so that `finally` blocks and context managers
    (temporary initramfs directories) still run;
  - an exception: the code that started a child stops it in a `finally`;
  - SIGKILL of the runner, which nothing can catch: the child is started with
    prctl(PR_SET_PDEATHSIG) (preexec()), so the kernel kills it when the runner dies.
"""
import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1
HANDLED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

_live = []  # subprocess.Popen objects to kill on a fatal signal
_exiting = False


class Terminated(SystemExit):
    """Raised by the signal handler: exit status 128 + the signal's number. Code that
    turns SystemExit into a status of its own must let this one through."""


def preexec(sig=signal.SIGKILL):
    """A preexec_fn for subprocess.Popen: the child gets `sig` when its parent dies.
    (Linux sends it when the thread that forked the child ends: start children from
    the main thread.)"""
    parent = os.getpid()
    libc = ctypes.CDLL(None, use_errno=True)  # loaded here: the child only calls

    def set_pdeathsig():
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), sig)
    return set_pdeathsig


def track(popen):
    _live.append(popen)
    return popen


def untrack(popen):
    if popen in _live:
        _live.remove(popen)


def kill_tracked(sig=signal.SIGKILL):
    """Signals every tracked child that has not been reaped. Safe in a signal handler:
    it never waits (Popen.wait takes a lock the interrupted code may hold)."""
    for p in list(_live):
        if p.returncode is None:
            try:
                os.kill(p.pid, sig)
            except OSError:
                pass


def _on_signal(signum, frame):
    global _exiting
    kill_tracked()
    if not _exiting:  # a second signal during cleanup must not cut the cleanup short
        _exiting = True
        raise Terminated(128 + signum)


def install_signal_handlers():
    """SIGTERM, SIGINT and SIGHUP end the tracked children and exit with 128+N. A
    signal that was ignored when we started (nohup, a background job) stays ignored."""
    for s in HANDLED:
        if signal.getsignal(s) != signal.SIG_IGN:
            signal.signal(s, _on_signal)


def end_group(popen, grace=10):
    """Ends a child started with start_new_session=True and everything in its process
    group: SIGTERM (so runners in it end their QEMUs), then SIGKILL after `grace` s."""
    if popen.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, None)):
        try:
            os.killpg(popen.pid, sig)
        except OSError:
            pass
        try:
            popen.wait(timeout=wait)
            return
        except Exception:  # TimeoutExpired
            continue
