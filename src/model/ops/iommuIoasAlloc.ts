import type { ActionOf } from '../actions.ts';
import { createObject, newIoas } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/** IOMMU_IOAS_ALLOC: ioas.c iommufd_ioas_alloc_ioctl(): flags != 0 -> EOPNOTSUPP; allocation -> ENOMEM; the id
 * is written back before finalize and a failed copy aborts the object (EFAULT, id freed). */
export function iommuIoasAlloc(tx: Tx, a: ActionOf<'IOMMU_IOAS_ALLOC'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  if (a.flags !== 0) return err('EOPNOTSUPP');
  if (a.fault === 'ioas_alloc') return err('ENOMEM');
  // Abort after allocation frees the id again, so sequentially a failed copy-out leaves no trace.
  if (a.fault === 'copy_to_user') return err('EFAULT');
  return ok(0, { out_ioas_id: createObject(tx, t.file.ctx, newIoas(), 0) });
}
