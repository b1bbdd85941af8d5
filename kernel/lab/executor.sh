#!/usr/bin/env bash
# Stage: compile the guest executor statically against the lab kernel's uapi headers (the host's 6.1
# linux-libc-dev has no iommufd.h). Usage: executor.sh <flavour>; the test flavour adds the selftest ops.
source "$(dirname "$0")/lib.sh"
flavour="${1:?flavour}"
dir="$CACHE/$flavour"
src="$CACHE/src/linux-source-6.12"
inc="$dir/exec-include"
mkdir -p "$inc/linux"
cp "$src/include/uapi/linux/iommufd.h" "$src/include/uapi/linux/vfio.h" "$inc/linux/"
extra=()
if [ "$flavour" = test ]; then extra=(-DIOAS_EXEC_TEST_OPS -I"$src/drivers/iommu/iommufd"); fi
run 120 gcc -static -pthread -O2 -Wall -Werror -D__user= -I"$inc" "${extra[@]}" -o "$dir/ioas-exec.new" "$KDIR/exec/ioas-exec.c"
mv "$dir/ioas-exec.new" "$dir/ioas-exec"
say "built $dir/ioas-exec"
