#!/bin/sh
# Build a BIOS-bootable GRUB ISO around the Multiboot kernel image.
#   mkiso.sh KERNEL.bin OUT.iso [INITRD [CMDLINE]]
# INITRD (optional, may be empty) becomes the first Multiboot module, which the kernel
# takes as its initrd; CMDLINE is passed to the kernel as its command line.
# Needs grub-pc-bin, grub-common and xorriso (Debian packages).
set -eu
kernel=$1 out=$2 initrd=${3:-} cmdline=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/boot/grub"
cp "$kernel" "$tmp/boot/levitate-x86_64.bin"
module=""
if [ -n "$initrd" ]; then
    cp "$initrd" "$tmp/boot/initrd.cpio"
    module="    module /boot/initrd.cpio initrd"
fi
cat > "$tmp/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
menuentry "LevitateOS" {
    multiboot /boot/levitate-x86_64.bin $cmdline
$module
    boot
}
CFG
grub-mkrescue -d /usr/lib/grub/i386-pc -o "$out" "$tmp" >/dev/null 2>&1 ||
    { echo "mkiso.sh: grub-mkrescue failed (install grub-pc-bin grub-common xorriso)" >&2;
      grub-mkrescue -d /usr/lib/grub/i386-pc -o "$out" "$tmp"; }
