#!/usr/bin/env bash
# Stage (debian flavour): rebuild iommufd.ko and the vfio modules out of tree from linux-source-6.12 against
# Debian's headers, with CONFIG_IOMMUFD=m, CONFIG_VFIO_DEVICE_CDEV=y and CONFIG_VFIO_NOIOMMU=y forced (Debian's
# config has all three off), plus mdev and the mtty sample (the emulated device g2).
source "$(dirname "$0")/lib.sh"
release=$(cat "$CACHE/debian/release")
src="$CACHE/src/linux-source-6.12"
hdr="$CACHE/debian/root/usr/src/linux-headers-$release"
out="$CACHE/debian/modules"
b="$CACHE/debian/build"
stamp="$(cat "$0" "$KDIR/lab/delay/ioas_lab_delay.c" | sha256sum | cut -c1-16) $(cat "$CACHE/debian/unpacked")"
if [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then say "cached: $(ls "$out" | grep -c '\.ko$') modules"; exit 0; fi
rm -rf "$b" "$out"; mkdir -p "$b/drivers/iommu" "$b/samples" "$out"
cp -r "$src/drivers/iommu/iommufd" "$b/drivers/iommu/"
cp "$src/drivers/iommu/iommu-priv.h" "$b/drivers/iommu/"
cp -r "$src/drivers/vfio" "$b/drivers/"
mkdir -p "$b/samples/mtty"; cp "$src/samples/vfio-mdev/mtty.c" "$b/samples/mtty/"
echo 'obj-m += mtty.o' > "$b/samples/mtty/Makefile"
# kernel race --widen-us: a kretprobe that delays inside the compat attach window (kernel/lab/delay/).
mkdir -p "$b/samples/delay"; cp "$KDIR/lab/delay/ioas_lab_delay.c" "$b/samples/delay/"
echo 'obj-m += ioas_lab_delay.o' > "$b/samples/delay/Makefile"
# Debian's vmlinux is built without CONFIG_INTERVAL_TREE_SPAN_ITER (selected by IOMMUFD): compile that part of
# lib/interval_tree.c into iommufd.ko, without its exports (they are used inside the module only).
{
  sed -n '1,5p' "$src/lib/interval_tree.c"
  awk '/^#ifdef CONFIG_INTERVAL_TREE_SPAN_ITER/{on=1; next} on&&/^#endif/{exit} on' "$src/lib/interval_tree.c" |
    grep -v '^EXPORT_SYMBOL'
} > "$b/drivers/iommu/iommufd/interval_tree_span.c"
echo 'iommufd-y += interval_tree_span.o' >> "$b/drivers/iommu/iommufd/Makefile"
# The C side of the forced options: Debian's autoconf.h says they are off.
cat > "$b/force.h" <<'H'
#define CONFIG_IOMMUFD_MODULE 1
#define CONFIG_VFIO_DEVICE_CDEV 1
#define CONFIG_VFIO_NOIOMMU 1
#define CONFIG_INTERVAL_TREE_SPAN_ITER 1
H
printf 'obj-m += drivers/iommu/iommufd/ drivers/vfio/ samples/mtty/ samples/delay/\n' > "$b/Kbuild"
# The make side: these override include/config/auto.conf. No pahole here, so no BTF for modules; the vfio
# variant drivers are left out (not needed, and they would have to be rebuilt against the new vfio.ko).
say "building iommufd, vfio, vfio_iommu_type1, vfio-pci(-core), mdev, mtty, ioas_lab_delay against $release"
run 900 make -C "$hdr" M="$b" -j"$(nproc)" modules KCFLAGS="-include $b/force.h" \
  CONFIG_IOMMUFD=m CONFIG_VFIO_DEVICE_CDEV=y CONFIG_VFIO_NOIOMMU=y CONFIG_DEBUG_INFO_BTF_MODULES= \
  CONFIG_MLX5_VFIO_PCI= CONFIG_HISI_ACC_VFIO_PCI= CONFIG_PDS_VFIO_PCI= CONFIG_VIRTIO_VFIO_PCI= \
  CONFIG_NVGRACE_GPU_VFIO_PCI= CONFIG_QAT_VFIO_PCI= CONFIG_VFIO_PLATFORM_BASE= CONFIG_VFIO_FSL_MC= CONFIG_VFIO_CDX=
find "$b" -name '*.ko' -exec cp {} "$out/" \;
for m in iommufd vfio vfio_iommu_type1 vfio-pci-core vfio-pci mdev mtty ioas_lab_delay; do
  [ -f "$out/$m.ko" ] || die "$m.ko was not built (log: $CACHE/logs/$STAGE.log)"
done
echo "$stamp" > "$out/stamp"
say "built $(ls "$out" | grep -c '\.ko$') modules"
