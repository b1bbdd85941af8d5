import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, unmodelled } from '../result.ts';

/**
 * The `flags` of VFIO_DEVICE_BIND_IOMMUFD and VFIO_DEVICE_{ATTACH,DETACH}_IOMMUFD_PT, checked first in
 * device_cdev.c: up to v6.12 any flag is EINVAL; later kernels give bit 0 a meaning (the VF token for bind,
 * PASID for attach/detach), outside the model, and refuse the other bits with EINVAL. null: no flag.
 */
export function cdevFlags(tx: Tx, flags: number, bit0: string): OpResult | null {
  if (flags === 0) return null;
  if (tx.sem.cdevFlagBit0 && flags === 1) return unmodelled(bit0);
  return err('EINVAL');
}
