"""Where things live in the tree and in build/."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")


def kernel_build_dir(arch):
    return os.path.join(BUILD, arch)


def kernel_image(arch):
    return os.path.join(kernel_build_dir(arch), "levitate-%s.bin" % arch)


def userland_dir(arch):
    return os.path.join(BUILD, "userland", arch)


def boot_log(arch):
    """The kernel log of the last boot; LEVITATE_BOOT_LOG overrides it (the test driver
    gives each parallel test its own)."""
    return os.environ.get("LEVITATE_BOOT_LOG") or os.path.join(kernel_build_dir(arch), "last-boot.log")
