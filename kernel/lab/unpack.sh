#!/usr/bin/env bash
# Stage: unpack the image, headers and kbuild packages (dpkg-deb -x, never installed) and the kernel source.
source "$(dirname "$0")/lib.sh"
read -r abi ver < "$CACHE/debs/versions"
root="$CACHE/debian/root"
if [ -f "$CACHE/debian/release" ] && [ "$(cat "$CACHE/debian/unpacked" 2>/dev/null)" = "$ver" ]; then
  say "cached: $(cat "$CACHE/debian/release")"
else
  rm -rf "$CACHE/debian"; mkdir -p "$root"
  for d in "$CACHE"/debs/linux-{image,headers,kbuild}-*.deb; do run 300 dpkg-deb -x "$d" "$root"; done
  release=$(ls "$root/lib/modules" | head -1)
  [ -n "$release" ] || die "no lib/modules/<release> in the image package"
  # The per-flavour headers Makefile includes the common one by an absolute /usr/src path: point it here.
  sed -i "s|/usr/src/|$root/usr/src/|g" "$root/usr/src/linux-headers-$release/Makefile"
  # Debian's kbuild package keeps scripts under /usr/lib/linux-kbuild-*; the headers link to it absolutely.
  for l in $(find "$root/usr/src" -maxdepth 2 -type l); do
    t=$(readlink "$l"); case "$t" in /*) ln -sfn "$root$t" "$l";; esac
  done
  run 120 depmod -b "$root" "$release"
  echo "$release" > "$CACHE/debian/release"; echo "$ver" > "$CACHE/debian/unpacked"
  say "unpacked $release"
fi
src="$CACHE/src/linux-source-6.12"
if [ "$(cat "$CACHE/src/unpacked" 2>/dev/null)" = "$ver" ] && [ -d "$src/drivers/iommu/iommufd" ]; then
  say "source cached"
else
  rm -rf "$CACHE/src"; mkdir -p "$CACHE/src/deb"
  run 300 dpkg-deb -x "$CACHE"/debs/linux-source-6.12_*.deb "$CACHE/src/deb"
  run 600 tar -C "$CACHE/src" -xaf "$CACHE/src/deb/usr/src/linux-source-6.12.tar.xz"
  rm -rf "$CACHE/src/deb"
  [ -d "$src/drivers/iommu/iommufd" ] || die "the source tarball has no linux-source-6.12/drivers/iommu/iommufd"
  echo "$ver" > "$CACHE/src/unpacked"
  say "source unpacked"
fi
