import { type ActionOf, VFIO_EXT as X } from '../actions.ts';
import { containerIoas } from '../kernel/compat.ts';
import { ctxOf } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/**
 * VFIO_CHECK_EXTENSION: vfio_compat.c iommufd_vfio_check_extension(). TYPE1/TYPE1v2/UNMAP_ALL: 1 (latest:
 * `!no_iommu_mode`, 7147ec874ea0; v6.3-v6.6 return 1 even in no-IOMMU mode, B13). DMA_CC_IOMMU: ENODEV without
 * a compat IOAS, else 1 when every HWPT enforces coherency (all modelled devices do). NESTING, UPDATE_VADDR: 0.
 * NOIOMMU: IS_ENABLED(CONFIG_VFIO_NOIOMMU) from v6.3 (the model assumes =y); v6.2 hits the default, 0.
 */
export function vfioCheckExtension(tx: Tx, a: ActionOf<'VFIO_CHECK_EXTENSION'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  const ictx = ctxOf(tx, t.file.ctx);
  switch (a.ext) {
    case X.VFIO_TYPE1_IOMMU:
    case X.VFIO_TYPE1v2_IOMMU:
    case X.VFIO_UNMAP_ALL:
      if (tx.sem.noIommuCompat && !tx.sem.bugCheckExtensionTypeInNoIommu) return ok(ictx.noIommuMode ? 0 : 1);
      return ok(1);
    case X.VFIO_DMA_CC_IOMMU:
      return containerIoas(tx, t.file.ctx) === null ? err('ENODEV') : ok(1);
    case X.VFIO_NOIOMMU_IOMMU:
      return ok(tx.sem.noIommuCompat ? 1 : 0);
    default:
      return ok(0);
  }
}
