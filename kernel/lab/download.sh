#!/usr/bin/env bash
# Stage: download Debian 12's newest 6.12.y kernel image, its kbuild pieces and the same version's source.
source "$(dirname "$0")/lib.sh"
mkdir -p "$CACHE/debs"; cd "$CACHE/debs"
if [ -f versions ] && [ -n "$(cat versions)" ] && ls linux-source-6.12_*.deb >/dev/null 2>&1; then say "cached: $(cat versions)"; exit 0; fi
if ! apt-cache show linux-source-6.12 >/dev/null 2>&1; then run 600 apt-get update -qq; fi
abi=$(apt-cache search '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' | sort -V | tail -1 | sed -E 's/^linux-image-(6\.12\.[0-9]+\+deb12)-amd64-unsigned.*/\1/')
[ -n "$abi" ] || die "no linux-image-6.12.*+deb12-amd64-unsigned package in the apt lists"
ver=$(apt-cache show "linux-image-$abi-amd64-unsigned" | awk '/^Version:/{print $2; exit}')
# The source package of the *same* version: the security suite replaces older builds, so take them together.
src_ver=$(apt-cache madison linux-source-6.12 | awk -v v="$ver" '$3==v{print $3; exit}')
[ "$src_ver" = "$ver" ] || die "linux-source-6.12 $ver is not in the apt lists (image $abi is)"
say "downloading $abi ($ver): image, headers, kbuild, source"
rm -f ./*.deb
run 900 apt-get download "linux-image-$abi-amd64-unsigned=$ver" "linux-headers-$abi-amd64=$ver" \
  "linux-headers-$abi-common=$ver" "linux-kbuild-$abi=$ver" "linux-source-6.12=$ver"
echo "$abi $ver" > versions
