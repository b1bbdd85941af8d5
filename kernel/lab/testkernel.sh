#!/usr/bin/env bash
# Stage (test flavour): a small kernel from linux-source-6.12 with CONFIG_IOMMUFD_TEST, fault injection, KASAN
# and lockdep (kernel/config/test-flavour.config over allnoconfig), built out of tree. About 8-9 minutes cold.
source "$(dirname "$0")/lib.sh"
src="$CACHE/src/linux-source-6.12"
dir="$CACHE/test"
b="$dir/build"
frag="$KDIR/config/test-flavour.config"
stamp="$(sha256sum "$frag" | cut -c1-16) $(cat "$CACHE/src/unpacked")"
if [ -f "$dir/bzImage" ] && [ "$(cat "$dir/kernel.stamp" 2>/dev/null)" = "$stamp" ]; then say "cached: $(cat "$dir/release")"; exit 0; fi
mkdir -p "$b"
say "configuring (allnoconfig + $(basename "$frag"))"
(cd "$src" && run 300 env ARCH=x86_64 scripts/kconfig/merge_config.sh -n -O "$b" "$frag")
# Every line of the fragment must have survived (a dependency that failed would silently drop it).
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while read -r l; do grep -qxF "$l" "$b/.config" || echo "$l"; done)
[ -z "$missing" ] || die "options not in the final .config: $(echo $missing)"
say "building bzImage with make -j$(nproc) (about 8-9 minutes on 2 cores)"
run 2400 make -C "$src" O="$b" ARCH=x86_64 -j"$(nproc)" bzImage
cp "$b/arch/x86/boot/bzImage" "$dir/bzImage"
make -s -C "$src" O="$b" ARCH=x86_64 kernelrelease > "$dir/release"
echo "$stamp" > "$dir/kernel.stamp"
say "built $(cat "$dir/release")"
