#!/usr/bin/env bash
# Stage (test flavour): the kernel's own tools/testing/selftests/iommu (iommufd, iommufd_fail_nth), static, for
# the guest. The 6.12.y tree's selftests do not compile as shipped: stable backports brought test code naming
# uapi and mock-driver parts this tree lacks (struct iommu_hw_info.in_data_type, IOMMU_HW_INFO_TYPE_DEFAULT,
# IOMMU_HW_INFO_FLAG_INPUT_TYPE, MOCK_FLAGS_DEVICE_PASID, MOCK_PASID_WIDTH). Those parts are compiled out here:
# the field's initializer and the wrong-type EOPNOTSUPP check are removed, the PASID variant is not added, and
# the names are defined to 0 so that the now-dead code compiles.
source "$(dirname "$0")/lib.sh"
src="$CACHE/src/linux-source-6.12"
dir="$CACHE/test"
stamp="$(sha256sum "$0" | cut -c1-16) $(cat "$CACHE/src/unpacked")"
if [ -x "$dir/selftests/iommufd" ] && [ "$(cat "$dir/selftests/stamp" 2>/dev/null)" = "$stamp" ]; then say "cached"; exit 0; fi
hdr="$dir/hdr"
say "installing the uapi headers"
rm -rf "$hdr"; mkdir -p "$hdr"
(cd "$src" && run 600 make O="$hdr" ARCH=x86_64 headers_install INSTALL_HDR_PATH="$hdr/usr")
w="$dir/selftests-src"
rm -rf "$w"; mkdir -p "$w/tools/testing" "$w/drivers/iommu/iommufd"
cp -r "$src/tools/testing/selftests" "$w/tools/testing/"
cp -r "$src/tools/include" "$w/tools/"
cp "$src/drivers/iommu/iommufd/iommufd_test.h" "$w/drivers/iommu/iommufd/"
t="$w/tools/testing/selftests/iommu"
perl -0pi -e 's/\n\t+\.in_data_type = data_type,//' "$t/iommufd_utils.h"
perl -0pi -e 's/\n\t+\.pasid_capable = true,//' "$t/iommufd.c"
perl -0pi -e 's/\t+test_err_get_hw_info\(EOPNOTSUPP,.*?\);\n//s' "$t/iommufd.c"
defs="-DIOMMU_HW_INFO_TYPE_DEFAULT=0 -DIOMMU_HW_INFO_FLAG_INPUT_TYPE=0 -DMOCK_FLAGS_DEVICE_PASID=0 -DMOCK_PASID_WIDTH=0"
say "building iommufd and iommufd_fail_nth (static)"
run 600 make -C "$t" LDFLAGS=-static LDLIBS=-lpthread KHDR_INCLUDES="-isystem $hdr/usr/include $defs"
mkdir -p "$dir/selftests"
cp "$t/iommufd" "$t/iommufd_fail_nth" "$dir/selftests/"
echo "$stamp" > "$dir/selftests/stamp"
rm -rf "$w"
say "built $(ls "$dir/selftests" | grep -vc stamp) selftests"
