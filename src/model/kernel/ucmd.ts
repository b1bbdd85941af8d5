// The size word every iommufd ioctl struct starts with (main.c iommufd_fops_ioctl()): `user_size < min_size` ->
// EINVAL; copy_struct_from_user() -> E2BIG when a byte past sizeof(struct) within user_size is non-zero.
import type { Errno } from '../errno.ts';
import type { Semantics } from '../semantics.ts';

interface StructSize {
  /** offsetofend of the op table's last field (IOCTL_OP(..., last)). */
  readonly min: number;
  /** sizeof(struct) in the kernel the profile models. */
  readonly size: number;
}

/** The iommufd ioctls and their struct sizes (include/uapi/linux/iommufd.h); absent: not an iommufd ioctl in
 * this profile (the ioctl itself then gives ENOTTY). struct iommu_test_cmd grew with the selftest (56/72 bytes)
 * and is not listed. */
export function structSize(op: string, sem: Semantics): StructSize | null {
  const hwptAllocSize = sem.hwptAllocFaultId ? 48 : 24; // v6.7 data_type/len/uptr, v6.11 fault_id
  switch (op) {
    case 'IOMMU_DESTROY':
      return { min: 8, size: 8 };
    case 'IOMMU_IOAS_ALLOC':
      return { min: 12, size: 12 };
    case 'IOMMU_IOAS_ALLOW_IOVAS':
      return { min: 24, size: 24 };
    case 'IOMMU_IOAS_COPY':
      return { min: 40, size: 40 };
    case 'IOMMU_IOAS_IOVA_RANGES':
      return { min: 32, size: 32 };
    case 'IOMMU_IOAS_MAP':
      return { min: 40, size: 40 };
    case 'IOMMU_IOAS_UNMAP':
      return { min: 24, size: 24 };
    case 'IOMMU_OPTION':
      return { min: 24, size: 24 };
    case 'IOMMU_VFIO_IOAS':
      return { min: 12, size: 12 };
    case 'IOMMU_HWPT_ALLOC':
      return sem.hwptAlloc ? { min: 24, size: hwptAllocSize } : null;
    case 'IOMMU_GET_HW_INFO':
      return sem.hwptAlloc ? { min: 32, size: sem.hwptAllocFaultId ? 40 : 32 } : null;
    default:
      return null;
  }
}

/**
 * The errno the ioctl entry gives before the handler runs, or null when the struct is accepted. `trailing` are
 * the bytes after sizeof(struct) in the caller's buffer (missing ones are zero).
 */
export function ucmdSizeErrno(s: StructSize, userSize: number, trailing: readonly number[]): Errno | null {
  if (userSize < s.min) return 'EINVAL';
  for (let off = s.size; off < userSize; off++) if ((trailing[off - s.size] ?? 0) !== 0) return 'E2BIG';
  return null;
}
