"""Tests of `./levitate fuzz`'s host side without a kernel: finding the fuzzer's log
pages in a RAM dump, the known-bugs file, the QEMU command line."""
import os
import struct
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from lv import fuzz  # noqa: E402


def slot_page(index, nonce, seq, entries, pid=42, uid=1000, gen=3, calls=7, phase=1):
    words = [fuzz.MAGIC, nonce, index, pid, uid, gen, 99, calls, seq, phase] + [0] * 6
    ring = [[0] * fuzz.ENTRY_U64 for _ in range(fuzz.RING)]
    for k, (nr, args, ret, state) in entries.items():
        ring[k % fuzz.RING] = [k, nr] + list(args) + [ret & (1 << 64) - 1, state]
    for e in ring:
        words += e
    data = struct.pack("<%dQ" % len(words), *words)
    return data + b"\0" * (4096 - len(data))


class FindRings(unittest.TestCase):
    def test_pages_found_by_magic_and_nonce(self):
        nonce = 0x1234567
        page0 = slot_page(0, nonce, 2, {0: (0, [3, 0x1000, 16, 0, 0, 0], 16, 2),
                                         1: (28, [0x800000000000, 0x2ff7e040, 8, 0, 0, 0], 0, 1)})
        stale = slot_page(0, nonce, 1, {0: (0, [3, 0, 0, 0, 0, 0], -9, 2)})
        other_run = slot_page(1, nonce + 1, 5, {})
        parent = slot_page(fuzz.PARENT_INDEX, nonce, 0, {}, pid=2, phase=4, calls=11)
        unaligned = b"\0" * 8 + slot_page(2, nonce, 9, {})[:4088]
        with tempfile.NamedTemporaryFile() as f:
            f.write(b"\0" * 4096 + stale + page0 + other_run + unaligned + parent)
            f.flush()
            rings = fuzz.find_rings(f.name, nonce)
        self.assertEqual(sorted(rings), [0, fuzz.PARENT_INDEX])
        self.assertEqual(rings[0][0]["seq"], 2)  # the newer copy wins
        text = fuzz.format_rings(rings, {0: "read", 28: "madvise"})
        self.assertIn("  parent: reaping (waitpid) (loop iteration 11)", text)
        self.assertIn("#0 read(0x3, 0x1000, 0x10, 0x0, 0x0, 0x0) = 0x10", text)
        self.assertIn("#1 madvise(0x800000000000, 0x2ff7e040, 0x8, 0x0, 0x0, 0x0) = (no result", text)

    def test_errno_results(self):
        page = slot_page(0, 5, 1, {0: (0, [0] * 6, -14, 2)})
        with tempfile.NamedTemporaryFile() as f:
            f.write(page)
            f.flush()
            text = fuzz.format_rings(fuzz.find_rings(f.name, 5), {0: "read"})
        self.assertIn("= -14 (Bad address)", text)


class KnownBugs(unittest.TestCase):
    def test_options_merge(self):
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
            f.write("# comment\n--exclude madvise  # a\n\n--exclude brk,mremap # b\n"
                    "--max-map-len 0x40000000\n--plain-exit-signals # c\n")
            f.flush()
            opts = fuzz.known_bug_options(f.name)
        self.assertEqual(opts, {"--exclude": "madvise,brk,mremap", "--max-map-len": "0x40000000",
                                "--plain-exit-signals": None})

    def test_bad_line(self):
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
            f.write("--frobnicate 3\n")
            f.flush()
            with self.assertRaises(SystemExit):
                fuzz.known_bug_options(f.name)

    def test_tree_file_parses(self):
        fuzz.known_bug_options()


class CommandLine(unittest.TestCase):
    def test_without_debug_exit(self):
        argv = ["qemu", "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-m", "2G", "-device", "virtio-net-pci"]
        self.assertEqual(fuzz.without_debug_exit(argv), ["qemu", "-m", "2G", "-device", "virtio-net-pci"])


if __name__ == "__main__":
    unittest.main()
