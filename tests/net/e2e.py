#!/usr/bin/env python3
"""End-to-end network tests: LevitateOS on QEMU's user network talks to real peers on
this machine (the host's Linux TCP stack, curl, Python's HTTP server).

  e2e.py --arch A wget    the guest's busybox wget fetches a file from an HTTP server on
                          the host (reached as 10.0.2.2, QEMU's gateway); its sha256sum
                          in the guest must match.
  e2e.py --arch A serve   the guest's busybox nc listens on port 8080, forwarded from the
                          host's 127.0.0.1 (--net-forward); curl on the host gets the HTTP
                          response the guest sends, and the guest prints the request.
  e2e.py --arch A lossy   wget and serve again while the guest drops every 11th Ethernet
                          frame each way (levitate.netdrop=11): TCP's retransmissions, on
                          both sides, must still deliver everything. (QEMU's own TCP, the
                          guest's peer, waits about 1.5 s before it retransmits, so the
                          transfers are kept small.)
  e2e.py --arch A ipconfig  the ip= boot option gives eth0 another address (ifconfig shows
                          it) and wget still works from there.
  e2e.py --arch A ping    busybox ping (a raw ICMP socket) gets echo replies from QEMU's
                          gateway and from the guest itself.
  e2e.py --arch A udp     tests/net/udp_echo.c in the guest sends datagrams of up to 65507
                          bytes to a UDP echo server on the host; those past the MTU go and
                          come back in IPv4 fragments.

Exit status 0 on success; the reason for a failure is printed.
"""
import argparse
import hashlib
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNNER = os.path.join(ROOT, "levitate")
BLOB = bytes((i * 7 + (i >> 9)) & 0xff for i in range(300 * 1024))  # larger than any window


