import { type ActionOf, VFIO_EXT as X } from '../actions.ts';
import type { ObjectId } from '../ids.ts';
import { containerIoas } from '../kernel/compat.ts';
import { ctxOf, getObj, ioasOf } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/**
 * VFIO_CHECK_EXTENSION: vfio_compat.c iommufd_vfio_check_extension(). TYPE1/TYPE1v2/UNMAP_ALL: 1 (latest:
 * `!no_iommu_mode`, 7147ec874ea0; v6.3-v6.6 return 1 even in no-IOMMU mode, B13). DMA_CC_IOMMU:
 * iommufd_vfio_cc_iommu(): ENODEV without a compat IOAS, else 1 unless a HWPT on its hwpt_list does not enforce
 * cache coherency (a HWPT does when its device's IOMMU reports IOMMU_CAP_ENFORCE_CACHE_COHERENCY: the topology
 * says; the selftest mock device never does, selftest.c mock_domain_capable()). Found by the lab: with a device
 * attached, QEMU's VT-d gives 0. NESTING, UPDATE_VADDR: 0.
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
    case X.VFIO_DMA_CC_IOMMU: {
      const id = containerIoas(tx, t.file.ctx);
      const ioas = id === null ? undefined : ioasOf(tx, t.file.ctx, id);
      if (ioas === undefined) return err('ENODEV');
      const coherent = (h: ObjectId) => {
        const o = getObj(ictx, h);
        return o?.type === 'HWPT_PAGING' && !o.mock && tx.topo.iommuEnforcesCoherency;
      };
      return ok(ioas.hwptList.every(coherent) ? 1 : 0);
    }
    case X.VFIO_NOIOMMU_IOMMU:
      return ok(tx.sem.noIommuCompat ? 1 : 0);
    default:
      return ok(0);
  }
}
