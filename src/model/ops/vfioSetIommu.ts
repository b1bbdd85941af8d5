import { type ActionOf, VFIO_EXT as X } from '../actions.ts';
import { containerIoas } from '../kernel/compat.ts';
import { ctxOf, ioasOf, putObj } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/**
 * VFIO_SET_IOMMU: vfio_compat.c iommufd_vfio_set_iommu(). v6.3+: NOIOMMU in no_iommu_mode -> 0 (actors have
 * CAP_SYS_RAWIO); then a type other than TYPE1/TYPE1v2, or no_iommu_mode -> EINVAL (v6.2: the type check only);
 * no compat IOAS -> ENODEV; TYPE1 -> iopt_disable_large_pages(): EINVAL when the IOAS has both domains and
 * areas, else sticky. No container state: it can be called any number of times.
 */
export function vfioSetIommu(tx: Tx, a: ActionOf<'VFIO_SET_IOMMU'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  const c = t.file.ctx;
  const ictx = ctxOf(tx, c);
  if (tx.sem.noIommuCompat && a.type === X.VFIO_NOIOMMU_IOMMU && ictx.noIommuMode) return ok(0);
  if (a.type !== X.VFIO_TYPE1_IOMMU && a.type !== X.VFIO_TYPE1v2_IOMMU) return err('EINVAL');
  if (tx.sem.noIommuCompat && ictx.noIommuMode) return err('EINVAL');
  const compat = containerIoas(tx, c);
  if (compat === null) return err('ENODEV');
  if (a.type === X.VFIO_TYPE1v2_IOMMU) return ok(0);
  const ioas = ioasOf(tx, c, compat);
  if (ioas === undefined) throw new Error('model bug: vfio_ioas is not a live IOAS');
  if (ioas.largePagesDisabled) return ok(0);
  if (ioas.hwptList.length > 0 && ioas.areas.length > 0) return err('EINVAL');
  putObj(tx, c, compat, { ...ioas, largePagesDisabled: true });
  return ok(0);
}
