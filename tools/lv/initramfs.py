"""The initramfs: a cpio archive in the "newc" format (what Linux's initramfs uses:
110-byte ASCII-hex headers, names and data padded to 4 bytes, ended by TRAILER!!!).

Entries are collected first (guest path -> what to put there), so that a later entry
replaces an earlier one with the same path and missing parent directories can be
added; then the archive is streamed to a file, file contents copied in chunks, so
that trees of hundreds of MB never sit in memory.
"""
import os
import stat

CHUNK = 1 << 20


class Entry:
    def __init__(self, mode, data=None, host_path=None, link_target=None, mtime=0, rdev=(0, 0)):
        self.mode = mode              # full st_mode: type bits and permissions
        self.rdev = rdev              # (major, minor) of a device node
        self.data = data              # bytes, for generated files
        self.host_path = host_path    # file to copy the contents from
        self.link_target = link_target
        self.mtime = int(mtime)


class Initramfs:
    def __init__(self):
        self.entries = {}  # guest path (absolute, normalised) -> Entry; insertion order kept

    @staticmethod
    def _norm(path):
        # normpath keeps a leading "//" (POSIX allows it a meaning), so strip first.
        return "/" + os.path.normpath("/" + path.lstrip("/")).lstrip("/")

    def mkdir(self, path, perm=0o755):
        self.entries[self._norm(path)] = Entry(stat.S_IFDIR | perm)

    def add_bytes(self, path, data, perm=0o644):
        self.entries[self._norm(path)] = Entry(stat.S_IFREG | perm, data=data)

    def add_symlink(self, path, target):
        self.entries[self._norm(path)] = Entry(stat.S_IFLNK | 0o777, link_target=target)

    def add_char_device(self, path, major, minor, perm=0o600):
        """A character device node (a kernel that opens /dev/console for its first
        process before anything could create it, as Linux does, needs one there)."""
        self.entries[self._norm(path)] = Entry(stat.S_IFCHR | perm, rdev=(major, minor))

    def add_host(self, host_path, guest_path):
        """A host file, symlink or whole directory tree at guest_path (modes and
        symlinks kept, symlinks not followed below the top)."""
        guest_path = self._norm(guest_path)
        st = os.stat(host_path)  # the top may be a symlink to what the user means to add
        if not stat.S_ISDIR(st.st_mode):
            self._add_one(host_path, guest_path, st)
            return
        self._add_one(host_path, guest_path, st)
        for dirpath, dirnames, filenames in os.walk(host_path):
            rel = os.path.relpath(dirpath, host_path)
            base = guest_path if rel == "." else self._norm(guest_path + "/" + rel)
            for name in sorted(dirnames) + sorted(filenames):
                hp = os.path.join(dirpath, name)
                self._add_one(hp, self._norm(base + "/" + name), os.lstat(hp))
            dirnames.sort()

    def _add_one(self, host_path, guest_path, st):
        m = st.st_mode
        if stat.S_ISLNK(m):
            self.entries[guest_path] = Entry(m, link_target=os.readlink(host_path), mtime=st.st_mtime)
        elif stat.S_ISDIR(m):
            self.entries[guest_path] = Entry(m, mtime=st.st_mtime)
        elif stat.S_ISREG(m):
            if st.st_size >= 1 << 32:
                raise ValueError("%s: too large for a cpio newc archive (4 GiB max)" % host_path)
            self.entries[guest_path] = Entry(m, host_path=host_path, mtime=st.st_mtime)
        # Sockets, FIFOs and device nodes are skipped: the guest creates its own.

    def _with_parents(self):
        """All entries, each preceded by its parent directories (added as 0755 when
        the caller did not give them)."""
        done = set()
        ordered = []

        def visit(path):
            if path in done or path == "/":
                return
            visit(os.path.dirname(path))
            done.add(path)
            ordered.append((path, self.entries.get(path) or Entry(stat.S_IFDIR | 0o755)))

        for path in self.entries:
            visit(path)
        return ordered

    def write(self, out_path):
        with open(out_path, "wb") as f:
            ino = 1
            for path, e in self._with_parents():
                name = path.lstrip("/").encode()
                if e.link_target is not None:
                    content = e.link_target.encode()
                    size = len(content)
                elif e.data is not None:
                    content = e.data
                    size = len(content)
                elif e.host_path is not None:
                    content = None
                    size = os.path.getsize(e.host_path)
                else:
                    content, size = b"", 0
                _header(f, ino, e.mode, e.mtime, size, name, e.rdev)
                if content is not None:
                    f.write(content)
                else:
                    _copy(f, e.host_path, size)
                _pad(f, size)
                ino += 1
            _header(f, 0, 0, 0, 0, b"TRAILER!!!")
            # Some loaders read the initrd in whole 512-byte blocks.
            f.write(b"\0" * ((-f.tell()) % 512))


def _header(f, ino, mode, mtime, size, name, rdev=(0, 0)):
    nlink = 2 if stat.S_ISDIR(mode) else 1
    fields = [ino, mode, 0, 0, nlink, mtime, size, 0, 0, rdev[0], rdev[1], len(name) + 1, 0]
    hdr = b"070701" + b"".join(b"%08X" % v for v in fields)
    f.write(hdr + name + b"\0")
    _pad(f, len(hdr) + len(name) + 1)


def _pad(f, n):
    f.write(b"\0" * ((-n) % 4))


def _copy(f, host_path, size):
    left = size
    with open(host_path, "rb") as src:
        while left > 0:
            chunk = src.read(min(CHUNK, left))
            if not chunk:
                raise ValueError("%s shrank while being archived" % host_path)
            f.write(chunk)
            left -= len(chunk)
