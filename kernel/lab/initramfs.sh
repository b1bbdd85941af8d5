#!/usr/bin/env bash
# Stage: the base initramfs (busybox, /init, the executor, the flavour's modules). A run appends a second cpio
# holding /lab/batch; the kernel unpacks both.
source "$(dirname "$0")/lib.sh"
flavour="${1:?flavour}"
dir="$CACHE/$flavour"
r="$dir/initramfs"
rm -rf "$r"; mkdir -p "$r"/{bin,dev,proc,sys,tmp,lab/modules}
cp /bin/busybox "$r/bin/busybox"
cp "$KDIR/guest/init" "$r/init"
cp "$dir/ioas-exec" "$r/lab/ioas-exec"
if [ "$flavour" = debian ]; then
  release=$(cat "$dir/release")
  cp "$dir"/modules/*.ko "$r/lab/modules/"
  xz -dc "$dir/root/lib/modules/$release/kernel/virt/lib/irqbypass.ko.xz" > "$r/lab/modules/irqbypass.ko"
fi
if [ -d "$dir/selftests" ]; then
  mkdir -p "$r/lab/selftests"
  cp "$dir/selftests/iommufd" "$dir/selftests/iommufd_fail_nth" "$r/lab/selftests/"
fi
(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) > "$dir/initramfs.cpio.gz.new"
mv "$dir/initramfs.cpio.gz.new" "$dir/initramfs.cpio.gz"
guest_stamp > "$dir/guest.stamp"
rm -rf "$r"
say "built $dir/initramfs.cpio.gz ($(du -k "$dir/initramfs.cpio.gz" | cut -f1) KiB)"
