import type { ActionOf } from '../actions.ts';
import { objectId } from '../ids.ts';
import { addRealDomainError } from '../kernel/iovaGeometry.ts';
import { isMockIdev } from '../kernel/mock.ts';
import { createObject, ctxOf, getObj, ioasOf, putObj } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok, unmodelled } from '../result.ts';

/**
 * IOMMU_HWPT_ALLOC (v6.6+; ENOTTY before): hw_pagetable.c iommufd_hwpt_alloc(). v6.6: flags -> EOPNOTSUPP,
 * dev_id not a DEVICE -> ENOENT, pt_id not an IOAS -> ENOENT. v6.7+: a failed pt_id lookup is EINVAL, a
 * HWPT_PAGING pt_id asks for a nested HWPT, which without driver data is EOPNOTSUPP. The user HWPT holds an
 * IOAS reference, joins hwpt_list at allocation and is never picked by the auto-domain search.
 */
const HWPT_ALLOC_NEST_PARENT = 1;
const HWPT_ALLOC_DIRTY_TRACKING = 2;

export function iommuHwptAlloc(tx: Tx, a: ActionOf<'IOMMU_HWPT_ALLOC'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  if (!tx.sem.hwptAlloc) return err('ENOTTY');
  const c = t.file.ctx;
  if (tx.sem.hwptPagingValidFlags !== null) return hwptAllocV612(tx, a, c, tx.sem.hwptPagingValidFlags);
  if (a.flags !== 0) {
    if (tx.sem.hwptAllocBadPtErrno === 'ENOENT') return err('EOPNOTSUPP');
    // v6.7+ iommufd_hwpt_alloc(): bits outside IOMMU_HWPT_ALLOC_{NEST_PARENT,DIRTY_TRACKING,PASID} and
    // IOMMU_HWPT_FAULT_ID_VALID -> EOPNOTSUPP first. A NEST_PARENT paging HWPT for a selftest mock device
    // (mock_domain_alloc_paging_flags() accepts it) behaves like flags 0 while nothing nests on it.
    if ((a.flags & ~0xf) !== 0) return err('EOPNOTSUPP');
    const dev = getObj(ctxOf(tx, c), a.dev_id);
    const mockNestParent = a.flags === HWPT_ALLOC_NEST_PARENT && dev?.type === 'DEVICE' && isMockIdev(dev);
    if (!mockNestParent && dev?.type === 'DEVICE')
      return unmodelled('IOMMU_HWPT_ALLOC flags (nest parent, dirty tracking, PASID) are outside the model');
  }
  if (getObj(ctxOf(tx, c), a.dev_id)?.type !== 'DEVICE') return err('ENOENT');
  const pt = getObj(ctxOf(tx, c), a.pt_id);
  if (pt?.type !== 'IOAS') {
    if (tx.sem.hwptAllocBadPtErrno === 'ENOENT') return err('ENOENT');
    return err(pt?.type === 'HWPT_PAGING' ? 'EOPNOTSUPP' : 'EINVAL');
  }
  const dev = getObj(ctxOf(tx, c), a.dev_id);
  return allocPaging(tx, a, c, dev?.type === 'DEVICE' && isMockIdev(dev));
}

/** The allocation itself: a user HWPT_PAGING on the IOAS pt_id (both checked by the caller). */
function allocPaging(tx: Tx, a: ActionOf<'IOMMU_HWPT_ALLOC'>, c: Parameters<typeof ctxOf>[1], mock: boolean): OpResult {
  if (a.fault === 'hwpt_alloc') return err('ENOMEM');
  // iopt_table_add_domain(): a physical device's domain must fit the areas already on the IOAS (EADDRINUSE).
  const parent = ioasOf(tx, c, objectId(a.pt_id));
  const dom = mock || parent === undefined ? null : addRealDomainError(tx, c, parent);
  if (dom !== null) return err(dom);
  if (a.fault === 'copy_to_user') return err('EFAULT');
  const ioasId = objectId(a.pt_id);
  const id = createObject(tx, c, { type: 'HWPT_PAGING', ioas: ioasId, auto: false, mock }, 0);
  const ioas = ioasOf(tx, c, ioasId);
  if (ioas === undefined) throw new Error('model bug: HWPT parent vanished');
  putObj(tx, c, ioasId, { ...ioas, users: ioas.users + 1, hwptList: [...ioas.hwptList, id] });
  return ok(0, { out_hwpt_id: id });
}

/**
 * v6.12 hw_pagetable.c iommufd_hwpt_alloc(): iommufd_get_device() (not a DEVICE -> ENOENT), then the pt_id
 * lookup (missing -> EINVAL); an IOAS goes to iommufd_hwpt_paging_alloc(), which refuses flags outside
 * `valid` (EOPNOTSUPP; FAULT_ID_VALID among them), DIRTY_TRACKING without IOMMU_CAP_DIRTY_TRACKING and, through
 * the driver's domain_alloc_user(), NEST_PARENT without nesting (intel_iommu_domain_alloc_user(): EOPNOTSUPP);
 * a HWPT_PAGING goes to iommufd_hwpt_nested_alloc(), EOPNOTSUPP without driver data; anything else -> EINVAL.
 */
function hwptAllocV612(
  tx: Tx,
  a: ActionOf<'IOMMU_HWPT_ALLOC'>,
  c: Parameters<typeof ctxOf>[1],
  valid: number,
): OpResult {
  const dev = getObj(ctxOf(tx, c), a.dev_id);
  if (dev?.type !== 'DEVICE') return err('ENOENT');
  const pt = getObj(ctxOf(tx, c), a.pt_id);
  if (pt === undefined) return err('EINVAL');
  if (pt.type === 'HWPT_PAGING') return err('EOPNOTSUPP');
  if (pt.type !== 'IOAS') return err('EINVAL');
  if ((a.flags & ~valid) !== 0) return err('EOPNOTSUPP');
  const mock = isMockIdev(dev);
  if (a.flags & HWPT_ALLOC_DIRTY_TRACKING) {
    // mock_domain_capable(): the selftest mock reports dirty tracking; what a dirty-tracking domain does after
    // allocation (IOMMU_HWPT_SET_DIRTY_TRACKING, the refused attach of a device without it) is not modelled.
    if (mock || tx.topo.iommuDirtyTracking)
      return unmodelled('a dirty-tracking HWPT (IOMMU_HWPT_ALLOC_DIRTY_TRACKING) is outside the model');
    return err('EOPNOTSUPP');
  }
  // NEST_PARENT: the selftest mock accepts it (a paging HWPT like any other while nothing nests on it).
  if (a.flags & HWPT_ALLOC_NEST_PARENT && !mock) {
    if (tx.topo.iommuNesting) return unmodelled('a nest-parent HWPT on a nesting IOMMU is outside the model');
    return err('EOPNOTSUPP');
  }
  return allocPaging(tx, a, c, mock);
}