def fail(msg):
    print("FAIL: " + msg)
    return 1


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        # /blob/N: the first N bytes of BLOB.
        ok = self.path.startswith("/blob/") and self.path[6:].isdigit()
        body = BLOB[:int(self.path[6:])] if ok else b"not found\n"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def run_wget(arch, timeout, append="", size=len(BLOB)):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # The guest checks the bytes itself: printing them would only measure the console.
        script = "busybox wget -q -O /tmp/blob http://10.0.2.2:%d/blob/%d && busybox sha256sum /tmp/blob" % (port, size)
        r = subprocess.run([RUNNER, "exec", "--arch", arch, "--net", "--timeout", str(timeout), "--append", append,
                            "--", "/bin/busybox", "sh", "-c", script],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout + 60)
    finally:
        server.shutdown()
    if r.returncode != 0:
        return fail("wget exited with %d: %s" % (r.returncode, r.stderr.decode(errors="replace")[-2000:]))
    want = hashlib.sha256(BLOB[:size]).hexdigest()
    got = r.stdout.decode(errors="replace").split()
    if not got or got[0] != want:
        return fail("the guest's sha256sum said %r, expected %s for %d bytes" % (r.stdout[:200], want, size))
    print("ok: %d bytes from the host's HTTP server" % size)
    return 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port, path):
    """One GET to the forwarded port; None when nobody answered yet (QEMU accepts the
    connection on the host side, then closes it if the guest does not listen)."""
    if shutil.which("curl"):
        # A generous limit: a transfer over an emulated, lossy link may take seconds.
        r = subprocess.run(["curl", "-s", "-m", "30", "http://127.0.0.1:%d%s" % (port, path)],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return r.stdout if r.returncode == 0 else None
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(b"GET %s HTTP/1.0\r\nHost: guest\r\n\r\n" % path.encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        return body if head.startswith(b"HTTP/") else None
    except OSError:
        return None


def run_serve(arch, timeout, append="", copies=50, guest_made=False):
    """The host fetches a response that busybox nc serves from the guest. The response
    comes from the host through nc's stdin (the console), or, for big ones (guest_made),
    from a pipeline in the guest: on aarch64 QEMU's PL011 takes one byte of console input
    per main-loop turn (about 30 KB/s), which would make the console the bottleneck."""
    port = free_port()
    body = b"hello from LevitateOS\n" * copies
    head = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(body)
    bb = "/bin/busybox"
    nc = [bb, "nc", "-l", "-p", "8080"]
    if guest_made:
        # printf turns the \r\n escapes of the header into the bytes.
        script = "{ %s printf '%s'; %s yes 'hello from LevitateOS' | %s head -n %d; } | %s" % (
            bb, head.decode().replace("\r", "\\r").replace("\n", "\\n"), bb, bb, copies, " ".join(nc))
        command, stdin = [bb, "sh", "-c", script], b""
    else:
        command, stdin = nc, head + body
    guest = subprocess.Popen([RUNNER, "exec", "--arch", arch, "--net-forward", "%d:8080" % port,
                              "--timeout", str(timeout), "--append", append, "--"] + command,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # nc sends its stdin to the first connection, then half-closes it.
    guest.stdin.write(stdin)
    guest.stdin.close()
    guest.stdin = None  # communicate() must not touch it again
    got = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and guest.poll() is None:
        got = http_get(port, "/from-the-host")
        if got:
            break
        time.sleep(0.3)
    try:
        out, err = guest.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        guest.kill()
        out, err = guest.communicate()
    if got != body:
        return fail("the host got %r, expected the guest's body (guest status %s: %s)" % (
            got[:200] if got else got, guest.returncode, err.decode(errors="replace")[-2000:]))
    if guest.returncode != 0:
        return fail("nc exited with %d: %s" % (guest.returncode, err.decode(errors="replace")[-2000:]))
    if b"GET /from-the-host HTTP/1." not in out:
        return fail("the guest did not print the request: %r" % out[:300])
    print("ok: the host fetched %d bytes from the guest" % len(body))
    return 0


def run_ipconfig(arch, timeout):
    ip = "10.0.2.42"
    r = subprocess.run([RUNNER, "exec", "--arch", arch, "--net", "--timeout", str(timeout),
                        "--append", "ip=%s::10.0.2.2:255.255.255.0" % ip, "--", "/bin/busybox", "ifconfig", "eth0"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout + 60)
    out = r.stdout.decode(errors="replace")
    if r.returncode != 0 or ("inet addr:%s " % ip) not in out or "Mask:255.255.255.0" not in out:
        return fail("ifconfig eth0 (status %d) printed %r" % (r.returncode, out))
    print("ok: eth0 took %s from ip=" % ip)
    return run_wget(arch, timeout, "ip=%s::10.0.2.2:255.255.255.0" % ip)


def run_ping(arch, timeout):
    script = "busybox ping -c 2 -W 5 10.0.2.2 && busybox ping -c 1 -W 5 10.0.2.15"
    r = subprocess.run([RUNNER, "exec", "--arch", arch, "--net", "--timeout", str(timeout), "--",
                        "/bin/busybox", "sh", "-c", script],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout + 60)
    out = r.stdout.decode(errors="replace")
    if r.returncode != 0 or "2 packets received" not in out or "1 packets received" not in out:
        return fail("ping (status %d) printed %r %r" % (r.returncode, out, r.stderr.decode(errors="replace")[-500:]))
    print("ok: echo replies from 10.0.2.2 and 10.0.2.15")
    return 0


CC = {"x86_64": ["gcc"], "aarch64": ["aarch64-linux-gnu-gcc"]}


def run_udp(arch, timeout):
    binary = os.path.join(ROOT, "build", "tests", "net-%s-udp_echo" % arch)
    os.makedirs(os.path.dirname(binary), exist_ok=True)
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "udp_echo.c")
    subprocess.run(CC[arch] + ["-static", "-O2", "-o", binary, src], check=True)
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    port = server.getsockname()[1]
    stop = threading.Event()

    def echo():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                data, peer = server.recvfrom(65536)
            except socket.timeout:
                continue
            server.sendto(data, peer)

    threading.Thread(target=echo, daemon=True).start()
    try:
        r = subprocess.run([RUNNER, "exec", "--arch", arch, "--net", "--timeout", str(timeout),
                            "--add", "%s:/bin/udp_echo" % binary, "--", "/bin/udp_echo", str(port)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout + 60)
    finally:
        stop.set()
    out = r.stdout.decode(errors="replace")
    if r.returncode != 0 or "ok 65507" not in out:
        return fail("udp_echo (status %d) printed %r %r" % (r.returncode, out, r.stderr.decode(errors="replace")[-500:]))
    print("ok: UDP echoes up to 65507 bytes through the host")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", default="x86_64")
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("case", choices=("wget", "serve", "lossy", "ipconfig", "ping", "udp"))
    args = ap.parse_args()
    if args.case == "wget":
        return run_wget(args.arch, args.timeout)
    if args.case == "serve":
        return run_serve(args.arch, args.timeout)
    if args.case == "ipconfig":
        return run_ipconfig(args.arch, args.timeout)
    if args.case == "ping":
        return run_ping(args.arch, args.timeout)
    if args.case == "udp":
        return run_udp(args.arch, args.timeout)
    lossy = "levitate.netdrop=11"
    return run_wget(args.arch, args.timeout, lossy, size=64 * 1024) or \
        run_serve(args.arch, args.timeout, lossy, copies=5000, guest_made=True)


if __name__ == "__main__":
    sys.exit(main())
