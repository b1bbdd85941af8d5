import { type ActionOf, MINSZ } from '../actions.ts';
import { containerIoas } from '../kernel/compat.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/** VFIO_IOMMU_GET_INFO (coarse): iommufd_vfio_iommu_get_info(): argsz < minsz -> EINVAL; no compat IOAS ->
 * ENODEV; else flags = PGSIZES | CAPS (page sizes and the capability chain are not modelled). */
export function vfioIommuGetInfo(tx: Tx, a: ActionOf<'VFIO_IOMMU_GET_INFO'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  if (a.argsz < MINSZ.VFIO_IOMMU_GET_INFO) return err('EINVAL');
  if (containerIoas(tx, t.file.ctx) === null) return err('ENODEV');
  return ok(0, { flags: 3 });
}
