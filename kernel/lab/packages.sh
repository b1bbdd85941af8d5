#!/usr/bin/env bash
# Stage: install the Debian packages the lab needs, when missing (says which first).
source "$(dirname "$0")/lib.sh"
need=()
for p in qemu-system-x86 busybox-static cpio kmod xz-utils gcc make libc6-dev flex bison bc libelf-dev libssl-dev rsync perl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ "${#need[@]}" -eq 0 ]; then say "all present"; exit 0; fi
say "installing with apt-get: ${need[*]}"
[ "$(id -u)" -eq 0 ] || die "not root: install ${need[*]} with apt-get"
run 600 apt-get update -qq
DEBIAN_FRONTEND=noninteractive run 900 apt-get install -y -qq --no-install-recommends "${need[@]}"
