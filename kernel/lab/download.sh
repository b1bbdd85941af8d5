#!/usr/bin/env bash
# Stage: download Debian 12's newest 6.12.y kernel image, its kbuild pieces and the same version's source.
source "$(dirname "$0")/lib.sh"
mkdir -p "$CACHE/debs"; cd "$CACHE/debs"
if [ -f versions ] && [ -n "$(cat versions)" ] && ls linux-source-6.12_*.deb >/dev/null 2>&1; then say "cached: $(cat versions)"; exit 0; fi
# The security suite replaces older 6.12.y builds: with stale lists the newest named version may be gone from the
# mirror, so a failed download refreshes the lists and tries once more.
pick_and_download() {
  abi=$(apt-cache search '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' | sort -V | tail -1 | sed -E 's/^linux-image-(6\.12\.[0-9]+\+deb12)-amd64-unsigned.*/\1/')
  [ -n "$abi" ] || return 1
  ver=$(apt-cache show "linux-image-$abi-amd64-unsigned" | awk '/^Version:/{print $2; exit}')
  # The source package of the *same* version: the security suite replaces older builds, so take them together.
  src_ver=$(apt-cache madison linux-source-6.12 | awk -v v="$ver" '$3==v{print $3; exit}')
  [ "$src_ver" = "$ver" ] || return 1
  say "downloading $abi ($ver): image, headers, kbuild, source"
  rm -f ./*.deb
  timeout 900 apt-get download "linux-image-$abi-amd64-unsigned=$ver" "linux-headers-$abi-amd64=$ver" \
    "linux-headers-$abi-common=$ver" "linux-kbuild-$abi=$ver" "linux-source-6.12=$ver" >>"$CACHE/logs/$STAGE.log" 2>&1
}
mkdir -p "$CACHE/logs"
if ! apt-cache show linux-source-6.12 >/dev/null 2>&1 || ! pick_and_download; then
  run 600 apt-get update -qq
  pick_and_download || die "no matching linux-image-6.12.*+deb12 and linux-source-6.12 could be downloaded (log: $CACHE/logs/$STAGE.log)"
fi
echo "$abi $ver" > versions
