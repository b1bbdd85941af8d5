import type { ActionOf } from '../actions.ts';
import { objectId } from '../ids.ts';
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
export function iommuHwptAlloc(tx: Tx, a: ActionOf<'IOMMU_HWPT_ALLOC'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  if (!tx.sem.hwptAlloc) return err('ENOTTY');
  if (a.flags !== 0) {
    if (tx.sem.hwptAllocBadPtErrno === 'ENOENT') return err('EOPNOTSUPP');
    return unmodelled('IOMMU_HWPT_ALLOC flags (nest parent, dirty tracking, PASID) are outside the model');
  }
  const c = t.file.ctx;
  if (getObj(ctxOf(tx, c), a.dev_id)?.type !== 'DEVICE') return err('ENOENT');
  const pt = getObj(ctxOf(tx, c), a.pt_id);
  if (pt?.type !== 'IOAS') {
    if (tx.sem.hwptAllocBadPtErrno === 'ENOENT') return err('ENOENT');
    return err(pt?.type === 'HWPT_PAGING' ? 'EOPNOTSUPP' : 'EINVAL');
  }
  if (a.fault === 'hwpt_alloc') return err('ENOMEM');
  if (a.fault === 'copy_to_user') return err('EFAULT');
  const ioasId = objectId(a.pt_id);
  const id = createObject(tx, c, { type: 'HWPT_PAGING', ioas: ioasId, auto: false }, 0);
  const ioas = ioasOf(tx, c, ioasId);
  if (ioas === undefined) throw new Error('model bug: HWPT parent vanished');
  putObj(tx, c, ioasId, { ...ioas, users: ioas.users + 1, hwptList: [...ioas.hwptList, id] });
  return ok(0, { out_hwpt_id: id });
}
