# Shared by the lab stages: the cache layout and a one-line failure that names the stage.
# Cache layout (IOAS_LAB_CACHE, default ~/.cache/ioas-check):
#   debs/                         the .debs downloaded with apt-get download (image, headers, kbuild, source)
#   debian/root/                  the image + headers + kbuild packages unpacked (dpkg-deb -x), never installed
#   debian/release                the kernel release string (e.g. 6.12.118+deb12-amd64)
#   debian/modules/               iommufd.ko and the vfio modules rebuilt with CONFIG_IOMMUFD=m
#   src/linux-source-6.12/        the full source of the same version
#   test/build/                   the test flavour's out-of-tree build (O=); test/bzImage, test/selftests/
#   <flavour>/ioas-exec           the guest executor, static; <flavour>/initramfs.cpio.gz
set -euo pipefail
CACHE="${IOAS_LAB_CACHE:-$HOME/.cache/ioas-check}"
KDIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAGE="${STAGE:-$(basename "$0" .sh)}"
die() { echo "kernel setup: $STAGE: $*" >&2; exit 1; }
say() { echo "[$STAGE] $*"; }
# run CMD... bounded, its output to a log in the cache; on failure the log's last lines and one line naming the stage.
run() {
  local secs="$1"; shift
  local log="$CACHE/logs/$STAGE.log"
  mkdir -p "$CACHE/logs"
  if ! timeout "$secs" "$@" >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "'$*' failed or took over ${secs}s (log: $log)"
  fi
}
mkdir -p "$CACHE"
# The guest files a lab is built from (executor, init, the delay module): initramfs.sh records their hash in
# <flavour>/guest.stamp and the tool refuses a lab built from other versions (src/lab/labCache.ts, GUEST_FILES).
guest_stamp() { cat "$KDIR/exec/ioas-exec.c" "$KDIR/guest/init" "$KDIR/lab/delay/ioas_lab_delay.c" | sha256sum | cut -c1-16; }
